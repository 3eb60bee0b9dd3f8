//! Finding encoded segments in text and decoding them.
//!
//! One pass over the bytes finds runs of the base64 alphabet (hex runs are a subset);
//! runs of at least [`MIN_RUN`] characters are candidates, and so are short runs right
//! after a name that says "this value is encoded" (`"auth": "…"`, `_auth=`, `Basic `,
//! `encoding="base64">`, the values of a Kubernetes `Secret`). Escape encodings (`%2F`,
//! `\u0041`, `&#x2F;`) are found from their escape characters with `memchr`.

use std::ops::Range;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use memchr::memmem;

use super::{is_mostly_text, Encoding};

/// Shortest base64 run decoded without a naming context (15 decoded bytes).
const MIN_RUN: usize = 20;
/// Shortest hex run decoded (16 decoded bytes).
const MIN_HEX_RUN: usize = 32;
/// Shortest run decoded after a naming context (3 decoded bytes).
const MIN_CONTEXT_RUN: usize = 4;
/// A wrapped base64 block continues over lines whose run is at least this long.
const MIN_WRAPPED_LINE: usize = 40;
/// Bytes decoded first to tell text from binary before decoding a long segment.
const PROBE: usize = 64;
/// Shortest token holding percent-escapes, JSON escapes or entities worth decoding.
const MIN_ESCAPED_TOKEN: usize = 12;
/// Longest token searched for around an escape character.
const MAX_TOKEN: usize = 4096;

/// An encoded segment: where it is and how to decode it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte span in the text it was found in (a wrapped base64 block spans lines).
    pub span: Range<usize>,
    pub encoding: Encoding,
    /// The segment spans several lines; whitespace inside it is not part of the data.
    pub wrapped: bool,
    /// Where findings in it are reported: the span, or for a percent-encoded URL the
    /// components that hold escapes (the whole URL is decoded, so rules see it whole).
    pub place: Range<usize>,
}

const B64: u8 = 1;
const URL: u8 = 2;
const HEX: u8 = 4;

/// Byte classes: `B64` for the standard alphabet, `URL` for `-` and `_`, `HEX` for hex digits.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_hexdigit() {
            B64 | HEX
        } else if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
            B64
        } else if b == b'-' || b == b'_' {
            URL
        } else {
            0
        };
        c += 1;
    }
    t
};

/// The encoded segments of `bytes[region]`, in order of position.
pub fn find(bytes: &[u8], region: Range<usize>) -> Vec<Segment> {
    let mut out = Vec::new();
    let hay = &bytes[..region.end];
    runs(hay, region.start, &mut out);
    contexts(hay, region.clone(), &mut out);
    escapes(hay, region, &mut out);
    out.sort_by_key(|s| (s.span.start, s.span.end));
    out.dedup_by(|b, a| a.span == b.span);
    out
}

/// Long runs of the base64 alphabet: base64 (possibly wrapped over lines) or hex.
///
/// A run of at least [`MIN_RUN`] bytes starting anywhere in `i..i + MIN_RUN` covers byte
/// `i + MIN_RUN - 1`, so only that byte is probed; when it is outside the alphabet the
/// search skips `MIN_RUN` bytes at once. Ordinary text (short words, punctuation) is
/// thereby passed over looking at a fraction of its bytes.
fn runs(bytes: &[u8], from: usize, out: &mut Vec<Segment>) {
    let n = bytes.len();
    // Invariant: `i == from`, or `bytes[i - 1]` is outside the alphabet or ends a segment.
    let mut i = from;
    while i + MIN_RUN <= n {
        let probe = i + MIN_RUN - 1;
        if CLASS[bytes[probe] as usize] == 0 {
            i = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > i && CLASS[bytes[start - 1] as usize] != 0 {
            start -= 1;
        }
        let mut end = probe + 1;
        while end < n && CLASS[bytes[end] as usize] != 0 {
            end += 1;
        }
        if end - start >= MIN_RUN {
            end = run_segment(bytes, start, end, out);
        }
        i = end + 1;
    }
}

/// Classifies the run `bytes[start..end]` and records it; returns where scanning resumes.
fn run_segment(bytes: &[u8], start: usize, end: usize, out: &mut Vec<Segment>) -> usize {
    let n = bytes.len();
    let run = &bytes[start..end];
    let (seen, all) = run.iter().fold((0u8, B64 | URL | HEX), |(seen, all), &b| {
        let c = CLASS[b as usize];
        (seen | c, all & c)
    });
    if all & HEX != 0 {
        if run.len() >= MIN_HEX_RUN && run.len() % 2 == 0 {
            out.push(Segment {
                place: start..end,
                span: start..end,
                encoding: Encoding::Hex,
                wrapped: false,
            });
        }
        return end;
    }
    if seen & URL != 0 && has_std_only(run) {
        // Both alphabets: an identifier or a path, not base64.
        return end;
    }
    if run.starts_with(b"eyJ") && bytes.get(end) == Some(&b'.') {
        // A JWT's header (and, after it, its payload): the JWT rule judges the whole token.
        return skip_jwt(bytes, end);
    }
    let mut stop = end;
    while stop < n && stop - end < 2 && bytes[stop] == b'=' {
        stop += 1;
    }
    let mut wrapped = false;
    if stop == end && run.len() >= MIN_WRAPPED_LINE {
        if let Some(last) = wrapped_end(bytes, end) {
            wrapped = true;
            stop = last;
        }
    }
    out.push(Segment {
        place: start..stop,
        span: start..stop,
        encoding: Encoding::Base64,
        wrapped,
    });
    stop
}

/// The end of the JWT whose header run ends at `end` (its payload and signature runs).
fn skip_jwt(bytes: &[u8], mut end: usize) -> usize {
    for _ in 0..2 {
        if bytes.get(end) != Some(&b'.') {
            break;
        }
        end += 1;
        while end < bytes.len() && CLASS[bytes[end] as usize] != 0 {
            end += 1;
        }
    }
    end
}

/// Whether a run holds `+` or `/`, which URL-safe base64 does not use.
fn has_std_only(run: &[u8]) -> bool {
    run.iter().any(|&b| b == b'+' || b == b'/')
}

/// A base64 block wrapped over lines: from the end of a full first line, follow lines
/// that hold nothing but a run (after indentation); returns the end of the last one.
fn wrapped_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    let mut end = None;
    loop {
        let mut j = pos;
        if bytes.get(j) == Some(&b'\r') {
            j += 1;
        }
        if bytes.get(j) != Some(&b'\n') {
            return end;
        }
        j += 1;
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
            j += 1;
        }
        let start = j;
        while j < bytes.len() && CLASS[bytes[j] as usize] & B64 != 0 {
            j += 1;
        }
        let len = j - start;
        let mut k = j;
        while k < bytes.len() && k - j < 2 && bytes[k] == b'=' {
            k += 1;
        }
        let at_eol = k == bytes.len() || bytes[k] == b'\n' || bytes[k] == b'\r';
        if len == 0 || !at_eol {
            return end;
        }
        end = Some(k);
        if k > j || len < MIN_WRAPPED_LINE {
            // Padding or a short line ends the block.
            return end;
        }
        pos = k;
    }
}

/// Short runs that a naming context says are encoded: `"auth": "…"` and `_auth=` (Docker,
/// npm), `_password=` (npm), `Basic …` (HTTP), `encoding="base64">…` (XML configuration),
/// and the values of a Kubernetes `Secret`.
///
/// Each trigger is found with its own `memmem` pass: a few SIMD passes cost less than one
/// pass of a multi-pattern automaton on this path that every blob takes.
fn contexts(bytes: &[u8], region: Range<usize>, out: &mut Vec<Segment>) {
    let text = &bytes[region.clone()];
    let ends_name = |after: usize| {
        !bytes
            .get(after)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    for at in memmem::find_iter(text, b"auth") {
        let after = region.start + at + 4;
        let before = (region.start + at).checked_sub(1).map(|i| bytes[i]);
        if ends_name(after) && matches!(before, Some(b'"' | b'\'' | b'_')) {
            out.extend(value_run(bytes, after, 6));
        }
    }
    for at in memmem::find_iter(text, b"_password") {
        let after = region.start + at + 9;
        if ends_name(after) {
            out.extend(value_run(bytes, after, 6));
        }
    }
    for at in memmem::find_iter(text, b"asic ") {
        let b = region.start + at;
        if b > 0 && matches!(bytes[b - 1], b'B' | b'b') {
            out.extend(value_run(bytes, b + 5, 2));
        }
    }
    for at in memmem::find_iter(text, b"base64") {
        let after = region.start + at + 6;
        if bytes.get(after + 1) == Some(&b'>') && matches!(bytes[after], b'"' | b'\'') {
            out.extend(value_run(bytes, after + 2, 0));
        }
    }
    if is_kubernetes_secret(text) {
        kubernetes_values(bytes, region, out);
    }
}

/// The base64 value starting within `skip` separator bytes of `pos`, if it is a
/// whole, well-formed token of at least [`MIN_CONTEXT_RUN`] characters.
fn value_run(bytes: &[u8], pos: usize, skip: usize) -> Option<Segment> {
    let mut i = pos;
    while i < bytes.len()
        && i - pos < skip
        && matches!(bytes[i], b' ' | b'\t' | b'"' | b'\'' | b':' | b'=' | b'>')
    {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && CLASS[bytes[i] as usize] & (B64 | URL) != 0 {
        i += 1;
    }
    let len = i - start;
    while i < bytes.len() && i - start - len < 2 && bytes[i] == b'=' {
        i += 1;
    }
    let whole = i == bytes.len()
        || matches!(
            bytes[i],
            b'"' | b'\'' | b'<' | b'\r' | b'\n' | b' ' | b',' | b'}' | b';'
        );
    if !(MIN_CONTEXT_RUN..MIN_RUN).contains(&len) || !whole || (i - start) % 4 == 1 {
        return None;
    }
    Some(Segment {
        place: start..i,
        span: start..i,
        encoding: Encoding::Base64,
        wrapped: false,
    })
}

/// A Kubernetes `Secret` manifest (YAML or JSON): `kind` set to `Secret`, and data.
fn is_kubernetes_secret(text: &[u8]) -> bool {
    memmem::find_iter(text, b"Secret").any(|at| {
        let before = &text[at.saturating_sub(12)..at];
        let before = before
            .strip_suffix(b"\"")
            .unwrap_or(before)
            .trim_ascii_end();
        before.ends_with(b"kind:") || before.ends_with(b"\"kind\":")
    }) && memmem::find(text, b"data").is_some()
}

/// In a Kubernetes `Secret`, every `name: value` line's value is a base64 candidate
/// (the long ones are found anyway; this adds the short ones).
fn kubernetes_values(bytes: &[u8], region: Range<usize>, out: &mut Vec<Segment>) {
    let mut line_start = region.start;
    while line_start < region.end {
        let line_end = memchr::memchr(b'\n', &bytes[line_start..region.end])
            .map_or(region.end, |i| line_start + i);
        let line = &bytes[line_start..line_end];
        if let Some(colon) = memchr::memchr(b':', line) {
            let name = line[..colon].trim_ascii().trim_matches(|c| c == b'"');
            let is_name = !name.is_empty()
                && name
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if is_name {
                if let Some(seg) = value_run(bytes, line_start + colon + 1, 3) {
                    out.push(seg);
                }
            }
        }
        line_start = line_end + 1;
    }
}

trait TrimQuotes {
    fn trim_matches(&self, f: impl Fn(u8) -> bool) -> &[u8];
}

impl TrimQuotes for [u8] {
    fn trim_matches(&self, f: impl Fn(u8) -> bool) -> &[u8] {
        let mut s = self;
        while let [first, rest @ ..] = s {
            if !f(*first) {
                break;
            }
            s = rest;
        }
        while let [rest @ .., last] = s {
            if !f(*last) {
                break;
            }
            s = rest;
        }
        s
    }
}

/// Tokens holding percent-escapes, JS/JSON string escapes or character references.
fn escapes(bytes: &[u8], region: Range<usize>, out: &mut Vec<Segment>) {
    let text = &bytes[region.clone()];
    let mut covered = 0;
    for at in memchr::memchr3_iter(b'%', b'\\', b'&', text) {
        let pos = region.start + at;
        if pos < covered {
            continue;
        }
        let (encoding, ok) = match bytes[pos] {
            b'%' => (Encoding::Percent, is_percent_escape(&bytes[pos..])),
            b'\\' => (Encoding::Json, is_js_escape(&bytes[pos..])),
            _ => (Encoding::Entity, is_entity(&bytes[pos..])),
        };
        if !ok {
            continue;
        }
        let span = token_around(bytes, region.clone(), pos, encoding);
        covered = span.end;
        let place = if encoding == Encoding::Percent {
            url_component(bytes, span.clone())
        } else {
            span.clone()
        };
        if span.len() >= MIN_ESCAPED_TOKEN {
            out.push(Segment {
                span,
                encoding,
                wrapped: false,
                place,
            });
        }
    }
}

/// Narrows a percent-encoded token (often a whole URL) to the URL components that hold
/// escapes: from the start of the component with the first escape to the end of the one
/// with the last, components being split at `? & = / : @ #`.
fn url_component(bytes: &[u8], span: Range<usize>) -> Range<usize> {
    let token = &bytes[span.clone()];
    let is_escape = |i: usize| token[i] == b'%' && is_percent_escape(&token[i..]);
    let Some(first) = (0..token.len()).find(|&i| is_escape(i)) else {
        return span;
    };
    let last = (0..token.len())
        .rev()
        .find(|&i| is_escape(i))
        .unwrap_or(first);
    let split = |b: &u8| matches!(b, b'?' | b'&' | b'=' | b'/' | b':' | b'@' | b'#');
    let start = token[..first].iter().rposition(split).map_or(0, |i| i + 1);
    let end = token[last + 3..]
        .iter()
        .position(split)
        .map_or(token.len(), |i| last + 3 + i);
    span.start + start..span.start + end
}

fn is_percent_escape(s: &[u8]) -> bool {
    s.len() >= 3 && s[1].is_ascii_hexdigit() && s[2].is_ascii_hexdigit()
}

fn is_js_escape(s: &[u8]) -> bool {
    match s.get(1) {
        Some(b'u') => {
            s.get(2..6)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
                || s.get(2) == Some(&b'{')
        }
        Some(b'x') => s
            .get(2..4)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
        // `\/` is how JSON writers escape slashes in URLs and tokens. `\n` and `\"` alone are
        // left to the rules, which accept them inside values (PEM keys in JSON), so ordinary
        // strings with line breaks are not decoded again.
        Some(b'/') => true,
        _ => false,
    }
}

fn is_entity(s: &[u8]) -> bool {
    let end = s.iter().take(12).position(|&b| b == b';');
    match end {
        Some(e) if e >= 2 => {
            let body = &s[1..e];
            if body[0] == b'#' {
                body.len() > 1
                    && (body[1..].iter().all(u8::is_ascii_digit)
                        || (matches!(body[1], b'x' | b'X')
                            && body.len() > 2
                            && body[2..].iter().all(u8::is_ascii_hexdigit)))
            } else {
                body.iter().all(u8::is_ascii_alphabetic)
            }
        }
        _ => false,
    }
}

/// The token holding the escape at `pos`: for JS escapes the enclosing string literal,
/// otherwise the run of non-delimiter bytes.
fn token_around(
    bytes: &[u8],
    region: Range<usize>,
    pos: usize,
    encoding: Encoding,
) -> Range<usize> {
    let stop = |b: u8| match encoding {
        Encoding::Json => b == b'"' || b == b'\'' || b == b'`' || b == b'\n' || b == b'\r',
        _ => {
            b.is_ascii_whitespace()
                || matches!(
                    b,
                    b'"' | b'\'' | b'`' | b'<' | b'>' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
                )
        }
    };
    let floor = pos.saturating_sub(MAX_TOKEN).max(region.start);
    let mut start = pos;
    while start > floor {
        let b = bytes[start - 1];
        // An escaped quote is part of a JS string.
        if stop(b) && !(encoding == Encoding::Json && start >= 2 && bytes[start - 2] == b'\\') {
            break;
        }
        start -= 1;
    }
    let ceiling = (pos + MAX_TOKEN).min(region.end);
    let mut end = pos + 1;
    while end < ceiling {
        let b = bytes[end];
        if stop(b) && !(encoding == Encoding::Json && bytes[end - 1] == b'\\') {
            break;
        }
        end += 1;
    }
    start..end
}

/// Decodes a segment; `None` when it does not decode or is not mostly text.
pub fn decode(bytes: &[u8], seg: &Segment) -> Option<Vec<u8>> {
    let raw = &bytes[seg.span.clone()];
    let decoded = match seg.encoding {
        Encoding::Base64 => {
            let compact: Vec<u8>;
            let data = if seg.wrapped {
                compact = raw
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                &compact[..]
            } else {
                raw
            };
            base64(data)?
        }
        Encoding::Hex => {
            let probe = raw.len().min(PROBE);
            let mut head = vec![0u8; probe / 2];
            faster_hex::hex_decode(&raw[..probe], &mut head).ok()?;
            if !is_mostly_text(&head) {
                return None;
            }
            let mut all = vec![0u8; raw.len() / 2];
            faster_hex::hex_decode(raw, &mut all).ok()?;
            all
        }
        Encoding::Percent => percent_encoding::percent_decode(raw).collect(),
        Encoding::Json => unescape_js(raw)?,
        Encoding::Entity => {
            let text = std::str::from_utf8(raw).ok()?;
            html_escape::decode_html_entities(text)
                .into_owned()
                .into_bytes()
        }
        Encoding::Utf16Le | Encoding::Utf16Be => return None,
    };
    (decoded.len() >= 3 && decoded != raw && is_mostly_text(&decoded)).then_some(decoded)
}

/// Base64 in either alphabet, padding optional; the first bytes are checked for text
/// before the rest is decoded.
fn base64(data: &[u8]) -> Option<Vec<u8>> {
    const CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG);
    let engine = if data.iter().any(|&b| b == b'-' || b == b'_') {
        &URL_SAFE
    } else {
        &STANDARD
    };
    let body = data
        .strip_suffix(b"==")
        .or_else(|| data.strip_suffix(b"="))
        .unwrap_or(data);
    let usable = body.len() - body.len() % 4 * usize::from(body.len() % 4 == 1);
    // Eight characters (six bytes) tell most non-text apart before anything else is decoded.
    if let Some(head) = body.get(..8) {
        if !is_mostly_text(&engine.decode(head).ok()?) {
            return None;
        }
    }
    if usable > PROBE {
        let head = engine.decode(&body[..PROBE]).ok()?;
        if !is_mostly_text(&head) {
            return None;
        }
    }
    engine.decode(&body[..usable]).ok()
}

/// Undoes JavaScript/JSON string escapes; `None` on a malformed escape.
fn unescape_js(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' || i + 1 == raw.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = raw[i + 1];
        i += 2;
        let simple = match e {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'v' => Some(11),
            b'0' => Some(0),
            b'x' | b'u' => None,
            other => Some(other),
        };
        if let Some(c) = simple {
            out.push(c);
            continue;
        }
        let (digits, len) = if e == b'x' {
            (raw.get(i..i + 2)?, 2)
        } else if raw.get(i) == Some(&b'{') {
            let close = raw[i..].iter().position(|&c| c == b'}')?;
            (raw.get(i + 1..i + close)?, close + 1)
        } else {
            (raw.get(i..i + 4)?, 4)
        };
        let mut code = u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
        i += len;
        // A UTF-16 surrogate pair written as two `\u` escapes.
        if (0xD800..0xDC00).contains(&code) && raw.get(i..i + 2) == Some(b"\\u") {
            let low =
                u32::from_str_radix(std::str::from_utf8(raw.get(i + 2..i + 6)?).ok()?, 16).ok()?;
            if (0xDC00..0xE000).contains(&low) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
        }
        let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(text: &str) -> Vec<(String, Encoding)> {
        find(text.as_bytes(), 0..text.len())
            .into_iter()
            .map(|s| (text[s.span].to_string(), s.encoding))
            .collect()
    }

    fn decoded(text: &str) -> Vec<String> {
        find(text.as_bytes(), 0..text.len())
            .iter()
            .filter_map(|s| decode(text.as_bytes(), s))
            .map(|d| String::from_utf8(d).expect("text"))
            .collect()
    }

    #[test]
    fn long_runs_short_contexts_and_escapes() {
        assert_eq!(
            decoded("x = aGVsbG8gd29ybGQsIHRoaXMgaXM=\n"),
            ["hello world, this is"]
        );
        assert_eq!(decoded("{\"auth\": \"dTpw\"}"), ["u:p"]);
        assert_eq!(decoded("author: dTpw\n"), Vec::<String>::new());
        assert_eq!(decoded("Authorization: Basic dTpwYXNz\n"), ["u:pass"]);
        assert_eq!(
            decoded("k: 68656c6c6f2c20776f726c642068657821\n"),
            ["hello, world hex!"]
        );
        assert_eq!(
            decoded("u = https://h/?t=abc%2Fdef%3D%3D&x=1\n"),
            ["https://h/?t=abc/def==&x=1"]
        );
        assert_eq!(decoded(r#"s = "line\nnext \u0041\/x""#), ["line\nnext A/x"]);
        assert_eq!(decoded("<v>a&amp;b&#x2F;c&#47;d</v>"), ["a&b/c/d"]);
        // An identifier mixing both alphabets is not base64.
        assert!(segs("some/path_with_mixed-alphabets/here").is_empty());
    }

    #[test]
    fn percent_findings_are_placed_on_the_escaped_component() {
        let text = "u = https://h.example/cb?t=abc%2Fdef%3D%3D&x=1\n";
        let found = find(text.as_bytes(), 0..text.len());
        assert_eq!(
            &text[found[0].span.clone()],
            "https://h.example/cb?t=abc%2Fdef%3D%3D&x=1"
        );
        assert_eq!(&text[found[0].place.clone()], "abc%2Fdef%3D%3D");
    }

    #[test]
    fn wrapped_base64_is_one_segment() {
        let body = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2";
        let text = format!("key: |\n  {body}\n  {body}\n  d3h5eg==\nnext: 1\n");
        let found = find(text.as_bytes(), 0..text.len());
        assert_eq!(found.len(), 1);
        assert!(found[0].wrapped);
        let d = decode(text.as_bytes(), &found[0]).expect("decodes");
        assert!(String::from_utf8(d).expect("text").ends_with("uvwxyz"));
    }

    #[test]
    fn kubernetes_secret_values() {
        let text =
            "apiVersion: v1\nkind: Secret\ndata:\n  password: cGFzczEyMw==\n  user: YWRtaW4=\n";
        assert_eq!(decoded(text), ["pass123", "admin"]);
    }
}
