//! `make bench`: where Gatehouse stands against API Gateway's own quota, an AWS CLI loop, a big
//! API, and its start-up and footprint (issue 6); a sweep across accounts and regions (issue
//! 14) and of every account of an SSO sign-in, 20 then 200 (issue 24). Runs the release binary
//! against the local sandbox with AWS-like throttling, prints one table, and writes it to
//! target/bench/report.md.
//!
//! Not a test: nothing here asserts a time; a figure off its target reads "miss". Under
//! `cargo test` (no `--bench` argument) it only says so and exits.
//!
//! `cargo bench --bench gatehouse -- review` runs only the parts named (`bulk`, `review`, `sweep`,
//! `accounts`).

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "gatehouse/accounts.rs"]
mod accounts;
#[path = "gatehouse/bulk.rs"]
mod bulk;
#[path = "gatehouse/procs.rs"]
mod procs;
#[path = "gatehouse/report.rs"]
mod report;
#[path = "gatehouse/review.rs"]
mod review;
#[path = "gatehouse/sandbox_ext.rs"]
mod sandbox_ext;
#[path = "gatehouse/sweep.rs"]
mod sweep;
#[path = "gatehouse/token.rs"]
mod token;

use report::{Row, Section, Verdict};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Instant;

/// Runs one part of the bench; a part that breaks leaves an error row and the others run on.
fn part(name: &str, body: fn() -> Section) -> Section {
    eprintln!("bench: {name}…");
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(section) => section,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panicked".into());
            Section {
                rows: vec![Row::error(name, &message)],
                notes: vec![format!("{name} did not finish: {message}")],
            }
        }
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("gatehouse bench: run it with `make bench` (cargo bench); not a test");
        return;
    }
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    type Part = (&'static str, &'static str, fn() -> Section);
    let parts: [Part; 4] = [
        ("bulk", "Bulk protect and AWS CLI baseline", bulk::run),
        ("review", "Review load, start-up and footprint", review::run),
        ("sweep", "Sweep across accounts and regions", sweep::run),
        (
            "accounts",
            "Sweep of every account of an SSO sign-in",
            accounts::run,
        ),
    ];
    let started = Instant::now();
    let sections: Vec<Section> = parts
        .into_iter()
        .filter(|(key, ..)| only.is_empty() || only.iter().any(|o| o == key))
        .map(|(_, name, body)| part(name, body))
        .collect();
    let total = started.elapsed().as_secs_f64();
    let rows: Vec<Row> = sections.iter().flat_map(|s| s.rows.clone()).collect();
    let notes: Vec<String> = sections.iter().flat_map(|s| s.notes.clone()).collect();

    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench/report.md");
    report::write_markdown(&path, &rows, &notes, total);
    println!();
    println!("{}", report::table(&rows));
    println!(
        "Machine: {}. Whole run {total:.0} s. Report: {}",
        report::machine(),
        path.display()
    );
    if rows.iter().any(|r| r.verdict == Verdict::Error) {
        std::process::exit(1);
    }
}
