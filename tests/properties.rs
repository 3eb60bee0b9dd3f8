//! Property tests (proptest, stable Rust): every stage that reads untrusted bytes or text
//! is fed arbitrary input and must neither panic nor report a position outside it.
//!
//! - the whole per-blob scan (text view, matcher, decoders, finding builder): every
//!   finding's offset lies in the scanned text, and its line and column are the 1-based
//!   position of that offset, counted independently here;
//! - the decoders: segment spans and decoded views stay inside their input, also for
//!   arbitrary bytes base64-, hex- or percent-encoded and embedded in text;
//! - the rule loader, the `.keyhound.toml` parser and the baseline parser: arbitrary
//!   TOML-ish or JSON-ish text is `Ok` or a clean error;
//! - the location mapper: spans agree with a naive line count.
//!
//! Case counts are kept small (`CASES`) so that a debug `cargo test` stays quick; set
//! `PROPTEST_CASES` to run more.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use base64::Engine;
use keyhound::decode::{self, segments, Limits};
use keyhound::finding::location::LineIndex;
use keyhound::finding::Stats;
use keyhound::matcher::{Matcher, Scratch};
use keyhound::messages::Messages;
use keyhound::pipeline::{self, Context};
use keyhound::progress::Progress;
use keyhound::rules::RuleSet;
use proptest::prelude::*;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 128;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The built-in rules' matcher, built once.
fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Arc::new(RuleSet::builtin().expect("built-in rules"))))
}

/// Fragments that wake rules and decoders up: keywords, token prefixes, assignments,
/// quotes, escapes, key-block markers and line ends.
const FRAGMENTS: &[&str] = &[
    "ghp_",
    "github_pat_",
    // Fake keys of the right shape (never real), so that findings are frequent.
    "AKIAQ3EGV7RX2M4TZK5W",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Qw2Lm8R",
    "aws_secret_access_key = \"Wq8rT2vLx9Zp4Kd7Nm3Bh6Fj1Gc5Ys0Ue8Ai2Ro\"\n",
    "QUtJQVEzRUdWN1JYMk00VFpLNVc=",
    "AKIA",
    "aws_secret_access_key = ",
    "sk_live_",
    "xoxb-",
    "password=",
    "PASSWORD: \"",
    "api_key",
    "token",
    "secret",
    "Bearer ",
    "Basic ",
    "\"auth\": \"",
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "-----END RSA PRIVATE KEY-----\n",
    "https://user:",
    "@example.com/",
    "%2F",
    "\\u0041",
    "&amp;",
    "eyJhbGciOiJIUzI1NiJ9.",
    "=",
    "\"",
    "'",
    "\n",
    "\r\n",
    "\r",
    " ",
];

/// Text built from fragments, random alphanumeric runs and arbitrary bytes.
fn hostile_text() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => proptest::sample::select(FRAGMENTS).prop_map(|s| s.as_bytes().to_vec()),
        3 => "[A-Za-z0-9+/_-]{1,60}".prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..40),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Any bytes, or hostile text.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        hostile_text()
    ]
}

/// The 1-based line and column (in bytes) of `offset` in `text`, counted naively.
fn naive_position(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

/// Scans `bytes` as one blob, as every source does, with decoding on.
fn scan(bytes: &[u8]) -> Vec<keyhound::finding::BlobFinding> {
    let messages = Messages::new(true);
    let progress = Progress::new(false);
    let ctx = Context {
        matcher: matcher(),
        messages: &messages,
        progress: &progress,
        max_file_size: u64::MAX,
        decode_depth: 2,
    };
    let mut stats = Stats::default();
    pipeline::scan_blob(
        &ctx,
        bytes,
        Some("config/app.env"),
        &mut Scratch::default(),
        &mut stats,
    )
}

/// Checks every finding of `bytes`: its offset is inside the text the scan saw, and its
/// span is the naive position of that offset, ending at or after it. Returns how many
/// findings there were.
fn check_findings(bytes: &[u8]) -> Result<usize, TestCaseError> {
    let view = decode::text_view(bytes);
    let text = &*view.bytes;
    let findings = scan(bytes);
    for f in &findings {
        prop_assert!(
            f.offset <= text.len(),
            "offset {} of {}",
            f.offset,
            text.len()
        );
        let (line, column) = naive_position(text, f.offset);
        prop_assert_eq!(
            (f.span.line, f.span.column),
            (line, column),
            "{}",
            f.rule_id
        );
        prop_assert!(f.span.end_line >= f.span.line);
        prop_assert!(f.span.end_line > f.span.line || f.span.end_column >= f.span.column);
        prop_assert!(f.span.end_line <= 1 + text.iter().filter(|&&b| b == b'\n').count());
    }
    Ok(findings.len())
}

/// The properties are not vacuous: the generated text holds findings (plain, on later
/// lines, and decoded from base64), and they pass the same checks.
#[test]
fn the_checks_see_findings() {
    let text = b"x\r\nkey: AKIAQ3EGV7RX2M4TZK5W\n\tid = \"QUtJQVEzRUdWN1JYMk00VFpLNVc=\"\n";
    let found = check_findings(text).expect("valid spans");
    assert_eq!(found, 2);
    let spans: Vec<(usize, usize)> = scan(text)
        .iter()
        .map(|f| (f.span.line, f.span.column))
        .collect();
    assert_eq!(spans, [(2, 6), (3, 8)]);
}

proptest! {
    #![proptest_config(config())]

    /// The matcher (through the whole per-blob scan) never panics, and every finding's
    /// position is valid.
    #[test]
    fn matcher_spans_are_valid(bytes in input()) {
        check_findings(&bytes)?;
    }

    /// Raw matches lie inside the input, secret inside its context, for text and binary.
    #[test]
    fn raw_matches_lie_inside_the_input(bytes in input(), binary in any::<bool>()) {
        let content = if binary {
            keyhound::matcher::Content::Binary
        } else {
            keyhound::matcher::Content::Text
        };
        let matches = matcher().scan(&bytes, content, None, &mut Scratch::default());
        for m in matches {
            prop_assert!(m.secret.start <= m.secret.end && m.secret.end <= bytes.len());
            prop_assert!(m.context.start <= m.secret.start && m.secret.end <= m.context.end);
            prop_assert!(m.context.end <= bytes.len());
        }
    }

    /// The decoders never panic on arbitrary bytes: segments lie inside the region they
    /// were looked for in, and every decoded view frames its decoded bytes and points at
    /// a segment of the blob.
    #[test]
    fn decoders_keep_spans_inside_their_input(bytes in input(), depth in 1u8..=3) {
        check_decoders(&bytes, depth)?;
    }

    /// Arbitrary bytes, base64-, hex- or percent-encoded and embedded in text, decode
    /// without panicking, with valid spans, and scan with valid positions; a long enough
    /// base64 or hex encoding is found as a segment covering it.
    #[test]
    fn encoded_bytes_embedded_in_text(
        payload in proptest::collection::vec(any::<u8>(), 0..200),
        encoding in 0..4usize,
        before in hostile_text(),
        after in hostile_text(),
    ) {
        let encoded = match encoding {
            0 => base64::engine::general_purpose::STANDARD.encode(&payload),
            1 => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload),
            2 => payload.iter().map(|b| format!("{b:02x}")).collect(),
            _ => payload.iter().map(|b| format!("%{b:02X}")).collect(),
        };
        let mut text = before.clone();
        text.extend_from_slice(b"\nvalue = \"");
        let start = text.len();
        text.extend_from_slice(encoded.as_bytes());
        let end = text.len();
        text.extend_from_slice(b"\"\n");
        text.extend_from_slice(&after);
        check_decoders(&text, 2)?;
        check_findings(&text)?;
        // Runs of the base64 alphabet of 20 characters or more are always candidates.
        if encoding < 3 && encoded.len() >= 40 {
            let found = segments::find(&text, 0..text.len());
            prop_assert!(
                found.iter().any(|s| s.span.start <= start + 20 && end - 20 <= s.span.end),
                "{encoded} at {start}..{end} not in {found:?}"
            );
        }
    }

    /// The location mapper agrees with a naive count for any increasing or decreasing
    /// sequence of offsets, and spans end at or after they start.
    #[test]
    fn line_index_agrees_with_a_naive_count(
        bytes in input(),
        picks in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..80), 0..20),
    ) {
        let mut index = LineIndex::new(&bytes);
        for (pick, len) in picks {
            let start = pick.index(bytes.len() + 1);
            let end = (start + len).min(bytes.len());
            let (line, column, line_start) = index.locate(start);
            prop_assert_eq!((line, column), naive_position(&bytes, start));
            prop_assert!(line_start <= start);
            let span = index.span(start, end);
            prop_assert_eq!((span.line, span.column), naive_position(&bytes, start));
            let last = end.saturating_sub(1).max(start);
            let (end_line, end_col) = naive_position(&bytes, last);
            prop_assert_eq!(span.end_line, end_line);
            prop_assert_eq!(span.end_column, end_col + usize::from(end > start));
        }
        if !bytes.is_empty() {
            for offset in [0, bytes.len() / 2, bytes.len() - 1] {
                let range = keyhound::finding::location::line_bounds(&bytes, offset);
                prop_assert!(range.start <= range.end && range.end <= bytes.len());
            }
        }
    }

    /// The rule loader turns any TOML-ish text into rules or a clean error.
    #[test]
    fn rule_files_load_or_fail_cleanly(text in toml_ish(RULE_WORDS)) {
        let mut set = RuleSet::default();
        if set.add_source("fuzz.toml", &text).is_ok() {
            let _ = set.resolve();
        }
    }

    /// `.keyhound.toml` parsing and validation never panic.
    #[test]
    fn config_files_parse_or_fail_cleanly(text in toml_ish(CONFIG_WORDS)) {
        let _ = keyhound::config_file::Settings::parse(
            Path::new(".keyhound.toml"),
            &text,
            Path::new("."),
        );
    }

    /// A baseline of any JSON-ish text loads or fails with a clean error.
    #[test]
    fn baselines_load_or_fail_cleanly(text in json_ish()) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, &text).expect("write");
        let _ = keyhound::baseline::Baseline::load(&path);
    }
}

/// Checks the decoders' spans on `bytes` at nesting `depth`.
fn check_decoders(bytes: &[u8], depth: u8) -> Result<(), TestCaseError> {
    let segs = segments::find(bytes, 0..bytes.len());
    for s in &segs {
        prop_assert!(
            s.span.start <= s.span.end && s.span.end <= bytes.len(),
            "{s:?}"
        );
        prop_assert!(
            s.place.start <= s.place.end && s.place.end <= bytes.len(),
            "{s:?}"
        );
        let _ = segments::decode(bytes, s);
    }
    if bytes.len() > 8 {
        let region = bytes.len() / 4..bytes.len() - 2;
        for s in segments::find(bytes, region.clone()) {
            prop_assert!(s.span.end <= bytes.len(), "{s:?} for {region:?}");
        }
    }
    let mut failure = None;
    decode::for_each_view(bytes, Limits::for_blob(depth, bytes.len()), &mut |view| {
        let ok = view.decoded.start <= view.decoded.end
            && view.decoded.end <= view.bytes.len()
            && view.segment.start <= view.segment.end
            && view.segment.end <= bytes.len()
            && !view.chain.is_empty()
            && view.chain.len() <= usize::from(depth);
        if !ok && failure.is_none() {
            failure = Some(format!(
                "view {:?} of {} bytes, segment {:?} of {}, chain {:?}",
                view.decoded,
                view.bytes.len(),
                view.segment,
                bytes.len(),
                view.chain
            ));
        }
    });
    prop_assert!(failure.is_none(), "{}", failure.unwrap_or_default());
    Ok(())
}

/// Keys and values that rule files use, so that generated text gets past the parser.
const RULE_WORDS: &[&str] = &[
    "[[rules]]",
    "[[providers]]",
    "id",
    "name",
    "provider",
    "regex",
    "keywords",
    "severity",
    "confidence",
    "examples",
    "negatives",
    "paths",
    "exclude",
    "requires",
    "min_entropy",
    "checksum",
    "entropy",
    "credential_file",
    "example_path",
    "decoded_only",
    "\"critical\"",
    "\"high\"",
    "\"github\"",
    "\"x\"",
    "'(?P<secret>[a-z]{4,})'",
    "'(['",
    "\"(?i)key\"",
    "[\"ghp_\", \"key\"]",
    "[]",
    "3.5",
    "-1",
    "true",
];

/// Keys and values of `.keyhound.toml`.
const CONFIG_WORDS: &[&str] = &[
    "[allowlist]",
    "[rules]",
    "[scan]",
    "exclude",
    "paths",
    "regexes",
    "fingerprints",
    "extra",
    "disable",
    "severity",
    "min_entropy",
    "max_file_size",
    "decode_depth",
    "\"*.lock\"",
    "\"[\"",
    "\"**/\"",
    "\"64M\"",
    "\"-1K\"",
    "[\"a\", \"b\"]",
    "{ github-pat = \"low\" }",
    "0",
    "99999999999999999999",
    "true",
];

/// TOML-ish text: lines of `key = value` and table headers from `words`, with arbitrary
/// strings mixed in.
fn toml_ish(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    let word = prop_oneof![
        4 => proptest::sample::select(words).prop_map(String::from),
        1 => ".{0,12}",
    ];
    let line = prop_oneof![
        3 => (word.clone(), word.clone()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => word,
        1 => "[^\n]{0,30}",
    ];
    proptest::collection::vec(line, 0..20).prop_map(|lines| lines.join("\n"))
}

/// JSON-ish text: a baseline's shape with arbitrary values, or arbitrary text.
fn json_ish() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("\"open\"".to_string()),
        Just("\"rotated\"".to_string()),
        Just("1".to_string()),
        Just("null".to_string()),
        Just("[]".to_string()),
        "\"[^\"\\\\]{0,20}\"",
        "-?[0-9]{1,25}",
        ".{0,10}",
    ];
    let key = proptest::sample::select(vec![
        "fingerprint",
        "rule",
        "provider",
        "status",
        "note",
        "first_seen",
        "locations",
        "path",
        "line",
        "extra",
    ]);
    let entry = proptest::collection::vec((key, value.clone()), 0..8).prop_map(|fields| {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!("{{{}}}", body.join(", "))
    });
    prop_oneof![
        (value, proptest::collection::vec(entry, 0..4)).prop_map(|(version, entries)| format!(
            "{{\"version\": {version}, \"entries\": [{}]}}",
            entries.join(", ")
        )),
        ".{0,200}",
    ]
}
