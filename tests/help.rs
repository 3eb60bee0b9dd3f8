//! Tests: the command-line surface people read. The `--help` of every subcommand is
//! snapshotted (tests/snapshots/, reviewed with `cargo insta review` or by reading the
//! diff), so a changed flag shows in review; shell completions and the manual page come
//! from the same clap definitions and are run through bash and man.

#![allow(clippy::print_stderr)] // notes about skipped checks

use std::process::Command;

use clap::CommandFactory;

use crate::util::{keyhound_bin, Run, TestEnv};

/// Runs the binary with a fixed help width, so snapshots do not depend on the terminal.
fn run_fixed_width(env: &TestEnv, args: &[&str]) -> Run {
    Command::new(keyhound_bin())
        .args(args)
        .current_dir(env.path())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run keyhound")
        .into()
}

/// The visible subcommand paths, depth first: `[]`, `["scan"]`, `["rules", "list"]`, ...
fn subcommand_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            path.push(sub.get_name().to_string());
            walk(sub, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&keyhound::cli::Cli::command(), &mut Vec::new(), &mut out);
    out
}

#[test]
fn help_of_every_subcommand_matches_its_snapshot() {
    let env = TestEnv::new();
    let paths = subcommand_paths();
    assert!(paths.len() >= 14, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = run_fixed_width(&env, &args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
        let name = if path.is_empty() {
            "help".to_string()
        } else {
            format!("help-{}", path.join("-"))
        };
        insta::assert_snapshot!(name, run.stdout, &format!("keyhound {}", args.join(" ")));
    }
}

#[test]
fn scan_help_ends_with_examples_exit_status_and_environment() {
    let env = TestEnv::new();
    let run = run_fixed_width(&env, &["scan", "--help"]);
    let examples = run
        .stdout
        .find("\nExamples:\n")
        .expect("an Examples section");
    let exit = run
        .stdout
        .find("\nExit status:\n")
        .expect("an Exit status section");
    let environment = run
        .stdout
        .find("\nEnvironment:\n")
        .expect("an Environment section");
    assert!(examples < exit && exit < environment, "{}", run.stdout);
    // Every variable the code reads (std::env::var_os) is documented.
    for var in ["NO_COLOR", "GIT_INDEX_FILE", "KEYHOUND_TIMINGS"] {
        assert!(run.stdout[environment..].contains(var), "{var}");
    }
    // The short help stays short.
    let short = run_fixed_width(&env, &["scan", "-h"]);
    assert!(!short.stdout.contains("Examples:"), "{}", short.stdout);
    let top = run_fixed_width(&env, &["--help"]);
    for text in ["Exit status:", "NO_COLOR", "KEYHOUND ", "KEYHOUND_TIMINGS"] {
        assert!(top.stdout.contains(text), "{text}: {}", top.stdout);
    }
}

#[test]
fn bash_completion_completes_scan_flags() {
    let env = TestEnv::new();
    let run = env.run(&["completions", "bash"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("--history"), "{}", run.stdout);
    assert!(run.stdout.contains("--staged"), "{}", run.stdout);
    let script = env.write("keyhound.bash", &run.stdout);
    // Source the script in a real bash and ask it to complete `keyhound scan --hi`.
    let out = Command::new("bash")
        .arg("-c")
        .arg(
            "source \"$1\"; COMP_WORDS=(keyhound scan --hi); COMP_CWORD=2; \
             COMP_LINE='keyhound scan --hi'; COMP_POINT=${#COMP_LINE}; \
             _keyhound keyhound --hi scan; printf '%s\\n' \"${COMPREPLY[@]}\"",
        )
        .arg("bash")
        .arg(&script)
        .output()
        .expect("run bash");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--history\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_exist_for_every_shell_and_a_bad_shell_is_an_error() {
    let env = TestEnv::new();
    for (shell, marker) in [
        ("zsh", "#compdef keyhound"),
        ("fish", "complete -c keyhound"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[keyhound]"),
    ] {
        let run = env.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
        assert!(run.stdout.contains("history"), "{shell}");
    }
    let run = env.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value 'tcsh'"),
        "{}",
        run.stderr
    );
}

#[test]
fn man_page_is_roff_and_renders() {
    let env = TestEnv::new();
    let run = env.run(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\n.TH keyhound 1 "), "{}", run.stdout);
    assert!(run.stdout.contains("\n.SH NAME\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\n.SH SUBCOMMANDS\n"), "{}", run.stdout);
    // One page per subcommand, as the release archives carry them.
    let dir = env.run(&["man", "--dir", "man"]);
    assert_eq!(dir.code, 0, "{}", dir.stderr);
    for page in ["keyhound.1", "keyhound-scan.1", "keyhound-rules-explain.1"] {
        let text = std::fs::read_to_string(env.path().join("man").join(page)).expect(page);
        assert!(text.contains(".TH keyhound"), "{page}");
    }
    let scan = std::fs::read_to_string(env.path().join("man/keyhound-scan.1")).expect("scan page");
    assert!(scan.contains("history"), "{scan}");
    // Render it the way `man` does, where man is installed.
    let rendered = Command::new("man")
        .args(["-P", "cat", "-l"])
        .arg(env.path().join("man/keyhound-scan.1"))
        .env("MANWIDTH", "80")
        .output();
    match rendered {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("NAME"), "{text}");
            assert!(text.contains("--history"), "{text}");
            assert!(text.contains("EXTRA"), "the examples section: {text}");
        }
        _ => eprintln!("note: man is not installed; the man page was not rendered"),
    }
}
