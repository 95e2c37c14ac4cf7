//! Stage: date tagging (years, month-years, full dates, decades, centuries, ranges, relative expressions), with
//! TIMEX3-style normalised values: `1879`, `1917-07`, `1940-08-20`, `193X`, `18XX`, `1918/1925`, and the
//! modifiers START / MID / END / APPROX.
//!
//! Calendar words (months, relative units, modifiers, deictic expressions) are data: `gazetteer/calendar.tsv`.
//! Candidates from every pattern are resolved leftmost-longest. A month without a year inside an entity mention
//! ("October Revolution", "July Days", "April Theses") is dropped: the name is not a date. Numbers that
//! are not years (counts, percentages, scores, handles) never match: a bare year has four digits (1000-2099),
//! stands as a word, and is not part of a larger number ("400,000", "1.6").

use crate::error::ConfigError;
use regex::Regex;
use std::collections::HashMap;
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

/// A temporal expression in a text (bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub kind: DateKind,
    pub value: Option<String>,
    pub modifier: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    DayMonthYear,
    MonthDayYear,
    MonthYear,
    MonthDay,
    DayMonth,
    YearRange,
    Decade,
    CenturyRange,
    Century,
    Year,
    Ago,
    Deictic,
}

pub struct DateTagger {
    rules: Vec<(Regex, Form)>,
    months: HashMap<String, String>,
    modifiers: HashMap<String, String>,
}

const YEAR: &str = r"(1[0-9]{3}|20[0-9]{2})";
const DAY: &str = r"(3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?";

impl DateTagger {
    pub fn load(dir: &Path) -> Result<DateTagger, ConfigError> {
        let p = dir.join("calendar.tsv");
        let name = p.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&p).map_err(|e| ConfigError::new(&name, None, e.to_string()))?;
        DateTagger::parse(&name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<DateTagger, ConfigError> {
        let mut months = HashMap::new();
        let mut units = Vec::new();
        let mut modifiers = HashMap::new();
        let mut deictic = Vec::new();
        let mut weekdays = Vec::new();
        let mut counts = Vec::new();
        for (ln, cols) in crate::tsv::rows(name, text, &["kind", "word", "value"])? {
            let err = |m: String| ConfigError::new(name, Some(ln), m);
            if cols.len() != 3 || cols[1].trim().is_empty() {
                return Err(err("expected: kind, word, value".into()));
            }
            let (word, value) = (cols[1].trim().to_owned(), cols[2].trim().to_owned());
            match cols[0] {
                "month" => {
                    months.insert(word, value);
                }
                "unit" => units.push(word),
                "modifier" | "approx" => {
                    modifiers.insert(word.to_lowercase(), value);
                }
                "relative" => deictic.push(word),
                "weekday" => weekdays.push(word),
                "count" => counts.push(word),
                k => return Err(err(format!("unknown kind {k:?}"))),
            }
        }
        let alt = |mut words: Vec<String>| {
            words.sort_by_key(|w| std::cmp::Reverse(w.len()));
            words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|")
        };
        let month = format!(r"((?:{})\.?)", alt(months.keys().cloned().collect()));
        let modifier = format!(r"(?:(?i:the\s+)?((?i:{})))", alt(modifiers.keys().cloned().collect()));
        let weekday = format!(r"(?:(?:{})\.?,?\s+)?", alt(weekdays));
        let b = r"(?-u:\b)";
        let not_number = r"(?:[^0-9,.%']|[,.](?:[^0-9]|$)|$)"; // what may follow a year
        let rules: Vec<(String, Form)> = vec![
            (format!(r"{b}{weekday}{DAY}\s+(?:of\s+)?{month},?\s+{YEAR}{b}"), Form::DayMonthYear),
            (format!(r"{b}{weekday}{month}\s+{DAY},?\s+{YEAR}{b}"), Form::MonthDayYear),
            (format!(r"(?:{modifier}\s+)?{b}{month},?\s+(?:of\s+)?{YEAR}{b}"), Form::MonthYear),
            (format!(r"{b}{month}\s+{DAY}{b}"), Form::MonthDay),
            (format!(r"{b}{DAY}\s+{month}(?:\s+[0-9]{{2}})?{b}"), Form::DayMonth),
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
            (format!(r"(?i){b}(?:(\d+|{})\s+)({})s?\.?\s+ago{b}", alt(counts), alt(units)), Form::Ago),
            (format!(r"(?i){b}(?:{}){b}", alt(deictic)), Form::Deictic),
        ];
        let mut compiled = Vec::new();
        for (pattern, form) in rules {
            let re = Regex::new(&pattern).map_err(|e| ConfigError::new(name, None, format!("date pattern: {e}")))?;
            compiled.push((re, form));
        }
        Ok(DateTagger { rules: compiled, months, modifiers })
    }

    /// Temporal expressions of `text`, in order. `shield`: spans (entity names) whose month names are not dates.
    pub fn tag(&self, text: &str, shield: &[(usize, usize)]) -> Vec<DateMention> {
        let mut cands: Vec<(DateMention, usize)> = Vec::new();
        for (rank, (re, form)) in self.rules.iter().enumerate() {
            for c in re.captures_iter(text) {
                let whole = c.get(0).expect("match");
                let (start, mut end) = (whole.start(), whole.end());
                if *form == Form::Year {
                    // The lookahead character is not part of the span.
                    let y = c.get(2).expect("year");
                    end = y.end();
                }
                // A month without a year inside a name ("October Revolution", "July Days") is part of the name.
                let yearless_month = matches!(form, Form::MonthDay | Form::DayMonth);
                if yearless_month && shield.iter().any(|&(s, e)| s < end && start < e) {
                    continue;
                }
                if let Some(m) = self.mention(&c, *form, start, end) {
                    cands.push((m, rank));
                }
            }
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

    fn month(&self, s: &str) -> String {
        self.months.get(s.trim_end_matches('.')).cloned().unwrap_or_else(|| "XX".into())
    }

    fn modifier(&self, c: &regex::Captures, i: usize) -> Option<String> {
        c.get(i).and_then(|m| self.modifiers.get(&m.as_str().to_lowercase()).cloned())
    }

    fn mention(&self, c: &regex::Captures, form: Form, start: usize, end: usize) -> Option<DateMention> {
        let g = |i: usize| c.get(i).map(|m| m.as_str());
        let day = |s: &str| format!("{:02}", s.parse::<u32>().unwrap_or(0));
        let (kind, value, modifier) = match form {
            Form::DayMonthYear => {
                (DateKind::Date, Some(format!("{}-{}-{}", g(3)?, self.month(g(2)?), day(g(1)?))), None)
            }
            Form::MonthDayYear => {
                (DateKind::Date, Some(format!("{}-{}-{}", g(3)?, self.month(g(1)?), day(g(2)?))), None)
            }
            Form::MonthYear => (DateKind::Date, Some(format!("{}-{}", g(3)?, self.month(g(2)?))), self.modifier(c, 1)),
            Form::MonthDay => (DateKind::Date, Some(format!("XXXX-{}-{}", self.month(g(1)?), day(g(2)?))), None),
            Form::DayMonth => {
                // "8 Oct 16": a two-digit year is not a year we can trust; keep the month.
                let two_digit_year = c.get(0)?.as_str().split_whitespace().count() == 3;
                let v = if two_digit_year {
                    format!("XXXX-{}", self.month(g(2)?))
                } else {
                    format!("XXXX-{}-{}", self.month(g(2)?), day(g(1)?))
                };
                (DateKind::Date, Some(v), None)
            }
            Form::YearRange => {
                let (a, b) = (g(1)?, g(2)?);
                let b = if b.len() == 2 { format!("{}{}", &a[..2], b) } else { b.to_owned() };
                if b.as_str() <= a {
                    return None; // "1877 - 1840" is not a range
                }
                (DateKind::Range, Some(format!("{a}/{b}")), None)
            }
            Form::Decade => {
                let v = match (g(2), g(3), g(4), g(5)) {
                    (Some(c2), Some(d), _, _) => format!("{c2}{d}X"),
                    (_, _, Some(d), _) | (_, _, _, Some(d)) => format!("19{d}X"),
                    _ => return None,
                };
                (DateKind::Decade, Some(v), self.modifier(c, 1))
            }
            Form::CenturyRange => {
                let (a, b): (u32, u32) = (g(1)?.parse().ok()?, g(2)?.parse().ok()?);
                (DateKind::Range, Some(format!("{:02}XX/{:02}XX", a - 1, b - 1)), None)
            }
            Form::Century => {
                let n: u32 = g(2)?.parse().ok()?;
                (DateKind::Century, Some(format!("{:02}XX", n - 1)), self.modifier(c, 1))
            }
            Form::Year => (DateKind::Date, Some(g(2)?.to_owned()), self.modifier(c, 1)),
            Form::Ago | Form::Deictic => (DateKind::Relative, None, None),
        };
        Some(DateMention { start, end, kind, value, modifier })
    }
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

    #[test]
    fn full_dates_in_the_usual_orders() {
        assert_eq!(tag("On August 20, 1940, he died."), vec![d("August 20, 1940", "date", Some("1940-08-20"), None)]);
        assert_eq!(tag("on 20 August 1940"), vec![d("20 August 1940", "date", Some("1940-08-20"), None)]);
        assert_eq!(tag("Fri, Jan 19, 2024"), vec![d("Fri, Jan 19, 2024", "date", Some("2024-01-19"), None)]);
        assert_eq!(tag("William_Mary 8 Oct 16"), vec![d("8 Oct 16", "date", Some("XXXX-10"), None)]);
        assert_eq!(tag("on February 23, International"), vec![d("February 23", "date", Some("XXXX-02-23"), None)]);
        assert_eq!(tag("After the Oct. 7 attack"), vec![d("Oct. 7", "date", Some("XXXX-10-07"), None)]);
    }

    #[test]
    fn years_months_and_modifiers() {
        assert_eq!(tag("In July 1917, two months"), vec![d("July 1917", "date", Some("1917-07"), None)]);
        assert_eq!(tag("the Red Army in early 1918."), vec![d("early 1918", "date", Some("1918"), Some("START"))]);
        assert_eq!(tag("born in 1879 and"), vec![d("1879", "date", Some("1879"), None)]);
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
        assert_eq!(tag("2 hours ago, X said:"), vec![d("2 hours ago", "relative", None, None)]);
        assert_eq!(tag("3 years ago"), vec![d("3 years ago", "relative", None, None)]);
        assert_eq!(tag("Today, only shadows"), vec![d("Today", "relative", None, None)]);
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
    fn month_names_inside_entity_names_are_not_dates() {
        let t = tagger();
        let text = "the October Revolution of 1917 and the July 4 Days";
        let shield = [(4, 22), (39, 50)];
        let got: Vec<&str> = t.tag(text, &shield).iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(got, vec!["1917"]);
    }
}
