//! The rotation checklist: one item per leaked credential, most urgent first, each with
//! the provider's rotation steps, every place its parts were found and a verification
//! keyhound can check; general advice once at the top and one history clean-up for all
//! items at the end.
//!
//! It is built from [`Occurrence`]s, which come either from a scan's findings or from a
//! saved JSON report, so `keyhound scan --checklist` and `keyhound checklist report.json`
//! give the same items. The checklist never holds a full secret: occurrences carry the
//! redacted form for it, and the full secret only for the separate purge file
//! ([`purge`]), which is written only with `--show-secrets`.
//!
//! - [`occurrence`]: one secret at one place, from a finding or a report entry;
//! - [`model`]: occurrences grouped into parts (one per fingerprint) and parts into
//!   credentials;
//! - [`steps`]: each credential's steps and the history clean-up;
//! - [`markdown`]: the Markdown form (the JSON form is the model serialised);
//! - [`purge`]: the `git filter-repo` expressions file and which files may be deleted whole.

pub mod markdown;
pub mod model;
pub mod occurrence;
pub mod purge;
pub mod steps;

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

pub use model::Checklist;
pub use occurrence::Occurrence;

/// Version of the JSON checklist's shape (2: items are credentials with `parts`).
pub const CHECKLIST_VERSION: u32 = 2;

/// A checklist that cannot be built from its inputs.
#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    #[error(transparent)]
    Report(#[from] crate::report::json::ReportError),
    /// `entry` is 1-based.
    #[error("report entry {entry}: {message}")]
    Entry { entry: usize, message: String },
}

/// What a baseline says about a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// `open`, `rotated`, `false-positive` or `accepted`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Status {
    /// Whether the baseline records the secret as rotated.
    pub fn rotated(&self) -> bool {
        self.status == "rotated"
    }
}

/// Baseline statuses by fingerprint.
#[derive(Debug, Clone, Default)]
pub struct Statuses(HashMap<String, Status>);

impl Statuses {
    /// The statuses a baseline records, by fingerprint.
    pub fn from_baseline(baseline: &crate::baseline::Baseline) -> Statuses {
        use crate::baseline::Status as BaselineStatus;
        let mut statuses = Statuses::default();
        for e in &baseline.entries {
            let status = match e.status {
                BaselineStatus::Open => "open",
                BaselineStatus::Rotated => "rotated",
                BaselineStatus::FalsePositive => "false-positive",
                BaselineStatus::Accepted => "accepted",
            };
            let status = Status {
                status: status.to_string(),
                date: e.status_date.clone(),
                note: e.note.clone(),
            };
            statuses.insert(&e.fingerprint, status);
        }
        statuses
    }

    /// Records the status of a fingerprint. A fingerprint may be given several times
    /// (once per rule or location); a rotation recorded on any of them wins.
    pub fn insert(&mut self, fingerprint: &str, status: Status) {
        let rotated = self.0.get(fingerprint).is_some_and(Status::rotated);
        if !rotated {
            self.0.insert(fingerprint.to_string(), status);
        }
    }

    /// The status recorded for `fingerprint`, if any.
    pub fn get(&self, fingerprint: &str) -> Option<&Status> {
        self.0.get(fingerprint)
    }
}

impl Checklist {
    /// The JSON form, pretty-printed.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }

    /// The Markdown form.
    pub fn write_markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        markdown::write(self, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_recorded_on_any_entry_wins() {
        let status = |s: &str| Status {
            status: s.to_string(),
            date: None,
            note: None,
        };
        let mut statuses = Statuses::default();
        statuses.insert("aa", status("rotated"));
        statuses.insert("aa", status("open"));
        statuses.insert("bb", status("open"));
        statuses.insert("bb", status("accepted"));
        assert_eq!(
            statuses.get("aa").map(|s| s.status.as_str()),
            Some("rotated")
        );
        assert_eq!(
            statuses.get("bb").map(|s| s.status.as_str()),
            Some("accepted")
        );
    }
}
