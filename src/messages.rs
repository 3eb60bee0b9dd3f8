//! Non-fatal warnings on stderr. Remembers whether anything failed, so that the
//! scan can finish and still exit with status 2.
#![allow(clippy::print_stderr)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::finding::redact::sanitize;
use crate::progress::Progress;

/// The channel for warnings and errors that do not stop a scan.
#[derive(Default)]
pub struct Messages {
    quiet: bool,
    failed: AtomicBool,
    errors: AtomicUsize,
    progress: Option<Progress>,
}

impl Messages {
    /// `quiet` silences notes (not errors).
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
    /// zero-width characters in it (from file names, say) are shown as U+FFFD, so a
    /// hostile name can neither steer the terminal nor forge a line of its own.
    pub fn error(&self, message: impl std::fmt::Display) {
        self.failed.store(true, Ordering::Relaxed);
        self.errors.fetch_add(1, Ordering::Relaxed);
        // `{:#}`: errors that keep their causes (GitError) print them, as anyhow's does.
        self.print(&format!(
            "keyhound: error: {}",
            sanitize(&format!("{message:#}"))
        ));
    }

    /// Worth knowing, does not change the exit code. Sanitised like [`Messages::error`].
    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            self.print(&format!(
                "keyhound: warning: {}",
                sanitize(&message.to_string())
            ));
        }
    }

    /// Prints lines of text on stderr (the summary of machine-readable formats), unless
    /// quiet; each line is sanitised, the line breaks kept.
    pub fn warn_raw(&self, text: &str) {
        if !self.quiet {
            let lines: Vec<String> = text.trim_end().lines().map(sanitize).collect();
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
