//! HTTP APIs in the real window: the list marks each API's kind, a WebSocket API says why it is
//! not opened, and PetsHttp is protected by clicking — a JWT authorizer for PetsPool, two routes,
//! live at once on its auto-deploy stage — then checked with a token, and undone.

use crate::common;

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The rows' (path, verb, protection), sorted.
async fn rows(w: &Window) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = serde_json::from_value(
        w.js("return [...document.querySelectorAll('[data-testid=method-row]')].map(r => [r.dataset.path, r.dataset.verb, r.dataset.protection])")
            .await,
    )
    .unwrap();
    rows.sort();
    rows
}

/// A screenshot of what the window shows now: WebKitWebDriver's first capture after a change can
/// be an older frame, so one is taken and dropped first.
async fn shot(w: &Window, name: &str) {
    w.screenshot(name).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    w.screenshot(name).await;
}

/// Screenshots in the light and the dark theme (set on the page directly: a modal dialog covers
/// the theme button), then back to the theme the app had.
async fn light_and_dark(w: &Window, name: &str) {
    for theme in ["light", "dark"] {
        w.js(&format!(
            "document.documentElement.dataset.theme = '{theme}'; return true"
        ))
        .await;
        shot(w, &format!("{name}-{theme}")).await;
    }
    w.js("const t = localStorage.getItem('theme'); if (!t || t === 'auto') delete document.documentElement.dataset.theme; else document.documentElement.dataset.theme = t; return true").await;
}

fn route(state: &Value, key: &str) -> (Value, Value) {
    let r = &state["routes"][key];
    (r["AuthorizationType"].clone(), r["AuthorizerId"].clone())
}

#[test]
fn http_api_jwt_authorizer_two_routes_live_token_then_undo() {
    run(|| async {
        let started = Instant::now();
        let sandbox = Sandbox::start();
        let seed = sandbox.seed();
        let api_id = seed["apis"]["PetsHttp"]["id"].as_str().unwrap().to_string();
        let pool_id = seed["pools"]["PetsPool"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let web = seed["pools"]["PetsPool"]["clients"]["web"]
            .as_str()
            .unwrap()
            .to_string();
        let issuer = format!("https://cognito-idp.eu-west-1.amazonaws.com/{pool_id}");
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;

        // The list: REST, HTTP and WebSocket APIs together, each marked with its kind.
        w.find("[data-testid=api-item][data-api-name=PetsChat]")
            .await;
        let kinds = w.js("return Object.fromEntries([...document.querySelectorAll('[data-testid=api-item]')].map(i => [i.dataset.apiName, i.dataset.apiKind]))").await;
        assert_eq!(
            kinds,
            json!({"ParcelsManual": "HTTP", "PetsAdmin": "REST", "PetsChat": "WEBSOCKET",
                   "PetsHttp": "HTTP", "SecurePets": "REST"})
        );
        let tags = w.js("return Object.fromEntries([...document.querySelectorAll('[data-testid=api-item]')].map(i => [i.dataset.apiName, i.querySelector('.kind-tag')?.textContent ?? '']))").await;
        assert_eq!(tags["PetsHttp"], "HTTP");
        assert_eq!(tags["PetsChat"], "WebSocket");
        assert_eq!(tags["SecurePets"], "", "REST stays untagged");
        assert_eq!(
            w.js("return document.getElementById('api-list').getAttribute('aria-label')")
                .await,
            "APIs"
        );

        // PetsChat is listed, not opened: the review area says why, and nothing is asked of AWS.
        sandbox.reset_stats();
        w.click("[data-testid=api-item][data-api-name=PetsChat]")
            .await;
        let why = w.text("[data-testid=review-unsupported]").await;
        assert!(why.contains("PetsChat is a WebSocket API"), "{why}");
        assert!(
            why.contains("Gatehouse reviews REST and HTTP APIs"),
            "{why}"
        );
        assert_eq!(w.count_visible("[data-testid=method-row]").await, 0);
        assert_eq!(w.count_visible("[data-testid=review-summary]").await, 0);
        assert_eq!(sandbox.calls("apigateway", "v2:GetRoutes"), 0);
        shot(&w, "http-websocket-not-opened").await;
        w.axe("a WebSocket API, not reviewed").await;

        // PetsHttp: one row per route, $default as its own key, OPTIONS marked, the CORS line.
        w.open_api("PetsHttp", 6).await;
        assert_eq!(w.count_visible("[data-testid=review-unsupported]").await, 0);
        let seen = rows(&w).await;
        let expected: Vec<(String, String, String)> = [
            ("$default", "ANY"),
            ("/parcels", "GET"),
            ("/parcels", "OPTIONS"),
            ("/parcels", "POST"),
            ("/parcels/{id}", "GET"),
            ("/{proxy+}", "ANY"),
        ]
        .iter()
        .map(|(p, v)| (p.to_string(), v.to_string(), "NONE".to_string()))
        .collect();
        assert_eq!(seen, expected);
        let options = w.text("[data-testid=method-row][data-verb=OPTIONS]").await;
        assert!(options.contains("CORS preflight"), "{options}");
        let cors = w.text("[data-testid=review-cors]").await;
        assert!(cors.starts_with("CORS configured"), "{cors}");
        assert!(cors.contains("https://pets.example.com"), "{cors}");
        assert!(w
            .text("[data-testid=review-summary]")
            .await
            .starts_with("0 of 6 methods protected"));
        light_and_dark(&w, "http-review").await;
        w.axe("HTTP API review").await;

        // A JWT authorizer for PetsPool (another region than the API's).
        w.click("[data-testid=authorizer-create]").await;
        assert!(w
            .text("#authorizer-dialog-title")
            .await
            .contains("JWT authorizer"));
        w.wait_value(
            "[data-testid=identity-source]",
            "$request.header.Authorization",
        )
        .await;
        assert_eq!(w.count_visible("[data-testid=ttl]").await, 0);
        assert_eq!(w.count_visible("[data-testid=client-id-regex]").await, 0);
        w.select(
            "#authorizer-dialog [data-testid=pool-region-select]",
            "eu-west-1",
        )
        .await;
        w.click(&format!(
            "#authorizer-dialog [data-testid=pool-item][data-pool-id='{pool_id}'] input"
        ))
        .await;
        w.wait_value("[data-testid=authorizer-name]", "PetsPool")
            .await;
        w.wait_value("[data-testid=authorizer-issuer]", &issuer)
            .await;
        w.find(&format!(
            "[data-testid=client-item][data-client-id='{web}']"
        ))
        .await;
        // No app client ticked: the error sits beside them, and nothing is sent.
        w.click("[data-testid=authorizer-submit]").await;
        let error = w.text("[data-testid=audience-error]").await;
        assert!(
            error.contains("A JWT authorizer needs at least one app client in its audience"),
            "{error}"
        );
        assert_eq!(sandbox.http_state(&api_id)["authorizers"], json!([]));
        w.axe("the JWT authorizer dialog with a field error").await;
        w.click(&format!(
            "[data-testid=client-item][data-client-id='{web}'] input"
        ))
        .await;
        w.wait_js(
            "return document.querySelector('[data-testid=audience-error]').textContent === ''",
            10,
        )
        .await;
        light_and_dark(&w, "http-authorizer-dialog").await;
        w.axe("the JWT authorizer dialog").await;
        w.click("[data-testid=authorizer-submit]").await;
        w.wait_js(
            "return !document.getElementById('authorizer-dialog').open",
            20,
        )
        .await;
        w.wait_js("return [...document.querySelectorAll('[data-testid=authorizer-select] option')].some(o => o.selected && o.textContent.startsWith('PetsPool'))", 20).await;

        let state = sandbox.http_state(&api_id);
        let auths = state["authorizers"].as_array().unwrap();
        assert_eq!(auths.len(), 1, "{state}");
        let a = &auths[0];
        assert_eq!(a["Name"], "PetsPool");
        assert_eq!(a["AuthorizerType"], "JWT");
        assert_eq!(a["JwtConfiguration"]["Issuer"], issuer.as_str());
        assert_eq!(a["JwtConfiguration"]["Audience"], json!([web]));
        assert_eq!(
            a["IdentitySource"],
            json!(["$request.header.Authorization"])
        );
        let authorizer_id = a["AuthorizerId"].clone();

        // GET /parcels and $default: preview, apply, live at once on the auto-deploy stage.
        w.click("[data-testid=method-row][data-verb=GET][data-path='/parcels'] [data-testid=method-check]").await;
        w.click("[data-testid=method-row][data-path='$default'] [data-testid=method-check]")
            .await;
        assert_eq!(w.text("#selection-count").await, "2 selected");
        w.click("[data-testid=preview]").await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=preview-row]').length === 2",
            20,
        )
        .await;
        let keys = w.js("return [...document.querySelectorAll('[data-testid=preview-row]')].map(r => r.dataset.key).sort()").await;
        assert_eq!(keys, json!(["$default", "GET /parcels"]));
        assert!(w.text("#preview-rows").await.contains("JWT · PetsPool"));
        // PetsHttp belongs to a CloudFormation stack: Apply waits for "apply anyway".
        let warnings = w.text("#preview-warnings").await;
        assert!(
            warnings.contains("PetsHttp is managed by CloudFormation stack pets-http-stack"),
            "{warnings}"
        );
        assert!(w
            .js("return document.querySelector('[data-testid=apply]').disabled")
            .await
            .as_bool()
            .unwrap());
        w.axe("the preview with a stack warning").await;
        w.click("#preview-accept").await;
        w.click("[data-testid=apply]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 2", 30).await;
        let live = w.text("[data-testid=apply-live]").await;
        assert!(live.starts_with("Live on $default (auto-deploy)"), "{live}");
        shot(&w, "http-apply-done").await;
        w.axe("HTTP API apply results").await;
        w.click("#preview-close").await;
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-protection=JWT][data-authorizer-name=PetsPool]').length === 2", 20).await;
        let badges = w.js("return [...document.querySelectorAll('[data-testid=method-row][data-protection=JWT] .badge')].map(b => [b.className, b.textContent])").await;
        assert_eq!(
            badges,
            json!([
                ["badge badge-jwt", "JWT · PetsPool"],
                ["badge badge-jwt", "JWT · PetsPool"]
            ])
        );
        let state = sandbox.http_state(&api_id);
        for (key, _) in state["routes"].as_object().unwrap() {
            let (kind, id) = route(&state, key);
            if key == "GET /parcels" || key == "$default" {
                assert_eq!((kind, id), (json!("JWT"), authorizer_id.clone()), "{key}");
            } else {
                assert_eq!(kind, "NONE", "{key} stays open");
            }
        }
        // Live already: no "not deployed" banner (the banner's check has had time to answer).
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(w.count_visible("[data-testid=undeployed-banner]").await, 0);
        light_and_dark(&w, "http-review-protected").await;
        w.axe("HTTP API review, protected").await;

        // A token: the verdicts, the pool taken from the JWT issuer, curl but no "Test in AWS".
        let token = sandbox.mint_token(json!({"pool_id": pool_id, "token_use": "id",
            "client_id": web, "username": "alice"}));
        w.click("[data-testid=token-toggle]").await;
        w.wait_value("[data-testid=token-region]", "eu-west-1")
            .await;
        w.wait_value("[data-testid=token-pool]", &pool_id).await;
        w.js(&format!("const t = document.querySelector('[data-testid=token-input]'); t.value = {}; t.dispatchEvent(new Event('input')); return true", serde_json::to_string(&token).unwrap())).await;
        w.click("[data-testid=token-check]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-verdict=allow]').length === 2", 20).await;
        assert_eq!(w.count_visible("[data-testid=token-test-aws]").await, 0);
        w.find("[data-testid=token-aws-http]").await;
        w.select("[data-testid=token-aws-method]", "GET /parcels")
            .await;
        // The $default stage serves the API's root: no stage in the URL.
        w.find("[data-testid=token-curl]").await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=token-curl]').textContent").await,
            format!("read -rs TOKEN && printf 'Authorization: %s\\n' \"$TOKEN\" | curl -H @- 'https://{api_id}.execute-api.us-east-1.amazonaws.com/parcels'")
        );
        shot(&w, "http-token").await;
        w.axe("HTTP API token verdicts").await;
        w.click("[data-testid=token-toggle]").await;

        // The Authorizers view: issuer, audience, the routes using it.
        w.click("#tab-authorizers").await;
        let row = w
            .text("[data-testid=authorizer-row][data-authorizer-name=PetsPool]")
            .await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=authorizer-row][data-authorizer-name=PetsPool] [data-testid=authorizer-row-issuer]').dataset.issuer").await,
            issuer.as_str()
        );
        for part in [
            pool_id.as_str(),
            web.as_str(),
            "GET /parcels",
            "$default",
            "JWT",
        ] {
            assert!(row.contains(part), "{part} in {row}");
        }
        // Still used: delete is refused with the routes that use it.
        let row_css = "[data-testid=authorizer-row][data-authorizer-name=PetsPool]";
        w.click(&format!("{row_css} [data-testid=authorizer-delete]"))
            .await;
        let error = w.text("[data-testid=error]").await;
        assert!(error.contains("is still used by"), "{error}");
        w.axe("error bar: authorizer still used").await;
        w.click("#error-dismiss").await;
        // Edit: the issuer stays, the audience gains the mobile client.
        let mobile = seed["pools"]["PetsPool"]["clients"]["mobile"]
            .as_str()
            .unwrap()
            .to_string();
        w.click(&format!("{row_css} [data-testid=authorizer-edit]"))
            .await;
        w.wait_value("[data-testid=authorizer-issuer]", &issuer)
            .await;
        w.wait_js(&format!("return document.querySelector(\"[data-testid=client-item][data-client-id='{web}'] input\")?.checked === true"), 10).await;
        w.click(&format!(
            "[data-testid=client-item][data-client-id='{mobile}'] input"
        ))
        .await;
        w.click("[data-testid=authorizer-submit]").await;
        w.wait_js(
            "return !document.getElementById('authorizer-dialog').open",
            20,
        )
        .await;
        let state = sandbox.http_state(&api_id);
        let a = &state["authorizers"][0];
        let mut audience: Vec<String> =
            serde_json::from_value(a["JwtConfiguration"]["Audience"].clone()).unwrap();
        audience.sort();
        let mut both = vec![web.clone(), mobile.clone()];
        both.sort();
        assert_eq!(audience, both);
        assert_eq!(a["JwtConfiguration"]["Issuer"], issuer.as_str());
        w.wait_js(&format!("return document.querySelector('{row_css} [data-testid=authorizer-row-audience]')?.textContent.includes('{mobile}')"), 20).await;
        shot(&w, "http-authorizers").await;
        w.axe("HTTP API Authorizers").await;

        // History: the apply is live on the auto-deploy stage; Undo opens both routes again.
        w.click("#tab-history").await;
        assert_eq!(
            w.text("[data-testid=history-item] [data-testid=history-deployed]")
                .await,
            "live on $default (auto-deploy)"
        );
        shot(&w, "http-history").await;
        w.axe("HTTP API History").await;
        w.click("[data-testid=history-item] [data-testid=undo]")
            .await;
        w.wait_js(
            "return document.querySelectorAll('#preview-rows [data-testid=preview-row]').length === 2",
            20,
        )
        .await;
        w.click("[data-testid=apply]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 2", 30).await;
        w.click("#preview-close").await;
        w.click("#tab-review").await;
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-protection=NONE]').length === 6", 30).await;
        let state = sandbox.http_state(&api_id);
        for (key, r) in state["routes"].as_object().unwrap() {
            assert_eq!(r["AuthorizationType"], "NONE", "{key} open again");
        }
        eprintln!("window_http: {:.1} s", started.elapsed().as_secs_f64());
        w.close().await;
    });
}
