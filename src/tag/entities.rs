//! Stage: entity tagging with the gazetteer.
//!
//! # Matching
//!
//! Text is matched through a *folded view*: lowercase, accents stripped, and every run of spaces and hyphens read
//! as one space ("Marxism-Leninism" = "Marxism Leninism"). The view keeps a byte map back to the text, so spans
//! are reported on the text itself.
//!
//! One aho-corasick automaton holds every alias of every entity (folded), plus patterns derived from the data:
//! the surnames of PERSON names ("Trotsky" from "Leon Trotsky") and initials forms ("L. D. Trotsky"). It runs
//! with `MatchKind::Standard` and overlapping search, so that *every* candidate is seen; a candidate is kept if:
//!
//! * it is a whole word: the characters around it are not letters or digits (a possessive `'s` after it is fine);
//! * a case-sensitive alias (`=` in the data, or a derived surname that is also a common word) matches the text's
//!   capitalisation exactly;
//! * a singular derived form ("Bolshevik", "Stalinist", "Soviet") is used attributively — followed by a word that
//!   is not a function word — or as a member noun after "a/an/the" (**the adjective rule**; the span is marked
//!   `adj`).
//!
//! **Resolution policy**: the kept candidates are ordered by start, then by length (longest first), then by kind
//! (a listed alias before a derived surname); a candidate is taken when it does not overlap one already taken.
//! This is leftmost-longest over *valid* candidates, which, unlike leftmost-longest followed by rejection, never
//! loses a match hidden by a rejected longer one ("great Russian Empire").
//!
//! # Variants
//!
//! Tokens that no candidate covers get a second chance, through a *corrected view* in which the token is
//! replaced by the alias token it stands for, and the automaton runs again:
//!
//! * **transliteration key** (`gazetteer/translit.tsv`): the token and an alias token fold to the same key
//!   (Mezrayhontsy ↔ Mezhraiontsy, Trotzky ↔ Trotsky);
//! * **fuzzy**: one edit (insertion, deletion, substitution or transposition) away from an alias token of 7+
//!   letters, never for words in `gazetteer/common-words.txt`; lowercase tokens only meet derived forms and
//!   doctrines (Boldheviks, Kerentsky, trotskyst);
//! * **run-together** words: an alias token glued to a function word ("Bolshevikhad"); the span is the whole
//!   token.
//!
//! **Acronyms** of a multi-word entity mentioned earlier in the same document ("Workers Opposition" … "WO") are
//! tagged too. Every variant is marked in `match` and scores lower.
//!
//! # Partial names
//!
//! A surname shared by two gazetteer people is resolved by the fuller name seen earlier in the same document;
//! otherwise the span keeps the first candidate as `id`, lists all of them in `candidates`, and is marked
//! `partial-ambiguous`.

use crate::data::gazetteer::{Entity, Gazetteer};
use crate::error::ConfigError;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// How many mentions on either side of a shared name are searched for same-sentence cues.
const CONTEXT_WINDOW: usize = 50;

/// How a mention matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchHow {
    /// A listed alias, with the listed capitalisation.
    Exact,
    /// A listed alias, in another capitalisation (or without accents).
    Casefold,
    /// A surname (or initials form) derived from a PERSON name, unambiguous or resolved in the document.
    Partial,
    /// A name several entities share (`gazetteer/ambiguous.tsv`), resolved by the entities mentioned before it.
    Context,
    /// A surname shared by several people, not resolved.
    PartialAmbiguous,
    /// Through the transliteration key.
    Translit,
    /// One edit away from an alias, or glued to a function word.
    Fuzzy,
    /// Initials of an entity named earlier in the document.
    Acronym,
}

impl MatchHow {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchHow::Exact => "exact",
            MatchHow::Casefold => "casefold",
            MatchHow::Partial => "partial",
            MatchHow::Context => "context",
            MatchHow::PartialAmbiguous => "partial-ambiguous",
            MatchHow::Translit => "translit",
            MatchHow::Fuzzy => "fuzzy",
            MatchHow::Acronym => "acronym",
        }
    }

    pub fn score(self) -> f64 {
        match self {
            MatchHow::Exact => 1.0,
            MatchHow::Casefold => 0.95,
            MatchHow::Partial => 0.9,
            MatchHow::Context => 0.8,
            MatchHow::Translit => 0.8,
            MatchHow::Fuzzy => 0.6,
            MatchHow::Acronym => 0.6,
            MatchHow::PartialAmbiguous => 0.5,
        }
    }

    /// The surface's letters differ from every listed form.
    pub fn is_variant(self) -> bool {
        matches!(self, MatchHow::Translit | MatchHow::Fuzzy | MatchHow::Acronym)
    }
}

/// One entity mention in a text, in bytes of that text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub entity: usize,
    pub how: MatchHow,
    pub adj: bool,
    /// For a name several entities share: its readings (index into the matcher's table).
    readings: Option<usize>,
    /// For an ambiguous surname: every candidate entity.
    pub candidates: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PatKind {
    /// A listed alias (or a name resolved by context among several entities).
    Alias,
    /// A title without its leading article ("Revolution Betrayed").
    Short,
    /// A listed derived form (adjective, member noun).
    Derived,
    /// A surname or initials form derived from a PERSON name.
    Surname,
}

#[derive(Debug, Clone)]
struct Pattern {
    entities: Vec<usize>,
    kind: PatKind,
    /// The alias as written in the data (for case-sensitive checks and exact-vs-casefold).
    shape: String,
    /// `shape()` of the alias, computed once.
    shape_key: String,
    case_sensitive: bool,
    /// Made of ordinary English words ("International", "Civil War"): must start with a capital in the text.
    capital_required: bool,
    /// A singular derived form: subject to the adjective rule.
    attributive: bool,
    /// For a name several entities share: index into `Matcher::readings`.
    readings: Option<usize>,
    /// Made by dropping a bracketed qualifier: a plain alias of another entity takes precedence.
    qualified: bool,
}

impl Pattern {
    /// A surname or initials form derived from a person's name.
    fn person_part(entity: usize, form: String, case_sensitive: bool, capital_required: bool) -> Pattern {
        Pattern {
            entities: vec![entity],
            kind: PatKind::Surname,
            shape_key: shape(&form),
            shape: form,
            case_sensitive,
            capital_required,
            attributive: false,
            readings: None,
            qualified: false,
        }
    }
}

/// Translation of romanisation differences.
#[derive(Debug, Clone)]
struct TranslitRule {
    from: String,
    to: String,
    at: Where,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    Any,
    Start,
    End,
    Inner,
}

/// An alias token as a near miss is compared with it.
struct NearToken {
    token: String,
    len: usize,
    skeleton: String,
}

pub struct Matcher {
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
    /// Folded alias tokens (single tokens of any alias) -> is it a derived/doctrine token.
    alias_tokens: HashMap<String, bool>,
    /// Folded alias token -> the entities whose aliases contain it.
    token_entities: HashMap<String, Vec<usize>>,
    /// The alias tokens a near miss may be a variant of (6+ letters, not English words), by first letter: each
    /// with its length in characters and its consonant skeleton, computed once.
    near_index: HashMap<char, Vec<NearToken>>,
    /// Folded surnames of PERSON entities (for the garbled-surname layer).
    surname_tokens: Vec<String>,
    /// Tokens that are not the last of a multi-word alias (where singular and plural are interchangeable:
    /// "Democratic Socialist of America").
    inner_tokens: HashSet<String>,
    translit: Vec<TranslitRule>,
    /// Transliteration key -> the alias token it stands for (None when two tokens share the key).
    translit_index: HashMap<String, Option<String>>,
    /// Deletion neighbourhood of alias tokens of 7+ letters: deletion -> tokens.
    fuzzy_index: HashMap<String, Vec<String>>,
    /// The longest token (in characters) of `fuzzy_index`: a word more than one letter longer is no edit from any.
    fuzzy_longest: usize,
    /// The longest alias token and stopword, in bytes: the only split points of a run-together word to try.
    alias_longest: usize,
    stopword_longest: usize,
    common: HashSet<String>,
    stopwords: HashSet<String>,
    /// Common English words (lowercase).
    english: HashSet<String>,
    /// Readings of ambiguous names: (entity, cue entities whose earlier mention selects it); first = default.
    readings: Vec<Vec<(usize, Vec<usize>)>>,
    /// Entities' labels, ids, names (for output).
    pub entities: Vec<Entity>,
}

impl Matcher {
    /// Build the matcher from a gazetteer directory (entity files, `translit.tsv`, `common-words.txt`,
    /// `stopwords.txt`).
    pub fn load(dir: &Path) -> Result<Matcher, Vec<ConfigError>> {
        let g = Gazetteer::load(dir)?;
        let read = |name: &str| crate::data::tsv::read_data(dir, name);
        let translit = read("translit.tsv")?;
        let common = read("common-words.txt")?;
        let stop = read("stopwords.txt")?;
        let english = read("english-words.txt")?;
        let ambiguous = read("ambiguous.tsv")?;
        Matcher::build(g, &translit, &common.1, &stop.1, &english.1, &ambiguous)
    }

    pub fn build(
        g: Gazetteer,
        translit: &(String, String),
        common: &str,
        stopwords: &str,
        english: &str,
        ambiguous: &(String, String),
    ) -> Result<Matcher, Vec<ConfigError>> {
        let words = |t: &str| -> HashSet<String> {
            t.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
        };
        let common = words(common);
        let stopwords = words(stopwords);
        let english = words(english);
        let is_word = |t: &str| english.contains(t) || stopwords.contains(t) || common.contains(t);
        let translit = parse_translit(&translit.0, &translit.1).map_err(|e| vec![e])?;

        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut add = |key: String, p: Pattern, patterns: &mut Vec<Pattern>, keys: &mut Vec<String>| {
            if key.is_empty() {
                return;
            }
            match by_key.get(&key) {
                Some(&i) => {
                    // Listed aliases are unique (validated); derived surnames may be shared by several people.
                    let q = &mut patterns[i];
                    if q.kind == PatKind::Surname && p.kind == PatKind::Surname {
                        for e in p.entities {
                            if !q.entities.contains(&e) {
                                q.entities.push(e);
                            }
                        }
                    } else if p.kind < q.kind || (p.kind == q.kind && q.qualified && !p.qualified) {
                        *q = p;
                    }
                }
                None => {
                    by_key.insert(key.clone(), patterns.len());
                    patterns.push(p);
                    keys.push(key);
                }
            }
        };
        let mut alias_tokens: HashMap<String, bool> = HashMap::new();
        let mut token_entities: HashMap<String, Vec<usize>> = HashMap::new();
        let mut inner_tokens: HashSet<String> = HashSet::new();
        let mut surnames: Vec<(String, usize)> = Vec::new();
        for (ei, e) in g.entities.iter().enumerate() {
            let doctrine = e.label == "IDEOLOGY";
            for a in &e.aliases {
                let kind = if a.derived { PatKind::Derived } else { PatKind::Alias };
                let attributive = a.derived && !a.text.ends_with('s');
                // A qualifier in brackets ("Robert Service (historian)") is not part of the name as written.
                let text = strip_qualifier(&a.text);
                if text.is_empty() {
                    continue;
                }
                let mut forms = vec![(text.to_owned(), kind)];
                if text.contains('\'') {
                    forms.push((text.replace('\'', ""), kind));
                }
                // Titles are cited without their article: "An Aesop Fable" as "Aesop's Fable".
                if e.label == "WORK" && !a.derived {
                    for article in ["The ", "A ", "An "] {
                        if let Some(rest) = text.strip_prefix(article) {
                            if rest.split_whitespace().count() >= 2 {
                                forms.push((rest.to_owned(), PatKind::Short));
                            }
                        }
                    }
                }
                for (f, kind) in forms {
                    let key = fold_view_str(&f);
                    // Acronyms ("US", "SA") only in capitals; names made of English words only capitalised.
                    let letters: Vec<char> = f.chars().filter(|c| c.is_alphabetic()).collect();
                    let acronym = letters.len() <= 6 && letters.iter().all(|c| c.is_uppercase());
                    // Acronyms of four letters or more also read in title case ("Isis", "Nato").
                    let titlecase_ok = acronym && letters.len() >= 4;
                    // A one-word name that is also an English word ("International", "Centre") must be capitalised;
                    // a phrase ("permanent revolution") is distinctive as it is.
                    let capital_required =
                        f.chars().next().is_some_and(char::is_uppercase) && !key.contains(' ') && is_word(&key);
                    let toks: Vec<&str> = key.split(' ').collect();
                    for (ti, t) in toks.iter().enumerate() {
                        if ti + 1 < toks.len() && t.chars().count() >= 4 {
                            inner_tokens.insert((*t).to_owned());
                        }
                    }
                    for t in toks {
                        if t.chars().count() >= 4 && !common.contains(t) && !stopwords.contains(t) {
                            let flag = alias_tokens.entry(t.to_owned()).or_insert(false);
                            *flag |= a.derived || doctrine;
                            let ents = token_entities.entry(t.to_owned()).or_default();
                            if !ents.contains(&ei) {
                                ents.push(ei);
                            }
                        }
                    }
                    let p = Pattern {
                        entities: vec![ei],
                        kind,
                        shape_key: shape(&f),
                        shape: f.clone(),
                        case_sensitive: a.case_sensitive || (acronym && !titlecase_ok),
                        capital_required: capital_required || titlecase_ok,
                        attributive,
                        readings: None,
                        qualified: text != a.text.trim(),
                    };
                    add(key, p, &mut patterns, &mut keys);
                }
                if e.label == "PERSON" && !a.derived {
                    if let Some(s) = surname(text) {
                        surnames.push((s, ei));
                    }
                }
            }
            if e.label == "PERSON" {
                // Initials of every listed set of given names, with every listed surname: "L. D. Trotsky".
                let names: Vec<&str> =
                    e.aliases.iter().filter(|a| !a.derived).map(|a| strip_qualifier(&a.text)).collect();
                let lasts: Vec<String> = names.iter().filter_map(|n| surname(n)).collect();
                for n in &names {
                    for init in initials_forms(n, &lasts) {
                        let key = fold_view_str(&init);
                        add(key, Pattern::person_part(ei, init, false, true), &mut patterns, &mut keys);
                    }
                }
            }
        }
        let mut surname_tokens: Vec<String> =
            surnames.iter().map(|(s, _)| fold_view_str(s)).filter(|s| !s.contains(' ')).collect();
        surname_tokens.sort();
        surname_tokens.dedup();
        for (s, ei) in surnames {
            let key = fold_view_str(&s);
            let cs = is_word(&key) || key.chars().count() <= 3;
            add(key, Pattern::person_part(ei, s, cs, false), &mut patterns, &mut keys);
        }
        // Ambiguous names, resolved by context.
        let mut readings: Vec<Vec<(usize, Vec<usize>)>> = Vec::new();
        let mut errors = Vec::new();
        for (ln, alias, rs) in parse_ambiguous(&ambiguous.0, &ambiguous.1, &mut errors) {
            let err = |m: String| ConfigError::new(ambiguous.0.as_str(), Some(ln), m);
            let key = fold_view_str(&alias);
            // A name that only a bracket-qualified entity name produced ("Great Famine (Ireland)") may be shared.
            if let Some(i) = keys.iter().position(|k| k == &key) {
                if !patterns[i].qualified {
                    errors.push(err(format!("{alias:?} is an alias of an entity; ambiguous names belong to none")));
                    continue;
                }
            }
            let mut resolved = Vec::new();
            for (id, cues) in rs {
                let Some(e) = g.index_of(&id) else {
                    errors.push(err(format!("unknown entity id {id:?}")));
                    continue;
                };
                let mut cue_ix = Vec::new();
                for c in cues {
                    match g.index_of(&c) {
                        Some(ci) => cue_ix.push(ci),
                        None => errors.push(err(format!("unknown cue entity id {c:?}"))),
                    }
                }
                resolved.push((e, cue_ix));
            }
            if resolved.len() < 2 {
                errors.push(err(format!("{alias:?} needs at least two readings")));
                continue;
            }
            let capital_required = alias.starts_with(char::is_uppercase)
                && key.split(' ').all(|t| is_word(t) || t.chars().all(|c| !c.is_alphabetic()));
            let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
            let acronym = letters.len() <= 6 && letters.iter().all(|c| c.is_uppercase());
            let p = Pattern {
                entities: resolved.iter().map(|r| r.0).collect(),
                kind: PatKind::Alias,
                shape_key: shape(&alias),
                shape: alias.clone(),
                case_sensitive: acronym,
                capital_required,
                attributive: false,
                readings: Some(readings.len()),
                qualified: false,
            };
            readings.push(resolved);
            add(key, p, &mut patterns, &mut keys);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keys)
            .map_err(|e| vec![ConfigError::new("gazetteer/entities", None, format!("automaton: {e}"))])?;

        let mut m = Matcher {
            ac,
            patterns,
            alias_tokens,
            token_entities,
            surname_tokens,
            inner_tokens,
            translit,
            translit_index: HashMap::new(),
            fuzzy_index: HashMap::new(),
            fuzzy_longest: 0,
            alias_longest: 0,
            stopword_longest: 0,
            near_index: HashMap::new(),
            common,
            stopwords,
            english,
            readings,
            entities: g.entities,
        };
        let tokens: Vec<String> = m.alias_tokens.keys().cloned().collect();
        let mut sorted = tokens;
        sorted.sort();
        for t in &sorted {
            let len = t.chars().count();
            if let Some(first) = t.chars().next().filter(|_| len >= 6 && !m.english.contains(t.as_str())) {
                let near = NearToken { token: t.clone(), len, skeleton: skeleton(t) };
                m.near_index.entry(first).or_default().push(near);
            }
        }
        for t in &sorted {
            let k = m.translit_key(t);
            // Two tokens may share a key (Trotsky, Trotskii): fine while they name the same entities.
            let same = |a: &str, b: &str| m.token_entities.get(a) == m.token_entities.get(b);
            match m.translit_index.get(&k) {
                None => {
                    m.translit_index.insert(k, Some(t.clone()));
                }
                Some(Some(prev)) if !same(prev, t) => {
                    m.translit_index.insert(k, None);
                }
                _ => {}
            }
            if t.chars().count() >= 5 {
                m.fuzzy_longest = m.fuzzy_longest.max(t.chars().count());
                for d in deletions(t) {
                    m.fuzzy_index.entry(d).or_default().push(t.clone());
                }
                m.fuzzy_index.entry(t.clone()).or_default().push(t.clone());
            }
        }
        m.alias_longest = m.alias_tokens.keys().map(String::len).max().unwrap_or(0);
        m.stopword_longest = m.stopwords.iter().map(String::len).max().unwrap_or(0);
        Ok(m)
    }

    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    fn translit_key(&self, token: &str) -> String {
        let mut s = token.to_owned();
        for r in &self.translit {
            s = match r.at {
                Where::Any => s.replace(&r.from, &r.to),
                Where::End => match s.strip_suffix(r.from.as_str()) {
                    Some(stem) => format!("{stem}{}", r.to),
                    None => s,
                },
                Where::Start => match s.strip_prefix(r.from.as_str()) {
                    Some(rest) => format!("{}{rest}", r.to),
                    None => s,
                },
                Where::Inner => match s.char_indices().nth(1) {
                    Some((i, _)) => format!("{}{}", &s[..i], s[i..].replace(&r.from, &r.to)),
                    None => s,
                },
            };
        }
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if !out.ends_with(c) {
                out.push(c);
            }
        }
        out
    }

    /// Tag the texts of one document, in order (partial names and acronyms look back across the document).
    pub fn tag_document<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<Vec<Mention>> {
        let mut seen_full: HashSet<usize> = HashSet::new();
        // Entity -> order of its latest mention in the document (for names resolved by context).
        let mut last_seen: HashMap<usize, usize> = HashMap::new();
        let mut order = 0usize;
        let mut acronyms: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        let mut view = Folded::default();
        for text in texts {
            view.build(text);
            let mut mentions = self.tag_view(text, &view);
            self.tag_acronyms(text, &view, &mut mentions, &acronyms);
            // Entities named in each sentence, for shared names: evidence in the same sentence comes first.
            // One forward pass: the sentence (by its start offset) of every mention; mentions are in text order.
            let mut in_sentence: Vec<(usize, usize)> = Vec::with_capacity(mentions.len());
            let (mut sent, mut pos) = (0, 0);
            for m in &mentions {
                if let Some(i) = text[pos..m.start].rfind(['.', '!', '?', '\n']) {
                    sent = pos + i + 1;
                }
                pos = pos.max(m.start);
                in_sentence.push((sent, m.entity));
            }
            for (k, m) in mentions.iter_mut().enumerate() {
                if let Some(r) = m.readings {
                    let here = in_sentence[k].0;
                    // Distance (in mentions) to the nearest cue of a reading in the same sentence.
                    let cue_here = |(e, cues): &(usize, Vec<usize>)| {
                        // The mentions of one sentence are contiguous in `in_sentence`.
                        let lo = in_sentence.partition_point(|&(s, _)| s < here);
                        let hi = in_sentence.partition_point(|&(s, _)| s <= here);
                        // Nearby mentions only: a run-on "sentence" may be a whole document.
                        (lo.max(k.saturating_sub(CONTEXT_WINDOW))..hi.min(k + CONTEXT_WINDOW + 1))
                            .filter(|&j| j != k && (in_sentence[j].1 == *e || cues.contains(&in_sentence[j].1)))
                            .map(|j| j.abs_diff(k))
                            .min()
                    };
                    // The reading with the nearest cue in the same sentence; else the one mentioned most recently;
                    // else the first.
                    let recency = |(e, cues): &(usize, Vec<usize>)| {
                        std::iter::once(e).chain(cues).filter_map(|x| last_seen.get(x)).max().copied()
                    };
                    let readings = &self.readings[r];
                    let nearest = readings.iter().enumerate().filter_map(|(i, rd)| cue_here(rd).map(|d| (d, i))).min();
                    let chosen = nearest.map(|(_, i)| i).or_else(|| {
                        readings
                            .iter()
                            .enumerate()
                            .filter_map(|(i, rd)| recency(rd).map(|t| (t, i)))
                            .max()
                            .map(|(_, i)| i)
                    });
                    m.entity = readings[chosen.unwrap_or(0)].0;
                }
                order += 1;
                last_seen.insert(m.entity, order);
                if m.how == MatchHow::PartialAmbiguous {
                    let known: Vec<usize> = m.candidates.iter().copied().filter(|c| seen_full.contains(c)).collect();
                    if known.len() == 1 {
                        m.entity = known[0];
                        m.how = MatchHow::Partial;
                        m.candidates.clear();
                    }
                }
                if matches!(m.how, MatchHow::Exact | MatchHow::Casefold) {
                    seen_full.insert(m.entity);
                    let surface = &text[m.start..m.end];
                    if let Some(a) = acronym_of(surface, &self.stopwords) {
                        acronyms.entry(a).or_insert(m.entity);
                    }
                }
            }
            out.push(mentions);
        }
        out
    }

    fn tag_view(&self, text: &str, view: &Folded) -> Vec<Mention> {
        let urls = url_ranges(text);
        let in_url = |c: &Cand| {
            let i = urls.partition_point(|&(_, e)| e <= c.start);
            urls.get(i).is_some_and(|&(s, _)| s < c.end)
        };
        let mut cands = self.candidates(text, view, None);
        cands.retain(|c| !in_url(c));
        let mut taken = resolve(&mut cands);

        // Tokens no mention covers: variant layers.
        let mut cover = Sweep::new(taken.iter().map(|c| (c.fs, c.fe)).collect());
        let mut corrections: Vec<Correction> = Vec::new();
        for (s, e) in tokens(&view.text) {
            if cover.overlaps(s, e) {
                continue;
            }
            if let Some((rep, how)) = self.correct(&view.text[s..e], text, view, s) {
                corrections.push(Correction { start: s, end: e, rep, how });
            }
        }
        if !corrections.is_empty() {
            let corrected = Corrected::new(view, &corrections);
            let mut more = self.candidates(text, view, Some((&corrected, &corrections)));
            more.retain(|c| !in_url(c));
            cands.extend(more);
            taken = resolve(&mut cands);
        }
        taken
            .into_iter()
            .map(|c| Mention {
                start: c.start,
                end: c.end,
                entity: c.entity,
                how: c.how,
                adj: c.adj,
                readings: c.readings,
                candidates: if c.how == MatchHow::PartialAmbiguous { c.all } else { Vec::new() },
            })
            .collect()
    }

    /// A replacement for an unknown token, from the variant layers.
    fn correct(&self, tok: &str, text: &str, view: &Folded, s: usize) -> Option<(String, MatchHow)> {
        let n = tok.chars().count();
        if n < 4 || tok.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        // Singular for plural inside a multi-word name ("Democratic Socialist of America").
        if let Some(stem) = tok.strip_suffix('s').filter(|t| self.inner_tokens.contains(*t)) {
            return Some((stem.to_owned(), MatchHow::Fuzzy));
        }
        let plural = format!("{tok}s");
        if self.inner_tokens.contains(&plural) {
            return Some((plural, MatchHow::Fuzzy));
        }
        if self.alias_tokens.contains_key(tok) {
            return None;
        }
        if self.common.contains(tok) || self.stopwords.contains(tok) || self.english.contains(tok) {
            return None;
        }
        let capitalised = text[view.map[s] as usize..].chars().next().is_some_and(|c| c.is_uppercase());
        if n >= 5 {
            if let Some(Some(t)) = self.translit_index.get(&self.translit_key(tok)) {
                if capitalised || self.alias_tokens[t] {
                    return Some((t.clone(), MatchHow::Translit));
                }
            }
        }
        // One edit: from 7 letters, or from 5 for a capitalised word meeting a name (not an English word).
        // (The one-deletion keys of a word cost its length squared: a word longer than any indexed one by more
        // than a letter has none to meet, and is not expanded.)
        if (n >= 7 || (n >= 5 && capitalised)) && n <= self.fuzzy_longest + 1 {
            let mut best: Option<&String> = None;
            let mut keys = deletions(tok);
            keys.push(tok.to_owned());
            for k in &keys {
                for t in self.fuzzy_index.get(k).into_iter().flatten() {
                    let short = n < 7 || t.chars().count() < 7;
                    if short && self.english.contains(t.as_str()) {
                        continue;
                    }
                    if best.is_some_and(|b| b <= t) || !(capitalised || self.alias_tokens[t]) {
                        continue;
                    }
                    if damerau1(tok, t) {
                        best = Some(t);
                    }
                }
            }
            if let Some(t) = best {
                return Some((t.clone(), MatchHow::Fuzzy));
            }
        }
        // A garbled long surname: same first three and last four letters as a person's surname, and its consonants
        // a subsequence of the surname's ("Preboensky" for "Preobrazhensky").
        if n >= 8 && capitalised {
            let sk = skeleton(tok);
            let chars: Vec<char> = tok.chars().collect();
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[n - 4..].iter().collect();
            let mut found: Option<&String> = None;
            for t in &self.surname_tokens {
                if t.starts_with(&head)
                    && t.ends_with(&tail)
                    && t.chars().count() > n
                    && is_subsequence(&sk, &skeleton(t))
                {
                    if found.is_some() {
                        found = None;
                        break;
                    }
                    found = Some(t);
                }
            }
            if let Some(t) = found {
                return Some((t.clone(), MatchHow::Fuzzy));
            }
        }
        if n >= 7 {
            // Run together with a function word: "bolshevikhad".
            // Only where the head can be an alias token and the tail a stopword (a long word is not split n ways).
            let splits = tok.char_indices().skip(5).map(|(i, _)| i);
            for i in splits.take_while(|&i| i <= self.alias_longest).filter(|&i| tok.len() - i <= self.stopword_longest)
            {
                let (a, b) = tok.split_at(i);
                if self.stopwords.contains(b) && self.alias_tokens.contains_key(a) {
                    return Some((format!("{a} {b}"), MatchHow::Fuzzy));
                }
            }
        }
        None
    }

    /// Every valid candidate of the base view, or (with `corr`) of a corrected view: then only candidates over a
    /// corrected token, marked with its variant kind and widened to whole tokens.
    fn candidates(&self, text: &str, base: &Folded, corr: Option<(&Corrected, &[Correction])>) -> Vec<Cand> {
        let hay = corr.map_or(base.text.as_str(), |c| c.0.text.as_str());
        let mut out = Vec::new();
        for m in self.ac.find_overlapping_iter(hay) {
            let (vs, ve) = (m.start(), m.end());
            let p = &self.patterns[m.pattern().as_usize()];
            if !boundary_ok(hay, vs, ve) {
                continue;
            }
            let mut adj = p.kind == PatKind::Derived;
            let (fs, fe, how) = match corr {
                None => {
                    let (s, e) = base.source_span(text, vs, ve);
                    let surface = &text[s..e];
                    let exact_shape = surface == p.shape || shape(surface) == p.shape_key;
                    if p.case_sensitive && !exact_shape {
                        continue;
                    }
                    if p.capital_required && !text[s..e].starts_with(char::is_uppercase) {
                        continue;
                    }
                    let how = match p.kind {
                        _ if p.readings.is_some() => MatchHow::Context,
                        PatKind::Surname if p.entities.len() > 1 => MatchHow::PartialAmbiguous,
                        PatKind::Surname => MatchHow::Partial,
                        _ if exact_shape => MatchHow::Exact,
                        _ => MatchHow::Casefold,
                    };
                    (vs, ve, how)
                }
                Some((view, list)) => {
                    if p.case_sensitive || p.capital_required {
                        continue;
                    }
                    let (ms, me) = (view.base[vs] as usize, view.base[ve - 1] as usize + 1);
                    let (mut fs, mut fe) = (ms, me);
                    let mut how = None;
                    // Corrections are sorted and disjoint: only those from the first ending after `ms` can touch.
                    let first = list.partition_point(|c| c.end <= ms);
                    for c in list[first..].iter().take_while(|c| c.start < me) {
                        fs = fs.min(c.start);
                        fe = fe.max(c.end);
                        how = how.max(Some(c.how));
                        if c.rep.contains(' ') {
                            adj = false; // a noun run together with a function word
                        }
                    }
                    match how {
                        Some(h) => (fs, fe, h),
                        None => continue,
                    }
                }
            };
            if p.attributive && adj && !self.attributive_ok(hay, vs, ve) {
                continue;
            }
            let (start, end) = base.source_span(text, fs, fe);
            out.push(Cand {
                start,
                end,
                fs,
                fe,
                entity: p.entities[0],
                all: if p.entities.len() > 1 { p.entities.clone() } else { Vec::new() },
                how,
                kind: p.kind,
                adj,
                readings: p.readings,
            });
        }
        out
    }

    /// The adjective rule for a singular derived form at `fs..fe` of the folded view.
    fn attributive_ok(&self, hay: &str, fs: usize, fe: usize) -> bool {
        // The words right after and right before the candidate, as slices of the view (no allocation).
        let next_word = hay[fe..].strip_prefix(' ').map_or("", |r| {
            let end = r.find(|c: char| !c.is_alphanumeric()).unwrap_or(r.len());
            &r[..end]
        });
        let prev_word = hay[..fs].strip_suffix(' ').map_or("", |r| {
            let start = r
                .rfind(|c: char| !c.is_alphanumeric())
                .map_or(0, |i| i + r[i..].chars().next().map_or(1, char::len_utf8));
            &r[start..]
        });
        let attributive = !next_word.is_empty() && !self.stopwords.contains(next_word);
        let member = matches!(prev_word, "a" | "an" | "the");
        // A list item: "the Octobrists, or Kadet; the Trudoviks".
        let list_item = matches!(prev_word, "or" | "and") && hay[fe..].starts_with([',', ';', ')']);
        attributive || member || list_item
    }

    /// Capitalised names no mention covers (runs of capitalised words, joined by "of", "the", "de"...), and
    /// near-misses: unknown words two edits from an alias word, or sharing its consonant skeleton.
    pub fn suggestions(&self, text: &str, mentions: &[Mention]) -> Vec<Suggestion> {
        let urls = url_ranges(text);
        let mut out = Vec::new();
        let mut run: Vec<(usize, usize)> = Vec::new();
        let ordinary = |w: &str| {
            let l = w.to_lowercase();
            let l = l.split('\'').next().unwrap_or_default(); // I'm, I'll
            self.english.contains(l) || self.stopwords.contains(l) || self.common.contains(l)
        };
        let at_sentence_start = |s: usize| {
            let before = text[..s].trim_end_matches(' ');
            before.is_empty() || before.ends_with(['.', '!', '?', ':', '"', '\n'])
        };
        let flush = |run: &mut Vec<(usize, usize)>, out: &mut Vec<Suggestion>| {
            while run.last().is_some_and(|&(s, e)| is_connector(&text[s..e])) {
                run.pop();
            }
            // A capitalised ordinary word opening a sentence is not part of a name.
            if run.len() > 1 && run.first().is_some_and(|&(s, e)| at_sentence_start(s) && ordinary(&text[s..e])) {
                run.remove(0);
            }
            while run.first().is_some_and(|&(s, e)| is_connector(&text[s..e])) {
                run.remove(0);
            }
            if let (Some(&(s, _)), Some(&(_, e))) = (run.first(), run.last()) {
                let name = &text[s..e];
                let lower = name.to_lowercase();
                let single_word = run.len() == 1;
                let numeral = lower.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l' | 'c'));
                if !(single_word && (ordinary(name) || numeral)) {
                    let near = if single_word { self.near_miss(&lower) } else { None };
                    // A lone capitalised word opening a sentence is only worth a look if it resembles a name.
                    if !(single_word && at_sentence_start(s) && near.is_none()) {
                        out.push(Suggestion { name: name.to_owned(), at: s, near });
                    }
                }
            }
            run.clear();
        };
        let mut in_mention = Sweep::new(mentions.iter().map(|m| (m.start, m.end)).collect());
        let mut in_url = Sweep::new(urls);
        for (s, e) in word_spans(text) {
            let w = &text[s..e];
            let covered = in_mention.overlaps(s, e) || in_url.overlaps(s, e);
            let capital = w.starts_with(char::is_uppercase);
            let gap_ok = run.last().is_none_or(|&(_, pe)| text[pe..s].chars().all(|c| c == ' ' || c == '-'));
            if !covered && gap_ok && (capital || (!run.is_empty() && is_connector(w))) {
                run.push((s, e));
            } else {
                flush(&mut run, &mut out);
                if !covered && capital {
                    run.push((s, e));
                }
            }
        }
        flush(&mut run, &mut out);
        out
    }

    /// The entity an unknown word may be a variant of: two edits from an alias word of 6+ letters with the same
    /// first letter, or the same consonant skeleton.
    fn near_miss(&self, word: &str) -> Option<String> {
        let n = word.chars().count();
        // A word of a known multi-word name is not a variant of it.
        if n < 5 || self.alias_tokens.contains_key(word) {
            return None;
        }
        let skel = skeleton(word);
        let bucket = self.near_index.get(&word.chars().next()?)?;
        let mut best: Option<(&String, usize)> = None;
        for near in bucket.iter().filter(|c| c.len.abs_diff(n) <= 3) {
            let t = &near.token;
            let d = edit_distance(word, t, 2);
            let close = d <= 2 || (skel.len() >= 3 && near.skeleton == skel);
            if close && best.is_none_or(|(b, bd)| d < bd || (d == bd && t < b)) {
                best = Some((t, d));
            }
        }
        let (t, _) = best?;
        let e = *self.token_entities.get(t)?.first()?;
        Some(self.entities[e].id.clone())
    }

    fn tag_acronyms(&self, text: &str, view: &Folded, mentions: &mut Vec<Mention>, acronyms: &HashMap<String, usize>) {
        // Names earlier in this text count too.
        // Acronym -> (end of its first spelled-out name in this text, entity).
        let mut local: HashMap<String, (usize, usize)> = HashMap::new();
        for m in mentions.iter().filter(|m| matches!(m.how, MatchHow::Exact | MatchHow::Casefold)) {
            if let Some(a) = acronym_of(&text[m.start..m.end], &self.stopwords) {
                local.entry(a).or_insert((m.end, m.entity));
            }
        }
        if acronyms.is_empty() && local.is_empty() {
            return;
        }
        // Mentions do not overlap one another, so a token overlaps a mention only if the last mention starting
        // before the token's end reaches past its start.
        mentions.sort_by_key(|m| m.start);
        let named = mentions.len();
        for (s, e) in tokens(&view.text) {
            let (ts, te) = view.source_span(text, s, e);
            let surface = &text[ts..te];
            let n = surface.chars().count();
            if !(2..=6).contains(&n) || !surface.chars().all(|c| c.is_ascii_uppercase()) {
                continue;
            }
            let before = mentions[..named].partition_point(|m| m.start < te);
            if before > 0 && mentions[before - 1].end > ts {
                continue;
            }
            let here = local.get(surface).filter(|(end, _)| *end <= ts).map(|l| l.1);
            if let Some(ent) = here.or_else(|| acronyms.get(surface).copied()) {
                mentions.push(Mention {
                    start: ts,
                    end: te,
                    entity: ent,
                    how: MatchHow::Acronym,
                    adj: false,
                    readings: None,
                    candidates: Vec::new(),
                });
            }
        }
        mentions.sort_by_key(|m| m.start);
    }
}

/// A name the gazetteer does not know, for its maintainers to review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The name as written.
    pub name: String,
    /// Byte offset in the text.
    pub at: usize,
    /// For a near-miss: the id of the entity whose alias it resembles.
    pub near: Option<String>,
}

#[derive(Debug, Clone)]
struct Cand {
    /// Span in the text (bytes).
    start: usize,
    end: usize,
    /// Span in the base folded view.
    fs: usize,
    fe: usize,
    entity: usize,
    all: Vec<usize>,
    how: MatchHow,
    kind: PatKind,
    adj: bool,
    readings: Option<usize>,
}

/// A token of the folded view replaced by the alias token it stands for.
#[derive(Debug, Clone)]
struct Correction {
    start: usize,
    end: usize,
    rep: String,
    how: MatchHow,
}

/// Leftmost-longest over valid candidates (see the module docs).
fn resolve(cands: &mut [Cand]) -> Vec<Cand> {
    cands.sort_by(|a, b| {
        a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.kind.cmp(&b.kind)).then(a.how.cmp(&b.how))
    });
    let mut out: Vec<Cand> = Vec::new();
    for c in cands.iter() {
        if out.last().is_none_or(|l| c.start >= l.end) {
            out.push(c.clone());
        }
    }
    out
}

/// The folded view of a text.
#[derive(Debug, Default, Clone)]
struct Folded {
    text: String,
    /// Folded byte -> byte of the source character in the text.
    map: Vec<u32>,
}

impl Folded {
    fn build(&mut self, src: &str) {
        self.text.clear();
        self.map.clear();
        let mut space = false;
        let bytes = src.as_bytes();
        let word_before = |b: usize| src[..b].chars().next_back().is_some_and(char::is_alphanumeric);
        let word_after = |b: usize| src[b..].chars().next().is_some_and(char::is_alphanumeric);
        let mut skip_to = 0;
        for (b, c) in src.char_indices() {
            if b < skip_to {
                continue;
            }
            // Possessives are not part of names: "Lenin's Testament" reads as "Lenin Testament", "Workers'
            // Opposition" as "Workers Opposition".
            if c == '\'' && word_before(b) {
                if bytes.get(b + 1) == Some(&b's') && !word_after(b + 2) {
                    skip_to = b + 2;
                    continue;
                }
                if !word_after(b + 1) {
                    continue;
                }
            }
            if c == ' ' || c == '-' {
                if !space && !self.text.is_empty() {
                    self.text.push(' ');
                    self.map.push(b as u32);
                }
                space = true;
                continue;
            }
            space = false;
            if c.is_ascii() {
                self.text.push(c.to_ascii_lowercase());
                self.map.push(b as u32);
                continue;
            }
            for l in c.to_lowercase() {
                for d in l.nfd() {
                    if unicode_normalization::char::is_combining_mark(d) {
                        continue;
                    }
                    let before = self.text.len();
                    self.text.push(d);
                    self.map.extend(std::iter::repeat_n(b as u32, self.text.len() - before));
                }
            }
        }
    }

    /// The text span for folded span `fs..fe`.
    fn source_span(&self, src: &str, fs: usize, fe: usize) -> (usize, usize) {
        let s = self.map[fs] as usize;
        let last = self.map[fe - 1] as usize;
        let e = last + src[last..].chars().next().map_or(0, char::len_utf8);
        (s, e)
    }
}

/// The folded view with some tokens replaced, mapped back to the folded view's bytes.
struct Corrected {
    text: String,
    /// Corrected byte -> base byte. A replacement's bytes map to its token's first byte, its last byte to the
    /// token's last byte, so that a match over the whole replacement maps to the whole token.
    base: Vec<u32>,
}

impl Corrected {
    fn new(view: &Folded, corr: &[Correction]) -> Corrected {
        let mut out =
            Corrected { text: String::with_capacity(view.text.len()), base: Vec::with_capacity(view.text.len()) };
        let mut pos = 0;
        for c in corr {
            out.text.push_str(&view.text[pos..c.start]);
            out.base.extend((pos..c.start).map(|b| b as u32));
            out.text.push_str(&c.rep);
            out.base.extend(std::iter::repeat_n(c.start as u32, c.rep.len() - 1));
            out.base.push((c.end - 1) as u32);
            pos = c.end;
        }
        out.text.push_str(&view.text[pos..]);
        out.base.extend((pos..view.text.len()).map(|b| b as u32));
        out
    }
}

/// Byte ranges of URLs, e-mail addresses and web addresses: nothing inside them is a mention.
fn url_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !text.contains("://") && !text.contains("www.") && !text.contains('@') {
        return out;
    }
    let mut pos = 0;
    for tok in text.split([' ', '\n']) {
        let web = tok.contains("://") || tok.starts_with("www.") || (tok.contains('@') && tok.contains('.'));
        if web {
            out.push((pos, pos + tok.len()));
        }
        pos += tok.len() + 1;
    }
    out
}

/// `alias<TAB>id: cue cue; id: cue...` rows of `ambiguous.tsv`.
#[allow(clippy::type_complexity)]
fn parse_ambiguous(
    name: &str,
    text: &str,
    errors: &mut Vec<ConfigError>,
) -> Vec<(u32, String, Vec<(String, Vec<String>)>)> {
    let mut out = Vec::new();
    let rows = match crate::data::tsv::rows(name, text, &["alias", "readings"]) {
        Ok(rows) => rows,
        Err(e) => {
            errors.push(e);
            return out;
        }
    };
    for (ln, cols) in rows {
        if cols.len() != 2 || cols[0].trim().is_empty() {
            errors.push(ConfigError::new(name, Some(ln), "expected: alias, readings"));
            continue;
        }
        let mut rs = Vec::new();
        for r in cols[1].split(';') {
            let (id, cues) = r.split_once(':').unwrap_or((r, ""));
            if id.trim().is_empty() || id.trim().contains(char::is_whitespace) {
                errors.push(ConfigError::new(
                    name,
                    Some(ln),
                    format!("reading {:?} must be `id: cue cue...`", r.trim()),
                ));
                continue;
            }
            rs.push((id.trim().to_owned(), cues.split_whitespace().map(str::to_owned).collect()));
        }
        out.push((ln, cols[0].trim().to_owned(), rs));
    }
    out
}

/// Fold a name the way the view folds text (for patterns).
fn fold_view_str(s: &str) -> String {
    let mut f = Folded::default();
    f.build(s.trim());
    f.text.trim_end().to_owned()
}

/// The name as the view reads it but with its case kept: hyphens as spaces, spaces collapsed, accents and
/// possessives dropped.
fn shape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.nfd().filter(|&c| !unicode_normalization::char::is_combining_mark(c)).collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let word_before = i > 0 && chars[i - 1].is_alphanumeric();
        if c == '\'' && word_before {
            let after = |k: usize| chars.get(k).is_some_and(|c| c.is_alphanumeric());
            if chars.get(i + 1) == Some(&'s') && !after(i + 2) {
                i += 2;
                continue;
            }
            if !after(i + 1) {
                i += 1;
                continue;
            }
        }
        let c = if c == '-' { ' ' } else { c };
        if !(c == ' ' && (out.ends_with(' ') || out.is_empty())) {
            out.push(c);
        }
        i += 1;
    }
    out.trim_end().to_owned()
}

/// Is `hay[s..e]` a whole word: no letter or digit right before or after it?
pub(crate) fn boundary_ok(hay: &str, s: usize, e: usize) -> bool {
    let before = hay[..s].chars().next_back();
    let after = hay[e..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Word tokens (alphanumeric runs) of a text, as byte spans.
pub(crate) fn tokens(t: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in t.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, t.len()));
    }
    out
}

/// Word spans of a text (letters, digits, apostrophes inside a word).
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let inner_apostrophe = c == '\'' && start.is_some();
        if c.is_alphanumeric() || inner_apostrophe {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    // A possessive or a trailing apostrophe is not part of the word.
    out.into_iter()
        .map(|(s, e)| {
            let w = &text[s..e];
            let w = w.strip_suffix("'s").unwrap_or(w).trim_end_matches('\'');
            (s, s + w.len())
        })
        .filter(|(s, e)| e > s)
        .collect()
}

/// Overlap queries against sorted, non-overlapping spans, for queries in increasing order: linear overall.
struct Sweep {
    spans: Vec<(usize, usize)>,
    i: usize,
}

impl Sweep {
    fn new(mut spans: Vec<(usize, usize)>) -> Sweep {
        spans.sort_unstable();
        Sweep { spans, i: 0 }
    }

    /// Does `s..e` overlap a span? Queries must come with non-decreasing `s`.
    fn overlaps(&mut self, s: usize, e: usize) -> bool {
        while self.i < self.spans.len() && self.spans[self.i].1 <= s {
            self.i += 1;
        }
        self.spans[self.i..].iter().take_while(|sp| sp.0 < e).any(|sp| sp.1 > s)
    }
}

/// Every character of `a` appears in `b`, in order.
fn is_subsequence(a: &str, b: &str) -> bool {
    let mut it = b.chars();
    a.chars().all(|c| it.any(|d| d == c))
}

fn is_connector(w: &str) -> bool {
    matches!(w, "of" | "de" | "del" | "von" | "van" | "la" | "le")
}

/// Consonants of a word, without repeats: "preobrazhensky" -> "prbrzhnsk".
fn skeleton(w: &str) -> String {
    let mut out = String::new();
    for c in w.chars().filter(|c| c.is_alphabetic() && !"aeiouy".contains(*c)) {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Damerau-Levenshtein distance (optimal string alignment), capped at `cap + 1`.
fn edit_distance(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > cap {
        return cap + 1;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()].min(cap + 1)
}

/// A name without a trailing bracketed qualifier: "Robert Service (historian)" -> "Robert Service".
fn strip_qualifier(name: &str) -> &str {
    match name.trim_end().strip_suffix(')').and_then(|r| r.rfind('(').map(|i| &name[..i])) {
        Some(base) => base.trim_end(),
        None => name.trim(),
    }
}

/// The last word of a person's name, when it can stand for the person alone.
fn surname(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 || words.iter().any(|w| w.chars().next().is_some_and(|c| c.is_lowercase())) {
        return None;
    }
    let last = *words.last()?;
    let roman = last.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
    if roman || last.chars().count() < 3 || last.ends_with('.') || last.contains(',') {
        return None;
    }
    Some(last.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
}

/// Given names "Lev Davidovich" of "Lev Davidovich Bronstein", with each surname: "L. D. Trotsky",
/// "L.D. Trotsky", "L. Trotsky".
fn initials_forms(name: &str, surnames: &[String]) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 || words.iter().any(|w| !w.chars().next().is_some_and(|c| c.is_uppercase()) || w.ends_with('.'))
    {
        return Vec::new();
    }
    let firsts: Vec<char> = words[..words.len() - 1].iter().filter_map(|w| w.chars().next()).collect();
    let spaced: Vec<String> = firsts.iter().map(|c| format!("{c}.")).collect();
    let mut out = Vec::new();
    for last in surnames {
        out.push(format!("{} {last}", spaced.join(" ")));
        out.push(format!("{} {last}", spaced.join("")));
        out.push(format!("{}. {last}", firsts[0]));
    }
    out.sort();
    out.dedup();
    out
}

/// Initials of a multi-word name, skipping function words: "Workers Opposition" -> "WO".
fn acronym_of(surface: &str, stopwords: &HashSet<String>) -> Option<String> {
    let words: Vec<&str> = surface.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return None;
    }
    let a: String = words
        .iter()
        .filter(|w| !stopwords.contains(&w.to_lowercase()))
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    (a.chars().count() >= 2).then_some(a)
}

/// All strings one deletion away.
fn deletions(t: &str) -> Vec<String> {
    let chars: Vec<char> = t.chars().collect();
    (0..chars.len()).map(|i| chars.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, c)| c).collect()).collect()
}

/// Damerau-Levenshtein distance at most 1.
fn damerau1(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return true;
    }
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if la == lb {
        // substitution or transposition
        if a[p + 1..] == b[p + 1..] {
            return true;
        }
        p + 1 < la && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..]
    } else if la > lb {
        a[p + 1..] == b[p..]
    } else {
        a[p..] == b[p + 1..]
    }
}

fn parse_translit(name: &str, text: &str) -> Result<Vec<TranslitRule>, ConfigError> {
    let mut rules = Vec::new();
    for (ln, cols) in crate::data::tsv::rows(name, text, &["from", "to", "where"])? {
        if cols.len() != 3 || cols[0].is_empty() || cols[0] != cols[0].to_lowercase() {
            return Err(ConfigError::new(name, Some(ln), "expected: lowercase from, to, where"));
        }
        let at = match cols[2] {
            "any" => Where::Any,
            "start" => Where::Start,
            "end" => Where::End,
            "inner" => Where::Inner,
            w => return Err(ConfigError::new(name, Some(ln), format!("unknown position {w:?}"))),
        };
        rules.push(TranslitRule { from: cols[0].to_owned(), to: cols[1].to_owned(), at });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = "id\tlabel\tname\taliases\tderived\tfacts
leon-trotsky\tPERSON\tLeon Trotsky\tLev Davidovich Bronstein; Trotskii\t-\tborn=1879-11-07
joseph-stalin\tPERSON\tJoseph Stalin\t-\t-\t-
lev-kamenev\tPERSON\tLev Kamenev\t-\t-\t-
sergey-kamenev\tPERSON\tSergey Kamenev\t-\t-\t-
alexander-kerensky\tPERSON\tAlexander Kerensky\t-\t-\t-
lazaro-cardenas\tPERSON\tLázaro Cárdenas\t-\t-\t-
mezhraiontsy\tORG\tMezhraiontsy\tInter-District Organisation\t-\t-
bolsheviks\tORG\tBolsheviks\tBolshevik Party\tBolshevik\t-
old-bolsheviks\tORG\tOld Bolsheviks\t-\t-\t-
trotskyism\tIDEOLOGY\tTrotskyism\t-\tTrotskyist; Trotskyists\t-
russian-empire\tGPE\tRussian Empire\t-\t-\t-
great-russia\tLOC\tGreat Russia\t-\t-\t-
white-movement\tORG\tWhite movement\t=Whites\t-\t-
petrograd-soviet\tORG\tPetrograd Soviet\t-\t-\t-
saint-petersburg\tGPE\tSaint Petersburg\tPetrograd; Leningrad\t-\t-
workers-opposition\tORG\tWorkers' Opposition\t-\t-\t-
communist-international\tORG\tCommunist International\tComintern; International\t-\t-
united-states\tGPE\tUnited States\tUS; USA\t-\t-
an-aesop-fable\tWORK\tAn Aesop Fable\t-\t-\t-
democratic-socialists-of-america\tORG\tDemocratic Socialists of America\tDSA\t-\t-
cpsu\tORG\tCommunist Party of the Soviet Union\tCPSU\t-\t-
kpd\tORG\tCommunist Party of Germany\tKPD\t-\t-
germany\tGPE\tGermany\t-\t-\t-
";

    fn matcher() -> Matcher {
        let g = Gazetteer::parse(&[("t.tsv".into(), ROWS.into())]).unwrap();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer/");
        let translit = std::fs::read_to_string(format!("{root}translit.tsv")).unwrap();
        let common = std::fs::read_to_string(format!("{root}common-words.txt")).unwrap();
        let stop = std::fs::read_to_string(format!("{root}stopwords.txt")).unwrap();
        let english = "international\nwhite\nwhites\nus\nsoviet\nparty\nwar\ncivil\ncommunist\n";
        let ambiguous = "alias\treadings\nCommunist Party\tcpsu: saint-petersburg; kpd: germany\n";
        Matcher::build(
            g,
            &("translit.tsv".into(), translit),
            &common,
            &stop,
            english,
            &("a.tsv".into(), ambiguous.into()),
        )
        .unwrap()
    }

    /// (surface, id, how, adj) of every mention, per text.
    fn tag(texts: &[&str]) -> Vec<Vec<(String, String, &'static str, bool)>> {
        let m = matcher();
        let out = m.tag_document(texts.iter().copied());
        out.iter()
            .zip(texts)
            .map(|(ms, t)| {
                ms.iter()
                    .map(|x| (t[x.start..x.end].to_owned(), m.entities[x.entity].id.clone(), x.how.as_str(), x.adj))
                    .collect()
            })
            .collect()
    }

    fn one(text: &str) -> Vec<(String, String, &'static str, bool)> {
        tag(&[text]).remove(0)
    }

    fn m(s: &str, id: &str, how: &'static str, adj: bool) -> (String, String, &'static str, bool) {
        (s.into(), id.into(), how, adj)
    }

    #[test]
    fn a_word_of_a_million_letters_is_read_and_hides_nothing() {
        // Its one-deletion keys alone would be a million strings of a million letters, and its split points a
        // million lookups of long tails: neither is tried for a word no indexed name is near in length.
        let long = format!("Q{}", "abcdefghij".repeat(100_000));
        let got = one(&format!("Trotsky wrote {long} and Stalin"));
        assert_eq!(
            got,
            vec![m("Trotsky", "leon-trotsky", "partial", false), m("Stalin", "joseph-stalin", "partial", false)]
        );
    }

    #[test]
    fn possessives_and_surnames() {
        assert_eq!(
            one("Trotsky's ideas and Stalin\u{2019}s"),
            vec![m("Trotsky", "leon-trotsky", "partial", false), m("Stalin", "joseph-stalin", "partial", false)]
        );
        assert_eq!(one("L. D. Trotsky wrote"), vec![m("L. D. Trotsky", "leon-trotsky", "partial", false)]);
        assert_eq!(
            one("Lev Davidovich Bronstein"),
            vec![m("Lev Davidovich Bronstein", "leon-trotsky", "exact", false)]
        );
    }

    #[test]
    fn longest_name_wins_and_rejected_hits_hide_nothing() {
        assert_eq!(one("the Petrograd Soviet met"), vec![m("Petrograd Soviet", "petrograd-soviet", "exact", false)]);
        assert_eq!(one("the great Russian Empire"), vec![m("Russian Empire", "russian-empire", "exact", false)]);
        assert_eq!(one("in Petrograd."), vec![m("Petrograd", "saint-petersburg", "exact", false)]);
    }

    #[test]
    fn whole_words_and_case_rules() {
        assert!(one("Petrogradian Trotskyism's").iter().all(|x| x.0 != "Petrograd"));
        assert_eq!(one("the Whites and the whites"), vec![m("Whites", "white-movement", "exact", false)]);
        assert_eq!(one("lazaro cardenas"), vec![m("lazaro cardenas", "lazaro-cardenas", "casefold", false)]);
        assert_eq!(one("bolsheviks"), vec![m("bolsheviks", "bolsheviks", "casefold", false)]);
        // Names made of English words must be capitalised; acronyms must be in capitals.
        assert_eq!(
            one("an international movement, the International's line"),
            vec![m("International", "communist-international", "exact", false)]
        );
        assert_eq!(one("let us see the US"), vec![m("US", "united-states", "exact", false)]);
        // Nothing inside a web address.
        assert_eq!(one("see https://example.org/trotsky/stalin.htm now"), vec![]);
    }

    #[test]
    fn adjective_rule() {
        assert_eq!(one("Bolshevik leaders"), vec![m("Bolshevik", "bolsheviks", "exact", true)]);
        assert_eq!(one("the Bolshevik Party"), vec![m("Bolshevik Party", "bolsheviks", "exact", false)]);
        assert_eq!(one("He was a Bolshevik."), vec![m("Bolshevik", "bolsheviks", "exact", true)]);
        assert_eq!(one("No Bolshevik was there"), vec![]);
        assert_eq!(
            one("Trotskyist thinking and Trotskyists"),
            vec![m("Trotskyist", "trotskyism", "exact", true), m("Trotskyists", "trotskyism", "exact", true)]
        );
    }

    #[test]
    fn variants() {
        assert_eq!(one("the Mezrayhontsy"), vec![m("Mezrayhontsy", "mezhraiontsy", "translit", false)]);
        assert_eq!(one("Trotzky"), vec![m("Trotzky", "leon-trotsky", "translit", false)]);
        assert_eq!(one("Kerentsky fled"), vec![m("Kerentsky", "alexander-kerensky", "fuzzy", false)]);
        assert_eq!(one("some Old Boldheviks"), vec![m("Old Boldheviks", "old-bolsheviks", "fuzzy", false)]);
        assert_eq!(one("the Bolshevikhad won"), vec![m("Bolshevikhad", "bolsheviks", "fuzzy", false)]);
        assert_eq!(one("trotskyst thought"), vec![m("trotskyst", "trotskyism", "translit", true)]);
        // Common words never meet a name through the variant layers.
        assert_eq!(one("Germans and Russians"), vec![]);
    }

    #[test]
    fn ambiguous_surnames_resolve_from_earlier_full_names() {
        let out = tag(&["Kamenev spoke.", "Lev Kamenev spoke.", "Then Kamenev left."]);
        assert_eq!(out[0], vec![m("Kamenev", "lev-kamenev", "partial-ambiguous", false)]);
        assert_eq!(out[2], vec![m("Kamenev", "lev-kamenev", "partial", false)]);
        let matcher = matcher();
        let ms = matcher.tag_document(["Kamenev spoke."]);
        assert_eq!(ms[0][0].candidates.len(), 2);
    }

    #[test]
    fn shared_names_resolve_by_context() {
        let out = tag(&["In Germany the Communist Party grew.", "Back in Petrograd, the Communist Party met."]);
        assert_eq!(out[0][1], m("Communist Party", "kpd", "context", false));
        assert_eq!(out[1][1], m("Communist Party", "cpsu", "context", false));
        // A cue in the same sentence, even after the name, beats an older mention.
        let out = tag(&[
            "Petrograd was calm.",
            "The Communist Party of Germany's rival, the Communist Party in Germany, split.",
        ]);
        assert_eq!(out[1][1], m("Communist Party", "kpd", "context", false));
        assert_eq!(one("the Communist Party"), vec![m("Communist Party", "cpsu", "context", false)]);
        assert_eq!(one("a communist party"), vec![]);
    }

    #[test]
    fn possessive_titles_and_plurals() {
        let m1 = one("Trotsky wrote Aesop's Fable");
        assert_eq!(m1[1], m("Aesop's Fable", "an-aesop-fable", "exact", false));
        assert_eq!(
            one("the democratic socialist of america"),
            vec![m("democratic socialist of america", "democratic-socialists-of-america", "fuzzy", false)]
        );
        assert_eq!(one("the Workers Opposition"), vec![m("Workers Opposition", "workers-opposition", "exact", false)]);
    }

    #[test]
    fn acronyms_of_earlier_mentions() {
        let out = tag(&["The Workers' Opposition demanded democracy.", "Why not suppress the WO then?"]);
        assert_eq!(out[1], vec![m("WO", "workers-opposition", "acronym", false)]);
    }

    #[test]
    fn suggestions_list_unknown_names_and_near_misses() {
        let m = matcher();
        let text = "Leon Trotsky met Victor Serge and the Kerenskii people in Kazan. The party met.";
        let ms = m.tag_document([text]);
        let s = m.suggestions(text, &ms[0]);
        let names: Vec<(&str, Option<&str>)> = s.iter().map(|x| (x.name.as_str(), x.near.as_deref())).collect();
        assert_eq!(names, vec![("Victor Serge", None), ("Kazan", None)]);
        // A near-miss the variant layers do not take is suggested with the entity it resembles.
        let text = "Then Kerrenskoy spoke.";
        let ms = m.tag_document([text]);
        assert!(ms[0].is_empty());
        let s = m.suggestions(text, &ms[0]);
        assert_eq!(s[0].name, "Kerrenskoy");
        assert_eq!(s[0].near.as_deref(), Some("alexander-kerensky"));
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("kerentsky", "kerensky", 2), 1);
        assert_eq!(edit_distance("regan", "reagan", 2), 1);
        assert_eq!(edit_distance("abc", "xyzuvw", 2), 3);
        assert_eq!(skeleton("preobrazhensky"), "prbrzhnsk");
    }

    #[test]
    fn damerau_one_edit() {
        assert!(damerau1("kerentsky", "kerensky"));
        assert!(damerau1("boldheviks", "bolsheviks"));
        assert!(damerau1("trotksy", "trotsky"));
        assert!(!damerau1("germans", "armenia"));
        assert!(!damerau1("abcdef", "abcxyz"));
    }
}
