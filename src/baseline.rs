//! Baselines and the rotation ledger (to be written).

use std::path::Path;

use crate::messages::Messages;
use crate::pipeline::Outcome;

/// A baseline that cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BaselineError(pub String);

/// Removes findings already in the baseline at `path`; reports recurrences of rotated
/// secrets through `messages`. Returns how many findings were suppressed.
pub fn filter(
    _path: &Path,
    _outcome: &mut Outcome,
    _messages: &Messages,
) -> Result<usize, BaselineError> {
    Ok(0)
}

/// Writes (or updates, keeping statuses) the baseline at `path` from `outcome`.
pub fn write(_path: &Path, _outcome: &Outcome) -> Result<(), BaselineError> {
    Err(BaselineError(
        "--write-baseline is not implemented yet".into(),
    ))
}
