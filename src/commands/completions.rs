//! `keyhound completions SHELL` and the hidden `keyhound man`: shell completion scripts
//! and manual pages generated from the clap definitions in `cli.rs` (which renders them,
//! so clap stays there), so they never disagree with `--help`.

use std::path::Path;

use anyhow::Context;

use crate::cli;
use crate::exit::ExitStatus;

/// Prints the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitStatus> {
    let script = cli::render_completions(shell);
    super::to_stdout(|out| out.write_all(&script))?;
    Ok(ExitStatus::Clean)
}

/// Prints keyhound(1) to stdout, or with `dir` writes keyhound.1 and one
/// keyhound-SUBCOMMAND.1 page per visible subcommand there (creating `dir`).
pub fn man(dir: Option<&Path>) -> anyhow::Result<ExitStatus> {
    match dir {
        None => {
            let roff = cli::render_man_page()?;
            super::to_stdout(|out| out.write_all(&roff))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
            cli::write_man_pages(dir)
                .with_context(|| format!("{}: cannot write the manual pages", dir.display()))?;
        }
    }
    Ok(ExitStatus::Clean)
}
