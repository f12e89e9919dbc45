//! IAM Identity Center sign-in: the OIDC device authorization flow with the SDK's own SSO OIDC
//! client (RegisterClient, StartDeviceAuthorization, CreateToken polled at the given interval),
//! and the token written to the AWS CLI's cache, where aws-config (and the CLI) read and refresh it.

use crate::domain::sso_settings::{CachedToken, SsoPrompt, SsoSettings};
use crate::error::{Error, Result};
use aws_config::{BehaviorVersion, Region};
use std::path::{Path, PathBuf};
use std::time::Duration;
use zeroize::Zeroizing;

/// A device authorization under way: what the user is shown, and what polling needs. The
/// client's secret and the device code are wiped from memory when it is dropped.
pub struct Pending {
    pub prompt: SsoPrompt,
    oidc: Oidc,
    client_id: String,
    client_secret: Zeroizing<String>,
    registration_expires_at: i64,
    device_code: Zeroizing<String>,
    interval: u64,
    deadline: std::time::Instant,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("profile", &self.prompt.profile)
            .field("user_code", &self.prompt.user_code)
            .field("client_id", &self.client_id)
            .field("endpoint", &self.oidc.endpoint)
            .finish_non_exhaustive()
    }
}

/// The SSO OIDC client of one profile, and the endpoint its errors name.
struct Oidc {
    client: aws_sdk_ssooidc::Client,
    endpoint: String,
}

/// The OIDC client as the signing profile configures it (its own `endpoint_url`, services
/// section...), in its SSO region, with no credentials: the OIDC calls are not signed.
async fn oidc_client(profile: &str, region: &str) -> Oidc {
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .http_client(super::http_client())
        .profile_name(profile)
        .region(Region::new(region.to_string()))
        .no_credentials()
        .load()
        .await;
    let endpoint = conf
        .endpoint_url()
        .map(str::to_string)
        .unwrap_or_else(|| format!("oidc.{region}.amazonaws.com"));
    Oidc {
        client: aws_sdk_ssooidc::Client::new(&conf),
        endpoint,
    }
}

fn oidc_error<E>(
    what: &str,
    endpoint: &str,
    err: aws_sdk_ssooidc::error::SdkError<E, aws_sdk_ssooidc::config::http::HttpResponse>,
) -> Error
where
    E: aws_sdk_ssooidc::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match super::map_sdk_error(err, endpoint) {
        Error::Aws { code, message } => Error::Aws {
            code,
            message: format!("{what}: {message}"),
        },
        other => other,
    }
}

/// Registers Gatehouse as a public client and starts a device authorization.
pub async fn start(profile: &str, settings: &SsoSettings) -> Result<Pending> {
    let oidc = oidc_client(profile, &settings.region).await;
    let mut reg = oidc
        .client
        .register_client()
        .client_name(format!("gatehouse-{profile}"))
        .client_type("public")
        .set_scopes((!settings.scopes.is_empty()).then(|| settings.scopes.clone()))
        .send()
        .await
        .map_err(|e| oidc_error("registering with IAM Identity Center", &oidc.endpoint, e))?;
    let client_id = reg.client_id().unwrap_or_default().to_string();
    let client_secret = Zeroizing::new(reg.client_secret.take().unwrap_or_default());
    let mut auth = oidc
        .client
        .start_device_authorization()
        .client_id(&client_id)
        .client_secret(client_secret.as_str())
        .start_url(&settings.start_url)
        .send()
        .await
        .map_err(|e| oidc_error("starting the sign-in", &oidc.endpoint, e))?;
    let expires_in = auth.expires_in().max(1);
    Ok(Pending {
        prompt: SsoPrompt {
            profile: profile.to_string(),
            verification_uri: auth.verification_uri().unwrap_or_default().to_string(),
            verification_uri_complete: auth.verification_uri_complete().map(str::to_string),
            user_code: auth.user_code().unwrap_or_default().to_string(),
            expires_in,
            browser_opened: false,
            browser_note: None,
        },
        oidc,
        client_id,
        client_secret,
        registration_expires_at: reg.client_secret_expires_at(),
        device_code: Zeroizing::new(auth.device_code.take().unwrap_or_default()),
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
            .oidc
            .client
            .create_token()
            .client_id(&pending.client_id)
            .client_secret(pending.client_secret.as_str())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(pending.device_code.as_str())
            .send()
            .await;
        match answer {
            Ok(mut token) => {
                let now = crate::local::journal::now_s();
                // Taken out of the answer, so that they are wiped once written.
                let access_token = Zeroizing::new(token.access_token.take().unwrap_or_default());
                let refresh_token = token.refresh_token.take().map(Zeroizing::new);
                let doc = CachedToken {
                    settings,
                    access_token: &access_token,
                    expires_at: now + token.expires_in() as i64,
                    client_id: &pending.client_id,
                    client_secret: &pending.client_secret,
                    registration_expires_at: pending.registration_expires_at,
                    refresh_token: refresh_token.as_ref().map(|t| t.as_str()),
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
                return Err(oidc_error(
                    "waiting for the sign-in",
                    &pending.oidc.endpoint,
                    e,
                ));
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

/// Writes the token file, 0600 in a 0700 folder, replaced whole through a temp file of its own
/// (two Gatehouses, or Gatehouse and the AWS CLI, may write it at once).
fn write_cache(dir: &Path, name: &str, doc: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    crate::local::files::write_whole(&path, doc.as_bytes()).map_err(|e| {
        Error::Io(format!(
            "Could not write the SSO sign-in to {}: {e}",
            dir.display()
        ))
    })?;
    Ok(path)
}

/// The cached token file's text, if there is one (wiped from memory when dropped).
pub fn read_cache(settings: &SsoSettings) -> Option<Zeroizing<String>> {
    let path = cache_dir().ok()?.join(settings.cache_file_name());
    std::fs::read_to_string(path).ok().map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_at_once_each_leave_a_whole_private_token_file_and_no_temp_file() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join(".aws/sso/cache");
        let name = "ee0bfd2552fbd840c02cc48b6e823320543c450f.json";
        // Big enough that the writes overlap.
        let doc = |n: usize| {
            format!(
                r#"{{"accessToken": "{}", "writer": {n}}}"#,
                "x".repeat(200_000)
            )
        };
        std::thread::scope(|s| {
            for n in 0..4 {
                let (dir, doc) = (&dir, doc(n));
                s.spawn(move || {
                    for _ in 0..20 {
                        write_cache(dir, name, &doc).expect("every write succeeds");
                    }
                });
            }
        });
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let written: serde_json::Value = serde_json::from_str(&text).expect("a whole document");
        assert!((0..4).any(|n| written["writer"] == n));
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(left, [name], "no temp file left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir.join(name)), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
    }

    #[test]
    fn a_pending_sign_in_does_not_show_its_secrets() {
        let pending = Pending {
            prompt: SsoPrompt {
                profile: "corp".into(),
                verification_uri: "https://corp.awsapps.com/start/#/device".into(),
                verification_uri_complete: None,
                user_code: "ABCD-EFGH".into(),
                expires_in: 600,
                browser_opened: false,
                browser_note: None,
            },
            oidc: Oidc {
                client: aws_sdk_ssooidc::Client::from_conf(
                    aws_sdk_ssooidc::Config::builder()
                        .behavior_version(BehaviorVersion::latest())
                        .build(),
                ),
                endpoint: "oidc.us-east-1.amazonaws.com".into(),
            },
            client_id: "client-1".into(),
            client_secret: Zeroizing::new("the-client-secret".into()),
            registration_expires_at: 0,
            device_code: Zeroizing::new("the-device-code".into()),
            interval: 5,
            deadline: std::time::Instant::now(),
        };
        let shown = format!("{pending:?}");
        assert!(
            shown.contains("ABCD-EFGH") && shown.contains("client-1"),
            "{shown}"
        );
        assert!(!shown.contains("the-client-secret") && !shown.contains("the-device-code"));
    }
}
