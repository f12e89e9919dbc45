//! Pure sweep logic: which regions a sweep covers, one row per API, the order of the rows, and
//! the reports CI reads (SARIF 2.1.0, CSV). No AWS, no I/O.

use crate::domain::audit::{MethodView, Summary};
use crate::domain::live::StageView;
use crate::domain::model::{is_region_name, Api, ApiKind, REGIONS};
use crate::domain::ownership::ManagedBy;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use ts_rs::TS;

/// The commercial regions every account has enabled: what `--all-regions` and the window's
/// default cover. Opt-in regions (af-south-1, ap-east-1, …) are swept when named.
pub const DEFAULT_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// The regions a sweep may cover, each with whether it is swept by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SweepRegion {
    pub name: String,
    /// Enabled in every account; an opt-in region answers only where it was enabled.
    pub default: bool,
}

/// Every known region, the default ones first (in their order), then the opt-in ones.
pub fn regions() -> Vec<SweepRegion> {
    let mut out: Vec<SweepRegion> = DEFAULT_REGIONS
        .iter()
        .map(|r| SweepRegion {
            name: r.to_string(),
            default: true,
        })
        .collect();
    out.extend(
        REGIONS
            .iter()
            .filter(|r| !DEFAULT_REGIONS.contains(r))
            .map(|r| SweepRegion {
                name: r.to_string(),
                default: false,
            }),
    );
    out
}

/// What to sweep: profiles (by id, as the picker lists them) and regions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SweepRequest {
    pub profiles: Vec<String>,
    pub regions: Vec<String>,
    /// The accounts' names, by profile id, for accounts reached through a sign-in or an
    /// organization (rows name them).
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,
    /// Accounts left out before the sweep (no role to take, suspended), each a row of its own.
    #[serde(default)]
    pub skipped: Vec<SweepError>,
}

impl SweepRequest {
    /// The request with blanks and repeats dropped, refused when nothing is left or a region
    /// is not a region name.
    pub fn checked(&self) -> Result<SweepRequest> {
        let profiles = distinct(&self.profiles);
        let regions = distinct(&self.regions);
        if profiles.is_empty() {
            return Err(Error::invalid(
                "profiles",
                "Choose at least one profile to sweep",
            ));
        }
        if regions.is_empty() {
            return Err(Error::invalid(
                "regions",
                "Choose at least one region to sweep",
            ));
        }
        if let Some(bad) = regions.iter().find(|r| !is_region_name(r)) {
            return Err(Error::invalid(
                "regions",
                format!("'{bad}' is not a region name (for example eu-west-1)"),
            ));
        }
        Ok(SweepRequest {
            profiles,
            regions,
            names: self.names.clone(),
            skipped: self.skipped.clone(),
        })
    }
}

fn distinct(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == i) {
            out.push(i.to_string());
        }
    }
    out
}

/// A profile as the user names it: "dev" for the AWS files' profile `file:dev`, "keychain:ci"
/// for a keychain profile, "env" for the environment's credentials.
pub fn profile_name(id: &str) -> &str {
    id.strip_prefix("file:").unwrap_or(id)
}

/// One API of a sweep, as its row reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SweepRow {
    pub profile: String,
    pub account: String,
    pub region: String,
    pub kind: ApiKind,
    pub api_id: String,
    pub name: String,
    /// Methods (REST) or routes (HTTP).
    pub methods: usize,
    /// Open methods except OPTIONS (the CORS preflight, open on purpose).
    pub open: usize,
    /// Open OPTIONS methods, counted apart.
    pub open_options: usize,
    pub protected: usize,
    pub managed_by: Option<ManagedBy>,
    /// Methods except OPTIONS that a stage or canary serves open, whatever the editor holds.
    #[serde(default)]
    pub served_open: usize,
    /// Methods except OPTIONS open anywhere: in the editor, on a stage or on a canary. What
    /// makes the API count as open.
    #[serde(default)]
    pub open_anywhere: usize,
    /// The stages (and canaries: "prod canary 10%") that serve a method open.
    #[serde(default)]
    pub open_on: Vec<String>,
    /// The account's name, when the portal or the organization gave it.
    #[serde(default)]
    pub account_name: Option<String>,
}

impl SweepRow {
    pub fn of(profile: &str, account: &str, region: &str, api: &Api, s: &Summary) -> SweepRow {
        SweepRow {
            profile: profile.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            kind: api.kind,
            api_id: api.id.clone(),
            name: api.name.clone(),
            methods: s.total,
            open: s.open_except_options(),
            open_options: s.open_options,
            protected: s.protected,
            managed_by: api.managed_by.clone(),
            served_open: 0,
            open_anywhere: s.open_except_options(),
            open_on: vec![],
            account_name: None,
        }
    }

    /// Counts what the stages serve open beside what the editor holds.
    pub fn with_stages(mut self, editor: &[MethodView], stages: &[StageView]) -> SweepRow {
        let open = open_by_place(editor, stages);
        let served: BTreeSet<&String> = open.iter().skip(1).flat_map(|(_, keys)| keys).collect();
        let anywhere: BTreeSet<&String> = open.iter().flat_map(|(_, keys)| keys).collect();
        self.served_open = served.len();
        self.open_anywhere = anywhere.len();
        self.open_on = open
            .iter()
            .skip(1)
            .filter(|(_, keys)| !keys.is_empty())
            .map(|(place, _)| place.clone())
            .collect();
        self
    }

    /// The owner column: the stack's name, or the tool's text; empty when none is known.
    pub fn owner(&self) -> String {
        match &self.managed_by {
            Some(ManagedBy {
                stack: Some(stack), ..
            }) => stack.clone(),
            Some(m) => m.text.clone(),
            None => String::new(),
        }
    }
}

/// A region (or a whole profile) that could not be read: its own row, with AWS's error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SweepError {
    pub profile: String,
    /// Unknown when the profile's credentials could not be used at all.
    pub account: Option<String>,
    /// None when the error concerns every region of the profile (its credentials).
    pub region: Option<String>,
    /// AWS's error code ("AccessDeniedException"), or Gatehouse's kind of error.
    pub code: String,
    pub message: String,
    /// The account's name, when the portal or the organization gave it.
    #[serde(default)]
    pub account_name: Option<String>,
}

/// A profile whose account another profile of the sweep reaches too (listed before it): the
/// account is swept once, under that other profile, so no API is counted twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SameAccount {
    pub profile: String,
    pub account: String,
    /// The profile the account was swept under.
    pub swept_as: String,
}

/// One profile's progress: regions done of all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SweepProgress {
    pub profile: String,
    pub done: usize,
    pub total: usize,
}

/// What the sweep view is fed, in order: the profiles, then rows and errors as they arrive with
/// each region's end, then the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[derive(TS)]
pub enum SweepEvent {
    Started {
        profiles: Vec<SweepProgress>,
    },
    Account {
        profile: String,
        account: String,
    },
    /// The profile reaches an account already swept under another profile: nothing to read.
    SameAccount {
        same: SameAccount,
    },
    Api {
        row: SweepRow,
    },
    Failed {
        error: SweepError,
    },
    RegionDone {
        progress: SweepProgress,
    },
    Finished {
        outcome: SweepOutcome,
    },
}

/// How a sweep ended, in counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct SweepOutcome {
    pub apis: usize,
    /// APIs with at least one open method other than OPTIONS.
    pub open_apis: usize,
    /// Open methods other than OPTIONS, over every API.
    pub open_methods: usize,
    pub errors: usize,
    pub cancelled: bool,
    pub elapsed_ms: u64,
    /// "12 APIs in 3 regions of 2 profiles · 4 with open methods (7 open, OPTIONS aside) · 1 region
    /// could not be read" (a cancel is said apart, by `cancelled`).
    pub line: String,
}

/// One API of a sweep with its methods: what the JSON and SARIF reports need.
#[derive(Debug, Clone)]
pub struct SweptApi {
    pub row: SweepRow,
    pub methods: Vec<MethodView>,
    pub summary: Summary,
    /// What each stage serves (empty when the API has none).
    pub stages: Vec<StageView>,
}

/// The keys open (OPTIONS aside) in each place: first the editor (""), then each stage, then
/// each canary ("prod canary 10%").
pub fn open_by_place(editor: &[MethodView], stages: &[StageView]) -> Vec<(String, Vec<String>)> {
    let keys = |methods: &[MethodView]| -> Vec<String> {
        methods
            .iter()
            .filter(|v| v.open_not_options)
            .map(|v| v.method.key())
            .collect()
    };
    let mut out = vec![(String::new(), keys(editor))];
    for s in stages {
        out.push((s.name.clone(), keys(&s.methods)));
        if let Some(c) = &s.canary {
            out.push((
                format!(
                    "{} canary {}%",
                    s.name,
                    crate::domain::live::percent(c.percent)
                ),
                keys(&c.methods),
            ));
        }
    }
    out
}

/// Everything a sweep found.
#[derive(Debug, Clone, Default)]
pub struct SweepReport {
    pub apis: Vec<SweptApi>,
    pub errors: Vec<SweepError>,
    pub cancelled: bool,
    pub elapsed_ms: u64,
    /// How many regions and profiles the sweep covered.
    pub regions: usize,
    pub profiles: usize,
    /// Profiles not swept because another profile reaches the same account.
    pub same_account: Vec<SameAccount>,
}

impl SweepReport {
    /// Rows in the default order: most open first, then by profile, region and name.
    pub fn sort(&mut self) {
        self.apis.sort_by(|a, b| {
            b.row
                .open_anywhere
                .cmp(&a.row.open_anywhere)
                .then_with(|| a.row.profile.cmp(&b.row.profile))
                .then_with(|| a.row.region.cmp(&b.row.region))
                .then_with(|| a.row.name.to_lowercase().cmp(&b.row.name.to_lowercase()))
                .then_with(|| a.row.api_id.cmp(&b.row.api_id))
        });
        self.errors.sort_by(|a, b| {
            (a.profile.as_str(), a.region.as_deref())
                .cmp(&(b.profile.as_str(), b.region.as_deref()))
        });
        self.same_account.sort_by(|a, b| a.profile.cmp(&b.profile));
    }

    pub fn outcome(&self) -> SweepOutcome {
        let open_apis = self.apis.iter().filter(|a| a.row.open_anywhere > 0).count();
        let open_methods = self.apis.iter().map(|a| a.row.open_anywhere).sum();
        SweepOutcome {
            apis: self.apis.len(),
            open_apis,
            open_methods,
            errors: self.errors.len(),
            cancelled: self.cancelled,
            elapsed_ms: self.elapsed_ms,
            line: outcome_line(
                Counts {
                    apis: self.apis.len(),
                    regions: self.regions,
                    profiles: self.profiles,
                    open_apis,
                    open_methods,
                    errors: self.errors.iter().filter(|e| e.region.is_some()).count(),
                    whole: self.errors.iter().filter(|e| e.region.is_none()).count(),
                },
                self.same_account.len(),
            ),
        }
    }

    /// Whether any API has an open method other than OPTIONS.
    pub fn any_open(&self) -> bool {
        self.apis.iter().any(|a| a.row.open_anywhere > 0)
    }
}

/// What the summary line counts: regions that could not be read, and profiles or accounts not
/// swept at all (`whole`).
struct Counts {
    apis: usize,
    regions: usize,
    profiles: usize,
    open_apis: usize,
    open_methods: usize,
    errors: usize,
    whole: usize,
}

fn outcome_line(c: Counts, same_account: usize) -> String {
    let Counts {
        apis,
        regions,
        profiles,
        open_apis,
        open_methods,
        errors,
        whole,
    } = c;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "{} in {} of {}",
        plural(apis, "API", "APIs"),
        plural(regions, "region", "regions"),
        plural(profiles, "profile", "profiles")
    );
    if same_account > 0 {
        line.push_str(&format!(
            " ({} the same account as another, swept once)",
            if same_account == 1 { "one" } else { "some" }
        ));
    }
    line.push_str(&match open_apis {
        0 => " · none with open methods".to_string(),
        n => format!(
            " · {} with open methods ({} open, OPTIONS aside)",
            n, open_methods
        ),
    });
    if errors > 0 {
        line.push_str(&format!(
            " · {} could not be read",
            plural(errors, "region", "regions")
        ));
    }
    // A profile whose credentials could not be used, an account left out or refused.
    if whole > 0 {
        line.push_str(&format!(
            " · {} not swept",
            plural(whole, "profile or account", "profiles or accounts")
        ));
    }
    line
}

/// A sweep's report built by hand, for the tests of this file and of sweep_formats.rs.
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
