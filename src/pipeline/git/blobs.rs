//! Scanning blobs: every object of each pack decoded once by the source and handed to a
//! [`BlobVisitor`] per thread, and loose blobs read one by one in parallel.

use std::collections::HashMap;
use std::sync::Mutex;

use gix::ObjectId;
use rayon::prelude::*;

use crate::finding::BlobFinding;
use crate::matcher::Scratch;
use crate::pipeline::{scan_blob, Context, Stats};
use crate::source::git::{self, GitError};

/// Scans blobs in parallel; returns the matches of each blob that had any, and the counters.
/// `paths` gives a path of the blobs whose path is known before the scan (`--staged`,
/// `--range`), for path-scoped rules.
pub(super) fn scan_blobs(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    blobs: &[ObjectId],
    paths: &HashMap<ObjectId, &str>,
) -> (HashMap<ObjectId, Vec<BlobFinding>>, Stats) {
    let (found, stats) = blobs
        .par_iter()
        .fold(
            || {
                (
                    shared.to_thread_local(),
                    Scratch::default(),
                    Vec::new(),
                    Stats::default(),
                )
            },
            |(repo, mut scratch, mut found, mut stats), id| {
                match read_blob(&repo, *id, ctx.max_file_size) {
                    Ok(Some(data)) => {
                        let path = paths.get(id).copied();
                        let matches = scan_blob(ctx, &data, path, &mut scratch, &mut stats);
                        ctx.progress.add(1, data.len() as u64, matches.len() as u64);
                        if !matches.is_empty() {
                            found.push((*id, matches));
                        }
                    }
                    Ok(None) => stats.skipped_large += 1,
                    Err(e) => {
                        stats.unreadable += 1;
                        ctx.messages.error(e);
                    }
                }
                (repo, scratch, found, stats)
            },
        )
        .map(|(_, _, found, stats)| (found, stats))
        .reduce(
            || (Vec::new(), Stats::default()),
            |(mut a, mut sa), (b, sb)| {
                a.extend(b);
                sa.merge(&sb);
                (a, sa)
            },
        );
    (found.into_iter().collect(), stats)
}

/// Scans each `(blob, path)` pair in parallel with that path, for path-scoped rules:
/// returns the matches of the pairs that had any, and the counters.
pub(super) fn scan_at_paths(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    pairs: &[(ObjectId, String)],
) -> (Vec<(ObjectId, String, Vec<BlobFinding>)>, Stats) {
    pairs
        .par_iter()
        .fold(
            || {
                (
                    shared.to_thread_local(),
                    Scratch::default(),
                    Vec::new(),
                    Stats::default(),
                )
            },
            |(repo, mut scratch, mut found, mut stats), (id, path)| {
                match read_blob(&repo, *id, ctx.max_file_size) {
                    Ok(Some(data)) => {
                        let matches = scan_blob(ctx, &data, Some(path), &mut scratch, &mut stats);
                        if !matches.is_empty() {
                            found.push((*id, path.clone(), matches));
                        }
                    }
                    Ok(None) => stats.skipped_large += 1,
                    Err(e) => {
                        stats.unreadable += 1;
                        ctx.messages.error(e);
                    }
                }
                (repo, scratch, found, stats)
            },
        )
        .map(|(_, _, found, stats)| (found, stats))
        .reduce(
            || (Vec::new(), Stats::default()),
            |(mut a, mut sa), (b, sb)| {
                a.extend(b);
                sa.merge(&sb);
                (a, sa)
            },
        )
}

/// What a pack pass produced: the matches of each blob that had any, the counters, and
/// every tree with its pack position (read afterwards to place the findings).
#[derive(Default)]
pub(super) struct Scanned {
    pub(super) found: Vec<(ObjectId, Vec<BlobFinding>)>,
    pub(super) stats: Stats,
    pub(super) trees: Vec<(git::PackPosition, ObjectId)>,
}

/// Scans the blobs a pack traversal hands over, on one of its threads; cloned per thread,
/// and hands its findings and counters to the shared sink when dropped.
pub(super) struct BlobVisitor<'s, 'c, 'a> {
    ctx: &'c Context<'a>,
    sink: &'s Mutex<Scanned>,
    scratch: Scratch,
    found: Vec<(ObjectId, Vec<BlobFinding>)>,
    stats: Stats,
    trees: Vec<(git::PackPosition, ObjectId)>,
    /// Blobs, bytes and findings not yet reported to the progress display.
    pending: (u64, u64, u64),
}

impl<'s, 'c, 'a> BlobVisitor<'s, 'c, 'a> {
    pub(super) fn new(ctx: &'c Context<'a>, sink: &'s Mutex<Scanned>) -> Self {
        BlobVisitor {
            ctx,
            sink,
            scratch: Scratch::default(),
            found: Vec::new(),
            stats: Stats::default(),
            trees: Vec::new(),
            pending: (0, 0, 0),
        }
    }

    pub(super) fn visit(
        &mut self,
        kind: gix::object::Kind,
        id: ObjectId,
        position: git::PackPosition,
        bytes: &[u8],
    ) {
        if kind == gix::object::Kind::Tree {
            self.trees.push((position, id));
            return;
        }
        if bytes.len() as u64 > self.ctx.max_file_size {
            self.stats.skipped_large += 1;
            return;
        }
        let matches = scan_blob(self.ctx, bytes, None, &mut self.scratch, &mut self.stats);
        self.pending.0 += 1;
        self.pending.1 += bytes.len() as u64;
        self.pending.2 += matches.len() as u64;
        if !matches.is_empty() {
            self.found.push((id, matches));
        }
        if self.pending.0 >= 256 || self.pending.1 >= 16 << 20 {
            let (n, b, f) = std::mem::take(&mut self.pending);
            self.ctx.progress.add(n, b, f);
        }
    }
}

impl Clone for BlobVisitor<'_, '_, '_> {
    /// A fresh visitor for another thread, sharing the context and the sink.
    fn clone(&self) -> Self {
        BlobVisitor::new(self.ctx, self.sink)
    }
}

impl Drop for BlobVisitor<'_, '_, '_> {
    fn drop(&mut self) {
        let (n, b, f) = std::mem::take(&mut self.pending);
        self.ctx.progress.add(n, b, f);
        let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        sink.found.append(&mut self.found);
        sink.stats.merge(&self.stats);
        sink.trees.append(&mut self.trees);
    }
}

/// A blob's bytes, or None if it is over the size limit.
fn read_blob(repo: &gix::Repository, id: ObjectId, max: u64) -> Result<Option<Vec<u8>>, GitError> {
    let header = repo.find_header(id).map_err(|e| GitError::Object {
        id,
        message: format!("cannot read: {e}"),
    })?;
    if header.size() > max {
        return Ok(None);
    }
    let object = repo.find_object(id).map_err(|e| GitError::Object {
        id,
        message: format!("cannot read: {e}"),
    })?;
    Ok(Some(object.detach().data))
}
