//! Capacity at a glance: an organisation's editor says, in seconds, whether a service takes
//! referrals; it is published at once, shown on pages, filterable, exported as HSDS 3.1
//! `service_capacity`, audited, and out of date after 30 days unconfirmed.

use serde_json::json;
use signpost::domain::account::{AuditAction, Role};
use signpost::domain::capacity::CapacityState;

use crate::editing::staff;
use crate::helpers::{Visitor, organisations_with_services, spawn_app, spawn_empty_app_at};

fn ids(page: &serde_json::Value) -> Vec<String> {
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|service| service["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_editor_says_a_service_has_a_waiting_list_and_it_shows_at_once() {
    let app = spawn_app().await;
    let found = organisations_with_services(&app);
    let [(organisation, service), (_, elsewhere)] = [found[0], found[1]];
    let email = "referrals@charity.example.org";
    let mut editor = staff(
        &app,
        email,
        Role::OrganisationEditor {
            organisations: [organisation].into(),
        },
    )
    .await;
    assert!(
        editor
            .get("/manage")
            .await
            .text
            .contains(&format!("/manage/services/{service}/capacity"))
    );
    let path = format!("/manage/services/{service}/capacity");
    let form = editor.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.text);
    let csrf = editor.csrf();

    // A wait that is not a number is refused, with the reason, and nothing is published.
    let refused = editor
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("state", "waiting_list"),
                ("wait_weeks", "soon"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.text.contains("whole number of weeks"),
        "{}",
        refused.text
    );
    assert!(app.catalog.store().capacity(service).unwrap().is_none());

    let published = editor
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("state", "waiting_list"),
                ("wait_weeks", "6"),
            ],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.text);

    // Published at once: the API, the filter, the pages.
    let record = app.get_json(&format!("/services/{service}")).await;
    assert_eq!(record["capacity"]["state"], "waiting_list", "{record}");
    assert_eq!(record["capacity"]["wait_weeks"], 6);
    assert!(record["capacity"]["stale_from"].as_str().is_some());
    assert_eq!(record["service_capacity"][0]["available"], 1);
    assert_eq!(record["service_capacity"][0]["unit"]["name"], "referrals");
    assert_eq!(
        record["service_capacity"][0]["description"],
        "Waiting list, about 6 weeks"
    );
    let documented = crate::contract::ours("Service");
    assert!(documented.is_valid(&record), "as documented: {record}");
    let accepting = app
        .get_json("/services?accepting_referrals=true&per_page=100")
        .await;
    assert_eq!(ids(&accepting), [service.to_string()]);
    assert!(
        crate::contract::ours("ServiceSummary").is_valid(&accepting["contents"][0]),
        "as documented: {accepting}"
    );
    let page = app.get(&format!("/service/{service}")).await;
    assert!(
        page.text.contains("Waiting list: about 6 weeks"),
        "service page"
    );
    let results = app.get("/search?accepting_referrals=true").await;
    assert!(
        results.text.contains("Waiting list: about 6 weeks"),
        "results page"
    );

    // Paused until a date: shown, and no longer among those taking referrals.
    let until = (chrono::Utc::now().date_naive() + chrono::Duration::days(14)).to_string();
    let paused = editor
        .post(
            &path,
            &[("csrf", &csrf), ("state", "paused"), ("until", &until)],
        )
        .await;
    assert_eq!(paused.status, 303);
    let accepting = app.get_json("/services?accepting_referrals=true").await;
    assert!(ids(&accepting).is_empty(), "{accepting}");
    let record = app.get_json(&format!("/services/{service}")).await;
    assert_eq!(
        record["capacity"],
        json!({
            "state": "paused",
            "until": until,
            "updated": record["capacity"]["updated"],
            "stale_from": record["capacity"]["stale_from"],
        })
    );
    assert_eq!(record["service_capacity"][0]["available"], 0);
    assert!(
        app.get(&format!("/service/{service}"))
            .await
            .text
            .contains("Not taking referrals until")
    );

    // Every change is audited; nothing went through moderation.
    let audited = app
        .catalog
        .store()
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == AuditAction::CapacitySet)
        .count();
    assert_eq!(audited, 2);
    assert!(app.catalog.store().proposals().unwrap().is_empty());

    // Another organisation's service is not this editor's to change.
    let other = format!("/manage/services/{elsewhere}/capacity");
    let refused = editor
        .post(&other, &[("csrf", &csrf), ("state", "taking")])
        .await;
    assert!(matches!(refused.status, 403 | 404), "{}", refused.status);
    assert!(app.catalog.store().capacity(elsewhere).unwrap().is_none());
    // And a visitor who is not signed in is sent to sign in.
    let mut visitor = Visitor::new(&app);
    assert_eq!(visitor.get(&path).await.status, 303);
}

#[tokio::test]
async fn capacity_not_confirmed_for_thirty_days_is_marked_and_stops_counting() {
    let app = spawn_empty_app_at("2026-11-23T12:00:00Z").await;
    app.import(&crate::fixtures::services());
    let found = organisations_with_services(&app);
    let [(organisation, service), (other_organisation, recent)] = [found[0], found[1]];
    let invited = signpost::auth::create_account(
        app.catalog.store(),
        None,
        "busy@charity.example.org",
        "Busy",
        vec![Role::OrganisationEditor {
            organisations: [organisation, other_organisation].into(),
        }],
        signpost::auth::INVITATION_VALID,
        chrono::Utc::now(),
    )
    .unwrap();
    let said = |days: i64| {
        "2026-11-23T12:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            - chrono::Duration::days(days)
    };
    app.catalog
        .set_capacity(&invited.account, service, CapacityState::Taking, said(31))
        .unwrap();
    app.catalog
        .set_capacity(&invited.account, recent, CapacityState::Taking, said(29))
        .unwrap();
    let accepting = app.get_json("/services?accepting_referrals=true").await;
    assert_eq!(ids(&accepting), [recent.to_string()]);
    let page = app.get(&format!("/service/{service}")).await;
    assert!(page.text.contains("Taking referrals"));
    assert!(
        page.text.contains("not confirmed for over 30 days"),
        "out of date, and said so"
    );
    let fresh = app.get(&format!("/service/{recent}")).await;
    assert!(!fresh.text.contains("not confirmed for over 30 days"));
}

/// Organisations' own systems set capacity with an API token (scope: notices).
#[tokio::test]
async fn an_organisations_system_sets_capacity_with_its_token() {
    let app = spawn_app().await;
    let found = organisations_with_services(&app);
    let [(organisation, service), (_, elsewhere)] = [found[0], found[1]];
    let email = "systems@charity.example.org";
    let mut editor = staff(
        &app,
        email,
        Role::OrganisationEditor {
            organisations: [organisation].into(),
        },
    )
    .await;
    let token = crate::write_api::make_token(&mut editor, organisation, &["notices"]).await;
    let path = format!("/api/manage/services/{service}/capacity");
    let set = crate::write_api::call(
        &app,
        "POST",
        &path,
        Some(&token),
        Some(json!({"state": "waiting_list", "wait_weeks": 8})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert!(
        crate::contract::ours("Capacity").is_valid(&set.body),
        "{}",
        set.body
    );
    assert_eq!(set.body["wait_weeks"], 8);
    // Searchable when the answer comes.
    let accepting = app.get_json("/services?accepting_referrals=true").await;
    assert_eq!(ids(&accepting), [service.to_string()]);
    // Bad bodies are 400s that say why; another organisation's service is 404.
    let bad = crate::write_api::call(
        &app,
        "POST",
        &path,
        Some(&token),
        Some(json!({"state": "waiting_list", "wait_weeks": 0})),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["detail"].as_str().unwrap().contains("weeks"),
        "{}",
        bad.body
    );
    let unknown = crate::write_api::call(
        &app,
        "POST",
        &path,
        Some(&token),
        Some(json!({"state": "full"})),
    )
    .await;
    assert_eq!(unknown.status, 400);
    let other = crate::write_api::call(
        &app,
        "POST",
        &format!("/api/manage/services/{elsewhere}/capacity"),
        Some(&token),
        Some(json!({"state": "taking"})),
    )
    .await;
    assert_eq!(other.status, 404);
    // Without a token: 401.
    let none =
        crate::write_api::call(&app, "POST", &path, None, Some(json!({"state": "taking"}))).await;
    assert_eq!(none.status, 401);
}
