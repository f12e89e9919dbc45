//! The review's pure logic on hand-built methods: protection, summary, filters, selection.

use gatehouse_core::domain::audit::{self, Show, Summary};
use gatehouse_core::domain::model::{Authorizer, Method, Protection};

fn method(path: &str, verb: &str, auth: &str, authorizer: Option<&str>) -> Method {
    Method {
        resource_id: format!("r{}", path.len()),
        path: path.into(),
        verb: verb.into(),
        authorization_type: auth.into(),
        authorizer_id: authorizer.map(str::to_string),
        scopes: vec![],
        api_key_required: false,
        route_key: None,
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

fn sample() -> (Vec<Method>, Vec<Authorizer>) {
    let mut cognito = method("/pets", "GET", "COGNITO_USER_POOLS", Some("c1"));
    cognito.scopes = vec!["pets/read".into()];
    let methods = vec![
        method("/purchase", "POST", "NONE", None),
        method("/pets", "OPTIONS", "NONE", None),
        method("/pets", "PURCHASE", "NONE", None),
        cognito,
        method("/pets/{id}", "DELETE", "AWS_IAM", None),
        method("/legacy", "GET", "CUSTOM", Some("l1")),
        method("/petshop", "BREW", "NONE", None),
        method("/odd", "GET", "SOMETHING_NEW", None),
    ];
    let authorizers = vec![
        authorizer("c1", "PetsPool", "COGNITO_USER_POOLS"),
        authorizer("l1", "LegacyTokenAuth", "TOKEN"),
    ];
    (methods, authorizers)
}

#[test]
fn each_authorization_type_becomes_its_protection() {
    let (methods, authorizers) = sample();
    let views = audit::review(&methods, &authorizers);
    let of = |k: &str| views.iter().find(|v| v.method.key() == k).unwrap();
    // Each view carries its key, as the page names it.
    assert!(views.iter().all(|v| v.key == v.method.key()));
    assert_eq!(of("POST /purchase").key, "POST /purchase");
    assert_eq!(of("POST /purchase").protection, Protection::Open);
    assert_eq!(of("DELETE /pets/{id}").protection, Protection::Iam);
    assert_eq!(
        of("GET /legacy").protection,
        Protection::Lambda {
            authorizer: "LegacyTokenAuth".into()
        }
    );
    assert_eq!(
        of("GET /pets").protection,
        Protection::Cognito {
            authorizer: "PetsPool".into(),
            scopes: vec!["pets/read".into()]
        }
    );
    assert_eq!(of("GET /pets").authorizer_name.as_deref(), Some("PetsPool"));
    assert_eq!(
        of("GET /odd").protection,
        Protection::Other {
            authorization_type: "SOMETHING_NEW".into()
        }
    );
    assert!(of("OPTIONS /pets").is_options);
    assert!(!of("BREW /petshop").is_options);
}

#[test]
fn each_badge_says_in_words_what_its_colour_symbol_and_tags_show() {
    let (methods, authorizers) = sample();
    let views = audit::review(&methods, &authorizers);
    let spoken = |k: &str| views.iter().find(|v| v.key == k).unwrap().spoken.clone();
    assert_eq!(spoken("GET /pets"), "Cognito, PetsPool, scope pets/read");
    assert_eq!(spoken("POST /purchase"), "Open");
    assert_eq!(spoken("DELETE /pets/{id}"), "IAM");
    assert_eq!(spoken("GET /legacy"), "Lambda authorizer, LegacyTokenAuth");
    assert_eq!(spoken("GET /odd"), "SOMETHING_NEW");
    let two = Protection::Jwt {
        authorizer: "PetsJwt".into(),
        scopes: vec!["pets/read".into(), "pets/admin".into()],
    };
    assert_eq!(
        audit::spoken(&two),
        "JWT, PetsJwt, scopes pets/read, pets/admin"
    );
}

#[test]
fn an_authorizer_that_is_gone_is_named_as_unknown() {
    let m = method("/x", "GET", "COGNITO_USER_POOLS", Some("zzz"));
    let views = audit::review(&[m], &[]);
    assert_eq!(
        views[0].authorizer_name.as_deref(),
        Some("unknown authorizer zzz")
    );
}

#[test]
fn rows_are_sorted_by_path_then_usual_verb_order_with_unknown_verbs_kept() {
    let (methods, authorizers) = sample();
    let keys: Vec<String> = audit::review(&methods, &authorizers)
        .iter()
        .map(|v| v.method.key())
        .collect();
    assert_eq!(
        keys,
        [
            "GET /legacy",
            "GET /odd",
            "GET /pets",
            "PURCHASE /pets",
            "OPTIONS /pets",
            "DELETE /pets/{id}",
            "BREW /petshop",
            "POST /purchase"
        ]
    );
}

#[test]
fn summary_counts_open_options_apart() {
    let (methods, _) = sample();
    let s = audit::summarize(&methods);
    assert_eq!(
        s,
        Summary {
            total: 8,
            protected: 4,
            open: 4,
            open_options: 1
        }
    );
    assert_eq!(s.open_except_options(), 3);
    assert_eq!(s.line(), "4 of 8 methods protected · 4 open (1 OPTIONS)");
    let one = audit::summarize(&methods[..1]);
    assert_eq!(one.line(), "0 of 1 method protected · 1 open");
    assert_eq!(
        audit::summarize(&[]).line(),
        "0 of 0 methods protected · 0 open"
    );
}

#[test]
fn filters_by_kind_and_path_text() {
    let (methods, authorizers) = sample();
    let views = audit::review(&methods, &authorizers);
    let keys = |show, text| -> Vec<String> {
        audit::filter(&views, show, text)
            .iter()
            .map(|v| v.method.key())
            .collect()
    };
    assert_eq!(keys(Show::All, "").len(), 8);
    assert_eq!(
        keys(Show::Open, ""),
        [
            "PURCHASE /pets",
            "OPTIONS /pets",
            "BREW /petshop",
            "POST /purchase"
        ]
    );
    assert_eq!(
        keys(Show::Protected, ""),
        ["GET /legacy", "GET /odd", "GET /pets", "DELETE /pets/{id}"]
    );
    assert_eq!(
        keys(Show::Open, " PETS "),
        ["PURCHASE /pets", "OPTIONS /pets", "BREW /petshop"]
    );
    assert_eq!(keys(Show::All, "{id}"), ["DELETE /pets/{id}"]);
    assert!(keys(Show::All, "nothing-here").is_empty());
    assert_eq!("open".parse::<Show>(), Ok(Show::Open));
    assert!("closed".parse::<Show>().is_err());
}

#[test]
fn select_open_except_options_and_select_under_a_path() {
    let (methods, _) = sample();
    let open: Vec<String> = audit::open_except_options(&methods)
        .iter()
        .map(|m| m.key())
        .collect();
    assert_eq!(open, ["POST /purchase", "PURCHASE /pets", "BREW /petshop"]);
    let under: Vec<String> = audit::under_path(&methods, "/pets/")
        .iter()
        .map(|m| m.key())
        .collect();
    assert_eq!(
        under,
        [
            "OPTIONS /pets",
            "PURCHASE /pets",
            "GET /pets",
            "DELETE /pets/{id}"
        ]
    );
    assert_eq!(audit::under_path(&methods, "/").len(), methods.len());
}

#[test]
fn an_authorizer_shows_the_pool_it_trusts_its_kind_and_its_function() {
    let mut cognito = authorizer("c1", "PetsPool", "COGNITO_USER_POOLS");
    cognito.provider_arns = vec![
        "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Pets".into(),
        "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Staff".into(),
    ];
    let mut lambda = authorizer("l1", "LegacyTokenAuth", "TOKEN");
    lambda.authorizer_uri = Some(
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/\
         arn:aws:lambda:us-east-1:123456789012:function:LegacyAuth/invocations"
            .into(),
    );
    let request = authorizer("r1", "Headers", "REQUEST");
    let mut odd = authorizer("c2", "Odd", "COGNITO_USER_POOLS");
    odd.provider_arns = vec!["not an arn".into()];
    let views = audit::authorizer_views(&[], &[cognito, lambda, request, odd]);
    // A Cognito authorizer's pool is its first provider ARN's.
    let pool = views[0].pool.as_ref().expect("a pool from the ARN");
    assert_eq!(
        (pool.region.as_str(), pool.pool_id.as_str()),
        ("eu-west-1", "eu-west-1_Pets")
    );
    assert_eq!(
        views[0].trusts,
        ["eu-west-1 · eu-west-1_Pets", "us-east-1 · us-east-1_Staff"]
    );
    assert_eq!(views[0].kind_text, "Cognito user pools");
    // A Lambda authorizer trusts no pool; its function is named.
    assert_eq!(views[1].pool, None);
    assert_eq!(views[1].trusts, ["LegacyAuth"]);
    assert_eq!(views[1].kind_text, "Lambda (token)");
    assert_eq!(views[2].trusts, Vec::<String>::new());
    assert_eq!(views[2].kind_text, "Lambda (request)");
    // A provider ARN that names no pool is no pool, and reads whole.
    assert_eq!(views[3].pool, None);
    assert_eq!(views[3].trusts, ["not an arn"]);
}

#[test]
fn an_apis_authorizers_are_counted_in_words() {
    assert_eq!(audit::authorizers_text(0), "0 authorizers");
    assert_eq!(audit::authorizers_text(1), "1 authorizer");
    assert_eq!(audit::authorizers_text(2), "2 authorizers");
}
