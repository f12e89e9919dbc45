//! Pure: an API's protection as Terraform. `patch` edits the user's .tf text through hcl-edit's
//! syntax tree, so comments, order and layout of everything it does not touch come back byte for
//! byte; `export` writes an API's authorizers and every method's protection, with `import` blocks,
//! for a team adopting Terraform.

use super::diff;
use super::spec::{
    terraform_name, AuthorizerCode, CodeChange, ExportInput, MethodRef, Patched, TemplateFormat,
};
use crate::domain::model::{method_key, ApiKind, Authorizer, Method};
use crate::error::{Error, Result};
use hcl_edit::expr::{Array, Expression};
use hcl_edit::parser::{parse_body, parse_expr};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Decorate;
use std::collections::{BTreeSet, HashMap};

/// The Terraform names of one kind of API's objects.
struct Kinds {
    api: &'static str,
    /// The attribute a method, authorizer or deployment names its API with.
    api_id: &'static str,
    method: &'static str,
    authorizer: &'static str,
    /// "method" or "route", as a message names one.
    noun: &'static str,
}

const REST: Kinds = Kinds {
    api: "aws_api_gateway_rest_api",
    api_id: "rest_api_id",
    method: "aws_api_gateway_method",
    authorizer: "aws_api_gateway_authorizer",
    noun: "method",
};

const HTTP: Kinds = Kinds {
    api: "aws_apigatewayv2_api",
    api_id: "api_id",
    method: "aws_apigatewayv2_route",
    authorizer: "aws_apigatewayv2_authorizer",
    noun: "route",
};

/// The verbs the AWS provider accepts as an `aws_api_gateway_method`'s `http_method`.
const PROVIDER_VERBS: [&str; 8] = [
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
];

/// A top-level block's indentation when none of its lines shows one.
const TOP: &str = "  ";

const REST_IDENTITY_SOURCE: &str = "method.request.header.Authorization";
const HTTP_IDENTITY_SOURCE: &str = "$request.header.Authorization";

/// Protects `change.methods` in the Terraform text `text` (the file `name`): the method or route
/// blocks get the authorizer, an authorizer block is reused or added, and a REST deployment of
/// the file is made to redeploy. Everything else in the text is left as it was.
pub fn patch(name: &str, text: &str, change: &CodeChange) -> Result<Patched> {
    let kinds = match change.kind {
        ApiKind::Rest => &REST,
        ApiKind::Http => &HTTP,
        ApiKind::Websocket => {
            return Err(invalid(format!(
                "{} is a WebSocket API: Gatehouse protects REST and HTTP APIs only.",
                change.api_name
            )))
        }
    };
    let wanted = wanted_methods(change)?;
    let mut body = parse_body(text)
        .map_err(|e| invalid(format!("{name} is not Terraform Gatehouse can read: {e}")))?;
    let api = api_ref(&body, name, change, kinds)?;
    let found = methods_of(&body, &api, kinds);
    let targets = pick(&found, &wanted, name, change, kinds)?;
    let scopes = dedup(&change.scopes);

    let authorizer = find_authorizer(&body, &api, change, kinds);
    let label = match &authorizer {
        Some(label) => label.clone(),
        None => new_label(&body, kinds, &change.authorizer.name),
    };
    let mut out = Outcome::default();
    let mut touched = Vec::new();
    for (method, indexes) in &targets {
        let mut changed = false;
        for &index in indexes {
            let block = block_at(&mut body, index)?;
            changed |= protect_block(block, kinds, &label, &scopes, &mut out.notes)?;
            touched.extend(block_label(block));
        }
        let key = method_key(&method.verb, &method.path);
        if changed {
            out.changed.push(key);
        } else {
            out.already.push(key);
        }
    }
    if out.changed.is_empty() {
        out.notes.push(format!(
            "{name} already protects {} this way: nothing to change.",
            list_words(&out.already)
        ));
        return Ok(out.into_patched(name, text, text.to_string()));
    }

    match &authorizer {
        Some(label) => out.notes.push(format!(
            "{} uses the existing {}.{label}.",
            list_words(&out.changed),
            kinds.authorizer
        )),
        None => {
            let block = match change.kind {
                ApiKind::Http => http_authorizer_block(&label, &api, &change.authorizer)?,
                _ => rest_authorizer_block(&label, &api, &change.authorizer)?,
            };
            let first = found.iter().map(|f| f.index).min().unwrap_or(0);
            if first == 0 {
                body.push(block);
            } else {
                body.insert(first, block);
            }
            out.notes.push(format!(
                "Added {}.{label} ({}) for {}.",
                kinds.authorizer,
                change.authorizer.name,
                list_words(&out.changed)
            ));
        }
    }

    match change.kind {
        ApiKind::Http => http_stage_notes(&body, &api, change, &mut out.notes),
        _ => {
            let mut refs: Vec<String> = touched
                .iter()
                .flat_map(|m| {
                    ["authorization", "authorizer_id", "authorization_scopes"]
                        .map(|a| format!("{}.{m}.{a}", REST.method))
                })
                .collect();
            refs.push(format!("{}.{label}.id", REST.authorizer));
            redeploy_rest(&mut body, &api, name, change, &refs, &mut out.notes)?;
        }
    }
    let new_text = body.to_string();
    Ok(out.into_patched(name, text, new_text))
}

/// What a patch did, gathered on the way.
#[derive(Default)]
struct Outcome {
    changed: Vec<String>,
    already: Vec<String>,
    notes: Vec<String>,
}

impl Outcome {
    fn into_patched(self, name: &str, old: &str, new: String) -> Patched {
        Patched {
            format: TemplateFormat::Terraform,
            diff: diff::unified(name, old, &new),
            text: new,
            changed: self.changed,
            already: self.already,
            notes: self.notes,
        }
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid("template", message)
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!(
        "Gatehouse wrote Terraform it cannot read back: {e}"
    ))
}

/// The methods asked for, once each; OPTIONS is refused (CORS preflight stays open).
fn wanted_methods(change: &CodeChange) -> Result<Vec<MethodRef>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in &change.methods {
        let m = MethodRef::new(&m.verb, &m.path);
        if m.verb == "OPTIONS" {
            return Err(invalid(format!(
                "{} is a CORS preflight: browsers send it without a token, so it stays open.",
                m.key()
            )));
        }
        if seen.insert(m.clone()) {
            out.push(m);
        }
    }
    if out.is_empty() {
        return Err(invalid("Name at least one method to protect."));
    }
    let a = &change.authorizer;
    match change.kind {
        ApiKind::Http if a.issuer.trim().is_empty() => Err(invalid(format!(
            "The JWT authorizer {} has no issuer URL to write into the code.",
            a.name
        ))),
        ApiKind::Rest if a.provider_arns.is_empty() => Err(invalid(format!(
            "The Cognito authorizer {} names no user pool ARN to write into the code.",
            a.name
        ))),
        _ => Ok(out),
    }
}

fn dedup(items: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && seen.insert(s.clone()))
        .collect()
}

/// "GET /pets", "GET /pets and POST /purchase", "A, B and C".
fn list_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

// ---- Reading the file ----------------------------------------------------------------------

/// An expression's source without the whitespace around it.
fn src(e: &Expression) -> String {
    e.to_string().trim().to_string()
}

fn attr_src(body: &Body, key: &str) -> Option<String> {
    body.get_attribute(key).map(|a| src(&a.value))
}

/// A literal string attribute's value.
fn attr_str(body: &Body, key: &str) -> Option<String> {
    body.get_attribute(key)
        .and_then(|a| a.value.as_str().map(str::to_string))
}

/// A list of literal strings, as `["a", "b"]`; None when it is anything else.
fn str_list(e: &Expression) -> Option<Vec<String>> {
    e.as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// `aws_api_gateway_resource.pets.id` → `pets` when it is `KIND.LABEL.ATTR`.
fn ref_label(source: &str, kind: &str, attr: &str) -> Option<String> {
    match source.split('.').collect::<Vec<_>>().as_slice() {
        [k, label, a] if *k == kind && *a == attr => Some(label.to_string()),
        _ => None,
    }
}

/// The top-level `resource "KIND" "LABEL"` blocks: their index in the body, block and label.
fn resources<'a>(
    body: &'a Body,
    kind: &'a str,
) -> impl Iterator<Item = (usize, &'a Block, String)> {
    body.iter().enumerate().filter_map(move |(i, s)| {
        let b = s.as_block()?;
        let is = b.has_ident("resource") && b.labels.len() == 2 && b.labels[0].as_str() == kind;
        is.then(|| (i, b, b.labels[1].as_str().to_string()))
    })
}

fn block_label(b: &Block) -> Option<String> {
    b.labels.get(1).map(|l| l.as_str().to_string())
}

fn block_at(body: &mut Body, index: usize) -> Result<&mut Block> {
    body.get_mut(index)
        .and_then(Structure::as_block_mut)
        .ok_or_else(|| Error::Internal(format!("block {index} of the file moved")))
}

/// How the file's blocks name the API's id: `aws_api_gateway_rest_api.pets.id`, or what its
/// methods use when the API itself is declared elsewhere (`var.rest_api_id`).
fn api_ref(body: &Body, file: &str, change: &CodeChange, k: &Kinds) -> Result<String> {
    let apis: Vec<(String, Option<String>)> = resources(body, k.api)
        .filter(|(_, b, _)| attr_str(&b.body, "protocol_type").is_none_or(|p| p == "HTTP"))
        .map(|(_, b, label)| (label, attr_str(&b.body, "name")))
        .collect();
    let id = |label: &str| format!("{}.{label}.id", k.api);
    match apis.as_slice() {
        [(label, _)] => Ok(id(label)),
        [] => {
            let used: BTreeSet<String> = resources(body, k.method)
                .filter_map(|(_, b, _)| attr_src(&b.body, k.api_id))
                .collect();
            match used.len() {
                1 => Ok(used.into_iter().next().unwrap_or_default()),
                0 => Err(invalid(format!(
                    "{file} declares no {} and no {}: it does not define {}'s {}s.",
                    k.api, k.method, change.api_name, k.noun
                ))),
                _ => Err(invalid(format!(
                    "{file} has {}s of several APIs ({}) and declares none of them: Gatehouse \
                     cannot tell which is {}.",
                    k.noun,
                    used.into_iter().collect::<Vec<_>>().join(", "),
                    change.api_name
                ))),
            }
        }
        several => several
            .iter()
            .find(|(_, n)| n.as_deref() == Some(change.api_name.as_str()))
            .map(|(label, _)| id(label))
            .ok_or_else(|| {
                invalid(format!(
                    "{file} declares several {} ({}) and none is named \"{}\": Gatehouse cannot \
                     tell which to patch.",
                    k.api,
                    several
                        .iter()
                        .map(|(l, n)| match n {
                            Some(n) => format!("{l} named \"{n}\""),
                            None => l.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    change.api_name
                ))
            }),
    }
}

/// A method or route block of the API, and what it answers to when the file says.
struct Found {
    index: usize,
    label: String,
    method: Option<MethodRef>,
}

fn methods_of(body: &Body, api: &str, k: &Kinds) -> Vec<Found> {
    let paths = resource_paths(body);
    resources(body, k.method)
        .filter(|(_, b, _)| attr_src(&b.body, k.api_id).as_deref() == Some(api))
        .map(|(index, b, label)| {
            let method = if k.method == HTTP.method {
                attr_str(&b.body, "route_key").map(|key| {
                    let (path, verb) = Method::path_and_verb(&key);
                    MethodRef::new(&verb, &path)
                })
            } else {
                let verb = attr_str(&b.body, "http_method");
                let path = attr_src(&b.body, "resource_id").and_then(|r| path_of(&r, &paths, 0));
                verb.zip(path).map(|(v, p)| MethodRef::new(&v, &p))
            };
            Found {
                index,
                label,
                method,
            }
        })
        .collect()
}

/// Each `aws_api_gateway_resource`'s path part and parent, by label.
fn resource_paths(body: &Body) -> HashMap<String, (String, String)> {
    resources(body, "aws_api_gateway_resource")
        .filter_map(|(_, b, label)| {
            let part = attr_str(&b.body, "path_part")?;
            let parent = attr_src(&b.body, "parent_id")?;
            Some((label, (part, parent)))
        })
        .collect()
}

/// The path a `resource_id` (or `parent_id`) expression stands for.
fn path_of(id: &str, paths: &HashMap<String, (String, String)>, depth: usize) -> Option<String> {
    if id.ends_with(".root_resource_id") {
        return Some("/".to_string());
    }
    let label = ref_label(id, "aws_api_gateway_resource", "id")?;
    let (part, parent) = paths.get(&label).filter(|_| depth < 64)?;
    let base = path_of(parent, paths, depth + 1)?;
    Some(format!("{}/{part}", base.trim_end_matches('/')))
}

/// The blocks of each wanted method; an error naming what the file has when one is missing.
fn pick(
    found: &[Found],
    wanted: &[MethodRef],
    file: &str,
    change: &CodeChange,
    k: &Kinds,
) -> Result<Vec<(MethodRef, Vec<usize>)>> {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for m in wanted {
        let indexes: Vec<usize> = found
            .iter()
            .filter(|f| f.method.as_ref() == Some(m))
            .map(|f| f.index)
            .collect();
        if indexes.is_empty() {
            missing.push(method_key(&m.verb, &m.path));
        } else {
            out.push((m.clone(), indexes));
        }
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let has: Vec<String> = found
        .iter()
        .map(|f| match &f.method {
            Some(m) => method_key(&m.verb, &m.path),
            None => format!("{}.{} (its path is not in this file)", k.method, f.label),
        })
        .collect();
    let declared = if has.is_empty() {
        format!(
            "It declares no {} of {} (an API defined by an OpenAPI body is not patched here).",
            k.method, change.api_name
        )
    } else {
        format!("It declares {}.", has.join(", "))
    };
    Err(invalid(format!(
        "{file} has no {} for {} of {}. {declared}",
        k.method,
        list_words(&missing),
        change.api_name
    )))
}

/// The label of an authorizer block of the API that is the one asked for: a Cognito authorizer
/// trusting the same pool (REST) or a JWT authorizer with the same issuer (HTTP); else one of
/// the same name and type.
fn find_authorizer(body: &Body, api: &str, change: &CodeChange, k: &Kinds) -> Option<String> {
    let a = &change.authorizer;
    let candidates: Vec<(String, &Block)> = resources(body, k.authorizer)
        .filter(|(_, b, _)| attr_src(&b.body, k.api_id).as_deref() == Some(api))
        .map(|(_, b, label)| (label, b))
        .collect();
    let same_source = |b: &Block| match change.kind {
        ApiKind::Http => b
            .body
            .get_blocks("jwt_configuration")
            .filter_map(|j| attr_str(&j.body, "issuer"))
            .any(|i| i.trim_end_matches('/') == a.issuer.trim().trim_end_matches('/')),
        _ => b
            .body
            .get_attribute("provider_arns")
            .and_then(|p| str_list(&p.value))
            .is_some_and(|arns| a.provider_arns.first().is_some_and(|x| arns.contains(x))),
    };
    let right_type = |b: &Block| match change.kind {
        ApiKind::Http => attr_str(&b.body, "authorizer_type").as_deref() == Some("JWT"),
        _ => attr_str(&b.body, "type").as_deref() == Some("COGNITO_USER_POOLS"),
    };
    candidates
        .iter()
        .find(|(_, b)| right_type(b) && same_source(b))
        .or_else(|| {
            candidates.iter().find(|(_, b)| {
                right_type(b) && attr_str(&b.body, "name").as_deref() == Some(a.name.as_str())
            })
        })
        .map(|(label, _)| label.clone())
}

/// A label for a new authorizer block, from `name`, that no authorizer has yet: neither one of
/// this file nor one its methods name (declared in another file of the module).
fn new_label(body: &Body, k: &Kinds, name: &str) -> String {
    let mut taken: BTreeSet<String> = resources(body, k.authorizer).map(|(_, _, l)| l).collect();
    taken.extend(
        resources(body, k.method)
            .filter_map(|(_, b, _)| attr_src(&b.body, "authorizer_id"))
            .filter_map(|id| ref_label(&id, k.authorizer, "id")),
    );
    unique(&taken, terraform_name(name))
}

fn unique(taken: &BTreeSet<String>, base: String) -> String {
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or(base)
}

// ---- Editing blocks --------------------------------------------------------------------------

/// Sets a method's or route's protection; true when its text changed.
fn protect_block(
    block: &mut Block,
    k: &Kinds,
    authorizer: &str,
    scopes: &[String],
    notes: &mut Vec<String>,
) -> Result<bool> {
    let (type_key, type_value, type_after) = if k.method == HTTP.method {
        ("authorization_type", "JWT", "route_key")
    } else {
        ("authorization", "COGNITO_USER_POOLS", "http_method")
    };
    let body = &mut block.body;
    let mut changed = set_attr(body, type_key, &quote(type_value), &[type_after], TOP)?;
    let id = format!("{}.{authorizer}.id", k.authorizer);
    changed |= set_attr(body, "authorizer_id", &id, &[type_key], TOP)?;
    let current = body
        .get_attribute("authorization_scopes")
        .map(|a| str_list(&a.value));
    match current {
        None if scopes.is_empty() => {}
        Some(Some(list)) if scopes.is_empty() && list.is_empty() => {}
        Some(_) if scopes.is_empty() => {
            remove_attr(body, "authorization_scopes");
            notes.push(format!(
                "Removed authorization_scopes from {}.{}: any valid token is accepted now.",
                k.method,
                block_label(block).unwrap_or_default()
            ));
            changed = true;
        }
        Some(Some(list))
            if list.iter().collect::<BTreeSet<_>>() == scopes.iter().collect::<BTreeSet<_>>() => {}
        _ => {
            let list = hcl_list(scopes.iter().map(|s| quote(s)));
            set_attr(
                body,
                "authorization_scopes",
                &list,
                &["authorizer_id", type_key],
                TOP,
            )?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Sets `key = value` (`value` as HCL source) in a block's body: the value is replaced where the
/// key is, else a line is added after the first of `after` present (or before the body's nested
/// blocks), indented as the body's lines are (`indent` when it has none). True when the text
/// changed.
fn set_attr(body: &mut Body, key: &str, value: &str, after: &[&str], indent: &str) -> Result<bool> {
    if let Some(mut attr) = body.get_attribute_mut(key) {
        if src(&attr.value) == value {
            return Ok(false);
        }
        let mut new = parse_expr(value).map_err(internal)?;
        *new.decor_mut() = attr.value.decor().clone();
        *attr.value_mut() = new;
        return Ok(true);
    }
    let indent = indent_of(body, indent);
    multiline(body, &indent);
    let index = after
        .iter()
        .find_map(|a| position(body, a).map(|i| i + 1))
        .unwrap_or_else(|| end_of_arguments(body));
    let line = parse_body(&format!("{indent}{key} = {value}\n")).map_err(internal)?;
    for s in line {
        body.insert(index, s);
    }
    align_around(body, index);
    Ok(true)
}

fn remove_attr(body: &mut Body, key: &str) {
    if let Some(i) = position(body, key) {
        body.remove(i);
        align_around(body, i);
    }
}

fn position(body: &Body, key: &str) -> Option<usize> {
    body.iter()
        .position(|s| s.as_attribute().is_some_and(|a| a.has_key(key)))
}

/// Where a new argument goes when nothing anchors it: before the nested blocks and `depends_on`.
fn end_of_arguments(body: &Body) -> usize {
    body.iter()
        .position(|s| s.is_block() || s.as_attribute().is_some_and(|a| a.has_key("depends_on")))
        .unwrap_or(body.len())
}

/// The indentation of a block body's lines, from its first line (`fallback` when it has none).
fn indent_of(body: &Body, fallback: &str) -> String {
    body.iter()
        .next()
        .filter(|_| !body.prefer_oneline())
        .and_then(|s| s.decor().prefix().map(|p| p.to_string()))
        .map(|p| p.rsplit('\n').next().unwrap_or_default().to_string())
        .filter(|p| p.chars().all(|c| c == ' ' || c == '\t'))
        .unwrap_or_else(|| fallback.to_string())
}

/// A one-line block body (`lifecycle { x = 1 }`) laid out on lines, so another line can join.
fn multiline(body: &mut Body, indent: &str) {
    if !body.prefer_oneline() {
        return;
    }
    body.set_prefer_oneline(false);
    for mut s in body.iter_mut() {
        s.decor_mut().set_prefix(indent.to_string());
        s.decor_mut().set_suffix("");
    }
    let outer = indent.strip_suffix("  ").unwrap_or_default().to_string();
    body.decor_mut().set_prefix("");
    body.decor_mut().set_suffix(outer);
}

/// One line `key = value`, whose `=` `terraform fmt` aligns with its neighbours'.
fn one_line(s: &Structure) -> bool {
    s.as_attribute()
        .is_some_and(|a| !a.value.to_string().contains('\n'))
}

/// A blank line or a comment before `s` ends a run of aligned lines.
fn breaks_before(s: &Structure) -> bool {
    s.decor()
        .prefix()
        .is_some_and(|p| p.chars().any(|c| c != ' ' && c != '\t'))
}

/// Re-aligns the `=` of the runs of one-line arguments around `index`, as `terraform fmt` does.
fn align_around(body: &mut Body, index: usize) {
    for i in [index.wrapping_sub(1), index, index + 1] {
        if i < body.len() {
            align_run(body, i);
        }
    }
}

fn align_run(body: &mut Body, index: usize) {
    let at = |body: &Body, i: usize| body.get(i).is_some_and(one_line);
    if !at(body, index) {
        return;
    }
    let mut start = index;
    while start > 0 && at(body, start - 1) && !body.get(start).is_some_and(breaks_before) {
        start -= 1;
    }
    let mut end = index + 1;
    while at(body, end) && !body.get(end).is_some_and(breaks_before) {
        end += 1;
    }
    let key_len = |s: &Structure| {
        s.as_attribute()
            .map_or(0, |a| a.key.as_str().chars().count())
    };
    let width = (start..end)
        .filter_map(|i| body.get(i).map(key_len))
        .max()
        .unwrap_or(0);
    for i in start..end {
        if let Some(a) = body.get_mut(i).and_then(Structure::as_attribute_mut) {
            let pad = width - a.key.as_str().chars().count() + 1;
            a.key.decor_mut().set_suffix(" ".repeat(pad));
        }
    }
}

// ---- Authorizer blocks ---------------------------------------------------------------------

fn rest_authorizer_block(label: &str, api: &str, a: &AuthorizerCode) -> Result<Structure> {
    let source = if a.identity_source.trim().is_empty() {
        REST_IDENTITY_SOURCE
    } else {
        a.identity_source.trim()
    };
    let mut items = vec![
        attr("name", quote(&a.name)),
        attr("rest_api_id", api.to_string()),
        attr("type", quote("COGNITO_USER_POOLS")),
        attr(
            "provider_arns",
            hcl_list(a.provider_arns.iter().map(|s| quote(s))),
        ),
        attr("identity_source", quote(source)),
    ];
    if !a.identity_validation_expression.trim().is_empty() {
        items.push(attr(
            "identity_validation_expression",
            quote(&a.identity_validation_expression),
        ));
    }
    items.push(attr(
        "authorizer_result_ttl_in_seconds",
        a.ttl_seconds.to_string(),
    ));
    top_block(&resource_header(REST.authorizer, label), items)
}

fn http_authorizer_block(label: &str, api: &str, a: &AuthorizerCode) -> Result<Structure> {
    let source = if a.identity_source.trim().is_empty() {
        HTTP_IDENTITY_SOURCE
    } else {
        a.identity_source.trim()
    };
    let mut jwt = Vec::new();
    if !a.audience.is_empty() {
        jwt.push(attr(
            "audience",
            hcl_list(a.audience.iter().map(|s| quote(s))),
        ));
    }
    jwt.push(attr("issuer", quote(a.issuer.trim())));
    let items = vec![
        attr("api_id", api.to_string()),
        attr("authorizer_type", quote("JWT")),
        attr("identity_sources", hcl_list([quote(source)])),
        attr("name", quote(&a.name)),
        Item::Blank,
        Item::Block("jwt_configuration".to_string(), jwt),
    ];
    top_block(&resource_header(HTTP.authorizer, label), items)
}

/// A new top-level block, after a blank line.
fn top_block(header: &str, items: Vec<Item>) -> Result<Structure> {
    let mut text = String::from("\n");
    render(&[Item::Block(header.to_string(), items)], "", &mut text);
    parse_body(&text)
        .map_err(internal)?
        .into_iter()
        .next()
        .ok_or_else(|| internal("an empty block"))
}

// ---- Redeployment ----------------------------------------------------------------------------

/// Makes each `aws_api_gateway_deployment` of the API redeploy when the protected methods change
/// (Terraform does not by itself: hashicorp/terraform-provider-aws#162), or says how to deploy.
fn redeploy_rest(
    body: &mut Body,
    api: &str,
    file: &str,
    change: &CodeChange,
    refs: &[String],
    notes: &mut Vec<String>,
) -> Result<()> {
    let deployments: Vec<(usize, String)> = resources(body, "aws_api_gateway_deployment")
        .filter(|(_, b, _)| attr_src(&b.body, "rest_api_id").as_deref() == Some(api))
        .map(|(i, _, l)| (i, l))
        .collect();
    let stages_of = |body: &Body, deployment: &str| -> Vec<String> {
        let id = format!("aws_api_gateway_deployment.{deployment}.id");
        resources(body, "aws_api_gateway_stage")
            .filter(|(_, b, _)| attr_src(&b.body, "deployment_id").as_deref() == Some(id.as_str()))
            .filter_map(|(_, b, _)| attr_str(&b.body, "stage_name"))
            .collect()
    };
    if deployments.is_empty() {
        let stage = resources(body, "aws_api_gateway_stage")
            .find(|(_, b, _)| attr_src(&b.body, "rest_api_id").as_deref() == Some(api))
            .and_then(|(_, b, _)| attr_str(&b.body, "stage_name"))
            .unwrap_or_else(|| "STAGE".to_string());
        notes.push(format!(
            "{file} has no aws_api_gateway_deployment for {}: after `terraform apply`, deploy the \
             API (`gatehouse deploy --api {} --stage {stage}`, or your own deployment resource); \
             until then callers meet the methods as they were.",
            change.api_name, change.api_name
        ));
        return Ok(());
    }
    for (index, label) in deployments {
        let mut stages = stages_of(body, &label);
        let block = block_at(body, index)?;
        stages.extend(attr_str(&block.body, "stage_name"));
        let served = match stages.as_slice() {
            [] => String::new(),
            [one] => format!(", and `terraform apply` serves them on stage {one}"),
            many => format!(
                ", and `terraform apply` serves them on stages {}",
                many.join(", ")
            ),
        };
        match ensure_triggers(&mut block.body, refs)? {
            Triggers::Computed(expr) => notes.push(format!(
                "aws_api_gateway_deployment.{label}'s triggers are computed ({expr}): add {} to \
                 them so it redeploys when these methods change.",
                refs.join(", ")
            )),
            _ => notes.push(format!(
                "aws_api_gateway_deployment.{label} redeploys when these methods change \
                 (triggers){served}."
            )),
        }
        if ensure_lifecycle(&mut block.body)? {
            notes.push(format!(
                "aws_api_gateway_deployment.{label} is created before the old one is destroyed \
                 (lifecycle create_before_destroy), so its stage always has a deployment."
            ));
        }
    }
    Ok(())
}

enum Triggers {
    Written,
    Already,
    /// `triggers` is an expression Gatehouse does not rewrite.
    Computed(String),
}

fn ensure_triggers(body: &mut Body, refs: &[String]) -> Result<Triggers> {
    let indent = indent_of(body, TOP);
    let Some(mut attr) = body.get_attribute_mut("triggers") else {
        multiline(body, &indent);
        let index = end_of_arguments(body);
        let value = triggers_object(&[], refs, &indent);
        let lines = parse_body(&format!("\n{indent}triggers = {value}\n")).map_err(internal)?;
        for s in lines {
            body.insert(index, s);
        }
        return Ok(Triggers::Written);
    };
    let Some(object) = attr.value_mut().as_object_mut() else {
        return Ok(Triggers::Computed(src(&attr.value)));
    };
    // A hash of a list of references: the shape the provider's documentation suggests.
    for (_, value) in object.iter_mut() {
        if let Some(list) = hashed_list(value.expr_mut()) {
            let have: BTreeSet<String> = list.iter().map(src).collect();
            let missing: Vec<&String> = refs.iter().filter(|r| !have.contains(*r)).collect();
            if missing.is_empty() {
                return Ok(Triggers::Already);
            }
            append(list, &missing)?;
            return Ok(Triggers::Written);
        }
    }
    let entries: Vec<(String, String)> = object
        .iter()
        .map(|(k, v)| {
            let key = match k.as_ident() {
                Some(i) => i.as_str().to_string(),
                None => k.as_expr().map(src).unwrap_or_default(),
            };
            (key, src(v.expr()))
        })
        .collect();
    let value = triggers_object(&entries, refs, &indent);
    let mut new = parse_expr(&value).map_err(internal)?;
    *new.decor_mut() = attr.value.decor().clone();
    *attr.value_mut() = new;
    Ok(Triggers::Written)
}

/// `sha1(jsonencode([..]))`'s list, to add references to.
fn hashed_list(e: &mut Expression) -> Option<&mut Array> {
    let Expression::FuncCall(hash) = e else {
        return None;
    };
    if !["sha1", "sha256", "md5"].contains(&hash.name.name.as_str()) {
        return None;
    }
    let Some(Expression::FuncCall(json)) = hash.args.get_mut(0) else {
        return None;
    };
    if json.name.name.as_str() != "jsonencode" {
        return None;
    }
    json.args.get_mut(0).and_then(Expression::as_array_mut)
}

/// Adds references to a list in its own layout: one a line when it is one a line.
fn append(list: &mut Array, refs: &[&String]) -> Result<()> {
    let (prefix, suffix) = match list.iter().last() {
        Some(last) => (
            last.decor()
                .prefix()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            last.decor()
                .suffix()
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    let one_a_line = prefix.contains('\n');
    if let Some(last) = list.iter_mut().last() {
        last.decor_mut().set_suffix("");
    }
    for r in refs {
        let mut e = parse_expr(r).map_err(internal)?;
        let p = if one_a_line || list.is_empty() {
            prefix.clone()
        } else {
            " ".to_string()
        };
        e.decor_mut().set_prefix(p);
        e.decor_mut().set_suffix("");
        list.push(e);
    }
    if let Some(last) = list.iter_mut().last() {
        last.decor_mut().set_suffix(suffix);
    }
    Ok(())
}

/// `{ ENTRIES, redeployment = sha1(jsonencode([REFS])) }` laid out as `terraform fmt` would,
/// for an attribute indented by `indent`.
fn triggers_object(entries: &[(String, String)], refs: &[String], indent: &str) -> String {
    let inner = format!("{indent}  ");
    let key = ["redeployment", "protection"]
        .into_iter()
        .find(|k| entries.iter().all(|(e, _)| e != k))
        .unwrap_or("gatehouse_protection");
    let mut items: Vec<Item> = entries.iter().map(|(k, v)| attr(k, v.clone())).collect();
    items.push(attr(key, hashed_refs(refs, &inner)));
    let mut text = String::from("{\n");
    render(&items, &inner, &mut text);
    text.push_str(indent);
    text.push('}');
    text
}

fn hashed_refs(refs: &[String], indent: &str) -> String {
    let mut text = String::from("sha1(jsonencode([\n");
    for r in refs {
        text.push_str(&format!("{indent}  {r},\n"));
    }
    text.push_str(indent);
    text.push_str("]))");
    text
}

/// `lifecycle { create_before_destroy = true }`; true when it was added or changed.
fn ensure_lifecycle(body: &mut Body) -> Result<bool> {
    let indent = indent_of(body, TOP);
    if let Some(block) = body.blocks_mut().find(|b| b.has_ident("lifecycle")) {
        // One level deeper than the deployment's lines, as a one-line `lifecycle { }` opens up.
        let inner = format!("{indent}  ");
        if !block.body.has_attribute("create_before_destroy") {
            multiline(&mut block.body, &inner);
        }
        return set_attr(
            &mut block.body,
            "create_before_destroy",
            "true",
            &[],
            &inner,
        );
    }
    multiline(body, &indent);
    let mut text = String::from("\n");
    let items = vec![attr("create_before_destroy", "true".to_string())];
    render(
        &[Item::Block("lifecycle".to_string(), items)],
        &indent,
        &mut text,
    );
    for s in parse_body(&text).map_err(internal)? {
        body.push(s);
    }
    Ok(true)
}

/// HTTP stages that auto-deploy serve the change at `terraform apply`; the others need a deploy.
fn http_stage_notes(body: &Body, api: &str, change: &CodeChange, notes: &mut Vec<String>) {
    let stages: Vec<(String, bool)> = resources(body, "aws_apigatewayv2_stage")
        .filter(|(_, b, _)| attr_src(&b.body, "api_id").as_deref() == Some(api))
        .map(|(_, b, label)| {
            let name = attr_str(&b.body, "name").unwrap_or(label);
            let auto = b
                .body
                .get_attribute("auto_deploy")
                .and_then(|a| a.value.as_bool())
                .unwrap_or(false);
            (name, auto)
        })
        .collect();
    if stages.is_empty() {
        notes.push(format!(
            "No aws_apigatewayv2_stage of {} is in this file: a stage with auto_deploy serves the \
             change at `terraform apply`; any other needs `gatehouse deploy --api {} --stage \
             STAGE`.",
            change.api_name, change.api_name
        ));
    }
    for (stage, auto) in stages {
        notes.push(if auto {
            format!("Stage {stage} deploys by itself (auto_deploy): `terraform apply` serves the change.")
        } else {
            format!(
                "Stage {stage} does not deploy by itself: after `terraform apply`, deploy it \
                 (`gatehouse deploy --api {} --stage {stage}`, or your own \
                 aws_apigatewayv2_deployment).",
                change.api_name
            )
        });
    }
}

// ---- Writing HCL -----------------------------------------------------------------------------

/// A line (or block) of HCL to write; runs of one-line attributes get their `=` aligned.
enum Item {
    Attr(String, String),
    Blank,
    Comment(String),
    Block(String, Vec<Item>),
}

fn attr(key: &str, value: String) -> Item {
    Item::Attr(key.to_string(), value)
}

fn resource_header(kind: &str, label: &str) -> String {
    format!("resource {} {}", quote(kind), quote(label))
}

/// Writes `items` indented by `indent`, as `terraform fmt` lays them out.
fn render(items: &[Item], indent: &str, out: &mut String) {
    let single = |i: &Item| matches!(i, Item::Attr(_, v) if !v.contains('\n'));
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Attr(key, value) if !single(&items[i]) => {
                out.push_str(&format!("{indent}{key} = {value}\n"));
                i += 1;
            }
            Item::Attr(..) => {
                let end = (i..items.len())
                    .find(|&j| !single(&items[j]))
                    .unwrap_or(items.len());
                let width = items[i..end]
                    .iter()
                    .map(|it| match it {
                        Item::Attr(k, _) => k.chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for it in &items[i..end] {
                    if let Item::Attr(k, v) = it {
                        out.push_str(&format!("{indent}{k:<width$} = {v}\n"));
                    }
                }
                i = end;
            }
            Item::Blank => {
                out.push('\n');
                i += 1;
            }
            Item::Comment(text) => {
                for line in text.lines() {
                    out.push_str(format!("{indent}# {line}").trim_end());
                    out.push('\n');
                }
                i += 1;
            }
            Item::Block(header, children) => {
                out.push_str(&format!("{indent}{header} {{\n"));
                render(children, &format!("{indent}  "), out);
                out.push_str(&format!("{indent}}}\n"));
                i += 1;
            }
        }
    }
}

/// An HCL string literal: quotes and backslashes escaped, and `${`/`%{` kept literal.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hcl_list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

// ---- Export ----------------------------------------------------------------------------------

/// The API's Cognito (REST) or JWT (HTTP) authorizers and every method's or route's protection as
/// Terraform, each with an `import` block (Terraform 1.5+) that adopts the object as it exists.
pub fn export(input: &ExportInput) -> String {
    let api = &input.api;
    let (k, kind, authorizer_kind) = match api.kind {
        ApiKind::Http => (&HTTP, "HTTP API", "JWT"),
        _ => (&REST, "REST API", "COGNITO_USER_POOLS"),
    };
    let stage = input
        .stage
        .as_deref()
        .map(|s| format!(", stage {s}"))
        .unwrap_or_default();
    let mut header = format!(
        "{}: {kind} {} in {}{stage}.\nIts {} authorizers and how each {} is protected, as \
         Terraform, written by Gatehouse.\n",
        api.name,
        api.id,
        input.region,
        if api.kind == ApiKind::Http {
            "JWT"
        } else {
            "Cognito"
        },
        k.noun
    );
    header.push_str(
        "Every object here already exists: the import blocks (Terraform 1.5 or later) adopt them,\n\
         so `terraform plan` should show only imports, with nothing to change or destroy.\n\
         Only the protection is managed here: each lifecycle ignores what was not exported.",
    );
    let mut items = vec![Item::Comment(header)];
    if api.kind == ApiKind::Websocket {
        items.push(Item::Comment(
            "A WebSocket API: Gatehouse exports REST and HTTP APIs only.".to_string(),
        ));
        return finish(&items);
    }

    let mut taken = BTreeSet::new();
    let mut labels: HashMap<&str, String> = HashMap::new();
    for a in input
        .authorizers
        .iter()
        .filter(|a| a.kind == authorizer_kind)
    {
        let label = unique(&taken, terraform_name(&a.name));
        taken.insert(label.clone());
        labels.insert(a.id.as_str(), label.clone());
        items.push(Item::Blank);
        items.push(import(
            k.authorizer,
            &label,
            &format!("{}/{}", api.id, a.id),
        ));
        items.push(Item::Blank);
        let body = match api.kind {
            ApiKind::Http => http_authorizer_items(&api.id, a),
            _ => rest_authorizer_items(&api.id, a),
        };
        items.push(Item::Block(resource_header(k.authorizer, &label), body));
    }

    let mut taken = BTreeSet::new();
    for m in &input.methods {
        if api.kind == ApiKind::Rest && !PROVIDER_VERBS.contains(&m.verb.as_str()) {
            items.push(Item::Blank);
            items.push(Item::Comment(format!(
                "{}: not exported.\nThe AWS provider takes only {} as http_method,\nso \
                 Terraform cannot manage this method: it stays as it is in AWS.",
                m.key(),
                PROVIDER_VERBS.join(", ")
            )));
            continue;
        }
        let name = if m.path == "/" {
            format!("{}_root", terraform_name(&m.verb))
        } else {
            terraform_name(&m.key())
        };
        let label = unique(&taken, name);
        taken.insert(label.clone());
        let authorizer_id = m
            .authorizer_id
            .as_deref()
            .filter(|id| !id.is_empty() && m.authorization_type.uses_authorizer())
            .map(|id| match labels.get(id) {
                Some(l) => format!("{}.{l}.id", k.authorizer),
                None => quote(id),
            });
        let import_id = match api.kind {
            ApiKind::Http => format!("{}/{}", api.id, m.resource_id),
            _ => format!("{}/{}/{}", api.id, m.resource_id, m.verb),
        };
        items.push(Item::Blank);
        items.push(Item::Comment(m.key()));
        items.push(import(k.method, &label, &import_id));
        items.push(Item::Blank);
        let body = match api.kind {
            ApiKind::Http => route_items(&api.id, m, authorizer_id),
            _ => method_items(&api.id, m, authorizer_id),
        };
        items.push(Item::Block(resource_header(k.method, &label), body));
    }
    finish(&items)
}

fn finish(items: &[Item]) -> String {
    let mut out = String::new();
    render(items, "", &mut out);
    out
}

fn import(kind: &str, label: &str, id: &str) -> Item {
    Item::Block(
        "import".to_string(),
        vec![attr("to", format!("{kind}.{label}")), attr("id", quote(id))],
    )
}

fn rest_authorizer_items(api_id: &str, a: &Authorizer) -> Vec<Item> {
    let mut items = vec![
        attr("name", quote(&a.name)),
        attr("rest_api_id", quote(api_id)),
        attr("type", quote(&a.kind)),
        attr(
            "provider_arns",
            hcl_list(a.provider_arns.iter().map(|s| quote(s))),
        ),
    ];
    if let Some(source) = a.identity_source.as_deref().filter(|s| !s.is_empty()) {
        items.push(attr("identity_source", quote(source)));
    }
    if let Some(re) = a
        .identity_validation_expression
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        items.push(attr("identity_validation_expression", quote(re)));
    }
    if let Some(ttl) = a.ttl_seconds {
        items.push(attr("authorizer_result_ttl_in_seconds", ttl.to_string()));
    }
    items
}

fn http_authorizer_items(api_id: &str, a: &Authorizer) -> Vec<Item> {
    let source = a
        .identity_source
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(HTTP_IDENTITY_SOURCE);
    let mut jwt = Vec::new();
    if !a.audience.is_empty() {
        jwt.push(attr(
            "audience",
            hcl_list(a.audience.iter().map(|s| quote(s))),
        ));
    }
    if let Some(issuer) = a.issuer.as_deref().filter(|s| !s.is_empty()) {
        jwt.push(attr("issuer", quote(issuer)));
    }
    vec![
        attr("api_id", quote(api_id)),
        attr("authorizer_type", quote("JWT")),
        attr("identity_sources", hcl_list([quote(source)])),
        attr("name", quote(&a.name)),
        Item::Blank,
        Item::Block("jwt_configuration".to_string(), jwt),
    ]
}

fn method_items(api_id: &str, m: &Method, authorizer_id: Option<String>) -> Vec<Item> {
    let mut items = vec![
        attr("rest_api_id", quote(api_id)),
        attr("resource_id", quote(&m.resource_id)),
        attr("http_method", quote(&m.verb)),
        attr("authorization", quote(m.authorization_type.as_str())),
    ];
    items.extend(authorizer_id.map(|id| attr("authorizer_id", id)));
    if !m.scopes.is_empty() {
        items.push(attr(
            "authorization_scopes",
            hcl_list(m.scopes.iter().map(|s| quote(s))),
        ));
    }
    items.push(attr("api_key_required", m.api_key_required.to_string()));
    items.push(Item::Blank);
    items.push(ignore_changes(&[
        "request_parameters",
        "request_models",
        "request_validator_id",
        "operation_name",
    ]));
    items
}

fn route_items(api_id: &str, m: &Method, authorizer_id: Option<String>) -> Vec<Item> {
    let route_key = m
        .route_key
        .clone()
        .unwrap_or_else(|| method_key(&m.verb, &m.path));
    let mut items = vec![
        attr("api_id", quote(api_id)),
        attr("route_key", quote(&route_key)),
        attr("authorization_type", quote(m.authorization_type.as_str())),
    ];
    items.extend(authorizer_id.map(|id| attr("authorizer_id", id)));
    if !m.scopes.is_empty() {
        items.push(attr(
            "authorization_scopes",
            hcl_list(m.scopes.iter().map(|s| quote(s))),
        ));
    }
    items.push(Item::Blank);
    items.push(ignore_changes(&["target", "operation_name"]));
    items
}

/// What was not exported stays as it is in AWS: Terraform neither removes nor drifts on it.
fn ignore_changes(attrs: &[&str]) -> Item {
    Item::Block(
        "lifecycle".to_string(),
        vec![attr("ignore_changes", format!("[{}]", attrs.join(", ")))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Api, AuthType};

    const PETS_ARN: &str = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_PetsPool";
    const PARCELS_ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Parcels";

    /// SecurePets as its team wrote it: comments, a custom verb, CORS, a deployment and a stage.
    const PETS_TF: &str = r#"# SecurePets: the pet shop's API.
# Owned by the platform team; change it through a pull request.

resource "aws_api_gateway_rest_api" "pets" {
  name        = "SecurePets"
  description = "Pets and purchases"
}

# /pets
resource "aws_api_gateway_resource" "pets" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  parent_id   = aws_api_gateway_rest_api.pets.root_resource_id
  path_part   = "pets"
}

resource "aws_api_gateway_resource" "purchase" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  parent_id   = aws_api_gateway_rest_api.pets.root_resource_id
  path_part   = "purchase"
}

resource "aws_api_gateway_method" "get_pets" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "GET"
  authorization = "NONE" # open until the pool exists
}

# PURCHASE is this API's own verb: reserve a pet.
resource "aws_api_gateway_method" "purchase_pets" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "PURCHASE"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "post_purchase" {
  rest_api_id      = aws_api_gateway_rest_api.pets.id
  resource_id      = aws_api_gateway_resource.purchase.id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = false
}

# CORS preflight: browsers send it without a token.
resource "aws_api_gateway_method" "options_pets" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get_pets" {
  rest_api_id             = aws_api_gateway_rest_api.pets.id
  resource_id             = aws_api_gateway_resource.pets.id
  http_method             = aws_api_gateway_method.get_pets.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.pets.invoke_arn
}

resource "aws_api_gateway_integration" "purchase_pets" {
  rest_api_id             = aws_api_gateway_rest_api.pets.id
  resource_id             = aws_api_gateway_resource.pets.id
  http_method             = aws_api_gateway_method.purchase_pets.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.pets.invoke_arn
}

resource "aws_api_gateway_integration" "post_purchase" {
  rest_api_id             = aws_api_gateway_rest_api.pets.id
  resource_id             = aws_api_gateway_resource.purchase.id
  http_method             = aws_api_gateway_method.post_purchase.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.purchase.invoke_arn
}

resource "aws_api_gateway_integration" "options_pets" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.options_pets.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_deployment" "prod" {
  rest_api_id = aws_api_gateway_rest_api.pets.id

  depends_on = [
    aws_api_gateway_integration.get_pets,
    aws_api_gateway_integration.purchase_pets,
    aws_api_gateway_integration.post_purchase,
    aws_api_gateway_integration.options_pets,
  ]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  deployment_id = aws_api_gateway_deployment.prod.id
  stage_name    = "prod"
}
"#;

    /// Parcels, an HTTP API whose default stage deploys by itself.
    const PARCELS_TF: &str = r#"// Parcels: the courier's HTTP API.
resource "aws_apigatewayv2_api" "parcels" {
  name          = "Parcels"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "parcels" {
  api_id                 = aws_apigatewayv2_api.parcels.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.parcels.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "get_parcels" {
  api_id    = aws_apigatewayv2_api.parcels.id
  route_key = "GET /parcels"
  target    = "integrations/${aws_apigatewayv2_integration.parcels.id}"
}

resource "aws_apigatewayv2_route" "post_parcels" {
  api_id    = aws_apigatewayv2_api.parcels.id
  route_key = "POST /parcels" // drivers book a pickup
  target    = "integrations/${aws_apigatewayv2_integration.parcels.id}"
}

resource "aws_apigatewayv2_route" "default" {
  api_id    = aws_apigatewayv2_api.parcels.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.parcels.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.parcels.id
  name        = "$default"
  auto_deploy = true
}
"#;

    fn rest_change(methods: &[(&str, &str)], scopes: &[&str]) -> CodeChange {
        CodeChange {
            api_name: "SecurePets".into(),
            api_id: "a1b2c3d4e5".into(),
            kind: ApiKind::Rest,
            authorizer: AuthorizerCode {
                name: "PetsPool".into(),
                provider_arns: vec![PETS_ARN.into()],
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

    fn http_change(methods: &[(&str, &str)], scopes: &[&str]) -> CodeChange {
        CodeChange {
            api_name: "Parcels".into(),
            api_id: "p4rc3l5".into(),
            kind: ApiKind::Http,
            authorizer: AuthorizerCode {
                name: "ParcelsPool".into(),
                provider_arns: vec![],
                identity_source: "$request.header.Authorization".into(),
                identity_validation_expression: String::new(),
                ttl_seconds: 0,
                issuer: PARCELS_ISSUER.into(),
                audience: vec!["7drivers0app0client".into()],
            },
            methods: methods.iter().map(|(v, p)| MethodRef::new(v, p)).collect(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn three() -> CodeChange {
        rest_change(
            &[
                ("GET", "/pets"),
                ("PURCHASE", "/pets"),
                ("POST", "/purchase"),
            ],
            &[],
        )
    }

    fn method(
        resource_id: &str,
        verb: &str,
        path: &str,
        auth: AuthType,
        authorizer: Option<&str>,
    ) -> Method {
        Method {
            resource_id: resource_id.into(),
            path: path.into(),
            verb: verb.into(),
            authorization_type: auth,
            authorizer_id: authorizer.map(str::to_string),
            scopes: vec![],
            api_key_required: false,
            route_key: None,
        }
    }

    fn api(id: &str, name: &str, kind: ApiKind) -> Api {
        Api {
            id: id.into(),
            name: name.into(),
            description: None,
            kind,
            managed_by: None,
            not_reviewed: None,
        }
    }

    fn authorizer(id: &str, name: &str, kind: &str) -> Authorizer {
        Authorizer {
            id: id.into(),
            name: name.into(),
            kind: kind.into(),
            provider_arns: vec![],
            identity_source: None,
            identity_validation_expression: None,
            ttl_seconds: None,
            authorizer_uri: None,
            issuer: None,
            audience: vec![],
        }
    }

    /// SecurePets as AWS holds it: two methods protected, one open, CORS, a Lambda authorizer.
    fn rest_export() -> ExportInput {
        let mut get = method(
            "r3s0urc3",
            "GET",
            "/pets",
            AuthType::CognitoUserPools,
            Some("c0gn1t"),
        );
        get.scopes = vec!["pets/read".into()];
        let mut pool = authorizer("c0gn1t", "PetsPool", "COGNITO_USER_POOLS");
        pool.provider_arns = vec![PETS_ARN.into()];
        pool.identity_source = Some("method.request.header.Authorization".into());
        pool.ttl_seconds = Some(300);
        ExportInput {
            api: api("a1b2c3d4e5", "SecurePets", ApiKind::Rest),
            region: "us-east-1".into(),
            methods: vec![
                get,
                method(
                    "r3s0urc3",
                    "PURCHASE",
                    "/pets",
                    AuthType::CognitoUserPools,
                    Some("c0gn1t"),
                ),
                method("pu7ch4", "POST", "/purchase", AuthType::None, None),
                method("r3s0urc3", "OPTIONS", "/pets", AuthType::None, None),
                method("r00t1d", "ANY", "/", AuthType::Custom, Some("l4mbd4")),
            ],
            authorizers: vec![pool, authorizer("l4mbd4", "Legacy", "TOKEN")],
            stage: Some("prod".into()),
        }
    }

    /// Parcels as AWS holds it: one route behind the pool's JWT authorizer, the default open.
    fn http_export() -> ExportInput {
        let mut get = method("r0ut31", "GET", "/parcels", AuthType::Jwt, Some("jw7"));
        get.route_key = Some("GET /parcels".into());
        get.scopes = vec!["parcels/read".into()];
        let mut default = method("r0ut32", "ANY", "$default", AuthType::None, None);
        default.route_key = Some("$default".into());
        let mut pool = authorizer("jw7", "ParcelsPool", "JWT");
        pool.identity_source = Some("$request.header.Authorization".into());
        pool.issuer = Some(PARCELS_ISSUER.into());
        pool.audience = vec!["7drivers0app0client".into()];
        ExportInput {
            api: api("p4rc3l5", "Parcels", ApiKind::Http),
            region: "eu-west-1".into(),
            methods: vec![get, default],
            authorizers: vec![pool],
            stage: None,
        }
    }

    /// The diff's changed lines, `+` and `-`, without its header.
    fn changes(diff: &str) -> String {
        diff.lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// The text of the top-level block that starts with `header`, up to its closing brace.
    fn block_text<'a>(text: &'a str, header: &str) -> &'a str {
        let start = text
            .find(header)
            .unwrap_or_else(|| panic!("no {header} in\n{text}"));
        let end = text[start..]
            .find("\n}\n")
            .map_or(text.len(), |e| start + e + 3);
        &text[start..end]
    }

    fn message(e: Error) -> String {
        match e {
            Error::Invalid { field, message } => {
                assert_eq!(field, "template");
                message
            }
            other => panic!("expected a template error, got {other:?}"),
        }
    }

    fn redeployment(refs: &[&str]) -> String {
        let mut out = String::from("+  triggers = {\n+    redeployment = sha1(jsonencode([\n");
        for r in refs {
            out.push_str(&format!("+      {r},\n"));
        }
        out.push_str("+    ]))\n+  }\n+\n");
        out
    }

    #[test]
    fn what_gatehouse_does_not_touch_round_trips_byte_for_byte() {
        let tricky = "# header\n\nlocals {\n  a = <<-EOT\n    text ${var.x}\n  EOT\n  /* block */ b = { c = 1, d = [1, 2,] }\n}\nresource \"x\" \"y\" { z = 1 }\n// no newline at the end\nresource \"x\" \"w\" {}";
        for text in [PETS_TF, PARCELS_TF, tricky] {
            assert_eq!(parse_body(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn protecting_three_methods_changes_only_their_lines() {
        let p = patch("main.tf", PETS_TF, &three()).unwrap();
        assert_eq!(p.format, TemplateFormat::Terraform);
        assert_eq!(p.changed, ["GET /pets", "PURCHASE /pets", "POST /purchase"]);
        assert!(p.already.is_empty());
        assert!(
            p.diff.starts_with("--- a/main.tf\n+++ b/main.tf\n"),
            "{}",
            p.diff
        );
        let authorizer = format!(
            "+resource \"aws_api_gateway_authorizer\" \"pets_pool\" {{\n\
             +  name                             = \"PetsPool\"\n\
             +  rest_api_id                      = aws_api_gateway_rest_api.pets.id\n\
             +  type                             = \"COGNITO_USER_POOLS\"\n\
             +  provider_arns                    = [\"{PETS_ARN}\"]\n\
             +  identity_source                  = \"method.request.header.Authorization\"\n\
             +  authorizer_result_ttl_in_seconds = 300\n\
             +}}\n\
             +\n"
        );
        let methods = "\
-  authorization = \"NONE\" # open until the pool exists
+  authorization = \"COGNITO_USER_POOLS\" # open until the pool exists
+  authorizer_id = aws_api_gateway_authorizer.pets_pool.id
-  authorization = \"NONE\"
+  authorization = \"COGNITO_USER_POOLS\"
+  authorizer_id = aws_api_gateway_authorizer.pets_pool.id
-  authorization    = \"NONE\"
+  authorization    = \"COGNITO_USER_POOLS\"
+  authorizer_id    = aws_api_gateway_authorizer.pets_pool.id
";
        let triggers = redeployment(&[
            "aws_api_gateway_method.get_pets.authorization",
            "aws_api_gateway_method.get_pets.authorizer_id",
            "aws_api_gateway_method.get_pets.authorization_scopes",
            "aws_api_gateway_method.purchase_pets.authorization",
            "aws_api_gateway_method.purchase_pets.authorizer_id",
            "aws_api_gateway_method.purchase_pets.authorization_scopes",
            "aws_api_gateway_method.post_purchase.authorization",
            "aws_api_gateway_method.post_purchase.authorizer_id",
            "aws_api_gateway_method.post_purchase.authorization_scopes",
            "aws_api_gateway_authorizer.pets_pool.id",
        ]);
        let lifecycle = "+\n+  lifecycle {\n+    create_before_destroy = true\n+  }\n";
        assert_eq!(
            changes(&p.diff),
            format!("{authorizer}{methods}{triggers}{lifecycle}")
        );
        assert_eq!(
            p.notes,
            [
                "Added aws_api_gateway_authorizer.pets_pool (PetsPool) for GET /pets, PURCHASE /pets and POST /purchase.",
                "aws_api_gateway_deployment.prod redeploys when these methods change (triggers), and `terraform apply` serves them on stage prod.",
                "aws_api_gateway_deployment.prod is created before the old one is destroyed (lifecycle create_before_destroy), so its stage always has a deployment.",
            ]
        );
    }

    #[test]
    fn comments_and_the_options_method_survive_untouched() {
        let p = patch("main.tf", PETS_TF, &three()).unwrap();
        for comment in PETS_TF.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(p.text.contains(comment), "lost {comment:?}");
        }
        let options = "# CORS preflight: browsers send it without a token.\nresource \"aws_api_gateway_method\" \"options_pets\" {";
        assert_eq!(block_text(&p.text, options), block_text(PETS_TF, options));
        for untouched in [
            "resource \"aws_api_gateway_integration\" \"options_pets\"",
            "resource \"aws_api_gateway_stage\" \"prod\"",
        ] {
            assert_eq!(
                block_text(&p.text, untouched),
                block_text(PETS_TF, untouched)
            );
        }
        assert!(p
            .text
            .starts_with("# SecurePets: the pet shop's API.\n# Owned by the platform team"));
    }

    #[test]
    fn a_second_patch_finds_everything_already_protected() {
        let first = patch("main.tf", PETS_TF, &three()).unwrap();
        let second = patch("main.tf", &first.text, &three()).unwrap();
        assert_eq!(second.text, first.text);
        assert_eq!(second.diff, "");
        assert!(second.changed.is_empty());
        assert_eq!(
            second.already,
            ["GET /pets", "PURCHASE /pets", "POST /purchase"]
        );
        assert_eq!(
            second.notes,
            ["main.tf already protects GET /pets, PURCHASE /pets and POST /purchase this way: nothing to change."]
        );
        // One more method later: the authorizer is reused and the trigger list grows.
        let more = rest_change(&[("GET", "/pets"), ("GET", "/purchase")], &[]);
        let with_get = PETS_TF.replace(
            "# CORS preflight",
            "resource \"aws_api_gateway_method\" \"get_purchase\" {\n  rest_api_id   = aws_api_gateway_rest_api.pets.id\n  resource_id   = aws_api_gateway_resource.purchase.id\n  http_method   = \"GET\"\n  authorization = \"NONE\"\n}\n\n# CORS preflight",
        );
        let first = patch("main.tf", &with_get, &three()).unwrap();
        let third = patch("main.tf", &first.text, &more).unwrap();
        assert_eq!(
            (third.changed.as_slice(), third.already.as_slice()),
            (
                &["GET /purchase".to_string()][..],
                &["GET /pets".to_string()][..]
            )
        );
        assert_eq!(
            third
                .text
                .matches("resource \"aws_api_gateway_authorizer\"")
                .count(),
            1
        );
        assert_eq!(
            changes(&third.diff),
            "\
-  authorization = \"NONE\"
+  authorization = \"COGNITO_USER_POOLS\"
+  authorizer_id = aws_api_gateway_authorizer.pets_pool.id
+      aws_api_gateway_method.get_purchase.authorization,
+      aws_api_gateway_method.get_purchase.authorizer_id,
+      aws_api_gateway_method.get_purchase.authorization_scopes,
"
        );
    }

    #[test]
    fn an_unknown_method_is_refused_naming_the_methods_the_file_has() {
        let change = rest_change(&[("GET", "/pets"), ("DELETE", "/pets")], &[]);
        let e = message(patch("main.tf", PETS_TF, &change).unwrap_err());
        assert_eq!(
            e,
            "main.tf has no aws_api_gateway_method for DELETE /pets of SecurePets. It declares \
             GET /pets, PURCHASE /pets, POST /purchase, OPTIONS /pets."
        );
        let e = message(
            patch(
                "main.tf",
                PETS_TF,
                &rest_change(&[("OPTIONS", "/pets")], &[]),
            )
            .unwrap_err(),
        );
        assert!(e.contains("CORS preflight"), "{e}");
        let e = message(patch("bad.tf", "resource \"x\" {\n", &three()).unwrap_err());
        assert!(
            e.starts_with("bad.tf is not Terraform Gatehouse can read"),
            "{e}"
        );
    }

    #[test]
    fn scopes_are_written_aligned_and_taken_out_again() {
        let p = patch(
            "main.tf",
            PETS_TF,
            &rest_change(
                &[("GET", "/pets")],
                &["pets/read", "pets/write", "pets/read"],
            ),
        )
        .unwrap();
        let header = "resource \"aws_api_gateway_method\" \"get_pets\" {";
        assert_eq!(
            block_text(&p.text, header),
            "resource \"aws_api_gateway_method\" \"get_pets\" {
  rest_api_id          = aws_api_gateway_rest_api.pets.id
  resource_id          = aws_api_gateway_resource.pets.id
  http_method          = \"GET\"
  authorization        = \"COGNITO_USER_POOLS\" # open until the pool exists
  authorizer_id        = aws_api_gateway_authorizer.pets_pool.id
  authorization_scopes = [\"pets/read\", \"pets/write\"]
}
"
        );
        let same = patch(
            "main.tf",
            &p.text,
            &rest_change(&[("GET", "/pets")], &["pets/write", "pets/read"]),
        )
        .unwrap();
        assert_eq!(same.diff, "");
        let open_scopes =
            patch("main.tf", &p.text, &rest_change(&[("GET", "/pets")], &[])).unwrap();
        let plain = patch("main.tf", PETS_TF, &rest_change(&[("GET", "/pets")], &[])).unwrap();
        assert_eq!(
            block_text(&open_scopes.text, header),
            block_text(&plain.text, header)
        );
        assert_eq!(open_scopes.changed, ["GET /pets"]);
        assert!(open_scopes.notes.contains(&"Removed authorization_scopes from aws_api_gateway_method.get_pets: any valid token is accepted now.".to_string()), "{:?}", open_scopes.notes);
    }

    #[test]
    fn an_authorizer_of_the_same_pool_is_reused() {
        let text = format!(
            "{PETS_TF}\nresource \"aws_api_gateway_authorizer\" \"cognito\" {{\n  name          = \"Existing\"\n  rest_api_id   = aws_api_gateway_rest_api.pets.id\n  type          = \"COGNITO_USER_POOLS\"\n  provider_arns = [\"{PETS_ARN}\"]\n}}\n"
        );
        let p = patch(
            "main.tf",
            &text,
            &rest_change(&[("POST", "/purchase")], &[]),
        )
        .unwrap();
        assert_eq!(
            p.text
                .matches("resource \"aws_api_gateway_authorizer\"")
                .count(),
            1
        );
        assert!(
            p.text
                .contains("  authorizer_id    = aws_api_gateway_authorizer.cognito.id\n"),
            "{}",
            p.text
        );
        assert_eq!(
            p.notes[0],
            "POST /purchase uses the existing aws_api_gateway_authorizer.cognito."
        );
        // Another pool's authorizer of the same label is left alone: the new one gets its own.
        let other = text
            .replace("us-east-1_PetsPool\"]", "us-east-1_Other\"]")
            .replace("\"Existing\"", "\"Other\"")
            .replace("\"cognito\"", "\"pets_pool\"");
        let p = patch(
            "main.tf",
            &other,
            &rest_change(&[("POST", "/purchase")], &[]),
        )
        .unwrap();
        assert!(
            p.text
                .contains("resource \"aws_api_gateway_authorizer\" \"pets_pool_2\" {"),
            "{}",
            p.text
        );
        // Nor is one declared in another file of the module that a method already names.
        let elsewhere = PETS_TF.replace(
            "  http_method   = \"PURCHASE\"\n  authorization = \"NONE\"\n",
            "  http_method   = \"PURCHASE\"\n  authorization = \"CUSTOM\"\n  authorizer_id = aws_api_gateway_authorizer.pets_pool.id\n",
        );
        assert_ne!(elsewhere, PETS_TF);
        let p = patch(
            "main.tf",
            &elsewhere,
            &rest_change(&[("GET", "/pets")], &[]),
        )
        .unwrap();
        assert!(p
            .text
            .contains("\"aws_api_gateway_authorizer\" \"pets_pool_2\" {"));
    }

    #[test]
    fn an_existing_trigger_list_gains_the_methods_in_its_own_layout() {
        let deployment = "resource \"aws_api_gateway_deployment\" \"prod\" {
  rest_api_id = aws_api_gateway_rest_api.pets.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.pets.id,
      aws_api_gateway_method.get_pets.id
    ]))
  }

  lifecycle { create_before_destroy = true }
}
";
        let text = PETS_TF.replace(
            block_text(PETS_TF, "resource \"aws_api_gateway_deployment\""),
            deployment,
        );
        let p = patch("main.tf", &text, &rest_change(&[("GET", "/pets")], &[])).unwrap();
        assert!(
            changes(&p.diff).ends_with(
                "\
-      aws_api_gateway_method.get_pets.id
+      aws_api_gateway_method.get_pets.id,
+      aws_api_gateway_method.get_pets.authorization,
+      aws_api_gateway_method.get_pets.authorizer_id,
+      aws_api_gateway_method.get_pets.authorization_scopes,
+      aws_api_gateway_authorizer.pets_pool.id
"
            ),
            "{}",
            p.diff
        );
        assert!(p
            .text
            .contains("  lifecycle { create_before_destroy = true }\n"));
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        // Triggers of another shape keep theirs and get a list of their own.
        let hashed_body = text.replace(
            "    redeployment = sha1(jsonencode([\n      aws_api_gateway_resource.pets.id,\n      aws_api_gateway_method.get_pets.id\n    ]))\n",
            "    redeployment = sha1(aws_api_gateway_rest_api.pets.body)\n",
        ).replace("  lifecycle { create_before_destroy = true }\n", "  lifecycle { prevent_destroy = false }\n");
        let p = patch(
            "main.tf",
            &hashed_body,
            &rest_change(&[("GET", "/pets")], &[]),
        )
        .unwrap();
        assert_eq!(
            block_text(&p.text, "resource \"aws_api_gateway_deployment\""),
            "resource \"aws_api_gateway_deployment\" \"prod\" {
  rest_api_id = aws_api_gateway_rest_api.pets.id

  triggers = {
    redeployment = sha1(aws_api_gateway_rest_api.pets.body)
    protection = sha1(jsonencode([
      aws_api_gateway_method.get_pets.authorization,
      aws_api_gateway_method.get_pets.authorizer_id,
      aws_api_gateway_method.get_pets.authorization_scopes,
      aws_api_gateway_authorizer.pets_pool.id,
    ]))
  }

  lifecycle {
    prevent_destroy       = false
    create_before_destroy = true
  }
}
"
        );
        let computed = text.replace("  triggers = {\n    redeployment = sha1(jsonencode([\n      aws_api_gateway_resource.pets.id,\n      aws_api_gateway_method.get_pets.id\n    ]))\n  }\n", "  triggers = var.triggers\n");
        let p = patch("main.tf", &computed, &rest_change(&[("GET", "/pets")], &[])).unwrap();
        assert!(
            p.notes.iter().any(|n| n.starts_with(
                "aws_api_gateway_deployment.prod's triggers are computed (var.triggers): add "
            )),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn one_line_blocks_open_up_as_terraform_fmt_lays_them_out() {
        let dep = block_text(PETS_TF, "resource \"aws_api_gateway_deployment\"");
        let get = rest_change(&[("GET", "/pets")], &[]);
        let refs = "    redeployment = sha1(jsonencode([
      aws_api_gateway_method.get_pets.authorization,
      aws_api_gateway_method.get_pets.authorizer_id,
      aws_api_gateway_method.get_pets.authorization_scopes,
      aws_api_gateway_authorizer.pets_pool.id,
    ]))
";
        let one_line = "resource \"aws_api_gateway_deployment\" \"prod\" { rest_api_id = aws_api_gateway_rest_api.pets.id }\n";
        let p = patch("main.tf", &PETS_TF.replace(dep, one_line), &get).unwrap();
        assert_eq!(
            block_text(&p.text, "resource \"aws_api_gateway_deployment\""),
            format!(
                "resource \"aws_api_gateway_deployment\" \"prod\" {{
  rest_api_id = aws_api_gateway_rest_api.pets.id

  triggers = {{
{refs}  }}

  lifecycle {{
    create_before_destroy = true
  }}
}}
"
            )
        );
        let empty_lifecycle = dep.replace("  depends_on", "  lifecycle {}\n\n  depends_on");
        let p = patch("main.tf", &PETS_TF.replace(dep, &empty_lifecycle), &get).unwrap();
        assert!(
            p.text
                .contains("  lifecycle {\n    create_before_destroy = true\n  }\n\n  depends_on"),
            "{}",
            p.text
        );
    }

    #[test]
    fn without_a_deployment_the_notes_say_how_to_deploy() {
        let text = PETS_TF.replace(
            block_text(PETS_TF, "resource \"aws_api_gateway_deployment\""),
            "",
        );
        let p = patch("main.tf", &text, &rest_change(&[("GET", "/pets")], &[])).unwrap();
        assert!(!p.text.contains("triggers"));
        assert_eq!(
            p.notes[1],
            "main.tf has no aws_api_gateway_deployment for SecurePets: after `terraform apply`, \
             deploy the API (`gatehouse deploy --api SecurePets --stage prod`, or your own \
             deployment resource); until then callers meet the methods as they were."
        );
    }

    #[test]
    fn several_rest_apis_are_told_apart_by_name() {
        let admin = "resource \"aws_api_gateway_rest_api\" \"admin\" {\n  name = \"Admin\"\n}\n\nresource \"aws_api_gateway_method\" \"admin_get\" {\n  rest_api_id   = aws_api_gateway_rest_api.admin.id\n  resource_id   = aws_api_gateway_rest_api.admin.root_resource_id\n  http_method   = \"GET\"\n  authorization = \"NONE\"\n}\n";
        let text = format!("{admin}\n{PETS_TF}");
        let p = patch("main.tf", &text, &rest_change(&[("GET", "/pets")], &[])).unwrap();
        assert_eq!(
            block_text(&p.text, "resource \"aws_api_gateway_rest_api\" \"admin\""),
            block_text(admin, "resource")
        );
        assert!(p.text.contains("resource \"aws_api_gateway_method\" \"admin_get\" {\n  rest_api_id   = aws_api_gateway_rest_api.admin.id\n  resource_id   = aws_api_gateway_rest_api.admin.root_resource_id\n  http_method   = \"GET\"\n  authorization = \"NONE\"\n}"));
        let mut change = rest_change(&[("GET", "/")], &[]);
        change.api_name = "Admin".into();
        let p = patch("main.tf", &text, &change).unwrap();
        assert_eq!(p.changed, ["GET /"]);
        assert!(p
            .text
            .contains("  rest_api_id                      = aws_api_gateway_rest_api.admin.id\n"));
        change.api_name = "Billing".into();
        assert_eq!(
            message(patch("main.tf", &text, &change).unwrap_err()),
            "main.tf declares several aws_api_gateway_rest_api (admin named \"Admin\", pets named \
             \"SecurePets\") and none is named \"Billing\": Gatehouse cannot tell which to patch."
        );
    }

    #[test]
    fn a_module_without_the_rest_api_uses_the_id_its_methods_name() {
        let text = "variable \"rest_api_id\" {}\nvariable \"root_resource_id\" {}\n\nresource \"aws_api_gateway_resource\" \"pets\" {\n  rest_api_id = var.rest_api_id\n  parent_id   = var.root_resource_id\n  path_part   = \"pets\"\n}\n\nresource \"aws_api_gateway_method\" \"get_pets\" {\n  rest_api_id   = var.rest_api_id\n  resource_id   = aws_api_gateway_resource.pets.id\n  http_method   = \"GET\"\n  authorization = \"NONE\"\n}\n";
        let p = patch("pets.tf", text, &rest_change(&[("GET", "/pets")], &[])).unwrap();
        assert!(
            p.text
                .contains("  rest_api_id                      = var.rest_api_id\n"),
            "{}",
            p.text
        );
        assert!(
            p.notes[1].contains("`gatehouse deploy --api SecurePets --stage STAGE`"),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn http_routes_get_a_jwt_authorizer_and_an_auto_deploy_stage_needs_nothing() {
        let change = http_change(
            &[("GET", "/parcels"), ("POST", "/parcels")],
            &["parcels/read"],
        );
        let p = patch("api.tf", PARCELS_TF, &change).unwrap();
        assert_eq!(p.changed, ["GET /parcels", "POST /parcels"]);
        assert_eq!(
            changes(&p.diff),
            format!(
                "\
+resource \"aws_apigatewayv2_authorizer\" \"parcels_pool\" {{
+  api_id           = aws_apigatewayv2_api.parcels.id
+  authorizer_type  = \"JWT\"
+  identity_sources = [\"$request.header.Authorization\"]
+  name             = \"ParcelsPool\"
+
+  jwt_configuration {{
+    audience = [\"7drivers0app0client\"]
+    issuer   = \"{PARCELS_ISSUER}\"
+  }}
+}}
+
-  api_id    = aws_apigatewayv2_api.parcels.id
-  route_key = \"GET /parcels\"
-  target    = \"integrations/${{aws_apigatewayv2_integration.parcels.id}}\"
+  api_id               = aws_apigatewayv2_api.parcels.id
+  route_key            = \"GET /parcels\"
+  authorization_type   = \"JWT\"
+  authorizer_id        = aws_apigatewayv2_authorizer.parcels_pool.id
+  authorization_scopes = [\"parcels/read\"]
+  target               = \"integrations/${{aws_apigatewayv2_integration.parcels.id}}\"
-  api_id    = aws_apigatewayv2_api.parcels.id
-  route_key = \"POST /parcels\" // drivers book a pickup
-  target    = \"integrations/${{aws_apigatewayv2_integration.parcels.id}}\"
+  api_id               = aws_apigatewayv2_api.parcels.id
+  route_key            = \"POST /parcels\" // drivers book a pickup
+  authorization_type   = \"JWT\"
+  authorizer_id        = aws_apigatewayv2_authorizer.parcels_pool.id
+  authorization_scopes = [\"parcels/read\"]
+  target               = \"integrations/${{aws_apigatewayv2_integration.parcels.id}}\"
"
            )
        );
        assert_eq!(
            p.notes[1],
            "Stage $default deploys by itself (auto_deploy): `terraform apply` serves the change."
        );
        let again = patch("api.tf", &p.text, &change).unwrap();
        assert_eq!((again.diff.as_str(), again.already.len()), ("", 2));
        // The default route, and a stage that does not deploy by itself.
        let manual = PARCELS_TF.replace("auto_deploy = true", "auto_deploy = false");
        let p = patch("api.tf", &manual, &http_change(&[("ANY", "$default")], &[])).unwrap();
        assert_eq!(p.changed, ["$default"]);
        assert!(p.text.contains("  route_key          = \"$default\"\n  authorization_type = \"JWT\"\n  authorizer_id      = aws_apigatewayv2_authorizer.parcels_pool.id\n"), "{}", p.text);
        assert!(p.notes[1].starts_with("Stage $default does not deploy by itself: after `terraform apply`, deploy it (`gatehouse deploy --api Parcels --stage $default`"), "{:?}", p.notes);
        // An authorizer with the pool's issuer is reused.
        let p2 = patch("api.tf", &p.text, &http_change(&[("GET", "/parcels")], &[])).unwrap();
        assert_eq!(
            p2.text
                .matches("resource \"aws_apigatewayv2_authorizer\"")
                .count(),
            1
        );
    }

    #[test]
    fn export_rest_adopts_authorizers_and_methods_with_import_blocks() {
        let text = export(&rest_export());
        assert!(
            text.starts_with("# SecurePets: REST API a1b2c3d4e5 in us-east-1, stage prod.\n"),
            "{text}"
        );
        assert!(text.contains("`terraform plan` should show only imports"));
        for (to, id) in [
            ("aws_api_gateway_authorizer.pets_pool", "a1b2c3d4e5/c0gn1t"),
            ("aws_api_gateway_method.get_pets", "a1b2c3d4e5/r3s0urc3/GET"),
            (
                "aws_api_gateway_method.post_purchase",
                "a1b2c3d4e5/pu7ch4/POST",
            ),
            (
                "aws_api_gateway_method.options_pets",
                "a1b2c3d4e5/r3s0urc3/OPTIONS",
            ),
            ("aws_api_gateway_method.any_root", "a1b2c3d4e5/r00t1d/ANY"),
        ] {
            let block = format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n");
            assert!(text.contains(&block), "no {block} in\n{text}");
        }
        assert_eq!(
            block_text(&text, "resource \"aws_api_gateway_method\" \"get_pets\""),
            "resource \"aws_api_gateway_method\" \"get_pets\" {
  rest_api_id          = \"a1b2c3d4e5\"
  resource_id          = \"r3s0urc3\"
  http_method          = \"GET\"
  authorization        = \"COGNITO_USER_POOLS\"
  authorizer_id        = aws_api_gateway_authorizer.pets_pool.id
  authorization_scopes = [\"pets/read\"]
  api_key_required     = false

  lifecycle {
    ignore_changes = [request_parameters, request_models, request_validator_id, operation_name]
  }
}
"
        );
        assert!(block_text(
            &text,
            "resource \"aws_api_gateway_authorizer\" \"pets_pool\""
        )
        .contains(&format!(
            "  provider_arns                    = [\"{PETS_ARN}\"]\n"
        )));
        assert!(
            block_text(&text, "resource \"aws_api_gateway_method\" \"any_root\"")
                .contains("  authorization    = \"CUSTOM\"\n  authorizer_id    = \"l4mbd4\"\n")
        );
        assert!(block_text(
            &text,
            "resource \"aws_api_gateway_method\" \"post_purchase\""
        )
        .contains("  authorization    = \"NONE\"\n"));
        // The provider refuses a custom verb: said, not written as a block plan would fail on.
        assert!(!text.contains("\"PURCHASE\""));
        assert!(
            text.contains(
                "\n# PURCHASE /pets: not exported.\n# The AWS provider takes only ANY, DELETE, GET, \
                 HEAD, OPTIONS, PATCH, POST, PUT as http_method,\n# so Terraform cannot manage \
                 this method: it stays as it is in AWS.\n"
            ),
            "{text}"
        );
        // The Lambda authorizer is not exported; only the Cognito one is.
        assert_eq!(
            text.matches("resource \"aws_api_gateway_authorizer\"")
                .count(),
            1
        );
        let body = parse_body(&text).unwrap();
        assert_eq!(body.to_string(), text);
        assert_eq!(body.get_blocks("import").count(), 5);
        assert_eq!(body.get_blocks("resource").count(), 5);
    }

    #[test]
    fn export_http_adopts_the_jwt_authorizer_and_routes() {
        let text = export(&http_export());
        assert!(
            text.starts_with("# Parcels: HTTP API p4rc3l5 in eu-west-1.\n"),
            "{text}"
        );
        for (to, id) in [
            ("aws_apigatewayv2_authorizer.parcels_pool", "p4rc3l5/jw7"),
            ("aws_apigatewayv2_route.get_parcels", "p4rc3l5/r0ut31"),
            ("aws_apigatewayv2_route.default", "p4rc3l5/r0ut32"),
        ] {
            let block = format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n");
            assert!(text.contains(&block), "no {block} in\n{text}");
        }
        assert_eq!(
            block_text(&text, "resource \"aws_apigatewayv2_authorizer\""),
            format!(
                "resource \"aws_apigatewayv2_authorizer\" \"parcels_pool\" {{
  api_id           = \"p4rc3l5\"
  authorizer_type  = \"JWT\"
  identity_sources = [\"$request.header.Authorization\"]
  name             = \"ParcelsPool\"

  jwt_configuration {{
    audience = [\"7drivers0app0client\"]
    issuer   = \"{PARCELS_ISSUER}\"
  }}
}}
"
            )
        );
        assert!(block_text(&text, "resource \"aws_apigatewayv2_route\" \"get_parcels\"").contains("  route_key            = \"GET /parcels\"\n  authorization_type   = \"JWT\"\n  authorizer_id        = aws_apigatewayv2_authorizer.parcels_pool.id\n  authorization_scopes = [\"parcels/read\"]\n"));
        assert!(
            block_text(&text, "resource \"aws_apigatewayv2_route\" \"default\"")
                .contains("  route_key          = \"$default\"\n  authorization_type = \"NONE\"\n")
        );
        let body = parse_body(&text).unwrap();
        assert_eq!(body.to_string(), text);
        assert_eq!(body.get_blocks("import").count(), 3);
    }

    #[test]
    fn export_names_are_terraform_names_and_unique() {
        let mut input = rest_export();
        input.methods = vec![
            method("a", "GET", "/pets-x", AuthType::None, None),
            method("b", "GET", "/pets/x", AuthType::AwsIam, None),
        ];
        input.authorizers.clear();
        let text = export(&input);
        assert!(text.contains("resource \"aws_api_gateway_method\" \"get_pets_x\" {"));
        assert!(text.contains("resource \"aws_api_gateway_method\" \"get_pets_x_2\" {"));
        assert!(text.contains("  authorization    = \"AWS_IAM\"\n  api_key_required = false\n"));
    }

    #[test]
    fn strings_are_quoted_with_templates_kept_literal() {
        assert_eq!(quote("a\"b\\c ${x} %{y} $z"), r#""a\"b\\c $${x} %%{y} $z""#);
        assert_eq!(
            parse_expr(&quote("a\"b ${x}")).unwrap().as_str(),
            Some("a\"b ${x}")
        );
    }
}
