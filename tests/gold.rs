//! Scores the pipeline against the hand-checked gold set in `tests/fixtures/` and prints the scores.
//! A test without the libtest harness (`harness = false` in Cargo.toml), so that `cargo test` always shows the
//! score table; it exits non-zero when a floor is not met.
//!
//! * `gold-lines.tsv`: one label per non-blank raw line (content, heading, boilerplate, meta, quote).
//! * `gold-posts.tsv`: for a line inside each post or comment, the author the segment must carry.
//! * `gold-entities.jsonl`, `gold-dates.jsonl`: entity mentions and temporal expressions.
//! * `gold-claims.jsonl`: dated claims; `gold-conflicts.jsonl` and `gold-non-conflicts.jsonl`: the date
//!   inconsistencies a correct pipeline flags, and look-alikes it must not flag.
//! * `gold-stance.jsonl`: the stance of a document's author (null: its main author) or of a poster toward a target
//!   (pro, con, mixed, neutral); the `kind: "stance"` rows of `gold-conflicts.jsonl`: targets on which sources
//!   or posters take opposite stances. Scored next to the VADER baseline `bench/vader_baseline.py`, which needs
//!   Python with vaderSentiment (`bash bench/setup-python.sh`, or `MARGINALIA_PYTHON`).

mod common;

use marginalia::data::manifest::{Manifest, ManifestEntry};
use marginalia::output::write::document_output;
use marginalia::pipeline::{analyse, Analysis, Data};
use marginalia::reconcile::{reconcile, Located, LocatedStance};
use marginalia::record::Inconsistency;
use marginalia::text::normalize::Normalizer;
use marginalia::text::read::{self, Input, Origin};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

const LABELS: [&str; 5] = ["content", "heading", "boilerplate", "meta", "quote"];

/// The name the gold files use for a raw file: its seed name for the seed files, its own name for the others.
fn gold_name(entry: &ManifestEntry) -> String {
    entry.seed.clone().unwrap_or_else(|| entry.file.clone())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every raw document, analysed, keyed by its seed name (the gold set's file names). With `use_manifest` false
/// the documents' kinds are inferred from their structure, as for files the manifest does not list.
fn analysed(data: &Data, use_manifest: bool) -> HashMap<String, Analysis> {
    let raw_dir = root().join("raw");
    let manifest = Manifest::load_dir(&raw_dir).unwrap().expect("raw/MANIFEST.tsv");
    let mut out = HashMap::new();
    // The seed files: the documents this gold set labels (the corpus's other pages are scored by tests/corpus.rs).
    for entry in manifest.entries().into_iter().filter(|e| e.seed.is_some()) {
        let input = Input {
            origin: Origin::File(raw_dir.join(&entry.file)),
            doc_id: entry.file.trim_end_matches(".txt").to_owned(),
            manifest: use_manifest.then(|| Box::new(entry.clone())),
        };
        let raw = read::read(&input).expect("raw file reads");
        out.insert(gold_name(entry), analyse(&raw, data));
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
            let input = Input { origin: Origin::File(path.clone()), doc_id: name.clone(), manifest: None };
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
/// F1 and value-accuracy floors; relative expressions the recall floor. Missed, spurious and wrongly valued rows
/// of both groups are listed, and so is how many of the values the text resolves (gold `resolved_from` and
/// `resolved`) come out right.
fn dates_in_text(docs: &HashMap<String, Analysis>) {
    /// A gold row: kind, value, resolved (relative rows), and whether its year is resolved from elsewhere.
    struct GoldDate {
        kind: String,
        value: Option<String>,
        resolved: Option<String>,
        resolved_from: bool,
    }
    let mut norm = Normalizer::new();
    let text = std::fs::read_to_string(root().join("tests/fixtures/gold-dates.jsonl")).unwrap();
    let mut gold: BTreeMap<MentionKey, GoldDate> = BTreeMap::new();
    // Metadata rows (bylines, post times, URL and file-name dates) are out of scope: found or not, they are not
    // counted.
    let mut meta: std::collections::BTreeSet<MentionKey> = std::collections::BTreeSet::new();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let key = gold_key(&v, &mut norm);
        if v["meta"].as_bool().unwrap() {
            meta.insert(key);
            continue;
        }
        let string = |field: &str| v[field].as_str().map(str::to_owned);
        let row = GoldDate {
            kind: string("kind").unwrap(),
            value: string("value"),
            resolved: string("resolved"),
            resolved_from: !v["resolved_from"].is_null(),
        };
        gold.insert(key, row);
    }
    // (kind, value, resolved)
    let mut pred: BTreeMap<MentionKey, (String, Option<String>, Option<String>)> = BTreeMap::new();
    for (file, a) in docs {
        for (seg, ds) in a.segmented.segments.iter().zip(&a.dates) {
            for d in ds {
                let (line, col) = seg.raw_pos(&a.lines, d.start);
                pred.insert(
                    (file.clone(), line, col, seg.text[d.start..d.end].to_owned()),
                    (d.kind.as_str().to_owned(), d.value.clone(), d.resolved.clone()),
                );
            }
        }
    }
    let at = |k: &MentionKey| format!("{}:{}:{} {:?}", &k.0[..3], k.1, k.2, k.3);
    let show = |title: &str, v: &[String]| {
        if !v.is_empty() {
            println!("    {title} ({}):\n{}", v.len(), v.join("\n"));
        }
    };
    println!("\ndates in segment text against gold ({} rows with meta: false):", gold.len());
    let mut floors = Vec::new();
    for (group, relative) in [("absolute", false), ("relative", true)] {
        let in_group = |kind: &str| (kind == "relative") == relative;
        let mut s = Prf::default();
        let (mut values_ok, mut missed, mut spurious, mut wrong) = (0, Vec::new(), Vec::new(), Vec::new());
        for (k, g) in gold.iter().filter(|(_, g)| in_group(&g.kind)) {
            match pred.get(k) {
                Some((_, v, _)) => {
                    s.tp += 1;
                    if *v == g.value {
                        values_ok += 1;
                    } else {
                        wrong.push(format!("      {}: gold {:?}, got {:?}", at(k), g.value, v));
                    }
                }
                None => {
                    s.fn_ += 1;
                    missed.push(format!("      {} {}", at(k), g.kind));
                }
            }
        }
        for (k, (kind, v, _)) in
            pred.iter().filter(|(k, p)| in_group(&p.0) && !gold.contains_key(*k) && !meta.contains(*k))
        {
            s.fp += 1;
            spurious.push(format!("      {} {kind} {v:?}", at(k)));
        }
        let value_acc = ratio(values_ok, s.tp);
        println!(
            "  {group:<9} P {:.3} R {:.3} F1 {:.3} (n {}), value accuracy on matched {values_ok}/{} ({value_acc:.3})",
            s.p(),
            s.r(),
            s.f1(),
            s.tp + s.fn_,
            s.tp
        );
        show("missed", &missed);
        show("spurious", &spurious);
        show("wrong value", &wrong);
        if relative {
            if s.r() < 0.70 {
                floors.push(format!("relative recall {:.3} < 0.70", s.r()));
            }
        } else if s.f1() < 0.95 || value_acc < 0.95 {
            floors.push(format!("absolute F1 {:.3} and value accuracy {value_acc:.3} must be at least 0.95", s.f1()));
        }
    }
    // Values the text resolves: years of year-less dates (gold `resolved_from`) and dates of relatives (`resolved`).
    let (mut years, mut years_ok, mut relatives, mut relatives_ok) = (0, 0, 0, 0);
    let mut unresolved = Vec::new();
    for (k, g) in &gold {
        let (want, got) = if g.resolved_from {
            years += 1;
            (&g.value, pred.get(k).map(|p| &p.1))
        } else if g.resolved.is_some() {
            relatives += 1;
            (&g.resolved, pred.get(k).map(|p| &p.2))
        } else {
            continue;
        };
        if got == Some(want) {
            years_ok += usize::from(g.resolved_from);
            relatives_ok += usize::from(!g.resolved_from);
        } else {
            let got = got.map_or("nothing (not found)".to_owned(), |g| format!("{g:?}"));
            unresolved.push(format!("      {}: gold {want:?}, got {got}", at(k)));
        }
    }
    println!(
        "  resolved from context: year-less dates {years_ok}/{years} (value), relatives {relatives_ok}/{relatives} \
         (resolved)"
    );
    show("not resolved as in gold", &unresolved);
    assert!(floors.is_empty(), "{}", floors.join("; "));
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

/// A gold claim or a predicted one: (seed file, raw line, subject, event, object, value).
type ClaimKey = (String, u32, String, String, Option<String>, String);

fn gold_claims() -> Vec<ClaimKey> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/gold-claims.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().map(str::to_owned);
            (
                s("file").unwrap(),
                v["line"].as_u64().unwrap() as u32,
                s("subject").unwrap(),
                s("event").unwrap(),
                s("object"),
                s("value").unwrap(),
            )
        })
        .collect()
}

/// Dated claims against `gold-claims.jsonl`. A claim matches a gold row with the same file, raw line (of the
/// date), subject, event and value, and the same object when it names one: a claim without an object is less
/// specific, not wrong. The strict score (objects equal) is printed too.
fn claims_against_gold(docs: &HashMap<String, Analysis>, data: &Data) {
    let gold = gold_claims();
    let id = |e: usize| data.matcher.entities[e].id.clone();
    let mut pred: Vec<ClaimKey> = Vec::new();
    for (file, a) in docs {
        for (seg, cs) in a.segmented.segments.iter().zip(&a.claims) {
            for c in cs {
                let (line, _) = seg.raw_pos(&a.lines, c.date.0);
                pred.push((file.clone(), line, id(c.subject), c.event.clone(), c.object.map(id), c.value.clone()));
            }
        }
    }
    pred.sort();
    let score = |strict: bool| {
        let mut used = vec![false; pred.len()];
        let mut missed = Vec::new();
        for g in &gold {
            let hit = pred.iter().enumerate().position(|(i, p)| {
                !used[i]
                    && (&p.0, p.1, &p.2, &p.3, &p.5) == (&g.0, g.1, &g.2, &g.3, &g.5)
                    && (p.4 == g.4 || (!strict && p.4.is_none()))
            });
            match hit {
                Some(i) => used[i] = true,
                None => missed.push(g.clone()),
            }
        }
        let spurious: Vec<ClaimKey> = pred.iter().zip(&used).filter(|(_, u)| !**u).map(|(p, _)| p.clone()).collect();
        let s = Prf { tp: gold.len() - missed.len(), fp: spurious.len(), fn_: missed.len() };
        (s, missed, spurious)
    };
    let (strict, _, _) = score(true);
    let (s, missed, spurious) = score(false);
    println!(
        "
dated claims against gold ({} rows):",
        gold.len()
    );
    println!("  P {:.3} R {:.3} F1 {:.3} (a claim without an object matches a row with one)", s.p(), s.r(), s.f1());
    println!("  strict (objects equal): P {:.3} R {:.3} F1 {:.3}", strict.p(), strict.r(), strict.f1());
    let show =
        |k: &ClaimKey| format!("{}:{} {} {} {} = {}", &k.0[..3], k.1, k.2, k.3, k.4.as_deref().unwrap_or("-"), k.5);
    println!("  missed ({}):", missed.len());
    for m in &missed {
        println!("    {}", show(m));
    }
    println!("  spurious ({}):", spurious.len());
    for m in &spurious {
        println!("    {}", show(m));
    }
    assert!(s.f1() >= 0.8, "claim F1 must be at least 0.8");
}

/// Every document's claims with where they were found, as the reconcile step gets them; and document id → seed.
fn located_claims(data: &Data) -> (Vec<Located>, HashMap<String, String>) {
    let (claims, _, seeds) = located(data);
    (claims, seeds)
}

/// Every document's claims and stance sentences with where they were found, as the reconcile step gets them
/// (from `document_output`, as the writer does); and document id → seed.
fn located(data: &Data) -> (Vec<Located>, Vec<LocatedStance>, HashMap<String, String>) {
    let raw_dir = root().join("raw");
    let manifest = Manifest::load_dir(&raw_dir).unwrap().expect("raw/MANIFEST.tsv");
    let mut claims = Vec::new();
    let mut stances = Vec::new();
    let mut seeds = HashMap::new();
    for entry in manifest.entries().into_iter().filter(|e| e.seed.is_some()) {
        let doc_id = entry.file.trim_end_matches(".txt").to_owned();
        let input = Input {
            origin: Origin::File(raw_dir.join(&entry.file)),
            doc_id: doc_id.clone(),
            manifest: Some(Box::new(entry.clone())),
        };
        let raw = read::read(&input).unwrap();
        let a = analyse(&raw, data);
        let out = document_output(&raw, &a, &data.matcher);
        claims.extend(out.claims);
        stances.extend(out.stances);
        seeds.insert(doc_id, gold_name(entry));
    }
    (claims, stances, seeds)
}

/// Is a reference fact for (subject, event, object) in the gazetteer? The same lookup reconcile uses: the
/// subject's fact of the event (or of a manner of it) with that object, an event's start, the object's founding
/// for events whose object must exist, or the object's own fact of the event.
fn reference_in_gazetteer(data: &Data, subject: &str, event: &str, object: Option<&str>) -> bool {
    let entity = |id: &str| data.matcher.entities.iter().find(|e| e.id == id);
    let canon = data.claims.canonical(event).to_owned();
    let keys: Vec<&String> = data.claims.events.keys().filter(|k| data.claims.canonical(k) == canon).collect();
    let subject_fact = entity(subject).is_some_and(|e| {
        e.facts.iter().any(|f| keys.contains(&&f.key) && f.object.as_deref() == object)
            || (canon == "occurred" && e.facts.iter().any(|f| f.key == "start"))
    });
    let object_fact = object.and_then(entity).is_some_and(|o| {
        let must_exist = data.claims.events.get(&canon).is_some_and(|e| e.object_exists);
        o.facts.iter().any(|f| (must_exist && f.key == "founded") || (f.key == canon && f.object.is_none()))
    });
    subject_fact || object_fact
}

/// Date inconsistencies against `gold-conflicts.jsonl` and `gold-non-conflicts.jsonl`.
fn date_conflicts_against_gold(data: &Data) {
    let (claims, seeds) = located_claims(data);
    let found = reconcile(&claims, &data.claims, &data.matcher.entities);
    let seed = |doc: &str| seeds[doc].clone();
    let read = |name: &str| -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(root().join("tests/fixtures").join(name)).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v["kind"] == "date")
            .collect()
    };
    let subjects = |g: &serde_json::Value| -> Vec<String> {
        let mut v = vec![g["subject"].as_str().unwrap().to_owned()];
        v.extend(g["co_subjects"].as_array().into_iter().flatten().map(|x| x.as_str().unwrap().to_owned()));
        v
    };
    let gold_positions = |g: &serde_json::Value| -> Vec<(String, u32, String)> {
        g["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["file"].as_str().unwrap().to_owned(),
                    c["line"].as_u64().unwrap() as u32,
                    c["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let same_group = |i: &Inconsistency, g: &serde_json::Value| {
        subjects(g).contains(&i.subject)
            && data.claims.canonical(&i.event) == data.claims.canonical(g["event"].as_str().unwrap())
            && (i.object.is_none() || g["object"].is_null() || i.object.as_deref() == g["object"].as_str())
    };
    let positions = |i: &Inconsistency| -> Vec<(String, u32, String, Option<bool>)> {
        i.positions.iter().map(|p| (seed(&p.document), p.raw.line, p.value.clone(), p.agrees_with_reference)).collect()
    };
    println!(
        "
date inconsistencies against gold ({} found):",
        found.len()
    );
    let mut ok = true;
    let mut expected: Vec<String> = Vec::new();
    // Conflicts between or within sources: a record of the same group holding two of the gold positions.
    for g in read("gold-conflicts.jsonl").iter().filter(|g| g["against_reference"].as_bool() != Some(true)) {
        let want = gold_positions(g);
        let hit = found.iter().find(|i| {
            let at: Vec<(String, u32)> = positions(i).into_iter().map(|p| (p.0, p.1)).collect();
            i.check == "sources-disagree"
                && same_group(i, g)
                && i.within_source == g["within_source"].as_bool().unwrap()
                && want.iter().filter(|w| at.contains(&(w.0.clone(), w.1))).count() >= 2
        });
        println!(
            "  {} {} {}: {}",
            g["id"].as_str().unwrap(),
            g["subject"].as_str().unwrap(),
            g["event"].as_str().unwrap(),
            hit.map_or("NOT FLAGGED".into(), |i| format!("flagged ({})", i.id))
        );
        ok &= hit.is_some();
        expected.extend(hit.map(|i| i.id.clone()));
    }
    // Against the reference: a record of the same group with the gold claim's position disagreeing with it.
    for g in read("gold-conflicts.jsonl").iter().filter(|g| g["against_reference"].as_bool() == Some(true)) {
        let want = gold_positions(g);
        let hit = found.iter().find(|i| {
            same_group(i, g)
                && positions(i).iter().any(|p| p.3 == Some(false) && want.iter().any(|w| (&w.0, w.1) == (&p.0, p.1)))
        });
        let (s, e, o) = (g["subject"].as_str().unwrap(), g["event"].as_str().unwrap(), g["object"].as_str());
        let has_fact = subjects(g).iter().any(|s| reference_in_gazetteer(data, s, e, o));
        let extracted = claims.iter().any(|c| {
            subjects(g).contains(&c.claim.subject)
                && data.claims.canonical(&c.claim.event) == data.claims.canonical(e)
                && want.iter().any(|w| (&w.0, w.1) == (&seed(&c.document), c.claim.raw.line))
        });
        let status = match (hit, has_fact, extracted) {
            (Some(i), _, _) => format!("flagged ({})", i.id),
            (None, false, _) => "not flagged: no reference fact in the gazetteer".into(),
            (None, true, false) => "not flagged: reference in the gazetteer, claim not extracted".into(),
            (None, true, true) => "NOT FLAGGED although claim and reference are there".into(),
        };
        println!("  {} {s} {e}: {status}", g["id"].as_str().unwrap());
        ok &= hit.is_some() || !(has_fact && extracted);
        expected.extend(hit.map(|i| i.id.clone()));
    }
    // Look-alikes: no other record may consist only of a non-conflict's own positions (a record that is a gold
    // conflict may share positions with one: N21 lists the two statements of D04 among others).
    let mut wrongly = 0;
    for g in read("gold-non-conflicts.jsonl") {
        let allowed = gold_positions(&g);
        let bad: Vec<&Inconsistency> = found
            .iter()
            .filter(|i| {
                let ps = positions(i);
                !expected.contains(&i.id)
                    && subjects(&g).contains(&i.subject)
                    && ps.iter().all(|p| allowed.iter().any(|a| (&a.0, a.1, &a.2) == (&p.0, p.1, &p.2)))
            })
            .collect();
        for i in &bad {
            println!("  {} flagged although it is not a conflict ({})", g["id"].as_str().unwrap(), i.id);
        }
        wrongly += bad.len();
    }
    println!("  non-conflicts flagged: {wrongly}");
    for i in found.iter().filter(|i| !expected.contains(&i.id)) {
        let co = read("gold-conflicts.jsonl").iter().any(|g| same_group(i, g));
        let why = if co { "the same gold conflict for a co-subject" } else { "not in the gold set" };
        println!("  also found: {} {} {} {} ({why})", i.id, i.check, i.subject, i.event);
    }
    assert!(ok && wrongly == 0, "every gold date conflict must be flagged, and no non-conflict");
}

/// Dates on metadata (bylines, comment and quote times, file names and URLs) against the gold `meta: true`
/// rows: found on removed lines or, for URLs in a post, in the segment text.
fn meta_dates(docs: &HashMap<String, Analysis>) {
    let mut norm = Normalizer::new();
    let text = std::fs::read_to_string(root().join("tests/fixtures/gold-dates.jsonl")).unwrap();
    let gold: Vec<(MentionKey, Option<String>)> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["meta"].as_bool() == Some(true))
        .map(|v| (gold_key(&v, &mut norm), v["value"].as_str().map(str::to_owned)))
        .collect();
    let mut pred: HashMap<MentionKey, Option<String>> = HashMap::new();
    for (file, a) in docs {
        for (i, ds) in &a.removed_dates {
            let l = &a.lines[*i];
            for d in ds {
                pred.insert(
                    (file.clone(), l.raw_line, l.raw_col(d.start), l.text[d.start..d.end].to_owned()),
                    d.value.clone(),
                );
            }
        }
        for (seg, ds) in a.segmented.segments.iter().zip(&a.dates) {
            for d in ds.iter().filter(|d| d.machine) {
                let (line, col) = seg.raw_pos(&a.lines, d.start);
                pred.insert((file.clone(), line, col, seg.text[d.start..d.end].to_owned()), d.value.clone());
            }
        }
    }
    let found: Vec<_> = gold.iter().filter(|(k, _)| pred.contains_key(k)).collect();
    let values = found.iter().filter(|(k, v)| pred[k] == *v).count();
    println!(
        "
metadata dates against gold ({} rows with meta: true):",
        gold.len()
    );
    println!("  found {}/{}; values {values}/{}", found.len(), gold.len(), found.len());
    for (k, _) in gold.iter().filter(|(k, _)| !pred.contains_key(k)) {
        println!("    missed {}:{}:{} {:?}", &k.0[..3], k.1, k.2, k.3);
    }
    assert!(found.len() * 10 >= gold.len() * 9, "at least 90 % of metadata dates must be found");
}

/// Stance labels of the gold set, in table order.
const STANCE_LABELS: [&str; 4] = ["pro", "con", "mixed", "neutral"];
/// Our prediction for a gold row when we give no stance record for its (document, speaker, target): no label.
/// The gold set writes no row where a source only mentions a target, and `neutral` means an explicitly
/// even-handed account, which the stance stage reports as such; finding nothing is a miss, not a neutral stance.
const NO_STANCE: &str = "none";
/// The gold set's name for a commenter who signs with no name (the comment under 002's post).
const UNNAMED_COMMENTER: &str = "unnamed-commenter";

/// (seed file, who takes the stance as the gold set names them, target).
type StanceKey = (String, Option<String>, String);

/// Who takes a stance, as the gold set names them: null for a document's main author (the pipeline already
/// counts a byline's author as the main author), `unnamed-commenter` for a comment that names no author, and
/// otherwise the poster's or commenter's handle (a quote block speaks for the poster it quotes).
fn gold_speaker(author: Option<&str>, comment: Option<&str>) -> Option<String> {
    match (author, comment) {
        (None, Some(_)) => Some(UNNAMED_COMMENTER.to_owned()),
        (a, _) => a.map(str::to_owned),
    }
}

/// The pipeline's stance records, as `annotated/stances.jsonl` has them, per (seed file, speaker, target); and
/// the scored sentences of each key (the evidence the baseline gets).
#[allow(clippy::type_complexity)]
fn stance_records(
    data: &Data,
) -> (BTreeMap<StanceKey, marginalia::record::StanceRecord>, BTreeMap<StanceKey, Vec<(f64, u32, String)>>) {
    let (_, located, seeds) = located(data);
    let (records, _) = marginalia::reconcile::stances(&located, &data.stance.related);
    let key = |doc: &str, author: Option<&str>, comment: Option<&str>, target: &str| {
        (seeds[doc].clone(), gold_speaker(author, comment), target.to_owned())
    };
    let mut sentences: BTreeMap<StanceKey, Vec<(f64, u32, String)>> = BTreeMap::new();
    for e in located.iter().filter(|e| e.score != 0.0) {
        let k = key(&e.document, e.author.as_deref(), e.comment.as_deref(), &e.target);
        sentences.entry(k).or_default().push((e.score, e.raw.line, e.text.trim().to_owned()));
    }
    let records = records
        .into_iter()
        .map(|r| (key(&r.document, r.author.as_deref(), r.comment.as_deref(), &r.target), r))
        .collect();
    (records, sentences)
}

/// Per-label scores of (gold, predicted) label pairs, as `bench/vader_baseline.py` defines them: precision is 0
/// for a label never predicted; macro-F1 is the mean F1 over the labels that occur in the gold set.
/// Returns (label, P, R, F1, gold rows, predicted rows) per label, macro-F1 and accuracy.
#[allow(clippy::type_complexity)]
fn label_scores(pairs: &[(&str, &str)]) -> (Vec<(&'static str, f64, f64, f64, usize, usize)>, f64, f64) {
    let mut rows = Vec::new();
    for label in STANCE_LABELS {
        let n_gold = pairs.iter().filter(|p| p.0 == label).count();
        let n_pred = pairs.iter().filter(|p| p.1 == label).count();
        if n_gold + n_pred == 0 {
            continue;
        }
        let tp = pairs.iter().filter(|p| p.0 == label && p.1 == label).count();
        let p = if n_pred == 0 { 0.0 } else { tp as f64 / n_pred as f64 };
        let r = if n_gold == 0 { 0.0 } else { tp as f64 / n_gold as f64 };
        let f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        rows.push((label, p, r, f1, n_gold, n_pred));
    }
    let in_gold: Vec<f64> = rows.iter().filter(|r| r.4 > 0).map(|r| r.3).collect();
    let macro_f1 = if in_gold.is_empty() { 0.0 } else { in_gold.iter().sum::<f64>() / in_gold.len() as f64 };
    let accuracy = ratio(pairs.iter().filter(|p| p.0 == p.1).count(), pairs.len());
    (rows, macro_f1, accuracy)
}

/// The VADER baseline's result: its metrics object and its label for each input row.
struct Vader {
    metrics: serde_json::Value,
    labels: Vec<String>,
}

/// Run `bench/vader_baseline.py` on `rows` (JSON Lines, written under the target's temporary directory) with
/// `MARGINALIA_PYTHON`, or else the repository's `.venv/bin/python`. An error says how to get the interpreter.
fn vader_baseline(rows: &str) -> Result<Vader, String> {
    let input = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gold-stance-vader.jsonl");
    std::fs::write(&input, rows).map_err(|e| format!("cannot write {}: {e}", input.display()))?;
    let setup = "run `bash bench/setup-python.sh` from the repository root, or set MARGINALIA_PYTHON to a Python \
                 that has vaderSentiment==3.3.2";
    let python = common::baseline_python(&root())?;
    let out = Command::new(&python)
        .arg(root().join("bench/vader_baseline.py"))
        .arg(&input)
        .output()
        .map_err(|e| format!("no Python for the VADER baseline ({}: {e}): {setup}", python.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => return Err(format!("{} cannot import vaderSentiment: {setup}", python.display())),
        _ => return Err(format!("bench/vader_baseline.py failed ({}): {stderr}", out.status)),
    }
    let metrics = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("bench/vader_baseline.py printed no JSON object ({e}): {stderr}"))?;
    // stderr: one line per row, tab-separated: file, author, target, gold, predicted, mean.
    let labels = stderr.lines().filter_map(|l| l.split('\t').nth(4)).map(str::to_owned).collect();
    Ok(Vader { metrics, labels })
}

/// Stances against `gold-stance.jsonl`, next to the VADER baseline on the same sentences. Our label for a gold
/// row is the `stance` of the pipeline's record for its (document, speaker, target), as `stances.jsonl` has it;
/// no record is a miss (`NO_STANCE`), as the baseline's row without sentences is. The baseline gets the
/// sentences our record rests on: VADER scores each whole sentence, blind to the target.
fn stance_against_gold(data: &Data) {
    let (ours, sentences) = stance_records(data);
    let text = std::fs::read_to_string(root().join("tests/fixtures/gold-stance.jsonl")).unwrap();
    let gold: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut vader_rows = String::new();
    let mut misses: Vec<(usize, String)> = Vec::new();
    for (i, g) in gold.iter().enumerate() {
        let s = |k: &str| g[k].as_str().map(str::to_owned);
        let key: StanceKey = (s("file").unwrap(), s("author"), s("target").unwrap());
        let want = g["stance"].as_str().unwrap();
        let record = ours.get(&key);
        let predicted = record.map_or(NO_STANCE, |r| r.stance.as_str());
        pairs.push((want, predicted));
        // The baseline reads the sentences our label rests on: the key's scored sentences, or for an inherited
        // stance the related target's evidence.
        let own: Vec<&str> = sentences.get(&key).map_or(Vec::new(), |v| v.iter().map(|e| e.2.as_str()).collect());
        let sents: Vec<&str> = match record {
            Some(r) if r.via.is_some() => r.evidence.iter().skip(1).map(|e| e.text.as_str()).collect(),
            _ => own,
        };
        let row = serde_json::json!({
            "file": key.0, "author": key.1, "target": key.2, "gold": want, "sentences": sents,
        });
        vader_rows.push_str(&row.to_string());
        vader_rows.push('\n');
        if predicted != want {
            let lines = |v: Vec<u32>| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
            let gold_lines = lines(g["lines"].as_array().unwrap().iter().map(|l| l.as_u64().unwrap() as u32).collect());
            let n = sentences.get(&key).map_or(0, Vec::len);
            let why = match record {
                None if n == 0 => "no evaluating sentence".to_owned(),
                None => {
                    let v = &sentences[&key];
                    let net: f64 = v.iter().map(|e| e.0).sum();
                    format!(
                        "no clear side from {n} sentences (sum {net:+.2}; lines {})",
                        lines(v.iter().map(|e| e.1).collect())
                    )
                }
                Some(r) => format!(
                    "{} {:+.2} from {n} sentences{} (quoted lines {})",
                    r.stance,
                    r.score,
                    r.via.as_ref().map_or(String::new(), |v| format!(" via {v}")),
                    lines(r.evidence.iter().map(|e| e.raw.line).collect())
                ),
            };
            misses.push((
                i,
                format!(
                    "{} {} {}: gold {want} (lines {gold_lines}), ours {predicted}: {why}",
                    &key.0[..3],
                    key.1.as_deref().unwrap_or("-"),
                    key.2
                ),
            ));
        }
    }
    let (rows, macro_f1, accuracy) = label_scores(&pairs);
    println!(
        "\nstances against gold ({} rows; a row with no stance record of ours is a miss, \"{NO_STANCE}\"):",
        gold.len()
    );
    println!("  {:<8} {:>6} {:>6} {:>6} {:>5} {:>5}", "label", "P", "R", "F1", "gold", "ours");
    for (label, p, r, f1, n_gold, n_pred) in &rows {
        println!("  {label:<8} {p:>6.3} {r:>6.3} {f1:>6.3} {n_gold:>5} {n_pred:>5}");
    }
    println!("  macro-F1 {macro_f1:.3} (over the labels in the gold set), accuracy {accuracy:.3}");
    let missing = pairs.iter().filter(|p| p.1 == NO_STANCE).count();
    let as_neutral: Vec<(&str, &str)> =
        pairs.iter().map(|&(g, p)| (g, if p == NO_STANCE { "neutral" } else { p })).collect();
    let (_, strict_f1, _) = label_scores(&as_neutral);
    println!(
        "  {missing} gold rows get no stance record; counted as neutral predictions instead, macro-F1 {strict_f1:.3}"
    );
    let extra = ours
        .keys()
        .filter(|k| {
            !gold.iter().any(|g| {
                (g["file"].as_str(), g["author"].as_str(), g["target"].as_str())
                    == (Some(k.0.as_str()), k.1.as_deref(), Some(k.2.as_str()))
            })
        })
        .count();
    println!(
        "  (we also give a stance for {extra} (document, speaker, target) the gold set does not list; not scored)"
    );
    let vader = vader_baseline(&vader_rows);
    match &vader {
        Ok(v) => {
            let m = &v.metrics;
            println!("  VADER baseline on the same sentences (bench/vader_baseline.py):");
            for label in STANCE_LABELS {
                if let Some(l) = m["per_label"].get(label) {
                    println!(
                        "  {label:<8} {:>6.3} {:>6.3} {:>6.3} {:>5}",
                        l["p"].as_f64().unwrap(),
                        l["r"].as_f64().unwrap(),
                        l["f1"].as_f64().unwrap(),
                        l["n"].as_u64().unwrap()
                    );
                }
            }
            println!(
                "  VADER baseline macro-F1 {:.3}, accuracy {:.3}; ours macro-F1 {macro_f1:.3}, accuracy {accuracy:.3}",
                m["macro_f1"].as_f64().unwrap(),
                m["accuracy"].as_f64().unwrap()
            );
        }
        Err(e) => println!("  VADER baseline: NOT RUN: {e}"),
    }
    println!("  misclassified ({}):", misses.len());
    for (i, m) in &misses {
        let vader_label =
            vader.as_ref().ok().and_then(|v| v.labels.get(*i)).map_or(String::new(), |l| format!("; VADER {l}"));
        println!("    {m}{vader_label}");
    }
    let vader = vader.unwrap_or_else(|e| panic!("the VADER baseline did not run: {e}"));
    let vader_f1 = vader.metrics["macro_f1"].as_f64().unwrap();
    assert!(
        macro_f1 >= 0.70 && macro_f1 > vader_f1,
        "stance macro-F1 {macro_f1:.3} must be at least 0.70 and above the VADER baseline's {vader_f1:.3}"
    );
}

/// Stance conflicts against the `kind: "stance"` rows of `gold-conflicts.jsonl`: a stance inconsistency found by
/// the reconcile step (from the documents' stance sentences, as the writer passes them) matches a gold row with
/// the same target.
fn stance_conflicts_against_gold(data: &Data) {
    let (_, located, seeds) = located(data);
    let (records, found) = marginalia::reconcile::stances(&located, &data.stance.related);
    let text = std::fs::read_to_string(root().join("tests/fixtures/gold-conflicts.jsonl")).unwrap();
    let gold: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] == "stance")
        .collect();
    let short = |doc: &str| seeds[doc][..3].to_owned();
    let side =
        |doc: &str, author: Option<&str>, stance: &str| format!("{}/{}={stance}", short(doc), author.unwrap_or("-"));
    println!("\nstance conflicts against gold ({} gold rows, {} found):", gold.len(), found.len());
    let mut hits = 0;
    for g in &gold {
        let target = g["target"].as_str().unwrap();
        let gold_sides: Vec<String> = g["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}/{}={}",
                    &p["file"].as_str().unwrap()[..3],
                    p["author"].as_str().unwrap_or("-"),
                    p["stance"].as_str().unwrap()
                )
            })
            .collect();
        println!("  {} {target}: gold {}", g["id"].as_str().unwrap(), gold_sides.join(", "));
        match found.iter().find(|i| i.subject == target) {
            Some(i) => {
                hits += 1;
                let ours: Vec<String> =
                    i.positions.iter().map(|p| side(&p.document, p.author.as_deref(), &p.value)).collect();
                println!("      flagged ({}): {}", i.id, ours.join(", "));
            }
            None => {
                let ours: Vec<String> = records
                    .iter()
                    .filter(|r| r.target == target)
                    .map(|r| side(&r.document, r.author.as_deref(), &r.stance))
                    .collect();
                let ours = if ours.is_empty() { "none".to_owned() } else { ours.join(", ") };
                println!("      NOT FLAGGED; our stances: {ours}");
            }
        }
    }
    // The gold set annotates stances toward a closed list of targets (those of gold-stance.jsonl); a conflict on
    // another target is neither right nor wrong by it, and is listed but not scored.
    let stance_rows = std::fs::read_to_string(root().join("tests/fixtures/gold-stance.jsonl")).unwrap();
    let closed: BTreeSet<String> = stance_rows
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["target"].as_str().unwrap().to_owned())
        .collect();
    let gold_targets: Vec<&str> = gold.iter().map(|g| g["target"].as_str().unwrap()).collect();
    let (mut right, mut scored) = (0, 0);
    for i in &found {
        let ours: Vec<String> = i.positions.iter().map(|p| side(&p.document, p.author.as_deref(), &p.value)).collect();
        if gold_targets.contains(&i.subject.as_str()) {
            right += 1;
            scored += 1;
        } else if closed.contains(&i.subject) {
            scored += 1;
            println!("  FALSE (a gold target with no gold conflict): {} {}: {}", i.id, i.subject, ours.join(", "));
        } else {
            println!("  not scored (target outside the gold set's list): {} {}: {}", i.id, i.subject, ours.join(", "));
        }
    }
    let (recall, precision) = (ratio(hits, gold.len()), ratio(right, scored));
    println!("  recall {hits}/{} ({recall:.3}), precision {right}/{scored} ({precision:.3})", gold.len());
    assert!(
        recall >= 0.8 && precision >= 0.7 && !found.is_empty(),
        "stance conflicts: recall {recall:.3} must be at least 0.8 and precision {precision:.3} at least 0.7"
    );
}

fn main() {
    let data = Data::load(&root().join("gazetteer")).expect("gazetteer loads");
    let docs = analysed(&data, true);
    let checks: Vec<Check> = vec![
        ("line_labels_meet_the_floors", Box::new(|| line_labels_meet_the_floors(&docs))),
        ("line_labels_without_the_manifest", Box::new(|| line_labels_without_the_manifest(&data))),
        ("line_labels_of_other_site_styles", Box::new(|| line_labels_of_other_site_styles(&data))),
        ("entity_mentions_meet_the_floors", Box::new(|| entity_mentions_meet_the_floors(&docs, &data))),
        ("dates_in_text", Box::new(|| dates_in_text(&docs))),
        ("meta_dates", Box::new(|| meta_dates(&docs))),
        ("claims_against_gold", Box::new(|| claims_against_gold(&docs, &data))),
        ("date_conflicts_against_gold", Box::new(|| date_conflicts_against_gold(&data))),
        ("every_post_has_the_right_author", Box::new(|| every_post_has_the_right_author(&docs))),
        ("quotes_are_attributed_to_the_quoted_poster", Box::new(|| quotes_are_attributed_to_the_quoted_poster(&docs))),
        ("stance_against_gold", Box::new(|| stance_against_gold(&data))),
        ("stance_conflicts_against_gold", Box::new(|| stance_conflicts_against_gold(&data))),
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
