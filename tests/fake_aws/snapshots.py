"""What a deployment holds: the API's protection as it was when the deployment was made.

API Gateway serves a stage from its deployment, a frozen copy of the API; edits after it
change the editor only, until the next deployment. moto keeps no such copy (its stages
"serve" the editor), so the sandbox takes one here, as plain JSON-ready dicts:

* REST (v1) `rest_snapshot(api)`: {"methods": {path: {verb: {authorizationType,
  authorizerId?, authorizationScopes?, apiKeyRequired, operationName?, methodResponses,
  integration?}}}, "authorizers": {id: authorizer JSON}, "gatewayResponses": {type:
  {statusCode?, responseParameters, responseTemplates}}} (customised responses only).
* HTTP/WebSocket (v2) `v2_snapshot(api)`: {"routes": {route key: {authorizationType,
  authorizerId?, authorizationScopes?, apiKeyRequired, operationName?, target?}},
  "authorizers": {id: authorizer JSON}, "integrations": {id: integration JSON},
  "cors": CorsConfiguration?}.

Snapshots are stored beside moto's objects (`store_*`) and read with `rest_snapshot_of` /
`v2_snapshot_of`; none is ever changed after it is taken.
"""

import copy


def drop_nulls(value):
    """Recursively remove None members from dicts (AWS omits absent members)."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


# ---------------------------------------------------------------- REST (v1)


def _rest_integration(integration):
    if integration is None:
        return None
    return drop_nulls({
        "type": integration.integration_type,
        "httpMethod": integration.http_method,
        "uri": integration.uri,
        "passthroughBehavior": integration.passthrough_behaviour,
        "requestTemplates": copy.deepcopy(integration.request_templates) or None,
    })


def _rest_method(method):
    return drop_nulls({
        "authorizationType": method.authorization_type or "NONE",
        "authorizerId": method.authorizer_id or None,
        "authorizationScopes": list(method.authorization_scopes or []) or None,
        "apiKeyRequired": bool(method.api_key_required),
        "operationName": method.operation_name or None,
        "methodResponses": sorted(method.method_responses),
        "integration": _rest_integration(method.method_integration),
    })


def gateway_response_json(response):
    """A customised gateway response as its own JSON (without defaultResponse)."""
    return drop_nulls({
        "statusCode": response.status_code,
        "responseParameters": dict(response.response_parameters or {}),
        "responseTemplates": dict(response.response_templates or {}),
    })


def rest_snapshot(api):
    """The protection of every method of moto's RestAPI `api`, now."""
    methods = {}
    for resource in sorted(api.resources.values(), key=lambda r: r.get_path()):
        verbs = {verb: _rest_method(m) for verb, m in sorted(resource.resource_methods.items())}
        if verbs:
            methods[resource.get_path()] = verbs
    return {
        "methods": methods,
        "authorizers": {a.id: drop_nulls(copy.deepcopy(a.to_json()))
                        for a in api.authorizers.values()},
        "gatewayResponses": {t: gateway_response_json(r)
                             for t, r in sorted(api.gateway_responses.items())},
    }


def store_rest(deployment, snapshot):
    deployment.sandbox_snapshot = snapshot


def rest_snapshot_of(deployment):
    """The snapshot a moto Deployment was made with ({} parts if it has none)."""
    return getattr(deployment, "sandbox_snapshot", None) or {
        "methods": {}, "authorizers": {}, "gatewayResponses": {}}


def api_summary(snapshot):
    """GetDeployment's apiSummary: {path: {verb: {authorizationType, apiKeyRequired}}}."""
    return {path: {verb: {"authorizationType": m["authorizationType"],
                          "apiKeyRequired": m["apiKeyRequired"]}
                   for verb, m in verbs.items()}
            for path, verbs in snapshot["methods"].items()}


# ---------------------------------------------------------------- HTTP / WebSocket (v2)


def _v2_route(route):
    return drop_nulls({
        "authorizationType": route.authorization_type or "NONE",
        "authorizerId": route.authorizer_id or None,
        "authorizationScopes": list(route.authorization_scopes or []) or None,
        "apiKeyRequired": bool(route.api_key_required),
        "operationName": route.operation_name or None,
        "target": route.target or None,
    })


def _v2_integration(integration):
    return drop_nulls({
        "integrationType": integration.integration_type,
        "integrationMethod": integration.integration_method,
        "integrationUri": integration.integration_uri,
        "payloadFormatVersion": integration.payload_format_version,
        "connectionType": integration.connection_type,
    })


def v2_snapshot(api):
    """The routes, authorizers and integrations of moto's v2 Api `api`, now."""
    routes = {}
    for route in api.routes.values():
        routes.setdefault(route.route_key, _v2_route(route))  # a key moto let in twice: first
    return drop_nulls({
        "routes": dict(sorted(routes.items())),
        "authorizers": {a.id: drop_nulls(copy.deepcopy(a.to_json()))
                        for a in api.authorizers.values()},
        "integrations": {i.id: _v2_integration(i) for i in api.integrations.values()},
        "cors": copy.deepcopy(api.cors_configuration) or None,
    })


def _v2_store(api):
    return api.__dict__.setdefault("sandbox_snapshots", {})


def store_v2(api, deployment_id, snapshot):
    _v2_store(api)[deployment_id] = snapshot


def v2_snapshot_of(api, deployment_id):
    """The snapshot of one of `api`'s deployments, or None."""
    return _v2_store(api).get(deployment_id)
