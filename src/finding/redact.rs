//! Redaction: the one place that decides how much of a secret anyone sees.
//!
//! Every output format gets a secret's text through [`Secret::shown`], so the
//! default everywhere is the masked form and only `--show-secrets` lifts it.

use std::fmt;

/// Characters shown at the end of a redacted secret.
const VISIBLE_TAIL: usize = 4;
/// Secrets with fewer hidden characters than this are masked completely.
const MIN_HIDDEN: usize = 16;
/// What a fully masked secret looks like (the same whatever its length).
pub const FULL_MASK: &str = "********";

/// A secret's bytes. Its `Debug` and `Display` print only the redacted form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret {
    text: String,
    /// Length of a known, non-secret prefix (e.g. `ghp_`) kept visible.
    prefix_len: usize,
}

impl Secret {
    /// Wraps a secret; `prefix_len` bytes at the start are a public format prefix.
    pub fn new(bytes: &[u8], prefix_len: usize) -> Secret {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let prefix_len = if text.is_char_boundary(prefix_len) {
            prefix_len
        } else {
            0
        };
        Secret { text, prefix_len }
    }

    /// The full secret. Call only where the user asked to see secrets.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The masked form: known prefix, an ellipsis, the last four characters.
    pub fn redacted(&self) -> String {
        redact(&self.text, self.prefix_len)
    }

    /// The full secret when `show` is set, else the redacted form; either way as data,
    /// which each writer escapes for its medium ([`crate::report::escape`]).
    pub fn shown(&self, show: bool) -> String {
        if show {
            self.text.clone()
        } else {
            self.redacted()
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Masks `text`, keeping `prefix_len` leading bytes and the last four characters.
pub fn redact(text: &str, prefix_len: usize) -> String {
    // Multi-line secrets (key blocks): keep the header line when it is a public marker.
    let prefix_len = if text.starts_with("-----BEGIN") || text.starts_with("PuTTY-User-Key") {
        text.find('\n').unwrap_or(prefix_len)
    } else {
        prefix_len
    };
    let prefix = &text[..prefix_len];
    let rest: Vec<char> = text[prefix_len..].chars().collect();
    if rest.len() < MIN_HIDDEN + VISIBLE_TAIL {
        return if prefix.is_empty() {
            FULL_MASK.to_string()
        } else {
            format!("{prefix}{FULL_MASK}")
        };
    }
    let tail: String = rest[rest.len() - VISIBLE_TAIL..].iter().collect();
    format!("{prefix}…{tail}")
}

/// A value from a user's file, quoted for an error message in its redacted form: the
/// value may be a secret put in the wrong place (`severity = "sk_live_…"`), so a message
/// names its position and never its text.
///
/// Two kinds of value are shown as they are, because no credential looks like them and the
/// message is useless without them (see [`plain_value`]): a lowercase word (a field name,
/// `provider = "acmecorp"`, `severity = "hgh"`) and a short hex string (a fingerprint
/// prefix).
pub fn quoted(value: &str) -> String {
    format!("\"{}\"", shown_in_error(value))
}

/// Whether `value` may be quoted in an error as it is: a lowercase word of at most 24
/// characters (`[a-z][a-z_.-]*`: no digit, no capital, so no token format keyhound
/// reports), or at most 12 hex digits (a fingerprint prefix). Anything else is redacted.
pub fn plain_value(value: &str) -> bool {
    let word = value.len() <= 24
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || matches!(c, '_' | '-' | '.'));
    let hex =
        !value.is_empty() && value.len() <= 12 && value.chars().all(|c| c.is_ascii_hexdigit());
    word || hex
}

fn shown_in_error(value: &str) -> String {
    if plain_value(value) {
        value.to_string()
    } else {
        redact(value, 0)
    }
}

/// What is wrong with a regex that does not compile, without the pattern: `regex`'s own
/// message quotes the pattern, and a user's regex (an allowlist entry above all) is often
/// the very secret it matches. `unclosed group`, for `regex parse error: … error: unclosed
/// group`; other errors (size limits) name no pattern and are kept.
pub fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    match text.rfind("error: ") {
        Some(i) if text.starts_with("regex parse error") => text[i + 7..].trim().to_string(),
        _ if text.starts_with("regex parse error") => "a syntax error".to_string(),
        _ => text,
    }
}

/// Redacts the quoted parts (`"…"` and `` `…` ``) of a parser's error message, which quote
/// the input, up to the word "expected" (after it come the accepted values, which are
/// the parser's own).
pub fn scrub_message(message: &str) -> String {
    let (input, expected) = match message.find("expected") {
        Some(i) => message.split_at(i),
        None => (message, ""),
    };
    let mut out = String::with_capacity(message.len());
    let mut rest = input;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[open] as char;
        let Some(len) = rest[open + 1..].find(quote) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push(quote);
        out.push_str(&shown_in_error(&rest[open + 1..open + 1 + len]));
        out.push(quote);
        rest = &rest[open + 2 + len..];
    }
    out.push_str(rest);
    out.push_str(expected);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_errors_do_not_quote_the_pattern() {
        // Built at run time: clippy rejects invalid literal regexes.
        let bad = |p: &str| regex::Regex::new(&format!("sk_live_Z63FQ8wLm2Rt7Vx4Nb9Kc1Py{p}")); // keyhound:allow (fake)
        let e = bad("(").expect_err("unclosed");
        assert_eq!(regex_error(&e), "unclosed group");
        let e = bad("[").expect_err("bad class");
        assert!(!regex_error(&e).contains("sk_live_"), "{}", regex_error(&e));
    }

    #[test]
    fn errors_show_plain_words_and_redact_the_rest() {
        assert_eq!(quoted("hgh"), "\"hgh\"");
        assert_eq!(quoted("2f63"), "\"2f63\"");
        assert_eq!(quoted("hunter2hunter"), format!("\"{FULL_MASK}\""));
        assert_eq!(
            scrub_message("unknown field `bogus_key`, expected one of `a`"),
            "unknown field `bogus_key`, expected one of `a`"
        );
        assert!(
            !scrub_message("invalid type: string \"sk_live_Z63FQ8wLm2Rt7Vx4\"").contains("Z63FQ8")
        );
    }

    #[test]
    fn keeps_prefix_and_tail() {
        let s = Secret::new(b"ghp_R4nd0mStr1ngOfThirtySixCharsx9Qa", 4);
        assert_eq!(s.redacted(), "ghp_…x9Qa");
        assert_eq!(format!("{s:?}"), "Secret(ghp_…x9Qa)");
        assert_eq!(s.shown(true), "ghp_R4nd0mStr1ngOfThirtySixCharsx9Qa");
    }

    #[test]
    fn short_secrets_are_fully_masked() {
        assert_eq!(redact("hunter2hunter", 0), FULL_MASK);
        assert_eq!(redact("AKIAABCDEFGHIJKLM", 4), "AKIA********");
    }

    #[test]
    fn messages_lose_quoted_input() {
        assert_eq!(
            scrub_message(
                "invalid type: string \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\", expected a sequence" // keyhound:allow (fake)
            ),
            "invalid type: string \"…p7dc\", expected a sequence"
        );
        assert_eq!(
            scrub_message("unknown field `hunter2`, expected one of `exclude`, `rules`"),
            "unknown field `********`, expected one of `exclude`, `rules`"
        );
        assert_eq!(quoted("hgih"), "\"hgih\"");
    }
}
