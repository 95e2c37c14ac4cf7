//! marginalia: raw forum threads and articles in, a clean, annotated JSONL dataset out.
//!
//! The modules follow the pipeline, one stage each:
//!
//! ```text
//! read ──▶ normalize ──▶ strip ──▶ segment ──▶ entities ──▶ dates ──▶ write
//! (RawDoc)  (NormLine)  (Classified) (Segmented) (Mention) (DateMention) (records → annotated/*.jsonl)
//! ```
//!
//! `pipeline` runs the stages over many documents in parallel; `rules`, `gazetteer`, `manifest` and `tsv` load
//! the data files; `record` is the output contract; `cli` is the command line.

pub mod cli;
pub mod dates;
pub mod entities;
pub mod error;
pub mod gazetteer;
pub mod manifest;
pub mod normalize;
pub mod pipeline;
pub mod read;
pub mod record;
pub mod rules;
pub mod segment;
pub mod strip;
pub mod tsv;
pub mod write;
