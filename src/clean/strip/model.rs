//! The learned line classifier: multinomial logistic regression over [`super::features`], its weights a data
//! file (`gazetteer/line-model.tsv`) written by `marginalia train lines` from the labelled `dev` pages.
//!
//! The file holds, per feature, the mean and scale it is standardised with and one weight per class
//! (`keep`, `meta`, `boilerplate`), and a `keep-margin` added to the keep score:
//! the smallest margin at which cross-validated predictions on the training pages keep the required share of
//! their content lines. Training is deterministic (full-batch gradient descent, fixed steps, documents folded by
//! their position in file-name order), so the same pages give the same file on any machine.

use super::features::{Vector, NAMES, NF};
use super::LineLabel;
use crate::error::ConfigError;

/// What the classifier decides: whether a line is kept (content; headings among the kept lines are the heading
/// evidence's to find), or removed as metadata or as boilerplate.
pub const CLASSES: [LineLabel; 3] = [LineLabel::Content, LineLabel::Meta, LineLabel::Boilerplate];
const NC: usize = 3;

pub const FILE: &str = "line-model.tsv";

#[derive(Debug, Clone, PartialEq)]
pub struct LineModel {
    mean: [f32; NF],
    scale: [f32; NF],
    w: [[f32; NC]; NF],
    /// Added to the content and heading scores.
    pub keep_margin: f32,
}

impl LineModel {
    /// Class scores of a feature vector.
    pub fn scores(&self, x: &Vector) -> [f32; NC] {
        let mut z = [0f32; NC];
        for (((xv, m), sc), wf) in x.iter().zip(&self.mean).zip(&self.scale).zip(&self.w) {
            let v = (xv - m) / sc;
            if v == 0.0 {
                continue;
            }
            for (zk, wk) in z.iter_mut().zip(wf) {
                *zk += v * wk;
            }
        }
        z[0] += self.keep_margin;
        z
    }

    pub fn predict(&self, x: &Vector) -> LineLabel {
        self.predict_among(x, &CLASSES)
    }

    /// The best-scoring class among `allowed`.
    pub fn predict_among(&self, x: &Vector, allowed: &[LineLabel]) -> LineLabel {
        let z = self.scores(x);
        let mut best: Option<usize> = None;
        for k in 0..NC {
            if allowed.contains(&CLASSES[k]) && best.is_none_or(|b| z[k] > z[b]) {
                best = Some(k);
            }
        }
        CLASSES[best.unwrap_or(0)]
    }

    /// `dir/line-model.tsv`, if the gazetteer directory has one.
    pub fn load(dir: &std::path::Path) -> Result<Option<LineModel>, ConfigError> {
        let p = dir.join(FILE);
        if !p.is_file() {
            return Ok(None);
        }
        let n = p.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&p).map_err(|e| ConfigError::new(&n, None, e.to_string()))?;
        LineModel::parse(&n, &text).map(Some)
    }

    pub fn parse(name: &str, text: &str) -> Result<LineModel, ConfigError> {
        let header = ["feature", "mean", "scale", "keep", "meta", "boilerplate"];
        let mut m = LineModel { mean: [0.0; NF], scale: [1.0; NF], w: [[0.0; NC]; NF], keep_margin: 0.0 };
        let mut seen = [false; NF];
        let mut margin = false;
        for (ln, cols) in crate::data::tsv::rows(name, text, &header)? {
            let err = |msg: String| ConfigError::new(name, Some(ln), msg);
            let num = |s: &str| -> Result<f32, ConfigError> {
                s.parse::<f32>().ok().filter(|v| v.is_finite()).ok_or_else(|| err(format!("{s:?} is not a number")))
            };
            if cols[0] == "keep-margin" && cols.len() == 2 {
                m.keep_margin = num(cols[1])?;
                margin = true;
                continue;
            }
            if cols.len() != header.len() {
                return Err(err(format!("expected {} tab-separated columns, found {}", header.len(), cols.len())));
            }
            let f = NAMES
                .iter()
                .position(|n| *n == cols[0])
                .ok_or_else(|| err(format!("unknown feature {:?}", cols[0])))?;
            if seen[f] {
                return Err(err(format!("feature {:?} listed twice", cols[0])));
            }
            seen[f] = true;
            m.mean[f] = num(cols[1])?;
            m.scale[f] = num(cols[2])?;
            if m.scale[f] <= 0.0 {
                return Err(err("scale must be positive".into()));
            }
            for k in 0..NC {
                m.w[f][k] = num(cols[3 + k])?;
            }
        }
        if let Some(f) = seen.iter().position(|s| !s) {
            return Err(ConfigError::new(
                name,
                None,
                format!("feature {:?} missing (retrain: marginalia train lines)", NAMES[f]),
            ));
        }
        if !margin {
            return Err(ConfigError::new(name, None, "no keep-margin row"));
        }
        Ok(m)
    }

    /// The data file, with a comment header saying what it was trained on.
    pub fn to_tsv(&self, about: &str) -> String {
        let mut s = String::new();
        s.push_str("# The line classifier's weights (src/clean/strip/model.rs). Written by `marginalia train lines`; do not edit by\n");
        s.push_str(
            "# hand: retrain. Each row: a feature, the mean and scale that standardise it, its weight per class.\n",
        );
        for l in about.lines() {
            s.push_str("# ");
            s.push_str(l);
            s.push('\n');
        }
        s.push_str("feature\tmean\tscale\tkeep\tmeta\tboilerplate\n");
        for (f, name) in NAMES.iter().enumerate() {
            s.push_str(&format!("{name}\t{}\t{}", fmt(self.mean[f]), fmt(self.scale[f])));
            for w in &self.w[f] {
                s.push('\t');
                s.push_str(&fmt(*w));
            }
            s.push('\n');
        }
        s.push_str(&format!("keep-margin\t{}\n", fmt(self.keep_margin)));
        s
    }
}

/// Fixed precision, so that the file diffs cleanly and parses back to the value used.
fn fmt(v: f32) -> String {
    let s = format!("{v:.4}");
    if s == "-0.0000" {
        "0.0000".into()
    } else {
        s
    }
}

/// One training example: a line's features, its gold class (an index into [`CLASSES`]) and its document.
#[derive(Debug, Clone)]
pub struct Example {
    pub x: Vector,
    pub y: usize,
    pub doc: usize,
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub steps: usize,
    pub rate: f32,
    pub l2: f32,
    /// Share of content (and heading) lines the cross-validated predictions must keep.
    pub keep: f64,
    pub folds: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { steps: 3000, rate: 1.0, l2: 1e-3, keep: 0.99, folds: 5 }
    }
}

/// What training found, for the report and the file header.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: LineModel,
    /// Cross-validated predictions of the training examples at the chosen margin.
    pub cv: Vec<usize>,
    /// The trade-off the margin was chosen on: (margin, share of kept lines kept, share of removed lines removed),
    /// cross-validated.
    pub curve: Vec<(f32, f64, f64)>,
}

/// Fit the model: standardise, fit on all folds but one to predict each held-out fold, choose the keep margin
/// on those predictions, then fit on everything.
pub fn train(examples: &[Example], s: Settings) -> Trained {
    let (mean, scale) = standardise(examples);
    let docs = examples.iter().map(|e| e.doc).max().map_or(0, |d| d + 1);
    let folds = s.folds.max(2).min(docs.max(2));
    let mut cv_scores = vec![[0f32; NC]; examples.len()];
    for fold in 0..folds {
        let train: Vec<&Example> = examples.iter().filter(|e| e.doc % folds != fold).collect();
        let m = fit(&train, &mean, &scale, s);
        for (i, e) in examples.iter().enumerate() {
            if e.doc % folds == fold {
                cv_scores[i] = m.scores(&e.x);
            }
        }
    }
    // The smallest margin (in steps of 0.1) at which the held-out predictions keep `keep` of the kept lines.
    let kept_class = |y: usize| y == 0;
    let total_keep = examples.iter().filter(|e| kept_class(e.y)).count().max(1);
    let predict_at = |z: &[f32; NC], margin: f32| {
        let mut z = *z;
        z[0] += margin;
        (0..NC).fold(0, |b, k| if z[k] > z[b] { k } else { b })
    };
    let total_removed = (examples.len() - examples.iter().filter(|e| kept_class(e.y)).count()).max(1);
    let mut margin = None;
    let mut curve = Vec::new();
    for step in -20..=60 {
        let m = step as f32 * 0.1;
        let kept =
            examples.iter().zip(&cv_scores).filter(|(e, z)| kept_class(e.y) && kept_class(predict_at(z, m))).count();
        let removed =
            examples.iter().zip(&cv_scores).filter(|(e, z)| !kept_class(e.y) && !kept_class(predict_at(z, m))).count();
        let (k, r) = (kept as f64 / total_keep as f64, removed as f64 / total_removed as f64);
        if step % 5 == 0 {
            curve.push((m, k, r));
        }
        if margin.is_none() && k >= s.keep {
            margin = Some(m);
        }
    }
    let margin = margin.unwrap_or(6.0);
    let cv = cv_scores.iter().map(|z| predict_at(z, margin)).collect();
    let all: Vec<&Example> = examples.iter().collect();
    let mut model = fit(&all, &mean, &scale, s);
    model.keep_margin = margin;
    Trained { model, cv, curve }
}

fn standardise(examples: &[Example]) -> ([f32; NF], [f32; NF]) {
    let n = examples.len().max(1) as f64;
    let mut mean = [0f32; NF];
    let mut scale = [1f32; NF];
    for f in 1..NF {
        let m: f64 = examples.iter().map(|e| e.x[f] as f64).sum::<f64>() / n;
        let var: f64 = examples.iter().map(|e| (e.x[f] as f64 - m).powi(2)).sum::<f64>() / n;
        mean[f] = round4(m as f32);
        scale[f] = if var > 1e-8 { round4((var.sqrt() as f32).max(1e-3)) } else { 1.0 };
    }
    (mean, scale)
}

/// Values as the file stores them, so that training and the loaded file standardise alike.
fn round4(v: f32) -> f32 {
    fmt(v).parse().unwrap_or(v)
}

fn fit(examples: &[&Example], mean: &[f32; NF], scale: &[f32; NF], s: Settings) -> LineModel {
    let xs: Vec<[f32; NF]> = examples
        .iter()
        .map(|e| {
            let mut x = [0f32; NF];
            for f in 0..NF {
                x[f] = (e.x[f] - mean[f]) / scale[f];
            }
            x
        })
        .collect();
    // Classes weighted by inverse frequency, so that rare labels (headings, meta) are learned at all.
    let mut counts = [0usize; NC];
    for e in examples {
        counts[e.y] += 1;
    }
    let n = examples.len().max(1) as f32;
    let cw: Vec<f32> = counts.iter().map(|&c| if c == 0 { 0.0 } else { (n / (NC as f32 * c as f32)).sqrt() }).collect();
    let mut w = [[0f32; NC]; NF];
    let mut grad = [[0f32; NC]; NF];
    for _ in 0..s.steps {
        for g in grad.iter_mut() {
            *g = [0.0; NC];
        }
        for (x, e) in xs.iter().zip(examples) {
            let mut z = [0f32; NC];
            for f in 0..NF {
                if x[f] != 0.0 {
                    for k in 0..NC {
                        z[k] += x[f] * w[f][k];
                    }
                }
            }
            let max = z.iter().cloned().fold(f32::MIN, f32::max);
            let mut p = [0f32; NC];
            let mut sum = 0.0;
            for k in 0..NC {
                p[k] = (z[k] - max).exp();
                sum += p[k];
            }
            let weight = cw[e.y];
            for k in 0..NC {
                let d = weight * (p[k] / sum - if k == e.y { 1.0 } else { 0.0 });
                for f in 0..NF {
                    if x[f] != 0.0 {
                        grad[f][k] += d * x[f];
                    }
                }
            }
        }
        for f in 0..NF {
            for k in 0..NC {
                let reg = if f == 0 { 0.0 } else { s.l2 * w[f][k] };
                w[f][k] -= s.rate * (grad[f][k] / n + reg);
            }
        }
    }
    let mut m = LineModel { mean: *mean, scale: *scale, w, keep_margin: 0.0 };
    for row in m.w.iter_mut() {
        for v in row.iter_mut() {
            *v = round4(*v);
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(f: usize, v: f32, y: usize, doc: usize) -> Example {
        let mut x = [0f32; NF];
        x[0] = 1.0;
        x[f] = v;
        Example { x, y, doc }
    }

    #[test]
    fn learns_a_separable_feature_and_round_trips_through_the_file() {
        let mut data = Vec::new();
        for d in 0..10 {
            data.push(ex(7, 1.0, 2, d)); // chrome words: boilerplate
            data.push(ex(7, 0.0, 0, d));
            data.push(ex(7, 0.0, 0, d));
        }
        let t = train(&data, Settings { steps: 200, ..Settings::default() });
        assert_eq!(t.model.predict(&data[0].x), LineLabel::Boilerplate);
        assert_eq!(t.model.predict(&data[1].x), LineLabel::Content);
        let back = LineModel::parse("m.tsv", &t.model.to_tsv("test")).unwrap();
        assert_eq!(back, t.model);
        assert_eq!(t.cv.iter().filter(|&&c| c == 2).count(), 10);
    }

    #[test]
    fn malformed_files_name_the_line() {
        let text = LineModel { mean: [0.0; NF], scale: [1.0; NF], w: [[0.0; NC]; NF], keep_margin: 0.0 }.to_tsv("x");
        let bad = text.replace("log-words\t0.0000", "log-words\tabc");
        let e = LineModel::parse("g/line-model.tsv", &bad).unwrap_err().to_string();
        assert!(e.starts_with("g/line-model.tsv:") && e.contains("not a number"), "{e}");
        let missing: String = text.lines().filter(|l| !l.starts_with("all-caps")).map(|l| format!("{l}\n")).collect();
        let e = LineModel::parse("g/line-model.tsv", &missing).unwrap_err().to_string();
        assert!(e.contains("\"all-caps\" missing"), "{e}");
    }
}
