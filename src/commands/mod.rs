//! One module per subcommand: glue between the configuration and the library.

pub mod baseline;
pub mod checklist;
pub mod completions;
pub mod hook;
pub mod rules;
pub mod scan;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::matcher::{Matcher, Scratch};

/// `message` with every secret the built-in rules find in it replaced by its redacted
/// form. Error messages quote arguments, paths and values from files (a glob, a rule id, a
/// config value), and a key pasted into the wrong one must not reach a CI log in full.
/// Builds the matcher (tens of milliseconds), so it is meant for the one final error.
pub fn redact_found_secrets(message: &str) -> String {
    match crate::rules::RuleSet::builtin() {
        Ok(rules) => redact_with(&Matcher::new(std::sync::Arc::new(rules)), message),
        Err(_) => message.to_string(),
    }
}

/// `text` with every secret `matcher` finds in it redacted.
fn redact_with(matcher: &Matcher, text: &str) -> String {
    let found = crate::finding::secrets_in(matcher, text, &mut Scratch::default());
    crate::finding::replace_secrets(text, &found)
}

/// Redacts the keys `matcher` finds in the notes of `baseline`: a note is free text typed
/// by a person (`--note "rotated ghp_…"`), and the baseline is committed and quoted in the
/// checklist.
pub(crate) fn redact_notes(baseline: &mut crate::baseline::Baseline, matcher: &Matcher) {
    for note in baseline.entries.iter_mut().filter_map(|e| e.note.as_mut()) {
        *note = redact_with(matcher, note);
    }
}

/// Opens the report destination: a file, or stdout.
pub fn output(path: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => {
            let file = File::create(p)
                .map_err(|e| anyhow::anyhow!("{}: cannot create output file: {e}", p.display()))?;
            Box::new(BufWriter::new(file))
        }
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

/// Writes a command's output to stdout through `write`, then flushes. A reader that
/// closed the pipe early (`keyhound rules list | head -1`) ends the output quietly: it is
/// not an error, and the command's exit status stays what its work decided.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let result = write(&mut out).and_then(|()| out.flush());
    unless_closed(result.map_err(anyhow::Error::from))
}

/// `result`, with an error caused by a closed pipe turned into success.
pub fn unless_closed(result: anyhow::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(err) if is_broken_pipe(&err) => Ok(()),
        other => other,
    }
}

/// Whether `err` comes from writing to a pipe whose reader has gone.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
