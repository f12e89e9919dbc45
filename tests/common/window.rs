//! Drives the real Gatehouse window: tauri-driver + WebKitWebDriver under the display and D-Bus
//! session that `make test` provides. Without them the window tests fail; they never skip.

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One window at a time: one display, one driver.
static ONE_WINDOW: Mutex<()> = Mutex::new(());

/// Runs a window test body with the lock held and a runtime of its own.
pub fn run<F, Fut>(body: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let _guard = ONE_WINDOW.lock().unwrap_or_else(|p| p.into_inner());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(body());
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver() -> PathBuf {
    if let Ok(p) = which("tauri-driver") {
        return p;
    }
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo"));
    let p = home.join("bin/tauri-driver");
    assert!(
        p.exists(),
        "tauri-driver is not installed: run `make test`, which installs it"
    );
    p
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
        .ok_or(())
}

pub fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A private home for one run of the app: its config, data, cache and AWS files.
pub struct AppHome {
    pub dir: tempfile::TempDir,
}

impl AppHome {
    pub fn new() -> AppHome {
        AppHome {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn env(&self) -> Vec<(String, String)> {
        let p = self.path();
        let s = |sub: &str| p.join(sub).to_string_lossy().to_string();
        vec![
            ("HOME".into(), s("")),
            ("XDG_CONFIG_HOME".into(), s(".config")),
            ("XDG_DATA_HOME".into(), s(".local/share")),
            ("XDG_CACHE_HOME".into(), s(".cache")),
            ("AWS_CONFIG_FILE".into(), s(".aws/config")),
            ("AWS_SHARED_CREDENTIALS_FILE".into(), s(".aws/credentials")),
        ]
    }
}

/// The app's environment pointed at the sandbox with dummy credentials, in a private home.
pub fn sandbox_env(sandbox_url: &str, home: &AppHome, region: &str) -> Vec<(String, String)> {
    let mut env = home.env();
    env.extend([
        ("AWS_ENDPOINT_URL".to_string(), sandbox_url.to_string()),
        ("AWS_ACCESS_KEY_ID".to_string(), "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY".to_string(), "testing".to_string()),
        ("AWS_REGION".to_string(), region.to_string()),
    ]);
    env
}

pub struct Window {
    pub client: Client,
    driver: Child,
    /// Everything the driver and the app printed (stdout and stderr).
    pub output: PathBuf,
    /// The driver's address, for the WebDriver commands fantoccini has no method for (an
    /// element's computed role and label).
    pub driver_url: String,
}

fn is_transient(e: &CmdError) -> bool {
    // tauri-driver sometimes drops a pooled connection; the request never reached the page.
    matches!(
        e,
        CmdError::Lost(_) | CmdError::Failed(_) | CmdError::FailedC(_)
    )
}

macro_rules! retry {
    ($e:expr) => {{
        let mut attempt = 0;
        loop {
            match $e {
                Err(err) if is_transient(&err) && attempt < 5 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                other => break other,
            }
        }
    }};
}

/// The environment variables that would give the app credentials of the test's own environment:
/// unset them when the credentials must come from the profiles alone.
pub const ENV_CREDENTIALS: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
];

impl Window {
    /// Starts tauri-driver with `env` (the app inherits it) and opens Gatehouse.
    pub async fn open(env: &[(String, String)]) -> Window {
        Self::open_without(env, &[]).await
    }

    /// As `open`, with the variables `unset` removed from what the app inherits (e.g. the test
    /// runner's own AWS_ACCESS_KEY_ID, for an app that must find its credentials elsewhere).
    pub async fn open_without(env: &[(String, String)], unset: &[&str]) -> Window {
        let app = Path::new(env!("CARGO_BIN_EXE_gatehouse"));
        let ready =
            "return document.readyState === 'complete' && !!document.getElementById('profile')";
        Self::open_app(app, env, unset, ready).await
    }

    /// Opens another Tauri app (the bench's bare window) the same way, ready once `ready` holds.
    pub async fn open_app(
        app: &Path,
        env: &[(String, String)],
        unset: &[&str],
        ready: &str,
    ) -> Window {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "window tests need a display: run them through `make test` (Xvfb + D-Bus + Secret Service)"
        );
        // Both rustls providers are in the dependency tree; the driver speaks plain HTTP anyway.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = free_port();
        let native = free_port();
        let output = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/window-logs")
            .join(format!("{}-{port}.log", std::process::id()));
        std::fs::create_dir_all(output.parent().unwrap()).unwrap();
        let log = std::fs::File::create(output.with_extension("driver.log")).unwrap();
        // The app's own stdout and stderr go to `output` through a wrapper that the driver
        // launches in its place (WebKitWebDriver does not pass the app's output on).
        let wrapper = output.with_extension("sh");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexec '{}' \"$@\" >>'{}' 2>&1\n",
                app.display(),
                output.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(
            &wrapper,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log));
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        for name in unset {
            cmd.env_remove(name);
        }
        let driver = cmd.spawn().expect("start tauri-driver");
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), json!({"application": wrapper}));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::rustls()
                .unwrap()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(e) => panic!("could not open a WebDriver session on the app: {e}"),
            }
        };
        let w = Window {
            client,
            driver,
            output,
            driver_url: url,
        };
        w.wait_js(ready, 20).await;
        w
    }

    /// Evaluates `script` (which returns a value) until it is truthy, or fails the test.
    pub async fn wait_js(&self, script: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = retry!(self.client.execute(script, vec![]).await).unwrap_or(Value::Null);
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::Array(a) => !a.is_empty(),
                Value::Object(_) => true,
            };
            if truthy {
                return v;
            }
            if Instant::now() > deadline {
                let shot = self.screenshot("timeout").await;
                panic!(
                    "timed out after {secs}s waiting for: {script} (screenshot: {})",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Opens an API from the list and waits for its `rows` methods.
    pub async fn open_api(&self, name: &str, rows: usize) {
        self.click(&format!("[data-testid=api-item][data-api-name='{name}']"))
            .await;
        // The review says how many methods it read; only the rows in view (and a few around
        // them) are in the page, so a long API has fewer rows there than methods.
        let name = serde_json::to_string(name).unwrap();
        let methods = format!(" of {rows} method");
        self.wait_js(
            &format!(
                "return document.getElementById('review-title').textContent === {name} \
                 && document.getElementById('review-summary').textContent.includes({}) \
                 && document.querySelectorAll('[data-testid=method-row]').length > 0 \
                 && document.querySelectorAll('[data-testid=method-row]').length <= {rows}",
                serde_json::to_string(&methods).unwrap()
            ),
            20,
        )
        .await;
    }

    /// Waits until the `<select>` or input matching `css` holds `value`.
    pub async fn wait_value(&self, css: &str, value: &str) {
        let (q, v) = (
            serde_json::to_string(css).unwrap(),
            serde_json::to_string(value).unwrap(),
        );
        self.wait_js(
            &format!("return document.querySelector({q})?.value === {v}"),
            20,
        )
        .await;
    }

    /// Waits until the APIs list has loaded and says the region has none.
    pub async fn wait_no_apis(&self) {
        self.wait_js("return !document.getElementById('apis-empty').hidden", 20)
            .await;
    }

    pub async fn js(&self, script: &str) -> Value {
        retry!(self.client.execute(script, vec![]).await).expect("execute script")
    }

    /// Waits for a visible element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        let q = serde_json::to_string(css).unwrap();
        self.wait_js(
            &format!(
                "const e = document.querySelector({q}); return !!e && e.offsetParent !== null;"
            ),
            20,
        )
        .await;
        retry!(self.client.find(Locator::Css(css)).await).expect("find element")
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        retry!(self.client.find_all(Locator::Css(css)).await).expect("find elements")
    }

    pub async fn click(&self, css: &str) {
        let e = self.find(css).await;
        // Scrolled to first, as a person scrolls a pane to it: WebKitWebDriver scrolls only the
        // window, and clicks a control half hidden by its pane's edge on the pane.
        let q = serde_json::to_string(css).unwrap();
        self.js(&format!(
            "document.querySelector({q})?.scrollIntoView({{block: 'nearest', inline: 'nearest'}}); return true"
        ))
        .await;
        retry!(e.click().await).unwrap_or_else(|err| panic!("click {css}: {err}"));
    }

    pub async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        retry!(e.text().await).expect("element text")
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        retry!(e.send_keys(text).await).expect("send keys");
    }

    /// Chooses an option of a `<select>` by value, as a user picks it from the list.
    pub async fn select(&self, css: &str, value: &str) {
        let e = self.find(css).await;
        retry!(e.select_by_value(value).await)
            .unwrap_or_else(|err| panic!("select {value} in {css}: {err}"));
    }

    /// The number of elements matching `css` that are shown.
    pub async fn count_visible(&self, css: &str) -> u64 {
        let q = serde_json::to_string(css).unwrap();
        self.js(&format!(
            "return [...document.querySelectorAll({q})].filter(e => e.offsetParent !== null).length"
        ))
        .await
        .as_u64()
        .unwrap_or(0)
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let path = screenshots_dir().join(format!("{name}.png"));
        // WebKitWebDriver takes its picture at the window's next paint. Without accelerated
        // compositing (WEBKIT_DISABLE_COMPOSITING_MODE=1) a page with nothing changing never
        // paints again, and the screenshot waits for ever: a corner pixel, all but transparent,
        // changes for the next second so that the window paints.
        let _ = self
            .client
            .execute(
                "let d = document.getElementById('webdriver-paint');                  if (!d) { d = document.createElement('div'); d.id = 'webdriver-paint';                    d.setAttribute('aria-hidden', 'true');                    d.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;opacity:0.004';                    document.body.append(d); }                  let n = 0; const t = setInterval(() => { d.style.background = n++ % 2 ? '#000' : '#fff';                    if (n > 60) clearInterval(t); }, 16); return true",
                vec![],
            )
            .await;
        if let Ok(png) = retry!(self.client.screenshot().await) {
            std::fs::write(&path, png).unwrap();
        }
        path
    }

    /// A screenshot once the window has painted what the page now shows (the driver's picture
    /// can lag a frame behind): taken twice, the second kept.
    pub async fn settled_screenshot(&self, name: &str) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.screenshot(name).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.screenshot(name).await;
    }

    /// `NAME-light` and `NAME-dark` (the theme set on the page: a modal dialog covers the theme
    /// button), then the system's theme again, which the window had.
    pub async fn screenshots_in_both_themes(&self, name: &str) {
        for theme in ["light", "dark"] {
            self.js(&format!(
                "document.documentElement.dataset.theme = '{theme}'; return true"
            ))
            .await;
            self.settled_screenshot(&format!("{name}-{theme}")).await;
        }
        self.js("delete document.documentElement.dataset.theme; return true")
            .await;
    }

    /// Ends the session (the app quits) and stops the drivers.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        // tauri-driver leaves WebKitWebDriver (and the app) running: stop the whole process group.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
    }
}
