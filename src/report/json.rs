//! JSON and JSON Lines: one object per finding, shape version 1 (documented in the README).
//!
//! [`JsonFinding`] is the contract, written by the reporters here and read back by
//! [`read_report`] (for `keyhound checklist REPORT`), so the shape is declared once.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::ReportOptions;
use crate::finding::redact::scrub_message;
use crate::finding::{Finding, Introduction, Outcome};
use crate::provenance::{CommitInfo, TagInfo};

/// Version of the finding object's shape; bumped on any incompatible change.
pub const JSON_VERSION: u32 = 1;

/// One finding on the wire. Written borrowed from a [`Finding`]; read back owned
/// (`JsonFinding<'static>`). Fields a reader can do without default when absent, so a
/// hand-written or trimmed report still reads, and unknown fields are ignored, so that
/// additions in version 1 do not break older readers.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonFinding<'a> {
    pub version: u32,
    pub rule: Cow<'a, str>,
    pub rule_name: Cow<'a, str>,
    pub provider: Cow<'a, str>,
    pub provider_name: Cow<'a, str>,
    pub severity: Cow<'a, str>,
    #[serde(default)]
    pub confidence: Cow<'a, str>,
    #[serde(default)]
    pub source: Cow<'a, str>,
    /// None for messages and unreachable objects, which have no path; `-` for stdin.
    #[serde(default)]
    pub path: Option<Cow<'a, str>>,
    /// 1-based.
    pub line: usize,
    /// 1-based, in bytes.
    #[serde(default)]
    pub column: usize,
    #[serde(default)]
    pub end_line: usize,
    #[serde(default)]
    pub end_column: usize,
    pub fingerprint: Cow<'a, str>,
    /// Redacted unless the report was written with `--show-secrets`.
    pub secret: Cow<'a, str>,
    #[serde(default)]
    pub entropy: f64,
    #[serde(default)]
    pub snippet: Cow<'a, str>,
    #[serde(default)]
    pub commit: Option<Cow<'a, CommitInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Cow<'a, TagInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<Cow<'a, str>>,
    #[serde(default)]
    pub in_head: Option<bool>,
    #[serde(default)]
    pub introduced: Cow<'a, [Introduction]>,
    /// Encodings undone to find the secret, outermost first (`base64>json`); null for plain text.
    #[serde(default)]
    pub encoding: Option<Cow<'a, str>>,
    /// e.g. "weak password in a credential file"; omitted when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Cow<'a, str>>,
}

fn to_json<'a>(f: &'a Finding, opts: &ReportOptions) -> JsonFinding<'a> {
    use crate::provenance::Provenance;
    JsonFinding {
        version: JSON_VERSION,
        rule: Cow::Borrowed(&f.rule_id),
        rule_name: Cow::Borrowed(&f.rule_name),
        provider: Cow::Borrowed(&f.provider_id),
        provider_name: Cow::Borrowed(&f.provider_name),
        severity: Cow::Borrowed(f.severity.as_str()),
        confidence: Cow::Borrowed(f.confidence.as_str()),
        source: Cow::Borrowed(f.provenance.kind()),
        path: match &f.provenance {
            Provenance::Stdin => Some(Cow::Borrowed("-")),
            p => p.file_path().map(Cow::Borrowed),
        },
        line: f.span.line,
        column: f.span.column,
        end_line: f.span.end_line,
        end_column: f.span.end_column,
        fingerprint: Cow::Borrowed(&f.fingerprint),
        secret: Cow::Owned(f.secret.shown(opts.show_secrets)),
        entropy: (f.entropy * 1000.0).round() / 1000.0,
        snippet: Cow::Borrowed(f.snippet(opts.show_secrets)),
        commit: f.provenance.commit().map(Cow::Borrowed),
        tag: f.provenance.tag().map(Cow::Borrowed),
        blob: match &f.provenance {
            Provenance::Object { blob } => Some(Cow::Borrowed(blob.as_str())),
            _ => None,
        },
        in_head: f.in_head,
        introduced: Cow::Borrowed(&f.introduced),
        encoding: f.encoding.as_deref().map(Cow::Borrowed),
        note: f.note.as_deref().map(Cow::Borrowed),
    }
}

/// A JSON array of findings, pretty-printed.
pub fn write_array(outcome: &Outcome, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let all: Vec<JsonFinding<'_>> = outcome.findings.iter().map(|f| to_json(f, opts)).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// One compact JSON object per line.
pub fn write_lines(outcome: &Outcome, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    for f in &outcome.findings {
        serde_json::to_writer(&mut *out, &to_json(f, opts))?;
        writeln!(out)?;
    }
    Ok(())
}

/// A saved report that cannot be read. Messages never quote the input (it may hold secrets).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("not a keyhound JSON report: {0}")]
    Syntax(String),
    /// `entry` is 1-based.
    #[error("report entry {entry}: {message}")]
    Entry { entry: usize, message: String },
}

/// Reads a report written by `--format json` (an array) or `--format jsonl` (one object
/// per line). Entries of a newer shape version than this build writes are refused.
pub fn read_report(text: &str) -> Result<Vec<JsonFinding<'static>>, ReportError> {
    let syntax = |e: serde_json::Error| ReportError::Syntax(scrub_message(&e.to_string()));
    let values: Vec<serde_json::Value> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(syntax)?
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .map_err(syntax)?
    };
    values
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let err = |message: String| ReportError::Entry {
                entry: i + 1,
                message,
            };
            let finding: JsonFinding<'static> =
                serde_json::from_value(value).map_err(|e| err(scrub_message(&e.to_string())))?;
            if finding.version > JSON_VERSION {
                return Err(err(format!(
                    "shape version {} is newer than this keyhound reads ({JSON_VERSION})",
                    finding.version
                )));
            }
            Ok(finding)
        })
        .collect()
}
