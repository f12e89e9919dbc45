"""Self-checks of many accounts in one sandbox (issue 24): sixty accounts behind one SSO
sign-in (seed.py sso-accounts), the portal's paging and its 429s (SSO config
`portal_throttle_every`), AssumeRole refusals and external ids (`assume_role_denied`,
`external_ids`), and an organization's members (seed.py org). Run by test_sandbox.py, which
sets `S` to itself before running TESTS; these checks start sandboxes of their own (the seeds
fill accounts and config the other checks do not expect) and close() stops them.
"""

import http.client
import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import boto3
import botocore
import botocore.config

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()
SANDBOXES = {}  # label -> (process, url)
SEEDED = {}  # label -> the seed's JSON
START_URL = "https://corp.awsapps.com/start"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
MANAGEMENT = "123456789012"
DUMMY_CALLER = f"arn:aws:sts::{MANAGEMENT}:user/moto"
THROTTLED_BODY = {"message": "HTTP 429 Unknown Code",
                  "__type": "com.amazonaws.switchboard.portal#TooManyRequestsException"}


# ---------------------------------------------------------------- helpers

def sandbox(label):
    """The URL of this module's sandbox `label`, started on first use."""
    if label not in SANDBOXES:
        SANDBOXES[label] = S.start_server()
    return SANDBOXES[label][1]


def close():
    """Stop the sandboxes this module started."""
    for proc, _ in SANDBOXES.values():
        proc.terminate()
        proc.wait(timeout=10)
    SANDBOXES.clear()
    SEEDED.clear()


def wire(url, method, path, body=None, headers=None):
    """A raw HTTP request: (status, lower-cased headers, JSON body or None)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    data = None if body is None else json.dumps(body).encode()
    conn.request(method, path, body=data,
                 headers={"Content-Type": "application/json", **(headers or {})})
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, \
        (json.loads(raw) if raw else None)


def ctl(url, path, payload=None):
    status, _, body = wire(url, "GET" if payload is None else "POST", path, payload)
    assert status == 200, (path, status, body)
    return body


def run_seed(url, *args):
    """seed.py COMMAND ... --endpoint URL on the command line: (its JSON, seconds)."""
    started = time.monotonic()
    out = subprocess.run([sys.executable, os.path.join(S.HERE, "seed.py"), *args,
                          "--endpoint", url], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), time.monotonic() - started


def unsigned(url, service, retries=1):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        config=botocore.config.Config(
                            signature_version=botocore.UNSIGNED,
                            retries={"total_max_attempts": retries, "mode": "standard"}))


def sso_token(url, user="alice"):
    """The access token of an approved device authorization."""
    oidc = unsigned(url, "sso-oidc")
    client = oidc.register_client(clientName="accounts-check", clientType="public",
                                  scopes=["sso:account:access"])
    device = oidc.start_device_authorization(clientId=client["clientId"],
                                             clientSecret=client["clientSecret"],
                                             startUrl=START_URL)
    ctl(url, "/_sandbox/sso/approve", {"userCode": device["userCode"], "user": user})
    return oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                             grantType=DEVICE_GRANT,
                             deviceCode=device["deviceCode"])["accessToken"]


def portal(url, token, path):
    return wire(url, "GET", path, headers={"x-amz-sso_bearer_token": token})


def keys_of(creds):
    """boto3 keyword arguments from STS's Credentials or the portal's roleCredentials."""
    get = lambda *names: next(creds[n] for n in names if n in creds)  # noqa: E731
    return {"aws_access_key_id": get("AccessKeyId", "accessKeyId"),
            "aws_secret_access_key": get("SecretAccessKey", "secretAccessKey"),
            "aws_session_token": get("SessionToken", "sessionToken")}


def client(url, service, keys=None, region="us-east-1"):
    return boto3.client(service, endpoint_url=url, region_name=region,
                        **(keys or S.seed.DUMMY_CREDENTIALS))


def api_names(url, keys, region="us-east-1"):
    return sorted(a["name"] for a in client(url, "apigateway", keys, region)
                  .get_rest_apis(limit=500)["items"])


def sso_sixty():
    """The "sso" sandbox with 60 accounts seeded (once); (url, seed JSON)."""
    url = sandbox("sso")
    if "sso" not in SEEDED:
        seeded, seconds = run_seed(url, "sso-accounts", "--count", "60",
                                   "--roles", "ReadOnly,Admin")
        seeded["wall_seconds"] = seconds
        SEEDED["sso"] = seeded
    return url, SEEDED["sso"]


# ---------------------------------------------------------------- SSO portal

@test
def accounts_sixty_behind_one_sign_in_paged():
    url, seeded = sso_sixty()
    accounts = seeded["accounts"]
    assert seeded["wall_seconds"] < 20, seeded["wall_seconds"]
    print(f"     (sso-accounts --count 60: {seeded['seconds']} s in the seed, "
          f"{seeded['wall_seconds']:.2f} s with the process)")
    ids = [str(200000000001 + i) for i in range(60)]
    assert [a["accountId"] for a in accounts] == ids
    assert accounts[0]["accountName"] == "Team01" and accounts[59]["accountName"] == "Team60"
    assert accounts[0]["email"] == "team01@example.com"
    assert accounts[0]["roles"] == ["ReadOnly", "Admin"] and accounts[2]["roles"] == ["Admin"]
    assert len({a["apiId"] for a in accounts}) == 60
    assert ctl(url, "/_sandbox/sso/config")["assignments"]["200000000003"] == {
        "accountName": "Team03", "emailAddress": "team03@example.com", "roles": ["Admin"]}

    token = sso_token(url)
    pages, next_token = [], None
    while True:
        path = "/assignment/accounts?max_result=25" + (
            f"&next_token={next_token}" if next_token else "")
        status, _, body = portal(url, token, path)
        assert status == 200, body
        pages.append(body["accountList"])
        next_token = body.get("nextToken")
        if not next_token:
            break
    assert [len(p) for p in pages] == [25, 25, 10]
    assert [a["accountId"] for p in pages for a in p] == ids
    assert pages[2][-1] == {"accountId": "200000000060", "accountName": "Team60",
                            "emailAddress": "team60@example.com"}
    # botocore's paginator reads the same pages.
    sso = unsigned(url, "sso")
    got = list(sso.get_paginator("list_accounts").paginate(
        accessToken=token, PaginationConfig={"PageSize": 25}))
    assert [len(p["accountList"]) for p in got] == [25, 25, 10]
    status, _, body = portal(url, token, "/assignment/accounts?max_result=100")
    assert status == 200 and len(body["accountList"]) == 60 and "nextToken" not in body
    # A portal that answers fewer than asked: only nextToken says there is more.
    ctl(url, "/_sandbox/sso/config", {"portal_page_size": 20})
    try:
        status, _, body = portal(url, token, "/assignment/accounts?max_result=100")
        assert status == 200 and len(body["accountList"]) == 20 and body.get("nextToken"), body
        got = list(sso.get_paginator("list_accounts").paginate(accessToken=token))
        assert [len(p["accountList"]) for p in got] == [20, 20, 20]
    finally:
        ctl(url, "/_sandbox/sso/config", {"portal_page_size": 0})
    for bad in ("101", "0", "x"):
        status, headers, body = portal(url, token, f"/assignment/accounts?max_result={bad}")
        assert (status, headers["x-amzn-errortype"]) == (400, "InvalidRequestException"), body
    roles = sso.list_account_roles(accessToken=token, accountId="200000000003")["roleList"]
    assert roles == [{"roleName": "Admin", "accountId": "200000000003"}]
    roles = sso.list_account_roles(accessToken=token, accountId="200000000001")["roleList"]
    assert [r["roleName"] for r in roles] == ["ReadOnly", "Admin"]


@test
def accounts_role_credentials_answer_as_their_account():
    url, seeded = sso_sixty()
    token = sso_token(url, user="carol")
    sso = unsigned(url, "sso")
    third = seeded["accounts"][2]
    creds = sso.get_role_credentials(accessToken=token, roleName="Admin",
                                     accountId=third["accountId"])["roleCredentials"]
    who = client(url, "sts", keys_of(creds)).get_caller_identity()
    assert who["Account"] == "200000000003", who
    assert who["Arn"].startswith("arn:aws:sts::200000000003:assumed-role/AWSReservedSSO_Admin_")
    assert who["Arn"].endswith("/carol")
    assert api_names(url, keys_of(creds)) == ["Api-200000000003"]
    try:  # account 3 has only the last role
        sso.get_role_credentials(accessToken=token, roleName="ReadOnly",
                                 accountId=third["accountId"])
        raise AssertionError("ReadOnly in account 3 gave credentials")
    except botocore.exceptions.ClientError as exc:
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert exc.response["Error"]["Code"] == "ForbiddenException"
    first = sso.get_role_credentials(accessToken=token, roleName="ReadOnly",
                                     accountId="200000000001")["roleCredentials"]
    assert api_names(url, keys_of(first)) == ["Api-200000000001"]
    # The sandbox's own account sees none of them.
    assert not [n for n in api_names(url, None) if n.startswith("Api-")]


@test
def accounts_portal_answers_429_every_nth_call():
    url, seeded = sso_sixty()
    token = sso_token(url)
    for bad in (-1, "3", True, 1.5):
        status, _, body = wire(url, "POST", "/_sandbox/sso/config",
                               {"portal_throttle_every": bad})
        assert status == 400, (bad, body)
    ctl(url, "/_sandbox/sso/portal/reset", {})
    ctl(url, "/_sandbox/reset-stats", {})
    assert ctl(url, "/_sandbox/sso/config", {"portal_throttle_every": 3})[
        "portal_throttle_every"] == 3
    try:
        third = seeded["accounts"][2]["accountId"]
        paths = ["/assignment/accounts?max_result=25",
                 f"/assignment/roles?account_id={third}",
                 f"/federation/credentials?role_name=Admin&account_id={third}",
                 "/assignment/accounts", f"/assignment/roles?account_id={third}",
                 "/assignment/accounts?max_result=5"]
        statuses = []
        for path in paths:
            status, headers, body = portal(url, token, path)
            statuses.append(status)
            if status == 429:  # the portal's throttling answer, as its users have seen it
                assert headers["x-amzn-errortype"] == "TooManyRequestsException"
                assert headers["content-type"] == "application/json"
                assert body == THROTTLED_BODY, body
        assert statuses == [200, 200, 429, 200, 200, 429], statuses
        counts = ctl(url, "/_sandbox/sso/portal")
        assert counts == {"calls": 6, "throttled": 2, "most_at_once": 1, "throttle_every": 3,
                          "operations": {
            "ListAccounts": {"calls": 3, "throttled": 1, "most_at_once": 1},
            "ListAccountRoles": {"calls": 2, "throttled": 0, "most_at_once": 1},
            "GetRoleCredentials": {"calls": 1, "throttled": 1, "most_at_once": 0}}}, counts
        assert ctl(url, "/_sandbox/sso/state")["portal"] == counts
        stats = ctl(url, "/_sandbox/stats")
        assert stats["throttled"]["sso"] == {"GetRoleCredentials": 1, "ListAccounts": 1}
        assert stats["calls"]["sso"]["ListAccounts"] == 3

        # botocore reads it as TooManyRequestsException (without retries) ...
        ctl(url, "/_sandbox/sso/config", {"portal_throttle_every": 1})
        once = unsigned(url, "sso")
        try:
            once.list_accounts(accessToken=token)
            raise AssertionError("throttled ListAccounts answered")
        except once.exceptions.TooManyRequestsException as exc:
            assert exc.response["Error"]["Message"] == "HTTP 429 Unknown Code"
            assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        # ... and retries it: every 3rd call refused, three pages of 25 still read whole.
        ctl(url, "/_sandbox/sso/config", {"portal_throttle_every": 3})  # counts anew
        before = ctl(url, "/_sandbox/sso/portal")
        retrying = unsigned(url, "sso", retries=5)
        pages = list(retrying.get_paginator("list_accounts").paginate(
            accessToken=token, PaginationConfig={"PageSize": 25}))
        assert [len(p["accountList"]) for p in pages] == [25, 25, 10]
        assert [p["ResponseMetadata"]["RetryAttempts"] for p in pages] == [0, 0, 1]
        after = ctl(url, "/_sandbox/sso/portal")
        assert (after["calls"] - before["calls"], after["throttled"] - before["throttled"]) \
            == (4, 1)
        # Logout is not throttled, nor counted.
        ctl(url, "/_sandbox/sso/config", {"portal_throttle_every": 1})
        assert wire(url, "POST", "/logout", headers={
            "x-amz-sso_bearer_token": sso_token(url)})[0] == 200
        assert ctl(url, "/_sandbox/sso/portal")["calls"] == after["calls"]
    finally:
        ctl(url, "/_sandbox/sso/config", {"portal_throttle_every": 0})
    assert portal(url, token, "/assignment/accounts")[0] == 200


@test
def accounts_portal_latency_shows_calls_answered_at_once():
    url, seeded = sso_sixty()
    token = sso_token(url)
    accounts = [a["accountId"] for a in seeded["accounts"][:4]]
    for bad in (-5, "300", 0.5):
        status, _, body = wire(url, "POST", "/_sandbox/sso/config", {"portal_latency_ms": bad})
        assert status == 400, (bad, body)
    ctl(url, "/_sandbox/sso/portal/reset", {})
    ctl(url, "/_sandbox/sso/config", {"portal_latency_ms": 400})
    try:
        # One after the other: never two at once, each at least the latency.
        started = time.monotonic()
        assert portal(url, token, f"/federation/credentials?role_name=Admin&"
                                  f"account_id={accounts[0]}")[0] == 200
        assert time.monotonic() - started >= 0.4
        assert ctl(url, "/_sandbox/sso/portal")["most_at_once"] == 1
        # Four at once: the sandbox answers them side by side and says so.
        import threading
        statuses = []
        threads = [threading.Thread(target=lambda a=a: statuses.append(portal(
            url, token, f"/federation/credentials?role_name=Admin&account_id={a}")[0]))
            for a in accounts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 4, statuses
        counts = ctl(url, "/_sandbox/sso/portal")["operations"]["GetRoleCredentials"]
        assert counts == {"calls": 5, "throttled": 0, "most_at_once": 4}, counts
    finally:
        ctl(url, "/_sandbox/sso/config", {"portal_latency_ms": 0})
    ctl(url, "/_sandbox/sso/portal/reset", {})
    assert ctl(url, "/_sandbox/sso/portal")["most_at_once"] == 0


@test
def accounts_assignments_take_more_than_a_hundred():
    url = sandbox("sso")
    token = sso_token(url)
    saved = ctl(url, "/_sandbox/sso/config")["assignments"]
    many = {str(300000000001 + i): {"accountName": f"Big{i:03d}", "roles": ["ReadOnly"]}
            for i in range(150)}
    try:
        ctl(url, "/_sandbox/sso/config", {"assignments": many})
        sso = unsigned(url, "sso")
        pages = list(sso.get_paginator("list_accounts").paginate(
            accessToken=token, PaginationConfig={"PageSize": 100}))
        assert [len(p["accountList"]) for p in pages] == [100, 50]
        assert pages[1]["accountList"][-1]["accountId"] == "300000000150"
    finally:
        ctl(url, "/_sandbox/sso/config", {"assignments": saved})


# ---------------------------------------------------------------- AssumeRole

def assume_error(sts, **kwargs):
    try:
        sts.assume_role(RoleSessionName="gatehouse", **kwargs)
    except botocore.exceptions.ClientError as exc:
        return (exc.response["ResponseMetadata"]["HTTPStatusCode"],
                exc.response["Error"]["Code"], exc.response["Error"]["Message"])
    raise AssertionError(f"AssumeRole {kwargs} was accepted")


def refusal(caller, role):
    return (403, "AccessDenied",
            f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}")


@test
def accounts_assume_role_refusals_and_external_ids():
    url = sandbox("org")
    denied = "arn:aws:iam::210000000001:role/Audit"
    guarded = "arn:aws:iam::210000000002:role/Audit"
    open_role = "arn:aws:iam::210000000003:role/Audit"
    ctl(url, "/_sandbox/sts/assume-role-calls/clear", {})
    sts = client(url, "sts")
    try:
        config = ctl(url, "/_sandbox/config", {"assume_role_denied": [denied],
                                               "external_ids": {guarded: "ext-42"}})
        assert config["assume_role_denied"] == [denied]
        assert config["external_ids"] == {guarded: "ext-42"}
        assert assume_error(sts, RoleArn=denied) == refusal(DUMMY_CALLER, denied)
        assert assume_error(sts, RoleArn=denied, ExternalId="ext-42") == \
            refusal(DUMMY_CALLER, denied)
        assert assume_error(sts, RoleArn=guarded) == refusal(DUMMY_CALLER, guarded)
        assert assume_error(sts, RoleArn=guarded, ExternalId="ext-43") == \
            refusal(DUMMY_CALLER, guarded)
        ok = sts.assume_role(RoleArn=guarded, RoleSessionName="gatehouse",
                             ExternalId="ext-42")
        assert ok["AssumedRoleUser"]["Arn"] == \
            "arn:aws:sts::210000000002:assumed-role/Audit/gatehouse"
        sts.assume_role(RoleArn=open_role, RoleSessionName="gatehouse")
        # A chained AssumeRole names the assumed role as the caller.
        chained = client(url, "sts", keys_of(ok["Credentials"]))
        assert assume_error(chained, RoleArn=denied) == refusal(
            "arn:aws:sts::210000000002:assumed-role/Audit/gatehouse", denied)
        calls = ctl(url, "/_sandbox/sts/assume-role-calls")["calls"]
        assert [(c["RoleArn"], c["ExternalId"], c["status"], c["code"]) for c in calls] == [
            (denied, None, 403, "AccessDenied"), (denied, "ext-42", 403, "AccessDenied"),
            (guarded, None, 403, "AccessDenied"), (guarded, "ext-43", 403, "AccessDenied"),
            (guarded, "ext-42", 200, None), (open_role, None, 200, None),
            (denied, None, 403, "AccessDenied")], calls
        for bad in ({"assume_role_denied": "arn:aws:iam::1:role/x"},
                    {"assume_role_denied": ["Audit"]},
                    {"external_ids": {guarded: ""}}, {"external_ids": ["x"]}):
            assert wire(url, "POST", "/_sandbox/config", bad)[0] == 400, bad
    finally:
        ctl(url, "/_sandbox/config", {"assume_role_denied": [], "external_ids": {}})
        ctl(url, "/_sandbox/sts/assume-role-calls/clear", {})
    sts.assume_role(RoleArn=denied, RoleSessionName="gatehouse")  # no longer refused


# ---------------------------------------------------------------- organization

@test
def accounts_org_members_each_see_their_own_api():
    url = sandbox("org")
    seeded, seconds = run_seed(url, "org", "--members", "4", "--role", "AuditRole",
                               "--external-id", "ext-42", "--refuse", "2")
    print(f"     (org --members 4: {seeded['seconds']} s in the seed, {seconds:.2f} s with "
          "the process)")
    members, suspended = seeded["members"], seeded["suspended"]
    assert seeded["management"] == MANAGEMENT
    assert [m["accountName"] for m in members] == ["Member01", "Member02", "Member03",
                                                    "Member04"]
    assert [m["refused"] for m in members] == [False, True, False, False]
    assert suspended["status"] == "SUSPENDED" and suspended["refused"]

    listed = []
    for page in client(url, "organizations").get_paginator("list_accounts").paginate():
        listed += page["Accounts"]
    statuses = {a["Id"]: a["Status"] for a in listed}
    assert statuses == {MANAGEMENT: "ACTIVE", **{m["accountId"]: "ACTIVE" for m in members},
                        suspended["accountId"]: "SUSPENDED"}, statuses
    names = {a["Id"]: a["Name"] for a in listed}
    assert [names[m["accountId"]] for m in members] == [m["accountName"] for m in members]

    config = ctl(url, "/_sandbox/config")
    assert sorted(config["assume_role_denied"]) == sorted(
        [members[1]["roleArn"], suspended["roleArn"]])
    assert config["external_ids"] == {e["roleArn"]: "ext-42" for e in members + [suspended]}

    sts = client(url, "sts")
    for member in members:
        role = f"arn:aws:iam::{member['accountId']}:role/AuditRole"
        assert member["roleArn"] == role
        assert assume_error(sts, RoleArn=role) == refusal(DUMMY_CALLER, role)
        if member["refused"]:
            assert assume_error(sts, RoleArn=role, ExternalId="ext-42") == \
                refusal(DUMMY_CALLER, role)
            continue
        creds = sts.assume_role(RoleArn=role, RoleSessionName="gatehouse",
                                ExternalId="ext-42")["Credentials"]
        keys = keys_of(creds)
        assert client(url, "sts", keys).get_caller_identity()["Account"] == member["accountId"]
        assert api_names(url, keys) == [f"Api-{member['accountId']}"]
        # The role exists in the member's IAM, trusting the management account.
        got = client(url, "iam", keys).get_role(RoleName="AuditRole")["Role"]
        statement = got["AssumeRolePolicyDocument"]["Statement"][0]
        assert statement["Principal"] == {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"}
        assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "ext-42"}}
    assert assume_error(sts, RoleArn=suspended["roleArn"], ExternalId="ext-42")[0] == 403
    assert "Api-management" in api_names(url, None)
    assert not [n for n in api_names(url, None) if n.startswith("Api-") and n[4:].isdigit()]
