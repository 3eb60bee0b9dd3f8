//! Where blobs of interest sit in history: one parallel pass over every tree of the
//! repository, in pack order, and, from it, which commits introduced each such blob at
//! which path.

use std::collections::{HashMap, HashSet};

use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::ObjectId;

use super::{for_each_entry, CommitNode, GitError, WalkNotes};

/// Where some blobs of interest sit in the trees: built in one parallel pass over every
/// tree, keeping only subtree links and entries of those blobs.
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

type Entries = Vec<(BString, ObjectId)>;
/// What reading some trees gave: `(tree, subtrees, blobs of interest)`, gitlinks, errors
/// (objects the trees name that are not in the object database among them).
type Chunk = (Vec<(ObjectId, Entries, Entries)>, u64, Vec<GitError>);

/// Whether an object is in the object database.
pub type Present<'a> = &'a (dyn Fn(&gix::oid) -> bool + Sync);

/// Reads `trees`, keeping subtree links and the entries of blobs in `wanted`, and checks
/// that every blob and subtree they name is `present`.
fn read_trees(
    repo: &gix::Repository,
    trees: &[ObjectId],
    wanted: &HashSet<ObjectId>,
    present: Present<'_>,
) -> Chunk {
    let (mut out, mut submodules, mut errors) = (Vec::new(), 0, Vec::new());
    // Trees come in pack order, so neighbours are mostly versions of one tree naming the
    // same objects: each is checked once per run of trees.
    let mut checked: HashSet<ObjectId> = HashSet::new();
    for &tree in trees {
        let (mut subtrees, mut found) = (Vec::new(), Vec::new());
        let read = for_each_entry(repo, tree, |mode, id, name| {
            if mode.is_commit() {
                submodules += 1;
                return;
            }
            if !wanted.contains(&id) && checked.insert(id) && !present(&id) {
                errors.push(GitError::Missing { id });
            }
            // With no blob of interest, trees are read only for the check above.
            if mode.is_tree() && !wanted.is_empty() {
                subtrees.push((name.into(), id));
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
}

impl TreeIndex {
    fn empty() -> TreeIndex {
        TreeIndex {
            nodes: HashMap::new(),
            names: Vec::new(),
        }
    }

    /// Adds what `read_trees` found.
    fn absorb(
        &mut self,
        name_ids: &mut HashMap<BString, u32>,
        notes: &mut WalkNotes,
        results: Vec<Chunk>,
    ) {
        let names = &mut self.names;
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
                self.nodes.insert(tree, node);
            }
        }
    }

    /// Reads the given trees (every tree of the repository, in pack order) in contiguous
    /// parallel runs, so that a delta base read for one tree is still in the pack cache
    /// for the trees built on it, and records where the blobs in `wanted` are. Every blob
    /// and subtree a tree names that is not `present` is reported as
    /// [`GitError::Missing`] in the notes.
    pub fn build_from(
        shared: &gix::ThreadSafeRepository,
        trees: &[ObjectId],
        wanted: &HashSet<ObjectId>,
        present: Present<'_>,
    ) -> (TreeIndex, WalkNotes) {
        use rayon::prelude::*;
        /// Delta bases kept per thread while reading trees in pack order.
        const PACK_CACHE: usize = 32 << 20;
        /// Trees read before their entries are interned: bounds the memory of names not
        /// yet interned (most repeat from one version of a tree to the next).
        const BATCH: usize = 16 * 1024;
        let mut index = TreeIndex::empty();
        let mut name_ids = HashMap::new();
        let mut notes = WalkNotes::default();
        for batch in trees.chunks(BATCH) {
            let results: Vec<Chunk> = batch
                .par_chunks(2048)
                .map_init(
                    || {
                        let mut repo = shared.to_thread_local();
                        repo.objects.set_pack_cache(|| {
                            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                                PACK_CACHE,
                            ))
                        });
                        repo
                    },
                    |repo, chunk| read_trees(repo, chunk, wanted, present),
                )
                .collect();
            index.absorb(&mut name_ids, &mut notes, results);
        }
        (index, notes)
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
