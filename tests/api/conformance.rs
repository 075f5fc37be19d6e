//! Validator parity: `signpost::oruk::conformance` checks an ORUK 3.0 API as the official
//! validator does. Signpost serving its sample directory passes every endpoint without a
//! warning; the validator's own Default mock feed passes where it must, and its Fail mock
//! fails.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use signpost::oruk::conformance::{self, Spec, Verdict};
use signpost::outbound::http::{Fetcher, HttpSettings};

use crate::feeds::{Answer, Routes, feed_server, json, mock_routes};
use crate::helpers::{read_json, shared_dir, spawn_app_with_pack};

fn fetcher() -> Fetcher {
    Fetcher::new(HttpSettings {
        retries: 0,
        delay: std::time::Duration::ZERO,
        ..HttpSettings::default()
    })
    .unwrap()
}

async fn check(base: &str, shared: &Path) -> conformance::Report {
    let spec = Spec::load(&shared.join("oruk")).unwrap();
    let base = url::Url::parse(&format!("{base}/")).unwrap();
    let report = conformance::run(&fetcher(), &base, &spec).await;
    // Shown with --nocapture, and whenever the test fails.
    println!("{}", report.table());
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signpost_passes_every_endpoint_of_the_oruk_validator_without_a_warning() {
    let Some(shared) = shared_dir("conformance::signpost") else {
        return;
    };
    let app = spawn_app_with_pack(&shared.join("data/geo")).await;
    let report = check(&app.address, &shared).await;
    assert_eq!(report.version.as_deref(), Some("HSDS-UK-3.0"));
    let endpoints = report.by_endpoint();
    for endpoint in [
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    ] {
        assert!(endpoints.contains_key(endpoint), "{endpoint} was checked");
    }
    assert!(
        report.checks.len() > 40,
        "every parameter is tried: {} requests",
        report.checks.len()
    );
    assert_eq!(report.worst(), Verdict::Pass, "{}", report.table());
}

/// The validator's mock feed `name` with every endpoint it has files for.
fn full_mock(mock: &Path) -> HashMap<String, Answer> {
    let mut routes = mock_routes(mock);
    for (list, file, item) in [
        ("/taxonomies", "taxonomy_list.json", "taxonomy.json"),
        (
            "/taxonomy_terms",
            "taxonomy_term_list.json",
            "taxonomy_term.json",
        ),
        (
            "/service_at_locations",
            "service_at_location_list.json",
            "service_at_location_full.json",
        ),
    ] {
        let page = read_json(&mock.join(file));
        let record = read_json(&mock.join(item));
        for listed in page["contents"].as_array().unwrap() {
            if let Some(id) = listed["id"].as_str() {
                let mut record = record.clone();
                record["id"] = listed["id"].clone();
                routes.insert(format!("{list}/{id}"), json(&record));
            }
        }
        routes.insert(list.to_owned(), json(&page));
    }
    routes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_validators_default_mock_passes_where_it_must_and_its_fail_mock_fails() {
    let Some(shared) = shared_dir("conformance::mocks") else {
        return;
    };
    let mocks = shared.join("oruk/validator-mocks");
    let routes: Routes = Arc::new(Mutex::new(full_mock(&mocks.join("V3.0-UK-Default"))));
    let address = feed_server(Arc::clone(&routes)).await;
    let report = check(&address, &shared).await;
    let endpoints = report.by_endpoint();
    for endpoint in ["/", "/services", "/services/{id}"] {
        assert_eq!(
            endpoints[endpoint].0,
            Verdict::Pass,
            "{endpoint}: {}",
            report.table()
        );
    }
    assert_ne!(report.worst(), Verdict::Fail);

    *routes.lock().unwrap() = full_mock(&mocks.join("V3.0-UK-Fail"));
    let report = check(&address, &shared).await;
    assert_eq!(report.worst(), Verdict::Fail, "{}", report.table());
    assert_eq!(report.by_endpoint()["/services"].0, Verdict::Fail);

    // A feed that is not 3.0 is failed at its root and nothing else is asked.
    routes
        .lock()
        .unwrap()
        .insert("/".to_owned(), json(&serde_json::json!({"version": "1.0"})));
    let report = check(&address, &shared).await;
    assert_eq!(report.checks.len(), 1);
    assert_eq!(report.worst(), Verdict::Fail);
}
