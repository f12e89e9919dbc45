//! The seed scenario with the keyboard alone: every key goes through WebDriver's actions, and
//! nothing is clicked. The page is only read — where the focus is, what it shows — and after each
//! step so is the sandbox. Every stop shows where the focus is; a dialog keeps Tab inside it,
//! Escape closes it, and the focus goes back to what opened it.

use crate::common;
use crate::keys::{
    assert_on, assert_shown, first_stop, focus, press, tab_to, type_text, wait_focus,
};

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use fantoccini::key::Key;
use serde_json::{json, Value};

/// Presses ↑ or ↓ until the focused method row is `row`.
async fn arrow_to_row(w: &Window, row: &str) -> Value {
    for _ in 0..10 {
        let f = focus(w, "").await;
        if f["row"] == row {
            return f;
        }
        let here = rows(w).await;
        let at = here
            .iter()
            .position(|k| Some(k.as_str()) == f["row"].as_str());
        let want = here
            .iter()
            .position(|k| k == row)
            .expect("the row is shown");
        press(
            w,
            if at.unwrap_or(0) < want {
                Key::Down
            } else {
                Key::Up
            },
            false,
        )
        .await;
    }
    panic!("the arrows never reached {row}");
}

/// The method rows' keys, top to bottom, as the table shows them.
async fn rows(w: &Window) -> Vec<String> {
    let v = w.js("return [...document.querySelectorAll('[data-testid=method-row]')].map(r => r.dataset.key)").await;
    serde_json::from_value(v).unwrap()
}

#[test]
fn seed_scenario_by_keyboard_alone_then_undo() {
    run(|| async {
        let sandbox = Sandbox::start();
        let (_, api_id) = sandbox.seed_pets();
        let deployments_before = sandbox.aws_state(&api_id)["deployments"].as_u64().unwrap();
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;

        // 1. The APIs list is one stop: Tab reaches it, the arrows walk it, Enter opens SecurePets.
        let f = tab_to(&w, "[data-testid=api-item]", false).await;
        assert_eq!(
            w.js("return [...document.querySelectorAll('[data-testid=api-item]')].filter(i => i.tabIndex === 0).length").await,
            1,
            "one item of the list is a Tab stop: {f}"
        );
        press(&w, Key::Home, false).await;
        let first = focus(&w, "").await;
        for _ in 0..10 {
            if focus(&w, "").await["api"] == "SecurePets" {
                break;
            }
            press(&w, Key::Down, false).await;
        }
        assert_shown(&focus(&w, "").await, "on SecurePets in the list");
        assert_eq!(focus(&w, "").await["api"], "SecurePets", "from {first}");
        press(&w, Key::Enter, false).await;
        w.wait_js("return document.getElementById('review-title').textContent === 'SecurePets' && document.querySelectorAll('[data-testid=method-row]').length === 4", 20).await;
        assert_eq!(
            w.text("[data-testid=review-summary]").await,
            "0 of 4 methods protected · 4 open (1 OPTIONS)"
        );
        // The list was drawn again with the open API's count: the focus stayed on its item.
        w.wait_js("return !!document.querySelector('[data-testid=api-item][data-api-name=SecurePets] [data-testid=open-count]')", 20).await;
        let f = focus(&w, "[data-testid=api-item][data-api-name=SecurePets]").await;
        assert_eq!(f["matches"], true, "{f}");
        assert_shown(&f, "after opening SecurePets");

        // 2. The methods table is one stop too: Tab lands on the first row's checkbox.
        let f = tab_to(&w, "[data-testid=method-check]", false).await;
        assert_eq!(f["row"], "GET /pets", "{f}");
        assert_eq!(
            rows(&w).await,
            [
                "GET /pets",
                "PURCHASE /pets",
                "OPTIONS /pets",
                "POST /purchase"
            ]
        );
        // End and Home, the arrows; → to the row's path and ← back.
        press(&w, Key::End, false).await;
        assert_eq!(focus(&w, "").await["row"], "POST /purchase");
        press(&w, Key::Home, false).await;
        assert_eq!(focus(&w, "").await["row"], "GET /pets");
        press(&w, Key::Down, false).await;
        assert_eq!(focus(&w, "").await["row"], "PURCHASE /pets");
        press(&w, Key::Right, false).await;
        let f = focus(&w, "[data-testid=select-path]").await;
        assert_eq!(
            (f["row"].as_str(), f["matches"].as_bool()),
            (Some("PURCHASE /pets"), Some(true)),
            "{f}"
        );
        assert_shown(&f, "on a row's path");
        press(&w, Key::Up, false).await;
        let f = focus(&w, "[data-testid=select-path]").await;
        assert_eq!(f["row"], "GET /pets", "the column stays: {f}");
        press(&w, Key::Left, false).await;
        let f = focus(&w, "[data-testid=method-check]").await;
        assert_eq!(f["matches"], true, "{f}");
        // Space ticks the three methods the seed scenario protects; OPTIONS stays open.
        for (n, key) in ["GET /pets", "PURCHASE /pets", "POST /purchase"]
            .iter()
            .enumerate()
        {
            arrow_to_row(&w, key).await;
            press(&w, Key::Space, false).await;
            let f = focus(&w, "").await;
            assert_eq!(f["checked"], true, "Space ticks {key}: {f}");
            assert_shown(&f, &format!("on {key}"));
            assert_eq!(
                w.text("#selection-count").await,
                format!("{} selected", n + 1)
            );
        }
        assert_eq!(
            w.js("return [...document.querySelectorAll('[data-testid=method-row].checked')].map(r => r.dataset.key)").await,
            json!(["GET /pets", "PURCHASE /pets", "POST /purchase"])
        );
        // Tab leaves the table (no trap) and Shift+Tab comes back to the row last focused.
        press(&w, Key::Tab, false).await;
        let out = focus(&w, "").await;
        assert!(
            out["row"].is_null() && out["body"] == false,
            "Tab left the table: {out}"
        );
        press(&w, Key::Tab, true).await;
        let back = focus(&w, "").await;
        assert_eq!(back["row"], "POST /purchase", "{back}");
        assert_eq!(
            sandbox.aws_state(&api_id)["authorizers"],
            json!([]),
            "nothing sent yet"
        );

        // 3. The authorizer dialog: Shift+Tab back to New authorizer…, Enter opens it.
        tab_to(&w, "#authorizer-create", true).await;
        press(&w, Key::Enter, false).await;
        let f = wait_focus(&w, "#authorizer-dialog *", "in the authorizer dialog").await;
        assert_eq!(f["dialog"], "authorizer-dialog");
        assert_eq!(
            w.text("#authorizer-dialog-title").await,
            "New Cognito user pool authorizer"
        );
        // Tab goes round inside it: Shift+Tab from its first control is its last, Tab the first again.
        assert_eq!(
            f["id"], "ad-region",
            "the first control takes the focus: {f}"
        );
        press(&w, Key::Tab, true).await;
        let last = focus(&w, "#ad-submit").await;
        assert_eq!(
            last["matches"], true,
            "Shift+Tab from the first goes round to the last: {last}"
        );
        assert_shown(&last, "on Create authorizer");
        press(&w, Key::Tab, false).await;
        let f = focus(&w, "#ad-region").await;
        assert_eq!(
            f["matches"], true,
            "Tab from the last goes round to the first: {f}"
        );
        // Escape closes it, and the focus is back on the button that opened it.
        press(&w, Key::Escape, false).await;
        w.wait_js(
            "return !document.getElementById('authorizer-dialog').open",
            10,
        )
        .await;
        wait_focus(&w, "#authorizer-create", "after Escape closed the dialog").await;
        assert_eq!(sandbox.aws_state(&api_id)["authorizers"], json!([]));

        // Open again, for real: the Cognito region by typing its name into the list.
        press(&w, Key::Enter, false).await;
        wait_focus(&w, "#ad-region", "in the authorizer dialog again").await;
        type_text(&w, "eu-west-1").await;
        w.wait_value("#ad-region", "eu-west-1").await;
        w.wait_js(
            "return document.querySelectorAll('#ad-pools [data-testid=pool-item]').length >= 2",
            20,
        )
        .await;
        let pools = w.text("#ad-pools").await;
        assert!(
            pools.contains("PetsPool") && pools.contains("AdminPool"),
            "{pools}"
        );
        // Tab into the pools; the arrows choose one (Space the first, focused but not chosen).
        press(&w, Key::Tab, false).await;
        for _ in 0..5 {
            let name = w
                .js("return document.activeElement.closest('[data-testid=pool-item]')?.textContent ?? ''")
                .await;
            if name.as_str().unwrap_or_default().contains("PetsPool") {
                break;
            }
            press(&w, Key::Down, false).await;
        }
        if focus(&w, "").await["checked"] == false {
            press(&w, Key::Space, false).await;
        }
        let f = focus(&w, "#ad-pools input").await;
        assert_eq!(f["checked"], true, "PetsPool chosen: {f}");
        assert_shown(&f, "on PetsPool");
        w.wait_value("#ad-name", "PetsPool").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=client-item]').length >= 2",
            20,
        )
        .await;
        // The name and token source as they are; tick the web client, which writes the regex.
        tab_to(&w, "#ad-source", false).await;
        assert_eq!(
            w.js("return document.getElementById('ad-source').value")
                .await,
            "method.request.header.Authorization"
        );
        let web = w
            .js("return [...document.querySelectorAll('[data-testid=client-item]')].find(l => l.textContent.includes('web')).dataset.clientId")
            .await;
        let web = web.as_str().unwrap().to_string();
        tab_to(
            &w,
            &format!("[data-testid=client-item][data-client-id='{web}'] input"),
            false,
        )
        .await;
        press(&w, Key::Space, false).await;
        w.wait_value("#ad-regex", &format!("^({web})$")).await;
        w.wait_js(
            "return document.getElementById('ad-matches').textContent === 'Matches: web'",
            10,
        )
        .await;
        assert_eq!(
            w.js("return document.getElementById('ad-ttl').value").await,
            "300"
        );
        tab_to(&w, "#ad-submit", false).await;
        w.screenshot("keyboard-authorizer-dialog").await;
        w.axe("the authorizer dialog, by keyboard").await;
        press(&w, Key::Enter, false).await;
        w.wait_js(
            "return !document.getElementById('authorizer-dialog').open",
            20,
        )
        .await;
        w.wait_js("return [...document.querySelectorAll('[data-testid=authorizer-select] option')].some(o => o.selected && o.textContent.startsWith('PetsPool'))", 20).await;
        wait_focus(&w, "#authorizer-create", "after the authorizer was created").await;
        let aws = sandbox.aws_state(&api_id);
        let auths = aws["authorizers"].as_array().unwrap();
        assert_eq!(auths.len(), 1, "{aws}");
        assert_eq!(auths[0]["name"], "PetsPool");
        assert_eq!(auths[0]["type"], "COGNITO_USER_POOLS");
        assert_eq!(
            auths[0]["identitySource"],
            "method.request.header.Authorization"
        );
        assert_eq!(
            auths[0]["identityValidationExpression"],
            format!("^({web})$")
        );
        assert_eq!(auths[0]["authorizerResultTtlInSeconds"], 300);
        let authorizer_id = auths[0]["id"].clone();

        // 4. Preview: Tab to it, Enter; Apply has the focus, Enter applies.
        tab_to(&w, "#preview", false).await;
        press(&w, Key::Enter, false).await;
        wait_focus(&w, "#apply", "on Apply in the preview").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=preview-row]').length === 3",
            20,
        )
        .await;
        let preview = w.text("#preview-rows").await;
        assert!(
            preview.contains("Open") && preview.contains("Cognito · PetsPool"),
            "{preview}"
        );
        assert_eq!(w.text("#preview-title").await, "Preview: protect methods");
        // The preview's own loop: Tab from Apply, its last control, goes round to its first.
        press(&w, Key::Tab, false).await;
        let f = focus(&w, "#preview-dialog *").await;
        assert_eq!(f["matches"], true, "Tab stayed in the preview: {f}");
        assert_shown(&f, "on the preview's first control");
        assert_eq!(
            f["words"],
            first_stop(&w, "#preview-dialog").await,
            "the first: {f}"
        );
        press(&w, Key::Tab, true).await;
        assert_on(&w, "#apply").await;
        press(&w, Key::Enter, false).await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 3", 30).await;
        let progress = w
            .js("const p = document.querySelector('[data-testid=apply-progress]'); return [p.value, p.max]")
            .await;
        assert_eq!(progress, json!([3, 3]));
        // The progress line is a status region: a screen reader hears it end.
        let done = w.text("#apply-progress-text").await;
        assert!(done.starts_with("Done: "), "{done}");
        assert_eq!(
            w.js("return document.getElementById('apply-progress-text').getAttribute('role')")
                .await,
            "status"
        );
        wait_focus(&w, "#preview-close", "on Close once applied").await;
        assert_eq!(w.text("#preview-close").await, "Close");
        sandbox.assert_pets_protected(&api_id, &authorizer_id);
        w.screenshot("keyboard-applied").await;
        w.axe("apply results, by keyboard").await;
        // Escape closes it; the focus is back on Preview protection.
        press(&w, Key::Escape, false).await;
        w.wait_js("return !document.getElementById('preview-dialog').open", 10)
            .await;
        wait_focus(&w, "#preview", "after the preview closed").await;
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-protection=COGNITO_USER_POOLS][data-authorizer-name=PetsPool]').length === 3", 20).await;
        assert_eq!(
            w.text("[data-testid=review-summary]").await,
            "3 of 4 methods protected · 1 open (1 OPTIONS)"
        );
        w.find("[data-testid=undeployed-banner]").await;

        // 5. Deploy: Shift+Tab up to Deploy…, Enter; prod is chosen; Tab to Deploy, Enter.
        tab_to(&w, "#deploy", true).await;
        press(&w, Key::Enter, false).await;
        wait_focus(&w, "#deploy-stage", "on the deploy dialog's stage").await;
        w.wait_value("#deploy-stage", "prod").await;
        w.wait_js("return document.querySelectorAll('[data-testid=deploy-change][data-by-gatehouse=true]').length === 3", 20).await;
        w.wait_js(
            "return !document.querySelector('[data-testid=deploy-confirm]').disabled",
            10,
        )
        .await;
        let summary = w.text("[data-testid=deploy-summary]").await;
        assert!(!summary.is_empty(), "the preview says what goes live");
        tab_to(&w, "#deploy-confirm", false).await;
        press(&w, Key::Enter, false).await;
        w.wait_js(
            "return document.querySelector('[data-testid=undeployed-banner]').hidden",
            30,
        )
        .await;
        wait_focus(&w, "#deploy", "after the deploy").await;
        // The status line (a status region) says where it went.
        let status = w.text("[data-testid=status]").await;
        assert!(status.starts_with("Deployed to prod"), "{status}");
        assert_eq!(
            sandbox.aws_state(&api_id)["deployments"].as_u64().unwrap(),
            deployments_before + 1
        );
        w.screenshot("keyboard-deployed").await;
        w.axe("deployed, by keyboard").await;

        // 6. History by the tabs' arrows; Tab to Undo…, Enter; Enter applies the undo.
        tab_to(&w, "#tab-review", true).await;
        press(&w, Key::Right, false).await;
        press(&w, Key::Right, false).await;
        let f = focus(&w, "#tab-history").await;
        assert_eq!(f["matches"], true, "{f}");
        assert_eq!(
            w.js("return document.getElementById('tab-history').getAttribute('aria-selected')")
                .await,
            "true"
        );
        let item = w.text("[data-testid=history-item]").await;
        assert!(item.contains("Protect · SecurePets"), "{item}");
        assert!(item.contains("deployed to prod"), "{item}");
        let apply_id = w
            .js("return document.querySelector('[data-testid=history-item]').dataset.applyId")
            .await;
        tab_to(&w, "[data-testid=history-item] [data-testid=undo]", false).await;
        press(&w, Key::Enter, false).await;
        wait_focus(&w, "#apply", "on Apply in the undo's preview").await;
        w.wait_js("return document.querySelectorAll('#preview-rows [data-testid=preview-row]').length === 3", 20).await;
        assert!(w
            .text("#preview-title")
            .await
            .starts_with("Undo: SecurePets"));
        press(&w, Key::Enter, false).await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 3", 30).await;
        wait_focus(&w, "#preview-close", "on Close once undone").await;
        sandbox.assert_pets_open(&api_id);
        // Enter on Close: the Undo… button that opened it is gone (the entry is undone); the
        // focus stays on that entry of History.
        press(&w, Key::Enter, false).await;
        w.wait_js("return !document.getElementById('preview-dialog').open", 10)
            .await;
        let apply_id = apply_id.as_str().unwrap().to_string();
        let f = wait_focus(
            &w,
            &format!("[data-testid=history-item][data-apply-id='{apply_id}'] *"),
            "after the undo's preview closed",
        )
        .await;
        assert_eq!(f["dialog"], Value::Null);
        w.wait_js(&format!("return document.querySelector(\"[data-testid=history-item][data-apply-id='{apply_id}']\").textContent.includes('undone')"), 20).await;
        w.screenshot("keyboard-undone").await;
        w.axe("undone, by keyboard").await;

        // Back to Review by the tabs: all four open again.
        tab_to(&w, "#tab-history", true).await;
        press(&w, Key::Home, false).await;
        assert_on(&w, "#tab-review").await;
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-protection=NONE]').length === 4", 30).await;
        w.close().await;
    });
}
