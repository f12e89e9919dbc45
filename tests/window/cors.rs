//! The CORS fix for refused tokens, in the window: the review's browser notice offers it, the
//! dialog previews each gateway response before → after and reports each result, the notice
//! goes; History undoes it with its own preview, and the notice comes back.

use crate::common;

use common::cli::protect_pets;
use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use serde_json::Value;

/// The Access-Control-Allow-Origin AWS holds on a gateway response now (Null: none).
fn allow_origin(sb: &Sandbox, api_id: &str, kind: &str) -> Value {
    sb.gateway_response(api_id, kind)["responseParameters"]
        ["gatewayresponse.header.Access-Control-Allow-Origin"]
        .clone()
}

const NOTICE: &str = "[data-testid=browser-issue][data-kind=gatewayResponsesWithoutCors]";

async fn results(w: &Window) -> Value {
    w.js("return [...document.querySelectorAll('[data-testid=cors-result]')].map(c => c.dataset.status || '')")
        .await
}

#[test]
fn the_cors_fix_is_previewed_sent_and_undone_from_history() {
    run(|| async {
        let sandbox = Sandbox::start();
        let (_, api_id) = sandbox.seed_pets();
        let home = AppHome::new();
        let protect = protect_pets(&sandbox, home.path(), &["--methods", "GET /pets"]);
        assert_eq!(protect.status, 0, "{}", protect.stderr);

        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("SecurePets", 4).await;
        w.find(NOTICE).await;
        w.click("[data-testid=cors-fix]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=cors-dialog]').open",
            10,
        )
        .await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=cors-change]').length === 2",
            20,
        )
        .await;
        assert_eq!(
            w.text("[data-testid=cors-summary]").await,
            "2 responses get Access-Control-Allow-Origin '*' — deploy to take it live"
        );
        let row = w
            .text("[data-testid=cors-change][data-key=UNAUTHORIZED]")
            .await;
        assert!(
            row.contains("no Access-Control-Allow-Origin (AWS's default)"),
            "{row}"
        );
        assert!(row.contains("Access-Control-Allow-Origin '*'"), "{row}");
        // Bad input: a path is not an origin; the message names it and nothing can be sent.
        w.js("const o = document.querySelector('[data-testid=cors-origin]'); o.value = 'https://a.example/x'; \
              o.dispatchEvent(new Event('input')); return true")
            .await;
        w.wait_js(
            "return !document.querySelector('[data-testid=cors-error]').hidden",
            10,
        )
        .await;
        assert!(w
            .text("[data-testid=cors-error]")
            .await
            .contains("is not an origin"));
        w.axe("the CORS fix, not an origin").await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=cors-confirm]').disabled")
                .await,
            true
        );
        w.js(
            "const o = document.querySelector('[data-testid=cors-origin]'); o.value = '*'; \
              o.dispatchEvent(new Event('input')); return true",
        )
        .await;
        w.wait_js("return document.querySelector('[data-testid=cors-confirm]').textContent === 'Add the header to 2 responses' \
                   && !document.querySelector('[data-testid=cors-confirm]').disabled", 20)
            .await;
        w.screenshots_in_both_themes("cors-fix-preview").await;
        w.axe("the CORS fix preview").await;
        w.click("[data-testid=cors-confirm]").await;
        w.wait_js("return [...document.querySelectorAll('[data-testid=cors-result]')].every(c => c.dataset.status === 'changed')", 20)
            .await;
        assert_eq!(
            w.text("[data-testid=cors-summary]").await,
            "2 changed, 0 failed — deploy to take it live"
        );
        for kind in ["UNAUTHORIZED", "ACCESS_DENIED"] {
            assert_eq!(allow_origin(&sandbox, &api_id, kind), "'*'", "{kind}");
        }
        w.screenshot("cors-fix-done").await;
        w.axe("the CORS fix results").await;
        w.click("[data-testid=cors-confirm]").await;
        w.wait_js(
            &format!(
                "return !document.querySelector('[data-testid=cors-dialog]').open \
                            && !document.querySelector('{NOTICE}')"
            ),
            20,
        )
        .await;

        // History: the fix, undone with its own preview; the notice is back.
        w.click("#tab-history").await;
        let item = w.text("[data-testid=history-item]").await;
        assert!(
            item.contains("CORS headers for refused tokens · SecurePets"),
            "{item}"
        );
        w.click("[data-testid=history-item] [data-testid=undo]")
            .await;
        w.wait_js(
            "return document.querySelector('[data-testid=cors-dialog]').open \
                   && document.querySelectorAll('[data-testid=cors-change]').length === 2",
            20,
        )
        .await;
        assert_eq!(
            w.text("[data-testid=cors-confirm]").await,
            "Undo 2 responses"
        );
        w.click("[data-testid=cors-confirm]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=cors-result][data-status=changed]').length === 2", 20)
            .await;
        assert_eq!(results(&w).await.as_array().unwrap().len(), 2);
        assert_eq!(allow_origin(&sandbox, &api_id, "UNAUTHORIZED"), Value::Null);
        w.click("[data-testid=cors-confirm]").await;
        w.click("#tab-review").await;
        w.find(NOTICE).await;
        w.close().await;
    });
}
