//! Referral hand-off without keeping resident data: a link worker refers a resident, gets a
//! letter (and a `mailto:` link) and the "support offered" lines for the case record; the
//! resident's details are in no file the server writes and in none of its output.

use std::path::Path;
use std::sync::Arc;

use signpost::catalog::Catalog;
use signpost::domain::account::{AuditAction, Role};
use signpost::domain::ids::ServiceId;
use signpost::store::Store;

use crate::accounts::{PASSWORD, accept, sign_in};
use crate::crash::Server;
use crate::editing::staff;
use crate::helpers::{Visitor, organisations_with_services, spawn_app};

/// Made-up details, each a token that no encoding changes, planted in every referral.
const PLANTED: [&str; 3] = ["Zebedeequillfeather", "07700900417", "Marmaladecartwheel"];

/// Services that take referrals by e-mail (no web form of their own), and one that takes
/// them on its own web form.
fn referral_services(store: &dyn Store) -> (Vec<ServiceId>, ServiceId) {
    let mut by_email = Vec::new();
    let mut by_form = None;
    for id in store.service_ids().unwrap() {
        let service = store.service(id).unwrap().unwrap();
        if service.referral_url.is_some() {
            by_form.get_or_insert(id);
        } else if service.referral_email.is_some() {
            by_email.push(id);
        }
    }
    (
        by_email,
        by_form.expect("a service with its own referral form"),
    )
}

/// Every file under `dir` that holds a planted detail.
fn files_with_planted(dir: &Path) -> Vec<String> {
    crate::helpers::files_holding(dir, &PLANTED)
}

/// Fills in and sends the referral form of `service`; returns the answer.
async fn refer(
    visitor: &mut Visitor<'_>,
    service: ServiceId,
    consent: bool,
) -> crate::helpers::Reply {
    let path = format!("/refer/{service}");
    let form = visitor.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.text);
    let csrf = visitor.csrf();
    let reason = format!("{} would like company at lunch", PLANTED[2]);
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("name", PLANTED[0]),
        ("contact", PLANTED[1]),
        ("reason", reason.as_str()),
    ];
    if consent {
        fields.push(("consent", "yes"));
    }
    visitor.post(&path, &fields).await
}

#[tokio::test]
async fn a_link_worker_gets_a_letter_and_the_case_record_lines_and_nothing_is_kept() {
    let app = spawn_app().await;
    let (by_email, by_form) = referral_services(app.catalog.store());
    let service = by_email[0];
    let email = "link.worker@nhs.example";
    let mut worker = staff(&app, email, Role::LinkWorker).await;

    let form = worker.get(&format!("/refer/{service}")).await;
    assert!(
        form.text.contains("name=\"consent\""),
        "a form for an e-mail referral"
    );
    assert!(form.text.contains("SNOMED CT: 871731000000106"));
    assert!(form.text.contains(&format!("ORUK service id: {service}")));
    assert!(form.text.contains(&format!("/service/{service}")));
    assert!(form.text.contains("data-copy=\"support-summary\""));

    // Without consent: refused, saying what is missing.
    let refused = refer(&mut worker, service, false).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.text.contains("href=\"#consent\""),
        "{}",
        refused.text
    );
    assert_eq!(refused.headers["cache-control"], "no-store");

    let letter = refer(&mut worker, service, true).await;
    assert_eq!(letter.status, 200, "{}", letter.text);
    assert_eq!(letter.headers["cache-control"], "no-store");
    let address = app
        .catalog
        .store()
        .service(service)
        .unwrap()
        .unwrap()
        .referral_email
        .unwrap();
    assert!(
        letter
            .text
            .contains(&format!("Referral: {} to", PLANTED[0]))
    );
    assert!(letter.text.contains(&format!("Contact: {}", PLANTED[1])));
    assert!(
        letter.text.contains(&format!(
            "href=\"mailto:{}?subject=Referral%3A%20{}",
            address.as_str(),
            PLANTED[0]
        )),
        "a mailto link with the letter filled in"
    );
    assert!(letter.text.contains("SNOMED CT: 871731000000106"));

    // Traceable (who, for which service), without the resident.
    let audit: Vec<_> = app
        .catalog
        .store()
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == AuditAction::ReferralLetter)
        .collect();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0].subject.as_deref(),
        Some(format!("service/{service}").as_str())
    );
    let nothing: Vec<String> = Vec::new();
    assert_eq!(files_with_planted(app.data_dir.path()), nothing);

    // A service with its own referral form: the hand-off links there, with no form here.
    let own = worker.get(&format!("/refer/{by_form}")).await;
    let form_url = app
        .catalog
        .store()
        .service(by_form)
        .unwrap()
        .unwrap()
        .referral_url
        .unwrap();
    assert!(
        own.text
            .contains(&format!("href=\"{}\"", form_url.as_str())),
        "{}",
        own.text
    );
    assert!(!own.text.contains("name=\"consent\""));

    // Only link workers refer: an organisation's editor may not, and a visitor signs in.
    let (organisation, _) = organisations_with_services(&app)[0];
    let editor_email = "editor@charity.example.org";
    let mut editor = staff(
        &app,
        editor_email,
        Role::OrganisationEditor {
            organisations: [organisation].into(),
        },
    )
    .await;
    assert_eq!(editor.get(&format!("/refer/{service}")).await.status, 403);
    assert_eq!(
        Visitor::new(&app)
            .get(&format!("/refer/{service}"))
            .await
            .status,
        303
    );
}

/// The check, with the real binary: a made-up resident is referred to three
/// services; afterwards no file under the data directory and no byte of the server's
/// output holds any of their details.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_trace_of_the_resident_is_left_on_disk_or_in_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (services, invitation) = {
        let geography = Arc::new(signpost::geography::builtin::geography());
        let assets =
            Arc::new(signpost::search::assets::SearchAssets::load(Path::new("index")).unwrap());
        let (catalog, _) = Catalog::open(&data, geography, assets).unwrap();
        signpost::seed::load(&catalog).unwrap();
        catalog.wait_for_index().unwrap();
        let invited = signpost::auth::create_account(
            catalog.store(),
            None,
            "link.worker@nhs.example",
            "Rahima Link",
            vec![Role::LinkWorker],
            signpost::auth::INVITATION_VALID,
            chrono::Utc::now(),
        )
        .unwrap();
        let (by_email, _) = referral_services(catalog.store());
        catalog.close();
        (
            by_email,
            format!("/account/password?token={}", invited.secret),
        )
    };
    let server = Server::start(&data).await;
    let mut worker = Visitor::at(&server.base);
    accept(&mut worker, &invitation, PASSWORD).await;
    assert_eq!(
        sign_in(&mut worker, "link.worker@nhs.example", PASSWORD)
            .await
            .status,
        303
    );
    for service in services.iter().take(3) {
        assert_eq!(refer(&mut worker, *service, true).await.status, 200);
    }
    // And once refused, when the details come back in the form to be fixed.
    assert_eq!(refer(&mut worker, services[0], false).await.status, 400);
    let output = server.stop().await;
    assert!(
        output
            .iter()
            .filter(|line| line.contains("referral letter made"))
            .count()
            == 3,
        "the letters were made (and logged without details)"
    );
    for planted in PLANTED {
        let leaked: Vec<&String> = output
            .iter()
            .filter(|line| {
                line.to_ascii_lowercase()
                    .contains(&planted.to_ascii_lowercase())
            })
            .collect();
        assert!(leaked.is_empty(), "{planted} in the output: {leaked:?}");
    }
    let nothing: Vec<String> = Vec::new();
    assert_eq!(files_with_planted(dir.path()), nothing);
}

#[tokio::test]
async fn an_organisations_questions_are_asked_and_answered_in_the_letter_only() {
    let app = spawn_app().await;
    let (by_email, _) = referral_services(app.catalog.store());
    let service = by_email[0];
    let organisation = app
        .catalog
        .store()
        .service(service)
        .unwrap()
        .unwrap()
        .organization_id
        .unwrap();
    // The organisation's editor sets its questions.
    let editor_email = "intake@charity.example.org";
    let mut editor = staff(
        &app,
        editor_email,
        Role::OrganisationEditor {
            organisations: [organisation].into(),
        },
    )
    .await;
    let path = format!("/manage/services/{service}/questions");
    assert_eq!(editor.get(&path).await.status, 200);
    let csrf = editor.csrf();
    let too_many = "a\nb\nc\nd\ne\nf";
    let refused = editor
        .post(&path, &[("csrf", &csrf), ("questions", too_many)])
        .await;
    assert_eq!(refused.status, 400);
    let saved = editor
        .post(
            &path,
            &[
                ("csrf", &csrf),
                (
                    "questions",
                    "Is the person aged 60 or over?\n\nDo they need step-free access?",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert_eq!(
        app.catalog.store().referral_questions(service).unwrap(),
        [
            "Is the person aged 60 or over?",
            "Do they need step-free access?"
        ]
    );

    // A link worker is asked them; the answers go in the letter, and nowhere else.
    let email = "link.worker@nhs.example";
    let mut worker = staff(&app, email, Role::LinkWorker).await;
    let refer_path = format!("/refer/{service}");
    let form = worker.get(&refer_path).await;
    assert!(form.text.contains("Is the person aged 60 or over?"));
    assert!(form.text.contains("name=\"answer-1\""));
    let csrf = worker.csrf();
    let answer = format!("Yes, {}", PLANTED[2]);
    let letter = worker
        .post(
            &refer_path,
            &[
                ("csrf", csrf.as_str()),
                ("name", PLANTED[0]),
                ("contact", PLANTED[1]),
                ("reason", "company"),
                ("answer-0", answer.as_str()),
                ("answer-1", "No"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(letter.status, 200, "{}", letter.text);
    assert!(
        letter
            .text
            .contains("Is the person aged 60 or over?\nYes, "),
        "{}",
        letter.text
    );
    let nothing: Vec<String> = Vec::new();
    assert_eq!(files_with_planted(app.data_dir.path()), nothing);
}
