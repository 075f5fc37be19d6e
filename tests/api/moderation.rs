//! Editing and moderation rules, on the catalog: proposals leave the live directory alone
//! until approved; approval publishes, indexes and records history; editors reach only their
//! own organisations' records; moderators decide only what they look after, never their own.

use std::sync::Arc;

use chrono::Utc;
use signpost::catalog::Catalog;
use signpost::catalog::moderation::{ModerationError, UrgentNotice};
use signpost::domain::account::{Account, AuditAction, Role, login_email};
use signpost::domain::ids::{LocationId, OrganizationId, ServiceId};
use signpost::domain::moderation::{
    Actor, Proposal, ProposalStatus, Record, RecordKey, RecordKind,
};
use signpost::domain::service::{Service, ServiceStatus};
use signpost::search::query::{Filters, GeoFilter, PageRequest, ServiceQuery, Target, london_now};

use crate::fixtures;

fn service_id(n: u32) -> ServiceId {
    ServiceId::parse(&format!("50000000-0000-4000-8000-{n:012}")).unwrap()
}

fn org(id: &str) -> OrganizationId {
    OrganizationId::parse(id).unwrap()
}

struct Directory {
    _dir: tempfile::TempDir,
    catalog: Catalog,
}

fn directory() -> Directory {
    let dir = tempfile::tempdir().unwrap();
    let (catalog, _) = Catalog::open(
        dir.path(),
        Arc::new(signpost::geography::builtin::geography()),
        Arc::new(signpost::search::assets::SearchAssets::built_in()),
    )
    .unwrap();
    let text = serde_json::to_string(&fixtures::services()).unwrap();
    let records = signpost::catalog::import::read_source(&text).unwrap();
    signpost::catalog::import::import(&catalog, records).unwrap();
    catalog.wait_for_index().unwrap();
    Directory { _dir: dir, catalog }
}

fn account(catalog: &Catalog, email: &str, role: Role) -> Account {
    let account = Account::new(
        login_email(email).unwrap(),
        email,
        vec![role],
        None,
        Utc::now(),
    );
    catalog.store().put_account(&account).unwrap();
    account
}

fn editor_of(catalog: &Catalog, email: &str, orgs: &[&str]) -> Account {
    account(
        catalog,
        email,
        Role::OrganisationEditor {
            organisations: orgs.iter().map(|o| org(o)).collect(),
        },
    )
}

fn moderator(catalog: &Catalog, email: &str) -> Account {
    account(
        catalog,
        email,
        Role::Moderator {
            localities: Default::default(),
        },
    )
}

fn live(catalog: &Catalog, n: u32) -> Service {
    catalog.store().service(service_id(n)).unwrap().unwrap()
}

fn names_found(catalog: &Catalog, text: &str) -> Vec<String> {
    let query = ServiceQuery {
        target: Target::Services,
        text: Some(text.to_owned()),
        filters: Filters::new(london_now()),
        geo: GeoFilter::default(),
        facets: None,
        page: PageRequest::default(),
    };
    catalog
        .search(&query)
        .unwrap()
        .found
        .into_iter()
        .map(|f| f.placed.full.service.name.clone())
        .collect()
}

/// A proposal renaming service `n`, based on its live version.
fn rename(catalog: &Catalog, author: &Account, n: u32, name: &str) -> Proposal {
    let before = live(catalog, n);
    let mut after = before.clone();
    after.name = name.to_owned();
    Proposal::draft(
        before.organization_id.unwrap(),
        author.id,
        vec![Record::Service(Box::new(after))],
        &[Some(Record::Service(Box::new(before)))],
        Utc::now(),
    )
}

#[test]
fn a_change_stays_off_the_live_directory_until_a_moderator_approves_it() {
    let d = directory();
    let c = &d.catalog;
    let editor = editor_of(c, "ed@bow.example.org", &[fixtures::ORG_A]);
    let moderator = moderator(c, "mo@council.example.org");

    let mut proposal = rename(c, &editor, 1, "Bow Friendship Lunch");
    proposal.note = "We renamed the club".to_owned();
    let draft = c
        .save_proposal(&editor, proposal, false, Utc::now())
        .unwrap();
    assert_eq!(draft.status, ProposalStatus::Draft);
    assert!(
        c.queue(&moderator).unwrap().proposals.is_empty(),
        "drafts are not queued"
    );
    let submitted = c.save_proposal(&editor, draft, true, Utc::now()).unwrap();
    assert_eq!(submitted.status, ProposalStatus::Submitted);
    assert_eq!(live(c, 1).name, "Bow Lunch Club");
    assert!(!names_found(c, "friendship lunch").contains(&"Bow Friendship Lunch".to_owned()));
    let queue = c.queue(&moderator).unwrap();
    assert_eq!(queue.proposals.len(), 1);

    let started = std::time::Instant::now();
    let approved = c.approve(&moderator, submitted.id, Utc::now()).unwrap();
    // A measurement for the record (run with --nocapture), not a timed assertion.
    eprintln!(
        "approval, durable write and index commit: {:?}",
        started.elapsed()
    );
    assert_eq!(approved.status, ProposalStatus::Approved);
    assert_eq!(live(c, 1).name, "Bow Friendship Lunch");
    assert_eq!(
        names_found(c, "friendship lunch")
            .first()
            .map(String::as_str),
        Some("Bow Friendship Lunch"),
        "searchable as soon as approval returns"
    );
    assert!(c.queue(&moderator).unwrap().proposals.is_empty());
    assert!(matches!(
        c.approve(&moderator, submitted.id, Utc::now()),
        Err(ModerationError::WrongStatus("approved"))
    ));

    let history = c
        .store()
        .history(RecordKey::service(service_id(1)))
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.provenance.actor, Actor::Account(moderator.id));
    assert_eq!(last.provenance.why, "We renamed the club");
    assert_eq!(last.provenance.proposal, Some(submitted.id));
    assert_eq!(last.before.as_ref().unwrap().name(), "Bow Lunch Club");
    assert_eq!(last.after.name(), "Bow Friendship Lunch");
    let audit = c.store().audit_entries().unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == AuditAction::ChangeApproved && e.actor == Some(moderator.id))
    );
}

#[test]
fn editors_reach_only_their_own_organisations_records() {
    let d = directory();
    let c = &d.catalog;
    let editor = editor_of(c, "ed@bow.example.org", &[fixtures::ORG_A]);
    let now = Utc::now();

    // Poplar Sports' service, proposed as Poplar's and as if it were Bow's.
    let theirs = rename(c, &editor, 2, "Taken over");
    assert!(matches!(
        c.save_proposal(&editor, theirs.clone(), true, now),
        Err(ModerationError::Forbidden(_))
    ));
    let mut disguised = theirs;
    disguised.organization = org(fixtures::ORG_A);
    if let Record::Service(service) = &mut disguised.records[0] {
        service.organization_id = Some(org(fixtures::ORG_A));
    }
    assert!(matches!(
        c.save_proposal(&editor, disguised, true, now),
        Err(ModerationError::Forbidden(_))
    ));

    // The hall is shared with Poplar Sports: Bow may not change it.
    let hall = c
        .store()
        .location(LocationId::parse(fixtures::HALL).unwrap())
        .unwrap()
        .unwrap();
    let mut moved = hall.clone();
    moved.name = Some("Renamed hall".to_owned());
    let proposal = Proposal::draft(
        org(fixtures::ORG_A),
        editor.id,
        vec![Record::Location(moved)],
        &[Some(Record::Location(hall))],
        now,
    );
    assert!(matches!(
        c.save_proposal(&editor, proposal, true, now),
        Err(ModerationError::Forbidden(_))
    ));

    // Another editor's proposal cannot be overwritten, read or decided.
    let colleague = editor_of(c, "other@bow.example.org", &[fixtures::ORG_A]);
    let mine = c
        .save_proposal(&editor, rename(c, &editor, 1, "Mine"), false, now)
        .unwrap();
    let mut hijacked = mine.clone();
    hijacked.author = colleague.id;
    assert!(matches!(
        c.save_proposal(&colleague, hijacked, true, now),
        Err(ModerationError::Forbidden(_))
    ));
    let outsider = editor_of(c, "ed@poplar.example.org", &[fixtures::ORG_B]);
    assert!(matches!(
        c.proposal_for(&outsider, mine.id),
        Err(ModerationError::NotFound(_))
    ));
    assert!(matches!(
        c.approve(&outsider, mine.id, now),
        Err(ModerationError::NotFound(_))
    ));
    // Nor can an outsider publish a notice or confirm another organisation's listing.
    assert!(matches!(
        c.publish_notice(
            &outsider,
            service_id(1),
            &UrgentNotice::TemporarilyClosed("Closed".to_owned()),
            now
        ),
        Err(ModerationError::Forbidden(_))
    ));
    assert!(matches!(
        c.assure(&outsider, service_id(1), now),
        Err(ModerationError::Forbidden(_))
    ));
    assert_eq!(live(c, 1).status, ServiceStatus::Active);
}

#[test]
fn moderators_decide_what_they_look_after_but_never_their_own_changes() {
    let d = directory();
    let c = &d.catalog;
    let admin = account(c, "admin@council.example.org", Role::Administrator);
    let now = Utc::now();
    let own = c
        .save_proposal(&admin, rename(c, &admin, 1, "Self approved"), true, now)
        .unwrap();
    assert!(matches!(
        c.approve(&admin, own.id, now),
        Err(ModerationError::Forbidden(_))
    ));

    // The fixtures' hall lies in one locality; a moderator of another cannot see the change.
    let placed = c.placed_service(service_id(1)).unwrap().unwrap();
    let ward = placed.placements.values().find_map(|p| p.ward).unwrap();
    let here = c.geography().locality_of(ward).id.clone();
    let elsewhere = c
        .geography()
        .localities()
        .iter()
        .find(|l| l.id != here)
        .unwrap()
        .id
        .clone();
    let far = account(
        c,
        "far@council.example.org",
        Role::Moderator {
            localities: [elsewhere].into(),
        },
    );
    let near = account(
        c,
        "near@council.example.org",
        Role::Moderator {
            localities: [here].into(),
        },
    );
    assert!(c.queue(&far).unwrap().proposals.is_empty());
    assert!(matches!(
        c.approve(&far, own.id, now),
        Err(ModerationError::NotFound(_))
    ));
    assert_eq!(c.queue(&near).unwrap().proposals.len(), 1);
    c.approve(&near, own.id, now).unwrap();
    assert_eq!(live(c, 1).name, "Self approved");
}

#[test]
fn a_rejected_change_never_goes_live_and_says_why() {
    let d = directory();
    let c = &d.catalog;
    let editor = editor_of(c, "ed@bow.example.org", &[fixtures::ORG_A]);
    let moderator = moderator(c, "mo@council.example.org");
    let now = Utc::now();
    let submitted = c
        .save_proposal(&editor, rename(c, &editor, 1, "Spam Club"), true, now)
        .unwrap();
    assert!(matches!(
        c.reject(&moderator, submitted.id, "   ", now),
        Err(ModerationError::Invalid(_))
    ));
    let rejected = c
        .reject(
            &moderator,
            submitted.id,
            "Please keep the official name",
            now,
        )
        .unwrap();
    assert_eq!(rejected.status, ProposalStatus::Rejected);
    let seen = c.proposal_for(&editor, submitted.id).unwrap();
    assert_eq!(
        seen.decision.unwrap().reason.as_deref(),
        Some("Please keep the official name")
    );
    assert_eq!(live(c, 1).name, "Bow Lunch Club");
    assert!(names_found(c, "spam").is_empty());
    assert!(
        c.store()
            .history(RecordKey::service(service_id(1)))
            .unwrap()
            .iter()
            .all(|h| h.after.name() != "Spam Club")
    );
    assert!(matches!(
        c.approve(&moderator, submitted.id, now),
        Err(ModerationError::WrongStatus("rejected"))
    ));
}

#[test]
fn approval_never_overwrites_a_change_made_after_the_editor_began() {
    let d = directory();
    let c = &d.catalog;
    let editor = editor_of(c, "ed@bow.example.org", &[fixtures::ORG_A]);
    let moderator = moderator(c, "mo@council.example.org");
    let now = Utc::now();
    let first = c
        .save_proposal(&editor, rename(c, &editor, 1, "First"), true, now)
        .unwrap();
    let second = c
        .save_proposal(&editor, rename(c, &editor, 1, "Second"), true, now)
        .unwrap();
    c.approve(&moderator, first.id, now).unwrap();
    match c.approve(&moderator, second.id, now) {
        Err(ModerationError::Stale(keys)) => {
            assert_eq!(keys, [RecordKey::service(service_id(1))]);
        }
        other => panic!("expected a stale proposal, got {other:?}"),
    }
    assert_eq!(live(c, 1).name, "First");
}

#[test]
fn urgent_notices_go_live_at_once_and_are_logged() {
    let d = directory();
    let c = &d.catalog;
    let editor = editor_of(c, "ed@bow.example.org", &[fixtures::ORG_A]);
    let now = Utc::now();
    let notice = c
        .publish_notice(
            &editor,
            service_id(1),
            &UrgentNotice::TemporarilyClosed("Kitchen flooded; back on 3 December".to_owned()),
            now,
        )
        .unwrap();
    assert!(notice.urgent);
    let service = live(c, 1);
    assert_eq!(service.status, ServiceStatus::TemporarilyClosed);
    assert_eq!(
        service.alert.as_deref(),
        Some("Kitchen flooded; back on 3 December")
    );
    let history = c
        .store()
        .history(RecordKey::service(service_id(1)))
        .unwrap();
    assert!(
        history
            .last()
            .unwrap()
            .provenance
            .why
            .starts_with("urgent notice"),
        "{history:?}"
    );
    assert!(
        c.store()
            .audit_entries()
            .unwrap()
            .iter()
            .any(|e| e.action == AuditAction::UrgentNotice && e.actor == Some(editor.id))
    );
    c.publish_notice(&editor, service_id(1), &UrgentNotice::Reopened, now)
        .unwrap();
    let service = live(c, 1);
    assert_eq!(service.status, ServiceStatus::Active);
    assert_eq!(service.alert, None);
}

#[test]
fn an_old_version_can_be_restored_and_the_restore_is_history_too() {
    let d = directory();
    let c = &d.catalog;
    let editor = editor_of(c, "ed@bow.example.org", &[fixtures::ORG_A]);
    let moderator = moderator(c, "mo@council.example.org");
    let now = Utc::now();
    let proposal = c
        .save_proposal(&editor, rename(c, &editor, 1, "Vandalised"), true, now)
        .unwrap();
    c.approve(&moderator, proposal.id, now).unwrap();
    let key = RecordKey {
        kind: RecordKind::Service,
        id: *service_id(1).as_uuid(),
    };
    let history = c.history_for(&moderator, key).unwrap();
    assert_eq!(history.len(), 2, "imported, then approved");
    assert!(
        c.restore(&moderator, key, 0, "").is_err(),
        "a reason is required"
    );
    c.restore(&moderator, key, 0, "Undo the rename").unwrap();
    assert_eq!(live(c, 1).name, "Bow Lunch Club");
    assert_eq!(names_found(c, "vandalised"), Vec::<String>::new());
    let history = c.history_for(&moderator, key).unwrap();
    assert_eq!(history.len(), 3);
    assert!(history[2].provenance.why.contains("Undo the rename"));
    assert!(matches!(
        c.history_for(&editor, key),
        Err(ModerationError::NotFound(_))
    ));
}

#[test]
fn confirming_a_listing_sets_who_checked_it_and_when() {
    let d = directory();
    let c = &d.catalog;
    let editor = editor_of(c, "Ed@Bow.example.org", &[fixtures::ORG_A]);
    let before = live(c, 1);
    assert_eq!(before.assured_date, None);
    c.assure(&editor, service_id(1), Utc::now()).unwrap();
    let after = live(c, 1);
    assert_eq!(after.assured_date, Some(london_now().date()));
    assert_eq!(
        after.assurer_email.as_ref().map(|e| e.as_str()),
        Some("ed@bow.example.org")
    );
    assert_eq!(after.name, before.name);
}

#[test]
fn the_freshness_dashboard_counts_unchecked_listings_by_locality() {
    let d = directory();
    let c = &d.catalog;
    let moderator = moderator(c, "mo@council.example.org");
    let today = london_now().date();
    let before = c.freshness(&moderator, today).unwrap();
    let total = |f: &signpost::catalog::moderation::Freshness| -> (usize, usize, usize) {
        f.rows.iter().fold((0, 0, 0), |(s, d, st), r| {
            (s + r.services, d + r.due, st + r.stale.len())
        })
    };
    let (services, due, stale) = total(&before);
    assert!(services > 0);
    assert_eq!(
        (due, stale),
        (services, services),
        "nothing in the fixtures was checked"
    );
    let editor = editor_of(c, "ed@bow.example.org", &[fixtures::ORG_A]);
    c.assure(&editor, service_id(1), Utc::now()).unwrap();
    let after = total(&c.freshness(&moderator, today).unwrap());
    let rows_of_service = before
        .rows
        .iter()
        .filter(|r| r.stale.iter().any(|s| s.id == service_id(1)))
        .count();
    assert_eq!(
        after,
        (services, due - rows_of_service, stale - rows_of_service)
    );

    // A moderator of one locality sees that locality only.
    let here = before.rows[0].locality.clone().unwrap().0;
    let local = account(
        c,
        "local@council.example.org",
        Role::Moderator {
            localities: [here.clone()].into(),
        },
    );
    let rows = c.freshness(&local, today).unwrap().rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].locality.as_ref().unwrap().0, here);
}

#[test]
fn a_reported_problem_is_closed_once_by_a_moderator_who_looks_after_it() {
    use signpost::domain::report::{ProblemKind, ProblemReport};
    let d = directory();
    let c = &d.catalog;
    let now = Utc::now();
    let report =
        ProblemReport::new(service_id(1), ProblemKind::Times, "Closed on Tuesdays", now).unwrap();
    c.store().add_report(&report).unwrap();
    let placed = c.placed_service(service_id(1)).unwrap().unwrap();
    let ward = placed.placements.values().find_map(|p| p.ward).unwrap();
    let here = c.geography().locality_of(ward).id.clone();
    let elsewhere = c
        .geography()
        .localities()
        .iter()
        .find(|l| l.id != here)
        .unwrap()
        .id
        .clone();
    let far = account(
        c,
        "far@council.example.org",
        Role::Moderator {
            localities: [elsewhere].into(),
        },
    );
    assert!(c.queue(&far).unwrap().reports.is_empty());
    assert!(matches!(
        c.resolve_report(&far, report.id, "Fixed", now),
        Err(ModerationError::NotFound(_))
    ));
    let moderator = moderator(c, "mo@council.example.org");
    assert_eq!(c.queue(&moderator).unwrap().reports.len(), 1);
    assert!(matches!(
        c.resolve_report(&moderator, report.id, "  ", now),
        Err(ModerationError::Invalid(_))
    ));
    let closed = c
        .resolve_report(&moderator, report.id, "Hours corrected", now)
        .unwrap();
    assert_eq!(
        closed.resolved.unwrap().reason.as_deref(),
        Some("Hours corrected")
    );
    assert!(c.queue(&moderator).unwrap().reports.is_empty());
    assert!(matches!(
        c.resolve_report(&moderator, report.id, "Again", now),
        Err(ModerationError::NotFound(_))
    ));
    assert!(
        c.store()
            .audit_entries()
            .unwrap()
            .iter()
            .any(|e| e.action == AuditAction::ReportResolved)
    );
}
