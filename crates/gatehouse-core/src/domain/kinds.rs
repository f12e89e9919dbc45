//! The small closed sets that cross the core as words: how API Gateway authorizes a method
//! (`authorizationType`) and what a write to an API does (the journal's and the lock's action).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How API Gateway decides who may call a method: its `authorizationType`. It crosses the
/// journal, the page and `--json` as AWS spells it ("NONE", "COGNITO_USER_POOLS", …); a type
/// AWS adds later is kept as it came.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
#[ts(
    type = "\"NONE\" | \"AWS_IAM\" | \"CUSTOM\" | \"COGNITO_USER_POOLS\" | \"JWT\" | (string & {})"
)]
pub enum AuthType {
    #[default]
    None,
    AwsIam,
    Custom,
    CognitoUserPools,
    Jwt,
    Other(String),
}

impl AuthType {
    /// AWS's name of the type; an empty answer is NONE.
    pub fn parse(s: &str) -> AuthType {
        match s {
            "" | "NONE" => AuthType::None,
            "AWS_IAM" => AuthType::AwsIam,
            "CUSTOM" => AuthType::Custom,
            "COGNITO_USER_POOLS" => AuthType::CognitoUserPools,
            "JWT" => AuthType::Jwt,
            other => AuthType::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            AuthType::None => "NONE",
            AuthType::AwsIam => "AWS_IAM",
            AuthType::Custom => "CUSTOM",
            AuthType::CognitoUserPools => "COGNITO_USER_POOLS",
            AuthType::Jwt => "JWT",
            AuthType::Other(s) => s,
        }
    }

    /// Types that name an authorizer: Cognito and Lambda (REST), JWT and Lambda (HTTP).
    pub fn uses_authorizer(&self) -> bool {
        matches!(
            self,
            AuthType::CognitoUserPools | AuthType::Custom | AuthType::Jwt
        )
    }

    /// Where OAuth scopes count: Cognito authorizers (REST) and JWT authorizers (HTTP).
    pub fn takes_scopes(&self) -> bool {
        matches!(self, AuthType::CognitoUserPools | AuthType::Jwt)
    }
}

impl From<String> for AuthType {
    fn from(s: String) -> AuthType {
        AuthType::parse(&s)
    }
}

impl From<&str> for AuthType {
    fn from(s: &str) -> AuthType {
        AuthType::parse(s)
    }
}

impl From<AuthType> for String {
    fn from(t: AuthType) -> String {
        t.as_str().to_string()
    }
}

impl Serialize for AuthType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuthType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<AuthType, D::Error> {
        String::deserialize(d).map(AuthType::from)
    }
}

impl std::fmt::Display for AuthType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a write to an API does: the journal's header and the API's lock name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Protect,
    Unprotect,
    Undo,
    Deploy,
    /// Creating, changing or deleting an authorizer.
    #[serde(rename = "apply")]
    Authorizer,
    /// Access-Control-Allow-Origin added to the gateway responses a refused token meets.
    Cors,
}

impl Action {
    /// "Protect", "Remove protection", …: how the History titles an apply.
    pub fn title(self) -> &'static str {
        match self {
            Action::Protect => "Protect",
            Action::Unprotect => "Remove protection",
            Action::Undo => "Undo",
            Action::Deploy => "Deploy",
            Action::Authorizer => "Authorizer",
            Action::Cors => "CORS headers for refused tokens",
        }
    }

    /// As the journal writes it: "protect", "unprotect", "undo", "deploy", "apply", "cors".
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Protect => "protect",
            Action::Unprotect => "unprotect",
            Action::Undo => "undo",
            Action::Deploy => "deploy",
            Action::Authorizer => "apply",
            Action::Cors => "cors",
        }
    }

    /// "deploy" or "apply": how a busy message names the other writer.
    pub fn busy_noun(self) -> &'static str {
        match self {
            Action::Deploy => "deploy",
            _ => "apply",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
