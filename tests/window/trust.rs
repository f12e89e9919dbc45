//! A script and a colleague, seen from the window: while `gatehouse protect` runs on an API the
//! History shows it running (no Undo) and the window's own apply on that API is refused with who
//! holds it; once it ends, a colleague changes one method, and the undo's preview shows that row
//! skipped with the reason; Undo leaves it alone, "restore anyway" restores it.

use crate::common;

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use std::process::{Command, Stdio};

#[test]
fn a_running_script_then_a_colleague_then_undo() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let api = sandbox.bulk_api("us-east-1", "Busy", 24, 1);
        let home = AppHome::new();
        let env = sandbox_env(&sandbox.url, &home, "us-east-1");
        let w = Window::open(&env).await;

        // A script protects every open method of Busy, slowly.
        let script = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .args(["protect", "--api", "Busy", "--pool", "PetsPool"])
            .args(["--pool-region", "eu-west-1", "--all-open", "--max-rps", "1"])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env_remove("DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = script.id();

        // History shows it running, with no Undo.
        w.click("#tab-history").await;
        w.wait_js(
            "return !!document.querySelector('[data-testid=history-item][data-running=true]')",
            30,
        )
        .await;
        let item = w
            .text("[data-testid=history-item][data-running=true]")
            .await;
        assert!(item.contains("Protect · Busy"), "{item}");
        assert!(item.contains("running"), "{item}");
        assert_eq!(
            w.count_visible("[data-testid=history-item][data-running=true] [data-testid=undo]")
                .await,
            0
        );
        w.screenshot("history-running").await;
        w.axe("History, a script running").await;

        // The window's own write to Busy is refused at once, naming the script.
        w.click("#tab-review").await;
        w.open_api("Busy", 24).await;
        w.click("[data-testid=method-row] input[type=checkbox]")
            .await;
        w.click("#unprotect").await;
        w.click("[data-testid=apply]").await;
        w.wait_js(
            "return !document.getElementById('preview-error').hidden",
            20,
        )
        .await;
        let error = w.text("#preview-error").await;
        assert!(
            error.contains("another apply is running on Busy (started "),
            "{error}"
        );
        assert!(
            error.contains(&format!("by gatehouse protect, pid {pid})")),
            "{error}"
        );
        w.screenshot("apply-refused-busy").await;
        w.axe("the apply refused, busy").await;
        w.click("#preview-close").await;

        let out = script.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(sandbox.count_kind(&api, "COGNITO_USER_POOLS"), 24);

        // A colleague sets GET /r0001 to IAM.
        sandbox.set_behind_our_back(&api, "/r0001", "GET", "AWS_IAM");

        // Undo's preview: 23 back to Open, the colleague's method skipped with the reason.
        w.click("#tab-history").await;
        w.wait_js("return !!document.querySelector('[data-testid=history-item][data-running=false] [data-testid=undo]')", 30).await;
        w.click("[data-testid=history-item] [data-testid=undo]")
            .await;
        w.find("[data-testid=undo-skipped]").await;
        let row = w
            .text("#preview-rows [data-testid=preview-row][data-skipped=true]")
            .await;
        assert!(row.contains("GET /r0001"), "{row}");
        assert!(row.contains("IAM"), "{row}");
        assert!(
            row.contains("changed since the apply: now AWS_IAM"),
            "{row}"
        );
        assert_eq!(w.text("[data-testid=apply]").await, "Undo 23 methods");
        w.screenshot("undo-preview-skipped").await;
        w.axe("the undo preview, skipped methods").await;
        w.click("[data-testid=apply]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 23", 30).await;
        assert_eq!(sandbox.count_kind(&api, "NONE"), 23);
        assert_eq!(sandbox.count_kind(&api, "AWS_IAM"), 1, "left alone");
        w.click("#preview-close").await;

        // Partly undone: Undo again, tick "restore anyway", and the last one goes back too.
        w.wait_js(
            "return !!document.querySelector('[data-testid=history-item] [data-testid=undo]')",
            20,
        )
        .await;
        w.click("[data-testid=history-item][data-apply-id] [data-testid=undo]")
            .await;
        w.find("[data-testid=undo-force]").await;
        w.click("[data-testid=undo-force]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=apply]').textContent === 'Undo 1 method'",
            20,
        )
        .await;
        w.click("[data-testid=apply]").await;
        w.wait_js("return document.querySelectorAll('[data-testid=apply-result][data-status=changed]').length === 1", 30).await;
        assert_eq!(sandbox.count_kind(&api, "NONE"), 24);
        w.close().await;
    });
}

/// The window's apply takes the API's writer lock before it reads what it plans from: a
/// colleague's `gatehouse protect` of the same method, started while the window's read is on its
/// way, is refused — or, if it ever got through, undoing the window's apply would restore what
/// the colleague set, never Open (the window's journal held a before-state read before the
/// colleague wrote, and its undo re-opened the method the colleague had protected).
#[test]
fn the_windows_apply_reads_under_the_lock() {
    run(|| async {
        let sandbox = Sandbox::start();
        let (_, api) = sandbox.seed_pets();
        let get_pets = || sandbox.aws_state(&api)["methods"]["GET /pets"].clone();
        let home = AppHome::new();
        let env = sandbox_env(&sandbox.url, &home, "us-east-1");
        let cli = |args: &[&str], key: &str| {
            Command::new(env!("CARGO_BIN_EXE_gatehouse"))
                .args(args)
                .envs(env.iter().map(|(k, v)| (k, v)))
                .env("AWS_ACCESS_KEY_ID", key)
                .env_remove("DISPLAY")
                .output()
                .unwrap()
        };
        // PetsPool's authorizer exists on SecurePets (protecting POST /purchase).
        let setup = cli(
            &[
                "protect",
                "--api",
                "SecurePets",
                "--pool",
                "PetsPool",
                "--pool-region",
                "eu-west-1",
                "--methods",
                "POST /purchase",
            ],
            "testing",
        );
        assert_eq!(
            setup.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&setup.stderr)
        );

        let w = Window::open(&env).await;
        w.open_api("SecurePets", 4).await;
        w.click("[data-testid=method-row][data-verb=GET][data-path='/pets'] input[type=checkbox]")
            .await;
        w.wait_js(
            "return [...document.querySelectorAll('[data-testid=authorizer-select] option')].some(o => o.textContent.startsWith('PetsPool'))",
            20,
        )
        .await;
        w.js("const s = document.querySelector('[data-testid=authorizer-select]'); const o = [...s.options].find(o => o.textContent.startsWith('PetsPool')); s.value = o.value; s.dispatchEvent(new Event('change')); return true").await;
        w.click("[data-testid=preview]").await;
        w.wait_js(
            "return document.querySelectorAll('#preview-rows [data-testid=preview-row]').length === 1",
            20,
        )
        .await;

        // From now on the window's reads of the methods arrive 6 s late, as they were when asked.
        sandbox.control(
            "/_sandbox/config",
            serde_json::json!({"slow_answers": {"testing": {"GetResources": 6000}}}),
        );
        w.click("[data-testid=apply]").await;
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let colleague = cli(
            &[
                "protect",
                "--api",
                "SecurePets",
                "--pool",
                "PetsPool",
                "--pool-region",
                "eu-west-1",
                "--authorizer-name",
                "Colleague",
                "--methods",
                "GET /pets",
            ],
            "AKIACOLLEAGUE",
        );
        let colleague_err = String::from_utf8_lossy(&colleague.stderr).to_string();
        w.wait_js(
            "return document.querySelectorAll('[data-testid=apply-result]').length === 1",
            40,
        )
        .await;
        sandbox.control("/_sandbox/config", serde_json::json!({"slow_answers": {}}));
        let refused = colleague.status.code() == Some(1)
            && colleague_err.contains("another apply is running on SecurePets (started ");
        let colleague_state = if refused {
            None
        } else {
            assert_eq!(colleague.status.code(), Some(0), "{colleague_err}");
            Some(get_pets())
        };
        w.screenshot("apply-under-lock").await;
        w.axe("the apply under the lock").await;
        w.close().await;

        // Undo the window's apply: GET /pets is never re-opened over what a colleague set.
        let undo = cli(&["undo", "--json"], "testing");
        assert!(
            undo.status.success(),
            "{}",
            String::from_utf8_lossy(&undo.stderr)
        );
        let now = get_pets();
        match colleague_state {
            None => assert_eq!(now["authorizationType"], "NONE", "{now}"),
            Some(theirs) => assert_eq!(now, theirs, "undo restored what the colleague set"),
        }
        assert!(refused, "the colleague was not refused: {colleague_err}");
    });
}
