//! The output contract, checked against real output.
//!
//! The binary is run once on the repository's `raw/` (into a temporary directory); every line of every stream is
//! then validated against its JSON Schema in `docs/schema/`, round-tripped through the serde types of
//! `marginalia::record`, and checked for what neither can express: offsets that point at the right text and the
//! right raw characters, and record counts that add up.

use marginalia::record::{DateSpan, DocumentRecord, EntitySpan, RawPos, RemovedRecord, SegmentRecord};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// The three streams, by base name: `<name>.jsonl` is checked against `docs/schema/<name>.schema.json`.
const STREAMS: [&str; 3] = ["documents", "segments", "removed"];

/// How many schema errors to print before giving up.
const MAX_ERRORS: usize = 10;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The lines of the three output streams of one run of the binary on `raw/`.
struct Output {
    streams: BTreeMap<&'static str, Vec<String>>,
}

impl Output {
    fn lines(&self, stream: &str) -> &[String] {
        &self.streams[stream]
    }

    fn documents(&self) -> Vec<DocumentRecord> {
        self.lines("documents").iter().map(|l| parse(l)).collect()
    }

    fn segments(&self) -> Vec<SegmentRecord> {
        self.lines("segments").iter().map(|l| parse(l)).collect()
    }

    fn removed(&self) -> Vec<RemovedRecord> {
        self.lines("removed").iter().map(|l| parse(l)).collect()
    }
}

fn parse<T: serde::de::DeserializeOwned>(line: &str) -> T {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {}", excerpt(line)))
}

/// The largest char boundary of `s` not after `i`.
fn char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn excerpt(line: &str) -> String {
    let mut s: String = line.chars().take(200).collect();
    if s.len() < line.len() {
        s.push_str("...");
    }
    s
}

/// Run the binary once (from the repository root, so that paths come out as `raw/x.txt`) and keep its output.
fn output() -> &'static Output {
    static OUTPUT: OnceLock<Output> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let run = Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .current_dir(root())
            .arg("raw")
            .arg("--out")
            .arg(dir.path())
            .arg("--gazetteer")
            .arg(root().join("gazetteer"))
            .arg("--quiet")
            .output()
            .expect("run marginalia");
        assert!(
            run.status.success(),
            "marginalia exited with {}\nstderr:\n{}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        );
        let mut streams = BTreeMap::new();
        for name in STREAMS {
            let path = dir.path().join(format!("{name}.jsonl"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(text.is_empty() || text.ends_with('\n'), "{name}.jsonl: last line has no line terminator");
            let lines: Vec<String> = text.split_terminator('\n').map(str::to_owned).collect();
            assert!(lines.iter().all(|l| !l.is_empty()), "{name}.jsonl: empty line");
            streams.insert(name, lines);
        }
        assert!(!streams["segments"].is_empty(), "no segments written: the checks below would prove nothing");
        Output { streams }
    })
}

fn schema(name: &str) -> Value {
    let path = root().join("docs/schema").join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema = schema(name);
    if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("docs/schema/{name}.schema.json is not a valid draft 2020-12 schema: {e}");
    }
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("docs/schema/{name}.schema.json: {e}"))
}

/// The schema's complaints about `instance`, one per line (without echoing the instance, which may be long).
fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("at '{}': {}", e.instance_path(), e.masked())).collect()
}

#[test]
fn schemas_are_strict_and_documented() {
    /// Every object schema closes its properties, requires all of them and describes each one.
    fn check(at: &str, node: &Value, problems: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if map.get("type") == Some(&json!("object")) {
                    let props = map.get("properties").and_then(Value::as_object);
                    let props = match props {
                        Some(p) => p,
                        None => {
                            problems.push(format!("{at}: object schema without properties"));
                            return;
                        }
                    };
                    if map.get("additionalProperties") != Some(&json!(false)) {
                        problems.push(format!("{at}: additionalProperties is not false"));
                    }
                    let mut required: Vec<&str> = map
                        .get("required")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
                    required.sort_unstable();
                    keys.sort_unstable();
                    if required != keys {
                        problems.push(format!("{at}: required {required:?} != properties {keys:?}"));
                    }
                    for (k, v) in props {
                        if !v.get("description").is_some_and(Value::is_string) {
                            problems.push(format!("{at}/properties/{k}: no description"));
                        }
                    }
                }
                for (k, v) in map {
                    check(&format!("{at}/{k}"), v, problems);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    check(&format!("{at}/{i}"), v, problems);
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    for name in STREAMS {
        let s = schema(name);
        if s.get("$schema") != Some(&json!("https://json-schema.org/draft/2020-12/schema")) {
            problems.push(format!("{name}: $schema is not draft 2020-12"));
        }
        check(name, &s, &mut problems);
        validator(name);
    }
    assert!(problems.is_empty(), "schema problems:\n{}", problems.join("\n"));
}

#[test]
fn every_record_matches_its_schema() {
    let out = output();
    let mut report = String::new();
    let mut failed = 0;
    for name in STREAMS {
        let validator = validator(name);
        for (i, line) in out.lines(name).iter().enumerate() {
            let value: Value = parse(line);
            let errors = schema_errors(&validator, &value);
            if errors.is_empty() {
                continue;
            }
            failed += 1;
            if failed <= MAX_ERRORS {
                let more = match errors.len() {
                    n if n > 3 => format!(" (and {} more)", n - 3),
                    _ => String::new(),
                };
                let _ = writeln!(report, "{name}.jsonl:{}: {}{more}", i + 1, errors[..errors.len().min(3)].join("; "));
            }
        }
    }
    assert!(failed == 0, "{failed} records do not match their schema; the first:\n{report}");
}

/// A real segment record with at least one quote, as a JSON value.
fn sample_segment() -> Value {
    let out = output();
    let line = out
        .lines("segments")
        .iter()
        .find(|l| !parse::<SegmentRecord>(l).quotes.is_empty())
        .or_else(|| out.lines("segments").first())
        .expect("a segment record");
    parse(line)
}

#[test]
fn schema_rejects_broken_segments() {
    let validator = validator("segments");
    let good = sample_segment();
    let errors = schema_errors(&validator, &good);
    assert!(errors.is_empty(), "the unbroken sample is invalid: {errors:?}");

    type Breakage = fn(&mut Value);
    let cases: Vec<(&str, Breakage)> = vec![
        ("extra top-level key", |v| v["extra"] = json!(1)),
        ("extra key in segment", |v| v["segment"]["extra"] = json!(null)),
        ("extra key in a line span", |v| v["lines"][0]["extra"] = json!("x")),
        ("extra key in raw", |v| v["lines"][0]["raw"]["byte"] = json!(0)),
        ("start as a string", |v| v["lines"][0]["start"] = json!("0")),
        ("end as a float", |v| v["lines"][0]["end"] = json!(1.5)),
        ("negative start", |v| v["lines"][0]["start"] = json!(-1)),
        ("raw line 0", |v| v["lines"][0]["raw"]["line"] = json!(0)),
        ("missing text", |v| drop(v.as_object_mut().unwrap().remove("text"))),
        ("missing entities (null is required, not absence)", |v| drop(v.as_object_mut().unwrap().remove("entities"))),
        ("missing segment.author", |v| drop(v["segment"].as_object_mut().unwrap().remove("author"))),
        ("text null", |v| v["text"] = Value::Null),
        ("wrong offset_unit", |v| v["offset_unit"] = json!("byte")),
        ("line span as a tuple", |v| v["lines"][0] = json!([0, 3, "content", {"line": 1, "col": 0}])),
        ("raw position as a tuple", |v| v["lines"][0]["raw"] = json!([1, 0])),
        ("quote span as a tuple", |v| v["quotes"] = json!([[0, 3]])),
        ("entity span as a tuple", |v| v["entities"] = json!([[0, 5, "PERSON"]])),
        ("unknown line label", |v| v["lines"][0]["label"] = json!("boilerplate")),
        ("unknown segment kind", |v| v["segment"]["kind"] = json!("reply")),
        ("unknown source kind", |v| v["source"]["kind"] = json!("wiki")),
        ("unknown author evidence", |v| v["segment"]["author_evidence"] = json!("guess")),
        ("uppercase sha256", |v| v["source"]["sha256"] = json!("A".repeat(64))),
        ("id without a 4-digit index", |v| v["id"] = json!("doc:7")),
        ("entities as an object", |v| v["entities"] = json!({})),
        ("unknown entity label", |v| {
            v["entities"] = json!([{"start": 0, "end": 1, "label": "PLANET", "id": "x", "surface": "x",
                "match": "exact", "score": 1.0, "adj": false, "variant": false, "candidates": [],
                "raw": {"line": 1, "col": 0}}])
        }),
        ("unknown date modifier", |v| {
            v["dates"] = json!([{"start": 0, "end": 4, "kind": "date", "value": "1917", "mod": "LATE",
                "meta": false, "surface": "1917", "raw": {"line": 1, "col": 0}}])
        }),
    ];
    let mut accepted = Vec::new();
    for (name, breakage) in cases {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert_ne!(bad, good, "case '{name}' changed nothing");
        if validator.is_valid(&bad) {
            accepted.push(name);
        }
    }
    assert!(accepted.is_empty(), "the segments schema accepts broken records: {accepted:?}");
}

/// `entities` and `dates` are null in today's output; the schema must still accept them as the serde types
/// serialise them.
#[test]
fn schema_accepts_filled_entities_and_dates() {
    let validator = validator("segments");
    let mut rec: SegmentRecord = serde_json::from_value(sample_segment()).unwrap();
    let raw = RawPos { line: 1, col: 0 };
    rec.entities = Some(vec![EntitySpan {
        start: 0,
        end: 7,
        label: "PERSON".into(),
        id: "leon-trotsky".into(),
        surface: "Trotsky".into(),
        match_kind: "partial-ambiguous".into(),
        score: 0.5,
        adj: false,
        variant: false,
        candidates: vec!["leon-trotsky".into(), "natalia-sedova".into()],
        raw,
    }]);
    rec.dates = Some(vec![
        DateSpan {
            start: 10,
            end: 14,
            kind: "date".into(),
            value: Some("1917".into()),
            modifier: None,
            meta: false,
            surface: "1917".into(),
            raw,
        },
        DateSpan {
            start: 20,
            end: 34,
            kind: "decade".into(),
            value: Some("193X".into()),
            modifier: Some("APPROX".into()),
            meta: false,
            surface: "around the 30s".into(),
            raw,
        },
        DateSpan {
            start: 40,
            end: 51,
            kind: "relative".into(),
            value: None,
            modifier: None,
            meta: true,
            surface: "2 hours ago".into(),
            raw,
        },
    ]);
    let value = serde_json::to_value(&rec).unwrap();
    let errors = schema_errors(&validator, &value);
    assert!(errors.is_empty(), "a record with entities and dates is rejected: {errors:?}");
}

#[test]
fn records_round_trip_through_the_serde_types() {
    fn check<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str, lines: &[String], report: &mut String) {
        for (i, line) in lines.iter().enumerate() {
            let again = match serde_json::from_str::<T>(line) {
                Ok(rec) => serde_json::to_string(&rec).expect("records serialise"),
                Err(e) => {
                    let _ = writeln!(report, "{name}.jsonl:{}: does not deserialise: {e}", i + 1);
                    continue;
                }
            };
            if again != *line {
                let at =
                    line.bytes().zip(again.bytes()).position(|(a, b)| a != b).unwrap_or(line.len().min(again.len()));
                let from = char_boundary(line, at.saturating_sub(40));
                let from_again = char_boundary(&again, at.saturating_sub(40));
                let _ = writeln!(
                    report,
                    "{name}.jsonl:{}: re-serialised bytes differ at byte {at}:\n  written: {}\n  serde:   {}",
                    i + 1,
                    excerpt(&line[from..]),
                    excerpt(&again[from_again..]),
                );
            }
        }
    }
    let out = output();
    let mut report = String::new();
    check::<DocumentRecord>("documents", out.lines("documents"), &mut report);
    check::<SegmentRecord>("segments", out.lines("segments"), &mut report);
    check::<RemovedRecord>("removed", out.lines("removed"), &mut report);
    assert!(report.is_empty(), "{report}");
}

/// The raw files, split into lines on `\n`, by the path written in the records (relative to the repository root).
#[derive(Default)]
struct RawFiles(BTreeMap<String, Vec<Vec<char>>>);

impl RawFiles {
    fn line(&mut self, path: &str, line: u32) -> Option<&[char]> {
        let lines = self.0.entry(path.to_owned()).or_insert_with(|| {
            let p = root().join(path);
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            text.split('\n').map(|l| l.chars().collect()).collect()
        });
        lines.get((line as usize).checked_sub(1)?).map(Vec::as_slice)
    }
}

/// Fold typographic characters to ASCII as the normaliser does (quotes, primes, guillemets, dashes).
fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' | '\u{FE58}' => '-',
        c => c,
    }
}

/// Check that raw position `raw` of `path` is the source of `first`, the first character of a span: the raw
/// line's code points from `raw.col` onward, NFKC-normalised and folded, start with it.
fn check_source(raws: &mut RawFiles, path: &str, raw: RawPos, first: char, what: &str, problems: &mut Vec<String>) {
    let Some(line) = raws.line(path, raw.line) else {
        problems.push(format!("{what}: {path} has no line {}", raw.line));
        return;
    };
    let Some(rest) = line.get(raw.col as usize..).filter(|r| !r.is_empty()) else {
        problems.push(format!(
            "{what}: {path}:{} has {} code points, col {} is past its end",
            raw.line,
            line.len(),
            raw.col
        ));
        return;
    };
    // A few characters are enough: NFKC only looks ahead over combining marks.
    let image: String = rest.iter().take(8).collect::<String>().nfkc().map(fold).collect();
    if !image.starts_with(first) {
        let raw_text: String = rest.iter().take(20).collect();
        problems
            .push(format!("{what}: text starts with {first:?} but {path}:{}:{} is {raw_text:?}", raw.line, raw.col));
    }
}

#[test]
fn offsets_point_at_the_text_and_the_raw_file() {
    let out = output();
    let mut raws = RawFiles::default();
    let mut problems = Vec::new();
    for rec in out.segments() {
        let text: Vec<char> = rec.text.chars().collect();
        let len = text.len() as u64;
        let path = rec.source.path.as_str();
        let (first_line, last_line) = (rec.segment.first_line, rec.segment.last_line);
        if first_line > last_line {
            problems.push(format!("{}: first_line {first_line} > last_line {last_line}", rec.id));
        }
        if rec.lines.is_empty() {
            problems.push(format!("{}: no line spans", rec.id));
        }
        let mut prev_end = 0u64;
        let mut prev_line = 0u32;
        for (k, span) in rec.lines.iter().enumerate() {
            let what = format!("{} lines[{k}] {}..{}", rec.id, span.start, span.end);
            if !(span.start <= span.end && span.end <= len) {
                problems.push(format!("{what}: not within text of {len} code points"));
                continue;
            }
            if span.start < prev_end {
                problems.push(format!("{what}: overlaps or precedes the previous span (ending at {prev_end})"));
                continue;
            }
            // Between spans there is only the separator: "\n" for raw-adjacent lines, "\n\n" across a gap.
            let gap: String = text[prev_end as usize..span.start as usize].iter().collect();
            let expected = match k {
                0 => "",
                _ if span.raw.line == prev_line + 1 => "\n",
                _ => "\n\n",
            };
            if gap != expected {
                problems.push(format!("{what}: preceded by {gap:?}, expected {expected:?}"));
            }
            if span.raw.line <= prev_line || !(first_line..=last_line).contains(&span.raw.line) {
                problems.push(format!(
                    "{what}: raw line {} out of order or outside {first_line}..={last_line}",
                    span.raw.line
                ));
            }
            if span.start < span.end {
                check_source(&mut raws, path, span.raw, text[span.start as usize], &what, &mut problems);
            }
            prev_end = span.end;
            prev_line = span.raw.line;
        }
        if prev_end != len {
            problems.push(format!("{}: text continues after the last line span ({prev_end} of {len})", rec.id));
        }
        for (k, q) in rec.quotes.iter().enumerate() {
            let what = format!("{} quotes[{k}] {}..{}", rec.id, q.start, q.end);
            if !(q.start <= q.end && q.end <= len) {
                problems.push(format!("{what}: not within text of {len} code points"));
                continue;
            }
            if q.start < q.end {
                check_source(&mut raws, path, q.raw, text[q.start as usize], &what, &mut problems);
            }
        }
    }
    let documents = out.documents();
    for (i, rec) in out.removed().iter().enumerate() {
        let what = format!("removed.jsonl:{}", i + 1);
        match (rec.text.chars().next(), documents.iter().find(|d| d.document == rec.document)) {
            (Some(first), Some(doc)) => check_source(&mut raws, &doc.path, rec.raw, first, &what, &mut problems),
            (None, _) => problems.push(format!("{what}: empty text")),
            (_, None) => problems.push(format!("{what}: unknown document {:?}", rec.document)),
        }
    }
    problems.truncate(MAX_ERRORS * 3);
    assert!(problems.is_empty(), "offset problems:\n{}", problems.join("\n"));
}

/// Every `.txt` file under `dir`, skipping hidden entries (as input discovery does).
fn txt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            txt_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

#[test]
fn record_counts_add_up() {
    let out = output();
    let documents = out.documents();
    let segments = out.segments();
    let removed = out.removed();
    let mut files = Vec::new();
    txt_files(&root().join("raw"), &mut files);
    assert_eq!(documents.len(), files.len(), "documents.jsonl has one record per raw/*.txt file");

    let mut problems = Vec::new();
    // Documents are written in input order (sorted paths); their segments and removed lines follow that order.
    let order: Vec<&str> = documents.iter().map(|d| d.document.as_str()).collect();
    let position = |doc: &str| order.iter().position(|&d| d == doc);
    let paths: Vec<&str> = documents.iter().map(|d| d.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    if paths != sorted {
        problems.push(format!("documents are not in input order: {paths:?}"));
    }
    for (name, docs) in [
        ("segments", segments.iter().map(|s| s.document.as_str()).collect::<Vec<_>>()),
        ("removed", removed.iter().map(|r| r.document.as_str()).collect()),
    ] {
        let positions: Vec<Option<usize>> = docs.iter().map(|d| position(d)).collect();
        if positions.iter().any(Option::is_none) {
            problems.push(format!("{name}.jsonl names a document that documents.jsonl does not have"));
        } else if !positions.is_sorted() {
            problems.push(format!("{name}.jsonl is not in document order"));
        }
    }

    for doc in &documents {
        let what = &doc.document;
        let file = root().join(&doc.path);
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        if doc.sha256.as_deref() != Some(sha256.as_str()) || doc.bytes != bytes.len() as u64 {
            problems.push(format!("{what}: sha256/bytes do not match {}", doc.path));
        }
        let segs: Vec<&SegmentRecord> = segments.iter().filter(|s| &s.document == what).collect();
        if doc.segments as usize != segs.len() {
            problems.push(format!("{what}: segments = {} but {} segment records", doc.segments, segs.len()));
        }
        for (i, s) in segs.iter().enumerate() {
            let id = format!("{what}:{i:04}");
            if s.id != id || s.segment.index as usize != i {
                problems.push(format!("{}: expected id {id} and index {i}, got index {}", s.id, s.segment.index));
            }
            if s.source.path != doc.path || Some(&s.source.sha256) != doc.sha256.as_ref() {
                problems.push(format!("{}: source does not match its document record", s.id));
            }
            for r in s.segment.reply_to.iter().chain(s.quotes.iter().filter_map(|q| q.source_segment.as_ref())) {
                if !segs.iter().any(|o| &o.id == r) {
                    problems.push(format!("{}: refers to {r}, not a segment of its document", s.id));
                }
            }
        }
        let whole = removed.iter().filter(|r| &r.document == what && r.whole_line).count();
        if doc.removed_lines as usize != whole {
            problems
                .push(format!("{what}: removed_lines = {} but {whole} whole-line removed records", doc.removed_lines));
        }
        for r in removed.iter().filter(|r| &r.document == what) {
            if let Some(s) = &r.segment {
                if !segs.iter().any(|o| &o.id == s) {
                    problems.push(format!("{what}: removed line {} refers to unknown segment {s}", r.raw.line));
                }
            }
        }
    }
    assert!(problems.is_empty(), "accounting problems:\n{}", problems.join("\n"));
}
