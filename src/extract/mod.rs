//! Stage 4: what the text says: dated claims ([`claims`]) and each speaker's stance toward people, parties and
//! doctrines ([`stance`]).

pub mod claims;
pub mod stance;
