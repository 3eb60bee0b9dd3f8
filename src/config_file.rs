//! `.keyhound.toml`: the per-repository configuration file.
//!
//! The file is read once, before the rules are loaded, and validated completely: a value
//! that cannot be used is an error naming the file, the line and the reason, because a
//! silently ignored setting in a security tool is worse than a failed run. The settings
//! are merged with the command line once, in [`crate::config::ScanConfig::resolve`]
//! (explicit flags win); from there they act at three points of a scan: what to read
//! (rule files, excludes, the size limit), how to match ([`RuleAdjustments`]) and what
//! to report ([`Allowlist`]).
//!
//! An example with every key:
//!
//! ```toml
//! rules = ["ci/extra-rules.toml"]       # more rule files, relative to this file
//! disable = ["generic-password"]        # rule ids to turn off
//! exclude = ["vendor/", "*.min.js"]     # gitignore-style globs never scanned
//! include = ["src/", "config/"]         # only these paths are scanned (like --include)
//! fail_on = "high"                      # like --fail-on
//! max_file_size = "16M"                 # like --max-file-size
//! min_entropy = 4.0                     # threshold for generic rules
//!
//! [severity]                            # rule id = new severity
//! generic-api-key = "low"
//!
//! [allowlist]
//! fingerprints = ["0123456789abcdef0123456789abcdef"]
//! regexes = ['^sk_test_']               # matched against the secret itself
//! paths = ["tests/fixtures/"]           # gitignore-style globs
//! ```

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::finding::{redact, Finding};
use crate::provenance::Provenance;
use crate::rules::{RuleSet, Severity};

/// The file looked for at the scan root when `--config` is not given.
pub const FILE_NAME: &str = ".keyhound.toml";

/// The file as written. Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigSyntax {
    /// Extra rule files (TOML), relative to the config file, added to the built-in rules
    /// and to any `--rules` given on the command line.
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    /// Rule ids to turn off (rules that require one of them go too). Unknown ids are errors.
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    /// `rule-id = "critical" | "high" | "medium" | "low" | "info"`: overrides a rule's severity.
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    /// Gitignore-style globs, relative to the scan root (repository-relative in git
    /// modes), of paths never scanned; added to `--exclude`.
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    /// Gitignore-style globs: only paths matching one are scanned. `--include` replaces them.
    #[serde(default)]
    include: Vec<Spanned<String>>,
    /// `"critical" | "high" | "medium" | "low"`: findings below it do not fail the run.
    /// `--fail-on` replaces it.
    #[serde(default)]
    fail_on: Option<Spanned<String>>,
    /// Findings not to report (counted as suppressed in the summary).
    #[serde(default)]
    allowlist: AllowlistSyntax,
    /// Skip files larger than this (`1024`, `512K`, `64M`, `1G`), like `--max-file-size`.
    #[serde(default)]
    max_file_size: Option<Spanned<String>>,
    /// Minimum Shannon entropy (bits per character, 0 to 8) for the secrets of generic rules.
    #[serde(default)]
    min_entropy: Option<Spanned<f64>>,
}

/// `[allowlist]`: known test values and places.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowlistSyntax {
    /// Fingerprints (32 hex characters, as printed in every report) never to report.
    #[serde(default)]
    fingerprints: Vec<Spanned<String>>,
    /// Regexes matched against the secret (anywhere in it; anchor with `^...$` for all of it).
    #[serde(default)]
    regexes: Vec<Spanned<String>>,
    /// Gitignore-style globs, relative to the scan root: findings there are not reported
    /// (unlike `exclude`, the files are still scanned and the findings counted as suppressed;
    /// this also applies to history findings, whose paths are repository-relative).
    #[serde(default)]
    paths: Vec<Spanned<String>>,
}

/// A value and the line it was written on, for errors found after parsing.
#[derive(Debug, Clone)]
struct Located<T> {
    value: T,
    line: usize,
}

/// Settings read from `.keyhound.toml` (or `--config FILE`), validated. They are merged
/// with the command line once, in [`crate::config::ScanConfig::resolve`]; nothing after
/// that reads the file.
#[derive(Debug, Default)]
pub struct Settings {
    /// Extra rule files, resolved against the config file's directory.
    pub rule_files: Vec<PathBuf>,
    /// Gitignore-style globs never scanned, in every mode: joined with `--exclude` into the
    /// scan's path filter. ([`Allowlist`] keeps a copy that drops findings at such paths,
    /// which the path filter has already left out.)
    pub exclude: Vec<String>,
    /// Gitignore-style globs: only these paths are scanned (`--include` wins when given).
    pub include: Vec<String>,
    /// `fail_on`; `--fail-on` wins when given.
    pub fail_on: Option<Severity>,
    /// `max_file_size`, in bytes; `--max-file-size` wins when given.
    pub max_file_size: Option<u64>,
    /// `disable`, `[severity]` and `min_entropy`.
    pub rules: RuleAdjustments,
    /// `[allowlist]`, and `exclude` for findings of git sources.
    pub allowlist: Allowlist,
}

/// Changes the config file makes to the rule set: rules turned off, severities and the
/// entropy threshold of generic rules. Applied when the rule set is built, because only
/// then are unknown rule ids known.
#[derive(Debug, Clone, Default)]
pub struct RuleAdjustments {
    /// The file the adjustments came from, for errors (`None`: no file).
    origin: Option<PathBuf>,
    disable: Vec<Located<String>>,
    severity: Vec<(Located<String>, Severity)>,
    min_entropy: Option<f64>,
}

/// Findings not to report: by fingerprint, by a regex on the secret, or by path.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    /// The scan root, which relative path globs are matched from.
    root: PathBuf,
    fingerprints: HashSet<String>,
    regexes: Vec<Regex>,
    paths: Option<Gitignore>,
    /// `exclude` compiled, for findings of git sources (the walker has its own copy).
    excluded: Option<Gitignore>,
}

/// A configuration file that cannot be used; names the file, and the line where there is one.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error("{file}: cannot read config file")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: line {line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
}

impl Settings {
    /// Loads `explicit`, or `.keyhound.toml` in `root` if it exists, or the defaults.
    pub fn load(explicit: Option<&Path>, root: &Path) -> Result<Settings, ConfigFileError> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => {
                let path = if root == Path::new(".") {
                    PathBuf::from(FILE_NAME)
                } else {
                    root.join(FILE_NAME)
                };
                if !path.is_file() {
                    let mut settings = Settings::default();
                    settings.allowlist.root = root.to_path_buf();
                    return Ok(settings);
                }
                path
            }
        };
        let text = crate::user_file::read_to_string(&path, crate::user_file::MAX_CONFIG).map_err(
            |source| ConfigFileError::Read {
                file: path.display().to_string(),
                source,
            },
        )?;
        Settings::parse(&path, &text, root)
    }

    /// Parses and validates the text of the config file at `path`.
    pub fn parse(path: &Path, text: &str, root: &Path) -> Result<Settings, ConfigFileError> {
        let file = path.display().to_string();
        let invalid = |offset: usize, message: String| ConfigFileError::Invalid {
            file: file.clone(),
            line: line_of(text, offset),
            message,
        };
        let syntax: ConfigSyntax = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            invalid(offset, redact::scrub_message(e.message().trim_end()))
        })?;
        let locate = |s: &Spanned<String>| Located {
            value: s.get_ref().clone(),
            line: line_of(text, s.span().start),
        };
        let base = path.parent().unwrap_or(Path::new(""));
        let mut settings = Settings {
            rules: RuleAdjustments {
                origin: Some(path.to_path_buf()),
                disable: syntax.disable.iter().map(locate).collect(),
                ..RuleAdjustments::default()
            },
            ..Settings::default()
        };
        for file in &syntax.rules {
            let resolved = base.join(file.get_ref());
            if !resolved.is_file() {
                let message = format!("rule file {} does not exist", resolved.display());
                return Err(invalid(file.span().start, message));
            }
            settings.rule_files.push(resolved);
        }
        for (id, level) in &syntax.severity {
            let severity = Severity::parse(level.get_ref()).ok_or_else(|| {
                let message = format!(
                    "severity {} of rule {} is not one of critical, high, medium, low, info",
                    redact::quoted(level.get_ref()),
                    rule_id(id)
                );
                invalid(level.span().start, message)
            })?;
            let id = Located {
                value: id.clone(),
                line: line_of(text, level.span().start),
            };
            settings.rules.severity.push((id, severity));
        }
        settings.exclude = syntax.exclude.iter().map(|g| g.get_ref().clone()).collect();
        glob_matcher(&syntax.include, "include", &invalid)?;
        settings.include = syntax.include.iter().map(|g| g.get_ref().clone()).collect();
        if let Some(level) = &syntax.fail_on {
            let severity = Severity::parse(level.get_ref())
                .filter(|s| *s != Severity::Info)
                .ok_or_else(|| {
                    let message = format!(
                        "fail_on {} is not one of critical, high, medium, low",
                        redact::quoted(level.get_ref())
                    );
                    invalid(level.span().start, message)
                })?;
            settings.fail_on = Some(severity);
        }
        settings.allowlist = Allowlist::load(&syntax.allowlist, &syntax.exclude, root, &invalid)?;
        if let Some(size) = &syntax.max_file_size {
            let bytes = parse_size(size.get_ref()).ok_or_else(|| {
                let message = format!(
                    "max_file_size {} is not a size (bytes, or with a K, M or G suffix)",
                    redact::quoted(size.get_ref())
                );
                invalid(size.span().start, message)
            })?;
            settings.max_file_size = Some(bytes);
        }
        if let Some(entropy) = &syntax.min_entropy {
            let value = *entropy.get_ref();
            if !(0.0..=8.0).contains(&value) {
                let message = format!("min_entropy {value} must be between 0 and 8");
                return Err(invalid(entropy.span().start, message));
            }
            settings.rules.min_entropy = Some(value);
        }
        Ok(settings)
    }
}

impl RuleAdjustments {
    /// Whether these adjustments can stop a rule from reporting a secret it would report
    /// with the defaults (a rule disabled, a higher minimum entropy).
    pub fn narrows(&self) -> bool {
        !self.disable.is_empty() || self.min_entropy.is_some()
    }

    /// Disables rules, changes severities and sets the entropy threshold of generic rules.
    /// A rule id that names no rule is an error naming the file and line (a typo would
    /// otherwise disable nothing).
    pub fn apply(&self, rules: &mut RuleSet) -> Result<(), ConfigFileError> {
        let ids: Vec<String> = self.disable.iter().map(|d| d.value.clone()).collect();
        let unknown = rules.disable(&ids);
        if let Some(id) = unknown.first() {
            let line = self
                .disable
                .iter()
                .find(|d| &d.value == id)
                .map_or(1, |d| d.line);
            let message = format!("disable: unknown rule id {}", rule_id(id));
            return Err(self.invalid(line, message));
        }
        for (id, severity) in &self.severity {
            let rule = rules
                .rules
                .iter_mut()
                .find(|r| r.id == id.value)
                .ok_or_else(|| {
                    let message = format!("severity: unknown rule id {}", rule_id(&id.value));
                    self.invalid(id.line, message)
                })?;
            rule.severity = *severity;
        }
        if let Some(min) = self.min_entropy {
            for rule in rules.rules.iter_mut().filter(|r| r.generic) {
                rule.min_entropy = Some(min);
            }
        }
        Ok(())
    }

    fn invalid(&self, line: usize, message: String) -> ConfigFileError {
        ConfigFileError::Invalid {
            file: self
                .origin
                .as_deref()
                .map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string()),
            line,
            message,
        }
    }
}

impl Allowlist {
    /// Validates and compiles `[allowlist]` and the `exclude` globs; paths are matched
    /// relative to `root`.
    fn load(
        allow: &AllowlistSyntax,
        exclude: &[Spanned<String>],
        root: &Path,
        invalid: &dyn Fn(usize, String) -> ConfigFileError,
    ) -> Result<Allowlist, ConfigFileError> {
        let mut list = Allowlist {
            root: root.to_path_buf(),
            excluded: glob_matcher(exclude, "exclude", invalid)?,
            ..Allowlist::default()
        };
        for fp in &allow.fingerprints {
            let value = fp.get_ref().to_ascii_lowercase();
            if value.len() != 32 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
                let message = format!(
                    "allowlist fingerprint {} is not 32 hexadecimal characters",
                    redact::quoted(fp.get_ref())
                );
                return Err(invalid(fp.span().start, message));
            }
            list.fingerprints.insert(value);
        }
        for pattern in &allow.regexes {
            let regex = Regex::new(pattern.get_ref()).map_err(|e| {
                let message = format!(
                    "allowlist regex does not compile: {}",
                    redact::regex_error(&e)
                );
                invalid(pattern.span().start, message)
            })?;
            list.regexes.push(regex);
        }
        list.paths = glob_matcher(&allow.paths, "allowlist.paths", invalid)?;
        Ok(list)
    }

    /// Whether a finding is allowlisted by fingerprint, by a regex on its secret, or by
    /// path (`[allowlist] paths`, and `exclude` for git sources, which the walker does not see).
    pub fn contains(&self, finding: &Finding) -> bool {
        self.fingerprints.contains(&finding.fingerprint)
            // The secret is matched in memory only; it is never printed from here.
            || self.regexes.iter().any(|r| r.is_match(finding.secret.expose()))
            || self.path_matches(self.paths.as_ref(), finding)
            || self.path_matches(self.excluded.as_ref(), finding)
    }

    /// Whether the finding's path matches one of the globs of `matcher`.
    fn path_matches(&self, matcher: Option<&Gitignore>, finding: &Finding) -> bool {
        let Some(matcher) = matcher else {
            return false;
        };
        let path = Path::new(finding.path());
        // Working-tree paths are as walked (under the root); git paths are repository-relative.
        let relative = match &finding.provenance {
            Provenance::File { .. } => path.strip_prefix(&self.root).unwrap_or(path),
            Provenance::Stdin
            | Provenance::Object { .. }
            | Provenance::CommitMessage { .. }
            | Provenance::TagMessage { .. } => return false,
            Provenance::Staged { .. } | Provenance::Commit { .. } => path,
        };
        let relative = relative.strip_prefix(".").unwrap_or(relative);
        if relative.has_root() {
            return false;
        }
        matcher
            .matched_path_or_any_parents(relative, false)
            .is_ignore()
    }
}

/// Parses `1024`, `64K`, `64M`, `1G` (binary units; `KiB`/`MB` spellings accepted);
/// `None` for anything else or a size that overflows `u64`.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let mult: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// The 1-based line holding byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A rule id from the file, quoted for a message: shown when it has the shape of a rule id
/// (lowercase letters, digits and '-', as rule files require), else redacted like any
/// other value, since it may be a secret in the wrong place.
fn rule_id(id: &str) -> String {
    let shaped = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if shaped {
        format!("\"{id}\"")
    } else {
        redact::quoted(id)
    }
}

/// Compiles gitignore-style globs (relative paths, matched from the scan root).
fn glob_matcher(
    globs: &[Spanned<String>],
    key: &str,
    invalid: &dyn Fn(usize, String) -> ConfigFileError,
) -> Result<Option<Gitignore>, ConfigFileError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GitignoreBuilder::new("");
    for glob in globs {
        builder
            .add_line(None, glob.get_ref())
            .map_err(|e| invalid(glob.span().start, format!("{key}: invalid glob: {e}")))?;
    }
    let matcher = builder
        .build()
        .map_err(|e| invalid(globs[0].span().start, format!("{key}: {e}")))?;
    Ok(Some(matcher))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigFileError> {
        Settings::parse(Path::new("k.toml"), text, Path::new("."))
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M"), Some(64 << 20));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("2KiB"), Some(2048));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("5X"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
    }

    #[test]
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }

    #[test]
    fn every_key() {
        let s = parse(
            "disable = [\"x-y\"]\nexclude = [\"vendor/\"]\ninclude = [\"src/\"]\nfail_on = \"high\"\nmax_file_size = \"1K\"\nmin_entropy = 4.5\n\
             [severity]\ngeneric-api-key = \"low\"\n[allowlist]\nfingerprints = [\"0123456789ABCDEF0123456789abcdef\"]\n\
             regexes = ['^sk_test_']\npaths = [\"tests/\"]\n",
        )
        .expect("valid");
        assert_eq!(s.rules.disable[0].value, "x-y");
        assert_eq!(s.rules.disable[0].line, 1);
        assert_eq!(s.exclude, ["vendor/"]);
        assert_eq!(s.max_file_size, Some(1024));
        assert_eq!(s.rules.min_entropy, Some(4.5));
        assert_eq!(s.rules.severity[0].1, Severity::Low);
        assert_eq!(s.rules.severity[0].0.line, 8);
        assert_eq!(s.include, ["src/"]);
        assert_eq!(s.fail_on, Some(Severity::High));
        let allow = &s.allowlist;
        assert!(allow
            .fingerprints
            .contains("0123456789abcdef0123456789abcdef"));
        assert!(allow.paths.is_some() && allow.excluded.is_some());
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("\n\nnope = 1\n", 3, "unknown field"),
            ("\ndisable = [1]\n", 2, "string"),
            ("[severity]\n\nfoo = \"urgent\"\n", 3, "not one of"),
            ("[allowlist]\nregexes = [\"(\"]\n", 2, "does not compile"),
            ("min_entropy = 9.0\n", 1, "between 0 and 8"),
            ("max_file_size = \"big\"\n", 1, "not a size"),
            ("\nfail_on = \"info\"\n", 2, "not one of critical"),
            (
                "include = [\"a\", \"src/{x\"]\n",
                1,
                "include: invalid glob",
            ),
            (
                "[allowlist]\nfingerprints = [\"abc\"]\n",
                2,
                "32 hexadecimal",
            ),
        ];
        for (text, line, reason) in cases {
            let err = parse(text).expect_err(text).to_string();
            assert!(
                err.starts_with(&format!("k.toml: line {line}: ")),
                "{text:?}: {err}"
            );
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }
}
