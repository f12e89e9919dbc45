//! The token check's verdicts, pure: every method judged as API Gateway would judge a request
//! carrying a token, with the reason in one line. REST methods with a COGNITO_USER_POOLS authorizer:
//! the signature verifies against the pool's keys, `exp` is in the future, the issuer is one of the
//! authorizer's pools; a method without OAuth scopes wants an ID token, a method with scopes an
//! access token carrying one of them; an app client ID regex is matched against the ID token's
//! `aud`. HTTP routes with a JWT authorizer: the issuer exactly, `aud`/`client_id` in the audience,
//! a scope where scopes are set. No SDK, no I/O.

use crate::domain::claims::{
    expiry_text, relative, rfc3339, Decoded, Signature, TimeClaim, TokenUse,
};
use crate::domain::model::AuthType;
use crate::domain::model::{pool_of_arn, Authorizer, Method};
use crate::domain::validate::check_regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use ts_rs::TS;

/// What API Gateway would do with a request to one method carrying the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allow,
    Deny,
    /// No authorization: anyone gets in, token or not.
    Open,
    /// A Lambda authorizer (or a type Gatehouse does not know) decides.
    Unknown,
}

/// One method's verdict and its reason in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MethodVerdict {
    pub path: String,
    pub verb: String,
    /// How the method is named: "GET /pets", "$default" (`Method::key`).
    pub key: String,
    pub verdict: Verdict,
    pub reason: String,
}

/// The counts behind "Allowed on 3 of 6 methods · refused on 2 · open 1".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerdictSummary {
    pub total: usize,
    pub allowed: usize,
    pub refused: usize,
    pub open: usize,
    pub unknown: usize,
}

impl VerdictSummary {
    pub fn of(verdicts: &[MethodVerdict]) -> VerdictSummary {
        let count = |v: Verdict| verdicts.iter().filter(|m| m.verdict == v).count();
        VerdictSummary {
            total: verdicts.len(),
            allowed: count(Verdict::Allow),
            refused: count(Verdict::Deny),
            open: count(Verdict::Open),
            unknown: count(Verdict::Unknown),
        }
    }

    pub fn line(&self) -> String {
        let noun = if self.total == 1 { "method" } else { "methods" };
        let mut line = format!(
            "Allowed on {} of {} {noun} · refused on {} · open {}",
            self.allowed, self.total, self.refused, self.open
        );
        if self.unknown > 0 {
            line.push_str(&format!(" · decided by a Lambda {}", self.unknown));
        }
        line
    }
}

/// Judges every method for a request carrying this token.
pub fn judge(
    token: &Decoded,
    signature: Signature,
    now: i64,
    methods: &[Method],
    authorizers: &[Authorizer],
) -> Vec<MethodVerdict> {
    methods
        .iter()
        .map(|m| {
            let (verdict, reason) = judge_one(token, signature, now, m, authorizers);
            MethodVerdict {
                path: m.path.clone(),
                verb: m.verb.clone(),
                key: m.key(),
                verdict,
                reason,
            }
        })
        .collect()
}

fn judge_one(
    token: &Decoded,
    signature: Signature,
    now: i64,
    method: &Method,
    authorizers: &[Authorizer],
) -> (Verdict, String) {
    let authorizer = || {
        method
            .authorizer_id
            .as_deref()
            .and_then(|id| authorizers.iter().find(|a| a.id == id))
    };
    match &method.authorization_type {
        AuthType::None => (
            Verdict::Open,
            "No authorization: anyone gets in, with or without a token".into(),
        ),
        AuthType::AwsIam => (
            Verdict::Deny,
            "AWS_IAM wants a SigV4-signed request: a bearer token is refused (403)".into(),
        ),
        AuthType::Custom => (
            Verdict::Unknown,
            match authorizer() {
                Some(a) => format!("Lambda authorizer {} decides", a.name),
                None => "A Lambda authorizer decides".into(),
            },
        ),
        kind @ (AuthType::Jwt | AuthType::CognitoUserPools) => match authorizer() {
            Some(a) if *kind == AuthType::Jwt => jwt(token, signature, now, method, a),
            Some(a) => cognito(token, signature, now, method, a),
            None => (
                Verdict::Deny,
                format!(
                    "Its authorizer {} no longer exists: API Gateway refuses every request",
                    method.authorizer_id.as_deref().unwrap_or("(none)")
                ),
            ),
        },
        other => (
            Verdict::Unknown,
            format!("Authorization type {other} is not one Gatehouse can judge"),
        ),
    }
}

fn cognito(
    token: &Decoded,
    signature: Signature,
    now: i64,
    method: &Method,
    a: &Authorizer,
) -> (Verdict, String) {
    let deny = |reason: String| (Verdict::Deny, reason);
    if let Some(reason) = signature_or_expiry(token, signature, now) {
        return deny(reason);
    }
    let trusted: Vec<(String, String)> = a
        .provider_arns
        .iter()
        .filter_map(|p| pool_of_arn(p))
        .collect();
    match token.pool() {
        None => {
            return deny(format!(
                "Issued by {}, not by a Cognito user pool",
                quoted_or_none(&token.issuer())
            ))
        }
        Some(pool) if !trusted.contains(&pool) => {
            let names: Vec<String> = trusted.iter().map(|(r, p)| format!("{p} ({r})")).collect();
            return deny(format!(
                "Issued by pool {} ({}); authorizer {} trusts only {}",
                pool.1,
                pool.0,
                a.name,
                if names.is_empty() {
                    "no pool".to_string()
                } else {
                    names.join(", ")
                }
            ));
        }
        Some(_) => {}
    }
    let token_use = token.token_use();
    let scopes_text = method.scopes.join(" ");
    if method.scopes.is_empty() {
        if token_use != TokenUse::Id {
            return deny(format!(
                "{} is refused here: a method without OAuth scopes wants an ID token",
                token_use.subject()
            ));
        }
    } else {
        if token_use != TokenUse::Access {
            return deny(format!(
                "{} is refused here: a method with OAuth scopes ({scopes_text}) wants an access token",
                token_use.subject()
            ));
        }
        let held: BTreeSet<String> = token.scopes().into_iter().collect();
        if !method.scopes.iter().any(|s| held.contains(s)) {
            return deny(format!(
                "The token's scopes ({}) include none of {scopes_text}",
                if held.is_empty() {
                    "none".to_string()
                } else {
                    held.into_iter().collect::<Vec<_>>().join(" ")
                }
            ));
        }
    }
    if let Some(re) = a
        .identity_validation_expression
        .as_deref()
        .filter(|re| !re.trim().is_empty())
    {
        // Each value of an aud list is a client the token was issued to: one match is enough.
        let audiences = token.audiences();
        match check_regex(re) {
            Err(_) => return deny(format!("Authorizer {}'s client ID regex {re} is not valid", a.name)),
            Ok(_) if audiences.is_empty() => {
                return deny(format!(
                    "Authorizer {} matches its client ID regex {re} against the ID token's aud; an access token has none",
                    a.name
                ))
            }
            Ok(Some(compiled)) if !audiences.iter().any(|aud| compiled.is_match(aud)) => {
                return deny(format!(
                    "App client {} does not match authorizer {}'s client ID regex {re}",
                    audiences.join(", "),
                    a.name
                ))
            }
            Ok(_) => {}
        }
    }
    let reason = match token_use {
        TokenUse::Access => format!(
            "Access token with scope {} accepted by authorizer {}",
            method
                .scopes
                .iter()
                .find(|s| token.scopes().contains(s))
                .cloned()
                .unwrap_or_default(),
            a.name
        ),
        _ => format!("ID token accepted by authorizer {}", a.name),
    };
    allow(reason, signature)
}

/// What refuses a token before any authorizer's own rule: its signature, its expiry, a time
/// before which it is not valid.
fn signature_or_expiry(token: &Decoded, signature: Signature, now: i64) -> Option<String> {
    if signature == Signature::Invalid {
        return Some(
            "The signature does not verify: the token was altered or signed by another key".into(),
        );
    }
    match token.time_claim("exp") {
        TimeClaim::At(exp) if exp <= now => {
            return Some(format!("The token {}", expiry_text(exp, now)))
        }
        TimeClaim::At(_) => {}
        TimeClaim::Missing => return Some("The token has no exp claim".into()),
        TimeClaim::NotANumber => {
            return Some("The token's exp claim is not a number: it has no expiry to trust".into())
        }
    }
    match token.time_claim("nbf") {
        TimeClaim::At(nbf) if nbf > now => Some(format!(
            "The token is not valid yet: its nbf claim says from {} ({})",
            rfc3339(nbf).unwrap_or_else(|| format!("{nbf} s after the epoch")),
            relative(nbf, now)
        )),
        TimeClaim::NotANumber => {
            Some("The token's nbf claim is not a number: when it becomes valid is unknown".into())
        }
        TimeClaim::At(_) | TimeClaim::Missing => None,
    }
}

/// An HTTP API's JWT authorizer: the issuer must be the authorizer's exactly, the token's `aud`
/// (or `client_id` when it has none) one of its audience, and a route with scopes needs one of
/// them in the `scope` claim. ID and access tokens both pass where no scopes are set.
fn jwt(
    token: &Decoded,
    signature: Signature,
    now: i64,
    method: &Method,
    a: &Authorizer,
) -> (Verdict, String) {
    let deny = |reason: String| (Verdict::Deny, reason);
    if let Some(reason) = signature_or_expiry(token, signature, now) {
        return deny(reason);
    }
    let issuer = token.issuer();
    let wanted = a.issuer.as_deref().unwrap_or_default();
    if issuer != wanted {
        return deny(format!(
            "Issued by {}; JWT authorizer {} accepts only {}",
            quoted_or_none(&issuer),
            a.name,
            quoted_or_none(wanted)
        ));
    }
    // The aud values, each judged on its own; client_id only when the token has no aud.
    let mut clients = token.audiences();
    if clients.is_empty() {
        clients.extend(token.str_claim("client_id"));
    }
    match clients.as_slice() {
        [] => {
            return deny(format!(
            "The token has neither aud nor client_id: JWT authorizer {} cannot match its audience",
            a.name
        ))
        }
        found if found.iter().any(|c| a.audience.contains(c)) => {}
        found => {
            return deny(format!(
                "App client {} is not in JWT authorizer {}'s audience ({})",
                found.join(", "),
                a.name,
                a.audience.join(", ")
            ))
        }
    }
    if !method.scopes.is_empty() {
        let held = token.scopes();
        if !method.scopes.iter().any(|s| held.contains(s)) {
            return deny(format!(
                "The token's scopes ({}) include none of {}",
                if held.is_empty() {
                    "none".to_string()
                } else {
                    held.join(" ")
                },
                method.scopes.join(" ")
            ));
        }
    }
    let reason = format!(
        "{} accepted by JWT authorizer {}",
        match token.token_use() {
            TokenUse::Id => "ID token",
            TokenUse::Access => "Access token",
            TokenUse::Other => "Token",
        },
        a.name
    );
    allow(reason, signature)
}

/// An allow, said to depend on the signature when it could not be checked.
fn allow(mut reason: String, signature: Signature) -> (Verdict, String) {
    if signature == Signature::Unverified {
        reason.push_str(" — if the signature is genuine (the pool's keys could not be fetched)");
    }
    (Verdict::Allow, reason)
}

fn quoted_or_none(s: &str) -> String {
    if s.is_empty() {
        "no issuer (iss missing)".into()
    } else {
        format!("'{s}'")
    }
}

/// Where the editor would decide otherwise than the stage: "GET /pets: the editor would refuse
/// it (…) — not deployed to prod", for each method judged both ways.
pub fn differences(
    at_stage: &[MethodVerdict],
    at_editor: &[MethodVerdict],
    stage: &str,
) -> Vec<String> {
    let word = |v: Verdict| match v {
        Verdict::Allow => "allow it",
        Verdict::Deny => "refuse it",
        Verdict::Open => "let anyone in",
        Verdict::Unknown => "leave it to a Lambda authorizer",
    };
    at_stage
        .iter()
        .filter_map(|s| {
            let e = at_editor.iter().find(|e| e.key == s.key)?;
            (e.verdict != s.verdict).then(|| {
                format!(
                    "{}: the editor would {} ({}) — not deployed to {stage}",
                    s.key,
                    word(e.verdict),
                    e.reason
                )
            })
        })
        .collect()
}
