//! Scores the pipeline against the hand-checked gold set in `tests/fixtures/` and prints the scores.
//! A test without the libtest harness (`harness = false` in Cargo.toml), so that `cargo test` always shows the
//! score table; it exits non-zero when a floor is not met.
//!
//! * `gold-lines.tsv`: one label per non-blank raw line (content, heading, boilerplate, meta, quote).
//! * `gold-posts.tsv`: for a line inside each post or comment, the author the segment must carry.

use marginalia::manifest::Manifest;
use marginalia::normalize::Normalizer;
use marginalia::pipeline::{analyse, Analysis, Data};
use marginalia::read::{self, Input, Origin};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const LABELS: [&str; 5] = ["content", "heading", "boilerplate", "meta", "quote"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every raw document, analysed, keyed by its seed name (the gold set's file names). With `use_manifest` false
/// the documents' kinds are inferred from their structure, as for files the manifest does not list.
fn analysed(data: &Data, use_manifest: bool) -> HashMap<String, Analysis> {
    let raw_dir = root().join("raw");
    let manifest = Manifest::load_dir(&raw_dir).unwrap().expect("raw/MANIFEST.tsv");
    let mut out = HashMap::new();
    for entry in manifest.entries() {
        let input = Input {
            origin: Origin::File(raw_dir.join(&entry.file)),
            doc_id: entry.file.trim_end_matches(".txt").to_owned(),
            display: format!("raw/{}", entry.file),
            manifest: use_manifest.then(|| entry.clone()),
        };
        let raw = read::read(&input).expect("raw file reads");
        out.insert(entry.seed.clone(), analyse(&raw, data));
    }
    out
}

/// The synthetic documents (site styles absent from raw/: WordPress, phpBB, Reddit), keyed by file name.
fn synthetic(data: &Data) -> HashMap<String, Analysis> {
    let dir = root().join("tests/fixtures/synthetic");
    let mut out = HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let input = Input {
                origin: Origin::File(path.clone()),
                doc_id: name.clone(),
                display: name.clone(),
                manifest: None,
            };
            out.insert(name, analyse(&read::read(&input).unwrap(), data));
        }
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

/// Score line labels of `docs` against a labels TSV, print the table, and enforce the floors.
fn score_lines(title: &str, docs: &HashMap<String, Analysis>, labels: &Path) {
    let gold = tsv_rows(labels);
    let mut prf: BTreeMap<&str, Prf> = LABELS.iter().map(|&l| (l, Prf::default())).collect();
    let mut content_total = 0;
    let mut content_removed = 0;
    let mut errors = Vec::new();
    for row in &gold {
        let (file, line, label) = (&row[0], row[1].parse::<usize>().unwrap(), row[2].as_str());
        let a = docs.get(file).unwrap_or_else(|| panic!("{file}: no such document"));
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

    println!("\nline labels, {title} ({gold_lines} lines):");
    println!("  {:<12} {:>6} {:>6} {:>6} {:>5}", "label", "P", "R", "F1", "n");
    for (label, s) in &prf {
        println!("  {:<12} {:>6.3} {:>6.3} {:>6.3} {:>5}", label, s.p(), s.r(), s.f1(), s.tp + s.fn_);
    }
    let removed_rate = ratio(content_removed, content_total);
    println!("  content lines wrongly removed: {content_removed}/{content_total} ({:.2} %)", 100.0 * removed_rate);
    if !errors.is_empty() {
        println!("  disagreements:\n{}", errors.join("\n"));
    }
    assert_eq!(predicted_lines, gold_lines, "non-blank line count differs from the labels");
    let bp = prf["boilerplate"].f1();
    assert!(bp >= 0.97, "boilerplate F1 {bp:.3} < 0.97");
    assert!(content_removed * 200 <= content_total, "content wrongly removed {:.2} % > 0.5 %", 100.0 * removed_rate);
}

fn line_labels_meet_the_floors(docs: &HashMap<String, Analysis>) {
    score_lines("gold set", docs, &root().join("tests/fixtures/gold-lines.tsv"));
}

fn line_labels_without_the_manifest(data: &Data) {
    score_lines(
        "gold set, kinds inferred (manifest withheld)",
        &analysed(data, false),
        &root().join("tests/fixtures/gold-lines.tsv"),
    );
}

fn line_labels_of_other_site_styles(data: &Data) {
    score_lines(
        "synthetic WordPress/phpBB/Reddit pages",
        &synthetic(data),
        &root().join("tests/fixtures/synthetic/labels.tsv"),
    );
}

/// (seed file, raw line, raw column, normalised surface).
type MentionKey = (String, u32, u32, String);

/// The key of a gold row with `file`, `line`, `col` and `text`.
fn gold_key(v: &serde_json::Value, norm: &mut Normalizer) -> MentionKey {
    let surface = norm.line(v["text"].as_str().unwrap(), 0).text;
    (
        v["file"].as_str().unwrap().to_owned(),
        v["line"].as_u64().unwrap() as u32,
        v["col"].as_u64().unwrap() as u32,
        surface,
    )
}

/// Entity mentions against `gold-entities.jsonl`: a mention matches when it starts at the same raw line and
/// column with the same surface (both normalised); its id is then checked too.
fn entity_mentions_meet_the_floors(docs: &HashMap<String, Analysis>, data: &Data) {
    let mut norm = Normalizer::new();
    let text = std::fs::read_to_string(root().join("tests/fixtures/gold-entities.jsonl")).unwrap();
    // (file, line, col, surface) -> (id, label, variant)
    let mut gold: BTreeMap<MentionKey, (String, String, bool)> = BTreeMap::new();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let key = gold_key(&v, &mut norm);
        gold.insert(
            key,
            (
                v["id"].as_str().unwrap().to_owned(),
                v["label"].as_str().unwrap().to_owned(),
                v["variant"].as_bool().unwrap(),
            ),
        );
    }
    let mut pred: BTreeMap<MentionKey, (String, String, String)> = BTreeMap::new();
    for (file, a) in docs {
        for (seg, ms) in a.segmented.segments.iter().zip(&a.mentions) {
            for m in ms {
                let (line, col) = seg.raw_pos(&a.lines, m.start);
                let e = &data.matcher.entities[m.entity];
                pred.insert(
                    (file.clone(), line, col, seg.text[m.start..m.end].to_owned()),
                    (e.id.clone(), e.label.clone(), m.how.as_str().to_owned()),
                );
            }
        }
    }
    let mut by_label: BTreeMap<String, Prf> = BTreeMap::new();
    let mut all = Prf::default();
    let (mut ids_ok, mut matched) = (0, 0);
    let (mut var_found, mut var_total) = (0, 0);
    let mut missed = Vec::new();
    let mut spurious = Vec::new();
    let mut wrong_id = Vec::new();
    for (k, (id, label, variant)) in &gold {
        let p = by_label.entry(label.clone()).or_default();
        var_total += usize::from(*variant);
        match pred.get(k) {
            Some((pid, _, how)) => {
                all.tp += 1;
                p.tp += 1;
                matched += 1;
                var_found += usize::from(*variant);
                if pid == id {
                    ids_ok += 1;
                } else {
                    wrong_id.push(format!("  {}:{}:{} {:?}: gold {id}, got {pid} ({how})", &k.0[..3], k.1, k.2, k.3));
                }
            }
            None => {
                all.fn_ += 1;
                p.fn_ += 1;
                missed.push(format!(
                    "  {}:{}:{} {:?} {id}{}",
                    &k.0[..3],
                    k.1,
                    k.2,
                    k.3,
                    if *variant { " (variant)" } else { "" }
                ));
            }
        }
    }
    for (k, (pid, plabel, how)) in &pred {
        if !gold.contains_key(k) {
            all.fp += 1;
            by_label.entry(plabel.clone()).or_default().fp += 1;
            spurious.push(format!("  {}:{}:{} {:?} -> {pid} ({how})", &k.0[..3], k.1, k.2, k.3));
        }
    }
    println!("\nentity mentions against gold ({} mentions):", gold.len());
    println!("  {:<10} {:>6} {:>6} {:>6} {:>5}", "label", "P", "R", "F1", "n");
    for (label, s) in &by_label {
        println!("  {:<10} {:>6.3} {:>6.3} {:>6.3} {:>5}", label, s.p(), s.r(), s.f1(), s.tp + s.fn_);
    }
    println!("  {:<10} {:>6.3} {:>6.3} {:>6.3} {:>5}", "all", all.p(), all.r(), all.f1(), all.tp + all.fn_);
    // Variants: gold `variant: true` mentions against our translit/fuzzy/acronym spans.
    let mut var = Prf::default();
    for (k, (_, _, variant)) in &gold {
        let ours = pred.get(k).is_some_and(|p| matches!(p.2.as_str(), "translit" | "fuzzy" | "acronym"));
        match (*variant, ours) {
            (true, true) => var.tp += 1,
            (true, false) => var.fn_ += 1,
            (false, true) => var.fp += 1,
            _ => {}
        }
    }
    var.fp += pred
        .iter()
        .filter(|(k, p)| !gold.contains_key(*k) && matches!(p.2.as_str(), "translit" | "fuzzy" | "acronym"))
        .count();
    println!("  {:<10} {:>6.3} {:>6.3} {:>6.3} {:>5}", "variant", var.p(), var.r(), var.f1(), var.tp + var.fn_);
    let id_acc = ratio(ids_ok, matched);
    println!("  id accuracy on matched spans: {ids_ok}/{matched} ({id_acc:.3})");
    println!("  variant mentions found: {var_found}/{var_total}");
    let show = |title: &str, v: &[String]| {
        if !v.is_empty() {
            println!("  {title} ({}):\n{}", v.len(), v.join("\n"));
        }
    };
    show("missed", &missed);
    show("spurious", &spurious);
    show("wrong id", &wrong_id);
    assert!(all.f1() >= 0.95, "mention F1 {:.3} < 0.95", all.f1());
    assert!(id_acc >= 0.98, "id accuracy {id_acc:.3} < 0.98");
    assert_eq!(var_found, var_total, "every gold variant mention must be found");
}

/// Dates in segment text against `gold-dates.jsonl` (rows with `meta: false`; post and article dating lives on
/// metadata lines, which are not segment text). Absolute expressions (date, range, decade, century) must meet the
/// floors; relative expressions are reported.
fn dates_in_text(docs: &HashMap<String, Analysis>) {
    let mut norm = Normalizer::new();
    let text = std::fs::read_to_string(root().join("tests/fixtures/gold-dates.jsonl")).unwrap();
    let mut gold: BTreeMap<MentionKey, (String, Option<String>)> = BTreeMap::new();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        if v["meta"].as_bool().unwrap() {
            continue;
        }
        let key = gold_key(&v, &mut norm);
        gold.insert(key, (v["kind"].as_str().unwrap().to_owned(), v["value"].as_str().map(str::to_owned)));
    }
    let mut pred: BTreeMap<MentionKey, (String, Option<String>)> = BTreeMap::new();
    for (file, a) in docs {
        for (seg, ds) in a.segmented.segments.iter().zip(&a.dates) {
            for d in ds {
                let (line, col) = seg.raw_pos(&a.lines, d.start);
                pred.insert(
                    (file.clone(), line, col, seg.text[d.start..d.end].to_owned()),
                    (d.kind.as_str().to_owned(), d.value.clone()),
                );
            }
        }
    }
    println!("\ndates in segment text against gold ({} rows with meta: false):", gold.len());
    let mut floors_ok = true;
    for (group, relative) in [("absolute", false), ("relative", true)] {
        let in_group = |kind: &str| (kind == "relative") == relative;
        let g: Vec<_> = gold.iter().filter(|(_, v)| in_group(&v.0)).collect();
        let mut s = Prf::default();
        let mut values_ok = 0;
        for (k, (_, value)) in &g {
            match pred.get(*k) {
                Some((_, v)) => {
                    s.tp += 1;
                    values_ok += usize::from(v == value);
                }
                None => s.fn_ += 1,
            }
        }
        s.fp = pred.iter().filter(|(k, v)| in_group(&v.0) && !gold.contains_key(*k)).count();
        let value_acc = ratio(values_ok, s.tp);
        println!(
            "  {group:<9} P {:.3} R {:.3} F1 {:.3} (n {}), value accuracy on matched {values_ok}/{} ({value_acc:.3})",
            s.p(),
            s.r(),
            s.f1(),
            g.len(),
            s.tp
        );
        if !relative {
            floors_ok &= s.f1() >= 0.95 && value_acc >= 0.95;
        }
    }
    assert!(floors_ok, "absolute dates: F1 and value accuracy must be at least 0.95");
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

/// A named check; it panics when it fails.
type Check<'a> = (&'static str, Box<dyn Fn() + 'a>);

fn main() {
    let data = Data::load(&root().join("gazetteer")).expect("gazetteer loads");
    let docs = analysed(&data, true);
    let checks: Vec<Check> = vec![
        ("line_labels_meet_the_floors", Box::new(|| line_labels_meet_the_floors(&docs))),
        ("line_labels_without_the_manifest", Box::new(|| line_labels_without_the_manifest(&data))),
        ("line_labels_of_other_site_styles", Box::new(|| line_labels_of_other_site_styles(&data))),
        ("entity_mentions_meet_the_floors", Box::new(|| entity_mentions_meet_the_floors(&docs, &data))),
        ("dates_in_text", Box::new(|| dates_in_text(&docs))),
        ("every_post_has_the_right_author", Box::new(|| every_post_has_the_right_author(&docs))),
        ("quotes_are_attributed_to_the_quoted_poster", Box::new(|| quotes_are_attributed_to_the_quoted_poster(&docs))),
    ];
    let mut failed = 0;
    for (name, check) in &checks {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).is_ok();
        println!("test gold::{name} ... {}", if ok { "ok" } else { "FAILED" });
        failed += usize::from(!ok);
    }
    println!("\ngold: {} passed, {failed} failed", checks.len() - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
