//! The output contract, checked against real output.
//!
//! The binary is run once on the repository's `raw/` (into a temporary directory); every line of every stream is
//! then validated against its JSON Schema in `docs/schema/`, round-tripped through the serde types of
//! `marginalia::record`, and checked for what neither can express: offsets that point at the right text and the
//! right raw characters, record counts that add up, claims that name gazetteer entities and known events, stances
//! read from sentences of the segments, and inconsistencies whose positions are claims of `segments.jsonl` (date) or
//! records of `stances.jsonl` (stance).

use marginalia::data::gazetteer::Gazetteer;
use marginalia::record::{
    ClaimSpan, DateSpan, DocumentRecord, EntitySpan, Inconsistency, Position, RawPos, RemovedRecord, SegmentRecord,
    StanceEvidence, StanceQuote, StanceRecord, StanceSpan,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// The JSON Lines streams, by base name: `<name>.jsonl` is checked against `docs/schema/<name>.schema.json`.
const STREAMS: [&str; 5] = ["documents", "segments", "removed", "stances", "inconsistencies"];

/// How many schema errors to print before giving up.
const MAX_ERRORS: usize = 10;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The lines of the output streams of one run of the binary on `raw/`.
struct Output {
    streams: BTreeMap<&'static str, Vec<String>>,
    /// `REPORT.md`.
    report: String,
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

    fn inconsistencies(&self) -> Vec<Inconsistency> {
        self.lines("inconsistencies").iter().map(|l| parse(l)).collect()
    }

    fn stances(&self) -> Vec<StanceRecord> {
        self.lines("stances").iter().map(|l| parse(l)).collect()
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
        assert!(
            !streams["inconsistencies"].is_empty(),
            "no inconsistencies written: the checks below would prove nothing"
        );
        assert!(!streams["stances"].is_empty(), "no stances written: the checks below would prove nothing");
        let report = dir.path().join("REPORT.md");
        let report = std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("{}: {e}", report.display()));
        Output { streams, report }
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
/// An edit that breaks a valid record in one way.
type Breakage = fn(&mut Value);

/// Every case breaks `good` in one way; the schema must reject each broken record.
fn assert_rejects(validator: &jsonschema::Validator, good: &Value, cases: Vec<(&str, Breakage)>, schema: &str) {
    let mut accepted = Vec::new();
    for (name, breakage) in cases {
        let mut bad = good.clone();
        breakage(&mut bad);
        assert_ne!(&bad, good, "case '{name}' changed nothing");
        if validator.is_valid(&bad) {
            accepted.push(name);
        }
    }
    assert!(accepted.is_empty(), "the {schema} schema accepts broken records: {accepted:?}");
}

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
        ("unknown date modifier", |v| v["dates"] = json!([date_json(|d| d["mod"] = json!("LATE"))])),
        ("date without machine", |v| {
            v["dates"] = json!([date_json(|d| drop(d.as_object_mut().unwrap().remove("machine")))])
        }),
        ("date machine as a string", |v| v["dates"] = json!([date_json(|d| d["machine"] = json!("false"))])),
        ("date value in words", |v| v["dates"] = json!([date_json(|d| d["value"] = json!("July 1917"))])),
        ("date value with month 13", |v| v["dates"] = json!([date_json(|d| d["value"] = json!("1917-13"))])),
        ("date resolved to a year-less value", |v| {
            v["dates"] = json!([date_json(|d| d["resolved"] = json!("XXXX-10"))])
        }),
        ("date resolved_from without a line", |v| {
            v["dates"] = json!([date_json(|d| d["resolved_from"] = json!("1917"))])
        }),
        ("empty date anchor", |v| v["dates"] = json!([date_json(|d| d["anchor"] = json!(""))])),
        ("missing claims (null is required, not absence)", |v| drop(v.as_object_mut().unwrap().remove("claims"))),
        ("claims as an object", |v| v["claims"] = json!({})),
        ("claim as a tuple", |v| v["claims"] = json!([["leon-trotsky", "born", "1879"]])),
        ("extra key in a claim", |v| v["claims"] = json!([claim_json(|c| c["confidence"] = json!(1.0))])),
        ("claim without evidence_end", |v| {
            v["claims"] = json!([claim_json(|c| drop(c.as_object_mut().unwrap().remove("evidence_end")))])
        }),
        ("unknown claim event", |v| v["claims"] = json!([claim_json(|c| c["event"] = json!("won"))])),
        ("claim event in another spelling", |v| v["claims"] = json!([claim_json(|c| c["event"] = json!("Born"))])),
        ("claim subject as a name", |v| v["claims"] = json!([claim_json(|c| c["subject"] = json!("Leon Trotsky"))])),
        ("claim object as a list", |v| v["claims"] = json!([claim_json(|c| c["object"] = json!(["soviet-union"]))])),
        ("claim value without a year", |v| v["claims"] = json!([claim_json(|c| c["value"] = json!("XXXX-10"))])),
        ("claim value null", |v| v["claims"] = json!([claim_json(|c| c["value"] = Value::Null)])),
        ("claim derived as a number", |v| v["claims"] = json!([claim_json(|c| c["derived"] = json!(0))])),
        ("claim evidence_start negative", |v| v["claims"] = json!([claim_json(|c| c["evidence_start"] = json!(-1))])),
        ("unknown claim modifier", |v| v["claims"] = json!([claim_json(|c| c["mod"] = json!("LATE"))])),
        ("missing stances (null is required, not absence)", |v| drop(v.as_object_mut().unwrap().remove("stances"))),
        ("stances as an object", |v| v["stances"] = json!({})),
        ("stance as a tuple", |v| v["stances"] = json!([["leon-trotsky", "pro", 0.5]])),
        ("extra key in a stance", |v| v["stances"] = json!([stance_json(|s| s["confidence"] = json!(1.0))])),
        ("stance without author", |v| {
            v["stances"] = json!([stance_json(|s| drop(s.as_object_mut().unwrap().remove("author")))])
        }),
        ("unknown stance label", |v| v["stances"] = json!([stance_json(|s| s["stance"] = json!("neutralish"))])),
        ("stance label in capitals", |v| v["stances"] = json!([stance_json(|s| s["stance"] = json!("PRO"))])),
        ("stance target as a name", |v| v["stances"] = json!([stance_json(|s| s["target"] = json!("Leon Trotsky"))])),
        ("stance score above 1", |v| v["stances"] = json!([stance_json(|s| s["score"] = json!(1.5))])),
        ("stance score as a string", |v| v["stances"] = json!([stance_json(|s| s["score"] = json!("0.5"))])),
        ("stance score with a long float tail", |v| {
            v["stances"] = json!([stance_json(|s| s["score"] = json!(0.30000000000000004))])
        }),
        ("pro stance with a negative score", |v| v["stances"] = json!([stance_json(|s| s["score"] = json!(-0.5))])),
        ("con stance with a positive score", |v| v["stances"] = json!([stance_json(|s| s["stance"] = json!("con"))])),
        ("stance without evidence", |v| v["stances"] = json!([stance_json(|s| s["evidence"] = json!([]))])),
        ("stance evidence as a tuple", |v| v["stances"] = json!([stance_json(|s| s["evidence"] = json!([[0, 12]]))])),
        ("extra key in stance evidence", |v| {
            v["stances"] = json!([stance_json(|s| s["evidence"][0]["text"] = json!("Trotsky was right."))])
        }),
        ("stance evidence without raw", |v| {
            v["stances"] = json!([stance_json(|s| drop(s["evidence"][0].as_object_mut().unwrap().remove("raw")))])
        }),
        ("stance evidence start as a string", |v| {
            v["stances"] = json!([stance_json(|s| s["evidence"][0]["start"] = json!("0"))])
        }),
        ("stance evidence score below -1", |v| {
            v["stances"] = json!([stance_json(|s| s["evidence"][0]["score"] = json!(-1.2))])
        }),
        ("stance evidence score with four decimals", |v| {
            v["stances"] = json!([stance_json(|s| s["evidence"][0]["score"] = json!(0.6234))])
        }),
        ("pro stance with a sentence that scores 0", |v| {
            v["stances"] = json!([stance_json(|s| s["evidence"][0]["score"] = json!(0.0))])
        }),
        ("mixed stance with a sentence that scores 0", |v| {
            v["stances"] = json!([stance_json(|s| {
                s["stance"] = json!("mixed");
                s["evidence"][0]["score"] = json!(0)
            })])
        }),
    ];
    assert_rejects(&validator, &good, cases, "segments");
}

/// A valid stance span as JSON, changed by `edit` (for the schema tests).
fn stance_json(edit: fn(&mut Value)) -> Value {
    let mut s = json!({"target": "leon-trotsky", "author": "Schizophonia", "stance": "pro", "score": 0.62,
        "evidence": [{"start": 0, "end": 19, "score": 0.623, "raw": {"line": 1, "col": 0}}]});
    edit(&mut s);
    s
}

/// A valid date span as JSON, changed by `edit` (for the schema tests).
fn date_json(edit: fn(&mut Value)) -> Value {
    let mut d = json!({"start": 0, "end": 4, "kind": "date", "value": "1917", "mod": null, "meta": false,
        "machine": false, "resolved": null, "resolved_from": null, "anchor": null, "surface": "1917",
        "raw": {"line": 1, "col": 0}});
    edit(&mut d);
    d
}

/// A valid claim as JSON, changed by `edit` (for the schema tests).
fn claim_json(edit: fn(&mut Value)) -> Value {
    let mut c = json!({"subject": "leon-trotsky", "event": "expelled", "object": "soviet-union", "agent": null,
        "value": "1929-02", "mod": null, "derived": false, "start": 10, "end": 23, "surface": "February 1929",
        "trigger": "expelled", "evidence_start": 0, "evidence_end": 24, "raw": {"line": 1, "col": 10}});
    edit(&mut c);
    c
}

/// The schema must accept every shape of entity, date and claim span the serde types can write, not only those
/// that today's output happens to hold.
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
        date(10, "date", Some("1917"), None, "1917"),
        date(20, "decade", Some("193X"), Some("APPROX"), "around the 30s"),
        DateSpan { meta: true, ..date(40, "relative", None, None, "2 hours ago") },
        date(60, "century", Some("18XX"), Some("START"), "the early 19th century"),
        date(90, "range", Some("1918/1925"), None, "1918-25"),
        date(100, "range", Some("10XX/11XX"), None, "11th-12th centuries"),
        date(130, "date", Some("XXXX-10-07"), None, "Oct. 7"),
        DateSpan {
            resolved_from: Some("document date".into()),
            ..date(140, "date", Some("2023-10-07"), None, "Oct. 7")
        },
        DateSpan {
            resolved_from: Some("July 1917 (line 75)".into()),
            ..date(150, "date", Some("1917-02-23"), None, "February 23")
        },
        DateSpan {
            resolved: Some("1917-09".into()),
            anchor: Some("the revolution".into()),
            ..date(170, "relative", None, None, "two months before the revolution")
        },
        DateSpan { resolved: Some("191X".into()), ..date(210, "relative", None, None, "that decade") },
        DateSpan { meta: true, machine: true, ..date(230, "date", Some("1923-11-28"), None, "19231128") },
    ]);
    rec.claims = Some(vec![
        ClaimSpan {
            subject: "leon-trotsky".into(),
            event: "expelled".into(),
            object: Some("soviet-union".into()),
            agent: Some("joseph-stalin".into()),
            value: "1929-02".into(),
            modifier: Some("END".into()),
            derived: false,
            start: 10,
            end: 23,
            surface: "February 1929".into(),
            trigger: Some("expelled".into()),
            evidence_start: 0,
            evidence_end: 30,
            raw,
        },
        ClaimSpan {
            subject: "leon-trotsky".into(),
            event: "joined".into(),
            value: "1917-09".into(),
            derived: true,
            surface: "two months before the revolution".into(),
            raw,
            ..ClaimSpan::default()
        },
        ClaimSpan {
            subject: "allied-intervention-in-the-russian-civil-war".into(),
            event: "occurred".into(),
            value: "1918/1922".into(),
            surface: "1918-22".into(),
            raw,
            ..ClaimSpan::default()
        },
        ClaimSpan {
            subject: "x".into(),
            event: "occurred".into(),
            value: "10XX/11XX".into(),
            surface: "11th-12th centuries".into(),
            raw,
            ..ClaimSpan::default()
        },
    ]);
    let evidence = |start: u64, score: f64| StanceEvidence { start, end: start + 10, score, raw };
    rec.stances = Some(vec![
        StanceSpan {
            target: "leon-trotsky".into(),
            author: Some("Schizophonia".into()),
            stance: "pro".into(),
            score: 1.0,
            evidence: vec![evidence(0, 0.71), evidence(20, 0.259)],
        },
        StanceSpan {
            target: "communism".into(),
            author: None,
            stance: "mixed".into(),
            score: -0.204,
            evidence: vec![evidence(0, 0.6), evidence(20, -0.9)],
        },
        StanceSpan {
            target: "stalin-role-in-1917".into(),
            author: Some("Sugarcoat".into()),
            stance: "con".into(),
            score: -1.0,
            evidence: vec![evidence(40, -0.6)],
        },
        StanceSpan {
            target: "joseph-stalin".into(),
            author: None,
            stance: "mixed".into(),
            score: 0.0,
            evidence: vec![evidence(0, 1.0), evidence(20, -1.0)],
        },
        // Neutral: sentences that name the target without evaluating it (score 0) are listed too.
        StanceSpan {
            target: "mexico".into(),
            author: None,
            stance: "neutral".into(),
            score: 0.0,
            evidence: vec![evidence(0, 0.0)],
        },
        StanceSpan {
            target: "vladimir-lenin".into(),
            author: None,
            stance: "neutral".into(),
            score: -0.475,
            evidence: vec![evidence(0, -0.506), evidence(20, 0.0), evidence(40, 0.18)],
        },
    ]);
    let value = serde_json::to_value(&rec).unwrap();
    let errors = schema_errors(&validator, &value);
    assert!(errors.is_empty(), "a record with entities, dates, claims and stances is rejected: {errors:?}");

    // `claims` and `stances` are null only if their stage did not run, but the type allows it.
    rec.claims = None;
    rec.stances = None;
    let errors = schema_errors(&validator, &serde_json::to_value(&rec).unwrap());
    assert!(errors.is_empty(), "a record with claims and stances null is rejected: {errors:?}");

    // A removed record with dates (a byline, a file name).
    let removed = RemovedRecord {
        document: "doc".into(),
        segment: Some("doc:0000".into()),
        raw,
        label: "meta".into(),
        rule: "byline".into(),
        text: "Fri, Jan 19, 2024".into(),
        whole_line: true,
        dates: vec![
            DateSpan { meta: true, ..date(0, "date", Some("2024-01-19"), None, "Fri, Jan 19, 2024") },
            DateSpan { meta: true, ..date(0, "relative", None, None, "2 hours ago") },
            DateSpan { meta: true, ..date(0, "date", Some("XXXX-10"), None, "8 Oct 16") },
        ],
    };
    let errors = schema_errors(&self::validator("removed"), &serde_json::to_value(&removed).unwrap());
    assert!(errors.is_empty(), "a removed record with dates is rejected: {errors:?}");
}

/// A date span at `start` with no resolution, anchor or machine flag.
fn date(start: u64, kind: &str, value: Option<&str>, modifier: Option<&str>, surface: &str) -> DateSpan {
    DateSpan {
        start,
        end: start + surface.chars().count() as u64,
        kind: kind.into(),
        value: value.map(str::to_owned),
        modifier: modifier.map(str::to_owned),
        meta: false,
        machine: false,
        resolved: None,
        resolved_from: None,
        anchor: None,
        surface: surface.into(),
        raw: RawPos { line: 1, col: 0 },
    }
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
    check::<StanceRecord>("stances", out.lines("stances"), &mut report);
    check::<Inconsistency>("inconsistencies", out.lines("inconsistencies"), &mut report);
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
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
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

#[test]
fn schema_rejects_broken_inconsistencies() {
    let validator = validator("inconsistencies");
    let good: Value = parse(output().lines("inconsistencies").first().expect("an inconsistency record"));
    let errors = schema_errors(&validator, &good);
    assert!(errors.is_empty(), "the unbroken sample is invalid: {errors:?}");

    let cases: Vec<(&str, Breakage)> = vec![
        ("extra top-level key", |v| v["extra"] = json!(1)),
        ("extra key in a position", |v| v["positions"][0]["extra"] = json!(null)),
        ("missing note", |v| drop(v.as_object_mut().unwrap().remove("note"))),
        ("missing object (null is required, not absence)", |v| drop(v.as_object_mut().unwrap().remove("object"))),
        ("missing position evidence", |v| drop(v["positions"][0].as_object_mut().unwrap().remove("evidence"))),
        ("id without the kind prefix", |v| v["id"] = json!("e7276d003df1")),
        ("id with uppercase hex", |v| v["id"] = json!("date-E7276D003DF1")),
        ("id too short", |v| v["id"] = json!("date-e7276d")),
        ("unknown kind", |v| v["kind"] = json!("quote")),
        ("kind stance on a date record", |v| v["kind"] = json!("stance")),
        ("stance id on a date record", |v| v["id"] = json!("stance-e7276d003df1")),
        ("stance check on a date record", |v| v["check"] = json!("opposite-stances")),
        ("stance event on a date record", |v| v["event"] = json!("stance")),
        ("stance position on a date record", |v| {
            v["positions"][0]["value"] = json!("pro");
            v["positions"][0]["event"] = json!("stance");
            v["positions"][0]["surface"] = json!("+0.62");
            v["positions"][0]["agrees_with_reference"] = Value::Null;
        }),
        ("unknown check", |v| v["check"] = json!("looks-odd")),
        ("unknown severity", |v| v["severity"] = json!("critical")),
        ("unknown event", |v| v["event"] = json!("won")),
        ("unknown position event", |v| v["positions"][0]["event"] = json!("won")),
        ("subject as a name", |v| v["subject"] = json!("Leon Trotsky")),
        ("within_source as a string", |v| v["within_source"] = json!("true")),
        ("no positions", |v| v["positions"] = json!([])),
        ("position as a tuple", |v| v["positions"][0] = json!(["doc", "doc:0000", "1917"])),
        ("position segment without an index", |v| v["positions"][0]["segment"] = json!("doc")),
        ("position value in words", |v| v["positions"][0]["value"] = json!("in 1917")),
        ("position value without a year", |v| v["positions"][0]["value"] = json!("XXXX-10")),
        ("position raw line 0", |v| v["positions"][0]["raw"]["line"] = json!(0)),
        ("agrees_with_reference as a string", |v| v["positions"][0]["agrees_with_reference"] = json!("yes")),
        ("reference in words", |v| v["reference"] = json!("about 1917")),
        ("reference joined by a comma", |v| v["reference"] = json!("1902, 1907")),
        ("reference as a list", |v| v["reference"] = json!(["1902", "1907"])),
        ("reference_source without a line", |v| v["reference_source"] = json!("gazetteer/entities/people.tsv")),
        ("empty note", |v| v["note"] = json!("")),
    ];
    assert_rejects(&validator, &good, cases, "inconsistencies");

    // What the serde type can write and the data allows: no object, no reference, several reference values.
    let mut rec: Inconsistency = serde_json::from_value(good).unwrap();
    rec.object = None;
    rec.reference = None;
    rec.reference_source = None;
    rec.positions.iter_mut().for_each(|p| p.agrees_with_reference = None);
    let errors = schema_errors(&validator, &serde_json::to_value(&rec).unwrap());
    assert!(errors.is_empty(), "an inconsistency without object or reference is rejected: {errors:?}");
    rec.reference = Some("1902 | 1907 | 1917-03-08/1917-03-16".into());
    rec.reference_source = Some("/tmp/gaz/entities/people.tsv:6".into());
    let errors = schema_errors(&validator, &serde_json::to_value(&rec).unwrap());
    assert!(errors.is_empty(), "an inconsistency with several reference values is rejected: {errors:?}");
}

/// The text of `text` from code point `start` to `end`, or `None` when the range is not within it.
fn slice(text: &[char], start: u64, end: u64) -> Option<String> {
    (start <= end && end <= text.len() as u64).then(|| text[start as usize..end as usize].iter().collect())
}

/// The gazetteer the output was made with.
fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| {
        Gazetteer::load(&root().join("gazetteer")).unwrap_or_else(|e| panic!("the gazetteer does not load: {e:?}"))
    })
}

/// The rows of `gazetteer/claim-events.tsv`: event → the event it is a manner of (`same_as`), if any.
fn claim_events() -> BTreeMap<String, Option<String>> {
    let path = root().join("gazetteer/claim-events.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    assert!(rows.next().is_some_and(|h| h.starts_with("event\t")), "claim-events.tsv: no header");
    let events: BTreeMap<String, Option<String>> = rows
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0].to_owned(), cols.get(1).filter(|&&s| s != "-").map(|s| s.to_string()))
        })
        .collect();
    assert!(!events.is_empty(), "claim-events.tsv lists no events");
    events
}

#[test]
fn event_enums_match_claim_events_tsv() {
    let events: Vec<Value> = claim_events().into_keys().map(Value::from).collect();
    let mut events_sorted = events.clone();
    events_sorted.sort_by_key(|v| v.to_string());
    for name in ["segments", "inconsistencies"] {
        let mut listed = schema(name)["$defs"]["event"]["enum"].as_array().cloned().unwrap_or_default();
        listed.sort_by_key(|v| v.to_string());
        assert_eq!(listed, events_sorted, "docs/schema/{name}.schema.json: $defs/event is not claim-events.tsv");
    }
}

#[test]
fn spans_match_their_surface_and_raw_source() {
    let out = output();
    let mut raws = RawFiles::default();
    let mut problems = Vec::new();
    for rec in out.segments() {
        let text: Vec<char> = rec.text.chars().collect();
        let path = rec.source.path.as_str();
        let mut check = |what: String, start: u64, end: u64, surface: &str, raw: RawPos| {
            match slice(&text, start, end) {
                Some(s) if s == surface => {}
                Some(s) => problems.push(format!("{what}: text[{start}..{end}] is {s:?}, surface is {surface:?}")),
                None => {
                    problems.push(format!("{what}: {start}..{end} is not within text of {} code points", text.len()))
                }
            }
            if start < end && (end as usize) <= text.len() {
                check_source(&mut raws, path, raw, text[start as usize], &what, &mut problems);
            }
        };
        for (k, e) in rec.entities.iter().flatten().enumerate() {
            check(format!("{} entities[{k}]", rec.id), e.start, e.end, &e.surface, e.raw);
        }
        for (k, d) in rec.dates.iter().flatten().enumerate() {
            check(format!("{} dates[{k}]", rec.id), d.start, d.end, &d.surface, d.raw);
        }
        for (k, c) in rec.claims.iter().flatten().enumerate() {
            check(format!("{} claims[{k}]", rec.id), c.start, c.end, &c.surface, c.raw);
        }
        for (k, d) in rec.dates.iter().flatten().enumerate() {
            date_fields(&format!("{} dates[{k}]", rec.id), d, &mut problems);
        }
    }
    let documents = out.documents();
    for (i, rec) in out.removed().iter().enumerate() {
        let what = format!("removed.jsonl:{}", i + 1);
        let text: Vec<char> = rec.text.chars().collect();
        let Some(doc) = documents.iter().find(|d| d.document == rec.document) else { continue };
        for (k, d) in rec.dates.iter().enumerate() {
            let what = format!("{what} dates[{k}]");
            match slice(&text, d.start, d.end) {
                Some(s) if s == d.surface => {}
                Some(s) => {
                    problems.push(format!("{what}: text[{}..{}] is {s:?}, surface is {:?}", d.start, d.end, d.surface))
                }
                None => problems.push(format!("{what}: {}..{} is not within text {:?}", d.start, d.end, rec.text)),
            }
            if d.raw.line != rec.raw.line {
                problems.push(format!("{what}: raw line {} is not the removed line {}", d.raw.line, rec.raw.line));
            }
            if d.start < d.end && (d.end as usize) <= text.len() {
                check_source(&mut raws, &doc.path, d.raw, text[d.start as usize], &what, &mut problems);
            }
            date_fields(&what, d, &mut problems);
        }
        if !rec.whole_line && !rec.dates.is_empty() {
            problems.push(format!("{what}: an inline removal with dates"));
        }
    }
    problems.truncate(MAX_ERRORS * 3);
    assert!(problems.is_empty(), "span problems:\n{}", problems.join("\n"));
}

/// What a date span's fields say about each other.
fn date_fields(what: &str, d: &DateSpan, problems: &mut Vec<String>) {
    let relative = d.kind == "relative";
    if relative != d.value.is_none() {
        problems.push(format!(
            "{what}: kind {} with value {:?} (relative expressions, and only they, have none)",
            d.kind, d.value
        ));
    }
    if d.resolved.is_some() && !relative {
        problems.push(format!("{what}: resolved {:?} on a {} expression", d.resolved, d.kind));
    }
    if let Some(a) = &d.anchor {
        if !relative || !d.surface.contains(a.as_str()) {
            problems.push(format!("{what}: anchor {a:?} is not part of the relative expression {:?}", d.surface));
        }
    }
    if d.resolved_from.is_some() && (relative || d.value.as_deref().is_none_or(|v| v.starts_with('X'))) {
        problems.push(format!("{what}: resolved_from {:?} but value {:?}", d.resolved_from, d.value));
    }
    if d.machine && !d.meta {
        problems.push(format!("{what}: a machine date that is not meta"));
    }
}

#[test]
fn claims_name_gazetteer_entities_known_events_and_their_dates() {
    let out = output();
    let gaz = gazetteer();
    let events = claim_events();
    let mut problems = Vec::new();
    let mut claims = 0;
    for rec in out.segments() {
        let text: Vec<char> = rec.text.chars().collect();
        let Some(list) = &rec.claims else {
            problems.push(format!("{}: claims is null (claim extraction always runs)", rec.id));
            continue;
        };
        for (k, c) in list.iter().enumerate() {
            claims += 1;
            let what = format!("{} claims[{k}] {} {} {:?}", rec.id, c.subject, c.event, c.surface);
            if !(c.evidence_start <= c.start && c.start < c.end && c.end <= c.evidence_end) {
                problems.push(format!(
                    "{what}: not evidence_start {} <= start {} < end {} <= evidence_end {}",
                    c.evidence_start, c.start, c.end, c.evidence_end
                ));
            }
            let evidence = slice(&text, c.evidence_start, c.evidence_end);
            match (&evidence, &c.trigger) {
                (None, _) => problems.push(format!("{what}: evidence is not within text")),
                (Some(e), Some(t)) if !e.contains(t.as_str()) => {
                    problems.push(format!("{what}: trigger {t:?} is not in the evidence {e:?}"))
                }
                _ => {}
            }
            for (role, id) in
                [("subject", Some(&c.subject)), ("object", c.object.as_ref()), ("agent", c.agent.as_ref())]
            {
                if let Some(id) = id.filter(|id| gaz.get(id).is_none()) {
                    problems.push(format!("{what}: {role} {id:?} is not a gazetteer entity"));
                }
            }
            if !events.contains_key(&c.event) {
                problems.push(format!("{what}: event {:?} is not in claim-events.tsv", c.event));
            }
            // The date of a claim is one of the segment's date spans, and the claim takes its value.
            let date = rec.dates.iter().flatten().find(|d| d.start == c.start && d.end == c.end);
            match date {
                None => problems.push(format!("{what}: no date span at {}..{}", c.start, c.end)),
                Some(d) => {
                    let value = if d.kind == "relative" { d.resolved.as_ref() } else { d.value.as_ref() };
                    if value != Some(&c.value) {
                        problems.push(format!("{what}: value {:?} but the date span's is {value:?}", c.value));
                    }
                    if c.derived && !(d.kind == "relative" && d.anchor.is_some()) {
                        problems.push(format!("{what}: derived, but the date is not an anchored relative expression"));
                    }
                    if c.raw != d.raw || c.modifier != d.modifier {
                        problems.push(format!("{what}: raw or mod differ from the date span's"));
                    }
                }
            }
        }
    }
    assert!(claims > 0, "no claims in the output: the checks above prove nothing");
    problems.truncate(MAX_ERRORS * 3);
    assert!(problems.is_empty(), "claim problems:\n{}", problems.join("\n"));
}

#[test]
fn inconsistencies_are_claims_of_the_segments() {
    let out = output();
    let gaz = gazetteer();
    let events = claim_events();
    let segments: BTreeMap<String, SegmentRecord> = out.segments().into_iter().map(|s| (s.id.clone(), s)).collect();
    let items = out.inconsistencies();
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for item in &items {
        let what = format!("{} ({} {} {})", item.id, item.check, item.subject, item.event);
        if !ids.insert(item.id.as_str()) {
            problems.push(format!("{what}: duplicate id"));
        }
        // Stance records are checked against stances.jsonl (`stance_inconsistencies_are_stances_of_the_records`).
        if item.kind == "stance" {
            continue;
        }
        // The id is a hash of what the inconsistency is about, not of where it was found: it stays the same when
        // other documents are added, or the same claims move.
        let mut values: Vec<&str> = item.positions.iter().map(|p| p.value.as_str()).collect();
        values.sort_unstable();
        values.dedup();
        let key = format!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            item.kind,
            item.subject,
            item.event,
            item.object.as_deref().unwrap_or("-"),
            item.check,
            values.join(",")
        );
        let hash: String = Sha256::digest(key.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect();
        if item.id != format!("{}-{hash}", item.kind) {
            problems.push(format!("{what}: id is not {}-<sha256 of {key:?}>", item.kind));
        }
        if !out.report.contains(&format!("`{}`", item.id)) {
            problems.push(format!("{what}: not in REPORT.md"));
        }

        for id in std::iter::once(&item.subject).chain(item.object.as_ref()) {
            if gaz.get(id).is_none() {
                problems.push(format!("{what}: {id:?} is not a gazetteer entity"));
            }
        }
        match events.get(&item.event) {
            None => problems.push(format!("{what}: event is not in claim-events.tsv")),
            Some(Some(same_as)) => {
                problems.push(format!("{what}: event is a manner of {same_as}, not compared as one"))
            }
            Some(None) => {}
        }
        let docs: BTreeSet<&str> = item.positions.iter().map(|p| p.document.as_str()).collect();
        if item.within_source != (docs.len() == 1) {
            problems.push(format!("{what}: within_source {} but positions in {docs:?}", item.within_source));
        }
        match item.check.as_str() {
            "sources-disagree" if values.len() < 2 => problems.push(format!("{what}: sources agree on {values:?}")),
            "against-reference" | "before-object-existed"
                if item.positions.iter().any(|p| p.agrees_with_reference != Some(false)) =>
            {
                problems.push(format!("{what}: a position that does not disagree with the reference"))
            }
            "before-object-existed" if item.object.is_none() => problems.push(format!("{what}: no object")),
            _ => {}
        }
        if item.reference.is_none() != item.reference_source.is_none() {
            problems.push(format!("{what}: reference and reference_source are not both set or both null"));
        }
        if item.reference.is_none() && item.positions.iter().any(|p| p.agrees_with_reference.is_some()) {
            problems.push(format!("{what}: agrees_with_reference set without a reference"));
        }
        if item.reference.is_some() && item.positions.iter().any(|p| p.agrees_with_reference.is_none()) {
            problems.push(format!("{what}: agrees_with_reference null although there is a reference"));
        }
        // The reference is stated on the row `reference_source` names: the subject's or the object's.
        if let (Some(reference), Some(source)) = (&item.reference, &item.reference_source) {
            match reference_row(source) {
                None => problems.push(format!("{what}: reference_source {source} is not a gazetteer row")),
                Some(row) => {
                    let id = row.split('\t').next().unwrap_or_default();
                    if id != item.subject && Some(id) != item.object.as_deref() {
                        problems.push(format!("{what}: reference_source {source} is the row of {id}"));
                    }
                    for v in reference.split(" | ").flat_map(|r| r.split('/')) {
                        if !row.contains(&format!("={v}")) && !row.contains(&format!("/{v}")) {
                            problems.push(format!("{what}: reference value {v} is not on {source}"));
                        }
                    }
                }
            }
        }

        // Every position is a claim of its segment, as written there.
        for (k, p) in item.positions.iter().enumerate() {
            let what = format!("{what} positions[{k}] {}", p.segment);
            let Some(seg) = segments.get(&p.segment) else {
                problems.push(format!("{what}: no such segment in segments.jsonl"));
                continue;
            };
            if seg.document != p.document || seg.segment.author != p.author {
                problems.push(format!("{what}: document or author differ from the segment's"));
            }
            let text: Vec<char> = seg.text.chars().collect();
            let found = seg.claims.iter().flatten().any(|c| {
                c.value == p.value
                    && c.surface == p.surface
                    && c.event == p.event
                    && c.derived == p.derived
                    && c.raw == p.raw
                    && c.subject == item.subject
                    && slice(&text, c.evidence_start, c.evidence_end).is_some_and(|e| e.trim() == p.evidence)
            });
            if !found {
                problems.push(format!("{what}: no claim of the segment has value {:?}, surface {:?}, event {:?}, raw {:?} and this evidence", p.value, p.surface, p.event, p.raw));
            }
            let canonical = events.get(&p.event).cloned().flatten().unwrap_or_else(|| p.event.clone());
            if canonical != item.event {
                problems.push(format!("{what}: event {} is not compared as {}", p.event, item.event));
            }
        }
    }
    // Date records come before stance records; within them, conflicts between sources come first, in subject and
    // event order.
    let kinds: Vec<bool> = items.iter().map(|i| i.kind == "date").collect();
    if kinds.windows(2).any(|w| !w[0] && w[1]) {
        problems.push("date records do not all come before the stance records".into());
    }
    let checks: Vec<bool> = items.iter().map(|i| i.check == "sources-disagree").collect();
    if checks.windows(2).any(|w| !w[0] && w[1]) {
        problems.push("sources-disagree records do not all come first".into());
    }
    let disagree: Vec<(&str, &str)> = items
        .iter()
        .filter(|i| i.check == "sources-disagree")
        .map(|i| (i.subject.as_str(), i.event.as_str()))
        .collect();
    if !disagree.is_sorted() {
        problems.push(format!("sources-disagree records are not in subject and event order: {disagree:?}"));
    }
    problems.truncate(MAX_ERRORS * 3);
    assert!(problems.is_empty(), "inconsistency problems:\n{}", problems.join("\n"));
}

/// The gazetteer row a `file:line` reference source names (the file as the run was given it: absolute here).
fn reference_row(source: &str) -> Option<String> {
    let (file, line) = source.rsplit_once(':')?;
    let line: usize = line.parse().ok()?;
    let text = std::fs::read_to_string(root().join(file)).ok()?;
    text.lines().nth(line.checked_sub(1)?).map(str::to_owned)
}

/// Every id a stance can be toward: the gazetteer's entities, the concepts of `stance-targets.tsv` and the
/// propositions of `propositions.tsv`.
fn stance_targets() -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = gazetteer().entities.iter().map(|e| e.id.clone()).collect();
    for file in ["stance-targets.tsv", "propositions.tsv"] {
        let path = root().join("gazetteer").join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rows = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1);
        ids.extend(rows.map(|l| l.split('\t').next().unwrap_or_default().trim().to_owned()));
    }
    ids
}

/// The raw line of the line span of `rec` that code point `at` of its text is on (a separator counts as the end
/// of the line before it).
fn raw_line_at(rec: &SegmentRecord, at: u64) -> Option<u32> {
    let k = rec.lines.partition_point(|l| l.start <= at).checked_sub(1)?;
    Some(rec.lines[k].raw.line)
}

/// `check_source` for a span that may start with spaces (a sentence after `. `): the first character that is not
/// a space, on the raw line from `raw.col` on, past the raw spaces.
fn check_source_trimmed(
    raws: &mut RawFiles,
    path: &str,
    raw: RawPos,
    span: &str,
    what: &str,
    problems: &mut Vec<String>,
) {
    let Some(first) = span.chars().find(|c| !c.is_whitespace()) else {
        problems.push(format!("{what}: blank"));
        return;
    };
    let skip = raws
        .line(path, raw.line)
        .and_then(|l| l.get(raw.col as usize..))
        .map_or(0, |rest| rest.iter().take_while(|c| c.is_whitespace()).count());
    check_source(raws, path, RawPos { line: raw.line, col: raw.col + skip as u32 }, first, what, problems);
}

/// A gazetteer TSV file's data rows (comments, blank lines and the header skipped), split on tabs and trimmed.
fn tsv_rows(file: &str) -> Vec<Vec<String>> {
    let path = root().join("gazetteer").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1);
    rows.map(|l| l.split('\t').map(|c| c.trim().to_owned()).collect()).collect()
}

/// The words of one kind of `gazetteer/stance-grammar.tsv` (`self`: first-person words; `even-handed`:
/// even-handedness words), lowercase.
fn grammar_words(kind: &str) -> BTreeSet<String> {
    let words: BTreeSet<String> =
        tsv_rows("stance-grammar.tsv").into_iter().filter(|c| c[0] == kind).map(|c| c[1].to_lowercase()).collect();
    assert!(!words.is_empty(), "stance-grammar.tsv has no {kind} words");
    words
}

/// Does `text` declare an even-handed account: does it have a first-person word and an even-handedness word?
fn declares_even_handed(text: &str, self_words: &BTreeSet<String>, even_handed: &BTreeSet<String>) -> bool {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.iter().any(|w| self_words.contains(w)) && words.iter().any(|w| even_handed.contains(w))
}

/// The (target, related) pairs of `gazetteer/stance-relations.tsv`, in file order.
fn stance_relations() -> Vec<(String, String)> {
    let pairs: Vec<(String, String)> =
        tsv_rows("stance-relations.tsv").into_iter().map(|c| (c[0].clone(), c[1].clone())).collect();
    assert!(!pairs.is_empty(), "stance-relations.tsv lists no pairs");
    pairs
}

/// Who speaks at code point `at` of a segment's text, as the stance stage credits it: inside a quote block, the
/// quoted poster (`None`, nobody, when the quote is of a post of the same document: it is scored where it was
/// posted); elsewhere the segment's author, except that a segment with no author or with a byline speaks as the
/// document's main author (null).
fn speaker_at(seg: &SegmentRecord, at: u64) -> Option<Option<&str>> {
    match seg.quotes.iter().find(|q| q.start <= at && at < q.end) {
        Some(q) if q.source_segment.is_some() => None,
        Some(q) => Some(q.author.as_deref()),
        None if seg.segment.author_evidence.as_deref() == Some("byline") => Some(None),
        None => Some(seg.segment.author.as_deref()),
    }
}

/// A comment with no known author after the document's first segment: its unnamed commenter is a speaker of
/// their own.
fn anonymous_comment(seg: &SegmentRecord) -> bool {
    seg.segment.kind == "comment" && seg.segment.index > 0 && seg.segment.author.is_none()
}

/// (praise - criticism) / (praise + criticism) of `scores`, or `None` when they are all 0.
fn net_score(scores: impl Iterator<Item = f64>) -> Option<f64> {
    let (pos, neg) = scores.fold((0.0, 0.0), |(p, n), s| if s > 0.0 { (p + s, n) } else { (p, n - s) });
    (pos + neg > 0.0).then(|| (pos - neg) / (pos + neg))
}

/// How far a net score computed from scores written with three decimals may be from the one written, which the
/// program computes from the unrounded scores: each score may be off by 0.0005, the written score too.
fn net_tolerance(scores: &[f64]) -> f64 {
    let total: f64 = scores.iter().map(|s| s.abs()).sum();
    if total == 0.0 {
        return 0.0005;
    }
    0.0005 + 2.0 * 0.0005 * scores.len() as f64 / total + 1e-9
}

#[test]
fn stances_are_read_from_sentences_of_the_text() {
    let out = output();
    let targets = stance_targets();
    let (self_words, even_handed) = (grammar_words("self"), grammar_words("even-handed"));
    let mut raws = RawFiles::default();
    let mut problems = Vec::new();
    let mut spans = 0;
    let segments = out.segments();
    // Speakers who declare an even-handed account somewhere in a document: (document, author, the comment of an
    // unnamed commenter).
    let mut declarers: BTreeSet<(String, Option<String>, Option<String>)> = BTreeSet::new();
    for rec in &segments {
        let text: Vec<char> = rec.text.chars().collect();
        for l in &rec.lines {
            let (Some(line), Some(speaker)) = (slice(&text, l.start, l.end), speaker_at(rec, l.start)) else {
                continue;
            };
            if declares_even_handed(&line, &self_words, &even_handed) {
                let comment = (speaker.is_none() && anonymous_comment(rec)).then(|| rec.id.clone());
                declarers.insert((rec.document.clone(), speaker.map(str::to_owned), comment));
            }
        }
    }
    for rec in segments {
        let text: Vec<char> = rec.text.chars().collect();
        let len = text.len() as u64;
        let Some(list) = &rec.stances else {
            problems.push(format!("{}: stances is null (the stance stage always runs)", rec.id));
            continue;
        };
        // One stance per speaker and target, in speaker (null first) and target order.
        let keys: Vec<(Option<&str>, &str)> = list.iter().map(|s| (s.author.as_deref(), s.target.as_str())).collect();
        if !keys.windows(2).all(|w| w[0] < w[1]) {
            problems.push(format!("{}: stances not one per speaker and target, in order: {keys:?}", rec.id));
        }
        for (k, s) in list.iter().enumerate() {
            spans += 1;
            let what = format!("{} stances[{k}] {} {:?} {}", rec.id, s.target, s.author, s.stance);
            if !targets.contains(&s.target) {
                problems.push(format!("{what}: target is not an entity, a concept or a proposition"));
            }
            if !s.evidence.windows(2).all(|w| w[0].end <= w[1].start) {
                problems.push(format!("{what}: evidence sentences overlap or are not in text order"));
            }
            let neutral = s.stance == "neutral";
            // A neutral stance is a speaker's who declares an even-handed account in the document, and then all
            // their stances are neutral.
            let comment = (s.author.is_none() && anonymous_comment(&rec)).then(|| rec.id.clone());
            let declares = declarers.contains(&(rec.document.clone(), s.author.clone(), comment));
            if neutral != declares {
                problems.push(format!("{what}: neutral exactly when the speaker declares an even-handed account"));
            }
            if !neutral && list.iter().any(|o| o.author == s.author && o.stance == "neutral") {
                problems.push(format!("{what}: the speaker's other stances in the segment are neutral"));
            }
            // Only a neutral stance lists sentences that name the target without evaluating it (score 0).
            if !neutral && s.evidence.iter().any(|e| e.score == 0.0) {
                problems.push(format!("{what}: a sentence with score 0 in a {} stance", s.stance));
            }
            // The score is the net score of the sentences (all of them are listed), 0 for a neutral stance whose
            // sentences all score 0.
            let scores: Vec<f64> = s.evidence.iter().map(|e| e.score).collect();
            match net_score(scores.iter().copied()) {
                Some(net) if (net - s.score).abs() > net_tolerance(&scores) => {
                    problems.push(format!("{what}: score {} but the sentences' net score is {net:.3}", s.score))
                }
                None if !(neutral && s.score == 0.0) => {
                    problems.push(format!("{what}: score {} but every sentence scores 0", s.score))
                }
                _ => {}
            }
            for (j, e) in s.evidence.iter().enumerate() {
                let what = format!("{what} evidence[{j}] {}..{}", e.start, e.end);
                if !(e.start < e.end && e.end <= len) {
                    problems.push(format!("{what}: not start < end <= {len}"));
                    continue;
                }
                // The sentence is the speaker's: the quoted poster's inside a quote block, else the segment's
                // author's, or the main author's (null) for a segment with no author or a byline.
                let speaker = speaker_at(&rec, e.start);
                if speaker != Some(s.author.as_deref()) {
                    problems.push(format!("{what}: the sentence's speaker is {speaker:?}"));
                }
                if raw_line_at(&rec, e.start) != Some(e.raw.line) {
                    problems.push(format!(
                        "{what}: raw line {} but the sentence starts on raw line {:?}",
                        e.raw.line,
                        raw_line_at(&rec, e.start)
                    ));
                    continue;
                }
                let sentence: String = text[e.start as usize..e.end as usize].iter().collect();
                check_source_trimmed(&mut raws, &rec.source.path, e.raw, &sentence, &what, &mut problems);
            }
        }
    }
    assert!(spans > 0, "no stances in segments.jsonl: the checks above prove nothing");
    problems.truncate(MAX_ERRORS * 3);
    assert!(problems.is_empty(), "stance span problems:\n{}", problems.join("\n"));
}

/// How many sentences a record of `stances.jsonl` quotes at most (`STANCE_QUOTES` in src/reconcile/mod.rs).
const STANCE_QUOTES: usize = 5;

/// A speaker of `stances.jsonl`: (document, author, comment).
type Speaker<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

fn speaker_of(r: &StanceRecord) -> Speaker<'_> {
    (r.document.as_str(), r.author.as_deref(), r.comment.as_deref())
}

#[test]
fn stance_records_quote_sentences_of_their_segments() {
    let out = output();
    let targets = stance_targets();
    let relations = stance_relations();
    let (self_words, even_handed) = (grammar_words("self"), grammar_words("even-handed"));
    let documents: BTreeMap<String, DocumentRecord> =
        out.documents().into_iter().map(|d| (d.document.clone(), d)).collect();
    let segments: BTreeMap<String, SegmentRecord> = out.segments().into_iter().map(|s| (s.id.clone(), s)).collect();
    let records = out.stances();
    let mut raws = RawFiles::default();
    let mut problems = Vec::new();
    // Ordered by target, author (null first), comment (null first) and document, one record per key.
    let keys: Vec<(&str, Option<&str>, Option<&str>, &str)> = records
        .iter()
        .map(|r| (r.target.as_str(), r.author.as_deref(), r.comment.as_deref(), r.document.as_str()))
        .collect();
    if !keys.windows(2).all(|w| w[0] < w[1]) {
        problems.push("stances.jsonl is not one record per target, author, comment and document, in that order".into());
    }
    // The record of a speaker toward a target read from their own sentences.
    let own = |speaker: Speaker, target: &str| {
        records.iter().find(|o| speaker_of(o) == speaker && o.target == target && o.via.is_none())
    };
    // Speakers who declare an even-handed account in a document: every stance they take there is neutral, and
    // opens with the same declaration.
    let mut declarations: BTreeMap<Speaker, &StanceQuote> = BTreeMap::new();
    for r in records.iter().filter(|r| r.stance == "neutral") {
        let d = declarations.entry(speaker_of(r)).or_insert(&r.evidence[0]);
        if *d != &r.evidence[0] {
            problems.push(format!(
                "{} {:?} {:?}: neutral stances open with different declarations",
                r.document, r.author, r.comment
            ));
        }
    }
    for (i, r) in records.iter().enumerate() {
        let what =
            format!("stances.jsonl:{} {} {:?} {:?} {} {}", i + 1, r.document, r.author, r.comment, r.target, r.stance);
        if documents.get(&r.document).is_none_or(|d| d.status != "ok") {
            problems.push(format!("{what}: not a processed document"));
        }
        if !targets.contains(&r.target) {
            problems.push(format!("{what}: target is not an entity, a concept or a proposition"));
        }
        // A commenter with no known name is their comment: an anonymous comment of the document, with no author.
        if let Some(c) = &r.comment {
            let ok = segments.get(c).is_some_and(|s| s.document == r.document && anonymous_comment(s));
            if !ok || r.author.is_some() {
                problems
                    .push(format!("{what}: comment {c} is not an anonymous comment of the document, or has an author"));
            }
        }
        let scores: Vec<f64> = r.evidence.iter().map(|q| q.score).collect();
        let complete = r.evidence.len() < STANCE_QUOTES;
        if r.stance != "neutral" && declarations.contains_key(&speaker_of(r)) {
            problems
                .push(format!("{what}: the speaker declares an even-handed account, but the stance is not neutral"));
        }
        match (&r.via, r.stance.as_str()) {
            (Some(_), "neutral") => problems.push(format!("{what}: a neutral stance with via")),
            (None, "neutral") => {
                // The declaration first (score 0), then the sentences that name the target, the largest absolute
                // score first; of those that only name it (score 0) just the first is kept.
                let d = &r.evidence[0];
                if d.score != 0.0 || !declares_even_handed(&d.text, &self_words, &even_handed) {
                    problems.push(format!("{what}: the first quote is not a declaration of an even-handed account"));
                }
                let rest = &scores[1..];
                if rest.is_empty() {
                    problems.push(format!("{what}: no sentence names the target"));
                }
                if !rest.windows(2).all(|w| w[0].abs() >= w[1].abs()) {
                    problems.push(format!("{what}: the sentences are not by absolute score, largest first"));
                }
                if rest.iter().filter(|&&s| s == 0.0).count() > 1 {
                    problems.push(format!("{what}: more than one sentence that only names the target"));
                }
                // With fewer than five quotes, the quotes are all the sentences: the score is the net score of
                // those with a nonzero score, or 0.
                let net = net_score(rest.iter().copied()).unwrap_or(0.0);
                if complete && (net - r.score).abs() > net_tolerance(rest) {
                    problems.push(format!("{what}: score {} but the sentences' net score is {net:.3}", r.score));
                }
            }
            (Some(via), _) => {
                // Inherited: the speaker names the target without evaluating it, and takes the clear stance they
                // show toward the first related target that has one (all of them agree).
                let related: Vec<&StanceRecord> = relations
                    .iter()
                    .filter(|(t, _)| *t == r.target)
                    .filter_map(|(_, rel)| own(speaker_of(r), rel))
                    .filter(|o| o.stance == "pro" || o.stance == "con")
                    .collect();
                let Some(source) = related.first() else {
                    problems.push(format!("{what}: via {via}, but the speaker has no pro or con stance toward a target related to {} in stance-relations.tsv", r.target));
                    continue;
                };
                if &source.target != via {
                    problems.push(format!(
                        "{what}: via {via}, but the first related target with a clear stance is {}",
                        source.target
                    ));
                }
                if related.iter().any(|o| o.stance != r.stance) || source.score != r.score {
                    problems.push(format!("{what}: not the stance and score of the related records"));
                }
                if r.evidence[0].score != 0.0 {
                    problems
                        .push(format!("{what}: the first quote evaluates the target (score {})", r.evidence[0].score));
                }
                let n = source.evidence.len().min(STANCE_QUOTES - 1);
                if r.evidence[1..] != source.evidence[..n] {
                    problems.push(format!(
                        "{what}: the quotes after the first are not the first {n} of the {via} record's"
                    ));
                }
            }
            (None, stance) => {
                // Strongest first: for pro the highest score, for con the lowest, for mixed the largest absolute.
                let strength = |s: f64| match stance {
                    "pro" => s,
                    "con" => -s,
                    _ => s.abs(),
                };
                if !scores.windows(2).all(|w| strength(w[0]) >= strength(w[1])) {
                    problems.push(format!("{what}: evidence is not strongest first"));
                }
                if scores.contains(&0.0) {
                    problems.push(format!("{what}: a sentence with score 0 in a {stance} stance"));
                }
                // With fewer than five quotes, the quotes are all the evidence, and the score is their net score.
                if complete {
                    let net = net_score(scores.iter().copied()).unwrap_or(0.0);
                    if (net - r.score).abs() > net_tolerance(&scores) {
                        problems.push(format!("{what}: score {} but the quotes' net score is {net:.3}", r.score));
                    }
                }
            }
        }
        for (j, q) in r.evidence.iter().enumerate() {
            let what = format!("{what} evidence[{j}] {}:{}", q.segment, q.raw.line);
            let Some(seg) = segments.get(&q.segment) else {
                problems.push(format!("{what}: no such segment"));
                continue;
            };
            if seg.document != r.document {
                problems.push(format!("{what}: a segment of another document"));
            }
            if q.text != q.text.trim() {
                problems.push(format!("{what}: text is not trimmed"));
            }
            // The sentence is in the segment's text, starting on the raw line given.
            let at: Vec<u64> =
                seg.text.match_indices(q.text.as_str()).map(|(b, _)| seg.text[..b].chars().count() as u64).collect();
            if at.is_empty() {
                problems.push(format!("{what}: text is not in the segment's text: {:?}", excerpt(&q.text)));
                continue;
            }
            let here: Vec<u64> = at.into_iter().filter(|&p| raw_line_at(seg, p) == Some(q.raw.line)).collect();
            if here.is_empty() {
                problems.push(format!("{what}: the segment has the sentence only on other raw lines"));
                continue;
            }
            // It is the speaker's sentence; an unnamed commenter's only in their own comment.
            if !here.iter().any(|&p| speaker_at(seg, p) == Some(r.author.as_deref())) {
                let speakers: Vec<Option<Option<&str>>> = here.iter().map(|&p| speaker_at(seg, p)).collect();
                problems.push(format!("{what}: the sentence's speaker is {speakers:?}"));
            }
            let comment = (r.author.is_none() && anonymous_comment(seg)).then_some(seg.id.as_str());
            if r.comment.as_deref() != comment {
                problems.push(format!("{what}: comment {:?}, but the sentence's comment is {comment:?}", r.comment));
            }
            check_source_trimmed(&mut raws, &seg.source.path, q.raw, &q.text, &what, &mut problems);
        }
    }
    let kinds = [
        ("neutral", records.iter().filter(|r| r.stance == "neutral").count()),
        ("inherited (via)", records.iter().filter(|r| r.via.is_some()).count()),
        ("unnamed commenter", records.iter().filter(|r| r.comment.is_some()).count()),
    ];
    for (kind, n) in kinds {
        assert!(n > 0, "no {kind} stance records: the checks above prove nothing for them");
    }
    problems.truncate(MAX_ERRORS * 3);
    assert!(problems.is_empty(), "stance record problems:\n{}", problems.join("\n"));
}

/// Opposite stances on a target conflict when each side's evidence weighs at least this much (`CONFLICT_SIDE` in
/// src/reconcile/mod.rs): the sum, over the side's positions, of the absolute scores of all their own sentences.
const CONFLICT_SIDE: f64 = 0.3;

/// What the quotes of the positions of one side of a target show of its weight: (a lower bound of the weight,
/// whether it is the weight, how far rounding may put it off). The quotes of a record are at most five: with fewer,
/// they are all its sentences (a pro, con or mixed record quotes every sentence with a nonzero score).
fn side_weight(records: &[&StanceRecord], stance: &str) -> (f64, bool, f64) {
    let side: Vec<&&StanceRecord> = records.iter().filter(|r| r.stance == stance).collect();
    let weight = side.iter().flat_map(|r| &r.evidence).map(|q| q.score.abs()).sum();
    let exact = side.iter().all(|r| r.evidence.len() < STANCE_QUOTES);
    let rounding = 0.0005 * side.iter().map(|r| r.evidence.len()).sum::<usize>() as f64 + 1e-9;
    (weight, exact, rounding)
}

#[test]
fn stance_inconsistencies_are_stances_of_the_records() {
    let out = output();
    let records = out.stances();
    let items: Vec<Inconsistency> = out.inconsistencies().into_iter().filter(|i| i.kind == "stance").collect();
    assert!(!items.is_empty(), "no stance inconsistencies: the checks below prove nothing");
    // The positions a target can have: its records read from the speakers' own sentences (`via` null) that are
    // pro, con or mixed, in stances.jsonl order.
    let mut positions: BTreeMap<&str, Vec<&StanceRecord>> = BTreeMap::new();
    for r in records.iter().filter(|r| r.via.is_none() && r.stance != "neutral") {
        positions.entry(r.target.as_str()).or_default().push(r);
    }
    let mut problems = Vec::new();
    for item in &items {
        let what = format!("{} ({})", item.id, item.subject);
        // One id per target, whatever the positions.
        let key = format!("stance\t{}\topposite-stances", item.subject);
        let hash: String = Sha256::digest(key.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect();
        if item.id != format!("stance-{hash}") {
            problems.push(format!("{what}: id is not stance-<sha256 of {key:?}>"));
        }
        if !out.report.contains(&format!("`{}`", item.id)) {
            problems.push(format!("{what}: not in REPORT.md"));
        }
        let docs: BTreeSet<&str> = item.positions.iter().map(|p| p.document.as_str()).collect();
        if item.within_source != (docs.len() == 1) {
            problems.push(format!("{what}: within_source {} but positions in {docs:?}", item.within_source));
        }
        let count = |v: &str| item.positions.iter().filter(|p| p.value == v).count();
        if count("pro") == 0 || count("con") == 0 {
            problems.push(format!("{what}: not a pro and a con position"));
        }
        let note = format!("{} pro and {} con positions", count("pro"), count("con"));
        if item.note != note {
            problems.push(format!("{what}: note {:?}, expected {note:?}", item.note));
        }
        let severity = if count("pro") + count("con") >= 3 { "major" } else { "minor" };
        if item.severity != severity {
            problems.push(format!(
                "{what}: severity {} with {} pro and {} con",
                item.severity,
                count("pro"),
                count("con")
            ));
        }
        // The positions are the target's pro, con and mixed records, in order, each shown by its score and first
        // quote.
        let own = positions.get(item.subject.as_str()).cloned().unwrap_or_default();
        let expected: Vec<Position> = own
            .iter()
            .map(|r| {
                let top = &r.evidence[0];
                Position {
                    document: r.document.clone(),
                    segment: top.segment.clone(),
                    author: r.author.clone(),
                    value: r.stance.clone(),
                    event: "stance".into(),
                    surface: format!("{:+.2}", r.score),
                    derived: false,
                    raw: top.raw,
                    evidence: top.text.clone(),
                    agrees_with_reference: None,
                }
            })
            .collect();
        if item.positions.len() != expected.len() {
            let got: Vec<String> =
                item.positions.iter().map(|p| format!("{} {:?} {}", p.segment, p.author, p.value)).collect();
            let want: Vec<String> =
                expected.iter().map(|p| format!("{} {:?} {}", p.segment, p.author, p.value)).collect();
            problems
                .push(format!("{what}: positions {got:?}, but the target's pro, con and mixed records are {want:?}"));
        } else {
            for (k, (p, e)) in item.positions.iter().zip(&expected).enumerate() {
                if p == e {
                    continue;
                }
                let (got, want) = (serde_json::to_value(p).unwrap(), serde_json::to_value(e).unwrap());
                let fields: Vec<String> = want
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(k, v)| got.get(k.as_str()) != Some(v))
                    .map(|(k, v)| format!("{k} {} (the record's: {v})", got[k.as_str()]))
                    .collect();
                problems.push(format!(
                    "{what} positions[{k}] {} {:?} {}: not the {}th pro, con or mixed record's score and first quote: {}",
                    p.document,
                    p.author,
                    p.value,
                    k + 1,
                    fields.join(", ")
                ));
            }
        }
        // No conflict without enough evidence on both sides: where the quotes are all the sentences, they weigh
        // enough.
        for side in ["pro", "con"] {
            let (weight, exact, rounding) = side_weight(&own, side);
            if exact && weight + rounding < CONFLICT_SIDE {
                problems.push(format!("{what}: the {side} positions' evidence weighs {weight:.3} < {CONFLICT_SIDE}"));
            }
        }
    }
    // A target whose pro and con positions both weigh enough (at least what their quotes weigh) has a conflict.
    for (target, own) in &positions {
        let (pro, _, pro_rounding) = side_weight(own, "pro");
        let (con, _, con_rounding) = side_weight(own, "con");
        if pro >= CONFLICT_SIDE + pro_rounding
            && con >= CONFLICT_SIDE + con_rounding
            && !items.iter().any(|i| i.subject == *target)
        {
            problems.push(format!("{target}: pro evidence weighs {pro:.3} and con {con:.3}, but no inconsistency"));
        }
    }
    let order: Vec<&str> = items.iter().map(|i| i.subject.as_str()).collect();
    if !order.windows(2).all(|w| w[0] < w[1]) {
        problems.push(format!("stance records are not one per target in target order: {order:?}"));
    }
    problems.truncate(MAX_ERRORS * 3);
    assert!(problems.is_empty(), "stance inconsistency problems:\n{}", problems.join("\n"));
}

#[test]
fn schema_rejects_broken_stances() {
    let validator = validator("stances");
    // A pro or con stance read from the speaker's own sentences, with two quotes.
    let line = output().lines("stances").iter().find(|l| {
        let r = parse::<StanceRecord>(l);
        r.evidence.len() >= 2 && r.via.is_none() && r.comment.is_none() && (r.stance == "pro" || r.stance == "con")
    });
    let good: Value = parse(line.expect("a pro or con stance record with two quotes and no via"));
    let errors = schema_errors(&validator, &good);
    assert!(errors.is_empty(), "the unbroken sample is invalid: {errors:?}");

    let cases: Vec<(&str, Breakage)> = vec![
        ("extra top-level key", |v| v["extra"] = json!(1)),
        ("extra key in a quote", |v| v["evidence"][0]["start"] = json!(0)),
        ("missing author (null is required, not absence)", |v| drop(v.as_object_mut().unwrap().remove("author"))),
        ("missing evidence", |v| drop(v.as_object_mut().unwrap().remove("evidence"))),
        ("missing comment (null is required, not absence)", |v| drop(v.as_object_mut().unwrap().remove("comment"))),
        ("missing via (null is required, not absence)", |v| drop(v.as_object_mut().unwrap().remove("via"))),
        ("missing quote text", |v| drop(v["evidence"][0].as_object_mut().unwrap().remove("text"))),
        ("empty document", |v| v["document"] = json!("")),
        ("target as a name", |v| v["target"] = json!("Leon Trotsky")),
        ("target null", |v| v["target"] = Value::Null),
        ("unknown stance", |v| v["stance"] = json!("neutralish")),
        ("stance in capitals", |v| v["stance"] = json!("Neutral")),
        ("stance as a number", |v| v["stance"] = json!(1)),
        ("score above 1", |v| v["score"] = json!(1.25)),
        ("score as a string", |v| v["score"] = json!("+0.62")),
        ("score with a long float tail", |v| v["score"] = json!(-0.30000000000000004)),
        ("pro with a negative score", |v| {
            v["stance"] = json!("pro");
            v["score"] = json!(-0.5)
        }),
        ("con with a positive score", |v| {
            v["stance"] = json!("con");
            v["score"] = json!(0.5)
        }),
        ("no evidence", |v| v["evidence"] = json!([])),
        ("six quotes", |v| {
            let q = v["evidence"][0].clone();
            v["evidence"] = json!([q, q, q, q, q, q])
        }),
        ("quote as a string", |v| v["evidence"][0] = json!("Trotsky was right.")),
        ("quote segment without an index", |v| v["evidence"][0]["segment"] = json!("doc")),
        ("quote raw line 0", |v| v["evidence"][0]["raw"]["line"] = json!(0)),
        ("quote raw as a tuple", |v| v["evidence"][0]["raw"] = json!([1, 0])),
        ("quote score below -1", |v| v["evidence"][0]["score"] = json!(-1.5)),
        ("quote score with four decimals", |v| v["evidence"][0]["score"] = json!(0.4943)),
        ("empty quote text", |v| v["evidence"][0]["text"] = json!("")),
        ("a sentence with score 0 in a stance of the speaker's own", |v| v["evidence"][1]["score"] = json!(0.0)),
        ("comment without a segment index", |v| v["comment"] = json!("social-left-opposition-history")),
        ("comment as a number", |v| v["comment"] = json!(3)),
        ("comment with an author", |v| {
            v["comment"] = json!("social-left-opposition-history:0003");
            v["author"] = json!("William_Mary")
        }),
        ("via as a name", |v| v["via"] = json!("Leon Trotsky")),
        ("via empty", |v| v["via"] = json!("")),
        ("via as a list", |v| v["via"] = json!(["leon-trotsky"])),
        ("via whose first quote evaluates the target", |v| v["via"] = json!("leon-trotsky")),
        ("via with only the sentence that names the target", |v| {
            v["via"] = json!("leon-trotsky");
            v["evidence"][0]["score"] = json!(0.0);
            let q = v["evidence"][0].clone();
            v["evidence"] = json!([q])
        }),
        ("via on a mixed stance", |v| {
            v["via"] = json!("leon-trotsky");
            v["stance"] = json!("mixed");
            v["evidence"][0]["score"] = json!(0.0)
        }),
        ("via on a neutral stance", |v| {
            v["via"] = json!("leon-trotsky");
            v["stance"] = json!("neutral");
            v["evidence"][0]["score"] = json!(0.0)
        }),
        ("neutral whose first quote is not a declaration (score 0)", |v| v["stance"] = json!("neutral")),
        ("neutral with only the declaration", |v| {
            v["stance"] = json!("neutral");
            v["evidence"][0]["score"] = json!(0.0);
            let q = v["evidence"][0].clone();
            v["evidence"] = json!([q])
        }),
    ];
    assert_rejects(&validator, &good, cases, "stances");

    // What the serde type can write and the data allows: no author, a mixed stance of either sign, five quotes.
    let mut rec: StanceRecord = serde_json::from_value(good).unwrap();
    rec.author = None;
    rec.stance = "mixed".into();
    rec.score = -0.1;
    let q = rec.evidence[0].clone();
    rec.evidence = vec![q.clone(), q.clone(), q.clone(), q.clone(), StanceQuote { score: -1.0, ..q.clone() }];
    let errors = schema_errors(&validator, &serde_json::to_value(&rec).unwrap());
    assert!(errors.is_empty(), "a mixed stance with five quotes is rejected: {errors:?}");

    // A neutral stance: the declaration (score 0), then sentences that name the target, of any score; its score
    // has any sign, or is 0.
    let declaration = StanceQuote { score: 0.0, text: "I tried to make this one seem neutral".into(), ..q.clone() };
    let mention = StanceQuote { score: 0.0, ..q.clone() };
    for (score, evidence) in [
        (-0.484, vec![declaration.clone(), StanceQuote { score: -0.506, ..q.clone() }, mention.clone()]),
        (1.0, vec![declaration.clone(), StanceQuote { score: 0.361, ..q.clone() }]),
        (0.0, vec![declaration.clone(), mention.clone()]),
    ] {
        let neutral = StanceRecord { stance: "neutral".into(), score, evidence, ..rec.clone() };
        let errors = schema_errors(&validator, &serde_json::to_value(&neutral).unwrap());
        assert!(errors.is_empty(), "a neutral stance with score {score} is rejected: {errors:?}");
    }

    // An inherited stance: the sentence that names the target (score 0), then the related record's quotes.
    for (stance, score) in [("pro", 0.381), ("con", -1.0)] {
        let inherited = StanceRecord {
            target: "trotskyism".into(),
            stance: stance.into(),
            score,
            via: Some("leon-trotsky".into()),
            evidence: vec![
                mention.clone(),
                StanceQuote { score: 0.69, ..q.clone() },
                StanceQuote { score: -0.45, ..q.clone() },
                StanceQuote { score: 0.3, ..q.clone() },
                StanceQuote { score: 0.25, ..q.clone() },
            ],
            ..rec.clone()
        };
        let errors = schema_errors(&validator, &serde_json::to_value(&inherited).unwrap());
        assert!(errors.is_empty(), "an inherited {stance} stance is rejected: {errors:?}");
    }

    // A commenter with no known name: no author, the comment's segment id.
    let anonymous = StanceRecord {
        author: None,
        comment: Some("social-left-opposition-history:0003".into()),
        stance: "con".into(),
        score: -1.0,
        evidence: vec![StanceQuote { score: -0.499, ..q }],
        ..rec
    };
    let errors = schema_errors(&validator, &serde_json::to_value(&anonymous).unwrap());
    assert!(errors.is_empty(), "the stance of a commenter with no known name is rejected: {errors:?}");
}

#[test]
fn schema_rejects_broken_stance_inconsistencies() {
    let validator = validator("inconsistencies");
    let line = output().lines("inconsistencies").iter().find(|l| parse::<Inconsistency>(l).kind == "stance");
    let good: Value = parse(line.expect("a stance inconsistency"));
    let errors = schema_errors(&validator, &good);
    assert!(errors.is_empty(), "the unbroken sample is invalid: {errors:?}");

    let cases: Vec<(&str, Breakage)> = vec![
        ("kind date on a stance record", |v| v["kind"] = json!("date")),
        ("date id on a stance record", |v| v["id"] = json!("date-e7276d003df1")),
        ("stance id too short", |v| v["id"] = json!("stance-e7276d")),
        ("date check on a stance record", |v| v["check"] = json!("sources-disagree")),
        ("claim event on a stance record", |v| v["event"] = json!("born")),
        ("an object", |v| v["object"] = json!("soviet-union")),
        ("a reference", |v| v["reference"] = json!("1917")),
        ("a reference source", |v| v["reference_source"] = json!("gazetteer/entities/people.tsv:6")),
        ("no pro position", |v| {
            for p in v["positions"].as_array_mut().unwrap() {
                p["value"] = json!("con")
            }
        }),
        ("no con position", |v| {
            for p in v["positions"].as_array_mut().unwrap() {
                p["value"] = json!("pro")
            }
        }),
        ("a neutral position (neutral stances take no part)", |v| v["positions"][0]["value"] = json!("neutral")),
        ("a date as the stance", |v| v["positions"][0]["value"] = json!("1917")),
        ("a claim event in a position", |v| v["positions"][0]["event"] = json!("born")),
        ("surface without a sign", |v| v["positions"][0]["surface"] = json!("0.62")),
        ("surface with a long float tail", |v| v["positions"][0]["surface"] = json!("+0.6200000000000001")),
        ("surface above 1", |v| v["positions"][0]["surface"] = json!("+1.50")),
        ("surface in words", |v| v["positions"][0]["surface"] = json!("pro")),
        ("derived stance", |v| v["positions"][0]["derived"] = json!(true)),
        ("a stance that agrees with a reference", |v| v["positions"][0]["agrees_with_reference"] = json!(true)),
        ("extra key in a stance position", |v| v["positions"][0]["score"] = json!(0.62)),
        ("missing position surface", |v| drop(v["positions"][0].as_object_mut().unwrap().remove("surface"))),
    ];
    assert_rejects(&validator, &good, cases, "inconsistencies");

    // A mixed position, and scores of 0 and -1, are what the serde type can write and the data allows.
    let mut rec: Inconsistency = serde_json::from_value(good).unwrap();
    let p = rec.positions[0].clone();
    rec.positions = vec![
        Position { value: "pro".into(), surface: "+0.15".into(), ..p.clone() },
        Position { value: "con".into(), surface: "-1.00".into(), author: None, ..p.clone() },
        Position { value: "mixed".into(), surface: "+0.00".into(), ..p.clone() },
        Position { value: "mixed".into(), surface: "-0.00".into(), ..p },
    ];
    let errors = schema_errors(&validator, &serde_json::to_value(&rec).unwrap());
    assert!(errors.is_empty(), "a stance inconsistency with mixed positions is rejected: {errors:?}");
}
