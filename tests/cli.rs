//! Tests: help text, argument errors and exit codes.

use crate::util::{fake, TestEnv};

#[test]
fn help_documents_every_scan_flag_and_exit_codes() {
    let env = TestEnv::new();
    let run = env.run(&["scan", "--help"]);
    assert_eq!(run.code, 0);
    for flag in [
        "--format",
        "--output",
        "--show-secrets",
        "--rules",
        "--no-ignore",
        "--follow",
        "--max-file-size",
        "--threads",
        "--color",
        "--quiet",
        "--history",
        "--all-objects",
        "--since",
        "--staged",
        "--range",
        "--config",
        "--baseline",
        "--write-baseline",
        "--checklist",
        "--include",
        "--exclude",
        "--enable-rule",
        "--disable-rule",
        "--fail-on",
        "--exit-code",
    ] {
        assert!(
            run.stdout.contains(flag),
            "--help lacks {flag}:\n{}",
            run.stdout
        );
    }
    let top = env.run(&["--help"]);
    assert!(
        top.stdout
            .contains("Exit status:\n  0  nothing found (or only findings below `scan --fail-on`)\n  1  findings (`scan --exit-code N` changes it)\n  2  error"),
        "{}",
        top.stdout
    );
}

#[test]
fn bad_arguments_exit_two() {
    let env = TestEnv::new();
    for args in [
        &["scan", "--format", "xml"][..],
        &["scan", "--max-file-size", "lots"],
        &["scan", "--staged", "--history"],
        &["frobnicate"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn stdin_cannot_mix_with_paths() {
    let env = TestEnv::new();
    let run = env.run(&["scan", "-", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("stdin"), "{}", run.stderr);
}

/// A key pasted into the wrong flag is redacted in the error that quotes the flag's value,
/// as it would be in a report; a plain glob is still quoted as written.
#[test]
fn errors_quoting_a_flag_value_redact_a_key_in_it() {
    let env = TestEnv::new();
    env.write("main.rs", "fn main() {}\n");
    let pat = fake::github_pat("errorQuotesFlag");
    for flag in ["--exclude", "--include", "--enable-rule", "--disable-rule"] {
        let run = env.run(&["scan", ".", flag, &format!("{pat}{{")]);
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
        assert!(!run.stderr.contains(&pat), "{flag}: {}", run.stderr);
        let shown = format!("{}…{}", &pat[..4], &pat[pat.len() - 4..]);
        assert!(run.stderr.contains(&shown), "{flag}: {}", run.stderr);
    }
    // Errors from argument parsing too: a bad value, an unknown flag, an unknown command.
    let flag = format!("--{pat}");
    let parse_errors: [&[&str]; 4] = [
        &["scan", ".", "--format", &pat],
        &["scan", ".", "--threads", &pat],
        &["scan", &flag, "."],
        &[&pat],
    ];
    for args in parse_errors {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains(&pat), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("ghp_…"), "{args:?}: {}", run.stderr);
    }
    let run = env.run(&["scan", ".", "--exclude", "vendor/{a"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--exclude \"vendor/{a\""),
        "{}",
        run.stderr
    );
}
