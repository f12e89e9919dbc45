//! The window around the page: Gatehouse comes back as it was left (profile, region, open API,
//! size), its title says where it is, and its shortcuts work as typed in the page (under WebDriver
//! keys reach the page, not GTK's menu accelerators).

use crate::common;

use common::window::{run, sandbox_env, screenshots_dir, AppHome, Window};
use common::Sandbox;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const TITLE: &str = "Gatehouse — SecurePets · environment credentials · us-east-1";
const SIZE: (u64, u64) = (1000, 660);

/// Presses `key` with Ctrl held (or alone), as a person at the keyboard.
async fn press(w: &Window, ctrl: bool, key: char) {
    let mut keys = KeyActions::new("keyboard".into());
    if ctrl {
        keys = keys.then(KeyAction::Down {
            value: Key::Control.into(),
        });
    }
    keys = keys
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    if ctrl {
        keys = keys.then(KeyAction::Up {
            value: Key::Control.into(),
        });
    }
    w.client.perform_actions(keys).await.expect("press keys");
    w.client.release_actions().await.expect("release keys");
}

/// The window's state file: `.window-state.json` in the app's config folder.
fn state_file(home: &AppHome) -> PathBuf {
    home.path()
        .join(".config/dev.gatehouse.app/.window-state.json")
}

/// The window as a person sees it, in the `theme` chosen with the page's theme button: the native menu bar, taken from the X
/// screen, above the page, taken by WebDriver (WebKit's compositing leaves the page blank on the
/// X screen of Xvfb). Returns the menu bar's height.
async fn window_shot(w: &Window, name: &str, theme: &str) -> u64 {
    // The theme button cycles system → light → dark; the menu bar follows it.
    for _ in 0..3 {
        if w.js("return document.documentElement.dataset.theme ?? 'auto'")
            .await
            == theme
        {
            break;
        }
        w.click("#theme").await;
    }
    w.settled_screenshot(&format!("{name}-page")).await;
    let (x, y, width, height) = w.client.get_window_rect().await.unwrap();
    let page = w.js("return window.innerHeight").await.as_u64().unwrap();
    let bar = height - page;
    let dir = screenshots_dir();
    let strip = dir.join(format!("{name}-menubar.png"));
    let status = Command::new("import")
        .args(["-window", "root", "-crop"])
        .arg(format!("{width}x{bar}+{x}+{y}"))
        .arg(&strip)
        .status()
        .expect("run ImageMagick's import");
    assert!(status.success(), "import could not take the menu bar");
    let status = Command::new("convert")
        .arg(&strip)
        .arg(dir.join(format!("{name}-page.png")))
        .arg("-append")
        .arg(dir.join(format!("{name}-{theme}.png")))
        .status()
        .expect("run ImageMagick's convert");
    assert!(
        status.success(),
        "convert could not join the menu bar and the page"
    );
    let _ = std::fs::remove_file(strip);
    let _ = std::fs::remove_file(dir.join(format!("{name}-page.png")));
    bar
}

/// Waits until the sandbox has answered more `GetRestApis` calls than `before`.
async fn wait_listed_again(sandbox: &Sandbox, before: u64, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while sandbox.calls("apigateway", "GetRestApis") == before {
        assert!(Instant::now() < deadline, "{what} listed no APIs again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page's width in CSS pixels: it shrinks as the page zooms in.
async fn page_width(w: &Window) -> u64 {
    w.js("return window.innerWidth").await.as_u64().unwrap()
}

#[test]
fn gatehouse_comes_back_as_it_was_left_and_answers_its_shortcuts() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        // AWS_REGION says us-west-2: only what the first run remembers brings us-east-1 back.
        let env = sandbox_env(&sandbox.url, &home, "us-west-2");

        let w = Window::open(&env).await;
        w.wait_no_apis().await;
        assert_eq!(
            w.client.title().await.unwrap(),
            "Gatehouse — environment credentials · us-west-2"
        );
        w.select("[data-testid=region-select]", "us-east-1").await;
        w.find("[data-testid=api-item][data-api-name=SecurePets]")
            .await;
        // With no API open, Find (Ctrl+F) is the APIs list's filter.
        press(&w, true, 'f').await;
        w.wait_js("return document.activeElement?.id === 'api-filter'", 5)
            .await;
        w.client
            .set_window_rect(40, 30, SIZE.0 as u32, SIZE.1 as u32)
            .await
            .expect("resize the window");
        // The size is written a moment after the last resize, not only when the app exits.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let saved: serde_json::Value = std::fs::read_to_string(state_file(&home))
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            if saved["main"]["width"] == SIZE.0 && saved["main"]["height"] == SIZE.1 {
                break;
            }
            assert!(Instant::now() < deadline, "size not saved: {saved}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The API opened last, then the window closed at once (and its app killed): still kept.
        w.open_api("SecurePets", 4).await;
        assert_eq!(w.client.title().await.unwrap(), TITLE);
        w.close().await;

        // Opened again on the same home: the profile, the region and SecurePets, in that size.
        let w = Window::open(&env).await;
        w.wait_js(
            "return document.getElementById('review-title').textContent === 'SecurePets' \
             && document.querySelectorAll('[data-testid=method-row]').length === 4",
            20,
        )
        .await;
        assert_eq!(
            w.js("return [document.getElementById('profile').value, document.getElementById('region').value]").await,
            serde_json::json!(["env", "us-east-1"])
        );
        assert_eq!(
            w.js("return document.querySelector('[data-testid=api-item][aria-selected=true]')?.dataset.apiName").await,
            "SecurePets"
        );
        assert_eq!(w.client.title().await.unwrap(), TITLE);
        let (x, y, width, height) = w.client.get_window_rect().await.unwrap();
        assert!(
            width.abs_diff(SIZE.0) <= 4 && height.abs_diff(SIZE.1) <= 4,
            "the window came back {width}×{height}, not {}×{}",
            SIZE.0,
            SIZE.1
        );
        // Without a window manager the position comes back too.
        assert_eq!((x, y), (40, 30), "the window's position");

        // The menu bar takes its height from the page, which still fits: the status bar shows whole.
        for theme in ["light", "dark"] {
            let bar = window_shot(&w, "shell-window", theme).await;
            assert!((15..60).contains(&bar), "a menu bar {bar} px high");
        }
        assert_eq!(
            w.js("return document.documentElement.scrollHeight <= window.innerHeight \
                  && document.querySelector('.statusbar').getBoundingClientRect().bottom <= window.innerHeight")
                .await,
            true,
            "the page is taller than the window under its menu bar"
        );

        // Ctrl+F: the filter of the view shown takes the focus (here the open API's path filter).
        press(&w, true, 'f').await;
        w.wait_js("return document.activeElement?.id === 'path-filter'", 5)
            .await;

        // Ctrl+=, Ctrl+- and Ctrl+0 zoom the page (WebKit's zoom: fewer CSS pixels across).
        let actual = page_width(&w).await;
        press(&w, true, '=').await;
        w.wait_js(&format!("return window.innerWidth < {actual}"), 5)
            .await;
        press(&w, true, '0').await;
        w.wait_js(&format!("return window.innerWidth === {actual}"), 5)
            .await;
        press(&w, true, '-').await;
        w.wait_js(&format!("return window.innerWidth > {actual}"), 5)
            .await;
        press(&w, true, '0').await;
        w.wait_js(&format!("return window.innerWidth === {actual}"), 5)
            .await;

        // F5 and Ctrl+R refresh as the ↻ button does: the APIs are listed again, once per press,
        // and SecurePets stays open, its methods read again from AWS.
        let listed = sandbox.calls("apigateway", "GetRestApis");
        let read = sandbox.calls("apigateway", "GetResources");
        press(&w, false, Key::F5.into()).await;
        wait_listed_again(&sandbox, listed, "F5").await;
        let reopened = "return document.getElementById('review-title').textContent === 'SecurePets' \
             && document.querySelectorAll('[data-testid=method-row]').length === 4 \
             && document.querySelector('[data-testid=api-item][aria-selected=true]')?.dataset.apiName === 'SecurePets'";
        w.wait_js(reopened, 20).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(sandbox.calls("apigateway", "GetRestApis"), listed + 1);
        assert!(
            sandbox.calls("apigateway", "GetResources") > read,
            "the open API's methods were not read again"
        );
        let listed = listed + 1;
        press(&w, true, 'r').await;
        wait_listed_again(&sandbox, listed, "Ctrl+R").await;
        w.wait_js(reopened, 20).await;
    });
}

/// What the user does wins over what the window brings back: a view chosen while the last API is
/// still coming back stays chosen once it is back (the API opens behind it, in Review).
#[test]
fn a_view_chosen_while_the_last_place_comes_back_stays() {
    run(|| async {
        let sandbox = Sandbox::start();
        sandbox.seed();
        let home = AppHome::new();
        let env = sandbox_env(&sandbox.url, &home, "us-east-1");
        let w = Window::open(&env).await;
        w.open_api("SecurePets", 4).await;
        w.close().await;

        // The next start lists the APIs slowly; meanwhile the user opens the Profiles view.
        sandbox.control(
            "/_sandbox/config",
            serde_json::json!({"slow_answers": {"testing": {"GetRestApis": 3000}}}),
        );
        let w = Window::open(&env).await;
        w.click("#tab-profiles").await;
        w.find("[data-testid=profile-row]").await;
        w.wait_js(
            "return document.querySelector('[data-testid=api-item][aria-selected=true]')?.dataset.apiName === 'SecurePets' \
             && document.getElementById('review-title').textContent === 'SecurePets' \
             && document.querySelectorAll('[data-testid=method-row]').length === 4",
            20,
        )
        .await;
        sandbox.control("/_sandbox/config", serde_json::json!({"slow_answers": {}}));
        // Whatever would flip the view back has run by now.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            w.js("return [document.getElementById('tab-profiles').getAttribute('aria-selected'), \
                  document.getElementById('view-profiles').hidden, document.getElementById('view-review').hidden]")
                .await,
            serde_json::json!(["true", false, true]),
            "the view went back to Review when the last API came back"
        );
        w.screenshot("restore-user-wins").await;
        w.axe("Profiles, while the last place comes back").await;
    });
}
