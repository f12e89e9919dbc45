//! CloudFormation: the template a stack was made from, which of its resources is an API, and a
//! change set with a patched template (created, never executed).

use super::session::Session;
use crate::error::Result;
use aws_sdk_cloudformation::types::{Capability, ChangeSetType, Parameter, TemplateStage};

/// The template the stack was created or last updated from, as written (`Original`: for a SAM
/// stack, the SAM source before its transform).
pub async fn original_template(session: &Session, stack: &str) -> Result<String> {
    let out = session
        .cloudformation()
        .get_template()
        .stack_name(stack)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(out.template_body().unwrap_or_default().to_string())
}

/// The logical id the stack gives the resource whose physical id is `physical_id`.
pub async fn logical_id_of(
    session: &Session,
    stack: &str,
    physical_id: &str,
) -> Result<Option<String>> {
    let mut pages = session
        .cloudformation()
        .list_stack_resources()
        .stack_name(stack)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| session.map_err(e))?;
        if let Some(r) = page
            .stack_resource_summaries()
            .iter()
            .find(|r| r.physical_resource_id() == Some(physical_id))
        {
            return Ok(r.logical_resource_id().map(String::from));
        }
    }
    Ok(None)
}

/// Creates an UPDATE change set with `body` as the stack's new template, every parameter the
/// stack has kept at its previous value; its id. The change set is left for the user to review
/// and execute.
pub async fn create_change_set(
    session: &Session,
    stack: &str,
    name: &str,
    body: &str,
    description: &str,
) -> Result<String> {
    let client = session.cloudformation();
    let described = client
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    let parameters: Vec<Parameter> = described
        .stacks()
        .first()
        .map(|s| s.parameters())
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.parameter_key())
        .map(|key| {
            Parameter::builder()
                .parameter_key(key)
                .use_previous_value(true)
                .build()
        })
        .collect();
    let out = client
        .create_change_set()
        .stack_name(stack)
        .change_set_name(name)
        .change_set_type(ChangeSetType::Update)
        .template_body(body)
        .description(description)
        .set_parameters(Some(parameters))
        .capabilities(Capability::CapabilityIam)
        .capabilities(Capability::CapabilityNamedIam)
        .capabilities(Capability::CapabilityAutoExpand)
        .send()
        .await
        .map_err(|e| session.map_err(e))?;
    Ok(out.id().unwrap_or_default().to_string())
}
