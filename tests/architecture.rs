//! The layering of ARCHITECTURE.md, checked on the source: every `crate::` path a module of `src/` uses (tests
//! included) names a module of a lower layer, so there is no import cycle between the stages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first (ARCHITECTURE.md, "What may import what").
const LAYERS: &[&[&str]] = &[
    &["error", "record", "spill"],
    &["data"],
    &["text"],
    &["clean"],
    &["tag"],
    &["extract"],
    &["analysis", "reconcile"],
    &["output"],
    &["pipeline"],
    &["tune"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a source text names with `crate::`.
fn uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
        if !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out
}

#[test]
fn every_module_imports_only_from_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(own) = layer(&top) else {
            wrong.push(format!("{}: module `{top}` is in no layer of ARCHITECTURE.md", rel.display()));
            continue;
        };
        *seen.entry(top.clone()).or_default() += 1;
        let text = std::fs::read_to_string(f).unwrap();
        for used in uses(&text) {
            if used == top {
                continue;
            }
            match layer(&used) {
                Some(l) if l < own => {}
                Some(_) => {
                    wrong.push(format!("{}: `{top}` imports `crate::{used}`, a layer not below it", rel.display()))
                }
                None => wrong.push(format!("{}: `crate::{used}` is in no layer", rel.display())),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every layer's modules exist, so that the table stays the map of the code.
    for m in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(seen.contains_key(*m), "ARCHITECTURE.md names `{m}`, which src/ does not have");
    }
}

#[test]
fn the_checker_sees_an_upward_import() {
    // A stage that used the composition above it would be a cycle: the check must see such a path.
    let used = uses("use crate::pipeline::Data;\nfn f() { crate::tag::dates::x(); }");
    assert_eq!(used, ["pipeline", "tag"]);
    assert!(layer("pipeline") > layer("extract"));
}
