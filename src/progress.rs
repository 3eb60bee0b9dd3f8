//! The progress display: the phase of the scan, files, bytes and findings so far, on
//! stderr. It stays hidden when stderr is not a terminal, with `--quiet`, and for the
//! first second of a scan; a spinner keeps turning through phases that count nothing.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a scan runs before the display appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A cheap-to-clone handle on the progress display.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: Arc<AtomicBool>,
    /// Files, bytes and findings so far.
    totals: Arc<[AtomicU64; 3]>,
    /// What the scan is doing (`scanning blobs`, `placing findings`); empty for plain scans.
    phase: Arc<Mutex<&'static str>>,
    started: Instant,
}

impl Progress {
    /// A display that shows only if `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .expect("the template is valid"),
        );
        Progress {
            bar,
            enabled: wanted && std::io::stderr().is_terminal(),
            shown: Arc::new(AtomicBool::new(false)),
            totals: Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]),
            phase: Arc::new(Mutex::new("")),
            started: Instant::now(),
        }
    }

    /// Adds to the running totals; callers batch their calls.
    pub fn add(&self, files: u64, bytes: u64, findings: u64) {
        if !self.enabled {
            return;
        }
        let t = &self.totals;
        let files = t[0].fetch_add(files, Ordering::Relaxed) + files;
        let bytes = t[1].fetch_add(bytes, Ordering::Relaxed) + bytes;
        let findings = t[2].fetch_add(findings, Ordering::Relaxed) + findings;
        if self.show() {
            self.draw(files, bytes, findings);
        }
    }

    /// Names the phase a long scan is in (`counting objects`, `scanning blobs`,
    /// `placing findings`); shown before the counts.
    pub fn phase(&self, phase: &'static str) {
        if !self.enabled {
            return;
        }
        *self.phase.lock().unwrap_or_else(|e| e.into_inner()) = phase;
        // Start the spinner here too: a phase may run for a while without counting.
        if self.show() {
            let t = &self.totals;
            self.draw(
                t[0].load(Ordering::Relaxed),
                t[1].load(Ordering::Relaxed),
                t[2].load(Ordering::Relaxed),
            );
        }
    }

    /// Whether the display is (now) visible: after the first second of the scan.
    fn show(&self) -> bool {
        if self.shown.load(Ordering::Relaxed) {
            return true;
        }
        if self.started.elapsed() < SHOW_AFTER {
            return false;
        }
        if !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
        true
    }

    fn draw(&self, files: u64, bytes: u64, findings: u64) {
        let phase = *self.phase.lock().unwrap_or_else(|e| e.into_inner());
        let counts = format!("{files} files, {}, {findings} findings", HumanBytes(bytes));
        self.bar.set_message(if phase.is_empty() {
            counts
        } else {
            format!("{phase}: {counts}")
        });
    }

    /// Runs `f` with the display cleared, so a line can be printed.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Removes the display.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
