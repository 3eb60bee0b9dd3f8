//! Git sources, read natively with gix: the commit graph, every blob of the object
//! database (each distinct blob once, in pack order), the staged index, commit ranges,
//! commit and tag messages, and where blobs sit (which commits introduced a blob at
//! which path).
//!
//! History placement comes from a [`TreeIndex`]: one pass over the distinct trees that
//! keeps only where the blobs with findings sit, so its cost grows with the number of
//! trees, not with commits times files. Ranges diff each commit against its parents.
//! Nothing here knows about rules or threads' results: sources return ids and paths.

mod diff;
mod ignore;
mod messages;
mod packs;
mod staged;
mod tree_index;

pub use diff::{blob_at, introduced_by};
pub use ignore::IgnoreRules;
pub use messages::tag_messages;
pub use packs::{for_each_packed_object, packed_object_count, Decoded, PackPosition, PackReader};
pub use staged::staged_blobs;
pub use tree_index::{introductions_from_index, Introduced, PlacementMemo, TreeIndex, Wanted};

use std::collections::{HashSet, VecDeque};
use std::path::Path;

use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::EntryMode;
use gix::ObjectId;

use crate::date::rfc3339;
use crate::provenance::CommitInfo;

/// The underlying error of a [`GitError`] (a gix error, or a description).
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a repository or one of its objects could not be read. The gix error that caused it
/// is kept as [`std::error::Error::source`]. `Display` says what failed; the alternate
/// form (`{:#}`, used by [`crate::messages::Messages::error`]) appends the causes, as
/// anyhow's `{:#}` does for fatal errors.
#[derive(Debug)]
pub enum GitError {
    /// `{path}: cannot open git repository`.
    Open { path: String, source: Cause },
    /// `cannot resolve revision "{rev}"`.
    Revision { rev: String, source: Cause },
    /// `object {id}`: it cannot be read or decoded.
    Object { id: ObjectId, source: Cause },
    /// `cannot read the index`.
    Index(Cause),
    /// `cannot list references` (or the object database).
    References(Cause),
    /// `{path}: cannot decode pack, reading its objects one by one`.
    Pack { path: String, source: Cause },
    /// `object {id} is missing from the object database`: a tree, commit or the index
    /// names it, but the database lacks it (a damaged repository, or a partial clone that
    /// did not fetch it).
    Missing { id: ObjectId },
    /// `commit {id}: {message}`: a commit whose headers (author, committer, dates) do not
    /// all parse; it is still walked, by its tree and parents, and reported without an
    /// author or date.
    Malformed { id: ObjectId, message: String },
}

impl GitError {
    fn cause(&self) -> Option<&Cause> {
        match self {
            GitError::Open { source, .. }
            | GitError::Revision { source, .. }
            | GitError::Object { source, .. }
            | GitError::Pack { source, .. }
            | GitError::Index(source)
            | GitError::References(source) => Some(source),
            GitError::Missing { .. } | GitError::Malformed { .. } => None,
        }
    }

    /// The object this error is about, if it is about one.
    pub fn object(&self) -> Option<ObjectId> {
        match self {
            GitError::Object { id, .. }
            | GitError::Missing { id }
            | GitError::Malformed { id, .. } => Some(*id),
            _ => None,
        }
    }
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::Open { path, .. } => write!(f, "{path}: cannot open git repository")?,
            GitError::Revision { rev, .. } => write!(f, "cannot resolve revision {rev:?}")?,
            GitError::Object { id, .. } => write!(f, "object {id}")?,
            GitError::Index(_) => f.write_str("cannot read the index")?,
            GitError::References(_) => f.write_str("cannot list references")?,
            GitError::Pack { path, .. } => write!(
                f,
                "{path}: cannot decode pack, reading its objects one by one"
            )?,
            GitError::Missing { id } => {
                write!(f, "object {id} is missing from the object database")?
            }
            GitError::Malformed { id, message } => write!(f, "commit {id}: {message}")?,
        }
        if f.alternate() {
            let mut cause: Option<&(dyn std::error::Error + 'static)> =
                self.cause().map(|c| &**c as _);
            while let Some(e) = cause {
                write!(f, ": {e}")?;
                cause = e.source();
            }
        }
        Ok(())
    }
}

impl std::error::Error for GitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause().map(|c| &**c as _)
    }
}

/// Opens the repository containing `path`, isolated from user and system git config
/// (scanned repositories are untrusted input).
pub fn open(path: &Path) -> Result<gix::ThreadSafeRepository, GitError> {
    let options = gix::open::Options::isolated();
    gix::ThreadSafeRepository::discover_opts(
        path,
        Default::default(),
        gix::sec::trust::Mapping {
            full: options.clone(),
            reduced: options,
        },
    )
    .map_err(|e| GitError::Open {
        path: path.display().to_string(),
        source: e.into(),
    })
}

/// Whether any of `files` (paths as given on the command line or found under them) is
/// committed: present in the HEAD tree of the repository that holds it. A file in no
/// repository, or only in the work tree (untracked, or added but not committed), is not.
pub fn any_committed<'p>(files: impl IntoIterator<Item = &'p Path>) -> bool {
    let mut repos: Vec<(std::path::PathBuf, gix::Repository, Option<ObjectId>)> = Vec::new();
    for file in files {
        let Ok(absolute) = std::fs::canonicalize(file) else {
            continue;
        };
        let known = repos
            .iter()
            .position(|(root, ..)| absolute.starts_with(root));
        let at = match known {
            Some(at) => at,
            None => {
                let dir = absolute.parent().unwrap_or(&absolute);
                let Some(repo) = open(dir).ok().map(|r| r.to_thread_local()) else {
                    continue;
                };
                let Some(root) = repo.workdir().and_then(|w| std::fs::canonicalize(w).ok()) else {
                    continue;
                };
                let head = repo.head_tree_id().ok().map(|t| t.detach());
                repos.push((root, repo, head));
                repos.len() - 1
            }
        };
        let (root, repo, head) = &repos[at];
        let (Some(head), Ok(relative)) = (head, absolute.strip_prefix(root)) else {
            continue;
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        if matches!(blob_at(repo, *head, relative.as_str().into()), Ok(Some(_))) {
            return true;
        }
    }
    false
}

/// A commit in the graph: its tree, parents and time.
#[derive(Debug, Clone)]
pub struct CommitNode {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Committer time, seconds since the epoch.
    pub time: i64,
}

/// An entry of a decoded tree.
pub(super) struct TreeEntry {
    pub(super) name: BString,
    pub(super) mode: EntryMode,
    pub(super) id: ObjectId,
}

pub(super) fn object_error(id: ObjectId, e: impl Into<Cause>) -> GitError {
    GitError::Object {
        id,
        source: e.into(),
    }
}

/// Reads one commit's graph node.
pub fn read_commit(repo: &gix::Repository, id: ObjectId) -> Result<CommitNode, GitError> {
    read_commit_with(repo, id, |_| {}).map(|(node, _)| node)
}

/// Reads one commit's graph node, handing its message to `on_message` while it is decoded,
/// with what is wrong with its headers, if anything (see [`GitError::Malformed`]).
fn read_commit_with(
    repo: &gix::Repository,
    id: ObjectId,
    on_message: impl FnOnce(&[u8]),
) -> Result<(CommitNode, Option<String>), GitError> {
    let object = repo.find_object(id).map_err(|e| object_error(id, e))?;
    let commit = object.try_into_commit().map_err(|e| object_error(id, e))?;
    let decoded = match commit.decode() {
        Ok(decoded) => decoded,
        Err(e) => {
            // A header that does not parse (an author without a date, say) must not cut
            // the walk: the tree, parents and message are still there.
            let raw =
                lenient_commit(&commit.data).ok_or_else(|| object_error(id, e.to_string()))?;
            on_message(raw.message);
            let node = CommitNode {
                id,
                tree: raw.tree,
                parents: raw.parents,
                time: 0,
            };
            return Ok((node, Some(format!("malformed commit: {e}"))));
        }
    };
    on_message(decoded.message);
    let problem = match (decoded.author(), decoded.committer()) {
        (Err(e), _) => Some(format!("malformed author: {e}")),
        (_, Err(e)) => Some(format!("malformed committer: {e}")),
        _ => None,
    };
    let node = CommitNode {
        id,
        tree: decoded.tree(),
        parents: decoded.parents().collect(),
        time: decoded.committer().map(|c| c.seconds()).unwrap_or(0),
    };
    Ok((node, problem))
}

/// What can be read of a commit object whose headers do not all parse.
struct LenientCommit<'a> {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    message: &'a [u8],
}

/// Reads the `tree` and `parent` headers and the message of a commit object, ignoring
/// every other header; None without a valid `tree` line.
fn lenient_commit(data: &[u8]) -> Option<LenientCommit<'_>> {
    let (headers, message) = match data.find(b"\n\n") {
        Some(end) => (&data[..end], &data[end + 2..]),
        None => (data, &[][..]),
    };
    let mut tree = None;
    let mut parents = Vec::new();
    for line in headers.lines() {
        if let Some(hex) = line.strip_prefix(b"tree ") {
            tree = tree.or_else(|| ObjectId::from_hex(hex).ok());
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.extend(ObjectId::from_hex(hex).ok());
        }
    }
    Some(LenientCommit {
        tree: tree?,
        parents,
        message,
    })
}

/// A commit's details for reports, and what was wrong with it, if anything.
pub struct CommitDetails {
    pub info: CommitInfo,
    /// Why the author (name, email or date) could not be read: a hand-crafted or damaged
    /// commit object. The details then fall back to the committer, or are left empty
    /// (empty name, email and date; time 0).
    pub malformed: Option<String>,
}

/// Author, date and summary of a commit, for reports. A commit whose author line does
/// not parse is still described (see [`CommitDetails::malformed`]), so that one bad
/// commit does not hide the findings it introduced.
pub fn commit_info(repo: &gix::Repository, id: ObjectId) -> Result<CommitDetails, GitError> {
    let commit = repo.find_commit(id).map_err(|e| object_error(id, e))?;
    let decoded = match commit.decode() {
        Ok(decoded) => decoded,
        Err(e) => {
            let raw =
                lenient_commit(&commit.data).ok_or_else(|| object_error(id, e.to_string()))?;
            let summary = raw.message.lines().next().unwrap_or_default();
            return Ok(CommitDetails {
                info: CommitInfo {
                    commit: id.to_string(),
                    author_name: String::new(),
                    author_email: String::new(),
                    date: String::new(),
                    time: 0,
                    summary: summary.trim().to_str_lossy().into_owned(),
                },
                malformed: Some(format!("malformed commit: {e}")),
            });
        }
    };
    let summary = decoded.message_summary().to_str_lossy().into_owned();
    let info = |name: &[u8], email: &[u8], date: String, time: i64| CommitInfo {
        commit: id.to_string(),
        author_name: name.to_str_lossy().into_owned(),
        author_email: email.to_str_lossy().into_owned(),
        date,
        time,
        summary: summary.clone(),
    };
    match decoded.author() {
        Ok(author) => {
            let time = author.seconds();
            Ok(CommitDetails {
                info: info(author.name, author.email, rfc3339(time), time),
                malformed: None,
            })
        }
        Err(e) => {
            let malformed = Some(format!("malformed author: {e}"));
            let info = match decoded.committer() {
                Ok(c) => info(c.name, c.email, rfc3339(c.seconds()), c.seconds()),
                Err(_) => info(b"", b"", String::new(), 0),
            };
            Ok(CommitDetails { info, malformed })
        }
    }
}

/// Resolves a revision (`main`, `HEAD~2`, a commit id) to a commit id.
pub fn resolve(repo: &gix::Repository, rev: &str) -> Result<ObjectId, GitError> {
    let id = repo.rev_parse_single(rev).map_err(|e| GitError::Revision {
        rev: rev.to_string(),
        source: e.into(),
    })?;
    let commit = id
        .object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| GitError::Revision {
            rev: rev.to_string(),
            source: e.into(),
        })?;
    Ok(commit.id)
}

/// Every commit that a ref (branch, tag, remote, stash, HEAD) points at, peeled.
pub fn ref_tips(repo: &gix::Repository) -> Result<Vec<ObjectId>, GitError> {
    let mut tips = Vec::new();
    let platform = repo
        .references()
        .map_err(|e| GitError::References(e.into()))?;
    let all = platform.all().map_err(|e| GitError::References(e.into()))?;
    for reference in all.flatten() {
        let mut reference = reference;
        if let Ok(id) = reference.peel_to_id() {
            if let Ok(object) = id.object() {
                if let Ok(commit) = object.peel_to_commit() {
                    tips.push(commit.id);
                }
            }
        }
    }
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// Commits reachable from `tips` but not from `hidden`, with the objects that could not
/// be read. Missing parents are skipped: at the edge of a shallow clone silently, anywhere
/// else with a [`GitError::Missing`]. Each commit's
/// message is handed to `on_message` as it is read, so messages need no second read.
pub fn commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    mut on_message: impl FnMut(ObjectId, &[u8]),
) -> (Vec<CommitNode>, Vec<GitError>) {
    let mut errors = Vec::new();
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    let excluded = reachable_ids(repo, hidden);
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut queue: VecDeque<ObjectId> = tips.iter().copied().collect();
    let mut out = Vec::new();
    while let Some(id) = queue.pop_front() {
        if excluded.contains(&id) || !seen.insert(id) {
            continue;
        }
        match read_commit_with(repo, id, |message| on_message(id, message)) {
            Ok((node, problem)) => {
                if let Some(message) = problem {
                    errors.push(GitError::Malformed { id, message });
                }
                for &parent in &node.parents {
                    if repo.has_object(parent) {
                        queue.push_back(parent);
                    } else if !shallow.contains(&id) {
                        // Only the commits at the edge of a shallow clone may lack parents.
                        errors.push(GitError::Missing { id: parent });
                    }
                }
                out.push(node);
            }
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

/// The commits reachable from both `a` and `b`: what git's `a...b` (symmetric
/// difference) leaves out.
pub fn common_ancestors(repo: &gix::Repository, a: ObjectId, b: ObjectId) -> Vec<ObjectId> {
    let from_a = reachable_ids(repo, &[a]);
    let from_b = reachable_ids(repo, &[b]);
    from_a.intersection(&from_b).copied().collect()
}

fn reachable_ids(repo: &gix::Repository, tips: &[ObjectId]) -> HashSet<ObjectId> {
    let mut seen = HashSet::new();
    let mut queue: VecDeque<ObjectId> = tips.iter().copied().collect();
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        if let Ok(node) = read_commit(repo, id) {
            queue.extend(node.parents.iter().copied().filter(|p| repo.has_object(p)));
        }
    }
    seen
}

pub(super) fn read_tree(repo: &gix::Repository, id: ObjectId) -> Result<Vec<TreeEntry>, GitError> {
    let mut entries = Vec::new();
    for_each_entry(repo, id, |mode, id, name| {
        entries.push(TreeEntry {
            name: name.into(),
            mode,
            id,
        })
    })?;
    Ok(entries)
}

/// What a tree walk found besides blobs.
#[derive(Debug, Default)]
pub struct WalkNotes {
    /// Names of submodule entries (gitlinks; the entry's own name, not its full path):
    /// noted, not followed.
    pub submodules: std::collections::BTreeSet<String>,
    pub errors: Vec<GitError>,
}

/// A thread-local repository handle with an object cache, so that trees read again
/// (root trees shared by many commits' diffs) are not inflated again.
pub fn cached(shared: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = shared.to_thread_local();
    repo.object_cache_size_if_unset(16 << 20);
    repo
}

/// Calls `f(mode, id, name)` for each entry of tree `id`, without copying names.
pub(super) fn for_each_entry(
    repo: &gix::Repository,
    id: ObjectId,
    f: impl FnMut(EntryMode, ObjectId, &[u8]),
) -> Result<(), GitError> {
    let object = repo.find_object(id).map_err(|e| object_error(id, e))?;
    tree_entries(id, object.kind, &object.data, repo.object_hash(), f)
}

/// Calls `f(mode, id, name)` for each entry of the tree `id` whose object is `kind`
/// and `data`; an error if it is not a tree or does not parse.
pub(super) fn tree_entries(
    id: ObjectId,
    kind: gix::object::Kind,
    data: &[u8],
    hash: gix::hash::Kind,
    mut f: impl FnMut(EntryMode, ObjectId, &[u8]),
) -> Result<(), GitError> {
    if kind != gix::object::Kind::Tree {
        return Err(object_error(id, format!("expected a tree, found a {kind}")));
    }
    for entry in gix::objs::TreeRefIter::from_bytes(data, hash) {
        let entry = entry.map_err(|e| object_error(id, e))?;
        f(entry.mode, entry.oid.to_owned(), entry.filename);
    }
    Ok(())
}

/// Every blob and tree in the object database, reachable or not, except those `skip`
/// accepts (objects already read another way, such as from a decoded pack).
pub fn all_blobs(
    shared: &gix::ThreadSafeRepository,
    skip: &(dyn Fn(&gix::oid) -> bool + Sync),
) -> (Vec<ObjectId>, Vec<ObjectId>, WalkNotes) {
    use rayon::prelude::*;
    let mut notes = WalkNotes::default();
    let repo = shared.to_thread_local();
    // In pack order: delta bases are then usually decoded just before the objects built
    // on them, so the pack's delta cache hits instead of re-inflating chains.
    let ids: Vec<ObjectId> = match repo.objects.iter() {
        Ok(iter) => iter
            .with_ordering(
                gix::odb::store::iter::Ordering::PackAscendingOffsetThenLooseLexicographical,
            )
            .filter_map(Result::ok)
            .filter(|id| !skip(id))
            .collect(),
        Err(e) => {
            notes.errors.push(GitError::References(e.into()));
            return (Vec::new(), Vec::new(), notes);
        }
    };
    type Listed = (Vec<ObjectId>, Vec<ObjectId>, Vec<GitError>);
    let results: Vec<Listed> = ids
        .par_chunks(1024)
        .map_init(
            || shared.to_thread_local(),
            |repo, chunk| {
                let (mut blobs, mut trees, mut errors) = (Vec::new(), Vec::new(), Vec::new());
                for &id in chunk {
                    match repo.find_header(id) {
                        Ok(h) if h.kind() == gix::object::Kind::Blob => blobs.push(id),
                        Ok(h) if h.kind() == gix::object::Kind::Tree => trees.push(id),
                        Ok(_) => {}
                        Err(e) => errors.push(object_error(id, e)),
                    }
                }
                (blobs, trees, errors)
            },
        )
        .collect();
    let (mut blobs, mut trees) = (Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for (b, t, e) in results {
        // Objects in several packs are listed once each; keep the first, in pack order.
        blobs.extend(b.into_iter().filter(|id| seen.insert(*id)));
        trees.extend(t.into_iter().filter(|id| seen.insert(*id)));
        notes.errors.extend(e);
    }
    (blobs, trees, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_errors_keep_their_cause() {
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, "bad zlib stream");
        let e = GitError::Object {
            id: ObjectId::null(gix::hash::Kind::Sha1),
            source: Box::new(io),
        };
        let id = "0".repeat(40);
        assert_eq!(e.to_string(), format!("object {id}"));
        assert_eq!(format!("{e:#}"), format!("object {id}: bad zlib stream"));
        let cause = std::error::Error::source(&e).expect("a cause");
        let io = cause
            .downcast_ref::<std::io::Error>()
            .expect("the io::Error");
        assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
        // As a fatal error, anyhow prints each cause once.
        let fatal = anyhow::Error::from(GitError::Index("no index".into()));
        assert_eq!(format!("{fatal:#}"), "cannot read the index: no index");
    }
}
