//! Scanning git repositories: history (every distinct blob once, in parallel, then its
//! locations), staged changes, commit ranges, and commit and tag messages.
//!
//! Identity comes from content: blobs are scanned by object id and carry their matches;
//! where they sit (paths, introducing commits, HEAD) is worked out afterwards and every
//! location becomes its own finding ([`place::Placement`]).

mod blobs;
mod faults;
mod messages;
mod place;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use gix::bstr::ByteSlice;
use gix::ObjectId;
use rayon::prelude::*;

use super::{scan_paths, Context, ScanError};
use crate::finding::{BlobFinding, Finding, Outcome};
use crate::provenance::{CommitInfo, Provenance};
use crate::rules::paths::NameFilter;
use crate::source::filesystem::WalkOptions;
use crate::source::git::{self, CommitNode, GitError, IgnoreRules, Introduced};
use crate::source::path_filter::PathFilter;
use crate::source::GitMode;
use blobs::{scan_at_paths, scan_blobs, BlobVisitor, Scanned};
use faults::Faults;
use messages::MessageScan;

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

/// The repository and what every git scan needs to know about it.
struct Repo<'r> {
    shared: &'r gix::ThreadSafeRepository,
    repo: &'r gix::Repository,
    /// `.keyhoundignore` rules (empty with `--no-ignore`).
    ignore: IgnoreRules,
    /// `--include`/`--exclude` and the config file's `exclude` (also with `--no-ignore`).
    paths: &'r PathFilter,
    /// `--threads`: None for one per core.
    threads: Option<usize>,
    /// Missing objects and malformed commits met so far.
    faults: Faults,
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
    let ignore = if walk.no_ignore {
        IgnoreRules::default()
    } else {
        IgnoreRules::load(&repo).unwrap_or_else(|e| {
            ctx.messages.error(e);
            IgnoreRules::default()
        })
    };
    let r = Repo {
        shared: &shared,
        repo: &repo,
        ignore,
        paths: &walk.paths,
        threads: (walk.threads > 0).then_some(walk.threads),
        faults: Faults::new(ctx, &repo),
    };
    let mut outcome = match mode {
        GitMode::Staged => scan_staged(ctx, &r)?,
        GitMode::Range(range) => {
            let (tips, hidden) = range_commits(&repo, range)?;
            warn_if_shallow(ctx, &repo);
            let mut messages = MessageScan::new(ctx);
            let (commits, errors) = git::commits(&repo, &tips, &hidden, |id, m| {
                messages.scan(id, m);
            });
            r.faults.errors(ctx, &repo, errors);
            scan_introduced(ctx, &r, &commits, messages)?
        }
        GitMode::History { all_objects, since } => {
            warn_if_shallow(ctx, &repo);
            let tips = git::ref_tips(&repo)?;
            let mut messages = MessageScan::new(ctx);
            let mut outcome = match since {
                Some(since) => {
                    let (commits, errors) = match crate::date::parse_date(since) {
                        Some(date) => {
                            let (all, errors) =
                                git::commits(&repo, &tips, &[], |id, m| messages.scan(id, m));
                            (all.into_iter().filter(|c| c.time >= date).collect(), errors)
                        }
                        None => {
                            let hidden = [git::resolve(&repo, since)?];
                            git::commits(&repo, &tips, &hidden, |id, m| messages.scan(id, m))
                        }
                    };
                    r.faults.errors(ctx, &repo, errors);
                    scan_introduced(ctx, &r, &commits, messages)?
                }
                None => scan_history(ctx, &r, &tips, *all_objects, messages)?,
            };
            if let Some(workdir) = repo.workdir() {
                ctx.progress.phase("scanning the working tree");
                let worktree = scan_paths(ctx, &[workdir.to_path_buf()], walk)?;
                merge_worktree(&r, &mut outcome, worktree, workdir);
            }
            outcome
        }
    };
    r.faults.finish(ctx, &mut outcome.stats);
    outcome.elapsed = started.elapsed();
    outcome.sort();
    Ok(outcome)
}

impl Repo<'_> {
    /// Whether nothing is read or reported at the repository-relative `path`: an ignore
    /// file, `--exclude` or the config's `exclude` leaves it out, or `--include` does not
    /// name it.
    fn skips(&self, path: &str) -> bool {
        self.ignore.is_ignored(path) || !self.paths.allows_repo_path(path)
    }
}

/// The commits of `--range`: `A..B` (reachable from B, not from A), `A...B` (from either,
/// not from both: git's symmetric difference), or `B` alone (all of B's history).
/// Returns `(tips, hidden)`.
fn range_commits(
    repo: &gix::Repository,
    range: &str,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>), GitError> {
    let side = |rev: &str| git::resolve(repo, if rev.is_empty() { "HEAD" } else { rev });
    if let Some((a, b)) = range.split_once("...") {
        let (a, b) = (side(a)?, side(b)?);
        return Ok((vec![a, b], git::common_ancestors(repo, a, b)));
    }
    match range.split_once("..") {
        Some((a, b)) => Ok((vec![side(b)?], vec![side(a)?])),
        None => Ok((vec![side(range)?], Vec::new())),
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

/// Every blob the `commits` introduced (diffed against their parents, in parallel).
fn introductions(
    ctx: &Context<'_>,
    shared: &gix::ThreadSafeRepository,
    faults: &Faults,
    commits: &[CommitNode],
) -> Vec<Introduced> {
    let trees: HashMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
    commits
        .par_iter()
        .fold(
            || (git::cached(shared), Vec::new()),
            |(repo, mut out), commit| {
                if let Err(e) = git::introduced_by(&repo, commit, &trees, &|_| true, &mut out) {
                    faults.error(ctx, &repo, e);
                }
                ctx.progress.tick(1);
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
                "timing: {:>8.2}s {what}{}",
                self.started.elapsed().as_secs_f64(),
                memory_note()
            ));
        }
    }
}

/// The process's CPU time so far (user + system) and resident memory as `/proc` gives
/// them (Linux only; empty elsewhere): now, split into anonymous and file-backed (mapped
/// packs), and the peak.
fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().strip_suffix("kB"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    };
    // utime and stime, the 12th and 13th fields after the command name, in clock ticks
    // of 1/100 s (USER_HZ).
    let cpu = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            let rest = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
            Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
        })
        .unwrap_or(0.0);
    format!(
        " (CPU {cpu:.2}s; RSS {} MiB: anon {}, file {}; peak {} MiB)",
        field("VmRSS:"),
        field("RssAnon:"),
        field("RssFile:"),
        field("VmHWM:")
    )
}

/// `--history`: every blob reachable from a ref (or every blob with `all_objects`), each once.
fn scan_history(
    ctx: &Context<'_>,
    r: &Repo<'_>,
    tips: &[ObjectId],
    all_objects: bool,
    mut messages: MessageScan<'_, '_>,
) -> Result<Outcome, GitError> {
    let timer = PhaseTimer::new();
    ctx.progress.phase("reading commits");
    let (commits, errors) = git::commits(r.repo, tips, &[], |id, m| messages.scan(id, m));
    timer.lap(ctx, &format!("{} commits", commits.len()));
    r.faults.errors(ctx, r.repo, errors);
    // Every blob in the object database is scanned once, without reading a tree first:
    // each pack is decoded in one parallel pass (delta bases inflated once), then the
    // blobs outside packs (loose objects) are read one by one. The trees are read
    // afterwards, once, to place the blobs that had findings (and to drop unreachable
    // ones unless --all-objects).
    ctx.progress.phase_of(
        "scanning objects in packs",
        git::packed_object_count(r.repo),
    );
    let sink = Mutex::new(Scanned::default());
    let mut decoded = git::for_each_packed_object(r.repo, r.threads, {
        let mut visitor = BlobVisitor::new(ctx, &sink);
        move |kind, id, position, bytes| visitor.visit(kind, id, position, bytes)
    });
    let Scanned {
        found: packed,
        mut stats,
        mut trees,
    } = sink.into_inner().unwrap_or_else(|e| e.into_inner());
    timer.lap(ctx, &format!("{} bytes scanned in packs", stats.bytes));
    report_errors(ctx, std::mem::take(&mut decoded.errors));
    ctx.progress.phase("listing loose objects");
    let (blobs, loose_trees, notes) = git::all_blobs(r.shared, &|id| decoded.contains(id));
    ctx.progress
        .phase_of("scanning loose blobs", blobs.len() as u64);
    timer.lap(ctx, &format!("{} blobs outside decoded packs", blobs.len()));
    r.faults.errors(ctx, r.repo, notes.errors);
    let (mut found, loose_stats) = scan_blobs(ctx, r.shared, &r.faults, &blobs, &HashMap::new());
    found.extend(packed);
    stats.merge(&loose_stats);
    timer.lap(ctx, &format!("{} bytes scanned", stats.bytes));
    let wanted: gix::hashtable::HashSet<ObjectId> = found.keys().copied().collect();
    let head_tree = r.repo.head_tree_id().ok().map(|t| t.detach());
    // Every tree is read once, in pack order (delta bases stay cached), then loose ones:
    // to place the findings, to check that every object the trees name is there (a blob
    // missing from a damaged repository or a partial clone was not scanned), and to find
    // the files that path-scoped rules (credential files) apply to, scanned again with
    // their paths (the pack pass scanned them without one).
    let names = path_scope_names(ctx);
    trees.sort_unstable();
    let mut loose: Vec<ObjectId> = blobs.iter().chain(&loose_trees).copied().collect();
    loose.sort_unstable();
    let present = |id: &gix::oid| {
        decoded.contains(id) || loose.binary_search_by(|l| l.as_ref().cmp(id)).is_ok()
    };
    for commit in &commits {
        if !present(&commit.tree) {
            r.faults.missing(commit.tree);
        }
    }
    let trees: Vec<(Option<git::PackPosition>, ObjectId)> = trees
        .into_iter()
        .map(|(position, id)| (Some(position), id))
        .chain(loose_trees.into_iter().map(|id| (None, id)))
        .collect();
    ctx.progress.phase(format!(
        "reading {} trees to place findings",
        indicatif::HumanCount(trees.len() as u64)
    ));
    let by_name = |name: &[u8]| names.may_match(name);
    let by_dir = |name: &[u8]| names.may_match_dir(name);
    let keep = git::Wanted {
        ids: &wanted,
        name: &by_name,
        dir: &by_dir,
    };
    let (index, notes) = git::TreeIndex::build_from(r.shared, &decoded, &trees, &keep, &present);
    timer.lap(ctx, "trees indexed");
    r.faults.errors(ctx, r.repo, notes.errors);
    if !notes.submodules.is_empty() {
        const SHOWN: usize = 5;
        let names: Vec<&str> = notes.submodules.iter().map(String::as_str).collect();
        let mut list = names[..names.len().min(SHOWN)].join(", ");
        if names.len() > SHOWN {
            list.push_str(&format!(" and {} more", names.len() - SHOWN));
        }
        let count = match names.len() {
            1 => "a submodule".to_string(),
            n => format!("{n} submodules"),
        };
        ctx.messages.warn(format!(
            "{count} (gitlinks) not followed: {list}; scan each submodule's repository separately"
        ));
    }
    ctx.progress.phase("placing findings");
    let introductions = git::introductions_from_index(&index, &commits);
    let scoped = scan_path_scoped(ctx, r, &introductions);
    for blob in scoped.keys() {
        found.entry(*blob).or_default();
    }
    timer.lap(
        ctx,
        &format!("{} credential-file blobs rescanned", scoped.len()),
    );
    let head: Vec<(String, ObjectId)> = match head_tree {
        Some(tree) if !trees.is_empty() => {
            let mut memo = git::PlacementMemo::default();
            let list = index.placements(tree, &mut memo);
            list.iter()
                .map(|(path, blob)| (memo.path(*path).to_str_lossy().into_owned(), *blob))
                .collect()
        }
        _ => Vec::new(),
    };
    drop(index);
    let mut findings = place(ctx, r, &found, &scoped, &introductions, &head, &commits);
    if all_objects {
        let reachable: HashSet<ObjectId> = introductions.iter().map(|i| i.blob).collect();
        findings.extend(unreachable(&found, &reachable));
    }
    findings.extend(messages.findings(r.repo, &r.faults, &commits, true));
    timer.lap(ctx, "placed");
    Ok(Outcome {
        findings,
        stats,
        elapsed: Default::default(),
    })
}

/// Findings in blobs no commit reaches (`--all-objects`), named by object id.
fn unreachable(
    found: &HashMap<ObjectId, Vec<BlobFinding>>,
    reachable: &HashSet<ObjectId>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (blob, matches) in found {
        if reachable.contains(blob) {
            continue;
        }
        out.extend(matches.iter().map(|m| {
            m.at(Provenance::Object {
                blob: blob.to_string(),
            })
        }));
    }
    out
}

/// `--range` and `--since`: only the blobs the given commits introduced.
fn scan_introduced(
    ctx: &Context<'_>,
    r: &Repo<'_>,
    commits: &[CommitNode],
    messages: MessageScan<'_, '_>,
) -> Result<Outcome, GitError> {
    ctx.progress
        .phase_of("comparing commits with their parents", commits.len() as u64);
    let introductions = introductions(ctx, r.shared, &r.faults, commits);
    // Paths are known before scanning here: a blob only at ignored paths is not read.
    let mut blobs: Vec<ObjectId> = introductions
        .iter()
        .filter(|i| !r.skips(&i.path))
        .map(|i| i.blob)
        .collect();
    blobs.sort();
    blobs.dedup();
    ctx.progress
        .phase_of("scanning introduced blobs", blobs.len() as u64);
    let mut known: HashMap<ObjectId, &str> = HashMap::new();
    for i in introductions.iter().filter(|i| !r.skips(&i.path)) {
        known.entry(i.blob).or_insert(i.path.as_str());
    }
    let (found, stats) = scan_blobs(ctx, r.shared, &r.faults, &blobs, &known);
    // Where HEAD holds a blob with findings, at the paths the range touched.
    let mut head = Vec::new();
    if let Ok(tree) = r.repo.head_tree_id() {
        let mut paths: Vec<&str> = introductions
            .iter()
            .filter(|i| found.contains_key(&i.blob))
            .map(|i| i.path.as_str())
            .collect();
        paths.sort();
        paths.dedup();
        for path in paths {
            match git::blob_at(r.repo, tree.detach(), path.into()) {
                Ok(Some(blob)) if found.contains_key(&blob) => head.push((path.to_string(), blob)),
                Ok(_) => {}
                Err(e) => r.faults.error(ctx, r.repo, e),
            }
        }
    }
    let mut findings = place(
        ctx,
        r,
        &found,
        &HashMap::new(),
        &introductions,
        &head,
        commits,
    );
    findings.extend(messages.findings(r.repo, &r.faults, commits, false));
    Ok(Outcome {
        findings,
        stats,
        elapsed: Default::default(),
    })
}

/// The file-name test for the paths of every path-scoped rule ([`NameFilter`]).
fn path_scope_names(ctx: &Context<'_>) -> NameFilter {
    NameFilter::new(
        (ctx.matcher.rules().rules.iter())
            .filter_map(|rule| rule.paths.as_ref())
            .flat_map(|scope| scope.patterns().iter().map(String::as_str)),
    )
}

/// Scans again, with its path, each blob introduced at a path that a path-scoped rule
/// applies to (a `.pgpass` only in history): returns, per blob, the matches at each such
/// path. Paths that `.keyhoundignore` or `--include`/`--exclude` leave out are skipped.
fn scan_path_scoped(
    ctx: &Context<'_>,
    r: &Repo<'_>,
    introductions: &[Introduced],
) -> place::AtPaths {
    let mut pairs: Vec<(ObjectId, String)> = introductions
        .iter()
        .filter(|i| ctx.matcher.in_path_scope(&i.path) && !r.skips(&i.path))
        .map(|i| (i.blob, i.path.clone()))
        .collect();
    pairs.sort();
    pairs.dedup();
    let mut out = place::AtPaths::new();
    for (blob, path, matches) in scan_at_paths(ctx, r.shared, &r.faults, &pairs) {
        out.entry(blob).or_default().push((path, matches));
    }
    out
}

/// One finding per location of the blobs in `found` ([`place::Placement`]).
fn place(
    ctx: &Context<'_>,
    r: &Repo<'_>,
    found: &HashMap<ObjectId, Vec<BlobFinding>>,
    at_paths: &place::AtPaths,
    introductions: &[Introduced],
    head: &[(String, ObjectId)],
    commits: &[CommitNode],
) -> Vec<Finding> {
    if found.is_empty() {
        return Vec::new();
    }
    let mut ids: Vec<ObjectId> = introductions
        .iter()
        .filter(|i| found.contains_key(&i.blob))
        .map(|i| i.commit)
        .collect();
    let head_id = r.repo.head_id().ok().map(|id| id.detach());
    ids.extend(head_id);
    ids.sort();
    ids.dedup();
    let mut infos: HashMap<ObjectId, CommitInfo> = HashMap::new();
    for id in ids {
        match git::commit_info(r.repo, id) {
            Ok(details) => {
                if let Some(why) = &details.malformed {
                    r.faults.malformed(ctx, id, why);
                }
                infos.insert(id, details.info);
            }
            Err(e) => r.faults.error(ctx, r.repo, e),
        }
    }
    let head_ancestors = head_id.map(|h| ancestors(commits, h)).unwrap_or_default();
    let ignored = |path: &str| r.skips(path);
    place::Placement {
        found,
        at_paths,
        introductions,
        head,
        head_ancestors: &head_ancestors,
        infos: &infos,
        head_commit: head_id.and_then(|h| infos.get(&h)),
        ignored: &ignored,
    }
    .findings()
}

/// `tip` and every commit of `commits` reachable from it.
fn ancestors(commits: &[CommitNode], tip: ObjectId) -> HashSet<ObjectId> {
    let parents: HashMap<ObjectId, &[ObjectId]> = commits
        .iter()
        .map(|c| (c.id, c.parents.as_slice()))
        .collect();
    let mut seen = HashSet::new();
    let mut stack = vec![tip];
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(parents.get(&id).copied().unwrap_or_default());
        }
    }
    seen
}

/// Adds working-tree findings that history does not already report: a file whose
/// content is HEAD's blob at that path is the HEAD location history reported.
fn merge_worktree(r: &Repo<'_>, outcome: &mut Outcome, worktree: Outcome, workdir: &Path) {
    let head: HashMap<&str, &str> = outcome
        .findings
        .iter()
        .filter(|f| f.in_head == Some(true))
        .filter_map(|f| Some((f.path(), f.provenance.commit()?.commit.as_str())))
        .collect();
    let reported: HashSet<(String, String, usize, usize)> = outcome
        .findings
        .iter()
        .filter(|f| f.in_head == Some(true))
        .map(|f| {
            (
                f.path().to_string(),
                f.fingerprint.clone(),
                f.span.line,
                f.span.column,
            )
        })
        .collect();
    let head_tree = r.repo.head_tree_id().ok().map(|t| t.detach());
    let prefix = crate::source::filesystem::display_path(workdir);
    let mut same_as_head: HashMap<String, bool> = HashMap::new();
    let mut extra = Vec::new();
    for mut f in worktree.findings {
        let path = f
            .path()
            .strip_prefix(&prefix)
            .map(|p| p.trim_start_matches('/'))
            .unwrap_or(f.path())
            .to_string();
        let key = (
            path.clone(),
            f.fingerprint.clone(),
            f.span.line,
            f.span.column,
        );
        if reported.contains(&key) {
            continue;
        }
        if head.contains_key(path.as_str()) {
            let same = *same_as_head.entry(path.clone()).or_insert_with(|| {
                let on_disk = std::fs::read(workdir.join(&path)).ok();
                let committed = head_tree
                    .and_then(|t| git::blob_at(r.repo, t, path.as_str().into()).ok().flatten());
                match (on_disk, committed) {
                    (Some(bytes), Some(id)) => gix::objs::compute_hash(
                        r.repo.object_hash(),
                        gix::object::Kind::Blob,
                        &bytes,
                    )
                    .is_ok_and(|h| h == id),
                    _ => false,
                }
            });
            if same {
                continue;
            }
        }
        f.provenance = Provenance::File { path };
        extra.push(f);
    }
    outcome.findings.extend(extra);
    outcome.stats.merge(&worktree.stats);
}

/// `--staged`: index entries that differ from HEAD, read from the object database.
fn scan_staged(ctx: &Context<'_>, r: &Repo<'_>) -> Result<Outcome, GitError> {
    let mut staged = git::staged_blobs(r.repo)?;
    staged.retain(|(path, _)| !r.skips(path));
    let blobs: Vec<ObjectId> = staged.iter().map(|(_, id)| *id).collect();
    ctx.progress
        .phase_of("scanning staged files", blobs.len() as u64);
    let mut known: HashMap<ObjectId, &str> = HashMap::new();
    for (path, id) in &staged {
        known.entry(*id).or_insert(path.as_str());
    }
    let (found, stats) = scan_blobs(ctx, r.shared, &r.faults, &blobs, &known);
    let mut findings = Vec::new();
    for (path, id) in &staged {
        if let Some(list) = found.get(id) {
            findings.extend(
                list.iter()
                    .map(|m| m.at(Provenance::Staged { path: path.clone() })),
            );
        }
    }
    Ok(Outcome {
        findings,
        stats,
        elapsed: Default::default(),
    })
}
