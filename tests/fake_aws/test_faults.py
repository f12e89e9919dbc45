"""Self-checks of the sandbox's faults and counters: throttling, injected failures, expiring
credentials, lost, slow and foreign answers, call counting. Run by test_sandbox.py, which sets
`S` to itself (its URL, SUMMARY and helpers) before running TESTS."""

import threading
import time

import boto3
import botocore.exceptions

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()


@test
def throttling_429_then_recovers():
    api_id, _ = S.pets_ids()
    east = S.agw(retry=False)
    S.control("/_sandbox/reset-stats", {})
    S.control("/_sandbox/config", {"throttle": {"rate": 5, "burst": 10}})
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
        S.seed.client("sts", S.URL, "us-east-1").get_caller_identity()  # other services: never
        stats = S.control("/_sandbox/stats")
        assert stats["throttled"]["apigateway"]["GetRestApis"] == codes.count(429)
        time.sleep(1.0)  # 5 tokens back
        east.get_rest_apis()
        S.control("/_sandbox/config", {"throttle": {"rate": 100, "burst": 100}})
        east.create_deployment(restApiId=api_id, stageName="prod")
        status, code, _ = S.error_of(east.create_deployment, restApiId=api_id, stageName="prod")
        assert (status, code) == (429, "TooManyRequestsException")
    finally:
        S.control("/_sandbox/config", {"throttle": None})
    east.get_rest_apis()


@test
def injected_failures_do_not_apply():
    api_id, pets = S.pets_ids()
    east = S.agw(retry=False)
    S.control("/_sandbox/config", {"failure_rate": 1.0, "seed": 42})
    try:
        status, code, _ = S.error_of(S.patch, east, api_id, pets, "GET",
                                   ("replace", "/authorizationType", "AWS_IAM"))
        assert (status, code) in ((500, "InternalFailure"), (503, "ServiceUnavailableException"))
        assert east.get_method(restApiId=api_id, resourceId=pets, httpMethod="GET")[
            "authorizationType"] == "NONE"

        def run():
            outcome = []
            for _ in range(30):
                try:
                    S.patch(east, api_id, pets, "GET", ("replace", "/apiKeyRequired", "false"))
                    outcome.append("ok")
                except botocore.exceptions.ClientError as exc:
                    outcome.append(exc.response["Error"]["Code"])
            return outcome
        S.control("/_sandbox/config", {"failure_rate": 0.5, "seed": 7})
        first = run()
        S.control("/_sandbox/config", {"failure_rate": 0.5, "seed": 7})
        assert run() == first, "same seed, same failures"
        assert "ok" in first and len(set(first)) > 1, first
    finally:
        S.control("/_sandbox/config", {"failure_rate": 0})


@test
def credentials_expire_after_n_calls():
    api_id, _ = S.pets_ids()
    east = S.agw(retry=False)
    S.control("/_sandbox/config", {"expire_credentials_after": 2})
    try:
        east.get_rest_apis()
        east.get_rest_apis()
        status, code, _ = S.error_of(east.get_resources, restApiId=api_id)
        assert (status, code) == (403, "ExpiredTokenException")
    finally:
        S.control("/_sandbox/config", {"expire_credentials_after": None})
    east.get_resources(restApiId=api_id)


@test
def a_lost_answer_was_carried_out():
    api_id, _ = S.pets_ids()
    east = S.agw(retry=False)
    before = len(east.get_authorizers(restApiId=api_id)["items"])
    S.control("/_sandbox/config", {"lose_answers": {"CreateAuthorizer": 1}})
    try:
        status, code, _ = S.error_of(S.new_cognito_authorizer, east, api_id, name="Lost")
        assert (status, code) == (500, "InternalFailure")
    finally:
        S.control("/_sandbox/config", {"lose_answers": {}})
    items = east.get_authorizers(restApiId=api_id)["items"]
    assert len(items) == before + 1 and any(a["name"] == "Lost" for a in items), items
    for a in items:
        if a["name"] == "Lost":
            east.delete_authorizer(restApiId=api_id, authorizerId=a["id"])


@test
def stats_count_operations():
    api_id, pets = S.pets_ids()
    east, idp = S.agw(), S.seed.client("cognito-idp", S.URL, "eu-west-1")
    S.control("/_sandbox/reset-stats", {})
    east.get_resources(restApiId=api_id, embed=["methods"])
    east.get_resources(restApiId=api_id)
    east.get_authorizers(restApiId=api_id)
    for _ in range(3):
        S.patch(east, api_id, pets, "GET", ("replace", "/apiKeyRequired", "false"))
    idp.list_user_pools(MaxResults=10)
    S.seed.client("sts", S.URL, "us-east-1").get_caller_identity()
    stats = S.control("/_sandbox/stats")
    assert stats["calls"] == {
        "apigateway": {"GetResources": 2, "GetAuthorizers": 1, "UpdateMethod": 3},
        "cognito-idp": {"ListUserPools": 1}, "sts": {"GetCallerIdentity": 1}}, stats
    assert stats["totals"] == {"calls": 8, "throttled": 0, "failures": 0}


@test
def slow_answers_are_stale_when_they_arrive():
    """One access key's GetResources is answered late, with what moto held when it was asked;
    other keys and other operations are answered at once."""
    api_id, pets = S.pets_ids()
    slow = boto3.client("apigateway", endpoint_url=S.URL, region_name="us-east-1",
                        aws_access_key_id="AKIASLOWREADER", aws_secret_access_key="x")
    assert S.control_error("/_sandbox/config", {"slow_answers": {"K": {"GetResourcez": 1}}})[0] == 400
    S.control("/_sandbox/config", {"slow_answers": {"AKIASLOWREADER": {"GetResources": 1500}}})
    try:
        got = {}

        def read():
            got["items"] = slow.get_resources(restApiId=api_id, embed=["methods"])["items"]

        reader = threading.Thread(target=read)
        started = time.monotonic()
        reader.start()
        time.sleep(0.5)  # the answer is made; now someone else writes
        fast = S.agw()
        quick = time.monotonic()
        S.patch(fast, api_id, pets, "GET", ("replace", "/authorizationType", "AWS_IAM"))
        assert time.monotonic() - quick < 1.0, "other keys are not held back"
        reader.join()
        assert time.monotonic() - started >= 1.5
        pets_get = next(r for r in got["items"] if r["id"] == pets)["resourceMethods"]["GET"]
        assert pets_get["authorizationType"] == "NONE", "the answer is what moto held before"
        slow.get_authorizers(restApiId=api_id)  # other operations are not slowed
    finally:
        S.control("/_sandbox/config", {"slow_answers": {}})
        S.patch(S.agw(), api_id, pets, "GET", ("replace", "/authorizationType", "NONE"))


@test
def foreign_answers_are_not_aws_answers():
    """An operation can be answered as a proxy would (HTML, any status), then set back."""
    api_id, _ = S.pets_ids()
    assert S.control_error("/_sandbox/config", {"foreign_answers": {"GetAuthorizers": [500]}})[0] == 400
    page = "<html><body>Bad gateway</body></html>"
    S.control("/_sandbox/config", {"foreign_answers": {"GetAuthorizers": [502, "text/html", page]}})
    try:
        try:
            S.agw(retry=False).get_authorizers(restApiId=api_id)
            raise AssertionError("GetAuthorizers should have failed")
        except botocore.exceptions.ClientError as exc:
            meta = exc.response["ResponseMetadata"]
            assert meta["HTTPStatusCode"] == 502, meta
            assert meta["HTTPHeaders"]["content-type"] == "text/html", meta
        S.agw().get_resources(restApiId=api_id)  # other operations answer as AWS
    finally:
        S.control("/_sandbox/config", {"foreign_answers": {}})
    S.agw().get_authorizers(restApiId=api_id)
