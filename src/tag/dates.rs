//! Stage: date tagging (years, month-years, full dates, decades, centuries, ranges, relative expressions), with
//! TIMEX3-style normalised values: `1879`, `1917-07`, `1940-08-20`, `193X`, `18XX`, `1918/1925`, and the
//! modifiers START / MID / END / APPROX.
//!
//! Calendar words are data: `gazetteer/calendar.tsv` lists months, weekdays, counts, units, modifiers, the words of
//! relative expressions (deictic words, anaphors, relation words, windows) and the signal words the rules below
//! consult. Candidates from every pattern are resolved leftmost-longest.
//!
//! [`DateTagger::tag`] finds the expressions:
//!
//! * **Absolute dates.** A bare month name ("In February", "by October", "late April") is a date only when
//!   capitalised, after a signal word or a modifier, and not inside an entity mention ("October Revolution",
//!   "July Days", "April Theses": the name is not a date), so "May" and "March" as verbs never match; with a day
//!   number it is a date even inside a name ("the Oct. 7 attack"), as a year is ("the 1905 revolution"). Numbers
//!   that are not years (counts, percentages, scores, handles) never match: a bare year has four digits
//!   (1000-2099), stands as a word, and is not part of a larger number ("400,000", "1.6"); a number followed by
//!   a plural noun ("1000 young conscripts") is a count unless a signal word before it makes it a year ("in 1917
//!   workers ...", "the 1917 elections").
//! * **Machine dates.** Inside a URL or a file name, ordinary patterns do not fire; `YYYY/MM(/DD)` path parts and
//!   8-digit `YYYYMMDD` runs with a valid month and day are tagged instead, with `machine` set.
//! * **Relative expressions** (kind `relative`, `value` always `None`): deictic words ("today", "Todays"), amounts
//!   before a relation word ("3 years ago", "a few months later", "two months before the revolution" with its
//!   anchor NP, "approximately 5 years after ..." with APPROX), windows ("the past 2 decades", "the coming
//!   days", "Within days"), sequences ("The next day"), anaphors ("that year", "the end of the month" with END,
//!   "As the year rolled on"). Durations without an anchor ("for several years", "decades of misery") and
//!   idioms listed in the data ("At the end of the day") are not tagged.
//!
//! [`DateTagger::resolve`] then uses the rest of the text (and the document's date, when known) to fill in what
//! the text pins down: the year of a year-less date (`resolved_from` says where it comes from) and the date of a
//! relative expression (`resolved`).

use crate::error::ConfigError;
use regex::{Captures, Regex};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    Date,
    Range,
    Decade,
    Century,
    Relative,
}

impl DateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DateKind::Date => "date",
            DateKind::Range => "range",
            DateKind::Decade => "decade",
            DateKind::Century => "century",
            DateKind::Relative => "relative",
        }
    }
}

/// Where the year of a date without a year in its own span comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Another date mention of the same text (bytes).
    Text { start: usize, end: usize },
    /// The document's own date ([`DateContext::doc_date`]).
    DocumentDate,
}

/// A temporal expression in a text (bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub kind: DateKind,
    /// The normalised value; always `None` for relative expressions (see `resolved`).
    pub value: Option<String>,
    pub modifier: Option<String>,
    /// Relative expressions: the date the text pins down ("that year" → `1919`, "The next day" → `1917-02-24`).
    pub resolved: Option<String>,
    /// Dates with no year in their own span whose year [`DateTagger::resolve`] filled in: where the year is from.
    pub resolved_from: Option<Resolution>,
    /// Anchored relative expressions: the anchor NP inside the span ("the revolution" in "two months before the
    /// revolution"), bytes.
    pub anchor: Option<(usize, usize)>,
    /// A date encoded in a URL or a file name.
    pub machine: bool,
    /// How a relative expression places its time; set by `tag`, read by `resolve`.
    sense: Option<Sense>,
}

impl DateMention {
    fn new(start: usize, end: usize, kind: DateKind, value: Option<String>, modifier: Option<String>) -> Self {
        DateMention {
            start,
            end,
            kind,
            value,
            modifier,
            resolved: None,
            resolved_from: None,
            anchor: None,
            machine: false,
            sense: None,
        }
    }

    fn relative(start: usize, end: usize, sense: Sense, modifier: Option<String>) -> Self {
        DateMention { sense: Some(sense), ..DateMention::new(start, end, DateKind::Relative, None, modifier) }
    }

    /// The point in time of an absolute date whose year is known (not a machine date).
    fn point(&self) -> Option<Point> {
        if self.kind == DateKind::Date && !self.machine {
            self.value.as_deref().and_then(Point::parse)
        } else {
            None
        }
    }

    /// The point in time of an absolute date, or of a relative expression that has been resolved.
    fn known_point(&self) -> Option<Point> {
        self.point().or_else(|| self.resolved.as_deref().and_then(Point::parse))
    }

    /// "today", "Todays".
    fn is_today(&self) -> bool {
        matches!(self.sense, Some(Sense::Now(Shift { amount: Some(0), unit: Unit::Day })))
    }
}

/// What [`DateTagger::resolve`] needs from outside the text.
pub struct DateContext<'a> {
    /// The document's own date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), e.g. from its byline.
    pub doc_date: Option<&'a str>,
    /// The date value of an anchor NP given by its byte range in the text (e.g. an event's date from the
    /// gazetteer), or `None` when the caller does not know it.
    pub anchor_date: &'a dyn Fn(usize, usize) -> Option<String>,
}

/// How many paragraphs (non-blank lines) back the year of a year-less date, or the previous date of an anaphor,
/// may be found.
const PARAGRAPHS_BACK: usize = 3;
/// The longest modifier with its "the" and spaces, in bytes (a window for [`DateTagger::modifier_before`]).
const MODIFIER_BYTES: usize = 48;
/// The longest idiom, in bytes (a window for checking a relative expression against the idioms).
const IDIOM_BYTES: usize = 64;
/// Words of an anchor NP after its determiner or its first name word.
const ANCHOR_WORDS: usize = 4;
/// The largest offset (in seconds: a month) that stays inside a date known only to a coarser precision: "a few
/// days before" a date known to the year is taken to fall in that year.
const NEGLIGIBLE_SECONDS: i64 = 31 * 86_400;

/// Calendar and clock units of relative expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
}

impl Unit {
    /// The unit of a `unit` row's value in `calendar.tsv`.
    fn from_code(code: &str) -> Option<Unit> {
        Some(match code {
            "S" => Unit::Second,
            "MIN" => Unit::Minute,
            "H" => Unit::Hour,
            "D" => Unit::Day,
            "W" => Unit::Week,
            "M" => Unit::Month,
            "Y" => Unit::Year,
            "DE" => Unit::Decade,
            "CE" => Unit::Century,
            _ => return None,
        })
    }

    /// The precision a shift by this unit works at (0 year, 1 month, 2 day, 3 finer than a day).
    fn level(self) -> u8 {
        match self {
            Unit::Year | Unit::Decade | Unit::Century => 0,
            Unit::Month => 1,
            Unit::Week | Unit::Day => 2,
            Unit::Hour | Unit::Minute | Unit::Second => 3,
        }
    }

    /// Rough length in seconds (for deciding whether an offset is negligible).
    fn seconds(self) -> i64 {
        match self {
            Unit::Second => 1,
            Unit::Minute => 60,
            Unit::Hour => 3_600,
            Unit::Day => 86_400,
            Unit::Week => 7 * 86_400,
            Unit::Month => 30 * 86_400,
            Unit::Year => 365 * 86_400,
            Unit::Decade => 3_652 * 86_400,
            Unit::Century => 36_524 * 86_400,
        }
    }
}

/// A signed amount of units; `amount` is `None` when the text does not say how many ("a few", "decades").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    amount: Option<i64>,
    unit: Unit,
}

impl Shift {
    fn is_negligible(self) -> bool {
        self.amount.is_none_or(|n| n.abs().saturating_mul(self.unit.seconds()) <= NEGLIGIBLE_SECONDS)
    }
}

/// How a relative expression places its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sense {
    /// From the document's date: "today", "3 years ago", "last year".
    Now(Shift),
    /// The unit containing the previous date of the text: "that year", "the end of the month".
    Same(Unit),
    /// The previous date of the text, moved: "The next day", "two years later".
    Previous(Shift),
    /// The anchor's date, moved: "two months before the revolution", "A few day before it".
    Anchor(Shift),
    /// A period ("the past 2 decades", "Within days"), or a relation to something that is not a noun phrase.
    Period,
}

/// How a relation word places an amount of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Before or after the anchor NP that follows: "two months before the revolution".
    Anchored,
    /// Before or after the previous date of the text: "a few months later".
    Sequel,
    /// Before or after now: "3 years ago".
    Ago,
}

/// The class of a word inside an anchor NP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NpWord {
    Determiner,
    Of,
    /// A lowercase content word.
    Noun,
    /// A capitalised word or a number.
    Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    DayMonthYear,
    MonthDayYear,
    IsoDate,
    MonthYear,
    MonthDay,
    DayMonth,
    BareMonth,
    YearRange,
    Decade,
    CenturyRange,
    Century,
    Year,
    Offset,
    Within,
    Window,
    Current,
    Anaphor,
    Progress,
    Deictic,
}

impl Form {
    /// A month name alone: inside an entity name it is part of the name ("October Revolution"). With a day
    /// number it stays a date ("the Oct. 7 attack"), as a year does ("the 1905 revolution").
    fn is_bare_month(self) -> bool {
        self == Form::BareMonth
    }
}

/// The vocabulary of `calendar.tsv`. Words are lowercased with single spaces, except month names, which keep
/// their capital.
#[derive(Default)]
struct Vocab {
    months: HashMap<String, String>,
    weekdays: Vec<String>,
    modifiers: HashMap<String, String>,
    /// Count words and their number (`None`: vague, "a few").
    counts: HashMap<String, Option<i64>>,
    /// Unit words, singular and plural, with their unit and whether they are plural.
    units: HashMap<String, (Unit, bool)>,
    /// Deictic words and their offset in days from the document date.
    deictic: HashMap<String, i64>,
    /// "the next day": words that move the previous date by one unit.
    sequence: HashMap<String, i64>,
    /// "the past 2 decades": words that open a period.
    window: HashSet<String>,
    /// "last year", "this month": words that place a unit relative to now.
    current: HashMap<String, i64>,
    /// "that year", "the same day".
    anaphors: HashSet<String>,
    /// Relation words after an amount, with their sign.
    relations: HashMap<String, (Relation, i64)>,
    /// "Within days".
    periods: HashSet<String>,
    /// "As the year rolled on".
    progress: HashSet<String>,
    idioms: HashSet<String>,
    month_signals: HashSet<String>,
    year_signals: HashSet<String>,
    /// Plurals without -s ("people", "men"): a number before them is a count.
    plural_nouns: HashSet<String>,
    /// "and", "or": a number coordinated with a year is a year.
    coordinations: HashSet<String>,
    /// "for several years after ...": a duration, not a relative date.
    durations: HashSet<String>,
    determiners: HashSet<String>,
    pronouns: HashSet<String>,
    /// Words that end an anchor NP (function words, common verbs).
    anchor_stops: HashSet<String>,
}

pub struct DateTagger {
    rules: Vec<(Regex, Form)>,
    /// The same patterns as one set: one pass over a text says which rules can match it at all.
    any: regex::RegexSet,
    /// What marks a URL or file-name token.
    machine: Regex,
    idioms: Regex,
    /// A modifier at the end of a text ("... in the end of "), for [`DateTagger::modifier_before`].
    modifier_end: Regex,
    v: Vocab,
}

const YEAR: &str = r"(1[0-9]{3}|20[0-9]{2})";
const DAY: &str = r"(3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?";
/// What marks a whitespace-free token as a URL (`https://…`, `www.…`) or a file name with a common web extension.
const MACHINE_MARK: &str = r"(?i)https?://|(?-u:\b)www\.|\.(?:jpe?g|png|gif|webp|html?|pdf|php)(?-u:\b)";

/// Lowercase, with runs of whitespace as one space: the key of a vocabulary word.
fn key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The plural of a unit word: "day" → "days", "century" → "centuries".
fn plural(word: &str) -> String {
    match word.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{word}s"),
    }
}

/// An alternation of words, longest first, spaces matching any whitespace; a list that is empty never matches.
fn alt<'a>(words: impl IntoIterator<Item = &'a String>) -> String {
    let mut words: Vec<&String> = words.into_iter().collect();
    if words.is_empty() {
        return r"[^\s\S]".into();
    }
    words.sort_by_key(|w| (std::cmp::Reverse(w.len()), w.as_str()));
    words.iter().map(|w| regex::escape(w).replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '-'
}

/// The words after `from`, as byte ranges, while only spaces separate them (punctuation ends the run).
fn words_after(text: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        let rest = &text[pos..];
        let start = pos + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        let len: usize = text[start..].chars().take_while(|&c| is_word_char(c)).map(char::len_utf8).sum();
        if len == 0 {
            return None;
        }
        pos = start + len;
        Some((start, pos))
    })
}

/// The word just before `pos`, when only spaces separate them.
fn word_before(text: &str, pos: usize) -> Option<&str> {
    let head = text[..pos].trim_end_matches([' ', '\t']);
    let len: usize = head.chars().rev().take_while(|&c| is_word_char(c)).map(char::len_utf8).sum();
    (len > 0).then(|| &head[head.len() - len..])
}

/// A capitalised word or a number: "Lenin's", "World", "1917".
fn is_name(w: &str) -> bool {
    w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
}

fn is_lowercase_word(w: &str) -> bool {
    w.chars().all(|c| c.is_lowercase() || c == '-' || c == '\'') && w.chars().any(char::is_alphabetic)
}

/// A lowercase word that looks like a plural noun (or a verb in the third person): "conscripts", "gets".
fn looks_plural(w: &str) -> bool {
    w.len() >= 3
        && is_lowercase_word(w)
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !w.ends_with("'s")
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// A calendar date known to the year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    year: i64,
    month: Option<u32>,
    day: Option<u32>,
}

impl Point {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (anything after the day, such as a time, is ignored); not `XXXX-…`,
    /// decades or ranges.
    fn parse(v: &str) -> Option<Point> {
        fn num<T: std::str::FromStr>(s: Option<&str>, len: usize) -> Option<T> {
            s.filter(|s| s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))?.parse().ok()
        }
        let mut parts = v.splitn(3, '-');
        let year: i64 = num(parts.next(), 4)?;
        let month = match parts.next() {
            None => return Some(Point { year, month: None, day: None }),
            Some(m) => num(Some(m), 2).filter(|m| (1..=12).contains(m))?,
        };
        let day = match parts.next() {
            None => None,
            Some(d) => Some(num(d.get(..2), 2).filter(|&d| d >= 1 && d <= days_in_month(year, month))?),
        };
        Some(Point { year, month: Some(month), day })
    }

    /// 0: known to the year, 1: to the month, 2: to the day.
    fn level(self) -> u8 {
        match (self.month, self.day) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => 2,
        }
    }

    fn truncate(self, level: u8) -> Point {
        Point { year: self.year, month: self.month.filter(|_| level >= 1), day: self.day.filter(|_| level >= 2) }
    }

    fn value(self) -> String {
        match (self.month, self.day) {
            (None, _) => format!("{:04}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
        }
    }

    /// Move by `n` units; the point must be known to the unit's precision.
    fn add(self, n: i64, unit: Unit) -> Option<Point> {
        let years = |k: i64| Some(Point { year: self.year + n * k, month: None, day: None });
        match unit {
            Unit::Year => years(1),
            Unit::Decade => years(10),
            Unit::Century => years(100),
            Unit::Month => {
                let months = self.year * 12 + i64::from(self.month?) - 1 + n;
                Some(Point { year: months.div_euclid(12), month: Some(months.rem_euclid(12) as u32 + 1), day: None })
            }
            Unit::Week | Unit::Day => {
                let days = if unit == Unit::Week { 7 * n } else { n };
                let (y, m, d) = civil_from_days(days_from_civil(self.year, self.month?, self.day?) + days);
                Some(Point { year: y, month: Some(m), day: Some(d) })
            }
            Unit::Hour | Unit::Minute | Unit::Second => None,
        }
    }

    /// This point moved by `shift`, at the unit's precision ("two months before 1917-10-25" → 1917-08). A unit
    /// finer than the point is known to gives nothing, except (when `lenient`) a negligible offset at least two
    /// levels finer, which stays in the point ("a few days before 1922" → 1922).
    fn shifted(self, shift: Shift, lenient: bool) -> Option<Point> {
        let (unit_level, level) = (shift.unit.level(), self.level());
        if unit_level <= level {
            self.truncate(unit_level).add(shift.amount?, shift.unit)
        } else if lenient && unit_level >= level + 2 && shift.is_negligible() {
            Some(self)
        } else {
            None
        }
    }

    /// The value of the unit that contains this point: "that year" → `1919`, "that decade" → `191X`.
    fn within(self, unit: Unit) -> Option<String> {
        match unit {
            Unit::Century => Some(format!("{:02}XX", self.year.div_euclid(100))),
            Unit::Decade => Some(format!("{:03}X", self.year.div_euclid(10))),
            Unit::Year | Unit::Month | Unit::Day if self.level() >= unit.level() => {
                Some(self.truncate(unit.level()).value())
            }
            _ => None,
        }
    }
}

/// The lines of a text (`\n`-separated) and the paragraph each belongs to (blank lines do not count).
struct Paragraphs {
    starts: Vec<usize>,
    /// For each line, the number of non-blank lines before it.
    before: Vec<usize>,
}

impl Paragraphs {
    fn new(text: &str) -> Self {
        let (mut starts, mut before) = (Vec::new(), Vec::new());
        let (mut start, mut non_blank) = (0, 0);
        for line in text.split('\n') {
            starts.push(start);
            before.push(non_blank);
            start += line.len() + 1;
            non_blank += usize::from(!line.trim().is_empty());
        }
        Paragraphs { starts, before }
    }

    fn line(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos) - 1
    }

    /// How many paragraphs back `earlier` is from `later` (0 on the same line).
    fn back(&self, earlier: usize, later: usize) -> usize {
        self.before[self.line(later)] - self.before[self.line(earlier)]
    }
}

impl DateTagger {
    pub fn load(dir: &Path) -> Result<DateTagger, ConfigError> {
        let p = dir.join("calendar.tsv");
        let name = p.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&p).map_err(|e| ConfigError::new(&name, None, e.to_string()))?;
        DateTagger::parse(&name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<DateTagger, ConfigError> {
        let v = DateTagger::vocab(name, text)?;
        let b = r"(?-u:\b)";
        let month = format!(r"((?:{})\.?)", alt(v.months.keys()));
        // The full name of each month (its longest word): the only form a bare month may take.
        let mut full: HashMap<&str, &String> = HashMap::new();
        for (word, value) in &v.months {
            let e = full.entry(value.as_str()).or_insert(word);
            if word.len() > e.len() {
                *e = word;
            }
        }
        let full_month = format!("({})", alt(full.into_values()));
        let modifier = format!(r"((?i:the\s+)?(?i:{}))", alt(v.modifiers.keys()));
        let approx: Vec<&String> = v.modifiers.iter().filter(|(_, m)| *m == "APPROX").map(|(w, _)| w).collect();
        let weekday = format!(r"(?:(?:{})\.?,?\s+)?", alt(&v.weekdays));
        let count = format!(r"([0-9]+|{})", alt(v.counts.keys()));
        let unit = format!("({})", alt(v.units.keys()));
        let not_number = r"(?:[^0-9,.%']|[,.](?:[^0-9]|$)|$)"; // what may follow a year
        let rules: Vec<(String, Form)> = vec![
            (format!(r"{b}{weekday}{DAY}\s+(?:of\s+)?{month},?\s+{YEAR}{b}"), Form::DayMonthYear),
            (format!(r"{b}{weekday}{month}\s+{DAY},?\s+{YEAR}{b}"), Form::MonthDayYear),
            (format!(r"{b}{YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]){b}"), Form::IsoDate),
            (format!(r"(?:{modifier}\s+)?{b}{month},?\s+(?:of\s+)?{YEAR}{b}"), Form::MonthYear),
            (format!(r"{b}{month}\s+{DAY}{b}"), Form::MonthDay),
            (format!(r"{b}{DAY}\s+{month}(?:\s+[0-9]{{2}})?{b}"), Form::DayMonth),
            (
                // The signal word and the modifier before the month are checked in `mention`.
                format!(r"{b}{full_month}{b}"),
                Form::BareMonth,
            ),
            (format!(r"{b}{YEAR}\s*-\s*((?:1[0-9]|20)?[0-9]{{2}}){b}"), Form::YearRange),
            (
                format!(r"(?:{modifier}\s+)?(?:(?i:the)\s+)?(?:{b}(1[0-9]|20)([0-9])0'?s|'([1-9])0s|{b}([1-9])0's){b}"),
                Form::Decade,
            ),
            (
                format!(
                    r"(?:(?i:the)\s+)?{b}([1-9]|1[0-9]|2[01])\s*(?:st|nd|rd|th)\s*-\s*([1-9]|1[0-9]|2[01])\s*(?:st|nd|rd|th)\s+centuries{b}"
                ),
                Form::CenturyRange,
            ),
            (
                format!(
                    r"(?:{modifier}\s+)?(?:(?i:the)\s+)?{b}([1-9]|1[0-9]|2[01])\s*(?:st|nd|rd|th)[\s-]*centur(?:y|ies){b}"
                ),
                Form::Century,
            ),
            (format!(r"(?:{modifier}\s+)?{b}{YEAR}{not_number}"), Form::Year),
            (
                format!(
                    r"(?i){b}(?:({})\s+)?(?:{count}\s+)?{unit}(\.)?\s+({}){b}",
                    alt(approx),
                    alt(v.relations.keys())
                ),
                Form::Offset,
            ),
            (format!(r"(?i){b}({})\s+(?:{count}\s+)?{unit}{b}", alt(&v.periods)), Form::Within),
            (
                format!(r"(?i){b}the\s+({})\s+(?:{count}\s+)?{unit}{b}", alt(v.window.iter().chain(v.sequence.keys()))),
                Form::Window,
            ),
            (format!(r"(?i){b}({})\s+{unit}{b}", alt(v.current.keys())), Form::Current),
            (
                // A modifier before it is checked in `mention`.
                format!(r"(?i){b}(?:({})|(the))\s+{unit}{b}", alt(&v.anaphors)),
                Form::Anaphor,
            ),
            (format!(r"(?i){b}as\s+(the\s+{unit})\s+({}){b}", alt(&v.progress)), Form::Progress),
            (format!(r"(?i){b}({}){b}", alt(v.deictic.keys())), Form::Deictic),
        ];
        let compile =
            |pattern: &str| Regex::new(pattern).map_err(|e| ConfigError::new(name, None, format!("date pattern: {e}")));
        let mut compiled = Vec::new();
        for (pattern, form) in &rules {
            compiled.push((compile(pattern)?, *form));
        }
        let any = regex::RegexSet::new(rules.iter().map(|r| &r.0))
            .map_err(|e| ConfigError::new(name, None, format!("date pattern: {e}")))?;
        Ok(DateTagger {
            rules: compiled,
            any,
            machine: compile(MACHINE_MARK)?,
            idioms: compile(&format!(r"(?i){b}(?:{}){b}", alt(&v.idioms)))?,
            modifier_end: compile(&format!(r"{b}{modifier}\s+$"))?,
            v,
        })
    }

    /// Read `calendar.tsv` (kind, word, value), checking every value.
    fn vocab(name: &str, text: &str) -> Result<Vocab, ConfigError> {
        let mut v = Vocab::default();
        for (ln, cols) in crate::data::tsv::rows(name, text, &["kind", "word", "value"])? {
            let err = |m: String| ConfigError::new(name, Some(ln), m);
            if cols.len() != 3 || cols[1].trim().is_empty() {
                return Err(err("expected: kind, word, value".into()));
            }
            let (kind, word, value) = (cols[0], cols[1].trim(), cols[2].trim());
            let number = || {
                value
                    .trim_start_matches('+')
                    .parse::<i64>()
                    .map_err(|_| err(format!("{kind}: {value:?} is not a number")))
            };
            let sign = || match value {
                "+" => Ok(1),
                "-" => Ok(-1),
                _ => Err(err(format!("{kind}: value must be + or -, not {value:?}"))),
            };
            let w = key(word);
            match kind {
                "month" => {
                    v.months.insert(word.to_owned(), value.to_owned());
                }
                "weekday" => v.weekdays.push(word.to_owned()),
                "count" => {
                    v.counts.insert(w, if value == "-" { None } else { Some(number()?) });
                }
                "unit" => {
                    let unit = Unit::from_code(value).ok_or_else(|| err(format!("unknown unit code {value:?}")))?;
                    v.units.insert(plural(&w), (unit, true));
                    v.units.insert(w, (unit, false));
                }
                "modifier" | "approx" => {
                    if !["START", "MID", "END", "APPROX"].contains(&value) {
                        return Err(err(format!("unknown modifier value {value:?}")));
                    }
                    v.modifiers.insert(w, value.to_owned());
                }
                "deictic" => {
                    v.deictic.insert(w, number()?);
                }
                "sequence" => {
                    v.sequence.insert(w, number()?);
                }
                "current" => {
                    v.current.insert(w, number()?);
                }
                "relation" => {
                    v.relations.insert(w, (Relation::Anchored, sign()?));
                }
                "sequel" => {
                    v.relations.insert(w, (Relation::Sequel, sign()?));
                }
                "ago" => {
                    v.relations.insert(w, (Relation::Ago, sign()?));
                }
                _ => {
                    let set = match kind {
                        "window" => &mut v.window,
                        "anaphor" => &mut v.anaphors,
                        "period" => &mut v.periods,
                        "progress" => &mut v.progress,
                        "idiom" => &mut v.idioms,
                        "month-signal" => &mut v.month_signals,
                        "year-signal" => &mut v.year_signals,
                        "coordination" => &mut v.coordinations,
                        "plural-noun" => &mut v.plural_nouns,
                        "duration" => &mut v.durations,
                        "determiner" => &mut v.determiners,
                        "pronoun" => &mut v.pronouns,
                        "anchor-stop" => &mut v.anchor_stops,
                        k => return Err(err(format!("unknown kind {k:?}"))),
                    };
                    set.insert(w);
                }
            }
        }
        Ok(v)
    }

    /// Temporal expressions of `text`, in order. `shield`: spans (entity names) whose month names are not dates.
    pub fn tag(&self, text: &str, shield: &[(usize, usize)]) -> Vec<DateMention> {
        let tokens = self.machine_tokens(text);
        // `tokens` are in order and do not overlap.
        let in_token = |m: &DateMention| {
            let i = tokens.partition_point(|t| t.1 <= m.start);
            tokens.get(i).is_some_and(|t| t.0 < m.end)
        };
        let mut cands: Vec<(DateMention, usize)> = Vec::new();
        let can = self.any.matches(text);
        for (rank, (re, form)) in self.rules.iter().enumerate().filter(|(k, _)| can.matched(*k)) {
            for c in re.captures_iter(text) {
                let Some(m) = self.mention(text, &c, *form) else { continue };
                // Inside a URL or file name only machine dates count; idioms are not times; a bare month inside a
                // name ("October Revolution", "July Days") is part of the name.
                let dropped = in_token(&m)
                    || (m.kind == DateKind::Relative && self.in_idiom(text, &m))
                    || (form.is_bare_month() && shield.iter().any(|&(s, e)| s < m.end && m.start < e));
                if !dropped {
                    cands.push((m, rank));
                }
            }
        }
        for &(s, e) in &tokens {
            cands.extend(machine_dates(text, s, e).into_iter().map(|m| (m, 0)));
        }
        cands.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)).then(a.1.cmp(&b.1)));
        let mut out: Vec<DateMention> = Vec::new();
        for (m, _) in cands {
            if out.last().is_none_or(|l| m.start >= l.end) {
                out.push(m);
            }
        }
        out
    }

    /// The URL and file-name tokens of `text` (whitespace-delimited, in order, not overlapping).
    fn machine_tokens(&self, text: &str) -> Vec<(usize, usize)> {
        let mut tokens: Vec<(usize, usize)> = Vec::new();
        for m in self.machine.find_iter(text) {
            if tokens.last().is_some_and(|t| t.1 > m.start()) {
                continue; // inside the token already found
            }
            let head = &text[..m.start()];
            let start = head.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
            let end = text[m.end()..].find(char::is_whitespace).map_or(text.len(), |i| m.end() + i);
            tokens.push((start.max(tokens.last().map_or(0, |t| t.1)), end));
        }
        tokens
    }

    fn month(&self, s: &str) -> String {
        self.v.months.get(s.trim_end_matches('.')).cloned().unwrap_or_else(|| "XX".into())
    }

    fn modifier(&self, c: &Captures, i: usize) -> Option<String> {
        let k = key(c.get(i)?.as_str());
        let k = k.strip_prefix("the ").unwrap_or(&k);
        self.v.modifiers.get(k).cloned()
    }

    /// Whether `m` overlaps an idiom ("At the end of the day").
    fn in_idiom(&self, text: &str, m: &DateMention) -> bool {
        let mut from = m.start.saturating_sub(IDIOM_BYTES);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let mut to = (m.end + IDIOM_BYTES).min(text.len());
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        self.idioms.find_iter(&text[from..to]).any(|i| from + i.start() < m.end && m.start < from + i.end())
    }

    /// A modifier ending just before `pos` (with one or more spaces): its start and value ("late ", "the end of ").
    fn modifier_before(&self, text: &str, pos: usize) -> Option<(usize, String)> {
        let mut from = pos.saturating_sub(MODIFIER_BYTES);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let m = self.modifier_end.captures(&text[from..pos])?;
        let group = m.get(1)?;
        let k = key(group.as_str());
        let value = self.v.modifiers.get(k.strip_prefix("the ").unwrap_or(&k))?.clone();
        Some((from + group.start(), value))
    }

    fn unit(&self, s: &str) -> Option<(Unit, bool)> {
        self.v.units.get(&key(s)).copied()
    }

    /// The amount a count gives: `Some(Some(n))`; `Some(None)` when vague ("a few days", a bare plural
    /// "decades", or "the days"); `None` when a singular unit has no count (not an amount of time).
    fn amount(&self, count: Option<&str>, plural: bool) -> Option<Option<i64>> {
        match count {
            None => plural.then_some(None),
            Some(w) if w.bytes().all(|b| b.is_ascii_digit()) => Some(w.parse().ok()),
            Some(w) => {
                let n = *self.v.counts.get(&key(w))?;
                Some(n.filter(|&n| !(plural && n == 1)))
            }
        }
    }

    fn mention(&self, text: &str, c: &Captures, form: Form) -> Option<DateMention> {
        let whole = c.get(0)?;
        let (start, end) = (whole.start(), whole.end());
        let g = |i: usize| c.get(i).map(|m| m.as_str());
        let day = |s: &str| format!("{:02}", s.parse::<u32>().unwrap_or(0));
        let date = |value: String, modifier: Option<String>| {
            Some(DateMention::new(start, end, DateKind::Date, Some(value), modifier))
        };
        match form {
            Form::DayMonthYear => date(format!("{}-{}-{}", g(3)?, self.month(g(2)?), day(g(1)?)), None),
            Form::MonthDayYear => date(format!("{}-{}-{}", g(3)?, self.month(g(1)?), day(g(2)?)), None),
            Form::IsoDate => {
                let v = format!("{}-{}-{}", g(1)?, g(2)?, g(3)?);
                Point::parse(&v)?;
                date(v, None)
            }
            Form::MonthYear => date(format!("{}-{}", g(3)?, self.month(g(2)?)), self.modifier(c, 1)),
            Form::MonthDay => date(format!("XXXX-{}-{}", self.month(g(1)?), day(g(2)?)), None),
            Form::DayMonth => {
                // "8 Oct 16": a two-digit year is not a year we can trust; keep the month.
                let two_digit_year = whole.as_str().split_whitespace().count() == 3;
                let v = if two_digit_year {
                    format!("XXXX-{}", self.month(g(2)?))
                } else {
                    format!("XXXX-{}-{}", self.month(g(2)?), day(g(1)?))
                };
                date(v, None)
            }
            Form::BareMonth => {
                // "In February", "late April": the signal word stays outside the span, the modifier inside ("about
                // March" is not a date: "a book about March").
                let modifier = self.modifier_before(text, start).filter(|m| m.1 != "APPROX");
                let start = modifier.as_ref().map_or(start, |m| m.0);
                let signal = word_before(text, start).is_some_and(|w| self.v.month_signals.contains(&key(w)));
                if modifier.is_none() && !signal {
                    return None;
                }
                let v = format!("XXXX-{}", self.month(g(1)?));
                Some(DateMention::new(start, end, DateKind::Date, Some(v), modifier.map(|m| m.1)))
            }
            Form::YearRange => {
                let (a, b) = (g(1)?, g(2)?);
                let b = if b.len() == 2 { format!("{}{}", &a[..2], b) } else { b.to_owned() };
                if b.as_str() <= a {
                    return None; // "1877 - 1840" is not a range
                }
                Some(DateMention::new(start, end, DateKind::Range, Some(format!("{a}/{b}")), None))
            }
            Form::Decade => {
                let v = match (g(2), g(3), g(4), g(5)) {
                    (Some(c2), Some(d), _, _) => format!("{c2}{d}X"),
                    (_, _, Some(d), _) | (_, _, _, Some(d)) => format!("19{d}X"),
                    _ => return None,
                };
                Some(DateMention::new(start, end, DateKind::Decade, Some(v), self.modifier(c, 1)))
            }
            Form::CenturyRange => {
                let (a, b): (u32, u32) = (g(1)?.parse().ok()?, g(2)?.parse().ok()?);
                let v = format!("{:02}XX/{:02}XX", a - 1, b - 1);
                Some(DateMention::new(start, end, DateKind::Range, Some(v), None))
            }
            Form::Century => {
                let n: u32 = g(2)?.parse().ok()?;
                Some(DateMention::new(
                    start,
                    end,
                    DateKind::Century,
                    Some(format!("{:02}XX", n - 1)),
                    self.modifier(c, 1),
                ))
            }
            Form::Year => {
                // The lookahead character is not part of the span.
                let year = c.get(2)?;
                let modifier = self.modifier(c, 1);
                if self.is_count(text, start, year.end(), modifier.as_deref()) {
                    return None;
                }
                Some(DateMention::new(start, year.end(), DateKind::Date, Some(year.as_str().to_owned()), modifier))
            }
            Form::Offset => self.offset(text, c),
            Form::Within => {
                // "Within days", "within a year": a period after an event.
                let (_, plural) = self.unit(g(3)?)?;
                self.amount(g(2), plural)?;
                Some(DateMention::relative(start, end, Sense::Period, None))
            }
            Form::Window => {
                let word = key(g(1)?);
                let (unit, plural) = self.unit(g(3)?)?;
                let sense = match (g(2), plural) {
                    // "The next day", "the previous year": one unit from the previous date.
                    (None, false) => Sense::Previous(Shift { amount: Some(*self.v.sequence.get(&word)?), unit }),
                    // "the past 2 decades", "the coming days".
                    (count, plural) if self.v.window.contains(&word) => {
                        self.amount(count, plural)?;
                        Sense::Period
                    }
                    _ => return None,
                };
                Some(DateMention::relative(start, end, sense, None))
            }
            Form::Current => {
                // "last year", "this month" (not "the last year", "his last day").
                let (unit, plural) = self.unit(g(2)?)?;
                let before = word_before(text, start).map(key);
                if plural
                    || (unit.level() >= 2 && unit != Unit::Week)
                    || before.is_some_and(|w| self.v.determiners.contains(&w) || w.ends_with("'s"))
                {
                    return None;
                }
                let n = *self.v.current.get(&key(g(1)?))?;
                // A week has no value of its own: "last week" is a period.
                let sense =
                    if unit == Unit::Week { Sense::Period } else { Sense::Now(Shift { amount: Some(n), unit }) };
                Some(DateMention::relative(start, end, sense, None))
            }
            Form::Anaphor => {
                // "that year", "late that year", "the end of the month" (only after a modifier ending in "of").
                let (unit, plural) = self.unit(g(3)?)?;
                let modifier = self.modifier_before(text, start).filter(|m| m.1 != "APPROX");
                let after_of = modifier.as_ref().is_some_and(|m| key(&text[m.0..start]).ends_with(" of"));
                if plural || (c.get(2).is_some() && !after_of) {
                    return None;
                }
                let start = modifier.as_ref().map_or(start, |m| m.0);
                Some(DateMention::relative(start, end, Sense::Same(unit), modifier.map(|m| m.1)))
            }
            Form::Progress => {
                // "As the year rolled on": only "the year" is tagged.
                let span = c.get(1)?;
                let (unit, plural) = self.unit(g(2)?)?;
                if plural {
                    return None;
                }
                Some(DateMention::relative(span.start(), span.end(), Sense::Same(unit), None))
            }
            Form::Deictic => {
                let days = *self.v.deictic.get(&key(g(1)?))?;
                Some(DateMention::relative(start, end, Sense::Now(Shift { amount: Some(days), unit: Unit::Day }), None))
            }
        }
    }

    /// An amount of time and a relation word: "3 years ago", "a few months later", "two months before the
    /// revolution" (with its anchor NP), "approximately 5 years after ..." (APPROX).
    fn offset(&self, text: &str, c: &Captures) -> Option<DateMention> {
        let whole = c.get(0)?;
        let (unit, plural) = self.unit(c.get(3)?.as_str())?;
        let word = c.get(5)?;
        let (relation, sign) = *self.v.relations.get(&key(word.as_str()))?;
        // "3 yrs. ago", but not "2 days. After the war": a full stop ends the expression.
        if c.get(4).is_some() && relation != Relation::Ago {
            return None;
        }
        let amount = self.amount(c.get(2).map(|m| m.as_str()), plural)?;
        // "for several years after the war" is a duration.
        if word_before(text, whole.start()).is_some_and(|w| self.v.durations.contains(&key(w))) {
            return None;
        }
        let shift = Shift { amount: amount.map(|n| n * sign), unit };
        let (end, anchor, sense) = match relation {
            Relation::Anchored => match self.anchor_np(text, word.end()) {
                Some(a) => (a.1, Some(a), Sense::Anchor(shift)),
                None => (word.end(), None, Sense::Period),
            },
            Relation::Sequel => (whole.end(), None, Sense::Previous(shift)),
            Relation::Ago => (whole.end(), None, Sense::Now(shift)),
        };
        let modifier = self.modifier(c, 1);
        Some(DateMention { anchor, ..DateMention::relative(whole.start(), end, sense, modifier) })
    }

    /// The anchor NP that starts after `from` (after a relation word): a determiner and up to [`ANCHOR_WORDS`]
    /// more words ("the revolution", "any capitalist country", "the end of the war"); a name or a number with its
    /// name words ("Lenin's death", "World War II", "1917"); or a pronoun ("it", "this"). It ends at punctuation,
    /// a function word or common verb (`anchor-stop`), or a verb-like word ("the war ended", "the war gets").
    fn anchor_np(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        let words: Vec<(usize, usize)> = words_after(text, from).take(ANCHOR_WORDS + 1).collect();
        let &(s0, e0) = words.first()?;
        let first = &text[s0..e0];
        let k0 = first.to_lowercase();
        if self.v.determiners.contains(&k0) {
            let (mut prev, mut prev_word, mut end) = (NpWord::Determiner, first, None);
            for &(s, e) in &words[1..] {
                let w = &text[s..e];
                let Some(class) = self.np_word(prev, prev_word, w) else { break };
                if matches!(class, NpWord::Noun | NpWord::Name) {
                    end = Some(e);
                }
                (prev, prev_word) = (class, w);
            }
            if let Some(e) = end {
                return Some((s0, e));
            }
        }
        if self.v.pronouns.contains(&k0) {
            return Some((s0, e0));
        }
        if self.v.anchor_stops.contains(&k0) || self.v.determiners.contains(&k0) || !is_name(first) {
            return None;
        }
        // A name: more name words, or a common noun after a possessive ("Lenin's death").
        let mut end = e0;
        let mut prev_word = first;
        for &(s, e) in &words[1..] {
            let w = &text[s..e];
            match self.np_word(NpWord::Name, prev_word, w) {
                Some(NpWord::Name) => {}
                Some(NpWord::Noun) if prev_word.ends_with("'s") => {}
                _ => break,
            }
            (end, prev_word) = (e, w);
        }
        Some((s0, end))
    }

    /// How the word `w` continues an anchor NP after a word of class `prev` (`prev_word`), or `None` when it ends
    /// the NP: a stop word, a determiner not after "of", "of" not after a content word, or a verb-like word after
    /// a content word (in -ed: "the war ended"; in -s after a singular noun: "the war gets").
    fn np_word(&self, prev: NpWord, prev_word: &str, w: &str) -> Option<NpWord> {
        let k = w.to_lowercase();
        let after_content = matches!(prev, NpWord::Noun | NpWord::Name);
        if self.v.anchor_stops.contains(&k) {
            None
        } else if self.v.determiners.contains(&k) {
            (prev == NpWord::Of).then_some(NpWord::Determiner)
        } else if k == "of" {
            after_content.then_some(NpWord::Of)
        } else if is_name(w) {
            Some(NpWord::Name)
        } else {
            let verb_like = after_content
                && ((k.len() >= 5 && k.ends_with("ed"))
                    || (prev == NpWord::Noun && looks_plural(&k) && !prev_word.ends_with('s')));
            (!verb_like).then_some(NpWord::Noun)
        }
    }

    /// Whether the number `text[start..end]` (a year candidate) is a count: followed by a plural noun, maybe
    /// after one adjective ("1000 young conscripts", "1500 soldiers died"), that is not itself followed by a
    /// determiner (then it is a verb: "1917 marks the end"). A signal word before the number ("in 1917 workers
    /// struck", "the 1917 elections", "Russia's 1917 revolutionaries"), a year it is listed after ("1917 and 1918
    /// vibrant organs") or an early/mid/late modifier keeps it a year; a plural unit after it ("in 1000 years")
    /// never does.
    fn is_count(&self, text: &str, start: usize, end: usize, modifier: Option<&str>) -> bool {
        let words: Vec<&str> = words_after(text, end).take(3).map(|(s, e)| &text[s..e]).collect();
        // "in 1000 years": an amount of time.
        if words.first().is_some_and(|w| self.unit(w).is_some_and(|(_, plural)| plural)) {
            return true;
        }
        if modifier.is_some_and(|m| m != "APPROX") {
            return false;
        }
        let before = word_before(text, start).map(key);
        if before.as_deref().is_some_and(|w| self.v.year_signals.contains(w) || w.ends_with("'s")) {
            return false;
        }
        // "in 1917 and 1918 vibrant organs", "1917, 1918 ...": a number listed after a year is a year.
        let head = text[..start].trim_end();
        let head = match before.filter(|w| self.v.coordinations.contains(w)) {
            Some(w) => head.get(..head.len() - w.len()).unwrap_or_default().trim_end(),
            None => head.strip_suffix(',').unwrap_or(head).trim_end(),
        };
        let year_before = head.len() >= 4
            && head.as_bytes()[head.len() - 4..].iter().all(u8::is_ascii_digit)
            && !head[..head.len() - 4].ends_with(|c: char| c.is_ascii_digit());
        if year_before {
            return false;
        }
        let content =
            |w: &str| is_lowercase_word(w) && !self.v.determiners.contains(w) && !self.v.anchor_stops.contains(w);
        let noun = |w: &str| content(w) && (w.len() >= 4 && looks_plural(w) || self.v.plural_nouns.contains(w));
        let noun_at = match words.as_slice() {
            [w, ..] if noun(w) => 0,
            [adj, w, ..] if content(adj) && noun(w) => 1,
            _ => return false,
        };
        words.get(noun_at + 1).is_none_or(|w| !self.v.determiners.contains(&key(w)))
    }

    /// Fill in what the rest of the text pins down, in text order:
    ///
    /// * a date with no year in its span (`XXXX-…`) takes the year of (a) the nearest earlier date with a year on
    ///   the same line, else (b) the document's date when the line has an earlier "today" (the most recent such
    ///   day on or before it), else (c) the nearest earlier date with a year at most [`PARAGRAPHS_BACK`]
    ///   paragraphs back; `resolved_from` says which;
    /// * a relative expression gets `resolved`: from the document's date ("today", "3 years ago"; only when
    ///   `ctx.doc_date` is known), from the previous date of the text, on the same line or a few paragraphs back
    ///   ("that day", "The next day", "the end of the month"), or from its anchor ("two months before the
    ///   revolution"): `ctx.anchor_date`, else a date inside the anchor, else for a pronoun ("it", "this") the
    ///   nearest earlier date on the same line.
    pub fn resolve(&self, text: &str, mentions: &mut [DateMention], ctx: &DateContext) {
        let paragraphs = Paragraphs::new(text);
        let doc = ctx.doc_date.and_then(Point::parse);
        // What the mentions so far leave behind, kept as the text is read (one pass).
        let mut seen = Seen::default();
        for m in mentions.iter_mut() {
            if m.kind == DateKind::Relative {
                m.resolved = self.resolve_relative(text, &paragraphs, &seen, m, ctx, doc);
            } else if m.kind == DateKind::Date && !m.machine {
                resolve_year(&paragraphs, &seen, m, doc);
            }
            seen.update(m);
        }
    }

    fn resolve_relative(
        &self,
        text: &str,
        paragraphs: &Paragraphs,
        seen: &Seen,
        m: &DateMention,
        ctx: &DateContext,
        doc: Option<Point>,
    ) -> Option<String> {
        // The previous date of the text, if near enough.
        let previous = || seen.date.filter(|&(s, _)| paragraphs.back(s, m.start) <= PARAGRAPHS_BACK).map(|(_, p)| p);
        match m.sense? {
            Sense::Now(shift) => doc?.shifted(shift, true).map(Point::value),
            Sense::Same(unit) => previous()?.within(unit),
            Sense::Previous(shift) => previous()?.shifted(shift, false).map(Point::value),
            Sense::Anchor(shift) => {
                let (s, e) = m.anchor?;
                let same_line = |start: usize| paragraphs.line(start) == paragraphs.line(m.start);
                let base = (ctx.anchor_date)(s, e)
                    .and_then(|v| Point::parse(&v))
                    .or_else(|| self.tag(&text[s..e], &[]).iter().find_map(DateMention::point))
                    .or_else(|| {
                        let pronoun = self.v.pronouns.contains(&text[s..e].to_lowercase());
                        seen.absolute.filter(|a| pronoun && same_line(a.start)).map(|a| a.point)
                    })?;
                base.shifted(shift, true).map(Point::value)
            }
            Sense::Period => None,
        }
    }
}

/// An absolute date with a year, as seen by [`DateTagger::resolve`].
#[derive(Debug, Clone, Copy)]
struct Absolute {
    start: usize,
    point: Point,
    /// Where its year comes from: itself, or the date it was resolved from.
    source: Resolution,
}

/// The state [`DateTagger::resolve`] keeps while it reads a text's mentions in order.
#[derive(Debug, Default)]
struct Seen {
    /// The last absolute date with a year.
    absolute: Option<Absolute>,
    /// The last date, absolute or resolved relative: (start, point).
    date: Option<(usize, Point)>,
    /// The start of the last "today".
    today: Option<usize>,
}

impl Seen {
    fn update(&mut self, m: &DateMention) {
        if let Some(point) = m.point() {
            let source = m.resolved_from.unwrap_or(Resolution::Text { start: m.start, end: m.end });
            self.absolute = Some(Absolute { start: m.start, point, source });
        }
        if let Some(p) = m.known_point() {
            self.date = Some((m.start, p));
        }
        if m.is_today() {
            self.today = Some(m.start);
        }
    }
}

/// The year of a year-less date (`XXXX-MM` or `XXXX-MM-DD`); see [`DateTagger::resolve`].
fn resolve_year(paragraphs: &Paragraphs, seen: &Seen, m: &mut DateMention, doc: Option<Point>) {
    let Some(rest) = m.value.as_deref().and_then(|v| v.strip_prefix("XXXX")) else { return };
    let Some(Point { month: Some(month), day, .. }) = Point::parse(&format!("2000{rest}")) else { return };
    let same_line = |start: usize| paragraphs.line(start) == paragraphs.line(m.start);
    // (b) The most recent such day on or before the document's date, after "today" on the same line.
    let from_doc = || {
        let doc = doc.filter(|_| seen.today.is_some_and(same_line))?;
        let year = match (month.cmp(&doc.month?), day, doc.day) {
            (Ordering::Less, _, _) | (Ordering::Equal, None, _) => doc.year,
            (Ordering::Equal, Some(d), Some(doc_day)) => doc.year - i64::from(d > doc_day),
            (Ordering::Equal, Some(_), None) => return None,
            (Ordering::Greater, _, _) => doc.year - 1,
        };
        Some((year, Resolution::DocumentDate))
    };
    let last = seen.absolute.map(|a| (a, (a.point.year, a.source)));
    let found =
        last.filter(|(a, _)| same_line(a.start)).map(|(_, found)| found).or_else(from_doc).or_else(|| {
            last.filter(|(a, _)| paragraphs.back(a.start, m.start) <= PARAGRAPHS_BACK).map(|(_, found)| found)
        });
    if let Some((year, from)) = found {
        m.value = Some(format!("{year:04}{rest}"));
        m.resolved_from = Some(from);
    }
}

/// Dates inside the URL or file-name token `text[start..end]`: `YYYY/MM` or `YYYY/MM/DD` (also with `-`) path
/// parts, and 8-digit `YYYYMMDD` runs with a valid month and day (not the time that may follow).
fn machine_dates(text: &str, start: usize, end: usize) -> Vec<DateMention> {
    let token = &text[start..end];
    let mut runs = Vec::new();
    let mut i = 0;
    while let Some(off) = token[i..].find(|c: char| c.is_ascii_digit()) {
        let s = i + off;
        let e = token[s..].find(|c: char| !c.is_ascii_digit()).map_or(token.len(), |n| s + n);
        runs.push((s, e));
        i = e;
    }
    let year_ok = |y: &str| Point::parse(y).is_some_and(|p| (1000..=2099).contains(&p.year));
    let mut out = Vec::new();
    let mut k = 0;
    while k < runs.len() {
        let (s, e) = runs[k];
        let digits = &token[s..e];
        // The run after this one, when a single `/` or `-` joins them.
        let joined = |k: usize, sep: Option<u8>| {
            let &(ns, ne) = runs.get(k + 1)?;
            let between = &token.as_bytes()[runs[k].1..ns];
            (between.len() == 1 && matches!(between[0], b'/' | b'-') && sep.is_none_or(|c| c == between[0]))
                .then_some((ns, ne, between[0]))
        };
        let mut found = None;
        if digits.len() == 8 {
            let v = format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]);
            if year_ok(&digits[..4]) && Point::parse(&v).is_some() {
                found = Some((e, v, 0));
            }
        } else if digits.len() == 4 && year_ok(digits) {
            if let Some((ms, me, sep)) = joined(k, None).filter(|&(ms, me, _)| me - ms == 2) {
                let month = format!("{digits}-{}", &token[ms..me]);
                if Point::parse(&month).is_some() {
                    let day = joined(k + 1, Some(sep))
                        .filter(|&(ds, de, _)| de - ds == 2)
                        .map(|(ds, de, _)| (de, format!("{month}-{}", &token[ds..de])))
                        .filter(|(_, v)| Point::parse(v).is_some());
                    found = Some(match day {
                        Some((de, v)) => (de, v, 2),
                        None => (me, month, 1),
                    });
                }
            }
        }
        match found {
            Some((e, value, skip)) => {
                let mut m = DateMention::new(start + s, start + e, DateKind::Date, Some(value), None);
                m.machine = true;
                out.push(m);
                k += skip + 1;
            }
            None => k += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagger() -> DateTagger {
        DateTagger::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"))).unwrap()
    }

    fn tag(text: &str) -> Vec<(String, &'static str, Option<String>, Option<String>)> {
        tagger()
            .tag(text, &[])
            .into_iter()
            .map(|m| (text[m.start..m.end].to_owned(), m.kind.as_str(), m.value, m.modifier))
            .collect()
    }

    fn d(
        s: &str,
        kind: &'static str,
        v: Option<&str>,
        m: Option<&str>,
    ) -> (String, &'static str, Option<String>, Option<String>) {
        (s.into(), kind, v.map(str::to_owned), m.map(str::to_owned))
    }

    /// The surfaces tagged in `text`.
    fn surfaces(text: &str) -> Vec<String> {
        tag(text).into_iter().map(|x| x.0).collect()
    }

    fn rel(s: &str) -> (String, &'static str, Option<String>, Option<String>) {
        d(s, "relative", None, None)
    }

    /// A mention after resolution: surface, value, resolved, resolved_from.
    type Resolved = (String, Option<String>, Option<String>, Option<Resolution>);

    /// Tag and resolve `text`: (surface, value, resolved, resolved_from) of every mention.
    fn resolved(
        text: &str,
        doc_date: Option<&str>,
        anchor_date: &dyn Fn(usize, usize) -> Option<String>,
    ) -> Vec<Resolved> {
        let t = tagger();
        let mut ms = t.tag(text, &[]);
        t.resolve(text, &mut ms, &DateContext { doc_date, anchor_date });
        ms.into_iter().map(|m| (text[m.start..m.end].to_owned(), m.value, m.resolved, m.resolved_from)).collect()
    }

    fn no_anchor(_: usize, _: usize) -> Option<String> {
        None
    }

    /// (surface, value or resolved) of every mention after resolution.
    fn values(text: &str, doc_date: Option<&str>) -> Vec<(String, Option<String>)> {
        resolved(text, doc_date, &no_anchor).into_iter().map(|(s, v, r, _)| (s, v.or(r))).collect()
    }

    fn sv(s: &str, v: Option<&str>) -> (String, Option<String>) {
        (s.into(), v.map(str::to_owned))
    }

    #[test]
    fn full_dates_in_the_usual_orders() {
        assert_eq!(tag("On August 20, 1940, he died."), vec![d("August 20, 1940", "date", Some("1940-08-20"), None)]);
        assert_eq!(tag("on 20 August 1940"), vec![d("20 August 1940", "date", Some("1940-08-20"), None)]);
        assert_eq!(tag("Fri, Jan 19, 2024"), vec![d("Fri, Jan 19, 2024", "date", Some("2024-01-19"), None)]);
        assert_eq!(tag("William_Mary 8 Oct 16"), vec![d("8 Oct 16", "date", Some("XXXX-10"), None)]);
        assert_eq!(tag("on February 23, International"), vec![d("February 23", "date", Some("XXXX-02-23"), None)]);
        assert_eq!(tag("After the Oct. 7 attack"), vec![d("Oct. 7", "date", Some("XXXX-10-07"), None)]);
        assert_eq!(tag("posted 2023-10-07 by"), vec![d("2023-10-07", "date", Some("2023-10-07"), None)]);
    }

    #[test]
    fn years_months_and_modifiers() {
        assert_eq!(tag("In July 1917, two months"), vec![d("July 1917", "date", Some("1917-07"), None)]);
        assert_eq!(tag("the Red Army in early 1918."), vec![d("early 1918", "date", Some("1918"), Some("START"))]);
        assert_eq!(tag("born in 1879 and"), vec![d("1879", "date", Some("1879"), None)]);
    }

    #[test]
    fn bare_months_need_a_signal_word_or_a_modifier() {
        assert_eq!(tag("In February, the main"), vec![d("February", "date", Some("XXXX-02"), None)]);
        assert_eq!(tag("returned to Russia in April things"), vec![d("April", "date", Some("XXXX-04"), None)]);
        assert_eq!(tag("by October they had"), vec![d("October", "date", Some("XXXX-10"), None)]);
        assert_eq!(tag("until late May the"), vec![d("late May", "date", Some("XXXX-05"), Some("END"))]);
        // No signal word, not capitalised, a verb, or part of another word.
        for text in [
            "the special April party conference",
            "They May come",
            "we march in step",
            "Maybe later",
            "a book about March",
        ] {
            assert_eq!(tag(text), vec![], "{text:?}");
        }
        // Inside a name the month is part of the name.
        let text = "since October Revolution days";
        assert!(tagger().tag(text, &[(6, 24)]).is_empty());
    }

    #[test]
    fn decades_and_centuries() {
        assert_eq!(tag("In the 1930s, Trotsky"), vec![d("the 1930s", "decade", Some("193X"), None)]);
        assert_eq!(tag("in 1920's centred"), vec![d("1920's", "decade", Some("192X"), None)]);
        assert_eq!(tag("In the early 20's there"), vec![d("the early 20's", "decade", Some("192X"), Some("START"))]);
        assert_eq!(
            tag("the 1930s and '40s."),
            vec![d("the 1930s", "decade", Some("193X"), None), d("'40s", "decade", Some("194X"), None)]
        );
        assert_eq!(tag("a 19th-century French farmer"), vec![d("19th-century", "century", Some("18XX"), None)]);
        assert_eq!(tag("in 20 th century terms"), vec![d("20 th century", "century", Some("19XX"), None)]);
        assert_eq!(
            tag("In the late 19th century, the"),
            vec![d("the late 19th century", "century", Some("18XX"), Some("END"))]
        );
        assert_eq!(
            tag("until 11th - 12th centuries"),
            vec![d("11th - 12th centuries", "range", Some("10XX/11XX"), None)]
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(tag("commissioner of war (1918-25), a"), vec![d("1918-25", "range", Some("1918/1925"), None)]);
        assert_eq!(tag("in 1918-1922 the"), vec![d("1918-1922", "range", Some("1918/1922"), None)]);
        assert_eq!(tag("the 1936-39 Great"), vec![d("1936-39", "range", Some("1936/1939"), None)]);
        // Birth and death, not a range.
        assert_eq!(
            tag("Ukraine, 1877 - Coyoacan, Mexico, 1940)"),
            vec![d("1877", "date", Some("1877"), None), d("1940", "date", Some("1940"), None)]
        );
    }

    #[test]
    fn relative_expressions() {
        assert_eq!(tag("2 hours ago, X said:"), vec![rel("2 hours ago")]);
        assert_eq!(tag("3 years ago"), vec![rel("3 years ago")]);
        assert_eq!(tag("3 yrs. ago"), vec![rel("3 yrs. ago")]);
        assert_eq!(tag("Today, only shadows"), vec![rel("Today")]);
        assert_eq!(tag("Todays debt ceiling"), vec![rel("Todays")]);
        assert_eq!(tag("the crisis of today is"), vec![rel("today")]);
    }

    #[test]
    fn anchored_relative_expressions_keep_their_anchor() {
        let t = tagger();
        let cases = [
            (
                "In July 1917, two months before the revolution, Trotsky",
                "two months before the revolution",
                "the revolution",
            ),
            (
                "in 1922 approximately 5 years after the revolution. It",
                "approximately 5 years after the revolution",
                "the revolution",
            ),
            ("good or bad on the day before the war gets completely", "the day before the war", "the war"),
            ("the 1922 Congress. A few day before it he suffered", "A few day before it", "it"),
            (
                "abortion decades before any capitalist country.",
                "decades before any capitalist country",
                "any capitalist country",
            ),
            ("two weeks before the end of the war, he", "two weeks before the end of the war", "the end of the war"),
            ("three years after Lenin's death the", "three years after Lenin's death", "Lenin's death"),
            ("five years after 1917 he", "five years after 1917", "1917"),
        ];
        for (text, span, anchor) in cases {
            let ms: Vec<DateMention> = t.tag(text, &[]).into_iter().filter(|m| m.kind == DateKind::Relative).collect();
            assert_eq!(ms.len(), 1, "{text:?}");
            let m = &ms[0];
            assert_eq!(&text[m.start..m.end], span);
            let (s, e) = m.anchor.expect("an anchor");
            assert_eq!(&text[s..e], anchor);
        }
        assert_eq!(
            tag("approximately 5 years after the revolution"),
            vec![d("approximately 5 years after the revolution", "relative", None, Some("APPROX"))]
        );
        // A clause after the relation word is not an anchor NP.
        let m = &t.tag("two years after he died", &[])[0];
        assert_eq!((m.start, m.end, m.anchor), (0, 15, None));
    }

    #[test]
    fn other_relative_forms() {
        for (text, span) in [
            ("Within days the media were", "Within days"),
            ("Just a few months later, this", "a few months later"),
            ("have been for the past 2 decades, experiencing", "the past 2 decades"),
            ("the bloody trap of the past 75 years.", "the past 75 years"),
            ("In the coming days or so", "the coming days"),
            ("the following resolution of that year.", "that year"),
            ("100,000 workers struck that day. The", "that day"),
            ("The next day, more than half", "The next day"),
            ("By the end of the month, the tsar", "the end of the month"),
            ("Of course. As the year rolled on, the", "the year"),
            ("He left last year for", "last year"),
            ("a year later he", "a year later"),
        ] {
            assert_eq!(surfaces(text), vec![span.to_owned()], "{text:?}");
        }
        assert_eq!(tag("By the end of the month, the"), vec![d("the end of the month", "relative", None, Some("END"))]);
    }

    #[test]
    fn durations_vague_words_and_idioms_are_not_tagged() {
        for text in [
            "he lived there for several years after the war",
            "Rent was fixed for decades: in",
            "a world superpower in a few decades.",
            "we have struggled through for 2 decades, exacerbated",
            "After a decade of class struggle",
            "the accumulated anger from decades of misery",
            "They worked long hours annually",
            "now, then, later, soon, recently, at the time",
            "At the end of the day, the workers",
            "At the darkest hour they",
            "the minute war breaks out",
            "a day's ride from the city",
            "the last day of the congress",
            "his last year in office",
            "year after year the party",
        ] {
            assert_eq!(tag(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn numbers_that_are_not_dates() {
        for text in [
            "the party was 8 million strong",
            "an army of 400,000 SA",
            "reduced to 1.6 per cent of pre-war levels",
            "Gotta undo those 15 warning points first",
            "16* lol.",
            "Discover quickly Trotsky in 5 points.",
            "steve5487 [none/use name]",
            "featured in Issue #1 of",
            "Maybe I could ask Leo",
            "1)First 1905",
        ] {
            let got = tag(text);
            assert!(got.iter().all(|x| x.0 == "1905"), "{text:?} -> {got:?}");
        }
    }

    #[test]
    fn numbers_before_plural_nouns_are_counts() {
        for text in [
            "a ship with 1000 young conscripts on board",
            "they sent 1500 soldiers to the front",
            "it lost 1200 members, and",
            "around 1500 soldiers died",
            "in 1000 years nobody",
            "about 1900 people came",
        ] {
            assert_eq!(tag(text), vec![], "{text:?}");
        }
        assert_eq!(surfaces("in 1917 and 1918 vibrant organs"), vec!["1917".to_owned(), "1918".to_owned()]);
        assert_eq!(surfaces("in 1917, 1918 vibrant organs"), vec!["1917".to_owned(), "1918".to_owned()]);
        for (text, year) in [
            ("1917 saw the fall of the tsar", "1917"),
            ("In 1920 iron ore production fell", "1920"),
            ("in 1917 workers seized the factories", "1917"),
            ("the 1917 elections were", "1917"),
            ("1917 marks the end", "1917"),
            ("Russia's 1905 revolutionaries", "1905"),
        ] {
            assert_eq!(surfaces(text), vec![year.to_owned()], "{text:?}");
        }
    }

    #[test]
    fn dates_in_urls_and_file_names_are_machine_dates() {
        let t = tagger();
        let text = "see https://www.marxists.org/francais/trotsky/oeuvres/1923/11/lt19231128.htm?utm_source=x.com ok";
        let ms = t.tag(text, &[]);
        let got: Vec<(&str, Option<&str>, bool)> =
            ms.iter().map(|m| (&text[m.start..m.end], m.value.as_deref(), m.machine)).collect();
        assert_eq!(got, vec![("1923/11", Some("1923-11"), true), ("19231128", Some("1923-11-28"), true)]);
        let text = "IMG_20250513_112038.jpgIMG_20250513_112016.jpg";
        let got: Vec<(&str, Option<String>)> =
            t.tag(text, &[]).into_iter().map(|m| (&text[m.start..m.end], m.value)).collect();
        let day = || ("20250513", Some("2025-05-13".to_owned()));
        assert_eq!(got, vec![day(), day()]);
        // A date path with a day; impossible dates and other numbers are not dates.
        assert_eq!(surfaces("www.example.com/2023/10/07/story"), vec!["2023/10/07".to_owned()]);
        assert_eq!(tag("report_20251345.pdf and scan_1917.png"), vec![]);
    }

    #[test]
    fn month_names_inside_entity_names_are_not_dates() {
        let t = tagger();
        let text = "the October Revolution of 1917, the July Days, since April Theses and the Oct. 7 attack";
        let shield = [(4, 22), (36, 45), (53, 65), (74, 87)];
        let got: Vec<&str> = t.tag(text, &shield).iter().map(|m| &text[m.start..m.end]).collect();
        // With a day the month is a date even inside a name.
        assert_eq!(got, vec!["1917", "Oct. 7"]);
    }

    #[test]
    fn yearless_dates_take_the_year_of_the_same_line() {
        let text = "The year 1917 began with strikes. Revolution exploded on February 23, Women's Day.";
        let got = resolved(text, None, &no_anchor);
        assert_eq!(got[1].0, "February 23");
        assert_eq!(got[1].1.as_deref(), Some("1917-02-23"));
        assert_eq!(got[1].3, Some(Resolution::Text { start: 9, end: 13 }));
        // No year anywhere: the value stays year-less.
        assert_eq!(values("It began on February 23.", None), vec![sv("February 23", Some("XXXX-02-23"))]);
    }

    #[test]
    fn yearless_dates_take_the_year_of_the_document_after_today() {
        let text = "Today, only shadows remain. After the Oct. 7 attack by Hamas";
        let got = resolved(text, Some("2024-01-19"), &no_anchor);
        assert_eq!(got[1].0, "Oct. 7");
        assert_eq!(got[1].1.as_deref(), Some("2023-10-07"));
        assert_eq!(got[1].3, Some(Resolution::DocumentDate));
        assert_eq!(values("Today we march. In January we", Some("2024-01-19"))[1], sv("January", Some("2024-01")));
        // Without a document date, or without "today" before it, it is not resolved from the document.
        assert_eq!(values(text, None)[1], sv("Oct. 7", Some("XXXX-10-07")));
        assert_eq!(values("After the Oct. 7 attack", Some("2024-01-19")), vec![sv("Oct. 7", Some("XXXX-10-07"))]);
    }

    #[test]
    fn yearless_dates_take_the_year_of_a_recent_paragraph() {
        let text = "But 1917 was hardly straight. In February, the leaders wavered.\n\nThey refused.\n\n\
                    When Lenin returned in April things changed.";
        let got = resolved(text, None, &no_anchor);
        assert_eq!(got[1].1.as_deref(), Some("1917-02"));
        assert_eq!(got[2].0, "April");
        assert_eq!(got[2].1.as_deref(), Some("1917-04"));
        // The year comes from "1917", through February.
        assert_eq!(got[2].3, Some(Resolution::Text { start: 4, end: 8 }));
        // Too many paragraphs back: not resolved.
        let text = "It was 1917.\n\nA.\n\nB.\n\nC.\n\nD.\n\nIn April it changed.";
        assert_eq!(values(text, None)[1], sv("April", Some("XXXX-04")));
    }

    #[test]
    fn anaphors_and_sequences_take_the_previous_date() {
        let text = "The year 1917 began. Revolution exploded on February 23, Women's Day. 100,000 workers \
                    struck that day. The next day, more struck.\n\nBy the end of the month, the tsar fell.";
        assert_eq!(
            values(text, None),
            vec![
                sv("1917", Some("1917")),
                sv("February 23", Some("1917-02-23")),
                sv("that day", Some("1917-02-23")),
                sv("The next day", Some("1917-02-24")),
                sv("the end of the month", Some("1917-02")),
            ]
        );
        assert_eq!(
            values("the Bolshevik leadership of 1919 in the following resolution of that year.", None)[1],
            sv("that year", Some("1919"))
        );
        assert_eq!(
            values("Until July 1917, he waited.\n\nAs the year rolled on, nothing changed.", None)[1],
            sv("the year", Some("1917"))
        );
        assert_eq!(
            values("On 31 December 1917 it began. The next day", None)[1],
            sv("The next day", Some("1918-01-01"))
        );
        assert_eq!(values("In 1905 it began. Two years later it", None)[1], sv("Two years later", Some("1907")));
        // "The next day" needs a full date; a vague amount pins nothing down.
        assert_eq!(values("In 1917 it began. The next day", None)[1], sv("The next day", None));
        assert_eq!(values("In 1924 it began. Just a few months later", None)[1], sv("a few months later", None));
    }

    #[test]
    fn anchored_expressions_take_the_anchor_date() {
        let text = "In July 1917, two months before the revolution, Trotsky joined.";
        let revolution = |s: usize, e: usize| (&text[s..e] == "the revolution").then(|| "1917-10-25".to_owned());
        let got = resolved(text, None, &revolution);
        assert_eq!(got[1].2.as_deref(), Some("1917-08"));
        let text = "the USSR took form in 1922 approximately 5 years after the revolution.";
        let got = resolved(text, None, &|_, _| Some("1917-10-25".to_owned()));
        assert_eq!(got[1].2.as_deref(), Some("1922"));
        // Without a supplied date the anchor's own date counts; a pronoun takes the date before it on the line.
        assert_eq!(values("five years after 1917 he", None), vec![sv("five years after 1917", Some("1922"))]);
        let text = "in 1922 Lenin planned an assault in the 1922 Congress. A few day before it he suffered a stroke.";
        assert_eq!(values(text, None)[2], sv("A few day before it", Some("1922")));
        // Months before a date known only to the year: unknown.
        assert_eq!(values("In 1917. Two months before it, he", None)[1], sv("Two months before it", None));
        assert_eq!(
            values("two months before the revolution", None),
            vec![sv("two months before the revolution", None)]
        );
    }

    #[test]
    fn deictic_expressions_need_the_document_date() {
        assert_eq!(values("Today, only shadows", Some("2024-01-19")), vec![sv("Today", Some("2024-01-19"))]);
        assert_eq!(values("Today, only shadows", None), vec![sv("Today", None)]);
        assert_eq!(values("3 years ago", Some("2024-01-19")), vec![sv("3 years ago", Some("2021"))]);
        assert_eq!(values("2 months ago", Some("2024-01-19")), vec![sv("2 months ago", Some("2023-11"))]);
        assert_eq!(values("3 years ago", None), vec![sv("3 years ago", None)]);
        assert_eq!(values("yesterday", Some("2024-03-01")), vec![sv("yesterday", Some("2024-02-29"))]);
        assert_eq!(values("It rose last year", Some("2024-01-19")), vec![sv("last year", Some("2023"))]);
        // Hours from a date without a time: unknown.
        assert_eq!(values("2 hours ago", Some("2024-01-19")), vec![sv("2 hours ago", None)]);
    }

    #[test]
    fn calendar_arithmetic() {
        for (y, m, d) in [(1970, 1, 1), (1917, 2, 23), (2000, 2, 29), (1600, 12, 31), (2024, 3, 1)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let p = Point::parse("1917-10-25").unwrap();
        assert_eq!(p.add(-2, Unit::Month).map(Point::value).as_deref(), Some("1917-08"));
        assert_eq!(p.add(70, Unit::Day).map(Point::value).as_deref(), Some("1918-01-03"));
        assert_eq!(Point::parse("1917-02-30"), None);
        assert_eq!(Point::parse("XXXX-02"), None);
        assert_eq!(Point::parse("191X"), None);
        assert_eq!(p.within(Unit::Decade).as_deref(), Some("191X"));
    }

    #[test]
    fn bad_calendar_rows_are_reported_with_their_line() {
        let e = DateTagger::parse("c.tsv", "kind\tword\tvalue\nunit\tday\tX\n").err().unwrap();
        assert_eq!(e.to_string(), "c.tsv:2: unknown unit code \"X\"");
        let e = DateTagger::parse("c.tsv", "kind\tword\tvalue\nrelation\tbefore\t1\n").err().unwrap();
        assert_eq!(e.to_string(), "c.tsv:2: relation: value must be + or -, not \"1\"");
        let e = DateTagger::parse("c.tsv", "kind\tword\tvalue\nmoon\tfull\t-\n").err().unwrap();
        assert_eq!(e.to_string(), "c.tsv:2: unknown kind \"moon\"");
    }
}
