//! Non-fatal warnings on stderr. Remembers whether anything failed, so that the
//! scan can finish and still exit with status 2.
#![allow(clippy::print_stderr)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::progress::Progress;
use crate::report::escape;

/// The channel for warnings and errors that do not stop a scan.
#[derive(Default)]
pub struct Messages {
    quiet: bool,
    failed: AtomicBool,
    errors: AtomicUsize,
    progress: Option<Progress>,
}

impl Messages {
    /// `quiet` (`--quiet`) silences the summary lines of [`Messages::warn_raw`]; warnings
    /// and errors still print: they say what was not scanned, which no exit status tells.
    pub fn new(quiet: bool) -> Messages {
        Messages {
            quiet,
            ..Messages::default()
        }
    }

    /// Routes output around a progress display so lines do not tear.
    pub fn attach_progress(&mut self, progress: Progress) {
        self.progress = Some(progress);
    }

    /// Something could not be read or done; the run will exit with status 2.
    /// The message must never contain a secret. It is one line: control, bidi and
    /// zero-width characters in it (from file names, say) are shown escaped (`\x1b`,
    /// `\n`, `\u{202e}`; see [`escape::terminal`]), so a hostile name can neither steer
    /// the terminal nor forge a line of its own.
    pub fn error(&self, message: impl std::fmt::Display) {
        self.failed.store(true, Ordering::Relaxed);
        self.errors.fetch_add(1, Ordering::Relaxed);
        // `{:#}`: errors that keep their causes (GitError) print them, as anyhow's does.
        self.print(&format!(
            "keyhound: error: {}",
            escape::terminal(&format!("{message:#}"))
        ));
    }

    /// Worth knowing (a file skipped or changed, a shallow clone), does not change the
    /// exit code; printed even with `--quiet`. Escaped like [`Messages::error`].
    pub fn warn(&self, message: impl std::fmt::Display) {
        self.print(&format!(
            "keyhound: warning: {}",
            escape::terminal(&message.to_string())
        ));
    }

    /// Prints lines of text on stderr (the summary of machine-readable formats), unless
    /// quiet; each line is escaped, the line breaks kept.
    pub fn warn_raw(&self, text: &str) {
        if !self.quiet {
            let lines: Vec<_> = text.trim_end().lines().map(escape::terminal).collect();
            self.print(&lines.join("\n"));
        }
    }

    fn print(&self, line: &str) {
        match &self.progress {
            Some(p) => p.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Whether any error was reported.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// How many errors were reported.
    pub fn error_count(&self) -> usize {
        self.errors.load(Ordering::Relaxed)
    }
}
