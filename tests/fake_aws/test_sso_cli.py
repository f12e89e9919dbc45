"""Self-checks of IAM Identity Center sign-in through the AWS CLI: `aws sso login` (CLI v2)
with an sso-session profile and a legacy one, and SSO profiles used by the venv's CLI v1; run by
test_sandbox.py, which sets `S` to itself (its URL and helpers) before running TESTS.

`aws sso login` needs AWS CLI v2 (the venv's CLI v1 has no such command): Debian 12's
`awscli` package (2.9.19), or the one named by $AWS_CLI_V2. Without it those two checks
say "skip", and a skip fails the self-check (`make test-deps` installs awscli). The CLI v1 check (SSO profiles read from the cache
files that sso_login.py writes as CLI v2 does) always runs.
"""

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import sso_login
from selfcheck import registry
from test_sso import ACCOUNT, CACHE_FIELDS, LEGACY_START_URL, START_URL, Skip, fresh, sha1

S = None  # the test_sandbox module
TESTS, test = registry()


# ---------------------------------------------------------------- the AWS CLI

def cli_v1():
    return os.path.join(os.path.dirname(sys.executable), "aws")


@functools.lru_cache(maxsize=None)
def cli_v2():
    """(path, version) of an AWS CLI v2, or Skip."""
    for path in (os.environ.get("AWS_CLI_V2"), "/usr/bin/aws", "/usr/local/bin/aws",
                 shutil.which("aws")):
        if not path or not os.path.exists(path):
            continue
        out = subprocess.run([path, "--version"], capture_output=True, text=True)
        found = re.search(r"aws-cli/(2)\.(\d+)\.(\d+)", out.stdout + out.stderr)
        if found:
            return path, tuple(int(n) for n in found.groups())
    raise Skip("no AWS CLI v2 here (Debian: apt-get install awscli; or set AWS_CLI_V2)")


SSO_CONFIG = f"""[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile corp]
sso_session = corp
sso_account_id = {ACCOUNT}
sso_role_name = PetsAdmin
region = us-east-1

[profile legacy]
sso_start_url = {LEGACY_START_URL}
sso_region = us-east-1
sso_account_id = {ACCOUNT}
sso_role_name = PetsAdmin
region = us-east-1
"""


def sso_home():
    """A temporary HOME whose ~/.aws/config has the `corp` (sso-session) and `legacy` profiles."""
    home = tempfile.mkdtemp(prefix="gatehouse-sso-")
    os.makedirs(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write(SSO_CONFIG)
    return home


def cli_env(home, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=home, AWS_ENDPOINT_URL=S.URL, AWS_EC2_METADATA_DISABLED="true", **extra)
    return env


def endpoint_models(home):
    """AWS CLI v2 before 2.13 ignores AWS_ENDPOINT_URL: a data path whose endpoint rule sets
    send SSO OIDC and the SSO portal to the sandbox (given to that CLI as AWS_DATA_PATH)."""
    models = os.path.join(home, "models")
    if os.path.exists(models):
        return models
    rules = {"version": "1.0", "parameters": {
        "Region": {"builtIn": "AWS::Region", "required": False, "type": "String"},
        "UseDualStack": {"builtIn": "AWS::UseDualStack", "required": True, "default": False,
                         "type": "Boolean"},
        "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": True, "default": False,
                    "type": "Boolean"},
        "Endpoint": {"builtIn": "SDK::Endpoint", "required": False, "type": "String"}},
        "rules": [{"conditions": [], "type": "endpoint",
                   "endpoint": {"url": S.URL, "properties": {}, "headers": {}}}]}
    for service in ("sso-oidc", "sso"):
        folder = os.path.join(models, service, "2019-06-10")
        os.makedirs(folder)
        with open(os.path.join(folder, "endpoint-rule-set-1.json"), "w") as f:
            json.dump(rules, f)
    return models


def cli_login(home, profile, user=None):
    """`aws sso login --profile P --no-browser` (CLI v2) in the background; approve the code
    it prints through the control endpoint; its output once it has finished."""
    aws, version = cli_v2()
    args = [aws, "sso", "login", "--profile", profile, "--no-browser"]
    if version >= (2, 22, 0):  # since 2.22, --no-browser alone means the PKCE flow
        args.append("--use-device-code")
    out_path = os.path.join(home, f"login-{profile}.out")
    with open(out_path, "w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=home,
                                env=cli_env(home, AWS_DATA_PATH=endpoint_models(home)))
    try:
        deadline, code = time.monotonic() + 30, None
        while code is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            with open(out_path) as f:
                found = re.search(r"^([A-Z]{4}-[A-Z]{4})$", f.read(), re.M)
            code = found and found.group(1)
        assert code, f"no user code printed: {open(out_path).read()}"
        S.control("/_sandbox/sso/approve", {"userCode": code, **({"user": user} if user else {})})
        assert proc.wait(timeout=30) == 0, open(out_path).read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with open(out_path) as f:
        return f.read()


def caller_identity_v1(home, profile):
    """`aws sts get-caller-identity --profile P` with the venv's CLI v1 (AWS_ENDPOINT_URL only)."""
    out = subprocess.run([cli_v1(), "sts", "get-caller-identity", "--profile", profile],
                         env=cli_env(home), capture_output=True, text=True, cwd=home)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def read_cache(home, name):
    with open(os.path.join(home, ".aws", "sso", "cache", f"{sha1(name)}.json")) as f:
        return json.load(f)


@test
def awscli_v1_uses_sso_session_cache_and_refreshes():
    """The cache files `aws sso login` leaves (written here by sso_login.py, as CLI v2 writes
    them) are read by the CLI v1 (botocore's SSO token and credential providers):
    GetRoleCredentials, and a refresh when the token is near its end."""
    fresh(token_expires_in=600)  # within botocore's 15-minute refresh window
    home = sso_home()
    try:
        made = sso_login.login(S.URL, home, START_URL, session="corp",
                               scopes=["sso:account:access"])
        assert made["token_file"] == os.path.join(home, ".aws", "sso", "cache",
                                                  sha1("corp") + ".json")
        token = read_cache(home, "corp")
        assert set(token) == CACHE_FIELDS | {"refreshToken"}, token
        S.control("/_sandbox/reset-stats", {})
        who = caller_identity_v1(home, "corp")
        assert who["Account"] == ACCOUNT and who["Arn"].endswith("/alice"), who
        refreshed = read_cache(home, "corp")
        assert refreshed["accessToken"] != token["accessToken"]
        assert refreshed["refreshToken"] != token["refreshToken"]
        calls = S.control("/_sandbox/stats")["calls"]
        assert calls["sso-oidc"] == {"CreateToken": 1}, calls
        assert calls["sso"] == {"GetRoleCredentials": 1}, calls

        legacy = sso_login.login(S.URL, home, LEGACY_START_URL, user="bob")
        assert set(legacy["token"]) == CACHE_FIELDS
        assert legacy["token_file"].endswith(sha1(LEGACY_START_URL) + ".json")
        assert caller_identity_v1(home, "legacy")["Arn"].endswith("/bob")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    fresh()


@test
def awscli_sso_login_with_sso_session():
    cli_v2()
    fresh()
    home = sso_home()
    try:
        out = cli_login(home, "corp")
        assert f"Successfully logged into Start URL: {START_URL}" in out, out
        token = read_cache(home, "corp")  # ~/.aws/sso/cache/<sha1("corp")>.json
        assert set(token) == CACHE_FIELDS | {"refreshToken"}, token
        assert (token["startUrl"], token["region"]) == (START_URL, "us-east-1")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", token["expiresAt"])
        state = S.control("/_sandbox/sso/state")
        assert state["clients"][0]["scopes"] == ["sso:account:access"]
        assert state["clients"][0]["clientName"] == "botocore-client-corp"
        assert state["accessTokens"][0]["accessToken"] == token["accessToken"]
        # The CLI also caches its client registration, named by the sha1 of its parameters.
        registration = json.dumps({"region": "us-east-1", "scopes": ["sso:account:access"],
                                   "session_name": "corp", "startUrl": START_URL,
                                   "tool": "botocore"}, sort_keys=True)
        assert read_cache(home, registration)["clientId"] == token["clientId"]

        who = caller_identity_v1(home, "corp")
        assert who["Account"] == ACCOUNT and "AWSReservedSSO_PetsAdmin_" in who["Arn"], who
        aws, _ = cli_v2()
        out = subprocess.run([aws, "sts", "get-caller-identity", "--profile", "corp",
                              "--endpoint-url", S.URL], capture_output=True, text=True,
                             env=cli_env(home, AWS_DATA_PATH=endpoint_models(home)))
        assert out.returncode == 0 and json.loads(out.stdout)["Arn"] == who["Arn"], out.stderr
    finally:
        shutil.rmtree(home, ignore_errors=True)
    fresh()


@test
def awscli_sso_login_legacy_profile():
    cli_v2()
    fresh()
    home = sso_home()
    try:
        cli_login(home, "legacy", user="bob")
        token = read_cache(home, LEGACY_START_URL)  # named by the sha1 of the start URL
        assert set(token) == CACHE_FIELDS, token  # no scopes registered: no refresh token
        assert token["startUrl"] == LEGACY_START_URL
        assert S.control("/_sandbox/sso/state")["clients"][0]["scopes"] == []
        who = caller_identity_v1(home, "legacy")
        assert who["Arn"].endswith("/bob"), who
    finally:
        shutil.rmtree(home, ignore_errors=True)
    fresh()
