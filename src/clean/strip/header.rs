//! Post and comment headers read by their shape, not by a site's pattern.
//!
//! A header is a short line made only of the parts headers are made of: a handle or short name, a time
//! (relative, "3 hours ago", "5d", or absolute, "17-12-2007, 23:16", "Oct 03 '21", "October 16, 2020 at 10:31 PM"),
//! counters ("12 points"), the function words of headers ("Posted by", "on", "said"), chrome words ("Reply",
//! "Report"), separators (`·`, `|`, `»`) and bracketed flair ("[he/him]"). Every token of the line is put in
//! one of those classes (the word lists are `gazetteer/page-words.tsv` and the month and weekday names of
//! `calendar.tsv`); a line with anything else in it is not a header. The engines differ in how they arrange the
//! parts, so the arrangement does not matter: only which parts are there.

use super::with_lower;
use crate::data::rules::{page_kind, PageWords};

/// What a short line is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Only a time, with header words or chrome around it: "3 hours ago", "17-12-2007, 23:16".
    Time,
    /// A handle or a short name alone (flair, bullets and chrome words aside): "Eureka Australis",
    /// "• user@instance".
    Handle,
    /// A handle with a time, counters or header words: "u/name · 3 yr. ago", "Postby X » Tue Jan 01, 2019",
    /// "Posted By: X".
    Header,
    /// Counters, chrome words and separators only: "496", "12 points", "arrow-up", "Reply · Report".
    Chrome,
}

/// A line read as a header: its shape and where its author and time are (byte ranges of the line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderShape {
    pub shape: Shape,
    pub author: Option<(usize, usize)>,
    pub time: Option<(usize, usize)>,
    /// The author is marked as a handle (`u/x`, `@x`, `x@instance`), introduced ("by X") or said to speak
    /// ("X said...").
    pub explicit: bool,
    /// The time is one only a post has: relative, with a clock, a numeric date, or a day, month and year of
    /// the web era ("June 22" alone may be a heading).
    pub strong_time: bool,
    /// A quote's header ("Quote: from X on ...", "Originally Posted by X"), not a post's.
    pub quoting: bool,
    /// A counter line: a number with what it counts or a percentage ("430 points (84.0% liked)", "38% 10
    /// votes"), a row of two or more buttons ("Newer Post Older Post Home", "Reply · Report"), or separators
    /// only ("---|---|").
    pub counter: bool,
    /// A thread's own counter ("1 Answer", "12 replies").
    pub thread_counter: bool,
}

/// How a header's author is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    None,
    /// `u/x`, `@x`, `x@instance`.
    Handle,
    /// After "by", "Postby", "From:".
    Intro,
    /// Before "said", "wrote".
    Verb,
}

/// A time made of parts that only posts' times have.
fn strong(t: &[Tok]) -> bool {
    use Class::*;
    let has = |c: Class| t.iter().any(|x| x.class == c);
    has(RelTime) || has(Ago) || has(Clock) || has(Date) || (has(TUnit) && has(Num)) || (has(Month) && has(Year))
}

/// Lines longer than this are never headers.
const MAX_HEADER_BYTES: usize = 160;
const MAX_HEADER_TOKENS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Sep,
    Flair,
    Num,
    Year,
    Clock,
    Date,
    Month,
    Weekday,
    /// A number glued to a time unit: "3h", "5d", "2yr".
    RelTime,
    Ago,
    TUnit,
    Hdr,
    /// "by", "Postby", "From": the author follows.
    Intro,
    /// "said", "wrote": the author precedes.
    Verb,
    /// "Quote", "Originally": the header heads a quote.
    Quoting,
    Unit,
    Chrome,
    /// An ordinary word that is also a button ("Share", "More"): furniture only in a line of furniture.
    Ui,
    /// `u/x`, `@x`, `x@instance`.
    Handle,
    /// A token shaped like a user name: `_`, letters mixed with digits, inner capitals.
    WeakHandle,
    Anon,
    Cap,
    Word,
    /// A year before the web: the line dates history, not a post.
    History,
    /// A URL: text, not a header part.
    Url,
}

/// Posts are written on the web: a year before this dates history, and makes a line no header.
const WEB_ERA: u32 = 1990;

struct Tok {
    start: usize,
    end: usize,
    class: Class,
}

/// Read `text` (a normalised line) as a header. `None` when it is not made of header parts.
pub fn read(text: &str, words: &PageWords) -> Option<HeaderShape> {
    if text.is_empty() || text.len() > MAX_HEADER_BYTES {
        return None;
    }
    let toks = tokens(text, words)?;
    if toks.is_empty() || toks.iter().any(|t| t.class == Class::History) {
        return None;
    }
    // "handle:" alone on a line: a reblogged or quoted poster ("absinthemakeyouawhore:").
    if toks.len() == 1 && text.ends_with(':') {
        let t = &toks[0];
        let handle_like = matches!(t.class, Class::WeakHandle | Class::Handle)
            || (t.class == Class::Word
                && text[t.start..t.end].len() >= 6
                && !text[t.start..t.end].contains(char::is_uppercase)
                && !words.is(&text[t.start..t.end], page_kind::STOP));
        if handle_like {
            return Some(HeaderShape {
                shape: Shape::Header,
                author: Some((t.start, t.end)),
                time: None,
                explicit: true,
                strong_time: false,
                quoting: false,
                counter: false,
                thread_counter: false,
            });
        }
        return None;
    }
    // Prose punctuation: a sentence inside, or a line that ends as a sentence or a clause does (a time's
    // abbreviation may end in a full stop: "3 yr."; "X said..." ends in an ellipsis); a quoted line.
    if super::has_sentence_break(text) || text.ends_with(['!', '?', ',', ';']) || text.starts_with('>') {
        return None;
    }
    let last = toks.last().map(|t| t.class);
    if text.ends_with("...") && last != Some(Class::Verb) {
        return None;
    }
    if text.ends_with('.') && !text.ends_with("...") {
        let time_end = last.is_some_and(|c| {
            matches!(
                c,
                Class::Ago | Class::TUnit | Class::Month | Class::Num | Class::Year | Class::RelTime | Class::Clock
            )
        });
        // A name may end in an initial ("Konstantin T.").
        let initial = toks.last().is_some_and(|t| t.class == Class::Cap && t.end - t.start == 1);
        if !time_end && !initial {
            return None;
        }
    }
    let time = time_span(&toks);
    let in_time = |i: usize| time.is_some_and(|(a, b)| a <= i && i <= b);
    let stop = |t: &Tok| t.class == Class::Word && with_lower(&text[t.start..t.end], |w| words.is(w, page_kind::STOP));
    let lower = |t: &Tok| text[t.start..t.end].starts_with(|c: char| c.is_lowercase());
    let author = author_span(&toks, &in_time, &stop, &lower);
    let in_author = |i: usize| author.is_some_and(|(a, b, _)| a <= i && i <= b);
    let explicit = author.is_some_and(|a| a.2 != Mark::None);
    let marked = author.is_some_and(|a| a.2 == Mark::Handle);
    let flair = toks.iter().any(|t| t.class == Class::Flair);
    // Tokens that belong to no header part.
    let others = toks
        .iter()
        .enumerate()
        .filter(|(i, _)| !in_time(*i) && !in_author(*i))
        .filter(|(i, t)| {
            matches!(t.class, Class::Word | Class::Cap | Class::WeakHandle | Class::Month | Class::Year | Class::Url)
                // Buttons beside a time are a header's furniture ("3 hours ago | parent | next"), and so are
                // those before the author ("Offline Dowding").
                || (t.class == Class::Ui && time.is_none() && author.is_none_or(|a| *i > a.1))
        })
        .count();
    // Flair words are allowed next to a marked handle ("u/name History buff Oct 03 '21"), one stray word next
    // to an introduced author or an author with a time.
    let allowance = if marked || flair {
        3
    } else if explicit || (author.is_some() && time.is_some()) {
        1
    } else {
        0
    };
    let only_furniture = toks.iter().all(|t| {
        matches!(
            t.class,
            Class::Num
                | Class::Unit
                | Class::Chrome
                | Class::Ui
                | Class::Sep
                | Class::Hdr
                | Class::Quoting
                | Class::Flair
        )
    });
    // One word and a number, nothing else: a reaction counted under a post ("Thanks 4", "Haha 2"), not a name;
    // or up to three words and a signed number, a vote tally ("Thumb up +5", "Score -2").
    let words_only: Vec<&Tok> = toks.iter().filter(|t| t.class != Class::Sep).collect();
    let signed = words_only.last().is_some_and(|t| text[t.start..t.end].starts_with(['+', '-']));
    let reaction = (words_only.len() == 2 || (signed && (2..=4).contains(&words_only.len())))
        && words_only[..words_only.len() - 1].iter().all(|t| matches!(t.class, Class::Cap | Class::Word | Class::Ui))
        && words_only.last().is_some_and(|t| t.class == Class::Num)
        && time.is_none();
    if others > allowance && !reaction && !(author.is_none() && time.is_none() && only_furniture) {
        return None;
    }
    let span = |a: usize, b: usize| (toks[a].start, toks[b].end);
    let time_range = time.map(|(a, b)| span(a, b));
    // A possessive is not part of the name ("Catherine Beal's avatar").
    let author_range = author.map(|(a, b, _)| {
        let (s, e) = span(a, b);
        if text[s..e].ends_with("'s") && e - s > 2 {
            (s, e - 2)
        } else if toks[b].end - toks[b].start == 1 && text[e..].starts_with('.') {
            // An initial keeps its full stop ("Konstantin T.").
            (s, e + 1)
        } else {
            (s, e)
        }
    });
    // Without a time, an author makes a header when it is marked or introduced, or said to speak, or counted.
    let counted = toks.iter().any(|t| t.class == Class::Unit);
    let spoken = author.is_some_and(|a| a.2 == Mark::Verb);
    let author = author.filter(|_| !reaction);
    let author_range = author_range.filter(|_| !reaction);
    let shape = match (author, time) {
        (None, None) if reaction => Shape::Chrome,
        (Some(_), Some(_)) => Shape::Header,
        (None, Some(_)) => Shape::Time,
        (Some(_), None) if explicit || spoken || counted => Shape::Header,
        (Some(_), None) => Shape::Handle,
        (None, None) if only_furniture => Shape::Chrome,
        (None, None) => return None,
    };
    let strong_time = time.is_some_and(|(a, b)| strong(&toks[a..=b]));
    let quoting = toks.iter().any(|t| t.class == Class::Quoting);
    let counted_number = toks.windows(2).any(|p| p[0].class == Class::Num && p[1].class == Class::Unit)
        || toks.iter().any(|t| t.class == Class::Num && text[t.start..t.end].ends_with('%'));
    let only_separators = toks.iter().all(|t| t.class == Class::Sep);
    // Every word a button's ("Reply" is also a header word; "Last updated" is not a row of buttons).
    let button = |t: &Tok| with_lower(&text[t.start..t.end], |l| words.is_chrome(l));
    let button_row = words_only.len() >= 2 && words_only.iter().all(|t| button(t));
    // "1 Answer", "12 replies": a thread's counter, which is its metadata, not chrome.
    let thread_counter = toks.windows(2).any(|p| {
        p[0].class == Class::Num
            && p[1].class == Class::Unit
            && with_lower(&text[p[1].start..p[1].end], |l| words.is(l, page_kind::REPLIES))
    });
    let counter = shape == Shape::Chrome
        && !thread_counter
        && (only_separators
            || reaction
            || button_row
            || (counted_number && toks.iter().all(|t| !matches!(t.class, Class::Chrome | Class::Ui))));
    Some(HeaderShape {
        shape,
        author: author_range,
        time: time_range,
        explicit: explicit || spoken,
        strong_time,
        quoting,
        counter,
        thread_counter: shape == Shape::Chrome && thread_counter,
    })
}

fn tokens(text: &str, w: &PageWords) -> Option<Vec<Tok>> {
    let mut out: Vec<Tok> = Vec::new();
    let mut bracket = 0i32;
    for (start, raw) in pieces(text) {
        if out.len() >= MAX_HEADER_TOKENS {
            return None;
        }
        let opens = raw.starts_with(['[', '(', '{']);
        if opens {
            bracket += 1;
        }
        let inside = bracket > 0;
        if raw.ends_with([']', ')', '}']) || raw.ends_with("]:") || raw.ends_with("),") {
            bracket = (bracket - 1).max(0);
        }
        // The token's core, without wrapping punctuation.
        let lead = raw.len() - raw.trim_start_matches(['(', '[', '{', '"', '\'', '<', '*', '#']).len();
        let core = raw[lead..].trim_end_matches([')', ']', '}', '"', '\'', ',', '.', ':', ';', '!', '?', '>', '*']);
        let (cs, ce) = (start + lead, start + lead + core.len());
        let class = if core.is_empty() || core.chars().all(|c| !c.is_alphanumeric()) {
            Class::Sep
        } else if inside {
            Class::Flair
        } else {
            classify(core, raw, w, out.last().map(|t| t.class))
        };
        // Two clock parts: "10:31 PM".
        if class == Class::Clock && out.last().is_some_and(|t| t.class == Class::Clock) && !core.contains(':') {
            let last = out.last_mut().expect("previous token");
            last.end = ce;
            continue;
        }
        out.push(Tok { start: cs, end: ce.max(cs), class });
    }
    Some(out)
}

/// The line's tokens with their offsets: split at spaces, and at brackets glued between words
/// ("03/12/21(Fri)12:00:01" is a date, a weekday and a clock).
fn pieces(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in text.split(' ') {
        let start = pos;
        pos += raw.len() + 1;
        let mut s = 0;
        let b = raw.as_bytes();
        for (i, c) in raw.char_indices() {
            if c == '(' && i > s && b[i - 1].is_ascii_alphanumeric() {
                out.push((start + s, &raw[s..i]));
                s = i;
            } else if c == ')' && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
                out.push((start + s, &raw[s..=i]));
                s = i + 1;
            }
        }
        if s < raw.len() {
            out.push((start + s, &raw[s..]));
        }
    }
    out
}

fn classify(core: &str, raw: &str, w: &PageWords, prev: Option<Class>) -> Class {
    with_lower(core, |lower| classify_lower(core, lower, raw, w, prev))
}

fn classify_lower(core: &str, lower: &str, raw: &str, w: &PageWords, prev: Option<Class>) -> Class {
    use page_kind as k;
    let kinds = w.kinds(lower);
    let has = |bit: u32| kinds & bit != 0;
    if core.contains("://") || core.starts_with("www.") {
        return Class::Url;
    }
    let b = core.as_bytes();
    // "'25": a year written with its apostrophe.
    if raw.starts_with('\'') && core.len() == 2 && core.bytes().all(|c| c.is_ascii_digit()) {
        return Class::Year;
    }
    // "11.10.2019" is a date before it is a number.
    if is_numeric_date(core) {
        return Class::Date;
    }
    if is_number(core) {
        if raw.starts_with('#') {
            return Class::Num;
        }
        return match core.parse::<u32>() {
            Ok(y) if (WEB_ERA..=2099).contains(&y) => Class::Year,
            Ok(y) if (1000..WEB_ERA).contains(&y) && core.len() == 4 => Class::History,
            _ => Class::Num,
        };
    }
    if core.starts_with('\'') || raw.starts_with('\'') && core.len() == 2 && b.iter().all(u8::is_ascii_digit) {
        return Class::Year;
    }
    if is_clock(core) {
        return Class::Clock;
    }
    if matches!(lower, "am" | "pm" | "a.m" | "p.m") && prev == Some(Class::Clock) {
        return Class::Clock;
    }
    if has(k::ZONE) && prev == Some(Class::Clock) {
        return Class::Clock;
    }
    // A community, not a poster: `r/name`, `!name@instance`, `c/name`.
    if (core.starts_with("r/") || core.starts_with("c/") || core.starts_with("/r/") || core.starts_with('!'))
        && core.len() > 3
    {
        return Class::Flair;
    }
    if is_numeric_date(core) || month_date(core, w) {
        return Class::Date;
    }
    if let Some(d) = ordinal(core) {
        return if d <= 31 { Class::Num } else { Class::Word };
    }
    let capitalised = core.chars().next().is_some_and(char::is_uppercase);
    if capitalised && has(k::MONTH) {
        return Class::Month;
    }
    if capitalised && has(k::WEEKDAY) {
        return Class::Weekday;
    }
    if glued_reltime(lower, w) {
        return Class::RelTime;
    }
    if has(k::AGO) {
        return Class::Ago;
    }
    if has(k::TUNIT) && prev.is_some_and(|p| matches!(p, Class::Num)) {
        return Class::TUnit;
    }
    if has(k::UNIT) && prev.is_some_and(|p| matches!(p, Class::Num)) {
        return Class::Unit;
    }
    if has(k::ANON) {
        return Class::Anon;
    }
    if has(k::QUOTING) {
        return Class::Quoting;
    }
    if has(k::INTRO) {
        return Class::Intro;
    }
    if has(k::VERB) {
        return Class::Verb;
    }
    if has(k::HEADER) {
        return Class::Hdr;
    }
    if has(k::CHROME) {
        return Class::Chrome;
    }
    if has(k::UI) {
        return Class::Ui;
    }
    if is_marked_handle(core) {
        return Class::Handle;
    }
    if is_weak_handle(core) {
        return Class::WeakHandle;
    }
    let mut chars = core.chars();
    let first = chars.next().unwrap_or(' ');
    if first.is_uppercase() && chars.all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '.')) {
        return Class::Cap;
    }
    Class::Word
}

fn is_number(t: &str) -> bool {
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    let t = t.strip_suffix(['k', 'K', 'm', 'M', '%']).unwrap_or(t);
    !t.is_empty()
        && t.as_bytes()[0].is_ascii_digit()
        && t.bytes().all(|c| c.is_ascii_digit() || c == b',' || c == b'.')
        && !t.ends_with(['.', ','])
}

fn is_clock(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    let t = lower.trim_end_matches("am").trim_end_matches("pm");
    let mut parts = t.split(':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else { return false };
    let rest: Vec<&str> = parts.collect();
    let digits =
        |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit());
    digits(h, 1..=2) && digits(m, 2..=2) && rest.len() <= 1 && rest.iter().all(|s| digits(s, 2..=2))
}

/// `17-12-2007`, `2020-10-16`, `11.10.2019`, `3/12/21`, `2021-03-12T10:00`.
fn is_numeric_date(t: &str) -> bool {
    let t = t.split('T').next().unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '.', '/']).collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|c| c.is_ascii_digit()))
        && (parts[0].len() == 4 || parts[2].len() >= 2)
        && parts[1].len() <= 2
}

/// `26-Feb-04`, `13-Jun-2007`, `Feb-26-2004`: a date with its month's name between the numbers.
fn month_date(t: &str, w: &PageWords) -> bool {
    if !t.contains(['-', '/', '.']) || !t.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() != 3 {
        return false;
    }
    let num = |p: &str| (1..=4).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit());
    let month = |p: &str| {
        let mut c = p.chars();
        let cap: String =
            c.next().map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect()).unwrap_or_default();
        w.is_month(&cap)
    };
    (num(parts[0]) && month(parts[1]) && num(parts[2])) || (month(parts[0]) && num(parts[1]) && num(parts[2]))
}

fn ordinal(t: &str) -> Option<u32> {
    let lower = t.to_ascii_lowercase();
    let n = lower
        .strip_suffix("st")
        .or(lower.strip_suffix("nd"))
        .or(lower.strip_suffix("rd"))
        .or(lower.strip_suffix("th"))?;
    if n.is_empty() || n.len() > 2 || !n.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// `3h`, `5d`, `2yr`, `10mo`, `3w`, `1y`.
fn glued_reltime(lower: &str, w: &PageWords) -> bool {
    let digits = lower.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && digits <= 3 && digits < lower.len() && w.is(&lower[digits..], page_kind::TUNIT)
}

/// `u/name`, `@name`, `name@instance.tld`, `!community@instance`.
fn is_marked_handle(t: &str) -> bool {
    let ok =
        |s: &str| (2..=40).contains(&s.len()) && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if let Some(rest) = t.strip_prefix("u/").or(t.strip_prefix("/u/")).or(t.strip_prefix('@')) {
        // `u/[deleted]`: an account that is gone.
        return ok(rest.trim_matches(['[', ']']));
    }
    if let Some((user, host)) = t.trim_start_matches('!').split_once('@') {
        return ok(user) && host.contains('.') && ok(host) && !host.ends_with('.');
    }
    false
}

/// A token shaped like a user name: letters with `_`, letters mixed with digits, or capitals inside
/// ("LeninKobaMao"), 3 to 40 characters.
fn is_weak_handle(t: &str) -> bool {
    let n = t.chars().count();
    if !(3..=40).contains(&n) || !t.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return false;
    }
    if !t.chars().next().is_some_and(char::is_alphanumeric) {
        return false;
    }
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    let inner_cap = t.chars().zip(t.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase());
    letters >= 2 && (t.contains('_') || digits > 0 || inner_cap)
}

/// The tokens of the line's time: a relative time ("3 hours ago", "5d", "yesterday") or an absolute one (a
/// numeric date, a clock time, a month with a day). A month with only a year ("October 1917") is a heading's
/// date, not a post's time.
fn time_span(toks: &[Tok]) -> Option<(usize, usize)> {
    use Class::*;
    let n = toks.len();
    let mut anchors: Vec<usize> = Vec::new();
    for i in 0..n {
        let c = toks[i].class;
        let prev = i.checked_sub(1).map(|j| toks[j].class);
        let next = toks.get(i + 1).map(|t| t.class);
        let is_time = match c {
            Date | Clock | RelTime | Ago => true,
            TUnit => prev == Some(Num),
            Month => matches!(prev, Some(Num)) || matches!(next, Some(Num)),
            _ => false,
        };
        if is_time {
            anchors.push(i);
        }
    }
    let (&first, &last) = (anchors.first()?, anchors.last()?);
    // Widen over the parts a time is written with: numbers, years, weekdays, months, "at", ",", units.
    let part = |c: Class| matches!(c, Num | Year | Weekday | Month | TUnit | Ago | Clock | Date | RelTime);
    let mut a = first;
    while a > 0 && (part(toks[a - 1].class) || toks[a - 1].class == Weekday) {
        a -= 1;
    }
    let mut b = last;
    while b + 1 < n && part(toks[b + 1].class) {
        b += 1;
    }
    Some((a, b))
}

/// A token of a time ("said 3 hours ago").
fn in_time_any(t: &Tok) -> bool {
    matches!(
        t.class,
        Class::Num
            | Class::Year
            | Class::Clock
            | Class::Date
            | Class::Month
            | Class::Weekday
            | Class::RelTime
            | Class::Ago
            | Class::TUnit
    )
}

/// The author: a marked handle; else the name after an introducing word that opens the line ("by X",
/// "Posted by X", "Postby X"); else the name before a header verb ("X said..."); else a name-like run at the
/// start of the line (1 to 3 tokens).
fn author_span(
    toks: &[Tok],
    in_time: &dyn Fn(usize) -> bool,
    stop: &dyn Fn(&Tok) -> bool,
    lower: &dyn Fn(&Tok) -> bool,
) -> Option<(usize, usize, Mark)> {
    use Class::*;
    if let Some(i) = toks.iter().position(|t| t.class == Handle) {
        return Some((i, i, Mark::Handle));
    }
    let name = |c: Class| matches!(c, Cap | WeakHandle | Anon);
    let furniture = |c: Class| matches!(c, Sep | Hdr | Quoting | Chrome | Ui | Unit | Num | Flair);
    // After an introducing word, with only furniture before it: "by X", "Posted by X", "From: X".
    if let Some(i) = toks.iter().position(|t| t.class == Intro) {
        let opens = toks[..i].iter().enumerate().all(|(k, t)| furniture(t.class) || in_time(k));
        if opens && i + 1 < toks.len() && matches!(toks[i + 1].class, Cap | WeakHandle | Anon | Word) && !in_time(i + 1)
        {
            let mut j = i + 1;
            while j + 1 < toks.len() && j + 1 < i + 4 && name(toks[j + 1].class) && !in_time(j + 1) {
                j += 1;
            }
            return Some((i + 1, j, Mark::Intro));
        }
    }
    // Before a header verb: "X said...", "Anonymous Andrew Sutton said...". A line that is only a name and the
    // verb may spell the name in lower case ("lovable liberal said...").
    if let Some(i) = toks.iter().position(|t| t.class == Verb) {
        let ends = toks[i + 1..].iter().all(|t| matches!(t.class, Sep | Flair) || in_time_any(t));
        let name_here = |t: &Tok| name(t.class) || (ends && t.class == Word && !stop(t));
        let mut a = i;
        while a > 0 && i - a < 3 && name_here(&toks[a - 1]) && !in_time(a - 1) {
            a -= 1;
        }
        // A line that is only a name and the verb may give a longer name whose capitalised words are joined by
        // function words ("Rodger the Real King of France said...").
        if ends && a > 0 && a < i {
            let mut b = a;
            // A joining word: short, in lower case, a function word or one that is also furniture ("of").
            let joiner = |t: &Tok| lower(t) && t.end - t.start <= 4 && (stop(t) || matches!(t.class, Ui | Hdr));
            while b > 0 && i - b < 7 && !in_time(b - 1) && (name(toks[b - 1].class) || joiner(&toks[b - 1])) {
                b -= 1;
            }
            while b < a && joiner(&toks[b]) {
                b += 1;
            }
            let whole = toks[..b].iter().all(|t| matches!(t.class, Sep | Num));
            if whole {
                a = b;
            }
        }
        let opens = toks[..a].iter().enumerate().all(|(k, t)| furniture(t.class) || in_time(k));
        if a < i && opens {
            return Some((a, i - 1, Mark::Verb));
        }
    }
    // A leading name-like run (bullets, counters and chrome before it). A line that is nothing but the name
    // may spell it in lower case ("peaccenicked", "new democracy").
    let start = toks.iter().position(|t| !matches!(t.class, Sep | Chrome | Ui | Hdr | Quoting | Num | Flair))?;
    // An ordinary word that is also a button opens a lower-case name that is the whole line ("new democracy"),
    // where a capitalised one before a name is a status ("Offline Dowding").
    if toks.len() <= 3
        && toks[..start].iter().all(|t| t.class == Ui && lower(t))
        && toks[start..].iter().all(|t| t.class == Word && !stop(t))
    {
        let end = toks.len() - 1;
        return (!in_time(end)).then_some((0, end, Mark::None));
    }
    // (all in lower case: "Lenin memorial reopens" is a title)
    let rest_is_name = toks[start..].len() <= 3
        && toks[start..].iter().all(|t| matches!(t.class, WeakHandle | Word | Sep | Flair) && !stop(t));
    let name_here = |c: Class| name(c) || (rest_is_name && c == Word);
    // A lower-case handle right before the time ("pg 3 hours ago").
    let handle_before_time =
        toks[start].class == Word && !stop(&toks[start]) && start + 1 < toks.len() && in_time(start + 1);
    if handle_before_time {
        return Some((start, start, Mark::None));
    }
    if !name_here(toks[start].class) || in_time(start) {
        return None;
    }
    let mut j = start;
    while j + 1 < toks.len() && j + 1 < start + 3 && name_here(toks[j + 1].class) && !in_time(j + 1) {
        j += 1;
    }
    Some((start, j, Mark::None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::rules::Rules;

    fn words() -> PageWords {
        Rules::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"))).unwrap().page
    }

    fn show(t: &str) -> Option<(Shape, Option<&str>, Option<&str>)> {
        let w = words();
        read(t, &w).map(|h| (h.shape, h.author.map(|(a, b)| &t[a..b]), h.time.map(|(a, b)| &t[a..b])))
    }

    #[test]
    fn header_shapes_of_many_engines() {
        assert_eq!(
            show("u/flyingcomrade · 3 yr. ago"),
            Some((Shape::Header, Some("u/flyingcomrade"), Some("3 yr. ago")))
        );
        assert_eq!(show("17-12-2007, 23:16"), Some((Shape::Time, None, Some("17-12-2007, 23:16"))));
        assert_eq!(show("Eureka Australis"), Some((Shape::Handle, Some("Eureka Australis"), None)));
        // A lower-case name whose first word is also a button's.
        assert_eq!(show("new democracy"), Some((Shape::Handle, Some("new democracy"), None)));
        assert_eq!(show("Offline Dowding"), Some((Shape::Handle, Some("Dowding"), None)));
        assert_eq!(show("Konstantin T."), Some((Shape::Handle, Some("Konstantin T."), None)));
        // Reactions counted under a post.
        assert_eq!(show("• Thanks 4").map(|s| (s.0, s.1)), Some((Shape::Chrome, None)));
        assert_eq!(show("• tovarish@lemmygrad.ml"), Some((Shape::Header, Some("tovarish@lemmygrad.ml"), None)));
        assert_eq!(show("5 days ago"), Some((Shape::Time, None, Some("5 days ago"))));
        assert_eq!(
            show("Postby Zinoviev_42 » Tue Jan 01, 2019 10:31 pm").map(|s| (s.0, s.1)),
            Some((Shape::Header, Some("Zinoviev_42")))
        );
        assert_eq!(
            show("Posted By: Stilly River Sage").map(|s| (s.0, s.1)),
            Some((Shape::Header, Some("Stilly River Sage")))
        );
        assert_eq!(
            show("Anonymous Andrew Sutton said...").map(|s| (s.0, s.1)),
            Some((Shape::Header, Some("Anonymous Andrew Sutton")))
        );
        assert_eq!(
            show("Ivan the Terrible of Moscow said...").map(|s| (s.0, s.1)),
            Some((Shape::Header, Some("Ivan the Terrible of Moscow")))
        );
        // In a sentence the name is the capitalised run before the verb only.
        assert_eq!(show("In his speech Lenin said:").map(|s| s.1), None);
        assert_eq!(
            show("u/name Flair words Oct 03 '21 edited").map(|s| (s.0, s.1)),
            Some((Shape::Header, Some("u/name")))
        );
        assert_eq!(show("October 16, 2020 at 10:31 PM").map(|s| s.0), Some(Shape::Time));
        assert_eq!(show("11.10.2019").map(|s| s.0), Some(Shape::Time));
        assert_eq!(show("12 points").map(|s| s.0), Some(Shape::Chrome));
        assert_eq!(show("arrow-up").map(|s| s.0), Some(Shape::Chrome));
    }

    #[test]
    fn prose_headings_and_dates_of_history_are_not_headers() {
        assert_eq!(show("The revolution was betrayed by the bureaucracy."), None);
        assert_eq!(show("October 1917"), None);
        assert_eq!(show("Trotsky was exiled in 1929 to Alma-Ata"), None);
        assert_eq!(show("Why the Opposition lost"), None);
    }
}

#[cfg(test)]
mod engine_tests {
    use super::*;
    use crate::data::rules::Rules;

    fn shape(t: &str) -> Option<(Shape, Option<String>, Option<String>)> {
        let w = Rules::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"))).unwrap().page;
        read(t, &w)
            .map(|h| (h.shape, h.author.map(|(a, b)| t[a..b].to_owned()), h.time.map(|(a, b)| t[a..b].to_owned())))
    }

    /// Header lines of common engines (vBulletin, phpBB, Hacker News, Disqus, WordPress, Discourse, Stack
    /// Exchange, SMF, Invision, imageboards, Reddit, Lemmy): (line, shape, author, time).
    #[test]
    fn header_lines_of_common_engines() {
        use Shape::*;
        type Case = (&'static str, Option<Shape>, Option<&'static str>, Option<&'static str>);
        let cases: [Case; 25] = [
            ("Old 03-12-2009, 10:31 PM", Some(Time), None, Some("03-12-2009, 10:31 PM")),
            ("#2", Some(Chrome), None, None),
            ("by Koba » Tue Jan 01, 2019 10:31 pm", Some(Header), Some("Koba"), Some("Tue Jan 01, 2019 10:31 pm")),
            ("pg 3 hours ago | parent | next [-]", Some(Header), Some("pg"), Some("3 hours ago")),
            ("Jane Doe • 3 years ago", Some(Header), Some("Jane Doe"), Some("3 years ago")),
            ("March 3, 2012 at 10:31 pm", Some(Time), None, Some("March 3, 2012 at 10:31 pm")),
            ("3d", Some(Time), None, Some("3d")),
            ("answered Mar 3, 2012 at 10:31", Some(Time), None, Some("Mar 3, 2012 at 10:31")),
            ("asked 5 years ago", Some(Time), None, Some("5 years ago")),
            ("Reply #3 on: March 5, 2012, 10:31:00 AM", Some(Time), None, Some("March 5, 2012, 10:31:00 AM")),
            ("Posted 14 March 2015 - 09:12 PM", Some(Time), None, Some("14 March 2015 - 09:12 PM")),
            (
                "Anonymous 03/12/21(Fri)12:00:01 No.123456",
                Some(Header),
                Some("Anonymous"),
                Some("03/12/21(Fri)12:00:01"),
            ),
            ("permalink embed save parent report reply", Some(Chrome), None, None),
            ("level 2", Some(Chrome), None, None),
            (
                "Quote from: Koba on March 5, 2012, 10:31:00 AM",
                Some(Header),
                Some("Koba"),
                Some("March 5, 2012, 10:31:00 AM"),
            ),
            ("Originally Posted by Koba", Some(Header), Some("Koba"), None),
            ("2 points 3 years ago", Some(Time), None, Some("3 years ago")),
            ("[-] Koba 5 points 3 years ago", Some(Header), Some("Koba"), Some("3 years ago")),
            ("sergei_k commented 2 hours ago", Some(Header), Some("sergei_k"), Some("2 hours ago")),
            ("Posted by u/flyingcomrade 3 years ago", Some(Header), Some("u/flyingcomrade"), Some("3 years ago")),
            ("Join Date: Mar 2009", None, None, None),
            ("Offline Dowding", Some(Handle), Some("Dowding"), None),
            ("r/AskHistorians Oct 14 '25", Some(Time), None, Some("Oct 14 '25")),
            ("2 hours ago, pavel popelskii said:", Some(Header), Some("pavel popelskii"), Some("2 hours ago")),
            ("430 points (84.0% liked)", Some(Chrome), None, None),
        ];
        for (t, want_shape, want_author, want_time) in cases {
            let got = shape(t);
            let want = want_shape.map(|s| (s, want_author.map(str::to_owned), want_time.map(str::to_owned)));
            assert_eq!(got, want, "{t:?}");
        }
        // A quote's header is marked as one.
        let w = Rules::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"))).unwrap().page;
        assert!(read("Originally Posted by Koba", &w).unwrap().quoting);
        assert!(!read("by Koba » Tue Jan 01, 2019 10:31 pm", &w).unwrap().quoting);
        // Counters, rows of buttons and separators are marked as such.
        for t in ["430 points (84.0% liked)", "38% 10 votes", "---|---|"] {
            assert!(read(t, &w).unwrap().counter, "{t}");
        }
        assert!(read("Reply · Report", &w).unwrap().counter);
        assert!(read("Newer Post Older Post Home", &w).unwrap().counter);
        assert!(!read("Reply", &w).unwrap().counter, "one word may be a reply's text");
        // A vote tally: words and a signed number.
        assert!(read("Thumb up +5", &w).unwrap().counter);
        assert!(read("Score -2", &w).unwrap().counter);
        assert!(read("Lenin Stalin 1924", &w).is_none_or(|h| !h.counter));
    }
}
