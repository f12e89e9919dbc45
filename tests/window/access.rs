//! The window for everyone, beyond what axe-core checks on each screen: at 200 % zoom the review's
//! actions stay within reach, and the page follows the preferences WebKitGTK reports from GTK's
//! settings (more contrast under the HighContrast theme, less motion without animations).

use crate::common;

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{json, Value};

/// Ctrl with `key`, as typed at the keyboard (the page answers the zoom shortcuts itself).
async fn ctrl(w: &Window, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down {
            value: Key::Control.into(),
        })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up {
            value: Key::Control.into(),
        });
    w.client.perform_actions(keys).await.expect("press keys");
    w.client.release_actions().await.expect("release keys");
}

/// Brings the element matching `css` into view the way a person can (only through boxes that
/// scroll: `overflow: hidden` hides for good) and says whether a click at its middle reaches it:
/// "ok", or what is wrong.
async fn within_reach(w: &Window, css: &str) -> String {
    let q = serde_json::to_string(css).unwrap();
    let v = w
        .js(&format!(
            "const e = document.querySelector({q}); if (!e) return 'missing'; \
             const boxes = []; for (let p = e.parentElement; p; p = p.parentElement) boxes.push([p, p.scrollTop, p.scrollLeft]); \
             e.scrollIntoView({{block: 'nearest', inline: 'nearest'}}); \
             const root = document.scrollingElement; \
             for (const [p, top, left] of boxes) {{ \
               let s = getComputedStyle(p); \
               /* The viewport scrolls as the root says, or as the body says when the root is visible. */ \
               if (p === root && s.overflowY === 'visible') s = getComputedStyle(document.body); \
               const scrolls = (o) => o === 'auto' || o === 'scroll' || p === root && o === 'visible'; \
               if (p.scrollTop !== top && !scrolls(s.overflowY)) return `hidden below the edge of ${{p.className || p.tagName}} (overflow-y: ${{s.overflowY}})`; \
               if (p.scrollLeft !== left && !scrolls(s.overflowX)) return `hidden beside the edge of ${{p.className || p.tagName}} (overflow-x: ${{s.overflowX}})`; \
             }} \
             const r = e.getBoundingClientRect(); if (!r.width || !r.height) return 'not shown'; \
             const x = r.left + r.width / 2, y = r.top + r.height / 2; \
             if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return `outside the window at ${{x}},${{y}}`; \
             const hit = document.elementFromPoint(x, y); \
             return hit === e || e.contains(hit) ? 'ok' : `covered by ${{hit?.outerHTML.slice(0, 120)}}`;"
        ))
        .await;
    v.as_str().unwrap_or("no answer").to_string()
}

/// A Cognito authorizer for PetsPool on SecurePets, made on the sandbox as by hand: the review can
/// then preview a protection.
fn pets_pool_authorizer(sandbox: &Sandbox, seed: &Value) {
    let api = seed["apis"]["SecurePets"]["id"].as_str().unwrap();
    let pool = seed["pools"]["PetsPool"]["arn"].as_str().unwrap();
    sandbox.boto3(
        "c.create_authorizer(restApiId=sys.argv[2], name='PetsPool', type='COGNITO_USER_POOLS', \
         providerARNs=[sys.argv[3]], identitySource='method.request.header.Authorization')",
        &[api, pool],
    );
}

async fn wait_authorizer(w: &Window) {
    w.wait_js("return [...document.querySelectorAll('[data-testid=authorizer-select] option')].some(o => o.selected && o.textContent.startsWith('PetsPool'))", 20).await;
}

/// Reaches the element as `within_reach` does, then clicks it. The click is the element's own:
/// WebKitWebDriver places its clicks in unzoomed pixels (at 200 % a click meant for x = 139
/// lands at x = 69), so where a person's click would land is what `within_reach` checks.
async fn reach_and_click(w: &Window, css: &str) {
    assert_eq!(within_reach(w, css).await, "ok", "{css} at 200 %");
    let q = serde_json::to_string(css).unwrap();
    w.js(&format!("document.querySelector({q}).click(); return true"))
        .await;
}

#[test]
fn at_200_percent_zoom_the_review_can_still_select_preview_and_deploy() {
    run(|| async {
        let sandbox = Sandbox::start();
        let seed = sandbox.seed();
        pets_pool_authorizer(&sandbox, &seed);
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("SecurePets", 4).await;
        wait_authorizer(&w).await;
        let actual = w.js("return window.innerWidth").await.as_u64().unwrap();

        // Ctrl+= steps 110, 125, 150, 175, 200 %: half as many CSS pixels across.
        for _ in 0..5 {
            ctrl(&w, '=').await;
        }
        w.wait_js(
            &format!("return Math.abs(window.innerWidth * 2 - {actual}) <= 2"),
            10,
        )
        .await;
        w.settled_screenshot("zoom-200-review").await;
        w.axe("review at 200 % zoom").await;

        // Select: the whole-API button, then one method's checkbox and its path.
        reach_and_click(&w, "[data-testid=select-open]").await;
        assert_eq!(w.text("#selection-count").await, "3 selected");
        reach_and_click(&w, "#select-none").await;
        reach_and_click(
            &w,
            "[data-testid=method-row][data-verb=GET] [data-testid=method-check]",
        )
        .await;
        reach_and_click(
            &w,
            "[data-testid=method-row][data-verb=POST] [data-testid=method-check]",
        )
        .await;
        assert_eq!(w.text("#selection-count").await, "2 selected");
        w.settled_screenshot("zoom-200-selected").await;

        // Protect: the authorizer, then the preview and its Apply, there and clickable.
        assert_eq!(
            within_reach(&w, "[data-testid=authorizer-select]").await,
            "ok"
        );
        assert_eq!(
            within_reach(&w, "[data-testid=authorizer-create]").await,
            "ok"
        );
        reach_and_click(&w, "[data-testid=preview]").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=preview-row]').length === 2",
            20,
        )
        .await;
        for css in ["[data-testid=apply]", "#preview-close"] {
            assert_eq!(within_reach(&w, css).await, "ok", "{css} in the preview");
        }
        w.settled_screenshot("zoom-200-preview").await;
        w.axe("the preview at 200 % zoom").await;
        reach_and_click(&w, "#preview-close").await;
        w.wait_js("return !document.getElementById('preview-dialog').open", 10)
            .await;

        // Deploy: the button, the dialog's stage and its Deploy.
        reach_and_click(&w, "[data-testid=deploy]").await;
        w.wait_value("[data-testid=deploy-stage]", "prod").await;
        for css in [
            "[data-testid=deploy-stage]",
            "[data-testid=deploy-confirm]",
            "#deploy-cancel",
        ] {
            assert_eq!(
                within_reach(&w, css).await,
                "ok",
                "{css} in the deploy dialog"
            );
        }
        w.settled_screenshot("zoom-200-deploy").await;
        w.axe("the deploy dialog at 200 % zoom").await;
        reach_and_click(&w, "#deploy-cancel").await;

        // The other views' first controls, and back to actual size.
        for (tab, css) in [
            ("#tab-history", "#tab-history"),
            ("#tab-profiles", "[data-testid=profile-save]"),
            ("#tab-sweep", "[data-testid=sweep-start]"),
        ] {
            reach_and_click(&w, tab).await;
            assert_eq!(within_reach(&w, css).await, "ok", "{css} at 200 %");
        }
        w.settled_screenshot("zoom-200-sweep").await;
        ctrl(&w, '0').await;
        w.wait_js(&format!("return window.innerWidth === {actual}"), 10)
            .await;
        w.close().await;
    });
}

/// What the page's preferences CSS sets, read back from the computed styles.
async fn computed(w: &Window) -> Value {
    w.js("const f = getComputedStyle(document.getElementById('path-filter')); \
          const m = getComputedStyle(document.querySelector('#review-summary')); \
          return {contrast: matchMedia('(prefers-contrast: more)').matches, \
                  motion: matchMedia('(prefers-reduced-motion: reduce)').matches, \
                  forcedKnown: matchMedia('(forced-colors: none)').matches || matchMedia('(forced-colors: active)').matches, \
                  forced: matchMedia('(forced-colors: active)').matches, \
                  field: f.borderTopColor, muted: m.color, \
                  transition: getComputedStyle(document.querySelector('button')).transitionDuration}")
        .await
}

#[test]
fn gtk_high_contrast_and_no_animations_reach_the_page() {
    run(|| async {
        let sandbox = Sandbox::start();
        let seed = sandbox.seed();
        pets_pool_authorizer(&sandbox, &seed);
        // First as it comes: no preference.
        let home = AppHome::new();
        let env = sandbox_env(&sandbox.url, &home, "us-east-1");
        let w = Window::open(&env).await;
        w.open_api("SecurePets", 4).await;
        let plain = computed(&w).await;
        w.close().await;
        assert_eq!(plain["contrast"], false, "{plain}");
        assert_eq!(plain["motion"], false, "{plain}");

        // GTK's settings, as the desktop's accessibility panel writes them without a settings
        // daemon: the HighContrast theme and no animations. The app's GTK reads them at start.
        let home = AppHome::new();
        let env = sandbox_env(&sandbox.url, &home, "us-east-1");
        let gtk = home.path().join(".config/gtk-3.0");
        std::fs::create_dir_all(&gtk).unwrap();
        std::fs::write(
            gtk.join("settings.ini"),
            "[Settings]\ngtk-theme-name=HighContrast\ngtk-enable-animations=false\n",
        )
        .unwrap();
        let w = Window::open(&env).await;
        w.open_api("SecurePets", 4).await;
        wait_authorizer(&w).await;
        let asked = computed(&w).await;
        eprintln!("no preference: {plain}\nHighContrast, no animations: {asked}");
        assert_eq!(asked["contrast"], true, "prefers-contrast: more: {asked}");
        assert_eq!(
            asked["motion"], true,
            "prefers-reduced-motion: reduce: {asked}"
        );
        // Darker field edges and muted text (ui/preferences.css), in the light theme.
        assert_eq!(asked["field"], "rgb(75, 83, 93)", "{asked}");
        assert_eq!(asked["muted"], "rgb(63, 71, 81)", "{asked}");
        assert_ne!(asked["field"], plain["field"]);
        // WebKitGTK knows `forced-colors` but has no forced-colours mode to turn on: there is
        // nothing to emulate, and the page says `none` even under HighContrast.
        assert_eq!(
            (asked["forcedKnown"].clone(), asked["forced"].clone()),
            (json!(true), json!(false)),
            "{asked}"
        );
        w.click("[data-testid=select-open]").await;
        w.screenshots_in_both_themes("more-contrast-review").await;
        w.axe("review with more contrast").await;
        w.click("[data-testid=preview]").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=preview-row]').length === 3",
            20,
        )
        .await;
        w.screenshots_in_both_themes("more-contrast-preview").await;
        w.axe("the preview with more contrast").await;
        w.close().await;
    });
}
