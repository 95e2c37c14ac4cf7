//! Stage 2: which lines are text and which are chrome or metadata ([`strip`]), and how the text falls into posts
//! and articles ([`segment`]).

pub mod segment;
pub mod strip;
