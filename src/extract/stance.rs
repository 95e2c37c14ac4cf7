//! Stage: targeted stance. For every sentence that names a target (a person, party, state, event or doctrine
//! tagged by the entity stage, or a concept of `gazetteer/stance-targets.tsv` such as communism), the
//! evaluative words of the sentence are scored and credited to the target they judge.
//!
//! * **Lexicons** (data): `sentiment-lexicon.tsv`, VADER's general lexicon (MIT, see its header), and
//!   `stance-cues.tsv`, evaluative words and phrases of the domain ("betrayal", "counter-revolutionary",
//!   "rightly maligned", "genuine Marxism"), which take precedence over the general lexicon; there, words that
//!   describe rather than judge ("killed", "criticised", "unfortunately") weigh 0.
//! * **Grammar** (data: `stance-grammar.tsv`): a negator in the three words before a cue flips and damps it ("not
//!   a great leader"); a booster right before it strengthens it; after a contrast word ("but", "however") the
//!   rest of the sentence weighs more and the part before it less.
//! * **Whose judgement**: a cue counts for the target nearest to it in the same sentence, and less the farther it
//!   is, unless grammar says otherwise: the agent of a passive ("murdered by Stalin's henchmen"), the owner of a
//!   possessive ("Lenin's bureaucracy"), the object of a verb of attitude ("don't like the Trotskyists"); not the
//!   victim ("betrayal of Lenin", "Trotsky's murder"), not the one who reports or opposes what the cue judges
//!   ("Trotsky predicted that it would degenerate"; opposing a bad thing speaks for the opponent), not past a
//!   contrast ("brilliant, but Stalin"), not out of a subordinate clause ("when the police state was paramount,
//!   Lenin ..."). "He" stands for the most salient person (named as a subject, referred to again, recently).
//! * **Quotation**: words between quotation marks, words reported after a verb of saying (unless the speaker says
//!   or endorses them: "I think", "rightly thought") and paragraphs introduced as quotations ("he wrote:") are
//!   someone else's and are not scored; a forum quote of another poster is that poster's stance (the caller says
//!   who speaks where).
//! * **Propositions** (`propositions.tsv`): contested claims read as targets of their own ("Stalin was a leading
//!   figure in 1917"): a sentence naming the proposition's subject and one of its pro or con cue phrases.
//!
//! The unit is a sentence; a sentence that names a target without judging it is a mention (score 0). `aggregate`
//! turns sentences into a stance per speaker and target: pro, con or mixed (clear praise and clear criticism
//! both), with a score in [-1, 1] and the evidence sentences; `neutral` for a speaker who declares an even-handed
//! account ("I tried to keep this neutral").

use crate::data::gazetteer::Entity;
use crate::error::ConfigError;
use crate::tag::entities::{tokens, Mention};
use crate::text::sentences::sentences;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Entity labels whose mentions are stance targets.
const TARGET_LABELS: [&str; 5] = ["PERSON", "ORG", "GPE", "EVENT", "IDEOLOGY"];
/// How many words before a cue a negator or booster acts on it.
const NEGATION_WINDOW: usize = 3;
/// VADER's normalisation constant: score = x / sqrt(x^2 + ALPHA).
const ALPHA: f64 = 15.0;
/// A sentence counts as evidence when its normalised score for the target is at least this far from 0.
const MIN_SENTENCE: f64 = 0.25;
/// What a person's salience keeps from one sentence to the next.
const SALIENCE_DECAY: f64 = 0.7;
/// Words over which a cue's weight for a target halves.
const DISTANCE_HALVING: f64 = 12.0;
/// Words that may stand between a negation and a verb of attitude ("don't really like").
const AUXILIARY: [&str; 9] = ["do", "does", "did", "don", "doesn", "didn", "t", "not", "really"];
/// The word-list kinds of stance-grammar.tsv (the other kinds, negator, booster and contrast, carry a value),
/// as bits of `StanceRules::kinds`.
const OBJECT_LINK: u16 = 1;
const VICTIM_NOUN: u16 = 1 << 1;
const PRONOUN: u16 = 1 << 2;
const NOT_SUBJECT: u16 = 1 << 3;
const ELLIPSIS: u16 = 1 << 4;
const ATTITUDE: u16 = 1 << 5;
const SUBORDINATOR: u16 = 1 << 6;
const REPORT: u16 = 1 << 7;
const ENDORSE: u16 = 1 << 8;
const OPPOSE: u16 = 1 << 9;
const AGENT_LINK: u16 = 1 << 10;
const SELF: u16 = 1 << 11;
const EVEN_HANDED_WORD: u16 = 1 << 12;
const WORD_KINDS: [(&str, u16); 13] = [
    ("object-link", OBJECT_LINK),
    ("victim-noun", VICTIM_NOUN),
    ("pronoun", PRONOUN),
    ("not-subject", NOT_SUBJECT),
    ("ellipsis", ELLIPSIS),
    ("attitude", ATTITUDE),
    ("subordinator", SUBORDINATOR),
    ("report", REPORT),
    ("endorse", ENDORSE),
    ("oppose", OPPOSE),
    ("agent-link", AGENT_LINK),
    ("self", SELF),
    ("even-handed", EVEN_HANDED_WORD),
];
/// Marks that end a clause within a sentence.
const CLAUSE_MARKS: [char; 5] = [',', ';', ':', '(', ')'];
/// What a cue counts for the one who opposes what it judges: opposing a bad thing speaks for the opponent.
const OPPOSING: f64 = -0.5;
/// The pseudo-target of a sentence in which the speaker declares an even-handed account.
pub const EVEN_HANDED: &str = "(even-handed)";

/// A concept target or a proposition, as matched in text.
#[derive(Debug, Clone)]
struct Proposition {
    id: String,
    /// What `pro` agrees with: "Stalin was a leading Bolshevik figure in 1917."
    statement: String,
    subjects: Vec<String>,
    pro: Vec<String>,
    con: Vec<String>,
}

pub struct StanceRules {
    lexicon: HashMap<String, f64>,
    cue_ac: AhoCorasick,
    cue_weight: Vec<f64>,
    /// First words of the two-word negators and boosters ("far from", "kind of").
    pair_first: HashSet<String>,
    /// Words that make a sentence worth reading even when it names no target: even-handedness words, and
    /// pronouns (`wake_pronoun`) when a person was named before.
    wake_ac: AhoCorasick,
    wake_pronoun: Vec<bool>,
    /// Negator → the factor it multiplies a cue's valence by.
    negators: HashMap<String, f64>,
    boosters: HashMap<String, f64>,
    contrast: HashMap<String, f64>,
    /// Word → the word-list kinds of stance-grammar.tsv it belongs to (`WORD_KINDS` bits).
    kinds: HashMap<String, u16>,
    concept_ac: AhoCorasick,
    concept_target: Vec<String>,
    propositions: Vec<Proposition>,
    /// Pairs of targets whose stances go together (`stance-relations.tsv`).
    pub related: Vec<(String, String)>,
    /// The file and line of each pair.
    related_lines: Vec<(String, u32)>,
}

/// One sentence's stance toward one target (bytes into the segment text).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub target: String,
    /// Who speaks: the segment's author, or the poster a quote block quotes (None: the main author).
    pub speaker: Option<String>,
    pub sentence: (usize, usize),
    /// Normalised score in [-1, 1]; 0 for a sentence that names the target without a clear evaluation.
    pub score: f64,
}

/// The stance of one speaker toward one target, from its evidence sentences.
#[derive(Debug, Clone, PartialEq)]
pub struct Stance {
    pub target: String,
    pub speaker: Option<String>,
    /// pro | con | mixed | neutral
    pub stance: &'static str,
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

fn read(dir: &Path, name: &str) -> Result<(String, String), Vec<ConfigError>> {
    crate::data::tsv::read_data(dir, name)
}

impl StanceRules {
    pub fn load(dir: &Path) -> Result<StanceRules, Vec<ConfigError>> {
        let lexicon = read(dir, "sentiment-lexicon.tsv")?;
        let cues = read(dir, "stance-cues.tsv")?;
        let grammar = read(dir, "stance-grammar.tsv")?;
        let targets = read(dir, "stance-targets.tsv")?;
        let props = read(dir, "propositions.tsv")?;
        let relations = read(dir, "stance-relations.tsv")?;
        StanceRules::parse(&lexicon, &cues, &grammar, &targets, &props, &relations)
    }

    pub fn parse(
        lexicon: &(String, String),
        cues: &(String, String),
        grammar: &(String, String),
        targets: &(String, String),
        props: &(String, String),
        relations: &(String, String),
    ) -> Result<StanceRules, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let number = |name: &str, ln: u32, v: &str, errors: &mut Vec<ConfigError>| -> Option<f64> {
            match v.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    errors.push(ConfigError::new(name, Some(ln), format!("not a number: {v:?}")));
                    None
                }
            }
        };
        let rows = |(name, text): &(String, String), header: &[&str], errors: &mut Vec<ConfigError>| {
            match crate::data::tsv::rows(name, text, header) {
                Ok(r) => r
                    .into_iter()
                    .filter(|(ln, c)| {
                        let ok = c.len() == header.len() && !c[0].trim().is_empty();
                        if !ok {
                            errors.push(ConfigError::new(
                                name,
                                Some(*ln),
                                format!("expected {} columns: {}", header.len(), header.join(", ")),
                            ));
                        }
                        ok
                    })
                    .map(|(ln, c)| (ln, c.iter().map(|s| s.trim().to_owned()).collect::<Vec<String>>()))
                    .collect(),
                Err(e) => {
                    errors.push(e);
                    Vec::new()
                }
            }
        };
        let mut lex = HashMap::new();
        for (ln, c) in rows(lexicon, &["word", "valence"], &mut errors) {
            if let Some(v) = number(&lexicon.0, ln, &c[1], &mut errors) {
                lex.insert(c[0].to_lowercase(), v);
            }
        }
        let mut cue_phrases = Vec::new();
        let mut cue_weight = Vec::new();
        for (ln, c) in rows(cues, &["cue", "weight", "note"], &mut errors) {
            if let Some(v) = number(&cues.0, ln, &c[1], &mut errors) {
                cue_phrases.push(c[0].to_lowercase());
                cue_weight.push(v);
            }
        }
        let (mut negators, mut boosters, mut contrast) = (HashMap::new(), HashMap::new(), HashMap::new());
        let mut kinds: HashMap<String, u16> = HashMap::new();
        for (ln, c) in rows(grammar, &["kind", "word", "value"], &mut errors) {
            let Some(v) = number(&grammar.0, ln, &c[2], &mut errors) else { continue };
            let w = c[1].to_lowercase();
            match c[0].as_str() {
                "negator" => {
                    negators.insert(w, v);
                }
                "booster" => {
                    boosters.insert(w, v);
                }
                "contrast" => {
                    contrast.insert(w, v);
                }
                k => match WORD_KINDS.iter().find(|(name, _)| *name == k) {
                    Some(&(_, bit)) => *kinds.entry(w).or_default() |= bit,
                    None => errors.push(ConfigError::new(&grammar.0, Some(ln), format!("unknown kind {k:?}"))),
                },
            }
        }
        let mut concept_phrases = Vec::new();
        let mut concept_target = Vec::new();
        for (_, c) in rows(targets, &["target", "pattern"], &mut errors) {
            concept_phrases.push(c[1].to_lowercase());
            concept_target.push(c[0].clone());
        }
        let mut propositions = Vec::new();
        for (_, c) in rows(props, &["id", "statement", "subjects", "pro", "con"], &mut errors) {
            let list = |s: &str| s.split(';').map(|x| x.trim().to_lowercase()).filter(|x| !x.is_empty()).collect();
            propositions.push(Proposition {
                id: c[0].clone(),
                statement: c[1].clone(),
                subjects: c[2].split(';').map(|x| x.trim().to_owned()).collect(),
                pro: list(&c[3]),
                con: list(&c[4]),
            });
        }
        let (mut related, mut related_lines) = (Vec::new(), Vec::new());
        for (ln, c) in rows(relations, &["target", "related"], &mut errors) {
            related.push((c[0].clone(), c[1].clone()));
            related_lines.push((relations.0.clone(), ln));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let build = |p: &[String], name: &str| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(p)
                .map_err(|e| vec![ConfigError::new(name, None, e.to_string())])
        };
        let pair_first =
            negators.keys().chain(boosters.keys()).filter_map(|w| Some(w.split_once(' ')?.0.to_owned())).collect();
        let mut wake: Vec<(String, bool)> = kinds
            .iter()
            .filter(|(_, k)| *k & (EVEN_HANDED_WORD | PRONOUN) != 0)
            .map(|(w, k)| (w.clone(), k & PRONOUN != 0))
            .collect();
        wake.sort();
        let wake_ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(wake.iter().map(|w| w.0.as_str()))
            .map_err(|e| vec![ConfigError::new(&grammar.0, None, e.to_string())])?;
        let wake_pronoun = wake.iter().map(|w| w.1).collect();
        Ok(StanceRules {
            pair_first,
            wake_ac,
            wake_pronoun,
            lexicon: lex,
            cue_ac: build(&cue_phrases, &cues.0)?,
            cue_weight,
            negators,
            boosters,
            contrast,
            kinds,
            concept_ac: build(&concept_phrases, &targets.0)?,
            concept_target,
            propositions,
            related,
            related_lines,
        })
    }

    /// Every sentence's stance toward the targets it names. `speaker(byte)` says who speaks at a position
    /// (`Some(None)`: the main author; `None`: nobody, the sentence is not scored).
    pub fn evidence(
        &self,
        text: &str,
        mentions: &[Mention],
        entities: &[Entity],
        speaker: &dyn Fn(usize) -> Option<Option<String>>,
    ) -> Vec<Evidence> {
        let mut out = Vec::new();
        // Targets: (start, end, id, whether it is a person).
        let mut targets: Vec<(usize, usize, String, bool)> = mentions
            .iter()
            .filter(|m| TARGET_LABELS.contains(&entities[m.entity].label.as_str()))
            .map(|m| (m.start, m.end, entities[m.entity].id.clone(), entities[m.entity].label == "PERSON"))
            .collect();
        targets.sort();
        // Concepts where no entity is (mentions do not overlap, so the one starting last before the concept's end
        // is the only one that can).
        let mut concepts = Vec::new();
        for m in self.concept_ac.find_iter(text) {
            let before = targets.partition_point(|t| t.0 < m.end());
            let overlaps = before > 0 && targets[before - 1].1 > m.start();
            if whole_word(text, m.start(), m.end()) && !overlaps {
                concepts.push((m.start(), m.end(), self.concept_target[m.pattern().as_usize()].clone(), false));
            }
        }
        targets.extend(concepts);
        targets.sort();
        // The person "he" refers to when no person is named before it in its sentence: the most salient one, where
        // salience adds up over sentences (2 for the first person named as a subject, 1 for another person named
        // or a pronoun resolved to them) and fades with every sentence after (`SALIENCE_DECAY`).
        let mut salience: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        let salient = |sal: &BTreeMap<String, (f64, usize)>, now: usize| {
            sal.iter()
                .map(|(id, &(v, at))| (v * SALIENCE_DECAY.powi((now - at) as i32), at, id))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|(_, _, id)| id.clone())
        };
        for (n, (s0, s1)) in sentences(text).into_iter().enumerate() {
            let first = targets.partition_point(|t| t.0 < s0);
            let named: Vec<&(usize, usize, String, bool)> =
                targets[first..].iter().take_while(|t| t.0 < s1).filter(|t| t.1 <= s1).collect();
            // A sentence that names no target matters only for a pronoun (once a person was named) or a
            // declaration of an even-handed account.
            if named.is_empty() && !self.wakes(&text[s0..s1], !salience.is_empty()) {
                continue;
            }
            let words = tokens(&text[s0..s1]);
            let lower_words: Vec<String> = words.iter().map(|&(a, b)| text[s0 + a..s0 + b].to_lowercase()).collect();
            let mut quoted = quoted_spans(text, s0, s1);
            // A pronoun outside quotation marks stands for the nearest person named before it in the sentence, or
            // for the most salient person.
            let before = salient(&salience, n);
            let mut gains: Vec<(String, f64)> = Vec::new();
            let mut here: Vec<(usize, usize, String)> = named.iter().map(|t| (t.0, t.1, t.2.clone())).collect();
            for (wi, w) in lower_words.iter().enumerate() {
                let at = s0 + words[wi].0;
                if !self.is(w, PRONOUN) || quoted.iter().any(|&(x, y)| x <= at - s0 && at - s0 < y) {
                    continue;
                }
                let referent = named.iter().rev().find(|t| t.3 && t.1 <= at).map(|t| &t.2).or(before.as_ref());
                if let Some(id) = referent {
                    here.push((at, s0 + words[wi].1, id.clone()));
                    gains.push((id.clone(), 1.0));
                }
            }
            here.sort();
            // Not after a preposition: "Unlike Stalin, Trotsky ..." has Trotsky for its subject.
            let subject = |t: &&&(usize, usize, String, bool)| {
                let w = words.partition_point(|&(_, e)| e <= t.0 - s0);
                w == 0 || !self.is(&lower_words[w - 1], NOT_SUBJECT)
            };
            let mut first_subject = true;
            for t in named.iter().filter(|t| t.3) {
                let gain = if first_subject && subject(&t) { 2.0 } else { 1.0 };
                first_subject &= gain < 2.0;
                gains.push((t.2.clone(), gain));
            }
            for (id, gain) in gains {
                let e = salience.entry(id).or_insert((0.0, n));
                *e = (e.0 * SALIENCE_DECAY.powi((n - e.1) as i32) + gain, n);
            }
            // Reported words are someone else's too: the rest of the clause after a verb of saying ("Stalin
            // wrote that the differences were insignificant"), unless the speaker says it or endorses it ("I
            // think", "people rightly thought").
            let reporting: Vec<usize> = (0..lower_words.len())
                .filter(|&j| {
                    self.is(&lower_words[j], REPORT)
                        && !lower_words[j.saturating_sub(2)..j].iter().any(|p| self.is(p, ENDORSE | SELF))
                })
                .collect();
            for &j in &reporting {
                let from = words[j].1;
                let to = text[s0 + from..s1].find(CLAUSE_MARKS).map_or(s1 - s0, |k| from + k);
                quoted.push((from, to));
            }
            let quoted = quoted;
            let in_quote = |b: usize| quoted.iter().any(|&(x, y)| x <= b && b < y);
            // Nobody to credit: a quote scored where it was first posted.
            let Some(who) = speaker(s0) else { continue };
            if self.declares_even_handed(&lower_words, &words, &in_quote) {
                out.push(Evidence {
                    target: EVEN_HANDED.to_owned(),
                    speaker: who.clone(),
                    sentence: (s0, s1),
                    score: 0.0,
                });
            }
            if here.is_empty() {
                continue;
            }
            let cues = self.cues(&text[s0..s1], &words, &lower_words, &quoted);
            // Credit each cue to targets by distance (in words).
            let word_at = |b: usize| words.partition_point(|&(_, e)| e <= b - s0);
            // (first word, word after the last, end byte, id) of each target mention.
            let spans: Vec<(usize, usize, usize, &str)> =
                here.iter().map(|t| (word_at(t.0), word_at(t.1), t.1, t.2.as_str())).collect();
            let mut scores: BTreeMap<&str, f64> = BTreeMap::new();
            // Is there a clause boundary between bytes x and y of the sentence?
            let boundary = |x: usize, y: usize| text[s0 + x..s0 + y].contains(CLAUSE_MARKS);
            let decay = |d: usize| 0.5f64.powf(d as f64 / DISTANCE_HALVING);
            for &(wi, v) in &cues {
                // A word of a name ("Great Purge") is no cue, for that target or a neighbour ("Stalin's Great Purge").
                if spans.iter().any(|&(a, b, end, _)| wi >= a && wi < b.max(a + 1) && words[wi].0 + s0 < end) {
                    continue;
                }
                if let Some((id, d)) = self.owner(text, &words, &lower_words, &spans, wi) {
                    if let Some(id) = id {
                        *scores.entry(id).or_insert(0.0) += v * decay(d);
                    }
                    continue;
                }
                // A cue after a verb of saying ("Trotsky predicted that it would degenerate") judges what is said,
                // not who says it; after a verb of opposing ("Trotsky fought the bureaucracy"), it judges what is
                // opposed, and opposing a bad thing speaks for the opponent (and the other way round).
                // A cue in a subordinate clause ("when the police state was paramount, Lenin ...") describes the
                // circumstances: it reaches no target outside that clause.
                let sub = (0..=wi)
                    .rev()
                    .take_while(|&j| j == wi || !boundary(words[j].1, words[j + 1].0))
                    .find(|&j| self.is(&lower_words[j], SUBORDINATOR))
                    .map(|j| {
                        let end = (wi + 1..words.len())
                            .find(|&e| boundary(words[e - 1].1, words[e].0))
                            .unwrap_or(words.len());
                        (j, end)
                    });
                let crossing = |k: usize| -> Option<f64> {
                    let (a, b, _, _) = spans[k];
                    if let Some((j, end)) = sub {
                        if a < j || a >= end {
                            return Some(0.0);
                        }
                    }
                    // What is opposed is not the subject of what follows: "an entity against Stalinism would
                    // celebrate".
                    if b <= wi && a > 0 && self.is(&lower_words[a - 1], OPPOSE) {
                        return Some(0.0);
                    }
                    if b > wi {
                        // A judgement does not reach forward past a contrast: "Trotsky was brilliant, but Stalin".
                        if (wi + 1..a).any(|j| self.contrast.contains_key(lower_words[j].as_str())) {
                            return Some(0.0);
                        }
                        // What is opposed, after a verb of opposing: "an influential opponent of Stalin".
                        let opposed = (wi + 1..a).any(|j| self.is(&lower_words[j], OPPOSE));
                        if opposed && !boundary(words[wi].1, words[a].0) {
                            return Some(0.0);
                        }
                        // The source of what is said, after it: "a danger, as Lenin knew".
                        let says = a > 0
                            && lower_words[a - 1] == "as"
                            && lower_words.get(b).is_some_and(|w| self.is(w, REPORT));
                        return says.then_some(0.0);
                    }
                    // A verb's scope ends at the end of its clause. (After a verb of saying, the cue is reported
                    // words, already left out.)
                    if (b..wi).any(|j| self.is(&lower_words[j], OPPOSE) && !boundary(words[j].1, words[wi].0)) {
                        Some(OPPOSING)
                    } else {
                        None
                    }
                };
                let crossed: Vec<Option<f64>> = (0..spans.len()).map(crossing).collect();
                // (index, id, distance in words, whether the target stands before the cue) of each mention.
                let reach: Vec<(usize, &str, usize, bool)> = spans
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| crossed[k].is_none())
                    .map(
                        |(k, &(a, b, _, id))| {
                            if wi < a {
                                (k, id, a - wi, false)
                            } else {
                                (k, id, wi.saturating_sub(b), true)
                            }
                        },
                    )
                    .collect();
                // The opponent: the nearest target before a verb of opposing.
                let opponent = (0..spans.len())
                    .filter(|&k| crossed[k] == Some(OPPOSING))
                    .max_by_key(|&k| spans[k].1)
                    .map(|k| (spans[k].3, wi - spans[k].1));
                if let Some((id, d)) = opponent {
                    *scores.entry(id).or_insert(0.0) += v * OPPOSING * decay(d);
                }
                // A verb of attitude judges its object, after it: "Leninists don't like the Trotskyists".
                let attitude = (wi..(wi + 4).min(lower_words.len()))
                    .take_while(|&j| {
                        j == wi || self.is(&lower_words[j], ATTITUDE) || AUXILIARY.contains(&lower_words[j].as_str())
                    })
                    .any(|j| self.is(&lower_words[j], ATTITUDE));
                let reach: Vec<(usize, &str, usize, bool)> = if attitude && reach.iter().any(|r| !r.3) {
                    reach.into_iter().filter(|r| !r.3).collect()
                } else {
                    reach
                };
                let Some(nearest) = reach.iter().map(|r| r.2).min() else { continue };
                // The nearest target gets the cue; others on the same side of it (coordinated names: "Trotsky and
                // Zinoviev were heroes") get it damped by their distance; it does not reach past the cue to a
                // target on the other side ("Trotsky was brilliant, while Stalin was a tyrant").
                let sides: Vec<bool> = reach.iter().filter(|r| r.2 == nearest).map(|r| r.3).collect();
                let mut best: BTreeMap<&str, usize> = BTreeMap::new();
                for &(k, id, d, before) in &reach {
                    if !before && self.is_object(&lower_words, wi, spans[k].0) {
                        continue;
                    }
                    // An elliptical coordination takes the same judgement: "he wasn't an opportunist and neither
                    // was Trotsky".
                    let a = spans[k].0;
                    let elliptic = !before
                        && a >= 2
                        && self.is(&format!("{} {}", lower_words[a - 2], lower_words[a - 1]), ELLIPSIS);
                    if elliptic {
                        best.entry(id).or_insert(nearest);
                    } else if d <= nearest + 3 && sides.contains(&before) {
                        let e = best.entry(id).or_insert(d);
                        *e = (*e).min(d);
                    }
                }
                // Each target once, at its nearest mention.
                for (id, d) in best {
                    *scores.entry(id).or_insert(0.0) += v * decay(d);
                }
            }
            // A target named without a clear evaluation is still a mention (score 0): it is what an even-handed
            // or an inherited stance rests on.
            let mut ids: Vec<&str> = here.iter().map(|t| t.2.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                let sum = scores.get(id).copied().unwrap_or(0.0);
                let score = sum / (sum * sum + ALPHA).sqrt();
                let score = if score.abs() >= MIN_SENTENCE { score } else { 0.0 };
                out.push(Evidence { target: id.to_owned(), speaker: who.clone(), sentence: (s0, s1), score });
            }
            // Propositions: the subject named, and a pro or con cue phrase outside quotation marks.
            let lower = text[s0..s1].to_lowercase();
            for p in &self.propositions {
                if !here.iter().any(|t| p.subjects.contains(&t.2)) {
                    continue;
                }
                let has = |phrases: &[String]| {
                    phrases.iter().any(|ph| {
                        lower.match_indices(ph.as_str()).any(|(i, _)| {
                            whole_word(&lower, i, i + ph.len()) && !quoted.iter().any(|&(a, b)| a <= i && i < b)
                        })
                    })
                };
                let (pro, con) = (has(&p.pro), has(&p.con));
                if pro != con {
                    let score = if pro { 0.6 } else { -0.6 };
                    out.push(Evidence { target: p.id.clone(), speaker: who.clone(), sentence: (s0, s1), score });
                }
            }
        }
        out
    }

    /// The statement of a proposition target, which `pro` agrees with; None for other targets.
    pub fn statement(&self, target: &str) -> Option<&str> {
        self.propositions.iter().find(|p| p.id == target).map(|p| p.statement.as_str())
    }

    /// Ids of `stance-relations.tsv` that name no target: neither an entity (`is_entity`) nor a concept of
    /// `stance-targets.tsv` nor a proposition.
    pub fn unknown_relation_ids(&self, is_entity: &dyn Fn(&str) -> bool) -> Vec<ConfigError> {
        let known = |id: &str| {
            is_entity(id) || self.concept_target.iter().any(|c| c == id) || self.propositions.iter().any(|p| p.id == id)
        };
        self.related
            .iter()
            .zip(&self.related_lines)
            .flat_map(|((a, b), at)| [a, b].into_iter().filter(|id| !known(id)).map(move |id| (id, at)))
            .map(|(id, (file, ln))| ConfigError::new(file, Some(*ln), format!("unknown target id {id:?}")))
            .collect()
    }

    /// Does a line introduce a quotation on the next: it ends with a colon, and one of its last words is a verb of
    /// saying ("In 1924, he wrote in Principles of Leninism:")?
    pub fn introduces_quote(&self, line: &str) -> bool {
        let line = line.trim_end();
        if !line.ends_with(':') {
            return false;
        }
        let words = tokens(line);
        words.iter().rev().take(8).any(|&(a, b)| self.is(&line[a..b].to_lowercase(), REPORT))
    }

    /// Does `sentence` hold a whole word that can matter without a target: an even-handedness word, or a pronoun
    /// when `pronouns`?
    fn wakes(&self, sentence: &str, pronouns: bool) -> bool {
        self.wake_ac.find_iter(sentence).any(|m| {
            (pronouns || !self.wake_pronoun[m.pattern().as_usize()]) && whole_word(sentence, m.start(), m.end())
        })
    }

    /// A sentence in which the speaker says they mean to be even-handed: a first-person word ("I", "my") and an
    /// even-handedness word ("neutral", "unbiased") outside quotation marks.
    fn declares_even_handed(
        &self,
        lower: &[String],
        words: &[(usize, usize)],
        in_quote: &dyn Fn(usize) -> bool,
    ) -> bool {
        let has = |kind: u16| lower.iter().zip(words).any(|(w, &(a, _))| self.is(w, kind) && !in_quote(a));
        has(SELF) && has(EVEN_HANDED_WORD)
    }

    /// Is `word` (lowercase) a word of one of the grammar `kinds` (`WORD_KINDS` bits)?
    fn is(&self, word: &str, kinds: u16) -> bool {
        self.kinds.get(word).is_some_and(|k| k & kinds != 0)
    }

    /// Whose is the cue at word `wi`, when grammar says so rather than distance: the agent of a passive ("was
    /// murdered by Stalin's henchmen": Stalin), or the owner of a possessive ("Lenin's bureaucracy": Lenin; "Trotsky's
    /// murder", a victim noun: nobody). Some((owner, distance)) when a rule applies, the owner None for nobody.
    fn owner<'a>(
        &self,
        text: &str,
        words: &[(usize, usize)],
        lower: &[String],
        spans: &[(usize, usize, usize, &'a str)],
        wi: usize,
    ) -> Option<(Option<&'a str>, usize)> {
        // Passive agent: "<cue> [noun] [verb] by [one of] X" within a few words.
        if let Some(by) = (wi + 1..(wi + 4).min(lower.len())).find(|&j| self.is(&lower[j], AGENT_LINK)) {
            let agent = spans.iter().filter(|sp| sp.0 > by && sp.0 <= by + 4).min_by_key(|sp| sp.0);
            if let Some(sp) = agent {
                return Some((Some(sp.3), sp.0 - by - 1));
            }
        }
        // Possessive: "X's [adjective] <cue>", "Bolsheviks' <cue>".
        for sp in spans {
            let after = &text[sp.2..];
            let first = if after.starts_with("'s") || after.starts_with("’s") {
                sp.1 + 1
            } else if after.starts_with('\'') {
                sp.1
            } else {
                continue;
            };
            if wi >= first && wi < first + 3 && words.get(first).is_some() {
                // What the owner suffered ("Trotsky's murder shocked the world") does not judge the owner.
                let phrase = &lower[first..(first + 3).min(lower.len())];
                let victim = phrase.iter().any(|w| self.is(w, VICTIM_NOUN));
                return Some(((!victim).then_some(sp.3), wi - first));
            }
        }
        None
    }

    /// Is the target starting at word `target` the object of the cue at word `cue` rather than its
    /// subject: "<cue> against/on [the] X", or "<victim noun> of [the] X"?
    fn is_object(&self, lower: &[String], cue: usize, target: usize) -> bool {
        if target <= cue + 1 || target - cue > 6 {
            return false;
        }
        let link = lower[cue + 1].as_str();
        self.is(link, OBJECT_LINK) || (link == "of" && self.is(&lower[cue], VICTIM_NOUN))
    }

    /// A word's valence in the general lexicon, or that of its adjective when only the adjective is listed
    /// ("brutally" → brutal). Plurals are not guessed: "goods" is not good, "interests" not interest.
    fn valence(&self, w: &str) -> Option<f64> {
        if let Some(&v) = self.lexicon.get(w) {
            return Some(v);
        }
        w.strip_suffix("ly").filter(|b| b.chars().count() >= 4).and_then(|b| self.lexicon.get(b).copied())
    }

    /// The evaluative cues of a sentence: (word index, valence after negation, boosters and contrast).
    fn cues(
        &self,
        s: &str,
        words: &[(usize, usize)],
        lower: &[String],
        quoted: &[(usize, usize)],
    ) -> Vec<(usize, f64)> {
        let in_quote = |b: usize| quoted.iter().any(|&(x, y)| x <= b && b < y);
        let word_at = |b: usize| words.partition_point(|&(_, e)| e <= b);
        let mut out: Vec<(usize, f64)> = Vec::new();
        let mut covered = vec![false; words.len()];
        // Domain cues (phrases) first.
        for m in self.cue_ac.find_iter(s) {
            if !whole_word(s, m.start(), m.end()) || in_quote(m.start()) {
                continue;
            }
            let (a, b) = (word_at(m.start()), word_at(m.end() - 1) + 1);
            for c in covered.iter_mut().take(b.min(words.len())).skip(a) {
                *c = true;
            }
            out.push((a, self.cue_weight[m.pattern().as_usize()]));
        }
        // Two-word boosters ("kind of", "sort of"): the booster of the word after them, not sentiment words.
        let pair_booster = |j: usize| {
            if !self.pair_first.contains(lower[j].as_str()) {
                return None;
            }
            self.boosters.get(&format!("{} {}", lower[j], lower.get(j + 1)?)).copied()
        };
        for (i, w) in lower.iter().enumerate() {
            // Negators act on the words after them ("no traitor"); they are not criticism themselves.
            if covered[i] || in_quote(words[i].0) || self.negators.contains_key(w.as_str()) {
                continue;
            }
            if pair_booster(i).is_some() || i.checked_sub(1).and_then(pair_booster).is_some() {
                continue;
            }
            if let Some(v) = self.valence(w) {
                out.push((i, v));
            }
        }
        out.sort_by_key(|x| x.0);
        // Contrast: the last contrast word splits the sentence. The clause it introduces runs to the end of the
        // sentence, or, for a conceding word (weight below 1: "although"), to the end of its clause, so that
        // "Although Y, X" weighs X as "X, although Y" does.
        // "has yet to be tried" is not a contrast.
        let pivot = (0..lower.len()).rev().find(|&j| {
            self.contrast.contains_key(lower[j].as_str())
                && !(lower[j] == "yet" && lower.get(j + 1).is_some_and(|n| n == "to"))
        });
        let clause_end = pivot.map_or(words.len(), |p| {
            if self.contrast[lower[p].as_str()] >= 1.0 {
                return words.len();
            }
            (p + 2..words.len())
                .find(|&j| s[words[j - 1].1..words[j].0].contains([',', ';', ':']))
                .unwrap_or(words.len())
        });
        for (i, v) in out.iter_mut() {
            let before = &lower[i.saturating_sub(NEGATION_WINDOW)..*i];
            // A two-word negator may stand one word further back ("rather than being the dictatorship").
            let pair_negator = lower[i.saturating_sub(NEGATION_WINDOW + 1)..*i]
                .windows(2)
                .filter(|p| self.pair_first.contains(p[0].as_str()))
                .find_map(|p| self.negators.get(&format!("{} {}", p[0], p[1])));
            let negator = pair_negator
                .or_else(|| before.iter().find_map(|w| self.negators.get(if w == "t" { "n't" } else { w.as_str() })));
            if let Some(factor) = negator {
                *v *= factor;
            }
            let booster = i
                .checked_sub(2)
                .and_then(pair_booster)
                .or_else(|| i.checked_sub(1).and_then(|j| self.boosters.get(lower[j].as_str()).copied()));
            if let Some(b) = booster {
                *v += b * v.signum();
            }
            if let Some(p) = pivot {
                let weight = self.contrast[lower[p].as_str()];
                *v *= if *i > p && *i < clause_end { weight } else { 2.0 - weight };
            }
        }
        out
    }
}

/// Byte spans between quotation marks (straight double quotes, after normalisation) in the sentence
/// `text[s0..s1]`, relative to it. A quotation that ends its sentence with the full stop inside ('called him "a
/// traitor." Then') leaves its closing mark at the start of the next sentence: there it closes this quotation,
/// and opens none.
fn quoted_spans(text: &str, s0: usize, s1: usize) -> Vec<(usize, usize)> {
    let s = &text[s0..s1];
    let mut marks: Vec<usize> = s.match_indices('"').map(|(i, _)| i).collect();
    let carried = |at: usize| {
        text[..at].ends_with(['.', '!', '?']) && text[at + 1..].chars().next().is_none_or(char::is_whitespace)
    };
    if marks.first() == Some(&0) && carried(s0) {
        marks.remove(0);
    }
    if marks.len() % 2 == 1 && text[s1..].starts_with('"') && carried(s1) {
        marks.push(s.len());
    }
    marks.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0], c[1])).collect()
}

fn whole_word(text: &str, a: usize, b: usize) -> bool {
    !text[..a].chars().next_back().is_some_and(char::is_alphanumeric)
        && !text[b..].chars().next().is_some_and(char::is_alphanumeric)
}

/// Sentences → one stance per (speaker, target): the sum of the sentence scores, `mixed` when the text both
/// clearly praises and clearly criticises (each side at least `MIXED_SHARE` of the whole).
pub fn aggregate(evidence: &[Evidence]) -> Vec<Stance> {
    aggregate_declared(evidence, &|_| false)
}

/// `aggregate`, where `declared(speaker)` also says whether the speaker declared an even-handed account elsewhere
/// in the document (the segment's own declarations count anyway).
pub fn aggregate_declared(evidence: &[Evidence], declared: &dyn Fn(&Option<String>) -> bool) -> Vec<Stance> {
    let mut groups: BTreeMap<(Option<String>, String), Vec<Evidence>> = BTreeMap::new();
    for e in evidence {
        groups.entry((e.speaker.clone(), e.target.clone())).or_default().push(e.clone());
    }
    let here: HashSet<Option<String>> =
        evidence.iter().filter(|e| e.target == EVEN_HANDED).map(|e| e.speaker.clone()).collect();
    groups
        .into_iter()
        .filter(|((_, target), _)| target != EVEN_HANDED)
        .filter_map(|((speaker, target), ev)| {
            let even = here.contains(&speaker) || declared(&speaker);
            let (stance, score) = label_for(ev.iter().map(|e| e.score), even)?;
            // Mentions without evaluation are evidence only of a neutral stance.
            let evidence = ev.into_iter().filter(|e| stance == "neutral" || e.score != 0.0).collect();
            Some(Stance { target, speaker, stance, score, evidence })
        })
        .collect()
}

/// `label`, for a speaker who may have declared an even-handed account: such a speaker's stance toward every
/// target they discuss is `neutral` (with the net score of the evidence).
pub fn label_for(scores: impl Iterator<Item = f64>, even_handed: bool) -> Option<(&'static str, f64)> {
    if even_handed {
        let (pos, neg) = sides(scores);
        let net = if pos + neg > 0.0 { (pos - neg) / (pos + neg) } else { 0.0 };
        return Some(("neutral", net));
    }
    label(scores)
}

/// (praise, criticism): the sums of the positive scores and of the negative ones (as a positive number).
fn sides(scores: impl Iterator<Item = f64>) -> (f64, f64) {
    scores.fold((0.0, 0.0), |(p, n), s| if s > 0.0 { (p + s, n) } else { (p, n - s) })
}

/// Share of the smaller side above which praise and criticism together make a `mixed` stance.
const MIXED_SHARE: f64 = 0.35;
/// The smaller side's weight (sum of absolute sentence scores) from which a stance can be `mixed`.
const MIXED_MIN: f64 = 0.5;
/// Net score below which a stance is not clear enough to report.
const MIN_NET: f64 = 0.15;

/// The label and score of a set of sentence scores; None when neither side is clear.
pub fn label(scores: impl Iterator<Item = f64>) -> Option<(&'static str, f64)> {
    let (pos, neg) = sides(scores);
    let total = pos + neg;
    if total == 0.0 {
        return None;
    }
    let net = (pos - neg) / total;
    if pos.min(neg) / total >= MIXED_SHARE && pos.min(neg) >= MIXED_MIN {
        return Some(("mixed", net));
    }
    if net.abs() < MIN_NET {
        return None;
    }
    Some((if net > 0.0 { "pro" } else { "con" }, net))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::entities::Matcher;

    /// The repository's gazetteer: the entity matcher and the stance rules.
    struct Fixture {
        matcher: Matcher,
        rules: StanceRules,
    }

    fn fixture() -> Fixture {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/gazetteer"));
        Fixture { matcher: Matcher::load(dir).unwrap(), rules: StanceRules::load(dir).unwrap() }
    }

    impl Fixture {
        /// Evaluating evidence of `text` (one speaker), as (target, sentence, score); mentions (score 0) left out.
        fn evidence(&self, text: &str) -> Vec<(String, String, f64)> {
            self.all(text).into_iter().filter(|e| e.2 != 0.0).collect()
        }

        /// All evidence of `text`, mentions and even-handedness declarations included.
        fn all(&self, text: &str) -> Vec<(String, String, f64)> {
            let ms = self.matcher.tag_document([text]).remove(0);
            self.rules
                .evidence(text, &ms, &self.matcher.entities, &|_| Some(None))
                .into_iter()
                .map(|e| (e.target, text[e.sentence.0..e.sentence.1].to_owned(), e.score))
                .collect()
        }

        /// The score of `text`'s evidence for `target` (a one-sentence text), if it is evidence at all.
        fn score(&self, text: &str, target: &str) -> Option<f64> {
            let ev: Vec<f64> = self.evidence(text).into_iter().filter(|e| e.0 == target).map(|e| e.2).collect();
            assert!(ev.len() <= 1, "{text}: {ev:?}");
            ev.first().copied()
        }

        /// The label of `text` toward `target`: pro, con, mixed, or none.
        fn label(&self, text: &str, target: &str) -> &'static str {
            let ev = self.evidence(text);
            label(ev.iter().filter(|e| e.0 == target).map(|e| e.2)).map_or("none", |l| l.0)
        }

        /// The cues of one sentence: (word, valence after negation, boosters and contrast).
        fn cues(&self, s: &str) -> Vec<(String, f64)> {
            let words = tokens(s);
            let lower: Vec<String> = words.iter().map(|&(a, b)| s[a..b].to_lowercase()).collect();
            self.rules
                .cues(s, &words, &lower, &quoted_spans(s, 0, s.len()))
                .into_iter()
                .map(|(i, v)| (s[words[i].0..words[i].1].to_owned(), v))
                .collect()
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn negation_flips_and_damps() {
        let f = fixture();
        let plain = f.score("Trotsky was a great leader.", "leon-trotsky").unwrap();
        assert!(plain > 0.0, "{plain}");
        for negated in
            ["Trotsky was not a great leader.", "Trotsky wasn't a great leader.", "Trotsky was never a great leader."]
        {
            let s = f.score(negated, "leon-trotsky").unwrap_or(0.0);
            assert!(s < 0.0 && s.abs() < plain, "{negated}: {s} (plain {plain})");
            assert_eq!(f.label(negated, "leon-trotsky"), "con", "{negated}");
        }
        // The negator acts on the cue's valence: great is 3.1 in the general lexicon, "not great" 3.1 × -0.74.
        let c = f.cues("Trotsky was not a great leader.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(close(c[0].1, 3.1 * -0.74), "{c:?}");
        // A negated criticism leans the other way.
        assert_eq!(
            f.label("Trotsky was no traitor.", "leon-trotsky"),
            "pro",
            "{:?}",
            f.cues("Trotsky was no traitor.")
        );
    }

    #[test]
    fn the_clause_after_but_dominates() {
        let f = fixture();
        // Both cues are critical: "mediocre" (-2.0, after "but") weighs 1.5, "cunning" (-1.0, before it) 0.5.
        let c = f.cues("Stalin was cunning but a mediocre theorist.");
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!((c[0].0.as_str(), c[1].0.as_str()), ("cunning", "mediocre"));
        assert!(close(c[0].1, -0.5) && close(c[1].1, -3.0), "{c:?}");
        let after = f.score("Stalin was cunning but a mediocre theorist.", "joseph-stalin").unwrap();
        let before = f.score("Stalin was a mediocre theorist but cunning.", "joseph-stalin").unwrap();
        assert!(after < before && before < 0.0, "mediocre after but {after}, before but {before}");
        // Opposite cues: the clause after "but" decides.
        assert_eq!(f.label("Trotsky was brilliant but arrogant.", "leon-trotsky"), "con");
        assert_eq!(f.label("Trotsky was arrogant but brilliant.", "leon-trotsky"), "pro");
    }

    #[test]
    fn a_conceded_clause_weighs_less_wherever_it_stands() {
        let f = fixture();
        // "X, although Y" and "Although Y, X" both weigh X at 1.5 and the conceded Y at 0.5.
        assert_eq!(f.label("Trotsky was brilliant, although arrogant.", "leon-trotsky"), "pro");
        assert_eq!(f.label("Although Trotsky was arrogant, he was brilliant.", "leon-trotsky"), "pro");
        let c = f.cues("Although Trotsky was arrogant, he was brilliant.");
        assert!(close(c[0].1, -2.2 * 0.5) && close(c[1].1, 2.8 * 1.5), "{c:?}");
    }

    #[test]
    fn boosters_strengthen_and_dampeners_weaken() {
        let f = fixture();
        let great = |s: &str| f.cues(s).iter().find(|c| c.0 == "great").unwrap().1;
        assert!(close(great("Trotsky was a very great leader."), 3.1 + 0.293));
        assert!(close(great("Trotsky was a slightly great leader."), 3.1 - 0.293));
        let plain = f.score("Trotsky was a great leader.", "leon-trotsky").unwrap();
        let very = f.score("Trotsky was a very great leader.", "leon-trotsky").unwrap();
        let slightly = f.score("Trotsky was a slightly great leader.", "leon-trotsky").unwrap();
        assert!(very > plain && plain > slightly && slightly > 0.0, "{very} {plain} {slightly}");
        // On a critical cue a booster makes it more critical.
        let mediocre = f.score("Stalin was a mediocre theorist.", "joseph-stalin").unwrap();
        let very = f.score("Stalin was a very mediocre theorist.", "joseph-stalin").unwrap();
        assert!(very < mediocre && mediocre < 0.0, "{very} {mediocre}");
        // Two-word dampeners ("kind of", "sort of") weaken the cue after them; "kind" is not praise here.
        let c = f.cues("Stalin was a kind of mediocre theorist.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(close(c[0].1, -2.0 + 0.293), "{c:?}");
        let kind_of = f.score("Stalin was a kind of mediocre theorist.", "joseph-stalin").unwrap_or(0.0);
        assert!(mediocre < kind_of && kind_of < 0.0, "{kind_of} {mediocre}");
    }

    #[test]
    fn quoted_words_are_someone_elses() {
        let f = fixture();
        assert_eq!(f.cues("He called Trotsky a brilliant traitor.").len(), 2);
        assert_eq!(f.cues("He called Trotsky \"a brilliant traitor\".").len(), 0);
        assert_eq!(f.label("Trotsky was called \"a traitor\".", "leon-trotsky"), "none");
        // So are reported words: what someone called, wrote or thought, to the end of the clause...
        assert_eq!(f.label("Trotsky was called a traitor.", "leon-trotsky"), "none");
        assert_eq!(f.label("Stalin wrote that Trotsky was a traitor.", "leon-trotsky"), "none");
        // ... unless the speaker says it or endorses it.
        assert_eq!(f.label("Trotsky was rightly called a traitor.", "leon-trotsky"), "con");
        assert_eq!(f.label("I think that Trotsky was a traitor.", "leon-trotsky"), "con");
        // The words outside the quotation still count.
        assert_eq!(f.label("Trotsky, whom they called \"a traitor\", was a brilliant leader.", "leon-trotsky"), "pro");
        // A quotation that ends the sentence with the full stop inside it.
        let ev = f.evidence("Trotsky was called \"a traitor.\" Lenin was a great leader.");
        assert!(!ev.iter().any(|e| e.0 == "leon-trotsky"), "{ev:?}");
        assert!(ev.iter().any(|e| e.0 == "vladimir-lenin" && e.2 > 0.0), "{ev:?}");
        // Proposition cues inside quotation marks do not count either.
        assert_eq!(f.label("His rivals called Stalin \"insignificant\" in 1917.", "stalin-role-in-1917"), "none");
        assert_eq!(f.label("Stalin was insignificant in 1917.", "stalin-role-in-1917"), "con");
    }

    #[test]
    fn a_cue_counts_for_the_nearest_target() {
        let f = fixture();
        let s = "Trotsky was a brilliant and visionary leader of the Red Army, while in those years Stalin was a \
                 ruthless and boorish tyrant.";
        assert_eq!(f.label(s, "leon-trotsky"), "pro");
        assert_eq!(f.label(s, "joseph-stalin"), "con");
        let s = "Trotsky was brilliant, while Stalin was a tyrant.";
        assert_eq!(f.label(s, "leon-trotsky"), "pro");
        assert_eq!(f.label(s, "joseph-stalin"), "con");
        // Coordinated targets share the cue.
        let s = "Trotsky and Zinoviev were heroes.";
        assert_eq!((f.label(s, "leon-trotsky"), f.label(s, "grigory-zinoviev")), ("pro", "pro"));
        // A farther target gets less.
        let near = f.score("Trotsky was a hero.", "leon-trotsky").unwrap();
        let far = f.score("Trotsky, in the eyes of the workers of those years, was a hero.", "leon-trotsky").unwrap();
        assert!(near > far && far > 0.0, "{near} {far}");
    }

    #[test]
    fn words_of_a_name_are_not_cues() {
        let f = fixture();
        // "Great" in "Great Purge" says nothing about the purge, nor about Stalin next to it.
        let ev = f.evidence("Stalin's Great Purge began in 1936.");
        assert!(ev.is_empty(), "{ev:?}");
        let ev = f.evidence("The Great Purge was a crime.");
        assert!(ev.iter().all(|e| e.2 < 0.0), "{ev:?}");
    }

    #[test]
    fn propositions_are_targets_of_their_own() {
        let f = fixture();
        let ev = f.evidence("Kamenev and Stalin were the main Bolshevik leaders in Petrograd.");
        assert!(ev.iter().any(|e| e.0 == "stalin-role-in-1917" && close(e.2, 0.6)), "{ev:?}");
        assert_eq!(f.label("Stalin was a minor figure in 1917, a grey blur.", "stalin-role-in-1917"), "con");
        // The subject must be named.
        assert_eq!(f.label("Kamenev was an insignificant figure in 1917.", "stalin-role-in-1917"), "none");
        // A pro and a con cue in one sentence count for neither.
        assert_eq!(
            f.label("Stalin, insignificant to some, was among the leading Bolsheviks.", "stalin-role-in-1917"),
            "none"
        );
        let ev = f.evidence("Trotsky wanted to scrap the NEP and return to war communism.");
        assert!(ev.iter().any(|e| e.0 == "trotsky-nep-position" && e.2 > 0.0), "{ev:?}");
        let ev = f.evidence("For the Opposition under Trotsky the NEP was a temporary retreat, a holding policy.");
        assert!(ev.iter().any(|e| e.0 == "trotsky-nep-position" && e.2 < 0.0), "{ev:?}");
        let ev = f.evidence("Under Lenin, Russia was a capitalist state run by communists.");
        assert!(ev.iter().any(|e| e.0 == "ussr-state-capitalism" && e.2 > 0.0), "{ev:?}");
    }

    #[test]
    fn narrative_words_carry_no_stance() {
        let f = fixture();
        // The general lexicon reads them as negative or positive; the domain cues (weight 0) take precedence.
        assert!(f.rules.lexicon["died"] < 0.0 && f.rules.lexicon["won"] > 0.0);
        for s in
            ["Lenin died in 1924.", "Trotsky's army won the civil war.", "Trotsky was arrested and fought in the war."]
        {
            assert!(f.evidence(s).is_empty(), "{s}: {:?}", f.evidence(s));
        }
        assert_eq!(f.label("Lenin was a great man.", "vladimir-lenin"), "pro");
    }

    #[test]
    fn labels() {
        let l = |scores: &[f64]| label(scores.iter().copied());
        assert_eq!(l(&[]), None);
        assert_eq!(l(&[0.6, 0.4]), Some(("pro", 1.0)));
        assert_eq!(l(&[-0.5]), Some(("con", -1.0)));
        // Clear praise and clear criticism, each at least 35 % of the whole and 0.5.
        assert_eq!(l(&[0.6, -0.6]), Some(("mixed", 0.0)));
        assert_eq!(l(&[0.5, 0.5, -0.6]).map(|x| x.0), Some("mixed"));
        // Weak sentences on both sides: neither side is clear.
        assert_eq!(l(&[0.3, -0.3]), None);
        assert_eq!(l(&[0.4, -0.35]), None);
        // One side much stronger: that side.
        let (stance, net) = l(&[0.9, 0.9, -0.5]).unwrap();
        assert_eq!(stance, "pro");
        assert!(close(net, 1.3 / 2.3), "{net}");
        assert_eq!(l(&[-0.9, -0.8, 0.3]).map(|x| x.0), Some("con"));
        // Net score just under the threshold is not reported.
        assert_eq!(l(&[0.3, 0.2, -0.2, -0.2]).map(|x| x.0), None);
        // ... but many weak sentences on both sides add up to clear praise and criticism.
        assert_eq!(l(&[0.3, 0.3, -0.25, -0.25]).map(|x| x.0), Some("mixed"));
    }

    #[test]
    fn aggregate_per_speaker_and_target() {
        let e = |target: &str, speaker: Option<&str>, score: f64| Evidence {
            target: target.into(),
            speaker: speaker.map(str::to_owned),
            sentence: (0, 1),
            score,
        };
        let st = aggregate(&[
            e("leon-trotsky", None, 0.7),
            e("leon-trotsky", Some("BladeRunner"), -0.6),
            e("leon-trotsky", None, 0.4),
            e("joseph-stalin", None, 0.3),
            e("joseph-stalin", None, -0.3),
        ]);
        let got: Vec<(Option<&str>, &str, &str, usize)> =
            st.iter().map(|s| (s.speaker.as_deref(), s.target.as_str(), s.stance, s.evidence.len())).collect();
        assert_eq!(got, vec![(None, "leon-trotsky", "pro", 2), (Some("BladeRunner"), "leon-trotsky", "con", 1)]);
    }

    #[test]
    fn criticism_aimed_at_a_target_is_not_the_target_s_fault() {
        let f = fixture();
        // "betrayal of X": X is betrayed; "attack on X": X is attacked.
        assert_eq!(f.score("This was a betrayal of Lenin.", "vladimir-lenin"), None);
        assert_eq!(f.score("Stalin led a vicious attack on Trotsky.", "leon-trotsky"), None);
        // The same words with the target as their author still count.
        assert!(f.score("Lenin was guilty of betrayal.", "vladimir-lenin").unwrap() < 0.0);
    }

    #[test]
    fn two_word_negators_and_yet_to() {
        let f = fixture();
        let s = f.score("Lenin was far from ruthless.", "vladimir-lenin").unwrap_or(0.0);
        assert!(s > 0.0, "{s}");
        // "has yet to be tried" does not split the sentence: the praise before it keeps its weight.
        let a = f.score("Communism is a beautiful idea that has yet to be tried.", "communism").unwrap();
        let b = f.score("Communism is a beautiful idea that has to be tried.", "communism").unwrap();
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }

    #[test]
    fn pronouns_stand_for_the_person_named_last_as_a_subject() {
        let f = fixture();
        let ev = f.evidence("Trotsky built the Red Army. He was brilliant.");
        assert_eq!(ev.iter().map(|e| (e.0.as_str(), e.2 > 0.0)).collect::<Vec<_>>(), vec![("leon-trotsky", true)]);
        // "Unlike Stalin, Trotsky ...": the subject is Trotsky, so "he" is Trotsky.
        let ev = f.evidence("Unlike Stalin, Trotsky built the Red Army. He was brilliant.");
        assert!(ev.iter().all(|e| e.0 == "leon-trotsky"), "{ev:?}");
        // A person named before the pronoun in its own sentence comes first.
        assert_eq!(f.label("Trotsky met Lenin, and his ideas were brilliant.", "vladimir-lenin"), "pro");
    }

    #[test]
    fn the_agent_of_a_passive_and_the_owner_of_a_possessive_are_judged() {
        let f = fixture();
        // The victim is not judged by the crime; its agent is.
        let ev = f.evidence("Trotsky was brutally murdered by one of Stalin's henchmen.");
        assert!(ev.iter().all(|e| e.0 == "joseph-stalin" && e.2 < 0.0), "{ev:?}");
        assert!(!ev.is_empty());
        assert_eq!(f.label("Lenin's bureaucracy was a disaster.", "vladimir-lenin"), "con");
        // A victim noun owned by a target: the target suffered it.
        assert_eq!(f.label("Trotsky's murder shocked the world.", "leon-trotsky"), "none");
    }

    #[test]
    fn what_is_said_or_opposed_is_not_held_against_who_says_or_opposes_it() {
        let f = fixture();
        // The prediction's words are about what was predicted.
        assert_eq!(f.label("Trotsky predicted that the bureaucracy would be a disaster.", "leon-trotsky"), "none");
        // Opposing a bad thing speaks for the opponent.
        assert_eq!(f.label("Trotsky fought the corrupt bureaucracy.", "leon-trotsky"), "pro");
        // What is opposed does not take the praise of its opponent.
        assert_eq!(f.label("He was an influential opponent of Stalin.", "joseph-stalin"), "none");
        // The source of what is said, after it: "as Lenin knew".
        assert_eq!(f.label("This was a grave danger, as Lenin knew.", "vladimir-lenin"), "none");
    }

    #[test]
    fn a_verb_of_attitude_judges_its_object() {
        let f = fixture();
        let ev = f.evidence("Leninists don't like the Trotskyists.");
        assert_eq!(ev.iter().map(|e| (e.0.as_str(), e.2 < 0.0)).collect::<Vec<_>>(), vec![("trotskyism", true)]);
    }

    #[test]
    fn a_judgement_does_not_reach_forward_past_a_contrast() {
        let f = fixture();
        let s = "Trotsky was brilliant, but Stalin was a tyrant.";
        assert_eq!((f.label(s, "leon-trotsky"), f.label(s, "joseph-stalin")), ("pro", "con"));
        // Backward it does: the clause after "but" is about the subject before it.
        assert_eq!(f.label("Stalin was cunning but a mediocre theorist.", "joseph-stalin"), "con");
    }

    #[test]
    fn an_elliptical_coordination_takes_the_same_judgement() {
        let f = fixture();
        let s = "Stalin was not an opportunist and neither was Trotsky.";
        assert_eq!((f.label(s, "joseph-stalin"), f.label(s, "leon-trotsky")), ("pro", "pro"));
    }

    #[test]
    fn a_declared_even_handed_account_is_neutral() {
        let f = fixture();
        let text = "Trotsky led the Red Army in a long civil war. I tried my best to keep this neutral.";
        let all = f.all(text);
        assert!(all.iter().any(|e| e.0 == EVEN_HANDED), "{all:?}");
        // Sentences that name a target without judging it are mentions, score 0.
        assert!(all.iter().any(|e| e.0 == "leon-trotsky" && e.2 == 0.0), "{all:?}");
        let ms = f.matcher.tag_document([text]).remove(0);
        let st = aggregate(&f.rules.evidence(text, &ms, &f.matcher.entities, &|_| Some(None)));
        let got: Vec<(&str, &str)> = st.iter().map(|s| (s.target.as_str(), s.stance)).collect();
        assert_eq!(got, vec![("leon-trotsky", "neutral"), ("red-army", "neutral")]);
        // "neutral" in a sentence that is not about the speaker declares nothing.
        assert!(!f.all("Sweden stayed neutral in the war.").iter().any(|e| e.0 == EVEN_HANDED));
    }

    #[test]
    fn a_line_ending_in_a_verb_of_saying_and_a_colon_introduces_a_quotation() {
        let f = fixture();
        assert!(f.rules.introduces_quote("In 1924, he wrote in Principles of Leninism:"));
        assert!(f.rules.introduces_quote("As Lenin said: "));
        assert!(!f.rules.introduces_quote("He wrote a book about it."));
        assert!(!f.rules.introduces_quote("The results were these:"));
    }

    #[test]
    fn malformed_stance_data_is_reported_with_file_and_line() {
        let ok = |name: &str, header: &str| (name.to_owned(), format!("{header}\n"));
        let lexicon = ("sentiment-lexicon.tsv".to_owned(), "word\tvalence\ngood\tvery\n".to_owned());
        let grammar = ("stance-grammar.tsv".to_owned(), "kind\tword\tvalue\nnegater\tnot\t-0.74\n".to_owned());
        let errors = StanceRules::parse(
            &lexicon,
            &ok("stance-cues.tsv", "cue\tweight\tnote"),
            &grammar,
            &ok("stance-targets.tsv", "target\tpattern"),
            &ok("propositions.tsv", "id\tstatement\tsubjects\tpro\tcon"),
            &ok("stance-relations.tsv", "target\trelated"),
        )
        .err()
        .expect("malformed rows are errors");
        let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(shown.iter().any(|e| e.contains("sentiment-lexicon.tsv") && e.contains(":2")), "{shown:?}");
        assert!(shown.iter().any(|e| e.contains("stance-grammar.tsv") && e.contains(":2")), "{shown:?}");
    }

    #[test]
    fn a_subordinate_clause_describes_circumstances() {
        let f = fixture();
        let s = "When the corrupt police state was at its height, Lenin favoured strict rules.";
        assert_eq!(f.label(s, "vladimir-lenin"), "none");
        // Without the subordinator the same words reach him.
        assert_eq!(
            f.label("The corrupt police state was at its height, and Lenin favoured strict rules.", "vladimir-lenin"),
            "con"
        );
    }

    #[test]
    fn a_pronoun_stands_for_the_most_salient_person() {
        let f = fixture();
        // Trotsky is the topic; Lenin is named once in between: "he" is still Trotsky.
        let text = "Trotsky organised the Red Army. He led it from his train. He planned every campaign. \
                    Lenin stayed in Moscow. He was a brilliant commander.";
        let ev = f.evidence(text);
        assert!(ev.iter().any(|e| e.0 == "leon-trotsky" && e.2 > 0.0), "{ev:?}");
        assert!(ev.iter().all(|e| e.0 != "vladimir-lenin"), "{ev:?}");
    }
}
