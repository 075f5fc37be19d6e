//! Turning a placed service into index documents: one `service` document, and one
//! `service_at_location` document per location link, except where the service's own
//! document says all its one link's document would ([`sole_link`]): then that document is
//! of both kinds, and a service with one place (most of a directory) is indexed once.
//!
//! Confidential locations contribute nothing searchable from their address: only their
//! name, so that searching for a street never confirms where a refuge is.

use tantivy::schema::{Term, Value};
use tantivy::{DateTime, TantivyDocument};

use super::analysis::IndexAnalysis;
use super::geo::{cells, encode_point};
use super::schema::{
    Fields, KIND_ORDER_BOTH, KIND_ORDER_SERVICE, KIND_ORDER_SERVICE_AT_LOCATION, KIND_SERVICE,
    KIND_SERVICE_AT_LOCATION, NO_MAXIMUM_AGE,
};
use crate::domain::aggregate::FullService;
use crate::domain::location::Location;
use crate::domain::opening::{ALL_DAYS, OpeningWindow, Recurrence};
use crate::domain::schedule::Schedule;
use crate::domain::service::{ServiceAtLocation, ServiceStatus};
use crate::geography::{Geography, PlacedService, Site};
use crate::search::assets::Features;
use crate::search::features;

/// ISO 639-3 code of English.
const ENGLISH: &str = "eng";

/// A name's sort order: the first 16 bytes of its lower-cased form, as two numbers.
pub fn name_order(name: &str) -> [u64; 2] {
    let mut bytes = [0u8; 16];
    let lower = name.to_lowercase();
    let take = lower.len().min(16);
    bytes[..take].copy_from_slice(&lower.as_bytes()[..take]);
    let (high, low) = bytes.split_at(8);
    [
        u64::from_be_bytes(high.try_into().expect("8 bytes")),
        u64::from_be_bytes(low.try_into().expect("8 bytes")),
    ]
}

/// An id's tie-break: its first 8 bytes.
pub fn tiebreak(id: &uuid::Uuid) -> u64 {
    id.as_u64_pair().0
}

/// The id's last 8 bytes, big-endian ([`Fields::id_low`]).
pub fn id_low(id: &uuid::Uuid) -> u64 {
    id.as_u64_pair().1
}

/// Term that matches every document of a service.
pub fn service_term(fields: &Fields, full_id: &str) -> Term {
    fields.service_id.term(full_id)
}

/// What the documents of a service are built from.
pub struct Sources<'a> {
    /// The schema's fields.
    pub fields: &'a Fields,
    /// The geography the places are in.
    pub geography: &'a Geography,
    /// The feature vocabulary.
    pub features: &'a Features,
}

/// The documents for one service.
pub fn documents(sources: &Sources<'_>, placed: &PlacedService) -> Vec<TantivyDocument> {
    let fields = sources.fields;
    let full = &placed.full;
    let service = &full.service;
    let sole_link = sole_link(full);
    let mut documents = Vec::with_capacity(1 + service.service_at_locations.len());
    let mut service_doc = common(sources, placed);
    service_doc.add_u64(fields.tiebreak, tiebreak(service.id.as_uuid()));
    service_doc.add_u64(fields.id_low, id_low(service.id.as_uuid()));
    fields.kind.add(&mut service_doc, KIND_SERVICE);
    if sole_link.is_some() {
        fields.kind.add(&mut service_doc, KIND_SERVICE_AT_LOCATION);
        service_doc.add_u64(fields.kind_order, KIND_ORDER_BOTH);
    } else {
        service_doc.add_u64(fields.kind_order, KIND_ORDER_SERVICE);
    }
    for location in full.locations.values() {
        add_place(fields, &mut service_doc, location);
    }
    for site in placed.sites() {
        add_site(sources, &mut service_doc, &site);
    }
    add_opening(fields, &mut service_doc, service.schedules.iter());
    documents.push(service_doc);

    if sole_link.is_none() {
        for link in &service.service_at_locations {
            documents.push(link_document(sources, placed, link));
        }
    }
    documents
}

/// The service's one service_at_location, when the service's own document holds all its
/// document would ([`link_document`]): no description of its own, at the only location the
/// service has, and no schedule for another link. Its document is then the service's (of
/// both kinds, [`KIND_ORDER_BOTH`]), whose id is the service's: a search for
/// service_at_locations that finds it answers with the service's only link.
pub fn sole_link(full: &FullService) -> Option<&ServiceAtLocation> {
    let [link] = full.service.service_at_locations.as_slice() else {
        return None;
    };
    let at_its_place = full.locations.keys().all(|id| *id == link.location_id);
    let its_hours = full.service.schedules.iter().all(|schedule| {
        schedule
            .service_at_location_id
            .is_none_or(|id| id == link.id)
    });
    (link.description.is_none() && at_its_place && its_hours).then_some(link)
}

/// `doc` as the index writer takes it: every searchable text analysed into its words and
/// their pairs (the pairs in the text's field of pairs), and the words as typed of every
/// spelling text; everything else as it is.
pub fn analysed(
    fields: &Fields,
    analysis: &mut IndexAnalysis,
    doc: &TantivyDocument,
) -> TantivyDocument {
    let mut out = TantivyDocument::new();
    let mut spelling = String::new();
    for (field, value) in doc.field_values() {
        match (fields.pairs_of(field), value.as_str()) {
            (Some(pairs_field), Some(text)) => {
                let (words, pairs) = analysis.words_and_pairs(text);
                if !words.is_empty() {
                    out.add_text(field, words);
                }
                if !pairs.is_empty() {
                    out.add_text(pairs_field, pairs);
                }
            }
            (None, Some(text)) if field == fields.spell => analysis.spelling(text, &mut spelling),
            _ => out.add_field_value(field, value),
        }
    }
    if !spelling.is_empty() {
        out.add_text(fields.spell, spelling);
    }
    out
}

fn link_document(
    sources: &Sources<'_>,
    placed: &PlacedService,
    link: &ServiceAtLocation,
) -> TantivyDocument {
    let fields = sources.fields;
    let full = &placed.full;
    let mut doc = common(sources, placed);
    doc.add_u64(fields.tiebreak, tiebreak(link.id.as_uuid()));
    doc.add_u64(fields.id_low, id_low(link.id.as_uuid()));
    fields.kind.add(&mut doc, KIND_SERVICE_AT_LOCATION);
    doc.add_u64(fields.kind_order, KIND_ORDER_SERVICE_AT_LOCATION);
    if let Some(location) = full.locations.get(&link.location_id) {
        add_place(fields, &mut doc, location);
    }
    if let Some(site) = placed.sites().find(|site| site.link.id == link.id) {
        add_site(sources, &mut doc, &site);
    }
    if let Some(description) = &link.description {
        doc.add_text(fields.description, description);
    }
    add_opening(fields, &mut doc, full.service.schedules_at(link.id));
    doc
}

/// Where a place is (ward, locality, point) and how accessible it is.
fn add_site(sources: &Sources<'_>, doc: &mut TantivyDocument, site: &Site<'_>) {
    let fields = sources.fields;
    if let Some(ward) = site.placement.ward {
        fields.ward.add(doc, &sources.geography.wards()[ward].code);
        fields
            .locality
            .add(doc, &sources.geography.locality_of(ward).id);
    }
    if let Some(point) = site.placement.public_point {
        doc.add_u64(fields.site_point, encode_point(point));
        for cell in cells(point) {
            fields.geo_cell.add(doc, &cell.to_string());
        }
    }
    for value in features::accessibility(site.location, sources.features) {
        fields.accessibility.add(doc, &value);
    }
}

/// What the service covers.
fn add_coverage(sources: &Sources<'_>, doc: &mut TantivyDocument, placed: &PlacedService) {
    let fields = sources.fields;
    let coverage = &placed.coverage;
    fields.coverage.add(
        doc,
        if coverage.declared {
            "declared"
        } else {
            "none"
        },
    );
    if coverage.national {
        fields.national.add(doc, "national");
    }
    for ward in &coverage.wards {
        fields
            .cover_ward
            .add(doc, &sources.geography.wards()[*ward].code);
    }
    for locality in sources
        .geography
        .localities()
        .iter()
        .filter(|l| coverage.covers_locality(l))
    {
        fields.cover_locality.add(doc, &locality.id);
    }
}

pub(crate) fn days_since_epoch(date: chrono::NaiveDate) -> i64 {
    (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days()
}

/// Fields shared by a service's documents.
fn common(sources: &Sources<'_>, placed: &PlacedService) -> TantivyDocument {
    let fields = sources.fields;
    let full: &FullService = &placed.full;
    let service = &full.service;
    let mut doc = TantivyDocument::default();
    add_coverage(sources, &mut doc, placed);
    fields.service_id.add(&mut doc, &service.id.to_string());
    for (field, value) in fields.name_order.iter().zip(name_order(&service.name)) {
        doc.add_u64(*field, value);
    }
    doc.add_text(fields.name, &service.name);
    doc.add_text(fields.spell, &service.name);
    for text in [&service.description, &service.eligibility_description]
        .into_iter()
        .flatten()
    {
        doc.add_text(fields.description, text);
        doc.add_text(fields.spell, text);
    }
    if let Some(organization) = &full.organization {
        doc.add_text(fields.organization, &organization.name);
        fields
            .organization_id
            .add(&mut doc, &organization.id.to_string());
    } else if let Some(id) = service.organization_id {
        fields.organization_id.add(&mut doc, &id.to_string());
    }
    for term_id in full.term_ids_with_ancestors() {
        fields.term_id.add(&mut doc, &term_id.to_string());
        if let Some(term) = full.terms.get(&term_id) {
            doc.add_text(fields.taxonomy, &term.name);
            doc.add_text(fields.taxonomy_description, &term.description);
            doc.add_text(fields.spell, &term.name);
            if let Some(taxonomy_id) = term.taxonomy_id {
                fields.taxonomy_id.add(&mut doc, &taxonomy_id.to_string());
            }
        }
    }
    fields.status.add(&mut doc, service.status.as_str());
    doc.add_u64(
        fields.closed,
        u64::from(service.status == ServiceStatus::TemporarilyClosed),
    );
    doc.add_i64(
        fields.assured_day,
        service.assured_date.map_or(0, days_since_epoch),
    );
    for code in service.language_codes() {
        fields.language.add(&mut doc, code.as_str());
    }
    // Language names are searchable ("Sylheti", "Somali"), except English: nearly every
    // service is delivered in it, and "english" in a search means classes.
    for language in &service.languages {
        let english = language
            .code
            .as_ref()
            .is_some_and(|code| code.as_str() == ENGLISH);
        if let Some(name) = language.display_name().filter(|_| !english) {
            doc.add_text(fields.languages_text, name);
        }
    }
    let cost = if service.is_free() {
        "free"
    } else if service
        .cost_options
        .iter()
        .any(|c| c.amount.is_some_and(|a| a.value() > 0.0))
    {
        "paid"
    } else {
        "not_stated"
    };
    fields.cost.add(&mut doc, cost);
    for value in features::suitable_for(full, sources.features) {
        fields.suitable_for.add(&mut doc, &value);
    }
    for value in features::delivery(full, sources.features) {
        fields.delivery.add(&mut doc, &value);
    }
    if let Some(route) = service.referral_route {
        fields.referral_route.add(&mut doc, route.as_str());
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
    if let Some(last) = full
        .capacity
        .as_ref()
        .and_then(crate::domain::capacity::Capacity::accepting_until)
    {
        doc.add_f64(fields.accepting_until, days_since_epoch(last) as f64);
    }
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
    for window in schedules.flat_map(Schedule::opening_windows) {
        doc.add_u64(fields.opening, encode_window(&window));
    }
}

const DAY_BITS: u32 = 16;
const DAY_MAX: i32 = (1 << DAY_BITS) - 1;
const RECURRENCE_SHIFT: u32 = 29 + 2 * DAY_BITS;
/// Recurrence code for "nth from the end of the month": the weekday and n share `days`.
const FROM_LAST: u64 = 6;
/// Recurrence code for a day of the month, held in `days`.
const DAY_OF_MONTH: u64 = 7;

/// Packs a window into 64 bits: days (7), opens (11), closes (11), valid_from (16), valid_to
/// (16), recurrence (3). Dates are days since 1970-01-01 (0 and the maximum mean
/// open-ended; the maximum is in 2149). Recurrence is 0 for weekly, 1 to 5 for the nth
/// weekday of the month; for the nth from the end ([`FROM_LAST`]) `days` holds the weekday
/// and n, and for a day of the month ([`DAY_OF_MONTH`]) `days` holds the day (32 + n for
/// the nth day from the end).
pub fn encode_window(window: &OpeningWindow) -> u64 {
    let from = window.valid_from.clamp(0, DAY_MAX) as u64;
    let to = window.valid_to.clamp(0, DAY_MAX) as u64;
    let (days, recurrence) = match window.recurrence {
        Recurrence::Weekly => (u64::from(window.days), 0),
        Recurrence::NthInMonth(n) if n > 0 => (u64::from(window.days), u64::from(n.unsigned_abs())),
        Recurrence::NthInMonth(n) => {
            let weekday = u64::from(window.days.trailing_zeros().min(6));
            (weekday | u64::from(n.unsigned_abs()) << 3, FROM_LAST)
        }
        Recurrence::DayOfMonth(n) if n > 0 => (u64::from(n.unsigned_abs()), DAY_OF_MONTH),
        Recurrence::DayOfMonth(n) => (32 + u64::from(n.unsigned_abs()), DAY_OF_MONTH),
    };
    days & 0x7f
        | u64::from(window.opens) << 7
        | u64::from(window.closes) << 18
        | from << 29
        | to << (29 + DAY_BITS)
        | recurrence << RECURRENCE_SHIFT
}

/// Unpacks [`encode_window`].
pub fn decode_window(bits: u64) -> OpeningWindow {
    let mask = |width: u32| (1u64 << width) - 1;
    let from = ((bits >> 29) & mask(DAY_BITS)) as i32;
    let to = ((bits >> (29 + DAY_BITS)) & mask(DAY_BITS)) as i32;
    let days = (bits & mask(7)) as u8;
    let (days, recurrence) = match bits >> RECURRENCE_SHIFT {
        0 => (days, Recurrence::Weekly),
        FROM_LAST => (
            1 << (days & 7),
            Recurrence::NthInMonth(-((days >> 3) as i8)),
        ),
        DAY_OF_MONTH if days > 32 => (ALL_DAYS, Recurrence::DayOfMonth(-((days - 32) as i8))),
        DAY_OF_MONTH => (ALL_DAYS, Recurrence::DayOfMonth(days as i8)),
        n => (days, Recurrence::NthInMonth(n as i8)),
    };
    OpeningWindow {
        days,
        recurrence,
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

    fn recurrence() -> impl Strategy<Value = Recurrence> {
        prop_oneof![
            Just(Recurrence::Weekly),
            (1i8..=5).prop_map(Recurrence::NthInMonth),
            (-5i8..=-1).prop_map(Recurrence::NthInMonth),
            (1i8..=31).prop_map(Recurrence::DayOfMonth),
            (-31i8..=-1).prop_map(Recurrence::DayOfMonth),
        ]
    }

    proptest! {
        #[test]
        fn windows_survive_encoding(days in 1u8..128, weekday in 0u8..7, opens in 0u16..1441,
                                    closes in 0u16..1441, from in 1i32..DAY_MAX, span in 0i32..1000,
                                    recurrence in recurrence()) {
            let to = (from + span).min(DAY_MAX - 1);
            // Windows from the end of the month are for one weekday; by date, for every day.
            let days = match recurrence {
                Recurrence::NthInMonth(n) if n < 0 => 1 << weekday,
                Recurrence::DayOfMonth(_) => ALL_DAYS,
                _ => days,
            };
            let window = OpeningWindow { days, recurrence, opens, closes, valid_from: from, valid_to: to };
            prop_assert_eq!(decode_window(encode_window(&window)), window);
        }
    }

    proptest! {
        #[test]
        fn name_order_follows_the_lower_cased_names(a in "[A-Za-z '()-]{0,20}", b in "[A-Za-z '()-]{0,20}") {
            let (la, lb) = (a.to_lowercase(), b.to_lowercase());
            let prefix = |s: &str| s.as_bytes()[..s.len().min(16)].to_vec();
            prop_assert_eq!(name_order(&a).cmp(&name_order(&b)), prefix(&la).cmp(&prefix(&lb)));
        }
    }

    const SERVICE: &str = "00000000-0000-4000-8000-000000000001";
    const LINK: &str = "00000000-0000-4000-8000-000000000101";
    const OTHER_LINK: &str = "00000000-0000-4000-8000-000000000102";
    const PLACE: &str = "00000000-0000-4000-8000-000000000201";
    const OTHER_PLACE: &str = "00000000-0000-4000-8000-000000000202";

    /// A service with `links` and `schedules` (ORUK JSON), joined to the locations `places`.
    fn joined(
        links: serde_json::Value,
        schedules: serde_json::Value,
        places: &[&str],
    ) -> FullService {
        let service = serde_json::from_value(serde_json::json!({
            "id": SERVICE, "name": "Lunch club", "status": "active",
            "service_at_locations": links, "schedules": schedules,
        }))
        .unwrap();
        let locations = places
            .iter()
            .map(|id| {
                let location: Location = serde_json::from_value(serde_json::json!({
                    "id": id, "location_type": "physical", "name": "Hall"}))
                .unwrap();
                (location.id, location)
            })
            .collect();
        FullService {
            service,
            organization: None,
            locations,
            terms: Default::default(),
            taxonomies: Default::default(),
            capacity: None,
        }
    }

    fn link(id: &str, place: &str) -> serde_json::Value {
        serde_json::json!({"id": id, "location_id": place})
    }

    fn weekly(link: Option<&str>) -> serde_json::Value {
        let mut schedule = serde_json::json!({"id": "00000000-0000-4000-8000-000000000301",
            "freq": "WEEKLY", "byday": "MO", "opens_at": "10:00", "closes_at": "12:00"});
        if let Some(link) = link {
            schedule["service_at_location_id"] = serde_json::json!(link);
        }
        schedule
    }

    /// A service's own document stands for its one place only where the place's document
    /// would hold nothing else.
    #[test]
    fn a_service_document_stands_for_its_only_place_when_that_says_nothing_more() {
        let sole = |full: &FullService| sole_link(full).map(|link| link.id.to_string());
        let one = serde_json::json!([link(LINK, PLACE)]);
        let hours = serde_json::json!([weekly(None), weekly(Some(LINK))]);
        assert_eq!(
            sole(&joined(one.clone(), hours, &[PLACE])).as_deref(),
            Some(LINK)
        );
        assert_eq!(
            sole(&joined(serde_json::json!([]), serde_json::json!([]), &[])),
            None,
            "no place"
        );
        let two = serde_json::json!([link(LINK, PLACE), link(OTHER_LINK, OTHER_PLACE)]);
        assert_eq!(
            sole(&joined(two, serde_json::json!([]), &[PLACE, OTHER_PLACE])),
            None,
            "two places"
        );
        let mut described = link(LINK, PLACE);
        described["description"] = serde_json::json!("Upstairs, by the garden");
        assert_eq!(
            sole(&joined(
                serde_json::json!([described]),
                serde_json::json!([]),
                &[PLACE]
            )),
            None,
            "the place says something of its own"
        );
        let elsewhere = serde_json::json!([weekly(Some(OTHER_LINK))]);
        assert_eq!(
            sole(&joined(one.clone(), elsewhere, &[PLACE])),
            None,
            "hours of another link: the service's hours are not the place's"
        );
        assert_eq!(
            sole(&joined(one, serde_json::json!([]), &[PLACE, OTHER_PLACE])),
            None,
            "a location the link does not name"
        );
    }

    #[test]
    fn open_ended_validity_survives_encoding() {
        let window = OpeningWindow {
            days: 1,
            recurrence: Recurrence::Weekly,
            opens: 600,
            closes: 960,
            valid_from: i32::MIN,
            valid_to: i32::MAX,
        };
        assert_eq!(decode_window(encode_window(&window)), window);
    }
}
