//! Human output in the manner of ripgrep: a heading per file, one line per finding,
//! then a summary.

use std::io::{self, Write};

use super::{distinct_secrets, human_bytes, ReportOptions};
use crate::finding::Finding;
use crate::pipeline::Outcome;
use crate::provenance::Provenance;
use crate::rules::Severity;

const RESET: &str = "\x1b[0m";
const BOLD_MAGENTA: &str = "\x1b[1;35m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";

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
    fn paint(&self, color: &str, text: &str) -> String {
        if self.on {
            format!("{color}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// Findings grouped by file (and commit), then the summary.
pub fn write(outcome: &Outcome, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint { on: opts.color };
    let mut current: Option<String> = None;
    for f in &outcome.findings {
        let heading = heading(f);
        if current.as_deref() != Some(heading.as_str()) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", p.paint(BOLD_MAGENTA, &heading))?;
            current = Some(heading);
        }
        write_finding(f, opts, &p, out)?;
    }
    if !outcome.findings.is_empty() {
        writeln!(out)?;
    }
    write_summary(outcome, opts, out)
}

fn heading(f: &Finding) -> String {
    let label = crate::finding::redact::sanitize(&f.provenance.label());
    match &f.provenance {
        Provenance::Commit { commit, .. } => format!("{label} @ {}", short(&commit.commit)),
        _ => label,
    }
}

fn write_finding(
    f: &Finding,
    opts: &ReportOptions,
    p: &Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let position = format!("{}:{}", f.span.line, f.span.column);
    let encoding = match &f.encoding {
        Some(chain) => format!("  [decoded: {chain}]"),
        None => String::new(),
    };
    let note = match &f.note {
        Some(note) => format!("  ({note})"),
        None => String::new(),
    };
    writeln!(
        out,
        "{}  {}  {}  ({})  {}{}{}",
        p.paint(GREEN, &format!("{position:<8}")),
        p.paint(
            severity_color(f.severity),
            &format!("{:<8}", f.severity.as_str())
        ),
        f.rule_id,
        f.provider_id,
        crate::finding::redact::sanitize(&f.secret.shown(opts.show_secrets)),
        p.paint(DIM, &encoding),
        note
    )?;
    if let Some(status) = status(f) {
        writeln!(out, "          {}", p.paint(DIM, &status))?;
    }
    Ok(())
}

/// Where and since when, for history findings and messages.
fn status(f: &Finding) -> Option<String> {
    let sanitize = crate::finding::redact::sanitize;
    match &f.provenance {
        Provenance::Commit { commit: c, .. } => {
            let mut text = match f.in_head {
                Some(false) => format!(
                    "removed from HEAD, still in history since {} ({})",
                    day(&c.date),
                    short(&c.commit)
                ),
                _ => format!("in HEAD, committed {} ({})", day(&c.date), short(&c.commit)),
            };
            text.push_str(&format!(" by {}", sanitize(&c.author_name)));
            // The same content was exposed earlier under another path (a rename or copy).
            if let Some(first) = f.introduced.first().filter(|i| i.commit.time < c.time) {
                text.push_str(&format!(
                    "; first exposed {} as {} ({})",
                    day(&first.commit.date),
                    sanitize(&first.path),
                    short(&first.commit.commit)
                ));
            }
            Some(text)
        }
        Provenance::CommitMessage { commit: c } => Some(format!(
            "in the message of commit {}, {} by {}",
            short(&c.commit),
            day(&c.date),
            sanitize(&c.author_name)
        )),
        Provenance::TagMessage { tag } => Some(format!(
            "in the message of annotated tag {}, {} by {}",
            sanitize(&tag.name),
            day(&tag.date),
            sanitize(&tag.tagger_name)
        )),
        _ => None,
    }
}

fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// The closing summary lines.
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
        "{} findings ({} distinct secrets) in {} files, {} scanned in {:.2}s ({}/s)",
        outcome.findings.len(),
        distinct_secrets(outcome),
        s.files,
        human_bytes(s.bytes),
        secs,
        human_bytes(rate)
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
            "{} binary files scanned for prefixed tokens only",
            s.binary
        ));
    }
    if s.skipped_large > 0 {
        notes.push(format!(
            "{} files skipped over --max-file-size",
            s.skipped_large
        ));
    }
    if s.loops > 0 {
        notes.push(format!("{} symbolic link loops not followed", s.loops));
    }
    if s.changed > 0 {
        notes.push(format!("{} files changed while being read", s.changed));
    }
    if s.missing > 0 {
        notes.push(format!("{} git objects missing", s.missing));
    }
    if s.malformed > 0 {
        notes.push(format!("{} malformed commits", s.malformed));
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
