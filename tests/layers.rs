//! Tests: the module layering documented in `src/lib.rs`. Every `crate::…` and `super::…`
//! path in the library's non-test code is resolved to a module, and a module may name only
//! modules of a lower layer (or itself). A new top-level module must be given a layer here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, lowest first, as in `src/lib.rs`. A module may import from lower layers
/// only; modules of one layer are independent of each other. An entry names a module by
/// its path (`finding::redact` is a leaf inside `finding`); a path belongs to its longest
/// matching entry.
const LAYERS: &[&[&str]] = &[
    // Foundations: these import nothing from the crate.
    &["exit", "user_file", "date", "provenance", "finding::redact"],
    &["rules"],
    &["source"],
    &["decode"],
    &["matcher"],
    &["finding"],
    // The stderr display and messages (the baseline warns through them).
    &["progress"],
    &["messages"],
    &["baseline", "hook"],
    // The consumers of findings: the reporters, and the threads that produce them.
    &["report", "pipeline"],
    // Only these and `commands` know about clap or the config file.
    &["cli", "config_file"],
    &["config"],
    &["commands"],
];

/// One `crate::` or `super::` path that crosses into a module it may not use.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    file: String,
    line: usize,
    from: String,
    to: String,
}

/// The layer entry (its index and name) that a module path belongs to.
fn layer_of(path: &[String]) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, &'static str)> = None;
    for (rank, entries) in LAYERS.iter().enumerate() {
        for &entry in *entries {
            let parts: Vec<&str> = entry.split("::").collect();
            let matches = parts.len() <= path.len() && parts.iter().zip(path).all(|(a, b)| a == b);
            let longer = best.is_none_or(|(_, b)| b.split("::").count() < parts.len());
            if matches && longer {
                best = Some((rank, entry));
            }
        }
    }
    best
}

/// The module path of a source file: `src/pipeline/git/blobs.rs` is `pipeline::git::blobs`,
/// `src/finding/mod.rs` is `finding`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.strip_suffix(".rs").expect("a .rs file");
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without comments (doc links name modules freely) and without its
/// `#[cfg(test)] mod tests`, which ends every file that has one: tests may build fixtures
/// with any layer. Another `#[cfg(test)]` item is checked like the rest.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let next = lines.get(i + 1).map_or("", |l| l.trim_start());
        if trimmed.starts_with("#[cfg(test)]") && next.starts_with("mod tests") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = line.split(" // ").next().unwrap_or(line);
        out.push((i + 1, code.to_string()));
    }
    out
}

/// The leading module paths of the items a `use` group names, with their byte offsets in
/// the group: `{self, a::B, c::{d, e}}` gives `self`, `a::B` and `c`.
fn group_items(group: &str) -> Vec<(usize, String)> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 1);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if (c == ',' && depth == 1) || (c == '}' && depth == 0) {
            items.push((start, &group[start..i]));
            start = i + 1;
        }
    }
    items
        .into_iter()
        .map(|(at, item)| {
            let skipped = item.len() - item.trim_start().len();
            let path = item.split("::{").next().unwrap_or(item).trim();
            (at + skipped, path.to_string())
        })
        .filter(|(_, path)| !path.is_empty())
        .collect()
}

/// The text of a `{…}` group starting at `text[start]`, braces included (it may span lines).
fn group_at(text: &str, start: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[start..=start + i];
                }
            }
            _ => {}
        }
    }
    &text[start..]
}

/// Every module path the file's code names through `crate::` or `super::`, resolved to a
/// path from the crate root, with the line it is on.
fn references(module: &[String], text: &str) -> Vec<(usize, Vec<String>)> {
    let pattern = regex::Regex::new(
        r"\b((?:crate|super)(?:::super)*)::(\{|[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)",
    )
    .expect("the pattern compiles");
    let lines = code_lines(text);
    let joined: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
    let line_at = |offset: usize| {
        let index = joined[..offset].matches('\n').count();
        lines[index].0
    };
    let mut out = Vec::new();
    for caps in pattern.captures_iter(&joined) {
        let head = caps.get(1).expect("group 1").as_str();
        let base: Vec<String> = if head == "crate" {
            Vec::new()
        } else {
            let ups = head.matches("super").count();
            module[..module.len().saturating_sub(ups)].to_vec()
        };
        let tail = caps.get(2).expect("group 2");
        let items = if tail.as_str() == "{" {
            group_items(group_at(&joined, tail.start()))
                .into_iter()
                .map(|(at, item)| (tail.start() + at, item))
                .collect()
        } else {
            vec![(
                caps.get(0).expect("match").start(),
                tail.as_str().to_string(),
            )]
        };
        for (at, item) in items {
            let mut path = base.clone();
            path.extend(
                item.split("::")
                    .filter(|s| *s != "self")
                    .map(str::to_string),
            );
            out.push((line_at(at), path));
        }
    }
    out
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The upward (or sideways) edges in the library under `src`.
fn violations(src: &Path) -> Vec<Violation> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = BTreeSet::new();
    for file in files {
        let module = module_of(src, &file);
        // The crate root dispatches to every module; main.rs is a separate crate.
        if module == ["lib"] || module == ["main"] {
            continue;
        }
        let shown = file
            .strip_prefix(src)
            .expect("under src")
            .display()
            .to_string();
        let (rank, from) = layer_of(&module).unwrap_or_else(|| {
            panic!(
                "src/{shown}: module {} has no layer in LAYERS",
                module.join("::")
            )
        });
        let text = std::fs::read_to_string(&file).expect("read source");
        for (line, path) in references(&module, &text) {
            let Some((target_rank, to)) = layer_of(&path) else {
                panic!("src/{shown}:{line}: {} is in no layer", path.join("::"));
            };
            if to != from && target_rank >= rank {
                found.insert(Violation {
                    file: format!("src/{shown}"),
                    line,
                    from: from.to_string(),
                    to: to.to_string(),
                });
            }
        }
    }
    found.into_iter().collect()
}

#[test]
fn no_module_imports_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "imports against the layering of src/lib.rs:\n{}",
        found
            .iter()
            .map(|v| format!("  {}:{}: {} -> {}", v.file, v.line, v.from, v.to))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// clap types stay in `cli.rs` (STYLE: "nothing past config.rs sees clap"); `config.rs`
/// maps them to the domain's own types.
#[test]
fn only_cli_uses_clap() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let module = module_of(&src, &file);
        if module == ["cli"] || module == ["main"] {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        for (line, code) in code_lines(&text) {
            if code.contains("clap::") {
                found.push(format!("src/{}:{line}", module.join("/")));
            }
        }
    }
    assert!(found.is_empty(), "clap used outside cli.rs: {found:?}");
}

/// The check itself: a copy of the tree with one upward import added must fail, and the
/// parser must see grouped, `super::` and inline paths.
#[test]
fn an_upward_import_is_caught() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("src");
    let write = |path: &str, text: &str| {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("lib.rs", "pub mod cli;\n");
    write(
        "finding/mod.rs",
        "//! Uses [`crate::report`] in a doc link only.\nuse crate::{matcher::X, rules};\n",
    );
    write(
        "finding/redact.rs",
        "fn f() -> super::Finding { todo!() }\n",
    );
    write(
        "finding/outcome.rs",
        "use super::Finding;\nfn f() { super::super::date::today(); }\n",
    );
    write(
        "matcher/mod.rs",
        "use crate::{\n    rules::{self, Rule},\n    report::Format,\n};\n",
    );
    write(
        "rules/mod.rs",
        "fn f() { let _ = crate::finding::redact::quoted(\"x\"); }\n",
    );
    write("progress.rs", "fn f() { crate::report::human_bytes(1); }\n");
    write("source/git.rs", "use super::super::pipeline::Context;\n");
    write(
        "messages.rs",
        "#[cfg(test)]\nmod tests { use crate::commands; }\n",
    );
    // A test-only item that is not the tests module is checked.
    write(
        "exit.rs",
        "#[cfg(test)]\nfn helper() { crate::rules::x(); }\n",
    );
    let found: Vec<(String, String)> = violations(&src)
        .into_iter()
        .map(|v| (format!("{}:{}", v.file, v.line), v.to))
        .collect();
    assert_eq!(
        found,
        [
            ("src/exit.rs:2".to_string(), "rules".to_string()),
            ("src/finding/redact.rs:1".to_string(), "finding".to_string()),
            ("src/matcher/mod.rs:3".to_string(), "report".to_string()),
            ("src/progress.rs:1".to_string(), "report".to_string()),
            ("src/source/git.rs:1".to_string(), "pipeline".to_string()),
        ]
    );
}
