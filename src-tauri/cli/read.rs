//! The read-only commands: `pools` and `audit`.

use super::common::{context, Common, EXIT_OK, EXIT_OPEN};
use super::out::clean;
use super::shapes::{methods_json, stage_json};
use super::sweep::{AuditArgs, Format};
use crate::core::{ApiReview, Core, Ctx};
use crate::domain::audit;
use crate::domain::live::{self, Difference, StageView};
use crate::domain::model::Api;
use crate::error::Error;
use crate::error::Result;
use serde_json::json;

pub(super) async fn pools(core: &Core, common: &Common, json: bool) -> Result<i32> {
    let ctx = context(core, common).await?;
    let pools = core.pools(&ctx, &ctx.region).await?;
    let mut out = Vec::new();
    for pool in &pools {
        let clients = core.clients(&ctx, &ctx.region, &pool.id).await?;
        // The ARN costs a DescribeUserPool per pool; only the JSON shows it.
        let arn = match json {
            true => Some(core.pool_arn(&ctx, &ctx.region, &pool.id).await?),
            false => None,
        };
        out.push((pool, arn, clients));
    }
    if json {
        let pools: Vec<_> = out
            .iter()
            .map(|(p, arn, clients)| {
                json!({"id": p.id, "name": p.name, "arn": arn,
                       "clients": clients.iter().map(|c| json!({"id": c.id, "name": c.name})).collect::<Vec<_>>()})
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"region": ctx.region, "pools": pools}))?
        );
    } else if out.is_empty() {
        outln!("No user pools in {}.", ctx.region);
    } else {
        for (p, _, clients) in &out {
            outln!("{}  {}", clean(&p.id), clean(&p.name));
            for c in clients {
                outln!("    client {}  {}", clean(&c.id), clean(&c.name));
            }
        }
    }
    Ok(EXIT_OK)
}

pub(super) async fn audit_cmd(core: &Core, args: &AuditArgs) -> Result<i32> {
    let common = &args.common;
    let ctx = context(core, common).await?;
    let apis = match args.api.as_deref() {
        Some(name) => vec![core.find_api(&ctx, name).await?],
        // WebSocket APIs have no methods to protect: the audit leaves them out.
        None => core
            .apis(&ctx)
            .await?
            .into_iter()
            .filter(|a| a.kind != crate::domain::model::ApiKind::Websocket)
            .collect(),
    };
    let mut reports = Vec::new();
    for api in apis {
        let review = core.review(&ctx, &api.id).await?;
        let shown = match &args.stage {
            Some(name) => Some(served_by(&api, &review, name)?),
            None => None,
        };
        reports.push((api, review, shown));
    }
    if args.format() == Format::Json {
        let apis: Vec<_> = reports
            .iter()
            .map(|(api, r, shown)| {
                let shown = shown.map(|i| &r.stages[i]);
                let methods = methods_json(shown.map_or(&r.methods, |s| &s.methods), args.show, &args.path);
                json!({"id": api.id, "name": api.name, "kind": api.kind, "managedBy": api.managed_by,
                       "stage": shown.map(|s| &s.name), "methods": methods, "summary": shown.map_or(r.summary, |s| s.summary),
                       "stages": r.stages.iter().map(|s| stage_json(s, args.show, &args.path)).collect::<Vec<_>>(),
                       "live": r.live_lines, "stagesError": r.stages_error, "browser": r.browser})
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"region": ctx.region, "apis": apis}))?
        );
    } else {
        print_audit_table(&ctx, &reports, args);
    }
    let any_open = reports.iter().any(|(_, r, _)| r.any_open());
    Ok(if args.fail_on_open && any_open {
        EXIT_OPEN
    } else {
        EXIT_OK
    })
}

/// The stage `--stage` names, or a clear refusal naming the stages there are.
fn served_by(api: &Api, review: &ApiReview, name: &str) -> Result<usize> {
    review
        .stages
        .iter()
        .position(|s| s.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = review.stages.iter().map(|s| s.name.as_str()).collect();
            Error::invalid(
                "stage",
                match names.is_empty() {
                    true => format!("{} has no stage: nothing is deployed", api.name),
                    false => format!(
                        "{} has no stage named '{name}' (its stages: {})",
                        api.name,
                        names.join(", ")
                    ),
                },
            )
        })
}

/// An API, its review, and the stage `--stage` shows (an index of the review's stages).
type Report = (Api, ApiReview, Option<usize>);

fn print_audit_table(ctx: &Ctx, reports: &[Report], args: &AuditArgs) {
    if reports.is_empty() {
        outln!("No REST or HTTP APIs in {}.", ctx.region);
    }
    for (api, r, shown) in reports {
        let shown = shown.map(|i| &r.stages[i]);
        let summary = shown.map_or(r.summary, |s| s.summary);
        match shown {
            Some(s) => outln!(
                "{} ({})  as {} serves it: {}",
                clean(&api.name),
                clean(&api.id),
                clean(&s.label),
                summary.line()
            ),
            None => outln!(
                "{} ({})  {}",
                clean(&api.name),
                clean(&api.id),
                summary.line()
            ),
        }
        // What the internet sees first: the stages that serve something else than the editor.
        for line in &r.live_lines {
            outln!("  ! {}", clean(line));
        }
        if let Some(e) = &r.stages_error {
            outln!(
                "  ! What the stages serve could not be read: {}",
                clean(&e.message)
            );
        }
        for issue in &r.browser {
            outln!("  ! Browsers: {} {}", clean(&issue.text), clean(&issue.fix));
        }
        let methods = shown.map_or(&r.methods, |s| &s.methods);
        let rows: Vec<_> = audit::filter(methods, args.show, &args.path)
            .into_iter()
            .map(|v| (v, clean(&v.method.path)))
            .collect();
        let width = rows
            .iter()
            .map(|(_, path)| path.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        outln!(
            "  {:<width$}  {:<8}  {:<3}  PROTECTION",
            "PATH",
            "VERB",
            "KEY"
        );
        for (v, path) in rows {
            let mut protection = clean(&v.label);
            if let Some(note) = v.note.as_ref().filter(|_| v.method.is_open()) {
                protection.push_str(&format!(" ({note})"));
            }
            // Where a stage (or the editor, under --stage) holds it otherwise.
            for (stage, d) in differing(r, shown, &v.method.key()) {
                protection.push_str(&format!(" [{}: {}]", clean(&stage), clean(&d)));
            }
            let key = if v.method.api_key_required { "yes" } else { "" };
            outln!(
                "  {:<width$}  {:<8}  {:<3}  {}",
                path,
                clean(&v.method.verb),
                key,
                protection
            );
        }
        outln!();
    }
}

/// For one method of the table: every stage (or canary) that serves it otherwise, with what it
/// serves; under `--stage`, what the editor holds instead.
fn differing(r: &ApiReview, shown: Option<&StageView>, key: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(s) = shown {
        for d in s.differences.iter().filter(|d| d.key == key) {
            out.push((
                "editor".into(),
                d.editor.clone().unwrap_or("not in the editor".into()),
            ));
        }
        return out;
    }
    for s in &r.stages {
        let served = |d: &Difference| d.served.clone().unwrap_or("not deployed".into());
        for d in s.differences.iter().filter(|d| d.key == key) {
            out.push((s.name.clone(), served(d)));
        }
        if let Some(c) = &s.canary {
            for d in c.differences.iter().filter(|d| d.key == key) {
                out.push((
                    format!("{} canary {}%", s.name, live::percent(c.percent)),
                    served(d),
                ));
            }
        }
    }
    out
}
