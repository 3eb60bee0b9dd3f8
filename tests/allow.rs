//! Tests: allow markers on a finding's line (`keyhound:allow [rule-id]`, `gitleaks:allow`,
//! `pragma: allowlist secret`), on any line of a multi-line finding, and on the line before
//! (`keyhound:allow-next-line [rule-id]`, `pragma: allowlist nextline secret`), and the
//! suppressed count by form in the summary and in SARIF.

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
    assert_eq!(
        summary,
        ["3 suppressed (1 keyhound:allow, 1 pragma: allowlist secret, 1 gitleaks:allow)"],
        "{}",
        run.stdout
    );
    assert!(run.stdout.starts_with("0 findings"), "{}", run.stdout);
}

// ---------------------------------------------------------------- next-line markers

/// Random-looking fake passwords for the next-line fixtures.
const PW_A: &str = "hoYy8dQZRvuCX7ae8A6t5p8";
const PW_B: &str = "PG6xDqjBXyun7f8DU2re9AH";

#[test]
fn next_line_markers_suppress_the_following_line_in_files_without_trailing_comments() {
    let env = TestEnv::new();
    // In .properties, .env and INI files a trailing comment would become part of the value;
    // JSON has no comments, so the marker goes in a key of its own on the line before.
    env.write(
        "application.properties",
        format!("# pragma: allowlist nextline secret\nspring.datasource.password={PW_A}\nspring.mail.password={PW_B}\n"),
    );
    env.write(
        "app.env",
        format!("# keyhound:allow-next-line\nAPI_TOKEN={PW_A}\nDB_PASSWORD={PW_B}\n"),
    );
    env.write(
        "settings.ini",
        format!("[db]\n; keyhound:allow-next-line generic-secret-unquoted\npassword = {PW_A}\n"),
    );
    env.write(
        "fixtures.json",
        format!("{{\n  \"//\": \"keyhound:allow-next-line\",\n  \"client_secret\": \"{PW_A}\",\n  \"api_token\": \"{PW_B}\"\n}}\n"),
    );
    let (run, list) = scan_json(&env);
    assert_eq!(
        lines(&list),
        [
            ("app.env", 3),
            ("application.properties", 3),
            ("fixtures.json", 4)
        ]
    );
    assert!(
        run.stderr.contains(
            "4 suppressed (3 keyhound:allow-next-line, 1 pragma: allowlist nextline secret)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn next_line_markers_only_reach_the_next_line_and_the_rules_they_name() {
    let env = TestEnv::new();
    env.write(
        "app.env",
        format!(
            "# keyhound:allow-next-line\n\nAPI_TOKEN={PW_A}\n\
             # keyhound:allow-next-line github-classic-pat\nDB_PASSWORD={PW_B}\n\
             SESSION_SECRET = \"{PW_A}\"  # keyhound:allow-next-line\n"
        ),
    );
    let (run, list) = scan_json(&env);
    assert_eq!(
        lines(&list),
        [("app.env", 3), ("app.env", 5), ("app.env", 6)]
    );
    assert!(!run.stderr.contains("suppressed"), "{}", run.stderr);
}

// ---------------------------------------------------------------- multi-line findings

/// A PEM block whose BEGIN and END lines end with `begin` and `end`.
fn pem(begin: &str, end: &str) -> String {
    format!(
        "-----BEGIN PRIVATE KEY-----{begin}\n{}\n-----END PRIVATE KEY-----{end}\n",
        fake::pem_body()
    )
}

#[test]
fn a_marker_on_any_line_of_a_multi_line_finding_suppresses_it() {
    let env = TestEnv::new();
    env.write("begin.pem", pem(" # keyhound:allow", ""));
    env.write("end.pem", pem("", " # gitleaks:allow"));
    env.write(
        "before.pem",
        format!("# pragma: allowlist nextline secret\n{}", pem("", "")),
    );
    env.write(
        "other-rule.pem",
        pem("", " # keyhound:allow pem-rsa-private-key"),
    );
    env.write("control.pem", pem("", ""));
    let (run, list) = scan_json(&env);
    assert_eq!(lines(&list), [("control.pem", 1), ("other-rule.pem", 1)]);
    assert!(
        run.stderr.contains(
            "3 suppressed (1 keyhound:allow, 1 pragma: allowlist nextline secret, 1 gitleaks:allow)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn suppressions_by_form_are_in_the_sarif_run_properties() {
    let env = TestEnv::new();
    env.write(
        "app.env",
        format!("# keyhound:allow-next-line\nAPI_TOKEN={PW_A}\nDB_PASSWORD = \"{PW_B}\"  # keyhound:allow\n"),
    );
    let run = env.run(&["scan", ".", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log = run.sarif();
    assert_eq!(
        log["runs"][0]["properties"]["suppressed"],
        serde_json::json!({"total": 2, "by_form": {"keyhound:allow": 1, "keyhound:allow-next-line": 1}})
    );
}

#[test]
fn next_line_markers_hold_in_history_and_staged_scans() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        "app.env",
        format!("# pragma: allowlist nextline secret\nAPI_TOKEN={PW_A}\nDB_PASSWORD={PW_B}\n"),
    );
    env.commit_all("add env", "2024-01-02T03:04:05Z");
    let (history, list) = env.scan_json(&["--history", "."]);
    assert_eq!(history.code, 1, "{}", history.stderr);
    assert_eq!(lines(&list), [("app.env", 3)]);
    env.write(
        "staged.env",
        format!("# keyhound:allow-next-line\nAPI_TOKEN={PW_B}\n"),
    );
    env.git(&["add", "staged.env"]);
    let (staged, list) = env.scan_json(&["--staged"]);
    assert_eq!((staged.code, list.len()), (0, 0), "{}", staged.stderr);
    assert!(staged.stderr.contains("1 suppressed"), "{}", staged.stderr);
}

/// A key in a YAML block scalar (`key: |` and the indented lines under it) can be allowed
/// without touching the key: on the header line, or with a next-line marker before it.
#[test]
fn a_marker_on_or_before_a_yaml_block_scalar_header_covers_the_key() {
    let body = fake::pem_body().replace('\n', "\n    ");
    let block = format!(
        "tls:\n  key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    {body}\n    -----END RSA PRIVATE KEY-----\n"
    );
    let env = TestEnv::new();
    env.write("plain.yaml", &block);
    env.write(
        "same.yaml",
        block.replace("key: |", "key: |  # keyhound:allow"),
    );
    env.write(
        "next.yaml",
        block.replace("  key: |", "  # keyhound:allow-next-line\n  key: |"),
    );
    env.write(
        "parent.yaml",
        block.replace("tls:", "# keyhound:allow-next-line\ntls:"),
    );
    let (run, list) = scan_json(&env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(lines(&list), [("parent.yaml", 4), ("plain.yaml", 3)]);
    assert!(
        run.stderr
            .contains("2 suppressed (1 keyhound:allow, 1 keyhound:allow-next-line)"),
        "{}",
        run.stderr
    );
}
