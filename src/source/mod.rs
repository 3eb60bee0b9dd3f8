//! Sources: where the bytes to scan come from. Each yields blobs with their provenance;
//! none of them knows about rules or threads.

pub mod filesystem;
pub mod git;
pub mod path_filter;
pub mod stdin;

/// Which part of a git repository to scan (`--history`, `--staged`, `--range`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitMode {
    /// Every blob reachable from any ref (and unreachable ones with `all_objects`),
    /// plus the working tree.
    History {
        all_objects: bool,
        since: Option<String>,
    },
    /// Index entries that differ from HEAD.
    Staged,
    /// Blobs introduced by the commits in `A..B`.
    Range(String),
}

/// How many leading bytes are checked for a NUL to call a blob binary.
const BINARY_PROBE: usize = 8192;

/// Binary data has a NUL byte in its first 8 KiB (git's own heuristic).
pub fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some()
}
