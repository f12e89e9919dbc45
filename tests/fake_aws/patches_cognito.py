"""Cognito (cognito-idp) fixes, installed by patches.apply().

* ListUserPools: AWS requires MaxResults within 1..60; moto accepts anything.
* CreateUserPool: moto parses its one bundled RSA signing key again for every
  pool (~0.15 s each); parse it once. Tokens and JWKS are unchanged.
"""

import functools
import json
import types

from moto.cognitoidp.exceptions import InvalidParameterException


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

