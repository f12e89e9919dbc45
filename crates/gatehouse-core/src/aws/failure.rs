//! A write that failed, sorted by what may be done next: shared by the REST (gateway.rs) and
//! HTTP API (http.rs) adapters.

use super::session::Session;

/// A write that failed: the error, and whether another attempt may succeed.
#[derive(Debug)]
pub struct CallFailure {
    pub error: crate::error::Error,
    /// Throttled (429), a 5xx, or no answer: worth another attempt after a pause.
    pub retryable: bool,
    /// The change may have been applied even so (5xx, timeout): look before trying again.
    pub ambiguous: bool,
    pub throttled: bool,
}

impl CallFailure {
    /// A failure no other attempt would mend (refused credentials, bad input, a lookup that
    /// failed before anything was sent).
    pub fn not_retried(error: crate::error::Error) -> CallFailure {
        CallFailure {
            error,
            retryable: false,
            ambiguous: false,
            throttled: false,
        }
    }
}

/// Sorts a failed write by what may be done next. Credentials that are refused or gone are
/// never retried: every further call would fail the same way.
pub fn call_failure<E>(
    session: &Session,
    err: aws_sdk_apigateway::error::SdkError<E, aws_sdk_apigateway::config::http::HttpResponse>,
) -> CallFailure
where
    E: aws_sdk_apigateway::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let is_service = matches!(err, aws_sdk_apigateway::error::SdkError::ServiceError(_));
    let error = session.map_err(err);
    if error.is_credentials() {
        return CallFailure::not_retried(error);
    }
    let throttled = status == Some(429) || error.code() == Some("TooManyRequestsException");
    let server = status.is_some_and(|s| s >= 500);
    let no_answer = !is_service;
    CallFailure {
        retryable: throttled || server || no_answer,
        ambiguous: server || no_answer,
        throttled,
        error,
    }
}

/// Waits for a write's slot in the account's quota; a pacer that cannot be read is a failure
/// that is not retried (nothing was sent).
pub async fn pace_write(session: &Session) -> Result<(), CallFailure> {
    session
        .pace(crate::local::pacer::Call::Any)
        .await
        .map_err(CallFailure::not_retried)
}
