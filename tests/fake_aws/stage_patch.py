"""UpdateStage's patch operations on a REST API (v1) stage, as API Gateway applies them
(moto 5.2.5 knows no canary, matched "/deploymentId" anywhere in a path and checked no id).

Canary paths (AWS's answers as recorded against AWS in LocalStack's canary tests):
  replace /canarySettings/percentTraffic     0.0-100.0; makes a canary on the stage's own
                                             deployment when there is none
  replace /canarySettings/deploymentId       an existing deployment; makes a canary (0 %)
  replace /canarySettings/useStageCache      "true" / "false"
  replace|remove /canarySettings/stageVariableOverrides/NAME
  remove  /canarySettings/stageVariableOverrides   all of them (400 when there are none)
  remove  /canarySettings                    the canary is gone
  copy    from /canarySettings/deploymentId to /deploymentId, from
          /canarySettings/stageVariableOverrides to /variables: promotion (the canary stays;
          the console also sets its percentTraffic to 0)
Also: replace /deploymentId must name a deployment of the API. Other paths go to moto.
Every operation is applied, or (on the first refused one) none.
"""

import copy

from moto.apigateway.exceptions import BadRequestException

CANARY = "/canarySettings"
PATHS = ("[/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, "
         "/clientCertificateId, /accessLogSettings, /accessLogSettings/destinationArn, "
         "/accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, "
         "/{resourcePath}/{httpMethod}/logging/dataTrace, "
         "/{resourcePath}/{httpMethod}/logging/loglevel, "
         "/{resourcePath}/{httpMethod}/throttling/burstLimit"
         "/{resourcePath}/{httpMethod}/throttling/rateLimit"
         "/{resourcePath}/{httpMethod}/caching/ttlInSeconds, "
         "/{resourcePath}/{httpMethod}/caching/enabled, "
         "/{resourcePath}/{httpMethod}/caching/dataEncrypted, "
         "/{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, "
         "/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, "
         "/*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, "
         "/*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, "
         "/*/*/caching/enabled, /*/*/caching/dataEncrypted, "
         "/*/*/caching/requireAuthorizationForCacheControl, "
         "/*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{variable_name}, "
         "/tracingEnabled]")
COPIES = {("/canarySettings/deploymentId", "/deploymentId"),
          ("/canarySettings/stageVariableOverrides", "/variables")}
NO_DEPLOYMENT = "Deployment id does not exist"


def percent(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRequestException(f"Invalid percent traffic value: {value}")
    if not 0.0 <= number <= 100.0:
        raise BadRequestException(
            f"Invalid percent traffic value: {value}. Must be between 0.0 and 100.0")
    return number


def canary_json(canary):
    """canarySettings as GetStage gives it (no stageVariableOverrides when there are none)."""
    out = {"deploymentId": canary["deploymentId"], "percentTraffic": canary["percentTraffic"],
           "useStageCache": canary["useStageCache"]}
    if canary["stageVariableOverrides"]:
        out["stageVariableOverrides"] = dict(canary["stageVariableOverrides"])
    return out


def _bool(value):
    if str(value).lower() not in ("true", "false"):
        raise BadRequestException(f"Invalid boolean value: {value}")
    return str(value).lower() == "true"


def _deployment(api, deployment_id):
    if deployment_id not in api.deployments:
        raise BadRequestException(NO_DEPLOYMENT)
    return deployment_id


def _canary(stage):
    """The stage's canary, made on its own deployment at 0 % when there is none."""
    if not stage.sandbox_canary:
        stage.sandbox_canary = {"deploymentId": stage.deployment_id, "percentTraffic": 0.0,
                                "stageVariableOverrides": {}, "useStageCache": False}
    return stage.sandbox_canary


def _no_setting(path):
    return BadRequestException(f"Cannot remove method setting {path.lstrip('/')} because "
                               "there is no method setting for this method ")


def _canary_op(api, stage, verb, path, value):
    if path == CANARY:
        if verb != "remove":
            raise BadRequestException(f"Invalid method setting path: {path}. Must be one of: "
                                      f"{PATHS}")
        stage.sandbox_canary = None
        return
    if verb == "add":
        raise BadRequestException(f"Invalid add operation with path: {path}")
    member = path[len(CANARY) + 1:]
    overrides_prefix = "stageVariableOverrides/"
    if verb == "remove":
        overrides = (stage.sandbox_canary or {}).get("stageVariableOverrides") or {}
        if member == "stageVariableOverrides" and overrides:
            overrides.clear()
        elif member.startswith(overrides_prefix) and member[len(overrides_prefix):] in overrides:
            del overrides[member[len(overrides_prefix):]]
        else:
            raise _no_setting(path)
        return
    if verb != "replace":
        raise BadRequestException(f"Invalid {verb} operation with path: {path}")
    if member == "percentTraffic":
        _canary(stage)["percentTraffic"] = percent(value)
    elif member == "deploymentId":
        _canary(stage)["deploymentId"] = _deployment(api, value)
    elif member == "useStageCache":
        _canary(stage)["useStageCache"] = _bool(value)
    elif member.startswith(overrides_prefix) and len(member) > len(overrides_prefix):
        _canary(stage)["stageVariableOverrides"][member[len(overrides_prefix):]] = str(value)
    else:
        raise BadRequestException(f"Invalid method setting path: {path}. Must be one of: "
                                  f"{PATHS}")


def _copy_op(stage, source, path):
    if (source, path) not in COPIES:
        raise BadRequestException(
            f"Invalid copy operation with path: {path} and from {source}. Valid copy:path are "
            "[/deploymentId, /variables] and valid copy:from are [/canarySettings/deploymentId, "
            "/canarySettings/stageVariableOverrides]")
    canary = stage.sandbox_canary
    if not canary:
        raise BadRequestException("Promotion not available. Canary does not exist.")
    if path == "/deploymentId":
        stage.deployment_id = canary["deploymentId"]
    else:
        stage.variables.update(canary["stageVariableOverrides"])


def _one(api, stage, op):
    verb, path, value = op.get("op"), op.get("path") or "", op.get("value")
    if verb == "copy":
        _copy_op(stage, op.get("from") or "", path)
    elif path == CANARY or path.startswith(CANARY + "/"):
        _canary_op(api, stage, verb, path, value)
    elif path == "/deploymentId":
        if verb != "replace":
            raise BadRequestException(f"Invalid {verb} operation with path: {path}")
        stage.deployment_id = _deployment(api, value)
    else:
        stage.apply_operations([op])


def apply(api, stage, operations):
    """Apply every patch operation to moto's Stage `stage` of RestAPI `api`, or none."""
    before = copy.deepcopy(stage.__dict__)
    try:
        for op in operations:
            _one(api, stage, op)
    except Exception:
        stage.__dict__.clear()
        stage.__dict__.update(before)
        raise
