//! `keyhound hook install`, `hook uninstall` and `hook run`: glue between the command line
//! and [`crate::hook`], and the messages that say what happened.

use std::io::Write as _;
use std::path::Path;

use crate::cli::{HookCommand, ScanArgs};
use crate::config::ScanConfig;
use crate::exit::ExitStatus;
use crate::hook::{self, InstallOptions, Installed, Uninstalled, BACKUP_NAME, BASELINE_FILE};

/// Runs one `keyhound hook` subcommand.
pub fn run(command: HookCommand) -> anyhow::Result<ExitStatus> {
    match command {
        HookCommand::Install { force, chain, repo } => install(&repo, force, chain),
        HookCommand::Uninstall { repo } => uninstall(&repo),
        HookCommand::Run(args) => run_check(*args),
    }
}

/// The pre-commit check. The framework stashes unstaged changes before it runs hooks, so
/// the files it names hold exactly what will be committed; `pre-commit run --all-files`
/// names every tracked file. Without file names (git's own hook) the index is read.
fn run_check(mut args: ScanArgs) -> anyhow::Result<ExitStatus> {
    let files = !args.paths.is_empty();
    args.staged = !files;
    if args.baseline.is_none() && Path::new(BASELINE_FILE).is_file() {
        args.baseline = Some(BASELINE_FILE.into());
    }
    let config = ScanConfig::resolve(args).map_err(|e| super::scan::NotStarted(e.into()))?;
    let status = super::scan::run(config)?;
    if status.is_findings() {
        let what = if files {
            "the files to be committed contain"
        } else {
            "the staged changes contain"
        };
        let mut err = std::io::stderr().lock();
        // Best effort: the exit status already blocks the commit.
        let _ = writeln!(err, "\n{}", hook::blocked_advice(what));
    }
    Ok(status)
}

/// Collects one line of output, written to stdout once the command is done.
macro_rules! say {
    ($lines:ident, $($arg:tt)*) => { $lines.push(format!($($arg)*)) };
}

/// Writes the collected lines through the checked writer.
fn print(lines: &[String]) -> anyhow::Result<()> {
    super::to_stdout(|out| lines.iter().try_for_each(|l| writeln!(out, "{l}")))
}

fn install(repo: &Path, force: bool, chain: bool) -> anyhow::Result<ExitStatus> {
    let opts = InstallOptions {
        force,
        chain,
        // Not fatal: the hook still finds keyhound through $KEYHOUND or PATH.
        installed_by: std::env::current_exe().ok(),
    };
    let report = hook::install(repo, &opts)?;
    let mut lines = Vec::new();
    let hook = report.paths.hook();
    let what = match report.action {
        Installed::New => "installed",
        Installed::Updated => "updated",
        Installed::Replaced => "installed (replacing the previous hook)",
        Installed::Chained => "installed (chained after the previous hook)",
    };
    say!(
        lines,
        "keyhound: pre-commit hook {what}: {}",
        hook.display()
    );
    match report.action {
        Installed::Replaced => say!(lines,
            "keyhound: the previous hook is kept as {}; `keyhound hook uninstall` puts it back",
            report.paths.backup().display()
        ),
        _ if report.chain => say!(lines,
            "keyhound: the previous hook ({BACKUP_NAME}) runs first; the commit is blocked if it fails"
        ),
        _ if chain => say!(lines, "keyhound: --chain: there was no other hook to chain"),
        _ => {}
    }
    if report.paths.from_hooks_path {
        say!(lines,
            "keyhound: core.hooksPath is set, so the hook went to {}; every repository using that directory runs it",
            report.paths.dir.display()
        );
    }
    say!(lines, "keyhound: each commit now runs `keyhound scan --staged`; skip once with `git commit --no-verify`");
    print(&lines)?;
    Ok(ExitStatus::Clean)
}

fn uninstall(repo: &Path) -> anyhow::Result<ExitStatus> {
    let report = hook::uninstall(repo)?;
    let mut lines = Vec::new();
    let hook = report.paths.hook();
    match report.action {
        Uninstalled::NothingInstalled => {
            say!(
                lines,
                "keyhound: no pre-commit hook at {}; nothing to remove",
                hook.display()
            );
        }
        Uninstalled::Removed => say!(
            lines,
            "keyhound: pre-commit hook removed: {}",
            hook.display()
        ),
        Uninstalled::Restored => say!(
            lines,
            "keyhound: pre-commit hook removed and the previous hook restored: {}",
            hook.display()
        ),
    }
    print(&lines)?;
    Ok(ExitStatus::Clean)
}
