//! Pure planning: a selection of methods and a target protection become the patch operations to
//! send, with unchanged methods left out and warnings raised before anything is sent. Also the
//! validation of the authorizer dialog's input. No SDK, no I/O.

use crate::domain::model::AuthType;
use crate::domain::model::{Authorizer, Method};
pub use crate::domain::model::{AuthorizerInput, MethodState};
pub use crate::domain::validate::{
    authorizer_defaults, check_regex, clients_matching, matches_authorizer, regex_for_clients,
    validate_authorizer, DEFAULT_IDENTITY_SOURCE, DEFAULT_JWT_IDENTITY_SOURCE, DEFAULT_TTL,
    MAX_TTL,
};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use ts_rs::TS;

/// What the user asked for the checked methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[derive(TS)]
pub enum Target {
    /// Protect with a Cognito authorizer of the API, optionally requiring OAuth scopes.
    Protect {
        authorizer_id: String,
        scopes: Vec<String>,
    },
    /// Back to NONE.
    Unprotect,
}

/// One method of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct PlanItem {
    pub resource_id: String,
    pub path: String,
    pub verb: String,
    /// How the method is named: "GET /pets", "$default" (`model::method_key`).
    #[serde(default)]
    pub key: String,
    pub before: MethodState,
    pub after: MethodState,
    /// Whether the method changes (else it is already as planned, and not sent).
    pub changes: bool,
    /// `before` in words, as the badge reads it ("Open", "Cognito · PetsPool").
    #[serde(default)]
    pub before_text: String,
    /// `after` in words, or "unchanged" when nothing is sent.
    #[serde(default)]
    pub after_text: String,
}

impl PlanItem {
    pub fn key(&self) -> String {
        crate::domain::model::method_key(&self.verb, &self.path)
    }

    pub fn unchanged(&self) -> bool {
        !self.changes
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[derive(TS)]
pub enum Warning {
    /// An authorizer with an app client ID regex accepts only ID tokens; scopes need access
    /// tokens: no token can pass.
    ScopesWithClientIdRegex { authorizer: String },
    /// OPTIONS is the CORS preflight: browsers send no token on it.
    OptionsSelected { methods: Vec<String> },
    /// The API belongs to a CloudFormation stack, whose next update undoes the change.
    StackManaged { api: String, stack: String },
    /// The deploy asked for also takes live changes Gatehouse did not make (someone else's
    /// edits in the editor): "POST /purchase: IAM → Open", each.
    DeployTakesOthers { stage: String, changes: Vec<String> },
}

impl Warning {
    pub fn message(&self) -> String {
        match self {
            Warning::ScopesWithClientIdRegex { authorizer } => format!(
                "Authorizer {authorizer} has an app client ID regex, so it accepts only ID tokens, \
                 while OAuth scopes need access tokens: no token will pass."
            ),
            Warning::OptionsSelected { methods } => format!(
                "{} is the CORS preflight: browsers send no token on it, so protecting it breaks \
                 CORS for browser clients.",
                methods.join(", ")
            ),
            Warning::StackManaged { api, stack } => {
                crate::domain::ownership::stack_warning(api, stack)
            }
            Warning::DeployTakesOthers { stage, changes } => format!(
                "A deploy to {stage} also takes live changes Gatehouse did not make: {}. Look at \
                 them before they reach the internet.",
                changes.join("; ")
            ),
        }
    }
}

/// Adds the warning a change to a stack-owned API needs (before the others: it concerns every
/// method of the plan).
pub fn warn_if_stack_owned(plan: &mut Plan, api: &crate::domain::model::Api) {
    if let Some(stack) = api.managed_by.as_ref().and_then(|m| m.stack.as_ref()) {
        plan.warnings.insert(
            0,
            Warning::StackManaged {
                api: api.name.clone(),
                stack: stack.clone(),
            },
        );
        plan.warning_messages = plan.warnings.iter().map(Warning::message).collect();
    }
}

/// A method an undo leaves alone, and why: someone changed it since the apply, or it is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SkippedItem {
    pub path: String,
    pub verb: String,
    /// How the method is named: "GET /pets", "$default" (`model::method_key`).
    #[serde(default)]
    pub key: String,
    /// What AWS holds now; None when the method no longer exists.
    pub found: Option<MethodState>,
    /// The state the undo would have restored.
    pub restore: MethodState,
    /// "changed since the apply: now AWS_IAM", "no longer exists".
    pub reason: String,
    /// `found` in words ("IAM"), or "gone".
    #[serde(default)]
    pub found_text: String,
    #[serde(default)]
    pub restore_text: String,
}

impl SkippedItem {
    pub fn key(&self) -> String {
        crate::domain::model::method_key(&self.verb, &self.path)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Plan {
    pub items: Vec<PlanItem>,
    /// Methods an undo leaves alone (empty for protect and unprotect).
    #[serde(default)]
    pub skipped: Vec<SkippedItem>,
    pub warnings: Vec<Warning>,
    /// What the methods become, in words: "Cognito · PetsPool [pets/read]", "Open".
    pub description: String,
    /// The warnings as the user reads them, in order.
    #[serde(default)]
    pub warning_messages: Vec<String>,
    /// How many methods are sent.
    #[serde(default)]
    pub change_count: usize,
    /// "3 methods will change, 1 already as planned (not sent)."
    #[serde(default)]
    pub summary: String,
    /// For an undo that leaves methods alone: how many and why, in one sentence.
    #[serde(default)]
    pub skipped_summary: Option<String>,
    /// The preview's button: "Apply to 3 methods", "Undo 1 method", "Nothing to apply".
    #[serde(default)]
    pub apply_label: String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Plan {
    /// Fills in every text the preview shows, naming authorizers from `authorizers`.
    pub fn describe(&mut self, authorizers: &[Authorizer], undo: bool) {
        let text = |s: &MethodState| crate::domain::audit::describe_state(s, authorizers);
        for i in &mut self.items {
            i.before_text = text(&i.before);
            i.after_text = if i.changes {
                text(&i.after)
            } else {
                "unchanged".to_string()
            };
        }
        for k in &mut self.skipped {
            k.found_text = k.found.as_ref().map(text).unwrap_or_else(|| "gone".into());
            k.restore_text = text(&k.restore);
        }
        self.warning_messages = self.warnings.iter().map(Warning::message).collect();
        self.change_count = self.changes().count();
        let same = self.items.len() - self.change_count;
        self.summary = if undo {
            format!(
                "{} will be restored, {same} already as before (not sent).",
                plural(self.change_count, "method", "methods")
            )
        } else {
            format!(
                "{} will change, {same} already as planned (not sent).",
                plural(self.change_count, "method", "methods")
            )
        };
        self.apply_label = match (self.change_count, undo) {
            (0, true) => "Nothing to restore".to_string(),
            (0, false) => "Nothing to apply".to_string(),
            (n, true) => format!("Undo {}", plural(n, "method", "methods")),
            (n, false) => format!("Apply to {}", plural(n, "method", "methods")),
        };
        let changed = self.skipped.iter().filter(|k| k.found.is_some()).count();
        let gone = self.skipped.len() - changed;
        let mut parts = Vec::new();
        if changed > 0 {
            parts.push(format!(
                "{} changed by someone else since the apply",
                plural(changed, "method was", "methods were")
            ));
        }
        if gone > 0 {
            parts.push(format!(
                "{} no longer exist{}",
                gone,
                if gone == 1 { "s" } else { "" }
            ));
        }
        self.skipped_summary = (!parts.is_empty()).then(|| {
            format!(
                "{}: Undo leaves {} alone.",
                parts.join(" and "),
                if self.skipped.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            )
        });
    }

    pub fn changes(&self) -> impl Iterator<Item = &PlanItem> {
        self.items.iter().filter(|i| !i.unchanged())
    }

    pub fn change_count(&self) -> usize {
        self.changes().count()
    }

    /// The method keys this plan sends.
    pub fn keys(&self) -> Vec<String> {
        self.items.iter().map(PlanItem::key).collect()
    }
}

/// Every key ("VERB /path") must name a method of the API, and there must be at least one.
pub fn check_keys(methods: &[Method], keys: &[String]) -> Result<()> {
    let known: std::collections::HashSet<String> = methods.iter().map(Method::key).collect();
    let unknown: Vec<&str> = keys
        .iter()
        .filter(|k| !known.contains(&normalize_key(k)))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(Error::invalid(
            "methods",
            format!("No such method in this API: {}", unknown.join(", ")),
        ));
    }
    if keys.is_empty() {
        return Err(Error::invalid("methods", "No method is selected"));
    }
    Ok(())
}

/// Plans `target` for the methods named by `keys` ("VERB /path"). Unknown keys are an error and
/// nothing is planned; so is a Protect naming an authorizer that is not a Cognito authorizer of
/// the API.
pub fn plan(
    methods: &[Method],
    authorizers: &[Authorizer],
    keys: &[String],
    target: &Target,
) -> Result<Plan> {
    check_keys(methods, keys)?;
    let by_key: HashMap<String, &Method> = methods.iter().map(|m| (m.key(), m)).collect();
    let mut warnings = Vec::new();
    let after = match target {
        Target::Protect {
            authorizer_id,
            scopes,
        } => {
            let authorizer = authorizers
                .iter()
                .find(|a| &a.id == authorizer_id)
                .ok_or_else(|| {
                    Error::invalid(
                        "authorizer",
                        format!("The API has no authorizer with id {authorizer_id}"),
                    )
                })?;
            // Cognito user pool authorizers protect REST methods; JWT authorizers HTTP routes.
            let authorization_type = match authorizer.kind.as_str() {
                "COGNITO_USER_POOLS" => AuthType::CognitoUserPools,
                "JWT" => AuthType::Jwt,
                other => {
                    return Err(Error::invalid(
                        "authorizer",
                        format!(
                            "{} is a {other} authorizer, not a Cognito user pool or JWT authorizer",
                            authorizer.name
                        ),
                    ))
                }
            };
            if !scopes.is_empty() && authorizer.identity_validation_expression.is_some() {
                warnings.push(Warning::ScopesWithClientIdRegex {
                    authorizer: authorizer.name.clone(),
                });
            }
            MethodState {
                authorization_type,
                authorizer_id: Some(authorizer_id.clone()),
                scopes: dedup(scopes),
            }
        }
        Target::Unprotect => MethodState::open(),
    };
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for key in keys {
        let key = normalize_key(key);
        if !seen.insert(key.clone()) {
            continue;
        }
        let m = by_key[key.as_str()];
        let before = MethodState::of(m);
        items.push(PlanItem {
            resource_id: m.resource_id.clone(),
            path: m.path.clone(),
            verb: m.verb.clone(),
            key: m.key(),
            changes: !before.same_as(&after),
            before_text: String::new(),
            after_text: String::new(),
            before,
            after: after.clone(),
        });
    }
    let options: Vec<String> = items
        .iter()
        .filter(|i| i.verb.eq_ignore_ascii_case("OPTIONS") && !i.unchanged())
        .map(PlanItem::key)
        .collect();
    if matches!(target, Target::Protect { .. }) && !options.is_empty() {
        warnings.push(Warning::OptionsSelected { methods: options });
    }
    let description = match target {
        Target::Protect { .. } => crate::domain::audit::describe_state(&after, authorizers),
        Target::Unprotect => "Open".to_string(),
    };
    let mut plan = Plan {
        items,
        skipped: vec![],
        warnings,
        description,
        warning_messages: vec![],
        change_count: 0,
        summary: String::new(),
        skipped_summary: None,
        apply_label: String::new(),
    };
    plan.describe(authorizers, false);
    Ok(plan)
}

/// A state as AWS names it: "AWS_IAM", "COGNITO_USER_POOLS abc123 [pets/read]".
pub fn state_code(s: &MethodState) -> String {
    let mut text = s.authorization_type.to_string();
    if let Some(id) = &s.authorizer_id {
        if s.uses_authorizer() {
            text.push_str(&format!(" {id}"));
        }
    }
    if !s.scopes.is_empty() {
        text.push_str(&format!(" [{}]", s.scopes.join(" ")));
    }
    text
}

/// "get  /pets" → "GET /pets": verbs are upper case, one space.
pub fn normalize_key(key: &str) -> String {
    let mut parts = key.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(verb), Some(path)) => format!("{} {}", verb.to_uppercase(), path),
        _ => key.trim().to_string(),
    }
}

fn dedup(scopes: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    scopes
        .iter()
        .filter(|s| seen.insert(s.to_string()))
        .cloned()
        .collect()
}

/// "pets/read, pets/write pets/admin" → three scopes.
pub fn parse_scopes(text: &str) -> Vec<String> {
    dedup(
        &text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>(),
    )
}

/// "GET /pets,POST /purchase" → method keys.
pub fn parse_method_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(normalize_key)
        .filter(|k| !k.is_empty())
        .collect()
}
