//! Stage 1: bytes to lines: reading a document ([`read`]) and normalising its text with a map back to the raw
//! line and column ([`normalize`]).

pub mod normalize;
pub mod read;
pub mod sentences;
