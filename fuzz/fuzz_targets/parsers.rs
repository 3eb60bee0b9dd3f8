//! The text parsers of user-named files: rule files, `.keyhound.toml` and baselines.
//! Any input is `Ok` or a clean error, never a panic.
#![no_main]

use std::path::Path;

use keyhound::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let mut rules = RuleSet::default();
    if rules.add_source("fuzz.toml", text).is_ok() {
        let _ = rules.resolve();
    }
    let _ =
        keyhound::config_file::Settings::parse(Path::new(".keyhound.toml"), text, Path::new("."));
    let _ = serde_json::from_str::<keyhound::baseline::Baseline>(text);
});
