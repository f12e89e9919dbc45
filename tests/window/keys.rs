//! Keys pressed as a person presses them — through WebDriver's actions, which the driver
//! synthesises where WebKit takes a keyboard's — and where the focus then is, as a person sees it.

use crate::common;

use common::window::Window;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use serde_json::{json, Value};
use std::time::Duration;

/// Presses the keys in order, each down then up, with Shift held throughout when `shift`.
pub async fn press_all(w: &Window, keys: &[char], shift: bool) {
    let shift_key: char = Key::Shift.into();
    let mut actions = KeyActions::new("keyboard".into());
    if shift {
        actions = actions.then(KeyAction::Down { value: shift_key });
    }
    for &key in keys {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    if shift {
        actions = actions.then(KeyAction::Up { value: shift_key });
    }
    let mut attempt = 0;
    loop {
        match w.client.perform_actions(actions.clone()).await {
            Ok(()) => break,
            // tauri-driver dropped a pooled connection: the keys never reached the page.
            Err(CmdError::Lost(_)) if attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("press {keys:?}: {e}"),
        }
    }
    let _ = w.client.release_actions().await;
    // What a key starts synchronously (focus, a dialog opening) is done; give the page a frame.
    tokio::time::sleep(Duration::from_millis(60)).await;
}

/// Presses one key (with Shift held when `shift`).
pub async fn press(w: &Window, key: impl Into<char>, shift: bool) {
    press_all(w, &[key.into()], shift).await;
}

/// Types `text` key by key, as into a focused list's type-ahead or a field.
pub async fn type_text(w: &Window, text: &str) {
    press_all(w, &text.chars().collect::<Vec<_>>(), false).await;
}

/// Where the focus is, as a person sees it: the element (tag, id, test id, its words), whether
/// `:focus-visible` matches and a ring (outline or box shadow) is drawn on it or the label
/// around it, the dialog and the method row it is in, and whether it matches `css`.
const FOCUS: &str = r#"
const css = arguments[0];
const a = document.activeElement;
if (!a || a === document.body || a === document.documentElement) return { body: true };
const drawn = (e) => {
  const s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
};
return {
  body: false,
  tag: a.tagName.toLowerCase(),
  id: a.id,
  testid: a.dataset.testid ?? null,
  words: (a.getAttribute('aria-label') ?? a.textContent ?? '').trim().slice(0, 80),
  visible: a.matches(':focus-visible'),
  ring: [a, a.parentElement, a.parentElement?.parentElement].some((e) => e && drawn(e)),
  dialog: a.closest('dialog')?.id ?? null,
  row: a.closest('tr[data-testid=method-row]')?.dataset.key ?? null,
  column: a.closest('td.path') ? 'path' : a.closest('tr[data-testid=method-row]') ? 'check' : null,
  checked: a.type === 'checkbox' || a.type === 'radio' ? a.checked : null,
  api: a.dataset.apiName ?? null,
  matches: !!css && a.matches(css),
};
"#;

/// Where the focus is now (see FOCUS); `css` fills its `matches`.
pub async fn focus(w: &Window, css: &str) -> Value {
    let mut attempt = 0;
    loop {
        match w.client.execute(FOCUS, vec![json!(css)]).await {
            Ok(v) => return v,
            Err(CmdError::Lost(_)) if attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("read the focus: {e}"),
        }
    }
}

/// Asserts that the focus is on a control, and that a person sees where.
pub fn assert_shown(f: &Value, at: &str) {
    assert_eq!(
        f["body"], false,
        "the focus is lost (on the page's body) {at}"
    );
    assert_eq!(
        f["visible"], true,
        ":focus-visible does not match {at}: {f}"
    );
    assert_eq!(f["ring"], true, "no focus ring is drawn {at}: {f}");
}

/// Asserts that the focus is on what `css` matches, and shows.
pub async fn assert_on(w: &Window, css: &str) -> Value {
    let f = focus(w, css).await;
    assert_eq!(f["matches"], true, "the focus is not on {css}: {f}");
    assert_shown(&f, &format!("on {css}"));
    f
}

/// Presses Tab (Shift+Tab when `back`) until the focus is on what `css` matches, as a person
/// tabs through the window looking for it; every stop on the way shows where the focus is.
pub async fn tab_to(w: &Window, css: &str, back: bool) -> Value {
    let mut seen = Vec::new();
    for _ in 0..60 {
        press(w, Key::Tab, back).await;
        let f = focus(w, css).await;
        assert_shown(&f, &format!("tabbing to {css}"));
        if f["matches"] == true {
            return f;
        }
        seen.push(format!("{}#{} {}", f["tag"], f["id"], f["words"]));
    }
    panic!("Tab never reached {css}; it went through: {seen:#?}");
}

/// The words of the first control Tab stops at in `dialog` (as FOCUS reads them).
pub async fn first_stop(w: &Window, dialog: &str) -> Value {
    let q = serde_json::to_string(dialog).unwrap();
    w.js(&format!(
        "const e = [...document.querySelector({q}).querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
           .find(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length);
         return (e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 80)"
    ))
    .await
}

/// Waits until the focus is on what `css` matches (a dialog opened or closed, an async step
/// ended), and that it shows; what the focus is on.
pub async fn wait_focus(w: &Window, css: &str, what: &str) -> Value {
    let q = serde_json::to_string(css).unwrap();
    w.wait_js(&format!("return document.activeElement?.matches({q})"), 20)
        .await;
    let f = focus(w, css).await;
    assert_shown(&f, what);
    f
}
