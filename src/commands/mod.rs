//! One module per subcommand: glue between the configuration and the library.

pub mod baseline;
pub mod checklist;
pub mod hook;
pub mod rules;
pub mod scan;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Opens the report destination: a file, or stdout.
pub fn output(path: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => {
            let file = File::create(p)
                .map_err(|e| anyhow::anyhow!("{}: cannot create output file: {e}", p.display()))?;
            Box::new(BufWriter::new(file))
        }
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}
