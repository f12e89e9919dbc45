//! The window around the page: its menu bar (File, View, Help → Keyboard Shortcuts and About), the
//! page's zoom, and its size, position and place (profile, region, open API) kept between runs.
//! The menu entries the page carries out (Refresh, Find, zoom, the shortcuts) reach it over the
//! channel it gave `watch_menu`, so that a click and a shortcut typed in the page run the same
//! code.

use crate::aws::profiles::{self, ProfileRef};
use crate::contract::{MenuAction, Place, WindowTheme, Zoom};
use crate::core::Core;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tauri::ipc::Channel;
use tauri::menu::{
    AboutMetadata, Menu, MenuBuilder, MenuEvent, MenuItemBuilder, PredefinedMenuItem,
    SubmenuBuilder,
};
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime, Webview, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// The project's page until Cargo.toml names a repository.
const WEBSITE: &str = "https://github.com/gatehouse-app/gatehouse";

/// What is kept of the window between runs (not whether it was shown, decorated or fullscreen).
const KEPT: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// The zoom levels Zoom In and Zoom Out step through, as browsers offer them.
const ZOOM_LEVELS: [f64; 11] = [0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0];

/// The page's channel for menu actions (the latest one: a reloaded page gives a new one).
#[derive(Default)]
pub struct MenuListener(Mutex<Option<Channel<MenuAction>>>);

impl MenuListener {
    pub fn listen(&self, channel: Channel<MenuAction>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(channel);
    }

    fn send(&self, action: MenuAction) {
        if let Some(channel) = self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = channel.send(action);
        }
    }
}

/// The page's zoom factor now (1.0 is actual size).
pub struct ZoomLevel(Mutex<f64>);

impl Default for ZoomLevel {
    fn default() -> Self {
        ZoomLevel(Mutex::new(1.0))
    }
}

/// The window's own parts in the page's theme, or the system's.
pub fn set_theme<R: Runtime>(window: &Window<R>, theme: Option<WindowTheme>) -> tauri::Result<()> {
    window.set_theme(theme.map(|t| match t {
        WindowTheme::Light => tauri::Theme::Light,
        WindowTheme::Dark => tauri::Theme::Dark,
    }))
}

/// Zooms the page one level in or out, or back to actual size; the factor now.
pub fn zoom<R: Runtime>(webview: &Webview<R>, level: &ZoomLevel, step: Zoom) -> tauri::Result<f64> {
    let mut current = level.0.lock().unwrap_or_else(|p| p.into_inner());
    let next = match step {
        Zoom::In => ZOOM_LEVELS
            .into_iter()
            .find(|l| *l > *current + 1e-6)
            .unwrap_or(ZOOM_LEVELS[ZOOM_LEVELS.len() - 1]),
        Zoom::Out => ZOOM_LEVELS
            .into_iter()
            .rev()
            .find(|l| *l < *current - 1e-6)
            .unwrap_or(ZOOM_LEVELS[0]),
        Zoom::Reset => 1.0,
    };
    webview.set_zoom(next)?;
    *current = next;
    Ok(next)
}

/// The menu bar. GTK takes one accelerator per entry: Refresh is F5 here, and the page also
/// answers Ctrl+R itself.
pub fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let info = app.package_info();
    let about = AboutMetadata {
        name: Some(info.name.clone()),
        version: Some(info.version.to_string()),
        license: Some(env!("CARGO_PKG_LICENSE").to_string()),
        website: Some(website().to_string()),
        website_label: Some(website().to_string()),
        comments: Some(env!("CARGO_PKG_DESCRIPTION").to_string()),
        icon: app.default_window_icon().cloned(),
        ..Default::default()
    };
    let item = |id: &str, text: &str, keys: &str| {
        MenuItemBuilder::with_id(id, text)
            .accelerator(keys)
            .build(app)
    };
    let file = SubmenuBuilder::new(app, "&File")
        .item(&item("quit", "&Quit", "CmdOrCtrl+Q")?)
        .build()?;
    let view = SubmenuBuilder::new(app, "&View")
        .item(&item("refresh", "&Refresh", "F5")?)
        .item(&item("find", "&Find", "CmdOrCtrl+F")?)
        .separator()
        .item(&item("zoom-in", "Zoom &In", "CmdOrCtrl+=")?)
        .item(&item("zoom-out", "Zoom &Out", "CmdOrCtrl+-")?)
        .item(&item("zoom-reset", "&Actual Size", "CmdOrCtrl+0")?)
        .build()?;
    let help = SubmenuBuilder::new(app, "&Help")
        .item(&item("shortcuts", "&Keyboard Shortcuts", "F1")?)
        .item(&PredefinedMenuItem::about(
            app,
            Some(&format!("&About {}", info.name)),
            Some(about),
        )?)
        .build()?;
    let bar = MenuBuilder::new(app).item(&file);
    // macOS copies and pastes in a web page only through an Edit menu; GTK needs none (and its
    // Copy entry would take Ctrl+C away from the page).
    #[cfg(target_os = "macos")]
    let bar = bar.item(
        &SubmenuBuilder::new(app, "Edit")
            .undo()
            .redo()
            .separator()
            .cut()
            .copy()
            .paste()
            .select_all()
            .build()?,
    );
    bar.item(&view).item(&help).build()
}

/// The repository Cargo.toml names, else the project's page (only an https:// address: the
/// About dialog opens it in the browser).
fn website() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        repository if crate::local::browser::may_open(repository).is_ok() => repository,
        _ => WEBSITE,
    }
}

/// Quit quits; the other entries go to the page (About opens its own dialog and never comes here).
pub fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let action = match event.id().as_ref() {
        "quit" => return app.exit(0),
        "refresh" => MenuAction::Refresh,
        "find" => MenuAction::Find,
        "zoom-in" => MenuAction::ZoomIn,
        "zoom-out" => MenuAction::ZoomOut,
        "zoom-reset" => MenuAction::ZoomReset,
        "shortcuts" => MenuAction::Shortcuts,
        _ => return,
    };
    app.state::<MenuListener>().send(action);
}

/// Keeps the window's size and position (and whether it is maximized) in the app's config folder
/// (`.window-state.json`), and puts them back when the window opens.
pub fn window_state<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(KEPT)
        .build()
}

/// Counts the window's moves and resizes, so that only the last one of a drag is saved.
#[derive(Default)]
pub struct PendingSave(AtomicU64);

/// Saves the window's size and position a moment after it last moved or changed size: the plugin
/// saves only when the app exits normally, not when it is killed.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
        return;
    }
    let ticket = window
        .state::<PendingSave>()
        .0
        .fetch_add(1, Ordering::SeqCst)
        + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if app.state::<PendingSave>().0.load(Ordering::SeqCst) == ticket {
            if let Err(e) = app.save_window_state(KEPT) {
                eprintln!("gatehouse: could not save the window's size and position: {e}");
            }
        }
    });
}

/// The place file, `place.json` in the app's config folder beside the window's state.
fn place_file<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<std::path::PathBuf> {
    Ok(app.path().app_config_dir()?.join("place.json"))
}

/// Keeps where the window is for the next start, at once (written whole, so that a window
/// closed, or killed, a moment later still reopens there).
pub fn remember_place<R: Runtime>(app: &AppHandle<R>, place: &Place) -> std::io::Result<()> {
    let file = place_file(app).map_err(std::io::Error::other)?;
    crate::local::files::write_whole(&file, &serde_json::to_vec(place)?)
}

/// Where the window was when the last run left it; none on a first start or an unreadable file.
pub fn last_place<R: Runtime>(app: &AppHandle<R>) -> Option<Place> {
    let text = std::fs::read(place_file(app).ok()?).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Where the window starts: the last run's place, unless AWS_PROFILE names another profile; with
/// neither, the profile the command line would use (AWS_PROFILE's, the environment's keys, or
/// `default`), in its own region.
pub async fn start_place<R: Runtime>(app: &AppHandle<R>) -> Option<Place> {
    let named = profiles::env_named_profile().map(|name| ProfileRef::File(name).id());
    if let Some(place) = last_place(app) {
        if named
            .as_ref()
            .is_none_or(|profile| *profile == place.profile)
        {
            return Some(place);
        }
    }
    let profile = profiles::start_profile().id();
    let region = app
        .state::<Core>()
        .default_region(&profile)
        .await
        .unwrap_or_else(|_| profiles::DEFAULT_REGION.to_string());
    Some(Place {
        profile,
        region,
        api_id: None,
    })
}

/// WebKitGTK's accelerated compositing: off, unless the user's environment says otherwise
/// (`WEBKIT_DISABLE_COMPOSITING_MODE=0` turns it back on). The page has no 3D, video or heavy
/// animation to gain from it, and without it the window's web process takes about 95 MB less
/// (README, Performance). Called before GTK starts, while the process has one thread.
pub fn lean_webkit() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}
