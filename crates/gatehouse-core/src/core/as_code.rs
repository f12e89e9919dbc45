//! A protect written as code instead of sent to API Gateway: the owning template patched (the
//! user's own file, or the stack's deployed template), its diff, and when asked a CloudFormation
//! change set to review — never executed. And an API's protection exported as code.

use super::protect::{select, PoolChoice};
use super::requests::{Methods, ProtectRequest};
use super::state::{Core, Ctx};
use crate::aws::{cloudformation, gateway};
use crate::domain::live::NOT_EXPORTED;
use crate::domain::model::{pool_issuer, Api, ApiKind, Authorizer, AuthorizerInput, Method};
use crate::domain::plan;
use crate::domain::template::spec::TemplateFormat;
use crate::domain::template::spec::{AuthorizerCode, CodeChange, ExportInput, MethodRef, Patched};
use crate::domain::template::{self, terraform_add};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// CloudFormation takes a template body of at most this many bytes in a request.
const TEMPLATE_BODY_MAX: usize = 51_200;

/// A template the user gave: its file name (which tells Terraform from the rest) and text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct TemplateFile {
    pub name: String,
    pub text: String,
}

impl TemplateFile {
    /// The template at `path` (the user named it), with its file name, which tells Terraform
    /// from the rest.
    pub fn read(path: &std::path::Path) -> Result<TemplateFile> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::invalid(
                "template",
                format!("Cannot read the template {}: {e}", path.display()),
            )
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| path.display().to_string());
        Ok(TemplateFile { name, text })
    }
}

/// Protect as code: the protect's own choices, the template (None: the stack's), and the
/// change set to create with the patched template.
#[derive(Debug, Clone)]
pub struct AsCodeRequest {
    pub protect: ProtectRequest,
    pub template: Option<TemplateFile>,
    pub change_set: Option<String>,
}

/// A change set made with the patched template, and how the user reviews and executes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct ChangeSetMade {
    pub stack: String,
    pub name: String,
    pub id: String,
    /// `aws cloudformation describe-change-set …`
    pub review: String,
    /// `aws cloudformation execute-change-set …`
    pub execute: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct AsCodeOutcome {
    pub api: Api,
    /// Where the template came from: "pets.yaml", "stack pets-prod (its deployed template)".
    pub source: String,
    /// The file name the patched template is shown and saved under.
    pub name: String,
    /// "CloudFormation (YAML) from stack pets-prod (its deployed template): protecting GET /pets",
    /// or why nothing was patched.
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stack: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub patched: Option<Patched>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub change_set: Option<ChangeSetMade>,
    /// Why nothing was patched (no method selected).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub nothing_to_do: Option<String>,
}

/// What `gatehouse export` and the window's Export give back.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct Exported {
    pub format: String,
    pub name: String,
    pub text: String,
    /// CloudFormation: the `--resources-to-import` list for an IMPORT change set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub import_list: Option<String>,
}

/// Everything a template patch needs once the authorizer is known.
struct AsCode {
    api: Api,
    keys: Vec<String>,
    methods: Vec<Method>,
    authorizer: AuthorizerCode,
    scopes: Vec<String>,
    template: Option<TemplateFile>,
    change_set: Option<String>,
    /// Why nothing is patched when no method is chosen.
    nothing: &'static str,
}

/// An authorizer the API has, as a template declares one like it.
fn code_of(a: &Authorizer, kind: ApiKind) -> AuthorizerCode {
    let defaults = plan::authorizer_defaults(kind);
    AuthorizerCode {
        name: a.name.clone(),
        provider_arns: a.provider_arns.clone(),
        identity_source: a
            .identity_source
            .clone()
            .unwrap_or(defaults.identity_source),
        identity_validation_expression: a
            .identity_validation_expression
            .clone()
            .unwrap_or_default(),
        ttl_seconds: a.ttl_seconds.unwrap_or(defaults.ttl_seconds),
        issuer: a.issuer.clone().unwrap_or_default(),
        audience: a.audience.clone(),
    }
}

/// A change set's name as CloudFormation allows it: a letter, then letters, digits and hyphens,
/// at most 128.
pub fn check_change_set_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "change-set",
            format!("'{name}' is not a change set name: a letter, then letters, digits and hyphens (at most 128)."),
        ))
    }
}

/// The window's "Change the template": the selected methods, the authorizer they get (one the
/// API has, or a pool's new one), and the template (None: the stack's).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[derive(TS)]
pub struct TemplateChangeRequest {
    pub api_id: String,
    pub methods: Vec<String>,
    pub authorizer: AuthorizerChoice,
    pub scopes: Vec<String>,
    #[serde(default)]
    #[ts(optional)]
    pub template: Option<TemplateFile>,
    #[serde(default)]
    #[ts(optional)]
    pub change_set: Option<String>,
}

/// The authorizer a template change declares.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[derive(TS)]
pub enum AuthorizerChoice {
    /// One the API already has in AWS, by id: the template gets one like it.
    #[serde(rename_all = "camelCase")]
    Existing { authorizer_id: String },
    /// A new one for a pool, as the authorizer dialog wrote it.
    #[serde(rename_all = "camelCase")]
    New {
        pool_region: String,
        pool_id: String,
        input: AuthorizerInput,
    },
}

impl Core {
    /// Writes a protect into the API's template. Nothing is sent to API Gateway; CloudFormation
    /// is read for the stack's template (unless one is given) and written only for the change set.
    pub async fn protect_as_code(&self, req: AsCodeRequest) -> Result<AsCodeOutcome> {
        if let Some(name) = &req.change_set {
            check_change_set_name(name)?;
        }
        let p = &req.protect;
        let ctx = &p.ctx;
        let api = self.find_api(ctx, &p.api).await?;
        let PoolChoice {
            pool_region,
            pool,
            input,
        } = self.pool_choice(p, &api).await?;
        let (methods, authorizers) = self.methods_and_authorizers_of(ctx, &api.id).await?;
        let keys = select(&methods, &authorizers, &p.methods, &api)?;
        let authorizer = self
            .new_authorizer_code(ctx, &api, &pool_region, &pool.id, &input)
            .await?;
        let nothing = match p.methods {
            Methods::AllOpen => "No open method to protect (OPTIONS excepted).",
            _ => "No method is selected.",
        };
        let code = AsCode {
            api,
            keys,
            methods,
            authorizer,
            scopes: p.scopes.clone(),
            template: req.template,
            change_set: req.change_set,
            nothing,
        };
        self.write_as_code(ctx, code).await
    }

    /// The window's "Change the template": the same, from the review's selection.
    pub async fn template_change(
        &self,
        ctx: &Ctx,
        req: TemplateChangeRequest,
    ) -> Result<AsCodeOutcome> {
        if let Some(name) = &req.change_set {
            check_change_set_name(name)?;
        }
        let api = self.find_api(ctx, &req.api_id).await?;
        let (methods, authorizers) = self.methods_and_authorizers_of(ctx, &api.id).await?;
        let keys = select(
            &methods,
            &authorizers,
            &Methods::Listed {
                keys: req.methods.clone(),
            },
            &api,
        )?;
        let authorizer = match &req.authorizer {
            AuthorizerChoice::Existing { authorizer_id } => {
                let a = authorizers
                    .iter()
                    .find(|a| &a.id == authorizer_id)
                    .ok_or_else(|| {
                        Error::NotFound(format!(
                            "{} has no authorizer {authorizer_id} any more: read the API again.",
                            api.name
                        ))
                    })?;
                code_of(a, api.kind)
            }
            AuthorizerChoice::New {
                pool_region,
                pool_id,
                input,
            } => {
                if let Some(e) = plan::validate_authorizer(input).into_iter().next() {
                    return Err(e);
                }
                self.new_authorizer_code(ctx, &api, pool_region, pool_id, input)
                    .await?
            }
        };
        let code = AsCode {
            api,
            keys,
            methods,
            authorizer,
            scopes: req.scopes,
            template: req.template,
            change_set: req.change_set,
            nothing: "No method is selected.",
        };
        self.write_as_code(ctx, code).await
    }

    /// A new authorizer for a pool, as a template declares it.
    async fn new_authorizer_code(
        &self,
        ctx: &Ctx,
        api: &Api,
        pool_region: &str,
        pool_id: &str,
        input: &AuthorizerInput,
    ) -> Result<AuthorizerCode> {
        let pool_arn = match api.kind {
            ApiKind::Http => String::new(),
            _ => self.pool_arn(ctx, pool_region, pool_id).await?,
        };
        Ok(AuthorizerCode {
            name: input.name.trim().to_string(),
            provider_arns: if pool_arn.is_empty() {
                vec![]
            } else {
                vec![pool_arn]
            },
            identity_source: input.identity_source.clone(),
            identity_validation_expression: input.client_id_regex.clone(),
            ttl_seconds: input.ttl_seconds,
            issuer: pool_issuer(pool_region, pool_id),
            audience: input.audience.clone(),
        })
    }

    /// Finds the template, patches it, and makes the change set when asked.
    async fn write_as_code(&self, ctx: &Ctx, code: AsCode) -> Result<AsCodeOutcome> {
        let AsCode {
            api,
            keys,
            methods,
            authorizer,
            scopes,
            template,
            change_set,
            nothing,
        } = code;
        let stack = api.managed_by.as_ref().and_then(|m| m.stack.clone());
        let terraform = api
            .managed_by
            .as_ref()
            .and_then(|m| m.tool.as_deref())
            .is_some_and(|t| t == "terraform");
        if change_set.is_some() && stack.is_none() {
            return Err(Error::invalid(
                "change-set",
                format!(
                    "{} is not owned by a CloudFormation stack: there is no stack to make a change set on.",
                    api.name
                ),
            ));
        }
        let (file, source, api_logical) = match (template, &stack) {
            (Some(file), _) => {
                let source = file.name.clone();
                (file, source, None)
            }
            (None, Some(stack)) => {
                let session = self.session(ctx).await?;
                let text = cloudformation::original_template(&session, stack).await?;
                let logical = cloudformation::logical_id_of(&session, stack, &api.id).await?;
                let json = text.trim_start().starts_with('{');
                let file = TemplateFile {
                    name: format!("{stack}.{}", if json { "json" } else { "yaml" }),
                    text,
                };
                (file, format!("stack {stack} (its deployed template)"), logical)
            }
            (None, None) if terraform => {
                // No file to patch: the HCL to add, as a file of its own.
                let file = TemplateFile {
                    name: format!("{}.tf", crate::domain::template::spec::terraform_name(&api.name)),
                    text: String::new(),
                };
                (file, "Terraform (no configuration given)".to_string(), None)
            }
            (None, None) => {
                return Err(Error::invalid(
                    "template",
                    format!(
                        "{} is not owned by a CloudFormation stack: give its template with --template FILE (CloudFormation, SAM or Terraform).",
                        api.name
                    ),
                ))
            }
        };
        let mut outcome = AsCodeOutcome {
            api: api.clone(),
            source,
            name: file.name.clone(),
            summary: nothing.to_string(),
            stack: stack.clone(),
            patched: None,
            change_set: None,
            nothing_to_do: None,
        };
        if keys.is_empty() {
            outcome.nothing_to_do = Some(nothing.to_string());
            return Ok(outcome);
        }
        let change = CodeChange {
            api_name: api.name.clone(),
            api_id: api.id.clone(),
            kind: api.kind,
            methods: keys
                .iter()
                .filter_map(|k| methods.iter().find(|m| &m.key() == k))
                .map(|m| MethodRef::new(&m.verb, &m.path))
                .collect(),
            authorizer,
            scopes,
        };
        let patched = if terraform && file.text.is_empty() {
            Patched {
                format: TemplateFormat::Terraform,
                text: terraform_add::to_add(&change),
                diff: String::new(),
                changed: keys.clone(),
                already: vec![],
                notes: vec![format!(
                    "{} is managed by Terraform and no configuration was given: this is the HCL to add (--template main.tf patches the file in place).",
                    api.name
                )],
            }
        } else {
            template::patch(&file.name, &file.text, &change, api_logical.as_deref())?
        };
        outcome.summary = format!(
            "{} from {}: {}",
            patched.format.label(),
            outcome.source,
            if patched.changed.is_empty() {
                "already as asked, nothing to change".to_string()
            } else {
                format!("protecting {}", patched.changed.join(", "))
            }
        );
        if let (Some(name), Some(stack)) = (&change_set, &stack) {
            outcome.change_set = Some(
                self.change_set(ctx, stack, name, &file.name, &patched, &change)
                    .await?,
            );
        }
        outcome.patched = Some(patched);
        Ok(outcome)
    }

    /// Creates the change set with a patched template, after checking it would change something
    /// and fits in a request.
    async fn change_set(
        &self,
        ctx: &Ctx,
        stack: &str,
        name: &str,
        file_name: &str,
        patched: &Patched,
        change: &CodeChange,
    ) -> Result<ChangeSetMade> {
        if file_name.ends_with(".tf") {
            return Err(Error::invalid(
                "change-set",
                "A Terraform configuration has no CloudFormation change set: apply it with terraform.",
            ));
        }
        if patched.changed.is_empty() {
            return Err(Error::invalid(
                "change-set",
                "The template already protects these methods so: a change set would change nothing.",
            ));
        }
        if patched.text.len() > TEMPLATE_BODY_MAX {
            return Err(Error::invalid(
                "change-set",
                format!(
                    "The patched template is {} bytes; CloudFormation takes at most {TEMPLATE_BODY_MAX} in a request. Save it, upload it to S3 and create the change set with --template-url.",
                    patched.text.len()
                ),
            ));
        }
        let session = self.session(ctx).await?;
        let description = format!(
            "Gatehouse: protect {} of {} with {}",
            patched.changed.join(", "),
            change.api_name,
            change.authorizer.name
        );
        let description: String = description.chars().take(1024).collect();
        let id =
            cloudformation::create_change_set(&session, stack, name, &patched.text, &description)
                .await?;
        let region = &ctx.region;
        Ok(ChangeSetMade {
            review: format!(
                "aws cloudformation describe-change-set --region {region} --stack-name {stack} --change-set-name {name}"
            ),
            execute: format!(
                "aws cloudformation execute-change-set --region {region} --stack-name {stack} --change-set-name {name}"
            ),
            stack: stack.to_string(),
            name: name.to_string(),
            id,
        })
    }

    /// An API's authorizers and method protection as code, as the editor holds them or as a
    /// stage serves them.
    pub async fn export(
        &self,
        ctx: &Ctx,
        api: &str,
        format: &str,
        stage: Option<&str>,
    ) -> Result<Exported> {
        template::check_export_format(format)?;
        let api = self.find_api(ctx, api).await?;
        let (mut methods, mut authorizers) = self.methods_and_authorizers_of(ctx, &api.id).await?;
        if let Some(stage) = stage {
            let session = self.session(ctx).await?;
            let stages = gateway::stage_infos(&session, &api.id).await?;
            let info = stages.iter().find(|s| s.name == stage).ok_or_else(|| {
                Error::invalid(
                    "stage",
                    format!(
                        "{} has no stage {stage}; its stages: {}",
                        api.name,
                        stages
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            let deployment = info.deployment_id.clone().ok_or_else(|| {
                Error::NotFound(format!(
                    "Stage {stage} of {} serves no deployment yet.",
                    api.name
                ))
            })?;
            let served = gateway::served(
                &session,
                &api.id,
                stage,
                &deployment,
                true,
                (&methods, &authorizers),
            )
            .await?;
            // The stage's export cannot name the authorizer of a method OpenAPI cannot hold (a
            // custom verb): its deployment says the type, and the editor's method of that type
            // names the authorizer.
            let editor = methods;
            methods = served
                .methods
                .into_iter()
                .map(|mut m| {
                    let unnamed = served
                        .authorizers
                        .iter()
                        .any(|a| Some(&a.id) == m.authorizer_id.as_ref() && a.name == NOT_EXPORTED);
                    if unnamed {
                        if let Some(e) = editor.iter().find(|e| {
                            e.key() == m.key() && e.authorization_type == m.authorization_type
                        }) {
                            m.authorizer_id = e.authorizer_id.clone();
                        }
                    }
                    m
                })
                .collect();
            // Authorizers the stage names are the editor's (by id) when they still exist.
            for a in served.authorizers {
                let used = methods
                    .iter()
                    .any(|m| m.authorizer_id.as_ref() == Some(&a.id));
                if used && !authorizers.iter().any(|e| e.id == a.id) {
                    authorizers.push(a);
                }
            }
        }
        let input = ExportInput {
            api,
            region: ctx.region.clone(),
            methods,
            authorizers,
            stage: stage.map(String::from),
        };
        let (name, text) = template::export_as(format, &input)?;
        let import_list = (format == "cloudformation")
            .then(|| template::export::cloudformation_import_list(&input));
        Ok(Exported {
            format: format.to_string(),
            name,
            text,
            import_list,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_set_names_follow_cloudformation() {
        assert!(check_change_set_name("gatehouse-protect-1").is_ok());
        for bad in ["", "1st", "has space", "under_score", &"a".repeat(129)] {
            let e = check_change_set_name(bad).unwrap_err();
            assert_eq!(e.kind(), "invalid", "{bad}");
        }
    }
}
