//! Matcher benchmarks: rule-set start-up and throughput (bytes per second) on two
//! corpora built from this repository: realistic code with no secrets (the crate's own
//! sources) and text dense with secrets (every rule's positive examples between code lines).
//!
//! Run with `cargo bench --bench matcher`; save a baseline before optimising with
//! `cargo bench --bench matcher -- --save-baseline before`. Set `KEYHOUND_BENCH_CORPUS=DIR`
//! to build the clean corpus from the text files of DIR instead (e.g. a checkout of a large
//! open-source project): this crate's own sources are unusually dense in words like "secret".

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyhound::matcher::{Content, Matcher, Scratch};
use keyhound::rules::RuleSet;

/// About 8 MiB of text: `KEYHOUND_BENCH_CORPUS`'s files, or this crate's Rust sources, repeated.
fn clean_corpus() -> Vec<u8> {
    let mut one = Vec::new();
    let external = std::env::var_os("KEYHOUND_BENCH_CORPUS");
    let root = external
        .clone()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/src").into());
    let external = external.is_some();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if !path.ends_with(".git") {
                    stack.push(path);
                }
            } else if external || path.extension().is_some_and(|e| e == "rs") {
                let bytes = std::fs::read(&path).expect("corpus file is readable");
                if !bytes[..bytes.len().min(8192)].contains(&0) && one.len() < 64 << 20 {
                    one.extend(bytes);
                }
            }
        }
    }
    repeat_to(&one, 8 << 20)
}

/// Every rule's examples, each followed by ten lines of code, repeated to about 8 MiB.
fn dense_corpus(rules: &RuleSet) -> Vec<u8> {
    let code = clean_corpus();
    let mut lines = code.split(|&b| b == b'\n').cycle();
    let mut one = Vec::new();
    for rule in &rules.rules {
        for example in &rule.examples {
            one.extend_from_slice(example.as_bytes());
            one.push(b'\n');
            for _ in 0..10 {
                one.extend_from_slice(lines.next().expect("cycle never ends"));
                one.push(b'\n');
            }
        }
    }
    repeat_to(&one, 8 << 20)
}

fn repeat_to(one: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + one.len());
    while out.len() < size {
        out.extend_from_slice(one);
    }
    out
}

fn startup(c: &mut Criterion) {
    c.bench_function("startup/load+prefilter", |b| {
        b.iter(|| {
            let set = RuleSet::builtin().expect("built-in rules load");
            black_box(Matcher::new(Arc::new(set)))
        })
    });
    let set = RuleSet::builtin().expect("built-in rules load");
    c.bench_function("startup/compile-all-regexes", |b| {
        b.iter(|| {
            for rule in &set.rules {
                black_box(rule.regex.compile().expect("built-in regexes compile"));
            }
        })
    });
}

fn throughput(c: &mut Criterion) {
    let set = RuleSet::builtin().expect("built-in rules load");
    let dense = dense_corpus(&set);
    let matcher = Matcher::new(Arc::new(set));
    let clean = clean_corpus();
    let mut group = c.benchmark_group("scan");
    group.sample_size(20);
    for (name, corpus) in [("clean-code", &clean), ("dense-secrets", &dense)] {
        group.throughput(Throughput::Bytes(corpus.len() as u64));
        group.bench_function(name, |b| {
            let mut scratch = Scratch::default();
            b.iter(|| {
                black_box(
                    matcher
                        .scan(corpus, Content::Text, None, &mut scratch)
                        .len(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, startup, throughput);
criterion_main!(benches);
