//! Reduce step: all documents' claims → date inconsistencies; their stance sentences → stance records and stance
//! inconsistencies (see `stances`).
//!
//! Claims are grouped by (subject, event, object), with manners of one event compared as that event
//! ("assassinated" and "died"). Two values conflict only when their time intervals cannot overlap:
//!
//! * a value is an interval of days: `1917` is the year, `1917-07` the month, `193X` the decade, `18XX` the
//!   century, `1918/1925` the range; so a point inside a range, a month inside a year and a day inside a month
//!   are compatible;
//! * before 1918-02-14 (Russia's change of calendar) a month or day may be Old Style (Julian), up to 13 days
//!   behind the Gregorian date of the same day, so months and days that far apart are compatible too (years are
//!   not stretched: "1906" and "1907" differ).
//!
//! Checks, per group:
//!
//! * **sources disagree**: two claims of a `once` event are incompatible (between sources, or within one);
//! * **against reference**: a claim is incompatible with the gazetteer's reference fact for the same subject,
//!   event and object (`born=1879-11-07`, `expelled@soviet-union=1929-02`, `start`/`end` for `occurred`); for
//!   events that happen many times, with every listed occurrence;
//! * **before the object existed**: a claim dates joining or backing a body before its founding fact.
//!
//! `by-content` events (statements) are the same event only when their sentences share enough content words.
//! Every record has a stable id: a hash of the kind, subject, event, object and the values in conflict.

use crate::data::gazetteer::Entity;
use crate::extract::claims::{ClaimRules, Occurs};
use crate::record::{ClaimSpan, Inconsistency, Position, RawPos, StanceQuote, StanceRecord};
use crate::tag::calendar::{compatible, fine, gap, interval, JULIAN_SLACK};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A claim with where it was found, as the reconcile step receives it from the documents.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Located {
    pub document: String,
    pub segment: String,
    pub author: Option<String>,
    pub claim: ClaimSpan,
    /// The sentence the claim was read from.
    pub evidence: String,
}

/// A stance evidence sentence with where it was found, as the reconcile step gets it.
#[derive(Debug, Clone)]
pub struct LocatedStance {
    pub document: String,
    pub segment: String,
    pub author: Option<String>,
    /// The comment (segment id) of a commenter with no known name; None otherwise.
    pub comment: Option<String>,
    pub target: String,
    pub score: f64,
    pub raw: RawPos,
    pub text: String,
}

/// How many evidence sentences a stance record quotes.
const STANCE_QUOTES: usize = 5;
/// Opposite stances on a target are a conflict when each side's evidence weighs at least this much (the sum of
/// its sentences' absolute scores): a little above one sentence at the evidence minimum (0.25), so that a side
/// resting on a single borderline sentence does not make a conflict.
const CONFLICT_SIDE: f64 = 0.3;

/// Sentences → one stance per (document, speaker, target) (a speaker: the main author, a poster, or an unnamed
/// commenter's comment), and the targets on which sources or posters take
/// opposite positions (a pro and a con, each with enough evidence). A speaker who names a target without
/// evaluating it takes, through `related` ((target, related) pairs: a doctrine and the person it is named after),
/// the clear stance they show toward the related target (`via`).
pub fn stances(evidence: &[LocatedStance], related: &[(String, String)]) -> (Vec<StanceRecord>, Vec<Inconsistency>) {
    stance_conflicts(stance_records(evidence, related))
}

/// A stance record with the weight of its own evidence (the sum of its sentences' absolute scores; 0 for a neutral
/// or inherited stance): what it brings to a conflict.
pub type Weighed = (StanceRecord, f64);

/// The stance records of some documents' sentences (a document's are all it takes: records do not reach across
/// documents, so the pipeline keeps only these, not the sentences, until all documents are read).
pub fn stance_records(evidence: &[LocatedStance], related: &[(String, String)]) -> Vec<Weighed> {
    type Key = (String, Option<String>, Option<String>, String);
    let mut groups: BTreeMap<Key, Vec<&LocatedStance>> = BTreeMap::new();
    for e in evidence {
        groups.entry((e.target.clone(), e.author.clone(), e.comment.clone(), e.document.clone())).or_default().push(e);
    }
    // Speakers who declare an even-handed account: (author, comment, document) -> the declaring sentence.
    let declared: BTreeMap<(Option<String>, Option<String>, String), &LocatedStance> = groups
        .iter()
        .filter(|(k, _)| k.0 == crate::extract::stance::EVEN_HANDED)
        .map(|(k, ev)| ((k.1.clone(), k.2.clone(), k.3.clone()), ev[0]))
        .collect();
    let quote = |e: &LocatedStance| StanceQuote {
        segment: e.segment.clone(),
        raw: e.raw,
        score: crate::record::round3(e.score),
        text: e.text.trim().to_owned(),
    };
    let mut own: BTreeMap<Key, (StanceRecord, f64)> = BTreeMap::new();
    let mut unevaluated: Vec<(Key, &LocatedStance)> = Vec::new();
    for (key, ev) in &groups {
        let (target, author, comment, document) = key;
        if target == crate::extract::stance::EVEN_HANDED {
            continue;
        }
        let even = declared.get(&(author.clone(), comment.clone(), document.clone()));
        let Some((stance, score)) = crate::extract::stance::label_for(ev.iter().map(|e| e.score), even.is_some())
        else {
            if ev.iter().all(|e| e.score == 0.0) {
                unevaluated.push((key.clone(), ev[0]));
            }
            continue;
        };
        // Quotes that show the stance first: the highest scores for pro, the lowest for con; sentences that only
        // name the target show only a neutral stance, after the declaration.
        let mut sorted: Vec<&LocatedStance> =
            ev.iter().copied().filter(|e| stance == "neutral" || e.score != 0.0).collect();
        sorted.sort_by(|a, b| {
            let side = |x: f64| match stance {
                "con" => x,
                "pro" => -x,
                _ => -x.abs(),
            };
            side(a.score).total_cmp(&side(b.score)).then(a.raw.line.cmp(&b.raw.line))
        });
        if let Some(d) = even {
            sorted.insert(0, d);
        }
        // The weight of the speaker's own evidence: what a position brings to a conflict.
        let weight: f64 = if stance == "neutral" { 0.0 } else { ev.iter().map(|e| e.score.abs()).sum() };
        let rec = StanceRecord {
            document: document.clone(),
            author: author.clone(),
            comment: comment.clone(),
            target: target.clone(),
            stance: stance.to_owned(),
            score: crate::record::round3(score),
            via: None,
            evidence: sorted.iter().take(STANCE_QUOTES).map(|e| quote(e)).collect(),
        };
        own.insert(key.clone(), (rec, weight));
    }
    // Inherited stances: the related targets' clear stances, when they agree.
    let mut inherited = Vec::new();
    for (key, mention) in unevaluated {
        let (target, author, comment, document) = &key;
        let sources: Vec<&StanceRecord> = related
            .iter()
            .filter_map(|(a, b)| (a == target).then_some(b))
            .filter_map(|r| own.get(&(r.clone(), author.clone(), comment.clone(), document.clone())))
            .map(|(r, _)| r)
            .filter(|r| r.stance == "pro" || r.stance == "con")
            .collect();
        let Some(first) = sources.first() else { continue };
        if sources.iter().any(|r| r.stance != first.stance) {
            continue;
        }
        let mut evidence = vec![quote(mention)];
        evidence.extend(first.evidence.iter().take(STANCE_QUOTES - 1).cloned());
        let rec = StanceRecord {
            document: document.clone(),
            author: author.clone(),
            comment: comment.clone(),
            target: target.clone(),
            stance: first.stance.clone(),
            score: first.score,
            via: Some(first.target.clone()),
            evidence,
        };
        inherited.push((key, (rec, 0.0)));
    }
    own.extend(inherited);
    own.into_values().collect()
}

/// The check of a stance conflict.
pub const OPPOSITE_STANCES: &str = "opposite-stances";

/// The order of `stances.jsonl`: (target, author, comment, document), one record per key.
pub type StanceKey = (String, Option<String>, Option<String>, String);

pub fn stance_key(r: &StanceRecord) -> StanceKey {
    (r.target.clone(), r.author.clone(), r.comment.clone(), r.document.clone())
}

/// Stance records of all documents → the records in `stances.jsonl` order and the targets on which they take
/// opposite positions.
pub fn stance_conflicts(mut weighed: Vec<Weighed>) -> (Vec<StanceRecord>, Vec<Inconsistency>) {
    weighed.sort_by(|(a, _), (b, _)| {
        (&a.target, &a.author, &a.comment, &a.document).cmp(&(&b.target, &b.author, &b.comment, &b.document))
    });
    // Sorted by target first: each target's records are one run.
    let mut conflicts = Vec::new();
    for recs in weighed.chunk_by(|a, b| a.0.target == b.0.target) {
        let mut side = TargetSides::new(&recs[0].0.target);
        let positions: Vec<Position> = recs.iter().filter_map(|(r, w)| side.add(r, *w)).collect();
        conflicts.extend(side.conflict().map(|c| Inconsistency { positions, ..c }));
    }
    (weighed.into_iter().map(|(r, _)| r).collect(), conflicts)
}

/// One target's stance records, added in `stances.jsonl` order, and the conflict they make: each side needs
/// enough evidence of its own (one clear sentence, or several weaker ones, over its positions); inherited stances
/// bring none. Holds counts only: `add` hands each position back for the caller to keep (in memory or on disk).
pub struct TargetSides {
    target: String,
    /// (weight, records) of the pro and the con side.
    pro: (f64, usize),
    con: (f64, usize),
    /// The document of the first position, and whether another document has one.
    first_document: Option<String>,
    many_documents: bool,
    /// Positions that are not mixed.
    strength: usize,
}

impl TargetSides {
    pub fn new(target: &str) -> Self {
        TargetSides {
            target: target.to_owned(),
            pro: (0.0, 0),
            con: (0.0, 0),
            first_document: None,
            many_documents: false,
            strength: 0,
        }
    }

    pub fn target(&self) -> &str {
        &self.target
    }

    /// Add the next record; its position, if it is one (a record of the speaker's own, not neutral).
    pub fn add(&mut self, r: &StanceRecord, w: f64) -> Option<Position> {
        if w <= 0.0 {
            return None;
        }
        match r.stance.as_str() {
            "pro" => self.pro = (self.pro.0 + w, self.pro.1 + 1),
            "con" => self.con = (self.con.0 + w, self.con.1 + 1),
            "neutral" => return None,
            _ => {}
        }
        if r.stance != "mixed" {
            self.strength += 1;
        }
        match &self.first_document {
            None => self.first_document = Some(r.document.clone()),
            Some(d) if *d != r.document => self.many_documents = true,
            Some(_) => {}
        }
        let top = &r.evidence[0];
        Some(Position {
            document: r.document.clone(),
            segment: top.segment.clone(),
            author: r.author.clone(),
            value: r.stance.clone(),
            event: "stance".to_owned(),
            surface: format!("{:+.2}", r.score),
            derived: false,
            raw: top.raw,
            evidence: top.text.clone(),
            agrees_with_reference: None,
        })
    }

    /// The conflict, if both sides weigh enough, without its positions (the ones `add` returned, in order).
    pub fn conflict(self) -> Option<Inconsistency> {
        if self.pro.0 < CONFLICT_SIDE || self.con.0 < CONFLICT_SIDE {
            return None;
        }
        Some(Inconsistency {
            // One id per target, so that a reviewed conflict stays reviewed when a new source joins it.
            id: stable_id("stance", &format!("stance\t{}\topposite-stances", self.target)),
            kind: "stance".to_owned(),
            check: OPPOSITE_STANCES.to_owned(),
            subject: self.target,
            event: "stance".to_owned(),
            object: None,
            within_source: !self.many_documents,
            severity: if self.strength >= 3 { "major" } else { "minor" }.to_owned(),
            reference: None,
            reference_source: None,
            positions: Vec::new(),
            note: format!("{} pro and {} con positions", self.pro.1, self.con.1),
        })
    }
}

/// A disagreement of months or days at most this far apart is minor.
const MINOR_DAYS: i64 = 62;
/// Two statements are the same when their sentences share this many content words.
const SAME_STATEMENT_WORDS: usize = 3;

/// A reference value and where it is stated.
#[derive(Debug, Clone)]
struct Reference {
    values: Vec<String>,
    origin: String,
}

/// The key claims are grouped by: (subject, event — a manner of an event counts as the event —, object; none for
/// statements, which are told apart by their wording, not by what they are about).
pub type GroupKey = (String, String, Option<String>);

pub fn group_key(c: &Located, rules: &ClaimRules) -> GroupKey {
    let ev = rules.canonical(&c.claim.event).to_owned();
    let by_content = rules.events.get(&ev).is_some_and(|e| e.occurs == Occurs::ByContent);
    let object = if by_content { None } else { c.claim.object.clone() };
    (c.claim.subject.clone(), ev, object)
}

/// Where a date inconsistency stands in the output: the sources' disagreements first, then the other checks;
/// within each, by subject and event, which is the order of the groups.
pub fn rank(check: &str) -> usize {
    match check {
        "sources-disagree" => 0,
        _ => 1,
    }
}

/// The date checks, run on one group of claims at a time, groups in key order (the reduce phase streams them out
/// of an external sort); ids are kept unique over all the groups seen.
pub struct DateChecks<'a> {
    rules: &'a ClaimRules,
    by_id: HashMap<&'a str, &'a Entity>,
    seen: HashSet<String>,
}

impl<'a> DateChecks<'a> {
    pub fn new(rules: &'a ClaimRules, entities: &'a [Entity]) -> Self {
        DateChecks { rules, by_id: entities.iter().map(|e| (e.id.as_str(), e)).collect(), seen: HashSet::new() }
    }

    /// The inconsistencies of one group, its claims in input order.
    pub fn group(&mut self, (subject, event, object): &GroupKey, members: &[&Located]) -> Vec<Inconsistency> {
        let mut out = self.checks(subject, event, object, members);
        // Two records with the same recipe (two separate statements with the same dates) are told apart by where
        // they stand, so ids stay unique.
        for r in &mut out {
            if !self.seen.insert(r.id.clone()) {
                let at: Vec<String> = r.positions.iter().map(|p| format!("{}:{}", p.segment, p.raw.line)).collect();
                r.id = stable_id("date", &format!("{}\t{}", r.id, at.join(",")));
                self.seen.insert(r.id.clone());
            }
        }
        out
    }

    fn checks(&self, subject: &str, event: &str, object: &Option<String>, members: &[&Located]) -> Vec<Inconsistency> {
        let (rules, by_id) = (self.rules, &self.by_id);
        let mut out = Vec::new();
        let occurs = rules.events.get(event).map_or(Occurs::Many, |e| e.occurs);
        let reference = reference(by_id, subject, event, object.as_deref(), rules);
        let clusters: Vec<Vec<&Located>> = match occurs {
            Occurs::Once => vec![members.to_vec()],
            Occurs::ByContent => same_content(members),
            // Each occurrence stands alone; claims with the same value are taken as one occurrence.
            Occurs::Many => {
                let mut by_value: BTreeMap<&str, Vec<&Located>> = BTreeMap::new();
                for m in members {
                    by_value.entry(m.claim.value.as_str()).or_default().push(m);
                }
                by_value.into_values().collect()
            }
        };
        for cluster in clusters {
            let values: BTreeSet<&str> = cluster.iter().map(|c| c.claim.value.as_str()).collect();
            let values: Vec<&str> = values.into_iter().collect();
            let disagree = values.iter().enumerate().any(|(i, a)| values[i + 1..].iter().any(|b| !compatible(a, b)));
            let agrees = |v: &str| reference.as_ref().map(|r| r.values.iter().any(|rv| compatible(rv, v)));
            if disagree {
                let minor = cluster.iter().any(|c| c.claim.derived) || close(&values);
                out.push(record(
                    "sources-disagree",
                    (subject, event, object.as_deref()),
                    &cluster,
                    if minor { "minor" } else { "major" },
                    reference.as_ref(),
                    &agrees,
                    "sources give incompatible dates for the same event".to_owned(),
                ));
                continue;
            }
            let wrong: Vec<&Located> =
                cluster.iter().copied().filter(|c| agrees(&c.claim.value) == Some(false)).collect();
            if !wrong.is_empty() {
                let r = reference.as_ref().expect("a reference disagreed with");
                let minor = wrong.iter().all(|c| {
                    r.values.iter().any(|rv| fine(rv) && fine(&c.claim.value) && gap(rv, &c.claim.value) <= MINOR_DAYS)
                });
                out.push(record(
                    "against-reference",
                    (subject, event, object.as_deref()),
                    &wrong,
                    if minor { "minor" } else { "major" },
                    Some(r),
                    &agrees,
                    format!("the reference gives {}", r.values.join(" or ")),
                ));
            }
        }
        // A body joined, merged with or backed before it existed.
        let Some(o) = object.as_deref() else { return out };
        if !rules.events.get(event).is_some_and(|e| e.object_exists) {
            return out;
        }
        let Some(oe) = by_id.get(o) else { return out };
        let Some(f) = oe.facts.iter().find(|f| f.key == "founded" || f.key == "start") else { return out };
        let early: Vec<&Located> = members
            .iter()
            .copied()
            .filter(|c| match (interval(&c.claim.value), interval(&f.value)) {
                (Some(v), Some(r)) => v.1 + JULIAN_SLACK < r.0,
                _ => false,
            })
            .collect();
        if early.is_empty() {
            return out;
        }
        let r = Reference { values: vec![f.value.clone()], origin: oe.origin.clone() };
        out.push(record(
            "before-object-existed",
            (subject, event, Some(o)),
            &early,
            "major",
            Some(&r),
            &|_| Some(false),
            format!("{} ({o}) was {} {}", oe.name, if f.key == "founded" { "founded" } else { "begun" }, f.value),
        ));
        out
    }
}

/// All inconsistencies among the claims, in a stable order.
pub fn reconcile(claims: &[Located], rules: &ClaimRules, entities: &[Entity]) -> Vec<Inconsistency> {
    let mut groups: BTreeMap<GroupKey, Vec<&Located>> = BTreeMap::new();
    for c in claims {
        groups.entry(group_key(c, rules)).or_default().push(c);
    }
    let mut checks = DateChecks::new(rules, entities);
    let mut out: Vec<Inconsistency> = groups.iter().flat_map(|(key, members)| checks.group(key, members)).collect();
    out.sort_by(|a, b| rank(&a.check).cmp(&rank(&b.check)).then(a.subject.cmp(&b.subject)).then(a.event.cmp(&b.event)));
    out
}

/// Are all values months or days at most `MINOR_DAYS` apart? Then the disagreement is minor.
fn close(values: &[&str]) -> bool {
    values.iter().enumerate().all(|(i, x)| {
        values[i + 1..].iter().all(|y| compatible(x, y) || (fine(x) && fine(y) && gap(x, y) <= MINOR_DAYS))
    })
}

/// The reference fact for (subject, event, object): the subject's fact of that event (or of a manner of it)
/// with the same object; for `occurred`, the event's `start`/`end`; else the object's own fact of the event
/// ("published" on a work).
fn reference(
    by_id: &HashMap<&str, &Entity>,
    subject: &str,
    event: &str,
    object: Option<&str>,
    rules: &ClaimRules,
) -> Option<Reference> {
    let s = by_id.get(subject)?;
    let keys: Vec<&str> =
        rules.events.keys().map(String::as_str).filter(|k| *k == event || rules.canonical(k) == event).collect();
    let values: Vec<String> = s
        .facts
        .iter()
        .filter(|f| keys.contains(&f.key.as_str()) && f.object.as_deref() == object)
        .map(|f| f.value.clone())
        .collect();
    if !values.is_empty() {
        return Some(Reference { values, origin: s.origin.clone() });
    }
    if event == "occurred" && object.is_none() {
        let get = |k: &str| s.facts.iter().find(|f| f.key == k).map(|f| f.value.clone());
        let v = match (get("start"), get("end")) {
            (Some(a), Some(b)) if a != b => Some(format!("{a}/{b}")),
            (Some(a), _) => Some(a),
            _ => None,
        };
        return v.map(|v| Reference { values: vec![v], origin: s.origin.clone() });
    }
    let o = by_id.get(object?)?;
    let values: Vec<String> =
        o.facts.iter().filter(|f| f.key == event && f.object.is_none()).map(|f| f.value.clone()).collect();
    (!values.is_empty()).then(|| Reference { values, origin: o.origin.clone() })
}

/// Clusters of claims whose sentences share at least `SAME_STATEMENT_WORDS` content words.
fn same_content<'a>(members: &[&'a Located]) -> Vec<Vec<&'a Located>> {
    // Identical sentences (the same text copied) are compared once.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    for m in members {
        index.entry(m.evidence.as_str()).or_insert_with(|| {
            distinct.push(m.evidence.as_str());
            distinct.len() - 1
        });
    }
    let words: Vec<BTreeSet<String>> = distinct.iter().map(|s| content_words(s)).collect();
    // Union-find over the sentences that share enough words.
    let mut parent: Vec<usize> = (0..distinct.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..distinct.len() {
        for j in i + 1..distinct.len() {
            if words[i].intersection(&words[j]).count() >= SAME_STATEMENT_WORDS {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut out: BTreeMap<usize, Vec<&Located>> = BTreeMap::new();
    for m in members {
        let r = root(&mut parent, index[m.evidence.as_str()]);
        out.entry(r).or_default().push(m);
    }
    out.into_values().collect()
}

/// Lowercase words of five or more letters, a rough stand-in for content words, with a trailing plural `s`
/// dropped.
fn content_words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| {
            let w = w.to_lowercase();
            w.strip_suffix('s').map(str::to_owned).unwrap_or(w)
        })
        .collect()
}

/// `<kind>-` and the first 12 hex digits of the sha256 of `key`.
fn stable_id(kind: &str, key: &str) -> String {
    let hash = Sha256::digest(key.as_bytes());
    format!("{kind}-{}", hash.iter().take(6).map(|b| format!("{b:02x}")).collect::<String>())
}

#[allow(clippy::too_many_arguments)]
fn record(
    check: &str,
    (subject, event, object): (&str, &str, Option<&str>),
    claims: &[&Located],
    severity: &str,
    reference: Option<&Reference>,
    agrees: &dyn Fn(&str) -> Option<bool>,
    note: String,
) -> Inconsistency {
    let mut values: Vec<&str> = claims.iter().map(|c| c.claim.value.as_str()).collect();
    values.sort_unstable();
    values.dedup();
    let key = format!("date\t{subject}\t{event}\t{}\t{}\t{}", object.unwrap_or("-"), check, values.join(","));
    let id = stable_id("date", &key);
    let documents: BTreeSet<&str> = claims.iter().map(|c| c.document.as_str()).collect();
    let within_source = documents.len() == 1;
    Inconsistency {
        id,
        kind: "date".to_owned(),
        check: check.to_owned(),
        subject: subject.to_owned(),
        event: event.to_owned(),
        object: object.map(str::to_owned),
        within_source,
        severity: severity.to_owned(),
        reference: reference.map(|r| r.values.join(" | ")),
        reference_source: reference.map(|r| r.origin.clone()),
        positions: claims
            .iter()
            .map(|c| Position {
                document: c.document.clone(),
                segment: c.segment.clone(),
                author: c.author.clone(),
                value: c.claim.value.clone(),
                event: c.claim.event.clone(),
                surface: c.claim.surface.clone(),
                derived: c.claim.derived,
                raw: RawPos { line: c.claim.raw.line, col: c.claim.raw.col },
                evidence: c.evidence.clone(),
                agrees_with_reference: agrees(&c.claim.value),
            })
            .collect(),
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_with_shared_wording_are_one_event() {
        let at = |e: &str| Located {
            document: "d".into(),
            segment: "d:0000".into(),
            author: None,
            claim: ClaimSpan::default(),
            evidence: e.into(),
        };
        let a = at("Lenin's assessment in 1920 that the Soviet Union was capitalist state with communists in charge");
        let b = at("Lenin in 1919: This is a capitalist state that happens to be run by Communists");
        let c = at("For example, in March 1918, Lenin wrote:");
        let clusters = same_content(&[&a, &b, &c]);
        assert_eq!(clusters.len(), 2);
        assert_eq!(clusters[0].len(), 2);
    }

    /// A stance sentence of `doc` by `author` (or an unnamed commenter's `comment`) on `target`.
    fn said(
        doc: &str,
        author: Option<&str>,
        comment: Option<&str>,
        target: &str,
        score: f64,
        line: u32,
    ) -> LocatedStance {
        LocatedStance {
            document: doc.into(),
            segment: format!("{doc}:0000"),
            author: author.map(str::to_owned),
            comment: comment.map(str::to_owned),
            target: target.into(),
            score,
            raw: RawPos { line, col: 0 },
            text: format!("sentence {line}"),
        }
    }

    #[test]
    fn a_named_but_unjudged_target_takes_the_stance_toward_its_related_target() {
        let related = vec![("trotskyism".to_owned(), "leon-trotsky".to_owned())];
        let ev = [said("a", None, None, "leon-trotsky", 0.7, 1), said("a", None, None, "trotskyism", 0.0, 2)];
        let (records, _) = stances(&ev, &related);
        let t = records.iter().find(|r| r.target == "trotskyism").expect("an inherited record");
        assert_eq!((t.stance.as_str(), t.via.as_deref()), ("pro", Some("leon-trotsky")));
        // First the sentence naming the target, then the related stance's evidence.
        assert_eq!(t.evidence.iter().map(|q| q.raw.line).collect::<Vec<_>>(), vec![2, 1]);
        // One way only: a person does not take the stance toward a doctrine.
        let ev = [said("a", None, None, "trotskyism", -0.7, 1), said("a", None, None, "leon-trotsky", 0.0, 2)];
        let (records, _) = stances(&ev, &related);
        assert!(records.iter().all(|r| r.target != "leon-trotsky"), "{records:?}");
        // Nor does a target that is judged, even unclearly.
        let ev = [
            said("a", None, None, "leon-trotsky", 0.7, 1),
            said("a", None, None, "trotskyism", 0.3, 2),
            said("a", None, None, "trotskyism", -0.3, 3),
        ];
        let (records, _) = stances(&ev, &related);
        assert!(records.iter().all(|r| r.via.is_none()), "{records:?}");
    }

    #[test]
    fn unnamed_commenters_are_speakers_of_their_own() {
        let ev = [said("a", None, None, "communism", 0.6, 1), said("a", None, Some("a:0003"), "communism", -0.6, 9)];
        let (records, conflicts) = stances(&ev, &[]);
        let got: Vec<(Option<&str>, &str)> =
            records.iter().map(|r| (r.comment.as_deref(), r.stance.as_str())).collect();
        assert_eq!(got, vec![(None, "pro"), (Some("a:0003"), "con")]);
        // The article and the comment under it disagree: a conflict within one source.
        assert_eq!(conflicts.len(), 1);
        assert!(conflicts[0].within_source);
    }

    #[test]
    fn a_stance_conflict_needs_evidence_on_both_sides() {
        // A borderline sentence on one side is not enough...
        let ev = [said("a", None, None, "stalinism", -0.8, 1), said("b", None, None, "stalinism", 0.26, 1)];
        assert!(stances(&ev, &[]).1.is_empty());
        // ... two sources together are.
        let ev = [
            said("a", None, None, "stalinism", -0.8, 1),
            said("b", None, None, "stalinism", 0.26, 1),
            said("c", Some("poster"), None, "stalinism", 0.26, 4),
        ];
        let (_, conflicts) = stances(&ev, &[]);
        assert_eq!(conflicts.len(), 1);
        let c = &conflicts[0];
        assert_eq!((c.note.as_str(), c.severity.as_str()), ("2 pro and 1 con positions", "major"));
        // The id names the target only, so a reviewed conflict stays reviewed as sources come and go.
        assert_eq!(c.id, stable_id("stance", "stance\tstalinism\topposite-stances"));
    }

    #[test]
    fn an_even_handed_speaker_is_neutral_and_shows_the_declaration_first() {
        let ev = [
            said("a", None, None, crate::extract::stance::EVEN_HANDED, 0.0, 9),
            said("a", None, None, "leon-trotsky", 0.5, 1),
            said("a", None, None, "leon-trotsky", 0.0, 2),
            said("b", None, None, "leon-trotsky", -0.9, 1),
        ];
        let (records, conflicts) = stances(&ev, &[]);
        let a = records.iter().find(|r| r.document == "a").unwrap();
        assert_eq!(a.stance, "neutral");
        assert_eq!(a.evidence.iter().map(|q| q.raw.line).collect::<Vec<_>>(), vec![9, 1, 2]);
        assert!(records.iter().all(|r| r.target != crate::extract::stance::EVEN_HANDED));
        // A neutral account takes no side in a conflict.
        assert!(conflicts.is_empty());
    }
}
