//! Pure: a protect written into a SAM template. The authorizer is declared in the API's `Auth`
//! block (`AWS::Serverless::Api` / `HttpApi`, or `Globals` for the API SAM makes implicitly), and
//! each chosen function event gets its own `Auth`: no `DefaultAuthorizer` is added, so the CORS
//! preflight SAM generates stays open (serverless-application-model #717). SAM redeploys on the
//! stack update by itself.

use super::cloudformation::{
    of_type, refuse_options, resources_of, route_key, same_literal, set_group,
};
use super::diff;
use super::spec::{logical_id, CodeChange, Patched, TemplateFormat};
use super::yaml_doc::{Doc, Node, V};
use crate::domain::model::ApiKind;
use crate::error::{Error, Result};
use std::collections::BTreeSet;

/// Whether a template is SAM's: its `Transform` names the Serverless transform.
pub fn is_sam(doc: &Doc) -> bool {
    doc.root
        .get("Transform")
        .is_some_and(|t| t.strs().iter().any(|s| s.starts_with("AWS::Serverless")))
}

struct Kinds {
    api: &'static str,
    event: &'static str,
    api_ref: &'static str,
    implicit: &'static str,
    globals: &'static str,
}

const REST: Kinds = Kinds {
    api: "AWS::Serverless::Api",
    event: "Api",
    api_ref: "RestApiId",
    implicit: "ServerlessRestApi",
    globals: "Api",
};

const HTTP: Kinds = Kinds {
    api: "AWS::Serverless::HttpApi",
    event: "HttpApi",
    api_ref: "ApiId",
    implicit: "ServerlessHttpApi",
    globals: "HttpApi",
};

/// One function event of the API: its key ("GET /pets") and where its properties are.
struct Event {
    key: String,
    function: String,
    name: String,
    api: String,
}

pub fn patch(
    name: &str,
    text: &str,
    change: &CodeChange,
    api_logical: Option<&str>,
) -> Result<Patched> {
    let kinds = match change.kind {
        ApiKind::Http => &HTTP,
        _ => &REST,
    };
    refuse_options(change)?;
    let mut doc = Doc::parse(text)?;
    let resources = resources_of(&doc)?.clone();
    let events = events_of(&resources, kinds);
    let api = choose_api(&resources, kinds, change, api_logical, &events)?;
    let events: Vec<Event> = events.into_iter().filter(|e| e.api == api).collect();
    let mut wanted = Vec::new();
    for m in &change.methods {
        let key = route_key(&m.verb, &m.path);
        match events.iter().find(|e| e.key == key) {
            Some(e) => wanted.push((m.key(), e)),
            None => {
                let have: Vec<&str> = events.iter().map(|e| e.key.as_str()).collect();
                return Err(Error::invalid(
                    "methods",
                    format!(
                        "The template has no function event for {key} on {api}; its events are {}.",
                        if have.is_empty() {
                            "none".to_string()
                        } else {
                            have.join(", ")
                        }
                    ),
                ));
            }
        }
    }

    let mut notes = Vec::new();
    let root = doc.root.clone();
    // Where the API's Auth block is: its Properties, or Globals for the implicit API.
    let (auth_home, auth_path): (Node, Vec<&str>) = if api == kinds.implicit {
        (root.clone(), vec!["Globals", kinds.globals, "Auth"])
    } else {
        let res = resources.get(&api).cloned().unwrap_or_else(|| root.clone());
        (res, vec!["Properties", "Auth"])
    };
    let auth = descend(&auth_home, &auth_path);
    let authorizer_name = match auth
        .and_then(|a| a.get("Authorizers"))
        .and_then(|list| find_authorizer(list, change))
    {
        Some(existing) => {
            notes.push(format!(
                "Uses the template's authorizer {existing}: same pool and settings."
            ));
            existing
        }
        None => {
            let taken: BTreeSet<String> = auth
                .and_then(|a| a.get("Authorizers"))
                .map(|l| {
                    l.entries()
                        .iter()
                        .filter_map(|(k, _)| k.str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let mut id = logical_id(&change.authorizer.name, "");
            let base = id.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}{n}");
                n += 1;
            }
            let mut path = auth_path.clone();
            path.push("Authorizers");
            path.push(&id);
            ensure(&mut doc, &auth_home, &path, authorizer_value(change));
            notes.push(format!(
                "Declares the authorizer {id} in {}'s Auth block.",
                if api == kinds.implicit {
                    format!("Globals.{}", kinds.globals)
                } else {
                    api.clone()
                }
            ));
            id
        }
    };
    // A DefaultAuthorizer the user already had lands on SAM's CORS preflight unless told not to.
    if let Some(a) = auth {
        let default = a.get("DefaultAuthorizer").is_some();
        let cors = descend(&auth_home, &auth_path[..auth_path.len() - 1])
            .and_then(|p| p.get("Cors"))
            .is_some();
        let told = a
            .get("AddDefaultAuthorizerToCorsPreflight")
            .and_then(Node::str);
        if default && cors && change.kind == ApiKind::Rest && told != Some("false") {
            doc.set(
                a,
                "AddDefaultAuthorizerToCorsPreflight",
                &V::Bool(false),
                Some("DefaultAuthorizer"),
            );
            notes.push("Sets AddDefaultAuthorizerToCorsPreflight: false so the CORS preflight (OPTIONS) stays open.".into());
        }
    }

    let wanted_scopes: BTreeSet<&str> = change.scopes.iter().map(String::as_str).collect();
    let mut changed = Vec::new();
    let mut already = Vec::new();
    for (key, e) in &wanted {
        let Some(props) = resources
            .get(&e.function)
            .and_then(|f| f.get("Properties"))
            .and_then(|p| p.get("Events"))
            .and_then(|ev| ev.get(&e.name))
            .and_then(|ev| ev.get("Properties"))
        else {
            continue;
        };
        let event_auth = props.get("Auth");
        let has_scopes: BTreeSet<&str> = event_auth
            .and_then(|a| a.get("AuthorizationScopes"))
            .map(|s| s.strs().into_iter().collect())
            .unwrap_or_default();
        if event_auth
            .and_then(|a| a.get("Authorizer"))
            .and_then(Node::str)
            == Some(authorizer_name.as_str())
            && has_scopes == wanted_scopes
        {
            already.push(key.clone());
            continue;
        }
        let mut sets = vec![("Authorizer", V::str(&authorizer_name))];
        let had_scopes = event_auth
            .and_then(|a| a.get("AuthorizationScopes"))
            .is_some();
        if !change.scopes.is_empty() || had_scopes {
            sets.push(("AuthorizationScopes", V::strs(&change.scopes)));
        }
        match event_auth {
            Some(a) if !a.entries().is_empty() => set_group(&mut doc, a, &sets, &[]),
            Some(a) => doc.replace(a, &V::map(sets)),
            None => doc.insert(props, "Auth", &V::map(sets), Some("Method")),
        }
        changed.push(key.clone());
    }
    if !changed.is_empty() {
        notes.push(
            "SAM makes a new deployment when the API's definition changes: the stack update makes the change live."
                .into(),
        );
    }
    let new_text = doc.finish()?;
    Ok(Patched {
        format: if text.trim_start().starts_with('{') {
            TemplateFormat::SamJson
        } else {
            TemplateFormat::SamYaml
        },
        diff: diff::unified(name, text, &new_text),
        text: new_text,
        changed,
        already,
        notes,
    })
}

fn events_of(resources: &Node, kinds: &Kinds) -> Vec<Event> {
    let mut out = Vec::new();
    for (function, f) in of_type(resources, "AWS::Serverless::Function") {
        let Some(events) = f.get("Properties").and_then(|p| p.get("Events")) else {
            continue;
        };
        for (name, ev) in events.entries() {
            if ev.get("Type").and_then(Node::str) != Some(kinds.event) {
                continue;
            }
            let props = ev.get("Properties");
            let get = |k: &str| props.and_then(|p| p.get(k)).and_then(Node::str);
            let key = match (get("Method"), get("Path")) {
                (Some(m), Some(p)) => route_key(m, p),
                _ => "$default".to_string(),
            };
            let api = props
                .and_then(|p| p.get(kinds.api_ref))
                .and_then(Node::ref_target)
                .unwrap_or(kinds.implicit);
            out.push(Event {
                key,
                function: function.to_string(),
                name: name.str().unwrap_or_default().to_string(),
                api: api.to_string(),
            });
        }
    }
    out
}

fn choose_api(
    resources: &Node,
    kinds: &Kinds,
    change: &CodeChange,
    api_logical: Option<&str>,
    events: &[Event],
) -> Result<String> {
    let explicit = of_type(resources, kinds.api);
    let implicit = events.iter().any(|e| e.api == kinds.implicit);
    if let Some(id) = api_logical {
        if explicit.iter().any(|(k, _)| *k == id) || (id == kinds.implicit && implicit) {
            return Ok(id.to_string());
        }
    }
    let named: Vec<&str> = explicit
        .iter()
        .filter(|(_, v)| {
            v.get("Properties")
                .and_then(|p| p.get("Name"))
                .and_then(Node::str)
                == Some(change.api_name.as_str())
        })
        .map(|(k, _)| *k)
        .collect();
    match (named.as_slice(), explicit.as_slice(), implicit) {
        ([one], _, _) => Ok(one.to_string()),
        (_, [(one, _)], false) => Ok(one.to_string()),
        (_, [], true) => Ok(kinds.implicit.to_string()),
        (_, [], false) => Err(Error::invalid(
            "template",
            format!(
                "The template declares no {} and no function event of type {}: it is not the template of {}.",
                kinds.api, kinds.event, change.api_name
            ),
        )),
        _ => Err(Error::invalid(
            "template",
            format!(
                "The template declares several APIs ({}{}) and none is named {}.",
                explicit.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "),
                if implicit { format!(", {}", kinds.implicit) } else { String::new() },
                change.api_name
            ),
        )),
    }
}

/// The node at a path of keys under `from`, if every key is there.
fn descend<'n>(from: &'n Node, path: &[&str]) -> Option<&'n Node> {
    path.iter().try_fold(from, |n, k| n.get(k))
}

/// Writes `value` at a path of keys: down the keys that exist, then the rest as one new entry.
fn ensure(doc: &mut Doc, from: &Node, path: &[&str], value: V) {
    let mut at = from;
    let mut i = 0;
    while i < path.len() - 1 {
        match at.get(path[i]) {
            Some(next) if !next.entries().is_empty() || next.str().is_none() => {
                at = next;
                i += 1;
            }
            _ => break,
        }
    }
    let mut nested = value;
    for k in path[i + 1..].iter().rev() {
        nested = V::map(vec![(k, nested)]);
    }
    let key = path[i];
    if at.entries().is_empty() && !matches!(at.kind, super::yaml_doc::Kind::Map(_)) {
        return;
    }
    // A top-level section goes after Transform; anything else at the end of its mapping.
    let is_root =
        std::ptr::eq(at, &doc.root) || (at.start == doc.root.start && at.end == doc.root.end);
    if is_root {
        let at = at.clone();
        doc.insert_block(&at, key, &nested, "Transform");
    } else {
        let at = at.clone();
        doc.insert(&at, key, &nested, None);
    }
}

/// An authorizer in an `Authorizers` map that is the one asked for: the same pool (or issuer
/// and audience) and the same settings, as plain `protect` reuses one.
fn find_authorizer(list: &Node, change: &CodeChange) -> Option<String> {
    let want = &change.authorizer;
    list.entries()
        .iter()
        .find(|(_, a)| match change.kind {
            ApiKind::Http => {
                let jwt = a.get("JwtConfiguration");
                let audience: BTreeSet<&str> = jwt
                    .and_then(|j| j.get("audience"))
                    .map(|l| l.strs().into_iter().collect())
                    .unwrap_or_default();
                jwt.and_then(|j| j.get("issuer")).and_then(Node::str) == Some(want.issuer.as_str())
                    && audience == want.audience.iter().map(String::as_str).collect()
            }
            _ => {
                let identity = a.get("Identity");
                let header = want
                    .identity_source
                    .strip_prefix("method.request.header.")
                    .unwrap_or(&want.identity_source);
                a.get("UserPoolArn").is_some_and(|arn| {
                    want.provider_arns
                        .iter()
                        .all(|w| arn.strs().contains(&w.as_str()))
                }) && same_literal(
                    identity.and_then(|i| i.get("Header")),
                    header,
                    "Authorization",
                ) && same_literal(
                    identity.and_then(|i| i.get("ValidationExpression")),
                    &want.identity_validation_expression,
                    "",
                ) && same_literal(
                    identity.and_then(|i| i.get("ReauthorizeEvery")),
                    &want.ttl_seconds.to_string(),
                    "300",
                )
            }
        })
        .and_then(|(k, _)| k.str().map(String::from))
}

fn authorizer_value(change: &CodeChange) -> V {
    let a = &change.authorizer;
    match change.kind {
        ApiKind::Http => V::map(vec![
            ("IdentitySource", V::str(&a.identity_source)),
            (
                "JwtConfiguration",
                V::map(vec![
                    ("issuer", V::str(&a.issuer)),
                    ("audience", V::strs(&a.audience)),
                ]),
            ),
        ]),
        _ => {
            let header = a
                .identity_source
                .strip_prefix("method.request.header.")
                .unwrap_or("Authorization");
            let mut identity = vec![("Header", V::str(header))];
            if !a.identity_validation_expression.is_empty() {
                identity.push((
                    "ValidationExpression",
                    V::str(&a.identity_validation_expression),
                ));
            }
            identity.push(("ReauthorizeEvery", V::Num(a.ttl_seconds.into())));
            let arn = match a.provider_arns.as_slice() {
                [one] => V::str(one),
                many => V::strs(many),
            };
            V::map(vec![("UserPoolArn", arn), ("Identity", V::map(identity))])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::spec::{AuthorizerCode, MethodRef};

    pub const SAM_CORS: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: SecurePets on SAM

Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties:
      Name: SecurePets
      StageName: prod
      Cors:
        AllowOrigin: "'*'"

  PetsFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): return {'statusCode': 200}"
      Events:
        GetPets:
          Type: Api
          Properties:
            RestApiId: !Ref PetsApi
            Path: /pets
            Method: get
        BuyPet:
          Type: Api
          Properties:
            RestApiId: !Ref PetsApi
            Path: /purchase
            Method: post
"#;

    pub fn change(kind: ApiKind, methods: &[(&str, &str)], scopes: &[&str]) -> CodeChange {
        CodeChange {
            api_name: "SecurePets".into(),
            api_id: "a1b2c3".into(),
            kind,
            authorizer: AuthorizerCode {
                name: "PetsPool".into(),
                provider_arns: vec![
                    "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf".into(),
                ],
                identity_source: match kind {
                    ApiKind::Http => "$request.header.Authorization".into(),
                    _ => "method.request.header.Authorization".into(),
                },
                identity_validation_expression: String::new(),
                ttl_seconds: 300,
                issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf".into(),
                audience: vec!["client1".into()],
            },
            methods: methods.iter().map(|(v, p)| MethodRef::new(v, p)).collect(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn an_explicit_api_gets_the_authorizer_and_each_event_its_own_auth() {
        let c = change(ApiKind::Rest, &[("GET", "/pets")], &["pets/read"]);
        let p = patch("sam.yaml", SAM_CORS, &c, None).unwrap();
        assert_eq!(p.format, TemplateFormat::SamYaml);
        assert_eq!(p.changed, vec!["GET /pets"]);
        assert!(p.text.contains("      Cors:\n        AllowOrigin: \"'*'\"\n      Auth:\n        Authorizers:\n          PetsPool:\n            UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf\n            Identity:\n              Header: Authorization\n              ReauthorizeEvery: 300\n"), "{}", p.text);
        assert!(p.text.contains("            Path: /pets\n            Method: get\n            Auth:\n              Authorizer: PetsPool\n              AuthorizationScopes:\n                - pets/read\n        BuyPet:"), "{}", p.text);
        assert!(!p.text.contains("DefaultAuthorizer"));
        let again = patch("sam.yaml", &p.text, &c, None).unwrap();
        assert_eq!(
            (again.already.clone(), again.diff.clone()),
            (vec!["GET /pets".to_string()], String::new())
        );
    }

    #[test]
    fn the_implicit_api_is_authorized_through_globals() {
        let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n      Runtime: python3.12\n      InlineCode: x\n      Events:\n        Parcels:\n          Type: HttpApi\n          Properties:\n            Path: /parcels\n            Method: GET\n";
        let mut c = change(ApiKind::Http, &[("GET", "/parcels")], &[]);
        c.api_name = "stack-name".into();
        let p = patch("sam.yaml", text, &c, None).unwrap();
        assert!(p.text.starts_with("Transform: AWS::Serverless-2016-10-31\nGlobals:\n  HttpApi:\n    Auth:\n      Authorizers:\n        PetsPool:\n          IdentitySource: \"$request.header.Authorization\"\n          JwtConfiguration:\n            issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf\n            audience:\n              - client1\nResources:\n"), "{}", p.text);
        assert!(
            p.text.ends_with(
                "            Method: GET\n            Auth:\n              Authorizer: PetsPool\n"
            ),
            "{}",
            p.text
        );
    }

    #[test]
    fn an_existing_default_authorizer_is_kept_off_the_preflight() {
        let text = SAM_CORS.replace(
            "      Cors:\n",
            "      Auth:\n        DefaultAuthorizer: Other\n        Authorizers:\n          Other:\n            UserPoolArn: arn:aws:cognito-idp:eu-west-1:1:userpool/x\n      Cors:\n",
        );
        let p = patch(
            "sam.yaml",
            &text,
            &change(ApiKind::Rest, &[("POST", "/purchase")], &[]),
            None,
        )
        .unwrap();
        assert!(p.text.contains("        DefaultAuthorizer: Other\n        AddDefaultAuthorizerToCorsPreflight: false\n"), "{}", p.text);
        assert!(p.text.contains("          Other:\n            UserPoolArn: arn:aws:cognito-idp:eu-west-1:1:userpool/x\n          PetsPool:\n"), "{}", p.text);
    }

    #[test]
    fn an_event_the_template_lacks_is_refused() {
        let e = patch(
            "sam.yaml",
            SAM_CORS,
            &change(ApiKind::Rest, &[("DELETE", "/pets")], &[]),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("no function event for DELETE /pets on PetsApi; its events are GET /pets, POST /purchase"), "{e}");
    }
}
