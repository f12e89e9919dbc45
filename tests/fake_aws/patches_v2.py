"""API Gateway v2 (HTTP and WebSocket APIs) fixes and additions to moto 5.2.5,
installed by patches.apply(). Paging lives in pagination.py.

* CreateDeployment, GetDeployments, GetDeployment (moto: 404, no such path).
  Deployments are kept on moto's Api object; a stage remembers its deploymentId.
* AutoDeploy stages (moto: a flag only): creating one, switching it on, and
  every later change to the API's routes, integrations, authorizers or models
  give the stage a new automatic deployment, as API Gateway does.
* Every deployment holds a snapshot of the routes, authorizers and integrations
  (snapshots.py); ExportApi exports a stage's snapshot (export_v2.py).
* Automatic deployments of an API can be made to fail (POST /_sandbox/auto-deploy-failure,
  `fail_auto_deploys`): the stage keeps its deployment and says why.
* UpdateStage (moto: 500 "not implemented").
* GetAuthorizers (moto: 500 "not implemented").
* UpdateRoute / CreateRoute (moto kept the old authorizer and scopes after
  NONE, could not clear scopes, took any authorizer id): AWS's rules (routes_v2.py).
* Route, authorizer and API JSON omit null members (AWS never sends nulls);
  a WebSocket API's ApiEndpoint is wss://... (moto: https://).
* Success codes are the model's: 201 for Create*/TagResource, 204 (no body)
  for Delete*/UntagResource (moto answered 200 to all).
"""

import datetime
import functools
import json
import string
from urllib.parse import unquote

from moto.apigatewayv2 import models as v2_models
from moto.apigatewayv2 import urls as v2_urls
from moto.apigatewayv2.exceptions import APIGatewayV2Error, BadRequestException
from moto.apigatewayv2.responses import ApiGatewayV2Response
from moto.moto_api._internal import mock_random as random

import export_v2
import ops
import pagination
import snapshots
from routes_v2 import api_of, json_body, update_route, wrap_create_route

AUTO_DEPLOY_DESCRIPTION = "Automatic deployment triggered by changes to the Api configuration"
NO_ROUTES = "Unable to deploy API because no valid routes exist in this API"
FAILED = "Deployment attempt failed: {}"
INJECTED_FAILURE = "Internal failure while deploying the API (injected by the sandbox)"
# apiId -> {"message", "left" (None: until cleared)}: that API's automatic deployments fail.
AUTO_DEPLOY_FAILURES = {}


class NotFound(APIGatewayV2Error):
    code = 404

    def __init__(self, message):
        super().__init__("NotFoundException", message)


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------
# Deployments


def deployments_of(api):
    """deploymentId -> deployment JSON, oldest first (kept on moto's Api object)."""
    return api.__dict__.setdefault("sandbox_deployments", {})


def _new_deployment(api, description, auto):
    """A DEPLOYED deployment of `api` (400 when it has no route with a target)."""
    if not any(route.target for route in api.routes.values()):
        raise BadRequestException(NO_ROUTES)
    alphabet = string.ascii_lowercase + string.digits
    deployment = {
        "autoDeployed": auto,
        "createdDate": _now(),
        "deploymentId": "".join(random.choice(alphabet) for _ in range(6)),
        "deploymentStatus": "DEPLOYED",
        "description": description,
    }
    deployments_of(api)[deployment["deploymentId"]] = deployment
    snapshots.store_v2(api, deployment["deploymentId"], snapshots.v2_snapshot(api))
    return _drop_nulls(deployment)


def _point(stage, deployment_id):
    stage.deployment_id = deployment_id
    stage.updated = datetime.datetime.now()
    if stage.auto_deploy:
        stage.last_deployment_status_message = (
            f"Successfully deployed stage with deployment ID '{deployment_id}'")


def fail_auto_deploys(api_id, message=None, count=None):
    """Make the next `count` (None: every one, until cleared) automatic deployments of the API
    fail with `message`. Returns what is set."""
    AUTO_DEPLOY_FAILURES[api_id] = {"message": message or INJECTED_FAILURE, "left": count}
    return dict(AUTO_DEPLOY_FAILURES[api_id])


def _injected_failure(api):
    """The message of an injected failure of this automatic deployment of `api`, or None."""
    failure = AUTO_DEPLOY_FAILURES.get(api.api_id)
    if failure is None:
        return None
    if failure["left"] is not None:
        failure["left"] -= 1
        if failure["left"] <= 0:
            del AUTO_DEPLOY_FAILURES[api.api_id]
    return failure["message"]


def auto_deploy(api, only=None):
    """Give every AutoDeploy stage of `api` (or just `only`) a fresh automatic deployment.
    Without a route to deploy, or with an injected failure, the stage keeps its deployment
    and says why."""
    for stage in [only] if only else list(api.stages.values()):
        if not stage.auto_deploy:
            continue
        failure = _injected_failure(api)
        if failure:
            stage.last_deployment_status_message = FAILED.format(failure)
            stage.updated = datetime.datetime.now()
            continue
        try:
            deployment = _new_deployment(api, AUTO_DEPLOY_DESCRIPTION, auto=True)
        except BadRequestException as exc:
            stage.last_deployment_status_message = FAILED.format(exc.message)
            continue
        _point(stage, deployment["deploymentId"])


def deploy(api, stage=None, description=None):
    """A deployment of `api` made on request, onto `stage` when one is given."""
    deployment = _new_deployment(api, description, auto=False)
    if stage is not None:
        _point(stage, deployment["deploymentId"])
    return deployment


def create_deployment(self):
    """POST /v2/apis/{apiId}/deployments {"stageName"?, "description"?}."""
    api = api_of(self)
    body = json_body(self)
    stage = None
    if body.get("stageName"):
        stage = api.get_stage(body["stageName"])  # 404 NotFoundException when unknown
        if stage.auto_deploy:
            raise BadRequestException(
                f"Stage '{stage.name}' cannot be deployed with CreateDeployment: AutoDeploy is "
                "enabled, so it is deployed automatically after every change to the API")
    return 201, {}, json.dumps(deploy(api, stage, body.get("description")))


def get_deployments(self):
    items = [_drop_nulls(d) for d in deployments_of(api_of(self)).values()]
    return 200, {}, json.dumps(pagination.page_v2(self, items))


def get_deployment(self):
    deployment_id = self.path.split("/")[5]
    deployment = deployments_of(api_of(self)).get(deployment_id)
    if deployment is None:
        raise NotFound(f"Invalid Deployment identifier specified {deployment_id}")
    return 200, {}, json.dumps(_drop_nulls(deployment))


# --------------------------------------------------------------------------
# Stages


def _wrap_stage_init(original):
    @functools.wraps(original)
    def __init__(self, api, config):
        original(self, api, config)
        self.deployment_id = config.get("deploymentId")
        self.last_deployment_status_message = None

    return __init__


def _wrap_stage_to_json(original):
    @functools.wraps(original)
    def to_json(self):
        out = original(self)
        if getattr(self, "deployment_id", None):
            out["deploymentId"] = self.deployment_id
        if self.auto_deploy and getattr(self, "last_deployment_status_message", None):
            out["lastDeploymentStatusMessage"] = self.last_deployment_status_message
        return out

    return to_json


def _check_stage_deployment(api, stage_name, auto, deployment_id):
    if not deployment_id:
        return
    if auto:
        raise BadRequestException(
            f"Stage '{stage_name}': AutoDeploy is enabled, so its deploymentId cannot be set")
    if deployment_id not in deployments_of(api):
        raise NotFound(f"Invalid Deployment identifier specified {deployment_id}")


def _wrap_create_stage(original):
    @functools.wraps(original)
    def create_stage(self):
        api, body = api_of(self), json_body(self)
        _check_stage_deployment(api, body.get("stageName"), body.get("autoDeploy"),
                                body.get("deploymentId"))
        status, headers, _ = original(self)
        stage = api.stages[body["stageName"]]
        auto_deploy(api, only=stage)
        return status, headers, json.dumps(stage.to_json())

    return create_stage


# UpdateStage members this sandbox applies (request name -> Stage attribute).
_STAGE_FIELDS = {
    "accessLogSettings": "access_log_settings", "autoDeploy": "auto_deploy",
    "defaultRouteSettings": "default_route_settings", "deploymentId": "deployment_id",
    "description": "description", "routeSettings": "route_settings",
    "stageVariables": "stage_variables",
}


def update_stage(self):
    """PATCH /v2/apis/{apiId}/stages/{stageName}: the members above; switching AutoDeploy
    on deploys the stage at once."""
    api = api_of(self)
    stage = api.get_stage(unquote(self.path.split("/")[5]))
    body = json_body(self)
    auto = body.get("autoDeploy", stage.auto_deploy)
    _check_stage_deployment(api, stage.name, auto, body.get("deploymentId"))
    switched_on = auto and not stage.auto_deploy
    for member, attribute in _STAGE_FIELDS.items():
        if member in body:
            setattr(stage, attribute, body[member])
    stage.updated = datetime.datetime.now()
    if switched_on:
        auto_deploy(api, only=stage)
    return 200, {}, json.dumps(stage.to_json())


# --------------------------------------------------------------------------
# Authorizers


def get_authorizers(self):
    items = [_drop_nulls(a.to_json()) for a in api_of(self).authorizers.values()]
    return 200, {}, json.dumps(pagination.page_v2(self, items))


# --------------------------------------------------------------------------
# Auto-deploy after changes

# Handlers whose success changes what a deployment of the API holds.
CHANGES = (
    "create_route", "update_route", "delete_route", "delete_route_request_parameter",
    "create_route_response", "delete_route_response",
    "create_integration", "update_integration", "delete_integration",
    "create_integration_response", "update_integration_response",
    "delete_integration_response",
    "create_authorizer", "update_authorizer", "delete_authorizer",
    "create_model", "update_model", "delete_model",
    "update_api", "reimport_api", "delete_cors_configuration",
)


def _then_auto_deploy(handler):
    @functools.wraps(handler)
    def changed(self):
        answer = handler(self)  # raises (nothing deployed) when the change is refused
        api = self.apigatewayv2_backend.apis.get(self.path.split("/")[3])
        if api is not None:
            auto_deploy(api)
        return answer

    return changed


# --------------------------------------------------------------------------


def _wrap_call_action(original):
    @functools.wraps(original)
    def call_action(self):
        status, headers, body = original(self)
        if status == 200:
            action = self._get_action()
            model = ops.service_model("apigatewayv2")
            if action in model.operation_names:
                status = model.operation_model(action).http.get("responseCode", 200)
                headers["status"] = str(status)
                if status == 204:
                    body = ""
        return status, headers, body

    return call_action


def _without_nulls(to_json):
    @functools.wraps(to_json)
    def wrapped(self):
        return _drop_nulls(to_json(self))

    return wrapped


def _wrap_api_to_json(to_json):
    @functools.wraps(to_json)
    def wrapped(self):
        out = to_json(self)
        if self.protocol_type == "WEBSOCKET":  # moto gave every API an https:// endpoint
            out["apiEndpoint"] = out["apiEndpoint"].replace("https://", "wss://", 1)
        return out

    return wrapped


def apply():
    """Install the v2 patches (called once by patches.apply(), before the first request)."""
    # moto's v2 URL map has no deployments; its Flask app is built from this dict lazily.
    base = "{0}/v2/apis/(?P<api_id>[^/]+)/deployments"
    v2_urls.url_paths[base + "$"] = ApiGatewayV2Response.dispatch
    v2_urls.url_paths[base + "/(?P<deployment_id>[^/]+)$"] = ApiGatewayV2Response.dispatch
    exports = "{0}/v2/apis/(?P<api_id>[^/]+)/exports/(?P<specification>[^/]+)$"
    v2_urls.url_paths[exports] = ApiGatewayV2Response.dispatch

    v2_models.Stage.__init__ = _wrap_stage_init(v2_models.Stage.__init__)
    v2_models.Stage.to_json = _wrap_stage_to_json(v2_models.Stage.to_json)
    for model in (v2_models.Route, v2_models.Authorizer, v2_models.Api):
        model.to_json = _without_nulls(model.to_json)
    v2_models.Api.to_json = _wrap_api_to_json(v2_models.Api.to_json)

    response = ApiGatewayV2Response
    response.call_action = _wrap_call_action(response.call_action)
    response.create_deployment = create_deployment
    response.get_deployments = get_deployments
    response.get_deployment = get_deployment
    response.export_api = export_v2.export_api
    response.create_stage = _wrap_create_stage(response.create_stage)
    response.update_stage = update_stage
    response.get_authorizers = get_authorizers
    response.update_route = update_route
    response.create_route = wrap_create_route(response.create_route)
    response.get_apis = pagination.get_apis_v2
    response.get_routes = pagination.get_routes_v2
    response.get_stages = pagination.get_stages_v2
    response.get_integrations = pagination.get_integrations_v2
    for name in CHANGES:
        setattr(response, name, _then_auto_deploy(getattr(response, name)))
