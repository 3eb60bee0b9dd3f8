//! Every object of every pack, decoded once: the pack index's entries sorted by offset
//! form delta trees, each base is inflated once and its deltas applied to it while it is
//! in memory, in parallel. Looking blobs up one by one re-inflates delta bases whenever a
//! cache misses; this pass never does.
//!
//! Packs are mapped here rather than through the object database so that the pages
//! already scanned can be given back ([`PackMap::release`]): a mapped page counts in the
//! process's resident memory for as long as it stays mapped, and each page is needed
//! about once per pass.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use gix::odb::pack;
use gix::ObjectId;

use super::GitError;

/// A pack data file mapped read-only, shared by the threads that decode it.
#[derive(Clone)]
pub struct PackMap(Arc<memmap2::Mmap>);

impl PackMap {
    /// Maps the file at `path` read-only.
    #[allow(unsafe_code)]
    fn open(path: &Path) -> std::io::Result<PackMap> {
        let file = std::fs::File::open(path)?;
        // SAFETY: the mapping is read-only and private to this process. It is only sound
        // while nobody truncates or rewrites the pack file during the scan, the same
        // assumption git and gix's object database make when they map packs (git never
        // rewrites a pack in place: repacking writes new files and renames them).
        let map = unsafe { memmap2::Mmap::map(&file)? };
        Ok(PackMap(Arc::new(map)))
    }

    /// Gives the resident pages of the mapping back to the kernel, which keeps them in
    /// its page cache: a later read faults them in again from there, with the same
    /// bytes. Lowers resident memory by what the scan has touched so far. Best effort:
    /// where the advice is unsupported, nothing changes.
    #[allow(unsafe_code)]
    pub fn release(&self) {
        // SAFETY: MADV_DONTNEED on a read-only, file-backed shared mapping drops the
        // page-table entries only; the pages are clean, so their content stays in the
        // file and is read again on the next access. No reference into the mapping
        // becomes invalid and concurrent readers just take a page fault. (The
        // destructive case, zero-filled pages, applies only to private anonymous or
        // copy-on-write mappings, which this is not.)
        let _ = unsafe { self.0.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
    }
}

impl Deref for PackMap {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// A decoded pack, kept to read trees from it again by position.
struct Pack {
    number: usize,
    index: pack::index::File,
    data: pack::data::File<PackMap>,
    map: PackMap,
}

/// The packs that were decoded in full, to tell which objects still need reading and to
/// read trees again by their [`PackPosition`].
pub struct Decoded {
    packs: Vec<Pack>,
    /// Packs that could not be decoded (their blobs need reading one by one).
    pub errors: Vec<GitError>,
}

impl Decoded {
    /// Whether object `id` is in one of the decoded packs.
    pub fn contains(&self, id: &gix::oid) -> bool {
        self.packs.iter().any(|p| p.index.lookup(id).is_some())
    }

    /// Gives back the resident pages of every pack mapping ([`PackMap::release`]).
    pub fn release(&self) {
        for pack in &self.packs {
            pack.map.release();
        }
    }

    /// A reader of objects by pack position, for one thread; `cache_bytes` bounds its
    /// cache of decoded delta bases.
    pub fn reader(&self, cache_bytes: usize) -> PackReader<'_> {
        PackReader {
            decoded: self,
            inflate: Default::default(),
            cache: pack::cache::lru::MemoryCappedHashmap::new(cache_bytes),
            buf: Vec::new(),
        }
    }
}

/// Reads objects of the decoded packs by position (one thread's state: a zlib stream, a
/// delta-base cache and an output buffer).
pub struct PackReader<'d> {
    decoded: &'d Decoded,
    inflate: gix::zlib::Inflate,
    cache: pack::cache::lru::MemoryCappedHashmap,
    buf: Vec<u8>,
}

impl PackReader<'_> {
    /// The kind and bytes of the object `id` at `position`, or None when its pack was not
    /// decoded (read it from the object database instead).
    pub fn object(
        &mut self,
        id: ObjectId,
        position: PackPosition,
    ) -> Option<Result<(gix::object::Kind, &[u8]), GitError>> {
        let number = (position >> 40) as usize;
        let offset = position & ((1 << 40) - 1);
        let pack = self.decoded.packs.iter().find(|p| p.number == number)?;
        let error = |e: &dyn std::fmt::Display| super::object_error(id, e.to_string());
        let entry = match pack.data.entry(offset) {
            Ok(entry) => entry,
            Err(e) => return Some(Err(error(&e))),
        };
        // A delta against an object named by id (allowed in thin packs): find it in the
        // same pack.
        let resolve = |base: &gix::oid, _: &mut Vec<u8>| {
            Ok(pack.index.lookup(base).and_then(|i| {
                let offset = pack.index.pack_offset_at_index(i);
                pack.data
                    .entry(offset)
                    .ok()
                    .map(pack::data::decode::entry::ResolvedBase::InPack)
            }))
        };
        let outcome = pack.data.decode_entry(
            entry,
            &mut self.buf,
            &mut self.inflate,
            &resolve,
            &mut self.cache,
        );
        Some(match outcome {
            Ok(outcome) => Ok((outcome.kind, &self.buf[..outcome.object_size as usize])),
            Err(e) => Err(error(&e)),
        })
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

/// How many objects the repository's packs hold (an object in two packs counts twice):
/// the size of [`for_each_packed_object`]'s pass, for its progress display.
pub fn packed_object_count(repo: &gix::Repository) -> u64 {
    let hash = repo.object_hash();
    pack_files(repo)
        .iter()
        .filter_map(|(idx, _)| pack::index::File::at(idx, hash).ok())
        .map(|index| u64::from(index.num_objects()))
        .sum()
}

/// Objects decoded between two releases of a pack's resident pages: a few MiB of pack.
const RELEASE_EVERY: usize = 4096;

/// Where an object is in the packs: pack number in the high bits, offset in the low 40.
/// Sorting by it gives pack order.
pub type PackPosition = u64;

/// Decodes every object of every pack once and calls `visit(kind, id, position, bytes)`
/// for each object (blobs and trees are what scans want; the others count as progress), on up to `threads` threads (None: one per core); `visit` is
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
        packs: Vec::new(),
        errors: Vec::new(),
    };
    let interrupt = AtomicBool::new(false);
    for (pack_no, (idx_path, pack_path)) in pack_files(repo).into_iter().enumerate() {
        let opened = pack::index::File::at(&idx_path, hash)
            .map_err(|e| pack_error(&idx_path, e))
            .and_then(|index| {
                let map = PackMap::open(&pack_path).map_err(|e| pack_error(&pack_path, e))?;
                let data = pack::data::File::from_data(map.clone(), pack_path.clone(), hash)
                    .map_err(|e| pack_error(&pack_path, e))?;
                Ok((index, data, map))
            });
        let (index, data, map) = match opened {
            Ok(pair) => pair,
            Err(e) => {
                decoded.errors.push(e);
                continue;
            }
        };
        let earlier = &decoded.packs;
        let mut visit = visit.clone();
        let (decoded_count, map_ref) = (&AtomicUsize::new(0), &map);
        let processor = move |kind: gix::object::Kind,
                              bytes: &[u8],
                              entry: &pack::index::Entry,
                              _: &dyn gix::progress::Progress| {
            // Every object's compressed bytes are read about once, so what has been
            // decoded so far is not needed again: keep resident only what the last
            // RELEASE_EVERY objects touched.
            if decoded_count.fetch_add(1, Ordering::Relaxed) % RELEASE_EVERY == RELEASE_EVERY - 1 {
                map_ref.release();
            }
            // Every kind is visited (commits and tags only count, for the progress display).
            if !earlier.iter().any(|p| p.index.lookup(entry.oid).is_some()) {
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
        map.release();
        match result {
            Ok(_) => decoded.packs.push(Pack {
                number: pack_no,
                index,
                data,
                map,
            }),
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
