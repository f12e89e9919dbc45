//! The contract's lists agree: every command of src-tauri/commands.list is handled by the window
//! (commands.rs's `generate_handler!`), granted by capabilities/main.json and called by ui/api.js,
//! and nothing else is; the generated bindings are what the Rust types say.

use gatehouse::contract::COMMANDS;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn commands() -> BTreeSet<String> {
    COMMANDS.iter().map(|c| c.to_string()).collect()
}

#[test]
fn the_window_handles_exactly_the_listed_commands() {
    let source = read("src-tauri/commands.rs");
    let start = source
        .find("generate_handler![")
        .expect("generate_handler! in commands.rs");
    let end = start + source[start..].find(']').unwrap();
    let handled: BTreeSet<String> = source[start + "generate_handler![".len()..end]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(handled, commands());
}

#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    let caps: serde_json::Value = serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let granted: BTreeSet<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_str()
                .unwrap()
                .strip_prefix("allow-")
                .expect("only allow-<command> permissions")
                .replace('-', "_")
        })
        .collect();
    assert_eq!(granted, commands());
}

#[test]
fn the_page_calls_only_listed_commands_and_each_of_them() {
    let api = read("ui/api.js");
    let called: BTreeSet<String> = api
        .split("invoke(\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect();
    assert_eq!(called, commands());
    // The page's scripts: ui/*.js and its views (ui/views/*.js).
    let scripts: Vec<PathBuf> = ["ui", "ui/views"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root().join(dir)).unwrap())
        .map(|file| file.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "js"))
        .collect();
    assert!(scripts.iter().any(|p| p.ends_with("views/review.js")));
    for path in scripts.iter().filter(|p| !p.ends_with("ui/api.js")) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            !text.contains("__TAURI"),
            "{} reaches Tauri directly; api.js is the only file that calls it",
            path.display()
        );
    }
}

#[test]
fn the_generated_bindings_are_current() {
    let dir = tempfile::tempdir().unwrap();
    gatehouse::contract::export_bindings(dir.path()).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let fresh = std::fs::read_to_string(&path).unwrap();
        let committed =
            std::fs::read_to_string(root().join("ui/bindings").join(&name)).unwrap_or_default();
        assert_eq!(
            committed, fresh,
            "ui/bindings/{name} is stale: run `make ui-check` (cargo test --lib contract)"
        );
    }
}
