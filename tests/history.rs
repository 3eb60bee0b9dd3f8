//! Tests: `--history` and `--range` report every location of a secret. One finding (and
//! one SARIF result) per path that holds it in HEAD, with that path's line; one
//! history-only finding per path it was introduced at and that no longer holds it.
//! Commit and tag messages are scanned too; `.keyhoundignore` applies to history paths.

use serde_json::Value;

use crate::util::{fake, TestEnv};

/// `(path, line, in_head, commit)` of each finding, sorted.
type Place = (String, u64, Option<bool>, Option<String>);

fn json_places(list: &[Value]) -> Vec<Place> {
    let mut out: Vec<Place> = list
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().expect("line"),
                f["in_head"].as_bool(),
                f["commit"]["commit"].as_str().map(String::from),
            )
        })
        .collect();
    out.sort();
    out
}

/// The same tuple from each SARIF result (artifact URI, region, properties).
fn sarif_places(env: &TestEnv, args: &[&str]) -> Vec<Place> {
    let mut all = vec!["scan", "--format", "sarif", "-q"];
    all.extend_from_slice(args);
    let run = env.run(&all);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let log = run.sarif();
    let mut out: Vec<Place> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let physical = &r["locations"][0]["physicalLocation"];
            (
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                physical["region"]["startLine"].as_u64().unwrap_or(0),
                r["properties"]["in_head"].as_bool(),
                r["properties"]["commit"].as_str().map(String::from),
            )
        })
        .collect();
    out.sort();
    out
}

fn place(path: &str, line: u64, in_head: bool, commit: &str) -> Place {
    (path.into(), line, Some(in_head), Some(commit.into()))
}

/// Asserts that JSON and SARIF both report exactly `expected`, and returns the JSON findings.
fn assert_places(env: &TestEnv, args: &[&str], expected: &[Place]) -> Vec<Value> {
    let (run, list) = env.scan_json(args);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert_eq!(json_places(&list), expected, "JSON");
    assert_eq!(sarif_places(env, args), expected, "SARIF");
    list
}

/// Case 08: a file holding a token is split into two new files, one of which is copied
/// verbatim and the other renamed.
#[test]
fn secret_split_copied_and_renamed_is_reported_at_every_path() {
    let env = TestEnv::new();
    env.git_init();
    let token = fake::github_pat("Sp3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write(
        "config/settings.py",
        format!("LANG = \"multi\"\nGREETING_DE = \"Hallo\"\nGREETING_FR = \"Bonjour\"\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    let add = env.commit_all("add settings", "2026-01-05T10:00:00Z");
    env.write(
        "config/settings_de.py",
        format!("LANG = \"de\"\nGREETING = \"Hallo\"\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    env.write(
        "config/settings_fr.py",
        format!("LANG = \"fr\"\nGREETING = \"Bonjour\"\n\nGITHUB_TOKEN = \"{token}\"\n"),
    );
    env.git(&["rm", "-q", "config/settings.py"]);
    let split = env.commit_all("split settings per language", "2026-02-10T10:00:00Z");
    std::fs::copy(
        env.path().join("config/settings_de.py"),
        env.path().join("config/settings_ch.py"),
    )
    .expect("copy");
    let copy = env.commit_all("add swiss settings (copy of de)", "2026-03-15T10:00:00Z");
    env.git(&["mv", "config/settings_fr.py", "config/settings_fr_FR.py"]);
    let rename = env.commit_all("rename fr settings", "2026-04-20T10:00:00Z");

    let list = assert_places(
        &env,
        &["--history", "."],
        &[
            place("config/settings.py", 4, false, &add),
            place("config/settings_ch.py", 3, true, &copy),
            place("config/settings_de.py", 3, true, &split),
            place("config/settings_fr.py", 4, false, &split),
            place("config/settings_fr_FR.py", 4, true, &rename),
        ],
    );
    assert!(list
        .iter()
        .all(|f| f["rule"] == "github-classic-pat" && f["source"] == "commit"));
    assert!(list.iter().all(|f| f["column"] == 17));
    let renamed = list
        .iter()
        .find(|f| f["path"] == "config/settings_fr_FR.py")
        .expect("renamed file");
    assert_eq!(renamed["commit"]["summary"], "rename fr settings");
    assert_eq!(renamed["introduced"][0]["path"], "config/settings_fr.py");
    assert_eq!(renamed["introduced"][0]["date"], "2026-02-10T10:00:00Z");

    // Every location a plain scan of the checkout reports is reported in HEAD.
    let (_, plain) = env.scan_json(&["."]);
    let head: Vec<(String, u64)> = json_places(&list)
        .into_iter()
        .filter(|p| p.2 == Some(true))
        .map(|p| (p.0, p.1))
        .collect();
    let mut plain: Vec<(String, u64)> = plain
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
            )
        })
        .collect();
    plain.sort();
    assert_eq!(plain, head);

    let human = env.run(&["scan", "--history", "."]);
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .contains("first exposed 2026-02-10 as config/settings_fr.py"),
        "{}",
        human.stdout
    );

    // The checklist keeps one item for the secret, listing every location.
    let run = env.run(&["scan", "--history", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let checklist = std::fs::read_to_string(env.path().join("ROTATION.md")).expect("checklist");
    assert_eq!(
        checklist.matches("github-classic-pat").count(),
        1,
        "{checklist}"
    );
    for path in [
        "config/settings.py",
        "config/settings_ch.py",
        "config/settings_de.py",
        "config/settings_fr.py",
        "config/settings_fr_FR.py",
    ] {
        assert!(checklist.contains(path), "{path} in {checklist}");
    }
}

#[test]
fn rename_reports_the_new_path_in_head_and_the_old_one_as_history() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        "old.env",
        format!("# env\nSTRIPE={}\n", fake::stripe_live()),
    );
    let add = env.commit_all("add", "2024-01-01T00:00:00Z");
    env.git(&["mv", "old.env", "new.env"]);
    let mv = env.commit_all("rename", "2024-01-02T00:00:00Z");
    assert_places(
        &env,
        &["--history", "."],
        &[
            place("new.env", 2, true, &mv),
            place("old.env", 2, false, &add),
        ],
    );
}

#[test]
fn deleted_and_re_added_file_is_one_head_location_naming_the_re_add() {
    let env = TestEnv::new();
    env.git_init();
    let content = format!("A=1\nSTRIPE={}\n", fake::stripe_live());
    env.write("keys.env", &content);
    let first = env.commit_all("add", "2024-01-01T00:00:00Z");
    std::fs::remove_file(env.path().join("keys.env")).expect("rm");
    env.commit_all("delete", "2024-01-02T00:00:00Z");
    env.write("keys.env", &content);
    let again = env.commit_all("re-add", "2024-01-03T00:00:00Z");
    let list = assert_places(
        &env,
        &["--history", "."],
        &[place("keys.env", 2, true, &again)],
    );
    let intro: Vec<&str> = list[0]["introduced"]
        .as_array()
        .expect("introduced")
        .iter()
        .map(|i| i["commit"].as_str().expect("commit"))
        .collect();
    assert_eq!(intro, vec![first.as_str(), again.as_str()]);
}

#[test]
fn edited_file_keeps_one_location_and_a_removed_secret_one_history_finding() {
    let env = TestEnv::new();
    env.git_init();
    env.write("app.py", format!("KEY = '{}'\n", fake::stripe_live()));
    let add = env.commit_all("add", "2024-01-01T00:00:00Z");
    for i in 0..3 {
        env.write(
            "app.py",
            format!(
                "{}KEY = '{}'\n",
                "# note\n".repeat(i + 1),
                fake::stripe_live()
            ),
        );
        env.commit_all(
            &format!("edit {i}"),
            &format!("2024-01-0{}T00:00:00Z", i + 2),
        );
    }
    let last = env.git(&["rev-parse", "HEAD"]);
    // Four versions of the file hold the key; HEAD's is the one location.
    assert_places(
        &env,
        &["--history", "."],
        &[place("app.py", 4, true, &last)],
    );

    env.write("app.py", "KEY = os.environ['KEY']\n");
    env.commit_all("use the environment", "2024-02-01T00:00:00Z");
    // Gone from HEAD: one history-only finding for the path, from the first commit.
    assert_places(
        &env,
        &["--history", "."],
        &[place("app.py", 1, false, &add)],
    );
}

#[test]
fn uncommitted_change_is_reported_from_the_working_tree_too() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.env", format!("A={}\n", fake::stripe_live()));
    let add = env.commit_all("add", "2024-01-01T00:00:00Z");
    env.write("a.env", format!("\n\nA={}\n", fake::stripe_live()));
    let (_, list) = env.scan_json(&["--history", "."]);
    let places: Vec<(String, u64, String)> = {
        let mut v: Vec<(String, u64, String)> = list
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().expect("path").to_string(),
                    f["line"].as_u64().expect("line"),
                    f["source"].as_str().expect("source").to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        places,
        vec![
            ("a.env".to_string(), 1, "commit".to_string()),
            ("a.env".to_string(), 3, "file".to_string())
        ]
    );
    assert_eq!(list[0]["commit"]["commit"], add.as_str());
}

#[test]
fn secret_only_in_a_commit_message_is_found_with_the_commit() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README", "x\n");
    env.commit_all("initial", "2024-01-01T00:00:00Z");
    env.write("README", "y\n");
    let pat = fake::github_pat("Cm3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    let commit = env.commit_all(
        &format!("fix deploy\n\nused token {pat} for the test run"),
        "2024-01-02T00:00:00Z",
    );
    let (run, list) = env.scan_json(&["--history", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(list.len(), 1, "{list:?}");
    let f = &list[0];
    assert_eq!(f["source"], "commit-message");
    assert_eq!(f["rule"], "github-classic-pat");
    assert_eq!(f["path"], Value::Null);
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(12))
    );
    assert_eq!(f["commit"]["commit"], commit.as_str());
    assert_eq!(f["commit"]["summary"], "fix deploy");
    assert_eq!(
        f["in_head"], false,
        "a message is history, not a file in HEAD"
    );
    assert!(!run.stdout.contains(&pat), "redacted");

    let run = env.run(&["scan", "--history", ".", "-q", "--checklist", "ROTATION.md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let checklist = std::fs::read_to_string(env.path().join("ROTATION.md")).expect("checklist");
    std::fs::remove_file(env.path().join("ROTATION.md")).expect("rm");
    assert!(
        checklist.contains(&format!("message, line 3 in commit `{}`", &commit[..12])),
        "{checklist}"
    );
    assert!(
        checklist.contains(
            "git filter-repo --replace-text ../keyhound-purge.txt --replace-message ../keyhound-purge.txt\n"
        ),
        "{checklist}"
    );
    assert!(
        !checklist.contains("--invert-paths"),
        "no file to remove: {checklist}"
    );
    assert!(!checklist.contains(&pat));

    // SARIF: a logical location names the commit; no file URI is invented.
    let run = env.run(&["scan", "--history", ".", "--format", "sarif", "-q"]);
    let log = run.sarif();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["properties"]["source"], "commit-message");
    assert_eq!(result["properties"]["commit"], commit.as_str());
    let location = &result["locations"][0];
    assert_eq!(location["physicalLocation"], Value::Null);
    assert_eq!(location["logicalLocations"][0]["name"], commit.as_str());

    let human = env.run(&["scan", "--history", "."]);
    assert!(
        human
            .stdout
            .contains(&format!("commit {} message", &commit[..12])),
        "{}",
        human.stdout
    );

    // A range holding that commit finds it; one that does not, does not.
    let base = env.git(&["rev-parse", "HEAD~1"]);
    let (_, list) = env.scan_json(&["--range", &format!("{base}..HEAD"), "."]);
    assert_eq!(list.len(), 1);
    let (code, list) = {
        env.write("README", "z\n");
        env.commit_all("later", "2024-01-03T00:00:00Z");
        let (run, list) = env.scan_json(&["--range", "HEAD~1..HEAD", "."]);
        (run.code, list)
    };
    assert_eq!((code, list.len()), (0, 0));
}

#[test]
fn secret_in_an_annotated_tag_message_names_the_tag() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README", "x\n");
    env.commit_all("initial", "2024-01-01T00:00:00Z");
    let pat = fake::github_pat("Tm3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.git(&[
        "tag",
        "-a",
        "v1.0",
        "-m",
        &format!("release\n\ntoken: {pat}"),
    ]);
    let (run, list) = env.scan_json(&["--history", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(list.len(), 1, "{list:?}");
    let f = &list[0];
    assert_eq!(f["source"], "tag-message");
    assert_eq!(f["tag"]["name"], "v1.0");
    assert_eq!(f["tag"]["tagger_name"], "Alice Example");
    assert_eq!(f["tag"]["id"], env.git(&["rev-parse", "v1.0"]).as_str());
    assert_eq!(f["line"], 3);
}

#[test]
fn keyhoundignore_applies_to_history_paths() {
    let env = TestEnv::new();
    env.git_init();
    env.write(".keyhoundignore", "fixtures/\n");
    let content = format!("STRIPE={}\n", fake::stripe_live());
    env.write("fixtures/keys.env", &content);
    env.write("fixtures/old/gone.env", &content);
    env.commit_all("fixtures", "2024-01-01T00:00:00Z");
    std::fs::remove_dir_all(env.path().join("fixtures/old")).expect("rm");
    env.commit_all("drop old fixture", "2024-01-02T00:00:00Z");
    let (run, list) = env.scan_json(&["--history", "."]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}");

    // The same blob at a path that is not ignored is reported there, and only there.
    env.write("app/keys.env", &content);
    let copy = env.commit_all("copy out of fixtures", "2024-01-03T00:00:00Z");
    assert_places(
        &env,
        &["--history", "."],
        &[place("app/keys.env", 1, true, &copy)],
    );

    // --no-ignore reports every path.
    let (_, list) = env.scan_json(&["--history", "--no-ignore", "."]);
    let mut paths: Vec<&str> = list.iter().filter_map(|f| f["path"].as_str()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        vec!["app/keys.env", "fixtures/keys.env", "fixtures/old/gone.env"]
    );
}

#[test]
fn range_with_three_dots_is_the_symmetric_difference() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README", "x\n");
    env.commit_all("base", "2024-01-01T00:00:00Z");
    env.git(&["checkout", "-q", "-b", "feature"]);
    env.write("feature.env", format!("F={}\n", fake::stripe_live()));
    let feature = env.commit_all("feature secret", "2024-01-02T00:00:00Z");
    env.git(&["checkout", "-q", "main"]);
    let pat = fake::github_pat("Sd3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write("main.py", format!("T = '{pat}'\n"));
    let main = env.commit_all("main secret", "2024-01-03T00:00:00Z");

    let commits = |range: &str| -> Vec<String> {
        let (run, list) = env.scan_json(&["--range", range, "."]);
        assert_eq!(run.code, 1, "{range}: {}", run.stderr);
        let mut c: Vec<String> = list
            .iter()
            .map(|f| f["commit"]["commit"].as_str().expect("commit").to_string())
            .collect();
        c.sort();
        c
    };
    let mut both = vec![feature.clone(), main.clone()];
    both.sort();
    assert_eq!(commits("main...feature"), both);
    assert_eq!(commits("feature...main"), both);
    assert_eq!(commits("main..feature"), vec![feature.clone()]);
    assert_eq!(commits("feature..main"), vec![main]);
}

#[test]
fn configured_excludes_and_allowlisted_paths_apply_to_history_paths() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        ".keyhound.toml",
        "exclude = [\"vendor/\"]\n[allowlist]\npaths = [\"docs/**\"]\n",
    );
    let content = format!("STRIPE={}\n", fake::stripe_live());
    env.write("vendor/lib.env", &content);
    env.write("docs/example.env", &content);
    env.commit_all("vendored and documented", "2024-01-01T00:00:00Z");
    let (run, list) = env.scan_json(&["--history", "."]);
    assert_eq!((run.code, list.len()), (0, 0), "{list:?}");
    assert!(run.stderr.contains("suppressed"), "{}", run.stderr);

    // The same blob at a path that is neither excluded nor allowlisted is reported there only.
    env.write("app.env", &content);
    let add = env.commit_all("app", "2024-01-02T00:00:00Z");
    assert_places(
        &env,
        &["--history", "."],
        &[place("app.env", 1, true, &add)],
    );
}

/// A submodule (gitlink) in history is not followed, and the warning names it once, not
/// once per commit that holds it.
#[test]
fn submodules_in_history_are_named_once() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "hello\n");
    env.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        "160000,1111111111111111111111111111111111111111,vendor/libfoo",
    ]);
    // Committed as staged: `git add -A` would drop the gitlink, whose directory is absent.
    env.git(&["add", "README.md"]);
    env.git(&["commit", "-q", "-m", "add a submodule"]);
    env.write("README.md", "hello again\n");
    env.git(&["commit", "-q", "-a", "-m", "edit"]);
    let run = env.run(&["scan", "--history", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: a submodule (gitlinks) not followed: libfoo; scan each submodule's repository separately"
        ),
        "{}",
        run.stderr
    );
}
