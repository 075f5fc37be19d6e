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
    // Streamed, it is still compressed for a client that asks, and decodes to the same.
    for (accept, coding) in [("gzip, br", "gzip"), ("br", "br")] {
        let compressed = app
            .client
            .get(format!("{}/services?format=ndjson", app.address))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(compressed.headers()["content-encoding"], coding);
        let compressed = compressed.bytes().await.unwrap();
        let mut decoded = String::new();
        let mut decoder: Box<dyn std::io::Read> = match coding {
            "br" => Box::new(brotli::Decompressor::new(&compressed[..], 4096)),
            _ => Box::new(flate2::read::GzDecoder::new(&compressed[..])),
        };
        std::io::Read::read_to_string(&mut decoder, &mut decoded).unwrap();
        assert_eq!(decoded, text, "{accept}");
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

#[tokio::test]
async fn minimal_lists_every_service_on_one_page_and_modified_after_gives_what_changed() {
    let app = spawn_empty_app().await;
    let services = fixtures::services();
    assert!(app.import(&services).rejected.is_empty());
    let all = app.get_json("/services?minimal=true").await;
    let stored = app.catalog.store().counts().unwrap().services;
    assert_eq!(all["total_items"], stored, "all statuses");
    assert_eq!(all["total_pages"], 1);
    assert_eq!(all["contents"].as_array().unwrap().len() as u64, stored);
    for item in all["contents"].as_array().unwrap() {
        let keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in &keys {
            assert!(
                ["id", "last_modified", "modified_date", "status"].contains(key),
                "{item}"
            );
        }
        assert!(keys.contains(&"id") && keys.contains(&"status"));
    }
    assert!(ours("ServiceMinimalPage").is_valid(&all), "{all}");

    // A change after a moment is all that modified_after then lists.
    let moment = chrono::Utc::now();
    let mut changed = services[0].clone();
    changed["name"] = "Renamed for the sync test".into();
    changed.as_object_mut().unwrap().remove("last_modified");
    assert!(app.import(&[changed.clone()]).rejected.is_empty());
    let since = app
        .get_json(&format!(
            "/services?minimal=true&modified_after={}",
            moment
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .replace('+', "%2B")
        ))
        .await;
    let ids: Vec<&str> = since["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [changed["id"].as_str().unwrap()]);

    for bad in [
        "/services?minimal=yes",
        "/services?minimal=true&search=food",
        "/services?minimal=true&modified_after=yesterday",
    ] {
        let reply = app.get(bad).await;
        assert_eq!(reply.status, 400, "{bad}");
        assert!(reply.content_type.starts_with("application/problem+json"));
    }
}
