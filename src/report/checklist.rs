//! The rotation checklist: one item per distinct secret with provider-specific steps
//! (to be written).

use std::io::{self, Write};

use crate::pipeline::Outcome;
use crate::rules::RuleSet;

/// Writes the Markdown checklist for `outcome`.
pub fn write_markdown(
    _outcome: &Outcome,
    _rules: &RuleSet,
    _out: &mut dyn Write,
) -> io::Result<()> {
    Err(io::Error::other(
        "the rotation checklist is not implemented yet",
    ))
}
