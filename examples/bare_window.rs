//! A bare Tauri window: the same Tauri and WebKitGTK as Gatehouse, a one-line page, no commands,
//! no menu, no Gatehouse code. `make bench` builds it (`cargo build --release --example
//! bare_window`) and measures it the way it measures Gatehouse, so that Gatehouse's memory can be
//! read as overhead over what any Tauri window costs on this system.

/// The page: one line, served by the app itself (about:blank would start no web process, and a
/// data: URL needs one more Tauri feature).
const PAGE: &str = "<!doctype html><title>bare window</title><p>A bare Tauri window.</p>";

fn main() {
    // The one WebKit setting Gatehouse's window makes (commands/shell.rs, lean_webkit), so that
    // the difference measured is Gatehouse's own.
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let mut context = tauri::generate_context!();
    // Not Gatehouse's window: one of its own, on the page above.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .register_uri_scheme_protocol("bare", |_ctx, _request| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html")
                .body(PAGE.as_bytes().to_vec())
                .expect("a response")
        })
        .setup(|app| {
            let page = "bare://localhost/".parse()?;
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::CustomProtocol(page))
                .title("bare window")
                .inner_size(1200.0, 780.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("run the bare window");
}
