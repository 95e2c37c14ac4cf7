//! Per-stage timing of the pipeline, on one thread.
//!
//! ```text
//! cargo run --release --example stages -- [DIR] [--gazetteer DIR]
//! ```
//!
//! Runs every document of `DIR` (default `bench/out/corpus`) through the same chain as
//! `marginalia::pipeline::process`, timing each stage separately:
//!
//! * `read+decode`: `read::read` (file read, sha256, NUL/CRLF scan, UTF-8 validation);
//! * `normalise`: splitting into lines and `Normalizer::line` on each;
//! * `classify`: `strip::classify_in` (rule patterns, header shapes, quotes, repeated lines, captions, the learned
//!   line classifier, headings, shortcodes), with the first pass that counts line shapes across the documents
//!   (`pipeline::corpus_evidence`);
//! * `segment`: `segment::segment`;
//! * `tag`: `entities::Matcher::tag_document` over the segment texts (entity mentions);
//! * `write`: `write::document_output` (record building and JSON serialisation, in memory; no file I/O);
//! * `suggest`: `entities::Matcher::suggestions` on every segment (candidate names for the gazetteer).
//!
//! Freeing each document's intermediate data is not attributed to any stage.
//!
//! Throughput is input bytes (MB = 10^6 bytes) divided by the time spent in the stage. The serialised streams are
//! hashed (outside the timed sections) and printed as `stream NAME BYTES SHA256`, so that `bench/run.sh` can check
//! that this chain produces exactly what the `marginalia` binary writes. If `pipeline::process` gains or loses a
//! step, this file must follow.

use marginalia::clean::segment::segment;
use marginalia::clean::strip::corpus::CorpusLines;
use marginalia::clean::strip::{classify_in, DocKind};
use marginalia::output::write::{document_output, failed_output, DocOutput, STREAMS};
use marginalia::pipeline::{self, Data};
use marginalia::text::read::{self, RawDoc};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const STAGES: [&str; 7] = ["read+decode", "normalise", "classify", "segment", "tag+claims", "write", "suggest"];

fn main() -> ExitCode {
    let mut dir = PathBuf::from("bench/out/corpus");
    let mut gazetteer = PathBuf::from("gazetteer");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--gazetteer" => match args.next() {
                Some(g) => gazetteer = PathBuf::from(g),
                None => return usage("--gazetteer needs a directory"),
            },
            "-h" | "--help" => return usage(""),
            s if s.starts_with('-') => return usage(&format!("unknown option {s}")),
            _ => dir = PathBuf::from(a),
        }
    }

    let data = match Data::load(&gazetteer) {
        Ok(d) => d,
        Err(errors) => {
            for e in errors {
                eprintln!("stages: error: {e}");
            }
            return ExitCode::from(2);
        }
    };
    let inputs = match read::discover(std::slice::from_ref(&dir)) {
        Ok((inputs, _)) if !inputs.is_empty() => inputs,
        Ok(_) => {
            eprintln!("stages: error: {}: no input documents", dir.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("stages: error: {e}");
            return ExitCode::from(2);
        }
    };

    let mut time = [Duration::ZERO; STAGES.len()];
    let t = Instant::now();
    let corpus = pipeline::corpus_evidence(&inputs);
    time[2] += t.elapsed();
    let mut hashers: Vec<(Sha256, u64)> = STREAMS.iter().map(|_| (Sha256::new(), 0)).collect();
    let (mut bytes, mut failed) = (0usize, 0usize);
    for input in &inputs {
        let t = Instant::now();
        let raw = read::read(input);
        time[0] += t.elapsed();
        let out = match raw {
            Ok(raw) => {
                bytes += raw.bytes;
                process_timed(&raw, &data, &corpus, &mut time)
            }
            Err(err) => {
                failed += 1;
                failed_output(input, &err)
            }
        };
        for (k, buf) in [&out.documents, &out.segments, &out.removed].into_iter().enumerate() {
            hashers[k].0.update(buf);
            hashers[k].1 += buf.len() as u64;
        }
    }

    let mb = bytes as f64 / 1e6;
    let total: Duration = time.iter().sum();
    println!("{} documents ({failed} failed), {mb:.1} MB, one thread", inputs.len());
    println!();
    println!("| Stage | Seconds | MB/s | Share |");
    println!("|---|---:|---:|---:|");
    for (name, t) in STAGES.iter().zip(time) {
        let s = t.as_secs_f64();
        println!("| {name} | {s:.2} | {:.1} | {:.0}% |", rate(mb, s), 100.0 * s / total.as_secs_f64().max(1e-9));
    }
    let s = total.as_secs_f64();
    println!("| total | {s:.2} | {:.1} | 100% |", rate(mb, s));
    println!();
    for (name, (h, n)) in STREAMS.iter().zip(hashers) {
        let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        println!("stream {name} {n} {digest}");
    }
    ExitCode::SUCCESS
}

/// The chain of `marginalia::pipeline::process` (`analyse`, then `document_output`), with a clock around each stage.
fn process_timed(raw: &RawDoc, data: &Data, corpus: &CorpusLines, time: &mut [Duration; STAGES.len()]) -> DocOutput {
    let t = Instant::now();
    let mut lines = pipeline::normalise_lines(raw);
    time[1] += t.elapsed();

    let t = Instant::now();
    let kind = raw.input.manifest.as_ref().and_then(|m| DocKind::parse(&m.kind));
    let classified = classify_in(&mut lines, &data.rules, data.line_model.as_ref(), kind, corpus);
    time[2] += t.elapsed();

    let t = Instant::now();
    let segmented = segment(&lines, &classified);
    time[3] += t.elapsed();

    let t = Instant::now();
    let a = pipeline::annotate(data, lines, classified, segmented);
    time[4] += t.elapsed();

    let t = Instant::now();
    let mut out = document_output(raw, &a, &data.matcher);
    time[5] += t.elapsed();

    let t = Instant::now();
    for (seg, ms) in a.segmented.segments.iter().zip(&a.mentions) {
        for sug in data.matcher.suggestions(&seg.text, ms) {
            let (line, col) = seg.raw_pos(&a.lines, sug.at);
            out.suggestions.push((sug.name, sug.near, format!("{}:{line}:{col}", raw.input.doc_id)));
        }
    }
    time[6] += t.elapsed();
    out
}

fn rate(mb: f64, secs: f64) -> f64 {
    mb / secs.max(1e-9)
}

fn usage(msg: &str) -> ExitCode {
    if !msg.is_empty() {
        eprintln!("stages: {msg}");
    }
    eprintln!("usage: stages [DIR] [--gazetteer DIR]   (default DIR: bench/out/corpus)");
    ExitCode::from(2)
}
