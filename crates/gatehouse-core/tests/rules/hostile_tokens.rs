//! Tokens made to break the check: time claims of any JSON value, a token not valid yet, an aud
//! list, and what must never show a token (Debug, the copied curl line).

use super::token::{id_token, iss, jwt, lab, method, NOW, POOL, WEB};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_core::domain::claims::{self, decode, expiry_text, Signature};
use gatehouse_core::domain::model::{Authorizer, Method};
use gatehouse_core::domain::verdict::{judge, Verdict};
use serde_json::{json, Value};

/// A token whose claims are this JSON text as written (numbers `json!` cannot spell).
fn jwt_raw(claims: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k1"}"#),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

/// A JWT authorizer of an HTTP API for the pool, with this audience, and a route it protects.
fn http_lab(audience: &[&str]) -> (Vec<Method>, Vec<Authorizer>) {
    let authorizer = Authorizer {
        id: "j1".into(),
        name: "PetsJwt".into(),
        kind: "JWT".into(),
        provider_arns: vec![],
        identity_source: Some("$request.header.Authorization".into()),
        identity_validation_expression: None,
        ttl_seconds: None,
        authorizer_uri: None,
        issuer: Some(iss(POOL)),
        audience: audience.iter().map(|a| a.to_string()).collect(),
    };
    (
        vec![method("/parcels", "JWT", Some("j1"), &[])],
        vec![authorizer],
    )
}

#[test]
fn hostile_time_claims_get_a_verdict_never_a_panic() {
    let (methods, authorizers) = lab();
    let (http_methods, http_authorizers) = http_lab(&[WEB]);
    let hostile = [
        "-9223372036854775808",
        "9223372036854775807",
        "18446744073709551615",
        "-1",
        "0",
        "1e300",
        "-1e300",
        "1.5",
        "1.7976931348623157e308",
        "-0.0",
        "\"1800000600\"",
        "null",
        "true",
        "{}",
        "[]",
    ];
    let base = format!(
        r#""iss": "{}", "token_use": "id", "aud": "{WEB}", "cognito:username": "alice""#,
        iss(POOL)
    );
    for value in hostile {
        for claim in ["exp", "iat", "nbf", "auth_time"] {
            // The other times sane, one hostile; then all four hostile at once.
            let sane: String = ["exp", "iat", "nbf", "auth_time"]
                .iter()
                .filter(|c| **c != claim)
                .map(|c| match *c {
                    "exp" => format!(r#", "exp": {}"#, NOW + 600),
                    other => format!(r#", "{other}": {}"#, NOW - 60),
                })
                .collect();
            for claims in [
                format!(r#"{{{base}, "{claim}": {value}{sane}}}"#),
                format!(
                    r#"{{{base}, "exp": {value}, "iat": {value}, "nbf": {value}, "auth_time": {value}}}"#
                ),
            ] {
                let decoded = decode(&jwt_raw(&claims)).unwrap();
                for signature in [Signature::Valid, Signature::Unverified, Signature::Invalid] {
                    let info = decoded.info(signature, String::new(), NOW);
                    assert!(!info.expiry_text.is_empty());
                    for v in judge(&decoded, signature, NOW, &methods, &authorizers)
                        .into_iter()
                        .chain(judge(
                            &decoded,
                            signature,
                            NOW,
                            &http_methods,
                            &http_authorizers,
                        ))
                    {
                        assert!(!v.reason.is_empty(), "{claims}");
                    }
                }
            }
        }
    }
    // Numbers are times, whatever their spelling; what is no number is refused for exp.
    let verdict_with_exp = |exp: &str| {
        let claims = format!(r#"{{{base}, "exp": {exp}}}"#);
        let decoded = decode(&jwt_raw(&claims)).unwrap();
        let all = judge(&decoded, Signature::Valid, NOW, &methods, &authorizers);
        let plain = all.into_iter().find(|v| v.path == "/plain").unwrap();
        (plain.verdict, plain.reason)
    };
    assert_eq!(verdict_with_exp("1e300").0, Verdict::Allow);
    assert_eq!(
        verdict_with_exp(&format!("{}.5", NOW + 600)).0,
        Verdict::Allow
    );
    let (v, why) = verdict_with_exp("-9223372036854775808");
    assert_eq!(v, Verdict::Deny);
    assert!(why.starts_with("The token expired"), "{why}");
    let (v, why) = verdict_with_exp("-1e300");
    assert_eq!(v, Verdict::Deny, "{why}");
    for not_a_number in ["\"1800000600\"", "null", "true"] {
        let (v, why) = verdict_with_exp(not_a_number);
        assert_eq!(v, Verdict::Deny, "{not_a_number}");
        assert!(why.contains("exp claim is not a number"), "{why}");
    }
    // Times beyond what RFC 3339 can write are shown as none, not as an error.
    let far = decode(&jwt_raw(&format!(
        r#"{{{base}, "exp": 1e300, "iat": -1e300}}"#
    )))
    .unwrap()
    .info(Signature::Valid, String::new(), NOW);
    assert_eq!(far.expires_at, None);
    assert_eq!(far.issued_at, None);
    assert_eq!(far.expires_at_epoch, Some(i64::MAX));
    assert!(!far.expired);
    assert_eq!(
        expiry_text(i64::MIN, i64::MAX),
        "expired 106751991167300 days ago"
    );
    assert_eq!(
        expiry_text(i64::MAX, i64::MIN),
        "expires in 106751991167300 days"
    );
}

#[test]
fn a_token_not_valid_yet_is_refused_with_its_nbf() {
    let (methods, authorizers) = lab();
    let (http_methods, http_authorizers) = http_lab(&[WEB]);
    let token = |nbf: i64| {
        jwt(
            json!({"iss": iss(POOL), "token_use": "id", "aud": WEB, "exp": NOW + 3600,
                   "nbf": nbf}),
        )
    };
    let early = decode(&token(NOW + 300)).unwrap();
    for v in judge(&early, Signature::Valid, NOW, &methods, &authorizers)
        .into_iter()
        .chain(judge(
            &early,
            Signature::Valid,
            NOW,
            &http_methods,
            &http_authorizers,
        ))
        .filter(|v| v.path == "/plain" || v.path == "/parcels")
    {
        assert_eq!(v.verdict, Verdict::Deny, "{}", v.path);
        assert_eq!(
            v.reason,
            "The token is not valid yet: its nbf claim says from 2027-01-15T08:05:00Z (in 5 min)"
        );
    }
    // From nbf on, it is.
    let valid = decode(&token(NOW)).unwrap();
    let all = judge(&valid, Signature::Valid, NOW, &methods, &authorizers);
    assert_eq!(all[0].verdict, Verdict::Allow, "{}", all[0].reason);
    let unreadable = decode(&jwt(
        json!({"iss": iss(POOL), "token_use": "id", "aud": WEB,
                                        "exp": NOW + 3600, "nbf": "soon"}),
    ))
    .unwrap();
    let all = judge(&unreadable, Signature::Valid, NOW, &methods, &authorizers);
    assert_eq!(all[0].verdict, Verdict::Deny);
    assert!(all[0].reason.contains("nbf claim is not a number"));
}

#[test]
fn an_aud_list_is_judged_value_by_value() {
    let (methods, authorizers) = lab();
    let with_aud = |aud: Value| {
        decode(&jwt(
            json!({"iss": iss(POOL), "token_use": "id", "aud": aud,
                           "exp": NOW + 600}),
        ))
        .unwrap()
    };
    let web_only = |d: &claims::Decoded| {
        judge(d, Signature::Valid, NOW, &methods, &authorizers)
            .into_iter()
            .find(|v| v.path == "/web-only")
            .unwrap()
    };
    // The REST client regex (^webclient1$): one value matching is enough, wherever it is.
    let listed = with_aud(json!(["mobileclient", WEB]));
    assert_eq!(web_only(&listed).verdict, Verdict::Allow);
    assert_eq!(
        listed.info(Signature::Valid, String::new(), NOW).client_id,
        Some(format!("mobileclient, {WEB}"))
    );
    let others = web_only(&with_aud(json!(["mobileclient", 7, null, "tv"])));
    assert_eq!(others.verdict, Verdict::Deny);
    assert!(
        others.reason.contains("mobileclient, tv"),
        "{}",
        others.reason
    );
    assert_eq!(web_only(&with_aud(json!([]))).verdict, Verdict::Deny);
    // The list's values as one string do not match: "^webclient1$" is not "mobileclient, webclient1".
    assert_eq!(
        web_only(&with_aud(json!(format!("mobileclient, {WEB}")))).verdict,
        Verdict::Deny
    );

    // An HTTP API's JWT audience: any value of the list in it lets the token in.
    let (http_methods, http_authorizers) = http_lab(&["tv", WEB]);
    let route = |d: &claims::Decoded| {
        judge(d, Signature::Valid, NOW, &http_methods, &http_authorizers).remove(0)
    };
    assert_eq!(route(&listed).verdict, Verdict::Allow);
    let refused = route(&with_aud(json!(["mobileclient", "kiosk"])));
    assert_eq!(refused.verdict, Verdict::Deny);
    assert!(
        refused.reason.contains("mobileclient, kiosk") && refused.reason.contains("PetsJwt"),
        "{}",
        refused.reason
    );
}

#[test]
fn a_decoded_token_prints_no_token_when_debugged() {
    let compact = id_token(POOL, WEB, NOW + 600);
    let decoded = decode(&compact).unwrap();
    let shown = format!("{decoded:?}");
    assert!(!shown.contains(&compact), "{shown}");
    assert!(
        !shown.contains("c2lnbmF0dXJl"),
        "the signature is shown: {shown}"
    );
    assert!(
        shown.contains(&format!("<{} chars>", compact.len())),
        "{shown}"
    );
}

#[test]
fn the_curl_line_reads_the_token_and_quotes_every_argument() {
    let base = "https://abc.execute-api.us-east-1.amazonaws.com/prod";
    assert_eq!(
        claims::curl_line(base, "GET", "/pets", "Authorization"),
        "read -rs TOKEN && printf 'Authorization: %s\\n' \"$TOKEN\" | curl -H @- \
         'https://abc.execute-api.us-east-1.amazonaws.com/prod/pets'"
    );
    assert_eq!(
        claims::curl_line(&format!("{base}/"), "post", "/purchase", "X-Token"),
        "read -rs TOKEN && printf 'X-Token: %s\\n' \"$TOKEN\" | curl -X POST -H @- \
         'https://abc.execute-api.us-east-1.amazonaws.com/prod/purchase'"
    );
    // An HTTP API's ANY and $default routes: GET, and $default on /.
    let http = "https://abc.execute-api.us-east-1.amazonaws.com";
    assert_eq!(
        claims::curl_line(http, "ANY", "$default", "Authorization"),
        "read -rs TOKEN && printf 'Authorization: %s\\n' \"$TOKEN\" | curl -H @- \
         'https://abc.execute-api.us-east-1.amazonaws.com/'"
    );
    assert!(claims::curl_line(http, "ANY", "/{proxy+}", "Authorization")
        .ends_with(" 'https://abc.execute-api.us-east-1.amazonaws.com/{proxy+}'"));
    // Quotes, printf's own escapes and a verb that is not a word cannot break out.
    assert_eq!(
        claims::curl_line(http, "P'ST", "/it's", "X-100%\\'"),
        "read -rs TOKEN && printf 'X-100%%\\\\'\\'': %s\\n' \"$TOKEN\" | curl -X 'P'\\''ST' \
         -H @- 'https://abc.execute-api.us-east-1.amazonaws.com/it'\\''s'"
    );
    assert_eq!(claims::shell_quote("it's"), "'it'\\''s'");
}
