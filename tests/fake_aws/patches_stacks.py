"""CloudFormation stacks tag the REST APIs they create, as CloudFormation does; installed by
patches.apply().

Real CloudFormation tags every resource it creates that takes tags with
`aws:cloudformation:stack-name`, `aws:cloudformation:stack-id` and
`aws:cloudformation:logical-id`, adds the stack's own tags and the resource's `Tags`
property. moto 5.2.5 does that for EC2 resources only, so an `AWS::ApiGateway::RestApi` of a
stack came out untagged and nothing could tell it from one made by hand. Here, whenever a
stack creates a RestApi (CreateStack, an UpdateStack or executed change set adding one, an
executed CREATE change set), those tags go on the API, so GetRestApis / GetRestApi return them.

The hook: `parsing.parse_and_create_resource(logical_id, resource_json, resources_map, ...)`,
through which moto's lazy ResourceMap builds every resource (it calls the module's global,
so replacing it there is enough); the map knows the stack's name (`resources_map
["AWS::StackName"]`), id (`resources_map.stack_id`) and tags (`resources_map.tags`).

AWS::ApiGatewayV2::Api is not covered: moto's CloudFormation skips every ApiGatewayV2
resource (a warning, no API), so there is nothing to tag.

Two more gaps of the same calls:
* ListStackResources / DescribeStackResources listed an empty row (no logical id, type or
  physical id) for every resource moto skips (Authorizer, Stage, ApiGatewayV2, Cognito,
  Serverless): those are left out now, as resources that were never made.
* An update (UpdateStack, an executed change set) that modifies a resource moto cannot update
  (Method, RestApi, Resource: no update in moto) put None in its place, so the resource fell
  out of ListStackResources; it stays as it was (moto changes nothing on it either way).
* GetTemplate with ChangeSetName answered the stack's template; it answers the change set's,
  as AWS does (a change set under review shows what it would deploy).
"""

import functools

from moto.apigateway import models as agw_models
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult

REST_API = "AWS::ApiGateway::RestApi"


def stack_tags(logical_id, resources_map, resource_json):
    """The tags CloudFormation puts on a resource: the stack's own, the resource's `Tags`
    property ([{Key, Value}], intrinsics resolved), then the three aws:cloudformation ones
    (which neither may set: the aws: prefix is reserved)."""
    tags = {k: v for k, v in (resources_map.tags or {}).items() if not k.startswith("aws:")}
    listed = (resource_json.get("Properties") or {}).get("Tags") or []
    for tag in parsing.clean_json(listed, resources_map):
        if isinstance(tag, dict) and "Key" in tag and not str(tag["Key"]).startswith("aws:"):
            tags[str(tag["Key"])] = str(tag.get("Value", ""))
    tags.update({
        "aws:cloudformation:stack-name": resources_map["AWS::StackName"],
        "aws:cloudformation:logical-id": logical_id,
        "aws:cloudformation:stack-id": resources_map.stack_id,
    })
    return tags


def _wrap_create(original):
    @functools.wraps(original)
    def parse_and_create_resource(logical_id, resource_json, resources_map, *args, **kwargs):
        resource = original(logical_id, resource_json, resources_map, *args, **kwargs)
        if isinstance(resource, agw_models.RestAPI) and resource_json.get("Type") == REST_API:
            resource.tags = {**(resource.tags or {}),
                             **stack_tags(logical_id, resources_map, resource_json)}
        return resource

    return parse_and_create_resource


def _wrap_update(original):
    @functools.wraps(original)
    def parse_and_update_resource(logical_id, resource_json, resources_map, *args, **kwargs):
        updated = original(logical_id, resource_json, resources_map, *args, **kwargs)
        if updated is None:  # moto cannot update this type (Method, RestApi...): it stays
            return resources_map._parsed_resources.get(logical_id)
        return updated

    return parse_and_update_resource


def _created_resources(self):
    """Stack.stack_resources: the resources made, in template order, without the None that
    stood for each one moto skips (read from the map's cache: going through the map would
    parse each skipped one again, and log its warning again, on every call)."""
    made = self.resource_map._parsed_resources
    return [made[k] for k in self.resource_map.resources if made.get(k) is not None]


def _wrap_get_template(original):
    @functools.wraps(original)
    def get_template(self):
        """GetTemplate; with ChangeSetName (its ARN, or its name and StackName) the change
        set's body. Either TemplateStage answers the body as it was sent (moto keeps no
        processed copy; for a SAM template AWS gives the transformed one as Processed)."""
        name = self._get_param("ChangeSetName")
        if not name:
            return original(self)
        backend = self.cloudformation_backend
        change_set = backend.change_sets.get(name)
        if change_set is None:
            stack = self._get_param("StackName")
            named = [c for c in backend.change_sets.values() if c.change_set_name == name
                     and (not stack or stack in (c.stack_name, c.stack_id))]
            if not named:
                raise ValidationError(name, message=f"ChangeSet [{name}] does not exist")
            change_set = named[-1]
        return ActionResult({"TemplateBody": change_set.template})

    return get_template


_applied = False


def apply():
    global _applied
    if _applied:
        return
    _applied = True
    parsing.parse_and_create_resource = _wrap_create(parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _wrap_update(parsing.parse_and_update_resource)
    Stack.stack_resources = property(_created_resources)
    CloudFormationResponse.get_template = _wrap_get_template(CloudFormationResponse.get_template)
