//! Tests: the GitHub Action. `action.yml` parses and declares every input it uses; its
//! scan script (scripts/action-run.sh), run the way a runner would (GITHUB_* variables,
//! a step-summary file) on temporary repositories, chooses the right scan for each event,
//! writes SARIF and the checklist, and exits as fail-on-findings says. Its install
//! script (scripts/action-install.sh) is run against a fake release served by
//! `python3 -m http.server` on 127.0.0.1: a verified download, a checksum mismatch it
//! must refuse, and the cargo fallback when the release has no binary.

#![allow(clippy::print_stderr)] // notes about skipped checks

mod install;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{self, fake, keyhound_bin, Run, TestEnv};

const ZERO_SHA: &str = "0000000000000000000000000000000000000000";

fn action_yml() -> String {
    std::fs::read_to_string(util::repo_root().join("action.yml")).expect("read action.yml")
}

/// Input names declared under the top-level `inputs:` key (two-space indented keys).
fn declared_inputs(yml: &str) -> BTreeSet<String> {
    yml.lines()
        .skip_while(|l| *l != "inputs:")
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#'))
        .filter_map(|l| l.strip_suffix(':'))
        .map(str::to_string)
        .collect()
}

/// Every `inputs.NAME` referenced in an expression.
fn used_inputs(yml: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (at, _) in yml.match_indices("inputs.") {
        let preceded_by_word = yml[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded_by_word {
            continue;
        }
        let name: String = yml[at + "inputs.".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        used.insert(name);
    }
    used
}

#[test]
fn action_declares_every_input_it_uses() {
    let yml = action_yml();
    let declared = declared_inputs(&yml);
    let expected = [
        "args",
        "baseline",
        "binary",
        "config",
        "disable-rules",
        "enable-rules",
        "exclude",
        "fail-on",
        "fail-on-findings",
        "include",
        "mode",
        "path",
        "release-url",
        "sarif-file",
        "upload-sarif",
    ];
    assert_eq!(
        declared,
        expected.iter().map(|s| s.to_string()).collect(),
        "declared inputs"
    );
    let used = used_inputs(&yml);
    let undeclared: Vec<_> = used.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "used but not declared: {undeclared:?}"
    );
    let unused: Vec<_> = declared.difference(&used).collect();
    assert!(unused.is_empty(), "declared but never used: {unused:?}");
}

#[test]
fn action_passes_every_variable_the_script_reads() {
    let yml = action_yml();
    let script = std::fs::read_to_string(util::repo_root().join("scripts/action-run.sh"))
        .expect("read the script");
    let vars: BTreeSet<String> = ["INPUT_", "EVENT_"]
        .iter()
        .flat_map(|prefix| {
            script
                .match_indices(prefix)
                .filter(|(at, _)| !script[..*at].ends_with('_'))
                .map(|(at, _)| {
                    script[at..]
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect::<String>()
                })
        })
        .filter(|var| !var.ends_with('_'))
        .collect();
    assert!(vars.len() >= 10, "{vars:?}");
    for var in vars {
        assert!(
            yml.contains(&format!("        {var}: ${{{{")),
            "action.yml does not set {var}"
        );
    }
}

/// Parses action.yml as YAML (GitHub's own schema is not available offline) and checks
/// its structure: a composite action, inputs with descriptions and string defaults, named
/// steps that either run bash or use a pinned action version.
#[test]
fn action_yml_is_a_valid_composite_action() {
    let text = std::fs::read_to_string(util::repo_root().join("action.yml")).expect("action.yml");
    let action: serde_norway::Value = serde_norway::from_str(&text).expect("action.yml is YAML");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let inputs = action["inputs"].as_mapping().expect("inputs");
    assert!(!inputs.is_empty());
    for (name, spec) in inputs {
        assert!(spec["description"].is_string(), "{name:?}");
        assert!(
            spec["default"].is_string(),
            "{name:?}: defaults must be strings"
        );
    }
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    assert!(!steps.is_empty());
    for step in steps {
        assert!(step["name"].is_string(), "{step:?}");
        let (run, uses) = (step.get("run"), step.get("uses"));
        assert!(run.is_some() != uses.is_some(), "{step:?}");
        match uses.and_then(|u| u.as_str()) {
            Some(uses) => assert!(uses.contains("@v"), "{step:?}"),
            None => assert_eq!(step["shell"].as_str(), Some("bash"), "{step:?}"),
        }
    }
}

#[test]
fn build_key_is_stable_and_hex() {
    let run = |_: ()| -> String {
        let out = Command::new("bash")
            .arg(util::repo_root().join("scripts/action-build-key.sh"))
            .arg(util::repo_root())
            .env_remove("GITHUB_OUTPUT")
            .output()
            .expect("run the build-key script");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let key = run(());
    let hash = key.strip_prefix("key=").expect("key=...");
    assert_eq!(hash.len(), 24);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    assert_eq!(run(()), key);
}

/// A repository whose history holds a secret that HEAD no longer has:
/// c1 clean, c2 adds leak.env, c3 removes it.
struct Fixture {
    env: TestEnv,
    secret: String,
    c1: String,
    c2: String,
    c3: String,
}

fn fixture() -> Fixture {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "# demo\n");
    let c1 = env.commit_all("initial", "2024-01-01T00:00:00Z");
    let secret = fake::github_pat("actionfixture");
    env.write("leak.env", format!("GITHUB_TOKEN={secret}\n"));
    let c2 = env.commit_all("add settings", "2024-01-02T00:00:00Z");
    std::fs::remove_file(env.path().join("leak.env")).expect("remove the secret");
    env.write("README.md", "# demo\n\nmore\n");
    let c3 = env.commit_all("remove settings", "2024-01-03T00:00:00Z");
    Fixture {
        env,
        secret,
        c1,
        c2,
        c3,
    }
}

/// Files the runner would give the step, in their own directory.
struct Runner {
    dir: TestEnv,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            dir: TestEnv::new(),
        }
    }
    fn summary(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("summary.md")).unwrap_or_default()
    }
    fn outputs(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("output.txt")).unwrap_or_default()
    }
}

/// Runs the action's scan script in `workspace` like a runner would, with `env` on top.
fn run_action(workspace: &Path, runner: &Runner, keyhound: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new("bash");
    cmd.arg(util::repo_root().join("scripts/action-run.sh"))
        .current_dir(workspace)
        .env("KEYHOUND", keyhound)
        .env("GITHUB_STEP_SUMMARY", runner.dir.path().join("summary.md"))
        .env("GITHUB_OUTPUT", runner.dir.path().join("output.txt"))
        .env("RUNNER_TEMP", runner.dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1");
    for var in [
        "INPUT_PATH",
        "INPUT_MODE",
        "INPUT_FAIL_ON_FINDINGS",
        "INPUT_SARIF_FILE",
        "INPUT_BASELINE",
    ] {
        cmd.env_remove(var);
    }
    for var in [
        "INPUT_CONFIG",
        "INPUT_ARGS",
        "INPUT_FAIL_ON",
        "INPUT_INCLUDE",
        "INPUT_EXCLUDE",
        "INPUT_ENABLE_RULES",
        "INPUT_DISABLE_RULES",
        "EVENT_BEFORE",
        "EVENT_BASE_SHA",
        "EVENT_HEAD_SHA",
        "EVENT_PR_NUMBER",
        "EVENT_HEAD_REPO",
        "INPUT_UPLOAD_SARIF",
        "GITHUB_SHA",
        "GITHUB_EVENT_NAME",
        "GITHUB_REPOSITORY",
        "GITHUB_ACTOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .output()
        .expect("run action-run.sh")
        .into()
}

/// A stand-in keyhound that records its arguments and exits with `status`.
fn recording_keyhound(dir: &TestEnv, status: i32) -> PathBuf {
    let path = dir.write(
        "fake-keyhound",
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$(dirname \"$0\")/calls.txt\"\nexit {status}\n"
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    path
}

fn calls(dir: &TestEnv) -> String {
    std::fs::read_to_string(dir.path().join("calls.txt")).unwrap_or_default()
}

/// The keyhound arguments before the output options, for one event.
fn scan_args_for(fx: &Fixture, env: &[(&str, &str)]) -> String {
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let run = run_action(fx.env.path(), &runner, &fake, env);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let line = calls(&runner.dir);
    let line = line.trim();
    let cut = line
        .find(" --format sarif")
        .unwrap_or_else(|| panic!("no --format sarif in {line:?}"));
    line[..cut].to_string()
}

#[test]
fn action_chooses_the_scan_from_the_event() {
    let fx = fixture();
    let (c1, c3) = (fx.c1.as_str(), fx.c3.as_str());
    let pr = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("EVENT_BASE_SHA", c1),
        ("EVENT_HEAD_SHA", c3),
        ("GITHUB_SHA", c1),
    ];
    assert_eq!(
        scan_args_for(&fx, &pr),
        format!("scan --range {c1}..{c3} .")
    );
    let push = [
        ("GITHUB_EVENT_NAME", "push"),
        ("EVENT_BEFORE", c1),
        ("GITHUB_SHA", c3),
    ];
    assert_eq!(
        scan_args_for(&fx, &push),
        format!("scan --range {c1}..{c3} .")
    );
    let new_branch = [
        ("GITHUB_EVENT_NAME", "push"),
        ("EVENT_BEFORE", ZERO_SHA),
        ("GITHUB_SHA", c3),
    ];
    assert_eq!(scan_args_for(&fx, &new_branch), "scan --history .");
    for event in ["workflow_dispatch", "schedule"] {
        assert_eq!(
            scan_args_for(&fx, &[("GITHUB_EVENT_NAME", event)]),
            "scan --history ."
        );
    }
    let full = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("EVENT_BASE_SHA", c1),
        ("INPUT_MODE", "full"),
    ];
    assert_eq!(scan_args_for(&fx, &full), "scan --history .");
    let tree = [
        ("GITHUB_EVENT_NAME", "push"),
        ("EVENT_BEFORE", c1),
        ("INPUT_MODE", "working-tree"),
    ];
    assert_eq!(scan_args_for(&fx, &tree), "scan .");
}

#[test]
fn action_passes_sarif_checklist_baseline_config_and_extra_args() {
    let fx = fixture();
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let env = [
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_SARIF_FILE", "reports/out.sarif"),
        ("INPUT_BASELINE", ".keyhound-baseline.json"),
        ("INPUT_CONFIG", "ci/keyhound.toml"),
        ("INPUT_ARGS", "--rules  ci/extra.toml  -j 2"),
    ];
    let run = run_action(fx.env.path(), &runner, &fake, &env);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let line = calls(&runner.dir);
    let checklist = runner.dir.path().join("keyhound-checklist.");
    let rest = line
        .trim()
        .split(" --checklist ")
        .nth(1)
        .expect("--checklist");
    assert!(
        rest.starts_with(checklist.to_str().expect("UTF-8")),
        "{line}"
    );
    assert!(
        line.starts_with("scan --history . --format sarif --output reports/out.sarif --checklist "),
        "{line}"
    );
    assert!(
        line.trim().ends_with(" --baseline .keyhound-baseline.json --config ci/keyhound.toml --rules ci/extra.toml -j 2"),
        "{line}"
    );
    assert!(
        fx.env.path().join("reports").is_dir(),
        "the SARIF file's directory is created"
    );
}

#[test]
fn action_passes_fail_on_globs_and_rule_selections() {
    let fx = fixture();
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let env = [
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_FAIL_ON", "high"),
        ("INPUT_INCLUDE", "src/\n  *.env  \n\n"),
        ("INPUT_EXCLUDE", "docs/{a,b}/\nvendor dir/"),
        ("INPUT_ENABLE_RULES", "aws-*, github-*"),
        ("INPUT_DISABLE_RULES", "generic-*\ngeneric-password"),
        ("INPUT_ARGS", "-j 2"),
    ];
    let run = run_action(fx.env.path(), &runner, &fake, &env);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let line = calls(&runner.dir);
    assert!(
        line.trim().ends_with(
            " --fail-on high --include src/ --include *.env --exclude docs/{a,b}/ --exclude vendor dir/ \
             --enable-rule aws-* --enable-rule github-* --disable-rule generic-* --disable-rule generic-password -j 2"
        ),
        "{line}"
    );
    // Each glob is one argument, spaces included: the recording joins them with spaces,
    // so count the arguments through a stand-in that prints one per line.
    let runner = Runner::new();
    let path = runner.dir.write(
        "argv-keyhound",
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$(dirname \"$0\")/argv.txt\"\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let run = run_action(fx.env.path(), &runner, &path, &env);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let argv = std::fs::read_to_string(runner.dir.path().join("argv.txt")).expect("argv");
    assert!(argv.contains("\n--exclude\nvendor dir/\n"), "{argv}");
    assert!(argv.contains("\n--include\n*.env\n"), "{argv}");
}

#[test]
fn action_fail_on_and_exclude_work_end_to_end() {
    let fx = fixture();
    // The fixture's secret is in leak.env (deleted in HEAD, still in history).
    let runner = Runner::new();
    let dispatch = [
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_EXCLUDE", "*.env"),
    ];
    let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &dispatch);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(sarif_results(&fx.env.path().join("keyhound.sarif")).is_empty());
    // A GitHub token is critical: fail-on critical still fails; disabling its rule (and
    // the generic ones, which would then take the value for an assignment) does not.
    let runner = Runner::new();
    let dispatch = [
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_FAIL_ON", "critical"),
    ];
    let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &dispatch);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let runner = Runner::new();
    let dispatch = [
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_DISABLE_RULES", "github-*, generic-*"),
    ];
    let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &dispatch);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(sarif_results(&fx.env.path().join("keyhound.sarif")).is_empty());
}

#[test]
fn action_rejects_bad_inputs() {
    let fx = fixture();
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let run = run_action(
        fx.env.path(),
        &runner,
        &fake,
        &[("INPUT_MODE", "everything")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("::error title=keyhound::mode must be auto, full or working-tree"),
        "{}",
        run.stdout
    );
    let run = run_action(
        fx.env.path(),
        &runner,
        &fake,
        &[("INPUT_FAIL_ON_FINDINGS", "maybe")],
    );
    assert_eq!(run.code, 2);
    let run = run_action(
        fx.env.path(),
        &runner,
        &fake,
        &[("INPUT_FAIL_ON", "severe")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains(
            "::error title=keyhound::fail-on must be critical, high, medium or low, not 'severe'"
        ),
        "{}",
        run.stdout
    );
    assert!(calls(&runner.dir).is_empty(), "keyhound did not run");
}

#[test]
fn action_exit_status_follows_keyhound_and_fail_on_findings() {
    let fx = fixture();
    for (status, fail_on_findings, expected) in [
        (0, "true", 0),
        (1, "true", 1),
        (1, "false", 0),
        (2, "true", 2),
        (2, "false", 2),
    ] {
        let runner = Runner::new();
        let fake = recording_keyhound(&runner.dir, status);
        let env = [
            ("GITHUB_EVENT_NAME", "workflow_dispatch"),
            ("INPUT_FAIL_ON_FINDINGS", fail_on_findings),
        ];
        let run = run_action(fx.env.path(), &runner, &fake, &env);
        assert_eq!(
            run.code, expected,
            "keyhound {status}, fail-on-findings {fail_on_findings}:\n{}",
            run.stdout
        );
        assert!(
            runner.outputs().contains(&format!("exit-code={status}\n")),
            "{}",
            runner.outputs()
        );
    }
}

#[test]
fn action_warns_about_shallow_checkouts() {
    let fx = fixture();
    let clone = TestEnv::new();
    let url = format!("file://{}", fx.env.path().display());
    fx.env
        .git_in(clone.path(), &["clone", "-q", "--depth", "1", &url, "repo"]);
    let shallow = clone.path().join("repo");

    // A range whose base the clone lacks: a warning, then a clear error.
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let pr = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("EVENT_BASE_SHA", fx.c1.as_str()),
        ("EVENT_HEAD_SHA", fx.c3.as_str()),
    ];
    let run = run_action(&shallow, &runner, &fake, &pr);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("::warning title=keyhound::the checkout is shallow"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("fetch-depth: 0"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!(
        "::error title=keyhound::commit {} is not in the shallow checkout",
        fx.c1
    )));
    assert!(calls(&runner.dir).is_empty());

    // History mode scans what there is, after the warning.
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let run = run_action(
        &shallow,
        &runner,
        &fake,
        &[("GITHUB_EVENT_NAME", "schedule")],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("::warning title=keyhound::the checkout is shallow"),
        "{}",
        run.stdout
    );

    // The working tree does not need history: no warning.
    let run = run_action(&shallow, &runner, &fake, &[("INPUT_MODE", "working-tree")]);
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains("::warning"), "{}", run.stdout);
}

#[test]
fn action_scans_the_full_history_after_a_force_push_and_says_so_in_the_summary() {
    let fx = fixture();
    let gone = "1111111111111111111111111111111111111111";
    let push = [
        ("GITHUB_EVENT_NAME", "push"),
        ("EVENT_BEFORE", gone),
        ("GITHUB_SHA", fx.c3.as_str()),
    ];
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let run = run_action(fx.env.path(), &runner, &fake, &push);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        calls(&runner.dir).starts_with("scan --history . "),
        "{}",
        calls(&runner.dir)
    );
    let note = format!("previous tip {gone} is gone (force push?), so keyhound scanned the full history instead of the commits in {gone}..{}", fx.c3);
    assert!(
        runner
            .summary()
            .contains(&format!("> **Note:** The push's {note}")),
        "{}",
        runner.summary()
    );
    assert!(
        run.stdout.contains("::warning title=keyhound::"),
        "{}",
        run.stdout
    );
    assert!(
        runner
            .outputs()
            .contains("category=keyhound/full-history\n"),
        "{}",
        runner.outputs()
    );
}

#[test]
fn action_fails_clearly_when_a_pull_requests_commits_cannot_be_fetched() {
    let fx = fixture();
    let gone = "2222222222222222222222222222222222222222";
    let pr = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("EVENT_BASE_SHA", fx.c1.as_str()),
        ("EVENT_HEAD_SHA", gone),
        ("EVENT_PR_NUMBER", "7"),
    ];
    let runner = Runner::new();
    let fake = recording_keyhound(&runner.dir, 0);
    let run = run_action(fx.env.path(), &runner, &fake, &pr);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("::error title=keyhound::commit {gone} of this pull_request event is not in the repository and cannot be fetched from origin")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("nothing else was scanned instead"),
        "{}",
        run.stdout
    );
    assert!(
        calls(&runner.dir).is_empty(),
        "keyhound ran: {}",
        calls(&runner.dir)
    );
}

#[test]
fn action_fetches_a_pull_request_head_missing_from_the_clone() {
    // origin has the PR head only under refs/pull/7/head (as GitHub keeps it), so a
    // clone of its branches lacks it, as with pull_request_target.
    let fx = fixture();
    fx.env.git(&["update-ref", "refs/pull/7/head", &fx.c3]);
    fx.env.git(&["reset", "-q", "--hard", &fx.c1]);
    let clone = TestEnv::new();
    let url = format!("file://{}", fx.env.path().display());
    fx.env.git_in(clone.path(), &["clone", "-q", &url, "repo"]);
    let repo = clone.path().join("repo");
    let missing = util::git_command(&repo)
        .args(["cat-file", "-e", &format!("{}^{{commit}}", fx.c3)])
        .output()
        .expect("git cat-file");
    assert!(!missing.status.success(), "the clone already has the head");
    let pr = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("EVENT_BASE_SHA", fx.c1.as_str()),
        ("EVENT_HEAD_SHA", fx.c3.as_str()),
        ("EVENT_PR_NUMBER", "7"),
    ];
    let runner = Runner::new();
    let run = run_action(&repo, &runner, &keyhound_bin(), &pr);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "commit {} is not in the clone; fetching it from origin",
            fx.c3
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("scan --range {}..{} .", fx.c1, fx.c3)),
        "{}",
        run.stdout
    );
    assert_eq!(sarif_results(&repo.join("keyhound.sarif")).len(), 1);
    assert!(!runner.summary().contains("Note"), "{}", runner.summary());
}

#[test]
fn each_mode_uploads_under_its_own_category() {
    let fx = fixture();
    let (c1, c3) = (fx.c1.as_str(), fx.c3.as_str());
    for (env, category) in [
        (
            vec![
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("EVENT_BASE_SHA", c1),
                ("EVENT_HEAD_SHA", c3),
            ],
            "keyhound/pull-request",
        ),
        (
            vec![
                ("GITHUB_EVENT_NAME", "push"),
                ("EVENT_BEFORE", c1),
                ("GITHUB_SHA", c3),
            ],
            "keyhound/push",
        ),
        (
            vec![("GITHUB_EVENT_NAME", "schedule")],
            "keyhound/full-history",
        ),
        (
            vec![
                ("GITHUB_EVENT_NAME", "push"),
                ("EVENT_BEFORE", ZERO_SHA),
                ("GITHUB_SHA", c3),
            ],
            "keyhound/full-history",
        ),
        (
            vec![
                ("GITHUB_EVENT_NAME", "push"),
                ("INPUT_MODE", "working-tree"),
            ],
            "keyhound/working-tree",
        ),
    ] {
        let runner = Runner::new();
        let fake = recording_keyhound(&runner.dir, 0);
        let run = run_action(fx.env.path(), &runner, &fake, &env);
        assert_eq!(run.code, 0, "{env:?}: {}{}", run.stdout, run.stderr);
        assert!(
            runner.outputs().contains(&format!("category={category}\n")),
            "{env:?}: {}",
            runner.outputs()
        );
    }
    assert!(action_yml().contains("category: ${{ steps.scan.outputs.category }}"));
    assert!(action_yml().contains("if: always() && steps.scan.outputs.upload == 'true'"));
}

#[test]
fn upload_is_skipped_with_a_note_on_pull_requests_from_forks() {
    let fx = fixture();
    let pr = |extra: &[(&'static str, &'static str)]| {
        let mut env = vec![
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("EVENT_BASE_SHA", fx.c1.as_str()),
            ("EVENT_HEAD_SHA", fx.c3.as_str()),
            ("GITHUB_REPOSITORY", "acme/app"),
        ];
        env.extend_from_slice(extra);
        let runner = Runner::new();
        let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &env);
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        (run, runner)
    };
    let (run, runner) = pr(&[("EVENT_HEAD_REPO", "mallory/app")]);
    assert!(
        runner.outputs().contains("upload=false\n"),
        "{}",
        runner.outputs()
    );
    assert!(
        runner.outputs().contains("sarif-file=keyhound.sarif\n"),
        "{}",
        runner.outputs()
    );
    assert!(
        run.stdout
            .contains("::notice title=keyhound::SARIF was not uploaded"),
        "{}",
        run.stdout
    );
    assert!(
        runner.summary().contains("comes from the fork mallory/app"),
        "{}",
        runner.summary()
    );

    let (_, runner) = pr(&[("EVENT_HEAD_REPO", "acme/app")]);
    assert!(
        runner.outputs().contains("upload=true\n"),
        "{}",
        runner.outputs()
    );
    assert!(!runner.summary().contains("Note"), "{}", runner.summary());

    let (_, runner) = pr(&[
        ("EVENT_HEAD_REPO", "acme/app"),
        ("INPUT_UPLOAD_SARIF", "false"),
    ]);
    assert!(
        runner.outputs().contains("upload=false\n"),
        "{}",
        runner.outputs()
    );
    assert!(!runner.summary().contains("Note"), "{}", runner.summary());
}

// End to end with the real binary: these need `--range`/`--history` and the SARIF and
// checklist reporters.

fn sarif_results(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let sarif = crate::util::sarif::parse_valid(&text);
    sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .clone()
}

#[test]
fn action_end_to_end_on_a_pull_request_with_a_secret() {
    let fx = fixture();
    let runner = Runner::new();
    let pr = [
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("EVENT_BASE_SHA", fx.c1.as_str()),
        ("EVENT_HEAD_SHA", fx.c3.as_str()),
    ];
    let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &pr);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let results = sarif_results(&fx.env.path().join("keyhound.sarif"));
    assert_eq!(results.len(), 1, "{results:?}");
    let summary = runner.summary();
    assert!(
        summary.contains("secrets found in the commits in"),
        "{summary}"
    );
    assert!(summary.contains("# Rotation checklist"), "{summary}");
    assert!(summary.contains("leak.env"), "{summary}");
    for text in [
        &summary,
        &run.stdout,
        &run.stderr,
        &std::fs::read_to_string(fx.env.path().join("keyhound.sarif")).expect("sarif"),
    ] {
        assert!(!text.contains(&fx.secret), "a full secret leaked:\n{text}");
    }
    assert!(
        runner.outputs().contains("sarif-file=keyhound.sarif\n"),
        "{}",
        runner.outputs()
    );
}

#[test]
fn action_end_to_end_on_a_clean_push() {
    let fx = fixture();
    let runner = Runner::new();
    let push = [
        ("GITHUB_EVENT_NAME", "push"),
        ("EVENT_BEFORE", fx.c2.as_str()),
        ("GITHUB_SHA", fx.c3.as_str()),
    ];
    let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &push);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(sarif_results(&fx.env.path().join("keyhound.sarif")).is_empty());
    assert!(
        runner.summary().contains("no secrets found"),
        "{}",
        runner.summary()
    );
}

#[test]
fn action_end_to_end_history_and_working_tree() {
    let fx = fixture();
    let runner = Runner::new();
    let dispatch = [
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_FAIL_ON_FINDINGS", "false"),
    ];
    let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &dispatch);
    assert_eq!(
        run.code, 0,
        "fail-on-findings false:\n{}{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout
            .contains("::warning title=keyhound::secrets found"),
        "{}",
        run.stdout
    );
    assert_eq!(
        sarif_results(&fx.env.path().join("keyhound.sarif")).len(),
        1
    );
    assert!(
        runner.summary().contains("# Rotation checklist"),
        "{}",
        runner.summary()
    );

    // The secret was deleted in HEAD: the working tree is clean.
    let runner = Runner::new();
    let tree = [
        ("GITHUB_EVENT_NAME", "workflow_dispatch"),
        ("INPUT_MODE", "working-tree"),
        ("INPUT_SARIF_FILE", "tree.sarif"),
    ];
    let run = run_action(fx.env.path(), &runner, &keyhound_bin(), &tree);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(sarif_results(&fx.env.path().join("tree.sarif")).is_empty());
}
