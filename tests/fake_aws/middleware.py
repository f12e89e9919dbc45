"""WSGI middleware in front of moto: call counting, throttling, injected
failures, region-level errors (region_errors.py), latency, and the /_sandbox/*
control endpoints (see control.py).
What moto lacks is answered here too: SSO OIDC and the SSO portal
(sso_http.py), and AssumeRole's MFA, trust and external id checks and record (sts_mfa.py).

Every AWS request is passed to moto while holding one lock (`backend_lock`):
moto's in-memory backends are not thread-safe, and the control endpoints
write into the same backends. Injected latency is spent outside the lock.
"""

import io
import json
import random
import threading
import time
from http import HTTPStatus

import account
import control
import ops
import patches
import region_errors
import routes_v2
import sso
import sso_http
import sts_mfa

DEFAULT_RATE, DEFAULT_BURST = 10.0, 40.0  # API Gateway control-plane quota
DEFAULT_DEPLOYMENT_INTERVAL = 5.0  # CreateDeployment: 1 per 5 s
# GetResources: 5 requests every 2 s per account, on top of the total quota.
GET_RESOURCES = "GetResources"
DEFAULT_GET_RESOURCES_RATE, DEFAULT_GET_RESOURCES_BURST = 2.5, 5.0
# REST (v1) and HTTP (v2) deployments share the interval (one account-wide quota here).
DEPLOYMENTS = ("CreateDeployment", ops.V2_PREFIX + "CreateDeployment")
# Whose quota a call draws from: the whole sandbox's (one sandbox stands for one account), or
# the account of the keys that signed it (one sandbox holds many accounts). AWS's quotas page
# states the control-plane quotas (total operations, GetResources, CreateDeployment) "per
# account", with no region: one account's regions share them, as Gatehouse's pacer assumes.
THROTTLE_SCOPES = ("sandbox", "account")


def aws_error(start_response, status, code, message, headers=()):
    """Answer like an AWS JSON service: x-amzn-ErrorType header plus
    {"message", "__type"} body (what the AWS SDKs read the code from)."""
    body = json.dumps({"message": message, "__type": code}).encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("x-amzn-ErrorType", code),
            ("x-amzn-RequestId", f"sandbox-{time.monotonic_ns()}"),
            *headers,
        ],
    )
    return [body]


class TokenBucket:
    """`rate` tokens per second, holding at most `burst`; starts full."""

    def __init__(self, rate, burst):
        self.rate, self.burst = float(rate), float(burst)
        self.tokens, self.stamp = self.burst, time.monotonic()

    def ready(self, now=None):
        """True when a token is there (refills first; takes nothing)."""
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens >= 1.0

    def take(self):
        if self.ready():
            self.tokens -= 1.0
            return True
        return False


class Quota:
    """The API Gateway quotas one caller draws from (the sandbox's, or one account's): every
    call's bucket, GetResources' own bucket, the deployment interval. Starts full."""

    def __init__(self, throttle):
        self.interval = throttle["deployment_interval"]
        self.bucket = TokenBucket(throttle["rate"], throttle["burst"])
        self.get_resources = None
        if throttle["get_resources_rate"] is not None:
            self.get_resources = TokenBucket(throttle["get_resources_rate"],
                                             throttle["get_resources_burst"])
        self.last_deployment = None

    def admit(self, op, now):
        """True (and the call's tokens taken) when the call passes every quota it falls
        under; a refused call uses up none of them."""
        buckets = [self.bucket]
        if op == GET_RESOURCES and self.get_resources is not None:
            buckets.append(self.get_resources)
        if not all([bucket.ready(now) for bucket in buckets]):  # refill every one
            return False
        if op in DEPLOYMENTS:
            if self.last_deployment is not None and now - self.last_deployment < self.interval:
                return False
            self.last_deployment = now
        for bucket in buckets:
            bucket.tokens -= 1.0
        return True


def _throttle_config(throttle):
    """The full throttle dict from a partial one (None: throttling off). ValueError if bad."""
    if throttle is None:
        return None
    if not isinstance(throttle, dict):
        raise ValueError("throttle must be an object or null")
    out = {
        "rate": float(throttle.get("rate", DEFAULT_RATE)),
        "burst": float(throttle.get("burst", DEFAULT_BURST)),
        "deployment_interval": float(throttle.get(
            "deployment_interval", DEFAULT_DEPLOYMENT_INTERVAL)),
        "get_resources_rate": throttle.get("get_resources_rate", DEFAULT_GET_RESOURCES_RATE),
        "get_resources_burst": float(throttle.get(
            "get_resources_burst", DEFAULT_GET_RESOURCES_BURST)),
        "per": throttle.get("per", "sandbox"),
    }
    if out["per"] not in THROTTLE_SCOPES:
        raise ValueError(f"throttle.per must be one of {', '.join(THROTTLE_SCOPES)}")
    if out["rate"] <= 0 or out["burst"] < 1:
        raise ValueError("throttle needs rate > 0 and burst >= 1")
    if out["get_resources_rate"] is not None:  # null: no GetResources quota of its own
        out["get_resources_rate"] = float(out["get_resources_rate"])
        if out["get_resources_rate"] <= 0 or out["get_resources_burst"] < 1:
            raise ValueError("throttle needs get_resources_rate > 0 (or null) and "
                             "get_resources_burst >= 1")
    return out


class SandboxState:
    """Runtime configuration and counters; every method is thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.backend_lock = threading.RLock()
        # dict(rate, burst, deployment_interval, get_resources_rate, get_resources_burst, per)
        # or None; `quotas` holds the Quota of the sandbox (key None) or of each account seen,
        # made full on an account's first call.
        self.throttle = None
        self.quotas = {}
        # access key id -> the account moto takes it to be from (keys never change account).
        self.key_accounts = {}
        self.failure_rate = 0.0
        self.failure_operations = ["UpdateMethod"]
        self.seed = None
        self.rng = random.Random()
        self.latency_ms = 0.0
        # operation -> [status, code, message]: every API Gateway call of that operation gets
        # this AWS error (AccessDenied, an expired token...), for tests of how errors read.
        self.errors = {}
        # region -> [status, code, message]: every API Gateway call signed for that region
        # gets this AWS error (region_errors.py).
        self.region_errors = {}
        # Calls left before the credentials "expire" (every signed call then answers 403
        # ExpiredTokenException until this is set back to None); None: they never expire.
        self.expire_credentials_after = None
        # operation -> n: the next n calls are carried out by moto, then answered 500 as if the
        # answer were lost (for tests of what Gatehouse does after an ambiguous failure).
        self.lose_answers = {}
        # True: every user pool's JWKS document answers 503 (tests of an unreachable key set).
        self.jwks_unavailable = False
        # role ARN -> the one-time code AssumeRole must carry (sts_mfa.py).
        self.mfa_required = {}
        # role ARNs whose AssumeRole is refused (AccessDenied), and role ARN -> the ExternalId
        # AssumeRole must carry (else refused the same way); sts_mfa.py.
        self.assume_role_denied = []
        self.external_ids = {}
        self.assume_role_calls = []  # every AssumeRole's parameters and answer (sts_mfa.py)
        # access key id -> {operation: ms}: that key's answers to that operation are computed
        # at once, then held back for ms before they are sent (a slow read whose answer is
        # already stale when it arrives: tests of what a writer reads before it plans).
        self.slow_answers = {}
        # operation -> [status, content type, body]: answered as something that is not AWS
        # would answer it (a proxy's HTML error page, an empty body, a captive portal).
        self.foreign_answers = {}
        self.sso = sso.SsoState()  # IAM Identity Center sign-in (sso.py, sso_http.py)
        self.reset_stats()

    # ---- configuration -------------------------------------------------
    def configure(self, cfg):
        """Apply a partial config dict (keys as in GET /_sandbox/config).
        Raises ValueError on bad input, before changing anything."""
        cfg = dict(cfg)
        throttle = _throttle_config(cfg.get("throttle", self.throttle))
        rate = float(cfg.get("failure_rate", self.failure_rate) or 0.0)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("failure_rate must be within [0, 1]")
        failure_ops = list(cfg.get("failure_operations", self.failure_operations))
        errors = dict(cfg.get("errors", self.errors) or {})
        # Operation names are matched exactly as stats show them ("UpdateMethod",
        # "v2:UpdateRoute"): a misspelt one would silently never fire.
        for key in ("failure_operations", "errors", "lose_answers"):
            for op in cfg.get(key) or ():
                ops.check_operation_name(op)
        for op, spec in errors.items():
            if not (isinstance(spec, (list, tuple)) and len(spec) == 3):
                raise ValueError(f"errors.{op} must be [status, code, message]")
        if "region_errors" in cfg:  # replaces the whole map
            new_region_errors = region_errors.check(cfg["region_errors"])
        latency = float(cfg.get("latency_ms", self.latency_ms) or 0.0)
        if latency < 0:
            raise ValueError("latency_ms must be >= 0")
        expire = cfg.get("expire_credentials_after", self.expire_credentials_after)
        if expire is not None and (not isinstance(expire, int) or expire < 0):
            raise ValueError("expire_credentials_after must be a count >= 0, or null")
        lose = dict(cfg.get("lose_answers", self.lose_answers) or {})
        for op, n in lose.items():
            if not isinstance(n, int) or n < 0:
                raise ValueError(f"lose_answers.{op} must be a count >= 0")
        jwks_unavailable = cfg.get("jwks_unavailable", self.jwks_unavailable)
        if not isinstance(jwks_unavailable, bool):
            raise ValueError("jwks_unavailable must be true or false")
        slow = dict(cfg.get("slow_answers", self.slow_answers) or {})
        for key, per_op in slow.items():
            if not isinstance(per_op, dict):
                raise ValueError(f"slow_answers.{key} must map operations to milliseconds")
            for op, ms in per_op.items():
                ops.check_operation_name(op)
                if not isinstance(ms, (int, float)) or ms < 0:
                    raise ValueError(f"slow_answers.{key}.{op} must be milliseconds >= 0")
        foreign = dict(cfg.get("foreign_answers", self.foreign_answers) or {})
        for op, spec in foreign.items():
            ops.check_operation_name(op)
            if not (isinstance(spec, (list, tuple)) and len(spec) == 3
                    and isinstance(spec[0], int) and all(isinstance(x, str) for x in spec[1:])):
                raise ValueError(f"foreign_answers.{op} must be [status, content type, body]")
        mfa_required = cfg.get("mfa_required", self.mfa_required)
        mfa_required = sts_mfa.check_config(mfa_required or {})
        denied = sts_mfa.check_denied(cfg.get("assume_role_denied", self.assume_role_denied)
                                      or [])
        external_ids = sts_mfa.check_external_ids(
            cfg.get("external_ids", self.external_ids) or {})
        races = {"race_update_method": patches.RACE, "race_update_route": routes_v2.RACE}
        for key in races:
            race = cfg.get(key)
            if race is not None and (not isinstance(race, int) or race < 0):
                raise ValueError(f"{key} must be a count >= 0")
        with self.lock:
            for key, left in races.items():
                if cfg.get(key) is not None:
                    left["left"] = cfg[key]
            if "throttle" in cfg:  # (re)start with full buckets
                self.throttle = throttle
                self.quotas = {}
            if "region_errors" in cfg:
                self.region_errors = new_region_errors
            self.failure_rate = rate
            self.failure_operations = failure_ops
            self.latency_ms = latency
            self.errors = errors
            self.expire_credentials_after = expire
            self.lose_answers = lose
            self.jwks_unavailable = jwks_unavailable
            self.mfa_required = mfa_required
            self.assume_role_denied = denied
            self.external_ids = external_ids
            self.slow_answers = {k: dict(v) for k, v in slow.items()}
            self.foreign_answers = {op: list(v) for op, v in foreign.items()}
            if "seed" in cfg:
                self.seed = cfg["seed"]
                self.rng = random.Random(self.seed)
        return self.config()

    def merge_region_errors(self, changes):
        """Set or clear (null) the named regions' errors, keeping the others
        (POST /_sandbox/region-errors). Returns the full config."""
        region_errors.check(changes)  # bad input changes nothing
        with self.lock:
            self.region_errors = region_errors.check(changes, self.region_errors)
        return self.config()

    def config(self):
        with self.lock:
            return {
                "throttle": dict(self.throttle) if self.throttle else None,
                "failure_rate": self.failure_rate,
                "failure_operations": list(self.failure_operations),
                "seed": self.seed,
                "latency_ms": self.latency_ms,
                "errors": dict(self.errors),
                "region_errors": {r: list(s) for r, s in self.region_errors.items()},
                "expire_credentials_after": self.expire_credentials_after,
                "lose_answers": dict(self.lose_answers),
                "jwks_unavailable": self.jwks_unavailable,
                "mfa_required": dict(self.mfa_required),
                "assume_role_denied": list(self.assume_role_denied),
                "external_ids": dict(self.external_ids),
                "slow_answers": {k: dict(v) for k, v in self.slow_answers.items()},
                "foreign_answers": {op: list(v) for op, v in self.foreign_answers.items()},
            }

    # ---- counters --------------------------------------------------------
    def reset_stats(self):
        with self.lock:
            old = getattr(self, "_stats", None)
            self._stats = {"calls": {}, "throttled": {}, "failures": {}, "by_account": {},
                           "since": time.time()}
        return old

    def count(self, kind, service, op):
        with self.lock:
            per_service = self._stats[kind].setdefault(service, {})
            per_service[op] = per_service.get(op, 0) + 1

    def count_account(self, account_id, op, throttled=False):
        """One API Gateway call of `account_id` (`by_account` in the stats): every call, the
        429s among them, and GetResources (429s included, as `calls` counts them)."""
        with self.lock:
            counts = self._stats["by_account"].setdefault(
                account_id, {"calls": 0, "throttled": 0, "get_resources": 0})
            if throttled:
                counts["throttled"] += 1
                return
            counts["calls"] += 1
            if op == GET_RESOURCES:
                counts["get_resources"] += 1

    def account_of(self, environ):
        """The account whose keys signed this request (moto's own rule, account.py)."""
        key, _, _ = ops.credential_scope(environ)
        key = key or ""
        with self.lock:
            known = self.key_accounts.get(key)
        if known is None:
            with self.backend_lock:  # reads moto's IAM backends
                known = account.of_access_key(key)
            with self.lock:
                self.key_accounts[key] = known
        return known

    def stats(self):
        with self.lock:
            snap = json.loads(json.dumps(self._stats))
        snap["totals"] = {
            kind: sum(sum(v.values()) for v in snap[kind].values())
            for kind in ("calls", "throttled", "failures")
        }
        return snap

    # ---- decisions -------------------------------------------------------
    def admit(self, op, account_id):
        """False when an API Gateway call of `account_id` must be throttled (429): it must
        pass every quota it falls under, the sandbox's or (throttle `per` "account") its
        account's own; a refused call uses up none of them."""
        with self.lock:
            if self.throttle is None:
                return True
            key = account_id if self.throttle["per"] == "account" else None
            quota = self.quotas.get(key)
            if quota is None:
                quota = self.quotas[key] = Quota(self.throttle)
            return quota.admit(op, time.monotonic())

    def answer_delay(self, environ, op):
        """Seconds to hold back the answer to this caller's call (slow_answers), or 0."""
        key, _, _ = ops.credential_scope(environ)
        with self.lock:
            ms = self.slow_answers.get(key or "", {}).get(op, 0)
        return ms / 1000.0

    def region_error(self, region):
        """None, or the [status, code, message] every API Gateway call in `region` gets."""
        with self.lock:
            return self.region_errors.get(region)

    def credentials_expired(self):
        """True when the credentials have "expired": counts down one call each time."""
        with self.lock:
            if self.expire_credentials_after is None:
                return False
            if self.expire_credentials_after <= 0:
                return True
            self.expire_credentials_after -= 1
            return False

    def lose_answer(self, op):
        """True when this call's answer must be lost after moto carried it out."""
        with self.lock:
            left = self.lose_answers.get(op, 0)
            if left <= 0:
                return False
            self.lose_answers[op] = left - 1
            return True

    def injected_failure(self, op):
        """None, or (status, code, message) for a call that must fail."""
        with self.lock:
            if op in self.errors:
                status, code, message = self.errors[op]
                return int(status), code, message
            if self.failure_rate <= 0 or op not in self.failure_operations:
                return None
            if self.rng.random() >= self.failure_rate:
                return None
            if self.rng.random() < 0.5:
                return 500, "InternalFailure", (
                    "Internal server error (failure injected by the sandbox)")
            return 503, "ServiceUnavailableException", (
                "Service unavailable (failure injected by the sandbox)")


class SandboxMiddleware:
    def __init__(self, app, state=None):
        self.app = app
        self.state = state or SandboxState()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/_sandbox/"):
            return control.handle(self.state, environ, start_response)

        # Read the body once and put it back for moto (query-protocol
        # services carry the operation name in the form body).
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        service, op = ops.identify(environ, body)
        state = self.state
        state.count("calls", service, op)

        if state.latency_ms:
            time.sleep(state.latency_ms / 1000.0)

        if service in sso_http.SERVICES:  # unsigned: no credentials to expire
            return sso_http.handle(state, service, op, environ, body, start_response)

        assume_role = None
        if service == "sts" and op == "AssumeRole":
            assume_role = sts_mfa.record(state, environ, body)
            start_response = sts_mfa.noting_status(assume_role, start_response)

        if op == "GetJWKS" and state.jwks_unavailable:
            state.count("failures", service, op)
            return aws_error(start_response, 503, "ServiceUnavailableException",
                             "Service Unavailable (the sandbox's jwks_unavailable is on)")

        if op != "GetJWKS" and state.credentials_expired():
            state.count("failures", service, op)
            return aws_error(start_response, 403, "ExpiredTokenException",
                             "The security token included in the request is expired")

        if assume_role is not None:
            refusal = sts_mfa.denial(state, assume_role)
            if refusal:
                return sts_mfa.refuse(assume_role, start_response, refusal)

        with state.lock:
            foreign = state.foreign_answers.get(op)
        if foreign:  # not an AWS answer: nothing is applied
            state.count("failures", service, op)
            status, content_type, text = foreign
            reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
            body = text.encode()
            start_response(f"{status} {reason}".strip(), [
                ("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]

        if service == "apigateway":
            _, region, _ = ops.credential_scope(environ)
            caller = state.account_of(environ)
            state.count_account(caller, op)
            denied = state.region_error(region)
            if denied:  # the region refuses the caller: nothing is applied, no quota used
                state.count("failures", service, op)
                return aws_error(start_response,
                                 *region_errors.render(denied, region, environ))
            if not state.admit(op, caller):
                state.count("throttled", service, op)
                state.count_account(caller, op, throttled=True)
                return aws_error(start_response, 429, "TooManyRequestsException",
                                 "Too Many Requests")
            failure = state.injected_failure(op)
            if failure:  # answered before moto sees it: nothing is applied
                state.count("failures", service, op)
                return aws_error(start_response, *failure)

        if state.lose_answer(op):
            self._call_moto(environ, lambda *a, **k: None, service)
            state.count("failures", service, op)
            return aws_error(start_response, 500, "InternalFailure",
                             "Internal server error (answer lost by the sandbox)")
        delay = state.answer_delay(environ, op)
        if delay:
            return self._call_moto(environ, start_response, service, delay)
        return self._call_moto(environ, start_response, service)

    def _call_moto(self, environ, start_response, service, delay=0.0):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("early", []).append(data)

        with self.state.backend_lock:
            result = self.app(environ, capture)
            try:
                chunks = captured.get("early", []) + list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        payload = b"".join(chunks)
        if delay:  # the answer is what moto held before the wait, outside the backend lock
            time.sleep(delay)
        headers = captured["headers"]
        if service == "apigateway" and payload.startswith(b"{"):
            # moto labels many API Gateway answers text/html; AWS says JSON.
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
            headers.append(("Content-Type", "application/json"))
        start_response(captured["status"], headers)
        return [payload]
