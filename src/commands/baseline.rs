//! `keyhound baseline` (to be written).

use crate::exit::ExitStatus;

/// Not implemented yet.
pub fn run() -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`keyhound baseline` is not implemented yet")
}
