//! Stage 2: label every line of a document — content, heading, quote, meta or boilerplate — and strip inline
//! chrome (emoji shortcodes) from the lines that are kept.
//!
//! Evidence, applied in this order (each pass only labels lines no earlier pass claimed):
//!
//! 1. **Patterns** from `gazetteer/boilerplate.tsv` ([`Rules`]): share buttons, sign-in prompts, counters, quote
//!    headers, comment headers, bylines, photo credits, shortcode menus...
//! 2. **Headers by shape** ([`header`]): a line made only of a handle or name, a time, counters, header words,
//!    chrome words, separators and flair is a post header, a posted time, a quote header or a counter; a name
//!    line is a header when a time is next to it, when the document's own template repeats it, or in a comment
//!    section above a text (`post-header-shape`, `posted-time-shape`, `quote-header-shape`,
//!    `post-header-template`, `counter-shape`); where name lines sit directly above their own time lines, any short
//!    line of the same decoration above a time line is a header whatever its name is made of (`post-header-slot`);
//!    a name line directly under a post's header and time opens that post's text (`addressee`, kept).
//! 3. **General evidence** that needs no pattern:
//!    * `thread-starter`: a lone handle at the top of a page, below chrome and above the first text;
//!    * `quote`: after a quote header, the first line, and every following line that repeats text written earlier
//!      in the thread (the scrape keeps quoted text but loses the quote box);
//!    * `signature` / `repeated-line`: a line repeated at the end of several posts, or three or more times;
//!    * `page-title`: near the top, the browser title "Heading – Site" above the heading's own line;
//!    * `attribution`: outside threads, a quotation page's repeated "Name, Work" lines under quotations (meta);
//!    * `caption-repeat`: outside threads, a short unpunctuated line that repeats a sentence of a paragraph above
//!      it (an image or link-preview caption);
//!    * `tag-list`: a lowercase run of keywords with no function words and no punctuation;
//!    * `chrome-run`: a short unpunctuated line between two boilerplate lines;
//! 4. **The learned classifier** ([`model`], `line-model`), over [`features`] of every line still undecided (with
//!    the [`corpus`]'s counts of line shapes across documents): keep, metadata or boilerplate; a kept line is a
//!    heading where the heading evidence (a short title-shaped line above a paragraph, never inside replies)
//!    says so. Then jusText's smoothing again (`chrome-run`), and a post header keeps its post's text.
//!
//! Without a `line-model.tsv` in the gazetteer, step 4 is skipped and the heading evidence labels headings.

pub mod corpus;
pub mod features;
pub mod header;
pub mod model;

pub(crate) use crate::data::rules::with_lower;
use crate::data::rules::{Label, Role, Rules};
use crate::text::normalize::NormLine;
use corpus::CorpusLines;
use header::{HeaderShape, Shape};
use model::LineModel;
use std::collections::HashMap;

/// The label of one raw line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineLabel {
    Blank,
    Content,
    Heading,
    Quote,
    Meta,
    Boilerplate,
}

impl LineLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            LineLabel::Blank => "blank",
            LineLabel::Content => "content",
            LineLabel::Heading => "heading",
            LineLabel::Quote => "quote",
            LineLabel::Meta => "meta",
            LineLabel::Boilerplate => "boilerplate",
        }
    }

    /// Lines whose text goes into a segment.
    pub fn is_kept(self) -> bool {
        matches!(self, LineLabel::Content | LineLabel::Heading | LineLabel::Quote)
    }
}

/// Structural meaning of a line beyond its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRole {
    None,
    Rule(Role),
    /// The handle of the thread's first poster.
    ThreadStarter,
    /// A repeated signature line under a post.
    Signature,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineClass {
    pub label: LineLabel,
    /// Name of the rule that decided the label (`content` for plain content).
    pub rule: String,
    pub role: LineRole,
    pub author: Option<String>,
    pub time: Option<String>,
    /// For quote lines: the index of the quote header line, and of the earlier line the quote repeats, if found.
    pub quote_header: Option<usize>,
    pub quote_source: Option<usize>,
}

impl LineClass {
    fn new(label: LineLabel, rule: &str) -> Self {
        LineClass {
            label,
            rule: rule.to_owned(),
            role: LineRole::None,
            author: None,
            time: None,
            quote_header: None,
            quote_source: None,
        }
    }
}

/// Text removed from inside a kept line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineRemoval {
    pub line: usize,
    pub raw_col: u32,
    pub text: String,
    pub rule: &'static str,
}

/// Document kind as far as structure is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Forum,
    Blog,
    Article,
    ReferenceWithComments,
}

impl DocKind {
    pub fn parse(s: &str) -> Option<DocKind> {
        match s {
            "forum" => Some(DocKind::Forum),
            "blog" => Some(DocKind::Blog),
            "article" | "reference" => Some(DocKind::Article),
            // Questions and answers are posts with authors, as in a thread.
            "qa" => Some(DocKind::Forum),
            "reference+comments" => Some(DocKind::ReferenceWithComments),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Forum => "forum",
            DocKind::Blog => "blog",
            DocKind::Article => "article",
            DocKind::ReferenceWithComments => "reference+comments",
        }
    }
}

/// The classified document.
#[derive(Debug)]
pub struct Classified {
    pub classes: Vec<LineClass>,
    pub inline: Vec<InlineRemoval>,
    pub kind: DocKind,
}

/// Budget (bytes compared) for the substring searches of the quote and caption passes, so that a pathological
/// document stays linear-ish.
const SEARCH_BUDGET: usize = 64 << 20;

/// How many text lines above a quote header its quoted lines are looked for in.
const QUOTE_WINDOW: usize = 2000;

/// Classify every line. `kind` is the manifest's kind if known; otherwise it is inferred from the structure.
/// `model` is the learned line classifier (without one, undecided lines are content or headings).
pub fn classify(lines: &mut [NormLine], rules: &Rules, model: Option<&LineModel>, kind: Option<DocKind>) -> Classified {
    classify_in(lines, rules, model, kind, &CorpusLines::default())
}

/// Classify every line with the corpus's evidence of repeated line shapes.
pub fn classify_in(
    lines: &mut [NormLine],
    rules: &Rules,
    model: Option<&LineModel>,
    kind: Option<DocKind>,
    corpus: &CorpusLines,
) -> Classified {
    let d = draft(lines, rules, kind);
    d.finish(lines, rules, model, corpus)
}

/// The feature vectors of the lines the learned classifier decides (every line no pattern, header or quote
/// evidence claimed), for training it: (line index, features).
pub fn model_inputs(lines: &[NormLine], rules: &Rules, corpus: &CorpusLines) -> Vec<(usize, features::Vector)> {
    let d = draft(lines, rules, None);
    let ctx = d.context(lines, rules, corpus);
    d.nb.iter().filter(|&i| d.cls[i].is_none()).map(|i| (i, ctx.vector(i))).collect()
}

/// A document's lines after every pass but the learned classifier and the inline clean-up.
struct Draft {
    cls: Vec<Option<LineClass>>,
    kind: DocKind,
    words: Vec<usize>,
    nb: NonBlank,
    shapes: Vec<Option<HeaderShape>>,
    /// The heading heuristic's verdict on each unclaimed line.
    heading: Vec<bool>,
    in_reply: Vec<bool>,
    title: Option<usize>,
}

fn draft(lines: &[NormLine], rules: &Rules, kind: Option<DocKind>) -> Draft {
    let n = lines.len();
    let words: Vec<usize> = lines.iter().map(|l| l.text.split_whitespace().count()).collect();
    let mut cls: Vec<Option<LineClass>> = vec![None; n];

    // Pass 1: patterns.
    for (i, l) in lines.iter().enumerate() {
        if l.is_blank() {
            cls[i] = Some(LineClass::new(LineLabel::Blank, "blank"));
            continue;
        }
        if let Some(m) = rules.match_line(&l.text, words[i]) {
            let r = &rules.lines[m.rule];
            let label = match r.label {
                Label::Boilerplate => LineLabel::Boilerplate,
                Label::Meta => LineLabel::Meta,
                Label::Heading => LineLabel::Heading,
            };
            let mut c = LineClass::new(label, &r.name);
            c.role = LineRole::Rule(r.role);
            c.author = m.author;
            c.time = m.time;
            cls[i] = Some(c);
        }
    }
    let nb = NonBlank::new(lines);

    // A name-only byline is only a byline next to other post metadata or near the top of the page.
    for i in 0..n {
        let Some(c) = &cls[i] else { continue };
        if c.role == LineRole::Rule(Role::Byline) && c.time.is_none() {
            let near_meta = [nb.prev(i), nb.next(i)]
                .into_iter()
                .flatten()
                .any(|j| cls[j].as_ref().is_some_and(|c| c.label == LineLabel::Meta));
            let near_top = nb.rank(i) < 8;
            if !near_meta && !near_top {
                cls[i] = None;
            }
        }
    }

    // Header shapes: what each short line is made of.
    let shapes: Vec<Option<HeaderShape>> = lines
        .iter()
        .zip(&words)
        .map(|(l, &w)| if w == 0 || w > 16 { None } else { header::read(&l.text, &rules.page) })
        .collect();

    member_panels(lines, &words, &shapes, &nb, &mut cls, &rules.page);

    // A bullet + handle line directly above a posted-time line is a comment header, flair or not.
    for i in 0..n {
        if cls[i].is_some() {
            continue;
        }
        if let Some(j) = nb.next(i) {
            let next_posted = cls[j].as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::Posted));
            if next_posted {
                if let Some(handle) = bullet_handle(&lines[i].text) {
                    let mut c = LineClass::new(LineLabel::Meta, "comment-header");
                    c.role = LineRole::Rule(Role::CommentHeader);
                    c.author = Some(handle.to_owned());
                    cls[i] = Some(c);
                }
            }
        }
    }

    // Thread starter: a lone handle below the top chrome and above the first text.
    let mut seen_chrome = false;
    for i in nb.iter() {
        match &cls[i] {
            Some(c) if c.label == LineLabel::Boilerplate => seen_chrome = true,
            Some(_) => break,
            None => {
                let t = &lines[i].text;
                if seen_chrome && words[i] == 1 && is_handle(t) {
                    let mut c = LineClass::new(LineLabel::Meta, "thread-starter");
                    c.role = LineRole::ThreadStarter;
                    c.author = Some(t.clone());
                    cls[i] = Some(c);
                }
                break;
            }
        }
    }

    // Post and comment headers by their shape.
    header_pass(lines, &shapes, &nb, &mut cls, &rules.page);

    let kind = kind.unwrap_or_else(|| infer_kind(&cls, lines, &words));
    // "X wrote:" with no time is a quote header only on forum pages; in an article it introduces a quotation.
    if kind != DocKind::Forum {
        for c in cls.iter_mut() {
            if c.as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::QuoteHeader) && c.time.is_none()) {
                *c = None;
            }
        }
    }

    // Quote blocks.
    let mut budget = SEARCH_BUDGET;
    // Lines a quote may repeat: text lines above the header, the most recent QUOTE_WINDOW of them (quotes refer
    // to posts on the same page), kept incrementally.
    let mut prior: Vec<usize> = Vec::new();
    let mut scanned = 0;
    let mut comment_section = false;
    for h in 0..n {
        comment_section |= cls[h].as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::CommentCounter));
        let is_header = cls[h].as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::QuoteHeader));
        if !is_header {
            continue;
        }
        for j in scanned..h {
            let text_line = cls[j].as_ref().is_none_or(|c| c.label == LineLabel::Content);
            if text_line && !lines[j].is_blank() {
                prior.push(j);
            }
        }
        scanned = h;
        if prior.len() > 2 * QUOTE_WINDOW {
            prior.drain(..prior.len() - QUOTE_WINDOW);
        }
        let prior = &prior[prior.len().saturating_sub(QUOTE_WINDOW)..];
        // In a comment section under an article, "X said:" whose text repeats nothing above heads X's comment
        // (WordPress's and Blogger's comment headers), not a quote.
        if comment_section && cls[h].as_ref().is_some_and(|c| c.author.is_some()) {
            let first_text = nb.next(h).filter(|&j| cls[j].is_none());
            let repeats =
                first_text.is_some_and(|j| find_source(&lines[j].text, prior, lines, true, &mut budget).is_some());
            if !repeats {
                if let Some(c) = cls[h].as_mut() {
                    c.role = LineRole::Rule(Role::CommentHeader);
                    c.rule = "comment-header".into();
                }
                continue;
            }
        }
        let mut first = true;
        let mut k = nb.next(h);
        while let Some(j) = k {
            if cls[j].is_some() {
                break;
            }
            let text = &lines[j].text;
            let source = find_source(text, prior, lines, first, &mut budget);
            if !first && source.is_none() {
                break;
            }
            let mut c = LineClass::new(LineLabel::Quote, "quote");
            c.quote_header = Some(h);
            c.quote_source = source;
            cls[j] = Some(c);
            first = false;
            k = nb.next(j);
        }
    }

    // A quotation page's repeated "Name, Work" lines under its quotations.
    attributions(lines, &words, &nb, &mut cls, kind);

    // Repeated lines: signatures under posts, lines repeated three or more times.
    let mut occurrences: HashMap<&str, Vec<usize>> = HashMap::new();
    for i in nb.iter() {
        if cls[i].is_none() && words[i] <= 25 {
            occurrences.entry(lines[i].text.as_str()).or_default().push(i);
        }
    }
    let mut repeated: Vec<(Vec<usize>, &'static str)> = Vec::new();
    for occ in occurrences.values() {
        if occ.len() < 2 {
            continue;
        }
        let at_post_end = occ.iter().all(|&i| ends_post(i, &cls, &nb));
        if at_post_end {
            repeated.push((occ.clone(), "signature"));
        } else if occ.len() >= 3 {
            repeated.push((occ.clone(), "repeated-line"));
        }
    }
    for (occ, rule) in repeated {
        for i in occ {
            let mut c = LineClass::new(LineLabel::Boilerplate, rule);
            if rule == "signature" {
                c.role = LineRole::Signature;
            }
            cls[i] = Some(c);
        }
    }

    // The browser title: a line near the top that is the page's heading plus a separator and a short tail (the
    // site's name: "Title – Site", "Title | Site") is chrome when the heading itself follows as a line of its own.
    page_titles(lines, &words, &nb, &mut cls);

    // Captions that repeat a sentence of a paragraph above them. In a thread, a line repeated further down is a
    // reply quoting it, and a line repeating one above is a quotation of it: neither is a caption.
    for i in nb.iter() {
        if budget == 0 || kind == DocKind::Forum {
            break;
        }
        if cls[i].is_some() || !(6..=30).contains(&words[i]) || ends_sentence(&lines[i].text) {
            continue;
        }
        let t = lines[i].text.as_str();
        let found = nb.iter().take_while(|&j| j < i).any(|j| {
            if budget < lines[j].text.len() {
                budget = 0;
                return false;
            }
            if j == i || cls[j].is_some() || lines[j].text.len() < t.len() + 10 {
                return false;
            }
            budget -= lines[j].text.len();
            lines[j].text.contains(t)
        });
        if found {
            cls[i] = Some(LineClass::new(LineLabel::Boilerplate, "caption-repeat"));
        }
    }

    // An image's alternative text and its caption: the same short line twice, on consecutive lines (up to case
    // and punctuation). At the very top of a page the pair is the title printed twice (browser title and heading);
    // a heading repeated under its link has a blank line between; a line repeated in quotation marks, or in a
    // thread, is a reply quoting it. None of those is a caption.
    if kind != DocKind::Forum {
        let quoted = |t: &str| t.trim_start().starts_with(['"', '“', '‘', '\'', '«', '>']);
        for i in nb.iter() {
            let j = i + 1;
            if j >= n || nb.rank(i) < 2 || cls[i].is_some() || cls[j].is_some() || !(2..=20).contains(&words[i]) {
                continue;
            }
            if quoted(&lines[i].text) || quoted(&lines[j].text) {
                continue;
            }
            if same_folded(&lines[i].text, &lines[j].text) {
                for k in [i, j] {
                    cls[k] = Some(LineClass::new(LineLabel::Boilerplate, "caption-pair"));
                }
            }
        }
    }

    // Tag lists: lowercase keywords without function words.
    for i in nb.iter() {
        if cls[i].is_none() && is_tag_list(&lines[i].text, words[i], rules) {
            cls[i] = Some(LineClass::new(LineLabel::Boilerplate, "tag-list"));
        }
    }

    // The links under a list's head.
    link_lists(lines, &words, &nb, &mut cls);
    // Short unpunctuated lines inside a run of chrome.
    chrome_runs(lines, &words, &nb, &mut cls);

    // Headings, bottom-up, so that a heading directly above another heading is seen as one.
    let mut in_reply = vec![false; n];
    let mut replying = false;
    let mut seen_text = false;
    for i in 0..n {
        if let Some(c) = &cls[i] {
            let ends_post = c.role == LineRole::Rule(Role::Footer) && kind == DocKind::Forum;
            let comments = matches!(c.role, LineRole::Rule(Role::CommentHeader) | LineRole::Rule(Role::CommentCounter));
            if (ends_post || comments) && seen_text {
                replying = true;
            }
        } else if !lines[i].is_blank() {
            seen_text = true;
        }
        in_reply[i] = replying;
    }
    // The title position is the first line of text, unless the page opens with a quote.
    let first_unlabelled = nb.iter().find(|&i| cls[i].as_ref().is_none_or(|c| c.label == LineLabel::Quote));
    let candidates: Vec<usize> = nb.iter().filter(|&i| cls[i].is_none()).collect();
    // Evaluated bottom-up as if each verdict were applied, so that a heading directly above another is seen as
    // one; the verdicts are undone afterwards: they are evidence for the classifier, or the labels without one.
    let mut heading = vec![false; n];
    for &i in candidates.iter().rev() {
        let ctx = HeadingContext { title_position: Some(i) == first_unlabelled, gap_before: gap_before(i, lines) };
        if !in_reply[i] && is_heading(i, lines, &words, &cls, &nb, ctx) {
            heading[i] = true;
            cls[i] = Some(LineClass::new(LineLabel::Heading, "heading"));
        }
    }
    for (i, h) in heading.iter().enumerate() {
        if *h {
            cls[i] = None;
        }
    }
    Draft { cls, kind, words, nb, shapes, heading, in_reply, title: first_unlabelled }
}

impl Draft {
    fn context<'a>(
        &'a self,
        lines: &'a [NormLine],
        rules: &'a Rules,
        corpus: &'a CorpusLines,
    ) -> features::Context<'a> {
        let stop: Vec<f32> = lines.iter().map(|l| features::stopword_share(&l.text, rules)).collect();
        let prose = features::Context::prose_lines(lines, &self.words, &stop);
        features::Context {
            stop,
            lines,
            words: &self.words,
            cls: &self.cls,
            nb: &self.nb,
            shapes: &self.shapes,
            rules,
            corpus,
            doc_shapes: features::Context::count_shapes(lines),
            doc_words: features::Context::count_words(lines, rules),
            prose_distance: prose.0,
            prose_span: prose.1,
            heading: &self.heading,
            title: self.title,
            after_comments: &self.in_reply,
        }
    }

    fn finish(
        self,
        lines: &mut [NormLine],
        rules: &Rules,
        model: Option<&LineModel>,
        corpus: &CorpusLines,
    ) -> Classified {
        let decided: Vec<(usize, LineClass)> = match model {
            Some(model) => {
                let ctx = self.context(lines, rules, corpus);
                self.nb
                    .iter()
                    .filter(|&i| self.cls[i].is_none())
                    .map(|i| {
                        // Metadata is who and when: a line with no header part (a handle, a time, header words)
                        // is kept or removed, never made metadata.
                        let allowed: &[LineLabel] = if self.shapes[i].is_some() {
                            &model::CLASSES
                        } else {
                            &[LineLabel::Content, LineLabel::Boilerplate]
                        };
                        (i, model.predict_among(&ctx.vector(i), allowed))
                    })
                    .map(|(i, label)| match label {
                        // A kept line is a heading where the heading evidence says so.
                        LineLabel::Content if self.heading[i] => (i, LineClass::new(LineLabel::Heading, "heading")),
                        label => (i, self.model_class(i, label, lines)),
                    })
                    .collect()
            }
            None => (0..lines.len())
                .filter(|&i| self.heading[i])
                .map(|i| (i, LineClass::new(LineLabel::Heading, "heading")))
                .collect(),
        };
        let Draft { mut cls, kind, words, nb, .. } = self;
        for (i, c) in decided {
            if c.label != LineLabel::Content {
                cls[i] = Some(c);
            }
        }
        if model.is_some() {
            chrome_runs(lines, &words, &nb, &mut cls);
            keep_post_text(lines, &self.shapes, &nb, &mut cls);
        }

        let mut classes: Vec<LineClass> =
            cls.into_iter().map(|c| c.unwrap_or_else(|| LineClass::new(LineLabel::Content, "content"))).collect();

        // Inline emoji shortcodes in kept lines.
        let mut inline = Vec::new();
        for (i, c) in classes.iter_mut().enumerate() {
            if !c.label.is_kept() {
                continue;
            }
            let ranges = shortcodes(&lines[i].text);
            if ranges.is_empty() {
                continue;
            }
            for &(s, e) in &ranges {
                inline.push(InlineRemoval {
                    line: i,
                    raw_col: lines[i].raw_col(s),
                    text: lines[i].text[s..e].to_owned(),
                    rule: "emoji-shortcode",
                });
            }
            lines[i].remove_ranges(&ranges);
            if lines[i].is_blank() {
                *c = LineClass::new(LineLabel::Boilerplate, "shortcode-only");
            }
        }
        Classified { classes, inline, kind }
    }
}

/// Short unpunctuated lines between two boilerplate lines are boilerplate too (jusText's context smoothing).
/// Members' panels beside forum posts: runs of field lines ("Joined" / "Apr 18, 2013", "Posts: 1,234", "Senior
/// Member", "Location" / "Moscow") that open with a field of membership (`panel` in page-words.tsv) or a rank.
/// The run is chrome; the name line above it (across at most one custom title) is the post's header.
fn member_panels(
    lines: &[NormLine],
    words: &[usize],
    shapes: &[Option<HeaderShape>],
    nb: &NonBlank,
    cls: &mut [Option<LineClass>],
    page: &crate::data::rules::PageWords,
) {
    let rule_panel = |c: &Option<LineClass>| c.as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::Panel));
    // A field's name alone: one to three words, the first capitalised, no digits or sentence punctuation.
    let key = |i: usize| {
        let t = lines[i].text.trim_end_matches(':');
        words[i] <= 3
            && t.starts_with(|c: char| c.is_uppercase())
            && t.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-')
    };
    // A field of membership names it first ("Joined", "Reaction score"; not "Recommended Posts").
    let membership = |i: usize| {
        key(i)
            && lines[i]
                .text
                .trim_end_matches(':')
                .split(' ')
                .next()
                .is_some_and(|w| with_lower(w, |l| page.is(l, crate::data::rules::page_kind::PANEL)))
    };
    let value = |i: usize| words[i] <= 4 && lines[i].text.len() <= 40 && !ends_sentence(&lines[i].text);
    // Only lines no rule gave a structural role, or bylines and datelines (a join date is not a post's time).
    let free = |c: &Option<LineClass>| {
        c.as_ref().is_none_or(|c| c.role == LineRole::Rule(Role::None) || c.role == LineRole::Rule(Role::Byline))
    };
    // The first line after the last run read: a run is read once.
    let mut past = 0;
    for i in nb.iter() {
        if i < past || !(rule_panel(&cls[i]) || (cls[i].is_none() && membership(i))) {
            continue;
        }
        let mut run = vec![i];
        let mut open_key = !rule_panel(&cls[i]);
        let mut fields = 1;
        let mut j = nb.next(i);
        while let Some(x) = j {
            let after = nb.next(x);
            if rule_panel(&cls[x]) {
                open_key = false;
                fields += 1;
            } else if open_key && free(&cls[x]) && value(x) {
                open_key = false;
            } else if !open_key && cls[x].is_none() && key(x) && after.is_some_and(|y| free(&cls[y]) && value(y)) {
                open_key = true;
                fields += usize::from(membership(x));
            } else {
                break;
            }
            run.push(x);
            j = after;
        }
        past = run.last().map_or(i, |&l| l) + 1;
        let name_line = |x: usize| {
            cls[x].is_none()
                && words[x] <= 4
                && !ends_sentence(&lines[x].text)
                && shapes[x].as_ref().is_some_and(|h| h.shape == Shape::Handle)
        };
        // The name above, across a custom title and a rank the patterns do not know ("Rogue Valley" / "Lead or
        // get out of the way" / "DP Veteran" / "Joined"): the farthest name line of the short lines above.
        let mut above = Vec::new();
        let mut a = nb.prev(i);
        while let Some(x) = a.filter(|_| above.len() < 3) {
            if cls[x].is_some() || words[x] > 8 || ends_sentence(&lines[x].text) || lines[x].text.ends_with(['?', '!'])
            {
                break;
            }
            above.push(x);
            a = nb.prev(x);
        }
        let at = above.iter().rposition(|&x| name_line(x));
        let name = at.map(|k| above[k]);
        let titles: Vec<usize> = at.map(|k| above[..k].to_vec()).unwrap_or_default();
        // One rank line alone is a panel only under a name; a run of fields is one anywhere.
        if name.is_none() && (run.len() < 2 || fields < 2) {
            continue;
        }
        let fresh: Vec<usize> = run.iter().copied().filter(|&x| !rule_panel(&cls[x])).collect();
        for x in fresh {
            let mut c = LineClass::new(LineLabel::Boilerplate, "member-panel-shape");
            c.role = LineRole::Rule(Role::Panel);
            cls[x] = Some(c);
        }
        if let Some(n) = name {
            for t in titles {
                cls[t] = Some(LineClass::new(LineLabel::Boilerplate, "member-title"));
            }
            let mut c = LineClass::new(LineLabel::Meta, "post-header-panel");
            c.role = LineRole::Rule(Role::CommentHeader);
            c.author = Some(lines[n].text.trim_start_matches(['•', '·', '*', '-', ' ']).to_owned());
            cls[n] = Some(c);
        }
    }
}

/// Under the head of a list of links ("Related posts", "Similar resources:"), the short lines without sentence
/// punctuation are its links, up to the first line of prose, the first line a rule claimed or a gap of two blank
/// lines.
fn link_lists(lines: &[NormLine], words: &[usize], nb: &NonBlank, cls: &mut [Option<LineClass>]) {
    let heads: Vec<usize> =
        nb.iter().filter(|&i| cls[i].as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::Links))).collect();
    for h in heads {
        let mut k = nb.next(h);
        while let Some(j) = k {
            let link = cls[j].is_none() && words[j] <= 12 && !ends_sentence(&lines[j].text) && gap_before(j, lines) < 2;
            if !link {
                break;
            }
            cls[j] = Some(LineClass::new(LineLabel::Boilerplate, "link-list"));
            k = nb.next(j);
        }
    }
}

fn chrome_runs(lines: &[NormLine], words: &[usize], nb: &NonBlank, cls: &mut [Option<LineClass>]) {
    loop {
        let mut changed = false;
        for i in nb.iter() {
            if cls[i].is_some() || words[i] > 12 || ends_sentence(&lines[i].text) {
                continue;
            }
            let is_bp = |j: Option<usize>| {
                j.is_some_and(|j| cls[j].as_ref().is_some_and(|c| c.label == LineLabel::Boilerplate))
            };
            if is_bp(nb.prev(i)) && is_bp(nb.next(i)) {
                cls[i] = Some(LineClass::new(LineLabel::Boilerplate, "chrome-run"));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// A post header starts a post, and a post has text: where the classifier removed every line between two post
/// headers (or after the last one), the lines it removed that are not header-shaped are kept after all.
fn keep_post_text(lines: &[NormLine], shapes: &[Option<HeaderShape>], nb: &NonBlank, cls: &mut [Option<LineClass>]) {
    let is_header = |c: &Option<LineClass>| c.as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::CommentHeader));
    let headers: Vec<usize> = (0..lines.len()).filter(|&i| is_header(&cls[i])).collect();
    for (k, &h) in headers.iter().enumerate() {
        let end = headers.get(k + 1).copied().unwrap_or(lines.len());
        let body: Vec<usize> = nb.iter().filter(|&i| i > h && i < end).collect();
        let has_text = body.iter().any(|&i| cls[i].as_ref().is_none_or(|c| c.label.is_kept()));
        if has_text {
            continue;
        }
        for i in body {
            let by_model = cls[i].as_ref().is_some_and(|c| c.rule == "line-model" || c.rule == "chrome-run");
            if by_model && shapes[i].is_none() {
                cls[i] = None;
            }
        }
    }
}

/// How many non-blank lines away a handle line's time may be ("Eureka Australis" / "17-12-2007, 23:16"), with
/// only counters and chrome between them.
const HEADER_REACH: usize = 6;

/// Lines made of header parts become post metadata: a time line is when the post was written, a line with a
/// handle and a time (or header words) is a post header, and a handle alone is a post header when a time line
/// is next to it — the parts of one header split over two or three lines.
fn header_pass(
    lines: &[NormLine],
    shapes: &[Option<HeaderShape>],
    nb: &NonBlank,
    cls: &mut [Option<LineClass>],
    page: &crate::data::rules::PageWords,
) {
    let part = |h: &HeaderShape, i: usize| h.author.map(|(a, b)| lines[i].text[a..b].to_owned());
    let time = |h: &HeaderShape, i: usize| h.time.map(|(a, b)| lines[i].text[a..b].to_owned());
    // A time within reach, with only chrome lines (counters, buttons) between.
    let time_near = |i: usize, forward: bool| -> Option<usize> {
        let mut k = if forward { nb.next(i) } else { nb.prev(i) };
        for _ in 0..HEADER_REACH {
            let j = k?;
            match shapes[j].as_ref().map(|h| (h.shape, h.author.is_some())) {
                Some((Shape::Time, _)) | Some((Shape::Header, false)) => return Some(j),
                Some((Shape::Chrome, _)) => {}
                // Another name: the time, if any, is that one's.
                Some((Shape::Handle, _)) | Some((Shape::Header, true)) => return None,
                _ if cls[j].as_ref().is_some_and(|c| c.label == LineLabel::Boilerplate) => {}
                // A user panel between a handle and its time: rank, stars, post count, a website.
                _ if lines[j].text.split(' ').count() <= 4 && !ends_sentence(&lines[j].text) => {}
                _ => return None,
            }
            k = if forward { nb.next(j) } else { nb.prev(j) };
        }
        None
    };
    // A name line above a line of flair and a time whose own "author" is only a guess from its first words
    // ("Ivan Petrov" / "Historian of the USSR · 5y"; Disqus's "Olga" / "Mikhail Petrov • 3 years ago", the
    // second name being the one replied to): the name line is the author. Taken where the pair recurs or
    // comes after the page's first prose, so that a title above the first post's header is not.
    let flair_below = |i: usize| -> Option<usize> {
        let j = nb.next(i)?;
        let h = shapes[j].as_ref()?;
        (h.shape == Shape::Header && h.author.is_some() && h.time.is_some() && !h.explicit && cls[j].is_none())
            .then_some(j)
    };
    let handle_at = |i: usize| shapes[i].as_ref().is_some_and(|h| h.shape == Shape::Handle) && cls[i].is_none();
    let pairs = nb.iter().filter(|&i| handle_at(i) && flair_below(i).is_some()).count();
    let first_prose = nb.iter().find(|&i| shapes[i].is_none() && lines[i].text.split(' ').count() >= 12);
    // The document's own header template: a name line with the same decoration ("## name", "4. name",
    // "• name") recurring between blocks of text.
    let decoration = |i: usize, h: &HeaderShape| {
        let (a, b) = h.author?;
        let t = &lines[i].text;
        let mask: String =
            format!("{}\u{1}{}", &t[..a], &t[b..]).chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();
        (mask.len() > 1).then_some(mask)
    };
    let mut templates: HashMap<String, usize> = HashMap::new();
    for i in nb.iter() {
        if let Some(h) = shapes[i].as_ref().filter(|h| h.shape == Shape::Handle) {
            if let Some(m) = decoration(i, h) {
                *templates.entry(m).or_insert(0) += 1;
            }
        }
    }
    let templated = |i: usize, h: &HeaderShape| decoration(i, h).is_some_and(|m| templates[&m] >= 2);
    // After a comment counter ("12 comments"), a name line above a text is a comment's header.
    let mut comment_section = vec![false; lines.len()];
    let mut on = false;
    for (i, c) in cls.iter().enumerate() {
        on |= c.as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::CommentCounter));
        comment_section[i] = on;
    }
    let text_follows = |i: usize| {
        nb.next(i).is_some_and(|j| cls[j].is_none() && shapes[j].is_none() && lines[j].text.split(' ').count() >= 3)
    };
    let mut found = Vec::new();
    // Lines already read as part of an earlier line's header.
    let mut taken = vec![false; lines.len()];
    for i in nb.iter() {
        let Some(h) = &shapes[i] else { continue };
        if taken[i] {
            continue;
        }
        // A line with an author and a post's time is a header even where a pattern for chrome of no structural
        // role claimed it ("pg 3 hours ago | parent | next" is also breadcrumb-shaped).
        let overridable =
            cls[i].as_ref().is_some_and(|c| c.label == LineLabel::Boilerplate && c.role == LineRole::Rule(Role::None))
                && h.shape == Shape::Header
                && h.author.is_some()
                && h.strong_time;
        if cls[i].is_some() && !overridable {
            continue;
        }
        // "X said:" / "X wrote:" (with a time, or a name of several words the patterns do not take: "2 hours
        // ago, pavel popelskii said:") head a quote; one without a time is a quote's header only in a thread,
        // which the kind decides later.
        let t = lines[i].text.as_str();
        let last_word = t.trim_end_matches(':').rsplit(' ').next().unwrap_or("");
        if t.ends_with(':') && with_lower(last_word, |w| page.is(w, crate::data::rules::page_kind::VERB)) {
            if cls[i].is_none() && h.author.is_some() {
                let mut c = LineClass::new(LineLabel::Meta, "quote-header-shape");
                c.role = LineRole::Rule(Role::QuoteHeader);
                c.author = part(h, i);
                c.time = time(h, i);
                found.push((i, c));
            }
            continue;
        }
        let c = match h.shape {
            Shape::Time if h.strong_time => {
                let mut c = LineClass::new(LineLabel::Meta, "posted-time-shape");
                c.role = LineRole::Rule(Role::Posted);
                c.time = time(h, i);
                c
            }
            Shape::Header => {
                let mut c = LineClass::new(LineLabel::Meta, "post-header-shape");
                c.role = LineRole::Rule(if h.quoting {
                    Role::QuoteHeader
                } else if h.author.is_some() {
                    Role::CommentHeader
                } else {
                    Role::Posted
                });
                c.author = part(h, i);
                c.time = time(h, i);
                c
            }
            // Counters, rows of buttons and separators are chrome, never text.
            Shape::Chrome if h.counter => LineClass::new(LineLabel::Boilerplate, "counter-shape"),
            // A thread's own counter ("2 Answers") starts its replies.
            Shape::Chrome if h.thread_counter => {
                let mut c = LineClass::new(LineLabel::Meta, "comment-counter-shape");
                c.role = LineRole::Rule(Role::CommentCounter);
                c
            }
            Shape::Handle => {
                // The name line's time: the flair-and-time line under it, or a time line within reach (even
                // a day and month alone, "Mar 3").
                let flair = flair_below(i).filter(|_| pairs >= 2 || first_prose.is_some_and(|p| p < i));
                let after = time_near(i, true);
                if flair.is_none()
                    && after.is_none()
                    && time_near(i, false).is_none()
                    && !templated(i, h)
                    && !(comment_section[i] && text_follows(i))
                {
                    continue;
                }
                let own_time = flair
                    .or(after
                        .filter(|&j| cls[j].is_none() && shapes[j].as_ref().is_some_and(|hj| hj.shape == Shape::Time)));
                if let Some(j) = own_time {
                    let hj = shapes[j].as_ref().expect("a header shape");
                    let mut t = LineClass::new(LineLabel::Meta, "posted-time-shape");
                    t.role = LineRole::Rule(Role::Posted);
                    t.time = time(hj, j);
                    found.push((j, t));
                    taken[j] = true;
                }
                let mut c = LineClass::new(LineLabel::Meta, "post-header-shape");
                c.role = LineRole::Rule(Role::CommentHeader);
                c.author = part(h, i);
                c
            }
            _ => continue,
        };
        found.push((i, c));
    }
    // Name lines of the same shape as a name line already read as a header, above a text and after it, are
    // headers too: the document's own template ("Aya Thompson" / "28 February 2021", then "Jake Humphrey").
    let accepted: Vec<String> = found
        .iter()
        .filter(|(i, _)| shapes[*i].as_ref().is_some_and(|h| h.shape == Shape::Handle))
        .filter_map(|(i, _)| shapes[*i].as_ref().map(|h| decoration(*i, h).unwrap_or_default()))
        .collect();
    if let Some(&(first, _)) = found.iter().find(|(i, _)| shapes[*i].as_ref().is_some_and(|h| h.shape == Shape::Handle))
    {
        let taken: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
        for i in nb.iter().filter(|&i| i > first && cls[i].is_none() && !taken.contains(&i)) {
            let Some(h) = shapes[i].as_ref().filter(|h| h.shape == Shape::Handle) else { continue };
            let gap = i > 0 && lines[i - 1].is_blank();
            if gap && text_follows(i) && accepted.contains(&decoration(i, h).unwrap_or_default()) {
                let mut c = LineClass::new(LineLabel::Meta, "post-header-template");
                c.role = LineRole::Rule(Role::CommentHeader);
                c.author = part(h, i);
                found.push((i, c));
            }
        }
    }
    slot_headers(lines, shapes, nb, cls, &mut found);
    // A name line without a time directly under a post's header and time opens that post's text: the one replied
    // to ("@name"), not a new header.
    let roles = role_table(&found, lines.len());
    let role = |k: usize| roles[k];
    let under_header = |i: usize| {
        nb.prev(i).is_some_and(|p| {
            role(p) == Some(LineRole::Rule(Role::Posted))
                && nb.prev(p).is_some_and(|q| role(q) == Some(LineRole::Rule(Role::CommentHeader)))
        })
    };
    for (i, c) in found.iter_mut() {
        let timeless = shapes[*i].as_ref().is_some_and(|h| h.time.is_none() && !h.quoting);
        if c.role == LineRole::Rule(Role::CommentHeader) && c.time.is_none() && timeless && under_header(*i) {
            *c = LineClass::new(LineLabel::Content, "addressee");
        }
    }
    for (i, c) in found {
        cls[i] = Some(c);
    }
}

/// The role each line has among the header lines found so far (the last finding of a line wins, as when they
/// are applied).
fn role_table(found: &[(usize, LineClass)], n: usize) -> Vec<Option<LineRole>> {
    let mut roles = vec![None; n];
    for (i, c) in found {
        roles[*i] = Some(c.role);
    }
    roles
}

/// The document's header slot: where name lines read as headers sit directly above their own time lines
/// ("3. Xavier" / "December 23rd, 2012") twice or more with the same decoration, any short line of that
/// decoration directly above a time line is a header, whatever the name is made of ("2. the aardvark").
fn slot_headers(
    lines: &[NormLine],
    shapes: &[Option<HeaderShape>],
    nb: &NonBlank,
    cls: &[Option<LineClass>],
    found: &mut Vec<(usize, LineClass)>,
) {
    // The leading furniture of a line (bullets, numbering), digits masked.
    let prefix = |i: usize| -> String {
        let t = &lines[i].text;
        let end = t.find(char::is_alphabetic).unwrap_or(t.len());
        t[..end].chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect()
    };
    let roles = role_table(found, lines.len());
    let role_at = |i: usize| roles[i];
    let mut slots: HashMap<String, usize> = HashMap::new();
    for i in nb.iter() {
        let named = shapes[i].as_ref().is_some_and(|h| h.shape == Shape::Handle)
            && role_at(i) == Some(LineRole::Rule(Role::CommentHeader));
        if named && nb.next(i).is_some_and(|j| role_at(j) == Some(LineRole::Rule(Role::Posted))) {
            *slots.entry(prefix(i)).or_insert(0) += 1;
        }
    }
    if slots.values().all(|&n| n < 2) {
        return;
    }
    let time_line = |j: usize| {
        cls[j].is_none()
            && role_at(j).is_none_or(|r| r == LineRole::Rule(Role::Posted))
            && shapes[j].as_ref().is_some_and(|h| h.shape == Shape::Time && h.strong_time && h.author.is_none())
    };
    let mut more = Vec::new();
    for i in nb.iter() {
        if cls[i].is_some() || role_at(i).is_some() {
            continue;
        }
        let Some(j) = nb.next(i).filter(|&j| time_line(j)) else { continue };
        let t = lines[i].text.as_str();
        let p = prefix(i);
        let name = t[p.len()..].trim();
        let words = name.split(' ').count();
        let punctuated = has_sentence_break(t) || t.ends_with(['.', '!', '?', ',', ';', ':']) && !t.ends_with("...");
        if name.is_empty() || words > 5 || punctuated || slots.get(&p).is_none_or(|&n| n < 2) {
            continue;
        }
        let mut c = LineClass::new(LineLabel::Meta, "post-header-slot");
        c.role = LineRole::Rule(Role::CommentHeader);
        c.author = Some(name.to_owned());
        more.push((i, c));
        if role_at(j).is_some() {
            continue;
        }
        let h = shapes[j].as_ref().expect("a time shape");
        let mut tc = LineClass::new(LineLabel::Meta, "posted-time-shape");
        tc.role = LineRole::Rule(Role::Posted);
        tc.time = h.time.map(|(a, b)| lines[j].text[a..b].to_owned());
        more.push((j, tc));
    }
    found.extend(more);
}

impl Draft {
    /// The class of a line the learned classifier labelled: a metadata line keeps the author and time its shape
    /// shows.
    fn model_class(&self, i: usize, label: LineLabel, lines: &[NormLine]) -> LineClass {
        let mut c = LineClass::new(label, "line-model");
        if label != LineLabel::Meta {
            return c;
        }
        if let Some(h) = &self.shapes[i] {
            c.author = h.author.map(|(a, b)| lines[i].text[a..b].to_owned());
            c.time = h.time.map(|(a, b)| lines[i].text[a..b].to_owned());
            // A name alone is a post's header only where the header evidence found it so (a time beside it, the
            // document's template): the classifier's metadata verdict on a lone name ("History") is not enough.
            let header = h.shape == Shape::Header;
            c.role = LineRole::Rule(match (&c.author, &c.time) {
                (Some(_), _) if header => Role::CommentHeader,
                (_, Some(_)) => Role::Posted,
                _ => Role::None,
            });
            if !header {
                c.author = None;
            }
        }
        c
    }
}

/// Navigation over the non-blank lines.
pub(crate) struct NonBlank {
    idx: Vec<usize>,
    /// For every line, its position in `idx` (or the position of the next non-blank line).
    pos: Vec<usize>,
}

impl NonBlank {
    fn new(lines: &[NormLine]) -> Self {
        let idx: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_blank()).collect();
        let mut pos = vec![0; lines.len()];
        let mut p = 0;
        for (i, slot) in pos.iter_mut().enumerate() {
            while p < idx.len() && idx[p] < i {
                p += 1;
            }
            *slot = p;
        }
        NonBlank { idx, pos }
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.idx.iter().copied()
    }
    fn next(&self, i: usize) -> Option<usize> {
        let p = self.pos[i];
        let p = if self.idx.get(p) == Some(&i) { p + 1 } else { p };
        self.idx.get(p).copied()
    }
    fn prev(&self, i: usize) -> Option<usize> {
        let p = self.pos[i];
        p.checked_sub(1).map(|p| self.idx[p])
    }
    /// How many non-blank lines the document has.
    fn len(&self) -> usize {
        self.idx.len()
    }
    /// How many non-blank lines come before line `i`.
    fn rank(&self, i: usize) -> usize {
        self.pos[i]
    }
}

fn infer_kind(cls: &[Option<LineClass>], lines: &[NormLine], words: &[usize]) -> DocKind {
    let has = |role: Role| cls.iter().flatten().any(|c| c.role == LineRole::Rule(role));
    let timed_quote = cls.iter().flatten().any(|c| c.role == LineRole::Rule(Role::QuoteHeader) && c.time.is_some());
    // Post footers repeat under every post: two separate runs of them make a thread.
    let mut footer_runs = 0;
    let mut in_run = false;
    for c in cls.iter().flatten() {
        if c.role == LineRole::Rule(Role::Footer) {
            footer_runs += usize::from(!in_run);
            in_run = true;
        } else if c.label != LineLabel::Blank && c.label != LineLabel::Boilerplate {
            in_run = false;
        }
    }
    if footer_runs >= 2 || timed_quote || cls.iter().flatten().any(|c| c.role == LineRole::ThreadStarter) {
        return DocKind::Forum;
    }
    if has(Role::CommentHeader) {
        // Headed posts from the first text on make a thread; headed comments under an unheaded text, an article
        // with comments.
        let first_header =
            cls.iter().position(|c| c.as_ref().is_some_and(|c| c.role == LineRole::Rule(Role::CommentHeader)));
        let first_prose = (0..lines.len()).find(|&i| cls[i].is_none() && words[i] >= 12);
        return match (first_header, first_prose) {
            (Some(h), Some(p)) if h < p => DocKind::Forum,
            _ => DocKind::ReferenceWithComments,
        };
    }
    // Several titles each after a double gap: a blog page with several posts.
    let mut run = 0;
    let mut essays = 0;
    for l in lines {
        if l.is_blank() {
            run += 1;
        } else {
            if run >= 2 && l.text.split_whitespace().count() <= 12 && !ends_sentence(&l.text) {
                essays += 1;
            }
            run = 0;
        }
    }
    if essays >= 3 {
        DocKind::Blog
    } else {
        DocKind::Article
    }
}

/// A single-token user handle: letters, digits, `_.-`, 2 to 40 characters, not ending a sentence.
fn is_handle(t: &str) -> bool {
    (2..=40).contains(&t.chars().count())
        && t.chars().next().is_some_and(|c| c.is_alphanumeric())
        && t.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !t.ends_with('.')
}

/// `• handle` or `• handle [flair]` → the handle.
fn bullet_handle(t: &str) -> Option<&str> {
    let rest = t.strip_prefix(['•', '*', '·', '‣', '◦', '-'])?.trim_start();
    let handle = rest.split_whitespace().next()?;
    let after = rest[handle.len()..].trim();
    let flair_only = after.is_empty() || (after.starts_with('[') && after.ends_with(']'));
    (is_handle(handle) && flair_only).then_some(handle)
}

/// Where an earlier line repeats this quoted text (or, for the first line of a quote, is contained in it: users
/// trim and extend what they quote).
fn find_source(text: &str, prior: &[usize], lines: &[NormLine], first: bool, budget: &mut usize) -> Option<usize> {
    if text.chars().count() < 4 {
        return prior.iter().rev().copied().find(|&j| lines[j].text == text);
    }
    for &j in prior.iter().rev() {
        let p = &lines[j].text;
        if *budget < p.len() + text.len() {
            return None;
        }
        *budget -= p.len() + text.len();
        if p.contains(text) || (first && p.chars().count() >= 8 && text.contains(p.as_str())) {
            return Some(j);
        }
    }
    None
}

/// The line closes a post: the next non-blank line is post-footer chrome (possibly after other boilerplate), or
/// the document ends.
fn ends_post(i: usize, cls: &[Option<LineClass>], nb: &NonBlank) -> bool {
    let mut k = nb.next(i);
    let mut steps = 0;
    while let Some(j) = k {
        match &cls[j] {
            Some(c) if c.role == LineRole::Rule(Role::Footer) => return true,
            Some(c) if c.label == LineLabel::Boilerplate && steps < 3 => {}
            _ => return false,
        }
        steps += 1;
        k = nb.next(j);
    }
    true
}

/// Ends like a sentence: `.`, `!`, `?` or `...`, possibly followed by closing quotes or brackets.
/// The most words an attribution line has.
const ATTRIBUTION_WORDS: usize = 12;
/// How many lines of one name a quotation page's attributions need to be seen as its template.
const ATTRIBUTION_REPEATS: usize = 3;

/// Attribution lines, which are metadata of the quotation above them: outside threads (where a line repeated
/// under posts is a signature), short lines after paragraphs that open with one name at least
/// [`ATTRIBUTION_REPEATS`] times ("LEON TROTSKY, Diary in Exile", "Leon Trotsky"). A single "— Name" line is left
/// to the classifier: the normaliser folds dashes to hyphens, and a hyphen opens list items as often.
fn attributions(lines: &[NormLine], words: &[usize], nb: &NonBlank, cls: &mut [Option<LineClass>], kind: DocKind) {
    if kind == DocKind::Forum {
        return;
    }
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for i in nb.iter() {
        if cls[i].is_some() || !(1..=ATTRIBUTION_WORDS).contains(&words[i]) {
            continue;
        }
        let after_text = nb.prev(i).is_some_and(|p| cls[p].is_none() && words[p] >= 5 && words[p] > words[i]);
        if !after_text {
            continue;
        }
        let t = lines[i].text.trim();
        if let Some(name) = attributed_name(t) {
            by_name.entry(name.to_lowercase()).or_default().push(i);
        }
    }
    for occ in by_name.into_values().filter(|o| o.len() >= ATTRIBUTION_REPEATS) {
        for i in occ {
            cls[i] = Some(LineClass::new(LineLabel::Meta, "attribution"));
        }
    }
}

/// The name an attribution opens with: two to four capitalised words up to the first comma, bracket, colon or
/// quotation mark ("Leon Trotsky", "LEON TROTSKY, Diary in Exile").
fn attributed_name(t: &str) -> Option<String> {
    let head = t.split([',', '(', ':', '"']).next().unwrap_or("");
    let name: Vec<&str> = head.split_whitespace().collect();
    let name_like =
        (2..=4).contains(&name.len()) && name.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase));
    name_like.then(|| name.join(" "))
}

/// How many non-blank lines from the top the browser title and its heading are looked for in.
const TITLE_ZONE: usize = 8;

/// Mark `Title <sep> Site` lines followed, within the top [`TITLE_ZONE`] lines, by `Title` on its own line.
fn page_titles(lines: &[NormLine], words: &[usize], nb: &NonBlank, cls: &mut [Option<LineClass>]) {
    let top: Vec<usize> = nb.iter().take(TITLE_ZONE).collect();
    for (k, &j) in top.iter().enumerate() {
        if cls[j].is_some() {
            continue;
        }
        let long = lines[j].text.trim();
        let suffixed = top[k + 1..].iter().any(|&i| {
            let t = lines[i].text.trim();
            words[i] >= 2 && long.len() > t.len() && long.starts_with(t) && site_suffix(&long[t.len()..])
        });
        if suffixed {
            cls[j] = Some(LineClass::new(LineLabel::Boilerplate, "page-title"));
        }
    }
}

/// ` - Site Name` (any dash: the normaliser has folded them to a hyphen), ` | Site`, ` :: Site`, ` » Site`: a
/// separator, then one to six words.
fn site_suffix(rest: &str) -> bool {
    let rest = rest.trim_start();
    let Some(tail) = ["|", "-", "::", "»", "·", "•"].iter().find_map(|sep| rest.strip_prefix(sep)) else {
        return false;
    };
    let n = tail.split_whitespace().count();
    tail.starts_with(' ') && (1..=6).contains(&n)
}

/// Two lines with the same letters and digits, ignoring case, spacing and punctuation.
fn same_folded(a: &str, b: &str) -> bool {
    fn fold(t: &str) -> impl Iterator<Item = char> + '_ {
        t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase)
    }
    a.len().abs_diff(b.len()) <= a.len() / 4 + 2 && fold(a).eq(fold(b))
}

pub fn ends_sentence(t: &str) -> bool {
    let t = t.trim_end_matches(['"', '\'', ')', ']', ' ']);
    t.ends_with(['.', '!', '?'])
}

fn is_tag_list(t: &str, words: usize, rules: &Rules) -> bool {
    if !(3..=8).contains(&words) || !t.chars().next().is_some_and(|c| c.is_lowercase()) {
        return false;
    }
    t.split_whitespace()
        .all(|w| w.chars().all(|c| c.is_alphabetic() || c == '-') && !rules.is_stopword(&w.to_lowercase()))
}

struct HeadingContext {
    /// The first line of the page that no chrome rule claimed.
    title_position: bool,
    /// Blank lines right above (the start of the file counts as a wide gap).
    gap_before: usize,
}

fn gap_before(i: usize, lines: &[NormLine]) -> usize {
    let blanks = lines[..i].iter().rev().take_while(|l| l.is_blank()).count();
    if blanks == i {
        usize::MAX
    } else {
        blanks
    }
}

fn is_heading(
    i: usize,
    lines: &[NormLine],
    words: &[usize],
    cls: &[Option<LineClass>],
    nb: &NonBlank,
    ctx: HeadingContext,
) -> bool {
    let t = lines[i].text.as_str();
    if words[i] > 14 || t.chars().count() > 120 {
        return false;
    }
    let first = t.trim_start_matches(['"', '\'', '(', '[']).chars().next();
    if !first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) {
        return false;
    }
    let end = t.trim_end_matches(['"', '\'', ')', ']', ' ']);
    if end.ends_with([',', ';', ':', '-']) || has_sentence_break(t) {
        return false;
    }
    let next = nb.next(i);
    // The next line continues this one mid-sentence.
    if next.is_some_and(|j| cls[j].is_none() && lines[j].text.chars().next().is_some_and(|c| c.is_lowercase())) {
        return false;
    }
    let numbered = is_numbered_heading(t);
    // A full stop or exclamation ends a heading only where a title is expected: the top of the page, a numbered
    // section, or after a double gap.
    if end.ends_with(['.', '!']) && !(ctx.title_position || numbered || ctx.gap_before >= 2) {
        return false;
    }
    if ctx.title_position || numbered {
        return true;
    }
    // A heading introduces a paragraph (or another heading).
    match next {
        Some(j) => match &cls[j] {
            None => {
                let wj = words[j];
                wj >= 12 && wj >= 2 * words[i] && is_prose(&lines[j].text) || is_numbered_heading(&lines[j].text)
            }
            Some(c) => c.label == LineLabel::Heading,
        },
        None => false,
    }
}

/// Reads like running prose: sentence punctuation at the end or inside.
fn is_prose(t: &str) -> bool {
    ends_sentence(t) || t.ends_with(':') || t.contains(". ") || t.contains("? ")
}

/// `1)First 1905 revolution.`, `2. Conflict with Stalin`.
fn is_numbered_heading(t: &str) -> bool {
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return false;
    }
    let rest = &t[digits..];
    let Some(rest) = rest.strip_prefix([')', '.']) else { return false };
    let rest = rest.trim_start();
    rest.chars().next().is_some_and(|c| c.is_uppercase()) && rest.split_whitespace().count() <= 10
}

/// A numbered list item: `4. text`, `12) text`.
fn is_numbered_item(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && t[digits..].starts_with(['.', ')']) && t[digits + 1..].starts_with(' ')
}

/// A sentence boundary inside the line: a word of 3+ letters, `.!?`, space, capital.
fn has_sentence_break(t: &str) -> bool {
    let b = t.as_bytes();
    for (p, &c) in b.iter().enumerate() {
        if matches!(c, b'.' | b'!' | b'?') && p >= 3 && p + 2 < b.len() && b[p + 1] == b' ' {
            let word_ok = b[p - 3..p].iter().all(|x| x.is_ascii_lowercase());
            let next_cap = (b[p + 2] as char).is_ascii_uppercase();
            if word_ok && next_cap {
                return true;
            }
        }
    }
    false
}

/// Byte ranges of emoji shortcodes (`:name:` with a letter in the name, standing as a word), with the space
/// before them.
fn shortcodes(t: &str) -> Vec<(usize, usize)> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b':' && (i == 0 || b[i - 1] == b' ') {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'_' | b'+' | b'-')) {
                j += 1;
            }
            let has_letter = b[i + 1..j].iter().any(|c| c.is_ascii_alphabetic());
            if j < b.len() && b[j] == b':' && j > i + 1 && has_letter && (j + 1 == b.len() || b[j + 1] == b' ') {
                out.push((i, j + 1));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::Normalizer;

    fn rules() -> Rules {
        Rules::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"))).unwrap()
    }

    fn run(text: &str, kind: Option<DocKind>) -> (Vec<NormLine>, Classified) {
        let mut n = Normalizer::new();
        let mut lines: Vec<NormLine> = text.split('\n').enumerate().map(|(i, l)| n.line(l, i as u32 + 1)).collect();
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"));
        let model = LineModel::load(dir).unwrap();
        let c = classify(&mut lines, &rules(), model.as_ref(), kind);
        (lines, c)
    }

    /// Each non-blank line's label, rule and author.
    fn triples(c: &Classified) -> Vec<(&'static str, &str, Option<&str>)> {
        c.classes
            .iter()
            .filter(|c| c.label != LineLabel::Blank)
            .map(|c| (c.label.as_str(), c.rule.as_str(), c.author.as_deref()))
            .collect()
    }

    fn labels(c: &Classified) -> Vec<&'static str> {
        c.classes.iter().map(|c| c.label.as_str()).collect()
    }

    #[test]
    fn forum_chrome_quotes_and_signatures() {
        let text = "Sign in to follow this\nFollowers 3\nalice_r\n\nWhy the Opposition lost\n\nThe Left Opposition was founded in 1923 by Trotsky and his supporters.\n\nGo team.\nShare this post\nLink to post\n4 hours ago, alice_r said:\n\nThe Left Opposition was founded in 1923\n\nNo, it was founded in October 1923, after the letter of the 46.\n\nGo team.\nShare this post\nLink to post";
        let (_, c) = run(text, None);
        assert_eq!(c.kind, DocKind::Forum);
        assert_eq!(
            labels(&c),
            vec![
                "boilerplate",
                "boilerplate",
                "meta",
                "blank",
                "heading",
                "blank",
                "content",
                "blank",
                "boilerplate",
                "boilerplate",
                "boilerplate",
                "meta",
                "blank",
                "quote",
                "blank",
                "content",
                "blank",
                "boilerplate",
                "boilerplate",
                "boilerplate"
            ]
        );
        assert_eq!(c.classes[2].author.as_deref(), Some("alice_r"));
        assert_eq!(c.classes[8].rule, "signature");
        assert_eq!(c.classes[13].quote_source, Some(6));
    }

    #[test]
    fn short_replies_are_not_headings() {
        let text = "Share this post\nbob said:\n\nGood post about Lenin.\n\nThanks\n\nShare this post";
        let (_, c) = run(text, Some(DocKind::Forum));
        assert_eq!(c.classes[5].label, LineLabel::Content);
    }

    #[test]
    fn sidebar_run_and_shortcodes() {
        let text = "He was killed by an agent in 1940 after years of exile in Turkey, France and Norway, and a long fight :pick:\n\nReading list :book:\n\nJoin the new communities:\n\n!books@example.net :ussr:\n\n:a: :b-c:";
        let (lines, c) = run(text, Some(DocKind::Article));
        assert_eq!(
            labels(&c),
            vec![
                "content",
                "blank",
                "boilerplate",
                "blank",
                "boilerplate",
                "blank",
                "boilerplate",
                "blank",
                "boilerplate"
            ]
        );
        assert_eq!(c.classes[4].rule, "chrome-run");
        assert!(lines[0].text.ends_with("a long fight"));
        assert_eq!(c.inline.len(), 1);
        assert_eq!(c.inline[0].raw_col, lines[0].text.len() as u32 + 1);
    }

    #[test]
    fn an_image_text_printed_twice_is_a_caption_but_a_title_printed_twice_is_not() {
        let prose = |k: usize| format!("Paragraph {k} of prose goes on for quite a few words and it ends properly.");
        let text = format!(
            "Lenin in Zurich\nLenin in Zurich\n\n{}\n\nThe Sealed Train, 1917.\nThe sealed train, 1917\n\n{}\n\n\
             Tsars and Soviets\n\nTsars and Soviets\n\n{}\n\nYou are wrong.\n\"You are wrong.\"\n\n{}",
            prose(1),
            prose(2),
            prose(3),
            prose(4)
        );
        let (_, c) = run(&text, Some(DocKind::Article));
        let pairs: Vec<usize> = (0..c.classes.len()).filter(|&i| c.classes[i].rule == "caption-pair").collect();
        assert_eq!(pairs, [5, 6], "{:?}", c.classes);
        assert_eq!(c.classes[8].label, LineLabel::Content);
        // In a thread the second line is a reply quoting the first.
        let (_, c) = run(&text, Some(DocKind::Forum));
        assert!(c.classes.iter().all(|c| c.rule != "caption-pair"), "{:?}", c.classes);
    }

    #[test]
    fn caption_repeating_a_sentence_is_boilerplate_but_continuation_is_content() {
        let text = "In 1940 Trotsky was murdered by an agent of Stalin in Coyoacan. The world took note.\n\nTrotsky was murdered by an agent of Stalin\n\nAs if to rub it in the Stalin group made\na left turn in 1928.";
        let (_, c) = run(text, Some(DocKind::Article));
        assert_eq!(c.classes[2].rule, "caption-repeat");
        assert_eq!(c.classes[4].label, LineLabel::Content);
    }

    #[test]
    fn tag_list_and_headings() {
        let text = "Essay one\n\nA long paragraph of prose that goes on for quite a few words and ends properly.\n\nhistory matriarchy socialism\n\n\nEssay two?\n\nAnother paragraph of prose that also goes on for a good number of words here.";
        let (_, c) = run(text, Some(DocKind::Blog));
        assert_eq!(
            labels(&c),
            vec![
                "heading",
                "blank",
                "content",
                "blank",
                "boilerplate",
                "blank",
                "blank",
                "heading",
                "blank",
                "content"
            ]
        );
    }

    #[test]
    fn member_panels_are_chrome_and_their_name_heads_the_post() {
        // A XenForo-style panel of field and value lines, under a name and a custom title.
        let text = "Soviet foreign policy in 1939\n\nIvan Petrovich\n\nFree thinker\nJoined\nApr 18, 2013\nMessages\n1,203\nLocation\nOdessa\nThe pact was a cynical bargain, and both sides knew it at the time.\n\nPoster_77\nBanned\nNo, it bought the Soviet Union almost two years to prepare for the war.";
        let (_, c) = run(text, None);
        let got = triples(&c);
        let panel = ("boilerplate", "member-panel-shape", None);
        assert_eq!(got[1], ("meta", "post-header-panel", Some("Ivan Petrovich")));
        assert_eq!(got[2], ("boilerplate", "member-title", None));
        assert_eq!(&got[3..9], &[panel; 6]);
        assert_eq!(got[9].0, "content");
        assert_eq!(got[10], ("meta", "post-header-panel", Some("Poster_77")));
        assert_eq!(got[11], ("boilerplate", "user-rank", None));
        assert_eq!(got[12].0, "content");
        // Field and value lines of an infobox name no membership: they are not a panel.
        let text = "Leon Trotsky\nBorn\n7 November 1879\nParty\nRSDLP\nTrotsky was a Russian revolutionary and a founder of the Red Army.";
        let (_, c) = run(text, None);
        assert!(c.classes.iter().all(|c| c.rule != "member-panel-shape" && c.rule != "post-header-panel"));
    }

    #[test]
    fn a_comment_sections_header_slot_takes_any_name_and_an_addressee_is_text() {
        // Numbered comments, each a name line above its own date line; two names are read by shape, so the
        // slot takes the names no name reader would ("the walrus", "Tea in Moscow").
        let text = "1. Koba

March 3rd, 2014

The anniversary passed without a word in the papers.

2. the walrus

March 3rd, 2014

@Koba
It was on the radio all morning here.

3. Dzhugashvili

March 4th, 2014

Nobody remembers the old man now.

4. Tea in Moscow

March 4th, 2014

Some of us remember him well enough.";
        let (_, c) = run(text, Some(DocKind::Forum));
        let got = triples(&c);
        assert_eq!(got[3], ("meta", "post-header-slot", Some("the walrus")));
        assert_eq!(got[4].1, "posted-time-shape");
        assert_eq!(got[5], ("content", "addressee", None));
        assert_eq!(got[10], ("meta", "post-header-slot", Some("Tea in Moscow")));
        // Without two name lines read as headers above their times there is no slot to fill.
        let text = "The walrus

March 3rd, 2014

The anniversary passed without a word in the papers.";
        let (_, c) = run(text, None);
        assert!(c.classes.iter().all(|c| c.rule != "post-header-slot"));
    }

    #[test]
    fn the_links_under_a_list_head_are_chrome() {
        let text = "The Bolsheviks took power in Petrograd in October 1917, and the Mensheviks left the Congress of Soviets.\n\nRelated documents\nHistory of Finland\nPolitics of Benin\nEdmund Stoiber\n\n\nThe civil war that followed lasted until 1921 and cost millions of lives.";
        let (_, c) = run(text, None);
        let got: Vec<&str> =
            c.classes.iter().filter(|c| c.label != LineLabel::Blank).map(|c| c.rule.as_str()).collect();
        assert_eq!(got, ["content", "related-links", "link-list", "link-list", "link-list", "content"]);
    }

    #[test]
    fn a_browser_title_above_its_heading_is_chrome_and_captions_repeat_only_text_above_them() {
        let text = "The Kronstadt rising | Anarchist Histories\n\nThe Kronstadt rising\n\nIn March 1921 the sailors of Kronstadt rose against the Bolsheviks and demanded free soviets.\n\nthe sailors of Kronstadt rose against the Bolsheviks\n\nTrotsky and Tukhachevsky crushed the rising within two weeks, and the Tenth Congress banned factions.\n\nTrotsky and Tukhachevsky crushed the rising within two weeks";
        let (_, c) = run(text, Some(DocKind::Article));
        let got: Vec<&str> =
            c.classes.iter().filter(|c| c.label != LineLabel::Blank).map(|c| c.rule.as_str()).collect();
        assert_eq!(got, ["page-title", "heading", "content", "caption-repeat", "content", "caption-repeat"]);
        // In a thread the same repeats are a reply quoting a post, not captions.
        let (_, c) = run(text, Some(DocKind::Forum));
        assert!(c.classes.iter().all(|c| c.rule != "caption-repeat"), "{:?}", c.classes);
    }

    #[test]
    fn a_quotation_pages_attributions_are_metadata() {
        let q = "The revolution is the locomotive of history, and it does not stop at any station.";
        let (q2, q3, q4) = (
            "The state is a special organisation of force, the organisation of violence for suppressing some class.",
            "Democracy for an insignificant minority, democracy for the rich, that is the democracy of capitalism.",
            "The proletariat needs state power, a centralised organisation of force, to crush the exploiters.",
        );
        let text = format!("{q}\n— Leon Trotsky, 1938\n\nThree things followed the rising:\n– Kronstadt was taken\n– The Tenth Congress met\n– Factions were banned\n\n{q2}\nVLADIMIR LENIN, State and Revolution\n{q3}\nVladimir Lenin\n{q4}\nVLADIMIR LENIN, Letters from Afar");
        let (_, c) = run(&text, Some(DocKind::Article));
        let got: Vec<&str> =
            c.classes.iter().filter(|c| c.label != LineLabel::Blank).map(|c| c.label.as_str()).collect();
        assert!(got[..6].iter().all(|&l| l != "meta"), "{got:?}");
        let rules: Vec<&str> =
            c.classes.iter().filter(|c| c.label != LineLabel::Blank).map(|c| c.rule.as_str()).collect();
        assert_eq!(got[6..], ["content", "meta", "content", "meta", "content", "meta"], "{rules:?}");
        // In a thread a line repeated under posts is not taken for an author's name.
        let (_, c) = run(&text, Some(DocKind::Forum));
        assert!(c.classes.iter().all(|c| c.rule != "attribution"));
    }

    #[test]
    fn chrome_families_without_the_page_pattern() {
        let text = "Search this site\nShowing posts with label Trotsky. Show all posts\na8f3k2j9x7q\nIMG_2034.JPG\nDSC00123\n* * *\n-----\nLast updated: March 3, 2021\nThe Left Opposition was founded in 1923 by Trotsky and his supporters, who called themselves Bolshevik-Leninists.\nNewer Post Older Post Home";
        let (_, c) = run(text, None);
        let got: Vec<(&str, &str)> = c.classes.iter().map(|c| (c.label.as_str(), c.rule.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("boilerplate", "search-form"),
                ("boilerplate", "archive-header"),
                ("boilerplate", "code-token"),
                ("boilerplate", "image-file"),
                ("boilerplate", "code-token"),
                ("boilerplate", "counter-shape"),
                ("boilerplate", "counter-shape"),
                ("meta", "posted-time-shape"),
                ("content", "content"),
                ("boilerplate", "counter-shape"),
            ]
        );
    }

    #[test]
    fn shortcode_ranges() {
        assert_eq!(shortcodes("a :b-c: 10:30:00 x:y: :z:"), vec![(2, 7), (22, 25)]);
    }
}
