//! The sharded run: `map` over any sharding followed by `reduce` writes the bytes `annotate` writes, and a set
//! of shards that does not make up one run is refused with the file that shows it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn marginalia(args: &[&str]) -> Output {
    let gaz = root().join("gazetteer");
    let mut all: Vec<&str> = args.to_vec();
    if !matches!(args.first(), Some(&"shapes")) {
        all.extend(["--gazetteer", gaz.to_str().unwrap()]);
    }
    Command::new(env!("CARGO_BIN_EXE_marginalia")).args(&all).output().expect("binary runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The corpus's pages plus a binary file and an empty one (a failed document must travel through the shards).
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(root().join("raw")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join("zz-binary.txt"), b"ELF\x00\x01\x02\x00\x00 not text").unwrap();
    std::fs::write(dir.path().join("zz-empty.txt"), b"").unwrap();
    dir
}

/// Every file of an output directory, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn map(corpus: &Path, out: &Path, shard: &str, shapes: &[PathBuf], jobs: &str) {
    let mut args = vec!["map", s(corpus), "--out", s(out), "--shard", shard, "--jobs", jobs, "-q"];
    for f in shapes {
        args.extend(["--shapes", s(f)]);
    }
    let o = marginalia(&args);
    // A shard holding the binary file reports it and exits 1; the others exit 0.
    assert!(matches!(o.status.code(), Some(0 | 1)), "map {shard}: {}", stderr(&o));
}

#[test]
fn sorting_on_disk_gives_the_bytes_of_sorting_in_memory_and_leaves_nothing_behind() {
    let corpus = corpus();
    let work = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &Path, buffer: &str| {
        let gaz = root().join("gazetteer");
        let args = ["annotate", s(corpus.path()), "--out", s(out), "--sort-buffer", buffer, "-q"];
        let o = Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .args(args)
            .args(["--gazetteer", s(&gaz)])
            .env("TMPDIR", tmp.path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "the binary file fails: {}", stderr(&o));
        files(out)
    };
    let memory = run(&work.path().join("memory"), "1G");
    for buffer in ["0", "3K"] {
        let disk = run(&work.path().join(format!("disk-{buffer}")), buffer);
        assert_eq!(disk.len(), memory.len());
        for ((name, a), (_, b)) in disk.iter().zip(&memory) {
            assert!(a == b, "--sort-buffer {buffer}: {name} differs");
        }
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "temporary files left in TMPDIR");
    let o = marginalia(&["annotate", s(corpus.path()), "--out", s(&work.path().join("x")), "--sort-buffer", "12Q"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("12Q"), "{}", stderr(&o));
}

#[test]
fn any_sharding_then_reduce_gives_the_bytes_of_one_run() {
    let corpus = corpus();
    let work = tempfile::tempdir().unwrap();
    let whole = work.path().join("whole");
    let o = marginalia(&["annotate", s(corpus.path()), "--out", s(&whole), "--jobs", "2", "-q"]);
    assert_eq!(o.status.code(), Some(1), "the binary file fails: {}", stderr(&o));
    let expected = files(&whole);
    assert_eq!(expected.len(), 7);

    for (n, with_shapes) in [(1, false), (2, false), (7, true)] {
        let shapes: Vec<PathBuf> = if with_shapes {
            (1..=n)
                .map(|k| {
                    let f = work.path().join(format!("shapes-{n}-{k}.tsv"));
                    let o = marginalia(&["shapes", s(corpus.path()), "--shard", &format!("{k}/{n}"), "--out", s(&f)]);
                    assert!(o.status.success(), "{}", stderr(&o));
                    f
                })
                .collect()
        } else {
            Vec::new()
        };
        let dirs: Vec<PathBuf> = (1..=n).map(|k| work.path().join(format!("map-{n}-{k}"))).collect();
        for (k, d) in dirs.iter().enumerate() {
            map(corpus.path(), d, &format!("{}/{n}", k + 1), &shapes, if k % 2 == 0 { "1" } else { "2" });
        }
        // Shards are given in any order.
        let out = work.path().join(format!("reduced-{n}"));
        let mut args = vec!["reduce", "--out", s(&out), "-q"];
        // Seven shards also sort on disk: a record per run, merged.
        if n == 7 {
            args.extend(["--sort-buffer", "0"]);
        }
        args.extend(dirs.iter().rev().map(|d| s(d)));
        let o = marginalia(&args);
        assert_eq!(o.status.code(), Some(1), "the failed document is counted: {}", stderr(&o));
        assert!(stderr(&o).contains("zz-binary.txt"), "{}", stderr(&o));
        let got = files(&out);
        assert_eq!(got.iter().map(|f| &f.0).collect::<Vec<_>>(), expected.iter().map(|f| &f.0).collect::<Vec<_>>());
        for ((name, a), (_, b)) in got.iter().zip(&expected) {
            assert!(a == b, "{n} shards: {name} differs from one run's");
        }
    }
}

#[test]
fn shards_that_do_not_make_one_run_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("in");
    std::fs::create_dir(&corpus).unwrap();
    for (i, text) in
        ["Lenin died in 1924.\n", "Trotsky was exiled in 1929.\n", "Stalin died in 1953.\n"].iter().enumerate()
    {
        std::fs::write(corpus.join(format!("d{i}.txt")), text).unwrap();
    }
    let shard = |k: usize, n: usize| {
        let d = dir.path().join(format!("m{k}-{n}"));
        map(&corpus, &d, &format!("{k}/{n}"), &[], "1");
        d
    };
    let (a, b, c) = (shard(1, 2), shard(2, 2), shard(1, 3));
    let out = dir.path().join("out");
    let reduce = |dirs: &[&Path]| {
        let mut args = vec!["reduce", "--out", s(&out), "-q"];
        args.extend(dirs.iter().map(|d| s(d)));
        marginalia(&args)
    };
    assert_eq!(reduce(&[&a, &b]).status.code(), Some(0));

    let o = reduce(&[&a]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("hold 1 of the run's 3 inputs"), "{}", stderr(&o));

    // Shard 1/3 holds d0, which 1/2 holds too.
    let o = reduce(&[&a, &b, &c]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("d0 is also in"), "{}", stderr(&o));

    let facts = b.join("facts.jsonl");
    let text = std::fs::read_to_string(&facts).unwrap();
    std::fs::write(&facts, text.replacen("\"facts\"", "\"fact\"", 1)).unwrap();
    let o = reduce(&[&a, &b]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}:1:", facts.display())), "{}", stderr(&o));

    let o = reduce(&[&a, dir.path()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a shard directory"), "{}", stderr(&o));

    let o = marginalia(&["map", s(&corpus), "--out", s(&out), "--shard", "3/2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a shard"), "{}", stderr(&o));

    let bad = dir.path().join("bad-shapes.tsv");
    std::fs::write(&bad, "# marginalia line shapes 1\ndocuments\t3\nnot a shape\n").unwrap();
    let o = marginalia(&["map", s(&corpus), "--out", s(&out), "--shapes", s(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}:3:", bad.display())), "{}", stderr(&o));
}
