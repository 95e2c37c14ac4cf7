//! The output edge: the per-document and reduce-phase writers ([`write`]) and the reviewers' report ([`report`]), of
//! the records of the output contract ([`crate::record`]).

pub mod report;
pub mod write;
