"""Self-checks of IAM Identity Center sign-in (the SSO OIDC device flow and the SSO portal,
on the wire) and of STS AssumeRole with MFA; run by test_sandbox.py, which sets `S` to itself
(its URL and helpers) before running TESTS. The AWS CLI's side: test_sso_cli.py.
"""

import hashlib
import http.client
import json
import re
import time
from urllib.parse import urlsplit

import boto3
import botocore
import botocore.config

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
START_URL = "https://corp.awsapps.com/start"
LEGACY_START_URL = "https://legacy.awsapps.com/start"
ACCOUNT = "123456789012"
GUARDED = f"arn:aws:iam::{ACCOUNT}:role/guarded"
MFA_SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
CACHE_FIELDS = {"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
                "registrationExpiresAt"}


class Skip(Exception):
    """This check cannot run on this machine (said, and counted as skipped)."""




# ---------------------------------------------------------------- helpers

def unsigned(service):
    return boto3.client(service, endpoint_url=S.URL, region_name="us-east-1",
                        config=botocore.config.Config(signature_version=botocore.UNSIGNED,
                                                      retries={"total_max_attempts": 1}))


def wire(method, path, body=None, headers=None):
    """A raw HTTP request (header names sent exactly as given): (status, headers, JSON body)."""
    url = urlsplit(S.URL)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    data = None if body is None else json.dumps(body).encode()
    conn.request(method, path, body=data,
                 headers={"Content-Type": "application/json", **(headers or {})})
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, \
        (json.loads(raw) if raw else None)


def fresh(**config):
    """Forget every SSO client and token; then this SSO config."""
    S.control("/_sandbox/sso/reset", {})
    if config:
        S.control("/_sandbox/sso/config", config)


def register(scopes=("sso:account:access",), **extra):
    req = {"clientName": "gatehouse-test", "clientType": "public", **extra}
    if scopes:
        req["scopes"] = list(scopes)
    return unsigned("sso-oidc").register_client(**req)


def start(client, start_url=START_URL):
    return unsigned("sso-oidc").start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=start_url)


def poll(client, device):
    """One raw CreateToken poll: (status, headers, body)."""
    return wire("POST", "/token", {"clientId": client["clientId"],
                                   "clientSecret": client["clientSecret"],
                                   "grantType": DEVICE_GRANT,
                                   "deviceCode": device["deviceCode"]})


def oidc_error(status_headers_body):
    """(status, x-amzn-ErrorType, body) of an OIDC answer that must be an error."""
    status, headers, body = status_headers_body
    assert status >= 400, (status, body)
    return status, headers.get("x-amzn-errortype"), body


def signed_in(user=None, scopes=("sso:account:access",)):
    """A client and the tokens of an approved device authorization."""
    client = register(scopes)
    device = start(client)
    S.control("/_sandbox/sso/approve", {"userCode": device["userCode"],
                                        **({"user": user} if user else {})})
    tokens = unsigned("sso-oidc").create_token(
        clientId=client["clientId"], clientSecret=client["clientSecret"],
        grantType=DEVICE_GRANT, deviceCode=device["deviceCode"])
    return client, tokens


def bearer(token):
    return {"x-amz-sso_bearer_token": token}


def sha1(text):
    return hashlib.sha1(text.encode()).hexdigest()


# ---------------------------------------------------------------- SSO OIDC

@test
def sso_device_flow_on_the_wire():
    fresh()
    before = time.time()
    client = register()
    assert set(client) - {"ResponseMetadata"} == {
        "clientId", "clientSecret", "clientIdIssuedAt", "clientSecretExpiresAt"}
    assert abs(client["clientIdIssuedAt"] - before) < 5
    assert client["clientSecretExpiresAt"] - client["clientIdIssuedAt"] == 90 * 24 * 3600
    device = start(client)
    assert re.fullmatch(r"[B-Z]{4}-[B-Z]{4}", device["userCode"]), device["userCode"]
    assert device["verificationUri"] == START_URL + "/#/device"
    assert device["verificationUriComplete"] == \
        f"{START_URL}/#/device?user_code={device['userCode']}"
    assert (device["expiresIn"], device["interval"]) == (600, 1)

    status, error_type, body = oidc_error(poll(client, device))
    assert (status, error_type) == (400, "AuthorizationPendingException")
    assert body == {"error": "authorization_pending",
                    "error_description": "Authorization is still pending"}

    approved = S.control("/_sandbox/sso/approve", {"userCode": device["userCode"].lower()})
    assert approved["status"] == "approved" and approved["user"] == "alice"
    status, _, tokens = poll(client, device)
    assert status == 200 and set(tokens) == {"accessToken", "tokenType", "expiresIn",
                                             "refreshToken"}, tokens
    assert tokens["tokenType"] == "Bearer" and tokens["expiresIn"] == 3600
    assert tokens["accessToken"] != tokens["refreshToken"]

    status, error_type, body = oidc_error(poll(client, device))  # a device code works once
    assert (status, error_type, body["error"]) == (400, "InvalidGrantException", "invalid_grant")
    state = S.control("/_sandbox/sso/state")
    assert [d["status"] for d in state["devices"]] == ["consumed"]
    assert state["accessTokens"][0]["accessToken"] == tokens["accessToken"]
    assert state["accessTokens"][0]["user"] == "alice"
    calls = S.control("/_sandbox/stats")["calls"]
    assert calls["sso-oidc"]["RegisterClient"] >= 1
    assert calls["sso-oidc"]["StartDeviceAuthorization"] >= 1
    assert calls["sso-oidc"]["CreateToken"] >= 3


@test
def sso_oidc_errors():
    fresh()
    client = register()
    cases = [
        ({"clientName": "x", "clientType": "confidential"}, "/client/register", 400, "InvalidClientMetadataException", "invalid_client_metadata"),
        ({"clientType": "public"}, "/client/register", 400, "InvalidRequestException",
         "invalid_request"),
        ({"clientId": client["clientId"], "clientSecret": "wrong", "startUrl": START_URL},
         "/device_authorization", 401, "InvalidClientException", "invalid_client"),
        ({"clientId": client["clientId"], "clientSecret": client["clientSecret"],
          "grantType": "authorization_code", "code": "x"},
         "/token", 400, "UnsupportedGrantTypeException", "unsupported_grant_type"),
        ({"clientId": client["clientId"], "clientSecret": client["clientSecret"],
          "grantType": DEVICE_GRANT, "deviceCode": "nope"},
         "/token", 400, "InvalidGrantException", "invalid_grant"),
    ]
    for body, path, status, code, error in cases:
        got = oidc_error(wire("POST", path, body))
        assert got[:2] == (status, code) and got[2]["error"] == error, (path, body, got)
        assert set(got[2]) == {"error", "error_description"}, got

    denied = start(client)
    S.control("/_sandbox/sso/deny", {"deviceCode": denied["deviceCode"]})
    got = oidc_error(poll(client, denied))
    assert got[:2] == (400, "AccessDeniedException") and got[2]["error"] == "access_denied"
    status, body = S.control_error("/_sandbox/sso/approve", {"userCode": denied["userCode"]})
    assert status == 409 and "denied" in body["message"]

    expired = start(client)
    S.control("/_sandbox/sso/expire", {"userCode": expired["userCode"]})
    got = oidc_error(poll(client, expired))
    assert got[:2] == (400, "ExpiredTokenException") and got[2]["error"] == "expired_token"

    S.control("/_sandbox/sso/config", {"expires_in": 0})  # expired as soon as issued
    got = oidc_error(poll(client, start(client)))
    assert got[1] == "ExpiredTokenException"

    assert S.control_error("/_sandbox/sso/approve", {"userCode": "BBBB-CCCC"})[0] == 404
    assert S.control_error("/_sandbox/sso/approve", {})[0] == 400
    assert S.control_error("/_sandbox/sso/config", {"intervall": 1})[0] == 400
    assert S.control_error("/_sandbox/sso/config", {"interval": "1"})[0] == 400
    # What botocore (and so the CLI) makes of it: the code from x-amzn-ErrorType.
    oidc = unsigned("sso-oidc")
    try:
        oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                          grantType=DEVICE_GRANT, deviceCode=denied["deviceCode"])
        raise AssertionError("denied device code gave a token")
    except oidc.exceptions.AccessDeniedException as exc:
        assert exc.response["error"] == "access_denied"
    fresh()


@test
def sso_slow_down():
    fresh(slow_down_once=True)
    client = register()
    device = start(client)
    got = oidc_error(poll(client, device))
    assert got[:2] == (400, "SlowDownException") and got[2]["error"] == "slow_down"
    assert oidc_error(poll(client, device))[1] == "AuthorizationPendingException"  # once
    assert S.control("/_sandbox/sso/config")["slow_down_once"] is False

    # Polled faster than `interval`: two polls back to back pass (the CLI does that), a
    # third one at once is too fast.
    S.control("/_sandbox/sso/config", {"interval": 5})
    device = start(client)
    assert device["interval"] == 5
    assert oidc_error(poll(client, device))[1] == "AuthorizationPendingException"
    assert oidc_error(poll(client, device))[1] == "AuthorizationPendingException"
    assert oidc_error(poll(client, device))[1] == "SlowDownException"
    S.control("/_sandbox/sso/config", {"interval": 1})
    device = start(client)
    for _ in range(3):
        assert oidc_error(poll(client, device))[1] in ("AuthorizationPendingException",
                                                       "SlowDownException")
    time.sleep(1.05)  # a poll after waiting `interval` is always fine
    assert oidc_error(poll(client, device))[1] == "AuthorizationPendingException"
    S.control("/_sandbox/sso/config", {"enforce_interval": False})
    for _ in range(4):
        assert oidc_error(poll(client, device))[1] == "AuthorizationPendingException"
    fresh()


@test
def sso_refresh_tokens():
    fresh()
    oidc = unsigned("sso-oidc")
    client, tokens = signed_in()
    again = oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                              grantType="refresh_token", refreshToken=tokens["refreshToken"])
    assert again["accessToken"] != tokens["accessToken"]
    assert again["refreshToken"] != tokens["refreshToken"]
    # A refresh token is used up once it is used; another client cannot use one either.
    reused = {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
              "grantType": "refresh_token", "refreshToken": tokens["refreshToken"]}
    assert oidc_error(wire("POST", "/token", reused))[1] == "InvalidGrantException"
    other = register()
    stolen = dict(reused, clientId=other["clientId"], clientSecret=other["clientSecret"],
                  refreshToken=again["refreshToken"])
    assert oidc_error(wire("POST", "/token", stolen))[1] == "InvalidGrantException"
    S.control("/_sandbox/sso/expire", {"refreshToken": again["refreshToken"]})
    revoked = dict(reused, refreshToken=again["refreshToken"])
    assert oidc_error(wire("POST", "/token", revoked))[1] == "InvalidGrantException"
    # The legacy registration (no scopes) gets no refresh token.
    _, legacy = signed_in(scopes=())
    assert "refreshToken" not in legacy
    fresh()


# ---------------------------------------------------------------- portal

@test
def sso_portal_role_credentials():
    fresh()
    _, tokens = signed_in()
    path = f"/federation/credentials?role_name=PetsAdmin&account_id={ACCOUNT}"
    status, headers, body = wire("GET", path, headers=bearer(tokens["accessToken"]))
    assert status == 200, body
    creds = body["roleCredentials"]
    assert set(creds) == {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}
    assert creds["accessKeyId"].startswith("ASIA")
    assert abs(creds["expiration"] / 1000 - (time.time() + 3600)) < 30  # epoch milliseconds

    keys = {"aws_access_key_id": creds["accessKeyId"],
            "aws_secret_access_key": creds["secretAccessKey"],
            "aws_session_token": creds["sessionToken"]}
    who = boto3.client("sts", endpoint_url=S.URL, region_name="us-east-1",
                       **keys).get_caller_identity()
    assert who["Account"] == ACCOUNT
    assert re.fullmatch(r"arn:aws:sts::123456789012:assumed-role/"
                        r"AWSReservedSSO_PetsAdmin_[0-9a-f]{16}/alice", who["Arn"]), who
    apis = boto3.client("apigateway", endpoint_url=S.URL, region_name="us-east-1",
                        **keys).get_rest_apis()["items"]
    assert "SecurePets" in {a["name"] for a in apis}
    again = unsigned("sso").get_role_credentials(
        accessToken=tokens["accessToken"], roleName="PetsAdmin", accountId=ACCOUNT)
    who_again = boto3.client(
        "sts", endpoint_url=S.URL, region_name="us-east-1",
        aws_access_key_id=again["roleCredentials"]["accessKeyId"],
        aws_secret_access_key=again["roleCredentials"]["secretAccessKey"],
        aws_session_token=again["roleCredentials"]["sessionToken"]).get_caller_identity()
    assert who_again["UserId"] == who["UserId"]  # one provisioned role, one role id

    # The header is spelt with underscores; the dashed spelling is another header (401).
    dashed = {"x-amz-sso-bearer-token": tokens["accessToken"]}
    status, headers, body = wire("GET", path, headers=dashed)
    assert (status, headers["x-amzn-errortype"], body) == (
        401, "UnauthorizedException", {"message": "Session token not found or invalid"})
    assert wire("GET", path, headers=bearer("aoa-nope"))[0] == 401
    status, headers, body = wire("GET", "/federation/credentials?role_name=Nope&account_id="
                                 + ACCOUNT, headers=bearer(tokens["accessToken"]))
    assert (status, headers["x-amzn-errortype"], body) == (403, "ForbiddenException",
                                                          {"message": "No access"})
    status, headers, _ = wire("GET", "/federation/credentials?role_name=PetsAdmin",
                              headers=bearer(tokens["accessToken"]))
    assert (status, headers["x-amzn-errortype"]) == (400, "InvalidRequestException")

    S.control("/_sandbox/sso/expire", {"accessToken": tokens["accessToken"]})
    assert wire("GET", path, headers=bearer(tokens["accessToken"]))[0] == 401
    calls = S.control("/_sandbox/stats")["calls"]["sso"]
    assert calls["GetRoleCredentials"] >= 7
    fresh()


@test
def sso_portal_lists_and_logout():
    fresh()
    _, tokens = signed_in(user="bob")
    sso = unsigned("sso")
    token = tokens["accessToken"]
    assert sso.list_accounts(accessToken=token)["accountList"] == [
        {"accountId": ACCOUNT, "accountName": "Gatehouse Sandbox",
         "emailAddress": "aws-sandbox@example.com"}]
    assert sso.list_account_roles(accessToken=token, accountId=ACCOUNT)["roleList"] == [
        {"roleName": "PetsAdmin", "accountId": ACCOUNT}]
    S.control("/_sandbox/sso/config", {"assignments": {
        ACCOUNT: {"accountName": "Dev", "roles": ["PetsAdmin", "ReadOnly"]},
        "210987654321": {"accountName": "Prod", "roles": ["ReadOnly"]}}})
    pages = list(sso.get_paginator("list_accounts").paginate(
        accessToken=token, PaginationConfig={"PageSize": 1}))
    assert [[a["accountName"] for a in p["accountList"]] for p in pages] == [["Dev"], ["Prod"]]
    roles = sso.list_account_roles(accessToken=token, accountId=ACCOUNT, maxResults=1)
    assert [r["roleName"] for r in roles["roleList"]] == ["PetsAdmin"] and roles["nextToken"]
    creds = sso.get_role_credentials(accessToken=token, roleName="ReadOnly",
                                     accountId="210987654321")["roleCredentials"]
    who = boto3.client("sts", endpoint_url=S.URL, region_name="us-east-1",
                       aws_access_key_id=creds["accessKeyId"],
                       aws_secret_access_key=creds["secretAccessKey"],
                       aws_session_token=creds["sessionToken"]).get_caller_identity()
    assert who["Account"] == "210987654321" and who["Arn"].endswith("/bob")
    assert S.control_error("/_sandbox/sso/config", {"assignments": {"12": {}}})[0] == 400

    sso.logout(accessToken=token)
    status, headers, _ = wire("GET", "/assignment/accounts", headers=bearer(token))
    assert (status, headers["x-amzn-errortype"]) == (401, "UnauthorizedException")
    assert S.control("/_sandbox/stats")["calls"]["sso"]["Logout"] == 1
    fresh()


@test
def sso_forced_errors():
    fresh()
    _, tokens = signed_in()
    S.control("/_sandbox/config", {"errors": {
        "GetRoleCredentials": [429, "TooManyRequestsException", "Rate exceeded"],
        "RegisterClient": [500, "InternalServerException", "boom"]}})
    try:
        status, headers, body = wire(
            "GET", f"/federation/credentials?role_name=PetsAdmin&account_id={ACCOUNT}",
            headers=bearer(tokens["accessToken"]))
        assert (status, headers["x-amzn-errortype"], body) == (
            429, "TooManyRequestsException", {"message": "Rate exceeded"})
        got = oidc_error(wire("POST", "/client/register",
                              {"clientName": "x", "clientType": "public"}))
        assert got == (500, "InternalServerException",
                       {"error": "server_error", "error_description": "boom"})
        assert S.control("/_sandbox/stats")["failures"]["sso"]["GetRoleCredentials"] >= 1
    finally:
        S.control("/_sandbox/config", {"errors": {}})
    fresh()


# ---------------------------------------------------------------- STS MFA

@test
def sts_assume_role_with_mfa():
    S.control("/_sandbox/sts/assume-role-calls/clear", {})
    sts = S.seed.client("sts", S.URL, "us-east-1")
    try:
        assert S.control("/_sandbox/config", {"mfa_required": {GUARDED: "123456"}})[
            "mfa_required"] == {GUARDED: "123456"}
        denied = "User: arn:aws:sts::123456789012:user/moto is not authorized to perform: " \
                 f"sts:AssumeRole on resource: {GUARDED}"
        for extra, message in [
            ({}, denied),
            ({"SerialNumber": MFA_SERIAL}, "MultiFactorAuthentication failed, must provide "
                                           "both MFA serial number and one time pass code."),
            ({"SerialNumber": MFA_SERIAL, "TokenCode": "000000"},
             "MultiFactorAuthentication failed with invalid MFA one time pass code."),
        ]:
            got = S.error_of(sts.assume_role, RoleArn=GUARDED, RoleSessionName="ops", **extra)
            assert got == (403, "AccessDenied", message), got
        ok = sts.assume_role(RoleArn=GUARDED, RoleSessionName="ops", SerialNumber=MFA_SERIAL,
                             TokenCode="123456", DurationSeconds=900)
        assert ok["AssumedRoleUser"]["Arn"] == \
            "arn:aws:sts::123456789012:assumed-role/guarded/ops"
        sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/open", RoleSessionName="ops")
        calls = S.control("/_sandbox/sts/assume-role-calls")["calls"]
        assert [(c["SerialNumber"], c["TokenCode"], c["status"]) for c in calls] == [
            (None, None, 403), (MFA_SERIAL, None, 403), (MFA_SERIAL, "000000", 403),
            (MFA_SERIAL, "123456", 200), (None, None, 200)]
        assert calls[3]["DurationSeconds"] == "900" and calls[3]["caller"] == "testing"
        assert calls[0]["code"] == "AccessDenied" and calls[0]["RoleArn"] == GUARDED
        cleared = S.control("/_sandbox/sts/assume-role-calls/clear", {})
        assert len(cleared["previous"]) == 5
        assert S.control("/_sandbox/sts/assume-role-calls")["calls"] == []
        assert S.control_error("/_sandbox/config", {"mfa_required": {"guarded": 1}})[0] == 400
    finally:
        S.control("/_sandbox/config", {"mfa_required": {}})
    sts.assume_role(RoleArn=GUARDED, RoleSessionName="ops")  # no longer guarded
