//! Findings: matcher output turned into what a user reads. A [`BlobFinding`] is what a
//! blob's content alone says (rule, line, column, a fingerprint of the secret, a redacted
//! snippet); a [`Finding`] is one of those placed at one location (path, commit).

pub mod allow;
pub mod location;
mod outcome;
pub mod redact;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::matcher::RawMatch;
use crate::provenance::{CommitInfo, Provenance};
use crate::rules::{Confidence, Rule, RuleSet, Severity};
use location::{line_bounds, LineIndex, Span};
pub use outcome::{Outcome, Stats};
pub use redact::Secret;

/// Longest snippet kept around a secret, in characters on each side.
const SNIPPET_CONTEXT: usize = 80;

/// The note on a weak password found in a credential file (reported at low severity).
pub const WEAK_CREDENTIAL_NOTE: &str = "weak password in a credential file";

/// A secret found in a blob: everything that depends on the blob's bytes only, so that
/// one blob is scanned once and its matches placed at every location it has.
#[derive(Debug, Clone)]
pub struct BlobFinding {
    pub rule_id: String,
    pub rule_name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub span: Span,
    /// Byte offset of the secret in its blob.
    pub offset: usize,
    /// Stable, non-reversible identity of the secret: same key, same fingerprint.
    pub fingerprint: String,
    pub secret: Secret,
    pub entropy: f64,
    snippet_redacted: String,
    snippet_full: Secret,
    snippet_marks: Marks,
    /// An allow-comment on the secret's line.
    pub allow: Option<allow::Allow>,
    /// See [`Finding::note`].
    pub note: Option<String>,
    /// See [`Finding::encoding`].
    pub encoding: Option<String>,
}

impl BlobFinding {
    /// This match at one location. History placement fills in `introduced` and `in_head`.
    pub fn at(&self, provenance: Provenance) -> Finding {
        let m = self.clone();
        Finding {
            rule_id: m.rule_id,
            rule_name: m.rule_name,
            provider_id: m.provider_id,
            provider_name: m.provider_name,
            severity: m.severity,
            confidence: m.confidence,
            provenance,
            span: m.span,
            offset: m.offset,
            fingerprint: m.fingerprint,
            secret: m.secret,
            entropy: m.entropy,
            snippet_redacted: m.snippet_redacted,
            snippet_full: m.snippet_full,
            snippet_marks: m.snippet_marks,
            introduced: Vec::new(),
            in_head: None,
            allow: m.allow,
            note: m.note,
            encoding: m.encoding,
        }
    }
}

/// One secret at one location.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub provenance: Provenance,
    pub span: Span,
    /// Byte offset of the secret in its blob.
    pub offset: usize,
    /// Stable, non-reversible identity of the secret: same key, same fingerprint.
    pub fingerprint: String,
    pub secret: Secret,
    pub entropy: f64,
    /// The secret's line with every secret on it redacted (and the full line when secrets are shown).
    snippet_redacted: String,
    /// Held as a [`Secret`] so that `Debug` output (logs, panics) never shows it.
    snippet_full: Secret,
    /// Where this finding's secret is in each snippet.
    snippet_marks: Marks,
    /// History scans: every (path, commit) that introduced this finding's blob, oldest first.
    pub introduced: Vec<Introduction>,
    /// History scans: whether this finding's path holds the secret in HEAD (a property of
    /// the path: the same blob can be in HEAD at one path and gone from another).
    pub in_head: Option<bool>,
    /// An allow marker that suppresses this finding: on any of its lines, or a next-line
    /// marker on the line before.
    pub allow: Option<allow::Allow>,
    /// Something the reader should know about this finding, shown with it in every format
    /// (today only [`WEAK_CREDENTIAL_NOTE`]).
    pub note: Option<String>,
    /// The encodings undone to find the secret, outermost first (`base64>json`); `None`
    /// for a secret found as plain text. For a decoded secret, `span` is that of the
    /// outermost encoded segment in the blob.
    pub encoding: Option<String>,
}

/// A commit that introduced the blob holding a finding, at a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Introduction {
    pub path: String,
    #[serde(flatten)]
    pub commit: CommitInfo,
}

impl Finding {
    /// The snippet to print: redacted unless secrets are shown.
    pub fn snippet(&self, show_secrets: bool) -> &str {
        if show_secrets {
            self.snippet_full.expose()
        } else {
            &self.snippet_redacted
        }
    }

    /// The byte range, within [`Finding::snippet`]`(show_secrets)`, of this finding's
    /// secret (its redacted form unless secrets are shown; for a decoded secret, the
    /// encoded text standing in for it), for highlighting; `None` when the snippet does
    /// not show it (a secret overlapped by another one on the line).
    pub fn snippet_match(&self, show_secrets: bool) -> Option<std::ops::Range<usize>> {
        if show_secrets {
            self.snippet_marks.full.clone()
        } else {
            self.snippet_marks.redacted.clone()
        }
    }

    /// Redacts in the redacted snippet the secrets `find` reports there (other keys on the
    /// line that no rule of this scan reported), keeping the mark on this finding's secret.
    pub fn redact_in_snippet(&mut self, find: &mut dyn FnMut(&str) -> Redactions) {
        let mark = self.snippet_marks.redacted.clone();
        let found: Vec<_> = find(&self.snippet_redacted)
            .into_iter()
            .filter(|(span, _)| {
                mark.as_ref()
                    .is_none_or(|m| span.end <= m.start || span.start >= m.end)
            })
            .collect();
        if found.is_empty() {
            return;
        }
        let shift = |pos: usize| -> usize {
            let mut moved = pos as isize;
            for (span, redacted) in &found {
                if span.end <= pos {
                    moved += redacted.len() as isize - span.len() as isize;
                }
            }
            moved as usize
        };
        self.snippet_marks.redacted = mark.map(|m| shift(m.start)..shift(m.end));
        self.snippet_redacted = replace_secrets(&self.snippet_redacted, &found);
    }

    /// The path as reported.
    pub fn path(&self) -> &str {
        self.provenance.path()
    }

    /// The key used to tell distinct secrets apart (fingerprint) and merge duplicates.
    pub fn location_key(&self) -> (String, String, usize, usize) {
        (
            self.provenance
                .commit()
                .map(|c| c.commit.clone())
                .unwrap_or_default(),
            self.path().to_string(),
            self.span.line,
            self.span.column,
        )
    }
}

/// The fingerprint of a secret: the first 128 bits of SHA-256, in hex.
pub fn fingerprint(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds the findings of one blob's matches (sorted by offset, as the matcher returns them).
pub fn build(rules: &RuleSet, bytes: &[u8], matches: &[RawMatch]) -> Vec<BlobFinding> {
    let mut lines = LineIndex::new(bytes);
    matches
        .iter()
        .map(|m| {
            let place = Place {
                span: lines.span(m.secret.start, m.secret.end),
                range: m.secret.clone(),
                snippets: snippets(rules, bytes, matches, m),
                encoding: None,
            };
            blob_finding(rules, bytes, m, &bytes[m.secret.clone()], place)
        })
        .collect()
}

/// Builds findings for matches in a decoded view of `bytes` (see `crate::decode`).
///
/// Each finding is placed at the view's outermost encoded segment; its secret, fingerprint
/// and redaction come from the decoded text. The snippet is the blob's line with the
/// encoded segment (and every plain match in `plain`) redacted, since an encoded secret
/// is still the secret.
pub fn build_decoded(
    rules: &RuleSet,
    bytes: &[u8],
    plain: &[RawMatch],
    view: &crate::decode::View<'_>,
    matches: &[RawMatch],
) -> Vec<BlobFinding> {
    let mut lines = LineIndex::new(bytes);
    let encoding = crate::decode::chain_name(view.chain);
    matches
        .iter()
        .map(|m| {
            // The encoded segment stands in for the secret in the blob's snippet.
            let stand_in = RawMatch {
                secret: view.segment.clone(),
                context: view.segment.clone(),
                weak: false,
                ..m.clone()
            };
            let mut all: Vec<RawMatch> = plain
                .iter()
                .filter(|p| {
                    p.secret.end <= view.segment.start || p.secret.start >= view.segment.end
                })
                .cloned()
                .collect();
            all.push(stand_in.clone());
            all.sort_by_key(|p| p.secret.start);
            let place = Place {
                span: lines.span(view.segment.start, view.segment.end),
                range: view.segment.clone(),
                snippets: snippets(rules, bytes, &all, &stand_in),
                encoding: Some(encoding.clone()),
            };
            blob_finding(rules, bytes, m, &view.bytes[m.secret.clone()], place)
        })
        .collect()
}

/// Where in the blob a finding is reported, and what is shown of its line.
struct Place {
    span: Span,
    /// Byte range in the blob: the secret, or the encoded segment holding it.
    range: std::ops::Range<usize>,
    snippets: Snippets,
    encoding: Option<String>,
}

/// One finding of match `m`, whose secret is `value`, reported at `place` in `bytes`.
fn blob_finding(
    rules: &RuleSet,
    bytes: &[u8],
    m: &RawMatch,
    value: &[u8],
    place: Place,
) -> BlobFinding {
    let rule = &rules.rules[m.rule];
    let provider = rules.provider(rule);
    BlobFinding {
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        provider_id: provider.id.clone(),
        provider_name: provider.name.clone(),
        severity: if m.weak { Severity::Low } else { rule.severity },
        confidence: m.confidence,
        span: place.span,
        offset: place.range.start,
        fingerprint: fingerprint(value),
        secret: Secret::new(value, known_prefix_len(rule, value)),
        entropy: m.entropy,
        snippet_redacted: place.snippets.redacted,
        snippet_full: Secret::new(place.snippets.full.as_bytes(), 0),
        snippet_marks: place.snippets.marks,
        allow: allow::find(bytes, place.range, &rule.id),
        note: m.weak.then(|| WEAK_CREDENTIAL_NOTE.to_string()),
        encoding: place.encoding,
    }
}

/// Length of the rule keyword the secret starts with (`ghp_`, `AKIA`), kept visible when redacting.
/// Secrets found in a text: (byte range, redacted form), sorted and not overlapping.
pub type Redactions = Vec<(std::ops::Range<usize>, String)>;

/// The secrets `matcher` finds in `text`, as (byte range, redacted form), sorted and not
/// overlapping: for redacting text that was not scanned as a blob (snippets after the rule
/// set was narrowed, commit metadata, error messages).
pub fn secrets_in(
    matcher: &crate::matcher::Matcher,
    text: &str,
    scratch: &mut crate::matcher::Scratch,
) -> Redactions {
    let rules = matcher.rules();
    matcher
        .scan(
            text.as_bytes(),
            crate::matcher::Content::Text,
            None,
            scratch,
        )
        .into_iter()
        .filter(|m| text.is_char_boundary(m.secret.start) && text.is_char_boundary(m.secret.end))
        .map(|m| {
            let value = &text.as_bytes()[m.secret.clone()];
            let prefix = known_prefix_len(&rules.rules[m.rule], value);
            (m.secret.clone(), Secret::new(value, prefix).redacted())
        })
        .collect()
}

/// `text` with each of `found` (from [`secrets_in`]) replaced by its redacted form.
pub fn replace_secrets(text: &str, found: &[(std::ops::Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (span, redacted) in found {
        if span.start < at {
            continue;
        }
        out.push_str(&text[at..span.start]);
        out.push_str(redacted);
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

fn known_prefix_len(rule: &Rule, secret: &[u8]) -> usize {
    if rule.generic {
        return 0;
    }
    rule.keywords
        .iter()
        .filter(|k| secret.len() > k.len() && secret[..k.len()].eq_ignore_ascii_case(k.as_bytes()))
        .map(String::len)
        .max()
        .unwrap_or(0)
}

/// The line holding a secret, with every secret on it redacted and in full, as read
/// (scanned text is data: the reporters escape it for their medium).
struct Snippets {
    redacted: String,
    full: String,
    marks: Marks,
}

/// Byte ranges of a finding's secret in its redacted and its full snippet.
#[derive(Debug, Clone, Default)]
struct Marks {
    redacted: Option<std::ops::Range<usize>>,
    full: Option<std::ops::Range<usize>>,
}

/// The line holding `m`'s secret, once with every secret on it redacted and once in full.
fn snippets(rules: &RuleSet, bytes: &[u8], all: &[RawMatch], m: &RawMatch) -> Snippets {
    let line = line_bounds(bytes, m.secret.start);
    let from = floor_char(
        bytes,
        m.secret
            .start
            .saturating_sub(SNIPPET_CONTEXT)
            .max(line.start),
    );
    let to = (m.secret.end.min(line.end) + SNIPPET_CONTEXT)
        .min(line.end)
        .max(from);
    let lossy = |range: std::ops::Range<usize>| String::from_utf8_lossy(&bytes[range]);
    let mut redacted = String::new();
    let mut mark = None;
    let mut cursor = from;
    for other in all
        .iter()
        .filter(|o| o.secret.start < to && o.secret.end > from)
    {
        let start = other.secret.start.max(from);
        if start < cursor {
            continue;
        }
        redacted.push_str(&lossy(cursor..start));
        let value = &bytes[other.secret.clone()];
        let rule = &rules.rules[other.rule];
        let at = redacted.len();
        redacted.push_str(&Secret::new(value, known_prefix_len(rule, value)).redacted());
        if other.secret == m.secret && other.rule == m.rule {
            mark = Some(at..redacted.len());
        }
        cursor = other.secret.end.min(to).max(start);
        if other.secret.end > to {
            cursor = to;
        }
    }
    redacted.push_str(&lossy(cursor.min(to)..to));
    let (start, end) = (m.secret.start.clamp(from, to), m.secret.end.clamp(from, to));
    let mut full = lossy(from..start).into_owned();
    let at = full.len();
    full.push_str(&lossy(start..end));
    let full_mark = at..full.len();
    full.push_str(&lossy(end..to));
    let (redacted, redacted_mark) = trimmed(redacted, mark);
    let (full, full_mark) = trimmed(full, Some(full_mark));
    Snippets {
        redacted,
        full,
        marks: Marks {
            redacted: redacted_mark,
            full: full_mark,
        },
    }
}

/// `text` without surrounding white space, and `mark` moved to match.
fn trimmed(
    text: String,
    mark: Option<std::ops::Range<usize>>,
) -> (String, Option<std::ops::Range<usize>>) {
    let lead = text.len() - text.trim_start().len();
    let kept = text.trim();
    let mark = mark
        .map(|r| r.start.saturating_sub(lead)..r.end.saturating_sub(lead).min(kept.len()))
        .filter(|r| r.start < r.end);
    (kept.to_string(), mark)
}

/// Moves `i` back to a UTF-8 character boundary (best effort for non-UTF-8 data).
fn floor_char(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && i < bytes.len() && (bytes[i] & 0b1100_0000) == 0b1000_0000 {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::matcher::{Content, Matcher, Scratch};

    #[test]
    fn debug_output_never_contains_the_secret() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        let matcher = Matcher::new(Arc::new(rules));
        let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Qw2Lm8R"; // keyhound:allow (fake)
        let line = format!("STRIPE_KEY = \"{secret}\"\n");
        let matches = matcher.scan(
            line.as_bytes(),
            Content::Text,
            None,
            &mut Scratch::default(),
        );
        let findings: Vec<Finding> = build(matcher.rules(), line.as_bytes(), &matches)
            .iter()
            .map(|m| m.at(Provenance::Stdin))
            .collect();
        assert_eq!(findings.len(), 1);
        let debug = format!("{findings:?}");
        assert!(!debug.contains(secret), "{debug}");
        assert_eq!(findings[0].snippet(false), "STRIPE_KEY = \"sk_live_…Lm8R\"");
        assert_eq!(findings[0].snippet_match(false), Some(14..29));
        let full = findings[0].snippet(true);
        assert_eq!(
            findings[0].snippet_match(true).map(|r| &full[r]),
            Some(secret)
        );
        assert!(findings[0].snippet(true).contains(secret));
    }
}
