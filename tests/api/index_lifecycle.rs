//! The index is derived: a missing, damaged, outdated or lagging index is rebuilt from the
//! store when the data directory is opened, and answers as before.

use std::path::Path;
use std::sync::Arc;

use serde_json::json;
use signpost::catalog::Catalog;
use signpost::search::assets::SearchAssets;
use signpost::search::query::{Filters, GeoFilter, PageRequest, ServiceQuery, Target, london_now};
use signpost::store::{ChangeSet, SledStore, Store};

use crate::fixtures;

fn geography() -> std::sync::Arc<signpost::geography::Geography> {
    std::sync::Arc::new(signpost::geography::builtin::geography())
}

fn fixture_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (catalog, report) = Catalog::open(dir.path(), geography(), assets()).unwrap();
    assert_eq!(report.rebuilt_index.as_deref(), Some("no index yet"));
    let text = serde_json::to_string(&fixtures::services()).unwrap();
    let records = signpost::catalog::import::read_source(&text).unwrap();
    signpost::catalog::import::import(&catalog, records).unwrap();
    catalog.wait_for_index().unwrap();
    dir
}

fn search(catalog: &Catalog, text: &str) -> Vec<String> {
    let query = ServiceQuery {
        target: Target::Services,
        text: Some(text.to_owned()),
        filters: Filters::new(london_now()),
        geo: GeoFilter::default(),
        facets: None,
        page: PageRequest::default(),
    };
    catalog
        .search(&query)
        .unwrap()
        .found
        .into_iter()
        .map(|found| found.placed.full.service.name.clone())
        .collect()
}

fn assets() -> Arc<SearchAssets> {
    Arc::new(SearchAssets::built_in())
}

fn reopen(dir: &Path) -> (Catalog, Option<String>) {
    let (catalog, report) = Catalog::open(dir, geography(), assets()).unwrap();
    (catalog, report.rebuilt_index)
}

#[test]
fn an_index_in_step_with_the_store_is_reused() {
    let dir = fixture_dir();
    let (catalog, rebuilt) = reopen(dir.path());
    assert_eq!(rebuilt, None);
    assert_eq!(search(&catalog, "boxing"), ["Youth Boxing"]);
}

#[test]
fn edited_search_assets_rebuild_the_index_and_take_effect() {
    let dir = fixture_dir();
    assert_eq!(
        search(&reopen(dir.path()).0, "pugilism"),
        Vec::<String>::new()
    );
    let assets_dir = tempfile::tempdir().unwrap();
    let built_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("index");
    for file in ["stopwords.txt", "features.txt", "synonyms.txt"] {
        std::fs::copy(built_in.join(file), assets_dir.path().join(file)).unwrap();
    }
    let synonyms = assets_dir.path().join("synonyms.txt");
    let mut text = std::fs::read_to_string(&synonyms).unwrap();
    text.push_str("\npugilism => boxing\n");
    std::fs::write(&synonyms, text).unwrap();
    let edited = Arc::new(SearchAssets::load(assets_dir.path()).unwrap());

    let (catalog, report) = Catalog::open(dir.path(), geography(), edited).unwrap();
    assert!(report.rebuilt_index.unwrap().contains("search assets"));
    assert_eq!(search(&catalog, "pugilism"), ["Youth Boxing"]);
}

#[test]
fn a_deleted_index_is_rebuilt() {
    let dir = fixture_dir();
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let (catalog, rebuilt) = reopen(dir.path());
    assert!(rebuilt.is_some());
    assert_eq!(search(&catalog, "boxing"), ["Youth Boxing"]);
}

#[test]
fn a_corrupt_index_is_rebuilt() {
    let dir = fixture_dir();
    std::fs::write(dir.path().join("index/meta.json"), b"{ this is not json").unwrap();
    let (catalog, rebuilt) = reopen(dir.path());
    assert!(rebuilt.unwrap().contains("unreadable"));
    assert_eq!(
        search(&catalog, "shelter"),
        ["Night Shelter", "Somali Women's Group"]
    );
}

/// The index's segment files (everything but tantivy's own bookkeeping), largest first.
fn segment_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("index"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            !name.starts_with('.') && name != "meta.json"
        })
        .collect();
    files.sort_by_key(|path| std::cmp::Reverse(std::fs::metadata(path).unwrap().len()));
    assert!(files.len() > 3, "{files:?}");
    files
}

#[test]
fn a_truncated_segment_file_is_found_and_the_index_rebuilt() {
    let dir = fixture_dir();
    let file = segment_files(dir.path()).remove(0);
    let length = std::fs::metadata(&file).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(length / 2)
        .unwrap();
    let (catalog, rebuilt) = reopen(dir.path());
    let reason = rebuilt.expect("rebuilt");
    assert!(reason.contains("index"), "{reason}");
    assert_eq!(search(&catalog, "boxing"), ["Youth Boxing"]);
}

#[test]
fn every_damaged_byte_of_a_segment_file_is_found_and_the_index_rebuilt() {
    let dir = fixture_dir();
    for file in segment_files(dir.path()) {
        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x5a;
        std::fs::write(&file, &bytes).unwrap();
    }
    let (catalog, rebuilt) = reopen(dir.path());
    let reason = rebuilt.expect("rebuilt");
    // A flipped byte in the data fails its file's checksum; in a small file's footer (the
    // empty document store's) it fails to parse first.
    assert!(
        reason.contains("checksum") || reason.contains("unreadable"),
        "{reason}"
    );
    assert_eq!(search(&catalog, "boxing"), ["Youth Boxing"]);
    // And the rebuilt index is whole: the next start reuses it.
    drop(catalog);
    assert_eq!(reopen(dir.path()).1, None);
}

/// Found by the start-up test: a segment file shorter than tantivy's footer made its
/// checksum check panic, and the server died at start instead of rebuilding.
#[test]
fn a_segment_file_shorter_than_its_footer_is_found_and_the_index_rebuilt() {
    let dir = fixture_dir();
    for file in segment_files(dir.path()) {
        std::fs::write(&file, b"damaged").unwrap();
    }
    let (catalog, rebuilt) = reopen(dir.path());
    let reason = rebuilt.expect("rebuilt");
    assert!(reason.contains("index files"), "{reason}");
    assert_eq!(search(&catalog, "boxing"), ["Youth Boxing"]);
}

#[test]
fn a_missing_segment_file_is_found_and_the_index_rebuilt() {
    let dir = fixture_dir();
    let file = segment_files(dir.path()).remove(0);
    std::fs::remove_file(&file).unwrap();
    let (catalog, rebuilt) = reopen(dir.path());
    let reason = rebuilt.expect("rebuilt");
    assert!(reason.contains("unreadable"), "{reason}");
    assert_eq!(search(&catalog, "lunch"), ["Bow Lunch Club"]);
}

/// Rewrites the commit record of the index in `dir`: its schema version, and its
/// fingerprint of geography and search assets (XORed with `fingerprint_change`).
fn rewrite_payload(dir: &Path, schema_version: u32, fingerprint_change: u64) {
    let meta_path = dir.join("index/meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    let payload: serde_json::Value =
        serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    let generation = payload["generation"].clone();
    let derived_from = payload["derived_from"].as_u64().unwrap() ^ fingerprint_change;
    meta["payload"] = json!(
        json!({"schema_version": schema_version, "generation": generation, "derived_from": derived_from})
            .to_string()
    );
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
}

#[test]
fn an_index_of_another_schema_version_is_rebuilt() {
    let dir = fixture_dir();
    rewrite_payload(dir.path(), 0, 0);
    let (catalog, rebuilt) = reopen(dir.path());
    assert!(rebuilt.unwrap().contains("schema version 0"));
    assert_eq!(search(&catalog, "lunch"), ["Bow Lunch Club"]);
}

#[test]
fn an_index_derived_from_other_geography_is_rebuilt() {
    let dir = fixture_dir();
    rewrite_payload(dir.path(), signpost::index::schema::SCHEMA_VERSION, 1);
    let (catalog, rebuilt) = reopen(dir.path());
    assert!(rebuilt.unwrap().contains("other geography"));
    assert_eq!(search(&catalog, "lunch"), ["Bow Lunch Club"]);
}

#[test]
fn an_index_behind_the_store_is_rebuilt() {
    let dir = fixture_dir();
    {
        let store = SledStore::open(&dir.path().join("store")).unwrap();
        let id = signpost::domain::ids::ServiceId::parse("50000000-0000-4000-8000-000000000002")
            .unwrap();
        let mut boxing = store.service(id).unwrap().unwrap();
        boxing.name = "Youth Kickboxing".to_owned();
        let changes = ChangeSet {
            services: vec![boxing],
            ..ChangeSet::default()
        };
        store.apply(&changes, chrono::Utc::now()).unwrap();
    }
    let (catalog, rebuilt) = reopen(dir.path());
    assert!(rebuilt.unwrap().contains("store is at"));
    assert_eq!(search(&catalog, "kickboxing"), ["Youth Kickboxing"]);
}

#[test]
fn segments_left_by_many_commits_are_merged_when_the_indexer_is_idle() {
    let dir = fixture_dir();
    let (catalog, _) = reopen(dir.path());
    let ids: Vec<_> = catalog.store().service_ids().unwrap();
    // One commit (one segment) per change, each to another service (a segment whose
    // documents are all replaced is dropped at once).
    for (n, id) in ids.iter().enumerate() {
        let mut service = catalog.store().service(*id).unwrap().unwrap();
        service.name = format!("{} (edit {n})", service.name);
        catalog
            .apply(&ChangeSet {
                services: vec![service],
                ..Default::default()
            })
            .unwrap();
        catalog.wait_for_index().unwrap();
    }
    // (tantivy's own policy merges its smallest segments eight at a time.)
    let before = catalog.index().num_segments();
    assert!(before > 1, "one segment per commit: {before}");
    let found = search(&catalog, "edit");
    assert!(found.len() > 3, "{found:?}");
    let started = std::time::Instant::now();
    while catalog.index().num_segments() > 1 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "still {} segments",
            catalog.index().num_segments()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        search(&catalog, "edit"),
        found,
        "every edit still searchable after the merge"
    );
    catalog.close();
    drop(catalog);
    let (reopened, rebuilt) = reopen(dir.path());
    assert_eq!(rebuilt, None, "the merge kept the commit record");
    assert_eq!(reopened.index().num_segments(), 1);
}

/// The kind of every document of every segment, in document order (0: a service,
/// 1: a service_at_location), read from the index files as they are.
fn kinds_by_segment(dir: &Path) -> Vec<Vec<u64>> {
    let index = tantivy::Index::open_in_dir(dir.join("index")).unwrap();
    let searcher = index.reader().unwrap().searcher();
    searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let kinds = segment.fast_fields().u64("kind_order").unwrap();
            (0..segment.max_doc())
                .filter(|doc| {
                    segment
                        .alive_bitset()
                        .is_none_or(|alive| alive.is_alive(*doc))
                })
                .map(|doc| kinds.first(doc).unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn every_segment_holds_its_services_before_its_service_at_locations() {
    let dir = fixture_dir();
    {
        let (catalog, _) = reopen(dir.path());
        // Another version of every service, written after the first: new segments, and
        // deleted documents in the old.
        let store = catalog.store();
        let services: Vec<_> = store
            .service_ids()
            .unwrap()
            .into_iter()
            .map(|id| {
                let mut service = store.service(id).unwrap().unwrap();
                service.name.push_str(" (renamed)");
                service
            })
            .collect();
        catalog
            .apply(&ChangeSet {
                services,
                ..ChangeSet::default()
            })
            .unwrap();
        catalog.wait_for_index().unwrap();
    }
    let segments = kinds_by_segment(dir.path());
    let all: Vec<u64> = segments.concat();
    assert!(
        (0..=2).all(|kind| all.contains(&kind)),
        "services with several places or none, with one, and their places: {segments:?}"
    );
    for kinds in &segments {
        assert!(kinds.is_sorted(), "a segment out of order: {kinds:?}");
    }
}
