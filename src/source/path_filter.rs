//! `--include` and `--exclude` (and the config file's `exclude`): which paths a scan
//! reads, in every mode. Globs have `.keyhoundignore`'s (gitignore) syntax and match
//! paths relative to the scan root, or repository-relative paths in git modes, so the
//! same glob selects the same files in a working-tree scan, `--staged`, `--range` and
//! `--history`.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Paths to leave out (`exclude`) and, when any include glob is given, the only paths to
/// read (`include`). An excluded path is never read, even when it is also included.
#[derive(Debug, Clone, Default)]
pub struct PathFilter {
    include: Option<Gitignore>,
    exclude: Option<Gitignore>,
}

/// A glob that does not parse; names the flag (or config key) and the glob.
#[derive(Debug, thiserror::Error)]
#[error("{origin} {glob:?}: invalid glob: {message}")]
pub struct GlobError {
    /// Where the glob came from: `--include`, `--exclude`, or a config file key.
    pub origin: String,
    pub glob: String,
    pub message: String,
}

/// One glob and where it came from, for [`PathFilter::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginGlob {
    /// `--include`, `--exclude`, or e.g. `.keyhound.toml: exclude`.
    pub origin: String,
    pub glob: String,
}

impl PathFilter {
    /// Compiles the globs; the first that does not parse is the error.
    pub fn new(include: &[OriginGlob], exclude: &[OriginGlob]) -> Result<PathFilter, GlobError> {
        Ok(PathFilter {
            include: compile(include)?,
            exclude: compile(exclude)?,
        })
    }

    /// Whether no glob was given (every path is read).
    pub fn is_empty(&self) -> bool {
        self.include.is_none() && self.exclude.is_none()
    }

    /// Whether a file at `relative` (relative to the scan root or the repository, `/`
    /// or the platform's separators) is read.
    pub fn allows_file(&self, relative: &Path) -> bool {
        let relative = clean(relative);
        if relative.as_os_str().is_empty() || relative.has_root() {
            // A path outside any root (an absolute file named on the command line) is
            // matched by its name only.
            return self.allows_file_name(relative);
        }
        if matches(self.exclude.as_ref(), relative, false) {
            return false;
        }
        self.include.is_none() || matches(self.include.as_ref(), relative, false)
    }

    /// Whether the walk should enter the directory at `relative`: not when it is excluded.
    /// (Include globs never prune a directory: files below it may match them.)
    pub fn allows_dir(&self, relative: &Path) -> bool {
        let relative = clean(relative);
        if relative.as_os_str().is_empty() || relative.has_root() {
            return true;
        }
        !matches(self.exclude.as_ref(), relative, true)
    }

    /// Whether a repository-relative path (`a/b/c.txt`, as git stores it) is read.
    pub fn allows_repo_path(&self, path: &str) -> bool {
        self.allows_file(Path::new(path))
    }

    fn allows_file_name(&self, path: &Path) -> bool {
        match path.file_name() {
            Some(name) => self.allows_file(Path::new(name)),
            None => true,
        }
    }
}

/// `path` without a leading `./`.
fn clean(path: &Path) -> &Path {
    path.strip_prefix(".").unwrap_or(path)
}

/// Whether `path` or one of its parent directories matches a glob of `set`.
fn matches(set: Option<&Gitignore>, path: &Path, is_dir: bool) -> bool {
    set.is_some_and(|set| set.matched_path_or_any_parents(path, is_dir).is_ignore())
}

fn compile(globs: &[OriginGlob]) -> Result<Option<Gitignore>, GlobError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GitignoreBuilder::new("");
    for g in globs {
        let error = |message: String| GlobError {
            origin: g.origin.clone(),
            glob: g.glob.clone(),
            message,
        };
        if g.glob.trim().is_empty() || g.glob.trim_start().starts_with('#') {
            return Err(error("empty, or a comment: it would match nothing".into()));
        }
        // In a config file a `!` line is harmless (it only re-includes); on the command line
        // it is a mistake worth naming.
        if g.glob.starts_with('!') && g.origin.starts_with("--") {
            return Err(error(
                "negation (`!`) is for ignore files; use --include to add paths back".into(),
            ));
        }
        builder
            .add_line(None, &g.glob)
            .map_err(|e| error(e.to_string()))?;
    }
    builder.build().map(Some).map_err(|e| GlobError {
        origin: globs[0].origin.clone(),
        glob: globs[0].glob.clone(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(origin: &str, list: &[&str]) -> Vec<OriginGlob> {
        list.iter()
            .map(|g| OriginGlob {
                origin: origin.into(),
                glob: g.to_string(),
            })
            .collect()
    }

    #[test]
    fn exclude_and_include_use_gitignore_syntax() {
        let f = PathFilter::new(
            &globs("--include", &["src/", "*.env"]),
            &globs("--exclude", &["vendor/", "src/generated/**", "*.min.js"]),
        )
        .unwrap();
        assert!(f.allows_file(Path::new("src/app.rs")));
        assert!(f.allows_file(Path::new("./config/prod.env")));
        assert!(!f.allows_file(Path::new("README.md")));
        assert!(!f.allows_file(Path::new("src/generated/keys.rs")));
        assert!(!f.allows_file(Path::new("src/app.min.js")));
        assert!(!f.allows_dir(Path::new("vendor")));
        assert!(!f.allows_file(Path::new("vendor/lib/x.env")));
        assert!(f.allows_dir(Path::new("docs")));
        assert!(f.allows_repo_path("deploy/staging.env"));
        assert!(!f.allows_repo_path("deploy/staging.yml"));
    }

    #[test]
    fn bad_globs_name_their_flag() {
        let err = PathFilter::new(&[], &globs("--exclude", &["src/{a,b"])).unwrap_err();
        assert_eq!(err.origin, "--exclude");
        assert_eq!(err.glob, "src/{a,b");
        let err = PathFilter::new(&globs("--include", &["!src"]), &[]).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("--include \"!src\": invalid glob: negation"));
        assert!(PathFilter::new(&globs("--include", &[""]), &[]).is_err());
    }
}
