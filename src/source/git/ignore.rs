//! `.keyhoundignore` for repository paths: history and ranges honour the same ignore
//! files as a plain scan of the checkout, so a path a plain scan skips is skipped in
//! every commit too.

use std::path::Path;

use gix::bstr::{BString, ByteSlice, ByteVec};
use gix::ObjectId;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{for_each_entry, GitError};
use crate::source::filesystem::IGNORE_FILE;

/// The `.keyhoundignore` files of a repository, each applying below its directory.
/// Read from the working tree when there is one (what a plain scan reads), else from
/// HEAD's tree; the directories searched are those of HEAD's tree plus the root.
#[derive(Default)]
pub struct IgnoreRules {
    /// `(directory, rules)`, deepest directory first; the root is the empty string.
    files: Vec<(String, Gitignore)>,
}

impl IgnoreRules {
    /// Loads the ignore files of `repo`. An unreadable or invalid ignore file is an error.
    pub fn load(repo: &gix::Repository) -> Result<IgnoreRules, GitError> {
        let mut found: Vec<(BString, Option<ObjectId>)> = Vec::new();
        if let Ok(tree) = repo.head_tree_id() {
            find_ignore_files(repo, tree.detach(), &mut BString::default(), &mut found)?;
        }
        if !found.iter().any(|(dir, _)| dir.is_empty()) {
            found.push((BString::default(), None));
        }
        let workdir = repo.workdir().map(Path::to_path_buf);
        let mut files = Vec::new();
        for (dir, blob) in found {
            let dir = dir.to_str_lossy().into_owned();
            let on_disk = workdir
                .as_ref()
                .map(|w| w.join(&dir).join(IGNORE_FILE))
                .and_then(|p| std::fs::read(p).ok());
            let text = match (on_disk, blob) {
                (Some(text), _) => text,
                (None, Some(id)) if workdir.is_none() => read_blob(repo, id)?,
                _ => continue,
            };
            files.push((dir.clone(), parse(&dir, &text)));
        }
        files.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.len()));
        Ok(IgnoreRules { files })
    }

    /// Whether the repository-relative `path` (`a/b/c.txt`) is ignored. The deepest
    /// ignore file with a matching rule decides, as in git.
    pub fn is_ignored(&self, path: &str) -> bool {
        for (dir, rules) in &self.files {
            let relative = if dir.is_empty() {
                path
            } else {
                match path
                    .strip_prefix(dir.as_str())
                    .and_then(|p| p.strip_prefix('/'))
                {
                    Some(rest) => rest,
                    None => continue,
                }
            };
            let m = rules.matched_path_or_any_parents(relative, false);
            if m.is_ignore() {
                return true;
            }
            if m.is_whitelist() {
                return false;
            }
        }
        false
    }
}

/// Parses one ignore file's text; invalid lines are skipped, as git does.
fn parse(dir: &str, text: &[u8]) -> Gitignore {
    let mut builder = GitignoreBuilder::new("");
    for line in text.lines() {
        let _ = builder.add_line(Some(Path::new(dir).join(IGNORE_FILE)), &line.to_str_lossy());
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

fn read_blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, GitError> {
    let object = repo
        .find_object(id)
        .map_err(|e| super::object_error(id, e))?;
    Ok(object.detach().data)
}

/// Collects `(directory, blob)` of every ignore file in `tree`.
fn find_ignore_files(
    repo: &gix::Repository,
    tree: ObjectId,
    prefix: &mut BString,
    out: &mut Vec<(BString, Option<ObjectId>)>,
) -> Result<(), GitError> {
    let mut subtrees = Vec::new();
    for_each_entry(repo, tree, |mode, id, name| {
        if mode.is_tree() {
            subtrees.push((BString::from(name), id));
        } else if mode.is_blob() && name == IGNORE_FILE.as_bytes() {
            out.push((prefix.clone(), Some(id)));
        }
    })?;
    for (name, id) in subtrees {
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push_byte(b'/');
        }
        prefix.push_str(&name);
        find_ignore_files(repo, id, prefix, out)?;
        prefix.truncate(len);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(files: &[(&str, &str)]) -> IgnoreRules {
        let mut files: Vec<(String, Gitignore)> = files
            .iter()
            .map(|(dir, text)| (dir.to_string(), parse(dir, text.as_bytes())))
            .collect();
        files.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.len()));
        IgnoreRules { files }
    }

    #[test]
    fn directories_globs_and_nested_files() {
        let r = rules(&[
            ("", "rules/\n*.min.js\n"),
            ("docs", "examples/\n!keep.md\n"),
        ]);
        assert!(r.is_ignored("rules/aws.toml"));
        assert!(r.is_ignored("a/b/app.min.js"));
        assert!(!r.is_ignored("src/rules.rs"));
        assert!(r.is_ignored("docs/examples/x.md"));
        assert!(
            !r.is_ignored("examples/x.md"),
            "docs/.keyhoundignore applies below docs/"
        );
        assert!(!r.is_ignored("docs/keep.md"));
    }
}
