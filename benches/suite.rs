//! The benchmark suite (BENCHMARKS.md): synthetic directories of 1k, 100k and 1M services
//! (`support::synth`), built into a fresh data directory, then the query mixes of
//! `benches/queries.json` run as the `/services` handler runs them (parameters parsed, index
//! searched, the page of 20 read from the store and rendered to JSON), and the operations:
//! bulk build to searchable (an NDJSON file read, parsed, stored and indexed), an update to
//! visible in search (idle and right after the bulk load), restart to first answer and the
//! first 100 answers, memory, disk, the index rebuilt from the store, and reads of the
//! store while more services are imported.
//!
//! ```sh
//! cargo bench --bench suite                              # tiers 1k and 100k
//! SIGNPOST_BENCH_TIERS=1k,100k,1m cargo bench --bench suite
//! SIGNPOST_GEO_DIR=../shared/data/geo cargo bench --bench suite   # exact geography
//! SIGNPOST_BENCH_MIXES=text,typo cargo bench --bench suite        # some mixes only
//! SIGNPOST_BENCH_TIERS=100k SIGNPOST_BENCH_EXPORT=/tmp/100k.ndjson cargo bench --bench suite
//! SIGNPOST_BENCH_TIERS=1m SIGNPOST_BENCH_DIR=/tmp/k1m SIGNPOST_BENCH_PER_QUERY=1 \
//!     cargo bench --bench suite                          # a kept directory, each query
//! SIGNPOST_BENCH_DIR=/tmp/k100k SIGNPOST_BENCH_IN_TURN=1 cargo bench --bench suite
//!                                                        # ... and each mix's queries in turn
//! ```
//!
//! Run by `cargo test` (without `--bench`), it is a smoke run: tier 1k, two runs a query,
//! checking only that the suite works. Latency is measured here, never asserted.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use signpost::catalog::{Catalog, import};
use support::synth::Generator;
use support::{open, parse};

/// The generator's seed: the same directory every run.
const SEED: u64 = 20_261_122;

struct Settings {
    full: bool,
    tiers: Vec<(String, u64)>,
    geo_dir: Option<std::path::PathBuf>,
}

fn settings() -> Settings {
    let full = std::env::args().any(|a| a == "--bench");
    let wanted = std::env::var("SIGNPOST_BENCH_TIERS")
        .unwrap_or_else(|_| if full { "1k,100k" } else { "1k" }.to_owned());
    let tiers = wanted
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|tier| {
            let count = match tier.to_lowercase().as_str() {
                "1k" => 1_000,
                "100k" => 100_000,
                "1m" => 1_000_000,
                other => other
                    .parse()
                    .unwrap_or_else(|_| panic!("unknown tier {other}")),
            };
            (tier.to_owned(), count)
        })
        .collect();
    let geo_dir = std::env::var_os("SIGNPOST_GEO_DIR").map(Into::into);
    Settings {
        full,
        tiers,
        geo_dir,
    }
}

/// One search as the handler makes it; returns its time.
fn search(catalog: &Catalog, query_string: &str) -> Duration {
    let started = Instant::now();
    let query = parse(catalog, query_string);
    let body = signpost::http::api::search_page::render(catalog, &query).unwrap();
    std::hint::black_box(body);
    started.elapsed()
}

/// The query mixes (only those named in `SIGNPOST_BENCH_MIXES`, when set).
fn mixes() -> Vec<(String, Vec<String>)> {
    let file: Value = serde_json::from_str(include_str!("queries.json")).unwrap();
    let wanted = std::env::var("SIGNPOST_BENCH_MIXES").ok();
    file["mixes"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| {
            wanted
                .as_deref()
                .is_none_or(|w| w.split(',').any(|m| m.trim() == name.as_str()))
        })
        .map(|(name, queries)| {
            let queries = queries
                .as_array()
                .unwrap()
                .iter()
                .map(|q| format!("{}&per_page=20", q.as_str().unwrap()))
                .collect();
            (name.clone(), queries)
        })
        .collect()
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[at]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// p50, p90, p99 and max, in milliseconds.
fn summary(mut timings: Vec<Duration>) -> String {
    timings.sort();
    format!(
        "{:.2} | {:.2} | {:.2} | {:.2}",
        ms(percentile(&timings, 0.5)),
        ms(percentile(&timings, 0.9)),
        ms(percentile(&timings, 0.99)),
        ms(*timings.last().unwrap())
    )
}

/// Resident memory of this process, in MB (Linux).
fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn disk_mb(dir: &Path) -> f64 {
    fn walk(dir: &Path) -> u64 {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| match entry.metadata() {
                Ok(meta) if meta.is_dir() => walk(&entry.path()),
                Ok(meta) => meta.len(),
                Err(_) => 0,
            })
            .sum()
    }
    walk(dir) as f64 / 1_048_576.0
}

/// Builds a directory of `count` services as an import of an NDJSON file does, and returns
/// the time to searchable: the records are generated into a file first, not timed (an
/// import does not make its records), then the file is read, each line parsed (JSON text to
/// typed records), written to the store and indexed, as `signpost import` takes them (a
/// chunk at a time: `import::import`).
fn build(catalog: &Catalog, generator: &Generator, count: u64) -> Duration {
    let file = tempfile::NamedTempFile::new().unwrap();
    write_ndjson(generator, 0..count, file.path());
    let started = Instant::now();
    signpost::seed::load_taxonomies(catalog).unwrap();
    import_file(catalog, file.path());
    // Where a bulk load's time goes: the store's part and, after it, the index catching up.
    println!(
        "  in the store after {:.2} s",
        started.elapsed().as_secs_f64()
    );
    catalog.wait_for_index().unwrap();
    started.elapsed()
}

/// Imports an NDJSON file as `signpost import` does: read a line at a time
/// (`import::file_records`), each line parsed from JSON text, a chunk at a time.
fn import_file(catalog: &Catalog, path: &Path) {
    let report = import::import(catalog, import::file_records(path).unwrap()).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected.first());
}

/// Reads a stored service every 0.2 ms (as a page of answers does for a record not in
/// the service cache) while `count / 5` more services are imported into a directory of
/// `count`, as moderators' approvals of a pulled feed are: each read's time, and the
/// import's.
fn reads_during_import(
    catalog: &Catalog,
    generator: &Generator,
    count: u64,
) -> (Vec<Duration>, Duration) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let file = tempfile::NamedTempFile::new().unwrap();
    write_ndjson(generator, count..count + count / 5, file.path());
    let importing = AtomicBool::new(true);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut timings = Vec::new();
            let mut k = 0;
            while importing.load(Ordering::Acquire) {
                let id = support::synth::service_id(k * 7919 % count);
                let id = signpost::domain::ids::ServiceId::parse(&id).unwrap();
                let started = Instant::now();
                std::hint::black_box(catalog.store().service(id).unwrap());
                timings.push(started.elapsed());
                k += 1;
                std::thread::sleep(Duration::from_micros(200));
            }
            timings
        });
        /// Stops the reader when the import ends, also by a panic: the scope would
        /// otherwise wait for it forever instead of failing the run.
        struct Stop<'a>(&'a AtomicBool);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let stop = Stop(&importing);
        let started = Instant::now();
        import_file(catalog, file.path());
        let took = started.elapsed();
        drop(stop);
        (reader.join().unwrap(), took)
    })
}

/// Writes the generated services numbered `range` to `path` as NDJSON.
fn write_ndjson(generator: &Generator, range: std::ops::Range<u64>, path: &Path) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for n in range {
        serde_json::to_writer(&mut out, &generator.service(SEED, n)).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.flush().unwrap();
}

/// What an update took: from the write to visible in search, and of that, the store's
/// part (the write acknowledged: in sled and flushed).
struct Update {
    visible: Duration,
    stored: Duration,
}

/// `p50 | p90 | p99 | max` of the updates to visible, then `(store p50 | p99)`.
fn update_summary(updates: &[Update]) -> String {
    let mut stored: Vec<Duration> = updates.iter().map(|u| u.stored).collect();
    stored.sort();
    format!(
        "{} (of which the store {:.2} | {:.2})",
        summary(updates.iter().map(|u| u.visible).collect()),
        ms(percentile(&stored, 0.5)),
        ms(percentile(&stored, 0.99)),
    )
}

/// Renames `updates` services one at a time, each searchable before the next: the time
/// from the write to visible in search.
fn updates(catalog: &Catalog, count: u64, updates: u64, round: &str) -> Vec<Update> {
    (0..updates)
        .map(|k| {
            let id = signpost::domain::ids::ServiceId::parse(&support::synth::service_id(
                k * 7919 % count,
            ))
            .unwrap();
            let mut service = catalog.store().service(id).unwrap().unwrap();
            service.name = format!("Renamed service {k} ({round})");
            service.last_modified = None;
            let started = Instant::now();
            catalog
                .apply(&signpost::store::ChangeSet {
                    services: vec![service],
                    ..Default::default()
                })
                .unwrap();
            let stored = started.elapsed();
            catalog.wait_for_index().unwrap();
            Update {
                visible: started.elapsed(),
                stored,
            }
        })
        .collect()
}

/// Set to a file path: writes the first tier's services there as NDJSON (for loading into
/// a server or a baseline database) and runs nothing.
const EXPORT_TO: &str = "SIGNPOST_BENCH_EXPORT";

/// Set to a directory: the first tier is built there once and kept; later runs with the
/// same directory only run the query mixes against it (for comparing a change to the query
/// path without rebuilding: the `min` column is the least disturbed by other work).
const KEEP_DIR: &str = "SIGNPOST_BENCH_DIR";

fn main() {
    if let Some(dir) = std::env::var_os(RESTART_DIR) {
        restart(Path::new(&dir));
        return;
    }
    if let Some(dir) = std::env::var_os(KEEP_DIR) {
        kept(Path::new(&dir));
        return;
    }
    let settings = settings();
    if let Some(path) = std::env::var_os(EXPORT_TO) {
        let (_, count) = settings.tiers[0];
        write_ndjson(&Generator::new(), 0..count, Path::new(&path));
        eprintln!("wrote {count} services to {}", Path::new(&path).display());
        return;
    }
    let generator = Generator::new();
    let mixes = mixes();
    let (warm, timed) = if settings.full { (2, 20) } else { (1, 2) };
    println!(
        "# Benchmark suite ({} run)\n",
        if settings.full { "full" } else { "smoke" }
    );
    for (tier, count) in &settings.tiers {
        let dir = tempfile::tempdir().unwrap();
        let catalog = open(dir.path(), settings.geo_dir.as_deref());
        let built = build(&catalog, &generator, *count);
        let after_bulk = updates(
            &catalog,
            *count,
            if settings.full { 20 } else { 3 },
            "after the bulk load",
        );
        // The mixes are timed on the index as it settles: its segments merged when idle.
        let (segments, waited) = merged(&catalog);
        println!(
            "## {tier}: {count} services, {} index documents\n\nbulk build to searchable: {:.2} s; segments merged ({segments} left) {:.1} s later\n",
            catalog.index().num_docs(),
            built.as_secs_f64(),
            waited.as_secs_f64()
        );
        println!(
            "| mix | queries | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
        );
        for (mix, queries) in &mixes {
            for query in queries {
                for _ in 0..warm {
                    search(&catalog, query);
                }
            }
            let timings: Vec<Duration> = queries
                .iter()
                .flat_map(|query| {
                    (0..timed)
                        .map(|_| search(&catalog, query))
                        .collect::<Vec<_>>()
                })
                .collect();
            println!("| {mix} | {} | {} |", queries.len(), summary(timings));
        }
        let idle = updates(&catalog, *count, if settings.full { 50 } else { 3 }, "idle");
        println!(
            "\nupdate to visible in search (p50 | p90 | p99 | max ms): idle {}; right after the bulk load {}",
            update_summary(&idle),
            update_summary(&after_bulk)
        );
        if let Some(rss) = rss_mb() {
            println!("resident memory after building and the query run: {rss:.0} MB");
        }
        catalog.close();
        drop(catalog);
        println!(
            "disk: {:.0} MB (store {:.0} MB, index {:.0} MB)",
            disk_mb(dir.path()),
            disk_mb(&dir.path().join("store")),
            disk_mb(&dir.path().join("index"))
        );
        // A restart is a new process: this program again, told to open the directory.
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .env(RESTART_DIR, dir.path())
            .output()
            .unwrap();
        assert!(
            child.status.success(),
            "{}",
            String::from_utf8_lossy(&child.stderr)
        );
        print!("{}", String::from_utf8_lossy(&child.stdout));
        // The index rebuilt from the store, as `signpost reindex` does and a start after a
        // change of schema, search assets or geography: last, so that it changes nothing
        // measured above.
        let catalog = open(dir.path(), settings.geo_dir.as_deref());
        catalog.wait_for_index().unwrap();
        let started = Instant::now();
        catalog.rebuild_index().unwrap();
        println!(
            "index rebuilt from the store: {:.2} s",
            started.elapsed().as_secs_f64()
        );
        // After the rebuild, for the same reason: it adds services.
        let (reads, took) = reads_during_import(&catalog, &generator, *count);
        println!(
            "reads of stored services during an import of {} more ({:.2} s), {} reads (p50 | p90 | p99 | max ms): {}",
            count / 5,
            took.as_secs_f64(),
            reads.len(),
            summary(reads)
        );
        catalog.close();
    }
}

/// Set (to anything) for [`kept`] to list every query, slowest first, after the mixes.
const PER_QUERY: &str = "SIGNPOST_BENCH_PER_QUERY";
/// Set (to anything) for [`kept`] to time each mix again with its queries in turn.
const IN_TURN: &str = "SIGNPOST_BENCH_IN_TURN";

/// Builds the first tier into `dir` unless it is there, then times the mixes (50 runs a
/// query after 2 warm-up runs); `min` is the mean of each query's fastest run. With
/// [`PER_QUERY`] set, every query's median and fastest run follow, slowest first. With
/// [`IN_TURN`] set, each mix is timed again going through its queries in turn, 50 times
/// (as a load tool cycling through a file of URLs does, so no search finds the caches as
/// the same search left them).
fn kept(dir: &Path) {
    let settings = settings();
    let (tier, count) = &settings.tiers[0];
    let built = dir.join("index").exists();
    let catalog = open(dir, settings.geo_dir.as_deref());
    if !built {
        let took = build(&catalog, &Generator::new(), *count);
        println!("built {tier} in {dir:?}: {:.2} s", took.as_secs_f64());
    }
    catalog.wait_for_index().unwrap();
    println!("segments: {}", merged(&catalog).0);
    let per_query = std::env::var_os(PER_QUERY).is_some();
    let mut slowest = Vec::new();
    let mixes = mixes();
    println!("| mix | min ms | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|");
    for (mix, queries) in &mixes {
        let mut timings = Vec::new();
        let mut least = 0.0;
        for query in queries {
            search(&catalog, query);
            search(&catalog, query);
            let mut runs: Vec<Duration> = (0..50).map(|_| search(&catalog, query)).collect();
            least += ms(*runs.iter().min().unwrap()) / queries.len() as f64;
            if per_query {
                runs.sort();
                slowest.push((ms(runs[runs.len() / 2]), ms(runs[0]), mix, query));
            }
            timings.extend(runs);
        }
        let min = least;
        println!("| {mix} | {min:.2} | {} |", summary(timings));
    }
    if std::env::var_os(IN_TURN).is_some() {
        println!(
            "\n| mix, queries in turn | mean ms | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
        );
        for (mix, queries) in &mixes {
            let mut timings = Vec::new();
            for round in 0..52 {
                for query in queries {
                    let took = search(&catalog, query);
                    if round >= 2 {
                        timings.push(took);
                    }
                }
            }
            let mean = timings.iter().map(|t| ms(*t)).sum::<f64>() / timings.len() as f64;
            println!("| {mix} | {mean:.2} | {} |", summary(timings));
        }
    }
    if per_query {
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("\n| query (slowest first) | mix | p50 ms | fastest ms |\n|---|---|---|---|");
        for (p50, fastest, mix, query) in slowest {
            println!("| `{query}` | {mix} | {p50:.2} | {fastest:.2} |");
        }
    }
    catalog.close();
}

/// Set for the child process that measures a restart: the data directory to open.
const RESTART_DIR: &str = "SIGNPOST_BENCH_RESTART_DIR";

/// In a fresh process: opens the directory, answers the first query (the time from start),
/// the first 100 answers, then a whole run of the mixes; memory after that.
fn restart(dir: &Path) {
    let settings = settings();
    let mixes = mixes();
    let restarted = Instant::now();
    let catalog = open(dir, settings.geo_dir.as_deref());
    search(&catalog, &mixes[0].1[0]);
    let to_first = restarted.elapsed();
    let first_hundred: Vec<Duration> = mixes
        .iter()
        .flat_map(|(_, queries)| queries.iter())
        .cycle()
        .take(100)
        .map(|query| search(&catalog, query))
        .collect();
    for (_, queries) in &mixes {
        for query in queries {
            search(&catalog, query);
        }
    }
    println!(
        "restart (a new process) to first answer: {:.0} ms; the first 100 answers after it: {}",
        ms(to_first),
        summary(first_hundred)
    );
    if let Some(rss) = rss_mb() {
        println!(
            "resident memory of the restarted process after a run of every mix: {rss:.0} MB\n"
        );
    }
    catalog.close();
}

/// Waits for the index to settle: its parts (one segment, or one per core for a large
/// index), or no merge running nor started for longer
/// than the indexer's idle wait (its policy left the segments as they are); at most 30
/// minutes. Returns the number of segments then and the time waited.
fn merged(catalog: &Catalog) -> (usize, Duration) {
    let started = Instant::now();
    let mut quiet_since = Instant::now();
    while catalog.index().num_segments() > catalog.index().parts()
        && quiet_since.elapsed() < Duration::from_secs(4)
        && started.elapsed() < Duration::from_secs(1_800)
    {
        if catalog.index_merging() {
            quiet_since = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (catalog.index().num_segments(), started.elapsed())
}
