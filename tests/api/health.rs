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
    assert!(
        documents > services,
        "one document per service and per service at a location: {ready}"
    );
}
