//! Loading and validating the data files of `gazetteer/` and the corpus manifest: the domain knowledge the stages
//! read, none of it in code.

pub mod gazetteer;
pub mod manifest;
pub mod rules;
pub mod tsv;
