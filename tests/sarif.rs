//! Tests: SARIF output for GitHub code scanning. Every log is validated against the
//! OASIS SARIF 2.1.0 JSON schema (vendored in `tests/data/`), then parsed into
//! `serde-sarif` types and checked field by field, with what GitHub expects beyond the
//! schema.

use std::collections::BTreeSet;

use serde_json::Value;
use serde_sarif::sarif::Sarif;
use sha2::{Digest, Sha256};

use crate::util::{fake, sarif, TestEnv};

/// A fake Slack webhook URL (medium severity), shaped like the rule expects.
const SLACK_WEBHOOK: &str =
    "hooks.slack.com/services/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";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The scanner's fingerprint of a secret: the first 128 bits of SHA-256.
fn fingerprint(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes())[..16])
}

/// What `partialFingerprints["keyhound/v1"]` must be for a rule and a secret.
fn partial(rule: &str, secret: &str) -> String {
    hex(&Sha256::digest(
        format!("{rule}:{}", fingerprint(secret)).as_bytes(),
    ))
}

fn scan_sarif(env: &TestEnv, extra: &[&str]) -> (Value, Sarif) {
    let mut args = vec![
        "scan",
        ".",
        "-q",
        "--format",
        "sarif",
        "--output",
        "keyhound.sarif",
    ];
    args.extend_from_slice(extra);
    let run = env.run(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "unexpected exit {}: {}",
        run.code,
        run.stderr
    );
    let text =
        std::fs::read_to_string(env.path().join("keyhound.sarif")).expect("SARIF file written");
    std::fs::remove_file(env.path().join("keyhound.sarif"))
        .expect("remove the log before the next scan");
    let value: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_valid_for_github(&value);
    let log: Sarif =
        serde_json::from_str(&text).expect("SARIF deserialises into serde-sarif types");
    (value, log)
}

/// Valid against the SARIF 2.1.0 schema, plus what GitHub code scanning expects beyond
/// it: one run by keyhound, a `security-severity` that is a number from 0 to 10 in a
/// string, a `ruleIndex` that points at the result's rule, one location per result, and a
/// relative URI without spaces or backslashes.
fn assert_valid_for_github(log: &Value) {
    sarif::assert_valid(log);
    let runs = log["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "keyhound");
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for rule in &rules {
        let sev: f64 = rule["properties"]["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .expect("security-severity is a number");
        assert!((0.0..=10.0).contains(&sev));
    }
    let results = run["results"]
        .as_array()
        .expect("results is an array, even when empty");
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        let locations = r["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(
            !uri.contains([' ', '\\']) && !uri.starts_with('/'),
            "uri {uri}"
        );
    }
}

/// The schema check is real: a valid log passes, and each way of breaking it (a missing
/// required property, a value outside an enum, a line number below 1, a property the
/// schema does not allow) fails with the path of the offending value.
#[test]
fn the_schema_rejects_broken_logs() {
    let env = TestEnv::new();
    env.write(
        "config.py",
        format!("TOKEN = \"{}\"\n", fake::github_pat("schemaCheck")),
    );
    let (valid, _) = scan_sarif(&env, &[]);
    assert!(sarif::schema_errors(&valid).is_empty());
    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 4] = [
        ("", |log| {
            log.as_object_mut().expect("object").remove("version");
        }),
        ("/runs/0/results/0/level", |log| {
            log["runs"][0]["results"][0]["level"] = "fatal".into();
        }),
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            |log| {
                log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                    ["startLine"] = 0.into();
            },
        ),
        ("/runs/0/tool/driver", |log| {
            log["runs"][0]["tool"]["driver"]["colour"] = "red".into();
        }),
    ];
    for (path, breakage) in breakages {
        let mut broken = valid.clone();
        breakage(&mut broken);
        let errors = sarif::schema_errors(&broken);
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{path}: "))),
            "{path}: {errors:?}"
        );
    }
}

#[test]
fn sarif_has_exact_results_rules_fingerprints_and_uris() {
    let env = TestEnv::new();
    let pat = fake::github_pat("sarifExactResults");
    let stripe = fake::stripe_live();
    env.write("config/app.env", format!("GITHUB_TOKEN={pat}\n"));
    env.write(
        "dir with space/keys.txt",
        format!("# keys\nstripe = \"{stripe}\"\n"),
    );
    env.write(
        "src/hook.py",
        format!("URL = \"https://{SLACK_WEBHOOK}\"\n"),
    );
    let (_, log) = scan_sarif(&env, &[]);

    let run = &log.runs[0];
    let driver = &run.tool.driver;
    assert_eq!(driver.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    assert!(driver
        .information_uri
        .as_deref()
        .is_some_and(|u| u.starts_with("https://")));
    let rules = driver.rules.as_ref().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "github-classic-pat",
            "slack-incoming-webhook",
            "stripe-live-secret-key"
        ]
    );

    let github = &rules[0];
    let help = github.help.as_ref().expect("help");
    assert!(
        help.text.contains("https://github.com/settings/tokens"),
        "{}",
        help.text
    );
    assert!(help
        .markdown
        .as_deref()
        .is_some_and(|m| m.contains("https://github.com/settings/tokens")));
    let props = github.properties.as_ref().expect("properties");
    let tags = props.tags.as_ref().expect("tags");
    assert!(tags.contains(&"security".to_string()) && tags.contains(&"secret".to_string()));
    assert_eq!(props.additional_properties["security-severity"], "9.5");
    let level = |i: usize| {
        rules[i]
            .default_configuration
            .as_ref()
            .and_then(|c| c.level.clone())
    };
    assert_eq!(level(0), Some(Value::from("error")));
    assert_eq!(level(1), Some(Value::from("warning")));
    assert_eq!(
        rules[1]
            .properties
            .as_ref()
            .expect("properties")
            .additional_properties["security-severity"],
        "5.5"
    );
    assert!(rules[1]
        .help
        .as_ref()
        .expect("help")
        .text
        .contains("https://api.slack.com/apps"));

    let results = run.results.as_ref().expect("results");
    let got: BTreeSet<(String, i64, String, [i64; 4], String, String)> = results
        .iter()
        .map(|r| {
            let physical = r.locations.as_ref().expect("locations")[0]
                .physical_location
                .as_ref()
                .expect("physical location");
            let region = physical.region.as_ref().expect("region");
            (
                r.rule_id.clone().expect("ruleId"),
                r.rule_index.expect("ruleIndex"),
                physical
                    .artifact_location
                    .as_ref()
                    .and_then(|a| a.uri.clone())
                    .expect("uri"),
                [
                    region.start_line.expect("startLine"),
                    region.start_column.expect("startColumn"),
                    region.end_line.expect("endLine"),
                    region.end_column.expect("endColumn"),
                ],
                r.partial_fingerprints
                    .as_ref()
                    .expect("partialFingerprints")["keyhound/v1"]
                    .clone(),
                r.level.expect("level").to_string(),
            )
        })
        .collect();
    let slack_secret = SLACK_WEBHOOK;
    let expected: BTreeSet<_> = [
        (
            "github-classic-pat".to_string(),
            0,
            "config/app.env".to_string(),
            [1, 14, 1, 14 + pat.len() as i64],
            partial("github-classic-pat", &pat),
            "error".to_string(),
        ),
        (
            "slack-incoming-webhook".to_string(),
            1,
            "src/hook.py".to_string(),
            [1, 16, 1, 16 + slack_secret.len() as i64],
            partial("slack-incoming-webhook", slack_secret),
            "warning".to_string(),
        ),
        (
            "stripe-live-secret-key".to_string(),
            2,
            "dir%20with%20space/keys.txt".to_string(),
            [2, 11, 2, 11 + stripe.len() as i64],
            partial("stripe-live-secret-key", &stripe),
            "error".to_string(),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, expected);
    for r in results {
        let text = r.message.text.as_deref().expect("message text");
        assert!(
            text.contains('…'),
            "message shows the redacted secret: {text}"
        );
    }
    let github_message = results
        .iter()
        .find(|r| r.rule_id.as_deref() == Some("github-classic-pat"))
        .and_then(|r| r.message.text.clone())
        .expect("github result");
    assert!(
        github_message.contains("GitHub")
            && github_message.contains(&format!("ghp_…{}", &pat[pat.len() - 4..]))
    );
}

#[test]
fn sarif_never_contains_a_full_secret_unless_shown() {
    let env = TestEnv::new();
    let pat = fake::github_pat("sarifRedaction");
    let stripe = fake::stripe_live();
    env.write("a.env", format!("T={pat}\nS={stripe}\n"));
    let (value, _) = scan_sarif(&env, &[]);
    let text = value.to_string();
    assert!(
        !text.contains(&pat) && !text.contains(&stripe),
        "SARIF leaks a secret"
    );
    assert!(!text.contains(&pat[4..20]), "SARIF leaks part of a secret");

    let (value, _) = scan_sarif(&env, &["--show-secrets"]);
    let messages: Vec<&str> = value["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["message"]["text"].as_str().expect("text"))
        .collect();
    assert!(
        messages.iter().any(|m| m.contains(&pat)),
        "--show-secrets shows it: {messages:?}"
    );
}

#[test]
fn sarif_of_empty_scan_is_a_valid_log_with_no_results() {
    let env = TestEnv::new();
    env.write("main.rs", "fn main() {}\n");
    let (value, log) = scan_sarif(&env, &[]);
    assert_eq!(value["runs"][0]["results"], Value::Array(Vec::new()));
    assert_eq!(log.runs[0].results.as_ref().map(Vec::len), Some(0));
    assert_eq!(
        log.runs[0].tool.driver.rules.as_ref().map(Vec::len),
        Some(0)
    );
}

#[test]
fn sarif_history_results_carry_commit_author_date_and_in_head() {
    let env = TestEnv::new();
    env.git_init();
    let stripe = fake::stripe_live();
    env.write("old config.py", format!("KEY = \"{stripe}\"\n"));
    let commit = env.commit_all("add key", "2023-03-04T05:06:07Z");
    std::fs::remove_file(env.path().join("old config.py")).expect("remove the file");
    env.commit_all("remove key", "2023-04-01T00:00:00Z");

    let (_, log) = scan_sarif(&env, &["--history"]);
    let results = log.runs[0].results.as_ref().expect("results");
    assert_eq!(results.len(), 1, "{results:?}");
    let r = &results[0];
    let uri = r.locations.as_ref().expect("locations")[0]
        .physical_location
        .as_ref()
        .and_then(|p| p.artifact_location.as_ref())
        .and_then(|a| a.uri.clone());
    assert_eq!(uri.as_deref(), Some("old%20config.py"));
    let props = &r
        .properties
        .as_ref()
        .expect("properties")
        .additional_properties;
    assert_eq!(props["commit"], commit.as_str());
    assert_eq!(props["author_name"], "Alice Example");
    assert_eq!(props["author_email"], "alice@keyhound.test");
    assert!(
        props["date"]
            .as_str()
            .is_some_and(|d| d.starts_with("2023-03-04")),
        "{props:?}"
    );
    assert_eq!(props["in_head"], false);
    assert_eq!(props["fingerprint"], fingerprint(&stripe).as_str());
}

#[test]
fn sarif_from_stdin_is_valid() {
    let env = TestEnv::new();
    let pat = fake::github_pat("sarifStdin");
    let run = env.run_with_stdin(
        &["scan", "-", "-q", "--format", "sarif"],
        Some(format!("token {pat}\n").as_bytes()),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value = run.json();
    assert_valid_for_github(&value);
    assert_eq!(
        value["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "-"
    );
    assert!(!run.stdout.contains(&pat));
}
