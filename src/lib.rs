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
//! - [`source`]: where bytes come from; [`provenance`]: how we say so.
//! - [`decode`]: UTF-16 and line ends, then base64/hex/percent/escape/entity segments
//!   decoded so the matcher sees secrets one encoding step away.
//! - [`matcher`]: one Aho-Corasick pass, then regexes near keyword hits, then filters.
//! - [`finding`]: locations, fingerprints and redaction.
//! - [`report`]: human, JSON and JSON Lines, SARIF, and the rotation checklist.
//! - [`pipeline`]: the only module with threads.

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod config_file;
pub mod date;
pub mod decode;
pub mod exit;
pub mod finding;
pub mod hook;
pub mod matcher;
pub mod messages;
pub mod pipeline;
pub mod progress;
pub mod provenance;
pub mod report;
pub mod rules;
pub mod source;
pub mod user_file;

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
