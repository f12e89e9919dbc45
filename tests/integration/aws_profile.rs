//! `AWS_PROFILE=NAME` on the command line: it selects the file profile NAME exactly as
//! `--profile NAME` does (an SSO profile signed out says so and how to sign in; an MFA-guarded role
//! asks for its code; an assume-role profile is swept under its own name), and the environment's
//! credentials are only the keys of the environment. An MFA role is assumed once for every region
//! of a sweep.

use crate::common;

use common::cli::Run;
use common::Sandbox;
use std::path::Path;
use std::process::Command;

const START_URL: &str = "https://corp.awsapps.com/start";
const GUARDED: &str = "arn:aws:iam::123456789012:role/guarded";
const DEVICE: &str = "arn:aws:iam::123456789012:mfa/alice";
const DEPLOYER: &str = "arn:aws:iam::123456789012:role/deployer";

/// `base` (keys), `corp` (SSO, signed out), `guarded` (a role behind an MFA device) and `deployer`
/// (a plain assume-role profile).
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile base]\nregion = us-east-1\n\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\n\
             [profile corp]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = PetsAdmin\nregion = us-east-1\n\n\
             [profile guarded]\nrole_arn = {GUARDED}\nsource_profile = base\n\
             mfa_serial = {DEVICE}\nregion = us-east-1\n\n\
             [profile deployer]\nrole_arn = {DEPLOYER}\nsource_profile = base\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[base]\naws_access_key_id = AKIABASEBASEBASE0001\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    home
}

/// `gatehouse ARGS` on the sandbox with no keys in the environment, and AWS_PROFILE when given.
fn gatehouse(sb: &Sandbox, home: &Path, aws_profile: Option<&str>, args: &[&str]) -> Run {
    let mut c: Command = sb.gatehouse(home, args);
    c.env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    if let Some(name) = aws_profile {
        c.env("AWS_PROFILE", name);
    }
    c.output().unwrap().into()
}

#[test]
fn aws_profile_selects_the_file_profile_as_the_profile_flag_does() {
    let sb = Sandbox::start();
    sb.seed();
    let home = home();
    let h = home.path();

    // An SSO profile, signed out: the cause and the way in, word for word as with --profile.
    let by_env = gatehouse(&sb, h, Some("corp"), &["audit"]);
    let by_flag = gatehouse(&sb, h, None, &["audit", "--profile", "corp"]);
    assert_eq!(by_env.status, 1, "{}", by_env.stderr);
    assert!(
        by_env
            .stderr
            .contains("corp: not signed in to IAM Identity Center")
            && by_env.stderr.contains("gatehouse login --profile corp"),
        "{}",
        by_env.stderr
    );
    assert!(!by_env
        .stderr
        .contains("an error occurred while loading credentials"));
    assert_eq!(by_env.stderr, by_flag.stderr);

    // An MFA-guarded role: asked for its code, then assumed with it.
    sb.require_mfa(GUARDED, "123456");
    let no_code = gatehouse(&sb, h, Some("guarded"), &["audit"]);
    assert_eq!(no_code.status, 2, "{}", no_code.stderr);
    assert!(
        no_code.stderr.contains("guarded: an MFA code is required")
            && no_code.stderr.contains("--mfa-code"),
        "{}",
        no_code.stderr
    );
    let with_code = gatehouse(
        &sb,
        h,
        Some("guarded"),
        &["audit", "--api", "SecurePets", "--mfa-code", "123456"],
    );
    assert_eq!(with_code.status, 0, "{}", with_code.stderr);
    assert!(with_code.stdout.contains("SecurePets"));
    let calls = sb.assume_role_calls();
    assert_eq!(calls.last().unwrap()["RoleArn"], GUARDED);
    assert_eq!(calls.last().unwrap()["TokenCode"], "123456");

    // A plain assume-role profile: swept under its own name, through its role.
    let swept = gatehouse(
        &sb,
        h,
        Some("deployer"),
        &["audit", "--regions", "us-east-1", "--json"],
    );
    assert_eq!(swept.status, 0, "{}", swept.stderr);
    let doc = swept.json();
    assert_eq!(doc["profiles"], serde_json::json!(["deployer"]), "{doc}");
    assert!(doc["apis"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "SecurePets" && a["profile"] == "deployer"));
    assert!(sb
        .assume_role_calls()
        .iter()
        .any(|c| c["RoleArn"] == DEPLOYER));

    // Keys in the environment are the environment's credentials (and AWS_PROFILE is unset).
    let keys = sb
        .gatehouse(h, &["audit", "--regions", "us-east-1", "--json"])
        .output()
        .unwrap();
    let keys: Run = keys.into();
    assert_eq!(keys.status, 0, "{}", keys.stderr);
    assert_eq!(keys.json()["profiles"], serde_json::json!(["env"]));
}

#[test]
fn an_mfa_role_is_assumed_once_for_every_region_of_a_sweep() {
    let sb = Sandbox::start();
    sb.seed();
    let home = home();
    let h = home.path();
    sb.require_mfa(GUARDED, "123456");
    let out = gatehouse(
        &sb,
        h,
        None,
        &[
            "audit",
            "--profiles",
            "guarded",
            "--regions",
            "us-east-1,eu-west-1",
            "--mfa-code",
            "123456",
            "--json",
        ],
    );
    assert_eq!(out.status, 0, "{}{}", out.stdout, out.stderr);
    let doc = out.json();
    assert_eq!(doc["errors"], serde_json::json!([]), "both regions read");
    assert!(doc["apis"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "SecurePets" && a["region"] == "us-east-1"));
    let assumed: Vec<_> = sb
        .assume_role_calls()
        .into_iter()
        .filter(|c| c["RoleArn"] == GUARDED)
        .collect();
    assert_eq!(
        assumed.len(),
        1,
        "one AssumeRole for the sweep: {assumed:?}"
    );
    assert_eq!(assumed[0]["status"], 200);
}

/// Keys in the environment do not win over a profile the user names: aws-config's default chain
/// tries them first, even for `profile_name`, so `--profile deployer` (or `AWS_PROFILE=deployer`)
/// was silently the environment's account. The profile's own role is assumed, with its source
/// profile's keys, and the environment's keys are not used.
#[test]
fn keys_in_the_environment_do_not_stand_in_for_a_named_profile() {
    let sb = Sandbox::start();
    sb.seed();
    let home = home();
    let h = home.path();
    let run = |aws_profile: Option<&str>, args: &[&str]| -> Run {
        let mut c: Command = sb.gatehouse(h, args);
        c.env("AWS_CONFIG_FILE", h.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", h.join(".aws/credentials"))
            .env("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
            .env("AWS_SECRET_ACCESS_KEY", "environment-secret");
        if let Some(name) = aws_profile {
            c.env("AWS_PROFILE", name);
        }
        c.output().unwrap().into()
    };
    for (how, aws_profile, args) in [
        (
            "--profile",
            None,
            vec!["audit", "--profile", "deployer", "--api", "SecurePets"],
        ),
        (
            "AWS_PROFILE",
            Some("deployer"),
            vec!["audit", "--api", "SecurePets"],
        ),
    ] {
        let before = sb.assume_role_calls().len();
        let out = run(aws_profile, &args);
        assert_ne!(out.status, 2, "{how}: {}", out.stderr);
        let calls = sb.assume_role_calls();
        let new: Vec<_> = calls[before..]
            .iter()
            .filter(|c| c["RoleArn"] == DEPLOYER)
            .collect();
        assert_eq!(
            new.len(),
            1,
            "{how}: the profile's role is assumed: {calls:?}"
        );
        assert_eq!(
            new[0]["caller"], "AKIABASEBASEBASE0001",
            "{how}: with base's keys"
        );
    }
}
