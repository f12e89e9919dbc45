"""Self-checks of what HTTP API (v2) stages serve: deployments as snapshots, ExportApi of a
stage or of the latest configuration, automatic deployments that fail. Run by
test_sandbox.py, which sets `S` to itself (its URL, SUMMARY and helpers) before running TESTS."""

import json

import yaml

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Stage1"



def v2():
    return S.seed.client("apigatewayv2", S.URL, "us-east-1")


def bulk(name, routes, **extra):
    return S.control("/_sandbox/bulk-http-api",
                     {"region": "us-east-1", "name": name, "routes": routes, **extra})


def exported(api_id, stage=None, output="JSON", **extra):
    kwargs = {"StageName": stage} if stage else {}
    body = v2().export_api(ApiId=api_id, Specification="OAS30", OutputType=output, **kwargs,
                           **extra)["body"].read()
    return yaml.safe_load(body) if output == "YAML" else json.loads(body)


def jwt(client, api_id, name="PetsJwt"):
    return client.create_authorizer(
        ApiId=api_id, Name=name, AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": ISSUER, "Audience": ["web-client"]})["AuthorizerId"]


def route_id(client, api_id, key):
    return {r["RouteKey"]: r["RouteId"] for r in client.get_routes(ApiId=api_id)["Items"]}[key]


def failure(payload):
    return S.control("/_sandbox/auto-deploy-failure", {"region": "us-east-1", **payload})


@test
def an_http_stage_exports_its_deployment():
    client = v2()
    made = bulk("ExportHttp", 2, stage="prod")  # a manual stage, deployed once
    api_id = made["id"]
    auth = jwt(client, api_id)
    client.update_route(ApiId=api_id, RouteId=route_id(client, api_id, "GET /r0001"),
                        AuthorizationType="JWT", AuthorizerId=auth,
                        AuthorizationScopes=["pets/read"])
    before = exported(api_id, "prod")  # not deployed yet: the stage serves the old routes
    assert "security" not in before["paths"]["/r0001"]["get"] and "components" not in before
    held = S.control("/_sandbox/deployment-snapshot",
                     {"region": "us-east-1", "api_id": api_id, "stage": "prod"})
    assert held["kind"] == "HTTP" and held["snapshot"]["routes"]["GET /r0001"][
        "authorizationType"] == "NONE" and held["snapshot"]["authorizers"] == {}

    deployment = client.create_deployment(ApiId=api_id, StageName="prod")
    doc = exported(api_id, "prod")
    assert doc["openapi"] == "3.0.1" and doc["info"]["title"] == "ExportHttp"
    assert doc["info"]["version"] == deployment["CreatedDate"].strftime("%Y-%m-%d %H:%M:%SUTC")
    assert doc["servers"] == [{
        "url": f"https://{api_id}.execute-api.us-east-1.amazonaws.com/{{basePath}}",
        "variables": {"basePath": {"default": "prod"}}}]
    get = doc["paths"]["/r0001"]["get"]
    assert get["responses"] == {"default": {"description": "Default response for GET /r0001"}}
    assert get["security"] == [{"PetsJwt": ["pets/read"]}]
    assert get["x-amazon-apigateway-integration"] == {
        "payloadFormatVersion": "1.0", "type": "http_proxy", "httpMethod": "ANY",
        "uri": "https://example.com", "connectionType": "INTERNET"}
    assert doc["components"]["securitySchemes"]["PetsJwt"] == {
        "type": "oauth2", "flows": {}, "x-amazon-apigateway-authorizer": {
            "identitySource": "$request.header.Authorization",
            "jwtConfiguration": {"audience": ["web-client"], "issuer": ISSUER}, "type": "jwt"}}
    assert doc["x-amazon-apigateway-importexport-version"] == "1.0"

    client.update_route(ApiId=api_id, RouteId=route_id(client, api_id, "GET /r0002"),
                        AuthorizationType="AWS_IAM")  # the editor only
    latest = exported(api_id)  # no stage: the latest configuration
    assert latest["paths"]["/r0002"]["get"]["security"] == [{"sigv4": []}]
    assert latest["components"]["securitySchemes"]["sigv4"][
        "x-amazon-apigateway-authtype"] == "awsSigv4" and "servers" not in latest
    assert "security" not in exported(api_id, "prod")["paths"]["/r0002"]["get"]
    bare = exported(api_id, "prod", IncludeExtensions=False)
    assert "x-amazon-apigateway-integration" not in bare["paths"]["/r0001"]["get"]
    assert bare["components"]["securitySchemes"]["PetsJwt"] == {"type": "oauth2", "flows": {}}
    assert exported(api_id, "prod", output="YAML") == doc
    for kwargs, status in (({"StageName": "nope"}, 404), ({"Specification": "OAS20"}, 400),
                           ({"OutputType": "XML"}, 400)):
        call = dict({"ApiId": api_id, "Specification": "OAS30", "OutputType": "JSON"}, **kwargs)
        assert S.error_of(client.export_api, **call)[0] == status, kwargs
    chat = S.SUMMARY["apis"]["PetsChat"]["id"]
    assert S.error_of(client.export_api, ApiId=chat, Specification="OAS30",
                      OutputType="JSON")[:2] == (400, "BadRequestException")


@test
def the_seed_http_api_exports_default_and_any_routes():
    doc = exported(S.SUMMARY["apis"]["PetsHttp"]["id"], "$default")
    assert doc["info"]["description"] == "Gatehouse HTTP API scenario"
    assert doc["servers"][0]["variables"]["basePath"]["default"] == ""
    assert set(doc["paths"]) == {"/parcels", "/parcels/{id}", "/{proxy+}", "/$default"}
    assert set(doc["paths"]["/parcels"]) == {"get", "post", "options"}
    default = doc["paths"]["/$default"]["x-amazon-apigateway-any-method"]
    assert default["isDefaultRoute"] is True
    assert default["responses"]["default"]["description"] == "Default response for $default"
    assert set(doc["paths"]["/{proxy+}"]) == {"x-amazon-apigateway-any-method"}
    assert all("security" not in op for ops in doc["paths"].values() for op in ops.values())
    assert doc["x-amazon-apigateway-cors"]["allowOrigins"] == ["https://pets.example.com"]


@test
def a_failed_automatic_deployment_keeps_the_old_one():
    client = v2()
    made = bulk("FailingAuto", 2, stage="$default", auto_deploy=True)
    api_id = made["id"]
    route = route_id(client, api_id, "GET /r0001")
    old = client.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"]
    count = len(client.get_deployments(ApiId=api_id)["Items"])
    set_up = failure({"api_id": api_id, "count": 1, "message": "Route target unreachable"})
    assert set_up == {"region": "us-east-1", "api_id": api_id,
                      "message": "Route target unreachable", "left": 1}
    assert S.control("/_sandbox/auto-deploy-failure")["failures"][api_id]["left"] == 1
    client.update_route(ApiId=api_id, RouteId=route, AuthorizationType="AWS_IAM")
    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert stage["DeploymentId"] == old
    assert stage["LastDeploymentStatusMessage"] == (
        "Deployment attempt failed: Route target unreachable")
    assert len(client.get_deployments(ApiId=api_id)["Items"]) == count
    assert client.get_route(ApiId=api_id, RouteId=route)["AuthorizationType"] == "AWS_IAM"
    assert "security" not in exported(api_id, "$default")["paths"]["/r0001"]["get"]
    assert S.control("/_sandbox/auto-deploy-failure")["failures"] == {}  # the one is used

    client.update_route(ApiId=api_id, RouteId=route, OperationName="first")  # deploys again
    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert stage["DeploymentId"] != old and stage["LastDeploymentStatusMessage"] == (
        f"Successfully deployed stage with deployment ID '{stage['DeploymentId']}'")
    assert exported(api_id, "$default")["paths"]["/r0001"]["get"]["security"] == [{"sigv4": []}]

    failure({"api_id": api_id})  # every one, until cleared
    served = stage["DeploymentId"]
    for name in ("second", "third"):
        client.update_route(ApiId=api_id, RouteId=route, OperationName=name)
        stage = client.get_stage(ApiId=api_id, StageName="$default")
        assert stage["DeploymentId"] == served, name
        assert stage["LastDeploymentStatusMessage"] == (
            "Deployment attempt failed: Internal failure while deploying the API "
            "(injected by the sandbox)")
    assert failure({"api_id": api_id, "clear": True}) == {
        "region": "us-east-1", "api_id": api_id, "cleared": True}
    client.update_route(ApiId=api_id, RouteId=route, OperationName="fourth")
    assert client.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"] != served
    for bad in ({"api_id": "nope"}, {"api_id": api_id, "count": 0},
                {"api_id": api_id, "message": ""}):
        status, body = S.control_error("/_sandbox/auto-deploy-failure",
                                       {"region": "us-east-1", **bad})
        assert status == 400 and body["message"], bad
