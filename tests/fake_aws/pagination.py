"""Paging for API Gateway list operations (moto 5.2.5 returns every item at
once and ignores the paging parameters):

* v1 (REST APIs): `limit`/`position`, plus `embed=methods` for GetResources;
  installed by patches.apply() onto APIGatewayResponse.
* v2 (HTTP/WebSocket APIs): `maxResults`/`nextToken` (MaxResults is a string
  in AWS's model); installed by patches_v2.apply() onto ApiGatewayV2Response.

Tokens are opaque to clients (base64 of an offset), as AWS's are.
"""

import base64
import json

from moto.apigateway.exceptions import BadRequestException
from moto.apigatewayv2.exceptions import BadRequestException as V2BadRequest

MAX_PAGE = 500  # API Gateway's largest `limit`
DEFAULT_PAGE = 25  # API Gateway's default `limit`
# v2 documents no default and no largest MaxResults; paging at 100 unasked makes a
# client that ignores NextToken visibly miss items.
V2_DEFAULT_PAGE, V2_MAX_PAGE = 100, 500


def _page(response, items):
    """Slice `items` by the request's `limit`/`position` query parameters.
    Returns (page, next_position or None)."""
    query = response.querystring
    raw_limit = (query.get("limit") or [None])[0]
    limit = DEFAULT_PAGE
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except ValueError:
            raise BadRequestException(f"Invalid limit: {raw_limit}")
        if not 1 <= limit <= MAX_PAGE:
            raise BadRequestException(
                f"Invalid limit {limit}: must be between 1 and {MAX_PAGE}"
            )
    start = 0
    position = (query.get("position") or [None])[0]
    if position:
        try:
            start = int(base64.urlsafe_b64decode(position.encode()).decode())
        except Exception:
            raise BadRequestException("Invalid pagination token specified")
    end = start + limit
    nxt = None
    if end < len(items):
        nxt = base64.urlsafe_b64encode(str(end).encode()).decode()
    return items[start:end], nxt


def _paged_json(items, position):
    body = {"item": items}
    if position:
        body["position"] = position
    return json.dumps(body)


def page_v1(response, items):
    """{"item": one page of `items`, "position"?} (JSON) by the request's limit/position."""
    return _paged_json(*_page(response, items))


def get_rest_apis(self):
    apis = [api.to_dict() for api in self.backend.list_apis()]
    return _paged_json(*_page(self, apis))


def get_resources(self):
    api_id = self.path.split("/")[2]
    resources = self.backend.get_resources(api_id)
    page, position = _page(self, resources)
    embed = ",".join(self.querystring.get("embed") or []).split(",")
    items = []
    for resource in page:
        item = resource.to_dict()
        if "methods" not in embed and "resourceMethods" in item:
            # Without embed=methods AWS lists the verbs with empty bodies.
            item["resourceMethods"] = {verb: {} for verb in item["resourceMethods"]}
        items.append(item)
    return _paged_json(items, position)


def get_authorizers(self):
    api_id = self.path.split("/")[2]
    authorizers = [a.to_json() for a in self.backend.get_authorizers(api_id)]
    return _paged_json(*_page(self, authorizers))


# ---------------------------------------------------------------- v2


def _offset(token):
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except Exception:
        raise V2BadRequest("Invalid NextToken specified")


def page_v2(response, items):
    """{"items": one page of `items`, "nextToken"?} by the request's maxResults/nextToken."""
    query = response.querystring
    raw = (query.get("maxResults") or [None])[0]
    limit = V2_DEFAULT_PAGE
    if raw not in (None, ""):
        try:
            limit = int(raw)
        except ValueError:
            raise V2BadRequest(f"Invalid MaxResults: {raw}")
        if not 1 <= limit <= V2_MAX_PAGE:
            raise V2BadRequest(f"Invalid MaxResults {limit}: must be between 1 and {V2_MAX_PAGE}")
    token = (query.get("nextToken") or [None])[0]
    start = _offset(token) if token else 0
    body = {"items": items[start:start + limit]}
    if start + limit < len(items):
        body["nextToken"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
    return body


def _api_v2(response):
    return response.apigatewayv2_backend.get_api(response.path.split("/")[3])


def get_apis_v2(self):
    items = [api.to_json() for api in self.apigatewayv2_backend.get_apis()]
    return 200, {}, json.dumps(page_v2(self, items))


def get_routes_v2(self):
    items = [route.to_json() for route in _api_v2(self).routes.values()]
    return 200, {}, json.dumps(page_v2(self, items))


def get_stages_v2(self):
    items = [stage.to_json() for stage in _api_v2(self).stages.values()]
    return 200, {}, json.dumps(page_v2(self, items))


def get_integrations_v2(self):
    items = [i.to_json() for i in _api_v2(self).integrations.values()]
    return 200, {}, json.dumps(page_v2(self, items))
