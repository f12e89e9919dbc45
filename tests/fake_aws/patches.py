"""Fixes and additions to moto 5.2.5, applied in-process by `apply()`.

moto's request handlers are methods of `APIGatewayResponse`; moto looks a
handler up by name (`UpdateMethod` -> `update_method`) on every request, so
adding or wrapping a method on that class is enough. `apply()` must run before
the server answers its first request.

What is changed (see README.md; paging lives in pagination.py, the Cognito
fixes in patches_cognito.py, HTTP/WebSocket API (v2) fixes in patches_v2.py
and routes_v2.py, REST deployments, stages, canaries and GetExport in patches_stages.py,
gateway responses in gateway_responses.py, the tags CloudFormation stacks put on their
REST APIs in patches_stacks.py):
  * UpdateMethod: new, with AWS's patch semantics and validation.
  * PutMethod: 409 ConflictException when the method exists; authorizer checks.
  * CreateAuthorizer keeps identityValidationExpression; UpdateAuthorizer
    handles /providerARNs and `remove`.
  * DeleteAuthorizer: 404 for unknown ids; 409 while a method uses it.
  * GetRestApis / GetResources / GetAuthorizers: `limit` + `position` paging;
    GetResources honours `embed=methods`.
  * Method JSON omits null members (AWS never sends nulls).
  * ListUserPools: MaxResults must be 1..60 (as AWS).
  * CreateUserPool: the pool's fixed signing key is parsed once, not per pool
    (moto spends ~0.15 s per pool re-deriving the same RSA key).
  * TestInvokeAuthorizer (moto: 500 "not implemented"): COGNITO_USER_POOLS
    authorizers only, checking the token as AWS does (tokens.py).
  * InitiateAuth / AdminInitiateAuth: the password flows must be among the
    client's ExplicitAuthFlows; a wrong password reads as Cognito's.
  * Request dispatch: two per-request lookups cached (patches_speed.py).
"""

import functools
import json
import time

from moto.apigateway import models as agw_models
from moto.apigateway.exceptions import (
    AuthorizerNotFoundException,
    BadRequestException,
    ConflictException,
    MethodNotFoundException,
    ResourceIdNotFoundException,
)
from moto.apigateway.responses import APIGatewayResponse
from moto.cognitoidp import models as idp_models
from moto.cognitoidp.responses import CognitoIdpResponse

import gateway_responses
import pagination
import patches_speed
import patches_stacks
import patches_stages
import patches_v2
import tokens
from patches_cognito import cached_jwk_module, wrap_auth_flow_checks, wrap_list_user_pools

AUTH_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
# Authorizer types each method authorization type accepts.
AUTHORIZER_TYPES_FOR = {
    "COGNITO_USER_POOLS": ("COGNITO_USER_POOLS",),
    "CUSTOM": ("TOKEN", "REQUEST"),
}
INVALID_AUTHORIZER = (
    "Invalid authorizer ID specified. Setting the authorization type to "
    "CUSTOM or COGNITO_USER_POOLS requires a valid authorizer."
)

# --------------------------------------------------------------------------
# helpers


def _drop_nulls(value):
    """Recursively remove None members from dicts (AWS omits absent members)."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _method_path_ids(path):
    """('/restapis/A/resources/R/methods/GET') -> (A, R, GET)."""
    parts = path.split("/")
    return parts[2], parts[4], parts[6]


def _find_method(backend, api_id, resource_id, verb):
    api = backend.get_rest_api(api_id)  # 404 NotFoundException if unknown
    resource = api.resources.get(resource_id)
    if resource is None:
        raise ResourceIdNotFoundException()
    method = resource.resource_methods.get(verb)
    if method is None:
        raise MethodNotFoundException()
    return api, resource, method


def check_authorizer(api, auth_type, authorizer_id):
    """Raise BadRequestException unless (auth_type, authorizer_id) is a valid
    combination for `api`, as API Gateway checks on PutMethod/UpdateMethod."""
    if auth_type is not None and auth_type not in AUTH_TYPES:
        raise BadRequestException(
            f"Invalid authorization type specified: {auth_type}. "
            f"Must be one of: [{', '.join(AUTH_TYPES)}]"
        )
    wanted = AUTHORIZER_TYPES_FOR.get(auth_type)
    if wanted is None:
        return
    authorizer = api.authorizers.get(authorizer_id) if authorizer_id else None
    if authorizer is None:
        raise BadRequestException(INVALID_AUTHORIZER)
    if authorizer.type not in wanted:
        raise BadRequestException(
            f"Invalid authorizer ID specified. Authorizer '{authorizer_id}' is of "
            f"type {authorizer.type}; authorization type {auth_type} requires an "
            f"authorizer of type {' or '.join(wanted)}."
        )


def _json_body(response):
    try:
        return json.loads(response.body or "{}")
    except ValueError:
        raise BadRequestException("Could not parse request body into json")


# --------------------------------------------------------------------------
# UpdateMethod

# Which ops AWS accepts on each method path this sandbox supports.
_METHOD_PATCH_OPS = {
    "/authorizationType": ("replace",),
    "/authorizerId": ("replace",),
    "/authorizationScopes": ("add", "remove", "replace"),
    "/apiKeyRequired": ("replace",),
    "/operationName": ("replace",),
}


def apply_method_patch(method, operations):
    """Compute the method's new protection fields from patch operations.
    Returns a dict; does not modify `method`."""
    state = {
        "authorization_type": method.authorization_type,
        "authorizer_id": method.authorizer_id,
        "authorization_scopes": list(method.authorization_scopes or []),
        "api_key_required": bool(method.api_key_required),
        "operation_name": method.operation_name,
    }
    for op in operations:
        verb, path, value = op.get("op"), op.get("path"), op.get("value")
        allowed = _METHOD_PATCH_OPS.get(path)
        if allowed is None:
            raise BadRequestException(f"Invalid patch path {path}")
        if verb not in allowed:
            raise BadRequestException(
                "Invalid patch operation specified. Must be one of: "
                f"[{', '.join(allowed)}]"
            )
        if path == "/authorizationType":
            if value not in AUTH_TYPES:
                raise BadRequestException(
                    f"Invalid authorization type specified: {value}. "
                    f"Must be one of: [{', '.join(AUTH_TYPES)}]"
                )
            state["authorization_type"] = value
        elif path == "/authorizerId":
            state["authorizer_id"] = value or None
        elif path == "/apiKeyRequired":
            if str(value).lower() not in ("true", "false"):
                raise BadRequestException(f"Invalid boolean value: {value}")
            state["api_key_required"] = str(value).lower() == "true"
        elif path == "/operationName":
            state["operation_name"] = value or None
        else:  # /authorizationScopes: `value` is one scope
            scopes = state["authorization_scopes"]
            if verb == "add":
                if not value:
                    raise BadRequestException("Invalid scope value: empty")
                if value not in scopes:
                    scopes.append(value)
            elif verb == "remove":
                if value is None:
                    scopes.clear()
                elif value in scopes:
                    scopes.remove(value)
            else:  # replace: the list becomes this one scope (or empty)
                scopes[:] = [value] if value else []
    if state["authorization_type"] in ("NONE", "AWS_IAM"):
        # Neither type takes an authorizer nor OAuth scopes: AWS drops them.
        state["authorizer_id"] = None
        state["authorization_scopes"] = []
    state["authorization_scopes"] = state["authorization_scopes"] or None
    return state


# The next RACE["left"] UpdateMethod calls are overtaken by "another writer" that sets the method
# to AWS_IAM right after the change and before the answer (tests of the answer check).
RACE = {"left": 0}


def update_method(self):
    """PATCH /restapis/{api}/resources/{rid}/methods/{verb} (UpdateMethod)."""
    api_id, resource_id, verb = _method_path_ids(self.path)
    api, _, method = _find_method(self.backend, api_id, resource_id, verb)
    operations = _json_body(self).get("patchOperations") or []
    state = apply_method_patch(method, operations)
    check_authorizer(api, state["authorization_type"], state["authorizer_id"])
    for field, value in state.items():  # all checks passed: commit at once
        setattr(method, field, value)
    if RACE["left"] > 0:
        RACE["left"] -= 1
        method.authorization_type, method.authorizer_id = "AWS_IAM", None
        method.authorization_scopes = None
    return 200, {}, json.dumps(method.to_json())


# --------------------------------------------------------------------------
# PutMethod / DeleteAuthorizer


def _wrap_put_method(original):
    @functools.wraps(original)
    def put_method(self):
        api_id, resource_id, verb = _method_path_ids(self.path)
        api = self.backend.get_rest_api(api_id)
        resource = api.resources.get(resource_id)
        if resource is None:
            raise ResourceIdNotFoundException()
        if verb in resource.resource_methods:
            raise ConflictException("Method already exists for this resource")
        body = _json_body(self)
        auth_type = body.get("authorizationType")
        check_authorizer(api, auth_type, body.get("authorizerId"))
        status, headers, _ = original(self)
        method = resource.resource_methods[verb]
        if auth_type in ("NONE", "AWS_IAM"):
            method.authorizer_id = None
            method.authorization_scopes = None
        return status, headers, json.dumps(method.to_json())

    return put_method


def methods_using(api, authorizer_id):
    """['GET//pets', ...]: methods of `api` that reference the authorizer,
    spelled as AWS spells them in its refusal message (verb + '/' + path)."""
    refs = []
    for resource in api.resources.values():
        for verb, method in resource.resource_methods.items():
            if method.authorizer_id == authorizer_id:
                refs.append(f"{verb}/{resource.get_path()}")
    return sorted(refs)


def delete_authorizer(self):
    parts = self.path.split("/")
    api = self.backend.get_rest_api(parts[2])
    authorizer = api.authorizers.get(parts[4])
    if authorizer is None:
        raise AuthorizerNotFoundException()
    refs = methods_using(api, authorizer.id)
    if refs:
        raise ConflictException(
            f"Cannot delete authorizer '{authorizer.name}', is referenced in "
            f"method: {', '.join(refs)}"
        )
    del api.authorizers[authorizer.id]
    return 202, {"status": 202}, "{}"


# --------------------------------------------------------------------------
# TestInvokeAuthorizer


def _identity_header(authorizer):
    """'method.request.header.Authorization' -> 'Authorization' (AWS's default source)."""
    source = (authorizer.identity_source or "").split(",")[0].strip()
    prefix = "method.request.header."
    return source[len(prefix):] if source.startswith(prefix) else "Authorization"


def test_invoke_authorizer(self):
    """POST /restapis/{api}/authorizers/{id}: what a COGNITO_USER_POOLS authorizer makes of
    the request's token. The token is taken as it is (AWS strips no "Bearer " prefix)."""
    started = time.monotonic()
    parts = self.path.split("/")
    authorizer = self.backend.get_rest_api(parts[2]).authorizers.get(parts[4])
    if authorizer is None:
        raise AuthorizerNotFoundException()
    if authorizer.type != "COGNITO_USER_POOLS":
        raise BadRequestException("only COGNITO_USER_POOLS authorizers can be tested here")
    body = _json_body(self)
    wanted = _identity_header(authorizer).lower()
    headers = {k.lower(): v for k, v in (body.get("multiValueHeaders") or {}).items() if v}
    headers = {k: v[0] for k, v in headers.items()}
    headers.update({k.lower(): v for k, v in (body.get("headers") or {}).items()})
    claims, why = tokens.check_for_cognito_authorizer(
        headers.get(wanted), authorizer.provider_arns, authorizer.identity_validation_expression)
    verdict = "Authorized request" if why is None else f"Unauthorized request: {why}"
    answer = {
        "clientStatus": 200 if why is None else 401,
        "log": f"Starting authorizer: {authorizer.id} ({authorizer.name})\n{verdict}",
        "latency": int((time.monotonic() - started) * 1000),
        "claims": claims or {},
    }
    return 200, {}, json.dumps(answer)


# --------------------------------------------------------------------------
# Authorizer model fixes


def _wrap_authorizer_init(original):
    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        # moto's RestAPI.create_authorizer passes the misspelt keyword.
        misspelt = kwargs.pop("identiy_validation_expression", None)
        if misspelt and not kwargs.get("identity_validation_expression"):
            kwargs["identity_validation_expression"] = misspelt
        original(self, *args, **kwargs)

    return __init__


def _wrap_authorizer_apply(original):
    @functools.wraps(original)
    def apply_operations(self, patch_operations):
        rest = []
        for op in patch_operations:
            path, verb, value = op.get("path", ""), op.get("op"), op.get("value")
            if path.startswith("/providerARNs"):
                arns = list(self.provider_arns or [])
                # the ARN may be in `value` or appended to the path
                arn = value or path[len("/providerARNs/"):] or None
                if verb == "add" and arn and arn not in arns:
                    arns.append(arn)
                elif verb == "remove":
                    arns = [a for a in arns if arn and a != arn]
                elif verb == "replace":
                    arns = [arn] if arn else []
                self.provider_arns = arns or None
            elif verb == "remove" and path == "/identityValidationExpression":
                self.identity_validation_expression = None
            elif path == "/identityValidationExpression":
                self.identity_validation_expression = value or None
            else:
                rest.append(op)
        return original(self, rest)

    return apply_operations


# --------------------------------------------------------------------------

_applied = False


def apply():
    """Install every patch once (idempotent)."""
    global _applied
    if _applied:
        return
    _applied = True

    # AWS refuses to deploy a method without an integration with a 400 BadRequestException;
    # moto answers 404 NotFoundException.
    from moto.apigateway import exceptions as agw_exceptions

    def _no_integration_init(self):
        agw_exceptions.ApiGatewayException.__init__(
            self, "BadRequestException", "No integration defined for method")
    agw_exceptions.NoIntegrationDefined.__init__ = _no_integration_init
    agw_exceptions.NoIntegrationDefined.code = 400

    original_to_json = agw_models.Method.to_json
    agw_models.Method.to_json = lambda self: _drop_nulls(original_to_json(self))

    agw_models.Authorizer.__init__ = _wrap_authorizer_init(
        agw_models.Authorizer.__init__)
    agw_models.Authorizer.apply_operations = _wrap_authorizer_apply(
        agw_models.Authorizer.apply_operations)

    APIGatewayResponse.update_method = update_method
    APIGatewayResponse.put_method = _wrap_put_method(APIGatewayResponse.put_method)
    APIGatewayResponse.delete_authorizer = delete_authorizer
    APIGatewayResponse.test_invoke_authorizer = test_invoke_authorizer
    APIGatewayResponse.get_rest_apis = pagination.get_rest_apis
    APIGatewayResponse.get_resources = pagination.get_resources
    APIGatewayResponse.get_authorizers = pagination.get_authorizers

    patches_stages.apply()
    gateway_responses.apply()
    patches_v2.apply()
    patches_stacks.apply()
    patches_speed.apply()

    CognitoIdpResponse.list_user_pools = wrap_list_user_pools(
        CognitoIdpResponse.list_user_pools)
    idp_models.jwk = cached_jwk_module(idp_models.jwk)
    CognitoIdpResponse.initiate_auth, CognitoIdpResponse.admin_initiate_auth = (
        wrap_auth_flow_checks(CognitoIdpResponse.initiate_auth,
                              CognitoIdpResponse.admin_initiate_auth))
