//! Pulling other publishers' ORUK feeds into staging, against a local feed server: the
//! validator's Default mock stages cleanly, its Fail mock is refused record by record, and
//! faulty feeds (an HTML error page, a 500 halfway, a huge body, a redirect loop, pages that
//! never end, something that is not an ORUK feed) are reported and change nothing.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::Utc;
use signpost::catalog::feeds::{self, PullError};
use signpost::domain::feed::{Feed, StagedStatus};
use signpost::outbound::http::{FetchError, Fetcher, HttpSettings};

use crate::helpers::{Visitor, read_json, shared_dir, spawn_empty_app};

/// What the feed server answers for a path: status, content type, body, and a `Location`.
#[derive(Clone)]
pub struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

pub fn json(value: &serde_json::Value) -> Answer {
    Answer {
        status: 200,
        content_type: "application/json",
        body: serde_json::to_vec(value).unwrap(),
        location: None,
    }
}

pub type Routes = Arc<Mutex<HashMap<String, Answer>>>;

/// A way to break a feed: what it is, how it is done to the routes, and the error expected.
type Fault = (
    &'static str,
    Box<dyn Fn(&mut HashMap<String, Answer>)>,
    fn(&PullError) -> bool,
);

/// A local HTTP server answering from `routes` (by path); 404 for anything else.
pub async fn feed_server(routes: Routes) -> String {
    let server = HttpServer::new(move || {
        let routes = Arc::clone(&routes);
        App::new().default_service(web::to(move |request: HttpRequest| {
            let answer = routes.lock().unwrap().get(request.path()).cloned();
            async move {
                match answer {
                    Some(answer) => {
                        let mut response = HttpResponse::build(
                            actix_web::http::StatusCode::from_u16(answer.status).unwrap(),
                        );
                        response.content_type(answer.content_type);
                        // Open to every origin, as ORUK publishers must be.
                        response.insert_header(("access-control-allow-origin", "*"));
                        if let Some(location) = answer.location {
                            response.insert_header(("location", location));
                        }
                        response.body(answer.body)
                    }
                    None => HttpResponse::NotFound().finish(),
                }
            }
        }))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = format!("http://{}", server.addrs()[0]);
    tokio::spawn(server.run());
    address
}

/// The routes of one of the validator's mock feeds.
pub fn mock_routes(mock: &Path) -> HashMap<String, Answer> {
    let mut routes = HashMap::new();
    routes.insert(
        "/".to_owned(),
        json(&read_json(&mock.join("api_details.json"))),
    );
    let list = read_json(&mock.join("service_list.json"));
    routes.insert("/services".to_owned(), json(&list));
    let full = read_json(&mock.join("service_full.json"));
    for item in list["contents"].as_array().unwrap() {
        if let Some(id) = item["id"].as_str() {
            let mut record = full.clone();
            record["id"] = item["id"].clone();
            routes.insert(format!("/services/{id}"), json(&record));
        }
    }
    routes
}

fn fetcher() -> Fetcher {
    Fetcher::new(HttpSettings {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
        max_body_bytes: 200_000,
        retries: 2,
        first_backoff: Duration::from_millis(10),
        delay: Duration::ZERO,
        max_concurrent: 4,
    })
    .unwrap()
}

fn feed(url: &str) -> Feed {
    Feed {
        name: "mock".to_owned(),
        url: url.to_owned(),
        added: Utc::now(),
        every_minutes: None,
        last_pull: None,
        full_pull_at: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_are_staged_whole_or_not_at_all() {
    let Some(shared) = shared_dir("feeds_are_staged_whole_or_not_at_all") else {
        return;
    };
    let mocks = shared.join("oruk/validator-mocks");
    let app = spawn_empty_app().await;
    let routes: Routes = Arc::new(Mutex::new(mock_routes(&mocks.join("V3.0-UK-Default"))));
    let address = feed_server(Arc::clone(&routes)).await;
    let fetcher = fetcher();
    let feed = feed(&address);

    // The Default feed stages cleanly, as new; the live directory is untouched.
    let fetched = feeds::fetch(&fetcher, &feed, &[], Utc::now())
        .await
        .unwrap();
    let report = app.catalog.stage_feed(&feed, fetched, Utc::now()).unwrap();
    assert_eq!(report.listed, 1);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.staged.len(), 1);
    assert_eq!(report.staged[0].1, StagedStatus::New);
    let staged = app.catalog.store().staged("mock").unwrap();
    assert_eq!(staged.len(), 1);
    assert_eq!(
        app.get_json("/services").await["total_items"],
        0,
        "staging is not the live directory"
    );

    // Faults: each is reported and leaves staging as it was.
    let mut faults: Vec<Fault> = vec![
        (
            "an HTML error page",
            Box::new(|r| {
                r.insert(
                    "/services".to_owned(),
                    Answer {
                        status: 200,
                        content_type: "text/html",
                        body: b"<html><body>Maintenance</body></html>".to_vec(),
                        location: None,
                    },
                );
            }),
            |e| matches!(e, PullError::Fetch(FetchError::NotJson { .. })),
        ),
        (
            "a 500 halfway",
            Box::new(|r| {
                let key = r
                    .keys()
                    .find(|k| k.starts_with("/services/"))
                    .unwrap()
                    .clone();
                r.insert(
                    key,
                    Answer {
                        status: 500,
                        content_type: "application/json",
                        body: b"{}".to_vec(),
                        location: None,
                    },
                );
            }),
            |e| matches!(e, PullError::Fetch(FetchError::Status { status: 500, .. })),
        ),
        (
            "a huge body",
            Box::new(|r| {
                let key = r
                    .keys()
                    .find(|k| k.starts_with("/services/"))
                    .unwrap()
                    .clone();
                let huge = serde_json::json!({"padding": "x".repeat(300_000)});
                r.insert(key, json(&huge));
            }),
            |e| matches!(e, PullError::Fetch(FetchError::TooLarge { .. })),
        ),
        (
            "a redirect loop",
            Box::new(|r| {
                r.insert(
                    "/services".to_owned(),
                    Answer {
                        status: 302,
                        content_type: "text/plain",
                        body: Vec::new(),
                        location: Some("/services".to_owned()),
                    },
                );
            }),
            |e| matches!(e, PullError::Fetch(FetchError::Transport { .. })),
        ),
        (
            "pages that never end",
            Box::new(|r| {
                let mut list =
                    serde_json::from_slice::<serde_json::Value>(&r["/services"].body).unwrap();
                list["last_page"] = serde_json::json!(false);
                list["total_pages"] = serde_json::json!(99);
                r.insert("/services".to_owned(), json(&list));
            }),
            |e| matches!(e, PullError::NotAFeed(_)),
        ),
        (
            "not an ORUK feed",
            Box::new(|r| {
                r.insert("/".to_owned(), json(&serde_json::json!({"hello": "world"})));
            }),
            |e| matches!(e, PullError::NotAFeed(_)),
        ),
        (
            "garbage JSON",
            Box::new(|r| {
                r.insert(
                    "/services".to_owned(),
                    Answer {
                        status: 200,
                        content_type: "application/json",
                        body: b"{\"contents\": [".to_vec(),
                        location: None,
                    },
                );
            }),
            |e| matches!(e, PullError::Fetch(FetchError::BadJson { .. })),
        ),
    ];
    let good = mock_routes(&mocks.join("V3.0-UK-Default"));
    for (what, break_it, expected) in faults.drain(..) {
        {
            let mut r = routes.lock().unwrap();
            *r = good.clone();
            break_it(&mut r);
        }
        let error = feeds::fetch(&fetcher, &feed, &[], Utc::now())
            .await
            .expect_err(what);
        assert!(expected(&error), "{what}: {error}");
        assert_eq!(
            app.catalog.store().staged("mock").unwrap(),
            staged,
            "{what}"
        );
    }

    // The Fail feed: its invalid records are refused one by one and not staged.
    *routes.lock().unwrap() = mock_routes(&mocks.join("V3.0-UK-Fail"));
    let fetched = feeds::fetch(&fetcher, &feed, &[], Utc::now())
        .await
        .unwrap();
    let report = app.catalog.stage_feed(&feed, fetched, Utc::now()).unwrap();
    assert!(!report.rejected.is_empty());
    assert!(report.staged.is_empty(), "{:?}", report.staged);
    assert!(app.catalog.store().staged("mock").unwrap().is_empty());
}

fn signpost(args: Vec<String>) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .output()
        .expect("the signpost binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_adds_lists_and_pulls_feeds_into_staging() {
    let Some(shared) = shared_dir("the_command_line_adds_lists_and_pulls_feeds_into_staging")
    else {
        return;
    };
    let mocks = shared.join("oruk/validator-mocks");
    let routes: Routes = Arc::new(Mutex::new(mock_routes(&mocks.join("V3.0-UK-Default"))));
    let address = feed_server(Arc::clone(&routes)).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let run = |args: &[&str]| {
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        all.extend(["--data-dir".to_owned(), data.clone()]);
        tokio::task::spawn_blocking(move || signpost(all))
    };
    let added = run(&["feeds", "add", "--name", "Not A Name", &address])
        .await
        .unwrap();
    assert!(!added.status.success(), "feed names are checked");
    let added = run(&["feeds", "add", "--name", "mock", &address])
        .await
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let pulled = run(&["feeds", "pull", "mock"]).await.unwrap();
    let said = String::from_utf8_lossy(&pulled.stderr);
    assert_eq!(pulled.status.code(), Some(0), "{said}");
    assert!(
        said.contains(
            "mock: 1 listed, 1 staged (1 new, 0 changed, 0 unchanged, 0 withdrawn), 0 refused"
        ),
        "{said}"
    );

    // A broken feed: exit 1, staging kept, the failure recorded on the feed.
    routes.lock().unwrap().remove("/services");
    let failed = run(&["feeds", "pull"]).await.unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("pull failed, nothing changed"));
    let listed = run(&["feeds", "list"]).await.unwrap();
    let list = String::from_utf8_lossy(&listed.stdout);
    assert!(list.starts_with(&format!("mock\t{address}/")), "{list}");
    assert!(list.contains("failed: "), "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_publishes_staged_records_which_then_show_their_source() {
    let Some(shared) =
        shared_dir("a_moderator_publishes_staged_records_which_then_show_their_source")
    else {
        return;
    };
    let mocks = shared.join("oruk/validator-mocks");
    let app = spawn_empty_app().await;
    let routes: Routes = Arc::new(Mutex::new(mock_routes(&mocks.join("V3.0-UK-Default"))));
    let address = feed_server(Arc::clone(&routes)).await;
    let feed = feed(&address);
    app.catalog.store().put_feed(&feed).unwrap();
    let fetched = feeds::fetch(&fetcher(), &feed, &[], Utc::now())
        .await
        .unwrap();
    app.catalog.stage_feed(&feed, fetched, Utc::now()).unwrap();
    let id = app.catalog.store().staged("mock").unwrap()[0].service_id;
    assert_eq!(app.get(&format!("/services/{id}")).await.status, 404);

    // A moderator of one locality may not publish feeds; a borough-wide one may.
    let mut local = crate::editing::local_moderator(&app).await;
    let csrf = local.csrf();
    let id_text = id.to_string();
    let refused = local
        .post(
            "/moderation/feeds/mock",
            &[("csrf", &csrf), ("id", &id_text)],
        )
        .await;
    assert_eq!(refused.status, 403);
    let mut moderator = crate::editing::borough_moderator(&app).await;
    let page = moderator.get("/moderation/feeds").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains(&format!("publish-{id}")),
        "the staged record is offered"
    );
    publish(&mut moderator, "mock", &id_text).await;

    // Live and searchable, with its source; gone from staging; in the record's history.
    assert_eq!(app.get(&format!("/services/{id}")).await.status, 200);
    let name = app.get_json(&format!("/services/{id}")).await["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let word = name
        .split_whitespace()
        .max_by_key(|w| w.len())
        .unwrap()
        .to_owned();
    let found = app.names(&format!("/services?search={word}")).await;
    assert!(found.contains(&name), "searchable: {found:?}");
    let service_page = Visitor::new(&app).get(&format!("/service/{id}")).await;
    assert!(
        service_page.text.contains("From mock"),
        "the source is shown"
    );
    assert!(app.catalog.store().staged("mock").unwrap().is_empty());
    let history = app
        .catalog
        .store()
        .history(signpost::domain::moderation::RecordKey::service(id))
        .unwrap();
    assert_eq!(
        history.last().unwrap().provenance.why,
        "published from feed mock"
    );

    // A later pull finds it unchanged.
    let fetched = feeds::fetch(&fetcher(), &feed, &[], Utc::now())
        .await
        .unwrap();
    let report = app.catalog.stage_feed(&feed, fetched, Utc::now()).unwrap();
    assert_eq!(report.staged, [(id, StagedStatus::Unchanged)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_server_pulls_scheduled_feeds_into_staging() {
    let Some(shared) = shared_dir("a_running_server_pulls_scheduled_feeds_into_staging") else {
        return;
    };
    let mocks = shared.join("oruk/validator-mocks");
    let routes: Routes = Arc::new(Mutex::new(mock_routes(&mocks.join("V3.0-UK-Default"))));
    let address = feed_server(Arc::clone(&routes)).await;
    let app = crate::helpers::spawn_empty_app_with(|config| {
        config.feed_check_every = Duration::from_millis(100);
    })
    .await;
    let mut scheduled = feed(&address);
    scheduled.every_minutes = Some(60);
    let mut manual = feed(&address);
    manual.name = "by-hand".to_owned();
    let store = app.catalog.store();
    store.put_feed(&scheduled).unwrap();
    store.put_feed(&manual).unwrap();
    let mut waited = 0;
    // The records are staged first, then the pull is recorded on the feed: wait for both.
    let recorded = || {
        store
            .feeds()
            .unwrap()
            .iter()
            .any(|f| f.name == "mock" && f.last_pull.is_some())
    };
    while store.staged("mock").unwrap().is_empty() || !recorded() {
        assert!(waited < 200, "the scheduled feed was not pulled");
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    let pulled = store
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.name == "mock")
        .unwrap();
    let last = pulled.last_pull.clone().expect("the pull is recorded");
    assert_eq!((last.staged, last.rejected, last.error), (1, 0, None));
    assert!(!pulled.is_due(Utc::now()), "not again before its interval");
    assert!(
        store.staged("by-hand").unwrap().is_empty(),
        "no schedule, no pull"
    );
}

/// Publishes one staged record through the feeds page, which must say so.
async fn publish(moderator: &mut Visitor<'_>, feed: &str, id: &str) {
    let csrf = moderator.csrf();
    let published = moderator
        .post(
            &format!("/moderation/feeds/{feed}"),
            &[("csrf", &csrf), ("id", id)],
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.text);
    assert!(
        published.text.contains("1 published, 0 refused"),
        "{}",
        published.text
    );
}

/// The routes of a feed listing `records` on one page.
fn directory_routes(records: &[serde_json::Value]) -> HashMap<String, Answer> {
    let mut routes = HashMap::new();
    routes.insert(
        "/".to_owned(),
        json(&serde_json::json!({"version": "HSDS-UK-3.0", "profile": "https://example.org"})),
    );
    let contents: Vec<serde_json::Value> = records
        .iter()
        .map(|r| serde_json::json!({"id": r["id"], "name": r["name"]}))
        .collect();
    routes.insert(
        "/services".to_owned(),
        json(&serde_json::json!({
            "total_items": records.len(), "total_pages": 1, "page_number": 1,
            "size": records.len(), "first_page": true, "last_page": true,
            "empty": records.is_empty(), "contents": contents,
        })),
    );
    for record in records {
        routes.insert(
            format!("/services/{}", record["id"].as_str().unwrap()),
            json(record),
        );
    }
    routes
}

async fn pull(app: &crate::helpers::TestApp, feed: &Feed) -> feeds::PullReport {
    let fetched = feeds::fetch(&fetcher(), feed, &[], Utc::now())
        .await
        .unwrap();
    app.catalog.stage_feed(feed, fetched, Utc::now()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_record_of_a_listed_service_updates_that_listing_and_its_withdrawal_is_staged() {
    let app = crate::helpers::spawn_app().await;
    // Another directory describes a seed service under its own ids and a reworded name.
    let mut ours = None;
    for item in app.get_json("/services?per_page=100").await["contents"]
        .as_array()
        .unwrap()
    {
        let full = app
            .get_json(&format!("/services/{}", item["id"].as_str().unwrap()))
            .await;
        if full["organization"].is_object()
            && full["service_at_locations"][0]["location"]["addresses"][0]["postal_code"]
                .is_string()
        {
            ours = Some(full);
            break;
        }
    }
    let ours = ours.expect("a seed service with an organisation and a postcode");
    let id = signpost::domain::ids::ServiceId::parse(ours["id"].as_str().unwrap()).unwrap();
    let mut theirs = ours.clone();
    let remote = "0b8c3f5e-9d6a-4e0b-8c1d-2f3a4b5c6d7e";
    theirs["id"] = remote.into();
    theirs["name"] = format!("The {} service", ours["name"].as_str().unwrap()).into();
    theirs["organization"]["id"] = "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6".into();
    theirs["organization_id"] = theirs["organization"]["id"].clone();
    for link in theirs["service_at_locations"].as_array_mut().unwrap() {
        link["service_id"] = remote.into();
    }
    let routes: Routes = Arc::new(Mutex::new(directory_routes(&[theirs.clone()])));
    let address = feed_server(Arc::clone(&routes)).await;
    let mut feed = feed(&address);
    feed.name = "other-directory".to_owned();
    app.catalog.store().put_feed(&feed).unwrap();

    let report = pull(&app, &feed).await;
    assert_eq!(
        report.staged,
        [(id, StagedStatus::Changed)],
        "matched, not new"
    );
    let staged = app.catalog.store().staged("other-directory").unwrap();
    assert_eq!(
        staged[0].matched,
        signpost::domain::feed::Match::NameAndPostcode
    );
    assert_eq!(
        staged[0].remote_id.map(|r| r.to_string()).as_deref(),
        Some(remote)
    );

    let mut moderator = crate::editing::borough_moderator(&app).await;
    let page = moderator.get("/moderation/feeds").await;
    assert!(
        page.text.contains("Matched to the listing"),
        "{}",
        page.text
    );
    let id_text = id.to_string();
    publish(&mut moderator, "other-directory", &id_text).await;
    // The listing changed in place: one listing, not two, in the directory's own organisation.
    let live = app.get_json(&format!("/services/{id}")).await;
    assert_eq!(live["name"], theirs["name"]);
    assert_eq!(live["organization"]["id"], ours["organization"]["id"]);
    assert_eq!(app.get(&format!("/services/{remote}")).await.status, 404);
    let source = app.catalog.store().source_of(id).unwrap().unwrap();
    assert_eq!(source.feed, "other-directory");
    assert_eq!(source.remote_id.to_string(), remote);

    // The next pull knows it by the publisher's id: unchanged.
    assert_eq!(
        pull(&app, &feed).await.staged,
        [(id, StagedStatus::Unchanged)]
    );

    // The publisher drops it: staged as withdrawn; publishing makes the listing inactive.
    *routes.lock().unwrap() = directory_routes(&[]);
    assert_eq!(
        pull(&app, &feed).await.staged,
        [(id, StagedStatus::Withdrawn)]
    );
    assert_eq!(
        app.get_json(&format!("/services/{id}")).await["status"],
        "active"
    );
    let page = moderator.get("/moderation/feeds").await;
    assert!(page.text.contains("withdrawn: the feed no longer lists it"));
    publish(&mut moderator, "other-directory", &id_text).await;
    assert_eq!(
        app.get_json(&format!("/services/{id}")).await["status"],
        "inactive"
    );
    let name = theirs["name"].as_str().unwrap();
    let found = app
        .names(&format!("/services?text={}", name.replace(' ', "+")))
        .await;
    assert!(!found.iter().any(|n| n == name), "{found:?}");
    // Withdrawn once: a later pull does not offer it again.
    assert!(pull(&app, &feed).await.staged.is_empty());
}

/// A publisher that honours `modified_after` and ETags, answering each record after a short
/// pause so that requests overlap; it counts record requests and the most in flight at once.
struct Publisher {
    address: String,
    /// (record, its ETag, changed since the last pull).
    records: Arc<Mutex<Vec<(serde_json::Value, String, bool)>>>,
    record_requests: Arc<std::sync::atomic::AtomicUsize>,
    most_in_flight: Arc<std::sync::atomic::AtomicUsize>,
}

async fn publisher(records: Vec<serde_json::Value>) -> Publisher {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let records = Arc::new(Mutex::new(
        records
            .into_iter()
            .map(|r| (r, "\"v1\"".to_owned(), false))
            .collect::<Vec<_>>(),
    ));
    let requests = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let (shared, counted, peak) = (
        Arc::clone(&records),
        Arc::clone(&requests),
        Arc::clone(&most),
    );
    let server = HttpServer::new(move || {
        let (shared, counted, peak, in_flight) = (
            Arc::clone(&shared),
            Arc::clone(&counted),
            Arc::clone(&peak),
            Arc::clone(&in_flight),
        );
        App::new().default_service(web::to(move |request: HttpRequest| {
            let (shared, counted, peak, in_flight) = (
                Arc::clone(&shared),
                Arc::clone(&counted),
                Arc::clone(&peak),
                Arc::clone(&in_flight),
            );
            async move {
                let path = request.path().to_owned();
                if path == "/" {
                    return HttpResponse::Ok().json(serde_json::json!({"version": "HSDS-UK-3.0"}));
                }
                if path == "/services" {
                    let changed_only = request.query_string().contains("modified_after=");
                    let listed: Vec<serde_json::Value> = shared
                        .lock()
                        .unwrap()
                        .iter()
                        .filter(|(_, _, changed)| !changed_only || *changed)
                        .map(|(r, _, _)| serde_json::json!({"id": r["id"], "name": r["name"]}))
                        .collect();
                    return HttpResponse::Ok().json(serde_json::json!({
                        "total_items": listed.len(), "total_pages": 1, "page_number": 1,
                        "size": listed.len(), "first_page": true, "last_page": true,
                        "empty": listed.is_empty(), "contents": listed,
                    }));
                }
                let id = path.trim_start_matches("/services/").to_owned();
                counted.fetch_add(1, Ordering::SeqCst);
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let found = shared
                    .lock()
                    .unwrap()
                    .iter()
                    .find(|(r, _, _)| r["id"] == id.as_str())
                    .map(|(r, etag, _)| (r.clone(), etag.clone()));
                match found {
                    None => HttpResponse::NotFound().finish(),
                    Some((_, etag))
                        if request
                            .headers()
                            .get("if-none-match")
                            .is_some_and(|v| v.to_str().unwrap_or_default() == etag) =>
                    {
                        HttpResponse::NotModified().finish()
                    }
                    Some((record, etag)) => HttpResponse::Ok()
                        .insert_header(("etag", etag))
                        .json(record),
                }
            }
        }))
    })
    .workers(2)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = format!("http://{}", server.addrs()[0]);
    tokio::spawn(server.run());
    Publisher {
        address,
        records,
        record_requests: requests,
        most_in_flight: most,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_pulls_ask_only_for_what_changed_and_requests_in_flight_are_capped() {
    use std::sync::atomic::Ordering;
    let app = spawn_empty_app().await;
    let records: Vec<serde_json::Value> = (0..12)
        .map(|n| {
            crate::helpers::service_record(
                &format!("0b8c3f5e-9d6a-4e0b-8c1d-2f3a4b5c6d{n:02}"),
                &format!("Service {n}"),
            )
        })
        .collect();
    let publisher = publisher(records).await;
    let mut feed = feed(&publisher.address);
    feed.name = "incremental".to_owned();
    app.catalog.store().put_feed(&feed).unwrap();
    let stored = |app: &crate::helpers::TestApp| {
        app.catalog
            .store()
            .feeds()
            .unwrap()
            .into_iter()
            .find(|f| f.name == "incremental")
            .unwrap()
    };
    let pull = |feed: Feed| {
        let catalog = Arc::clone(&app.catalog);
        async move {
            feeds::pull(&catalog, &fetcher(), &feed, Utc::now())
                .await
                .unwrap()
                .unwrap()
        }
    };

    // The first pull asks for every record, at most 4 at once.
    let first = pull(stored(&app)).await;
    assert_eq!(
        (first.fetched, first.not_modified, first.reused),
        (12, 0, 0)
    );
    let most = publisher.most_in_flight.load(Ordering::SeqCst);
    assert!((2..=4).contains(&most), "{most} requests in flight at most");
    assert_eq!(first.staged.len(), 12);

    // Nothing changed: nothing is asked for, and staging is the same.
    let second = pull(stored(&app)).await;
    assert_eq!(
        (second.fetched, second.not_modified, second.reused),
        (0, 0, 12)
    );
    assert_eq!(publisher.record_requests.load(Ordering::SeqCst), 12);
    assert_eq!(app.catalog.store().staged("incremental").unwrap().len(), 12);

    // One record changes: only it is fetched, and staging has its new content.
    {
        let mut records = publisher.records.lock().unwrap();
        records[3].0["name"] = "Service 3, renamed".into();
        records[3].1 = "\"v2\"".to_owned();
        records[3].2 = true;
    }
    let third = pull(stored(&app)).await;
    assert_eq!(
        (third.fetched, third.not_modified, third.reused),
        (1, 0, 11)
    );
    let staged = app.catalog.store().staged("incremental").unwrap();
    assert!(
        staged
            .iter()
            .any(|r| r.record["name"] == "Service 3, renamed")
    );

    // A day on, every record is asked for again, conditionally: all 304 but the changed one's
    // ETag still matches too, so nothing is downloaded.
    let mut old = stored(&app);
    old.full_pull_at = Some(Utc::now() - chrono::Duration::hours(25));
    app.catalog.store().put_feed(&old).unwrap();
    let fourth = pull(stored(&app)).await;
    assert_eq!(
        (fourth.fetched, fourth.not_modified, fourth.reused),
        (0, 12, 0)
    );
    assert!(stored(&app).full_pull_at.unwrap() > Utc::now() - chrono::Duration::minutes(1));
    assert_eq!(
        app.catalog.store().staged("incremental").unwrap().len(),
        12,
        "nothing lost on the way"
    );
}
