//! The sweep's rows, counts and outcome line.

use super::fixtures::report;
use super::*;

#[test]
fn rows_count_open_methods_without_options() {
    let r = report();
    let shop = &r.apis[1].row;
    assert_eq!((shop.methods, shop.open, shop.open_options), (3, 2, 1));
    assert_eq!(shop.owner(), "shop-prod");
    let quiet = &r.apis[0].row;
    assert_eq!((quiet.open, quiet.open_options, quiet.protected), (0, 1, 1));
}

#[test]
fn the_default_order_puts_open_apis_first() {
    let mut r = report();
    r.sort();
    assert_eq!(r.apis[0].row.name, "Shop, \"EU\"");
    let o = r.outcome();
    assert_eq!(
        (o.apis, o.open_apis, o.open_methods, o.errors),
        (2, 1, 2, 1)
    );
    assert_eq!(
        o.line,
        "2 APIs in 2 regions of 1 profile · 1 with open methods (2 open, OPTIONS aside) · 1 region could not be read"
    );
}

#[test]
fn profiles_of_one_account_are_said_in_the_outcome() {
    let mut r = report();
    r.profiles = 2;
    r.same_account.push(SameAccount {
        profile: "file:dev-admin".into(),
        account: "111122223333".into(),
        swept_as: "file:dev".into(),
    });
    assert!(r.outcome().line.starts_with(
        "2 APIs in 2 regions of 2 profiles (one the same account as another, swept once) · "
    ));
}

#[test]
fn requests_are_checked_and_deduplicated() {
    let req = SweepRequest {
        profiles: vec!["file:a".into(), " file:a ".into(), "".into()],
        regions: vec!["us-east-1".into(), "us-east-1".into()],
        ..Default::default()
    };
    let c = req.checked().unwrap();
    assert_eq!((c.profiles.len(), c.regions.len()), (1, 1));
    let none = SweepRequest {
        profiles: vec![],
        regions: vec!["us-east-1".into()],
        ..Default::default()
    };
    assert!(none.checked().is_err());
    let bad = SweepRequest {
        profiles: vec!["file:a".into()],
        regions: vec!["Mars".into()],
        ..Default::default()
    };
    assert!(bad.checked().unwrap_err().to_string().contains("'Mars'"));
}

#[test]
fn default_regions_come_first_and_all_are_known() {
    let all = regions();
    assert_eq!(all.iter().filter(|r| r.default).count(), 17);
    assert!(all[..17].iter().all(|r| r.default));
    assert!(DEFAULT_REGIONS.iter().all(|r| REGIONS.contains(r)));
    assert!(all.iter().any(|r| r.name == "af-south-1" && !r.default));
}

/// Quiet's editor protects GET /a; its stage prod still serves it open, its canary too.
fn quiet_served_open() -> SweepReport {
    use crate::domain::live::{self, CanaryInfo, Served, StageInfo};
    let mut r = report();
    let quiet = &mut r.apis[0];
    let served = Served {
        deployment_id: "d1".into(),
        created_at: None,
        methods: vec![
            super::fixtures::method("/a", "GET", "NONE"),
            super::fixtures::method("/a", "OPTIONS", "NONE"),
        ],
        authorizers: vec![],
    };
    let stage = StageInfo {
        name: "prod".into(),
        deployment_id: Some("d1".into()),
        auto_deploy: false,
        status_message: None,
        canary: Some(CanaryInfo {
            deployment_id: "d1".into(),
            percent: 10.0,
        }),
    };
    let view = live::stage_view(&stage, Some(&served), Some(&served), &quiet.methods, 0);
    quiet.stages = vec![view];
    quiet.row = quiet.row.clone().with_stages(&quiet.methods, &quiet.stages);
    r
}

#[test]
fn an_api_whose_stage_serves_a_method_open_counts_as_open() {
    let mut r = quiet_served_open();
    let quiet = &r.apis[0].row;
    assert_eq!(
        (quiet.open, quiet.served_open, quiet.open_anywhere),
        (0, 1, 1)
    );
    assert_eq!(quiet.open_on, vec!["prod", "prod canary 10%"]);
    assert_eq!(r.outcome().open_apis, 2);
    assert!(r.any_open());
    r.sort();
    assert_eq!(r.apis[0].row.name, "Shop, \"EU\"", "2 open before 1");
}

#[test]
fn sarif_names_the_stages_that_serve_a_method_open() {
    let doc = crate::domain::sweep_formats::sarif(&quiet_served_open(), "1.2.3");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        3,
        "GET /a of Quiet, GET and POST /cart of Shop"
    );
    let quiet = results
        .iter()
        .find(|r| r["properties"]["apiName"] == "Quiet")
        .unwrap();
    let logical = quiet["locations"][0]["logicalLocations"]
        .as_array()
        .unwrap();
    let arns: Vec<&str> = logical
        .iter()
        .map(|l| l["fullyQualifiedName"].as_str().unwrap())
        .collect();
    assert_eq!(
        arns,
        vec![
            "arn:aws:execute-api:eu-west-1:111122223333:Quiet-id/*/GET/a",
            "arn:aws:execute-api:eu-west-1:111122223333:Quiet-id/prod/GET/a",
            "arn:aws:execute-api:eu-west-1:111122223333:Quiet-id/prod/GET/a",
        ]
    );
    assert_eq!(logical[2]["name"], "GET /a on prod canary 10%");
    assert_eq!(quiet["properties"]["openInEditor"], false);
    let text = quiet["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("GET /a of Quiet (REST API Quiet-id, eu-west-1, account 111122223333) is protected in the editor, but prod, prod canary 10% serve it open"),
        "{text}"
    );
}
