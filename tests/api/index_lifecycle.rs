//! The index is derived: a missing, damaged, outdated or lagging index is rebuilt from the
//! store when the data directory is opened, and answers as before.

use std::path::Path;

use serde_json::json;
use signpost::catalog::Catalog;
use signpost::search::query::{
    Filters, GeoFilter, PageRequest, ServiceQuery, Target, london_today,
};
use signpost::store::{ChangeSet, SledStore, Store};

use crate::fixtures;

fn geography() -> std::sync::Arc<signpost::geography::Geography> {
    std::sync::Arc::new(signpost::geography::builtin::geography())
}

fn fixture_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (catalog, report) = Catalog::open(dir.path(), geography()).unwrap();
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
        filters: Filters::new(london_today()),
        geo: GeoFilter::default(),
        facets: None,
        page: PageRequest::default(),
    };
    catalog
        .search_services(&query)
        .unwrap()
        .services
        .into_iter()
        .map(|placed| placed.full.service.name)
        .collect()
}

fn reopen(dir: &Path) -> (Catalog, Option<String>) {
    let (catalog, report) = Catalog::open(dir, geography()).unwrap();
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

/// Rewrites the commit record of the index in `dir`.
fn rewrite_payload(dir: &Path, schema_version: u32, geography: u64) {
    let meta_path = dir.join("index/meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    let payload: serde_json::Value =
        serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    let generation = payload["generation"].clone();
    meta["payload"] = json!(
        json!({"schema_version": schema_version, "generation": generation, "geography": geography})
            .to_string()
    );
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
}

#[test]
fn an_index_of_another_schema_version_is_rebuilt() {
    let dir = fixture_dir();
    rewrite_payload(dir.path(), 0, geography().fingerprint());
    let (catalog, rebuilt) = reopen(dir.path());
    assert!(rebuilt.unwrap().contains("schema version 0"));
    assert_eq!(search(&catalog, "lunch"), ["Bow Lunch Club"]);
}

#[test]
fn an_index_derived_from_other_geography_is_rebuilt() {
    let dir = fixture_dir();
    rewrite_payload(
        dir.path(),
        signpost::index::schema::SCHEMA_VERSION,
        geography().fingerprint() ^ 1,
    );
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
