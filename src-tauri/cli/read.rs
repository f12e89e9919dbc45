//! The read-only commands: `pools` and `audit`.

use super::common::{context, Common, EXIT_OK, EXIT_OPEN};
use super::out::clean;
use crate::core::{Core, Ctx};
use crate::domain::audit::{self, MethodView, Show};
use crate::domain::model::Protection;
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

pub(super) async fn audit_cmd(
    core: &Core,
    common: &Common,
    api: Option<&str>,
    json: bool,
    fail_on_open: bool,
    show: Show,
    path: &str,
) -> Result<i32> {
    let ctx = context(core, common).await?;
    let apis = match api {
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
        reports.push((api, review));
    }
    if json {
        let apis: Vec<_> = reports
            .iter()
            .map(|(api, r)| {
                let methods: Vec<_> = audit::filter(&r.methods, show, path)
                    .into_iter()
                    .map(method_json)
                    .collect();
                json!({"id": api.id, "name": api.name, "kind": api.kind, "managedBy": api.managed_by, "methods": methods, "summary": r.summary})
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"region": ctx.region, "apis": apis}))?
        );
    } else {
        print_audit_table(&ctx, &reports, show, path);
    }
    let any_open = reports
        .iter()
        .any(|(_, r)| r.summary.open_except_options() > 0);
    Ok(if fail_on_open && any_open {
        EXIT_OPEN
    } else {
        EXIT_OK
    })
}

pub(super) fn method_json(v: &MethodView) -> serde_json::Value {
    let scopes = match &v.protection {
        Protection::Cognito { scopes, .. } | Protection::Jwt { scopes, .. } => scopes.clone(),
        _ => Vec::new(),
    };
    let mut m = json!({
        "path": v.method.path,
        "verb": v.method.verb,
        "authorizationType": v.method.authorization_type,
        "authorizerId": v.method.authorizer_id,
        "authorizerName": v.authorizer_name,
        "scopes": scopes,
        "apiKeyRequired": v.method.api_key_required,
        "open": v.method.is_open(),
    });
    if let Some(key) = &v.method.route_key {
        m["routeKey"] = json!(key);
    }
    m
}

fn print_audit_table(
    ctx: &Ctx,
    reports: &[(crate::domain::model::Api, crate::core::ApiReview)],
    show: Show,
    path: &str,
) {
    if reports.is_empty() {
        outln!("No REST or HTTP APIs in {}.", ctx.region);
    }
    for (api, r) in reports {
        outln!(
            "{} ({})  {}",
            clean(&api.name),
            clean(&api.id),
            r.summary.line()
        );
        let rows: Vec<_> = audit::filter(&r.methods, show, path)
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
