//! Tests: the action's install step (scripts/action-install.sh) against a fake GitHub
//! release served by `python3 -m http.server` on 127.0.0.1: the archive is installed only
//! when its SHA-256 matches the release's checksum file, a mismatch is refused (no
//! fallback), and cargo builds keyhound only when the release has no binary.

#![allow(clippy::print_stderr)] // timings
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{self, Run, TestEnv};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const ARCHIVE_TARGET: &str = "x86_64-unknown-linux-musl";

/// `python3 -m http.server` serving `dir` on a free loopback port; killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("bind a free port")
            .local_addr()
            .expect("a local address")
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start python3 -m http.server");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(Instant::now() < deadline, "the HTTP server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

fn sh(dir: &Path, script: &str) {
    let status = Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .status()
        .expect("run sh");
    assert!(status.success(), "{script}");
}

/// A release directory `v<version>/` holding the archive of `binary` (as `keyhound` at the
/// archive's top) and `keyhound-v<version>-SHA256SUMS`, listing `checksum` for it when
/// given, else the archive's real SHA-256.
fn fake_release(root: &Path, binary: &Path, checksum: Option<&str>) {
    let dir = root.join(format!("v{VERSION}"));
    let stage = root.join("stage");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::create_dir_all(&stage).expect("mkdir");
    std::fs::copy(binary, stage.join("keyhound")).expect("copy the binary");
    make_executable(&stage.join("keyhound"));
    let archive = format!("keyhound-v{VERSION}-{ARCHIVE_TARGET}.tar.gz");
    sh(
        &stage,
        &format!("tar -czf '{}' keyhound", dir.join(&archive).display()),
    );
    // Another archive's line first: the script must pick the line of its own archive.
    sh(
        &dir,
        &format!(
            "echo '{}  keyhound-v{VERSION}-aarch64-apple-darwin.tar.gz' > keyhound-v{VERSION}-SHA256SUMS && \
             sha256sum {archive} >> keyhound-v{VERSION}-SHA256SUMS",
            "a".repeat(64)
        ),
    );
    if let Some(sum) = checksum {
        std::fs::write(
            dir.join(format!("keyhound-v{VERSION}-SHA256SUMS")),
            format!("{sum}  {archive}\n"),
        )
        .expect("write the checksums");
    }
}

/// A stand-in `cargo` in `dir` that records its arguments and "builds" keyhound into
/// `--root`.
fn fake_cargo(dir: &Path) -> PathBuf {
    let path = dir.join("cargo");
    std::fs::write(
        &path,
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$(dirname \"$0\")/cargo-calls.txt\"\n\
         while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
         mkdir -p \"$root/bin\" && printf '#!/bin/sh\\necho keyhound built\\n' > \"$root/bin/keyhound\" && chmod +x \"$root/bin/keyhound\"\n",
    )
    .expect("write fake cargo");
    make_executable(&path);
    path
}

/// PATH with `first` in front and no directory holding cargo.
fn path_with(first: &Path) -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let rest = std::env::split_paths(&path).filter(|d| !d.join("cargo").exists());
    std::env::join_paths(std::iter::once(first.to_path_buf()).chain(rest)).expect("join PATH")
}

/// Runs the install script; returns the run, the outputs file and the elapsed time.
fn install(root: &Path, runner: &Path, env: &[(&str, &str)]) -> (Run, String, Duration) {
    let outputs = runner.join("output.txt");
    let start = Instant::now();
    let run: Run = Command::new("bash")
        .arg(util::repo_root().join("scripts/action-install.sh"))
        .current_dir(runner)
        .env("ACTION_PATH", util::repo_root())
        .env("KEYHOUND_ROOT", root)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", runner)
        .env("GITHUB_OUTPUT", &outputs)
        .env("PATH", path_with(runner))
        .env_remove("KEYHOUND_VERSION")
        .env_remove("KEYHOUND_RELEASE_URL")
        .envs(env.iter().copied())
        .output()
        .expect("run action-install.sh")
        .into();
    let elapsed = start.elapsed();
    (
        run,
        std::fs::read_to_string(outputs).unwrap_or_default(),
        elapsed,
    )
}

#[test]
fn install_downloads_and_verifies_the_release_binary() {
    let release = TestEnv::new();
    fake_release(release.path(), &util::keyhound_bin(), None);
    let server = Server::start(release.path());
    let runner = TestEnv::new();
    fake_cargo(runner.path());
    let root = runner.path().join("keyhound-action");
    let url = server.url();
    let (run, outputs, took) = install(&root, runner.path(), &[("KEYHOUND_RELEASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    eprintln!(
        "action install step, release binary: {:.2}s",
        took.as_secs_f64()
    );
    let binary = root.join("bin/keyhound");
    assert!(
        run.stdout.contains(&format!(
            "keyhound-v{VERSION}-{ARCHIVE_TARGET}.tar.gz: SHA-256 "
        )) && run.stdout.contains("verified against"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("keyhound {VERSION}")),
        "ran --version:\n{}",
        run.stdout
    );
    assert_eq!(
        outputs,
        format!("source=release\nbinary={}\n", binary.display())
    );
    assert!(
        !runner.path().join("cargo-calls.txt").exists(),
        "cargo ran although a binary exists"
    );
    let scan = Command::new(&binary)
        .args(["--version"])
        .output()
        .expect("run the installed binary");
    assert!(scan.status.success());
}

#[test]
fn install_refuses_an_archive_whose_checksum_does_not_match() {
    let release = TestEnv::new();
    let wrong = "0".repeat(64);
    fake_release(release.path(), &util::keyhound_bin(), Some(&wrong));
    let server = Server::start(release.path());
    let runner = TestEnv::new();
    fake_cargo(runner.path());
    let root = runner.path().join("keyhound-action");
    let url = server.url();
    let (run, outputs, _) = install(&root, runner.path(), &[("KEYHOUND_RELEASE_URL", &url)]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "::error title=keyhound::SHA-256 mismatch for keyhound-v{VERSION}-{ARCHIVE_TARGET}.tar.gz from {url}/v{VERSION}: expected {wrong}, got "
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("refusing to run it"), "{}", run.stdout);
    assert!(
        !root.join("bin/keyhound").exists(),
        "the binary was installed"
    );
    assert!(
        !runner.path().join("cargo-calls.txt").exists(),
        "fell back to cargo"
    );
    assert!(outputs.is_empty(), "{outputs}");
}

#[test]
fn install_builds_with_cargo_only_when_the_release_has_no_binary() {
    let release = TestEnv::new();
    fake_release(release.path(), &util::keyhound_bin(), None);
    let server = Server::start(release.path());
    let url = server.url();
    let runner = TestEnv::new();
    fake_cargo(runner.path());
    let root = runner.path().join("keyhound-action");

    // No such release (an unreleased version): 404, so cargo builds.
    let (run, outputs, _) = install(
        &root,
        runner.path(),
        &[
            ("KEYHOUND_RELEASE_URL", &url),
            ("KEYHOUND_VERSION", "9.9.9"),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "release v9.9.9 has no binary for {ARCHIVE_TARGET} at {url}; building from source"
        )),
        "{}",
        run.stdout
    );
    let calls = std::fs::read_to_string(runner.path().join("cargo-calls.txt")).expect("cargo ran");
    assert_eq!(
        calls,
        format!(
            "install --locked --path {} --root {}\n",
            util::repo_root().display(),
            root.display()
        )
    );
    assert!(outputs.starts_with("source=cargo\n"), "{outputs}");

    // A runner the release does not build for.
    std::fs::remove_dir_all(&root).expect("clean the install root");
    let (run, outputs, _) = install(
        &root,
        runner.path(),
        &[("KEYHOUND_RELEASE_URL", &url), ("RUNNER_ARCH", "ARM")],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("no release binary for Linux/ARM; building from source"),
        "{}",
        run.stdout
    );
    assert!(outputs.starts_with("source=cargo\n"), "{outputs}");

    // A server error is not "no binary": the job stops instead of building.
    std::fs::remove_dir_all(&root).expect("clean the install root");
    let (run, _, _) = install(
        &root,
        runner.path(),
        &[("KEYHOUND_RELEASE_URL", "http://127.0.0.1:9/nothing-listens")],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("not falling back to a build"),
        "{}",
        run.stdout
    );
}

/// The cargo fallback for real, timed against the release path; it compiles keyhound
/// (minutes), so it only runs with KEYHOUND_TEST_ACTION_CARGO=1.
#[test]
fn install_cargo_fallback_builds_a_working_binary() {
    if std::env::var_os("KEYHOUND_TEST_ACTION_CARGO").is_none() {
        eprintln!(
            "skipping: set KEYHOUND_TEST_ACTION_CARGO=1 to time the action's real cargo fallback"
        );
        return;
    }
    let runner = TestEnv::new();
    let root = runner.path().join("keyhound-action");
    let cargo_dir = Command::new("sh")
        .args(["-c", "dirname \"$(command -v cargo)\""])
        .output()
        .expect("find cargo");
    let cargo_dir = String::from_utf8_lossy(&cargo_dir.stdout)
        .trim()
        .to_string();
    let path = format!("{cargo_dir}:{}", std::env::var("PATH").unwrap_or_default());
    let start = Instant::now();
    let run: Run = Command::new("bash")
        .arg(util::repo_root().join("scripts/action-install.sh"))
        .env("ACTION_PATH", util::repo_root())
        .env("KEYHOUND_ROOT", &root)
        .env("KEYHOUND_VERSION", "9.9.9")
        .env("KEYHOUND_RELEASE_URL", "http://127.0.0.1:9")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "ARM")
        .env("PATH", path)
        // A cold build, as on a fresh runner.
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run action-install.sh")
        .into();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    eprintln!(
        "action install step, cargo fallback: {:.1}s",
        start.elapsed().as_secs_f64()
    );
    assert!(
        run.stdout.contains(&format!("keyhound {VERSION}")),
        "{}",
        run.stdout
    );
}
