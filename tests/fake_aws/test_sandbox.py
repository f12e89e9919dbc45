"""Self-check of the sandbox: `python test_sandbox.py` (plain asserts).

Starts server.py on a free loopback port as a subprocess, seeds it, and checks
the behaviour Gatehouse relies on (HTTP/WebSocket API checks: test_http_apis.py; SSO sign-in
and STS MFA: test_sso.py; the AWS CLI's SSO sign-in: test_sso_cli.py; accounts, region errors,
the GetResources quota, seed_sweep.py and the SARIF validator: test_sweep.py).
Ends with the line "N passed, M failed".
"""

import base64
import json
import os
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
from joserfc import jwk, jwt

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import seed  # noqa: E402
import test_http_apis  # noqa: E402
import test_sso  # noqa: E402
import test_sso_cli  # noqa: E402
import test_sweep  # noqa: E402

NO_RETRY = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})
URL = None
SUMMARY = None
LAB = None  # the TokenLab API's ids, once token_lab() has built it
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


# ---------------------------------------------------------------- helpers

def start_server(*flags):
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "server.py"), "--port", "0", *flags],
        stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()  # blocks until READY (or exit)
    assert line.startswith("READY http://127.0.0.1:"), f"bad start: {line!r}"
    return proc, line.split()[1]


def control(path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(URL + path, data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def control_error(path, payload):
    """A control call that must fail: (status, body)."""
    try:
        control(path, payload)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)
    raise AssertionError(f"{path} should have failed")


def idp_client():
    return seed.client("cognito-idp", URL, "eu-west-1")


def jwt_parts(token):
    """(header, claims) of a JWT, unverified."""
    def part(text):
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    header, claims, _ = token.split(".")
    return part(header), part(claims)


def verified_claims(token, pool_id):
    """The claims, after checking the signature against the pool's JWKS as served."""
    with urllib.request.urlopen(f"{URL}/{pool_id}/.well-known/jwks.json") as resp:
        keys = jwk.KeySet.import_key_set(json.load(resp))
    return jwt.decode(token, keys, algorithms=["RS256"]).claims


def sign_in(pool="PetsPool", client="web", user="alice"):
    """InitiateAuth USER_PASSWORD_AUTH with a seeded user; AuthenticationResult."""
    pools = SUMMARY["pools"]
    password = pools[pool]["users"][user]["password"]
    return idp_client().initiate_auth(
        ClientId=pools[pool]["clients"][client], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": password})["AuthenticationResult"]


def mint(**req):
    return control("/_sandbox/mint-token", req)["token"]


def token_lab():
    """TokenLab, built once through the command line (which reads the pools back by name)."""
    global LAB
    if LAB is None:
        out = subprocess.run([sys.executable, os.path.join(HERE, "seed.py"), "token-lab",
                              "--endpoint", URL], capture_output=True, text=True, check=True)
        LAB = json.loads(out.stdout)
    return LAB


def try_authorizer(name, token, header="Authorization"):
    """TestInvokeAuthorizer on one of TokenLab's authorizers, the token in `header`."""
    lab = token_lab()
    out = agw().test_invoke_authorizer(
        restApiId=lab["id"], authorizerId=lab["authorizers"][name],
        headers={} if token is None else {header: token})
    out.pop("ResponseMetadata")
    return out


def agw(region="us-east-1", retry=True):
    """An API Gateway client; retry=False surfaces 429/5xx instead of retrying."""
    return boto3.client("apigateway", endpoint_url=URL, region_name=region,
                        config=None if retry else NO_RETRY, **seed.DUMMY_CREDENTIALS)


def error_of(call, *args, **kwargs):
    """Run a boto3 call that must fail; return (status, code, message)."""
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as exc:
        err = exc.response["Error"]
        return (exc.response["ResponseMetadata"]["HTTPStatusCode"],
                err.get("Code"), err.get("Message"))
    raise AssertionError(f"{call.__name__} should have failed")


def pets_ids():
    api = SUMMARY["apis"]["SecurePets"]
    return api["id"], api["resources"]["/pets"]


def patch(client, api_id, rid, verb, *ops):
    return client.update_method(restApiId=api_id, resourceId=rid, httpMethod=verb,
                                patchOperations=[dict(zip(("op", "path", "value"), o))
                                                 for o in ops])


def new_cognito_authorizer(client, api_id, name="PetsPool", regex="^[a-z0-9]+$"):
    kwargs = {"identityValidationExpression": regex} if regex else {}
    return client.create_authorizer(
        restApiId=api_id, name=name, type="COGNITO_USER_POOLS",
        providerARNs=[SUMMARY["pools"]["PetsPool"]["arn"]],
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=120, **kwargs)


# ---------------------------------------------------------------- tests

@test
def seed_scenario_matches_brief():
    east = agw()
    apis = {a["name"]: a for a in east.get_rest_apis(limit=500)["items"]}
    assert {"SecurePets", "PetsAdmin"} <= set(apis), apis.keys()
    res = east.get_resources(restApiId=apis["SecurePets"]["id"], embed=["methods"],
                             limit=500)["items"]
    by_path = {r["path"]: r for r in res}
    assert set(by_path["/pets"]["resourceMethods"]) == {"GET", "PURCHASE", "OPTIONS"}
    assert set(by_path["/purchase"]["resourceMethods"]) == {"POST"}
    for r in res:
        for m in r.get("resourceMethods", {}).values():
            assert m["authorizationType"] == "NONE" and m["methodIntegration"]["type"] == "MOCK"
    assert [s["stageName"] for s in east.get_stages(restApiId=apis["SecurePets"]["id"])["item"]] == ["prod"]

    admin_id = apis["PetsAdmin"]["id"]
    auths = {a["name"]: a for a in east.get_authorizers(restApiId=admin_id)["items"]}
    assert auths["LegacyTokenAuth"]["type"] == "TOKEN"
    assert auths["AdminPool"]["providerARNs"] == [SUMMARY["pools"]["AdminPool"]["arn"]]
    res = {r["path"]: r for r in east.get_resources(restApiId=admin_id, embed=["methods"])["items"]}
    assert res["/reports"]["resourceMethods"]["GET"]["authorizationType"] == "AWS_IAM"
    legacy = res["/legacy"]["resourceMethods"]["GET"]
    assert (legacy["authorizationType"], legacy["authorizerId"]) == ("CUSTOM", auths["LegacyTokenAuth"]["id"])
    profile = res["/profile"]["resourceMethods"]["GET"]
    assert profile["authorizationType"] == "COGNITO_USER_POOLS"
    assert profile["authorizerId"] == auths["AdminPool"]["id"]
    assert profile["authorizationScopes"] == ["pets/read", "pets/admin"]
    assert profile["apiKeyRequired"] is True
    assert res["/profile"]["resourceMethods"]["OPTIONS"]["authorizationType"] == "NONE"

    idp = seed.client("cognito-idp", URL, "eu-west-1")
    pools = {p["Name"]: p for p in idp.list_user_pools(MaxResults=60)["UserPools"]}
    assert {"PetsPool", "AdminPool"} <= set(pools)
    clients = idp.list_user_pool_clients(UserPoolId=pools["PetsPool"]["Id"], MaxResults=60)
    assert sorted(c["ClientName"] for c in clients["UserPoolClients"]) == ["mobile", "web"]
    assert agw("us-west-2").get_rest_apis()["items"] == []
    ident = seed.client("sts", URL, "us-east-1").get_caller_identity()
    assert ident["Account"] == "123456789012"


@test
def authorizer_fields_round_trip():
    east = agw()
    api_id, _ = pets_ids()
    made = new_cognito_authorizer(east, api_id, name="RoundTrip", regex="^abc$")
    assert made["identityValidationExpression"] == "^abc$"
    got = east.get_authorizer(restApiId=api_id, authorizerId=made["id"])
    listed = {a["id"]: a for a in east.get_authorizers(restApiId=api_id)["items"]}[made["id"]]
    for view in (got, listed):
        assert view["identityValidationExpression"] == "^abc$"
        assert view["authorizerResultTtlInSeconds"] == 120
        assert view["identitySource"] == "method.request.header.Authorization"
        assert view["providerARNs"] == [SUMMARY["pools"]["PetsPool"]["arn"]]
    admin_arn = SUMMARY["pools"]["AdminPool"]["arn"]
    upd = east.update_authorizer(restApiId=api_id, authorizerId=made["id"], patchOperations=[
        {"op": "replace", "path": "/identityValidationExpression", "value": "^xyz$"},
        {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"},
        {"op": "add", "path": "/providerARNs", "value": admin_arn}])
    assert upd["identityValidationExpression"] == "^xyz$"
    assert upd["authorizerResultTtlInSeconds"] == 0
    assert upd["providerARNs"] == [SUMMARY["pools"]["PetsPool"]["arn"], admin_arn]
    got = east.get_authorizer(restApiId=api_id, authorizerId=made["id"])
    assert got["identityValidationExpression"] == "^xyz$" and got["authorizerResultTtlInSeconds"] == 0
    east.delete_authorizer(restApiId=api_id, authorizerId=made["id"])


@test
def update_method_validation():
    east = agw()
    api_id, pets = pets_ids()
    token = east.create_authorizer(restApiId=api_id, name="Tok", type="TOKEN",
                                   authorizerUri=seed.LEGACY_LAMBDA,
                                   identitySource="method.request.header.Authorization")
    cog = new_cognito_authorizer(east, api_id, name="Cog")
    bad = [
        [("replace", "/authorizationType", "COGNITO_USER_POOLS")],  # no authorizer
        [("replace", "/authorizationType", "COGNITO_USER_POOLS"), ("replace", "/authorizerId", "nope")],
        [("replace", "/authorizationType", "COGNITO_USER_POOLS"), ("replace", "/authorizerId", token["id"])],
        [("replace", "/authorizationType", "CUSTOM"), ("replace", "/authorizerId", cog["id"])],
        [("replace", "/authorizationType", "SOMETHING")],
        [("replace", "/apiKeyRequired", "maybe")],
        [("replace", "/nonsense", "x")],
        [("add", "/authorizationType", "NONE")],
    ]
    for ops in bad:
        status, code, msg = error_of(patch, east, api_id, pets, "GET", *ops)
        assert (status, code) == (400, "BadRequestException") and msg, (ops, status, code, msg)
        assert ops is not bad[0] or msg.startswith("Invalid authorizer ID specified"), msg
    method = east.get_method(restApiId=api_id, resourceId=pets, httpMethod="GET")
    assert method["authorizationType"] == "NONE" and "authorizerId" not in method  # nothing applied
    for args in (("nope", pets, "GET"), (api_id, "nope", "GET"), (api_id, pets, "DELETE")):
        status, code, _ = error_of(patch, east, *args, ("replace", "/apiKeyRequired", "true"))
        assert (status, code) == (404, "NotFoundException"), args
    # the raw wire format of an error
    req = urllib.request.Request(
        f"{URL}/restapis/{api_id}/resources/{pets}/methods/GET", method="PATCH",
        data=json.dumps({"patchOperations": [{"op": "replace", "path": "/authorizationType",
                                              "value": "CUSTOM"}]}).encode(),
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/"
                                  "apigateway/aws4_request, SignedHeaders=host, Signature=0",
                 "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req)
        raise AssertionError("expected HTTP 400")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400 and exc.headers["x-amzn-ErrorType"] == "BadRequestException"
        body = json.load(exc)
        assert body["__type"] == "BadRequestException" and body["message"]
    east.delete_authorizer(restApiId=api_id, authorizerId=token["id"])
    east.delete_authorizer(restApiId=api_id, authorizerId=cog["id"])


@test
def update_method_semantics():
    east = agw()
    api_id, pets = pets_ids()
    cog = new_cognito_authorizer(east, api_id, name="Sem")
    out = patch(east, api_id, pets, "PURCHASE",
                ("replace", "/authorizationType", "COGNITO_USER_POOLS"),
                ("replace", "/authorizerId", cog["id"]),
                ("add", "/authorizationScopes", "pets/read"),
                ("add", "/authorizationScopes", "pets/write"),
                ("replace", "/apiKeyRequired", "true"))
    assert out["authorizationType"] == "COGNITO_USER_POOLS" and out["authorizerId"] == cog["id"]
    assert out["authorizationScopes"] == ["pets/read", "pets/write"] and out["apiKeyRequired"] is True
    got = east.get_method(restApiId=api_id, resourceId=pets, httpMethod="PURCHASE")
    assert got["authorizerId"] == cog["id"] and got["methodIntegration"]["type"] == "MOCK"
    embedded = {r["path"]: r for r in east.get_resources(restApiId=api_id, embed=["methods"])["items"]}
    assert embedded["/pets"]["resourceMethods"]["PURCHASE"]["authorizationScopes"] == ["pets/read", "pets/write"]
    plain = {r["path"]: r for r in east.get_resources(restApiId=api_id)["items"]}
    assert plain["/pets"]["resourceMethods"]["PURCHASE"] == {}  # no embed: verbs only
    out = patch(east, api_id, pets, "PURCHASE", ("remove", "/authorizationScopes", "pets/read"))
    assert out["authorizationScopes"] == ["pets/write"]
    out = patch(east, api_id, pets, "PURCHASE", ("replace", "/authorizationScopes", "pets/admin"))
    assert out["authorizationScopes"] == ["pets/admin"]
    out = patch(east, api_id, pets, "PURCHASE", ("remove", "/authorizationScopes"))
    assert "authorizationScopes" not in out
    out = patch(east, api_id, pets, "PURCHASE", ("add", "/authorizationScopes", "pets/read"),
                ("replace", "/authorizationType", "NONE"), ("replace", "/apiKeyRequired", "false"))
    assert out["authorizationType"] == "NONE" and out["apiKeyRequired"] is False
    assert "authorizerId" not in out and "authorizationScopes" not in out
    assert patch(east, api_id, pets, "PURCHASE", ("replace", "/authorizationType", "AWS_IAM"))[
        "authorizationType"] == "AWS_IAM"
    patch(east, api_id, pets, "PURCHASE", ("replace", "/authorizationType", "NONE"))
    east.delete_authorizer(restApiId=api_id, authorizerId=cog["id"])


@test
def awscli_update_method():
    aws = os.path.join(os.path.dirname(sys.executable), "aws")
    assert os.path.exists(aws), "awscli missing from the venv"
    api_id, pets = pets_ids()
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null")
    out = subprocess.run([aws, "--endpoint-url", URL, "apigateway", "update-method",
                          "--rest-api-id", api_id, "--resource-id", pets, "--http-method", "OPTIONS",
                          "--patch-operations", "op=replace,path=/apiKeyRequired,value=true"],
                         env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["apiKeyRequired"] is True
    patch(agw(), api_id, pets, "OPTIONS", ("replace", "/apiKeyRequired", "false"))


@test
def put_method_conflict():
    api_id, pets = pets_ids()
    status, code, msg = error_of(agw().put_method, restApiId=api_id, resourceId=pets,
                                 httpMethod="GET", authorizationType="NONE")
    assert (status, code, msg) == (409, "ConflictException", "Method already exists for this resource")


@test
def delete_authorizer_refused_while_used():
    east = agw()
    api_id, pets = pets_ids()
    cog = new_cognito_authorizer(east, api_id, name="InUse")
    patch(east, api_id, pets, "GET", ("replace", "/authorizationType", "COGNITO_USER_POOLS"),
          ("replace", "/authorizerId", cog["id"]))
    status, code, msg = error_of(east.delete_authorizer, restApiId=api_id, authorizerId=cog["id"])
    assert (status, code) == (409, "ConflictException") and "GET//pets" in msg, msg
    assert east.get_authorizer(restApiId=api_id, authorizerId=cog["id"])["name"] == "InUse"
    patch(east, api_id, pets, "GET", ("replace", "/authorizationType", "NONE"))
    east.delete_authorizer(restApiId=api_id, authorizerId=cog["id"])
    status, code, _ = error_of(east.delete_authorizer, restApiId=api_id, authorizerId=cog["id"])
    assert (status, code) == (404, "NotFoundException")


@test
def throttling_429_then_recovers():
    api_id, _ = pets_ids()
    east = agw(retry=False)
    control("/_sandbox/reset-stats", {})
    control("/_sandbox/config", {"throttle": {"rate": 5, "burst": 10}})
    try:
        codes = []
        for _ in range(25):
            try:
                east.get_rest_apis()
                codes.append(200)
            except botocore.exceptions.ClientError as exc:
                assert exc.response["Error"]["Code"] == "TooManyRequestsException"
                codes.append(exc.response["ResponseMetadata"]["HTTPStatusCode"])
        assert codes[:10] == [200] * 10 and 429 in codes, codes
        seed.client("sts", URL, "us-east-1").get_caller_identity()  # other services: never
        stats = control("/_sandbox/stats")
        assert stats["throttled"]["apigateway"]["GetRestApis"] == codes.count(429)
        time.sleep(1.0)  # 5 tokens back
        east.get_rest_apis()
        control("/_sandbox/config", {"throttle": {"rate": 100, "burst": 100}})
        east.create_deployment(restApiId=api_id, stageName="prod")
        status, code, _ = error_of(east.create_deployment, restApiId=api_id, stageName="prod")
        assert (status, code) == (429, "TooManyRequestsException")
    finally:
        control("/_sandbox/config", {"throttle": None})
    east.get_rest_apis()


@test
def injected_failures_do_not_apply():
    api_id, pets = pets_ids()
    east = agw(retry=False)
    control("/_sandbox/config", {"failure_rate": 1.0, "seed": 42})
    try:
        status, code, _ = error_of(patch, east, api_id, pets, "GET",
                                   ("replace", "/authorizationType", "AWS_IAM"))
        assert (status, code) in ((500, "InternalFailure"), (503, "ServiceUnavailableException"))
        assert east.get_method(restApiId=api_id, resourceId=pets, httpMethod="GET")[
            "authorizationType"] == "NONE"

        def run():
            outcome = []
            for _ in range(30):
                try:
                    patch(east, api_id, pets, "GET", ("replace", "/apiKeyRequired", "false"))
                    outcome.append("ok")
                except botocore.exceptions.ClientError as exc:
                    outcome.append(exc.response["Error"]["Code"])
            return outcome
        control("/_sandbox/config", {"failure_rate": 0.5, "seed": 7})
        first = run()
        control("/_sandbox/config", {"failure_rate": 0.5, "seed": 7})
        assert run() == first, "same seed, same failures"
        assert "ok" in first and len(set(first)) > 1, first
    finally:
        control("/_sandbox/config", {"failure_rate": 0})


@test
def credentials_expire_after_n_calls():
    api_id, _ = pets_ids()
    east = agw(retry=False)
    control("/_sandbox/config", {"expire_credentials_after": 2})
    try:
        east.get_rest_apis()
        east.get_rest_apis()
        status, code, _ = error_of(east.get_resources, restApiId=api_id)
        assert (status, code) == (403, "ExpiredTokenException")
    finally:
        control("/_sandbox/config", {"expire_credentials_after": None})
    east.get_resources(restApiId=api_id)


@test
def a_lost_answer_was_carried_out():
    api_id, _ = pets_ids()
    east = agw(retry=False)
    before = len(east.get_authorizers(restApiId=api_id)["items"])
    control("/_sandbox/config", {"lose_answers": {"CreateAuthorizer": 1}})
    try:
        status, code, _ = error_of(new_cognito_authorizer, east, api_id, name="Lost")
        assert (status, code) == (500, "InternalFailure")
    finally:
        control("/_sandbox/config", {"lose_answers": {}})
    items = east.get_authorizers(restApiId=api_id)["items"]
    assert len(items) == before + 1 and any(a["name"] == "Lost" for a in items), items
    for a in items:
        if a["name"] == "Lost":
            east.delete_authorizer(restApiId=api_id, authorizerId=a["id"])


@test
def stats_count_operations():
    api_id, pets = pets_ids()
    east, idp = agw(), seed.client("cognito-idp", URL, "eu-west-1")
    control("/_sandbox/reset-stats", {})
    east.get_resources(restApiId=api_id, embed=["methods"])
    east.get_resources(restApiId=api_id)
    east.get_authorizers(restApiId=api_id)
    for _ in range(3):
        patch(east, api_id, pets, "GET", ("replace", "/apiKeyRequired", "false"))
    idp.list_user_pools(MaxResults=10)
    seed.client("sts", URL, "us-east-1").get_caller_identity()
    stats = control("/_sandbox/stats")
    assert stats["calls"] == {
        "apigateway": {"GetResources": 2, "GetAuthorizers": 1, "UpdateMethod": 3},
        "cognito-idp": {"ListUserPools": 1}, "sts": {"GetCallerIdentity": 1}}, stats
    assert stats["totals"] == {"calls": 8, "throttled": 0, "failures": 0}


@test
def slow_answers_are_stale_when_they_arrive():
    """One access key's GetResources is answered late, with what moto held when it was asked;
    other keys and other operations are answered at once."""
    api_id, pets = pets_ids()
    slow = boto3.client("apigateway", endpoint_url=URL, region_name="us-east-1",
                        aws_access_key_id="AKIASLOWREADER", aws_secret_access_key="x")
    assert control_error("/_sandbox/config", {"slow_answers": {"K": {"GetResourcez": 1}}})[0] == 400
    control("/_sandbox/config", {"slow_answers": {"AKIASLOWREADER": {"GetResources": 1500}}})
    try:
        got = {}

        def read():
            got["items"] = slow.get_resources(restApiId=api_id, embed=["methods"])["items"]

        reader = threading.Thread(target=read)
        started = time.monotonic()
        reader.start()
        time.sleep(0.5)  # the answer is made; now someone else writes
        fast = agw()
        quick = time.monotonic()
        patch(fast, api_id, pets, "GET", ("replace", "/authorizationType", "AWS_IAM"))
        assert time.monotonic() - quick < 1.0, "other keys are not held back"
        reader.join()
        assert time.monotonic() - started >= 1.5
        pets_get = next(r for r in got["items"] if r["id"] == pets)["resourceMethods"]["GET"]
        assert pets_get["authorizationType"] == "NONE", "the answer is what moto held before"
        slow.get_authorizers(restApiId=api_id)  # other operations are not slowed
    finally:
        control("/_sandbox/config", {"slow_answers": {}})
        patch(agw(), api_id, pets, "GET", ("replace", "/authorizationType", "NONE"))


@test
def foreign_answers_are_not_aws_answers():
    """An operation can be answered as a proxy would (HTML, any status), then set back."""
    api_id, _ = pets_ids()
    assert control_error("/_sandbox/config", {"foreign_answers": {"GetAuthorizers": [500]}})[0] == 400
    page = "<html><body>Bad gateway</body></html>"
    control("/_sandbox/config", {"foreign_answers": {"GetAuthorizers": [502, "text/html", page]}})
    try:
        try:
            agw(retry=False).get_authorizers(restApiId=api_id)
            raise AssertionError("GetAuthorizers should have failed")
        except botocore.exceptions.ClientError as exc:
            meta = exc.response["ResponseMetadata"]
            assert meta["HTTPStatusCode"] == 502, meta
            assert meta["HTTPHeaders"]["content-type"] == "text/html", meta
        agw().get_resources(restApiId=api_id)  # other operations answer as AWS
    finally:
        control("/_sandbox/config", {"foreign_answers": {}})
    agw().get_authorizers(restApiId=api_id)


@test
def pagination_resources_and_pools():
    big = seed.bulk_api(URL, "us-east-1", "Paged600", 600, 2)
    assert big["methods"] == 1200
    east = agw()
    first = east.get_resources(restApiId=big["id"], limit=500, embed=["methods"])
    assert len(first["items"]) == 500 and first.get("position")
    second = east.get_resources(restApiId=big["id"], limit=500, embed=["methods"],
                                position=first["position"])
    assert len(second["items"]) == 101 and "position" not in second  # 600 + root
    paths = {r["path"] for r in first["items"] + second["items"]}
    assert len(paths) == 601 and "/r0600" in paths
    assert all(set(r["resourceMethods"]) == {"GET", "POST"}
               for r in first["items"] + second["items"] if r["path"] != "/")
    pages = list(east.get_paginator("get_resources").paginate(
        restApiId=big["id"], PaginationConfig={"PageSize": 500}))
    assert [len(p["items"]) for p in pages] == [500, 101]
    assert error_of(east.get_resources, restApiId=big["id"], limit=501)[:2] == (400, "BadRequestException")
    names = [a["name"] for p in east.get_paginator("get_rest_apis").paginate(
        PaginationConfig={"PageSize": 1}) for a in p["items"]]
    assert {"SecurePets", "PetsAdmin", "Paged600"} <= set(names) and len(names) == len(set(names))
    admin_id = SUMMARY["apis"]["PetsAdmin"]["id"]
    one = east.get_authorizers(restApiId=admin_id, limit=1)
    assert len(one["items"]) == 1 and one.get("position")

    made = seed.bulk_pools(URL, "ap-southeast-2", 65, "Many")
    assert len(made["pools"]) == 65
    idp = seed.client("cognito-idp", URL, "ap-southeast-2")
    page1 = idp.list_user_pools(MaxResults=60)
    page2 = idp.list_user_pools(MaxResults=60, NextToken=page1["NextToken"])
    assert len(page1["UserPools"]) == 60 and len(page2["UserPools"]) == 5
    assert "NextToken" not in page2
    status, code, _ = error_of(idp.list_user_pools, MaxResults=61)
    assert (status, code) == (400, "InvalidParameterException")


@test
def seed_users_sign_in():
    pools = SUMMARY["pools"]
    assert pools["PetsPool"]["users"] == {"alice": {
        "name": "alice", "password": "Gatehouse-demo-1", "pool": "PetsPool",
        "email": "alice@example.com"}}
    assert pools["AdminPool"]["users"] == {"bob": {
        "name": "bob", "password": "Gatehouse-demo-2", "pool": "AdminPool"}}
    idp = idp_client()
    admin_id, console = pools["AdminPool"]["id"], pools["AdminPool"]["clients"]["admin-console"]
    described = idp.describe_user_pool_client(UserPoolId=admin_id, ClientId=console)
    assert described["UserPoolClient"]["ExplicitAuthFlows"] == [
        "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    alice = sign_in()
    assert alice["TokenType"] == "Bearer" and alice["ExpiresIn"] == 3600
    bob = idp.admin_initiate_auth(
        UserPoolId=admin_id, ClientId=console, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Gatehouse-demo-2"})
    assert jwt_parts(bob["AuthenticationResult"]["IdToken"])[1]["cognito:username"] == "bob"
    # Cognito refuses the password flows a client does not allow (moto did not)...
    status, code, msg = error_of(
        idp.initiate_auth, ClientId=console, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Gatehouse-demo-2"})
    assert (status, code, msg) == (400, "InvalidParameterException",
                                   "USER_PASSWORD_AUTH flow not enabled for this client")
    status, code, msg = error_of(
        idp.admin_initiate_auth, UserPoolId=pools["PetsPool"]["id"],
        ClientId=pools["PetsPool"]["clients"]["web"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Gatehouse-demo-1"})
    assert (status, code, msg) == (400, "InvalidParameterException",
                                   "Auth flow not enabled for this client")
    # ...and a wrong password reads the same through both (moto's admin message was the name).
    wrong = [(idp.initiate_auth, {"ClientId": pools["PetsPool"]["clients"]["web"],
                                  "AuthFlow": "USER_PASSWORD_AUTH",
                                  "AuthParameters": {"USERNAME": "alice", "PASSWORD": "nope"}}),
             (idp.admin_initiate_auth, {"UserPoolId": admin_id, "ClientId": console,
                                        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                                        "AuthParameters": {"USERNAME": "bob", "PASSWORD": "nope"}})]
    for call, kwargs in wrong:
        assert error_of(call, **kwargs) == (400, "NotAuthorizedException",
                                            "Incorrect username or password."), call


@test
def moto_tokens_verify_against_the_pool_jwks():
    pets = SUMMARY["pools"]["PetsPool"]
    tokens = sign_in()
    for kind, use in (("IdToken", "id"), ("AccessToken", "access")):
        header, _ = jwt_parts(tokens[kind])
        assert header == {"typ": "JWT", "kid": "dummy", "alg": "RS256"}, header
        claims = verified_claims(tokens[kind], pets["id"])
        assert claims["iss"] == f"https://cognito-idp.eu-west-1.amazonaws.com/{pets['id']}"
        assert claims["token_use"] == use and claims["exp"] - claims["iat"] == 3600
    id_claims = verified_claims(tokens["IdToken"], pets["id"])
    assert id_claims["aud"] == pets["clients"]["web"] and id_claims["cognito:username"] == "alice"
    access = verified_claims(tokens["AccessToken"], pets["id"])
    assert access["client_id"] == pets["clients"]["web"] and access["username"] == "alice"
    assert access["scope"] == "aws.cognito.signin.user.admin" and "aud" not in access


@test
def minted_tokens_look_like_cognito_ones():
    pets = SUMMARY["pools"]["PetsPool"]
    web = pets["clients"]["web"]
    moto_id = jwt_parts(sign_in()["IdToken"])[1]
    token = mint(region="eu-west-1", pool_id=pets["id"], token_use="id", client_id=web,
                 username="alice")
    assert jwt_parts(token)[0] == {"typ": "JWT", "kid": "dummy", "alg": "RS256"}
    claims = verified_claims(token, pets["id"])
    assert set(claims) == set(moto_id) | {"email"}, (sorted(claims), sorted(moto_id))
    assert claims["sub"] == moto_id["sub"] and claims["email"] == "alice@example.com"
    assert (claims["aud"], claims["token_use"], claims["iss"]) == (
        web, "id", moto_id["iss"])
    assert abs(claims["exp"] - time.time() - 3600) < 5 and claims["auth_time"] == claims["iat"]

    access = verified_claims(mint(
        region="eu-west-1", pool_id=pets["id"], token_use="access", client_id=web,
        username="carol", scope="pets/read pets/admin", expires_in=-60, issued_ago=7200,
        claims={"cognito:groups": ["admins"], "username": "carol2"}), pets["id"])
    assert (access["client_id"], access["scope"], access["token_use"]) == (
        web, "pets/read pets/admin", "access")
    assert access["username"] == "carol2" and access["cognito:groups"] == ["admins"]
    assert access["exp"] < time.time() and time.time() - access["iat"] >= 7199
    assert access["jti"] and "aud" not in access
    assert access["sub"] == jwt_parts(mint(pool_id=pets["id"], token_use="access",
                                           client_id=web, username="carol"))[1]["sub"]
    for bad in ({"pool_id": pets["id"], "token_use": "refresh", "client_id": web, "username": "a"},
                {"pool_id": pets["id"], "token_use": "id", "client_id": web},
                {"pool_id": pets["id"], "token_use": "id", "client_id": web, "username": "a",
                 "expires_in": "soon"}):
        status, body = control_error("/_sandbox/mint-token", bad)
        assert status == 400 and body["message"], (bad, body)


@test
def token_lab_layout():
    lab = token_lab()
    east = agw()
    assert set(lab["authorizers"]) == {"Pets", "PetsWebOnly", "Admin", "Legacy"}
    auths = {a["name"]: a for a in east.get_authorizers(restApiId=lab["id"])["items"]}
    pools = SUMMARY["pools"]
    assert auths["Pets"]["providerARNs"] == [pools["PetsPool"]["arn"]]
    web_only = auths["PetsWebOnly"]
    assert web_only["identityValidationExpression"] == pools["PetsPool"]["clients"]["web"]
    assert auths["Admin"]["providerARNs"] == [pools["AdminPool"]["arn"]]
    assert auths["Legacy"]["type"] == "TOKEN"
    by_id = {a["id"]: name for name, a in auths.items()}
    methods = {}
    for r in east.get_resources(restApiId=lab["id"], embed=["methods"])["items"]:
        for verb, m in r.get("resourceMethods", {}).items():
            methods[f"{verb} {r['path']}"] = (
                m["authorizationType"], by_id.get(m.get("authorizerId")),
                m.get("authorizationScopes"))
            assert m["methodIntegration"]["type"] == "MOCK"
    cog = "COGNITO_USER_POOLS"
    assert methods == {
        "GET /plain": (cog, "Pets", None), "GET /scoped": (cog, "Pets", ["pets/read"]),
        "GET /web-only": (cog, "PetsWebOnly", None), "GET /admin": (cog, "Admin", None),
        "GET /open": ("NONE", None, None), "OPTIONS /open": ("NONE", None, None),
        "GET /iam": ("AWS_IAM", None, None), "GET /lambda": ("CUSTOM", "Legacy", None)}, methods
    assert [s["stageName"] for s in east.get_stages(restApiId=lab["id"])["item"]] == ["prod"]


@test
def test_invoke_cognito_authorizer():
    pools = SUMMARY["pools"]
    alice = sign_in()
    ok = try_authorizer("Pets", alice["IdToken"])
    assert ok["clientStatus"] == 200 and "Authorized request" in ok["log"], ok
    assert ok["claims"]["cognito:username"] == "alice"
    assert ok["claims"]["exp"] == str(jwt_parts(alice["IdToken"])[1]["exp"])  # all strings
    assert try_authorizer("Pets", alice["IdToken"], header="authorization")["clientStatus"] == 200

    pets_id, web = pools["PetsPool"]["id"], pools["PetsPool"]["clients"]["web"]
    mobile = pools["PetsPool"]["clients"]["mobile"]
    good = {"region": "eu-west-1", "pool_id": pets_id, "token_use": "id", "client_id": web,
            "username": "alice"}
    tampered = alice["IdToken"].rsplit(".", 1)[0] + "." + mint(**good).rsplit(".", 1)[1]
    refused = [  # (authorizer, token, why)
        ("Pets", alice["AccessToken"], "ID tokens only"),
        ("Pets", "Bearer " + alice["IdToken"], "not a valid RS256 JWT"),
        ("Pets", mint(**dict(good, expires_in=-1)), "expired"),
        ("Pets", tampered, "signature"),
        ("Pets", None, "missing"),
        ("Pets", mint(**dict(good, claims={"iss": "https://evil.example.com"})), "issuer"),
        ("Admin", alice["IdToken"], "issuer"),
        ("PetsWebOnly", mint(**dict(good, client_id=mobile)), "identityValidationExpression"),
    ]
    for name, token, why in refused:
        out = try_authorizer(name, token)
        assert out["clientStatus"] == 401 and out["claims"] == {}, (name, why, out)
        assert "Unauthorized request" in out["log"] and why in out["log"], (why, out["log"])
    assert try_authorizer("PetsWebOnly", mint(**good))["clientStatus"] == 200
    assert try_authorizer("Admin", mint(
        region="eu-west-1", pool_id=pools["AdminPool"]["id"], token_use="id",
        client_id=pools["AdminPool"]["clients"]["admin-console"], username="bob"))[
        "clientStatus"] == 200

    lab, east = token_lab(), agw()
    control("/_sandbox/reset-stats", {})
    status, code, msg = error_of(east.test_invoke_authorizer, restApiId=lab["id"],
                                 authorizerId=lab["authorizers"]["Legacy"])
    assert (status, code, msg) == (400, "BadRequestException",
                                   "only COGNITO_USER_POOLS authorizers can be tested here")
    status, code, _ = error_of(east.test_invoke_authorizer, restApiId=lab["id"],
                               authorizerId="nope")
    assert (status, code) == (404, "NotFoundException")
    assert control("/_sandbox/stats")["calls"]["apigateway"] == {"TestInvokeAuthorizer": 2}


@test
def jwks_can_be_made_unreachable():
    pets_id = SUMMARY["pools"]["PetsPool"]["id"]
    url = f"{URL}/{pets_id}/.well-known/jwks.json"
    control("/_sandbox/reset-stats", {})
    assert control("/_sandbox/config", {"jwks_unavailable": True})["jwks_unavailable"] is True
    try:
        try:
            urllib.request.urlopen(url)
            raise AssertionError("expected HTTP 503")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
            assert exc.headers["x-amzn-ErrorType"] == "ServiceUnavailableException"
            assert json.load(exc)["__type"] == "ServiceUnavailableException"
        sign_in()  # the rest of Cognito still answers
    finally:
        control("/_sandbox/config", {"jwks_unavailable": False})
    with urllib.request.urlopen(url) as resp:
        assert json.load(resp)["keys"][0]["kid"] == "dummy"
    stats = control("/_sandbox/stats")
    assert stats["calls"]["cognito-idp"]["GetJWKS"] == 2
    assert stats["failures"]["cognito-idp"] == {"GetJWKS": 1}
    assert control_error("/_sandbox/config", {"jwks_unavailable": "yes"})[0] == 400
    assert control("/_sandbox/config")["jwks_unavailable"] is False


def main():
    global URL, SUMMARY
    proc, URL = start_server()
    passed = failed = skipped = 0
    test_http_apis.S = sys.modules[__name__]  # its checks use this module's helpers
    test_sso.S = test_sso_cli.S = test_sweep.S = sys.modules[__name__]
    try:
        SUMMARY = seed.seed_scenario(URL)
        for fn in (TESTS + test_http_apis.TESTS + test_sso.TESTS + test_sso_cli.TESTS
                   + test_sweep.TESTS):
            started = time.monotonic()
            try:
                fn()
                passed += 1
                print(f"ok   {fn.__name__} ({time.monotonic() - started:.2f}s)", flush=True)
            except test_sso.Skip as exc:
                skipped += 1
                print(f"skip {fn.__name__}: {exc}", flush=True)
            except Exception:
                failed += 1
                print(f"FAIL {fn.__name__}", flush=True)
                traceback.print_exc(file=sys.stdout)
    finally:
        test_sweep.close()
        proc.terminate()
        proc.wait(timeout=10)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    if skipped:
        print("a skipped check is not a pass: install what it names (make test-deps does)")
    return 1 if failed or skipped else 0


if __name__ == "__main__":
    sys.exit(main())
