//! Scanning blobs: every object of each pack decoded once by the source and handed to a
//! [`BlobVisitor`] per thread, and loose blobs read one by one in parallel.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gix::ObjectId;
use rayon::prelude::*;

use super::Faults;
use crate::finding::{BlobFinding, Stats};
use crate::matcher::Scratch;
use crate::pipeline::{scan_blob, Context};
use crate::source::git::{self, GitError};

/// How often a pack visitor reports to the progress display, at most.
const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// Reads and scans `items` in parallel, one repository handle and [`Scratch`] per thread:
/// `scan_one` gets an item, its blob read with [`read_blob`] (`Ok(None)` when over the size
/// limit), the scratch space and the thread's counters, and returns what to keep of it.
fn read_and_scan<T: Sync, R: Send>(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    items: &[T],
    blob_of: impl Fn(&T) -> ObjectId + Sync,
    scan_one: impl Fn(
            &gix::Repository,
            &T,
            Result<Option<Vec<u8>>, GitError>,
            &mut Scratch,
            &mut Stats,
        ) -> Option<R>
        + Sync,
) -> (Vec<R>, Stats) {
    items
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
            |(repo, mut scratch, mut kept, mut stats), item| {
                let read = read_blob(&repo, blob_of(item), ctx.max_file_size);
                kept.extend(scan_one(&repo, item, read, &mut scratch, &mut stats));
                (repo, scratch, kept, stats)
            },
        )
        .map(|(_, _, kept, stats)| (kept, stats))
        .reduce(
            || (Vec::new(), Stats::default()),
            |(mut a, mut sa), (b, sb)| {
                a.extend(b);
                sa.merge(&sb);
                (a, sa)
            },
        )
}

/// Scans blobs in parallel; returns the matches of each blob that had any, and the counters.
/// `paths` gives a path of the blobs whose path is known before the scan (`--staged`,
/// `--range`), for path-scoped rules and for the warning about a blob over the size limit.
/// A blob missing from the object database is recorded in the repository's faults.
pub(super) fn scan_blobs(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    faults: &Faults,
    blobs: &[ObjectId],
    paths: &HashMap<ObjectId, &str>,
) -> (HashMap<ObjectId, Vec<BlobFinding>>, Stats) {
    let (found, stats) = read_and_scan(
        ctx,
        shared,
        blobs,
        |id| *id,
        |repo, id, read, scratch, stats| match read {
            Ok(Some(data)) => {
                let path = paths.get(id).copied();
                let matches = scan_blob(ctx, &data, path, scratch, stats);
                ctx.progress.add(1, data.len() as u64, matches.len() as u64);
                (!matches.is_empty()).then_some((*id, matches))
            }
            Ok(None) => {
                ctx.progress.tick(1);
                stats.skipped_large += 1;
                skipped_large(ctx, *id, paths.get(id).copied(), repo);
                None
            }
            Err(e) => {
                ctx.progress.tick(1);
                if repo.has_object(*id) {
                    stats.unreadable += 1;
                }
                faults.error(ctx, repo, e);
                None
            }
        },
    );
    (found.into_iter().collect(), stats)
}

/// Scans each `(blob, path)` pair again in parallel with that path, for path-scoped rules:
/// returns the matches of the pairs that had any. The blobs were counted (and any over the
/// size limit named) by the pass that scanned them first, so this counts nothing; a blob
/// that cannot be read now is recorded in the repository's faults.
pub(super) fn scan_at_paths(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    faults: &Faults,
    pairs: &[(ObjectId, String)],
) -> Vec<(ObjectId, String, Vec<BlobFinding>)> {
    let (found, _) = read_and_scan(
        ctx,
        shared,
        pairs,
        |(id, _)| *id,
        |repo, (id, path), read, scratch, stats| match read {
            Ok(Some(data)) => {
                let matches = scan_blob(ctx, &data, Some(path), scratch, stats);
                (!matches.is_empty()).then(|| (*id, path.clone(), matches))
            }
            Ok(None) => None,
            Err(e) => {
                faults.error(ctx, repo, e);
                None
            }
        },
    );
    found
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
    /// Blobs, bytes, findings and other objects not yet reported to the progress display.
    pending: (u64, u64, u64, u64),
    /// When `pending` was last reported.
    flushed: Instant,
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
            pending: (0, 0, 0, 0),
            flushed: Instant::now(),
        }
    }

    pub(super) fn visit(
        &mut self,
        kind: gix::object::Kind,
        id: ObjectId,
        position: git::PackPosition,
        bytes: &[u8],
    ) {
        match kind {
            gix::object::Kind::Blob if bytes.len() as u64 > self.ctx.max_file_size => {
                self.stats.skipped_large += 1;
                self.pending.3 += 1;
                warn_skipped(self.ctx, &id.to_string(), bytes.len() as u64);
            }
            gix::object::Kind::Blob => {
                let matches = scan_blob(self.ctx, bytes, None, &mut self.scratch, &mut self.stats);
                self.pending.0 += 1;
                self.pending.1 += bytes.len() as u64;
                self.pending.2 += matches.len() as u64;
                if !matches.is_empty() {
                    self.found.push((id, matches));
                }
            }
            gix::object::Kind::Tree => {
                self.trees.push((position, id));
                self.pending.3 += 1;
            }
            // Commits and tags: counted, for the pass's position.
            _ => self.pending.3 += 1,
        }
        // Batched, but at least a few times a second, so the display moves smoothly.
        let (items, bytes) = (self.pending.0 + self.pending.3, self.pending.1);
        if items >= 4096
            || bytes >= 16 << 20
            || (items % 64 == 0 && self.flushed.elapsed() >= FLUSH_EVERY)
        {
            self.flush_progress();
        }
    }

    fn flush_progress(&mut self) {
        self.flushed = Instant::now();
        let (n, b, f, others) = std::mem::take(&mut self.pending);
        self.ctx.progress.add(n, b, f);
        self.ctx.progress.tick(others);
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
        self.flush_progress();
        let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
        sink.found.append(&mut self.found);
        sink.stats.merge(&self.stats);
        sink.trees.append(&mut self.trees);
    }
}

/// Warns that the blob `id` (at `path`, if known) was skipped for its size.
fn skipped_large(ctx: &Context<'_>, id: ObjectId, path: Option<&str>, repo: &gix::Repository) {
    let size = repo.find_header(id).map(|h| h.size()).unwrap_or(0);
    let name = match path {
        Some(path) => format!("{path} (blob {id})"),
        None => format!("blob {id}"),
    };
    warn_skipped(ctx, &name, size);
}

/// Every mode says which file or blob it skipped for its size, so a large staged file
/// cannot pass the pre-commit hook unnoticed.
fn warn_skipped(ctx: &Context<'_>, name: &str, size: u64) {
    ctx.messages.warn(format!(
        "{name}: skipped, {size} bytes is over --max-file-size ({} bytes)",
        ctx.max_file_size
    ));
}

/// A blob's bytes, or None if it is over the size limit.
fn read_blob(repo: &gix::Repository, id: ObjectId, max: u64) -> Result<Option<Vec<u8>>, GitError> {
    let header = repo.find_header(id).map_err(|e| GitError::Object {
        id,
        source: e.into(),
    })?;
    if header.size() > max {
        return Ok(None);
    }
    let object = repo.find_object(id).map_err(|e| GitError::Object {
        id,
        source: e.into(),
    })?;
    Ok(Some(object.detach().data))
}
