"""Sign in as `aws sso login` does, against the sandbox, without AWS CLI v2: the device flow
(RegisterClient, StartDeviceAuthorization, the user's approval through the control endpoint,
CreateToken), then the same two cache files the CLI writes under HOME/.aws/sso/cache/:

  * the token, `<sha1 of the sso-session name>.json` (legacy profiles: of the start URL):
    startUrl, region, accessToken, expiresAt, clientId, clientSecret, registrationExpiresAt,
    and refreshToken when the client registered scopes (sso-session profiles do);
  * the client registration, `<sha1 of its parameters>.json`: clientId, clientSecret,
    expiresAt, and scopes when there are some.

Dates are written as the CLI writes them: "2026-01-31T12:00:00Z".

    python sso_login.py --endpoint URL --home DIR --start-url URL [--session NAME]
                        [--scopes sso:account:access] [--user alice] [--region us-east-1]

prints {"token_file", "token", "registration_file"} as JSON.
"""

import argparse
import datetime
import hashlib
import json
import os
import sys
import time
import urllib.request

import boto3
import botocore
import botocore.config

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _when(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _write(folder, key, data):
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, hashlib.sha1(key.encode()).hexdigest() + ".json")
    with open(path, "w") as f:
        json.dump(data, f)
    os.chmod(path, 0o600)
    return path


def login(endpoint, home, start_url, session=None, scopes=None, user=None, region="us-east-1"):
    """Sign in and write the CLI's cache files under `home`; see the module's doc."""
    oidc = boto3.client("sso-oidc", endpoint_url=endpoint, region_name=region,
                        config=botocore.config.Config(signature_version=botocore.UNSIGNED))
    name = session if session is not None else str(int(time.time()))
    register = {"clientName": f"botocore-client-{name}", "clientType": "public"}
    if scopes:
        register["scopes"] = list(scopes)
    client = oidc.register_client(**register)
    device = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=start_url)
    approval = {"userCode": device["userCode"], **({"user": user} if user else {})}
    req = urllib.request.Request(f"{endpoint}/_sandbox/sso/approve",
                                 data=json.dumps(approval).encode(), method="POST")
    urllib.request.urlopen(req).close()
    tokens = oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
                               grantType=DEVICE_GRANT, deviceCode=device["deviceCode"])

    cache = os.path.join(home, ".aws", "sso", "cache")
    registration = {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
                    "expiresAt": _when(client["clientSecretExpiresAt"])}
    if scopes:
        registration["scopes"] = list(scopes)
    registration_key = json.dumps({"tool": "botocore", "startUrl": start_url, "region": region,
                                   "scopes": list(scopes) if scopes else None,
                                   "session_name": session}, sort_keys=True)
    token = {"startUrl": start_url, "region": region, "accessToken": tokens["accessToken"],
             "expiresAt": _when(time.time() + tokens["expiresIn"]),
             "clientId": client["clientId"], "clientSecret": client["clientSecret"],
             "registrationExpiresAt": registration["expiresAt"]}
    if "refreshToken" in tokens:
        token["refreshToken"] = tokens["refreshToken"]
    return {"registration_file": _write(cache, registration_key, registration),
            "token_file": _write(cache, session if session is not None else start_url, token),
            "token": token}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--home", required=True)
    parser.add_argument("--start-url", required=True)
    parser.add_argument("--session", help="the sso-session name (omit for a legacy profile)")
    parser.add_argument("--scopes", help="comma-separated registration scopes")
    parser.add_argument("--user", help="who approves (the role session name)")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    scopes = [s.strip() for s in (args.scopes or "").split(",") if s.strip()]
    print(json.dumps(login(args.endpoint, args.home, args.start_url, args.session, scopes,
                           args.user, args.region)))


if __name__ == "__main__":
    main()
