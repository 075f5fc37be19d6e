//! The listing editor's form: a service (with its weekly hours) and the locations it is
//! delivered at, as the name/value pairs a form shows and posts, and back.
//!
//! A record is shown by writing it as the pairs its form would post ([`service_fields`]), so
//! a first view and a re-shown form with errors render the same way. Reading the pairs back
//! ([`read_service`]) starts from the live record and changes only what the form holds;
//! fields the form does not show (taxonomy tags, funding, contacts, schedules the weekly grid
//! cannot show) pass through untouched.

use super::forms::Pairs;
use crate::domain::ids::{LocationId, RecordId, ServiceAtLocationId};
use crate::domain::language::{Language, LanguageCode};
use crate::domain::location::{Accessibility, Address, Location, LocationType};
use crate::domain::phone::Phone;
use crate::domain::postcode::Postcode;
use crate::domain::service::{
    CostOption, ReferralRoute, Service, ServiceAtLocation, ServiceStatus,
};
use crate::domain::values::{Age, Amount, Email, InvalidValue, PhoneNumber, WebUrl};
use crate::domain::weekly::WeeklyHours;

/// Languages offered as tick boxes (ISO 639-3), most asked for in the borough first.
pub const COMMON_LANGUAGES: [&str; 12] = [
    "eng", "ben", "syl", "som", "urd", "ara", "pol", "por", "spa", "tur", "lit", "bfi",
];

/// The longest one-line text field, in characters.
const MAX_LINE: usize = 200;
/// The longest paragraph field, in characters.
const MAX_TEXT: usize = 5_000;

/// A field the form could not accept: its name (the input's id) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name.
    pub field: String,
    /// What is wrong (English, from the domain's checks).
    pub problem: String,
}

impl FieldError {
    fn new(field: &str, problem: &InvalidValue) -> Self {
        Self {
            field: field.to_owned(),
            problem: problem.message().to_owned(),
        }
    }
}

/// A location in the form: whether this editor may change it (it is used only by services
/// of organisations they edit).
pub struct FormLocation {
    /// The live location.
    pub location: Location,
    /// Whether its fields are editable.
    pub editable: bool,
}

/// The prefix of a location's fields.
pub fn location_prefix(id: LocationId) -> String {
    format!("loc-{id}-")
}

/// The pairs the form posts for `service` delivered at `locations`.
pub fn service_fields(service: &Service, locations: &[FormLocation]) -> Pairs {
    let mut f = Pairs::default();
    let mut put = |name: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            f.push(name, value);
        }
    };
    put("name", Some(&service.name));
    put("description", service.description.as_deref());
    put("eligibility", service.eligibility_description.as_deref());
    let minimum = service.minimum_age.map(|a| a.years().to_string());
    put("minimum_age", minimum.as_deref());
    let maximum = service.maximum_age.map(|a| a.years().to_string());
    put("maximum_age", maximum.as_deref());
    put("status", Some(service.status.as_str()));
    put("alert", service.alert.as_deref());
    put(
        "referral_route",
        service.referral_route.map(ReferralRoute::as_str),
    );
    put(
        "referral_phone",
        service.referral_phone.as_ref().map(PhoneNumber::as_str),
    );
    put(
        "referral_email",
        service.referral_email.as_ref().map(Email::as_str),
    );
    put(
        "referral_url",
        service.referral_url.as_ref().map(WebUrl::as_str),
    );
    put(
        "referral_instructions",
        service.referral_instructions.as_deref(),
    );
    put("email", service.email.as_ref().map(Email::as_str));
    put("url", service.url.as_ref().map(WebUrl::as_str));
    put("phone", service.phones.first().map(|p| p.number.as_str()));
    if service
        .cost_options
        .iter()
        .any(|o| o.amount.is_some_and(|a| a.value() == 0.0))
    {
        put("free", Some("yes"));
    }
    put("fees", service.fees.as_deref());
    let mut others = Vec::new();
    for code in service.language_codes() {
        if COMMON_LANGUAGES.contains(&code.as_str()) {
            put("language", Some(code.as_str()));
        } else {
            others.push(code.as_str().to_owned());
        }
    }
    put("other_languages", Some(&others.join(", ")));
    let (hours, _) = WeeklyHours::from_schedules(&service.schedules);
    for day in crate::domain::schedule::Weekday::ALL {
        for (n, session) in hours.days[day.index()].iter().enumerate() {
            put(
                &format!("opens-{}-{}", day.code(), n + 1),
                Some(&session.opens),
            );
            put(
                &format!("closes-{}-{}", day.code(), n + 1),
                Some(&session.closes),
            );
        }
    }
    for FormLocation { location, .. } in locations {
        let p = location_prefix(location.id);
        put(&format!("{p}name"), location.name.as_deref());
        if let Some(address) = location.addresses.first() {
            put(&format!("{p}address_1"), Some(&address.address_1));
            put(&format!("{p}address_2"), address.address_2.as_deref());
            put(&format!("{p}city"), Some(&address.city));
            put(&format!("{p}postcode"), Some(&address.postal_code));
        }
        if location.confidential {
            put(&format!("{p}confidential"), Some("yes"));
        }
        put(
            &format!("{p}accessibility"),
            location
                .accessibility
                .first()
                .and_then(|a| a.description.as_deref()),
        );
    }
    f
}

/// Reads the form into a new version of `live` and of its editable locations, plus a new
/// location when the "add a place" fields are filled in.
pub fn read_service(
    live: &Service,
    locations: &[FormLocation],
    f: &Pairs,
) -> Result<(Service, Vec<Location>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut s = live.clone();
    s.last_modified = None;
    match text(f, "name", MAX_LINE, &mut errors) {
        Some(name) => s.name = name,
        None => errors.push(FieldError::new("name", &InvalidValue::new("is empty"))),
    }
    s.description = text(f, "description", MAX_TEXT, &mut errors);
    s.eligibility_description = text(f, "eligibility", MAX_TEXT, &mut errors);
    s.minimum_age = parsed(f, "minimum_age", age, &mut errors);
    s.maximum_age = parsed(f, "maximum_age", age, &mut errors);
    if let (Some(min), Some(max)) = (s.minimum_age, s.maximum_age)
        && min.years() > max.years()
    {
        errors.push(FieldError::new(
            "maximum_age",
            &InvalidValue::new("is lower than the youngest age"),
        ));
    }
    match f.first("status").and_then(ServiceStatus::parse) {
        Some(status) => s.status = status,
        None => errors.push(FieldError::new(
            "status",
            &InvalidValue::new("is not chosen"),
        )),
    }
    s.alert = text(f, "alert", MAX_TEXT, &mut errors);
    if s.status == ServiceStatus::TemporarilyClosed && s.alert.is_none() {
        errors.push(FieldError::new(
            "alert",
            &InvalidValue::new(
                "is needed when the service is temporarily closed: say why and until when",
            ),
        ));
    }
    s.referral_route = match f.first("referral_route").filter(|v| !v.is_empty()) {
        None => None,
        Some(route) => match ReferralRoute::parse(route) {
            Some(route) => Some(route),
            None => {
                errors.push(FieldError::new(
                    "referral_route",
                    &InvalidValue::new("is not one of the choices"),
                ));
                None
            }
        },
    };
    s.referral_phone = parsed(f, "referral_phone", PhoneNumber::parse, &mut errors);
    s.referral_email = parsed(f, "referral_email", Email::parse, &mut errors);
    s.referral_url = parsed(f, "referral_url", WebUrl::parse, &mut errors);
    s.referral_instructions = text(f, "referral_instructions", MAX_TEXT, &mut errors);
    s.email = parsed(f, "email", Email::parse, &mut errors);
    s.url = parsed(f, "url", WebUrl::parse, &mut errors);
    match parsed(f, "phone", PhoneNumber::parse, &mut errors) {
        Some(number) => match s.phones.first_mut() {
            Some(first) => first.number = number,
            None => s.phones.push(Phone {
                id: RecordId::random(),
                number,
                extension: None,
                phone_type: None,
                description: None,
                languages: Vec::new(),
            }),
        },
        None if f.first("phone").is_none_or(str::is_empty) && !s.phones.is_empty() => {
            s.phones.remove(0);
        }
        None => {}
    }
    s.fees = text(f, "fees", MAX_LINE, &mut errors);
    read_cost(&mut s, f.has("free", "yes"));
    read_languages(&mut s, f, &mut errors);
    match WeeklyHours::from_fields(|name| f.first(name)) {
        Ok(hours) => {
            let (_, mut others) = WeeklyHours::from_schedules(&live.schedules);
            let mut schedules = hours.to_schedules();
            schedules.append(&mut others);
            s.schedules = schedules;
        }
        Err(problems) => errors.extend(
            problems
                .iter()
                .map(|(field, problem)| FieldError::new(field, problem)),
        ),
    }
    let mut changed_locations = Vec::new();
    for FormLocation { location, editable } in locations {
        if !editable {
            continue;
        }
        let p = location_prefix(location.id);
        if let Some(new) = read_location(location.clone(), &p, f, &mut errors) {
            changed_locations.push(new);
        }
    }
    let wants_new = ["name", "address_1", "postcode"].iter().any(|field| {
        f.first(&format!("new-{field}"))
            .is_some_and(|v| !v.is_empty())
    });
    if wants_new {
        let blank = Location {
            id: LocationId::random(),
            location_type: LocationType::Physical,
            name: None,
            description: None,
            point: None,
            external_identifier: None,
            external_identifier_type: None,
            url: None,
            confidential: false,
            addresses: Vec::new(),
            accessibility: Vec::new(),
            phones: Vec::new(),
            attributes: Vec::new(),
        };
        if let Some(new) = read_location(blank, "new-", f, &mut errors) {
            s.service_at_locations.push(ServiceAtLocation {
                id: ServiceAtLocationId::random(),
                location_id: new.id,
                description: None,
            });
            changed_locations.push(new);
        }
    }
    if errors.is_empty() {
        Ok((s, changed_locations))
    } else {
        Err(errors)
    }
}

/// Reads one location's fields (named `prefix` + field) over `location`.
fn read_location(
    mut location: Location,
    prefix: &str,
    f: &Pairs,
    errors: &mut Vec<FieldError>,
) -> Option<Location> {
    let name = |field: &str| format!("{prefix}{field}");
    let before = errors.len();
    location.name = text(f, &name("name"), MAX_LINE, errors);
    let address_1 = text(f, &name("address_1"), MAX_LINE, errors);
    let address_2 = text(f, &name("address_2"), MAX_LINE, errors);
    let city = text(f, &name("city"), MAX_LINE, errors);
    let postcode = parsed(f, &name("postcode"), Postcode::parse, errors);
    match (address_1, postcode) {
        (Some(address_1), Some(postcode)) => {
            let moved = location.addresses.first().is_none_or(|old| {
                old.address_1 != address_1 || old.postal_code != postcode.as_str()
            });
            let id = location
                .addresses
                .first()
                .map_or_else(RecordId::random, |a| a.id);
            let address = Address {
                id,
                attention: None,
                address_1,
                address_2,
                city: city.unwrap_or_else(|| "London".to_owned()),
                region: None,
                state_province: "Greater London".to_owned(),
                postal_code: postcode.as_str().to_owned(),
                country: "GB".to_owned(),
                address_type: LocationType::Physical,
            };
            if location.addresses.is_empty() {
                location.addresses.push(address);
            } else {
                location.addresses[0] = address;
            }
            if moved {
                // The old coordinates belong to the old address: place it by its postcode.
                location.point = None;
                location.external_identifier = None;
                location.external_identifier_type = None;
            }
        }
        (None, None) if location.addresses.is_empty() => {}
        (None, _) => errors.push(FieldError::new(
            &name("address_1"),
            &InvalidValue::new("is needed with a postcode"),
        )),
        (_, None) => errors.push(FieldError::new(
            &name("postcode"),
            &InvalidValue::new("is needed with an address"),
        )),
    }
    location.confidential = f.has(&name("confidential"), "yes");
    let accessibility = text(f, &name("accessibility"), MAX_TEXT, errors);
    match (accessibility, location.accessibility.first_mut()) {
        (Some(text), Some(first)) => first.description = Some(text),
        (Some(text), None) => location.accessibility.push(Accessibility {
            id: RecordId::random(),
            description: Some(text),
            details: None,
            url: None,
            accessibility: None,
        }),
        (None, Some(_)) => {
            location.accessibility.remove(0);
        }
        (None, None) => {}
    }
    (errors.len() == before).then_some(location)
}

/// "Free" ticked: one option of £0 and no charges; not ticked: no £0 option.
fn read_cost(service: &mut Service, free: bool) {
    let is_zero = |o: &CostOption| o.amount.is_some_and(|a| a.value() == 0.0);
    if free {
        let had_zero = service.cost_options.iter().any(is_zero);
        service
            .cost_options
            .retain(|o| o.amount.is_none_or(|a| a.value() == 0.0));
        if !had_zero {
            service.cost_options.push(CostOption {
                id: RecordId::random(),
                valid_from: None,
                valid_to: None,
                option: None,
                amount: Amount::new(0.0).ok(),
                amount_description: None,
            });
        }
    } else {
        service.cost_options.retain(|o| !is_zero(o));
    }
}

/// The ticked languages and the typed codes; languages kept keep their names and notes.
fn read_languages(service: &mut Service, f: &Pairs, errors: &mut Vec<FieldError>) {
    let mut codes: Vec<LanguageCode> = Vec::new();
    for code in f.all("language") {
        match LanguageCode::parse(code) {
            Ok(code) => codes.push(code),
            Err(problem) => errors.push(FieldError::new("language", &problem)),
        }
    }
    for code in f
        .first("other_languages")
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|c| !c.trim().is_empty())
    {
        match LanguageCode::parse(code) {
            Ok(code) => codes.push(code),
            Err(problem) => errors.push(FieldError::new("other_languages", &problem)),
        }
    }
    codes.sort();
    codes.dedup();
    let mut kept: Vec<Language> = service
        .languages
        .iter()
        .filter(|l| l.code.as_ref().is_some_and(|c| codes.contains(c)))
        .cloned()
        .collect();
    for code in codes {
        if !kept.iter().any(|l| l.code.as_ref() == Some(&code)) {
            kept.push(Language {
                id: RecordId::random(),
                name: code.english_name().map(str::to_owned),
                code: Some(code),
                note: None,
            });
        }
    }
    service.languages = kept;
}

fn age(text: &str) -> Result<Age, InvalidValue> {
    let years: f64 = text
        .trim()
        .parse()
        .map_err(|_| InvalidValue::new("is not a number of years"))?;
    Age::new(years)
}

/// A trimmed text field; none when empty; an error when longer than `max` characters.
fn text(f: &Pairs, name: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = f.first(name).map(str::trim).filter(|v| !v.is_empty())?;
    let length = value.chars().count();
    if length > max {
        errors.push(FieldError::new(
            name,
            &InvalidValue::new(format!("is {length} characters long; the most is {max}")),
        ));
        return None;
    }
    Some(value.to_owned())
}

/// A field parsed by `parse`; none when empty; an error (and none) when it does not parse.
fn parsed<T>(
    f: &Pairs,
    name: &str,
    parse: impl Fn(&str) -> Result<T, InvalidValue>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let value = f.first(name).map(str::trim).filter(|v| !v.is_empty())?;
    match parse(value) {
        Ok(value) => Some(value),
        Err(problem) => {
            errors.push(FieldError::new(name, &problem));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> Service {
        serde_json::from_value(serde_json::json!({
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "organization_id": "30000000-0000-4000-8000-00000000000a",
            "name": "Lunch club", "status": "active",
            "languages": [{"id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a20", "code": "syl", "note": "Tuesdays"},
                          {"id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a21", "code": "tir"}],
            "cost_options": [{"id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a22", "amount": 0}],
            "attributes": [{"id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a23",
                            "taxonomy_term_id": "20000000-0000-4000-8000-000000000002"}],
            "schedules": [
                {"id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a10", "freq": "WEEKLY", "byday": "TU,TH",
                 "opens_at": "12:00", "closes_at": "14:00"},
                {"id": "5a1f2f0e-0d1c-4f43-9e0e-8f5f5b3a9a11", "freq": "MONTHLY", "byday": "1SA",
                 "opens_at": "10:00", "closes_at": "13:00"}],
        }))
        .unwrap()
    }

    #[test]
    fn an_unchanged_form_gives_back_the_same_listing() {
        let live = service();
        let fields = service_fields(&live, &[]);
        let (read, _) = read_service(&live, &[], &fields).unwrap();
        let mut expected = live.clone();
        expected.last_modified = None;
        let (hours, others) = WeeklyHours::from_schedules(&read.schedules);
        assert_eq!(
            WeeklyHours::from_schedules(&live.schedules),
            (hours, others),
            "same hours, the monthly session kept"
        );
        expected.schedules = read.schedules.clone();
        assert_eq!(
            read, expected,
            "tags, language notes and costs pass through"
        );
    }

    #[test]
    fn edits_change_only_what_the_form_holds_and_bad_values_are_named() {
        let live = service();
        let mut fields = service_fields(&live, &[]).without_all("free");
        fields = fields
            .with("status", "temporarily closed")
            .with("alert", "Closed until January")
            .with("opens-TU-1", "")
            .with("closes-TU-1", "")
            .with("language", "ben");
        let (read, _) = read_service(&live, &[], &fields).unwrap();
        assert_eq!(read.status, ServiceStatus::TemporarilyClosed);
        assert!(read.cost_options.is_empty(), "no longer free");
        let codes: Vec<&str> = read.language_codes().iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, ["ben", "tir"], "Sylheti unticked, Tigrinya typed");
        assert_eq!(read.attributes, live.attributes);

        let bad = service_fields(&live, &[])
            .with("email", "not an address")
            .with("minimum_age", "65")
            .with("maximum_age", "18")
            .with("status", "temporarily closed")
            .with("name", "");
        let errors = read_service(&live, &[], &bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "maximum_age", "alert", "email"]);
    }

    #[test]
    fn a_moved_address_drops_the_old_coordinates_and_a_new_place_is_linked() {
        let mut live = service();
        let location: Location = serde_json::from_value(serde_json::json!({
            "id": "40000000-0000-4000-8000-000000000001", "location_type": "physical",
            "latitude": 51.52, "longitude": -0.03,
            "addresses": [{"id": "40000000-0000-4000-8000-0000000000aa", "address_1": "1 Roman Road",
                "city": "London", "state_province": "Greater London", "postal_code": "E3 5ES",
                "country": "GB", "address_type": "physical"}]}))
        .unwrap();
        live.service_at_locations.push(ServiceAtLocation {
            id: ServiceAtLocationId::random(),
            location_id: location.id,
            description: None,
        });
        let form_locations = [FormLocation {
            location: location.clone(),
            editable: true,
        }];
        let p = location_prefix(location.id);
        let fields = service_fields(&live, &form_locations)
            .with(&format!("{p}postcode"), "E14 8HH")
            .with(&format!("{p}confidential"), "yes")
            .with("new-name", "Poplar library")
            .with("new-address_1", "2 Market Square")
            .with("new-postcode", "e14 6bu");
        let (read, changed) = read_service(&live, &form_locations, &fields).unwrap();
        assert_eq!(changed.len(), 2);
        assert_eq!(changed[0].point, None);
        assert!(changed[0].confidential);
        assert_eq!(changed[1].addresses[0].postal_code, "E14 6BU");
        assert_eq!(read.service_at_locations.len(), 2);
        assert_eq!(read.service_at_locations[1].location_id, changed[1].id);

        let not_mine = [FormLocation {
            location,
            editable: false,
        }];
        let fields = fields
            .without_all("new-name")
            .without_all("new-address_1")
            .without_all("new-postcode");
        let (_, read) = read_service(&live, &not_mine, &fields).unwrap();
        assert!(
            read.is_empty(),
            "a shared location is never changed from here"
        );
    }
}
