//! IAM Identity Center (SSO) from the command line, against the sandbox's SSO OIDC and portal: the
//! signed-out error names the profile and `gatehouse login`; `gatehouse login` with approval (the
//! token in the AWS CLI's cache, shared with the AWS CLI), denial and expiry; the legacy profile
//! form; an expired token refreshed without a new sign-in; no token or secret in what it prints.

use crate::common;

use common::sandbox::{corp_sso_config, CORP_START_URL};
use common::{files_containing, Sandbox};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SESSION_FILE: &str = "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"; // sha1("corp")
const LEGACY_URL: &str = "https://legacy.awsapps.com/start";

/// A home with an AWS config of two SSO profiles: `corp` (sso-session) and `old` (legacy keys).
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "{}\n\
             [profile old]\nsso_start_url = {LEGACY_URL}\nsso_region = us-east-1\n\
             sso_account_id = 123456789012\nsso_role_name = PetsAdmin\nregion = us-east-1\n",
            corp_sso_config("123456789012", "PetsAdmin")
        ),
    )
    .unwrap();
    home
}

/// `gatehouse ARGS` with only the sandbox's endpoint: the credentials come from the profile.
fn gatehouse(sb: &Sandbox, home: &Path, args: &[&str]) -> Command {
    let mut c = sb.gatehouse(home, args);
    c.env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    c
}

struct Finished {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Starts `gatehouse login --profile P --no-browser`, waits for its device code in the sandbox,
/// lets `decide` approve/deny/let it expire, and waits for the command to end.
fn login(sb: &Sandbox, home: &Path, profile: &str, decide: impl FnOnce(&str)) -> Finished {
    let mut child = gatehouse(sb, home, &["login", "--profile", profile, "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(code) = sb.sso_pending_user_code() {
            break code;
        }
        assert!(Instant::now() < deadline, "no device authorization started");
        std::thread::sleep(Duration::from_millis(100));
    };
    decide(&code);
    let status = child.wait().unwrap().code().unwrap_or(-1);
    let (mut stdout, mut stderr) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stdout.contains(&code),
        "the code is shown to compare: {stdout}"
    );
    Finished {
        status,
        stdout,
        stderr,
    }
}

fn cache(home: &Path, file: &str) -> PathBuf {
    home.join(".aws/sso/cache").join(file)
}

fn run(sb: &Sandbox, home: &Path, args: &[&str]) -> Finished {
    let out = gatehouse(sb, home, args).output().unwrap();
    Finished {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

#[test]
fn sign_in_from_the_command_line_and_the_aws_cli_shares_it() {
    let sb = Sandbox::start();
    sb.seed();
    let home = home();
    let h = home.path();

    // Signed out: the error names the profile, the cause and the way in.
    let out = run(&sb, h, &["audit", "--profile", "corp"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .contains("corp: not signed in to IAM Identity Center")
            && out.stderr.contains("gatehouse login --profile corp"),
        "{}",
        out.stderr
    );

    // Approved in the browser: the token lands where the AWS CLI keeps it, private.
    let done = login(&sb, h, "corp", |code| {
        sb.sso_approve(code, "alice");
    });
    assert_eq!(done.status, 0, "{}{}", done.stdout, done.stderr);
    assert!(
        done.stdout.contains("Signed in: corp is signed in until"),
        "{}",
        done.stdout
    );
    let file = cache(h, SESSION_FILE);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    for field in [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ] {
        assert!(doc[field].is_string(), "{field} missing in {doc}");
    }
    assert_eq!(doc["startUrl"], CORP_START_URL);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The sign-in's token and the client's secret were not printed.
    for secret in [
        &doc["accessToken"],
        &doc["clientSecret"],
        &doc["refreshToken"],
    ] {
        let secret = secret.as_str().unwrap();
        assert!(!done.stdout.contains(secret) && !done.stderr.contains(secret));
        let hits: Vec<String> = files_containing(&h.join("data"), secret);
        assert!(hits.is_empty(), "{hits:?}");
    }

    // Gatehouse works with it: the SDK turns the token into the role's credentials.
    let audit = run(
        &sb,
        h,
        &["audit", "--profile", "corp", "--api", "SecurePets"],
    );
    assert_eq!(audit.status, 0, "{}", audit.stderr);
    assert!(audit.stdout.contains("SecurePets"));
    // So does the AWS CLI, from Gatehouse's cache.
    let aws = Command::new(common::sandbox::repo_root().join(".venv/bin/aws"))
        .args([
            "sts",
            "get-caller-identity",
            "--profile",
            "corp",
            "--output",
            "json",
        ])
        .envs(sb.aws_env())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("HOME", h)
        .env("AWS_CONFIG_FILE", h.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", h.join(".aws/credentials"))
        .output()
        .unwrap();
    assert!(
        aws.status.success(),
        "{}",
        String::from_utf8_lossy(&aws.stderr)
    );
    let who: Value = serde_json::from_slice(&aws.stdout).unwrap();
    assert!(
        who["Arn"]
            .as_str()
            .unwrap()
            .contains("AWSReservedSSO_PetsAdmin"),
        "{who}"
    );
    assert!(who["Arn"].as_str().unwrap().ends_with("/alice"));

    // Expired but refreshable: the SDK renews it with the refresh token, no new sign-in.
    let mut stale = doc.clone();
    stale["expiresAt"] = Value::from("2020-01-01T00:00:00Z");
    std::fs::write(&file, serde_json::to_string(&stale).unwrap()).unwrap();
    let audit = run(
        &sb,
        h,
        &["audit", "--profile", "corp", "--api", "SecurePets"],
    );
    assert_eq!(audit.status, 0, "refreshed: {}", audit.stderr);
    let renewed: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_ne!(renewed["accessToken"], doc["accessToken"]);
    assert_ne!(renewed["expiresAt"], "2020-01-01T00:00:00Z");

    // Expired and not refreshable: the error says so, and how to sign in again.
    let mut dead = doc.clone();
    dead["expiresAt"] = Value::from("2020-01-01T00:00:00Z");
    dead.as_object_mut().unwrap().remove("refreshToken");
    std::fs::write(&file, serde_json::to_string(&dead).unwrap()).unwrap();
    let out = run(&sb, h, &["audit", "--profile", "corp"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("corp: the SSO session has expired")
            && out.stderr.contains("aws sso login --profile corp"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_denied_or_expired_sign_in_says_why_and_the_legacy_form_works() {
    let sb = Sandbox::start();
    sb.seed();
    let home = home();
    let h = home.path();
    let denied = login(&sb, h, "corp", |code| {
        sb.sso_deny(code);
    });
    assert_eq!(denied.status, 1);
    assert!(
        denied.stderr.contains("corp: the sign-in was denied"),
        "{}",
        denied.stderr
    );
    assert!(!cache(h, SESSION_FILE).exists());

    let expired = login(&sb, h, "corp", |code| {
        sb.control(
            "/_sandbox/sso/expire",
            serde_json::json!({"userCode": code}),
        );
    });
    assert_eq!(expired.status, 1);
    assert!(expired.stderr.contains("expired"), "{}", expired.stderr);

    // The legacy form: the cache file is named after the start URL.
    let legacy = login(&sb, h, "old", |code| {
        sb.sso_approve(code, "bob");
    });
    assert_eq!(legacy.status, 0, "{}", legacy.stderr);
    let name = {
        use sha1::Digest;
        format!(
            "{}.json",
            hex::encode(sha1::Sha1::digest(LEGACY_URL.as_bytes()))
        )
    };
    assert!(cache(h, &name).exists());
    let audit = run(&sb, h, &["audit", "--profile", "old", "--api", "PetsAdmin"]);
    assert_eq!(audit.status, 0, "{}", audit.stderr);

    // A profile that is not an SSO one is refused before anything is sent.
    let out = run(&sb, h, &["login", "--profile", "nope"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("No profile named nope"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_role_guarded_by_mfa_is_assumed_with_the_code() {
    let sb = Sandbox::start();
    sb.seed();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let role = "arn:aws:iam::123456789012:role/guarded";
    let serial = "arn:aws:iam::123456789012:mfa/alice";
    std::fs::create_dir_all(h.join(".aws")).unwrap();
    std::fs::write(
        h.join(".aws/config"),
        format!(
            "[profile base]\nregion = us-east-1\n\n[profile guarded]\nrole_arn = {role}\n\
             source_profile = base\nmfa_serial = {serial}\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    std::fs::write(
        h.join(".aws/credentials"),
        "[base]\naws_access_key_id = AKIABASEBASEBASE0001\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    sb.require_mfa(role, "123456");

    // No code and no terminal to ask on: a usage error that names the profile and the flag.
    let out = run(&sb, h, &["audit", "--profile", "guarded"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("guarded: an MFA code is required")
            && out.stderr.contains("--mfa-code"),
        "{}",
        out.stderr
    );
    assert!(sb.assume_role_calls().is_empty(), "nothing was sent");

    // A wrong code: STS's refusal, with the profile.
    let out = run(
        &sb,
        h,
        &["audit", "--profile", "guarded", "--mfa-code", "654321"],
    );
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("guarded: assuming") && out.stderr.contains("AccessDenied"),
        "{}",
        out.stderr
    );

    // The right one: AssumeRole with the device's serial and the code, then the API answers.
    let out = run(
        &sb,
        h,
        &[
            "audit",
            "--profile",
            "guarded",
            "--mfa-code",
            "123456",
            "--api",
            "SecurePets",
        ],
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    let calls = sb.assume_role_calls();
    let last = calls.last().unwrap();
    assert_eq!(last["RoleArn"], role);
    assert_eq!(last["SerialNumber"], serial);
    assert_eq!(last["TokenCode"], "123456");
    // A bad code is refused before anything is sent.
    let out = run(
        &sb,
        h,
        &["audit", "--profile", "guarded", "--mfa-code", "12ab"],
    );
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("6 digits"), "{}", out.stderr);
}

#[test]
fn sso_settings_cache_names_and_states_follow_the_aws_cli() {
    use gatehouse::domain::sso_settings::{state, SsoSettings, SsoStatus};
    use std::collections::HashMap;
    let session: HashMap<&str, &str> = [
        ("sso_start_url", CORP_START_URL),
        ("sso_region", "eu-west-1"),
        ("sso_registration_scopes", "sso:account:access"),
    ]
    .into();
    let modern = SsoSettings::from_profile(
        |k| (k == "sso_session").then(|| "corp".to_string()),
        |s, k| {
            (s == "corp")
                .then(|| session.get(k).map(|v| v.to_string()))
                .flatten()
        },
    )
    .unwrap();
    assert_eq!(modern.region, "eu-west-1");
    assert_eq!(modern.scopes, ["sso:account:access"]);
    assert_eq!(modern.cache_file_name(), SESSION_FILE);
    let legacy_keys: HashMap<&str, &str> =
        [("sso_start_url", LEGACY_URL), ("sso_region", "us-east-1")].into();
    let legacy =
        SsoSettings::from_profile(|k| legacy_keys.get(k).map(|v| v.to_string()), |_, _| None)
            .unwrap();
    assert!(legacy.session.is_none());
    assert_eq!(legacy.cache_identifier(), LEGACY_URL);
    // Not an SSO profile, or one whose session section is missing.
    assert!(SsoSettings::from_profile(|_| None, |_, _| None).is_none());
    assert!(SsoSettings::from_profile(
        |k| (k == "sso_session").then(|| "gone".to_string()),
        |_, _| None
    )
    .is_none());

    let now = 1_800_000_000;
    let cached = |expires: &str| format!(r#"{{"accessToken": "t", "expiresAt": "{expires}"}}"#);
    let signed_in = state(&modern, Some(&cached("2027-01-15T09:30:00Z")), now);
    assert_eq!(signed_in.status, SsoStatus::SignedIn);
    assert_eq!(signed_in.text, "signed in until 09:30 UTC");
    let expired = state(&modern, Some(&cached("2027-01-15T07:00:00Z")), now);
    assert_eq!(expired.status, SsoStatus::Expired);
    assert_eq!(state(&modern, None, now).status, SsoStatus::NotSignedIn);
    assert_eq!(
        state(&modern, Some("not json"), now).status,
        SsoStatus::NotSignedIn
    );
}
