//! Every staff route against every role: who is let in, who is sent to sign in, who is
//! refused, and that a refused write changes nothing.

use signpost::domain::account::Role;
use signpost::domain::moderation::{Proposal, Record};

use crate::accounts::{PASSWORD, accept, create, set_up_authenticator, sign_in};
use crate::helpers::{TestApp, Visitor, organisations_with_services, spawn_app};

/// The people tried, in table column order.
const PEOPLE: [&str; 7] = [
    "anonymous",
    "link worker",
    "editor of A",
    "editor of B",
    "moderator",
    "moderator elsewhere",
    "administrator",
];

/// What a person gets: let in (any status but these), sent to sign in, refused, or told
/// it does not exist (a moderator asking about another locality's record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    In,
    SignIn,
    Refused,
    Hidden,
}
use Outcome::{Hidden, In, Refused, SignIn};

async fn person<'a>(app: &'a TestApp, n: usize, role: Option<Role>) -> Visitor<'a> {
    let mut visitor = Visitor::new(app);
    let Some(role) = role else {
        visitor.get("/account/login").await;
        return visitor;
    };
    let email = format!("person{n}@example.org");
    let link = create(app, &email, role.clone());
    assert_eq!(accept(&mut visitor, &link, PASSWORD).await.status, 200);
    assert_eq!(sign_in(&mut visitor, &email, PASSWORD).await.status, 303);
    if matches!(role, Role::Administrator | Role::Moderator { .. }) {
        set_up_authenticator(&mut visitor).await;
    }
    visitor
}

fn outcome(status: u16, location: Option<&str>) -> Outcome {
    match status {
        303 if location.is_some_and(|l| l.starts_with("/account/login")) => SignIn,
        403 => Refused,
        404 => Hidden,
        _ => In,
    }
}

#[tokio::test]
async fn every_staff_route_lets_in_exactly_the_roles_it_should() {
    let app = spawn_app().await;
    let store = app.catalog.store();
    let with_service = organisations_with_services(&app);
    let [(org_a, service), (org_b, _)] = [with_service[0], with_service[1]];
    let placed = app.catalog.placed_service(service).unwrap().unwrap();
    let here = placed
        .placements
        .values()
        .find_map(|p| p.ward)
        .map(|ward| app.catalog.geography().locality_of(ward).id.clone());
    let elsewhere = app
        .catalog
        .geography()
        .localities()
        .iter()
        .find(|l| Some(&l.id) != here.as_ref())
        .unwrap()
        .id
        .clone();

    let roles = [
        None,
        Some(Role::LinkWorker),
        Some(Role::OrganisationEditor {
            organisations: [org_a].into(),
        }),
        Some(Role::OrganisationEditor {
            organisations: [org_b].into(),
        }),
        Some(Role::Moderator {
            localities: Default::default(),
        }),
        Some(Role::Moderator {
            localities: [elsewhere].into(),
        }),
        Some(Role::Administrator),
    ];
    let mut people = Vec::new();
    for (n, role) in roles.into_iter().enumerate() {
        people.push(person(&app, n, role).await);
    }

    // A change by the editor of A, waiting for a moderator.
    let editor_a = store
        .account_by_email(&signpost::domain::account::login_email("person2@example.org").unwrap())
        .unwrap()
        .unwrap();
    let live = store.service(service).unwrap().unwrap();
    let mut changed = live.clone();
    changed.name = format!("{} (changed)", live.name);
    let proposal = app
        .catalog
        .save_proposal(
            &editor_a,
            Proposal::draft(
                org_a,
                editor_a.id,
                vec![Record::Service(Box::new(changed))],
                &[Some(Record::Service(Box::new(live.clone())))],
                chrono::Utc::now(),
            ),
            true,
            chrono::Utc::now(),
        )
        .unwrap();

    let edit = format!("/manage/services/{service}");
    let notice = format!("{edit}/notice");
    let new = format!("/manage/services/new?organisation={org_a}");
    let review = format!("/moderation/proposals/{}", proposal.id);
    let history = format!("/moderation/history/service/{service}");
    let tokens = format!("/manage/organisations/{org_a}/tokens");
    let organisation = format!("/manage/organisations/{org_a}");
    //            anonymous  link     ed A     ed B     mod      mod far  admin
    let gets: Vec<(&str, [Outcome; 7])> = vec![
        ("/account", [SignIn, In, In, In, In, In, In]),
        ("/account/two-factor", [SignIn, In, In, In, In, In, In]),
        ("/manage", [SignIn, In, In, In, In, In, In]),
        (&edit, [SignIn, Refused, In, Refused, Refused, Refused, In]),
        (
            &notice,
            [SignIn, Refused, In, Refused, Refused, Refused, In],
        ),
        (&new, [SignIn, Refused, In, Refused, Refused, Refused, In]),
        (
            "/moderation",
            [SignIn, Refused, Refused, Refused, In, In, In],
        ),
        (
            "/moderation/freshness",
            [SignIn, Refused, Refused, Refused, In, In, In],
        ),
        (
            "/moderation/outbox",
            [SignIn, Refused, Refused, Refused, In, In, In],
        ),
        (
            "/moderation/feeds",
            [SignIn, Refused, Refused, Refused, In, In, In],
        ),
        (
            "/moderation/import",
            [SignIn, Refused, Refused, Refused, In, Refused, In],
        ),
        (&review, [SignIn, Refused, Refused, Refused, In, Hidden, In]),
        (
            &history,
            [SignIn, Refused, Refused, Refused, In, Hidden, In],
        ),
        (
            &organisation,
            [SignIn, Refused, In, Refused, Refused, Refused, In],
        ),
        (
            &tokens,
            [SignIn, Refused, In, Refused, Refused, Refused, In],
        ),
        (
            "/admin/accounts",
            [SignIn, Refused, Refused, Refused, Refused, Refused, In],
        ),
    ];
    let mut wrong = Vec::new();
    for (path, expected) in &gets {
        for (who, visitor) in people.iter_mut().enumerate() {
            let reply = visitor.get(path).await;
            let got = outcome(
                reply.status,
                reply.headers.get("location").and_then(|l| l.to_str().ok()),
            );
            if got != expected[who] {
                wrong.push(format!(
                    "GET {path} as {}: {got:?} ({}), expected {:?}",
                    PEOPLE[who], reply.status, expected[who]
                ));
            }
        }
    }

    // Writes: every refused person is refused and changes nothing. (The allowed ones are
    // exercised for what they do in the editing tests.)
    let assure = format!("{edit}/assure");
    let reports = "/moderation/reports/00000000-0000-4000-8000-000000000000".to_owned();
    let claims = "/moderation/claims/00000000-0000-4000-8000-000000000000".to_owned();
    let posts: Vec<(&str, [Outcome; 7])> = vec![
        (&edit, [SignIn, Refused, In, Refused, Refused, Refused, In]),
        (
            &notice,
            [SignIn, Refused, In, Refused, Refused, Refused, In],
        ),
        (&assure, [SignIn, Refused, In, Refused, In, Refused, In]),
        (&review, [SignIn, Refused, Refused, Refused, In, Hidden, In]),
        (
            &history,
            [SignIn, Refused, Refused, Refused, In, Hidden, In],
        ),
        (
            &claims,
            [SignIn, Refused, Refused, Refused, Hidden, Hidden, Hidden],
        ),
        (
            &reports,
            [SignIn, Refused, Refused, Refused, Hidden, Hidden, Hidden],
        ),
        (
            &organisation,
            [SignIn, Refused, In, Refused, Refused, Refused, In],
        ),
        (
            &tokens,
            [SignIn, Refused, In, Refused, Refused, Refused, In],
        ),
        (
            "/admin/accounts",
            [SignIn, Refused, Refused, Refused, Refused, Refused, In],
        ),
        (
            "/moderation/import",
            [SignIn, Refused, Refused, Refused, In, Refused, In],
        ),
    ];
    for (path, expected) in &posts {
        for (who, visitor) in people.iter_mut().enumerate() {
            if expected[who] == In {
                continue;
            }
            let csrf = visitor.csrf();
            let reply = visitor
                .post(
                    path,
                    &[
                        ("csrf", &csrf),
                        ("action", "submit"),
                        ("name", "Taken over"),
                        ("status", "active"),
                        ("kind", "closed"),
                        ("message", "Taken over"),
                        ("decision", "approve"),
                        ("version", "0"),
                        ("reason", "Taken over"),
                        ("note", "Taken over"),
                        ("email", "x@example.org"),
                        ("role", "administrator"),
                        ("scope", "proposals"),
                    ],
                )
                .await;
            let got = outcome(
                reply.status,
                reply.headers.get("location").and_then(|l| l.to_str().ok()),
            );
            if got != expected[who] {
                wrong.push(format!(
                    "POST {path} as {}: {got:?} ({}), expected {:?}",
                    PEOPLE[who], reply.status, expected[who]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Nothing the refused people sent changed anything.
    assert_eq!(store.service(service).unwrap().unwrap(), live);
    assert_eq!(
        store.proposal(proposal.id).unwrap().unwrap().status,
        signpost::domain::moderation::ProposalStatus::Submitted
    );
    assert!(
        store
            .account_by_email(&signpost::domain::account::login_email("x@example.org").unwrap())
            .unwrap()
            .is_none()
    );
}
