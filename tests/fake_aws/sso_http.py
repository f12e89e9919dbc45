"""SSO OIDC and the SSO portal on the wire, as AWS serves them (restJson1, unsigned requests);
the state behind them is sso.py.

  OIDC    POST /client/register, POST /device_authorization, POST /token (JSON bodies)
  portal  GET /federation/credentials?role_name=&account_id=, GET /assignment/accounts,
          GET /assignment/roles?account_id=, POST /logout; the access token in the header
          `x-amz-sso_bearer_token` (server.py keeps it: werkzeug drops underscored headers)

OIDC errors carry the exception's name in `x-amzn-ErrorType` (where the SDKs read the code)
and `{"error": "authorization_pending", "error_description": "..."}` as the body; portal
errors `{"message": "..."}` (a throttled call, SSO config `portal_throttle_every`: 429
`TooManyRequestsException` `{"message": "HTTP 429 Unknown Code", "__type":
"com.amazonaws.switchboard.portal#TooManyRequestsException"}`, as the portal answers).
"""

import base64
import datetime
import hashlib
import json
import time
from http import HTTPStatus
from urllib.parse import parse_qs

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from sso import THROTTLED_PORTAL_OPERATIONS, OidcError, PortalError, invalid_request

SERVICES = ("sso-oidc", "sso")
# Trust policy of the roles Identity Center provisions (one SAML provider per account).
SSO_TRUST_POLICY = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                    '"Principal": {"Federated": "arn:aws:iam::ACCOUNT:saml-provider/'
                    'AWSSSO_sandbox_DO_NOT_DELETE"}, "Action": ["sts:AssumeRoleWithSAML", '
                    '"sts:TagSession"]}]}')
# Where server.py puts the `x-amz-sso_bearer_token` header (only when sent with underscores).
BEARER_ENVIRON_KEY = "sandbox.sso_bearer_token"
OIDC_OPERATIONS = {
    "RegisterClient": "register_client",
    "StartDeviceAuthorization": "start_device_authorization",
    "CreateToken": "create_token",
}
# The OAuth `error` value of each OIDC exception (the model's documentation says which).
OIDC_ERROR_VALUES = {
    "AccessDeniedException": "access_denied",
    "AuthorizationPendingException": "authorization_pending",
    "ExpiredTokenException": "expired_token",
    "InternalServerException": "server_error",
    "InvalidClientException": "invalid_client",
    "InvalidClientMetadataException": "invalid_client_metadata",
    "InvalidGrantException": "invalid_grant",
    "InvalidRedirectUriException": "invalid_redirect_uri",
    "InvalidRequestException": "invalid_request",
    "InvalidScopeException": "invalid_scope",
    "SlowDownException": "slow_down",
    "UnauthorizedClientException": "unauthorized_client",
    "UnsupportedGrantTypeException": "unsupported_grant_type",
}


def _reply(start_response, status, payload, error_type=None):
    body = b"" if payload is None else json.dumps(payload).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
               ("x-amzn-RequestId", f"sandbox-{time.monotonic_ns()}")]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]


def _json_body(body):
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise invalid_request("The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid_request("The request body must be a JSON object")
    return data


def handle(sandbox, service, op, environ, body, start_response):
    """Answer one SSO OIDC or portal request; `sandbox` is the middleware's SandboxState."""
    forced = sandbox.errors.get(op)
    try:
        if forced:  # POST /_sandbox/config {"errors": {"CreateToken": [status, code, text]}}
            sandbox.count("failures", service, op)
            status, code, text = forced
            if service == "sso-oidc":
                raise OidcError(int(status), code, OIDC_ERROR_VALUES.get(code, "server_error"),
                                text)
            raise PortalError(int(status), code, text)
        if service == "sso-oidc":
            action = OIDC_OPERATIONS.get(op)
            if action is None:
                raise invalid_request(f"{op} is not simulated by the sandbox")
            answer = getattr(sandbox.sso, action)(_json_body(body))
            return _reply(start_response, 200, answer)
        if op in THROTTLED_PORTAL_OPERATIONS:
            try:  # SSO config portal_throttle_every: every Nth call answers 429
                sandbox.sso.portal_admit(op)
            except PortalError:
                sandbox.count("throttled", service, op)
                raise
            with sandbox.sso.portal_answering(op):
                return _portal(sandbox, op, environ, start_response)
        return _portal(sandbox, op, environ, start_response)
    except OidcError as exc:
        return _reply(start_response, exc.status,
                      {"error": exc.error, "error_description": exc.description}, exc.code)
    except PortalError as exc:
        body = {"message": exc.message}
        if exc.body_type:
            body["__type"] = exc.body_type
        return _reply(start_response, exc.status, body, exc.code)


def _portal(sandbox, op, environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))

    def arg(name):
        return (query.get(name) or [None])[0]

    token = environ.get(BEARER_ENVIRON_KEY)
    if op == "Logout":
        sandbox.sso.logout(token)
        return _reply(start_response, 200, None)
    if op == "GetRoleCredentials":
        role, account = arg("role_name"), arg("account_id")
        if not role or not account:
            raise PortalError(400, "InvalidRequestException",
                              "role_name and account_id are required")
        user, assignments = sandbox.sso.portal_session(token)
        if role not in assignments.get(account, {}).get("roles", []):
            raise PortalError(403, "ForbiddenException", "No access")
        duration = int(sandbox.sso.config["credentials_expires_in"])
        with sandbox.backend_lock:
            credentials = role_credentials(account, role, user, duration)
        return _reply(start_response, 200, {"roleCredentials": credentials})
    if op == "ListAccounts":
        limit, start = _paging(arg, sandbox)
        _, assignments = sandbox.sso.portal_session(token)
        items = [{"accountId": a, "accountName": info["accountName"],
                  "emailAddress": info["emailAddress"]} for a, info in sorted(assignments.items())]
        return _reply(start_response, 200, _page("accountList", items, limit, start))
    if op == "ListAccountRoles":
        limit, start = _paging(arg, sandbox)
        account = arg("account_id")
        if not account:
            raise PortalError(400, "InvalidRequestException", "account_id is required")
        _, assignments = sandbox.sso.portal_session(token)
        roles = assignments.get(account, {}).get("roles", [])
        items = [{"roleName": r, "accountId": account} for r in roles]
        return _reply(start_response, 200, _page("roleList", items, limit, start))
    raise PortalError(400, "InvalidRequestException", f"{op} is not simulated by the sandbox")


def _paging(arg, sandbox):
    """(page size, offset) from the query, the page capped at SSO config `portal_page_size`;
    InvalidRequestException when out of range."""
    raw_limit, raw_token = arg("max_result"), arg("next_token")
    try:
        limit = int(raw_limit) if raw_limit is not None else 100
        start = int(base64.urlsafe_b64decode(raw_token.encode()).decode().split(":")[1]) \
            if raw_token else 0
    except (ValueError, IndexError, UnicodeDecodeError):
        raise PortalError(400, "InvalidRequestException", "Invalid max_result or next_token") \
            from None
    if not 1 <= limit <= 100 or start < 0:
        raise PortalError(400, "InvalidRequestException", "max_result must be within 1..100")
    cap = int(sandbox.sso.config.get("portal_page_size") or 0)
    return (min(limit, cap) if cap else limit), start


def _page(key, items, limit, start):
    out = {key: items[start:start + limit]}
    if start + limit < len(items):
        out["nextToken"] = base64.urlsafe_b64encode(f"offset:{start + limit}".encode()).decode()
    return out


def role_credentials(account, role, user, duration):
    """Temporary keys for an assigned role, issued by moto's STS (so GetCallerIdentity and
    every other service take them, as the role's account). Caller holds the backend lock."""
    name = f"AWSReservedSSO_{role}_{hashlib.sha1(f'{account}/{role}'.encode()).hexdigest()[:16]}"
    path = "/aws-reserved/sso.amazonaws.com/"
    role_arn = f"arn:aws:iam::{account}:role{path}{name}"
    iam = iam_backends[account]["aws"]
    if not any(r.arn == role_arn for r in iam.get_roles()):
        # As Identity Center provisions it: the role exists, so its id (UserId) is stable.
        iam.create_role(name, SSO_TRUST_POLICY.replace("ACCOUNT", account), path, None,
                        "Identity Center permission set", [], None)
    assumed = sts_backends[account]["aws"].assume_role(
        region_name="us-east-1", role_session_name=user, role_arn=role_arn, policy=None,
        duration=duration, external_id=None)
    expiration = assumed.expiration
    if expiration.tzinfo is None:  # moto keeps naive UTC datetimes
        expiration = expiration.replace(tzinfo=datetime.timezone.utc)
    return {"accessKeyId": assumed.access_key_id,
            "secretAccessKey": assumed.secret_access_key,
            "sessionToken": assumed.session_token,
            "expiration": int(expiration.timestamp() * 1000)}
