//! The fix for a refused token that a browser shows as a CORS error: the UNAUTHORIZED and
//! ACCESS_DENIED gateway responses given an Access-Control-Allow-Origin header, each kept as it
//! was otherwise (status, other headers, templates), and the undo of that fix, which restores
//! only what still holds what the fix set. Pure: the core reads and writes AWS.

use super::browser::{GatewayResponse, ALLOW_ORIGIN};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The responses a refused token meets (DEFAULT_4XX answers for them only while they are AWS's
/// defaults; giving them their own headers covers both cases).
pub const REFUSED: [&str; 2] = ["UNAUTHORIZED", "ACCESS_DENIED"];

/// A gateway response as PutGatewayResponse sets it, or AWS's default for its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResponseState {
    /// AWS's own default: restoring it is a DeleteGatewayResponse.
    pub default_response: bool,
    pub status_code: Option<String>,
    /// `gatewayresponse.header.NAME` → value.
    pub parameters: BTreeMap<String, String>,
    /// Content type → mapping template.
    pub templates: BTreeMap<String, String>,
}

impl ResponseState {
    pub fn of(r: &GatewayResponse) -> ResponseState {
        ResponseState {
            default_response: r.default_response,
            status_code: r.status_code.clone(),
            parameters: r.parameters.clone(),
            templates: r.templates.clone(),
        }
    }

    /// The same response as a caller meets it (whether it is AWS's default aside).
    pub fn same_as(&self, other: &ResponseState) -> bool {
        self.status_code == other.status_code
            && self.parameters == other.parameters
            && self.templates == other.templates
    }

    /// "Access-Control-Allow-Origin '*'", or "no Access-Control-Allow-Origin" — with "(AWS's
    /// default)" when so.
    pub fn text(&self) -> String {
        let header = match self.parameters.get(ALLOW_ORIGIN) {
            Some(v) => format!("Access-Control-Allow-Origin {v}"),
            None => "no Access-Control-Allow-Origin".to_string(),
        };
        match self.default_response {
            true => format!("{header} (AWS's default)"),
            false => header,
        }
    }
}

/// One gateway response a fix (or its undo) changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResponseChange {
    /// The response type: UNAUTHORIZED, ACCESS_DENIED.
    pub key: String,
    pub before: ResponseState,
    pub after: ResponseState,
    /// Each side in words: "no Access-Control-Allow-Origin (AWS's default)".
    pub before_text: String,
    pub after_text: String,
    /// "UNAUTHORIZED: no Access-Control-Allow-Origin (AWS's default) → Access-Control-Allow-Origin '*'".
    pub text: String,
}

impl ResponseChange {
    fn new(key: &str, before: ResponseState, after: ResponseState) -> ResponseChange {
        let (before_text, after_text) = (before.text(), after.text());
        ResponseChange {
            text: format!("{key}: {before_text} → {after_text}"),
            key: key.to_string(),
            before,
            after,
            before_text,
            after_text,
        }
    }
}

/// A response an undo leaves alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResponseSkipped {
    pub key: String,
    /// What AWS holds now; None when the response type is gone.
    pub found: Option<ResponseState>,
    /// What the undo would have restored.
    pub restore: ResponseState,
    pub reason: String,
}

/// The origin a browser may read the refusal from: `*`, or one origin (`https://app.example.com`,
/// a port allowed). The header's value is the origin in single quotes, as API Gateway maps a
/// static value.
pub fn origin_value(origin: &str) -> Result<String, String> {
    let o = origin.trim();
    let host_ok = |rest: &str| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    };
    let ok = o == "*"
        || o.strip_prefix("https://").is_some_and(host_ok)
        || o.strip_prefix("http://").is_some_and(host_ok);
    match ok {
        true => Ok(format!("'{o}'")),
        false => Err(format!(
            "'{origin}' is not an origin: give * or one origin such as https://app.example.com \
             (scheme and host, a port allowed, no path)"
        )),
    }
}

/// What the fix changes: each refused-token response without the header gets it, kept as it is
/// otherwise (a default response keeps its status and template). Empty when both have it.
pub fn cors_fix(responses: &[GatewayResponse], value: &str) -> Vec<ResponseChange> {
    REFUSED
        .iter()
        .filter_map(|t| {
            let before = responses
                .iter()
                .find(|r| r.response_type == *t)
                .map(ResponseState::of)?;
            if before.parameters.contains_key(ALLOW_ORIGIN) {
                return None;
            }
            let mut after = before.clone();
            after.default_response = false;
            after
                .parameters
                .insert(ALLOW_ORIGIN.to_string(), value.to_string());
            Some(ResponseChange::new(t, before, after))
        })
        .collect()
}

/// One response a fix changed, as its journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseEntry {
    pub key: String,
    pub before: ResponseState,
    pub planned: ResponseState,
}

/// The undo of a fix: each response back to what it was, where AWS still holds what the fix set
/// (or `force`); the others are left alone, with the reason.
pub fn cors_undo(
    current: &[GatewayResponse],
    entries: &[ResponseEntry],
    force: bool,
) -> (Vec<ResponseChange>, Vec<ResponseSkipped>) {
    let mut restore = Vec::new();
    let mut skipped = Vec::new();
    for e in entries {
        let now = current
            .iter()
            .find(|r| r.response_type == e.key)
            .map(ResponseState::of);
        match now {
            // Already as it was: nothing to send.
            Some(now) if now.same_as(&e.before) => {}
            Some(now) if force || now.same_as(&e.planned) => {
                restore.push(ResponseChange::new(&e.key, now, e.before.clone()))
            }
            Some(now) => skipped.push(ResponseSkipped {
                key: e.key.clone(),
                reason: format!("changed since the fix: now {}", now.text()),
                found: Some(now),
                restore: e.before.clone(),
            }),
            None => skipped.push(ResponseSkipped {
                key: e.key.clone(),
                found: None,
                restore: e.before.clone(),
                reason: "no longer exists".to_string(),
            }),
        }
    }
    (restore, skipped)
}
