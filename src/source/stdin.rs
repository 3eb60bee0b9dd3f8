//! Standard input as one blob.

use std::io::Read;

/// Reads all of stdin, refusing more than `max` bytes.
pub fn read_all(max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "standard input is larger than --max-file-size ({max} bytes)"
        )));
    }
    Ok(bytes)
}
