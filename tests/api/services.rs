//! `/services` and `/service_at_locations` filters, tested for their meaning against a small
//! directory whose right answers are known.

use serde_json::{Value, json};

use crate::fixtures::{self, FOOD, FOOD_BANK, NEEDS, ORG_A, SUITABLE};
use crate::helpers::{TestApp, service_record, spawn_empty_app};

async fn fixture_app() -> TestApp {
    let app = spawn_empty_app().await;
    let report = app.import(&fixtures::services());
    assert!(report.all_imported(), "{:?}", report.rejected);
    app
}

async fn sorted_names(app: &TestApp, path: &str) -> Vec<String> {
    let mut names = app.names(path).await;
    names.sort();
    names
}

#[tokio::test]
async fn inactive_and_defunct_services_never_appear_unless_asked_for() {
    let app = fixture_app().await;
    let all = sorted_names(&app, "/services").await;
    assert_eq!(
        all,
        [
            "Bow Lunch Club",
            "Listening Line",
            "Night Shelter",
            "Somali Women's Group",
            "Winter Food Bank",
            "Youth Boxing"
        ]
    );
    assert_eq!(
        app.names("/services?status=inactive").await,
        ["Old Debt Clinic"]
    );
    assert_eq!(
        sorted_names(&app, "/services?status=inactive&status=defunct").await,
        ["Closed Food Co-op", "Old Debt Clinic"]
    );
    assert_eq!(
        app.names("/services?status=temporarily%20closed").await,
        ["Somali Women's Group"]
    );
    // Sets with `active` are looked up as the other statuses left out: the same listings.
    assert_eq!(
        sorted_names(&app, "/services?status=active&status=inactive").await,
        [
            "Bow Lunch Club",
            "Listening Line",
            "Night Shelter",
            "Old Debt Clinic",
            "Winter Food Bank",
            "Youth Boxing"
        ]
    );
    let every = sorted_names(
        &app,
        "/services?status=active&status=inactive&status=defunct&status=temporarily%20closed",
    )
    .await;
    assert_eq!(every.len(), all.len() + 2, "{every:?}");
    let shown_food = sorted_names(&app, "/services?search=food").await;
    let active_food = sorted_names(&app, "/services?search=food&status=active").await;
    assert!(active_food.contains(&"Winter Food Bank".to_owned()));
    assert_eq!(
        active_food,
        shown_food
            .into_iter()
            .filter(|name| name != "Somali Women's Group")
            .collect::<Vec<_>>(),
        "the defunct Closed Food Co-op never, the temporarily closed group not when only active is asked for"
    );
    let closed = app
        .get_json("/services/50000000-0000-4000-8000-000000000006")
        .await;
    assert_eq!(
        closed["status"], "defunct",
        "a defunct service can still be fetched by id"
    );
}

#[tokio::test]
async fn taxonomy_filters_include_narrower_terms_and_repeat_as_or() {
    let app = fixture_app().await;
    assert_eq!(
        sorted_names(&app, &format!("/services?taxonomy_term_id={FOOD}")).await,
        ["Bow Lunch Club", "Winter Food Bank"]
    );
    assert_eq!(
        app.names(&format!("/services?taxonomy_term_id={FOOD_BANK}"))
            .await,
        ["Winter Food Bank"]
    );
    let either = format!(
        "/services?taxonomy_term_id={FOOD_BANK}&taxonomy_term_id={}",
        fixtures::SPORT
    );
    assert_eq!(
        sorted_names(&app, &either).await,
        ["Winter Food Bank", "Youth Boxing"]
    );
    assert_eq!(
        app.names(&format!("/services?taxonomy_id={SUITABLE}"))
            .await,
        ["Somali Women's Group"]
    );
    assert_eq!(
        app.names(&format!("/services?taxonomy_id={NEEDS}"))
            .await
            .len(),
        6
    );
}

#[tokio::test]
async fn organization_filter() {
    let app = fixture_app().await;
    assert_eq!(
        sorted_names(&app, &format!("/services?organization_id={ORG_A}")).await,
        ["Bow Lunch Club", "Night Shelter"]
    );
}

#[tokio::test]
async fn age_filters_mean_the_age_ranges_overlap() {
    let app = fixture_app().await;
    assert_eq!(
        sorted_names(&app, "/services?minimum_age=65").await,
        [
            "Bow Lunch Club",
            "Listening Line",
            "Night Shelter",
            "Somali Women's Group",
            "Winter Food Bank"
        ],
        "everything except the 11-19 boxing"
    );
    assert_eq!(
        sorted_names(&app, "/services?maximum_age=16").await,
        [
            "Listening Line",
            "Night Shelter",
            "Winter Food Bank",
            "Youth Boxing"
        ],
        "everything except the 60+ lunch club and the 18+ women's group"
    );
    assert_eq!(
        sorted_names(&app, "/services?minimum_age=18&maximum_age=19").await,
        [
            "Listening Line",
            "Night Shelter",
            "Somali Women's Group",
            "Winter Food Bank",
            "Youth Boxing"
        ]
    );
}

#[tokio::test]
async fn day_and_time_filters_mean_open_then() {
    let app = fixture_app().await;
    assert_eq!(
        sorted_names(&app, "/services?day=TU").await,
        ["Bow Lunch Club", "Listening Line"]
    );
    assert_eq!(
        sorted_names(&app, "/services?day=SA").await,
        ["Listening Line", "Night Shelter", "Somali Women's Group"]
    );
    assert_eq!(
        sorted_names(&app, "/services?day=WE&start_time=19:00&end_time=20:30").await,
        ["Listening Line", "Youth Boxing"]
    );
    assert_eq!(
        sorted_names(&app, "/services?day=SU&start_time=05:00").await,
        ["Listening Line", "Night Shelter"],
        "the Saturday night shelter is still open early on Sunday"
    );
    assert_eq!(
        sorted_names(&app, "/services?day=MO").await,
        ["Listening Line", "Youth Boxing"],
        "the food bank's Monday schedule expired in 2025"
    );
    assert_eq!(
        sorted_names(&app, "/services?start_time=03:00").await,
        ["Listening Line", "Night Shelter"]
    );
    assert_eq!(
        sorted_names(&app, "/services?day=TU&day=WE&end_time=13:30").await,
        ["Bow Lunch Club", "Listening Line"]
    );
}

#[tokio::test]
async fn cost_and_language_filters() {
    let app = fixture_app().await;
    assert_eq!(
        sorted_names(&app, "/services?cost=free").await,
        [
            "Bow Lunch Club",
            "Listening Line",
            "Night Shelter",
            "Winter Food Bank"
        ],
        "£3 boxing is not free; the women's group says nothing about cost"
    );
    assert_eq!(
        app.names("/services?language=syl").await,
        ["Bow Lunch Club"]
    );
    assert_eq!(
        sorted_names(&app, "/services?language=som&language=syl").await,
        ["Bow Lunch Club", "Somali Women's Group"]
    );
    assert_eq!(
        app.names("/services?language=bn").await,
        ["Bow Lunch Club"],
        "ISO 639-1 bn means ben"
    );
}

#[tokio::test]
async fn modified_after_filter() {
    let app = fixture_app().await;
    assert_eq!(
        sorted_names(&app, "/services?modified_after=2026-03-01T10:00:00Z").await,
        ["Listening Line", "Winter Food Bank", "Youth Boxing"]
    );
    assert_eq!(
        sorted_names(&app, "/services?modified_after=2026-05-01").await,
        ["Youth Boxing"]
    );
}

#[tokio::test]
async fn different_filters_combine_with_and() {
    let app = fixture_app().await;
    assert_eq!(
        app.names(&format!("/services?taxonomy_term_id={FOOD}&language=syl"))
            .await,
        ["Bow Lunch Club"]
    );
    assert_eq!(
        sorted_names(&app, "/services?cost=free&day=SA").await,
        ["Listening Line", "Night Shelter"]
    );
    assert!(
        app.names("/services?cost=free&language=som")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn text_search_matches_words_in_any_field_ranks_names_first_and_stems() {
    let app = fixture_app().await;
    assert_eq!(
        app.names("/services?search=lunch").await,
        ["Bow Lunch Club"]
    );
    assert_eq!(
        app.names("/services?search=boxing%20youth").await,
        ["Youth Boxing"]
    );
    assert_eq!(
        app.names("/services?search=clubs").await,
        ["Bow Lunch Club"],
        "stemming"
    );
    assert_eq!(
        app.names("/services?search=meals").await[0],
        "Bow Lunch Club",
        "taxonomy term names are searchable"
    );
    assert_eq!(
        app.names("/services?search=poplar").await,
        ["Youth Boxing"],
        "organisation names are searchable"
    );
    assert_eq!(
        app.names("/services?search=shelter").await,
        ["Night Shelter", "Somali Women's Group"],
        "a name match ranks above a description match"
    );
    assert!(
        app.names("/services?search=%3F%3F%3F").await.is_empty(),
        "punctuation alone matches nothing"
    );
}

#[tokio::test]
async fn a_confidential_address_is_not_searchable() {
    let app = fixture_app().await;
    assert!(
        app.names("/services?search=secret%20gardens")
            .await
            .is_empty()
    );
    assert_eq!(
        app.names("/services?search=roman%20road").await.len(),
        2,
        "published addresses are"
    );
}

#[tokio::test]
async fn pages_partition_the_results_in_name_order() {
    let app = fixture_app().await;
    let everything = app.names("/services?per_page=50").await;
    let mut sorted = everything.clone();
    sorted.sort_by_key(|name| (name == "Somali Women's Group", name.to_lowercase()));
    assert_eq!(
        everything, sorted,
        "without search, results are in name order, the temporarily closed one last"
    );
    let mut paged = Vec::new();
    for page in 1..=3 {
        let body = app
            .get_json(&format!("/services?per_page=2&page={page}"))
            .await;
        assert_eq!(body["total_items"], 6);
        assert_eq!(body["total_pages"], 3);
        assert_eq!(body["page_number"], page);
        assert_eq!(body["first_page"], page == 1);
        assert_eq!(body["last_page"], page == 3);
        paged.extend(
            body["contents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(paged, everything);
    let beyond = app.get_json("/services?per_page=2&page=9").await;
    assert_eq!(beyond["empty"], true);
    assert_eq!(beyond["size"], 0);
    assert_eq!(beyond["contents"], json!([]));
}

#[tokio::test]
async fn service_at_locations_list_one_entry_per_service_and_place() {
    let app = fixture_app().await;
    let body = app.get_json("/service_at_locations?search=boxing").await;
    assert_eq!(body["total_items"], 2, "boxing runs at two places");
    let places: Vec<&str> = body["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["location"]["name"].as_str().unwrap())
        .collect();
    assert!(
        places.contains(&"Bow Community Hall") && places.contains(&"St Anne's Church Hall"),
        "{places:?}"
    );
    assert_eq!(
        app.get_json("/service_at_locations?status=defunct").await["total_items"],
        0,
        "a defunct service with no place has no entry"
    );
    let link = &body["contents"][0];
    let full = app
        .get_json(&format!(
            "/service_at_locations/{}",
            link["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(full["service"]["name"], "Youth Boxing");
    assert!(
        full["location"]["addresses"][0]["postal_code"]
            .as_str()
            .is_some()
    );
    assert_eq!(full["schedules"][0]["byday"], "MO,WE");
}

#[tokio::test]
async fn a_changed_record_becomes_searchable_without_a_restart() {
    let app = fixture_app().await;
    let mut record = fixtures::services().remove(0);
    record["name"] = json!("Bow Supper Club");
    let started = std::time::Instant::now();
    let text = serde_json::to_string(&[record]).unwrap();
    let report = signpost::catalog::import::import(
        &app.catalog,
        signpost::catalog::import::read_source(&text).unwrap(),
    )
    .unwrap();
    assert_eq!(report.updated, 1);
    loop {
        if app.names("/services?search=supper").await == ["Bow Supper Club"] {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "the change never became searchable"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        !app.names("/services?search=lunch")
            .await
            .contains(&"Bow Lunch Club".to_owned()),
        "the old name is gone"
    );
}

fn link_ids(body: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = body["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| link["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// A service with one place is indexed as one document standing for the service and for
/// its place: searching places still answers with the place's own id, and once the
/// service has a second place, or its place says something of its own, each place is
/// listed and searched on its own.
#[tokio::test]
async fn a_service_with_one_place_is_listed_at_it_as_one_with_more() {
    let app = fixture_app().await;
    let services = fixtures::services();
    let mut lunch = services[0].clone();
    let hall_link = lunch["service_at_locations"][0].clone();
    let hall_id = hall_link["id"].as_str().unwrap().to_owned();

    let body = app.get_json("/service_at_locations?search=lunch").await;
    assert_eq!(body["total_items"], 1);
    assert_eq!(link_ids(&body), std::slice::from_ref(&hall_id));
    assert_eq!(body["contents"][0]["service"]["name"], "Bow Lunch Club");
    assert_eq!(
        body["contents"][0]["location"]["name"],
        "Bow Community Hall"
    );
    let full = app
        .get_json(&format!("/service_at_locations/{hall_id}"))
        .await;
    assert_eq!(full["service"]["name"], "Bow Lunch Club");

    // A second place: both are listed, each by its own id; the service once.
    let mut church_link = services[2]["service_at_locations"][0].clone();
    let church_id = "50000000-0000-4000-8000-000000000901";
    church_link["id"] = json!(church_id);
    lunch["service_at_locations"] = json!([hall_link.clone(), church_link]);
    assert!(app.import(std::slice::from_ref(&lunch)).all_imported());
    let body = app.get_json("/service_at_locations?search=lunch").await;
    assert_eq!(body["total_items"], 2, "{body}");
    let mut both = vec![hall_id.clone(), church_id.to_owned()];
    both.sort();
    assert_eq!(link_ids(&body), both);
    assert_eq!(
        app.get_json("/services?search=lunch").await["total_items"],
        1
    );
    let church = app
        .get_json("/service_at_locations?search=lunch%20church")
        .await;
    assert_eq!(
        church["contents"][0]["id"], church_id,
        "first, the place whose own address matches: {church}"
    );

    // One place again, with words of its own: they find the place, not the service.
    let mut described = hall_link;
    described["description"] = json!("Tuesday sittings in the garden room");
    lunch["service_at_locations"] = json!([described]);
    assert!(app.import(std::slice::from_ref(&lunch)).all_imported());
    let body = app
        .get_json("/service_at_locations?search=garden%20room")
        .await;
    assert_eq!(body["total_items"], 1, "{body}");
    assert_eq!(link_ids(&body), std::slice::from_ref(&hall_id));
    assert_eq!(
        app.get_json("/services?search=garden%20room").await["total_items"],
        0,
        "a place's own description is not the service's"
    );
    assert_eq!(
        link_ids(&app.get_json("/service_at_locations?search=lunch").await),
        [hall_id]
    );
}

/// The ids of a page of results, in order.
fn page_ids(body: &Value) -> Vec<String> {
    body["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Pages 25 to 29 of 20 (around and beyond [`signpost::index::DEEP_LISTING_OFFSET`]) are
/// the slices of `whole` they should be.
async fn deep_pages_slice(app: &TestApp, whole: &[String]) {
    for page in [25, 26, 28, 29] {
        let body = app
            .get_json(&format!("/services?per_page=20&page={page}"))
            .await;
        assert_eq!(body["total_items"], whole.len());
        let from = ((page - 1) * 20).min(whole.len());
        let to = (page * 20).min(whole.len());
        assert_eq!(
            page_ids(&body),
            whole[from..to],
            "page {page} of {}",
            whole.len()
        );
    }
}

#[tokio::test]
async fn deep_pages_of_a_listing_are_slices_of_its_whole_order_also_after_a_change() {
    let app = spawn_empty_app().await;
    // Names repeat, so that the order falls to the ids too.
    let records: Vec<Value> = (0..560)
        .map(|n| {
            service_record(
                &format!("5e000001-0000-4000-8000-{n:012x}"),
                &format!("Club {}", n % 37),
            )
        })
        .collect();
    app.import(&records);
    let whole = page_ids(&app.get_json("/services?per_page=1000").await);
    assert_eq!(whole.len(), 560);
    deep_pages_slice(&app, &whole).await;
    // A new service first in the order moves every page along by one: the order kept for
    // the deep pages is not the previous searcher's.
    app.import(&[service_record(
        "5e000001-0000-4000-8000-ffffffffffff",
        "Aardvark Club",
    )]);
    let whole = page_ids(&app.get_json("/services?per_page=1000").await);
    assert_eq!(whole.len(), 561);
    assert_eq!(whole[0], "5e000001-0000-4000-8000-ffffffffffff");
    deep_pages_slice(&app, &whole).await;
}
