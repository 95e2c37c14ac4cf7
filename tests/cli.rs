//! End-to-end tests of the binary: the committed dataset is current, output does not depend on `--jobs`, and bad
//! input is reported per document without losing the others.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn marginalia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia")).current_dir(root()).args(args).output().expect("binary runs")
}

fn annotate(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let gaz = root().join("gazetteer");
    let mut args: Vec<String> = inputs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    args.extend([
        "--out".into(),
        out.to_string_lossy().into_owned(),
        "--gazetteer".into(),
        gaz.to_string_lossy().into_owned(),
    ]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    marginalia(&refs)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Every file a run writes into its output directory.
const STREAMS: [&str; 7] = [
    "documents.jsonl",
    "segments.jsonl",
    "removed.jsonl",
    "gazetteer-suggestions.tsv",
    "stances.jsonl",
    "inconsistencies.jsonl",
    "REPORT.md",
];

/// A copy of the repository's gazetteer directory, to edit in a test.
fn gazetteer_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("gazetteer"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn committed_dataset_is_current() {
    let tmp = tempfile::tempdir().unwrap();
    // Run exactly as the README's run command does: relative `raw` from the repo root.
    let o = marginalia(&["raw", "--out", tmp.path().to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for s in STREAMS {
        let fresh = std::fs::read(tmp.path().join(s)).unwrap();
        let committed = std::fs::read(root().join("annotated").join(s)).unwrap_or_default();
        assert!(fresh == committed, "annotated/{s} is stale: regenerate it with `cargo run --release`");
    }
}

#[test]
fn output_is_identical_for_any_job_count() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let raw = root().join("raw");
    assert!(annotate(&[&raw], a.path(), &["--jobs", "1", "--quiet"]).status.success());
    assert!(annotate(&[&raw], b.path(), &["--jobs", "7", "--quiet"]).status.success());
    for s in STREAMS {
        assert_eq!(std::fs::read(a.path().join(s)).unwrap(), std::fs::read(b.path().join(s)).unwrap(), "{s}");
    }
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let para = "The Left Opposition was founded in 1923 by Trotsky and his supporters, who called themselves Bolshevik-Leninists.";
    std::fs::write(d.join("a-good.txt"), format!("A title\n\n{para}\n")).unwrap();
    std::fs::write(d.join("b-invalid-utf8.txt"), b"Bad \xff\xfe bytes in a line.\nSecond line \xc3 here.\n").unwrap();
    std::fs::write(d.join("c-bom.txt"), format!("\u{feff}{para}\n")).unwrap();
    std::fs::write(d.join("d-crlf.txt"), format!("A title\r\n\r\n{para}\r\nShare this post\r\n")).unwrap();
    std::fs::write(d.join("e-empty.txt"), b"").unwrap();
    std::fs::write(d.join("f-binary.txt"), b"text\nmore\n\x00\x01\x02binary").unwrap();
    std::os::unix::fs::symlink(d.join("does-not-exist"), d.join("g-dangling.txt")).unwrap();
    // A 50 MB single line, with non-ASCII text so that the full normalisation path runs.
    let unit = "Trotsky\u{2019}s \u{201C}permanent revolution\u{201D} \u{2014} caf\u{e9} 1905\u{2013}1917, ";
    let big = unit.repeat(50_000_000 / unit.len() + 1);
    std::fs::write(d.join("h-huge-line.txt"), &big).unwrap();
    std::fs::create_dir(d.join("nested")).unwrap();
    std::fs::write(d.join("nested/i-nested.txt"), format!("{para}\n")).unwrap();

    let out = tempfile::tempdir().unwrap();
    let o = annotate(&[d], out.path(), &["--jobs", "2"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "some inputs failed: exit 1\n{err}");
    assert!(err.contains("f-binary.txt:3: binary file (NUL byte at byte offset 10)"), "{err}");
    assert!(err.contains("g-dangling.txt: cannot read"), "{err}");
    assert!(err.contains("9 documents (7 ok, 2 failed)"), "{err}");

    let docs = jsonl(&out.path().join("documents.jsonl"));
    let ids: Vec<&str> = docs.iter().map(|d| d["document"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "a-good",
            "b-invalid-utf8",
            "c-bom",
            "d-crlf",
            "e-empty",
            "f-binary",
            "g-dangling",
            "h-huge-line",
            "nested/i-nested"
        ]
    );
    let doc = |id: &str| docs.iter().find(|d| d["document"] == id).unwrap();
    assert_eq!(doc("f-binary")["status"], "failed");
    assert_eq!(doc("f-binary")["error"]["kind"], "binary");
    assert_eq!(doc("f-binary")["error"]["line"], 3);
    assert_eq!(doc("g-dangling")["error"]["kind"], "unreadable");
    assert_eq!(doc("b-invalid-utf8")["status"], "ok");
    assert_eq!(doc("b-invalid-utf8")["replaced_count"], 3);
    assert_eq!(doc("b-invalid-utf8")["replaced"][0], serde_json::json!({"byte": 4, "len": 1, "line": 1}));
    assert_eq!(doc("b-invalid-utf8")["replaced"][2], serde_json::json!({"byte": 36, "len": 1, "line": 2}));
    assert_eq!(doc("c-bom")["bom"], true);
    assert_eq!(doc("d-crlf")["crlf"], true);
    assert_eq!(doc("e-empty")["status"], "ok");
    assert_eq!(doc("e-empty")["segments"], 0);

    let segs = jsonl(&out.path().join("segments.jsonl"));
    let seg = |doc: &str| segs.iter().find(|s| s["document"] == doc).unwrap();
    assert_eq!(seg("a-good")["text"], format!("A title\n\n{para}"));
    assert_eq!(seg("b-invalid-utf8")["text"], "Bad \u{FFFD}\u{FFFD} bytes in a line.\nSecond line \u{FFFD} here.");
    // The BOM is not text, but it is a code point of the raw line: the text starts at raw column 1.
    assert_eq!(seg("c-bom")["text"], para);
    assert_eq!(seg("c-bom")["lines"][0]["raw"], serde_json::json!({"line": 1, "col": 1}));
    assert!(!seg("d-crlf")["text"].as_str().unwrap().contains('\r'));
    let huge = seg("h-huge-line")["text"].as_str().unwrap();
    assert!(huge.starts_with("Trotsky's \"permanent revolution\" - caf\u{e9} 1905-1917,"), "{}", &huge[..60]);
    assert_eq!(seg("h-huge-line")["lines"][0]["end"].as_u64().unwrap() as usize, huge.chars().count());
    assert!(segs.iter().all(|s| s["document"] != "f-binary" && s["document"] != "e-empty"));

    let removed = jsonl(&out.path().join("removed.jsonl"));
    assert!(removed.iter().any(|r| r["document"] == "d-crlf" && r["rule"] == "share-button" && r["raw"]["line"] == 4));

    // A run with failed documents still writes every file; no inconsistency points into a failed document.
    for s in STREAMS {
        assert!(out.path().join(s).is_file(), "{s} not written");
    }
    for item in jsonl(&out.path().join("inconsistencies.jsonl")) {
        for p in item["positions"].as_array().unwrap() {
            assert_eq!(doc(p["document"].as_str().unwrap())["status"], "ok", "{item}");
        }
    }
}

#[test]
fn stdin_is_a_document() {
    let out = tempfile::tempdir().unwrap();
    let gaz = root().join("gazetteer");
    let mut child = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(["-", "--quiet", "--out", out.path().to_str().unwrap(), "--gazetteer", gaz.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"Stalin had Trotsky exiled in 1928.\n").unwrap();
    assert!(child.wait().unwrap().success());
    let segs = jsonl(&out.path().join("segments.jsonl"));
    assert_eq!(segs[0]["id"], "stdin:0000");
    assert_eq!(segs[0]["source"]["path"], "-");
    let claim = &segs[0]["claims"][0];
    assert_eq!(
        (&claim["subject"], &claim["event"], &claim["value"], &claim["surface"]),
        (&"leon-trotsky".into(), &"exiled".into(), &"1928".into(), &"1928".into()),
        "{}",
        segs[0]["claims"]
    );
    // One claim contradicts nothing: the stream is written, empty, and the report says so.
    assert_eq!(std::fs::read_to_string(out.path().join("inconsistencies.jsonl")).unwrap(), "");
    assert!(std::fs::read_to_string(out.path().join("REPORT.md")).unwrap().starts_with("# "));
}

/// Two documents that disagree on a date: one inconsistency, with a position in each, listed in the report.
#[test]
fn sources_that_disagree_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Trotsky was born in 1879 in Yanovka.\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), "Trotsky was born in 1877 in Yanovka.\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = annotate(&[dir.path()], out.path(), &["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let items = jsonl(&out.path().join("inconsistencies.jsonl"));
    let born: Vec<&serde_json::Value> =
        items.iter().filter(|i| i["subject"] == "leon-trotsky" && i["event"] == "born").collect();
    assert_eq!(born.len(), 1, "{items:?}");
    let item = born[0];
    assert_eq!(item["check"], "sources-disagree");
    assert_eq!(item["within_source"], false);
    let positions: Vec<(&str, &str)> = item["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["segment"].as_str().unwrap(), p["value"].as_str().unwrap()))
        .collect();
    assert_eq!(positions, [("a:0000", "1879"), ("b:0000", "1877")]);
    let report = std::fs::read_to_string(out.path().join("REPORT.md")).unwrap();
    assert!(report.contains(item["id"].as_str().unwrap()), "{report}");
}

/// An event that may happen many times (an exile) is checked claim by claim against the reference; the same
/// wrong date written twice must still give records with distinct ids (or one record with both positions).
#[test]
fn inconsistency_ids_are_unique_when_a_wrong_date_is_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let line = "Stalin had Trotsky exiled to Kazakhstan in 1930.";
    std::fs::write(dir.path().join("a.txt"), format!("{line}\n\nPeople repeat that {line}\n")).unwrap();
    std::fs::write(dir.path().join("b.txt"), format!("{line}\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = annotate(&[dir.path()], out.path(), &["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let items = jsonl(&out.path().join("inconsistencies.jsonl"));
    assert!(!items.is_empty(), "1930 is against the reference (exiled@kazakhstan=1928-01)");
    let mut ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids in {items:#?}");
}

#[test]
fn no_input_documents_is_a_usage_error_and_writes_nothing() {
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("notes.md"), "not a .txt file").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = annotate(&[empty.path()], &out.path().join("annotated"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no input documents"), "{}", stderr(&o));
    assert!(stderr(&o).contains("directory holds no .txt files"), "{}", stderr(&o));
    assert!(!out.path().join("annotated").exists());
}

#[test]
fn malformed_gazetteer_line_is_an_error_with_file_and_line_and_keeps_old_output() {
    let gaz = gazetteer_copy();
    let bp = gaz.path().join("boilerplate.tsv");
    let mut text = std::fs::read_to_string(&bp).unwrap();
    let lines = text.lines().count();
    text.push_str("broken-rule\tboilerplate\t-\t5\t(?i)^share (this\n");
    std::fs::write(&bp, text).unwrap();

    // A previous run's output, every file of it: a failed run must leave each one as it was.
    let out = tempfile::tempdir().unwrap();
    for s in STREAMS {
        std::fs::write(out.path().join(s), format!("previous run: {s}\n")).unwrap();
    }
    let raw = root().join("raw");
    let o = marginalia(&[
        raw.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--gazetteer",
        gaz.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let want = format!("boilerplate.tsv:{}: bad pattern", lines + 1);
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    for s in STREAMS {
        assert_eq!(std::fs::read_to_string(out.path().join(s)).unwrap(), format!("previous run: {s}\n"), "{s}");
    }
    assert_eq!(dir_names(out.path()), sorted(&STREAMS), "the failed run left files behind");

    let o = marginalia(&["gazetteer", "check", "--gazetteer", gaz.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    let o = marginalia(&["gazetteer", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn malformed_stance_data_is_an_error_with_file_and_line() {
    let gaz = gazetteer_copy();
    let append = |name: &str, row: &str| {
        let path = gaz.path().join(name);
        let mut text = std::fs::read_to_string(&path).unwrap();
        let line = text.lines().count() + 1;
        text.push_str(row);
        std::fs::write(&path, text).unwrap();
        line
    };
    let relation = append("stance-relations.tsv", "trotskism\tleon-trotsky\n");
    let cue = append("stance-cues.tsv", "wonderful\tvery\t-\n");
    let o = marginalia(&["gazetteer", "check", "--gazetteer", gaz.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("stance-cues.tsv:{cue}: not a number")), "{}", stderr(&o));
    // A relation is checked against the targets once every file reads.
    let cues = gaz.path().join("stance-cues.tsv");
    let text = std::fs::read_to_string(&cues).unwrap().replace("wonderful\tvery\t-\n", "");
    std::fs::write(&cues, text).unwrap();
    let o = marginalia(&["gazetteer", "check", "--gazetteer", gaz.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let want = format!("stance-relations.tsv:{relation}: unknown target id \"trotskism\"");
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
}

#[test]
fn no_temporary_files_are_left_behind() {
    let out = tempfile::tempdir().unwrap();
    assert!(annotate(&[&root().join("raw")], out.path(), &["--quiet"]).status.success());
    assert_eq!(dir_names(out.path()), sorted(&STREAMS));
    // A second run into the same directory replaces every file (inconsistencies.jsonl and REPORT.md included),
    // again through temporary files that do not stay.
    for s in STREAMS {
        std::fs::write(out.path().join(s), "stale\n").unwrap();
    }
    assert!(annotate(&[&root().join("raw")], out.path(), &["--quiet"]).status.success());
    assert_eq!(dir_names(out.path()), sorted(&STREAMS));
    for s in STREAMS {
        assert_ne!(std::fs::read_to_string(out.path().join(s)).unwrap(), "stale\n", "{s} was not replaced");
    }
}

/// The names of the entries of `dir`, sorted.
fn dir_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn an_entity_added_to_the_gazetteer_is_tagged_without_code_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), "Zorglub Quaffenberg met the Quaffenbergists in Petrograd.\n").unwrap();
    let run = |gaz: &Path| {
        let out = tempfile::tempdir().unwrap();
        let o = marginalia(&[
            dir.path().to_str().unwrap(),
            "--quiet",
            "--out",
            out.path().to_str().unwrap(),
            "--gazetteer",
            gaz.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let segs = jsonl(&out.path().join("segments.jsonl"));
        let ents: Vec<(String, String)> = segs[0]["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["surface"].as_str().unwrap().to_owned(), e["id"].as_str().unwrap().to_owned()))
            .collect();
        let suggestions = std::fs::read_to_string(out.path().join("gazetteer-suggestions.tsv")).unwrap();
        (ents, suggestions)
    };
    let gaz = gazetteer_copy();
    let (before, suggestions) = run(gaz.path());
    assert_eq!(before, vec![("Petrograd".to_owned(), "saint-petersburg".to_owned())]);
    // The unknown name is suggested to the gazetteer's maintainers.
    assert!(suggestions.lines().any(|l| l.starts_with("Zorglub Quaffenberg\t")), "{suggestions}");

    let people = gaz.path().join("entities/people.tsv");
    let mut text = std::fs::read_to_string(&people).unwrap();
    text.push_str("zorglub-quaffenberg\tPERSON\tZorglub Quaffenberg\t-\t-\tborn=1890\n");
    std::fs::write(&people, text).unwrap();
    let doctrines = gaz.path().join("entities/doctrines.tsv");
    let mut text = std::fs::read_to_string(&doctrines).unwrap();
    text.push_str("quaffenbergism\tIDEOLOGY\tQuaffenbergism\t-\tQuaffenbergist; Quaffenbergists\t-\n");
    std::fs::write(&doctrines, text).unwrap();
    let (after, _) = run(gaz.path());
    assert_eq!(
        after,
        vec![
            ("Zorglub Quaffenberg".to_owned(), "zorglub-quaffenberg".to_owned()),
            ("Quaffenbergists".to_owned(), "quaffenbergism".to_owned()),
            ("Petrograd".to_owned(), "saint-petersburg".to_owned()),
        ]
    );
}

#[test]
fn gazetteer_check_reports_every_entity_problem_with_file_and_line() {
    let gaz = gazetteer_copy();
    let people = gaz.path().join("entities/people.tsv");
    let mut text = std::fs::read_to_string(&people).unwrap();
    let first = text.lines().count() + 1;
    text.push_str("leon-trotsky\tPERSON\tLeon Trotsky again\t-\t-\t-\n");
    text.push_str("someone-new\tHERO\tSomeone New\t-\t-\t-\n");
    text.push_str("someone-else\tPERSON\tSomeone Else\tLev Davidovich Bronstein\t-\t-\n");
    text.push_str("a-fourth\tPERSON\tA Fourth\tX;;Y\t-\t-\n");
    std::fs::write(&people, text).unwrap();
    let o = marginalia(&["gazetteer", "check", "--gazetteer", gaz.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!("people.tsv:{first}: duplicate id \"leon-trotsky\"")), "{err}");
    assert!(err.contains(&format!("people.tsv:{}: someone-new: unknown label \"HERO\"", first + 1)), "{err}");
    assert!(
        err.contains(&format!(
            "people.tsv:{}: someone-else: alias \"Lev Davidovich Bronstein\" is already claimed by leon-trotsky",
            first + 2
        )),
        "{err}"
    );
    assert!(err.contains(&format!("people.tsv:{}: a-fourth: empty alias", first + 3)), "{err}");
    assert!(err.contains("4 problem(s)"), "{err}");
}

/// `--fail-on-new`: exit 3 when an inconsistency is not among the reviewed ids, 0 when all are, 2 when the review
/// file is unreadable; the output is written in every case but the last.
#[test]
fn fail_on_new_reports_unreviewed_inconsistencies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Trotsky, born in 1879, was a revolutionary.\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), "Leon Trotsky was born in 1877 in Yanovka.\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let reviewed = dir.path().join("reviewed.txt");
    std::fs::write(&reviewed, "# nothing reviewed yet\n").unwrap();
    let o = annotate(&[dir.path()], out.path(), &["--quiet", "--fail-on-new", reviewed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let found = jsonl(&out.path().join("inconsistencies.jsonl"));
    assert_eq!(found.len(), 1);
    let id = found[0]["id"].as_str().unwrap();
    assert!(stderr(&o).contains(&format!("new inconsistency {id}")), "{}", stderr(&o));

    // Reviewed: listed by id, or as a previous inconsistencies.jsonl.
    std::fs::write(&reviewed, format!("{id}\n")).unwrap();
    let o = annotate(&[dir.path()], out.path(), &["--quiet", "--fail-on-new", reviewed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let previous = out.path().join("inconsistencies.jsonl");
    let o = annotate(&[dir.path()], out.path(), &["--quiet", "--fail-on-new", previous.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let missing = dir.path().join("no-such-file");
    let o = annotate(&[dir.path()], out.path(), &["--quiet", "--fail-on-new", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no-such-file"), "{}", stderr(&o));
}
