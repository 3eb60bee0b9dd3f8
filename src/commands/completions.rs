//! `keyhound completions SHELL` and the hidden `keyhound man`: shell completion scripts
//! and manual pages generated from the clap definitions in `cli.rs`, so they never
//! disagree with `--help`.

use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit::ExitStatus;

/// Prints the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitStatus> {
    let mut command = Cli::command();
    super::to_stdout(|out| {
        clap_complete::generate(shell, &mut command, "keyhound", out);
        Ok(())
    })?;
    Ok(ExitStatus::Clean)
}

/// Prints keyhound(1) to stdout, or with `dir` writes keyhound.1 and one
/// keyhound-SUBCOMMAND.1 page per visible subcommand there (creating `dir`).
pub fn man(dir: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let command = Cli::command();
    match dir {
        None => {
            let page = clap_mangen::Man::new(command);
            let mut roff = Vec::new();
            page.render(&mut roff)?;
            super::to_stdout(|out| out.write_all(&roff))?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("{}: cannot write the manual pages", dir.display()))?;
        }
    }
    Ok(ExitStatus::Clean)
}
