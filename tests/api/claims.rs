//! "Is this your organisation?": a request from the organisation's page reaches the
//! moderators, who make the person an editor (a new account with a one-time link, or a role
//! added to an existing account) or decline it.

use signpost::domain::account::Role;

use crate::accounts::{PASSWORD, accept, link_path, sign_in};
use crate::editing::staff;
use crate::helpers::{Visitor, form_fields, location, organisations_with_services, spawn_app};

#[tokio::test]
async fn an_organisation_asks_to_keep_its_listings_and_a_moderator_makes_it_an_editor() {
    let app = spawn_app().await;
    let found = organisations_with_services(&app);
    let [(org_a, service), (org_b, _)] = [found[0], found[1]];

    // The organisation's page leads to the request form.
    let mut asker = Visitor::new(&app);
    let page = asker.get(&format!("/organisation/{org_a}")).await;
    let claim_path = format!("/organisation/{org_a}/claim");
    assert!(page.text.contains(&claim_path));
    let form = asker.get(&claim_path).await;
    assert_eq!(form.status, 200);
    let mut fields = form_fields(&form.text, &claim_path);
    fields.extend([
        ("name".to_owned(), "Shirin".to_owned()),
        ("email".to_owned(), "not an address".to_owned()),
        ("role".to_owned(), "Volunteer coordinator".to_owned()),
    ]);
    let refused = asker
        .post(
            &claim_path,
            &fields
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.text.contains("Your work email address:"));
    let csrf = asker.csrf();
    let sent = asker
        .post(
            &claim_path,
            &[
                ("csrf", &csrf),
                ("name", "Shirin"),
                ("email", "Shirin@Charity.example.org"),
                ("role", "Volunteer coordinator"),
                ("note", "We run the lunch club"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303);
    assert_eq!(location(&sent), format!("{claim_path}?sent=1"));

    // A moderator approves it and is given the one-time link to send.
    let mut moderator = staff(
        &app,
        "mo@council.example.org",
        Role::Moderator {
            localities: Default::default(),
        },
    )
    .await;
    let queue = moderator.get("/moderation").await;
    assert!(queue.text.contains("shirin@charity.example.org"));
    assert!(queue.text.contains("We run the lunch club"));
    let claim = app.catalog.store().claims().unwrap()[0].id;
    let csrf = moderator.csrf();
    let approved = moderator
        .post(
            &format!("/moderation/claims/{claim}"),
            &[("csrf", &csrf), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert!(
        approved
            .text
            .contains("Send this link to shirin@charity.example.org")
    );
    let link = link_path(&approved.text);
    assert!(
        !moderator
            .get("/moderation")
            .await
            .text
            .contains("We run the lunch club")
    );

    // The new editor sets a password and finds the organisation's listings.
    let mut editor = Visitor::new(&app);
    assert_eq!(accept(&mut editor, &link, PASSWORD).await.status, 200);
    assert_eq!(
        sign_in(&mut editor, "shirin@charity.example.org", PASSWORD)
            .await
            .status,
        303
    );
    assert!(
        editor
            .get("/manage")
            .await
            .text
            .contains(&format!("/manage/services/{service}"))
    );

    // Someone with an account already gains the organisation; a doubtful request is declined.
    let mut other = staff(
        &app,
        "ed@other.example.org",
        Role::OrganisationEditor {
            organisations: [org_b].into(),
        },
    )
    .await;
    let csrf = other.csrf();
    other
        .post(
            &claim_path,
            &[
                ("csrf", &csrf),
                ("name", "Ed"),
                ("email", "ed@other.example.org"),
                ("role", "Trustee"),
            ],
        )
        .await;
    let csrf = asker.csrf();
    asker
        .post(
            &claim_path,
            &[
                ("csrf", &csrf),
                ("name", "Someone"),
                ("email", "someone@example.com"),
                ("role", "Unknown"),
            ],
        )
        .await;
    let pending: Vec<_> = app
        .catalog
        .store()
        .claims()
        .unwrap()
        .into_iter()
        .filter(|c| c.is_pending())
        .collect();
    assert_eq!(pending.len(), 2);
    let csrf = moderator.csrf();
    for claim in pending {
        let (decision, reason) = if claim.email.as_str() == "ed@other.example.org" {
            ("approve", "")
        } else {
            ("reject", "We could not confirm you work there")
        };
        let reply = moderator
            .post(
                &format!("/moderation/claims/{}", claim.id),
                &[("csrf", &csrf), ("decision", decision), ("reason", reason)],
            )
            .await;
        assert_eq!(reply.status, 200);
        if decision == "approve" {
            assert!(reply.text.contains("now also edits"));
        }
    }
    assert_eq!(
        other
            .get(&format!("/manage/services/{service}"))
            .await
            .status,
        200,
        "the existing account now edits both organisations"
    );
    let declined = app
        .catalog
        .store()
        .claims()
        .unwrap()
        .into_iter()
        .find(|c| c.email.as_str() == "someone@example.com")
        .unwrap();
    assert!(!declined.approved);
    assert!(
        app.catalog
            .store()
            .account_by_email(&declined.email)
            .unwrap()
            .is_none()
    );
}
