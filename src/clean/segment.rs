//! Stage 3: group the classified lines into segments — forum posts, comments, essays, article bodies — with
//! their author, posted time, title, quoted blocks and reply structure.
//!
//! Boundaries: a post footer ends a post; a comment header starts a comment; a comment counter ("1 comment")
//! starts a comment section whose comments, when they carry no header, are the blank-separated blocks; in a blog,
//! a heading after a double gap starts a new essay.
//!
//! Authors, strongest evidence first: a header or byline naming the author; "Edited by X"; the thread starter's
//! handle (first post); a later post quoting this post's text as "X said:"; a signature that posts by a known
//! author end with. The evidence is recorded with the author.

use crate::clean::strip::{Classified, DocKind, LineLabel, LineRole};
use crate::data::rules::Role;
use crate::text::normalize::NormLine;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegKind {
    Post,
    Comment,
    Essay,
    Article,
}

impl SegKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SegKind::Post => "post",
            SegKind::Comment => "comment",
            SegKind::Essay => "essay",
            SegKind::Article => "article",
        }
    }
}

/// A quoted block inside a segment: consecutive quote lines under one header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteBlock {
    /// Indices of the quoted lines.
    pub lines: Vec<usize>,
    pub header: usize,
    pub author: Option<String>,
    pub time: Option<String>,
    /// The earlier line the quote repeats, if found.
    pub source: Option<usize>,
    /// The segment holding that line.
    pub source_segment: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegKind,
    /// Indices of the kept lines (content, heading, quote), in order.
    pub lines: Vec<usize>,
    pub author: Option<String>,
    pub author_evidence: Option<&'static str>,
    pub posted: Option<String>,
    pub title: Option<String>,
    pub depth: u32,
    pub reply_to: Option<usize>,
    pub quotes: Vec<QuoteBlock>,
    /// First and last raw line index (0-based) the segment spans, metadata included.
    pub first: usize,
    pub last: usize,
    /// The cleaned text: kept lines joined by `\n` (adjacent in the raw file) or `\n\n` (a gap between).
    pub text: String,
    /// Byte offset in `text` where each of `lines` starts.
    pub line_starts: Vec<usize>,
    signature: Option<String>,
    indent: u32,
    from_header: bool,
}

impl Segment {
    fn new(kind: SegKind, at: usize) -> Self {
        Segment {
            kind,
            lines: Vec::new(),
            author: None,
            author_evidence: None,
            posted: None,
            title: None,
            depth: 0,
            reply_to: None,
            quotes: Vec::new(),
            first: at,
            last: at,
            text: String::new(),
            line_starts: Vec::new(),
            signature: None,
            indent: 0,
            from_header: false,
        }
    }

    /// Why no author is known (None when one is): a header with no name, no header at all, or no byline.
    pub fn author_missing(&self) -> Option<&'static str> {
        if self.author.is_some() {
            return None;
        }
        Some(match self.kind {
            SegKind::Post | SegKind::Comment if self.from_header => "header-without-name",
            SegKind::Post | SegKind::Comment => "no-header",
            SegKind::Essay | SegKind::Article => "no-byline",
        })
    }

    fn set_author(&mut self, author: &str, evidence: &'static str) {
        if self.author.is_none() {
            self.author = Some(author.to_owned());
            self.author_evidence = Some(evidence);
        }
    }
}

/// The segments of a document, and for every line the segment it falls in (None before the first one).
#[derive(Debug)]
pub struct Segmented {
    pub segments: Vec<Segment>,
    pub line_segment: Vec<Option<usize>>,
}

struct Builder {
    segs: Vec<Segment>,
    cur: Option<Segment>,
    next_kind: SegKind,
    pending_author: Option<(String, &'static str)>,
    pending_time: Option<String>,
}

impl Builder {
    fn close(&mut self) {
        if let Some(s) = self.cur.take() {
            if s.lines.is_empty() {
                // Metadata without text (a byline above the first paragraph...): carry it to the next segment.
                if !s.from_header {
                    if let Some(a) = s.author {
                        self.pending_author = Some((a, s.author_evidence.unwrap_or("byline")));
                    }
                    if s.posted.is_some() {
                        self.pending_time = s.posted;
                    }
                }
                return;
            }
            self.segs.push(s);
        }
    }

    fn current(&mut self, at: usize) -> &mut Segment {
        if self.cur.is_none() {
            let mut s = Segment::new(self.next_kind, at);
            if let Some((a, ev)) = self.pending_author.take() {
                s.set_author(&a, ev);
            }
            s.posted = self.pending_time.take();
            self.cur = Some(s);
        }
        let s = self.cur.as_mut().expect("current segment");
        s.last = at;
        s
    }
}

pub fn segment(lines: &[NormLine], c: &Classified) -> Segmented {
    let default_kind = match c.kind {
        DocKind::Forum => SegKind::Post,
        DocKind::Blog => SegKind::Essay,
        DocKind::Article | DocKind::ReferenceWithComments => SegKind::Article,
    };
    let mut b =
        Builder { segs: Vec::new(), cur: None, next_kind: default_kind, pending_author: None, pending_time: None };
    // The next line with a role or text after line `i` (blank and boilerplate lines skipped, 8 lines at most) is a
    // post header.
    let heads_next_post = |i: usize| {
        c.classes[i + 1..]
            .iter()
            .take(8)
            .find(|cl| !matches!(cl.label, LineLabel::Blank | LineLabel::Boilerplate))
            .is_some_and(|cl| cl.role == LineRole::Rule(Role::CommentHeader))
    };
    let mut comment_section = false;
    let mut unbroken_section = false;
    let last_blank = c.classes.iter().rposition(|cl| cl.label == LineLabel::Blank);
    let mut gap = 0usize; // blank or removed lines since the last kept line
    let mut open_quote: Option<QuoteBlock> = None;

    for (i, cl) in c.classes.iter().enumerate() {
        let label = cl.label;
        if label != LineLabel::Quote {
            if let Some(q) = open_quote.take() {
                if let Some(s) = b.cur.as_mut() {
                    s.quotes.push(q);
                }
            }
        }
        match label {
            LineLabel::Blank => {
                gap += 1;
                continue;
            }
            LineLabel::Content | LineLabel::Heading | LineLabel::Quote => {
                let new_essay = c.kind == DocKind::Blog
                    && label == LineLabel::Heading
                    && gap >= 2
                    && b.cur.as_ref().is_some_and(|s| !s.lines.is_empty());
                // Comments without headers are the blank-separated blocks of the comment section, or its lines
                // when the section has no blank line at all (a one-comment-per-line rendering).
                let new_block_comment = comment_section
                    && (gap >= 1 || (unbroken_section && label != LineLabel::Quote))
                    && b.cur.as_ref().is_some_and(|s| !s.from_header && !s.lines.is_empty());
                if new_essay || new_block_comment {
                    b.close();
                }
                let s = b.current(i);
                if label == LineLabel::Heading && s.title.is_none() && s.lines.is_empty() {
                    s.title = Some(lines[i].text.clone());
                }
                s.lines.push(i);
                if label == LineLabel::Quote {
                    match open_quote.as_mut() {
                        Some(q) if Some(q.header) == cl.quote_header => q.lines.push(i),
                        _ => {
                            if let Some(q) = open_quote.take() {
                                s.quotes.push(q);
                            }
                            let h = cl.quote_header.unwrap_or(i);
                            let hc = &c.classes[h];
                            open_quote = Some(QuoteBlock {
                                lines: vec![i],
                                header: h,
                                author: hc.author.clone(),
                                time: hc.time.clone(),
                                source: cl.quote_source,
                                source_segment: None,
                            });
                        }
                    }
                }
                gap = 0;
            }
            LineLabel::Meta | LineLabel::Boilerplate => {
                gap += 1;
                match cl.role {
                    LineRole::Rule(Role::Footer) if c.kind == DocKind::Forum => {
                        if b.cur.is_some() {
                            b.current(i);
                        }
                        b.close();
                        b.next_kind = if comment_section { SegKind::Comment } else { SegKind::Post };
                    }
                    LineRole::Rule(Role::CommentHeader) => {
                        // A thread title standing alone belongs to the first post, not to a segment of its own.
                        let title_only = b.cur.as_ref().is_some_and(|s| {
                            s.author.is_none()
                                && !s.lines.is_empty()
                                && s.lines.iter().all(|&l| c.classes[l].label == LineLabel::Heading)
                        });
                        if !title_only {
                            // A header above the document's first text heads its main segment (an article's
                            // byline-like header keeps the article an article).
                            let first = b.segs.is_empty() && b.cur.as_ref().is_none_or(|s| s.lines.is_empty());
                            b.close();
                            // In a forum thread, headed segments are posts until a comment section starts.
                            if !first {
                                b.next_kind = if c.kind == DocKind::Forum && !comment_section {
                                    SegKind::Post
                                } else {
                                    SegKind::Comment
                                };
                            }
                        }
                        let s = b.current(i);
                        if !title_only {
                            s.from_header = true;
                            s.indent = lines[i].indent;
                        }
                        if let Some(a) = &cl.author {
                            s.set_author(a, "comment-header");
                        }
                        if s.posted.is_none() {
                            s.posted = cl.time.clone();
                        }
                    }
                    LineRole::Rule(Role::CommentCounter) => {
                        b.close();
                        comment_section = true;
                        unbroken_section = last_blank.is_none_or(|lb| lb < i);
                        b.next_kind = SegKind::Comment;
                    }
                    LineRole::Rule(Role::Byline) => {
                        let s = b.current(i);
                        if let Some(a) = &cl.author {
                            s.set_author(a, "byline");
                        }
                        if s.posted.is_none() {
                            s.posted = cl.time.clone();
                        }
                    }
                    LineRole::Rule(Role::Posted) => {
                        // A time line right above the next post's header is that post's ("Old 03-12-2009, 11:02
                        // PM" above the handle, in vBulletin's layout).
                        let has_text = b
                            .cur
                            .as_ref()
                            .is_some_and(|s| s.lines.iter().any(|&l| c.classes[l].label != LineLabel::Heading));
                        if heads_next_post(i) && has_text {
                            b.pending_time = cl.time.clone();
                        } else {
                            let s = b.current(i);
                            if s.posted.is_none() {
                                s.posted = cl.time.clone();
                            }
                        }
                    }
                    LineRole::Rule(Role::Editor) => {
                        if let Some(a) = &cl.author {
                            b.current(i).set_author(a, "edit-notice");
                        }
                    }
                    LineRole::ThreadStarter => {
                        if let Some(a) = &cl.author {
                            b.pending_author = Some((a.clone(), "thread-starter"));
                        }
                    }
                    LineRole::Signature => {
                        let s = b.current(i);
                        s.signature = Some(lines[i].text.clone());
                    }
                    LineRole::Rule(Role::QuoteHeader) => {
                        b.current(i);
                    }
                    _ => {
                        if let Some(s) = b.cur.as_mut() {
                            s.last = i;
                        }
                    }
                }
            }
        }
    }
    if let Some(q) = open_quote.take() {
        if let Some(s) = b.cur.as_mut() {
            s.quotes.push(q);
        }
    }
    b.close();
    let mut segs = b.segs;

    // Which segment owns each line (for removed-line records and quote sources).
    let mut line_segment = vec![None; lines.len()];
    for (si, s) in segs.iter().enumerate() {
        for slot in line_segment.iter_mut().take(s.last + 1).skip(s.first) {
            *slot = Some(si);
        }
    }
    let kept_owner: HashMap<usize, usize> =
        segs.iter().enumerate().flat_map(|(si, s)| s.lines.iter().map(move |&l| (l, si))).collect();

    // Reply structure of comments: nesting by indentation under the main segment.
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for si in 0..segs.len() {
        if segs[si].kind != SegKind::Comment {
            stack.clear();
            continue;
        }
        let ind = segs[si].indent;
        while stack.last().is_some_and(|&(d, _)| d >= ind) {
            stack.pop();
        }
        segs[si].depth = stack.len() as u32 + 1;
        segs[si].reply_to = match stack.last() {
            Some(&(_, p)) => Some(p),
            None => (0..si).rev().find(|&p| segs[p].kind != SegKind::Comment),
        };
        if segs[si].from_header {
            stack.push((ind, si));
        }
    }

    // Forum posts: a post that quotes another replies to it; a quoted post's author is the quote header's.
    for si in 0..segs.len() {
        for qi in 0..segs[si].quotes.len() {
            let q = &mut segs[si].quotes[qi];
            let Some(src) = q.source.and_then(|l| kept_owner.get(&l).copied()) else { continue };
            q.source_segment = Some(src);
            let author = q.author.clone();
            if src == si {
                continue;
            }
            if segs[si].reply_to.is_none() && segs[si].kind == SegKind::Post {
                segs[si].reply_to = Some(src);
            }
            if let Some(a) = &author {
                segs[src].set_author(a, "quoted-as");
            }
        }
    }

    // Signatures: learn signature -> author from posts whose author is known, apply to the others.
    let mut sig_author: HashMap<String, Option<String>> = HashMap::new();
    for s in &segs {
        if let (Some(sig), Some(a)) = (&s.signature, &s.author) {
            let e = sig_author.entry(sig.clone()).or_insert_with(|| Some(a.clone()));
            if e.as_deref() != Some(a.as_str()) {
                *e = None; // two authors share it: not evidence
            }
        }
    }
    for s in segs.iter_mut() {
        if let Some(Some(a)) = s.signature.as_ref().and_then(|sig| sig_author.get(sig)) {
            let a = a.clone();
            s.set_author(&a, "signature");
        }
    }
    for s in segs.iter_mut() {
        s.compose(lines);
    }
    Segmented { segments: segs, line_segment }
}

impl Segment {
    /// The raw line index and column of byte `b` of `text`.
    pub fn raw_pos(&self, lines: &[NormLine], b: usize) -> (u32, u32) {
        let k = self.line_starts.partition_point(|&s| s <= b).saturating_sub(1);
        let l = &lines[self.lines[k]];
        (l.raw_line, l.raw_col((b - self.line_starts[k]).min(l.text.len())))
    }

    fn compose(&mut self, lines: &[NormLine]) {
        self.text.clear();
        self.line_starts.clear();
        let mut prev: Option<usize> = None;
        for &li in &self.lines {
            if let Some(p) = prev {
                self.text.push_str(if li == p + 1 { "\n" } else { "\n\n" });
            }
            self.line_starts.push(self.text.len());
            self.text.push_str(&lines[li].text);
            prev = Some(li);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::strip::classify;
    use crate::data::rules::Rules;
    use crate::text::normalize::Normalizer;

    fn run(text: &str, kind: Option<DocKind>) -> (Vec<NormLine>, Segmented) {
        let rules = Rules::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"))).unwrap();
        let mut n = Normalizer::new();
        let mut lines: Vec<NormLine> = text.split('\n').enumerate().map(|(i, l)| n.line(l, i as u32 + 1)).collect();
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"));
        let model = crate::clean::strip::model::LineModel::load(dir).unwrap();
        let c = classify(&mut lines, &rules, model.as_ref(), kind);
        let s = segment(&lines, &c);
        (lines, s)
    }

    #[test]
    fn forum_authors_from_starter_quotes_and_signatures() {
        let text = "Followers 2\nalice_r\n\nTitle of the thread\n\nOpening post text that is long enough to be a paragraph of prose.\n\nSig of Alice.\nShare this post\nLink to post\n\nI disagree with all of this, and I will say why at length right here.\n\nShare this post\nLink to post\n2 hours ago, bob said:\n\nI disagree with all of this\n\nThen say why.\n\nSig of Alice.\nShare this post\nLink to post";
        let (_, s) = run(text, None);
        let segs = &s.segments;
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[0].author.as_deref(), Some("alice_r"));
        assert_eq!(segs[0].author_evidence, Some("thread-starter"));
        assert_eq!(segs[1].author.as_deref(), Some("bob"));
        assert_eq!(segs[1].author_evidence, Some("quoted-as"));
        assert_eq!(segs[2].author.as_deref(), Some("alice_r"));
        assert_eq!(segs[2].author_evidence, Some("signature"));
        assert_eq!(segs[2].reply_to, Some(1));
        assert_eq!(segs[2].quotes.len(), 1);
        assert_eq!(segs[2].quotes[0].author.as_deref(), Some("bob"));
    }

    #[test]
    fn nested_comments_by_indentation() {
        let text = "An article paragraph that is long enough to count as prose for this test, really.\n\n  • ann [she/her]\n    3 years ago\n\n    First comment.\n\n    • ben [he/him]\n      2 years ago\n\n      Reply to ann.\n\n  • cy [none]\n    1 year ago\n\n    Second top-level comment.";
        let (_, s) = run(text, None);
        let segs = &s.segments;
        assert_eq!(segs.len(), 4);
        assert_eq!(segs[1].author.as_deref(), Some("ann"));
        assert_eq!(segs[1].posted.as_deref(), Some("3 years ago"));
        assert_eq!((segs[1].depth, segs[1].reply_to), (1, Some(0)));
        assert_eq!((segs[2].depth, segs[2].reply_to), (2, Some(1)));
        assert_eq!((segs[3].depth, segs[3].reply_to), (1, Some(0)));
    }

    #[test]
    fn a_comment_section_without_blank_lines_has_a_comment_per_line() {
        let text = "An article paragraph that is long enough to count as prose for this test, really.\n\n3 comments\nI have to say that the article gets the dates of the purges right, for once.\nA second reply, which disagrees with the first one about the dates.\nAnd a third one, which asks where the figures of the census come from.";
        let (_, s) = run(text, Some(DocKind::Article));
        let kinds: Vec<SegKind> = s.segments.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, vec![SegKind::Article, SegKind::Comment, SegKind::Comment, SegKind::Comment]);
        assert!(s.segments[2].text.starts_with("A second reply"));
        // No author is guessed: each says why there is none.
        assert_eq!(s.segments[0].author_missing(), Some("no-byline"));
        assert_eq!((s.segments[1].author.as_deref(), s.segments[1].author_missing()), (None, Some("no-header")));
        // With blank lines in the section, the blocks are the comments.
        let text = "An article paragraph that is long enough to count as prose for this test, really.\n\n2 comments\nThe first reply, which the page wraps over\ntwo of its lines before the reply ends.\n\nThe second reply, which says the first one is right about it.";
        let (_, s) = run(text, Some(DocKind::Article));
        assert_eq!(s.segments.len(), 3);
        assert_eq!(
            s.segments[1].text,
            "The first reply, which the page wraps over\ntwo of its lines before the reply ends."
        );
    }

    #[test]
    fn posts_of_a_link_aggregator_and_of_a_classic_board_by_their_header_shapes() {
        let hn = "Ask HN: Was Bukharin right about NEP?\n120 points by koba 5 hours ago | 48 comments\n\npg 3 hours ago | parent | next [-]\nBukharin's line on the peasantry was coherent, and the grain crisis of 1928 was a policy choice rather than a necessity.\n\ndang 2 hours ago | parent | next [-]\nThe procurement prices set in 1927 explain most of that crisis, as several historians have argued since the archives opened.\n\nsergei_k 1 hour ago | parent | next [-]\nI would add that the war scare of 1927 changed the politics of industrialisation much more than the prices did.";
        let (_, s) = run(hn, None);
        let got: Vec<(Option<&str>, Option<&str>)> =
            s.segments.iter().map(|s| (s.author.as_deref(), s.posted.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (Some("koba"), Some("5 hours ago")),
                (Some("pg"), Some("3 hours ago")),
                (Some("dang"), Some("2 hours ago")),
                (Some("sergei_k"), Some("1 hour ago"))
            ]
        );
        // The time line above each handle is that post's; the user panel under it is not text.
        let vb = "History Forum > Russian History > The purges\nThread: Why did Stalin purge the army?\n\nOld 03-12-2009, 10:31 PM\nKoba_1878\nSenior Member\nJoin Date: Mar 2009\nPosts: 1,234\nWhy did Stalin purge the Red Army command in 1937, when war with Germany was clearly coming?\n\nOld 03-12-2009, 11:02 PM\nTukhachevsky\nMember\nJoin Date: Jan 2008\nPosts: 321\nBecause he feared a coup more than he feared Hitler, and the NKVD fed that fear with forged evidence.\n\nOld 03-13-2009, 08:15 AM\nFrunze\nJunior Member\nJoin Date: Feb 2009\nPosts: 12\nThe forged documents story is disputed; the archives show the arrests began before any dossier arrived.";
        let (_, s) = run(vb, None);
        let got: Vec<(Option<&str>, Option<&str>)> =
            s.segments.iter().map(|s| (s.author.as_deref(), s.posted.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (Some("Koba_1878"), Some("03-12-2009, 10:31 PM")),
                (Some("Tukhachevsky"), Some("03-12-2009, 11:02 PM")),
                (Some("Frunze"), Some("03-13-2009, 08:15 AM"))
            ]
        );
        assert!(s.segments[1].text.starts_with("Because he feared a coup"));
    }

    #[test]
    fn comments_of_a_reddit_page_a_wordpress_post_and_a_blogger_post() {
        let authors = |text: &str| -> Vec<(SegKind, Option<String>)> {
            run(text, None).1.segments.iter().map(|s| (s.kind, s.author.clone())).collect()
        };
        let some = |a: &str| Some(a.to_owned());
        use SegKind::*;
        assert_eq!(
            authors("r/AskHistorians\nPosted by u/ivan_the_reader 5 yr. ago\nWhy did the Kronstadt sailors rebel in 1921?\n45 comments\nlevel 1\nhistorian_k\n· 5 yr. ago\nThe sailors demanded free soviets and an end to grain requisitioning, as their resolution of 1 March 1921 says.\nlevel 2\nivan_the_reader\n· 5 yr. ago\nThanks, that makes sense of the timing with the Tenth Party Congress."),
            vec![(Post, some("u/ivan_the_reader")), (Comment, some("historian_k")), (Comment, some("ivan_the_reader"))]
        );
        assert_eq!(authors("The Kronstadt Rebellion, a century on\nPosted on March 1, 2021 by Anna Petrova\nThe rebellion of the Kronstadt sailors in March 1921 was crushed by the Red Army under Tukhachevsky.\n3 thoughts on \"The Kronstadt Rebellion, a century on\"\nMikhail says:\nMarch 2, 2021 at 9:14 am\nA good summary, though it leaves out the role of the Petrograd strikes that came first.\nReply\nOlga says:\nMarch 3, 2021 at 6:40 pm\nThe strikes matter, but the sailors' own resolution is the best source for what they wanted.\nReply"), vec![(Post, some("Anna Petrova")), (Comment, some("Mikhail")), (Comment, some("Olga"))]);
        assert_eq!(authors("Red Years: notes on Soviet history\nSunday, March 7, 2021\nKronstadt, 1921\nThe sailors' resolution of 1 March 1921 asked for new elections to the soviets by secret ballot.\nPosted by Ivan at 10:31 PM\n2 comments:\nAnonymous said...\nThe resolution is worth reading in full; most summaries leave out the demands about the peasants.\nMarch 8, 2021 at 9:02 AM\nIvan said...\nAgreed, I will add the full text in the next post of this series.\nMarch 8, 2021 at 11:45 AM\nPost a Comment"), vec![(Article, some("Ivan")), (Comment, some("Anonymous")), (Comment, some("Ivan"))]);
        // "X on DATE said:" in a comment section heads X's comment: its text repeats nothing above it.
        let (_, s) = run("The Kronstadt Rebellion, a century on\nThe rebellion of the Kronstadt sailors in March 1921 was crushed by the Red Army under Tukhachevsky.\n2 comments\nMikhail on March 2, 2021 at 9:14 am said:\nA good summary, though it leaves out the role of the Petrograd strikes that came first.\nOlga on March 3, 2021 at 6:40 pm said:\nThe strikes matter, but the sailors' own resolution is the best source for what they wanted.", None);
        let got: Vec<(Option<&str>, usize)> =
            s.segments.iter().map(|s| (s.author.as_deref(), s.quotes.len())).collect();
        assert_eq!(got, vec![(None, 0), (Some("Mikhail"), 0), (Some("Olga"), 0)]);
    }

    #[test]
    fn posts_of_lemmy_discourse_and_phpbb_threads() {
        let posts = |text: &str| -> Vec<(Option<String>, Option<String>, u32)> {
            let (_, s) = run(text, None);
            s.segments
                .iter()
                .filter(|s| s.author.is_some())
                .map(|s| (s.author.clone(), s.posted.clone(), s.depth))
                .collect()
        };
        let p = |a: &str, t: &str, d: u32| (Some(a.to_owned()), Some(t.to_owned()), d);
        assert_eq!(
            posts("Was the NEP a retreat or a strategy?\nsubmitted 2 days ago by koba@lemmygrad.ml to history@lemmy.ml\nLenin called it a retreat in 1921, but by 1923 he wrote of cooperatives as the road to socialism.\n12 comments\n• tovarish@lemmygrad.ml\n  2 days ago\n  Both: the retreat was forced by Kronstadt and the famine, and the strategy came after it.\n  arrow-up\n  7\n  arrow-down\n  • bukharinite@hexbear.net\n    1 day ago\n    The strategy was Bukharin's more than Lenin's, and Stalin dropped it in 1928."),
            vec![
                p("koba@lemmygrad.ml", "2 days ago", 0),
                p("tovarish@lemmygrad.ml", "2 days ago", 1),
                p("bukharinite@hexbear.net", "1 day ago", 2)
            ]
        );
        assert_eq!(posts("Trotsky and the Kronstadt question\nHistory\nivanov\n3d\nTrotsky defended the suppression in 1938, in \"Hue and Cry over Kronstadt\", and never changed his view.\n2 Likes\nReply\npetrova\n2d\nHe also played down his own part in the decisions of March 1921, which Serge disputed.\n1 Like\nReply"), vec![p("ivanov", "3d", 0), p("petrova", "2d", 0)]);
        assert_eq!(
            posts("Board index ‹ History ‹ Russian Revolution\nKronstadt 1921\nPost by ivanov » Tue Mar 02, 2021 9:14 am\nThe sailors were not the same men as in 1917, or so the Bolsheviks claimed at the time.\nTop\nRe: Kronstadt 1921\nPost by petrova » Tue Mar 02, 2021 11:40 am\nThat claim has been tested against the fleet's records, and most of the crews had served since before 1917.\nTop"),
            vec![p("ivanov", "Tue Mar 02, 2021 9:14 am", 0), p("petrova", "Tue Mar 02, 2021 11:40 am", 0)]
        );
    }

    #[test]
    fn comments_of_disqus_and_substack_threads() {
        let posts = |text: &str| -> Vec<(Option<String>, Option<String>)> {
            let (_, s) = run(text, None);
            s.segments.iter().skip(1).map(|s| (s.author.clone(), s.posted.clone())).collect()
        };
        let p = |a: &str, t: &str| (Some(a.to_owned()), Some(t.to_owned()));
        // Disqus: a reply's second line names the comment it replies to, not its author.
        assert_eq!(posts("The Kronstadt Rebellion, a century on\nThe rebellion of the Kronstadt sailors in March 1921 was crushed by the Red Army under Tukhachevsky.\n12 Comments\nMikhail Petrov\n• 3 years ago\nA good summary, though it leaves out the role of the Petrograd strikes that came first.\n• Reply\n• Share ›\nOlga\nMikhail Petrov • 3 years ago\nThe strikes matter, but the sailors' own resolution is the best source for what they wanted.\n• Reply\n• Share ›"), vec![p("Mikhail Petrov", "3 years ago"), p("Olga", "3 years ago")]);
        // A day and month alone under a name is that comment's time.
        assert_eq!(posts("Notes on the Soviet 1920s\nThe NEP years were a time of experiment in the arts as much as in the economy.\nComments\nAnna K.\nMar 3\nA good point about the arts; Mayakovsky's posters for ROSTA belong in this story.\nReply\nShare\nBoris L.\nMar 4\nAnd the cinema, above all Eisenstein and Vertov, who were funded in those same years.\nReply\nShare"), vec![p("Anna K.", "Mar 3"), p("Boris L.", "Mar 4")]);
    }

    #[test]
    fn blog_essays_split_at_double_gap_headings() {
        let text = "First essay\n\nSome prose that runs on for a while so that it reads as a paragraph here.\n\n\nSecond essay\n\nMore prose that runs on for a while so that it reads as a paragraph too.";
        let (_, s) = run(text, Some(DocKind::Blog));
        assert_eq!(s.segments.len(), 2);
        assert_eq!(s.segments[1].title.as_deref(), Some("Second essay"));
        assert_eq!(s.segments[1].kind, SegKind::Essay);
    }
}
