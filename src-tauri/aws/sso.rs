//! IAM Identity Center sign-in: the OIDC device authorization flow with the SDK's own SSO OIDC
//! client (RegisterClient, StartDeviceAuthorization, CreateToken polled at the given interval),
//! and the token written to the AWS CLI's cache, where aws-config (and the CLI) read and refresh it.

use crate::error::{Error, Result};
use crate::sso::{CachedToken, SsoPrompt, SsoSettings};
use aws_config::{BehaviorVersion, Region};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A device authorization under way: what the user is shown, and what polling needs.
pub struct Pending {
    pub prompt: SsoPrompt,
    client: aws_sdk_ssooidc::Client,
    client_id: String,
    client_secret: String,
    registration_expires_at: i64,
    device_code: String,
    interval: u64,
    deadline: std::time::Instant,
}

async fn oidc_client(region: &str) -> aws_sdk_ssooidc::Client {
    // No credentials: the OIDC calls are not signed. AWS_ENDPOINT_URL(_SSO_OIDC) is honoured.
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .no_credentials()
        .load()
        .await;
    aws_sdk_ssooidc::Client::new(&conf)
}

fn oidc_error<E, R>(what: &str, err: aws_sdk_ssooidc::error::SdkError<E, R>) -> Error
where
    E: aws_sdk_ssooidc::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let endpoint =
        std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "oidc.REGION.amazonaws.com".into());
    match super::map_sdk_error(err, &endpoint) {
        Error::Aws { code, message } => Error::Aws {
            code,
            message: format!("{what}: {message}"),
        },
        other => other,
    }
}

/// Registers Gatehouse as a public client and starts a device authorization.
pub async fn start(profile: &str, settings: &SsoSettings) -> Result<Pending> {
    let client = oidc_client(&settings.region).await;
    let reg = client
        .register_client()
        .client_name(format!("gatehouse-{profile}"))
        .client_type("public")
        .set_scopes((!settings.scopes.is_empty()).then(|| settings.scopes.clone()))
        .send()
        .await
        .map_err(|e| oidc_error("registering with IAM Identity Center", e))?;
    let client_id = reg.client_id().unwrap_or_default().to_string();
    let client_secret = reg.client_secret().unwrap_or_default().to_string();
    let auth = client
        .start_device_authorization()
        .client_id(&client_id)
        .client_secret(&client_secret)
        .start_url(&settings.start_url)
        .send()
        .await
        .map_err(|e| oidc_error("starting the sign-in", e))?;
    let expires_in = auth.expires_in().max(1);
    Ok(Pending {
        prompt: SsoPrompt {
            profile: profile.to_string(),
            verification_uri: auth.verification_uri().unwrap_or_default().to_string(),
            verification_uri_complete: auth.verification_uri_complete().map(str::to_string),
            user_code: auth.user_code().unwrap_or_default().to_string(),
            expires_in,
            browser_opened: false,
        },
        client,
        client_id,
        client_secret,
        registration_expires_at: reg.client_secret_expires_at(),
        device_code: auth.device_code().unwrap_or_default().to_string(),
        interval: auth.interval().max(1) as u64,
        deadline: std::time::Instant::now() + Duration::from_secs(expires_in as u64),
    })
}

/// Polls CreateToken until the user approves (the token is written to `cache_dir`), denies, or
/// the code expires; `slow_down` adds 5 s to the interval, as the OAuth device flow asks.
/// `cancelled` is checked between polls.
pub async fn finish(
    pending: Pending,
    settings: &SsoSettings,
    cache_dir: &Path,
    cancelled: impl Fn() -> bool,
) -> Result<PathBuf> {
    let mut interval = pending.interval;
    loop {
        if cancelled() {
            return Err(Error::invalid("sso", "Sign-in cancelled"));
        }
        if std::time::Instant::now() >= pending.deadline {
            return Err(expired());
        }
        tokio::time::sleep(Duration::from_secs(interval)).await;
        if cancelled() {
            return Err(Error::invalid("sso", "Sign-in cancelled"));
        }
        let answer = pending
            .client
            .create_token()
            .client_id(&pending.client_id)
            .client_secret(&pending.client_secret)
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(&pending.device_code)
            .send()
            .await;
        match answer {
            Ok(token) => {
                let now = crate::journal::now_s();
                let doc = CachedToken {
                    settings,
                    access_token: token.access_token().unwrap_or_default(),
                    expires_at: now + token.expires_in() as i64,
                    client_id: &pending.client_id,
                    client_secret: &pending.client_secret,
                    registration_expires_at: pending.registration_expires_at,
                    refresh_token: token.refresh_token(),
                }
                .document();
                return write_cache(cache_dir, &settings.cache_file_name(), &doc);
            }
            Err(e) => {
                let service = e.as_service_error();
                if service.is_some_and(|s| s.is_authorization_pending_exception()) {
                    continue;
                }
                if service.is_some_and(|s| s.is_slow_down_exception()) {
                    interval += 5;
                    continue;
                }
                if service.is_some_and(|s| s.is_access_denied_exception()) {
                    return Err(Error::Aws {
                        code: "AccessDeniedException".into(),
                        message: "the sign-in was denied in the browser".into(),
                    });
                }
                if service.is_some_and(|s| s.is_expired_token_exception()) {
                    return Err(expired());
                }
                return Err(oidc_error("waiting for the sign-in", e));
            }
        }
    }
}

fn expired() -> Error {
    Error::Aws {
        code: "ExpiredTokenException".into(),
        message: "the sign-in code expired before it was approved: sign in again".into(),
    }
}

/// `~/.aws/sso/cache`, where the AWS CLI and the SDKs keep SSO tokens.
pub fn cache_dir() -> Result<PathBuf> {
    dirs::home_dir()
        .map(|h| h.join(".aws/sso/cache"))
        .ok_or_else(|| Error::Io("No home folder to keep the SSO sign-in in".into()))
}

/// Writes the token file, 0600 in a 0700 folder, replaced whole.
fn write_cache(dir: &Path, name: &str, doc: &serde_json::Value) -> Result<PathBuf> {
    use std::io::Write;
    let io = |e: std::io::Error| {
        Error::Io(format!(
            "Could not write the SSO sign-in to {}: {e}",
            dir.display()
        ))
    };
    crate::files::create_private_dir(dir).map_err(io)?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut options = crate::files::private_file_options();
        options.write(true).create(true).truncate(true);
        let mut f = options.open(&tmp).map_err(io)?;
        crate::files::make_private(&f).map_err(io)?;
        f.write_all(
            serde_json::to_string_pretty(doc)
                .unwrap_or_default()
                .as_bytes(),
        )
        .map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(path)
}

/// The cached token file's text, if there is one.
pub fn read_cache(settings: &SsoSettings) -> Option<String> {
    let path = cache_dir().ok()?.join(settings.cache_file_name());
    std::fs::read_to_string(path).ok()
}
