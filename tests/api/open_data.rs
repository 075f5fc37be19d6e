//! Open data: every service as NDJSON from the API, streamed, in the shape of
//! `/services/{id}`, with nothing confidential, and re-importable into an empty directory.

use crate::contract::ours;
use crate::fixtures;
use crate::helpers::spawn_empty_app;

#[tokio::test]
async fn every_service_streams_as_ndjson_without_confidential_addresses_and_reimports() {
    let app = spawn_empty_app().await;
    let report = app.import(&fixtures::services());
    assert!(report.rejected.is_empty());
    let response = app
        .client
        .get(format!("{}/services?format=ndjson", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let stored = app.catalog.store().counts().unwrap().services;
    assert_eq!(lines.len() as u64, stored, "every service, all statuses");
    let service = ours("Service");
    for line in &lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(service.is_valid(&value), "{line}");
    }
    assert!(!text.contains(fixtures::REFUGE_STREET));
    assert!(!text.contains(fixtures::REFUGE_POSTCODE));
    assert!(
        !text.contains("100023336956"),
        "no UPRN of a confidential place"
    );

    // The stream re-imports into an empty directory with every service.
    let again = spawn_empty_app().await;
    let records = signpost::catalog::import::read_source(&text).unwrap();
    let reimported = signpost::catalog::import::import(&again.catalog, records).unwrap();
    assert!(reimported.rejected.is_empty(), "{:?}", reimported.rejected);
    assert_eq!(again.catalog.store().counts().unwrap().services, stored);

    let wrong = app
        .client
        .get(format!("{}/services?format=xml", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 400);
    let problem: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(problem["invalid_params"][0]["name"], "format");
}
