//! `GET /openapi.json`: the API as implemented (OpenAPI 3.1, so its schemas are JSON Schema
//! 2020-12): ORUK 3.0 plus Signpost's extensions.
//!
//! Every object schema is closed (`additionalProperties: false`) and the contract tests
//! validate every response against it, so a field rendered but not described here fails the
//! tests: the description cannot drift from the code.

use std::sync::OnceLock;

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};

use super::base_url;
use crate::domain::service::ReferralRoute;
use crate::http::AppState;
use crate::search::query::{DEFAULT_PAGE_SIZE, FacetDimension, MAX_PAGE_SIZE, MAX_TEXT_CHARS};

/// The document (without `servers`, which depends on the request).
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build)
}

/// The document, with this server's base URL as its server.
pub async fn get(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let mut document = document().clone();
    document["servers"] = json!([{"url": base_url(&state, &request)}]);
    HttpResponse::Ok().json(document)
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn text() -> Value {
    json!({"type": "string", "minLength": 1})
}

fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

fn uri() -> Value {
    json!({"type": "string", "format": "uri"})
}

fn email() -> Value {
    json!({"type": "string", "format": "email"})
}

fn date() -> Value {
    json!({"type": "string", "format": "date"})
}

/// What a capacity says (the request to set one, and the published one).
fn capacity_fields() -> Vec<(&'static str, Value)> {
    vec![
        (
            "state",
            json!({"type": "string", "enum": ["taking", "waiting_list", "paused"]}),
        ),
        (
            "wait_weeks",
            described(
                json!({"type": "integer", "minimum": 1, "maximum": 104}),
                "Roughly how many weeks a new referral waits (waiting_list).",
            ),
        ),
        (
            "until",
            described(
                date(),
                "Paused until this day, when known (paused; from today on when set).",
            ),
        ),
    ]
}

fn described(mut schema: Value, description: &str) -> Value {
    schema["description"] = json!(description);
    schema
}

/// A non-empty array (empty arrays are never published).
fn list(item: Value) -> Value {
    json!({"type": "array", "minItems": 1, "items": item})
}

/// A closed object schema.
fn object(properties: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let properties: Map<String, Value> = properties
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut schema =
        json!({"type": "object", "properties": properties, "additionalProperties": false});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn owned_by_service(mut properties: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    properties.insert(
        1,
        (
            "service_id",
            described(uuid(), "The service this belongs to."),
        ),
    );
    properties
}

fn schemas() -> Map<String, Value> {
    let status =
        json!({"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]});
    let location_type = json!({"type": "string", "enum": ["physical", "postal", "virtual"]});
    let age = json!({"type": "number", "minimum": 0, "maximum": 150});
    let mut schemas = Map::new();
    let mut add = |name: &str, schema: Value| {
        schemas.insert(name.to_owned(), schema);
    };

    add(
        "Problem",
        described(
            object(
                vec![
                    (
                        "type",
                        described(
                            uri(),
                            "A URN naming the kind of problem, e.g. urn:signpost:problem:invalid-parameter.",
                        ),
                    ),
                    ("title", text()),
                    ("status", json!({"type": "integer"})),
                    ("detail", text()),
                    (
                        "invalid_params",
                        list(object(
                            vec![("name", text()), ("reason", text())],
                            &["name", "reason"],
                        )),
                    ),
                ],
                &["type", "title", "status", "detail"],
            ),
            "An RFC 9457 problem: what is wrong and how to fix it.",
        ),
    );
    add(
        "Precision",
        described(
            json!({"type": "string", "enum": ["exact", "approximate"]}),
            "exact: ward boundaries and a postcode list (a geo pack); approximate: nearest ward centroid, postcodes by outward code.",
        ),
    );
    add(
        "ApiDetails",
        object(
            vec![
                ("version", described(text(), "Always HSDS-UK-3.0.")),
                ("profile", uri()),
                ("openapi_url", uri()),
                ("geography_precision", reference("Precision")),
                (
                    "attribution",
                    described(text(), "Attribution the geography data's licence requires."),
                ),
            ],
            &["version", "profile", "openapi_url"],
        ),
    );

    add(
        "Language",
        object(
            owned_by_service(vec![
                ("id", uuid()),
                ("phone_id", uuid()),
                ("name", text()),
                (
                    "code",
                    described(
                        json!({"type": "string", "pattern": "^[a-z]{3}$"}),
                        "Signpost extension (HSDS 3.0): ISO 639-3 code, e.g. syl for Sylheti, ben for Bengali.",
                    ),
                ),
                ("note", text()),
            ]),
            &["id"],
        ),
    );
    add(
        "Phone",
        described(
            object(
                owned_by_service(vec![
                    ("id", uuid()),
                    ("location_id", uuid()),
                    ("number", text()),
                    ("extension", json!({"type": "integer", "minimum": 0})),
                    (
                        "type",
                        json!({"type": "string", "enum": ["text", "voice", "fax", "cell", "video", "pager", "textphone"]}),
                    ),
                    ("description", text()),
                    ("languages", list(reference("Language"))),
                ]),
                &["id", "number"],
            ),
            "Signpost extension: an HSDS 3.0 phone object (dropped by the UK profile, kept because residents need phone numbers).",
        ),
    );
    add(
        "Taxonomy",
        object(
            vec![
                ("id", uuid()),
                ("name", text()),
                ("description", text()),
                ("uri", uri()),
                ("version", text()),
            ],
            &["id", "name", "description"],
        ),
    );
    add(
        "TaxonomyTerm",
        object(
            vec![
                ("id", uuid()),
                ("code", text()),
                ("name", text()),
                ("description", text()),
                ("parent_id", uuid()),
                ("taxonomy", text()),
                ("taxonomy_id", uuid()),
                ("term_uri", uri()),
                ("term", text()),
                (
                    "taxonomy_detail",
                    described(
                        reference("Taxonomy"),
                        "HSDS 3.0: the term's taxonomy, nested.",
                    ),
                ),
            ],
            &["id", "name", "description"],
        ),
    );
    add(
        "Attribute",
        object(
            vec![
                ("id", uuid()),
                (
                    "link_id",
                    described(uuid(), "The record this attribute is attached to."),
                ),
                ("taxonomy_term_id", uuid()),
                ("link_type", text()),
                ("value", text()),
                ("taxonomy_term", reference("TaxonomyTerm")),
            ],
            &["id", "taxonomy_term_id"],
        ),
    );
    add(
        "OrganizationIdentifier",
        object(
            vec![
                ("id", uuid()),
                ("organization_id", uuid()),
                ("identifier_scheme", text()),
                ("identifier_type", text()),
                ("identifier", text()),
            ],
            &["id", "identifier_type", "identifier"],
        ),
    );
    let organization_core = || {
        vec![
            ("id", uuid()),
            ("name", text()),
            ("description", text()),
            ("email", email()),
            ("website", uri()),
            ("logo", text()),
            ("uri", uri()),
            ("parent_organization_id", uuid()),
        ]
    };
    add(
        "OrganizationSummary",
        object(organization_core(), &["id", "name", "description"]),
    );
    let mut in_service = organization_core();
    in_service.push((
        "organization_identifiers",
        list(reference("OrganizationIdentifier")),
    ));
    in_service.push(("attributes", list(reference("Attribute"))));
    add(
        "OrganizationInService",
        object(in_service.clone(), &["id", "name", "description"]),
    );
    let mut with_services = in_service;
    with_services.push(("services", list(reference("ServiceWithoutOrganization"))));
    add(
        "Organization",
        described(
            object(with_services, &["id", "name", "description"]),
            "An organization with its services (active and temporarily closed ones).",
        ),
    );

    add(
        "Address",
        object(
            vec![
                ("id", uuid()),
                ("location_id", uuid()),
                ("attention", text()),
                ("address_1", text()),
                ("address_2", text()),
                ("city", text()),
                ("region", text()),
                ("state_province", text()),
                ("postal_code", text()),
                (
                    "country",
                    json!({"type": "string", "pattern": "^[A-Z]{2}$"}),
                ),
                ("address_type", location_type.clone()),
            ],
            &[
                "id",
                "address_1",
                "city",
                "state_province",
                "postal_code",
                "country",
                "address_type",
            ],
        ),
    );
    add(
        "Accessibility",
        object(
            vec![
                ("id", uuid()),
                ("location_id", uuid()),
                ("description", text()),
                ("details", text()),
                ("url", uri()),
                ("accessibility", text()),
            ],
            &["id"],
        ),
    );
    add(
        "WardRef",
        object(vec![("code", text()), ("name", text())], &["code", "name"]),
    );
    add(
        "LocalityRef",
        object(vec![("code", text()), ("name", text())], &["code", "name"]),
    );
    let area_fields = || {
        vec![
            (
                "ward",
                described(
                    reference("WardRef"),
                    "Signpost extension: the ward it is in.",
                ),
            ),
            (
                "locality",
                described(
                    reference("LocalityRef"),
                    "Signpost extension: the locality it is in.",
                ),
            ),
            (
                "outside_borough",
                described(
                    json!({"const": true}),
                    "Signpost extension: it is in no ward of the borough.",
                ),
            ),
        ]
    };
    let location_core = || {
        let mut fields = vec![
            ("id", uuid()),
            ("location_type", location_type.clone()),
            ("name", text()),
            ("description", text()),
            (
                "latitude",
                json!({"type": "number", "minimum": -90, "maximum": 90}),
            ),
            (
                "longitude",
                json!({"type": "number", "minimum": -180, "maximum": 180}),
            ),
            ("external_identifier", text()),
            ("external_identifier_type", text()),
            ("url", uri()),
            (
                "confidential",
                described(
                    json!({"const": true}),
                    "Signpost extension: the address, coordinates, identifiers and phones of this location are withheld (e.g. a refuge). Absent when false.",
                ),
            ),
        ];
        fields.extend(area_fields());
        fields
    };
    add(
        "LocationSummary",
        object(location_core(), &["id", "location_type"]),
    );
    let mut location = location_core();
    location.extend([
        ("addresses", list(reference("Address"))),
        ("accessibility", list(reference("Accessibility"))),
        ("phones", list(reference("Phone"))),
        ("attributes", list(reference("Attribute"))),
    ]);
    add("Location", object(location, &["id", "location_type"]));

    add(
        "Schedule",
        object(
            owned_by_service(vec![
                ("id", uuid()),
                ("service_at_location_id", uuid()),
                ("valid_from", date()),
                ("valid_to", date()),
                ("dtstart", date()),
                (
                    "freq",
                    json!({"type": "string", "enum": ["WEEKLY", "MONTHLY"]}),
                ),
                ("interval", json!({"type": "integer", "minimum": 1})),
                ("byday", text()),
                ("bymonthday", text()),
                ("description", text()),
                (
                    "opens_at",
                    described(text(), "HH:MM or HH:MM:SS, London time."),
                ),
                ("closes_at", text()),
                ("schedule_link", uri()),
                ("attending_type", text()),
                ("notes", text()),
            ]),
            &["id"],
        ),
    );
    add(
        "ServiceArea",
        object(
            owned_by_service(vec![
                ("id", uuid()),
                ("name", text()),
                ("extent", text()),
                ("extent_type", text()),
                ("uri", text()),
                ("service_area", text()),
            ]),
            &["id"],
        ),
    );
    add(
        "Funding",
        object(
            owned_by_service(vec![("id", uuid()), ("source", text())]),
            &["id"],
        ),
    );
    add(
        "CostOption",
        object(
            owned_by_service(vec![
                ("id", uuid()),
                ("valid_from", date()),
                ("valid_to", date()),
                ("option", text()),
                ("amount", json!({"type": "number", "minimum": 0})),
                ("amount_description", text()),
            ]),
            &["id"],
        ),
    );
    add(
        "Contact",
        object(
            owned_by_service(vec![
                ("id", uuid()),
                ("name", text()),
                ("title", text()),
                ("department", text()),
                ("email", email()),
                ("phones", list(reference("Phone"))),
            ]),
            &["id"],
        ),
    );
    add(
        "Match",
        described(
            object(
                vec![
                    (
                        "reason",
                        json!({"type": "string", "enum": ["nearby", "in_area", "covers_your_area", "online_or_phone"]}),
                    ),
                    (
                        "distance_metres",
                        described(
                            json!({"type": "integer", "minimum": 0}),
                            "To the nearest place from the postcode searched; rounded to 500 m for confidential places.",
                        ),
                    ),
                ],
                &["reason"],
            ),
            "Signpost extension, on results of a geographic search: why it matched.",
        ),
    );
    let london_time = || json!({"type": "string", "format": "date-time"});
    add(
        "Opening",
        described(
            object(
                vec![
                    (
                        "state",
                        json!({"type": "string", "enum": ["open", "closed", "temporarily_closed"]}),
                    ),
                    (
                        "text",
                        described(
                            text(),
                            "In words: Open now, closes 17:00; Opens Tuesday 10:00; Open 24 hours; Temporarily closed.",
                        ),
                    ),
                    (
                        "closes_at",
                        described(
                            london_time(),
                            "When it closes (London time with its offset).",
                        ),
                    ),
                    (
                        "opens_at",
                        described(
                            london_time(),
                            "When it next opens (London time with its offset).",
                        ),
                    ),
                ],
                &["state", "text"],
            ),
            "Signpost extension, on search results with opening hours: whether it is open at the time of the search (Europe/London), from its schedules.",
        ),
    );
    let highlight = || {
        described(
            text(),
            "Signpost extension: the part of the description that matches the search, as HTML with the matching words in <b> and everything else escaped.",
        )
    };

    let service_core = || {
        vec![
            ("id", uuid()),
            ("organization_id", uuid()),
            ("name", text()),
            ("description", text()),
            ("url", uri()),
            ("email", email()),
            ("status", status.clone()),
            ("fees", text()),
            ("accreditations", text()),
            (
                "eligibility_description",
                described(
                    text(),
                    "HSDS 3.0 field kept by Signpost: who the service is for.",
                ),
            ),
            ("minimum_age", age.clone()),
            ("maximum_age", age.clone()),
            (
                "assured_date",
                described(
                    date(),
                    "When a person last checked this record. Set only by such a check.",
                ),
            ),
            ("assurer_email", email()),
            ("alert", text()),
            (
                "last_modified",
                described(
                    json!({"type": "string", "format": "date-time"}),
                    "When the record last changed; maintained automatically.",
                ),
            ),
            (
                "referral_route",
                described(
                    json!({"type": "string", "enum": ["self_referral", "professional_referral", "drop_in", "signpost_only"]}),
                    "Signpost extension: how to get the service.",
                ),
            ),
            (
                "referral_email",
                described(email(), "Signpost extension: where referrals are e-mailed."),
            ),
            (
                "referral_phone",
                described(text(), "Signpost extension: where referrals are phoned."),
            ),
            (
                "referral_url",
                described(uri(), "Signpost extension: an online referral form."),
            ),
            (
                "referral_instructions",
                described(
                    text(),
                    "Signpost extension: what the service needs with a referral.",
                ),
            ),
            ("capacity", reference("Capacity")),
            (
                "service_capacity",
                described(
                    list(reference("ServiceCapacity")),
                    "Signpost extension: the capacity as HSDS 3.1 service_capacity (one unit: referrals; available 1 when taking referrals or a waiting list, 0 when paused).",
                ),
            ),
        ]
    };
    let mut published = capacity_fields();
    published.extend([
        ("updated", json!({"type": "string", "format": "date-time"})),
        (
            "stale_from",
            described(
                json!({"type": "string", "format": "date-time"}),
                "From this time (30 days after updated, unless confirmed again) the capacity is out of date, and the service no longer counts for accepting_referrals.",
            ),
        ),
    ]);
    add(
        "Capacity",
        described(
            object(published, &["state", "updated", "stale_from"]),
            "Signpost extension: whether the service takes referrals now, as its organisation last said (published at once, without moderation).",
        ),
    );
    add(
        "ServiceCapacity",
        object(
            vec![
                ("id", uuid()),
                ("service_id", uuid()),
                (
                    "unit",
                    object(
                        vec![
                            ("id", uuid()),
                            ("name", text()),
                            ("scheme", text()),
                            ("identifier", text()),
                        ],
                        &["id", "name"],
                    ),
                ),
                ("available", json!({"type": "number"})),
                ("description", text()),
                ("updated", json!({"type": "string", "format": "date-time"})),
            ],
            &["id", "service_id", "unit", "available", "updated"],
        ),
    );
    let mut summary = service_core();
    summary.push(("organization", reference("OrganizationSummary")));
    summary.push(("match", reference("Match")));
    summary.push(("highlight", highlight()));
    summary.push(("opening", reference("Opening")));
    add(
        "ServiceSummary",
        described(
            object(summary, &["id", "name", "status"]),
            "A service's one-to-one fields (list item).",
        ),
    );
    let nested_link = object(
        vec![
            ("id", uuid()),
            ("service_id", uuid()),
            ("location_id", uuid()),
            ("description", text()),
            ("location", reference("Location")),
        ],
        &["id", "service_id", "location_id"],
    );
    let mut full = service_core();
    full.extend([
        ("schedules", list(reference("Schedule"))),
        ("service_areas", list(reference("ServiceArea"))),
        ("service_at_locations", list(nested_link)),
        ("languages", list(reference("Language"))),
        ("funding", list(reference("Funding"))),
        ("cost_options", list(reference("CostOption"))),
        ("contacts", list(reference("Contact"))),
        ("phones", list(reference("Phone"))),
        ("attributes", list(reference("Attribute"))),
    ]);
    add(
        "ServiceWithoutOrganization",
        object(full.clone(), &["id", "name", "status"]),
    );
    full.push(("organization", reference("OrganizationInService")));
    add(
        "Service",
        described(
            object(full, &["id", "name", "status"]),
            "A fully nested service.",
        ),
    );
    add(
        "ServiceAtLocationSummary",
        object(
            vec![
                ("id", uuid()),
                ("service_id", uuid()),
                ("location_id", uuid()),
                ("description", text()),
                ("location", reference("LocationSummary")),
                ("service", reference("ServiceSummary")),
                ("match", reference("Match")),
                ("highlight", highlight()),
                ("opening", reference("Opening")),
            ],
            &["id", "service_id", "location_id", "service"],
        ),
    );
    add(
        "ServiceAtLocation",
        object(
            vec![
                ("id", uuid()),
                ("service_id", uuid()),
                ("location_id", uuid()),
                ("description", text()),
                ("location", reference("Location")),
                ("service", reference("Service")),
                (
                    "schedules",
                    described(
                        list(reference("Schedule")),
                        "The schedules that apply at this location.",
                    ),
                ),
            ],
            &["id", "service_id", "location_id", "service"],
        ),
    );

    let mut search_area = vec![
        ("postcode", text()),
        ("latitude", json!({"type": "number"})),
        ("longitude", json!({"type": "number"})),
        (
            "proximity_metres",
            json!({"type": "number", "exclusiveMinimum": 0}),
        ),
    ];
    search_area.extend(area_fields());
    let search_meta = vec![
        (
            "geography",
            described(
                object(
                    vec![
                        ("precision", reference("Precision")),
                        ("attribution", text()),
                    ],
                    &["precision", "attribution"],
                ),
                "Signpost extension, on geographic searches: how precise the geography is.",
            ),
        ),
        (
            "search_area",
            described(
                object(search_area, &["postcode", "latitude", "longitude"]),
                "Signpost extension: where the postcode searched is.",
            ),
        ),
        (
            "facets",
            described(
                object(
                    vec![
                        (
                            "locality",
                            list(object(
                                vec![
                                    ("code", text()),
                                    ("name", text()),
                                    ("count", json!({"type": "integer", "minimum": 0})),
                                ],
                                &["code", "name", "count"],
                            )),
                        ),
                        (
                            "ward",
                            list(object(
                                vec![
                                    ("code", text()),
                                    ("name", text()),
                                    ("locality", text()),
                                    ("count", json!({"type": "integer", "minimum": 0})),
                                ],
                                &["code", "name", "locality", "count"],
                            )),
                        ),
                    ]
                    .into_iter()
                    .chain(
                        FacetDimension::ALL
                            .map(|dimension| (dimension.name(), list(reference("FacetValue")))),
                    )
                    .collect(),
                    &[],
                ),
                "Signpost extension, with facets=true (or a list of dimensions): how many results each value would give, with the search's other filters applied but not the dimension's own. Largest counts first; need values are taxonomy term ids; a dimension with no values is left out.",
            ),
        ),
        (
            "relaxed_match",
            described(
                json!({"type": "boolean", "const": true}),
                "Signpost extension: fewer than 10 services matched enough of the search's words, so services matching fewer of them follow (those matching more first).",
            ),
        ),
        (
            "unmatched_words",
            described(
                list(text()),
                "Signpost extension, with relaxed_match: the words of the search (as typed) that nothing in the directory matches, so the results match the others.",
            ),
        ),
        ("no_results", reference("NoResults")),
    ];
    add(
        "FacetValue",
        object(
            vec![
                ("value", text()),
                (
                    "name",
                    described(
                        text(),
                        "For needs (term name) and languages (English name).",
                    ),
                ),
                ("count", json!({"type": "integer", "minimum": 0})),
            ],
            &["value", "count"],
        ),
    );
    let results = || json!({"type": "integer", "minimum": 1});
    let suggestion = |kind: &str, mut fields: Vec<(&'static str, Value)>, required: &[&str]| {
        fields.insert(0, ("kind", json!({"const": kind})));
        fields.push(("results", results()));
        let mut all = vec!["kind", "results"];
        all.extend_from_slice(required);
        object(fields, &all)
    };
    add(
        "NoResults",
        described(
            object(
                vec![
                    ("reason", text()),
                    (
                        "suggestions",
                        list(json!({"oneOf": [
                            suggestion("spelling", vec![("search", described(text(), "The search with its typos corrected."))], &["search"]),
                            suggestion("without_filter", vec![("parameter", described(text(), "The parameter(s) to remove."))], &["parameter"]),
                            suggestion("related_need", vec![("taxonomy_term_id", uuid()), ("name", text())], &["taxonomy_term_id", "name"]),
                            suggestion("browse_needs", vec![], &[]),
                        ]})),
                    ),
                    (
                        "helplines",
                        described(
                            list(reference("ServiceSummary")),
                            "Borough-wide phone and online services for the needs related to the search.",
                        ),
                    ),
                ],
                &["reason"],
            ),
            "Signpost extension, on an empty first page: why nothing was found, and ways forward, most promising first, each with how many results it gives.",
        ),
    );
    let page = |item: &str, geographic: bool| {
        let mut fields = vec![
            ("total_items", json!({"type": "integer", "minimum": 0})),
            ("total_pages", json!({"type": "integer", "minimum": 0})),
            ("page_number", json!({"type": "integer", "minimum": 1})),
            (
                "size",
                json!({"type": "integer", "minimum": 0, "description": "Number of items on this page."}),
            ),
            ("first_page", json!({"type": "boolean"})),
            ("last_page", json!({"type": "boolean"})),
            ("empty", json!({"type": "boolean"})),
            (
                "contents",
                json!({"type": "array", "items": reference(item)}),
            ),
        ];
        if geographic {
            fields.extend(search_meta.clone());
        }
        object(
            fields,
            &[
                "total_items",
                "total_pages",
                "page_number",
                "size",
                "first_page",
                "last_page",
                "empty",
                "contents",
            ],
        )
    };
    add("ServiceSummaryPage", page("ServiceSummary", true));
    add(
        "ServiceMinimal",
        object(
            vec![
                ("id", json!({"type": "string", "format": "uuid"})),
                (
                    "last_modified",
                    json!({"type": "string", "format": "date-time"}),
                ),
                (
                    "modified_date",
                    described(
                        json!({"type": "string", "format": "date-time"}),
                        "The same as last_modified, under the name the ORUK parameter's description uses.",
                    ),
                ),
                (
                    "status",
                    json!({"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]}),
                ),
            ],
            &["id", "status"],
        ),
    );
    add("ServiceMinimalPage", page("ServiceMinimal", false));
    add(
        "ServiceAtLocationSummaryPage",
        page("ServiceAtLocationSummary", true),
    );
    for name in ["OrganizationSummary", "Taxonomy", "TaxonomyTerm"] {
        add(&format!("{name}Page"), page(name, false));
    }

    add(
        "Health",
        object(vec![("status", json!({"const": "ok"}))], &["status"]),
    );
    add(
        "Readiness",
        json!({"type": "object", "required": ["status", "store", "index", "geography"], "properties": {
        "status": {"type": "string", "enum": ["ready"]}, "store": {"type": "object"}, "index": {"type": "object"},
        "geography": {"type": "object", "required": ["precision"], "properties": {"precision": reference("Precision")}}}}),
    );
    let pcn = object(
        vec![("code", text()), ("name", text()), ("known_as", text())],
        &["code", "name"],
    );
    let ward = object(
        vec![
            ("code", text()),
            ("name", text()),
            ("former_name", text()),
            ("centroid_latitude", json!({"type": "number"})),
            ("centroid_longitude", json!({"type": "number"})),
        ],
        &["code", "name", "centroid_latitude", "centroid_longitude"],
    );
    add(
        "Geography",
        described(
            object(
                vec![
                    ("precision", reference("Precision")),
                    ("source", text()),
                    ("attribution", text()),
                    (
                        "borough",
                        object(vec![("code", text()), ("name", text())], &["code", "name"]),
                    ),
                    (
                        "localities",
                        list(object(
                            vec![
                                ("id", text()),
                                ("name", text()),
                                ("wards", list(ward)),
                                ("pcns", json!({"type": "array", "items": pcn})),
                            ],
                            &["id", "name", "wards", "pcns"],
                        )),
                    ),
                ],
                &[
                    "precision",
                    "source",
                    "attribution",
                    "borough",
                    "localities",
                ],
            ),
            "Signpost extension: the localities, wards and Primary Care Networks in use.",
        ),
    );
    let mut postcode = vec![
        ("postcode", text()),
        ("latitude", json!({"type": "number"})),
        ("longitude", json!({"type": "number"})),
        (
            "located_by",
            json!({"type": "string", "enum": ["postcode", "outward_code", "online_lookup"]}),
        ),
        ("precision", reference("Precision")),
    ];
    postcode.extend(area_fields());
    add(
        "PostcodeLocation",
        object(
            postcode,
            &[
                "postcode",
                "latitude",
                "longitude",
                "located_by",
                "precision",
            ],
        ),
    );
    schemas
}

/// `/services`: a page of summaries, or with `format=ndjson` every service as open data.
fn services_operation() -> Value {
    let mut parameters = search_parameters();
    parameters.push(parameter(
        "format",
        "Signpost: `json` (default) for a page; `ndjson` for every service, fully nested as GET /services/{id} gives it, one per line, streamed (open data; paging and filters do not apply; confidential addresses are never included).",
        json!({"type": "string", "enum": ["json", "ndjson"]}),
    ));
    parameters.push(parameter(
        "minimal",
        "ORUK: `true` lists every service in the directory (all statuses, so withdrawals show) on one page, with only id, last_modified (also as modified_date) and status, for incremental sync; combines only with modified_after.",
        json!({"type": "boolean"}),
    ));
    let mut operation = operation(
        "listServices",
        "A page of services (one-to-one fields).",
        "ServiceSummaryPage",
        parameters,
        &["400", "503"],
        "ORUK",
    );
    // anyOf, not oneOf: an empty page is both (found by Schemathesis).
    operation["get"]["responses"]["200"]["content"]["application/json"]["schema"] = json!({
        "anyOf": [reference("ServiceSummaryPage"), reference("ServiceMinimalPage")]
    });
    operation["get"]["responses"]["200"]["content"]["application/x-ndjson"] =
        json!({"schema": reference("Service")});
    operation
}

fn parameter(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn paging() -> Vec<Value> {
    vec![
        parameter(
            "page",
            "Page number, from 1 (up to 1,000,000).",
            json!({"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}),
        ),
        parameter(
            "per_page",
            &format!("Results per page, 1 to {MAX_PAGE_SIZE}."),
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}),
        ),
    ]
}

fn search_parameters() -> Vec<Value> {
    let uuids = json!({"type": "array", "items": uuid()});
    let texts = json!({"type": "array", "items": {"type": "string"}});
    let clock = json!({"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"});
    let mut parameters = vec![parameter(
        "search",
        &format!(
            "Full text search in people's own words (at most {MAX_TEXT_CHARS} characters): synonyms and common misspellings (index/synonyms.txt, including Bengali script and romanised Bengali/Sylheti), English stemming, typos (one edit from 5 letters, two from 9, never in numbers) and a prefix for the last word of a short search. One or two words must all match; longer searches need two thirds of their words, and when nothing matches enough of them, fewer (relaxed_match). Ranked by relevance (BM25: name, then needs, then description and languages, then organization and place; exact words above typos and synonyms), by distance when a postcode is given, then freshness (assured_date in the last 12 months) and status (temporarily closed last). Without it, results are in name order, temporarily closed and stale services after the rest."
        ),
        json!({"type": "string", "maxLength": MAX_TEXT_CHARS}),
    )];
    parameters.extend(paging());
    parameters.extend([
        parameter("taxonomy_term_id", "Tagged with this term or a narrower one. Repeat (or comma-separate) for any of several.", uuids.clone()),
        parameter("taxonomy_id", "Tagged with any term of this taxonomy. Repeatable.", uuids.clone()),
        parameter("organization_id", "Run by this organization. Repeatable.", uuids),
        parameter("minimum_age", "Serves someone of at least this age: the service's age range overlaps [minimum_age, maximum_age].", json!({"type": "number", "minimum": 0, "maximum": 150})),
        parameter("maximum_age", "Serves someone of at most this age (see minimum_age).", json!({"type": "number", "minimum": 0, "maximum": 150})),
        parameter("day", "Open on this day (MO..SU or the English name), including the small hours after an overnight opening. Repeatable: any of the days.", texts.clone()),
        parameter("start_time", "Open at this London time (HH:MM): opens at or before it and closes after it. With end_time: open throughout from start_time to end_time.", clock.clone()),
        parameter("end_time", "Open until this London time (HH:MM): opens before it and closes at or after it; later than start_time.", clock),
        parameter("modified_after", "Changed at or after this RFC 3339 date-time (or date).", json!({"type": "string"})),
        parameter("cost", "Signpost extension: free only. A service is free when it states a cost of 0 or says free, and charges nothing.", json!({"type": "string", "enum": ["free"]})),
        parameter("language", "Signpost extension: delivered in this ISO 639-3 language (e.g. syl, ben, som). Repeatable.", json!({"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z]{2,3}$"}})),
        parameter("status", "Signpost extension: statuses to include (default: active and temporarily closed). Repeatable.", json!({"type": "array", "items": {"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]}})),
        parameter("locality", "Signpost extension: a place in this locality (id such as south-east, or name), or coverage of all of it. Repeatable: any of them. Unknown localities are a 400 that lists the known ones.", texts.clone()),
        parameter("ward", "Signpost extension: a place in this ward (ONS code or name), or coverage of it. Repeatable.", texts.clone()),
        parameter("pcn", "Signpost extension: a Primary Care Network (ODS code), standing for the locality it belongs to. Repeatable.", texts.clone()),
        parameter("postcode", "A UK postcode (any case and spacing) or outward code (E14, its postcodes' centroid). Without proximity: services whose declared coverage leaves it out are dropped, and results are ranked local first by distance. Unknown postcodes are a 400.", json!({"type": "string"})),
        parameter("proximity", "With postcode: a place within this many metres, or coverage of the postcode.", json!({"type": "number", "exclusiveMinimum": 0, "maximum": 100_000})),
        parameter("sort", "Signpost extension, with postcode: `distance` ranks services with places nearest first even with text (also in a relaxed search: results matching fewer words are not put after the others; area-wide services after); `relevance` (the default) ranks text results by relevance decaying with distance.", json!({"type": "string", "enum": ["relevance", "distance"]})),
        parameter("accessibility", "Signpost extension: a place with this accessibility feature, read from locations' accessibility records. Repeatable: any of them.", json!({"type": "array", "items": {"type": "string", "enum": ["step_free", "accessible_toilet", "hearing_loop"]}})),
        parameter("suitable_for", "Signpost extension: suitable for this group, from eligibility, descriptions and suitable-for terms (women, men, carers, families, young_people, older_people, faith_sensitive, disabled, learning_disabilities, refugees, lgbtq; the vocabulary is index/features.txt). Repeatable.", texts.clone()),
        parameter("delivery", "Signpost extension: delivered in person, by phone or online. Repeatable.", json!({"type": "array", "items": {"type": "string", "enum": ["in_person", "phone", "online"]}})),
        parameter("referral_route", "Signpost extension: reached by this referral route. Repeatable.", json!({"type": "array", "items": {"type": "string", "enum": ReferralRoute::ALL.map(ReferralRoute::as_str)}})),
        parameter("open_now", "Signpost extension: open at the time of the search (Europe/London, BST or GMT), from schedules, including overnight openings and their valid_from/valid_to.", json!({"type": "boolean"})),
        parameter("accepting_referrals", "Signpost extension: only services whose organisation said in the last 30 days that they take referrals (now, or onto a waiting list); see `capacity`.", json!({"type": "boolean"})),
        parameter("facets", "Signpost extension: true for every facet, or a list of locality, ward, need, cost, language, delivery, referral_route, accessibility, suitable_for, open_now.", texts),
    ]);
    parameters
}

fn operation(
    id: &str,
    summary: &str,
    schema: &str,
    parameters: Vec<Value>,
    errors: &[&str],
    tag: &str,
) -> Value {
    let problem = |description: &str| json!({"description": description, "content": {"application/problem+json": {"schema": reference("Problem")}}});
    let mut responses = Map::new();
    responses.insert("200".to_owned(), json!({"description": summary, "content": {"application/json": {"schema": reference(schema)}}}));
    if errors.contains(&"400") {
        responses.insert(
            "400".to_owned(),
            problem("A malformed parameter: the body says which and what is expected."),
        );
    }
    if errors.contains(&"404") {
        responses.insert(
            "404".to_owned(),
            problem("No record with this id (or the id is not a UUID)."),
        );
    }
    if errors.contains(&"503") {
        let mut busy =
            problem("Too many searches at once: try again after the seconds Retry-After gives.");
        busy["headers"] = json!({"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}});
        responses.insert("503".to_owned(), busy);
    }
    json!({"get": {"operationId": id, "summary": summary, "tags": [tag], "parameters": parameters, "responses": responses}})
}

fn id_parameter(what: &str) -> Vec<Value> {
    vec![
        json!({"name": "id", "in": "path", "required": true, "description": format!("The {what}'s UUID."), "schema": {"type": "string"}}),
    ]
}

fn build() -> Value {
    let mut terms = paging();
    terms.push(parameter(
        "taxonomy_id",
        "HSDS: terms of this taxonomy. Repeatable.",
        json!({"type": "array", "items": uuid()}),
    ));
    terms.push(parameter(
        "parent_id",
        "HSDS: terms directly under this term. Repeatable.",
        json!({"type": "array", "items": uuid()}),
    ));
    let postcode_parameter = vec![
        json!({"name": "postcode", "in": "path", "required": true, "description": "A UK postcode or outward code.", "schema": {"type": "string"}}),
    ];
    let mut paths = json!({
        "/": operation("getApiDetails", "What this API is: HSDS-UK-3.0.", "ApiDetails", vec![], &[], "ORUK"),
        "/services": services_operation(),
        "/services/{id}": operation("getService", "A fully nested service.", "Service", id_parameter("service"), &["404"], "ORUK"),
        "/service_at_locations": operation("listServiceAtLocations", "A page of services at locations: one row per service at each place.", "ServiceAtLocationSummaryPage", search_parameters(), &["400", "503"], "ORUK"),
        "/service_at_locations/{id}": operation("getServiceAtLocation", "A fully nested service_at_location (the ORUK validator checks it against the service_at_location schema).", "ServiceAtLocation", id_parameter("service_at_location"), &["404"], "ORUK"),
        "/taxonomies": operation("listTaxonomies", "A page of taxonomies, in name order.", "TaxonomyPage", paging(), &["400"], "ORUK"),
        "/taxonomies/{id}": operation("getTaxonomy", "A taxonomy.", "Taxonomy", id_parameter("taxonomy"), &["404"], "ORUK"),
        "/taxonomy_terms": operation("listTaxonomyTerms", "A page of taxonomy terms, in name order.", "TaxonomyTermPage", terms, &["400"], "ORUK"),
        "/taxonomy_terms/{id}": operation("getTaxonomyTerm", "A taxonomy term.", "TaxonomyTerm", id_parameter("taxonomy term"), &["404"], "ORUK"),
        "/organizations": operation("listOrganizations", "A page of organizations, in name order (HSDS 3.0).", "OrganizationSummaryPage", paging(), &["400"], "HSDS"),
        "/organizations/{id}": operation("getOrganization", "An organization with its services (HSDS 3.0).", "Organization", id_parameter("organization"), &["404"], "HSDS"),
        "/geography": operation("getGeography", "The localities, wards and PCNs in use, and how precise the geography is.", "Geography", vec![], &[], "Signpost"),
        "/postcodes/{postcode}": operation("getPostcode", "Where a postcode is: its centroid, ward and locality.", "PostcodeLocation", postcode_parameter, &["400", "404"], "Signpost"),
        "/healthz": operation("healthz", "The process is alive.", "Health", vec![], &[], "Operations"),
        "/readyz": operation("readyz", "The store and index are open: record counts, index documents and how precise geography is. While the service starts (opening the store, checking or rebuilding the search index) it answers 503 with Retry-After, as does every other endpoint but /healthz.", "Readiness", vec![], &["503"], "Operations"),
    });
    let mut schemas = schemas();
    if let Some(paths) = paths.as_object_mut() {
        write_api(paths, &mut schemas);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Signpost: Open Referral UK 3.0 API",
            "version": "3.0",
            "description": "The ORUK 3.0 read API of Signpost, a community services directory for Tower Hamlets, with Signpost's extensions: phones (HSDS 3.0 phone objects on services, contacts and locations), language name and ISO 639-3 code, confidential locations, referral routes, eligibility, geography (locality, ward, PCN and postcode filters, each location's ward and locality, why a result matched), and extra filters (cost, language, status). Optional fields without a value are left out: no null, empty strings or empty arrays. Reading needs no key; responses carry Access-Control-Allow-Origin: *. The write API (tag Write API, under /api/manage) is for organisations' own systems: it needs an organisation's API token and its changes are moderated like changes made on the editors' pages. Errors are RFC 9457 application/problem+json.",
            "license": {"name": "CC BY-SA 4.0 (after the ORUK OpenAPI description)", "url": "https://creativecommons.org/licenses/by-sa/4.0/"}
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "An organisation's API token (sp_ followed by 64 hex digits), made by one of its editors at /manage/organisations/{id}/tokens. It acts as that editor, only on that organisation's listings, only with its scopes, and stops working when revoked."
            }}
        },
    })
}

/// The write API for organisations' own systems: its paths and schemas.
fn write_api(paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
    let timestamp = json!({"type": "string", "format": "date-time"});
    schemas.insert(
        "ProposalRequest".to_owned(),
        object(
            vec![
                ("service", described(reference("Service"), "The whole listing as it should be, as GET /services/{id} gives it (a new id for a new service). Nested locations that differ from the live ones are proposed too; taxonomy terms must be the directory's.")),
                ("note", described(json!({"type": "string", "maxLength": 2000}), "What changed and why, for the moderator.")),
                ("submit", described(json!({"type": "boolean", "default": false}), "Send it to the moderators now; otherwise it is kept as a draft.")),
            ],
            &["service"],
        ),
    );
    schemas.insert(
        "NoticeRequest".to_owned(),
        object(
            vec![
                ("kind", json!({"type": "string", "enum": ["temporarily_closed", "not_taking_referrals", "reopened"]})),
                ("message", described(json!({"type": "string", "maxLength": 2000}), "Why, and until when (required unless reopened).")),
            ],
            &["kind"],
        ),
    );
    schemas.insert(
        "CapacityRequest".to_owned(),
        object(capacity_fields(), &["state"]),
    );
    schemas.insert(
        "Proposal".to_owned(),
        described(
            object(
                vec![
                    ("id", uuid()),
                    ("organization_id", uuid()),
                    ("status", json!({"type": "string", "enum": ["draft", "submitted", "approved", "rejected"]})),
                    ("urgent", json!({"type": "boolean"})),
                    ("note", json!({"type": "string"})),
                    ("created", timestamp.clone()),
                    ("updated", timestamp.clone()),
                    ("submitted", timestamp.clone()),
                    ("decision", object(vec![("at", timestamp.clone()), ("reason", text())], &["at"])),
                    ("records", json!({"type": "array", "items": object(
                        vec![
                            ("kind", json!({"type": "string", "enum": ["organization", "service", "location"]})),
                            ("id", uuid()),
                            ("name", json!({"type": "string"})),
                        ],
                        &["kind", "id", "name"],
                    )})),
                ],
                &["id", "organization_id", "status", "urgent", "note", "created", "updated", "records"],
            ),
            "A proposed change and where it is: the live directory changes only when a moderator approves (urgent notices are approved at once).",
        ),
    );
    schemas.insert(
        "Assured".to_owned(),
        object(
            vec![
                ("id", uuid()),
                ("assured_date", json!({"type": "string", "format": "date"})),
                (
                    "assurer_email",
                    json!({"type": "string", "format": "email"}),
                ),
            ],
            &["id", "assured_date", "assurer_email"],
        ),
    );
    let problem = |description: &str| json!({"description": description, "content": {"application/problem+json": {"schema": reference("Problem")}}});
    let errors = || {
        json!({
            "400": problem("The body is not acceptable: the detail says why."),
            "401": problem("No token, or an unknown, revoked or no longer valid one."),
            "403": problem("The token may not do this (scope), or the record is another organisation's."),
            "404": problem("No such record of this organisation."),
            "409": problem("The change conflicts with the live listing or was already decided."),
            "429": problem("Too many changes with this token; wait (Retry-After)."),
        })
    };
    let write = |id: &str, summary: &str, request: Option<&str>, status: &str, response: &str| {
        let mut responses = errors();
        responses[status] = json!({"description": summary, "content": {"application/json": {"schema": reference(response)}}});
        let mut operation = json!({
            "operationId": id,
            "summary": summary,
            "tags": ["Write API"],
            "security": [{"apiToken": []}],
            "responses": responses,
        });
        if let Some(request) = request {
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": reference(request)}}});
        }
        operation
    };
    let service_id = id_parameter("service");
    let mut notice = write(
        "publishNotice",
        "Publishes an urgent notice on a service at once (token scope: notices).",
        Some("NoticeRequest"),
        "200",
        "Proposal",
    );
    notice["parameters"] = json!(service_id);
    let mut capacity = write(
        "setCapacity",
        "Says whether a service takes referrals now: published at once, shown and searchable (accepting_referrals) when this answers (token scope: notices).",
        Some("CapacityRequest"),
        "200",
        "Capacity",
    );
    capacity["parameters"] = json!(service_id);
    let mut assure = write(
        "assureService",
        "Confirms a service is still correct: sets assured_date and assurer_email (token scope: assure).",
        None,
        "200",
        "Assured",
    );
    assure["parameters"] = json!(service_id);
    let mut status = write(
        "getProposal",
        "A proposed change of this organisation and its status (token scope: proposals).",
        None,
        "200",
        "Proposal",
    );
    status["parameters"] = json!(id_parameter("proposal"));
    paths.insert("/api/manage/proposals".to_owned(), json!({"post": write("proposeChange", "Proposes a new or changed listing for moderation (token scope: proposals).", Some("ProposalRequest"), "201", "Proposal")}));
    paths.insert(
        "/api/manage/proposals/{id}".to_owned(),
        json!({"get": status}),
    );
    paths.insert(
        "/api/manage/services/{id}/notice".to_owned(),
        json!({"post": notice}),
    );
    paths.insert(
        "/api/manage/services/{id}/assure".to_owned(),
        json!({"post": assure}),
    );
    paths.insert(
        "/api/manage/services/{id}/capacity".to_owned(),
        json!({"post": capacity}),
    );
}
