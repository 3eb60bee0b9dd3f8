//! Placeholders: values that stand in for a key (`your_api_key_here`, `[REDACTED]`, `xxxx…`,
//! `{{ token }}`).
//!
//! A generic value (anything assigned to `password`) is a placeholder when it contains a
//! stand-in word. A provider token is judged on its random body instead, where a short word
//! such as `Todo` or `FAKE` turns up by chance: there only stand-in *markers* that random
//! bodies cannot contain, long words, or words that dominate the body count.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::any_of;

/// Words that mark a generic value as a stand-in rather than a key.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "filtered",
    "masked",
    "dummy",
    "your_",
    "your-",
    "yourapi",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "insert",
    "replace",
    "xxxx",
    "****",
    "…", // a value already redacted (by keyhound or another tool)
    "...",
    "•••",
    "<",
    ">",
    "fake",
    "sample",
    "todo",
    "fixme",
];

/// Stand-in markers no random token body contains: redaction, elision, template brackets.
const MARKERS: &[&str] = &[
    "…",
    "...",
    "•••",
    "****",
    "<",
    ">",
    "{{",
    "}}",
    "${",
    "your_",
    "your-",
    "[redacted]",
    "[filtered]",
    "[masked]",
];

/// Stand-in words that can also turn up by chance in a random body: they count there only
/// when they cover a large part of it (`sk_test_FAKEFAKEFAKE…`), or, for the long ones,
/// anywhere (seven given letters in a row do not happen by chance).
const BODY_WORDS: &[&str] = &[
    "example",
    "placeholder",
    "changeme",
    "redacted",
    "replace",
    "sample",
    "insert",
    "dummy",
    "fake",
    "todo",
    "fixme",
    "test",
    "xxxx",
    "your",
    "token",
    "secret",
    "key",
];

/// A body word this long is never chance.
const LONG_WORD: usize = 7;

static PLACEHOLDERS: OnceLock<AhoCorasick> = OnceLock::new();
static PROVIDER_MARKERS: OnceLock<AhoCorasick> = OnceLock::new();
static BODY_WORD_AUTOMATON: OnceLock<AhoCorasick> = OnceLock::new();

/// Whether a generic value is obviously a placeholder.
pub fn is_placeholder(secret: &[u8]) -> bool {
    // Long random blocks (key bodies) contain short words like "todo" by chance.
    if secret.len() > 100 {
        return false;
    }
    let lower = secret.to_ascii_lowercase();
    if any_of(&PLACEHOLDERS, PLACEHOLDER_WORDS, &lower) {
        return true;
    }
    mostly_one_byte(secret) || has_run(secret, 6) || has_sequence(&lower, 5) || is_typed(&lower)
}

/// Whether a value was typed by hand rather than generated: a quarter or more of its
/// adjacent characters count up by one, spread over four or more separate runs
/// (`a123b45c6d78e9f0…`). In random text a step of +1 is one in 16 (hex) to one in 62; a
/// single run such as `abcde` can be chance, a quarter of 16 or more characters cannot.
pub fn is_typed(lower: &[u8]) -> bool {
    if lower.len() < 16 {
        return false;
    }
    let (mut steps, mut runs, mut in_run) = (0, 0, false);
    for p in lower.windows(2) {
        let step = p[0].is_ascii_alphanumeric() && p[1] == p[0] + 1;
        if step {
            steps += 1;
            if !in_run {
                runs += 1;
            }
        }
        in_run = step;
    }
    runs >= 4 && steps * 4 >= lower.len() - 1
}

/// Whether a provider token is a placeholder. `prefix` is the length of the token's fixed
/// prefix (`ghp_`, `AKIA`); the rest is its random body. Callers skip this for tokens whose
/// checksum validated: those are real by definition.
pub fn is_provider_placeholder(secret: &[u8], prefix: usize) -> bool {
    if secret.len() > 100 {
        return false;
    }
    let lower = secret.to_ascii_lowercase();
    if any_of(&PROVIDER_MARKERS, MARKERS, &lower) {
        return true;
    }
    let body = &lower[prefix.min(lower.len())..];
    if body.is_empty() {
        return false;
    }
    mostly_one_byte(body)
        || is_typed(body)
        || has_run(body, 6)
        || has_sequence(body, 8)
        || dominated_by_words(body)
}

/// Whether stand-in words cover at least 40% of `body`, or a long one occurs at all.
fn dominated_by_words(body: &[u8]) -> bool {
    let automaton = BODY_WORD_AUTOMATON.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(BODY_WORDS)
            .expect("filter words are plain literals")
    });
    let mut covered = 0;
    for m in automaton.find_overlapping_iter(body) {
        let len = m.end() - m.start();
        if len >= LONG_WORD {
            return true;
        }
        covered += len;
    }
    covered * 10 >= body.len() * 4
}

/// Words that, alone (possibly bracketed or quoted), are a masked value: `[FILTERED]`,
/// `<redacted>`, `(hidden)`.
const MASK_WORDS: &[&str] = &[
    "filtered",
    "masked",
    "redacted",
    "hidden",
    "removed",
    "omitted",
    "sensitive",
    "scrubbed",
    "censored",
    "obfuscated",
    "secret",
    "private",
    "protected",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "value",
    "password",
    "token",
    "key",
];

/// Whether a value is a mask or a template slot rather than a value: a bracketed mask word
/// (`[FILTERED]`, `<redacted>`), only mask characters (`***`, `xxxx…`, `•••`), or a whole
/// template expression (`{{ … }}`, `%(name)s`, `$(VAR)`, `#{…}`, `${…}`, `<%= … %>`).
pub fn is_mask(value: &[u8]) -> bool {
    let trimmed = trim_quotes(value.trim_ascii());
    if trimmed.is_empty() {
        return true;
    }
    const TEMPLATES: &[(&[u8], &[u8])] = &[
        (b"{{", b"}}"),
        (b"{%", b"%}"),
        (b"%(", b")s"),
        (b"%(", b")d"),
        (b"$(", b")"),
        (b"#{", b"}"),
        (b"${", b"}"),
        (b"<%", b"%>"),
        (b"@{", b"}"),
        (b"[[", b"]]"),
    ];
    if TEMPLATES
        .iter()
        .any(|(open, close)| trimmed.starts_with(open) && trimmed.ends_with(close))
    {
        return true;
    }
    let inner = trimmed
        .trim_ascii()
        .strip_prefix(b"[")
        .and_then(|s| s.strip_suffix(b"]"))
        .or_else(|| {
            trimmed
                .strip_prefix(b"<")
                .and_then(|s| s.strip_suffix(b">"))
        })
        .or_else(|| {
            trimmed
                .strip_prefix(b"(")
                .and_then(|s| s.strip_suffix(b")"))
        })
        .unwrap_or(trimmed)
        .trim_ascii();
    // Any bracketed word (`[secure]`, `<db-password>`, `(hidden value)`): a label, not a key.
    let bracketed = inner.len() < trimmed.len();
    if bracketed
        && inner.iter().any(u8::is_ascii_alphabetic)
        && inner
            .iter()
            .all(|b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'_' | b'-' | b'.'))
    {
        return true;
    }
    let lower = inner.to_ascii_lowercase();
    let word: Vec<u8> = lower
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric())
        .collect();
    if MASK_WORDS.iter().any(|w| word == w.as_bytes())
        && lower
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-'))
    {
        return true;
    }
    is_mask_characters(inner)
}

/// A value made only of masking characters (`*`, `x`, `•`, `#`, `.`), at least three.
fn is_mask_characters(value: &[u8]) -> bool {
    let text = String::from_utf8_lossy(value);
    let mut count = 0;
    for c in text.chars() {
        if !matches!(
            c,
            '*' | 'x' | 'X' | '•' | '●' | '·' | '#' | '.' | '…' | '?' | '-' | '_'
        ) {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// `value` without one pair of surrounding quotes.
fn trim_quotes(value: &[u8]) -> &[u8] {
    for q in [b'"', b'\'', b'`'] {
        if value.len() >= 2 && value[0] == q && value[value.len() - 1] == q {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// True when `n` consecutive letters or digits appear in order (`abcde`, `vwxyz`, `34567`):
/// documentation keys typed by hand, vanishingly rare in random ones.
fn has_sequence(lower: &[u8], n: usize) -> bool {
    lower.windows(n).any(|w| {
        w[0].is_ascii_alphanumeric()
            && w.windows(2)
                .all(|p| p[1] == p[0] + 1 && p[1].is_ascii_alphanumeric())
    })
}

/// True when some byte repeats `n` times in a row (`000000`, `xxxxxx`).
fn has_run(secret: &[u8], n: usize) -> bool {
    secret.windows(n).any(|w| w.iter().all(|&b| b == w[0]))
}

/// True when a single byte makes up at least 60% of a value of 8+ bytes (`aaaaaaaa`, `0000…1`).
fn mostly_one_byte(secret: &[u8]) -> bool {
    if secret.len() < 8 {
        return false;
    }
    let mut counts = [0usize; 256];
    for &b in secret {
        counts[b as usize] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0);
    max * 10 >= secret.len() * 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        for yes in [
            "[FILTERED]",
            "[MASKED]",
            "\"[REDACTED]\"",
            "<redacted>",
            "***",
            "xxxx…",
            "{{ vault_db_password }}",
            "%(db_password)s",
            "$(DB_PASSWORD)",
            "#{db_password}",
            "'<hidden>'",
            "[secure]",
            "<db-password>",
        ] {
            assert!(is_mask(yes.as_bytes()), "{yes}");
        }
        assert!(is_placeholder(
            b"a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234"
        ));
        assert!(!is_placeholder(
            b"f798ab4899346a88599180fee9e14fa1ada7b6df989425b7c6d2146dd6c815bb"
        ));
        for no in ["Vq7#mP2x!Lr9", "[a8F3kL2qZ9]", "x9Qz"] {
            assert!(!is_mask(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn provider_bodies_are_judged_as_random() {
        // Short words inside a random body are chance.
        for real in [
            "ghp_Todo8Lr0XkTz4mB9pWc7sYh1dNf6uJe3aQ2", // keyhound:allow (fake)
            "xoxb-2847-FAKE9q8Lr0XkTz4mB9pWc7sYh",
            "AKIAQ7TESTM2ZR4LX5YN", // keyhound:allow (fake)
            "AKIAJ2ABCDEQ4ZR7L5YN", // keyhound:allow (fake)
        ] {
            let prefix = real.find(['_', '-']).map_or(4, |i| i + 1);
            assert!(!is_provider_placeholder(real.as_bytes(), prefix), "{real}");
        }
        // Bodies that are the word, or dominated by it.
        for fake in [
            "AKIAIOSFODNN7EXAMPLE",
            "sk_test_FAKEFAKEFAKEFAKE1234",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_<your-token>",
        ] {
            let prefix = fake.find(['_', '-']).map_or(4, |i| i + 1);
            assert!(is_provider_placeholder(fake.as_bytes(), prefix), "{fake}");
        }
    }
}
