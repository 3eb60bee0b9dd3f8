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

/// A cheap first test for file names: whether a file of that name could be in the scope
/// of some patterns, judged by the name alone (the last component of each pattern). A
/// history scan sees entry names while reading trees, before it knows full paths; only
/// the blobs whose names pass are placed and then tested with their full paths.
///
/// A pattern whose last component is only wildcards (`svn.simple/*`) says nothing about
/// the name: its parent component goes to [`NameFilter::may_match_dir`] instead, to
/// keep every file of a directory of that name.
#[derive(Debug, Clone)]
pub struct NameFilter {
    names: GlobSet,
    dirs: GlobSet,
    /// The literal ends of the name globs (`.htpasswd` of `*.htpasswd`), ASCII-lowercased
    /// and listed under their last byte: a name that ends with none of them cannot match,
    /// so most names (every `.c` file of a tree) are rejected before the globs run.
    suffixes: Vec<Vec<Box<[u8]>>>,
    /// Some name glob ends in a wildcard: every name goes to the globs.
    any_suffix: bool,
    /// A pattern could match a file of any name at any depth under some directory
    /// (`dir/`, `a/**`, `{a,b/c}`): every name passes.
    any: bool,
}

impl NameFilter {
    /// The filter for `patterns` (as in a rule's `paths`). Patterns that do not parse
    /// are skipped: rules are checked when loaded, so there are none.
    pub fn new<'p>(patterns: impl IntoIterator<Item = &'p str>) -> NameFilter {
        let (mut names, mut dirs) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        let mut suffixes: Vec<Vec<Box<[u8]>>> = vec![Vec::new(); 256];
        let (mut any, mut any_suffix) = (false, false);
        let component = |glob: &str| {
            GlobBuilder::new(glob)
                .literal_separator(true)
                .case_insensitive(true)
                .backslash_escape(true)
                .build()
        };
        let wildcard_only = |c: &str| c.chars().all(|ch| matches!(ch, '*' | '?'));
        for pattern in patterns {
            let mut parts = pattern.rsplit('/');
            let last = parts.next().unwrap_or_default();
            let parent = parts.next();
            if last.is_empty() || last.contains("**") || pattern.contains('{') {
                any = true;
            } else if wildcard_only(last) {
                match parent
                    .filter(|p| !p.is_empty() && !p.contains("**"))
                    .map(component)
                {
                    Some(Ok(dir)) => {
                        dirs.add(dir);
                    }
                    _ => any = true,
                }
            } else if let Ok(name) = component(last) {
                names.add(name);
                let literal = last
                    .rsplit(['*', '?', ']', '\\'])
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                match literal.bytes().last() {
                    Some(b) => suffixes[b as usize].push(literal.into_bytes().into()),
                    None => any_suffix = true,
                }
            }
        }
        NameFilter {
            names: names.build().unwrap_or_else(|_| GlobSet::empty()),
            dirs: dirs.build().unwrap_or_else(|_| GlobSet::empty()),
            suffixes,
            any_suffix,
            any,
        }
    }

    /// Whether a file named `name` (one path component) may be in scope.
    pub fn may_match(&self, name: &[u8]) -> bool {
        if self.any {
            return true;
        }
        let Some(&last) = name.last() else {
            return false;
        };
        let ends_right = self.any_suffix
            || self.suffixes[last.to_ascii_lowercase() as usize]
                .iter()
                .any(|suffix| {
                    name.len() >= suffix.len()
                        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                });
        ends_right && self.names.is_match(&*lossy(name))
    }

    /// Whether every file directly in a directory named `name` may be in scope.
    pub fn may_match_dir(&self, name: &[u8]) -> bool {
        !self.dirs.is_empty() && self.dirs.is_match(&*lossy(name))
    }

    /// Whether no name can pass (there are no patterns).
    pub fn is_empty(&self) -> bool {
        !self.any && self.names.is_empty() && self.dirs.is_empty()
    }
}

fn lossy(name: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(name)
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
    fn name_filter_passes_names_that_may_be_in_scope() {
        let filter = NameFilter::new([".pgpass", "config/master.key", "*.htpasswd"]);
        for yes in [".pgpass", ".PGPASS", "master.key", "site.htpasswd"] {
            assert!(filter.may_match(yes.as_bytes()), "{yes}");
        }
        for no in ["pgpass", "key", "README.md", "htpasswd.txt", "main.c", "s"] {
            assert!(!filter.may_match(no.as_bytes()), "{no}");
        }
        assert!(NameFilter::new([".idea/"]).may_match(b"anything"));
        let dirs = NameFilter::new(["svn.simple/*"]);
        assert!(!dirs.may_match(b"0123abcd") && dirs.may_match_dir(b"svn.simple"));
        assert!(!dirs.may_match_dir(b"svn"));
        assert!(NameFilter::new(std::iter::empty()).is_empty());
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
