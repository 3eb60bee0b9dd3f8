//! `--enable-rule` and `--disable-rule`: which rules of a [`RuleSet`] a scan runs.
//! Patterns are rule ids or globs over them (`generic-*`, `aws-*-key`); a pattern that
//! selects no rule is an error, because a typo would otherwise change nothing silently.

use std::collections::HashSet;

use globset::{Glob, GlobMatcher};

use super::RuleSet;

/// Rule ids (or globs) to run only (`enable`, when not empty) and to leave out (`disable`).
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    enable: Vec<Pattern>,
    disable: Vec<Pattern>,
}

/// One `--enable-rule`/`--disable-rule` value, compiled.
#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    matcher: GlobMatcher,
}

/// A pattern that cannot be used: it does not parse, or it names no rule.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("{flag} {pattern:?}: invalid rule pattern: {message}")]
    Invalid {
        flag: &'static str,
        pattern: String,
        message: String,
    },
    #[error("{flag} {pattern:?}: no rule matches it; `keyhound rules list` shows every rule id")]
    NoMatch { flag: &'static str, pattern: String },
}

impl RuleSelection {
    /// Compiles the patterns of `--enable-rule` and `--disable-rule`.
    pub fn new(enable: &[String], disable: &[String]) -> Result<RuleSelection, SelectError> {
        Ok(RuleSelection {
            enable: compile("--enable-rule", enable)?,
            disable: compile("--disable-rule", disable)?,
        })
    }

    /// Whether no pattern was given.
    pub fn is_empty(&self) -> bool {
        self.enable.is_empty() && self.disable.is_empty()
    }

    /// Keeps only the enabled rules (with the rules they require, without which they
    /// could never match), then removes the disabled ones (with the rules that require
    /// them). Every pattern must match at least one rule of `rules`.
    pub fn apply(&self, rules: &mut RuleSet) -> Result<(), SelectError> {
        for (flag, patterns) in [
            ("--enable-rule", &self.enable),
            ("--disable-rule", &self.disable),
        ] {
            if let Some(p) = patterns
                .iter()
                .find(|p| !rules.rules.iter().any(|r| p.matcher.is_match(&r.id)))
            {
                return Err(SelectError::NoMatch {
                    flag,
                    pattern: p.text.clone(),
                });
            }
        }
        let matching =
            |patterns: &[Pattern], id: &str| patterns.iter().any(|p| p.matcher.is_match(id));
        let mut off: Vec<String> = Vec::new();
        if !self.enable.is_empty() {
            let mut keep: HashSet<&str> = rules
                .rules
                .iter()
                .filter(|r| matching(&self.enable, &r.id))
                .map(|r| r.id.as_str())
                .collect();
            // Companions of kept rules, transitively.
            loop {
                let companions: Vec<&str> = rules
                    .rules
                    .iter()
                    .filter(|r| keep.contains(r.id.as_str()))
                    .filter_map(|r| r.requires_id.as_ref().map(|(id, _)| id.as_str()))
                    .filter(|id| !keep.contains(id))
                    .collect();
                if companions.is_empty() {
                    break;
                }
                keep.extend(companions);
            }
            off.extend(
                rules
                    .rules
                    .iter()
                    .filter(|r| !keep.contains(r.id.as_str()))
                    .map(|r| r.id.clone()),
            );
        }
        off.extend(
            rules
                .rules
                .iter()
                .filter(|r| matching(&self.disable, &r.id))
                .map(|r| r.id.clone()),
        );
        let unknown = rules.disable(&off);
        debug_assert!(unknown.is_empty(), "ids come from the set: {unknown:?}");
        Ok(())
    }
}

fn compile(flag: &'static str, patterns: &[String]) -> Result<Vec<Pattern>, SelectError> {
    patterns
        .iter()
        .map(|text| {
            let invalid = |message: String| SelectError::Invalid {
                flag,
                pattern: text.clone(),
                message,
            };
            if text.trim().is_empty() {
                return Err(invalid("empty".into()));
            }
            let glob = Glob::new(text).map_err(|e| invalid(e.kind().to_string()))?;
            Ok(Pattern {
                text: text.clone(),
                matcher: glob.compile_matcher(),
            })
        })
        .collect()
}
