//! The sweep in the real window: two accounts (two sandboxes behind the profiles `shop` and
//! `billing` of the AWS config file) over five regions, one of them refused to billing. Rows
//! arrive with a progress bar per profile; the refused region is a row of its own; sorting and
//! filtering; a click opens an API of another profile and region in Review (the stack-owned one
//! says so); and Cancel stops a slow sweep at once, keeping what was read.

use crate::common;

use common::accounts::{Accounts, BILLING_ACCOUNT, REGIONS, SHOP_ACCOUNT};
use common::window::{run, AppHome, Window, ENV_CREDENTIALS};
use serde_json::{json, Value};

/// The rows in the order shown: (profile, region, name, open).
async fn rows(w: &Window) -> Vec<(String, String, String, u64)> {
    let v = w
        .js("return [...document.querySelectorAll('[data-testid=sweep-row]')].map(r => [r.dataset.profile, r.dataset.region, r.dataset.apiName, Number(r.dataset.open)])")
        .await;
    serde_json::from_value(v).unwrap()
}

async fn progress(w: &Window, profile: &str) -> Value {
    w.js(&format!(
        "const p = document.querySelector('[data-testid=sweep-progress][data-profile=\"{profile}\"]'); \
         return p && {{done: Number(p.dataset.done), total: Number(p.dataset.total), account: p.dataset.account ?? null, text: p.textContent}}"
    ))
    .await
}

/// Opens the API of a row and waits until Review shows it in that profile and region.
async fn open_row(w: &Window, name: &str, profile: &str, region: &str, methods: usize) {
    w.click(&format!("[data-testid=sweep-row][data-api-name={name}]"))
        .await;
    w.wait_value("#profile", profile).await;
    w.wait_value("#region", region).await;
    w.wait_js(
        &format!(
            "return document.getElementById('review-title').textContent.includes('{name}') && \
             document.querySelectorAll('[data-testid=method-row]').length === {methods}"
        ),
        30,
    )
    .await;
    assert_eq!(
        w.js("return document.getElementById('tab-review').getAttribute('aria-selected')")
            .await,
        "true"
    );
}

#[test]
fn sweep_two_accounts_open_a_row_elsewhere_then_cancel() {
    run(|| async {
        let accounts = Accounts::start(&["--region-error", "eu-west-1=access-denied"]);
        let home = AppHome::new();
        std::fs::create_dir_all(home.path().join(".aws")).unwrap();
        // shop-admin is a second profile of shop's account.
        std::fs::write(
            home.path().join(".aws/config"),
            accounts.aws_config_with_shop_admin(),
        )
        .unwrap();
        let mut unset = ENV_CREDENTIALS.to_vec();
        unset.extend(["AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"]);
        let w = Window::open_without(&home.env(), &unset).await;
        w.find("[data-testid=api-item]").await;

        // The Sweep tab: every profile ticked; the 17 default regions ticked, opt-in ones not.
        w.click("#tab-sweep").await;
        w.find("[data-testid=sweep-start]").await;
        let ticked = w.js("return [...document.querySelectorAll('[data-testid=sweep-profile]')].map(c => [c.value, c.checked])").await;
        assert_eq!(
            ticked,
            json!([
                ["file:billing", true],
                ["file:shop", true],
                ["file:shop-admin", true]
            ])
        );
        w.wait_js(
            "return document.querySelectorAll('[data-testid=sweep-region]').length > 17",
            10,
        )
        .await;
        let defaults = w.js("return [...document.querySelectorAll('[data-testid=sweep-region]')].filter(c => c.checked).length").await;
        assert_eq!(defaults, 17);
        assert_eq!(
            w.js("return document.querySelector('[data-testid=sweep-region][value=af-south-1]').checked").await,
            false
        );
        w.settled_screenshot("sweep-setup").await;
        w.axe("Sweep, before a sweep").await;

        // Five regions, by clicking: none, then each.
        w.click("#sweep-regions-none").await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=sweep-start]').disabled")
                .await,
            true
        );
        assert!(w.text("[data-testid=sweep-why]").await.contains("region"));
        for region in REGIONS.split(',') {
            w.click(&format!("[data-testid=sweep-region][value={region}]"))
                .await;
        }
        w.click("[data-testid=sweep-start]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=sweep-status]').dataset.state === 'done'",
            60,
        )
        .await;

        // Every API of both accounts, open first; OPTIONS never counted; the owner stack.
        w.wait_js(
            "return document.querySelectorAll('[data-testid=sweep-row]').length === 4",
            10,
        )
        .await;
        let seen = rows(&w).await;
        let s =
            |p: &str, r: &str, n: &str, o: u64| (p.to_string(), r.to_string(), n.to_string(), o);
        assert_eq!(
            seen,
            [
                s("file:billing", "us-west-2", "Reports", 2),
                s("file:shop", "eu-west-1", "Orders", 1),
                s("file:shop", "us-east-1", "Storefront", 1),
                s("file:billing", "ap-southeast-2", "Billing", 0),
            ]
        );
        let storefront = w
            .text("[data-testid=sweep-row][data-api-name=Storefront]")
            .await;
        for part in [SHOP_ACCOUNT, "REST", "1 open", "shop-prod"] {
            assert!(storefront.contains(part), "{part} in {storefront}");
        }
        let billing = w
            .text("[data-testid=sweep-row][data-api-name=Billing]")
            .await;
        assert!(
            billing.contains("none open") && billing.contains(BILLING_ACCOUNT),
            "{billing}"
        );
        // The refused region: its own row, with AWS's code and message.
        let error = w
            .text("[data-testid=sweep-error][data-profile='file:billing'][data-region=eu-west-1]")
            .await;
        assert!(error.contains("AccessDeniedException"), "{error}");
        assert!(error.contains("not authorized"), "{error}");
        // shop-admin reaches shop's account: said so, and nothing of it read twice.
        let admin = progress(&w, "file:shop-admin").await;
        assert_eq!(admin["account"], SHOP_ACCOUNT);
        let text = admin["text"].as_str().unwrap();
        assert!(
            text.starts_with("shop-admin")
                && text.contains(&format!("account {SHOP_ACCOUNT}: same as shop, swept once"))
                && !text.contains("regions"),
            "{admin}"
        );
        // Progress per profile: every region done, with the account.
        for (profile, account) in [
            ("file:shop", SHOP_ACCOUNT),
            ("file:billing", BILLING_ACCOUNT),
        ] {
            let p = progress(&w, profile).await;
            assert_eq!(
                (p["done"].clone(), p["total"].clone()),
                (json!(5), json!(5)),
                "{p}"
            );
            assert_eq!(p["account"], account);
            assert!(
                p["text"].as_str().unwrap().contains("5 of 5 regions"),
                "{p}"
            );
        }
        let status = w.text("[data-testid=sweep-status]").await;
        assert!(
            status.contains("4 APIs in 5 regions of 3 profiles (one the same account as another, swept once) · 3 with open methods (4 open, OPTIONS aside) · 1 region could not be read"),
            "{status}"
        );
        w.screenshots_in_both_themes("sweep-done").await;
        w.axe("Sweep with results").await;

        // Sort by name (the header's button), then filter by text.
        w.click("th[data-column=name] button").await;
        // The table repaints on the next animation frame, as a user would see it.
        w.wait_js(
            "return [...document.querySelectorAll('[data-testid=sweep-row]')].map(r => r.dataset.apiName).join() === 'Billing,Orders,Reports,Storefront'",
            5,
        )
        .await;
        let names: Vec<String> = rows(&w).await.into_iter().map(|r| r.2).collect();
        assert_eq!(names, ["Billing", "Orders", "Reports", "Storefront"]);
        assert_eq!(
            w.js("return document.querySelector('th[data-column=name]').getAttribute('aria-sort')")
                .await,
            "ascending"
        );
        w.type_into("[data-testid=sweep-filter]", "shop").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=sweep-row]').length === 2",
            10,
        )
        .await;
        let names: Vec<String> = rows(&w).await.into_iter().map(|r| r.2).collect();
        assert_eq!(names, ["Orders", "Storefront"]);
        w.js("const f = document.querySelector('[data-testid=sweep-filter]'); f.value = ''; f.dispatchEvent(new Event('input')); return true").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=sweep-row]').length === 4",
            10,
        )
        .await;

        // A click opens the API in its own profile and region: Reports (billing, us-west-2)…
        open_row(&w, "Reports", "file:billing", "us-west-2", 2).await;
        // …and Storefront (shop, us-east-1), whose stack the review header names.
        w.click("#tab-sweep").await;
        open_row(&w, "Storefront", "file:shop", "us-east-1", 3).await;
        let owner = w.text("[data-testid=api-owner]").await;
        assert!(
            owner.contains("Managed by CloudFormation stack shop-prod"),
            "{owner}"
        );
        w.settled_screenshot("sweep-opened-stack-owned").await;
        w.axe("review of a stack-owned API from Sweep").await;

        // Cancel: billing answers slowly now; every region of billing and shop (shop-admin
        // unticked), then Cancel at once.
        accounts
            .billing
            .control("/_sandbox/config", json!({"latency_ms": 1500}));
        w.click("#tab-sweep").await;
        w.click("#sweep-regions-every").await;
        w.click("[data-testid=sweep-profile][value='file:shop-admin']")
            .await;
        w.click("[data-testid=sweep-start]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=sweep-status]').dataset.state === 'running'",
            10,
        )
        .await;
        w.click("[data-testid=sweep-cancel]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=sweep-status]').dataset.state === 'cancelled'",
            10,
        )
        .await;
        let status = w.text("[data-testid=sweep-status]").await;
        assert!(status.starts_with("Cancelled"), "{status}");
        let p = progress(&w, "file:billing").await;
        assert!(
            p["done"].as_u64().unwrap() < p["total"].as_u64().unwrap(),
            "billing was not finished when cancelled: {p}"
        );
        assert_eq!(w.count_visible("[data-testid=sweep-cancel]").await, 0);
        assert_eq!(
            w.js("return document.querySelector('[data-testid=sweep-start]').disabled")
                .await,
            false
        );
        w.settled_screenshot("sweep-cancelled").await;
        w.axe("Sweep, cancelled").await;
        accounts
            .billing
            .control("/_sandbox/config", json!({"latency_ms": 0}));
        w.close().await;

        // The next run offers the choices of the last sweep started: every region, shop-admin
        // unticked.
        let w = Window::open_without(&home.env(), &unset).await;
        w.find("[data-testid=api-item]").await;
        w.click("#tab-sweep").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=sweep-region]').length > 17",
            10,
        )
        .await;
        let ticked = w.js("return [...document.querySelectorAll('[data-testid=sweep-profile]')].map(c => [c.value, c.checked])").await;
        assert_eq!(
            ticked,
            json!([
                ["file:billing", true],
                ["file:shop", true],
                ["file:shop-admin", false]
            ])
        );
        assert_eq!(
            w.js("return [...document.querySelectorAll('[data-testid=sweep-region]')].every(c => c.checked)").await,
            true
        );
        assert_eq!(
            w.js("return document.getElementById('sweep-scope-chosen').checked")
                .await,
            true
        );
        w.close().await;
    });
}
