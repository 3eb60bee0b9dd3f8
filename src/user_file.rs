//! Files the user names on the command line or in settings (config, rules, baselines,
//! saved reports, git hooks): read whole, so each read is bounded. A FIFO, a device or a
//! directory is refused before it is opened (reading `/dev/zero` or a FIFO would exhaust
//! memory or hang), and a file over its kind's cap is refused before it is read.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Largest `.keyhound.toml` / `--config` file read: 1 MiB.
pub const MAX_CONFIG: u64 = 1 << 20;
/// Largest rule file read (`--rules`, `rules check`): 64 MiB.
pub const MAX_RULES: u64 = 64 << 20;
/// Largest baseline read (`--baseline`, `--write-baseline`, `baseline mark`): 256 MiB.
pub const MAX_BASELINE: u64 = 256 << 20;
/// Largest saved JSON report read by `keyhound checklist`: 1 GiB.
pub const MAX_REPORT: u64 = 1 << 30;
/// Largest existing git hook inspected by `hook install`: 1 MiB.
pub const MAX_HOOK: u64 = 1 << 20;

/// Reads the regular file at `path` (symbolic links followed) if it holds at most `cap`
/// bytes. Errors: the usual I/O errors (`NotFound` and so on), `InvalidInput` for a
/// file that is not a regular file, and `FileTooLarge` for one over `cap` bytes.
pub fn read(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "not a regular file ({}); name a regular file",
                kind(&meta.file_type())
            ),
        ));
    }
    if meta.len() > cap {
        return Err(too_large(cap));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    File::open(path)?.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text (`InvalidData` if it is not).
pub fn read_to_string(path: &Path, cap: u64) -> io::Result<String> {
    String::from_utf8(read(path, cap)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

fn too_large(cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "larger than the limit of {} MiB for this kind of file",
            cap >> 20
        ),
    )
}

fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}
