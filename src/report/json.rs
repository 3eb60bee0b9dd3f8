//! JSON and JSON Lines: one object per finding, shape version 1 (documented in the README).

use std::io::{self, Write};

use serde::Serialize;

use super::ReportOptions;
use crate::finding::{Finding, Introduction, Outcome};
use crate::provenance::{CommitInfo, TagInfo};

/// Version of the finding object's shape; bumped on any incompatible change.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonFinding<'a> {
    version: u32,
    rule: &'a str,
    rule_name: &'a str,
    provider: &'a str,
    provider_name: &'a str,
    severity: &'a str,
    confidence: &'a str,
    source: &'static str,
    /// None for messages and unreachable objects, which have no path.
    path: Option<&'a str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    fingerprint: &'a str,
    secret: String,
    entropy: f64,
    snippet: &'a str,
    commit: Option<&'a CommitInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a TagInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blob: Option<&'a str>,
    in_head: Option<bool>,
    introduced: &'a [Introduction],
    /// Encodings undone to find the secret, outermost first (`base64>json`); null for plain text.
    encoding: Option<&'a str>,
    /// e.g. "weak password in a credential file"; omitted when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

fn to_json<'a>(f: &'a Finding, opts: &ReportOptions) -> JsonFinding<'a> {
    use crate::provenance::Provenance;
    JsonFinding {
        version: JSON_VERSION,
        rule: &f.rule_id,
        rule_name: &f.rule_name,
        provider: &f.provider_id,
        provider_name: &f.provider_name,
        severity: f.severity.as_str(),
        confidence: f.confidence.as_str(),
        source: f.provenance.kind(),
        path: match &f.provenance {
            Provenance::Stdin => Some("-"),
            p => p.file_path(),
        },
        line: f.span.line,
        column: f.span.column,
        end_line: f.span.end_line,
        end_column: f.span.end_column,
        fingerprint: &f.fingerprint,
        secret: f.secret.shown(opts.show_secrets),
        entropy: (f.entropy * 1000.0).round() / 1000.0,
        snippet: f.snippet(opts.show_secrets),
        commit: f.provenance.commit(),
        tag: f.provenance.tag(),
        blob: match &f.provenance {
            Provenance::Object { blob } => Some(blob.as_str()),
            _ => None,
        },
        in_head: f.in_head,
        introduced: &f.introduced,
        encoding: f.encoding.as_deref(),
        note: f.note.as_deref(),
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
