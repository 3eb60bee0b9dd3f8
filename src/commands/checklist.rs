//! `keyhound checklist` (to be written).

use crate::exit::ExitStatus;

/// Not implemented yet.
pub fn run() -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`keyhound checklist` is not implemented yet")
}
