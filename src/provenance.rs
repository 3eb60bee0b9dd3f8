//! Where scanned bytes came from: a file, stdin, the staged index, a commit, or the
//! message of a commit or annotated tag. A blob's matches are computed once from its
//! content; provenances are attached afterwards, one finding per place.

/// The origin of a finding, as reported with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// A file in the working tree; `path` is relative to the scan root, `/`-separated.
    File { path: String },
    /// Standard input.
    Stdin,
    /// A blob staged in the index for the next commit.
    Staged { path: String },
    /// An unreachable blob in the object database (`--all-objects`): no commit or path,
    /// only the blob's object id.
    Object { blob: String },
    /// A blob in git history at `path`, introduced there by `commit`.
    Commit { path: String, commit: CommitInfo },
    /// The message of a commit (`--history`, `--range`).
    CommitMessage { commit: CommitInfo },
    /// The message of an annotated tag (`--history`, `--range`).
    TagMessage { tag: TagInfo },
}

/// The commit that introduced a blob at a path, or whose message holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    #[serde(default)]
    pub summary: String,
}

impl CommitInfo {
    /// The author's name, or `unknown author` when it is empty (a malformed commit whose
    /// author header did not parse is still reported, without one).
    pub fn author_or_unknown(&self) -> &str {
        if self.author_name.is_empty() {
            "unknown author"
        } else {
            &self.author_name
        }
    }

    /// The author date (RFC 3339), or `unknown date` when it is empty (a malformed commit).
    pub fn date_or_unknown(&self) -> &str {
        if self.date.is_empty() {
            "unknown date"
        } else {
            &self.date
        }
    }
}

/// An annotated tag whose message holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TagInfo {
    /// The tag's name, without `refs/tags/`.
    pub name: String,
    /// The tag object's id.
    pub id: String,
    pub tagger_name: String,
    pub tagger_email: String,
    /// Tagger date, RFC 3339 (UTC); empty when the tag has no tagger.
    pub date: String,
    /// The object the tag points at.
    pub target: String,
}

impl Provenance {
    /// The path to show for this origin: `-` for stdin, empty for messages and
    /// unreachable objects (which have none; see [`Provenance::label`]).
    pub fn path(&self) -> &str {
        match self {
            Provenance::File { path }
            | Provenance::Staged { path }
            | Provenance::Commit { path, .. } => path,
            Provenance::Stdin => "-",
            Provenance::Object { .. }
            | Provenance::CommitMessage { .. }
            | Provenance::TagMessage { .. } => "",
        }
    }

    /// A repository or file path, for outputs that need a real one (SARIF artifact URIs,
    /// path globs); None for stdin, unreachable objects and messages.
    pub fn file_path(&self) -> Option<&str> {
        match self {
            Provenance::File { path }
            | Provenance::Staged { path }
            | Provenance::Commit { path, .. } => Some(path),
            Provenance::Stdin | Provenance::Object { .. } => None,
            Provenance::CommitMessage { .. } | Provenance::TagMessage { .. } => None,
        }
    }

    /// How a user reads this origin: the path, or `commit 1a2b3c4d5e6f message`,
    /// `tag v1.0 message`, `unreachable blob <id>`.
    pub fn label(&self) -> String {
        match self {
            Provenance::CommitMessage { commit } => {
                format!("commit {} message", short_id(&commit.commit))
            }
            Provenance::TagMessage { tag } => format!("tag {} message", tag.name),
            Provenance::Object { blob } => format!("unreachable blob {blob}"),
            other => other.path().to_string(),
        }
    }

    /// The source kind as JSON and SARIF name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Provenance::File { .. } => "file",
            Provenance::Stdin => "stdin",
            Provenance::Staged { .. } => "staged",
            Provenance::Object { .. } => "object",
            Provenance::Commit { .. } => "commit",
            Provenance::CommitMessage { .. } => "commit-message",
            Provenance::TagMessage { .. } => "tag-message",
        }
    }

    /// The commit, for history findings and commit messages.
    pub fn commit(&self) -> Option<&CommitInfo> {
        match self {
            Provenance::Commit { commit, .. } | Provenance::CommitMessage { commit } => {
                Some(commit)
            }
            _ => None,
        }
    }

    /// The annotated tag, for tag-message findings.
    pub fn tag(&self) -> Option<&TagInfo> {
        match self {
            Provenance::TagMessage { tag } => Some(tag),
            _ => None,
        }
    }
}

/// The first 12 hex digits of an object id, as shown to users.
pub fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}
