//! The entity gazetteer: `gazetteer/entities/*.tsv`, loaded and validated.
//!
//! Columns: `id`, `label`, `name`, `aliases`, `derived`, `facts` (tab-separated, `-` for empty). `aliases` and
//! `derived` are `; `-separated; an alias prefixed with `=` matches only with exactly that capitalisation (names
//! that are also ordinary words). `derived` holds adjectival and member forms ("Trotskyist", "Bolshevik") that
//! point to the entity. `facts` are `key[@object]=value` reference facts with ISO-like values
//! (see [`Fact`]).
//!
//! Validation reports every problem with `file:line`: bad header or column count, malformed or duplicate id,
//! unknown label, empty alias, an alias claimed by two entities (compared case- and accent-insensitively), bad
//! fact keys or values.

use crate::error::ConfigError;
use std::collections::HashMap;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

pub const LABELS: [&str; 7] = ["PERSON", "ORG", "GPE", "LOC", "EVENT", "WORK", "IDEOLOGY"];

/// Reference fact keys: `start` and `end` of events, `signed` of treaties, `led` (a person led an organisation: `led@org=1923/1928`),
/// and the dated-claim event types of `claim-events.tsv`, so that a fact and a claim about the same event share
/// a name.
pub const FACT_KEYS: [&str; 39] = [
    "start",
    "end",
    "signed",
    "led",
    "born",
    "died",
    "assassinated",
    "joined",
    "merged",
    "founded",
    "dissolved",
    "collapsed",
    "exiled",
    "expelled",
    "escaped",
    "elected_chair",
    "held_office",
    "came_to_power",
    "stroke",
    "signed_pact",
    "published",
    "made_statement",
    "occurred",
    "congress_held",
    "convened",
    "arrived",
    "returned",
    "met",
    "opposed",
    "supported",
    "suppressed",
    "removed",
    "defeated",
    "tried",
    "launched",
    "legalized",
    "abolished",
    "advocated",
    "intervened",
];

/// A reference fact: `key[@object]=value`, e.g. `born=1879-11-07`, `expelled@soviet-union=1929-02`,
/// `led@left-opposition=1923/1928`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub key: String,
    /// The other entity of a relation (`expelled@soviet-union`), by id.
    pub object: Option<String>,
    /// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a range of two of them joined by `/`.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub text: String,
    /// Matches only with exactly this capitalisation.
    pub case_sensitive: bool,
    /// An adjectival or member form rather than a name.
    pub derived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: String,
    pub label: String,
    pub name: String,
    /// The name itself first, then the aliases, then the derived forms.
    pub aliases: Vec<Alias>,
    pub facts: Vec<Fact>,
    /// `file:line` of the definition.
    pub origin: String,
}

#[derive(Debug, Default)]
pub struct Gazetteer {
    pub entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
}

impl Gazetteer {
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Load every `*.tsv` of `dir/entities/` (sorted by name). All problems are returned, not just the first.
    pub fn load(dir: &Path) -> Result<Gazetteer, Vec<ConfigError>> {
        let edir = dir.join("entities");
        let name = edir.to_string_lossy().replace('\\', "/");
        let mut files: Vec<_> = match std::fs::read_dir(&edir) {
            Ok(rd) => rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "tsv")).collect(),
            Err(e) => return Err(vec![ConfigError::new(name, None, e.to_string())]),
        };
        files.sort();
        let mut sources = Vec::new();
        for f in files {
            let fname = f.to_string_lossy().replace('\\', "/");
            match std::fs::read_to_string(&f) {
                Ok(t) => sources.push((fname, t)),
                Err(e) => return Err(vec![ConfigError::new(fname, None, e.to_string())]),
            }
        }
        Gazetteer::parse(&sources)
    }

    /// Parse `(file name, text)` pairs.
    pub fn parse(sources: &[(String, String)]) -> Result<Gazetteer, Vec<ConfigError>> {
        let mut g = Gazetteer::default();
        let mut errors = Vec::new();
        // folded alias -> (entity index, origin)
        let mut claimed: HashMap<String, (usize, String)> = HashMap::new();
        for (file, text) in sources {
            let rows = match crate::data::tsv::rows(file, text, &["id", "label", "name", "aliases", "derived", "facts"])
            {
                Ok(rows) => rows,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            for (ln, cols) in rows {
                let err = |m: String| ConfigError::new(file.as_str(), Some(ln), m);
                if cols.len() != 6 {
                    errors.push(err(format!("expected 6 tab-separated columns, found {}", cols.len())));
                    continue;
                }
                let id = cols[0].trim();
                if !is_slug(id) {
                    errors.push(err(format!("id {id:?} is not a lowercase-with-dashes slug")));
                    continue;
                }
                if let Some(&prev) = g.by_id.get(id) {
                    errors.push(err(format!("duplicate id {id:?} (first defined at {})", g.entities[prev].origin)));
                    continue;
                }
                let label = cols[1].trim();
                if !LABELS.contains(&label) {
                    errors.push(err(format!("{id}: unknown label {label:?} (expected one of {})", LABELS.join(", "))));
                    continue;
                }
                let name = cols[2].trim();
                if name.is_empty() || name == "-" {
                    errors.push(err(format!("{id}: empty name")));
                    continue;
                }
                let mut aliases = vec![Alias { text: name.to_owned(), case_sensitive: false, derived: false }];
                let mut bad = false;
                for (col, derived) in [(cols[3], false), (cols[4], true)] {
                    if col.trim() == "-" {
                        continue;
                    }
                    for raw in col.split(';') {
                        let a = raw.trim();
                        let (cs, a) = match a.strip_prefix('=') {
                            Some(rest) => (true, rest.trim()),
                            None => (false, a),
                        };
                        if a.is_empty() {
                            errors.push(err(format!("{id}: empty alias in {:?}", col)));
                            bad = true;
                            continue;
                        }
                        if a == name && !cs {
                            continue;
                        }
                        if a == name {
                            aliases[0].case_sensitive = true;
                            continue;
                        }
                        aliases.push(Alias { text: a.to_owned(), case_sensitive: cs, derived });
                    }
                }
                let mut facts = Vec::new();
                if cols[5].trim() != "-" {
                    for f in cols[5].split(';') {
                        let f = f.trim();
                        let parsed = f.split_once('=').map(|(k, v)| {
                            let (k, v) = (k.trim(), v.trim());
                            let (key, object) = match k.split_once('@') {
                                Some((k, o)) => (k.trim(), Some(o.trim().to_owned())),
                                None => (k, None),
                            };
                            (key, object, v)
                        });
                        match parsed {
                            Some((k, object, v)) if FACT_KEYS.contains(&k) && is_fact_value(v) => {
                                facts.push(Fact { key: k.to_owned(), object, value: v.to_owned() })
                            }
                            Some((k, _, _)) if !FACT_KEYS.contains(&k) => {
                                errors.push(err(format!("{id}: unknown fact {k:?} (known: {})", FACT_KEYS.join(", "))));
                                bad = true;
                            }
                            _ => {
                                errors.push(err(format!(
                                    "{id}: fact {f:?} must be key[@object]=YYYY[-MM[-DD]][/YYYY[-MM[-DD]]]"
                                )));
                                bad = true;
                            }
                        }
                    }
                }
                if bad {
                    continue;
                }
                let idx = g.entities.len();
                let origin = format!("{file}:{ln}");
                aliases.dedup_by(|a, b| a.text == b.text);
                let mut seen_here = std::collections::HashSet::new();
                for a in &aliases {
                    let key = fold(&a.text);
                    if !seen_here.insert(key.clone()) {
                        continue;
                    }
                    if let Some((other, at)) = claimed.get(&key) {
                        errors.push(err(format!(
                            "{id}: alias {:?} is already claimed by {} ({at})",
                            a.text, g.entities[*other].id
                        )));
                        continue;
                    }
                    claimed.insert(key, (idx, origin.clone()));
                }
                g.by_id.insert(id.to_owned(), idx);
                g.entities.push(Entity {
                    id: id.to_owned(),
                    label: label.to_owned(),
                    name: name.to_owned(),
                    aliases,
                    facts,
                    origin,
                });
            }
        }
        for e in &g.entities {
            for f in &e.facts {
                if let Some(o) = f.object.as_ref().filter(|o| !g.by_id.contains_key(o.as_str())) {
                    let (file, line) = e.origin.rsplit_once(':').unwrap_or((e.origin.as_str(), ""));
                    errors.push(ConfigError::new(
                        file,
                        line.parse().ok(),
                        format!("{}: fact {}@{o}: no entity has the id {o:?}", e.id, f.key),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(g)
        } else {
            Err(errors)
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_fact_value(v: &str) -> bool {
    match v.split_once('/') {
        Some((a, b)) => is_iso_value(a) && is_iso_value(b) && a <= b,
        None => is_iso_value(v),
    }
}

fn is_iso_value(v: &str) -> bool {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    }
}

/// The matching key of a name: lowercase, accents removed, apostrophes dropped, hyphens and dashes as spaces,
/// spaces collapsed. "Lázaro Cárdenas" and "lazaro cardenas" share a key; so do "Marxism-Leninism" and
/// "Marxism Leninism".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            '\'' | '\u{2019}' | '\u{2018}' => continue,
            '-' | '\u{2010}'..='\u{2015}' | '_' => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "id\tlabel\tname\taliases\tderived\tfacts\n";

    fn parse(rows: &str) -> Result<Gazetteer, Vec<ConfigError>> {
        Gazetteer::parse(&[("g/entities/x.tsv".into(), format!("{H}{rows}"))])
    }

    #[test]
    fn loads_aliases_derived_and_facts() {
        let g = parse("leon-trotsky\tPERSON\tLeon Trotsky\tTrotskii; Lev Davidovich Bronstein\t-\tborn=1879-11-07; died=1940-08-21\nwhite-movement\tORG\tWhite movement\tWhite Army; =Whites\t-\t-\ntrotskyism\tIDEOLOGY\tTrotskyism\t-\tTrotskyist; Trotskyists\t-\n").unwrap();
        assert_eq!(g.len(), 3);
        let t = g.get("leon-trotsky").unwrap();
        assert_eq!(t.aliases.len(), 3);
        assert_eq!(t.facts[0], Fact { key: "born".into(), object: None, value: "1879-11-07".into() });
        let w = g.get("white-movement").unwrap();
        assert!(w.aliases.iter().any(|a| a.text == "Whites" && a.case_sensitive));
        assert!(g.get("trotskyism").unwrap().aliases[1].derived);
    }

    #[test]
    fn every_problem_is_reported_with_file_and_line() {
        let errs = parse("a-b\tPERSON\tA B\t-\t-\t-\na-b\tPERSON\tA B 2\t-\t-\t-\nc\tTHING\tC\t-\t-\t-\nd\tORG\tD\tX; ; Y\t-\t-\ne\tORG\tE\ta b\t-\t-\nf\tORG\tF\t-\t-\tborn=1879\tx\ng\tORG\tG\t-\t-\tborn=79\nh\tORG\tH\t-\t-\tcolour=1900\nBad Id\tORG\tI\t-\t-\t-\n")
            .unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(msgs.len(), 8, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("g/entities/x.tsv:3: duplicate id \"a-b\" (first defined at g/entities/x.tsv:2)"),
            "{}",
            msgs[0]
        );
        assert!(msgs[1].contains(":4: c: unknown label \"THING\""), "{}", msgs[1]);
        assert!(msgs[2].contains(":5: d: empty alias"), "{}", msgs[2]);
        assert!(msgs[3].contains(":6: e: alias \"a b\" is already claimed by a-b"), "{}", msgs[3]);
        assert!(msgs[4].contains(":7: expected 6 tab-separated columns, found 7"), "{}", msgs[4]);
        assert!(msgs[5].contains(":8: g: fact \"born=79\""), "{}", msgs[5]);
        assert!(msgs[6].contains(":9: h: unknown fact \"colour\""), "{}", msgs[6]);
        assert!(msgs[7].contains(":10: id \"Bad Id\""), "{}", msgs[7]);
    }

    #[test]
    fn fold_ignores_case_accents_hyphens_and_apostrophes() {
        assert_eq!(fold("Lázaro  Cárdenas"), "lazaro cardenas");
        assert_eq!(fold("Marxism–Leninism"), "marxism leninism");
        assert_eq!(fold("Lenin's Testament"), "lenins testament");
        assert_eq!(fold("İzmir"), "izmir");
    }
}
