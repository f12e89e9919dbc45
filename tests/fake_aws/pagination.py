"""`limit`/`position` paging for API Gateway list operations (moto 5.2.5
returns every item at once and ignores both), plus `embed=methods` for
GetResources. Installed by patches.apply() onto APIGatewayResponse.

The position token is opaque to clients (base64 of an offset), as AWS's is.
"""

import base64
import json

from moto.apigateway.exceptions import BadRequestException

MAX_PAGE = 500  # API Gateway's largest `limit`
DEFAULT_PAGE = 25  # API Gateway's default `limit`


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
