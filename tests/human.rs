//! Tests: the human output (aligned columns, source lines, history groups, plurals),
//! `--quiet` on every path, and terminal escaping of hostile names at the output edge.

use std::process::Command;

use crate::util::{fake, keyhound_bin, Run, TestEnv};

/// The summary's timing (`scanned in 0.01s (12.00 KiB/s)`) replaced, so output compares.
fn without_timing(text: &str) -> String {
    text.lines()
        .map(|l| match l.find(" scanned in ") {
            Some(at) => format!("{} scanned in [time]", &l[..at]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A repository with three providers in HEAD and a key that was committed and removed.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        "config/settings.py",
        format!(
            "# settings\nSTRIPE_KEY = \"{}\"\nAWS_ACCESS_KEY_ID = \"{}\"\n",
            fake::stripe_live(),
            fake::AWS_KEY_ID
        ),
    );
    env.write(
        ".github/workflows/ci.yml",
        format!(
            "env:\n  GH_TOKEN: {}\n",
            fake::github_pat("Hum4nOutputSn4psh0tC1T0k3n")
        ),
    );
    env.write(
        "deploy.env",
        format!("TOKEN={}\n", fake::github_pat("Rem0vedFr0mHeadD3pl0yT0k3n")),
    );
    env.commit_all("add settings, CI and deploy", "2024-03-04T05:06:07Z");
    env.git(&["rm", "-q", "deploy.env"]);
    // The AWS key id is replaced: history-only at line 3 in the first commit, between
    // findings of the second commit at lines 2 and 3 of the same file.
    env.write(
        "config/settings.py",
        format!(
            "# settings\nSTRIPE_KEY = \"{}\"\nGH_TOKEN = \"{}\"\n",
            fake::stripe_live(),
            fake::github_pat("R3pl4c3sTh3AwsK3yInS3tt1ngs")
        ),
    );
    env.commit_all(
        "remove deploy.env, rotate to a GitHub token",
        "2024-04-05T06:07:08Z",
    );
    env
}

#[test]
fn human_output_of_a_plain_scan() {
    let env = fixture();
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("plain_scan", without_timing(&run.stdout));
}

#[test]
fn human_output_of_a_history_scan_groups_by_path_and_commit() {
    let env = fixture();
    let run = env.run(&["scan", "--history", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("history_scan", without_timing(&run.stdout));
}

#[test]
fn counts_are_singular_for_one() {
    let env = TestEnv::new();
    env.write(
        "app.py",
        format!("T = \"{}\"\n", fake::github_pat("On3F1nd1ngOn3F1l3")),
    );
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("\n1 finding (1 distinct secret) in 1 file, "),
        "{}",
        run.stdout
    );
    env.write("big.txt", "x".repeat(2048));
    let run = env.run(&["scan", ".", "--max-file-size", "1K"]);
    assert!(
        run.stdout.contains("1 file skipped over --max-file-size"),
        "{}",
        run.stdout
    );
    let clean = TestEnv::new();
    clean.write("a.txt", "nothing\n");
    clean.write("b.txt", "nothing\n");
    let run = clean.run(&["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("0 findings (0 distinct secrets) in 2 files, "),
        "{}",
        run.stdout
    );
}

/// The pre-commit hook scans with `--quiet`: a staged file skipped for its size is still
/// named on stderr, so it does not pass unseen.
#[test]
fn quiet_still_names_a_skipped_staged_file() {
    let env = TestEnv::new();
    env.git_init();
    env.write("big.bin", "x".repeat(4096));
    env.git(&["add", "big.bin"]);
    let run = env.run(&["scan", "--staged", "-q", "--max-file-size", "1K"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let blob = env.git(&["rev-parse", ":big.bin"]);
    assert_eq!(
        run.stderr,
        format!(
            "keyhound: warning: big.bin (blob {}): skipped, 4096 bytes is over --max-file-size (1024 bytes)\n",
            blob.trim()
        )
    );
}

/// `--quiet`: nothing at all on a clean run, and only the findings on a dirty one, for
/// scans of paths, of staged changes, and `hook run`.
#[test]
fn quiet_prints_only_findings_on_every_path() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "# demo\n");
    env.commit_all("initial", "2024-01-01T00:00:00Z");
    env.write("clean.txt", "nothing here\n");
    env.git(&["add", "clean.txt"]);
    for args in [
        &["scan", ".", "-q"][..],
        &["scan", "--staged", "-q"],
        &["scan", "--format", "json", "--quiet", "."],
        &["hook", "run", "-q"],
        &["hook", "run", "-q", "clean.txt"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {:?}", run.stderr);
        let expected = if args.contains(&"json") { "[]\n" } else { "" };
        assert_eq!(run.stdout, expected, "{args:?}");
    }
    let pat = fake::github_pat("Qu13tD1rtyRunPr1ntsF1nd1ngs");
    env.write("app.py", format!("T = \"{pat}\"\n"));
    env.git(&["add", "app.py"]);
    for args in [
        &["scan", ".", "-q"][..],
        &["scan", "--staged", "-q"],
        &["hook", "run", "-q", "app.py"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stdout.starts_with("app.py\n1:6  "),
            "{args:?}: {}",
            run.stdout
        );
        assert!(
            !run.stdout.contains("scanned in"),
            "{args:?}: {}",
            run.stdout
        );
        if args[0] == "scan" {
            assert!(run.stderr.is_empty(), "{args:?}: {:?}", run.stderr);
        }
    }
    let (run, findings) = env.scan_json(&["-q", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(findings.len(), 1, "{}", run.stdout);
    assert!(run.stderr.is_empty(), "{:?}", run.stderr);
}

/// A file name with an escape sequence, a bidi override and a zero-width space: the
/// human output and a warning on stderr show each as a visible escape, never raw.
#[cfg(unix)]
#[test]
fn hostile_file_names_are_escaped_in_the_human_output_and_on_stderr() {
    let env = TestEnv::new();
    let name = "evil\u{1b}[2J\u{202e}vne.\u{200b}cfg";
    let shown = r"evil\x1b[2J\u{202e}vne.\u{200b}cfg";
    let pat = fake::github_pat("H0st1l3N4m3sAr3Esc4p3dV1s1bly");
    env.write(name, format!("TOKEN = \"{pat}\"\n"));
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with(&format!("{shown}\n1:10  critical  ")),
        "{:?}",
        run.stdout
    );
    for raw in ['\u{1b}', '\u{202e}', '\u{200b}'] {
        assert!(!run.stdout.contains(raw), "{raw:?} in {:?}", run.stdout);
    }
    // A warning names the file: it is over the size limit.
    let run = env.run(&["scan", ".", "--max-file-size", "8"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("keyhound: warning: {shown}: skipped, ")),
        "{:?}",
        run.stderr
    );
    for raw in ['\u{1b}', '\u{202e}', '\u{200b}'] {
        assert!(!run.stderr.contains(raw), "{raw:?} in {:?}", run.stderr);
    }
}

/// Scanned text is data: a line with control characters is kept as read in JSON, and
/// escaped only in the human output.
#[test]
fn snippets_keep_raw_text_in_json_and_are_escaped_for_the_terminal() {
    let env = TestEnv::new();
    let pat = fake::github_pat("Sn1pp3tsK33pR4wT3xt1nJs0n");
    env.write("a.sh", format!("echo \u{1b}[31m; T=\"{pat}\"\n"));
    let (run, findings) = env.scan_json(&["a.sh"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let snippet = findings[0]["snippet"].as_str().expect("snippet");
    assert!(
        snippet.starts_with("echo \u{1b}[31m; T=\"ghp_…"),
        "{snippet:?}"
    );
    let human = env.run(&["scan", "a.sh"]);
    assert!(
        human.stdout.contains("      echo \\x1b[31m; T=\"ghp_…"),
        "{:?}",
        human.stdout
    );
}

/// With colour, the secret in the source line is highlighted; the snapshot tests run
/// without colour.
#[test]
fn colour_highlights_the_match_in_the_source_line() {
    let env = TestEnv::new();
    let pat = fake::github_pat("C0l0urH1ghl1ghtsTh3M4tch");
    env.write("a.py", format!("T = \"{pat}\"  # token\n"));
    let out = Command::new(keyhound_bin())
        .args(["scan", "a.py", "--color", "always"])
        .current_dir(env.path())
        .output()
        .expect("run keyhound");
    let run = Run::from(out);
    let redacted = format!("ghp_…{}", &pat[pat.len() - 4..]);
    assert!(
        run.stdout
            .contains(&format!("T = \"\u{1b}[1;31m{redacted}\u{1b}[0m\"  # token")),
        "{:?}",
        run.stdout
    );
}

/// SARIF, like JSON, holds scanned text as data: with `--show-secrets` a private key in
/// the result message keeps its line breaks (once the JSON is parsed).
#[test]
fn show_secrets_sarif_keeps_a_private_key_intact() {
    let env = TestEnv::new();
    let body: String = (0..8)
        .map(|i| {
            format!(
                "{}\n",
                &"S4r1fK33psTh3K3yB0dyL1n3sInt4ctF0rT3st1ng".repeat(3)[i..i + 64]
            )
        })
        .collect();
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n");
    env.write("id_rsa.pem", &pem);
    let run = env.run(&["scan", "id_rsa.pem", "--show-secrets", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log = run.json();
    let message = log["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .expect("a result message");
    assert!(
        message.contains(&format!("-----BEGIN RSA PRIVATE KEY-----\n{}", &body[..65])),
        "{message:?}"
    );
    assert!(!message.contains('\u{FFFD}'), "{message:?}");
}
