//! Signing in to IAM Identity Center with the signing profile's own settings: with `default`
//! pointing at one sandbox and `corp` at another, `gatehouse login --profile corp` talks to corp's
//! only. And the sign-in page is opened only when it is `https://`: any other address is printed
//! with the reason and never handed to the system's opener.

use crate::common;

use common::Sandbox;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const START_URL: &str = "https://corp.awsapps.com/start";
const PLAIN_URL: &str = "http://plain.example.com/start";
/// What the system's openers (xdg-open and the others the `open` crate tries) would be handed.
const OPENERS: [&str; 5] = ["xdg-open", "gio", "gnome-open", "kde-open", "wslview"];

/// `default` (keys, at `default_url`), `corp` (SSO at `corp_url`) and `plain` (a legacy SSO
/// profile whose start page is http://).
fn home(default_url: &str, corp_url: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[default]\nregion = us-east-1\nendpoint_url = {default_url}\n\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\
             sso_registration_scopes = sso:account:access\n\n\
             [profile corp]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = PetsAdmin\nregion = us-east-1\nendpoint_url = {corp_url}\n\n\
             [profile plain]\nsso_start_url = {PLAIN_URL}\nsso_region = us-east-1\n\
             sso_account_id = 123456789012\nsso_role_name = PetsAdmin\nregion = us-east-1\n\
             endpoint_url = {corp_url}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    home
}

/// Stand-ins for the system's openers, first on PATH: each writes what it was asked to open into
/// `opened`.
fn fake_openers(home: &Path) -> (PathBuf, PathBuf) {
    let bin = home.join("bin");
    let opened = home.join("opened.txt");
    std::fs::create_dir_all(&bin).unwrap();
    for name in OPENERS {
        let script = bin.join(name);
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho \"$@\" >> '{}'\n", opened.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }
    (bin, opened)
}

/// `gatehouse ARGS` with the endpoints and credentials of the AWS files only.
fn gatehouse(sb: &Sandbox, home: &Path, bin: &Path, args: &[&str]) -> Command {
    let mut c = sb.gatehouse(home, args);
    let path = std::env::var("PATH").unwrap_or_default();
    c.env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env("PATH", format!("{}:{path}", bin.display()))
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    c
}

/// Waits for a device authorization pending at `sb`; kills `child` and fails if none comes, or
/// if one comes at `other` instead.
fn pending_code(sb: &Sandbox, child: &mut Child, other: Option<&Sandbox>) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(code) = sb.sso_pending_user_code() {
            return code;
        }
        let elsewhere = other.and_then(|o| o.sso_pending_user_code());
        if Instant::now() > deadline || elsewhere.is_some() {
            let _ = child.kill();
            panic!("no device authorization at the signing profile's endpoint (elsewhere: {elsewhere:?})");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn finish(mut child: Child) -> (i32, String, String) {
    let status = child.wait().unwrap().code().unwrap_or(-1);
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status, out, err)
}

#[test]
fn sign_in_reaches_the_signing_profiles_own_endpoint_only() {
    let elsewhere = Sandbox::start();
    let corp = Sandbox::start();
    corp.seed();
    let home = home(&elsewhere.url, &corp.url);
    let h = home.path();
    let (bin, _) = fake_openers(h);
    let mut child = gatehouse(
        &corp,
        h,
        &bin,
        &["login", "--profile", "corp", "--no-browser"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let code = pending_code(&corp, &mut child, Some(&elsewhere));
    corp.sso_approve(&code, "alice");
    let (status, out, err) = finish(child);
    assert_eq!(status, 0, "{out}{err}");
    assert!(out.contains("Signed in: corp is signed in until"), "{out}");

    // Not one OIDC call went to the default profile's endpoint.
    let other = elsewhere.sso_state();
    assert_eq!(other["clients"], serde_json::json!([]), "{other}");
    assert_eq!(other["devices"], serde_json::json!([]), "{other}");
    assert_eq!(corp.sso_state()["clients"].as_array().unwrap().len(), 1);
}

#[test]
fn a_sign_in_page_that_is_not_https_is_shown_with_why_not_opened() {
    let sb = Sandbox::start();
    sb.seed();
    let home = home(&sb.url, &sb.url);
    let h = home.path();
    let (bin, opened) = fake_openers(h);

    // http://: printed with the reason, not handed to any opener.
    let mut child = gatehouse(&sb, h, &bin, &["login", "--profile", "plain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let code = pending_code(&sb, &mut child, None);
    sb.sso_deny(&code);
    let (status, out, _) = finish(child);
    assert_eq!(status, 1);
    assert!(
        out.contains(&format!("open      {PLAIN_URL}/#/device")),
        "{out}"
    );
    assert!(
        out.contains("not opened in the browser: its address is not https://"),
        "{out}"
    );
    assert!(
        !opened.exists(),
        "handed to an opener: {:?}",
        std::fs::read_to_string(&opened)
    );

    // https://: handed to the opener (the stand-in proves the path is live).
    let mut child = gatehouse(&sb, h, &bin, &["login", "--profile", "corp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let code = pending_code(&sb, &mut child, None);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !opened.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    sb.sso_deny(&code);
    let (_, out, _) = finish(child);
    assert!(!out.contains("not opened"), "{out}");
    let handed = std::fs::read_to_string(&opened).expect("the https page was opened");
    assert!(
        handed.contains(&format!("{START_URL}/#/device")),
        "{handed}"
    );
}
