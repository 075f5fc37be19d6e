//! Self-service editing and moderation over HTTP, as people use it with a browser: an
//! invited organisation editor changes a listing; the public API keeps the old version until
//! a moderator approves, then shows the new one; a rejected change never reaches it; another
//! organisation's editor is refused everywhere; forged forms and dead sessions are refused.

use signpost::domain::account::Role;
use signpost::domain::ids::ServiceId;

use crate::accounts::{PASSWORD, accept, create, link_path, set_up_authenticator, sign_in};
use crate::helpers::{
    Reply, TestApp, Visitor, form_fields, location, organisations_with_services, set_field,
    spawn_app,
};

async fn post_fields(visitor: &mut Visitor<'_>, path: &str, fields: &[(String, String)]) -> Reply {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    visitor.post(path, &pairs).await
}

/// A signed-in visitor with a new account holding `role`.
/// A signed-in moderator of the whole borough.
pub async fn borough_moderator<'a>(app: &'a TestApp) -> Visitor<'a> {
    staff(
        app,
        "mo@council.example.org",
        Role::Moderator {
            localities: Default::default(),
        },
    )
    .await
}

/// A signed-in moderator of the north-west locality only.
pub async fn local_moderator<'a>(app: &'a TestApp) -> Visitor<'a> {
    staff(
        app,
        "local@council.example.org",
        Role::Moderator {
            localities: ["north-west".to_owned()].into(),
        },
    )
    .await
}

pub async fn staff<'a>(app: &'a TestApp, email: &str, role: Role) -> Visitor<'a> {
    let link = create(app, email, role);
    let mut visitor = Visitor::new(app);
    assert_eq!(accept(&mut visitor, &link, PASSWORD).await.status, 200);
    assert_eq!(sign_in(&mut visitor, email, PASSWORD).await.status, 303);
    let moderates = app
        .catalog
        .store()
        .account_by_email(&signpost::domain::account::login_email(email).unwrap())
        .unwrap()
        .unwrap()
        .is_moderator();
    if moderates {
        set_up_authenticator(&mut visitor).await;
    }
    visitor
}

async fn public_name(app: &TestApp, id: ServiceId) -> String {
    app.get_json(&format!("/services/{id}")).await["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The id of the first change waiting in a moderator's queue page.
fn first_proposal(queue: &str) -> String {
    let start = queue
        .find("/moderation/proposals/")
        .expect("a change in the queue")
        + "/moderation/proposals/".len();
    queue[start..start + 36].to_owned()
}

#[tokio::test]
async fn an_invited_editor_changes_a_listing_that_goes_live_only_when_a_moderator_approves() {
    let app = spawn_app().await;
    let [(org_a, service), (org_b, other_service)] = {
        let found = organisations_with_services(&app);
        [found[0], found[1]]
    };
    let old_name = public_name(&app, service).await;

    // An administrator invites the organisation's editor, who sets a password and signs in.
    let mut admin = staff(&app, "admin@council.example.org", Role::Administrator).await;
    admin.get("/admin/accounts").await;
    let csrf = admin.csrf();
    let invited = admin
        .post(
            "/admin/accounts",
            &[
                ("csrf", &csrf),
                ("name", "Shirin"),
                ("email", "shirin@charity.example.org"),
                ("role", "organisation_editor"),
                ("organisation", &org_a.to_string()),
            ],
        )
        .await;
    assert_eq!(invited.status, 200, "{}", invited.text);
    let mut editor = Visitor::new(&app);
    let link = link_path(&invited.text);
    assert_eq!(accept(&mut editor, &link, PASSWORD).await.status, 200);
    assert_eq!(
        sign_in(&mut editor, "shirin@charity.example.org", PASSWORD)
            .await
            .status,
        303
    );
    let mut moderator = staff(
        &app,
        "mo@council.example.org",
        Role::Moderator {
            localities: Default::default(),
        },
    )
    .await;

    // The editor finds the listing, edits it in the form and submits it.
    let dashboard = editor.get("/manage").await;
    assert_eq!(dashboard.status, 200);
    assert_eq!(dashboard.headers["cache-control"], "no-store");
    assert!(
        dashboard
            .text
            .contains(&format!("/manage/services/{service}"))
    );
    let path = format!("/manage/services/{service}");
    let page = editor.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let mut fields = form_fields(&page.text, &path);
    let new_name = format!("{old_name} (new times)");
    set_field(&mut fields, "name", &new_name);
    set_field(&mut fields, "opens-SA-1", "10:00");
    set_field(&mut fields, "closes-SA-1", "12:30");
    set_field(&mut fields, "new-name", "Our hidden refuge");
    set_field(&mut fields, "new-address_1", "99 Hidden Lane");
    set_field(&mut fields, "new-postcode", "E1 6AN");
    set_field(&mut fields, "new-confidential", "yes");
    set_field(&mut fields, "note", "New Saturday session");

    // A form without its CSRF token changes nothing.
    let forged: Vec<(String, String)> = fields
        .iter()
        .filter(|(n, _)| n != "csrf")
        .cloned()
        .chain([("action".to_owned(), "submit".to_owned())])
        .collect();
    assert_eq!(post_fields(&mut editor, &path, &forged).await.status, 400);
    assert!(
        app.catalog.store().proposals().unwrap().is_empty(),
        "a forged form saves nothing"
    );

    fields.push(("action".to_owned(), "submit".to_owned()));
    let submitted = post_fields(&mut editor, &path, &fields).await;
    assert_eq!(submitted.status, 303, "{}", submitted.text);
    assert_eq!(location(&submitted), "/manage?done=submitted");
    let status = editor.get("/manage").await;
    assert!(status.text.contains("Waiting for a moderator"));

    // The public API still shows the live version.
    assert_eq!(public_name(&app, service).await, old_name);

    // The moderator reviews the change field by field and approves it.
    let queue = moderator.get("/moderation").await;
    assert_eq!(queue.status, 200);
    let proposal = first_proposal(&queue.text);
    let review = moderator
        .get(&format!("/moderation/proposals/{proposal}"))
        .await;
    assert_eq!(review.status, 200);
    assert!(review.text.contains(&new_name.replace('\'', "&#39;")));
    assert!(review.text.contains("New Saturday session"));
    assert!(
        review.text.contains("99 Hidden Lane"),
        "moderators see the address"
    );
    let csrf = moderator.csrf();
    let approved = moderator
        .post(
            &format!("/moderation/proposals/{proposal}"),
            &[("csrf", &csrf), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status, 303, "{}", approved.text);

    // Live at once, in the API and in search; the confidential address never is.
    assert_eq!(public_name(&app, service).await, new_name);
    let record = app.get(&format!("/services/{service}")).await.text;
    assert!(record.contains("SA"), "the new session is published");
    assert!(!record.contains("Hidden Lane") && !record.contains("E1 6AN"));
    let page = app.get(&format!("/service/{service}")).await.text;
    assert!(!page.contains("Hidden Lane"));
    let found = app.get("/services?search=new+times&per_page=5").await.text;
    assert!(found.contains(&service.to_string()));
    assert!(!found.contains("Hidden Lane"));

    // A change the moderator rejects never reaches the public API.
    let page = editor.get(&path).await;
    let mut fields = form_fields(&page.text, &path);
    set_field(&mut fields, "name", "Zorblax kitchen");
    fields.push(("action".to_owned(), "submit".to_owned()));
    assert_eq!(post_fields(&mut editor, &path, &fields).await.status, 303);
    let queue = moderator.get("/moderation").await;
    let proposal = first_proposal(&queue.text);
    let csrf = moderator.csrf();
    let without_reason = moderator
        .post(
            &format!("/moderation/proposals/{proposal}"),
            &[("csrf", &csrf), ("decision", "reject"), ("reason", " ")],
        )
        .await;
    assert_eq!(without_reason.status, 409, "a rejection needs a reason");
    let rejected = moderator
        .post(
            &format!("/moderation/proposals/{proposal}"),
            &[
                ("csrf", &csrf),
                ("decision", "reject"),
                ("reason", "Please keep the registered name"),
            ],
        )
        .await;
    assert_eq!(rejected.status, 303);
    assert_eq!(public_name(&app, service).await, new_name);
    let zorblax = app.get("/services?search=zorblax").await.text;
    assert!(!zorblax.contains(&service.to_string()), "{zorblax}");
    let status = editor.get("/manage").await;
    assert!(
        status
            .text
            .contains("Not approved: Please keep the registered name")
    );

    // The record's history shows both versions, newest first.
    let history = moderator
        .get(&format!("/moderation/history/service/{service}"))
        .await;
    assert_eq!(history.status, 200);
    assert!(history.text.contains("New Saturday session"));

    // Another organisation's editor is refused everywhere.
    let mut outsider = staff(
        &app,
        "ed@other.example.org",
        Role::OrganisationEditor {
            organisations: [org_b].into(),
        },
    )
    .await;
    assert!(
        !outsider
            .get("/manage")
            .await
            .text
            .contains(&service.to_string())
    );
    assert!(
        outsider
            .get("/manage")
            .await
            .text
            .contains(&other_service.to_string())
    );
    let csrf = outsider.csrf();
    for (method, target) in [
        ("GET", path.clone()),
        ("POST", path.clone()),
        ("GET", format!("{path}/notice")),
        ("POST", format!("{path}/notice")),
        ("POST", format!("{path}/assure")),
        ("GET", format!("/manage/services/new?organisation={org_a}")),
        ("POST", format!("/manage/services/new?organisation={org_a}")),
        ("GET", "/moderation".to_owned()),
        ("GET", format!("/moderation/proposals/{proposal}")),
        ("POST", format!("/moderation/proposals/{proposal}")),
        ("GET", format!("/moderation/history/service/{service}")),
    ] {
        let reply = if method == "GET" {
            outsider.get(&target).await
        } else {
            outsider
                .post(
                    &target,
                    &[
                        ("csrf", &csrf),
                        ("name", "Hijacked"),
                        ("status", "active"),
                        ("kind", "closed"),
                        ("message", "Hijacked"),
                        ("decision", "approve"),
                        ("action", "submit"),
                    ],
                )
                .await
        };
        assert_eq!(reply.status, 403, "{method} {target}");
    }
    assert_eq!(public_name(&app, service).await, new_name);

    // An oversized body is refused before anything reads it.
    let huge = "x".repeat(signpost::http::MAX_BODY_BYTES + 1);
    let refused = outsider
        .post(&path, &[("csrf", &csrf), ("description", &huge)])
        .await;
    assert_eq!(refused.status, 413);

    // Dead or stolen sessions lead to the sign-in page, not to the listings.
    let mut stranger = Visitor::new(&app);
    stranger
        .cookies
        .insert("signpost_session".to_owned(), "ab".repeat(32));
    let away = stranger.get("/manage").await;
    assert_eq!(away.status, 303);
    assert!(location(&away).starts_with("/account/login"));
}

#[tokio::test]
async fn an_urgent_notice_is_live_at_once_and_still_correct_stamps_the_listing() {
    let app = spawn_app().await;
    let [(org_a, service), _] = {
        let found = organisations_with_services(&app);
        [found[0], found[1]]
    };
    let mut editor = staff(
        &app,
        "ed@charity.example.org",
        Role::OrganisationEditor {
            organisations: [org_a].into(),
        },
    )
    .await;
    let notice = format!("/manage/services/{service}/notice");
    assert_eq!(editor.get(&notice).await.status, 200);
    let csrf = editor.csrf();
    let empty = editor
        .post(
            &notice,
            &[("csrf", &csrf), ("kind", "closed"), ("message", "")],
        )
        .await;
    assert_eq!(empty.status, 400, "a closure needs a message");
    let published = editor
        .post(
            &notice,
            &[
                ("csrf", &csrf),
                ("kind", "closed"),
                ("message", "Closed after a flood; back on 3 December"),
            ],
        )
        .await;
    assert_eq!(published.status, 303);
    let record = app.get_json(&format!("/services/{service}")).await;
    assert_eq!(record["status"], "temporarily closed");
    assert_eq!(record["alert"], "Closed after a flood; back on 3 December");

    let assured = editor
        .post(
            &format!("/manage/services/{service}/assure"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(assured.status, 303);
    let record = app.get_json(&format!("/services/{service}")).await;
    assert_eq!(record["assurer_email"], "ed@charity.example.org");
    assert_eq!(
        record["assured_date"],
        signpost::search::query::london_now().date().to_string()
    );
}

#[tokio::test]
async fn an_organisations_own_details_change_only_when_approved() {
    let app = spawn_app().await;
    let (org_a, _) = organisations_with_services(&app)[0];
    let mut editor = staff(
        &app,
        "ed@charity.example.org",
        Role::OrganisationEditor {
            organisations: [org_a].into(),
        },
    )
    .await;
    let path = format!("/manage/organisations/{org_a}");
    let page = editor.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let before = app.get_json(&format!("/organizations/{org_a}")).await["description"].clone();
    let mut fields = form_fields(&page.text, &path);
    set_field(&mut fields, "url", "not a web address");
    fields.push(("action".to_owned(), "submit".to_owned()));
    let refused = post_fields(&mut editor, &path, &fields).await;
    assert_eq!(refused.status, 400);
    assert!(refused.text.contains("Website:"));
    set_field(&mut fields, "url", "https://charity.example.org/");
    set_field(
        &mut fields,
        "description",
        "We now also run a Saturday food bank.",
    );
    let submitted = post_fields(&mut editor, &path, &fields).await;
    assert_eq!(submitted.status, 303, "{}", submitted.text);
    assert_eq!(
        app.get_json(&format!("/organizations/{org_a}")).await["description"],
        before
    );
    let mut moderator = staff(
        &app,
        "mo@council.example.org",
        Role::Moderator {
            localities: Default::default(),
        },
    )
    .await;
    let queue = moderator.get("/moderation").await;
    let proposal = first_proposal(&queue.text);
    let csrf = moderator.csrf();
    let approved = moderator
        .post(
            &format!("/moderation/proposals/{proposal}"),
            &[("csrf", &csrf), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status, 303);
    let after = app.get_json(&format!("/organizations/{org_a}")).await;
    assert_eq!(
        after["description"],
        "We now also run a Saturday food bank."
    );
    assert_eq!(after["website"], "https://charity.example.org/");
}
