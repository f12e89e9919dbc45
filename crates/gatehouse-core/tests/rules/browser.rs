//! What a browser sees: gateway responses without CORS headers, OPTIONS methods that want a token.

use super::plan::method;
use gatehouse_core::domain::browser::{issues, GatewayResponse, ALLOW_ORIGIN};
use gatehouse_core::domain::responses::{cors_fix, cors_undo, origin_value, ResponseEntry};
use gatehouse_core::local::journal::{self, ApplyHeader, Outcome, Record};
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
        status_code: Some(if kind == "UNAUTHORIZED" { "401" } else { "403" }.into()),
        templates: BTreeMap::from([(
            "application/json".to_string(),
            "{\"message\":$context.error.messageString}".to_string(),
        )]),
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

#[test]
fn the_fix_adds_the_header_and_keeps_each_response_as_it_was() {
    assert_eq!(origin_value("*").unwrap(), "'*'");
    assert_eq!(
        origin_value(" https://app.example.com:8443 ").unwrap(),
        "'https://app.example.com:8443'"
    );
    for bad in [
        "",
        "app.example.com",
        "https://a.example/x",
        "https://a b",
        "'*'",
    ] {
        assert!(origin_value(bad).is_err(), "{bad:?}");
    }
    // UNAUTHORIZED customised (its own header kept), ACCESS_DENIED already fine.
    let mut unauthorized = response("UNAUTHORIZED", false, false);
    unauthorized
        .parameters
        .insert("gatewayresponse.header.X-Why".into(), "'token'".into());
    let responses = [
        response("DEFAULT_4XX", true, false),
        unauthorized,
        response("ACCESS_DENIED", false, true),
    ];
    let fix = cors_fix(&responses, "'*'");
    assert_eq!(fix.len(), 1);
    let c = &fix[0];
    assert_eq!(c.key, "UNAUTHORIZED");
    assert_eq!(c.after.status_code.as_deref(), Some("401"));
    assert_eq!(
        c.after.parameters["gatewayresponse.header.X-Why"],
        "'token'"
    );
    assert_eq!(c.after.parameters[ALLOW_ORIGIN], "'*'");
    assert_eq!(c.after.templates, c.before.templates);
    assert_eq!(
        c.text,
        "UNAUTHORIZED: no Access-Control-Allow-Origin → Access-Control-Allow-Origin '*'"
    );
    // Both defaults: each becomes its own response, no longer AWS's default.
    let both = cors_fix(
        &[
            response("UNAUTHORIZED", true, false),
            response("ACCESS_DENIED", true, false),
        ],
        "'*'",
    );
    assert_eq!(both.len(), 2);
    assert!(both
        .iter()
        .all(|c| c.before.default_response && !c.after.default_response));
}

#[test]
fn the_undo_restores_only_what_still_holds_the_fix() {
    let before = response("UNAUTHORIZED", true, false);
    let fixed = cors_fix(std::slice::from_ref(&before), "'*'").remove(0);
    let entry = ResponseEntry {
        key: "UNAUTHORIZED".into(),
        before: fixed.before.clone(),
        planned: fixed.after.clone(),
    };
    let mut now = before.clone();
    now.default_response = false;
    now.parameters.insert(ALLOW_ORIGIN.into(), "'*'".into());
    let (restore, skipped) = cors_undo(
        std::slice::from_ref(&now),
        std::slice::from_ref(&entry),
        false,
    );
    assert_eq!(restore.len(), 1);
    assert!(restore[0].after.default_response, "back to AWS's default");
    assert!(skipped.is_empty());
    // Changed since: left alone with the reason, unless forced.
    let mut changed = now.clone();
    changed
        .parameters
        .insert(ALLOW_ORIGIN.into(), "'https://shop.example'".into());
    let (restore, skipped) = cors_undo(
        std::slice::from_ref(&changed),
        std::slice::from_ref(&entry),
        false,
    );
    assert!(restore.is_empty());
    assert_eq!(
        skipped[0].reason,
        "changed since the fix: now Access-Control-Allow-Origin 'https://shop.example'"
    );
    let (restore, _) = cors_undo(
        std::slice::from_ref(&changed),
        std::slice::from_ref(&entry),
        true,
    );
    assert_eq!(restore.len(), 1);
    // Already as it was: nothing to send.
    let (restore, skipped) = cors_undo(std::slice::from_ref(&before), &[entry], false);
    assert!(restore.is_empty() && skipped.is_empty());
}

#[test]
fn a_fix_is_journaled_and_summarised_as_responses() {
    let fixed = cors_fix(&[response("UNAUTHORIZED", true, false)], "'*'").remove(0);
    let header = ApplyHeader {
        id: "1-a".into(),
        started_ms: 1,
        profile: "default".into(),
        region: "us-east-1".into(),
        api_id: "api".into(),
        api_name: "SecurePets".into(),
        action: gatehouse_core::domain::model::Action::Cors,
        description: "Access-Control-Allow-Origin '*'".into(),
        undoes: None,
    };
    let records = [
        Record::Start(header),
        Record::ResponseBefore {
            key: "UNAUTHORIZED".into(),
            state: fixed.before.clone(),
            planned: fixed.after.clone(),
        },
        Record::ResponseAfter {
            key: "UNAUTHORIZED".into(),
            status: Outcome::Changed,
            error: None,
        },
        Record::End { finished_ms: 2 },
    ];
    let mut summary = journal::summarize(&records).unwrap();
    summary.set_running(false);
    assert_eq!(summary.changed, 1);
    assert!(summary.can_undo);
    assert_eq!(
        summary.title,
        "CORS headers for refused tokens · SecurePets"
    );
    assert_eq!(
        summary.methods_text,
        "1 gateway response: Access-Control-Allow-Origin '*'"
    );
    assert_eq!(
        summary.responses[0].text,
        "UNAUTHORIZED: no Access-Control-Allow-Origin (AWS's default) → Access-Control-Allow-Origin '*' (changed)"
    );
    assert_eq!(journal::response_entries(&summary).len(), 1);
}
