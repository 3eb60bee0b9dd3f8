//! Where scanned bytes came from: a file, stdin, the staged index or a commit.

use serde::Serialize;

/// The origin of a blob, as reported with each finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Provenance {
    /// A file in the working tree; `path` is relative to the scan root, `/`-separated.
    File { path: String },
    /// Standard input.
    Stdin,
    /// A blob staged in the index for the next commit.
    Staged { path: String },
    /// An unreachable blob in the object database (`--all-objects`): no commit or path.
    Object { path: String },
    /// A blob in git history, at `path` as of the commit that introduced it.
    Commit {
        path: String,
        #[serde(flatten)]
        commit: CommitInfo,
    },
}

/// The commit that introduced a blob at a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    pub commit: String,
    pub author_name: String,
    pub author_email: String,
    /// Author date, RFC 3339 (UTC).
    pub date: String,
    /// Seconds since the epoch, for ordering.
    #[serde(skip)]
    pub time: i64,
    /// First line of the commit message.
    pub summary: String,
}

impl Provenance {
    /// The path to show for this origin (`-` for stdin).
    pub fn path(&self) -> &str {
        match self {
            Provenance::File { path }
            | Provenance::Staged { path }
            | Provenance::Object { path }
            | Provenance::Commit { path, .. } => path,
            Provenance::Stdin => "-",
        }
    }

    /// The commit, for history findings.
    pub fn commit(&self) -> Option<&CommitInfo> {
        match self {
            Provenance::Commit { commit, .. } => Some(commit),
            _ => None,
        }
    }
}
