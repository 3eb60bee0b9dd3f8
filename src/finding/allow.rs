//! Suppression markers in the scanned text, and the count of suppressed findings by form.
//!
//! On the finding's own line (any line of a multi-line finding, such as a PEM block's BEGIN
//! or END line): `keyhound:allow`, `keyhound:allow rule-id[,rule-id]`, and for teams coming
//! from other scanners `gitleaks:allow`, `pragma: allowlist secret` (detect-secrets),
//! `trufflehog:ignore` and `ggignore`.
//!
//! On the line before the finding's first line: `keyhound:allow-next-line [rule-id[,rule-id]]`
//! and `pragma: allowlist nextline secret` (detect-secrets). This is the only form that works
//! in `.properties`, `.env` and INI files, where a trailing comment becomes part of the value,
//! and before JSON lines, which cannot hold comments.

use std::ops::Range;

/// How a finding was suppressed; the summary counts each form separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Form {
    /// `keyhound:allow [rule-id]` on the finding's line.
    KeyhoundAllow,
    /// `keyhound:allow-next-line [rule-id]` on the line before.
    KeyhoundAllowNextLine,
    /// detect-secrets' `pragma: allowlist secret` on the finding's line.
    PragmaAllowlistSecret,
    /// detect-secrets' `pragma: allowlist nextline secret` on the line before.
    PragmaAllowlistNextline,
    /// `gitleaks:allow` on the finding's line.
    GitleaksAllow,
    /// `trufflehog:ignore` on the finding's line.
    TrufflehogIgnore,
    /// ggshield's `ggignore` on the finding's line.
    Ggignore,
    /// `[allowlist]` or `exclude` in `.keyhound.toml`.
    ConfigAllowlist,
    /// A known finding in the `--baseline` file.
    Baseline,
}

impl Form {
    /// Every form, in the order the summary lists them.
    pub const ALL: [Form; 9] = [
        Form::KeyhoundAllow,
        Form::KeyhoundAllowNextLine,
        Form::PragmaAllowlistSecret,
        Form::PragmaAllowlistNextline,
        Form::GitleaksAllow,
        Form::TrufflehogIgnore,
        Form::Ggignore,
        Form::ConfigAllowlist,
        Form::Baseline,
    ];

    /// The name shown in the summary and used as a key in machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Form::KeyhoundAllow => "keyhound:allow",
            Form::KeyhoundAllowNextLine => "keyhound:allow-next-line",
            Form::PragmaAllowlistSecret => "pragma: allowlist secret",
            Form::PragmaAllowlistNextline => "pragma: allowlist nextline secret",
            Form::GitleaksAllow => "gitleaks:allow",
            Form::TrufflehogIgnore => "trufflehog:ignore",
            Form::Ggignore => "ggignore",
            Form::ConfigAllowlist => "config allowlist",
            Form::Baseline => "baseline",
        }
    }
}

/// Suppressed findings counted by [`Form`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Suppressed {
    counts: [usize; Form::ALL.len()],
}

impl Suppressed {
    /// Counts `n` more findings suppressed by `form`.
    pub fn add(&mut self, form: Form, n: usize) {
        let i = Form::ALL
            .iter()
            .position(|f| *f == form)
            .expect("ALL lists every form");
        self.counts[i] += n;
    }

    /// All suppressed findings.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The forms that suppressed something, with their counts, in [`Form::ALL`] order.
    pub fn by_form(&self) -> impl Iterator<Item = (Form, usize)> + '_ {
        Form::ALL
            .iter()
            .zip(self.counts)
            .filter(|(_, n)| *n > 0)
            .map(|(f, n)| (*f, n))
    }
}

/// An allow marker that applies to a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// Which marker it was.
    pub form: Form,
    /// The rule ids it names; empty means every rule.
    pub rules: Vec<String>,
}

impl Allow {
    /// Whether this marker suppresses a finding of `rule_id`.
    pub fn covers(&self, rule_id: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|id| id == rule_id)
    }
}

/// Lines of a finding searched for a marker; a longer finding is searched on its first and
/// last lines only.
const MAX_LINES: usize = 400;

/// The marker that suppresses the finding of `rule_id` whose secret spans `span` of `bytes`:
/// a same-line marker on any of its lines, or a next-line marker on the line before its first.
pub fn find(bytes: &[u8], span: Range<usize>, rule_id: &str) -> Option<Allow> {
    let first = line_start(bytes, span.start);
    let last_end = line_end(bytes, span.end.max(span.start + 1).min(bytes.len()) - 1);
    let mut at = first;
    let mut seen = 0;
    while at < bytes.len() && at <= last_end {
        let end = line_end(bytes, at);
        seen += 1;
        if seen <= MAX_LINES || end >= last_end {
            if let Some(allow) = same_line(&bytes[at..end]).filter(|a| a.covers(rule_id)) {
                return Some(allow);
            }
        }
        at = end + 1;
    }
    if first == 0 {
        return None;
    }
    let prev = line_start(bytes, first - 1);
    if let Some(allow) = next_line(&bytes[prev..first - 1]).filter(|a| a.covers(rule_id)) {
        return Some(allow);
    }
    // In a YAML block scalar (`key: |` and indented lines under it), the value starts on
    // the header line: a marker there, or a next-line marker before it, covers the block.
    let header = block_scalar_header(bytes, first)?;
    let header_end = line_end(bytes, header);
    if let Some(allow) = same_line(&bytes[header..header_end]).filter(|a| a.covers(rule_id)) {
        return Some(allow);
    }
    if header == 0 {
        return None;
    }
    let before = line_start(bytes, header - 1);
    next_line(&bytes[before..header - 1]).filter(|a| a.covers(rule_id))
}

/// The start of the YAML block scalar header (`key: |`, `key: >-`, `- |`, a comment
/// allowed after it) whose indented block holds the line starting at `first`, if any:
/// found by walking up over blank lines and lines indented at least as far as `first`.
fn block_scalar_header(bytes: &[u8], first: usize) -> Option<usize> {
    let indent = |line: &[u8]| line.iter().take_while(|&&b| b == b' ').count();
    let own = indent(&bytes[first..line_end(bytes, first)]);
    if own == 0 {
        return None;
    }
    let mut at = first;
    for _ in 0..MAX_LINES {
        if at == 0 {
            return None;
        }
        at = line_start(bytes, at - 1);
        let line = &bytes[at..line_end(bytes, at)];
        if line.trim_ascii().is_empty() || indent(line) >= own {
            continue;
        }
        return is_block_scalar_header(line).then_some(at);
    }
    None
}

/// Whether `line` ends (before any ` #` comment) with a block scalar indicator that
/// follows a mapping key or a list dash: `key: |`, `key: >-`, `key: |+2`, `- |`.
fn is_block_scalar_header(line: &[u8]) -> bool {
    let content = match find_bytes(line, b" #") {
        Some(at) => &line[..at],
        None => line,
    }
    .trim_ascii_end();
    let Some(space) = content.iter().rposition(|&b| b == b' ') else {
        return false;
    };
    let (before, token) = (content[..space].trim_ascii_end(), &content[space + 1..]);
    let indicator = matches!(token.first(), Some(b'|' | b'>'))
        && token.len() <= 3
        && token[1..]
            .iter()
            .all(|&b| matches!(b, b'-' | b'+' | b'1'..=b'9'));
    indicator && (before.ends_with(b":") || before.trim_ascii_start() == b"-")
}

/// The same-line marker on `line`, if any.
pub fn same_line(line: &[u8]) -> Option<Allow> {
    let mut from = 0;
    while let Some(at) = find_bytes(&line[from..], b"keyhound:allow") {
        let rest = &line[from + at + b"keyhound:allow".len()..];
        if !rest.starts_with(b"-") {
            return Some(Allow {
                form: Form::KeyhoundAllow,
                rules: rule_ids(rest),
            });
        }
        from += at + 1;
    }
    let lower = line.to_ascii_lowercase();
    const OTHERS: &[(&[u8], Form)] = &[
        (b"gitleaks:allow", Form::GitleaksAllow),
        (b"pragma: allowlist secret", Form::PragmaAllowlistSecret),
        (b"trufflehog:ignore", Form::TrufflehogIgnore),
        (b"ggignore", Form::Ggignore),
    ];
    OTHERS
        .iter()
        .find(|(marker, _)| find_bytes(&lower, marker).is_some())
        .map(|&(_, form)| Allow {
            form,
            rules: Vec::new(),
        })
}

/// The next-line marker on `line` (the line before a finding), if any.
pub fn next_line(line: &[u8]) -> Option<Allow> {
    const KEYHOUND: &[u8] = b"keyhound:allow-next-line";
    if let Some(at) = find_bytes(line, KEYHOUND) {
        return Some(Allow {
            form: Form::KeyhoundAllowNextLine,
            rules: rule_ids(&line[at + KEYHOUND.len()..]),
        });
    }
    let lower = line.to_ascii_lowercase();
    find_bytes(&lower, b"pragma: allowlist nextline secret").map(|_| Allow {
        form: Form::PragmaAllowlistNextline,
        rules: Vec::new(),
    })
}

/// Rule ids right after a marker: `keyhound:allow a-rule,b-rule` or `keyhound:allow=a-rule`.
/// Only words with a `-` count, so `keyhound:allow (fake example)` allows every rule.
fn rule_ids(rest: &[u8]) -> Vec<String> {
    if !rest
        .first()
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'='))
    {
        return Vec::new();
    }
    let Some(start) = rest.iter().position(|b| !matches!(b, b' ' | b'\t' | b'=')) else {
        return Vec::new();
    };
    let tail = &rest[start..];
    let end = tail
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b',')))
        .unwrap_or(tail.len());
    String::from_utf8_lossy(&tail[..end])
        .split(',')
        .filter(|id| !id.is_empty() && id.contains('-'))
        .map(str::to_string)
        .collect()
}

fn line_start(bytes: &[u8], pos: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[..pos]).map_or(0, |i| i + 1)
}

/// The end of the line holding `pos` (the index of its `\n`, or the end of the bytes).
fn line_end(bytes: &[u8], pos: usize) -> usize {
    memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i)
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(form: Form) -> Option<Allow> {
        Some(Allow {
            form,
            rules: Vec::new(),
        })
    }

    #[test]
    fn same_line_forms() {
        assert_eq!(
            same_line(b"x = 1 # keyhound:allow"),
            all(Form::KeyhoundAllow)
        );
        assert_eq!(
            same_line(b"x = 1 // keyhound:allow github-pat-classic"),
            Some(Allow {
                form: Form::KeyhoundAllow,
                rules: vec!["github-pat-classic".into()]
            })
        );
        assert_eq!(
            same_line(b"key: v  # gitleaks:allow"),
            all(Form::GitleaksAllow)
        );
        assert_eq!(
            same_line(b"key = v  # pragma: allowlist secret"),
            all(Form::PragmaAllowlistSecret)
        );
        assert_eq!(same_line(b"# keyhound:allow-next-line"), None);
        assert_eq!(same_line(b"# pragma: allowlist nextline secret"), None);
        assert_eq!(same_line(b"nothing here"), None);
    }

    #[test]
    fn next_line_forms() {
        assert_eq!(
            next_line(b"# keyhound:allow-next-line aws-access-key-id"),
            Some(Allow {
                form: Form::KeyhoundAllowNextLine,
                rules: vec!["aws-access-key-id".into()]
            })
        );
        assert_eq!(
            next_line(b"# pragma: allowlist nextline secret"),
            all(Form::PragmaAllowlistNextline)
        );
        assert_eq!(next_line(b"# keyhound:allow"), None);
    }

    #[test]
    fn block_scalar_headers() {
        assert!(is_block_scalar_header(b"  key: |"));
        assert!(is_block_scalar_header(b"  key: >-  # keyhound:allow"));
        assert!(is_block_scalar_header(b"tls.key: |+2"));
        assert!(is_block_scalar_header(b"  - |"));
        assert!(!is_block_scalar_header(b"  key: value"));
        assert!(!is_block_scalar_header(b"  cmd: a | b"));
        assert!(!is_block_scalar_header(b"echo x |"));
    }

    #[test]
    fn a_marker_on_or_before_a_block_scalar_header_covers_the_block() {
        let block = "tls:\n  key: |\n    -----BEGIN-----\n    body\n    -----END-----\n";
        let at = |text: &str| {
            let start = text.find("-----BEGIN").expect("key");
            find(text.as_bytes(), start..text.len() - 1, "pem")
        };
        assert_eq!(at(block), None);
        let same = block.replace("key: |", "key: |  # keyhound:allow");
        assert_eq!(at(&same), all(Form::KeyhoundAllow));
        let next = block.replace("  key: |", "  # keyhound:allow-next-line\n  key: |");
        assert_eq!(at(&next), all(Form::KeyhoundAllowNextLine));
        // A marker two lines up, or on a line that is not the block's header, does not.
        let far = block.replace("tls:", "# keyhound:allow-next-line\ntls:");
        assert_eq!(at(&far), None);
    }

    #[test]
    fn any_line_of_a_multi_line_finding() {
        let text = b"a\n-----BEGIN-----\nbody\n-----END----- # keyhound:allow\nz\n";
        let start = 2;
        let end = text.len() - 20;
        assert_eq!(
            find(text, start..end, "r").map(|a| a.form),
            Some(Form::KeyhoundAllow)
        );
        let text = b"# pragma: allowlist nextline secret\n-----BEGIN-----\nbody\n-----END-----\n";
        assert_eq!(
            find(text, 36..text.len() - 1, "r").map(|a| a.form),
            Some(Form::PragmaAllowlistNextline)
        );
        assert_eq!(find(b"x\nsecret\n", 2..8, "r"), None);
    }
}
