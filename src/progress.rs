//! The progress display: files, bytes and findings so far, on stderr. It stays hidden
//! when stderr is not a terminal, with `--quiet`, and for the first second of a scan.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
        if !self.shown.load(Ordering::Relaxed) {
            if self.started.elapsed() < SHOW_AFTER {
                return;
            }
            if !self.shown.swap(true, Ordering::Relaxed) {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
                self.bar.enable_steady_tick(Duration::from_millis(120));
            }
        }
        self.bar.set_message(format!(
            "{files} files, {}, {findings} findings",
            crate::report::human_bytes(bytes)
        ));
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
