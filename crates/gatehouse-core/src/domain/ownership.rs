//! Pure: who manages an API, read from its tags. A CloudFormation stack (SAM and CDK deploy
//! through one) undoes on its next update any change made outside it, so Gatehouse warns before
//! protecting or unprotecting such an API; a Terraform tag is shown without a warning.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// The tag CloudFormation puts on every resource of a stack.
pub const STACK_TAG: &str = "aws:cloudformation:stack-name";

/// Tags that, by convention, name the tool that manages a resource.
const TOOL_TAGS: &[&str] = &[
    "managed-by",
    "managed_by",
    "ManagedBy",
    "Managed-By",
    "managedBy",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct ManagedBy {
    /// The CloudFormation stack that owns the API: changes made outside it do not last.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stack: Option<String>,
    /// Another tool named by a conventional tag ("terraform"): shown, no warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tool: Option<String>,
    /// As the review header and the sweep show it: "CloudFormation stack pets-prod",
    /// "Terraform (tag managed-by = terraform)".
    pub text: String,
}

/// Who manages a resource with these tags, if any tag says so.
pub fn managed_by(tags: &HashMap<String, String>) -> Option<ManagedBy> {
    if let Some(stack) = tags.get(STACK_TAG).filter(|s| !s.trim().is_empty()) {
        return Some(ManagedBy {
            stack: Some(stack.clone()),
            tool: None,
            text: format!("CloudFormation stack {stack}"),
        });
    }
    let tool_tag = TOOL_TAGS
        .iter()
        .find_map(|k| tags.get(*k).map(|v| (*k, v.trim())))
        .filter(|(_, v)| !v.is_empty());
    if let Some((key, value)) = tool_tag {
        return Some(ManagedBy {
            stack: None,
            tool: Some(value.to_lowercase()),
            text: format!("{} (tag {key} = {value})", tool_name(value)),
        });
    }
    // A bare `terraform` tag (any value) is the other common convention.
    let terraform = tags
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("terraform"));
    terraform.map(|(key, value)| ManagedBy {
        stack: None,
        tool: Some("terraform".to_string()),
        text: format!("Terraform (tag {key} = {value})"),
    })
}

/// A tool's name as people write it: "terraform" → "Terraform", "pulumi" → "Pulumi".
fn tool_name(value: &str) -> String {
    let mut chars = value.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The warning a change to a stack-owned API needs, in the user's words.
pub fn stack_warning(api_name: &str, stack: &str) -> String {
    format!(
        "{api_name} is managed by CloudFormation stack {stack}: the next stack update will undo \
         this change — change the template instead."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_stack_tag_names_the_stack() {
        let m = managed_by(&tags(&[(STACK_TAG, "pets-prod"), ("team", "pets")])).unwrap();
        assert_eq!(m.stack.as_deref(), Some("pets-prod"));
        assert_eq!(m.text, "CloudFormation stack pets-prod");
        assert_eq!(
            stack_warning("SecurePets", "pets-prod"),
            "SecurePets is managed by CloudFormation stack pets-prod: the next stack update will \
             undo this change — change the template instead."
        );
    }

    #[test]
    fn the_stack_wins_over_a_tool_tag() {
        let m = managed_by(&tags(&[("managed-by", "terraform"), (STACK_TAG, "s")])).unwrap();
        assert_eq!(m.stack.as_deref(), Some("s"));
    }

    #[test]
    fn terraform_tags_are_shown_without_a_stack() {
        let m = managed_by(&tags(&[("managed-by", "terraform")])).unwrap();
        assert_eq!((m.stack, m.tool.as_deref()), (None, Some("terraform")));
        assert_eq!(m.text, "Terraform (tag managed-by = terraform)");
        let m = managed_by(&tags(&[("Terraform", "true")])).unwrap();
        assert_eq!(m.tool.as_deref(), Some("terraform"));
        assert_eq!(m.text, "Terraform (tag Terraform = true)");
    }

    #[test]
    fn no_such_tag_is_no_owner() {
        assert_eq!(managed_by(&tags(&[("team", "pets")])), None);
        assert_eq!(managed_by(&tags(&[(STACK_TAG, " ")])), None);
    }
}
