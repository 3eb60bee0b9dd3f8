//! The working tree: a parallel walk that respects `.gitignore`, `.ignore` and
//! `.keyhoundignore`, never enters `.git/`, and follows symlinks only when asked.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkParallel};

use super::path_filter::PathFilter;

/// The most a read reserves up front; past that the buffer grows as bytes arrive, so a
/// size that was wrong when listed costs no memory.
const MAX_PREALLOCATION: usize = 64 << 20;

/// The name of keyhound's own ignore file (gitignore syntax).
pub const IGNORE_FILE: &str = ".keyhoundignore";

/// How to walk the given roots.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Scan ignored files too.
    pub no_ignore: bool,
    /// Follow symbolic links (loops are detected and reported).
    pub follow: bool,
    /// Worker threads; 0 picks one per core.
    pub threads: usize,
    /// `--include`/`--exclude` and the config file's `exclude`: applied with or without
    /// `--no-ignore`.
    pub paths: PathFilter,
}

/// Builds the parallel walker over `roots`.
pub fn walker(roots: &[PathBuf], opts: &WalkOptions) -> Result<WalkParallel, ignore::Error> {
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .hidden(false)
        .follow_links(opts.follow)
        .threads(opts.threads)
        .require_git(false)
        .git_global(false)
        .git_ignore(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .ignore(!opts.no_ignore)
        .parents(!opts.no_ignore)
        .filter_entry(|entry| entry.file_name() != ".git");
    if !opts.no_ignore {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    if !opts.paths.is_empty() {
        let filter = opts.paths.clone();
        builder.filter_entry(move |entry| {
            if entry.file_name() == ".git" {
                return false;
            }
            let relative = relative_to_root(entry.path(), entry.depth());
            match entry.file_type() {
                Some(t) if t.is_dir() => filter.allows_dir(relative),
                _ => filter.allows_file(relative),
            }
        });
    }
    Ok(builder.build_parallel())
}

/// The part of a walked `path` below its root: its last `depth` components (a root
/// itself, at depth 0, is returned whole).
fn relative_to_root(path: &Path, depth: usize) -> &Path {
    if depth == 0 {
        return path;
    }
    let mut components = path.components();
    for _ in 0..depth {
        components.next_back();
    }
    path.strip_prefix(components.as_path()).unwrap_or(path)
}

/// A path as reported: without a leading `./`, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// A file's bytes as read, and whether the file changed while it was read.
pub struct FileBytes {
    pub bytes: Vec<u8>,
    /// The file's length differed from `size` (it was truncated, rotated or appended
    /// to during the scan); `bytes` holds what could be read.
    pub changed: bool,
}

/// Reads a file whose length was `size` bytes when it was listed, reading at most one
/// byte more so that a file growing under the scan cannot make the read unbounded.
///
/// Files are read, never memory-mapped: a mapped file that another process truncates
/// faults on access (SIGBUS), which would end the whole scan. A file that changed is
/// reported through [`FileBytes::changed`], not as an error.
pub fn read(path: &Path, size: u64) -> std::io::Result<FileBytes> {
    let file = File::open(path)?;
    let capacity = usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let mut bytes = Vec::with_capacity(capacity.min(MAX_PREALLOCATION));
    file.take(size.saturating_add(1)).read_to_end(&mut bytes)?;
    let changed = bytes.len() as u64 != size;
    if changed {
        bytes.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    }
    Ok(FileBytes { bytes, changed })
}
