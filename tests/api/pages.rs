//! The pages people read, over HTTP as a browser without JavaScript would use them: forms,
//! links, cookies, redirects. (Real-browser tests, with accessibility audits, are in
//! `tests/browser`.)

use crate::helpers::{Reply, TestApp, Visitor, location, spawn_app};

/// The id of the first service of the seed whose name contains `name`.
async fn service_id(app: &TestApp, search: &str, name: &str) -> String {
    let page = app
        .get_json(&format!("/services?search={search}&per_page=50"))
        .await;
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().unwrap().contains(name))
        .unwrap_or_else(|| panic!("no {name} for {search}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn assert_page_security(reply: &Reply) {
    let csp = reply.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(reply.headers["referrer-policy"], "no-referrer");
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert!(
        reply.content_type.starts_with("text/html"),
        "{}",
        reply.content_type
    );
    assert!(!reply.text.contains("<script>"), "no inline script");
    assert!(!reply.text.contains(" style="), "no inline style");
}

#[tokio::test]
async fn the_root_is_the_home_page_for_browsers_and_the_api_details_for_programs() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let home = visitor.get("/").await;
    assert_eq!(home.status, 200);
    assert_page_security(&home);
    assert!(home.text.contains("What do you need help with?"));
    assert!(
        home.text.contains("This is sample data."),
        "the seed is marked as sample data"
    );
    assert!(home.text.contains("taxonomy_term_id="), "needs to browse");
    assert!(
        home.text
            .contains(r#"<form class="search-box" action="/search" method="get""#)
    );
    assert!(home.headers["vary"].to_str().unwrap().contains("Accept"));

    let api = app.get("/").await;
    assert_eq!(api.status, 200);
    assert_eq!(api.json()["version"], "HSDS-UK-3.0");

    // The geography's licence asks for attribution on every page that uses it; in English
    // (marked as such) on a Bengali page.
    let attribution = api.json()["attribution"].as_str().unwrap().to_owned();
    let first_line = attribution.lines().next().unwrap();
    assert!(first_line.contains("Crown copyright"), "{attribution}");
    assert!(
        home.text.contains(first_line),
        "home names the data's sources"
    );
    let bengali = visitor.get("/areas?lang=bn").await;
    assert!(
        bengali.text.contains(&format!(
            r#"<p class="attribution small" lang="en">{first_line}"#
        )),
        "{}",
        bengali.text
    );
}

#[tokio::test]
async fn the_filter_form_can_ask_how_many_services_it_would_find() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    for query in [
        "search=advice",
        "search=advice&cost=free",
        "search=advice&cost=free&language=ben",
        "taxonomy_term_id=&locality=&search=lunch&age=70",
    ] {
        let count = app.get(&format!("/search/count?{query}")).await;
        assert_eq!(count.status, 200, "{query}: {}", count.text);
        assert_eq!(count.headers["cache-control"], "no-store");
        let total = count.json()["total"].as_u64().unwrap();
        // What the count says is what Apply then shows.
        let page = visitor.get(&format!("/search?{query}")).await;
        let shown = match total {
            1 => "1 service found".to_owned(),
            n => format!("{n} services found"),
        };
        assert_eq!(count.json()["text"], shown.as_str());
        assert!(
            page.text.contains(&shown),
            "{query}: page does not say {shown}"
        );
    }
    let bengali = app.get("/search/count?search=advice&lang=bn").await;
    assert!(bengali.json()["text"].as_str().unwrap().contains("সেবা"));
    let bad = app.get("/search/count?postcode=ZZ99+9ZZ").await;
    assert_eq!(bad.status, 400);
    assert!(bad.content_type.starts_with("application/problem+json"));
}

#[tokio::test]
async fn a_search_lists_results_with_the_facts_people_need() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor
        .get("/search?search=food+bank&postcode=E3+3XU")
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_page_security(&page);
    assert!(page.text.contains("services found"), "a count");
    assert!(page.text.contains("Bow Common Food Bank"));
    assert!(page.text.contains("Last checked on"));
    assert!(
        page.text.contains(" away<") || page.text.contains("Covers your area"),
        "why it matched"
    );
    assert!(page.text.contains("Add to shortlist"));
    for filter in [
        "taxonomy_term_id",
        "locality",
        "proximity",
        "open_now",
        "day",
        "cost",
        "language",
        "suitable_for",
        "accessibility",
        "delivery",
        "referral_route",
        "age",
    ] {
        assert!(
            page.text.contains(&format!(r#"name="{filter}""#)),
            "filter {filter}"
        );
    }
    assert!(page.text.contains("Apply filters"));
}

#[tokio::test]
async fn chosen_filters_are_shown_and_removable_one_by_one() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor
        .get("/search?search=advice&language=som&cost=free&page=1")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Remove filter: Somali"), "{}", page.text);
    assert!(page.text.contains("Remove filter: Free"));
    // The link that removes Somali keeps the words and the other filter.
    let removal = page
        .text
        .split("href=\"")
        .find(|chunk| chunk.contains("Remove filter: Somali"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert_eq!(removal, "/search?search=advice&cost=free");
    let without = visitor.get(&removal).await;
    assert_eq!(without.status, 200);
    assert!(!without.text.contains("Remove filter: Somali"));
}

#[tokio::test]
async fn bad_input_gets_a_page_that_says_what_to_fix() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor.get("/search?search=food&postcode=ZZ99+9ZZ").await;
    assert_eq!(page.status, 400);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.text.contains("There is a problem"));
    assert!(
        page.text.contains(r##"href="#postcode""##),
        "the error summary links to the field"
    );
    assert!(page.text.contains("Enter a real postcode"));
    assert!(
        page.text.contains(r#"value="ZZ99 9ZZ""#),
        "what was typed is kept"
    );

    let age = visitor.get("/search?age=old").await;
    assert_eq!(age.status, 400);
    assert!(age.text.contains("Enter an age in years"));

    for missing in [
        "/service/not-an-id",
        "/service/7b0b6d3c-1d9e-4a7e-9a0b-2f7f6e0d1c11",
        "/organisation/x",
        "/areas/atlantis",
        "/no/such/page",
    ] {
        let reply = visitor.get(missing).await;
        assert_eq!(reply.status, 404, "{missing}");
        assert!(reply.text.contains("Page not found"), "{missing}");
    }
    let api = app.get("/no/such/page").await;
    assert_eq!(api.status, 404);
    assert!(api.content_type.starts_with("application/problem+json"));
}

#[tokio::test]
async fn an_empty_search_offers_ways_forward() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor.get("/search?search=counselling&language=vie").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("No service matches"), "{}", page.text);
    assert!(page.text.contains("You could:"));
    assert!(
        page.text.contains("Search without the language filter"),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn the_interface_speaks_bengali_and_marks_english_listing_text() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor.get("/search?search=food+bank&lang=bn").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(r#"<html lang="bn""#));
    assert!(
        page.text.contains("টি সেবা পাওয়া গেছে"),
        "the count in Bengali"
    );
    assert!(
        page.text.contains(r#"lang="en">Bow Common Food Bank<"#),
        "English listing text is marked"
    );
    assert!(page.text.contains("lang=bn"), "links keep the language");
    assert!(
        page.text.contains(r#"hreflang="en""#),
        "a switch back to English"
    );

    let by_header = app
        .client
        .get(format!("{}/", app.address))
        .header("accept", "text/html")
        .header("accept-language", "bn-BD,bn;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(by_header.contains("আপনার কী বিষয়ে সাহায্য দরকার?"));
}

#[tokio::test]
async fn a_service_page_says_how_to_get_it_and_keeps_refuges_hidden() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let id = service_id(&app, "food+bank", "Bow Common Food Bank").await;
    let page = visitor.get(&format!("/service/{id}")).await;
    assert_eq!(page.status, 200);
    assert_page_security(&page);
    for expected in [
        "Who it is for",
        "How to get it",
        "Referral needed",
        "referrals@bowfoodhub.example.org",
        "When and where",
        "240 Devons Road",
        "openstreetmap.org/directions",
        "Tuesdays and Fridays, 10am to 1pm.",
        "Cost and languages",
        "Last checked on",
        "Report a problem with this listing",
    ] {
        assert!(page.text.contains(expected), "{expected}");
    }
    assert!(!page.text.contains("Exit this page"));

    let refuge_search = app.get_json("/services?search=refuge&per_page=50").await;
    let refuge = refuge_search["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["name"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("refuge")
        })
        .expect("the seed has a refuge");
    let id = refuge["id"].as_str().unwrap();
    let full = app
        .catalog
        .full_service(id.parse().unwrap())
        .unwrap()
        .unwrap();
    let page = visitor.get(&format!("/service/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Exit this page"),
        "a sensitive service offers a way out"
    );
    for location in full.locations.values().filter(|l| l.confidential) {
        for address in &location.addresses {
            assert!(
                !page.text.contains(&address.address_1),
                "confidential address shown"
            );
            assert!(
                !page.text.contains(&address.postal_code),
                "confidential postcode shown"
            );
        }
    }
}

#[tokio::test]
async fn listing_text_is_escaped() {
    let app = spawn_app().await;
    let mut record = crate::helpers::service_record(
        "0b7f8f1e-54a4-4c39-9d52-3c3b4f2c9a10",
        "Evil <script>alert(1)</script> club",
    );
    record["description"] = "Bring <img src=x onerror=alert(1)> snacks".into();
    let report = app.import(&[record]);
    assert!(report.all_imported());
    let mut visitor = Visitor::new(&app);
    for path in [
        "/search?search=evil+club",
        "/service/0b7f8f1e-54a4-4c39-9d52-3c3b4f2c9a10",
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let text = page.text.replace("&#60;", "&lt;").replace("&#62;", "&gt;");
        assert!(
            text.contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; club"),
            "{path}"
        );
        assert!(!page.text.contains("<script>alert"), "{path}");
        assert!(!page.text.contains("<img src=x"), "{path}");
    }
}

#[tokio::test]
async fn problem_reports_are_kept_for_moderators_with_csrf_and_rate_limits() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let id = service_id(&app, "food+bank", "Bow Common Food Bank").await;
    let path = format!("/service/{id}/report");

    let forged = visitor
        .post(
            &path,
            &[("kind", "times"), ("details", "Closed on Fridays")],
        )
        .await;
    assert_eq!(forged.status, 400, "no token, no report");
    assert!(forged.text.contains("The form has expired"));

    visitor.get(&format!("/service/{id}")).await;
    let csrf = visitor.csrf();
    let empty = visitor
        .post(
            &path,
            &[("csrf", &csrf), ("kind", "times"), ("details", "  ")],
        )
        .await;
    assert_eq!(empty.status, 400);
    assert!(
        empty
            .text
            .contains("Tell us what is wrong with the listing")
    );

    let sent = visitor
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("kind", "times"),
                ("details", "Now closed on Fridays"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text);
    assert!(location(&sent).ends_with("reported=1#report"));
    let thanks = visitor
        .get(location(&sent).trim_end_matches("#report"))
        .await;
    assert!(
        thanks
            .text
            .contains("Thank you. A moderator will check the listing.")
    );

    let reports = app.catalog.store().reports().unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].details, "Now closed on Fridays");
    assert_eq!(reports[0].service_id.to_string(), id);

    let mut statuses = Vec::new();
    for n in 0..6 {
        let details = format!("report {n}");
        let reply = visitor
            .post(
                &path,
                &[("csrf", &csrf), ("kind", "other"), ("details", &details)],
            )
            .await;
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [303, 303, 303, 303, 429, 429],
        "5 reports per 10 minutes"
    );
    assert_eq!(app.catalog.store().reports().unwrap().len(), 5);
}

#[tokio::test]
async fn a_shortlist_is_built_noted_printed_and_shared_without_javascript() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let food = service_id(&app, "food+bank", "Bow Common Food Bank").await;
    let results = visitor.get("/search?search=food+bank").await;
    assert!(results.text.contains("Your shortlist") || results.text.contains("Shortlist"));
    let csrf = visitor.csrf();

    let added = visitor
        .post(
            "/shortlist",
            &[
                ("csrf", &csrf),
                ("action", "add"),
                ("id", &food),
                ("back", "/search?search=food+bank"),
            ],
        )
        .await;
    assert_eq!(added.status, 303);
    assert_eq!(location(&added), "/search?search=food+bank");
    let back = visitor.get("/search?search=food+bank").await;
    assert!(back.text.contains("Shortlist (1)"));
    assert!(back.text.contains("Remove from shortlist"));

    let off_site = visitor
        .post(
            "/shortlist",
            &[
                ("csrf", &csrf),
                ("action", "add"),
                ("id", &food),
                ("back", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&off_site), "/", "no open redirect");

    let note = format!("note-{food}");
    let noted = visitor
        .post(
            "/shortlist",
            &[
                ("csrf", &csrf),
                ("action", "notes"),
                (&note, "Ask for Rahima, Tuesdays"),
            ],
        )
        .await;
    assert_eq!(noted.status, 303);
    let list = visitor.get("/shortlist").await;
    assert_eq!(list.status, 200);
    assert!(list.text.contains("Bow Common Food Bank"));
    assert!(list.text.contains("Ask for Rahima, Tuesdays"));
    assert!(
        list.text.contains("Services from Signpost Tower Hamlets:"),
        "a text message to copy"
    );

    let share = list
        .text
        .split(r#"id="share-link" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let shared_query = share.split_once('?').unwrap().1.to_owned();
    let names: Vec<&str> = shared_query
        .split('&')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ids", "lang"],
        "a share link carries only ids and the language"
    );
    assert!(!share.contains("Rahima"));

    let print = visitor.get("/shortlist/print").await;
    assert_eq!(print.status, 200);
    assert!(print.text.contains("<svg"), "a QR code");
    assert!(print.text.contains("Ask for Rahima, Tuesdays"));
    assert!(print.text.contains("Printed on"));
    // On paper, hours in words and a number to call, never "open now".
    assert!(print.text.contains("Tuesdays and Fridays, 10am to 1pm."));
    assert!(print.text.contains("020 7946 0100"));
    assert!(!print.text.contains("Closed now") && !print.text.contains("Open now"));

    let mut friend = Visitor::new(&app);
    let shared = friend.get(&format!("/shortlist?{shared_query}")).await;
    assert_eq!(shared.status, 200);
    assert!(shared.text.contains("A shortlist shared with you"));
    assert!(shared.text.contains("Bow Common Food Bank"));
    assert!(!shared.text.contains("Rahima"), "notes are not shared");
    let friend_csrf = friend.csrf();
    let kept = friend
        .post(
            "/shortlist",
            &[
                ("csrf", &friend_csrf),
                ("action", "keep"),
                ("ids", &food),
                ("back", "/shortlist"),
            ],
        )
        .await;
    assert_eq!(kept.status, 303);
    assert!(
        friend
            .get("/shortlist")
            .await
            .text
            .contains("Shortlist (1)")
    );

    let removed = visitor
        .post(
            "/shortlist",
            &[("csrf", &csrf), ("remove", &food), (&note, "")],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(
        visitor
            .get("/shortlist")
            .await
            .text
            .contains("Your shortlist is empty")
    );
}

#[tokio::test]
async fn locality_pages_list_services_by_need_with_a_date() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let areas = visitor.get("/areas").await;
    assert_eq!(areas.status, 200);
    for name in ["North West", "North East", "South West", "South East"] {
        assert!(areas.text.contains(name), "{name}");
    }
    let area = visitor.get("/areas/south-east").await;
    assert_eq!(area.status, 200);
    assert!(area.text.contains("Services in South East"));
    assert!(area.text.contains("Correct on"));
    assert!(area.text.contains("<h2>Food</h2>"), "grouped by need");
    let north_east = visitor.get("/areas/north-east").await;
    assert!(
        north_east.text.contains(
            r#"<li class="print-only">Phone: 020 7946 0100</li><li class="print-only">Tuesdays and Fridays, 10am to 1pm.</li><li class="now">"#
        ),
        "the printed pack gives each service's number and hours, not whether it is open now"
    );
    assert!(
        area.text
            .contains("Borough-wide, phone and online services")
    );
}

#[tokio::test]
async fn pages_are_small_compressed_and_cached() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let get = |path: String, headers: Vec<(&'static str, String)>| {
        let mut request = client.get(format!("{}{path}", app.address));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    // reqwest here does not decompress: the body is what crossed the wire.
    let results = get(
        "/search?search=advice&per_page=20".to_owned(),
        vec![
            ("accept", "text/html".to_owned()),
            ("accept-encoding", "gzip".to_owned()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(results.headers()["content-encoding"], "gzip");
    let etag = results.headers()["etag"].to_str().unwrap().to_owned();
    let cookie = results.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = results.bytes().await.unwrap().len();
    assert!(
        html <= 30 * 1024,
        "results page HTML is {html} bytes gzipped"
    );

    let home = Visitor::new(&app).get("/").await;
    for (asset, budget) in [(".css", 20 * 1024), (".js", 15 * 1024)] {
        let url = home
            .text
            .split('"')
            .find(|s| s.starts_with("/static/") && s.ends_with(asset))
            .unwrap()
            .to_owned();
        let reply = get(url.clone(), vec![("accept-encoding", "gzip".to_owned())])
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "{url}");
        assert!(
            reply.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let size = reply.bytes().await.unwrap().len();
        assert!(size <= budget, "{url} is {size} bytes gzipped");
    }

    let again = get(
        "/search?search=advice&per_page=20".to_owned(),
        vec![
            ("accept", "text/html".to_owned()),
            ("if-none-match", etag),
            ("cookie", cookie),
        ],
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 304, "an unchanged page is not sent again");
}

#[tokio::test]
async fn answers_come_in_the_cheapest_coding_the_client_accepts_and_decode_to_the_same_body() {
    use std::io::Read;
    let app = spawn_app().await;
    // reqwest here does not decompress: the body is what crossed the wire.
    let client = reqwest::Client::new();
    let fetch = |accept: &'static str| {
        client
            .get(format!(
                "{}/services?per_page=20&search=advice",
                app.address
            ))
            .header("accept-encoding", accept)
            .send()
    };
    let plain = fetch("identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    assert!(plain.len() > 4096, "a page of results is worth compressing");
    for (accept, expected) in [
        ("gzip, deflate, br, zstd", Some("zstd")),
        ("br;q=1.0, zstd;q=0.5", Some("zstd")),
        ("gzip, compress, deflate, br", Some("gzip")),
        ("br, gzip", Some("gzip")),
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("zstd;q=0, gzip", Some("gzip")),
        ("*;q=0, br", Some("br")),
        ("deflate", None),
        ("identity", None),
    ] {
        let reply = fetch(accept).await.unwrap();
        assert_eq!(reply.status(), 200);
        let headers = reply.headers().clone();
        let got = headers
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(got.as_deref(), expected, "Accept-Encoding: {accept}");
        let body = reply.bytes().await.unwrap();
        // A whole answer is encoded at once: its length is known, not chunked.
        assert_eq!(
            headers["content-length"].to_str().unwrap(),
            body.len().to_string(),
            "Accept-Encoding: {accept}"
        );
        let mut decoded = Vec::new();
        match expected {
            Some("zstd") => {
                assert_eq!(&body[..4], [0x28, 0xb5, 0x2f, 0xfd], "a zstd frame");
                decoded = zstd::stream::decode_all(&body[..]).unwrap();
            }
            Some("br") => {
                brotli::Decompressor::new(&body[..], 4096)
                    .read_to_end(&mut decoded)
                    .unwrap();
            }
            Some("gzip") => {
                flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut decoded)
                    .unwrap();
            }
            _ => decoded = body.to_vec(),
        }
        assert_eq!(decoded, plain, "Accept-Encoding: {accept}");
        if expected.is_some() {
            assert!(
                body.len() * 2 < plain.len(),
                "{accept}: {} bytes",
                body.len()
            );
            assert_eq!(headers["vary"], "accept-encoding");
        }
    }
}
