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
    };
    let c = req.checked().unwrap();
    assert_eq!((c.profiles.len(), c.regions.len()), (1, 1));
    let none = SweepRequest {
        profiles: vec![],
        regions: vec!["us-east-1".into()],
    };
    assert!(none.checked().is_err());
    let bad = SweepRequest {
        profiles: vec!["file:a".into()],
        regions: vec!["Mars".into()],
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
