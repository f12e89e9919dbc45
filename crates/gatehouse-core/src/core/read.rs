//! What the core reads without changing anything: who the caller is, the APIs and their review,
//! the user pools and their app clients, and finding an API or a pool by name or id.

use super::state::{Core, Ctx};
use crate::aws::session::Session;
use crate::aws::{cognito, gateway, identity};
use crate::domain::audit::{self, AuthorizerView, MethodView, Summary};
use crate::domain::live::StageView;
use crate::domain::model::{
    is_region_name, Api, ApiKind, AppClient, Authorizer, Identity, Method, UserPool,
};
use crate::error::{Error, Result};
use serde::Serialize;

/// The review of one API: every method with its protection, the authorizers, the summary.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ApiReview {
    pub api_id: String,
    pub kind: ApiKind,
    /// An HTTP API's built-in CORS configuration, which answers preflights before any route.
    pub cors: Option<String>,
    pub methods: Vec<MethodView>,
    /// Every authorizer, with the methods that use it.
    pub authorizers: Vec<AuthorizerView>,
    pub summary: Summary,
    /// The summary as the review screen reads it, e.g. "3 of 4 methods protected · 1 open (1 OPTIONS)".
    pub summary_line: String,
    /// "2 authorizers", "1 authorizer": the Authorizers view's count.
    pub authorizers_text: String,
    /// What each stage serves (and its canary), compared with the editor's methods above.
    pub stages: Vec<StageView>,
    /// What the stages serve that the editor does not, worst first: "prod serves 2 methods open
    /// that the editor protects — deploy to close them". Empty when every stage serves the editor.
    pub live_lines: Vec<String>,
    /// What the API list says of this API: open methods, a stage serving more first.
    pub list_count: crate::domain::live::ListCount,
    /// Why what the stages serve could not be read (the editor's review above still holds).
    pub stages_error: Option<crate::error::ErrorView>,
    /// What a browser would trip on: gateway responses without CORS headers, OPTIONS methods
    /// that require a token.
    pub browser: Vec<crate::domain::browser::BrowserIssue>,
}

impl ApiReview {
    /// An open method other than OPTIONS in the editor, on a stage or on a canary.
    pub fn any_open(&self) -> bool {
        self.summary.open_except_options() > 0 || self.stages.iter().any(StageView::serves_open)
    }
}

impl Core {
    pub async fn identity(&self, ctx: &Ctx) -> Result<Identity> {
        identity::caller_identity(&*self.session(ctx).await?).await
    }

    pub async fn apis(&self, ctx: &Ctx) -> Result<Vec<Api>> {
        gateway::list_apis(&*self.session(ctx).await?).await
    }

    /// Finds an API by id, else by exact name; two APIs of one name must be named by id.
    pub async fn find_api(&self, ctx: &Ctx, name_or_id: &str) -> Result<Api> {
        let apis = self.apis(ctx).await?;
        if let Some(api) = apis.iter().find(|a| a.id == name_or_id) {
            return Ok(api.clone());
        }
        let named: Vec<&Api> = apis.iter().filter(|a| a.name == name_or_id).collect();
        match named.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::NotFound(format!(
                "No API named or with id '{name_or_id}' in {}",
                ctx.region
            ))),
            many => Err(Error::invalid(
                "api",
                format!(
                    "{} APIs are named '{name_or_id}' ({}); name one by its id",
                    many.len(),
                    many.iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// The editor's review and what each stage serves: one read of the editor serves both.
    pub async fn review(&self, ctx: &Ctx, api_id: &str) -> Result<ApiReview> {
        let session = self.session(ctx).await?;
        let (mut review, methods, authorizers) = read_editor(&session, api_id).await?;
        // A REST API's gateway responses: what a browser gets for a refused token.
        match gateway::gateway_responses(&session, api_id).await {
            Ok(Some(responses)) => {
                review.browser = crate::domain::browser::issues(&methods, Some(&responses))
            }
            Ok(None) => {}
            Err(e) if matches!(e, Error::Expired(_) | Error::NoCredentials(_)) => return Err(e),
            Err(e) => review
                .browser
                .push(crate::domain::browser::BrowserIssue::unread(&e.to_string())),
        }
        match self
            .stages_served(&session, api_id, (&methods, &authorizers), &review.methods)
            .await
        {
            Ok(stages) => {
                review.live_lines = stages.iter().filter_map(|s| s.line.clone()).collect();
                review.list_count = crate::domain::live::ListCount::of(&review.summary, &stages);
                review.stages = stages;
            }
            Err(e) if matches!(e, Error::Expired(_) | Error::NoCredentials(_)) => return Err(e),
            Err(e) => review.stages_error = Some(e.view()),
        }
        Ok(review)
    }

    /// Every method and authorizer of the API, as AWS holds them now.
    pub async fn methods_and_authorizers_of(
        &self,
        ctx: &Ctx,
        api_id: &str,
    ) -> Result<(Vec<Method>, Vec<Authorizer>)> {
        methods_and_authorizers(&*self.session(ctx).await?, api_id).await
    }

    pub async fn pools(&self, ctx: &Ctx, pool_region: &str) -> Result<Vec<UserPool>> {
        check_region(pool_region)?;
        cognito::list_pools(&*self.session(ctx).await?, pool_region).await
    }

    /// Finds a user pool of a region by id, else by exact name; two pools of one name must be
    /// named by id.
    pub async fn find_pool(
        &self,
        ctx: &Ctx,
        pool_region: &str,
        name_or_id: &str,
    ) -> Result<UserPool> {
        let pools = self.pools(ctx, pool_region).await?;
        if let Some(p) = pools.iter().find(|p| p.id == name_or_id) {
            return Ok(p.clone());
        }
        let named: Vec<&UserPool> = pools.iter().filter(|p| p.name == name_or_id).collect();
        match named.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::NotFound(format!(
                "No user pool named or with id '{name_or_id}' in {pool_region}"
            ))),
            many => Err(Error::invalid(
                "pool",
                format!(
                    "{} user pools are named '{name_or_id}'; name one by its id",
                    many.len()
                ),
            )),
        }
    }

    pub async fn clients(
        &self,
        ctx: &Ctx,
        pool_region: &str,
        pool_id: &str,
    ) -> Result<Vec<AppClient>> {
        check_region(pool_region)?;
        cognito::list_clients(&*self.session(ctx).await?, pool_region, pool_id).await
    }

    pub async fn pool_arn(&self, ctx: &Ctx, pool_region: &str, pool_id: &str) -> Result<String> {
        check_region(pool_region)?;
        cognito::pool_arn(&*self.session(ctx).await?, pool_region, pool_id).await
    }
}

/// Every method (GetResources, embed=methods, 500 a page) and every authorizer, read together.
pub async fn methods_and_authorizers(
    session: &Session,
    api_id: &str,
) -> Result<(Vec<Method>, Vec<Authorizer>)> {
    tokio::try_join!(
        gateway::list_methods(session, api_id),
        gateway::list_authorizers(session, api_id)
    )
}

/// One GetResources pass (embed=methods, 500 a page) and one GetAuthorizers pass, together; on an
/// HTTP API, GetRoutes, GetAuthorizers and GetApi (its CORS configuration).
pub async fn review(session: &Session, api_id: &str) -> Result<ApiReview> {
    Ok(read_editor(session, api_id).await?.0)
}

/// The editor's review, with the methods and authorizers it was made from.
pub(super) async fn read_editor(
    session: &Session,
    api_id: &str,
) -> Result<(ApiReview, Vec<Method>, Vec<Authorizer>)> {
    let kind = gateway::api_kind(session, api_id).await?;
    let ((methods, authorizers), cors) = tokio::try_join!(
        methods_and_authorizers(session, api_id),
        gateway::cors(session, api_id)
    )?;
    let summary = audit::summarize(&methods);
    let review = ApiReview {
        api_id: api_id.to_string(),
        kind,
        cors,
        summary_line: summary.line(),
        summary,
        authorizers_text: audit::authorizers_text(authorizers.len()),
        methods: audit::review(&methods, &authorizers),
        authorizers: audit::authorizer_views(&methods, &authorizers),
        stages: vec![],
        live_lines: vec![],
        list_count: crate::domain::live::ListCount::of(&summary, &[]),
        stages_error: None,
        browser: crate::domain::browser::issues(&methods, None),
    };
    Ok((review, methods, authorizers))
}

fn check_region(region: &str) -> Result<()> {
    if is_region_name(region) {
        Ok(())
    } else {
        Err(Error::invalid(
            "region",
            format!("'{region}' is not a region name (for example eu-west-1)"),
        ))
    }
}
