//! What the crates link: the core crate depends on no window toolkit, and a test binary of the
//! app package (this one) loads no WebKit or GTK, so tests that never open a window do not pay
//! for linking it.

use std::path::Path;
use std::process::Command;

const WINDOW_CRATES: [&str; 6] = [
    "tauri",
    "wry",
    "tao",
    "gtk",
    "webkit2gtk",
    "javascriptcore-rs",
];

#[test]
fn the_core_crate_depends_on_no_window_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "gatehouse-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        tree.contains("aws-sdk-apigateway"),
        "not the core's tree:\n{tree}"
    );
    let window: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| WINDOW_CRATES.contains(name) || name.starts_with("tauri-"))
        .collect();
    assert!(window.is_empty(), "the core crate depends on {window:?}");
}

#[test]
fn this_test_binary_loads_no_webkit_or_gtk() {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("ldd").arg(&exe).output().expect("ldd runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let libs = String::from_utf8_lossy(&out.stdout);
    assert!(libs.contains("libc.so"), "ldd listed nothing:\n{libs}");
    let window: Vec<&str> = libs
        .lines()
        .filter(|l| l.contains("webkit") || l.contains("libgtk") || l.contains("javascriptcore"))
        .collect();
    assert!(window.is_empty(), "{} links {window:?}", exe.display());
}
