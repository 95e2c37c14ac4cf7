//! Stage 3: tagging the kept text: named entities with canonical ids ([`entities`]) and dates with normalised
//! values ([`dates`]).

pub mod calendar;
pub mod dates;
pub mod entities;
