"""Cognito (cognito-idp) fixes, installed by patches.apply().

* ListUserPools: AWS requires MaxResults within 1..60; moto accepts anything.
* CreateUserPool: moto parses its one bundled RSA signing key again for every
  pool (~0.15 s each); parse it once. Tokens and JWKS are unchanged.
* InitiateAuth / AdminInitiateAuth: moto signs in through any client; Cognito
  refuses the password flows a client's ExplicitAuthFlows do not allow. moto's
  AdminInitiateAuth names the user as the message of a wrong password.
"""

import functools
import json
import types

from moto.cognitoidp.exceptions import InvalidParameterException, NotAuthorizedError
from moto.cognitoidp.models import cognitoidp_backends

# Cognito's flows for a client created without ExplicitAuthFlows.
DEFAULT_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# AuthFlow -> the ExplicitAuthFlows values (current and legacy spelling) that allow it.
ALLOWED_BY = {
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
}
ADMIN_PASSWORD_FLOWS = ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")


def wrap_list_user_pools(original):
    @functools.wraps(original)
    def list_user_pools(self):
        value = self._get_param("MaxResults")
        if value is None:
            raise InvalidParameterException(
                "1 validation error detected: Value null at 'maxResults' failed "
                "to satisfy constraint: Member must not be null"
            )
        if not 1 <= int(value) <= 60:
            bound = "less than or equal to 60" if int(value) > 60 else (
                "greater than or equal to 1")
            raise InvalidParameterException(
                f"1 validation error detected: Value '{value}' at 'maxResults' "
                f"failed to satisfy constraint: Member must have value {bound}"
            )
        return original(self)

    return list_user_pools


def cached_jwk_module(real_jwk):
    """A stand-in for joserfc's `jwk` module in moto.cognitoidp.models whose
    RSAKey.import_key parses moto's single bundled key only once."""
    cache = {}

    def import_key(data, *args, **kwargs):
        key = json.dumps(data, sort_keys=True) if isinstance(data, dict) else data
        if key not in cache:
            cache[key] = real_jwk.RSAKey.import_key(data, *args, **kwargs)
        return cache[key]

    shim = types.SimpleNamespace(**{n: getattr(real_jwk, n) for n in dir(real_jwk)
                                    if not n.startswith("__")})
    shim.RSAKey = types.SimpleNamespace(import_key=import_key)
    return shim


def _flow_allowed(client, flow):
    flows = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_FLOWS
    return bool(ALLOWED_BY[flow] & set(flows))


def _client_anywhere(client_id):
    """InitiateAuth is unsigned: moto, too, looks for the client in every region."""
    for per_account in cognitoidp_backends.values():
        for region, backend in per_account.items():
            if region == "global":
                continue
            for pool in backend.user_pools.values():
                if client_id in pool.clients:
                    return pool.clients[client_id]
    return None


def wrap_auth_flow_checks(initiate_auth, admin_initiate_auth):
    """(InitiateAuth, AdminInitiateAuth) that refuse flows the client does not allow, as
    Cognito does; unknown clients and pools are left to moto's own errors."""
    @functools.wraps(initiate_auth)
    def checked_initiate_auth(self):
        if self._get_param("AuthFlow") == "USER_PASSWORD_AUTH":
            client = _client_anywhere(self._get_param("ClientId"))
            if client is not None and not _flow_allowed(client, "USER_PASSWORD_AUTH"):
                raise InvalidParameterException(
                    "USER_PASSWORD_AUTH flow not enabled for this client")
        return initiate_auth(self)

    @functools.wraps(admin_initiate_auth)
    def checked_admin_initiate_auth(self):
        flow = self._get_param("AuthFlow")
        pool = self.backend.user_pools.get(self._get_param("UserPoolId"))
        client = pool.clients.get(self._get_param("ClientId")) if pool else None
        if flow not in ADMIN_PASSWORD_FLOWS or client is None:
            return admin_initiate_auth(self)
        if not _flow_allowed(client, flow):
            raise InvalidParameterException("Auth flow not enabled for this client")
        params = self._get_param("AuthParameters") or {}
        user = pool.users.get(params.get("USERNAME"))
        if user is not None and user.enabled and user.password != params.get("PASSWORD"):
            raise NotAuthorizedError("Incorrect username or password.")
        return admin_initiate_auth(self)

    return checked_initiate_auth, checked_admin_initiate_auth
