//! Stage 4: turn a processed document into output records, and write the output streams atomically.
//!
//! Offsets are bytes everywhere inside the program; this module converts them to code points, once, as the
//! records are built.

use crate::analysis::Analysis;
use crate::clean::segment::{SegKind, Segment, Segmented};
use crate::clean::strip::LineLabel;
use crate::error::OutputError;
use crate::extract::claims::Claim;
use crate::reconcile::{Located, LocatedStance};
use crate::record::*;
use crate::tag::dates::{DateMention, Resolution};
use crate::tag::entities::{Matcher, Mention};
use crate::text::normalize::NormLine;
use crate::text::read::RawDoc;
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The output streams, in the order they are written.
pub const STREAMS: [&str; 3] = ["documents.jsonl", "segments.jsonl", "removed.jsonl"];

/// The gazetteer maintainers' review file, written after the streams.
pub const SUGGESTIONS: &str = "gazetteer-suggestions.tsv";

/// The reconcile step's output: one inconsistency per line, and the report for reviewers.
pub const INCONSISTENCIES: &str = "inconsistencies.jsonl";
pub const REPORT: &str = "REPORT.md";
/// The stance of each source or poster toward each target, over whole documents.
pub const STANCES: &str = "stances.jsonl";

/// The serialised records of one document, ready to append to the streams.
#[derive(Debug, Default)]
pub struct DocOutput {
    pub documents: Vec<u8>,
    pub segments: Vec<u8>,
    pub removed: Vec<u8>,
    pub segment_count: usize,
    pub removed_count: usize,
    pub bytes: usize,
    pub failed: Option<String>,
    /// Unknown names seen in the document: (name, near-miss entity id, "document:line:col").
    pub suggestions: Vec<(String, Option<String>, String)>,
    /// The document's dated claims, for the reconcile step.
    pub claims: Vec<Located>,
    /// The document's stance evidence sentences, for the reconcile step.
    pub stances: Vec<LocatedStance>,
}

fn push_json<T: serde::Serialize>(buf: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(&mut *buf, value).expect("records serialise");
    buf.push(b'\n');
}

pub fn segment_id(doc_id: &str, index: usize) -> String {
    format!("{doc_id}:{index:04}")
}

/// Build every record of a processed document.
pub fn document_output(raw: &RawDoc, a: &Analysis, matcher: &Matcher) -> DocOutput {
    let (lines, classified, seg) = (a.lines.as_slice(), &a.classified, &a.segmented);
    let doc_id = raw.input.doc_id.as_str();
    let manifest = raw.input.manifest.as_ref();
    let title = manifest.map(|m| m.title.clone()).or_else(|| {
        classified.classes.iter().position(|c| c.label == LineLabel::Heading).map(|i| lines[i].text.clone())
    });
    let source = Source {
        path: raw.input.display(),
        sha256: raw.sha256.clone(),
        kind: classified.kind.as_str().to_owned(),
        title: title.clone(),
    };
    let mut out = DocOutput { bytes: raw.bytes, ..DocOutput::default() };

    // Segments.
    let ids: Vec<String> = (0..seg.segments.len()).map(|i| segment_id(doc_id, i)).collect();
    let mut mentioned: HashSet<(Option<String>, Option<String>, String)> = HashSet::new();
    // A comment with no known author is a speaker of its own, not the document's main author.
    let comment_of = |si: usize, speaker: &Option<String>| {
        let s = &seg.segments[si];
        (speaker.is_none() && si > 0 && s.author.is_none() && s.kind == SegKind::Comment).then(|| ids[si].clone())
    };
    // Speakers who declare an even-handed account anywhere in the document: neutral in every segment.
    let declared: HashSet<(Option<String>, Option<String>)> = (0..seg.segments.len())
        .flat_map(|si| a.stances[si].iter().map(move |e| (si, e)))
        .filter(|(_, e)| e.target == crate::extract::stance::EVEN_HANDED)
        .map(|(si, e)| (e.speaker.clone(), comment_of(si, &e.speaker)))
        .collect();
    for (si, s) in seg.segments.iter().enumerate() {
        let cp = CodePoints::new(&s.text);
        let spans: Vec<LineSpan> = s
            .lines
            .iter()
            .zip(&s.line_starts)
            .map(|(&li, &b)| {
                let l = &lines[li];
                LineSpan {
                    start: cp.at(b),
                    end: cp.at(b + l.text.len()),
                    label: classified.classes[li].label.as_str().to_owned(),
                    raw: RawPos { line: l.raw_line, col: l.raw_col(0) },
                }
            })
            .collect();
        let text = s.text.clone();
        let span_of = |li: usize| s.lines.binary_search(&li).ok().map(|p| &spans[p]);
        let quotes = s
            .quotes
            .iter()
            .filter_map(|q| {
                let first = span_of(*q.lines.first()?)?;
                let last = span_of(*q.lines.last()?)?;
                Some(QuoteSpan {
                    start: first.start,
                    end: last.end,
                    author: q.author.clone(),
                    posted: q.time.clone(),
                    header_line: lines[q.header].raw_line,
                    source_segment: q.source_segment.map(|o| ids[o].clone()),
                    source_line: q.source.map(|l| lines[l].raw_line),
                    raw: first.raw,
                })
            })
            .collect();
        let rec = SegmentRecord {
            id: ids[si].clone(),
            document: doc_id.to_owned(),
            offset_unit: OFFSET_UNIT.to_owned(),
            source: source.clone(),
            segment: SegmentFacts {
                index: si as u32,
                kind: s.kind.as_str().to_owned(),
                author: s.author.clone(),
                author_evidence: s.author_evidence.map(str::to_owned),
                author_missing: s.author_missing().map(str::to_owned),
                posted: s.posted.clone(),
                title: s.title.clone(),
                reply_to: s.reply_to.map(|r| ids[r].clone()),
                depth: s.depth,
                first_line: lines[s.first].raw_line,
                last_line: lines[s.last].raw_line,
            },
            text,
            lines: spans,
            quotes,
            entities: Some(entity_spans(&a.mentions[si], s, lines, &cp, matcher)),
            dates: Some(date_spans(&a.dates[si], s, lines, &cp)),
            claims: Some(claim_spans(&a.claims[si], s, lines, &cp, matcher)),
            stances: Some(stance_spans(&a.stances[si], s, lines, &cp, &|sp| {
                declared.contains(&(sp.clone(), comment_of(si, sp)))
            })),
        };
        for e in &a.stances[si] {
            let comment = comment_of(si, &e.speaker);
            // Of sentences that only name a target, the first per speaker and target is enough.
            if e.score == 0.0 && !mentioned.insert((e.speaker.clone(), comment.clone(), e.target.clone())) {
                continue;
            }
            let (line, col) = s.raw_pos(lines, e.sentence.0);
            out.stances.push(LocatedStance {
                document: doc_id.to_owned(),
                segment: ids[si].clone(),
                author: e.speaker.clone(),
                comment,
                target: e.target.clone(),
                score: e.score,
                raw: RawPos { line, col },
                text: s.text[e.sentence.0..e.sentence.1].to_owned(),
            });
        }
        for (span, c) in rec.claims.iter().flatten().zip(&a.claims[si]) {
            out.claims.push(Located {
                document: doc_id.to_owned(),
                segment: rec.id.clone(),
                author: rec.segment.author.clone(),
                claim: span.clone(),
                evidence: s.text[c.sentence.0..c.sentence.1].to_owned(),
            });
        }
        push_json(&mut out.segments, &rec);
    }
    out.segment_count = seg.segments.len();

    // Removed lines and inline removals, in raw order.
    let mut inline = classified.inline.iter().peekable();
    for (i, c) in classified.classes.iter().enumerate() {
        while let Some(r) = inline.next_if(|r| r.line < i) {
            push_inline(&mut out, doc_id, seg, lines, &ids, r);
        }
        if matches!(c.label, LineLabel::Boilerplate | LineLabel::Meta) {
            let l = &lines[i];
            let dates = match a.removed_dates.binary_search_by_key(&i, |x| x.0) {
                Ok(k) => {
                    let cp = CodePoints::new(&l.text);
                    let meta = c.label == LineLabel::Meta;
                    a.removed_dates[k]
                        .1
                        .iter()
                        .map(|d| date_span(d, &l.text, &cp, meta, |b| (l.raw_line, l.raw_col(b))))
                        .collect()
                }
                Err(_) => Vec::new(),
            };
            let rec = RemovedRecord {
                document: doc_id.to_owned(),
                segment: seg.line_segment[i].map(|s| ids[s].clone()),
                raw: RawPos { line: lines[i].raw_line, col: lines[i].raw_col(0) },
                label: c.label.as_str().to_owned(),
                rule: c.rule.clone(),
                text: lines[i].text.clone(),
                whole_line: true,
                dates,
            };
            push_json(&mut out.removed, &rec);
            out.removed_count += 1;
        }
        while let Some(r) = inline.next_if(|r| r.line == i) {
            push_inline(&mut out, doc_id, seg, lines, &ids, r);
        }
    }

    let doc = DocumentRecord {
        document: doc_id.to_owned(),
        path: raw.input.display(),
        status: "ok".into(),
        error: None,
        sha256: Some(raw.sha256.clone()),
        seed: manifest.and_then(|m| m.seed.clone()),
        kind: Some(classified.kind.as_str().to_owned()),
        title,
        bytes: raw.bytes as u64,
        lines: lines.len() as u32,
        segments: out.segment_count as u32,
        removed_lines: out.removed_count as u32,
        bom: raw.bom,
        crlf: raw.crlf,
        replaced: raw
            .replaced
            .iter()
            .take(100)
            .map(|&(byte, len, line)| Replaced { byte: byte as u64, len: len as u32, line })
            .collect(),
        replaced_count: raw.replaced.len() as u64,
        manifest_mismatch: manifest.is_some_and(|m| m.sha256 != raw.sha256),
    };
    push_json(&mut out.documents, &doc);
    out
}

fn entity_spans(
    ms: &[Mention],
    s: &Segment,
    lines: &[NormLine],
    cp: &CodePoints,
    matcher: &Matcher,
) -> Vec<EntitySpan> {
    ms.iter()
        .map(|m| {
            let e = &matcher.entities[m.entity];
            let (line, col) = s.raw_pos(lines, m.start);
            EntitySpan {
                start: cp.at(m.start),
                end: cp.at(m.end),
                label: e.label.clone(),
                id: e.id.clone(),
                surface: s.text[m.start..m.end].to_owned(),
                match_kind: m.how.as_str().to_owned(),
                score: m.how.score(),
                adj: m.adj,
                variant: m.how.is_variant(),
                candidates: m.candidates.iter().map(|&c| matcher.entities[c].id.clone()).collect(),
                raw: RawPos { line, col },
            }
        })
        .collect()
}

fn date_spans(ds: &[DateMention], s: &Segment, lines: &[NormLine], cp: &CodePoints) -> Vec<DateSpan> {
    ds.iter().map(|d| date_span(d, &s.text, cp, false, |b| s.raw_pos(lines, b))).collect()
}

/// A date record. `meta`: the expression dates the post (a byline, a comment time); a date in a file name or
/// URL is metadata wherever it stands.
fn date_span(
    d: &DateMention,
    text: &str,
    cp: &CodePoints,
    meta: bool,
    raw_pos: impl Fn(usize) -> (u32, u32),
) -> DateSpan {
    let (line, col) = raw_pos(d.start);
    let resolved_from = d.resolved_from.as_ref().map(|r| match r {
        Resolution::DocumentDate => "document date".to_owned(),
        Resolution::Text { start, end } => format!("{} (line {})", &text[*start..*end], raw_pos(*start).0),
    });
    DateSpan {
        start: cp.at(d.start),
        end: cp.at(d.end),
        kind: d.kind.as_str().to_owned(),
        value: d.value.clone(),
        modifier: d.modifier.clone(),
        meta: meta || d.machine,
        machine: d.machine,
        resolved: d.resolved.clone(),
        resolved_from,
        anchor: d.anchor.map(|(a, b)| text[a..b].to_owned()),
        surface: text[d.start..d.end].to_owned(),
        raw: RawPos { line, col },
    }
}

fn claim_spans(cs: &[Claim], s: &Segment, lines: &[NormLine], cp: &CodePoints, matcher: &Matcher) -> Vec<ClaimSpan> {
    let id = |e: usize| matcher.entities[e].id.clone();
    cs.iter()
        .map(|c| {
            let (line, col) = s.raw_pos(lines, c.date.0);
            ClaimSpan {
                subject: id(c.subject),
                event: c.event.clone(),
                object: c.object.map(id),
                agent: c.agent.map(id),
                value: c.value.clone(),
                modifier: c.modifier.clone(),
                derived: c.derived,
                start: cp.at(c.date.0),
                end: cp.at(c.date.1),
                surface: s.text[c.date.0..c.date.1].to_owned(),
                trigger: c.trigger.map(|(a, b)| s.text[a..b].to_owned()),
                evidence_start: cp.at(c.sentence.0),
                evidence_end: cp.at(c.sentence.1),
                raw: RawPos { line, col },
            }
        })
        .collect()
}

fn stance_spans(
    ev: &[crate::extract::stance::Evidence],
    s: &Segment,
    lines: &[NormLine],
    cp: &CodePoints,
    declared: &dyn Fn(&Option<String>) -> bool,
) -> Vec<StanceSpan> {
    crate::extract::stance::aggregate_declared(ev, declared)
        .into_iter()
        .map(|st| StanceSpan {
            target: st.target,
            author: st.speaker,
            stance: st.stance.to_owned(),
            score: round3(st.score),
            evidence: st
                .evidence
                .iter()
                .map(|e| {
                    let (line, col) = s.raw_pos(lines, e.sentence.0);
                    StanceEvidence {
                        start: cp.at(e.sentence.0),
                        end: cp.at(e.sentence.1),
                        score: round3(e.score),
                        raw: RawPos { line, col },
                    }
                })
                .collect(),
        })
        .collect()
}

/// Byte offsets of a text to code-point offsets.
pub struct CodePoints {
    /// Byte offset of every character, or empty when the text is ASCII (bytes are code points).
    starts: Vec<u32>,
    len: usize,
}

impl CodePoints {
    pub fn new(text: &str) -> Self {
        let starts = if text.is_ascii() { Vec::new() } else { text.char_indices().map(|(b, _)| b as u32).collect() };
        CodePoints { starts, len: text.len() }
    }

    /// Code-point offset of byte offset `b` (a char boundary, or the end).
    pub fn at(&self, b: usize) -> u64 {
        if self.starts.is_empty() {
            return b.min(self.len) as u64;
        }
        self.starts.partition_point(|&s| (s as usize) < b) as u64
    }
}

fn push_inline(
    out: &mut DocOutput,
    doc_id: &str,
    seg: &Segmented,
    lines: &[NormLine],
    ids: &[String],
    r: &crate::clean::strip::InlineRemoval,
) {
    let rec = RemovedRecord {
        document: doc_id.to_owned(),
        segment: seg.line_segment[r.line].map(|s| ids[s].clone()),
        raw: RawPos { line: lines[r.line].raw_line, col: r.raw_col },
        label: "boilerplate".into(),
        rule: r.rule.to_owned(),
        text: r.text.clone(),
        whole_line: false,
        dates: Vec::new(),
    };
    push_json(&mut out.removed, &rec);
}

/// The record of a document that could not be processed.
pub fn failed_output(input: &crate::text::read::Input, err: &crate::error::DocError) -> DocOutput {
    let (line, sha256, bytes) = match err {
        crate::error::DocError::Binary { line, sha256, bytes, .. } => (Some(*line), Some(sha256.clone()), *bytes),
        crate::error::DocError::Unreadable { .. } => (None, None, 0),
    };
    let manifest = input.manifest.as_ref();
    let rec = DocumentRecord {
        document: input.doc_id.clone(),
        path: input.display(),
        status: "failed".into(),
        error: Some(DocFailure { kind: err.kind().to_owned(), message: err.to_string(), line }),
        sha256,
        seed: manifest.and_then(|m| m.seed.clone()),
        kind: manifest.map(|m| m.kind.clone()),
        title: manifest.map(|m| m.title.clone()),
        bytes: bytes as u64,
        lines: 0,
        segments: 0,
        removed_lines: 0,
        bom: false,
        crlf: false,
        replaced: Vec::new(),
        replaced_count: 0,
        manifest_mismatch: false,
    };
    let mut out = DocOutput { failed: Some(err.to_string()), ..DocOutput::default() };
    push_json(&mut out.documents, &rec);
    out
}

/// Suggestions for the gazetteer maintainers, counted over the whole run.
#[derive(Debug, Default)]
pub struct SuggestionTable {
    /// name -> its row. Documents arrive in input order, so counting documents needs only the last one seen.
    rows: std::collections::BTreeMap<String, Suggestion>,
}

#[derive(Debug)]
struct Suggestion {
    near: Option<String>,
    count: usize,
    documents: usize,
    last_document: String,
    example: String,
}

impl SuggestionTable {
    pub fn add(&mut self, doc_id: &str, items: &[(String, Option<String>, String)]) {
        for (name, near, example) in items {
            let row = self.rows.entry(name.clone()).or_insert_with(|| Suggestion {
                near: near.clone(),
                count: 0,
                documents: 0,
                last_document: String::new(),
                example: example.clone(),
            });
            row.count += 1;
            if row.documents == 0 || row.last_document != doc_id {
                row.documents += 1;
                row.last_document.clear();
                row.last_document.push_str(doc_id);
            }
        }
    }

    /// TSV, most frequent first: name, near (entity id it may be a variant of), count, documents, example.
    pub fn to_tsv(&self) -> String {
        let mut rows: Vec<_> = self.rows.iter().collect();
        rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        let mut out = String::from("name\tnear\tcount\tdocuments\texample\n");
        for (name, r) in rows {
            let near = r.near.as_deref().unwrap_or("-");
            out.push_str(&format!("{name}\t{near}\t{}\t{}\t{}\n", r.count, r.documents, r.example));
        }
        out
    }
}

/// One line of `inconsistencies.jsonl`, its positions written as they come (`head`'s own positions are not
/// read): the bytes of the whole record serialised at once.
pub fn write_inconsistency(
    w: &mut dyn Write,
    head: &Inconsistency,
    positions: &mut dyn Iterator<Item = std::io::Result<Position>>,
) -> std::io::Result<()> {
    let whole = if head.positions.is_empty() {
        serde_json::to_string(head)?
    } else {
        serde_json::to_string(&Inconsistency { positions: Vec::new(), ..head.clone() })?
    };
    // The positions are the last field but the note: cut the empty list open.
    let tail = format!("],\"note\":{}}}", serde_json::to_string(&head.note)?);
    let open = whole.strip_suffix(&tail).filter(|h| h.ends_with("\"positions\":["));
    let open = open.ok_or_else(|| std::io::Error::other("inconsistency record: positions are not before the note"))?;
    w.write_all(open.as_bytes())?;
    for (k, p) in positions.enumerate() {
        if k > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, &p?)?;
    }
    w.write_all(tail.as_bytes())?;
    w.write_all(b"\n")
}

/// The output streams, written to temporary files and renamed into place only when all are complete.
pub struct OutputSet {
    files: Vec<(PathBuf, PathBuf, BufWriter<File>)>,
    committed: bool,
}

impl OutputSet {
    pub fn create(dir: &Path) -> Result<OutputSet, OutputError> {
        OutputSet::create_streams(dir, &STREAMS)
    }

    /// Streams of these names, in this order (`write` appends a document's records to the first three).
    pub fn create_streams(dir: &Path, names: &[&str]) -> Result<OutputSet, OutputError> {
        let err = |p: &Path, e| OutputError { path: p.to_string_lossy().into_owned(), source: e };
        std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
        let mut files = Vec::new();
        for name in names {
            let fin = dir.join(name);
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let f = File::create(&tmp).map_err(|e| err(&tmp, e))?;
            files.push((fin, tmp, BufWriter::with_capacity(1 << 16, f)));
        }
        Ok(OutputSet { files, committed: false })
    }

    pub fn write(&mut self, doc: &DocOutput) -> Result<(), OutputError> {
        for (k, buf) in [&doc.documents, &doc.segments, &doc.removed].into_iter().enumerate() {
            let (_, tmp, w) = &mut self.files[k];
            w.write_all(buf).map_err(|e| OutputError { path: tmp.to_string_lossy().into_owned(), source: e })?;
        }
        Ok(())
    }

    /// Append bytes to stream `k` (in the order the streams were created).
    pub fn append(&mut self, k: usize, bytes: &[u8]) -> Result<(), OutputError> {
        let (_, tmp, w) = &mut self.files[k];
        w.write_all(bytes).map_err(|e| OutputError { path: tmp.to_string_lossy().into_owned(), source: e })
    }

    /// Add a file of JSON Lines, one record per line, written as the records come (not built in memory first).
    pub fn add_records<T: serde::Serialize>(
        &mut self,
        dir: &Path,
        name: &str,
        records: impl IntoIterator<Item = T>,
    ) -> Result<(), OutputError> {
        self.add_file(dir, name, "")?;
        let (_, tmp, w) = self.files.last_mut().expect("just added");
        let err = |e: std::io::Error| OutputError { path: tmp.to_string_lossy().into_owned(), source: e };
        for r in records {
            serde_json::to_writer(&mut *w, &r).map_err(|e| err(e.into()))?;
            w.write_all(b"\n").map_err(err)?;
        }
        Ok(())
    }

    /// Add a stream to be written record by record (`append`, `writer`); returns its number.
    pub fn add_stream(&mut self, dir: &Path, name: &str) -> Result<usize, OutputError> {
        self.add_file(dir, name, "")?;
        Ok(self.files.len() - 1)
    }

    /// Stream `k`'s writer and the temporary file it writes (for error messages).
    pub fn writer(&mut self, k: usize) -> (&Path, &mut BufWriter<File>) {
        let (_, tmp, w) = &mut self.files[k];
        (tmp, w)
    }

    /// Add a whole file, written last (the suggestions table).
    pub fn add_file(&mut self, dir: &Path, name: &str, contents: &str) -> Result<(), OutputError> {
        let fin = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let err = |e| OutputError { path: tmp.to_string_lossy().into_owned(), source: e };
        let f = File::create(&tmp).map_err(err)?;
        let mut w = BufWriter::new(f);
        w.write_all(contents.as_bytes())
            .map_err(|e| OutputError { path: tmp.to_string_lossy().into_owned(), source: e })?;
        self.files.push((fin, tmp, w));
        Ok(())
    }

    /// Flush, sync and rename every stream into place.
    pub fn commit(mut self) -> Result<(), OutputError> {
        for (_, tmp, w) in &mut self.files {
            let e = |e| OutputError { path: tmp.to_string_lossy().into_owned(), source: e };
            w.flush().map_err(e)?;
            w.get_ref().sync_all().map_err(|e| OutputError { path: tmp.to_string_lossy().into_owned(), source: e })?;
        }
        for (fin, tmp, _) in &self.files {
            std::fs::rename(tmp, fin)
                .map_err(|e| OutputError { path: fin.to_string_lossy().into_owned(), source: e })?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if !self.committed {
            for (_, tmp, _) in &self.files {
                let _ = std::fs::remove_file(tmp);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inconsistency_written_position_by_position_is_the_record_serialised_whole() {
        let position = |value: &str, evidence: &str| Position {
            document: "d".into(),
            segment: "d:0001".into(),
            author: Some("x".into()),
            value: value.into(),
            event: "stance".into(),
            surface: "+0.50".into(),
            derived: false,
            raw: RawPos { line: 3, col: 1 },
            evidence: evidence.into(),
            agrees_with_reference: Some(true),
        };
        let item = |positions: Vec<Position>, note: &str| Inconsistency {
            id: "stance-0123456789ab".into(),
            kind: "stance".into(),
            check: "opposite-stances".into(),
            subject: "s".into(),
            event: "stance".into(),
            object: Some("o".into()),
            within_source: true,
            severity: "minor".into(),
            reference: Some("1917".into()),
            reference_source: None,
            positions,
            note: note.into(),
        };
        let cases = [
            item(vec![], "none"),
            item(vec![position("pro", "a \"quoted\" ],\"note\": line")], "one"),
            item(vec![position("pro", "a"), position("con", "b\n")], "a note with ],\"note\":\"x\"} in it"),
        ];
        for whole in cases {
            let mut got = Vec::new();
            let head = Inconsistency { positions: Vec::new(), ..whole.clone() };
            write_inconsistency(&mut got, &head, &mut whole.positions.iter().cloned().map(Ok)).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), serde_json::to_string(&whole).unwrap() + "\n");
        }
    }
}
