//! marginalia: raw forum threads and articles in, a clean, annotated JSONL dataset out.
//!
//! The folders follow the pipeline (see `ARCHITECTURE.md`):
//!
//! ```text
//! text ──▶ clean ──▶ tag ──▶ extract ──┬──▶ output (per document: segments, removed lines, documents)
//! read,     strip,    entities, claims, │
//! normalize segment   dates     stance  └──▶ reconcile (all documents) ──▶ output (inconsistencies, stances, REPORT.md)
//! ```
//!
//! `data` loads and validates the gazetteer's files; `pipeline` composes the stages (the per-document map phase,
//! in parallel, and the reduce phase once); `tune` scores the cleaner against labelled pages and trains its learned
//! parts; `cli` is the command line.

pub mod analysis;
pub mod clean;
pub mod cli;
pub mod data;
pub mod error;
pub mod extract;
pub mod output;
pub mod pipeline;
pub mod reconcile;
pub mod record;
pub mod spill;
pub mod tag;
pub mod text;
pub mod tune;
