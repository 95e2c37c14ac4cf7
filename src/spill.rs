//! An external merge sort for the reduce phase: records go in as they come, in any number, and come out sorted by
//! a key, with equal keys in the order they went in. Up to a byte budget the records wait in memory, as JSON;
//! past it, each full buffer is sorted and written to an anonymous temporary file (in the system's temporary
//! directory, `TMPDIR`; the file has no name, so nothing is left behind, whatever ends the process), and the runs
//! are merged as they are read. Memory is the budget plus one record per run, whatever the number of records.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};
use std::marker::PhantomData;

/// The default budget of one sorter's buffer, in bytes of JSON.
pub const BUDGET: usize = 16 << 20;

/// How many runs of one level are merged into one run of the next level (as in a log-structured merge), so that
/// a sorter holds few files open (at most `FAN_IN - 1` per level) and reads each record once per level.
const FAN_IN: usize = 16;

/// A size in bytes, as `sort -S` takes it: a number with an optional `K`, `M` or `G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("`{s}`: not a size (a number with an optional K, M or G)")),
    };
    let n: usize = num.parse().map_err(|_| format!("`{s}`: not a size (a number with an optional K, M or G)"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("`{s}`: too large"))
}

/// Records of type `T`, sorted by `key(&T)`.
pub struct Sorter<T, K, F> {
    key: F,
    budget: usize,
    /// The buffered records' JSON, one after another.
    bytes: Vec<u8>,
    /// Each buffered record's key and its JSON's end in `bytes` (its start is the previous end).
    index: Vec<(K, usize)>,
    /// Sorted runs on disk, oldest first, with their level (how many merges made them).
    runs: Vec<(File, u32)>,
    pushed: usize,
    _t: PhantomData<fn(T)>,
}

impl<T: Serialize + DeserializeOwned, K: Ord, F: Fn(&T) -> K> Sorter<T, K, F> {
    pub fn new(key: F) -> Self {
        Sorter::with_budget(key, BUDGET)
    }

    pub fn with_budget(key: F, budget: usize) -> Self {
        Sorter { key, budget, bytes: Vec::new(), index: Vec::new(), runs: Vec::new(), pushed: 0, _t: PhantomData }
    }

    /// Add a record; a full buffer is written out as a sorted run.
    pub fn push(&mut self, record: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.bytes, record)?;
        self.index.push(((self.key)(record), self.bytes.len()));
        self.pushed += 1;
        if self.bytes.len() >= self.budget {
            let run = self.spill()?;
            self.runs.push((run, 0));
            // Runs next to each other are merged, so the merged run stays in its place in the push order.
            while let Some(&(_, level)) = self.runs.last() {
                let n = self.runs.len();
                if n < FAN_IN || self.runs[n - FAN_IN..].iter().any(|r| r.1 != level) {
                    break;
                }
                let merged = self.merge_runs(n - FAN_IN)?;
                self.runs.push((merged, level + 1));
            }
        }
        Ok(())
    }

    /// Merge the runs from `from` on into one (ties to the earlier run: the merged run is as stable as its parts).
    fn merge_runs(&mut self, from: usize) -> io::Result<File> {
        let sources = self.runs.drain(from..).map(|(f, _)| Source::Run(BufReader::with_capacity(1 << 16, f)));
        let mut w = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
        for record in Sorted::merge(sources.collect(), &self.key)? {
            serde_json::to_writer(&mut w, &record?)?;
            w.write_all(b"\n")?;
        }
        let mut f = w.into_inner().map_err(|e| e.into_error())?;
        f.rewind()?;
        Ok(f)
    }

    /// Records pushed so far.
    pub fn len(&self) -> usize {
        self.pushed
    }

    pub fn is_empty(&self) -> bool {
        self.pushed == 0
    }

    /// Runs written to disk so far.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// The buffer's records in key order (a stable sort: equal keys keep their order), as (key, start, end).
    fn sorted_buffer(&mut self) -> Vec<(K, usize, usize)> {
        let mut start = 0;
        let mut spans: Vec<(K, usize, usize)> = std::mem::take(&mut self.index)
            .into_iter()
            .map(|(k, end)| {
                let s = start;
                start = end;
                (k, s, end)
            })
            .collect();
        spans.sort_by(|a, b| a.0.cmp(&b.0));
        spans
    }

    fn spill(&mut self) -> io::Result<File> {
        let spans = self.sorted_buffer();
        let mut w = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
        for (_, s, e) in spans {
            w.write_all(&self.bytes[s..e])?;
            w.write_all(b"\n")?;
        }
        self.bytes.clear();
        let mut f = w.into_inner().map_err(|e| e.into_error())?;
        f.rewind()?;
        Ok(f)
    }

    /// Every record pushed, in key order.
    pub fn finish(mut self) -> io::Result<Sorted<T, K, F>> {
        let spans = self.sorted_buffer();
        let mut sources: Vec<Source> =
            self.runs.drain(..).map(|(f, _)| Source::Run(BufReader::with_capacity(1 << 16, f))).collect();
        sources.push(Source::Memory {
            bytes: std::mem::take(&mut self.bytes),
            spans: spans.into_iter().map(|(_, s, e)| (s, e)).collect(),
            at: 0,
        });
        Sorted::merge(sources, self.key)
    }
}

enum Source {
    Run(BufReader<File>),
    Memory { bytes: Vec<u8>, spans: Vec<(usize, usize)>, at: usize },
}

/// The records of a `Sorter`, in key order.
pub struct Sorted<T, K, F> {
    key: F,
    sources: Vec<Source>,
    /// The next record of each source that has one: (key, source), smallest first; a tie goes to the earlier
    /// source, whose records were pushed first.
    heap: BinaryHeap<Reverse<(K, usize, Slot<T>)>>,
    line: String,
}

/// A record in the heap, compared by nothing (the key and the source decide).
struct Slot<T>(T);

impl<T> PartialEq for Slot<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<T> Eq for Slot<T> {}
impl<T> PartialOrd for Slot<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Slot<T> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<T: DeserializeOwned, K: Ord, F: Fn(&T) -> K> Sorted<T, K, F> {
    /// The records of sorted sources, merged (ties to the earlier source).
    fn merge(sources: Vec<Source>, key: F) -> io::Result<Self> {
        let mut sorted = Sorted { key, sources, heap: BinaryHeap::new(), line: String::new() };
        for i in 0..sorted.sources.len() {
            sorted.refill(i)?;
        }
        Ok(sorted)
    }

    /// Read source `i`'s next record into the heap.
    fn refill(&mut self, i: usize) -> io::Result<()> {
        let record: Option<T> = match &mut self.sources[i] {
            Source::Run(r) => {
                self.line.clear();
                if r.read_line(&mut self.line)? == 0 {
                    None
                } else {
                    Some(serde_json::from_str(&self.line)?)
                }
            }
            Source::Memory { bytes, spans, at } => match spans.get(*at) {
                Some(&(s, e)) => {
                    *at += 1;
                    Some(serde_json::from_slice(&bytes[s..e])?)
                }
                None => None,
            },
        };
        if let Some(r) = record {
            self.heap.push(Reverse(((self.key)(&r), i, Slot(r))));
        }
        Ok(())
    }
}

impl<T: DeserializeOwned, K: Ord, F: Fn(&T) -> K> Iterator for Sorted<T, K, F> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        let Reverse((_, i, Slot(record))) = self.heap.pop()?;
        Some(self.refill(i).map(|()| record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, the order it was pushed in), sorted through a sorter with `budget` bytes.
    fn through(items: &[(u32, u32)], budget: usize) -> (Vec<(u32, u32)>, usize) {
        let mut s = Sorter::with_budget(|r: &(u32, u32)| r.0, budget);
        for it in items {
            s.push(it).unwrap();
        }
        let runs = s.runs();
        (s.finish().unwrap().map(Result::unwrap).collect(), runs)
    }

    #[test]
    fn records_come_out_sorted_and_stable_in_memory_and_on_disk() {
        // A pseudo-random sequence of keys with many ties; the second field is the push order.
        let mut x = 12345u32;
        let items: Vec<(u32, u32)> = (0..5000)
            .map(|i| {
                x = x.wrapping_mul(1103515245).wrapping_add(12345);
                ((x >> 16) % 97, i)
            })
            .collect();
        let mut want = items.clone();
        want.sort_by_key(|r| r.0);
        for budget in [usize::MAX, 1 << 12, 64, 1] {
            let (got, runs) = through(&items, budget);
            assert_eq!(got, want, "budget {budget}");
            assert_eq!(runs > 0, budget < usize::MAX, "budget {budget}: {runs} runs");
        }
        assert_eq!(through(&[], 1).0, vec![]);
        // Runs are merged as they pile up: few files stay open (a run per record before the merges).
        let (got, runs) = through(&items, 1);
        assert_eq!(got, want);
        assert!(runs < 4 * FAN_IN, "{runs} runs");
    }

    #[test]
    fn sizes_read_like_sort_s() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("M").is_err());
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("-1").is_err());
    }
}
