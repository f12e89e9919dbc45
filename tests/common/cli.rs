//! The command line as a user runs it in tests: the built binary against the sandbox, its exit
//! status and output, and a wait on an apply in progress (read from its journal).

use super::Sandbox;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const SCENARIO: &str = "GET /pets,PURCHASE /pets,POST /purchase";

impl Sandbox {
    /// `gatehouse ARGS` as a user runs it against this sandbox: a private home, no display.
    pub fn gatehouse(&self, home: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
        c.args(args)
            .envs(self.aws_env())
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("AWS_CONFIG_FILE", home.join("aws-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
            .env_remove("AWS_PROFILE")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        c
    }
}

pub fn cmd(sb: &Sandbox, home: &Path, args: &[&str]) -> Command {
    sb.gatehouse(home, args)
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The results of a protect/unprotect/undo `--json` whose status is `status`, as "VERB /path".
    pub fn with_status(&self, status: &str) -> Vec<String> {
        self.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["status"] == status)
            .map(|m| {
                format!(
                    "{} {}",
                    m["verb"].as_str().unwrap(),
                    m["path"].as_str().unwrap()
                )
            })
            .collect()
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        }
    }
}

pub fn run(sb: &Sandbox, home: &Path, args: &[&str]) -> Run {
    cmd(sb, home, args).output().unwrap().into()
}

/// `gatehouse ARGS` with `input` on its stdin (a token, a password), as a user pipes it.
pub fn run_with_stdin(sb: &Sandbox, home: &Path, args: &[&str], input: &str) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd(sb, home, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap().into()
}

/// `gatehouse protect --api SecurePets --pool PetsPool --pool-region eu-west-1`: the seed
/// scenario's protect, before its methods.
pub const PROTECT_PETS: [&str; 7] = [
    "protect",
    "--api",
    "SecurePets",
    "--pool",
    "PetsPool",
    "--pool-region",
    "eu-west-1",
];

/// `gatehouse protect --api SecurePets --pool PetsPool --pool-region eu-west-1 ARGS…`
pub fn protect_pets(sb: &Sandbox, home: &Path, args: &[&str]) -> Run {
    run(sb, home, &[&PROTECT_PETS[..], args].concat())
}

/// `gatehouse protect --api API --pool PetsPool --pool-region eu-west-1 --all-open ARGS…`
pub fn protect_all_open(sb: &Sandbox, home: &Path, api: &str, args: &[&str]) -> Command {
    let base = [
        "protect",
        "--api",
        api,
        "--pool",
        "PetsPool",
        "--pool-region",
        "eu-west-1",
        "--all-open",
    ];
    cmd(sb, home, &[&base[..], args].concat())
}

pub fn seeded() -> (Sandbox, tempfile::TempDir, String) {
    let sb = Sandbox::start();
    let (_, id) = sb.seed_pets();
    (sb, tempfile::tempdir().unwrap(), id)
}

/// Waits until the newest apply in `home`'s journal has written at least `n` outcomes.
pub fn wait_for_outcomes(home: &Path, n: usize, within: Duration) {
    let journal_dir = home.join("data/gatehouse/journal");
    let deadline = Instant::now() + within;
    loop {
        let newest = std::fs::read_dir(&journal_dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .max();
        let outcomes = newest
            .map(|p| {
                std::fs::read_to_string(p)
                    .unwrap_or_default()
                    .matches("\"type\":\"after\"")
                    .count()
            })
            .unwrap_or(0);
        if outcomes >= n {
            return;
        }
        assert!(Instant::now() < deadline, "the apply never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
}
