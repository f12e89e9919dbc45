//! Keychain profiles in the real window: add one, use it, restart, delete it — and the secret is
//! found nowhere but the keychain.

use crate::common;

use common::window::{run, AppHome, Window};
use common::{files_containing, Sandbox};
use std::process::Command;

const SECRET: &str = "kEyChAiN/SeCrEt+window-test-0123456789";
const TOKEN: &str = "SeSsIoN-ToKeN-window-test-9876543210";

fn secret_tool(name: &str) -> bool {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "gatehouse", "username", name])
        .output()
        .unwrap();
    out.status.success() && String::from_utf8_lossy(&out.stdout).contains(SECRET)
}

#[test]
fn add_use_restart_and_delete_a_keychain_profile_without_leaking_its_secret() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        // No credentials in the environment, no AWS files: only what the user adds.
        let mut env = home.env();
        // GLib's debug messages make the app's stderr busy, so the capture is checked for real.
        env.push(("G_MESSAGES_DEBUG".into(), "all".into()));
        let name = format!("sandbox-{}", std::process::id());
        let w = Window::open(&env).await;
        w.click("[data-testid=profiles-open]").await;

        // Bad input first: messages beside the fields, nothing stored.
        w.type_into("[data-testid=profile-name]", &name).await;
        w.type_into("[data-testid=access-key-id]", "AKIA-short")
            .await;
        w.type_into("[data-testid=endpoint-url]", "localhost:4566")
            .await;
        w.click("[data-testid=profile-save]").await;
        w.wait_js("return [...document.querySelectorAll('#profile-form .field-error')].filter(p => p.textContent).length === 3", 10).await;
        let errors = w.text("#profile-form").await;
        assert!(errors.contains("16 to 128"), "{errors}");
        assert!(errors.contains("secret access key is empty"), "{errors}");
        assert!(errors.contains("http:// or https://"), "{errors}");
        assert!(!secret_tool(&name));

        w.js("for (const id of ['pf-key','pf-endpoint']) document.getElementById(id).value = ''; return true").await;
        w.type_into("[data-testid=access-key-id]", "AKIAIOSFODNN7WXYZ")
            .await;
        w.type_into("[data-testid=secret-access-key]", SECRET).await;
        w.type_into("[data-testid=session-token]", TOKEN).await;
        w.type_into("[data-testid=profile-region]", "us-east-1")
            .await;
        w.type_into("[data-testid=endpoint-url]", &sandbox.url)
            .await;
        w.click("[data-testid=profile-save]").await;
        let row =
            format!("[data-testid=profile-row][data-profile-name='{name}'][data-source=keychain]");
        w.find(&row).await;
        assert!(secret_tool(&name), "secret-tool finds the item");
        let shown = w.text(&row).await;
        assert!(shown.contains("AKIA…WXYZ"), "masked key shown: {shown}");
        assert_eq!(
            w.js("return document.getElementById('pf-secret').value")
                .await,
            ""
        );
        w.click(&format!("{row} [data-testid=profile-test]")).await;
        w.wait_js(
            &format!(
                "return document.querySelector(\"{row}\").textContent.includes('123456789012')"
            ),
            20,
        )
        .await;
        w.screenshot("profiles").await;
        w.axe("Profiles with the form").await;

        // Pick it in the top bar and review SecurePets with it.
        w.select("[data-testid=profile-select]", &format!("keychain:{name}"))
            .await;
        w.wait_js("return document.querySelector('[data-testid=identity]').textContent.includes('123456789012')", 20).await;
        w.click("#tab-review").await;
        w.open_api("SecurePets", 4).await;
        let dom = w.client.source().await.unwrap();
        assert!(
            !dom.contains(SECRET) && !dom.contains(TOKEN),
            "the secret is not in the page"
        );
        w.close().await;

        // Restart: the profile is still there, and still works.
        let w = Window::open(&env).await;
        w.wait_js(&format!("return [...document.querySelectorAll('[data-testid=profile-select] option')].some(o => o.value === 'keychain:{name}')"), 20).await;
        w.wait_js("return document.querySelector('[data-testid=identity]').textContent.includes('123456789012')", 20).await;
        w.click("[data-testid=profiles-open]").await;
        w.click(&format!("{row} [data-testid=profile-delete]"))
            .await;
        w.wait_js(&format!("return !document.querySelector(\"{row}\")"), 20)
            .await;
        assert!(!secret_tool(&name), "deleted from the keychain");
        let dom = w.client.source().await.unwrap();
        let output = w.output.clone();
        w.close().await;

        // Nowhere but the keychain: not in the app's folders, its output, or the page.
        for secret in [SECRET, TOKEN] {
            assert!(!dom.contains(secret));
            assert_eq!(
                files_containing(home.path(), secret),
                Vec::<String>::new(),
                "in the app's folders"
            );
            let printed = std::fs::read_to_string(&output).expect("the app's output was captured");
            assert!(!printed.contains(secret), "in the app's output");
        }
        assert!(
            files_containing(home.path(), "AKIAIOSFODNN7WXYZ").is_empty(),
            "the full key ID is not on disk either"
        );
    });
}

#[test]
fn switch_between_an_aws_file_profile_and_keychain_profiles_and_regions() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        // An AWS-file profile whose endpoint_url points at the sandbox (aws-config reads it).
        let aws = home.path().join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        std::fs::write(
            aws.join("config"),
            format!(
                "[profile team]\nregion = eu-west-1\nendpoint_url = {}\n",
                sandbox.url
            ),
        )
        .unwrap();
        std::fs::write(
            aws.join("credentials"),
            "[team]\naws_access_key_id = AKIAFILEPROFILE00001\naws_secret_access_key = file-secret\n",
        )
        .unwrap();
        let suffix = std::process::id();
        let (one, two) = (format!("kc-one-{suffix}"), format!("kc-two-{suffix}"));
        let w = Window::open(&home.env()).await;
        // The file profile is picked first; it starts in its own region, where there are no APIs.
        w.wait_value("[data-testid=profile-select]", "file:team")
            .await;
        w.wait_value("[data-testid=region-select]", "eu-west-1")
            .await;
        w.wait_no_apis().await;
        w.axe("API list, no APIs in the region").await;
        w.select("[data-testid=region-select]", "us-east-1").await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;

        // Two keychain profiles, one per region.
        w.click("[data-testid=profiles-open]").await;
        for (name, region) in [(&one, "us-east-1"), (&two, "us-west-2")] {
            w.type_into("[data-testid=profile-name]", name).await;
            w.type_into("[data-testid=access-key-id]", "AKIAKEYCHAINPROF0001")
                .await;
            w.type_into("[data-testid=secret-access-key]", SECRET).await;
            w.type_into("[data-testid=profile-region]", region).await;
            w.type_into("[data-testid=endpoint-url]", &sandbox.url)
                .await;
            w.click("[data-testid=profile-save]").await;
            w.find(&format!(
                "[data-testid=profile-row][data-profile-name='{name}'][data-source=keychain]"
            ))
            .await;
        }
        let sources = w.js("return [...document.querySelectorAll('[data-testid=profile-row]')].map(r => r.dataset.source + ':' + r.dataset.profileName)").await;
        assert_eq!(
            sources,
            serde_json::json!([
                "file:team",
                format!("keychain:{one}"),
                format!("keychain:{two}")
            ])
        );
        w.click("#tab-review").await;

        // Each switch reloads everything for that profile and its region.
        w.select("[data-testid=profile-select]", &format!("keychain:{two}"))
            .await;
        w.wait_value("[data-testid=region-select]", "us-west-2")
            .await;
        w.wait_no_apis().await;
        w.select("[data-testid=profile-select]", &format!("keychain:{one}"))
            .await;
        w.wait_value("[data-testid=region-select]", "us-east-1")
            .await;
        w.open_api("SecurePets", 4).await;
        w.select("[data-testid=profile-select]", "file:team").await;
        w.wait_value("[data-testid=region-select]", "eu-west-1")
            .await;
        w.wait_no_apis().await;
        assert_eq!(
            w.count_visible("[data-testid=method-row]").await,
            0,
            "nothing of the other profile stays"
        );

        w.click("[data-testid=profiles-open]").await;
        for name in [&one, &two] {
            w.click(&format!("[data-testid=profile-row][data-profile-name='{name}'] [data-testid=profile-delete]")).await;
            w.wait_js(&format!("return !document.querySelector(\"[data-testid=profile-row][data-profile-name='{name}']\")"), 20).await;
        }
        w.close().await;
        assert!(files_containing(home.path(), SECRET).is_empty());
    });
}
