//! Scores the cleaner and the segmenter on the labelled corpus (`raw/` with `raw/MANIFEST.tsv`, gold in
//! `tests/fixtures/corpus/` and the seed set's `tests/fixtures/gold-*.tsv`), per split and page style, and prints
//! them. A test without the libtest harness, so that `cargo test` always shows the table.
//!
//! Asserted on the `test` split (pages no rule or threshold was written from): the floors below, which hold the
//! measured level so that a change cannot lose it unnoticed. Also asserted: the committed line classifier
//! (`gazetteer/line-model.tsv`) is what `marginalia train lines` makes from the `dev` split today.

mod common;

use marginalia::data::rules::Rules;
use marginalia::pipeline::Data;
use marginalia::tune::eval::{evaluate, LabelledCorpus};
use std::path::PathBuf;
use std::process::Command;

/// (measure, floor on the test split, the target the project aims at).
const FLOORS: [(&str, f64, f64); 4] = [
    ("boilerplate recall", 0.48, 0.90),
    ("content kept", 0.97, 0.99),
    ("metadata handled", 0.72, 0.90),
    ("posts right", 0.72, 0.90),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run `bench/justext_baseline.py` with `MARGINALIA_PYTHON`, or with the repository's own environment made by
/// `bench/setup-python.sh` on first use; its JSON: per split, boilerplate recall and content kept.
fn justext_baseline() -> Result<serde_json::Value, String> {
    let python = common::baseline_python(&root())?;
    let out = Command::new(&python)
        .arg(root().join("bench/justext_baseline.py"))
        .output()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!("bench/justext_baseline.py: {}", String::from_utf8_lossy(&out.stderr)));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("bench/justext_baseline.py printed no JSON ({e})"))
}

fn corpus() -> LabelledCorpus {
    let f = |p: &str| root().join(p);
    LabelledCorpus::load(
        &f("raw"),
        &[f("tests/fixtures/corpus/lines.tsv"), f("tests/fixtures/gold-lines.tsv")],
        &[f("tests/fixtures/corpus/posts.tsv"), f("tests/fixtures/gold-posts.tsv")],
    )
    .expect("corpus and gold load")
}

fn main() {
    let mut failed = Vec::new();
    let corpus = corpus();

    // Every raw file is labelled, every labelled file is in raw/.
    let manifest = marginalia::data::manifest::Manifest::load_dir(&root().join("raw")).unwrap().unwrap();
    let unlabelled: Vec<&str> = manifest
        .entries()
        .into_iter()
        .filter(|e| !corpus.docs.iter().any(|d| d.entry.file == e.file))
        .map(|e| e.file.as_str())
        .collect();
    if !unlabelled.is_empty() {
        failed.push(format!("raw files without gold line labels: {unlabelled:?}"));
    }

    let data = Data::load(&root().join("gazetteer")).expect("gazetteer loads");
    let ev = evaluate(&corpus, &data).expect("documents read");
    println!("\ncleaning and thread structure on the labelled corpus (kinds inferred, as for unlisted files):");
    print!("{}", ev.table());
    println!("disagreements on the dev split:");
    for e in ev.errors("dev") {
        println!("  {e}");
    }
    let t = ev.total("test");
    let got = [t.boilerplate_recall(), t.content_kept(), t.meta_handled(), t.posts_right()];
    for ((name, floor, target), v) in FLOORS.iter().zip(got) {
        let status = if v >= *floor { "ok" } else { "BELOW FLOOR" };
        println!("test split {name}: {v:.3} (floor {floor:.2}, target {target:.2}) {status}");
        if v < *floor {
            failed.push(format!("test split {name} {v:.3} < {floor:.2}"));
        }
    }

    // What a user would pick instead: jusText, on the same lines (bench/justext_baseline.py).
    match justext_baseline() {
        Ok(j) => {
            let hm = |r: f64, k: f64| if r + k == 0.0 { 0.0 } else { 2.0 * r * k / (r + k) };
            for split in ["dev", "test"] {
                let ours = ev.total(split);
                let (jr, jk) =
                    (j[split]["boilerplate_recall"].as_f64().unwrap(), j[split]["content_kept"].as_f64().unwrap());
                println!(
                    "{split} split, jusText (default English settings, one paragraph per line): boilerplate recall {jr:.3}, \
                     content kept {jk:.3}; ours {:.3}, {:.3}",
                    ours.boilerplate_recall(),
                    ours.content_kept()
                );
            }
            let t = ev.total("test");
            let (jr, jk) =
                (j["test"]["boilerplate_recall"].as_f64().unwrap(), j["test"]["content_kept"].as_f64().unwrap());
            if hm(t.boilerplate_recall(), t.content_kept()) <= hm(jr, jk) {
                failed.push("the cleaner does no better than jusText on the test split".into());
            }
        }
        Err(e) => failed.push(format!("the jusText baseline did not run: {e}")),
    }

    // The committed model is the one the dev split gives.
    let rules = Rules::load(&root().join("gazetteer")).unwrap();
    let trained = marginalia::tune::train::train_lines(&corpus, &rules, Default::default()).unwrap();
    let committed = std::fs::read_to_string(root().join("gazetteer/line-model.tsv")).unwrap();
    if trained.model.to_tsv(&trained.summary) != committed {
        failed.push("gazetteer/line-model.tsv is stale: run `cargo run --release -- train lines`".into());
    }

    if failed.is_empty() {
        println!("corpus: ok");
    } else {
        for f in &failed {
            println!("corpus: FAILED: {f}");
        }
        std::process::exit(1);
    }
}
