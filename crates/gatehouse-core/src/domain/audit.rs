//! Pure review logic: how each method is protected, the summary line, filters and selection helpers.

use crate::domain::model::AuthType;
use crate::domain::model::{Authorizer, Method, PoolRef, Protection};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// A method as the review screen and `gatehouse audit` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct MethodView {
    #[serde(flatten)]
    pub method: Method,
    /// How the method is named: "GET /pets", "$default" (`Method::key`).
    pub key: String,
    pub protection: Protection,
    pub authorizer_name: Option<String>,
    pub is_options: bool,
    /// The badge as it reads: "Open", "IAM", "Lambda · LegacyTokenAuth", "Cognito · PetsPool".
    pub badge: String,
    /// The protection in full, scopes included: "Cognito · AdminPool [pets/read pets/admin]".
    pub label: String,
    /// The protection as a screen reader says it, in words where the badge has a colour, a
    /// symbol and tags: "Cognito, AdminPool, scopes pets/read, pets/admin".
    pub spoken: String,
    /// Open and not the CORS preflight: what "select all open except OPTIONS" takes.
    pub open_not_options: bool,
    /// "CORS preflight" on OPTIONS: browsers send no token on it.
    pub note: Option<String>,
}

/// An authorizer as the Authorizers view shows it: with the methods that use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct AuthorizerView {
    #[serde(flatten)]
    pub authorizer: Authorizer,
    /// "GET /pets", … : the methods protected by it.
    pub used_by: Vec<String>,
    /// "used by 3 methods", "used by no method".
    pub used_by_text: String,
    /// "Cognito user pools", "Lambda (token)", "Lambda (request)", "JWT": the kind in words.
    pub kind_text: String,
    /// The user pool it trusts: a Cognito authorizer's first pool, a JWT authorizer's Cognito
    /// issuer; None for a Lambda authorizer or another issuer.
    pub pool: Option<PoolRef>,
    /// What it trusts, a line each: a pool as "eu-west-1 · eu-west-1_AbC", another issuer
    /// whole, a Lambda authorizer's function; empty when nothing is known.
    pub trusts: Vec<String>,
}

/// The pool an authorizer trusts (`AuthorizerView::pool`).
pub fn pool_of_authorizer(a: &Authorizer) -> Option<PoolRef> {
    match a.kind.as_str() {
        "JWT" => a.issuer.as_deref().and_then(PoolRef::of_issuer),
        "COGNITO_USER_POOLS" => a.provider_arns.iter().find_map(|arn| PoolRef::of_arn(arn)),
        _ => None,
    }
}

fn pool_line(p: &PoolRef) -> String {
    format!("{} · {}", p.region, p.pool_id)
}

/// What an authorizer trusts, as the Authorizers view lists it (`AuthorizerView::trusts`).
fn trusts(a: &Authorizer) -> Vec<String> {
    if a.kind == "JWT" {
        let issuer = a.issuer.as_deref().unwrap_or_default();
        return match PoolRef::of_issuer(issuer) {
            Some(p) => vec![pool_line(&p)],
            None if issuer.is_empty() => vec![],
            None => vec![issuer.to_string()],
        };
    }
    if !a.provider_arns.is_empty() {
        return a
            .provider_arns
            .iter()
            .map(|arn| PoolRef::of_arn(arn).map_or_else(|| arn.clone(), |p| pool_line(&p)))
            .collect();
    }
    // A Lambda authorizer's URI ends in ...:function:NAME/invocations.
    let uri = a.authorizer_uri.as_deref().unwrap_or_default();
    let function = uri.rsplit(":function:").next().unwrap_or_default();
    let function = function.split('/').next().unwrap_or_default();
    if function.is_empty() {
        vec![]
    } else {
        vec![function.to_string()]
    }
}

fn kind_text(kind: &str) -> String {
    match kind {
        "COGNITO_USER_POOLS" => "Cognito user pools",
        "TOKEN" => "Lambda (token)",
        "REQUEST" => "Lambda (request)",
        "JWT" => "JWT",
        other => other,
    }
    .to_string()
}

/// Every authorizer with the methods that use it (the order of `authorizers` is kept).
pub fn authorizer_views(methods: &[Method], authorizers: &[Authorizer]) -> Vec<AuthorizerView> {
    authorizers
        .iter()
        .map(|a| {
            let used_by: Vec<String> = methods
                .iter()
                .filter(|m| !m.is_open() && m.authorizer_id.as_deref() == Some(a.id.as_str()))
                .map(Method::key)
                .collect();
            let used_by_text = match used_by.len() {
                0 => "used by no method".to_string(),
                1 => "used by 1 method".to_string(),
                n => format!("used by {n} methods"),
            };
            AuthorizerView {
                authorizer: a.clone(),
                used_by,
                used_by_text,
                kind_text: kind_text(&a.kind),
                pool: pool_of_authorizer(a),
                trusts: trusts(a),
            }
        })
        .collect()
}

/// "2 authorizers", "1 authorizer", "0 authorizers": how many authorizers an API has.
pub fn authorizers_text(n: usize) -> String {
    format!("{n} authorizer{}", if n == 1 { "" } else { "s" })
}

/// The counts of the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Summary {
    pub total: usize,
    pub protected: usize,
    /// Methods with no authorization at all, OPTIONS included.
    pub open: usize,
    /// Of the open methods, how many are OPTIONS (CORS preflight, open on purpose).
    pub open_options: usize,
}

impl Summary {
    /// Open methods that are not CORS preflights: what `audit --fail-on-open` fails on.
    pub fn open_except_options(&self) -> usize {
        self.open - self.open_options
    }

    /// "2 of 4 methods protected · 2 open (1 OPTIONS)".
    pub fn line(&self) -> String {
        let noun = if self.total == 1 { "method" } else { "methods" };
        let mut s = format!(
            "{} of {} {noun} protected · {} open",
            self.protected, self.total, self.open
        );
        if self.open_options > 0 {
            s.push_str(&format!(" ({} OPTIONS)", self.open_options));
        }
        s
    }
}

/// Which methods the review shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Show {
    #[default]
    All,
    Open,
    Protected,
}

impl std::str::FromStr for Show {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(Show::All),
            "open" => Ok(Show::Open),
            "protected" => Ok(Show::Protected),
            other => Err(format!("'{other}' is not one of all, open, protected")),
        }
    }
}

/// How one method is protected, naming its authorizer when it has one.
pub fn protection(method: &Method, authorizers: &HashMap<&str, &Authorizer>) -> Protection {
    let name = || {
        method
            .authorizer_id
            .as_deref()
            .map(|id| {
                authorizers
                    .get(id)
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| format!("unknown authorizer {id}"))
            })
            .unwrap_or_else(|| "no authorizer".to_string())
    };
    protection_of(&method.authorization_type, name, &method.scopes)
}

/// A protection from an authorization type, its authorizer's name (asked only where one counts)
/// and its scopes.
fn protection_of(
    authorization_type: &AuthType,
    authorizer: impl Fn() -> String,
    scopes: &[String],
) -> Protection {
    match authorization_type {
        AuthType::None => Protection::Open,
        AuthType::AwsIam => Protection::Iam,
        AuthType::Custom => Protection::Lambda {
            authorizer: authorizer(),
        },
        AuthType::CognitoUserPools => Protection::Cognito {
            authorizer: authorizer(),
            scopes: scopes.to_vec(),
        },
        AuthType::Jwt => Protection::Jwt {
            authorizer: authorizer(),
            scopes: scopes.to_vec(),
        },
        AuthType::Other(other) => Protection::Other {
            authorization_type: other.clone(),
        },
    }
}

/// Every method with its protection, sorted by path then by the usual order of verbs.
pub fn review(methods: &[Method], authorizers: &[Authorizer]) -> Vec<MethodView> {
    let by_id: HashMap<&str, &Authorizer> =
        authorizers.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut views: Vec<MethodView> = methods
        .iter()
        .map(|m| {
            let protection = protection(m, &by_id);
            let authorizer_name = match &protection {
                Protection::Lambda { authorizer }
                | Protection::Cognito { authorizer, .. }
                | Protection::Jwt { authorizer, .. } => Some(authorizer.clone()),
                _ => None,
            };
            MethodView {
                is_options: m.is_options(),
                open_not_options: m.is_open() && !m.is_options(),
                note: m.is_options().then(|| "CORS preflight".to_string()),
                badge: badge(&protection),
                label: label(&protection),
                spoken: spoken(&protection),
                key: m.key(),
                method: m.clone(),
                protection,
                authorizer_name,
            }
        })
        .collect();
    views.sort_by(|a, b| {
        (
            a.method.path.as_str(),
            verb_rank(&a.method.verb),
            a.method.verb.as_str(),
        )
            .cmp(&(
                b.method.path.as_str(),
                verb_rank(&b.method.verb),
                b.method.verb.as_str(),
            ))
    });
    views
}

/// Standard verbs first in their usual order; anything else (PURCHASE, ANY, ...) after, by name.
fn verb_rank(verb: &str) -> u8 {
    match verb {
        "ANY" => 0,
        "GET" => 1,
        "HEAD" => 2,
        "POST" => 3,
        "PUT" => 4,
        "PATCH" => 5,
        "DELETE" => 6,
        "OPTIONS" => 8,
        _ => 7,
    }
}

pub fn summarize<'a>(methods: impl IntoIterator<Item = &'a Method>) -> Summary {
    let mut s = Summary::default();
    for m in methods {
        s.total += 1;
        if m.is_open() {
            s.open += 1;
            if m.is_options() {
                s.open_options += 1;
            }
        } else {
            s.protected += 1;
        }
    }
    s
}

/// The methods shown for a choice of all/open/protected and a text the path must contain.
pub fn filter<'a>(views: &'a [MethodView], show: Show, path_text: &str) -> Vec<&'a MethodView> {
    let needle = path_text.trim().to_lowercase();
    views
        .iter()
        .filter(|v| match show {
            Show::All => true,
            Show::Open => v.method.is_open(),
            Show::Protected => !v.method.is_open(),
        })
        .filter(|v| needle.is_empty() || v.method.path.to_lowercase().contains(&needle))
        .collect()
}

/// "Select all open methods except OPTIONS".
pub fn open_except_options(methods: &[Method]) -> Vec<&Method> {
    methods
        .iter()
        .filter(|m| m.is_open() && !m.is_options())
        .collect()
}

/// A path and everything under it: `/pets` takes `/pets` and `/pets/{id}`, not `/petshop`.
pub fn under_path<'a>(methods: &'a [Method], path: &str) -> Vec<&'a Method> {
    let base = path.trim_end_matches('/');
    methods
        .iter()
        .filter(|m| {
            base.is_empty()
                || m.path == base
                || m.path
                    .strip_prefix(base)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .collect()
}

/// A protection as its badge reads: "Open", "IAM", "Lambda · name", "Cognito · name", "JWT · name". The one
/// rendering of a protection that the window, the command line and the History all show.
pub fn badge(p: &Protection) -> String {
    match p {
        Protection::Open => "Open".into(),
        Protection::Iam => "IAM".into(),
        Protection::Lambda { authorizer } => format!("Lambda · {authorizer}"),
        Protection::Cognito { authorizer, .. } => format!("Cognito · {authorizer}"),
        Protection::Jwt { authorizer, .. } => format!("JWT · {authorizer}"),
        Protection::Other { authorization_type } => authorization_type.clone(),
    }
}

/// The badge with the OAuth scopes: "Cognito · PetsPool [pets/read]".
pub fn label(p: &Protection) -> String {
    match p {
        Protection::Cognito { scopes, .. } | Protection::Jwt { scopes, .. }
            if !scopes.is_empty() =>
        {
            format!("{} [{}]", badge(p), scopes.join(" "))
        }
        _ => badge(p),
    }
}

/// A protection as a screen reader says it (`MethodView::spoken`): "Open", "IAM", "Lambda
/// authorizer, LegacyTokenAuth", "Cognito, PetsPool", "JWT, PetsJwt, scope parcels/read".
pub fn spoken(p: &Protection) -> String {
    let with_scopes = |kind: &str, authorizer: &str, scopes: &[String]| match scopes {
        [] => format!("{kind}, {authorizer}"),
        [one] => format!("{kind}, {authorizer}, scope {one}"),
        many => format!("{kind}, {authorizer}, scopes {}", many.join(", ")),
    };
    match p {
        Protection::Lambda { authorizer } => format!("Lambda authorizer, {authorizer}"),
        Protection::Cognito { authorizer, scopes } => with_scopes("Cognito", authorizer, scopes),
        Protection::Jwt { authorizer, scopes } => with_scopes("JWT", authorizer, scopes),
        Protection::Open | Protection::Iam | Protection::Other { .. } => badge(p),
    }
}

/// A method state in words, naming its authorizer: "Open", "IAM", "Cognito · PetsPool [pets/read]".
pub fn describe_state(
    state: &crate::domain::model::MethodState,
    authorizers: &[Authorizer],
) -> String {
    let name = |id: &Option<String>| {
        id.as_deref()
            .map(|id| {
                authorizers
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| id.to_string())
            })
            .unwrap_or_else(|| "?".into())
    };
    label(&protection_of(
        &state.authorization_type,
        || name(&state.authorizer_id),
        &state.scopes,
    ))
}
