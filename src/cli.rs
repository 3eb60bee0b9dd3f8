//! Command-line arguments (clap derive). The doc comments are the `--help` text.
//! Nothing past `config.rs` sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

/// Find leaked credentials in files, git history and staged changes, and plan their rotation.
///
/// Exit status: 0 nothing found, 1 findings, 2 error (bad arguments, unreadable input,
/// invalid rules or config). Errors win over findings.
#[derive(Debug, Parser)]
#[command(name = "keyhound", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, directories or stdin for secrets.
    Scan(ScanArgs),
    /// List or check detection rules.
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// When to color output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when stdout is a terminal and NO_COLOR is unset.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads stdin. Defaults to `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print full secrets instead of redacted ones (everywhere: text, JSON, snippets).
    #[arg(long)]
    pub show_secrets: bool,

    /// Add the rules in FILE (TOML) to the built-in ones; repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Scan files that .gitignore, .ignore or .keyhoundignore exclude.
    #[arg(long)]
    pub no_ignore: bool,

    /// Follow symbolic links (loops are reported, not followed).
    #[arg(long, short = 'L')]
    pub follow: bool,

    /// Skip files larger than SIZE (bytes, or with K, M, G suffix).
    #[arg(long, value_name = "SIZE", default_value = "64M")]
    pub max_file_size: String,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// When to use colors in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// No progress display, no warnings, no summary on stderr (errors still print).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, provider, severity, confidence.
    List {
        /// Also load the rules in FILE; repeatable.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Validate rule files and run their examples through the matcher.
    Check {
        /// Rule files to check (TOML). With none, checks the built-in rules.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}
