//! `signpost import` and `signpost export`, run as the real binary on temporary data
//! directories.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::json;

use crate::fixtures;
use crate::helpers::{service_record, shared_dir, spawn_app, spawn_empty_app};

fn signpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn import(data_dir: &Path, files: &[&Path]) -> Output {
    let mut args = vec!["import", "--data-dir", data_dir.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    signpost(&args)
}

fn export(data_dir: &Path, out: &Path) -> String {
    let output = signpost(&[
        "export",
        "--data-dir",
        data_dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    std::fs::read_to_string(out).unwrap()
}

/// Everything in `original` is in `served`, unchanged (`served` may add fields).
fn assert_superset(served: &serde_json::Value, original: &serde_json::Value, path: &str) {
    match (served, original) {
        (serde_json::Value::Object(served), serde_json::Value::Object(original)) => {
            for (key, value) in original {
                let inner = served
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} was lost"));
                assert_superset(inner, value, &format!("{path}.{key}"));
            }
        }
        (serde_json::Value::Array(served), serde_json::Value::Array(original)) => {
            assert_eq!(served.len(), original.len(), "{path} has as many items");
            for (at, (inner, value)) in served.iter().zip(original).enumerate() {
                assert_superset(inner, value, &format!("{path}[{at}]"));
            }
        }
        _ => assert_eq!(served, original, "{path} is unchanged"),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_validator_default_feed_imports_cleanly_and_a_second_import_changes_nothing() {
    let Some(shared) = shared_dir("import::default_mock") else {
        return;
    };
    let default = shared.join("oruk/validator-mocks/V3.0-UK-Default");
    let data = tempfile::tempdir().unwrap();
    let full = default.join("service_full.json");
    let first = import(data.path(), &[&full]);
    let report = stderr(&first);
    assert_eq!(first.status.code(), Some(0), "{report}");
    assert!(
        report.contains(
            "service_full.json: 1 records read, 1 created, 0 updated, 0 unchanged, 0 rejected"
        ),
        "{report}"
    );
    assert!(
        report.contains("latitude must be a number from -90 to 90"),
        "out-of-range coordinates are reported: {report}"
    );

    let second = import(data.path(), &[&full]);
    assert_eq!(second.status.code(), Some(0));
    assert!(
        stderr(&second).contains(
            "service_full.json: 1 records read, 0 created, 0 updated, 1 unchanged, 0 rejected"
        ),
        "{}",
        stderr(&second)
    );

    let exported: serde_json::Value =
        serde_json::from_str(export(data.path(), &data.path().join("out.ndjson")).trim()).unwrap();
    let mut original = crate::helpers::read_json(&full);
    let location = original["service_at_locations"][0]["location"]
        .as_object_mut()
        .unwrap();
    location.remove("latitude");
    location.remove("longitude");
    assert_superset(&exported, &original, "$");

    let page = tempfile::tempdir().unwrap();
    let listed = import(page.path(), &[&default.join("service_list.json")]);
    assert_eq!(
        listed.status.code(),
        Some(0),
        "a Page envelope imports: {}",
        stderr(&listed)
    );
    assert!(
        stderr(&listed).contains("1 records read, 1 created"),
        "{}",
        stderr(&listed)
    );
}

#[test]
fn the_validator_fail_feed_is_rejected_field_by_field() {
    let Some(shared) = shared_dir("import::fail_mock") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let fail = shared.join("oruk/validator-mocks/V3.0-UK-Fail");
    let output = import(
        data.path(),
        &[
            &fail.join("service_full.json"),
            &fail.join("service_list.json"),
        ],
    );
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{report}");
    assert!(
        report.contains("rejected record 1 (id ac148810-d857-441c-9679-408f346de14b)"),
        "{report}"
    );
    assert!(report.contains("url: is not a web address (expected an absolute https:// or http:// URL) (found \"example/counselling\")"), "{report}");
    assert!(
        report.contains("email: is not a valid e-mail address"),
        "{report}"
    );
    assert!(
        report.contains("name: is required"),
        "the list's nameless service is named: {report}"
    );
    assert!(
        report.contains(
            "service_full.json: 1 records read, 0 created, 0 updated, 0 unchanged, 1 rejected"
        ),
        "{report}"
    );
}

#[test]
fn valid_records_go_in_beside_invalid_ones_and_known_ids_update() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = service_record("60000000-0000-4000-8000-000000000001", "Coffee Morning");
    let bad = json!({"id": "60000000-0000-4000-8000-000000000002", "name": "Bad", "status": "open", "minimum_age": "ten"});
    let ndjson = format!("{first}\n{{not json\n{bad}\n");
    let output = import(&data, &[&write(dir.path(), "mixed.ndjson", &ndjson)]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{report}");
    assert!(report.contains("rejected line 2"), "{report}");
    assert!(
        report.contains("rejected line 3 (id 60000000-0000-4000-8000-000000000002)"),
        "{report}"
    );
    assert!(
        report.contains(
            "status: must be one of active, inactive, defunct, temporarily closed (found \"open\")"
        ),
        "{report}"
    );
    assert!(report.contains("minimum_age: must be a number"), "{report}");
    assert!(report.contains("3 records read, 1 created"), "{report}");

    let mut renamed = first.clone();
    renamed["name"] = json!("Coffee and Chat");
    let output = import(
        &data,
        &[&write(
            dir.path(),
            "update.json",
            &json!([renamed]).to_string(),
        )],
    );
    assert!(
        stderr(&output).contains("1 records read, 0 created, 1 updated"),
        "{}",
        stderr(&output)
    );
    let exported = export(&data, &dir.path().join("out.ndjson"));
    assert!(
        exported.contains("\"name\":\"Coffee and Chat\"") && !exported.contains("Coffee Morning"),
        "{exported}"
    );
}

#[test]
fn references_to_unknown_records_are_rejected_with_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let mut record = service_record("60000000-0000-4000-8000-000000000003", "Orphan");
    record["organization_id"] = json!("60000000-0000-4000-8000-0000000000ff");
    record["attributes"] = json!([{"id": "60000000-0000-4000-8000-0000000000fe", "taxonomy_term_id": "60000000-0000-4000-8000-0000000000fd"}]);
    let output = import(
        &dir.path().join("data"),
        &[&write(dir.path(), "orphan.json", &record.to_string())],
    );
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(report.contains("organization_id: refers to organization 60000000-0000-4000-8000-0000000000ff, which is neither in the directory nor described in this import; include the organization object"), "{report}");
    assert!(
        report.contains("attributes[0].taxonomy_term_id: refers to taxonomy term"),
        "{report}"
    );
}

#[test]
fn records_may_refer_to_records_described_later_in_the_same_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let organization = json!({"id": "60000000-0000-4000-8000-0000000000a1", "name": "Later Org", "description": "Described second."});
    let location = json!({"id": "60000000-0000-4000-8000-0000000000a2", "location_type": "physical", "name": "Later Hall"});
    let mut early = service_record("60000000-0000-4000-8000-0000000000a3", "Early");
    early["organization_id"] = organization["id"].clone();
    early["service_at_locations"] =
        json!([{"id": "60000000-0000-4000-8000-0000000000a4", "location_id": location["id"]}]);
    let mut later = service_record("60000000-0000-4000-8000-0000000000a5", "Later");
    later["organization"] = organization;
    later["service_at_locations"] =
        json!([{"id": "60000000-0000-4000-8000-0000000000a6", "location": location}]);
    let mut orphan = service_record("60000000-0000-4000-8000-0000000000a7", "Orphan");
    orphan["service_at_locations"] = json!([{"id": "60000000-0000-4000-8000-0000000000a8", "location_id": "60000000-0000-4000-8000-0000000000a9"}]);
    let mut invalid_source = service_record("60000000-0000-4000-8000-0000000000aa", "Invalid");
    invalid_source["status"] = json!("open");
    invalid_source["service_at_locations"] = json!([{"id": "60000000-0000-4000-8000-0000000000ab",
        "location": {"id": "60000000-0000-4000-8000-0000000000a9", "location_type": "physical"}}]);
    let file = write(
        dir.path(),
        "forward.json",
        &json!([early, later, orphan, invalid_source]).to_string(),
    );
    let output = import(&data, &[&file]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{report}");
    assert!(
        report.contains("4 records read, 2 created, 0 updated, 0 unchanged, 2 rejected"),
        "{report}"
    );
    assert!(
        report.contains("rejected record 3 (id 60000000-0000-4000-8000-0000000000a7)"),
        "only described in a rejected record: {report}"
    );
    let again = import(&data, &[&file]);
    assert!(
        stderr(&again).contains("4 records read, 0 created, 0 updated, 2 unchanged, 2 rejected"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn unreadable_files_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let output = import(
        &dir.path().join("data"),
        &[&write(dir.path(), "page.html", "<html>Server error</html>")],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("expected ORUK service records as a JSON array"),
        "{}",
        stderr(&output)
    );
    let missing = import(&dir.path().join("data"), &[&dir.path().join("nope.json")]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("cannot read"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn export_then_import_into_an_empty_directory_then_export_gives_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    let records: Vec<String> = fixtures::services().iter().map(|s| s.to_string()).collect();
    let output = import(
        &source,
        &[&write(dir.path(), "fixture.ndjson", &records.join("\n"))],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let first = export(&source, &dir.path().join("first.ndjson"));
    assert_eq!(first.lines().count(), 8);

    let copy = dir.path().join("copy");
    let output = import(&copy, &[&dir.path().join("first.ndjson")]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(export(&copy, &dir.path().join("second.ndjson")), first);
}

#[tokio::test]
async fn the_sample_directory_round_trips_through_export_and_import() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let mut first = Vec::new();
    signpost::catalog::export::export(&app.catalog, &mut first).unwrap();
    let first = String::from_utf8(first).unwrap();
    let copy = spawn_empty_app().await;
    let report = copy.import(
        &first
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect::<Vec<_>>(),
    );
    assert!(report.all_imported(), "{:?}", report.rejected.first());
    let mut second = Vec::new();
    signpost::catalog::export::export(&copy.catalog, &mut second).unwrap();
    assert_eq!(String::from_utf8(second).unwrap(), first);
    drop(dir);
}

#[tokio::test]
async fn a_data_directory_in_use_by_a_server_is_refused_by_the_command_line() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "one.json",
        &service_record("60000000-0000-4000-8000-000000000009", "X").to_string(),
    );
    let output = import(app.data_dir.path(), &[&file]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is in use by another Signpost process"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn a_taxonomy_named_only_by_its_terms_is_recorded_from_them() {
    let app = spawn_empty_app().await;
    let mut record = service_record("60000000-0000-4000-8000-000000000010", "Tea and Talk");
    record["attributes"] = json!([{"id": "60000000-0000-4000-8000-000000000011", "taxonomy_term": {
        "id": "60000000-0000-4000-8000-000000000012", "name": "Social groups", "description": "Meet people",
        "taxonomy": "Council needs list", "taxonomy_id": "60000000-0000-4000-8000-000000000013"}}]);
    assert!(app.import(&[record]).all_imported());
    let taxonomy = app
        .get_json("/taxonomies/60000000-0000-4000-8000-000000000013")
        .await;
    assert_eq!(taxonomy["name"], "Council needs list");
    assert!(
        taxonomy["description"]
            .as_str()
            .unwrap()
            .contains("did not describe it")
    );
    let filtered = app
        .get_json("/services?taxonomy_id=60000000-0000-4000-8000-000000000013")
        .await;
    assert_eq!(filtered["total_items"], 1);
}

#[tokio::test]
async fn taxonomy_terms_nested_in_attributes_become_taxonomy_terms() {
    let app = spawn_empty_app().await;
    app.import(&fixtures::services());
    let terms = app.get_json("/taxonomy_terms?per_page=100").await;
    let names: Vec<&str> = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Community meals",
            "Food",
            "Food bank",
            "Housing",
            "Loneliness",
            "Physical activity",
            "Women only"
        ]
    );
    let taxonomies = app.get_json("/taxonomies").await;
    assert_eq!(taxonomies["total_items"], 2);
    let food_terms = app
        .get_json(&format!("/taxonomy_terms?parent_id={}", fixtures::FOOD))
        .await;
    assert_eq!(food_terms["total_items"], 2);
}

#[test]
fn a_large_ndjson_file_imports_whole_with_references_across_it_and_bad_lines_reported() {
    // More organizations and locations than one write of an import holds, a reference from
    // the first line to a place described on the last, and a broken line between.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let count = 2_100;
    let id = |kind: u32, n: usize| format!("61{kind:06}-0000-4000-8000-{n:012}");
    let mut lines: Vec<String> = (0..count)
        .map(|n| {
            let mut record = service_record(&id(1, n), &format!("Lunch club {n}"));
            record["organization"] = json!({"id": id(2, n), "name": format!("Trust {n}"), "description": "Runs lunch clubs."});
            record["service_at_locations"] = if n == 0 {
                json!([{"id": id(3, n), "location_id": id(4, count - 1)}])
            } else {
                json!([{"id": id(3, n), "location": {"id": id(4, n), "location_type": "physical", "name": format!("Hall {n}")}}])
            };
            record.to_string()
        })
        .collect();
    lines.insert(1_000, "{\"id\": broken".to_owned());
    let file = write(dir.path(), "national.ndjson", &lines.join("\n"));
    let output = import(&data, &[&file]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{report}");
    assert!(
        report.contains(&format!(
            "{} records read, {count} created, 0 updated, 0 unchanged, 1 rejected",
            count + 1
        )),
        "{report}"
    );
    assert!(
        report.contains("line 1001"),
        "the broken line is named: {report}"
    );
    let exported = export(&data, &dir.path().join("out.ndjson"));
    let services: Vec<serde_json::Value> = exported
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(services.len(), count);
    let first = services
        .iter()
        .find(|s| s["id"] == id(1, 0).as_str())
        .expect("the first line's service");
    assert_eq!(
        first["service_at_locations"][0]["location"]["name"],
        format!("Hall {}", count - 1),
        "its place, described on the last line"
    );
    let last = services
        .iter()
        .find(|s| s["id"] == id(1, count - 1).as_str())
        .unwrap();
    assert_eq!(last["organization"]["name"], format!("Trust {}", count - 1));
}

#[test]
fn an_import_taken_a_chunk_at_a_time_keeps_references_across_chunks_and_the_later_description() {
    use signpost::catalog::import::{Position, SourceRecord, import_in_chunks};
    use signpost::domain::ids::{OrganizationId, ServiceId};

    let dir = tempfile::tempdir().unwrap();
    let (catalog, _) = signpost::catalog::Catalog::open(
        dir.path(),
        std::sync::Arc::new(signpost::geography::builtin::geography()),
        std::sync::Arc::new(signpost::search::assets::SearchAssets::built_in()),
    )
    .unwrap();
    let id = |n: u32| format!("62000000-0000-4000-8000-{n:012}");
    let organization =
        |name: &str| json!({"id": id(100), "name": name, "description": "Runs things."});
    let place =
        |n: u32| json!({"id": id(n), "location_type": "physical", "name": format!("Hall {n}")});
    // 1: its organization's first description, and a place only described by record 5.
    let mut first = service_record(&id(1), "First");
    first["organization"] = organization("First description");
    first["service_at_locations"] = json!([{"id": id(11), "location_id": id(200)}]);
    // 2: the same organization described again, later.
    let mut second = service_record(&id(2), "Second");
    second["organization"] = organization("Second description");
    // 3: the organization by id only, written by an earlier chunk.
    let mut third = service_record(&id(3), "Third");
    third["organization_id"] = json!(id(100));
    // 4: a place only an invalid record describes.
    let mut fourth = service_record(&id(4), "Fourth");
    fourth["service_at_locations"] = json!([{"id": id(14), "location_id": id(201)}]);
    let mut fifth = service_record(&id(5), "Fifth");
    fifth["service_at_locations"] = json!([{"id": id(15), "location": place(200)}]);
    let mut invalid = service_record(&id(6), "Invalid");
    invalid["status"] = json!("open");
    invalid["service_at_locations"] = json!([{"id": id(16), "location": place(201)}]);
    // 7: record 1's service described again, later; its place was written by then.
    let mut again = service_record(&id(1), "First, described again");
    again["service_at_locations"] = json!([{"id": id(11), "location_id": id(200)}]);
    let records = [first, second, third, fourth, fifth, invalid, again]
        .into_iter()
        .enumerate()
        .map(|(at, value)| SourceRecord::parsed(Position::Item(at + 1), value));

    let report = import_in_chunks(&catalog, records, 2).unwrap();

    assert_eq!(
        (report.read, report.created, report.unchanged),
        (7, 4, 1),
        "record 1 goes in last and changes nothing: {report:?}"
    );
    let rejected: Vec<Position> = report.rejected.iter().map(|r| r.position).collect();
    assert_eq!(rejected, [Position::Item(4), Position::Item(6)]);
    let store = catalog.store();
    let organization = store
        .organization(OrganizationId::parse(&id(100)).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        organization.name, "Second description",
        "record 1 went in last (it waited for record 5), but record 2 described the organization later"
    );
    let first = catalog
        .full_service(ServiceId::parse(&id(1)).unwrap())
        .unwrap()
        .expect("records 1 and 7's service");
    assert_eq!(
        first.service.name, "First, described again",
        "the later description stands"
    );
    assert_eq!(first.locations.len(), 1);
    catalog.close();
}
