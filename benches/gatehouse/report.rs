//! The one table the bench prints, and its markdown copy in target/bench/report.md.

use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Miss,
    /// A figure reported for context, without a target.
    Info,
    /// The measurement itself did not run to the end.
    Error,
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Miss => "**miss**",
            Verdict::Info => "",
            Verdict::Error => "**error**",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub figure: String,
    pub value: String,
    pub target: String,
    pub verdict: Verdict,
}

impl Row {
    /// A figure with a target: pass when `met`.
    pub fn check(figure: &str, value: String, target: &str, met: bool) -> Row {
        Row {
            figure: figure.into(),
            value,
            target: target.into(),
            verdict: if met { Verdict::Pass } else { Verdict::Miss },
        }
    }

    pub fn info(figure: &str, value: String) -> Row {
        Row {
            figure: figure.into(),
            value,
            target: String::new(),
            verdict: Verdict::Info,
        }
    }

    pub fn error(section: &str, message: &str) -> Row {
        Row {
            figure: section.into(),
            value: message
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(100)
                .collect(),
            target: String::new(),
            verdict: Verdict::Error,
        }
    }
}

/// What one section measured: the table rows, and notes that explain them.
#[derive(Debug, Default)]
pub struct Section {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl Section {
    pub fn row(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// A line for the report's notes, also shown at once on stderr as progress.
    pub fn note(&mut self, text: String) {
        eprintln!("bench: {text}");
        self.notes.push(text);
    }
}

pub fn secs(s: f64) -> String {
    format!("{s:.1} s")
}

pub fn millis(ms: f64) -> String {
    format!("{ms:.0} ms")
}

/// The table as markdown; also what the terminal shows (it reads well as plain text).
pub fn table(rows: &[Row]) -> String {
    let header = ["Figure", "Value", "Target", "Result"];
    let cells: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| {
            [
                r.figure.as_str(),
                r.value.as_str(),
                r.target.as_str(),
                r.verdict.label(),
            ]
        })
        .collect();
    let mut width = header.map(|h| h.chars().count());
    for c in &cells {
        for (w, s) in width.iter_mut().zip(c) {
            *w = (*w).max(s.chars().count());
        }
    }
    let line = |c: [&str; 4]| {
        let mut s = String::from("|");
        for (text, w) in c.iter().zip(width) {
            let pad = w - text.chars().count();
            let _ = write!(s, " {text}{} |", " ".repeat(pad));
        }
        s
    };
    let mut out = line(header) + "\n|";
    for w in width {
        let _ = write!(out, "{}|", "-".repeat(w + 2));
    }
    out.push('\n');
    for c in cells {
        out += &line(c);
        out.push('\n');
    }
    out
}

/// The machine the figures were measured on, in one line.
pub fn machine() -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let os = read("/etc/os-release")
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| "Linux".into());
    let kernel = read("/proc/sys/kernel/osrelease");
    format!(
        "{cpu}, {cores} cores, {mem_gib:.0} GiB RAM, {os}, kernel {}",
        kernel.trim()
    )
}

pub fn write_markdown(path: &Path, rows: &[Row], notes: &[String], total_secs: f64) {
    let mut md = String::from("# Gatehouse benchmarks\n\n");
    let _ = writeln!(
        md,
        "`make bench` (release build, local sandbox with API Gateway's 10 requests/s, burst 40 \
         throttling), {}; machine: {}; whole run {:.0} s.\n",
        date(),
        machine(),
        total_secs
    );
    md += &table(rows);
    if !notes.is_empty() {
        md += "\nNotes:\n\n";
        for n in notes {
            let _ = writeln!(md, "- {n}");
        }
    }
    std::fs::create_dir_all(path.parent().unwrap()).expect("create target/bench");
    std::fs::write(path, md).expect("write the bench report");
}

fn date() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
