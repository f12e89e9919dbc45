//! Planning and validation on plain values (undo planning: undo_journal.rs).

use gatehouse_core::aws::gateway::{patch_ops, PatchOp};
use gatehouse_core::domain::model::{ApiKind, AppClient, Authorizer, Method};
use gatehouse_core::domain::plan::{self, AuthorizerInput, MethodState, Target, Warning};

pub(crate) fn method(
    path: &str,
    verb: &str,
    auth: &str,
    authorizer: Option<&str>,
    scopes: &[&str],
) -> Method {
    Method {
        resource_id: format!("res{}", path.replace('/', "_")),
        path: path.into(),
        verb: verb.into(),
        authorization_type: auth.into(),
        authorizer_id: authorizer.map(str::to_string),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        api_key_required: false,
        route_key: None,
    }
}

fn cognito(id: &str, name: &str, regex: Option<&str>) -> Authorizer {
    Authorizer {
        id: id.into(),
        name: name.into(),
        kind: "COGNITO_USER_POOLS".into(),
        provider_arns: vec![format!(
            "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{name}"
        )],
        identity_source: Some(plan::DEFAULT_IDENTITY_SOURCE.into()),
        identity_validation_expression: regex.map(str::to_string),
        ttl_seconds: Some(300),
        authorizer_uri: None,
        issuer: None,
        audience: vec![],
    }
}

fn securepets() -> Vec<Method> {
    vec![
        method("/pets", "GET", "NONE", None, &[]),
        method("/pets", "PURCHASE", "NONE", None, &[]),
        method("/pets", "OPTIONS", "NONE", None, &[]),
        method("/purchase", "POST", "NONE", None, &[]),
    ]
}

fn op(op: &str, path: &str, value: Option<&str>) -> PatchOp {
    PatchOp {
        op: op.into(),
        path: path.into(),
        value: value.map(str::to_string),
    }
}

fn keys(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn protecting_open_methods_sets_type_authorizer_and_scopes() {
    let auths = [cognito("a1", "PetsPool", None)];
    let target = Target::Protect {
        authorizer_id: "a1".into(),
        scopes: vec!["pets/read".into()],
    };
    let p = plan::plan(
        &securepets(),
        &auths,
        &keys(&["GET /pets", "post /purchase"]),
        &target,
    )
    .unwrap();
    assert_eq!(p.items.len(), 2);
    assert_eq!(p.change_count(), 2);
    assert_eq!(
        patch_ops(&p.items[0].before, &p.items[0].after),
        [
            op("replace", "/authorizationType", Some("COGNITO_USER_POOLS")),
            op("replace", "/authorizerId", Some("a1")),
            op("add", "/authorizationScopes", Some("pets/read")),
        ]
    );
    assert_eq!(p.items[1].key(), "POST /purchase");
    assert_eq!(p.items[1].key, "POST /purchase");
    assert_eq!(p.apply_label, "Apply to 2 methods");
    assert!(p.warnings.is_empty());
}

#[test]
fn methods_already_as_planned_are_unchanged_and_not_sent() {
    let mut methods = securepets();
    methods[0] = method(
        "/pets",
        "GET",
        "COGNITO_USER_POOLS",
        Some("a1"),
        &["b", "a"],
    );
    let auths = [cognito("a1", "PetsPool", None)];
    let target = Target::Protect {
        authorizer_id: "a1".into(),
        scopes: vec!["a".into(), "b".into()],
    };
    let p = plan::plan(
        &methods,
        &auths,
        &keys(&["GET /pets", "PURCHASE /pets"]),
        &target,
    )
    .unwrap();
    assert!(
        p.items[0].unchanged(),
        "scopes are a set: order does not matter"
    );
    assert!(!p.items[1].unchanged());
    assert_eq!(p.change_count(), 1);
    assert_eq!(p.apply_label, "Apply to 1 method");
    // Nothing to send: the button says so.
    let none = plan::plan(&methods, &auths, &keys(&["GET /pets"]), &target).unwrap();
    assert_eq!(none.apply_label, "Nothing to apply");
}

#[test]
fn switching_authorizer_and_scopes_removes_before_adding() {
    let before = MethodState {
        authorization_type: "COGNITO_USER_POOLS".into(),
        authorizer_id: Some("old".into()),
        scopes: vec!["x".into(), "keep".into()],
    };
    let after = MethodState {
        authorization_type: "COGNITO_USER_POOLS".into(),
        authorizer_id: Some("new".into()),
        scopes: vec!["keep".into(), "y".into()],
    };
    assert_eq!(
        patch_ops(&before, &after),
        [
            op("remove", "/authorizationScopes", Some("x")),
            op("replace", "/authorizerId", Some("new")),
            op("add", "/authorizationScopes", Some("y")),
        ]
    );
}

#[test]
fn unprotect_goes_back_to_none_dropping_scopes_first() {
    let methods = vec![
        method("/a", "GET", "COGNITO_USER_POOLS", Some("a1"), &["s1"]),
        method("/b", "GET", "AWS_IAM", None, &[]),
        method("/c", "GET", "NONE", None, &[]),
    ];
    let p = plan::plan(
        &methods,
        &[],
        &keys(&["GET /a", "GET /b", "GET /c"]),
        &Target::Unprotect,
    )
    .unwrap();
    assert_eq!(
        patch_ops(&p.items[0].before, &p.items[0].after),
        [
            op("remove", "/authorizationScopes", Some("s1")),
            op("replace", "/authorizationType", Some("NONE")),
        ]
    );
    assert_eq!(
        patch_ops(&p.items[1].before, &p.items[1].after),
        [op("replace", "/authorizationType", Some("NONE"))]
    );
    assert!(p.items[2].unchanged());
    assert!(p.warnings.is_empty(), "opening OPTIONS is not a warning");
}

#[test]
fn warnings_for_options_and_for_scopes_with_a_client_regex() {
    let auths = [cognito("a1", "PetsPool", Some("^(web)$"))];
    let target = Target::Protect {
        authorizer_id: "a1".into(),
        scopes: vec!["pets/read".into()],
    };
    let p = plan::plan(
        &securepets(),
        &auths,
        &keys(&["GET /pets", "OPTIONS /pets"]),
        &target,
    )
    .unwrap();
    assert_eq!(
        p.warnings,
        [
            Warning::ScopesWithClientIdRegex {
                authorizer: "PetsPool".into()
            },
            Warning::OptionsSelected {
                methods: vec!["OPTIONS /pets".into()]
            },
        ]
    );
    assert!(p.warnings[0].message().contains("no token will pass"));
    let no_scopes = Target::Protect {
        authorizer_id: "a1".into(),
        scopes: vec![],
    };
    let p = plan::plan(&securepets(), &auths, &keys(&["GET /pets"]), &no_scopes).unwrap();
    assert!(p.warnings.is_empty());
}

#[test]
fn unknown_methods_and_wrong_authorizers_plan_nothing() {
    let auths = [cognito("a1", "PetsPool", None), {
        let mut l = cognito("l1", "Legacy", None);
        l.kind = "TOKEN".into();
        l
    }];
    let target = Target::Protect {
        authorizer_id: "a1".into(),
        scopes: vec![],
    };
    let err = plan::plan(
        &securepets(),
        &auths,
        &keys(&["GET /pets", "DELETE /nope"]),
        &target,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "No such method in this API: DELETE /nope");
    let err = plan::plan(&securepets(), &auths, &[], &target).unwrap_err();
    assert!(err.to_string().contains("No method"));
    let lambda = Target::Protect {
        authorizer_id: "l1".into(),
        scopes: vec![],
    };
    let err = plan::plan(&securepets(), &auths, &keys(&["GET /pets"]), &lambda).unwrap_err();
    assert!(err.to_string().contains("not a Cognito"), "{err}");
    let gone = Target::Protect {
        authorizer_id: "zz".into(),
        scopes: vec![],
    };
    assert!(plan::plan(&securepets(), &auths, &keys(&["GET /pets"]), &gone).is_err());
}

fn input(name: &str, source: &str, regex: &str, ttl: i32) -> AuthorizerInput {
    AuthorizerInput {
        name: name.into(),
        identity_source: source.into(),
        client_id_regex: regex.into(),
        ttl_seconds: ttl,
        ..plan::authorizer_defaults(ApiKind::Rest)
    }
}

#[test]
fn authorizer_input_is_checked_field_by_field() {
    let ok = input(
        "PetsPool",
        plan::DEFAULT_IDENTITY_SOURCE,
        "^(abc|def)$",
        300,
    );
    assert!(plan::validate_authorizer(&ok).is_empty());
    assert!(
        plan::validate_authorizer(&input("P", "method.request.header.X-Token", "", 0)).is_empty()
    );
    assert!(plan::validate_authorizer(&input("P", "method.request.header.X", "", 3600)).is_empty());
    let bad = input("  ", "header.Authorization", "^(abc", 3601);
    let fields: Vec<String> = plan::validate_authorizer(&bad)
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["field"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(fields, ["name", "identitySource", "clientIdRegex", "ttl"]);
    assert_eq!(
        plan::validate_authorizer(&input("P", "method.request.header.", "", -1)).len(),
        2
    );
    assert_eq!(
        plan::validate_authorizer(&input("P", "method.request.querystring.t", "", 1)).len(),
        1
    );
    let long = "n".repeat(129);
    assert_eq!(
        plan::validate_authorizer(&input(&long, plan::DEFAULT_IDENTITY_SOURCE, "", 1)).len(),
        1
    );
}

#[test]
fn client_checkboxes_write_a_regex_that_matches_exactly_them() {
    let clients = vec![
        AppClient {
            id: "web123".into(),
            name: "web".into(),
        },
        AppClient {
            id: "mob456".into(),
            name: "mobile".into(),
        },
        AppClient {
            id: "web1234".into(),
            name: "web-old".into(),
        },
    ];
    let re = plan::regex_for_clients(&["web123".into(), "mob456".into()]);
    assert_eq!(re, "^(web123|mob456)$");
    let names: Vec<&str> = plan::clients_matching(&re, &clients)
        .unwrap()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["web", "mobile"]);
    assert_eq!(plan::regex_for_clients(&[]), "");
    assert_eq!(
        plan::clients_matching("", &clients).unwrap().len(),
        3,
        "no regex admits all"
    );
    assert_eq!(plan::clients_matching("^web", &clients).unwrap().len(), 2);
    assert!(plan::clients_matching("(", &clients).is_err());
    assert_eq!(plan::regex_for_clients(&["a.b".into()]), r"^(a\.b)$");
}

#[test]
fn scopes_and_method_lists_parse_as_users_type_them() {
    assert_eq!(
        plan::parse_scopes("pets/read, pets/write  pets/read,"),
        ["pets/read", "pets/write"]
    );
    assert!(plan::parse_scopes("  ").is_empty());
    assert_eq!(
        plan::parse_method_list("GET /pets, post  /purchase,"),
        ["GET /pets", "POST /purchase"]
    );
}

#[test]
fn an_existing_authorizer_is_reused_only_when_its_settings_match() {
    let a = cognito("a1", "PetsPool", Some("^(web)$"));
    let arn = a.provider_arns[0].clone();
    let same = input("anything", plan::DEFAULT_IDENTITY_SOURCE, "^(web)$", 300);
    assert!(plan::matches_authorizer(&a, &arn, &same));
    assert!(!plan::matches_authorizer(&a, "arn:other", &same));
    assert!(!plan::matches_authorizer(
        &a,
        &arn,
        &input("x", plan::DEFAULT_IDENTITY_SOURCE, "", 300)
    ));
    assert!(!plan::matches_authorizer(
        &a,
        &arn,
        &input("x", plan::DEFAULT_IDENTITY_SOURCE, "^(web)$", 60)
    ));
}
