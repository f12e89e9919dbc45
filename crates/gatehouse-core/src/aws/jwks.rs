//! A user pool's public keys (its JWKS), fetched over HTTPS from Cognito — or from the profile's
//! endpoint when one is set (a local sandbox serves them at the same path).

use super::session::Session;
use std::time::Duration;

/// Where the pool publishes its keys.
pub fn jwks_url(session: &Session, region: &str, pool_id: &str) -> String {
    let base = std::env::var("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| session.custom_endpoint())
        .unwrap_or_else(|| format!("https://cognito-idp.{region}.amazonaws.com"));
    format!(
        "{}/{pool_id}/.well-known/jwks.json",
        base.trim_end_matches('/')
    )
}

/// The JWKS document, or why it could not be had (the caller then calls the signature unverified).
pub async fn fetch(url: String) -> Result<String, String> {
    let fetched = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(8)))
            .build()
            .into();
        agent
            .get(&url)
            .call()
            .map_err(|e| match e {
                ureq::Error::StatusCode(code) => format!("{url} answered HTTP {code}"),
                other => format!("{url} could not be reached: {other}"),
            })?
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("{url}: {e}"))
    })
    .await;
    fetched.unwrap_or_else(|e| Err(format!("the fetch stopped: {e}")))
}
