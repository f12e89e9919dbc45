#![allow(dead_code)]
pub mod accounts;
pub mod axe;
pub mod cli;
pub mod judges;
pub mod sandbox;
pub mod window;

pub use sandbox::Sandbox;

/// Every file under `dir` that contains `needle` (read as bytes, so binary files count too): where
/// a secret would have leaked.
pub fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default())
                .contains(needle)
            {
                hits.push(p.display().to_string());
            }
        }
    }
    hits
}
