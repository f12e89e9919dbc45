"""Self-checks of HTTP and WebSocket APIs (API Gateway v2); run by test_sandbox.py, which
sets `S` to itself (its URL, SUMMARY and helpers) before running TESTS."""

import json
import os
import subprocess
import sys
import time

import boto3
import botocore.exceptions

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()


def v2(region="us-east-1", retry=True):
    """An apigatewayv2 client; retry=False surfaces 429/5xx instead of retrying."""
    return boto3.client("apigatewayv2", endpoint_url=S.URL, region_name=region,
                        config=None if retry else S.NO_RETRY, **S.seed.DUMMY_CREDENTIALS)


def http(name):
    return S.SUMMARY["apis"][name]


def items(call, **kwargs):
    """Every item of a v2 list operation, following NextToken."""
    out, token = [], None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        out += page["Items"]
        token = page.get("NextToken")
        if not token:
            return out


def routes_by_key(client, api_id):
    return {r["RouteKey"]: r for r in items(client.get_routes, ApiId=api_id)}


def jwt_authorizer(client, api_id, name="PetsPoolJwt"):
    pets = S.SUMMARY["pools"]["PetsPool"]
    return client.create_authorizer(
        ApiId=api_id, Name=name, AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": f"https://cognito-idp.eu-west-1.amazonaws.com/{pets['id']}",
                          "Audience": [pets["clients"]["web"]]})


def bulk(name, routes, **extra):
    return S.control("/_sandbox/bulk-http-api",
                     {"region": "us-east-1", "name": name, "routes": routes, **extra})


@test
def http_seed_matches_brief():
    client = v2()
    apis = {a["Name"]: a for a in items(client.get_apis)}
    pets, manual, chat = apis["PetsHttp"], apis["ParcelsManual"], apis["PetsChat"]
    assert (pets["ApiId"], manual["ApiId"], chat["ApiId"]) == (
        http("PetsHttp")["id"], http("ParcelsManual")["id"], http("PetsChat")["id"])
    assert pets["ProtocolType"] == "HTTP" and chat["ProtocolType"] == "WEBSOCKET"
    assert pets["Description"] == "Gatehouse HTTP API scenario"
    assert pets["RouteSelectionExpression"] == "$request.method $request.path"
    assert pets["ApiEndpoint"] == f"https://{pets['ApiId']}.execute-api.us-east-1.amazonaws.com"
    assert chat["ApiEndpoint"] == f"wss://{chat['ApiId']}.execute-api.us-east-1.amazonaws.com"
    assert pets["CorsConfiguration"] == {"AllowOrigins": ["https://pets.example.com"],
                                         "AllowMethods": ["GET", "POST"],
                                         "AllowHeaders": ["authorization"]}
    stack = {"aws:cloudformation:stack-name": "pets-http-stack"}
    assert client.get_api(ApiId=pets["ApiId"])["Tags"] == stack
    arn = f"arn:aws:apigateway:us-east-1::/apis/{pets['ApiId']}"
    assert client.get_tags(ResourceArn=arn)["Tags"] == stack

    routes = routes_by_key(client, pets["ApiId"])
    assert set(routes) == {"GET /parcels", "POST /parcels", "OPTIONS /parcels",
                           "GET /parcels/{id}", "ANY /{proxy+}", "$default"}
    assert {k: r["RouteId"] for k, r in routes.items()} == http("PetsHttp")["routes"]
    target = f"integrations/{http('PetsHttp')['integration']}"
    for route in routes.values():
        assert route["AuthorizationType"] == "NONE" and route["Target"] == target, route
        assert "AuthorizerId" not in route and "AuthorizationScopes" not in route, route
    integration = client.get_integration(ApiId=pets["ApiId"],
                                         IntegrationId=http("PetsHttp")["integration"])
    assert (integration["IntegrationType"], integration["IntegrationUri"]) == (
        "HTTP_PROXY", "https://example.com")
    [stage] = client.get_stages(ApiId=pets["ApiId"])["Items"]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    assert stage["DeploymentId"] == http("PetsHttp")["deployment"]
    [deployment] = client.get_deployments(ApiId=pets["ApiId"])["Items"]
    assert deployment["AutoDeployed"] is True and deployment["DeploymentStatus"] == "DEPLOYED"

    assert set(routes_by_key(client, manual["ApiId"])) == {"GET /items", "DELETE /items/{id}"}
    stage = client.get_stage(ApiId=manual["ApiId"], StageName="prod")
    assert stage["AutoDeploy"] is False and stage["DeploymentId"] == http("ParcelsManual")[
        "deployment"] and "LastDeploymentStatusMessage" not in stage
    assert chat["RouteSelectionExpression"] == "$request.body.action"
    assert set(routes_by_key(client, chat["ApiId"])) == {"$connect", "$disconnect"}

    rest = {a["name"] for a in S.agw().get_rest_apis(limit=500)["items"]}
    assert not rest & {"PetsHttp", "ParcelsManual", "PetsChat"}, rest  # v1 lists REST only
    assert v2("us-west-2").get_apis()["Items"] == []
    assert v2("eu-west-1").get_apis()["Items"] == []


@test
def create_deployment_moves_the_stage():
    client = v2()
    api_id = http("ParcelsManual")["id"]
    before = client.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"]
    made = client.create_deployment(ApiId=api_id, StageName="prod", Description="by hand")
    assert made["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert made["DeploymentStatus"] == "DEPLOYED" and made["Description"] == "by hand"
    assert made["AutoDeployed"] is False and made["CreatedDate"] and made["DeploymentId"] != before
    assert client.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"] == made["DeploymentId"]
    assert [s["DeploymentId"] for s in client.get_stages(ApiId=api_id)["Items"]] == [
        made["DeploymentId"]]
    loose = client.create_deployment(ApiId=api_id)  # no stage: the stage stays where it is
    assert "Description" not in loose
    assert client.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"] == made["DeploymentId"]
    listed = [d["DeploymentId"] for d in items(client.get_deployments, ApiId=api_id)]
    assert listed[-2:] == [made["DeploymentId"], loose["DeploymentId"]] and before in listed
    got = client.get_deployment(ApiId=api_id, DeploymentId=made["DeploymentId"])
    assert got["Description"] == "by hand"

    pets = http("PetsHttp")["id"]
    status, code, msg = S.error_of(client.create_deployment, ApiId=pets, StageName="$default")
    assert (status, code) == (400, "BadRequestException"), (status, code)
    assert "AutoDeploy is enabled" in msg and "deployed automatically" in msg, msg
    for kwargs in ({"ApiId": "nope"}, {"ApiId": api_id, "StageName": "nope"}):
        assert S.error_of(client.create_deployment, **kwargs)[:2] == (404, "NotFoundException")
    assert S.error_of(client.get_deployments, ApiId="nope")[:2] == (404, "NotFoundException")
    assert S.error_of(client.get_deployment, ApiId=api_id, DeploymentId="nope")[:2] == (
        404, "NotFoundException")
    empty = client.create_api(Name="NoRoutes", ProtocolType="HTTP")
    assert empty["ResponseMetadata"]["HTTPStatusCode"] == 201  # AWS's codes, not moto's 200
    assert S.error_of(client.create_deployment, ApiId=empty["ApiId"]) == (
        400, "BadRequestException", "Unable to deploy API because no valid routes exist in this API")
    gone = client.delete_api(ApiId=empty["ApiId"])
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 204


@test
def auto_deploy_follows_every_change():
    client = v2()
    api_id = http("PetsHttp")["id"]
    route = http("PetsHttp")["routes"]["GET /parcels"]
    before = client.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"]
    client.update_route(ApiId=api_id, RouteId=route, OperationName="listParcels")
    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert stage["DeploymentId"] != before
    assert stage["LastDeploymentStatusMessage"] == (
        f"Successfully deployed stage with deployment ID '{stage['DeploymentId']}'")
    newest = items(client.get_deployments, ApiId=api_id)[-1]
    assert newest["DeploymentId"] == stage["DeploymentId"] and newest["AutoDeployed"] is True
    assert newest["Description"] == (
        "Automatic deployment triggered by changes to the Api configuration")
    # A refused change deploys nothing.
    S.error_of(client.update_route, ApiId=api_id, RouteId=route, AuthorizationType="JWT")
    assert client.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"] == stage[
        "DeploymentId"]

    made = bulk("AutoLater", 2, stage="live")  # manual stage, deployed once
    first = client.get_stage(ApiId=made["id"], StageName="live")
    assert first["AutoDeploy"] is False and first["DeploymentId"]
    switched = client.update_stage(ApiId=made["id"], StageName="live", AutoDeploy=True,
                                   Description="now automatic")
    assert switched["AutoDeploy"] is True and switched["DeploymentId"] != first["DeploymentId"]
    assert switched["Description"] == "now automatic"
    status, code, _ = S.error_of(client.update_stage, ApiId=made["id"], StageName="live",
                                 DeploymentId=first["DeploymentId"])
    assert (status, code) == (400, "BadRequestException")
    client.update_stage(ApiId=made["id"], StageName="live", AutoDeploy=False)
    back = client.update_stage(ApiId=made["id"], StageName="live",
                               DeploymentId=first["DeploymentId"])
    assert back["DeploymentId"] == first["DeploymentId"] and back["AutoDeploy"] is False
    assert S.error_of(client.update_stage, ApiId=made["id"], StageName="nope",
                      Description="x")[:2] == (404, "NotFoundException")


@test
def jwt_routes_read_back_as_aws_keeps_them():
    client = v2()
    api_id = http("PetsHttp")["id"]
    route = http("PetsHttp")["routes"]["POST /parcels"]
    auth = jwt_authorizer(client, api_id)
    listed = {a["AuthorizerId"]: a for a in items(client.get_authorizers, ApiId=api_id)}
    mine = listed[auth["AuthorizerId"]]
    pets = S.SUMMARY["pools"]["PetsPool"]
    assert mine["AuthorizerType"] == "JWT" and mine["Name"] == "PetsPoolJwt"
    assert mine["IdentitySource"] == ["$request.header.Authorization"]
    assert mine["JwtConfiguration"] == {
        "Issuer": f"https://cognito-idp.eu-west-1.amazonaws.com/{pets['id']}",
        "Audience": [pets["clients"]["web"]]}

    out = client.update_route(ApiId=api_id, RouteId=route, AuthorizationType="JWT",
                              AuthorizerId=auth["AuthorizerId"],
                              AuthorizationScopes=["pets/read", "pets/write"])
    assert (out["AuthorizationType"], out["AuthorizerId"], out["AuthorizationScopes"]) == (
        "JWT", auth["AuthorizerId"], ["pets/read", "pets/write"])
    got = routes_by_key(client, api_id)["POST /parcels"]
    assert got["AuthorizerId"] == auth["AuthorizerId"] and got["RouteId"] == route
    assert client.get_route(ApiId=api_id, RouteId=route)["AuthorizationScopes"] == [
        "pets/read", "pets/write"]

    refused = [  # (request, message start); nothing of it is applied
        ({"AuthorizerId": auth["AuthorizerId"]}, "Unable to update route. Authorizer type is"),
        ({"AuthorizationType": "JWT", "AuthorizerId": "nope"}, "Invalid authorizer ID"),
        ({"AuthorizationType": "CUSTOM", "AuthorizerId": auth["AuthorizerId"]}, "Authorizer '"),
        ({"AuthorizationType": "COGNITO_USER_POOLS"}, "Invalid authorization type"),
    ]
    for request, start in refused:
        status, code, msg = S.error_of(client.update_route, ApiId=api_id, RouteId=route,
                                       **request)
        assert (status, code) == (400, "BadRequestException") and msg.startswith(start), (
            request, msg)
    assert client.get_route(ApiId=api_id, RouteId=route)["AuthorizationType"] == "JWT"
    out = client.update_route(ApiId=api_id, RouteId=route, AuthorizationScopes=[])
    assert out["AuthorizationType"] == "JWT" and "AuthorizationScopes" not in out
    out = client.update_route(ApiId=api_id, RouteId=route, AuthorizationType="NONE")
    assert out["AuthorizationType"] == "NONE"
    assert "AuthorizerId" not in out and "AuthorizationScopes" not in out, out
    assert S.error_of(client.update_route, ApiId=api_id, RouteId="nope",
                      AuthorizationType="NONE")[:2] == (404, "NotFoundException")
    chat = http("PetsChat")
    chat_auth = jwt_authorizer(client, chat["id"], name="NotForSockets")
    status, code, msg = S.error_of(
        client.update_route, ApiId=chat["id"], RouteId=chat["routes"]["$connect"],
        AuthorizationType="JWT", AuthorizerId=chat_auth["AuthorizerId"])
    assert (status, code) == (400, "BadRequestException") and "WebSocket" in msg
    client.delete_authorizer(ApiId=chat["id"], AuthorizerId=chat_auth["AuthorizerId"])
    client.delete_authorizer(ApiId=api_id, AuthorizerId=auth["AuthorizerId"])


@test
def v2_lists_page_with_max_results_and_next_token():
    client = v2()
    made = bulk("Paged250", 250)
    first = client.get_routes(ApiId=made["id"])
    assert len(first["Items"]) == 100 and first["NextToken"]  # unasked: pages of 100
    assert len(client.get_routes(ApiId=made["id"], MaxResults="500")["Items"]) == 250
    pages = list(client.get_paginator("get_routes").paginate(
        ApiId=made["id"], PaginationConfig={"PageSize": 120}))
    assert [len(p["Items"]) for p in pages] == [120, 120, 10] and "NextToken" not in pages[-1]
    keys = [r["RouteKey"] for p in pages for r in p["Items"]]
    assert len(set(keys)) == 250 and keys[0] == "GET /r0001" and keys[-1] == "GET /r0250"
    for bad in ({"MaxResults": "0"}, {"MaxResults": "501"}, {"MaxResults": "many"},
                {"NextToken": "not-a-token"}):
        assert S.error_of(client.get_routes, ApiId=made["id"], **bad)[:2] == (
            400, "BadRequestException"), bad
    names = [a["Name"] for p in client.get_paginator("get_apis").paginate(
        PaginationConfig={"PageSize": 1}) for a in p["Items"]]
    assert {"PetsHttp", "ParcelsManual", "PetsChat", "Paged250"} <= set(names)
    assert len(names) == len(set(names))
    pets = http("PetsHttp")["id"]
    one = client.get_authorizers(ApiId=pets, MaxResults="1")
    assert one["Items"] == [] and "NextToken" not in one
    assert len(client.get_deployments(ApiId=pets, MaxResults="1")["Items"]) == 1


@test
def v2_calls_are_counted_apart_and_share_the_throttle():
    client, rest = v2(retry=False), S.agw(retry=False)
    api_id = http("ParcelsManual")["id"]
    route = http("ParcelsManual")["routes"]["GET /items"]
    S.control("/_sandbox/reset-stats", {})
    client.get_apis()
    client.get_routes(ApiId=api_id)
    client.update_route(ApiId=api_id, RouteId=route, AuthorizationType="NONE")
    client.get_stages(ApiId=api_id)
    arn = f"arn:aws:apigateway:us-east-1::/apis/{api_id}"
    client.tag_resource(ResourceArn=arn, Tags={"team": "parcels"})
    rest.get_rest_apis()
    rest.get_stages(restApiId=S.SUMMARY["apis"]["SecurePets"]["id"])
    assert S.control("/_sandbox/stats")["calls"] == {"apigateway": {
        "v2:GetApis": 1, "v2:GetRoutes": 1, "v2:UpdateRoute": 1, "v2:GetStages": 1,
        "v2:TagResource": 1, "GetRestApis": 1, "GetStages": 1}}

    S.control("/_sandbox/reset-stats", {})
    S.control("/_sandbox/config", {"throttle": {"rate": 2, "burst": 10}})
    try:
        codes = []
        for i in range(24):
            try:
                client.get_apis() if i % 2 else rest.get_rest_apis()
                codes.append(200)
            except botocore.exceptions.ClientError as exc:
                assert exc.response["Error"]["Code"] == "TooManyRequestsException"
                codes.append(exc.response["ResponseMetadata"]["HTTPStatusCode"])
        assert codes[:10] == [200] * 10 and codes.count(429) >= 10, codes  # one bucket
        throttled = S.control("/_sandbox/stats")["throttled"]["apigateway"]
        assert throttled.get("v2:GetApis") and throttled.get("GetRestApis"), throttled
        # REST and HTTP deployments share the deployment interval.
        S.control("/_sandbox/config", {"throttle": {"rate": 100, "burst": 100}})
        rest.create_deployment(restApiId=S.SUMMARY["apis"]["SecurePets"]["id"],
                               stageName="prod")
        status, code, _ = S.error_of(client.create_deployment, ApiId=api_id, StageName="prod")
        assert (status, code) == (429, "TooManyRequestsException")
        S.control("/_sandbox/config", {"throttle": {"rate": 100, "burst": 100}})
        client.create_deployment(ApiId=api_id, StageName="prod")
        status, code, _ = S.error_of(client.create_deployment, ApiId=api_id)
        assert (status, code) == (429, "TooManyRequestsException")
    finally:
        S.control("/_sandbox/config", {"throttle": None})
    client.get_apis()


@test
def update_route_faults():
    client = v2(retry=False)
    api_id = http("ParcelsManual")["id"]
    route = http("ParcelsManual")["routes"]["DELETE /items/{id}"]
    auth = jwt_authorizer(client, api_id)
    protect = {"ApiId": api_id, "RouteId": route, "AuthorizationType": "JWT",
               "AuthorizerId": auth["AuthorizerId"]}

    def auth_type():
        return client.get_route(ApiId=api_id, RouteId=route)["AuthorizationType"]

    S.control("/_sandbox/config", {"failure_rate": 1.0, "failure_operations": ["v2:UpdateRoute"],
                                   "seed": 3})
    try:
        status, code, _ = S.error_of(client.update_route, **protect)
        assert (status, code) in ((500, "InternalFailure"), (503, "ServiceUnavailableException"))
        assert auth_type() == "NONE"  # refused before moto saw it
    finally:
        S.control("/_sandbox/config", {"failure_rate": 0, "failure_operations": ["UpdateMethod"]})

    S.control("/_sandbox/config", {"lose_answers": {"v2:UpdateRoute": 1}})
    try:
        assert S.error_of(client.update_route, **protect)[:2] == (500, "InternalFailure")
    finally:
        S.control("/_sandbox/config", {"lose_answers": {}})
    assert auth_type() == "JWT"  # carried out all the same
    client.update_route(ApiId=api_id, RouteId=route, AuthorizationType="NONE")

    S.control("/_sandbox/config", {"race_update_route": 1})
    out = client.update_route(**protect)
    assert out["AuthorizationType"] == "AWS_IAM" and "AuthorizerId" not in out
    assert client.update_route(**protect)["AuthorizationType"] == "JWT"  # only the next one
    client.update_route(ApiId=api_id, RouteId=route, AuthorizationType="NONE")

    before = len(items(client.get_deployments, ApiId=api_id))
    S.control("/_sandbox/config", {"lose_answers": {"v2:CreateDeployment": 1}})
    try:
        assert S.error_of(client.create_deployment, ApiId=api_id, StageName="prod")[:2] == (
            500, "InternalFailure")
    finally:
        S.control("/_sandbox/config", {"lose_answers": {}})
    assert len(items(client.get_deployments, ApiId=api_id)) == before + 1

    S.control("/_sandbox/config", {"errors": {"v2:GetApis": [403, "AccessDeniedException",
                                                            "not allowed"]}})
    try:
        assert S.error_of(client.get_apis) == (403, "AccessDeniedException", "not allowed")
        S.agw().get_rest_apis()  # v1's listing is another operation
    finally:
        S.control("/_sandbox/config", {"errors": {}})
    for bad in ({"lose_answers": {"UpdateRoute": 1}}, {"failure_operations": ["GetRoutes"]},
                {"errors": {"UpdateMethdo": [500, "X", "y"]}}):
        status, body = S.control_error("/_sandbox/config", bad)
        assert status == 400 and "unknown operation" in body["message"], body
    assert "v2:UpdateRoute" in S.control_error(
        "/_sandbox/config", {"lose_answers": {"UpdateRoute": 1}})[1]["message"]
    assert S.control_error("/_sandbox/config", {"race_update_route": -1})[0] == 400
    client.delete_authorizer(ApiId=api_id, AuthorizerId=auth["AuthorizerId"])


@test
def bulk_http_api_is_built_server_side():
    started = time.monotonic()
    made = bulk("BulkHttp2000", 2000, stage="prod")
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"{elapsed:.2f}s"
    assert (made["routes"], made["stage"], made["name"]) == (2000, "prod", "BulkHttp2000")
    client = v2()
    routes = items(client.get_routes, ApiId=made["id"], MaxResults="500")
    assert len(routes) == 2000 and routes[-1]["RouteKey"] == "GET /r2000"
    assert all(r["AuthorizationType"] == "NONE" and r["Target"] == (
        f"integrations/{made['integration_id']}") for r in routes)
    assert client.get_stage(ApiId=made["id"], StageName="prod")["DeploymentId"]
    auto = bulk("BulkAuto", 3, stage="$default", auto_deploy=True)
    stage = client.get_stage(ApiId=auto["id"], StageName="$default")
    assert stage["AutoDeploy"] is True and stage["DeploymentId"]
    for bad in ({"routes": -1}, {"routes": 0, "stage": "prod"}, {"routes": 2, "auto_deploy": True}):
        status, body = S.control_error("/_sandbox/bulk-http-api", {"name": "Bad", **bad})
        assert status == 400 and body["message"], body
    out = subprocess.run(
        [sys.executable, os.path.join(S.HERE, "seed.py"), "bulk-http", "--endpoint", S.URL,
         "--name", "FromCli", "--routes", "5"], capture_output=True, text=True, check=True)
    made = json.loads(out.stdout)
    assert made["routes"] == 5 and len(items(client.get_routes, ApiId=made["id"])) == 5
