//! The run in phases over shards of the inputs, for a corpus spread over processes or machines.
//!
//! - `shapes` counts the line shapes of one shard's documents (the only evidence that crosses documents before
//!   the reduce phase); the counts of disjoint shards add up.
//! - `map` processes one shard's documents against the line shapes of the whole run and writes a shard
//!   directory: the three per-document streams for its documents, `shard.json` (which shard of how many
//!   inputs) and `facts.jsonl` (per document: its position in the input list, where its records stand in each
//!   stream, and what the reduce phase needs of it).
//! - `reduce` reads shard directories, given in any order, and writes the output directory of one whole run:
//!   the streams in input order, then the suggestions, stances, inconsistencies and the report. It reads each
//!   `facts.jsonl` twice: once for the documents' positions (checked: one run, every input once), then, in input
//!   order, one document's facts at a time.
//!
//! Any sharding followed by `reduce` gives the bytes `pipeline::run` gives; `run` is these phases in one process.
//! Shard `K/N` (1-based) is the K-th of N runs of consecutive inputs of equal count, so every shard of a run
//! must be given the same input paths.

use super::{corpus_evidence, discover, map_documents, Data, DocFacts, Reducer, RunError, Summary};
use crate::clean::strip::corpus::CorpusLines;
use crate::error::ConfigError;
use crate::output::write::{OutputSet, STREAMS};
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A shard directory's description of itself.
pub const SHARD: &str = "shard.json";
/// A shard directory's per-document facts.
pub const FACTS: &str = "facts.jsonl";
/// The format written in `shard.json`; `reduce` refuses any other.
pub const FORMAT: &str = "marginalia-shard-1";

/// Which part of a run a shard is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardInfo {
    pub format: String,
    /// 1-based.
    pub shard: usize,
    pub shards: usize,
    /// Inputs of the whole run.
    pub inputs: usize,
    /// Documents in this shard.
    pub documents: usize,
}

/// One line of `facts.jsonl`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsLine {
    /// (byte offset, byte length) of the document's records in each of `STREAMS`.
    streams: [[u64; 2]; 3],
    facts: DocFacts,
}

/// Shard `k` of `n` (1-based), as `K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { k: 1, n: 1 }
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: expected K/N with 1 <= K <= N (say 2/7)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n) = (k.trim().parse::<usize>().map_err(|_| bad())?, n.trim().parse::<usize>().map_err(|_| bad())?);
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// The positions of the inputs this shard holds, of `inputs` in all.
    pub fn range(&self, inputs: usize) -> Range<usize> {
        (self.k - 1) * inputs / self.n..self.k * inputs / self.n
    }
}

#[derive(Debug, Clone)]
pub struct MapOptions {
    pub paths: Vec<PathBuf>,
    pub gazetteer: PathBuf,
    /// The shard directory to write.
    pub out: PathBuf,
    pub jobs: usize,
    pub shard: Shard,
    /// Line-shape files (`shapes`) that together cover every input of the run; none: count them here, over
    /// every input.
    pub shapes: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct ReduceOptions {
    pub shards: Vec<PathBuf>,
    pub gazetteer: PathBuf,
    pub out: PathBuf,
    /// As `Options::sort_buffer`.
    pub sort_buffer: usize,
}

fn config(file: &Path, line: Option<u32>, message: impl Into<String>) -> RunError {
    RunError::Config(vec![ConfigError::new(file.to_string_lossy(), line, message)])
}

/// The line shapes of one shard's documents.
pub fn shapes(paths: &[PathBuf], shard: Shard) -> Result<(CorpusLines, Vec<String>), RunError> {
    let (inputs, warnings) = discover(paths)?;
    Ok((corpus_evidence(&inputs[shard.range(inputs.len())]), warnings))
}

/// The sum of line-shape files.
pub fn load_shapes(files: &[PathBuf]) -> Result<CorpusLines, RunError> {
    let mut all = CorpusLines::default();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| config(f, None, format!("cannot read line shapes: {e}")))?;
        let one = CorpusLines::parse(&text).map_err(|(line, m)| config(f, Some(line), m))?;
        all.merge(&one);
    }
    Ok(all)
}

/// The map phase for one shard: its documents' streams and facts, in a shard directory.
pub fn map(opts: &MapOptions, mut progress: impl FnMut(usize, usize)) -> Result<Summary, RunError> {
    let start = Instant::now();
    let data = Data::load(&opts.gazetteer).map_err(RunError::Config)?;
    let (inputs, warnings) = discover(&opts.paths)?;
    let corpus = if opts.shapes.is_empty() { corpus_evidence(&inputs) } else { load_shapes(&opts.shapes)? };
    let chosen: Vec<usize> = opts.shard.range(inputs.len()).collect();
    let mut names: Vec<&str> = STREAMS.to_vec();
    names.push(FACTS);
    let mut out = OutputSet::create_streams(&opts.out, &names).map_err(RunError::Output)?;
    let mut summary = Summary { warnings, ..Summary::default() };
    let mut at = [0u64; 3];
    let mut write_err = None;
    map_documents(&inputs, &chosen, &data, &corpus, opts.jobs, |i, mut doc| {
        let bufs = [&doc.documents, &doc.segments, &doc.removed];
        let streams = std::array::from_fn(|k| {
            let span = [at[k], bufs[k].len() as u64];
            at[k] += span[1];
            span
        });
        let line = FactsLine { streams, facts: DocFacts::take(i, &inputs[i], &mut doc, &data) };
        summary.count(&line.facts);
        let mut json = serde_json::to_vec(&line).expect("facts serialise");
        json.push(b'\n');
        if write_err.is_none() {
            write_err = out.write(&doc).and_then(|()| out.append(3, &json)).err();
        }
        progress(summary.documents, chosen.len());
    });
    if let Some(e) = write_err {
        return Err(RunError::Output(e));
    }
    let info = ShardInfo {
        format: FORMAT.to_owned(),
        shard: opts.shard.k,
        shards: opts.shard.n,
        inputs: inputs.len(),
        documents: chosen.len(),
    };
    let json = serde_json::to_string(&info).expect("shard info serialises") + "\n";
    out.add_file(&opts.out, SHARD, &json).map_err(RunError::Output)?;
    out.commit().map_err(RunError::Output)?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// Where one document's facts line stands: read first for the order, then again, in input order, for the facts.
struct Entry {
    /// The document's position in the run's inputs.
    index: usize,
    /// The shard (its position on the command line), the line's byte offset in its `facts.jsonl` and line number.
    shard: usize,
    offset: u64,
    line: u32,
}

/// The part of a facts line the first reading needs.
#[derive(serde::Deserialize)]
struct Peek {
    facts: PeekFacts,
}

#[derive(serde::Deserialize)]
struct PeekFacts {
    index: usize,
}

/// A shard directory's description and where each of its documents' facts stand, checked (the facts are read
/// again when they are reduced, one document at a time).
fn read_shard(dir: &Path, shard: usize, entries: &mut Vec<Entry>) -> Result<ShardInfo, RunError> {
    let info_path = dir.join(SHARD);
    let text = std::fs::read_to_string(&info_path)
        .map_err(|e| config(&info_path, None, format!("not a shard directory (`marginalia map` writes one): {e}")))?;
    let info: ShardInfo = serde_json::from_str(&text).map_err(|e| config(&info_path, Some(1), e.to_string()))?;
    if info.format != FORMAT {
        return Err(config(&info_path, Some(1), format!("shard format `{}`, expected `{FORMAT}`", info.format)));
    }
    let facts_path = dir.join(FACTS);
    let file = std::fs::File::open(&facts_path).map_err(|e| config(&facts_path, None, e.to_string()))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let (mut offset, mut documents, mut line) = (0u64, 0usize, String::new());
    for n in 1u32.. {
        line.clear();
        let len = reader.read_line(&mut line).map_err(|e| config(&facts_path, Some(n), e.to_string()))?;
        if len == 0 {
            break;
        }
        let f: Peek = serde_json::from_str(&line).map_err(|e| config(&facts_path, Some(n), e.to_string()))?;
        if f.facts.index >= info.inputs {
            let m = format!("input {} of a run of {}", f.facts.index, info.inputs);
            return Err(config(&facts_path, Some(n), m));
        }
        entries.push(Entry { index: f.facts.index, shard, offset, line: n });
        offset += len as u64;
        documents += 1;
    }
    if documents != info.documents {
        let m = format!("{documents} documents listed, {} expected from {SHARD}", info.documents);
        return Err(config(&facts_path, None, m));
    }
    Ok(info)
}

/// One of a shard's record streams, open: its path (for messages) and its file.
type Stream = (PathBuf, std::fs::File);

/// One shard's `facts.jsonl`, read line by line where the entries say.
struct FactsFile {
    path: PathBuf,
    reader: std::io::BufReader<std::fs::File>,
    at: u64,
}

impl FactsFile {
    fn open(dir: &Path) -> Result<FactsFile, RunError> {
        let path = dir.join(FACTS);
        let file = std::fs::File::open(&path).map_err(|e| config(&path, None, e.to_string()))?;
        Ok(FactsFile { path, reader: std::io::BufReader::with_capacity(1 << 16, file), at: 0 })
    }

    fn read(&mut self, e: &Entry) -> Result<FactsLine, RunError> {
        let err = |m: String| config(&self.path, Some(e.line), m);
        if self.at != e.offset {
            self.reader.seek(SeekFrom::Start(e.offset)).map_err(|x| err(x.to_string()))?;
        }
        let mut line = String::new();
        let len = self.reader.read_line(&mut line).map_err(|x| err(x.to_string()))?;
        self.at = e.offset + len as u64;
        serde_json::from_str(&line).map_err(|x| err(x.to_string()))
    }
}

/// The reduce phase: shard directories in, the output directory of the whole run out.
pub fn reduce(opts: &ReduceOptions, mut progress: impl FnMut(usize, usize)) -> Result<Summary, RunError> {
    let start = Instant::now();
    let data = Data::load(&opts.gazetteer).map_err(RunError::Config)?;
    if opts.shards.is_empty() {
        return Err(RunError::NoInput(vec!["no shard directories given".into()]));
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut total: Option<(usize, &Path)> = None;
    for (s, dir) in opts.shards.iter().enumerate() {
        let info = read_shard(dir, s, &mut entries)?;
        match total {
            Some((t, first)) if t != info.inputs => {
                let m = format!("a shard of a run of {} inputs; {} is of a run of {t}", info.inputs, first.display());
                return Err(config(&dir.join(SHARD), Some(1), m));
            }
            _ => total = Some((info.inputs, dir)),
        }
    }
    let total = total.map_or(0, |t| t.0);
    entries.sort_by_key(|e| e.index);
    for w in entries.windows(2) {
        if w[0].index == w[1].index {
            let (a, b) = (&opts.shards[w[0].shard], &opts.shards[w[1].shard]);
            let document = FactsFile::open(b)?.read(&w[1])?.facts.document;
            let m = format!("document {document} is also in {}", a.display());
            return Err(config(&b.join(FACTS), Some(w[1].line), m));
        }
    }
    if entries.len() != total {
        let missing = (0..total).find(|&i| entries.binary_search_by_key(&i, |e| e.index).is_err()).unwrap_or(0);
        let m = format!(
            "the shards hold {} of the run's {total} inputs (input {} is in none: is a shard missing?)",
            entries.len(),
            missing + 1
        );
        return Err(RunError::NoInput(vec![m]));
    }
    let mut out = OutputSet::create(&opts.out).map_err(RunError::Output)?;
    let mut reducer = Reducer::new(&data, opts.sort_buffer);
    // The shard being read (shards hold consecutive inputs, so each is opened once): its facts and its streams.
    let mut open: Option<(usize, FactsFile, Vec<Stream>)> = None;
    let mut buf = vec![0u8; 1 << 16];
    for e in &entries {
        let s = e.shard;
        if open.as_ref().is_none_or(|o| o.0 != s) {
            let mut files = Vec::new();
            for name in STREAMS {
                let p = opts.shards[s].join(name);
                let f = std::fs::File::open(&p).map_err(|e| config(&p, None, e.to_string()))?;
                files.push((p, f));
            }
            open = Some((s, FactsFile::open(&opts.shards[s])?, files));
        }
        let (_, facts, files) = open.as_mut().expect("opened above");
        let line = facts.read(e)?;
        for (k, (path, file)) in files.iter_mut().enumerate() {
            let [from, len] = line.streams[k];
            let short = |e: std::io::Error| config(path, None, format!("cannot read the shard's records: {e}"));
            file.seek(SeekFrom::Start(from)).map_err(short)?;
            let mut left = len;
            while left > 0 {
                let n = left.min(buf.len() as u64) as usize;
                file.read_exact(&mut buf[..n]).map_err(short)?;
                out.append(k, &buf[..n]).map_err(RunError::Output)?;
                left -= n as u64;
            }
        }
        reducer.add(line.facts);
        progress(reducer.documents(), total);
    }
    let mut summary = reducer.finish(out, &opts.out)?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}
