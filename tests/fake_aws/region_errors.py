"""Region-level errors: every API Gateway call (REST v1 and HTTP/WebSocket v2 alike) signed
for a region answers one AWS error, before throttling and before moto sees it. Stands for
a region the caller may not use (an IAM deny) or an opt-in region the account has not
enabled, for multi-region sweeps.

A spec is `[status, code, message]`, `{"status", "code", "message"}`, or a preset name:
  * "access-denied": 403 AccessDeniedException "User: arn:aws:iam::{account}:user/sandbox
    is not authorized to perform: apigateway:{method} on resource:
    arn:aws:apigateway:{region}::{path}"
  * "not-enabled": 403 UnrecognizedClientException "The security token included in the
    request is invalid." (what an opt-in region that is not enabled answers)
Messages may hold the placeholders {account} (the sandbox's account), {region}, {method}
(the HTTP verb) and {path} (the request path; a v2 path loses its /v2 prefix, as IAM
resource ARNs of HTTP APIs read `/apis/...`). Nothing else in braces is touched.
null, "", [] or {} as a spec clears that region.
"""

import re

import account

PRESETS = {
    "access-denied": (403, "AccessDeniedException",
                      "User: arn:aws:iam::{account}:user/sandbox is not authorized to perform: "
                      "apigateway:{method} on resource: arn:aws:apigateway:{region}::{path}"),
    "not-enabled": (403, "UnrecognizedClientException",
                    "The security token included in the request is invalid."),
}
_REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


def _spec(region, spec):
    """(status, code, message) from one spec, or None when it clears the region."""
    if spec in (None, "", [], {}):
        return None
    if isinstance(spec, str):
        if spec not in PRESETS:
            raise ValueError(f"region_errors.{region}: unknown preset {spec!r} "
                             f"(presets: {', '.join(PRESETS)})")
        return PRESETS[spec]
    if isinstance(spec, dict):
        spec = [spec.get("status"), spec.get("code"), spec.get("message")]
    if not (isinstance(spec, (list, tuple)) and len(spec) == 3):
        raise ValueError(f"region_errors.{region} must be [status, code, message], "
                         f"{{status, code, message}}, a preset name or null")
    status, code, message = spec
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"region_errors.{region}: status must be an HTTP error status (4xx/5xx)")
    if not isinstance(code, str) or not code or not isinstance(message, str):
        raise ValueError(f"region_errors.{region}: code must be a non-empty string, "
                         f"message a string")
    return status, code, message


def check(mapping, base=None):
    """{region: [status, code, message]} from a config value; with `base`, the changes are
    merged into it (regions not named stay, cleared ones go). Raises ValueError."""
    if mapping in (None, "", [], {}):  # null or empty: no region errors (or none changed)
        mapping = {}
    if not isinstance(mapping, dict):
        raise ValueError("region_errors must be an object {region: spec}")
    out = dict(base or {})
    for region, spec in mapping.items():
        if not isinstance(region, str) or not _REGION_RE.fullmatch(region):
            raise ValueError(f"region_errors: {region!r} is not a region name (e.g. eu-west-1)")
        parsed = _spec(region, spec)
        if parsed is None:
            out.pop(region, None)
        else:
            out[region] = list(parsed)
    return out


def parse_flag(text):
    """{region: spec} from server.py's `--region-error REGION=STATUS,CODE,MESSAGE` (or
    REGION=PRESET); the message may hold commas."""
    region, sep, rest = text.partition("=")
    if not sep or not rest:
        raise ValueError(f"--region-error {text!r}: expected REGION=STATUS,CODE,MESSAGE "
                         f"or REGION=PRESET")
    if rest in PRESETS:
        return check({region: rest})
    parts = rest.split(",", 2)
    if len(parts) != 3 or not parts[0].strip().isdigit():
        raise ValueError(f"--region-error {text!r}: expected REGION=STATUS,CODE,MESSAGE")
    return check({region: [int(parts[0]), parts[1].strip(), parts[2]]})


def render(spec, region, environ):
    """(status, code, message) for one request, placeholders filled in."""
    status, code, message = spec
    path = environ.get("PATH_INFO", "/")
    if path.startswith("/v2/"):
        path = path[len("/v2"):]
    values = {"{account}": account.current(), "{region}": region,
              "{method}": environ.get("REQUEST_METHOD", "GET"), "{path}": path}
    for placeholder, value in values.items():
        message = message.replace(placeholder, value)
    return status, code, message
