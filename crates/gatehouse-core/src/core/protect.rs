//! The protect and unprotect use cases, start to finish: find the API and the pool, take the
//! API's writer lock, choose the methods, reuse or create the authorizer, plan, stop on warnings
//! unless forced, apply, deploy. Both shells call these; the command line prints what they return.

use super::authorizers::{draft_authorizer, methods_using, NEW_AUTHORIZER_ID};
use super::changes::{check_stage, ApplyRequest};
use super::requests::{
    AuthorizerStatus, AuthorizerUse, Methods, ProtectEvent, ProtectOutcome, ProtectRequest,
    UnprotectRequest,
};
use super::state::{Core, Ctx};
use super::token::client_named;
use crate::apply::{ApplyEvent, Pace};
use crate::domain::audit;
use crate::domain::live::deploy::DeployTarget;
use crate::domain::model::Action;
use crate::domain::model::{Api, ApiKind, Authorizer, AuthorizerInput, Method, UserPool};
use crate::domain::plan::{self, Plan, Target, Warning};
use crate::error::{Error, Result};
use crate::local::lock::ApiLock;

impl Core {
    /// The authorizer a protect asks for, for the API's kind: a Cognito authorizer whose client
    /// ID regex is written from `clients` (REST), or a JWT authorizer whose audience they are
    /// (HTTP, where at least one is needed). Clients are named by name or id.
    async fn authorizer_input(
        &self,
        ctx: &Ctx,
        req: &ProtectRequest,
        api: &Api,
        pool_region: &str,
        pool: &UserPool,
    ) -> Result<AuthorizerInput> {
        let http = api.kind == ApiKind::Http;
        let mut ids = Vec::new();
        if !req.clients.is_empty() {
            let known = self.clients(ctx, pool_region, &pool.id).await?;
            for wanted in req
                .clients
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
            {
                // By id, else by name; a name two clients share is refused, listing their ids.
                let client =
                    client_named(&known, wanted, &pool.name, "clients")?.ok_or_else(|| {
                        Error::invalid(
                            "clients",
                            format!("No app client named or with id '{wanted}' in {}", pool.name),
                        )
                    })?;
                if !ids.contains(&client.id) {
                    ids.push(client.id.clone());
                }
            }
        }
        if http && ids.is_empty() {
            return Err(Error::invalid(
                "clients",
                format!(
                    "{} is an HTTP API: its JWT authorizer needs an audience — name the app clients with --clients (names or ids)",
                    api.name
                ),
            ));
        }
        let defaults = plan::authorizer_defaults(api.kind);
        let source = req.identity_source.trim();
        let rest_default = source == plan::DEFAULT_IDENTITY_SOURCE;
        Ok(AuthorizerInput {
            name: req
                .authorizer_name
                .clone()
                .unwrap_or_else(|| pool.name.clone()),
            identity_source: if source.is_empty() || (http && rest_default) {
                defaults.identity_source
            } else {
                source.to_string()
            },
            client_id_regex: match (http, req.client_id_regex.trim()) {
                (true, _) => String::new(),
                (false, "") => plan::regex_for_clients(&ids),
                (false, regex) => regex.to_string(),
            },
            ttl_seconds: req.ttl_seconds,
            audience: if http { ids } else { vec![] },
            api_kind: api.kind,
        })
    }
}

/// The pool a protect names and the authorizer it asks for, checked.
pub(super) struct PoolChoice {
    pub pool_region: String,
    pub pool: UserPool,
    pub input: AuthorizerInput,
}

impl Core {
    /// Finds the pool (in its region) and writes the authorizer the request asks for, checked
    /// before anything is created.
    pub(super) async fn pool_choice(&self, req: &ProtectRequest, api: &Api) -> Result<PoolChoice> {
        let ctx = &req.ctx;
        let pool_region = req
            .pool_region
            .clone()
            .unwrap_or_else(|| ctx.region.clone());
        let pool = self.find_pool(ctx, &pool_region, &req.pool).await?;
        let input = self
            .authorizer_input(ctx, req, api, &pool_region, &pool)
            .await?;
        if let Some(e) = plan::validate_authorizer(&input).into_iter().next() {
            return Err(e);
        }
        Ok(PoolChoice {
            pool_region,
            pool,
            input,
        })
    }
}

/// How a plan is carried out.
struct Run<'a> {
    dry_run: bool,
    force: bool,
    deploy: Option<&'a str>,
    pace: Pace,
    /// The API's writer lock, held from before anything is read until the deploy; none only for
    /// a dry run, which changes nothing.
    lock: Option<&'a ApiLock>,
}

impl Core {
    /// Protects methods with a Cognito authorizer for a pool: a matching authorizer is reused,
    /// else one is created — after the warnings are checked, under the API's writer lock — then
    /// the plan is applied and, when asked, deployed.
    pub async fn protect(
        &self,
        req: ProtectRequest,
        progress: &(dyn Fn(ProtectEvent<'_>) + Send + Sync),
    ) -> Result<ProtectOutcome> {
        let ctx = &req.ctx;
        let api = self.find_api(ctx, &req.api).await?;
        let deploy = checked_stage(req.deploy.as_deref())?;
        // One writer per API, taken as soon as the API is known and held until the deploy: what
        // is planned below is read under it.
        let lock = self.writer(ctx, &api, Action::Protect, req.dry_run).await?;
        let PoolChoice {
            pool_region,
            pool,
            input,
        } = self.pool_choice(&req, &api).await?;
        let (methods, mut authorizers) = self.methods_and_authorizers_of(ctx, &api.id).await?;
        let keys = select(&methods, &authorizers, &req.methods, &api)?;
        let mut outcome = ProtectOutcome::of(api);
        if keys.is_empty() {
            outcome.nothing_to_do = Some(nothing_to_do(&req.methods));
            return Ok(outcome);
        }
        let pool_arn = self.pool_arn(ctx, &pool_region, &pool.id).await?;
        let target_for = |authorizer_id: &str| Target::Protect {
            authorizer_id: authorizer_id.to_string(),
            scopes: req.scopes.clone(),
        };
        let existing = authorizers
            .iter()
            .find(|a| {
                plan::matches_authorizer(a, &pool_arn, &input)
                    && (req.authorizer_name.is_none() || a.name == input.name.trim())
            })
            .cloned();
        let (authorizer, status) = match existing {
            Some(a) => (a, AuthorizerStatus::Reused),
            None => {
                // Planned against the authorizer that would be created, before anything is sent.
                let draft = draft_authorizer(&input, &pool_arn);
                authorizers.push(draft.clone());
                if req.dry_run {
                    (draft, AuthorizerStatus::WouldBeCreated)
                } else {
                    if !req.force {
                        let draft_target = target_for(NEW_AUTHORIZER_ID);
                        let mut draft_plan =
                            plan::plan(&methods, &authorizers, &keys, &draft_target)?;
                        plan::warn_if_stack_owned(&mut draft_plan, &outcome.api);
                        if !draft_plan.warnings.is_empty() {
                            outcome.authorizer =
                                Some(AuthorizerUse::of(&draft, AuthorizerStatus::WouldBeCreated));
                            outcome.warnings = draft_plan.warnings;
                            outcome.stopped_by_warnings = true;
                            return Ok(outcome);
                        }
                    }
                    authorizers.pop();
                    let lock = lock.as_ref().ok_or_else(|| {
                        Error::Internal("a protect that is not a dry run holds the lock".into())
                    })?;
                    let a = self
                        .create_authorizer_locked(
                            ctx,
                            &outcome.api.id,
                            &pool_region,
                            &pool.id,
                            &input,
                            lock,
                        )
                        .await?;
                    authorizers.push(a.clone());
                    (a, AuthorizerStatus::Created)
                }
            }
        };
        outcome.authorizer = Some(AuthorizerUse::of(&authorizer, status));
        let target = target_for(&authorizer.id);
        let mut plan = plan::plan(&methods, &authorizers, &keys, &target)?;
        plan::warn_if_stack_owned(&mut plan, &outcome.api);
        outcome.authorizers = authorizers;
        let run = Run {
            dry_run: req.dry_run,
            force: req.force,
            deploy,
            pace: req.pace,
            lock: lock.as_ref(),
        };
        self.carry_out(ctx, outcome, plan, target, run, progress)
            .await
    }

    /// Takes protection off methods (back to NONE), under the API's writer lock, then deploys
    /// when asked.
    pub async fn unprotect(
        &self,
        req: UnprotectRequest,
        progress: &(dyn Fn(ProtectEvent<'_>) + Send + Sync),
    ) -> Result<ProtectOutcome> {
        let ctx = &req.ctx;
        let api = self.find_api(ctx, &req.api).await?;
        if req.methods == Methods::AllOpen {
            return Err(Error::invalid(
                "methods",
                "Open methods have no protection to remove: name the methods, or an authorizer",
            ));
        }
        let deploy = checked_stage(req.deploy.as_deref())?;
        let lock = self
            .writer(ctx, &api, Action::Unprotect, req.dry_run)
            .await?;
        let (methods, authorizers) = self.methods_and_authorizers_of(ctx, &api.id).await?;
        let keys = select(&methods, &authorizers, &req.methods, &api)?;
        let mut outcome = ProtectOutcome::of(api);
        if keys.is_empty() {
            outcome.nothing_to_do = Some(nothing_to_do(&req.methods));
            return Ok(outcome);
        }
        let mut plan = plan::plan(&methods, &authorizers, &keys, &Target::Unprotect)?;
        plan::warn_if_stack_owned(&mut plan, &outcome.api);
        outcome.authorizers = authorizers;
        let run = Run {
            dry_run: req.dry_run,
            // An unprotect's only warning is a stack's.
            force: req.force,
            deploy,
            pace: req.pace,
            lock: lock.as_ref(),
        };
        self.carry_out(ctx, outcome, plan, Target::Unprotect, run, progress)
            .await
    }

    /// The API's writer lock for a whole use case; none for a dry run, which changes nothing.
    async fn writer(
        &self,
        ctx: &Ctx,
        api: &Api,
        action: Action,
        dry_run: bool,
    ) -> Result<Option<ApiLock>> {
        if dry_run {
            return Ok(None);
        }
        Ok(Some(self.lock_api(ctx, &api.id, &api.name, action).await?))
    }

    /// Stops on warnings unless forced; else applies the plan (the same path as the window's
    /// apply) and deploys when asked.
    async fn carry_out(
        &self,
        ctx: &Ctx,
        mut outcome: ProtectOutcome,
        plan: Plan,
        target: Target,
        run: Run<'_>,
        progress: &(dyn Fn(ProtectEvent<'_>) + Send + Sync),
    ) -> Result<ProtectOutcome> {
        let mut plan = plan;
        if let Some(stage) = run.deploy {
            // What the deploy would take live besides this change, read under the lock.
            let before = self
                .deploy_preview(ctx, &outcome.api.id, stage, DeployTarget::Stage)
                .await?;
            if let Some(why) = before.refusal {
                return Err(Error::invalid(
                    "deploy",
                    format!("Nothing was changed: {why}"),
                ));
            }
            let changing: Vec<String> = plan
                .items
                .iter()
                .filter(|i| i.changes)
                .map(|i| i.key())
                .collect();
            let others: Vec<String> = before
                .changes
                .iter()
                .filter(|c| !c.by_gatehouse && !changing.contains(&c.key))
                .map(|c| format!("{}: {} → {}", c.key, c.before, c.after))
                .collect();
            if !others.is_empty() {
                plan.warnings.push(Warning::DeployTakesOthers {
                    stage: stage.to_string(),
                    changes: others,
                });
                plan.warning_messages = plan.warnings.iter().map(Warning::message).collect();
            }
        }
        outcome.warnings = plan.warnings.clone();
        outcome.stopped_by_warnings = !plan.warnings.is_empty() && !run.force && !run.dry_run;
        outcome.plan = Some(plan.clone());
        if run.dry_run || outcome.stopped_by_warnings {
            return Ok(outcome);
        }
        let Some(lock) = run.lock else {
            return Err(Error::Internal(
                "a change that is not a dry run is made under the API's lock".into(),
            ));
        };
        progress(ProtectEvent::Planned(&outcome));
        let request = ApplyRequest {
            api_id: outcome.api.id.clone(),
            api_name: outcome.api.name.clone(),
            methods: plan.items.iter().map(|i| i.key()).collect(),
            target,
            accept_warnings: true,
        };
        let forward = |e: ApplyEvent| progress(ProtectEvent::Apply(e));
        let report = self
            .apply_plan(ctx, &request, &plan, run.pace, &forward, lock)
            .await?;
        let deployment = match run.deploy {
            Some(stage) => {
                // The same preview `gatehouse deploy` shows, of what this deploy takes live.
                let preview = self
                    .deploy_preview(ctx, &outcome.api.id, stage, DeployTarget::Stage)
                    .await?;
                if let Some(why) = &preview.refusal {
                    outcome.report = Some(report);
                    outcome.deploy_preview = Some(preview.clone());
                    return Err(Error::invalid(
                        "deploy",
                        format!("Applied, not deployed: {why}"),
                    ));
                }
                outcome.deploy_preview = Some(preview);
                Some(
                    self.deploy_locked(ctx, &outcome.api.id, stage, "Gatehouse", lock)
                        .await?,
                )
            }
            None => None,
        };
        outcome.report = Some(report);
        outcome.deployment = deployment;
        Ok(outcome)
    }
}

/// The stage to deploy to, checked before anything is changed.
fn checked_stage(stage: Option<&str>) -> Result<Option<&str>> {
    stage.map(check_stage).transpose()
}

/// The methods ("VERB /path") a request names; unknown names are an error.
pub(super) fn select(
    methods: &[Method],
    authorizers: &[Authorizer],
    which: &Methods,
    api: &Api,
) -> Result<Vec<String>> {
    match which {
        Methods::Listed { keys } => {
            plan::check_keys(methods, keys)?;
            Ok(keys.clone())
        }
        Methods::AllOpen => Ok(audit::open_except_options(methods)
            .into_iter()
            .map(Method::key)
            .collect()),
        Methods::UsingAuthorizer { authorizer } => {
            let a = authorizers
                .iter()
                .find(|a| &a.id == authorizer || &a.name == authorizer)
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "No authorizer named or with id '{authorizer}' in {}",
                        api.name
                    ))
                })?;
            Ok(methods_using(methods, &a.id))
        }
    }
}

/// Why a selection is empty, in the user's words.
fn nothing_to_do(which: &Methods) -> String {
    match which {
        Methods::Listed { .. } => "No method is selected.",
        Methods::AllOpen => "No open method to protect (OPTIONS excepted).",
        Methods::UsingAuthorizer { .. } => "No method uses that authorizer; nothing to do.",
    }
    .to_string()
}
