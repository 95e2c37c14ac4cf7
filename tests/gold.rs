//! Scores the pipeline against the hand-checked gold set in `tests/fixtures/` and prints the scores.
//! A test without the libtest harness (`harness = false` in Cargo.toml), so that `cargo test` always shows the
//! score table; it exits non-zero when a floor is not met.
//!
//! * `gold-lines.tsv`: one label per non-blank raw line (content, heading, boilerplate, meta, quote).
//! * `gold-posts.tsv`: for a line inside each post or comment, the author the segment must carry.

use marginalia::manifest::Manifest;
use marginalia::pipeline::{analyse, Analysis};
use marginalia::read::{self, Input, Origin};
use marginalia::rules::Rules;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const LABELS: [&str; 5] = ["content", "heading", "boilerplate", "meta", "quote"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every raw document, analysed, keyed by its seed name (the gold set's file names).
fn analysed() -> HashMap<String, Analysis> {
    let rules = Rules::load(&root().join("gazetteer")).expect("gazetteer loads");
    let raw_dir = root().join("raw");
    let manifest = Manifest::load_dir(&raw_dir).unwrap().expect("raw/MANIFEST.tsv");
    let mut out = HashMap::new();
    for entry in manifest.entries() {
        let input = Input {
            origin: Origin::File(raw_dir.join(&entry.file)),
            doc_id: entry.file.trim_end_matches(".txt").to_owned(),
            display: format!("raw/{}", entry.file),
            manifest: Some(entry.clone()),
        };
        let raw = read::read(&input).expect("raw file reads");
        out.insert(entry.seed.clone(), analyse(&raw, &rules));
    }
    out
}

fn tsv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[derive(Default, Debug, Clone, Copy)]
struct Prf {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Prf {
    fn p(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn r(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn line_labels_meet_the_floors(docs: &HashMap<String, Analysis>) {
    let gold = tsv_rows(&root().join("tests/fixtures/gold-lines.tsv"));
    let mut prf: BTreeMap<&str, Prf> = LABELS.iter().map(|&l| (l, Prf::default())).collect();
    let mut content_total = 0;
    let mut content_removed = 0;
    let mut errors = Vec::new();
    for row in &gold {
        let (file, line, label) = (&row[0], row[1].parse::<usize>().unwrap(), row[2].as_str());
        let a = docs.get(file).unwrap_or_else(|| panic!("{file} is not in raw/MANIFEST.tsv"));
        let predicted = a.classified.classes[line - 1].label.as_str();
        if predicted == label {
            prf.get_mut(label).unwrap().tp += 1;
        } else {
            prf.get_mut(label).unwrap().fn_ += 1;
            if let Some(p) = prf.get_mut(predicted) {
                p.fp += 1;
            }
            errors.push(format!(
                "  {file}:{line}: gold {label}, predicted {predicted} ({})",
                a.classified.classes[line - 1].rule
            ));
        }
        if label == "content" {
            content_total += 1;
            if !a.classified.classes[line - 1].label.is_kept() {
                content_removed += 1;
            }
        }
    }
    // Every non-blank line must be labelled: the gold set lists them all.
    let gold_lines = gold.len();
    let predicted_lines: usize =
        docs.values().map(|a| a.classified.classes.iter().filter(|c| c.label.as_str() != "blank").count()).sum();

    println!("\nline labels against gold ({gold_lines} lines):");
    println!("  {:<12} {:>6} {:>6} {:>6} {:>5}", "label", "P", "R", "F1", "n");
    for (label, s) in &prf {
        println!("  {:<12} {:>6.3} {:>6.3} {:>6.3} {:>5}", label, s.p(), s.r(), s.f1(), s.tp + s.fn_);
    }
    let removed_rate = ratio(content_removed, content_total);
    println!("  content lines wrongly removed: {content_removed}/{content_total} ({:.2} %)", 100.0 * removed_rate);
    if !errors.is_empty() {
        println!("  disagreements:\n{}", errors.join("\n"));
    }
    assert_eq!(predicted_lines, gold_lines, "non-blank line count differs from the gold set");
    let bp = prf["boilerplate"].f1();
    assert!(bp >= 0.97, "boilerplate F1 {bp:.3} < 0.97");
    assert!(content_removed * 200 <= content_total, "content wrongly removed {:.2} % > 0.5 %", 100.0 * removed_rate);
}

fn every_post_has_the_right_author(docs: &HashMap<String, Analysis>) {
    let rows = tsv_rows(&root().join("tests/fixtures/gold-posts.tsv"));
    let mut wrong = Vec::new();
    for row in &rows {
        let (file, line, want) = (&row[0], row[1].parse::<usize>().unwrap(), row[2].as_str());
        let a = &docs[file];
        let seg = a.segmented.segments.iter().find(|s| s.lines.contains(&(line - 1)));
        let got = match seg {
            None => "<no segment>".to_owned(),
            Some(s) => s.author.clone().unwrap_or_else(|| "-".into()),
        };
        if got != want {
            wrong.push(format!("  {file}:{line}: want {want}, got {got}"));
        }
    }
    println!("\nposts with the right author: {}/{}", rows.len() - wrong.len(), rows.len());
    assert!(wrong.is_empty(), "wrong authors:\n{}", wrong.join("\n"));
    // Each listed line is in a different post: the thread is split into as many posts as the gold set has.
    for file in ["000_db5536dee5c3b44d.txt", "003_f9313eb0f1ba3b9b.txt"] {
        let listed: Vec<usize> = rows.iter().filter(|r| r[0] == file).map(|r| r[1].parse().unwrap()).collect();
        let segs = &docs[file].segmented.segments;
        let owners: std::collections::BTreeSet<usize> =
            listed.iter().map(|l| segs.iter().position(|s| s.lines.contains(&(l - 1))).unwrap()).collect();
        assert_eq!(owners.len(), listed.len(), "{file}: two listed posts fell into one segment");
    }
}

fn quotes_are_attributed_to_the_quoted_poster(docs: &HashMap<String, Analysis>) {
    let gold = tsv_rows(&root().join("tests/fixtures/gold-lines.tsv"));
    let mut checked = 0;
    for row in gold.iter().filter(|r| r[2] == "quote") {
        // Notes read "quote of post by NAME ...".
        let who = row[3].strip_prefix("quote of post by ").and_then(|r| r.split_whitespace().next()).unwrap();
        let (file, line) = (&row[0], row[1].parse::<usize>().unwrap());
        let a = &docs[file];
        let q = a
            .segmented
            .segments
            .iter()
            .flat_map(|s| &s.quotes)
            .find(|q| q.lines.contains(&(line - 1)))
            .unwrap_or_else(|| panic!("{file}:{line} is in no quote block"));
        assert_eq!(q.author.as_deref(), Some(who), "{file}:{line}");
        checked += 1;
    }
    assert_eq!(checked, 15);
}

type Check = fn(&HashMap<String, Analysis>);

fn main() {
    let docs = analysed();
    let checks: [(&str, Check); 3] = [
        ("line_labels_meet_the_floors", line_labels_meet_the_floors),
        ("every_post_has_the_right_author", every_post_has_the_right_author),
        ("quotes_are_attributed_to_the_quoted_poster", quotes_are_attributed_to_the_quoted_poster),
    ];
    let mut failed = 0;
    for (name, check) in checks {
        let ok = std::panic::catch_unwind(|| check(&docs)).is_ok();
        println!("test gold::{name} ... {}", if ok { "ok" } else { "FAILED" });
        failed += usize::from(!ok);
    }
    println!("\ngold: {} passed, {failed} failed", checks.len() - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
