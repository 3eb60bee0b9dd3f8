//! Path scopes: the globs of a rule's `paths = [...]`, which limit it to some files.
//!
//! A credential file such as `.pgpass` has no keyword that says "password here": its
//! name does. So a rule may name the files it applies to, and the matcher runs it only
//! on blobs whose path matches (never on stdin or on a history blob whose path is not
//! known yet).
//!
//! Patterns are gitignore-style globs (`*`, `?`, `[...]`, `{a,b}`, `**`) matched
//! case-insensitively at any depth: `.pgpass` matches `.pgpass` and `home/ci/.pgpass`,
//! `config/master.key` matches `config/master.key` and `app/config/master.key`. A `*`
//! does not cross a `/`; a pattern ending in `/` matches everything under that directory.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::syntax::RuleSyntax;

/// The compiled globs of one rule.
#[derive(Debug, Clone)]
pub struct PathScope {
    patterns: Vec<String>,
    set: GlobSet,
}

impl PathScope {
    /// Compiles `patterns`; the error names the pattern that does not parse.
    pub fn new(patterns: &[String]) -> Result<PathScope, String> {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            builder.add(glob(p)?);
        }
        let set = builder
            .build()
            .map_err(|e| format!("paths: cannot compile the globs: {e}"))?;
        Ok(PathScope {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// Whether a `/`-separated path is in scope.
    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }

    /// The patterns as written in the rule file.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

/// Compiles a rule's `paths` (`None` when it has none) and checks that the path fields
/// agree: `credential_file` needs `paths`, and the examples of a path-scoped rule need an
/// `example_path` inside its scope, else they could never match.
pub(super) fn compile(r: &RuleSyntax) -> Result<Option<PathScope>, String> {
    let scope = if r.paths.is_empty() {
        None
    } else {
        Some(PathScope::new(&r.paths)?)
    };
    if r.credential_file && scope.is_none() {
        return Err("credential_file = true needs `paths` (the credential files)".into());
    }
    match (&scope, r.example_path.as_deref()) {
        (Some(_), None) => {
            Err("a rule with `paths` needs an `example_path` for its examples".into())
        }
        (Some(s), Some(example)) if !s.is_match(example) => Err(format!(
            "example_path {example:?} does not match any of its `paths`"
        )),
        _ => Ok(scope),
    }
}

/// One pattern as a glob that matches at any depth (see the module documentation).
pub fn glob(pattern: &str) -> Result<Glob, String> {
    let trimmed = pattern.trim_start_matches("./").trim_start_matches('/');
    if trimmed.is_empty() {
        return Err(format!("paths: pattern {pattern:?} is empty"));
    }
    let mut full = if trimmed.starts_with("**/") {
        trimmed.to_string()
    } else {
        format!("**/{trimmed}")
    };
    if full.ends_with('/') {
        full.push_str("**");
    }
    GlobBuilder::new(&full)
        .literal_separator(true)
        .case_insensitive(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| format!("paths: pattern {pattern:?} is not a valid glob: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(patterns: &[&str]) -> PathScope {
        let owned: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        PathScope::new(&owned).expect("valid globs")
    }

    #[test]
    fn names_match_at_any_depth() {
        let s = scope(&[".pgpass", "config/master.key", "*.publish.xml", ".idea/"]);
        for yes in [
            ".pgpass",
            "home/ci/.pgpass",
            "/tmp/x/.PGPASS",
            "config/master.key",
            "apps/shop/config/master.key",
            "Properties/Site.publish.xml",
            ".idea/webServers.xml",
            "proj/.idea/sub/deployment.xml",
        ] {
            assert!(s.is_match(yes), "{yes}");
        }
        for no in [
            ".pgpass.example",
            "docs/pgpass.md",
            "master.key",
            "config/sub/master.key",
            "site.publish.xml.bak",
            "idea/x.xml",
        ] {
            assert!(!s.is_match(no), "{no}");
        }
    }

    #[test]
    fn bad_patterns_are_errors_naming_the_pattern() {
        let err = PathScope::new(&["a[".to_string()]).expect_err("unclosed class");
        assert!(err.contains("\"a[\""), "{err}");
        assert!(PathScope::new(&["/".to_string()]).is_err());
    }
}
