"""Self-checks of Cognito sign-in and tokens: the seeded users, moto's and minted tokens against
the pools' JWKS, TokenLab, TestInvokeAuthorizer, an unreachable JWKS. Run by test_sandbox.py,
which sets `S` to itself (its URL, SUMMARY and helpers) before running TESTS."""

import json
import time
import urllib.error
import urllib.request

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()


@test
def seed_users_sign_in():
    pools = S.SUMMARY["pools"]
    assert pools["PetsPool"]["users"] == {"alice": {
        "name": "alice", "password": "Gatehouse-demo-1", "pool": "PetsPool",
        "email": "alice@example.com"}}
    assert pools["AdminPool"]["users"] == {"bob": {
        "name": "bob", "password": "Gatehouse-demo-2", "pool": "AdminPool"}}
    idp = S.idp_client()
    admin_id, console = pools["AdminPool"]["id"], pools["AdminPool"]["clients"]["admin-console"]
    described = idp.describe_user_pool_client(UserPoolId=admin_id, ClientId=console)
    assert described["UserPoolClient"]["ExplicitAuthFlows"] == [
        "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    alice = S.sign_in()
    assert alice["TokenType"] == "Bearer" and alice["ExpiresIn"] == 3600
    bob = idp.admin_initiate_auth(
        UserPoolId=admin_id, ClientId=console, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Gatehouse-demo-2"})
    assert S.jwt_parts(bob["AuthenticationResult"]["IdToken"])[1]["cognito:username"] == "bob"
    # Cognito refuses the password flows a client does not allow (moto did not)...
    status, code, msg = S.error_of(
        idp.initiate_auth, ClientId=console, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Gatehouse-demo-2"})
    assert (status, code, msg) == (400, "InvalidParameterException",
                                   "USER_PASSWORD_AUTH flow not enabled for this client")
    status, code, msg = S.error_of(
        idp.admin_initiate_auth, UserPoolId=pools["PetsPool"]["id"],
        ClientId=pools["PetsPool"]["clients"]["web"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Gatehouse-demo-1"})
    assert (status, code, msg) == (400, "InvalidParameterException",
                                   "Auth flow not enabled for this client")
    # ...and a wrong password reads the same through both (moto's admin message was the name).
    wrong = [(idp.initiate_auth, {"ClientId": pools["PetsPool"]["clients"]["web"],
                                  "AuthFlow": "USER_PASSWORD_AUTH",
                                  "AuthParameters": {"USERNAME": "alice", "PASSWORD": "nope"}}),
             (idp.admin_initiate_auth, {"UserPoolId": admin_id, "ClientId": console,
                                        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                                        "AuthParameters": {"USERNAME": "bob", "PASSWORD": "nope"}})]
    for call, kwargs in wrong:
        assert S.error_of(call, **kwargs) == (400, "NotAuthorizedException",
                                            "Incorrect username or password."), call


@test
def moto_tokens_verify_against_the_pool_jwks():
    pets = S.SUMMARY["pools"]["PetsPool"]
    tokens = S.sign_in()
    for kind, use in (("IdToken", "id"), ("AccessToken", "access")):
        header, _ = S.jwt_parts(tokens[kind])
        assert header == {"typ": "JWT", "kid": "dummy", "alg": "RS256"}, header
        claims = S.verified_claims(tokens[kind], pets["id"])
        assert claims["iss"] == f"https://cognito-idp.eu-west-1.amazonaws.com/{pets['id']}"
        assert claims["token_use"] == use and claims["exp"] - claims["iat"] == 3600
    id_claims = S.verified_claims(tokens["IdToken"], pets["id"])
    assert id_claims["aud"] == pets["clients"]["web"] and id_claims["cognito:username"] == "alice"
    access = S.verified_claims(tokens["AccessToken"], pets["id"])
    assert access["client_id"] == pets["clients"]["web"] and access["username"] == "alice"
    assert access["scope"] == "aws.cognito.signin.user.admin" and "aud" not in access


@test
def minted_tokens_look_like_cognito_ones():
    pets = S.SUMMARY["pools"]["PetsPool"]
    web = pets["clients"]["web"]
    moto_id = S.jwt_parts(S.sign_in()["IdToken"])[1]
    token = S.mint(region="eu-west-1", pool_id=pets["id"], token_use="id", client_id=web,
                 username="alice")
    assert S.jwt_parts(token)[0] == {"typ": "JWT", "kid": "dummy", "alg": "RS256"}
    claims = S.verified_claims(token, pets["id"])
    assert set(claims) == set(moto_id) | {"email"}, (sorted(claims), sorted(moto_id))
    assert claims["sub"] == moto_id["sub"] and claims["email"] == "alice@example.com"
    assert (claims["aud"], claims["token_use"], claims["iss"]) == (
        web, "id", moto_id["iss"])
    assert abs(claims["exp"] - time.time() - 3600) < 5 and claims["auth_time"] == claims["iat"]

    access = S.verified_claims(S.mint(
        region="eu-west-1", pool_id=pets["id"], token_use="access", client_id=web,
        username="carol", scope="pets/read pets/admin", expires_in=-60, issued_ago=7200,
        claims={"cognito:groups": ["admins"], "username": "carol2"}), pets["id"])
    assert (access["client_id"], access["scope"], access["token_use"]) == (
        web, "pets/read pets/admin", "access")
    assert access["username"] == "carol2" and access["cognito:groups"] == ["admins"]
    assert access["exp"] < time.time() and time.time() - access["iat"] >= 7199
    assert access["jti"] and "aud" not in access
    assert access["sub"] == S.jwt_parts(S.mint(pool_id=pets["id"], token_use="access",
                                           client_id=web, username="carol"))[1]["sub"]
    for bad in ({"pool_id": pets["id"], "token_use": "refresh", "client_id": web, "username": "a"},
                {"pool_id": pets["id"], "token_use": "id", "client_id": web},
                {"pool_id": pets["id"], "token_use": "id", "client_id": web, "username": "a",
                 "expires_in": "soon"}):
        status, body = S.control_error("/_sandbox/mint-token", bad)
        assert status == 400 and body["message"], (bad, body)


@test
def token_lab_layout():
    lab = S.token_lab()
    east = S.agw()
    assert set(lab["authorizers"]) == {"Pets", "PetsWebOnly", "Admin", "Legacy"}
    auths = {a["name"]: a for a in east.get_authorizers(restApiId=lab["id"])["items"]}
    pools = S.SUMMARY["pools"]
    assert auths["Pets"]["providerARNs"] == [pools["PetsPool"]["arn"]]
    web_only = auths["PetsWebOnly"]
    assert web_only["identityValidationExpression"] == pools["PetsPool"]["clients"]["web"]
    assert auths["Admin"]["providerARNs"] == [pools["AdminPool"]["arn"]]
    assert auths["Legacy"]["type"] == "TOKEN"
    by_id = {a["id"]: name for name, a in auths.items()}
    methods = {}
    for r in east.get_resources(restApiId=lab["id"], embed=["methods"])["items"]:
        for verb, m in r.get("resourceMethods", {}).items():
            methods[f"{verb} {r['path']}"] = (
                m["authorizationType"], by_id.get(m.get("authorizerId")),
                m.get("authorizationScopes"))
            assert m["methodIntegration"]["type"] == "MOCK"
    cog = "COGNITO_USER_POOLS"
    assert methods == {
        "GET /plain": (cog, "Pets", None), "GET /scoped": (cog, "Pets", ["pets/read"]),
        "GET /web-only": (cog, "PetsWebOnly", None), "GET /admin": (cog, "Admin", None),
        "GET /open": ("NONE", None, None), "OPTIONS /open": ("NONE", None, None),
        "GET /iam": ("AWS_IAM", None, None), "GET /lambda": ("CUSTOM", "Legacy", None)}, methods
    assert [s["stageName"] for s in east.get_stages(restApiId=lab["id"])["item"]] == ["prod"]


@test
def test_invoke_cognito_authorizer():
    pools = S.SUMMARY["pools"]
    alice = S.sign_in()
    ok = S.try_authorizer("Pets", alice["IdToken"])
    assert ok["clientStatus"] == 200 and "Authorized request" in ok["log"], ok
    assert ok["claims"]["cognito:username"] == "alice"
    assert ok["claims"]["exp"] == str(S.jwt_parts(alice["IdToken"])[1]["exp"])  # all strings
    assert S.try_authorizer("Pets", alice["IdToken"], header="authorization")["clientStatus"] == 200

    pets_id, web = pools["PetsPool"]["id"], pools["PetsPool"]["clients"]["web"]
    mobile = pools["PetsPool"]["clients"]["mobile"]
    good = {"region": "eu-west-1", "pool_id": pets_id, "token_use": "id", "client_id": web,
            "username": "alice"}
    tampered = alice["IdToken"].rsplit(".", 1)[0] + "." + S.mint(**good).rsplit(".", 1)[1]
    refused = [  # (authorizer, token, why)
        ("Pets", alice["AccessToken"], "ID tokens only"),
        ("Pets", "Bearer " + alice["IdToken"], "not a valid RS256 JWT"),
        ("Pets", S.mint(**dict(good, expires_in=-1)), "expired"),
        ("Pets", tampered, "signature"),
        ("Pets", None, "missing"),
        ("Pets", S.mint(**dict(good, claims={"iss": "https://evil.example.com"})), "issuer"),
        ("Admin", alice["IdToken"], "issuer"),
        ("PetsWebOnly", S.mint(**dict(good, client_id=mobile)), "identityValidationExpression"),
    ]
    for name, token, why in refused:
        out = S.try_authorizer(name, token)
        assert out["clientStatus"] == 401 and out["claims"] == {}, (name, why, out)
        assert "Unauthorized request" in out["log"] and why in out["log"], (why, out["log"])
    assert S.try_authorizer("PetsWebOnly", S.mint(**good))["clientStatus"] == 200
    assert S.try_authorizer("Admin", S.mint(
        region="eu-west-1", pool_id=pools["AdminPool"]["id"], token_use="id",
        client_id=pools["AdminPool"]["clients"]["admin-console"], username="bob"))[
        "clientStatus"] == 200

    lab, east = S.token_lab(), S.agw()
    S.control("/_sandbox/reset-stats", {})
    status, code, msg = S.error_of(east.test_invoke_authorizer, restApiId=lab["id"],
                                 authorizerId=lab["authorizers"]["Legacy"])
    assert (status, code, msg) == (400, "BadRequestException",
                                   "only COGNITO_USER_POOLS authorizers can be tested here")
    status, code, _ = S.error_of(east.test_invoke_authorizer, restApiId=lab["id"],
                               authorizerId="nope")
    assert (status, code) == (404, "NotFoundException")
    assert S.control("/_sandbox/stats")["calls"]["apigateway"] == {"TestInvokeAuthorizer": 2}


@test
def jwks_can_be_made_unreachable():
    pets_id = S.SUMMARY["pools"]["PetsPool"]["id"]
    url = f"{S.URL}/{pets_id}/.well-known/jwks.json"
    S.control("/_sandbox/reset-stats", {})
    assert S.control("/_sandbox/config", {"jwks_unavailable": True})["jwks_unavailable"] is True
    try:
        try:
            urllib.request.urlopen(url)
            raise AssertionError("expected HTTP 503")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
            assert exc.headers["x-amzn-ErrorType"] == "ServiceUnavailableException"
            assert json.load(exc)["__type"] == "ServiceUnavailableException"
        S.sign_in()  # the rest of Cognito still answers
    finally:
        S.control("/_sandbox/config", {"jwks_unavailable": False})
    with urllib.request.urlopen(url) as resp:
        assert json.load(resp)["keys"][0]["kid"] == "dummy"
    stats = S.control("/_sandbox/stats")
    assert stats["calls"]["cognito-idp"]["GetJWKS"] == 2
    assert stats["failures"]["cognito-idp"] == {"GetJWKS": 1}
    assert S.control_error("/_sandbox/config", {"jwks_unavailable": "yes"})[0] == 400
    assert S.control("/_sandbox/config")["jwks_unavailable"] is False
