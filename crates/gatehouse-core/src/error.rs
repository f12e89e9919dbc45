//! One error type for the whole app, serialised to the page as `{kind, code, message, hint, field}`.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to do when the session's credentials expired or were refused.
pub const EXPIRED_HINT: &str =
    "Refresh the session (for SSO: `aws sso login --profile NAME`) or pick another profile, then retry.";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// AWS answered with an error: its code and message, as AWS said them.
    #[error("{code}: {message}")]
    Aws { code: String, message: String },
    #[error("No AWS credentials found: {0}")]
    NoCredentials(String),
    #[error("Cannot reach AWS at {endpoint}: {detail}")]
    Unreachable { endpoint: String, detail: String },
    #[error("The AWS session has expired: {0}")]
    Expired(String),
    /// Bad input: said beside the field it concerns, and nothing was sent.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    NotFound(String),
    /// Another Gatehouse (window or command line) is writing to the same API right now.
    #[error("{0}")]
    Busy(String),
    #[error("Keychain: {0}")]
    Keychain(String),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// A short machine-readable kind, stable for the page and the command line.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Aws { .. } => "aws",
            Error::NoCredentials(_) => "no-credentials",
            Error::Unreachable { .. } => "unreachable",
            Error::Expired(_) => "expired",
            Error::Invalid { .. } => "invalid",
            Error::NotFound(_) => "not-found",
            Error::Busy(_) => "busy",
            Error::Keychain(_) => "keychain",
            Error::Io(_) => "io",
            Error::Internal(_) => "internal",
        }
    }

    /// What the user can do about it, where there is something to do.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::NoCredentials(_) => Some(
                "Choose another profile, add keys in Profiles, or run `aws configure` / `aws sso login`, then retry.",
            ),
            Error::Unreachable { .. } => Some(
                "Check your network connection and the endpoint URL (AWS_ENDPOINT_URL or the profile's endpoint_url), then retry.",
            ),
            Error::Expired(_) => Some(EXPIRED_HINT),
            Error::Busy(_) => Some(
                "Wait for the other apply to finish (History shows it as running), then try again.",
            ),
            Error::Keychain(_) => Some(
                "Unlock the system keychain (on Linux a Secret Service such as gnome-keyring must be running), then retry. AWS-file profiles keep working.",
            ),
            _ => None,
        }
    }

    /// The credentials themselves are refused or gone (expired, unknown, no longer refreshable):
    /// every further call would fail the same way, so an apply stops at once.
    pub fn is_credentials(&self) -> bool {
        match self {
            Error::Expired(_) | Error::NoCredentials(_) => true,
            Error::Aws { code, .. } => matches!(
                code.as_str(),
                "ExpiredTokenException"
                    | "ExpiredToken"
                    | "UnrecognizedClientException"
                    | "InvalidClientTokenId"
                    | "InvalidSignatureException"
                    | "SignatureDoesNotMatch"
                    | "UnauthorizedException"
                    | "TokenRefreshRequired"
            ),
            _ => false,
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Aws { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// An error as the page receives it (every command's rejection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ErrorView {
    /// aws, no-credentials, unreachable, expired, invalid, not-found, busy, keychain, io, internal.
    pub kind: String,
    /// AWS's error code, when AWS answered.
    pub code: Option<String>,
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
    /// The form field it concerns (bad input).
    pub field: Option<String>,
}

impl Error {
    pub fn view(&self) -> ErrorView {
        ErrorView {
            kind: self.kind().to_string(),
            code: self.code().map(str::to_string),
            message: self.to_string(),
            hint: self.hint().map(str::to_string),
            field: match self {
                Error::Invalid { field, .. } => Some(field.clone()),
                _ => None,
            },
        }
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(serializer)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("JSON: {e}"))
    }
}
