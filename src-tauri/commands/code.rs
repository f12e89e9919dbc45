//! "Change the template": the owning template patched for the review's selection (its diff
//! shown), saved where the user says, and a change set created on the stack; and an API's
//! protection exported as code. Nothing here sends anything to API Gateway.

use crate::core::{AsCodeOutcome, Core, Ctx, Exported, TemplateChangeRequest, TemplateFile};
use crate::error::{Error, Result};
use std::path::Path;
use tauri::State;

/// A path as the user typed it: `~/` is their home folder.
fn user_path(path: &str) -> std::path::PathBuf {
    let path = path.trim();
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// The patch (and, with `changeSet`, the change set) for the selection; the template is the
/// file at `templatePath` when one is given, else the stack's deployed one.
#[tauri::command]
pub(crate) async fn template_change(
    core: State<'_, Core>,
    ctx: Ctx,
    mut request: TemplateChangeRequest,
    template_path: Option<String>,
) -> Result<AsCodeOutcome> {
    if let Some(path) = template_path.filter(|p| !p.trim().is_empty()) {
        request.template = Some(TemplateFile::read(&user_path(&path))?);
    }
    core.template_change(&ctx, request).await
}

/// Writes a patched template or an export where the user said; the path written.
#[tauri::command]
pub(crate) fn save_template(path: String, text: String) -> Result<String> {
    if path.trim().is_empty() {
        return Err(Error::invalid("path", "Say where to save the template."));
    }
    let path = &user_path(&path);
    if path.is_dir() {
        return Err(Error::invalid(
            "path",
            format!("{} is a folder: add the file's name.", path.display()),
        ));
    }
    std::fs::write(path, text)
        .map_err(|e| Error::invalid("path", format!("Cannot write {}: {e}", path.display())))?;
    Ok(std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string())
}

/// The API's protection as code (cloudformation, sam, terraform or cdk), as the editor holds
/// it or as `stage` serves it.
#[tauri::command]
pub(crate) async fn export_api(
    core: State<'_, Core>,
    ctx: Ctx,
    api_id: String,
    format: String,
    stage: Option<String>,
) -> Result<Exported> {
    core.export(&ctx, &api_id, &format, stage.as_deref()).await
}
