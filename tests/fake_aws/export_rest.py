"""GetExport of a REST API (v1) stage: an OpenAPI 3.0 (`oas30`) or Swagger 2.0 (`swagger`)
document of what the stage serves, built from its deployment's snapshot (snapshots.py), never
from the editor. Shapes follow API Gateway's exports and its OpenAPI extensions reference:

* each operation's `security` lists one requirement per protection, as API Gateway writes
  them: the authorizer's scheme (named after the authorizer) with the method's scopes for
  COGNITO_USER_POOLS (`[]` for CUSTOM), `sigv4` for AWS_IAM, then `api_key` when an API key
  is required; NONE methods carry no `security`;
* security schemes (components.securitySchemes / securityDefinitions): every authorizer of
  the snapshot, `sigv4` (x-amazon-apigateway-authtype awsSigv4) and `api_key` (header
  x-api-key) when used. `extensions=authorizers` adds x-amazon-apigateway-authorizer;
  `integrations` adds x-amazon-apigateway-integration; `apigateway` adds both and
  x-amazon-apigateway-gateway-responses (the sandbox's reading: AWS documents `apigateway`
  as the set of all API Gateway extensions). Other values are ignored.
* info.version (and the file name) is the deployment's creation time, UTC.
"""

import json
import time

import yaml

from snapshots import drop_nulls, rest_snapshot_of

EXPORT_TYPES = ("oas30", "swagger")
IAM_SCHEME, API_KEY_SCHEME = "sigv4", "api_key"
HEADER, QUERY = "method.request.header.", "method.request.querystring."


def _when(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _sources(authorizer):
    source = authorizer.get("identitySource") or HEADER + "Authorization"
    return source, [s.strip() for s in source.split(",") if s.strip()]


def _where(sources):
    """(name, in) of an apiKey scheme: one header or query parameter, else "Unused" header."""
    if len(sources) == 1 and sources[0].startswith(HEADER):
        return sources[0][len(HEADER):], "header"
    if len(sources) == 1 and sources[0].startswith(QUERY):
        return sources[0][len(QUERY):], "query"
    return "Unused", "header"


def authorizer_scheme(authorizer, with_extension):
    """The security scheme API Gateway writes for one authorizer (JSON of GetAuthorizer)."""
    source, sources = _sources(authorizer)
    name, where = _where(sources)
    kind = authorizer.get("type")
    if kind == "COGNITO_USER_POOLS":
        scheme = {"type": "apiKey", "name": name if where == "header" else "Authorization",
                  "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools"}
        extension = {"type": "cognito_user_pools",
                     "providerARNs": list(authorizer.get("providerARNs") or [])}
    else:
        scheme = {"type": "apiKey", "name": name, "in": where,
                  "x-amazon-apigateway-authtype": authorizer.get("authType") or "custom"}
        extension = drop_nulls({
            "type": (kind or "token").lower(),
            "authorizerUri": authorizer.get("authorizerUri"),
            "authorizerCredentials": authorizer.get("authorizerCredentials"),
            "identitySource": source if kind == "REQUEST" else None,
            "identityValidationExpression": authorizer.get("identityValidationExpression"),
            "authorizerResultTtlInSeconds": authorizer.get("authorizerResultTtlInSeconds"),
        })
    if with_extension:
        scheme["x-amazon-apigateway-authorizer"] = extension
    return scheme


def _security(method, authorizers):
    security = []
    kind = method["authorizationType"]
    if kind in ("COGNITO_USER_POOLS", "CUSTOM"):
        authorizer = authorizers.get(method.get("authorizerId"))
        if authorizer is not None:
            scopes = method.get("authorizationScopes") if kind == "COGNITO_USER_POOLS" else None
            security.append({authorizer["name"]: list(scopes or [])})
    elif kind == "AWS_IAM":
        security.append({IAM_SCHEME: []})
    if method["apiKeyRequired"]:
        security.append({API_KEY_SCHEME: []})
    return security


def _integration(integration):
    return drop_nulls({
        "type": integration["type"].lower(),
        "httpMethod": integration.get("httpMethod"),
        "uri": integration.get("uri"),
        "passthroughBehavior": (integration.get("passthroughBehavior") or "").lower() or None,
        "requestTemplates": integration.get("requestTemplates"),
    })


def _operation(method, authorizers, oas3, integrations):
    operation = {}
    if method.get("operationName"):
        operation["operationId"] = method["operationName"]
    operation["responses"] = {
        code: ({"description": f"{code} response", "content": {}} if oas3
               else {"description": f"{code} response"})
        for code in method.get("methodResponses", [])}
    security = _security(method, authorizers)
    if security:
        operation["security"] = security
    if integrations and method.get("integration"):
        operation["x-amazon-apigateway-integration"] = _integration(method["integration"])
    return operation


def document(api, stage_name, deployment, export_type, extensions, region):
    """The export of `stage_name`, which serves moto Deployment `deployment` of RestAPI `api`."""
    snapshot = rest_snapshot_of(deployment)
    oas3 = export_type == "oas30"
    everything = "apigateway" in extensions
    with_authorizers = everything or "authorizers" in extensions
    integrations = everything or "integrations" in extensions
    authorizers = snapshot["authorizers"]
    paths, uses_iam, uses_key = {}, False, False
    for path, verbs in snapshot["methods"].items():
        for verb, method in verbs.items():
            key = "x-amazon-apigateway-any-method" if verb == "ANY" else verb.lower()
            paths.setdefault(path, {})[key] = _operation(method, authorizers, oas3, integrations)
            uses_iam |= method["authorizationType"] == "AWS_IAM"
            uses_key |= method["apiKeyRequired"]
    schemes = {a["name"]: authorizer_scheme(a, with_authorizers)
               for a in authorizers.values()}
    if uses_iam:
        schemes[IAM_SCHEME] = {"type": "apiKey", "name": "Authorization", "in": "header",
                               "x-amazon-apigateway-authtype": "awsSigv4"}
    if uses_key:
        schemes[API_KEY_SCHEME] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    info = {"title": api.name}
    if api.description:
        info["description"] = api.description
    info["version"] = _when(deployment.created_date)
    host = f"{api.id}.execute-api.{region}.amazonaws.com"
    if oas3:
        out = {"openapi": "3.0.1", "info": info,
               "servers": [{"url": f"https://{host}/{{basePath}}",
                            "variables": {"basePath": {"default": f"/{stage_name}"}}}],
               "paths": paths}
        if schemes:
            out["components"] = {"securitySchemes": schemes}
    else:
        out = {"swagger": "2.0", "info": info, "host": host, "basePath": f"/{stage_name}",
               "schemes": ["https"], "paths": paths}
        if schemes:
            out["securityDefinitions"] = schemes
    if everything and snapshot["gatewayResponses"]:
        out["x-amazon-apigateway-gateway-responses"] = {
            kind: {k: v for k, v in response.items() if v}
            for kind, response in snapshot["gatewayResponses"].items()}
    return out


def encode(document, accept):
    """(body bytes, content type, file suffix) for the request's Accept header."""
    if accept and "yaml" in accept.lower():
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
        return text.encode(), "application/yaml", "yaml"
    return json.dumps(document, indent=2).encode(), "application/json", "json"
