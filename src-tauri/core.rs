//! The core both shells call: the window's commands and the command line. It owns the session
//! cache (one set of clients per profile and region) and nothing else.

use crate::audit::{self, MethodView, Summary};
use crate::aws::session::{Session, Source};
use crate::aws::{cognito, gateway, identity};
use crate::error::{Error, Result};
use crate::keychain::KeychainStore;
use crate::model::ProfileSource;
use crate::model::{
    is_region_name, AppClient, Authorizer, Identity, ProfileInfo, RestApi, UserPool,
};
use crate::profiles::{self, ProfileRef};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Which profile and region a request is for. Every answer is for exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ctx {
    pub profile: String,
    pub region: String,
}

/// The review of one API: every method with its protection, the authorizers, the summary.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiReview {
    pub api_id: String,
    pub methods: Vec<MethodView>,
    pub authorizers: Vec<Authorizer>,
    pub summary: Summary,
    /// The summary as the review screen reads it, e.g. "3 of 4 methods protected · 1 open (1 OPTIONS)".
    pub summary_line: String,
}

pub struct Core {
    sessions: Mutex<HashMap<(ProfileRef, String), Arc<Session>>>,
    pub(crate) journal_dir: PathBuf,
    pub(crate) keychain: Arc<KeychainStore>,
}

impl Core {
    /// The core on the user's own data and config folders; refuses when they cannot be found
    /// rather than keep journals or profile settings in a shared folder.
    pub fn new() -> Result<Core> {
        Ok(Core::with_dirs(
            crate::journal::default_dir()?,
            crate::keychain::default_dir()?,
        ))
    }

    /// The core on given folders: the journal in one, `profiles.json` in the other (tests).
    pub fn with_dirs(journal_dir: PathBuf, config_dir: PathBuf) -> Core {
        Core {
            sessions: Mutex::new(HashMap::new()),
            journal_dir,
            keychain: Arc::new(KeychainStore::new(&config_dir, crate::keychain::SERVICE)),
        }
    }

    /// Every profile for the picker: the environment's first (when present), then the files'.
    pub async fn profiles(&self) -> Result<Vec<ProfileInfo>> {
        let mut all = Vec::new();
        if let Some(env) = profiles::env_profile().await {
            all.push(env);
        }
        all.extend(profiles::file_profiles().await?);
        // The list of keychain profiles is a plain file: it shows even when the keychain is locked.
        if let Ok(kc) = self.keychain.list() {
            all.extend(kc.into_iter().map(|p| ProfileInfo {
                id: ProfileRef::Keychain(p.name.clone()).id(),
                name: p.name,
                source: ProfileSource::Keychain,
                region: p.region,
            }));
        }
        Ok(all)
    }

    pub async fn default_region(&self, profile_id: &str) -> Result<String> {
        let wanted = ProfileRef::parse(profile_id)?;
        let region = self
            .profiles()
            .await?
            .into_iter()
            .find(|p| p.id == wanted.id())
            .and_then(|p| p.region);
        Ok(profiles::default_region(region.as_deref()))
    }

    /// The session for a profile and region, built once and reused.
    pub async fn session(&self, ctx: &Ctx) -> Result<Arc<Session>> {
        let region = ctx.region.trim();
        if !is_region_name(region) {
            return Err(Error::invalid(
                "region",
                format!("'{region}' is not a region name (for example us-east-1)"),
            ));
        }
        let profile = ProfileRef::parse(&ctx.profile)?;
        let key = (profile.clone(), region.to_string());
        let mut sessions = self.sessions.lock().await;
        if let Some(s) = sessions.get(&key) {
            return Ok(s.clone());
        }
        let source = self.source(&profile).await?;
        let session = Arc::new(Session::open(source, region).await?);
        sessions.insert(key, session.clone());
        Ok(session)
    }

    async fn source(&self, profile: &ProfileRef) -> Result<Source> {
        if let Some(source) = profiles::plain_source(profile) {
            return Ok(source);
        }
        let ProfileRef::Keychain(name) = profile else {
            return Err(Error::NotFound(format!(
                "Profile '{}' is not known",
                profile.id()
            )));
        };
        // The keychain may block on D-Bus or a system prompt: keep it off the async workers.
        let store = self.keychain.clone();
        let name = name.clone();
        let keys = tokio::task::spawn_blocking(move || store.keys(&name))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        Ok(Source::Keys(keys))
    }

    /// Forgets the cached clients of a profile, so the next call loads its credentials afresh.
    pub async fn forget(&self, profile_id: &str) {
        if let Ok(profile) = ProfileRef::parse(profile_id) {
            self.sessions.lock().await.retain(|(p, _), _| *p != profile);
        }
    }

    pub async fn identity(&self, ctx: &Ctx) -> Result<Identity> {
        identity::caller_identity(&*self.session(ctx).await?).await
    }

    pub async fn apis(&self, ctx: &Ctx) -> Result<Vec<RestApi>> {
        gateway::list_apis(&*self.session(ctx).await?).await
    }

    /// Finds an API by id, else by exact name; two APIs of one name must be named by id.
    pub async fn find_api(&self, ctx: &Ctx, name_or_id: &str) -> Result<RestApi> {
        let apis = self.apis(ctx).await?;
        if let Some(api) = apis.iter().find(|a| a.id == name_or_id) {
            return Ok(api.clone());
        }
        let named: Vec<&RestApi> = apis.iter().filter(|a| a.name == name_or_id).collect();
        match named.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::NotFound(format!(
                "No REST API named or with id '{name_or_id}' in {}",
                ctx.region
            ))),
            many => Err(Error::invalid(
                "api",
                format!(
                    "{} APIs are named '{name_or_id}' ({}); name one by its id",
                    many.len(),
                    many.iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    pub async fn review(&self, ctx: &Ctx, api_id: &str) -> Result<ApiReview> {
        review(&*self.session(ctx).await?, api_id).await
    }

    pub async fn pools(&self, ctx: &Ctx, pool_region: &str) -> Result<Vec<UserPool>> {
        check_region(pool_region)?;
        cognito::list_pools(&*self.session(ctx).await?, pool_region).await
    }

    pub async fn clients(
        &self,
        ctx: &Ctx,
        pool_region: &str,
        pool_id: &str,
    ) -> Result<Vec<AppClient>> {
        check_region(pool_region)?;
        cognito::list_clients(&*self.session(ctx).await?, pool_region, pool_id).await
    }

    pub async fn pool_arn(&self, ctx: &Ctx, pool_region: &str, pool_id: &str) -> Result<String> {
        check_region(pool_region)?;
        cognito::pool_arn(&*self.session(ctx).await?, pool_region, pool_id).await
    }
}

/// Every method (GetResources, embed=methods, 500 a page) and every authorizer, read together.
pub async fn methods_and_authorizers(
    session: &Session,
    api_id: &str,
) -> Result<(Vec<crate::model::Method>, Vec<Authorizer>)> {
    tokio::try_join!(
        gateway::list_methods(session, api_id),
        gateway::list_authorizers(session, api_id)
    )
}

/// One GetResources pass (embed=methods, 500 a page) and one GetAuthorizers pass, together.
pub async fn review(session: &Session, api_id: &str) -> Result<ApiReview> {
    let (methods, authorizers) = methods_and_authorizers(session, api_id).await?;
    let summary = audit::summarize(&methods);
    Ok(ApiReview {
        api_id: api_id.to_string(),
        summary_line: summary.line(),
        summary,
        methods: audit::review(&methods, &authorizers),
        authorizers,
    })
}

fn check_region(region: &str) -> Result<()> {
    if is_region_name(region) {
        Ok(())
    } else {
        Err(Error::invalid(
            "region",
            format!("'{region}' is not a region name (for example eu-west-1)"),
        ))
    }
}
