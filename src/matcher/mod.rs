//! The matcher: finds rule matches in a byte slice.
//!
//! One Aho-Corasick pass over the bytes ([`keywords`]) finds every occurrence of every rule
//! keyword at once, overlapping ones included. Only rules whose keywords occur run their
//! regex, and only in windows around those occurrences, so the cost of a scan grows with
//! the bytes and the hits, not with the number of rules.
//! Each match then goes through the rule's entropy, checksum and exclusion checks, and
//! generic rules through the value filters ([`filters`]). A value that has a provider's
//! format but fails that provider's validation (a GitHub token with a wrong CRC32, a JWT
//! whose header is not JSON) is a negative for every rule, so no generic rule reports the
//! same bytes. Finally overlapping matches are resolved so that one location yields one
//! finding, from the most specific rule.
//!
//! Regexes run on the blob up to the window's end, starting at the window's start
//! ([`regex::bytes::Regex::captures_at`]), so `^`, `$`, `\b` and look-around see the real
//! text before a window instead of treating its edge as a line start or word boundary.
//!
//! The matcher works on any `&[u8]` and reports byte spans into it; a caller that feeds
//! a transformed view of a blob (decoded base64, re-encoded UTF-16) maps spans back.
//!
//! Rules with `paths` run only when the caller names a path in their scope; those without
//! keywords then run over the whole blob (a `.pgpass` line has no keyword, its file name
//! says what it is). In a credential file (`credential_file = true`) a weak value is kept
//! and flagged ([`RawMatch::weak`]) instead of being dropped.

pub mod checksum;
pub mod context;
pub mod entropy;
pub mod filters;
pub mod keywords;
pub mod strength;

use std::ops::Range;
use std::sync::Arc;

use globset::{Candidate, GlobSet, GlobSetBuilder};

use crate::rules::{Confidence, RuleSet};
use keywords::{HitBuffer, Keywords};

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
    /// How sure the matcher is: the rule's confidence, raised to high for a validated
    /// checksum and to medium for a long random generic value under a secret's name, or
    /// lowered to low for a value under a bare `key`.
    pub confidence: Confidence,
    /// A weak password in a credential file: reported, but at low severity with a note.
    pub weak: bool,
}

/// Compiled, immutable matching state shared by all workers.
pub struct Matcher {
    rules: Arc<RuleSet>,
    keywords: Keywords,
    /// For each keyword pattern, the rules it triggers.
    keyword_rules: Vec<Vec<usize>>,
    /// Every glob of every path-scoped rule, so that one match per blob finds the rules in scope.
    path_globs: GlobSet,
    /// For each glob in `path_globs`, its rule.
    glob_rules: Vec<usize>,
    /// Path-scoped rules without keywords: they run on the whole of a blob in scope.
    keywordless: Vec<usize>,
}

/// Per-worker reusable buffers, so the hot path does not allocate per blob.
#[derive(Default)]
pub struct Scratch {
    /// For each rule, the byte windows where its regex must run.
    windows: Vec<Vec<Range<usize>>>,
    /// Rules with at least one window in the current blob.
    touched: Vec<usize>,
    matches: Vec<RawMatch>,
    /// Spans that have a provider's format but failed its validation: negatives for all rules.
    rejected: Vec<Range<usize>>,
    /// Path-scoped rules whose `paths` match the current blob's path.
    in_scope: Vec<usize>,
    glob_hits: Vec<usize>,
    hits: HitBuffer,
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
        // Loading is linear in the number of rules: keywords are deduplicated through a
        // map, and a rule is pushed at most once per keyword (rules arrive in order).
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        for (i, rule) in rules.rules.iter().enumerate() {
            for kw in &rule.keywords {
                let kw = kw.to_ascii_lowercase();
                let p = *index.entry(kw).or_insert_with_key(|kw| {
                    patterns.push(kw.clone());
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if keyword_rules[p].last() != Some(&i) {
                    keyword_rules[p].push(i);
                }
            }
        }
        let (path_globs, glob_rules) = path_globs(&rules);
        let keywordless = (rules.rules.iter().enumerate())
            .filter(|(_, r)| r.paths.is_some() && r.keywords.is_empty())
            .map(|(i, _)| i)
            .collect();
        let keywords = Keywords::new(&patterns);
        Matcher {
            rules,
            keywords,
            keyword_rules,
            path_globs,
            glob_rules,
            keywordless,
        }
    }

    /// The rule set this matcher was built from.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Finds every secret in `bytes`, the contents of the file at `path` (`/`-separated;
    /// `None` when unknown, as for stdin: path-scoped rules then do not run). The result
    /// is sorted by position, with at most one match per secret location.
    pub fn scan(
        &self,
        bytes: &[u8],
        content: Content,
        path: Option<&str>,
        scratch: &mut Scratch,
    ) -> Vec<RawMatch> {
        let rules = &self.rules.rules;
        scratch.windows.resize_with(rules.len(), Vec::new);
        scratch.touched.clear();
        scratch.matches.clear();
        scratch.rejected.clear();
        self.mark_scope(path, scratch);

        let mut hits = std::mem::take(&mut scratch.hits);
        for hit in self.keywords.find(bytes, &mut hits) {
            for &r in &self.keyword_rules[hit.pattern] {
                let rule = &rules[r];
                if !eligible(rule, content) {
                    continue;
                }
                if rule.paths.is_some() && !scratch.in_scope.contains(&r) {
                    continue;
                }
                let start = line_start_within(bytes, hit.start, LOOKBEHIND);
                let end = line_end_within(bytes, (hit.end + rule.window).min(bytes.len()), 1024);
                let windows = &mut scratch.windows[r];
                match windows.last_mut() {
                    // Hits come by end offset, so a nested keyword's window may start
                    // before the last one.
                    Some(last) if start <= last.end => {
                        last.start = last.start.min(start);
                        last.end = last.end.max(end);
                    }
                    _ => {
                        if windows.is_empty() {
                            scratch.touched.push(r);
                        }
                        windows.push(start..end);
                    }
                }
            }
        }
        scratch.hits = hits;
        for &r in &self.keywordless {
            if scratch.in_scope.contains(&r) && eligible(&rules[r], content) {
                let windows = &mut scratch.windows[r];
                windows.clear();
                windows.push(0..bytes.len());
                scratch.touched.push(r);
            }
        }

        for &r in &scratch.touched {
            let rule = &rules[r];
            let Some((regex, secret_group)) = rule.regex.get() else {
                scratch.windows[r].clear();
                continue;
            };
            for window in scratch.windows[r].drain(..) {
                let mut at = window.start;
                while at <= window.end {
                    let Some(caps) = captures(regex, bytes, at, window.end) else {
                        break;
                    };
                    let whole = caps.get(0).expect("group 0 always participates");
                    at = if whole.end() > whole.start() {
                        whole.end()
                    } else {
                        whole.end() + 1
                    };
                    let Some(secret) = caps.get(*secret_group) else {
                        continue;
                    };
                    let span = secret.start()..secret.end();
                    match judge(rule, bytes, &span, &caps) {
                        Verdict::Keep {
                            entropy,
                            confidence,
                            weak,
                        } => {
                            // A template's commented-out sample (`<!-- <password>repopwd</password> -->`
                            // in Maven's default settings.xml) is documentation, not a stored password.
                            if weak && in_xml_comment(bytes, span.start) {
                                continue;
                            }
                            scratch.matches.push(RawMatch {
                                rule: r,
                                secret: span,
                                context: whole.start()..whole.end(),
                                entropy,
                                confidence,
                                weak,
                            });
                        }
                        Verdict::FailedFormat => scratch.rejected.push(span),
                        Verdict::Drop => {}
                    }
                }
            }
        }
        if !scratch.rejected.is_empty() {
            // Bytes that failed a provider's validation are no secret for a generic rule or a
            // container rule (a URL holding them). A provider rule that recognises the same
            // bytes by its own prefix (a TeamCity token is JWT-shaped) still stands.
            let rejected = &scratch.rejected;
            scratch.matches.retain(|m| {
                let overlaps = rejected
                    .iter()
                    .any(|x| x.start < m.secret.end && m.secret.start < x.end);
                let rule = &rules[m.rule];
                !overlaps || (!rule.generic && keyword_prefix(rule, &bytes[m.secret.clone()]) > 0)
            });
        }
        resolve(&self.rules, &mut scratch.matches)
    }

    /// Whether some path-scoped rule's globs match `path` (`/`-separated).
    pub fn in_path_scope(&self, path: &str) -> bool {
        !self.glob_rules.is_empty() && self.path_globs.is_match(path)
    }

    /// Lists in `scratch.in_scope` the path-scoped rules whose globs match `path`.
    fn mark_scope(&self, path: Option<&str>, scratch: &mut Scratch) {
        scratch.in_scope.clear();
        let Some(path) = path.filter(|_| !self.glob_rules.is_empty()) else {
            return;
        };
        self.path_globs
            .matches_candidate_into(&Candidate::new(path), &mut scratch.glob_hits);
        for &g in &scratch.glob_hits {
            scratch.in_scope.push(self.glob_rules[g]);
        }
    }
}

impl Scratch {
    /// Spans of the last scanned bytes that have a provider's format but failed its
    /// validation: callers that scan derived views of the same bytes (decoded segments)
    /// treat them as negatives too.
    pub fn rejected(&self) -> &[Range<usize>] {
        &self.rejected
    }
}

/// One glob set holding the globs of every path-scoped rule, and each glob's rule.
fn path_globs(rules: &RuleSet) -> (GlobSet, Vec<usize>) {
    let mut builder = GlobSetBuilder::new();
    let mut owners = Vec::new();
    for (i, rule) in rules.rules.iter().enumerate() {
        for pattern in rule.paths.iter().flat_map(|p| p.patterns()) {
            builder.add(
                crate::rules::paths::glob(pattern).expect("patterns were checked when loaded"),
            );
            owners.push(i);
        }
    }
    let set = builder
        .build()
        .expect("each glob compiled on its own when the rules were loaded");
    (set, owners)
}

/// Length of the longest rule keyword `value` starts with (`ghp_`, `AKIA`), or 0.
fn keyword_prefix(rule: &crate::rules::Rule, value: &[u8]) -> usize {
    rule.keywords
        .iter()
        .filter(|k| value.len() > k.len() && value[..k.len()].eq_ignore_ascii_case(k.as_bytes()))
        .map(String::len)
        .max()
        .unwrap_or(0)
}

/// Runs `regex` on `bytes[..end]` from `at`, so that assertions see the bytes before `at`.
/// A match that ends exactly at a window edge cut mid-line may owe that end to the cut
/// (`$`, `\b`); it is run again on the whole line to get the real verdict.
fn captures<'h>(
    regex: &regex::bytes::Regex,
    bytes: &'h [u8],
    at: usize,
    end: usize,
) -> Option<regex::bytes::Captures<'h>> {
    let caps = regex.captures_at(&bytes[..end], at)?;
    let cut_mid_line = end < bytes.len() && bytes[end] != b'\n';
    let whole = caps.get(0).expect("group 0 always participates");
    if cut_mid_line && whole.end() == end {
        let line_end = line_end_within(bytes, end, 64 * 1024);
        return regex.captures_at(&bytes[..line_end], at);
    }
    Some(caps)
}

/// What the post-regex checks decided about one match.
enum Verdict {
    /// A finding, with the secret's entropy and the match's confidence; `weak` marks a weak
    /// password in a credential file.
    Keep {
        entropy: f64,
        confidence: Confidence,
        weak: bool,
    },
    /// Not a secret for this rule.
    Drop,
    /// The provider's format, but its validation failed: not a secret for any rule.
    FailedFormat,
}

/// Runs the post-regex checks on the secret at `span`.
fn judge(
    rule: &crate::rules::Rule,
    bytes: &[u8],
    span: &Range<usize>,
    caps: &regex::bytes::Captures<'_>,
) -> Verdict {
    let value = &bytes[span.clone()];
    if value.is_empty() || rule.exclude.iter().any(|x| x.is_match(value)) {
        return Verdict::Drop;
    }
    if let Some(checksum) = rule.checksum {
        // A checksum-valid token is real by definition: no placeholder or entropy guess
        // overrides it, and a failed one is no secret at all.
        if !checksum::validate(checksum, value) {
            return Verdict::FailedFormat;
        }
        return Verdict::Keep {
            entropy: entropy::shannon(value),
            confidence: Confidence::High,
            weak: false,
        };
    }
    let entropy = entropy::shannon(value);
    if rule.credential_file {
        // The file itself is the leak: only a stand-in or a reference is not a finding.
        if is_placeholder(value, entropy) || filters::is_reference(value) {
            return Verdict::Drop;
        }
        return Verdict::Keep {
            entropy,
            confidence: rule.confidence,
            weak: strength::is_weak(value, entropy, rule.min_entropy),
        };
    }
    if rule.min_entropy.is_some_and(|min| entropy < min) {
        return Verdict::Drop;
    }
    if !rule.generic {
        let prefix = keyword_prefix(rule, value);
        // A prefixed token (`AKIA…`, `LTAI…`, `AIza…`) must be a whole token; a secret the
        // regex delimits by its context (a password after `user/` in a JDBC URL) is judged
        // by that context instead.
        let partial = prefix > 0
            && (context::is_embedded(bytes, span) || context::in_digest_token(bytes, span));
        if partial
            || filters::is_provider_placeholder(&without_chance_angles(value, entropy), prefix)
        {
            return Verdict::Drop;
        }
        return Verdict::Keep {
            entropy,
            confidence: rule.confidence,
            weak: false,
        };
    }
    let name = caps.name("name").map(|n| n.as_bytes());
    let verdict = name.map_or(filters::NameVerdict::Secret, filters::name_verdict);
    let value_context = filters::ValueContext {
        name,
        before: context::before_on_line(bytes, span.start, 256),
    };
    if is_placeholder(value, entropy) {
        return Verdict::Drop;
    }
    let judged = without_chance_angles(value, entropy);
    match filters::check_generic_value(&judged, rule.min_entropy, value_context, verdict) {
        None => Verdict::Drop,
        Some(generic) => {
            let confidence = match verdict {
                filters::NameVerdict::Key => Confidence::Low,
                _ if generic.strong => rule.confidence.max(Confidence::Medium),
                _ => rule.confidence,
            };
            Verdict::Keep {
                entropy,
                confidence,
                weak: false,
            }
        }
    }
}

/// [`filters::is_placeholder`], except that `<` and `>` do not make a long random value a
/// placeholder: they mark `<API_KEY>`-style stand-ins, but framework salts drawn from a
/// punctuation alphabet (WordPress keys) contain them by chance.
fn is_placeholder(value: &[u8], entropy: f64) -> bool {
    filters::is_placeholder(&without_chance_angles(value, entropy))
}

/// `value` without `<` and `>` when it is long and random enough for them to be chance.
fn without_chance_angles(value: &[u8], entropy: f64) -> std::borrow::Cow<'_, [u8]> {
    let angle = |b: &u8| matches!(b, b'<' | b'>');
    if value.len() >= 40 && entropy >= 4.5 && value.iter().any(angle) {
        return value.iter().copied().filter(|b| !angle(b)).collect();
    }
    std::borrow::Cow::Borrowed(value)
}

/// Whether `pos` lies inside an XML/HTML comment (`<!-- … -->`) opened before it.
fn in_xml_comment(bytes: &[u8], pos: usize) -> bool {
    let before = &bytes[..pos];
    match memchr::memmem::rfind(before, b"<!--") {
        Some(open) => memchr::memmem::find(&before[open..], b"-->").is_none(),
        None => false,
    }
}

/// Whether `rule` runs on content of this kind.
fn eligible(rule: &crate::rules::Rule, content: Content) -> bool {
    match content {
        Content::Binary => binary_eligible(rule),
        Content::Text => !rule.decoded_only,
        Content::Decoded => true,
    }
}

/// Binary content is scanned only by rules whose matches are distinctive on their own.
fn binary_eligible(rule: &crate::rules::Rule) -> bool {
    !rule.generic && rule.confidence == Confidence::High
}

/// Deduplicates, applies companion requirements, and keeps one match per location:
/// provider rules beat generic ones, then higher confidence (the match's, then the rule's),
/// then higher severity, then the longer secret.
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
        // The rule's own confidence breaks ties between a raised generic match and a
        // rule that is medium by design (an API-key header beats a generic assignment).
        (
            !rule.generic,
            m.confidence,
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
            let path = rule.example_path.as_deref();
            let found = matcher.scan(example.as_bytes(), content, path, &mut scratch);
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
