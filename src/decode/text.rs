//! Whole-blob text views: UTF-16 transcoded to UTF-8, and classic-Mac line ends.

use std::borrow::Cow;

use super::Encoding;

/// How many leading bytes are examined to recognise UTF-16 without a byte-order mark.
const PROBE: usize = 512;

/// A blob as the matcher should see it.
pub struct TextView<'a> {
    /// The bytes to scan; spans, lines and columns refer to these.
    pub bytes: Cow<'a, [u8]>,
    /// Set when the blob was UTF-16 and `bytes` is its UTF-8 transcoding.
    pub encoding: Option<Encoding>,
}

/// The text view of a blob.
///
/// - UTF-16 (a byte-order mark followed by text with NULs, or the `x\0y\0` pattern of mostly-ASCII UTF-16 text in
///   the first 512 bytes) is transcoded to UTF-8 (unpaired surrogates become U+FFFD),
///   so lines and columns are those of the UTF-8 text.
/// - A lone CR (not followed by LF) is a line break, as in classic Mac OS text: it is
///   replaced by LF, which keeps every byte offset.
pub fn text_view(bytes: &[u8]) -> TextView<'_> {
    if let Some(encoding) = utf16(bytes) {
        let codec = match encoding {
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            _ => encoding_rs::UTF_16LE,
        };
        let body = match bytes {
            [0xFF, 0xFE, rest @ ..] | [0xFE, 0xFF, rest @ ..] => rest,
            _ => bytes,
        };
        let (text, _) = codec.decode_without_bom_handling(body);
        let mut owned = text.into_owned().into_bytes();
        lone_cr_to_lf(&mut owned);
        return TextView {
            bytes: Cow::Owned(owned),
            encoding: Some(encoding),
        };
    }
    if has_lone_cr(bytes) {
        let mut owned = bytes.to_vec();
        lone_cr_to_lf(&mut owned);
        return TextView {
            bytes: Cow::Owned(owned),
            encoding: None,
        };
    }
    TextView {
        bytes: Cow::Borrowed(bytes),
        encoding: None,
    }
}

/// Detects UTF-16 by byte-order mark (with a NUL in the first 512 bytes), or by NULs in
/// every other byte of the first 512.
fn utf16(bytes: &[u8]) -> Option<Encoding> {
    // A byte-order mark alone is weak evidence (`\xFF\xFE` also starts Latin-1 text), so
    // UTF-16 must also show a NUL byte: every line break and ASCII character has one.
    let has_nul = |from: usize| memchr::memchr(0, &bytes[from..bytes.len().min(PROBE)]).is_some();
    match bytes {
        [0xFF, 0xFE, ..] if has_nul(2) => return Some(Encoding::Utf16Le),
        [0xFE, 0xFF, ..] if has_nul(2) => return Some(Encoding::Utf16Be),
        _ => {}
    }
    let probe = &bytes[..bytes.len().min(PROBE) & !1];
    if probe.len() < 8 {
        return None;
    }
    let pairs = probe.len() / 2;
    let zero_at = |parity: usize| {
        probe
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zero_at(0), zero_at(1));
    // ASCII text in UTF-16LE is `x\0`: NULs at odd offsets, none at even ones.
    if odd * 10 >= pairs * 9 && even == 0 {
        Some(Encoding::Utf16Le)
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

fn has_lone_cr(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

fn lone_cr_to_lf(bytes: &mut [u8]) {
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for unit in text.encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
        out
    }

    #[test]
    fn utf16_with_and_without_bom() {
        for bom in [true, false] {
            let blob = utf16le("$key = \"abc\"\r\nnext line here\r\n", bom);
            let view = text_view(&blob);
            assert_eq!(view.encoding, Some(Encoding::Utf16Le));
            assert_eq!(&*view.bytes, b"$key = \"abc\"\r\nnext line here\r\n");
        }
        let mut be = vec![0xFE, 0xFF];
        for unit in "hi there".encode_utf16() {
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(&*text_view(&be).bytes, b"hi there");
    }

    #[test]
    fn lone_cr_is_a_line_break_and_crlf_is_kept() {
        assert_eq!(&*text_view(b"a\rb\r\nc").bytes, b"a\nb\r\nc");
        assert!(matches!(text_view(b"a\r\nb").bytes, Cow::Borrowed(_)));
        assert_eq!(text_view(b"plain\x00binary").encoding, None);
    }
}
