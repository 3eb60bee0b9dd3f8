//! The matcher: finds rule matches in a byte slice.
//!
//! One Aho-Corasick pass over the bytes finds every rule keyword at once. Only rules
//! whose keywords occur run their regex, and only in windows around the hits, so the
//! cost of a scan grows with the bytes and the hits, not with the number of rules.
//! Each match then goes through the rule's entropy, checksum and exclusion checks, and
//! generic rules through the value filters ([`filters`]). Finally overlapping matches
//! are resolved so that one location yields one finding, from the most specific rule.
//!
//! The matcher works on any `&[u8]` and reports byte spans into it; a caller that feeds
//! a transformed view of a blob (decoded base64, re-encoded UTF-16) maps spans back.

pub mod checksum;
pub mod entropy;
pub mod filters;

use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::rules::{Confidence, RuleSet};

/// How far before a keyword hit a rule's match may start.
const LOOKBEHIND: usize = 256;

/// A match that passed every check: which rule, and where the secret is.
#[derive(Debug, Clone, PartialEq)]
pub struct RawMatch {
    /// Index into the rule set's rules.
    pub rule: usize,
    /// Byte span of the secret.
    pub secret: Range<usize>,
    /// Byte span of the whole regex match (the secret and its context).
    pub context: Range<usize>,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
}

/// Compiled, immutable matching state shared by all workers.
pub struct Matcher {
    rules: Arc<RuleSet>,
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules it triggers.
    keyword_rules: Vec<Vec<usize>>,
}

/// Per-worker reusable buffers, so the hot path does not allocate per blob.
#[derive(Default)]
pub struct Scratch {
    /// For each rule, the byte windows where its regex must run.
    windows: Vec<Vec<Range<usize>>>,
    /// Rules with at least one window in the current blob.
    touched: Vec<usize>,
    matches: Vec<RawMatch>,
}

/// Whether the bytes being scanned are text or binary; binary data is scanned
/// only by high-confidence provider rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Text,
    Binary,
    /// Text produced by the decoding stage: every text rule runs, and so do the
    /// `decoded_only` rules.
    Decoded,
}

impl Matcher {
    /// Builds the keyword automaton for a rule set.
    pub fn new(rules: Arc<RuleSet>) -> Matcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.rules.iter().enumerate() {
            for kw in &rule.keywords {
                let kw = kw.to_ascii_lowercase();
                match patterns.iter().position(|p| *p == kw) {
                    Some(p) => {
                        if !keyword_rules[p].contains(&i) {
                            keyword_rules[p].push(i)
                        }
                    }
                    None => {
                        patterns.push(kw);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        // A non-overlapping search (standard semantics) is several times faster than an
        // overlapping one, but reports only one of two keywords where one contains the other
        // ("secret" in "client_secret"); so each of the two also triggers the other's rules.
        let mut extra: Vec<(usize, usize)> = Vec::new();
        for i in 0..patterns.len() {
            for j in 0..patterns.len() {
                if i != j && patterns[i].contains(patterns[j].as_str()) {
                    extra.push((i, j));
                    extra.push((j, i));
                }
            }
        }
        for (to, from) in extra {
            for r in keyword_rules[from].clone() {
                if !keyword_rules[to].contains(&r) {
                    keyword_rules[to].push(r);
                }
            }
        }
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("keywords are plain ASCII literals and always compile");
        Matcher {
            rules,
            keywords,
            keyword_rules,
        }
    }

    /// The rule set this matcher was built from.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Finds every secret in `bytes`. The result is sorted by position, with at most
    /// one match per secret location.
    pub fn scan(&self, bytes: &[u8], content: Content, scratch: &mut Scratch) -> Vec<RawMatch> {
        let rules = &self.rules.rules;
        scratch.windows.resize_with(rules.len(), Vec::new);
        scratch.touched.clear();
        scratch.matches.clear();

        for hit in self.keywords.find_iter(bytes) {
            for &r in &self.keyword_rules[hit.pattern().as_usize()] {
                let rule = &rules[r];
                let eligible = match content {
                    Content::Binary => binary_eligible(rule),
                    Content::Text => !rule.decoded_only,
                    Content::Decoded => true,
                };
                if !eligible {
                    continue;
                }
                let start = line_start_within(bytes, hit.start(), LOOKBEHIND);
                let end = line_end_within(bytes, (hit.end() + rule.window).min(bytes.len()), 1024);
                let windows = &mut scratch.windows[r];
                match windows.last_mut() {
                    Some(last) if start <= last.end => last.end = last.end.max(end),
                    _ => {
                        if windows.is_empty() {
                            scratch.touched.push(r);
                        }
                        windows.push(start..end);
                    }
                }
            }
        }

        for &r in &scratch.touched {
            let rule = &rules[r];
            let Some((regex, secret_group)) = rule.regex.get() else {
                scratch.windows[r].clear();
                continue;
            };
            for window in scratch.windows[r].drain(..) {
                let hay = &bytes[window.clone()];
                for caps in regex.captures_iter(hay) {
                    let Some(secret) = caps.get(*secret_group) else {
                        continue;
                    };
                    let whole = caps.get(0).expect("group 0 always participates");
                    let value = secret.as_bytes();
                    if let Some(entropy) = accept(rule, value, &caps) {
                        scratch.matches.push(RawMatch {
                            rule: r,
                            secret: window.start + secret.start()..window.start + secret.end(),
                            context: window.start + whole.start()..window.start + whole.end(),
                            entropy,
                        });
                    }
                }
            }
        }
        resolve(&self.rules, &mut scratch.matches)
    }
}

/// Runs the post-regex checks; returns the secret's entropy if the match stands.
fn accept(
    rule: &crate::rules::Rule,
    value: &[u8],
    caps: &regex::bytes::Captures<'_>,
) -> Option<f64> {
    if value.is_empty() || filters::is_placeholder(value) {
        return None;
    }
    if rule.exclude.iter().any(|x| x.is_match(value)) {
        return None;
    }
    let entropy = entropy::shannon(value);
    if rule.min_entropy.is_some_and(|min| entropy < min) {
        return None;
    }
    if rule.checksum.is_some_and(|c| !checksum::validate(c, value)) {
        return None;
    }
    if rule.generic {
        if let Some(name) = caps.name("name") {
            if !filters::is_secret_name(name.as_bytes()) {
                return None;
            }
        }
        if filters::reject_generic_value(value, rule.min_entropy) {
            return None;
        }
    }
    Some(entropy)
}

/// Binary content is scanned only by rules whose matches are distinctive on their own.
fn binary_eligible(rule: &crate::rules::Rule) -> bool {
    !rule.generic && rule.confidence == Confidence::High
}

/// Deduplicates, applies companion requirements, and keeps one match per location:
/// provider rules beat generic ones, then higher confidence, then the longer secret.
fn resolve(rules: &RuleSet, matches: &mut Vec<RawMatch>) -> Vec<RawMatch> {
    if rules.rules.iter().any(|r| r.requires.is_some()) {
        let mut positions: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        for m in matches.iter() {
            positions.entry(m.rule).or_default().push(m.secret.start);
        }
        for list in positions.values_mut() {
            list.sort_unstable();
        }
        matches.retain(|m| match rules.rules[m.rule].requires {
            None => true,
            Some((companion, distance)) => positions.get(&companion).is_some_and(|list| {
                let from = m.secret.start.saturating_sub(distance);
                let i = list.partition_point(|&p| p < from);
                list.get(i).is_some_and(|&p| p <= m.secret.start + distance)
            }),
        });
    }
    let rank = |m: &RawMatch| {
        let rule = &rules.rules[m.rule];
        (
            !rule.generic,
            rule.confidence,
            rule.severity,
            m.secret.len(),
        )
    };
    matches.sort_by_key(|m| (m.secret.start, m.secret.end));
    let mut kept: Vec<RawMatch> = Vec::with_capacity(matches.len());
    let mut cluster: Vec<RawMatch> = Vec::new();
    let mut cluster_end = 0;
    // Overlapping matches form clusters; within a cluster the best-ranked win, greedily.
    let flush = |cluster: &mut Vec<RawMatch>, kept: &mut Vec<RawMatch>| {
        cluster.sort_by(|a, b| {
            rank(b)
                .cmp(&rank(a))
                .then(a.secret.start.cmp(&b.secret.start))
        });
        let first = kept.len();
        for m in cluster.drain(..) {
            let overlaps = kept[first..]
                .iter()
                .any(|k| k.secret.start < m.secret.end && m.secret.start < k.secret.end);
            if !overlaps {
                kept.push(m);
            }
        }
    };
    for m in matches.drain(..) {
        if !cluster.is_empty() && m.secret.start >= cluster_end {
            flush(&mut cluster, &mut kept);
        }
        cluster_end = if cluster.is_empty() {
            m.secret.end
        } else {
            cluster_end.max(m.secret.end)
        };
        cluster.push(m);
    }
    flush(&mut cluster, &mut kept);
    kept.sort_by_key(|m| (m.secret.start, m.secret.end, m.rule));
    kept
}

/// The start of the line containing `pos`, if it is at most `max` bytes back; else `pos - max`.
fn line_start_within(bytes: &[u8], pos: usize, max: usize) -> usize {
    let floor = pos.saturating_sub(max);
    match memchr::memrchr(b'\n', &bytes[floor..pos]) {
        Some(i) => floor + i + 1,
        None => floor,
    }
}

/// The end of the line containing `pos` (exclusive of the newline), at most `max` bytes on.
fn line_end_within(bytes: &[u8], pos: usize, max: usize) -> usize {
    let ceiling = (pos + max).min(bytes.len());
    match memchr::memchr(b'\n', &bytes[pos..ceiling]) {
        Some(i) => pos + i,
        None => ceiling,
    }
}

/// Outcome of running one rule's examples through the whole matcher.
#[derive(Debug)]
pub struct ExampleFailure {
    pub rule: String,
    pub example: String,
    /// Position (1-based) in `examples` or `negative_examples`.
    pub index: usize,
    pub positive: bool,
    /// What fired instead, for positive examples.
    pub found: Vec<String>,
}

/// Runs every example and negative example of the rules `which` selects through the
/// full matcher: a positive example must yield a finding of its rule, a negative one must not.
pub fn check_examples(matcher: &Matcher, which: impl Fn(&str) -> bool) -> Vec<ExampleFailure> {
    let mut scratch = Scratch::default();
    let mut failures = Vec::new();
    for (i, rule) in matcher.rules.rules.iter().enumerate() {
        if !which(&rule.origin) {
            continue;
        }
        let cases = (rule
            .examples
            .iter()
            .enumerate()
            .map(|(n, e)| (n + 1, e, true)))
        .chain(
            rule.negative_examples
                .iter()
                .enumerate()
                .map(|(n, e)| (n + 1, e, false)),
        );
        for (index, example, positive) in cases {
            let content = if rule.decoded_only {
                Content::Decoded
            } else {
                Content::Text
            };
            let found = matcher.scan(example.as_bytes(), content, &mut scratch);
            let hit = found.iter().any(|m| m.rule == i);
            if hit != positive {
                failures.push(ExampleFailure {
                    rule: rule.id.clone(),
                    example: example.clone(),
                    index,
                    positive,
                    found: found
                        .iter()
                        .map(|m| matcher.rules.rules[m.rule].id.clone())
                        .collect(),
                });
            }
        }
    }
    failures
}
