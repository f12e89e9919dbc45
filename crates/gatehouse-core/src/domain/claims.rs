//! The token check, pure: a JWT decoded and its signature checked against a JWKS the caller
//! fetched; the verdicts on each method are in verdict.rs . No SDK, no I/O.

pub use crate::domain::model::{pool_of_arn, pool_of_issuer};
use crate::error::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use zeroize::Zeroizing;

/// What a token is for, from its `token_use` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum TokenUse {
    Id,
    Access,
    /// Not a Cognito ID or access token (no `token_use`, or another value).
    Other,
}

impl TokenUse {
    /// "An ID token", "An access token", "A token": how a reason starts.
    pub fn subject(self) -> &'static str {
        match self {
            TokenUse::Id => "An ID token",
            TokenUse::Access => "An access token",
            TokenUse::Other => "A token that is neither an ID nor an access token",
        }
    }
}

/// Whether the signature was checked against the issuer pool's keys, and what came of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Signature {
    Valid,
    /// Tampered with, or signed by a key the pool does not publish.
    Invalid,
    /// The pool's keys could not be fetched: nothing is known about the signature.
    Unverified,
}

/// A token as the Token panel and `gatehouse check-token` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    #[serde(rename = "use")]
    pub token_use: TokenUse,
    pub issuer: String,
    /// The user pool and its region, when the issuer is a Cognito user pool.
    pub pool_id: Option<String>,
    pub pool_region: Option<String>,
    /// The pool's name, when the profile may read it.
    pub pool_name: Option<String>,
    /// `aud` of an ID token, `client_id` of an access token.
    pub client_id: Option<String>,
    pub username: Option<String>,
    /// The `scope` claim, split (access tokens).
    pub scopes: Vec<String>,
    /// RFC 3339, UTC.
    pub issued_at: Option<String>,
    pub expires_at: Option<String>,
    /// Seconds since the epoch, for the page to show in local time.
    #[ts(type = "number | null")]
    pub issued_at_epoch: Option<i64>,
    #[ts(type = "number | null")]
    pub expires_at_epoch: Option<i64>,
    pub expired: bool,
    /// "expires in 12 min", "expired 3 h ago", "no expiry (exp missing)".
    pub expiry_text: String,
    pub signature: Signature,
    /// Why the signature is what it is, in one line.
    pub signature_text: String,
    /// Said when the pasted text was cleaned up first (a "Bearer " prefix removed).
    pub note: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub header: Map<String, Value>,
    #[ts(type = "Record<string, unknown>")]
    pub claims: Map<String, Value>,
}

/// A token taken apart, before its signature is known. The compact token is wiped from memory
/// when dropped, and Debug shows only its length.
#[derive(Clone)]
pub struct Decoded {
    /// The compact token as it will be verified (whitespace and a "Bearer " prefix removed).
    pub compact: Zeroizing<String>,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub note: Option<String>,
}

impl std::fmt::Debug for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoded")
            .field("compact", &format_args!("<{} chars>", self.compact.len()))
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("note", &self.note)
            .finish()
    }
}

/// A NumericDate claim (`exp`, `nbf`, `iat`, `auth_time`) as the token holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeClaim {
    Missing,
    /// Present, but not a JSON number (a string, null, an object…).
    NotANumber,
    /// Seconds since the epoch: fractions dropped, numbers beyond i64 held at its bounds.
    At(i64),
}

impl TimeClaim {
    pub fn at(self) -> Option<i64> {
        match self {
            TimeClaim::At(t) => Some(t),
            _ => None,
        }
    }
}

impl Decoded {
    pub fn str_claim(&self, name: &str) -> Option<String> {
        self.claims
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// A time claim read without trusting it: any JSON number gives a time (a float's cast
    /// saturates at i64's bounds), anything else is said to be no number.
    pub fn time_claim(&self, name: &str) -> TimeClaim {
        match self.claims.get(name) {
            None => TimeClaim::Missing,
            Some(Value::Number(n)) => TimeClaim::At(
                n.as_i64()
                    .or_else(|| n.as_u64().map(|_| i64::MAX))
                    .or_else(|| n.as_f64().map(|f| f.floor() as i64))
                    .unwrap_or_default(),
            ),
            Some(_) => TimeClaim::NotANumber,
        }
    }

    pub fn int_claim(&self, name: &str) -> Option<i64> {
        self.time_claim(name).at()
    }

    pub fn token_use(&self) -> TokenUse {
        match self.str_claim("token_use").as_deref() {
            Some("id") => TokenUse::Id,
            Some("access") => TokenUse::Access,
            _ => TokenUse::Other,
        }
    }

    pub fn issuer(&self) -> String {
        self.str_claim("iss").unwrap_or_default()
    }

    /// The issuer's user pool as (region, pool id), when it is one.
    pub fn pool(&self) -> Option<(String, String)> {
        pool_of_issuer(&self.issuer())
    }

    /// The `aud` claim's values: one for Cognito, which writes a string; each string of a list
    /// otherwise (what is not a string names no audience).
    pub fn audiences(&self) -> Vec<String> {
        match self.claims.get("aud") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => vec![],
        }
    }

    /// The `aud` claim as one line ("web, mobile" for a list); None when it names no audience.
    pub fn audience(&self) -> Option<String> {
        let all = self.audiences();
        (!all.is_empty()).then(|| all.join(", "))
    }

    pub fn scopes(&self) -> Vec<String> {
        self.str_claim("scope")
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    }

    pub fn key_id(&self) -> Option<String> {
        self.header
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// The token as the panel shows it, with what the signature check found.
    pub fn info(&self, signature: Signature, signature_text: String, now: i64) -> TokenInfo {
        let (pool_region, pool_id) = self.pool().unzip();
        let exp = self.time_claim("exp");
        let expires = exp.at();
        let issued = self.int_claim("iat");
        let token_use = self.token_use();
        TokenInfo {
            token_use,
            issuer: self.issuer(),
            pool_id,
            pool_region,
            pool_name: None,
            client_id: match token_use {
                TokenUse::Access => self.str_claim("client_id"),
                _ => self.audience().or_else(|| self.str_claim("client_id")),
            },
            username: self
                .str_claim("cognito:username")
                .or_else(|| self.str_claim("username")),
            scopes: self.scopes(),
            issued_at: issued.and_then(rfc3339),
            expires_at: expires.and_then(rfc3339),
            issued_at_epoch: issued,
            expires_at_epoch: expires,
            expired: expires.is_none_or(|exp| exp <= now),
            expiry_text: match exp {
                TimeClaim::At(exp) => expiry_text(exp, now),
                TimeClaim::Missing => "no expiry (the token has no exp claim)".into(),
                TimeClaim::NotANumber => "no expiry (the token's exp claim is not a number)".into(),
            },
            signature,
            signature_text,
            note: self.note.clone(),
            header: self.header.clone(),
            claims: self.claims.clone(),
        }
    }
}

/// Takes a pasted token apart. Refuses what is not a JWT, saying why.
pub fn decode(pasted: &str) -> Result<Decoded> {
    let trimmed = pasted.trim();
    let (text, note) = match trimmed
        .strip_prefix("Bearer ")
        .or_else(|| trimmed.strip_prefix("bearer "))
    {
        Some(rest) => (
            rest.trim(),
            Some("The \"Bearer \" prefix was removed before checking.".to_string()),
        ),
        None => (trimmed, None),
    };
    if text.is_empty() {
        return Err(Error::invalid("token", "Paste a token first"));
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 3 {
        return Err(Error::invalid(
            "token",
            format!(
                "This is not a JWT: a token has 3 parts separated by dots, this has {}",
                parts.len()
            ),
        ));
    }
    Ok(Decoded {
        compact: Zeroizing::new(text.to_string()),
        header: json_part(parts[0], "header")?,
        claims: json_part(parts[1], "claims")?,
        note,
    })
}

fn json_part(part: &str, what: &str) -> Result<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| Error::invalid("token", format!("The token's {what} is not base64url")))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::invalid(
            "token",
            format!("The token's {what} is not a JSON object"),
        )),
    }
}

/// Checks the signature against a JWKS document (the JSON the pool serves).
pub fn verify(token: &Decoded, jwks_json: &str) -> (Signature, String) {
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    let set: JwkSet = match serde_json::from_str(jwks_json) {
        Ok(set) => set,
        Err(e) => {
            return (
                Signature::Unverified,
                format!("the pool's key set could not be read ({e})"),
            )
        }
    };
    let kid = token.key_id().unwrap_or_default();
    let Some(jwk) = set.find(&kid) else {
        return (
            Signature::Invalid,
            format!("signed with key '{kid}', which the issuer's pool does not publish"),
        );
    };
    let key = match DecodingKey::from_jwk(jwk) {
        Ok(key) => key,
        Err(e) => {
            return (
                Signature::Unverified,
                format!("the pool's key '{kid}' could not be used ({e})"),
            )
        }
    };
    // Only the signature here: expiry, issuer and audience are judged per method, with reasons.
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    match jsonwebtoken::decode::<Value>(&token.compact, &key, &validation) {
        Ok(_) => (
            Signature::Valid,
            "signed by the issuer pool's key".to_string(),
        ),
        Err(e) => match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => (
                Signature::Invalid,
                "the signature does not match: the token was altered or signed by another key"
                    .to_string(),
            ),
            jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => (
                Signature::Invalid,
                format!(
                    "signed with {}, but Cognito signs with RS256",
                    token
                        .header
                        .get("alg")
                        .and_then(Value::as_str)
                        .unwrap_or("no algorithm")
                ),
            ),
            _ => (Signature::Invalid, e.to_string()),
        },
    }
}

/// "expires in 12 min", "expired 3 h ago". Any pair of times: the span saturates.
pub fn expiry_text(exp: i64, now: i64) -> String {
    if exp > now {
        format!("expires in {}", span(exp.saturating_sub(now)))
    } else {
        format!("expired {} ago", span(now.saturating_sub(exp)))
    }
}

/// "in 5 min" for a time ahead, "5 min ago" for one behind.
pub fn relative(at: i64, now: i64) -> String {
    if at > now {
        format!("in {}", span(at.saturating_sub(now)))
    } else {
        format!("{} ago", span(now.saturating_sub(at)))
    }
}

fn span(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// Seconds since the epoch as RFC 3339 UTC ("2026-11-26T21:30:00Z").
pub fn rfc3339(epoch: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(epoch).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// The line a user copies to call one method on the deployed stage. The token is never in it:
/// `read -rs` takes it with echo off into a shell variable, and the `printf` builtin hands the
/// header to curl on stdin (`-H @-`), so the token is in neither the shell's history nor any
/// process's arguments. Every argument that is not a plain word is single-quoted.
pub fn curl_line(invoke_base: &str, verb: &str, path: &str, header: &str) -> String {
    // An HTTP API's $default route answers any path, and its ANY routes any verb: / and GET do.
    let route = if path.starts_with('$') { "/" } else { path };
    let slash = if route.starts_with('/') { "" } else { "/" };
    let url = format!("{}{slash}{route}", invoke_base.trim_end_matches('/'));
    let verb = verb.to_ascii_uppercase();
    let method = match verb.as_str() {
        "GET" | "ANY" => String::new(),
        v if !v.is_empty() && v.bytes().all(|b| b.is_ascii_uppercase()) => format!("-X {v} "),
        v => format!("-X {} ", shell_quote(v)),
    };
    // printf's format: the header name with its own % and \ escaped, no line breaks.
    let name: String = header.chars().filter(|c| !c.is_control()).collect();
    let format = format!("{}: %s\\n", name.replace('\\', "\\\\").replace('%', "%%"));
    format!(
        "read -rs TOKEN && printf {} \"$TOKEN\" | curl {method}-H @- {}",
        shell_quote(&format),
        shell_quote(&url)
    )
}

/// One shell word, single-quoted: a `'` inside becomes `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
