"""Work out which AWS service and operation a raw HTTP request is for.

Used by the middleware for call counting and throttling. It does not depend on
moto's router: the service comes from the SigV4 credential scope and the
operation from the botocore service model that ships with boto3/moto:

* rest-json services (apigateway): match the HTTP method and path against the
  `requestUri` templates of the model ("/restapis/{restapi_id}/resources").
  HTTP and WebSocket APIs (API Gateway v2) sign with the same scope,
  `apigateway`; their paths start with /v2/ and are named from the
  apigatewayv2 model with the prefix "v2:" ("v2:UpdateRoute"), because 40 of
  their names are also v1 names (CreateDeployment, GetAuthorizers, ...).
* json services (cognito-idp): the `X-Amz-Target` header ("Prefix.Operation").
* query services (sts): the `Action` field of the query string or form body.
* unsigned SSO requests (moto has neither service): SSO OIDC (`sso-oidc`: /client/register,
  /device_authorization, /token) and the SSO portal (`sso`: /federation/credentials,
  /assignment/..., /logout), matched against those models' paths; named by botocore's
  service names, since the requests carry no SigV4 scope (their signing names would be
  `sso-oauth` and `awsssoportal`).
"""

import functools
import re
from urllib.parse import parse_qs, urlsplit

import botocore.session

# X-Amz-Target prefixes of unsigned requests we may see (InitiateAuth etc.).
_TARGET_PREFIXES = {
    "AWSCognitoIdentityProviderService": "cognito-idp",
    "AWSSecurityTokenServiceV20110615": "sts",
}

_CRED_RE = re.compile(r"Credential=([^,\s]+)")

V2_PREFIX = "v2:"  # API Gateway v2 operations, as counted and configured
SSO_SERVICES = ("sso-oidc", "sso")  # served by sso_http.py, unsigned


def credential_scope(environ):
    """Return (access_key, region, service) from a SigV4 Authorization header,
    or (None, None, None) when the request is not signed that way."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = _CRED_RE.search(auth)
    if not match:
        return None, None, None
    parts = match.group(1).split("/")
    if len(parts) != 5:  # AKID/date/region/service/aws4_request
        return None, None, None
    return parts[0], parts[2], parts[3]


@functools.lru_cache(maxsize=None)
def _session():
    return botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def service_model(service):
    try:
        return _session().get_service_model(service)
    except Exception:  # unknown service name
        return None


@functools.lru_cache(maxsize=None)
def _rest_routes(service):
    """Compile the model's requestUri templates into (method, regex, query
    literals, score, operation) tuples, most specific first."""
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http["requestUri"]
        path, _, query = uri.partition("?")
        literal_query = dict(
            kv.split("=", 1) for kv in query.split("&") if "=" in kv
        )
        pattern, literals = "", 0
        for segment in path.strip("/").split("/"):
            if not segment:
                continue
            if segment.startswith("{") and segment.endswith("+}"):
                pattern += "/.+"  # greedy label
            elif segment.startswith("{"):
                pattern += "/[^/]+"
            else:
                pattern += "/" + re.escape(segment)
                literals += 1
        regex = re.compile("^" + (pattern or "/") + "/?$")
        score = (literals, len(literal_query))
        routes.append((http["method"], regex, literal_query, score, name))
    routes.sort(key=lambda r: r[3], reverse=True)
    return routes


def rest_operation(service, method, path, query_string):
    """Operation name of a rest-json/rest-xml request, or None."""
    query = parse_qs(query_string or "")
    for verb, regex, literal_query, _score, name in _rest_routes(service):
        if verb != method or not regex.match(path):
            continue
        if all(query.get(k, [None])[0] == v for k, v in literal_query.items()):
            return name
    return None


def _raw_path(environ):
    """The request path as sent (still percent-encoded): an ARN in a path label
    keeps its slashes encoded, so it stays one label (TagResource)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        return environ.get("PATH_INFO", "/")
    if not raw.startswith("/"):  # absolute form: http://host/path
        raw = urlsplit(raw).path or "/"
    return raw.split("?", 1)[0]


@functools.lru_cache(maxsize=None)
def operation_names():
    """Every name `identify` can give an operation (what stats show, and what the
    sandbox's config keys must be spelled as)."""
    names = {"GetJWKS"}
    for service in ("apigateway", "cognito-idp", "sts", *SSO_SERVICES):
        names.update(service_model(service).operation_names)
    names.update(V2_PREFIX + n for n in service_model("apigatewayv2").operation_names)
    return frozenset(names)


def check_operation_name(name):
    """Raise ValueError unless `name` is an operation name `identify` gives."""
    if name in operation_names():
        return
    if V2_PREFIX + name in operation_names():
        raise ValueError(f"unknown operation {name!r}: HTTP API (v2) operations are "
                         f"spelled {V2_PREFIX + name!r}")
    raise ValueError(f"unknown operation {name!r} (names are botocore's, e.g. "
                     f"'UpdateMethod', 'v2:UpdateRoute', 'InitiateAuth')")


def identify(environ, body):
    """Return (service, operation) for a request; either may be a best-effort
    placeholder such as "unknown" when the request cannot be classified.

    `body` is the already-read request body (bytes)."""
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    _, _, service = credential_scope(environ)
    target = environ.get("HTTP_X_AMZ_TARGET", "")

    if service is None:
        # Unsigned: JSON target header, or the Cognito JWKS document.
        if target:
            service = _TARGET_PREFIXES.get(target.split(".")[0], "unknown")
        elif path.endswith("/.well-known/jwks.json"):
            return "cognito-idp", "GetJWKS"
        else:
            query = environ.get("QUERY_STRING")
            for sso_service in SSO_SERVICES:
                name = rest_operation(sso_service, method, _raw_path(environ), query)
                if name:
                    return sso_service, name
            return "unknown", f"{method} {path}"

    model = service_model(service)
    protocol = model.protocol if model is not None else None

    if target:
        return service, target.split(".")[-1]
    if protocol in ("query", "ec2") or protocol is None:
        action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
        if not action and body:
            try:
                action = parse_qs(body.decode("utf-8", "replace")).get("Action")
            except Exception:
                action = None
        if action:
            return service, action[0]
    if protocol in ("rest-json", "rest-xml"):
        query = environ.get("QUERY_STRING")
        if service == "apigateway" and path.startswith("/v2/"):
            name = rest_operation("apigatewayv2", method, _raw_path(environ), query)
            if name:
                return service, V2_PREFIX + name
        name = rest_operation(service, method, _raw_path(environ), query)
        if name:
            return service, name
    return service, f"{method} {path}"
