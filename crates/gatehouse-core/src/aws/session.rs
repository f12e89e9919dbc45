//! A session: one profile and one region, with its SDK clients built once and reused.

use super::mfa::expiring;
pub use super::mfa::{assume_mfa_role, MfaRole, RoleCredentials};
use super::timeouts;
use crate::domain::model::{mask_key_id, ApiKind, Identity};
use crate::error::Error;
use crate::local::pacer::{AccountPacer, Call};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use std::collections::HashMap;
use tokio::sync::Mutex;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Where a session's credentials come from.
pub enum Source {
    /// A profile of the AWS config/credentials files, resolved by aws-config (SSO, assume-role...).
    FileProfile(String),
    /// The default chain: environment variables, AWS_PROFILE, container/instance credentials.
    Environment,
    /// Keys held in memory (loaded from the keychain), optionally assuming a role with them.
    Keys(StaticKeys),
    /// A role guarded by an MFA device (`role_arn` + `source_profile` + `mfa_serial`), already
    /// assumed (`assume_mfa_role`): one assumption serves every region of the profile.
    AssumedRole(RoleCredentials),
}

/// Keys for a session: wiped from memory when dropped, never cloned; Debug never prints the secret.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct StaticKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub endpoint_url: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
}

impl std::fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &mask_key_id(&self.access_key_id))
            .field("endpoint_url", &self.endpoint_url)
            .field("role_arn", &self.role_arn)
            .finish_non_exhaustive()
    }
}

pub struct Session {
    pub region: String,
    config: SdkConfig,
    pub gateway: aws_sdk_apigateway::Client,
    /// API Gateway v2: HTTP (and WebSocket) APIs.
    pub gateway_v2: aws_sdk_apigatewayv2::Client,
    pub sts: aws_sdk_sts::Client,
    cognito: Mutex<HashMap<String, aws_sdk_cognitoidentityprovider::Client>>,
    account: tokio::sync::OnceCell<String>,
    /// Each API's kind as listed or looked up: REST and HTTP APIs share one id space.
    kinds: std::sync::Mutex<HashMap<String, ApiKind>>,
    /// The profile's name, and whether it signs in through IAM Identity Center: credential errors
    /// name both, and the way to sign in.
    who: std::sync::OnceLock<(String, Option<crate::domain::sso_settings::SsoSettings>)>,
    /// When the credentials of an MFA-guarded role expire (they are not refreshed without a code).
    expires_at: Option<std::time::SystemTime>,
    /// The account's quotas: given by a sweep (every session of the account shares one, at 90%),
    /// or made at the first call from `pace_dir` (at the quota itself).
    pacer: std::sync::Mutex<Option<std::sync::Arc<AccountPacer>>>,
    /// Where the machine-wide budgets of API Gateway's quotas are kept: once set, every API
    /// Gateway call of this session waits for its slot (look-ups included), so that a second
    /// process waits its turn instead of meeting a 429 while another one applies.
    pace_dir: std::sync::OnceLock<std::path::PathBuf>,
}

/// A file profile's configuration. aws-config's default chain tries the environment's keys before
/// the profile, even one named explicitly: with `AWS_ACCESS_KEY_ID` set, a chosen profile would
/// silently be the environment's account. When keys are in the environment, the profile's own
/// credentials provider is used instead (SSO, assume-role, credential_process, keys).
async fn profile_config(loader: aws_config::ConfigLoader, name: &str, region: &str) -> SdkConfig {
    let loader = loader.profile_name(name);
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        return loader.load().await;
    }
    let conf = aws_config::provider_config::ProviderConfig::default()
        .with_region(Some(Region::new(region.to_string())));
    let provider = aws_config::profile::ProfileFileCredentialsProvider::builder()
        .configure(&conf)
        .profile_name(name)
        .build();
    loader
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .load()
        .await
}

impl Session {
    pub async fn open(source: Source, region: &str) -> Result<Session, Error> {
        let loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(super::http_client())
            .region(Region::new(region.to_string()))
            .timeout_config(timeouts());
        let (config, expires_at) = match source {
            Source::FileProfile(name) => (profile_config(loader, &name, region).await, None),
            Source::Environment => (loader.load().await, None),
            Source::Keys(keys) => (keys_config(loader, keys).await, None),
            Source::AssumedRole(role) => {
                let config = loader
                    .credentials_provider(SharedCredentialsProvider::new(role.credentials))
                    .load()
                    .await;
                (config, Some(role.expires_at))
            }
        };
        let mut session = Session::from_config(config, region);
        session.expires_at = expires_at;
        Ok(session)
    }

    /// Whether the session's own credentials (an MFA role's) expire within a minute: such a
    /// session is dropped, and the user asked for a new code.
    pub fn expiring(&self) -> bool {
        expiring(self.expires_at)
    }

    fn from_config(config: SdkConfig, region: &str) -> Session {
        Session {
            region: region.to_string(),
            gateway: aws_sdk_apigateway::Client::new(&config),
            gateway_v2: aws_sdk_apigatewayv2::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            cognito: Mutex::new(HashMap::new()),
            account: tokio::sync::OnceCell::new(),
            kinds: std::sync::Mutex::new(HashMap::new()),
            who: std::sync::OnceLock::new(),
            expires_at: None,
            pacer: std::sync::Mutex::new(None),
            pace_dir: std::sync::OnceLock::new(),
            config,
        }
    }

    /// Cognito for a region that may differ from the session's (pools often live elsewhere).
    pub async fn cognito(&self, region: &str) -> aws_sdk_cognitoidentityprovider::Client {
        let mut clients = self.cognito.lock().await;
        clients
            .entry(region.to_string())
            .or_insert_with(|| {
                let conf = aws_sdk_cognitoidentityprovider::config::Builder::from(&self.config)
                    .region(Region::new(region.to_string()))
                    .build();
                aws_sdk_cognitoidentityprovider::Client::from_conf(conf)
            })
            .clone()
    }

    /// The SDK configuration the session's clients were built from.
    pub fn config(&self) -> &SdkConfig {
        &self.config
    }

    /// CloudFormation in the session's region: the stacks that own APIs.
    pub fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        aws_sdk_cloudformation::Client::new(&self.config)
    }

    /// The kind of an API already seen by this session.
    pub fn known_kind(&self, api_id: &str) -> Option<ApiKind> {
        self.kinds.lock().ok()?.get(api_id).copied()
    }

    pub fn remember_kind(&self, api_id: &str, kind: ApiKind) {
        if let Ok(mut kinds) = self.kinds.lock() {
            kinds.insert(api_id.to_string(), kind);
        }
    }

    /// The endpoint set for this session (a profile's endpoint_url, AWS_ENDPOINT_URL), if any.
    pub fn custom_endpoint(&self) -> Option<String> {
        self.config
            .endpoint_url()
            .map(str::to_string)
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .filter(|u| !u.trim().is_empty())
    }

    /// What API Gateway's quota and Gatehouse's per-API locks are kept per: the endpoint when one
    /// is set (a local sandbox), else the account (one STS call, remembered), with the region.
    pub async fn quota_key(&self) -> Result<String, Error> {
        Ok(format!("{} {}", self.account_key().await?, self.region))
    }

    /// Whose quotas the calls draw from: the account, or the endpoint when one is set (a local
    /// server stands for one account).
    pub async fn account_key(&self) -> Result<String, Error> {
        Ok(match self.custom_endpoint() {
            Some(url) => url,
            None => self.account().await?,
        })
    }

    /// The account the credentials belong to (STS GetCallerIdentity, asked once).
    pub async fn account(&self) -> Result<String, Error> {
        Ok(self
            .account
            .get_or_try_init(|| async { self.caller_identity().await.map(|i| i.account) })
            .await?
            .clone())
    }

    /// Paces this session's calls with `pacer` from now on (a sweep's, shared by every session
    /// of the account).
    pub fn pace_with(&self, pacer: std::sync::Arc<AccountPacer>) {
        *crate::locked(&self.pacer) = Some(pacer);
    }

    /// Paces every API Gateway call of this session through the budgets kept in `dir`.
    pub fn pace_in(&self, dir: &std::path::Path) {
        let _ = self.pace_dir.set(dir.to_path_buf());
    }

    /// Waits for the account's quota when calls are paced; at once otherwise.
    pub async fn pace(&self, call: Call) -> Result<(), Error> {
        let given = crate::locked(&self.pacer).clone();
        let pacer = match (given, self.pace_dir.get()) {
            (Some(p), _) => p,
            (None, Some(dir)) => {
                let key = self.account_key().await?;
                let mut slot = crate::locked(&self.pacer);
                slot.get_or_insert_with(|| std::sync::Arc::new(AccountPacer::at_quota(dir, &key)))
                    .clone()
            }
            (None, None) => return Ok(()),
        };
        pacer.until_ready(call).await
    }

    /// Who the credentials belong to (STS GetCallerIdentity).
    pub async fn caller_identity(&self) -> Result<Identity, Error> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(Identity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            user_id: out.user_id().unwrap_or_default().to_string(),
        })
    }

    /// The endpoint named in "cannot reach" messages.
    pub fn endpoint(&self) -> String {
        self.config
            .endpoint_url()
            .map(str::to_string)
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .unwrap_or_else(|| format!("apigateway.{}.amazonaws.com", self.region))
    }

    pub fn map_err<E>(
        &self,
        err: aws_sdk_apigateway::error::SdkError<E, aws_sdk_apigateway::config::http::HttpResponse>,
    ) -> Error
    where
        E: aws_sdk_apigateway::error::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
    {
        self.about_profile(super::map_sdk_error(err, &self.endpoint()))
    }

    /// Names the profile these credentials come from, and its SSO settings when it has them.
    pub fn name_profile(&self, name: &str, sso: Option<crate::domain::sso_settings::SsoSettings>) {
        let _ = self.who.set((name.to_string(), sso));
    }

    /// A credentials error that names the profile and, for an SSO profile, the cause (read from
    /// the token cache: none, or expired) and how to sign in.
    pub fn about_profile(&self, err: Error) -> Error {
        let Some((name, sso)) = self.who.get() else {
            return err;
        };
        let sso_state = |settings: &crate::domain::sso_settings::SsoSettings| {
            let cached = super::sso::read_cache(settings);
            crate::domain::sso_settings::state(
                settings,
                cached.as_ref().map(|t| t.as_str()),
                crate::local::journal::now_s(),
            )
        };
        let login = format!(
            "sign in with `gatehouse login --profile {name}` (or `aws sso login --profile {name}`)"
        );
        match (err, sso) {
            (Error::NoCredentials(why) | Error::Expired(why), Some(settings)) => {
                match sso_state(settings).status {
                    crate::domain::sso_settings::SsoStatus::NotSignedIn => {
                        Error::NoCredentials(format!(
                            "{name}: not signed in to IAM Identity Center (no SSO token) — {login}"
                        ))
                    }
                    crate::domain::sso_settings::SsoStatus::Expired => {
                        Error::Expired(format!("{name}: the SSO session has expired — {login}"))
                    }
                    crate::domain::sso_settings::SsoStatus::SignedIn => {
                        Error::NoCredentials(format!("{name}: {why} — {login}"))
                    }
                }
            }
            (Error::NoCredentials(why), None) => Error::NoCredentials(format!("{name}: {why}")),
            // Keys refused or unknown (InvalidClientTokenId, UnrecognizedClientException...):
            // say whose they are.
            (err @ Error::Aws { .. }, _) if err.is_credentials() => match err {
                Error::Aws { code, message } => Error::Aws {
                    code,
                    message: format!("{name}: {message}"),
                },
                other => other,
            },
            (Error::Expired(why), None) => Error::Expired(format!("{name}: {why}")),
            (other, _) => other,
        }
    }
}

async fn keys_config(loader: aws_config::ConfigLoader, mut keys: StaticKeys) -> SdkConfig {
    // The strings move into the SDK's credentials (no copy is left behind); the rest is wiped.
    let creds = Credentials::new(
        std::mem::take(&mut keys.access_key_id),
        std::mem::take(&mut keys.secret_access_key),
        keys.session_token.take(),
        None,
        "gatehouse-keychain",
    );
    let loader = loader.credentials_provider(SharedCredentialsProvider::new(creds));
    let loader = match keys.endpoint_url.take() {
        Some(url) => loader.endpoint_url(url),
        None => loader,
    };
    let base = loader.load().await;
    let Some(role_arn) = keys.role_arn.take() else {
        return base;
    };
    // The provider assumes the role with the stored keys and refreshes before expiry.
    let mut role = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("gatehouse")
        .configure(&base);
    if let Some(id) = keys.external_id.take() {
        role = role.external_id(id);
    }
    let provider = role.build().await;
    base.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}
