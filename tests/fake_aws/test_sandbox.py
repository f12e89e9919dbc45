"""Self-check of the sandbox: `python test_sandbox.py` (plain asserts).

Starts server.py on a free loopback port as a subprocess, seeds it, and runs the checks of
the behaviour Gatehouse relies on, by topic: REST methods and authorizers (test_rest.py),
faults and counters (test_faults.py), Cognito tokens (test_tokens.py), HTTP/WebSocket APIs
(test_http_apis.py), what stages serve (test_stages.py, test_stages_http.py), SSO sign-in and
STS MFA (test_sso.py), the AWS CLI's SSO sign-in (test_sso_cli.py), accounts, region errors,
the GetResources quota, seed_sweep.py and the SARIF validator (test_sweep.py), CloudFormation
stacks that own REST APIs (test_stacks.py), many accounts behind one SSO sign-in or in one
organization, portal 429s, AssumeRole refusals and external ids (test_accounts.py), API
Gateway's quotas per account and APIs spread over regions (test_account_quotas.py). Each of those
modules has TESTS and a global `S`, set to this module (its URL, SUMMARY and helpers).
Ends with the line "N passed, M failed".
"""

import base64
import json
import os
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
from joserfc import jwk, jwt

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import seed  # noqa: E402
import test_account_quotas  # noqa: E402
import test_accounts  # noqa: E402
import test_faults  # noqa: E402
import test_http_apis  # noqa: E402
import test_rest  # noqa: E402
import test_sso  # noqa: E402
import test_sso_cli  # noqa: E402
import test_stacks  # noqa: E402
import test_stages  # noqa: E402
import test_stages_http  # noqa: E402
import test_sweep  # noqa: E402
import test_tokens  # noqa: E402

# In this order (later checks may rely on what earlier ones left, as they always did).
CHECKS = (test_rest, test_faults, test_tokens, test_http_apis, test_stages, test_stages_http,
          test_sso, test_sso_cli, test_sweep, test_stacks, test_accounts, test_account_quotas)

NO_RETRY = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})
URL = None
SUMMARY = None
LAB = None  # the TokenLab API's ids, once token_lab() has built it

# ---------------------------------------------------------------- helpers

def start_server(*flags):
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "server.py"), "--port", "0", *flags],
        stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()  # blocks until READY (or exit)
    assert line.startswith("READY http://127.0.0.1:"), f"bad start: {line!r}"
    return proc, line.split()[1]


def control(path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(URL + path, data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def control_error(path, payload):
    """A control call that must fail: (status, body)."""
    try:
        control(path, payload)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)
    raise AssertionError(f"{path} should have failed")


def idp_client():
    return seed.client("cognito-idp", URL, "eu-west-1")


def jwt_parts(token):
    """(header, claims) of a JWT, unverified."""
    def part(text):
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    header, claims, _ = token.split(".")
    return part(header), part(claims)


def verified_claims(token, pool_id):
    """The claims, after checking the signature against the pool's JWKS as served."""
    with urllib.request.urlopen(f"{URL}/{pool_id}/.well-known/jwks.json") as resp:
        keys = jwk.KeySet.import_key_set(json.load(resp))
    return jwt.decode(token, keys, algorithms=["RS256"]).claims


def sign_in(pool="PetsPool", client="web", user="alice"):
    """InitiateAuth USER_PASSWORD_AUTH with a seeded user; AuthenticationResult."""
    pools = SUMMARY["pools"]
    password = pools[pool]["users"][user]["password"]
    return idp_client().initiate_auth(
        ClientId=pools[pool]["clients"][client], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": password})["AuthenticationResult"]


def mint(**req):
    return control("/_sandbox/mint-token", req)["token"]


def token_lab():
    """TokenLab, built once through the command line (which reads the pools back by name)."""
    global LAB
    if LAB is None:
        out = subprocess.run([sys.executable, os.path.join(HERE, "seed.py"), "token-lab",
                              "--endpoint", URL], capture_output=True, text=True, check=True)
        LAB = json.loads(out.stdout)
    return LAB


def try_authorizer(name, token, header="Authorization"):
    """TestInvokeAuthorizer on one of TokenLab's authorizers, the token in `header`."""
    lab = token_lab()
    out = agw().test_invoke_authorizer(
        restApiId=lab["id"], authorizerId=lab["authorizers"][name],
        headers={} if token is None else {header: token})
    out.pop("ResponseMetadata")
    return out


def agw(region="us-east-1", retry=True):
    """An API Gateway client; retry=False surfaces 429/5xx instead of retrying."""
    return boto3.client("apigateway", endpoint_url=URL, region_name=region,
                        config=None if retry else NO_RETRY, **seed.DUMMY_CREDENTIALS)


def error_of(call, *args, **kwargs):
    """Run a boto3 call that must fail; return (status, code, message)."""
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as exc:
        err = exc.response["Error"]
        return (exc.response["ResponseMetadata"]["HTTPStatusCode"],
                err.get("Code"), err.get("Message"))
    raise AssertionError(f"{call.__name__} should have failed")


def pets_ids():
    api = SUMMARY["apis"]["SecurePets"]
    return api["id"], api["resources"]["/pets"]


def patch(client, api_id, rid, verb, *ops):
    return client.update_method(restApiId=api_id, resourceId=rid, httpMethod=verb,
                                patchOperations=[dict(zip(("op", "path", "value"), o))
                                                 for o in ops])


def new_cognito_authorizer(client, api_id, name="PetsPool", regex="^[a-z0-9]+$"):
    kwargs = {"identityValidationExpression": regex} if regex else {}
    return client.create_authorizer(
        restApiId=api_id, name=name, type="COGNITO_USER_POOLS",
        providerARNs=[SUMMARY["pools"]["PetsPool"]["arn"]],
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=120, **kwargs)


def main():
    global URL, SUMMARY
    proc, URL = start_server()
    passed = failed = skipped = 0
    for module in CHECKS:
        module.S = sys.modules[__name__]  # their checks use this module's helpers
    try:
        SUMMARY = seed.seed_scenario(URL)
        for fn in [fn for module in CHECKS for fn in module.TESTS]:
            started = time.monotonic()
            try:
                fn()
                passed += 1
                print(f"ok   {fn.__name__} ({time.monotonic() - started:.2f}s)", flush=True)
            except test_sso.Skip as exc:
                skipped += 1
                print(f"skip {fn.__name__}: {exc}", flush=True)
            except Exception:
                failed += 1
                print(f"FAIL {fn.__name__}", flush=True)
                traceback.print_exc(file=sys.stdout)
    finally:
        test_sweep.close()
        test_accounts.close()
        proc.terminate()
        proc.wait(timeout=10)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    if skipped:
        print("a skipped check is not a pass: install what it names (make test-deps does)")
    return 1 if failed or skipped else 0


if __name__ == "__main__":
    sys.exit(main())
