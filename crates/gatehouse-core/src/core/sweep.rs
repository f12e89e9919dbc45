//! The sweep: every REST and HTTP API of every chosen region of every chosen profile, read
//! concurrently across profiles and regions, paced per account at API Gateway's quotas, each
//! row reported as it arrives. A region that cannot be read becomes a row of its own; cancelling
//! stops every call at once.

use super::read::methods_and_authorizers;
use super::state::{Core, Ctx};
use crate::aws::gateway;
use crate::aws::profiles::ProfileRef;
use crate::aws::session::Session;
use crate::domain::audit;
use crate::domain::model::{Api, ApiKind};
use crate::domain::sweep::{
    SameAccount, SweepError, SweepEvent, SweepProgress, SweepReport, SweepRequest, SweepRow,
    SweptApi,
};
use crate::error::{Error, Result};
use crate::local::pacer::AccountPacer;
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// APIs of one region read at once, of each kind (their calls still wait for the account's
/// quota).
const APIS_AT_ONCE: usize = 4;

/// Accounts swept at once.
const ACCOUNTS_AT_ONCE: usize = 24;

type Progress<'a> = &'a (dyn Fn(SweepEvent) + Send + Sync);

/// What the region tasks share: the report so far, and the progress of each profile.
struct Sink<'a> {
    report: Mutex<SweepReport>,
    progress: Progress<'a>,
    /// The accounts' names, by profile id (those reached through a sign-in or organization).
    names: &'a std::collections::BTreeMap<String, String>,
}

impl Sink<'_> {
    fn api(&self, mut api: SweptApi) {
        api.row.account_name = self.names.get(&api.row.profile).cloned();
        (self.progress)(SweepEvent::Api {
            row: api.row.clone(),
        });
        crate::locked(&self.report).apis.push(api);
    }

    fn same_account(&self, same: SameAccount) {
        (self.progress)(SweepEvent::SameAccount { same: same.clone() });
        crate::locked(&self.report).same_account.push(same);
    }

    fn error(&self, mut error: SweepError) {
        if error.account_name.is_none() {
            error.account_name = self.names.get(&error.profile).cloned();
        }
        (self.progress)(SweepEvent::Failed {
            error: error.clone(),
        });
        crate::locked(&self.report).errors.push(error);
    }
}

impl Core {
    /// Sweeps the request's profiles and regions; the report holds what was read before a cancel.
    pub async fn sweep(&self, req: &SweepRequest, progress: Progress<'_>) -> Result<SweepReport> {
        let req = req.checked()?;
        let cancel = CancellationToken::new();
        if let Some(previous) = self.sweep_token().replace(cancel.clone()) {
            previous.cancel();
        }
        let started = Instant::now();
        let total = req.regions.len();
        progress(SweepEvent::Started {
            profiles: req
                .profiles
                .iter()
                .map(|p| SweepProgress {
                    profile: p.clone(),
                    done: 0,
                    total,
                })
                .collect(),
        });
        let sink = Sink {
            report: Mutex::new(SweepReport::default()),
            progress,
            names: &req.names,
        };
        for skipped in &req.skipped {
            sink.error(skipped.clone());
        }
        let cancelled = tokio::select! {
            _ = self.sweep_accounts(&req.profiles, &req.regions, &sink) => false,
            _ = cancel.cancelled() => true,
        };
        let mut report = sink.report.into_inner().unwrap_or_else(|e| e.into_inner());
        report.regions = req.regions.len();
        report.profiles = req.profiles.len();
        report.cancelled = cancelled;
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        report.sort();
        progress(SweepEvent::Finished {
            outcome: report.outcome(),
        });
        Ok(report)
    }

    /// Stops the sweep under way, if any: its calls are dropped at once.
    pub fn cancel_sweep(&self) {
        if let Some(token) = self.sweep_token().take() {
            token.cancel();
        }
    }

    /// Each profile's account first (one GetCallerIdentity each, all at once), then every
    /// account's regions under the first profile of the list that reaches it. A profile whose
    /// account an earlier profile reaches is said so and not read again: its APIs would be
    /// counted twice, and the account's quota spent twice.
    async fn sweep_accounts(&self, profiles: &[String], regions: &[String], sink: &Sink<'_>) {
        let total = regions.len();
        let found = futures::future::join_all(profiles.iter().map(|profile| async move {
            let ctx = Ctx {
                profile: profile.clone(),
                region: regions[0].clone(),
            };
            self.account_and_pacer(&ctx).await
        }))
        .await;
        let mut swept_as: HashMap<String, &str> = HashMap::new();
        let mut all = Vec::new();
        for (profile, found) in profiles.iter().zip(found) {
            let done = SweepProgress {
                profile: profile.clone(),
                done: total,
                total,
            };
            match found {
                Err(e) => {
                    sink.error(error_row(profile, None, None, &e));
                    (sink.progress)(SweepEvent::RegionDone { progress: done });
                }
                Ok((account, key, _)) if swept_as.contains_key(&key) => {
                    sink.same_account(SameAccount {
                        profile: profile.clone(),
                        account,
                        swept_as: swept_as[&key].to_string(),
                    });
                    (sink.progress)(SweepEvent::RegionDone { progress: done });
                }
                Ok((account, key, pacer)) => {
                    swept_as.insert(key, profile);
                    (sink.progress)(SweepEvent::Account {
                        profile: profile.clone(),
                        account: account.clone(),
                    });
                    all.push(self.sweep_profile(profile, account, pacer, regions, sink));
                }
            }
        }
        // A bounded number of accounts at once: memory and sockets stay flat however many
        // accounts a sign-in reaches (each account's calls are paced at its own quota anyway).
        futures::stream::iter(all)
            .buffer_unordered(ACCOUNTS_AT_ONCE)
            .collect::<Vec<()>>()
            .await;
    }

    /// One profile's regions, all at once, under its account's pacer.
    async fn sweep_profile(
        &self,
        profile: &str,
        account: String,
        pacer: Arc<AccountPacer>,
        regions: &[String],
        sink: &Sink<'_>,
    ) {
        let total = regions.len();
        let mut regions: FuturesUnordered<_> = regions
            .iter()
            .map(|region| {
                let ctx = Ctx {
                    profile: profile.to_string(),
                    region: region.clone(),
                };
                let (account, pacer) = (&account, pacer.clone());
                async move {
                    if let Err(e) = self.sweep_region(&ctx, account, pacer, sink).await {
                        sink.error(error_row(
                            &ctx.profile,
                            Some(account),
                            Some(&ctx.region),
                            &e,
                        ));
                    }
                }
            })
            .collect();
        let mut done = 0;
        while regions.next().await.is_some() {
            done += 1;
            (sink.progress)(SweepEvent::RegionDone {
                progress: SweepProgress {
                    profile: profile.to_string(),
                    done,
                    total,
                },
            });
        }
        // An account reached through a sign-in or an organization keeps its role credentials
        // (account_roles), not its sessions: a sweep of hundreds of accounts would otherwise
        // hold a session for every account and region until the app closes.
        if matches!(
            ProfileRef::parse(profile),
            Ok(ProfileRef::Sso { .. } | ProfileRef::Org { .. })
        ) {
            self.forget(profile).await;
        }
    }

    /// The profile's account, whose quotas its calls draw from (the account, or the endpoint of
    /// a local server), and the pacer its calls share with every other session of it.
    async fn account_and_pacer(&self, ctx: &Ctx) -> Result<(String, String, Arc<AccountPacer>)> {
        let session = self.session(ctx).await?;
        let account = session.account().await?;
        // One local server may stand for many accounts (keys the sandbox maps to each): the
        // account counts there too.
        let key = match session.custom_endpoint() {
            Some(url) => format!("{url} {account}"),
            None => account.clone(),
        };
        let pacer = crate::locked(&self.pacers)
            .entry(key.clone())
            .or_insert_with(|| Arc::new(AccountPacer::new(&self.journal_dir, &key)))
            .clone();
        Ok((account, key, pacer))
    }

    /// One region: its APIs (GetRestApis and GetApis), then each API's methods and authorizers.
    /// An API that cannot be read is an error row; the others go on.
    async fn sweep_region(
        &self,
        ctx: &Ctx,
        account: &str,
        pacer: Arc<AccountPacer>,
        sink: &Sink<'_>,
    ) -> Result<()> {
        let session = self.session(ctx).await?;
        session.pace_with(pacer);
        let (rest, http): (Vec<Api>, Vec<Api>) = gateway::list_apis(&session)
            .await?
            .into_iter()
            .filter(|a| a.kind != ApiKind::Websocket)
            .partition(|a| a.kind == ApiKind::Rest);
        // REST APIs wait on GetResources' small quota, HTTP APIs only on the total: read side by
        // side, the HTTP reads use the budget the REST reads leave (one after the other, each
        // kind would leave the other's quota idle).
        let read = |apis: Vec<Api>| {
            let session = &session;
            futures::stream::iter(apis.into_iter().map(move |api| async move {
                let read = self.read_swept(session, &api).await;
                (api, read)
            }))
            .buffer_unordered(APIS_AT_ONCE)
        };
        let mut reads = futures::stream::select(read(rest), read(http));
        while let Some((api, read)) = reads.next().await {
            match read {
                Ok((methods, summary, stages)) => sink.api(SweptApi {
                    row: SweepRow::of(&ctx.profile, account, &ctx.region, &api, &summary)
                        .with_stages(&methods, &stages),
                    methods,
                    summary,
                    stages,
                }),
                Err(e) => {
                    let mut row = error_row(&ctx.profile, Some(account), Some(&ctx.region), &e);
                    row.message = format!("{} ({}): {}", api.name, api.id, row.message);
                    sink.error(row);
                }
            }
        }
        Ok(())
    }
}

impl Core {
    /// Reads one API, the editor and what each stage serves; when AWS still answers 429 after
    /// the SDK's own retries (another tool is spending the account's quota too), waits longer
    /// each time and tries again, a few times.
    async fn read_swept(&self, session: &Session, api: &Api) -> Result<Swept> {
        let mut wait = std::time::Duration::from_secs(2);
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.read_once(session, api).await {
                Ok(read) => return Ok(read),
                Err(Error::Aws { code, .. })
                    if code == THROTTLED && attempt < THROTTLED_ATTEMPTS =>
                {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn read_once(&self, session: &Session, api: &Api) -> Result<Swept> {
        let (methods, authorizers) = methods_and_authorizers(session, &api.id).await?;
        let views = audit::review(&methods, &authorizers);
        let stages = self
            .stages_served(session, &api.id, (&methods, &authorizers), &views)
            .await?;
        Ok((views, audit::summarize(&methods), stages))
    }
}

/// One API as a sweep read it: the editor's methods, its summary, what each stage serves.
type Swept = (
    Vec<audit::MethodView>,
    audit::Summary,
    Vec<crate::domain::live::StageView>,
);

/// API Gateway's 429, and how many times a sweep reads an API that keeps getting it.
const THROTTLED: &str = "TooManyRequestsException";
const THROTTLED_ATTEMPTS: u32 = 4;

/// The row of what could not be read (a whole profile when `region` is None): AWS's error code
/// and message; for other errors, Gatehouse's kind and the message.
fn error_row(profile: &str, account: Option<&str>, region: Option<&str>, e: &Error) -> SweepError {
    let (code, message) = match e {
        Error::Aws { code, message } => (code.clone(), message.clone()),
        other => (other.kind().to_string(), other.to_string()),
    };
    SweepError {
        profile: profile.to_string(),
        account: account.map(str::to_string),
        region: region.map(str::to_string),
        code,
        message,
        account_name: None,
    }
}
