"""ExportApi of an HTTP API (API Gateway v2; moto 5.2.5: no such path):
GET /v2/apis/{apiId}/exports/OAS30?outputType=JSON|YAML[&stageName=S][&includeExtensions=
true|false][&exportVersion=1.0] -> an OpenAPI 3.0 document. With stageName, what that stage
serves: the snapshot of its deployment (snapshots.py); without, the API as it is now ("the
latest API configuration", as the reference says). Shapes as API Gateway exports them:

* paths: route "GET /parcels" -> paths["/parcels"]["get"], "ANY /x" ->
  "x-amazon-apigateway-any-method", "$default" -> paths["/$default"]
  ["x-amazon-apigateway-any-method"] with "isDefaultRoute": true; each operation has
  responses.default.description "Default response for ROUTE KEY", `security` with the
  route's scopes (JWT: [{"AuthorizerName": ["scope", ...]}], AWS_IAM: [{"sigv4": []}],
  CUSTOM: [{"AuthorizerName": []}]) and x-amazon-apigateway-integration of its target;
* components.securitySchemes: JWT authorizers as {"type": "oauth2", "flows": {},
  "x-amazon-apigateway-authorizer": {"identitySource": "$request.header.Authorization",
  "jwtConfiguration": {"audience": [...], "issuer": "..."}, "type": "jwt"}}, Lambda (REQUEST)
  ones as apiKey schemes, "sigv4" when a route uses AWS_IAM;
* info.version: the deployment's creation time (the export's, without stageName) as
  "YYYY-MM-DD HH:MM:SSUTC"; servers' basePath default: "" for $default, else the stage name;
* includeExtensions=false drops every x-amazon-apigateway-* member (default: included).
"""

import datetime
import json
from urllib.parse import unquote

import yaml
from moto.apigatewayv2.exceptions import APIGatewayV2Error, BadRequestException

import snapshots
from routes_v2 import api_of

PREFIX = "x-amazon-apigateway-"


class NotFound(APIGatewayV2Error):
    code = 404

    def __init__(self, message):
        super().__init__("NotFoundException", message)


def _version(created):
    """'2024-05-01T10:00:00Z' (v2 createdDate) -> '2024-05-01 10:00:00UTC'."""
    return created.replace("T", " ").replace("Z", "UTC")


def _scheme(authorizer):
    extension = snapshots.drop_nulls({
        "identitySource": ", ".join(authorizer.get("identitySource") or []) or None,
        "authorizerUri": authorizer.get("authorizerUri"),
        "authorizerCredentials": authorizer.get("authorizerCredentialsArn"),
        "authorizerPayloadFormatVersion": authorizer.get("authorizerPayloadFormatVersion"),
        "authorizerResultTtlInSeconds": authorizer.get("authorizerResultTtlInSeconds"),
        "enableSimpleResponses": authorizer.get("enableSimpleResponses"),
        "type": authorizer.get("authorizerType", "").lower(),
    })
    if authorizer.get("authorizerType") == "JWT":
        config = authorizer.get("jwtConfiguration") or {}
        extension["jwtConfiguration"] = snapshots.drop_nulls(
            {"audience": list(config.get("audience") or []), "issuer": config.get("issuer")})
        extension = {k: extension[k] for k in ("identitySource", "jwtConfiguration", "type")
                     if k in extension}
        return {"type": "oauth2", "flows": {}, PREFIX + "authorizer": extension}
    sources = authorizer.get("identitySource") or []
    header = "$request.header."
    name = sources[0][len(header):] if len(sources) == 1 and sources[0].startswith(header) else (
        "Unused")
    return {"type": "apiKey", "name": name, "in": "header", PREFIX + "authorizer": extension}


def _integration(integration):
    return snapshots.drop_nulls({
        "payloadFormatVersion": integration.get("payloadFormatVersion"),
        "type": (integration.get("integrationType") or "").lower() or None,
        "httpMethod": integration.get("integrationMethod"),
        "uri": integration.get("integrationUri"),
        "connectionType": integration.get("connectionType"),
    })


def _operation(route_key, route, snapshot):
    operation = {"responses": {"default": {"description": f"Default response for {route_key}"}}}
    if route_key == "$default":
        operation = {"isDefaultRoute": True, **operation}
    if route.get("operationName"):
        operation["operationId"] = route["operationName"]
    kind = route["authorizationType"]
    authorizer = snapshot["authorizers"].get(route.get("authorizerId") or "")
    if kind in ("JWT", "CUSTOM") and authorizer is not None:
        operation["security"] = [{authorizer["name"]: list(route.get("authorizationScopes") or [])}]
    elif kind == "AWS_IAM":
        operation["security"] = [{"sigv4": []}]
    target = route.get("target") or ""
    integration = snapshot["integrations"].get(target[len("integrations/"):]) if (
        target.startswith("integrations/")) else None
    if integration is not None:
        operation[PREFIX + "integration"] = _integration(integration)
    return operation


def _place(route_key):
    """(path, method key) of a route key in an OpenAPI document."""
    if route_key == "$default":
        return "/$default", PREFIX + "any-method"
    verb, _, path = route_key.partition(" ")
    return path or "/", PREFIX + "any-method" if verb == "ANY" else verb.lower()


def document(api, snapshot, stage_name, version, region):
    paths, uses_iam = {}, False
    for route_key, route in snapshot["routes"].items():
        path, key = _place(route_key)
        paths.setdefault(path, {})[key] = _operation(route_key, route, snapshot)
        uses_iam |= route["authorizationType"] == "AWS_IAM"
    info = {"title": api.name}
    if api.description:
        info["description"] = api.description
    info["version"] = version
    out = {"openapi": "3.0.1", "info": info}
    if stage_name is not None:
        base = "" if stage_name == "$default" else stage_name
        out["servers"] = [{"url": f"https://{api.api_id}.execute-api.{region}.amazonaws.com/"
                                  "{basePath}", "variables": {"basePath": {"default": base}}}]
    out["paths"] = paths
    schemes = {a["name"]: _scheme(a) for a in snapshot["authorizers"].values()}
    if uses_iam:
        schemes["sigv4"] = {"type": "apiKey", "name": "Authorization", "in": "header",
                            PREFIX + "authtype": "awsSigv4"}
    if schemes:
        out["components"] = {"securitySchemes": schemes}
    if snapshot.get("cors"):
        out[PREFIX + "cors"] = snapshot["cors"]
    out[PREFIX + "importexport-version"] = "1.0"
    return out


def without_extensions(value):
    if isinstance(value, dict):
        return {k: without_extensions(v) for k, v in value.items() if not k.startswith(PREFIX)}
    if isinstance(value, list):
        return [without_extensions(v) for v in value]
    return value


def _param(response, name, default=None):
    return (response.querystring.get(name) or [default])[0]


def export_api(self):
    """GET /v2/apis/{apiId}/exports/{specification}."""
    api = api_of(self)  # 404 NotFoundException when unknown
    specification = unquote(self.path.split("/")[5])
    if specification != "OAS30":
        raise BadRequestException(
            f"Invalid specification {specification}: OAS30 is the only supported value")
    output = _param(self, "outputType")
    if output not in ("JSON", "YAML"):
        raise BadRequestException(f"Invalid outputType {output}: must be JSON or YAML")
    if api.protocol_type != "HTTP":
        raise BadRequestException("Only HTTP APIs can be exported")
    stage_name = _param(self, "stageName")
    if stage_name:
        stage = api.stages.get(stage_name)
        if stage is None:
            raise NotFound(f"Invalid stage identifier specified: {stage_name}")
        deployment_id = getattr(stage, "deployment_id", None)
        snapshot = deployment_id and snapshots.v2_snapshot_of(api, deployment_id)
        if not snapshot:
            raise BadRequestException(f"Stage '{stage_name}' has no deployment to export")
        # the deployment itself, as patches_v2.deployments_of keeps it on moto's Api
        created = api.__dict__["sandbox_deployments"][deployment_id]["createdDate"]
        version = _version(created)
    else:
        stage_name, snapshot = None, snapshots.v2_snapshot(api)
        version = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SUTC")
    out = document(api, snapshot, stage_name, version, self.region)
    if str(_param(self, "includeExtensions", "true")).lower() == "false":
        out = without_extensions(out)
    if output == "YAML":
        return 200, {"Content-Type": "application/yaml"}, yaml.safe_dump(
            out, sort_keys=False).encode()
    return 200, {"Content-Type": "application/json"}, json.dumps(out, indent=2).encode()
