//! `gatehouse audit` across profiles and regions: the sweep, printed as a table, JSON, SARIF 2.1.0
//! or CSV, with the exit status CI reads.

use super::common::{mfa, resolve_profile, Common, EXIT_ERROR, EXIT_OK, EXIT_OPEN};
use super::out::clean;
use crate::core::Core;
use crate::domain::audit::{self, Show};
use crate::domain::model::ProfileSource;
use crate::domain::sweep::{
    profile_name as display, SweepEvent, SweepReport, SweepRequest, DEFAULT_REGIONS,
};
use crate::domain::sweep_formats;
use crate::error::{Error, Result};
use clap::Args;
use serde_json::json;
use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Csv,
}

/// `gatehouse audit`: one region's APIs (the review), or with --profiles, --regions,
/// --all-regions, --format sarif or csv, the sweep.
#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(flatten)]
    pub common: Common,
    /// API name or id; every API of the region when omitted.
    #[arg(long, conflicts_with_all = ["profiles", "regions", "all_regions"])]
    pub api: Option<String>,
    /// Same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// table (default), json, sarif (SARIF 2.1.0, for code scanning) or csv.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Sweep these profiles (names, comma-separated), or `all` (every profile but the
    /// environment's credentials).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub profiles: Vec<String>,
    /// Sweep these regions, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "REGIONS",
        conflicts_with = "all_regions"
    )]
    pub regions: Vec<String>,
    /// Sweep the 17 commercial regions every account has enabled.
    #[arg(long)]
    pub all_regions: bool,
    /// Exit with status 3 when a method other than OPTIONS is open: in the editor, or as any
    /// stage or canary serves it.
    #[arg(long)]
    pub fail_on_open: bool,
    /// List the methods as this stage serves them (its deployment), not as the editor holds them.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["profiles", "regions", "all_regions"])]
    pub stage: Option<String>,
    /// A region that could not be read (access denied, not enabled) does not make the exit
    /// status 1.
    #[arg(long)]
    pub ignore_errors: bool,
    /// Which methods to list: all, open or protected (the summary always counts all).
    #[arg(long, default_value = "all")]
    pub show: Show,
    /// Only methods whose path contains this text.
    #[arg(long, default_value = "")]
    pub path: String,
    /// Sweep every account an IAM Identity Center sign-in reaches: a profile that signs in
    /// through SSO, or an sso-session's name (sign in first: gatehouse login).
    #[arg(long, value_name = "PROFILE_OR_SESSION", conflicts_with_all = ["profiles", "org", "api", "stage"])]
    pub sso: Option<String>,
    /// The roles to take in each account, in order of preference (each account gets the first
    /// it offers): ReadOnly,SecurityAudit. Without it, an account's only role.
    #[arg(long, value_delimiter = ',', value_name = "ROLES", requires = "sso")]
    pub sso_role: Vec<String>,
    /// Sweep every active account of the organization this profile's account manages (or
    /// administers as a delegate): itself through the profile, each member through --org-role.
    #[arg(long, value_name = "PROFILE", conflicts_with_all = ["profiles", "api", "stage"])]
    pub org: Option<String>,
    /// The role to assume in each member account (no default: name a read-only audit role).
    #[arg(long, value_name = "ROLE", requires = "org")]
    pub org_role: Option<String>,
    /// The external id the members' role trust policy asks for.
    #[arg(long, value_name = "ID", requires = "org")]
    pub external_id: Option<String>,
    /// Only these accounts of the sign-in or organization, comma-separated ids.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub accounts: Vec<String>,
}

impl AuditArgs {
    /// `--format`, else json with `--json`, else the table.
    pub fn format(&self) -> Format {
        self.format.unwrap_or(if self.json {
            Format::Json
        } else {
            Format::Table
        })
    }

    /// Whether the flags ask for the sweep rather than the one-region review.
    pub fn sweeping(&self) -> bool {
        self.sso.is_some()
            || self.org.is_some()
            || !self.profiles.is_empty()
            || !self.regions.is_empty()
            || self.all_regions
            || matches!(self.format(), Format::Sarif | Format::Csv)
    }
}

/// The regions the flags name, else the one the profile's context has.
async fn regions(core: &Core, args: &AuditArgs) -> Result<Vec<String>> {
    Ok(if args.all_regions {
        DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect()
    } else if !args.regions.is_empty() {
        args.regions.clone()
    } else {
        vec![super::common::context(core, &args.common).await?.region]
    })
}

/// The accounts of `--sso` or `--org`, as the core's request: every account with the role it
/// takes, and the accounts left out with why.
async fn account_request(core: &Core, args: &AuditArgs) -> Result<Option<SweepRequest>> {
    if !args.accounts.is_empty() && args.sso.is_none() && args.org.is_none() {
        return Err(Error::invalid(
            "accounts",
            "--accounts narrows --sso or --org",
        ));
    }
    let (base, found) = match (&args.sso, &args.org) {
        (Some(sso), _) => (
            sso.clone(),
            core.sso_sweep(sso.trim(), &args.sso_role, &args.accounts)
                .await?,
        ),
        (None, Some(org)) => {
            let id = resolve_profile(core, org).await?.id();
            mfa(core, &id, args.common.mfa_code.as_deref()).await?;
            let role = args.org_role.as_deref().unwrap_or_default();
            (
                id.clone(),
                core.org_sweep(&id, role, args.external_id.as_deref(), &args.accounts)
                    .await?,
            )
        }
        (None, None) => return Ok(None),
    };
    let regions = regions(core, args).await?;
    found.into_request(&base, regions).map(Some)
}

/// The profiles and regions the flags name, as the core's request.
async fn request(core: &Core, args: &AuditArgs) -> Result<SweepRequest> {
    if let Some(req) = account_request(core, args).await? {
        return Ok(req);
    }
    let names: Vec<String> = match args.profiles.as_slice() {
        [] => vec![],
        [all] if all == "all" => core
            .profiles()
            .await?
            .into_iter()
            .filter(|p| p.source != ProfileSource::Env)
            .map(|p| p.id)
            .collect(),
        named => named.to_vec(),
    };
    let mut profiles = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let id = resolve_profile(core, name).await?.id();
        mfa(core, &id, args.common.mfa_code.as_deref()).await?;
        profiles.push(id);
    }
    let one = if profiles.is_empty() || args.regions.is_empty() && !args.all_regions {
        Some(super::common::context(core, &args.common).await?)
    } else {
        None
    };
    if profiles.is_empty() {
        if args.profiles.len() == 1 && args.profiles[0] == "all" {
            return Err(Error::invalid(
                "profiles",
                "No profiles to sweep: the AWS config files and the keychain hold none",
            ));
        }
        profiles.push(one.as_ref().map(|c| c.profile.clone()).unwrap_or_default());
    }
    let regions = if args.all_regions {
        DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect()
    } else if !args.regions.is_empty() {
        args.regions.clone()
    } else {
        vec![one.map(|c| c.region).unwrap_or_default()]
    };
    SweepRequest {
        profiles,
        regions,
        ..Default::default()
    }
    .checked()
}

pub async fn audit(core: &Core, args: AuditArgs) -> Result<i32> {
    let req = request(core, &args).await?;
    let terminal = std::io::stderr().is_terminal();
    let progress = |e: SweepEvent| {
        if !terminal {
            return;
        }
        match e {
            SweepEvent::RegionDone { progress: p } => eoutln!(
                "{}: {} of {} regions read",
                display(&p.profile),
                p.done,
                p.total
            ),
            SweepEvent::SameAccount { same } => eoutln!(
                "{}: same account as {} ({}), swept once",
                display(&same.profile),
                display(&same.swept_as),
                same.account
            ),
            SweepEvent::Failed { error } => eoutln!(
                "{} {}: {}: {}",
                display(&error.profile),
                error.region.as_deref().unwrap_or("(every region)"),
                clean(&error.code),
                clean(&error.message)
            ),
            _ => {}
        }
    };
    let mut report = core.sweep(&req, &progress).await?;
    if let Some(api) = &args.api {
        report
            .apis
            .retain(|a| &a.row.api_id == api || &a.row.name == api);
    }
    let outcome = report.outcome();
    match args.format() {
        Format::Table => print_table(&report, &outcome.line),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&to_json(&report, &req, &args, &outcome.line))?
        ),
        Format::Sarif => outln!(
            "{}",
            serde_json::to_string_pretty(&sweep_formats::sarif(
                &report,
                env!("CARGO_PKG_VERSION")
            ))?
        ),
        Format::Csv => super::out::write_text(&sweep_formats::csv(&report)?),
    }
    Ok(if !report.errors.is_empty() && !args.ignore_errors {
        EXIT_ERROR
    } else if args.fail_on_open && report.any_open() {
        EXIT_OPEN
    } else {
        EXIT_OK
    })
}

fn to_json(
    report: &SweepReport,
    req: &SweepRequest,
    args: &AuditArgs,
    line: &str,
) -> serde_json::Value {
    let apis: Vec<_> = report
        .apis
        .iter()
        .map(|a| {
            let r = &a.row;
            let methods: Vec<_> = audit::filter(&a.methods, args.show, &args.path)
                .into_iter()
                .map(super::shapes::method_json)
                .collect();
            json!({"profile": display(&r.profile), "account": r.account, "accountName": r.account_name, "region": r.region,
                   "id": r.api_id, "name": r.name, "kind": r.kind, "managedBy": r.managed_by,
                   "methods": methods, "summary": a.summary, "open": r.open,
                   "servedOpen": r.served_open, "openAnywhere": r.open_anywhere, "openOn": r.open_on,
                   "stages": a.stages.iter().map(|s| super::shapes::stage_json(s, args.show, &args.path)).collect::<Vec<_>>()})
        })
        .collect();
    let errors: Vec<_> = report
        .errors
        .iter()
        .map(|e| {
            json!({"profile": display(&e.profile), "account": e.account, "accountName": e.account_name, "region": e.region,
                   "code": e.code, "message": e.message})
        })
        .collect();
    let same_account: Vec<_> = report
        .same_account
        .iter()
        .map(|s| {
            json!({"profile": display(&s.profile), "account": s.account,
                   "sweptAs": display(&s.swept_as)})
        })
        .collect();
    json!({
        "profiles": req.profiles.iter().map(|p| display(p)).collect::<Vec<_>>(),
        "regions": req.regions,
        "apis": apis,
        "errors": errors,
        "sameAccount": same_account,
        "summaryLine": line,
        "cancelled": report.cancelled,
        "elapsedMs": report.elapsed_ms,
    })
}

fn print_table(report: &SweepReport, line: &str) {
    let header = [
        "PROFILE",
        "ACCOUNT",
        "REGION",
        "KIND",
        "NAME",
        "METHODS",
        "OPEN",
        "PROTECTED",
        "OWNER",
        "SERVED OPEN ON",
    ];
    let rows: Vec<[String; 10]> = report
        .apis
        .iter()
        .map(|a| {
            let r = &a.row;
            [
                clean(display(&r.profile)),
                match &r.account_name {
                    Some(name) => format!("{} ({})", clean(name), r.account),
                    None => r.account.clone(),
                },
                r.region.clone(),
                format!("{:?}", r.kind).to_uppercase(),
                clean(&r.name),
                r.methods.to_string(),
                r.open_anywhere.to_string(),
                r.protected.to_string(),
                clean(&r.owner()),
                clean(&r.open_on.join(", ")),
            ]
        })
        .collect();
    let mut width = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let fmt = |cells: &[String]| {
        cells
            .iter()
            .zip(width)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    if rows.is_empty() {
        outln!("No REST or HTTP APIs found.");
    } else {
        outln!("{}", fmt(&header.map(String::from)));
        for row in &rows {
            outln!("{}", fmt(row));
        }
    }
    for e in &report.errors {
        outln!(
            "ERROR  {}  {}  {}: {}",
            clean(display(&e.profile)),
            e.region.as_deref().unwrap_or("(every region)"),
            clean(&e.code),
            clean(&e.message)
        );
    }
    for s in &report.same_account {
        outln!(
            "SAME   {}  account {}: swept as {}",
            clean(display(&s.profile)),
            s.account,
            clean(display(&s.swept_as))
        );
    }
    outln!();
    outln!("{line}");
}
