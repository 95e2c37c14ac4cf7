//! The whole run: documents are read, normalised, stripped, segmented and serialised independently on `jobs`
//! threads; a single writer appends their records in input order, so the output bytes do not depend on the
//! number of threads.

use crate::dates::{DateMention, DateTagger};
use crate::entities::{Matcher, Mention};
use crate::error::{ConfigError, OutputError};
use crate::normalize::{NormLine, Normalizer};
use crate::read::{self, Input, RawDoc};
use crate::rules::Rules;
use crate::segment::{segment, Segmented};
use crate::strip::{classify, Classified, DocKind};
use crate::write::{document_output, failed_output, DocOutput, OutputSet, SuggestionTable, SUGGESTIONS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub gazetteer: PathBuf,
    pub out: PathBuf,
    pub jobs: usize,
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
    pub matcher: Matcher,
    pub dates: DateTagger,
}

impl Data {
    /// Load every data file of a gazetteer directory; all problems are reported, each with `file:line`.
    pub fn load(dir: &Path) -> Result<Data, Vec<ConfigError>> {
        let rules = Rules::load(dir).map_err(|e| vec![e]);
        let matcher = Matcher::load(dir);
        let dates = DateTagger::load(dir).map_err(|e| vec![e]);
        match (rules, matcher, dates) {
            (Ok(rules), Ok(matcher), Ok(dates)) => Ok(Data { rules, matcher, dates }),
            (r, m, d) => Err(r
                .err()
                .into_iter()
                .flatten()
                .chain(m.err().into_iter().flatten())
                .chain(d.err().into_iter().flatten())
                .collect()),
        }
    }
}

/// A document after every stage but writing.
#[derive(Debug)]
pub struct Analysis {
    pub lines: Vec<NormLine>,
    pub classified: Classified,
    pub segmented: Segmented,
    /// Entity mentions, per segment.
    pub mentions: Vec<Vec<Mention>>,
    /// Temporal expressions, per segment.
    pub dates: Vec<Vec<DateMention>>,
}

/// Normalise, strip, segment and tag one decoded document.
pub fn analyse(raw: &RawDoc, data: &Data) -> Analysis {
    let mut lines = normalise_lines(raw);
    let kind = raw.input.manifest.as_ref().and_then(|m| DocKind::parse(&m.kind));
    let classified = classify(&mut lines, &data.rules, kind);
    let segmented = segment(&lines, &classified);
    let mentions = data.matcher.tag_document(segmented.segments.iter().map(|s| s.text.as_str()));
    let dates = tag_dates(data, &segmented, &mentions);
    Analysis { lines, classified, segmented, mentions, dates }
}

/// Temporal expressions of every segment; entity names shield the month words inside them.
pub fn tag_dates(data: &Data, segmented: &Segmented, mentions: &[Vec<Mention>]) -> Vec<Vec<DateMention>> {
    segmented
        .segments
        .iter()
        .zip(mentions)
        .map(|(s, ms)| {
            let names: Vec<(usize, usize)> = ms.iter().map(|m| (m.start, m.end)).collect();
            data.dates.tag(&s.text, &names)
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

/// Everything one document goes through, from decoded text to serialised records.
pub fn process(raw: &RawDoc, data: &Data) -> DocOutput {
    let a = analyse(raw, data);
    let mut out = document_output(raw, &a, &data.matcher);
    for (seg, ms) in a.segmented.segments.iter().zip(&a.mentions) {
        for sug in data.matcher.suggestions(&seg.text, ms) {
            let (line, col) = seg.raw_pos(&a.lines, sug.at);
            out.suggestions.push((sug.name, sug.near, format!("{}:{line}:{col}", raw.input.doc_id)));
        }
    }
    out
}

fn process_input(input: &Input, data: &Data) -> DocOutput {
    match read::read(input) {
        Ok(raw) => process(&raw, data),
        Err(err) => failed_output(input, &err),
    }
}

/// Run the pipeline. `progress(done, total)` is called by the writer after each document.
pub fn run(opts: &Options, mut progress: impl FnMut(usize, usize)) -> Result<Summary, RunError> {
    let start = Instant::now();
    let data = Data::load(&opts.gazetteer).map_err(RunError::Config)?;
    let (inputs, warnings) = read::discover(&opts.paths).map_err(|e| RunError::Config(vec![e]))?;
    if inputs.is_empty() {
        return Err(RunError::NoInput(warnings));
    }
    let mut out = OutputSet::create(&opts.out).map_err(RunError::Output)?;
    let mut summary = Summary { documents: inputs.len(), warnings, ..Summary::default() };
    let jobs = opts.jobs.clamp(1, inputs.len());
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<(usize, DocOutput)>(jobs * 2);
    let mut write_err = None;
    let mut suggestions = SuggestionTable::default();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, inputs, data) = (&next, &inputs, &data);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= inputs.len() {
                    break;
                }
                if tx.send((i, process_input(&inputs[i], data))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut want = 0;
        for (i, doc) in rx {
            pending.insert(i, doc);
            while let Some(doc) = pending.remove(&want) {
                if write_err.is_none() {
                    if let Err(e) = out.write(&doc) {
                        write_err = Some(e);
                    }
                }
                suggestions.add(&inputs[want].doc_id, &doc.suggestions);
                summary.segments += doc.segment_count;
                summary.removed += doc.removed_count;
                summary.bytes += doc.bytes;
                match doc.failed {
                    Some(f) => {
                        summary.failed += 1;
                        summary.failures.push(f);
                    }
                    None => summary.ok += 1,
                }
                want += 1;
                progress(want, inputs.len());
            }
        }
    });
    if let Some(e) = write_err {
        return Err(RunError::Output(e));
    }
    out.add_file(&opts.out, SUGGESTIONS, &suggestions.to_tsv()).map_err(RunError::Output)?;
    out.commit().map_err(RunError::Output)?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}
