"""IAM Identity Center sign-in for the sandbox (moto has neither SSO OIDC nor the SSO portal).

`SsoState` holds OIDC clients, device authorizations, access and refresh tokens and the
portal's account assignments, and carries out the operations (`register_client`,
`start_device_authorization`, `create_token`, `portal_session`, `logout`) and the control
actions tests use (`approve`, `deny`, `expire`, `configure`, `snapshot`, `reset`).
sso_http.py puts them on the wire. Every method is thread-safe.
"""

import copy
import secrets
import threading
import time

import account

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
AUTH_CODE_GRANT = "authorization_code"
KNOWN_GRANTS = (DEVICE_GRANT, REFRESH_GRANT, AUTH_CODE_GRANT)

DEFAULTS = {
    "interval": 1,                 # StartDeviceAuthorization's interval (AWS answers 1)
    "expires_in": 600,             # device code lifetime, s (AWS: 10 minutes)
    "token_expires_in": 3600,      # CreateToken's expiresIn, s
    "slow_down_once": False,       # the next device-code poll answers SlowDownException
    "enforce_interval": True,      # polls faster than `interval` answer SlowDownException
    "credentials_expires_in": 3600,  # GetRoleCredentials' lifetime, s
    "client_secret_expires_in": 90 * 24 * 3600,  # RegisterClient (AWS: 90 days)
    "user": "alice",               # who approves when /approve names no user
    "portal_throttle_every": 0,    # every Nth portal call answers 429 (0: never)
    # The most accounts or roles a portal page holds, whatever max_result asked (0: as asked):
    # the portal may answer fewer, and only nextToken says there is more.
    "portal_page_size": 0,
    # How long each portal call takes to answer, ms (a portal far away; 0: at once).
    "portal_latency_ms": 0,
}
# The portal calls `portal_throttle_every` counts (and may refuse with 429); not Logout.
THROTTLED_PORTAL_OPERATIONS = ("ListAccounts", "ListAccountRoles", "GetRoleCredentials")
# What the portal answers when it throttles (its users have reported this body, with the
# code also in `__type`, namespace included; the Go SDK shows "HTTP 429 Unknown Code").
THROTTLE_MESSAGE = "HTTP 429 Unknown Code"
THROTTLE_TYPE = "com.amazonaws.switchboard.portal#TooManyRequestsException"
# The portal offers the sandbox's own account (123456789012 unless server.py --account).
DEFAULT_ASSIGNMENT = {"accountName": "Gatehouse Sandbox",
                      "emailAddress": "aws-sandbox@example.com",
                      "roles": ["PetsAdmin"]}
# RFC 8628 §6.1: consonants only, so no code spells a word; 20^8 codes.
USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"
# A device code may be polled twice back to back (the AWS CLI does: once before it shows the
# code, once right after); after that, at most once per `interval`.
POLL_BURST = 2.0


class OidcError(Exception):
    """An SSO OIDC error: HTTP status, the exception's name, the OAuth `error` value."""

    def __init__(self, status, code, error, description):
        super().__init__(description)
        self.status, self.code, self.error, self.description = status, code, error, description


class PortalError(Exception):
    """An SSO portal error: HTTP status, the exception's name, its message."""

    def __init__(self, status, code, message, body_type=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.body_type = body_type  # the body's `__type`, when the portal sends one


def throttled_portal():
    return PortalError(429, "TooManyRequestsException", THROTTLE_MESSAGE, THROTTLE_TYPE)


class ControlError(Exception):
    """A control request that cannot be carried out: 404 (unknown) or 409 (wrong status)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def invalid_request(description):
    return OidcError(400, "InvalidRequestException", "invalid_request", description)


def invalid_client(description="Invalid client id or client secret provided"):
    return OidcError(401, "InvalidClientException", "invalid_client", description)


def invalid_grant(description):
    return OidcError(400, "InvalidGrantException", "invalid_grant", description)


def unauthorized_portal():
    return PortalError(401, "UnauthorizedException", "Session token not found or invalid")


def _require(req, *names):
    for name in names:
        value = req.get(name)
        if not isinstance(value, str) or not value:
            raise invalid_request(f"{name} is required and must be a non-empty string")


def _string_list(req, name):
    value = req.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_request(f"{name} must be a list of strings")
    return list(value)


def _user_code():
    pick = lambda: "".join(secrets.choice(USER_CODE_LETTERS) for _ in range(4))  # noqa: E731
    return f"{pick()}-{pick()}"


class SsoState:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.config = dict(DEFAULTS)
            self.assignments = {account.current(): copy.deepcopy(DEFAULT_ASSIGNMENT)}
            self.clients, self.devices, self.user_codes = {}, {}, {}
            self.access_tokens, self.refresh_tokens = {}, {}
            self._reset_portal_counts()
            # Calls being answered now (kept by reset_portal_stats: they are still running).
            self.portal_in_flight = {op: 0 for op in THROTTLED_PORTAL_OPERATIONS}

    def _reset_portal_counts(self):
        """Portal calls and 429s so far, per operation; `phase` counts the calls since
        `portal_throttle_every` was last set (lock held)."""
        self.portal_counts = {op: {"calls": 0, "throttled": 0, "most_at_once": 0}
                              for op in THROTTLED_PORTAL_OPERATIONS}
        self.portal_phase = 0

    # ---- OIDC ----------------------------------------------------------------------
    def register_client(self, req):
        _require(req, "clientName", "clientType")
        if req["clientType"] != "public":
            raise OidcError(400, "InvalidClientMetadataException", "invalid_client_metadata",
                            f"Invalid client type: {req['clientType']} (only public clients "
                            "can be registered)")
        scopes = _string_list(req, "scopes")
        grants = _string_list(req, "grantTypes")
        for grant in grants:
            if grant not in KNOWN_GRANTS:
                raise OidcError(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                                f"Unsupported grant type: {grant}")
        now = int(time.time())
        with self.lock:
            client = {
                "clientId": secrets.token_urlsafe(16),
                "clientSecret": secrets.token_urlsafe(64),
                "clientName": req["clientName"],
                "clientType": "public",
                "scopes": scopes,
                "grantTypes": grants,
                "redirectUris": _string_list(req, "redirectUris"),
                "clientIdIssuedAt": now,
                "clientSecretExpiresAt": now + int(self.config["client_secret_expires_in"]),
            }
            self.clients[client["clientId"]] = client
        return {k: client[k] for k in
                ("clientId", "clientSecret", "clientIdIssuedAt", "clientSecretExpiresAt")}

    def _client(self, req, grant=None):
        """The registered client the request's id and secret name (lock held)."""
        client = self.clients.get(req["clientId"])
        if client is None or client["clientSecret"] != req["clientSecret"]:
            raise invalid_client()
        if time.time() >= client["clientSecretExpiresAt"]:
            raise invalid_client("Client secret has expired")
        if grant and client["grantTypes"] and grant not in client["grantTypes"]:
            raise OidcError(400, "UnauthorizedClientException", "unauthorized_client",
                            f"Client is not registered for grant type {grant}")
        return client

    def start_device_authorization(self, req):
        _require(req, "clientId", "clientSecret", "startUrl")
        now = time.time()
        with self.lock:
            client = self._client(req, DEVICE_GRANT)
            user_code = _user_code()
            while user_code in self.user_codes:
                user_code = _user_code()
            interval = int(self.config["interval"])
            device = {
                "deviceCode": secrets.token_urlsafe(48),
                "userCode": user_code,
                "clientId": client["clientId"],
                "startUrl": req["startUrl"],
                "status": "pending",  # approved, denied, expired, consumed
                "user": None,
                "issuedAt": now,
                "expiresAt": now + int(self.config["expires_in"]),
                "interval": interval,
                "polls": 0,
                "allowance": POLL_BURST,
                "lastPoll": None,
            }
            self.devices[device["deviceCode"]] = device
            self.user_codes[user_code] = device["deviceCode"]
        page = req["startUrl"].rstrip("/") + "/#/device"
        return {
            "deviceCode": device["deviceCode"],
            "userCode": user_code,
            "verificationUri": page,
            "verificationUriComplete": f"{page}?user_code={user_code}",
            "expiresIn": int(self.config["expires_in"]),
            "interval": interval,
        }

    def create_token(self, req):
        _require(req, "clientId", "clientSecret", "grantType")
        grant = req["grantType"]
        if grant not in (DEVICE_GRANT, REFRESH_GRANT):
            raise OidcError(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                            f"Unsupported grant type: {grant} (the sandbox serves "
                            f"{DEVICE_GRANT} and {REFRESH_GRANT})")
        with self.lock:
            client = self._client(req, grant)
            if grant == DEVICE_GRANT:
                _require(req, "deviceCode")
                return self._device_token(client, req["deviceCode"])
            _require(req, "refreshToken")
            return self._refresh(client, req["refreshToken"])

    def _device_status(self, device, now):
        if device["status"] in ("pending", "approved") and now >= device["expiresAt"]:
            device["status"] = "expired"
        return device["status"]

    def _device_token(self, client, device_code):
        now = time.time()
        device = self.devices.get(device_code)
        if device is None or device["clientId"] != client["clientId"]:
            raise invalid_grant("Invalid device code provided")
        device["polls"] += 1
        status = self._device_status(device, now)
        if status == "consumed":
            raise invalid_grant("Device code has already been exchanged for a token")
        if status == "denied":
            raise OidcError(400, "AccessDeniedException", "access_denied",
                            "Authorization was denied by the user")
        if status == "expired":
            raise OidcError(400, "ExpiredTokenException", "expired_token",
                            "Device code has expired")
        if self._too_fast(device, now):
            raise OidcError(400, "SlowDownException", "slow_down",
                            "Client is polling too fast; add 5 seconds to the interval")
        if status == "pending":
            raise OidcError(400, "AuthorizationPendingException", "authorization_pending",
                            "Authorization is still pending")
        device["status"] = "consumed"
        return self._issue(client, device["user"], device["startUrl"], client["scopes"])

    def _too_fast(self, device, now):
        """True when this poll must answer slow_down (lock held)."""
        if self.config["slow_down_once"]:
            self.config["slow_down_once"] = False
            device["lastPoll"] = now
            return True
        last, device["lastPoll"] = device["lastPoll"], now
        if not self.config["enforce_interval"] or last is None:
            device["allowance"] -= 1.0
            return False
        interval = max(device["interval"], 1e-3)
        device["allowance"] = min(POLL_BURST, device["allowance"] + (now - last) / interval)
        if device["allowance"] < 1.0:
            return True
        device["allowance"] -= 1.0
        return False

    def _refresh(self, client, refresh_token):
        old = self.refresh_tokens.get(refresh_token)
        if (old is None or old["clientId"] != client["clientId"] or old["revoked"]):
            raise invalid_grant("Invalid refresh token provided")
        old["revoked"] = True  # rotated: each refresh token works once
        return self._issue(client, old["user"], old["startUrl"], old["scopes"])

    def _issue(self, client, user, start_url, scopes):
        """A new access token (and a refresh token when the client registered scopes)."""
        now = time.time()
        expires_in = int(self.config["token_expires_in"])
        token = {
            "accessToken": "aoa" + secrets.token_urlsafe(64),
            "clientId": client["clientId"],
            "user": user,
            "startUrl": start_url,
            "scopes": list(scopes),
            "issuedAt": now,
            "expiresAt": now + expires_in,
            "revoked": False,
            "refreshToken": None,
        }
        answer = {"accessToken": token["accessToken"], "tokenType": "Bearer",
                  "expiresIn": expires_in}
        if scopes:  # the legacy (scope-less) registration gets no refresh token
            refresh = {"refreshToken": "aor" + secrets.token_urlsafe(64),
                       "clientId": client["clientId"], "user": user, "startUrl": start_url,
                       "scopes": list(scopes), "issuedAt": now, "revoked": False}
            self.refresh_tokens[refresh["refreshToken"]] = refresh
            token["refreshToken"] = answer["refreshToken"] = refresh["refreshToken"]
        self.access_tokens[token["accessToken"]] = token
        return answer

    # ---- portal --------------------------------------------------------------------
    def portal_session(self, access_token):
        """(user, assignments) for a valid access token; PortalError 401 otherwise."""
        with self.lock:
            token = self.access_tokens.get(access_token or "")
            if token is None or token["revoked"] or time.time() >= token["expiresAt"]:
                raise unauthorized_portal()
            return token["user"], copy.deepcopy(self.assignments)

    def portal_admit(self, op):
        """Count one ListAccounts / ListAccountRoles / GetRoleCredentials call; PortalError
        429 when it is the Nth since `portal_throttle_every` (N) was set."""
        with self.lock:
            counts = self.portal_counts[op]
            counts["calls"] += 1
            every = int(self.config["portal_throttle_every"])
            if not every:
                return
            self.portal_phase += 1
            if self.portal_phase % every == 0:
                counts["throttled"] += 1
                raise throttled_portal()

    def portal_answering(self, op):
        """A context for answering one portal call: it waits `portal_latency_ms` and counts
        how many calls of `op` were being answered at once (`most_at_once`)."""
        state = self

        class Answering:
            def __enter__(self):
                with state.lock:
                    state.portal_in_flight[op] += 1
                    counts = state.portal_counts[op]
                    counts["most_at_once"] = max(counts["most_at_once"],
                                                 state.portal_in_flight[op])
                    latency = int(state.config["portal_latency_ms"]) / 1000.0
                if latency:
                    time.sleep(latency)

            def __exit__(self, *exc):
                with state.lock:
                    state.portal_in_flight[op] -= 1
                return False

        return Answering()

    def portal_stats(self):
        """{"calls", "throttled", "throttle_every", "operations": {op: {"calls",
        "throttled", "most_at_once"}}}: GET /_sandbox/sso/portal."""
        with self.lock:
            return self._portal_stats()

    def _portal_stats(self):
        ops = {op: dict(c) for op, c in self.portal_counts.items()}
        return {"calls": sum(c["calls"] for c in ops.values()),
                "most_at_once": max(c["most_at_once"] for c in ops.values()),
                "throttled": sum(c["throttled"] for c in ops.values()),
                "throttle_every": int(self.config["portal_throttle_every"]),
                "operations": ops}

    def reset_portal_stats(self):
        """Zero the portal's counts (and the throttle's phase); the counts before."""
        with self.lock:
            before = self._portal_stats()
            self._reset_portal_counts()
            return before

    def logout(self, access_token):
        with self.lock:
            token = self.access_tokens.get(access_token or "")
            if token is None or token["revoked"]:
                raise unauthorized_portal()
            token["revoked"] = True
            if token["refreshToken"] in self.refresh_tokens:
                self.refresh_tokens[token["refreshToken"]]["revoked"] = True

    # ---- control -------------------------------------------------------------------
    def _find_device(self, req):
        if req.get("deviceCode"):
            code = req["deviceCode"]
        elif req.get("userCode"):
            code = self.user_codes.get(str(req["userCode"]).upper())
        else:
            raise ValueError("give userCode or deviceCode")
        device = self.devices.get(code or "")
        if device is None:
            raise ControlError(404, "no such device authorization")
        return device

    def _decide(self, req, status):
        with self.lock:
            device = self._find_device(req)
            current = self._device_status(device, time.time())
            if current != "pending":
                raise ControlError(409, f"device authorization is {current}, not pending")
            device["status"] = status
            if status == "approved":
                device["user"] = str(req.get("user") or self.config["user"])
            return self._public_device(device)

    def approve(self, req):
        return self._decide(req, "approved")

    def deny(self, req):
        return self._decide(req, "denied")

    def expire(self, req):
        """Expire a device code (deviceCode/userCode), an access token, or a refresh token."""
        with self.lock:
            if req.get("accessToken"):
                token = self.access_tokens.get(req["accessToken"])
                if token is None:
                    raise ControlError(404, "no such access token")
                token["expiresAt"] = min(token["expiresAt"], time.time())
                return {"accessToken": token["accessToken"], "expiresAt": token["expiresAt"]}
            if req.get("refreshToken"):
                refresh = self.refresh_tokens.get(req["refreshToken"])
                if refresh is None:
                    raise ControlError(404, "no such refresh token")
                refresh["revoked"] = True
                return {"refreshToken": refresh["refreshToken"], "revoked": True}
            device = self._find_device(req)
            if device["status"] in ("pending", "approved"):
                device["status"] = "expired"
            device["expiresAt"] = min(device["expiresAt"], time.time())
            return self._public_device(device)

    def configure(self, req):
        unknown = set(req) - set(DEFAULTS) - {"assignments"}
        if unknown:
            raise ValueError(f"unknown sso config keys: {sorted(unknown)} "
                             f"(known: {sorted(DEFAULTS) + ['assignments']})")
        new = {}
        for key, value in req.items():
            if key == "assignments":
                continue
            kind = type(DEFAULTS[key])
            if kind is bool and not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false")
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)
                                or value < 0):
                raise ValueError(f"{key} must be a whole number >= 0")
            if kind is str and (not isinstance(value, str) or not value):
                raise ValueError(f"{key} must be a non-empty string")
            new[key] = value
        assignments = req.get("assignments")
        if assignments is not None:
            assignments = self._check_assignments(assignments)
        with self.lock:
            self.config.update(new)
            if "portal_throttle_every" in new:  # the Nth call from now on
                self.portal_phase = 0
            if assignments is not None:
                self.assignments = assignments
            return self._public_config()

    @staticmethod
    def _check_assignments(value):
        """{account id: {"accountName", "emailAddress", "roles": [...]}}, checked."""
        if not isinstance(value, dict):
            raise ValueError("assignments must be {accountId: {accountName, emailAddress, roles}}")
        out = {}
        for account_id, info in value.items():
            if not (isinstance(account_id, str) and account_id.isdigit() and len(account_id) == 12):
                raise ValueError(f"assignments: {account_id!r} is not a 12-digit account id")
            roles = info.get("roles") if isinstance(info, dict) else None
            if not isinstance(roles, list) or not all(isinstance(r, str) and r for r in roles):
                raise ValueError(f"assignments.{account_id}.roles must be a list of role names")
            out[account_id] = {"accountName": str(info.get("accountName") or account_id),
                               "emailAddress": str(info.get("emailAddress")
                                                   or f"aws+{account_id}@example.com"),
                               "roles": list(roles)}
        return out

    def _public_config(self):
        return {**self.config, "assignments": copy.deepcopy(self.assignments)}

    def _public_device(self, device):
        return {k: v for k, v in device.items() if k not in ("allowance", "lastPoll")}

    def snapshot(self):
        """Everything, secrets included (it is a sandbox): for GET /_sandbox/sso/state."""
        with self.lock:
            now = time.time()
            for device in self.devices.values():
                self._device_status(device, now)
            tokens = [dict(t, expired=now >= t["expiresAt"]) for t in self.access_tokens.values()]
            return {
                "config": self._public_config(),
                "clients": [dict(c) for c in self.clients.values()],
                "devices": [self._public_device(d) for d in self.devices.values()],
                "accessTokens": tokens,
                "refreshTokens": [dict(r) for r in self.refresh_tokens.values()],
                "portal": self._portal_stats(),
            }
