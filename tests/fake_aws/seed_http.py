"""The scenario's HTTP and WebSocket APIs (API Gateway v2, us-east-1), used by seed.py.

Every builder takes a boto3 `apigatewayv2` client and returns its part of the summary:
{"id", "protocol", "endpoint", "integration", "routes": {route key: route id}, ...}.
"""

PETS_HTTP_TAGS = {"aws:cloudformation:stack-name": "pets-http-stack"}
PETS_HTTP_ROUTES = ("GET /parcels", "POST /parcels", "OPTIONS /parcels", "GET /parcels/{id}",
                    "ANY /{proxy+}", "$default")
PARCELS_MANUAL_ROUTES = ("GET /items", "DELETE /items/{id}")
PETS_CHAT_ROUTES = ("$connect", "$disconnect")


def _proxy_integration(v2, api_id):
    return v2.create_integration(
        ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
        IntegrationUri="https://example.com", PayloadFormatVersion="1.0")["IntegrationId"]


def _routes(v2, api_id, keys, integration_id):
    """Route key -> route id; every route NONE, targeting the integration."""
    return {key: v2.create_route(ApiId=api_id, RouteKey=key, AuthorizationType="NONE",
                                 Target=f"integrations/{integration_id}")["RouteId"]
            for key in keys}


def pets_http(v2):
    """PetsHttp: six open routes, CORS, stage $default with AutoDeploy, a CloudFormation tag."""
    api = v2.create_api(
        Name="PetsHttp", ProtocolType="HTTP", Description="Gatehouse HTTP API scenario",
        CorsConfiguration={"AllowOrigins": ["https://pets.example.com"],
                           "AllowMethods": ["GET", "POST"],
                           "AllowHeaders": ["authorization"]},
        Tags=PETS_HTTP_TAGS)
    api_id = api["ApiId"]
    integration = _proxy_integration(v2, api_id)
    routes = _routes(v2, api_id, PETS_HTTP_ROUTES, integration)
    # Created after the routes, so its first automatic deployment holds all of them.
    stage = v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return {"id": api_id, "protocol": "HTTP", "endpoint": api["ApiEndpoint"],
            "integration": integration, "routes": routes, "stage": "$default",
            "auto_deploy": True, "deployment": stage["DeploymentId"],
            "tags": PETS_HTTP_TAGS}


def parcels_manual(v2):
    """ParcelsManual: two open routes, stage prod without AutoDeploy, deployed once."""
    api = v2.create_api(Name="ParcelsManual", ProtocolType="HTTP",
                        Description="HTTP API deployed by hand")
    api_id = api["ApiId"]
    integration = _proxy_integration(v2, api_id)
    routes = _routes(v2, api_id, PARCELS_MANUAL_ROUTES, integration)
    v2.create_stage(ApiId=api_id, StageName="prod", AutoDeploy=False)
    deployment = v2.create_deployment(ApiId=api_id, StageName="prod", Description="seed")
    return {"id": api_id, "protocol": "HTTP", "endpoint": api["ApiEndpoint"],
            "integration": integration, "routes": routes, "stage": "prod",
            "auto_deploy": False, "deployment": deployment["DeploymentId"]}


def pets_chat(v2):
    """PetsChat: a WebSocket API with $connect and $disconnect (MOCK), no stage."""
    api = v2.create_api(Name="PetsChat", ProtocolType="WEBSOCKET",
                        RouteSelectionExpression="$request.body.action")
    api_id = api["ApiId"]
    integration = v2.create_integration(ApiId=api_id, IntegrationType="MOCK")["IntegrationId"]
    return {"id": api_id, "protocol": "WEBSOCKET", "endpoint": api["ApiEndpoint"],
            "integration": integration,
            "routes": _routes(v2, api_id, PETS_CHAT_ROUTES, integration)}
