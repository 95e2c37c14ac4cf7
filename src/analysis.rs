//! The data type that passes from the per-document stages to the writers: one document after every stage.

use crate::clean::segment::Segmented;
use crate::clean::strip::Classified;
use crate::extract::claims::Claim;
use crate::extract::stance::Evidence;
use crate::tag::dates::DateMention;
use crate::tag::entities::Mention;
use crate::text::normalize::NormLine;

/// A document after every stage but writing.
#[derive(Debug)]
pub struct Analysis {
    pub lines: Vec<NormLine>,
    pub classified: Classified,
    pub segmented: Segmented,
    /// Entity mentions, per segment.
    pub mentions: Vec<Vec<Mention>>,
    /// Temporal expressions, per segment.
    pub dates: Vec<Vec<DateMention>>,
    /// Dated claims, per segment.
    pub claims: Vec<Vec<Claim>>,
    /// Temporal expressions on removed lines (bylines, comment times, file names), by line index.
    pub removed_dates: Vec<(usize, Vec<DateMention>)>,
    /// The document's own date, from its byline, when it gives one with a year.
    pub doc_date: Option<String>,
    /// Stance evidence sentences, per segment.
    pub stances: Vec<Vec<Evidence>>,
}
