//! Scoring the cleaner and the segmenter against hand-labelled pages, per split and per page style.
//!
//! Gold files (formats in `tests/fixtures/corpus/README.md`):
//! * line labels: `file`, `line`, `label`, `note` — one row per non-blank line;
//! * posts: `file`, `line`, `kind`, `author`, `posted`, `quotes`, `note` — one row per post, comment or article
//!   body, `line` being the first line of its own text (the seed set's older three-column form `file`, `line`,
//!   `author` is read too).
//!
//! `file` is a file of the raw directory, or a seed name its manifest maps to one. Documents are analysed as a
//! new user's unlisted files are: the manifest's kind is withheld, and the line-shape evidence is counted over
//! every document of the raw directory.
//!
//! The measures, chosen for what a dataset's user loses or keeps:
//! * boilerplate recall: gold boilerplate lines the output removes (as boilerplate or metadata);
//! * content kept: gold content, heading and quote lines the output keeps in a segment's text;
//! * metadata handled: gold meta lines the output turns into metadata;
//! * posts right: posts and comments whose header shows an author or a time (a "marked" post) that start a
//!   segment of their own carrying the right author (`-` in the gold: no author). Posts with no header at all
//!   cannot be told apart by any reader of the text alone; they are counted separately.

use crate::clean::strip::corpus::CorpusLines;
use crate::data::manifest::{Manifest, ManifestEntry};
use crate::error::ConfigError;
use crate::pipeline::{analyse_in, Analysis, Data};
use crate::text::read::{self, Input, Origin};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

pub const GOLD_LABELS: [&str; 5] = ["content", "heading", "quote", "meta", "boilerplate"];

#[derive(Debug, Clone)]
pub struct GoldLine {
    /// 1-based raw line.
    pub line: usize,
    pub label: &'static str,
}

#[derive(Debug, Clone)]
pub struct GoldPost {
    pub line: usize,
    pub kind: String,
    pub author: String,
    pub posted: String,
}

impl GoldPost {
    /// A post or comment whose header shows its author or time.
    pub fn marked(&self) -> bool {
        self.is_post() && (self.author != "-" || self.posted != "-")
    }
    pub fn is_post(&self) -> bool {
        matches!(self.kind.as_str(), "post" | "comment" | "answer" | "question")
    }
}

/// A labelled document of the raw directory.
#[derive(Debug, Clone)]
pub struct LabelledDoc {
    pub entry: ManifestEntry,
    pub path: PathBuf,
    pub lines: Vec<GoldLine>,
    pub posts: Vec<GoldPost>,
}

/// The labelled documents of a raw directory, in file-name order, and the evidence of the whole directory.
pub struct LabelledCorpus {
    pub docs: Vec<LabelledDoc>,
    pub evidence: CorpusLines,
}

impl LabelledCorpus {
    /// Load the manifest of `raw`, the gold files, and count the line shapes of every file of `raw`.
    pub fn load(raw: &Path, line_files: &[PathBuf], post_files: &[PathBuf]) -> Result<LabelledCorpus, ConfigError> {
        let manifest = Manifest::load_dir(raw)?
            .ok_or_else(|| ConfigError::new(raw.join("MANIFEST.tsv").to_string_lossy(), None, "no manifest"))?;
        let entries = manifest.entries();
        let by_name = |name: &str| {
            entries.iter().find(|e| e.file == name || e.seed.as_deref() == Some(name)).map(|e| e.file.clone())
        };
        let mut lines: BTreeMap<String, Vec<GoldLine>> = BTreeMap::new();
        for f in line_files {
            let (name, text) = read_text(f)?;
            for (ln, cols) in crate::data::tsv::rows(&name, &text, &["file", "line", "label", "note"])? {
                let err = |m: String| ConfigError::new(&name, Some(ln), m);
                if cols.len() < 3 {
                    return Err(err("expected file, line, label, note".into()));
                }
                let file = by_name(cols[0]).ok_or_else(|| err(format!("{:?} is not in the manifest", cols[0])))?;
                let line = cols[1].parse().map_err(|_| err(format!("bad line {:?}", cols[1])))?;
                let label = GOLD_LABELS
                    .iter()
                    .find(|l| **l == cols[2])
                    .ok_or_else(|| err(format!("unknown label {:?}", cols[2])))?;
                lines.entry(file).or_default().push(GoldLine { line, label });
            }
        }
        let mut posts: BTreeMap<String, Vec<GoldPost>> = BTreeMap::new();
        for f in post_files {
            let (name, text) = read_text(f)?;
            let wide = ["file", "line", "kind", "author", "posted", "quotes", "note"];
            let rows = crate::data::tsv::rows(&name, &text, &wide)
                .or_else(|_| crate::data::tsv::rows(&name, &text, &["file", "line", "author"]))?;
            for (ln, cols) in rows {
                let err = |m: String| ConfigError::new(&name, Some(ln), m);
                let file = by_name(cols[0]).ok_or_else(|| err(format!("{:?} is not in the manifest", cols[0])))?;
                let line = cols.get(1).and_then(|l| l.parse().ok()).ok_or_else(|| err("bad line".into()))?;
                let post = if cols.len() >= 5 {
                    GoldPost { line, kind: cols[2].into(), author: cols[3].into(), posted: cols[4].into() }
                } else if cols.len() == 3 {
                    GoldPost { line, kind: "post".into(), author: cols[2].into(), posted: "-".into() }
                } else {
                    return Err(err(format!("expected {} or 3 columns", wide.len())));
                };
                posts.entry(file).or_default().push(post);
            }
        }
        let mut docs = Vec::new();
        for e in &entries {
            let Some(ls) = lines.remove(&e.file) else { continue };
            let mut ps = posts.remove(&e.file).unwrap_or_default();
            ps.sort_by_key(|p| p.line);
            docs.push(LabelledDoc { entry: (*e).clone(), path: raw.join(&e.file), lines: ls, posts: ps });
        }
        let inputs: Vec<Input> = entries.iter().map(|e| input_of(raw, e, false)).collect();
        let evidence = crate::pipeline::corpus_evidence(&inputs);
        Ok(LabelledCorpus { docs, evidence })
    }

    pub fn split<'a>(&'a self, split: &'a str) -> impl Iterator<Item = &'a LabelledDoc> + 'a {
        self.docs.iter().filter(move |d| d.entry.split == split)
    }
}

/// The input for a manifest entry; with `listed` false the manifest row is withheld (kind inferred).
pub fn input_of(raw: &Path, e: &ManifestEntry, listed: bool) -> Input {
    Input {
        origin: Origin::File(raw.join(&e.file)),
        doc_id: e.file.trim_end_matches(".txt").to_owned(),
        manifest: listed.then(|| Box::new(e.clone())),
    }
}

fn read_text(p: &Path) -> Result<(String, String), ConfigError> {
    let name = p.to_string_lossy().replace('\\', "/");
    std::fs::read_to_string(p).map(|t| (name.clone(), t)).map_err(|e| ConfigError::new(name, None, e.to_string()))
}

/// Counts for one document or a group of them.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub docs: usize,
    pub lines: usize,
    pub boilerplate: usize,
    pub boilerplate_removed: usize,
    pub kept_gold: usize,
    pub kept: usize,
    pub meta: usize,
    pub meta_handled: usize,
    pub posts: usize,
    pub posts_right: usize,
    pub unmarked: usize,
    pub unmarked_right: usize,
    /// Gold label (GOLD_LABELS order) × predicted label, for the label agreement.
    pub agree: usize,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.docs += o.docs;
        self.lines += o.lines;
        self.boilerplate += o.boilerplate;
        self.boilerplate_removed += o.boilerplate_removed;
        self.kept_gold += o.kept_gold;
        self.kept += o.kept;
        self.meta += o.meta;
        self.meta_handled += o.meta_handled;
        self.posts += o.posts;
        self.posts_right += o.posts_right;
        self.unmarked += o.unmarked;
        self.unmarked_right += o.unmarked_right;
        self.agree += o.agree;
    }
    pub fn boilerplate_recall(&self) -> f64 {
        ratio(self.boilerplate_removed, self.boilerplate)
    }
    pub fn content_kept(&self) -> f64 {
        ratio(self.kept, self.kept_gold)
    }
    pub fn meta_handled(&self) -> f64 {
        ratio(self.meta_handled, self.meta)
    }
    pub fn posts_right(&self) -> f64 {
        ratio(self.posts_right, self.posts)
    }
    pub fn agreement(&self) -> f64 {
        ratio(self.agree, self.lines)
    }
}

pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// A handle as the gold set and the output may each write it: NFKC (the output is normalised), lowercase,
/// without `u/` or `@`, without flair in brackets.
fn handle_key(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let mut depth = 0;
    for c in s.nfkc() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            _ if depth == 0 => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    let t = out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" @", "@");
    let t = t.trim_start_matches("/u/").trim_start_matches("u/").trim_start_matches('@');
    t.trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

/// Do two author strings name the same poster? `user@instance` and `user` do.
pub fn same_author(gold: &str, got: Option<&str>) -> bool {
    match (gold, got) {
        ("-", None) => true,
        ("-", Some(_)) | (_, None) => false,
        (g, Some(p)) => {
            let (g, p) = (handle_key(g), handle_key(p));
            let user = |s: &str| s.split('@').next().unwrap_or("").to_owned();
            g == p || (!g.is_empty() && user(&g) == user(&p))
        }
    }
}

/// Score one analysed document; `errors` gets a line per disagreement.
pub fn score(a: &Analysis, d: &LabelledDoc, errors: &mut Vec<String>) -> Counts {
    let mut c = Counts { docs: 1, ..Counts::default() };
    let file = &d.entry.file;
    for g in &d.lines {
        let Some(cl) = a.classified.classes.get(g.line - 1) else {
            errors.push(format!("{file}:{}: gold line is past the end of the document", g.line));
            continue;
        };
        let got = cl.label.as_str();
        c.lines += 1;
        c.agree += usize::from(got == g.label);
        let kept = cl.label.is_kept();
        match g.label {
            "boilerplate" => {
                c.boilerplate += 1;
                c.boilerplate_removed += usize::from(!kept);
            }
            "meta" => {
                c.meta += 1;
                c.meta_handled += usize::from(got == "meta");
            }
            _ => {
                c.kept_gold += 1;
                c.kept += usize::from(kept);
            }
        }
        let wrong = match g.label {
            "boilerplate" => kept,
            "meta" => got != "meta",
            _ => !kept,
        };
        if wrong {
            let text = &a.lines[g.line - 1].text;
            let short: String = text.chars().take(70).collect();
            errors.push(format!("{file}:{}: gold {}, got {got} ({}): {short}", g.line, g.label, cl.rule));
        }
    }
    let segs = &a.segmented.segments;
    let seg_of = |line: usize| segs.iter().position(|s| s.lines.contains(&(line - 1)));
    for (k, p) in d.posts.iter().enumerate() {
        if !p.is_post() {
            continue;
        }
        let si = seg_of(p.line);
        // The post must start its own segment: no earlier gold post shares it.
        let own = si.is_some() && d.posts[..k].iter().all(|q| seg_of(q.line) != si);
        let author = si.and_then(|i| segs[i].author.as_deref());
        let right = own && same_author(&p.author, author);
        if p.marked() {
            c.posts += 1;
            c.posts_right += usize::from(right);
            if !right {
                let why = if si.is_none() {
                    "in no segment".to_owned()
                } else if !own {
                    "merged with the post above".to_owned()
                } else {
                    format!("author {author:?}")
                };
                errors.push(format!("{file}:{}: post by {}: {why}", p.line, p.author));
            }
        } else {
            c.unmarked += 1;
            c.unmarked_right += usize::from(right);
        }
    }
    c
}

/// Analyse one labelled document as an unlisted file is analysed, with the corpus's line-shape counts.
fn analyse_doc(corpus: &LabelledCorpus, d: &LabelledDoc, data: &Data) -> Result<Analysis, String> {
    let raw_dir = d.path.parent().unwrap_or(Path::new("."));
    let raw = read::read(&input_of(raw_dir, &d.entry, false)).map_err(|e| e.to_string())?;
    Ok(analyse_in(&raw, data, &corpus.evidence))
}

/// Every line of one labelled document as the cleaner labelled it, beside its gold label: line, gold, got, rule,
/// the author and time read from it, the segment it went to, and its text.
pub fn show(corpus: &LabelledCorpus, data: &Data, file: &str) -> Result<String, String> {
    use std::fmt::Write;
    let d = corpus
        .docs
        .iter()
        .find(|d| d.entry.file == file || d.entry.file.trim_end_matches(".txt") == file)
        .ok_or_else(|| format!("{file}: not a labelled document of the manifest"))?;
    let a = analyse_doc(corpus, d, data)?;
    let gold: std::collections::HashMap<usize, &str> = d.lines.iter().map(|g| (g.line, g.label)).collect();
    let mut out = String::new();
    for (i, (l, c)) in a.lines.iter().zip(&a.classified.classes).enumerate() {
        if l.is_blank() {
            continue;
        }
        let seg = a.segmented.segments.iter().position(|s| s.lines.contains(&i));
        let who = [c.author.as_deref(), c.time.as_deref()].map(|x| x.unwrap_or("-")).join("|");
        let seg = seg.map_or("-".to_owned(), |s| s.to_string());
        let g = gold.get(&(i + 1)).copied().unwrap_or("-");
        let mark = if g != "-" && g != c.label.as_str() { "*" } else { " " };
        let _ = writeln!(
            out,
            "{:>4}{mark} {g:<11} {:<11} {:<22} {:<3} {who:<24} {}",
            i + 1,
            c.label.as_str(),
            c.rule,
            seg,
            l.text
        );
    }
    Ok(out)
}

/// Scores of a corpus: per document, then grouped.
pub struct Evaluation {
    /// (split, style, counts, disagreements) per document.
    pub docs: Vec<(String, String, Counts, Vec<String>)>,
}

/// Analyse and score every labelled document.
pub fn evaluate(corpus: &LabelledCorpus, data: &Data) -> Result<Evaluation, String> {
    let mut docs = Vec::new();
    for d in &corpus.docs {
        let a = analyse_doc(corpus, d, data)?;
        let mut errors = Vec::new();
        let c = score(&a, d, &mut errors);
        docs.push((d.entry.split.clone(), d.entry.style.clone(), c, errors));
    }
    Ok(Evaluation { docs })
}

impl Evaluation {
    pub fn total(&self, split: &str) -> Counts {
        let mut t = Counts::default();
        for (s, _, c, _) in &self.docs {
            if s == split {
                t.add(c);
            }
        }
        t
    }

    /// The table: per split, per style, then the split's total; and the dev−test gap.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let row = |out: &mut String, name: &str, c: &Counts| {
            let _ = writeln!(
                out,
                "  {:<20} {:>4} {:>6} {:>8} {:>8} {:>8} {:>9} {:>9}",
                name,
                c.docs,
                c.lines,
                format!("{:.3}", c.boilerplate_recall()),
                format!("{:.3}", c.content_kept()),
                format!("{:.3}", c.meta_handled()),
                format!("{:.3} ({})", c.posts_right(), c.posts),
                format!("{}/{}", c.unmarked_right, c.unmarked),
            );
        };
        for split in ["dev", "test"] {
            let _ = writeln!(out, "{split} split:");
            let _ = writeln!(
                out,
                "  {:<20} {:>4} {:>6} {:>8} {:>8} {:>8} {:>9} {:>9}",
                "style", "docs", "lines", "bp-rec", "kept", "meta", "posts", "unmarked"
            );
            let mut by_style: BTreeMap<&str, Counts> = BTreeMap::new();
            for (s, style, c, _) in &self.docs {
                if s == split {
                    by_style.entry(style).or_default().add(c);
                }
            }
            for (style, c) in &by_style {
                row(&mut out, style, c);
            }
            row(&mut out, "ALL", &self.total(split));
        }
        let (d, t) = (self.total("dev"), self.total("test"));
        let _ = writeln!(
            out,
            "dev - test gap: boilerplate recall {:+.3}, content kept {:+.3}, metadata handled {:+.3}, posts right {:+.3}",
            d.boilerplate_recall() - t.boilerplate_recall(),
            d.content_kept() - t.content_kept(),
            d.meta_handled() - t.meta_handled(),
            d.posts_right() - t.posts_right()
        );
        out
    }

    /// The disagreements of one split's documents.
    pub fn errors(&self, split: &str) -> Vec<&str> {
        self.docs.iter().filter(|d| d.0 == split).flat_map(|d| d.3.iter().map(String::as_str)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_match_across_handle_notations() {
        assert!(same_author("u/flyingcomrade", Some("flyingcomrade")));
        assert!(same_author("roux [he/him, comrade/them]@hexbear.net", Some("roux@hexbear.net")));
        assert!(same_author("tovarish@lemmygrad.ml", Some("tovarish")));
        assert!(same_author("-", None));
        assert!(!same_author("-", Some("alice")));
        assert!(!same_author("alice", Some("bob")));
        assert!(!same_author("alice", None));
    }
}
