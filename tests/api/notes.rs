//! Professional notes: link workers leave service-level tips for colleagues; notes never
//! hold resident data (refused), are seen only by link workers and moderators, and
//! moderators can hide them.

use signpost::domain::account::Role;

use crate::editing::{borough_moderator, staff};
use crate::helpers::{Visitor, organisations_with_services, spawn_app};

#[tokio::test]
async fn link_workers_share_tips_that_only_staff_who_should_can_read() {
    let app = spawn_app().await;
    let (organisation, service) = organisations_with_services(&app)[0];
    let path = format!("/notes/{service}");
    let mut worker = staff(&app, "link.worker@nhs.example", Role::LinkWorker).await;
    let empty = worker.get(&path).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert!(empty.text.contains("No notes yet"));
    let csrf = worker.csrf();
    let tip = "The drop-in is quieter on Tuesdays; ask for the Sylheti-speaking volunteer.";
    let saved = worker.post(&path, &[("csrf", &csrf), ("note", tip)]).await;
    assert_eq!(saved.status, 303, "{}", saved.text);

    // Resident details are refused, kept in the form only, and nothing is stored.
    let refused = worker
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("note", "Ring her on 07700 900417 after six"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused
            .text
            .contains("phone number that is not the service")
    );
    let refused = worker
        .post(
            &path,
            &[("csrf", &csrf), ("note", "NHS 943 476 5919 came on Monday")],
        )
        .await;
    assert!(refused.text.contains("NHS number"), "{}", refused.text);
    assert_eq!(app.catalog.store().notes_of(service).unwrap().len(), 1);

    let shown = worker.get(&path).await;
    assert!(shown.text.contains("quieter on Tuesdays"));
    assert!(shown.text.contains("Test person,"), "author and date shown");

    // Not for the public, organisation editors, the API or the service page.
    assert_eq!(Visitor::new(&app).get(&path).await.status, 303);
    let mut editor = staff(
        &app,
        "editor@charity.example.org",
        Role::OrganisationEditor {
            organisations: [organisation].into(),
        },
    )
    .await;
    assert_eq!(editor.get(&path).await.status, 403);
    assert!(
        !app.get(&format!("/service/{service}"))
            .await
            .text
            .contains("quieter on Tuesdays")
    );
    assert!(
        !app.get(&format!("/services/{service}"))
            .await
            .text
            .contains("quieter on Tuesdays")
    );

    // A moderator sees it and hides it; link workers then no longer see it.
    let mut moderator = borough_moderator(&app).await;
    let page = moderator.get(&path).await;
    assert!(page.text.contains("quieter on Tuesdays"), "{}", page.text);
    let note = app.catalog.store().notes_of(service).unwrap()[0].id;
    let csrf = moderator.csrf();
    let hidden = moderator
        .post(&format!("{path}/{note}/hide"), &[("csrf", &csrf)])
        .await;
    assert_eq!(hidden.status, 303, "{}", hidden.text);
    assert!(!worker.get(&path).await.text.contains("quieter on Tuesdays"));
    assert!(
        moderator
            .get(&path)
            .await
            .text
            .contains("hidden by a moderator")
    );
    // A link worker cannot hide notes.
    let csrf = worker.csrf();
    let refused = worker
        .post(&format!("{path}/{note}/hide"), &[("csrf", &csrf)])
        .await;
    assert_eq!(refused.status, 403);
}
