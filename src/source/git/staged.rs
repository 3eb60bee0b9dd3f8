//! `--staged`: index entries that differ from HEAD.

use std::collections::{HashMap, HashSet};

use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::ObjectId;

use super::diff::{blob_at, diff_trees};
use super::{read_tree, GitError};

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
            .map_err(|e| GitError::Index(e.into()))?;
            &temporary
        }
        None => {
            shared = repo
                .index_or_empty()
                .map_err(|e| GitError::Index(e.into()))?;
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
