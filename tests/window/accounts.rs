//! Every account of an SSO sign-in, in the window: the picker lists the accounts and roles the
//! signed-in profile reaches ("Team02 (200000000002) · ReadOnly"), usable like any profile; the
//! Sweep tab ticks every account with a role preference and sweeps them, each row under its
//! account and name.

use crate::common;

use common::window::{run, AppHome, Window, ENV_CREDENTIALS};
use common::Sandbox;
use serde_json::Value;

const START_URL: &str = "https://corp.awsapps.com/start";

#[test]
fn the_accounts_of_a_sign_in_are_in_the_picker_and_swept_with_a_role_preference() {
    run(|| async {
        let sandbox = Sandbox::start();
        let seeded = sandbox.seed_sso_accounts(5, &["ReadOnly", "Admin"]);
        let accounts: Vec<Value> = seeded["accounts"].as_array().unwrap().clone();
        let home = AppHome::new();
        let aws = home.path().join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        std::fs::write(
            aws.join("config"),
            format!(
                "[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\
                 sso_registration_scopes = sso:account:access\n\n\
                 [profile corp]\nsso_session = corp\nsso_account_id = {}\n\
                 sso_role_name = ReadOnly\nregion = us-east-1\n",
                accounts[0]["accountId"].as_str().unwrap()
            ),
        )
        .unwrap();
        sandbox.sso_login(home.path(), START_URL, Some("corp"), "alice");
        let mut env = home.env();
        env.extend([
            ("AWS_ENDPOINT_URL".to_string(), sandbox.url.clone()),
            ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ]);
        let w = Window::open_without(&env, &ENV_CREDENTIALS).await;

        // The picker: every account and role under the sign-in, in a group of its own.
        w.wait_js("return document.querySelectorAll('[data-testid=profile-select] optgroup[data-testid=profile-accounts] option').length === 9", 30).await;
        let second = &accounts[1];
        let id = second["accountId"].as_str().unwrap();
        let value = format!("sso:corp/{id}/ReadOnly");
        let label = w
            .js(&format!("return document.querySelector('[data-testid=profile-select] option[value=\"{value}\"]').textContent"))
            .await;
        assert_eq!(
            label,
            format!(
                "{} ({id}) · ReadOnly",
                second["accountName"].as_str().unwrap()
            )
            .as_str()
        );
        // Chosen like any profile: its account's API, under its account.
        w.select("[data-testid=profile-select]", &value).await;
        w.wait_js(&format!("return document.querySelector('[data-testid=identity]').textContent.includes('{id}')"), 30).await;
        w.wait_js(&format!("return [...document.querySelectorAll('[data-testid=api-item]')].some(i => i.textContent.includes('Api-{id}'))"), 30).await;
        w.screenshot("accounts-picker").await;

        // The Sweep tab: every account of corp, ReadOnly first, then Admin (account 3 has only
        // Admin); rows arrive under each account's id and name.
        w.click("#tab-sweep").await;
        w.find("[data-testid=sweep-every]").await;
        w.js("document.querySelector('[data-testid=sweep-every-roles]').value = 'ReadOnly, Admin'; return true").await;
        w.click("[data-testid=sweep-every-tick]").await;
        assert_eq!(
            w.text("[data-testid=sweep-every-note]").await,
            "5 accounts ticked."
        );
        let ticked = w.js("return [...document.querySelectorAll('[data-testid=sweep-profile]:checked')].map(b => b.value).sort()").await;
        let mut want: Vec<String> = accounts
            .iter()
            .map(|a| {
                let role = if a["roles"] == serde_json::json!(["Admin"]) {
                    "Admin"
                } else {
                    "ReadOnly"
                };
                format!("sso:corp/{}/{role}", a["accountId"].as_str().unwrap())
            })
            .collect();
        // The profile corp itself is ticked by default (it is a profile of the files).
        want.push("file:corp".into());
        want.sort();
        assert_eq!(ticked, serde_json::json!(want));
        // Only the region the APIs are in, for a short sweep.
        w.click("[data-testid=sweep-regions-chosen]").await;
        w.js("for (const b of document.querySelectorAll('#sweep-regions input')) b.checked = b.value === 'us-east-1'; \
              document.getElementById('sweep-regions').dispatchEvent(new Event('change', {bubbles: true})); return true").await;
        // Team04 loses ReadOnly after the list was read: its credentials are refused.
        let mut assignments = sandbox.read("/_sandbox/sso/config")["assignments"].clone();
        let fourth = accounts[3]["accountId"].as_str().unwrap().to_string();
        assignments[&fourth]["roles"] = serde_json::json!(["Admin"]);
        sandbox.sso_config(serde_json::json!({ "assignments": assignments }));
        w.click("[data-testid=sweep-start]").await;
        // Four accounts read (file:corp is account 1 again, swept once), Team04 refused.
        w.wait_js(
            "return document.querySelectorAll('[data-testid=sweep-row]').length === 4 && \
             document.querySelector('[data-testid=sweep-status]').dataset.state === 'done'",
            60,
        )
        .await;
        // The progress list: one line each, the refused account first with why.
        let lines = w.js("return [...document.querySelectorAll('[data-testid=sweep-progress]')].map(p => [p.dataset.profile, p.dataset.state ?? '', p.textContent])").await;
        let lines = lines.as_array().unwrap();
        assert_eq!(lines.len(), 6, "{lines:?}");
        assert_eq!(lines[0][0], format!("sso:corp/{fourth}/ReadOnly").as_str());
        assert_eq!(lines[0][1], "failed");
        let why = lines[0][2].as_str().unwrap();
        assert!(
            why.contains("not read")
                && !why.contains("regions")
                && why.contains("could not be read: ForbiddenException")
                && why.contains("No access"),
            "{why}"
        );
        assert_eq!(
            w.text("[data-testid=sweep-progress-summary]").await,
            "4 of 5 profiles and accounts swept · 1 could not be read · 1 the same account as \
             another, swept once"
        );
        // Its error row names the account once, by its name.
        let error = w
            .text(&format!(
                "[data-testid=sweep-error][data-profile='sso:corp/{fourth}/ReadOnly']"
            ))
            .await;
        let team04 = accounts[3]["accountName"].as_str().unwrap();
        assert!(
            error.starts_with(&format!("{team04} ({fourth}) · ReadOnly · every region:"))
                && error.contains("ForbiddenException"),
            "{error}"
        );
        let rows = w.js("return [...document.querySelectorAll('[data-testid=sweep-row]')].map(r => [r.dataset.account, r.textContent])").await;
        for a in &accounts {
            let id = a["accountId"].as_str().unwrap();
            if id == fourth {
                continue;
            }
            let row = rows
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r[0] == id)
                .unwrap_or_else(|| panic!("{id}: {rows}"));
            assert!(
                row[1].as_str().unwrap().contains(&format!("Api-{id}")),
                "{row}"
            );
        }
        w.screenshots_in_both_themes("accounts-sweep").await;

        // The list is kept until read again: a new account appears, Team04's ReadOnly goes.
        assignments["200000000099"] = serde_json::json!({
            "accountName": "Newcomer", "emailAddress": "new@example.com", "roles": ["ReadOnly"]
        });
        sandbox.sso_config(serde_json::json!({ "assignments": assignments }));
        let option = |id: &str| {
            format!("return !!document.querySelector('[data-testid=profile-select] option[value=\"sso:corp/{id}/ReadOnly\"]')")
        };
        assert_eq!(w.js(&option("200000000099")).await, false);
        w.click("[data-testid=sweep-every-refresh]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=sweep-every-note]').textContent === '6 accounts of corp read just now.'",
            30,
        )
        .await;
        assert_eq!(w.js(&option("200000000099")).await, true);
        assert_eq!(w.js(&option(&fourth)).await, false);
        w.close().await;
    });
}
