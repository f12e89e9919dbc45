"""Self-checks of what REST API (v1) stages serve: deployments as snapshots (apiSummary),
stages kept across deployments, canaries and their promotion, GetExport of a stage's
deployment, gateway responses. Run by test_sandbox.py, which sets `S` to itself (its URL,
SUMMARY and helpers) before running TESTS. Each check builds its own API, so the seed stays
as other checks expect it."""

import json
import time

import yaml

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()
PROVIDER = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Stage1"
OTHER_PROVIDER = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Stage2"
OPEN = {"authorizationType": "NONE", "apiKeyRequired": False}



def ops(*triples):
    """Patch operations from (op, path, value) triples; a None value is left out."""
    return [{k: v for k, v in zip(("op", "path", "value"), t) if v is not None}
            for t in triples]


def shop(name):
    """A REST API: /pets GET and POST, /legacy GET, all NONE with MOCK integrations and a 200
    method response on GET /pets; authorizers PetsPool (Cognito) and Legacy (TOKEN)."""
    east = S.agw()
    api = east.create_rest_api(name=name, description="stage checks")
    api_id, root = api["id"], api["rootResourceId"]
    res = {p: east.create_resource(restApiId=api_id, parentId=root, pathPart=p[1:])["id"]
           for p in ("/pets", "/legacy")}
    for path, verb in (("/pets", "GET"), ("/pets", "POST"), ("/legacy", "GET")):
        S.seed._method(east, api_id, res[path], verb)
    east.put_method_response(restApiId=api_id, resourceId=res["/pets"], httpMethod="GET",
                             statusCode="200")
    auths = {"PetsPool": east.create_authorizer(
        restApiId=api_id, name="PetsPool", type="COGNITO_USER_POOLS", providerARNs=[PROVIDER],
        identitySource="method.request.header.Authorization")["id"],
        "Legacy": east.create_authorizer(
        restApiId=api_id, name="Legacy", type="TOKEN", authorizerUri=S.seed.LEGACY_LAMBDA,
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=300)["id"]}
    return {"id": api_id, "res": res, "auths": auths}


def protect(api):
    """GET /pets Cognito (scope pets/read), POST /pets AWS_IAM + API key, GET /legacy CUSTOM."""
    east = S.agw()
    S.patch(east, api["id"], api["res"]["/pets"], "GET",
            ("replace", "/authorizationType", "COGNITO_USER_POOLS"),
            ("replace", "/authorizerId", api["auths"]["PetsPool"]),
            ("add", "/authorizationScopes", "pets/read"))
    S.patch(east, api["id"], api["res"]["/pets"], "POST",
            ("replace", "/authorizationType", "AWS_IAM"), ("replace", "/apiKeyRequired", "true"))
    S.patch(east, api["id"], api["res"]["/legacy"], "GET",
            ("replace", "/authorizationType", "CUSTOM"),
            ("replace", "/authorizerId", api["auths"]["Legacy"]))


def summary(api_id, deployment_id):
    return S.agw().get_deployment(restApiId=api_id, deploymentId=deployment_id,
                                  embed=["apisummary"])["apiSummary"]


def export(api_id, stage, kind="oas30", extensions="authorizers", accepts="application/json"):
    params = {"extensions": extensions} if extensions else {}
    out = S.agw().get_export(restApiId=api_id, stageName=stage, exportType=kind,
                             parameters=params, accepts=accepts)
    return out["body"].read()


def exported(api_id, stage, **kwargs):
    return json.loads(export(api_id, stage, **kwargs))


def stage_of(api_id, name):
    out = S.agw().get_stage(restApiId=api_id, stageName=name)
    out.pop("ResponseMetadata")
    return out


@test
def a_deployment_keeps_what_was_deployed():
    east = S.agw()
    api = shop("SnapshotShop")
    first = east.create_deployment(restApiId=api["id"], stageName="prod", description="one")
    assert set(first) - {"ResponseMetadata"} == {"id", "description", "createdDate"}, first
    east.update_stage(restApiId=api["id"], stageName="prod", patchOperations=ops(
        ("replace", "/variables/color", "blue"), ("replace", "/description", "production")))
    made = stage_of(api["id"], "prod")
    protect(api)  # edits after the deployment: the editor changes, the deployment does not
    east.update_authorizer(restApiId=api["id"], authorizerId=api["auths"]["PetsPool"],
                           patchOperations=ops(("replace", "/providerARNs", OTHER_PROVIDER)))
    everything_open = {"/legacy": {"GET": OPEN}, "/pets": {"GET": OPEN, "POST": OPEN}}
    assert summary(api["id"], first["id"]) == everything_open
    plain = east.get_deployment(restApiId=api["id"], deploymentId=first["id"])
    assert "apiSummary" not in plain and "stageName" not in plain, plain
    assert exported(api["id"], "prod")["paths"]["/pets"]["get"] == {
        "responses": {"200": {"description": "200 response", "content": {}}}}

    time.sleep(1.1)  # lastUpdatedDate is in seconds
    second = east.create_deployment(restApiId=api["id"], stageName="prod")
    assert "description" not in second
    stage = stage_of(api["id"], "prod")
    assert stage["deploymentId"] == second["id"]  # the same stage, pointed further
    assert stage["variables"] == {"color": "blue"} and stage["description"] == "production"
    assert stage["createdDate"] == made["createdDate"] < stage["lastUpdatedDate"]
    assert (stage["cacheClusterEnabled"], stage["cacheClusterStatus"], stage["tracingEnabled"],
            stage["methodSettings"]) == (False, "NOT_AVAILABLE", False, {}), stage
    assert "canarySettings" not in stage
    assert summary(api["id"], second["id"]) == {
        "/legacy": {"GET": {"authorizationType": "CUSTOM", "apiKeyRequired": False}},
        "/pets": {"GET": {"authorizationType": "COGNITO_USER_POOLS", "apiKeyRequired": False},
                  "POST": {"authorizationType": "AWS_IAM", "apiKeyRequired": True}}}
    assert summary(api["id"], first["id"]) == everything_open  # still
    listed = east.get_deployments(restApiId=api["id"])["items"]
    assert [d["id"] for d in listed] == [first["id"], second["id"]]
    assert all("apiSummary" not in d and "stageName" not in d for d in listed)
    assert S.error_of(east.get_deployment, restApiId=api["id"], deploymentId="nope")[:2] == (
        404, "NotFoundException")
    assert S.error_of(east.delete_deployment, restApiId=api["id"], deploymentId=second["id"]) == (
        400, "BadRequestException",
        "Active stages pointing to this deployment must be moved or deleted")
    east.delete_deployment(restApiId=api["id"], deploymentId=first["id"])  # nobody serves it
    snapshot = S.control("/_sandbox/deployment-snapshot",
                         {"region": "us-east-1", "api_id": api["id"], "stage": "prod"})
    assert snapshot["kind"] == "REST" and snapshot["deploymentId"] == second["id"]
    pets_pool = snapshot["snapshot"]["authorizers"][api["auths"]["PetsPool"]]
    assert pets_pool["providerARNs"] == [OTHER_PROVIDER]
    assert snapshot["snapshot"]["methods"]["/pets"]["GET"]["authorizationScopes"] == ["pets/read"]


@test
def the_export_is_the_stage_deployment_not_the_editor():
    east = S.agw()
    api = shop("ExportShop")
    protect(api)
    deployment = east.create_deployment(restApiId=api["id"], stageName="prod")
    S.patch(east, api["id"], api["res"]["/pets"], "GET",  # the editor moves on, undeployed
            ("replace", "/authorizationType", "NONE"))
    doc = exported(api["id"], "prod")
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(deployment["createdDate"].timestamp()))
    assert doc["openapi"] == "3.0.1" and doc["info"] == {
        "title": "ExportShop", "description": "stage checks", "version": when}
    assert doc["servers"] == [{
        "url": f"https://{api['id']}.execute-api.us-east-1.amazonaws.com/{{basePath}}",
        "variables": {"basePath": {"default": "/prod"}}}]
    paths = doc["paths"]
    assert paths["/pets"]["get"]["security"] == [{"PetsPool": ["pets/read"]}]
    assert paths["/pets"]["post"]["security"] == [{"sigv4": []}, {"api_key": []}]
    assert paths["/legacy"]["get"]["security"] == [{"Legacy": []}]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["PetsPool"] == {
        "type": "apiKey", "name": "Authorization", "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
                                           "providerARNs": [PROVIDER]}}
    assert schemes["Legacy"] == {
        "type": "apiKey", "name": "Authorization", "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": S.seed.LEGACY_LAMBDA,
                                           "authorizerResultTtlInSeconds": 300}}
    assert schemes["sigv4"] == {"type": "apiKey", "name": "Authorization", "in": "header",
                                "x-amazon-apigateway-authtype": "awsSigv4"}
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}

    bare = exported(api["id"], "prod", extensions=None)  # no authorizer extension asked for
    assert "x-amazon-apigateway-authorizer" not in bare["components"]["securitySchemes"][
        "PetsPool"] and bare["paths"] == paths
    swagger = exported(api["id"], "prod", kind="swagger")
    assert (swagger["swagger"], swagger["basePath"], swagger["schemes"]) == (
        "2.0", "/prod", ["https"])
    assert swagger["host"] == f"{api['id']}.execute-api.us-east-1.amazonaws.com"
    assert swagger["securityDefinitions"] == schemes
    assert swagger["paths"]["/pets"]["get"]["responses"] == {"200": {"description": "200 response"}}
    assert yaml.safe_load(export(api["id"], "prod", accepts="application/yaml")) == doc
    integrated = exported(api["id"], "prod", extensions="integrations")["paths"]["/pets"]["get"]
    assert integrated["x-amazon-apigateway-integration"]["type"] == "mock"
    assert S.error_of(export, api["id"], "nope") == (
        404, "NotFoundException", "Invalid stage identifier specified")
    assert S.error_of(export, api["id"], "prod", kind="raml")[:2] == (400, "BadRequestException")
    east.create_deployment(restApiId=api["id"], stageName="prod")
    assert "security" not in exported(api["id"], "prod")["paths"]["/pets"]["get"]


@test
def a_pinned_stage_exports_its_old_deployment():
    east = S.agw()
    api = shop("PinnedShop")
    old = east.create_deployment(restApiId=api["id"], stageName="prod")["id"]
    protect(api)
    new = east.create_deployment(restApiId=api["id"], stageName="prod")["id"]
    assert exported(api["id"], "prod")["paths"]["/pets"]["get"]["security"]
    east.update_stage(restApiId=api["id"], stageName="prod",
                      patchOperations=ops(("replace", "/deploymentId", old)))
    assert stage_of(api["id"], "prod")["deploymentId"] == old
    assert "security" not in exported(api["id"], "prod")["paths"]["/pets"]["get"]
    made = east.create_stage(restApiId=api["id"], stageName="beta", deploymentId=new)
    assert made["deploymentId"] == new and made["createdDate"] and "variables" not in made
    assert exported(api["id"], "beta")["paths"]["/pets"]["get"]["security"] == [
        {"PetsPool": ["pets/read"]}]
    for call, kwargs in ((east.update_stage, {"stageName": "prod", "patchOperations": ops(
            ("replace", "/deploymentId", "nope"))}),
            (east.create_stage, {"stageName": "gamma", "deploymentId": "nope"})):
        assert S.error_of(call, restApiId=api["id"], **kwargs) == (
            400, "BadRequestException", "Deployment id does not exist")
    assert stage_of(api["id"], "prod")["deploymentId"] == old


@test
def a_canary_deployment_leaves_the_stage_deployment():
    east = S.agw()
    api = shop("CanaryShop")
    base = east.create_deployment(restApiId=api["id"], stageName="prod",
                                  variables={"color": "blue", "size": "s"})["id"]
    for stage, why in ((None, "Provided value is null"),
                       ("nope", "Stage nope must already be created")):
        kwargs = {"stageName": stage} if stage else {}
        status, code, msg = S.error_of(east.create_deployment, restApiId=api["id"],
                                       canarySettings={"percentTraffic": 10}, **kwargs)
        assert (status, code) == (400, "BadRequestException") and why in msg, msg
        assert msg.startswith("Invalid deployment content specified."), msg
    protect(api)
    canary = east.create_deployment(restApiId=api["id"], stageName="prod", canarySettings={
        "percentTraffic": 10, "stageVariableOverrides": {"color": "green"}})["id"]
    stage = stage_of(api["id"], "prod")
    assert stage["deploymentId"] == base
    assert stage["canarySettings"] == {"deploymentId": canary, "percentTraffic": 10.0,
                                       "stageVariableOverrides": {"color": "green"},
                                       "useStageCache": False}
    listed = east.get_stages(restApiId=api["id"])["item"]
    assert [s["canarySettings"]["deploymentId"] for s in listed] == [canary]
    assert "security" not in exported(api["id"], "prod")["paths"]["/pets"]["get"]  # base

    out = east.update_stage(restApiId=api["id"], stageName="prod", patchOperations=ops(
        ("replace", "/canarySettings/percentTraffic", "25.5"),
        ("replace", "/canarySettings/stageVariableOverrides/size", "m"),
        ("replace", "/canarySettings/useStageCache", "true")))
    assert out["canarySettings"] == {"deploymentId": canary, "percentTraffic": 25.5,
                                     "stageVariableOverrides": {"color": "green", "size": "m"},
                                     "useStageCache": True}
    refused = [  # (operations, message start); none of them changes anything
        (ops(("add", "/canarySettings/deploymentId", base)), "Invalid add operation with path"),
        (ops(("replace", "/canarySettings/percentTraffic", "0"),
             ("replace", "/canarySettings/badPath", "x")), "Invalid method setting path"),
        (ops(("remove", "/canarySettings/badPath", None)), "Cannot remove method setting"),
        (ops(("replace", "/canarySettings/percentTraffic", "101")), "Invalid percent traffic"),
        (ops(("replace", "/canarySettings/deploymentId", "nope")), "Deployment id does not exist"),
        ([{"op": "copy", "from": "/variables", "path": "/canarySettings/stageVariableOverrides"}],
         "Invalid copy operation with path"),
    ]
    for operations, start in refused:
        status, code, msg = S.error_of(east.update_stage, restApiId=api["id"], stageName="prod",
                                       patchOperations=operations)
        assert (status, code) == (400, "BadRequestException") and msg.startswith(start), msg
    assert stage_of(api["id"], "prod")["canarySettings"] == out["canarySettings"]

    # promotion as the console does it: the stage takes the canary's deployment and variables
    promoted = east.update_stage(restApiId=api["id"], stageName="prod", patchOperations=[
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "0.0"},
        {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
        {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"}])
    assert promoted["deploymentId"] == canary
    assert promoted["variables"] == {"color": "green", "size": "m"}
    assert promoted["canarySettings"]["percentTraffic"] == 0.0  # promotion keeps the canary
    assert exported(api["id"], "prod")["paths"]["/pets"]["get"]["security"]
    gone = east.update_stage(restApiId=api["id"], stageName="prod",
                             patchOperations=ops(("remove", "/canarySettings", None)))
    assert "canarySettings" not in gone and gone["deploymentId"] == canary
    assert S.error_of(east.update_stage, restApiId=api["id"], stageName="prod", patchOperations=[
        {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"}]) == (
        400, "BadRequestException", "Promotion not available. Canary does not exist.")

    # a canary by UpdateStage, then promoted by hand: /deploymentId, then remove the canary
    made = east.update_stage(restApiId=api["id"], stageName="prod", patchOperations=ops(
        ("replace", "/canarySettings/deploymentId", base)))
    assert made["canarySettings"] == {"deploymentId": base, "percentTraffic": 0.0,
                                      "useStageCache": False}
    back = east.update_stage(restApiId=api["id"], stageName="prod", patchOperations=ops(
        ("replace", "/deploymentId", base), ("remove", "/canarySettings", None)))
    assert back["deploymentId"] == base and "canarySettings" not in back
    beta = east.create_stage(restApiId=api["id"], stageName="beta", deploymentId=base,
                             canarySettings={"deploymentId": canary, "percentTraffic": 50})
    assert beta["canarySettings"] == {"deploymentId": canary, "percentTraffic": 50.0,
                                      "useStageCache": False}
    assert S.error_of(east.delete_deployment, restApiId=api["id"], deploymentId=canary)[:2] == (
        400, "BadRequestException")  # beta's canary serves it


@test
def gateway_responses_are_defaults_until_put():
    east = S.agw()
    api = shop("ResponsesShop")
    items = east.get_gateway_responses(restApiId=api["id"])["items"]
    assert len(items) == 21 and all(r["defaultResponse"] for r in items)
    by_type = {r["responseType"]: r for r in items}
    assert by_type["UNAUTHORIZED"] == {
        "responseType": "UNAUTHORIZED", "statusCode": "401", "defaultResponse": True,
        "responseParameters": {},
        "responseTemplates": {"application/json": '{"message":$context.error.messageString}'}}
    assert "statusCode" not in by_type["DEFAULT_4XX"]
    assert by_type["ACCESS_DENIED"]["statusCode"] == "403"
    cors = {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}
    put = east.put_gateway_response(restApiId=api["id"], responseType="DEFAULT_4XX",
                                    responseParameters=cors)
    put.pop("ResponseMetadata")
    assert put == {"responseType": "DEFAULT_4XX", "defaultResponse": False,
                   "responseParameters": cors, "responseTemplates": {}}
    east.put_gateway_response(restApiId=api["id"], responseType="UNAUTHORIZED",
                              responseTemplates={"application/json": '{"why":"no"}'})
    got = east.get_gateway_response(restApiId=api["id"], responseType="UNAUTHORIZED")
    assert (got["defaultResponse"], got["statusCode"], got["responseTemplates"]) == (
        False, "401", {"application/json": '{"why":"no"}'})
    patched = east.update_gateway_response(
        restApiId=api["id"], responseType="UNAUTHORIZED", patchOperations=ops(
            ("replace", "/statusCode", "403"),
            ("add", "/responseParameters/gatewayresponse.header.x-why", "'token'")))
    assert patched["statusCode"] == "403"
    assert patched["responseParameters"] == {"gatewayresponse.header.x-why": "'token'"}
    assert S.error_of(east.get_gateway_response, restApiId=api["id"],
                      responseType="NOPE")[:2] == (400, "BadRequestException")
    assert S.error_of(east.put_gateway_response, restApiId=api["id"], responseType="THROTTLED",
                      statusCode="99")[:2] == (400, "BadRequestException")

    deployment = east.create_deployment(restApiId=api["id"], stageName="prod")["id"]
    east.delete_gateway_response(restApiId=api["id"], responseType="UNAUTHORIZED")
    assert east.get_gateway_response(restApiId=api["id"], responseType="UNAUTHORIZED")[
        "defaultResponse"] is True  # the editor is back to the default ...
    held = S.control("/_sandbox/deployment-snapshot", {"region": "us-east-1", "api_id": api["id"],
                                                       "deployment_id": deployment})
    assert held["snapshot"]["gatewayResponses"] == {  # ... the deployment is not
        "DEFAULT_4XX": {"responseParameters": cors, "responseTemplates": {}},
        "UNAUTHORIZED": {"statusCode": "403",
                         "responseParameters": {"gatewayresponse.header.x-why": "'token'"},
                         "responseTemplates": {"application/json": '{"why":"no"}'}}}
    doc = exported(api["id"], "prod", extensions="apigateway")
    assert doc["x-amazon-apigateway-gateway-responses"]["DEFAULT_4XX"] == {
        "responseParameters": cors}
    assert "x-amazon-apigateway-gateway-responses" not in exported(api["id"], "prod")


@test
def the_seed_stage_serves_its_open_methods():
    east = S.agw()
    api_id = S.SUMMARY["apis"]["SecurePets"]["id"]
    [stage] = east.get_stages(restApiId=api_id)["item"]
    assert stage["stageName"] == "prod" and "canarySettings" not in stage
    assert summary(api_id, stage["deploymentId"]) == {
        "/pets": {"GET": OPEN, "OPTIONS": OPEN, "PURCHASE": OPEN}, "/purchase": {"POST": OPEN}}
    doc = exported(api_id, "prod")
    assert set(doc["paths"]) == {"/pets", "/purchase"} and "components" not in doc
    assert set(doc["paths"]["/pets"]) == {"get", "options", "purchase"}
