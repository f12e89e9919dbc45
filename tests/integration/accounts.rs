//! Every account from one sign-in: the IAM Identity Center portal's accounts and roles (paged to
//! the end, through its 429s), named profiles written for them, and the sweep of every account
//! under the role preferred; an organization's members through a named role with an external id,
//! one refused (a row, not a stop).

use crate::common;

use common::sandbox::{corp_sso_config, CORP_START_URL};
use common::Sandbox;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A home whose AWS config has the `corp` sso-session and a profile on it, and a management
/// profile `mgmt` with keys of the sandbox's own account.
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "{}\n[profile mgmt]\nregion = us-east-1\n",
            corp_sso_config("123456789012", "PetsAdmin")
        ),
    )
    .unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[mgmt]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    home
}

struct Out {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }
}

/// `gatehouse ARGS` with only the sandbox's endpoint: credentials come from the files.
fn gatehouse(sb: &Sandbox, home: &Path, args: &[&str]) -> Out {
    let mut c: Command = sb.gatehouse(home, args);
    c.env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE");
    let out = c.output().unwrap();
    Out {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

/// `gatehouse audit --sso corp --sso-role ROLES --regions us-east-1 EXTRA…`.
fn audit_sso(sb: &Sandbox, home: &Path, roles: &str, extra: &[&str]) -> Out {
    let args = [
        "audit",
        "--sso",
        "corp",
        "--sso-role",
        roles,
        "--regions",
        "us-east-1",
    ];
    gatehouse(sb, home, &[&args[..], extra].concat())
}

/// The sweep's API rows, as (account, accountName, API name), sorted.
fn rows(v: &Value) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = v["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap().to_string(),
                a["accountName"].as_str().unwrap_or_default().to_string(),
                a["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn one_sso_sign_in_reaches_sixty_accounts_through_the_portals_pages_and_429s() {
    let sb = Sandbox::start();
    let seeded = sb.seed_sso_accounts(60, &["ReadOnly", "Admin"]);
    let accounts = seeded["accounts"].as_array().unwrap().clone();
    assert_eq!(accounts.len(), 60);
    let home = home();
    let home = home.path();
    sb.sso_login(home, CORP_START_URL, Some("corp"), "alice");
    // The portal answers at most 25 a page (as it may, whatever was asked), and every third
    // call 429.
    sb.sso_config(serde_json::json!({"portal_page_size": 25, "portal_throttle_every": 3}));

    let listed = gatehouse(&sb, home, &["accounts", "--sso", "corp", "--json"]);
    assert_eq!(listed.status, 0, "{}", listed.stderr);
    let listed = listed.json();
    let got = listed["accounts"].as_array().unwrap();
    assert_eq!(got.len(), 60, "every page to the end");
    let third = &accounts[2];
    let found = got
        .iter()
        .find(|a| a["accountId"] == third["accountId"])
        .unwrap();
    assert_eq!(found["roles"], serde_json::json!(["Admin"]), "{found}");
    assert_eq!(found["accountName"], third["accountName"]);
    let calls = sb.portal_calls();
    assert!(calls["throttled"].as_u64().unwrap() > 0, "{calls}");
    assert!(
        calls["operations"]["ListAccounts"]["calls"]
            .as_u64()
            .unwrap()
            >= 3,
        "{calls}"
    );

    // The sweep of every account under ReadOnly: each account's API under its own id; the
    // account without ReadOnly is a row saying why, and makes the exit status 1.
    let sweep = audit_sso(&sb, home, "ReadOnly", &["--json"]);
    assert_eq!(sweep.status, 1, "{}", sweep.stderr);
    let v = sweep.json();
    let rows = rows(&v);
    assert_eq!(rows.len(), 59, "{}", sweep.stdout);
    for (account, name, api) in &rows {
        assert_eq!(api, &format!("Api-{account}"));
        let seeded = accounts
            .iter()
            .find(|a| a["accountId"] == account.as_str())
            .unwrap();
        assert_eq!(seeded["accountName"], name.as_str());
    }
    let line = v["summaryLine"].as_str().unwrap();
    assert!(
        line.starts_with("59 APIs in 1 region of 59 profiles")
            && line.ends_with(" · 1 profile or account not swept"),
        "{line}"
    );
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["account"], third["accountId"]);
    assert_eq!(errors[0]["code"], "NotSwept");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("none of the roles ReadOnly (it offers Admin)"),
        "{errors:?}"
    );

    // ReadOnly, then Admin: every account; --accounts narrows. A portal that takes 150 ms an
    // answer: the accounts' credentials are asked for side by side, not one after another.
    sb.sso_config(serde_json::json!({"portal_latency_ms": 150}));
    sb.control("/_sandbox/sso/portal/reset", serde_json::json!({}));
    let all = audit_sso(&sb, home, "ReadOnly,Admin", &["--json"]);
    assert_eq!(all.status, 0, "{}", all.stderr);
    assert_eq!(self::rows(&all.json()).len(), 60);
    let credentials = &sb.portal_calls()["operations"]["GetRoleCredentials"];
    assert!(
        credentials["calls"].as_u64().unwrap() >= 60
            && credentials["most_at_once"].as_u64().unwrap() >= 4,
        "every account's credentials, several at once: {credentials}"
    );
    sb.sso_config(serde_json::json!({"portal_latency_ms": 0}));
    let two: Vec<&str> = accounts[..2]
        .iter()
        .map(|a| a["accountId"].as_str().unwrap())
        .collect();
    let narrowed = audit_sso(
        &sb,
        home,
        "ReadOnly",
        &["--accounts", &two.join(","), "--json"],
    );
    assert_eq!(narrowed.status, 0, "{}", narrowed.stderr);
    assert_eq!(self::rows(&narrowed.json()).len(), 2);
}

/// `--write-profiles` for every account's ReadOnly role, named `corp-…`.
const WRITE_READONLY: [&str; 8] = [
    "accounts",
    "--sso",
    "corp",
    "--write-profiles",
    "--role",
    "ReadOnly",
    "--prefix",
    "corp-",
];

#[test]
fn profiles_are_written_for_the_accounts_without_touching_the_config() {
    let sb = Sandbox::start();
    let seeded = sb.seed_sso_accounts(5, &["ReadOnly", "Admin"]);
    let home = home();
    let home = home.path();
    sb.sso_login(home, CORP_START_URL, Some("corp"), "alice");
    let before = std::fs::read_to_string(home.join(".aws/config")).unwrap();
    let out = gatehouse(&sb, home, &WRITE_READONLY);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stderr.contains("Added 4 profiles"), "{}", out.stderr);
    let after = std::fs::read_to_string(home.join(".aws/config")).unwrap();
    assert!(after.starts_with(&before), "existing sections untouched");
    let first = &seeded["accounts"][0];
    let name = format!(
        "corp-{}-readonly",
        first["accountName"].as_str().unwrap().to_lowercase()
    );
    assert!(
        after.contains(&format!(
            "[profile {name}]\nsso_session = corp\nsso_account_id = {}\nsso_role_name = ReadOnly\n",
            first["accountId"].as_str().unwrap()
        )),
        "{after}"
    );
    let backups = std::fs::read_dir(home.join(".aws"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".gatehouse-"))
        .count();
    assert_eq!(backups, 1);
    // A written profile works like any other: the API of its account.
    let audit = gatehouse(&sb, home, &["audit", "--profile", &name, "--json"]);
    assert_eq!(audit.status, 0, "{}", audit.stderr);
    assert!(audit
        .stdout
        .contains(&format!("Api-{}", first["accountId"].as_str().unwrap())));
    // Again: nothing added, nothing changed.
    let again = gatehouse(&sb, home, &WRITE_READONLY);
    assert!(
        again.stderr.contains("Added 0 profiles"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(home.join(".aws/config")).unwrap(),
        after
    );
}

#[test]
fn an_organization_is_swept_through_a_named_role_with_its_external_id() {
    let sb = Sandbox::start();
    let org = sb.seed_org(8, "AuditRole", Some("gatehouse-ext-7"), Some(3));
    let members = org["members"].as_array().unwrap().clone();
    let home = home();
    let home = home.path();

    let no_role = gatehouse(
        &sb,
        home,
        &["audit", "--org", "mgmt", "--regions", "us-east-1"],
    );
    assert_eq!(no_role.status, 2, "{}", no_role.stderr);
    assert!(no_role.stderr.contains("--org-role"), "{}", no_role.stderr);

    let args = [
        "audit",
        "--org",
        "mgmt",
        "--org-role",
        "AuditRole",
        "--external-id",
        "gatehouse-ext-7",
        "--regions",
        "us-east-1",
        "--json",
    ];
    let out = gatehouse(&sb, home, &args);
    assert_eq!(
        out.status, 1,
        "the refused member makes it 1: {}",
        out.stderr
    );
    let v = out.json();
    let rows = rows(&v);
    let refused = members.iter().find(|m| m["refused"] == true).unwrap();
    // The management account through the profile, every member but the refused one through
    // the role; each API under its own account.
    assert!(
        rows.iter()
            .any(|(a, _, api)| a == org["management"].as_str().unwrap() && api == "Api-management"),
        "{rows:?}"
    );
    for m in members.iter().filter(|m| m["refused"] != true) {
        let id = m["accountId"].as_str().unwrap();
        assert!(
            rows.iter().any(|(a, name, api)| a == id
                && api == &format!("Api-{id}")
                && name == m["accountName"].as_str().unwrap()),
            "{id}: {rows:?}"
        );
    }
    assert_eq!(rows.len(), members.len(), "{rows:?}");
    // The refused member is a row with STS's refusal; the suspended account one saying so.
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    let denied = errors
        .iter()
        .find(|e| e["code"] == "AccessDenied")
        .expect("AccessDenied row");
    assert!(
        denied["profile"]
            .as_str()
            .unwrap()
            .contains(refused["accountId"].as_str().unwrap()),
        "{denied}"
    );
    assert_eq!(denied["accountName"], refused["accountName"]);
    let suspended = errors
        .iter()
        .find(|e| e["code"] == "NotSwept")
        .expect("suspended row");
    assert_eq!(suspended["account"], org["suspended"]["accountId"]);
    assert!(
        suspended["message"]
            .as_str()
            .unwrap()
            .ends_with("the account is suspended"),
        "{suspended}"
    );
    // Every member's role was asked for with the external id.
    sb.assert_members_assumed(&members, "AuditRole", "gatehouse-ext-7");
    let ignoring = gatehouse(&sb, home, &[&args[..], &["--ignore-errors"]].concat());
    assert_eq!(ignoring.status, 0, "{}", ignoring.stderr);
}
