//! What a browser sees: gateway responses without CORS headers, OPTIONS methods that want a token.

use super::plan::method;
use gatehouse_core::domain::browser::{issues, GatewayResponse, ALLOW_ORIGIN};
use std::collections::BTreeMap;

fn response(kind: &str, default: bool, allow_origin: bool) -> GatewayResponse {
    let mut parameters = BTreeMap::new();
    if allow_origin {
        parameters.insert(ALLOW_ORIGIN.to_string(), "'*'".to_string());
    }
    GatewayResponse {
        response_type: kind.into(),
        default_response: default,
        parameters,
    }
}

fn pets() -> Vec<gatehouse_core::domain::model::Method> {
    vec![
        method("/pets", "GET", "COGNITO_USER_POOLS", Some("a1"), &[]),
        method("/pets", "OPTIONS", "NONE", None, &[]),
    ]
}

#[test]
fn a_refused_token_without_cors_headers_is_flagged_with_its_fix() {
    let defaults = [
        response("DEFAULT_4XX", true, false),
        response("UNAUTHORIZED", true, false),
        response("ACCESS_DENIED", true, false),
    ];
    let found = issues(&pets(), Some(&defaults));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, "gatewayResponsesWithoutCors");
    assert_eq!(found[0].items, vec!["UNAUTHORIZED", "ACCESS_DENIED"]);
    assert!(found[0]
        .text
        .contains("browsers show a CORS error instead of the 401"));
    // DEFAULT_4XX with the header covers both while they are AWS's defaults…
    let fixed = [
        response("DEFAULT_4XX", false, true),
        response("UNAUTHORIZED", true, false),
        response("ACCESS_DENIED", true, false),
    ];
    assert!(issues(&pets(), Some(&fixed)).is_empty());
    // …but not one put without it.
    let own = [
        response("DEFAULT_4XX", false, true),
        response("UNAUTHORIZED", false, false),
        response("ACCESS_DENIED", true, false),
    ];
    assert_eq!(issues(&pets(), Some(&own))[0].items, vec!["UNAUTHORIZED"]);
    // Nothing protected, or no preflight: nothing to trip on.
    let open = vec![
        method("/pets", "GET", "NONE", None, &[]),
        method("/pets", "OPTIONS", "NONE", None, &[]),
    ];
    assert!(issues(&open, Some(&defaults)).is_empty());
    assert!(issues(&pets()[..1], Some(&defaults)).is_empty());
    // An HTTP API has no gateway responses.
    assert!(issues(&pets(), None).is_empty());
}

#[test]
fn an_options_method_that_wants_a_token_is_flagged() {
    let methods = vec![
        method("/pets", "GET", "COGNITO_USER_POOLS", Some("a1"), &[]),
        method("/pets", "OPTIONS", "COGNITO_USER_POOLS", Some("a1"), &[]),
    ];
    let found = issues(&methods, None);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, "optionsNeedsToken");
    assert_eq!(found[0].items, vec!["OPTIONS /pets"]);
    assert!(found[0].text.starts_with("OPTIONS /pets requires a token"));
}
