//! Measuring and learning: scoring the cleaner and segmenter against labelled pages ([`eval`]) and training the
//! line classifier from them ([`train`]).

pub mod eval;
pub mod train;
