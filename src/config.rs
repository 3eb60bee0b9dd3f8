//! Turns parsed arguments and the config file into one validated [`ScanConfig`]: sizes
//! parsed, paths checked, colors decided, `.keyhound.toml` merged with explicit flags
//! winning. Nothing after this module sees clap or reads the config file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{ColorChoice, ConfidenceArg, FormatArg, ScanArgs, SeverityArg};
use crate::config_file::{parse_size, Allowlist, ConfigFileError, RuleAdjustments, Settings};
use crate::exit::{ERROR_CODE, FINDINGS_CODE};
use crate::report::Format;
use crate::rules::select::{RuleSelection, SelectError};
use crate::rules::{Confidence, Severity};
use crate::source::filesystem::WalkOptions;
use crate::source::path_filter::{GlobError, OriginGlob, PathFilter};
use crate::source::GitMode;

/// Everything `keyhound scan` needs to know, validated.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub inputs: Inputs,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub show_secrets: bool,
    /// Findings below this confidence are not reported (`--min-confidence`).
    pub min_confidence: Confidence,
    /// `--rules` files, then the config file's `rules`.
    pub rule_files: Vec<PathBuf>,
    /// The config file's `disable`, `[severity]` and `min_entropy`.
    pub rule_adjustments: RuleAdjustments,
    /// The config file's `[allowlist]` (and `exclude`, for git findings).
    pub allowlist: Allowlist,
    /// `--enable-rule` and `--disable-rule`.
    pub rule_selection: RuleSelection,
    /// `--fail-on`: findings below this severity do not fail the run (`None`: all do).
    pub fail_on: Option<Severity>,
    /// `--exit-code`: the exit code when findings fail the run (1 unless given; never 2).
    pub findings_code: u8,
    pub walk: WalkOptions,
    /// `--max-file-size`, else the config file's `max_file_size`, else 64 MiB.
    pub max_file_size: u64,
    /// `--decode-depth`: nesting depth of decoding, 0 for none.
    pub decode_depth: u8,
    pub color: bool,
    pub quiet: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub checklist: Option<PathBuf>,
    /// `--purge-file`: where to write the `git filter-repo` expressions (needs `show_secrets`).
    pub purge_file: Option<PathBuf>,
    /// Set when `--threads` asked for more than [`max_threads`]: the number asked for.
    pub threads_capped_from: Option<usize>,
}

/// What a path is when it is neither a file nor a directory (`None` for those).
fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO or pipe");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Threads per core that `--threads` may ask for: the scan is CPU-bound, so more than a
/// few per core only adds switching and memory (2,000 threads on 2 cores never finished).
pub const THREADS_PER_CORE: usize = 4;

/// The most worker threads a scan uses: [`THREADS_PER_CORE`] per available core.
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores.saturating_mul(THREADS_PER_CORE)
}

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inputs {
    Paths(Vec<PathBuf>),
    Stdin,
    /// A git repository, read through its object database.
    Git {
        repo: PathBuf,
        mode: GitMode,
    },
}

/// The size limit when neither `--max-file-size` nor the config file sets one.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// The directory that relative settings (config file, ignore files) are found in.
fn root_of(inputs: &Inputs) -> PathBuf {
    match inputs {
        Inputs::Paths(paths) if paths.len() == 1 && paths[0].is_dir() => paths[0].clone(),
        Inputs::Git { repo, .. } => repo.clone(),
        _ => PathBuf::from("."),
    }
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
    #[error("--history, --staged and --range take one repository path")]
    GitOnePath,
    #[error(
        "--since {0}: no such date (expected YYYY-MM-DD, a real calendar day, or a git revision)"
    )]
    Since(String),
    #[error("--purge-file writes every secret in full, so it needs --show-secrets as well")]
    PurgeWithoutShowSecrets,
    /// `--checklist -` or `--purge-file -`: stdout holds the report, and a file named `-`
    /// is not what anyone means.
    #[error("{0} -: give a file name (standard output holds the report; for the checklist alone, save a JSON report and run `keyhound checklist REPORT`)")]
    DashFile(&'static str),
    #[error("{0}: not a file or directory ({1}); keyhound does not read it; to scan a stream, pipe it to `keyhound scan -`")]
    NotScannable(String, &'static str),
    #[error("--include and --exclude select paths, and standard input has none; drop them, or scan files")]
    GlobsOnStdin,
    #[error("--exit-code {0}: 2 is the exit status for errors; use 0 (report without failing), 1, or 3 to 125")]
    ExitCode(u8),
    /// An `--include`/`--exclude` glob that does not parse.
    #[error(transparent)]
    Glob(#[from] GlobError),
    /// An `--enable-rule`/`--disable-rule` pattern that does not parse.
    #[error(transparent)]
    RulePattern(#[from] SelectError),
    /// `.keyhound.toml` (or `--config FILE`) cannot be read or is invalid.
    #[error(transparent)]
    File(#[from] ConfigFileError),
}

impl ScanConfig {
    /// Validates `args`, reads the config file (`--config FILE`, else `.keyhound.toml` at
    /// the scan root if present) and merges the two: a flag given on the command line wins
    /// over the file, the file over the built-in default; lists (rule files, excludes) are
    /// joined. This is the only place either source is read.
    pub fn resolve(args: ScanArgs) -> Result<ScanConfig, ConfigError> {
        let explicit_size = match args.max_file_size.as_deref() {
            Some(text) => Some(parse_size(text).ok_or_else(|| ConfigError::Size(text.into()))?),
            None => None,
        };
        if args.purge_file.is_some() && !args.show_secrets {
            return Err(ConfigError::PurgeWithoutShowSecrets);
        }
        for (flag, path) in [
            ("--checklist", &args.checklist),
            ("--purge-file", &args.purge_file),
        ] {
            if path.as_deref() == Some(Path::new("-")) {
                return Err(ConfigError::DashFile(flag));
            }
        }
        let findings_code = args.exit_code.unwrap_or(FINDINGS_CODE);
        if findings_code == ERROR_CODE {
            return Err(ConfigError::ExitCode(findings_code));
        }
        let rule_selection = RuleSelection::new(&args.enable_rule, &args.disable_rule)?;
        if let Some(since) = &args.since {
            if crate::date::looks_like_date(since) && crate::date::parse_date(since).is_none() {
                return Err(ConfigError::Since(since.clone()));
            }
        }
        let git_mode = if args.staged {
            Some(GitMode::Staged)
        } else if let Some(range) = &args.range {
            Some(GitMode::Range(range.clone()))
        } else if args.history {
            Some(GitMode::History {
                all_objects: args.all_objects,
                since: args.since.clone(),
            })
        } else {
            None
        };
        let inputs = if let Some(mode) = git_mode {
            if args.paths.len() > 1 {
                return Err(ConfigError::GitOnePath);
            }
            let repo = args
                .paths
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            if !repo.exists() {
                return Err(ConfigError::MissingPath(repo.display().to_string()));
            }
            Inputs::Git { repo, mode }
        } else if args.paths.iter().any(|p| p.as_os_str() == "-") {
            if args.paths.len() > 1 {
                return Err(ConfigError::StdinWithPaths);
            }
            if !args.include.is_empty() || !args.exclude.is_empty() {
                return Err(ConfigError::GlobsOnStdin);
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
            // A FIFO, `<(…)` or a device named as a root would be skipped by the walk and
            // leave a "0 files, exit 0" scan: refuse it up front instead.
            for path in &paths {
                if let Some(kind) = std::fs::metadata(path).ok().and_then(|m| special_kind(&m)) {
                    return Err(ConfigError::NotScannable(path.display().to_string(), kind));
                }
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
        let asked = args.threads.unwrap_or(0);
        let threads = asked.min(max_threads());
        let settings = Settings::load(args.config.as_deref(), &root_of(&inputs))?;
        let flag_globs = |flag: &str, globs: &[String]| -> Vec<OriginGlob> {
            globs
                .iter()
                .map(|glob| OriginGlob {
                    origin: flag.to_string(),
                    glob: glob.clone(),
                })
                .collect()
        };
        let mut exclude = flag_globs("--exclude", &args.exclude);
        exclude.extend(flag_globs("the config file's exclude:", &settings.exclude));
        // --include replaces the config file's include; excludes add up.
        let include = if args.include.is_empty() {
            flag_globs("the config file's include:", &settings.include)
        } else {
            flag_globs("--include", &args.include)
        };
        let paths = PathFilter::new(&include, &exclude)?;
        let mut rule_files = args.rules;
        rule_files.extend(settings.rule_files);
        Ok(ScanConfig {
            threads_capped_from: (threads < asked).then_some(asked),
            inputs,
            format: match args.format {
                FormatArg::Human => Format::Human,
                FormatArg::Json => Format::Json,
                FormatArg::Jsonl => Format::Jsonl,
                FormatArg::Sarif => Format::Sarif,
            },
            output: args.output,
            show_secrets: args.show_secrets,
            min_confidence: match args.min_confidence {
                ConfidenceArg::Low => Confidence::Low,
                ConfidenceArg::Medium => Confidence::Medium,
                ConfidenceArg::High => Confidence::High,
            },
            rule_files,
            rule_adjustments: settings.rules,
            allowlist: settings.allowlist,
            rule_selection,
            fail_on: args
                .fail_on
                .map(|s| match s {
                    SeverityArg::Critical => Severity::Critical,
                    SeverityArg::High => Severity::High,
                    SeverityArg::Medium => Severity::Medium,
                    SeverityArg::Low => Severity::Low,
                })
                .or(settings.fail_on),
            findings_code,
            walk: WalkOptions {
                no_ignore: args.no_ignore,
                follow: args.follow,
                threads,
                paths,
            },
            max_file_size: explicit_size
                .or(settings.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            decode_depth: args.decode_depth,
            color,
            quiet: args.quiet,
            baseline: args.baseline,
            write_baseline: args.write_baseline,
            checklist: args.checklist,
            purge_file: args.purge_file,
        })
    }
}
