//! The token check's pure rules: decoding what a user pastes, and the verdict API Gateway would give
//! on each kind of method (open, IAM, Lambda, Cognito with and without scopes and a client regex).
//! Signatures are checked against real sandbox tokens in tests/token_check.rs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_core::domain::claims::{
    self, decode, expiry_text, pool_of_arn, pool_of_issuer, Signature, TokenUse,
};
use gatehouse_core::domain::model::{Authorizer, Method};
use gatehouse_core::domain::verdict::{judge, Verdict, VerdictSummary};
use serde_json::{json, Value};

pub(crate) const NOW: i64 = 1_800_000_000;
pub(crate) const POOL: &str = "eu-west-1_Pets123";
const OTHER_POOL: &str = "eu-west-1_Admin456";
pub(crate) const WEB: &str = "webclient1";

pub(crate) fn jwt(claims: Value) -> String {
    let part = |v: Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap());
    format!(
        "{}.{}.c2lnbmF0dXJl",
        part(json!({"alg": "RS256", "kid": "k1"})),
        part(claims)
    )
}

pub(crate) fn iss(pool: &str) -> String {
    format!("https://cognito-idp.eu-west-1.amazonaws.com/{pool}")
}

pub(crate) fn id_token(pool: &str, aud: &str, exp: i64) -> String {
    jwt(
        json!({"iss": iss(pool), "token_use": "id", "aud": aud, "cognito:username": "alice",
               "iat": exp - 3600, "exp": exp}),
    )
}

fn access_token(pool: &str, client: &str, scope: &str) -> String {
    jwt(
        json!({"iss": iss(pool), "token_use": "access", "client_id": client, "username": "alice",
               "scope": scope, "iat": NOW - 60, "exp": NOW + 3540}),
    )
}

fn arn(pool: &str) -> String {
    format!("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{pool}")
}

fn cognito_authorizer(id: &str, name: &str, pool: &str, regex: Option<&str>) -> Authorizer {
    Authorizer {
        id: id.into(),
        name: name.into(),
        kind: "COGNITO_USER_POOLS".into(),
        provider_arns: vec![arn(pool)],
        identity_source: Some("method.request.header.Authorization".into()),
        identity_validation_expression: regex.map(str::to_string),
        ttl_seconds: Some(300),
        authorizer_uri: None,
        issuer: None,
        audience: vec![],
    }
}

pub(crate) fn method(path: &str, kind: &str, authorizer: Option<&str>, scopes: &[&str]) -> Method {
    Method {
        resource_id: "r".into(),
        path: path.into(),
        verb: "GET".into(),
        authorization_type: kind.into(),
        authorizer_id: authorizer.map(str::to_string),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        api_key_required: false,
        route_key: None,
    }
}

/// TokenLab's shape: every kind of method the rules tell apart.
pub(crate) fn lab() -> (Vec<Method>, Vec<Authorizer>) {
    let authorizers = vec![
        cognito_authorizer("a1", "Pets", POOL, None),
        cognito_authorizer("a2", "PetsWebOnly", POOL, Some(&format!("^{WEB}$"))),
        cognito_authorizer("a3", "Admin", OTHER_POOL, None),
        Authorizer {
            id: "a4".into(),
            name: "Legacy".into(),
            kind: "TOKEN".into(),
            provider_arns: vec![],
            identity_source: Some("method.request.header.Authorization".into()),
            identity_validation_expression: None,
            ttl_seconds: Some(300),
            authorizer_uri: Some("arn:aws:lambda".into()),
            issuer: None,
            audience: vec![],
        },
    ];
    let methods = vec![
        method("/plain", "COGNITO_USER_POOLS", Some("a1"), &[]),
        method("/scoped", "COGNITO_USER_POOLS", Some("a1"), &["pets/read"]),
        method("/web-only", "COGNITO_USER_POOLS", Some("a2"), &[]),
        method("/admin", "COGNITO_USER_POOLS", Some("a3"), &[]),
        method("/open", "NONE", None, &[]),
        method("/iam", "AWS_IAM", None, &[]),
        method("/lambda", "CUSTOM", Some("a4"), &[]),
        method("/gone", "COGNITO_USER_POOLS", Some("deleted"), &[]),
    ];
    (methods, authorizers)
}

/// (path, verdict, reason) for each method of the lab.
fn verdicts(token: &str, signature: Signature) -> Vec<(String, Verdict, String)> {
    let (methods, authorizers) = lab();
    let decoded = decode(token).unwrap();
    judge(&decoded, signature, NOW, &methods, &authorizers)
        .into_iter()
        .map(|v| (v.path, v.verdict, v.reason))
        .collect()
}

fn verdict_of(all: &[(String, Verdict, String)], path: &str) -> (Verdict, String) {
    let (_, v, r) = all.iter().find(|(p, _, _)| p == path).unwrap();
    (*v, r.clone())
}

#[test]
fn an_id_token_gets_through_where_no_scopes_are_asked_and_its_client_matches() {
    let all = verdicts(&id_token(POOL, WEB, NOW + 600), Signature::Valid);
    let v = |p| verdict_of(&all, p);
    assert_eq!(v("/plain").0, Verdict::Allow, "{:?}", v("/plain"));
    assert_eq!(v("/plain").1, "ID token accepted by authorizer Pets");
    assert_eq!(v("/web-only").0, Verdict::Allow);
    let (scoped, why) = v("/scoped");
    assert_eq!(scoped, Verdict::Deny);
    assert!(
        why.contains("An ID token is refused here") && why.contains("pets/read"),
        "{why}"
    );
    let (admin, why) = v("/admin");
    assert_eq!(admin, Verdict::Deny);
    assert!(
        why.contains(POOL) && why.contains("trusts only") && why.contains(OTHER_POOL),
        "{why}"
    );
    assert_eq!(v("/open").0, Verdict::Open);
    assert_eq!(v("/iam").0, Verdict::Deny);
    assert!(v("/iam").1.contains("SigV4"));
    assert_eq!(
        v("/lambda"),
        (Verdict::Unknown, "Lambda authorizer Legacy decides".into())
    );
    assert_eq!(v("/gone").0, Verdict::Deny);
    assert!(v("/gone").1.contains("no longer exists"));
}

#[test]
fn another_clients_id_token_is_refused_by_the_client_regex_only() {
    let all = verdicts(&id_token(POOL, "mobileclient", NOW + 600), Signature::Valid);
    assert_eq!(verdict_of(&all, "/plain").0, Verdict::Allow);
    let (v, why) = verdict_of(&all, "/web-only");
    assert_eq!(v, Verdict::Deny);
    assert!(
        why.contains("mobileclient") && why.contains("PetsWebOnly"),
        "{why}"
    );
}

#[test]
fn an_access_token_needs_scopes_on_the_method_and_one_of_them_in_its_scope_claim() {
    let scoped = verdicts(
        &access_token(POOL, WEB, "openid pets/read"),
        Signature::Valid,
    );
    let (v, why) = verdict_of(&scoped, "/scoped");
    assert_eq!(v, Verdict::Allow, "{why}");
    assert!(why.contains("pets/read"), "{why}");
    let (v, why) = verdict_of(&scoped, "/plain");
    assert_eq!(v, Verdict::Deny);
    assert!(why.starts_with("An access token is refused here"), "{why}");
    let (v, why) = verdict_of(&scoped, "/web-only");
    assert_eq!(v, Verdict::Deny);
    assert!(why.starts_with("An access token is refused here"), "{why}");
    // What Cognito's own sign-in gives: no custom scope.
    let plain = verdicts(
        &access_token(POOL, WEB, "aws.cognito.signin.user.admin"),
        Signature::Valid,
    );
    let (v, why) = verdict_of(&plain, "/scoped");
    assert_eq!(v, Verdict::Deny);
    assert!(
        why.contains("aws.cognito.signin.user.admin") && why.contains("none of pets/read"),
        "{why}"
    );
}

#[test]
fn a_client_regex_refuses_an_access_token_because_it_has_no_aud() {
    let (mut methods, authorizers) = lab();
    methods[2].scopes = vec!["pets/read".into()]; // /web-only, with a scope: access tokens pass the scope rule
    let decoded = decode(&access_token(POOL, WEB, "pets/read")).unwrap();
    let all = judge(&decoded, Signature::Valid, NOW, &methods, &authorizers);
    let web_only = all.iter().find(|v| v.path == "/web-only").unwrap();
    assert_eq!(web_only.verdict, Verdict::Deny);
    assert!(
        web_only.reason.contains("an access token has none"),
        "{}",
        web_only.reason
    );
}

#[test]
fn a_bad_signature_or_an_expired_token_is_refused_everywhere_a_pool_decides() {
    for all in [
        verdicts(&id_token(POOL, WEB, NOW + 600), Signature::Invalid),
        verdicts(&id_token(POOL, WEB, NOW - 3 * 3600), Signature::Valid),
    ] {
        for path in ["/plain", "/web-only", "/scoped", "/admin"] {
            assert_eq!(verdict_of(&all, path).0, Verdict::Deny, "{path}");
        }
        assert_eq!(verdict_of(&all, "/open").0, Verdict::Open);
    }
    let expired = verdicts(&id_token(POOL, WEB, NOW - 3 * 3600), Signature::Valid);
    assert_eq!(
        verdict_of(&expired, "/plain").1,
        "The token expired 3 h ago"
    );
    let tampered = verdicts(&id_token(POOL, WEB, NOW + 600), Signature::Invalid);
    assert!(verdict_of(&tampered, "/plain")
        .1
        .contains("signature does not verify"));
}

#[test]
fn an_unverified_signature_allows_with_a_warning_in_the_reason() {
    let all = verdicts(&id_token(POOL, WEB, NOW + 600), Signature::Unverified);
    let (v, why) = verdict_of(&all, "/plain");
    assert_eq!(v, Verdict::Allow);
    assert!(why.contains("could not be fetched"), "{why}");
}

#[test]
fn a_token_of_no_cognito_pool_is_refused_by_cognito_authorizers() {
    let token =
        jwt(json!({"iss": "https://login.example.com/", "exp": NOW + 60, "token_use": "id"}));
    let all = verdicts(&token, Signature::Unverified);
    let (v, why) = verdict_of(&all, "/plain");
    assert_eq!(v, Verdict::Deny);
    assert!(why.contains("not by a Cognito user pool"), "{why}");
}

#[test]
fn the_summary_counts_each_verdict() {
    let all = verdicts(&id_token(POOL, WEB, NOW + 600), Signature::Valid);
    let (methods, authorizers) = lab();
    let decoded = decode(&id_token(POOL, WEB, NOW + 600)).unwrap();
    let summary = VerdictSummary::of(&judge(
        &decoded,
        Signature::Valid,
        NOW,
        &methods,
        &authorizers,
    ));
    assert_eq!(all.len(), 8);
    assert_eq!(
        summary.line(),
        "Allowed on 2 of 8 methods · refused on 4 · open 1 · decided by a Lambda 1"
    );
}

#[test]
fn decoding_says_what_a_token_holds() {
    let token = format!("  Bearer {}\n", access_token(POOL, WEB, "pets/read openid"));
    let d = decode(&token).unwrap();
    let info = d.info(Signature::Valid, "signed".into(), NOW);
    assert_eq!(info.token_use, TokenUse::Access);
    assert_eq!(info.pool_id.as_deref(), Some(POOL));
    assert_eq!(info.pool_region.as_deref(), Some("eu-west-1"));
    assert_eq!(info.client_id.as_deref(), Some(WEB));
    assert_eq!(info.username.as_deref(), Some("alice"));
    assert_eq!(info.scopes, ["pets/read", "openid"]);
    assert_eq!(info.expiry_text, "expires in 59 min");
    assert!(!info.expired);
    assert_eq!(info.issued_at.as_deref(), Some("2027-01-15T07:59:00Z"));
    assert!(info.note.unwrap().contains("Bearer"));
    assert_eq!(info.header["kid"], "k1");
    let id =
        decode(&id_token(POOL, WEB, NOW - 10))
            .unwrap()
            .info(Signature::Valid, String::new(), NOW);
    assert_eq!(id.client_id.as_deref(), Some(WEB));
    assert_eq!(id.username.as_deref(), Some("alice"));
    assert!(id.expired);
    assert_eq!(id.expiry_text, "expired 10 s ago");
}

#[test]
fn what_is_not_a_jwt_is_refused_with_the_reason() {
    let message = |s: &str| decode(s).unwrap_err().to_string();
    assert_eq!(message("   "), "Paste a token first");
    assert!(
        message("abc.def").contains("3 parts"),
        "{}",
        message("abc.def")
    );
    assert!(message("!!.e30.sig").contains("header is not base64url"));
    let not_json = format!("e30.{}.sig", URL_SAFE_NO_PAD.encode("nope"));
    assert!(message(&not_json).contains("claims is not a JSON object"));
}

#[test]
fn issuers_arns_and_times_are_read_as_aws_writes_them() {
    assert_eq!(
        pool_of_issuer(&iss(POOL)),
        Some(("eu-west-1".to_string(), POOL.to_string()))
    );
    assert_eq!(
        pool_of_issuer("https://cognito-idp.eu-west-1.amazonaws.com/"),
        None
    );
    assert_eq!(pool_of_issuer("https://evil.example.com/eu-west-1_x"), None);
    assert_eq!(
        pool_of_arn(&arn(POOL)),
        Some(("eu-west-1".to_string(), POOL.to_string()))
    );
    assert_eq!(pool_of_arn("arn:aws:lambda:eu-west-1:1:function:f"), None);
    assert_eq!(expiry_text(NOW + 12 * 60, NOW), "expires in 12 min");
    assert_eq!(expiry_text(NOW - 3 * 3600, NOW), "expired 3 h ago");
    assert_eq!(expiry_text(NOW - 3 * 86_400, NOW), "expired 3 days ago");
    assert_eq!(claims::rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
}
