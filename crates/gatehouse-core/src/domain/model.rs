//! Plain data shared by every part of Gatehouse. No SDK, no Tauri, no I/O.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use ts_rs::TS;

pub use crate::domain::endpoints::{
    check_endpoint_url, endpoint_host, is_loopback_host, is_region_name, mask_key_id, EndpointHost,
    REGIONS,
};
pub use crate::domain::kinds::{Action, AuthType};

/// Which kind of API Gateway API: a REST API (v1), an HTTP API or a WebSocket API (v2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum ApiKind {
    #[default]
    Rest,
    Http,
    Websocket,
}

impl ApiKind {
    /// "REST API", "HTTP API", "WebSocket API": how a message names the kind.
    pub fn noun(self) -> &'static str {
        match self {
            ApiKind::Rest => "REST API",
            ApiKind::Http => "HTTP API",
            ApiKind::Websocket => "WebSocket API",
        }
    }

    /// Why an API of this kind named `name` is listed but not reviewed (a WebSocket API); None
    /// for the kinds Gatehouse reviews.
    pub fn not_reviewed(self, name: &str) -> Option<String> {
        (self == ApiKind::Websocket).then(|| {
            format!(
                "{name} is a WebSocket API: its routes are chosen by the message's content, and \
                 API Gateway has no JWT authorizer for them; Gatehouse reviews REST and HTTP APIs."
            )
        })
    }
}

/// An API of API Gateway: a REST API (v1), or an HTTP or WebSocket API (v2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Api {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub kind: ApiKind,
    /// The CloudFormation stack (or other tool) its tags say manages it.
    #[serde(default)]
    pub managed_by: Option<crate::domain::ownership::ManagedBy>,
    /// Why the API is listed but not opened (`ApiKind::not_reviewed`); None when it is reviewed.
    #[serde(default)]
    pub not_reviewed: Option<String>,
}

/// One method of one resource of a REST API, or one route of an HTTP API, as API Gateway holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Method {
    /// The resource's id (REST), or the route's id (HTTP).
    pub resource_id: String,
    /// The path; `$default` for an HTTP API's default route.
    pub path: String,
    /// The HTTP verb; `ANY` for an HTTP API's `ANY` and `$default` routes.
    pub verb: String,
    /// REST: NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS; HTTP: NONE, AWS_IAM, CUSTOM, JWT — or
    /// whatever else API Gateway answers.
    pub authorization_type: AuthType,
    pub authorizer_id: Option<String>,
    pub scopes: Vec<String>,
    pub api_key_required: bool,
    /// An HTTP API route's key as AWS writes it: "GET /parcels", "$default".
    #[serde(default)]
    pub route_key: Option<String>,
}

impl Method {
    pub fn is_options(&self) -> bool {
        self.verb.eq_ignore_ascii_case("OPTIONS")
    }

    pub fn is_open(&self) -> bool {
        self.authorization_type == AuthType::None
    }

    /// "GET /pets", "$default": how users name a method or route on the command line.
    pub fn key(&self) -> String {
        method_key(&self.verb, &self.path)
    }

    /// A route's path and verb from its key: "GET /parcels" → (/parcels, GET); "$default" →
    /// ($default, ANY).
    pub fn path_and_verb(route_key: &str) -> (String, String) {
        match route_key.trim().split_once(' ') {
            Some((verb, path)) => (path.trim().to_string(), verb.to_uppercase()),
            None => (route_key.trim().to_string(), "ANY".to_string()),
        }
    }
}

/// "GET /pets"; an HTTP API's `$default` route is just "$default" (its route key). The page
/// reads it as `key` on methods, plan items and verdicts.
pub fn method_key(verb: &str, path: &str) -> String {
    if path.starts_with('$') {
        path.to_string()
    } else {
        format!("{verb} {path}")
    }
}

/// The part of a method that protection changes: what the journal keeps and undo restores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct MethodState {
    pub authorization_type: AuthType,
    pub authorizer_id: Option<String>,
    pub scopes: Vec<String>,
}

impl MethodState {
    pub fn of(m: &Method) -> MethodState {
        MethodState {
            authorization_type: m.authorization_type.clone(),
            authorizer_id: m.authorizer_id.clone().filter(|id| !id.is_empty()),
            scopes: m.scopes.clone(),
        }
    }

    pub fn open() -> MethodState {
        MethodState {
            authorization_type: AuthType::None,
            authorizer_id: None,
            scopes: vec![],
        }
    }

    pub fn uses_authorizer(&self) -> bool {
        self.authorization_type.uses_authorizer()
    }

    /// Where OAuth scopes count: Cognito authorizers (REST) and JWT authorizers (HTTP).
    pub fn takes_scopes(&self) -> bool {
        self.authorization_type.takes_scopes()
    }

    /// Equal as API Gateway sees it: the authorizer only counts where the type uses one, and
    /// scopes are a set.
    pub fn same_as(&self, other: &MethodState) -> bool {
        let scopes = |s: &MethodState| s.scopes.iter().cloned().collect::<BTreeSet<_>>();
        self.authorization_type == other.authorization_type
            && (!self.uses_authorizer() || self.authorizer_id == other.authorizer_id)
            && (!self.takes_scopes() || scopes(self) == scopes(other))
    }
}

/// The Cognito authorizer the dialog (or `gatehouse protect`) asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct AuthorizerInput {
    pub name: String,
    pub identity_source: String,
    /// Empty for none (REST).
    pub client_id_regex: String,
    pub ttl_seconds: i32,
    /// The app client IDs a JWT authorizer admits (HTTP APIs; at least one there).
    #[serde(default)]
    pub audience: Vec<String>,
    /// The kind of API it is for: a Cognito authorizer (REST) or a JWT authorizer (HTTP).
    #[serde(default)]
    pub api_kind: ApiKind,
}

/// An authorizer of a REST API, of any type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Authorizer {
    pub id: String,
    pub name: String,
    /// TOKEN, REQUEST or COGNITO_USER_POOLS (REST); JWT or REQUEST (HTTP).
    pub kind: String,
    pub provider_arns: Vec<String>,
    /// REST: `method.request.header.NAME`; HTTP: `$request.header.NAME` (the first source).
    pub identity_source: Option<String>,
    pub identity_validation_expression: Option<String>,
    pub ttl_seconds: Option<i32>,
    pub authorizer_uri: Option<String>,
    /// A JWT authorizer's issuer URL (HTTP).
    #[serde(default)]
    pub issuer: Option<String>,
    /// A JWT authorizer's audience: app client IDs (HTTP).
    #[serde(default)]
    pub audience: Vec<String>,
}

/// The issuer URL of a Cognito user pool, as JWT authorizers want it: exactly, no trailing slash.
pub fn pool_issuer(region: &str, pool_id: &str) -> String {
    format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}")
}

/// `https://cognito-idp.REGION.amazonaws.com/POOL_ID` → (region, pool id).
pub fn pool_of_issuer(issuer: &str) -> Option<(String, String)> {
    let rest = issuer.strip_prefix("https://cognito-idp.")?;
    let (host, pool) = rest.split_once('/')?;
    let region = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?;
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    (valid(region) && valid(pool) && pool.contains('_'))
        .then(|| (region.to_string(), pool.to_string()))
}

/// A user pool by where it is: its region and id (what an authorizer trusts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PoolRef {
    pub region: String,
    pub pool_id: String,
}

impl PoolRef {
    fn of((region, pool_id): (String, String)) -> PoolRef {
        PoolRef { region, pool_id }
    }

    /// The pool a Cognito provider ARN names (`pool_of_arn`).
    pub fn of_arn(arn: &str) -> Option<PoolRef> {
        pool_of_arn(arn).map(PoolRef::of)
    }

    /// The pool a Cognito issuer URL names (`pool_of_issuer`).
    pub fn of_issuer(issuer: &str) -> Option<PoolRef> {
        pool_of_issuer(issuer).map(PoolRef::of)
    }
}

/// `arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID` → (region, pool id).
pub fn pool_of_arn(arn: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        [_, _, "cognito-idp", region, _, resource] => resource
            .strip_prefix("userpool/")
            .map(|pool| (region.to_string(), pool.to_string())),
        _ => None,
    }
}

/// How a method is protected, in the user's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[derive(TS)]
pub enum Protection {
    Open,
    Iam,
    Lambda {
        authorizer: String,
    },
    Cognito {
        authorizer: String,
        scopes: Vec<String>,
    },
    /// A JWT authorizer of an HTTP API (a Cognito pool's, or another issuer's).
    Jwt {
        authorizer: String,
        scopes: Vec<String>,
    },
    /// An authorization type this version of Gatehouse does not know; shown as AWS names it.
    Other {
        authorization_type: String,
    },
}

/// A stage of the API and the deployment it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub name: String,
    pub deployment_id: Option<String>,
    /// An HTTP API stage that deploys every change by itself.
    #[serde(default)]
    pub auto_deploy: bool,
}

/// A Cognito user pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct UserPool {
    pub id: String,
    pub name: String,
    /// The issuer URL a JWT authorizer trusting the pool names (`pool_issuer`).
    #[serde(default)]
    pub issuer: String,
}

/// An app client of a user pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct AppClient {
    pub id: String,
    pub name: String,
}

/// Who the chosen credentials are (STS GetCallerIdentity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Where a profile comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(TS)]
pub enum ProfileSource {
    /// The AWS config and credentials files.
    File,
    /// Stored by Gatehouse in the operating system's keychain.
    Keychain,
    /// The process environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...).
    Env,
    /// An account and role an IAM Identity Center sign-in reaches, with no profile of its own.
    Account,
}

/// The account and role a picker entry of source `account` stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct AccountOf {
    /// The sign-in it is reached through (the SSO profile's name).
    pub base: String,
    pub account_id: String,
    pub account_name: String,
    pub role: String,
}

/// A profile as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct ProfileInfo {
    /// Stable id used by the page and the session cache: "file:NAME", "keychain:NAME" or "env".
    pub id: String,
    pub name: String,
    pub source: ProfileSource,
    pub region: Option<String>,
    /// An IAM Identity Center (SSO) profile's sign-in state; None for other profiles.
    #[serde(default)]
    pub sso: Option<SsoState>,
    /// For an account a sign-in reaches: which, and with which role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub account: Option<AccountOf>,
}

/// Whether a profile can use its SSO sign-in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SsoStatus {
    SignedIn,
    /// A token is cached but expired; with a refresh token the SDK may still renew it.
    Expired,
    NotSignedIn,
}

/// An SSO profile's state, as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SsoState {
    pub status: SsoStatus,
    /// Until when the token holds (RFC 3339 UTC), when one is cached.
    pub until: Option<String>,
    /// "signed in until 18:40 UTC", "expired", "not signed in".
    pub text: String,
    pub start_url: String,
}
