//! A bare Tauri window: the same Tauri and WebKitGTK as Gatehouse, a one-line page, no commands,
//! no menu, no Gatehouse code. `make bench` builds it (`cargo build --release --example
//! bare_window`) and measures it the way it measures Gatehouse, so that Gatehouse's memory can be
//! read as overhead over what any Tauri window costs on this system.

fn main() {
    let mut context = tauri::generate_context!();
    // Not Gatehouse's window: one of its own, on a minimal page.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            let page =
                "data:text/html,<!doctype html><title>bare</title><p>A bare Tauri window.</p>";
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::External(page.parse()?),
            )
            .title("bare window")
            .inner_size(1200.0, 780.0)
            .build()?;
            Ok(())
        })
        .run(context)
        .expect("run the bare window");
}
