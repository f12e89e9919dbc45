//! Every account of an SSO sign-in, in the window: the picker lists the accounts and roles the
//! signed-in profile reaches ("Team02 (200000000002) · ReadOnly"), usable like any profile; the
//! Sweep tab ticks every account with a role preference and sweeps them, each row under its
//! account and name; and every account of an organization, from its management profile through
//! a named role with an external id.

use crate::common;

use common::sandbox::{corp_sso_config, CORP_START_URL};
use common::window::{run, AppHome, Window, ENV_CREDENTIALS};
use common::Sandbox;
use serde_json::Value;

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
            corp_sso_config(accounts[0]["accountId"].as_str().unwrap(), "ReadOnly"),
        )
        .unwrap();
        sandbox.sso_login(home.path(), CORP_START_URL, Some("corp"), "alice");
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
        w.axe("the picker with an SSO sign-in's accounts").await;

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
        w.axe("Sweep of every account of a sign-in").await;

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

#[test]
fn every_account_of_an_organization_is_swept_from_the_sweep_tab() {
    run(|| async {
        let sandbox = Sandbox::start();
        let org = sandbox.seed_org(5, "AuditRole", Some("ext-9"), Some(2));
        let members: Vec<Value> = org["members"].as_array().unwrap().clone();
        let refused = members.iter().find(|m| m["refused"] == true).unwrap();
        let refused_id = refused["accountId"].as_str().unwrap();
        let home = AppHome::new();
        let aws = home.path().join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        std::fs::write(aws.join("config"), "[profile mgmt]\nregion = us-east-1\n").unwrap();
        std::fs::write(
            aws.join("credentials"),
            "[mgmt]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        )
        .unwrap();
        let mut env = home.env();
        env.extend([
            ("AWS_ENDPOINT_URL".to_string(), sandbox.url.clone()),
            ("AWS_REGION".to_string(), "us-east-1".to_string()),
        ]);
        let w = Window::open_without(&env, &ENV_CREDENTIALS).await;
        w.wait_js(
            "return document.querySelectorAll('[data-testid=api-item]').length > 0",
            30,
        )
        .await;

        w.click("#tab-sweep").await;
        w.click("[data-testid=sweep-regions-chosen]").await;
        w.js("for (const b of document.querySelectorAll('#sweep-regions input')) b.checked = b.value === 'us-east-1'; \
              document.getElementById('sweep-regions').dispatchEvent(new Event('change', {bubbles: true})); return true").await;
        w.click("#sweep-org summary").await;
        w.select("[data-testid=sweep-org-profile]", "file:mgmt")
            .await;
        // No role named: said so, nothing swept.
        w.click("[data-testid=sweep-org-start]").await;
        assert_eq!(
            w.text("[data-testid=sweep-org-note]").await,
            "Name the role to assume in each member (a read-only audit role)."
        );
        w.type_into("[data-testid=sweep-org-role]", "AuditRole")
            .await;
        w.type_into("[data-testid=sweep-org-external]", "ext-9")
            .await;
        w.click("[data-testid=sweep-org-start]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=sweep-status]').dataset.state === 'done'",
            60,
        )
        .await;
        // The management account, then four members (the refused one is a row, not an API);
        // seven accounts in all with the suspended one, left out before the sweep.
        assert_eq!(
            w.text("[data-testid=sweep-org-note]").await,
            "7 accounts in the organization, 1 left out (see the rows)."
        );
        let rows = w.js("return [...document.querySelectorAll('[data-testid=sweep-row]')].map(r => [r.dataset.account, r.dataset.apiName])").await;
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert!(
            rows.iter()
                .any(|r| r[0] == org["management"] && r[1] == "Api-management"),
            "{rows:?}"
        );
        for m in members.iter().filter(|m| m["refused"] != true) {
            let id = m["accountId"].as_str().unwrap();
            assert!(
                rows.iter()
                    .any(|r| r[0] == id && r[1] == format!("Api-{id}").as_str()),
                "{id}: {rows:?}"
            );
        }
        // The refused member: first in the progress list, named, with STS's refusal; the
        // suspended account a row saying so.
        let first = w
            .js("return document.querySelector('[data-testid=sweep-progress]').textContent")
            .await;
        let first = first.as_str().unwrap();
        let name = refused["accountName"].as_str().unwrap();
        assert!(
            first.starts_with(&format!("{name} ({refused_id}) · AuditRole"))
                && first.contains("AccessDenied"),
            "{first}"
        );
        let errors = w.js("return [...document.querySelectorAll('[data-testid=sweep-error]')].map(e => [e.dataset.code, e.textContent])").await;
        let errors = errors.as_array().unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors
                .iter()
                .any(|e| e[0] == "AccessDenied" && e[1].as_str().unwrap().contains(refused_id)),
            "{errors:?}"
        );
        let suspended = org["suspended"]["accountId"].as_str().unwrap();
        assert!(
            errors.iter().any(|e| e[0] == "NotSwept"
                && e[1].as_str().unwrap().contains(suspended)
                && e[1].as_str().unwrap().contains("suspended")),
            "{errors:?}"
        );
        // Every AssumeRole carried the external id.
        sandbox.assert_members_assumed(&members, "AuditRole", "ext-9");
        w.screenshots_in_both_themes("accounts-org-sweep").await;
        w.axe("Sweep of an organization").await;
        w.close().await;
    });
}
