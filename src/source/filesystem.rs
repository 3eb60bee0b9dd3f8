//! The working tree: a parallel walk that respects `.gitignore`, `.ignore` and
//! `.keyhoundignore`, never enters `.git/`, and follows symlinks only when asked.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkParallel};

use super::BlobBytes;

/// Files at least this big are memory-mapped instead of read.
const MMAP_THRESHOLD: u64 = 1 << 20;

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
    /// Extra gitignore-style globs to exclude (from the config file).
    pub exclude: Vec<String>,
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
    if !opts.exclude.is_empty() {
        let mut overrides = ignore::overrides::OverrideBuilder::new(&roots[0]);
        for glob in &opts.exclude {
            overrides.add(&format!("!{glob}"))?;
        }
        builder.overrides(overrides.build()?);
    }
    Ok(builder.build_parallel())
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

/// Reads a file of known `size`: mapped when large, else into a fresh buffer.
pub fn read(path: &Path, size: u64) -> std::io::Result<BlobBytes> {
    let mut file = File::open(path)?;
    if size >= MMAP_THRESHOLD {
        // SAFETY: the map is read-only and dropped after the scan of this one file. If another
        // process truncates the file meanwhile, reads can fault; ripgrep and Nosey Parker accept
        // the same trade-off for the speed of mapping large files.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file)? };
        return Ok(BlobBytes::Mapped(map));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.read_to_end(&mut bytes)?;
    Ok(BlobBytes::Owned(bytes))
}
