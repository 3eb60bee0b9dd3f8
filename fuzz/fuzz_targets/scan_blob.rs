//! One blob through the whole per-blob scan (text view, matcher, decoders to depth 2,
//! finding builder): no input may panic, and every finding lies inside the text.
#![no_main]

use std::sync::{Arc, OnceLock};

use keyhound::matcher::{Matcher, Scratch};
use keyhound::messages::Messages;
use keyhound::pipeline::{self, Context, Stats};
use keyhound::progress::Progress;
use keyhound::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Arc::new(RuleSet::builtin().expect("built-in rules"))))
}

fuzz_target!(|bytes: &[u8]| {
    let messages = Messages::new(true);
    let progress = Progress::new(false);
    let ctx = Context {
        matcher: matcher(),
        messages: &messages,
        progress: &progress,
        max_file_size: u64::MAX,
        decode_depth: 2,
    };
    let text = keyhound::decode::text_view(bytes);
    let findings = pipeline::scan_blob(
        &ctx,
        bytes,
        Some("config/app.env"),
        &mut Scratch::default(),
        &mut Stats::default(),
    );
    for f in findings {
        assert!(f.offset <= text.bytes.len());
        assert!(f.span.line >= 1 && f.span.column >= 1);
        assert!(f.span.end_line >= f.span.line);
    }
});
