//! Scanning git repositories: history (every distinct blob once, in parallel, then
//! provenance for the blobs with findings), staged changes, and commit ranges.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use gix::ObjectId;
use rayon::prelude::*;

use super::{scan_blob_at, scan_paths, Context, Outcome, ScanError, Stats};
use crate::config::GitMode;
use crate::finding::{Finding, Introduction};
use crate::matcher::Scratch;
use crate::provenance::Provenance;
use crate::source::filesystem::WalkOptions;
use crate::source::git::{self, CommitNode, GitError, Introduced};

/// Scans a git repository's history, staged changes or a commit range.
pub fn scan_git(
    ctx: &Context<'_>,
    path: &Path,
    mode: &GitMode,
    walk: &WalkOptions,
) -> Result<Outcome, ScanError> {
    if walk.threads == 0 {
        return scan_git_in_pool(ctx, path, mode, walk);
    }
    // `--threads N`: run the parallel phases in a pool of that size.
    match rayon::ThreadPoolBuilder::new()
        .num_threads(walk.threads)
        .build()
    {
        Ok(pool) => pool.install(|| scan_git_in_pool(ctx, path, mode, walk)),
        Err(_) => scan_git_in_pool(ctx, path, mode, walk),
    }
}

fn scan_git_in_pool(
    ctx: &Context<'_>,
    path: &Path,
    mode: &GitMode,
    walk: &WalkOptions,
) -> Result<Outcome, ScanError> {
    let started = Instant::now();
    let shared = git::open(path)?;
    let repo = shared.to_thread_local();
    let mut outcome = match mode {
        GitMode::Staged => scan_staged(ctx, &shared, &repo)?,
        GitMode::Range(range) => {
            let (from, to) = split_range(range);
            let hidden = match from {
                Some(rev) => vec![git::resolve(&repo, rev)?],
                None => Vec::new(),
            };
            let tips = vec![git::resolve(&repo, to)?];
            warn_if_shallow(ctx, &repo);
            let (commits, errors) = git::commits(&repo, &tips, &hidden);
            report_errors(ctx, errors);
            scan_introduced(ctx, &shared, &repo, &commits)?
        }
        GitMode::History { all_objects, since } => {
            warn_if_shallow(ctx, &repo);
            let tips = git::ref_tips(&repo)?;
            let mut outcome = match since {
                Some(since) => {
                    let (commits, errors) = match crate::date::parse_date(since) {
                        Some(date) => {
                            let (all, errors) = git::commits(&repo, &tips, &[]);
                            (all.into_iter().filter(|c| c.time >= date).collect(), errors)
                        }
                        None => git::commits(&repo, &tips, &[git::resolve(&repo, since)?]),
                    };
                    report_errors(ctx, errors);
                    scan_introduced(ctx, &shared, &repo, &commits)?
                }
                None => scan_history(ctx, &shared, &repo, &tips, *all_objects)?,
            };
            if let Some(workdir) = repo.workdir() {
                let worktree = scan_paths(ctx, &[workdir.to_path_buf()], walk)?;
                merge_worktree(&mut outcome, worktree, workdir);
            }
            outcome
        }
    };
    outcome.elapsed = started.elapsed();
    outcome.sort();
    Ok(outcome)
}

/// `A..B` to (Some(A), B); `B` alone to (None, B).
fn split_range(range: &str) -> (Option<&str>, &str) {
    match range.split_once("..") {
        Some((a, b)) => (
            Some(if a.is_empty() { "HEAD" } else { a }),
            if b.is_empty() { "HEAD" } else { b },
        ),
        None => (None, range),
    }
}

fn warn_if_shallow(ctx: &Context<'_>, repo: &gix::Repository) {
    if repo.is_shallow().unwrap_or(false) {
        ctx.messages.warn(
            "this is a shallow clone, so history before its oldest commit is not scanned; \
             run `git fetch --unshallow` (in GitHub Actions, set `fetch-depth: 0` on actions/checkout)",
        );
    }
}

fn report_errors(ctx: &Context<'_>, errors: Vec<GitError>) {
    for e in errors {
        ctx.messages.error(e);
    }
}

/// Scans blobs in parallel; returns the findings of each blob that had any (with a
/// placeholder provenance, replaced by the caller) and the counters. `paths` gives the
/// path of the blobs whose path is known before the scan, for path-scoped rules.
fn scan_blobs(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    blobs: &[ObjectId],
    paths: &HashMap<ObjectId, &str>,
) -> (HashMap<ObjectId, Vec<Finding>>, Stats) {
    let placeholder = Provenance::Stdin;
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
                        let findings =
                            scan_blob_at(ctx, &data, path, &placeholder, &mut scratch, &mut stats);
                        ctx.progress
                            .add(1, data.len() as u64, findings.len() as u64);
                        if !findings.is_empty() {
                            found.push((*id, findings));
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

/// Every blob the `commits` introduced (diffed against their parents, in parallel),
/// keeping those `wanted` accepts.
fn introductions(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    commits: &[CommitNode],
    wanted: &(dyn Fn(&ObjectId) -> bool + Sync),
) -> Vec<Introduced> {
    let trees: HashMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
    commits
        .par_iter()
        .fold(
            || (git::cached(shared), Vec::new()),
            |(repo, mut out), commit| {
                if let Err(e) = git::introduced_by(&repo, commit, &trees, wanted, &mut out) {
                    ctx.messages.error(e);
                }
                (repo, out)
            },
        )
        .map(|(_, out)| out)
        .reduce(Vec::new, |mut a, b| {
            a.extend(b);
            a
        })
}

/// Prints how long each phase took when `KEYHOUND_TIMINGS` is set (for benchmarking).
struct PhaseTimer {
    enabled: bool,
    started: Instant,
}

impl PhaseTimer {
    fn new() -> PhaseTimer {
        PhaseTimer {
            enabled: std::env::var_os("KEYHOUND_TIMINGS").is_some(),
            started: Instant::now(),
        }
    }

    fn lap(&self, ctx: &Context<'_>, what: &str) {
        if self.enabled {
            ctx.messages.warn_raw(&format!(
                "timing: {:>8.2}s {what}",
                self.started.elapsed().as_secs_f64()
            ));
        }
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

/// `--history`: every blob reachable from a ref (or every blob with `all_objects`), each once.
fn scan_history(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    repo: &gix::Repository,
    tips: &[ObjectId],
    all_objects: bool,
) -> Result<Outcome, GitError> {
    let timer = PhaseTimer::new();
    let (commits, errors) = git::commits(repo, tips, &[]);
    timer.lap(ctx, &format!("{} commits", commits.len()));
    report_errors(ctx, errors);
    // Every blob in the object database is scanned once, in pack order and in parallel,
    // without reading a tree first; the trees are read afterwards, once, to place the
    // blobs that had findings (and to drop unreachable ones unless --all-objects).
    let (blobs, notes) = git::all_blobs(shared);
    timer.lap(ctx, &format!("{} blobs listed", blobs.len()));
    report_errors(ctx, notes.errors);
    let (mut found, stats) = scan_blobs(ctx, shared, &blobs, &HashMap::new());
    timer.lap(ctx, &format!("{} bytes scanned", stats.bytes));
    let wanted: HashSet<ObjectId> = found.keys().copied().collect();
    let head_tree = repo.head_tree_id().ok().map(|t| t.detach());
    // Nothing found: no tree needs reading at all.
    let roots: Vec<ObjectId> = if wanted.is_empty() {
        Vec::new()
    } else {
        commits.iter().map(|c| c.tree).chain(head_tree).collect()
    };
    let (index, notes) = git::TreeIndex::build(shared, roots, &wanted);
    timer.lap(ctx, "trees indexed");
    report_errors(ctx, notes.errors);
    if notes.submodules > 0 {
        ctx.messages.warn(format!(
            "{} submodule entries (gitlinks) were not followed; scan each submodule's repository separately",
            notes.submodules
        ));
    }
    let introductions = git::introductions_from_index(&index, &commits);
    if !all_objects {
        let reachable: HashSet<ObjectId> = introductions.iter().map(|i| i.blob).collect();
        found.retain(|blob, _| reachable.contains(blob));
    }
    timer.lap(ctx, "provenance");
    let findings = attach_provenance(repo, found, &introductions)?;
    Ok(Outcome {
        findings,
        stats,
        elapsed: Default::default(),
    })
}

/// `--range` and `--since`: only the blobs the given commits introduced.
fn scan_introduced(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    repo: &gix::Repository,
    commits: &[CommitNode],
) -> Result<Outcome, GitError> {
    let introductions = introductions(ctx, shared, commits, &|_| true);
    let mut blobs: Vec<ObjectId> = introductions.iter().map(|i| i.blob).collect();
    blobs.sort();
    blobs.dedup();
    let mut paths: HashMap<ObjectId, &str> = HashMap::new();
    for i in &introductions {
        paths.entry(i.blob).or_insert(i.path.as_str());
    }
    let (found, stats) = scan_blobs(ctx, shared, &blobs, &paths);
    let findings = attach_provenance(repo, found, &introductions)?;
    Ok(Outcome {
        findings,
        stats,
        elapsed: Default::default(),
    })
}

/// Gives each blob's findings their commit, path, every introduction (oldest first) and
/// whether the blob is still at that path in HEAD. Blobs no commit introduced (dangling
/// objects) are reported by object id.
fn attach_provenance(
    repo: &gix::Repository,
    found: HashMap<ObjectId, Vec<Finding>>,
    introductions: &[Introduced],
) -> Result<Vec<Finding>, GitError> {
    let mut by_blob: HashMap<ObjectId, Vec<&Introduced>> = HashMap::new();
    for i in introductions {
        by_blob.entry(i.blob).or_default().push(i);
    }
    let head_tree = repo.head_tree_id().ok().map(|t| t.detach());
    let mut infos = HashMap::new();
    let mut out = Vec::new();
    for (blob, findings) in found {
        let mut intros: Vec<Introduction> = Vec::new();
        for i in by_blob.get(&blob).map(Vec::as_slice).unwrap_or_default() {
            let info = match infos.get(&i.commit) {
                Some(info) => Clone::clone(info),
                None => {
                    let info = git::commit_info(repo, i.commit)?;
                    infos.insert(i.commit, info.clone());
                    info
                }
            };
            intros.push(Introduction {
                path: i.path.clone(),
                commit: info,
            });
        }
        intros.sort_by(|a, b| (a.commit.time, &a.path).cmp(&(b.commit.time, &b.path)));
        intros.dedup();
        let Some(first) = intros.first().cloned() else {
            for mut f in findings {
                f.provenance = Provenance::Object {
                    path: format!("<unreachable blob {blob}>"),
                };
                out.push(f);
            }
            continue;
        };
        let in_head = match head_tree {
            Some(tree) => intros.iter().any(|i| {
                git::blob_at(repo, tree, i.path.as_str().into())
                    .ok()
                    .flatten()
                    == Some(blob)
            }),
            None => false,
        };
        for mut f in findings {
            f.provenance = Provenance::Commit {
                path: first.path.clone(),
                commit: first.commit.clone(),
            };
            f.introduced = intros.clone();
            f.in_head = Some(in_head);
            out.push(f);
        }
    }
    Ok(out)
}

/// Adds working-tree findings that history does not already report at the same path.
fn merge_worktree(outcome: &mut Outcome, worktree: Outcome, workdir: &Path) {
    let committed: HashSet<(String, String)> = outcome
        .findings
        .iter()
        .filter(|f| f.in_head == Some(true))
        .flat_map(|f| {
            f.introduced
                .iter()
                .map(move |i| (i.path.clone(), f.fingerprint.clone()))
        })
        .collect();
    let prefix = crate::source::filesystem::display_path(workdir);
    for mut f in worktree.findings {
        let path = f
            .path()
            .strip_prefix(&prefix)
            .map(|p| p.trim_start_matches('/'))
            .unwrap_or(f.path())
            .to_string();
        if committed.contains(&(path.clone(), f.fingerprint.clone())) {
            continue;
        }
        f.provenance = Provenance::File { path };
        outcome.findings.push(f);
    }
    outcome.stats.merge(&worktree.stats);
}

/// `--staged`: index entries that differ from HEAD, read from the object database.
fn scan_staged(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    repo: &gix::Repository,
) -> Result<Outcome, GitError> {
    let staged = git::staged_blobs(repo)?;
    let blobs: Vec<ObjectId> = staged.iter().map(|(_, id)| *id).collect();
    let mut paths: HashMap<ObjectId, &str> = HashMap::new();
    for (path, id) in &staged {
        paths.entry(*id).or_insert(path.as_str());
    }
    let (found, stats) = scan_blobs(ctx, shared, &blobs, &paths);
    let mut findings = Vec::new();
    for (path, id) in &staged {
        if let Some(list) = found.get(id) {
            for f in list {
                let mut f = f.clone();
                f.provenance = Provenance::Staged { path: path.clone() };
                findings.push(f);
            }
        }
    }
    Ok(Outcome {
        findings,
        stats,
        elapsed: Default::default(),
    })
}
