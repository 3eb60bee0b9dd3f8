//! Tests: `.keyhound.toml` and `--config FILE`.

use crate::util::{fake, Run, TestEnv};

fn scan_json(env: &TestEnv, extra: &[&str]) -> (Run, Vec<serde_json::Value>) {
    let (run, list) = env.scan_json(extra);
    assert_ne!(run.code, 2, "{}", run.stderr);
    (run, list)
}

fn rules_of(list: &[serde_json::Value]) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = list
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["rule"].as_str().expect("rule"),
            )
        })
        .collect();
    out.sort_unstable();
    out
}

/// A GitHub token and a Stripe key.
fn two_secrets() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "src/config.py",
        format!("GITHUB = \"{}\"\n", fake::github_pat("config1")),
    );
    env.write(
        "billing.env",
        format!("STRIPE_KEY={}\n", fake::stripe_live()),
    );
    env
}

#[test]
fn without_config_both_are_found() {
    let env = two_secrets();
    let (run, list) = scan_json(&env, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        rules_of(&list),
        [
            ("billing.env", "stripe-live-secret-key"),
            ("src/config.py", "github-classic-pat")
        ]
    );
}

#[test]
fn disable_turns_a_rule_off() {
    let env = two_secrets();
    // `STRIPE_KEY=<random>` is also a random value under a `*_KEY` name: turn both rules off.
    env.write(
        ".keyhound.toml",
        "disable = [\"stripe-live-secret-key\", \"generic-key-assignment\"]\n",
    );
    let (run, list) = scan_json(&env, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(rules_of(&list), [("src/config.py", "github-classic-pat")]);
}

#[test]
fn severity_table_overrides_a_rule() {
    let env = two_secrets();
    env.write(
        ".keyhound.toml",
        "[severity]\nstripe-live-secret-key = \"low\"\n",
    );
    let (_, list) = scan_json(&env, &[]);
    let stripe = list
        .iter()
        .find(|f| f["rule"] == "stripe-live-secret-key")
        .expect("stripe");
    assert_eq!(stripe["severity"], "low");
    let github = list
        .iter()
        .find(|f| f["rule"] == "github-classic-pat")
        .expect("github");
    assert_ne!(github["severity"], "low");
}

#[test]
fn exclude_globs_skip_paths() {
    let env = two_secrets();
    env.write(
        "vendor/lib/keys.py",
        format!("K = \"{}\"\n", fake::github_pat("vendored")),
    );
    env.write(".keyhound.toml", "exclude = [\"vendor/\", \"*.env\"]\n");
    let (run, list) = scan_json(&env, &[]);
    assert_eq!(rules_of(&list), [("src/config.py", "github-classic-pat")]);
    assert!(
        !run.stderr.contains("suppressed"),
        "excluded files are not scanned: {}",
        run.stderr
    );
}

#[test]
fn exclude_globs_apply_to_history_findings() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        "vendor/keys.py",
        format!("K = \"{}\"\n", fake::stripe_live()),
    );
    env.write(
        "app.py",
        format!("T = \"{}\"\n", fake::github_pat("history7")),
    );
    env.commit_all("add keys", "2024-01-01T00:00:00Z");
    std::fs::remove_dir_all(env.path().join("vendor")).expect("rm vendor");
    std::fs::remove_file(env.path().join("app.py")).expect("rm app.py");
    env.commit_all("remove keys", "2024-01-02T00:00:00Z");
    env.write(".keyhound.toml", "exclude = [\"vendor/\"]\n");
    let (run, list) = scan_json(&env, &["--history", "."]);
    assert_eq!(rules_of(&list), [("app.py", "github-classic-pat")]);
    // Excluded as in a working-tree scan (never read), not found and then suppressed.
    assert!(
        !run.stderr.contains("suppressed"),
        "excluded paths are not scanned: {}",
        run.stderr
    );
}

#[test]
fn allowlisted_fingerprint_is_suppressed_and_counted() {
    let env = two_secrets();
    let (_, list) = scan_json(&env, &[]);
    let stripe = list
        .iter()
        .find(|f| f["rule"] == "stripe-live-secret-key")
        .expect("stripe");
    let fingerprint = stripe["fingerprint"].as_str().expect("fp").to_uppercase();
    env.write(
        ".keyhound.toml",
        format!("[allowlist]\nfingerprints = [\"{fingerprint}\"]\n"),
    );
    let (run, list) = scan_json(&env, &[]);
    assert_eq!(rules_of(&list), [("src/config.py", "github-classic-pat")]);
    assert!(run.stderr.contains("1 suppressed"), "{}", run.stderr);
}

#[test]
fn allowlist_regexes_match_the_secret() {
    let env = two_secrets();
    env.write(
        ".keyhound.toml",
        "[allowlist]\nregexes = ['^sk_live_4eC39']\n",
    );
    let (_, list) = scan_json(&env, &[]);
    assert_eq!(rules_of(&list), [("src/config.py", "github-classic-pat")]);
}

#[test]
fn allowlist_paths_suppress_findings_there() {
    let env = two_secrets();
    env.write(
        "tests/fixtures/token.py",
        format!("T = \"{}\"\n", fake::github_pat("fixture9")),
    );
    env.write(
        ".keyhound.toml",
        "[allowlist]\npaths = [\"tests/fixtures/\", \"billing.env\"]\n",
    );
    let (run, list) = scan_json(&env, &[]);
    assert_eq!(rules_of(&list), [("src/config.py", "github-classic-pat")]);
    assert!(run.stderr.contains("2 suppressed"), "{}", run.stderr);
}

#[test]
fn extra_rule_files_are_relative_to_the_config() {
    let env = TestEnv::new();
    env.write("src/app.txt", "acme_key = ACME-7f3k9q2m8x4w1z6v\n");
    env.write(
        "ci/acme.toml",
        r#"
[[provider]]
id = "acme"
name = "Acme"
revoke_url = "https://acme.test/keys"
docs_url = "https://acme.test/docs"
steps = ["Revoke it."]

[[rule]]
id = "acme-key"
name = "Acme key"
provider = "acme"
severity = "high"
confidence = "high"
keywords = ["ACME-"]
regex = '(ACME-[0-9a-z]{16})'
examples = ["ACME-7f3k9q2m8x4w1z6v"]
negative_examples = ["ACME-short"]
"#,
    );
    env.write("ci/keyhound.toml", "rules = [\"acme.toml\"]\n");
    let (run, list) = scan_json(&env, &["--config", "ci/keyhound.toml", "src"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(rules_of(&list), [("src/app.txt", "acme-key")]);
}

#[test]
fn max_file_size_applies_unless_given_on_the_command_line() {
    let env = two_secrets();
    env.write(".keyhound.toml", "max_file_size = \"20\"\n");
    let (run, list) = scan_json(&env, &[]);
    assert!(list.is_empty(), "{list:?}");
    assert!(
        run.stderr.contains("3 files skipped over --max-file-size"),
        "{}",
        run.stderr
    );
    let (_, list) = scan_json(&env, &["--max-file-size", "1M"]);
    assert_eq!(list.len(), 2);
}

/// Regression: `--max-file-size 64M` is also the built-in default, and the file's value
/// used to win over it because the two could not be told apart.
#[test]
fn explicit_flag_equal_to_the_default_beats_the_config_file() {
    let env = two_secrets();
    env.write(".keyhound.toml", "max_file_size = \"20\"\n");
    let (run, list) = scan_json(&env, &["--max-file-size", "64M"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        rules_of(&list),
        [
            ("billing.env", "stripe-live-secret-key"),
            ("src/config.py", "github-classic-pat")
        ]
    );
    assert!(!run.stderr.contains("skipped"), "{}", run.stderr);
}

/// A one-rule file for `prefix` tokens (`PREFIX-` and 16 lowercase letters or digits).
fn prefix_rule(id: &str, prefix: &str) -> String {
    format!(
        r#"
[[provider]]
id = "{id}"
name = "{id}"
revoke_url = "https://{id}.test/keys"
docs_url = "https://{id}.test/docs"
steps = ["Revoke it."]

[[rule]]
id = "{id}-key"
name = "{id} key"
provider = "{id}"
severity = "high"
confidence = "high"
keywords = ["{prefix}-"]
regex = '({prefix}-[0-9a-z]{{16}})'
examples = ["{prefix}-7f3k9q2m8x4w1z6v"]
negative_examples = ["{prefix}-short"]
"#
    )
}

#[test]
fn rule_files_from_flags_and_config_are_both_loaded() {
    let env = TestEnv::new();
    env.write(
        "src/app.txt",
        "a = ACME-7f3k9q2m8x4w1z6v
b = BETA-q2m8x4w1z6v7f3k9
",
    );
    env.write("rules/acme.toml", prefix_rule("acme", "ACME"));
    env.write("rules/beta.toml", prefix_rule("beta", "BETA"));
    // The scan root is `src`, so its `.keyhound.toml` applies.
    env.write("src/.keyhound.toml", "rules = [\"../rules/beta.toml\"]\n");
    let (run, list) = scan_json(&env, &["--rules", "rules/acme.toml", "src"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        rules_of(&list),
        [("src/app.txt", "acme-key"), ("src/app.txt", "beta-key")]
    );
}

#[test]
fn min_entropy_applies_to_generic_rules() {
    let env = TestEnv::new();
    env.write("settings.py", "password = \"Zq8vLm2pX9tRw4sKd7fH\"\n");
    let (_, list) = scan_json(&env, &[]);
    assert_eq!(list.len(), 1, "{list:?}");
    assert!(list[0]["rule"]
        .as_str()
        .expect("rule")
        .starts_with("generic-"));
    assert!(list[0]["entropy"].as_f64().expect("entropy") < 5.0);
    env.write(".keyhound.toml", "min_entropy = 5.0\n");
    let (run, list) = scan_json(&env, &[]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}");
}

#[test]
fn config_file_at_the_scan_root() {
    let env = TestEnv::new();
    env.write(
        "repo/billing.env",
        format!("STRIPE_KEY={}\n", fake::stripe_live()),
    );
    env.write(
        "repo/.keyhound.toml",
        "disable = [\"stripe-live-secret-key\", \"generic-key-assignment\"]\n",
    );
    let (run, list) = scan_json(&env, &["repo"]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}");
}

#[test]
fn invalid_config_names_file_and_line() {
    let env = two_secrets();
    env.write(
        ".keyhound.toml",
        "# settings\n\ndisable = [\"x\"\nexclude = []\n",
    );
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(".keyhound.toml: line "),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "no report on a config error: {}",
        run.stdout
    );

    env.write(
        ".keyhound.toml",
        "# settings\n\n[severity]\nstripe-live-secret-key = \"urgent\"\n",
    );
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            ".keyhound.toml: line 4: severity \"urgent\" of rule \"stripe-live-secret-key\""
        ),
        "{}",
        run.stderr
    );

    env.write(
        ".keyhound.toml",
        "[allowlist]\nregexes = [\"ok\",\n  \"(unclosed\"]\n",
    );
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("line 3: allowlist regex does not compile"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_keys_and_rule_ids_are_errors() {
    let env = two_secrets();
    env.write(".keyhound.toml", "disable = []\nexlude = [\"vendor/\"]\n");
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(".keyhound.toml: line 2: unknown field `exlude`, expected one of"),
        "{}",
        run.stderr
    );

    env.write(".keyhound.toml", "[allowlist]\nfingerprint = []\n");
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("line 2: unknown field `fingerprint`, expected"),
        "{}",
        run.stderr
    );

    env.write(
        ".keyhound.toml",
        "\ndisable = [\"stripe-live-secret-kye\"]\n",
    );
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            ".keyhound.toml: line 2: disable: unknown rule id \"stripe-live-secret-kye\""
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn explicit_config_must_exist() {
    let env = two_secrets();
    let run = env.run(&["scan", "--config", "missing.toml", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("missing.toml: cannot read config file"),
        "{}",
        run.stderr
    );
}

/// An allowlist regex is often the secret itself: when it does not compile, the error
/// names the file, the line and what is wrong, never the pattern.
#[test]
fn a_bad_allowlist_regex_is_reported_without_its_pattern() {
    let env = two_secrets();
    let secret_like = "sk_live_Z63FQ8wLm2Rt7Vx4Nb9Kc1Py";
    env.write(
        ".keyhound.toml",
        format!("[allowlist]\nregexes = [\"({secret_like}\"]\n"),
    );
    let run = env.run(&["scan", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("allowlist regex does not compile: unclosed group"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Z63FQ8"), "{}", run.stderr);
}
