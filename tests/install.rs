//! Tests: keyhound installed without Rust. The PyPI wheel (pyproject.toml: maturin with
//! `bindings = "bin"`) is built with maturin from PyPI, installed into a fresh virtual
//! environment, and run; then the pre-commit mirror hook (`pre-commit-mirror/`,
//! `language: python`) installs that wheel, with no cargo on PATH, and must block a
//! secret. Building the wheel compiles a release binary (minutes on two cores) and pip
//! fetches maturin and setuptools, so this only runs with KEYHOUND_TEST_WHEEL=1:
//!
//! ```text
//! pip install pre-commit        # or KEYHOUND_PRE_COMMIT=/path/to/pre-commit
//! KEYHOUND_TEST_WHEEL=1 cargo test --test integration install::
//! ```
//!
//! `KEYHOUND_WHEEL_TARGET_DIR` chooses cargo's target directory for the wheel build
//! (default `target/wheel-test`, kept between runs). The test prints the wheel's size and
//! the time from an empty virtual environment to a finished `pre-commit run --all-files`.

#![allow(clippy::print_stderr)] // the measurements
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::hook::pre_commit;
use crate::util::{self, fake, Run, TestEnv};

/// Runs `program args` in `dir`, asserting success; returns stdout.
fn ok(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &std::ffi::OsStr)]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh virtual environment in `dir`; returns its `bin` directory.
fn venv(dir: &Path) -> PathBuf {
    let out = Command::new("python3")
        .args(["-m", "venv"])
        .arg(dir)
        .output()
        .expect("run python3 -m venv");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join(if cfg!(windows) { "Scripts" } else { "bin" })
}

/// Builds the wheel with maturin from PyPI into `out`; returns its path.
fn build_wheel(tools: &Path, out: &Path) -> PathBuf {
    let bin = venv(tools);
    ok(
        &bin.join("pip"),
        &["install", "-q", "maturin>=1.5,<2.0"],
        tools,
        &[],
    );
    let target = std::env::var_os("KEYHOUND_WHEEL_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| util::repo_root().join("target/wheel-test"));
    let manifest = util::repo_root().join("Cargo.toml");
    ok(
        &bin.join("maturin"),
        &[
            "build",
            "--release",
            "--manifest-path",
            manifest.to_str().expect("UTF-8 path"),
            "--out",
            out.to_str().expect("UTF-8 path"),
        ],
        tools,
        &[("CARGO_TARGET_DIR", target.as_os_str())],
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(out)
        .expect("read the wheel directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "{wheels:?}");
    wheels[0].clone()
}

#[test]
fn wheel_installs_the_native_binary_and_the_mirror_hook_uses_it_without_a_toolchain() {
    if std::env::var_os("KEYHOUND_TEST_WHEEL").is_none() {
        eprintln!("skipping: set KEYHOUND_TEST_WHEEL=1 to build and test the PyPI wheel (builds keyhound)");
        return;
    }
    let version = env!("CARGO_PKG_VERSION");
    let work = TestEnv::new();
    let dist = work.path().join("dist");
    std::fs::create_dir_all(&dist).expect("mkdir dist");
    let wheel = build_wheel(&work.path().join("tools"), &dist);
    let name = wheel
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(&format!("keyhound_bin-{version}-py3-none-")),
        "a binary wheel for any Python: {name}"
    );
    let size = std::fs::metadata(&wheel).expect("stat the wheel").len();
    eprintln!("wheel: {name}, {size} bytes");

    // A fresh environment, the wheel only (no index): the binary is on its PATH.
    let bin = venv(&work.path().join("user"));
    let wheel_arg = wheel.to_str().expect("UTF-8 path");
    ok(
        &bin.join("pip"),
        &["install", "-q", "--no-index", wheel_arg],
        work.path(),
        &[],
    );
    let exe = bin.join("keyhound");
    let shown = ok(&exe, &["--version"], work.path(), &[]);
    assert_eq!(shown.trim(), format!("keyhound {version}"));

    let scanned = TestEnv::new();
    let pat = fake::github_pat("WheelLm8Rt2Vx7Nb4Kc9Pw1Hs6Jd0");
    scanned.write(
        "src/config.py",
        format!("import os\n\nGITHUB = \"{pat}\"\n"),
    );
    scanned.write("README.md", "nothing to see here\n");
    let run: Run = Command::new(&exe)
        .args(["scan", ".", "--format", "json"])
        .current_dir(scanned.path())
        .output()
        .expect("run the installed keyhound")
        .into();
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let found = crate::util::finding_keys(&run);
    assert_eq!(
        found,
        [(
            "github-classic-pat".to_string(),
            "src/config.py".to_string(),
            3,
            11
        )]
    );
    assert!(!run.stdout.contains(&pat), "full secret printed");

    pipx_and_uvx_run_the_wheel(&work.path().join("tools"), &wheel, scanned.path());
    mirror_hook_installs_the_wheel(&work, &dist, &bin);
}

/// `pipx install` and `uvx --from` (pipx and uv from PyPI, in the tools environment) give
/// the native `keyhound` from the wheel alone (no index), and it finds the secret.
fn pipx_and_uvx_run_the_wheel(tools: &Path, wheel: &Path, scanned: &Path) {
    let bin = tools.join(if cfg!(windows) { "Scripts" } else { "bin" });
    ok(
        &bin.join("pip"),
        &["install", "-q", "pipx", "uv"],
        tools,
        &[],
    );
    let wheel_arg = wheel.to_str().expect("UTF-8 path");
    let home = TestEnv::new();
    let pipx_bin = home.path().join("pipx-bin");
    let (pipx_home, uv_cache, uv_tools) = (
        home.path().join("pipx"),
        home.path().join("uv-cache"),
        home.path().join("uv-tools"),
    );
    let env: [(&str, &std::ffi::OsStr); 5] = [
        ("PIPX_HOME", pipx_home.as_os_str()),
        ("PIPX_BIN_DIR", pipx_bin.as_os_str()),
        ("PIP_NO_INDEX", "1".as_ref()),
        ("UV_CACHE_DIR", uv_cache.as_os_str()),
        ("UV_TOOL_DIR", uv_tools.as_os_str()),
    ];
    let start = Instant::now();
    ok(&bin.join("pipx"), &["install", wheel_arg], tools, &env);
    eprintln!("pipx install: {:.1}s", start.elapsed().as_secs_f64());
    let version = format!("keyhound {}", env!("CARGO_PKG_VERSION"));
    let shown = ok(&pipx_bin.join("keyhound"), &["--version"], tools, &env);
    assert_eq!(shown.trim(), version);

    let start = Instant::now();
    let out = Command::new(bin.join("uvx"))
        .args([
            "--offline",
            "--from",
            wheel_arg,
            "keyhound",
            "scan",
            ".",
            "--format",
            "json",
        ])
        .current_dir(scanned)
        .envs(env.iter().copied())
        .output()
        .expect("run uvx");
    eprintln!(
        "uvx --from the wheel, first scan: {:.1}s",
        start.elapsed().as_secs_f64()
    );
    let run: Run = out.into();
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let found = crate::util::finding_keys(&run);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "github-classic-pat");
}

/// The mirror hook, its pin set to this version, installed by pre-commit from `dist`
/// (the wheel and setuptools, which pip fetches with the `user` environment's pip).
fn mirror_hook_installs_the_wheel(work: &TestEnv, dist: &Path, user_bin: &Path) {
    ok(
        &user_bin.join("pip"),
        &[
            "download",
            "-q",
            "--only-binary=:all:",
            "-d",
            dist.to_str().expect("UTF-8"),
            "setuptools>=61",
        ],
        work.path(),
        &[],
    );
    let mirror = util::repo_root().join("pre-commit-mirror");
    let read = |name: &str| std::fs::read(mirror.join(name)).expect("read a mirror file");
    let hooks = TestEnv::new();
    let rev = pre_commit::hooks_repo(
        &hooks,
        &[
            (".pre-commit-hooks.yaml", &read(".pre-commit-hooks.yaml")),
            ("pyproject.toml", &read("pyproject.toml")),
        ],
    );
    let pin = String::from_utf8(read("pyproject.toml")).expect("UTF-8");
    assert!(
        pin.contains(&format!("\"keyhound-bin=={}\"", env!("CARGO_PKG_VERSION"))),
        "the mirror pins this version:\n{pin}"
    );
    let repo = TestEnv::new();
    repo.git_init();
    repo.write("README.md", "# demo\n");
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: keyhound\n",
            hooks.path().display()
        ),
    );
    repo.commit_all("initial", "2024-01-01T00:00:00Z");
    let empty = TestEnv::new();
    let path = pre_commit::path_without_toolchain(empty.path());
    let home = TestEnv::new();
    let env: [(&str, &std::ffi::OsStr); 2] = [
        ("PIP_NO_INDEX", "1".as_ref()),
        ("PIP_FIND_LINKS", dist.as_os_str()),
    ];
    let start = Instant::now();
    pre_commit::check_hook_scans_what_it_is_given(&repo, &path, home.path(), &env);
    eprintln!(
        "mirror hook: install + checks in {:.1}s",
        start.elapsed().as_secs_f64()
    );
}

/// `cargo install keyhound` builds from the published crate, so the crate must carry what
/// build.rs embeds (every rules/*.toml) and leave out the release tooling.
#[test]
fn published_crate_holds_the_rules_and_build_script() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(util::repo_root())
        .output()
        .expect("run cargo package --list");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    for file in [
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
        "src/main.rs",
        "src/lib.rs",
        "README.md",
    ] {
        assert!(
            listed.iter().any(|l| l == file),
            "{file} is not packaged: {listed:?}"
        );
    }
    let rules = std::fs::read_dir(util::repo_root().join("rules")).expect("read rules/");
    for rule in rules {
        let name = format!(
            "rules/{}",
            rule.expect("an entry").file_name().to_string_lossy()
        );
        assert!(listed.contains(&name), "{name} is not packaged");
    }
    for left_out in ["action.yml", "pyproject.toml", ".pre-commit-hooks.yaml"] {
        assert!(
            !listed.iter().any(|l| l == left_out),
            "{left_out} is packaged"
        );
    }
    assert!(
        !listed
            .iter()
            .any(|l| l.starts_with("pre-commit-mirror/") || l.starts_with("scripts/")),
        "{listed:?}"
    );
}

/// The release workflow writes the pre-commit mirror with this script: the package version,
/// the `keyhound-bin` pin and the README's `rev:` follow the release; bad usage exits 2.
#[test]
fn mirror_script_pins_the_released_version() {
    let script = util::repo_root().join("scripts/update-pre-commit-mirror.sh");
    let out = TestEnv::new();
    let run = |args: &[&str]| -> Run {
        Command::new(&script)
            .args(args)
            .output()
            .expect("run the script")
            .into()
    };
    let dir = out.path().to_str().expect("UTF-8 path");
    let done = run(&["2.3.4", dir]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let read =
        |name: &str| std::fs::read_to_string(out.path().join(name)).expect("read a mirror file");
    let pyproject = read("pyproject.toml");
    assert!(pyproject.contains("\nversion = \"2.3.4\"\n"), "{pyproject}");
    assert!(
        pyproject.contains("dependencies = [\"keyhound-bin==2.3.4\"]"),
        "{pyproject}"
    );
    assert!(read("README.md").contains("rev: v2.3.4"));
    assert_eq!(
        read(".pre-commit-hooks.yaml"),
        std::fs::read_to_string(util::repo_root().join("pre-commit-mirror/.pre-commit-hooks.yaml"))
            .expect("read the template")
    );
    for bad in [
        &["v2.3.4", dir][..],
        &["two", dir],
        &["2.3.4"],
        &["2.3.4", "/nonexistent/dir"],
    ] {
        let refused = run(bad);
        assert_eq!(refused.code, 2, "{bad:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("error") || refused.stderr.contains("usage"),
            "{}",
            refused.stderr
        );
    }
}
