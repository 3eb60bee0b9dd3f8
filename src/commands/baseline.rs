//! `keyhound baseline mark`: record a decision about a baselined secret in the ledger.

use crate::baseline::Baseline;
use crate::cli::{BaselineCommand, BaselineStatus};
use crate::exit::ExitStatus;

/// Runs a `keyhound baseline` subcommand.
pub fn run(command: BaselineCommand) -> anyhow::Result<ExitStatus> {
    match command {
        BaselineCommand::Mark {
            fingerprint,
            status,
            note,
            file,
        } => {
            let _lock = crate::baseline::lock(&file)?;
            let mut ledger = Baseline::load(&file)?;
            let date = crate::date::today();
            let full = ledger.mark(&file, &fingerprint, status, note.as_deref(), &date)?;
            ledger.save(&file)?;
            super::to_stdout(|out| {
                writeln!(
                    out,
                    "{}: {full} marked {} on {date}",
                    file.display(),
                    status_name(status)
                )
            })?;
            Ok(ExitStatus::Clean)
        }
    }
}

/// The status as written in the file and on the command line.
fn status_name(status: BaselineStatus) -> &'static str {
    match status {
        BaselineStatus::Open => "open",
        BaselineStatus::Rotated => "rotated",
        BaselineStatus::FalsePositive => "false-positive",
        BaselineStatus::Accepted => "accepted",
    }
}
