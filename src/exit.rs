//! The process exit status, as documented in the README and `--help`.

/// What the process exit code says about a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing found, nothing failed.
    Clean = 0,
    /// At least one finding.
    Findings = 1,
    /// Something could not be done: bad arguments, unreadable input, invalid rules.
    /// Wins over `Findings`: a scan that missed files cannot be called complete.
    Error = 2,
}

impl ExitStatus {
    /// The status for a finished scan.
    pub fn for_scan(findings: usize, had_errors: bool) -> ExitStatus {
        if had_errors {
            ExitStatus::Error
        } else if findings > 0 {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        }
    }
}
