//! Stage: dated claims ("entity + event + date"), from the entity and date mentions of one segment.
//!
//! A claim is read from one sentence that holds an **event trigger** (`gazetteer/claim-triggers.tsv`: "born",
//! "expelled from", "founded", "Lenin's death" …), a **date** with a value, and the **entities** that fill the
//! trigger's roles. The mechanism is the same for every trigger; the data says which argument is the claim's
//! subject and which labels and prepositions its arguments take:
//!
//! * **date**: the nearest date of the sentence that no other trigger stands closer to;
//! * **voice**: a trigger is passive after an auxiliary ("was expelled"), in a participle clause ("Trotsky, born
//!   in …"), after a causative ("Stalin had Trotsky exiled") or before a "by" phrase ("joined in 1926 by
//!   Zinoviev"); the actor is then the "by" phrase and the undergoer the name before the trigger;
//! * **pronouns**: he/his/him → the last person named before; it/this/which → the last name of a fitting label;
//!   they/them → the last organisation; "there" → the last place;
//! * **coordination**: "Zinoviev and Kamenev joined" gives one claim per person;
//! * **object**: the direct object or the name after the row's preposition; rows of one trigger are tried in
//!   order, so the object types the event ("exiled to Kazakhstan" is an internal exile, "exiled from the USSR"
//!   an expulsion). Joining a person whose gazetteer facts say they led a body at that date (`led@…`) is
//!   joining that body;
//! * **appositions**: a date attached to an event, work or organisation name ("the October Revolution of 1917",
//!   "The Permanent Revolution, 1930") dates the name's own event (`(date)` rows);
//! * **life spans**: "(Name; Place, 1877 – Place, 1940)" or "Name (1879–1940)" give birth and death;
//! * **relative dates** resolved from an anchor ("two months before the revolution") next to a date give a
//!   second, `derived` claim for the same event.

use crate::data::gazetteer::{Entity, FACT_KEYS, LABELS};
use crate::error::ConfigError;
use crate::tag::dates::{DateKind, DateMention};
use crate::tag::entities::{boundary_ok, tokens, Mention};
use crate::text::sentences::{sentences, MAX_SENTENCE};
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// How often an event can happen to the same subject and object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    Once,
    Many,
    ByContent,
}

/// A row of `claim-events.tsv`.
#[derive(Debug, Clone)]
pub struct EventType {
    pub name: String,
    pub same_as: Option<String>,
    pub occurs: Occurs,
    pub object_exists: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Actor,
    Theme,
    Owner,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ObjectSpec {
    None,
    Direct(Vec<&'static str>),
    Prep(String, Vec<&'static str>),
}

#[derive(Debug, Clone)]
struct Rule {
    event: String,
    role: Role,
    labels: Vec<&'static str>,
    object: ObjectSpec,
    /// `?` after the object: the claim stands without it.
    object_optional: bool,
    /// `<` after the object: with no such name after the trigger, the nearest fitting name before it in the
    /// sentence ("deported to Siberia and again escaped (1906)": escaped from Siberia).
    object_before: bool,
}

/// How closely a date must be attached to a name to date the name's own event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attach {
    /// Inside the name, right before it, or after "of", "in", a comma or a bracket.
    Loose,
    /// After a comma or inside a bracket only.
    Apposition,
}

/// The trigger lexicon and the event types.
pub struct ClaimRules {
    pub events: BTreeMap<String, EventType>,
    phrases: Vec<String>,
    rules: Vec<Vec<Rule>>,
    apposition: Vec<(Attach, Rule)>,
    ac: AhoCorasick,
}

/// A dated claim in a segment's text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Entity indices into the matcher's table.
    pub subject: usize,
    pub event: String,
    pub object: Option<usize>,
    pub agent: Option<usize>,
    pub value: String,
    pub modifier: Option<String>,
    /// The date expression.
    pub date: (usize, usize),
    /// The trigger word, when there is one (none for appositions and life spans).
    pub trigger: Option<(usize, usize)>,
    /// The sentence the claim is read from.
    pub sentence: (usize, usize),
    /// The value was computed from a relative expression and its anchor.
    pub derived: bool,
}

const AUX: &[&str] = &["was", "were", "is", "are", "be", "been", "being", "get", "got", "gets"];
const CAUSATIVE: &[&str] = &["had", "has", "have", "got"];
/// Words that may stand between an auxiliary and its participle.
const ADVERBS: &[&str] = &["not", "again", "then", "later", "eventually", "also", "first", "finally", "soon", "been"];
const PERSON_PRONOUNS: &[&str] = &["he", "him", "his", "she", "her", "hers", "who"];
const PLURAL_PRONOUNS: &[&str] = &["they", "them", "their"];
const NEUTER_PRONOUNS: &[&str] = &["it", "its", "this", "which"];
const PLACE_PRONOUNS: &[&str] = &["there"];
/// Words after which a name is not a direct object of the trigger before them.
const PREPOSITIONS: &[&str] = &[
    "in", "of", "from", "to", "with", "by", "at", "on", "for", "into", "over", "under", "against", "during", "after",
    "before", "since", "until", "as",
];
/// Prepositions that open a fronted phrase: "Unlike Stalin, Trotsky ...", "After Lenin, ...".
const FRONTING: &[&str] = &["unlike", "like", "after", "before", "with", "without", "besides", "despite", "against"];
/// Words that start a new clause: a name before them is not the subject of a trigger after them.
const CLAUSE_BREAKS: &[&str] = &["while", "whereas", "although", "though", "but", "because", "whilst"];
/// How many words (a determiner and adjectives) may stand between a trigger and its direct object.
const MAX_OBJECT_GAP: usize = 3;
/// How many names before a pronoun are searched for its antecedent.
const MAX_ANTECEDENTS: usize = 200;
/// How many earlier names are searched for one that overlaps a position (names are short and do not nest deeply).
const MAX_NAME_OVERLAP: usize = 8;
/// How many words a trigger and its date may be apart.
const MAX_DATE_WORDS: usize = 30;
/// How many words may stand between a trigger and its object or "by" phrase.
const MAX_ARG_WORDS: usize = 7;

impl ClaimRules {
    /// Load `claim-events.tsv` and `claim-triggers.tsv` from a gazetteer directory.
    pub fn load(dir: &Path) -> Result<ClaimRules, Vec<ConfigError>> {
        let read = |name: &str| crate::data::tsv::read_data(dir, name);
        let events = read("claim-events.tsv")?;
        let triggers = read("claim-triggers.tsv")?;
        ClaimRules::parse(&events, &triggers)
    }

    pub fn parse(events: &(String, String), triggers: &(String, String)) -> Result<ClaimRules, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut table = BTreeMap::new();
        let (ename, etext) = events;
        match crate::data::tsv::rows(ename, etext, &["event", "same_as", "occurs", "object_exists"]) {
            Err(e) => errors.push(e),
            Ok(rows) => {
                for (ln, c) in rows {
                    let err = |m: String| ConfigError::new(ename, Some(ln), m);
                    if c.len() != 4 {
                        errors.push(err("expected 4 columns: event, same_as, occurs, object_exists".into()));
                        continue;
                    }
                    if !FACT_KEYS.contains(&c[0]) {
                        errors.push(err(format!("unknown event {:?} (known: {})", c[0], FACT_KEYS.join(", "))));
                        continue;
                    }
                    let occurs = match c[2] {
                        "once" => Occurs::Once,
                        "many" => Occurs::Many,
                        "by-content" => Occurs::ByContent,
                        o => {
                            errors.push(err(format!("occurs must be once, many or by-content, not {o:?}")));
                            continue;
                        }
                    };
                    let same_as = (c[1] != "-").then(|| c[1].to_owned());
                    let object_exists = c[3] == "yes";
                    table.insert(c[0].to_owned(), EventType { name: c[0].to_owned(), same_as, occurs, object_exists });
                }
            }
        }
        for (ev, t) in &table {
            if let Some(s) = t.same_as.as_ref().filter(|s| !table.contains_key(*s)) {
                errors.push(ConfigError::new(ename, None, format!("{ev}: same_as {s:?} is not an event of this file")));
            }
        }
        let mut phrases: Vec<String> = Vec::new();
        let mut rules: Vec<Vec<Rule>> = Vec::new();
        let mut apposition = Vec::new();
        let (tname, ttext) = triggers;
        match crate::data::tsv::rows(tname, ttext, &["trigger", "event", "subject", "labels", "object"]) {
            Err(e) => errors.push(e),
            Ok(rows) => {
                for (ln, c) in rows {
                    let err = |m: String| ConfigError::new(tname, Some(ln), m);
                    if c.len() != 5 || c[0].trim().is_empty() {
                        errors.push(err("expected 5 columns: trigger, event, subject, labels, object".into()));
                        continue;
                    }
                    let labels = |s: &str| -> Result<Vec<&'static str>, String> {
                        s.split(',')
                            .map(|l| {
                                let l = l.trim();
                                LABELS.iter().find(|x| **x == l).copied().ok_or(format!("unknown label {l:?}"))
                            })
                            .collect()
                    };
                    if !table.contains_key(c[1]) {
                        errors.push(err(format!("event {:?} is not in claim-events.tsv", c[1])));
                        continue;
                    }
                    let role = match c[2] {
                        "actor" => Role::Actor,
                        "theme" => Role::Theme,
                        "owner" => Role::Owner,
                        r => {
                            errors.push(err(format!("subject must be actor, theme or owner, not {r:?}")));
                            continue;
                        }
                    };
                    let subject_labels = match labels(c[3]) {
                        Ok(l) => l,
                        Err(m) => {
                            errors.push(err(m));
                            continue;
                        }
                    };
                    let spec = c[4].trim_end_matches(['?', '<']);
                    let flags = &c[4][spec.len()..];
                    let object = match spec {
                        "-" => Ok(ObjectSpec::None),
                        o => match o.split_once(':') {
                            Some((p, l)) => labels(l).map(|l| ObjectSpec::Prep(p.to_lowercase(), l)),
                            None => labels(o).map(ObjectSpec::Direct),
                        },
                    };
                    let object = match object {
                        Ok(o) => o,
                        Err(m) => {
                            errors.push(err(m));
                            continue;
                        }
                    };
                    let rule = Rule {
                        event: c[1].to_owned(),
                        role,
                        labels: subject_labels,
                        object,
                        object_optional: flags.contains('?'),
                        object_before: flags.contains('<'),
                    };
                    match c[0] {
                        "(date)" => apposition.push((Attach::Loose, rule)),
                        "(, date)" => apposition.push((Attach::Apposition, rule)),
                        p if p.starts_with('(') => errors.push(err(format!("unknown pseudo-trigger {p:?}"))),
                        p => {
                            let p = p.to_lowercase();
                            match phrases.iter().position(|x| *x == p) {
                                Some(i) => rules[i].push(rule),
                                None => {
                                    phrases.push(p);
                                    rules.push(vec![rule]);
                                }
                            }
                        }
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&phrases)
            .map_err(|e| vec![ConfigError::new(tname, None, e.to_string())])?;
        Ok(ClaimRules { events: table, phrases, rules, apposition, ac })
    }

    /// The event a claim's event is compared as ("assassinated" → "died").
    pub fn canonical<'a>(&'a self, event: &'a str) -> &'a str {
        self.events.get(event).and_then(|e| e.same_as.as_deref()).unwrap_or(event)
    }

    /// Every claim of one segment's text.
    pub fn extract(&self, text: &str, mentions: &[Mention], dates: &[DateMention], entities: &[Entity]) -> Vec<Claim> {
        // Every claim is dated: a segment without a date is not read.
        if dates.is_empty() {
            return Vec::new();
        }
        let doc = Doc::new(text, mentions, dates, entities);
        let mut spans: Vec<Claim> = Vec::new();
        let lives = life_spans(&doc, &mut spans);
        let mut out: Vec<Claim> = Vec::new();
        for &(s0, s1) in &doc.sentences {
            self.sentence_claims(&doc, s0, s1, &lives, &mut out);
        }
        // Evidence is the sentence without the spaces around it.
        for c in &mut out {
            let (a, b) = c.sentence;
            let t = &text[a..b];
            c.sentence = (a + (t.len() - t.trim_start().len()), b - (t.len() - t.trim_end().len()));
        }
        out.extend(spans);
        out.sort_by(|a, b| a.date.cmp(&b.date).then(a.sentence.cmp(&b.sentence)));
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert((c.subject, c.event.clone(), c.object, c.date)));
        out
    }

    fn sentence_claims(&self, doc: &Doc, s0: usize, s1: usize, lives: &HashSet<usize>, out: &mut Vec<Claim>) {
        let text = doc.text;
        let dates: Vec<usize> =
            doc.dates_in(s0, s1).filter(|&i| !lives.contains(&i) && usable(&doc.dates[i]).is_some()).collect();
        if dates.is_empty() {
            return;
        }
        let triggers: Vec<(usize, usize, usize)> = self
            .ac
            .find_iter(&text[s0..s1])
            .map(|m| (s0 + m.start(), s0 + m.end(), m.pattern().as_usize()))
            .filter(|&(a, b, p)| {
                let word = self.phrases[p].starts_with(|c: char| c.is_alphanumeric());
                !word || boundary_ok(text, a, b)
            })
            .filter(|&(a, _, p)| self.phrases[p].starts_with(|c: char| c.is_alphanumeric()) || opens_quote(text, a))
            // A trigger word inside a name ("Soviet Union", "Death of Stalin") is part of the name.
            .filter(|&(a, b, _)| !doc.inside_name(a, b))
            .collect();
        // Voice of each trigger; a participle coordinated with a passive one is passive too ("born in 1879 and
        // assassinated in 1940", "had Trotsky exiled to Kazakhstan in 1928 and expelled from the USSR").
        let agents = AGENT_LABELS;
        let mut passive: Vec<bool> = Vec::with_capacity(triggers.len());
        let mut inherited: Vec<bool> = Vec::with_capacity(triggers.len());
        for (ti, &(t0, t1, _)) in triggers.iter().enumerate() {
            let before = doc.passive_before(t0, s0);
            let own = doc.by_phrase(t1, s1, &agents).is_some() || before == Voice::Passive;
            let coordinated = before == Voice::Coordinated || (ti > 0 && doc.after_and(t0, s0) && passive[ti - 1]);
            passive.push(own);
            inherited.push(coordinated);
        }
        for (ti, &(t0, t1, p)) in triggers.iter().enumerate() {
            let Some(di) = nearest_date(doc, &dates, &triggers, ti) else { continue };
            if !self.phrases[p].starts_with(|c: char| c.is_alphanumeric()) {
                // A quotation mark opens a statement only right after "<name> [in <date>]".
                let d = &doc.dates[di];
                let close = d.end <= t0 && tokens(&text[d.end..t0]).is_empty();
                let named =
                    doc.refs_in(s0, d.start).next_back().is_some_and(|r| tokens(&text[r.end..d.start]).len() <= 1);
                if !close || !named {
                    continue;
                }
            }
            for rule in &self.rules[p] {
                // Only a verb with an undergoer takes the voice of the participle it is coordinated with:
                // "deported to Siberia and again escaped" keeps "escaped" active.
                let voice = passive[ti] || (inherited[ti] && rule.role == Role::Theme);
                if let Some(found) = self.apply(doc, rule, (t0, t1), (s0, s1), di, voice) {
                    out.extend(found);
                    break;
                }
            }
        }
        // Appositions: a date attached to an event, work or organisation name.
        for m in doc.refs_in(s0, s1).filter(|r| r.entity.is_some()) {
            let e = m.entity.expect("named");
            for (attach, rule) in &self.apposition {
                if !rule.labels.iter().any(|l| *l == doc.entities[e].label) {
                    continue;
                }
                let Some(&di) = dates.iter().find(|&&di| attached(text, m, &doc.dates[di], *attach)) else { continue };
                let (subject, object) = match rule.role {
                    Role::Actor => match doc.nearest_before(m.start, s0, &["PERSON"]) {
                        Some(a) => (a, Some(e)),
                        None => (e, None),
                    },
                    _ => (e, None),
                };
                out.extend(doc.claims(&rule.event, &[subject], object, None, di, None, (s0, s1), &self.events));
                break;
            }
        }
    }

    /// Fill a rule's roles around one trigger; None when the rule does not fit.
    fn apply(
        &self,
        doc: &Doc,
        rule: &Rule,
        t: (usize, usize),
        s: (usize, usize),
        di: usize,
        passive: bool,
    ) -> Option<Vec<Claim>> {
        let (t0, t1) = t;
        let (s0, s1) = s;
        let passive_by = doc.by_phrase(t1, s1, rule_actor_labels(rule));
        let object_labels = match &rule.object {
            ObjectSpec::None => None,
            ObjectSpec::Direct(l) | ObjectSpec::Prep(_, l) => Some(l.clone()),
        };
        let find_object = |doc: &Doc| -> Option<usize> {
            let after = match &rule.object {
                ObjectSpec::None => None,
                ObjectSpec::Direct(l) => doc.first_after(t1, s1, l),
                ObjectSpec::Prep(p, l) => doc.after_prep(t1, s1, p, l),
            };
            match (&rule.object, after) {
                (ObjectSpec::Direct(l) | ObjectSpec::Prep(_, l), None) if rule.object_before => {
                    doc.nearest_before(t0, s0, l)
                }
                (_, found) => found,
            }
        };
        // An actor-subject event with no actor is about its object ("X was published in 1974").
        let mut fallback = false;
        let (subjects, object, agent) = match (rule.role, passive) {
            (Role::Actor, false) => {
                let object = find_object(doc);
                let subj = doc.subject_before(t0, s0, &rule.labels)?;
                (doc.coordinated(subj, s0, s1), object, None)
            }
            (Role::Actor, true) => {
                let object = match &rule.object {
                    ObjectSpec::None => None,
                    _ => doc.nearest_before(t0, s0, object_labels.as_ref()?),
                };
                match passive_by {
                    Some(by) => (doc.coordinated(by, s0, s1), object, None),
                    None => {
                        fallback = true;
                        (vec![object?], None, None)
                    }
                }
            }
            (Role::Theme, true) => {
                let subj = doc.subject_before(t0, s0, &rule.labels)?;
                let agent = passive_by.and_then(|r| doc.resolve(r, &AGENT_LABELS));
                (doc.coordinated(subj, s0, s1), find_object(doc), agent)
            }
            (Role::Theme, false) => {
                let subj = doc.first_after(t1, s1, &rule.labels)?;
                let agent = doc.nearest_before(t0, s0, &["PERSON", "ORG"]);
                (vec![subj], find_object(doc), agent)
            }
            (Role::Owner, _) => {
                let subj = doc.owner(t0, t1, s0, s1, &rule.labels)?;
                (vec![subj], find_object(doc), None)
            }
        };
        if !matches!(rule.object, ObjectSpec::None) && object.is_none() && !rule.object_optional && !fallback {
            return None;
        }
        let subjects: Vec<usize> = subjects.into_iter().filter(|&e| Some(e) != object).collect();
        if subjects.is_empty() {
            return None;
        }
        Some(doc.claims(&rule.event, &subjects, object, agent, di, Some(t), s, &self.events))
    }
}

/// Labels of names that can act: the doer of an event in a "by" phrase.
const AGENT_LABELS: [&str; 3] = ["PERSON", "ORG", "GPE"];

fn rule_actor_labels(rule: &Rule) -> &[&'static str] {
    match rule.role {
        Role::Actor => &rule.labels,
        _ => &AGENT_LABELS,
    }
}

/// The value a claim can take from a date mention: absolute values with a year, and relative expressions the
/// text resolves.
fn usable(d: &DateMention) -> Option<(&str, bool)> {
    if d.kind == DateKind::Relative {
        return d.resolved.as_deref().map(|v| (v, d.anchor.is_some()));
    }
    d.value.as_deref().filter(|v| !v.starts_with('X')).map(|v| (v, false))
}

/// A quotation mark that opens a quotation: at the start, or after a space or an opening bracket.
fn opens_quote(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_none_or(|c| c.is_whitespace() || c == '(')
}

/// Is the date attached to the name closely enough to date the name's own event?
fn attached(text: &str, m: &Ref, d: &DateMention, attach: Attach) -> bool {
    if d.start >= m.start && d.end <= m.end {
        return attach == Attach::Loose;
    }
    if d.start >= m.end {
        let gap = text[m.end..d.start].trim();
        return match attach {
            Attach::Loose => matches!(gap, "" | "of" | "in" | "," | "(" | "of the"),
            Attach::Apposition => matches!(gap, "," | "("),
        } && !text[m.end..d.start].contains('\n');
    }
    attach == Attach::Loose && d.end <= m.start && text[d.end..m.start].chars().all(|c| c == ' ')
}

/// The index (into `doc.dates`) of the date a trigger takes: the nearest in words, unless another trigger
/// stands between them; a date after the trigger wins a tie.
fn nearest_date(doc: &Doc, dates: &[usize], triggers: &[(usize, usize, usize)], ti: usize) -> Option<usize> {
    let (t0, t1, _) = triggers[ti];
    let mut best: Option<(usize, usize)> = None;
    for &di in dates {
        let d = &doc.dates[di];
        let (a, b) = if d.start >= t1 { (t1, d.start) } else { (d.end.min(t0), t0) };
        if triggers.iter().enumerate().any(|(j, &(x0, x1, _))| j != ti && x0 >= a && x1 <= b) {
            continue;
        }
        let words = doc.text[a..b].split_whitespace().count();
        if words > MAX_DATE_WORDS {
            continue;
        }
        // A date before the trigger, across a comma or a coordination, more likely belongs to another verb.
        let between = &doc.text[a..b];
        let across = d.start < t0 && (between.contains(',') || between.contains(" and ") || between.contains(" but "));
        let dist = words * 2 + usize::from(d.start < t0) + if across { 20 } else { 0 };
        if best.is_none_or(|(bd, _)| dist < bd) {
            best = Some((dist, di));
        }
    }
    best.map(|b| b.1)
}

/// The voice a trigger's left context gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Voice {
    Active,
    /// An auxiliary, a causative or a participle clause before it.
    Passive,
    /// The same, but before an "and": the passive of a coordinated participle, which a verb without an undergoer
    /// ("died", "escaped") does not share.
    Coordinated,
}

/// A name or pronoun in the text.
#[derive(Debug, Clone)]
struct Ref {
    start: usize,
    end: usize,
    /// The entity of a name; None for a pronoun.
    entity: Option<usize>,
    pronoun: Pronoun,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pronoun {
    None,
    Person,
    Plural,
    Neuter,
    Place,
}

/// A segment's text with its names, pronouns, dates and sentences.
struct Doc<'a> {
    text: &'a str,
    refs: Vec<Ref>,
    /// Names only (no pronouns), in order, for pronoun resolution.
    names: Vec<(usize, usize, usize)>,
    dates: &'a [DateMention],
    entities: &'a [Entity],
    sentences: Vec<(usize, usize)>,
    /// The person each he/she/his pronoun stands for, by the pronoun's start.
    persons: HashMap<usize, usize>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str, mentions: &[Mention], dates: &'a [DateMention], entities: &'a [Entity]) -> Doc<'a> {
        let names: Vec<(usize, usize, usize)> =
            mentions.iter().filter(|m| !m.adj).map(|m| (m.start, m.end, m.entity)).collect();
        let mut refs: Vec<Ref> = names
            .iter()
            .map(|&(s, e, ent)| Ref { start: s, end: e, entity: Some(ent), pronoun: Pronoun::None })
            .collect();
        let mut next_name = 0;
        for (s, e) in tokens(text) {
            while next_name < names.len() && names[next_name].1 <= s {
                next_name += 1;
            }
            if names.get(next_name).is_some_and(|&(a, _, _)| a < e) {
                continue; // inside a name
            }
            if e - s > 5 {
                continue; // no pronoun is longer
            }
            let w = text[s..e].to_lowercase();
            let p = if PERSON_PRONOUNS.contains(&w.as_str()) {
                Pronoun::Person
            } else if PLURAL_PRONOUNS.contains(&w.as_str()) {
                Pronoun::Plural
            } else if NEUTER_PRONOUNS.contains(&w.as_str()) {
                Pronoun::Neuter
            } else if PLACE_PRONOUNS.contains(&w.as_str()) {
                Pronoun::Place
            } else {
                continue;
            };
            refs.push(Ref { start: s, end: e, entity: None, pronoun: p });
        }
        refs.sort_by_key(|r| r.start);
        let sentences = sentences(text);
        let persons = person_pronouns(text, &refs, &sentences, entities);
        Doc { text, refs, names, dates, entities, sentences, persons }
    }

    fn label(&self, e: usize) -> &str {
        &self.entities[e].label
    }

    /// The entity a name or pronoun stands for, if it has one of `labels`.
    fn resolve(&self, r: &Ref, labels: &[&str]) -> Option<usize> {
        let ok = |e: usize| labels.contains(&self.label(e));
        if let Some(e) = r.entity {
            return ok(e).then_some(e);
        }
        if r.pronoun == Pronoun::Person {
            return self.persons.get(&r.start).copied().filter(|&e| ok(e));
        }
        let wanted: &[&str] = match r.pronoun {
            Pronoun::Person => &["PERSON"],
            Pronoun::Plural => &["ORG"],
            Pronoun::Neuter => &["ORG", "GPE", "EVENT", "WORK", "IDEOLOGY", "LOC"],
            Pronoun::Place => &["GPE", "LOC"],
            Pronoun::None => &[],
        };
        let before = self.names.partition_point(|&(start, _, _)| start < r.start);
        self.names[..before]
            .iter()
            .rev()
            .take(MAX_ANTECEDENTS)
            .filter(|&&(_, end, _)| end <= r.start)
            .map(|&(_, _, e)| e)
            .find(|&e| wanted.contains(&self.label(e)))
            .filter(|&e| ok(e))
    }

    /// Names and pronouns inside `[a, b)`, in order.
    fn refs_in(&self, a: usize, b: usize) -> impl DoubleEndedIterator<Item = &Ref> {
        let lo = self.refs.partition_point(|r| r.start < a);
        let hi = self.refs.partition_point(|r| r.start < b);
        self.refs[lo..hi.max(lo)].iter().filter(move |r| r.end <= b)
    }

    /// The name or pronoun starting at `a`.
    fn ref_at(&self, a: usize) -> Option<&Ref> {
        let i = self.refs.partition_point(|r| r.start < a);
        self.refs.get(i).filter(|r| r.start == a)
    }

    /// The name or pronoun covering the byte range `[a, b)`.
    fn ref_covering(&self, a: usize, b: usize) -> Option<&Ref> {
        let i = self.refs.partition_point(|r| r.start <= a);
        self.refs[..i].iter().rev().take(MAX_NAME_OVERLAP).find(|r| r.start <= a && b <= r.end)
    }

    /// The name ending at `end` (a name, not a pronoun).
    fn name_ending_at(&self, end: usize) -> Option<&Ref> {
        let i = self.refs.partition_point(|r| r.start < end);
        self.refs[..i].iter().rev().take(MAX_NAME_OVERLAP).find(|r| r.end == end && r.entity.is_some())
    }

    /// Does `[a, b)` overlap a name?
    fn inside_name(&self, a: usize, b: usize) -> bool {
        let i = self.refs.partition_point(|r| r.start < b);
        self.refs[..i].iter().rev().take(MAX_NAME_OVERLAP).any(|r| r.entity.is_some() && a < r.end)
    }

    /// Indices of the dates inside `[a, b]`.
    fn dates_in(&self, a: usize, b: usize) -> impl Iterator<Item = usize> + '_ {
        let lo = self.dates.partition_point(|d| d.start < a);
        (lo..self.dates.len()).take_while(move |&k| self.dates[k].start < b).filter(move |&k| self.dates[k].end <= b)
    }

    /// The nearest name or pronoun before `pos` (in the sentence) that resolves to one of `labels`, trying the
    /// labels in their order of preference.
    fn nearest_before(&self, pos: usize, s0: usize, labels: &[&str]) -> Option<usize> {
        for l in labels {
            let one = std::slice::from_ref(l);
            for r in self.refs_in(s0, pos).rev() {
                if self.is_possessor_of_name(r) {
                    continue;
                }
                if let Some(e) = self.resolve(r, one) {
                    return Some(e);
                }
            }
        }
        None
    }

    /// The start of the clause holding `pos`: after the last clause break (`;`, "while", "but" ...) of the
    /// sentence before it.
    fn clause_start(&self, pos: usize, s0: usize) -> usize {
        let mut start = s0;
        for (a, b) in tokens(&self.text[s0..pos]) {
            if CLAUSE_BREAKS.contains(&self.text[s0 + a..s0 + b].to_lowercase().as_str()) {
                start = s0 + b;
            }
        }
        if let Some(i) = self.text[start..pos].rfind(';') {
            start += i + 1;
        }
        start
    }

    /// The subject of a trigger: the nearest name before it in its clause that resolves to one of `labels`
    /// (tried in their order of preference). For a gerund after a preposition ("... betrayed Stalin by joining
    /// Trotsky"), the first name of the clause: the one doing the betraying and the joining.
    fn subject_before(&self, pos: usize, s0: usize, labels: &[&str]) -> Option<&Ref> {
        let c0 = self.clause_start(pos, s0);
        let trigger_word = self.text[pos..].split(|c: char| !c.is_alphanumeric()).next();
        let prev_word = tokens(&self.text[c0..pos]).last().map(|&(a, b)| self.text[c0 + a..c0 + b].to_lowercase());
        let gerund = trigger_word.is_some_and(|w| w.ends_with("ing"))
            && prev_word.is_some_and(|p| PREPOSITIONS.contains(&p.as_str()));
        if gerund {
            return self.refs_in(c0, pos).find(|r| self.resolve(r, labels).is_some());
        }
        for l in labels {
            let one = std::slice::from_ref(l);
            for r in self.refs_in(c0, pos).rev() {
                if self.is_possessor_of_name(r) {
                    continue;
                }
                if self.resolve(r, one).is_some() {
                    return Some(r);
                }
            }
        }
        // A clause with no subject of its own shares the sentence's: "Zinoviev and Kamenev ... were forgiven but
        // then subjected to a show trial".
        let coordinating = tokens(&self.text[s0..c0]).last().is_some_and(|&(a, b)| &self.text[s0 + a..s0 + b] == "but");
        if coordinating && !self.refs_in(c0, pos).any(|r| r.entity.is_some() || r.pronoun == Pronoun::Person) {
            return self.refs_in(s0, c0).find(|r| self.resolve(r, labels).is_some());
        }
        None
    }

    /// "Trotsky's Left Opposition": the possessor of a following name is not an argument by itself.
    fn is_possessor_of_name(&self, r: &Ref) -> bool {
        let rest = &self.text[r.end..];
        let Some(after) = rest.strip_prefix("'s ").or_else(|| rest.strip_prefix("' ")) else { return false };
        let at = self.text.len() - after.len();
        self.ref_at(at).is_some_and(|x| x.entity.is_some())
    }

    /// The direct object after `pos`: the first name within a few words, with no preposition or clause break
    /// before it, that resolves to one of `labels`.
    fn first_after(&self, pos: usize, s1: usize, labels: &[&str]) -> Option<usize> {
        for r in self.refs_in(pos, s1) {
            let gap = self.without_dates(pos, r.start);
            let gap = gap.as_str();
            let gap_words = tokens(gap);
            if gap_words.len() > MAX_OBJECT_GAP
                || gap.contains([',', ';', ':', '(', ')'])
                || gap_words.iter().any(|&(a, b)| PREPOSITIONS.contains(&gap[a..b].to_lowercase().as_str()))
            {
                break;
            }
            if self.is_possessor_of_name(r) {
                continue;
            }
            if let Some(e) = self.resolve(r, labels) {
                return Some(e);
            }
        }
        None
    }

    /// The text between two offsets with date expressions, and the preposition before each, left out: "wrote
    /// in 1932 his Aesop's Fable" reads as "wrote his Aesop's Fable".
    fn without_dates(&self, a: usize, b: usize) -> String {
        let mut out = String::new();
        let mut at = a;
        for d in self.dates_in(a, b).map(|k| &self.dates[k]) {
            let before = &self.text[at..d.start];
            let trimmed = before.trim_end();
            let kept = match tokens(trimmed).last() {
                Some(&(x, y)) if PREPOSITIONS.contains(&trimmed[x..y].to_lowercase().as_str()) => &trimmed[..x],
                _ => before,
            };
            out.push_str(kept);
            out.push(' ');
            at = d.end;
        }
        out.push_str(&self.text[at..b]);
        out
    }

    /// The name after the preposition `prep` that follows `pos`.
    fn after_prep(&self, pos: usize, s1: usize, prep: &str, labels: &[&str]) -> Option<usize> {
        let mut n = 0;
        for (a, b) in tokens(&self.text[pos..s1]) {
            n += 1;
            if n > MAX_ARG_WORDS {
                return None;
            }
            if self.text[pos + a..pos + b].eq_ignore_ascii_case(prep) {
                let from = pos + b;
                let r = self.refs_in(from, s1).find(|r| !self.is_possessor_of_name(r))?;
                if self.text[from..r.start].split_whitespace().count() > 2 {
                    return None;
                }
                return self.resolve(r, labels);
            }
        }
        None
    }

    /// A "by" phrase after a trigger ("joined in 1926 by Zinoviev"), skipping dates and short prepositional
    /// phrases.
    fn by_phrase(&self, pos: usize, s1: usize, labels: &[&str]) -> Option<&Ref> {
        let mut n = 0;
        for (a, b) in tokens(&self.text[pos..s1]) {
            n += 1;
            if n > MAX_ARG_WORDS {
                return None;
            }
            let w = &self.text[pos + a..pos + b];
            if w == "by" {
                let from = pos + b;
                let r = self.refs_in(from, s1).next()?;
                let gap = self.text[from..r.start].split_whitespace().count();
                return (gap <= 2 && self.resolve(r, labels).is_some()).then_some(r);
            }
            if matches!(w, "and" | "but" | "which" | "who" | "that") || self.text[pos..pos + a].contains([',', ';']) {
                return None;
            }
        }
        None
    }

    /// Is the word before `t0` (adverbs skipped) "and"?
    fn after_and(&self, t0: usize, s0: usize) -> bool {
        let ws = tokens(&self.text[s0..t0]);
        ws.iter()
            .rev()
            .map(|&(a, b)| self.text[s0 + a..s0 + b].to_lowercase())
            .find(|w| !ADVERBS.contains(&w.as_str()) && !w.ends_with("ly"))
            .is_some_and(|w| w == "and")
    }

    /// Is the trigger at `t0` a passive participle: after an auxiliary ("was exiled", "was removed from his
    /// positions and eventually expelled"), a causative ("had Trotsky exiled") or in a participle clause after a
    /// name ("Trotsky, born in")?
    fn passive_before(&self, t0: usize, s0: usize) -> Voice {
        let c0 = self.clause_start(t0, s0);
        let ws: Vec<(usize, usize)> = tokens(&self.text[c0..t0]).into_iter().map(|(a, b)| (c0 + a, c0 + b)).collect();
        // Past an "and", the passive found belongs to a coordinated participle: "was born in 1879 and died".
        let mut crossed_and = false;
        let found = |crossed: bool| if crossed { Voice::Coordinated } else { Voice::Passive };
        for (k, &(a, b)) in ws.iter().enumerate().rev().take(8) {
            let w = self.text[a..b].to_lowercase();
            if AUX.contains(&w.as_str()) {
                return found(crossed_and);
            }
            // "was able to oust": an infinitive is active.
            if w == "to" {
                return Voice::Active;
            }
            crossed_and |= w == "and";
            let name = self.ref_covering(a, b);
            let possessive = matches!(w.as_str(), "his" | "her" | "its" | "their");
            if let Some(r) = name.filter(|_| !possessive) {
                // "had <name> exiled"; "<name>, born in ...".
                let before = self.text[c0..r.start].trim_end();
                let causative = k + 1 == ws.len()
                    && tokens(before)
                        .last()
                        .is_some_and(|&(x, y)| CAUSATIVE.contains(&before[x..y].to_lowercase().as_str()));
                // A participle clause follows the clause's first name, its subject.
                let first = self.refs_in(c0, t0).next().is_some_and(|f| f.start == r.start);
                let participle = first && self.text[r.end..t0].trim_start().starts_with(',');
                return if causative || participle { found(crossed_and) } else { Voice::Active };
            }
            // A comma not after a name ends the search.
            let next = ws.get(k + 1).map_or(t0, |x| x.0);
            if self.text[b..next].contains([',', ';', ':']) && k + 1 < ws.len() {
                return Voice::Active;
            }
        }
        Voice::Active
    }

    /// The owner of a noun trigger: "Lenin's death", "his death", "his final stroke", "the death of Lenin".
    fn owner(&self, t0: usize, t1: usize, s0: usize, s1: usize, labels: &[&str]) -> Option<usize> {
        // A possessive at most two words before the trigger.
        let before = tokens(&self.text[s0..t0]);
        for &(a, b) in before.iter().rev().take(4) {
            let (a, b) = (s0 + a, s0 + b);
            let w = &self.text[a..b];
            if w == "s" && self.text[..a].ends_with('\'') {
                let r = self.name_ending_at(a - 1).or_else(|| self.ref_covering(a - 2, a - 1))?;
                return self.resolve(r, labels);
            }
            if let Some(r) = self.ref_at(a).filter(|r| r.entity.is_none()) {
                if matches!(w.to_lowercase().as_str(), "his" | "her" | "its" | "their") {
                    return self.resolve(r, labels);
                }
            }
            if self.text[b..t0].split_whitespace().count() > 2 {
                break;
            }
        }
        // "the death of Lenin"; a trigger that ends in "of" ("union of") is followed by its owner.
        if t1 >= 3 && self.text.get(t1 - 3..t1).is_some_and(|w| w.eq_ignore_ascii_case(" of")) {
            let r = self.refs_in(t1, s1).next()?;
            return (tokens(&self.text[t1..r.start]).len() <= 1).then(|| self.resolve(r, labels)).flatten();
        }
        self.after_prep(t1, s1, "of", labels)
    }

    /// The subject and the names coordinated with it ("Zinoviev and Kamenev").
    fn coordinated(&self, r: &Ref, s0: usize, s1: usize) -> Vec<usize> {
        // A relative pronoun ("Zinoviev and Kamenev who came over") stands for the names right before it.
        if r.entity.is_none() && matches!(self.text[r.start..r.end].to_lowercase().as_str(), "who" | "which") {
            let before = self.text[s0..r.start].trim_end().trim_end_matches(',').trim_end();
            if let Some(x) =
                self.refs_in(s0, r.start).next_back().filter(|x| x.entity.is_some() && x.end == s0 + before.len())
            {
                return self.coordinated(x, s0, s1);
            }
        }
        let Some(label) = self.ref_label(r) else { return Vec::new() };
        let Some(e) = self.resolve(r, &[label]) else { return Vec::new() };
        let mut out = vec![e];
        let label = self.label(e).to_owned();
        let joins = |gap: &str| matches!(gap.trim(), "and" | "," | "&" | ", and");
        if r.entity.is_some() {
            // Names after it.
            let mut end = r.end;
            for x in self.refs_in(r.end, s1) {
                match x.entity {
                    Some(xe) if self.label(xe) == label && joins(&self.text[end..x.start]) => {
                        out.push(xe);
                        end = x.end;
                    }
                    _ => break,
                }
            }
            // Names before it.
            let mut start = r.start;
            for x in self.refs_in(s0, r.start).rev() {
                match x.entity {
                    Some(xe) if self.label(xe) == label && joins(&self.text[x.end..start]) => {
                        out.insert(0, xe);
                        start = x.start;
                    }
                    _ => break,
                }
            }
        }
        out.dedup();
        out
    }

    /// The label of what a name or pronoun stands for.
    fn ref_label(&self, r: &Ref) -> Option<&str> {
        let e = r.entity.or_else(|| self.resolve(r, &LABELS))?;
        Some(self.label(e))
    }

    /// The claims for the subjects, with a derived twin when a resolved relative expression restates the date.
    #[allow(clippy::too_many_arguments)]
    fn claims(
        &self,
        event: &str,
        subjects: &[usize],
        object: Option<usize>,
        agent: Option<usize>,
        di: usize,
        trigger: Option<(usize, usize)>,
        sentence: (usize, usize),
        events: &BTreeMap<String, EventType>,
    ) -> Vec<Claim> {
        let d = &self.dates[di];
        let Some((value, derived)) = usable(d) else { return Vec::new() };
        let object = object.map(|o| self.led_body(o, value, event, events));
        let mut dated = vec![(di, value.to_owned(), derived)];
        // "In July 1917, two months before the revolution, ...": a date and an appositive relative expression
        // that restates it are both the event's date.
        let appositive = |x: &DateMention, y: &DateMention| self.text[x.end..y.start].trim() == ",";
        if let Some(next) = self.dates.get(di + 1).filter(|n| appositive(d, n)) {
            if let Some((v, true)) = usable(next) {
                dated.push((di + 1, v.to_owned(), true));
            }
        }
        if let Some(prev) = di.checked_sub(1).map(|p| &self.dates[p]).filter(|p| derived && appositive(p, d)) {
            if let Some((v, false)) = usable(prev) {
                dated.insert(0, (di - 1, v.to_owned(), false));
            }
        }
        let mut out = Vec::new();
        for &s in subjects {
            for (i, v, derived) in &dated {
                let dm = &self.dates[*i];
                out.push(Claim {
                    subject: s,
                    event: event.to_owned(),
                    object,
                    agent: agent.filter(|&a| a != s),
                    value: v.clone(),
                    modifier: dm.modifier.clone(),
                    date: (dm.start, dm.end),
                    trigger,
                    sentence,
                    derived: *derived,
                });
            }
        }
        out
    }

    /// Joining a person means joining the body they led at that date (`led@body=range` facts).
    fn led_body(&self, o: usize, value: &str, event: &str, events: &BTreeMap<String, EventType>) -> usize {
        if !events.get(event).is_some_and(|e| e.object_exists) || self.label(o) != "PERSON" {
            return o;
        }
        for f in self.entities[o].facts.iter().filter(|f| f.key == "led") {
            let Some(body) = f.object.as_deref() else { continue };
            if crate::tag::calendar::compatible(&f.value, value) {
                if let Some(i) = self.entities.iter().position(|e| e.id == body) {
                    return i;
                }
            }
        }
        o
    }
}

/// What he/she/his/him stand for. A pronoun after a person named earlier in its sentence is that person (the
/// last one); a pronoun with none before it in its sentence is the first person of the nearest earlier sentence
/// that names one, usually that sentence's subject ("... joined Lenin in London. He returned ..." is not Lenin
/// when the sentence began with "He", resolved the same way). "who" is the person right before it.
fn person_pronouns(
    text: &str,
    refs: &[Ref],
    sentences: &[(usize, usize)],
    entities: &[Entity],
) -> HashMap<usize, usize> {
    let sentence_of = |pos: usize| sentences.partition_point(|&(_, e)| e <= pos);
    let mut persons: HashMap<usize, usize> = HashMap::new();
    // Per sentence: the persons named or referred to, in order.
    let mut seen: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut fronted_seen: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for (i, r) in refs.iter().enumerate() {
        let k = sentence_of(r.start);
        let person = match (r.entity, r.pronoun) {
            (Some(e), _) => (entities[e].label == "PERSON").then_some(e),
            (None, Pronoun::Person) => {
                let here = seen.get(&k).and_then(|v| v.last().copied());
                let who = text[r.start..r.end].eq_ignore_ascii_case("who");
                let earlier = if who {
                    None
                } else {
                    seen.range(..k).next_back().and_then(|(j, v)| {
                        v.iter().copied().find(|p| !fronted_seen.contains(&(*j, *p))).or_else(|| v.first().copied())
                    })
                };
                // Cataphora: "Before his final stroke, in 1922 Lenin had ...".
                let (s0, s1) = sentences.get(k).copied().unwrap_or((0, text.len()));
                let ahead = refs[i + 1..]
                    .iter()
                    .take_while(|x| x.start < s1)
                    .find(|x| x.entity.is_some_and(|e| entities[e].label == "PERSON"))
                    .filter(|x| {
                        let fronted = !text[s0..r.start].contains(',') && text[r.end..x.start].contains(',');
                        fronted && tokens(&text[r.end..x.start]).len() <= 6
                    })
                    .and_then(|x| x.entity);
                let p = here.or(ahead).or(earlier);
                if let Some(p) = p {
                    persons.insert(r.start, p);
                }
                p
            }
            _ => None,
        };
        if let Some(p) = person {
            // A person in a fronted phrase ("Unlike Stalin, Trotsky ...") is not the sentence's subject.
            let (s0, _) = sentences.get(k).copied().unwrap_or((0, text.len()));
            let head = &text[s0..r.start];
            let fronted = !head.contains(',')
                && text[r.end..].trim_start().starts_with(',')
                && tokens(head).first().is_some_and(|&(a, b)| FRONTING.contains(&head[a..b].to_lowercase().as_str()));
            seen.entry(k).or_default().push(p);
            if fronted {
                fronted_seen.insert((k, p));
            }
        }
    }
    persons
}

/// "(Name; Place, 1877 – Place, 1940)" and "Name (1879–1940)": a bracket ending in two dates joined by a dash,
/// with a person named inside it or right before it, gives the person's birth and death.
/// Returns the indices of the dates it used: a life span is no date for a trigger nearby.
fn life_spans(doc: &Doc, out: &mut Vec<Claim>) -> HashSet<usize> {
    let mut used = HashSet::new();
    let text = doc.text;
    let mut open: Vec<usize> = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '(' => open.push(i),
            ')' => {
                let Some(o) = open.pop() else { continue };
                if i - o > MAX_SENTENCE {
                    continue;
                }
                let inner: Vec<usize> = doc.dates_in(o + 1, i).collect();
                // Two dates joined by a dash, or one range ("1879-1940"), closing the bracket.
                let (ka, kb) = match *inner.as_slice() {
                    [.., a, b] if doc.dates[a].kind == DateKind::Date && doc.dates[b].kind == DateKind::Date => {
                        if !text[doc.dates[a].end..doc.dates[b].start].contains(['-', '–']) {
                            continue;
                        }
                        (a, b)
                    }
                    [.., r] if doc.dates[r].kind == DateKind::Range => (r, r),
                    _ => continue,
                };
                let (da, db) = (&doc.dates[ka], &doc.dates[kb]);
                if !text[db.end..i].trim().is_empty() {
                    continue;
                }
                let values: Vec<&str> = match (usable(da), usable(db)) {
                    (Some((a, _)), Some((b, _))) if ka != kb => vec![a, b],
                    (Some((r, _)), _) => r.split('/').collect(),
                    _ => continue,
                };
                let &[born, died] = values.as_slice() else { continue };
                let person = doc.refs_in(o, da.start).find_map(|r| doc.resolve(r, &["PERSON"])).or_else(|| {
                    let before = text[..o].trim_end();
                    doc.name_ending_at(before.len()).and_then(|r| doc.resolve(r, &["PERSON"]))
                });
                let Some(p) = person else { continue };
                let k = doc.sentences.partition_point(|&(_, e)| e <= o);
                let sentence = doc.sentences.get(k).copied().filter(|&(s, e)| s <= o && i < e).unwrap_or((o, i + 1));
                used.extend([ka, kb]);
                for (event, d, v) in [("born", da, born), ("died", db, died)] {
                    out.push(Claim {
                        subject: p,
                        event: event.to_owned(),
                        object: None,
                        agent: None,
                        value: v.to_owned(),
                        modifier: d.modifier.clone(),
                        date: (d.start, d.end),
                        trigger: None,
                        sentence,
                        derived: false,
                    });
                }
            }
            _ => {}
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::dates::DateTagger;
    use crate::tag::entities::Matcher;

    /// The repository's gazetteer: what the claims stage reads.
    struct Data {
        matcher: Matcher,
        dates: DateTagger,
        claims: ClaimRules,
    }

    fn data() -> Data {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"));
        Data {
            matcher: Matcher::load(dir).unwrap(),
            dates: DateTagger::load(dir).unwrap(),
            claims: ClaimRules::load(dir).unwrap(),
        }
    }

    /// (subject, event, object, value) of every claim in `text`.
    fn claims(data: &Data, text: &str) -> Vec<(String, String, Option<String>, String)> {
        let ms = data.matcher.tag_document([text]).remove(0);
        let names: Vec<(usize, usize)> = ms.iter().map(|m| (m.start, m.end)).collect();
        let ds = data.dates.tag(text, &names);
        let id = |e: usize| data.matcher.entities[e].id.clone();
        data.claims
            .extract(text, &ms, &ds, &data.matcher.entities)
            .into_iter()
            .map(|c| (id(c.subject), c.event, c.object.map(id), c.value))
            .collect()
    }

    fn c(s: &str, e: &str, o: Option<&str>, v: &str) -> (String, String, Option<String>, String) {
        (s.into(), e.into(), o.map(str::to_owned), v.into())
    }

    #[test]
    fn life_span_in_brackets() {
        let d = data();
        assert_eq!(
            claims(&d, "(Lev Davidovich Bronstein, called Leon Trotsky; Yanovka, Ukraine, 1877 - Coyoacán, Mexico, 1940) Russian revolutionary."),
            vec![c("leon-trotsky", "born", None, "1877"), c("leon-trotsky", "died", None, "1940")]
        );
    }

    #[test]
    fn life_span_as_a_range_is_no_date_for_a_trigger() {
        let d = data();
        assert_eq!(
            claims(&d, "Leon Trotsky (1879-1940) wrote pamphlets."),
            vec![c("leon-trotsky", "born", None, "1879"), c("leon-trotsky", "died", None, "1940")]
        );
    }

    #[test]
    fn a_verb_without_an_undergoer_does_not_share_a_coordinated_passive() {
        let d = data();
        assert_eq!(
            claims(&d, "Trotsky was born in 1879 and died in 1940."),
            vec![c("leon-trotsky", "born", None, "1879"), c("leon-trotsky", "died", None, "1940")]
        );
        // A verb with one does: "was removed ... and eventually expelled".
        assert_eq!(
            claims(&d, "Trotsky was removed from his posts and eventually expelled from the Soviet Union in 1929."),
            vec![c("leon-trotsky", "expelled", Some("soviet-union"), "1929")]
        );
    }

    #[test]
    fn participles_coordination_and_dates() {
        let d = data();
        assert_eq!(
            claims(
                &d,
                "Trotsky, born in 1879 and assassinated in 1940 in Mexico by a Stalinist agent, was a revolutionary."
            ),
            vec![c("leon-trotsky", "born", None, "1879"), c("leon-trotsky", "assassinated", None, "1940")]
        );
    }

    #[test]
    fn causative_subject_and_object_typed_events() {
        let d = data();
        assert_eq!(
            claims(&d, "Stalin had Trotsky exiled to Kazakhstan in 1928 and expelled from the Soviet Union in 1930."),
            vec![
                c("leon-trotsky", "exiled", Some("kazakhstan"), "1928"),
                c("leon-trotsky", "expelled", Some("soviet-union"), "1930")
            ]
        );
    }

    #[test]
    fn pronouns_passives_and_relative_pronouns() {
        let d = data();
        assert_eq!(claims(&d, "Lenin spoke often. He died in 1924."), vec![c("vladimir-lenin", "died", None, "1924")]);
        assert_eq!(
            claims(&d, "The Comintern was important. This was founded in 1919 by the Bolsheviks."),
            vec![c("communist-international", "founded", None, "1919")]
        );
        assert_eq!(
            claims(
                &d,
                "The memoir \"The Memoirs of a Bolshevik-Leninist\" was published in 1974, having been smuggled out."
            ),
            vec![c("memoirs-of-a-bolshevik-leninist", "published", None, "1974")]
        );
        assert_eq!(
            claims(
                &d,
                "It was a fight (and Zinoviev and Kamenev who came over in 1926 to Trotsky's side) of two camps."
            ),
            vec![
                c("grigory-zinoviev", "joined", Some("left-opposition"), "1926"),
                c("lev-kamenev", "joined", Some("left-opposition"), "1926")
            ]
        );
    }

    #[test]
    fn passive_with_by_phrase_swaps_the_roles() {
        let d = data();
        assert_eq!(
            claims(&d, "The Left Opposition led by Trotsky and joined in 1926 by Zinoviev and Kamenev fought on."),
            vec![
                c("grigory-zinoviev", "joined", Some("left-opposition"), "1926"),
                c("lev-kamenev", "joined", Some("left-opposition"), "1926")
            ]
        );
    }

    #[test]
    fn appositions_date_a_name_s_own_event() {
        let d = data();
        assert_eq!(
            claims(
                &d,
                "We think of the October Revolution of 1917 and of works such as The Permanent Revolution, 1930."
            ),
            vec![
                c("october-revolution", "occurred", None, "1917"),
                c("the-permanent-revolution", "published", None, "1930")
            ]
        );
    }

    #[test]
    fn a_date_in_another_clause_is_not_taken() {
        let d = data();
        // "when ... died" has no date of its own; "1914" belongs to "agreed".
        assert!(claims(
            &d,
            "Lenin's position became that of the Opposition in 1926, while the centrist group defeated them."
        )
        .is_empty());
        // The object of "established" is "the regime", not the place after "in".
        assert!(claims(&d, "They established the communist regime in Russia in 1917.").is_empty());
    }

    #[test]
    fn bad_trigger_rows_are_reported_with_file_and_line() {
        let events = (
            "e.tsv".to_owned(),
            "event\tsame_as\toccurs\tobject_exists\nborn\t-\tonce\tno\nfled\t-\toften\tno\n".to_owned(),
        );
        let triggers = (
            "t.tsv".to_owned(),
            "trigger\tevent\tsubject\tlabels\tobject\nborn\tborn\ttheme\tHUMAN\t-\nwed\tmarried\tactor\tPERSON\t-\n"
                .to_owned(),
        );
        let errors: Vec<String> =
            ClaimRules::parse(&events, &triggers).err().unwrap().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errors,
            vec![
                "e.tsv:3: unknown event \"fled\" (known: ".to_owned() + &FACT_KEYS.join(", ") + ")",
                "t.tsv:2: unknown label \"HUMAN\"".to_owned(),
                "t.tsv:3: event \"married\" is not in claim-events.tsv".to_owned(),
            ]
        );
    }
}
