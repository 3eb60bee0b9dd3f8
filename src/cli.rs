//! Command-line arguments (clap derive). The doc comments are the `--help` text.
//! Nothing past `config.rs` sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find leaked credentials in files, git history and staged changes, and plan their rotation.
///
/// `keyhound scan` finds them; `keyhound rules explain ID` tells what a rule looks for and
/// how to rotate what it found.
#[derive(Debug, Parser)]
#[command(name = "keyhound", version, about, long_about, after_long_help = TOP_AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, directories or stdin for secrets.
    #[command(after_long_help = SCAN_AFTER_HELP)]
    Scan(Box<ScanArgs>),
    /// List, explain or check detection rules.
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
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish).
    ///
    /// bash: `keyhound completions bash > ~/.local/share/bash-completion/completions/keyhound`;
    /// zsh: `keyhound completions zsh > ~/.zfunc/_keyhound` (with `~/.zfunc` in `fpath`);
    /// fish: `keyhound completions fish > ~/.config/fish/completions/keyhound.fish`;
    /// PowerShell: `keyhound completions powershell >> $PROFILE`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of keyhound, or write one page per subcommand to DIR.
    ///
    /// Release archives carry the pages in `man/`; this is how they are made.
    #[command(hide = true)]
    Man {
        /// Write keyhound.1 and keyhound-SUBCOMMAND.1 pages to DIR instead of printing keyhound.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The end of `keyhound --help`: exit status and environment.
const TOP_AFTER_HELP: &str = "\
Exit status:
  0  nothing found (or only findings below `scan --fail-on`)
  1  findings (`scan --exit-code N` changes it)
  2  error: bad arguments, an unreadable path or git object, an invalid rule, config or
     baseline file. Errors win over findings.

Environment:
  NO_COLOR          any value: no colors with --color auto
  GIT_INDEX_FILE    the index `scan --staged` reads (git sets it for `git commit -a`)
  KEYHOUND          the binary the installed pre-commit hook runs
  KEYHOUND_TIMINGS  any value: print how long each phase of a git scan took (stderr)

`keyhound COMMAND --help` explains a command and its flags.";

/// The end of `keyhound scan --help`: examples, exit status and environment.
const SCAN_AFTER_HELP: &str = "\
Examples:
  keyhound scan                                  the current directory
  keyhound scan src/ config/.env                 files and directories
  cat build.log | keyhound scan -                stdin
  keyhound scan --history .                      the working tree and every commit
  keyhound scan --staged                         what the next commit will add
  keyhound scan --range origin/main..HEAD        the commits of a pull request
  keyhound scan . -f sarif -o keyhound.sarif     SARIF for code scanning
  keyhound scan . --checklist ROTATION.md        also write the rotation checklist
  keyhound scan . --min-confidence medium        fewer, surer findings
  keyhound scan . --exclude vendor/              skip paths (gitignore globs; repeatable)
  keyhound scan --history . --include 'deploy/'  only these paths, in every commit
  keyhound scan . --disable-rule 'generic-*'     provider rules only
  keyhound scan . --fail-on high                 report everything, fail on high and critical

Exit status:
  0  nothing found, or only findings below --fail-on
  1  findings (or the N of --exit-code N)
  2  error (bad arguments, unreadable input, invalid rules or config); wins over 1

Environment:
  NO_COLOR          any value: no colors with --color auto
  GIT_INDEX_FILE    the index --staged reads (git sets it for `git commit -a`)
  KEYHOUND_TIMINGS  any value: print how long each phase of a git scan took (stderr)";

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

/// A finding severity, as given to `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
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

    /// Scan only files whose path matches GLOB (gitignore syntax, as in .keyhoundignore); repeatable.
    ///
    /// Paths are matched relative to the scan root, or to the repository with --history,
    /// --staged and --range, in every commit. `*.env` matches at any depth, `src/` a
    /// directory and everything below it, `/config/*.yml` only at the root. Directories
    /// are still entered, so `--include '*.env'` finds every `.env` file.
    #[arg(long, value_name = "GLOB", help_heading = "Filters")]
    pub include: Vec<String>,

    /// Do not scan paths matching GLOB (gitignore syntax, as in .keyhoundignore); repeatable.
    ///
    /// Matched like --include, and it wins over it. In --history a blob is left out only
    /// when every path it appears at is excluded. Applies with --no-ignore too; the config
    /// file's `exclude` adds to it.
    #[arg(long, value_name = "GLOB", help_heading = "Filters")]
    pub exclude: Vec<String>,

    /// Run only the rules whose id matches ID, a rule id or a glob ('aws-*'); repeatable.
    ///
    /// Rules the selected ones require (a key id that must sit next to its secret) run too.
    /// A pattern that matches no rule is an error.
    #[arg(long, value_name = "ID", help_heading = "Filters")]
    pub enable_rule: Vec<String>,

    /// Do not run the rules whose id matches ID, a rule id or a glob ('generic-*'); repeatable.
    ///
    /// Wins over --enable-rule; rules that require a disabled rule are disabled too. A
    /// pattern that matches no rule is an error.
    #[arg(long, value_name = "ID", help_heading = "Filters")]
    pub disable_rule: Vec<String>,

    /// Fail (exit status 1) only for findings of at least this severity.
    ///
    /// Findings below it are still reported in every format, but do not change the exit
    /// status. Default: every finding fails the run.
    #[arg(
        long,
        value_enum,
        value_name = "SEVERITY",
        help_heading = "When the run fails"
    )]
    pub fail_on: Option<SeverityArg>,

    /// The exit status when findings fail the run: 0 to 125 except 2 [default: 1].
    ///
    /// 0 reports findings without failing. 2 is not allowed: it means an error, and a CI
    /// step could no longer tell an incomplete scan from a finding.
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u8).range(0..=125),
        help_heading = "When the run fails"
    )]
    pub exit_code: Option<u8>,

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

/// Output formats of `rules list` and `rules explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// Text for people.
    Human,
    /// JSON for programs.
    Json,
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
    /// List every rule, sorted by id: id, provider, severity, confidence.
    List {
        /// Also load the rules in FILE; repeatable.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Output format: a table, or a JSON array (which also has each rule's name and paths).
        #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// Same as `--format json` (kept for scripts written before --format).
        #[arg(long, hide = true, conflicts_with = "format")]
        json: bool,
    },
    /// Explain one rule: what it detects, its provider, severity, confidence, regex,
    /// keywords, examples and how to rotate what it finds.
    ///
    /// The examples of built-in rules are fake secrets, printed as the rule file has them.
    /// Those of a rule from `--rules FILE` are printed only with `--show-secrets` (a
    /// user's examples may be real keys).
    Explain {
        /// The rule id, as in `keyhound rules list` or a finding's `rule`.
        #[arg(value_name = "ID")]
        id: String,
        /// Also load the rules in FILE; repeatable.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Output format: text, or one JSON object.
        #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// Print the examples of rules from `--rules` files too.
        #[arg(long)]
        show_secrets: bool,
    },
    /// Validate rule files and run their examples through the matcher.
    Check {
        /// Rule files to check (TOML). With none, checks the built-in rules.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// The completion script of `shell` for these definitions. Rendered into memory:
/// `clap_complete` panics on a write error, so the caller writes it (and handles a
/// closed pipe or a full disk).
pub fn render_completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(
        shell,
        &mut <Cli as clap::CommandFactory>::command(),
        "keyhound",
        &mut script,
    );
    script
}

/// Renders keyhound(1), the manual page of these definitions, as roff.
pub fn render_man_page() -> std::io::Result<Vec<u8>> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut roff)?;
    Ok(roff)
}

/// Writes keyhound.1 and one keyhound-SUBCOMMAND.1 page per visible subcommand to `dir`.
pub fn write_man_pages(dir: &std::path::Path) -> std::io::Result<()> {
    clap_mangen::generate_to(<Cli as clap::CommandFactory>::command(), dir)
}
