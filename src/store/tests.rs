//! Behaviour every [`Store`] must have, run against [`SledStore`] in a temporary directory.

use chrono::{TimeZone, Utc};
use serde_json::json;

use super::sled_store::{Table, kind_byte};
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
    let store = SledStore::open(&dir.path().join("store")).unwrap();
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
    let loc = LocationId::parse(LOC).unwrap();
    assert_eq!(store.services_at_location(loc).unwrap(), vec![id]);
    let link = moved.services[0].service_at_locations[0].id;
    assert_eq!(store.service_for_link(link).unwrap(), Some(id));

    // Renamed only: every relation stays. Then moved to another place, by another link.
    moved.services[0].name = "Aldgate food bank".to_owned();
    store.apply(&moved, at(3)).unwrap();
    assert_eq!(store.services_of_organization(org_b).unwrap(), vec![id]);
    assert_eq!(store.services_at_location(loc).unwrap(), vec![id]);
    assert_eq!(store.service_for_link(link).unwrap(), Some(id));
    const ALDGATE: &str = "00000000-0000-4000-8000-000000000011";
    let mut elsewhere = moved.clone();
    elsewhere.locations = vec![location(ALDGATE, "Aldgate Hall")];
    elsewhere.services[0] = serde_json::from_value(json!({
        "id": SVC, "name": "Aldgate food bank", "status": "active", "organization_id": ORG_B,
        "service_at_locations": [{"id": "00000000-0000-4000-8000-00000000bbbb", "location_id": ALDGATE}],
    }))
    .unwrap();
    store.apply(&elsewhere, at(4)).unwrap();
    assert!(store.services_at_location(loc).unwrap().is_empty());
    assert_eq!(store.service_for_link(link).unwrap(), None);
    let aldgate = LocationId::parse(ALDGATE).unwrap();
    assert_eq!(store.services_at_location(aldgate).unwrap(), vec![id]);
    let new_link = elsewhere.services[0].service_at_locations[0].id;
    assert_eq!(store.service_for_link(new_link).unwrap(), Some(id));
    assert_eq!(store.services_of_organization(org_b).unwrap(), vec![id]);
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

fn term(id: &str, name: &str, parent: Option<&str>) -> TaxonomyTerm {
    serde_json::from_value(json!({
        "id": id, "name": name, "description": format!("{name} services"), "parent_id": parent,
    }))
    .unwrap()
}

fn tagged(id: &str, name: &str, terms: &[&str]) -> Service {
    let mut service = service(id, name, ORG_A, LOC);
    service.service_at_locations.clear();
    service.attributes = terms
        .iter()
        .enumerate()
        .map(|(n, term)| {
            serde_json::from_value(json!({
                "id": format!("00000000-0000-4000-8005-{:06}{n:06}", &id[30..]),
                "taxonomy_term_id": term,
            }))
            .unwrap()
        })
        .collect();
    service
}

#[test]
fn changing_a_term_affects_the_services_tagged_with_it_or_a_narrower_term() {
    const FOOD: &str = "00000000-0000-4000-8006-000000000001";
    const FOOD_BANKS: &str = "00000000-0000-4000-8006-000000000002";
    const ADVICE: &str = "00000000-0000-4000-8006-000000000003";
    let (_dir, store) = open();
    let pantry = "00000000-0000-4000-8000-000000000201";
    let debt = "00000000-0000-4000-8000-000000000202";
    let walk = "00000000-0000-4000-8000-000000000203";
    store
        .apply(
            &ChangeSet {
                organizations: vec![organization(ORG_A, "Bow Food Hub")],
                locations: vec![location(LOC, "Bow Community Hall")],
                taxonomy_terms: vec![
                    term(FOOD, "Food", None),
                    term(FOOD_BANKS, "Food banks", Some(FOOD)),
                    term(ADVICE, "Advice", None),
                ],
                services: vec![
                    tagged(pantry, "Pantry", &[FOOD_BANKS]),
                    tagged(debt, "Debt advice", &[ADVICE]),
                    // Its description names a term it is not tagged with: not affected.
                    {
                        let mut walk = tagged(walk, "Walking group", &[]);
                        walk.description = Some(format!("Not {FOOD} nor {ADVICE}."));
                        walk
                    },
                ],
                ..ChangeSet::default()
            },
            at(1),
        )
        .unwrap();
    let affected = |changed: TaxonomyTerm| {
        let changes = ChangeSet {
            taxonomy_terms: vec![changed],
            ..ChangeSet::default()
        };
        store.apply(&changes, at(2)).unwrap().affected_services
    };
    let id = |text: &str| ServiceId::parse(text).unwrap();
    // Renaming a broader term reaches the services of its narrower terms.
    assert_eq!(
        affected(term(FOOD, "Food and meals", None)),
        BTreeSet::from([id(pantry)])
    );
    assert_eq!(
        affected(term(ADVICE, "Advice and guidance", None)),
        BTreeSet::from([id(debt)])
    );
    assert_eq!(
        store
            .services_with_terms(&[
                TaxonomyTermId::parse(FOOD_BANKS).unwrap(),
                TaxonomyTermId::parse(ADVICE).unwrap()
            ])
            .unwrap(),
        vec![id(pantry), id(debt)]
    );
    assert!(store.services_with_terms(&[]).unwrap().is_empty());
    assert!(
        store.tree(Table::ServicesByTerm).is_empty(),
        "no index of services by term is written"
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
    // Described anew under the same name: listed once, where it was.
    let mut described = organization(ids[2], "mango");
    described.description = "Fresh fruit and vegetables for families.".to_owned();
    let redescribed = ChangeSet {
        organizations: vec![described],
        ..ChangeSet::default()
    };
    store.apply(&redescribed, at(3)).unwrap();
    assert_eq!(names(0, 10), ["Aardvark", "Apple", "mango"]);
    assert_eq!(
        store
            .organization(OrganizationId::parse(ids[2]).unwrap())
            .unwrap()
            .unwrap()
            .description,
        "Fresh fruit and vegetables for families."
    );
}

#[test]
fn records_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(&dir.path().join("store")).unwrap();
        store.apply(&one_service(), at(1)).unwrap();
    }
    let reopened = SledStore::open(&dir.path().join("store")).unwrap();
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
    let error = SledStore::open(&dir.path().join("store"))
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
        let db = sled::open(dir.path().join("store")).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let error = SledStore::open(&dir.path().join("store"))
        .err()
        .expect("incompatible");
    assert!(
        matches!(error, StoreError::IncompatibleFormat { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("holds store format 99"),
        "{error}"
    );
}

/// A store with `n` services written one change at a time (so the log is long), closed.
fn store_of(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(&dir.path().join("store")).unwrap();
    store.apply(&one_service(), at(1)).unwrap();
    for i in 0..n {
        let id = format!("00000000-0000-4000-8000-{:012}", 1000 + i);
        let changes = ChangeSet {
            services: vec![service(&id, &format!("Service {i}"), ORG_A, LOC)],
            ..ChangeSet::default()
        };
        store.apply(&changes, at(2)).unwrap();
    }
    dir
}

fn damaged_error(dir: &tempfile::TempDir) -> StoreError {
    let error = SledStore::open(&dir.path().join("store"))
        .err()
        .expect("a damaged store is refused");
    assert!(matches!(error, StoreError::Damaged { .. }), "{error}");
    assert!(error.to_string().contains("signpost restore"), "{error}");
    error
}

#[test]
fn a_store_file_cut_short_is_refused_not_served_as_an_older_store() {
    for keep in [0.0, 0.5, 0.9] {
        let dir = store_of(200);
        let db = dir.path().join("store/db");
        let length = std::fs::metadata(&db).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&db)
            .unwrap()
            .set_len((length as f64 * keep) as u64)
            .unwrap();
        let error = damaged_error(&dir);
        assert!(error.to_string().contains("were acknowledged"), "{error}");
    }
}

#[test]
fn a_store_file_overwritten_in_the_middle_is_refused() {
    let dir = store_of(200);
    let db = dir.path().join("store/db");
    let mut bytes = std::fs::read(&db).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 64].fill(0xff);
    std::fs::write(&db, &bytes).unwrap();
    damaged_error(&dir);
}

#[test]
fn an_undamaged_store_opens_with_every_write_and_keeps_sealing() {
    let dir = store_of(50);
    let store = SledStore::open(&dir.path().join("store")).unwrap();
    assert_eq!(store.counts().unwrap().services, 51);
    store.apply(&one_service_renamed(), at(3)).unwrap();
    drop(store);
    assert!(SledStore::open(&dir.path().join("store")).is_ok());
}

fn one_service_renamed() -> ChangeSet {
    let mut changes = one_service();
    changes.services[0].name = "Food bank (renamed)".to_owned();
    changes
}

fn backup_of(store: &SledStore) -> Vec<u8> {
    let mut bytes = Vec::new();
    store.backup(&mut bytes).unwrap();
    bytes
}

/// `backup` restored into a new directory, and the store opened there.
fn restored_from(backup: &[u8]) -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    SledStore::restore(&dir.path().join("store"), backup).unwrap();
    let store = SledStore::open(&dir.path().join("store")).unwrap();
    (dir, store)
}

#[test]
fn a_backup_restores_every_table_byte_for_byte() {
    let dir = store_of(20);
    let store = SledStore::open(&dir.path().join("store")).unwrap();
    store.apply(&one_service_renamed(), at(3)).unwrap();
    store
        .put_proposal(
            &serde_json::from_value(json!({
                "id": "00000000-0000-4000-8000-00000000beef",
                "organization": ORG_A,
                "author": "00000000-0000-4000-8000-00000000cafe",
                "created": "2026-11-03T12:00:00Z",
                "updated": "2026-11-03T12:00:00Z",
                "status": "submitted",
                "records": [],
                "base": [],
                "note": "a pending change"
            }))
            .unwrap(),
        )
        .unwrap();
    let backup = backup_of(&store);
    let target = tempfile::tempdir().unwrap();
    let summary = SledStore::restore(&target.path().join("store"), backup.as_slice()).unwrap();
    assert_eq!(summary.tables["services"], 21);
    assert_eq!(summary.tables["proposals"], 1);
    let restored = SledStore::open(&target.path().join("store")).unwrap();
    assert_eq!(restored.counts().unwrap(), store.counts().unwrap());
    assert_eq!(restored.generation().unwrap(), store.generation().unwrap());
    assert_eq!(restored.proposals().unwrap().len(), 1);
    assert_eq!(
        restored
            .service(ServiceId::parse(SVC).unwrap())
            .unwrap()
            .unwrap()
            .name,
        "Food bank (renamed)"
    );
    assert_eq!(backup_of(&restored), backup, "every entry of every table");
    // The restored store is sealed and takes writes.
    restored.apply(&one_service(), at(4)).unwrap();
}

#[test]
fn a_restore_refuses_an_occupied_directory_and_leaves_nothing_of_a_damaged_backup() {
    let (dir, store) = open();
    store.apply(&one_service(), at(1)).unwrap();
    let mut backup = backup_of(&store);
    let error = SledStore::restore(&dir.path().join("store"), backup.as_slice()).unwrap_err();
    assert!(
        error.to_string().contains("already holds a store"),
        "{error}"
    );
    let last = backup.len() - 1;
    backup[last] ^= 1;
    let target = tempfile::tempdir().unwrap();
    let error = SledStore::restore(&target.path().join("store"), backup.as_slice()).unwrap_err();
    assert!(error.to_string().contains("checksum"), "{error}");
    assert!(!target.path().join("store").exists());
    assert!(!target.path().join("store.seal").exists());
}

#[test]
fn history_gives_every_version_written_without_keeping_each_twice() {
    let (_dir, store) = open();
    let key = RecordKey::service(ServiceId::parse(SVC).unwrap());
    store.apply(&one_service(), at(1)).unwrap();
    let renamed = |name: &str| ChangeSet {
        services: vec![service(SVC, name, ORG_A, LOC)],
        provenance: Some(Provenance::system("editor", name)),
        ..ChangeSet::default()
    };
    store
        .apply(&renamed("Food bank and pantry"), at(2))
        .unwrap();
    store.apply(&renamed("Bow food bank"), at(3)).unwrap();

    let history = store.history(key).unwrap();
    let names = |r: &Record| r.name().to_owned();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].before, None);
    assert_eq!(names(&history[0].after), "Food bank");
    assert_eq!(
        history[1].before.as_ref().map(names).as_deref(),
        Some("Food bank")
    );
    assert_eq!(names(&history[1].after), "Food bank and pantry");
    assert_eq!(
        history[2].before.as_ref().map(names).as_deref(),
        Some("Food bank and pantry")
    );
    assert_eq!(history[2].after, store.record(key).unwrap().unwrap());
    assert_eq!(history[2].provenance.why, "Bow food bank");
    assert_eq!(history[0].at, at(1));

    // The two changes keep the versions they replaced, not a second copy of each version;
    // the creation keeps no entry.
    let kept: Vec<String> = store
        .tree(Table::History)
        .scan_prefix([kind_byte(RecordKind::Service)])
        .values()
        .map(|entry| String::from_utf8_lossy(&store.unpack_for_test(&entry.unwrap())).into_owned())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter().all(|entry| !entry.contains("Bow food bank")),
        "{kept:?}"
    );
}

/// A record's history entry key as stores keep it: kind, id, generation (big-endian).
fn history_key_of(key: RecordKey, generation: u64) -> Vec<u8> {
    let mut bytes = vec![kind_byte(key.kind)];
    bytes.extend_from_slice(key.id.as_bytes());
    bytes.extend_from_slice(&generation.to_be_bytes());
    bytes
}

#[test]
fn history_written_with_both_versions_still_reads() {
    let (_dir, store) = open();
    let key = RecordKey::service(ServiceId::parse(SVC).unwrap());
    store.apply(&one_service(), at(1)).unwrap();
    // An entry as stores before 2026-11-23 kept it: the version written copied in.
    let first = store.history(key).unwrap().remove(0);
    let older = HistoryEntry {
        after: Record::Service(Box::new(service(
            SVC,
            "Food bank (as first written)",
            ORG_A,
            LOC,
        ))),
        ..first
    };
    // Entries then were kept for creations too, under the change's generation.
    store
        .tree(Table::History)
        .insert(
            history_key_of(key, store.generation().unwrap()),
            serde_json::to_vec(&older).unwrap(),
        )
        .unwrap();
    store
        .apply(
            &ChangeSet {
                services: vec![service(SVC, "Bow food bank", ORG_A, LOC)],
                ..ChangeSet::default()
            },
            at(2),
        )
        .unwrap();

    let history = store.history(key).unwrap();
    assert_eq!(history[0].after.name(), "Food bank (as first written)");
    assert_eq!(history[1].before.as_ref().unwrap().name(), "Food bank");
    assert_eq!(history[1].after.name(), "Bow food bank");
}

/// [`one_service`] with a description long enough to be worth compressing.
fn one_described_service() -> ChangeSet {
    let mut changes = one_service();
    changes.services[0].description =
        Some("Free food parcels and a hot meal every weekday, no referral needed. ".repeat(8));
    changes.organizations[0].description =
        "A community food hub run by volunteers from the Bow estates since 1998. ".repeat(4);
    changes
}

#[test]
fn records_are_kept_compressed_and_read_back_whole() {
    let (_dir, store) = open();
    let changes = one_described_service();
    store.apply(&changes, at(1)).unwrap();
    let id = ServiceId::parse(SVC).unwrap();
    let kept = store
        .tree(Table::Services)
        .get(id.as_bytes())
        .unwrap()
        .unwrap();
    let json = codec::unpack(&kept, &codec::Dictionaries::default())
        .unwrap()
        .into_owned();
    assert!(codec::is_packed(&kept), "a long record is compressed");
    assert!(
        kept.len() * 2 < json.len(),
        "{} bytes kept for {} of JSON",
        kept.len(),
        json.len()
    );
    let read = store.service(id).unwrap().unwrap();
    assert_eq!(read.description, changes.services[0].description);

    let again = store.apply(&changes, at(2)).unwrap();
    assert_eq!(again.services, vec![(id, WriteOutcome::Unchanged)]);

    // The vocabulary, read for every service joined, stays JSON however long.
    let term: TaxonomyTerm = serde_json::from_value(json!({
        "id": "00000000-0000-4000-8000-00000000f00d",
        "name": "Food banks",
        "description": "Emergency food parcels for people in crisis, with or without a referral. ".repeat(5),
    }))
    .unwrap();
    store
        .apply(
            &ChangeSet {
                taxonomy_terms: vec![term.clone()],
                ..ChangeSet::default()
            },
            at(3),
        )
        .unwrap();
    let kept = store
        .tree(Table::TaxonomyTerms)
        .get(term.id.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(kept.first(), Some(&b'{'));
    assert_eq!(store.taxonomy_term(term.id).unwrap(), Some(term));
}

#[test]
fn one_change_keeps_when_and_who_once_for_all_its_records() {
    let (_dir, store) = open();
    let mut changes = one_service();
    changes.provenance = Some(Provenance::system("feed", "Bow feed refreshed"));
    store.apply(&changes, at(3)).unwrap();
    assert_eq!(store.tree(Table::Changes).len(), 1);
    for key in [
        RecordKey::service(ServiceId::parse(SVC).unwrap()),
        RecordKey::organization(OrganizationId::parse(ORG_A).unwrap()),
        RecordKey::location(LocationId::parse(LOC).unwrap()),
    ] {
        let history = store.history(key).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].key, key);
        assert_eq!(history[0].at, at(3));
        assert_eq!(history[0].provenance.why, "Bow feed refreshed");
        assert_eq!(history[0].before, None);
    }
    assert!(
        store.tree(Table::History).is_empty(),
        "a creation has no entry of its own: the record's origin stands for it"
    );
    let kept = store
        .tree(Table::Services)
        .get(ServiceId::parse(SVC).unwrap().as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(codec::origin(&kept), Some(store.generation().unwrap()));
}

/// Records `store` as of `format` (its records rewritten as that format kept them), on disk.
fn recorded_as_format(store: &SledStore, format: u32) {
    store
        .tree(Table::Meta)
        .insert("format_version", &format.to_be_bytes())
        .unwrap();
    store.flush_for_test();
}

/// The format version `store` has recorded.
fn recorded_format(store: &SledStore) -> u32 {
    let bytes = store
        .tree(Table::Meta)
        .get("format_version")
        .unwrap()
        .expect("a format is recorded");
    u32::from_be_bytes(bytes.as_ref().try_into().expect("four bytes"))
}

/// A backup's entries again, under a header saying `format`.
fn as_format(backup: &[u8], format: u32) -> Vec<u8> {
    let mut reader = backup::BackupReader::new(backup).unwrap();
    let mut writer = backup::BackupWriter::new(Vec::new(), format).unwrap();
    while let Some(item) = reader.next_item().unwrap() {
        match item {
            backup::Item::Table(name) => writer.table(&name).unwrap(),
            backup::Item::Record(key, value) => writer.record(&key, &value).unwrap(),
        }
    }
    writer.finish().unwrap().1
}

#[test]
fn a_store_of_format_1_is_read_and_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let service_key = RecordKey::service(ServiceId::parse(SVC).unwrap());
    let backup;
    {
        let store = SledStore::open(&path).unwrap();
        store.apply(&one_described_service(), at(1)).unwrap();
        // Rewritten as format 1 kept it: records as JSON, without their origin; an entry
        // for each creation, holding its record's key, when and who; no changes table.
        let history = store.tree(Table::History);
        for (table, kind) in [
            (Table::Services, RecordKind::Service),
            (Table::Organizations, RecordKind::Organization),
            (Table::Locations, RecordKind::Location),
        ] {
            let tree = store.tree(table);
            for entry in tree.iter() {
                let (key, value) = entry.unwrap();
                let id = uuid::Uuid::from_slice(&key).unwrap();
                let record = RecordKey { kind, id };
                let old = json!({
                    "key": record,
                    "at": at(1),
                    "provenance": Provenance::system("import", "imported from the old store"),
                    "before": null,
                });
                history
                    .insert(
                        history_key_of(record, codec::origin(&value).unwrap()),
                        serde_json::to_vec(&old).unwrap(),
                    )
                    .unwrap();
                tree.insert(
                    key,
                    codec::unpack(&value, &codec::Dictionaries::default())
                        .unwrap()
                        .into_owned(),
                )
                .unwrap();
            }
        }
        store.tree(Table::Changes).clear().unwrap();
        recorded_as_format(&store, 1);
        backup = as_format(&backup_of(&store), 1);
    }
    // Its backup restores, and the restored store reads as it did.
    let (_restored_dir, restored) = restored_from(&backup);
    let history = restored.history(service_key).unwrap();
    assert_eq!(history[0].provenance.why, "imported from the old store");
    assert_eq!(
        restored
            .service(ServiceId::parse(SVC).unwrap())
            .unwrap()
            .unwrap()
            .description,
        one_described_service().services[0].description
    );

    let store = SledStore::open(&path).unwrap();
    assert_eq!(recorded_format(&store), FORMAT_VERSION);
    let service = store
        .service(ServiceId::parse(SVC).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        service.description,
        one_described_service().services[0].description
    );
    let history = store.history(service_key).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].at, at(1));
    assert_eq!(history[0].provenance.why, "imported from the old store");
    assert_eq!(history[0].key, service_key);

    // The same records again change nothing, though kept as JSON; a change is compressed.
    let generation = store.generation().unwrap();
    let again = store.apply(&one_described_service(), at(2)).unwrap();
    assert!(
        again
            .services
            .iter()
            .all(|(_, o)| *o == WriteOutcome::Unchanged)
    );
    assert_eq!(again.generation, generation, "nothing was written");
    let mut renamed = one_described_service();
    renamed.services[0].name = "Bow food bank".to_owned();
    store.apply(&renamed, at(4)).unwrap();
    let kept = store
        .tree(Table::Services)
        .get(service.id.as_bytes())
        .unwrap()
        .unwrap();
    assert!(codec::is_packed(&kept));
    let history = store.history(service_key).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].provenance.why, "imported from the old store");
    assert_eq!(history[1].at, at(4));
    assert_eq!(history[1].before.as_ref().unwrap().name(), "Food bank");
    assert_eq!(history[1].after.name(), "Bow food bank");
}

/// Services `from..to`, each with an organization and a location of its own, described at
/// length in words that vary from one to the next, as an import writes them.
fn described_batch(from: usize, to: usize) -> ChangeSet {
    const WORDS: [&str; 16] = [
        "food",
        "bank",
        "advice",
        "debt",
        "English",
        "class",
        "women",
        "walking",
        "carers",
        "housing",
        "lunch",
        "club",
        "drop-in",
        "counselling",
        "youth",
        "elders",
    ];
    let word = |n: usize, k: usize| WORDS[(n * 7 + k * 11 + n / 5) % WORDS.len()];
    let mut changes = ChangeSet::default();
    for n in from..to {
        let org = format!("00000000-0000-4000-8001-{n:012}");
        let loc = format!("00000000-0000-4000-8002-{n:012}");
        let svc = format!("00000000-0000-4000-8003-{n:012}");
        let mut org_record =
            organization(&org, &format!("{} {} trust {n}", word(n, 1), word(n, 2)));
        org_record.description = format!(
            "A charity running {} and {} sessions for residents of Tower Hamlets since {}.",
            word(n, 3),
            word(n, 4),
            1950 + n % 70
        );
        changes.organizations.push(org_record);
        let mut place = location(
            &loc,
            &format!("{} {} community centre", word(n, 5), word(n, 6)),
        );
        place.description = Some(format!(
            "Step-free entrance on {} Road; the {} room is on the ground floor, {n} metres from the bus stop.",
            word(n, 13),
            word(n, 14)
        ));
        changes.locations.push(place);
        let mut service = service(
            &svc,
            &format!("{} {} {n}", word(n, 7), word(n, 8)),
            &org,
            &loc,
        );
        service.service_at_locations[0].id = crate::domain::ids::ServiceAtLocationId::parse(
            &format!("00000000-0000-4000-8004-{n:012}"),
        )
        .unwrap();
        service.description = Some(format!(
            "Free {} and {} every {} morning for {} and {}, no referral needed; call ahead if you need an interpreter or step-free access.",
            word(n, 9),
            word(n, 10),
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][n % 5],
            word(n, 11),
            word(n, 12)
        ));
        changes.services.push(service);
    }
    changes
}

/// The bytes kept for every record of `table`, and how many name a dictionary.
fn kept(store: &SledStore, table: Table) -> (usize, usize) {
    store
        .tree(table)
        .iter()
        .fold((0, 0), |(bytes, named), entry| {
            let (_, value) = entry.unwrap();
            (
                bytes + value.len(),
                named + usize::from(codec::dictionary_of(&value).is_some()),
            )
        })
}

#[test]
fn a_table_that_grows_is_compressed_with_a_dictionary_trained_on_its_records() {
    let (dir, store) = open();
    // Below the threshold: compressed on their own.
    store.apply(&described_batch(0, 300), at(1)).unwrap();
    let (alone, named) = kept(&store, Table::Services);
    assert_eq!(named, 0);
    // Crossing it: every table's dictionary is trained, and the records already held are
    // rewritten with it, without a change in their history.
    let applied = store.apply(&described_batch(300, 600), at(2)).unwrap();
    let generation = applied.generation;
    for table in [Table::Services, Table::Organizations, Table::Locations] {
        let (_, named) = kept(&store, table);
        assert_eq!(named, 600, "{table:?}: every record names its dictionary");
    }
    let first_half: usize = store
        .tree(Table::Services)
        .range(
            ..ServiceId::parse("00000000-0000-4000-8003-000000000300")
                .unwrap()
                .as_bytes()
                .to_vec(),
        )
        .map(|entry| entry.unwrap().1.len())
        .sum();
    assert!(
        first_half * 10 < alone * 8,
        "the same 300 services: {first_half} bytes with the dictionary, {alone} without"
    );
    let every = described_batch(0, 600);
    for written in &every.services {
        let read = store.service(written.id).unwrap().unwrap();
        assert_eq!(read.description, written.description);
        assert_eq!(read.name, written.name);
    }
    let service_key = RecordKey::service(every.services[0].id);
    let history = store.history(service_key).unwrap();
    assert_eq!(history.len(), 1, "rewriting is not a change");
    assert_eq!(
        (history[0].at, history[0].before.is_none()),
        (at(1), true),
        "rewritten, a record still knows the change that created it"
    );
    // The same records again, kept with another dictionary than they would be packed with
    // now, are unchanged.
    let again = store.apply(&described_batch(0, 600), at(3)).unwrap();
    assert!(
        again
            .services
            .iter()
            .all(|(_, outcome)| *outcome == WriteOutcome::Unchanged)
    );
    assert_eq!(again.generation, generation);

    // Reopened, the dictionaries are read back: nothing is trained again, and new records
    // are written with the same dictionary.
    let dictionary = codec::dictionary_of(
        &store
            .tree(Table::Services)
            .iter()
            .next()
            .unwrap()
            .unwrap()
            .1,
    );
    let backup = backup_of(&store);
    drop(store);
    let store = SledStore::open(&dir.path().join("store")).unwrap();
    assert_eq!(store.tree(Table::Dictionaries).len(), 3);
    store.apply(&described_batch(600, 610), at(4)).unwrap();
    let newest = store
        .tree(Table::Services)
        .get(
            ServiceId::parse("00000000-0000-4000-8003-000000000605")
                .unwrap()
                .as_bytes(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(codec::dictionary_of(&newest), dictionary);
    assert_eq!(store.tree(Table::Dictionaries).len(), 3);

    // A backup carries the dictionaries: the restored store reads every record.
    let (_restored_dir, restored) = restored_from(&backup);
    for written in &every.services {
        let read = restored.service(written.id).unwrap().unwrap();
        assert_eq!(read.description, written.description);
    }
    for written in &every.organizations {
        let read = restored.organization(written.id).unwrap().unwrap();
        assert_eq!(read.description, written.description);
    }
    assert_eq!(
        restored.history(service_key).unwrap(),
        store.history(service_key).unwrap()
    );
}

#[test]
fn a_store_written_before_dictionaries_is_trained_and_rewritten_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let store = SledStore::open(&path).unwrap();
        store.apply(&described_batch(0, 600), at(1)).unwrap();
        // Rewritten as format 2 kept it: each record compressed on its own.
        let none = codec::Dictionaries::default();
        for table in [Table::Services, Table::Organizations, Table::Locations] {
            let tree = store.tree(table);
            for entry in tree.iter() {
                let (key, value) = entry.unwrap();
                let json = store.unpack_for_test(&value);
                let alone = codec::pack(&json, None).into_owned();
                assert_eq!(
                    codec::unpack(&alone, &none).unwrap().as_ref(),
                    json.as_slice()
                );
                tree.insert(key, alone).unwrap();
            }
        }
        store.tree(Table::Dictionaries).clear().unwrap();
        // Format 3 and before kept services by term.
        let service = described_batch(0, 1).services[0].id;
        store
            .tree(Table::ServicesByTerm)
            .insert([&[7u8; 16][..], service.as_bytes()].concat(), &[])
            .unwrap();
        recorded_as_format(&store, 2);
        assert_eq!(kept(&store, Table::Services).1, 0);
    }
    let store = SledStore::open(&path).unwrap();
    assert_eq!(store.tree(Table::Dictionaries).len(), 3);
    assert!(store.tree(Table::ServicesByTerm).is_empty());
    for table in [Table::Services, Table::Organizations, Table::Locations] {
        assert_eq!(kept(&store, table).1, 600, "{table:?}");
    }
    for written in &described_batch(0, 600).services {
        assert_eq!(
            store.service(written.id).unwrap().unwrap().description,
            written.description
        );
    }
}

#[test]
fn a_record_whose_dictionary_is_lost_is_reported_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let id = described_batch(0, 1).services[0].id;
    {
        let store = SledStore::open(&path).unwrap();
        store.apply(&described_batch(0, 600), at(1)).unwrap();
        store.tree(Table::Dictionaries).clear().unwrap();
        store.flush_for_test();
    }
    // Opening trains new dictionaries for new records; the old ones still name theirs.
    let store = SledStore::open(&path).unwrap();
    let error = store.service(id).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("dictionary"), "{error}");
}

/// Service `n` of a test, at organization `org` and location `loc` (each a number), by a
/// link of its own.
fn numbered_service(n: usize, org: usize, loc: usize) -> Service {
    serde_json::from_value(json!({
        "id": format!("00000000-0000-4000-8003-{n:012}"),
        "name": format!("Service {n}"),
        "status": "active",
        "organization_id": format!("00000000-0000-4000-8001-{org:012}"),
        "service_at_locations": [{
            "id": format!("00000000-0000-4000-8004-{n:012}"),
            "location_id": format!("00000000-0000-4000-8002-{loc:012}"),
        }],
    }))
    .unwrap()
}

/// Every list of `table`: (parent, its services), read as kept, with any entry that is not
/// one parent's list reported by its key.
fn lists_kept(store: &SledStore, table: Table) -> Vec<(Vec<u8>, usize)> {
    store
        .tree(table)
        .iter()
        .map(|entry| {
            let (key, value) = entry.unwrap();
            assert_eq!(key.len(), 16, "an entry that is not a list: {key:?}");
            assert!(!value.is_empty(), "an empty list is kept");
            (key.to_vec(), value.len() / 16)
        })
        .collect()
}

/// The organizations' and locations' lists of services as `store` answers them, for the
/// organizations and locations numbered `0..parents`.
fn lists_read(store: &SledStore, parents: usize) -> Vec<(Vec<ServiceId>, Vec<ServiceId>)> {
    (0..parents)
        .map(|n| {
            let org = OrganizationId::parse(&format!("00000000-0000-4000-8001-{n:012}")).unwrap();
            let loc = LocationId::parse(&format!("00000000-0000-4000-8002-{n:012}")).unwrap();
            (
                store.services_of_organization(org).unwrap(),
                store.services_at_location(loc).unwrap(),
            )
        })
        .collect()
}

#[test]
fn lists_of_services_follow_every_move_also_within_one_change() {
    const PARENTS: usize = 4;
    const SERVICES: usize = 40;
    let (_dir, store) = open();
    let parents = ChangeSet {
        organizations: (0..PARENTS)
            .map(|n| {
                organization(
                    &format!("00000000-0000-4000-8001-{n:012}"),
                    &format!("Trust {n}"),
                )
            })
            .collect(),
        locations: (0..PARENTS)
            .map(|n| {
                location(
                    &format!("00000000-0000-4000-8002-{n:012}"),
                    &format!("Hall {n}"),
                )
            })
            .collect(),
        ..ChangeSet::default()
    };
    store.apply(&parents, at(1)).unwrap();
    // Where each service is: (organization, location), as the model the store must match.
    let mut placed: Vec<(usize, usize)> = vec![(0, 0); SERVICES];
    let mut seed = 7_u64;
    let mut next = |below: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(seed >> 33).unwrap() % below
    };
    for round in 0..6 {
        let mut services = Vec::new();
        for (n, place) in placed.iter_mut().enumerate() {
            if round > 0 && next(3) == 0 {
                continue;
            }
            // Some services are written twice in one change, moved by the second.
            for _ in 0..=usize::from(next(5) == 0) {
                *place = (next(PARENTS), next(PARENTS));
                services.push(numbered_service(n, place.0, place.1));
            }
        }
        store
            .apply(
                &ChangeSet {
                    services,
                    ..ChangeSet::default()
                },
                at(2 + round),
            )
            .unwrap();
        let expected: Vec<(Vec<ServiceId>, Vec<ServiceId>)> = (0..PARENTS)
            .map(|parent| {
                let at = |of: fn(&(usize, usize)) -> usize| {
                    let mut ids: Vec<ServiceId> = (0..SERVICES)
                        .filter(|n| of(&placed[*n]) == parent)
                        .map(|n| numbered_service(n, 0, 0).id)
                        .collect();
                    ids.sort();
                    ids
                };
                (at(|p| p.0), at(|p| p.1))
            })
            .collect();
        assert_eq!(lists_read(&store, PARENTS), expected, "round {round}");
        for table in [Table::ServicesByOrganization, Table::ServicesByLocation] {
            let kept = lists_kept(&store, table);
            assert_eq!(kept.iter().map(|(_, n)| n).sum::<usize>(), SERVICES);
        }
        for n in 0..SERVICES {
            let link = numbered_service(n, 0, 0).service_at_locations[0].id;
            assert_eq!(
                store.service_for_link(link).unwrap(),
                Some(numbered_service(n, 0, 0).id)
            );
        }
    }
}

#[test]
fn a_store_of_format_5_has_its_lists_regrouped_when_opened() {
    const PARENTS: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let (expected, backup);
    {
        let store = SledStore::open(&path).unwrap();
        let services = (0..30)
            .map(|n| numbered_service(n, n % PARENTS, n % 3))
            .collect();
        store
            .apply(
                &ChangeSet {
                    services,
                    ..ChangeSet::default()
                },
                at(1),
            )
            .unwrap();
        expected = lists_read(&store, PARENTS);
        assert_eq!(expected[0].0.len(), 6);
        // Rewritten as format 5 kept them: an entry a pair, `parent ++ service`. The first
        // organization's list stays as it is, as in a store whose regrouping was stopped.
        for table in [Table::ServicesByOrganization, Table::ServicesByLocation] {
            let tree = store.tree(table);
            for (at, (parent, _)) in lists_kept(&store, table).into_iter().enumerate() {
                if table == Table::ServicesByOrganization && at == 0 {
                    continue;
                }
                let list = tree.remove(&parent).unwrap().unwrap();
                for service in list.chunks(16) {
                    tree.insert([parent.as_slice(), service].concat(), &[])
                        .unwrap();
                }
            }
        }
        recorded_as_format(&store, 5);
        assert!(
            store
                .tree(Table::ServicesByLocation)
                .iter()
                .keys()
                .all(|key| key.unwrap().len() == 32)
        );
        backup = as_format(&backup_of(&store), 5);
    }
    let store = SledStore::open(&path).unwrap();
    assert_eq!(lists_read(&store, PARENTS), expected);
    assert_eq!(
        lists_kept(&store, Table::ServicesByOrganization).len(),
        PARENTS
    );
    assert_eq!(lists_kept(&store, Table::ServicesByLocation).len(), 3);
    assert_eq!(recorded_format(&store), FORMAT_VERSION);
    // A move after the upgrade is kept in the lists.
    store
        .apply(
            &ChangeSet {
                services: vec![numbered_service(0, 1, 1)],
                ..ChangeSet::default()
            },
            at(2),
        )
        .unwrap();
    let moved = lists_read(&store, PARENTS);
    assert_eq!(moved[0].0.len(), 5);
    assert_eq!(moved[1].0.len(), 7);
    assert_eq!(moved[0].1.len(), 9);

    // A backup of format 5 restores and is regrouped the same way.
    let (_restored_dir, restored) = restored_from(&backup);
    assert_eq!(lists_read(&restored, PARENTS), expected);
    assert_eq!(lists_kept(&restored, Table::ServicesByLocation).len(), 3);
}
