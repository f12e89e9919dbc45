//! The only place that touches AWS SDK types. Each module maps SDK shapes into model types.

pub mod accounts;
pub mod cloudformation;
pub mod cognito;
pub mod failure;
pub mod gateway;
pub mod identity;
pub mod jwks;
pub mod mfa;
pub mod profiles;
pub mod session;
pub mod sso;

use crate::error::Error;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_apigateway::config::http::HttpResponse;
use aws_sdk_apigateway::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::time::Duration;

/// Turns an SDK error into what the user should read: AWS's code and message, what answered
/// instead of AWS (a proxy's page, an empty body), or what went wrong before anything answered
/// (no credentials, endpoint unreachable, session expired). Never the SDK's Debug text.
pub fn map_sdk_error<E>(err: SdkError<E, HttpResponse>, endpoint: &str) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            match (e.code(), e.message()) {
                (Some(code), message) => {
                    let message = message.map_or_else(|| code.to_string(), str::to_string);
                    return classify_code(code.to_string(), message);
                }
                // No AWS error code: whatever answered was not AWS.
                (None, _) => return foreign_answer::<E>(service.raw(), endpoint),
            }
        }
        SdkError::ResponseError(r) => return foreign_answer::<E>(r.raw(), endpoint),
        _ => {}
    }
    let detail = DisplayErrorContext(&err).to_string();
    classify_transport(detail, endpoint)
}

/// "API Gateway answered 500 Internal Server Error with a text/html body to GetAuthorizers (not
/// an AWS answer: a proxy or a wrong endpoint_url?)": an answer without AWS's shape.
fn foreign_answer<E>(raw: &HttpResponse, endpoint: &str) -> Error {
    let status = raw.status().as_u16();
    let (service, operation) = service_and_operation(std::any::type_name::<E>());
    let body = match raw.body().bytes() {
        Some([]) => "an empty body".to_string(),
        _ => match raw.headers().get("content-type") {
            Some(t) => format!("a {} body", t.split(';').next().unwrap_or(t).trim()),
            None => "a body of no stated type".to_string(),
        },
    };
    Error::Aws {
        code: format!("HTTP {status}"),
        message: format!(
            "{service} answered {status}{} with {body} to {operation} (not an AWS answer: a \
             proxy or a wrong endpoint_url? {endpoint})",
            http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .map(|r| format!(" {r}"))
                .unwrap_or_default()
        ),
    }
}

/// The service and the operation an SDK error type belongs to, from its path
/// (`aws_sdk_apigateway::operation::get_authorizers::GetAuthorizersError`).
fn service_and_operation(type_name: &str) -> (&'static str, String) {
    let service = match type_name.split("::").next().unwrap_or_default() {
        "aws_sdk_apigateway" | "aws_sdk_apigatewayv2" => "API Gateway",
        "aws_sdk_sts" => "STS",
        "aws_sdk_cognitoidentityprovider" => "Cognito",
        "aws_sdk_cloudformation" => "CloudFormation",
        "aws_sdk_sso" | "aws_sdk_ssooidc" => "IAM Identity Center",
        _ => "AWS",
    };
    let last = type_name.rsplit("::").next().unwrap_or_default();
    let operation = last.strip_suffix("Error").unwrap_or(last);
    let operation = match operation.is_empty() {
        true => "the request".to_string(),
        false => operation.to_string(),
    };
    (service, operation)
}

fn classify_code(code: String, message: String) -> Error {
    match code.as_str() {
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
            Error::Expired(format!("{code}: {message}"))
        }
        _ => Error::Aws { code, message },
    }
}

/// Errors raised before any answer from AWS: sort them by what the user can do about them.
fn classify_transport(detail: String, endpoint: &str) -> Error {
    let lower = detail.to_lowercase();
    if lower.contains("credential") && !lower.contains("expired") {
        return Error::NoCredentials(credentials_reason(&detail));
    }
    if lower.contains("expired") {
        return Error::Expired(detail);
    }
    if lower.contains("sso") && lower.contains("token") {
        return Error::Expired(detail);
    }
    Error::Unreachable {
        endpoint: endpoint.to_string(),
        detail: transport_reason(&detail),
    }
}

fn credentials_reason(detail: &str) -> String {
    // The chain's message names every provider it tried; the last clause is the useful one.
    detail
        .rsplit(": ")
        .find(|part| part.to_lowercase().contains("credential"))
        .unwrap_or(detail)
        .trim()
        .to_string()
}

fn transport_reason(detail: &str) -> String {
    let lower = detail.to_lowercase();
    if lower.contains("connection refused") {
        "connection refused".into()
    } else if lower.contains("timed out") || lower.contains("timeout") {
        "the request timed out".into()
    } else if lower.contains("dns") || lower.contains("failed to lookup") {
        "the host name could not be resolved".into()
    } else {
        detail.to_string()
    }
}

/// The HTTPS client of every AWS config the app loads: the SDK's own default (rustls with
/// aws-lc, the proxy of the environment), built once. A config without one gives each service
/// client a connector of its own, with its own TLS roots and connection pool: a sweep of 200
/// accounts × 17 regions held thousands of them (about 275 KB a session).
pub(crate) fn http_client() -> aws_types::sdk_config::SharedHttpClient {
    use aws_smithy_http_client::{proxy::ProxyConfig, tls, Builder, ConnectorBuilder};
    static CLIENT: std::sync::OnceLock<aws_types::sdk_config::SharedHttpClient> =
        std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            Builder::new().build_with_connector_fn(|settings, components| {
                let mut connector = ConnectorBuilder::default().tls_provider(
                    tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc),
                );
                connector.set_connector_settings(settings.cloned());
                if let Some(components) = components {
                    connector.set_sleep_impl(components.sleep_impl());
                }
                connector.set_proxy_config(Some(ProxyConfig::from_env()));
                connector.build()
            })
        })
        .clone()
}

/// The timeouts of every AWS call: connect, each attempt, the whole operation.
pub(crate) fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(4))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(60))
        .build()
}
