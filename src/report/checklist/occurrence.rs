//! [`Occurrence`]: one secret at one place, what the checklist is built from, made from
//! a scan's finding or from an entry of a saved JSON report.

use super::ChecklistError;
use crate::finding::redact::{Secret, FULL_MASK};
use crate::finding::Finding;
use crate::provenance::CommitInfo;
use crate::report::json::JsonFinding;
use crate::rules::{RuleSet, Severity};

/// One place a secret was found: what a checklist is built from.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub rule_id: String,
    pub rule_name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub severity: Severity,
    pub fingerprint: String,
    /// The secret, redacted: all the checklist ever shows.
    pub redacted: String,
    /// The full secret, kept only for the purge file (when the user gave
    /// `--show-secrets`); its `Debug` is redacted.
    pub secret: Option<Secret>,
    /// `-` for stdin, empty for commit and tag messages.
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// History findings: the commit the blob was found in.
    pub commit: Option<CommitInfo>,
    /// History findings: whether the blob is still at that path in HEAD.
    pub in_head: Option<bool>,
    /// History findings: every (path, commit) that introduced the blob.
    pub introduced: Vec<(String, CommitInfo)>,
    /// The encodings undone to find the secret here (`base64`), if it was encoded.
    pub encoding: Option<String>,
}

impl Occurrence {
    /// One finding; `keep_secret` keeps the full secret for the purge file.
    pub fn from_finding(f: &Finding, keep_secret: bool) -> Occurrence {
        Occurrence {
            rule_id: f.rule_id.clone(),
            rule_name: f.rule_name.clone(),
            provider_id: f.provider_id.clone(),
            provider_name: f.provider_name.clone(),
            severity: f.severity,
            fingerprint: f.fingerprint.clone(),
            redacted: f.secret.redacted(),
            secret: keep_secret.then(|| f.secret.clone()),
            path: f.path().to_string(),
            line: f.span.line,
            commit: f.provenance.commit().cloned(),
            in_head: f.in_head,
            introduced: f
                .introduced
                .iter()
                .map(|i| (i.path.clone(), i.commit.clone()))
                .collect(),
            encoding: f.encoding.clone(),
        }
    }

    /// The entries of a saved report (see [`crate::report::json::read_report`]). A full
    /// secret (a report written with `--show-secrets`) is redacted again for the checklist,
    /// and kept for the purge file only if `keep_secret`.
    pub fn from_report(
        entries: Vec<JsonFinding<'static>>,
        rules: &RuleSet,
        keep_secret: bool,
    ) -> Result<Vec<Occurrence>, ChecklistError> {
        entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let severity =
                    Severity::parse(&e.severity).ok_or_else(|| ChecklistError::Entry {
                        entry: i + 1,
                        message: format!(
                            "unknown severity {}",
                            crate::finding::redact::quoted(&e.severity)
                        ),
                    })?;
                let full = (!looks_redacted(&e.secret)).then(|| {
                    Secret::new(e.secret.as_bytes(), known_prefix(&e.secret, &e.rule, rules))
                });
                Ok(Occurrence {
                    rule_id: e.rule.into_owned(),
                    rule_name: e.rule_name.into_owned(),
                    provider_id: e.provider.into_owned(),
                    provider_name: e.provider_name.into_owned(),
                    severity,
                    fingerprint: e.fingerprint.into_owned(),
                    redacted: match &full {
                        Some(s) => s.redacted(),
                        None => e.secret.clone().into_owned(),
                    },
                    secret: full.filter(|_| keep_secret),
                    path: e.path.map(|p| p.into_owned()).unwrap_or_default(),
                    line: e.line,
                    commit: e.commit.map(|c| c.into_owned()),
                    in_head: e.in_head,
                    introduced: e
                        .introduced
                        .iter()
                        .map(|i| (i.path.clone(), i.commit.clone()))
                        .collect(),
                    encoding: e.encoding.map(|c| c.into_owned()),
                })
            })
            .collect()
    }

    /// The file version the occurrence is in: path and commit (none outside history).
    pub fn container(&self) -> (&str, Option<&str>) {
        (&self.path, self.commit.as_ref().map(|c| c.commit.as_str()))
    }

    /// Whether this place is in HEAD or the working tree (history scans say so in
    /// `in_head`; messages and removed paths are `Some(false)`, other scans `None`).
    pub fn is_live(&self) -> bool {
        self.in_head != Some(false)
    }
}

/// Whether a report's `secret` is already redacted (the default) rather than full.
fn looks_redacted(secret: &str) -> bool {
    let tail_hidden = secret
        .rsplit_once('…')
        .is_some_and(|(_, tail)| tail.chars().count() <= 4);
    secret.ends_with(FULL_MASK) || tail_hidden
}

/// The public prefix the scanner keeps visible when it redacts a secret of `rule_id`.
fn known_prefix(secret: &str, rule_id: &str, rules: &RuleSet) -> usize {
    rules
        .rules
        .iter()
        .find(|r| r.id == rule_id && !r.generic)
        .and_then(|r| {
            r.keywords
                .iter()
                .filter(|k| secret.len() > k.len())
                .filter(|k| secret.as_bytes()[..k.len()].eq_ignore_ascii_case(k.as_bytes()))
                .map(String::len)
                .max()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_secrets_in_reports_are_recognised() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        let full = "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"; // keyhound:allow (fake)
        assert!(!looks_redacted(full));
        assert_eq!(known_prefix(full, "github-classic-pat", &rules), 4);
        assert!(looks_redacted("ghp_…0Wxe"));
        assert!(looks_redacted("AKIA********"));
        assert_eq!(known_prefix("hunter2hunter2", "unknown", &rules), 0);
    }
}
