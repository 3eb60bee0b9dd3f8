//! Commit and annotated-tag messages: scanned as the commit walk reads them (commits)
//! or once listed (tags), reported with their own source kind.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;

use super::{report_errors, Faults};
use crate::finding::{BlobFinding, Finding, Stats};
use crate::matcher::Scratch;
use crate::pipeline::{scan_blob, Context};
use crate::provenance::Provenance;
use crate::source::git::{self, CommitNode};

/// Commit messages, scanned as the commit walk reads them.
pub(super) struct MessageScan<'c, 'a> {
    ctx: &'c Context<'a>,
    scratch: Scratch,
    /// Message statistics are not blob statistics: kept apart from the summary's counts.
    stats: Stats,
    found: HashMap<ObjectId, Vec<BlobFinding>>,
}

impl<'c, 'a> MessageScan<'c, 'a> {
    pub(super) fn new(ctx: &'c Context<'a>) -> Self {
        MessageScan {
            ctx,
            scratch: Scratch::default(),
            stats: Stats::default(),
            found: HashMap::new(),
        }
    }

    pub(super) fn scan(&mut self, commit: ObjectId, message: &[u8]) {
        let found = scan_blob(self.ctx, message, None, &mut self.scratch, &mut self.stats);
        if !found.is_empty() {
            self.found.insert(commit, found);
        }
    }

    /// Findings in the messages of `commits` and of the annotated tags pointing into them
    /// (every annotated tag when `all_tags`).
    pub(super) fn findings(
        mut self,
        repo: &gix::Repository,
        faults: &Faults,
        commits: &[CommitNode],
        all_tags: bool,
    ) -> Vec<Finding> {
        let selected: HashSet<ObjectId> = commits.iter().map(|c| c.id).collect();
        let mut out = Vec::new();
        let mut ids: Vec<ObjectId> = self.found.keys().copied().collect();
        ids.sort();
        for id in ids {
            if !selected.contains(&id) {
                continue;
            }
            match git::commit_info(repo, id) {
                Ok(details) => {
                    if let Some(why) = &details.malformed {
                        faults.malformed(self.ctx, id, why);
                    }
                    out.extend(self.found[&id].iter().map(|m| {
                        m.at(Provenance::CommitMessage {
                            commit: details.info.clone(),
                        })
                    }))
                }
                Err(e) => faults.error(self.ctx, repo, e),
            }
        }
        let (tags, errors) = git::tag_messages(repo);
        report_errors(self.ctx, errors);
        for tag in tags {
            let wanted = all_tags || tag.commit.is_some_and(|c| selected.contains(&c));
            if !wanted {
                continue;
            }
            let found = scan_blob(
                self.ctx,
                &tag.message,
                None,
                &mut self.scratch,
                &mut self.stats,
            );
            out.extend(found.iter().map(|m| {
                m.at(Provenance::TagMessage {
                    tag: tag.info.clone(),
                })
            }));
        }
        // A message is history, never a file in HEAD.
        for f in &mut out {
            f.in_head = Some(false);
        }
        out
    }
}
