//! IAM Identity Center (SSO) sign-in in the real window, against the sandbox's SSO OIDC and portal:
//! an SSO profile that is not signed in says so in the picker and offers "Sign in with SSO" (top
//! bar, error bar); the dialog shows the code the sandbox is waiting for; Cancel and Escape stop
//! the waiting and write nothing; a denial says why and offers Try again; an approval closes the
//! dialog and loads the profile's identity and APIs. The token and the client's secret end up
//! only in the AWS CLI's cache file: not in the page, the app's folders or its output.

use crate::common;

use common::window::{run, AppHome, Window, ENV_CREDENTIALS};
use common::{files_containing, Sandbox};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

const SESSION_FILE: &str = "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"; // sha1("corp")
const START_URL: &str = "https://corp.awsapps.com/start";

/// An AWS config with `default` (keys in the credentials file) and `corp` (SSO, as tests/integration/sso.rs).
fn write_aws_files(home: &Path) {
    let aws = home.join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[default]\nregion = us-east-1\n\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\
             sso_registration_scopes = sso:account:access\n\n\
             [profile corp]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = PetsAdmin\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
}

/// The picker's text for a profile id.
async fn option_text(w: &Window, id: &str) -> String {
    w.js(&format!(
        "return document.querySelector('[data-testid=profile-select] option[value=\"{id}\"]')?.textContent ?? ''"
    ))
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Waits for the dialog's code, and checks it is the one the sandbox has pending.
async fn shown_code(w: &Window, sandbox: &Sandbox) -> String {
    w.wait_js(
        "const c = document.querySelector('[data-testid=sso-user-code]'); return !!c && c.offsetParent !== null && c.textContent",
        20,
    )
    .await;
    let code = w.text("[data-testid=sso-user-code]").await;
    assert_eq!(
        Some(code.clone()),
        sandbox.sso_pending_user_code(),
        "the code to compare is the sandbox's pending one"
    );
    code
}

fn device(sandbox: &Sandbox, code: &str) -> Value {
    sandbox.sso_state()["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["userCode"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no device authorization {code}"))
}

async fn wait_dialog_closed(w: &Window) {
    w.wait_js(
        "return !document.querySelector('[data-testid=sso-dialog]').open",
        20,
    )
    .await;
}

#[test]
fn sign_in_with_sso_cancel_deny_and_approve() {
    run(|| async {
        let started = Instant::now();
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        write_aws_files(home.path());
        let cache = home.path().join(".aws/sso/cache").join(SESSION_FILE);
        let mut env = home.env();
        env.extend([
            ("AWS_ENDPOINT_URL".to_string(), sandbox.url.clone()),
            ("AWS_REGION".to_string(), "us-east-1".to_string()),
            ("GATEHOUSE_NO_BROWSER".to_string(), "1".to_string()),
        ]);
        // Credentials only from the profiles: none from the environment the tests run in.
        let w = Window::open_without(&env, &ENV_CREDENTIALS).await;

        // `default` comes first and works; nothing about SSO is offered for it.
        w.wait_value("[data-testid=profile-select]", "file:default")
            .await;
        w.wait_js("return document.querySelector('[data-testid=identity]').textContent.includes('123456789012')", 20).await;
        assert_eq!(option_text(&w, "file:default").await, "default (AWS files)");
        assert_eq!(
            option_text(&w, "file:corp").await,
            "corp (SSO · not signed in)"
        );
        assert_eq!(w.count_visible("[data-testid=sso-login]").await, 0);

        // corp: the error says it is not signed in, with the sign-in right there (once on screen).
        w.select("[data-testid=profile-select]", "file:corp").await;
        w.wait_js(
            "return !document.querySelector('[data-testid=error]').hidden",
            20,
        )
        .await;
        let error = w.text("[data-testid=error]").await;
        assert!(
            error.contains("No credentials")
                && error.contains("corp: not signed in to IAM Identity Center"),
            "{error}"
        );
        w.find("#error [data-testid=sso-login]").await;
        assert_eq!(w.count_visible("[data-testid=sso-login]").await, 1);
        w.wait_js("return document.querySelector('[data-testid=identity]').textContent === 'Identity unknown'", 20).await;
        w.settled_screenshot("sso-signed-out").await;
        w.axe("error bar: SSO not signed in").await;

        // Dismissed, the error bar's offer moves to the top bar, beside the picker.
        w.click("#error-dismiss").await;
        w.find("header [data-testid=sso-login]").await;

        // 1. Cancel: the dialog closes, the waiting stops, nothing is written.
        w.click("header [data-testid=sso-login]").await;
        let code = shown_code(&w, &sandbox).await;
        let line = w.text("[data-testid=sso-browser-line]").await;
        assert_eq!(
            line, "Open this page to sign in:",
            "GATEHOUSE_NO_BROWSER: no browser was opened"
        );
        let link = w.text("[data-testid=sso-link]").await;
        assert!(link.starts_with(&format!("{START_URL}/#/device")), "{link}");
        let href = w
            .js("return document.querySelector('[data-testid=sso-link]').href")
            .await;
        assert_eq!(href.as_str(), Some(link.as_str()));
        w.click("[data-testid=sso-copy]").await;
        w.wait_js(
            "return document.getElementById('sso-copy-status').textContent",
            10,
        )
        .await;
        eprintln!("copy: {}", w.text("#sso-copy-status").await);
        w.wait_js(
            "return document.querySelector('[data-testid=sso-waiting]').offsetParent !== null",
            5,
        )
        .await;
        w.screenshots_in_both_themes("sso-dialog").await;
        w.axe("the SSO dialog").await;
        // Clicking the link never takes the window away from Gatehouse.
        w.click("[data-testid=sso-link]").await;
        w.wait_js(
            "return location.protocol !== 'https:' && !!document.getElementById('profile')",
            5,
        )
        .await;
        w.click("[data-testid=sso-cancel]").await;
        wait_dialog_closed(&w).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let polls = device(&sandbox, &code)["polls"].clone();
        sandbox.sso_approve(&code, "mallory");
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(
            device(&sandbox, &code)["polls"],
            polls,
            "no more polls after Cancel"
        );
        assert!(!cache.exists(), "nothing written after Cancel");
        assert_eq!(
            option_text(&w, "file:corp").await,
            "corp (SSO · not signed in)"
        );

        // 2. Denied in the browser: the reason, and Try again with a new code.
        w.click("#refresh").await;
        w.find("#error [data-testid=sso-login]").await;
        w.click("#error [data-testid=sso-login]").await;
        let code = shown_code(&w, &sandbox).await;
        sandbox.sso_deny(&code);
        w.find("[data-testid=sso-error]").await;
        let reason = w.text("[data-testid=sso-error]").await;
        assert!(
            reason.contains("the sign-in was denied in the browser"),
            "{reason}"
        );
        assert_eq!(w.count_visible("[data-testid=sso-user-code]").await, 0);
        w.screenshots_in_both_themes("sso-denied").await;
        w.axe("the SSO dialog, denied").await;
        assert!(!cache.exists(), "nothing written after a denial");
        w.click("[data-testid=sso-retry]").await;
        let again = shown_code(&w, &sandbox).await;
        assert_ne!(again, code, "a new code");

        // 3. Escape cancels too.
        w.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&fantoccini::key::Key::Escape.to_string())
            .await
            .unwrap();
        wait_dialog_closed(&w).await;
        assert!(!cache.exists());

        // 4. Approved: the dialog closes, the picker says signed in, and corp's screen loads.
        w.click("#error [data-testid=sso-login]").await;
        let code = shown_code(&w, &sandbox).await;
        sandbox.sso_approve(&code, "alice");
        wait_dialog_closed(&w).await;
        w.wait_js("return document.querySelector('[data-testid=identity]').textContent.includes('AWSReservedSSO_PetsAdmin')", 20).await;
        let identity = w.text("[data-testid=identity]").await;
        assert!(identity.trim_end().ends_with("/alice"), "{identity}");
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;
        w.wait_js("return document.querySelector('[data-testid=profile-select] option[value=\"file:corp\"]').textContent.startsWith('corp (SSO · signed in until ')", 20).await;
        assert_eq!(
            w.js("return document.querySelector('[data-testid=profile-select]').value")
                .await,
            "file:corp"
        );
        assert_eq!(w.count_visible("[data-testid=sso-login]").await, 0);
        assert!(
            w.js("return document.querySelector('[data-testid=error]').hidden")
                .await
                .as_bool()
                .unwrap(),
            "no error left"
        );
        w.open_api("SecurePets", 4).await;
        w.settled_screenshot("sso-signed-in").await;

        // The token and the secrets are in the AWS CLI's cache, and nowhere else of ours.
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
        let dom = w.client.source().await.unwrap();
        let output = w.output.clone();
        w.close().await;
        let printed = std::fs::read_to_string(&output).expect("the app's output was captured");
        assert!(
            home.path().join(".local/share").is_dir(),
            "the app's data folder is there to search"
        );
        for field in ["accessToken", "refreshToken", "clientSecret"] {
            let secret = doc[field]
                .as_str()
                .unwrap_or_else(|| panic!("{field} in {doc}"));
            assert!(!dom.contains(secret), "{field} in the page");
            assert!(!printed.contains(secret), "{field} in the app's output");
            for dir in [".config", ".local/share", ".cache"] {
                let hits = files_containing(&home.path().join(dir), secret);
                assert!(hits.is_empty(), "{field} in {hits:?}");
            }
        }
        eprintln!("window_sso: {:.1}s", started.elapsed().as_secs_f64());
    });
}

/// Started with AWS_PROFILE=corp (no keys in the environment): the picker shows corp selected
/// with its SSO state, no "environment credentials", and the error offers Sign in with SSO; the
/// sign-in goes through. A profile whose sign-in page is http:// shows the page and why it was
/// not opened, without a link.
#[test]
fn aws_profile_starts_on_its_profile_and_an_http_page_is_shown_not_opened() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        write_aws_files(home.path());
        let config = home.path().join(".aws/config");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(
            "\n[profile plain]\nsso_start_url = http://plain.example.com/start\n\
             sso_region = us-east-1\nsso_account_id = 123456789012\n\
             sso_role_name = PetsAdmin\nregion = us-east-1\n",
        );
        std::fs::write(&config, text).unwrap();
        let mut env = home.env();
        env.extend([
            ("AWS_ENDPOINT_URL".to_string(), sandbox.url.clone()),
            ("AWS_REGION".to_string(), "us-east-1".to_string()),
            ("AWS_PROFILE".to_string(), "corp".to_string()),
            ("GATEHOUSE_NO_BROWSER".to_string(), "1".to_string()),
        ]);
        let keys: Vec<&str> = ENV_CREDENTIALS
            .into_iter()
            .filter(|v| *v != "AWS_PROFILE")
            .collect();
        let w = Window::open_without(&env, &keys).await;

        w.wait_value("[data-testid=profile-select]", "file:corp")
            .await;
        assert_eq!(
            option_text(&w, "file:corp").await,
            "corp (SSO · not signed in)"
        );
        assert_eq!(
            w.js("return document.querySelectorAll('[data-testid=profile-select] option[value=env]').length")
                .await,
            0,
            "AWS_PROFILE is not the environment's credentials"
        );
        w.wait_js(
            "return !document.querySelector('[data-testid=error]').hidden",
            20,
        )
        .await;
        let error = w.text("[data-testid=error]").await;
        assert!(
            error.contains("corp: not signed in to IAM Identity Center")
                && !error.contains("an error occurred while loading credentials"),
            "{error}"
        );
        w.click("#error [data-testid=sso-login]").await;
        let code = shown_code(&w, &sandbox).await;
        assert_eq!(
            w.text("[data-testid=sso-browser-line]").await,
            "Open this page to sign in:"
        );
        sandbox.sso_approve(&code, "alice");
        wait_dialog_closed(&w).await;
        w.wait_js("return document.querySelector('[data-testid=identity]').textContent.includes('AWSReservedSSO_PetsAdmin')", 20).await;

        // http://: the page is shown, with why it was not opened, and not as a link.
        w.select("[data-testid=profile-select]", "file:plain").await;
        w.find("#error [data-testid=sso-login]").await;
        w.click("#error [data-testid=sso-login]").await;
        shown_code(&w, &sandbox).await;
        let line = w.text("[data-testid=sso-browser-line]").await;
        assert!(
            line.starts_with("Not opened in your browser: its address is not https://"),
            "{line}"
        );
        let link = w.text("[data-testid=sso-link]").await;
        assert!(
            link.starts_with("http://plain.example.com/start/#/device"),
            "{link}"
        );
        assert_eq!(
            w.js("return document.querySelector('[data-testid=sso-link]').getAttribute('href')")
                .await,
            "about:blank"
        );
        w.settled_screenshot("sso-http-page-not-opened").await;
        w.axe("the SSO dialog, an http:// page").await;
        w.click("[data-testid=sso-cancel]").await;
        wait_dialog_closed(&w).await;
        w.close().await;
    });
}
