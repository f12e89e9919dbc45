//! What a browser sees: the CORS mistakes that turn a clean 401 into a CORS error. API Gateway
//! answers a missing or refused token with a gateway response (UNAUTHORIZED, ACCESS_DENIED, or
//! DEFAULT_4XX they fall back to); when it carries no Access-Control-Allow-Origin while the API's
//! OPTIONS methods answer the preflight, the browser hides the 401 behind a CORS error. And a
//! preflight carries no token: an OPTIONS method that requires one fails every browser call.

use crate::domain::model::Method;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A gateway response as GetGatewayResponses gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayResponse {
    /// UNAUTHORIZED, ACCESS_DENIED, DEFAULT_4XX, …
    pub response_type: String,
    /// AWS's own default (never put).
    pub default_response: bool,
    /// `gatewayresponse.header.NAME` → value, as AWS keeps them.
    pub parameters: BTreeMap<String, String>,
    /// None for DEFAULT_4XX and DEFAULT_5XX left to AWS.
    #[serde(default)]
    pub status_code: Option<String>,
    /// Content type → mapping template.
    #[serde(default)]
    pub templates: BTreeMap<String, String>,
}

pub const ALLOW_ORIGIN: &str = "gatewayresponse.header.Access-Control-Allow-Origin";

/// One thing a browser would trip on, with its fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BrowserIssue {
    /// "gatewayResponsesWithoutCors" or "optionsNeedsToken".
    pub kind: String,
    /// What goes wrong, in the user's words.
    pub text: String,
    /// What to do about it.
    pub fix: String,
    /// The gateway responses (first kind) or methods (second) it concerns.
    pub items: Vec<String>,
}

impl BrowserIssue {
    /// The gateway responses could not be read: said, not guessed.
    pub fn unread(why: &str) -> BrowserIssue {
        BrowserIssue {
            kind: "unread".into(),
            text: format!("The gateway responses could not be read ({why}): whether a refused token gets CORS headers is not known."),
            fix: "Allow apigateway:GET on /restapis/*/gatewayresponses for this profile.".into(),
            items: vec![],
        }
    }
}

/// The responses a refused token meets, without an Allow-Origin header: each, or DEFAULT_4XX
/// when it is still AWS's default (it then answers with DEFAULT_4XX's headers).
fn without_allow_origin(responses: &[GatewayResponse]) -> Vec<String> {
    let by_type: BTreeMap<&str, &GatewayResponse> = responses
        .iter()
        .map(|r| (r.response_type.as_str(), r))
        .collect();
    let has = |t: &str| {
        by_type
            .get(t)
            .is_some_and(|r| r.parameters.contains_key(ALLOW_ORIGIN))
    };
    ["UNAUTHORIZED", "ACCESS_DENIED"]
        .into_iter()
        .filter(|t| {
            let own = by_type.get(t).filter(|r| !r.default_response);
            match own {
                Some(_) => !has(t),
                None => !has("DEFAULT_4XX"),
            }
        })
        .map(str::to_string)
        .collect()
}

/// The issues of one API: `responses` None for an HTTP API (it has no gateway responses; its
/// CORS configuration answers for every route).
pub fn issues(methods: &[Method], responses: Option<&[GatewayResponse]>) -> Vec<BrowserIssue> {
    let mut out = Vec::new();
    let protected = methods.iter().any(|m| !m.is_open() && !m.is_options());
    let preflights = methods.iter().any(|m| m.is_options() && m.is_open());
    if let Some(responses) = responses {
        let missing = without_allow_origin(responses);
        if protected && preflights && !missing.is_empty() {
            out.push(BrowserIssue {
                kind: "gatewayResponsesWithoutCors".into(),
                text: format!(
                    "A refused token gets a {} answer without Access-Control-Allow-Origin while the OPTIONS methods answer CORS: browsers show a CORS error instead of the 401 or 403.",
                    missing.join(" and ")
                ),
                fix: "Add Access-Control-Allow-Origin (and the headers your OPTIONS methods allow) to the UNAUTHORIZED, ACCESS_DENIED and DEFAULT_4XX gateway responses, then deploy.".into(),
                items: missing,
            });
        }
    }
    let options_token: Vec<String> = methods
        .iter()
        .filter(|m| m.is_options() && !m.is_open())
        .map(Method::key)
        .collect();
    if !options_token.is_empty() {
        out.push(BrowserIssue {
            kind: "optionsNeedsToken".into(),
            text: format!(
                "{} require{} a token, but a browser's CORS preflight carries none: every call from a browser fails.",
                options_token.join(", "),
                if options_token.len() == 1 { "s" } else { "" }
            ),
            fix: "Remove the protection from the OPTIONS methods (gatehouse unprotect --methods ...).".into(),
            items: options_token,
        });
    }
    out
}
