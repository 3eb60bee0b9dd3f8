//! Tests: `--include`/`--exclude`, `--enable-rule`/`--disable-rule`, `--fail-on` and
//! `--exit-code`, in every mode each applies to (working tree, `--staged`, `--history`,
//! `--range`, stdin), with exact findings and exit codes.

use keyhound::rules::RuleSet;

use crate::util::{finding_keys, Run, TestEnv};

const STRIPE_LINE: &str = "STRIPE=sk_live_4eC39HqLyjWDarjtT1zdp7dc9Qw2Lm8R\n";
const AWS_LINE: &str = "aws_access_key_id = AKIAQ3EGV7RX2M4TZK5W\n";
const PASSWORD_LINE: &str = "password = \"Zq8vR2mLw9xKp3Tn\"\n";

/// A tree with a critical (Stripe), two high (the same AWS key id, in `src/` and in
/// `vendor/`: one blob) and a medium (generic password) finding.
fn tree(env: &TestEnv) {
    env.write("app/config.env", STRIPE_LINE);
    env.write("src/settings.py", AWS_LINE);
    env.write("src/db.py", PASSWORD_LINE);
    env.write("vendor/lib.py", AWS_LINE);
}

fn key(rule: &str, path: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, column)
}

fn stripe() -> (String, String, u64, u64) {
    key("stripe-live-secret-key", "app/config.env", 1, 8)
}
fn password() -> (String, String, u64, u64) {
    key("generic-secret-assignment", "src/db.py", 1, 13)
}
fn aws_src() -> (String, String, u64, u64) {
    key("aws-access-key-id", "src/settings.py", 1, 21)
}
fn aws_vendor() -> (String, String, u64, u64) {
    key("aws-access-key-id", "vendor/lib.py", 1, 21)
}

/// Runs `scan --format json ARGS` and returns the run with its finding keys, sorted by
/// path, line and column.
fn scan(env: &TestEnv, args: &[&str]) -> (Run, Vec<(String, String, u64, u64)>) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let run = env.run(&all);
    assert!(
        run.code == 0 || run.code == 1 || run.code == 7,
        "{args:?}: exit {}: {}",
        run.code,
        run.stderr
    );
    let mut keys = finding_keys(&run);
    keys.sort_by(|a, b| (&a.1, a.2, a.3, &a.0).cmp(&(&b.1, b.2, b.3, &b.0)));
    (run, keys)
}

#[test]
fn include_and_exclude_select_working_tree_files() {
    let env = TestEnv::new();
    tree(&env);
    let (run, keys) = scan(&env, &["."]);
    assert_eq!(run.code, 1);
    assert_eq!(keys, [stripe(), password(), aws_src(), aws_vendor()]);

    let (run, keys) = scan(&env, &["--exclude", "vendor/", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(keys, [stripe(), password(), aws_src()]);

    // Repeatable, and `*.py` matches at any depth.
    let (_, keys) = scan(&env, &["--exclude", "vendor/", "--exclude", "*.py", "."]);
    assert_eq!(keys, [stripe()]);

    // --include names the only files scanned; directories are still entered.
    let (_, keys) = scan(&env, &["--include", "*.env", "."]);
    assert_eq!(keys, [stripe()]);
    let (_, keys) = scan(&env, &["--include", "src/", "--include", "*.env", "."]);
    assert_eq!(keys, [stripe(), password(), aws_src()]);

    // --exclude wins over --include.
    let (_, keys) = scan(&env, &["--include", "src/", "--exclude", "db.py", "."]);
    assert_eq!(keys, [aws_src()]);

    // Nothing left to scan: clean.
    let (run, keys) = scan(&env, &["--include", "*.toml", "."]);
    assert_eq!((run.code, keys.len()), (0, 0));

    // Anchored globs match from the scan root, also when it is not the current directory.
    env.write("proj/src/settings.py", AWS_LINE);
    env.write("proj/lib/src/settings.py", AWS_LINE);
    let (_, keys) = scan(&env, &["--exclude", "/src/", "proj"]);
    assert_eq!(
        keys,
        [key("aws-access-key-id", "proj/lib/src/settings.py", 1, 21)]
    );
}

#[test]
fn exclude_applies_with_no_ignore_and_adds_to_the_config_files_exclude() {
    let env = TestEnv::new();
    tree(&env);
    env.write(".keyhoundignore", "vendor/\n");
    env.write(".keyhound.toml", "exclude = [\"app/\"]\n");
    let (_, keys) = scan(&env, &["."]);
    assert_eq!(keys, [password(), aws_src()]);
    let (_, keys) = scan(&env, &["--exclude", "db.py", "."]);
    assert_eq!(keys, [aws_src()]);
    // --no-ignore drops .keyhoundignore, not the explicit or configured excludes.
    let (_, keys) = scan(&env, &["--no-ignore", "--exclude", "db.py", "."]);
    assert_eq!(keys, [aws_src(), aws_vendor()]);
}

#[test]
fn include_and_exclude_apply_to_staged_blobs() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README", "x\n");
    env.commit_all("base", "2024-01-01T00:00:00Z");
    tree(&env);
    env.git(&["add", "-A"]);
    let (run, keys) = scan(&env, &["--staged"]);
    assert_eq!(run.code, 1);
    assert_eq!(keys, [stripe(), password(), aws_src(), aws_vendor()]);
    let (_, keys) = scan(&env, &["--staged", "--exclude", "vendor/"]);
    assert_eq!(keys, [stripe(), password(), aws_src()]);
    let (_, keys) = scan(
        &env,
        &["--staged", "--include", "src/*.py", "--exclude", "db.py"],
    );
    assert_eq!(keys, [aws_src()]);
    let (run, keys) = scan(&env, &["--staged", "--include", "docs/"]);
    assert_eq!((run.code, keys.len()), (0, 0));
}

/// Commits the tree; returns the commit id.
fn committed_tree(env: &TestEnv) -> String {
    env.git_init();
    env.write("README", "x\n");
    env.commit_all("base", "2024-01-01T00:00:00Z");
    tree(env);
    env.commit_all("secrets", "2024-01-02T00:00:00Z")
}

/// `(rule, path, commit)` of every finding, sorted.
fn placed(run: &Run) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = run
        .json()
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["path"].as_str().expect("path").to_string(),
                f["commit"]["commit"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn exclude_in_history_skips_a_blob_only_where_every_path_is_excluded() {
    let env = TestEnv::new();
    let commit = committed_tree(&env);
    let at = |rule: &str, path: &str| (rule.to_string(), path.to_string(), commit.clone());
    let (run, _) = scan(&env, &["--history", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(placed(&run).len(), 4, "{:?}", placed(&run));

    // The AWS blob sits at src/settings.py and vendor/lib.py: excluding vendor/ keeps it,
    // reported at src/ only.
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--history",
        "--exclude",
        "vendor/",
        ".",
    ]);
    assert_eq!(
        placed(&run),
        [
            at("aws-access-key-id", "src/settings.py"),
            at("generic-secret-assignment", "src/db.py"),
            at("stripe-live-secret-key", "app/config.env"),
        ]
    );
    // Excluding both of its paths drops it.
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--history",
        "--exclude",
        "vendor/",
        "--exclude",
        "settings.py",
        ".",
    ]);
    assert_eq!(
        placed(&run),
        [
            at("generic-secret-assignment", "src/db.py"),
            at("stripe-live-secret-key", "app/config.env"),
        ]
    );
    // A file deleted from HEAD is still a history path the globs apply to.
    env.git(&["rm", "-q", "app/config.env"]);
    let removed = env.commit_all("remove config", "2024-01-03T00:00:00Z");
    assert_ne!(removed, commit);
    let run = env.run(&["scan", "-f", "json", "--history", "--include", "*.env", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        placed(&run),
        [at("stripe-live-secret-key", "app/config.env")]
    );
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--history",
        "--exclude",
        "app/",
        "--include",
        "*.env",
        ".",
    ]);
    assert_eq!((run.code, placed(&run).len()), (0, 0), "{}", run.stdout);
}

#[test]
fn include_and_exclude_apply_to_ranges() {
    let env = TestEnv::new();
    let commit = committed_tree(&env);
    let at = |rule: &str, path: &str| (rule.to_string(), path.to_string(), commit.clone());
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--range",
        "HEAD~1..HEAD",
        "--exclude",
        "src/",
        ".",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        placed(&run),
        [
            at("aws-access-key-id", "vendor/lib.py"),
            at("stripe-live-secret-key", "app/config.env"),
        ]
    );
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--range",
        "HEAD~1..HEAD",
        "--include",
        "src/db.py",
        ".",
    ]);
    assert_eq!(placed(&run), [at("generic-secret-assignment", "src/db.py")]);
}

#[test]
fn bad_globs_and_globs_on_stdin_are_errors_naming_the_flag() {
    let env = TestEnv::new();
    tree(&env);
    for (args, message) in [
        (
            &["scan", "--exclude", "src/{a,b", "."][..],
            "keyhound: error: --exclude \"src/{a,b\": invalid glob: ",
        ),
        (
            &["scan", "--include", "[z-a]", "--history", "."],
            "keyhound: error: --include \"[z-a]\": invalid glob: ",
        ),
        (
            &["scan", "--include", "!src/", "."],
            "keyhound: error: --include \"!src/\": invalid glob: negation",
        ),
        (
            &["scan", "--exclude", "*.env", "-"],
            "keyhound: error: --include and --exclude select paths, and standard input has none",
        ),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with(message), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("(nothing was scanned)"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn enable_and_disable_rule_take_ids_and_globs() {
    let env = TestEnv::new();
    tree(&env);
    let (_, keys) = scan(&env, &["--disable-rule", "generic-*", "."]);
    assert_eq!(keys, [stripe(), aws_src(), aws_vendor()]);
    let (_, keys) = scan(
        &env,
        &[
            "--disable-rule",
            "generic-*",
            "--disable-rule",
            "aws-access-key-id",
            ".",
        ],
    );
    assert_eq!(keys, [stripe()]);
    let (_, keys) = scan(&env, &["--enable-rule", "aws-*", "."]);
    assert_eq!(keys, [aws_src(), aws_vendor()]);
    let (_, keys) = scan(
        &env,
        &[
            "--enable-rule",
            "aws-*",
            "--enable-rule",
            "stripe-live-secret-key",
            ".",
        ],
    );
    assert_eq!(keys, [stripe(), aws_src(), aws_vendor()]);
    // --disable-rule wins.
    let (run, keys) = scan(
        &env,
        &[
            "--enable-rule",
            "aws-*",
            "--disable-rule",
            "aws-access-key-id",
            ".",
        ],
    );
    assert_eq!((run.code, keys.len()), (0, 0));

    // stdin, --staged and --history use the same rule set.
    let run = env.run_with_stdin(
        &["scan", "-f", "json", "--disable-rule", "stripe-*", "-"],
        Some(format!("{STRIPE_LINE}{AWS_LINE}").as_bytes()),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(finding_keys(&run), [key("aws-access-key-id", "-", 2, 21)]);
    env.git_init();
    env.git(&["add", "-A"]);
    let (_, keys) = scan(&env, &["--staged", "--enable-rule", "generic-secret-*"]);
    assert_eq!(keys, [password()]);
    env.commit_all("all", "2024-01-01T00:00:00Z");
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--history",
        "--enable-rule",
        "stripe-live-*",
        ".",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(finding_keys(&run), [stripe()]);
}

#[test]
fn enabling_a_rule_keeps_the_rule_it_requires() {
    let env = TestEnv::new();
    // A rule with a companion (`requires`), and its first example, which holds both.
    let set = RuleSet::builtin().expect("built-in rules");
    let rule = set
        .rules
        .iter()
        .find(|r| r.requires_id.is_some() && r.paths.is_none())
        .expect("a built-in rule with `requires`");
    let companion = &rule.requires_id.as_ref().expect("requires").0;
    env.write("creds.txt", format!("{}\n", rule.examples[0]));
    let run = env.run(&["scan", "-f", "json", "--enable-rule", &rule.id, "creds.txt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let rules: Vec<String> = finding_keys(&run).into_iter().map(|k| k.0).collect();
    assert!(
        rules.contains(&rule.id),
        "{} without its companion: {rules:?}",
        rule.id
    );
    // Disabling the companion disables the rule that requires it.
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--disable-rule",
        companion,
        "creds.txt",
    ]);
    let rules: Vec<String> = finding_keys(&run).into_iter().map(|k| k.0).collect();
    assert!(
        !rules.contains(&rule.id) && !rules.contains(companion),
        "{rules:?}"
    );
}

#[test]
fn rule_patterns_that_match_nothing_are_errors() {
    let env = TestEnv::new();
    tree(&env);
    for (args, message) in [
        (
            &["scan", "--disable-rule", "generic-pasword", "."][..],
            "keyhound: error: --disable-rule \"generic-pasword\": no rule matches it;",
        ),
        (
            &["scan", "--enable-rule", "acme-*", "--history", "."],
            "keyhound: error: --enable-rule \"acme-*\": no rule matches it;",
        ),
        (
            &["scan", "--enable-rule", "aws-[z-a]", "."],
            "keyhound: error: --enable-rule \"aws-[z-a]\": invalid rule pattern:",
        ),
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn fail_on_sets_the_severity_that_fails_the_run() {
    let env = TestEnv::new();
    tree(&env);
    let all = [stripe(), password(), aws_src(), aws_vendor()];
    for (level, code) in [("low", 1), ("medium", 1), ("high", 1), ("critical", 1)] {
        let (run, keys) = scan(&env, &["--fail-on", level, "."]);
        assert_eq!((run.code, &keys[..]), (code, &all[..]), "{level}");
    }
    // Below the threshold: reported, exit 0, and the summary says why.
    let (run, keys) = scan(&env, &["--fail-on", "critical", "--exclude", "app/", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(keys, [password(), aws_src(), aws_vendor()]);
    assert!(
        run.stderr.contains(
            "keyhound: 3 of 3 findings are below --fail-on critical: reported, not failing the run"
        ),
        "{}",
        run.stderr
    );
    let (run, _) = scan(&env, &["--fail-on", "high", "--include", "src/db.py", "."]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains(
            "keyhound: 1 of 1 findings is below --fail-on high: reported, not failing the run"
        ),
        "{}",
        run.stderr
    );
    let quiet = env.run(&[
        "scan",
        "-q",
        "--fail-on",
        "high",
        "--include",
        "src/db.py",
        "-f",
        "json",
        ".",
    ]);
    assert_eq!(quiet.code, 0);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);

    // stdin and git modes.
    let run = env.run_with_stdin(
        &["scan", "--fail-on", "critical", "-f", "json", "-"],
        Some(AWS_LINE.as_bytes()),
    );
    assert_eq!(
        (run.code, finding_keys(&run).len()),
        (0, 1),
        "{}",
        run.stderr
    );
    env.git_init();
    env.git(&["add", "-A"]);
    let (run, keys) = scan(
        &env,
        &["--staged", "--fail-on", "critical", "--exclude", "app/"],
    );
    assert_eq!((run.code, keys.len()), (0, 3));
    let (run, _) = scan(&env, &["--staged", "--fail-on", "critical"]);
    assert_eq!(run.code, 1);
    env.commit_all("all", "2024-01-01T00:00:00Z");
    let run = env.run(&[
        "scan",
        "-f",
        "json",
        "--history",
        "--fail-on",
        "critical",
        "--exclude",
        "app/",
        ".",
    ]);
    assert_eq!(
        (run.code, finding_keys(&run).len()),
        (0, 3),
        "{}",
        run.stderr
    );

    let run = env.run(&["scan", "--fail-on", "severe", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value 'severe'"),
        "{}",
        run.stderr
    );
}

#[test]
fn exit_code_changes_the_findings_status_but_not_errors() {
    let env = TestEnv::new();
    tree(&env);
    let (run, keys) = scan(&env, &["--exit-code", "7", "."]);
    assert_eq!((run.code, keys.len()), (7, 4));
    let (run, keys) = scan(&env, &["--exit-code", "0", "."]);
    assert_eq!((run.code, keys.len()), (0, 4));
    // With --fail-on, only failing findings use it.
    let (run, _) = scan(
        &env,
        &[
            "--exit-code",
            "7",
            "--fail-on",
            "critical",
            "--exclude",
            "app/",
            ".",
        ],
    );
    assert_eq!(run.code, 0);
    let (run, _) = scan(&env, &["--exit-code", "7", "--include", "nothing/", "."]);
    assert_eq!(run.code, 0);
    // 2 means an error; codes past 125 belong to the shell.
    let run = env.run(&["scan", "--exit-code", "2", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: --exit-code 2: 2 is the exit status for errors; use 0 (report without failing), 1, or 3 to 125 (nothing was scanned)\n"
    );
    let run = env.run(&["scan", "--exit-code", "126", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("126 is not in 0..=125"),
        "{}",
        run.stderr
    );
    // An error during the scan still wins: a dangling link followed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("missing.env", env.path().join("app/link.env"))
            .expect("symlink");
        let run = env.run(&["scan", "-f", "json", "--exit-code", "7", "-L", "."]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_eq!(finding_keys(&run).len(), 4);
    }
    // stdin and git modes.
    let run = env.run_with_stdin(
        &["scan", "--exit-code", "9", "-"],
        Some(STRIPE_LINE.as_bytes()),
    );
    assert_eq!(run.code, 9);
    env.git_init();
    env.git(&["add", "-A"]);
    let run = env.run(&["scan", "--staged", "--exit-code", "0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.commit_all("all", "2024-01-01T00:00:00Z");
    let run = env.run(&["scan", "--history", "--exit-code", "5", "."]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    let run = env.run(&["scan", "--range", "HEAD", "--exit-code", "5", "."]);
    assert_eq!(run.code, 5, "{}", run.stderr);
}

#[test]
fn config_file_include_and_fail_on_apply_unless_the_flags_are_given() {
    let env = TestEnv::new();
    tree(&env);
    env.write(
        ".keyhound.toml",
        "include = [\"src/\"]\nexclude = [\"db.py\"]\nfail_on = \"critical\"\n",
    );
    // Only src/, without db.py; the high AWS finding is below critical.
    let (run, keys) = scan(&env, &["."]);
    assert_eq!(
        (run.code, &keys[..]),
        (0, &[aws_src()][..]),
        "{}",
        run.stderr
    );
    // --include replaces the file's include; the excludes add up; --fail-on wins.
    let (run, keys) = scan(
        &env,
        &[
            "--include",
            "*.py",
            "--exclude",
            "vendor/",
            "--fail-on",
            "high",
            ".",
        ],
    );
    assert_eq!((run.code, &keys[..]), (1, &[aws_src()][..]));
    let (run, keys) = scan(&env, &["--include", "app/", "."]);
    assert_eq!((run.code, &keys[..]), (1, &[stripe()][..]));
    // The same settings in history.
    env.git_init();
    env.commit_all("all", "2024-01-01T00:00:00Z");
    let (run, keys) = scan(&env, &["--history", "."]);
    assert_eq!(
        (run.code, &keys[..]),
        (0, &[aws_src()][..]),
        "{}",
        run.stderr
    );
    // Invalid values name the file and line.
    env.write(".keyhound.toml", "\nfail_on = \"urgent\"\n");
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            // A lowercase word is shown; a value that could be a misplaced secret is redacted.
            "keyhound: error: .keyhound.toml: line 2: fail_on \"urgent\" is not one of critical, high, medium, low"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn hook_run_takes_the_filters_for_the_files_pre_commit_names() {
    let env = TestEnv::new();
    tree(&env);
    // The pre-commit framework names the files; the hook's args add the filters.
    let run = env.run(&[
        "hook",
        "run",
        "-f",
        "json",
        "--exclude",
        "vendor/",
        "--disable-rule",
        "generic-*",
        "vendor/lib.py",
        "src/settings.py",
        "src/db.py",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(finding_keys(&run), [aws_src()]);
    let run = env.run(&["hook", "run", "--fail-on", "critical", "src/settings.py"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("commit"),
        "no blocked-commit advice: {}",
        run.stderr
    );
}
