//! Tests: built-in rules (every example through the whole matcher), `rules list`,
//! `rules check`, and custom rule files.

use std::sync::Arc;

use keyhound::matcher::{check_examples, Matcher};
use keyhound::rules::RuleSet;

use crate::util::{fake, finding_keys, TestEnv};

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

/// Two rules whose keywords overlap in the text: `zq_` ends where `_hook` begins. A search
/// that resumes after the first keyword it reports never sees the second, so the second
/// rule never ran; every occurrence is now reported and both rules find their secret.
#[test]
fn rules_with_overlapping_keywords_both_run() {
    let env = TestEnv::new();
    env.write(
        "overlap.toml",
        r#"
[[provider]]
id = "zq"
name = "ZQ"
revoke_url = "https://zq.test/keys"
docs_url = "https://zq.test/docs"
steps = ["Delete the key in the ZQ console."]

[[rule]]
id = "zq-key"
name = "ZQ key"
provider = "zq"
severity = "high"
confidence = "high"
keywords = ["zq_"]
regex = '''\b(zq_[a-z]+_[A-Za-z0-9]{20})\b'''
examples = ["zq_hook_T4nW8qLm2Vx7Rb5Kc9Jd"]
negative_examples = ["zq_hook_short"]

[[rule]]
id = "zq-hook-secret"
name = "ZQ hook secret"
provider = "zq"
severity = "high"
confidence = "high"
keywords = ["_hook:"]
regex = '''_hook:(?P<secret>[A-Za-z0-9]{16})\b'''
examples = ["_hook:P3xR7vK2mQ9wL5tB"]
negative_examples = ["_hook:short"]
"#,
    );
    env.write(
        "app.cfg",
        "first = zq_hook_T4nW8qLm2Vx7Rb5Kc9Jd\nsecond = zq_hook:H6yN2cV8bM4xZ1qW\n",
    );
    let run = env.run(&[
        "scan",
        "app.cfg",
        "--rules",
        "overlap.toml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let ids: Vec<(String, String, u64, u64)> = finding_keys(&run);
    let mine: Vec<_> = ids.iter().filter(|k| k.0.starts_with("zq-")).collect();
    assert_eq!(
        mine,
        [
            &("zq-hook-secret".to_string(), "app.cfg".to_string(), 2, 18),
            &("zq-key".to_string(), "app.cfg".to_string(), 1, 9),
        ]
    );
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
            "severity \"urgent\" is not one of",
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

#[test]
fn rules_list_is_sorted_by_id_in_both_formats_and_json_is_an_alias() {
    let env = TestEnv::new();
    let json = env.run(&["rules", "list", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let ids: Vec<String> = json
        .json()
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(env.run(&["rules", "list", "--json"]).stdout, json.stdout);
    let table = env.run(&["rules", "list"]);
    let table_ids: Vec<&str> = table
        .stdout
        .lines()
        .skip(1)
        .take(ids.len())
        .map(|l| l.split_whitespace().next().expect("an id"))
        .collect();
    assert_eq!(table_ids, ids);
    let both = env.run(&["rules", "list", "--json", "--format", "human"]);
    assert_eq!(both.code, 2, "{}", both.stderr);
}

#[test]
fn rules_explain_shows_the_rule_its_examples_and_rotation() {
    let env = TestEnv::new();
    let run = env.run(&["rules", "explain", "aws-access-key-id"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "aws-access-key-id: AWS access key ID\n",
        "Amazon Web Services (aws) issues these secrets.\n",
        "Severity:    high\n",
        "Confidence:  high\n",
        "Defined in:  rules/aws.toml (built in)\n",
        "    \\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b\n",
        "Keywords:    AKIA, ASIA, ABIA, ACCA\n",
        "Excluded:    secrets matching EXAMPLE$\n",
        // The built-in examples are fake, printed as the rule file has them.
        "Examples that match:\n    aws_access_key_id = AKIA4V6MFVJF2LBFKKWY\n",
        "Examples that do not match:\n    aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
        "How to rotate a leaked one (Amazon Web Services):\n  1. In the IAM console",
        "  Revoke: https://console.aws.amazon.com/iam/home#/users\n",
    ] {
        assert!(
            run.stdout.contains(expected),
            "lacks {expected:?}:\n{}",
            run.stdout
        );
    }
    let json = env.run(&["rules", "explain", "github-classic-pat", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let rule = json.json();
    assert_eq!(rule["id"], "github-classic-pat");
    assert_eq!(rule["provider"]["id"], "github");
    assert_eq!(rule["checksum"], "github-crc32");
    assert!(rule["regex"].as_str().expect("regex").contains("ghp_"));
    assert!(!rule["examples"].as_array().expect("examples").is_empty());
    assert!(!rule["provider"]["steps"]
        .as_array()
        .expect("steps")
        .is_empty());
}

#[test]
fn rules_explain_prints_a_user_rules_examples_only_with_show_secrets() {
    let env = TestEnv::new();
    env.write("my-rules.toml", CUSTOM);
    let run = env.run(&["rules", "explain", "acme-token", "--rules", "my-rules.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Defined in:  my-rules.toml\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "Examples: 1 that match, 1 that do not (in my-rules.toml; --show-secrets prints them)"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("acme_Q2v8"), "{}", run.stdout);
    let shown = env.run(&[
        "rules",
        "explain",
        "acme-token",
        "--rules",
        "my-rules.toml",
        "--show-secrets",
    ]);
    assert!(
        shown
            .stdout
            .contains("    ACME=acme_Q2v8Lr0XkTz4mB9pWc7sYh1d\n"),
        "{}",
        shown.stdout
    );
    let json = env.run(&[
        "rules",
        "explain",
        "acme-token",
        "--rules",
        "my-rules.toml",
        "-f",
        "json",
    ]);
    assert_eq!(json.json()["examples"], serde_json::Value::Null);
}

#[test]
fn rules_explain_of_an_unknown_id_offers_close_matches_and_exits_two() {
    let env = TestEnv::new();
    for (id, offered) in [
        ("github-pat-classic", "(did you mean github-classic-pat?)"),
        ("aws-acess-key-id", "(did you mean aws-access-key-id?)"),
        (
            "stripe-secret",
            "(did you mean stripe-webhook-secret, stripe-live-secret-key, stripe-test-secret-key?)",
        ),
    ] {
        let run = env.run(&["rules", "explain", id]);
        assert_eq!(run.code, 2, "{id}: {}", run.stdout);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(
            run.stderr.contains(&format!(
                "keyhound: error: no rule has the id \"{id}\" {offered}"
            )),
            "{id}: {}",
            run.stderr
        );
    }
    let run = env.run(&["rules", "explain", "zzzz"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: no rule has the id \"zzzz\"; `keyhound rules list` shows every rule\n"
    );
}

/// A rule file that cannot be read is named once with its cause, not the cause twice.
#[test]
fn unreadable_rule_file_names_its_cause_once() {
    let env = TestEnv::new();
    let run = env.run(&["scan", ".", "--rules", "missing.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("missing.toml: cannot read rule file"),
        "{}",
        run.stderr
    );
}
