//! The result of a scan: findings and the counters shown in the summary. Produced by
//! the pipeline, read by the baseline and every reporter, so it lives with the findings
//! rather than with the threads that build it.

use std::time::Duration;

use super::Finding;
use crate::provenance::{CommitInfo, Provenance};

/// Counters shown in the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: u64,
    pub bytes: u64,
    /// Files scanned as binary (prefixed token rules only).
    pub binary: u64,
    /// Files over the size limit, not scanned.
    pub skipped_large: u64,
    /// Files or objects that could not be read.
    pub unreadable: u64,
    /// Files whose length changed between listing and reading (scanned as read).
    pub changed: u64,
    /// Symbolic links not followed because they lead back to an ancestor (`--follow`).
    pub loops: u64,
    /// Git objects named by a commit, tree or the index but absent from the object
    /// database (not scanned).
    pub missing: u64,
    /// Commits whose author or date could not be parsed (reported without them).
    pub malformed: u64,
}

impl Stats {
    /// Adds `other`'s counts to these (one worker's counters into the total).
    pub fn merge(&mut self, other: &Stats) {
        self.files += other.files;
        self.bytes += other.bytes;
        self.binary += other.binary;
        self.skipped_large += other.skipped_large;
        self.unreadable += other.unreadable;
        self.changed += other.changed;
        self.loops += other.loops;
        self.missing += other.missing;
        self.malformed += other.malformed;
    }
}

/// What a scan produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub elapsed: Duration,
}

/// The text fields of a commit's metadata: summary, author name and email.
fn commit_fields(c: &mut CommitInfo) -> [&mut String; 3] {
    [&mut c.summary, &mut c.author_name, &mut c.author_email]
}

/// Every text field of the commit and tag metadata a finding shows (also of the commits in
/// `introduced`), for redaction.
fn metadata_mut(f: &mut Finding) -> Vec<&mut String> {
    let mut fields: Vec<&mut String> = Vec::new();
    match &mut f.provenance {
        Provenance::Commit { commit, .. } | Provenance::CommitMessage { commit } => {
            fields.extend(commit_fields(commit));
        }
        Provenance::TagMessage { tag } => {
            fields.extend([&mut tag.tagger_name, &mut tag.tagger_email]);
        }
        _ => {}
    }
    for i in &mut f.introduced {
        fields.extend(commit_fields(&mut i.commit));
    }
    fields
}

impl Outcome {
    /// Replaces, in the commit and tag metadata of every finding (commit summaries, author
    /// and tagger names and emails, also in `introduced`), each secret this scan found
    /// with its redacted form. A token pasted into a commit message (or an author name) is
    /// otherwise printed in full in the heading and JSON of every finding of that commit.
    /// Run once after a scan, before filtering, unless secrets are to be shown.
    pub fn redact_metadata(&mut self) {
        let mut secrets: Vec<(&str, String)> = self
            .findings
            .iter()
            .map(|f| (f.secret.expose(), f.secret.redacted()))
            .filter(|(s, _)| !s.is_empty())
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        if secrets.is_empty() {
            return;
        }
        let Ok(automaton) = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(secrets.iter().map(|(s, _)| s))
        else {
            return;
        };
        let replacements: Vec<String> = secrets.into_iter().map(|(_, r)| r).collect();
        for text in self.findings.iter_mut().flat_map(metadata_mut) {
            if automaton.is_match(text.as_str()) {
                *text = automaton.replace_all(text, &replacements);
            }
        }
    }

    /// Redacts, in every finding's snippet and in commit and tag metadata (summaries,
    /// author and tagger names and emails), each secret `matcher` finds there. Run with the
    /// whole rule set when a scan ran only some rules (`--enable-rule`, `--disable-rule`):
    /// another key on a finding's line, or in a commit summary, was then never reported,
    /// and would otherwise be printed in full. Author names are never scanned as content,
    /// so this is also what redacts a key in one. Unless secrets are to be shown.
    pub fn redact_with(&mut self, matcher: &crate::matcher::Matcher) {
        let mut scratch = crate::matcher::Scratch::default();
        let mut seen: std::collections::HashMap<String, String> = Default::default();
        let mut scrub = |text: &mut String| {
            if let Some(done) = seen.get(text.as_str()) {
                text.clone_from(done);
                return;
            }
            let found = super::secrets_in(matcher, text, &mut scratch);
            let done = super::replace_secrets(text, &found);
            seen.insert(std::mem::take(text), done.clone());
            *text = done;
        };
        let mut snippet_scratch = crate::matcher::Scratch::default();
        for f in &mut self.findings {
            f.redact_in_snippet(&mut |text| super::secrets_in(matcher, text, &mut snippet_scratch));
            metadata_mut(f).into_iter().for_each(&mut scrub);
        }
    }

    /// Sorts findings by path, position and rule so that output is deterministic.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                (
                    f.path().to_string(),
                    f.span.line,
                    f.span.column,
                    f.rule_id.clone(),
                    f.provenance.commit().map(|c| c.commit.clone()),
                )
            };
            key(a).cmp(&key(b))
        });
    }
}
