//! Git sources, read natively with gix: the commit graph, every blob of the object
//! database (each distinct blob once, in pack order), the staged index, commit ranges,
//! and provenance (which commits introduced a blob at which path).
//!
//! History provenance comes from a [`TreeIndex`]: one pass over the distinct trees that
//! keeps only where the blobs with findings sit, so its cost grows with the number of
//! trees, not with commits times files. Ranges diff each commit against its parents.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use gix::bstr::{BString, ByteSlice, ByteVec};
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
struct TreeEntry {
    name: BString,
    mode: EntryMode,
    id: ObjectId,
}

fn object_error(id: ObjectId, e: impl std::fmt::Display) -> GitError {
    GitError::Object {
        id,
        message: e.to_string(),
    }
}

/// Reads one commit's graph node.
pub fn read_commit(repo: &gix::Repository, id: ObjectId) -> Result<CommitNode, GitError> {
    let object = repo.find_object(id).map_err(|e| object_error(id, e))?;
    let commit = object.try_into_commit().map_err(|e| object_error(id, e))?;
    let decoded = commit.decode().map_err(|e| object_error(id, e))?;
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
/// be read. Missing parents (the edge of a shallow clone) are skipped.
pub fn commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
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
        match read_commit(repo, id) {
            Ok(node) => {
                queue.extend(node.parents.iter().copied().filter(|p| repo.has_object(p)));
                out.push(node);
            }
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
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

fn read_tree(repo: &gix::Repository, id: ObjectId) -> Result<Vec<TreeEntry>, GitError> {
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
fn for_each_entry(
    repo: &gix::Repository,
    id: ObjectId,
    mut f: impl FnMut(EntryMode, ObjectId, &[u8]),
) -> Result<(), GitError> {
    let object = repo.find_object(id).map_err(|e| object_error(id, e))?;
    if object.kind != gix::object::Kind::Tree {
        return Err(object_error(
            id,
            format!("expected a tree, found a {}", object.kind),
        ));
    }
    for entry in gix::objs::TreeRefIter::from_bytes(&object.data, repo.object_hash()) {
        let entry = entry.map_err(|e| object_error(id, e))?;
        f(entry.mode, entry.oid.to_owned(), entry.filename);
    }
    Ok(())
}

/// Every blob in the object database, reachable or not (`--all-objects`).
pub fn all_blobs(shared: &gix::ThreadSafeRepository) -> (Vec<ObjectId>, WalkNotes) {
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
            .collect(),
        Err(e) => {
            notes.errors.push(GitError::References(e.to_string()));
            return (Vec::new(), notes);
        }
    };
    let results: Vec<(Vec<ObjectId>, Vec<GitError>)> = ids
        .par_chunks(1024)
        .map_init(
            || shared.to_thread_local(),
            |repo, chunk| {
                let mut blobs = Vec::new();
                let mut errors = Vec::new();
                for &id in chunk {
                    match repo.find_header(id) {
                        Ok(h) if h.kind() == gix::object::Kind::Blob => blobs.push(id),
                        Ok(_) => {}
                        Err(e) => errors.push(object_error(id, e)),
                    }
                }
                (blobs, errors)
            },
        )
        .collect();
    let mut blobs = Vec::new();
    let mut seen = HashSet::new();
    for (b, e) in results {
        // Objects in several packs are listed once each; keep the first, in pack order.
        blobs.extend(b.into_iter().filter(|id| seen.insert(*id)));
        notes.errors.extend(e);
    }
    (blobs, notes)
}

/// Where some blobs of interest sit in the reachable trees: built in one parallel pass
/// over every distinct tree, keeping only subtree links and entries of those blobs.
pub struct TreeIndex {
    /// Trees with subtrees or blobs of interest; a tree absent here has neither.
    nodes: HashMap<ObjectId, TreeNode>,
    /// Interned entry names (most repeat across versions of a tree).
    names: Vec<BString>,
}

/// One tree, reduced: its subtrees, and the blobs of interest directly in it, by name index.
#[derive(Default)]
struct TreeNode {
    subtrees: Box<[(u32, ObjectId)]>,
    wanted: Box<[(u32, ObjectId)]>,
}

/// `(path, blob)` pairs of the blobs of interest under a tree.
pub type Placements = std::sync::Arc<Vec<(BString, ObjectId)>>;

impl TreeIndex {
    /// Reads every tree reachable from `roots` once (level by level, in parallel) and
    /// records where the blobs in `wanted` are.
    pub fn build(
        shared: &gix::ThreadSafeRepository,
        roots: impl IntoIterator<Item = ObjectId>,
        wanted: &HashSet<ObjectId>,
    ) -> (TreeIndex, WalkNotes) {
        use rayon::prelude::*;
        let mut nodes: HashMap<ObjectId, TreeNode> = HashMap::new();
        let mut names: Vec<BString> = Vec::new();
        let mut name_ids: HashMap<BString, u32> = HashMap::new();
        let mut notes = WalkNotes::default();
        let mut seen: HashSet<ObjectId> = HashSet::new();
        let mut level: Vec<ObjectId> = roots.into_iter().filter(|t| seen.insert(*t)).collect();
        while !level.is_empty() {
            type Entries = Vec<(BString, ObjectId)>;
            type Chunk = (Vec<(ObjectId, Entries, Entries)>, u64, Vec<GitError>);
            let results: Vec<Chunk> = level
                .par_chunks(256)
                .map_init(
                    || shared.to_thread_local(),
                    |repo, chunk| {
                        let (mut out, mut submodules, mut errors) = (Vec::new(), 0, Vec::new());
                        for &tree in chunk {
                            let (mut subtrees, mut found) = (Vec::new(), Vec::new());
                            let read = for_each_entry(repo, tree, |mode, id, name| {
                                if mode.is_tree() {
                                    subtrees.push((name.into(), id));
                                } else if mode.is_commit() {
                                    submodules += 1;
                                } else if mode.is_blob() && wanted.contains(&id) {
                                    found.push((name.into(), id));
                                }
                            });
                            match read {
                                Ok(()) => out.push((tree, subtrees, found)),
                                Err(e) => errors.push(e),
                            }
                        }
                        (out, submodules, errors)
                    },
                )
                .collect();
            level = Vec::new();
            let mut intern = |name: BString| -> u32 {
                *name_ids.entry(name).or_insert_with_key(|n| {
                    names.push(n.clone());
                    (names.len() - 1) as u32
                })
            };
            for (out, submodules, errors) in results {
                notes.submodules += submodules;
                notes.errors.extend(errors);
                for (tree, subtrees, found) in out {
                    level.extend(
                        subtrees
                            .iter()
                            .map(|(_, id)| *id)
                            .filter(|id| seen.insert(*id)),
                    );
                    if subtrees.is_empty() && found.is_empty() {
                        continue;
                    }
                    let node = TreeNode {
                        subtrees: subtrees
                            .into_iter()
                            .map(|(n, id)| (intern(n), id))
                            .collect(),
                        wanted: found.into_iter().map(|(n, id)| (intern(n), id)).collect(),
                    };
                    nodes.insert(tree, node);
                }
            }
        }
        (TreeIndex { nodes, names }, notes)
    }

    /// The blobs of interest under `tree`, with their paths (memoised in `memo`).
    pub fn placements(
        &self,
        tree: ObjectId,
        memo: &mut HashMap<ObjectId, Placements>,
    ) -> Placements {
        if let Some(p) = memo.get(&tree) {
            return p.clone();
        }
        let mut out = Vec::new();
        if let Some(node) = self.nodes.get(&tree) {
            out.extend(
                node.wanted
                    .iter()
                    .map(|(n, id)| (self.names[*n as usize].clone(), *id)),
            );
            for (name, sub) in node.subtrees.iter() {
                for (path, blob) in self.placements(*sub, memo).iter() {
                    let mut full = self.names[*name as usize].clone();
                    full.push_byte(b'/');
                    full.push_str(path);
                    out.push((full, *blob));
                }
            }
        }
        let p = std::sync::Arc::new(out);
        memo.insert(tree, p.clone());
        p
    }
}

/// For every commit, the blobs of interest it introduced: present in its tree at a path
/// where no parent had them. Uses the [`TreeIndex`], so no tree is read again.
pub fn introductions_from_index(index: &TreeIndex, commits: &[CommitNode]) -> Vec<Introduced> {
    let trees: HashMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
    let mut memo = HashMap::new();
    let mut out = Vec::new();
    for c in commits {
        let here = index.placements(c.tree, &mut memo);
        if here.is_empty() {
            continue;
        }
        let parents: Vec<Placements> = c
            .parents
            .iter()
            .filter_map(|p| trees.get(p))
            .map(|t| index.placements(*t, &mut memo))
            .collect();
        for (path, blob) in here.iter() {
            if !parents
                .iter()
                .any(|p| p.iter().any(|(pp, pb)| pb == blob && pp == path))
            {
                out.push(Introduced {
                    blob: *blob,
                    path: path.to_str_lossy().into_owned(),
                    commit: c.id,
                });
            }
        }
    }
    out
}

/// A blob that a commit introduced at a path (added or changed it there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introduced {
    pub blob: ObjectId,
    pub path: String,
    pub commit: ObjectId,
}

/// The blobs `commit` introduced relative to its parents, keeping those `wanted` accepts.
/// For a merge, a blob counts only if no parent had it at that path.
/// `trees` maps known commits to their trees, so parents need not be read again.
pub fn introduced_by(
    repo: &gix::Repository,
    commit: &CommitNode,
    trees: &HashMap<ObjectId, ObjectId>,
    wanted: &dyn Fn(&ObjectId) -> bool,
    out: &mut Vec<Introduced>,
) -> Result<(), GitError> {
    let mut parent_trees = Vec::with_capacity(commit.parents.len());
    for p in &commit.parents {
        match trees.get(p) {
            Some(tree) => parent_trees.push(*tree),
            None if repo.has_object(*p) => parent_trees.push(read_commit(repo, *p)?.tree),
            None => {}
        }
    }
    let first_parent_tree = parent_trees.first().copied();
    let mut changed = Vec::new();
    let mut prefix = BString::default();
    diff_trees(
        repo,
        first_parent_tree,
        commit.tree,
        &mut prefix,
        wanted,
        &mut changed,
    )?;
    for (path, blob) in changed {
        let mut in_other_parent = false;
        for tree in parent_trees.iter().skip(1) {
            if blob_at(repo, *tree, path.as_bstr())? == Some(blob) {
                in_other_parent = true;
                break;
            }
        }
        if !in_other_parent {
            out.push(Introduced {
                blob,
                path: path.to_str_lossy().into_owned(),
                commit: commit.id,
            });
        }
    }
    Ok(())
}

/// Blobs in `new` that differ from `old` at the same path (all of `new` when `old` is None).
/// Both trees are in git's entry order, so one merge pass pairs their entries.
fn diff_trees(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: ObjectId,
    prefix: &mut BString,
    wanted: &dyn Fn(&ObjectId) -> bool,
    out: &mut Vec<(BString, ObjectId)>,
) -> Result<(), GitError> {
    if old == Some(new) {
        return Ok(());
    }
    let old_entries = match old {
        Some(id) => read_tree(repo, id)?,
        None => Vec::new(),
    };
    let new_entries = read_tree(repo, new)?;
    let mut o = 0;
    for e in &new_entries {
        while o < old_entries.len()
            && git_order(
                &old_entries[o].name,
                old_entries[o].mode.is_tree(),
                &e.name,
                e.mode.is_tree(),
            ) == std::cmp::Ordering::Less
        {
            o += 1;
        }
        let before = old_entries
            .get(o)
            .filter(|b| b.name == e.name && b.mode.is_tree() == e.mode.is_tree());
        if before.is_some_and(|b| b.id == e.id) {
            continue;
        }
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push_byte(b'/');
        }
        prefix.push_str(&e.name);
        if e.mode.is_tree() {
            diff_trees(repo, before.map(|b| b.id), e.id, prefix, wanted, out)?;
        } else if e.mode.is_blob() && wanted(&e.id) {
            out.push((prefix.clone(), e.id));
        }
        prefix.truncate(len);
    }
    Ok(())
}

/// Git's tree entry order: by name, with a tree's name compared as if it ended in `/`.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let next = |name: &[u8], tree: bool| name.get(common).copied().or(tree.then_some(b'/'));
        next(a, a_tree).cmp(&next(b, b_tree))
    })
}

/// The blob at `path` in `tree`, if any.
pub fn blob_at(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &gix::bstr::BStr,
) -> Result<Option<ObjectId>, GitError> {
    let mut current = tree;
    let mut parts = path.split(|&b| b == b'/').peekable();
    while let Some(part) = parts.next() {
        let entries = read_tree(repo, current)?;
        let Some(entry) = entries.into_iter().find(|e| e.name.as_slice() == part) else {
            return Ok(None);
        };
        if parts.peek().is_none() {
            return Ok(entry.mode.is_blob().then_some(entry.id));
        }
        if !entry.mode.is_tree() {
            return Ok(None);
        }
        current = entry.id;
    }
    Ok(None)
}

/// Index entries (stage 0, regular files) whose blob differs from HEAD's at that path.
///
/// `git commit -a` and `git commit PATH` run hooks against a temporary index named by
/// `GIT_INDEX_FILE`; that index, not `.git/index`, is what will be committed.
pub fn staged_blobs(repo: &gix::Repository) -> Result<Vec<(String, ObjectId)>, GitError> {
    let temporary;
    let shared;
    let index: &gix::index::File = match std::env::var_os("GIT_INDEX_FILE") {
        Some(path) => {
            temporary = gix::index::File::at(
                std::path::PathBuf::from(path),
                repo.object_hash(),
                false,
                Default::default(),
            )
            .map_err(|e| GitError::Index(e.to_string()))?;
            &temporary
        }
        None => {
            shared = repo
                .index_or_empty()
                .map_err(|e| GitError::Index(e.to_string()))?;
            &shared
        }
    };
    let head_tree = repo.head_tree_id().ok().map(|t| t.detach());
    // The index's cache-tree records the tree id of directories whose entries did not change
    // since it was written; where that id equals HEAD's, nothing below is staged.
    let mut unchanged: HashSet<BString> = HashSet::new();
    if let (Some(cache), Some(head)) = (index.tree(), head_tree) {
        unchanged_dirs(
            repo,
            cache,
            Some(head),
            &mut BString::default(),
            &mut unchanged,
        )?;
    }
    if unchanged.contains(&BString::default()) {
        return Ok(Vec::new());
    }
    let candidates: Vec<(&gix::bstr::BStr, ObjectId)> = index
        .entries()
        .iter()
        .filter(|e| {
            let regular = e.mode == gix::index::entry::Mode::FILE
                || e.mode == gix::index::entry::Mode::FILE_EXECUTABLE;
            e.stage_raw() == 0 && regular
        })
        .map(|e| (e.path(index), e.id))
        .filter(|(path, _)| !in_unchanged_dir(path, &unchanged))
        .collect();
    let Some(head) = head_tree else {
        return Ok(candidates
            .into_iter()
            .map(|(p, id)| (p.to_str_lossy().into_owned(), id))
            .collect());
    };
    // Few candidates (the usual pre-commit case): look each up in HEAD; many: list HEAD once.
    let mut out = Vec::new();
    if candidates.len() <= 64 {
        for (path, id) in candidates {
            if blob_at(repo, head, path)? != Some(id) {
                out.push((path.to_str_lossy().into_owned(), id));
            }
        }
    } else {
        let mut all = Vec::new();
        diff_trees(
            repo,
            None,
            head,
            &mut BString::default(),
            &|_| true,
            &mut all,
        )?;
        let head_blobs: HashMap<BString, ObjectId> = all.into_iter().collect();
        for (path, id) in candidates {
            if head_blobs.get(path) != Some(&id) {
                out.push((path.to_str_lossy().into_owned(), id));
            }
        }
    }
    Ok(out)
}

/// Collects the directories (`a/b`, or empty for the root) whose valid cache-tree id
/// equals HEAD's tree at that path.
fn unchanged_dirs(
    repo: &gix::Repository,
    node: &gix::index::extension::Tree,
    head: Option<ObjectId>,
    prefix: &mut BString,
    out: &mut HashSet<BString>,
) -> Result<(), GitError> {
    let Some(head) = head else {
        return Ok(());
    };
    if node.num_entries.is_some() && node.id == head {
        out.insert(prefix.clone());
        return Ok(());
    }
    if node.children.is_empty() {
        return Ok(());
    }
    let head_children: HashMap<BString, ObjectId> = read_tree(repo, head)?
        .into_iter()
        .filter(|e| e.mode.is_tree())
        .map(|e| (e.name, e.id))
        .collect();
    for child in &node.children {
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push_byte(b'/');
        }
        prefix.extend_from_slice(&child.name);
        let name: &[u8] = &child.name;
        unchanged_dirs(
            repo,
            child,
            head_children.get(name.as_bstr()).copied(),
            prefix,
            out,
        )?;
        prefix.truncate(len);
    }
    Ok(())
}

/// Whether `path` lies under one of the `unchanged` directories.
fn in_unchanged_dir(path: &gix::bstr::BStr, unchanged: &HashSet<BString>) -> bool {
    !unchanged.is_empty()
        && path
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'/')
            .any(|(i, _)| unchanged.contains(path[..i].as_bstr()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn tree_entry_order_treats_trees_as_ending_in_slash() {
        assert_eq!(git_order(b"a", false, b"b", false), Less);
        assert_eq!(
            git_order(b"foo", true, b"foo.c", false),
            Greater,
            "'foo/' sorts after 'foo.c'"
        );
        assert_eq!(git_order(b"foo", false, b"foo.c", false), Less);
        assert_eq!(git_order(b"foo", true, b"foo", true), Equal);
    }
}
