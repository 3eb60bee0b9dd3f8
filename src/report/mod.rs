//! Reporters: findings rendered for people and for programs. Every format reads
//! secrets through [`crate::finding::Secret::shown`], so redaction is decided once.

pub mod checklist;
pub mod human;
pub mod json;
pub mod sarif;

use std::collections::HashSet;
use std::io::{self, Write};

use crate::finding::Outcome;

/// Output formats of `keyhound scan` (`--format` is mapped to this in `config.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped by file, like ripgrep, with a summary.
    Human,
    /// A JSON array of findings.
    Json,
    /// One JSON finding per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// What every reporter needs besides the findings.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    pub show_secrets: bool,
    pub color: bool,
    /// Errors reported during the scan, for the summary.
    pub errors: usize,
    /// Findings suppressed by allow markers, the config allowlist or the baseline, by form.
    pub suppressed: crate::finding::allow::Suppressed,
}

/// Writes `outcome` in `format`.
pub fn write(
    format: Format,
    outcome: &Outcome,
    rules: &crate::rules::RuleSet,
    opts: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(outcome, opts, out),
        Format::Json => json::write_array(outcome, opts, out),
        Format::Jsonl => json::write_lines(outcome, opts, out),
        Format::Sarif => sarif::write(outcome, rules, opts, out),
    }
}

/// Number of distinct secrets (fingerprints) among the findings.
pub fn distinct_secrets(outcome: &Outcome) -> usize {
    outcome
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect::<HashSet<_>>()
        .len()
}
