//! Measures start-up: parse and check every built-in rule, build the matcher, scan a line.
#![allow(clippy::print_stderr)]
fn main() {
    let t = std::time::Instant::now();
    for (_, text) in keyhound::rules::builtin::FILES {
        let _: toml::Value = toml::from_str(text).unwrap();
    }
    eprintln!("toml only {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for (_, text) in keyhound::rules::builtin::FILES {
        let v: toml::Value = toml::from_str(text).unwrap();
        for r in v
            .get("rule")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default()
        {
            let _ = keyhound::rules::LazyRegex::new(r["regex"].as_str().unwrap());
        }
    }
    eprintln!("toml+hir {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let set = keyhound::rules::RuleSet::builtin().expect("built-in rules load");
    let loaded = t.elapsed();
    let m = keyhound::matcher::Matcher::new(std::sync::Arc::new(set));
    let built = t.elapsed();
    let mut s = keyhound::matcher::Scratch::default();
    let r = m.scan(
        b"password = \"Zq8!vR2m#Lw9xK\"",
        keyhound::matcher::Content::Text,
        None,
        &mut s,
    );
    eprintln!(
        "load {loaded:?}, matcher {built:?}, first scan {:?} ({} match)",
        t.elapsed(),
        r.len()
    );
}
#[allow(dead_code)]
fn parts() {}
