//! A small directory whose right answers are known, for testing filters for their meaning.

use serde_json::{Value, json};

pub const NEEDS: &str = "10000000-0000-4000-8000-000000000001";
pub const SUITABLE: &str = "10000000-0000-4000-8000-000000000002";
pub const FOOD: &str = "20000000-0000-4000-8000-000000000001";
pub const MEALS: &str = "20000000-0000-4000-8000-000000000002";
pub const FOOD_BANK: &str = "20000000-0000-4000-8000-000000000003";
pub const SPORT: &str = "20000000-0000-4000-8000-000000000004";
pub const HOUSING: &str = "20000000-0000-4000-8000-000000000005";
pub const LONELINESS: &str = "20000000-0000-4000-8000-000000000006";
pub const WOMEN_ONLY: &str = "20000000-0000-4000-8000-000000000007";
pub const ORG_A: &str = "30000000-0000-4000-8000-00000000000a";
pub const ORG_B: &str = "30000000-0000-4000-8000-00000000000b";
pub const ORG_C: &str = "30000000-0000-4000-8000-00000000000c";
pub const HALL: &str = "40000000-0000-4000-8000-000000000001";
pub const REFUGE: &str = "40000000-0000-4000-8000-000000000002";
pub const CHURCH: &str = "40000000-0000-4000-8000-000000000003";
/// The confidential address, which must never be published.
pub const REFUGE_STREET: &str = "17 Secret Gardens";
pub const REFUGE_POSTCODE: &str = "E3 9ZZ";

fn id(n: u32) -> String {
    format!("50000000-0000-4000-8000-{n:012}")
}

fn taxonomy(taxonomy_id: &str, name: &str) -> Value {
    json!({"id": taxonomy_id, "name": name, "description": format!("{name} taxonomy")})
}

fn term(
    term_id: &str,
    name: &str,
    parent: Option<&str>,
    taxonomy_id: &str,
    taxonomy_name: &str,
) -> Value {
    let mut term = json!({"id": term_id, "name": name, "description": format!("{name} services"),
        "taxonomy_detail": taxonomy(taxonomy_id, taxonomy_name)});
    if let Some(parent) = parent {
        term["parent_id"] = json!(parent);
    }
    term
}

fn need(n: u32, term_id: &str) -> Value {
    let (name, parent) = match term_id {
        FOOD => ("Food", None),
        MEALS => ("Community meals", Some(FOOD)),
        FOOD_BANK => ("Food bank", Some(FOOD)),
        SPORT => ("Physical activity", None),
        HOUSING => ("Housing", None),
        LONELINESS => ("Loneliness", None),
        WOMEN_ONLY => {
            return json!({"id": id(n), "link_type": "suitable_for", "taxonomy_term": term(term_id, "Women only", None, SUITABLE, "Suitable for")});
        }
        _ => unreachable!(),
    };
    json!({"id": id(n), "link_type": "need", "taxonomy_term": term(term_id, name, parent, NEEDS, "Needs")})
}

fn organization(org_id: &str, name: &str) -> Value {
    json!({"id": org_id, "name": name, "description": format!("{name} helps local people.")})
}

fn location(
    location_id: &str,
    name: &str,
    street: &str,
    postcode: &str,
    confidential: bool,
) -> Value {
    let address_id = format!("{}aa", &location_id[..34]);
    let phone_id = format!("{}bb", &location_id[..34]);
    let mut location = json!({"id": location_id, "location_type": "physical", "name": name,
        "latitude": 51.52, "longitude": -0.03,
        "addresses": [{"id": address_id, "address_1": street, "city": "London",
            "state_province": "Greater London", "postal_code": postcode, "country": "GB", "address_type": "physical"}],
        "phones": [{"id": phone_id, "number": "020 7946 0999"}]});
    if confidential {
        location["confidential"] = json!(true);
        location["external_identifier"] = json!("100023336956");
        location["external_identifier_type"] = json!("UPRN");
    }
    location
}

fn at(n: u32, location_id: &str) -> Value {
    let loc = match location_id {
        HALL => location(HALL, "Bow Community Hall", "1 Roman Road", "E3 5ES", false),
        REFUGE => location(
            REFUGE,
            "Women's safe house",
            REFUGE_STREET,
            REFUGE_POSTCODE,
            true,
        ),
        CHURCH => location(
            CHURCH,
            "St Anne's Church Hall",
            "5 Three Colts Street",
            "E14 8HH",
            false,
        ),
        _ => unreachable!(),
    };
    json!({"id": id(n), "location": loc})
}

fn schedule(n: u32, byday: Option<&str>, opens: &str, closes: &str) -> Value {
    let mut schedule =
        json!({"id": id(n), "freq": "WEEKLY", "opens_at": opens, "closes_at": closes});
    if let Some(byday) = byday {
        schedule["byday"] = json!(byday);
    }
    schedule
}

fn language(n: u32, code: &str) -> Value {
    json!({"id": id(n), "code": code})
}

fn cost(n: u32, amount: f64) -> Value {
    json!({"id": id(n), "amount": amount})
}

/// The fixture services, by name.
pub fn services() -> Vec<Value> {
    vec![
        json!({"id": id(1), "name": "Bow Lunch Club", "status": "active", "minimum_age": 60,
            "description": "Hot two-course meal and company for older neighbours.",
            "organization": organization(ORG_A, "Bow Neighbours"),
            "service_at_locations": [at(101, HALL)],
            "schedules": [schedule(201, Some("TU,TH"), "12:00", "14:00")],
            "languages": [language(301, "ben"), language(302, "syl")],
            "cost_options": [cost(401, 0.0)],
            "attributes": [need(501, MEALS)],
            "last_modified": "2026-01-10T10:00:00Z"}),
        json!({"id": id(2), "name": "Youth Boxing", "status": "active", "minimum_age": 11, "maximum_age": 19,
            "description": "Evening boxing training for young people. Gloves provided.",
            "organization": organization(ORG_B, "Poplar Sports"),
            "service_at_locations": [at(102, HALL), at(103, CHURCH)],
            "schedules": [schedule(202, Some("MO,WE"), "18:00", "21:00")],
            "languages": [language(303, "eng")],
            "cost_options": [cost(402, 3.0)],
            "attributes": [need(502, SPORT)],
            "last_modified": "2026-06-01T10:00:00Z"}),
        json!({"id": id(3), "name": "Night Shelter", "status": "active", "fees": "Free",
            "description": "Warm beds on winter weekends.",
            "organization": organization(ORG_A, "Bow Neighbours"),
            "service_at_locations": [at(104, CHURCH)],
            "schedules": [schedule(203, Some("FR,SA"), "22:00", "06:00")],
            "attributes": [need(503, HOUSING)],
            "last_modified": "2025-12-01T10:00:00Z"}),
        json!({"id": id(4), "name": "Somali Women's Group", "status": "temporarily closed", "minimum_age": 18,
            "alert": "Closed until March; meeting online meanwhile.",
            "description": "Friendship and support for Somali women. A shelter from loneliness.",
            "organization": organization(ORG_C, "Horn of Africa Women"),
            "service_at_locations": [at(105, REFUGE)],
            "schedules": [schedule(204, Some("SA"), "10:00", "13:00")],
            "languages": [language(304, "som")],
            "attributes": [need(504, LONELINESS), need(505, WOMEN_ONLY)],
            "last_modified": "2026-02-01T10:00:00Z"}),
        json!({"id": id(5), "name": "Old Debt Clinic", "status": "inactive",
            "organization": organization(ORG_B, "Poplar Sports"),
            "attributes": [need(506, FOOD)],
            "last_modified": "2026-02-01T10:00:00Z"}),
        json!({"id": id(6), "name": "Closed Food Co-op", "status": "defunct",
            "attributes": [need(507, FOOD)],
            "last_modified": "2026-02-01T10:00:00Z"}),
        json!({"id": id(7), "name": "Listening Line", "status": "active",
            "description": "Someone to talk to, any time, day or night.",
            "schedules": [schedule(205, None, "00:00", "23:59")],
            "languages": [language(305, "eng")],
            "cost_options": [cost(403, 0.0)],
            "attributes": [need(508, LONELINESS)],
            "last_modified": "2026-03-01T10:00:00Z"}),
        json!({"id": id(8), "name": "Winter Food Bank", "status": "active",
            "description": "Food parcels with a voucher.",
            "organization": organization(ORG_C, "Horn of Africa Women"),
            "service_at_locations": [at(106, CHURCH)],
            "schedules": [{"id": id(206), "freq": "WEEKLY", "byday": "MO", "opens_at": "10:00", "closes_at": "12:00", "valid_to": "2025-03-31"}],
            "cost_options": [cost(404, 0.0)],
            "attributes": [need(509, FOOD_BANK)],
            "last_modified": "2026-04-01T10:00:00Z"}),
    ]
}
