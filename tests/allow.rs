//! Tests: inline allow-comments (`keyhound:allow [rule-id]`, `gitleaks:allow`,
//! `pragma: allowlist secret`) and the suppressed count in the summary.

use crate::util::{fake, Run, TestEnv};

fn scan_json(env: &TestEnv) -> (Run, Vec<serde_json::Value>) {
    let (run, list) = env.scan_json(&["."]);
    assert_ne!(run.code, 2, "{}", run.stderr);
    (run, list)
}

fn lines(list: &[serde_json::Value]) -> Vec<(&str, u64)> {
    list.iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

/// One file with the Stripe key on line 1 (no comment) and on line 2 with `comment`.
fn with_comment(comment: &str) -> TestEnv {
    let env = TestEnv::new();
    let key = fake::stripe_live();
    env.write(
        "keys.py",
        format!("A = \"{key}\"\nB = \"{key}\"  {comment}\n"),
    );
    env
}

#[test]
fn keyhound_allow_suppresses_its_line_only() {
    let env = with_comment("# keyhound:allow");
    let (run, list) = scan_json(&env);
    assert_eq!(run.code, 1);
    assert_eq!(lines(&list), [("keys.py", 1)]);
    assert!(run.stderr.contains("1 suppressed"), "{}", run.stderr);
}

#[test]
fn keyhound_allow_with_the_rule_id_suppresses_that_rule() {
    let env = with_comment("# keyhound:allow stripe-live-secret-key");
    let (_, list) = scan_json(&env);
    assert_eq!(lines(&list), [("keys.py", 1)]);
}

#[test]
fn keyhound_allow_with_another_rule_id_does_not_suppress() {
    let env = with_comment("// keyhound:allow github-classic-pat");
    let (run, list) = scan_json(&env);
    assert_eq!(lines(&list), [("keys.py", 1), ("keys.py", 2)]);
    assert!(!run.stderr.contains("suppressed"), "{}", run.stderr);
}

#[test]
fn keyhound_allow_rule_ids_on_a_line_with_two_secrets() {
    let env = TestEnv::new();
    let line = format!(
        "pair = [\"{}\", \"{}\"]  # keyhound:allow github-classic-pat\n",
        fake::github_pat("allowrule"),
        fake::stripe_live()
    );
    env.write("pair.py", line);
    let (_, list) = scan_json(&env);
    let rules: Vec<&str> = list
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    assert_eq!(rules, ["stripe-live-secret-key"]);
}

#[test]
fn gitleaks_allow_is_honoured() {
    let env = with_comment("# gitleaks:allow");
    let (_, list) = scan_json(&env);
    assert_eq!(lines(&list), [("keys.py", 1)]);
}

#[test]
fn pragma_allowlist_secret_is_honoured() {
    let env = with_comment("# pragma: allowlist secret");
    let (_, list) = scan_json(&env);
    assert_eq!(lines(&list), [("keys.py", 1)]);
}

#[test]
fn a_comment_on_the_next_line_does_not_suppress() {
    let env = TestEnv::new();
    env.write(
        "keys.py",
        format!("A = \"{}\"\n# keyhound:allow\n", fake::stripe_live()),
    );
    let (run, list) = scan_json(&env);
    assert_eq!((run.code, lines(&list)), (1, vec![("keys.py", 1)]));
}

#[test]
fn suppressed_findings_are_counted_in_the_human_summary() {
    let env = TestEnv::new();
    let key = fake::stripe_live();
    env.write(
        "keys.py",
        format!("A = \"{key}\"  # keyhound:allow\nB = \"{key}\"  # gitleaks:allow\nC = \"{key}\"  # pragma: allowlist secret\n"),
    );
    let run = env.run(&["scan", "."]);
    assert_eq!(
        run.code, 0,
        "everything suppressed is a clean run: {}",
        run.stderr
    );
    let summary: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("suppressed"))
        .collect();
    assert_eq!(summary, ["3 suppressed"], "{}", run.stdout);
    assert!(run.stdout.starts_with("0 findings"), "{}", run.stdout);
}
