//! A role guarded by an MFA device in the real window, against the sandbox's STS: choosing the
//! profile asks for the one-time code in a dialog that names the device; Escape leaves the plain
//! error with a way back to the dialog; a wrong code is refused in the dialog, which asks again;
//! the right one assumes the role (AssumeRole with the device's serial and the code) and loads the
//! profile's identity and APIs. The code does not stay in the page.

use crate::common;

use common::window::{run, AppHome, Window, ENV_CREDENTIALS};
use common::Sandbox;
use std::path::Path;
use std::time::Instant;

const ROLE: &str = "arn:aws:iam::123456789012:role/guarded";
const DEVICE: &str = "arn:aws:iam::123456789012:mfa/alice";
const ACCOUNT: &str = "123456789012";

/// `default` (keys in the credentials file) and `guarded`, its role behind an MFA device.
fn write_aws_files(home: &Path) {
    let aws = home.join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[default]\nregion = us-east-1\n\n\
             [profile guarded]\nrole_arn = {ROLE}\nsource_profile = default\n\
             mfa_serial = {DEVICE}\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
}

async fn wait_dialog(w: &Window, open: bool) {
    let not = if open { "" } else { "!" };
    w.wait_js(
        &format!("return {not}document.querySelector('[data-testid=mfa-dialog]').open"),
        20,
    )
    .await;
}

/// The code input's value, and whether it has the focus.
async fn code_input(w: &Window) -> (String, bool) {
    let v = w
        .js("const i = document.querySelector('[data-testid=mfa-code]'); return [i.value, document.activeElement === i]")
        .await;
    (v[0].as_str().unwrap().to_string(), v[1].as_bool().unwrap())
}

#[test]
fn a_role_guarded_by_mfa_asks_for_the_code_refuses_a_wrong_one_and_loads_with_the_right_one() {
    run(|| async {
        let started = Instant::now();
        let sandbox = Sandbox::start();
        sandbox.seed();
        sandbox.require_mfa(ROLE, "123456");
        let home = AppHome::new();
        write_aws_files(home.path());
        let mut env = home.env();
        env.extend([
            ("AWS_ENDPOINT_URL".to_string(), sandbox.url.clone()),
            ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ]);
        // Credentials only from the profiles: none from the environment the tests run in.
        let w = Window::open_without(&env, &ENV_CREDENTIALS).await;

        // `default` works and asks for nothing.
        w.wait_value("[data-testid=profile-select]", "file:default")
            .await;
        w.wait_js("return document.querySelector('[data-testid=identity]').textContent.includes('123456789012')", 20).await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;
        wait_dialog(&w, false).await;
        assert_eq!(w.count_visible("[data-testid=mfa-open]").await, 0);

        // guarded: the dialog asks for the code, naming the profile, the role and the device.
        w.select("[data-testid=profile-select]", "file:guarded")
            .await;
        wait_dialog(&w, true).await;
        let facts = w.text("[data-testid=mfa-facts]").await;
        for part in ["guarded", ROLE, DEVICE] {
            assert!(facts.contains(part), "{part} in {facts}");
        }
        assert_eq!(w.count_visible("[data-testid=mfa-error]").await, 0);
        let (value, focused) = code_input(&w).await;
        assert!(value.is_empty() && focused, "an empty code input, focused");
        let attrs = w
            .js("const i = document.querySelector('[data-testid=mfa-code]'); return [i.inputMode, i.autocomplete, i.maxLength]")
            .await;
        assert_eq!(attrs, serde_json::json!(["numeric", "one-time-code", 6]));
        assert!(sandbox.assume_role_calls().is_empty(), "nothing sent yet");
        w.screenshots_in_both_themes("mfa-dialog").await;
        w.axe("the MFA dialog").await;

        // Escape: the plain error stays, with the way back to the dialog.
        w.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&fantoccini::key::Key::Escape.to_string())
            .await
            .unwrap();
        wait_dialog(&w, false).await;
        let error = w.text("[data-testid=error]").await;
        assert!(
            error.contains("MFA code needed") && error.contains(DEVICE),
            "{error}"
        );
        w.axe("error bar: MFA code needed").await;
        w.click("[data-testid=mfa-open]").await;
        wait_dialog(&w, true).await;

        // Not 6 digits: refused before anything is sent.
        w.type_into("[data-testid=mfa-code]", "12ab").await;
        w.click("[data-testid=mfa-submit]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=mfa-error]').textContent.includes('6 digits')",
            20,
        )
        .await;
        assert!(sandbox.assume_role_calls().is_empty(), "nothing sent");
        w.axe("the MFA dialog, not 6 digits").await;

        // A wrong code: STS refuses it, and the dialog says so and asks again, the input cleared.
        w.type_into("[data-testid=mfa-code]", "654321").await;
        w.click("[data-testid=mfa-submit]").await;
        w.wait_js(
            "const e = document.querySelector('[data-testid=mfa-error]'); return document.querySelector('[data-testid=mfa-dialog]').open && !!e && !e.hidden",
            20,
        )
        .await;
        let refusal = w.text("[data-testid=mfa-error]").await;
        assert!(
            refusal.contains("AccessDenied") && refusal.contains("MFA"),
            "{refusal}"
        );
        let (value, focused) = code_input(&w).await;
        assert!(value.is_empty() && focused, "the input cleared, focused");
        let calls = sandbox.assume_role_calls();
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(calls[0]["TokenCode"], "654321");
        w.screenshots_in_both_themes("mfa-refused").await;
        w.axe("the MFA dialog, code refused").await;

        // The right code: the role is assumed, its identity and the APIs load.
        w.type_into("[data-testid=mfa-code]", "123456").await;
        w.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&fantoccini::key::Key::Enter.to_string())
            .await
            .unwrap();
        wait_dialog(&w, false).await;
        w.wait_js(
            "return document.querySelector('[data-testid=identity]').textContent.includes('assumed-role/guarded/gatehouse')",
            20,
        )
        .await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;
        assert!(
            w.js("return document.querySelector('[data-testid=error]').hidden")
                .await
                .as_bool()
                .unwrap(),
            "no error left"
        );
        let calls = sandbox.assume_role_calls();
        let last = calls.last().unwrap();
        assert_eq!(last["RoleArn"], ROLE);
        assert_eq!(last["SerialNumber"], DEVICE);
        assert_eq!(last["TokenCode"], "123456");

        // Neither code stays in the page (the account id starts with the right one's digits).
        let (value, _) = code_input(&w).await;
        assert!(value.is_empty());
        let dom = w.client.source().await.unwrap().replace(ACCOUNT, "");
        for code in ["654321", "123456"] {
            assert!(!dom.contains(code), "{code} in the page");
        }
        w.close().await;
        eprintln!("window_mfa: {:.1}s", started.elapsed().as_secs_f64());
    });
}

/// Started with AWS_PROFILE=guarded: the window opens on that profile and asks for its code at
/// once; with it, the role is assumed once, and another region needs neither a code nor a second
/// AssumeRole.
#[test]
fn aws_profile_names_the_guarded_profile_and_one_code_serves_every_region() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        sandbox.require_mfa(ROLE, "123456");
        let home = AppHome::new();
        write_aws_files(home.path());
        let mut env = home.env();
        env.extend([
            ("AWS_ENDPOINT_URL".to_string(), sandbox.url.clone()),
            ("AWS_REGION".to_string(), "us-east-1".to_string()),
            ("AWS_PROFILE".to_string(), "guarded".to_string()),
        ]);
        let keys: Vec<&str> = ENV_CREDENTIALS
            .into_iter()
            .filter(|v| *v != "AWS_PROFILE")
            .collect();
        let w = Window::open_without(&env, &keys).await;

        w.wait_value("[data-testid=profile-select]", "file:guarded")
            .await;
        wait_dialog(&w, true).await;
        let facts = w.text("[data-testid=mfa-facts]").await;
        assert!(facts.contains(DEVICE), "{facts}");
        w.type_into("[data-testid=mfa-code]", "123456").await;
        w.click("[data-testid=mfa-submit]").await;
        wait_dialog(&w, false).await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;

        w.select("[data-testid=region-select]", "us-west-2").await;
        w.wait_no_apis().await;
        w.wait_js(
            "return document.querySelector('[data-testid=identity]').textContent.includes('assumed-role/guarded/gatehouse')",
            20,
        )
        .await;
        assert!(
            !w.js("return document.querySelector('[data-testid=mfa-dialog]').open")
                .await
                .as_bool()
                .unwrap(),
            "no second code asked for"
        );
        let calls: Vec<_> = sandbox
            .assume_role_calls()
            .into_iter()
            .filter(|c| c["RoleArn"] == ROLE)
            .collect();
        assert_eq!(calls.len(), 1, "one AssumeRole for both regions: {calls:?}");
        w.close().await;
    });
}
