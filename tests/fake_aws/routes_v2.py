"""Route protection of HTTP and WebSocket APIs (API Gateway v2): UpdateRoute and
CreateRoute as AWS checks them (moto 5.2.5 kept the old authorizer and scopes
after NONE, could not clear scopes, took any authorizer id), the UpdateRoute race
switch, and the request helpers the v2 patches share. Installed by patches_v2.apply().
"""

import functools
import json

from moto.apigatewayv2.exceptions import BadRequestException

AUTHORIZER_TYPE_NULL = "Unable to update route. Authorizer type is invalid or null."
ROUTE_AUTH_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "JWT")
# Authorizer types each route authorization type needs.
AUTHORIZER_FOR = {"JWT": "JWT", "CUSTOM": "REQUEST"}

# The next RACE["left"] UpdateRoute calls are overtaken by "another writer" that sets the route
# to AWS_IAM right after the change and before the answer (tests of the answer check).
RACE = {"left": 0}


def json_body(response):
    try:
        return json.loads(response.body or "{}")
    except ValueError:
        raise BadRequestException("Could not parse request body into json")


def api_of(response):
    """The moto Api of a /v2/apis/{apiId}/... request (404 when unknown)."""
    return response.apigatewayv2_backend.get_api(response.path.split("/")[3])


def check_route_auth(api, auth_type, authorizer_id):
    """Raise BadRequestException unless a route of `api` may have this protection."""
    if auth_type not in ROUTE_AUTH_TYPES:
        raise BadRequestException(
            f"Invalid authorization type specified: {auth_type}. "
            f"Must be one of: [{', '.join(ROUTE_AUTH_TYPES)}]")
    if auth_type == "JWT" and api.protocol_type == "WEBSOCKET":
        raise BadRequestException("JWT authorizers are not supported for WebSocket APIs")
    wanted = AUTHORIZER_FOR.get(auth_type)
    if wanted is None:
        return
    authorizer = api.authorizers.get(authorizer_id) if authorizer_id else None
    if authorizer is None:
        raise BadRequestException(
            f"Invalid authorizer ID specified: {authorizer_id or 'none'}. Authorization type "
            f"{auth_type} requires the ID of a {wanted} authorizer of this API")
    if authorizer.authorizer_type != wanted:
        raise BadRequestException(
            f"Authorizer '{authorizer_id}' is of type {authorizer.authorizer_type}; "
            f"authorization type {auth_type} requires a {wanted} authorizer")


def _protection(route, auth_type, authorizer_id, scopes):
    """Set a route's protection; NONE and AWS_IAM take neither authorizer nor scopes."""
    if auth_type in ("NONE", "AWS_IAM"):
        authorizer_id, scopes = None, None
    route.authorization_type = auth_type
    route.authorizer_id = authorizer_id or None
    route.authorization_scopes = list(scopes) if scopes else None


def update_route(self):
    """PATCH /v2/apis/{apiId}/routes/{routeId}. AuthorizerId needs AuthorizationType in the
    same request (AWS: "Authorizer type is invalid or null"); JWT and CUSTOM need an
    authorizer of the API of type JWT, resp. REQUEST; NONE and AWS_IAM drop the authorizer and
    the scopes; AuthorizationScopes [] clears them. Checked before anything is applied."""
    api = api_of(self)
    route = api.get_route(self.path.split("/")[5])  # 404 NotFoundException when unknown
    body = json_body(self)
    if body.get("authorizerId") and not body.get("authorizationType"):
        raise BadRequestException(AUTHORIZER_TYPE_NULL)
    auth_type = body.get("authorizationType") or route.authorization_type or "NONE"
    authorizer_id = body.get("authorizerId", route.authorizer_id)
    scopes = body.get("authorizationScopes", route.authorization_scopes)
    check_route_auth(api, auth_type, authorizer_id)
    route.update(
        api_key_required=body.get("apiKeyRequired"), authorization_scopes=None,
        authorization_type=None, authorizer_id=None,
        model_selection_expression=body.get("modelSelectionExpression"),
        operation_name=body.get("operationName"), request_models=body.get("requestModels"),
        request_parameters=body.get("requestParameters"), route_key=body.get("routeKey"),
        route_response_selection_expression=body.get("routeResponseSelectionExpression"),
        target=body.get("target"))
    _protection(route, auth_type, authorizer_id, scopes)
    if RACE["left"] > 0:
        RACE["left"] -= 1
        _protection(route, "AWS_IAM", None, None)
    return 200, {}, json.dumps(route.to_json())


def wrap_create_route(original):
    @functools.wraps(original)
    def create_route(self):
        api, body = api_of(self), json_body(self)
        auth_type = body.get("authorizationType") or "NONE"
        check_route_auth(api, auth_type, body.get("authorizerId"))
        status, headers, raw = original(self)
        route = api.routes[json.loads(raw)["routeId"]]
        _protection(route, auth_type, body.get("authorizerId"),
                    body.get("authorizationScopes"))
        return status, headers, json.dumps(route.to_json())

    return create_route
