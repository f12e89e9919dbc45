//! Two sandboxes standing for two AWS accounts, each behind a profile of the AWS config file
//! (`endpoint_url` and keys in the profile, nothing in the environment): what a sweep reads.
//! Seeded with seed_sweep.py's small scenario:
//! - `shop` (account 111111111111): Storefront (REST, us-east-1, stack shop-prod, 1 open + OPTIONS),
//!   Orders (HTTP, eu-west-1, managed-by terraform, 1 open + OPTIONS);
//! - `billing` (account 222222222222): Billing (REST, ap-southeast-2, none open + OPTIONS),
//!   Reports (HTTP, us-west-2, 2 open).

use super::sandbox::{python, repo_root};
use super::Sandbox;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

pub const SHOP_ACCOUNT: &str = "111111111111";
pub const BILLING_ACCOUNT: &str = "222222222222";
/// The regions of the scenario, and one with no API.
pub const REGIONS: &str = "us-east-1,eu-west-1,ap-southeast-2,us-west-2,ca-central-1";

pub struct Accounts {
    pub shop: Sandbox,
    pub billing: Sandbox,
    pub seed: Value,
    pub home: tempfile::TempDir,
}

impl Accounts {
    /// Both sandboxes (extra server flags for billing's, e.g. a region error), seeded, and a
    /// home whose AWS config file has the profiles `shop` and `billing`.
    pub fn start(billing_flags: &[&str]) -> Accounts {
        let shop = Sandbox::start_with(&["--account", SHOP_ACCOUNT]);
        let mut flags = vec!["--account", BILLING_ACCOUNT];
        flags.extend_from_slice(billing_flags);
        let billing = Sandbox::start_with(&flags);
        let out = Command::new(python())
            .arg(repo_root().join("tests/fake_aws/seed_sweep.py"))
            .args(["small", "--a", &shop.url, "--b", &billing.url])
            .output()
            .expect("run seed_sweep.py");
        assert!(
            out.status.success(),
            "seed_sweep.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seed = serde_json::from_slice(&out.stdout).expect("seed_sweep.py prints JSON");
        let accounts = Accounts {
            shop,
            billing,
            seed,
            home: tempfile::tempdir().unwrap(),
        };
        std::fs::write(
            accounts.home.path().join("aws-config"),
            accounts.aws_config(),
        )
        .unwrap();
        accounts
    }

    /// The AWS config file of a user of both accounts: `shop` (us-east-1) and `billing`
    /// (us-west-2), each with its endpoint and keys.
    pub fn aws_config(&self) -> String {
        profile("shop", &self.shop.url, "us-east-1")
            + &profile("billing", &self.billing.url, "us-west-2")
    }

    /// The same, with `shop-admin` too: a second profile of shop's account (an admin role
    /// beside the everyday one).
    pub fn aws_config_with_shop_admin(&self) -> String {
        self.aws_config() + &profile("shop-admin", &self.shop.url, "us-east-1")
    }

    /// An API's id from the seed: `part` "A" (shop) or "B" (billing).
    pub fn api_id(&self, part: &str, name: &str) -> String {
        self.seed[part]["apis"][name]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in part {part}"))
            .to_string()
    }

    /// The environment of a user of these profiles: a private home, no AWS variables.
    pub fn env(&self, c: &mut Command) {
        apply_env(c, self.home.path());
    }

    /// `gatehouse ARGS` as that user runs it.
    pub fn gatehouse(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
        c.args(args);
        self.env(&mut c);
        c.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
        c
    }
}

/// One profile of the AWS config file: its region, endpoint and keys.
fn profile(name: &str, url: &str, region: &str) -> String {
    format!(
        "[profile {name}]\nregion = {region}\nendpoint_url = {url}\n\
         aws_access_key_id = testing\naws_secret_access_key = testing\n\n"
    )
}

/// HOME, the XDG folders and the AWS files under `home`; every AWS variable of the outer
/// environment removed (an `AWS_ENDPOINT_URL` would override the profiles' endpoints).
pub fn apply_env(c: &mut Command, home: &Path) {
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_")
            && key != "AWS_CONFIG_FILE"
            && key != "AWS_SHARED_CREDENTIALS_FILE"
        {
            c.env_remove(key);
        }
    }
}
