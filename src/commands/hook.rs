//! `keyhound hook` (to be written).

use crate::exit::ExitStatus;

/// Not implemented yet.
pub fn run() -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`keyhound hook` is not implemented yet")
}
