//! Contract tests: every endpoint's responses validate against the ORUK 3.0 UK-profile
//! schemas (as the official validator applies them) and against our own /openapi.json, and
//! follow the publishing rules: no null, no empty strings or arrays, CORS open.

use std::path::Path;

use jsonschema::Validator;
use serde_json::{Value, json};

use crate::helpers::{TestApp, read_json, shared_dir, spawn_app_with_pack, spawn_empty_app};

/// Validators for one kind of response: the ORUK schema and our OpenAPI component.
struct Contract {
    oruk: Validator,
    ours: Validator,
    /// Whether the answer holds ORUK records, whose ids must be UUIDs.
    oruk_records: bool,
}

fn validator(schema: &Value) -> Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

fn page_of(item: Value) -> Value {
    json!({
        "type": "object",
        "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
        "properties": {
            "total_items": {"type": "integer"}, "total_pages": {"type": "integer"}, "page_number": {"type": "integer"},
            "size": {"type": "integer"}, "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"}, "contents": {"type": "array", "items": item}
        }
    })
}

pub fn ours(component: &str) -> Validator {
    let document = signpost::http::api::openapi::document();
    validator(&json!({
        "$ref": format!("#/components/schemas/{component}"),
        "components": document["components"],
    }))
}

/// Replaces relative `$ref`s (`"taxonomy_term.json"`) with the referenced schema file.
fn inline_refs(value: &mut Value, dir: &Path) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref")
                && !target.starts_with('#')
                && !target.contains("://")
            {
                let mut inlined = read_json(&dir.join(target));
                inline_refs(&mut inlined, dir);
                *value = inlined;
                return;
            }
            map.values_mut().for_each(|item| inline_refs(item, dir));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| inline_refs(item, dir)),
        _ => {}
    }
}

fn contract(shared: &Path, oruk_file: &str, list: bool, component: &str) -> Contract {
    let path = shared.join("oruk/uk-profile/schema").join(oruk_file);
    let mut schema = read_json(&path);
    inline_refs(&mut schema, path.parent().unwrap());
    Contract {
        oruk: validator(&if list { page_of(schema) } else { schema }),
        ours: ours(component),
        oruk_records: true,
    }
}

fn api_details_schema() -> Value {
    json!({"type": "object", "required": ["version", "profile", "openapi_url"], "properties": {
        "version": {"const": "HSDS-UK-3.0"}, "profile": {"type": "string", "format": "uri"},
        "openapi_url": {"type": "string", "format": "uri"}}})
}

async fn check(app: &TestApp, path: &str, contract: &Contract) -> Value {
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200, "GET {path}: {}", reply.text);
    assert!(
        reply.content_type.starts_with("application/json"),
        "GET {path}: {}",
        reply.content_type
    );
    assert_eq!(
        reply
            .headers
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap()),
        Some("*"),
        "GET {path}"
    );
    let body = reply.json();
    let oruk_errors: Vec<String> = contract
        .oruk
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        oruk_errors.is_empty(),
        "GET {path} breaks the ORUK schema:\n{}",
        oruk_errors.join("\n")
    );
    let our_errors: Vec<String> = contract
        .ours
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        our_errors.is_empty(),
        "GET {path} breaks /openapi.json:\n{}",
        our_errors.join("\n")
    );
    let mut empties = Vec::new();
    if contract.oruk_records {
        signpost::oruk::conformance::rule_problems(&body, "$", &mut empties);
    } else {
        signpost::oruk::conformance::empty_value_problems(&body, "$", &mut empties);
    }
    assert!(
        empties.is_empty(),
        "GET {path} publishes empty values: {empties:?}"
    );
    body
}

/// Walks every page of a list, checking each, and returns every item.
async fn check_all_pages(app: &TestApp, path: &str, contract: &Contract) -> Vec<Value> {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let body = check(
            app,
            &format!("{path}{separator}page={page}&per_page=100"),
            contract,
        )
        .await;
        items.extend(body["contents"].as_array().unwrap().iter().cloned());
        if body["last_page"] == json!(true) {
            assert_eq!(
                body["total_items"].as_u64().unwrap() as usize,
                items.len(),
                "{path}: total_items agrees with the items listed"
            );
            return items;
        }
        page += 1;
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Checks every list page and every record; `every_list_has_items` asks that no list is empty.
async fn check_every_endpoint(app: &TestApp, shared: &Path, every_list_has_items: bool) -> usize {
    let services_page = contract(
        shared,
        "compiled/service_list.json",
        true,
        "ServiceSummaryPage",
    );
    let links_page = contract(
        shared,
        "compiled/service_at_location_list.json",
        true,
        "ServiceAtLocationSummaryPage",
    );
    for path in [
        "/services?postcode=E14+3BY&proximity=1500&facets=locality,ward&search=advice",
        "/services?locality=south-east&ward=E05009323&pcn=U60865",
        "/services?postcode=E1&day=MO&start_time=10:00",
        "/services?search=food&facets=true&open_now=true",
        "/services?search=lunch&suitable_for=women&accessibility=step_free&delivery=in_person",
        "/services?search=councelling",
        "/services?search=zzzxqj%20blorf",
    ] {
        check(app, path, &services_page).await;
    }
    check(
        app,
        "/service_at_locations?postcode=E3+2AA&facets=ward",
        &links_page,
    )
    .await;
    let free_form = Contract {
        oruk: validator(&json!({"type": "object"})),
        ours: ours("Geography"),
        oruk_records: false,
    };
    check(app, "/geography", &free_form).await;
    let postcode = Contract {
        oruk: validator(&json!({"type": "object"})),
        ours: ours("PostcodeLocation"),
        oruk_records: false,
    };
    check(app, "/postcodes/E14%203BY", &postcode).await;
    let root = check(
        app,
        "/",
        &Contract {
            oruk: validator(&api_details_schema()),
            ours: ours("ApiDetails"),
            oruk_records: true,
        },
    )
    .await;
    assert_eq!(root["version"], "HSDS-UK-3.0");
    let mut checked = 1;
    let endpoints = [
        (
            "/services",
            "compiled/service_list.json",
            "ServiceSummaryPage",
            "compiled/service.json",
            "Service",
        ),
        (
            "/service_at_locations",
            "compiled/service_at_location_list.json",
            "ServiceAtLocationSummaryPage",
            "compiled/service_at_location.json",
            "ServiceAtLocation",
        ),
        (
            "/organizations",
            "compiled/organization_list.json",
            "OrganizationSummaryPage",
            "compiled/organization.json",
            "Organization",
        ),
        (
            "/taxonomies",
            "taxonomy.json",
            "TaxonomyPage",
            "taxonomy.json",
            "Taxonomy",
        ),
        (
            "/taxonomy_terms",
            "taxonomy_term.json",
            "TaxonomyTermPage",
            "taxonomy_term.json",
            "TaxonomyTerm",
        ),
    ];
    for (list_path, list_schema, list_component, item_schema, item_component) in endpoints {
        let items = check_all_pages(
            app,
            list_path,
            &contract(shared, list_schema, true, list_component),
        )
        .await;
        assert!(
            !every_list_has_items || !items.is_empty(),
            "{list_path} lists something"
        );
        let item_contract = contract(shared, item_schema, false, item_component);
        for id in ids(&items) {
            let body = check(app, &format!("{list_path}/{id}"), &item_contract).await;
            assert_eq!(body["id"].as_str(), Some(id.as_str()));
            checked += 1;
        }
    }
    checked
}

#[tokio::test]
async fn every_endpoint_of_the_sample_directory_meets_the_oruk_schemas_and_our_openapi() {
    let Some(shared) = shared_dir("contract::sample_directory") else {
        return;
    };
    let app = spawn_app_with_pack(&shared.join("data/geo")).await;
    let checked = check_every_endpoint(&app, &shared, true).await;
    assert!(checked > 500, "checked {checked} records");
}

#[tokio::test]
async fn the_validator_default_mock_feed_is_served_back_within_the_schemas() {
    let Some(shared) = shared_dir("contract::validator_default_mock") else {
        return;
    };
    let app = spawn_empty_app().await;
    let mock = read_json(&shared.join("oruk/validator-mocks/V3.0-UK-Default/service_full.json"));
    let report = app.import(&[mock]);
    assert!(report.all_imported(), "{:?}", report.rejected);
    let checked = check_every_endpoint(&app, &shared, false).await;
    assert_eq!(
        checked, 5,
        "the root, the service, its location link, its organization and the nested term"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_api_as_served() {
    let app = spawn_empty_app().await;
    let document = app.get_json("/openapi.json").await;
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], json!(app.address));
    let paths: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
        "/organizations",
        "/organizations/{id}",
    ] {
        assert!(paths.contains(&path), "{path} is documented");
    }
    let services_params: Vec<&str> = document["paths"]["/services"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "search",
        "page",
        "per_page",
        "taxonomy_term_id",
        "taxonomy_id",
        "minimum_age",
        "maximum_age",
        "day",
        "start_time",
        "end_time",
        "organization_id",
        "modified_after",
        "cost",
        "language",
        "status",
        "accessibility",
        "suitable_for",
        "delivery",
        "referral_route",
        "open_now",
        "facets",
    ] {
        assert!(
            services_params.contains(&name),
            "/services documents {name}"
        );
    }
}
