"""Cognito-style JWTs in the sandbox: minting them (POST /_sandbox/mint-token) and checking
them as an API Gateway COGNITO_USER_POOLS authorizer does (TestInvokeAuthorizer, patches.py).

Both use moto's one bundled RSA key: the key moto signs InitiateAuth tokens with and whose
public half it serves at /POOL_ID/.well-known/jwks.json, so minted tokens verify like real ones.
Callers hold the sandbox's backend lock (the user pools are read for `sub` and `email`).
"""

import functools
import json
import re
import time
import uuid

from joserfc import errors, jwk, jwt
from moto.cognitoidp.models import cognitoidp_backends
from moto.utilities.utils import load_resource

import account

HEADER = {"kid": "dummy", "alg": "RS256"}  # moto's create_jwt; joserfc adds "typ": "JWT"
DEFAULT_SCOPE = "aws.cognito.signin.user.admin"  # what Cognito puts in InitiateAuth access tokens
_POOL_ARN = re.compile(r"^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):(\d{12}):userpool/(.+)$")


@functools.lru_cache(maxsize=None)
def _private_key():
    return jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


@functools.lru_cache(maxsize=None)
def _public_keys():
    return jwk.KeySet.import_key_set(load_resource("cognitoidp/resources/jwks-public.json"))


def issuer(region, pool_id):
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def _pool(account_id, region, pool_id):
    try:
        return cognitoidp_backends[account_id][region].user_pools.get(pool_id)
    except KeyError:  # not a region moto knows
        return None


# --------------------------------------------------------------------------- minting


def _int(req, key, default):
    value = req.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be a whole number of seconds")
    return value


def mint(req):
    """{"region"?, "pool_id", "token_use", "client_id", "username", "scope"?, "expires_in"?,
    "issued_ago"?, "claims"?, "account"?} -> {"token", "claims"}, shaped like Cognito's tokens."""
    for key in ("pool_id", "token_use", "client_id", "username"):
        if not isinstance(req.get(key), str) or not req[key]:
            raise ValueError(f"{key} (a non-empty string) is required")
    token_use = req["token_use"]
    if token_use not in ("id", "access"):
        raise ValueError('token_use must be "id" or "access"')
    pool_id, username = req["pool_id"], req["username"]
    region = req.get("region") or pool_id.partition("_")[0]
    scope = req.get("scope", DEFAULT_SCOPE)
    extra = req.get("claims") or {}
    if not isinstance(scope, str) or not isinstance(extra, dict):
        raise ValueError("scope must be a string and claims an object")
    now = int(time.time())
    issued = now - _int(req, "issued_ago", 0)
    iss = issuer(region, pool_id)

    pool = _pool(req.get("account") or account.current(), region, pool_id)
    user = pool.users.get(username) if pool else None
    attributes = {a["Name"]: a["Value"] for a in (user.attributes if user else [])}
    claims = {
        # a pool's user keeps the sub moto gave them; anyone else gets a stable made-up one
        "sub": user.id if user else str(uuid.uuid5(uuid.NAMESPACE_URL, f"{iss}/{username}")),
        "iss": iss,
        "token_use": token_use,
        "auth_time": issued,
        "iat": issued,
        "exp": now + _int(req, "expires_in", 3600),
        "jti": str(uuid.uuid4()),
        "origin_jti": str(uuid.uuid4()),
    }
    if token_use == "id":
        claims.update({"aud": req["client_id"], "cognito:username": username})
        if "email" in attributes:
            claims["email"] = attributes["email"]
    else:
        claims.update({"client_id": req["client_id"], "username": username, "scope": scope})
    claims.update(extra)
    return {"token": jwt.encode(HEADER, claims, _private_key()), "claims": claims}


# --------------------------------------------------------------------------- checking


def claim_strings(claims):
    """Claims as API Gateway hands them on: every value a string (numbers in decimal, booleans
    as true/false, lists and objects as compact JSON)."""
    def text(value):
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        return json.dumps(value, separators=(",", ":"))
    return {k: text(v) for k, v in claims.items()}


def check_for_cognito_authorizer(token, provider_arns, validation_regex):
    """What a COGNITO_USER_POOLS authorizer's test concludes about `token`: (claims, None) when
    it is let through, or (None, why) when it is refused (401)."""
    if not token:
        return None, "the identity source header is missing or empty"
    try:
        decoded = jwt.decode(token, _public_keys(), algorithms=["RS256"])
    except errors.BadSignatureError:
        return None, "the token's signature does not verify against the user pool's keys"
    except (errors.JoseError, ValueError) as exc:
        return None, f"the token is not a valid RS256 JWT of the user pool ({exc})"
    claims = decoded.claims

    issuers = {}
    for arn in provider_arns or []:
        match = _POOL_ARN.match(arn)
        if match:
            region, account_id, pool_id = match.groups()
            issuers[issuer(region, pool_id)] = (account_id, region, pool_id)
    iss = claims.get("iss")
    if not isinstance(iss, str) or iss not in issuers:
        return None, (f"the token's issuer {iss!r} is not one of the authorizer's user pools "
                      f"({', '.join(sorted(issuers)) or 'none'})")
    if _pool(*issuers[iss]) is None:
        pool_id = issuers[iss][2]
        return None, f"user pool {pool_id} does not exist (its keys cannot be fetched)"

    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return None, "the token has no numeric exp claim"
    if exp <= time.time():
        return None, f"the token expired at {int(exp)} ({int(time.time() - exp)} s ago)"
    if claims.get("token_use") != "id":
        return None, (f"token_use is {claims.get('token_use')!r}; a Cognito authorizer's test "
                      f"accepts ID tokens only")
    if validation_regex:
        aud = claims.get("aud")
        try:
            matches = isinstance(aud, str) and re.fullmatch(validation_regex, aud)
        except re.error as exc:
            return None, f"the identityValidationExpression is not a valid regex ({exc})"
        if not matches:
            return None, (f"the token's aud {aud!r} does not match the authorizer's "
                          f"identityValidationExpression {validation_regex!r}")
    return claim_strings(claims), None
