//! The output contract: the records written to `annotated/`, as serde types.
//!
//! Field order here is the key order in the JSON. Every field has one JSON type in every record; a value that is
//! absent is `null`. Offsets (`start`, `end`) are Unicode code points into the record's `text`, half-open.
//! `raw` positions are the 1-based line and 0-based code-point column in the raw file. The JSON Schemas in
//! `docs/schema/` describe the same records; `tests/output_contract.rs` checks that both agree with real output.

use serde::{Deserialize, Serialize};

pub const OFFSET_UNIT: &str = "codepoint";

/// A position in the raw file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPos {
    /// 1-based line number.
    pub line: u32,
    /// 0-based code-point column.
    pub col: u32,
}

/// Where a segment comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The raw file's path as given on the command line (`raw/x.txt`), or `-` for standard input.
    pub path: String,
    /// sha256 of the raw bytes, lowercase hex.
    pub sha256: String,
    /// forum | blog | article | reference+comments
    pub kind: String,
    pub title: Option<String>,
}

/// What the segment is and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentFacts {
    /// 0-based position of the segment in its document.
    pub index: u32,
    /// post | comment | essay | article
    pub kind: String,
    pub author: Option<String>,
    /// How the author was found: comment-header | byline | edit-notice | thread-starter | quoted-as | signature.
    pub author_evidence: Option<String>,
    /// Why no author is known: no-header (a post or comment whose header, if any, the text does not keep),
    /// header-without-name (a header with a time but no name), no-byline (an article or essay); null when
    /// `author` is known.
    pub author_missing: Option<String>,
    /// The posted-time text as written ("2 hours ago", "Fri, Jan 19, 2024"), not interpreted.
    pub posted: Option<String>,
    /// The segment's own heading, if it starts with one.
    pub title: Option<String>,
    /// Id of the segment this one replies to (a quoted post, a parent comment, the article commented on).
    pub reply_to: Option<String>,
    /// Comment nesting depth (0 for posts, essays and articles).
    pub depth: u32,
    /// Raw lines (1-based, inclusive) the segment spans, metadata included.
    pub first_line: u32,
    pub last_line: u32,
}

/// One kept raw line inside `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSpan {
    pub start: u64,
    pub end: u64,
    /// content | heading | quote
    pub label: String,
    pub raw: RawPos,
}

/// A block that quotes another post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteSpan {
    pub start: u64,
    pub end: u64,
    /// Who is quoted (from the quote header), not the segment's author.
    pub author: Option<String>,
    /// The quote header's time text.
    pub posted: Option<String>,
    /// Raw line of the "X said:" header.
    pub header_line: u32,
    /// Id of the segment holding the quoted original, when it is in the same document.
    pub source_segment: Option<String>,
    /// Raw line of the quoted original.
    pub source_line: Option<u32>,
    pub raw: RawPos,
}

/// An entity mention (filled by the entity tagger).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySpan {
    pub start: u64,
    pub end: u64,
    /// PERSON | ORG | GPE | LOC | EVENT | WORK | IDEOLOGY
    pub label: String,
    /// Canonical gazetteer id.
    pub id: String,
    pub surface: String,
    /// exact | casefold | partial | partial-ambiguous | context | translit | fuzzy | acronym
    #[serde(rename = "match")]
    pub match_kind: String,
    /// Confidence in [0, 1], fixed per match kind: exact 1.0, casefold 0.95, partial 0.9, context 0.8,
    /// translit 0.8, fuzzy 0.6, acronym 0.6, partial-ambiguous 0.5.
    pub score: f64,
    /// A derived form (adjective or member noun: "Stalinist", "Bolshevik leaders") rather than a name.
    pub adj: bool,
    /// The surface's letters differ from every listed form (translit, fuzzy, acronym).
    pub variant: bool,
    /// For partial-ambiguous: every entity the surname may stand for (`id` is the first); else empty.
    pub candidates: Vec<String>,
    pub raw: RawPos,
}

/// A temporal expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateSpan {
    pub start: u64,
    pub end: u64,
    /// date | range | decade | century | relative
    pub kind: String,
    /// ISO-like value: 1879, 1917-07, 1940-08-20, 193X, 18XX, 1918/1925; null when unanchored.
    pub value: Option<String>,
    /// START | MID | END | APPROX
    #[serde(rename = "mod")]
    pub modifier: Option<String>,
    /// True when the expression dates the post or article rather than history.
    pub meta: bool,
    /// A date encoded in a URL or file name (`…/1923/11/lt19231128.htm`, `IMG_20250513_112038.jpg`).
    pub machine: bool,
    /// For a relative expression the text pins down ("that year", "The next day"): its value.
    pub resolved: Option<String>,
    /// Where a date with no year of its own ("February 23", "Oct. 7") got it: `document date`, or the date
    /// expression that supplied it with its raw line (`1917 (line 57)`).
    pub resolved_from: Option<String>,
    /// The anchor of an anchored relative expression ("the revolution" in "two months before the revolution").
    pub anchor: Option<String>,
    pub surface: String,
    pub raw: RawPos,
}

/// A dated claim: an entity, an event and a date, read from one sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimSpan {
    /// Entity id of what the claim is about.
    pub subject: String,
    /// Event type (`gazetteer/claim-events.tsv`): born, died, joined, expelled, founded ...
    pub event: String,
    /// The other entity of the event: the body joined, the country expelled from, the work published.
    pub object: Option<String>,
    /// Who brought the event about, when the subject is what was founded or dissolved.
    pub agent: Option<String>,
    /// The date's value (for a resolved relative expression, its resolved value).
    pub value: String,
    /// START | MID | END | APPROX
    #[serde(rename = "mod")]
    pub modifier: Option<String>,
    /// The value was computed from a relative expression and its anchor ("two months before the revolution").
    pub derived: bool,
    /// The date expression in `text`.
    pub start: u64,
    pub end: u64,
    pub surface: String,
    /// The trigger word ("expelled", "death"); null for appositions and life spans.
    pub trigger: Option<String>,
    /// The sentence the claim is read from, in `text`.
    pub evidence_start: u64,
    pub evidence_end: u64,
    /// Raw position of the date expression.
    pub raw: RawPos,
}

/// A sentence that shows a stance toward a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceEvidence {
    pub start: u64,
    pub end: u64,
    /// The sentence's score for the target, in [-1, 1].
    pub score: f64,
    pub raw: RawPos,
}

/// One speaker's stance toward one target within a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceSpan {
    /// Entity id, concept (`communism`) or proposition id (`stalin-role-in-1917`).
    pub target: String,
    /// Who takes the stance: the segment's author (null for the document's main author, whom a byline names), or
    /// the poster a quote block quotes.
    pub author: Option<String>,
    /// pro | con | mixed | neutral
    pub stance: String,
    /// Net score in [-1, 1]: (praise - criticism) / (praise + criticism).
    pub score: f64,
    pub evidence: Vec<StanceEvidence>,
}

/// One record of `stances.jsonl`: a source's (or a poster's) stance toward a target over a whole document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceRecord {
    pub document: String,
    /// The poster or commenter; null for the document's main author, and for a commenter with no known name.
    pub author: Option<String>,
    /// For a commenter with no known name: the comment's segment id (each such comment is a speaker of its own);
    /// null otherwise.
    pub comment: Option<String>,
    pub target: String,
    /// pro | con | mixed | neutral
    pub stance: String,
    pub score: f64,
    /// When the speaker names the target without evaluating it: the related target (stance-relations.tsv) whose
    /// stance this is; the first evidence sentence then names the target, the others are the related stance's.
    pub via: Option<String>,
    /// Evidence sentences, strongest first (at most 5); for a neutral stance the declaration of an even-handed
    /// account first, for an inherited one (`via`) the sentence naming the target first.
    pub evidence: Vec<StanceQuote>,
}

/// An evidence sentence with where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceQuote {
    pub segment: String,
    pub raw: RawPos,
    pub score: f64,
    pub text: String,
}

/// One claim's side of an inconsistency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub document: String,
    pub segment: String,
    pub author: Option<String>,
    pub value: String,
    /// The claim's own event (a manner of the compared event, like "assassinated" for "died").
    pub event: String,
    /// The date as written.
    pub surface: String,
    pub derived: bool,
    pub raw: RawPos,
    /// The sentence the claim is read from.
    pub evidence: String,
    /// Whether the value fits the reference; null when there is none.
    pub agrees_with_reference: Option<bool>,
}

/// One record of `inconsistencies.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inconsistency {
    /// Stable across runs: for a date, a hash of subject, event, object, check and the values; for a stance, of the
    /// target.
    pub id: String,
    /// date | stance
    pub kind: String,
    /// sources-disagree | against-reference | before-object-existed (date); opposite-stances (stance)
    pub check: String,
    pub subject: String,
    pub event: String,
    pub object: Option<String>,
    /// All positions come from one document.
    pub within_source: bool,
    /// major | minor
    pub severity: String,
    /// The gazetteer's reference value(s), `|`-separated; null when the gazetteer has none.
    pub reference: Option<String>,
    /// `file:line` of the gazetteer row holding the reference.
    pub reference_source: Option<String>,
    pub positions: Vec<Position>,
    pub note: String,
}

/// One record of `segments.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentRecord {
    /// `<document>:<index, 4 digits>`: stable across runs and independent of the other inputs.
    pub id: String,
    pub document: String,
    pub offset_unit: String,
    pub source: Source,
    pub segment: SegmentFacts,
    pub text: String,
    pub lines: Vec<LineSpan>,
    pub quotes: Vec<QuoteSpan>,
    /// Entity mentions, in text order (null only if the entity tagger did not run).
    pub entities: Option<Vec<EntitySpan>>,
    /// Temporal expressions, in text order (null only if the date tagger did not run).
    pub dates: Option<Vec<DateSpan>>,
    /// Dated claims read from the text (null only if claim extraction did not run).
    pub claims: Option<Vec<ClaimSpan>>,
    /// Stances toward the targets the text names (null only if the stance stage did not run).
    pub stances: Option<Vec<StanceSpan>>,
}

/// One record of `removed.jsonl`: a raw line (or part of one) that is not in any segment's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovedRecord {
    pub document: String,
    /// The segment the line sits in or under, if any.
    pub segment: Option<String>,
    pub raw: RawPos,
    /// boilerplate | meta
    pub label: String,
    /// The rule that removed it (a `gazetteer/boilerplate.tsv` rule name or a general-evidence rule).
    pub rule: String,
    /// The removed text, normalised.
    pub text: String,
    /// False when only part of a kept line was removed (an inline emoji shortcode).
    pub whole_line: bool,
    /// Temporal expressions on the line (offsets into `text`): bylines, comment times, dates in file names.
    pub dates: Vec<DateSpan>,
}

/// A byte range of the raw file that was not valid UTF-8 and was replaced by U+FFFD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Replaced {
    pub byte: u64,
    pub len: u32,
    pub line: u32,
}

/// Why a document failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocFailure {
    /// unreadable | binary
    pub kind: String,
    pub message: String,
    pub line: Option<u32>,
}

/// One record of `documents.jsonl`: every input document, processed or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRecord {
    pub document: String,
    pub path: String,
    /// ok | failed
    pub status: String,
    pub error: Option<DocFailure>,
    pub sha256: Option<String>,
    /// The original file name recorded in the directory's MANIFEST.tsv.
    pub seed: Option<String>,
    pub kind: Option<String>,
    pub title: Option<String>,
    pub bytes: u64,
    pub lines: u32,
    pub segments: u32,
    pub removed_lines: u32,
    pub bom: bool,
    pub crlf: bool,
    /// Invalid UTF-8 replaced while decoding (at most 100 listed; `replaced_count` has the total).
    pub replaced: Vec<Replaced>,
    pub replaced_count: u64,
    /// Set when MANIFEST.tsv lists a sha256 that differs from the file's.
    pub manifest_mismatch: bool,
}

/// Scores are written with three decimals, so that the output does not depend on float printing details.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
