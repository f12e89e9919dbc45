//! Help → Keyboard shortcuts, by keyboard: the top bar's ? button, ? typed outside a text field,
//! and F1 open the list of the keys the window answers; Tab goes round it, Escape closes it, and
//! the focus goes back where it was.

use crate::common;
use crate::keys::{assert_on, press, tab_to, wait_focus};

use common::window::{run, sandbox_env, AppHome, Window};
use common::Sandbox;
use fantoccini::key::Key;
use serde_json::json;

#[test]
fn help_lists_the_keyboard_shortcuts_by_keyboard() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        let w = Window::open(&sandbox_env(&sandbox.url, &home, "us-east-1")).await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;

        // The top bar's ? button, reached with Tab, opens the list with Enter.
        tab_to(&w, "[data-testid=shortcuts-open]", false).await;
        let label = w
            .js("return document.querySelector('[data-testid=shortcuts-open]').getAttribute('aria-label')")
            .await;
        assert_eq!(label, "Keyboard shortcuts");
        press(&w, Key::Enter, false).await;
        let f = wait_focus(&w, "#shortcuts-list", "on the list of shortcuts").await;
        assert_eq!(f["dialog"], "shortcuts-dialog");
        assert_eq!(w.text("#shortcuts-title").await, "Keyboard shortcuts");
        let list = w
            .js("return document.getElementById('shortcuts-list').textContent")
            .await;
        let list = list.as_str().unwrap();
        for words in [
            "Ctrl+=",
            "Zoom in",
            "Ctrl+F",
            "F5",
            "Previous or next view",
            "Methods table",
            "Between a method's checkbox and its path",
            "On the checkbox: select or unselect the method",
            "Escape",
            "Ctrl+Enter",
        ] {
            assert!(list.contains(words), "the list names {words:?}: {list}");
        }
        w.screenshot("keyboard-shortcuts").await;
        w.axe("Help: keyboard shortcuts").await;
        // Tab goes round the list and Close; Escape closes it and the focus is back on ?.
        press(&w, Key::Tab, false).await;
        assert_on(&w, "#shortcuts-close").await;
        press(&w, Key::Tab, false).await;
        assert_on(&w, "#shortcuts-list").await;
        press(&w, Key::Tab, true).await;
        assert_on(&w, "#shortcuts-close").await;
        press(&w, Key::Escape, false).await;
        w.wait_js(
            "return !document.getElementById('shortcuts-dialog').open",
            10,
        )
        .await;
        wait_focus(
            &w,
            "[data-testid=shortcuts-open]",
            "after Escape closed the list",
        )
        .await;

        // ? typed anywhere but in a text field opens it too; Enter on Close closes it.
        tab_to(&w, "#refresh", true).await;
        press(&w, '?', false).await;
        wait_focus(&w, "#shortcuts-list", "opened by ?").await;
        press(&w, Key::Tab, false).await;
        press(&w, Key::Enter, false).await;
        w.wait_js(
            "return !document.getElementById('shortcuts-dialog').open",
            10,
        )
        .await;
        wait_focus(&w, "#refresh", "back where ? was typed").await;
        // In the filter, ? is a character.
        tab_to(&w, "#api-filter", false).await;
        press(&w, '?', false).await;
        assert_eq!(
            w.js("return [document.getElementById('shortcuts-dialog').open, document.getElementById('api-filter').value]").await,
            json!([false, "?"])
        );
        press(&w, Key::Backspace, false).await;
        // F1, the Help menu's key, from anywhere.
        press(&w, Key::F1, false).await;
        wait_focus(&w, "#shortcuts-list", "opened by F1").await;
        press(&w, Key::Escape, false).await;
        wait_focus(&w, "#api-filter", "back in the filter").await;
        w.close().await;
    });
}
