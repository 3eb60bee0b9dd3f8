//! `keyhound hook install` and `keyhound hook uninstall`: glue between the command line
//! and [`crate::hook`], and the messages that say what happened.
#![allow(clippy::print_stdout)]

use std::path::Path;

use crate::cli::HookCommand;
use crate::exit::ExitStatus;
use crate::hook::{self, InstallOptions, Installed, Uninstalled, BACKUP_NAME};

/// Runs one `keyhound hook` subcommand.
pub fn run(command: HookCommand) -> anyhow::Result<ExitStatus> {
    match command {
        HookCommand::Install { force, chain, repo } => install(&repo, force, chain),
        HookCommand::Uninstall { repo } => uninstall(&repo),
    }
}

fn install(repo: &Path, force: bool, chain: bool) -> anyhow::Result<ExitStatus> {
    let opts = InstallOptions {
        force,
        chain,
        // Not fatal: the hook still finds keyhound through $KEYHOUND or PATH.
        installed_by: std::env::current_exe().ok(),
    };
    let report = hook::install(repo, &opts)?;
    let hook = report.paths.hook();
    let what = match report.action {
        Installed::New => "installed",
        Installed::Updated => "updated",
        Installed::Replaced => "installed (replacing the previous hook)",
        Installed::Chained => "installed (chained after the previous hook)",
    };
    println!("keyhound: pre-commit hook {what}: {}", hook.display());
    match report.action {
        Installed::Replaced => println!(
            "keyhound: the previous hook is kept as {}; `keyhound hook uninstall` puts it back",
            report.paths.backup().display()
        ),
        _ if report.chain => println!(
            "keyhound: the previous hook ({BACKUP_NAME}) runs first; the commit is blocked if it fails"
        ),
        _ if chain => println!("keyhound: --chain: there was no other hook to chain"),
        _ => {}
    }
    if report.paths.from_hooks_path {
        println!(
            "keyhound: core.hooksPath is set, so the hook went to {}; every repository using that directory runs it",
            report.paths.dir.display()
        );
    }
    println!("keyhound: each commit now runs `keyhound scan --staged`; skip once with `git commit --no-verify`");
    Ok(ExitStatus::Clean)
}

fn uninstall(repo: &Path) -> anyhow::Result<ExitStatus> {
    let report = hook::uninstall(repo)?;
    let hook = report.paths.hook();
    match report.action {
        Uninstalled::NothingInstalled => {
            println!(
                "keyhound: no pre-commit hook at {}; nothing to remove",
                hook.display()
            );
        }
        Uninstalled::Removed => println!("keyhound: pre-commit hook removed: {}", hook.display()),
        Uninstalled::Restored => println!(
            "keyhound: pre-commit hook removed and the previous hook restored: {}",
            hook.display()
        ),
    }
    Ok(ExitStatus::Clean)
}
