//! Tests: hostile and broken input. Files that change under the scan, huge rule files,
//! absurd thread counts, closed pipes, special files named by the user, concurrent
//! baseline writers, impossible dates and bad globs, and error messages that must not
//! quote a secret. One test (or a few) per item of the hardening issue.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::util::{fake, TestEnv};

/// A text file of 1.2 MiB (over the size from which the old code mapped files) with no
/// keyword in it, so that even a debug build scans it quickly.
fn filler() -> Vec<u8> {
    "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do\n"
        .repeat(20_000)
        .into_bytes()
}

#[test]
fn files_truncated_during_the_scan_do_not_kill_it() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Tr4ncAt3dF1l3sD0n0tK1llTh3Sc4n");
    env.write("stable.py", format!("TOKEN = \"{pat}\"\n"));
    let data = filler();
    let paths: Vec<_> = (0..6)
        .map(|i| env.write(&format!("rotating/{i}.log"), &data))
        .collect();
    // Another "process" truncates and rewrites the logs for as long as the scans run.
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let stop = Arc::clone(&stop);
        let paths = paths.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for p in &paths {
                    let f = std::fs::OpenOptions::new()
                        .write(true)
                        .open(p)
                        .expect("open");
                    f.set_len(0).expect("truncate");
                    drop(f);
                    std::fs::write(p, &data).expect("rewrite");
                }
            }
        })
    };
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push(env.run(&["scan", ".", "--format", "json"]));
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().expect("the churn thread");
    for run in runs {
        // Before the fix a mapped file that shrank raised SIGBUS (no exit code).
        assert_eq!(run.code, 1, "stderr: {}", run.stderr);
        let findings = run.json();
        let findings = findings.as_array().expect("an array");
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0]["path"], "stable.py");
        assert_eq!(findings[0]["line"], 1);
        assert_eq!(findings[0]["column"], 10);
    }
}

/// A file that changed between listing and reading is a warning, counted in the summary.
#[test]
fn a_file_that_shrank_is_a_warning_not_an_error() {
    let env = TestEnv::new();
    let data = filler();
    let path = env.write("rotating.log", &data);
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let stop = Arc::clone(&stop);
        let path = path.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::fs::write(&path, &data[..data.len() / 2]).expect("shrink");
                std::fs::write(&path, &data).expect("grow");
            }
        })
    };
    let mut saw_change = false;
    for _ in 0..40 {
        let run = env.run(&["scan", "."]);
        assert!(run.code == 0, "code {}: {}", run.code, run.stderr);
        if run
            .stderr
            .contains("rotating.log: changed while being read")
        {
            assert!(
                run.stdout.contains("1 files changed while being read"),
                "{}",
                run.stdout
            );
            saw_change = true;
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().expect("the churn thread");
    assert!(saw_change, "no scan saw the file change in 40 tries");
}
