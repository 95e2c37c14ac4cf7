//! Shallow features of a line, for the learned line classifier ([`super::model`]).
//!
//! The boilerpipe / jusText family of evidence, none of it specific to a site: how long the line is, how much of
//! it is function words (prose) or furniture words (chrome), sentence punctuation, capitalisation, digits and
//! symbols, handles and URLs, whether it reads as a post header, where it sits in the page, how long the run of
//! short lines around it is, how often its shape repeats in the document and in the corpus, and the same facts of
//! its neighbours (jusText's context: a short line between chrome is chrome, between prose is prose).

use super::header::{self, Shape};
use super::{ends_sentence, has_sentence_break, LineClass, LineLabel, NonBlank};
use crate::clean::strip::corpus::CorpusLines;
use crate::data::rules::Rules;
use crate::text::normalize::NormLine;
use std::collections::HashMap;

/// The names of the features, in vector order (the rows of `gazetteer/line-model.tsv`).
pub const NAMES: [&str; NF] = [
    "bias",
    "log-words",
    "one-word",
    "few-words",
    "many-words",
    "log-chars",
    "stopword-share",
    "chrome-share",
    "capitalised-share",
    "all-caps",
    "digit-share",
    "symbol-share",
    "ends-sentence",
    "ends-colon",
    "sentence-break",
    "starts-lowercase",
    "url-or-email",
    "handle-token",
    "bullet-start",
    "separators",
    "shape-time",
    "shape-handle",
    "shape-header",
    "shape-chrome",
    "heading-shaped",
    "position",
    "near-top",
    "near-bottom",
    "gap-before",
    "gap-after",
    "short-run",
    "log-block-words",
    "repeats-in-document",
    "repeats-in-corpus",
    "prev-chrome",
    "next-chrome",
    "prev-meta",
    "next-meta",
    "prev-prose",
    "next-prose",
    "prev-header-shaped",
    "next-header-shaped",
    "prev-short",
    "next-short",
    "title-position",
    "after-comments",
    "document-overlap",
    "reader-share",
    "starts-with-ui",
    "starts-with-number",
    "before-first-prose",
    "after-last-prose",
    "prose-distance",
    "short-outside-prose",
    "short-title-case",
];

pub const NF: usize = 55;

pub type Vector = [f32; NF];

/// What every line of a document offers the feature extractor, computed once per document.
pub(crate) struct Context<'a> {
    pub lines: &'a [NormLine],
    pub words: &'a [usize],
    pub cls: &'a [Option<LineClass>],
    pub nb: &'a NonBlank,
    pub shapes: &'a [Option<header::HeaderShape>],
    pub rules: &'a Rules,
    pub corpus: &'a CorpusLines,
    /// Each line's share of function words.
    pub stop: Vec<f32>,
    /// Lines of the same shape in this document (by shape hash).
    pub doc_shapes: HashMap<u64, u32>,
    /// For every line, how many non-blank lines away the nearest prose line is (0 for a prose line), and the
    /// first and last prose lines.
    pub prose_distance: Vec<u32>,
    pub prose_span: Option<(usize, usize)>,
    /// Content words of the document (lowercase, 3+ letters, not function words): how many lines have each.
    pub doc_words: HashMap<String, (u32, u32)>,
    /// The heading heuristic's verdict per line.
    pub heading: &'a [bool],
    /// The first line of text no chrome rule claimed.
    pub title: Option<usize>,
    /// A comment section or a second post has begun above the line.
    pub after_comments: &'a [bool],
}

/// The content words of a line: 3 letters or more, not function words (`f` gets each in lower case).
fn content_words(t: &str, rules: &Rules, mut f: impl FnMut(&str)) {
    for w in t.split(|c: char| !c.is_alphanumeric()) {
        if w.len() < 3 || w.chars().count() < 3 || !w.chars().any(char::is_alphabetic) {
            continue;
        }
        super::with_lower(w, |lw| {
            if !rules.page.is(lw, crate::data::rules::page_kind::STOP) {
                f(lw)
            }
        });
    }
}

impl<'a> Context<'a> {
    /// Where the prose is: lines of 12 words or more, a fifth of them function words, with sentence punctuation.
    pub fn prose_lines(lines: &[NormLine], words: &[usize], stop: &[f32]) -> (Vec<u32>, Option<(usize, usize)>) {
        let prose: Vec<bool> = lines
            .iter()
            .zip(words)
            .zip(stop)
            .map(|((l, &w), &sw)| w >= 12 && sw >= 0.2 && (ends_sentence(&l.text) || has_sentence_break(&l.text)))
            .collect();
        let n = lines.len();
        let mut dist = vec![u32::MAX; n];
        let mut last: Option<u32> = None;
        let mut rank = 0u32;
        for i in 0..n {
            if lines[i].is_blank() {
                continue;
            }
            if prose[i] {
                last = Some(rank);
            }
            if let Some(p) = last {
                dist[i] = rank - p;
            }
            rank += 1;
        }
        let mut next: Option<u32> = None;
        for i in (0..n).rev() {
            if lines[i].is_blank() {
                continue;
            }
            rank -= 1;
            if prose[i] {
                next = Some(rank);
            }
            if let Some(p) = next {
                dist[i] = dist[i].min(p - rank);
            }
        }
        let first = prose.iter().position(|&p| p);
        let last = prose.iter().rposition(|&p| p);
        (dist, first.zip(last))
    }

    /// Count the document's content words: for each, the number of lines it occurs in (and the last of them).
    pub fn count_words(lines: &[NormLine], rules: &Rules) -> HashMap<String, (u32, u32)> {
        let mut m: HashMap<String, (u32, u32)> = HashMap::new();
        for (i, l) in lines.iter().enumerate() {
            let i = i as u32 + 1;
            content_words(&l.text, rules, |w| match m.get_mut(w) {
                Some(e) if e.1 != i => *e = (e.0 + 1, i),
                Some(_) => {}
                None => {
                    m.insert(w.to_owned(), (1, i));
                }
            });
        }
        m
    }

    /// Count the document's line shapes.
    pub fn count_shapes(lines: &[NormLine]) -> HashMap<u64, u32> {
        let mut m = HashMap::new();
        for l in lines {
            if let Some(h) = super::corpus::shape_hash(&l.text) {
                *m.entry(h).or_insert(0) += 1;
            }
        }
        m
    }

    fn short(&self, j: usize) -> bool {
        self.words[j] <= 4 && !ends_sentence(&self.lines[j].text)
    }

    fn prose(&self, j: usize) -> bool {
        self.words[j] >= 10 && self.stop[j] >= 0.2
    }

    fn claimed(&self, j: usize, label: LineLabel) -> bool {
        self.cls[j].as_ref().is_some_and(|c| c.label == label)
    }

    fn header_shaped(&self, j: usize) -> bool {
        self.shapes[j].as_ref().is_some_and(|h| h.shape != Shape::Chrome)
    }

    /// The feature vector of line `i` (non-blank).
    pub fn vector(&self, i: usize) -> Vector {
        let mut v = [0f32; NF];
        let t = self.lines[i].text.as_str();
        let w = self.words[i].max(1) as f32;
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        let toks: Vec<&str> = t.split_whitespace().collect();
        let chars = t.chars().count().max(1) as f32;
        let (mut digits, mut symbols, mut letters, mut upper) = (0f32, 0f32, 0f32, 0f32);
        for c in t.chars() {
            if c.is_numeric() {
                digits += 1.0;
            } else if c.is_alphabetic() {
                letters += 1.0;
                if c.is_uppercase() {
                    upper += 1.0;
                }
            } else if !c.is_whitespace() {
                symbols += 1.0;
            }
        }
        fn core(tok: &str) -> &str {
            tok.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
        }
        let chrome_word = |tok: &str| super::with_lower(core(tok), |w| self.rules.page.is_chrome(w));
        let chrome = toks.iter().filter(|tok| chrome_word(tok)).count() as f32;
        let caps = toks.iter().filter(|tok| tok.chars().next().is_some_and(char::is_uppercase)).count() as f32;
        let handle_tok = toks.iter().any(|tok| {
            tok.starts_with("u/")
                || tok.starts_with('@')
                || (tok.contains('@') && tok.contains('.'))
                || tok.contains('_')
        });
        let url = t.contains("http://") || t.contains("https://") || t.contains("www.") || has_domain(t);
        let seps = toks.iter().filter(|tok| matches!(**tok, "|" | "·" | "•" | "»" | "›" | "/" | "-" | "~")).count();
        let shape = self.shapes[i].as_ref().map(|h| h.shape);
        let rank = self.nb.rank(i) as f32;
        let total = self.nb.len().max(1) as f32;
        let gap_before = i == 0 || self.lines[i - 1].is_blank();
        let gap_after = i + 1 >= self.lines.len() || self.lines[i + 1].is_blank();
        // The run of consecutive short non-blank lines this line is part of (blanks skipped).
        let mut run = 0usize;
        if self.short(i) {
            run = 1;
            let mut k = self.nb.prev(i);
            while let Some(j) = k.filter(|&j| self.short(j)) {
                run += 1;
                k = self.nb.prev(j);
                if run > 30 {
                    break;
                }
            }
            let mut k = self.nb.next(i);
            while let Some(j) = k.filter(|&j| self.short(j)) {
                run += 1;
                k = self.nb.next(j);
                if run > 60 {
                    break;
                }
            }
        }
        // The words of the block (lines between blank lines) the line is in.
        let mut block = self.words[i];
        let mut j = i;
        while j > 0 && !self.lines[j - 1].is_blank() && i - j < 50 {
            j -= 1;
            block += self.words[j];
        }
        let mut j = i;
        while j + 1 < self.lines.len() && !self.lines[j + 1].is_blank() && j - i < 50 {
            j += 1;
            block += self.words[j];
        }
        let doc_repeats = super::corpus::shape_hash(t).and_then(|h| self.doc_shapes.get(&h)).map_or(0, |&n| n - 1);
        let prev = self.nb.prev(i);
        let next = self.nb.next(i);
        let on = |j: Option<usize>, f: &dyn Fn(usize) -> bool| b(j.is_some_and(f));

        v[0] = 1.0;
        v[1] = (1.0 + w).log2();
        v[2] = b(self.words[i] == 1);
        v[3] = b(self.words[i] <= 3);
        v[4] = b(self.words[i] >= 12);
        v[5] = (1.0 + chars).log2();
        v[6] = self.stop[i];
        v[7] = chrome / w;
        v[8] = caps / w;
        v[9] = b(letters >= 2.0 && upper == letters);
        v[10] = digits / chars;
        v[11] = symbols / chars;
        v[12] = b(ends_sentence(t));
        v[13] = b(t.ends_with(':'));
        v[14] = b(has_sentence_break(t));
        v[15] = b(t.chars().next().is_some_and(char::is_lowercase));
        v[16] = b(url);
        v[17] = b(handle_tok);
        v[18] = b(t.starts_with(['•', '*', '·', '-', '‣', '◦', '▪', '>', '+']) || super::is_numbered_item(t));
        v[19] = (seps as f32).min(4.0);
        v[20] = b(shape == Some(Shape::Time));
        v[21] = b(shape == Some(Shape::Handle));
        v[22] = b(shape == Some(Shape::Header));
        v[23] = b(shape == Some(Shape::Chrome));
        v[24] = b(self.heading[i]);
        v[25] = rank / total;
        v[26] = b(rank < 3.0);
        v[27] = b(total - rank <= 3.0);
        v[28] = b(gap_before);
        v[29] = b(gap_after);
        v[30] = (1.0 + run as f32).log2();
        v[31] = (1.0 + block as f32).log2();
        v[32] = (1.0 + doc_repeats as f32).log2();
        // A sentence that recurs across documents is a quotation they share ("Workers of the world, unite!" in
        // a hundred essays); chrome that recurs is a phrase or a label.
        let quotation = ends_sentence(t) && self.words[i] >= 8;
        // One other document with the same line is what two pages of one thread share (its title): evidence
        // begins at two.
        let others = self.corpus.others(t);
        v[33] = if quotation || others < 2 { 0.0 } else { (others as f32).log2() };
        v[34] = on(prev, &|j| self.claimed(j, LineLabel::Boilerplate));
        v[35] = on(next, &|j| self.claimed(j, LineLabel::Boilerplate));
        v[36] = on(prev, &|j| self.claimed(j, LineLabel::Meta));
        v[37] = on(next, &|j| self.claimed(j, LineLabel::Meta));
        v[38] = on(prev, &|j| self.prose(j));
        v[39] = on(next, &|j| self.prose(j));
        v[40] = on(prev, &|j| self.header_shaped(j));
        v[41] = on(next, &|j| self.header_shaped(j));
        v[42] = on(prev, &|j| self.short(j));
        v[43] = on(next, &|j| self.short(j));
        v[44] = b(self.title == Some(i));
        v[45] = b(self.after_comments[i]);
        // Lexical cohesion: prose shares its words with the rest of the page, a sidebar's links do not.
        let (mut words, mut shared) = (0usize, 0usize);
        content_words(t, self.rules, |w| {
            words += 1;
            shared += usize::from(self.doc_words.get(w).is_some_and(|e| e.0 > 1));
        });
        v[46] = if words == 0 { 0.5 } else { shared as f32 / words as f32 };
        let reader = toks
            .iter()
            .filter(|tok| {
                super::with_lower(core(tok), |w| self.rules.page.is(w, crate::data::rules::page_kind::READER))
            })
            .count() as f32;
        v[47] = reader / w;
        v[48] = b(toks.first().is_some_and(|tok| chrome_word(tok)));
        v[49] = b(t.chars().next().is_some_and(|c| c.is_ascii_digit()));
        v[50] = b(self.prose_span.is_none_or(|(f, _)| i < f));
        v[51] = b(self.prose_span.is_none_or(|(_, l)| i > l));
        v[52] = (1.0 + self.prose_distance[i].min(64) as f32).log2();
        // Two conjunctions the linear model cannot form itself: a short unpunctuated line outside the prose
        // (menus, sidebars, related links), and a short line of capitalised words (link titles, names).
        let short_open = self.words[i] <= 6 && !ends_sentence(t);
        v[53] = b(short_open && (v[50] > 0.0 || v[51] > 0.0));
        v[54] = b(self.words[i] <= 8 && caps / w >= 0.6 && !ends_sentence(t));
        v
    }
}

/// The share of a line's words that are function words.
pub fn stopword_share(t: &str, rules: &Rules) -> f32 {
    let mut n = 0;
    let mut sw = 0;
    for tok in t.split_whitespace() {
        n += 1;
        let core = tok.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        if super::with_lower(core, |w| rules.page.is(w, crate::data::rules::page_kind::STOP)) {
            sw += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        sw as f32 / n as f32
    }
}

/// A bare domain name as a token: `example.com`, `site.org/path` (a name, a dot, 2 to 6 lowercase letters, then
/// the end of the token or a path).
fn has_domain(t: &str) -> bool {
    t.split_whitespace().any(|tok| {
        let tok = tok.trim_matches(|c: char| !c.is_alphanumeric() && c != '/');
        let Some((name, rest)) = tok.split_once('.') else { return false };
        let tld = rest.split('/').next().unwrap_or("");
        name.len() >= 2
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && (2..=6).contains(&tld.len())
            && tld.bytes().all(|c| c.is_ascii_lowercase())
    })
}
