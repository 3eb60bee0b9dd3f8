//! Tests: the rotation checklist, from `scan --checklist` and from `keyhound checklist`
//! on a saved JSON report: one item per credential (parts grouped), order, provider
//! steps once, one history clean-up, the purge file, Markdown escaping, baseline
//! statuses, and never a full secret.

use serde_json::Value;

use crate::util::{fake, TestEnv};

/// A fake Slack webhook URL (medium severity).
const SLACK_WEBHOOK: &str =
    "hooks.slack.com/services/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";
/// A fake AWS secret access key (random, 40 characters).
const AWS_SECRET: &str = "Tq8vX2mLp4RzK9wN3bHc7YdF5jS1gU6aE0oVtQiZ";
/// A second fake AWS key pair.
const AWS_KEY_ID_2: &str = "AKIAR7TW3KXM5QZ2VD6N";
const AWS_SECRET_2: &str = "pN4xR8vLq2ZmT6wK9cHb3YdJ7sF1gA5uE0oWtBiX";
/// A fake database password in a `.env`.
const DB_PASSWORD: &str = "Hx7qLm2Vr9ZpKc4Tw8Ns";

fn read(env: &TestEnv, rel: &str) -> String {
    std::fs::read_to_string(env.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `## N. ...` item headings, in order.
fn headings(markdown: &str) -> Vec<&str> {
    markdown
        .lines()
        .filter(|l| l.starts_with("## ") && !l.starts_with("## Last"))
        .collect()
}

/// One item's text, from its heading to the next heading.
fn item(markdown: &str, n: usize) -> &str {
    let start = markdown.find(&format!("\n## {n}. ")).expect("item heading");
    let rest = &markdown[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 4);
    &rest[..end]
}

/// The history section at the end.
fn history(markdown: &str) -> &str {
    let start = markdown.find("\n## Last:").expect("history section");
    &markdown[start + 1..]
}

/// A fake RSA private key block: random base64 from a fixed seed.
fn fake_rsa_key() -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let body: String = (0..1588)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from(B64[(state >> 58) as usize])
        })
        .collect();
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect();
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

/// The five-secret example: an AWS key id and secret key in one file, a GitHub token, a
/// Stripe key, a private key file and a `.env` with a password; the key file and the
/// Stripe key only in history. Returns the secrets.
fn five_secrets(env: &TestEnv) -> Vec<String> {
    env.git_init();
    let pat = fake::github_pat("Fz3kQ9vLmW2xR7tB5nY8cJ4hD6gS1p");
    let stripe = fake::stripe_live();
    let key = fake_rsa_key();
    env.write(
        "config/aws.env",
        format!(
            "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nREGION=eu-west-1\n",
            fake::AWS_KEY_ID
        ),
    );
    env.write(".env", format!("DB_PASSWORD={DB_PASSWORD}\n"));
    env.write("deploy/id_rsa", &key);
    env.commit_all("initial config", "2024-01-10T10:00:00Z");
    env.write("src/billing.py", format!("STRIPE_KEY = \"{stripe}\"\n"));
    env.write("src/github.py", format!("TOKEN = \"{pat}\"\n"));
    std::fs::remove_file(env.path().join("deploy/id_rsa")).expect("rm id_rsa");
    env.commit_all("billing and github", "2024-03-01T10:00:00Z");
    std::fs::remove_file(env.path().join("src/billing.py")).expect("rm billing.py");
    env.commit_all("drop billing", "2024-04-01T10:00:00Z");
    vec![
        fake::AWS_KEY_ID.to_string(),
        AWS_SECRET.to_string(),
        pat,
        stripe,
        key.lines().nth(1).expect("key body").to_string(),
        DB_PASSWORD.to_string(),
    ]
}

fn assert_no_secret(text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!text.contains(s.as_str()), "leaks {}…", &s[..6]);
    }
}

#[test]
fn five_secret_example_snapshot() {
    let env = TestEnv::new();
    let secrets = five_secrets(&env);
    let run = env.run(&["scan", "--history", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");
    assert_no_secret(&md, &secrets);
    insta::assert_snapshot!(md);

    // The same checklist from a saved report of the same scan.
    let run = env.run(&[
        "scan",
        "--history",
        ".",
        "-q",
        "--format",
        "json",
        "-o",
        "r.json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = env.run(&["checklist", "r.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, md);
}

#[test]
fn five_secret_example_has_no_repeated_line_and_one_purge_run() {
    let env = TestEnv::new();
    five_secrets(&env);
    let run = env.run(&["scan", "--history", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");
    let mut seen = std::collections::HashSet::new();
    for line in md.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with("```") {
            continue;
        }
        assert!(seen.insert(t), "repeated line {t:?} in\n{md}");
    }
    assert_eq!(headings(&md).len(), 5, "{md}");
    assert_eq!(md.matches("git filter-repo").count(), 1, "{md}");
    assert_eq!(md.matches("re-cloned").count(), 1, "{md}");
    assert_eq!(md.matches("least privilege").count(), 1, "{md}");
    assert_eq!(md.matches("secret manager or CI secret store").count(), 1);
    // Every credential fits on one screen (50 lines).
    for n in 1..=5 {
        let lines = item(&md, n).lines().count();
        assert!(lines <= 50, "item {n} has {lines} lines");
    }
    let history = history(&md);
    assert!(
        history.contains(
            "  git filter-repo --replace-text ../keyhound-purge.txt --invert-paths --path .env --path deploy/id_rsa\n"
        ),
        "{history}"
    );
    assert!(
        !history.contains("config/aws.env"),
        "a file with other content is not deleted"
    );
}

#[test]
fn aws_key_id_and_secret_in_one_file_are_one_item_with_both_parts() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        "aws.env",
        format!(
            "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n",
            fake::AWS_KEY_ID
        ),
    );
    env.write("pay.py", format!("KEY = \"{}\"\n", fake::stripe_live()));
    env.commit_all("add fixtures", "2024-01-01T00:00:00Z");
    let run = env.run(&["scan", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");
    assert!(
        md.contains("2 credentials to rotate (3 secrets in 3 places)"),
        "{md}"
    );
    let heads = headings(&md);
    assert_eq!(
        heads,
        [
            "## 1. Amazon Web Services access key ID + secret access key (critical, still in HEAD)",
            "## 2. Stripe live secret key (critical, still in HEAD)",
        ]
    );
    let aws = item(&md, 1);
    assert!(
        aws.contains("- **Access key ID** `AKIA********` (rule `aws-access-key-id`"),
        "{aws}"
    );
    assert!(aws.contains("), at `aws.env:1`\n"), "{aws}");
    assert!(
        aws.contains("- **Secret access key** `…tQiZ` (rule `aws-secret-access-key`"),
        "{aws}"
    );
    assert!(aws.contains("), at `aws.env:2`\n"), "{aws}");
    assert_eq!(aws.matches("keyhound baseline mark ").count(), 2, "{aws}");
    assert!(aws.contains("keyhound scan --format jsonl . | grep -c -e "));

    let run = env.run(&["scan", ".", "-q", "--format", "json", "-o", "report.json"]);
    assert_eq!(run.code, 1);
    let run = env.run(&["checklist", "report.json", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["version"], 2);
    assert_eq!(json["credentials"], 2);
    assert_eq!(json["secrets"], 3);
    let parts = json["items"][0]["parts"].as_array().expect("parts");
    let names: Vec<&str> = parts
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["access key ID", "secret access key"]);
    assert_eq!(json["items"][0]["credential"], "aws-access-key");
}

#[test]
fn two_aws_pairs_in_one_file_are_two_items_and_far_apart_parts_are_not_joined() {
    let env = TestEnv::new();
    env.write(
        "two.env",
        format!(
            "PROD_AWS_ACCESS_KEY_ID={}\nPROD_AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n\
             STAGING_AWS_ACCESS_KEY_ID={AWS_KEY_ID_2}\nSTAGING_AWS_SECRET_ACCESS_KEY={AWS_SECRET_2}\n",
            fake::AWS_KEY_ID
        ),
    );
    let run = env.run(&["scan", ".", "-q", "--format", "json", "-o", "r.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = env.run(&["checklist", "r.json", "--format", "json"]);
    let json = run.json();
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{json:#}");
    for (item, (line_id, line_secret)) in items.iter().zip([(1, 2), (3, 4)]) {
        let lines: Vec<u64> = item["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .map(|p| p["locations"][0]["line"].as_u64().expect("line"))
            .collect();
        assert_eq!(
            lines,
            [line_id, line_secret],
            "each id with its nearest secret"
        );
    }

    // A key id and a secret 40 lines apart are two credentials.
    let env = TestEnv::new();
    let filler = "# padding\n".repeat(40);
    env.write(
        "far.env",
        format!(
            "AWS_ACCESS_KEY_ID={}\n{filler}AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n",
            fake::AWS_KEY_ID
        ),
    );
    let run = env.run(&["scan", ".", "-q", "--checklist", "R.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(headings(&read(&env, "R.md")).len(), 2);
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
    env.git_init();
    let pat = three_places_fixture(&env);
    env.commit_all("add fixtures", "2024-01-01T00:00:00Z");
    let run = env.run(&["scan", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");

    assert!(md.starts_with("# Rotation checklist\n"));
    assert!(md.contains("2 credentials to rotate (2 secrets in 4 places): 2 still in HEAD or the working tree, 0 only in git history."), "{md}");
    let heads = headings(&md);
    assert_eq!(
        heads,
        [
            "## 1. GitHub classic personal access token (critical, still in HEAD)",
            "## 2. Slack incoming webhook URL (medium, still in HEAD)"
        ]
    );
    let short = format!("ghp_…{}", &pat[pat.len() - 4..]);
    let github = item(&md, 1);
    assert!(
        github.contains(&format!(
            "- **Key** `{short}` (rule `github-classic-pat`, fingerprint `"
        )),
        "{github}"
    );
    assert!(github.contains(", at 3 places:\n  - `a.env:1`\n  - `config/ci.yml:2`\n  - `dir with space/notes.txt:1`\n"), "{github}");
    assert!(github.contains(&format!(
        "- [ ] Revoke or rotate `{short}` (GitHub): https://github.com/settings/tokens\n"
    )));
    assert!(
        github.contains("- [ ] Delete the leaked token under GitHub Settings"),
        "provider's own steps"
    );
    assert!(github.contains(&format!(
        "- [ ] Remove `{short}` from `a.env`, `config/ci.yml`, `dir with space/notes.txt` and read"
    )));
    let fp = github
        .split("fingerprint `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .expect("fingerprint shown");
    assert_eq!(fp.len(), 32);
    assert!(github.contains(&format!(
        "  keyhound scan --format jsonl . | grep -c -e {fp}\n"
    )));
    assert!(github.contains(&format!("  keyhound baseline mark {fp} rotated --note ")));
    // Advice for every item is at the top, once.
    assert!(!github.contains("least privilege") && !github.contains("audit logs"));
    assert!(md.contains("- Issue each replacement with the least privilege it needs"));

    let slack = item(&md, 2);
    assert!(slack.contains("https://api.slack.com/apps"));

    let history = history(&md);
    assert!(
        history.contains("  git filter-repo --replace-text ../keyhound-purge.txt\n"),
        "no file is only a secret, so none is deleted: {history}"
    );
    assert!(history.contains("--show-secrets --purge-file ../keyhound-purge.txt"));
    assert!(history.contains("re-cloned") && history.contains("does not un-leak"));
    assert!(!md.contains(&pat) && !md.contains(SLACK_WEBHOOK), "leak");
    assert!(!md.contains(&pat[4..20]));
}

#[test]
fn later_items_of_a_provider_refer_to_its_steps() {
    let env = TestEnv::new();
    env.write(
        "a.py",
        format!("T = \"{}\"\n", fake::github_pat("firstTokenOfTwoXyz")),
    );
    env.write(
        "b.py",
        format!("T = \"{}\"\n", fake::github_pat("secondTokenOfTwoQw")),
    );
    let run = env.run(&["scan", ".", "-q", "--checklist", "R.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "R.md");
    assert_eq!(
        md.matches("- [ ] Delete the leaked token under GitHub")
            .count(),
        1,
        "{md}"
    );
    assert!(item(&md, 2).contains("- [ ] Do the other GitHub steps of item 1 for this key too.\n"));
    assert_eq!(md.matches("- **Provider:** GitHub").count(), 1);
}

/// Scans the test directory writing a JSON report (`report.json`) and a checklist
/// (`ROTATION.md`); expects findings (exit 1).
fn scan_with_report(env: &TestEnv) {
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
}

#[test]
fn checklist_from_saved_json_report_has_the_same_items() {
    let env = TestEnv::new();
    env.git_init();
    let pat = three_places_fixture(&env);
    env.commit_all("add fixtures", "2024-01-01T00:00:00Z");
    scan_with_report(&env);
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
    assert_eq!(json["credentials"], 2);
    assert_eq!(json["in_head"], 2);
    let items = json["items"].as_array().expect("items");
    let github = &items[0];
    assert_eq!(github["provider"], "github");
    assert_eq!(github["severity"], "critical");
    assert_eq!(github["first_seen"], Value::Null);
    let part = &github["parts"][0];
    assert_eq!(part["rule"], "github-classic-pat");
    assert_eq!(part["redacted"], format!("ghp_…{}", &pat[pat.len() - 4..]));
    assert_eq!(part["fingerprint"].as_str().map(str::len), Some(32));
    let paths: Vec<&str> = part["locations"]
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
    assert_eq!(ids.last(), Some(&"verify"));
    assert!(ids.contains(&"provider") && ids.contains(&"remove"));
    let history: Vec<&str> = json["history"]["steps"]
        .as_array()
        .expect("history steps")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(history, ["purge-file", "purge", "push"]);
    assert_eq!(items[1]["parts"][0]["rule"], "slack-incoming-webhook");
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
    assert_eq!(
        heads,
        [
            "## 1. GitHub classic personal access token (critical, still in HEAD)",
            "## 2. GitHub classic personal access token (critical, history only)",
            "## 3. Stripe live secret key (critical, history only)",
            "## 4. Slack incoming webhook URL (medium, still in HEAD)",
        ]
    );
    let tail = |s: &str| format!("…{}`", &s[s.len() - 4..]);
    assert!(item(&md, 1).contains(&tail(&live_pat)));
    assert!(md.contains("4 credentials to rotate (4 secrets in 4 places): 2 still in HEAD or the working tree, 2 only in git history."));

    let old = item(&md, 2);
    assert!(old.contains(&tail(&old_pat)), "{old}");
    assert!(
        old.contains(&format!(
            "- **Exposed since** 2022-01-10T00:00:00Z, when `ghp_…{}` was first committed in `{}` \"add old token\" by Alice Example (alice@keyhound.test)\n",
            &old_pat[old_pat.len() - 4..],
            &first[..12]
        )),
        "{old}"
    );
    assert!(old.contains(&format!(
        "at `old.env:1` in commit `{}` (history only)\n",
        &first[..12]
    )));
    assert!(old.contains("is no longer in HEAD (it was in `old.env`)"));
    assert!(old.contains("keyhound scan --history --format jsonl . | grep -c -e "));
    for secret in [&old_pat, &stripe, &live_pat] {
        assert!(!md.contains(secret.as_str()));
    }
}

#[test]
fn purge_file_holds_every_secret_with_mode_0600_and_needs_show_secrets() {
    let env = TestEnv::new();
    let secrets = five_secrets(&env);

    // Refused without --show-secrets, before anything is scanned or written.
    let run = env.run(&[
        "scan",
        "--history",
        ".",
        "-q",
        "--checklist",
        "R.md",
        "--purge-file",
        "../purge.txt",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("--purge-file writes every secret in full, so it needs --show-secrets"),
        "{}",
        run.stderr
    );
    assert!(!env.path().join("R.md").exists());
    assert!(!env.path().join("../purge.txt").exists());
    // --purge-file goes with --checklist.
    let run = env.run(&["scan", ".", "--show-secrets", "--purge-file", "p.txt"]);
    assert_eq!(run.code, 2, "{}", run.stderr);

    let run = env.run(&[
        "scan",
        "--history",
        ".",
        "-q",
        "--checklist",
        "R.md",
        "--show-secrets",
        "--purge-file",
        "purge.txt",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: purge.txt holds 6 secrets in full (mode 0600)"),
        "warned even with -q: {}",
        run.stderr
    );
    let purge = read(&env, "purge.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path().join("purge.txt"))
            .expect("purge file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let lines: Vec<&str> = purge.lines().collect();
    assert_eq!(lines.len(), 6, "{purge}");
    for s in &secrets[..4] {
        assert!(
            lines.contains(&format!("literal:{s}==>***REMOVED***").as_str()),
            "{purge}"
        );
    }
    assert!(lines.contains(&format!("literal:{DB_PASSWORD}==>***REMOVED***").as_str()));
    let key = lines
        .iter()
        .find(|l| l.starts_with("regex:"))
        .expect("the key block as a regex");
    assert!(
        key.starts_with("regex:\\-\\-\\-\\-\\-BEGIN\\ RSA\\ PRIVATE\\ KEY\\-\\-\\-\\-\\-\\r?\\n")
    );
    // The checklist names the file it wrote and still holds no secret.
    let md = read(&env, "R.md");
    assert_no_secret(&md, &secrets);
    assert!(md.contains("- [ ] keyhound wrote the expressions file `purge.txt` (6 expressions)."));
    assert!(md.contains("  git filter-repo --replace-text purge.txt --invert-paths"));

    // An existing file is overwritten and made 0600 (below, from a report).
    env.write("old.txt", "old\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            env.path().join("old.txt"),
            std::fs::Permissions::from_mode(0o644),
        )
        .expect("chmod");
    }

    // From a saved report: it needs a report with the secrets in it.
    let run = env.run(&[
        "scan",
        "--history",
        ".",
        "-q",
        "--format",
        "json",
        "-o",
        "redacted.json",
    ]);
    assert_eq!(run.code, 1);
    let run = env.run(&["checklist", "redacted.json", "--purge-file", "old.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("needs --show-secrets"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "checklist",
        "redacted.json",
        "--show-secrets",
        "--purge-file",
        "old.txt",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("redacted.json: 9 of 9 entries hold a redacted secret"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&env, "old.txt"), "old\n", "not touched");
    let run = env.run(&[
        "scan",
        "--history",
        ".",
        "-q",
        "--show-secrets",
        "--format",
        "json",
        "-o",
        "full.json",
    ]);
    assert_eq!(run.code, 1);
    let run = env.run(&[
        "checklist",
        "full.json",
        "--show-secrets",
        "--purge-file",
        "old.txt",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&env, "old.txt"),
        purge,
        "same expressions from the report"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path().join("old.txt"))
            .expect("purge file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_no_secret(&run.stdout, &secrets);
    assert!(run.stderr.contains("old.txt holds 6 secrets in full"));
}

#[test]
fn hostile_author_summary_and_path_cannot_inject_markdown() {
    let env = TestEnv::new();
    env.git_init();
    let pat = fake::github_pat("hostileAuthorNameTest");
    let path = "docs/<img src=x onerror=alert(1)>[y](evil).txt";
    env.write(path, format!("token {pat}\n"));
    env.commit_all_with(
        "<img src=x> *bold* [click](http://evil)",
        &[
            (
                "GIT_AUTHOR_NAME",
                "[x](http://evil) ![p](http://evil/p.png)",
            ),
            ("GIT_AUTHOR_EMAIL", "e*x_y@evil.test"),
        ],
    );
    let run = env.run(&["scan", "--history", ".", "-q", "--checklist", "R.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "R.md");
    // Outside code spans and blocks, nothing can start a link, an image or a tag.
    let mut in_block = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            continue;
        }
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        assert!(!prose.contains('<'), "raw < in {line:?}");
        let unescaped_bracket = prose.char_indices().any(|(i, c)| {
            c == '[' && !prose[..i].ends_with('\\') && !prose[i..].starts_with("[ ]")
        });
        assert!(!unescaped_bracket, "unescaped [ in {line:?}");
    }
    assert!(
        md.contains("by \\[x\\](http://evil) !\\[p\\](http://evil/p.png) (e\\*x\\_y@evil.test)"),
        "{md}"
    );
    assert!(
        md.contains("\"&lt;img src=x&gt; \\*bold\\* \\[click\\](http://evil)\""),
        "{md}"
    );
    assert!(
        md.contains(&format!("`{path}:1`")),
        "the path is shown in a code span"
    );
    assert!(!md.contains(&pat));
}

#[test]
fn baseline_rotated_items_are_shown_done() {
    let env = TestEnv::new();
    env.git_init();
    three_places_fixture(&env);
    env.commit_all("add fixtures", "2024-01-01T00:00:00Z");
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
    assert_eq!(
        heads[1],
        "## 2. GitHub classic personal access token (critical, still in HEAD) (rotated on 2024-05-01)"
    );
    let done = item(md, 2);
    assert!(
        done.contains("; baseline: rotated on 2024-05-01 (INC-42), at 3 places:"),
        "{done}"
    );
    assert!(done.contains("- [x] Revoke or rotate `ghp_"));
    assert!(!done.contains("- [ ]"));
    let open = item(md, 1);
    assert!(open.contains("; baseline: open"));
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
    assert_eq!(json["items"][1]["parts"][0]["status"]["date"], "2024-05-01");
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
        for extra in [&[][..], &["--show-secrets"][..]] {
            let mut args = vec!["checklist", "report.json", "--format", format];
            args.extend_from_slice(extra);
            let run = env.run(&args);
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert!(
                !run.stdout.contains(&pat) && !run.stdout.contains(SLACK_WEBHOOK),
                "{format} {extra:?} leaks"
            );
            assert!(run
                .stdout
                .contains(&format!("ghp_…{}", &pat[pat.len() - 4..])));
        }
    }
}

#[test]
fn unknown_rule_falls_back_to_generic_steps() {
    let env = TestEnv::new();
    env.git_init();
    // The report's file is committed, so the checklist has a history clean-up.
    env.write("src/acme.rs", "fn main() {}\n");
    env.commit_all("add acme", "2024-01-01T00:00:00Z");
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
            .contains("## 1. Acme API token (high, still in HEAD)\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(
        "- [ ] Revoke or rotate `acme_…9xYz` in the console of the service that issued it (Acme).\n- [ ] Find out which account"
    ), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("  git filter-repo --replace-text ../keyhound-purge.txt\n"));
}

/// Files in no git repository have no history to clean: no history section, items "in the
/// working tree", JSON `history` null; the same from a saved report read outside git.
#[test]
fn checklist_outside_git_has_no_history_section() {
    let env = TestEnv::new();
    let pat = three_places_fixture(&env);
    scan_with_report(&env);
    let md = read(&env, "ROTATION.md");
    assert!(
        md.contains(
            "2 credentials to rotate (2 secrets in 4 places), in files no git commit holds.\n"
        ),
        "{md}"
    );
    assert_eq!(
        headings(&md),
        [
            "## 1. GitHub classic personal access token (critical, in the working tree)",
            "## 2. Slack incoming webhook URL (medium, in the working tree)",
        ]
    );
    assert!(
        !md.contains("git filter-repo") && !md.contains("## Last"),
        "{md}"
    );
    assert_no_secret(&md, &[pat]);
    let from_report = env.run(&["checklist", "report.json"]);
    assert_eq!(from_report.code, 0, "{}", from_report.stderr);
    assert_eq!(from_report.stdout, md);
    let json = env.run(&["checklist", "report.json", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("checklist JSON");
    assert_eq!(json["history"], serde_json::Value::Null);
    assert_eq!(json["items"].as_array().map(Vec::len), Some(2));
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

/// Whether `git filter-repo` is installed (CI installs it; the test below needs it).
fn have_filter_repo() -> bool {
    std::process::Command::new("git")
        .args(["filter-repo", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
#[allow(clippy::print_stderr)] // says why it did not run
fn the_one_filter_repo_command_removes_every_secret_from_history() {
    if !have_filter_repo() {
        // .ci/run installs it, so in CI this test always runs.
        assert!(std::env::var_os("CI").is_none(), "CI needs git filter-repo");
        eprintln!("skipped: git filter-repo is not installed");
        return;
    }
    let env = TestEnv::new();
    five_secrets(&env);
    let purge = env.path().join("purge.txt");
    let purge = purge.to_str().expect("UTF-8 temp path");
    let run = env.run(&[
        "scan",
        "--history",
        ".",
        "-q",
        "--checklist",
        "R.md",
        "--show-secrets",
        "--purge-file",
        purge,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "R.md");
    let command = md
        .lines()
        .find(|l| l.starts_with("  git filter-repo "))
        .expect("the filter-repo command")
        .trim()
        .to_string();
    let verify = item(&md, 1)
        .lines()
        .find(|l| l.contains("| grep -c -e "))
        .expect("the verification command")
        .trim()
        .to_string();

    env.git(&["clone", "-q", "--no-local", ".", "clone"]);
    let clone = env.path().join("clone");
    // The commands as a user runs them: a shell in the clone, keyhound on the PATH, git
    // without the user's configuration.
    let bin_dir = crate::util::keyhound_bin()
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let sh = |cmd: &str| {
        std::process::Command::new("sh")
            .args(["-c", cmd])
            .current_dir(&clone)
            .env("PATH", &path)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", &clone)
            .output()
            .expect("run sh")
    };
    let out = sh(&command);
    assert!(
        out.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = sh(&verify);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0", "{verify}");
    let out = std::process::Command::new(crate::util::keyhound_bin())
        .args(["scan", "--history", ".", "-q", "--format", "json"])
        .current_dir(&clone)
        .output()
        .expect("scan the clone");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!clone.join(".env").exists() && clone.join("config/aws.env").exists());
}

#[test]
fn twilio_account_sid_and_auth_token_are_one_item() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        "twilio.env",
        "TWILIO_ACCOUNT_SID=AC3f9a2b7c1d8e4f6a0b5c9d2e7f1a3b8c\nTWILIO_AUTH_TOKEN=9e4b2f7a1c8d3e6f0a5b9c2d7e1f4a8b\n",
    );
    env.commit_all("add fixtures", "2024-01-01T00:00:00Z");
    let run = env.run(&["scan", ".", "-q", "--checklist", "R.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "R.md");
    assert_eq!(
        headings(&md),
        ["## 1. Twilio Account SID + auth token (critical, still in HEAD)"]
    );
    assert!(md.contains("- **Account SID** `…3b8c` (rule `twilio-account-sid`"));
    assert!(md.contains("- **Auth token** `…4a8b` (rule `twilio-auth-token`"));
}

#[test]
fn whole_files_are_deleted_only_when_they_are_nothing_but_secrets() {
    let command = |files: &[(&str, String)]| {
        let env = TestEnv::new();
        env.git_init();
        for (path, text) in files {
            env.write(path, text);
        }
        env.commit_all("add fixtures", "2024-01-01T00:00:00Z");
        let run = env.run(&["scan", ".", "-q", "--checklist", "R.md"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let md = read(&env, "R.md");
        md.lines()
            .find(|l| l.starts_with("  git filter-repo "))
            .expect("the filter-repo command")
            .trim()
            .to_string()
    };
    let plain = "git filter-repo --replace-text ../keyhound-purge.txt";
    let password = format!("DB_PASSWORD={DB_PASSWORD}\n");
    // A .env of secrets, comments and blank lines only.
    assert_eq!(
        command(&[(".env", format!("# database\n\n{password}"))]),
        format!("{plain} --invert-paths --path .env")
    );
    // A .env with a setting besides the secret keeps its history.
    assert_eq!(
        command(&[(".env", format!("{password}DEBUG=true\n"))]),
        plain
    );
    // A template is never deleted.
    assert_eq!(command(&[(".env.example", password.clone())]), plain);
    // A key file is; a key pasted into notes is not.
    let key = fake_rsa_key();
    assert_eq!(
        command(&[("certs/server.pem", key.clone())]),
        format!("{plain} --invert-paths --path certs/server.pem")
    );
    assert_eq!(
        command(&[("notes.txt", format!("the deploy key:\n{key}"))]),
        plain
    );
}

/// `--checklist -` wrote a file named `-` into the scanned directory; it is refused, like
/// `--purge-file -`, and nothing is written.
#[test]
fn a_dash_is_not_a_checklist_file() {
    let env = TestEnv::new();
    env.write("a.txt", "nothing here\n");
    for args in [
        &["scan", ".", "--checklist", "-"][..],
        &[
            "scan",
            ".",
            "--checklist",
            "out.md",
            "--show-secrets",
            "--purge-file",
            "-",
        ],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(" -: give a file name"),
            "{}",
            run.stderr
        );
        assert!(!env.path().join("-").exists());
    }
}

/// In a repository, a key in a file that was never committed has no history to clean; once
/// the file is committed, the clean-up section is there.
#[test]
fn an_uncommitted_file_in_a_repository_needs_no_history_clean_up() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "hello\n");
    env.commit_all("init", "2024-01-01T00:00:00Z");
    let pat = fake::github_pat("checklistUntrackedFile");
    env.write("notes.txt", format!("token={pat}\n"));
    let run = env.run(&["scan", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");
    assert!(md.contains(", in files no git commit holds.\n"), "{md}");
    assert!(!md.contains("## Last"), "{md}");

    env.commit_all("add notes", "2024-01-02T00:00:00Z");
    let run = env.run(&["scan", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = read(&env, "ROTATION.md");
    assert!(
        md.contains("## Last: remove the secrets from git history"),
        "{md}"
    );
    assert_no_secret(&md, &[pat]);
}
