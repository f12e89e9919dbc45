"""Many accounts in one sandbox: behind one SSO sign-in, or in one organization (issue 24).
Run through seed.py:

    python seed.py sso-accounts --endpoint URL --count N [--roles ReadOnly,Admin]
                                [--region us-east-1] [--first 200000000001]
                                [--apis-per-account K] [--regions R1,R2,...]
        N accounts FIRST, FIRST+1, ... named Team01.. (team01@example.com ...) become the SSO
        portal's assignments (exactly these), every one with the listed roles except account
        3, which has only the LAST role. In each, one REST API `Api-ACCOUNTID` in REGION:
        /items GET NONE with a MOCK integration. With K > 1, K-1 more (see extra_apis): every
        third an HTTP API `Http-ACCOUNTID-J` (3 open routes), the others REST `Api-ACCOUNTID-J`
        (2 resources × GET, POST, open). With --regions, API J of account I (both 0-based) is
        in region (I*K + J) mod the list, so the APIs spread over every region. Prints
        {"accounts": [{"accountId", "accountName", "email", "roles", "apiId", "apis": [{"id",
        "name", "kind", "region", "methods"}]}], "region", "regions", "apis", "seconds"}.
    python seed.py org --endpoint URL --members N --role ROLE [--external-id X]
                       [--refuse K] [--account MANAGEMENT] [--region us-east-1]
        An organization of the management account (the dummy keys' account, 123456789012,
        unless --account), N member accounts made by CreateAccount (Member01 ...), each with
        the role ROLE (trusting the management account) and one API `Api-ACCOUNTID`; one more
        account `Suspended`, closed (SUSPENDED) after it got its API; `Api-management` in the
        management account. With --external-id, AssumeRole of every member's ROLE needs it
        (sandbox config `external_ids`); with --refuse K the K-th member's (1-based) ROLE is
        refused (`assume_role_denied`), and the suspended account's always is. Prints
        {"management", "organizationId", "role", "externalId", "members": [{"accountId",
        "accountName", "email", "roleArn", "apiId", "refused"}], "suspended": {...},
        "seconds"}.

Every account's API is built with the keys STS AssumeRole gives for
arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole: moto maps them to ACCOUNT, so each
account sees only its own APIs. That needs a sandbox started without server.py --account
(with it every request answers as that one account); the seeds stop with an error then.
The extra APIs of sso-accounts are written into the account's backends server-side
(/_sandbox/bulk-api and bulk-http-api with "account"): 200 accounts × 3 APIs in seconds.
Throttling, region errors and latency are paused while seeding (seed_sweep.faults_paused).
"""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.config

import seed
import seed_sweep

ACCESS_ROLE = "OrganizationAccountAccessRole"  # what CreateAccount makes in every member
DEFAULT_FIRST = 200000000001
SUSPENDED_NAME = "Suspended"


class AccountClients:
    """boto3 clients signed with the keys of one account's OrganizationAccountAccessRole (or
    with `base` keys): client creation is not thread-safe, so it happens under a lock."""

    def __init__(self, endpoint, workers=8):
        self.endpoint, self.lock = endpoint, threading.Lock()
        self.session = boto3.session.Session()
        self.config = botocore.config.Config(max_pool_connections=max(10, workers),
                                             parameter_validation=False,
                                             retries={"mode": "standard"})

    def client(self, service, region, keys=None):
        keys = keys or seed.DUMMY_CREDENTIALS
        with self.lock:
            return self.session.client(service, endpoint_url=self.endpoint, region_name=region,
                                       config=self.config, **keys)

    def keys_for(self, account_id, base=None, session_name="gatehouse-seed"):
        """Keys of arn:aws:iam::ACCOUNT:role/OrganizationAccountAccessRole, assumed with
        `base` keys (the dummy ones by default)."""
        sts = self.client("sts", "us-east-1", base)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{ACCESS_ROLE}",
                                RoleSessionName=session_name)["Credentials"]
        return {"aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}

    def check_separate(self, account_id, keys):
        """Stop unless these keys answer as `account_id` (not so under server.py --account)."""
        who = self.client("sts", "us-east-1", keys).get_caller_identity()["Account"]
        if who != account_id:
            raise SystemExit(
                f"keys assumed into account {account_id} answer as {who}: the sandbox answers "
                "every request as one account (server.py --account); start it without "
                "--account to seed many accounts")


def account_api(apigw, name):
    """One REST API: /items GET NONE with a MOCK integration; its id."""
    api = apigw.create_rest_api(name=name, description="one account's API (seed_accounts.py)")
    items = apigw.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                  pathPart="items")
    seed._method(apigw, api["id"], items["id"], "GET")
    return api["id"]


# An extra API's shape: REST, 2 resources × 2 methods (GET, POST); HTTP, 3 routes; all open.
EXTRA_REST_RESOURCES, EXTRA_REST_VERBS, EXTRA_HTTP_ROUTES = 2, 2, 3


def extra_apis(endpoint, account_id, regions, first_slot, count):
    """APIs 2..count of one account, server-side: the J-th (0-based, J >= 1) in region
    regions[(first_slot + J) % len], HTTP when J % 3 == 2, else REST. Their descriptions."""
    out = []
    for j in range(1, count):
        region = regions[(first_slot + j) % len(regions)]
        if j % 3 == 2:
            name = f"Http-{account_id}-{j + 1}"
            made = seed._control(endpoint, "/_sandbox/bulk-http-api", {
                "account": account_id, "region": region, "name": name,
                "routes": EXTRA_HTTP_ROUTES})
            out.append({"id": made["id"], "name": name, "kind": "HTTP", "region": region,
                        "methods": made["routes"]})
        else:
            name = f"Api-{account_id}-{j + 1}"
            made = seed._control(endpoint, "/_sandbox/bulk-api", {
                "account": account_id, "region": region, "name": name,
                "resources": EXTRA_REST_RESOURCES,
                "methods_per_resource": EXTRA_REST_VERBS})
            out.append({"id": made["id"], "name": name, "kind": "REST", "region": region,
                        "methods": made["methods"]})
    return out


def _names(count, prefix):
    width = max(2, len(str(count)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


def seed_sso_accounts(endpoint, count, roles=("ReadOnly", "Admin"), region=seed.API_REGION,
                      first=DEFAULT_FIRST, workers=8, apis_per_account=1, regions=None):
    """The SSO portal's assignments become `count` accounts from `first` on, each with
    `apis_per_account` APIs in `regions` (default: `region` alone).
    Returns {"accounts": [...], "region", "regions", "apis", "seconds"}."""
    started = time.monotonic()
    roles = [r for r in roles if r]
    regions = [r for r in (regions or [region]) if r]
    if count < 0 or not roles:
        raise ValueError("sso-accounts needs --count >= 0 and at least one role")
    if apis_per_account < 1 or not regions:
        raise ValueError("sso-accounts needs --apis-per-account >= 1 and at least one region")
    ids = [str(first + i) for i in range(count)]
    if any(len(a) != 12 for a in ids):
        raise ValueError(f"account ids from {first} on must stay 12 digits")
    accounts = [{"accountId": account_id, "accountName": name,
                 "email": f"{name.lower()}@example.com",
                 "roles": [roles[-1]] if i == 3 else list(roles)}
                for i, (account_id, name) in enumerate(zip(ids, _names(count, "Team")), 1)]
    clients = AccountClients(endpoint, workers)

    def build(slot, check=False):
        entry = accounts[slot]
        keys = clients.keys_for(entry["accountId"])
        if check:
            clients.check_separate(entry["accountId"], keys)
        first_slot = slot * apis_per_account
        home = regions[first_slot % len(regions)]
        name = f"Api-{entry['accountId']}"
        entry["apiId"] = account_api(clients.client("apigateway", home, keys), name)
        entry["apis"] = [{"id": entry["apiId"], "name": name, "kind": "REST", "region": home,
                          "methods": 1}]
        entry["apis"] += extra_apis(endpoint, entry["accountId"], regions, first_slot,
                                    apis_per_account)

    with seed_sweep.faults_paused(endpoint):
        if accounts:
            build(0, check=True)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(build, range(1, len(accounts))))
    seed._control(endpoint, "/_sandbox/sso/config", {"assignments": {
        a["accountId"]: {"accountName": a["accountName"], "emailAddress": a["email"],
                         "roles": a["roles"]} for a in accounts}})
    return {"accounts": accounts, "region": region, "regions": regions,
            "apis": sum(len(a["apis"]) for a in accounts),
            "seconds": round(time.monotonic() - started, 2)}


def _trust_policy(management, external_id):
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{management}:root"},
                 "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def seed_org(endpoint, members, role, external_id=None, refuse=None, management=None,
             region=seed.API_REGION, workers=8):
    """An organization with `members` member accounts and one suspended account, each with an
    API and the role `role`; the sandbox's AssumeRole refusals and external ids set for them.
    Returns {"management", "organizationId", "role", "externalId", "members", "suspended",
    "seconds"}."""
    started = time.monotonic()
    if members < 0:
        raise ValueError("org needs --members >= 0")
    if refuse is not None and not 1 <= refuse <= members:
        raise ValueError(f"--refuse {refuse}: there are members 1..{members}")
    if external_id is not None and not 2 <= len(external_id) <= 1224:
        raise ValueError("an external id is 2 to 1224 characters (STS's limits)")
    clients = AccountClients(endpoint, workers)
    base = None
    caller = clients.client("sts", "us-east-1").get_caller_identity()["Account"]
    if management and management != caller:  # that account's own keys
        base = clients.keys_for(management)
        clients.check_separate(management, base)
    management = management or caller
    with seed_sweep.faults_paused(endpoint):
        org = clients.client("organizations", "us-east-1", base)
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        names = _names(members, "Member") + [SUSPENDED_NAME]
        made = []
        for name in names:
            status = org.create_account(AccountName=name, Email=f"{name.lower()}@example.com")
            made.append({"accountId": status["CreateAccountStatus"]["AccountId"],
                         "accountName": name, "email": f"{name.lower()}@example.com"})
        for i, entry in enumerate(made, 1):
            entry["roleArn"] = f"arn:aws:iam::{entry['accountId']}:role/{role}"
            entry["refused"] = i == refuse or entry["accountName"] == SUSPENDED_NAME

        def build(entry, check=False):
            keys = clients.keys_for(entry["accountId"], base)
            if check:
                clients.check_separate(entry["accountId"], keys)
            clients.client("iam", "us-east-1", keys).create_role(
                RoleName=role, AssumeRolePolicyDocument=_trust_policy(management, external_id),
                Description="assumed by Gatehouse from the management account")
            entry["apiId"] = account_api(clients.client("apigateway", region, keys),
                                         f"Api-{entry['accountId']}")

        build(made[0], check=True)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(build, made[1:]))
        management_api = account_api(clients.client("apigateway", region, base),
                                     "Api-management")
        suspended = made.pop()
        org.close_account(AccountId=suspended["accountId"])
        suspended["status"] = org.describe_account(
            AccountId=suspended["accountId"])["Account"]["Status"]

    config = seed_sweep._control(endpoint, "/_sandbox/config")  # GET: kept, added to
    denied = list(config.get("assume_role_denied") or [])
    denied += [e["roleArn"] for e in made + [suspended] if e["refused"]]
    external_ids = dict(config.get("external_ids") or {})
    if external_id:
        external_ids.update({e["roleArn"]: external_id for e in made + [suspended]})
    seed._control(endpoint, "/_sandbox/config", {"assume_role_denied": denied,
                                                 "external_ids": external_ids})
    return {"management": management, "organizationId": org_id, "region": region,
            "role": role, "externalId": external_id, "managementApiId": management_api,
            "members": made, "suspended": suspended,
            "seconds": round(time.monotonic() - started, 2)}
