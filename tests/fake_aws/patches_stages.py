"""REST API (v1) deployments and stages as API Gateway keeps them, installed by
patches.apply(). moto 5.2.5 keeps no copy per deployment (a stage "serves" the editor),
replaces a stage on every CreateDeployment, and knows no canaries. Here:

* CreateDeployment snapshots the API's methods, authorizers and gateway responses
  (snapshots.py); later edits never change what an existing deployment holds. An existing
  stage keeps its settings and only points at the new deployment; a new stage is made with
  stageDescription, cacheClusterEnabled, tracingEnabled. With canarySettings the new
  deployment goes to the stage's canary and the stage's own deploymentId stays (AWS's
  errors when stageName is missing or the stage does not exist yet).
* GetDeployment(s): no stageName (not in AWS's shape); `embed=apisummary` adds apiSummary
  from the snapshot; unknown id -> 404. DeleteDeployment refuses a deployment a stage (or its
  canary) still serves.
* Stages carry createdDate, lastUpdatedDate and canarySettings; CreateStage takes
  canarySettings; UpdateStage knows the canary paths, `copy` promotion and checks
  /deploymentId (stage_patch.py).
* GetExport builds the document from the stage's deployment (export_rest.py).
"""

import functools
import json
import time
from urllib.parse import unquote

from moto.apigateway import models as agw_models
from moto.apigateway.exceptions import (
    ApiGatewayException,
    BadRequestException,
    NoIntegrationDefined,
    NoMethodDefined,
    StageNotFoundException,
)
from moto.apigateway.responses import APIGatewayResponse
from moto.apigateway.utils import ApigwDeploymentIdentifier

import export_rest
import pagination
import snapshots
import stage_patch

CANARY_NEEDS_STAGE = ("Invalid deployment content specified.Non null and non empty stageName "
                      "must be provided for canary deployment. Provided value is {}")
CANARY_STAGE_MISSING = ("Invalid deployment content specified.Stage {} must already be created "
                        "before making a canary release deployment")
STAGE_STILL_SERVES = "Active stages pointing to this deployment must be moved or deleted"


class NotFound(ApiGatewayException):
    code = 404

    def __init__(self, message):
        super().__init__("NotFoundException", message)


def _body(response):
    try:
        return json.loads(response.body or "{}")
    except ValueError:
        raise BadRequestException("Could not parse request body into json")


def _embeds(response):
    """The `embed` query values, however they were sent (repeated or comma-joined)."""
    return {e for v in response.querystring.get("embed") or [] for e in v.split(",") if e}


# ---------------------------------------------------------------- deployments


def _deployment_json(deployment, summary=False):
    out = {"id": deployment.id, "createdDate": deployment.created_date}
    if deployment.description:
        out["description"] = deployment.description
    if summary:
        out["apiSummary"] = snapshots.api_summary(snapshots.rest_snapshot_of(deployment))
    return out


def _check_deployable(api):
    """moto's own checks of CreateDeployment, kept as they were."""
    methods = [m for r in api.resources.values() for m in r.resource_methods.values()]
    if not methods:
        raise NoMethodDefined()
    if not any(m.method_integration for m in methods):
        raise NoIntegrationDefined()


def new_deployment(api, description, stage_name=None):
    """A deployment of moto's RestAPI `api`, holding a snapshot of it as it is now."""
    deployment_id = ApigwDeploymentIdentifier(
        api.account_id, api.region_name, stage_name=stage_name).generate(list(api.deployments))
    deployment = agw_models.Deployment(deployment_id, stage_name, description or "")
    snapshots.store_rest(deployment, snapshots.rest_snapshot(api))
    api.deployments[deployment_id] = deployment
    return deployment


def _touch(stage):
    stage.sandbox_updated = int(time.time())


def _rest_api_create_deployment(self, name, description, stage_variables=None, **stage_fields):
    """RestAPI.create_deployment (every path that deploys comes here, CloudFormation too):
    the stage is pointed at the new deployment, or made; never replaced."""
    deployment = new_deployment(self, description, name)
    if name:
        stage = self.stages.get(name)
        if stage is None:
            stage = agw_models.Stage(
                name=name, deployment_id=deployment.id, variables=dict(stage_variables or {}),
                description=stage_fields.get("stage_description") or "",
                cacheClusterEnabled=stage_fields.get("cache_cluster_enabled") or False,
                cacheClusterSize=stage_fields.get("cache_cluster_size"),
                tracing_enabled=stage_fields.get("tracing_enabled"))
            self.stages[name] = stage
        else:
            stage.deployment_id = deployment.id
            stage.variables.update(stage_variables or {})
            if stage_fields.get("stage_description"):
                stage.description = stage_fields["stage_description"]
            _touch(stage)
    self.update_integration_mocks(name)
    return deployment


def canary_from(settings, deployment_id):
    """A stage's canary from request canarySettings (CreateDeployment, CreateStage)."""
    overrides = settings.get("stageVariableOverrides") or {}
    if not isinstance(overrides, dict):
        raise BadRequestException("stageVariableOverrides must be a map of strings")
    return {"deploymentId": deployment_id,
            "percentTraffic": stage_patch.percent(settings.get("percentTraffic", 0.0)),
            "stageVariableOverrides": {str(k): str(v) for k, v in overrides.items()},
            "useStageCache": bool(settings.get("useStageCache", False))}


def create_deployment(self):
    """POST /restapis/{id}/deployments."""
    api = self.backend.get_rest_api(self.path.split("/")[2])
    body = _body(self)
    stage_name, canary = body.get("stageName"), body.get("canarySettings")
    if canary is not None:
        if not stage_name:
            raise BadRequestException(CANARY_NEEDS_STAGE.format(
                "null" if stage_name is None else stage_name))
        if stage_name not in api.stages:
            raise BadRequestException(CANARY_STAGE_MISSING.format(stage_name))
    _check_deployable(api)
    if canary is not None:
        deployment = new_deployment(api, body.get("description"), stage_name)
        stage = api.stages[stage_name]
        stage.sandbox_canary = canary_from(canary, deployment.id)
        _touch(stage)
    else:
        deployment = api.create_deployment(
            stage_name, body.get("description"), body.get("variables") or {},
            stage_description=body.get("stageDescription"),
            cache_cluster_enabled=body.get("cacheClusterEnabled"),
            cache_cluster_size=body.get("cacheClusterSize"),
            tracing_enabled=body.get("tracingEnabled"))
    return 201, {"status": 201}, json.dumps(_deployment_json(deployment))


def _deployment_of(api, deployment_id):
    deployment = api.deployments.get(deployment_id)
    if deployment is None:
        raise NotFound("Invalid Deployment identifier specified")
    return deployment


def get_deployment(self):
    parts = self.path.split("/")
    deployment = _deployment_of(self.backend.get_rest_api(parts[2]), parts[4])
    return 200, {}, json.dumps(_deployment_json(deployment, "apisummary" in _embeds(self)))


def get_deployments(self):
    """Oldest first, paged by limit/position. The model has no `embed` here; the sandbox
    honours `embed=apisummary` all the same (for clients that send it by hand)."""
    api = self.backend.get_rest_api(self.path.split("/")[2])
    summary = "apisummary" in _embeds(self)
    items = [_deployment_json(d, summary) for d in api.deployments.values()]
    return 200, {}, pagination.page_v1(self, items)


def stages_serving(api, deployment_id):
    """Names of the stages whose deployment, or canary deployment, is `deployment_id`."""
    return [s.name for s in api.stages.values()
            if s.deployment_id == deployment_id
            or (getattr(s, "sandbox_canary", None) or {}).get("deploymentId") == deployment_id]


def delete_deployment(self):
    parts = self.path.split("/")
    api = self.backend.get_rest_api(parts[2])
    _deployment_of(api, parts[4])
    if stages_serving(api, parts[4]):
        raise BadRequestException(STAGE_STILL_SERVES)
    del api.deployments[parts[4]]
    return 202, {"status": 202}, "{}"


# ---------------------------------------------------------------- stages


def _wrap_stage_init(original):
    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.sandbox_created = self.sandbox_updated = int(time.time())
        self.sandbox_canary = None

    return __init__


def _wrap_stage_to_json(original):
    @functools.wraps(original)
    def to_json(self):
        out = snapshots.drop_nulls(original(self))
        for member in ("description", "variables"):  # AWS leaves out what was never set
            if not out.get(member):
                out.pop(member, None)
        if not out.get("cacheClusterEnabled"):
            out["cacheClusterStatus"] = "NOT_AVAILABLE"
        out.setdefault("tracingEnabled", False)
        out["createdDate"] = getattr(self, "sandbox_created", 0)
        out["lastUpdatedDate"] = getattr(self, "sandbox_updated", 0)
        canary = getattr(self, "sandbox_canary", None)
        if canary:
            out["canarySettings"] = stage_patch.canary_json(canary)
        return out

    return to_json


def _require_deployment(api, deployment_id):
    if deployment_id not in api.deployments:
        raise BadRequestException("Deployment id does not exist")


def _wrap_create_stage(original):
    @functools.wraps(original)
    def create_stage(self):
        api = self.backend.get_rest_api(self.path.split("/")[2])
        body = _body(self)
        _require_deployment(api, body.get("deploymentId"))
        canary = body.get("canarySettings")
        if canary is not None:
            canary = canary_from(canary, canary.get("deploymentId") or body.get("deploymentId"))
            _require_deployment(api, canary["deploymentId"])
        status, headers, _ = original(self)
        stage = api.stages[body["stageName"]]
        stage.sandbox_canary = canary
        return status, headers, json.dumps(stage.to_json())

    return create_stage


def update_stage(self):
    """PATCH /restapis/{id}/stages/{stage}: every operation applied, or none (stage_patch.py)."""
    parts = self.path.split("/")
    api = self.backend.get_rest_api(parts[2])
    stage = api.stages.get(unquote(parts[4]))
    if stage is None:
        raise StageNotFoundException()
    stage_patch.apply(api, stage, _body(self).get("patchOperations") or [])
    _touch(stage)
    return 200, {}, json.dumps(stage.to_json())


# ---------------------------------------------------------------- export


def get_export(self):
    """GET /restapis/{id}/stages/{stage}/exports/{oas30|swagger}: what the stage serves."""
    parts = self.path.split("/")
    api = self.backend.get_rest_api(parts[2])
    stage = api.stages.get(unquote(parts[4]))
    if stage is None:
        raise StageNotFoundException()
    export_type = parts[6]
    if export_type not in export_rest.EXPORT_TYPES:
        raise BadRequestException(f"No API exporter for type '{export_type}'")
    deployment = _deployment_of(api, stage.deployment_id)
    extensions = {e for v in self.querystring.get("extensions") or [] for e in v.split(",")}
    document = export_rest.document(api, stage.name, deployment, export_type, extensions,
                                    self.region)
    body, content_type, suffix = export_rest.encode(document, self.headers.get("Accept"))
    filename = f"{export_type}_{document['info']['version']}.{suffix}"
    return 200, {"Content-Type": content_type,
                 "Content-Disposition": f'attachment; filename="{filename}"'}, body


# ----------------------------------------------------------------


def apply():
    """Install the REST deployment and stage patches (called once by patches.apply())."""
    agw_models.RestAPI.create_deployment = _rest_api_create_deployment
    agw_models.Stage.__init__ = _wrap_stage_init(agw_models.Stage.__init__)
    agw_models.Stage.to_json = _wrap_stage_to_json(agw_models.Stage.to_json)
    agw_models.Deployment.to_json = lambda self: _deployment_json(self)

    response = APIGatewayResponse
    response.create_deployment = create_deployment
    response.get_deployment = get_deployment
    response.get_deployments = get_deployments
    response.delete_deployment = delete_deployment
    response.create_stage = _wrap_create_stage(response.create_stage)
    response.update_stage = update_stage
    response.get_export = get_export
