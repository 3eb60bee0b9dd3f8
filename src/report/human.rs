//! Human output in the manner of ripgrep: a heading per file (and, in history scans, per
//! commit that put the secret there), then per finding a line
//! `line:col  severity  rule  provider  redacted` with the columns aligned within the
//! group, and under it the finding's source line (redacted, the match highlighted when
//! colour is on); then a summary.
//!
//! Everything scanned (paths, snippets, author names, commit summaries, tag names) and
//! every name from a user's rule file is written through [`escape::terminal`].

use std::collections::HashMap;
use std::io::{self, Write};

use indicatif::HumanBytes;

use super::{distinct_secrets, escape, ReportOptions};
use crate::finding::{Finding, Outcome};
use crate::provenance::Provenance;
use crate::rules::Severity;

const RESET: &str = "\x1b[0m";
const BOLD_MAGENTA: &str = "\x1b[1;35m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => "\x1b[2m",
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    /// `text` in `color` (when colour is on), padded with spaces to `width` characters.
    fn paint(&self, color: &str, text: &str, width: usize) -> String {
        let pad = " ".repeat(width.saturating_sub(text.chars().count()));
        if self.on && !color.is_empty() && !text.is_empty() {
            format!("{color}{text}{RESET}{pad}")
        } else {
            format!("{text}{pad}")
        }
    }
}

/// Findings grouped by file (and commit), then the summary unless `opts.summary` is off.
pub fn write(outcome: &Outcome, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint { on: opts.color };
    for (i, group) in groups(&outcome.findings).iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_group(group, opts, &p, out)?;
    }
    if opts.summary {
        if !outcome.findings.is_empty() {
            writeln!(out)?;
        }
        write_summary(outcome, opts, out)?;
    }
    Ok(())
}

/// The findings at one place: a path (or message, or object), and in history scans the
/// commit that put them there and whether HEAD still holds them. Findings arrive sorted
/// by path and line, with the commits of one path interleaved; each group keeps them in
/// that order and groups appear in the order of their first finding.
fn groups(findings: &[Finding]) -> Vec<Vec<&Finding>> {
    type Key<'a> = (String, Option<&'a str>, Option<bool>);
    let mut order: Vec<Vec<&Finding>> = Vec::new();
    let mut index: HashMap<Key<'_>, usize> = HashMap::new();
    for f in findings {
        let key = (
            f.provenance.label(),
            f.provenance.commit().map(|c| c.commit.as_str()),
            f.in_head,
        );
        let at = *index.entry(key).or_insert_with(|| {
            order.push(Vec::new());
            order.len() - 1
        });
        order[at].push(f);
    }
    order
}

fn write_group(
    group: &[&Finding],
    opts: &ReportOptions,
    p: &Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let first = group[0];
    let label = first.provenance.label();
    writeln!(
        out,
        "{}",
        p.paint(BOLD_MAGENTA, &escape::terminal(&label), 0)
    )?;
    if let Some(origin) = origin(first) {
        writeln!(out, "{}", p.paint(DIM, &origin, 0))?;
    }
    let rows: Vec<Row<'_>> = group.iter().map(|f| Row::new(f)).collect();
    let width = |column: fn(&Row<'_>) -> usize| rows.iter().map(column).max().unwrap_or(0);
    let widths = [
        width(|r| r.position.len()),
        width(|r| r.finding.severity.as_str().len()),
        width(|r| r.rule.chars().count()),
        width(|r| r.provider.chars().count()),
    ];
    let indent = " ".repeat(widths[0] + 2);
    for row in &rows {
        let f = row.finding;
        let mut line = format!(
            "{}  {}  {}  {}  {}",
            p.paint(GREEN, &row.position, widths[0]),
            p.paint(severity_color(f.severity), f.severity.as_str(), widths[1]),
            p.paint("", &row.rule, widths[2]),
            p.paint("", &row.provider, widths[3]),
            escape::terminal(&f.secret.shown(opts.show_secrets)),
        );
        if let Some(chain) = &f.encoding {
            line.push_str("  ");
            line.push_str(&p.paint(DIM, &format!("[decoded: {chain}]"), 0));
        }
        if let Some(note) = &f.note {
            line.push_str(&format!("  ({note})"));
        }
        writeln!(out, "{}", line.trim_end())?;
        if let Some(snippet) = snippet(f, opts, p) {
            writeln!(out, "{indent}{snippet}")?;
        }
        if let Some(first) = first_exposed(f) {
            writeln!(out, "{indent}{}", p.paint(DIM, &first, 0))?;
        }
    }
    Ok(())
}

/// The columns of one finding's line, escaped, before padding.
struct Row<'f> {
    finding: &'f Finding,
    position: String,
    rule: String,
    provider: String,
}

impl<'f> Row<'f> {
    fn new(f: &'f Finding) -> Row<'f> {
        Row {
            finding: f,
            position: format!("{}:{}", f.span.line, f.span.column),
            // Rule and provider ids may come from a user's rule file.
            rule: escape::terminal(&f.rule_id).into_owned(),
            provider: escape::terminal(&f.provider_id).into_owned(),
        }
    }
}

/// The finding's source line (redacted unless secrets are shown), escaped, with the
/// secret highlighted when colour is on; None when there is no line to show.
fn snippet(f: &Finding, opts: &ReportOptions, p: &Paint) -> Option<String> {
    let text = f.snippet(opts.show_secrets);
    if text.is_empty() {
        return None;
    }
    let mark = f
        .snippet_match(opts.show_secrets)
        .filter(|r| p.on && text.get(r.clone()).is_some());
    Some(match mark {
        Some(r) => format!(
            "{}{}{}",
            escape::terminal(&text[..r.start]),
            p.paint(MATCH, &escape::terminal(&text[r.clone()]), 0),
            escape::terminal(&text[r.end..])
        ),
        None => escape::terminal(text).into_owned(),
    })
}

/// The heading's second line: the commit (or tag) behind a group of history findings,
/// shown once for the group.
fn origin(f: &Finding) -> Option<String> {
    let commit = |c: &crate::provenance::CommitInfo| {
        let mut text = format!(
            "commit {} ({}, {})",
            short(&c.commit),
            if c.date.is_empty() {
                "unknown date"
            } else {
                day(&c.date)
            },
            escape::terminal(c.author_or_unknown())
        );
        if !c.summary.is_empty() {
            text.push_str(&format!(": {}", escape::terminal(&c.summary)));
        }
        text
    };
    match &f.provenance {
        Provenance::Commit { commit: c, .. } => Some(match f.in_head {
            Some(false) => format!("not in HEAD, in history since {}", commit(c)),
            Some(true) => format!("in HEAD since {}", commit(c)),
            None => commit(c),
        }),
        Provenance::CommitMessage { commit: c } => Some(format!("message of {}", commit(c))),
        Provenance::TagMessage { tag } => Some(format!(
            "message of annotated tag {} ({}, {})",
            escape::terminal(&tag.name),
            day(&tag.date),
            escape::terminal(&tag.tagger_name)
        )),
        _ => None,
    }
}

/// For a history finding whose content was exposed earlier under another path (a rename
/// or copy): where and when.
fn first_exposed(f: &Finding) -> Option<String> {
    let Provenance::Commit { commit: c, .. } = &f.provenance else {
        return None;
    };
    let first = f.introduced.first().filter(|i| i.commit.time < c.time)?;
    Some(format!(
        "first exposed {} as {} ({})",
        day(&first.commit.date),
        escape::terminal(&first.path),
        short(&first.commit.commit)
    ))
}

fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// `1 finding`, `2 findings`: `n` and the noun, singular or plural.
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// The closing summary lines: findings, distinct secrets, files, bytes and time, then
/// what was suppressed or skipped.
pub fn write_summary(
    outcome: &Outcome,
    opts: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let s = &outcome.stats;
    let secs = outcome.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        (s.bytes as f64 / secs) as u64
    } else {
        0
    };
    writeln!(
        out,
        "{} ({}) in {}, {} scanned in {:.2}s ({}/s)",
        count(outcome.findings.len() as u64, "finding", "findings"),
        count(
            distinct_secrets(outcome) as u64,
            "distinct secret",
            "distinct secrets"
        ),
        count(s.files, "file", "files"),
        HumanBytes(s.bytes),
        secs,
        HumanBytes(rate)
    )?;
    let mut notes = Vec::new();
    if opts.suppressed.total() > 0 {
        let forms: Vec<String> = opts
            .suppressed
            .by_form()
            .map(|(form, n)| format!("{n} {}", form.as_str()))
            .collect();
        notes.push(format!(
            "{} suppressed ({})",
            opts.suppressed.total(),
            forms.join(", ")
        ));
    }
    if s.binary > 0 {
        notes.push(format!(
            "{} scanned for prefixed tokens only",
            count(s.binary, "binary file", "binary files")
        ));
    }
    if s.skipped_large > 0 {
        notes.push(format!(
            "{} skipped over --max-file-size",
            count(s.skipped_large, "file", "files")
        ));
    }
    if s.loops > 0 {
        notes.push(format!(
            "{} not followed",
            count(s.loops, "symbolic link loop", "symbolic link loops")
        ));
    }
    if s.changed > 0 {
        notes.push(format!(
            "{} while being read",
            count(s.changed, "file changed", "files changed")
        ));
    }
    if s.missing > 0 {
        notes.push(format!(
            "{} missing",
            count(s.missing, "git object", "git objects")
        ));
    }
    if s.malformed > 0 {
        notes.push(count(s.malformed, "malformed commit", "malformed commits"));
    }
    // Missing git objects are counted above and reported in one error of their own.
    let errors = (opts.errors as u64).saturating_sub(u64::from(s.missing > 0));
    if s.unreadable > 0 || errors > 0 {
        notes.push(format!("{} could not be read", s.unreadable.max(errors)));
    }
    if !notes.is_empty() {
        writeln!(out, "{}", notes.join("; "))?;
    }
    Ok(())
}
