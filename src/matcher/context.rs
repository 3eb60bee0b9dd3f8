//! The bytes around a match: whether a provider key ID is a whole token or a chance run
//! inside a longer base64 or hex token (a `go.sum` `h1:` digest, an SRI `integrity` value, a
//! base64 blob), and the context a generic value is judged in.

use std::ops::Range;

/// Whether the secret at `span` is a piece of a longer token rather than a token of its own.
/// The matcher asks this of secrets that start with their rule's fixed prefix.
///
/// Applies to secrets drawn from a base64 alphabet only. An alphanumeric secret (`AKIA…`,
/// `LTAI…`) is embedded when the byte before it is a base64 character (`A-Z a-z 0-9 + /`)
/// or the byte after it is one of `A-Z a-z 0-9 +`: a `/` after it alone is a path separator
/// (`X-Amz-Credential=AKIA…/20240101/…`), and `=` before it an assignment. A secret with
/// `-` or `_` (base64url) is embedded when flanked by base64url characters.
pub fn is_embedded(bytes: &[u8], span: &Range<usize>) -> bool {
    let secret = &bytes[span.clone()];
    let standard = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let url_safe = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let before = span.start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(span.end).copied();
    if secret.iter().all(u8::is_ascii_alphanumeric) {
        return before.is_some_and(standard)
            || after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'+');
    }
    if secret.iter().all(|&b| url_safe(b)) {
        return before.is_some_and(url_safe) || after.is_some_and(url_safe);
    }
    if secret.iter().all(|&b| standard(b)) {
        return before.is_some_and(standard) || after.is_some_and(standard);
    }
    false
}

/// Whether the token holding `span` (the run of non-space, non-quote bytes around it) is a
/// digest field: `h1:…`, `sha256-…`, `sha512:…`, `@sha256:…`. Lockfiles and `go.sum` files
/// are made of these, and they never hold credentials.
pub fn in_digest_token(bytes: &[u8], span: &Range<usize>) -> bool {
    let delimiter = |b: &u8| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b',');
    let floor = span.start.saturating_sub(128);
    let start = bytes[floor..span.start]
        .iter()
        .rposition(delimiter)
        .map_or(floor, |i| floor + i + 1);
    let token = bytes[start..span.start].to_ascii_lowercase();
    const DIGESTS: &[&[u8]] = &[
        b"h1:", b"sha1-", b"sha256-", b"sha384-", b"sha512-", b"sha1:", b"sha256:", b"sha384:",
        b"sha512:", b"md5-", b"md5:",
    ];
    DIGESTS
        .iter()
        .any(|d| token.starts_with(d) || memchr::memmem::find(&token, d).is_some())
}

/// The bytes of `span`'s line before it (at most `max`).
pub fn before_on_line(bytes: &[u8], start: usize, max: usize) -> &[u8] {
    let floor = start.saturating_sub(max);
    let from = memchr::memrchr(b'\n', &bytes[floor..start]).map_or(floor, |i| floor + i + 1);
    &bytes[from..start]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded(line: &str, secret: &str) -> bool {
        let start = line.find(secret).expect("secret in line");
        is_embedded(line.as_bytes(), &(start..start + secret.len()))
    }

    #[test]
    fn key_ids_inside_longer_tokens() {
        let id = "AKIAR01L40MVX0HO4PP8";
        assert!(embedded(
            "h1:ExVMWEtJMje+AKIAR01L40MVX0HO4PP8/bim6djJPEM=",
            id
        ));
        assert!(embedded("blob/AKIAR01L40MVX0HO4PP8xyz", id));
        assert!(!embedded("AWS_ACCESS_KEY_ID=AKIAR01L40MVX0HO4PP8", id));
        assert!(!embedded(
            "X-Amz-Credential=AKIAR01L40MVX0HO4PP8/20240101/us-east-1",
            id
        ));
        assert!(!embedded("\"AKIAR01L40MVX0HO4PP8\"", id));
    }

    #[test]
    fn digest_tokens() {
        let line = b"golang.org/x/sync v0.7.0 h1:UKZXBbjZ6gpkl7TBYqs+S8QQwxpYthEgFzcIiIPSkXk=";
        let at = line.len() - 20;
        assert!(in_digest_token(line, &(at..at + 10)));
        let line = b"key = \"UKZXBbjZ6gpkl7TBYqs\"";
        assert!(!in_digest_token(line, &(7..17)));
    }
}
