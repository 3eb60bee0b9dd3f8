//! The rule files under `rules/`, embedded at build time by `build.rs`.

/// `(file name, contents)` of every built-in rule file, sorted by name.
pub const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
