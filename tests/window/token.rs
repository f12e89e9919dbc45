//! The token check in the real window: sign in as a pool user, see every method's verdict in the
//! review table, switch to the access token, a wrong password, a tampered token, AWS's own
//! authorizer test, another API — and the password and tokens are found nowhere on disk.

use crate::common;

use common::cli::{protect_pets, SCENARIO};
use common::window::{run, sandbox_env, AppHome, Window};
use common::{files_containing, Sandbox};
use serde_json::{json, Value};

const PASSWORD: &str = "Gatehouse-demo-1";
const WRONG_PASSWORD: &str = "Not-the-password-9";

/// Every row's verdict, as "VERB /path" → verdict (rows without one are left out).
async fn verdicts(w: &Window) -> Value {
    w.js("return Object.fromEntries([...document.querySelectorAll('[data-testid=method-row][data-verdict]')].map(r => [r.dataset.verb + ' ' + r.dataset.path, r.dataset.verdict]))").await
}

/// Waits until the rows carry exactly these verdicts.
async fn wait_verdicts(w: &Window, want: &Value) {
    let expected = serde_json::to_string(&want.to_string()).unwrap();
    w.wait_js(
        &format!(
            "const got = Object.fromEntries([...document.querySelectorAll('[data-testid=method-row][data-verdict]')].map(r => [r.dataset.verb + ' ' + r.dataset.path, r.dataset.verdict])); \
             const want = JSON.parse({expected}); \
             return Object.keys(want).length === Object.keys(got).length && Object.entries(want).every(([k, v]) => got[k] === v)"
        ),
        30,
    )
    .await;
}

/// A screenshot once the page has painted what the test just saw (WebKit's snapshot can lag a
/// frame behind the DOM).
async fn shot(w: &Window, name: &str) {
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    w.screenshot(name).await;
}

/// The token with one character of its signature changed (not the last one, whose spare bits
/// may decode to the same bytes).
fn tampered(token: &str) -> String {
    let dot = token.rfind('.').unwrap();
    let at = dot + 1 + (token.len() - dot - 1) / 2;
    let old = token.as_bytes()[at];
    let new = if old == b'A' { 'B' } else { 'A' };
    format!("{}{}{}", &token[..at], new, &token[at + 1..])
}

#[test]
fn sign_in_check_every_method_test_in_aws_and_leave_no_trace() {
    run(|| async {
        let started = std::time::Instant::now();
        let sandbox = Sandbox::start();
        let (seed, api_id) = sandbox.seed_pets();
        let pets = &seed["pools"]["PetsPool"];
        let pool_id = pets["id"].as_str().unwrap().to_string();
        let web = pets["clients"]["web"].as_str().unwrap().to_string();

        // SecurePets protected with PetsPool from the command line, deployed to prod.
        let cli_home = tempfile::tempdir().unwrap();
        let p = protect_pets(
            &sandbox,
            cli_home.path(),
            &["--methods", SCENARIO, "--deploy", "prod"],
        );
        assert_eq!(p.status, 0, "{}", p.stderr);

        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.open_api("SecurePets", 4).await;
        w.wait_js("return document.querySelectorAll('[data-testid=method-row][data-protection=COGNITO_USER_POOLS]').length === 3", 20).await;
        assert_eq!(
            w.count_visible("#token-col").await,
            0,
            "no Token column before a check"
        );

        // Open the panel; the sign-in form starts on the region and pool of the API's authorizer.
        w.click("[data-testid=token-toggle]").await;
        w.find("[data-testid=token-panel]").await;
        w.wait_value("[data-testid=token-region]", "eu-west-1")
            .await;
        w.select("[data-testid=token-region]", "eu-west-1").await;
        w.wait_js(&format!("return [...document.querySelectorAll('[data-testid=token-pool] option')].some(o => o.value === '{pool_id}')"), 20).await;
        w.wait_value("[data-testid=token-pool]", &pool_id).await;
        w.select("[data-testid=token-pool]", &pool_id).await;
        w.wait_js(&format!("return [...document.querySelectorAll('[data-testid=token-client] option')].some(o => o.value === '{web}')"), 20).await;
        w.select("[data-testid=token-client]", &web).await;
        w.type_into("[data-testid=token-username]", "alice").await;
        w.type_into("[data-testid=token-password]", PASSWORD).await;
        w.click("[data-testid=token-signin]").await;

        // Every method judged in the table itself; the ID token is chosen; the password is gone.
        wait_verdicts(&w, &json!({"GET /pets": "allow", "PURCHASE /pets": "allow", "POST /purchase": "allow", "OPTIONS /pets": "open"})).await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=token-password]').value")
                .await,
            json!("")
        );
        assert_eq!(
            w.js("return document.querySelector('[data-testid=token-use-id]').checked")
                .await,
            json!(true)
        );
        let signature = w.find("[data-testid=token-signature]").await;
        assert_eq!(
            signature.attr("data-signature").await.unwrap().as_deref(),
            Some("valid")
        );
        assert_eq!(signature.text().await.unwrap(), "Signature valid");
        assert_eq!(
            w.text("[data-testid=token-summary]").await,
            "Allowed on 3 of 4 methods · refused on 0 · open 1"
        );
        let decoded = w.text("[data-testid=token-decoded]").await;
        for part in [
            "ID token",
            "PetsPool",
            &pool_id,
            "eu-west-1",
            "web",
            &web,
            "alice",
            "expires in",
        ] {
            assert!(
                decoded.contains(part),
                "decoded token shows {part}: {decoded}"
            );
        }
        assert_eq!(
            w.count_visible("#token-col").await,
            1,
            "the Token column is shown"
        );
        let badges = w.js("return [...document.querySelectorAll('[data-testid=method-row] [data-testid=token-verdict]')].map(b => b.textContent).sort()").await;
        assert_eq!(badges, json!(["Allowed", "Allowed", "Allowed", "Open"]));
        let id_token = w
            .js("return document.querySelector('[data-testid=token-input]').value")
            .await
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(id_token.split('.').count(), 3, "a JWT in the box");
        let curl = w
            .js("return document.querySelector('[data-testid=token-curl]').textContent")
            .await
            .as_str()
            .unwrap()
            .to_string();
        // The line holds no token: run, it reads one with echo off and hands it to curl on stdin.
        assert_eq!(curl, format!("read -rs TOKEN && printf 'Authorization: %s\\n' \"$TOKEN\" | curl -H @- 'https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/pets'"));
        assert!(!curl.contains(&id_token));

        // Light and dark, for the record.
        w.click("#theme").await;
        w.wait_js(
            "return document.documentElement.dataset.theme === 'light'",
            5,
        )
        .await;
        shot(&w, "token-allowed").await;
        w.axe("the token panel, allowed").await;

        // The access token: refused where the methods want an ID token, and the reason says so.
        w.click("[data-testid=token-use-access]").await;
        wait_verdicts(&w, &json!({"GET /pets": "deny", "PURCHASE /pets": "deny", "POST /purchase": "deny", "OPTIONS /pets": "open"})).await;
        let access_token = w
            .js("return document.querySelector('[data-testid=token-input]').value")
            .await
            .as_str()
            .unwrap()
            .to_string();
        assert_ne!(access_token, id_token);
        let reason = w
            .text("[data-testid=method-row][data-verb=GET] td.verdict")
            .await;
        assert!(reason.contains("ID token"), "{reason}");
        // The README's picture (light), and the same in dark.
        shot(&w, "token-panel").await;
        w.axe("the token panel, refused").await;
        w.click("#theme").await;
        w.wait_js(
            "return document.documentElement.dataset.theme === 'dark'",
            5,
        )
        .await;
        shot(&w, "token-panel-dark").await;
        assert!(w
            .text("[data-testid=token-decoded]")
            .await
            .contains("Access token"));

        // A wrong password: AWS's code and message in the panel, the password field emptied. The
        // sign-in form folded away for the result; it opens again with a click.
        assert!(w
            .text("[data-testid=token-signed-in]")
            .await
            .contains("signed in as alice (PetsPool, web)"));
        w.click("#token-signin-box > summary").await;
        w.type_into("[data-testid=token-password]", WRONG_PASSWORD)
            .await;
        w.click("[data-testid=token-signin]").await;
        w.wait_js("const e = document.querySelector('[data-testid=token-error]'); return !e.hidden && e.textContent.includes('NotAuthorizedException')", 20).await;
        let error = w.text("[data-testid=token-error]").await;
        assert!(error.contains("Incorrect username or password"), "{error}");
        shot(&w, "token-error-dark").await;
        w.axe("the token panel, sign-in refused").await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=token-password]').value")
                .await,
            json!("")
        );

        // Text that is no token: said in the panel, and no verdict is left standing.
        let clear_box = "const t = document.querySelector('[data-testid=token-input]'); t.value = ''; t.dispatchEvent(new Event('input')); return true";
        w.js(clear_box).await;
        w.type_into("[data-testid=token-input]", "Bearer not-a-token")
            .await;
        w.click("[data-testid=token-check]").await;
        w.wait_js("const e = document.querySelector('[data-testid=token-error]'); return !e.hidden && e.textContent.length > 0", 20).await;
        eprintln!("bad token: {}", w.text("[data-testid=token-error]").await);
        assert_eq!(verdicts(&w).await, json!({}));
        assert_eq!(w.count_visible("#token-col").await, 0);
        assert_eq!(w.count_visible("[data-testid=token-signature]").await, 0);
        w.axe("the token panel, not a token").await;

        // A tampered ID token, pasted: the signature is invalid and every protected method refuses it.
        let forged = tampered(&id_token);
        w.js(clear_box).await;
        w.type_into("[data-testid=token-input]", &forged).await;
        w.click("[data-testid=token-check]").await;
        w.wait_js("return document.querySelector('[data-testid=token-signature]').dataset.signature === 'invalid'", 20).await;
        wait_verdicts(&w, &json!({"GET /pets": "deny", "PURCHASE /pets": "deny", "POST /purchase": "deny", "OPTIONS /pets": "open"})).await;
        assert_eq!(
            w.text("[data-testid=token-signature]").await,
            "Signature invalid"
        );
        assert_eq!(
            w.count_visible("[data-testid=token-error]").await,
            0,
            "the sign-in's error is gone"
        );
        let checked = w.js("return [...document.querySelectorAll('input[name=token-use]')].filter(r => r.checked).length").await;
        assert_eq!(checked, json!(0), "neither kept token is in the box");

        // Back to the ID token, then AWS's own authorizer test on GET /pets: 200.
        w.click("[data-testid=token-use-id]").await;
        wait_verdicts(&w, &json!({"GET /pets": "allow", "PURCHASE /pets": "allow", "POST /purchase": "allow", "OPTIONS /pets": "open"})).await;
        w.select("[data-testid=token-aws-method]", "GET /pets")
            .await;
        w.click("[data-testid=token-test-aws]").await;
        w.wait_js("return document.querySelector('[data-testid=token-aws-result]').dataset.clientStatus === '200'", 30).await;
        let aws = w.text("[data-testid=token-aws-result]").await;
        assert!(aws.contains("AWS answered 200"), "{aws}");
        assert!(aws.contains("they agree"), "{aws}");
        assert!(aws.contains("Allowed"), "{aws}");
        // Copy puts the line, still without the token, in the clipboard (or says why it could not).
        w.click("[data-testid=token-curl-copy]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=token-curl-status]').textContent !== ''",
            10,
        )
        .await;
        let copied = w.text("[data-testid=token-curl-status]").await;
        eprintln!("copy: {copied}");
        shot(&w, "token-aws").await;
        w.axe("the token panel, AWS's test").await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=token-curl]').textContent")
                .await,
            json!(curl),
            "the shown line is the one copied"
        );
        assert!(
            copied.starts_with("Copied. Run it, then paste the token")
                || copied.starts_with("Could not copy"),
            "{copied}"
        );

        // Neither the tokens nor the password are in the page's markup (attributes, text).
        let dom = w.client.source().await.unwrap();
        for secret in [PASSWORD, WRONG_PASSWORD, &id_token, &access_token, &forged] {
            assert!(!dom.contains(secret), "a secret is in the page's markup");
        }

        // Another API: the box is empty, the verdicts and the kept tokens are gone.
        w.open_api("PetsAdmin", 4).await;
        // The sign-in form moves to the pool PetsAdmin's authorizer trusts.
        let admin_pool = seed["pools"]["AdminPool"]["id"].as_str().unwrap();
        w.wait_value("[data-testid=token-region]", "eu-west-1")
            .await;
        w.wait_value("[data-testid=token-pool]", admin_pool).await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=token-input]').value")
                .await,
            json!("")
        );
        assert_eq!(verdicts(&w).await, json!({}));
        assert_eq!(w.count_visible("#token-col").await, 0);
        assert_eq!(w.count_visible("#token-use-switch").await, 0);
        assert_eq!(
            w.js("return document.querySelector('[data-testid=token-username]').value")
                .await,
            json!("")
        );
        shot(&w, "token-panel-cleared").await;
        let output = w.output.clone();
        w.close().await;

        // Nothing written: not in the app's config, data, cache or AWS folders, nor in its output.
        let printed = std::fs::read_to_string(&output).expect("the app's output was captured");
        for (what, secret) in [
            ("password", PASSWORD),
            ("wrong password", WRONG_PASSWORD),
            ("ID token", id_token.as_str()),
            ("access token", access_token.as_str()),
            ("tampered token", forged.as_str()),
        ] {
            assert_eq!(
                files_containing(home.path(), secret),
                Vec::<String>::new(),
                "the {what} is in the app's folders"
            );
            assert!(
                !printed.contains(secret),
                "the {what} is in the app's output"
            );
            // The token's signature alone would do as much harm in a log.
            if let Some(sig) = secret.rsplit('.').next().filter(|s| s.len() > 40) {
                assert_eq!(
                    files_containing(home.path(), sig),
                    Vec::<String>::new(),
                    "the {what}'s signature is in the app's folders"
                );
            }
        }
        eprintln!("window_token: {:.1} s", started.elapsed().as_secs_f64());
    });
}
