//! `marginalia train lines`: fit the line classifier on the labelled pages of the `dev` split and write its
//! weights (`gazetteer/line-model.tsv`). The examples are the lines no pattern, header or quote evidence claims
//! — exactly the lines the classifier decides at run time — with their gold labels (a quote line the earlier
//! passes missed is kept text: `content`).

use crate::clean::strip::model::{self, Example, LineModel, Settings, CLASSES};
use crate::clean::strip::{model_inputs, LineLabel};
use crate::data::rules::Rules;
use crate::pipeline::normalise_lines;
use crate::text::read;
use crate::tune::eval::LabelledCorpus;
use std::fmt::Write;

/// The trained model and a summary of what it was trained on and how well it does held out.
pub struct Training {
    pub model: LineModel,
    pub summary: String,
    /// The training examples as TSV (document, line, gold class, then the features), for trying other learners.
    pub examples_tsv: String,
}

pub fn train_lines(corpus: &LabelledCorpus, rules: &Rules, settings: Settings) -> Result<Training, String> {
    let mut examples = Vec::new();
    let mut dump = format!("file\tline\tclass\t{}\n", crate::clean::strip::features::NAMES.join("\t"));
    let mut docs = 0;
    let mut styles = std::collections::BTreeSet::new();
    for d in corpus.split("dev") {
        let raw_dir = d.path.parent().unwrap_or(std::path::Path::new("."));
        let raw = read::read(&crate::tune::eval::input_of(raw_dir, &d.entry, false)).map_err(|e| e.to_string())?;
        let lines = normalise_lines(&raw);
        let gold: std::collections::HashMap<usize, &str> = d.lines.iter().map(|g| (g.line - 1, g.label)).collect();
        for (i, x) in model_inputs(&lines, rules, &corpus.evidence) {
            let line = i + 1;
            let Some(label) = gold.get(&i) else { continue };
            let y = match *label {
                "meta" => 1,
                "boilerplate" => 2,
                _ => 0,
            };
            let _ = write!(dump, "{}\t{line}\t{y}", d.entry.file);
            for v in &x {
                let _ = write!(dump, "\t{v}");
            }
            dump.push('\n');
            examples.push(Example { x, y, doc: docs });
        }
        docs += 1;
        styles.insert(d.entry.style.clone());
    }
    if examples.is_empty() {
        return Err("no labelled dev lines to train on".into());
    }
    let t = model::train(&examples, settings);
    let mut per = [[0usize; 3]; 3];
    for (e, &p) in examples.iter().zip(&t.cv) {
        per[e.y][p] += 1;
    }
    let name = |k: usize| match CLASSES[k] {
        LineLabel::Content => "keep",
        LineLabel::Meta => "meta",
        _ => "boilerplate",
    };
    let mut summary = String::new();
    let _ = writeln!(
        summary,
        "Trained on {} lines of {docs} dev documents ({} page styles: {}).",
        examples.len(),
        styles.len(),
        styles.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(
        summary,
        "Settings: {} steps, rate {}, L2 {}, keep {} of content held out, {} folds.",
        settings.steps, settings.rate, settings.l2, settings.keep, settings.folds
    );
    let _ = writeln!(
        summary,
        "Cross-validated (by document) confusion at keep-margin {:.1}, rows gold, columns predicted:",
        t.model.keep_margin
    );
    let _ = writeln!(summary, "  {:<12} {:>8} {:>8} {:>12}", "", "keep", "meta", "boilerplate");
    for (g, row) in per.iter().enumerate() {
        let _ = writeln!(summary, "  {:<12} {:>8} {:>8} {:>12}", name(g), row[0], row[1], row[2]);
    }
    let _ = writeln!(summary, "Held-out trade-off (margin: kept lines kept, removed lines removed):");
    for (m, k, r) in &t.curve {
        let _ = writeln!(summary, "  {m:+.1}: {k:.3} {r:.3}");
    }
    Ok(Training { model: t.model, summary, examples_tsv: dump })
}
