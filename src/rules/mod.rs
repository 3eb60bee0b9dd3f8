//! Rules: the data that says what a secret looks like.
//!
//! A rule file (`rules/*.toml`) is parsed into [`syntax`] types, then compiled here into
//! [`Rule`]s gathered in a [`RuleSet`]. Compilation checks everything that can be checked
//! without scanning (ids, regexes, providers, companions); running each rule's examples
//! through the whole matcher is [`crate::matcher::check_examples`]'s job.

pub mod builtin;
pub mod paths;
pub mod select;
pub mod syntax;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use std::sync::OnceLock;

use crate::finding::redact::{quoted, scrub_message};

use regex::bytes::{Regex, RegexBuilder};
use serde::Serialize;

use paths::PathScope;
use syntax::{RuleFileSyntax, RuleSyntax};

/// How bad it is if this secret leaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// How sure a rule is that a match is a real secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// A structural check a secret must pass, beyond its regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// GitHub/npm tokens: the last 6 characters are base62(CRC32(random part)).
    GithubCrc32,
    /// JSON Web Tokens: the header decodes to a JSON object with an `alg`.
    Jwt,
}

impl Severity {
    /// Parses the lowercase name used in rule files and output.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    /// The lowercase name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Confidence {
    fn parse(s: &str) -> Option<Confidence> {
        Some(match s {
            "low" => Confidence::Low,
            "medium" => Confidence::Medium,
            "high" => Confidence::High,
            _ => return None,
        })
    }

    /// The lowercase name used in rule files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl Checksum {
    fn parse(s: &str) -> Option<Checksum> {
        Some(match s {
            "github-crc32" => Checksum::GithubCrc32,
            "jwt" => Checksum::Jwt,
            _ => return None,
        })
    }

    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Checksum::GithubCrc32 => "github-crc32",
            Checksum::Jwt => "jwt",
        }
    }
}

/// Who issued a secret, and how to rotate it.
#[derive(Debug, Clone, Serialize)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub revoke_url: String,
    pub docs_url: String,
    pub steps: Vec<String>,
}

/// Which credential a rule's secret is one part of: an AWS access key is an access key id,
/// a secret access key and maybe a session token, found by three rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialPart {
    /// The credential's id (`aws-access-key`), shared by the rules that find its parts.
    pub id: String,
    /// The part's name for readers (`secret access key`).
    pub part: String,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// Index into [`RuleSet::providers`].
    pub provider: usize,
    pub severity: Severity,
    pub confidence: Confidence,
    pub keywords: Vec<String>,
    pub regex: LazyRegex,
    pub min_entropy: Option<f64>,
    pub checksum: Option<Checksum>,
    pub generic: bool,
    /// Runs only on decoded text ([`crate::matcher::Content::Decoded`]).
    pub decoded_only: bool,
    pub exclude: Vec<LazyRegex>,
    /// A companion rule (index) that must match within a distance in bytes.
    pub requires: Option<(usize, usize)>,
    /// The companion as written: rule id and distance.
    pub requires_id: Option<(String, usize)>,
    /// How far after a keyword hit a match may extend.
    pub window: usize,
    /// The files the rule is limited to (`paths = [...]`); `None` runs it everywhere.
    pub paths: Option<PathScope>,
    /// Whether the files in `paths` hold only credentials, so a weak value is still reported.
    pub credential_file: bool,
    /// The path the examples are scanned as.
    pub example_path: Option<String>,
    /// The credential this rule's secret is one part of (see [`CredentialPart`]).
    pub credential: Option<CredentialPart>,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    /// The file the rule came from, for error messages.
    pub origin: String,
}

/// Why a rule file could not be loaded. Every variant names the file, and the rule where there is one.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The I/O error is part of the message, not a separate cause, so that an error chain
    /// does not print it twice.
    #[error("{origin}: cannot read rule file: {error}")]
    Read {
        origin: String,
        error: std::io::Error,
    },
    #[error("{origin}: invalid rule file: {message}")]
    Syntax { origin: String, message: String },
    #[error("{origin}: rule \"{rule}\": {message}")]
    Rule {
        origin: String,
        rule: String,
        message: String,
    },
    #[error("{origin}: provider \"{provider}\": {message}")]
    Provider {
        origin: String,
        provider: String,
        message: String,
    },
    #[error(
        "the rules' keywords total {bytes} bytes, over the limit of {limit}: the keyword \
         automaton would not fit in memory"
    )]
    TooManyKeywords { bytes: usize, limit: usize },
}

/// Most bytes all distinct keywords may total (the built-in rules' total about 8 KiB, 20,000
/// user rules with short keywords about 200 KiB). The keyword automaton has up to one
/// state per keyword byte and a row of transitions per state, so this bounds its memory.
pub const MAX_KEYWORD_BYTES: usize = 1 << 20;

/// All rules in force for a scan, with the providers they refer to.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub providers: Vec<Provider>,
}

/// Default distance after a keyword hit within which a match may end.
const DEFAULT_WINDOW: usize = 512;

impl RuleSet {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        RuleSet::builtin_except(&[])
    }

    /// The built-in rules without the files named in `skip` (file names, e.g. `aws.toml`).
    fn builtin_except(skip: &[String]) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for (name, text) in builtin::FILES {
            if !skip.iter().any(|s| s == name) {
                set.add_source(&format!("builtin:rules/{name}"), text)?;
            }
        }
        set.resolve()?;
        Ok(set)
    }

    /// For `rules check`: the given files replace built-in files of the same name,
    /// so a rule file can be checked while it is being edited.
    pub fn for_check(files: &[impl AsRef<Path>]) -> Result<RuleSet, RuleError> {
        let names: Vec<String> = files
            .iter()
            .filter_map(|f| f.as_ref().file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        let mut set = RuleSet::builtin_except(&names)?;
        for file in files {
            set.add_file(file.as_ref())?;
        }
        set.resolve()?;
        Ok(set)
    }

    /// Built-in rules plus the given rule files.
    pub fn with_files(files: &[impl AsRef<Path>]) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::builtin()?;
        for file in files {
            set.add_file(file.as_ref())?;
        }
        set.resolve()?;
        Ok(set)
    }

    /// Reads and adds one rule file; call [`RuleSet::resolve`] once all are added.
    pub fn add_file(&mut self, path: &Path) -> Result<(), RuleError> {
        let origin = path.display().to_string();
        let text = crate::user_file::read_to_string(path, crate::user_file::MAX_RULES).map_err(
            |error| RuleError::Read {
                origin: origin.clone(),
                error,
            },
        )?;
        let first_new = self.rules.len();
        self.add_source(&origin, &text)?;
        // Built-in regexes are compiled by the test suite; a user's are compiled now,
        // so that a bad pattern is an error before the scan, not a silently skipped rule.
        for rule in &self.rules[first_new..] {
            let patterns = std::iter::once(&rule.regex).chain(&rule.exclude);
            for p in patterns {
                p.compile().map_err(|m| rule_error(&origin, &rule.id, &m))?;
            }
        }
        Ok(())
    }

    /// Parses and compiles one rule file's text.
    pub fn add_source(&mut self, origin: &str, text: &str) -> Result<(), RuleError> {
        // The parser's own message quotes the source line, which may hold a secret (an
        // example): give the line number and the message with quoted input redacted.
        let file: RuleFileSyntax = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                1 + text.as_bytes()[..s.start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
            });
            RuleError::Syntax {
                origin: origin.to_string(),
                message: format!("line {line}: {}", scrub_message(e.message().trim_end())),
            }
        })?;
        // Linear in the size of the set: ids are looked up in maps built once per file,
        // not by a scan of every rule loaded so far.
        let mut provider_ids: HashMap<String, usize> = (self.providers.iter().enumerate())
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        for p in file.providers {
            if provider_ids.contains_key(&p.id) {
                return Err(RuleError::Provider {
                    origin: origin.to_string(),
                    provider: p.id,
                    message: "defined twice".into(),
                });
            }
            provider_ids.insert(p.id.clone(), self.providers.len());
            self.providers.push(Provider {
                id: p.id,
                name: p.name,
                revoke_url: p.revoke_url,
                docs_url: p.docs_url,
                steps: p.steps,
            });
        }
        let mut rule_ids: HashSet<String> = self.rules.iter().map(|r| r.id.clone()).collect();
        for r in file.rules {
            let rule = compile_rule(origin, r, &provider_ids)?;
            if !rule_ids.insert(rule.id.clone()) {
                return Err(rule_error(origin, &rule.id, "rule id is defined twice"));
            }
            self.rules.push(rule);
        }
        Ok(())
    }

    /// Links companion rules (`requires`) once every file is loaded. An error if a rule
    /// requires an unknown one, or if the distinct keywords total more than
    /// [`MAX_KEYWORD_BYTES`].
    pub fn resolve(&mut self) -> Result<(), RuleError> {
        let keywords: std::collections::HashSet<String> = (self.rules.iter())
            .flat_map(|r| r.keywords.iter().map(|k| k.to_ascii_lowercase()))
            .collect();
        let bytes = keywords.iter().map(String::len).sum();
        if bytes > MAX_KEYWORD_BYTES {
            return Err(RuleError::TooManyKeywords {
                bytes,
                limit: MAX_KEYWORD_BYTES,
            });
        }
        let index: HashMap<String, usize> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        for rule in &mut self.rules {
            if let Some((target, distance)) = &rule.requires_id {
                let i = *index.get(target).ok_or_else(|| {
                    rule_error(
                        &rule.origin,
                        &rule.id,
                        &format!("requires unknown rule \"{target}\""),
                    )
                })?;
                rule.requires = Some((i, *distance));
            }
        }
        Ok(())
    }

    /// Removes the rules whose ids are listed, and rules that require one of them
    /// (they could never match). Returns the ids that name no rule.
    pub fn disable(&mut self, ids: &[String]) -> Vec<String> {
        let known: HashSet<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        let unknown = ids
            .iter()
            .filter(|id| !known.contains(id.as_str()))
            .cloned()
            .collect();
        let mut removed: HashSet<String> = ids.iter().cloned().collect();
        loop {
            let dependants: Vec<String> = self
                .rules
                .iter()
                .filter(|r| !removed.contains(&r.id))
                .filter(|r| {
                    r.requires_id
                        .as_ref()
                        .is_some_and(|(target, _)| removed.contains(target))
                })
                .map(|r| r.id.clone())
                .collect();
            if dependants.is_empty() {
                break;
            }
            removed.extend(dependants);
        }
        self.rules.retain(|r| !removed.contains(&r.id));
        self.resolve()
            .expect("every remaining companion rule is still present");
        unknown
    }

    /// The provider of a rule.
    pub fn provider(&self, rule: &Rule) -> &Provider {
        &self.providers[rule.provider]
    }
}

fn rule_error(origin: &str, rule: &str, message: &str) -> RuleError {
    RuleError::Rule {
        origin: origin.to_string(),
        rule: rule.to_string(),
        message: message.to_string(),
    }
}

fn compile_rule(
    origin: &str,
    r: RuleSyntax,
    providers: &HashMap<String, usize>,
) -> Result<Rule, RuleError> {
    let err = |m: &str| rule_error(origin, &r.id, m);
    let id_ok = !r.id.is_empty()
        && r.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(err("id must be lowercase letters, digits and '-'"));
    }
    let provider = *providers
        .get(&r.provider)
        .ok_or_else(|| err(&format!("unknown provider {}", quoted(&r.provider))))?;
    let severity = Severity::parse(&r.severity).ok_or_else(|| {
        err(&format!(
            "severity {} is not one of critical, high, medium, low, info",
            quoted(&r.severity)
        ))
    })?;
    let confidence = Confidence::parse(&r.confidence).ok_or_else(|| {
        err(&format!(
            "confidence {} is not one of high, medium, low",
            quoted(&r.confidence)
        ))
    })?;
    let paths = paths::compile(&r).map_err(|m| err(&m))?;
    if r.keywords.is_empty() && paths.is_none() {
        return Err(err(
            "needs at least one keyword for the prefilter (only a rule with `paths` may have none)",
        ));
    }
    if let Some(k) = r.keywords.iter().find(|k| k.len() < 3 || !k.is_ascii()) {
        return Err(err(&format!(
            "keyword \"{k}\" must be ASCII and at least 3 characters"
        )));
    }
    let regex = LazyRegex::new(&r.regex);
    let checksum = match &r.checksum {
        None => None,
        Some(name) => Some(
            Checksum::parse(name)
                .ok_or_else(|| err(&format!("unknown checksum {}", quoted(name))))?,
        ),
    };
    let exclude = r
        .exclude
        .iter()
        .map(|x| LazyRegex::unchecked_groups(x))
        .collect();
    if r.examples.is_empty() || r.negative_examples.is_empty() {
        return Err(err("needs at least one example and one negative_example"));
    }
    if let Some(c) = &r.credential {
        let id_ok = !c.id.is_empty()
            && c.id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok || c.part.trim().is_empty() {
            return Err(err(
                "credential needs an id of lowercase letters, digits and '-' and a non-empty part",
            ));
        }
    }
    if let Some(e) = r.min_entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(err("min_entropy must be between 0 and 8"));
        }
    }
    Ok(Rule {
        id: r.id,
        name: r.name,
        provider,
        severity,
        confidence,
        keywords: r.keywords,
        regex,
        min_entropy: r.min_entropy,
        checksum,
        generic: r.generic,
        decoded_only: r.decoded_only,
        exclude,
        requires: None,
        requires_id: r.requires.map(|q| (q.rule, q.distance)),
        window: r.window.unwrap_or(DEFAULT_WINDOW),
        paths,
        credential_file: r.credential_file,
        example_path: r.example_path,
        credential: r.credential.map(|c| CredentialPart {
            id: c.id,
            part: c.part,
        }),
        examples: r.examples,
        negative_examples: r.negative_examples,
        origin: origin.to_string(),
    })
}

/// Builds a byte regex in ASCII mode: secrets are ASCII, and Unicode classes make
/// compilation ten times slower, which the pre-commit hook pays on every commit.
fn ascii_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).unicode(false).build()
}

/// A rule's regex, compiled on first use: a scan compiles only the rules whose keywords
/// occur, which keeps start-up in milliseconds.
///
/// The pattern is not parsed when a rule is loaded: parsing every rule's regex cost more
/// than half of start-up. It is checked where it matters, once, by compiling it
/// ([`LazyRegex::compile`]): [`RuleSet::add_file`] compiles a user's patterns before a
/// scan (so a bad one is an error), and the test suite and `rules check` compile every
/// built-in one.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    pattern: String,
    /// Whether the pattern must capture the secret (rule regexes; not exclusion patterns).
    needs_group: bool,
    compiled: OnceLock<Option<(Regex, usize)>>,
}

impl LazyRegex {
    /// A rule's regex, which must have a capture group for the secret: one named `secret`,
    /// else group 1 (checked when compiled).
    pub fn new(pattern: &str) -> LazyRegex {
        LazyRegex {
            pattern: pattern.to_string(),
            needs_group: true,
            compiled: OnceLock::new(),
        }
    }

    /// A pattern that needs no capture group (exclusion patterns).
    pub fn unchecked_groups(pattern: &str) -> LazyRegex {
        LazyRegex {
            needs_group: false,
            ..LazyRegex::new(pattern)
        }
    }

    /// Whether `bytes` matches (exclusion patterns; a pattern that cannot compile never matches).
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        self.get().is_some_and(|(r, _)| r.is_match(bytes))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The compiled regex and the index of its secret group; `None` if it does not compile
    /// (reported by `rules check`, which calls [`LazyRegex::compile`]).
    pub fn get(&self) -> Option<&(Regex, usize)> {
        self.compiled.get_or_init(|| self.compile().ok()).as_ref()
    }

    /// Compiles the pattern now, with the error if it fails or, for a rule's regex, if it
    /// has no capture group. The groups are read from the parsed regex, so escaped
    /// parentheses, classes like `[(]` and non-capturing `(?:…)` count for nothing.
    pub fn compile(&self) -> Result<(Regex, usize), String> {
        let regex = ascii_regex(&self.pattern).map_err(|e| {
            format!(
                "regex does not compile: {}",
                crate::finding::redact::regex_error(&e)
            )
        })?;
        let named = regex.capture_names().position(|n| n == Some("secret"));
        // Group 0 is the whole match; a pattern with a group of its own has at least 2.
        let group = match named {
            Some(index) => index,
            None if regex.captures_len() > 1 => 1,
            None if self.needs_group => {
                return Err("regex needs a capture group (named `secret`, or group 1)".into())
            }
            None => 0,
        };
        Ok((regex, group))
    }
}

#[cfg(test)]
mod tests {
    use super::LazyRegex;

    #[test]
    fn secret_group_is_read_from_the_parsed_regex() {
        let group = |p: &str| LazyRegex::new(p).compile().map(|(_, g)| g);
        assert_eq!(group(r"key=(?P<secret>[a-z]+)"), Ok(1));
        assert_eq!(group(r"(id)=(?<secret>[a-z]+)"), Ok(2));
        assert_eq!(group(r"tok_([a-z]{8})"), Ok(1));
        // Any other name is still group 1.
        assert_eq!(group(r"(?<token>[a-z]{8})"), Ok(1));
        for none in [
            r"\(abc\)",
            r"[(]abc[)]",
            r"(?:abc)",
            r"(?i)abc",
            r"(?x) abc  # (not a group)",
        ] {
            let err = group(none).expect_err(none);
            assert!(err.contains("needs a capture group"), "{none}: {err}");
        }
        assert!(group("(")
            .expect_err("unbalanced")
            .contains("does not compile"));
        // Exclusion patterns need no group.
        assert!(LazyRegex::unchecked_groups("abc").compile().is_ok());
    }
}
