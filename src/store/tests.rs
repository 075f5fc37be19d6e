//! Behaviour every [`Store`] must have, run against [`SledStore`] in a temporary directory.

use chrono::{TimeZone, Utc};
use serde_json::json;

use super::*;

fn organization(id: &str, name: &str) -> Organization {
    serde_json::from_value(json!({"id": id, "name": name, "description": "Helps people."})).unwrap()
}

fn location(id: &str, name: &str) -> Location {
    serde_json::from_value(json!({"id": id, "location_type": "physical", "name": name})).unwrap()
}

fn service(id: &str, name: &str, org: &str, loc: &str) -> Service {
    serde_json::from_value(json!({
        "id": id, "name": name, "status": "active", "organization_id": org,
        "service_at_locations": [{"id": "00000000-0000-4000-8000-00000000aaaa", "location_id": loc}],
    }))
    .unwrap()
}

const ORG_A: &str = "00000000-0000-4000-8000-000000000001";
const ORG_B: &str = "00000000-0000-4000-8000-000000000002";
const LOC: &str = "00000000-0000-4000-8000-000000000010";
const SVC: &str = "00000000-0000-4000-8000-000000000100";

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
}

fn open() -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    (dir, store)
}

fn one_service() -> ChangeSet {
    ChangeSet {
        organizations: vec![organization(ORG_A, "Bow Food Hub")],
        locations: vec![location(LOC, "Bow Community Hall")],
        services: vec![service(SVC, "Food bank", ORG_A, LOC)],
        ..ChangeSet::default()
    }
}

#[test]
fn applied_records_read_back_and_are_counted() {
    let (_dir, store) = open();
    let applied = store.apply(&one_service(), at(1)).unwrap();
    assert_eq!(
        applied.services,
        vec![(ServiceId::parse(SVC).unwrap(), WriteOutcome::Created)]
    );
    assert_eq!(applied.generation, 1);
    let stored = store
        .service(ServiceId::parse(SVC).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "Food bank");
    assert_eq!(
        stored.last_modified,
        Some(at(1)),
        "stamped with the write time"
    );
    let counts = store.counts().unwrap();
    assert_eq!(
        (counts.services, counts.organizations, counts.locations),
        (1, 1, 1)
    );
    let link = stored.service_at_locations[0].id;
    assert_eq!(store.service_for_link(link).unwrap(), Some(stored.id));
}

#[test]
fn writing_the_same_records_again_changes_nothing() {
    let (_dir, store) = open();
    store.apply(&one_service(), at(1)).unwrap();
    let again = store.apply(&one_service(), at(2)).unwrap();
    assert_eq!(again.services[0].1, WriteOutcome::Unchanged);
    assert_eq!(again.generation, 1);
    assert!(again.affected_services.is_empty());
    let stored = store
        .service(ServiceId::parse(SVC).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.last_modified,
        Some(at(1)),
        "an unchanged record keeps its time"
    );
    assert_eq!(store.counts().unwrap().services, 1);
}

#[test]
fn a_changed_service_is_restamped_unless_it_brings_its_own_time() {
    let (_dir, store) = open();
    store.apply(&one_service(), at(1)).unwrap();
    let mut changed = one_service();
    changed.services[0].description = Some("Now with fresh fruit.".into());
    assert_eq!(
        store.apply(&changed, at(3)).unwrap().services[0].1,
        WriteOutcome::Updated
    );
    let id = ServiceId::parse(SVC).unwrap();
    assert_eq!(
        store.service(id).unwrap().unwrap().last_modified,
        Some(at(3))
    );

    changed.services[0].description = Some("Closed on bank holidays.".into());
    changed.services[0].last_modified = Some(at(2));
    store.apply(&changed, at(4)).unwrap();
    assert_eq!(
        store.service(id).unwrap().unwrap().last_modified,
        Some(at(2)),
        "the record's own time is kept"
    );
}

#[test]
fn relations_follow_the_service() {
    let (_dir, store) = open();
    store.apply(&one_service(), at(1)).unwrap();
    let id = ServiceId::parse(SVC).unwrap();
    let org_a = OrganizationId::parse(ORG_A).unwrap();
    let org_b = OrganizationId::parse(ORG_B).unwrap();
    assert_eq!(store.services_of_organization(org_a).unwrap(), vec![id]);

    let mut moved = one_service();
    moved
        .organizations
        .push(organization(ORG_B, "Aldgate Advice"));
    moved.services[0].organization_id = Some(org_b);
    store.apply(&moved, at(2)).unwrap();
    assert!(store.services_of_organization(org_a).unwrap().is_empty());
    assert_eq!(store.services_of_organization(org_b).unwrap(), vec![id]);
    assert_eq!(
        store
            .services_at_location(LocationId::parse(LOC).unwrap())
            .unwrap(),
        vec![id]
    );
}

#[test]
fn renaming_an_organization_or_location_affects_its_services() {
    let (_dir, store) = open();
    store.apply(&one_service(), at(1)).unwrap();
    let id = ServiceId::parse(SVC).unwrap();
    let renamed = ChangeSet {
        organizations: vec![organization(ORG_A, "Bow Food Hub CIC")],
        ..ChangeSet::default()
    };
    assert!(
        store
            .apply(&renamed, at(2))
            .unwrap()
            .affected_services
            .contains(&id)
    );
    let moved = ChangeSet {
        locations: vec![location(LOC, "Bow Hall (new entrance)")],
        ..ChangeSet::default()
    };
    assert!(
        store
            .apply(&moved, at(3))
            .unwrap()
            .affected_services
            .contains(&id)
    );
}

#[test]
fn organizations_list_in_name_order_after_renames() {
    let (_dir, store) = open();
    let ids = [
        "00000000-0000-4000-8000-0000000000c1",
        "00000000-0000-4000-8000-0000000000c2",
        "00000000-0000-4000-8000-0000000000c3",
    ];
    let changes = ChangeSet {
        organizations: vec![
            organization(ids[0], "zebra"),
            organization(ids[1], "Apple"),
            organization(ids[2], "mango"),
        ],
        ..ChangeSet::default()
    };
    store.apply(&changes, at(1)).unwrap();
    let names = |offset, limit| -> Vec<String> {
        store
            .organizations_by_name(offset, limit)
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect()
    };
    assert_eq!(names(0, 10), ["Apple", "mango", "zebra"]);
    assert_eq!(names(1, 1), ["mango"]);
    let rename = ChangeSet {
        organizations: vec![organization(ids[0], "Aardvark")],
        ..ChangeSet::default()
    };
    store.apply(&rename, at(2)).unwrap();
    assert_eq!(names(0, 10), ["Aardvark", "Apple", "mango"]);
}

#[test]
fn records_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.apply(&one_service(), at(1)).unwrap();
    }
    let reopened = SledStore::open(dir.path()).unwrap();
    assert!(
        reopened
            .service(ServiceId::parse(SVC).unwrap())
            .unwrap()
            .is_some()
    );
    assert_eq!(reopened.generation().unwrap(), 1);
}

#[test]
fn a_second_process_is_refused_clearly() {
    let (dir, _store) = open();
    let error = SledStore::open(dir.path())
        .err()
        .expect("the data dir is locked");
    assert!(matches!(error, StoreError::Locked { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("in use by another Signpost process")
    );
}

#[test]
fn a_store_of_another_format_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let error = SledStore::open(dir.path()).err().expect("incompatible");
    assert!(
        matches!(error, StoreError::IncompatibleFormat { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("holds store format 99"),
        "{error}"
    );
}
