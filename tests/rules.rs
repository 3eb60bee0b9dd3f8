//! Tests: built-in rules (every example through the whole matcher), `rules list`,
//! `rules check`, and custom rule files.

use std::sync::Arc;

use keyhound::matcher::{check_examples, Matcher};
use keyhound::rules::RuleSet;

use crate::util::{fake, TestEnv};

#[test]
fn every_builtin_rule_compiles_and_its_examples_hold() {
    let set = RuleSet::builtin().expect("built-in rules load");
    assert!(set.rules.len() >= 150, "only {} rules", set.rules.len());
    for rule in &set.rules {
        rule.regex
            .compile()
            .unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        assert!(
            !rule.examples.is_empty() && !rule.negative_examples.is_empty(),
            "{}",
            rule.id
        );
    }
    let matcher = Matcher::new(Arc::new(set));
    let failures = check_examples(&matcher, |_| true);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_provider_has_rotation_facts() {
    let set = RuleSet::builtin().expect("built-in rules load");
    for p in &set.providers {
        assert!(p.revoke_url.starts_with("https://"), "{}", p.id);
        assert!(p.docs_url.starts_with("https://"), "{}", p.id);
        assert!(!p.steps.is_empty(), "{}", p.id);
    }
}

#[test]
fn rules_list_shows_every_rule() {
    let env = TestEnv::new();
    let run = env.run(&["rules", "list", "--json"]);
    assert_eq!(run.code, 0);
    let rows = run.json();
    let ids: Vec<&str> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert!(
        ids.contains(&"aws-access-key-id") && ids.contains(&"github-classic-pat"),
        "{ids:?}"
    );
    let table = env.run(&["rules", "list"]);
    assert!(
        table.stdout.contains(&format!("{} rules", ids.len())),
        "{}",
        table.stdout
    );
}

const CUSTOM: &str = r#"
[[provider]]
id = "acme"
name = "Acme"
revoke_url = "https://acme.test/keys"
docs_url = "https://acme.test/docs"
steps = ["Delete the key in the Acme console."]

[[rule]]
id = "acme-token"
name = "Acme token"
provider = "acme"
severity = "high"
confidence = "high"
keywords = ["acme_"]
regex = '''\b(acme_[A-Za-z0-9]{24})\b'''
examples = ["ACME=acme_Q2v8Lr0XkTz4mB9pWc7sYh1d"]
negative_examples = ["ACME=acme_short"]
"#;

#[test]
fn custom_rules_check_and_scan() {
    let env = TestEnv::new();
    env.write("my-rules.toml", CUSTOM);
    let check = env.run(&["rules", "check", "my-rules.toml"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.contains("1 rules OK"), "{}", check.stdout);
    env.write("src/app.env", "ACME=acme_Zx1Vb7Nq4Lw9Ke2Rt6Yp3Um8\n");
    let run = env.run(&[
        "scan",
        "src",
        "--rules",
        "my-rules.toml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()[0]["rule"], "acme-token");
    assert_eq!(run.json()[0]["secret"], "acme_…3Um8");
}

#[test]
fn failing_examples_are_reported() {
    let env = TestEnv::new();
    env.write(
        "bad.toml",
        CUSTOM.replace("acme_Q2v8Lr0XkTz4mB9pWc7sYh1d", "acme_tooShort"),
    );
    let run = env.run(&["rules", "check", "bad.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        !run.stdout.contains("acme_tooShort"),
        "examples are not echoed"
    );
    assert!(
        run.stdout
            .contains("acme-token: example did not match (examples[1]); found: nothing"),
        "{}",
        run.stdout
    );
}

#[test]
fn malformed_rule_files_are_errors_naming_file_and_rule() {
    let env = TestEnv::new();
    let cases = [
        (
            CUSTOM.replace(r"{24})\b", r"{24}\b"),
            "regex does not compile",
        ),
        (
            // Parentheses, but escaped: no group to capture the secret.
            CUSTOM.replace(r"\b(acme_[A-Za-z0-9]{24})\b", r"\(acme_[A-Za-z0-9]{24}\)"),
            "rule \"acme-token\": regex needs a capture group",
        ),
        (
            CUSTOM.replace(
                "negative_examples = [\"ACME=acme_short\"]",
                "negative_examples = []",
            ),
            "negative_example",
        ),
        (
            CUSTOM.replace("severity = \"high\"", "severity = \"urgent\""),
            "severity \"********\" is not one of",
        ),
        (
            CUSTOM.replace("provider = \"acme\"", "provider = \"nobody\""),
            "unknown provider",
        ),
        (
            CUSTOM.replace("[[rule]]", "[[rule]]\nbogus = 1"),
            "unknown field",
        ),
        ("this is = not toml [".to_string(), "invalid rule file"),
    ];
    for (text, expected) in cases {
        env.write("broken.toml", &text);
        let run = env.run(&["scan", ".", "--rules", "broken.toml"]);
        assert_eq!(run.code, 2, "{expected}");
        assert!(
            run.stderr.contains("broken.toml") && run.stderr.contains(expected),
            "{expected}: {}",
            run.stderr
        );
    }
}

#[test]
fn wrong_github_checksum_is_not_reported() {
    let env = TestEnv::new();
    let good = fake::github_pat("Ck3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    let mut bad = good.clone().into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).expect("ASCII");
    env.write("good.txt", format!("{good}\n"));
    env.write("bad.txt", format!("{bad}\n"));
    let run = env.run(&["scan", ".", "--format", "json"]);
    let all = run.json();
    let paths: Vec<&str> = all
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, vec!["good.txt"]);
}
