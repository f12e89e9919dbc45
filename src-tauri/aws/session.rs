//! A session: one profile and one region, with its SDK clients built once and reused.

use crate::error::Error;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::Mutex;

/// Where a session's credentials come from.
pub enum Source {
    /// A profile of the AWS config/credentials files, resolved by aws-config (SSO, assume-role...).
    FileProfile(String),
    /// The default chain: environment variables, AWS_PROFILE, container/instance credentials.
    Environment,
    /// Keys held in memory (loaded from the keychain), optionally assuming a role with them.
    Keys(StaticKeys),
}

/// Keys for a session. Debug never prints the secret.
#[derive(Clone)]
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
            .field(
                "access_key_id",
                &crate::profiles::mask_key_id(&self.access_key_id),
            )
            .field("endpoint_url", &self.endpoint_url)
            .field("role_arn", &self.role_arn)
            .finish_non_exhaustive()
    }
}

pub struct Session {
    pub region: String,
    config: SdkConfig,
    pub gateway: aws_sdk_apigateway::Client,
    pub sts: aws_sdk_sts::Client,
    cognito: Mutex<HashMap<String, aws_sdk_cognitoidentityprovider::Client>>,
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(4))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(60))
        .build()
}

impl Session {
    pub async fn open(source: Source, region: &str) -> Result<Session, Error> {
        let loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .timeout_config(timeouts());
        let config = match source {
            Source::FileProfile(name) => loader.profile_name(name).load().await,
            Source::Environment => loader.load().await,
            Source::Keys(keys) => keys_config(loader, keys).await,
        };
        Ok(Session::from_config(config, region))
    }

    fn from_config(config: SdkConfig, region: &str) -> Session {
        Session {
            region: region.to_string(),
            gateway: aws_sdk_apigateway::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            cognito: Mutex::new(HashMap::new()),
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

    /// The endpoint named in "cannot reach" messages.
    pub fn endpoint(&self) -> String {
        self.config
            .endpoint_url()
            .map(str::to_string)
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
            .unwrap_or_else(|| format!("apigateway.{}.amazonaws.com", self.region))
    }

    pub fn map_err<E, R>(&self, err: aws_sdk_apigateway::error::SdkError<E, R>) -> Error
    where
        E: aws_sdk_apigateway::error::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
        R: std::fmt::Debug,
    {
        super::map_sdk_error(err, &self.endpoint())
    }
}

async fn keys_config(loader: aws_config::ConfigLoader, keys: StaticKeys) -> SdkConfig {
    let creds = Credentials::new(
        keys.access_key_id,
        keys.secret_access_key,
        keys.session_token,
        None,
        "gatehouse-keychain",
    );
    let loader = loader.credentials_provider(SharedCredentialsProvider::new(creds));
    let loader = match keys.endpoint_url {
        Some(url) => loader.endpoint_url(url),
        None => loader,
    };
    let base = loader.load().await;
    let Some(role_arn) = keys.role_arn else {
        return base;
    };
    // The provider assumes the role with the stored keys and refreshes before expiry.
    let mut role = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("gatehouse")
        .configure(&base);
    if let Some(id) = keys.external_id {
        role = role.external_id(id);
    }
    let provider = role.build().await;
    base.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}
