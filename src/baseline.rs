//! Baselines and the rotation ledger.
//!
//! A baseline (`.keyhound-baseline.json`) records the findings of one scan so that later
//! scans report only what is new, and remembers what the team decided about each secret
//! (`keyhound baseline mark`). It is meant to be committed, so it is stable, sorted,
//! pretty JSON and holds no secret: fingerprints and redacted forms only, even when the
//! scan shows secrets.
//!
//! ```json
//! {
//!   "version": 1,
//!   "entries": [
//!     {
//!       "fingerprint": "5f2b…(32 hex)",
//!       "rule": "github-pat-classic",
//!       "provider": "github",
//!       "redacted": "ghp_…x9Qa",
//!       "status": "rotated",
//!       "status_date": "2024-05-01",
//!       "note": "INC-42",
//!       "locations": [{ "path": "src/app.py", "line": 12 },
//!                     { "path": "old.env", "line": 3, "commit": "0123…" }]
//!     }
//!   ]
//! }
//! ```
//!
//! Matching: a finding is *in* the baseline when an entry has its fingerprint and rule and
//! a location at the same place: the same path, and the same commit when both the finding
//! and the location have one (history findings do; working-tree, staged and stdin findings
//! do not). So a baseline written with `--history` also covers the working tree and the
//! pre-commit hook, while a secret committed again at its old path by a new commit is new
//! to a history scan. Lines are ignored so that edits above a secret do not make it new. A fingerprint marked `false-positive` is not a secret
//! anywhere, so it is suppressed at any location. A fingerprint marked `rotated` that
//! shows up at a location not recorded for it is a recurrence: it is reported, with a
//! warning, because a rotated key being copied around again means it is still in use.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::{redact, Finding, Outcome};
use crate::messages::Messages;

/// Version of the file format; a file with another version is refused.
pub const BASELINE_VERSION: u32 = 1;

/// Shortest fingerprint prefix `keyhound baseline mark` accepts.
pub const MIN_PREFIX: usize = 6;

/// The whole baseline file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Sorted by fingerprint, then rule.
    pub entries: Vec<Entry>,
}

/// What a team decided about a baselined secret (`status` in the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Known, not yet handled.
    Open,
    /// Revoked and replaced at the provider.
    Rotated,
    /// Not a secret.
    FalsePositive,
    /// A real secret the team accepts (e.g. a test-only key).
    Accepted,
}

impl Status {
    /// The status as written in the file and on the command line (`false-positive`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Rotated => "rotated",
            Status::FalsePositive => "false-positive",
            Status::Accepted => "accepted",
        }
    }
}

/// One distinct secret (fingerprint and rule) and where it was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub provider: String,
    /// The redacted secret, never the secret itself.
    pub redacted: String,
    pub status: Status,
    /// When the status was last set (YYYY-MM-DD, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Sorted by path, commit, line.
    pub locations: Vec<Location>,
}

/// Where a baselined secret was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub path: String,
    pub line: usize,
    /// History findings: the commit that introduced the blob.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// A baseline that cannot be read, written or updated. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{file}: cannot read baseline")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: line {line}: invalid baseline: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: baseline version {version} is not supported (expected {BASELINE_VERSION})")]
    Version { file: String, version: u32 },
    #[error("{file}: cannot write baseline")]
    Write {
        file: String,
        source: std::io::Error,
    },
    #[error(
        "{file}: fingerprint prefix {} is too short: give at least {MIN_PREFIX} characters",
        crate::finding::redact::quoted(.prefix)
    )]
    ShortPrefix { file: String, prefix: String },
    #[error("{file}: no entry has a fingerprint starting with {}", crate::finding::redact::quoted(.prefix))]
    UnknownFingerprint { file: String, prefix: String },
    #[error("{file}: fingerprint prefix {} is ambiguous: it matches {candidates}; give more characters", crate::finding::redact::quoted(.prefix))]
    Ambiguous {
        file: String,
        prefix: String,
        candidates: String,
    },
}

impl Baseline {
    /// Reads and checks the baseline at `path`.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let text = crate::user_file::read_to_string(path, crate::user_file::MAX_BASELINE).map_err(
            |source| BaselineError::Read {
                file: file.clone(),
                source,
            },
        )?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Parse {
            file: file.clone(),
            line: e.line(),
            message: crate::finding::redact::scrub_message(&strip_position(&e.to_string())),
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                file,
                version: baseline.version,
            });
        }
        Ok(baseline)
    }

    /// Writes the baseline to `path`, sorted, through a temporary file with a unique name
    /// in the same directory, synced and then renamed over `path`: a reader sees the old
    /// ledger or the new one, never half of one, whatever is killed when, and two writers
    /// never share a temporary file. Take [`lock`] around a read-modify-write.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let err = |source| BaselineError::Write {
            file: path.display().to_string(),
            source,
        };
        let mut sorted = self.clone();
        sorted.sort();
        let mut text = serde_json::to_string_pretty(&sorted).expect("a baseline always serialises");
        text.push('\n');
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(path.file_name().unwrap_or_default());
        prefix.push(".");
        let mut tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .tempfile_in(dir_of(path))
            .map_err(err)?;
        tmp.write_all(text.as_bytes()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(path).map_err(|e| err(e.error))?;
        // The rename is durable once the directory is synced (not possible everywhere).
        if let Ok(dir) = std::fs::File::open(dir_of(path)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Builds a baseline from `findings`, keeping the statuses, dates and notes of `previous`.
    /// Entries not found any more are kept when a decision was recorded for them (not
    /// `open`), so that the ledger still knows a rotated key if it comes back.
    pub fn from_findings(findings: &[Finding], previous: Option<&Baseline>) -> Baseline {
        let mut entries: BTreeMap<(String, String), Entry> = BTreeMap::new();
        for f in findings {
            let entry = entries
                .entry((f.fingerprint.clone(), f.rule_id.clone()))
                .or_insert_with(|| Entry {
                    fingerprint: f.fingerprint.clone(),
                    rule: f.rule_id.clone(),
                    provider: f.provider_id.clone(),
                    // Always redacted, whatever --show-secrets says: the file gets committed.
                    redacted: f.secret.redacted(),
                    status: Status::Open,
                    status_date: None,
                    note: None,
                    locations: Vec::new(),
                });
            entry.locations.push(location_of(f));
        }
        if let Some(previous) = previous {
            for old in &previous.entries {
                let key = (old.fingerprint.clone(), old.rule.clone());
                match entries.get_mut(&key) {
                    Some(entry) => {
                        entry.status = old.status;
                        entry.status_date.clone_from(&old.status_date);
                        entry.note.clone_from(&old.note);
                    }
                    None if old.status != Status::Open => {
                        entries.insert(key, old.clone());
                    }
                    None => {}
                }
            }
        }
        let mut baseline = Baseline {
            version: BASELINE_VERSION,
            entries: entries.into_values().collect(),
        };
        baseline.sort();
        baseline
    }

    /// Sorts entries by fingerprint then rule, and each entry's locations; drops duplicates.
    fn sort(&mut self) {
        self.entries
            .sort_by(|a, b| (&a.fingerprint, &a.rule).cmp(&(&b.fingerprint, &b.rule)));
        for entry in &mut self.entries {
            entry
                .locations
                .sort_by(|a, b| (&a.path, &a.commit, a.line).cmp(&(&b.path, &b.commit, b.line)));
            entry.locations.dedup();
        }
    }

    /// Sets the status of every entry whose fingerprint starts with `prefix` (one secret,
    /// possibly under several rules); returns the fingerprint. `file` names the baseline in errors.
    pub fn mark(
        &mut self,
        file: &Path,
        prefix: &str,
        status: Status,
        note: Option<&str>,
        date: &str,
    ) -> Result<String, BaselineError> {
        let file = file.display().to_string();
        let prefix = prefix.trim().to_ascii_lowercase();
        if prefix.len() < MIN_PREFIX {
            return Err(BaselineError::ShortPrefix { file, prefix });
        }
        let mut matching: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| e.fingerprint.starts_with(&prefix))
            .map(|e| e.fingerprint.as_str())
            .collect();
        matching.sort_unstable();
        matching.dedup();
        let fingerprint = match matching.as_slice() {
            [] => return Err(BaselineError::UnknownFingerprint { file, prefix }),
            [one] => one.to_string(),
            many => {
                let candidates = many.join(", ");
                return Err(BaselineError::Ambiguous {
                    file,
                    prefix,
                    candidates,
                });
            }
        };
        for entry in self
            .entries
            .iter_mut()
            .filter(|e| e.fingerprint == fingerprint)
        {
            entry.status = status;
            entry.status_date = Some(date.to_string());
            if let Some(note) = note {
                entry.note = Some(note.to_string());
            }
        }
        Ok(fingerprint)
    }

    /// Removes findings already in the baseline; reports recurrences of rotated secrets
    /// through `messages`. Returns how many findings were suppressed.
    pub fn filter(&self, outcome: &mut Outcome, messages: &Messages) -> usize {
        let before = outcome.findings.len();
        outcome.findings.retain(|f| match self.classify(f) {
            Verdict::Known => false,
            Verdict::New => true,
            Verdict::Recurrence(entry) => {
                messages.warn(recurrence_message(f, entry));
                true
            }
        });
        before - outcome.findings.len()
    }

    /// What the baseline says about one finding.
    fn classify(&self, f: &Finding) -> Verdict<'_> {
        let here = location_of(f);
        let same_place = |l: &Location| {
            l.path == here.path
                && match (&l.commit, &here.commit) {
                    (Some(recorded), Some(found)) => recorded == found,
                    _ => true,
                }
        };
        let mut rotated = None;
        for e in self
            .entries
            .iter()
            .filter(|e| e.fingerprint == f.fingerprint)
        {
            if e.status == Status::FalsePositive
                || (e.rule == f.rule_id && e.locations.iter().any(same_place))
            {
                return Verdict::Known;
            }
            if e.status == Status::Rotated {
                rotated = Some(e);
            }
        }
        match rotated {
            // Recorded elsewhere (under any rule) at this place: not a new copy, just a new rule.
            Some(e)
                if !self.entries.iter().any(|o| {
                    o.fingerprint == f.fingerprint && o.locations.iter().any(same_place)
                }) =>
            {
                Verdict::Recurrence(e)
            }
            _ => Verdict::New,
        }
    }
}

/// How a finding relates to a baseline.
enum Verdict<'a> {
    /// Recorded at this place: suppressed.
    Known,
    /// Not recorded: reported.
    New,
    /// A rotated secret at a place not recorded for it: reported, with a warning.
    Recurrence(&'a Entry),
}

/// "a key you rotated on DATE was committed again at PATH:LINE" (and the commit, if any).
fn recurrence_message(f: &Finding, entry: &Entry) -> String {
    let date = entry.status_date.as_deref().unwrap_or("an unrecorded date");
    let mut message = format!(
        "a key you rotated on {date} was committed again at {}:{} ({}, {}, fingerprint {})",
        redact::sanitize(f.path()),
        f.span.line,
        f.rule_id,
        f.secret.redacted(),
        f.fingerprint
    );
    if let Some(commit) = f.provenance.commit() {
        message.push_str(&format!(" in commit {}", commit.commit));
    }
    message
}

/// Writes (or updates, keeping statuses) the baseline at `path` from `findings`.
/// An existing file that cannot be read is an error rather than silently replaced,
/// since it may hold decisions that would be lost.
pub fn write(path: &Path, findings: &[Finding]) -> Result<(), BaselineError> {
    let _lock = lock(path)?;
    // symlink_metadata: a FIFO or dangling link named here is refused by the load.
    let previous = if std::fs::symlink_metadata(path).is_ok() {
        Some(Baseline::load(path)?)
    } else {
        None
    };
    Baseline::from_findings(findings, previous.as_ref()).save(path)
}

/// An advisory lock on a baseline, held until dropped, so that read-modify-write cycles
/// on one ledger (`scan --write-baseline`, `baseline mark`) run one after the other.
/// The lock is taken on a companion file, `FILE.lock`, because the ledger itself is
/// replaced by each write; the companion file is left in place.
#[derive(Debug)]
pub struct LedgerLock {
    _file: std::fs::File,
}

/// Waits for and takes the lock of the baseline at `path` (see [`LedgerLock`]).
pub fn lock(path: &Path) -> Result<LedgerLock, BaselineError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock_path = path.with_file_name(name);
    let err = |source| BaselineError::Write {
        file: lock_path.display().to_string(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(err)?;
    fs4::fs_std::FileExt::lock_exclusive(&file).map_err(err)?;
    Ok(LedgerLock { _file: file })
}

/// The directory `path` is in (`.` for a bare file name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn location_of(f: &Finding) -> Location {
    Location {
        path: f.path().to_string(),
        line: f.span.line,
        commit: f.provenance.commit().map(|c| c.commit.clone()),
    }
}

/// serde_json appends " at line L column C"; the line is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fingerprint: &str) -> Entry {
        Entry {
            fingerprint: fingerprint.into(),
            rule: "r-x".into(),
            provider: "p".into(),
            redacted: "********".into(),
            status: Status::Open,
            status_date: None,
            note: None,
            locations: vec![],
        }
    }

    #[test]
    fn mark_by_prefix() {
        let mut b = Baseline {
            version: 1,
            entries: vec![entry("abcdef0011"), entry("abcdef0022"), entry("123456ff")],
        };
        let file = Path::new("b.json");
        let short = b.mark(file, "12345", Status::Rotated, None, "2024-01-01");
        assert!(matches!(short, Err(BaselineError::ShortPrefix { .. })));
        let ambiguous = b.mark(file, "abcdef00", Status::Rotated, None, "2024-01-01");
        assert!(matches!(ambiguous, Err(BaselineError::Ambiguous { .. })));
        let unknown = b.mark(file, "ffffff", Status::Rotated, None, "2024-01-01");
        assert!(matches!(
            unknown,
            Err(BaselineError::UnknownFingerprint { .. })
        ));
        let fp = b
            .mark(
                file,
                "ABCDEF001",
                Status::Accepted,
                Some("test key"),
                "2024-01-02",
            )
            .expect("unique prefix");
        assert_eq!(fp, "abcdef0011");
        assert_eq!(b.entries[0].status, Status::Accepted);
        assert_eq!(b.entries[0].status_date.as_deref(), Some("2024-01-02"));
        assert_eq!(b.entries[0].note.as_deref(), Some("test key"));
        assert_eq!(b.entries[1].status, Status::Open);
    }

    #[test]
    fn strips_serde_position() {
        assert_eq!(
            strip_position("expected value at line 3 column 1"),
            "expected value"
        );
    }
}
