//! The page checked by axe-core (node_modules/axe-core, a devDependency pinned in
//! package-lock.json) in the real window. The script goes in through WebDriver's Execute Script,
//! which the driver evaluates natively: the page ships without it and its CSP stays as it is.

use super::window::Window;
use fantoccini::wd::TimeoutConfiguration;
use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The rule sets every screen must pass: WCAG 2.0 A and AA, 2.1 AA, 2.2 AA, and axe's best practices.
pub const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"];

/// The rules whose answer depends on the colours, run again in the other theme.
const COLOUR_RULES: [&str; 2] = ["color-contrast", "link-in-text-block"];

/// Impacts that fail a test; `minor` ones are printed.
const FAILING: [&str; 3] = ["moderate", "serious", "critical"];

#[derive(Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    #[serde(rename = "helpUrl")]
    help_url: String,
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    target: Vec<Value>,
    #[serde(rename = "failureSummary", default)]
    failure_summary: Option<String>,
}

impl Violation {
    fn fails(&self) -> bool {
        FAILING.contains(&self.impact.as_deref().unwrap_or("moderate"))
    }

    fn describe(&self, theme: &str) -> String {
        let mut s = format!(
            "  {} ({}, {theme}): {}\n    {}\n",
            self.id,
            self.impact.as_deref().unwrap_or("no impact"),
            self.help,
            self.help_url
        );
        for n in &self.nodes {
            let target: Vec<String> = n
                .target
                .iter()
                .map(|t| t.as_str().map(str::to_string).unwrap_or(t.to_string()))
                .collect();
            s.push_str(&format!("    at {}\n", target.join(" >> ")));
            if let Some(why) = &n.failure_summary {
                for line in why.lines().skip(1).take(2) {
                    s.push_str(&format!("       {}\n", line.trim()));
                }
            }
        }
        s
    }
}

/// How long the checks took in this test binary, for the figures (calls, total).
static SPENT: Mutex<(u32, Duration)> = Mutex::new((0, Duration::ZERO));

fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; `make ui-deps` installs axe-core as package-lock.json pins it",
                path.display()
            )
        })
    })
}

impl Window {
    /// Checks what the window shows now with axe-core: every rule of `TAGS` in the page's theme,
    /// and the colour rules again in the other theme. Fails the test on any moderate, serious or
    /// critical violation, naming `screen`; prints the minor ones.
    pub async fn axe(&self, screen: &str) {
        let started = Instant::now();
        self.load_axe().await;
        let theme = self
            .js("return document.documentElement.dataset.theme ?? null")
            .await;
        let shown = match theme.as_str() {
            Some(t) => t.to_string(),
            None if self
                .js("return matchMedia('(prefers-color-scheme: dark)').matches")
                .await
                == true =>
            {
                "dark".into()
            }
            None => "light".into(),
        };
        let other = if shown == "dark" { "light" } else { "dark" };
        let mut found = self
            .axe_run(&format!("{{type: 'tag', values: {}}}", json_list(&TAGS)))
            .await
            .into_iter()
            .map(|v| (shown.clone(), v))
            .collect::<Vec<_>>();
        let colours = Instant::now();
        self.js(&format!(
            "document.documentElement.dataset.theme = '{other}'; return true"
        ))
        .await;
        let in_other = self
            .axe_run(&format!(
                "{{type: 'rule', values: {}}}",
                json_list(&COLOUR_RULES)
            ))
            .await;
        let restore = match theme.as_str() {
            Some(t) => format!("document.documentElement.dataset.theme = '{t}'; return true"),
            None => "delete document.documentElement.dataset.theme; return true".into(),
        };
        self.js(&restore).await;
        let colours = colours.elapsed();
        found.extend(in_other.into_iter().map(|v| (other.to_string(), v)));

        let took = started.elapsed();
        let (calls, total) = {
            let mut spent = SPENT.lock().unwrap_or_else(|p| p.into_inner());
            spent.0 += 1;
            spent.1 += took;
            *spent
        };
        let (failing, minor): (Vec<_>, Vec<_>) = found.iter().partition(|(_, v)| v.fails());
        println!(
            "axe: {screen}: {} failing, {} minor, {} ms ({} ms of it the colours in {other}; \
             this binary: {calls} checks, {} ms)",
            failing.len(),
            minor.len(),
            took.as_millis(),
            colours.as_millis(),
            total.as_millis()
        );
        for (theme, v) in &minor {
            print!("{}", v.describe(theme));
        }
        if !failing.is_empty() {
            let shot = self.screenshot(&format!("axe-{}", slug(screen))).await;
            let list: String = failing.iter().map(|(t, v)| v.describe(t)).collect();
            panic!(
                "axe-core found {} violation(s) on \"{screen}\" (screenshot: {}):\n{list}",
                failing.len(),
                shot.display()
            );
        }
    }

    /// Evaluates axe-core in the page once per session (a reloaded page gets it again).
    async fn load_axe(&self) {
        if self.js("return typeof window.axe === 'object'").await == true {
            return;
        }
        // axe.run on a whole page can take longer than the driver's default 30 s on a busy machine.
        let _ = self
            .client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(120)),
                None,
                None,
            ))
            .await;
        let loaded = self
            .js(&format!(
                "{}\n;return typeof window.axe === 'object' && window.axe.version",
                axe_source()
            ))
            .await;
        assert_eq!(loaded, "4.14.1", "axe-core did not load in the page");
    }

    async fn axe_run(&self, run_only: &str) -> Vec<Violation> {
        let result = self
            .js(&format!(
                "return axe.run(document, {{runOnly: {run_only}, resultTypes: ['violations']}})\
                 .then(r => JSON.stringify(r.violations))"
            ))
            .await;
        let text = result
            .as_str()
            .unwrap_or_else(|| panic!("axe.run answered {result}"));
        serde_json::from_str(text).unwrap_or_else(|e| panic!("axe.run's violations: {e}: {text}"))
    }
}

fn json_list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap()
}

fn slug(screen: &str) -> String {
    screen
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
