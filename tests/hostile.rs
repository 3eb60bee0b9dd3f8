//! Tests: hostile and broken input. Files that change under the scan, huge rule files,
//! absurd thread counts, closed pipes, special files named by the user, concurrent
//! baseline writers, impossible dates and bad globs, and error messages that must not
//! quote a secret. One test (or a few) per item of the hardening issue.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::util::{fake, keyhound_bin, TestEnv};

mod git_objects;

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

/// A file that changed between listing and reading is a warning, counted in the summary,
/// and the scan goes on (exit 0). A file under /proc is listed with size 0 and reads
/// otherwise, every time, so it shows this without racing a writer.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_changed_while_read_is_a_warning_not_an_error() {
    let env = TestEnv::new();
    let run = env.run(&["scan", "/proc/self/status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("/proc/self/status: changed while being read (0 bytes when listed)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("1 file changed while being read"),
        "{}",
        run.stdout
    );
}

/// A file rewritten over and over (shrunk, then grown) while it is scanned never makes a
/// scan fail; whenever a scan notices the change, it warns and counts it.
#[test]
fn a_file_rewritten_during_scans_never_fails_them() {
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
    for _ in 0..20 {
        let run = env.run(&["scan", "."]);
        assert!(run.code == 0, "code {}: {}", run.code, run.stderr);
        let warned = run
            .stderr
            .contains("rotating.log: changed while being read");
        assert_eq!(
            warned,
            run.stdout.contains("1 file changed while being read"),
            "{}{}",
            run.stdout,
            run.stderr
        );
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().expect("the churn thread");
}

/// Runs keyhound with `args` in `dir`, killing it after `limit`; `None` if it was killed.
fn run_with_limit(dir: &Path, args: &[&str], limit: Duration) -> Option<crate::util::Run> {
    let mut child = Command::new(keyhound_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyhound");
    let started = Instant::now();
    while child.try_wait().expect("poll keyhound").is_none() {
        if started.elapsed() > limit {
            child.kill().expect("kill keyhound");
            child.wait().expect("reap keyhound");
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(child.wait_with_output().expect("collect output").into())
}

/// A rule file of `n` rules of one provider, each with its own keyword.
fn bulk_rules(n: usize) -> String {
    let mut text = String::from(
        "[[provider]]\nid = \"bulk\"\nname = \"Bulk\"\nrevoke_url = \"https://bulk.test/keys\"\n\
         docs_url = \"https://bulk.test/docs\"\nsteps = [\"Delete the key.\"]\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "\n[[rule]]\nid = \"bulk-{i}\"\nname = \"Bulk {i}\"\nprovider = \"bulk\"\n\
             severity = \"low\"\nconfidence = \"low\"\nkeywords = [\"bk{i}x_\"]\n\
             regex = '''\\b(bk{i}x_[a-z0-9]{{16}})\\b'''\n\
             examples = [\"bk{i}x_abcdefghijklmnop\"]\nnegative_examples = [\"bk{i}x_short\"]\n"
        ));
    }
    text
}

/// Loading was quadratic (20k rules took about 3 minutes in a debug build, 100k never
/// finished); it is linear now (about 13 s of CPU for 20k in a debug build). The limit is
/// loose on purpose: it only has to tell linear from quadratic on a busy machine.
#[test]
fn twenty_thousand_rules_load_in_linear_time() {
    let env = TestEnv::new();
    env.write("bulk.toml", bulk_rules(20_000));
    env.write("app.env", "KEY=bk19999x_q1w2e3r4t5y6u7i8\n");
    let run = run_with_limit(
        env.path(),
        &[
            "scan",
            "app.env",
            "--rules",
            "bulk.toml",
            "--format",
            "json",
        ],
        Duration::from_secs(90),
    )
    .expect("20,000 rules load within 90 s");
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let findings = run.json();
    assert_eq!(findings[0]["rule"], "bulk-19999");
    assert_eq!(findings[0]["line"], 1);
    assert_eq!(findings[0]["column"], 5);
}

/// `--threads 2000` on two cores never finished; it is capped at a few threads per core,
/// with a note that says so.
#[test]
fn absurd_thread_counts_are_capped_with_a_note() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Thr34dsC4pp3dAtAS4n3Mult1pl3x");
    env.write("a.py", format!("T = \"{pat}\"\n"));
    let run = run_with_limit(
        env.path(),
        &["scan", ".", "--threads", "2000", "--format", "json"],
        Duration::from_secs(60),
    )
    .expect("a scan with --threads 2000 finishes");
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert_eq!(run.json()[0]["path"], "a.py");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let note = format!(
        "keyhound: warning: --threads 2000 is more than 4 per core can use; using {}",
        cores * 4
    );
    assert!(run.stderr.contains(&note), "stderr: {}", run.stderr);
}

const SHORT_TOKEN_RULES: &str = r#"
[[provider]]
id = "zqk"
name = "Zqk"
revoke_url = "https://zqk.test/keys"
docs_url = "https://zqk.test/docs"
steps = ["Delete the key."]

[[rule]]
id = "zqk-token"
name = "Zqk token"
provider = "zqk"
severity = "high"
confidence = "high"
keywords = ["zqk_"]
regex = '''\b(zqk_[a-z0-9]{15,16}[A-Z]{4})\b'''
examples = ["zqk_q8w1e7r2t6y3u5i4OPAS"]
negative_examples = ["zqk_short"]
"#;

/// The README says secrets with fewer than 16 hidden characters are masked completely;
/// the code masked only below 12. Both sides of the boundary, with a four-character
/// public prefix and a four-character visible tail.
#[test]
fn redaction_masks_fewer_than_sixteen_hidden_characters() {
    let env = TestEnv::new();
    env.write("rules.toml", SHORT_TOKEN_RULES);
    env.write("fifteen.env", "K=zqk_m3n8b2v7c1x6z5lKWQE\n");
    env.write("sixteen.env", "K=zqk_m3n8b2v7c1x6z5l4KWQE\n");
    let (run, findings) = env.scan_json(&["fifteen.env", "sixteen.env", "--rules", "rules.toml"]);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    let shown: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["secret"].as_str().expect("secret"),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("fifteen.env", "zqk_********"),
            ("sixteen.env", "zqk_…KWQE")
        ]
    );
}

/// Runs keyhound in `dir` with its stdout a pipe whose reader is already gone, as in
/// `keyhound … | head -1` once head has exited; returns the exit code and stderr.
fn run_with_closed_stdout(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(keyhound_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyhound");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for keyhound");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_keeps_the_exit_status_of_a_scan() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Cl0s3dStd0utK33psTh3Ex1tC0de");
    env.write("a.py", format!("T = \"{pat}\"\n"));
    for format in ["human", "json", "jsonl", "sarif"] {
        let (code, stderr) =
            run_with_closed_stdout(env.path(), &["scan", ".", "--format", format, "-q"]);
        assert_eq!(code, 1, "--format {format}: stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_closed_stdout_never_panics_a_subcommand() {
    let env = TestEnv::new();
    env.write("my-rules.toml", SHORT_TOKEN_RULES);
    env.write("bad-rules.toml", SHORT_TOKEN_RULES.replace("OPAS", "opas"));
    let cases: [(&[&str], i32); 10] = [
        (&["completions", "bash"], 0),
        (&["completions", "zsh"], 0),
        (&["completions", "fish"], 0),
        (&["man"], 0),
        (&["rules", "explain", "github-classic-pat"], 0),
        (&["rules", "list"], 0),
        (&["rules", "list", "--json"], 0),
        (&["rules", "check"], 0),
        (&["rules", "check", "my-rules.toml"], 0),
        (&["rules", "check", "bad-rules.toml"], 2),
    ];
    for (args, expected) in cases {
        let (code, stderr) = run_with_closed_stdout(env.path(), args);
        assert_eq!(code, expected, "{args:?}: stderr: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// Makes a FIFO at `path` with mkfifo(1).
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Every file the user names is read whole, so each is refused when it is a FIFO or a
/// device (reading one hung or exhausted memory) or over its cap; exit 2, with a message
/// that names the file.
#[test]
fn user_named_files_must_be_regular_and_bounded() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Us3rN4m3dF1l3sMustB3R3gul4r");
    env.write("src/a.py", format!("T = \"{pat}\"\n"));
    mkfifo(&env.path().join("fifo"));
    // Sparse: 2 MiB of length, no blocks.
    let big = std::fs::File::create(env.path().join("big.toml")).expect("create");
    big.set_len(2 << 20).expect("set_len");
    env.git_init();
    mkfifo(&env.path().join(".git/hooks/pre-commit"));
    let cases: [&[&str]; 11] = [
        &["scan", "src", "--config", "fifo"],
        &["scan", "src", "--config", "/dev/zero"],
        &["scan", "src", "--config", "big.toml"],
        &["scan", "src", "--rules", "fifo"],
        &["rules", "check", "/dev/zero"],
        &["scan", "src", "--baseline", "fifo"],
        &["scan", "src", "--write-baseline", "fifo"],
        &["checklist", "fifo"],
        &["checklist", "/dev/zero"],
        &["baseline", "mark", "0123abcd", "rotated", "--file", "fifo"],
        &["hook", "install"],
    ];
    for args in cases {
        let run = run_with_limit(env.path(), args, Duration::from_secs(30))
            .unwrap_or_else(|| panic!("{args:?} hung"));
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let named = args
            .iter()
            .rev()
            .find(|a| ["fifo", "/dev/zero", "big.toml"].contains(a))
            .copied()
            .unwrap_or(".git/hooks/pre-commit");
        assert!(run.stderr.contains(named), "{args:?}: {}", run.stderr);
        let why = if named == "big.toml" {
            "larger than the limit of 1 MiB"
        } else {
            "not a regular file"
        };
        assert!(run.stderr.contains(why), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
}

/// Two writers of one baseline shared a fixed temporary name (writers failed, or left a
/// corrupt ledger) and did not serialise their read-modify-write (marks were lost). Now
/// every concurrent `baseline mark` and `scan --write-baseline` succeeds, the ledger
/// always parses, and every mark survives.
#[test]
fn concurrent_baseline_writers_lose_nothing() {
    let env = TestEnv::new();
    let seeds = [
        "C0ncurr3ntWr1t3rsL0s3N0th1ngA",
        "C0ncurr3ntWr1t3rsL0s3N0th1ngB",
        "C0ncurr3ntWr1t3rsL0s3N0th1ngC",
        "C0ncurr3ntWr1t3rsL0s3N0th1ngD",
        "C0ncurr3ntWr1t3rsL0s3N0th1ngE",
        "C0ncurr3ntWr1t3rsL0s3N0th1ngF",
    ];
    for (i, seed) in seeds.iter().enumerate() {
        env.write(
            &format!("src/{i}.py"),
            format!("T = \"{}\"\n", fake::github_pat(seed)),
        );
    }
    let file = "ledger.json";
    let first = env.run(&["scan", "src", "--write-baseline", file, "-q"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let read = || -> serde_json::Value {
        let text = std::fs::read_to_string(env.path().join(file)).expect("the ledger");
        serde_json::from_str(&text).expect("the ledger always parses")
    };
    let fingerprints: Vec<String> = read()["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["fingerprint"].as_str().expect("fingerprint").to_string())
        .collect();
    assert_eq!(fingerprints.len(), seeds.len());
    let mut children = Vec::new();
    for (i, fp) in fingerprints.iter().enumerate() {
        let note = format!("ticket-{i}");
        let mark = [
            "baseline", "mark", fp, "rotated", "--note", &note, "--file", file,
        ];
        let scan = ["scan", "src", "--write-baseline", file, "-q"];
        for args in [&mark[..], &scan[..]] {
            children.push(
                Command::new(keyhound_bin())
                    .args(args)
                    .current_dir(env.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn keyhound"),
            );
        }
    }
    for child in children {
        let out = child.wait_with_output().expect("wait");
        let code = out.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ledger = read();
    let entries = ledger["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), seeds.len());
    for (i, fp) in fingerprints.iter().enumerate() {
        let entry = entries
            .iter()
            .find(|e| e["fingerprint"] == fp.as_str())
            .expect("every entry is kept");
        assert_eq!(entry["status"], "rotated", "{entry}");
        assert_eq!(entry["note"], format!("ticket-{i}"), "{entry}");
    }
    let leftovers: Vec<_> = crate::util::file_names(env.path())
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `hook install` wrote through one fixed temporary name (`pre-commit.keyhound-tmp`), so
/// two installs at once (an IDE and a terminal, a script run twice) renamed each other's
/// file away and failed. Each writes a temporary file of its own now: every concurrent
/// install succeeds, and the hook left is whole, executable and keyhound's.
#[test]
fn concurrent_hook_installs_all_succeed() {
    let env = TestEnv::new();
    env.git_init();
    let hooks = env.path().join(".git/hooks");
    for round in 0..4 {
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(keyhound_bin())
                    .args(["hook", "install"])
                    .current_dir(env.path())
                    .env("GIT_CONFIG_NOSYSTEM", "1")
                    .env("GIT_CONFIG_GLOBAL", "/dev/null")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn keyhound")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let hook = std::fs::read_to_string(hooks.join("pre-commit")).expect("the hook");
    assert!(
        hook.starts_with("#!/bin/sh\n# installed by keyhound"),
        "{hook}"
    );
    assert!(hook.trim_end().ends_with("esac"), "{hook}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(hooks.join("pre-commit"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "{mode:o}");
    }
    let leftovers: Vec<_> = crate::util::file_names(&hooks)
        .into_iter()
        .filter(|n| n.contains("keyhound") && n != "pre-commit")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `--since 2024-02-31` became 2 March; an impossible date is an error now, exit 2.
#[test]
fn impossible_since_dates_are_errors() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.txt", "nothing\n");
    env.commit_all("first", "2024-01-02T03:04:05Z");
    for date in ["2024-02-31", "2023-02-29", "2024-13-01", "2024-00-10"] {
        let run = env.run(&["scan", "--history", "--since", date, "."]);
        assert_eq!(run.code, 2, "{date}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("--since {date}: no such date")),
            "{date}: {}",
            run.stderr
        );
    }
    let run = env.run(&["scan", "--history", "--since", "2024-02-29", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A glob that does not parse is an error naming the file, the key and the line, for
/// `exclude` and `[allowlist] paths` alike.
#[test]
fn bad_globs_in_the_config_name_file_key_and_line() {
    let env = TestEnv::new();
    env.write("a.txt", "nothing\n");
    env.write(
        "one.toml",
        "# globs\nexclude = [\"ok/\", \"vendor/[z-a]\"]\n",
    );
    env.write("two.toml", "\n\n[allowlist]\npaths = [\"a/{b\"]\n");
    for (file, key, line) in [
        ("one.toml", "exclude", 2),
        ("two.toml", "allowlist.paths", 4),
    ] {
        let run = env.run(&["scan", "a.txt", "--config", file]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        let want = format!("keyhound: error: {file}: line {line}: {key}: invalid glob");
        assert!(run.stderr.contains(&want), "{file}: {}", run.stderr);
    }
}

/// Error messages named the offending input in full; a secret pasted in the wrong place
/// went to the terminal and CI logs. Every error path quotes positions and redacted forms.
#[test]
fn error_messages_never_quote_a_secret() {
    let env = TestEnv::new();
    let secret = fake::github_pat("Err0rM3ss4g3sN3v3rQu0t3S3cr3t");
    let body = &secret[4..secret.len() - 4];
    env.write("a.txt", "nothing\n");
    env.write("value.toml", format!("max_file_size = \"{secret}\"\n"));
    env.write("key.toml", format!("{secret} = 1\n"));
    env.write("type.toml", format!("exclude = \"{secret}\"\n"));
    env.write(
        "severity.toml",
        format!("[severity]\nsome-rule = \"{secret}\"\n"),
    );
    env.write(
        "fp.toml",
        format!("[allowlist]\nfingerprints = [\"{secret}\"]\n"),
    );
    let rules = SHORT_TOKEN_RULES.replace(
        "examples = [\"zqk_q8w1e7r2t6y3u5i4OPAS\"]",
        &format!("examples = [\"{secret}\"] oops"),
    );
    env.write("broken-rules.toml", rules);
    env.write(
        "severity-rules.toml",
        SHORT_TOKEN_RULES.replace("severity = \"high\"", &format!("severity = \"{secret}\"")),
    );
    env.write(
        "status.json",
        format!(
            "{{\"version\": 1, \"entries\": [{{\"fingerprint\": \"0123456789abcdef0123456789abcdef\", \
             \"rule\": \"r\", \"provider\": \"p\", \"redacted\": \"x\", \"status\": \"{secret}\", \
             \"locations\": []}}]}}\n"
        ),
    );
    env.write(
        "report.json",
        format!(
            "[{{\"version\": 1, \"rule\": \"github-classic-pat\", \"rule_name\": \"n\", \
             \"provider\": \"github\", \"severity\": \"{secret}\", \"confidence\": \"high\", \
             \"path\": \"a\", \"line\": 1, \"column\": 1, \"secret\": \"x\", \
             \"fingerprint\": \"0123456789abcdef0123456789abcdef\"}}]\n"
        ),
    );
    let first = env.run(&["scan", "a.txt", "--write-baseline", "ledger.json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let cases: [&[&str]; 10] = [
        &["scan", "a.txt", "--config", "value.toml"],
        &["scan", "a.txt", "--config", "key.toml"],
        &["scan", "a.txt", "--config", "type.toml"],
        &["scan", "a.txt", "--config", "severity.toml"],
        &["scan", "a.txt", "--config", "fp.toml"],
        &["rules", "check", "broken-rules.toml"],
        &["scan", "a.txt", "--rules", "severity-rules.toml"],
        &["scan", "a.txt", "--baseline", "status.json"],
        &["checklist", "report.json"],
        &[
            "baseline",
            "mark",
            &secret,
            "rotated",
            "--file",
            "ledger.json",
        ],
    ];
    for args in cases {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("keyhound: error:"),
            "{args:?}: {}",
            run.stderr
        );
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains(body), "{args:?} leaks the secret: {all}");
    }
}

/// A symbolic link loop met with `--follow` is a warning, counted in the summary, and
/// does not turn the exit status to 2; a dangling link followed still is an error, and
/// the findings elsewhere are still reported (exit 2 with findings, even as root).
#[cfg(unix)]
#[test]
fn symlink_loops_warn_and_dangling_links_still_fail() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Syml1nkL00psW4rnD4ngl1ngF41l");
    env.write("d/a.py", format!("T = \"{pat}\"\n"));
    std::os::unix::fs::symlink(env.path().join("d"), env.path().join("d/loop")).expect("symlink");
    let run = env.run(&["scan", ".", "--follow"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("keyhound: warning: d/loop: symbolic link loop"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("1 symbolic link loop not followed"),
        "{}",
        run.stdout
    );

    std::os::unix::fs::symlink(env.path().join("nowhere"), env.path().join("d/dangling"))
        .expect("symlink");
    let (run, findings) = env.scan_json(&[".", "--follow"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("keyhound: error: d/dangling"),
        "{}",
        run.stderr
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "d/a.py");
}

/// A FIFO, `<(…)` or a device given as a scan path was skipped: "0 files, exit 0".
/// It is refused now, before anything is scanned, with a pointer to `scan -`.
#[cfg(unix)]
#[test]
fn special_files_named_as_scan_paths_are_refused() {
    let env = TestEnv::new();
    env.write("a.txt", "nothing\n");
    mkfifo(&env.path().join("pipe"));
    for path in ["pipe", "/dev/null"] {
        let run = run_with_limit(
            env.path(),
            &["scan", "a.txt", path],
            Duration::from_secs(30),
        )
        .unwrap_or_else(|| panic!("{path} hung"));
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("keyhound: error: {path}: not a file or directory")),
            "{path}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("keyhound scan -"), "{}", run.stderr);
    }
}

/// The README promised findings "still reported" on any error, but setup errors stop the
/// run: now they say so, and the README separates the two kinds.
#[test]
fn setup_errors_say_that_nothing_was_scanned() {
    let env = TestEnv::new();
    let pat = fake::github_pat("S3tupErr0rsS4yN0th1ngSc4nn3d");
    env.write("a.py", format!("T = \"{pat}\"\n"));
    env.write("bad.toml", "exclude = 3\n");
    let cases: [&[&str]; 3] = [
        &["scan", "a.py", "missing.py"],
        &["scan", "a.py", "--config", "bad.toml"],
        &["scan", "a.py", "--baseline", "missing.json"],
    ];
    for args in cases {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.trim_end().ends_with("(nothing was scanned)"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// `--show-secrets` JSON turned every newline of a private key into U+FFFD, because
/// terminal sanitising ran on the data; JSON now holds the key as it is (JSON-escaped),
/// while the human output on a terminal still shows no raw control character.
#[test]
fn show_secrets_json_keeps_a_private_key_intact() {
    let env = TestEnv::new();
    let body: String = (0..12)
        .map(|i| {
            format!(
                "{}\n",
                &"Qm9ndXNLZXlCb2R5Rm9yVGVzdGluZ09ubHlOb3RBUmVhbEtleUF0QWxsWFl6MTIzNDU2Nzg5"
                    .repeat(2)[i..i + 64]
            )
        })
        .collect();
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n");
    env.write("id_rsa.pem", &pem);
    let (run, findings) = env.scan_json(&["id_rsa.pem", "--show-secrets"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let secret = findings[0]["secret"].as_str().expect("secret");
    assert!(
        secret.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"),
        "{secret:?}"
    );
    assert!(secret.contains(&body[..65]), "{secret:?}");
    assert!(!secret.contains('\u{FFFD}'), "{secret:?}");
    let human = env.run(&["scan", "id_rsa.pem", "--show-secrets"]);
    assert_eq!(human.code, 1);
    assert!(!human.stdout.contains("KEY-----\nQm9"), "{}", human.stdout);
    // On the terminal the line breaks are shown as escapes, on one line.
    assert!(human.stdout.contains(r"KEY-----\nQm9"), "{}", human.stdout);
}

/// An author name is attacker-chosen; in the Markdown checklist (posted to the GitHub job
/// summary by the Action) it could inject links, images and HTML. It is escaped now.
#[test]
fn hostile_author_names_cannot_inject_markdown() {
    let env = TestEnv::new();
    env.git_init();
    let pat = fake::github_pat("H0st1l3Auth0rN4m3sC4nn0tInj3c");
    env.write("app.py", format!("T = \"{pat}\"\n"));
    let evil = "[click](https://evil.test) ![i](https://evil.test/i.png) <img src=x>";
    // `![i](…)` renders an image, `[click](…)` a link with hidden target.
    env.commit_all_with("add app", &[("GIT_AUTHOR_NAME", evil)]);
    let run = env.run(&["scan", "--history", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = std::fs::read_to_string(env.path().join("ROTATION.md")).expect("checklist");
    let line = md
        .lines()
        .find(|l| l.starts_with("- **Exposed since**"))
        .unwrap_or_else(|| panic!("no first-commit line in:\n{md}"));
    // A link or an image needs an unescaped `[`; HTML needs a `<`.
    let unescaped = |c: char| {
        line.char_indices()
            .any(|(i, x)| x == c && !line[..i].ends_with('\\'))
    };
    assert!(
        !unescaped('[') && !unescaped(']') && !line.contains('<'),
        "{line}"
    );
    // git itself drops `<` and `>` from names; the rest is escaped by keyhound.
    assert!(
        line.contains(r"by \[click\](https://evil.test) !\[i\](https://evil.test/i.png) img"),
        "{line}"
    );
}

/// File names reach stderr in warnings and errors; an escape sequence in one (here an
/// OSC title change and a colour) was printed raw and steered the terminal.
#[cfg(unix)]
#[test]
fn escape_sequences_in_file_names_do_not_reach_stderr() {
    let env = TestEnv::new();
    env.write("a.txt", "nothing\n");
    let name = "evil\u{1b}]0;pwned\u{7}\u{1b}[31m\u{202e}txt.exe";
    std::os::unix::fs::symlink(env.path().join("nowhere"), env.path().join(name)).expect("symlink");
    let run = env.run(&["scan", ".", "--follow"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(r"keyhound: error: evil\x1b]0;pwned\x07\x1b[31m\u{202e}txt.exe"),
        "{:?}",
        run.stderr
    );
    assert!(
        !run.stderr.contains('\u{1b}')
            && !run.stderr.contains('\u{7}')
            && !run.stderr.contains('\u{202e}'),
        "{:?}",
        run.stderr
    );
    let missing = env.run(&["scan", "a.txt", name]);
    assert_eq!(missing.code, 2);
    assert!(!missing.stderr.contains('\u{1b}'), "{:?}", missing.stderr);
}

/// `keyhound scan - <&-` scanned nothing and exited 0; a closed standard input is an
/// error now. An empty pipe is still a clean scan.
#[cfg(unix)]
#[test]
fn a_closed_stdin_is_an_error() {
    let env = TestEnv::new();
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" scan - <&-")
        .arg(keyhound_bin())
        .current_dir(env.path())
        .output()
        .expect("run through sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("standard input is closed"), "{stderr}");
    let empty = env.run_with_stdin(&["scan", "-"], Some(b""));
    assert_eq!(empty.code, 0, "{}", empty.stderr);
}

/// A token pasted into a commit message (found by the message scan) or used as an author
/// name was printed in full in every heading and JSON `summary` of that commit's findings.
/// Commit metadata is redacted with the secrets the scan found, in every format.
#[test]
fn a_secret_in_a_commit_summary_or_author_is_redacted_everywhere() {
    let env = TestEnv::new();
    env.git_init();
    let pat = fake::github_pat("SummaryLm8Rt2Vx7Nb4Kc9Pw1Hs6J");
    let stripe = fake::stripe_live();
    env.write(
        "app.py",
        format!("TOKEN = \"{pat}\"\nSTRIPE = \"{stripe}\"\n"),
    );
    env.commit_all_with(
        &format!("add the token {pat} for now"),
        &[
            ("GIT_AUTHOR_NAME", &stripe),
            ("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z"),
            ("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z"),
        ],
    );
    for args in [
        &["scan", "--history", ".", "--color", "never"][..],
        &["scan", "--history", ".", "--format", "json"],
        &["scan", "--history", ".", "--format", "jsonl"],
        &["scan", "--history", ".", "--format", "sarif"],
        &["scan", "--range", "HEAD", ".", "--format", "json"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        for secret in [&pat, &stripe] {
            assert!(
                !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                "{args:?} printed a full secret:\n{}{}",
                run.stdout,
                run.stderr
            );
        }
    }
    let run = env.run(&["scan", "--history", ".", "--format", "json"]);
    let summaries: Vec<String> = run
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|f| f["commit"]["summary"].as_str().map(str::to_string))
        .collect();
    assert!(!summaries.is_empty());
    assert!(
        summaries
            .iter()
            .all(|s| s.starts_with("add the token ghp_…")),
        "{summaries:?}"
    );
    // --show-secrets shows them as they are.
    let shown = env.run(&[
        "scan",
        "--history",
        ".",
        "--format",
        "json",
        "--show-secrets",
    ]);
    assert!(shown
        .stdout
        .contains(&format!("add the token {pat} for now")));
}

/// With only some rules running (`--enable-rule`, `--disable-rule`), a key that no running
/// rule reports can still sit on a finding's line, in the commit summary shown with it or
/// in the author's name; it is redacted there as in a full scan, in every format.
#[test]
fn narrowed_rule_sets_still_redact_other_keys_in_snippets_and_commits() {
    let env = TestEnv::new();
    env.git_init();
    let pat = fake::github_pat("narrowedRuleSet");
    env.write(
        "two.py",
        format!("creds = {{\"id\": \"AKIAWNPNAFYB6HKKTTY2\", \"gh\": \"{pat}\"}}\n"),
    );
    let author = format!("Eve {pat}");
    env.commit_all_with(
        &format!("rotate: old token was {pat}"),
        &[("GIT_AUTHOR_NAME", author.as_str())],
    );
    let shown = format!("ghp_…{}", &pat[pat.len() - 4..]);
    let cases: [&[&str]; 4] = [
        &["scan", "two.py", "--enable-rule", "aws-*"],
        &[
            "scan",
            "two.py",
            "--disable-rule",
            "github-classic-pat",
            "--format",
            "json",
        ],
        &["scan", "--history", ".", "--enable-rule", "aws-*"],
        &[
            "scan",
            "--history",
            ".",
            "--enable-rule",
            "aws-*",
            "--format",
            "sarif",
        ],
    ];
    for args in cases {
        let run = env.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            !run.stdout.contains(&pat) && !run.stderr.contains(&pat),
            "{args:?}: {}",
            run.stdout
        );
        assert!(run.stdout.contains(&shown), "{args:?}: {}", run.stdout);
    }
    let (_, json) = env.scan_json(&["--history", ".", "--enable-rule", "aws-*"]);
    let commit = &json[0]["commit"];
    assert_eq!(commit["summary"], format!("rotate: old token was {shown}"));
    assert_eq!(commit["author_name"], format!("Eve {shown}"));
    assert_eq!(
        json[0]["snippet"],
        format!("creds = {{\"id\": \"AKIA********\", \"gh\": \"{shown}\"}}")
    );
}

/// A rule file whose keywords would make the keyword automaton too large is refused with a
/// clear error (exit 2) before anything is scanned, instead of exhausting memory.
#[test]
fn rule_files_with_too_many_keyword_bytes_are_refused() {
    let env = TestEnv::new();
    // One rule with 40,000 distinct 32-byte keywords: 1.28 MB of keywords, with the
    // built-in rules' own.
    let keywords: Vec<String> = (0..40_000).map(|i| format!("\"kw{i:0>30}\"")).collect();
    env.write(
        "huge.toml",
        format!(
            "[[provider]]\nid = \"huge\"\nname = \"Huge\"\nrevoke_url = \"https://huge.test/keys\"\n\
             docs_url = \"https://huge.test/docs\"\nsteps = [\"Delete the key.\"]\n\n\
             [[rule]]\nid = \"huge-token\"\nname = \"Huge token\"\nprovider = \"huge\"\n\
             severity = \"low\"\nconfidence = \"low\"\nkeywords = [{}]\n\
             regex = \'\'\'\\b(kw[0-9]{{30}}_[a-z]{{16}})\\b\'\'\'\n\
             examples = [\"kw000000000000000000000000000001_abcdefghijklmnop\"]\n\
             negative_examples = [\"kw1\"]\n",
            keywords.join(", ")
        ),
    );
    env.write("app.env", "nothing here\n");
    let run = env.run(&["scan", ".", "--rules", "huge.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("bytes, over the limit of 1048576: the keyword automaton"),
        "{}",
        run.stderr
    );
}
