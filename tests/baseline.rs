//! Tests: baselines (`--write-baseline`, `--baseline`) and the rotation ledger
//! (`keyhound baseline mark`, recurrences of rotated keys).

use crate::util::{fake, Run, TestEnv};

const FILE: &str = ".keyhound-baseline.json";

fn scan_json(env: &TestEnv, extra: &[&str]) -> (Run, Vec<serde_json::Value>) {
    env.scan_json(&[extra, &["."]].concat())
}

fn read_baseline(env: &TestEnv) -> serde_json::Value {
    let text = std::fs::read_to_string(env.path().join(FILE)).expect("the baseline was written");
    serde_json::from_str(&text).expect("the baseline is JSON")
}

fn entry_for<'a>(baseline: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    baseline["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["rule"] == rule)
        .unwrap_or_else(|| panic!("no entry for {rule} in {baseline:#}"))
}

/// Two secrets (a GitHub token and a Stripe key) in two files.
fn two_secrets() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "app/config.py",
        format!("GITHUB = \"{}\"\n", fake::github_pat("baseline1")),
    );
    env.write(
        "billing.env",
        format!("STRIPE_KEY={}\n", fake::stripe_live()),
    );
    env
}

#[test]
fn round_trip_reports_only_new_secrets() {
    let env = two_secrets();
    let (written, list) = scan_json(&env, &["--write-baseline", FILE]);
    assert_eq!(
        written.code, 1,
        "writing a baseline still reports: {}",
        written.stderr
    );
    assert_eq!(list.len(), 2);

    let (again, list) = scan_json(&env, &["--baseline", FILE]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(list.is_empty(), "{list:?}");
    assert!(again.stderr.contains("2 suppressed"), "{}", again.stderr);

    let new_token = fake::github_pat("brandnew2");
    env.write("app/new.py", format!("TOKEN = \"{new_token}\"\n"));
    let (after, list) = scan_json(&env, &["--baseline", FILE]);
    assert_eq!(after.code, 1, "{}", after.stderr);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["path"], "app/new.py");
    assert_eq!(list[0]["rule"], "github-classic-pat");
}

#[test]
fn baseline_file_is_sorted_and_holds_no_secret() {
    let env = two_secrets();
    // Even with --show-secrets, the baseline keeps only redacted forms.
    let run = env.run(&["scan", "--show-secrets", "--write-baseline", FILE, "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let text = std::fs::read_to_string(env.path().join(FILE)).expect("written");
    assert!(!text.contains(&fake::github_pat("baseline1")), "{text}");
    assert!(!text.contains(&fake::stripe_live()), "{text}");
    assert!(!text.contains("4eC39HqLyjWDarjtT1zdp7dc9Qw2Lm8R"), "{text}");
    assert!(text.ends_with("}\n"), "ends with a newline");

    let baseline: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(baseline["version"], 1);
    let entries = baseline["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    let fingerprints: Vec<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().expect("fp"))
        .collect();
    let mut sorted = fingerprints.clone();
    sorted.sort_unstable();
    assert_eq!(fingerprints, sorted, "entries are sorted by fingerprint");

    let stripe = entry_for(&baseline, "stripe-live-secret-key");
    assert_eq!(stripe["provider"], "stripe");
    assert_eq!(stripe["redacted"], "sk_live_…Lm8R");
    assert_eq!(stripe["status"], "open");
    assert_eq!(
        stripe["locations"],
        serde_json::json!([{"path": "billing.env", "line": 1}])
    );
    assert!(stripe.get("status_date").is_none() && stripe.get("note").is_none());
    let github = entry_for(&baseline, "github-classic-pat");
    assert_eq!(
        github["locations"],
        serde_json::json!([{"path": "app/config.py", "line": 1}])
    );

    // Writing again from the same tree gives the same bytes.
    env.run(&["scan", "--write-baseline", FILE, "."]);
    assert_eq!(
        std::fs::read_to_string(env.path().join(FILE)).expect("rewritten"),
        text
    );
}

#[test]
fn moved_lines_stay_baselined() {
    let env = two_secrets();
    env.run(&["scan", "--write-baseline", FILE, "."]);
    env.write(
        "billing.env",
        format!("# billing\nREGION=eu\nSTRIPE_KEY={}\n", fake::stripe_live()),
    );
    let (run, list) = scan_json(&env, &["--baseline", FILE]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}");
}

#[test]
fn known_secret_at_a_new_path_is_reported() {
    let env = two_secrets();
    env.run(&["scan", "--write-baseline", FILE, "."]);
    env.write("copy.env", format!("STRIPE_KEY={}\n", fake::stripe_live()));
    let (run, list) = scan_json(&env, &["--baseline", FILE]);
    assert_eq!(run.code, 1);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["path"], "copy.env");
    assert!(
        !run.stderr.contains("rotated"),
        "an open entry is not a recurrence: {}",
        run.stderr
    );
}

#[test]
fn mark_with_prefix_sets_status_date_and_note() {
    let env = two_secrets();
    env.run(&["scan", "--write-baseline", FILE, "."]);
    let fingerprint = baseline_fingerprint(&env, "stripe-live-secret-key");

    let run = env.run(&[
        "baseline",
        "mark",
        &fingerprint[..8],
        "rotated",
        "--note",
        "INC-42",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(&fingerprint), "{}", run.stdout);

    let baseline = read_baseline(&env);
    let stripe = entry_for(&baseline, "stripe-live-secret-key");
    assert_eq!(stripe["status"], "rotated");
    assert_eq!(stripe["note"], "INC-42");
    let date = stripe["status_date"].as_str().expect("a status date");
    let shape: Vec<usize> = date.split('-').map(str::len).collect();
    assert_eq!(shape, [4, 2, 2], "YYYY-MM-DD: {date}");
    assert!(
        date.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
        "{date}"
    );
    assert_eq!(entry_for(&baseline, "github-classic-pat")["status"], "open");

    // Other statuses, from another file.
    std::fs::rename(env.path().join(FILE), env.path().join("ledger.json")).expect("rename");
    let run = env.run(&[
        "baseline",
        "mark",
        &fingerprint,
        "false-positive",
        "--file",
        "ledger.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(env.path().join("ledger.json")).expect("ledger");
    assert!(text.contains("\"status\": \"false-positive\""), "{text}");
    assert!(
        text.contains("\"note\": \"INC-42\""),
        "a mark without --note keeps the note: {text}"
    );
}

#[test]
fn mark_rejects_short_unknown_and_ambiguous_prefixes() {
    let env = TestEnv::new();
    let entry = |fp: &str| {
        serde_json::json!({
            "fingerprint": fp, "rule": "stripe-live-secret-key", "provider": "stripe",
            "redacted": "sk_live_…Lm8R", "status": "open",
            "locations": [{"path": "a.env", "line": 1}]
        })
    };
    let baseline = serde_json::json!({
        "version": 1,
        "entries": [entry("abcdef00000000000000000000000001"), entry("abcdef00000000000000000000000002")]
    });
    env.write(FILE, serde_json::to_string_pretty(&baseline).expect("json"));

    let short = env.run(&["baseline", "mark", "abcde", "rotated"]);
    assert_eq!(short.code, 2);
    assert!(short.stderr.contains("too short"), "{}", short.stderr);

    let ambiguous = env.run(&["baseline", "mark", "abcdef", "rotated"]);
    assert_eq!(ambiguous.code, 2);
    assert!(
        ambiguous.stderr.contains("ambiguous"),
        "{}",
        ambiguous.stderr
    );
    assert!(
        ambiguous
            .stderr
            .contains("abcdef00000000000000000000000001"),
        "{}",
        ambiguous.stderr
    );

    let unknown = env.run(&["baseline", "mark", "123456", "rotated"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("no entry has a fingerprint starting with \"123456\""),
        "{}",
        unknown.stderr
    );

    let unchanged = std::fs::read_to_string(env.path().join(FILE)).expect("still there");
    assert!(
        !unchanged.contains("rotated"),
        "failed marks change nothing"
    );

    let ok = env.run(&[
        "baseline",
        "mark",
        "abcdef00000000000000000000000002",
        "accepted",
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn rewriting_keeps_statuses_and_notes() {
    let env = two_secrets();
    env.run(&["scan", "--write-baseline", FILE, "."]);
    let fingerprint = baseline_fingerprint(&env, "github-classic-pat");
    let run = env.run(&[
        "baseline",
        "mark",
        &fingerprint,
        "accepted",
        "--note",
        "test fixture",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = entry_for(&read_baseline(&env), "github-classic-pat").clone();

    env.write(
        "more.env",
        format!("TOKEN={}\n", fake::github_pat("another3")),
    );
    let run = env.run(&["scan", "--write-baseline", FILE, "."]);
    assert_eq!(run.code, 1);
    let after = read_baseline(&env);
    assert_eq!(after["entries"].as_array().expect("entries").len(), 3);
    let kept = after["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["fingerprint"] == fingerprint.as_str())
        .expect("the marked entry is still there");
    assert_eq!(kept["status"], "accepted");
    assert_eq!(kept["note"], "test fixture");
    assert_eq!(kept["status_date"], before["status_date"]);
}

#[test]
fn rotated_key_at_a_new_path_is_a_recurrence() {
    let env = two_secrets();
    env.run(&["scan", "--write-baseline", FILE, "."]);
    let fingerprint = baseline_fingerprint(&env, "stripe-live-secret-key");
    env.run(&[
        "baseline",
        "mark",
        &fingerprint[..10],
        "rotated",
        "--note",
        "rotated in dashboard",
    ]);
    let date = entry_for(&read_baseline(&env), "stripe-live-secret-key")["status_date"]
        .as_str()
        .expect("date")
        .to_string();

    // At its recorded place, a rotated key is known: not reported.
    let (run, list) = scan_json(&env, &["--baseline", FILE]);
    assert_eq!((run.code, list.len()), (0, 0), "{}", run.stderr);

    env.write(
        "deploy/prod.env",
        format!("# prod\nSTRIPE_KEY={}\n", fake::stripe_live()),
    );
    let (run, list) = scan_json(&env, &["--baseline", FILE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["path"], "deploy/prod.env");
    assert_eq!(list[0]["fingerprint"], fingerprint.as_str());
    let expected = format!("a key you rotated on {date} was committed again at deploy/prod.env:2");
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert!(!run.stderr.contains(&fake::stripe_live()), "{}", run.stderr);
}

#[test]
fn rotated_key_committed_again_in_history_is_a_recurrence() {
    let env = TestEnv::new();
    env.git_init();
    env.write("old.env", format!("STRIPE_KEY={}\n", fake::stripe_live()));
    env.commit_all("add key", "2024-01-01T00:00:00Z");
    std::fs::remove_file(env.path().join("old.env")).expect("rm");
    env.commit_all("remove key", "2024-01-02T00:00:00Z");
    let run = env.run(&["scan", "--history", "--write-baseline", FILE, "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let baseline = read_baseline(&env);
    let stripe = entry_for(&baseline, "stripe-live-secret-key");
    assert_eq!(stripe["locations"][0]["path"], "old.env");
    assert_eq!(
        stripe["locations"][0]["commit"].as_str().map(str::len),
        Some(40),
        "{stripe:#}"
    );
    let fingerprint = stripe["fingerprint"].as_str().expect("fp").to_string();
    env.run(&["baseline", "mark", &fingerprint, "rotated"]);

    let (run, list) = scan_json(&env, &["--history", "--baseline", FILE]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}\n{}", run.stderr);

    env.write(
        "new.env",
        format!("# again\nSTRIPE_KEY={}\n", fake::stripe_live()),
    );
    let again = env.commit_all("add key again", "2024-02-01T00:00:00Z");
    let (run, list) = scan_json(&env, &["--history", "--baseline", FILE]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let paths: Vec<&str> = list
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert!(paths.contains(&"new.env"), "{list:?}");
    assert!(
        run.stderr.contains("was committed again at new.env:2"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&again),
        "names the commit: {}",
        run.stderr
    );
}

#[test]
fn false_positive_is_suppressed_everywhere() {
    let env = two_secrets();
    env.run(&["scan", "--write-baseline", FILE, "."]);
    let fingerprint = baseline_fingerprint(&env, "github-classic-pat");
    env.run(&["baseline", "mark", &fingerprint, "false-positive"]);
    env.write(
        "elsewhere.py",
        format!("X = \"{}\"\n", fake::github_pat("baseline1")),
    );
    let (run, list) = scan_json(&env, &["--baseline", FILE]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}");
}

#[test]
fn missing_baseline_is_an_error() {
    let env = two_secrets();
    let run = env.run(&["scan", "--baseline", "nope.json", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nope.json: cannot read baseline"),
        "{}",
        run.stderr
    );
    let mark = env.run(&["baseline", "mark", "abcdef", "rotated"]);
    assert_eq!(mark.code, 2);
    assert!(
        mark.stderr
            .contains(".keyhound-baseline.json: cannot read baseline"),
        "{}",
        mark.stderr
    );
}

#[test]
fn malformed_baseline_is_an_error_with_its_line() {
    let env = two_secrets();
    env.write("bad.json", "{\n  \"version\": 1,\n  \"entries\": [}\n");
    let run = env.run(&["scan", "--baseline", "bad.json", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.json: line 3: invalid baseline"),
        "{}",
        run.stderr
    );

    env.write("v2.json", "{\"version\": 2, \"entries\": []}");
    let run = env.run(&["scan", "--baseline", "v2.json", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("v2.json: baseline version 2 is not supported"),
        "{}",
        run.stderr
    );

    // --write-baseline refuses to overwrite a file it cannot read (it may hold decisions).
    let run = env.run(&["scan", "--write-baseline", "bad.json", "."]);
    assert_eq!(run.code, 2);
    assert!(std::fs::read_to_string(env.path().join("bad.json"))
        .expect("kept")
        .contains("[}"));
}

#[test]
fn history_baseline_covers_working_tree_and_staged_scans() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.env", format!("STRIPE_KEY={}\n", fake::stripe_live()));
    let commit = env.commit_all("add key", "2024-01-01T00:00:00Z");
    let run = env.run(&["scan", "--history", "--write-baseline", FILE, "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let baseline = read_baseline(&env);
    let locations = &entry_for(&baseline, "stripe-live-secret-key")["locations"];
    assert_eq!(
        locations,
        &serde_json::json!([{"path": "a.env", "line": 1, "commit": commit}])
    );

    for args in [&["--history"][..], &[][..]] {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--baseline", FILE]);
        let (run, list) = scan_json(&env, &all);
        assert_eq!((run.code, list.len()), (0, 0), "{args:?}: {list:?}");
    }

    env.write(
        "a.env",
        format!("REGION=eu\nSTRIPE_KEY={}\n", fake::stripe_live()),
    );
    env.git(&["add", "a.env"]);
    let (run, list) = scan_json(&env, &["--staged", "--baseline", FILE]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}\n{}", run.stderr);
}

/// The fingerprint the baseline file records for `rule`'s finding.
fn baseline_fingerprint(env: &TestEnv, rule: &str) -> String {
    entry_for(&read_baseline(env), rule)["fingerprint"]
        .as_str()
        .expect("fingerprint is a string")
        .to_string()
}

/// `baseline mark` without a baseline fails (exit 2) and leaves no `FILE.lock` behind.
#[test]
fn mark_without_a_baseline_leaves_nothing_behind() {
    let env = TestEnv::new();
    let run = env.run(&["baseline", "mark", "2f6305f9", "rotated"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(".keyhound-baseline.json"),
        "{}",
        run.stderr
    );
    let left = crate::util::file_names(env.path());
    assert!(left.is_empty(), "{left:?}");
}

/// A note is free text: a key typed into it is stored redacted, and a note that already
/// holds one (a baseline written by hand or by an older version) is redacted in the
/// checklist.
#[test]
fn keys_in_notes_are_redacted_in_the_baseline_and_the_checklist() {
    let env = two_secrets();
    env.run(&["scan", "--write-baseline", FILE, "."]);
    let fingerprint = baseline_fingerprint(&env, "stripe-live-secret-key");
    let pat = fake::github_pat("noteHoldsAKey");
    let shown = format!("ghp_…{}", &pat[pat.len() - 4..]);
    let note = format!("old key was {pat}");
    let run = env.run(&["baseline", "mark", &fingerprint, "rotated", "--note", &note]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(env.path().join(FILE)).expect("baseline");
    assert!(!text.contains(&pat), "{text}");
    assert_eq!(
        entry_for(&read_baseline(&env), "stripe-live-secret-key")["note"],
        format!("old key was {shown}")
    );

    // A hand-edited note holding the key in full.
    std::fs::write(env.path().join(FILE), text.replace(&shown, &pat)).expect("edit");
    for args in [
        vec!["scan", ".", "-q", "--baseline", FILE, "--checklist", "R.md"],
        vec!["scan", ".", "-q", "--format", "json", "-o", "rep.json"],
    ] {
        env.run(&args);
    }
    let from_report = env.run(&["checklist", "rep.json", "--baseline", FILE]);
    assert_eq!(from_report.code, 0, "{}", from_report.stderr);
    let scanned = std::fs::read_to_string(env.path().join("R.md")).expect("checklist");
    for out in [&scanned, &from_report.stdout] {
        assert!(
            !out.contains(&pat) && !out.contains(&pat.replace('_', "\\_")),
            "{out}"
        );
        assert!(out.contains("old key was ghp\\_…"), "{out}");
    }
}
