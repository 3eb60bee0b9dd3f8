//! Decoding: the stage between sources and the matcher that finds secrets one encoding
//! step away.
//!
//! A blob is first turned into scannable text ([`text_view`]: UTF-16 transcoded to UTF-8,
//! classic-Mac CR line ends made LF). The matcher scans that text; then [`for_each_view`]
//! finds *encoded segments* in it (base64, hex, percent-encoding, JSON string escapes,
//! XML/HTML entities), decodes each, and hands the caller a [`View`]: the decoded bytes
//! framed by the text around the segment on its line, so that a rule keyed on a name
//! (`password: <base64>`) sees `password: <decoded>`. Views nest up to a depth (base64 of
//! JSON holding a base64 value is depth 2). Every finding in a view is reported at the
//! outermost segment's place in the blob.
//!
//! Cheap first: a segment is decoded only when its length and alphabet are plausible,
//! and a decoding that is not mostly printable text (images, fonts, compressed data) is
//! dropped after its first 48 bytes. The bytes decoded per blob are capped
//! ([`Limits::max_decoded`]), and only one view per nesting level is alive at a time.

pub mod segments;
mod text;

use std::ops::Range;

pub use text::text_view;

/// How many bytes of a segment's line are kept on each side of its decoded text.
const FRAME: usize = 256;

/// An encoding keyhound can undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// RFC 4648 base64, standard or URL-safe alphabet, padded or not.
    Base64,
    /// Hexadecimal, two digits per byte.
    Hex,
    /// URL percent-encoding (`%2F`).
    Percent,
    /// JSON/JavaScript string escapes (`\n`, `\u0041`, `\/`).
    Json,
    /// XML/HTML character references (`&amp;`, `&#x2F;`).
    Entity,
    /// A whole blob in UTF-16 little-endian.
    Utf16Le,
    /// A whole blob in UTF-16 big-endian.
    Utf16Be,
}

impl Encoding {
    /// The name used in reports (`"encoding": "base64>json"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
            Encoding::Json => "json",
            Encoding::Entity => "entity",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

/// Joins an encoding chain for reports: `base64>json`.
pub fn chain_name(chain: &[Encoding]) -> String {
    chain
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(">")
}

/// Bounds on the decoding work done for one blob.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Nesting depth: 0 turns decoding off, 1 decodes segments of the blob, 2 also
    /// segments inside decoded text.
    pub depth: u8,
    /// Most decoded bytes produced for one blob, all levels together.
    pub max_decoded: usize,
}

impl Limits {
    /// The default: depth 2, and at most 8 MiB or twice the blob's size decoded.
    pub fn for_blob(depth: u8, blob_len: usize) -> Limits {
        Limits {
            depth,
            max_decoded: (blob_len.saturating_mul(2)).max(8 << 20),
        }
    }
}

/// One decoded segment, framed by its line, ready for the matcher.
pub struct View<'a> {
    /// The text to scan: the segment's line before it, the decoded bytes, the line after it.
    pub bytes: &'a [u8],
    /// Where the decoded bytes sit in [`View::bytes`]; matches outside it were already
    /// seen in the enclosing text.
    pub decoded: Range<usize>,
    /// Byte span, in the blob, of the outermost encoded segment this view came from.
    pub segment: Range<usize>,
    /// Encodings undone to get here, outermost first.
    pub chain: &'a [Encoding],
}

/// Calls `visit` for every decoded view of `bytes`, depth-first, within `limits`.
pub fn for_each_view(bytes: &[u8], limits: Limits, visit: &mut dyn FnMut(&View<'_>)) {
    if limits.depth == 0 {
        return;
    }
    let mut budget = limits.max_decoded;
    let mut chain = Vec::new();
    walk(
        bytes,
        0..bytes.len(),
        None,
        &mut chain,
        limits.depth,
        &mut budget,
        visit,
    );
}

fn walk(
    bytes: &[u8],
    region: Range<usize>,
    outer: Option<&Range<usize>>,
    chain: &mut Vec<Encoding>,
    depth: u8,
    budget: &mut usize,
    visit: &mut dyn FnMut(&View<'_>),
) {
    let found = segments::find(bytes, region);
    for seg in found {
        if *budget == 0 {
            return;
        }
        let Some(decoded) = segments::decode(bytes, &seg) else {
            continue;
        };
        if decoded.len() > *budget {
            *budget = 0;
            return;
        }
        *budget -= decoded.len();
        let line = line_around(bytes, seg.span.clone());
        let mut view = Vec::with_capacity(decoded.len() + 2 * FRAME + 1);
        view.extend_from_slice(&bytes[line.start..seg.span.start]);
        let prefix = &bytes[line.start..seg.span.start];
        let is_file = memchr::memchr(b'\n', &decoded).is_some();
        if carries_name(&decoded) && (is_file || !opens_value(prefix)) {
            // Decoded text that names its own value (`DB_PASSWORD=…`, a config file) starts
            // a line of its own, so rules anchored at a line start see it as written. After
            // `name: ` or `<Pass>` a single line is that name's value, even with a `=` in it.
            view.push(b'\n');
        }
        let start = view.len();
        view.extend_from_slice(&decoded);
        let end = view.len();
        view.extend_from_slice(&bytes[seg.span.end..line.end]);
        let segment = outer.cloned().unwrap_or_else(|| seg.place.clone());
        chain.push(seg.encoding);
        visit(&View {
            bytes: &view,
            decoded: start..end,
            segment: segment.clone(),
            chain,
        });
        if depth > 1 {
            walk(
                &view,
                start..end,
                Some(&segment),
                chain,
                depth - 1,
                budget,
                visit,
            );
        }
        chain.pop();
    }
}

/// Whether decoded text starts with a name and an assignment (`export NAME=`, `name: v`,
/// `ENV NAME value`, `user:$6$…`), i.e. it carries its own context.
fn carries_name(decoded: &[u8]) -> bool {
    let text = decoded.trim_ascii_start();
    let docker_env = text.starts_with(b"ENV ");
    let text = text
        .strip_prefix(b"export ")
        .or_else(|| text.strip_prefix(b"ENV "))
        .unwrap_or(text);
    let name = text
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    let rest = &text[name..];
    let after_space = rest.trim_ascii_start();
    // `name=`, `name: value`, `user:$6$…`; but `user:password` (a Docker or Basic pair)
    // is a value, whose name is in the text before it.
    let assigns = match after_space {
        [b'=', ..] => true,
        [b':', next, ..] => next.is_ascii_whitespace() || *next == b'$',
        [b':'] => true,
        _ => false,
    };
    name >= 2 && (assigns || (docker_env && rest.first() == Some(&b' ')))
}

/// Whether the text before a segment ends by opening a value (`name: `, `key=`, `<Pass>`,
/// a quote or bracket).
fn opens_value(prefix: &[u8]) -> bool {
    matches!(
        prefix.trim_ascii_end().last(),
        Some(b'=' | b':' | b'>' | b'"' | b'\'' | b'(' | b',' | b'[' | b'{')
    )
}

/// The text on the segment's line(s) around it, at most [`FRAME`] bytes each side.
fn line_around(bytes: &[u8], span: Range<usize>) -> Range<usize> {
    let floor = span.start.saturating_sub(FRAME);
    let start =
        memchr::memrchr2(b'\n', b'\r', &bytes[floor..span.start]).map_or(floor, |i| floor + i + 1);
    let ceiling = (span.end + FRAME).min(bytes.len());
    let end =
        memchr::memchr2(b'\n', b'\r', &bytes[span.end..ceiling]).map_or(ceiling, |i| span.end + i);
    start..end
}

/// Whether decoded bytes are text worth scanning: valid UTF-8 with at most 1 in 20
/// characters a control character other than tab, CR and LF.
pub fn is_mostly_text(bytes: &[u8]) -> bool {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        // A prefix cut inside a multi-byte character is still text.
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 > bytes.len() => {
            match std::str::from_utf8(&bytes[..e.valid_up_to()]) {
                Ok(t) => t,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            control += 1;
        }
    }
    total > 0 && control * 20 <= total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn views(text: &str, depth: u8) -> Vec<(String, String, Range<usize>)> {
        let mut out = Vec::new();
        for_each_view(
            text.as_bytes(),
            Limits::for_blob(depth, text.len()),
            &mut |v| {
                out.push((
                    String::from_utf8_lossy(&v.bytes[v.decoded.clone()]).into_owned(),
                    chain_name(v.chain),
                    v.segment.clone(),
                ))
            },
        );
        out
    }

    #[test]
    fn base64_inside_base64_is_depth_two() {
        // {"auth":"dXNlcjpodW50ZXIy"} where the inner value is base64 of "user:hunter2".
        let inner = "dXNlcjpodW50ZXIy";
        let outer = "eyJhdXRoIjoiZFhObGNqcG9kVzUwWlhJeSJ9";
        let text = format!("data: {outer}\n");
        let got = views(&text, 2);
        assert_eq!(got[0].0, format!("{{\"auth\":\"{inner}\"}}"));
        assert_eq!(got[0].1, "base64");
        assert_eq!(got[1].0, "user:hunter2");
        assert_eq!(got[1].1, "base64>base64");
        assert_eq!(got[1].2, 6..6 + outer.len());
        assert_eq!(views(&text, 1).len(), 1);
        assert!(views(&text, 0).is_empty());
    }

    #[test]
    fn decoded_assignments_start_their_own_line_and_pairs_do_not() {
        assert!(carries_name(b"DATABASE_PASSWORD=Zq8v"));
        assert!(carries_name(b"  api_key: pL9mK2"));
        assert!(carries_name(b"export TOKEN=abc"));
        assert!(carries_name(b"ENV SERVICE_TOKEN kR7vT2"));
        assert!(carries_name(b"deploy:$6$salt$hash"));
        assert!(!carries_name(b"ci-deployer:727ZlvhnIU90tW1"));
        assert!(!carries_name(b"{\"auths\": {}}"));
    }

    #[test]
    fn binary_decodings_are_dropped() {
        // base64 of PNG-like bytes.
        let text = "img: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\n";
        assert!(views(text, 2).is_empty());
        assert!(!is_mostly_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(is_mostly_text("plain text, caf\u{e9}".as_bytes()));
    }
}
