//! marginalia: raw forum threads and articles in, a clean, annotated JSONL dataset out.
//!
//! The modules follow the pipeline, one stage each:
//!
//! ```text
//! read ──▶ normalize ──▶ strip ──▶ segment ──▶ entities ──▶ dates ──▶ claims ──▶ write
//! (RawDoc)  (NormLine)  (Classified) (Segmented) (Mention) (DateMention) (Claim) (records → annotated/*.jsonl)
//!
//! all documents' claims ──▶ reconcile ──▶ report
//!                          (Inconsistency)  (inconsistencies.jsonl, REPORT.md)
//! ```
//!
//! `pipeline` runs the per-document stages over many documents in parallel and the reduce step once; `rules`, `gazetteer`, `manifest` and `tsv` load
//! the data files; `record` is the output contract; `cli` is the command line.

pub mod claims;
pub mod cli;
pub mod dates;
pub mod entities;
pub mod error;
pub mod eval;
pub mod gazetteer;
pub mod learn;
pub mod manifest;
pub mod normalize;
pub mod pipeline;
pub mod read;
pub mod reconcile;
pub mod record;
pub mod report;
pub mod rules;
pub mod segment;
pub mod stance;
pub mod strip;
pub mod tsv;
pub mod write;
