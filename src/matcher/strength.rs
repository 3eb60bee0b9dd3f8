//! Is a password in a credential file weak?
//!
//! Outside credential files a weak value (`password = "password"`) is documentation and
//! is dropped by the generic filters. In a file whose only purpose is holding credentials
//! (`.pgpass`, `.netrc`, an FTP client's site list) the file itself is the leak, so a weak
//! value is still reported; this module decides whether to flag it as weak, which lowers
//! its severity to low and adds a note.

use super::filters;

/// Fragments that make a password guessable wherever they appear in it.
const GUESSABLE_PARTS: &[&str] = &[
    "password", "passwd", "pass", "secret", "admin", "qwerty", "letmein", "welcome", "1234", "abc",
    "root", "test", "guest",
];

/// Whether `value` (a password from a credential file, not a placeholder or reference)
/// is weak: a well-known default, short, word-like, low in entropy (under `min_entropy`
/// bits per byte, default 3), or built around a guessable fragment (`pass123`, `Admin2024`).
pub fn is_weak(value: &[u8], entropy: f64, min_entropy: Option<f64>) -> bool {
    let lower = value.to_ascii_lowercase();
    filters::is_weak_password(value)
        || value.len() < 8
        || filters::is_wordlike(value)
        || entropy < min_entropy.unwrap_or(3.0)
        || GUESSABLE_PARTS
            .iter()
            .any(|p| lower.windows(p.len()).any(|w| w == p.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::entropy::shannon;

    #[test]
    fn weak_and_strong_passwords() {
        let weak = |v: &str| is_weak(v.as_bytes(), shannon(v.as_bytes()), None);
        for w in [
            "pass123",
            "hunter2",
            "Summer2024",
            "mydbpassword",
            "Admin!2024",
            "aaaabbbb",
        ] {
            assert!(weak(w), "{w}");
        }
        for s in ["Zq8!vR2m#Lw9xK", "kT8vR2mX9zQ4wL7p", "c7F#u2Lq9Wv!eR4t"] {
            assert!(!weak(s), "{s}");
        }
    }
}
