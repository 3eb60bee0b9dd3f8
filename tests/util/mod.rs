//! TestEnv: a temporary directory to build fixtures in (files, git repositories)
//! and a way to run the real `keyhound` binary there.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub mod sarif;

/// A temporary working directory, removed when dropped.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

/// What a run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Parses stdout as a SARIF log, asserting that it is valid against the SARIF 2.1.0
    /// schema.
    pub fn sarif(&self) -> serde_json::Value {
        let log = self.json();
        sarif::assert_valid(&log);
        log
    }

    /// Parses stdout as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect()
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// The path of the built binary.
pub fn keyhound_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_keyhound"))
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` at `rel`, creating parent directories.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent directories");
        }
        std::fs::write(&path, contents).expect("write fixture file");
        path
    }

    /// Runs keyhound with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    /// Runs `keyhound scan --format json ARGS` and returns the run with its findings.
    pub fn scan_json(&self, args: &[&str]) -> (Run, Vec<serde_json::Value>) {
        let mut all = vec!["scan", "--format", "json"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        let findings = run
            .json()
            .as_array()
            .expect("a JSON array of findings")
            .clone();
        (run, findings)
    }

    /// Runs keyhound with `args`, feeding `stdin`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        use std::io::Write;
        let mut child = Command::new(keyhound_bin())
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn keyhound");
        if let Some(bytes) = stdin {
            child
                .stdin
                .take()
                .expect("piped stdin")
                .write_all(bytes)
                .expect("write stdin");
        }
        child.wait_with_output().expect("wait for keyhound").into()
    }

    /// Runs `git` with a pinned identity and dates, isolated from global config.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(self.path(), args)
    }

    /// Runs `git` in `dir` (isolated, pinned identity and dates).
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = git_command(dir).args(args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// `git init` with a `main` branch.
    pub fn git_init(&self) {
        self.git(&["init", "-q", "-b", "main"]);
    }

    /// Stages everything and commits with `message` at a fixed date; returns the commit id.
    pub fn commit_all(&self, message: &str, date: &str) -> String {
        self.commit_all_with(
            message,
            &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)],
        )
    }

    /// Stages everything and commits with `message` and extra environment (a hostile
    /// `GIT_AUTHOR_NAME`, dates); returns the commit id.
    pub fn commit_all_with(&self, message: &str, env: &[(&str, &str)]) -> String {
        self.git(&["add", "-A"]);
        let out = git_command(self.path())
            .envs(env.iter().copied())
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .output()
            .expect("run git commit");
        assert!(
            out.status.success(),
            "git commit failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.git(&["rev-parse", "HEAD"])
    }
}

/// The names of the entries of `dir`, sorted: for checking what a run left behind.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// `(rule, path, line, column)` of every finding of a `--format json` run, sorted.
pub fn finding_keys(run: &Run) -> Vec<(String, String, u64, u64)> {
    let mut keys: Vec<_> = run
        .json()
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
            )
        })
        .collect();
    keys.sort();
    keys
}

/// Asserts that `findings` (a JSON report, `--show-secrets`) are exactly `expected`, in
/// order: (path, line, column, rule, secret, has a note).
pub fn assert_findings(
    findings: &[serde_json::Value],
    expected: &[(&str, usize, usize, &str, &str, bool)],
) {
    let actual: Vec<(String, u64, u64, String, String, bool)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["rule"].as_str().expect("rule").to_string(),
                f["secret"].as_str().expect("secret").to_string(),
                f.get("note").is_some(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64, String, String, bool)> = expected
        .iter()
        .map(|&(p, l, c, r, s, w)| (p.into(), l as u64, c as u64, r.into(), s.into(), w))
        .collect();
    for (a, e) in actual.iter().zip(&expected) {
        assert_eq!(a, e);
    }
    assert_eq!(actual.len(), expected.len(), "{actual:#?}");
}

/// The root of this repository, for the files the project ships (action.yml, manifests).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `git` command with no global/system config and a fixed identity.
pub fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Alice Example")
        .env("GIT_AUTHOR_EMAIL", "alice@keyhound.test")
        .env("GIT_COMMITTER_NAME", "Alice Example")
        .env("GIT_COMMITTER_EMAIL", "alice@keyhound.test")
        .env("GIT_AUTHOR_DATE", "2024-01-02T03:04:05Z")
        .env("GIT_COMMITTER_DATE", "2024-01-02T03:04:05Z");
    cmd
}

/// Fake secrets for fixtures, generated to have the right shape (never real).
pub mod fake {
    /// A fake RSA key body: 20 lines of 64 random-looking base64 characters.
    pub fn pem_body() -> String {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        (0..20)
            .map(|_| {
                (0..64)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        ALPHABET[(state % 64) as usize] as char
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A GitHub classic PAT with a valid CRC32 checksum, from 30 chars of `seed`.
    pub fn github_pat(seed: &str) -> String {
        let random: String = seed.chars().cycle().take(30).collect();
        let crc = crc32(random.as_bytes());
        format!("ghp_{random}{}", base62_6(crc))
    }

    fn base62_6(mut n: u32) -> String {
        const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut out = [b'0'; 6];
        for slot in out.iter_mut().rev() {
            *slot = A[(n % 62) as usize];
            n /= 62;
        }
        String::from_utf8(out.to_vec()).expect("ASCII")
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// An AWS access key id (not the documented example).
    pub const AWS_KEY_ID: &str = "AKIAQ3EGV7RX2M4TZK5W";
    /// A Stripe live secret key shape.
    pub fn stripe_live() -> String {
        format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc9Qw2Lm8R")
    }
}
