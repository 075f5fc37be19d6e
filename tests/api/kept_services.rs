//! Services kept ready for answers (`src/catalog/cache.rs`): whatever a write changes shows
//! in the very next answer, whether the service was kept or not, and a server that keeps
//! nothing answers the same.

use serde_json::Value;
use signpost::domain::ids::{OrganizationId, ServiceId, TaxonomyId, TaxonomyTermId};
use signpost::store::ChangeSet;

use crate::fixtures::{self, NEEDS, ORG_A};
use crate::helpers::{TestApp, spawn_empty_app, spawn_empty_app_with};

async fn with_fixtures(app: TestApp) -> TestApp {
    let report = app.import(&fixtures::services());
    assert!(report.all_imported(), "{:?}", report.rejected);
    app
}

/// A service of organisation A, as `/services/{id}` and a search show it.
async fn shown(app: &TestApp, id: &str) -> (Value, Value) {
    let service = app.get_json(&format!("/services/{id}")).await;
    let page = app
        .get_json(&format!("/services?organization_id={ORG_A}&per_page=50"))
        .await;
    let listed = page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed: {page}"))
        .clone();
    (service, listed)
}

fn term_taxonomy_names(service: &Value) -> Vec<String> {
    service["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["taxonomy_term"]["taxonomy_detail"]["name"].as_str())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_write_shows_in_the_next_answer_though_the_service_was_kept() {
    let app = with_fixtures(spawn_empty_app().await).await;
    let org_a = OrganizationId::parse(ORG_A).unwrap();
    let store = app.catalog.store();
    let id = store.services_of_organization(org_a).unwrap()[0].to_string();
    let (service, listed) = shown(&app, &id).await;
    let name = store.organization(org_a).unwrap().unwrap().name;
    assert_eq!(service["organization"]["name"], name.as_str());
    assert_eq!(listed["organization"]["name"], name.as_str());
    assert!(
        !app.catalog.kept_services().is_empty(),
        "answers keep what they read"
    );

    // The organisation is renamed: its services were kept, and are not shown as they were.
    let mut organization = store.organization(org_a).unwrap().unwrap();
    organization.name = "Renamed Community Trust".to_owned();
    app.catalog
        .apply(&ChangeSet {
            organizations: vec![organization],
            ..ChangeSet::default()
        })
        .unwrap();
    let (service, listed) = shown(&app, &id).await;
    assert_eq!(service["organization"]["name"], "Renamed Community Trust");
    assert_eq!(listed["organization"]["name"], "Renamed Community Trust");

    // A taxonomy is renamed: no service is re-indexed for it, and every answer shows it.
    let needs = TaxonomyId::parse(NEEDS).unwrap();
    assert!(term_taxonomy_names(&service).iter().any(|n| n == "Needs"));
    let mut taxonomy = store.taxonomy(needs).unwrap().unwrap();
    taxonomy.name = "What people need".to_owned();
    app.catalog
        .apply(&ChangeSet {
            taxonomies: vec![taxonomy],
            ..ChangeSet::default()
        })
        .unwrap();
    let (service, _) = shown(&app, &id).await;
    let names = term_taxonomy_names(&service);
    assert!(names.iter().any(|n| n == "What people need"), "{names:?}");
    assert!(!names.iter().any(|n| n == "Needs"), "{names:?}");

    // The service itself is edited.
    let mut edited = store
        .service(ServiceId::parse(&id).unwrap())
        .unwrap()
        .unwrap();
    edited.name = "Edited Lunch Club".to_owned();
    app.catalog
        .apply(&ChangeSet {
            services: vec![edited],
            ..ChangeSet::default()
        })
        .unwrap();
    let (service, listed) = shown(&app, &id).await;
    assert_eq!(service["name"], "Edited Lunch Club");
    assert_eq!(listed["name"], "Edited Lunch Club");
}

/// Each need counted in a faceted answer, by its name as the answer gives it.
async fn need_names(app: &TestApp) -> Vec<(String, String)> {
    let page = app.get_json("/services?facets=need&per_page=1").await;
    page["facets"]["need"]
        .as_array()
        .unwrap_or_else(|| panic!("no need facet: {page}"))
        .iter()
        .map(|value| {
            (
                value["value"].as_str().unwrap().to_owned(),
                value["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn facets_name_each_need_as_the_directory_does_after_a_rename() {
    let app = with_fixtures(spawn_empty_app().await).await;
    let store = app.catalog.store();
    let names = need_names(&app).await;
    assert!(!names.is_empty());
    for (id, name) in &names {
        let term = store
            .taxonomy_term(TaxonomyTermId::parse(id).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(name, &term.name, "{id}");
    }

    // A term is renamed: the very next faceted answer names it so.
    let (id, _) = &names[0];
    let mut term = store
        .taxonomy_term(TaxonomyTermId::parse(id).unwrap())
        .unwrap()
        .unwrap();
    term.name = "Renamed need".to_owned();
    app.catalog
        .apply(&ChangeSet {
            taxonomy_terms: vec![term],
            ..ChangeSet::default()
        })
        .unwrap();
    let names = need_names(&app).await;
    let renamed = names.iter().find(|(value, _)| value == id).unwrap();
    assert_eq!(renamed.1, "Renamed need", "{names:?}");
}

#[tokio::test]
async fn a_server_that_keeps_no_services_answers_the_same() {
    let keeping = with_fixtures(spawn_empty_app().await).await;
    let reading =
        with_fixtures(spawn_empty_app_with(|config| config.service_cache = 0).await).await;
    for path in [
        "/services?per_page=50",
        "/services?search=food&per_page=50",
        "/service_at_locations?per_page=50",
    ] {
        // Twice: the second answer comes from what the first kept.
        for _ in 0..2 {
            assert_eq!(
                keeping.get_json(path).await,
                reading.get_json(path).await,
                "{path}"
            );
        }
    }
    assert!(!keeping.catalog.kept_services().is_empty());
    assert!(reading.catalog.kept_services().is_empty());
}
