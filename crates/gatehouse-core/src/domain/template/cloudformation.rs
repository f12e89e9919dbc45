//! Pure: a protect written into a CloudFormation template. REST APIs: an
//! `AWS::ApiGateway::Authorizer` (found or added) and each method's `AuthorizationType`,
//! `AuthorizerId` and `AuthorizationScopes`; HTTP APIs: an `AWS::ApiGatewayV2::Authorizer` of
//! type JWT and each route's. The stack update then goes live: the deployment gets a new logical
//! id (so CloudFormation makes a new one, after the changed methods), or the stage deploys itself.

use super::diff;
use super::spec::{logical_id, CodeChange, Patched, TemplateFormat};
use super::yaml_doc::{Doc, Node, V};
use crate::domain::model::{method_key, ApiKind};
use crate::error::{Error, Result};
use sha1::{Digest, Sha1};
use std::collections::{BTreeSet, HashMap};

/// The resource types of one kind of API.
struct Types {
    api: &'static str,
    method: &'static str,
    authorizer: &'static str,
    deployment: &'static str,
    stage: &'static str,
    /// The property that names the API on its parts.
    api_ref: &'static str,
}

const REST: Types = Types {
    api: "AWS::ApiGateway::RestApi",
    method: "AWS::ApiGateway::Method",
    authorizer: "AWS::ApiGateway::Authorizer",
    deployment: "AWS::ApiGateway::Deployment",
    stage: "AWS::ApiGateway::Stage",
    api_ref: "RestApiId",
};

const HTTP: Types = Types {
    api: "AWS::ApiGatewayV2::Api",
    method: "AWS::ApiGatewayV2::Route",
    authorizer: "AWS::ApiGatewayV2::Authorizer",
    deployment: "AWS::ApiGatewayV2::Deployment",
    stage: "AWS::ApiGatewayV2::Stage",
    api_ref: "ApiId",
};

/// A template's resources of one type: (logical id, resource).
pub fn of_type<'n>(resources: &'n Node, kind: &str) -> Vec<(&'n str, &'n Node)> {
    resources
        .entries()
        .iter()
        .filter(|(_, v)| v.get("Type").and_then(Node::str) == Some(kind))
        .filter_map(|(k, v)| Some((k.str()?, v)))
        .collect()
}

/// The template's `Resources`, or why the text is not a template.
pub fn resources_of<'n>(doc: &'n Doc) -> Result<&'n Node> {
    doc.root
        .get("Resources")
        .filter(|r| !r.entries().is_empty())
        .ok_or_else(|| {
            Error::invalid(
                "template",
                "This is not a CloudFormation template: it has no Resources.",
            )
        })
}

/// The logical id of the API a change is for: the stack's own word for it (its tag or resource
/// map), else the one named like the API, else the only one.
pub fn choose_api(
    resources: &Node,
    kind: &str,
    change: &CodeChange,
    api_logical: Option<&str>,
) -> Result<String> {
    let apis = of_type(resources, kind);
    if let Some(id) = api_logical {
        if apis.iter().any(|(k, _)| *k == id) {
            return Ok(id.to_string());
        }
    }
    let named: Vec<&str> = apis
        .iter()
        .filter(|(_, v)| {
            v.get("Properties")
                .and_then(|p| p.get("Name"))
                .and_then(Node::str)
                == Some(change.api_name.as_str())
        })
        .map(|(k, _)| *k)
        .collect();
    match (named.as_slice(), apis.as_slice()) {
        ([one], _) => Ok(one.to_string()),
        (_, [(one, _)]) => Ok(one.to_string()),
        (_, []) => Err(Error::invalid(
            "template",
            format!("The template declares no {kind}: it is not the template of {}.", change.api_name),
        )),
        _ => Err(Error::invalid(
            "template",
            format!(
                "The template declares {} APIs ({}) and none is named {}: say which with the stack's resource map.",
                apis.len(),
                apis.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "),
                change.api_name
            ),
        )),
    }
}

pub fn patch(
    name: &str,
    text: &str,
    change: &CodeChange,
    api_logical: Option<&str>,
) -> Result<Patched> {
    let types = match change.kind {
        ApiKind::Http => &HTTP,
        _ => &REST,
    };
    refuse_options(change)?;
    let mut doc = Doc::parse(text)?;
    let resources = resources_of(&doc)?.clone();
    let api = choose_api(&resources, types.api, change, api_logical)?;
    let belongs = |v: &Node| {
        v.get("Properties")
            .and_then(|p| p.get(types.api_ref))
            .and_then(Node::ref_target)
            == Some(api.as_str())
    };
    let methods = methods_of(&resources, types, &api, change.kind);
    if methods.is_empty() {
        return Err(Error::invalid(
            "template",
            format!(
                "{api} declares no {} in this template (its methods may be in an OpenAPI Body, which Gatehouse does not patch).",
                types.method
            ),
        ));
    }
    let mut wanted = Vec::new();
    for m in &change.methods {
        let key = route_key(&m.verb, &m.path);
        match methods.iter().find(|(k, _)| *k == key) {
            Some((_, id)) => wanted.push((m.key(), id.clone())),
            None => {
                let have: Vec<&str> = methods.iter().map(|(k, _)| k.as_str()).collect();
                return Err(Error::invalid(
                    "methods",
                    format!(
                        "The template has no {key} on {api}; it declares {}.",
                        have.join(", ")
                    ),
                ));
            }
        }
    }

    let mut notes = Vec::new();
    let authorizer = match find_authorizer(&resources, types, change, &belongs) {
        Some(id) => {
            notes.push(format!(
                "Uses the template's authorizer {id}: same pool and settings."
            ));
            id
        }
        None => {
            let taken: BTreeSet<&str> = resources
                .entries()
                .iter()
                .filter_map(|(k, _)| k.str())
                .collect();
            let mut id = logical_id(&change.authorizer.name, "Authorizer");
            let base = id.clone();
            let mut n = 2;
            while taken.contains(id.as_str()) {
                id = format!("{base}{n}");
                n += 1;
            }
            doc.insert_block(
                &resources,
                &id,
                &authorizer_resource(types, change, &api),
                &api,
            );
            notes.push(format!(
                "Adds {} {id} ({}).",
                types.authorizer, change.authorizer.name
            ));
            id
        }
    };

    let auth_type = match change.kind {
        ApiKind::Http => "JWT",
        _ => "COGNITO_USER_POOLS",
    };
    let mut changed = Vec::new();
    let mut already = Vec::new();
    let wanted_scopes: BTreeSet<&str> = change.scopes.iter().map(String::as_str).collect();
    for (key, id) in &wanted {
        let Some(props) = resources.get(id).and_then(|r| r.get("Properties")) else {
            continue;
        };
        let has_scopes: BTreeSet<&str> = props
            .get("AuthorizationScopes")
            .map(|s| s.strs().into_iter().collect())
            .unwrap_or_default();
        let is_so = props.get("AuthorizationType").and_then(Node::str) == Some(auth_type)
            && props.get("AuthorizerId").and_then(Node::ref_target) == Some(authorizer.as_str())
            && has_scopes == wanted_scopes;
        if is_so {
            already.push(key.clone());
            continue;
        }
        let mut sets = vec![
            ("AuthorizationType", V::str(auth_type)),
            ("AuthorizerId", V::Ref(authorizer.clone())),
        ];
        if !change.scopes.is_empty() || props.get("AuthorizationScopes").is_some() {
            sets.push(("AuthorizationScopes", V::strs(&change.scopes)));
        }
        set_group(&mut doc, props, &sets, &["HttpMethod", "RouteKey"]);
        changed.push(key.clone());
    }
    if !changed.is_empty() {
        notes.extend(redeploy(
            &mut doc, &resources, types, &api, &wanted, change, &belongs,
        ));
    }
    let new_text = doc.finish()?;
    Ok(Patched {
        format: if text.trim_start().starts_with('{') {
            TemplateFormat::CloudformationJson
        } else {
            TemplateFormat::CloudformationYaml
        },
        diff: diff::unified(name, text, &new_text),
        text: new_text,
        changed,
        already,
        notes,
    })
}

/// "GET /pets" for a method or route however the template writes its verb (`get`, `ANY`); the
/// route key for a `$default` route.
pub fn route_key(verb: &str, path: &str) -> String {
    method_key(&verb.to_uppercase(), path)
}

/// A patch never gives the CORS preflight an authorizer.
pub fn refuse_options(change: &CodeChange) -> Result<()> {
    match change.methods.iter().find(|m| m.verb == "OPTIONS") {
        Some(m) => Err(Error::invalid(
            "methods",
            format!("{} is the CORS preflight: it stays open.", m.key()),
        )),
        None => Ok(()),
    }
}

/// Sets the entries of a group: those present get their new value in place, the missing ones
/// are written together after the group's first present key (or after `anchors`).
pub fn set_group(doc: &mut Doc, map: &Node, sets: &[(&str, V)], anchors: &[&str]) {
    let present: Vec<&str> = sets
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| map.get(k).is_some())
        .collect();
    let after = present
        .last()
        .copied()
        .or_else(|| anchors.iter().copied().find(|a| map.get(a).is_some()));
    for (key, value) in sets {
        match map.get(key) {
            Some(old) => doc.replace(old, value),
            None => doc.insert(map, key, value, after),
        }
    }
}

/// The methods (or routes) of the API in the template, by key, with their logical ids.
fn methods_of(resources: &Node, types: &Types, api: &str, kind: ApiKind) -> Vec<(String, String)> {
    let belongs = |v: &Node| {
        v.get("Properties")
            .and_then(|p| p.get(types.api_ref))
            .and_then(Node::ref_target)
            == Some(api)
    };
    if kind == ApiKind::Http {
        return of_type(resources, types.method)
            .into_iter()
            .filter(|(_, v)| belongs(v))
            .filter_map(|(id, v)| {
                let key = v.get("Properties")?.get("RouteKey")?.str()?;
                let (verb, path) = match key.split_once(' ') {
                    Some((verb, path)) => (verb, path),
                    None => ("ANY", key),
                };
                Some((route_key(verb, path), id.to_string()))
            })
            .collect();
    }
    let mut parents: HashMap<&str, (Option<&str>, &str)> = HashMap::new();
    for (id, r) in of_type(resources, "AWS::ApiGateway::Resource") {
        let Some(p) = r.get("Properties") else {
            continue;
        };
        if p.get("RestApiId").and_then(Node::ref_target) != Some(api) {
            continue;
        }
        let parent = p.get("ParentId");
        let parent = match (
            parent.and_then(Node::getatt_target),
            parent.and_then(Node::ref_target),
        ) {
            (Some((a, "RootResourceId")), _) if a == api => None,
            (_, Some(r)) => Some(r),
            _ => continue,
        };
        if let Some(part) = p.get("PathPart").and_then(Node::str) {
            parents.insert(id, (parent, part));
        }
    }
    let path_of = |id: &str| -> Option<String> {
        let mut parts = Vec::new();
        let mut at = Some(id);
        while let Some(here) = at {
            let (parent, part) = parents.get(here)?;
            parts.push(*part);
            at = *parent;
            if parts.len() > 64 {
                return None;
            }
        }
        parts.reverse();
        Some(format!("/{}", parts.join("/")))
    };
    of_type(resources, types.method)
        .into_iter()
        .filter(|(_, v)| belongs(v))
        .filter_map(|(id, v)| {
            let p = v.get("Properties")?;
            let verb = p.get("HttpMethod")?.str()?;
            let res = p.get("ResourceId")?;
            let path = match (res.getatt_target(), res.ref_target()) {
                (Some((a, "RootResourceId")), _) if a == api => "/".to_string(),
                (_, Some(r)) => path_of(r)?,
                _ => return None,
            };
            Some((route_key(verb, &path), id.to_string()))
        })
        .collect()
}

/// An authorizer of the API in the template that is already the one asked for.
fn find_authorizer(
    resources: &Node,
    types: &Types,
    change: &CodeChange,
    belongs: &dyn Fn(&Node) -> bool,
) -> Option<String> {
    of_type(resources, types.authorizer)
        .into_iter()
        .filter(|(_, v)| belongs(v))
        .find(|(_, v)| {
            let Some(p) = v.get("Properties") else {
                return false;
            };
            let a = &change.authorizer;
            match change.kind {
                ApiKind::Http => {
                    let jwt = p.get("JwtConfiguration");
                    let audience: BTreeSet<&str> = jwt
                        .and_then(|j| j.get("Audience"))
                        .map(|l| l.strs().into_iter().collect())
                        .unwrap_or_default();
                    p.get("AuthorizerType").and_then(Node::str) == Some("JWT")
                        && jwt.and_then(|j| j.get("Issuer")).and_then(Node::str)
                            == Some(a.issuer.as_str())
                        && audience == a.audience.iter().map(String::as_str).collect()
                        && same(
                            p.get("IdentitySource")
                                .map(|s| s.strs().concat())
                                .as_deref(),
                            &a.identity_source,
                            "",
                        )
                }
                _ => {
                    p.get("Type").and_then(Node::str) == Some("COGNITO_USER_POOLS")
                        && p.get("ProviderARNs").is_some_and(|arns| {
                            a.provider_arns
                                .iter()
                                .all(|x| arns.strs().contains(&x.as_str()))
                        })
                        && same_literal(
                            p.get("IdentitySource"),
                            &a.identity_source,
                            "method.request.header.Authorization",
                        )
                        && same_literal(
                            p.get("IdentityValidationExpression"),
                            &a.identity_validation_expression,
                            "",
                        )
                        && same_literal(
                            p.get("AuthorizerResultTtlInSeconds"),
                            &a.ttl_seconds.to_string(),
                            "300",
                        )
                }
            }
        })
        .map(|(id, _)| id.to_string())
}

/// Whether a property says what is asked: absent means its default; a value that is not a
/// literal (a `!Ref` to a parameter) cannot be told and is taken as the user's own choice.
pub fn same_literal(node: Option<&Node>, want: &str, default: &str) -> bool {
    match node {
        None => want == default || want.is_empty() && default.is_empty(),
        Some(n) => match n.str() {
            Some(v) => v == want,
            None => true,
        },
    }
}

fn same(value: Option<&str>, want: &str, default: &str) -> bool {
    value.unwrap_or(default) == want || value.is_none() && want.is_empty()
}

fn authorizer_resource(types: &Types, change: &CodeChange, api: &str) -> V {
    let a = &change.authorizer;
    let props = match change.kind {
        ApiKind::Http => V::map(vec![
            ("ApiId", V::Ref(api.to_string())),
            ("Name", V::str(&a.name)),
            ("AuthorizerType", V::str("JWT")),
            (
                "IdentitySource",
                V::strs(std::slice::from_ref(&a.identity_source)),
            ),
            (
                "JwtConfiguration",
                V::map(vec![
                    ("Issuer", V::str(&a.issuer)),
                    ("Audience", V::strs(&a.audience)),
                ]),
            ),
        ]),
        _ => {
            let mut p = vec![
                ("RestApiId", V::Ref(api.to_string())),
                ("Name", V::str(&a.name)),
                ("Type", V::str("COGNITO_USER_POOLS")),
                ("ProviderARNs", V::strs(&a.provider_arns)),
                ("IdentitySource", V::str(&a.identity_source)),
            ];
            if !a.identity_validation_expression.is_empty() {
                p.push((
                    "IdentityValidationExpression",
                    V::str(&a.identity_validation_expression),
                ));
            }
            p.push(("AuthorizerResultTtlInSeconds", V::Num(a.ttl_seconds.into())));
            V::map(p)
        }
    };
    V::map(vec![
        ("Type", V::str(types.authorizer)),
        ("Properties", props),
    ])
}

/// Makes the stack update serve the change: a stage that deploys itself needs nothing; a
/// deployment gets a new logical id (a hash of the change), every reference to it follows, and
/// it depends on the changed methods so CloudFormation makes it after them.
fn redeploy(
    doc: &mut Doc,
    resources: &Node,
    types: &Types,
    api: &str,
    wanted: &[(String, String)],
    change: &CodeChange,
    belongs: &dyn Fn(&Node) -> bool,
) -> Vec<String> {
    let auto: Vec<&str> = of_type(resources, types.stage)
        .into_iter()
        .filter(|(_, v)| belongs(v))
        .filter(|(_, v)| {
            v.get("Properties")
                .and_then(|p| p.get("AutoDeploy"))
                .and_then(Node::str)
                .is_some_and(|s| s.eq_ignore_ascii_case("true"))
        })
        .map(|(id, _)| id)
        .collect();
    let deployments: Vec<(&str, &Node)> = of_type(resources, types.deployment)
        .into_iter()
        .filter(|(_, v)| belongs(v))
        .collect();
    if deployments.is_empty() {
        return vec![if auto.is_empty() {
            format!(
                "Nothing in this template deploys {api}: after the stack update, deploy the stage (gatehouse deploy --api {} --stage STAGE).",
                change.api_name
            )
        } else {
            format!(
                "Stage {} deploys itself (AutoDeploy): the stack update makes the change live.",
                auto.join(", ")
            )
        }];
    }
    let mut hash = Sha1::new();
    hash.update(change.authorizer.name.as_bytes());
    for (key, _) in wanted {
        hash.update(key.as_bytes());
    }
    for s in &change.scopes {
        hash.update(s.as_bytes());
    }
    let digest = hex::encode_upper(hash.finalize());
    let suffix = &digest[..8];
    let method_ids: Vec<&str> = wanted.iter().map(|(_, id)| id.as_str()).collect();
    let mut notes = Vec::new();
    for (old, dep) in deployments {
        let new = format!("{}{suffix}", strip_hash(old));
        if new == old {
            continue;
        }
        rename(doc, resources, old, &new);
        depend_on(doc, dep, &method_ids);
        notes.push(format!(
            "{old} is renamed {new}: the stack update makes a new deployment after the changed methods, so the stage it serves gets the change."
        ));
    }
    notes
}

/// A logical id without the 8-character hash a previous patch gave it.
fn strip_hash(id: &str) -> &str {
    let n = id.len();
    if n > 8
        && id[n - 8..]
            .chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
        && id[..n - 8]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && id[n - 8..].chars().any(|c| c.is_ascii_digit())
    {
        &id[..n - 8]
    } else {
        id
    }
}

/// Renames a resource and every `Ref`, `GetAtt` and `DependsOn` that names it.
fn rename(doc: &mut Doc, resources: &Node, old: &str, new: &str) {
    if let Some((key, _)) = resources.entry(old) {
        doc.replace_text(key, new);
    }
    let mut all = Vec::new();
    let root = doc.root.clone();
    root.walk(&mut all);
    let mut edits: Vec<(Node, String)> = Vec::new();
    for node in &all {
        if node.ref_target() == Some(old) {
            match node.entries().first() {
                Some((_, v)) => edits.push((v.clone(), new.to_string())),
                None => edits.push(((*node).clone(), new.to_string())),
            }
        }
        if let Some((id, at)) = node.getatt_target() {
            if id == old {
                match (node.tag.as_deref(), node.items(), node.entries().first()) {
                    (Some("GetAtt"), [], _) => edits.push(((*node).clone(), format!("{new}.{at}"))),
                    (Some("GetAtt"), [first, ..], _) => {
                        edits.push((first.clone(), new.to_string()))
                    }
                    (_, _, Some((_, v))) => match v.items().first() {
                        Some(first) => edits.push((first.clone(), new.to_string())),
                        None => edits.push((v.clone(), format!("{new}.{at}"))),
                    },
                    _ => {}
                }
            }
        }
    }
    for (_, r) in resources.entries() {
        if let Some(dep) = r.get("DependsOn") {
            if dep.str() == Some(old) {
                edits.push((dep.clone(), new.to_string()));
            }
            for item in dep.items() {
                if item.str() == Some(old) {
                    edits.push((item.clone(), new.to_string()));
                }
            }
        }
    }
    for (node, with) in edits {
        doc.replace_text(&node, &with);
    }
}

/// Adds the changed methods to a deployment's `DependsOn`.
fn depend_on(doc: &mut Doc, dep: &Node, ids: &[&str]) {
    let mut have: Vec<String> = dep
        .get("DependsOn")
        .map(|d| d.strs().into_iter().map(String::from).collect())
        .unwrap_or_default();
    let before = have.len();
    for id in ids {
        if !have.iter().any(|h| h == id) {
            have.push(id.to_string());
        }
    }
    if have.len() == before {
        return;
    }
    let list = V::strs(&have);
    match dep.get("DependsOn") {
        Some(old) => doc.replace(old, &list),
        None => doc.insert(dep, "DependsOn", &list, Some("Type")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::spec::{AuthorizerCode, MethodRef};

    pub const PETS_YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
# SecurePets, by hand.
Description: SecurePets REST API

Resources:
  PetsApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: SecurePets

  PetsResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref PetsApi
      ParentId: !GetAtt PetsApi.RootResourceId
      PathPart: pets

  PurchaseResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref PetsApi
      ParentId: !GetAtt [PetsApi, RootResourceId]
      PathPart: purchase

  GetPets:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref PetsApi
      ResourceId: !Ref PetsResource
      HttpMethod: GET
      AuthorizationType: NONE  # TODO: protect
      Integration:
        Type: MOCK

  PostPurchase:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref PetsApi
      ResourceId: !Ref PurchaseResource
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: MOCK

  OptionsPets:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref PetsApi
      ResourceId: !Ref PetsResource
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK

  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [GetPets, OptionsPets]
    Properties:
      RestApiId: !Ref PetsApi

  ProdStage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref PetsApi
      DeploymentId: !Ref Deployment
      StageName: prod
"#;

    pub fn rest_change(methods: &[(&str, &str)], scopes: &[&str]) -> CodeChange {
        CodeChange {
            api_name: "SecurePets".into(),
            api_id: "a1b2c3".into(),
            kind: ApiKind::Rest,
            authorizer: AuthorizerCode {
                name: "PetsPool".into(),
                provider_arns: vec![
                    "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf".into(),
                ],
                identity_source: "method.request.header.Authorization".into(),
                identity_validation_expression: String::new(),
                ttl_seconds: 300,
                issuer: String::new(),
                audience: vec![],
            },
            methods: methods.iter().map(|(v, p)| MethodRef::new(v, p)).collect(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn changed_lines(diff: &str) -> Vec<&str> {
        diff.lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .collect()
    }

    #[test]
    fn a_rest_template_gets_the_authorizer_the_methods_and_a_new_deployment() {
        let change = rest_change(&[("GET", "/pets"), ("POST", "/purchase")], &[]);
        let p = patch("pets.yaml", PETS_YAML, &change, None).unwrap();
        assert_eq!(p.format, TemplateFormat::CloudformationYaml);
        assert_eq!(p.changed, vec!["GET /pets", "POST /purchase"]);
        let out = &p.text;
        assert!(out.contains("      Name: SecurePets\n\n  PetsPoolAuthorizer:\n    Type: AWS::ApiGateway::Authorizer\n    Properties:\n      RestApiId: !Ref PetsApi\n      Name: PetsPool\n      Type: COGNITO_USER_POOLS\n      ProviderARNs:\n        - arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf\n      IdentitySource: method.request.header.Authorization\n      AuthorizerResultTtlInSeconds: 300\n\n  PetsResource:"), "{out}");
        assert!(out.contains("      HttpMethod: GET\n      AuthorizationType: COGNITO_USER_POOLS  # TODO: protect\n      AuthorizerId: !Ref PetsPoolAuthorizer\n      Integration:"), "{out}");
        // OPTIONS is untouched; the deployment is renamed and depends on the changed methods.
        assert!(out.contains("      HttpMethod: OPTIONS\n      AuthorizationType: NONE\n"));
        let lines = changed_lines(&p.diff);
        let renamed = lines
            .iter()
            .find(|l| l.starts_with("+  Deployment"))
            .unwrap();
        let new_id = renamed.trim_start_matches('+').trim().trim_end_matches(':');
        assert!(
            out.contains(&format!("DeploymentId: !Ref {new_id}\n")),
            "{out}"
        );
        assert!(out.contains(&format!("  {new_id}:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: [GetPets, OptionsPets, PostPurchase]\n")), "{out}");
        assert_eq!(
            lines.iter().filter(|l| l.starts_with('-')).count(),
            5,
            "{}",
            p.diff
        );
        assert!(
            out.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n# SecurePets, by hand.\n")
        );
        assert!(
            p.notes.iter().any(|n| n.contains("renamed")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn a_second_patch_finds_everything_already_so() {
        let change = rest_change(&[("GET", "/pets")], &["pets/read"]);
        let once = patch("pets.yaml", PETS_YAML, &change, None).unwrap();
        assert!(
            once.text
                .contains("      AuthorizationScopes:\n        - pets/read\n"),
            "{}",
            once.text
        );
        let twice = patch("pets.yaml", &once.text, &change, None).unwrap();
        assert_eq!(twice.already, vec!["GET /pets"]);
        assert!(twice.changed.is_empty());
        assert_eq!(twice.diff, "");
    }

    #[test]
    fn a_method_the_template_lacks_is_refused_naming_what_it_has_and_options_stays_open() {
        let change = rest_change(&[("DELETE", "/pets")], &[]);
        let e = patch("pets.yaml", PETS_YAML, &change, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no DELETE /pets") && e.contains("GET /pets, POST /purchase, OPTIONS /pets"),
            "{e}"
        );
        let e = patch(
            "pets.yaml",
            PETS_YAML,
            &rest_change(&[("OPTIONS", "/pets")], &[]),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("CORS preflight"), "{e}");
    }

    #[test]
    fn json_stays_json_and_parses() {
        let json = serde_json::to_string_pretty(&serde_json::json!({
            "Resources": {
                "PetsApi": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "SecurePets"}},
                "GetPets": {"Type": "AWS::ApiGateway::Method", "Properties": {
                    "RestApiId": {"Ref": "PetsApi"},
                    "ResourceId": {"Fn::GetAtt": ["PetsApi", "RootResourceId"]},
                    "HttpMethod": "GET", "AuthorizationType": "NONE"}},
                "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "PetsApi"}}}
            }
        }))
        .unwrap();
        let p = patch(
            "pets.json",
            &json,
            &rest_change(&[("GET", "/")], &["a", "b"]),
            None,
        )
        .unwrap();
        assert_eq!(p.format, TemplateFormat::CloudformationJson);
        let v: serde_json::Value = serde_json::from_str(&p.text).expect(&p.text);
        let m = &v["Resources"]["GetPets"]["Properties"];
        assert_eq!(m["AuthorizationType"], "COGNITO_USER_POOLS");
        assert_eq!(m["AuthorizerId"]["Ref"], "PetsPoolAuthorizer");
        assert_eq!(m["AuthorizationScopes"], serde_json::json!(["a", "b"]));
        assert_eq!(
            v["Resources"]["PetsPoolAuthorizer"]["Properties"]["ProviderARNs"][0],
            "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf"
        );
        let dep = v["Resources"]
            .as_object()
            .unwrap()
            .keys()
            .find(|k| k.starts_with("Deployment"))
            .unwrap()
            .clone();
        assert_ne!(dep, "Deployment");
        assert_eq!(
            v["Resources"][&dep]["DependsOn"],
            serde_json::json!(["GetPets"])
        );
    }

    #[test]
    fn an_http_api_gets_a_jwt_authorizer_and_its_auto_deploying_stage_is_named() {
        let text = "Resources:\n  Parcels:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: PetsHttp\n      ProtocolType: HTTP\n  GetParcels:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Parcels\n      RouteKey: GET /parcels\n  Default:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      ApiId: !Ref Parcels\n      StageName: $default\n      AutoDeploy: true\n";
        let mut change = rest_change(&[("GET", "/parcels")], &[]);
        change.kind = ApiKind::Http;
        change.api_name = "PetsHttp".into();
        change.authorizer.identity_source = "$request.header.Authorization".into();
        change.authorizer.issuer =
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf".into();
        change.authorizer.audience = vec!["client1".into()];
        let p = patch("http.yaml", text, &change, None).unwrap();
        assert!(p.text.contains("      RouteKey: GET /parcels\n      AuthorizationType: JWT\n      AuthorizerId: !Ref PetsPoolAuthorizer\n"), "{}", p.text);
        assert!(p.text.contains("      AuthorizerType: JWT\n      IdentitySource:\n        - \"$request.header.Authorization\"\n      JwtConfiguration:\n        Issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf\n        Audience:\n          - client1\n"), "{}", p.text);
        assert!(
            p.notes.iter().any(|n| n.contains("Default deploys itself")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn an_authorizer_of_the_template_is_reused_only_with_the_same_settings() {
        let with = |ttl: &str| {
            PETS_YAML.replace(
                "  PetsResource:\n",
                &format!("  PoolAuth:\n    Type: AWS::ApiGateway::Authorizer\n    Properties:\n      RestApiId: !Ref PetsApi\n      Name: PetsPool\n      Type: COGNITO_USER_POOLS\n      ProviderARNs: [arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf]\n{ttl}\n  PetsResource:\n"),
            )
        };
        let change = rest_change(&[("GET", "/pets")], &[]);
        let same = patch("t.yaml", &with(""), &change, None).unwrap();
        assert!(
            same.text.contains("      AuthorizerId: !Ref PoolAuth\n"),
            "{}",
            same.text
        );
        assert!(
            same.notes
                .iter()
                .any(|n| n == "Uses the template's authorizer PoolAuth: same pool and settings."),
            "{:?}",
            same.notes
        );
        let other = patch(
            "t.yaml",
            &with("      AuthorizerResultTtlInSeconds: 60\n"),
            &change,
            None,
        )
        .unwrap();
        assert!(
            other
                .text
                .contains("      AuthorizerId: !Ref PetsPoolAuthorizer\n"),
            "{}",
            other.text
        );
    }
}
