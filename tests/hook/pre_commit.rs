//! Tests: the pre-commit framework manifest (.pre-commit-hooks.yaml). The end-to-end
//! test runs the real `pre-commit try-repo`, which builds keyhound with cargo in a fresh
//! environment (minutes on two cores), so it only runs with KEYHOUND_TEST_PRE_COMMIT=1:
//!
//! ```text
//! pip install pre-commit
//! KEYHOUND_TEST_PRE_COMMIT=1 cargo test --test integration hook::pre_commit
//! ```

#![allow(clippy::print_stderr)] // notes about skipped checks
use std::path::Path;
use std::process::Command;

use crate::util::{self, fake, Run, TestEnv};

#[test]
fn manifest_declares_the_keyhound_hook() {
    let text = std::fs::read_to_string(util::repo_root().join(".pre-commit-hooks.yaml"))
        .expect("read the manifest");
    for line in [
        "- id: keyhound\n",
        "  entry: keyhound scan --staged\n",
        "  language: rust\n",
        "  pass_filenames: false\n",
        "  stages: [pre-commit]\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    let check = r#"
import sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
assert isinstance(hooks, list) and len(hooks) == 1, hooks
h = hooks[0]
assert h["id"] == "keyhound" and h["language"] == "rust", h
assert h["entry"] == "keyhound scan --staged" and h["pass_filenames"] is False, h
assert h["stages"] == ["pre-commit"], h
"#;
    util::check_yaml_with_python(check, &util::repo_root().join(".pre-commit-hooks.yaml"));
}

/// A committed copy of the crate as it is on disk (tracked and new files, not ignored
/// ones), because `try-repo` leaves out untracked files of a dirty repository.
fn snapshot_of_the_crate(into: &Path) {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(util::repo_root())
        .output()
        .expect("git ls-files");
    assert!(out.status.success());
    for rel in out.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).expect("UTF-8 path"));
        let from = util::repo_root().join(rel);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let to = into.join(rel);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(&from, &to).expect("copy a crate file");
    }
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "snapshot"],
    ] {
        let status = util::git_command(into).args(args).status().expect("git");
        assert!(status.success(), "git {args:?}");
    }
}

/// `pre-commit try-repo CRATE keyhound` in `repo`, with the real HOME (cargo and rustup
/// live there) and a target directory kept between runs.
fn try_repo(repo: &Path, krate: &Path, rev: &str) -> Run {
    Command::new("pre-commit")
        .args([
            "try-repo",
            krate.to_str().expect("UTF-8 path"),
            "keyhound",
            "--ref",
            rev,
            "--verbose",
        ])
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Alice Example")
        .env("GIT_AUTHOR_EMAIL", "alice@keyhound.test")
        .env("GIT_COMMITTER_NAME", "Alice Example")
        .env("GIT_COMMITTER_EMAIL", "alice@keyhound.test")
        .env(
            "CARGO_TARGET_DIR",
            util::repo_root().join("target/pre-commit-test"),
        )
        .env("NO_COLOR", "1")
        .output()
        .expect("run pre-commit (pip install pre-commit)")
        .into()
}

#[test]
fn pre_commit_try_repo_blocks_a_staged_secret_and_passes_clean_changes() {
    if std::env::var_os("KEYHOUND_TEST_PRE_COMMIT").is_none() {
        eprintln!(
            "skipping: set KEYHOUND_TEST_PRE_COMMIT=1 to run pre-commit try-repo (builds keyhound)"
        );
        return;
    }
    let krate = TestEnv::new();
    snapshot_of_the_crate(krate.path());
    let rev = krate.git(&["rev-parse", "HEAD"]);

    let repo = TestEnv::new();
    repo.git_init();
    repo.write("README.md", "# demo\n");
    repo.git(&["add", "README.md"]);
    let clean = try_repo(repo.path(), krate.path(), &rev);
    assert_eq!(clean.code, 0, "clean:\n{}{}", clean.stdout, clean.stderr);
    assert!(clean.stdout.contains("Passed"), "{}", clean.stdout);

    let secret = fake::github_pat("precommitframework");
    repo.write("settings.py", format!("GITHUB_TOKEN = \"{secret}\"\n"));
    repo.git(&["add", "settings.py"]);
    let leak = try_repo(repo.path(), krate.path(), &rev);
    assert_eq!(leak.code, 1, "secret:\n{}{}", leak.stdout, leak.stderr);
    assert!(leak.stdout.contains("Failed"), "{}", leak.stdout);
    assert!(leak.stdout.contains("settings.py"), "{}", leak.stdout);
    assert!(
        !leak.stdout.contains(&secret) && !leak.stderr.contains(&secret),
        "full secret printed"
    );
}
