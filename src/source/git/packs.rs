//! Every object of every pack, decoded once: the pack index's entries sorted by offset
//! form delta trees, each base is inflated once and its deltas applied to it while it is
//! in memory, in parallel. Looking blobs up one by one re-inflates delta bases whenever a
//! cache misses; this pass never does.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use gix::odb::pack;
use gix::ObjectId;

use super::GitError;

/// The packs that were decoded in full, to tell which objects still need reading.
pub struct Decoded {
    indexes: Vec<pack::index::File>,
    /// Packs that could not be decoded (their blobs need reading one by one).
    pub errors: Vec<GitError>,
}

impl Decoded {
    /// Whether object `id` is in one of the decoded packs.
    pub fn contains(&self, id: &gix::oid) -> bool {
        self.indexes.iter().any(|i| i.lookup(id).is_some())
    }
}

/// The `(index, pack)` path pairs of the repository's own object database.
fn pack_files(repo: &gix::Repository) -> Vec<(PathBuf, PathBuf)> {
    let dir = repo.objects.store_ref().path().join("pack");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .map(|idx| {
            let data = idx.with_extension("pack");
            (idx, data)
        })
        .filter(|(_, data)| data.is_file())
        .collect();
    out.sort();
    out
}

/// Where an object is in the packs: pack number in the high bits, offset in the low 40.
/// Sorting by it gives pack order.
pub type PackPosition = u64;

/// Decodes every object of every pack once and calls `visit(kind, id, position, bytes)`
/// for each blob and tree, on up to `threads` threads (None: one per core); `visit` is
/// cloned per thread. An object in several packs is visited once. Packs that fail to
/// decode are reported in [`Decoded::errors`] and left out of [`Decoded::contains`].
pub fn for_each_packed_object<V>(
    repo: &gix::Repository,
    threads: Option<usize>,
    visit: V,
) -> Decoded
where
    V: FnMut(gix::object::Kind, ObjectId, PackPosition, &[u8]) + Send + Clone,
{
    let hash = repo.object_hash();
    let mut decoded = Decoded {
        indexes: Vec::new(),
        errors: Vec::new(),
    };
    let interrupt = AtomicBool::new(false);
    for (pack_no, (idx_path, pack_path)) in pack_files(repo).into_iter().enumerate() {
        let opened = pack::index::File::at(&idx_path, hash)
            .map_err(|e| pack_error(&idx_path, e))
            .and_then(|index| {
                let data = pack::data::File::at(&pack_path, hash)
                    .map_err(|e| pack_error(&pack_path, e))?;
                Ok((index, data))
            });
        let (index, data) = match opened {
            Ok(pair) => pair,
            Err(e) => {
                decoded.errors.push(e);
                continue;
            }
        };
        let earlier = &decoded.indexes;
        let mut visit = visit.clone();
        let processor = move |kind: gix::object::Kind,
                              bytes: &[u8],
                              entry: &pack::index::Entry,
                              _: &dyn gix::progress::Progress| {
            let wanted = matches!(kind, gix::object::Kind::Blob | gix::object::Kind::Tree);
            if wanted && !earlier.iter().any(|i| i.lookup(entry.oid).is_some()) {
                let position = ((pack_no as u64) << 40) | entry.pack_offset;
                visit(kind, entry.oid, position, bytes);
            }
            Ok(())
        };
        let result = index.traverse_with_index(
            &data,
            processor,
            &mut gix::progress::Discard,
            &interrupt,
            pack::index::traverse::with_index::Options {
                check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
                thread_limit: threads,
                alloc_limit_bytes: None,
            },
        );
        match result {
            Ok(_) => decoded.indexes.push(index),
            Err(e) => decoded.errors.push(pack_error(&pack_path, e)),
        }
    }
    decoded
}

fn pack_error(path: &Path, e: impl Into<super::Cause>) -> GitError {
    GitError::Pack {
        path: path.display().to_string(),
        source: e.into(),
    }
}
