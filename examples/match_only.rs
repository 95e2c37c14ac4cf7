//! Throughput of the entity matcher alone, on one thread.
//!
//! ```text
//! cargo run --release --example match_only -- [DIR] [--gazetteer DIR] [--runs N]
//! ```
//!
//! Loads `entities::Matcher` from the gazetteer (default `gazetteer`), reads every `*.txt` file directly in `DIR`
//! (default `bench/out/corpus`, built by `bench/run.sh`; any directory of text files will do), splits each file
//! into lines and calls `Matcher::tag_document` once per file on its non-empty lines, in order. Only the tagging
//! is timed: loading the gazetteer, reading the files and splitting them into lines are not. The whole pass is
//! run `--runs` times (default 3) and the fastest run is reported, since another process may share the machine.
//!
//! The lines are fed **as they are**: the pipeline tags normalised segments (NFC, whitespace, boilerplate lines
//! removed), and here the matcher sees raw lines, as `bench/compare.py` gives them to the other tools.
//!
//! Throughput is file bytes (MB = 10^6 bytes) divided by the tagging time. Mention counts (by kind of match, and
//! the most frequent surfaces) are collected outside the timed sections. The last line of output is
//! machine-readable (`result key=value ...`) for `bench/compare.sh`.

use marginalia::tag::entities::{MatchHow, Matcher};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const DEFAULT_DIR: &str = "bench/out/corpus";

fn main() -> ExitCode {
    let mut dir: Option<PathBuf> = None;
    let mut gazetteer = PathBuf::from("gazetteer");
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--gazetteer" => match args.next() {
                Some(g) => gazetteer = PathBuf::from(g),
                None => return usage("--gazetteer needs a directory"),
            },
            "--runs" => match args.next().and_then(|n| n.parse().ok()).filter(|&n: &usize| n > 0) {
                Some(n) => runs = n,
                None => return usage("--runs needs a positive integer"),
            },
            "-h" | "--help" => return usage(""),
            s if s.starts_with('-') => return usage(&format!("unknown option {s}")),
            _ if dir.is_some() => return usage("only one directory"),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from(DEFAULT_DIR));
    if !dir.is_dir() {
        eprintln!("match_only: error: {} is not a directory", dir.display());
        if dir == Path::new(DEFAULT_DIR) {
            eprintln!(
                "match_only: build the benchmark corpus with `bash bench/run.sh` (or `BENCH_MB=50 bash bench/run.sh` \
                 for a smaller one), or pass any directory of *.txt files"
            );
        }
        return ExitCode::from(2);
    }

    let t = Instant::now();
    let matcher = match Matcher::load(&gazetteer) {
        Ok(m) => m,
        Err(errors) => {
            for e in errors {
                eprintln!("match_only: error: {e}");
            }
            return ExitCode::from(2);
        }
    };
    let load_secs = t.elapsed().as_secs_f64();

    let files = match txt_files(&dir) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("match_only: error: {}: no *.txt files", dir.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("match_only: error: {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    // Read everything first: file I/O is not part of the measurement.
    let mut texts = Vec::with_capacity(files.len());
    for f in &files {
        match std::fs::read(f) {
            Ok(b) => texts.push(String::from_utf8_lossy(&b).into_owned()),
            Err(e) => {
                eprintln!("match_only: error: {}: {e}", f.display());
                return ExitCode::from(2);
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let docs: Vec<Vec<&str>> = texts.iter().map(|t| t.lines().filter(|l| !l.is_empty()).collect()).collect();
    let lines: usize = docs.iter().map(Vec::len).sum();

    let mut times = Vec::with_capacity(runs);
    let mut mentions = 0usize;
    let mut by_how: BTreeMap<MatchHow, usize> = BTreeMap::new();
    let mut surfaces: HashMap<&str, usize> = HashMap::new();
    for run in 0..runs {
        let mut elapsed = Duration::ZERO;
        let mut count = 0usize;
        for doc in &docs {
            let t = Instant::now();
            let tagged = matcher.tag_document(doc.iter().copied());
            elapsed += t.elapsed();
            count += tagged.iter().map(Vec::len).sum::<usize>();
            if run == 0 {
                for (line, ms) in doc.iter().zip(&tagged) {
                    for m in ms {
                        *by_how.entry(m.how).or_default() += 1;
                        *surfaces.entry(&line[m.start..m.end]).or_default() += 1;
                    }
                }
            }
        }
        if run > 0 && count != mentions {
            eprintln!("match_only: error: run {} found {count} mentions, run 1 found {mentions}", run + 1);
            return ExitCode::from(1);
        }
        mentions = count;
        times.push(elapsed.as_secs_f64());
    }
    let best = times.iter().copied().fold(f64::INFINITY, f64::min);
    let mb = bytes as f64 / 1e6;

    println!("marginalia entities::Matcher: {} patterns, loaded in {load_secs:.2} s", matcher.pattern_count());
    println!(
        "input: {} files, {mb:.1} MB, {lines} non-empty lines, fed as they are (not normalised), one thread",
        files.len()
    );
    let all: Vec<String> = times.iter().map(|s| format!("{s:.3}")).collect();
    println!("tagging: {} s per run (best {best:.3} s), {:.1} MB/s", all.join(" / "), mb / best.max(1e-9));
    let hows: Vec<String> = by_how.iter().map(|(h, n)| format!("{}={n}", h.as_str())).collect();
    println!("mentions: {mentions} ({})", hows.join(", "));
    let mut top: Vec<(&str, usize)> = surfaces.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = top.iter().take(12).map(|(s, n)| format!("{s:?} {n}")).collect();
    println!("most frequent surfaces: {}", top.join(", "));
    println!(
        "result bytes={bytes} lines={lines} seconds={best:.6} mbps={:.3} mentions={mentions} patterns={} {}",
        mb / best.max(1e-9),
        matcher.pattern_count(),
        hows.join(" ")
    );
    ExitCode::SUCCESS
}

/// The `*.txt` files directly in `dir`, sorted by name.
fn txt_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "txt") && p.is_file() {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}

fn usage(msg: &str) -> ExitCode {
    if !msg.is_empty() {
        eprintln!("match_only: {msg}");
    }
    eprintln!("usage: match_only [DIR] [--gazetteer DIR] [--runs N]   (default DIR: {DEFAULT_DIR})");
    ExitCode::from(2)
}
