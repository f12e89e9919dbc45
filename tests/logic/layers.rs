//! The layering of the library (gatehouse-core's modules and the app's shells), read from the source: no two files import each other, directly or
//! around a loop, and the shells (commands.rs, cli/) reach apply, journal, lock and aws only
//! through the core. An import is a `use` of another file's items or a `crate::`/`super::`/
//! `self::` path in code; a `mod` declaration is not one.

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type ModPath = Vec<String>;

/// Every .rs file of the library, by module path (`core/mod.rs` is `core`, `lib.rs` is the root).
fn files(root: &Path) -> BTreeMap<ModPath, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut all = Vec::new();
    walk(root, &mut all);
    all.into_iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel == "main.rs" || rel == "build.rs" {
                return None; // other crates: the binary and the build script
            }
            let mut parts: ModPath = rel
                .trim_end_matches(".rs")
                .split('/')
                .map(String::from)
                .collect();
            if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
                parts.pop();
            }
            Some((parts, rel))
        })
        .collect()
}

/// The source without comments and with every string and char literal emptied.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let (mut out, mut i) = (String::new(), 0);
    while i < c.len() {
        if at(&c, i, "//") {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if at(&c, i, "/*") {
            i += 2;
            while i < c.len() && !at(&c, i, "*/") {
                i += 1;
            }
            i += 2;
        } else if let Some(hashes) = raw_string_at(&c, i) {
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            i += 2 + hashes;
            while i < c.len() && !at(&c, i, &close) {
                i += 1;
            }
            i += close.len();
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && i + 3 < c.len() && c[i + 1] == '\\' {
            // An escaped char ('\n', '\'', '\u{1b}'): up to the quote after the escape.
            i += 3 + c[i + 3..].iter().position(|&x| x == '\'').unwrap() + 1;
            out.push_str("' '");
        } else if c[i] == '\'' && i + 2 < c.len() && c[i + 2] == '\'' {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Whether `s` is written at `i`.
fn at(c: &[char], i: usize, s: &str) -> bool {
    c[i..].iter().take(s.len()).copied().eq(s.chars())
}

/// The number of `#`s of a raw string starting at `i` (`r"`, `r#"`), if one does; not a raw
/// identifier (`r#type`).
fn raw_string_at(c: &[char], i: usize) -> Option<usize> {
    if c[i] != 'r' || (i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_')) {
        return None;
    }
    let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
    (c.get(i + 1 + hashes) == Some(&'"')).then_some(hashes)
}

/// The paths a `use` tree names: `crate::a::{b, c::d}` is `crate::a::b` and `crate::a::c::d`.
fn expand(tree: &str, prefix: &[String], out: &mut Vec<ModPath>) {
    let tree = tree.trim();
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let (mut depth, mut start) = (0, 0);
        for (k, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..k], prefix, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], prefix, out);
    } else if let Some(k) = tree.find("::{") {
        let mut p = prefix.to_vec();
        p.extend(tree[..k].split("::").map(|s| s.trim().to_string()));
        expand(&tree[k + 2..], &p, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap();
        let mut p = prefix.to_vec();
        p.extend(path.split("::").map(|s| s.trim().to_string()));
        out.push(p);
    }
}

/// The file a path lands in, seen from module `here` with child modules `children`; None for
/// another crate.
fn resolve(
    path: &[String],
    here: &[String],
    children: &BTreeSet<String>,
    files: &BTreeMap<ModPath, String>,
) -> Option<String> {
    let (mut base, mut rest): (ModPath, &[String]) = match path.first()?.as_str() {
        "crate" => (vec![], &path[1..]),
        "self" => (here.to_vec(), &path[1..]),
        "super" => (here.to_vec(), path),
        first if children.contains(first) => (here.to_vec(), path),
        _ => return None,
    };
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut best = files.get(&base).cloned();
    for seg in rest {
        base.push(seg.clone());
        if let Some(f) = files.get(&base) {
            best = Some(f.clone());
        }
    }
    best
}

/// Each file and the other files it imports.
fn edges(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = files(root);
    let use_re = Regex::new(r"\buse\s+([^;]+);").unwrap();
    let path_re = Regex::new(r"\b[A-Za-z_]\w*(?:::[A-Za-z_]\w*)+").unwrap();
    let child_re = Regex::new(r"\bmod\s+(\w+)\s*;").unwrap();
    let inline_re = Regex::new(r"\bmod\s+\w+\s*\{").unwrap();
    let mut graph = BTreeMap::new();
    for (module, rel) in &files {
        let src = code_only(&std::fs::read_to_string(root.join(rel)).unwrap());
        let children: BTreeSet<String> = child_re
            .captures_iter(&src)
            .map(|c| c[1].to_string())
            .collect();
        // Inline modules (tests): their `super` is this file.
        let spans: Vec<(usize, usize)> = inline_re
            .find_iter(&src)
            .map(|m| {
                let mut depth = 0;
                let end = src[m.end() - 1..]
                    .char_indices()
                    .find(|&(_, ch)| {
                        depth += (ch == '{') as i32 - (ch == '}') as i32;
                        depth == 0
                    })
                    .map_or(src.len(), |(k, _)| m.end() - 1 + k);
                (m.start(), end)
            })
            .collect();
        let here_at = |pos: usize| {
            let mut here = module.clone();
            if spans.iter().any(|&(a, b)| a <= pos && pos <= b) {
                here.push("<inline>".into());
            }
            here
        };
        let mut paths: Vec<(usize, ModPath)> = Vec::new();
        let mut in_use = Vec::new();
        for m in use_re.captures_iter(&src) {
            let whole = m.get(0).unwrap();
            in_use.push((whole.start(), whole.end()));
            let mut expanded = Vec::new();
            expand(
                &m[1].split_whitespace().collect::<Vec<_>>().join(" "),
                &[],
                &mut expanded,
            );
            paths.extend(expanded.into_iter().map(|p| (whole.start(), p)));
        }
        for m in path_re.find_iter(&src) {
            if !in_use.iter().any(|&(a, b)| a <= m.start() && m.start() < b) {
                paths.push((
                    m.start(),
                    m.as_str().split("::").map(String::from).collect(),
                ));
            }
        }
        let targets: BTreeSet<String> = paths
            .iter()
            .filter_map(|(pos, p)| resolve(p, &here_at(*pos), &children, &files))
            .filter(|t| t != rel)
            .collect();
        graph.insert(rel.clone(), targets);
    }
    graph
}

/// The strongly connected components with more than one file: the import circles.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(f) = todo.pop() {
            for t in graph.get(&f).into_iter().flatten() {
                if seen.insert(t.clone()) {
                    todo.push(t.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|f| (f, reach(f))).collect();
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    for f in graph.keys() {
        let mut circle: Vec<String> = reaches[f]
            .iter()
            .filter(|t| *t == f || reaches[*t].contains(f))
            .cloned()
            .collect();
        if !circle.is_empty() {
            circle.push(f.clone());
            circle.sort();
            circle.dedup();
            found.insert(circle);
        }
    }
    found.into_iter().collect()
}

/// The library's files as one tree of modules: gatehouse-core's, whose modules the app names as
/// its own (`pub use gatehouse_core::{…}`), and the app's shells (cli/, commands, contract) beside
/// them, copied into a temporary folder.
fn src_root() -> tempfile::TempDir {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tree = tempfile::tempdir().unwrap();
    fn copy(from: &Path, to: &Path, skip: &[&str]) {
        for e in std::fs::read_dir(from).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if skip.contains(&name.as_str()) {
                continue;
            }
            if p.is_dir() {
                std::fs::create_dir_all(to.join(&name)).unwrap();
                copy(&p, &to.join(&name), &[]);
            } else if name.ends_with(".rs") {
                std::fs::copy(&p, to.join(&name)).unwrap();
            }
        }
    }
    copy(&repo.join("crates/gatehouse-core/src"), tree.path(), &[]);
    copy(&repo.join("src-tauri"), tree.path(), &["lib.rs"]);
    tree
}

#[test]
fn no_file_imports_another_that_imports_it_back() {
    let tree = src_root();
    let graph = edges(tree.path());
    assert!(graph.len() > 20, "read the sources: {graph:?}");
    assert!(graph["cli/protect.rs"].contains("core/mod.rs"), "{graph:?}");
    assert_eq!(circles(&graph), Vec::<Vec<String>>::new(), "{graph:#?}");
}

#[test]
fn the_shells_reach_apply_journal_lock_and_aws_only_through_the_core() {
    let tree = src_root();
    let graph = edges(tree.path());
    let past: Vec<(&String, &String)> = graph
        .iter()
        .filter(|(f, _)| *f == "commands.rs" || f.starts_with("cli/"))
        .flat_map(|(f, ts)| ts.iter().map(move |t| (f, t)))
        .filter(|(_, t)| {
            ["local/journal.rs", "local/lock.rs"].contains(&t.as_str())
                || t.starts_with("apply/")
                || t.starts_with("aws/")
        })
        .collect();
    assert_eq!(past, Vec::<(&String, &String)>::new());
}

/// The rooms of gatehouse-core point one way: domain/ (plain data and pure rules) imports only
/// domain/ and the error type; aws/ and local/ never reach the executor or the use cases.
#[test]
fn the_layers_of_the_core_point_one_way() {
    let tree = src_root();
    let graph = edges(tree.path());
    assert!(graph.keys().any(|f| f.starts_with("domain/")), "{graph:?}");
    let crossing = |from: &str, allowed: &dyn Fn(&str) -> bool| -> Vec<(String, String)> {
        graph
            .iter()
            .filter(|(f, _)| f.starts_with(from))
            .flat_map(|(f, ts)| ts.iter().map(move |t| (f.clone(), t.clone())))
            .filter(|(_, t)| !allowed(t))
            .collect()
    };
    let domain_out = crossing("domain/", &|t| t.starts_with("domain/") || t == "error.rs");
    assert_eq!(
        domain_out,
        Vec::<(String, String)>::new(),
        "domain/ reaches out"
    );
    for room in ["aws/", "local/"] {
        let up = crossing(room, &|t| {
            !t.starts_with("core/") && !t.starts_with("apply/")
        });
        assert_eq!(up, Vec::<(String, String)>::new(), "{room} reaches up");
    }
}

/// domain/ does no I/O: no files, processes, environment, network, clock or SDK in its code.
#[test]
fn the_domain_does_no_io() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join("crates/gatehouse-core/src/domain");
    let io = Regex::new(
        r"(std::fs|std::net|std::process|std::env|tokio::|aws_[a-z_]+::|ureq::|keyring::|SystemTime::now|Instant::now)",
    )
    .unwrap();
    let mut found = Vec::new();
    let mut todo = vec![dir];
    let mut rs = Vec::new();
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            match p.is_dir() {
                true => todo.push(p),
                false => rs.push(p),
            }
        }
    }
    for p in rs.into_iter().filter(|p| {
        let name = p.file_name().unwrap().to_string_lossy();
        // Test files may make temporary folders; the rules themselves may not.
        name.ends_with(".rs") && name != "tests.rs" && name != "fixtures.rs"
    }) {
        let code = code_only(&std::fs::read_to_string(&p).unwrap());
        // Unit tests may make temporary folders; the rules themselves may not.
        let rules = code
            .split("mod tests")
            .next()
            .unwrap_or_default()
            .to_string();
        for m in io.find_iter(&rules) {
            found.push(format!(
                "{}: {}",
                p.file_name().unwrap().to_string_lossy(),
                m.as_str()
            ));
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_reader_finds_circles_and_paths_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "lib.rs",
        "pub mod a;\npub mod b;\npub mod c;\nfn run() { c::go() }",
    );
    write(
        "a/mod.rs",
        "mod inner;\npub use inner::X;\n// use crate::b;\nconst S: &str = \"crate::b::Y\";",
    );
    write("a/inner.rs", "use crate::b::{self, Y as Z};\npub struct X;");
    write(
        "b.rs",
        "pub fn f() -> crate::a::X { todo!() }\n#[cfg(test)]\nmod tests { use super::*; }",
    );
    write("c.rs", "pub fn go() {}");
    let graph = edges(dir.path());
    assert_eq!(graph["lib.rs"], BTreeSet::from(["c.rs".to_string()]));
    assert_eq!(
        graph["a/mod.rs"],
        BTreeSet::from(["a/inner.rs".to_string()])
    );
    assert_eq!(graph["b.rs"], BTreeSet::from(["a/mod.rs".to_string()]));
    assert_eq!(
        circles(&graph),
        [["a/inner.rs", "a/mod.rs", "b.rs"]
            .map(String::from)
            .to_vec()]
    );
}
