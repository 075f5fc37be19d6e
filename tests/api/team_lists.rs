//! Team lists: a link worker saves the shortlist they built (named, with a note), shares it
//! with their team (a PCN or a locality); colleagues in that team reuse it as their own
//! shortlist; other teams cannot see it; lists never hold resident details.

use signpost::domain::account::Role;

use crate::helpers::{TestApp, Visitor, spawn_app};

/// A signed-in link worker in `team` (e.g. `locality:north-west`).
async fn link_worker<'a>(app: &'a TestApp, email: &str, team: Option<&str>) -> Visitor<'a> {
    let visitor = crate::editing::staff(app, email, Role::LinkWorker).await;
    let store = app.catalog.store();
    let mut account = store
        .account_by_email(&signpost::domain::account::login_email(email).unwrap())
        .unwrap()
        .unwrap();
    account.team = team.map(str::to_owned);
    store.put_account(&account).unwrap();
    visitor
}

#[tokio::test]
async fn a_list_shared_with_a_locality_is_reused_by_it_and_private_from_others() {
    let app = spawn_app().await;
    let localities: Vec<String> = app
        .catalog
        .geography()
        .teams()
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| key.starts_with("locality:"))
        .collect();
    assert_eq!(localities.len(), 4, "{localities:?}");
    shared_list_is_private_to_its_team(&app, &localities[0], &localities[1]).await;
}

/// With the geo pack, teams are the borough's PCNs (then its localities).
#[tokio::test]
async fn a_list_shared_with_a_pcn_is_private_to_that_pcn() {
    let Some(shared) = crate::helpers::shared_dir("team_lists::pcn") else {
        return;
    };
    let app = crate::helpers::spawn_app_with_pack(&shared.join("data/geo")).await;
    let teams = app.catalog.geography().teams();
    let pcns: Vec<&String> = teams
        .iter()
        .map(|(key, _)| key)
        .filter(|key| key.starts_with("pcn:"))
        .collect();
    assert_eq!(pcns.len(), 7, "Tower Hamlets has 7 PCNs: {teams:?}");
    shared_list_is_private_to_its_team(&app, pcns[0], pcns[1]).await;
}

async fn shared_list_is_private_to_its_team(app: &TestApp, ours: &str, theirs: &str) {
    let (ours, theirs) = (ours.to_owned(), theirs.to_owned());
    let ids = app.catalog.store().service_ids().unwrap();
    let services = [ids[0], ids[1], ids[2]];

    let mut author = link_worker(app, "author@nhs.example", Some(&ours)).await;
    // Build a shortlist as anyone does (the public shortlist), then save it.
    for service in services {
        author.get(&format!("/service/{service}")).await;
        let csrf = author.csrf();
        let added = author
            .post(
                "/shortlist",
                &[
                    ("csrf", &csrf),
                    ("id", &service.to_string()),
                    ("action", "add"),
                ],
            )
            .await;
        assert_eq!(added.status, 303);
    }
    let page = author.get("/lists").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Your shortlist has 3 services"));
    let csrf = author.csrf();
    // Resident details in a list's name or note are refused.
    let refused = author
        .post(
            "/lists",
            &[
                ("csrf", &csrf),
                ("name", "For Mrs Begum, DOB 01/02/1950"),
                ("share", "yes"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.text.contains("date of birth"), "{}", refused.text);
    let saved = author
        .post(
            "/lists",
            &[
                ("csrf", &csrf),
                ("name", "Lunch clubs and company"),
                (
                    "note",
                    "Good first steps for loneliness; ring ahead on Mondays.",
                ),
                ("share", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    let list_path = crate::helpers::location(&saved).to_owned();
    assert!(list_path.starts_with("/lists/"));

    // A colleague in the same team sees it and makes it their shortlist.
    let mut colleague = link_worker(app, "colleague@nhs.example", Some(&ours)).await;
    let lists = colleague.get("/lists").await;
    assert!(lists.text.contains("Lunch clubs and company"));
    let shown = colleague.get(&list_path).await;
    assert_eq!(shown.status, 200);
    assert!(shown.text.contains("ring ahead on Mondays"));
    let csrf = colleague.csrf();
    let used = colleague
        .post(&format!("{list_path}/use"), &[("csrf", &csrf)])
        .await;
    assert_eq!(used.status, 303);
    let shortlist = colleague.get("/shortlist").await;
    for service in services {
        assert!(
            shortlist.text.contains(&format!("/service/{service}")),
            "on the shortlist"
        );
    }
    // Only its owner deletes it.
    let refused = colleague
        .post(&format!("{list_path}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(refused.status, 403);

    // Another team's link worker, and one with no team, do not even see it.
    let mut other = link_worker(app, "other@nhs.example", Some(&theirs)).await;
    assert!(
        !other
            .get("/lists")
            .await
            .text
            .contains("Lunch clubs and company")
    );
    assert_eq!(other.get(&list_path).await.status, 404);
    let mut alone = link_worker(app, "alone@nhs.example", None).await;
    assert_eq!(alone.get(&list_path).await.status, 404);
    // Residents and organisation editors have no lists.
    assert_eq!(Visitor::new(app).get("/lists").await.status, 303);

    // The author deletes it.
    let csrf = author.csrf();
    let deleted = author
        .post(&format!("{list_path}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(author.get(&list_path).await.status, 404);
}

/// An administrator moves a link worker between teams: the lists they see follow.
#[tokio::test]
async fn an_administrator_changes_a_link_workers_team_and_the_shared_lists_follow() {
    let app = spawn_app().await;
    let localities: Vec<String> = app
        .catalog
        .geography()
        .teams()
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| key.starts_with("locality:"))
        .collect();
    let ours = &localities[0];
    let mut author = link_worker(&app, "author@nhs.example", Some(ours)).await;
    let service = app.catalog.store().service_ids().unwrap()[0];
    author.get(&format!("/service/{service}")).await;
    let csrf = author.csrf();
    author
        .post(
            "/shortlist",
            &[
                ("csrf", &csrf),
                ("id", &service.to_string()),
                ("action", "add"),
            ],
        )
        .await;
    let saved = author
        .post(
            "/lists",
            &[("csrf", &csrf), ("name", "Digital help"), ("share", "yes")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    let mut newcomer = link_worker(&app, "newcomer@nhs.example", None).await;
    assert!(!newcomer.get("/lists").await.text.contains("Digital help"));

    let mut admin =
        crate::editing::staff(&app, "admin@council.example.org", Role::Administrator).await;
    let page = admin.get("/admin/accounts").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let newcomer_id = app
        .catalog
        .store()
        .account_by_email(&signpost::domain::account::login_email("newcomer@nhs.example").unwrap())
        .unwrap()
        .unwrap()
        .id;
    assert!(
        page.text
            .contains(&format!("/admin/accounts/{newcomer_id}/team"))
    );
    let csrf = admin.csrf();
    let path = format!("/admin/accounts/{newcomer_id}/team");
    let moved = admin.post(&path, &[("csrf", &csrf), ("team", ours)]).await;
    assert_eq!(moved.status, 303, "{}", moved.text);
    assert!(newcomer.get("/lists").await.text.contains("Digital help"));
    // An unknown team is refused; no team takes them out again.
    let refused = admin
        .post(&path, &[("csrf", &csrf), ("team", "pcn:NOPE")])
        .await;
    assert_eq!(refused.status, 404);
    admin.post(&path, &[("csrf", &csrf), ("team", "")]).await;
    assert!(!newcomer.get("/lists").await.text.contains("Digital help"));
    // Only administrators move people.
    let csrf = author.csrf();
    let refused = author.post(&path, &[("csrf", &csrf), ("team", ours)]).await;
    assert_ne!(refused.status, 303);
    assert_eq!(
        app.catalog
            .store()
            .account(newcomer_id)
            .unwrap()
            .unwrap()
            .team,
        None
    );
}
