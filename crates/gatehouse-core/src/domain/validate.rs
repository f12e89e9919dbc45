//! Pure validation of the authorizer a user asks for (the dialog, `gatehouse protect`): names,
//! token source, the app client ID regex and which clients it admits, the TTL; and which existing
//! authorizer matches those settings. No SDK, no I/O.

use crate::domain::model::{
    pool_issuer, pool_of_arn, ApiKind, AppClient, Authorizer, AuthorizerInput,
};
use crate::error::{Error, Result};
use std::collections::BTreeSet;

pub const DEFAULT_IDENTITY_SOURCE: &str = "method.request.header.Authorization";
/// An HTTP API's JWT authorizer reads the token from here by default.
pub const DEFAULT_JWT_IDENTITY_SOURCE: &str = "$request.header.Authorization";
pub const DEFAULT_TTL: i32 = 300;
pub const MAX_TTL: i32 = 3600;

/// What a new authorizer starts with: no name yet, the Authorization header, no regex, 300 s
/// (REST); no audience yet (HTTP).
pub fn authorizer_defaults(kind: ApiKind) -> AuthorizerInput {
    AuthorizerInput {
        name: String::new(),
        identity_source: match kind {
            ApiKind::Http => DEFAULT_JWT_IDENTITY_SOURCE,
            _ => DEFAULT_IDENTITY_SOURCE,
        }
        .to_string(),
        client_id_regex: String::new(),
        ttl_seconds: DEFAULT_TTL,
        audience: vec![],
        api_kind: kind,
    }
}

/// Every problem with the input, each beside its field; empty when it can be sent.
pub fn validate_authorizer(input: &AuthorizerInput) -> Vec<Error> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(Error::invalid("name", "The authorizer needs a name"));
    } else if name.chars().count() > 128 {
        errors.push(Error::invalid(
            "name",
            "The name is longer than 128 characters",
        ));
    }
    if input.api_kind == ApiKind::Http {
        let source = input.identity_source.trim();
        let name = source
            .strip_prefix("$request.header.")
            .or_else(|| source.strip_prefix("$request.querystring."));
        if !name.is_some_and(is_token_name) {
            errors.push(Error::invalid(
                "identitySource",
                format!(
                    "The token source must have the form $request.header.NAME or $request.querystring.NAME (for example {DEFAULT_JWT_IDENTITY_SOURCE})"
                ),
            ));
        }
        if input.audience.iter().all(|a| a.trim().is_empty()) {
            errors.push(Error::invalid(
                "audience",
                "A JWT authorizer needs at least one app client in its audience",
            ));
        }
        return errors;
    }
    if !is_header_source(input.identity_source.trim()) {
        errors.push(Error::invalid(
            "identitySource",
            format!(
                "The token source must have the form method.request.header.NAME (for example {DEFAULT_IDENTITY_SOURCE})"
            ),
        ));
    }
    if let Err(e) = check_regex(&input.client_id_regex) {
        errors.push(e);
    }
    if !(0..=MAX_TTL).contains(&input.ttl_seconds) {
        errors.push(Error::invalid(
            "ttl",
            format!("The result TTL must be between 0 and {MAX_TTL} seconds"),
        ));
    }
    errors
}

fn is_header_source(s: &str) -> bool {
    s.strip_prefix("method.request.header.")
        .is_some_and(is_token_name)
}

/// A header or query parameter name: an HTTP token.
fn is_token_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// An app client ID regex must compile before it is sent; empty means none.
pub fn check_regex(re: &str) -> Result<Option<regex::Regex>> {
    if re.trim().is_empty() {
        return Ok(None);
    }
    regex::Regex::new(re).map(Some).map_err(|e| {
        Error::invalid(
            "clientIdRegex",
            format!(
                "Not a valid regular expression: {}",
                first_line(&e.to_string())
            ),
        )
    })
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

/// The regex that admits exactly these app clients: `^(id1|id2)$`.
pub fn regex_for_clients(ids: &[String]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let alternatives: Vec<String> = ids.iter().map(|id| regex::escape(id)).collect();
    format!("^({})$", alternatives.join("|"))
}

/// Which of the pool's app clients a regex lets through (API Gateway matches it against `aud`).
pub fn clients_matching<'a>(re: &str, clients: &'a [AppClient]) -> Result<Vec<&'a AppClient>> {
    Ok(match check_regex(re)? {
        None => clients.iter().collect(),
        Some(re) => clients.iter().filter(|c| re.is_match(&c.id)).collect(),
    })
}

/// The authorizer settings `gatehouse protect` can reuse: same pool, token source, regex and TTL
/// (REST); same issuer, audience and token source (a JWT authorizer of an HTTP API).
pub fn matches_authorizer(a: &Authorizer, pool_arn: &str, input: &AuthorizerInput) -> bool {
    if input.api_kind == ApiKind::Http {
        let set = |v: &[String]| {
            v.iter()
                .map(|s| s.trim().to_string())
                .collect::<BTreeSet<_>>()
        };
        return a.kind == "JWT"
            && a.issuer.is_some()
            && a.issuer == pool_of_arn(pool_arn).map(|(r, p)| pool_issuer(&r, &p))
            && set(&a.audience) == set(&input.audience)
            && a.identity_source.as_deref() == Some(input.identity_source.trim());
    }
    a.kind == "COGNITO_USER_POOLS"
        && a.provider_arns.iter().any(|p| p == pool_arn)
        && a.identity_source.as_deref() == Some(input.identity_source.trim())
        && a.identity_validation_expression.as_deref().unwrap_or("") == input.client_id_regex.trim()
        && a.ttl_seconds.unwrap_or(DEFAULT_TTL) == input.ttl_seconds
}
