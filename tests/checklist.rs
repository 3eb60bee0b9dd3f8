//! Tests: the rotation checklist, from `scan --checklist` and from `keyhound checklist`
//! on a saved JSON report: grouping by secret, order, provider steps, the filter-repo
//! command, baseline statuses, and never a full secret.

use serde_json::Value;

use crate::util::{fake, TestEnv};

/// A fake Slack webhook URL (medium severity).
const SLACK_WEBHOOK: &str =
    "hooks.slack.com/services/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";

fn read(env: &TestEnv, rel: &str) -> String {
    std::fs::read_to_string(env.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `## N. ...` item headings, in order.
fn headings(markdown: &str) -> Vec<&str> {
    markdown.lines().filter(|l| l.starts_with("## ")).collect()
}

/// One item's text, from its heading to the next.
fn item(markdown: &str, n: usize) -> &str {
    let start = markdown.find(&format!("\n## {n}. ")).expect("item heading");
    let rest = &markdown[start + 1..];
    let end = rest
        .find(&format!("\n## {}. ", n + 1))
        .map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

/// A GitHub token in three files (one with a space in its path) and a Slack webhook in one.
fn three_places_fixture(env: &TestEnv) -> String {
    let pat = fake::github_pat("checklistThreePlaces");
    env.write("a.env", format!("GITHUB_TOKEN={pat}\n"));
    env.write("config/ci.yml", format!("env:\n  token: {pat}\n"));
    env.write("dir with space/notes.txt", format!("old token {pat}\n"));
    env.write("hooks.py", format!("URL = \"https://{SLACK_WEBHOOK}\"\n"));
    pat
}

#[test]
fn one_secret_in_three_files_is_one_item_listing_all_three() {
    let env = TestEnv::new();
    let pat = three_places_fixture(&env);
    let run = env.run(&["scan", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");

    assert!(md.starts_with("# Rotation checklist\n"));
    assert!(md.contains("2 secrets to rotate, found in 4 places: 2 still in HEAD or the working tree, 0 only in git history."), "{md}");
    let heads = headings(&md);
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(
        heads[0].starts_with("## 1. GitHub classic personal access token `ghp_…"),
        "{heads:?}"
    );
    assert!(heads[0].ends_with("(critical)"));
    assert!(
        heads[1].starts_with("## 2. Slack incoming webhook URL"),
        "{heads:?}"
    );
    assert!(heads[1].ends_with("(medium)"));

    let github = item(&md, 1);
    assert!(github.contains("- **Locations (3):**\n  - `a.env:1`\n  - `config/ci.yml:2`\n  - `dir with space/notes.txt:1`\n"), "{github}");
    assert!(github.contains(
        "- [ ] Revoke or rotate the key at GitHub: https://github.com/settings/tokens\n"
    ));
    assert!(
        github.contains("- [ ] Delete the leaked token under GitHub Settings"),
        "provider's own steps"
    );
    assert!(github.contains("least privilege"));
    assert!(github.contains("secret manager"));
    assert!(github.contains(
        "in every place it appears: `a.env`, `config/ci.yml`, `dir with space/notes.txt`."
    ));
    assert!(github.contains(
        "  git filter-repo --invert-paths --path a.env --path config/ci.yml --path 'dir with space/notes.txt'\n"
    ));
    assert!(github.contains("  git filter-repo --replace-text ../keyhound-replace.txt\n"));
    assert!(github.contains("re-cloned") && github.contains("does not un-leak"));
    assert!(github.contains("audit logs"));
    let fp = github
        .split("(fingerprint `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .expect("fingerprint shown");
    assert_eq!(fp.len(), 32);
    assert!(github.contains(&format!("  keyhound baseline mark {fp} rotated --note ")));

    let slack = item(&md, 2);
    assert!(slack.contains("https://api.slack.com/apps"));
    assert!(slack.contains("git filter-repo --invert-paths --path hooks.py\n"));

    assert!(
        !md.contains(&pat) && !md.contains(SLACK_WEBHOOK),
        "the checklist leaks a secret"
    );
    assert!(!md.contains(&pat[4..20]));
}

#[test]
fn checklist_from_saved_json_report_has_the_same_items() {
    let env = TestEnv::new();
    let pat = three_places_fixture(&env);
    let run = env.run(&[
        "scan",
        ".",
        "-q",
        "--format",
        "json",
        "--output",
        "report.json",
        "--checklist",
        "ROTATION.md",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let from_scan = read(&env, "ROTATION.md");

    let run = env.run(&["checklist", "report.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, from_scan);

    let run = env.run(&[
        "checklist",
        "report.json",
        "--format",
        "json",
        "-o",
        "checklist.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&env, "checklist.json");
    assert!(!text.contains(&pat));
    let json: Value = serde_json::from_str(&text).expect("JSON checklist");
    assert_eq!(json["secrets"], 2);
    assert_eq!(json["in_head"], 2);
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    let github = &items[0];
    assert_eq!(github["provider"], "github");
    assert_eq!(github["rule"], "github-classic-pat");
    assert_eq!(github["severity"], "critical");
    assert_eq!(
        github["redacted"],
        format!("ghp_…{}", &pat[pat.len() - 4..])
    );
    assert_eq!(github["fingerprint"].as_str().map(str::len), Some(32));
    assert_eq!(github["first_seen"], Value::Null);
    let paths: Vec<&str> = github["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| l["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        ["a.env", "config/ci.yml", "dir with space/notes.txt"]
    );
    let ids: Vec<&str> = github["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.first(), Some(&"revoke"));
    for id in [
        "provider", "replace", "store", "remove", "purge", "audit", "record",
    ] {
        assert!(ids.contains(&id), "step {id} in {ids:?}");
    }
    assert_eq!(items[1]["rule"], "slack-incoming-webhook");
}

#[test]
fn items_are_ordered_by_severity_then_live_then_longest_exposed() {
    let env = TestEnv::new();
    env.git_init();
    let old_pat = fake::github_pat("checklistOldestHistory");
    let stripe = fake::stripe_live();
    let live_pat = fake::github_pat("checklistLiveInHead");
    env.write("old.env", format!("T={old_pat}\n"));
    let first = env.commit_all("add old token", "2022-01-10T00:00:00Z");
    std::fs::remove_file(env.path().join("old.env")).expect("remove old.env");
    env.write("pay.py", format!("KEY = \"{stripe}\"\n"));
    env.commit_all("swap keys", "2023-06-01T00:00:00Z");
    std::fs::remove_file(env.path().join("pay.py")).expect("remove pay.py");
    env.write("hooks.py", format!("URL = \"https://{SLACK_WEBHOOK}\"\n"));
    env.write("live.env", format!("T={live_pat}\n"));
    env.commit_all("current", "2024-02-02T00:00:00Z");

    let run = env.run(&["scan", ".", "--history", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");
    let heads = headings(&md);
    let short = |s: &str| format!("…{}`", &s[s.len() - 4..]);
    assert_eq!(heads.len(), 4, "{heads:?}");
    assert!(
        heads[0].contains(&short(&live_pat)),
        "critical and in HEAD first: {heads:?}"
    );
    assert!(
        heads[1].contains(&short(&old_pat)),
        "then history-only, oldest first: {heads:?}"
    );
    assert!(heads[2].contains(&short(&stripe)), "{heads:?}");
    assert!(heads[3].contains("Slack"), "medium last: {heads:?}");
    assert!(md.contains("4 secrets to rotate, found in 4 places: 2 still in HEAD or the working tree, 2 only in git history."));

    let old = item(&md, 2);
    assert!(old.contains("- **Exposure:** only in git history (removed from HEAD)"));
    assert!(
        old.contains(&format!(
            "- **First seen:** commit `{}` by Alice Example (alice@keyhound.test) on 2022-01-10",
            &first[..12]
        )),
        "{old}"
    );
    assert!(old.contains(&format!("  - `old.env:1` in commit `{}`", &first[..12])));
    assert!(old.contains("git filter-repo --invert-paths --path old.env\n"));
    assert!(old.contains("since 2022-01-10"));
    for secret in [&old_pat, &stripe, &live_pat] {
        assert!(!md.contains(secret.as_str()));
    }
}

#[test]
fn baseline_rotated_items_are_shown_done() {
    let env = TestEnv::new();
    three_places_fixture(&env);
    let run = env.run(&[
        "scan",
        ".",
        "-q",
        "--format",
        "json",
        "--output",
        "report.json",
        "--write-baseline",
        "baseline.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&read(&env, "report.json")).expect("report");
    let github_fp = report
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["rule"] == "github-classic-pat")
        .and_then(|f| f["fingerprint"].as_str())
        .expect("github finding")
        .to_string();
    let run = env.run(&[
        "baseline",
        "mark",
        &github_fp[..10],
        "rotated",
        "--note",
        "INC-42",
        "--file",
        "baseline.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Pin the date `baseline mark` recorded (today) so the test does not read the clock.
    let mut baseline: Value = serde_json::from_str(&read(&env, "baseline.json")).expect("baseline");
    for entry in baseline["entries"].as_array_mut().expect("entries") {
        if entry["status"] == "rotated" {
            entry["status_date"] = Value::from("2024-05-01");
        }
    }
    env.write(
        "baseline.json",
        serde_json::to_string_pretty(&baseline).expect("JSON"),
    );

    let run = env.run(&["checklist", "report.json", "--baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = &run.stdout;
    assert!(md.contains("; 1 already rotated."), "{md}");
    let heads = headings(md);
    assert!(
        heads[0].contains("Slack"),
        "open items before rotated ones: {heads:?}"
    );
    assert!(
        heads[1].contains("GitHub") && heads[1].ends_with("(rotated on 2024-05-01)"),
        "{heads:?}"
    );
    let done = item(md, 2);
    assert!(
        done.contains("- **Baseline status:** rotated on 2024-05-01 (INC-42)"),
        "{done}"
    );
    assert!(done.contains("- [x] Revoke or rotate the key at GitHub"));
    assert!(!done.contains("- [ ]"));
    let open = item(md, 1);
    assert!(open.contains("- **Baseline status:** open"));
    assert!(!open.contains("- [x]"));

    // `scan --baseline --checklist` writes the same ledger: baselined secrets are left out
    // of the report but listed in the checklist, rotated ones done.
    let run = env.run(&[
        "scan",
        ".",
        "-q",
        "--baseline",
        "baseline.json",
        "--checklist",
        "ROTATION.md",
    ]);
    assert_eq!(
        run.code, 0,
        "everything is baselined: {}{}",
        run.stdout, run.stderr
    );
    let from_scan = read(&env, "ROTATION.md");
    assert!(from_scan.contains("; 1 already rotated."), "{from_scan}");
    assert_eq!(headings(&from_scan), heads);

    let run = env.run(&[
        "checklist",
        "report.json",
        "--baseline",
        "baseline.json",
        "--format",
        "json",
    ]);
    let json = run.json();
    assert_eq!(json["rotated"], 1);
    assert_eq!(json["items"][1]["done"], true);
    assert_eq!(json["items"][1]["status"]["date"], "2024-05-01");
}

#[test]
fn report_written_with_show_secrets_is_redacted_again() {
    let env = TestEnv::new();
    let pat = three_places_fixture(&env);
    let run = env.run(&[
        "scan",
        ".",
        "-q",
        "--show-secrets",
        "--format",
        "json",
        "--output",
        "report.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        read(&env, "report.json").contains(&pat),
        "fixture: the report has the full secret"
    );
    for format in ["markdown", "json"] {
        let run = env.run(&["checklist", "report.json", "--format", format]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stdout.contains(&pat) && !run.stdout.contains(SLACK_WEBHOOK),
            "{format} leaks"
        );
        assert!(run
            .stdout
            .contains(&format!("ghp_…{}", &pat[pat.len() - 4..])));
    }
}

#[test]
fn unknown_rule_falls_back_to_generic_steps() {
    let env = TestEnv::new();
    env.write(
        "report.json",
        r#"[{"version": 1, "rule": "acme-token", "rule_name": "Acme API token", "provider": "acme",
             "provider_name": "Acme", "severity": "high", "path": "src/acme.rs", "line": 3,
             "fingerprint": "00112233445566778899aabbccddeeff", "secret": "acme_…9xYz", "unknown": 1}]"#,
    );
    let run = env.run(&["checklist", "report.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("## 1. Acme API token `acme_…9xYz` (high)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(
        "- [ ] Revoke or rotate the key in the console of the service that issued it (Acme)."
    ));
    assert!(run
        .stdout
        .contains("git filter-repo --invert-paths --path src/acme.rs\n"));
}

#[test]
fn clean_scan_checklist_has_nothing_to_rotate() {
    let env = TestEnv::new();
    env.write("main.rs", "fn main() {}\n");
    let run = env.run(&["scan", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&env, "ROTATION.md"),
        "# Rotation checklist\n\nNo secrets found: nothing to rotate.\n"
    );
}

#[test]
fn unreadable_report_is_an_error_naming_the_file() {
    let env = TestEnv::new();
    let run = env.run(&["checklist", "missing.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);
    env.write("bad.json", "{\"not\": \"a report\"}");
    let run = env.run(&["checklist", "bad.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.json"), "{}", run.stderr);
}
