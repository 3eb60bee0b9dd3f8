//! `keyhound baseline mark`: record a decision about a baselined secret in the ledger.

use crate::baseline::{Baseline, Status};
use crate::cli::{BaselineCommand, BaselineStatusArg};
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
            let status = match status {
                BaselineStatusArg::Open => Status::Open,
                BaselineStatusArg::Rotated => Status::Rotated,
                BaselineStatusArg::FalsePositive => Status::FalsePositive,
                BaselineStatusArg::Accepted => Status::Accepted,
            };
            // A missing or unreadable baseline is reported before the lock file
            // (FILE.lock) is created, so a failed mark leaves nothing behind.
            Baseline::load(&file)?;
            let _lock = crate::baseline::lock(&file)?;
            let mut ledger = Baseline::load(&file)?;
            let date = crate::date::today();
            // A note is free text: a key typed into it is stored redacted.
            let note = note.map(|n| super::redact_found_secrets(&n));
            let full = ledger.mark(&file, &fingerprint, status, note.as_deref(), &date)?;
            ledger.save(&file)?;
            super::to_stdout(|out| {
                writeln!(
                    out,
                    "{}: {full} marked {} on {date}",
                    file.display(),
                    status.name()
                )
            })?;
            Ok(ExitStatus::Clean)
        }
    }
}
