//! The token check: "will this token get through?" — a token pasted or signed in for, decoded,
//! its signature checked against the issuer pool's keys, every method of an API judged, and one
//! authorizer asked in AWS (TestInvokeAuthorizer). Tokens and passwords are held only for the
//! call: never logged, journaled or written; the request types print no secret when debugged.

use super::read::methods_and_authorizers;
use super::state::{Core, Ctx};
use crate::aws::{cognito, gateway, jwks};
use crate::domain::claims::{self, Signature, TokenInfo, TokenUse};
use crate::domain::model::AuthType;
use crate::domain::model::{is_region_name, AppClient, Authorizer, Method};
use crate::domain::plan::normalize_key;
use crate::domain::verdict::{self, MethodVerdict, Verdict, VerdictSummary};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Judge a token on an API's methods (all of them, or those named "GET /pets").
#[derive(Clone, Deserialize, TS, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
pub struct CheckTokenRequest {
    pub api_id: String,
    pub token: String,
    /// Method keys ("GET /pets"); none means every method.
    #[serde(default)]
    pub methods: Option<Vec<String>>,
    /// Judge the methods as this stage serves them (its deployment); None: as the editor holds them.
    #[serde(default)]
    #[ts(optional)]
    pub stage: Option<String>,
}

/// Sign in as a user of a pool to get an ID and an access token.
#[derive(Clone, Deserialize, TS, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    pub pool_region: String,
    pub pool_id: String,
    pub client_id: String,
    pub username: String,
    pub password: String,
}

/// Ask AWS's own authorizer test about one method.
#[derive(Clone, Deserialize, TS, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
pub struct AwsTestRequest {
    pub api_id: String,
    pub path: String,
    pub verb: String,
    pub token: String,
}

macro_rules! no_secrets_in_debug {
    ($($t:ty),*) => { $(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($t), " { .. }"))
            }
        }
    )* };
}
no_secrets_in_debug!(CheckTokenRequest, SignInRequest, AwsTestRequest);

/// The verdicts on every method for one token.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenCheck {
    pub token: TokenInfo,
    pub methods: Vec<MethodVerdict>,
    pub summary: VerdictSummary,
    /// "Allowed on 3 of 6 methods · refused on 2 · open 1".
    pub summary_line: String,
    /// Said when the journal holds changes to this API not deployed yet.
    pub undeployed_note: Option<String>,
    /// The stage the verdicts are for; None: the editor.
    pub stage: Option<String>,
    /// With a stage: each method where the editor would decide otherwise, in words ("GET /pets:
    /// the editor would allow it (Cognito · PetsPool) — not deployed to prod").
    pub editor_differs: Vec<String>,
    /// `https://API.execute-api.REGION.amazonaws.com/STAGE` when a stage is deployed (no
    /// `/STAGE` for an HTTP API's `$default` stage).
    pub invoke_base: Option<String>,
    /// The header each authorizer-protected method reads the token from ("Authorization").
    pub headers: BTreeMap<String, String>,
    /// Method key → the curl line to call it on `invoke_base`, for each method of `headers`
    /// when a stage is deployed. The line holds no token: it reads one with echo off.
    pub curl: BTreeMap<String, String>,
}

/// The two tokens of a sign-in.
#[derive(Clone, Serialize, TS, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
pub struct SignInTokens {
    pub id_token: String,
    pub access_token: String,
    /// USER_PASSWORD_AUTH or ADMIN_USER_PASSWORD_AUTH.
    pub flow: String,
}
no_secrets_in_debug!(SignInTokens);

/// AWS's authorizer test beside Gatehouse's verdict.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AwsTest {
    pub method: String,
    pub authorizer: String,
    /// 200 let through, 401 refused; None when AWS was not asked (see `note`).
    pub client_status: Option<i32>,
    #[ts(type = "number | null")]
    pub latency_ms: Option<i64>,
    pub claims: BTreeMap<String, String>,
    pub log: String,
    pub verdict: Verdict,
    /// AWS's answer and Gatehouse's verdict agree (always true when AWS was not asked).
    pub agrees: bool,
    /// What the answer means, in one line.
    pub note: String,
}

impl Core {
    /// Decodes the token, checks its signature against its pool's keys, and judges the methods.
    pub async fn check_token(&self, ctx: &Ctx, req: &CheckTokenRequest) -> Result<TokenCheck> {
        Ok(self.judged(ctx, req).await?.0)
    }

    /// The check, with the methods and authorizers it judged.
    async fn judged(
        &self,
        ctx: &Ctx,
        req: &CheckTokenRequest,
    ) -> Result<(TokenCheck, Vec<Method>, Vec<Authorizer>)> {
        let decoded = claims::decode(&req.token)?;
        let session = self.session(ctx).await?;
        let (signature, signature_text, pool_name) = match decoded.pool() {
            Some((region, pool)) => {
                let url = jwks::jwks_url(&session, &region, &pool);
                // The name is for the reader only: a profile that may not read the pool still
                // gets its verdicts.
                let (keys, name) = tokio::join!(
                    jwks::fetch(url),
                    cognito::pool_name(&session, &region, &pool)
                );
                let (signature, text) = match keys {
                    Ok(doc) => claims::verify(&decoded, &doc),
                    Err(why) => (
                        Signature::Unverified,
                        format!("the pool's keys could not be fetched: {why}"),
                    ),
                };
                (signature, text, name.ok())
            }
            None => (
                Signature::Unverified,
                "the issuer is not a Cognito user pool, so there are no keys to check it with"
                    .to_string(),
                None,
            ),
        };
        // The stages' names and whether each serves a deployment (for the curl lines): from
        // GetStages for the editor's verdicts, from what the stages serve for a stage's.
        let editor_read = methods_and_authorizers(&session, &req.api_id);
        let ((editor_methods, editor_authorizers), mut stages) = match &req.stage {
            None => {
                let (editor, stages) =
                    tokio::try_join!(editor_read, gateway::list_stages(&session, &req.api_id))?;
                let stages = stages
                    .into_iter()
                    .map(|s| (s.name, s.deployment_id.is_some()))
                    .collect();
                (editor, stages)
            }
            Some(_) => (editor_read.await?, vec![]),
        };
        let now = crate::local::journal::now_s();
        // One read of the editor serves the verdicts for it and for the stage asked about.
        let (methods, authorizers, editor_differs) = match &req.stage {
            None => (editor_methods, editor_authorizers, vec![]),
            Some(name) => {
                let views = crate::domain::audit::review(&editor_methods, &editor_authorizers);
                let served = self
                    .stages_served(
                        &session,
                        &req.api_id,
                        (&editor_methods, &editor_authorizers),
                        &views,
                    )
                    .await?;
                stages = served
                    .iter()
                    .map(|s| (s.name.clone(), s.deployment_id.is_some()))
                    .collect();
                let Some(view) = served.into_iter().find(|s| &s.name == name) else {
                    let names: Vec<&str> = stages.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(Error::invalid(
                        "stage",
                        format!(
                            "No stage named '{name}' (the API's stages: {})",
                            names.join(", ")
                        ),
                    ));
                };
                let served: Vec<Method> = view.methods.iter().map(|v| v.method.clone()).collect();
                let served = chosen(served, req.methods.as_deref())?;
                let editor = chosen(editor_methods, req.methods.as_deref())?;
                let at_editor =
                    verdict::judge(&decoded, signature, now, &editor, &editor_authorizers);
                let at_stage = verdict::judge(&decoded, signature, now, &served, &view.authorizers);
                let differs = verdict::differences(&at_stage, &at_editor, name);
                (served, view.authorizers, differs)
            }
        };
        let methods = chosen(methods, req.methods.as_deref())?;
        let verdicts = verdict::judge(&decoded, signature, now, &methods, &authorizers);
        let summary = VerdictSummary::of(&verdicts);
        let pending: usize = match req.stage {
            Some(_) => 0,
            None => self
                .undeployed(ctx, &req.api_id)?
                .iter()
                // Methods only: a CORS fix changes gateway responses, not verdicts.
                .map(|a| {
                    a.methods
                        .iter()
                        .filter(|m| m.status == Some(crate::local::journal::Outcome::Changed))
                        .count()
                })
                .sum(),
        };
        let stage = match &req.stage {
            Some(name) => stages.iter().map(|(n, _)| n).find(|n| *n == name),
            None => stages
                .iter()
                .filter(|(_, deployed)| *deployed)
                .map(|(n, _)| n)
                .max_by_key(|n| *n == "prod"),
        };
        let headers = authorizers
            .iter()
            .filter_map(|a| {
                let source = a.identity_source.as_deref()?;
                let h = source
                    .strip_prefix("method.request.header.")
                    .or_else(|| source.strip_prefix("$request.header."))?;
                Some((a.id.clone(), h.to_string()))
            })
            .collect();
        let mut info = decoded.info(signature, signature_text, now);
        info.pool_name = pool_name;
        let invoke_base = stage.map(|s| {
            let host = format!(
                "https://{}.execute-api.{}.amazonaws.com",
                req.api_id, ctx.region
            );
            // An HTTP API's $default stage serves the API's root: no stage in its URLs.
            match s.as_str() {
                "$default" => host,
                name => format!("{host}/{name}"),
            }
        });
        let headers = authorizers_by_method(&methods, headers);
        let curl = match &invoke_base {
            Some(base) => methods
                .iter()
                .filter_map(|m| {
                    let header = headers.get(&m.key())?;
                    Some((m.key(), claims::curl_line(base, &m.verb, &m.path, header)))
                })
                .collect(),
            None => BTreeMap::new(),
        };
        let check = TokenCheck {
            token: info,
            summary_line: summary.line(),
            summary,
            methods: verdicts,
            undeployed_note: (pending > 0).then(|| {
                format!(
                    "These verdicts are what AWS will do after you deploy: Gatehouse changed {pending} {} of this API since its last deployment.",
                    if pending == 1 { "method" } else { "methods" }
                )
            }),
            invoke_base,
            headers,
            curl,
            stage: req.stage.clone(),
            editor_differs,
        };
        Ok((check, methods, authorizers))
    }

    /// Signs a user in and returns both tokens (they are not kept).
    pub async fn sign_in(&self, ctx: &Ctx, req: &SignInRequest) -> Result<SignInTokens> {
        if !is_region_name(&req.pool_region) {
            return Err(Error::invalid(
                "poolRegion",
                format!("'{}' is not a region name", req.pool_region),
            ));
        }
        for (field, value, what) in [
            ("pool", &req.pool_id, "Choose a user pool"),
            ("client", &req.client_id, "Choose an app client"),
            ("username", &req.username, "Enter the username"),
            ("password", &req.password, "Enter the password"),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid(field, what));
            }
        }
        let session = self.session(ctx).await?;
        let mut signed = cognito::sign_in(
            &session,
            &req.pool_region,
            &req.pool_id,
            &req.client_id,
            req.username.trim(),
            &req.password,
        )
        .await?;
        Ok(SignInTokens {
            id_token: std::mem::take(&mut signed.id_token),
            access_token: std::mem::take(&mut signed.access_token),
            flow: signed.flow.to_string(),
        })
    }

    /// TestInvokeAuthorizer for the method's authorizer, beside Gatehouse's own verdict. AWS's
    /// test handles ID tokens only: for an access token it is not asked, and the note says why.
    pub async fn test_in_aws(&self, ctx: &Ctx, req: &AwsTestRequest) -> Result<AwsTest> {
        let key = normalize_key(&crate::domain::model::method_key(&req.verb, &req.path));
        let (mut check, methods, authorizers) = self
            .judged(
                ctx,
                &CheckTokenRequest {
                    api_id: req.api_id.clone(),
                    token: req.token.clone(),
                    methods: Some(vec![key.clone()]),
                    stage: None,
                },
            )
            .await?;
        let (verdict, method) = (check.methods.remove(0), &methods[0]);
        let authorizer = method
            .authorizer_id
            .as_deref()
            .and_then(|id| authorizers.iter().find(|a| a.id == id))
            .filter(|a| {
                method.authorization_type == AuthType::CognitoUserPools
                    && a.kind == "COGNITO_USER_POOLS"
            })
            .ok_or_else(|| {
                Error::invalid(
                    "method",
                    format!("{key} has no Cognito authorizer: AWS's authorizer test needs one"),
                )
            })?;
        let not_asked = |note: String| AwsTest {
            method: key.clone(),
            authorizer: authorizer.name.clone(),
            client_status: None,
            latency_ms: None,
            claims: BTreeMap::new(),
            log: String::new(),
            verdict: verdict.verdict,
            agrees: true,
            note,
        };
        if check.token.token_use == TokenUse::Access {
            return Ok(not_asked(
                "AWS's authorizer test handles ID tokens only: it answers 401 to every access token, even one the method accepts. Gatehouse's verdict stands; try the curl line on the deployed stage."
                    .into(),
            ));
        }
        let header = authorizer
            .identity_source
            .as_deref()
            .and_then(|s| s.strip_prefix("method.request.header."))
            .unwrap_or("Authorization");
        let token = claims::decode(&req.token)?.compact;
        let session = self.session(ctx).await?;
        let answer =
            gateway::test_invoke_authorizer(&session, &req.api_id, &authorizer.id, header, &token)
                .await?;
        let aws_allows = answer.client_status == 200;
        // Scopes are a method setting: the authorizer test does not see them.
        let comparable = method.scopes.is_empty();
        let ours_allows = verdict.verdict == Verdict::Allow;
        let agrees = !comparable || aws_allows == ours_allows;
        let note = match (comparable, aws_allows, agrees) {
            (false, _, _) => format!(
                "AWS's test checks the token against authorizer {} only; the method's OAuth scopes are checked when a request arrives",
                authorizer.name
            ),
            (true, true, true) => "AWS lets the token through, as Gatehouse said".into(),
            (true, false, true) => "AWS refuses the token, as Gatehouse said".into(),
            (true, true, false) => format!("AWS lets the token through, but Gatehouse said: {}", verdict.reason),
            (true, false, false) => "AWS refuses the token although Gatehouse allows it: see AWS's log".into(),
        };
        Ok(AwsTest {
            method: key,
            authorizer: authorizer.name.clone(),
            client_status: Some(answer.client_status),
            latency_ms: Some(answer.latency_ms),
            claims: answer.claims,
            log: answer.log,
            verdict: verdict.verdict,
            agrees,
            note,
        })
    }
}

/// The app client `wanted` names: by id, else by exact name. Two clients of one name are
/// ambiguous and refused, listing their ids, as two APIs or pools of one name are; None when
/// no client has that id or name (each caller says so in its own words).
pub fn client_named<'a>(
    clients: &'a [AppClient],
    wanted: &str,
    pool_name: &str,
    field: &str,
) -> Result<Option<&'a AppClient>> {
    if let Some(c) = clients.iter().find(|c| c.id == wanted) {
        return Ok(Some(c));
    }
    let named: Vec<&AppClient> = clients.iter().filter(|c| c.name == wanted).collect();
    match named.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(Error::invalid(
            field,
            format!(
                "{} app clients of {pool_name} are named '{wanted}' ({}); name one by its id",
                many.len(),
                many.iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The methods named (in the API's order), or all; a name that matches none is refused.
fn chosen(methods: Vec<Method>, keys: Option<&[String]>) -> Result<Vec<Method>> {
    let Some(keys) = keys.filter(|k| !k.is_empty()) else {
        return Ok(methods);
    };
    let wanted: Vec<String> = keys.iter().map(|k| normalize_key(k)).collect();
    if let Some(missing) = wanted
        .iter()
        .find(|k| !methods.iter().any(|m| &m.key() == *k))
    {
        return Err(Error::invalid(
            "methods",
            format!("No method {missing} in this API"),
        ));
    }
    Ok(methods
        .into_iter()
        .filter(|m| wanted.contains(&m.key()))
        .collect())
}

/// Method key → the header its authorizer reads.
fn authorizers_by_method(
    methods: &[Method],
    header_of_authorizer: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    methods
        .iter()
        .filter_map(|m| {
            let h = header_of_authorizer.get(m.authorizer_id.as_deref()?)?;
            Some((m.key(), h.clone()))
        })
        .collect()
}
