//! Standard input as one blob.

use std::io::Read;

/// Reads all of stdin, refusing more than `max` bytes.
///
/// A closed standard input (`keyhound scan - <&-`) is an error, not an empty and clean
/// scan. The Rust runtime reopens a closed descriptor 0 on `/dev/null` before `main`, so
/// the two cannot be told apart: standard input on `/dev/null` is refused too (there is
/// nothing to scan there either).
pub fn read_all(max: u64) -> std::io::Result<Vec<u8>> {
    if is_dev_null() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "standard input is closed or /dev/null: nothing to scan (pipe the text to scan into `keyhound scan -`)",
        ));
    }
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

/// Whether standard input is the null device (Linux: character device 1:3).
#[cfg(unix)]
fn is_dev_null() -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(stdin), Ok(null)) = (
        std::fs::metadata("/dev/stdin"),
        std::fs::metadata("/dev/null"),
    ) else {
        return false;
    };
    stdin.rdev() == null.rdev() && stdin.dev() == null.dev() && stdin.ino() == null.ino()
}

#[cfg(not(unix))]
fn is_dev_null() -> bool {
    false
}
