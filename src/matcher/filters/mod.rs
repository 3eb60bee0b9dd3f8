//! Filters that reject matches which have a secret's shape but are not secrets:
//! documented examples, placeholders, references to variables, digests, UUIDs,
//! weak demo passwords, and names that contain a secret-ish word but hold a setting.
//!
//! Placeholders ([`placeholder`]) are judged for every rule, but differently: a generic
//! value is a placeholder when it contains a stand-in word, while a provider token's random
//! body is one only when the word *dominates* it (a short word inside 30 random characters is
//! chance). Names ([`names`]) and the value checks ([`values`]) apply to generic rules only,
//! where the regex knows little about the value; they see the value's context (its variable
//! name and what precedes it on the line) so that hex is judged by what it is assigned to.

mod names;
mod placeholder;
mod values;

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

pub use names::{name_verdict, NameVerdict};
pub use placeholder::{is_mask, is_placeholder, is_provider_placeholder, is_typed};
pub use values::{is_reference, is_structured_non_secret, is_uuid, is_weak_password, is_wordlike};

use super::entropy::shannon as entropy_of;

/// Whether `haystack` contains any of `words`: one automaton pass instead of one
/// substring search per word (these run on every candidate match).
fn any_of(cell: &OnceLock<AhoCorasick>, words: &[&str], haystack: &[u8]) -> bool {
    cell.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(words)
            .expect("filter words are plain literals")
    })
    .is_match(haystack)
}

/// Where a generic value was found: the variable it is assigned to (when the rule captures
/// one) and the bytes before it on its line. Used to tell a digest from a key of the same shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueContext<'a> {
    /// The captured variable name (`client_secret`, `sha256`), if the rule has one.
    pub name: Option<&'a [u8]>,
    /// Up to a line's worth of bytes right before the value.
    pub before: &'a [u8],
}

/// What the generic value checks concluded about a value they did not reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenericValue {
    /// Long, random and assigned to a name that says secret: worth medium confidence.
    pub strong: bool,
}

/// All checks a generic rule's value goes through; `None` means "reject".
///
/// `verdict` is what the name filter said about the variable name ([`NameVerdict::Secret`]
/// when the rule has no name group); a [`NameVerdict::Key`] name (a bare `key`) only keeps
/// values that are unmistakably random.
pub fn check_generic_value(
    secret: &[u8],
    min_entropy: Option<f64>,
    context: ValueContext<'_>,
    verdict: NameVerdict,
) -> Option<GenericValue> {
    if is_placeholder(secret) || is_mask(secret) {
        return None;
    }
    let entropy = entropy_of(secret);
    // Hex: both digits and letters a-f (all digits is a number, not a key), 20 or more of
    // them (shorter ones are ids and abbreviated hashes).
    let hex = secret.iter().all(u8::is_ascii_hexdigit)
        && secret.iter().any(u8::is_ascii_digit)
        && secret.iter().any(u8::is_ascii_alphabetic);
    if hex && secret.len() >= 20 {
        // Hex is judged by context, not length: a 64-hex HMAC key and a sha256 digest look
        // the same; what they are assigned to tells them apart.
        let lower = secret.to_ascii_lowercase();
        if values::digest_context(context) || has_sequence(&lower, 6) || is_typed(&lower) {
            return None;
        }
        let random = secret.len() >= 32 && entropy >= 3.0;
        return match verdict {
            NameVerdict::Not => None,
            NameVerdict::Key if !random => None,
            _ => Some(GenericValue {
                strong: verdict == NameVerdict::Secret && random,
            }),
        };
    }
    if verdict == NameVerdict::Not {
        return None;
    }
    let lower = secret.to_ascii_lowercase();
    // A value that spells out what it is ("webdavgeneratedpassword2", "my-secret-token").
    const SELF_DESCRIBING_WORDS: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "localhost",
        "127.0.0.1",
    ];
    static SELF_DESCRIBING: OnceLock<AhoCorasick> = OnceLock::new();
    let rejected = any_of(&SELF_DESCRIBING, SELF_DESCRIBING_WORDS, &lower)
        || has_sequence(&lower, 4)
        || secret.len() < 8
        || is_weak_password(secret)
        || is_reference(secret)
        || is_structured_non_secret(secret)
        || is_wordlike(secret)
        || entropy < min_entropy.unwrap_or(3.0);
    if rejected || base64_of_a_non_secret(secret) {
        return None;
    }
    let long_random = secret.len() >= 20 && entropy >= 4.0;
    if verdict == NameVerdict::Key {
        // A bare `key` holds anything from a cache key to a translation id: only a long
        // value drawn from a large alphabet counts.
        let classes = [
            secret.iter().any(u8::is_ascii_digit),
            secret.iter().any(u8::is_ascii_uppercase),
            secret.iter().any(u8::is_ascii_lowercase),
        ]
        .iter()
        .filter(|&&c| c)
        .count();
        if secret.len() < 32 || entropy < 4.2 || classes < 3 {
            return None;
        }
    }
    Some(GenericValue {
        strong: verdict == NameVerdict::Secret && long_random,
    })
}

/// Whether `secret` is base64 of text that would itself be rejected: a weak or demo password,
/// a placeholder, a word (Kubernetes Secret manifests hold `password: cGFzc3dvcmQ=`).
fn base64_of_a_non_secret(secret: &[u8]) -> bool {
    let Some(text) = values::base64_text(secret) else {
        return false;
    };
    let lower = text.to_ascii_lowercase();
    text.len() < 8
        || is_placeholder(&text)
        || is_mask(&text)
        || is_weak_password(&text)
        || is_reference(&text)
        || is_wordlike(&text)
        || has_sequence(&lower, 4)
        || ["password", "secret", "example", "test"]
            .iter()
            .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn generic(value: &str, name: &str) -> bool {
        let context = ValueContext {
            name: Some(name.as_bytes()),
            before: b"",
        };
        check_generic_value(
            value.as_bytes(),
            Some(3.0),
            context,
            name_verdict(name.as_bytes()),
        )
        .is_some()
    }

    #[test]
    fn names() {
        for yes in [
            "DB_PASSWORD",
            "apiKey",
            "x-api-key",
            "client_secret",
            "GITHUB_TOKEN",
            "secret_key_base",
            "authToken",
            "passwd",
            "hmac_key",
        ] {
            assert_eq!(name_verdict(yes.as_bytes()), NameVerdict::Secret, "{yes}");
        }
        for key in ["key", "other_key", "KEY"] {
            assert_eq!(name_verdict(key.as_bytes()), NameVerdict::Key, "{key}");
        }
        for no in [
            "PASSWORD_POLICY",
            "TOKEN_ISSUER",
            "SIGNING_KEY_ID",
            "cache_key",
            "tokenizer",
            "author",
            "monkey",
            "token_type",
            "passwordHash",
            "gpg_key",
            "public_key",
        ] {
            assert_eq!(name_verdict(no.as_bytes()), NameVerdict::Not, "{no}");
        }
    }

    #[test]
    fn values() {
        for (name, no) in [
            ("api_key", "your_api_key_here"),
            ("api_key", "${API_KEY}"),
            ("token", "process.env.TOKEN"),
            ("password", "changeme"),
            ("token", "xxxxxxxxxxxx"),
            ("api_key", "REDACTED"),
            ("api_key", "[FILTERED]"),
            ("password", "password"),
            ("token", "123e4567-e89b-12d3-a456-426614174000"),
            ("token", "sha512-abc"),
            ("token", "strict"),
            ("password", "config.db.password"),
            ("token", "$API_TOKEN"),
            (
                "sha256",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            ),
            ("private-key", "classpath:ssl/test-client.key"),
            ("password", "cGFzc3dvcmQ="),
            ("secret", "ZXhhbXBsZS1hcHAtc2VjcmV0"),
            ("token", "foo/system:masters"),
            ("password", "console123"),
            ("htpasswd", "registry_user:$2y$10$9L4Tc0DJbFFMB6RdSCunrO"),
        ] {
            assert!(!generic(no, name), "{name} = {no}");
        }
        for (name, yes) in [
            ("password", "Vq7#mP2x!Lr9"),   // keyhound:allow (fake)
            ("token", "a8F3kL2qZ9xW4mN7"),  // keyhound:allow (fake)
            ("secret", "hK8s2Lp0Qw9Zx3Mv"), // keyhound:allow (fake)
            (
                "hmac_key",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            ),
            (
                "key",
                "0f2cf6f1ecc5cbac8a706726f25691b9968b2791982f198affb631e80402a8e3",
            ),
            // base64 of random bytes, and base64 of a random password: both kept.
            ("secret_key", "a25mQ1FHTUh3MnFRSk5KMEIyVVU2YmN0VGRyYTVXY08="),
            (
                "password",
                "0vs9p6l8PTYc1aoHA8EEwVg2YMWq7q6WgN6nhnD5JuLOcLjk",
            ),
        ] {
            assert!(generic(yes, name), "{name} = {yes}");
        }
    }
}
