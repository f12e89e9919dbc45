//! Files only the user can read: the user's own folders (never a shared one), folders created
//! 0700 and files 0600, tightened when an earlier version left them looser.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// A folder of the user's own as `dirs` finds it, only when the environment names it (HOME, or
/// the XDG variable): like aws-config, Gatehouse does not guess a home from the password database.
pub fn user_folder(found: Option<PathBuf>, xdg_var: &str) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        let named = |var: &str| std::env::var_os(var).is_some_and(|v| Path::new(&v).is_absolute());
        if !named("HOME") && !named(xdg_var) {
            return None;
        }
    }
    #[cfg(not(unix))]
    let _ = xdg_var;
    found.filter(|d| d.is_absolute())
}

/// Creates a folder that only the user can enter (0700), tightening one made earlier.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Options that create a file only the user can read (0600).
pub fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Tightens a file made earlier with a looser mode to 0600.
pub fn make_private(file: &File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Writes `bytes` as the whole of `file`, in a private folder: a unique temp file beside it (0600,
/// as tempfile makes them), synced, then renamed over it, so a reader sees the old file or the new
/// one and never half of one, and two writers never share a temp file.
pub fn write_whole(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = file.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(file).map_err(|e| e.error)?;
    // The rename itself is durable once the folder is synced (not possible on Windows).
    #[cfg(unix)]
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}
