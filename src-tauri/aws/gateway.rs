//! API Gateway: REST APIs, their methods (one GetResources pass) and authorizers.

use super::session::Session;
use crate::error::Result;
use crate::model::{Authorizer, Method, RestApi};

/// `GetResources` and `GetRestApis` accept up to 500 per page.
const PAGE: i32 = 500;

pub async fn list_apis(session: &Session) -> Result<Vec<RestApi>> {
    let mut pages = session
        .gateway
        .get_rest_apis()
        .limit(PAGE)
        .into_paginator()
        .send();
    let mut apis = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| session.map_err(e))?;
        apis.extend(page.items().iter().map(|a| RestApi {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            description: a.description().map(str::to_string),
        }));
    }
    apis.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(apis)
}

/// Every method of the API, from `GetResources` with `embed=methods`: one call per 500 resources.
pub async fn list_methods(session: &Session, api_id: &str) -> Result<Vec<Method>> {
    let mut pages = session
        .gateway
        .get_resources()
        .rest_api_id(api_id)
        .embed("methods")
        .limit(PAGE)
        .into_paginator()
        .send();
    let mut methods = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| session.map_err(e))?;
        for resource in page.items() {
            let path = resource.path().unwrap_or("/").to_string();
            let resource_id = resource.id().unwrap_or_default().to_string();
            for (verb, m) in resource.resource_methods().into_iter().flatten() {
                methods.push(Method {
                    resource_id: resource_id.clone(),
                    path: path.clone(),
                    verb: m.http_method().unwrap_or(verb).to_string(),
                    authorization_type: m.authorization_type().unwrap_or("NONE").to_string(),
                    authorizer_id: m.authorizer_id().map(str::to_string),
                    scopes: m.authorization_scopes().to_vec(),
                    api_key_required: m.api_key_required().unwrap_or(false),
                });
            }
        }
    }
    Ok(methods)
}

pub async fn list_authorizers(session: &Session, api_id: &str) -> Result<Vec<Authorizer>> {
    let mut authorizers = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = session
            .gateway
            .get_authorizers()
            .rest_api_id(api_id)
            .limit(PAGE)
            .set_position(position.take())
            .send()
            .await
            .map_err(|e| session.map_err(e))?;
        authorizers.extend(page.items().iter().map(authorizer_from_sdk));
        match page.position() {
            Some(p) if !p.is_empty() && !page.items().is_empty() => position = Some(p.to_string()),
            _ => break,
        }
    }
    authorizers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(authorizers)
}

pub(crate) fn authorizer_from_sdk(a: &aws_sdk_apigateway::types::Authorizer) -> Authorizer {
    Authorizer {
        id: a.id().unwrap_or_default().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        kind: a
            .r#type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        provider_arns: a.provider_arns().to_vec(),
        identity_source: a.identity_source().map(str::to_string),
        identity_validation_expression: a.identity_validation_expression().map(str::to_string),
        ttl_seconds: a.authorizer_result_ttl_in_seconds(),
        authorizer_uri: a.authorizer_uri().map(str::to_string),
    }
}
