"""Self-checks of API Gateway's quotas per account in one sandbox of many accounts (issue 24's
benchmark): `seed.py sso-accounts --apis-per-account K --regions ...` spreads each account's
APIs over the regions, throttle `"per": "account"` gives every account its own buckets (its
regions share them), and `/_sandbox/stats` counts each account's calls under `by_account`.
Run by test_sandbox.py (which sets `S`); the sandbox is test_accounts.py's, started for these
checks alone and stopped by its close().
"""

import boto3
import botocore.config
import botocore.exceptions

import test_accounts as accounts
from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"]
FIRST = 400000000001
SEEDED = {}
ONCE = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})


def spread():
    """A sandbox of 5 accounts × 3 APIs over REGIONS (seeded once); (url, seed JSON)."""
    url = accounts.sandbox("quotas")
    if not SEEDED:
        seeded, seconds = accounts.run_seed(
            url, "sso-accounts", "--count", "5", "--first", str(FIRST),
            "--apis-per-account", "3", "--regions", ",".join(REGIONS))
        print(f"     (sso-accounts --count 5 --apis-per-account 3: {seeded['seconds']} s in "
              f"the seed, {seconds:.2f} s with the process)")
        SEEDED.update(seeded)
    return url, SEEDED


def role_keys(url, account_id, role="Admin"):
    """The portal's role credentials for one account, as boto3 keyword arguments."""
    sso = accounts.unsigned(url, "sso")
    creds = sso.get_role_credentials(accessToken=accounts.sso_token(url), roleName=role,
                                     accountId=account_id)["roleCredentials"]
    return accounts.keys_of(creds)


def gateway(url, keys, region, service="apigateway"):
    return boto3.client(service, endpoint_url=url, region_name=region, config=ONCE, **keys)


def status(call, **kwargs):
    """The HTTP status of one call, 429 included (no retries)."""
    try:
        return call(**kwargs)["ResponseMetadata"]["HTTPStatusCode"]
    except botocore.exceptions.ClientError as exc:
        return exc.response["ResponseMetadata"]["HTTPStatusCode"]


@test
def quotas_seed_spreads_each_accounts_apis_over_the_regions():
    url, seeded = spread()
    assert seeded["regions"] == REGIONS and seeded["apis"] == 15, seeded
    for i, entry in enumerate(seeded["accounts"]):
        account_id = entry["accountId"]
        assert account_id == str(FIRST + i)
        assert [a["name"] for a in entry["apis"]] == [
            f"Api-{account_id}", f"Api-{account_id}-2", f"Http-{account_id}-3"]
        assert [a["kind"] for a in entry["apis"]] == ["REST", "REST", "HTTP"]
        assert [a["methods"] for a in entry["apis"]] == [1, 4, 3]
        assert [a["region"] for a in entry["apis"]] == [
            REGIONS[(i * 3 + j) % len(REGIONS)] for j in range(3)]
        assert entry["apiId"] == entry["apis"][0]["id"]
    # Each account's role credentials see exactly its own APIs, each in its region.
    for entry in seeded["accounts"][:2]:
        keys = role_keys(url, entry["accountId"])
        seen = set()
        for region in REGIONS:
            rest = gateway(url, keys, region).get_rest_apis(limit=500)["items"]
            http = gateway(url, keys, region, "apigatewayv2").get_apis()["Items"]
            seen |= {(a["name"], a["id"], region) for a in rest}
            seen |= {(a["Name"], a["ApiId"], region) for a in http}
        assert seen == {(a["name"], a["id"], a["region"]) for a in entry["apis"]}, seen
        extra = entry["apis"][1]
        items = gateway(url, keys, extra["region"]).get_resources(
            restApiId=extra["id"], embed=["methods"])["items"]
        assert sum(len(r.get("resourceMethods") or {}) for r in items) == 4, items
        http = entry["apis"][2]
        routes = gateway(url, keys, http["region"], "apigatewayv2").get_routes(
            ApiId=http["id"])["Items"]
        assert sorted(r["AuthorizationType"] for r in routes) == ["NONE"] * 3, routes


@test
def quotas_per_account_give_every_account_its_own_burst():
    url, seeded = spread()
    first, second = seeded["accounts"][0], seeded["accounts"][1]
    keys = {e["accountId"]: role_keys(url, e["accountId"]) for e in (first, second)}

    def calls(entry):
        """GetResources twice in the API's region, then GetRestApis three times in another
        region: the statuses."""
        api = entry["apis"][0]
        other = next(r for r in REGIONS if r != api["region"])
        home = gateway(url, keys[entry["accountId"]], api["region"])
        away = gateway(url, keys[entry["accountId"]], other)
        return [status(home.get_resources, restApiId=api["id"]) for _ in range(2)] + \
            [status(away.get_rest_apis) for _ in range(3)]

    for bad in ({"per": "region"}, {"per": None}, {"per": 1}):
        assert accounts.wire(url, "POST", "/_sandbox/config", {"throttle": bad})[0] == 400, bad
    accounts.ctl(url, "/_sandbox/reset-stats", {})
    slow = {"rate": 0.01, "burst": 3, "get_resources_rate": 0.01, "get_resources_burst": 1}
    try:
        config = accounts.ctl(url, "/_sandbox/config", {"throttle": {**slow, "per": "account"}})
        assert config["throttle"]["per"] == "account"
        # The first account spends its burst (GetResources' 1, the total's 3, the regions
        # sharing them) ...
        assert calls(first) == [200, 429, 200, 200, 429]
        # ... and the second still has every token of its own.
        assert calls(second) == [200, 429, 200, 200, 429]
        stats = accounts.ctl(url, "/_sandbox/stats")
        assert stats["by_account"] == {
            a["accountId"]: {"calls": 5, "throttled": 2, "get_resources": 2}
            for a in (first, second)}, stats["by_account"]
        assert stats["throttled"]["apigateway"] == {"GetResources": 2, "GetRestApis": 2}
        # The dummy keys are the sandbox's own account, with a quota of its own as well.
        assert status(gateway(url, accounts.S.seed.DUMMY_CREDENTIALS, "us-east-1")
                      .get_rest_apis) == 200
        assert accounts.ctl(url, "/_sandbox/stats")["by_account"][accounts.MANAGEMENT] == {
            "calls": 1, "throttled": 0, "get_resources": 0}

        # One quota for the whole sandbox (the default): the second account gets none.
        accounts.ctl(url, "/_sandbox/reset-stats", {})
        config = accounts.ctl(url, "/_sandbox/config", {"throttle": slow})
        assert config["throttle"]["per"] == "sandbox"
        assert calls(first) == [200, 429, 200, 200, 429]
        assert calls(second) == [429] * 5
        by_account = accounts.ctl(url, "/_sandbox/stats")["by_account"]
        assert by_account[second["accountId"]] == {"calls": 5, "throttled": 5,
                                                   "get_resources": 2}, by_account
    finally:
        accounts.ctl(url, "/_sandbox/config", {"throttle": None})
    assert accounts.ctl(url, "/_sandbox/reset-stats", {})["previous"]["by_account"]
    assert accounts.ctl(url, "/_sandbox/stats")["by_account"] == {}
