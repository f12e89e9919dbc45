//! The preview of a deploy: every method whose protection changes on the stage (or its canary),
//! before → after, and which of those changes Gatehouse did not make. A deploy takes the whole
//! editor live, colleagues' changes included: those are named and must be acknowledged. A
//! promotion takes the canary's deployment to the whole stage instead: nothing of the editor.

use super::{Difference, StageView};
use crate::domain::model::{Method, MethodState};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A change Gatehouse made to a method, as its journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadeByGatehouse {
    /// When the apply started (ms since the epoch).
    pub at_ms: u64,
    pub key: String,
    /// The state the apply set.
    pub planned: MethodState,
}

/// Where a deploy goes on a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DeployTarget {
    /// The stage itself (its base deployment).
    Stage,
    /// The stage's canary: only its share of the traffic gets the new deployment.
    Canary,
    /// The canary's deployment promoted to the whole stage (its share then 0%), as the console's
    /// "Promote canary" does; the editor is not deployed.
    Promote,
}

/// One method whose protection the deploy changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeployChange {
    pub key: String,
    /// As the stage serves it now ("Open", "IAM", …; "not served").
    pub before: String,
    /// As it will serve it ("removed" when the editor no longer has it).
    pub after: String,
    /// The editor holds it as a Gatehouse apply (since the stage's deployment) set it; always
    /// true for a promotion, which takes nothing of the editor.
    pub by_gatehouse: bool,
    /// The deploy makes it open to anyone.
    pub opens: bool,
    /// "POST /purchase: IAM → Open", with "not made by Gatehouse: " first when so.
    pub text: String,
}

/// What a deploy to one stage would change, before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeployPreview {
    pub api_id: String,
    pub stage: String,
    pub target: DeployTarget,
    pub changes: Vec<DeployChange>,
    /// The keys of the changes Gatehouse did not make: a deploy needs them acknowledged.
    pub not_by_gatehouse: Vec<String>,
    /// The keys of the methods the deploy opens.
    pub opens: Vec<String>,
    /// "2 methods change on prod (1 not made by Gatehouse)"; "Nothing changes on prod".
    pub summary: String,
    /// Set when the deploy cannot go as asked (a stage with a canary, deployed to its base).
    pub refusal: Option<String>,
}

/// The preview of deploying the editor to `stage` (its canary with `DeployTarget::Canary`).
pub fn preview(
    api_id: &str,
    stage: &StageView,
    target: DeployTarget,
    editor: &[Method],
    made: &[MadeByGatehouse],
) -> DeployPreview {
    let changes: Vec<DeployChange> = match (&target, &stage.canary) {
        (DeployTarget::Canary, Some(c)) => c
            .differences
            .iter()
            .map(|d| change(d, editor, made, None))
            .collect(),
        // What the base serves against what the canary serves: the canary's side is "after".
        (DeployTarget::Promote, Some(c)) => super::differences(&c.methods, &stage.methods)
            .iter()
            .map(promoted)
            .collect(),
        (DeployTarget::Promote, None) => vec![],
        _ => {
            let since_ms = stage.deployed_at.as_deref().and_then(epoch_ms);
            stage
                .differences
                .iter()
                .map(|d| change(d, editor, made, since_ms))
                .collect()
        }
    };
    let refusal = match (&target, &stage.canary) {
        // A canary at 0% serves no one: the base may be deployed.
        (DeployTarget::Stage, Some(c)) if c.percent > 0.0 => Some(format!(
            "{} has a canary ({}% of the traffic on deployment {}): deploy to the canary, or \
             promote it first — a deploy to the base would leave the canary serving the old one",
            stage.name,
            super::percent(c.percent),
            c.deployment_id
        )),
        (DeployTarget::Canary, None) => Some(format!("{} has no canary", stage.name)),
        (DeployTarget::Promote, None) => Some(format!("{} has no canary to promote", stage.name)),
        _ => None,
    };
    let keys = |f: fn(&DeployChange) -> bool| -> Vec<String> {
        changes
            .iter()
            .filter(|c| f(c))
            .map(|c| c.key.clone())
            .collect()
    };
    let not_by_gatehouse = keys(|c| !c.by_gatehouse);
    let opens = keys(|c| c.opens);
    let place = match target {
        DeployTarget::Stage => stage.name.clone(),
        DeployTarget::Canary => format!("{}'s canary", stage.name),
        DeployTarget::Promote => format!("{} when its canary is promoted", stage.name),
    };
    let summary = match (changes.len(), target) {
        (0, DeployTarget::Promote) => {
            format!("Nothing changes on {place}: the canary serves what the base does")
        }
        (0, _) => format!("Nothing changes on {place}: it serves what the editor holds"),
        (n, _) => {
            let mut s = format!("{} change{} on {place}", n, if n == 1 { "" } else { "s" });
            if !not_by_gatehouse.is_empty() {
                s.push_str(&format!(
                    " ({} not made by Gatehouse)",
                    not_by_gatehouse.len()
                ));
            }
            if !opens.is_empty() {
                s.push_str(&format!(
                    " — it opens {} to anyone",
                    match opens.len() {
                        1 => "1 method".to_string(),
                        n => format!("{n} methods"),
                    }
                ));
            }
            s
        }
    };
    DeployPreview {
        api_id: api_id.to_string(),
        stage: stage.name.clone(),
        target,
        changes,
        not_by_gatehouse,
        opens,
        summary,
        refusal,
    }
}

fn change(
    d: &Difference,
    editor: &[Method],
    made: &[MadeByGatehouse],
    since_ms: Option<u64>,
) -> DeployChange {
    let now = editor
        .iter()
        .find(|m| m.key() == d.key)
        .map(MethodState::of);
    // The newest change Gatehouse made to the method since the stage's deployment: it counts
    // when the editor still holds what it set.
    let last = made
        .iter()
        .filter(|m| m.key == d.key && since_ms.is_none_or(|t| m.at_ms >= t))
        .max_by_key(|m| m.at_ms);
    let by_gatehouse = match (last, &now) {
        (Some(m), Some(now)) => m.planned.same_as(now),
        _ => false,
    };
    let before = d.served.clone().unwrap_or_else(|| "not served".into());
    let after = d.editor.clone().unwrap_or_else(|| "removed".into());
    let mut text = format!("{}: {before} → {after}", d.key);
    if !by_gatehouse {
        text = format!("not made by Gatehouse: {text}");
    }
    DeployChange {
        key: d.key.clone(),
        before,
        after,
        by_gatehouse,
        opens: d.opens_on_deploy,
        text,
    }
}

/// A method whose protection a promotion changes: from the base's to the canary's. The canary
/// already serves it, so nothing here is the editor's to acknowledge.
fn promoted(d: &Difference) -> DeployChange {
    let before = d.served.clone().unwrap_or_else(|| "not served".into());
    let after = d.editor.clone().unwrap_or_else(|| "removed".into());
    DeployChange {
        key: d.key.clone(),
        text: format!("{}: {before} → {after}", d.key),
        before,
        after,
        by_gatehouse: true,
        opens: d.opens_on_deploy,
    }
}

/// RFC 3339 → ms since the epoch.
fn epoch_ms(at: &str) -> Option<u64> {
    let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp()).ok().map(|s| s * 1000)
}
