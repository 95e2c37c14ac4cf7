//! Command-line interface: argument parsing and the human-facing messages. No pipeline logic lives here.

use crate::pipeline::{self, Data, Options, RunError};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Exit codes (documented in the README).
pub const EXIT_OK: u8 = 0;
pub const EXIT_SOME_FAILED: u8 = 1;
pub const EXIT_CONFIG: u8 = 2;
pub const EXIT_NEW_INCONSISTENCIES: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "marginalia",
    version,
    about = "Turn raw forum threads and articles into a clean, annotated JSONL dataset."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no subcommand, `marginalia [OPTIONS] [PATH...]` annotates.
    #[command(flatten)]
    pub annotate: AnnotateArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Annotate documents (the default when no subcommand is given).
    Annotate(AnnotateArgs),
    /// The map phase of a sharded run: process one shard of the inputs into a shard directory.
    Map(MapArgs),
    /// The reduce phase of a sharded run: shard directories in (any order), the output of the whole run out.
    Reduce(ReduceArgs),
    /// Count the line shapes of one shard of the inputs (the corpus evidence the map phase needs of every
    /// shard); `map --shapes` sums the files of all shards.
    Shapes(ShapesArgs),
    /// Work with the gazetteer data files.
    Gazetteer {
        #[command(subcommand)]
        command: GazetteerCommand,
    },
    /// Fit a learned part on labelled pages and write it to the gazetteer.
    Train {
        #[command(subcommand)]
        command: TrainCommand,
    },
    /// Score line labels and thread structure against labelled pages, per split and page style.
    Eval(EvalArgs),
}

#[derive(Subcommand, Debug)]
pub enum TrainCommand {
    /// The line classifier: fit on the dev split's labelled lines, write gazetteer/line-model.tsv.
    Lines(TrainArgs),
}

/// Where the labelled pages are.
#[derive(Args, Debug, Clone)]
pub struct GoldArgs {
    /// Raw directory with its MANIFEST.tsv (file, split, style...).
    #[arg(long, default_value = "raw")]
    pub raw: PathBuf,
    /// Gazetteer directory.
    #[arg(long, default_value = "gazetteer")]
    pub gazetteer: PathBuf,
    /// Line-label files (file, line, label, note); repeat the flag for several.
    #[arg(long = "lines", value_name = "FILE", default_values = ["tests/fixtures/corpus/lines.tsv", "tests/fixtures/gold-lines.tsv"])]
    pub lines: Vec<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    #[command(flatten)]
    pub gold: GoldArgs,
    /// Output file (default: GAZETTEER/line-model.tsv).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not write: exit 1 if the file differs from what training gives (a CI check that it is current).
    #[arg(long)]
    pub check: bool,
    /// Also write the training examples (features and gold class per line) as TSV to FILE.
    #[arg(long, value_name = "FILE")]
    pub examples: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct EvalArgs {
    #[command(flatten)]
    pub gold: GoldArgs,
    /// Post files (file, line, kind, author, posted, quotes, note); repeat the flag for several.
    #[arg(long = "posts", value_name = "FILE", default_values = ["tests/fixtures/corpus/posts.tsv", "tests/fixtures/gold-posts.tsv"])]
    pub posts: Vec<PathBuf>,
    /// Also print every disagreement of this split (dev or test).
    #[arg(long, value_name = "SPLIT")]
    pub errors: Option<String>,
    /// Print one labelled document line by line instead: line, gold label, label, rule, author|time, segment,
    /// text (a `*` marks a disagreement).
    #[arg(long, value_name = "FILE")]
    pub show: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum GazetteerCommand {
    /// Load and validate every data file; report each problem with file:line (exit 2 on any).
    Check {
        /// Gazetteer directory.
        #[arg(long, default_value = "gazetteer")]
        gazetteer: PathBuf,
    },
}

#[derive(Args, Debug, Clone)]
pub struct AnnotateArgs {
    /// Input files or directories (searched for *.txt); `-` reads standard input.
    #[arg(default_value = "raw")]
    pub paths: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, short, default_value = "annotated")]
    pub out: PathBuf,
    /// Gazetteer directory (boilerplate rules, stopwords, entity lists).
    #[arg(long, default_value = "gazetteer")]
    pub gazetteer: PathBuf,
    /// Worker threads (default: all cores). The output is identical for any value.
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Memory for sorting the claims, and the stance records, of all documents before they are compared (each;
    /// past it they are sorted in temporary files in TMPDIR). A number with K, M or G.
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = crate::spill::parse_size)]
    pub sort_buffer: usize,
    /// Exit with code 3 when the run finds an inconsistency whose id is not listed in FILE (ids already
    /// reviewed: one per line, or a previous inconsistencies.jsonl).
    #[arg(long, value_name = "FILE")]
    pub fail_on_new: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct MapArgs {
    /// Input files or directories, the same for every shard of a run.
    #[arg(default_value = "raw")]
    pub paths: Vec<PathBuf>,
    /// The shard directory to write.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Which shard: the K-th of N runs of consecutive inputs (1-based).
    #[arg(long, value_name = "K/N", default_value = "1/1")]
    pub shard: pipeline::shard::Shard,
    /// Line-shape files of all shards (`marginalia shapes`); without them every input is read to count them.
    #[arg(long, value_name = "FILE")]
    pub shapes: Vec<PathBuf>,
    /// Gazetteer directory.
    #[arg(long, default_value = "gazetteer")]
    pub gazetteer: PathBuf,
    /// Worker threads (default: all cores). The output is identical for any value.
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ReduceArgs {
    /// Shard directories written by `marginalia map`, together holding every input of the run once.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, short, default_value = "annotated")]
    pub out: PathBuf,
    /// Gazetteer directory (the one the shards were mapped with).
    #[arg(long, default_value = "gazetteer")]
    pub gazetteer: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Memory for sorting the claims, and the stance records, of all documents before they are compared (each;
    /// past it they are sorted in temporary files in TMPDIR). A number with K, M or G.
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = crate::spill::parse_size)]
    pub sort_buffer: usize,
    /// As for annotate: exit 3 on an inconsistency whose id is not listed in FILE.
    #[arg(long, value_name = "FILE")]
    pub fail_on_new: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct ShapesArgs {
    /// Input files or directories, the same for every shard of a run.
    #[arg(default_value = "raw")]
    pub paths: Vec<PathBuf>,
    /// The file to write.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Which shard: the K-th of N runs of consecutive inputs (1-based).
    #[arg(long, value_name = "K/N", default_value = "1/1")]
    pub shard: pipeline::shard::Shard,
}

impl Default for AnnotateArgs {
    fn default() -> Self {
        AnnotateArgs {
            paths: vec![PathBuf::from("raw")],
            out: PathBuf::from("annotated"),
            gazetteer: PathBuf::from("gazetteer"),
            jobs: None,
            quiet: false,
            sort_buffer: crate::spill::BUDGET,
            fail_on_new: None,
        }
    }
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> u8 {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Annotate(cli.annotate)) {
        Command::Annotate(args) => annotate(args),
        Command::Map(args) => map(args),
        Command::Reduce(args) => reduce(args),
        Command::Shapes(args) => shapes(args),
        Command::Train { command: TrainCommand::Lines(args) } => train_lines(args),
        Command::Eval(args) => eval(args),
        Command::Gazetteer { command: GazetteerCommand::Check { gazetteer } } => match Data::load(&gazetteer) {
            Ok(d) => {
                println!(
                    "{}: ok ({} entities, {} match patterns, {} line rules, {} stopwords)",
                    gazetteer.display(),
                    d.matcher.entities.len(),
                    d.matcher.pattern_count(),
                    d.rules.lines.len(),
                    d.rules.stopwords.len()
                );
                EXIT_OK
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("marginalia: error: {e}");
                }
                eprintln!("marginalia: {} problem(s) in {}", errors.len(), gazetteer.display());
                EXIT_CONFIG
            }
        },
    }
}

fn train_lines(args: TrainArgs) -> u8 {
    let rules = match crate::data::rules::Rules::load(&args.gold.gazetteer) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("marginalia: error: {e}");
            return EXIT_CONFIG;
        }
    };
    let corpus = match crate::tune::eval::LabelledCorpus::load(&args.gold.raw, &args.gold.lines, &[]) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("marginalia: error: {e}");
            return EXIT_CONFIG;
        }
    };
    let t = match crate::tune::train::train_lines(&corpus, &rules, Default::default()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("marginalia: error: {e}");
            return EXIT_CONFIG;
        }
    };
    if let Some(p) = &args.examples {
        if let Err(e) = std::fs::write(p, &t.examples_tsv) {
            eprintln!("marginalia: error: {}: {e}", p.display());
            return EXIT_CONFIG;
        }
    }
    let out = args.out.unwrap_or_else(|| args.gold.gazetteer.join(crate::clean::strip::model::FILE));
    let text = t.model.to_tsv(&t.summary);
    eprint!("{}", t.summary);
    if args.check {
        return match std::fs::read_to_string(&out) {
            Ok(old) if old == text => {
                eprintln!("marginalia: {} is current", out.display());
                EXIT_OK
            }
            _ => {
                eprintln!("marginalia: {} differs from what training gives: run marginalia train lines", out.display());
                EXIT_SOME_FAILED
            }
        };
    }
    match std::fs::write(&out, text) {
        Ok(()) => {
            eprintln!("marginalia: wrote {}", out.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("marginalia: error: {}: {e}", out.display());
            EXIT_CONFIG
        }
    }
}

fn eval(args: EvalArgs) -> u8 {
    let data = match Data::load(&args.gold.gazetteer) {
        Ok(d) => d,
        Err(errors) => {
            for e in &errors {
                eprintln!("marginalia: error: {e}");
            }
            return EXIT_CONFIG;
        }
    };
    let corpus = match crate::tune::eval::LabelledCorpus::load(&args.gold.raw, &args.gold.lines, &args.posts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("marginalia: error: {e}");
            return EXIT_CONFIG;
        }
    };
    if let Some(file) = &args.show {
        return match crate::tune::eval::show(&corpus, &data, file) {
            Ok(text) => {
                print!("{text}");
                EXIT_OK
            }
            Err(e) => {
                eprintln!("marginalia: error: {e}");
                EXIT_CONFIG
            }
        };
    }
    match crate::tune::eval::evaluate(&corpus, &data) {
        Ok(ev) => {
            print!("{}", ev.table());
            if let Some(split) = &args.errors {
                for e in ev.errors(split) {
                    println!("  {e}");
                }
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("marginalia: error: {e}");
            EXIT_SOME_FAILED
        }
    }
}

/// The inconsistency ids listed in a review file: one id per line, or JSON Lines records with an `id`.
fn reviewed_ids(path: &std::path::Path) -> Result<std::collections::HashSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut ids = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('{') {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
            match v.get("id").and_then(|x| x.as_str()) {
                Some(id) => ids.insert(id.to_owned()),
                None => return Err(format!("{}:{}: record has no \"id\"", path.display(), i + 1)),
            };
        } else {
            ids.insert(line.to_owned());
        }
    }
    Ok(ids)
}

/// The progress line on a terminal, cleared by `done`.
struct Progress {
    show: bool,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        Progress { show: !quiet && std::io::stderr().is_terminal() }
    }

    fn tick(&self, done: usize, total: usize) {
        if self.show {
            eprint!("\rmarginalia: {done}/{total} documents");
            let _ = std::io::stderr().flush();
        }
    }

    fn done(&self) {
        if self.show {
            eprint!("\r\x1b[K");
        }
    }
}

fn jobs(j: Option<usize>) -> usize {
    j.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1)
}

fn read_reviewed(file: Option<&std::path::Path>) -> Result<Option<std::collections::HashSet<String>>, u8> {
    file.map(reviewed_ids).transpose().map_err(|e| {
        eprintln!("marginalia: error: {e}");
        EXIT_CONFIG
    })
}

fn annotate(args: AnnotateArgs) -> u8 {
    let reviewed = match read_reviewed(args.fail_on_new.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let opts = Options {
        paths: args.paths,
        gazetteer: args.gazetteer,
        out: args.out.clone(),
        jobs: jobs(args.jobs),
        sort_buffer: args.sort_buffer,
    };
    let progress = Progress::new(args.quiet);
    let result = pipeline::run(&opts, |done, total| progress.tick(done, total));
    progress.done();
    finish(result, &args.out, args.quiet, reviewed.as_ref(), None)
}

fn map(args: MapArgs) -> u8 {
    let opts = pipeline::shard::MapOptions {
        paths: args.paths,
        gazetteer: args.gazetteer,
        out: args.out.clone(),
        jobs: jobs(args.jobs),
        shard: args.shard,
        shapes: args.shapes,
    };
    let progress = Progress::new(args.quiet);
    let result = pipeline::shard::map(&opts, |done, total| progress.tick(done, total));
    progress.done();
    finish(result, &args.out, args.quiet, None, Some(args.shard))
}

fn reduce(args: ReduceArgs) -> u8 {
    let reviewed = match read_reviewed(args.fail_on_new.as_deref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let opts = pipeline::shard::ReduceOptions {
        shards: args.shards,
        gazetteer: args.gazetteer,
        out: args.out.clone(),
        sort_buffer: args.sort_buffer,
    };
    let progress = Progress::new(args.quiet);
    let result = pipeline::shard::reduce(&opts, |done, total| progress.tick(done, total));
    progress.done();
    finish(result, &args.out, args.quiet, reviewed.as_ref(), None)
}

fn shapes(args: ShapesArgs) -> u8 {
    match pipeline::shard::shapes(&args.paths, args.shard) {
        Ok((shapes, warnings)) => {
            for w in &warnings {
                eprintln!("marginalia: warning: {w}");
            }
            let parent = args.out.parent().filter(|p| !p.as_os_str().is_empty());
            let written = parent
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&args.out, shapes.to_text()));
            match written {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("marginalia: error: {}: {e}", args.out.display());
                    EXIT_CONFIG
                }
            }
        }
        Err(e) => {
            eprintln!("marginalia: error: {e}");
            EXIT_CONFIG
        }
    }
}

/// Report a run's outcome and give its exit code. `shard`: the run was the map phase of this shard (it finds no
/// inconsistencies: those are the reduce phase's).
fn finish(
    result: Result<pipeline::Summary, RunError>,
    out: &std::path::Path,
    quiet: bool,
    reviewed: Option<&std::collections::HashSet<String>>,
    shard: Option<pipeline::shard::Shard>,
) -> u8 {
    match result {
        Ok(s) => {
            for w in &s.warnings {
                eprintln!("marginalia: warning: {w}");
            }
            for f in &s.failures {
                eprintln!("marginalia: error: {f}");
            }
            if !quiet {
                let mb = s.bytes as f64 / 1e6;
                let secs = s.elapsed.as_secs_f64().max(1e-9);
                let (what, found) = match shard {
                    Some(sh) => (format!("shard {}/{}: ", sh.k, sh.n), String::new()),
                    None => (String::new(), format!(", {} inconsistencies", s.inconsistency_ids.len())),
                };
                eprintln!(
                    "marginalia: {what}{} documents ({} ok, {} failed), {} segments, {} lines removed, {} claims{found}; {:.2} MB in {:.3} s ({:.1} MB/s) -> {}",
                    s.documents,
                    s.ok,
                    s.failed,
                    s.segments,
                    s.removed,
                    s.claims,
                    mb,
                    secs,
                    mb / secs,
                    out.display()
                );
            }
            let new: Vec<&String> = match reviewed {
                Some(r) => s.inconsistency_ids.iter().filter(|id| !r.contains(*id)).collect(),
                None => Vec::new(),
            };
            for id in &new {
                eprintln!("marginalia: new inconsistency {id} (see {}/REPORT.md)", out.display());
            }
            if s.failed > 0 {
                EXIT_SOME_FAILED
            } else if !new.is_empty() {
                EXIT_NEW_INCONSISTENCIES
            } else {
                EXIT_OK
            }
        }
        Err(e) => {
            eprintln!("marginalia: error: {e}");
            match e {
                RunError::Config(_) | RunError::Output(_) | RunError::NoInput(_) => EXIT_CONFIG,
            }
        }
    }
}
