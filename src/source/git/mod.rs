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
pub use messages::{commit_message, tag_messages, TagMessage};
pub use packs::{for_each_packed_object, Decoded, PackMap, PackPosition, PackReader};
pub use staged::staged_blobs;
pub use tree_index::{
    introductions_from_index, Introduced, PlacementMemo, Placements, TreeIndex, Wanted,
};

use std::collections::{HashSet, VecDeque};
use std::path::Path;

use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::EntryMode;
use gix::ObjectId;

use crate::date::rfc3339;
use crate::provenance::CommitInfo;

/// Why a repository or one of its objects could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path}: cannot open git repository: {message}")]
    Open { path: String, message: String },
    #[error("cannot resolve revision {rev:?}: {message}")]
    Revision { rev: String, message: String },
    #[error("object {id}: {message}")]
    Object { id: ObjectId, message: String },
    #[error("cannot read the index: {0}")]
    Index(String),
    #[error("cannot list references: {0}")]
    References(String),
    #[error("{path}: cannot decode pack, reading its objects one by one: {message}")]
    Pack { path: String, message: String },
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
        message: e.to_string(),
    })
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

pub(super) fn object_error(id: ObjectId, e: impl std::fmt::Display) -> GitError {
    GitError::Object {
        id,
        message: e.to_string(),
    }
}

/// Reads one commit's graph node.
pub fn read_commit(repo: &gix::Repository, id: ObjectId) -> Result<CommitNode, GitError> {
    read_commit_with(repo, id, |_| {})
}

/// Reads one commit's graph node, handing its message to `on_message` while it is decoded.
fn read_commit_with(
    repo: &gix::Repository,
    id: ObjectId,
    on_message: impl FnOnce(&[u8]),
) -> Result<CommitNode, GitError> {
    let object = repo.find_object(id).map_err(|e| object_error(id, e))?;
    let commit = object.try_into_commit().map_err(|e| object_error(id, e))?;
    let decoded = commit.decode().map_err(|e| object_error(id, e))?;
    on_message(decoded.message);
    Ok(CommitNode {
        id,
        tree: decoded.tree(),
        parents: decoded.parents().collect(),
        time: decoded.committer().map(|c| c.seconds()).unwrap_or(0),
    })
}

/// Author, date and summary of a commit, for reports.
pub fn commit_info(repo: &gix::Repository, id: ObjectId) -> Result<CommitInfo, GitError> {
    let commit = repo.find_commit(id).map_err(|e| object_error(id, e))?;
    let decoded = commit.decode().map_err(|e| object_error(id, e))?;
    let author = decoded.author().map_err(|e| object_error(id, e))?;
    let time = author.seconds();
    let summary = decoded.message_summary().to_str_lossy().into_owned();
    Ok(CommitInfo {
        commit: id.to_string(),
        author_name: author.name.to_str_lossy().into_owned(),
        author_email: author.email.to_str_lossy().into_owned(),
        date: rfc3339(time),
        time,
        summary,
    })
}

/// Resolves a revision (`main`, `HEAD~2`, a commit id) to a commit id.
pub fn resolve(repo: &gix::Repository, rev: &str) -> Result<ObjectId, GitError> {
    let id = repo.rev_parse_single(rev).map_err(|e| GitError::Revision {
        rev: rev.to_string(),
        message: e.to_string(),
    })?;
    let commit = id
        .object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| GitError::Revision {
            rev: rev.to_string(),
            message: e.to_string(),
        })?;
    Ok(commit.id)
}

/// Every commit that a ref (branch, tag, remote, stash, HEAD) points at, peeled.
pub fn ref_tips(repo: &gix::Repository) -> Result<Vec<ObjectId>, GitError> {
    let mut tips = Vec::new();
    let platform = repo
        .references()
        .map_err(|e| GitError::References(e.to_string()))?;
    let all = platform
        .all()
        .map_err(|e| GitError::References(e.to_string()))?;
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
/// be read. Missing parents (the edge of a shallow clone) are skipped. Each commit's
/// message is handed to `on_message` as it is read, so messages need no second read.
pub fn commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    mut on_message: impl FnMut(ObjectId, &[u8]),
) -> (Vec<CommitNode>, Vec<GitError>) {
    let mut errors = Vec::new();
    let excluded = reachable_ids(repo, hidden);
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut queue: VecDeque<ObjectId> = tips.iter().copied().collect();
    let mut out = Vec::new();
    while let Some(id) = queue.pop_front() {
        if excluded.contains(&id) || !seen.insert(id) {
            continue;
        }
        match read_commit_with(repo, id, |message| on_message(id, message)) {
            Ok(node) => {
                queue.extend(node.parents.iter().copied().filter(|p| repo.has_object(p)));
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
    /// Submodule entries (gitlinks): noted, not followed.
    pub submodules: u64,
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
            notes.errors.push(GitError::References(e.to_string()));
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
