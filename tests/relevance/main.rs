//! Search quality, measured on the project's judged query set for the sample directory
//! (`seed_judgments.json`, see its README): residents' and link workers' own words,
//! misspellings, synonyms, Bengali and romanised Bengali/Sylheti, filters, localities and
//! postcodes, and ten queries the directory has nothing for.
//!
//! Every query goes through `GET /services` of the real application (sample data, built-in
//! geography, a fixed clock), exactly as a client would send it. The figures are printed
//! next to a plain BM25 baseline on the same listings; the test fails if they fall below the
//! floors (the level reached, less a small margin) or below the baseline.
//!
//! Another directory and judged set (same file format; the records imported into an empty
//! directory; figures printed, floors not applied):
//! `RELEVANCE_DIRECTORY=dir.ndjson RELEVANCE_JUDGMENTS=set.json cargo test ...`.
//!
//! ```sh
//! cargo test --release --test relevance -- --nocapture          # figures
//! RELEVANCE_VERBOSE=1 cargo test --release --test relevance -- --nocapture   # per query
//! ```

mod baseline;
mod judged;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use signpost::catalog::import;
use signpost::clock::Clock;
use signpost::config::ServeConfig;
use signpost::startup::Application;

use judged::{JudgedQuery, Ranked, figures};

/// Floors: the level reached when the set was last tuned, less a small margin.
const MIN_NDCG_AT_10: f64 = 0.80;
const MIN_RECALL_AT_20: f64 = 0.89;
const MAX_ZERO_RESULT_RATE: f64 = 0.02;
const MAX_UNANSWERABLE_IRRELEVANT_FIRST: f64 = 0.9;

/// The moment the searches are judged at: a Monday lunchtime in GMT.
const JUDGED_AT: &str = "2026-11-23T12:30:00Z";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Served {
    base: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// Serves the sample directory, or the ORUK records of `directory` (NDJSON) imported into
/// an empty one.
async fn serve(directory: Option<&Path>) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServeConfig::for_data_dir(dir.path());
    config.seed = directory.is_none();
    config.clock = Clock::fixed(JUDGED_AT.parse::<DateTime<Utc>>().unwrap());
    let application = Application::build(config)
        .await
        .expect("the application starts");
    if let Some(path) = directory {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let catalog = application.catalog();
        let report = tokio::task::spawn_blocking(move || {
            let report = import::import(&catalog, import::read_source(&text).unwrap()).unwrap();
            catalog.wait_for_index().unwrap();
            report
        })
        .await
        .unwrap();
        println!(
            "imported {} services, {} rejected",
            report.created,
            report.rejected.len()
        );
        for rejected in report.rejected.iter().take(5) {
            println!("  rejected {rejected}");
        }
    }
    let base = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    Served {
        base,
        client: {
            signpost::outbound::http::install_tls();
            reqwest::Client::new()
        },
        _dir: dir,
    }
}

impl Served {
    async fn search(&self, query: &JudgedQuery) -> (Ranked, serde_json::Value) {
        let mut url = url::Url::parse(&format!("{}/services", self.base)).unwrap();
        url.query_pairs_mut()
            .extend_pairs(&query.params)
            .append_pair("per_page", "20");
        let reply = self.client.get(url.clone()).send().await.unwrap();
        assert_eq!(reply.status(), 200, "{url}");
        let page: serde_json::Value = reply.json().await.unwrap();
        let ids = page["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect();
        let total = page["total_items"].as_u64().unwrap() as usize;
        (Ranked { ids, total }, page)
    }
}

fn names(page: &serde_json::Value, n: usize) -> String {
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .take(n)
        .map(|item| item["name"].as_str().unwrap_or("?"))
        .collect::<Vec<_>>()
        .join(" | ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn judged_queries_meet_the_quality_floor_and_beat_plain_bm25() {
    let directory = std::env::var_os("RELEVANCE_DIRECTORY").map(PathBuf::from);
    let judgments = std::env::var_os("RELEVANCE_JUDGMENTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest().join("tests/relevance/seed_judgments.json"));
    let set = judged::load(&judgments);
    let served = serve(directory.as_deref()).await;
    let baseline = match &directory {
        Some(path) => baseline::Baseline::build(path, None),
        None => baseline::Baseline::build(
            &manifest().join("seed/services.ndjson"),
            Some(&manifest().join("seed/taxonomies.json")),
        ),
    };
    let verbose = std::env::var_os("RELEVANCE_VERBOSE").is_some();

    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut dead_ends = Vec::new();
    for query in &set.queries {
        let (ranked, page) = served.search(query).await;
        if ranked.total == 0 && page.get("no_results").is_none() {
            dead_ends.push(query.id.clone());
        }
        let plain = baseline.search(&query.params["search"]);
        if verbose {
            println!(
                "{} {:<12} ndcg {:.2} (bm25 {:.2}) recall {:.2} total {:>3} {:?}\n      {}",
                query.id,
                query.kind,
                judged::ndcg(query, &ranked.ids, 10),
                judged::ndcg(query, &plain.ids, 10),
                judged::recall(query, &ranked.ids, 20),
                ranked.total,
                query.params,
                names(&page, 4),
            );
        }
        ours.push(ranked);
        theirs.push(plain);
    }
    let ours_figures = figures(&set.queries, &ours);
    let baseline_figures = figures(&set.queries, &theirs);
    println!("Signpost:   {ours_figures}");
    println!("plain BM25: {baseline_figures}");
    let mut kinds: Vec<&str> = set.queries.iter().map(|q| q.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let at: Vec<usize> = (0..set.queries.len())
            .filter(|&i| set.queries[i].kind == kind)
            .collect();
        let pick = |results: &[Ranked]| {
            let queries: Vec<JudgedQuery> = at.iter().map(|&i| set.queries[i].clone()).collect();
            let ranked: Vec<Ranked> = at
                .iter()
                .map(|&i| Ranked {
                    ids: results[i].ids.clone(),
                    total: results[i].total,
                })
                .collect();
            figures(&queries, &ranked)
        };
        let (a, b) = (pick(&ours), pick(&theirs));
        println!(
            "  {kind:<12} ({:>2}) NDCG@10 {:.3} vs {:.3}",
            at.len(),
            a.ndcg_at_10,
            b.ndcg_at_10
        );
    }

    assert!(
        dead_ends.is_empty(),
        "empty pages without a way forward: {dead_ends:?}"
    );
    if directory.is_some() {
        // Another directory and set: figures only; the floors are for the sample's set.
        return;
    }
    assert!(
        ours_figures.ndcg_at_10 >= MIN_NDCG_AT_10,
        "NDCG@10 fell: {ours_figures}"
    );
    assert!(
        ours_figures.recall_at_20 >= MIN_RECALL_AT_20,
        "recall@20 fell: {ours_figures}"
    );
    assert!(
        ours_figures.zero_result_rate <= MAX_ZERO_RESULT_RATE,
        "zero-result rate rose: {ours_figures}"
    );
    assert!(
        ours_figures.unanswerable_irrelevant_first <= MAX_UNANSWERABLE_IRRELEVANT_FIRST,
        "unanswerable queries answered with noise: {ours_figures}"
    );
    assert!(
        ours_figures.ndcg_at_10 > baseline_figures.ndcg_at_10,
        "plain BM25 does better"
    );
    assert!(
        ours_figures.recall_at_20 > baseline_figures.recall_at_20,
        "plain BM25 finds more"
    );
}
