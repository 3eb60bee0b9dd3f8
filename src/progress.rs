//! The progress display on stderr: the phase a scan is in and, for a phase whose size is
//! known (`scanning blobs in packs 1,204/9,876 (12%)`), the position, percentage and an
//! ETA; files or objects, bytes and findings so far in every phase.
//!
//! It stays hidden when stderr is not a terminal, with `--quiet`, and for the first
//! second of a scan. Once shown, a spinner and the elapsed time keep moving (a steady
//! tick), so a phase that counts nothing for a while (reading commits, placing
//! findings) never looks frozen.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a scan runs before the display appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A phase whose size is not known: what it is doing and the running totals.
const OPEN_TEMPLATE: &str = "{spinner} {elapsed:>4} {prefix}{msg}";
/// A phase of known size: position of length, percentage and ETA, then the totals.
const COUNTED_TEMPLATE: &str =
    "{spinner} {elapsed:>4} {prefix} {human_pos}/{human_len} ({percent}%, ETA {eta}){msg}";

/// A cheap-to-clone handle on the progress display.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: Arc<AtomicBool>,
    /// Files (or blobs), bytes and findings so far, over all phases.
    totals: Arc<[AtomicU64; 3]>,
    /// Whether the current phase has a known size (the bar's length).
    counted: Arc<AtomicBool>,
    started: Instant,
}

impl Progress {
    /// A display that shows only if `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Progress {
        Progress::with_target(wanted && std::io::stderr().is_terminal())
    }

    /// A display drawn once `enabled` and a second has passed; the state (phase,
    /// position, message) is kept either way only when `enabled`.
    fn with_target(enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(style(OPEN_TEMPLATE));
        Progress {
            bar,
            enabled,
            shown: Arc::new(AtomicBool::new(false)),
            totals: Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]),
            counted: Arc::new(AtomicBool::new(false)),
            started: Instant::now(),
        }
    }

    /// Adds to the running totals; `files` also advances a counted phase. Callers batch
    /// their calls.
    pub fn add(&self, files: u64, bytes: u64, findings: u64) {
        if !self.enabled {
            return;
        }
        let t = &self.totals;
        t[0].fetch_add(files, Ordering::Relaxed);
        t[1].fetch_add(bytes, Ordering::Relaxed);
        t[2].fetch_add(findings, Ordering::Relaxed);
        if self.counted.load(Ordering::Relaxed) {
            self.bar.inc(files);
        }
        self.refresh();
    }

    /// Advances a counted phase by `n` items that add nothing to the totals (trees and
    /// commits met while decoding packs, commits compared with their parents).
    pub fn tick(&self, n: u64) {
        if self.enabled && self.counted.load(Ordering::Relaxed) {
            self.bar.inc(n);
            self.refresh();
        }
    }

    /// Starts a phase whose size is not known in advance (`reading commits`).
    pub fn phase(&self, phase: impl Into<Cow<'static, str>>) {
        if !self.enabled {
            return;
        }
        self.counted.store(false, Ordering::Relaxed);
        self.refresh();
        self.bar.set_prefix(format!("{}: ", phase.into()));
        self.bar.set_style(style(OPEN_TEMPLATE));
    }

    /// Starts a phase of `total` items (`scanning blobs in packs`, objects): shown as a
    /// position out of `total`, a percentage and an ETA.
    pub fn phase_of(&self, phase: &'static str, total: u64) {
        if !self.enabled {
            return;
        }
        // Position and message first: a frame drawn between these calls must not show
        // the new phase with the old phase's numbers.
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.reset_eta();
        self.counted.store(true, Ordering::Relaxed);
        self.refresh();
        self.bar.set_prefix(phase);
        self.bar.set_style(style(COUNTED_TEMPLATE));
    }

    /// Updates the message with the totals, and shows the display once it is due.
    fn refresh(&self) {
        let t = &self.totals;
        let (files, bytes, findings) = (
            t[0].load(Ordering::Relaxed),
            t[1].load(Ordering::Relaxed),
            t[2].load(Ordering::Relaxed),
        );
        let findings = match findings {
            1 => "1 finding".to_string(),
            n => format!("{} findings", HumanCount(n)),
        };
        self.bar
            .set_message(if self.counted.load(Ordering::Relaxed) {
                format!(", {} scanned, {findings}", HumanBytes(bytes))
            } else {
                format!(
                    "{} scanned, {}, {findings}",
                    HumanCount(files),
                    HumanBytes(bytes)
                )
            });
        self.show();
    }

    /// Makes the display visible after the first second of the scan.
    fn show(&self) {
        if self.shown.load(Ordering::Relaxed) || self.started.elapsed() < SHOW_AFTER {
            return;
        }
        if !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
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

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).expect("the templates are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_phase_shows_position_of_total_and_the_totals() {
        let p = Progress::with_target(true);
        p.phase("reading commits");
        assert_eq!(p.bar.prefix(), "reading commits: ");
        assert_eq!(p.bar.message(), "0 scanned, 0 B, 0 findings");
        p.phase_of("scanning blobs in packs", 10);
        p.add(3, 3 << 20, 1);
        p.tick(2);
        assert_eq!(p.bar.prefix(), "scanning blobs in packs");
        assert_eq!((p.bar.position(), p.bar.length()), (5, Some(10)));
        assert_eq!(p.bar.message(), ", 3.00 MiB scanned, 1 finding");
        // A new phase starts from zero and counts nothing it is not told.
        p.phase_of("scanning loose objects", 4);
        assert_eq!((p.bar.position(), p.bar.length()), (0, Some(4)));
        p.phase("placing findings");
        p.tick(7);
        assert_eq!(p.bar.position(), 0);
        assert_eq!(p.bar.message(), "3 scanned, 3.00 MiB, 1 finding");
    }

    #[test]
    fn a_disabled_display_keeps_no_state() {
        let p = Progress::with_target(false);
        p.phase_of("scanning blobs in packs", 10);
        p.add(3, 100, 1);
        assert_eq!((p.bar.position(), p.bar.length()), (0, None));
        assert!(p.bar.message().is_empty());
    }
}
