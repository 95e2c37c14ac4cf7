//! The whole run: documents are read, normalised, stripped, segmented and serialised independently on `jobs`
//! threads; a single writer appends their records in input order, so the output bytes do not depend on the
//! number of threads. The same phases run on shards of the inputs as `map` and `reduce` (`shard`).

pub mod shard;

pub use crate::analysis::Analysis;
use crate::clean::segment::{segment, Segmented};
use crate::clean::strip::corpus::CorpusLines;
use crate::clean::strip::model::LineModel;
use crate::clean::strip::{classify_in, Classified, DocKind, LineLabel};
use crate::data::rules::Rules;
use crate::error::{ConfigError, OutputError};
use crate::extract::claims::ClaimRules;
use crate::extract::stance::StanceRules;
use crate::output::report::Each;
use crate::output::write::{
    document_output, failed_output, write_inconsistency, DocOutput, OutputSet, SuggestionTable, INCONSISTENCIES,
    REPORT, STANCES, SUGGESTIONS,
};
use crate::reconcile::{
    group_key, rank, stance_key, DateChecks, GroupKey, Located, StanceKey, TargetSides, Weighed, OPPOSITE_STANCES,
};
use crate::record::{Inconsistency, Position, StanceRecord};
use crate::spill::Sorter;
use crate::tag::dates::{DateContext, DateKind, DateMention, DateTagger};
use crate::tag::entities::{Matcher, Mention};
use crate::text::normalize::{NormLine, Normalizer};
use crate::text::read::{self, Input, RawDoc};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub gazetteer: PathBuf,
    pub out: PathBuf,
    pub jobs: usize,
    /// Bytes of claim and stance records the reduce phase holds in memory (each) before it sorts them on disk.
    pub sort_buffer: usize,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub documents: usize,
    pub ok: usize,
    pub failed: usize,
    pub segments: usize,
    pub removed: usize,
    pub bytes: usize,
    pub elapsed: Duration,
    pub warnings: Vec<String>,
    pub failures: Vec<String>,
    pub claims: usize,
    /// Ids of the inconsistencies found, in report order.
    pub inconsistency_ids: Vec<String>,
}

#[derive(Debug)]
pub enum RunError {
    Config(Vec<ConfigError>),
    Output(OutputError),
    NoInput(Vec<String>),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Config(errors) => {
                let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                write!(f, "{}", lines.join("\nmarginalia: error: "))
            }
            RunError::Output(e) => write!(f, "{e}"),
            RunError::NoInput(w) if w.is_empty() => write!(f, "no input documents"),
            RunError::NoInput(w) => write!(f, "no input documents ({})", w.join("; ")),
        }
    }
}

impl std::error::Error for RunError {}

/// The data files a run needs, loaded and validated once.
pub struct Data {
    pub rules: Rules,
    /// The learned line classifier (`line-model.tsv`), if the gazetteer has one.
    pub line_model: Option<LineModel>,
    pub matcher: Matcher,
    pub dates: DateTagger,
    pub claims: ClaimRules,
    pub stance: StanceRules,
}

impl Data {
    /// Load every data file of a gazetteer directory; all problems are reported, each with `file:line`.
    pub fn load(dir: &Path) -> Result<Data, Vec<ConfigError>> {
        let rules = Rules::load(dir).and_then(|r| LineModel::load(dir).map(|m| (r, m))).map_err(|e| vec![e]);
        let matcher = Matcher::load(dir);
        let dates = DateTagger::load(dir).map_err(|e| vec![e]);
        let claims = ClaimRules::load(dir);
        let stance = StanceRules::load(dir);
        match (rules, matcher, dates, claims, stance) {
            (Ok((rules, line_model)), Ok(matcher), Ok(dates), Ok(claims), Ok(stance)) => {
                let unknown = stance.unknown_relation_ids(&|id| matcher.entities.iter().any(|e| e.id == id));
                if !unknown.is_empty() {
                    return Err(unknown);
                }
                Ok(Data { rules, line_model, matcher, dates, claims, stance })
            }
            (r, m, d, c, st) => Err(r
                .err()
                .into_iter()
                .flatten()
                .chain(m.err().into_iter().flatten())
                .chain(d.err().into_iter().flatten())
                .chain(c.err().into_iter().flatten())
                .chain(st.err().into_iter().flatten())
                .collect()),
        }
    }
}

/// Normalise, strip, segment and tag one decoded document, with no evidence from other documents.
pub fn analyse(raw: &RawDoc, data: &Data) -> Analysis {
    analyse_in(raw, data, &CorpusLines::default())
}

/// Normalise, strip, segment and tag one decoded document; `corpus` counts the line shapes of the whole run.
pub fn analyse_in(raw: &RawDoc, data: &Data, corpus: &CorpusLines) -> Analysis {
    let mut lines = normalise_lines(raw);
    let kind = raw.input.manifest.as_ref().and_then(|m| DocKind::parse(&m.kind));
    let classified = classify_in(&mut lines, &data.rules, data.line_model.as_ref(), kind, corpus);
    let segmented = segment(&lines, &classified);
    annotate(data, lines, classified, segmented)
}

/// Tag a segmented document: entity mentions, dates (in the text and on removed lines, resolved against the
/// document's own date and the events named), and dated claims.
pub fn annotate(data: &Data, lines: Vec<NormLine>, classified: Classified, segmented: Segmented) -> Analysis {
    let mentions = data.matcher.tag_document(segmented.segments.iter().map(|s| s.text.as_str()));
    let no_anchor = |_: usize, _: usize| None;
    let removed_dates: Vec<(usize, Vec<DateMention>)> = classified
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.label, LineLabel::Boilerplate | LineLabel::Meta))
        .filter_map(|(i, _)| {
            let mut ds = data.dates.tag(&lines[i].text, &[]);
            data.dates.resolve(&lines[i].text, &mut ds, &DateContext { doc_date: None, anchor_date: &no_anchor });
            (!ds.is_empty()).then_some((i, ds))
        })
        .collect();
    let doc_date = document_date(&segmented, &classified, &removed_dates);
    let anchor = |si: usize, start: usize, end: usize| anchor_value(data, &segmented, &mentions, si, start, end);
    let dates = tag_dates(data, &segmented, &mentions, doc_date.as_deref(), &anchor);
    let claims = segmented
        .segments
        .iter()
        .zip(mentions.iter().zip(&dates))
        .map(|(s, (ms, ds))| data.claims.extract(&s.text, ms, ds, &data.matcher.entities))
        .collect();
    let stances = segmented
        .segments
        .iter()
        .zip(&mentions)
        .map(|(s, ms)| {
            // A quote block speaks for the poster it quotes; the rest for the segment's author.
            let quoted: Vec<(usize, usize, Option<String>, bool)> = s
                .quotes
                .iter()
                .filter_map(|q| {
                    let span = |li: usize| s.lines.binary_search(&li).ok().map(|p| s.line_starts[p]);
                    let first = span(*q.lines.first()?)?;
                    let last = q.lines.last().and_then(|&l| s.lines.binary_search(&l).ok())?;
                    // A quote of a post in this document was scored where it was posted.
                    let here = q.source_segment.is_some();
                    Some((first, s.line_starts[last] + lines[s.lines[last]].text.len(), q.author.clone(), here))
                })
                .collect();
            // The author of an article or essay (its byline) is the document's main author: null, as for a blog.
            let own = if s.author_evidence == Some("byline") { None } else { s.author.clone() };
            // A paragraph introduced as a quotation ("In 1924, he wrote in Principles of Leninism:") is its
            // author's, not the speaker's: not scored.
            let cited: Vec<(usize, usize)> = (1..s.lines.len())
                .filter(|&k| data.stance.introduces_quote(&lines[s.lines[k - 1]].text))
                .map(|k| (s.line_starts[k], s.line_starts[k] + lines[s.lines[k]].text.len()))
                .collect();
            let speaker = |b: usize| match quoted.iter().find(|q| q.0 <= b && b < q.1) {
                _ if cited.iter().any(|c| c.0 <= b && b < c.1) => None,
                Some(q) if q.3 => None,
                // A quote of nobody known is nobody's stance here.
                Some(q) => q.2.clone().map(Some),
                None => Some(own.clone()),
            };
            data.stance.evidence(&s.text, ms, &data.matcher.entities, &speaker)
        })
        .collect();
    Analysis { lines, classified, segmented, mentions, dates, claims, removed_dates, doc_date, stances }
}

/// The document's own date: the first full date (with a year) on a byline or posted-time line of its first
/// segment.
fn document_date(seg: &Segmented, classified: &Classified, removed: &[(usize, Vec<DateMention>)]) -> Option<String> {
    let first = seg.segments.first()?;
    removed
        .iter()
        .filter(|(i, _)| *i >= first.first && *i <= first.last)
        .filter(|(i, _)| classified.classes[*i].label == LineLabel::Meta)
        .flat_map(|(_, ds)| ds.iter())
        .filter(|d| d.kind == DateKind::Date && !d.machine)
        .filter_map(|d| d.value.clone())
        .find(|v| !v.starts_with('X'))
}

/// How many mentions before an anchor are searched for the event it names.
const ANCHOR_LOOKBACK: usize = 500;

/// The date of an anchor noun phrase ("the revolution" in "two months before the revolution"): the start of an
/// event named inside it, or else of the last event named before it in the segment whose name ends in the
/// anchor's head noun ("the revolution" after "the October Revolution"), from the gazetteer's `start` facts.
fn anchor_value(
    data: &Data,
    seg: &Segmented,
    mentions: &[Vec<Mention>],
    si: usize,
    start: usize,
    end: usize,
) -> Option<String> {
    let text = &seg.segments[si].text;
    let entities = &data.matcher.entities;
    let start_of =
        |e: usize| entities[e].facts.iter().find(|f| f.key == "start" || f.key == "founded").map(|f| f.value.clone());
    let ms = &mentions[si];
    let first_inside = ms.partition_point(|m| m.start < start);
    let inside = ms[first_inside..].iter().take_while(|m| m.start < end).filter(|m| m.end <= end);
    if let Some(v) = inside.into_iter().find_map(|m| start_of(m.entity)) {
        return Some(v);
    }
    let head = text[start..end].split(|c: char| !c.is_alphanumeric()).rfind(|w| !w.is_empty())?.to_lowercase();
    ms[..first_inside]
        .iter()
        .rev()
        .take(ANCHOR_LOOKBACK)
        .filter(|m| m.end <= start && entities[m.entity].label == "EVENT")
        .filter(|m| text[m.start..m.end].to_lowercase().ends_with(&head))
        .find_map(|m| start_of(m.entity))
}

/// Temporal expressions of every segment, resolved against the rest of the segment's text. Entity names shield
/// the month words inside them. `doc_date` is the document's own date (`YYYY[-MM[-DD]]`), when known;
/// `anchor_date(segment, start, end)` gives the date of an anchor NP (bytes of the segment's text), when the caller
/// knows it (an event entity's date, say).
pub fn tag_dates(
    data: &Data,
    segmented: &Segmented,
    mentions: &[Vec<Mention>],
    doc_date: Option<&str>,
    anchor_date: &dyn Fn(usize, usize, usize) -> Option<String>,
) -> Vec<Vec<DateMention>> {
    segmented
        .segments
        .iter()
        .zip(mentions)
        .enumerate()
        .map(|(i, (s, ms))| {
            let names: Vec<(usize, usize)> = ms.iter().map(|m| (m.start, m.end)).collect();
            let mut dates = data.dates.tag(&s.text, &names);
            let anchor = |start: usize, end: usize| anchor_date(i, start, end);
            data.dates.resolve(&s.text, &mut dates, &DateContext { doc_date, anchor_date: &anchor });
            dates
        })
        .collect()
}

/// Split a document into raw lines (`\n`; a final terminator does not start a line) and normalise each.
pub fn normalise_lines(raw: &RawDoc) -> Vec<NormLine> {
    let mut normalizer = Normalizer::new();
    let text = raw.text.strip_suffix('\n').unwrap_or(&raw.text);
    if raw.text.is_empty() {
        return Vec::new();
    }
    text.split('\n').zip(1u32..).map(|(l, n)| normalizer.line(l, n)).collect()
}

/// The first pass of a run: the line shapes of every readable input document (unreadable ones are reported by
/// the second pass; standard input can be read only once, so it is not counted).
pub fn corpus_evidence(inputs: &[Input]) -> CorpusLines {
    let mut c = CorpusLines::default();
    for input in inputs.iter().filter(|i| !matches!(i.origin, read::Origin::Stdin)) {
        if let Ok(raw) = read::read(input) {
            let lines = normalise_lines(&raw);
            c.add_document(lines.iter().map(|l| l.text.as_str()));
        }
    }
    c
}

/// Everything one document goes through, from decoded text to serialised records.
pub fn process(raw: &RawDoc, data: &Data, corpus: &CorpusLines) -> DocOutput {
    let a = analyse_in(raw, data, corpus);
    let mut out = document_output(raw, &a, &data.matcher);
    for (seg, ms) in a.segmented.segments.iter().zip(&a.mentions) {
        for sug in data.matcher.suggestions(&seg.text, ms) {
            let (line, col) = seg.raw_pos(&a.lines, sug.at);
            out.suggestions.push((sug.name, sug.near, format!("{}:{line}:{col}", raw.input.doc_id)));
        }
    }
    out
}

fn process_input(input: &Input, data: &Data, corpus: &CorpusLines) -> DocOutput {
    match read::read(input) {
        Ok(raw) => process(&raw, data, corpus),
        Err(err) => failed_output(input, &err),
    }
}

/// What the reduce phase needs of one processed document, besides its records' bytes: its name, its counts, the
/// unknown names it showed, its dated claims and its stance records.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocFacts {
    /// The document's position in the run's input list (the order of the output).
    pub index: usize,
    pub document: String,
    pub path: String,
    pub bytes: usize,
    pub segments: usize,
    pub removed: usize,
    pub failed: Option<String>,
    /// (name, near-miss entity id, "document:line:col")
    pub suggestions: Vec<(String, Option<String>, String)>,
    pub claims: Vec<Located>,
    pub stances: Vec<Weighed>,
}

impl DocFacts {
    /// Take the reduce phase's part of a document's output (its stance sentences become its stance records at
    /// once: records do not reach across documents).
    pub fn take(index: usize, input: &Input, doc: &mut DocOutput, data: &Data) -> DocFacts {
        DocFacts {
            index,
            document: input.doc_id.clone(),
            path: input.display(),
            bytes: doc.bytes,
            segments: doc.segment_count,
            removed: doc.removed_count,
            failed: doc.failed.clone(),
            suggestions: std::mem::take(&mut doc.suggestions),
            claims: std::mem::take(&mut doc.claims),
            stances: crate::reconcile::stance_records(&doc.stances, &data.stance.related),
        }
    }
}

impl Summary {
    /// Count one document.
    pub fn count(&mut self, f: &DocFacts) {
        self.documents += 1;
        self.segments += f.segments;
        self.removed += f.removed;
        self.bytes += f.bytes;
        self.claims += f.claims.len();
        match &f.failed {
            Some(e) => {
                self.failed += 1;
                self.failures.push(e.clone());
            }
            None => self.ok += 1,
        }
    }
}

/// A claim as the reduce phase sorts it: its group, the claim, and its document's raw path (for the report).
#[derive(serde::Serialize, serde::Deserialize)]
struct HeldClaim {
    key: GroupKey,
    claim: Located,
    path: String,
}

/// A stance record as the reduce phase sorts it, with its weight and its document's raw path.
#[derive(serde::Serialize, serde::Deserialize)]
struct HeldStance {
    record: StanceRecord,
    weight: f64,
    path: String,
}

fn claim_order(c: &HeldClaim) -> GroupKey {
    c.key.clone()
}

fn stance_order(s: &HeldStance) -> StanceKey {
    stance_key(&s.record)
}

/// The inconsistencies found, on disk until the output is written, in the order they are found: each is a line
/// holding the inconsistency without its positions and their number, then a line per position with the raw
/// path of its document. Three spools, in output order: the date inconsistencies of each rank
/// (`reconcile::rank`), then the stance conflicts.
struct Spool {
    w: BufWriter<File>,
}

impl Spool {
    fn new() -> io::Result<Spool> {
        Ok(Spool { w: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?) })
    }

    /// Start an inconsistency of `n` positions (`position` follows `n` times).
    fn header(&mut self, item: &Inconsistency, n: usize) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, &(item, n))?;
        self.w.write_all(b"\n")
    }

    fn position(&mut self, p: &Position, path: &str) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, &(p, path))?;
        self.w.write_all(b"\n")
    }

    /// An inconsistency with its positions.
    fn push(&mut self, mut item: Inconsistency, path: &dyn Fn(&Position) -> String) -> io::Result<()> {
        let positions = std::mem::take(&mut item.positions);
        self.header(&item, positions.len())?;
        positions.iter().try_for_each(|p| self.position(p, &path(p)))
    }

    /// Read every inconsistency back, in order, with an iterator over its positions (what `each` leaves of
    /// them is skipped).
    fn replay(&mut self, each: &mut Each) -> io::Result<()> {
        self.w.flush()?;
        let file = self.w.get_mut();
        file.rewind()?;
        let mut lines = BufReader::with_capacity(1 << 16, &*file).lines();
        while let Some(line) = lines.next() {
            let (item, n): (Inconsistency, usize) = serde_json::from_str(&line?)?;
            let mut positions =
                (&mut lines).take(n).map(|l| -> io::Result<(Position, String)> { Ok(serde_json::from_str(&l?)?) });
            each(&item, &mut positions)?;
            for rest in positions {
                rest?;
            }
        }
        file.seek(io::SeekFrom::End(0))?;
        Ok(())
    }
}

/// The positions of the stance conflict being read, on disk until its target's last record says whether it is a
/// conflict.
struct Scratch {
    /// Position lines only, in the spool's format.
    held: Spool,
    n: usize,
}

impl Scratch {
    fn new() -> io::Result<Scratch> {
        Ok(Scratch { held: Spool::new()?, n: 0 })
    }

    fn position(&mut self, p: &Position, path: &str) -> io::Result<()> {
        self.n += 1;
        self.held.position(p, path)
    }

    /// End a target: its conflict, if it is one, goes to `spool` with the positions held here; then empty.
    fn finish(&mut self, conflict: Option<Inconsistency>, spool: &mut Spool) -> io::Result<()> {
        self.held.w.flush()?;
        let file = self.held.w.get_mut();
        if let Some(item) = conflict {
            spool.header(&item, self.n)?;
            file.rewind()?;
            io::copy(&mut &*file, &mut spool.w)?;
        }
        file.set_len(0)?;
        file.rewind()?;
        self.n = 0;
        Ok(())
    }
}

/// The reduce phase: documents' facts in, in input order; the cross-document outputs out. Claims and stance
/// records go through external sorts (`spill`), so memory does not grow with their number: the largest group of
/// claims (one subject, event and object) and the positions of one stance conflict are the most held at once.
pub struct Reducer<'a> {
    data: &'a Data,
    summary: Summary,
    suggestions: SuggestionTable,
    claims: Sorter<HeldClaim, GroupKey, fn(&HeldClaim) -> GroupKey>,
    stances: Sorter<HeldStance, StanceKey, fn(&HeldStance) -> StanceKey>,
    /// The first failure to write a temporary file, reported by `finish`.
    error: Option<io::Error>,
}

impl<'a> Reducer<'a> {
    /// `sort_buffer`: the bytes of claims, and of stance records, held before they are sorted on disk.
    pub fn new(data: &'a Data, sort_buffer: usize) -> Self {
        Reducer {
            data,
            summary: Summary::default(),
            suggestions: SuggestionTable::default(),
            claims: Sorter::with_budget(claim_order as fn(&HeldClaim) -> GroupKey, sort_buffer),
            stances: Sorter::with_budget(stance_order as fn(&HeldStance) -> StanceKey, sort_buffer),
            error: None,
        }
    }

    /// Add the next document (documents must come in input order: the suggestions keep the first example, and
    /// claims of one group are compared in input order).
    pub fn add(&mut self, f: DocFacts) {
        self.summary.count(&f);
        self.suggestions.add(&f.document, &f.suggestions);
        let mut pushed = Ok(());
        for claim in f.claims {
            let held = HeldClaim { key: group_key(&claim, &self.data.claims), claim, path: f.path.clone() };
            pushed = pushed.and_then(|()| self.claims.push(&held));
        }
        for (record, weight) in f.stances {
            pushed = pushed.and_then(|()| self.stances.push(&HeldStance { record, weight, path: f.path.clone() }));
        }
        if let Err(e) = pushed {
            self.error.get_or_insert(e);
        }
    }

    pub fn documents(&self) -> usize {
        self.summary.documents
    }

    /// Reconcile the claims and stances and add the suggestions, stances, inconsistencies and report to `out`,
    /// then commit it.
    pub fn finish(self, mut out: OutputSet, dir: &Path) -> Result<Summary, RunError> {
        let Reducer { data, mut summary, suggestions, claims, stances, error } = self;
        let temp = |e: io::Error| {
            let path = format!("{} (temporary files of the reduce phase)", std::env::temp_dir().display());
            RunError::Output(OutputError { path, source: e })
        };
        if let Some(e) = error {
            return Err(temp(e));
        }
        out.add_file(dir, SUGGESTIONS, &suggestions.to_tsv()).map_err(RunError::Output)?;
        let mut spools = [Spool::new().map_err(temp)?, Spool::new().map_err(temp)?, Spool::new().map_err(temp)?];
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        // Date checks, one group of claims at a time.
        let mut checks = DateChecks::new(&data.claims, &data.matcher.entities);
        let mut group: Vec<HeldClaim> = Vec::new();
        let mut date_group = |group: &mut Vec<HeldClaim>, spools: &mut [Spool; 3]| -> io::Result<()> {
            let Some(first) = group.first() else { return Ok(()) };
            let members: Vec<&Located> = group.iter().map(|h| &h.claim).collect();
            let paths: HashMap<&str, &str> =
                group.iter().map(|h| (h.claim.document.as_str(), h.path.as_str())).collect();
            for item in checks.group(&first.key, &members) {
                *counts.entry(item.check.clone()).or_default() += 1;
                let spool = rank(&item.check);
                spools[spool].push(item, &|p| paths[p.document.as_str()].to_owned())?;
            }
            group.clear();
            Ok(())
        };
        for held in claims.finish().map_err(temp)? {
            let held = held.map_err(temp)?;
            if group.first().is_some_and(|g| g.key != held.key) {
                date_group(&mut group, &mut spools).map_err(temp)?;
            }
            group.push(held);
        }
        date_group(&mut group, &mut spools).map_err(temp)?;
        // Stance records, written as they come out of the sort; each target's positions wait on disk until its
        // last record says whether they make a conflict.
        let k = out.add_stream(dir, STANCES).map_err(RunError::Output)?;
        let mut scratch = Scratch::new().map_err(temp)?;
        let mut sides: Option<TargetSides> = None;
        let mut conflicts = 0;
        let mut end_target = |sides: Option<TargetSides>, scratch: &mut Scratch, spools: &mut [Spool; 3]| {
            let conflict = sides.and_then(TargetSides::conflict);
            conflicts += usize::from(conflict.is_some());
            scratch.finish(conflict, &mut spools[2])
        };
        for held in stances.finish().map_err(temp)? {
            let HeldStance { record, weight, path } = held.map_err(temp)?;
            if sides.as_ref().is_some_and(|s| s.target() != record.target) {
                end_target(sides.take(), &mut scratch, &mut spools).map_err(temp)?;
            }
            let s = sides.get_or_insert_with(|| TargetSides::new(&record.target));
            if let Some(p) = s.add(&record, weight) {
                scratch.position(&p, &path).map_err(temp)?;
            }
            let mut line = serde_json::to_vec(&record).map_err(|e| temp(e.into()))?;
            line.push(b'\n');
            out.append(k, &line).map_err(RunError::Output)?;
        }
        end_target(sides.take(), &mut scratch, &mut spools).map_err(temp)?;
        if conflicts > 0 {
            counts.insert(OPPOSITE_STANCES.to_owned(), conflicts);
        }
        // The inconsistencies in output order, then the report, read back from the spools.
        let at = |tmp: &Path| {
            let path = tmp.to_string_lossy().into_owned();
            move |source| RunError::Output(OutputError { path, source })
        };
        let k = out.add_stream(dir, INCONSISTENCIES).map_err(RunError::Output)?;
        for spool in &mut spools {
            let (tmp, w) = out.writer(k);
            let fail = at(tmp);
            spool
                .replay(&mut |item, positions| {
                    summary.inconsistency_ids.push(item.id.clone());
                    write_inconsistency(&mut *w, item, &mut positions.map(|p| p.map(|(p, _)| p)))
                })
                .map_err(fail)?;
        }
        let k = out.add_stream(dir, REPORT).map_err(RunError::Output)?;
        let (tmp, w) = out.writer(k);
        let fail = at(tmp);
        let statement = |id: &str| data.stance.statement(id).map(str::to_owned);
        let count = |check: &str| counts.get(check).copied().unwrap_or(0);
        let mut replay = |check: &str, each: &mut Each| {
            let spool = if check == OPPOSITE_STANCES { 2 } else { rank(check) };
            spools[spool].replay(&mut |item, positions| {
                if item.check == check {
                    each(item, positions)
                } else {
                    Ok(())
                }
            })
        };
        crate::output::report::write(w, &data.matcher.entities, &statement, summary.claims, &count, &mut replay)
            .map_err(fail)?;
        out.commit().map_err(RunError::Output)?;
        Ok(summary)
    }
}

/// Lifts the window for good when the writer ends (or unwinds), or when a worker unwinds, so that no worker waits
/// for a document that will not be written.
struct Release<'a> {
    written: &'a (Mutex<usize>, Condvar),
    always: bool,
}

impl Drop for Release<'_> {
    fn drop(&mut self) {
        if self.always || std::thread::panicking() {
            *self.written.0.lock().unwrap_or_else(|e| e.into_inner()) = usize::MAX;
            self.written.1.notify_all();
        }
    }
}

/// How many documents per worker may be processed ahead of the earliest one not yet written.
const IN_FLIGHT_PER_JOB: usize = 4;

/// Process the inputs at positions `chosen` (ascending) on `jobs` threads; `sink(position, output)` gets each
/// document's output in the order of `chosen`, whatever the thread count.
pub fn map_documents(
    inputs: &[Input],
    chosen: &[usize],
    data: &Data,
    corpus: &CorpusLines,
    jobs: usize,
    mut sink: impl FnMut(usize, DocOutput),
) {
    if chosen.is_empty() {
        return;
    }
    let jobs = jobs.clamp(1, chosen.len());
    let next = AtomicUsize::new(0);
    // Documents handed to the sink so far: a worker does not start a document more than `window` ahead of it,
    // so the outputs waiting for an earlier, slower document stay few (the earliest document never waits).
    let written = (Mutex::new(0usize), Condvar::new());
    let window = IN_FLIGHT_PER_JOB * jobs;
    let (tx, rx) = mpsc::sync_channel::<(usize, DocOutput)>(jobs * 2);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, written) = (&next, &written);
            scope.spawn(move || {
                let _release = Release { written, always: false };
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = chosen.get(k) else { break };
                    let mut done = written.0.lock().unwrap_or_else(|e| e.into_inner());
                    while k >= done.saturating_add(window) {
                        done = written.1.wait(done).unwrap_or_else(|e| e.into_inner());
                    }
                    drop(done);
                    if tx.send((k, process_input(&inputs[i], data, corpus))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let _release = Release { written: &written, always: true };
        let mut pending = BTreeMap::new();
        let mut want = 0;
        for (k, doc) in rx {
            pending.insert(k, doc);
            while let Some(doc) = pending.remove(&want) {
                sink(chosen[want], doc);
                want += 1;
                let mut done = written.0.lock().unwrap_or_else(|e| e.into_inner());
                *done = (*done).max(want);
                drop(done);
                written.1.notify_all();
            }
        }
    });
}

/// Discover the inputs of a run; no input at all is an error.
pub fn discover(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<String>), RunError> {
    let (inputs, warnings) = read::discover(paths).map_err(|e| RunError::Config(vec![e]))?;
    if inputs.is_empty() {
        return Err(RunError::NoInput(warnings));
    }
    Ok((inputs, warnings))
}

/// Run the pipeline: the map phase over every input, then the reduce phase, in one process. `progress(done,
/// total)` is called by the writer after each document.
pub fn run(opts: &Options, mut progress: impl FnMut(usize, usize)) -> Result<Summary, RunError> {
    let start = Instant::now();
    let data = Data::load(&opts.gazetteer).map_err(RunError::Config)?;
    let (inputs, warnings) = discover(&opts.paths)?;
    let corpus = corpus_evidence(&inputs);
    let mut out = OutputSet::create(&opts.out).map_err(RunError::Output)?;
    let mut reducer = Reducer::new(&data, opts.sort_buffer);
    let mut write_err = None;
    let all: Vec<usize> = (0..inputs.len()).collect();
    map_documents(&inputs, &all, &data, &corpus, opts.jobs, |i, mut doc| {
        if write_err.is_none() {
            if let Err(e) = out.write(&doc) {
                write_err = Some(e);
            }
        }
        reducer.add(DocFacts::take(i, &inputs[i], &mut doc, &data));
        progress(reducer.documents(), inputs.len());
    });
    if let Some(e) = write_err {
        return Err(RunError::Output(e));
    }
    let mut summary = reducer.finish(out, &opts.out)?;
    summary.warnings = warnings;
    summary.elapsed = start.elapsed();
    Ok(summary)
}
