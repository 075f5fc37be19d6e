//! Search in people's own words: typos, synonyms, Bengali; freshness and closed status in
//! ranking; opening hours in London time; local filters; facets; highlighted snippets; and
//! no dead ends. Each test imports a few purpose-made listings into an empty directory.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_empty_app, spawn_empty_app_at};

fn id(kind: u32, n: u32) -> String {
    format!("{kind}0000000-0000-4000-8000-{n:012}")
}

/// A minimal active service, with `extra` fields merged in.
fn service(n: u32, name: &str, description: &str, extra: Value) -> Value {
    let mut record =
        json!({"id": id(6, n), "name": name, "status": "active", "description": description});
    for (key, value) in extra.as_object().unwrap() {
        record[key] = value.clone();
    }
    record
}

fn weekly(n: u32, byday: &str, opens: &str, closes: &str) -> Value {
    json!({"id": id(7, n), "freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes})
}

fn place(n: u32, name: &str, accessibility: &str) -> Value {
    json!({"id": id(8, n), "location": {"id": id(9, n), "location_type": "physical", "name": name,
        "latitude": 51.515, "longitude": -0.04,
        "accessibility": [{"id": id(1, n), "description": accessibility}]}})
}

async fn app_with(records: &[Value]) -> TestApp {
    let app = spawn_empty_app().await;
    let report = app.import(records);
    assert!(report.all_imported(), "{:?}", report.rejected);
    app
}

async fn app_at(instant: &str, records: &[Value]) -> TestApp {
    let app = spawn_empty_app_at(instant).await;
    let report = app.import(records);
    assert!(report.all_imported(), "{:?}", report.rejected);
    app
}

#[tokio::test]
async fn typos_find_the_word_but_exact_matches_rank_first() {
    let app = app_with(&[
        service(1, "Careers Advice", "Help choosing a career.", json!({})),
        service(2, "Carers Group", "A break for unpaid carers.", json!({})),
        service(
            3,
            "Counselling Service",
            "Talk to a trained counsellor.",
            json!({}),
        ),
        service(4, "Over 60s Club", "Bingo and tea.", json!({})),
    ])
    .await;
    assert_eq!(
        app.names("/services?search=carers").await,
        ["Carers Group", "Careers Advice"],
        "exact above a typo of it"
    );
    assert_eq!(
        app.names("/services?search=councelling").await,
        ["Counselling Service"]
    );
    assert_eq!(
        app.names("/services?search=counseling").await,
        ["Counselling Service"]
    );
    let page = app.get_json("/services?search=50s").await;
    assert_eq!(
        page["total_items"], 0,
        "no typo on words with digits: {page}"
    );
    assert_eq!(
        app.names("/services?search=coun").await,
        ["Counselling Service"],
        "a short search's last word is a prefix"
    );
}

#[tokio::test]
async fn everyday_words_bengali_and_romanised_words_find_the_listing() {
    let app = app_with(&[
        service(
            1,
            "Community Pantry",
            "Low-cost groceries for members.",
            json!({}),
        ),
        service(
            2,
            "ESOL Classes",
            "English for speakers of other languages.",
            json!({}),
        ),
        service(
            3,
            "Talking Therapies",
            "Free psychological therapy.",
            json!({}),
        ),
        service(4, "Bingo Night", "Fun and games.", json!({})),
    ])
    .await;
    for (search, expected) in [
        ("food bank", "Community Pantry"),
        ("khabar", "Community Pantry"),
        ("খাবার", "Community Pantry"),
        ("english class", "ESOL Classes"),
        ("ইংরেজি ক্লাস", "ESOL Classes"),
        ("ingreji class", "ESOL Classes"),
        ("counselling", "Talking Therapies"),
        ("someone to talk to", "Talking Therapies"),
    ] {
        let url = format!("/services?search={}", percent(search));
        let names = app.names(&url).await;
        assert_eq!(
            names.first().map(String::as_str),
            Some(expected),
            "{search}: {names:?}"
        );
        assert!(
            !names.contains(&"Bingo Night".to_owned()),
            "{search}: {names:?}"
        );
    }
}

fn percent(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn fresh_open_services_rank_above_stale_or_temporarily_closed_equals() {
    let text = "Advice on benefits and debt.";
    let app = app_at(
        "2026-11-23T12:00:00Z",
        &[
            service(1, "Advice Centre A", text, json!({"assured_date": "2024-01-10"})),
            service(2, "Advice Centre B", text, json!({"assured_date": "2026-09-01"})),
            service(3, "Advice Centre C", text, json!({"assured_date": "2026-10-01", "status": "temporarily closed", "alert": "Closed until January for building works."})),
            service(4, "Advice Centre D", text, json!({"status": "inactive"})),
        ],
    )
    .await;
    let page = app.get_json("/services?search=advice").await;
    let names: Vec<&str> = page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Advice Centre B", "Advice Centre A", "Advice Centre C"],
        "fresh, then stale, then closed; inactive never"
    );
    let closed = &page["contents"][2];
    assert_eq!(closed["alert"], "Closed until January for building works.");
    assert_eq!(closed["opening"]["state"], "temporarily_closed");
}

/// A service open Mondays 09:00 to 17:00, a Friday night shelter, a 24-hour line, an expired
/// schedule, and a monthly group on the second Tuesday.
fn timed_services() -> Vec<Value> {
    vec![
        service(
            1,
            "Monday Drop-in",
            "Advice drop-in.",
            json!({"schedules": [weekly(1, "MO", "09:00", "17:00")]}),
        ),
        service(
            2,
            "Night Shelter",
            "Beds for the night.",
            json!({"schedules": [weekly(2, "FR", "22:00", "06:00")]}),
        ),
        service(
            3,
            "Listening Line",
            "Someone to talk to.",
            json!({"schedules": [weekly(3, "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")]}),
        ),
        service(
            4,
            "Old Monday Club",
            "It stopped.",
            json!({"schedules": [{"id": id(7, 4), "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "17:00", "valid_to": "2025-03-31"}]}),
        ),
        service(
            5,
            "Second Tuesday Group",
            "Monthly.",
            json!({"schedules": [{"id": id(7, 5), "freq": "MONTHLY", "byday": "2TU", "opens_at": "10:00", "closes_at": "12:00"}]}),
        ),
    ]
}

async fn open_now(app: &TestApp) -> Vec<String> {
    let mut names = app.names("/services?open_now=true").await;
    names.sort();
    names
}

#[tokio::test]
async fn open_now_is_judged_in_london_time_in_summer() {
    // Monday 6 July 2026, 08:30 UTC = 09:30 BST.
    let app = app_at("2026-07-06T08:30:00Z", &timed_services()).await;
    assert_eq!(open_now(&app).await, ["Listening Line", "Monday Drop-in"]);
    let page = app.get_json("/services?search=drop-in").await;
    assert_eq!(page["contents"][0]["opening"]["state"], "open");
    assert_eq!(
        page["contents"][0]["opening"]["text"],
        "Open now, closes 17:00"
    );
    assert_eq!(
        page["contents"][0]["opening"]["closes_at"],
        "2026-07-06T17:00:00+01:00"
    );
}

#[tokio::test]
async fn open_now_is_judged_in_london_time_in_winter() {
    // Monday 7 December 2026, 08:30 UTC = 08:30 GMT: the drop-in is not open yet.
    let app = app_at("2026-12-07T08:30:00Z", &timed_services()).await;
    assert_eq!(open_now(&app).await, ["Listening Line"]);
    let page = app.get_json("/services?search=drop-in").await;
    assert_eq!(page["contents"][0]["opening"]["state"], "closed");
    assert_eq!(page["contents"][0]["opening"]["text"], "Opens today 09:00");
    let line = app.get_json("/services?search=listening").await;
    assert_eq!(line["contents"][0]["opening"]["text"], "Open 24 hours");
    let monthly = app.get_json("/services?search=tuesday").await;
    assert_eq!(
        monthly["contents"][0]["opening"]["text"], "Opens tomorrow 10:00",
        "8 December is the second Tuesday"
    );
}

#[tokio::test]
async fn overnight_opening_and_expired_schedules() {
    // Saturday 28 November 2026, 05:00 GMT: the shelter opened on Friday night.
    let app = app_at("2026-11-28T05:00:00Z", &timed_services()).await;
    assert_eq!(open_now(&app).await, ["Listening Line", "Night Shelter"]);
    let page = app.get_json("/services?search=shelter").await;
    assert_eq!(
        page["contents"][0]["opening"]["text"],
        "Open now, closes 06:00"
    );
    let old = app.get_json("/services?search=old%20monday").await;
    assert_eq!(old["contents"][0]["opening"]["state"], "closed");
    assert_eq!(
        old["contents"][0]["opening"]["text"],
        "No upcoming opening times listed"
    );
    // On the first Tuesday the monthly group is not open; `day=TU` still lists it.
    let first_tuesday = app_at("2026-12-01T10:30:00Z", &timed_services()).await;
    assert!(
        !open_now(&first_tuesday)
            .await
            .contains(&"Second Tuesday Group".to_owned())
    );
    let second_tuesday = app_at("2026-12-08T10:30:00Z", &timed_services()).await;
    assert!(
        open_now(&second_tuesday)
            .await
            .contains(&"Second Tuesday Group".to_owned())
    );
    assert!(
        first_tuesday
            .names("/services?day=TU")
            .await
            .contains(&"Second Tuesday Group".to_owned())
    );
}

fn local_services() -> Vec<Value> {
    vec![
        service(
            1,
            "Women's Swim",
            "Swimming sessions.",
            json!({"eligibility_description": "Women only.",
            "service_at_locations": [place(1, "Leisure Centre", "Step-free access, accessible toilet and hearing loop.")],
            "referral_route": "self_referral"}),
        ),
        service(
            2,
            "Dads' Football",
            "Football for fathers and kids.",
            json!({
            "service_at_locations": [place(2, "Old Gym", "Stairs only, no lift.")],
            "referral_route": "self_referral", "cost_options": [{"id": id(2, 2), "amount": 2.0}]}),
        ),
        service(
            3,
            "Money Helpline",
            "Free money advice by phone.",
            json!({"phones": [{"id": id(3, 3), "number": "020 7946 0000"}],
            "referral_route": "professional_referral", "cost_options": [{"id": id(2, 3), "amount": 0.0}]}),
        ),
        service(
            4,
            "Carers' Cafe",
            "A break for unpaid carers, with cake.",
            json!({
            "service_at_locations": [place(4, "Church Hall", "Level access with a ramp.")],
            "referral_route": "drop_in"}),
        ),
    ]
}

#[tokio::test]
async fn local_filters_read_accessibility_eligibility_delivery_and_referral() {
    let app = app_with(&local_services()).await;
    let sorted = |mut names: Vec<String>| {
        names.sort();
        names
    };
    assert_eq!(
        sorted(app.names("/services?accessibility=step_free").await),
        ["Carers' Cafe", "Women's Swim"]
    );
    assert_eq!(
        app.names("/services?accessibility=hearing_loop").await,
        ["Women's Swim"]
    );
    assert_eq!(
        app.names("/services?suitable_for=women").await,
        ["Women's Swim"]
    );
    assert_eq!(
        app.names("/services?suitable_for=carers").await,
        ["Carers' Cafe"]
    );
    assert_eq!(
        app.names("/services?delivery=phone").await,
        ["Money Helpline"]
    );
    assert_eq!(
        sorted(app.names("/services?delivery=in_person").await).len(),
        3
    );
    assert_eq!(
        app.names("/services?referral_route=professional_referral")
            .await,
        ["Money Helpline"]
    );
    let problem = app.get("/services?suitable_for=astronauts").await;
    assert_eq!(problem.status, 400);
    assert!(
        problem.json()["detail"].as_str().unwrap().contains("women"),
        "{}",
        problem.text
    );
}

#[tokio::test]
async fn facets_count_each_value_with_the_other_filters_applied() {
    let app = app_with(&local_services()).await;
    let page = app.get_json("/services?facets=true&cost=free").await;
    assert_eq!(page["total_items"], 1);
    let facets = &page["facets"];
    let count = |dimension: &str, value: &str| {
        facets[dimension]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .find(|v| v["value"] == value)
            .map(|v| v["count"].as_u64().unwrap())
    };
    assert_eq!(count("cost", "free"), Some(1), "{facets}");
    assert_eq!(
        count("cost", "paid"),
        Some(1),
        "its own filter is not applied: {facets}"
    );
    assert_eq!(count("cost", "not_stated"), Some(2), "{facets}");
    assert_eq!(
        count("delivery", "phone"),
        Some(1),
        "other filters are: {facets}"
    );
    assert_eq!(count("delivery", "in_person"), None, "{facets}");
    let page = app
        .get_json("/services?facets=accessibility,referral_route")
        .await;
    assert_eq!(
        page["facets"]["accessibility"][0],
        json!({"value": "step_free", "count": 2})
    );
    assert!(
        page["facets"].get("cost").is_none(),
        "only the dimensions asked for"
    );
}

#[tokio::test]
async fn snippets_highlight_the_matching_words_and_escape_the_rest() {
    let app = app_with(&[service(
        1,
        "Tenants' Surgery",
        "Bring your <b>letters</b> & we'll help <script>alert(1)</script> with repairs and disrepair claims.",
        json!({}),
    )])
    .await;
    let page = app.get_json("/services?search=repairs").await;
    let highlight = page["contents"][0]["highlight"].as_str().unwrap();
    assert!(highlight.contains("<b>repairs</b>"), "{highlight}");
    assert!(!highlight.contains("<script>"), "{highlight}");
    assert!(highlight.contains("&lt;script&gt;"), "{highlight}");
    assert!(
        !highlight.contains("<b>letters</b>"),
        "listing markup is escaped: {highlight}"
    );
}

#[tokio::test]
async fn an_empty_search_says_why_and_offers_ways_forward() {
    let app = app_with(&local_services()).await;
    let page = app
        .get_json("/services?search=swiming&suitable_for=carers")
        .await;
    assert_eq!(page["total_items"], 0);
    let answer = &page["no_results"];
    assert!(
        answer["reason"].as_str().unwrap().contains("swiming"),
        "{answer}"
    );
    let suggestions = answer["suggestions"].as_array().unwrap();
    assert!(
        suggestions.iter().any(|s| s["kind"] == "without_filter"
            && s["parameter"] == "suitable_for"
            && s["results"] == 1),
        "{answer}"
    );

    let page = app.get_json("/services?search=xylophone%20orchestra").await;
    assert_eq!(page["total_items"], 0);
    assert!(
        page["no_results"]["reason"]
            .as_str()
            .unwrap()
            .contains("xylophone")
    );
    assert_eq!(
        page["no_results"]["suggestions"],
        json!([{"kind": "browse_needs", "results": 4}]),
        "with nothing closer, browsing by need is the way forward"
    );

    let page = app
        .get_json("/services?search=mony%20helpline&delivery=online")
        .await;
    let answer = &page["no_results"];
    assert!(
        answer["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "without_filter" && s["parameter"] == "delivery"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_misspelling_that_finds_nothing_is_corrected() {
    let app = app_with(&[service(
        1,
        "Allotment Society",
        "Grow vegetables on a plot.",
        json!({}),
    )])
    .await;
    // Two typos in a short word: beyond the typo tolerance, within the respeller's.
    let page = app.get_json("/services?search=alotmint").await;
    assert_eq!(page["total_items"], 0, "{page}");
    let spelling = page["no_results"]["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "spelling")
        .cloned()
        .unwrap_or_else(|| panic!("{page}"));
    assert_eq!(
        spelling,
        json!({"kind": "spelling", "search": "allotment", "results": 1})
    );
    let typo = app.get_json("/services?search=alotment").await;
    assert_eq!(
        typo["contents"][0]["name"], "Allotment Society",
        "one typo is tolerated"
    );
}

#[tokio::test]
async fn long_sentences_find_services_matching_most_of_their_words() {
    let app = app_with(&[
        service(
            1,
            "Bereavement Café",
            "Tea and company for people who have lost a husband, wife or partner.",
            json!({}),
        ),
        service(
            2,
            "Dads' Club",
            "Saturday play for dads and children.",
            json!({}),
        ),
        service(3, "Knitting Circle", "Knit and chat every week.", json!({})),
    ])
    .await;
    let page = app
        .get_json(&format!(
            "/services?search={}",
            percent("I have been really lonely since my wife died last year")
        ))
        .await;
    assert_eq!(page["contents"][0]["name"], "Bereavement Café", "{page}");
    assert_eq!(page["relaxed_match"], true);
}

#[tokio::test]
async fn a_partial_match_says_which_words_nothing_matches() {
    let app = app_with(&[service(
        1,
        "Youth Club",
        "Table tennis and games.",
        json!({}),
    )])
    .await;
    let page = app.get_json("/services?search=ski%20club").await;
    assert_eq!(page["relaxed_match"], true, "{page}");
    assert_eq!(page["unmatched_words"], json!(["ski"]));
    assert_eq!(page["contents"][0]["name"], "Youth Club");
    let exact = app.get_json("/services?search=youth%20club").await;
    assert!(
        exact.get("relaxed_match").is_none() && exact.get("unmatched_words").is_none(),
        "{exact}"
    );
}

#[tokio::test]
async fn a_word_the_listings_use_often_is_taken_as_meant_not_as_a_typo() {
    // Twenty-five pilates listings and one pilot training: "pilates" is a known word, so it
    // does not also find "pilots" (one edit away once stemmed); a misspelling ("pilatis")
    // still finds pilates.
    let mut listings: Vec<Value> = (1..=25)
        .map(|n| {
            service(
                n,
                &format!("Chair pilates {n}"),
                "Gentle pilates for beginners.",
                json!({}),
            )
        })
        .collect();
    listings.push(service(
        90,
        "Pilots training",
        "A quiet morning.",
        json!({}),
    ));
    let app = app_with(&listings).await;
    let names = |page: &Value| -> Vec<String> {
        page["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let page = app.get_json("/services?search=pilates&per_page=50").await;
    assert_eq!(page["total_items"], 25, "{:?}", names(&page));
    let page = app.get_json("/services?search=pilatis&per_page=50").await;
    let found = names(&page);
    assert_eq!(
        found
            .iter()
            .filter(|n| n.starts_with("Chair pilates"))
            .count(),
        25,
        "{found:?}"
    );
}
