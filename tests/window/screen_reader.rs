//! What a screen reader hears: roles and names read from WebKit's own accessibility tree (the
//! WebDriver commands Get Computed Role and Get Computed Label), and what the page marks for it —
//! the methods table's header cells and row numbers, each badge in words, the live regions that
//! announce progress, results and errors, and every dialog's name.

use crate::common;

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::{json, Value};
use std::time::Duration;

/// An element's computed role or label (`what`: "computedrole", "computedlabel"), as WebKit
/// gives it to assistive technologies.
async fn computed_of(w: &Window, element: &Element, what: &str) -> String {
    let session = w.client.session_id().await.unwrap().expect("a session");
    let url = format!(
        "{}/session/{session}/element/{}/{what}",
        w.driver_url,
        element.element_id()
    );
    let mut attempt = 0;
    loop {
        match ureq::get(&url).call() {
            Ok(mut answer) => {
                let v: Value = answer.body_mut().read_json().expect("a JSON answer");
                return v["value"].as_str().unwrap_or_default().to_string();
            }
            // tauri-driver now and then drops a pooled connection: ask again.
            Err(_) if attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("{what}: {e}"),
        }
    }
}

async fn computed(w: &Window, css: &str, what: &str) -> String {
    let element = w
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    computed_of(w, &element, what).await
}

async fn role(w: &Window, css: &str) -> String {
    computed(w, css, "computedrole").await
}

async fn label(w: &Window, css: &str) -> String {
    computed(w, css, "computedlabel").await
}

/// What a screen reader reads out of an element: its text without what is hidden from it.
async fn heard(w: &Window, css: &str) -> String {
    let q = serde_json::to_string(css).unwrap();
    let v = w
        .js(&format!(
            "const c = document.querySelector({q}).cloneNode(true);
             c.querySelectorAll('[aria-hidden=true]').forEach(e => e.remove());
             return c.textContent.replace(/\\s+/g, ' ').trim()"
        ))
        .await;
    v.as_str().unwrap_or_default().to_string()
}

fn row(key: &str) -> String {
    format!("[data-testid=method-row][data-key='{key}']")
}

#[test]
fn screen_readers_hear_the_table_its_badges_and_what_happens() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("PetsAdmin", 4).await;

        // The methods: a table named after the API, with header cells, every row numbered in
        // the whole list (only the rows in view are in the page).
        w.axe("review, as a screen reader hears it").await;
        assert_eq!(role(&w, "#methods-table").await, "table");
        assert_eq!(label(&w, "#methods-table").await, "Methods of PetsAdmin");
        let mut headers = Vec::new();
        for n in 1..=5 {
            let th = format!("#methods-table thead th:nth-child({n})");
            assert_eq!(role(&w, &th).await, "columnheader", "{th}");
            // WebKit gives a header cell no computed label: its words are its text.
            headers.push(heard(&w, &th).await);
        }
        assert_eq!(
            headers,
            ["Selected", "Path", "Method", "Protection", "API key"]
        );
        assert_eq!(
            w.js("return document.getElementById('methods-table').getAttribute('aria-rowcount')")
                .await,
            "5"
        );
        let numbers = w
            .js("return [...document.querySelectorAll('[data-testid=method-row]')].map(r => [r.dataset.key, r.getAttribute('aria-rowindex')])")
            .await;
        assert_eq!(
            numbers,
            json!([
                ["GET /legacy", "2"],
                ["GET /profile", "3"],
                ["OPTIONS /profile", "4"],
                ["GET /reports", "5"]
            ])
        );
        let check = format!("{} [data-testid=method-check]", row("GET /profile"));
        assert_eq!(role(&w, &check).await, "checkbox");
        assert_eq!(label(&w, &check).await, "Select GET /profile");
        let path = format!("{} [data-testid=select-path]", row("GET /profile"));
        assert_eq!(role(&w, &path).await, "button");
        assert_eq!(
            label(&w, &path).await,
            "Select /profile and everything under it"
        );

        // Each badge in words: what its colour, symbol and tags show.
        for (key, words) in [
            (
                "GET /profile",
                "Cognito, AdminPool, scopes pets/read, pets/admin",
            ),
            ("GET /legacy", "Lambda authorizer, LegacyTokenAuth"),
            ("GET /reports", "IAM"),
            ("OPTIONS /profile", "Open, CORS preflight"),
        ] {
            assert_eq!(
                heard(&w, &format!("{} td.protection", row(key))).await,
                words,
                "{key}"
            );
        }
        assert_eq!(
            w.js(&format!(
                "return document.querySelector(\"{} td.protection .badge\").getAttribute('aria-hidden')",
                row("GET /profile")
            ))
            .await,
            "true",
            "the symbol and colour are not read out"
        );
        assert_eq!(
            heard(&w, &format!("{} td:nth-child(5)", row("GET /profile"))).await,
            "Required"
        );
        assert_eq!(
            heard(&w, &format!("{} td:nth-child(5)", row("GET /legacy"))).await,
            "Not required"
        );

        // Live regions: progress, results and the status line are polite; errors alert.
        for (css, want) in [
            ("[data-testid=status]", "status"),
            ("#apply-progress-text", "status"),
            ("[data-testid=sweep-status]", "status"),
            ("#error", "alert"),
        ] {
            assert_eq!(
                w.js(&format!(
                    "return document.querySelector('{css}').getAttribute('role')"
                ))
                .await,
                want,
                "{css}"
            );
        }
        assert_eq!(role(&w, "[data-testid=status]").await, "status");
        for css in [
            "#review-summary",
            "#deploy-reading-text",
            "#deploy-summary",
            "#selection-count",
        ] {
            assert_eq!(
                w.js(&format!(
                    "return document.querySelector('{css}').getAttribute('aria-live')"
                ))
                .await,
                "polite",
                "{css}"
            );
        }
        let summary = heard(&w, "#review-summary").await;
        assert!(summary.contains("of 4 methods protected"), "{summary}");

        // Every dialog is named by its title.
        let unnamed = w
            .js("return [...document.querySelectorAll('dialog')].filter(d => !document.getElementById(d.getAttribute('aria-labelledby') ?? '')?.textContent.trim()).map(d => d.id)")
            .await;
        assert_eq!(unnamed, json!([]), "dialogs without a name");
        w.click("[data-testid=shortcuts-open]").await;
        w.wait_js(
            "return document.getElementById('shortcuts-dialog').open",
            10,
        )
        .await;
        assert_eq!(role(&w, "#shortcuts-dialog").await, "dialog");
        assert_eq!(label(&w, "#shortcuts-dialog").await, "Keyboard shortcuts");
        w.click("#shortcuts-close").await;
        w.click("[data-testid=authorizer-create]").await;
        w.wait_js(
            "return document.getElementById('authorizer-dialog').open",
            10,
        )
        .await;
        assert_eq!(role(&w, "#authorizer-dialog").await, "dialog");
        assert_eq!(
            label(&w, "#authorizer-dialog").await,
            "New Cognito user pool authorizer"
        );
        assert_eq!(role(&w, "#ad-pools").await, "radiogroup");
        assert_eq!(label(&w, "#ad-pools").await, "User pool");
        w.click("#ad-cancel").await;

        // Every control in view has a name.
        let mut nameless = Vec::new();
        for control in w
            .find_all("button, input, select, textarea, [role=tab], [role=option]")
            .await
        {
            let arg = serde_json::to_value(&control).unwrap();
            let shown = w
                .client
                .execute(
                    "const e = arguments[0]; return e.getClientRects().length > 0 && !e.closest('dialog:not([open])')",
                    vec![arg.clone()],
                )
                .await
                .unwrap();
            if shown == true
                && computed_of(&w, &control, "computedlabel")
                    .await
                    .trim()
                    .is_empty()
            {
                let html = w
                    .client
                    .execute("return arguments[0].outerHTML.slice(0, 160)", vec![arg])
                    .await
                    .unwrap();
                nameless.push(html);
            }
        }
        assert!(
            nameless.is_empty(),
            "controls without a name: {nameless:#?}"
        );

        // The error bar alerts, and says what AWS said.
        let denied = "User is not authorized to perform: apigateway:GET";
        sandbox.control(
            "/_sandbox/config",
            json!({"errors": {"GetResources": [403, "AccessDeniedException", denied]}}),
        );
        w.click("#refresh").await;
        w.wait_js("return !document.getElementById('error').hidden", 20)
            .await;
        assert_eq!(role(&w, "#error").await, "alert");
        let said = heard(&w, "#error").await;
        assert!(said.contains(denied), "{said}");
        w.axe("the error bar, as a screen reader hears it").await;
        sandbox.control("/_sandbox/config", json!({"errors": {}}));
        w.click("#error-retry").await;
        w.wait_js("return document.getElementById('error').hidden", 20)
            .await;
        w.close().await;
    });
}
