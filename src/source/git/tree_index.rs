//! Where blobs of interest sit in history: one parallel pass over every tree of the
//! repository, in pack order, and, from it, which commits introduced each such blob at
//! which path.

use std::collections::HashMap;

use gix::hashtable::{HashMap as IdMap, HashSet as IdSet};

use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::ObjectId;

use gix::objs::tree::EntryMode;

use super::{
    for_each_entry, tree_entries, CommitNode, Decoded, GitError, PackPosition, PackReader,
    WalkNotes,
};

/// Where some blobs of interest sit in the trees: built in one parallel pass over every
/// tree, keeping only subtree links and entries of those blobs.
pub struct TreeIndex {
    /// Trees with subtrees or blobs of interest; a tree absent here has neither.
    nodes: IdMap<ObjectId, TreeNode>,
    /// Interned entry names (most repeat across versions of a tree).
    names: Vec<BString>,
}

/// One tree, reduced: its subtrees, and the blobs of interest directly in it, by name index.
#[derive(Default)]
struct TreeNode {
    subtrees: Box<[(u32, ObjectId)]>,
    wanted: Box<[(u32, ObjectId)]>,
}

type Entries = Vec<(BString, ObjectId)>;
/// What reading some trees gave: `(tree, subtrees, blobs of interest)`, gitlink names, errors
/// (objects the trees name that are not in the object database among them).
type Chunk = (
    Vec<(ObjectId, Entries, Entries)>,
    std::collections::BTreeSet<String>,
    Vec<GitError>,
);

/// Which blob entries a [`TreeIndex`] keeps: the blobs in `ids`, every blob whose file
/// name `name` accepts, and every blob directly in a directory whose name `dir` accepts.
pub struct Wanted<'w> {
    pub ids: &'w IdSet<ObjectId>,
    pub name: &'w (dyn Fn(&[u8]) -> bool + Sync),
    pub dir: &'w (dyn Fn(&[u8]) -> bool + Sync),
}

/// Whether an object is in the object database.
pub type Present<'a> = &'a (dyn Fn(&gix::oid) -> bool + Sync);

/// Reads `trees` (from the decoded packs where they have a position, otherwise from the
/// object database), keeping subtree links and the entries of blobs `wanted`, and checks
/// that every blob and subtree they name is `present`.
fn read_trees(
    repo: &gix::Repository,
    packs: &mut PackReader<'_>,
    trees: &[(Option<PackPosition>, ObjectId)],
    wanted: &Wanted<'_>,
    present: Present<'_>,
) -> Chunk {
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    let mut submodules = std::collections::BTreeSet::new();
    let hash = repo.object_hash();
    // Trees come in pack order, so neighbours are mostly versions of one tree naming the
    // same objects: each is checked once per run of trees.
    let mut checked: IdSet<ObjectId> = IdSet::default();
    for &(position, tree) in trees {
        let (mut subtrees, mut found) = (Vec::new(), Vec::new());
        let mut keep = |mode: EntryMode, id: ObjectId, name: &[u8]| {
            if !mode.is_commit() && !wanted.ids.contains(&id) && checked.insert(id) && !present(&id)
            {
                errors.push(GitError::Missing { id });
            }
            if mode.is_tree() {
                subtrees.push((name.into(), id));
            } else if mode.is_commit() {
                if !submodules.contains(name.to_str_lossy().as_ref()) {
                    submodules.insert(name.to_str_lossy().into_owned());
                }
            } else if mode.is_blob() && (wanted.ids.contains(&id) || (wanted.name)(name)) {
                found.push((name.into(), id));
            }
        };
        let read = match position.and_then(|p| packs.object(tree, p)) {
            Some(Ok((kind, data))) => tree_entries(tree, kind, data, hash, &mut keep),
            Some(Err(e)) => Err(e),
            None => for_each_entry(repo, tree, &mut keep),
        };
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
            nodes: IdMap::default(),
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
            notes.submodules.extend(submodules);
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

    /// Reads the given trees (every tree of the repository, in pack order, with its pack
    /// position when it is in one of the `packs`) in contiguous parallel runs, so that a
    /// delta base read for one tree is still in the cache for the trees built on it, and
    /// records where the blobs `wanted` are. The packs' resident pages are given back
    /// after each batch. Every blob and subtree a tree names that is not `present` is
    /// reported as [`GitError::Missing`] in the notes.
    pub fn build_from(
        shared: &gix::ThreadSafeRepository,
        packs: &Decoded,
        trees: &[(Option<PackPosition>, ObjectId)],
        wanted: &Wanted<'_>,
        present: Present<'_>,
    ) -> (TreeIndex, WalkNotes) {
        use rayon::prelude::*;
        /// Delta bases kept per thread while reading trees in pack order.
        const PACK_CACHE: usize = 8 << 20;
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
                    || (shared.to_thread_local(), packs.reader(PACK_CACHE)),
                    |(repo, reader), chunk| read_trees(repo, reader, chunk, wanted, present),
                )
                .collect();
            packs.release();
            index.absorb(&mut name_ids, &mut notes, results);
        }
        index.add_directory_files(&shared.to_thread_local(), wanted, &mut name_ids, &mut notes);
        (index, notes)
    }

    /// Keeps every blob directly in the directories that `wanted.dir` accepts: their
    /// trees are known only once the subtree links are (a tree is read without its name).
    fn add_directory_files(
        &mut self,
        repo: &gix::Repository,
        wanted: &Wanted<'_>,
        name_ids: &mut HashMap<BString, u32>,
        notes: &mut WalkNotes,
    ) {
        let accepted: Vec<bool> = self.names.iter().map(|n| (wanted.dir)(n)).collect();
        if !accepted.contains(&true) {
            return;
        }
        let mut dirs: Vec<ObjectId> = (self.nodes.values())
            .flat_map(|node| node.subtrees.iter())
            .filter(|(name, _)| accepted[*name as usize])
            .map(|(_, id)| *id)
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        let mut results = Vec::new();
        for dir in dirs {
            let (mut files, mut subtrees) = (Vec::new(), Vec::new());
            let read = for_each_entry(repo, dir, |mode, id, name| {
                if mode.is_tree() {
                    subtrees.push((BString::from(name), id));
                } else if mode.is_blob() {
                    files.push((BString::from(name), id));
                }
            });
            match read {
                Ok(()) => results.push((dir, subtrees, files)),
                Err(e) => notes.errors.push(e),
            }
        }
        // Replaces those trees' nodes (whose files were kept only when wanted by id or
        // name) with all their files.
        self.absorb(
            name_ids,
            notes,
            vec![(results, Default::default(), Vec::new())],
        );
    }

    /// The blobs of interest under `tree`, as `(path id, blob)` pairs with paths interned
    /// in `memo` (which also memoises each tree's list: versions of a directory share
    /// most subtrees, and a commit's parents were usually listed just before).
    pub fn placements(&self, tree: ObjectId, memo: &mut PlacementMemo) -> Placements {
        if let Some(p) = memo.lists.get(&tree) {
            return p.clone();
        }
        let mut out = Vec::new();
        if let Some(node) = self.nodes.get(&tree) {
            out.extend(
                (node.wanted.iter()).map(|(n, id)| (memo.intern(&self.names[*n as usize]), *id)),
            );
            for (name, sub) in node.subtrees.iter() {
                let below = self.placements(*sub, memo);
                for (path, blob) in below.iter() {
                    let mut full = self.names[*name as usize].clone();
                    full.push_byte(b'/');
                    full.push_str(&memo.paths[*path as usize]);
                    out.push((memo.intern(&full), *blob));
                }
            }
        }
        let p = std::sync::Arc::new(out);
        memo.lists.insert(tree, p.clone());
        p
    }
}

/// `(path id, blob)` pairs of the blobs of interest under a tree; paths are interned in
/// a [`PlacementMemo`].
pub type Placements = std::sync::Arc<Vec<(u32, ObjectId)>>;

/// Interned paths and the memoised [`Placements`] of each tree listed so far.
#[derive(Default)]
pub struct PlacementMemo {
    lists: IdMap<ObjectId, Placements>,
    paths: Vec<BString>,
    ids: HashMap<BString, u32>,
}

impl PlacementMemo {
    fn intern(&mut self, path: &BString) -> u32 {
        if let Some(id) = self.ids.get(path) {
            return *id;
        }
        self.paths.push(path.clone());
        let id = (self.paths.len() - 1) as u32;
        self.ids.insert(path.clone(), id);
        id
    }

    /// The path of an id from [`TreeIndex::placements`].
    pub fn path(&self, id: u32) -> &BString {
        &self.paths[id as usize]
    }
}

/// For every commit, the blobs of interest it introduced: present in its tree at a path
/// where no parent had them. Uses the [`TreeIndex`], so no tree is read again.
pub fn introductions_from_index(index: &TreeIndex, commits: &[CommitNode]) -> Vec<Introduced> {
    let trees: IdMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
    let mut memo = PlacementMemo::default();
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
            if !parents.iter().any(|p| p.contains(&(*path, *blob))) {
                out.push(Introduced {
                    blob: *blob,
                    path: memo.path(*path).to_str_lossy().into_owned(),
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
