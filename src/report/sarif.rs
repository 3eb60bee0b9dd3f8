//! SARIF 2.1.0 output for GitHub code scanning (to be written).

use std::io::{self, Write};

use super::ReportOptions;
use crate::pipeline::Outcome;

/// Writes a SARIF log.
pub fn write(_outcome: &Outcome, _opts: &ReportOptions, _out: &mut dyn Write) -> io::Result<()> {
    Err(io::Error::other("SARIF output is not implemented yet"))
}
