//! Damaged and partial repositories (item 4 of the hardening issue), and files skipped
//! for their size in every git mode (item 9): nothing the scan could not read passes
//! unnoticed.

use std::path::Path;

use crate::util::TestEnv;

/// Deletes the loose object `id` of the repository at `dir`, as a damaged disk or a
/// careless clean-up would.
fn delete_object(dir: &Path, id: &str) {
    let path = dir.join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
}

/// `(rule, path)` of each finding of a JSON report, sorted.
fn rules_and_paths(findings: &[serde_json::Value]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A blob that a tree (or the index) names but the object database lacks was skipped
/// with exit 0 and no word. Every git mode now names it in one error, counts it in the
/// summary and exits 2, and still reports what it could scan.
#[test]
fn missing_blobs_are_reported_in_every_git_mode() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.txt", "aws_key = \"AKIAQ3EGV7RX2M4TZK5W\"\n");
    env.write("b.txt", "nothing to see\n");
    env.commit_all("one", "2024-01-01T00:00:00Z");
    env.write("b.txt", "nothing to see\nstill nothing\n");
    env.commit_all("two", "2024-01-02T00:00:00Z");
    let gone = env.git(&["rev-parse", "HEAD:b.txt"]);
    delete_object(env.path(), &gone);
    let error = format!(
        "keyhound: error: 1 git object is missing from the object database, so it was not \
         scanned (the repository is damaged; `git fsck` lists what is wrong): {gone}\n"
    );

    let (run, findings) = env.scan_json(&["--history", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&error), "{}", run.stderr);
    assert_eq!(run.stderr.matches("missing from the object").count(), 1);
    assert!(
        run.stderr.contains("1 git object missing"),
        "{}",
        run.stderr
    );
    assert_eq!(
        rules_and_paths(&findings),
        [("aws-access-key-id".to_string(), "a.txt".to_string())]
    );

    let (run, findings) = env.scan_json(&["--range", "HEAD~1..HEAD", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&error), "{}", run.stderr);
    assert!(findings.is_empty(), "{findings:?}");

    env.write("c.txt", "staged, then lost\n");
    env.git(&["add", "c.txt"]);
    let staged = env.git(&["rev-parse", ":c.txt"]);
    delete_object(env.path(), &staged);
    let (run, _) = env.scan_json(&["--staged", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "1 git object is missing from the object database, so it was not scanned \
             (the repository is damaged; `git fsck` lists what is wrong): {staged}"
        )),
        "{}",
        run.stderr
    );
}

/// A `--filter=blob:none` clone has no blobs until they are needed: its history scan
/// found nothing and exited 0. It is warned about once, like a shallow clone, and the
/// blobs it lacks are counted and named, with exit 2.
#[test]
fn partial_clones_warn_once_and_report_the_blobs_they_lack() {
    let env = TestEnv::new();
    let upstream = env.path().join("upstream");
    std::fs::create_dir(&upstream).expect("mkdir");
    env.git_in(&upstream, &["init", "-q", "-b", "main"]);
    std::fs::write(
        upstream.join("a.txt"),
        "aws_key = \"AKIAQ3EGV7RX2M4TZK5W\"\n",
    )
    .expect("write");
    std::fs::write(upstream.join("b.txt"), "hello\n").expect("write");
    env.git_in(&upstream, &["add", "-A"]);
    env.git_in(&upstream, &["commit", "-q", "-m", "one"]);
    let mut blobs = [
        env.git_in(&upstream, &["rev-parse", "HEAD:a.txt"]),
        env.git_in(&upstream, &["rev-parse", "HEAD:b.txt"]),
    ];
    blobs.sort();
    env.git_in(&upstream, &["rm", "-q", "a.txt"]);
    env.git_in(&upstream, &["commit", "-q", "-m", "two"]);
    env.git_in(&upstream, &["config", "uploadpack.allowFilter", "true"]);
    let url = format!("file://{}", upstream.display());
    env.git(&[
        "clone",
        "-q",
        "--no-checkout",
        "--filter=blob:none",
        &url,
        "partial",
    ]);
    let partial = env.path().join("partial");
    let partial = partial.to_str().expect("UTF-8 path");

    for args in [["--history", partial], ["--range", "HEAD"]] {
        let mut args = args.to_vec();
        if args[0] == "--range" {
            args.push(partial);
        }
        let (run, findings) = env.scan_json(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr
                .matches("warning: this is a partial clone")
                .count(),
            1,
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!(
                "keyhound: error: 2 git objects are missing from the object database, so they \
                 were not scanned (not fetched by this partial clone): {}, {}\n",
                blobs[0], blobs[1]
            )),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("2 git objects missing"),
            "{}",
            run.stderr
        );
        assert!(findings.is_empty(), "{findings:?}");
    }
}

/// Writes a commit object by hand whose author and committer lines have no valid date
/// (git itself refuses to make one), on top of HEAD with the index's tree, and moves
/// `main` to it. Returns its id.
fn commit_with_malformed_author(env: &TestEnv) -> String {
    let tree = env.git(&["write-tree"]);
    let parent = env.git(&["rev-parse", "HEAD"]);
    let text = format!(
        "tree {tree}\nparent {parent}\nauthor Mallory <mallory@keyhound.test> notadate +0000\n\
         committer Mallory <mallory@keyhound.test> alsobad\n\nbroken author line\n"
    );
    let file = env.write("commit.txt", text);
    let id = env.git(&[
        "hash-object",
        "-t",
        "commit",
        "--literally",
        "-w",
        file.to_str().expect("UTF-8 path"),
    ]);
    std::fs::remove_file(file).expect("remove");
    env.git(&["update-ref", "refs/heads/main", &id]);
    id
}

/// One commit with a malformed author or date made the history walk stop at it (every
/// older commit lost) and dropped the findings it introduced, with exit 2. It is a
/// warning now, counted; the scan goes on through its parents, and its findings are
/// reported with what could be read of it.
#[test]
fn a_malformed_commit_does_not_stop_the_history_scan() {
    let env = TestEnv::new();
    env.git_init();
    env.write("a.txt", "aws_key = \"AKIAQ3EGV7RX2M4TZK5W\"\n");
    let first = env.commit_all("one", "2024-01-01T00:00:00Z");
    env.write("b.txt", "aws_key_2 = \"AKIAZ7QWERTYUIOPASDF\"\n");
    env.git(&["add", "b.txt"]);
    let bad = commit_with_malformed_author(&env);
    env.write("c.txt", "x = 1\n");
    env.commit_all("three", "2024-01-03T00:00:00Z");
    let warning = format!("keyhound: warning: commit {bad}: malformed commit");

    let (run, findings) = env.scan_json(&["--history", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.matches(&warning).count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("1 malformed commit"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("1 malformed commits"),
        "{}",
        run.stderr
    );
    let mut places: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["commit"]["commit"].as_str().expect("commit").to_string(),
                f["commit"]["author_name"]
                    .as_str()
                    .expect("author")
                    .to_string(),
            )
        })
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("a.txt".to_string(), first, "Alice Example".to_string()),
            ("b.txt".to_string(), bad.clone(), String::new()),
        ]
    );

    // The human output and the checklist say the author and date are unknown.
    let human = env.run(&["scan", "--history", ".", "--color", "never"]);
    assert!(
        human.stdout.contains(&format!(
            "commit {} (unknown date, unknown author)",
            &bad[..12]
        )),
        "{}",
        human.stdout
    );
    let checklist = env.path().join("ROTATION.md");
    let with_checklist = env.run(&[
        "scan",
        "--history",
        ".",
        "-q",
        "--checklist",
        checklist.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(with_checklist.code, 1, "{}", with_checklist.stderr);
    let text = std::fs::read_to_string(&checklist).expect("read the checklist");
    assert!(
        text.contains("**Exposed since** unknown date,") && text.contains("\" by unknown author\n"),
        "{text}"
    );

    // The empty author and date still make a valid SARIF log.
    let sarif = env.run(&["scan", "--history", ".", "--format", "sarif", "-q"]);
    assert_eq!(sarif.code, 1, "{}", sarif.stderr);
    assert_eq!(
        sarif.sarif()["runs"][0]["results"].as_array().map(Vec::len),
        Some(2)
    );

    let (run, findings) = env.scan_json(&["--range", "HEAD~2..HEAD", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.matches(&warning).count(), 1, "{}", run.stderr);
    assert_eq!(
        rules_and_paths(&findings),
        [("aws-access-key-id".to_string(), "b.txt".to_string())]
    );
}

/// A file over `--max-file-size` was counted in the summary of a git scan but never
/// named, so a large staged file passed the pre-commit hook unnoticed. Every mode now
/// names what it skipped (the path where it is known, else the blob): the working tree,
/// `--staged`, `hook run`, the installed hook, `--range` and `--history`.
#[test]
fn files_skipped_for_size_are_named_in_every_mode() {
    let env = TestEnv::new();
    env.git_init();
    env.write("small.txt", "x = 1\n");
    env.commit_all("one", "2024-01-01T00:00:00Z");
    env.write("big.txt", "y = 2\n".repeat(400));
    env.git(&["add", "big.txt"]);
    let blob = env.git(&["rev-parse", ":big.txt"]);
    let limit = ["--max-file-size", "1K"];
    let skipped = "bytes is over --max-file-size (1024 bytes)";

    let run = env.run(&["scan", "--staged", ".", limit[0], limit[1]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "keyhound: warning: big.txt (blob {blob}): skipped, 2400 {skipped}"
        )),
        "{}",
        run.stderr
    );

    let run = env.run(&["scan", ".", limit[0], limit[1]]);
    assert!(
        run.stderr.contains(&format!(
            "keyhound: warning: big.txt: skipped, 2400 {skipped}"
        )),
        "{}",
        run.stderr
    );

    // `keyhound hook run` (the pre-commit framework's entry) scans the named files.
    let run = env.run(&["hook", "run", "big.txt", limit[0], limit[1]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "keyhound: warning: big.txt: skipped, 2400 {skipped}"
        )),
        "{}",
        run.stderr
    );

    // The installed git hook (`scan --staged`, the limit from .keyhound.toml) lets the
    // commit through, but says what it did not scan.
    env.write(".keyhound.toml", "max_file_size = \"1K\"\n");
    let install = env.run(&["hook", "install"]);
    assert_eq!(install.code, 0, "{}", install.stderr);
    env.git(&["add", "-A"]);
    let out = crate::util::git_command(env.path())
        .env("KEYHOUND", crate::util::keyhound_bin())
        .env("NO_COLOR", "1")
        .args(["commit", "-q", "-m", "two"])
        .output()
        .expect("git commit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "keyhound: warning: big.txt (blob {blob}): skipped, 2400 {skipped}"
        )),
        "{stderr}"
    );

    let run = env.run(&["scan", "--range", "HEAD~1..HEAD", ".", limit[0], limit[1]]);
    assert!(
        run.stderr.contains(&format!(
            "keyhound: warning: big.txt (blob {blob}): skipped, 2400 {skipped}"
        )),
        "{}",
        run.stderr
    );
    let run = env.run(&["scan", "--history", ".", limit[0], limit[1]]);
    assert!(
        run.stderr.contains(&format!(
            "keyhound: warning: blob {blob}: skipped, 2400 {skipped}"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("2 files skipped over --max-file-size"),
        "{}",
        run.stdout
    );
}
