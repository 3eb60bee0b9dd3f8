//! `keyhound rules list`, `keyhound rules explain` and `keyhound rules check`.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::RulesFormat;
use crate::exit::ExitStatus;
use crate::matcher::{check_examples, Matcher};
use crate::rules::{Rule, RuleSet};

/// The origin prefix of the rules embedded in the binary (`builtin:rules/aws.toml`).
const BUILTIN_ORIGIN: &str = "builtin:";

/// Prints every rule sorted by id, as a table or a JSON array.
pub fn list(files: &[PathBuf], format: RulesFormat) -> anyhow::Result<ExitStatus> {
    let set = RuleSet::with_files(files)?;
    let mut rules: Vec<&Rule> = set.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    match format {
        RulesFormat::Json => {
            let rows: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "name": r.name,
                        "provider": set.provider(r).name,
                        "severity": r.severity,
                        "confidence": r.confidence,
                        "paths": r.paths.as_ref().map(|p| p.patterns()),
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&rows)?;
            super::to_stdout(|out| writeln!(out, "{text}"))?;
        }
        RulesFormat::Human => super::to_stdout(|out| {
            writeln!(
                out,
                "{:<40} {:<24} {:<9} CONFIDENCE",
                "ID", "PROVIDER", "SEVERITY"
            )?;
            for r in &rules {
                writeln!(
                    out,
                    "{:<40} {:<24} {:<9} {}",
                    r.id,
                    set.provider(r).name,
                    r.severity.as_str(),
                    r.confidence.as_str()
                )?;
            }
            writeln!(out, "{} rules", rules.len())
        })?,
    }
    Ok(ExitStatus::Clean)
}

/// An id that names no rule: the error says so and offers the closest ids.
#[derive(Debug, thiserror::Error)]
#[error("no rule has the id \"{id}\"{}; `keyhound rules list` shows every rule", suggest(.close))]
pub struct UnknownRule {
    pub id: String,
    /// Ids that look like it, best first.
    pub close: Vec<String>,
}

fn suggest(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", close.join(", "))
    }
}

/// At most this many close matches are offered for an unknown id.
const MAX_SUGGESTIONS: usize = 5;

/// The ids closest to `wanted`, best first: those that contain it (or that it contains,
/// or that have each of its words), and those a few edits away, also with their words reordered (`github-pat-classic` for
/// `github-classic-pat`). Empty when nothing is close.
pub fn close_matches<'a>(wanted: &str, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let wanted = wanted.to_ascii_lowercase();
    let wanted_words = sorted_words(&wanted);
    let mut scored: Vec<(f64, &str)> = ids
        .filter_map(|id| {
            let contains = wanted.len() >= 3
                && (id.contains(wanted.as_str())
                    || wanted.contains(id)
                    || has_every_word(id, &wanted));
            let similarity = strsim::normalized_damerau_levenshtein(&wanted, id).max(
                strsim::normalized_damerau_levenshtein(&wanted_words, &sorted_words(id)),
            );
            let score = if contains {
                1.0 + similarity
            } else {
                similarity
            };
            (contains || similarity >= 0.7).then_some((score, id))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// Whether each word of `wanted` is a word of `id`, or one typo away from one.
fn has_every_word(id: &str, wanted: &str) -> bool {
    let words: Vec<&str> = id.split(['-', '_']).collect();
    wanted.split(['-', '_']).all(|w| {
        words
            .iter()
            .any(|v| *v == w || (w.len() >= 4 && strsim::damerau_levenshtein(v, w) <= 1))
    })
}

/// The `-`/`_`-separated words of an id, sorted and joined by `-`.
fn sorted_words(id: &str) -> String {
    let mut words: Vec<&str> = id.split(['-', '_']).collect();
    words.sort_unstable();
    words.join("-")
}

/// Prints what rule `id` detects and how to rotate what it finds; an unknown id is an
/// error ([`UnknownRule`], exit 2).
pub fn explain(
    id: &str,
    files: &[PathBuf],
    format: RulesFormat,
    show_secrets: bool,
) -> anyhow::Result<ExitStatus> {
    let set = RuleSet::with_files(files)?;
    let Some(rule) = set.rules.iter().find(|r| r.id == id) else {
        let close = close_matches(id, set.rules.iter().map(|r| r.id.as_str()));
        return Err(UnknownRule {
            id: id.to_string(),
            close,
        }
        .into());
    };
    // Built-in examples are published fakes; a user's rule file may hold real keys.
    let show_examples = show_secrets || rule.origin.starts_with(BUILTIN_ORIGIN);
    match format {
        RulesFormat::Json => {
            let text = serde_json::to_string_pretty(&explain_json(&set, rule, show_examples))?;
            super::to_stdout(|out| writeln!(out, "{text}"))?;
        }
        RulesFormat::Human => {
            let text = explain_text(&set, rule, show_examples);
            super::to_stdout(|out| out.write_all(text.as_bytes()))?;
        }
    }
    Ok(ExitStatus::Clean)
}

/// Where a rule is defined, for people: `rules/aws.toml` (built in) or the file given.
fn defined_in(rule: &Rule) -> String {
    match rule.origin.strip_prefix(BUILTIN_ORIGIN) {
        Some(file) => format!("{file} (built in)"),
        None => rule.origin.clone(),
    }
}

fn explain_json(set: &RuleSet, rule: &Rule, show_examples: bool) -> serde_json::Value {
    let provider = set.provider(rule);
    let examples = |list: &[String]| -> serde_json::Value {
        if show_examples {
            serde_json::json!(list)
        } else {
            serde_json::Value::Null
        }
    };
    serde_json::json!({
        "id": rule.id,
        "name": rule.name,
        "defined_in": defined_in(rule),
        "provider": {
            "id": provider.id,
            "name": provider.name,
            "revoke_url": provider.revoke_url,
            "docs_url": provider.docs_url,
            "steps": provider.steps,
        },
        "severity": rule.severity,
        "confidence": rule.confidence,
        "generic": rule.generic,
        "keywords": rule.keywords,
        "regex": rule.regex.as_str(),
        "min_entropy": rule.min_entropy,
        "checksum": rule.checksum.map(|c| c.as_str()),
        "exclude": rule.exclude.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "requires": rule.requires_id.as_ref().map(|(id, distance)| {
            serde_json::json!({"rule": id, "distance": distance})
        }),
        "window": rule.window,
        "paths": rule.paths.as_ref().map(|p| p.patterns()),
        "credential_file": rule.credential_file,
        "decoded_only": rule.decoded_only,
        "example_path": rule.example_path,
        "examples": examples(&rule.examples),
        "negative_examples": examples(&rule.negative_examples),
    })
}

/// The text of `rules explain`: a heading, the facts, the pattern, examples, rotation.
fn explain_text(set: &RuleSet, rule: &Rule, show_examples: bool) -> String {
    let provider = set.provider(rule);
    let mut t = String::new();
    let mut line = |s: String| {
        t.push_str(&s);
        t.push('\n');
    };
    line(format!("{}: {}", rule.id, rule.name));
    line(String::new());
    line(format!(
        "{} ({}) issues these secrets.",
        provider.name, provider.id
    ));
    line(format!("Severity:    {}", rule.severity.as_str()));
    line(format!("Confidence:  {}", rule.confidence.as_str()));
    if rule.generic {
        line(
            "Generic:     yes (loses to provider rules, skips binary files, value filters apply)"
                .into(),
        );
    }
    line(format!("Defined in:  {}", defined_in(rule)));
    line(String::new());
    line("Regex (group `secret`, or else group 1, is the secret):".into());
    line(format!("    {}", rule.regex.as_str()));
    if rule.keywords.is_empty() {
        line("Keywords:    none (the regex runs on the whole of every file in `paths`)".into());
    } else {
        line(format!("Keywords:    {}", rule.keywords.join(", ")));
    }
    if let Some(entropy) = rule.min_entropy {
        line(format!("Min entropy: {entropy} bits per character"));
    }
    if let Some(checksum) = rule.checksum {
        line(format!("Checksum:    {}", checksum.as_str()));
    }
    for exclude in &rule.exclude {
        line(format!(
            "Excluded:    secrets matching {}",
            exclude.as_str()
        ));
    }
    if let Some((id, distance)) = &rule.requires_id {
        line(format!("Requires:    rule {id} within {distance} bytes"));
    }
    if let Some(paths) = &rule.paths {
        line(format!("Paths:       {}", paths.patterns().join(", ")));
        if rule.credential_file {
            line(
                "             credential files: a weak password there is reported (severity low)"
                    .into(),
            );
        }
    }
    if rule.decoded_only {
        line("Decoded only: runs on decoded text, never on a file's own text".into());
    }
    line(String::new());
    if show_examples {
        let at = rule
            .example_path
            .as_ref()
            .map(|p| format!(" (scanned as {p})"))
            .unwrap_or_default();
        line(format!("Examples that match{at}:"));
        rule.examples.iter().for_each(|e| line(format!("    {e}")));
        if !rule.negative_examples.is_empty() {
            line("Examples that do not match:".into());
            rule.negative_examples
                .iter()
                .for_each(|e| line(format!("    {e}")));
        }
    } else {
        line(format!(
            "Examples: {} that match, {} that do not (in {}; --show-secrets prints them)",
            rule.examples.len(),
            rule.negative_examples.len(),
            rule.origin
        ));
    }
    line(String::new());
    line(format!("How to rotate a leaked one ({}):", provider.name));
    for (n, step) in provider.steps.iter().enumerate() {
        line(format!("  {}. {step}", n + 1));
    }
    line(format!("  Revoke: {}", provider.revoke_url));
    line(format!("  Docs:   {}", provider.docs_url));
    t
}

/// Loads `files` (or only the built-ins) and runs their examples; exit 2 on any failure.
pub fn check(files: &[PathBuf]) -> anyhow::Result<ExitStatus> {
    let set = RuleSet::for_check(files)?;
    let origins: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let checked = |origin: &str| origins.is_empty() || origins.iter().any(|o| o == origin);
    let count = set.rules.iter().filter(|r| checked(&r.origin)).count();
    let mut lines = Vec::new();
    let mut compile_errors = 0;
    for r in set.rules.iter().filter(|r| checked(&r.origin)) {
        if let Err(e) = r.regex.compile() {
            lines.push(format!("{}: rule \"{}\": {e}", r.origin, r.id));
            compile_errors += 1;
        }
    }
    let matcher = Matcher::new(Arc::new(set));
    let failures = check_examples(&matcher, checked);
    for f in &failures {
        // Name the example by position, not by its text: a user's examples may hold real keys.
        let what = if f.positive {
            format!("example did not match (examples[{}])", f.index)
        } else {
            format!("negative example matched (negative_examples[{}])", f.index)
        };
        let found = if f.found.is_empty() {
            "nothing".to_string()
        } else {
            f.found.join(", ")
        };
        lines.push(format!("{}: {what}; found: {found}", f.rule));
    }
    let status = if failures.is_empty() && compile_errors == 0 {
        lines.push(format!("{count} rules OK"));
        ExitStatus::Clean
    } else {
        lines.push(format!(
            "{} of the examples of {count} rules failed",
            failures.len()
        ));
        ExitStatus::Error
    };
    super::to_stdout(|out| lines.iter().try_for_each(|l| writeln!(out, "{l}")))?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::close_matches;

    #[test]
    fn close_matches_prefer_containing_ids_then_near_spellings() {
        let ids = [
            "aws-access-key-id",
            "aws-secret-access-key",
            "github-pat",
            "slack-bot-token",
        ];
        assert_eq!(
            close_matches("aws-acess-key-id", ids.iter().copied()),
            ["aws-access-key-id"]
        );
        assert_eq!(
            close_matches("aws", ids.iter().copied()),
            ["aws-access-key-id", "aws-secret-access-key"]
        );
        assert!(close_matches("zzzz", ids.iter().copied()).is_empty());
    }
}
