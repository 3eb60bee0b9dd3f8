//! The checklist as Markdown: a summary, the general advice once, one section per
//! credential, and the history clean-up last. Scanned text goes through
//! [`escape::markdown`] or into a code span, so the checklist can be appended to a
//! GitHub job summary without a hostile path or author name injecting links or HTML.

use std::io::{self, Write};

use super::model::{Checklist, Item, Location, Part, Step};
use crate::report::escape;

/// Writes `checklist` as Markdown.
pub fn write(checklist: &Checklist, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# Rotation checklist\n")?;
    if checklist.items.is_empty() {
        return writeln!(out, "No secrets found: nothing to rotate.");
    }
    write!(
        out,
        "{} to rotate ({} in {})",
        plural(checklist.credentials, "credential", "credentials"),
        plural(checklist.secrets, "secret", "secrets"),
        plural(checklist.places, "place", "places"),
    )?;
    match checklist.history {
        Some(_) => write!(
            out,
            ": {} still in HEAD or the working tree, {} only in git history",
            checklist.in_head, checklist.history_only,
        )?,
        None => write!(out, ", in files no git commit holds")?,
    }
    if checklist.rotated > 0 {
        write!(out, "; {} already rotated", checklist.rotated)?;
    }
    writeln!(out, ".\n")?;
    writeln!(
        out,
        "Most urgent first. Parts of one credential found together are one item. This file never contains a full secret. For every item:\n"
    )?;
    for advice in &checklist.advice {
        writeln!(out, "- {advice}")?;
    }
    let mut blank = false;
    for (n, item) in checklist.items.iter().enumerate() {
        if !blank {
            writeln!(out)?;
        }
        blank = write_item(item, n + 1, checklist.history.is_some(), out)?;
    }
    if !blank {
        writeln!(out)?;
    }
    let Some(history) = &checklist.history else {
        return Ok(());
    };
    writeln!(
        out,
        "## Last: remove the secrets from git history, once for all items\n"
    )?;
    writeln!(
        out,
        "Only if the repository was ever pushed or shared, and after every key above is revoked.\n"
    )?;
    for step in &history.steps {
        write_step(step, out)?;
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes one item; returns whether its output ended with a blank line.
/// Writes item number `n`; `in_git` tells whether its files can be in git history.
fn write_item(item: &Item, n: usize, in_git: bool, out: &mut dyn Write) -> io::Result<bool> {
    let rotated_on = item
        .parts
        .iter()
        .filter_map(|p| p.status.as_ref())
        .filter_map(|s| s.date.as_deref())
        .max();
    let done = match (item.done, rotated_on) {
        (true, Some(date)) => format!(" (rotated on {})", escape::markdown(date)),
        (true, None) => " (rotated)".to_string(),
        _ => String::new(),
    };
    let exposure = match (item.in_head, in_git) {
        (true, true) => "still in HEAD",
        (true, false) => "in the working tree",
        (false, _) => "history only",
    };
    writeln!(
        out,
        "## {n}. {} ({}, {exposure}){done}\n",
        escape::markdown(&item.title),
        item.severity
    )?;
    if let Some(c) = &item.first_seen {
        writeln!(
            out,
            "- **Exposed since** {}, when {} was first committed in {} \"{}\" by {}",
            escape::markdown(c.date_or_unknown()),
            code(&item.parts[0].redacted),
            code(short(&c.commit)),
            escape::markdown(&c.summary),
            match c.author_email.as_str() {
                "" => escape::markdown(c.author_or_unknown()),
                email => format!(
                    "{} ({})",
                    escape::markdown(c.author_or_unknown()),
                    escape::markdown(email)
                ),
            },
        )?;
    }
    if item.first_of_provider {
        let provider = escape::markdown(&item.provider_name);
        match &item.docs_url {
            Some(docs) => writeln!(
                out,
                "- **Provider:** {provider} ({}), docs: {}",
                code(&item.provider),
                escape::replace_invisible(docs)
            )?,
            None => writeln!(out, "- **Provider:** {provider} ({})", code(&item.provider))?,
        }
    }
    for part in &item.parts {
        write_part(part, item.parts.len() > 1, out)?;
    }
    writeln!(out)?;
    let mut blank = true;
    for step in &item.steps {
        blank = write_step(step, out)?;
    }
    Ok(blank)
}

/// `- **name** `redacted` (rule `id`, fingerprint `fp`): where`.
fn write_part(part: &Part, named: bool, out: &mut dyn Write) -> io::Result<()> {
    let label = if named {
        format!("**{}**", escape::markdown(&capitalised(&part.name)))
    } else {
        "**Key**".to_string()
    };
    let mut line = format!(
        "- {label} {} (rule {}, fingerprint {})",
        code(&part.redacted),
        code(&part.rule),
        code(&part.fingerprint)
    );
    if let Some(s) = &part.status {
        line.push_str(&format!("; baseline: {}", escape::markdown(&s.status)));
        if let Some(d) = &s.date {
            line.push_str(&format!(" on {}", escape::markdown(d)));
        }
        if let Some(note) = &s.note {
            line.push_str(&format!(" ({})", escape::markdown(note)));
        }
    }
    match part.locations.as_slice() {
        [one] => writeln!(out, "{line}, at {}", place(one)),
        many => {
            writeln!(out, "{line}, at {} places:", many.len())?;
            for l in many {
                writeln!(out, "  - {}", place(l))?;
            }
            Ok(())
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One location: `` `path:line` in commit `abc` `` (encoded: base64).
fn place(l: &Location) -> String {
    let mut place = match l.path.as_str() {
        "-" => format!("standard input, line {}", l.line),
        "" => format!("a commit or tag message, line {}", l.line),
        path => code(&format!("{path}:{}", l.line)),
    };
    if let Some(c) = &l.commit {
        place.push_str(&format!(" in commit {}", code(short(c))));
        if !l.in_head {
            place.push_str(" (history only)");
        }
    }
    if let Some(chain) = &l.encoding {
        place.push_str(&format!(" (encoded: {})", escape::markdown(chain)));
    }
    place
}

/// `- [ ] text`, then its commands and note as indented blocks of the same list item;
/// returns whether it ended with a blank line (it does after blocks).
fn write_step(step: &Step, out: &mut dyn Write) -> io::Result<bool> {
    let mark = if step.done { "x" } else { " " };
    writeln!(out, "- [{mark}] {}", escape::replace_invisible(&step.text))?;
    let mut blocks = Vec::new();
    if !step.commands.is_empty() {
        let commands: Vec<String> = step
            .commands
            .iter()
            .map(|c| escape::replace_invisible(c))
            .collect();
        let body = commands.join("\n");
        let fence = "`".repeat(escape::longest_run(&body, '`').max(2) + 1);
        blocks.push(format!("{fence}sh\n{body}\n{fence}"));
    }
    blocks.extend(step.note.as_deref().map(escape::replace_invisible));
    for block in &blocks {
        writeln!(out)?;
        for line in block.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    if !blocks.is_empty() {
        writeln!(out)?;
    }
    Ok(!blocks.is_empty())
}

/// The first 12 characters of a commit id.
fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

pub use escape::markdown_code as code;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_cannot_close_its_fence() {
        let step = Step {
            id: "purge",
            text: "Run:".into(),
            commands: vec!["git filter-repo --path 'a```b'".into()],
            note: None,
            done: false,
        };
        let mut out = Vec::new();
        write_step(&step, &mut out).expect("write");
        let text = String::from_utf8(out).expect("UTF-8");
        assert_eq!(
            text,
            "- [ ] Run:\n\n  ````sh\n  git filter-repo --path 'a```b'\n  ````\n\n"
        );
    }
}
