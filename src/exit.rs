//! The process exit status, as documented in the README and `--help`.

/// What the process exit code says about a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing found (or only findings below `--fail-on`), nothing failed: code 0.
    Clean,
    /// At least one finding: code 1.
    Findings,
    /// Something could not be done: bad arguments, unreadable input, invalid rules. Code 2.
    /// Wins over `Findings`: a scan that missed files cannot be called complete.
    Error,
    /// Findings, with the code `--exit-code` chose instead of 1 (never 0 or 2).
    FindingsCode(u8),
}

/// The code for findings unless `--exit-code` says otherwise.
pub const FINDINGS_CODE: u8 = 1;

/// The code for errors; `--exit-code` may not use it.
pub const ERROR_CODE: u8 = 2;

impl ExitStatus {
    /// The status for a finished scan: `failing` is the number of findings at or above
    /// `--fail-on`, `findings_code` the `--exit-code` (0 reports findings without failing).
    pub fn for_scan(failing: usize, had_errors: bool, findings_code: u8) -> ExitStatus {
        if had_errors {
            ExitStatus::Error
        } else if failing == 0 || findings_code == 0 {
            ExitStatus::Clean
        } else if findings_code == FINDINGS_CODE {
            ExitStatus::Findings
        } else {
            ExitStatus::FindingsCode(findings_code)
        }
    }

    /// Whether the run found something that fails it (exit code 1 or `--exit-code`).
    pub fn is_findings(self) -> bool {
        matches!(self, ExitStatus::Findings | ExitStatus::FindingsCode(_))
    }

    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Clean => 0,
            ExitStatus::Findings => i32::from(FINDINGS_CODE),
            ExitStatus::Error => i32::from(ERROR_CODE),
            ExitStatus::FindingsCode(code) => i32::from(code),
        }
    }
}
