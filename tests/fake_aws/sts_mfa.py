"""STS AssumeRole with MFA: every AssumeRole is recorded (role, session name, SerialNumber,
TokenCode, ExternalId, who called, the answer's status) for GET /_sandbox/sts/assume-role-calls,
and roles named in the config's `mfa_required` ({role ARN: one-time code}) are refused as STS
refuses them before moto sees the call. So are the roles of `assume_role_denied` ([role ARN]:
their trust policy does not name the caller) and those of `external_ids` ({role ARN: external
id}) called without that exact ExternalId (the trust policy's `sts:ExternalId` condition fails).
moto itself accepts any AssumeRole, even of a role that does not exist.

Wording, as STS answers (403, code AccessDenied, XML ErrorResponse):
  * no SerialNumber and no TokenCode for a role whose trust policy requires MFA: the trust
    policy's condition fails, "User: CALLER is not authorized to perform: sts:AssumeRole on
    resource: ROLE";
  * only one of the two (any role): "MultiFactorAuthentication failed, must provide both MFA
    serial number and one time pass code.";
  * the wrong code: "MultiFactorAuthentication failed with invalid MFA one time pass code."
  * a denied role, or a missing or wrong ExternalId: the trust policy does not let the caller
    in, "User: CALLER is not authorized to perform: sts:AssumeRole on resource: ROLE".
"""

import time
import uuid
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from moto.sts.models import sts_backends

import account
import ops

RECORDED = ("RoleArn", "RoleSessionName", "SerialNumber", "TokenCode", "DurationSeconds",
            "ExternalId")
BOTH_NEEDED = ("MultiFactorAuthentication failed, must provide both MFA serial number and one "
               "time pass code.")
WRONG_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."


def check_config(value):
    """The `mfa_required` config: {role ARN: code}, both non-empty strings."""
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and k.startswith("arn:") and isinstance(v, str) and v
            for k, v in value.items()):
        raise ValueError('mfa_required must be {"arn:aws:iam::ACCOUNT:role/NAME": "123456"}')
    return dict(value)


def check_denied(value):
    """The `assume_role_denied` config: a list of role ARNs."""
    if not isinstance(value, list) or not all(
            isinstance(v, str) and v.startswith("arn:") for v in value):
        raise ValueError('assume_role_denied must be ["arn:aws:iam::ACCOUNT:role/NAME", ...]')
    return list(dict.fromkeys(value))


def check_external_ids(value):
    """The `external_ids` config: {role ARN: external id}, both non-empty strings (STS takes
    external ids of 2 to 1224 characters)."""
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and k.startswith("arn:") and isinstance(v, str) and v
            for k, v in value.items()):
        raise ValueError('external_ids must be {"arn:aws:iam::ACCOUNT:role/NAME": "external-id"}')
    return dict(value)


def record(state, environ, body):
    """Append this AssumeRole to the state's record; returns the entry (to fill in later)."""
    params = parse_qs(environ.get("QUERY_STRING", ""))
    if body:
        params.update(parse_qs(body.decode("utf-8", "replace")))
    access_key, region, _ = ops.credential_scope(environ)
    call = {name: params.get(name, [None])[0] for name in RECORDED}
    call.update({"caller": access_key, "region": region, "at": time.time(),
                 "status": None, "code": None})
    with state.lock:
        state.assume_role_calls.append(call)
    return call


def _caller_arn(access_key, region):
    sts = sts_backends[account.of_access_key(access_key)]["aws"]
    return sts.get_caller_identity(access_key, region or "us-east-1")[1]


def _not_authorized(state, call):
    with state.backend_lock:
        caller = _caller_arn(call["caller"], call["region"])
    return (f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: "
            f"{call.get('RoleArn')}")


def denial(state, call):
    """None, or the message STS would refuse this AssumeRole with."""
    serial, code = call.get("SerialNumber"), call.get("TokenCode")
    if bool(serial) != bool(code):
        return BOTH_NEEDED
    role = call.get("RoleArn") or ""
    with state.lock:
        denied = role in state.assume_role_denied
        external_id = state.external_ids.get(role)
        expected = state.mfa_required.get(role)
    if denied or (external_id is not None and call.get("ExternalId") != external_id):
        return _not_authorized(state, call)
    if expected is None:
        return None
    if not serial:
        return _not_authorized(state, call)
    if code != expected:
        return WRONG_CODE
    return None


def refuse(call, start_response, message):
    """Answer 403 AccessDenied as STS does (query protocol: an XML ErrorResponse)."""
    call["status"], call["code"] = 403, "AccessDenied"
    request_id = str(uuid.uuid4())
    body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>").encode()
    start_response("403 Forbidden", [("Content-Type", "text/xml"),
                                     ("Content-Length", str(len(body))),
                                     ("x-amzn-RequestId", request_id)])
    return [body]


def noting_status(call, start_response):
    """A start_response that also writes the answer's status into the record."""
    def wrapped(status, headers, exc_info=None):
        call["status"] = int(status.split()[0])
        for name, value in headers:
            if name.lower() == "x-amzn-errortype":
                call["code"] = value
        return start_response(status, headers, exc_info) if exc_info else \
            start_response(status, headers)
    return wrapped
