//! Online postcode lookup for postcodes the geo pack does not list (new builds), against a
//! local postcodes.io-compatible server: off by default; when on, found postcodes are
//! searched from where the service says and cached in the store (asked once); postcodes it
//! does not know stay unknown; when it is down or slow the outward code stands in.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};

use crate::helpers::{shared_dir, spawn_app_with_pack, spawn_app_with_pack_and};

/// A postcode in Bow that the geo pack does not list.
const NEW_BUILD: &str = "E3 9ZZ";

#[derive(Clone, Copy)]
enum Mode {
    Found,
    NotFound,
    Down,
    Slow,
}

struct Lookup {
    address: String,
    asked: Arc<AtomicUsize>,
    mode: Arc<Mutex<Mode>>,
}

async fn lookup_server() -> Lookup {
    let asked = Arc::new(AtomicUsize::new(0));
    let mode = Arc::new(Mutex::new(Mode::Found));
    let (counter, chosen) = (Arc::clone(&asked), Arc::clone(&mode));
    let server = HttpServer::new(move || {
        let (counter, chosen) = (Arc::clone(&counter), Arc::clone(&chosen));
        App::new().route(
            "/postcodes/{postcode}",
            web::get().to(move |postcode: web::Path<String>| {
                counter.fetch_add(1, Ordering::SeqCst);
                let mode = *chosen.lock().unwrap();
                async move {
                    match mode {
                        Mode::Found => HttpResponse::Ok().json(serde_json::json!({
                            "status": 200,
                            "result": {"postcode": postcode.into_inner(), "latitude": 51.5290, "longitude": -0.0235}
                        })),
                        Mode::NotFound => HttpResponse::NotFound()
                            .json(serde_json::json!({"status": 404, "error": "Postcode not found"})),
                        Mode::Down => HttpResponse::InternalServerError().body("<html>oops</html>"),
                        Mode::Slow => {
                            tokio::time::sleep(Duration::from_secs(5)).await;
                            HttpResponse::Ok().finish()
                        }
                    }
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = format!("http://{}", server.addrs()[0]);
    tokio::spawn(server.run());
    Lookup {
        address,
        asked,
        mode,
    }
}

fn search_path(postcode: &str) -> String {
    format!(
        "/services?postcode={}&proximity=2000",
        postcode.replace(' ', "+")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_lookup_service_an_unlisted_postcode_is_unknown() {
    let Some(shared) = shared_dir("postcode_lookup::off") else {
        return;
    };
    let app = spawn_app_with_pack(&shared.join("data/geo")).await;
    let reply = app.get(&search_path(NEW_BUILD)).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(
        reply.text.contains("we don't know the postcode E3 9ZZ"),
        "{}",
        reply.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlisted_postcode_is_looked_up_once_and_a_failing_service_falls_back_to_the_outward_code()
 {
    let Some(shared) = shared_dir("postcode_lookup::on") else {
        return;
    };
    let lookup = lookup_server().await;
    let url = lookup.address.clone();
    let app = spawn_app_with_pack_and(&shared.join("data/geo"), move |config| {
        config.postcode_lookup_url = Some(url);
        config.postcode_lookup_timeout = Duration::from_millis(500);
    })
    .await;

    // Found: searched from the service's point, placed in its ward, cached.
    let found = app.get_json("/postcodes/E3%209ZZ").await;
    assert_eq!(found["located_by"], "online_lookup");
    assert_eq!(found["latitude"], 51.529);
    assert!(found["ward"]["code"].is_string(), "{found}");
    assert!(
        crate::contract::ours("PostcodeLocation").is_valid(&found),
        "{found}"
    );
    let search = app.get(&search_path(NEW_BUILD)).await;
    assert_eq!(search.status, 200, "{}", search.text);
    assert_eq!(search.json()["search_area"]["postcode"], NEW_BUILD);
    assert!(search.json()["total_items"].as_u64().unwrap() > 0);
    let page = app.get("/search?search=&postcode=E3+9ZZ").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        lookup.asked.load(Ordering::SeqCst),
        1,
        "asked once, then cached"
    );
    let cached = app
        .catalog
        .store()
        .cached_postcode(NEW_BUILD)
        .unwrap()
        .unwrap();
    assert!(cached.point().is_some());

    // Listed postcodes are never sent out.
    assert_eq!(app.get(&search_path("E14 3BY")).await.status, 200);
    assert_eq!(lookup.asked.load(Ordering::SeqCst), 1);

    // Not known to the service either: unknown, and that answer is cached too.
    *lookup.mode.lock().unwrap() = Mode::NotFound;
    let unknown = app.get(&search_path("E3 8ZZ")).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    assert_eq!(app.get(&search_path("E3 8ZZ")).await.status, 400);
    assert_eq!(lookup.asked.load(Ordering::SeqCst), 2);

    // Down or slow: the outward code stands in, marked approximate; nothing is cached.
    for (mode, postcode) in [(Mode::Down, "E3 7ZZ"), (Mode::Slow, "E3 6ZZ")] {
        *lookup.mode.lock().unwrap() = mode;
        let started = std::time::Instant::now();
        let approximate = app
            .get_json(&format!("/postcodes/{}", postcode.replace(' ', "%20")))
            .await;
        assert_eq!(approximate["located_by"], "outward_code", "{approximate}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the timeout holds"
        );
        assert_eq!(app.get(&search_path(postcode)).await.status, 200);
        assert!(
            app.catalog
                .store()
                .cached_postcode(postcode)
                .unwrap()
                .is_none()
        );
    }
}
