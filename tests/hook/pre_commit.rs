//! Tests: the pre-commit framework manifests (.pre-commit-hooks.yaml and the mirror's in
//! pre-commit-mirror/). The end-to-end tests run the real `pre-commit` client: the
//! toolchain-free `keyhound-system` hook with no cargo on PATH (seconds), and
//! `try-repo` of the `keyhound` hook, which builds keyhound with cargo in a fresh
//! environment (minutes on two cores). They only run with KEYHOUND_TEST_PRE_COMMIT=1:
//!
//! ```text
//! pip install pre-commit        # or KEYHOUND_PRE_COMMIT=/path/to/pre-commit
//! KEYHOUND_TEST_PRE_COMMIT=1 cargo test --test integration hook::pre_commit
//! ```

#![allow(clippy::print_stderr)] // notes about skipped checks
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{self, fake, Run, TestEnv};

#[test]
fn manifest_declares_a_toolchain_free_hook_and_the_build_from_source_hook() {
    let manifest = util::repo_root().join(".pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(&manifest).expect("read the manifest");
    for line in [
        "- id: keyhound-system\n",
        "  language: system\n",
        "- id: keyhound\n",
        "  language: rust\n",
        "  entry: keyhound hook run\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(!text.contains("pass_filenames: false"), "{text}");
    let hooks = yaml_list(&manifest);
    let ids: Vec<&str> = hooks
        .iter()
        .map(|h| h["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["keyhound-system", "keyhound"]);
    assert_eq!(hooks[0]["language"].as_str(), Some("system"));
    assert_eq!(hooks[1]["language"].as_str(), Some("rust"));
    for h in &hooks {
        assert_eq!(h["entry"].as_str(), Some("keyhound hook run"), "{h:?}");
        assert!(h.get("pass_filenames").is_none(), "{h:?}");
        let types: Vec<&str> = h["types"]
            .as_sequence()
            .expect("types")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        assert_eq!(types, ["file"], "{h:?}");
        assert_eq!(h["require_serial"].as_bool(), Some(true), "{h:?}");
        let stages = h["stages"].as_sequence().expect("stages");
        assert!(
            stages.iter().any(|s| s.as_str() == Some("pre-commit")),
            "{h:?}"
        );
    }
    let mirror = yaml_list(&util::repo_root().join("pre-commit-mirror/.pre-commit-hooks.yaml"));
    assert_eq!(mirror.len(), 1, "{mirror:?}");
    assert_eq!(mirror[0]["id"].as_str(), Some("keyhound"));
    assert_eq!(mirror[0]["language"].as_str(), Some("python"));
    assert_eq!(mirror[0]["entry"].as_str(), Some("keyhound hook run"));
}

/// The YAML list of hooks in a pre-commit manifest.
fn yaml_list(path: &std::path::Path) -> Vec<serde_norway::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether the opt-in pre-commit tests run; prints why not otherwise.
pub(crate) fn opted_in(what: &str) -> bool {
    if std::env::var_os("KEYHOUND_TEST_PRE_COMMIT").is_some() {
        return true;
    }
    eprintln!("skipping: set KEYHOUND_TEST_PRE_COMMIT=1 to {what}");
    false
}

/// The `pre-commit` client: `$KEYHOUND_PRE_COMMIT`, else `pre-commit` on PATH.
pub(crate) fn pre_commit_exe() -> PathBuf {
    if let Some(exe) = std::env::var_os("KEYHOUND_PRE_COMMIT") {
        return exe.into();
    }
    let out = Command::new("sh")
        .args(["-c", "command -v pre-commit"])
        .output()
        .expect("run sh");
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success() && !found.is_empty(),
        "pre-commit not found: pip install pre-commit, or set KEYHOUND_PRE_COMMIT"
    );
    found.into()
}

/// PATH with `first` in front and no directory holding cargo, rustup or keyhound, so a
/// hook that needs a toolchain (or picks up another keyhound) cannot pass.
pub(crate) fn path_without_toolchain(first: &Path) -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let rest = std::env::split_paths(&path).filter(|d| {
        !["cargo", "rustup", "keyhound"]
            .iter()
            .any(|b| d.join(b).exists())
    });
    std::env::join_paths(std::iter::once(first.to_path_buf()).chain(rest))
        .expect("PATH entries are joinable")
}

/// A git repository holding `files` (relative path, contents), committed; returns its HEAD.
pub(crate) fn hooks_repo(dir: &TestEnv, files: &[(&str, &[u8])]) -> String {
    dir.git_init();
    for (rel, contents) in files {
        dir.write(rel, contents);
    }
    dir.commit_all("hooks", "2024-01-01T00:00:00Z");
    dir.git(&["rev-parse", "HEAD"]).trim().to_string()
}

/// Runs `pre-commit ARGS` in `repo` with `path` as PATH and its own cache `home`.
pub(crate) fn pre_commit(
    repo: &Path,
    args: &[&str],
    path: &std::ffi::OsStr,
    home: &Path,
    env: &[(&str, &std::ffi::OsStr)],
) -> Run {
    Command::new(pre_commit_exe())
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("GIT_AUTHOR_NAME", "Alice Example")
        .env("GIT_AUTHOR_EMAIL", "alice@keyhound.test")
        .env("GIT_COMMITTER_NAME", "Alice Example")
        .env("GIT_COMMITTER_EMAIL", "alice@keyhound.test")
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home.join("cache"))
        .env("NO_COLOR", "1")
        .env_remove("KEYHOUND")
        .envs(env.iter().copied())
        .output()
        .expect("run pre-commit")
        .into()
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
    if !opted_in("run pre-commit try-repo (builds keyhound)") {
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

/// `.pre-commit-config.yaml` using hook `id` of the repository at `url`, commit `rev`.
fn config(url: &Path, rev: &str, id: &str) -> String {
    format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {id}\n",
        url.display()
    )
}

/// The checks every toolchain-free hook must pass, in `repo` whose
/// `.pre-commit-config.yaml` is written: `run --all-files` passes on a clean repository
/// and fails on a committed secret, and `git commit` with the installed hook blocks a
/// staged secret (and only reports the staged file).
pub(crate) fn check_hook_scans_what_it_is_given(
    repo: &TestEnv,
    path: &std::ffi::OsStr,
    home: &Path,
    env: &[(&str, &std::ffi::OsStr)],
) {
    let run = |args: &[&str]| pre_commit(repo.path(), args, path, home, env);
    let clean = run(&["run", "--all-files"]);
    assert_eq!(clean.code, 0, "clean:\n{}{}", clean.stdout, clean.stderr);
    assert!(clean.stdout.contains("Passed"), "{}", clean.stdout);

    let committed = fake::github_pat("precommitallfiles");
    repo.write(
        "app/settings.py",
        format!("# settings\nGITHUB_TOKEN = \"{committed}\"\n"),
    );
    repo.commit_all("leak", "2024-01-02T00:00:00Z");
    let all = run(&["run", "--all-files"]);
    assert_eq!(all.code, 1, "--all-files:\n{}{}", all.stdout, all.stderr);
    assert!(all.stdout.contains("Failed"), "{}", all.stdout);
    assert!(all.stdout.contains("app/settings.py"), "{}", all.stdout);
    assert!(all.stdout.contains("2:"), "{}", all.stdout);
    assert!(
        all.stdout.contains("commit blocked"),
        "advice:\n{}",
        all.stdout
    );
    assert!(!all.stdout.contains(&committed), "full secret printed");

    let install = run(&["install"]);
    assert_eq!(install.code, 0, "{}{}", install.stdout, install.stderr);
    let staged = fake::github_pat("precommitstaged");
    repo.write("deploy.env", format!("GITHUB_TOKEN={staged}\n"));
    repo.git(&["add", "deploy.env"]);
    let commit = util::git_command(repo.path())
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home.join("cache"))
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env_remove("KEYHOUND")
        .envs(env.iter().copied())
        .args(["commit", "-m", "deploy settings"])
        .output()
        .expect("run git commit");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&commit.stdout),
        String::from_utf8_lossy(&commit.stderr)
    );
    assert!(
        !commit.status.success(),
        "commit with a staged secret went through:\n{out}"
    );
    assert!(out.contains("deploy.env"), "{out}");
    assert!(
        !out.contains("app/settings.py"),
        "scanned an unstaged file:\n{out}"
    );
    assert!(!out.contains(&staged), "full secret printed:\n{out}");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]).trim(), "2");
}

#[test]
fn system_hook_scans_the_files_pre_commit_passes_without_a_toolchain() {
    if !opted_in("run the pre-commit client with the keyhound-system hook") {
        return;
    }
    let manifest =
        std::fs::read(util::repo_root().join(".pre-commit-hooks.yaml")).expect("read the manifest");
    let hooks = TestEnv::new();
    let rev = hooks_repo(&hooks, &[(".pre-commit-hooks.yaml", &manifest)]);
    let repo = TestEnv::new();
    repo.git_init();
    repo.write("README.md", "# demo\n");
    repo.write(
        ".pre-commit-config.yaml",
        config(hooks.path(), &rev, "keyhound-system"),
    );
    repo.commit_all("initial", "2024-01-01T00:00:00Z");
    let bin_dir = util::keyhound_bin()
        .parent()
        .expect("the binary is in a directory")
        .to_path_buf();
    let home = TestEnv::new();
    let path = path_without_toolchain(&bin_dir);
    check_hook_scans_what_it_is_given(&repo, &path, home.path(), &[]);
}
