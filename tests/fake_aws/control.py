"""The sandbox's own control endpoints (not AWS; for tests and benchmarks).

  GET  /_sandbox/health       -> {"ok": true}
  GET  /_sandbox/stats        -> {"calls": {svc: {op: n}}, "throttled": {...},
                                  "failures": {...}, "totals": {...}, "since": t}
  POST /_sandbox/reset-stats  -> {"ok": true, "previous": <stats before reset>}
  GET  /_sandbox/config       -> current config
  POST /_sandbox/config       {"throttle": {"rate": 10, "burst": 40} | null,
                               "failure_rate": 0.1, "seed": 42, "region_errors": {...},
                               "slow_answers": {"AKID": {"GetResources": 3000}},
                               ...} -> config
  POST /_sandbox/latency      {"ms": 50} -> config
  POST /_sandbox/region-errors {"eu-west-1": [403, "AccessDeniedException", "..."] |
                               "access-denied" | "not-enabled" | null, ...} -> config
                              (sets or clears the named regions only; region_errors.py)
  POST /_sandbox/bulk-api     {"region", "name", "resources", "methods_per_resource"}
                              -> {"id", "name", "region", "root_id", "resources", "methods"}
  POST /_sandbox/bulk-http-api {"region", "name", "routes", "stage"?, "auto_deploy"?}
                              -> {"id", "name", "region", "routes", "integration_id", "stage"?}
  POST /_sandbox/bulk-pools   {"region", "count", "prefix"} -> {"region", "pools": [{"id","name"}]}
  POST /_sandbox/auto-deploy-failure {"region", "api_id", "message"?, "count"?} | {"region",
                              "api_id", "clear": true} -> the failure set (patches_v2.py)
  GET  /_sandbox/auto-deploy-failure -> {"failures": {api_id: {"message", "left"}}}
  POST /_sandbox/deployment-snapshot {"region", "api_id", "deployment_id" | "stage"}
                              -> {"kind", "apiId", "deploymentId", "snapshot"} (snapshots.py)
  POST /_sandbox/mint-token   {"pool_id", "token_use", "client_id", "username", ...}
                              -> {"token", "claims"} (tokens.py)
  POST /_sandbox/sso/approve  {"userCode" | "deviceCode", "user"?} -> the device authorization
  POST /_sandbox/sso/deny     {"userCode" | "deviceCode"}          -> the device authorization
  POST /_sandbox/sso/expire   {"userCode" | "deviceCode" | "accessToken" | "refreshToken"}
  GET|POST /_sandbox/sso/config {"interval", "expires_in", "token_expires_in",
                               "slow_down_once", "enforce_interval", ...} -> SSO config
  GET  /_sandbox/sso/state    -> clients, devices, access and refresh tokens (sso.py)
  POST /_sandbox/sso/reset    -> forget every client and token; default config
  GET  /_sandbox/sso/portal   -> {"calls", "throttled", "most_at_once", "throttle_every",
                                  "operations": {op: {"calls", "throttled", "most_at_once"}}}
                                  (ListAccounts, ListAccountRoles, GetRoleCredentials;
                                  portal_throttle_every; most_at_once: the most calls of an
                                  operation answered at the same time, see portal_latency_ms)
  POST /_sandbox/sso/portal/reset -> {"ok": true, "previous": <those counts>}
  GET  /_sandbox/sts/assume-role-calls -> {"calls": [...]} (sts_mfa.py)
  POST /_sandbox/sts/assume-role-calls/clear -> {"ok": true, "previous": [...]}

Bulk endpoints also take "account" (default: the account the sandbox answers as,
server.py --account, else 123456789012, moto's account for any access key that STS
did not issue). They write into moto's backends
directly, holding the same lock as AWS requests.
"""

import json
from http import HTTPStatus

from moto.apigateway.models import apigateway_backends
from moto.apigatewayv2.models import apigatewayv2_backends
from moto.cognitoidp.models import cognitoidp_backends

import account
import patches_v2
import snapshots
import sso
import tokens

BULK_VERBS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def _reply(start_response, status, payload):
    body = json.dumps(payload, indent=None).encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _read_json(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("request body must be a JSON object")
    return data


def bulk_api(req):
    """Create an API whose N resources (/r0001 ...) are children of / and each
    carry M methods (GET, POST, PUT, ...), all NONE with a MOCK integration."""
    region = req.get("region") or "us-east-1"
    name = req.get("name") or "BulkApi"
    count = int(req.get("resources", 0))
    per = int(req.get("methods_per_resource", 1))
    if count < 0 or not 0 <= per <= len(BULK_VERBS):
        raise ValueError(f"resources >= 0 and 0 <= methods_per_resource <= "
                         f"{len(BULK_VERBS)} required")
    backend = apigateway_backends[req.get("account") or account.current()][region]
    api = backend.create_rest_api(name, req.get("description") or "")
    width = max(4, len(str(count)))
    for i in range(1, count + 1):
        resource = backend.create_resource(api.id, api.root_resource_id,
                                           f"r{i:0{width}d}")
        for verb in BULK_VERBS[:per]:
            resource.add_method(verb, "NONE", api_key_required=False)
            resource.add_integration(
                verb, "MOCK", uri=None,
                request_templates={"application/json": '{"statusCode": 200}'})
    return {"id": api.id, "name": name, "region": region,
            "root_id": api.root_resource_id, "resources": count,
            "methods": count * per}


def bulk_http_api(req):
    """Create an HTTP API whose N routes GET /r0001 ... are all NONE and target one
    HTTP_PROXY integration; with "stage", also that stage, deployed once (or AutoDeploy)."""
    region = req.get("region") or "us-east-1"
    name = req.get("name") or "BulkHttpApi"
    count = int(req.get("routes", 0))
    if count < 0:
        raise ValueError("routes must be >= 0")
    stage_name, auto = req.get("stage"), bool(req.get("auto_deploy", False))
    if auto and not stage_name:
        raise ValueError("auto_deploy needs a stage")
    if stage_name and not count:
        raise ValueError("a stage needs routes >= 1 (an API without routes cannot be deployed)")
    backend = apigatewayv2_backends[req.get("account") or account.current()][region]
    api = backend.create_api(
        api_key_selection_expression=None, cors_configuration=None,
        description=req.get("description"), disable_schema_validation=None,
        disable_execute_api_endpoint=None, name=name, protocol_type="HTTP",
        route_selection_expression=None, tags=None, version=None)
    integration = backend.create_integration(
        api.api_id, connection_id=None, connection_type="INTERNET",
        content_handling_strategy=None, credentials_arn=None, description=None,
        integration_method="ANY", integration_subtype=None, integration_type="HTTP_PROXY",
        integration_uri="https://example.com", passthrough_behavior=None,
        payload_format_version="1.0", request_parameters=None, request_templates=None,
        response_parameters=None, template_selection_expression=None,
        timeout_in_millis=None, tls_config=None)
    width = max(4, len(str(count)))
    for i in range(1, count + 1):
        backend.create_route(
            api.api_id, api_key_required=False, authorization_scopes=None,
            authorization_type="NONE", authorizer_id=None, model_selection_expression=None,
            operation_name=None, request_models=None, request_parameters=None,
            route_key=f"GET /r{i:0{width}d}", route_response_selection_expression=None,
            target=f"integrations/{integration.id}")
    out = {"id": api.api_id, "name": name, "region": region, "routes": count,
           "integration_id": integration.id}
    if stage_name:
        stage = api.create_stage({"stageName": stage_name, "autoDeploy": auto})
        if auto:
            patches_v2.auto_deploy(api, only=stage)
        else:
            patches_v2.deploy(api, stage, "bulk")
        out["stage"] = stage_name
    return out


def bulk_pools(req):
    """Create `count` user pools named PREFIX-0001 ... in one region."""
    region = req.get("region") or "us-east-1"
    count = int(req.get("count", 0))
    prefix = req.get("prefix") or "BulkPool"
    if count < 0:
        raise ValueError("count must be >= 0")
    backend = cognitoidp_backends[req.get("account") or account.current()][region]
    pools = []
    for i in range(1, count + 1):
        pool = backend.create_user_pool(f"{prefix}-{i:04d}", {})
        pools.append({"id": pool.id, "name": pool.name})
    return {"region": region, "pools": pools}


def _v2_api(req):
    region = req.get("region") or "us-east-1"
    api = apigatewayv2_backends[req.get("account") or account.current()][region].apis.get(
        req.get("api_id"))
    if api is None:
        raise ValueError(f"no HTTP or WebSocket API {req.get('api_id')!r} in {region}")
    return region, api


def auto_deploy_failure(req):
    """Make the next automatic deployments of one HTTP API fail (or stop that: "clear")."""
    region, api = _v2_api(req)
    if req.get("clear"):
        patches_v2.AUTO_DEPLOY_FAILURES.pop(api.api_id, None)
        return {"region": region, "api_id": api.api_id, "cleared": True}
    count = req.get("count")
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ValueError("count must be a number >= 1 (or absent: every one until cleared)")
    message = req.get("message")
    if message is not None and (not isinstance(message, str) or not message):
        raise ValueError("message must be a non-empty string")
    failure = patches_v2.fail_auto_deploys(api.api_id, message, count)
    return {"region": region, "api_id": api.api_id, **failure}


def deployment_snapshot(req):
    """What one deployment (or the one a stage serves) of a REST or HTTP API holds."""
    region = req.get("region") or "us-east-1"
    who = req.get("account") or account.current()
    api_id, stage_name = req.get("api_id"), req.get("stage")
    rest = apigateway_backends[who][region].apis.get(api_id)
    if rest is not None:
        deployment_id = req.get("deployment_id")
        if stage_name:
            if stage_name not in rest.stages:
                raise ValueError(f"no stage {stage_name!r} on REST API {api_id}")
            deployment_id = rest.stages[stage_name].deployment_id
        if deployment_id not in rest.deployments:
            raise ValueError(f"no deployment {deployment_id!r} of REST API {api_id}")
        return {"kind": "REST", "apiId": api_id, "deploymentId": deployment_id,
                "snapshot": snapshots.rest_snapshot_of(rest.deployments[deployment_id])}
    _, api = _v2_api(req)
    deployment_id = req.get("deployment_id")
    if stage_name:
        if stage_name not in api.stages:
            raise ValueError(f"no stage {stage_name!r} on API {api_id}")
        deployment_id = api.stages[stage_name].deployment_id
    snapshot = snapshots.v2_snapshot_of(api, deployment_id)
    if snapshot is None:
        raise ValueError(f"no deployment {deployment_id!r} of API {api_id}")
    return {"kind": api.protocol_type, "apiId": api_id, "deploymentId": deployment_id,
            "snapshot": snapshot}


def _sso(sso_state, method, action, req):
    """The answer of one /_sandbox/sso/ACTION request, or None when there is no such one."""
    if method == "POST" and action in ("approve", "deny", "expire"):
        return getattr(sso_state, action)(req)
    if action == "config" and method in ("GET", "POST"):
        return sso_state.configure(req)
    if action == "state" and method == "GET":
        return sso_state.snapshot()
    if action == "reset" and method == "POST":
        sso_state.reset()
        return {"ok": True}
    if action == "portal" and method == "GET":
        return sso_state.portal_stats()
    if action == "portal/reset" and method == "POST":
        return {"ok": True, "previous": sso_state.reset_portal_stats()}
    return None


def handle(state, environ, start_response):
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "").rstrip("/")
    try:
        req = _read_json(environ) if method == "POST" else {}
        if path == "/_sandbox/health":
            return _reply(start_response, 200, {"ok": True})
        if path == "/_sandbox/stats" and method == "GET":
            return _reply(start_response, 200, state.stats())
        if path == "/_sandbox/reset-stats" and method == "POST":
            previous = state.stats()
            state.reset_stats()
            return _reply(start_response, 200, {"ok": True, "previous": previous})
        if path == "/_sandbox/config" and method == "GET":
            return _reply(start_response, 200, state.config())
        if path == "/_sandbox/config" and method == "POST":
            return _reply(start_response, 200, state.configure(req))
        if path == "/_sandbox/latency" and method == "POST":
            return _reply(start_response, 200,
                          state.configure({"latency_ms": req.get("ms", 0)}))
        if path == "/_sandbox/region-errors" and method == "POST":
            return _reply(start_response, 200, state.merge_region_errors(req))
        if path == "/_sandbox/bulk-api" and method == "POST":
            with state.backend_lock:
                return _reply(start_response, 200, bulk_api(req))
        if path == "/_sandbox/bulk-http-api" and method == "POST":
            with state.backend_lock:
                return _reply(start_response, 200, bulk_http_api(req))
        if path == "/_sandbox/bulk-pools" and method == "POST":
            with state.backend_lock:
                return _reply(start_response, 200, bulk_pools(req))
        if path == "/_sandbox/auto-deploy-failure" and method == "POST":
            with state.backend_lock:
                return _reply(start_response, 200, auto_deploy_failure(req))
        if path == "/_sandbox/auto-deploy-failure" and method == "GET":
            with state.backend_lock:
                return _reply(start_response, 200, {"failures": {
                    k: dict(v) for k, v in patches_v2.AUTO_DEPLOY_FAILURES.items()}})
        if path == "/_sandbox/deployment-snapshot" and method == "POST":
            with state.backend_lock:
                return _reply(start_response, 200, deployment_snapshot(req))
        if path == "/_sandbox/mint-token" and method == "POST":
            with state.backend_lock:
                return _reply(start_response, 200, tokens.mint(req))
        if path.startswith("/_sandbox/sso/"):
            answer = _sso(state.sso, method, path[len("/_sandbox/sso/"):], req)
            if answer is not None:
                return _reply(start_response, 200, answer)
        if path == "/_sandbox/sts/assume-role-calls" and method == "GET":
            with state.lock:
                return _reply(start_response, 200, {"calls": list(state.assume_role_calls)})
        if path == "/_sandbox/sts/assume-role-calls/clear" and method == "POST":
            with state.lock:
                previous, state.assume_role_calls = state.assume_role_calls, []
            return _reply(start_response, 200, {"ok": True, "previous": previous})
    except sso.ControlError as exc:
        return _reply(start_response, exc.status, {"message": str(exc)})
    except (ValueError, TypeError, AttributeError) as exc:
        return _reply(start_response, 400, {"message": str(exc)})
    return _reply(start_response, 404,
                  {"message": f"no sandbox endpoint {method} {path}"})
