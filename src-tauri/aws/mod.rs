//! The only place that touches AWS SDK types. Each module maps SDK shapes into model types.

pub mod cognito;
pub mod failure;
pub mod gateway;
pub mod http;
pub mod identity;
pub mod jwks;
pub mod session;
pub mod sso;

use crate::error::Error;
use aws_sdk_apigateway::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// Turns an SDK error into what the user should read: AWS's code and message, or what went wrong
/// before AWS could answer (no credentials, endpoint unreachable, session expired).
pub fn map_sdk_error<E, R>(err: SdkError<E, R>, endpoint: &str) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    if let SdkError::ServiceError(service) = &err {
        let e = service.err();
        let code = e.code().unwrap_or("UnknownError").to_string();
        let message = e
            .message()
            .map(str::to_string)
            .unwrap_or_else(|| DisplayErrorContext(&err).to_string());
        return classify_code(code, message);
    }
    let detail = DisplayErrorContext(&err).to_string();
    classify_transport(detail, endpoint)
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
