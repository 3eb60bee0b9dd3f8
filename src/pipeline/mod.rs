//! The scan pipeline: the only module that knows about threads. Sources feed workers,
//! each owning its matcher scratch space; workers hand their findings and counters to
//! one shared collector when they finish, so the hot path takes no locks.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use ignore::WalkState;

use crate::decode;
use crate::finding::{self, BlobFinding, Finding, Outcome, Stats};
use crate::matcher::{Content, Matcher, RawMatch, Scratch};
use crate::messages::Messages;
use crate::progress::Progress;
use crate::provenance::Provenance;
use crate::rules::RuleSet;
use crate::source::{self, filesystem};

mod git;
pub use git::scan_git;

/// Why a scan could not run at all (problems with single files or objects are
/// reported through [`Messages`] and do not stop it).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Git(#[from] crate::source::git::GitError),
    #[error(transparent)]
    Walk(#[from] ignore::Error),
}

/// Everything a worker needs, shared by reference.
pub struct Context<'a> {
    pub matcher: &'a Matcher,
    pub messages: &'a Messages,
    pub progress: &'a Progress,
    pub max_file_size: u64,
    /// Nesting depth of decoding (`--decode-depth`); 0 scans plain text only.
    pub decode_depth: u8,
}

/// Scans one blob: text view (UTF-16, line ends), binary detection, matching, then
/// matching again inside every decoded segment. What is found depends on the bytes (and,
/// for path-scoped rules, on `path`, which is `None` where no path is known: stdin,
/// history blobs, messages); the caller places the findings at the blob's locations
/// ([`finding::BlobFinding::at`]).
pub fn scan_blob(
    ctx: &Context<'_>,
    bytes: &[u8],
    path: Option<&str>,
    scratch: &mut Scratch,
    stats: &mut Stats,
) -> Vec<BlobFinding> {
    stats.files += 1;
    stats.bytes += bytes.len() as u64;
    let view = decode::text_view(bytes);
    let bytes = &*view.bytes;
    let content = if source::is_binary(bytes) {
        stats.binary += 1;
        Content::Binary
    } else {
        Content::Text
    };
    let matches = ctx.matcher.scan(bytes, content, path, scratch);
    // A token that failed its format check is not a secret, nor is anything decoded from it.
    let rejected = scratch.rejected().to_vec();
    let mut findings = if matches.is_empty() {
        Vec::new()
    } else {
        finding::build(ctx.matcher.rules(), bytes, &matches)
    };
    if content == Content::Text && ctx.decode_depth > 0 {
        let mut decoded = scan_decoded(ctx, bytes, &matches, path, scratch);
        // Nothing decoded from a token that failed its format check is a secret, and a
        // segment inside a token a provider rule already reported (a JWT's payload) is
        // that token's content, not a second secret.
        let rules = &ctx.matcher.rules().rules;
        decoded.retain(|d| {
            let in_rejected = rejected
                .iter()
                .any(|x| x.start < d.segment.end && d.segment.start < x.end);
            // (The same rule finding the decoded value is that token read right, as in a
            // percent-encoded password: merging prefers it.)
            let in_token = matches.iter().any(|m| {
                !rules[m.rule].generic
                    && m.rule != d.rule
                    && m.secret.start <= d.segment.start
                    && d.segment.end <= m.secret.end
            });
            !in_rejected && !in_token
        });
        if !decoded.is_empty() {
            merge_decoded(ctx.matcher.rules(), &mut findings, &matches, decoded);
        }
    }
    if let Some(encoding) = view.encoding {
        for f in &mut findings {
            f.encoding = Some(match &f.encoding {
                Some(inner) => format!("{}>{inner}", encoding.as_str()),
                None => encoding.as_str().to_string(),
            });
        }
    }
    findings
}

/// A finding in decoded text, with what merging needs to know about it.
struct Decoded {
    finding: BlobFinding,
    rule: usize,
    segment: Range<usize>,
}

/// Findings inside the decoded segments of `bytes`; `plain` are the blob's own matches.
fn scan_decoded(
    ctx: &Context<'_>,
    bytes: &[u8],
    plain: &[RawMatch],
    path: Option<&str>,
    scratch: &mut Scratch,
) -> Vec<Decoded> {
    let mut found = Vec::new();
    let limits = decode::Limits::for_blob(ctx.decode_depth, bytes.len());
    decode::for_each_view(bytes, limits, &mut |view| {
        let mut matches = ctx
            .matcher
            .scan(view.bytes, Content::Decoded, path, scratch);
        // A secret must lie in the decoded text: the frame around it only gives context (a
        // name), and a value running on into the frame mixes decoded and encoded text.
        matches
            .retain(|m| m.secret.start >= view.decoded.start && m.secret.end <= view.decoded.end);
        if matches.is_empty() {
            return;
        }
        let built = finding::build_decoded(ctx.matcher.rules(), bytes, plain, view, &matches);
        found.extend(built.into_iter().zip(&matches).map(|(finding, m)| Decoded {
            finding,
            rule: m.rule,
            segment: view.segment.clone(),
        }));
    });
    found
}

/// Adds decoded findings to a blob's plain ones (`findings[i]` built from `plain[i]`),
/// one finding per secret and place:
/// - within one segment, the same secret found by several rules or at several depths is
///   kept once, from the best-ranked rule (provider before generic, then confidence);
/// - a decoded secret already found as plain text in that segment (same fingerprint)
///   adds nothing;
/// - a plain finding in a segment that decoded to a finding is dropped when the encoded
///   text itself was taken for the secret (its span is the segment's, or its rule is
///   generic or the same rule): the encoded text was never the secret, its content is.
fn merge_decoded(
    rules: &RuleSet,
    findings: &mut Vec<BlobFinding>,
    plain: &[RawMatch],
    mut decoded: Vec<Decoded>,
) {
    let rank = |rule: usize| {
        let r = &rules.rules[rule];
        (!r.generic, r.confidence, r.severity)
    };
    decoded.sort_by(|a, b| {
        (a.segment.start, &a.finding.fingerprint)
            .cmp(&(b.segment.start, &b.finding.fingerprint))
            .then(rank(b.rule).cmp(&rank(a.rule)))
    });
    decoded.dedup_by(|later, first| {
        later.segment == first.segment && later.finding.fingerprint == first.finding.fingerprint
    });
    let inside =
        |m: &RawMatch, seg: &Range<usize>| m.secret.start >= seg.start && m.secret.end <= seg.end;
    decoded.retain(|d| {
        !findings
            .iter()
            .zip(plain)
            .any(|(p, m)| inside(m, &d.segment) && p.fingerprint == d.finding.fingerprint)
    });
    if decoded.is_empty() {
        return;
    }
    let mut keep = plain.iter().map(|m| {
        !decoded.iter().any(|d| {
            inside(m, &d.segment)
                && (m.secret == d.segment || m.rule == d.rule || rules.rules[m.rule].generic)
        })
    });
    findings.retain(|_| keep.next().unwrap_or(true));
    findings.extend(decoded.into_iter().map(|d| d.finding));
    findings.sort_by_key(|f| f.offset);
}

/// Per-thread state of the filesystem walk; flushes into the collector when dropped.
struct Worker<'a, 'c> {
    ctx: &'a Context<'c>,
    collector: &'a Mutex<Outcome>,
    scratch: Scratch,
    findings: Vec<Finding>,
    stats: Stats,
    /// Counts not yet reported to the progress display.
    pending: (u64, u64, u64),
}

impl Worker<'_, '_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(entry) => entry,
            // A link back to an ancestor is the shape of the tree, not a failure to
            // read it: everything under it is scanned once, through the other path.
            Err(err) if is_loop(&err) => {
                self.stats.loops += 1;
                self.ctx.messages.warn(walk_error_message(&err));
                return WalkState::Continue;
            }
            Err(err) => {
                self.stats.unreadable += 1;
                self.ctx.messages.error(walk_error_message(&err));
                return WalkState::Continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            return WalkState::Continue;
        }
        let path = entry.path();
        let shown = filesystem::display_path(path);
        let size = match entry.metadata() {
            Ok(m) => m.len(),
            Err(err) => {
                self.stats.unreadable += 1;
                self.ctx.messages.error(format!("{shown}: {err}"));
                return WalkState::Continue;
            }
        };
        if size > self.ctx.max_file_size {
            self.stats.skipped_large += 1;
            self.ctx.messages.warn(format!(
                "{shown}: skipped, {size} bytes is over --max-file-size ({} bytes)",
                self.ctx.max_file_size
            ));
            return WalkState::Continue;
        }
        let bytes = match filesystem::read(path, size) {
            Ok(read) if read.changed => {
                self.stats.changed += 1;
                self.ctx.messages.warn(format!(
                    "{shown}: changed while being read ({size} bytes when listed); scanned the {} bytes read",
                    read.bytes.len()
                ));
                read.bytes
            }
            Ok(read) => read.bytes,
            Err(err) => {
                self.stats.unreadable += 1;
                self.ctx
                    .messages
                    .error(format!("{shown}: cannot read: {err}"));
                return WalkState::Continue;
            }
        };
        let found = scan_blob(
            self.ctx,
            &bytes,
            Some(&shown),
            &mut self.scratch,
            &mut self.stats,
        );
        self.pending.0 += 1;
        self.pending.1 += bytes.len() as u64;
        self.pending.2 += found.len() as u64;
        self.findings.extend(found.iter().map(|m| {
            m.at(Provenance::File {
                path: shown.clone(),
            })
        }));
        if self.pending.0 >= 256 || self.pending.1 >= 16 << 20 {
            self.flush_progress();
        }
        WalkState::Continue
    }

    fn flush_progress(&mut self) {
        let (f, b, n) = std::mem::take(&mut self.pending);
        self.ctx.progress.add(f, b, n);
    }
}

impl Drop for Worker<'_, '_> {
    fn drop(&mut self) {
        self.flush_progress();
        let mut out = self.collector.lock().unwrap_or_else(|e| e.into_inner());
        out.findings.append(&mut self.findings);
        out.stats.merge(&self.stats);
    }
}

/// Whether a walk error is a symbolic link loop, under any nesting.
fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Loop { .. } => true,
        _ => false,
    }
}

/// Describes a walk error without repeating `ignore`'s nesting.
fn walk_error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { path, err } => {
            format!(
                "{}: {}",
                filesystem::display_path(path),
                walk_error_message(err)
            )
        }
        ignore::Error::WithDepth { err, .. } => walk_error_message(err),
        ignore::Error::Loop { ancestor, child } => {
            // The scan root itself displays as "" (paths are shown relative to it).
            let ancestor = filesystem::display_path(ancestor);
            format!(
                "{}: symbolic link loop back to {}, not followed",
                filesystem::display_path(child),
                if ancestor.is_empty() { "." } else { &ancestor }
            )
        }
        other => other.to_string(),
    }
}

/// Scans files and directories in parallel.
pub fn scan_paths(
    ctx: &Context<'_>,
    roots: &[PathBuf],
    opts: &filesystem::WalkOptions,
) -> Result<Outcome, ignore::Error> {
    let started = Instant::now();
    // The walk never filters its roots, so files named on the command line (as the
    // pre-commit framework names each file it checks) meet --include/--exclude here.
    let roots: Vec<PathBuf> = roots
        .iter()
        .filter(|root| root.is_dir() || opts.paths.allows_file(root))
        .cloned()
        .collect();
    if roots.is_empty() {
        return Ok(Outcome {
            elapsed: started.elapsed(),
            ..Outcome::default()
        });
    }
    let collector = Mutex::new(Outcome::default());
    let walk = filesystem::walker(&roots, opts)?;
    walk.run(|| {
        let mut worker = Worker {
            ctx,
            collector: &collector,
            scratch: Scratch::default(),
            findings: Vec::new(),
            stats: Stats::default(),
            pending: (0, 0, 0),
        };
        Box::new(move |entry| worker.visit(entry))
    });
    let mut outcome = collector.into_inner().unwrap_or_else(|e| e.into_inner());
    outcome.elapsed = started.elapsed();
    outcome.sort();
    Ok(outcome)
}

/// Scans one in-memory blob (stdin).
pub fn scan_one(ctx: &Context<'_>, bytes: &[u8], provenance: Provenance) -> Outcome {
    let started = Instant::now();
    let mut stats = Stats::default();
    let findings = scan_blob(ctx, bytes, None, &mut Scratch::default(), &mut stats)
        .iter()
        .map(|m| m.at(provenance.clone()))
        .collect();
    Outcome {
        findings,
        stats,
        elapsed: started.elapsed(),
    }
}
