//! Tests: `keyhound hook install/uninstall` and the installed pre-commit hook, run by
//! real `git commit`s; the pre-commit framework manifest; the GitHub Action's script.

mod action;
pub(crate) mod pre_commit;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{self, fake, keyhound_bin, Run, TestEnv};

/// keyhound run with git's global and system configuration out of the way.
fn keyhound_in(dir: &Path, args: &[&str]) -> Run {
    Command::new(keyhound_bin())
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .output()
        .expect("run keyhound")
        .into()
}

/// PATH without any directory that holds a `keyhound` executable.
fn path_without_keyhound() -> OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).filter(|d| !d.join("keyhound").is_file());
    std::env::join_paths(dirs).expect("PATH entries are joinable")
}

/// PATH with the built binary's directory first.
fn path_with_keyhound() -> OsString {
    let dir = keyhound_bin()
        .parent()
        .expect("the binary is in a directory")
        .to_path_buf();
    let rest = path_without_keyhound();
    let dirs = std::iter::once(dir).chain(std::env::split_paths(&rest));
    std::env::join_paths(dirs).expect("PATH entries are joinable")
}

/// `git commit` in `dir` with `PATH` set to `path`, `$KEYHOUND` unset unless in `env`.
fn commit_in(dir: &Path, args: &[&str], path: &OsString, env: &[(&str, &str)]) -> Run {
    util::git_command(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("KEYHOUND")
        .envs(env.iter().copied())
        .args(["commit", "-q", "-m", "change"])
        .args(args)
        .output()
        .expect("run git commit")
        .into()
}

/// `git commit` in the test repository with keyhound on PATH.
fn commit(env: &TestEnv, args: &[&str]) -> Run {
    commit_in(env.path(), args, &path_with_keyhound(), &[])
}

/// Number of commits on HEAD (0 before the first).
fn commit_count(env: &TestEnv) -> usize {
    let out = util::git_command(env.path())
        .args(["rev-list", "--count", "HEAD"])
        .output()
        .expect("run git rev-list");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// A repository with one clean commit and keyhound's hook installed.
fn repo_with_hook() -> TestEnv {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "# demo\n");
    env.commit_all("initial", "2024-01-01T00:00:00Z");
    let run = keyhound_in(env.path(), &["hook", "install"]);
    assert_eq!(run.code, 0, "install failed: {}{}", run.stdout, run.stderr);
    env
}

fn hook_path(env: &TestEnv) -> PathBuf {
    env.path().join(".git/hooks/pre-commit")
}

fn secret_line(secret: &str) -> String {
    format!("GITHUB_TOKEN = \"{secret}\"\n")
}

/// A foreign hook that records that it ran, then exits with `status`.
fn foreign_hook(status: i32) -> String {
    format!("#!/bin/sh\necho ran >> foreign-hook-ran.txt\nexit {status}\n")
}

fn write_foreign_hook(env: &TestEnv, status: i32) {
    let path = env.write(".git/hooks/pre-commit", foreign_hook(status));
    make_executable(&path);
}

fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod the hook");
    }
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn install_writes_an_executable_hook_marked_as_keyhounds() {
    let env = repo_with_hook();
    let text = read(hook_path(&env));
    assert!(
        text.starts_with("#!/bin/sh\n# installed by keyhound"),
        "{text}"
    );
    assert!(text.contains("scan --staged"));
    let installed_by = keyhound_bin().canonicalize().expect("binary path");
    assert!(
        text.contains(&format!("installed_by='{}'", installed_by.display())),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(hook_path(&env))
            .expect("hook")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o111,
            0o111,
            "hook is executable by everyone: {mode:o}"
        );
    }
}

#[test]
fn commit_with_a_staged_secret_is_blocked() {
    let env = repo_with_hook();
    let secret = fake::github_pat("hookblocked");
    env.write("config.py", secret_line(&secret));
    env.git(&["add", "config.py"]);
    let run = commit(&env, &[]);
    assert_eq!(
        run.code, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("config.py"), "names the file:\n{all}");
    assert!(all.contains("github"), "names the provider or rule:\n{all}");
    for advice in [
        "commit blocked",
        "environment variable or a secret manager",
        "keyhound:allow",
        "keyhound scan --write-baseline .keyhound-baseline.json",
        "git commit --no-verify",
    ] {
        assert!(all.contains(advice), "missing {advice:?} in:\n{all}");
    }
    assert!(
        !all.contains(&secret),
        "the full secret was printed:\n{all}"
    );
    assert!(
        !all.contains("scanned in"),
        "no summary with --quiet:\n{all}"
    );
    assert_eq!(commit_count(&env), 1, "no commit was made");
}

#[test]
fn blocked_commit_lists_path_and_line_of_each_finding() {
    let env = repo_with_hook();
    env.write(
        "a/settings.env",
        format!("# settings\n{}", secret_line(&fake::github_pat("pathline"))),
    );
    env.git(&["add", "-A"]);
    let run = commit(&env, &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("a/settings.env"), "{all}");
    assert!(all.contains("2:"), "the finding's line number:\n{all}");
}

#[test]
fn clean_commit_passes() {
    let env = repo_with_hook();
    env.write("src/main.rs", "fn main() { println!(\"hello\"); }\n");
    env.git(&["add", "-A"]);
    let run = commit(&env, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(commit_count(&env), 2);
    // The hook scans with --quiet: a clean commit prints nothing, not even a summary.
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
}

#[test]
fn allow_commented_secret_passes() {
    let env = repo_with_hook();
    let secret = fake::github_pat("hookallowed");
    env.write(
        "fixture.py",
        format!("TOKEN = \"{secret}\"  # keyhound:allow\n"),
    );
    env.git(&["add", "-A"]);
    let run = commit(&env, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(commit_count(&env), 2);
}

#[test]
fn baseline_at_the_top_of_the_work_tree_is_honoured() {
    let env = repo_with_hook();
    env.write("legacy.py", secret_line(&fake::github_pat("baselined")));
    let write = keyhound_in(
        env.path(),
        &[
            "scan",
            "--write-baseline",
            ".keyhound-baseline.json",
            "legacy.py",
        ],
    );
    assert_eq!(write.code, 1, "{}{}", write.stdout, write.stderr);
    env.git(&["add", "-A"]);
    let run = commit(&env, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn commit_all_and_partial_commits_are_scanned() {
    // `git commit -a` and `git commit PATH` run the hook against a temporary index
    // (GIT_INDEX_FILE), not .git/index.
    let env = repo_with_hook();
    env.write("README.md", secret_line(&fake::github_pat("commitall")));
    let run = commit(&env, &["-a"]);
    assert_eq!(run.code, 1, "git commit -a:\n{}{}", run.stdout, run.stderr);
    let run = commit(&env, &["--", "README.md"]);
    assert_eq!(
        run.code, 1,
        "git commit README.md:\n{}{}",
        run.stdout, run.stderr
    );
    assert_eq!(commit_count(&env), 1);
}

#[test]
fn install_refuses_to_replace_a_foreign_hook() {
    let env = TestEnv::new();
    env.git_init();
    write_foreign_hook(&env, 0);
    let run = keyhound_in(env.path(), &["hook", "install"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("keyhound did not write"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--chain"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(
        read(hook_path(&env)),
        foreign_hook(0),
        "the foreign hook is untouched"
    );
    assert!(!env
        .path()
        .join(".git/hooks/pre-commit.keyhound-backup")
        .exists());
}

#[test]
fn chain_runs_the_previous_hook_then_keyhound() {
    let env = TestEnv::new();
    env.git_init();
    write_foreign_hook(&env, 0);
    let run = keyhound_in(env.path(), &["hook", "install", "--chain"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        read(env.path().join(".git/hooks/pre-commit.keyhound-backup")),
        foreign_hook(0)
    );

    env.write("clean.txt", "nothing to see\n");
    env.git(&["add", "clean.txt"]);
    let run = commit(&env, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(read(env.path().join("foreign-hook-ran.txt")), "ran\n");

    env.write("leak.txt", secret_line(&fake::github_pat("chained")));
    env.git(&["add", "leak.txt"]);
    let run = commit(&env, &[]);
    assert_eq!(
        run.code, 1,
        "keyhound still blocks:\n{}{}",
        run.stdout, run.stderr
    );
    assert_eq!(read(env.path().join("foreign-hook-ran.txt")), "ran\nran\n");
}

#[test]
fn chain_blocks_the_commit_when_the_previous_hook_fails() {
    let env = TestEnv::new();
    env.git_init();
    write_foreign_hook(&env, 3);
    assert_eq!(
        keyhound_in(env.path(), &["hook", "install", "--chain"]).code,
        0
    );
    env.write("clean.txt", "nothing to see\n");
    env.git(&["add", "clean.txt"]);
    let run = commit(&env, &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("previous pre-commit hook"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("failed with status 3"),
        "{}",
        run.stderr
    );
    assert_eq!(commit_count(&env), 0);
}

#[test]
fn reinstalling_is_idempotent_and_keeps_chaining() {
    let env = TestEnv::new();
    env.git_init();
    write_foreign_hook(&env, 0);
    assert_eq!(
        keyhound_in(env.path(), &["hook", "install", "--chain"]).code,
        0
    );
    let first = read(hook_path(&env));
    let run = keyhound_in(env.path(), &["hook", "install"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("updated"), "{}", run.stdout);
    assert_eq!(read(hook_path(&env)), first);
    assert_eq!(
        read(env.path().join(".git/hooks/pre-commit.keyhound-backup")),
        foreign_hook(0)
    );
}

#[test]
fn force_replaces_a_foreign_hook_and_keeps_a_backup() {
    let env = TestEnv::new();
    env.git_init();
    write_foreign_hook(&env, 0);
    let run = keyhound_in(env.path(), &["hook", "install", "--force"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("pre-commit.keyhound-backup"),
        "{}",
        run.stdout
    );
    assert_eq!(
        read(env.path().join(".git/hooks/pre-commit.keyhound-backup")),
        foreign_hook(0)
    );
    assert!(read(hook_path(&env)).contains("# installed by keyhound"));

    env.write("clean.txt", "nothing to see\n");
    env.git(&["add", "clean.txt"]);
    assert_eq!(commit(&env, &[]).code, 0);
    assert!(
        !env.path().join("foreign-hook-ran.txt").exists(),
        "a replaced hook does not run"
    );
}

#[test]
fn install_refuses_to_overwrite_an_earlier_backup() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        ".git/hooks/pre-commit.keyhound-backup",
        "#!/bin/sh\necho older\n",
    );
    write_foreign_hook(&env, 0);
    let run = keyhound_in(env.path(), &["hook", "install", "--force"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("already there"), "{}", run.stderr);
    assert_eq!(read(hook_path(&env)), foreign_hook(0));
    assert_eq!(
        read(env.path().join(".git/hooks/pre-commit.keyhound-backup")),
        "#!/bin/sh\necho older\n"
    );
}

#[test]
fn uninstall_restores_the_backup() {
    let env = TestEnv::new();
    env.git_init();
    write_foreign_hook(&env, 0);
    assert_eq!(
        keyhound_in(env.path(), &["hook", "install", "--force"]).code,
        0
    );
    let run = keyhound_in(env.path(), &["hook", "uninstall"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("restored"), "{}", run.stdout);
    assert_eq!(read(hook_path(&env)), foreign_hook(0));
    assert!(!env
        .path()
        .join(".git/hooks/pre-commit.keyhound-backup")
        .exists());
}

#[test]
fn uninstall_removes_keyhounds_hook() {
    let env = repo_with_hook();
    let run = keyhound_in(env.path(), &["hook", "uninstall"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!hook_path(&env).exists());
    let again = keyhound_in(env.path(), &["hook", "uninstall"]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("nothing to remove"),
        "{}",
        again.stdout
    );
}

#[test]
fn uninstall_refuses_to_remove_a_foreign_hook() {
    let env = TestEnv::new();
    env.git_init();
    write_foreign_hook(&env, 0);
    let run = keyhound_in(env.path(), &["hook", "uninstall"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("not written by keyhound"),
        "{}",
        run.stderr
    );
    assert_eq!(read(hook_path(&env)), foreign_hook(0));
}

#[test]
fn core_hooks_path_is_honoured() {
    let env = TestEnv::new();
    env.git_init();
    env.git(&["config", "core.hooksPath", ".githooks"]);
    let sub = env.path().join("sub/dir");
    std::fs::create_dir_all(&sub).expect("mkdir");
    let run = keyhound_in(&sub, &["hook", "install"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("core.hooksPath"), "{}", run.stdout);
    assert!(env.path().join(".githooks/pre-commit").is_file());
    assert!(!hook_path(&env).exists());

    env.write("leak.txt", secret_line(&fake::github_pat("hookspath")));
    env.git(&["add", "leak.txt"]);
    assert_eq!(commit(&env, &[]).code, 1, "the hook in core.hooksPath runs");
}

#[test]
fn linked_worktrees_share_the_main_hooks_directory() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "# demo\n");
    env.commit_all("initial", "2024-01-01T00:00:00Z");
    env.git(&["worktree", "add", "-q", "linked", "-b", "feature"]);
    let linked = env.path().join("linked");
    let run = keyhound_in(env.path(), &["hook", "install", "--repo", "linked"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(hook_path(&env).is_file(), "installed in the common git dir");

    std::fs::write(
        linked.join("leak.txt"),
        secret_line(&fake::github_pat("worktree")),
    )
    .expect("write");
    util::git_command(&linked)
        .args(["add", "leak.txt"])
        .status()
        .expect("git add");
    let run = commit_in(&linked, &[], &path_with_keyhound(), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
}

#[test]
fn install_outside_a_repository_is_an_error() {
    let env = TestEnv::new();
    let run = keyhound_in(env.path(), &["hook", "install", "--repo", "."]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_binary_fails_open_with_a_warning() {
    // Install with a copy of the binary, then delete it: the hook's last resort is gone.
    let bin = TestEnv::new();
    let copy = bin.path().join("keyhound");
    std::fs::copy(keyhound_bin(), &copy).expect("copy the binary");
    let env = TestEnv::new();
    env.git_init();
    let install = Command::new(&copy)
        .args(["hook", "install"])
        .current_dir(env.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run the copy");
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    drop(bin);

    env.write("leak.txt", secret_line(&fake::github_pat("failopen")));
    env.git(&["add", "leak.txt"]);
    let run = commit_in(
        env.path(),
        &[],
        &path_without_keyhound(),
        &[("KEYHOUND", "/nonexistent/keyhound")],
    );
    assert_eq!(run.code, 0, "fails open:\n{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("KEYHOUND=/nonexistent/keyhound is not an executable"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("keyhound was not found"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("NOT scanned"), "{}", run.stderr);
    assert_eq!(commit_count(&env), 1);
}

#[test]
fn keyhound_env_var_comes_first_and_scan_errors_block() {
    let env = repo_with_hook();
    let fake_bin = env.write(
        "bin/fake-keyhound",
        "#!/bin/sh\necho \"fake keyhound $*\" >&2\nexit 2\n",
    );
    make_executable(&fake_bin);
    env.write("clean.txt", "nothing to see\n");
    env.git(&["add", "clean.txt"]);
    let fake = fake_bin.to_str().expect("UTF-8 temp path");
    let run = commit_in(
        env.path(),
        &[],
        &path_with_keyhound(),
        &[("KEYHOUND", fake)],
    );
    // git exits 1 whatever the hook's status; the message says what happened.
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("fake keyhound scan --staged"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the secret scan of the staged changes failed (status 2)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--no-verify"), "{}", run.stderr);
    assert_eq!(commit_count(&env), 1);
}

/// A repository with one commit and no hook, for `keyhound hook run`.
fn repo_without_hook() -> TestEnv {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "# demo\n");
    env.commit_all("initial", "2024-01-01T00:00:00Z");
    env
}

#[test]
fn hook_run_scans_the_files_it_is_given_and_says_how_to_proceed() {
    let env = repo_without_hook();
    let secret = fake::github_pat("hookrunfiles");
    // Committed, not staged: only the named files count, not the index.
    env.write(
        "app/settings.py",
        format!("# app\n{}", secret_line(&secret)),
    );
    env.write("other.py", secret_line(&fake::github_pat("hookrunother")));
    env.write("clean.txt", "nothing here\n");
    let run = keyhound_in(env.path(), &["hook", "run", "app/settings.py", "clean.txt"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("app/settings.py"), "{}", run.stdout);
    assert!(
        run.stdout.contains("2:"),
        "line of the finding:\n{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("other.py"),
        "scanned an unnamed file:\n{}",
        run.stdout
    );
    for advice in [
        "commit blocked: the files to be committed contain",
        "keyhound:allow",
        "git commit --no-verify",
    ] {
        assert!(
            run.stderr.contains(advice),
            "missing {advice:?}:\n{}",
            run.stderr
        );
    }
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains(&secret), "full secret printed:\n{all}");

    let clean = keyhound_in(env.path(), &["hook", "run", "clean.txt", "README.md"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert!(!clean.stderr.contains("commit blocked"), "{}", clean.stderr);
}

#[test]
fn hook_run_without_files_scans_the_index() {
    let env = repo_without_hook();
    let secret = fake::github_pat("hookrunstaged");
    env.write("staged.py", secret_line(&secret));
    let unstaged = keyhound_in(env.path(), &["hook", "run"]);
    assert_eq!(unstaged.code, 0, "{}{}", unstaged.stdout, unstaged.stderr);
    env.git(&["add", "staged.py"]);
    let staged = keyhound_in(env.path(), &["hook", "run"]);
    assert_eq!(staged.code, 1, "{}{}", staged.stdout, staged.stderr);
    assert!(staged.stdout.contains("staged.py"), "{}", staged.stdout);
    assert!(
        staged
            .stderr
            .contains("commit blocked: the staged changes contain"),
        "{}",
        staged.stderr
    );
}

#[test]
fn hook_run_reads_the_baseline_at_the_top_of_the_work_tree() {
    let env = repo_without_hook();
    env.write(
        "known.py",
        secret_line(&fake::github_pat("hookrunbaseline")),
    );
    let write = keyhound_in(
        env.path(),
        &[
            "scan",
            "known.py",
            "--write-baseline",
            ".keyhound-baseline.json",
        ],
    );
    assert_eq!(write.code, 1, "{}{}", write.stdout, write.stderr);
    let run = keyhound_in(env.path(), &["hook", "run", "known.py"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // An explicit --baseline wins over the default file (a missing one is an error).
    let explicit = keyhound_in(
        env.path(),
        &[
            "hook",
            "run",
            "--baseline",
            "missing-baseline.json",
            "known.py",
        ],
    );
    assert_eq!(explicit.code, 2, "{}{}", explicit.stdout, explicit.stderr);
}
