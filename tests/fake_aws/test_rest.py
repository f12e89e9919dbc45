"""Self-checks of REST API (v1) methods and authorizers: the seed, UpdateMethod and PutMethod,
authorizer fields and deletion, paging. Run by test_sandbox.py, which sets `S` to itself (its
URL, SUMMARY and helpers) before running TESTS."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()


@test
def seed_scenario_matches_brief():
    east = S.agw()
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
    assert auths["AdminPool"]["providerARNs"] == [S.SUMMARY["pools"]["AdminPool"]["arn"]]
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

    idp = S.seed.client("cognito-idp", S.URL, "eu-west-1")
    pools = {p["Name"]: p for p in idp.list_user_pools(MaxResults=60)["UserPools"]}
    assert {"PetsPool", "AdminPool"} <= set(pools)
    clients = idp.list_user_pool_clients(UserPoolId=pools["PetsPool"]["Id"], MaxResults=60)
    assert sorted(c["ClientName"] for c in clients["UserPoolClients"]) == ["mobile", "web"]
    assert S.agw("us-west-2").get_rest_apis()["items"] == []
    ident = S.seed.client("sts", S.URL, "us-east-1").get_caller_identity()
    assert ident["Account"] == "123456789012"


@test
def authorizer_fields_round_trip():
    east = S.agw()
    api_id, _ = S.pets_ids()
    made = S.new_cognito_authorizer(east, api_id, name="RoundTrip", regex="^abc$")
    assert made["identityValidationExpression"] == "^abc$"
    got = east.get_authorizer(restApiId=api_id, authorizerId=made["id"])
    listed = {a["id"]: a for a in east.get_authorizers(restApiId=api_id)["items"]}[made["id"]]
    for view in (got, listed):
        assert view["identityValidationExpression"] == "^abc$"
        assert view["authorizerResultTtlInSeconds"] == 120
        assert view["identitySource"] == "method.request.header.Authorization"
        assert view["providerARNs"] == [S.SUMMARY["pools"]["PetsPool"]["arn"]]
    admin_arn = S.SUMMARY["pools"]["AdminPool"]["arn"]
    upd = east.update_authorizer(restApiId=api_id, authorizerId=made["id"], patchOperations=[
        {"op": "replace", "path": "/identityValidationExpression", "value": "^xyz$"},
        {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "0"},
        {"op": "add", "path": "/providerARNs", "value": admin_arn}])
    assert upd["identityValidationExpression"] == "^xyz$"
    assert upd["authorizerResultTtlInSeconds"] == 0
    assert upd["providerARNs"] == [S.SUMMARY["pools"]["PetsPool"]["arn"], admin_arn]
    got = east.get_authorizer(restApiId=api_id, authorizerId=made["id"])
    assert got["identityValidationExpression"] == "^xyz$" and got["authorizerResultTtlInSeconds"] == 0
    east.delete_authorizer(restApiId=api_id, authorizerId=made["id"])


@test
def update_method_validation():
    east = S.agw()
    api_id, pets = S.pets_ids()
    token = east.create_authorizer(restApiId=api_id, name="Tok", type="TOKEN",
                                   authorizerUri=S.seed.LEGACY_LAMBDA,
                                   identitySource="method.request.header.Authorization")
    cog = S.new_cognito_authorizer(east, api_id, name="Cog")
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
        status, code, msg = S.error_of(S.patch, east, api_id, pets, "GET", *ops)
        assert (status, code) == (400, "BadRequestException") and msg, (ops, status, code, msg)
        assert ops is not bad[0] or msg.startswith("Invalid authorizer ID specified"), msg
    method = east.get_method(restApiId=api_id, resourceId=pets, httpMethod="GET")
    assert method["authorizationType"] == "NONE" and "authorizerId" not in method  # nothing applied
    for args in (("nope", pets, "GET"), (api_id, "nope", "GET"), (api_id, pets, "DELETE")):
        status, code, _ = S.error_of(S.patch, east, *args, ("replace", "/apiKeyRequired", "true"))
        assert (status, code) == (404, "NotFoundException"), args
    # the raw wire format of an error
    req = urllib.request.Request(
        f"{S.URL}/restapis/{api_id}/resources/{pets}/methods/GET", method="PATCH",
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
    east = S.agw()
    api_id, pets = S.pets_ids()
    cog = S.new_cognito_authorizer(east, api_id, name="Sem")
    out = S.patch(east, api_id, pets, "PURCHASE",
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
    out = S.patch(east, api_id, pets, "PURCHASE", ("remove", "/authorizationScopes", "pets/read"))
    assert out["authorizationScopes"] == ["pets/write"]
    out = S.patch(east, api_id, pets, "PURCHASE", ("replace", "/authorizationScopes", "pets/admin"))
    assert out["authorizationScopes"] == ["pets/admin"]
    out = S.patch(east, api_id, pets, "PURCHASE", ("remove", "/authorizationScopes"))
    assert "authorizationScopes" not in out
    out = S.patch(east, api_id, pets, "PURCHASE", ("add", "/authorizationScopes", "pets/read"),
                ("replace", "/authorizationType", "NONE"), ("replace", "/apiKeyRequired", "false"))
    assert out["authorizationType"] == "NONE" and out["apiKeyRequired"] is False
    assert "authorizerId" not in out and "authorizationScopes" not in out
    assert S.patch(east, api_id, pets, "PURCHASE", ("replace", "/authorizationType", "AWS_IAM"))[
        "authorizationType"] == "AWS_IAM"
    S.patch(east, api_id, pets, "PURCHASE", ("replace", "/authorizationType", "NONE"))
    east.delete_authorizer(restApiId=api_id, authorizerId=cog["id"])


@test
def awscli_update_method():
    aws = os.path.join(os.path.dirname(sys.executable), "aws")
    assert os.path.exists(aws), "awscli missing from the venv"
    api_id, pets = S.pets_ids()
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null")
    out = subprocess.run([aws, "--endpoint-url", S.URL, "apigateway", "update-method",
                          "--rest-api-id", api_id, "--resource-id", pets, "--http-method", "OPTIONS",
                          "--patch-operations", "op=replace,path=/apiKeyRequired,value=true"],
                         env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["apiKeyRequired"] is True
    S.patch(S.agw(), api_id, pets, "OPTIONS", ("replace", "/apiKeyRequired", "false"))


@test
def put_method_conflict():
    api_id, pets = S.pets_ids()
    status, code, msg = S.error_of(S.agw().put_method, restApiId=api_id, resourceId=pets,
                                 httpMethod="GET", authorizationType="NONE")
    assert (status, code, msg) == (409, "ConflictException", "Method already exists for this resource")


@test
def delete_authorizer_refused_while_used():
    east = S.agw()
    api_id, pets = S.pets_ids()
    cog = S.new_cognito_authorizer(east, api_id, name="InUse")
    S.patch(east, api_id, pets, "GET", ("replace", "/authorizationType", "COGNITO_USER_POOLS"),
          ("replace", "/authorizerId", cog["id"]))
    status, code, msg = S.error_of(east.delete_authorizer, restApiId=api_id, authorizerId=cog["id"])
    assert (status, code) == (409, "ConflictException") and "GET//pets" in msg, msg
    assert east.get_authorizer(restApiId=api_id, authorizerId=cog["id"])["name"] == "InUse"
    S.patch(east, api_id, pets, "GET", ("replace", "/authorizationType", "NONE"))
    east.delete_authorizer(restApiId=api_id, authorizerId=cog["id"])
    status, code, _ = S.error_of(east.delete_authorizer, restApiId=api_id, authorizerId=cog["id"])
    assert (status, code) == (404, "NotFoundException")


@test
def pagination_resources_and_pools():
    big = S.seed.bulk_api(S.URL, "us-east-1", "Paged600", 600, 2)
    assert big["methods"] == 1200
    east = S.agw()
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
    assert S.error_of(east.get_resources, restApiId=big["id"], limit=501)[:2] == (400, "BadRequestException")
    names = [a["name"] for p in east.get_paginator("get_rest_apis").paginate(
        PaginationConfig={"PageSize": 1}) for a in p["items"]]
    assert {"SecurePets", "PetsAdmin", "Paged600"} <= set(names) and len(names) == len(set(names))
    admin_id = S.SUMMARY["apis"]["PetsAdmin"]["id"]
    one = east.get_authorizers(restApiId=admin_id, limit=1)
    assert len(one["items"]) == 1 and one.get("position")

    made = S.seed.bulk_pools(S.URL, "ap-southeast-2", 65, "Many")
    assert len(made["pools"]) == 65
    idp = S.seed.client("cognito-idp", S.URL, "ap-southeast-2")
    page1 = idp.list_user_pools(MaxResults=60)
    page2 = idp.list_user_pools(MaxResults=60, NextToken=page1["NextToken"])
    assert len(page1["UserPools"]) == 60 and len(page2["UserPools"]) == 5
    assert "NextToken" not in page2
    status, code, _ = S.error_of(idp.list_user_pools, MaxResults=61)
    assert (status, code) == (400, "InvalidParameterException")
