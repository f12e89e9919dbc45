//! The validators users run on their templates (tests/templates/judge.py in .venv-judges, built
//! by `make judges`), and the CDK type check. Missing judges fail the test: never a skip.

use super::sandbox::repo_root;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// `judge.py ARGS…`'s one JSON answer.
pub fn judge(args: &[&str]) -> Value {
    let root = repo_root();
    let python = root.join(".venv-judges/bin/python");
    assert!(
        python.exists(),
        "{} is missing: `make judges` installs the validators (cfn-lint, aws-sam-translator, checkov, python-hcl2)",
        python.display()
    );
    let out = Command::new(&python)
        .arg(root.join("tests/templates/judge.py"))
        .args(args)
        .output()
        .expect("run judge.py");
    assert!(
        out.status.success(),
        "judge {args:?} could not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("judge.py answers JSON")
}

/// cfn-lint's errors for a CloudFormation or SAM template (empty: it passes).
pub fn cfn_lint_errors(file: &Path) -> Vec<Value> {
    let v = judge(&["cfn-lint", &file.to_string_lossy()]);
    v["errors"].as_array().cloned().unwrap_or_default()
}

/// SAM's transform, then cfn-lint: (errors, the transformed template).
pub fn sam(file: &Path) -> (Vec<Value>, Value) {
    let v = judge(&["sam", &file.to_string_lossy()]);
    (
        v["errors"].as_array().cloned().unwrap_or_default(),
        v["transformed"].clone(),
    )
}

/// checkov's (passed, failed) resource ids for one check.
pub fn checkov(check: &str, path: &Path, framework: &str) -> (Vec<String>, Vec<String>) {
    let v = judge(&[
        "checkov",
        check,
        &path.to_string_lossy(),
        "--framework",
        framework,
    ]);
    let ids = |k: &str| -> Vec<String> {
        let mut ids: Vec<String> = v[k]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(v["parsing_errors"], serde_json::json!([]), "{v}");
    (ids("passed"), ids("failed"))
}

/// python-hcl2's parse of a .tf file, or the error it gave.
pub fn hcl2(file: &Path) -> std::result::Result<Value, String> {
    let v = judge(&["hcl2", &file.to_string_lossy()]);
    match v.get("error") {
        Some(e) => Err(e.to_string()),
        None => Ok(v["parsed"].clone()),
    }
}

/// `tsc --strict` on the TypeScript files written to tests/templates/cdk/out/ against
/// aws-cdk-lib's declarations: tsc's output when it fails.
pub fn cdk_type_check() -> std::result::Result<(), String> {
    let root = repo_root();
    assert!(
        root.join("node_modules/aws-cdk-lib").exists(),
        "node_modules/aws-cdk-lib is missing: `make ui-deps` installs it"
    );
    let out = Command::new("npx")
        .current_dir(&root)
        .args(["tsc", "-p", "tests/templates/cdk/tsconfig.json", "--noEmit"])
        .output()
        .expect("run npx tsc");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
