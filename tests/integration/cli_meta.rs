//! What the command line says about itself: `--version` with its commit, the completion scripts,
//! the man page, and an example in every subcommand's help. No AWS, no display, no HOME.

use regex::Regex;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_gatehouse");

/// Every subcommand a user sees (the hidden `manpage` aside).
const SUBCOMMANDS: &[&str] = &[
    "pools",
    "audit",
    "protect",
    "unprotect",
    "check-token",
    "login",
    "undo",
    "completions",
];

/// Runs gatehouse with an empty environment: no HOME, no AWS, no display, no PATH.
fn gatehouse(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .stdin(Stdio::null())
        .output()
        .expect("gatehouse runs")
}

/// stdout of a command that must succeed quietly (packaging redirects it to a file).
fn stdout_of(args: &[&str]) -> String {
    let out = gatehouse(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "gatehouse {args:?}: {stderr}");
    assert!(
        stderr.is_empty(),
        "gatehouse {args:?} wrote to stderr: {stderr}"
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn version_names_the_version_and_the_commit_of_this_checkout() {
    let long = stdout_of(&["--version"]);
    assert_eq!(stdout_of(&["-V"]), long);
    let shape = Regex::new(r"^gatehouse (\S+) \(commit ([0-9a-f]{7}|unknown)\)\n$").unwrap();
    let caps = shape.captures(&long).unwrap_or_else(|| panic!("{long:?}"));
    assert_eq!(&caps[1], env!("CARGO_PKG_VERSION"));

    // Built from this checkout, it names HEAD (compared only where git works here).
    let root = env!("CARGO_MANIFEST_DIR");
    let head = Command::new("git")
        .args(["-C", root, "rev-parse", "--short=7", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success());
    if let Some(head) = head.filter(|_| std::path::Path::new(root).join(".git").exists()) {
        let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
        assert_eq!(&caps[2], head, "{long}");
    }
}

/// What bash's completion offers for `words`, the last one being completed.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = format!(
        r#"source <("$GATEHOUSE" completions bash) || exit 9
COMP_WORDS=({words})
COMP_CWORD={cword}
_gatehouse gatehouse "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cword = words.len() - 1,
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("GATEHOUSE", BIN)
        .env_remove("HOME")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_subcommands_flags_and_values() {
    assert_eq!(bash_complete(&["gatehouse", "au"]), ["audit"]);
    assert_eq!(bash_complete(&["gatehouse", "check"]), ["check-token"]);
    // The hidden `manpage` (for the packaging) is not offered.
    let man = bash_complete(&["gatehouse", "man"]);
    assert!(!man.iter().any(|w| w == "manpage"), "{man:?}");
    let root = bash_complete(&["gatehouse", "-"]);
    assert!(root.iter().any(|w| w == "--version"), "{root:?}");
    assert_eq!(
        bash_complete(&["gatehouse", "audit", "--for"]),
        ["--format"]
    );
    let formats = bash_complete(&["gatehouse", "audit", "--format", ""]);
    for format in ["table", "json", "sarif", "csv"] {
        assert!(formats.iter().any(|f| f == format), "{formats:?}");
    }
    let shells = bash_complete(&["gatehouse", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|s| s == shell), "{shells:?}");
    }
    let protect = bash_complete(&["gatehouse", "protect", "--"]);
    for flag in ["--api", "--pool", "--methods", "--all-open", "--dry-run"] {
        assert!(protect.iter().any(|f| f == flag), "{protect:?}");
    }
}

#[test]
fn zsh_fish_and_powershell_scripts_name_every_subcommand() {
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} script lacks {sub}");
        }
        assert!(script.contains("fail-on-open"), "{shell}");
        assert!(!script.contains("manpage"), "{shell} script offers manpage");
    }
    assert!(stdout_of(&["completions", "zsh"]).starts_with("#compdef gatehouse"));
    // Checked for syntax by the shell itself where it is installed (neither is required).
    for (shell, check) in [("zsh", ["-n"]), ("fish", ["--no-execute"])] {
        let Ok(mut child) = Command::new(shell)
            .args(check)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        else {
            continue;
        };
        let script = stdout_of(&["completions", shell]);
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn completions_with_an_unknown_shell_is_a_usage_error() {
    let out = gatehouse(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_man_page_is_one_page_with_every_subcommand() {
    let page = stdout_of(&["manpage"]);
    let first = page.lines().next().unwrap();
    assert!(first.starts_with(".TH GATEHOUSE 1 "), "{first}");
    assert!(
        first.contains(&format!("gatehouse {}", env!("CARGO_PKG_VERSION"))),
        "{first}"
    );
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH SUBCOMMANDS",
        ".SH EXAMPLES",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!(".SS \"gatehouse {sub}\"")),
            "no section for {sub}"
        );
    }
    // Options and examples of the subcommands, in roff's escaping of '-'.
    for text in [
        r"\-\-fail\-on\-open",
        r"\-\-all\-open",
        r"\-\-token\-stdin",
        r"\-\-no\-browser",
        r"gatehouse undo \-\-apply",
    ] {
        assert!(page.contains(text), "no {text}");
    }
    assert!(
        !page.contains("gatehouse-pools(1)"),
        "no references to other pages"
    );
    assert!(
        !page.contains("gatehouse manpage"),
        "the hidden subcommand stays out"
    );
}

/// Feeds the page to a formatter, if installed; None when it is not.
fn render(program: &str, args: &[&str], page: &str) -> Option<Output> {
    let mut child = Command::new(program)
        .args(args)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    Some(child.wait_with_output().unwrap())
}

#[test]
fn the_man_page_renders_without_warnings_where_man_or_groff_is_installed() {
    let page = stdout_of(&["manpage"]);
    // -k: groff's preconv, as man runs it, for the non-ASCII text (an en dash in "0–3600").
    let renderers: [(&str, &[&str]); 2] =
        [("groff", &["-k", "-man", "-Tutf8"]), ("man", &["-l", "-"])];
    // grotty's overstriking for bold and underline (X\bX, _\bX) taken out.
    let overstrike = Regex::new("(?s).\x08").unwrap();
    for (program, args) in renderers {
        let Some(out) = render(program, args, &page) else {
            continue;
        };
        let text = overstrike
            .replace_all(&String::from_utf8_lossy(&out.stdout), "")
            .into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{program}: {stderr}");
        assert!(stderr.trim().is_empty(), "{program}: {stderr}");
        assert!(text.contains("GATEHOUSE(1)"), "{program}: {text}");
        assert!(text.contains("check-token"), "{program}: {text}");
        assert!(text.contains("EXIT STATUS"), "{program}: {text}");
    }
}

#[test]
fn every_subcommand_help_has_examples() {
    for sub in SUBCOMMANDS.iter().chain(&["manpage"]) {
        for flag in ["--help", "-h"] {
            let help = stdout_of(&[sub, flag]);
            assert!(help.contains("Example"), "gatehouse {sub} {flag}:\n{help}");
            assert!(
                help.contains(&format!("  gatehouse {sub} ")),
                "gatehouse {sub} {flag}: the examples run {sub}:\n{help}"
            );
        }
    }
    let root = stdout_of(&["--help"]);
    assert!(
        root.contains("Examples:") && root.contains("Exit status:"),
        "{root}"
    );
}
