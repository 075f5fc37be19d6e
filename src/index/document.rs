//! Turning a joined service into index documents: one `service` document, and one
//! `service_at_location` document per location link.
//!
//! Confidential locations contribute nothing searchable from their address: only their
//! name, so that searching for a street never confirms where a refuge is.

use tantivy::schema::Term;
use tantivy::{DateTime, TantivyDocument};

use super::geo::encode_point;
use super::schema::{Fields, KIND_SERVICE, KIND_SERVICE_AT_LOCATION, NO_MAXIMUM_AGE};
use crate::domain::aggregate::FullService;
use crate::domain::location::Location;
use crate::domain::schedule::{OpeningWindow, Schedule};
use crate::domain::service::ServiceAtLocation;
use crate::geography::{Geography, PlacedService, Site};

/// Term that matches every document of a service.
pub fn service_term(fields: &Fields, full_id: &str) -> Term {
    Term::from_field_text(fields.service_id, full_id)
}

/// The documents for one service.
pub fn documents(
    fields: &Fields,
    placed: &PlacedService,
    geography: &Geography,
) -> Vec<TantivyDocument> {
    let full = &placed.full;
    let service = &full.service;
    let mut documents = Vec::with_capacity(1 + service.service_at_locations.len());
    let mut service_doc = common(fields, placed, geography);
    service_doc.add_text(fields.id, service.id.to_string());
    service_doc.add_text(fields.kind, KIND_SERVICE);
    for location in full.locations.values() {
        add_place(fields, &mut service_doc, location);
    }
    for site in placed.sites() {
        add_site(fields, &mut service_doc, &site, geography);
    }
    add_opening(fields, &mut service_doc, service.schedules.iter());
    documents.push(service_doc);

    for link in &service.service_at_locations {
        documents.push(link_document(fields, placed, link, geography));
    }
    documents
}

fn link_document(
    fields: &Fields,
    placed: &PlacedService,
    link: &ServiceAtLocation,
    geography: &Geography,
) -> TantivyDocument {
    let full = &placed.full;
    let mut doc = common(fields, placed, geography);
    doc.add_text(fields.id, link.id.to_string());
    doc.add_text(fields.kind, KIND_SERVICE_AT_LOCATION);
    if let Some(location) = full.locations.get(&link.location_id) {
        add_place(fields, &mut doc, location);
    }
    if let Some(site) = placed.sites().find(|site| site.link.id == link.id) {
        add_site(fields, &mut doc, &site, geography);
    }
    if let Some(description) = &link.description {
        doc.add_text(fields.description, description);
    }
    add_opening(fields, &mut doc, full.service.schedules_at(link.id));
    doc
}

/// Where a place is: its ward and locality, and its point.
fn add_site(fields: &Fields, doc: &mut TantivyDocument, site: &Site<'_>, geography: &Geography) {
    if let Some(ward) = site.placement.ward {
        doc.add_text(fields.ward, &geography.wards()[ward].code);
        doc.add_text(fields.locality, &geography.locality_of(ward).id);
    }
    if let Some(point) = site.placement.public_point {
        doc.add_u64(fields.site_point, encode_point(point));
        doc.add_f64(fields.latitude, point.latitude());
        doc.add_f64(fields.longitude, point.longitude());
    }
}

/// What the service covers.
fn add_coverage(
    fields: &Fields,
    doc: &mut TantivyDocument,
    placed: &PlacedService,
    geography: &Geography,
) {
    let coverage = &placed.coverage;
    doc.add_text(
        fields.coverage,
        if coverage.declared {
            "declared"
        } else {
            "none"
        },
    );
    if coverage.national {
        doc.add_text(fields.national, "national");
    }
    for ward in &coverage.wards {
        doc.add_text(fields.cover_ward, &geography.wards()[*ward].code);
    }
    for locality in geography
        .localities()
        .iter()
        .filter(|l| coverage.covers_locality(l))
    {
        doc.add_text(fields.cover_locality, &locality.id);
    }
}

/// Fields shared by a service's documents.
fn common(fields: &Fields, placed: &PlacedService, geography: &Geography) -> TantivyDocument {
    let full: &FullService = &placed.full;
    let service = &full.service;
    let mut doc = TantivyDocument::default();
    add_coverage(fields, &mut doc, placed, geography);
    doc.add_text(fields.service_id, service.id.to_string());
    doc.add_text(fields.sort_name, service.name.to_lowercase());
    doc.add_text(fields.name, &service.name);
    for text in [&service.description, &service.eligibility_description]
        .into_iter()
        .flatten()
    {
        doc.add_text(fields.description, text);
    }
    if let Some(organization) = &full.organization {
        doc.add_text(fields.organization, &organization.name);
        doc.add_text(fields.organization_id, organization.id.to_string());
    } else if let Some(id) = service.organization_id {
        doc.add_text(fields.organization_id, id.to_string());
    }
    for term_id in full.term_ids_with_ancestors() {
        doc.add_text(fields.term_id, term_id.to_string());
        if let Some(term) = full.terms.get(&term_id) {
            doc.add_text(fields.taxonomy, &term.name);
            doc.add_text(fields.taxonomy, &term.description);
            if let Some(taxonomy_id) = term.taxonomy_id {
                doc.add_text(fields.taxonomy_id, taxonomy_id.to_string());
            }
        }
    }
    doc.add_text(fields.status, service.status.as_str());
    for code in service.language_codes() {
        doc.add_text(fields.language, code.as_str());
    }
    if service.is_free() {
        doc.add_text(fields.cost, "free");
    }
    doc.add_f64(
        fields.min_age,
        service.minimum_age.map_or(0.0, |age| age.years()),
    );
    doc.add_f64(
        fields.max_age,
        service
            .maximum_age
            .map_or(NO_MAXIMUM_AGE, |age| age.years()),
    );
    if let Some(modified) = service.last_modified {
        doc.add_date(
            fields.modified,
            DateTime::from_timestamp_micros(modified.timestamp_micros()),
        );
    }
    doc
}

fn add_place(fields: &Fields, doc: &mut TantivyDocument, location: &Location) {
    if let Some(name) = &location.name {
        doc.add_text(fields.place, name);
    }
    if !location.is_published_address() {
        return;
    }
    for address in &location.addresses {
        for line in [
            Some(&address.address_1),
            address.address_2.as_ref(),
            Some(&address.city),
            Some(&address.postal_code),
        ]
        .into_iter()
        .flatten()
        {
            doc.add_text(fields.place, line);
        }
    }
}

fn add_opening<'a>(
    fields: &Fields,
    doc: &mut TantivyDocument,
    schedules: impl Iterator<Item = &'a Schedule>,
) {
    for window in schedules.filter_map(Schedule::opening_window) {
        doc.add_u64(fields.opening, encode_window(&window));
    }
}

const DAY_BITS: u32 = 17;
const DAY_MAX: i32 = (1 << DAY_BITS) - 1;

/// Packs a window into 63 bits: days (7), opens (11), closes (11), valid_from (17),
/// valid_to (17), dates as days since 1970-01-01 (0 and the maximum mean open-ended).
pub fn encode_window(window: &OpeningWindow) -> u64 {
    let from = window.valid_from.clamp(0, DAY_MAX) as u64;
    let to = window.valid_to.clamp(0, DAY_MAX) as u64;
    u64::from(window.days)
        | u64::from(window.opens) << 7
        | u64::from(window.closes) << 18
        | from << 29
        | to << (29 + DAY_BITS)
}

/// Unpacks [`encode_window`].
pub fn decode_window(bits: u64) -> OpeningWindow {
    let mask = |width: u32| (1u64 << width) - 1;
    let from = ((bits >> 29) & mask(DAY_BITS)) as i32;
    let to = ((bits >> (29 + DAY_BITS)) & mask(DAY_BITS)) as i32;
    OpeningWindow {
        days: (bits & mask(7)) as u8,
        opens: ((bits >> 7) & mask(11)) as u16,
        closes: ((bits >> 18) & mask(11)) as u16,
        valid_from: if from == 0 { i32::MIN } else { from },
        valid_to: if to == DAY_MAX { i32::MAX } else { to },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn windows_survive_encoding(days in 0u8..128, opens in 0u16..1441, closes in 0u16..1441,
                                    from in 1i32..DAY_MAX, span in 0i32..1000) {
            let to = (from + span).min(DAY_MAX - 1);
            let window = OpeningWindow { days, opens, closes, valid_from: from, valid_to: to };
            prop_assert_eq!(decode_window(encode_window(&window)), window);
        }
    }

    #[test]
    fn open_ended_validity_survives_encoding() {
        let window = OpeningWindow {
            days: 1,
            opens: 600,
            closes: 960,
            valid_from: i32::MIN,
            valid_to: i32::MAX,
        };
        assert_eq!(decode_window(encode_window(&window)), window);
    }
}
