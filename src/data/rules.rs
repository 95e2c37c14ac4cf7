//! Line rules kept as data in the gazetteer directory.
//!
//! * `boilerplate.tsv`: one line pattern per row: `rule`, `label`, `role`, `max_words`, `pattern`. A rule matches a
//!   whole normalised line (patterns are anchored by their authors with `^`/`$`). `label` is what the line becomes
//!   (`boilerplate`, `meta` or `heading`), `role` what it means for the thread structure (see [`Role`]),
//!   `max_words` the longest line (in words) the rule may claim (0 = no limit). The named groups `author` and
//!   `time` capture who wrote a post and when. Rows are tried in file order; the first match wins.
//! * `stopwords.txt`: function words, one per line, for the stopword-density evidence.

use crate::error::ConfigError;
use regex_automata::nfa::thompson::{self, backtrack::BoundedBacktracker, NFA};
use regex_automata::util::pool::Pool;
use regex_automata::{hybrid, Anchored, Input, MatchKind, PatternID, PatternSet};
use regex_syntax::hir::{Hir, HirKind, Repetition};
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::path::Path;

/// Lines longer than this are never boilerplate candidates for pattern rules (keeps huge lines linear and cheap).
pub const MAX_RULE_LINE_BYTES: usize = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Boilerplate,
    Meta,
    Heading,
}

impl Label {
    fn parse(s: &str) -> Option<Label> {
        match s {
            "boilerplate" => Some(Label::Boilerplate),
            "meta" => Some(Label::Meta),
            "heading" => Some(Label::Heading),
            _ => None,
        }
    }
}

/// What a matched line means for the thread structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// No structural meaning.
    None,
    /// Post footer chrome ("Share this post", "Link to post"): ends the current post.
    Footer,
    /// "2 hours ago, X said:": the next lines quote X.
    QuoteHeader,
    /// A comment's author line ("• handle [flair]"): starts a new comment.
    CommentHeader,
    /// When the current post was written ("3 years ago").
    Posted,
    /// Author and/or date of the current post or article.
    Byline,
    /// "N comments": what follows is the comment section.
    CommentCounter,
    /// "Edited by X": X wrote the current post.
    Editor,
    /// A line of a poster's member panel (rank, join date, post count): chrome, and evidence that the name line
    /// above it heads a post.
    Panel,
    /// The head of a list of links ("Related posts", "Popular"): the short, unpunctuated lines under it are its
    /// links.
    Links,
}

impl Role {
    fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "-" => Role::None,
            "footer" => Role::Footer,
            "quote-header" => Role::QuoteHeader,
            "comment-header" => Role::CommentHeader,
            "posted" => Role::Posted,
            "byline" => Role::Byline,
            "comment-counter" => Role::CommentCounter,
            "editor" => Role::Editor,
            "panel" => Role::Panel,
            "links" => Role::Links,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct LineRule {
    pub name: String,
    pub label: Label,
    pub role: Role,
    pub max_words: usize,
    pub pattern: String,
    /// The pattern names an `author` or `time` group.
    pub captures: bool,
    /// `file:line` where the rule is defined.
    pub origin: String,
}

/// A successful rule match on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub rule: usize,
    pub author: Option<String>,
    pub time: Option<String>,
}

#[derive(Debug)]
pub struct Rules {
    pub lines: Vec<LineRule>,
    set: LineMatcher,
    pub stopwords: HashSet<String>,
    /// The vocabulary of page furniture (`page-words.tsv`, with the month and weekday names of `calendar.tsv`).
    pub page: PageWords,
}

/// The vocabulary of web-page furniture: `page-words.tsv`'s word families, the calendar's month and weekday
/// names and the stopwords, as one table from a lowercase word to the families it is in (a bit set: one lookup
/// per token answers every question the header reader and the line features ask).
#[derive(Debug, Default)]
pub struct PageWords {
    kinds: HashMap<String, u32, BuildHasherDefault<FxHasher>>,
}

/// The families of [`PageWords`], as bits.
pub mod page_kind {
    pub const CHROME: u32 = 1;
    pub const UI: u32 = 1 << 1;
    pub const HEADER: u32 = 1 << 2;
    pub const INTRO: u32 = 1 << 3;
    pub const VERB: u32 = 1 << 4;
    pub const UNIT: u32 = 1 << 5;
    pub const AGO: u32 = 1 << 6;
    pub const TUNIT: u32 = 1 << 7;
    pub const ANON: u32 = 1 << 8;
    pub const READER: u32 = 1 << 9;
    pub const ZONE: u32 = 1 << 10;
    pub const QUOTING: u32 = 1 << 11;
    pub const MONTH: u32 = 1 << 12;
    pub const WEEKDAY: u32 = 1 << 13;
    pub const STOP: u32 = 1 << 14;
    pub const REPLIES: u32 = 1 << 15;
    pub const PANEL: u32 = 1 << 16;
    /// The families page-words.tsv may give, by name.
    pub const NAMES: [(&str, u32); 14] = [
        ("chrome", CHROME),
        ("ui", UI),
        ("header", HEADER),
        ("intro", INTRO),
        ("verb", VERB),
        ("unit", UNIT),
        ("ago", AGO),
        ("tunit", TUNIT),
        ("anon", ANON),
        ("reader", READER),
        ("zone", ZONE),
        ("quoting", QUOTING),
        ("replies", REPLIES),
        ("panel", PANEL),
    ];
}

/// A fast, deterministic hasher for short word keys (FxHash: multiply and rotate), where SipHash's resistance to
/// chosen keys buys nothing: the keys are the gazetteer's own words.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl PageWords {
    pub fn parse(name: &str, text: &str, cal_name: &str, cal_text: &str) -> Result<PageWords, ConfigError> {
        let mut w = PageWords::default();
        for (ln, cols) in crate::data::tsv::rows(name, text, &["kind", "word"])? {
            let err = |m: String| ConfigError::new(name, Some(ln), m);
            if cols.len() != 2 {
                return Err(err(format!("expected 2 tab-separated columns, found {}", cols.len())));
            }
            let word = cols[1].trim();
            if word.is_empty() || word.contains(char::is_whitespace) || word.chars().any(char::is_uppercase) {
                return Err(err(format!("{word:?}: one lowercase word without spaces")));
            }
            let names: Vec<&str> = page_kind::NAMES.iter().map(|(n, _)| *n).collect();
            let bit = page_kind::NAMES
                .iter()
                .find(|(n, _)| *n == cols[0])
                .map(|(_, b)| *b)
                .ok_or_else(|| err(format!("unknown kind {:?} (expected one of {names:?})", cols[0])))?;
            let e = w.kinds.entry(word.to_owned()).or_insert(0);
            if *e & bit != 0 {
                return Err(err(format!("{word:?} listed twice as {}", cols[0])));
            }
            *e |= bit;
        }
        for (_, cols) in crate::data::tsv::rows(cal_name, cal_text, &["kind", "word", "value"])? {
            let bit = match cols.first() {
                Some(&"month") => page_kind::MONTH,
                Some(&"weekday") => page_kind::WEEKDAY,
                _ => continue,
            };
            if let Some(word) = cols.get(1) {
                *w.kinds.entry(word.trim_end_matches('.').to_lowercase()).or_insert(0) |= bit;
            }
        }
        Ok(w)
    }

    fn add_stopwords<'a>(&mut self, words: impl Iterator<Item = &'a String>) {
        for s in words {
            *self.kinds.entry(s.clone()).or_insert(0) |= page_kind::STOP;
        }
    }

    /// The families a lowercase word is in (0 for none).
    pub fn kinds(&self, lower: &str) -> u32 {
        self.kinds.get(lower).copied().unwrap_or(0)
    }

    /// Is the lowercase word in any of the families `mask`?
    pub fn is(&self, lower: &str, mask: u32) -> bool {
        self.kinds(lower) & mask != 0
    }

    /// A month name or abbreviation, capitalised or all capitals ("Oct", "OCTOBER"; not "may").
    pub fn is_month(&self, t: &str) -> bool {
        t.chars().next().is_some_and(char::is_uppercase) && with_lower(t, |l| self.is(l, page_kind::MONTH))
    }

    pub fn is_weekday(&self, t: &str) -> bool {
        t.chars().next().is_some_and(char::is_uppercase) && with_lower(t, |l| self.is(l, page_kind::WEEKDAY))
    }

    /// A furniture word (page-words.tsv `chrome` or `ui`), lowercase.
    pub fn is_chrome(&self, lower: &str) -> bool {
        self.is(lower, page_kind::CHROME | page_kind::UI)
    }
}

/// Call `f` with `s` in lower case, without allocating when `s` has no capitals and otherwise in a buffer reused
/// across calls (the classifier looks up every token of every line in word sets).
pub fn with_lower<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    if !s.chars().any(char::is_uppercase) {
        return f(s);
    }
    thread_local! {
        static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUF.with(|b| match b.try_borrow_mut() {
        Ok(mut b) => {
            b.clear();
            b.extend(s.chars().flat_map(char::to_lowercase));
            f(&b)
        }
        // Called from inside another call: a buffer of its own.
        Err(_) => f(&s.to_lowercase()),
    })
}

impl Rules {
    /// Load and validate the rule files of a gazetteer directory (the learned line classifier, which is trained
    /// on what they decide, is loaded apart: `strip::model::LineModel::load`).
    pub fn load(dir: &Path) -> Result<Rules, ConfigError> {
        let bp = dir.join("boilerplate.tsv");
        let sw = dir.join("stopwords.txt");
        let bp_name = bp.to_string_lossy().replace('\\', "/");
        let sw_name = sw.to_string_lossy().replace('\\', "/");
        let bp_text = std::fs::read_to_string(&bp).map_err(|e| ConfigError::new(&bp_name, None, e.to_string()))?;
        let sw_text = std::fs::read_to_string(&sw).map_err(|e| ConfigError::new(&sw_name, None, e.to_string()))?;
        let mut rules = Rules::parse(&bp_name, &bp_text, &sw_name, &sw_text)?;
        let read = |file: &str| {
            let p = dir.join(file);
            let n = p.to_string_lossy().replace('\\', "/");
            std::fs::read_to_string(&p).map(|t| (n.clone(), t)).map_err(|e| ConfigError::new(&n, None, e.to_string()))
        };
        let (pw_name, pw_text) = read("page-words.tsv")?;
        let (cal_name, cal_text) = read("calendar.tsv")?;
        rules.page = PageWords::parse(&pw_name, &pw_text, &cal_name, &cal_text)?;
        let stop = rules.stopwords.clone();
        rules.page.add_stopwords(stop.iter());
        Ok(rules)
    }

    pub fn parse(bp_name: &str, bp_text: &str, sw_name: &str, sw_text: &str) -> Result<Rules, ConfigError> {
        let mut lines = Vec::new();
        // Each rule's parsed pattern and its line in the file.
        let mut parsed: Vec<(Hir, u32)> = Vec::new();
        for (ln, cols) in crate::data::tsv::rows(bp_name, bp_text, &["rule", "label", "role", "max_words", "pattern"])?
        {
            let err = |m: String| ConfigError::new(bp_name, Some(ln), m);
            if cols.len() != 5 {
                return Err(err(format!(
                    "expected 5 tab-separated columns, found {} (write a tab in a pattern as \\t)",
                    cols.len()
                )));
            }
            let name = cols[0].trim();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                return Err(err(format!("rule name {name:?} must be lowercase-with-dashes")));
            }
            let label = Label::parse(cols[1]).ok_or_else(|| err(format!("unknown label {:?}", cols[1])))?;
            let role = Role::parse(cols[2]).ok_or_else(|| err(format!("unknown role {:?}", cols[2])))?;
            let max_words: usize =
                cols[3].parse().map_err(|_| err(format!("max_words {:?} is not a number", cols[3])))?;
            let pattern = cols[4];
            if pattern.is_empty() {
                return Err(err("empty pattern".into()));
            }
            let hir = regex_automata::util::syntax::parse(pattern).map_err(|e| err(format!("bad pattern: {e}")))?;
            let mut captures = false;
            for group in hir_group_names(&hir) {
                if group != "author" && group != "time" {
                    return Err(err(format!("unknown capture group {group:?} (allowed: author, time)")));
                }
                captures = true;
            }
            lines.push(LineRule {
                name: name.into(),
                label,
                role,
                max_words,
                pattern: pattern.to_owned(),
                captures,
                origin: format!("{bp_name}:{ln}"),
            });
            parsed.push((hir, ln));
        }
        let hirs: Vec<Hir> = parsed.iter().map(|(h, _)| relax(h)).collect();
        let set = LineMatcher::new(&lines, &hirs)
            .map_err(|e| ConfigError::new(bp_name, None, format!("rules do not compile together: {e}")))?;
        if let Some(i) = (0..lines.len()).find(|&i| set.is_match_of(i, "")) {
            return Err(ConfigError::new(bp_name, Some(parsed[i].1), "pattern matches the empty line"));
        }
        let mut stopwords = HashSet::new();
        for (i, line) in sw_text.lines().enumerate() {
            let w = line.trim();
            if w.is_empty() || w.starts_with('#') {
                continue;
            }
            if w.contains(char::is_whitespace) || w.chars().any(|c| c.is_uppercase()) {
                return Err(ConfigError::new(
                    sw_name,
                    Some(i as u32 + 1),
                    format!("{w:?}: one lowercase word per line"),
                ));
            }
            stopwords.insert(w.to_owned());
        }
        if stopwords.is_empty() {
            return Err(ConfigError::new(sw_name, None, "no stopwords"));
        }
        Ok(Rules { lines, set, stopwords, page: PageWords::default() })
    }

    /// The first rule (in file order) that claims this normalised line.
    pub fn match_line(&self, text: &str, words: usize) -> Option<RuleMatch> {
        if text.is_empty() || text.len() > MAX_RULE_LINE_BYTES {
            return None;
        }
        for i in self.set.candidates(text) {
            let rule = &self.lines[i];
            if (rule.max_words != 0 && words > rule.max_words) || !self.set.is_match_of(i, text) {
                continue;
            }
            let (author, time) = if rule.captures { self.set.captures(i, text) } else { (None, None) };
            return Some(RuleMatch { rule: i, author, time });
        }
        None
    }

    pub fn is_stopword(&self, lower_word: &str) -> bool {
        self.stopwords.contains(lower_word)
    }
}

/// The names of the capture groups of a parsed pattern.
fn hir_group_names(hir: &regex_syntax::hir::Hir) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![hir];
    while let Some(h) = stack.pop() {
        match h.kind() {
            HirKind::Capture(c) => {
                out.extend(c.name.as_deref().map(str::to_owned));
                stack.push(&c.sub);
            }
            HirKind::Repetition(r) => stack.push(&r.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => stack.extend(v.iter()),
            _ => {}
        }
    }
    out
}

type CachePool<C> = Pool<C, Box<dyn Fn() -> C + Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe>>;

/// Every line rule, compiled once as it is written and once relaxed. A lazy DFA over the relaxed patterns (bounded
/// repeats made unbounded, groups dropped: a superset of each rule's lines, and an automaton without the
/// counters that make a joint DFA of 71 patterns large) finds the rules that may match a line; a lazy DFA over the
/// exact patterns, searched for one pattern at a time, confirms them; a bounded backtracker over the exact
/// automaton reads the `author` and `time` groups of the one rule that claims the line. Each exact pattern stands
/// behind a lazy any-character prefix, so an anchored search for one pattern finds its leftmost-first match
/// anywhere. (Compiling each rule again on its own, as a regex, tripled the start-up time: Unicode classes under
/// bounded repeats, `[\w.@-]{2,40}`, make large automata.)
struct LineMatcher {
    relaxed: hybrid::dfa::DFA,
    relaxed_caches: CachePool<hybrid::dfa::Cache>,
    exact: hybrid::dfa::DFA,
    exact_caches: CachePool<hybrid::dfa::Cache>,
    vm: BoundedBacktracker,
    vm_caches: CachePool<thompson::backtrack::Cache>,
}

impl std::fmt::Debug for LineMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LineMatcher({} patterns)", self.vm.get_nfa().pattern_len())
    }
}

/// A pattern that matches wherever `h` does, and maybe elsewhere: every bounded repeat unbounded, no groups.
fn relax(h: &Hir) -> Hir {
    match h.kind() {
        HirKind::Capture(c) => relax(&c.sub),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: if r.max.is_some_and(|m| m > r.min.max(1)) { None } else { r.max },
            greedy: r.greedy,
            sub: Box::new(relax(&r.sub)),
        }),
        HirKind::Concat(v) => Hir::concat(v.iter().map(relax).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(relax).collect()),
        _ => h.clone(),
    }
}

fn lazy_dfa(nfa: NFA, kind: MatchKind, per_pattern: bool) -> Result<hybrid::dfa::DFA, String> {
    let config = hybrid::dfa::DFA::config().match_kind(kind).starts_for_each_pattern(per_pattern);
    hybrid::dfa::DFA::builder()
        .configure(config.cache_capacity(64 << 20))
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

fn pool_of(dfa: &hybrid::dfa::DFA) -> CachePool<hybrid::dfa::Cache> {
    let d = dfa.clone();
    Pool::new(Box::new(move || d.create_cache()))
}

impl LineMatcher {
    /// `relaxed`: each rule's pattern, parsed and relaxed.
    fn new(rules: &[LineRule], relaxed: &[Hir]) -> Result<LineMatcher, String> {
        let config = || thompson::Config::new().nfa_size_limit(Some(256 << 20));
        let wrapped: Vec<String> = rules.iter().map(|r| format!("(?s:.)*?(?:{})", r.pattern)).collect();
        let nfa: NFA = thompson::Compiler::new().configure(config()).build_many(&wrapped).map_err(|e| e.to_string())?;
        let loose = thompson::Compiler::new()
            .configure(config().which_captures(thompson::WhichCaptures::Implicit))
            .build_many_from_hir(relaxed)
            .map_err(|e| e.to_string())?;
        let relaxed = lazy_dfa(loose, MatchKind::All, false)?;
        let exact = lazy_dfa(nfa.clone(), MatchKind::LeftmostFirst, true)?;
        // The backtracker's visited set is (states x line length) bits: enough for the longest line a rule sees.
        let visited = nfa.states().len() * (MAX_RULE_LINE_BYTES + 1) / 8 + 1024;
        let vm = BoundedBacktracker::builder()
            .configure(BoundedBacktracker::config().visited_capacity(visited))
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        let v = vm.clone();
        Ok(LineMatcher {
            relaxed_caches: pool_of(&relaxed),
            relaxed,
            exact_caches: pool_of(&exact),
            exact,
            vm,
            vm_caches: Pool::new(Box::new(move || v.create_cache())),
        })
    }

    /// The rules that may match `text` (every rule that does, ascending, and maybe others).
    fn candidates(&self, text: &str) -> Vec<usize> {
        let mut set = PatternSet::new(self.relaxed.pattern_len());
        let mut cache = self.relaxed_caches.get();
        self.relaxed
            .try_which_overlapping_matches(&mut cache, &Input::new(text), &mut set)
            .expect("the lazy DFA's cache is large enough for a line");
        set.iter().map(|p| p.as_usize()).collect()
    }

    /// The rules whose pattern matches somewhere in `text`, ascending.
    #[cfg(test)]
    fn matches(&self, text: &str) -> Vec<usize> {
        self.candidates(text).into_iter().filter(|&i| self.is_match_of(i, text)).collect()
    }

    fn is_match_of(&self, rule: usize, text: &str) -> bool {
        let mut cache = self.exact_caches.get();
        let input = Input::new(text).anchored(Anchored::Pattern(PatternID::must(rule))).earliest(true);
        self.exact
            .try_search_fwd(&mut cache, &input)
            .expect("the lazy DFA's cache is large enough for a line")
            .is_some()
    }

    /// The trimmed, non-empty `author` and `time` groups of rule `rule`'s leftmost-first match in `text`.
    fn captures(&self, rule: usize, text: &str) -> (Option<String>, Option<String>) {
        let pid = PatternID::must(rule);
        let mut cache = self.vm_caches.get();
        let mut caps = self.vm.create_captures();
        let input = Input::new(text).anchored(Anchored::Pattern(pid));
        self.vm.try_search(&mut cache, &input, &mut caps).expect("lines fit the visited set");
        let group = |name: &str| {
            caps.get_group_by_name(name).map(|sp| text[sp.start..sp.end].trim().to_owned()).filter(|s| !s.is_empty())
        };
        (group("author"), group("time"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HDR: &str = "rule\tlabel\trole\tmax_words\tpattern\n";

    fn parse(rows: &str) -> Result<Rules, ConfigError> {
        Rules::parse("g/boilerplate.tsv", &format!("{HDR}{rows}"), "g/stopwords.txt", "the\nof\n")
    }

    #[test]
    fn bad_rows_name_file_and_line() {
        let e = parse("share\tboilerplate\t-\t3\t(?i)^share$\nx\tnoise\t-\t3\t^x$\n").unwrap_err();
        assert_eq!(e.to_string(), "g/boilerplate.tsv:3: unknown label \"noise\"");
        let e = parse("x\tmeta\t-\t3\t^(unclosed$\n").unwrap_err();
        assert!(e.to_string().starts_with("g/boilerplate.tsv:2: bad pattern"), "{e}");
        let e = parse("ok\tmeta\t-\t3\t^ok$\nx\tmeta\t-\t3\t^a*$\n").unwrap_err();
        assert_eq!(e.to_string(), "g/boilerplate.tsv:3: pattern matches the empty line");
        let e = parse("x\tmeta\t-\t3\t^(?P<who>a)$\n").unwrap_err();
        assert!(e.to_string().starts_with("g/boilerplate.tsv:2: unknown capture group \"who\""), "{e}");
        let e = parse("x\tmeta\t-\tmany\t^a$\n").unwrap_err();
        assert!(e.to_string().contains("max_words"), "{e}");
    }

    #[test]
    fn first_rule_in_file_order_wins_and_captures() {
        let r = parse("quote-header\tmeta\tquote-header\t12\t^(?:(?P<time>.+?), )?(?P<author>\\S+) said:$\nany\tboilerplate\t-\t0\tsaid:$\n")
            .unwrap();
        let m = r.match_line("2 hours ago, Breakingthewall said:", 5).unwrap();
        assert_eq!(r.lines[m.rule].name, "quote-header");
        assert_eq!(m.author.as_deref(), Some("Breakingthewall"));
        assert_eq!(m.time.as_deref(), Some("2 hours ago"));
        // An unanchored pattern's groups come from its leftmost-first match, as a regex's own search gives them.
        let r2 = parse("says\tmeta\tquote-header\t0\t(?P<author>\\w+) says:$\n").unwrap();
        let m = r2.match_line("Ivan Petrov says:", 3).unwrap();
        assert_eq!(m.author.as_deref(), Some("Petrov"));
        // Too many words for the first rule: the second one claims it.
        let m = r.match_line("a b c d e f g h i j k l m n, x said:", 15).unwrap();
        assert_eq!(r.lines[m.rule].name, "any");
    }

    /// The one automaton answers as each rule's own regex would: the same rules match, the first claims the line,
    /// and its groups are the regex's, on every line of the corpus.
    #[test]
    fn the_shared_automaton_agrees_with_each_rule_compiled_alone() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rules = Rules::load(&root.join("gazetteer")).unwrap();
        let alone: Vec<regex::Regex> = rules.lines.iter().map(|r| regex::Regex::new(&r.pattern).unwrap()).collect();
        let mut lines = 0;
        let mut claimed = 0;
        for e in std::fs::read_dir(root.join("raw")).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && l.len() <= MAX_RULE_LINE_BYTES) {
                lines += 1;
                let want: Vec<usize> = (0..alone.len()).filter(|&i| alone[i].is_match(line)).collect();
                assert_eq!(rules.set.matches(line), want, "{line:?}");
                if let Some(m) = rules.match_line(line, 0) {
                    claimed += 1;
                    let caps = alone[m.rule].captures(line).unwrap();
                    let g = |n: &str| caps.name(n).map(|x| x.as_str().trim().to_owned()).filter(|x| !x.is_empty());
                    assert_eq!((m.author, m.time), (g("author"), g("time")), "{line:?}");
                }
            }
        }
        assert!(lines > 2_000 && claimed > 200, "{lines} lines, {claimed} claimed");
    }
}
