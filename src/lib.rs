//! keyhound: find leaked credentials and plan their rotation.
//!
//! Data flows one way:
//!
//! ```text
//! source (files, stdin, git) -> decode (text view, encoded segments) -> matcher -> finding -> report
//!            \__________________ pipeline (threads, progress) __________________/
//! ```
//!
//! - [`rules`]: rule files parsed and compiled into a [`rules::RuleSet`].
//! - `source`: where bytes come from; `provenance`: how we say so.
//! - `decode`: UTF-16 and line ends, then base64/hex/percent/escape/entity segments
//!   decoded so the matcher sees secrets one encoding step away.
//! - [`matcher`]: one Aho-Corasick pass, then regexes near keyword hits, then filters.
//! - [`finding`]: locations, fingerprints and redaction.
//! - `report`: human, JSON and JSON Lines, SARIF, and the rotation checklist.
//! - `pipeline`: the only module with threads.
//!
//! Modules are layered along that flow, lowest first; a module imports only from lower
//! layers, and modules on one line are independent of each other (`tests/layers.rs`
//! checks every `crate::` and `super::` path against this list):
//!
//! ```text
//! exit, user_file, date, provenance, finding::redact   foundations, no crate imports
//! rules
//! source
//! decode
//! matcher
//! finding                                              incl. Outcome, the scan result
//! progress
//! messages
//! baseline, hook
//! report, pipeline                                     consumers and producer of findings
//! cli, config_file                                     clap types; .keyhound.toml
//! config                                               both merged into one ScanConfig
//! commands
//! ```

pub mod baseline;
pub mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub mod config_file;
pub(crate) mod date;
pub mod decode;
pub mod exit;
pub mod finding;
pub(crate) mod hook;
pub mod matcher;
pub mod messages;
pub mod pipeline;
pub mod progress;
pub(crate) mod provenance;
pub(crate) mod report;
pub use commands::redact_found_secrets;
/// Escaping of untrusted text per output kind (the binary escapes its error messages).
pub use report::escape;
pub mod rules;
pub(crate) mod source;
pub(crate) mod user_file;

use cli::{Cli, Command, RulesCommand, RulesFormat};
use exit::ExitStatus;

/// Runs one command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Scan(args) => {
            let config = config::ScanConfig::resolve(*args)
                .map_err(|e| commands::scan::NotStarted(e.into()))?;
            commands::scan::run(config)
        }
        Command::Rules(RulesCommand::List {
            rules,
            format,
            json,
        }) => commands::rules::list(&rules, if json { RulesFormat::Json } else { format }),
        Command::Rules(RulesCommand::Explain {
            id,
            rules,
            format,
            show_secrets,
        }) => commands::rules::explain(&id, &rules, format, show_secrets),
        Command::Rules(RulesCommand::Check { files }) => commands::rules::check(&files),
        Command::Checklist(args) => commands::checklist::run(args),
        Command::Baseline(command) => commands::baseline::run(command),
        Command::Hook(command) => commands::hook::run(command),
        Command::Completions { shell } => commands::completions::completions(shell),
        Command::Man { dir } => commands::completions::man(dir.as_deref()),
    }
}
