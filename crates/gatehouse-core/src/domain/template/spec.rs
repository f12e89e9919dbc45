//! Pure: what a template must say after a protect, and what comes back from a patch or an
//! export. The leaf every template module reads; it imports none of them.

use crate::domain::model::{Api, ApiKind, Authorizer, Method};
use serde::Serialize;
use ts_rs::TS;

/// A protect, said as code: the authorizer to declare (or find) and the methods it guards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChange {
    pub api_name: String,
    /// The API's id in AWS (a stack's physical id for its RestApi or HttpApi resource).
    pub api_id: String,
    pub kind: ApiKind,
    pub authorizer: AuthorizerCode,
    /// The methods to protect, verb upper-case: ("GET", "/pets"); HTTP routes the same way
    /// ("GET", "/parcels"); never OPTIONS (refused before a patch is asked for).
    pub methods: Vec<MethodRef>,
    /// OAuth scopes every method requires (none: any valid token).
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MethodRef {
    pub verb: String,
    pub path: String,
}

impl MethodRef {
    pub fn new(verb: &str, path: &str) -> MethodRef {
        MethodRef {
            verb: verb.trim().to_uppercase(),
            path: path.trim().to_string(),
        }
    }

    /// "GET /pets", as the rest of Gatehouse names a method.
    pub fn key(&self) -> String {
        format!("{} {}", self.verb, self.path)
    }
}

/// The authorizer as a template declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizerCode {
    /// Its name in API Gateway ("PetsPool").
    pub name: String,
    /// REST: the user pools' ARNs.
    pub provider_arns: Vec<String>,
    /// REST: `method.request.header.Authorization`; HTTP: `$request.header.Authorization`.
    pub identity_source: String,
    /// REST: the app client ID regex matched against the ID token's `aud` ("" for none).
    pub identity_validation_expression: String,
    /// REST: the result TTL in seconds.
    pub ttl_seconds: i32,
    /// HTTP: `https://cognito-idp.REGION.amazonaws.com/POOL_ID`.
    pub issuer: String,
    /// HTTP: the app client IDs admitted.
    pub audience: Vec<String>,
}

/// Which kind of code a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[derive(TS)]
pub enum TemplateFormat {
    CloudformationYaml,
    CloudformationJson,
    SamYaml,
    SamJson,
    Terraform,
}

impl TemplateFormat {
    pub fn label(self) -> &'static str {
        match self {
            TemplateFormat::CloudformationYaml => "CloudFormation (YAML)",
            TemplateFormat::CloudformationJson => "CloudFormation (JSON)",
            TemplateFormat::SamYaml => "SAM (YAML)",
            TemplateFormat::SamJson => "SAM (JSON)",
            TemplateFormat::Terraform => "Terraform",
        }
    }
}

/// A patched template: the whole new text, its unified diff against the old, and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Patched {
    pub format: TemplateFormat,
    pub text: String,
    /// `--- a/NAME` / `+++ b/NAME` unified diff, three lines of context.
    pub diff: String,
    /// Methods whose code was changed ("GET /pets").
    pub changed: Vec<String>,
    /// Methods the code already protects this way: left as they are.
    pub already: Vec<String>,
    /// What the user must know: how the change goes live (redeployment), what was added.
    pub notes: Vec<String>,
}

/// An API as it is in AWS, for `gatehouse export`.
#[derive(Debug, Clone)]
pub struct ExportInput {
    pub api: Api,
    pub region: String,
    /// Every method (REST) or route (HTTP) with its protection, as the editor or a stage holds it.
    pub methods: Vec<Method>,
    pub authorizers: Vec<Authorizer>,
    /// The stage exported, when one was named (its name goes into the code's deployment).
    pub stage: Option<String>,
}

/// A CloudFormation logical id (alphanumeric, starting with a letter) made from a name:
/// "pets pool" + "Authorizer" → "PetsPoolAuthorizer".
pub fn logical_id(name: &str, suffix: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.extend(chars);
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "Gatehouse");
    }
    out.push_str(suffix);
    out
}

/// A Terraform name (letters, digits, underscores, not starting with a digit) from a name:
/// "PetsPool" → "pets_pool", "GET /pets/{id}" → "get_pets_id".
pub fn terraform_name(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("gatehouse_{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_for_code() {
        assert_eq!(logical_id("pets pool", "Authorizer"), "PetsPoolAuthorizer");
        assert_eq!(logical_id("PetsPool", "Authorizer"), "PetsPoolAuthorizer");
        assert_eq!(logical_id("1st", ""), "Gatehouse1st");
        assert_eq!(terraform_name("PetsPool"), "pets_pool");
        assert_eq!(terraform_name("GET /pets/{id}"), "get_pets_id");
        assert_eq!(terraform_name("9lives"), "gatehouse_9lives");
    }
}
