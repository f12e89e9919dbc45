//! What each stage serves, in the window: a stage that lags behind the editor says so above the
//! methods, the "Served by" picker shows the methods as the stage serves them, and Deploy shows
//! what changes on the stage first — the changes Gatehouse did not make flagged and waiting for
//! an acknowledgement; a stage with a canary is deployed to its canary, not its base.

use crate::common;

use common::cli::{Run, PROTECT_PETS};
use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use serde_json::{json, Value};

/// `gatehouse ARGS` from the command line of the same user as the window: the same journal, so
/// what it changes counts as Gatehouse's in the window.
fn cli(sb: &Sandbox, home: &AppHome, args: &[&str]) -> Run {
    let run: Run = sb
        .gatehouse(home.path(), args)
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .output()
        .unwrap()
        .into();
    assert_eq!(run.status, 0, "{args:?}: {}{}", run.stdout, run.stderr);
    run
}

fn protect(sb: &Sandbox, home: &AppHome, methods: &str, more: &[&str]) {
    cli(
        sb,
        home,
        &[&PROTECT_PETS[..], &["--methods", methods], more].concat(),
    );
}

/// What the stage `name` (or its canary) serves, as `audit --json` says: method key → type.
fn served(sb: &Sandbox, home: &AppHome, name: &str, canary: bool) -> Value {
    let audit = cli(sb, home, &["audit", "--api", "SecurePets", "--json"]).json();
    let stage = audit["apis"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {audit}"))
        .clone();
    let stage = if canary {
        stage["canary"].clone()
    } else {
        stage
    };
    let mut out = serde_json::Map::new();
    for m in stage["methods"].as_array().unwrap() {
        let key = format!(
            "{} {}",
            m["verb"].as_str().unwrap(),
            m["path"].as_str().unwrap()
        );
        out.insert(key, m["authorizationType"].clone());
    }
    Value::Object(out)
}

/// The rows shown, as "VERB /path TYPE" with "≠" when the row differs from the editor.
async fn rows(w: &Window) -> Value {
    w.js("return [...document.querySelectorAll('[data-testid=method-row]')].map(r => \
          `${r.dataset.verb} ${r.dataset.path} ${r.dataset.protection}${r.dataset.differs ? ' ≠' : ''}`).sort()")
        .await
}

/// The picker's choices, by value.
async fn choices(w: &Window) -> Value {
    w.js("return [...document.querySelectorAll('[data-testid=view-select] option')].map(o => o.value)")
        .await
}

/// Opens the deploy dialog from the review.
async fn open_deploy(w: &Window) {
    w.click("[data-testid=deploy]").await;
    w.wait_js(
        "return document.querySelector('[data-testid=deploy-dialog]').open",
        10,
    )
    .await;
}

/// Confirms the dialog's deploy and waits for it to close (the deploy made).
async fn deploy_and_close(w: &Window) {
    w.click("[data-testid=deploy-confirm]").await;
    w.wait_js(
        "return !document.querySelector('[data-testid=deploy-dialog]').open",
        30,
    )
    .await;
}

/// Waits for the review to say it shows what a stage serves.
async fn served_note_shown(w: &Window) {
    w.wait_js(
        "return !document.querySelector('[data-testid=served-note]').hidden",
        10,
    )
    .await;
}

#[test]
fn a_lagging_stage_is_shown_as_it_serves_and_deployed_after_its_preview() {
    run(|| async {
        let sandbox = Sandbox::start();
        let (seed, api_id) = sandbox.seed_pets();
        let home = AppHome::new();
        sandbox.colleague_opened_purchase(&api_id);
        // GET /pets protected by Gatehouse, not deployed.
        protect(&sandbox, &home, "GET /pets", &[]);

        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("SecurePets", 4).await;

        // Above the methods: prod lags, and a deploy there would open POST /purchase.
        w.find("[data-testid=undeployed-banner]").await;
        let lines = w
            .js("return [...document.querySelectorAll('[data-testid=live-line]')].map(l => [l.textContent, l.classList.contains('exposure')])")
            .await;
        let lines = lines.as_array().unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        let line = lines[0][0].as_str().unwrap();
        assert!(line.contains("prod"), "{line}");
        assert!(line.contains("would open 1 method"), "{line}");
        assert_eq!(lines[0][1], true, "an exposure is marked: {line}");
        w.screenshots_in_both_themes("live-banner").await;
        w.axe("review, a stage lags").await;

        // The editor first; prod as it serves the methods, read-only, each difference said.
        assert_eq!(choices(&w).await, json!(["editor", "prod"]));
        assert_eq!(
            rows(&w).await,
            json!([
                "GET /pets COGNITO_USER_POOLS",
                "OPTIONS /pets NONE",
                "POST /purchase NONE",
                "PURCHASE /pets NONE"
            ])
        );
        w.select("[data-testid=view-select]", "prod").await;
        served_note_shown(&w).await;
        assert_eq!(
            rows(&w).await,
            json!([
                "GET /pets NONE ≠",
                "OPTIONS /pets NONE",
                "POST /purchase AWS_IAM ≠",
                "PURCHASE /pets NONE"
            ])
        );
        let differs = w
            .text("[data-testid=method-row][data-verb=POST] [data-testid=differs]")
            .await;
        assert!(
            differs.contains("Open"),
            "says what the editor holds: {differs}"
        );
        let disabled = w
            .js("return [...document.querySelectorAll('[data-testid=method-check]')].every(c => c.disabled) \
                 && document.getElementById('select-open').disabled")
            .await;
        assert_eq!(disabled, true, "a stage's rows are read-only");
        assert!(w
            .text("[data-testid=served-note]")
            .await
            .contains("prod serves"));
        w.screenshots_in_both_themes("served-by-prod").await;
        w.axe("review as prod serves it").await;

        // A token judged as prod serves the methods: GET /pets is open there, and the panel
        // says the editor would decide otherwise. Back on the editor, the editor's verdicts.
        let pets = &seed["pools"]["PetsPool"];
        let token = sandbox.mint_token(json!({"pool_id": pets["id"], "token_use": "id",
            "client_id": pets["clients"]["web"], "username": "alice"}));
        w.click("[data-testid=token-toggle]").await;
        w.find("[data-testid=token-panel]").await;
        w.js(&format!(
            "const t = document.querySelector('[data-testid=token-input]'); t.value = {}; \
             t.dispatchEvent(new Event('input')); return true",
            serde_json::to_string(&token).unwrap()
        ))
        .await;
        w.click("[data-testid=token-check]").await;
        w.wait_js("return document.querySelector('[data-testid=token-summary]').textContent.startsWith('On prod: ')", 20)
            .await;
        let verdict = "return document.querySelector('[data-testid=method-row][data-verb=GET]')?.dataset.verdict";
        assert_eq!(w.js(verdict).await, "open");
        w.screenshot("token-on-prod").await;
        w.axe("token verdicts as prod serves").await;
        let differs = w.text("[data-testid=token-differs]").await;
        assert!(
            differs.starts_with("GET /pets: the editor would allow it"),
            "{differs}"
        );
        w.select("[data-testid=view-select]", "editor").await;
        w.wait_js(&format!("{verdict} === 'allow'"), 20).await;
        assert!(!w
            .text("[data-testid=token-summary]")
            .await
            .starts_with("On "));
        assert_eq!(w.count_visible("[data-testid=token-differs]").await, 0);
        w.click("[data-testid=token-toggle]").await;
        w.select("[data-testid=view-select]", "prod").await;
        served_note_shown(&w).await;
        w.click("#served-editor").await;
        w.wait_js("return document.querySelector('[data-testid=view-select]').value === 'editor' \
                   && document.querySelector('[data-testid=method-row][data-verb=GET]').dataset.protection === 'COGNITO_USER_POOLS'", 10)
            .await;

        // Deploy: the preview first, on prod; the colleague's change flagged and opening a method.
        let deployments = sandbox.calls("apigateway", "CreateDeployment");
        open_deploy(&w).await;
        w.wait_value("[data-testid=deploy-stage]", "prod").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=deploy-change]').length === 2",
            20,
        )
        .await;
        let changes = w
            .js(
                "return [...document.querySelectorAll('[data-testid=deploy-change]')].map(r => \
                 [r.dataset.key, r.dataset.byGatehouse, r.dataset.opens, r.textContent])",
            )
            .await;
        let changes = changes.as_array().unwrap();
        let get = changes.iter().find(|c| c[0] == "GET /pets").unwrap();
        assert_eq!((&get[1], &get[2]), (&json!("true"), &json!("false")));
        assert!(
            get[3].as_str().unwrap().contains("Cognito · PetsPool"),
            "{get:?}"
        );
        let purchase = changes.iter().find(|c| c[0] == "POST /purchase").unwrap();
        assert_eq!(
            (&purchase[1], &purchase[2]),
            (&json!("false"), &json!("true"))
        );
        assert!(
            purchase[3]
                .as_str()
                .unwrap()
                .contains("not made by Gatehouse"),
            "{purchase:?}"
        );
        let summary = w.text("[data-testid=deploy-summary]").await;
        assert!(
            summary.starts_with("2 changes on prod (1 not made by Gatehouse)"),
            "{summary}"
        );
        assert!(summary.contains("opens 1 method to anyone"), "{summary}");
        assert_eq!(
            w.js("return document.querySelector('[data-testid=deploy-confirm]').disabled")
                .await,
            true
        );
        w.screenshots_in_both_themes("deploy-preview").await;
        w.axe("the deploy preview, a change to acknowledge").await;

        // Acknowledged, deployed: prod serves the editor, and the lines above the methods go.
        w.click("[data-testid=deploy-ack]").await;
        w.wait_js(
            "return !document.querySelector('[data-testid=deploy-confirm]').disabled",
            10,
        )
        .await;
        deploy_and_close(&w).await;
        assert_eq!(
            sandbox.calls("apigateway", "CreateDeployment"),
            deployments + 1
        );
        w.wait_js(
            "return document.querySelector('[data-testid=undeployed-banner]').hidden",
            20,
        )
        .await;
        let prod = served(&sandbox, &home, "prod", false);
        assert_eq!(prod["GET /pets"], "COGNITO_USER_POOLS", "{prod}");
        assert_eq!(prod["POST /purchase"], "NONE", "{prod}");
        w.select("[data-testid=view-select]", "prod").await;
        served_note_shown(&w).await;
        assert_eq!(
            rows(&w).await,
            json!([
                "GET /pets COGNITO_USER_POOLS",
                "OPTIONS /pets NONE",
                "POST /purchase NONE",
                "PURCHASE /pets NONE"
            ])
        );
        w.close().await;
    });
}

#[test]
fn a_stage_with_a_canary_is_deployed_to_its_canary_not_its_base() {
    run(|| async {
        let sandbox = Sandbox::start();
        let (_, api_id) = sandbox.seed_pets();
        let home = AppHome::new();
        // All three protected and deployed to prod; POST /purchase opened again, on prod's
        // canary only (10% of the traffic).
        protect(
            &sandbox,
            &home,
            common::cli::SCENARIO,
            &["--deploy", "prod"],
        );
        sandbox.set_behind_our_back(&api_id, "/purchase", "POST", "NONE");
        sandbox.boto3(
            "c.create_deployment(restApiId=sys.argv[2], stageName='prod', \
             canarySettings={'percentTraffic': 10.0})",
            &[&api_id],
        );
        let base_before = served(&sandbox, &home, "prod", false);

        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("SecurePets", 4).await;
        assert_eq!(choices(&w).await, json!(["editor", "prod", "prod#canary"]));
        w.select("[data-testid=view-select]", "prod#canary").await;
        w.wait_js("return document.querySelector('[data-testid=served-note]').textContent.includes('canary (10%')", 10)
            .await;
        assert_eq!(
            rows(&w).await,
            json!([
                "GET /pets COGNITO_USER_POOLS",
                "OPTIONS /pets NONE",
                "POST /purchase NONE",
                "PURCHASE /pets COGNITO_USER_POOLS"
            ])
        );
        w.screenshot("served-by-canary").await;
        w.axe("review as the canary serves it").await;

        // Protected again by Gatehouse: the canary now lags. Deploy offers the canary first.
        protect(&sandbox, &home, "POST /purchase", &[]);
        w.click("#served-editor").await;
        w.click("#refresh").await;
        w.wait_js("return document.querySelector('[data-testid=method-row][data-verb=POST]')?.dataset.protection === 'COGNITO_USER_POOLS'", 20)
            .await;
        open_deploy(&w).await;
        w.wait_js(
            "return !document.getElementById('deploy-target').hidden \
                   && document.querySelector('[data-testid=deploy-target-canary]').checked",
            10,
        )
        .await;
        w.wait_js("return document.querySelector('[data-testid=deploy-summary]').textContent.startsWith(\"1 change on prod's canary\")", 20)
            .await;
        let change = w.text("[data-testid=deploy-change]").await;
        assert!(change.contains("POST /purchase"), "{change}");

        // The base is refused: the canary would go on serving the old deployment.
        w.click("[data-testid=deploy-target-stage]").await;
        w.wait_js(
            "return !document.querySelector('[data-testid=deploy-refusal]').hidden",
            20,
        )
        .await;
        let refusal = w.text("[data-testid=deploy-refusal]").await;
        assert!(refusal.contains("has a canary"), "{refusal}");
        assert_eq!(
            w.js("return document.querySelector('[data-testid=deploy-confirm]').disabled")
                .await,
            true
        );
        w.screenshot("deploy-canary-refused").await;
        w.axe("the deploy dialog, refused").await;

        // To the canary: it serves the editor, the base stays as it was.
        w.click("[data-testid=deploy-target-canary]").await;
        w.wait_js(
            "return !document.querySelector('[data-testid=deploy-confirm]').disabled",
            20,
        )
        .await;
        assert_eq!(
            w.text("[data-testid=deploy-confirm]").await,
            "Deploy to the canary"
        );
        deploy_and_close(&w).await;
        let canary = served(&sandbox, &home, "prod", true);
        assert_eq!(canary["POST /purchase"], "COGNITO_USER_POOLS", "{canary}");
        assert_eq!(served(&sandbox, &home, "prod", false), base_before);

        // Promoted: the canary serves what the base does now, so nothing changes but the
        // deployment the base serves, the canary's, whose share goes to 0%.
        open_deploy(&w).await;
        w.click("[data-testid=deploy-target-promote]").await;
        w.wait_js("return document.querySelector('[data-testid=deploy-summary]').textContent \
                   === 'Nothing changes on prod when its canary is promoted: the canary serves what the base does'", 20)
            .await;
        w.wait_js(
            "return !document.querySelector('[data-testid=deploy-confirm]').disabled",
            20,
        )
        .await;
        assert_eq!(
            w.text("[data-testid=deploy-confirm]").await,
            "Promote the canary"
        );
        w.screenshot("deploy-promote").await;
        w.axe("the deploy dialog, promote").await;
        deploy_and_close(&w).await;
        let audit = cli(&sandbox, &home, &["audit", "--api", "SecurePets", "--json"]).json();
        let prod = &audit["apis"][0]["stages"][0];
        assert_eq!(prod["name"], "prod");
        assert_eq!(
            prod["deploymentId"], prod["canary"]["deploymentId"],
            "{prod}"
        );
        assert_eq!(prod["canary"]["percent"], 0.0);
        w.close().await;
    });
}
