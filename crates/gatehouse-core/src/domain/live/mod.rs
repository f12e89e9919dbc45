//! What each stage serves. API Gateway serves a stage's deployment, a snapshot taken when someone
//! deployed, not the methods being edited: this compares what a stage (and its canary) serves with
//! the editor, method by method, and says where the internet sees something else.

pub mod deploy;
pub mod export;
pub mod served;

pub use served::{Served, NOT_EXPORTED};

use crate::domain::audit::{self, MethodView, Summary};
use crate::domain::model::Authorizer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A stage as GetStages describes it: the deployment it serves, and its canary's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageInfo {
    pub name: String,
    pub deployment_id: Option<String>,
    /// An HTTP API stage that deploys every change by itself.
    pub auto_deploy: bool,
    /// An HTTP API stage's `lastDeploymentStatusMessage`: set when its last automatic deployment
    /// failed (the stage then serves the one before).
    pub status_message: Option<String>,
    pub canary: Option<CanaryInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryInfo {
    pub deployment_id: String,
    pub percent: f64,
}

/// One method whose served protection is not the editor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    /// "GET /pets", "$default".
    pub key: String,
    /// The protection in full as the stage serves it; None when the stage does not serve it.
    pub served: Option<String>,
    /// As the editor holds it; None when the method is no longer in the editor.
    pub editor: Option<String>,
    /// The stage serves it open while the editor protects it: a deploy closes it.
    pub open_on_stage: bool,
    /// The editor holds it open while the stage protects it: a deploy opens it.
    pub opens_on_deploy: bool,
    /// "editor: Cognito · PetsPool — not deployed".
    pub text: String,
}

/// What a stage's canary serves to its share of the traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CanaryView {
    pub percent: f64,
    pub deployment_id: String,
    pub methods: Vec<MethodView>,
    pub differences: Vec<Difference>,
    pub summary: Summary,
    /// The summary in words: "3 of 4 methods protected · 1 open (1 OPTIONS)".
    pub summary_line: String,
}

/// A stage as the review's "Served by" picker and `audit --json` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StageView {
    pub name: String,
    pub deployment_id: Option<String>,
    pub deployed_at: Option<String>,
    pub auto_deploy: bool,
    /// Set when an auto-deploy stage's last deployment failed: what AWS said.
    pub status_message: Option<String>,
    /// "prod · deployed 3 days ago by deployment abc123".
    pub label: String,
    pub methods: Vec<MethodView>,
    /// The authorizers the served methods name, as the deployment holds them.
    pub authorizers: Vec<Authorizer>,
    pub differences: Vec<Difference>,
    pub summary: Summary,
    /// The summary in words; "No deployment: it serves nothing" when it has none.
    pub summary_line: String,
    pub canary: Option<CanaryView>,
    /// What the review says first about this stage, when it serves something else than the
    /// editor: "prod serves 2 methods open that the editor protects — deploy to close them".
    pub line: Option<String>,
}

impl StageView {
    /// Every method key that differs on the stage or its canary.
    pub fn differs_from_editor(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.differences.iter().map(|d| d.key.clone()).collect();
        if let Some(c) = &self.canary {
            keys.extend(c.differences.iter().map(|d| d.key.clone()));
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// An open method other than OPTIONS on the stage or its canary: what `--fail-on-open` counts.
    pub fn serves_open(&self) -> bool {
        self.summary.open_except_options() > 0
            || self
                .canary
                .as_ref()
                .is_some_and(|c| c.summary.open_except_options() > 0)
    }
}

/// The served view of one deployment, with how it differs from the editor.
pub fn view(served: &Served, editor: &[MethodView]) -> (Vec<MethodView>, Vec<Difference>, Summary) {
    let methods = audit::review(&served.methods, &served.authorizers);
    let differences = differences(editor, &methods);
    (methods, differences, audit::summarize(&served.methods))
}

/// A stage's view from what it serves (None: no deployment, or it could not be read).
pub fn stage_view(
    stage: &StageInfo,
    served: Option<&Served>,
    canary: Option<&Served>,
    editor: &[MethodView],
    now_ms: u64,
) -> StageView {
    let (methods, differences, summary) = match served {
        Some(s) => view(s, editor),
        None => (
            vec![],
            editor.iter().map(not_served).collect(),
            Summary::default(),
        ),
    };
    let canary = match (&stage.canary, canary) {
        (Some(info), Some(s)) => {
            let (methods, differences, summary) = view(s, editor);
            Some(CanaryView {
                percent: info.percent,
                deployment_id: info.deployment_id.clone(),
                methods,
                differences,
                summary_line: summary.line(),
                summary,
            })
        }
        _ => None,
    };
    let deployed_at = served.and_then(|s| s.created_at.clone());
    let mut view = StageView {
        name: stage.name.clone(),
        deployment_id: stage.deployment_id.clone(),
        label: label(stage, deployed_at.as_deref(), now_ms),
        deployed_at,
        auto_deploy: stage.auto_deploy,
        status_message: stage.status_message.clone(),
        methods,
        authorizers: served.map(|s| s.authorizers.clone()).unwrap_or_default(),
        differences,
        summary_line: match served {
            Some(_) => summary.line(),
            None => "No deployment: it serves nothing".into(),
        },
        summary,
        canary,
        line: None,
    };
    view.line = line(&view);
    view
}

fn not_served(e: &MethodView) -> Difference {
    Difference {
        key: e.method.key(),
        served: None,
        editor: Some(e.label.clone()),
        open_on_stage: false,
        opens_on_deploy: e.method.is_open() && !e.is_options,
        text: format!("editor: {} — not deployed to this stage", e.label),
    }
}

/// Method by method: what the stage serves against what the editor holds.
pub fn differences(editor: &[MethodView], served: &[MethodView]) -> Vec<Difference> {
    let editor_by: BTreeMap<String, &MethodView> =
        editor.iter().map(|v| (v.method.key(), v)).collect();
    let served_by: BTreeMap<String, &MethodView> =
        served.iter().map(|v| (v.method.key(), v)).collect();
    let mut keys: Vec<&String> = editor_by.keys().chain(served_by.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        match (served_by.get(key), editor_by.get(key)) {
            (Some(s), Some(e)) if same(s, e) => {}
            (Some(s), Some(e)) => out.push(Difference {
                key: key.clone(),
                served: Some(full(s)),
                editor: Some(full(e)),
                open_on_stage: s.method.is_open() && !e.method.is_open() && !s.is_options,
                opens_on_deploy: e.method.is_open() && !s.method.is_open() && !e.is_options,
                text: format!("editor: {} — not deployed", full(e)),
            }),
            (None, Some(e)) => out.push(not_served(e)),
            (Some(s), None) => out.push(Difference {
                key: key.clone(),
                served: Some(full(s)),
                editor: None,
                open_on_stage: false,
                opens_on_deploy: false,
                text: "removed from the editor — still served until a deploy".into(),
            }),
            (None, None) => {}
        }
    }
    out
}

/// Equal as a caller meets it: the same protection (authorizer and scopes) and API key. Where
/// either side's authorizer is known by its type only (a canary), the type decides.
fn same(served: &MethodView, editor: &MethodView) -> bool {
    let known = [served, editor]
        .iter()
        .all(|v| v.authorizer_name.as_deref() != Some(NOT_EXPORTED));
    let protection = match known {
        true => served.label == editor.label,
        false => served.method.authorization_type == editor.method.authorization_type,
    };
    protection && served.method.api_key_required == editor.method.api_key_required
}

/// The protection in full, with the API key when one is required.
fn full(v: &MethodView) -> String {
    match v.method.api_key_required {
        true => format!("{} + API key", v.label),
        false => v.label.clone(),
    }
}

/// "prod · deployed 3 days ago by deployment abc123"; "prod · auto-deploy · …"; "prod · not
/// deployed".
fn label(stage: &StageInfo, deployed_at: Option<&str>, now_ms: u64) -> String {
    let mut parts = vec![stage.name.clone()];
    if stage.auto_deploy {
        parts.push("auto-deploy".into());
    }
    match &stage.deployment_id {
        None => parts.push("not deployed".into()),
        Some(id) => match deployed_at.and_then(|at| ago(at, now_ms)) {
            Some(ago) => parts.push(format!("deployed {ago} by deployment {id}")),
            None => parts.push(format!("deployment {id}")),
        },
    }
    if let Some(c) = &stage.canary {
        parts.push(format!("canary {}%", percent(c.percent)));
    }
    if stage.status_message.is_some() {
        parts.push("last deployment failed".into());
    }
    parts.join(" · ")
}

/// 10 → "10", 12.5 → "12.5".
pub fn percent(p: f64) -> String {
    let text = format!("{p:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_string()
}

/// "just now", "5 minutes ago", "3 hours ago", "3 days ago" from an RFC 3339 time.
pub fn ago(at: &str, now_ms: u64) -> Option<String> {
    let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
    let secs = (now_ms / 1000) as i64 - t.unix_timestamp();
    let plural = |n: i64, unit: &str| match n {
        1 => format!("1 {unit} ago"),
        n => format!("{n} {unit}s ago"),
    };
    Some(match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => plural(s / 60, "minute"),
        s if s < 86_400 => plural(s / 3600, "hour"),
        s => plural(s / 86_400, "day"),
    })
}

fn methods_noun(n: usize) -> String {
    match n {
        1 => "1 method".into(),
        n => format!("{n} methods"),
    }
}

/// What the review and the audit say first about a stage that serves something else than the
/// editor: exposure first, then what a deploy would open, then how many differ at all.
pub fn line(stage: &StageView) -> Option<String> {
    let mut parts = Vec::new();
    let mut say = |who: String, diffs: &[Difference]| {
        let open = diffs.iter().filter(|d| d.open_on_stage).count();
        let opens = diffs.iter().filter(|d| d.opens_on_deploy).count();
        if open > 0 {
            parts.push(format!(
                "{who} serves {} open that the editor protects — deploy to close them",
                methods_noun(open)
            ));
        }
        if opens > 0 {
            parts.push(format!(
                "a deploy to {} would open {}",
                stage.name,
                methods_noun(opens)
            ));
        }
        if open == 0 && opens == 0 && !diffs.is_empty() {
            parts.push(format!(
                "{who} serves {} other than the editor holds",
                methods_noun(diffs.len())
            ));
        }
    };
    say(stage.name.clone(), &stage.differences);
    if let Some(c) = &stage.canary {
        say(
            format!("{} canary ({}%)", stage.name, percent(c.percent)),
            &c.differences,
        );
    }
    if let Some(msg) = &stage.status_message {
        parts.push(format!(
            "{}'s last automatic deployment failed ({msg}): it serves the one before",
            stage.name
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// What the API list says of a reviewed API: the editor's open methods (OPTIONS aside), or the
/// stage (or canary) that serves the most open when it serves more than the editor holds —
/// what the internet reaches comes first. `exposed` is true in that case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListCount {
    /// "all protected", "2 open", "prod serves 3 open", "prod canary serves 1 open".
    pub text: String,
    pub exposed: bool,
}

impl ListCount {
    pub fn of(editor: &Summary, stages: &[StageView]) -> ListCount {
        let served = stages.iter().flat_map(|s| {
            let base = (s.name.clone(), s.summary.open_except_options());
            let canary = s.canary.as_ref().map(|c| {
                (
                    format!("{} canary", s.name),
                    c.summary.open_except_options(),
                )
            });
            std::iter::once(base).chain(canary)
        });
        // The first of the worst, in the stages' order.
        let worst = served.fold(None::<(String, usize)>, |w, (name, n)| match w {
            Some((_, m)) if m >= n => w,
            _ => Some((name, n)),
        });
        let editor = editor.open_except_options();
        match worst {
            Some((name, n)) if n > editor => ListCount {
                text: format!("{name} serves {n} open"),
                exposed: true,
            },
            _ => ListCount {
                text: match editor {
                    0 => "all protected".into(),
                    n => format!("{n} open"),
                },
                exposed: false,
            },
        }
    }
}
