//! Tests: git history, staged changes and commit ranges, on repositories built with the git CLI.

use crate::util::{fake, git_command, TestEnv};

fn findings(env: &TestEnv, args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let (run, list) = env.scan_json(args);
    (run.code, list, run.stderr)
}

#[test]
fn secret_added_then_deleted_is_found_in_history() {
    let env = TestEnv::new();
    env.git_init();
    env.write("app.py", "print('hi')\n");
    env.commit_all("initial", "2024-01-01T10:00:00Z");
    env.write(
        "config/keys.py",
        format!("# keys\nSTRIPE = \"{}\"\n", fake::stripe_live()),
    );
    let added = env.commit_all("add stripe key", "2024-02-03T10:00:00Z");
    std::fs::remove_file(env.path().join("config/keys.py")).expect("rm");
    env.commit_all("remove key", "2024-03-01T10:00:00Z");

    let (code, plain, _) = findings(&env, &["."]);
    assert_eq!((code, plain.len()), (0, 0), "the working tree is clean");

    let (code, list, stderr) = findings(&env, &["--history", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(list.len(), 1, "{list:?}");
    let f = &list[0];
    assert_eq!(f["rule"], "stripe-live-secret-key");
    assert_eq!(f["source"], "commit");
    assert_eq!(f["path"], "config/keys.py");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(11))
    );
    assert_eq!(f["in_head"], false);
    assert_eq!(f["commit"]["commit"], added.as_str());
    assert_eq!(f["commit"]["author_name"], "Alice Example");
    assert_eq!(f["commit"]["author_email"], "alice@keyhound.test");
    assert_eq!(f["commit"]["date"], "2024-02-03T10:00:00Z");
    assert_eq!(f["commit"]["summary"], "add stripe key");

    let human = env.run(&["scan", "--history", "."]);
    assert!(
        human
            .stdout
            .contains("not in HEAD, in history since commit "),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains(" (2024-02-03, Alice Example): add stripe key\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn same_blob_in_many_commits_is_reported_at_each_head_path() {
    let env = TestEnv::new();
    env.git_init();
    let content = format!("key = '{}'\n", fake::stripe_live());
    env.write("a.py", &content);
    let one = env.commit_all("one", "2024-01-01T00:00:00Z");
    for i in 0..5 {
        env.write("other.txt", format!("{i}\n"));
        env.commit_all(
            &format!("noise {i}"),
            &format!("2024-01-0{}T00:00:00Z", i + 2),
        );
    }
    env.write("copy/b.py", &content);
    let copy = env.commit_all("copy", "2024-02-01T00:00:00Z");
    let (code, list, stderr) = findings(&env, &["--history", "."]);
    assert_eq!(code, 1, "{stderr}");
    let places: Vec<(&str, u64, bool, &str)> = list
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["line"].as_u64().expect("line"),
                f["in_head"].as_bool().expect("in_head"),
                f["commit"]["commit"].as_str().expect("commit"),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![
            ("a.py", 1, true, one.as_str()),
            ("copy/b.py", 1, true, copy.as_str())
        ],
        "one finding per HEAD path, each naming the commit that put it there"
    );
    for f in &list {
        let paths: Vec<&str> = f["introduced"]
            .as_array()
            .expect("introduced")
            .iter()
            .map(|i| i["path"].as_str().expect("path"))
            .collect();
        assert_eq!(paths, vec!["a.py", "copy/b.py"], "oldest first");
    }
}

#[test]
fn side_branch_tag_merge_and_rename() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README", "x\n");
    env.commit_all("base", "2024-01-01T00:00:00Z");
    env.git(&["checkout", "-q", "-b", "feature"]);
    env.write("side.env", format!("STRIPE={}\n", fake::stripe_live()));
    env.commit_all("side secret", "2024-01-02T00:00:00Z");
    env.git(&["checkout", "-q", "main"]);
    env.git(&["checkout", "-q", "-b", "tagged"]);
    let pat = fake::github_pat("Tg3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write("tagged.txt", format!("{pat}\n"));
    env.commit_all("tagged secret", "2024-01-03T00:00:00Z");
    env.git(&["tag", "-a", "v1", "-m", "release"]);
    env.git(&["checkout", "-q", "main"]);
    env.git(&["branch", "-q", "-D", "tagged"]);

    let (_, list, _) = findings(&env, &["--history", "."]);
    let mut rules: Vec<&str> = list
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    rules.sort();
    assert_eq!(rules, vec!["github-classic-pat", "stripe-live-secret-key"]);

    // Merge the side branch, then rename the file: the rename is not a new introduction of the blob
    // at the old path, but a new path for the same blob.
    let out = git_command(env.path())
        .args(["merge", "-q", "--no-ff", "feature", "-m", "merge feature"])
        .output()
        .expect("merge");
    assert!(out.status.success());
    env.git(&["mv", "side.env", "renamed.env"]);
    env.commit_all("rename", "2024-01-05T00:00:00Z");
    let (_, list, _) = findings(&env, &["--history", "."]);
    let stripe = list
        .iter()
        .find(|f| f["rule"] == "stripe-live-secret-key")
        .expect("stripe finding");
    let intro: Vec<(&str, &str)> = stripe["introduced"]
        .as_array()
        .expect("introduced")
        .iter()
        .map(|i| {
            (
                i["path"].as_str().expect("path"),
                i["summary"].as_str().expect("summary"),
            )
        })
        .collect();
    assert_eq!(
        intro,
        vec![("side.env", "side secret"), ("renamed.env", "rename")],
        "the merge introduces nothing"
    );
    assert_eq!(stripe["in_head"], true);
}

#[test]
fn packed_and_loose_objects_and_bare_repositories() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.env", format!("STRIPE={}\n", fake::stripe_live()));
    env.commit_all("secret", "2024-01-01T00:00:00Z");
    env.git(&["gc", "-q"]);
    let pat = fake::github_pat("Lo3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write("loose.txt", format!("{pat}\n"));
    env.commit_all("loose", "2024-01-02T00:00:00Z");
    let (_, list, _) = findings(&env, &["--history", "."]);
    assert_eq!(list.len(), 2, "one packed, one loose: {list:?}");

    let bare = env.path().join("bare.git");
    env.git(&[
        "clone",
        "-q",
        "--bare",
        ".",
        bare.to_str().expect("utf-8 path"),
    ]);
    let (code, list, stderr) = findings(&env, &["--history", "bare.git"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(list.len(), 2);
}

#[test]
fn all_objects_finds_dangling_blobs() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.txt", "hello\n");
    env.commit_all("one", "2024-01-01T00:00:00Z");
    let blob_file = env.write("dangling-src", format!("{}\n", fake::stripe_live()));
    env.git(&["hash-object", "-w", blob_file.to_str().expect("utf-8 path")]);
    std::fs::remove_file(&blob_file).expect("rm");
    let (code, list, _) = findings(&env, &["--history", "."]);
    assert_eq!(
        (code, list.len()),
        (0, 0),
        "unreachable blobs are not history"
    );
    let (code, list, _) = findings(&env, &["--history", "--all-objects", "."]);
    assert_eq!(code, 1);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["source"], "object");
}

#[test]
fn staged_sees_only_staged_changes() {
    let env = TestEnv::new();
    env.git_init();
    env.write("committed.env", format!("OLD={}\n", fake::stripe_live()));
    env.write("app.py", "print(1)\n");
    env.commit_all("base", "2024-01-01T00:00:00Z");
    let pat = fake::github_pat("St3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write("app.py", format!("print(1)\nTOKEN = '{pat}'\n"));
    env.git(&["add", "app.py"]);
    // An unstaged edit to the same file is not what will be committed.
    env.write("app.py", "print(1)\n");
    let (code, list, stderr) = findings(&env, &["--staged"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["path"], "app.py");
    assert_eq!(list[0]["line"], 2);
    assert_eq!(list[0]["source"], "staged");

    env.git(&["reset", "-q"]);
    let (code, list, _) = findings(&env, &["--staged"]);
    assert_eq!((code, list.len()), (0, 0));
}

#[test]
fn range_reports_only_new_commits() {
    let env = TestEnv::new();
    env.git_init();
    env.write("old.env", format!("OLD={}\n", fake::stripe_live()));
    let base = env.commit_all("old", "2024-01-01T00:00:00Z");
    let pat = fake::github_pat("Rg3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write("new.py", format!("T = '{pat}'\n"));
    let head = env.commit_all("new", "2024-01-02T00:00:00Z");
    let range = format!("{base}..HEAD");
    let (code, list, _) = findings(&env, &["--range", &range, "."]);
    assert_eq!(code, 1);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["rule"], "github-classic-pat");
    assert_eq!(list[0]["commit"]["commit"], head.as_str());

    let (_, since, _) = findings(&env, &["--history", "--since", "2024-01-02", "."]);
    assert_eq!(since.iter().filter(|f| f["source"] == "commit").count(), 1);
}

#[test]
fn shallow_clone_warns_and_scans() {
    let env = TestEnv::new();
    let origin = env.path().join("origin");
    std::fs::create_dir(&origin).expect("mkdir");
    env.git_in(&origin, &["init", "-q", "-b", "main"]);
    std::fs::write(origin.join("a.env"), format!("A={}\n", fake::stripe_live())).expect("write");
    env.git_in(&origin, &["add", "-A"]);
    env.git_in(&origin, &["commit", "-q", "-m", "one"]);
    std::fs::write(origin.join("b.txt"), "two\n").expect("write");
    env.git_in(&origin, &["add", "-A"]);
    env.git_in(&origin, &["commit", "-q", "-m", "two"]);
    let url = format!("file://{}", origin.display());
    env.git(&["clone", "-q", "--depth", "1", &url, "shallow"]);
    let (code, list, stderr) = findings(&env, &["--history", "shallow"]);
    assert!(stderr.contains("shallow clone"), "{stderr}");
    assert_eq!(code, 1);
    assert!(list.iter().any(|f| f["source"] == "commit"));
}

#[test]
fn corrupt_loose_object_is_an_error_but_the_scan_completes() {
    let env = TestEnv::new();
    env.git_init();
    env.write("good.env", format!("A={}\n", fake::stripe_live()));
    env.write("victim.txt", "this blob will be corrupted\n");
    env.commit_all("one", "2024-01-01T00:00:00Z");
    let id = env.git(&["rev-parse", "HEAD:victim.txt"]);
    let object = env
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    let mut perms = std::fs::metadata(&object)
        .expect("object exists")
        .permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&object, perms).expect("chmod");
    std::fs::write(&object, b"not zlib at all").expect("corrupt");
    let (code, list, stderr) = findings(&env, &["--history", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&id), "the error names the object: {stderr}");
    assert!(
        list.iter().any(|f| f["rule"] == "stripe-live-secret-key"),
        "other findings still reported"
    );
}

#[test]
fn not_a_repository_is_an_error() {
    let env = TestEnv::new();
    env.write("plain/a.txt", "x\n");
    let run = env.run(&["scan", "--history", "plain"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot open git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn staged_uses_the_cache_tree_and_handles_many_staged_files() {
    let env = TestEnv::new();
    env.git_init();
    env.write("old/keys.env", format!("OLD={}\n", fake::stripe_live()));
    env.write("src/app/main.py", "print(1)\n");
    for i in 0..80 {
        env.write(&format!("data/f{i}.txt"), format!("{i}\n"));
    }
    env.commit_all("base", "2024-01-01T00:00:00Z");
    // `git status` refreshes the index; `git write-tree` makes its cache-tree valid for
    // every directory, so only the changed directory needs comparing with HEAD.
    env.git(&["write-tree"]);
    let pat = fake::github_pat("Ct3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5");
    env.write("src/app/main.py", format!("print(1)\nT = '{pat}'\n"));
    env.git(&["add", "src/app/main.py"]);
    let (code, list, stderr) = findings(&env, &["--staged"]);
    assert_eq!(code, 1, "{stderr}");
    let paths: Vec<&str> = list
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        vec!["src/app/main.py"],
        "the committed key in old/ is not staged"
    );

    // More than a handful of staged files: HEAD is listed once instead of per path.
    for i in 0..80 {
        env.write(&format!("data/f{i}.txt"), format!("changed {i}\n"));
    }
    env.write(
        "data/f7.txt",
        format!("K={}\n", fake::github_pat("Mn3Lm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0Fg5")),
    );
    env.git(&["add", "-A"]);
    let (code, list, _) = findings(&env, &["--staged"]);
    assert_eq!(code, 1);
    let mut paths: Vec<&str> = list
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    paths.sort();
    assert_eq!(paths, vec!["data/f7.txt", "src/app/main.py"]);
}

#[test]
fn threads_option_applies_to_history_scans() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.env", format!("A={}\n", fake::stripe_live()));
    env.commit_all("one", "2024-01-01T00:00:00Z");
    let (code, list, stderr) = findings(&env, &["--history", "-j", "1", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(list.len(), 1);
}
