//! Turns parsed arguments into one validated [`ScanConfig`]: sizes parsed, paths
//! checked, colors decided. Nothing after this module sees clap.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{ColorChoice, ScanArgs};
use crate::report::Format;
use crate::source::filesystem::WalkOptions;

/// Everything `keyhound scan` needs to know, validated.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub inputs: Inputs,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub show_secrets: bool,
    pub rule_files: Vec<PathBuf>,
    pub walk: WalkOptions,
    pub max_file_size: u64,
    pub color: bool,
    pub quiet: bool,
}

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inputs {
    Paths(Vec<PathBuf>),
    Stdin,
}

/// A problem with the arguments; exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid --max-file-size {0:?}: expected a number of bytes with an optional K, M or G suffix")]
    Size(String),
    #[error("{0}: no such file or directory")]
    MissingPath(String),
    #[error("`-` (stdin) cannot be combined with other paths")]
    StdinWithPaths,
}

impl ScanConfig {
    /// Validates `args`.
    pub fn from_args(args: ScanArgs) -> Result<ScanConfig, ConfigError> {
        let max_file_size = parse_size(&args.max_file_size)?;
        let inputs = if args.paths.iter().any(|p| p.as_os_str() == "-") {
            if args.paths.len() > 1 {
                return Err(ConfigError::StdinWithPaths);
            }
            Inputs::Stdin
        } else {
            let paths = if args.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                args.paths
            };
            if let Some(missing) = paths.iter().find(|p| std::fs::symlink_metadata(p).is_err()) {
                return Err(ConfigError::MissingPath(missing.display().to_string()));
            }
            Inputs::Paths(paths)
        };
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                args.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(ScanConfig {
            inputs,
            format: args.format,
            output: args.output,
            show_secrets: args.show_secrets,
            rule_files: args.rules,
            walk: WalkOptions {
                no_ignore: args.no_ignore,
                follow: args.follow,
                threads: args.threads.unwrap_or(0),
                exclude: Vec::new(),
            },
            max_file_size,
            color,
            quiet: args.quiet,
        })
    }
}

/// Parses `1024`, `64K`, `64M`, `1G` (binary units; `KiB`/`MB` spellings accepted).
pub fn parse_size(text: &str) -> Result<u64, ConfigError> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| ConfigError::Size(text.into()))?;
    let mult: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(ConfigError::Size(text.into())),
    };
    n.checked_mul(mult)
        .ok_or_else(|| ConfigError::Size(text.into()))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert_eq!(parse_size("2KiB").unwrap(), 2048);
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5X").is_err());
    }
}
