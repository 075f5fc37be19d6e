//! Bad input gets a clear 4xx answer with an RFC 9457 problem body, never a 500.

use crate::helpers::{Reply, spawn_app};

fn assert_problem(reply: &Reply, status: u16, path: &str) -> serde_json::Value {
    assert_eq!(reply.status, status, "GET {path}: {}", reply.text);
    assert_eq!(reply.content_type, "application/problem+json", "GET {path}");
    let problem = reply.json();
    assert_eq!(problem["status"], status, "GET {path}");
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:signpost:problem:")
    );
    assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(
        problem["detail"].as_str().is_some_and(|d| d.len() > 10),
        "GET {path}: {problem}"
    );
    assert!(reply.headers.get("x-request-id").is_some());
    problem
}

#[tokio::test]
async fn malformed_parameters_are_400s_that_name_the_parameter_and_the_fix() {
    let app = spawn_app().await;
    let cases = [
        ("/services?page=-1", "page", "whole number from 1"),
        ("/services?page=0", "page", "whole number from 1"),
        ("/services?page=abc", "page", "whole number"),
        ("/services?per_page=1000000", "per_page", "from 1 to 1000"),
        ("/services?per_page=0", "per_page", "from 1 to 1000"),
        (
            "/service_at_locations?per_page=1.5",
            "per_page",
            "whole number",
        ),
        (
            "/services?taxonomy_term_id=food",
            "taxonomy_term_id",
            "UUID",
        ),
        ("/services?taxonomy_id=1", "taxonomy_id", "UUID"),
        ("/services?organization_id=xyz", "organization_id", "UUID"),
        ("/services?minimum_age=old", "minimum_age", "age in years"),
        ("/services?maximum_age=-4", "maximum_age", "age in years"),
        (
            "/services?minimum_age=60&maximum_age=10",
            "maximum_age",
            "must not be below minimum_age",
        ),
        ("/services?day=Funday", "day", "MO, TU"),
        ("/services?start_time=25:00", "start_time", "HH:MM"),
        ("/services?start_time=9am", "start_time", "HH:MM"),
        (
            "/services?start_time=18:00&end_time=17:00",
            "end_time",
            "later than start_time",
        ),
        (
            "/services?modified_after=yesterday",
            "modified_after",
            "date-time",
        ),
        ("/services?cost=cheap", "cost", "free"),
        ("/services?language=Bengali", "language", "ISO 639-3"),
        ("/services?status=open", "status", "active, inactive"),
        ("/services?page=1&page=2", "page", "more than once"),
        ("/taxonomy_terms?taxonomy_id=nope", "taxonomy_id", "UUID"),
        ("/organizations?page=x", "page", "whole number"),
        ("/taxonomies?per_page=1001", "per_page", "from 1 to 1000"),
    ];
    for (path, parameter, hint) in cases {
        let problem = assert_problem(&app.get(path).await, 400, path);
        let params = problem["invalid_params"].as_array().unwrap();
        assert!(
            params.iter().any(|p| p["name"] == parameter),
            "{path}: {problem}"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains(hint),
            "{path}: {problem}"
        );
    }
    let long_search = format!("/services?search={}", "a".repeat(501));
    assert_problem(&app.get(&long_search).await, 400, "long search");
}

#[tokio::test]
async fn several_bad_parameters_are_all_reported_at_once() {
    let app = spawn_app().await;
    let problem = assert_problem(
        &app.get("/services?page=0&per_page=9999&day=xx").await,
        400,
        "three bad",
    );
    assert_eq!(problem["invalid_params"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404s() {
    let app = spawn_app().await;
    for path in [
        "/services/ac148810-d857-441c-9679-408f346de14b",
        "/services/not-a-uuid",
        "/services/%00%ff",
        "/service_at_locations/42",
        "/organizations/00000000-0000-0000-0000-000000000000",
        "/taxonomies/x",
        "/taxonomy_terms/3f7b145d-84af-42d7-8fae-eaca714b02b2",
        "/no/such/path",
    ] {
        assert_problem(&app.get(path).await, 404, path);
    }
}

#[tokio::test]
async fn writes_are_refused_with_405_and_preflights_are_answered() {
    let app = spawn_app().await;
    let reply = app
        .client
        .post(format!("{}/services", app.address))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 405);
    assert_eq!(reply.headers()["allow"], "GET, HEAD, OPTIONS");
    let head = app
        .client
        .head(format!("{}/services?per_page=1", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.text().await.unwrap(), "", "HEAD has no body");
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/services", app.address),
        )
        .header("origin", "https://example.org")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn trailing_slashes_and_unknown_parameters_are_tolerated() {
    let app = spawn_app().await;
    assert_eq!(app.get("/services/?per_page=1").await.status, 200);
    assert_eq!(
        app.get("/services?full=true&minimal=false&per_page=1")
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn past_its_search_slots_the_api_answers_a_quick_503_with_retry_after() {
    let Some(geo) = crate::geography::geo_dir("errors::overload") else {
        return;
    };
    let app = crate::helpers::spawn_app_with_pack_and(&geo, |config| {
        config.max_searches = 1;
    })
    .await;
    let api = "/services?search=support&facets=locality,ward,need,cost,language&per_page=100";
    // People searching the site share the slots: their refusal is a page that says so.
    let page = "/search?q=support&per_page=50";
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..48 {
        let path = if n % 2 == 0 { api } else { page };
        let (client, url) = (app.client.clone(), format!("{}{path}", app.address));
        requests.spawn(async move {
            let response = client.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            let (retry, kind) = (header("retry-after"), header("content-type"));
            (
                n % 2 == 0,
                status,
                retry,
                kind,
                response.text().await.unwrap(),
            )
        });
    }
    let (mut answered, mut refused) = (0, 0);
    while let Some(outcome) = requests.join_next().await {
        match outcome.unwrap() {
            (_, 200, ..) => answered += 1,
            (from_api, 503, retry, kind, body) => {
                refused += 1;
                assert_eq!(retry, "1");
                if from_api {
                    assert_eq!(kind, "application/problem+json");
                    assert!(body.contains("try again"), "{body}");
                } else {
                    assert!(kind.starts_with("text/html"), "{kind}");
                    assert!(body.contains("Busy for a moment"), "{body}");
                }
            }
            (_, status, _, _, body) => panic!("neither answered nor refused: {status} {body}"),
        }
    }
    assert!(
        answered > 0 && refused > 0,
        "{answered} answered, {refused} refused"
    );
    // The refusal is for the moment only: a search alone is answered again.
    assert_eq!(app.get(api).await.status, 200);
    assert_eq!(app.get(page).await.status, 200);
}

/// Every limit is answered with a clear 4xx: search length, values per filter, page size
/// and number, body size (a problem for the API, a page for people), URL length.
#[tokio::test]
async fn every_limit_is_a_clear_4xx() {
    let app = spawn_app().await;
    let long = "a".repeat(501);
    let path = format!("/services?search={long}");
    let problem = assert_problem(&app.get(&path).await, 400, "search over 500 characters");
    assert_eq!(problem["invalid_params"][0]["name"], "search");
    let many = vec!["language=ben"; 51].join("&");
    let problem = assert_problem(
        &app.get(&format!("/services?{many}")).await,
        400,
        "51 values",
    );
    assert!(problem["detail"].as_str().unwrap().contains("at most 50"));
    assert_problem(&app.get("/services?per_page=1001").await, 400, "per_page");
    assert_problem(&app.get("/services?page=10000001").await, 400, "page");

    // A body over 256 KiB, to the write API and to a page's form.
    let body = vec![b'a'; 300 * 1024];
    let response = app
        .client
        .post(format!("{}/api/manage/proposals", app.address))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["type"], "urn:signpost:problem:too-large");
    assert!(
        problem["detail"].as_str().unwrap().contains("256 KiB"),
        "{problem}"
    );
    let response = app
        .client
        .post(format!("{}/account/login", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Too much to send at once")
    );

    // A request head longer than the server reads (a 100 KB URL): refused by the HTTP
    // layer with a 4xx, never a 5xx. (Sent by hand: HTTP clients refuse such URLs.)
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    let request = format!(
        "GET /services?x={} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        "x".repeat(100_000)
    );
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let status_line = String::from_utf8_lossy(&answer[..answer.len().min(12)]).into_owned();
    assert!(status_line.starts_with("HTTP/1.1 4"), "{status_line:?}");
}
