//! Placing a history scan's matches: blobs carry what they contain, introductions say
//! where and when each blob appeared, HEAD says where it is now. Every location becomes
//! its own finding:
//!
//! - one per path at which HEAD holds a blob with findings (`in_head: true`, that path's
//!   line and column, the commit that put that blob there);
//! - one per path where a secret was introduced and that no longer holds it
//!   (`in_head: false`, the first commit that introduced it there).

use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use crate::finding::{BlobFinding, Finding, Introduction};
use crate::provenance::{CommitInfo, Provenance};
use crate::source::git::Introduced;

/// Per blob, its matches when scanned with a path that path-scoped rules apply to:
/// `(path, matches)` for each such path.
pub type AtPaths = HashMap<ObjectId, Vec<(String, Vec<BlobFinding>)>>;

/// What placement works from.
pub struct Placement<'a> {
    /// The matches of each blob that had any (scanned without a path).
    pub found: &'a HashMap<ObjectId, Vec<BlobFinding>>,
    /// The matches of blobs scanned again with a path: at that path they replace `found`'s.
    pub at_paths: &'a AtPaths,
    /// Which commit introduced which blob at which path.
    pub introductions: &'a [Introduced],
    /// `(path, blob)` of the blobs in `found` that HEAD holds.
    pub head: &'a [(String, ObjectId)],
    /// HEAD and its ancestors, to name the commit whose change HEAD still has.
    pub head_ancestors: &'a HashSet<ObjectId>,
    /// Author, date and summary of every commit in `introductions`.
    pub infos: &'a HashMap<ObjectId, CommitInfo>,
    /// HEAD's commit, named for a HEAD location no known commit introduced (never
    /// expected: the root commit introduces everything it has).
    pub head_commit: Option<&'a CommitInfo>,
    /// Paths excluded by `.keyhoundignore`: nothing is reported there.
    pub ignored: &'a dyn Fn(&str) -> bool,
}

impl Placement<'_> {
    /// One finding per location, as described in the module documentation.
    pub fn findings(&self) -> Vec<Finding> {
        let mut by_blob: HashMap<ObjectId, Vec<&Introduced>> = HashMap::new();
        for i in self.introductions {
            if self.found.contains_key(&i.blob) && self.infos.contains_key(&i.commit) {
                by_blob.entry(i.blob).or_default().push(i);
            }
        }
        let histories: HashMap<ObjectId, Vec<Introduction>> = by_blob
            .iter()
            .map(|(blob, list)| (*blob, self.history(list)))
            .collect();
        let history = |blob: &ObjectId| histories.get(blob).cloned().unwrap_or_default();

        let mut out = Vec::new();
        let mut at_head: HashSet<(&str, ObjectId)> = HashSet::new();
        let mut held: HashSet<(&str, &str)> = HashSet::new();
        for (path, blob) in self.head {
            let Some(matches) = self.matches_at(blob, path) else {
                continue;
            };
            if (self.ignored)(path) || !at_head.insert((path, *blob)) {
                continue;
            }
            let intros = by_blob.get(blob).map(Vec::as_slice).unwrap_or_default();
            let Some(commit) = self.head_commit_for(intros, path) else {
                continue;
            };
            for m in matches {
                held.insert((path, &m.fingerprint));
                let mut f = m.at(Provenance::Commit {
                    path: path.clone(),
                    commit: commit.clone(),
                });
                f.in_head = Some(true);
                f.introduced = history(blob);
                out.push(f);
            }
        }

        // Paths gone from HEAD (or no longer holding the secret): the first introduction
        // of each secret at each path.
        type Key<'k> = (&'k str, &'k str);
        let mut gone: HashMap<Key<'_>, (&CommitInfo, &BlobFinding, ObjectId)> = HashMap::new();
        for i in self.introductions {
            let (Some(matches), Some(info)) =
                (self.matches_at(&i.blob, &i.path), self.infos.get(&i.commit))
            else {
                continue;
            };
            if at_head.contains(&(i.path.as_str(), i.blob)) || (self.ignored)(&i.path) {
                continue;
            }
            for m in matches {
                let key = (i.path.as_str(), m.fingerprint.as_str());
                if held.contains(&key) {
                    continue;
                }
                let rank =
                    |c: &CommitInfo, m: &BlobFinding| (c.time, m.span.line, c.commit.clone());
                match gone.get(&key) {
                    Some((c, old, _)) if rank(c, old) <= rank(info, m) => {}
                    _ => {
                        gone.insert(key, (info, m, i.blob));
                    }
                }
            }
        }
        for ((path, _), (info, m, blob)) in gone {
            let mut f = m.at(Provenance::Commit {
                path: path.to_string(),
                commit: info.clone(),
            });
            f.in_head = Some(false);
            f.introduced = history(&blob);
            out.push(f);
        }
        out
    }

    /// The matches of `blob` at `path`: those of its scan with that path where it had
    /// one (path-scoped rules), else those of its scan without a path.
    fn matches_at(&self, blob: &ObjectId, path: &str) -> Option<&Vec<BlobFinding>> {
        let with_path = self.at_paths.get(blob).and_then(|list| {
            list.iter()
                .find(|(p, _)| p == path)
                .map(|(_, matches)| matches)
        });
        with_path.or_else(|| self.found.get(blob))
    }

    /// Every (path, commit) that introduced a blob, oldest first.
    fn history(&self, intros: &[&Introduced]) -> Vec<Introduction> {
        let mut list: Vec<Introduction> = intros
            .iter()
            .filter_map(|i| {
                Some(Introduction {
                    path: i.path.clone(),
                    commit: self.infos.get(&i.commit)?.clone(),
                })
            })
            .collect();
        list.sort_by(|a, b| {
            (a.commit.time, &a.path, &a.commit.commit).cmp(&(
                b.commit.time,
                &b.path,
                &b.commit.commit,
            ))
        });
        list.dedup();
        list
    }

    /// The commit whose version of `path` HEAD has: the newest introduction of the blob at
    /// that path among HEAD's ancestors (a file deleted and added again names the re-add).
    fn head_commit_for(&self, intros: &[&Introduced], path: &str) -> Option<&CommitInfo> {
        let at_path = intros.iter().filter(|i| i.path == path);
        let newest = |ancestors_only: bool| {
            at_path
                .clone()
                .filter(|i| !ancestors_only || self.head_ancestors.contains(&i.commit))
                .filter_map(|i| self.infos.get(&i.commit))
                .max_by(|a, b| (a.time, &a.commit).cmp(&(b.time, &b.commit)))
        };
        newest(true).or_else(|| newest(false)).or(self.head_commit)
    }
}
