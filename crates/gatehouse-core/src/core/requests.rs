//! What the protect and unprotect use cases take and give back: the requests, the outcome the
//! command line prints (and the page may show), and the events they report as they go.

use super::authorizers::NEW_AUTHORIZER_ID;
use super::changes::Deployment;
use super::state::Ctx;
use crate::apply::{ApplyEvent, ApplyReport, Pace};
use crate::domain::model::{Api, Authorizer};
use crate::domain::plan::{Plan, Warning};
use serde::{Deserialize, Serialize};

/// Which methods a protect or an unprotect is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Methods {
    /// The methods named, as "VERB /path"; each must exist.
    Listed { keys: Vec<String> },
    /// Every open method except OPTIONS (the CORS preflight); for a protect only.
    AllOpen,
    /// Every method the authorizer (by name or id) protects.
    UsingAuthorizer { authorizer: String },
}

/// A protect: which methods of an API get a Cognito authorizer for which user pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtectRequest {
    pub ctx: Ctx,
    /// The REST or HTTP API, by name or id.
    pub api: String,
    /// The user pool, by name or id.
    pub pool: String,
    /// The pool's region; the API's when None.
    pub pool_region: Option<String>,
    /// The authorizer's name. None: the pool's name, and a matching authorizer of any name is
    /// reused.
    pub authorizer_name: Option<String>,
    /// Where the token is read; empty for the kind's default (the Authorization header).
    pub identity_source: String,
    /// App client ID regex matched against the ID token's `aud`; empty for none.
    pub client_id_regex: String,
    /// App clients by name or id: a REST API's client ID regex `^(id1|id2)$` (unless one is
    /// given), an HTTP API's JWT audience (required there).
    #[serde(default)]
    pub clients: Vec<String>,
    pub ttl_seconds: i32,
    /// OAuth scopes the methods require.
    pub scopes: Vec<String>,
    pub methods: Methods,
    /// The stage to deploy to afterwards (one CreateDeployment).
    pub deploy: Option<String>,
    /// Plan only: nothing is created or sent, and the API is not locked.
    pub dry_run: bool,
    /// Go on although the plan has warnings.
    pub force: bool,
    pub pace: Pace,
}

/// An unprotect: which methods of an API go back to NONE. Its plans warn only when a
/// CloudFormation stack owns the API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnprotectRequest {
    pub ctx: Ctx,
    /// The REST or HTTP API, by name or id.
    pub api: String,
    /// Listed, or those using an authorizer (an open method has nothing to remove).
    pub methods: Methods,
    pub deploy: Option<String>,
    pub dry_run: bool,
    /// Go on although a CloudFormation stack owns the API.
    pub force: bool,
    pub pace: Pace,
}

/// Whether a protect found its authorizer or made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuthorizerStatus {
    Created,
    Reused,
    /// A dry run, or a protect its warnings stopped: nothing was created.
    WouldBeCreated,
}

impl AuthorizerStatus {
    /// "Authorizer PetsPool (abc123) reused."
    pub fn words(self) -> &'static str {
        match self {
            AuthorizerStatus::Created => "created",
            AuthorizerStatus::Reused => "reused",
            AuthorizerStatus::WouldBeCreated => "would be created",
        }
    }
}

/// The authorizer a protect gives the methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerUse {
    /// None while it would be created.
    pub id: Option<String>,
    pub name: String,
    pub status: AuthorizerStatus,
}

impl AuthorizerUse {
    pub(super) fn of(a: &Authorizer, status: AuthorizerStatus) -> AuthorizerUse {
        AuthorizerUse {
            id: (status != AuthorizerStatus::WouldBeCreated).then(|| a.id.clone()),
            name: a.name.clone(),
            status,
        }
    }

    /// The id as the preview names it: `(new)` while it would be created.
    pub fn shown_id(&self) -> &str {
        self.id.as_deref().unwrap_or(NEW_AUTHORIZER_ID)
    }
}

/// What a protect or an unprotect did, or would do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtectOutcome {
    pub api: Api,
    /// The authorizer the methods get; None for an unprotect.
    pub authorizer: Option<AuthorizerUse>,
    /// Every method before → after. None when no method qualifies, or when warnings stopped a
    /// protect before its authorizer was created.
    pub plan: Option<Plan>,
    /// The authorizers the plan names (with the one that would be created): what its states are
    /// read against.
    pub authorizers: Vec<Authorizer>,
    pub warnings: Vec<Warning>,
    /// The warnings stopped it (no `force`): nothing was created or sent.
    pub stopped_by_warnings: bool,
    /// None for a dry run, or when nothing was sent.
    pub report: Option<ApplyReport>,
    pub deployment: Option<Deployment>,
    /// What the deploy took live (`--deploy`): the same preview as `gatehouse deploy`.
    pub deploy_preview: Option<crate::domain::live::deploy::DeployPreview>,
    /// Why nothing was planned: no method qualifies.
    pub nothing_to_do: Option<String>,
}

impl ProtectOutcome {
    pub(super) fn of(api: Api) -> ProtectOutcome {
        ProtectOutcome {
            api,
            authorizer: None,
            plan: None,
            authorizers: Vec::new(),
            warnings: Vec::new(),
            stopped_by_warnings: false,
            report: None,
            deployment: None,
            deploy_preview: None,
            nothing_to_do: None,
        }
    }
}

/// What a protect or an unprotect reports as it goes, in order.
#[derive(Debug)]
pub enum ProtectEvent<'a> {
    /// The plan is made and is about to be applied (not sent for a dry run, nor when warnings
    /// stop it): what the preview shows.
    Planned(&'a ProtectOutcome),
    /// The apply's own progress.
    Apply(ApplyEvent),
}
