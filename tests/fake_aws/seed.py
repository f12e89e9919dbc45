"""Seed the sandbox with Gatehouse's SecurePets scenario, or build bulk APIs.

    python seed.py --endpoint URL
        SecurePets + PetsAdmin REST APIs, PetsHttp + ParcelsManual HTTP APIs and
        the PetsChat WebSocket API (us-east-1), PetsPool + AdminPool user pools
        (eu-west-1), nothing in us-west-2. Prints a JSON summary.
    python seed.py bulk --endpoint URL --region R --name NAME \
                        --resources N --methods-per-resource M
        One API with N resources /r0001.. under /, M methods each (GET, POST,
        PUT, ...), all NONE + MOCK; built server-side. Prints {"id", ...}.
    python seed.py bulk-http --endpoint URL --region R --name NAME --routes N
                             [--stage S [--auto-deploy]]
        One HTTP API with N routes GET /r0001.., all NONE, targeting one
        HTTP_PROXY integration; built server-side. Prints {"id", ...}.
    python seed.py bulk-pools --endpoint URL --region R --count N [--prefix P]
        N user pools named P-0001..; built server-side.
    python seed.py token-lab --endpoint URL
        The TokenLab API (us-east-1): one method per kind of protection, behind
        authorizers of the scenario's pools (run the scenario first). Prints its ids.
    python seed.py sso-accounts --endpoint URL --count N [--roles ReadOnly,Admin]
                                [--region R] [--first 200000000001]
                                [--apis-per-account K] [--regions R1,R2,...]
    python seed.py org --endpoint URL --members N --role ROLE [--external-id X]
                       [--refuse K] [--account MANAGEMENT] [--region R]
        Many accounts, behind one SSO sign-in or in one organization, each with one
        API `Api-ACCOUNTID` (sso-accounts: or more, over several regions;
        seed_accounts.py says what exactly).

The same operations are importable: seed_scenario(), bulk_api(), bulk_http_api(),
bulk_pools(), seed_token_lab(). Run each once on a fresh server (they do not look for earlier data).
"""

import argparse
import json
import sys
import urllib.request

import boto3

import seed_http

API_REGION = "us-east-1"
POOL_REGION = "eu-west-1"
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing",
                     "aws_secret_access_key": "testing",
                     "aws_session_token": "testing"}
LEGACY_LAMBDA = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                 "arn:aws:lambda:us-east-1:123456789012:function:legacy-token-auth"
                 "/invocations")
TOKEN_SOURCE = "method.request.header.Authorization"
# Users who can sign in: (pool, name, password, email or None).
USERS = [("PetsPool", "alice", "Gatehouse-demo-1", "alice@example.com"),
         ("AdminPool", "bob", "Gatehouse-demo-2", None)]


def client(service, endpoint, region):
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        **DUMMY_CREDENTIALS)


def _control(endpoint, path, payload):
    req = urllib.request.Request(
        endpoint.rstrip("/") + path, data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.load(resp)


def bulk_api(endpoint, region, name, resources, methods_per_resource):
    """Server-side bulk build (POST /_sandbox/bulk-api); returns its answer."""
    return _control(endpoint, "/_sandbox/bulk-api", {
        "region": region, "name": name, "resources": resources,
        "methods_per_resource": methods_per_resource})


def bulk_http_api(endpoint, region, name, routes, stage=None, auto_deploy=False):
    """Server-side bulk HTTP API (POST /_sandbox/bulk-http-api); returns its answer."""
    payload = {"region": region, "name": name, "routes": routes}
    if stage:
        payload.update(stage=stage, auto_deploy=auto_deploy)
    return _control(endpoint, "/_sandbox/bulk-http-api", payload)


def bulk_pools(endpoint, region, count, prefix="BulkPool"):
    """Server-side bulk user pools (POST /_sandbox/bulk-pools)."""
    return _control(endpoint, "/_sandbox/bulk-pools",
                    {"region": region, "count": count, "prefix": prefix})


def _method(apigw, api_id, resource_id, verb, auth="NONE", **extra):
    """PutMethod + MOCK integration (CreateDeployment needs integrations)."""
    apigw.put_method(restApiId=api_id, resourceId=resource_id, httpMethod=verb,
                     authorizationType=auth, **extra)
    apigw.put_integration(restApiId=api_id, resourceId=resource_id,
                          httpMethod=verb, type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})


def _app_client(idp, pool_id, name, flows):
    return idp.create_user_pool_client(UserPoolId=pool_id, ClientName=name,
                                       ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]


def _users(idp, pools):
    """Create USERS with permanent passwords; adds pools[POOL]["users"]."""
    for pool, name, password, email in USERS:
        pool_id = pools[pool]["id"]
        attributes = [{"Name": "email", "Value": email}] if email else []
        idp.admin_create_user(UserPoolId=pool_id, Username=name, UserAttributes=attributes,
                              MessageAction="SUPPRESS")
        idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=password,
                                    Permanent=True)
        user = {"name": name, "password": password, "pool": pool}
        if email:
            user["email"] = email
        pools[pool].setdefault("users", {})[name] = user


def _pools(endpoint):
    idp = client("cognito-idp", endpoint, POOL_REGION)
    pets = idp.create_user_pool(PoolName="PetsPool")["UserPool"]
    clients = {name: _app_client(idp, pets["Id"], name,
                                 ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
               for name in ("web", "mobile")}
    admin = idp.create_user_pool(PoolName="AdminPool")["UserPool"]
    # The scopes the PetsAdmin /profile method asks for.
    idp.create_resource_server(
        UserPoolId=admin["Id"], Identifier="pets", Name="pets",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "read pets"},
                {"ScopeName": "admin", "ScopeDescription": "administer pets"}])
    # Signs in only with AdminInitiateAuth (a back-office client, no USER_PASSWORD_AUTH).
    admin_clients = {"admin-console": _app_client(
        idp, admin["Id"], "admin-console",
        ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])}
    pools = {
        "region": POOL_REGION,
        "PetsPool": {"id": pets["Id"], "arn": pets["Arn"], "clients": clients},
        "AdminPool": {"id": admin["Id"], "arn": admin["Arn"], "clients": admin_clients},
    }
    _users(idp, pools)
    return pools


def pools_by_name(endpoint):
    """The scenario's pools read back from the sandbox, shaped as seed_scenario's
    summary["pools"] (without users)."""
    idp = client("cognito-idp", endpoint, POOL_REGION)
    found = {"region": POOL_REGION}
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] in ("PetsPool", "AdminPool"):
                arn = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Arn"]
                listed = idp.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)
                found[pool["Name"]] = {
                    "id": pool["Id"], "arn": arn,
                    "clients": {c["ClientName"]: c["ClientId"]
                                for c in listed["UserPoolClients"]}}
    missing = {"PetsPool", "AdminPool"} - set(found)
    if missing:
        raise SystemExit(f"no user pool {', '.join(sorted(missing))} in {POOL_REGION}: "
                         "run the default scenario (seed.py --endpoint URL) first")
    return found


def _secure_pets(apigw):
    api = apigw.create_rest_api(name="SecurePets",
                                description="Gatehouse seed scenario")
    api_id, root = api["id"], api["rootResourceId"]
    pets = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")
    purchase = apigw.create_resource(restApiId=api_id, parentId=root,
                                     pathPart="purchase")
    for verb in ("GET", "PURCHASE", "OPTIONS"):
        _method(apigw, api_id, pets["id"], verb)
    _method(apigw, api_id, purchase["id"], "POST")
    apigw.create_deployment(restApiId=api_id, stageName="prod",
                            description="seed")
    return {"id": api_id, "root": root,
            "resources": {"/pets": pets["id"], "/purchase": purchase["id"]},
            "stage": "prod"}


def _pets_admin(apigw, admin_pool_arn):
    api = apigw.create_rest_api(name="PetsAdmin",
                                description="every protection badge")
    api_id, root = api["id"], api["rootResourceId"]
    res = {}
    for part in ("reports", "legacy", "profile"):
        res["/" + part] = apigw.create_resource(
            restApiId=api_id, parentId=root, pathPart=part)["id"]
    legacy = apigw.create_authorizer(
        restApiId=api_id, name="LegacyTokenAuth", type="TOKEN",
        authorizerUri=LEGACY_LAMBDA, identitySource=TOKEN_SOURCE,
        authorizerResultTtlInSeconds=300)
    admin = apigw.create_authorizer(
        restApiId=api_id, name="AdminPool", type="COGNITO_USER_POOLS",
        providerARNs=[admin_pool_arn], identitySource=TOKEN_SOURCE,
        authorizerResultTtlInSeconds=300)
    _method(apigw, api_id, res["/reports"], "GET", "AWS_IAM")
    _method(apigw, api_id, res["/legacy"], "GET", "CUSTOM",
            authorizerId=legacy["id"])
    _method(apigw, api_id, res["/profile"], "GET", "COGNITO_USER_POOLS",
            authorizerId=admin["id"],
            authorizationScopes=["pets/read", "pets/admin"],
            apiKeyRequired=True)
    _method(apigw, api_id, res["/profile"], "OPTIONS")
    apigw.create_deployment(restApiId=api_id, stageName="prod",
                            description="seed")
    return {"id": api_id, "root": root, "resources": res, "stage": "prod",
            "authorizers": {"LegacyTokenAuth": legacy["id"],
                            "AdminPool": admin["id"]}}


def seed_token_lab(endpoint, pools=None):
    """The TokenLab API (us-east-1): a method per kind of protection, for token checks.
    `pools` is seed_scenario's summary["pools"]; without it they are read back by name."""
    pools = pools or pools_by_name(endpoint)
    pets_arn, admin_arn = pools["PetsPool"]["arn"], pools["AdminPool"]["arn"]
    apigw = client("apigateway", endpoint, API_REGION)
    api = apigw.create_rest_api(name="TokenLab", description="token checks")
    api_id, root = api["id"], api["rootResourceId"]

    def cognito(name, arn, **extra):
        return apigw.create_authorizer(
            restApiId=api_id, name=name, type="COGNITO_USER_POOLS", providerARNs=[arn],
            identitySource=TOKEN_SOURCE, authorizerResultTtlInSeconds=300, **extra)["id"]
    authorizers = {
        "Pets": cognito("Pets", pets_arn),
        "PetsWebOnly": cognito("PetsWebOnly", pets_arn, identityValidationExpression=(
            pools["PetsPool"]["clients"]["web"])),
        "Admin": cognito("Admin", admin_arn),
        "Legacy": apigw.create_authorizer(
            restApiId=api_id, name="Legacy", type="TOKEN", authorizerUri=LEGACY_LAMBDA,
            identitySource=TOKEN_SOURCE, authorizerResultTtlInSeconds=300)["id"],
    }
    cog = "COGNITO_USER_POOLS"
    # path -> [(verb, authorization type, authorizer name, scopes)]
    layout = {
        "/plain": [("GET", cog, "Pets", None)],
        "/scoped": [("GET", cog, "Pets", ["pets/read"])],
        "/web-only": [("GET", cog, "PetsWebOnly", None)],
        "/admin": [("GET", cog, "Admin", None)],
        "/open": [("GET", "NONE", None, None), ("OPTIONS", "NONE", None, None)],
        "/iam": [("GET", "AWS_IAM", None, None)],
        "/lambda": [("GET", "CUSTOM", "Legacy", None)],
    }
    resources = {}
    for path, methods in layout.items():
        resources[path] = apigw.create_resource(restApiId=api_id, parentId=root,
                                                pathPart=path[1:])["id"]
        for verb, auth, authorizer, scopes in methods:
            extra = {"authorizerId": authorizers[authorizer]} if authorizer else {}
            if scopes:
                extra["authorizationScopes"] = scopes
            _method(apigw, api_id, resources[path], verb, auth, **extra)
    apigw.create_deployment(restApiId=api_id, stageName="prod", description="seed")
    return {"id": api_id, "name": "TokenLab", "region": API_REGION, "root": root,
            "resources": resources, "stage": "prod", "authorizers": authorizers,
            "pools": {name: {"id": pools[name]["id"], "clients": pools[name]["clients"]}
                      for name in ("PetsPool", "AdminPool")}}


def seed_scenario(endpoint):
    """Create the whole scenario; returns the summary dict."""
    pools = _pools(endpoint)
    apigw = client("apigateway", endpoint, API_REGION)
    v2 = client("apigatewayv2", endpoint, API_REGION)
    return {
        "endpoint": endpoint,
        "api_region": API_REGION,
        # REST APIs ({"id", "root", "resources", ...}) and HTTP/WebSocket APIs
        # ({"id", "protocol", "routes", ...}); only the latter have "protocol".
        "apis": {"SecurePets": _secure_pets(apigw),
                 "PetsAdmin": _pets_admin(apigw, pools["AdminPool"]["arn"]),
                 "PetsHttp": seed_http.pets_http(v2),
                 "ParcelsManual": seed_http.parcels_manual(v2),
                 "PetsChat": seed_http.pets_chat(v2)},
        "pools": pools,
        "empty_region": "us-west-2",
    }


def main(argv):
    command = argv[0] if argv and not argv[0].startswith("-") else "scenario"
    if command != "scenario":
        argv = argv[1:]
    parser = argparse.ArgumentParser(prog=f"seed.py {command}")
    parser.add_argument("--endpoint", required=True)
    if command == "bulk":
        parser.add_argument("--region", default=API_REGION)
        parser.add_argument("--name", required=True)
        parser.add_argument("--resources", type=int, required=True)
        parser.add_argument("--methods-per-resource", type=int, default=1)
        args = parser.parse_args(argv)
        out = bulk_api(args.endpoint, args.region, args.name, args.resources,
                       args.methods_per_resource)
    elif command == "bulk-http":
        parser.add_argument("--region", default=API_REGION)
        parser.add_argument("--name", required=True)
        parser.add_argument("--routes", type=int, required=True)
        parser.add_argument("--stage")
        parser.add_argument("--auto-deploy", action="store_true")
        args = parser.parse_args(argv)
        out = bulk_http_api(args.endpoint, args.region, args.name, args.routes,
                            args.stage, args.auto_deploy)
    elif command == "bulk-pools":
        parser.add_argument("--region", default=POOL_REGION)
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--prefix", default="BulkPool")
        args = parser.parse_args(argv)
        out = bulk_pools(args.endpoint, args.region, args.count, args.prefix)
    elif command == "sso-accounts":
        import seed_accounts
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--roles", default="ReadOnly,Admin")
        parser.add_argument("--region", default=API_REGION)
        parser.add_argument("--first", type=int, default=seed_accounts.DEFAULT_FIRST)
        parser.add_argument("--apis-per-account", type=int, default=1)
        parser.add_argument("--regions", help="comma-separated: the APIs spread over them "
                            "(default: --region alone)")
        args = parser.parse_args(argv)
        out = seed_accounts.seed_sso_accounts(
            args.endpoint, args.count, args.roles.split(","), args.region, args.first,
            apis_per_account=args.apis_per_account,
            regions=args.regions.split(",") if args.regions else None)
    elif command == "org":
        import seed_accounts
        parser.add_argument("--members", type=int, required=True)
        parser.add_argument("--role", required=True)
        parser.add_argument("--external-id")
        parser.add_argument("--refuse", type=int)
        parser.add_argument("--account", help="the management account (default: the "
                            "account the dummy keys answer as, 123456789012)")
        parser.add_argument("--region", default=API_REGION)
        args = parser.parse_args(argv)
        out = seed_accounts.seed_org(args.endpoint, args.members, args.role, args.external_id,
                                     args.refuse, args.account, args.region)
    elif command == "token-lab":
        out = seed_token_lab(parser.parse_args(argv).endpoint)
    elif command == "scenario":
        args = parser.parse_args(argv)
        out = seed_scenario(args.endpoint)
    else:
        parser.error(f"unknown command {command!r} (bulk, bulk-http, bulk-pools, token-lab, "
                     "sso-accounts, org)")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
