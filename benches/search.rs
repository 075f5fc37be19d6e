//! Search latency (issue "Search quality"): the judged query set of
//! `tests/relevance/seed_judgments.json`, run as the `/services` handler runs it (parameters
//! parsed, index searched with relaxation and facets where asked, the page's services read
//! from the store and rendered to JSON), on the sample directory and on a synthetic
//! directory of 100,000 services made from it.
//!
//! ```sh
//! cargo bench --bench search                                 # seed and 100k
//! SIGNPOST_BENCH_SERVICES=20000 cargo bench --bench search   # a smaller synthetic size
//! ```
//!
//! Prints p50, p90, p99 and the maximum over every query's timed runs; no assertion (latency
//! is measured here, never asserted in tests).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use signpost::catalog::{Catalog, import};

// Shared with the suite; this bench uses only part of it.
#[allow(dead_code)]
mod support;
use support::parse;

fn open(dir: &std::path::Path) -> Catalog {
    support::open(dir, None)
}

const WARM_UP_RUNS: usize = 2;
const TIMED_RUNS: usize = 20;

fn judged_queries() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/relevance/seed_judgments.json"
    );
    let set: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    set["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|query| {
            let params = query["params"].as_object().unwrap();
            let mut pairs = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in params {
                pairs.append_pair(name, value.as_str().unwrap());
            }
            pairs.append_pair("per_page", "20");
            pairs.finish()
        })
        .collect()
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[at]
}

fn measure(label: &str, catalog: &Catalog, queries: &[String]) {
    let mut timings = Vec::with_capacity(queries.len() * TIMED_RUNS);
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    for query_string in queries {
        for _ in 0..WARM_UP_RUNS {
            let query = parse(catalog, query_string);
            signpost::http::api::search_page::render(catalog, &query).unwrap();
        }
        let mut own = Vec::with_capacity(TIMED_RUNS);
        for _ in 0..TIMED_RUNS {
            let started = Instant::now();
            let query = parse(catalog, query_string);
            let body = signpost::http::api::search_page::render(catalog, &query).unwrap();
            std::hint::black_box(body);
            own.push(started.elapsed());
        }
        own.sort();
        slowest.push((percentile(&own, 0.5), query_string));
        timings.extend(own);
    }
    timings.sort();
    slowest.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    println!(
        "{label}: {} queries x {TIMED_RUNS} runs: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        queries.len(),
        ms(percentile(&timings, 0.5)),
        ms(percentile(&timings, 0.9)),
        ms(percentile(&timings, 0.99)),
        ms(*timings.last().unwrap()),
    );
    for (median, query) in slowest.iter().take(3) {
        println!("  slowest median {:.2} ms: {query}", ms(*median));
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// Ids that stay shared between copies: taxonomies and their terms.
fn shared_ids() -> std::collections::HashSet<String> {
    let text = include_str!("../seed/taxonomies.json");
    let document: Value = serde_json::from_str(text).unwrap();
    ["taxonomies", "taxonomy_terms"]
        .iter()
        .flat_map(|key| document[key].as_array().unwrap().clone())
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::parse_str(text).is_ok()
}

/// Gives every id in `value` its copy's own id (taxonomy ids excepted).
fn re_id(
    value: &mut Value,
    ids: &mut HashMap<String, String>,
    next: &mut u64,
    shared: &std::collections::HashSet<String>,
) {
    match value {
        Value::String(text) if is_uuid(text) && !shared.contains(text.as_str()) => {
            let fresh = ids.entry(text.clone()).or_insert_with(|| {
                *next += 1;
                format!(
                    "b{:07x}-0000-4000-8000-{:012x}",
                    *next >> 48,
                    *next & 0xffff_ffff_ffff
                )
            });
            *text = fresh.clone();
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| re_id(item, ids, next, shared)),
        Value::Object(fields) => fields
            .values_mut()
            .for_each(|item| re_id(item, ids, next, shared)),
        _ => {}
    }
}

const PLACES: [&str; 10] = [
    "Bow",
    "Poplar",
    "Stepney",
    "Wapping",
    "Shadwell",
    "Limehouse",
    "Millwall",
    "Spitalfields",
    "Mile End",
    "Bromley",
];

/// `count` services made from the sample directory: each copy with its own ids, a place
/// name in its name, and a neighbouring listing's eligibility, so that the index is not a
/// repetition of the same documents.
fn synthetic(count: usize) -> Vec<Value> {
    let seed: Vec<Value> = include_str!("../seed/services.ndjson")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let shared = shared_ids();
    let mut next = 0u64;
    (0..count)
        .map(|n| {
            let mut record = seed[n % seed.len()].clone();
            let copy = n / seed.len();
            let mut ids = HashMap::new();
            re_id(&mut record, &mut ids, &mut next, &shared);
            let name = record["name"].as_str().unwrap_or_default().to_owned();
            record["name"] = Value::String(format!("{name} ({})", PLACES[copy % PLACES.len()]));
            let neighbour = &seed[(n * 7 + copy) % seed.len()];
            if let Some(eligibility) = neighbour["eligibility_description"].as_str() {
                record["eligibility_description"] = Value::String(eligibility.to_owned());
            }
            record
        })
        .collect()
}

fn main() {
    let queries = judged_queries();

    let seed_dir = tempfile::tempdir().unwrap();
    let seeded = open(seed_dir.path());
    signpost::seed::load(&seeded).unwrap();
    seeded.wait_for_index().unwrap();
    let label = format!(
        "sample directory ({} services)",
        seeded.store().service_ids().unwrap().len()
    );
    measure(&label, &seeded, &queries);
    measure(&format!("{label}, facets=true"), &seeded, &faceted());
    drop(seeded);

    let count: usize = std::env::var("SIGNPOST_BENCH_SERVICES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let big_dir = tempfile::tempdir().unwrap();
    let big = open(big_dir.path());
    let started = Instant::now();
    signpost::seed::load(&big).unwrap();
    let records = synthetic(count);
    for chunk in records.chunks(5_000) {
        let text = serde_json::to_string(chunk).unwrap();
        let report = import::import(&big, import::read_source(&text).unwrap()).unwrap();
        assert!(report.rejected.is_empty(), "{:?}", report.rejected.first());
    }
    big.wait_for_index().unwrap();
    println!(
        "built a synthetic directory of {} services ({} index documents) in {:.0} s",
        big.store().service_ids().unwrap().len(),
        big.index().num_docs(),
        started.elapsed().as_secs_f64()
    );
    let label = format!("synthetic directory ({count} services)");
    measure(&label, &big, &queries);
    measure(&format!("{label}, facets=true"), &big, &faceted());
}

/// Searches a front end makes with every facet counted.
fn faceted() -> Vec<String> {
    [
        "search=food&facets=true",
        "search=advice&open_now=true&facets=true",
        "facets=true",
        "search=english+class&locality=south-east&facets=true",
    ]
    .map(|query| format!("{query}&per_page=20"))
    .to_vec()
}
