"""Self-checks for the multi-account, multi-region sweep: --account, region-level errors,
the GetResources quota, seed_sweep.py, and tests/sarif/validate.py. Run by test_sandbox.py,
which sets `S` to itself (its URL, helpers) before running TESTS and calls close() at the end.

Besides the main sandbox, two more are started (lazily, once): account A (111111111111,
with --region-error flags) and account B (222222222222)."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import boto3
import botocore.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
SARIF_DIR = os.path.join(os.path.dirname(HERE), "sarif")
sys.path.insert(0, HERE)
import seed_sweep  # noqa: E402
from selfcheck import registry  # noqa: E402

S = None  # the test_sandbox module
TESTS, test = registry()
ACCOUNTS = {"A": "111111111111", "B": "222222222222"}
# account A's sandbox starts with these (the command-line form of region errors)
A_FLAGS = ["--region-error", "ap-east-1=not-enabled",
           "--region-error", "me-south-1=403,AccessDeniedException,No, you may not (in {region})"]
SANDBOXES = {}  # label -> (process, url)
DENIED = ("User: arn:aws:iam::{account}:user/sandbox is not authorized to perform: "
          "apigateway:{method} on resource: arn:aws:apigateway:{region}::{path}")



# ---------------------------------------------------------------- helpers

def sandbox(label):
    """The URL of account `label`'s sandbox, started on first use."""
    if label not in SANDBOXES:
        flags = ["--account", ACCOUNTS[label]] + (A_FLAGS if label == "A" else [])
        SANDBOXES[label] = S.start_server(*flags)
    return SANDBOXES[label][1]


def close():
    """Stop the sandboxes this module started."""
    for proc, _ in SANDBOXES.values():
        proc.terminate()
        proc.wait(timeout=10)
    SANDBOXES.clear()


def ctl(url, path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url + path, data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def client(service, region, url=None, retry=False):
    return boto3.client(service, endpoint_url=url or S.URL, region_name=region,
                        config=None if retry else S.NO_RETRY, **S.seed.DUMMY_CREDENTIALS)


def outcome(call, **kwargs):
    """200, or (status, code, message) of the error a boto3 call got."""
    try:
        call(**kwargs)
        return 200
    except botocore.exceptions.ClientError as exc:
        return (exc.response["ResponseMetadata"]["HTTPStatusCode"],
                exc.response["Error"]["Code"], exc.response["Error"]["Message"])


def raw_get(path, region, url=None):
    """A signed-looking GET on the wire: (status, headers, JSON body)."""
    req = urllib.request.Request((url or S.URL) + path, headers={
        "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20250101/{region}/apigateway/"
                         f"aws4_request, SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.headers, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, json.load(exc)


# ---------------------------------------------------------------- tests

@test
def account_flag_answers_as_that_account():
    url = sandbox("B")
    ident = client("sts", "us-east-1", url).get_caller_identity()
    assert ident["Account"] == ACCOUNTS["B"], ident
    assert ident["Arn"] == f"arn:aws:sts::{ACCOUNTS['B']}:user/moto", ident
    pool = client("cognito-idp", "eu-west-1", url).create_user_pool(PoolName="Acct")["UserPool"]
    assert pool["Arn"].startswith(f"arn:aws:cognito-idp:eu-west-1:{ACCOUNTS['B']}:userpool/")
    # the sandbox's own endpoints write where the AWS calls read
    made = ctl(url, "/_sandbox/bulk-api", {"region": "sa-east-1", "name": "AcctBulk",
                                            "resources": 2, "methods_per_resource": 1})
    listed = client("apigateway", "sa-east-1", url).get_rest_apis()["items"]
    assert [a["id"] for a in listed] == [made["id"]], listed
    assert list(ctl(url, "/_sandbox/sso/config")["assignments"]) == [ACCOUNTS["B"]]
    # the main sandbox keeps moto's account
    assert client("sts", "us-east-1").get_caller_identity()["Account"] == "123456789012"


@test
def region_errors_answer_for_v1_and_v2_in_that_region_only():
    rest_west, http_west = client("apigateway", "eu-west-1"), client("apigatewayv2", "eu-west-1")
    rest_east, http_east = client("apigateway", "us-east-1"), client("apigatewayv2", "us-east-1")
    api_id = S.SUMMARY["apis"]["PetsHttp"]["id"]
    S.control("/_sandbox/reset-stats", {})
    config = S.control("/_sandbox/region-errors",
                       {"eu-west-1": [403, "AccessDeniedException", DENIED]})
    assert config["region_errors"] == {"eu-west-1": [403, "AccessDeniedException", DENIED]}
    try:
        arn = "arn:aws:iam::123456789012:user/sandbox"
        assert outcome(rest_west.get_rest_apis) == (403, "AccessDeniedException", (
            f"User: {arn} is not authorized to perform: apigateway:GET on resource: "
            f"arn:aws:apigateway:eu-west-1::/restapis"))
        assert outcome(http_west.get_apis) == (403, "AccessDeniedException", (
            f"User: {arn} is not authorized to perform: apigateway:GET on resource: "
            f"arn:aws:apigateway:eu-west-1::/apis"))
        assert outcome(http_west.get_routes, ApiId=api_id)[:2] == (403, "AccessDeniedException")
        assert outcome(rest_east.get_rest_apis) == 200 and outcome(http_east.get_apis) == 200
        assert outcome(client("cognito-idp", "eu-west-1").list_user_pools, MaxResults=5) == 200
        status, headers, body = raw_get("/v2/apis", "eu-west-1")
        assert status == 403 and headers["x-amzn-ErrorType"] == "AccessDeniedException"
        assert body["__type"] == "AccessDeniedException" and body["message"].startswith("User: ")

        # merge: a second region joins (a preset); the first stays
        config = S.control("/_sandbox/region-errors", {"ap-east-1": "not-enabled"})
        assert set(config["region_errors"]) == {"eu-west-1", "ap-east-1"}
        for call in (client("apigateway", "ap-east-1").get_rest_apis,
                     client("apigatewayv2", "ap-east-1").get_apis):
            assert outcome(call) == (403, "UnrecognizedClientException",
                                     "The security token included in the request is invalid.")
        stats = S.control("/_sandbox/stats")
        assert stats["failures"]["apigateway"] == {"GetRestApis": 2, "v2:GetApis": 3,
                                                   "v2:GetRoutes": 1}, stats["failures"]
        assert "throttled" not in stats or not stats["throttled"].get("apigateway")
        # null clears one region
        assert set(S.control("/_sandbox/region-errors", {"eu-west-1": None})[
            "region_errors"]) == {"ap-east-1"}
        assert outcome(rest_west.get_rest_apis) == 200
        # /config replaces the whole map; null clears it
        replaced = S.control("/_sandbox/config", {"region_errors": {
            "us-west-2": {"status": 500, "code": "InternalFailure", "message": "x"}}})
        assert replaced["region_errors"] == {"us-west-2": [500, "InternalFailure", "x"]}
        assert S.control("/_sandbox/region-errors", {"us-west-2": ""})["region_errors"] == {}
        S.control("/_sandbox/config", {"region_errors": {"us-west-2": "not-enabled"}})
        for bad in ({"eu-west-1": [403, "X"]}, {"eu-west-1": "nope"}, {"Europe": "not-enabled"},
                    {"eu-west-1": [200, "Fine", "ok"]}):
            status, body = S.control_error("/_sandbox/region-errors", bad)
            assert status == 400 and body["message"], (bad, body)
        assert S.control_error("/_sandbox/config", {"region_errors": [1]})[0] == 400
    finally:
        assert S.control("/_sandbox/config", {"region_errors": None})["region_errors"] == {}
    assert outcome(client("apigateway", "ap-east-1").get_rest_apis) == 200


@test
def region_error_flags_and_the_account_in_messages():
    url = sandbox("A")
    assert set(ctl(url, "/_sandbox/config")["region_errors"]) == {"ap-east-1", "me-south-1"}
    assert outcome(client("apigatewayv2", "me-south-1", url).get_apis) == (
        403, "AccessDeniedException", "No, you may not (in me-south-1)")
    assert outcome(client("apigateway", "ap-east-1", url).get_rest_apis)[1] == (
        "UnrecognizedClientException")
    ctl(url, "/_sandbox/region-errors", {"eu-west-3": "access-denied"})
    try:
        assert outcome(client("apigateway", "eu-west-3", url).get_rest_apis)[2] == (
            f"User: arn:aws:iam::{ACCOUNTS['A']}:user/sandbox is not authorized to perform: "
            f"apigateway:GET on resource: arn:aws:apigateway:eu-west-3::/restapis")
    finally:
        ctl(url, "/_sandbox/region-errors", {"eu-west-3": None})
    assert outcome(client("apigateway", "us-east-1", url).get_rest_apis) == 200
    bad = subprocess.run([sys.executable, os.path.join(HERE, "server.py"), "--port", "0",
                          "--region-error", "eu-west-1=403,OnlyTwo"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "--region-error" in bad.stderr, bad.stderr


@test
def get_resources_has_its_own_quota():
    api_id, _ = S.pets_ids()
    rest, http = client("apigateway", "us-east-1"), client("apigatewayv2", "us-east-1")
    S.control("/_sandbox/reset-stats", {})
    config = S.control("/_sandbox/config", {"throttle": {"rate": 100, "burst": 100}})
    assert (config["throttle"]["get_resources_rate"],
            config["throttle"]["get_resources_burst"]) == (2.5, 5.0)
    try:
        codes = [outcome(rest.get_resources, restApiId=api_id) for _ in range(8)]
        assert codes[:5] == [200] * 5, codes
        assert all(c[:2] == (429, "TooManyRequestsException") for c in codes[5:]), codes
        assert outcome(rest.get_rest_apis) == 200 and outcome(http.get_apis) == 200
        time.sleep(0.45)  # 2.5 per second: one more
        assert outcome(rest.get_resources, restApiId=api_id) == 200
        assert outcome(rest.get_resources, restApiId=api_id)[0] == 429
        time.sleep(2.0)  # the whole burst of 5 is back
        assert [outcome(rest.get_resources, restApiId=api_id) for _ in range(5)] == [200] * 5
        throttled = S.control("/_sandbox/stats")["throttled"]["apigateway"]
        assert throttled == {"GetResources": 4}, throttled

        # a call must pass both buckets, and a refused one uses neither
        S.control("/_sandbox/config", {"throttle": {"rate": 1, "burst": 8}})
        assert [outcome(rest.get_resources, restApiId=api_id) == 200
                for _ in range(8)] == [True] * 5 + [False] * 3
        # 3 tokens left in the total bucket: v1 and v2 calls share them
        assert [outcome(call) == 200 for call in (http.get_apis, rest.get_rest_apis,
                                                  http.get_apis, rest.get_rest_apis)] == [
            True, True, True, False]
        # null: no GetResources quota of its own
        S.control("/_sandbox/config", {"throttle": {"rate": 100, "burst": 100,
                                                    "get_resources_rate": None}})
        assert all(outcome(rest.get_resources, restApiId=api_id) == 200 for _ in range(10))
        for bad in ({"get_resources_rate": 0}, {"get_resources_burst": 0.5}):
            assert S.control_error("/_sandbox/config", {"throttle": bad})[0] == 400
    finally:
        S.control("/_sandbox/config", {"throttle": None})


@test
def seed_sweep_small_two_accounts():
    urls = {label: sandbox(label) for label in ACCOUNTS}
    out = seed_sweep.seed_sweep_pair(urls["A"], urls["B"])
    assert {label: part["account"] for label, part in out.items()} == ACCOUNTS
    assert {label: part["regions"] for label, part in out.items()} == {
        "A": {"us-east-1": ["Storefront"], "eu-west-1": ["Orders"]},
        "B": {"ap-southeast-2": ["Billing"], "us-west-2": ["Reports"]}}
    assert {name: api["open"] for part in out.values() for name, api in part["apis"].items()} \
        == {"Storefront": 1, "Orders": 1, "Billing": 0, "Reports": 2}
    assert (out["A"]["open"], out["B"]["open"]) == (2, 2)

    # read back as the sweep would: REST methods (OPTIONS not counted), tags, stages
    def rest_view(url, region, api):
        apigw = client("apigateway", region, url)
        listed = {a["name"]: a for a in apigw.get_rest_apis()["items"]}
        methods = {f"{verb} {r['path']}": m["authorizationType"]
                   for r in apigw.get_resources(restApiId=api["id"], embed=["methods"])["items"]
                   for verb, m in r.get("resourceMethods", {}).items()}
        stages = [s["stageName"] for s in apigw.get_stages(restApiId=api["id"])["item"]]
        return listed, methods, stages

    listed, methods, stages = rest_view(urls["A"], "us-east-1", out["A"]["apis"]["Storefront"])
    assert list(listed) == ["Storefront"] and stages == ["prod"]
    assert listed["Storefront"]["tags"] == {"aws:cloudformation:stack-name": "shop-prod"}
    assert methods == {"GET /cart": "NONE", "OPTIONS /cart": "NONE", "POST /cart": "AWS_IAM"}
    listed, methods, stages = rest_view(urls["B"], "ap-southeast-2", out["B"]["apis"]["Billing"])
    assert list(listed) == ["Billing"] and not listed["Billing"].get("tags") and stages == ["prod"]
    assert methods == {"GET /invoices": "AWS_IAM", "OPTIONS /invoices": "NONE"}

    def http_view(url, region):
        v2 = client("apigatewayv2", region, url)
        apis = v2.get_apis()["Items"]
        assert len(apis) == 1, apis
        routes = {r["RouteKey"]: r["AuthorizationType"]
                  for r in v2.get_routes(ApiId=apis[0]["ApiId"])["Items"]}
        stages = {s["StageName"]: s.get("AutoDeploy")
                  for s in v2.get_stages(ApiId=apis[0]["ApiId"])["Items"]}
        return apis[0], routes, stages

    orders, routes, stages = http_view(urls["A"], "eu-west-1")
    assert (orders["Name"], orders.get("Tags")) == ("Orders", {"managed-by": "terraform"})
    assert routes == {"GET /orders": "NONE", "OPTIONS /orders": "NONE", "POST /orders": "AWS_IAM"}
    assert stages == {"$default": True}
    reports, routes, stages = http_view(urls["B"], "us-west-2")
    assert reports["Name"] == "Reports" and routes == {"GET /reports": "NONE",
                                                       "GET /health": "NONE"}
    assert stages == {}
    # nothing of A's in B and the other way round
    assert client("apigateway", "us-east-1", urls["B"]).get_rest_apis()["items"] == []
    assert client("apigatewayv2", "us-west-2", urls["A"]).get_apis()["Items"] == []
    try:
        seed_sweep.seed_sweep_small(urls["A"], "A")
        raise AssertionError("a second small seed must refuse")
    except RuntimeError as exc:
        assert "already exists" in str(exc)


@test
def seed_sweep_cli_counts_tags_and_pauses_faults():
    url = sandbox("A")  # starts with region errors (ap-east-1, me-south-1)
    ctl(url, "/_sandbox/config", {"throttle": {"rate": 1, "burst": 1}, "latency_ms": 5})
    try:
        out = subprocess.run(
            [sys.executable, os.path.join(HERE, "seed_sweep.py"), "--endpoint", url,
             "--regions", "ap-east-1,ca-central-1", "--rest", "4", "--http", "3",
             "--prefix", "t", "--stack-every", "2"],
            capture_output=True, text=True, check=True, timeout=300)
        summary = json.loads(out.stdout)
        config = ctl(url, "/_sandbox/config")
        assert config["throttle"]["rate"] == 1 and config["latency_ms"] == 5  # restored
        assert set(config["region_errors"]) == {"ap-east-1", "me-south-1"}
    finally:
        ctl(url, "/_sandbox/config", {"throttle": None, "latency_ms": 0})
    assert summary["account"] == ACCOUNTS["A"] and summary["stack_every"] == 2
    east = summary["regions"]["ca-central-1"]
    assert sorted(east["rest"]) == [f"t-ca-central-1-rest-{i}" for i in range(1, 5)]
    assert sorted(east["http"]) == [f"t-ca-central-1-http-{i}" for i in range(1, 4)]
    # REST 2, 4 stack-tagged, 3 terraform; HTTP 2 stack, 3 terraform
    assert east["counts"] == {"rest": 4, "http": 3, "methods": 16, "routes": 9,
                              "open_methods": 8, "open_routes": 3, "stack_tagged": 3,
                              "terraform_tagged": 2}, east["counts"]
    assert summary["totals"]["apis"] == 14 and summary["totals"]["methods"] == 32

    apigw = client("apigateway", "ca-central-1", url)
    by_name = {a["name"]: a for a in apigw.get_rest_apis(limit=500)["items"]}
    assert by_name["t-ca-central-1-rest-4"]["tags"] == {
        "aws:cloudformation:stack-name": "t-ca-central-1-rest-4-stack"}
    assert by_name["t-ca-central-1-rest-3"]["tags"] == {"managed-by": "terraform"}
    assert not by_name["t-ca-central-1-rest-1"].get("tags")
    api_id = east["rest"]["t-ca-central-1-rest-1"]
    methods = {f"{verb} {r['path']}": m["authorizationType"]
               for r in apigw.get_resources(restApiId=api_id, embed=["methods"])["items"]
               for verb, m in r.get("resourceMethods", {}).items()}
    assert methods == {"GET /items": "NONE", "POST /items": "AWS_IAM",
                       "OPTIONS /items": "NONE", "DELETE /items/{id}": "NONE"}, methods
    v2 = client("apigatewayv2", "ca-central-1", url)
    http_apis = {a["Name"]: a for a in v2.get_apis()["Items"]}
    assert http_apis["t-ca-central-1-http-2"]["Tags"] == {
        "aws:cloudformation:stack-name": "t-ca-central-1-http-2-stack"}
    routes = {r["RouteKey"]: r["AuthorizationType"] for r in v2.get_routes(
        ApiId=east["http"]["t-ca-central-1-http-1"])["Items"]}
    assert routes == {"GET /items": "NONE", "POST /items": "AWS_IAM", "OPTIONS /items": "NONE"}
    # seeded through the region error, which still answers afterwards
    assert outcome(client("apigateway", "ap-east-1", url).get_rest_apis)[0] == 403


def _validate(document):
    """(exit code, stdout) of validate.py on a document (a str is written as is)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sarif", delete=False) as f:
        f.write(document if isinstance(document, str) else json.dumps(document))
    try:
        run = subprocess.run([sys.executable, os.path.join(SARIF_DIR, "validate.py"), f.name],
                             capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(f.name)
    return run.returncode, run.stdout


@test
def sarif_validator():
    minimal = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "gatehouse"}}}]}
    assert _validate(minimal) == (0, "valid\n")
    fuller = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
              "runs": [{"tool": {"driver": {"name": "gatehouse", "rules": [
                  {"id": "GH001", "shortDescription": {"text": "Open method"}}]}},
                  "invocations": [{"executionSuccessful": True,
                                   "startTimeUtc": "2026-01-01T00:00:00Z"}],
                  "results": [{"ruleId": "GH001", "level": "warning",
                               "message": {"text": "GET /cart is open"}}]}]}
    assert _validate(fuller) == (0, "valid\n")
    broken = json.loads(json.dumps(fuller))
    broken["version"] = "2.0.0"
    broken["runs"][0]["results"][0]["level"] = "fatal"
    broken["runs"][0]["invocations"][0]["startTimeUtc"] = "yesterday"
    del broken["runs"][0]["tool"]["driver"]["name"]
    code, text = _validate(broken)
    lines = text.splitlines()
    assert code == 1 and len(lines) == 4, text
    assert lines[0].startswith("$.runs[0].invocations[0].startTimeUtc: 'yesterday'"), lines
    assert "$.runs[0].results[0].level: 'fatal' is not one of" in text
    assert "$.runs[0].tool.driver: 'name' is a required property" in text
    assert "$.version: '2.0.0' is not one of ['2.1.0']" in text
    assert _validate("{not json")[0] == 1
    with open(os.path.join(SARIF_DIR, "sarif-schema-2.1.0.json")) as f:
        schema = json.load(f)
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert "errata01" in schema["id"]
