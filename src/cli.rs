//! Command-line arguments (clap derive). The doc comments are the `--help` text.
//! Nothing past `config.rs` sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Write the rotation checklist from a saved JSON report.
    Checklist(ChecklistArgs),
    /// Manage the baseline: mark findings rotated, false positives or accepted.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Install or remove the git pre-commit hook that runs `keyhound scan --staged`.
    #[command(subcommand)]
    Hook(HookCommand),
}

/// Output formats of `keyhound scan` (mapped to `report::Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Grouped by file, like ripgrep, with a summary.
    Human,
    /// A JSON array of findings.
    Json,
    /// One JSON finding per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// When to color output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when stdout is a terminal and NO_COLOR is unset.
    Auto,
    Always,
    Never,
}

/// A finding confidence level, as given to `--min-confidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfidenceArg {
    Low,
    Medium,
    High,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads stdin. Defaults to `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print full secrets instead of redacted ones (everywhere: text, JSON, snippets).
    #[arg(long)]
    pub show_secrets: bool,

    /// Report only findings of at least this confidence.
    ///
    /// high: checksum-validated tokens and unique prefixes of fixed length; medium: a prefix
    /// plus entropy, or a long random value under a secret's name; low: other generic
    /// assignments. Raise it to trade recall for quiet.
    #[arg(long, value_enum, default_value_t = ConfidenceArg::Low, value_name = "LEVEL")]
    pub min_confidence: ConfidenceArg,

    /// Add the rules in FILE (TOML) to the built-in ones; repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Scan files that .gitignore, .ignore or .keyhoundignore exclude.
    #[arg(long)]
    pub no_ignore: bool,

    /// Follow symbolic links (loops are reported, not followed).
    #[arg(long, short = 'L')]
    pub follow: bool,

    /// Skip files larger than SIZE (bytes, or with K, M, G suffix) [default: 64M, or
    /// max_file_size from the config file].
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,

    /// How deep to decode encoded segments (base64, hex, percent, JSON escapes, entities)
    /// and scan their content: 1 decodes segments of the file, 2 also segments inside
    /// decoded text (base64 of JSON holding base64); 0 turns decoding off.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub decode_depth: u8,

    /// Worker threads (default: one per core; at most 4 per core, more is capped with a note).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// When to use colors in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// No progress display and no summary on any stream: only findings, warnings and
    /// errors print (`--format json -q > report.json`; the git hook is silent on a clean commit).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Also scan every blob reachable from any ref in the repository's history, and
    /// commit and annotated tag messages; each place a secret is (or was) is reported.
    #[arg(long, help_heading = "Git")]
    pub history: bool,

    /// With --history: also scan unreachable (dangling) objects in the object database.
    #[arg(long, requires = "history", help_heading = "Git")]
    pub all_objects: bool,

    /// With --history: only commits after DATE (YYYY-MM-DD) or not reachable from REV.
    #[arg(
        long,
        value_name = "DATE|REV",
        requires = "history",
        help_heading = "Git"
    )]
    pub since: Option<String>,

    /// Scan only what is staged for the next commit (index entries that differ from HEAD).
    #[arg(long, conflicts_with_all = ["history", "range"], help_heading = "Git")]
    pub staged: bool,

    /// Scan only blobs introduced by the commits in A..B (e.g. origin/main..HEAD), or in
    /// A...B (on either side but not both, as git's symmetric difference), and the
    /// messages of those commits.
    #[arg(
        long,
        value_name = "A..B",
        conflicts_with = "history",
        help_heading = "Git"
    )]
    pub range: Option<String>,

    /// Read settings from FILE instead of .keyhound.toml at the scan root.
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<PathBuf>,

    /// Report only findings that are not in the baseline FILE.
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings to the baseline FILE (keeps statuses already set there).
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Also write the rotation checklist (Markdown) to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub checklist: Option<PathBuf>,

    /// With --checklist: also write FILE, the expressions for `git filter-repo --replace-text`
    /// that remove every secret found from history. It holds the secrets in full, so it
    /// needs --show-secrets and is created readable by its owner only (0600).
    #[arg(
        long,
        value_name = "FILE",
        requires = "checklist",
        help_heading = "Output"
    )]
    pub purge_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// A JSON report written by `keyhound scan --format json`.
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// Checklist format.
    #[arg(long, short = 'f', value_enum, default_value_t = ChecklistFormat::Markdown)]
    pub format: ChecklistFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Mark items done from this baseline FILE's statuses.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Also write FILE, the expressions for `git filter-repo --replace-text` that remove
    /// every secret in the report from history. It holds the secrets in full, so it needs
    /// --show-secrets and a report written with --show-secrets; created with mode 0600.
    #[arg(long, value_name = "FILE")]
    pub purge_file: Option<PathBuf>,
    /// Allow the secrets in full to be written (to --purge-file only: the checklist itself
    /// never holds a full secret).
    #[arg(long)]
    pub show_secrets: bool,
}

/// Formats of the rotation checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChecklistFormat {
    Markdown,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Set the status of a finding's secret in the baseline.
    Mark {
        /// The fingerprint (from any report; a unique prefix is enough).
        fingerprint: String,
        /// New status.
        #[arg(value_enum)]
        status: BaselineStatusArg,
        /// Why, who, or the ticket.
        #[arg(long)]
        note: Option<String>,
        /// The baseline file.
        #[arg(long, default_value = ".keyhound-baseline.json", value_name = "FILE")]
        file: PathBuf,
    },
}

/// What a team decided about a baselined secret (mapped to `baseline::Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BaselineStatusArg {
    /// Known, not yet handled.
    Open,
    /// Revoked and replaced at the provider.
    Rotated,
    /// Not a secret.
    FalsePositive,
    /// A real secret the team accepts (e.g. a test-only key).
    Accepted,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the pre-commit hook (refuses to replace a hook keyhound did not write).
    Install {
        /// Replace a foreign hook, keeping a backup next to it.
        #[arg(long, conflicts_with = "chain")]
        force: bool,
        /// Keep a foreign hook and run it before keyhound.
        #[arg(long)]
        chain: bool,
        /// The repository (default: the current directory).
        #[arg(long, value_name = "DIR", default_value = ".")]
        repo: PathBuf,
    },
    /// Run the pre-commit check: scan the FILEs given (as the pre-commit framework passes
    /// them), or the staged changes when none are given; on findings, say how to proceed.
    ///
    /// Takes every `keyhound scan` option. `.keyhound-baseline.json` in the current
    /// directory is used as the baseline unless `--baseline` is given. Exit status as for
    /// `scan`: 0 clean, 1 findings (commit blocked), 2 error.
    Run(Box<ScanArgs>),
    /// Remove the hook keyhound installed and restore any backup.
    Uninstall {
        /// The repository (default: the current directory).
        #[arg(long, value_name = "DIR", default_value = ".")]
        repo: PathBuf,
    },
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
