"""Gateway responses of a REST API (v1) as API Gateway answers them, installed by
patches.apply(). moto 5.2.5 lists only the responses that were put and answers 404 for
the others; AWS answers every response type, its default when none was put:

  {"responseType": T, "statusCode"?: default status (none for DEFAULT_4XX/DEFAULT_5XX),
   "defaultResponse": true, "responseParameters": {},
   "responseTemplates": {"application/json": "{\\"message\\":$context.error.messageString}"}}

A put (or updated) one: "defaultResponse": false, its statusCode (the type's default when
none was given), responseParameters and responseTemplates ({} when none). DELETE resets the
type to its default. UpdateGatewayResponse (moto: none) takes /statusCode, and
/responseParameters/NAME and /responseTemplates/TYPE (`~1` for `/`). Like methods, gateway
responses reach callers only through a deployment: CreateDeployment snapshots the customised
ones (snapshots.py). GetGatewayResponses does not page (AWS: "does not support pagination").
"""

import json
import re

from moto.apigateway import models as agw_models
from moto.apigateway.exceptions import BadRequestException
from moto.apigateway.responses import APIGatewayResponse

# Response type -> default status code (AWS's "Gateway response types" table).
DEFAULT_STATUS = {
    "DEFAULT_4XX": None, "DEFAULT_5XX": None, "RESOURCE_NOT_FOUND": "404",
    "UNAUTHORIZED": "401", "INVALID_API_KEY": "403", "ACCESS_DENIED": "403",
    "AUTHORIZER_FAILURE": "500", "AUTHORIZER_CONFIGURATION_ERROR": "500",
    "INVALID_SIGNATURE": "403", "EXPIRED_TOKEN": "403", "MISSING_AUTHENTICATION_TOKEN": "403",
    "INTEGRATION_FAILURE": "504", "INTEGRATION_TIMEOUT": "504",
    "API_CONFIGURATION_ERROR": "500", "UNSUPPORTED_MEDIA_TYPE": "415",
    "BAD_REQUEST_PARAMETERS": "400", "BAD_REQUEST_BODY": "400", "REQUEST_TOO_LARGE": "413",
    "THROTTLED": "429", "QUOTA_EXCEEDED": "429", "WAF_FILTERED": "403",
}
DEFAULT_TEMPLATES = {"application/json": '{"message":$context.error.messageString}'}
STATUS = re.compile(r"^[1-5]\d\d$")
PARAMETER_PREFIXES = ("gatewayresponse.header.", "gatewayresponse.path.",
                      "gatewayresponse.querystring.")


def _type_of(response):
    kind = response.path.rstrip("/").split("/")[-1]
    if kind not in DEFAULT_STATUS:
        raise BadRequestException(
            f"1 validation error detected: Value '{kind}' at 'responseType' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(DEFAULT_STATUS)}]")
    return kind


def _api(response):
    return response.backend.get_rest_api(response.path.split("/")[2])  # 404 when unknown


def default_json(kind):
    out = {"responseType": kind}
    if DEFAULT_STATUS[kind]:
        out["statusCode"] = DEFAULT_STATUS[kind]
    out.update(defaultResponse=True, responseParameters={},
               responseTemplates=dict(DEFAULT_TEMPLATES))
    return out


def response_json(api, kind):
    put = api.gateway_responses.get(kind)
    if put is None:
        return default_json(kind)
    out = {"responseType": kind}
    if put.status_code:
        out["statusCode"] = put.status_code
    out.update(defaultResponse=False, responseParameters=dict(put.response_parameters or {}),
               responseTemplates=dict(put.response_templates or {}))
    return out


def _checked(status, parameters, templates):
    if status is not None and not STATUS.match(str(status)):
        raise BadRequestException(f"Invalid status code specified: {status}")
    for name in parameters:
        if not name.startswith(PARAMETER_PREFIXES) or name.endswith("."):
            raise BadRequestException(f"Invalid mapping expression specified: {name}")
    for content_type, template in templates.items():
        if not isinstance(template, str):
            raise BadRequestException(f"Invalid template for content type {content_type}")
    return None if status is None else str(status)


def _store(api, kind, status, parameters, templates):
    api.gateway_responses[kind] = agw_models.GatewayResponse(
        response_type=kind, status_code=status, response_parameters=dict(parameters),
        response_templates=dict(templates))


def get_gateway_responses(self):
    api = _api(self)
    return 200, {}, json.dumps({"item": [response_json(api, k) for k in DEFAULT_STATUS]})


def get_gateway_response(self):
    kind = _type_of(self)
    return 200, {}, json.dumps(response_json(_api(self), kind))


def put_gateway_response(self):
    kind, api = _type_of(self), _api(self)
    body = json.loads(self.body or "{}")
    parameters = body.get("responseParameters") or {}
    templates = body.get("responseTemplates") or {}
    status = _checked(body.get("statusCode", DEFAULT_STATUS[kind]), parameters, templates)
    _store(api, kind, status, parameters, templates)
    return 201, {"status": 201}, json.dumps(response_json(api, kind))


def _unescape(member):
    return member.replace("~1", "/").replace("~0", "~")


def update_gateway_response(self):
    kind, api = _type_of(self), _api(self)
    now = response_json(api, kind)
    status = now.get("statusCode")
    parameters, templates = dict(now["responseParameters"]), dict(now["responseTemplates"])
    for op in json.loads(self.body or "{}").get("patchOperations") or []:
        verb, path, value = op.get("op"), op.get("path") or "", op.get("value")
        if path == "/statusCode" and verb == "replace":
            status = value
        elif path.startswith(("/responseParameters/", "/responseTemplates/")):
            target = parameters if path.startswith("/responseParameters/") else templates
            member = _unescape(path.split("/", 2)[2])
            if verb in ("add", "replace"):
                target[member] = value
            elif verb == "remove":
                target.pop(member, None)
            else:
                raise BadRequestException(f"Invalid patch operation specified: {verb}")
        else:
            raise BadRequestException(f"Invalid patch path {path}")
    _store(api, kind, _checked(status, parameters, templates), parameters, templates)
    return 200, {}, json.dumps(response_json(api, kind))


def delete_gateway_response(self):
    kind, api = _type_of(self), _api(self)
    api.gateway_responses.pop(kind, None)
    return 202, {"status": 202}, "{}"


def apply():
    """Install the gateway response handlers (called once by patches.apply())."""
    response = APIGatewayResponse
    response.get_gateway_responses = get_gateway_responses
    response.get_gateway_response = get_gateway_response
    response.put_gateway_response = put_gateway_response
    response.update_gateway_response = update_gateway_response
    response.delete_gateway_response = delete_gateway_response
