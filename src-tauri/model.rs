//! Plain data shared by every part of Gatehouse. No SDK, no Tauri, no I/O.

use serde::{Deserialize, Serialize};

/// A REST API of API Gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestApi {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

/// One method of one resource, as API Gateway holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub resource_id: String,
    pub path: String,
    pub verb: String,
    /// NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS — or whatever else API Gateway answers.
    pub authorization_type: String,
    pub authorizer_id: Option<String>,
    pub scopes: Vec<String>,
    pub api_key_required: bool,
}

impl Method {
    pub fn is_options(&self) -> bool {
        self.verb.eq_ignore_ascii_case("OPTIONS")
    }

    pub fn is_open(&self) -> bool {
        self.authorization_type == "NONE" || self.authorization_type.is_empty()
    }

    /// "GET /pets": how users name a method on the command line.
    pub fn key(&self) -> String {
        format!("{} {}", self.verb, self.path)
    }
}

/// An authorizer of a REST API, of any type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorizer {
    pub id: String,
    pub name: String,
    /// TOKEN, REQUEST or COGNITO_USER_POOLS.
    pub kind: String,
    pub provider_arns: Vec<String>,
    pub identity_source: Option<String>,
    pub identity_validation_expression: Option<String>,
    pub ttl_seconds: Option<i32>,
    pub authorizer_uri: Option<String>,
}

/// How a method is protected, in the user's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Protection {
    Open,
    Iam,
    Lambda {
        authorizer: String,
    },
    Cognito {
        authorizer: String,
        scopes: Vec<String>,
    },
    /// An authorization type this version of Gatehouse does not know; shown as AWS names it.
    Other {
        authorization_type: String,
    },
}

/// A Cognito user pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPool {
    pub id: String,
    pub name: String,
}

/// An app client of a user pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppClient {
    pub id: String,
    pub name: String,
}

/// Who the chosen credentials are (STS GetCallerIdentity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Where a profile comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileSource {
    /// The AWS config and credentials files.
    File,
    /// Stored by Gatehouse in the operating system's keychain.
    Keychain,
    /// The process environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...).
    Env,
}

/// A profile as the picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInfo {
    /// Stable id used by the page and the session cache: "file:NAME", "keychain:NAME" or "env".
    pub id: String,
    pub name: String,
    pub source: ProfileSource,
    pub region: Option<String>,
}

/// The commercial regions where API Gateway and Cognito user pools run.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "sa-east-1",
];

/// A region name must look like one before it reaches the SDK (it becomes part of a host name).
pub fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}
