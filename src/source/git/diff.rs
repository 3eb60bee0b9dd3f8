//! Tree diffs: which blobs a commit introduced relative to its parents (ranges), and
//! the blob at a path of a tree.

use std::collections::HashMap;

use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::ObjectId;

use super::{read_commit, read_tree, CommitNode, GitError, Introduced};

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
pub(super) fn diff_trees(
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
