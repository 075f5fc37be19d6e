//! `/healthz` and `/readyz`.

use crate::helpers::spawn_app;

#[tokio::test]
async fn readiness_reports_the_store_and_index_counts() {
    let app = spawn_app().await;
    assert_eq!(app.get_json("/healthz").await["status"], "ok");
    let ready = app.get_json("/readyz").await;
    assert_eq!(ready["status"], "ready");
    let services = ready["store"]["services"].as_u64().unwrap();
    assert!(services >= 150, "{ready}");
    assert!(ready["store"]["organizations"].as_u64().unwrap() >= 80);
    let documents = ready["index"]["documents"].as_u64().unwrap();
    let places = app.get_json("/service_at_locations?per_page=1").await["total_items"]
        .as_u64()
        .unwrap();
    assert!(
        documents >= services && documents < services + places,
        "one document per service, and one per place of a service with several: {ready}"
    );
}

/// The value of the series `series` (name and labels exactly) in a Prometheus text page.
fn value(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_report_the_store_and_index() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/services?search=lonely+since+my+husband+died")
            .await
            .status,
        200
    );
    assert_eq!(app.get("/services?search=food").await.status, 200);
    assert_eq!(app.get("/services/not-an-id").await.status, 404);
    assert_eq!(app.get("/no/such/place").await.status, 404);
    app.import(&[crate::helpers::service_record(
        "00000000-0000-4000-8000-00000000f00d",
        "Metrics Test Lunch Club",
    )]);

    let reply = app.get("/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(reply.content_type.starts_with("text/plain; version=0.0.4"));
    let page = &reply.text;
    // Every line is a comment or `name{labels} number`.
    for line in page.lines().filter(|line| !line.starts_with('#')) {
        let (series, number) = line.rsplit_once(' ').unwrap();
        assert!(number.parse::<f64>().is_ok(), "{line}");
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{line}"
        );
    }
    assert_eq!(
        value(
            page,
            "signpost_http_requests_total{route=\"/services\",method=\"GET\",status=\"200\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            page,
            "signpost_http_requests_total{route=\"/services/{id}\",method=\"GET\",status=\"404\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            page,
            "signpost_http_request_duration_seconds_count{route=\"/services\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        value(page, "signpost_search_duration_seconds_count"),
        Some(2.0)
    );
    // Routes, never paths or queries: nothing anyone searched for is kept.
    assert!(!page.contains("lonely") && !page.contains("not-an-id") && !page.contains("/no/such"));
    let services = app.catalog.store().counts().unwrap().services as f64;
    assert_eq!(
        value(page, "signpost_store_records{kind=\"service\"}"),
        Some(services)
    );
    assert_eq!(
        value(page, "signpost_index_documents"),
        Some(app.catalog.index().num_docs() as f64)
    );
    assert!(value(page, "signpost_store_size_bytes").unwrap() > 0.0);
    assert!(value(page, "signpost_index_size_bytes").unwrap() > 0.0);
    // The import was a write made searchable: its lag is counted.
    assert_eq!(value(page, "signpost_index_lag_seconds_count"), Some(1.0));
    assert_eq!(
        value(page, "signpost_rejected_requests_total{reason=\"busy\"}"),
        Some(0.0)
    );
    assert_eq!(
        value(page, "signpost_outbox_messages{state=\"waiting\"}"),
        Some(0.0)
    );
}
