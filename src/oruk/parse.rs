//! Parsing ORUK 3.0 JSON records into domain types, collecting every problem.
//!
//! This is the edge where untrusted records (imports, seed files, feeds) become trusted
//! domain values. Parsing never stops at the first problem: each [`FieldError`] names the
//! field by its path (`service_at_locations[0].location.addresses[0].postal_code`) and says
//! what is expected, so a publisher can fix a whole record in one go.
//!
//! Rules: `null`, blank strings and empty arrays count as absent (publishers get this wrong
//! often, and absent is what they mean). Unknown properties are ignored. Wrong types and
//! invalid values are errors, except coordinates out of range, which are dropped with a
//! warning so that an otherwise good record still goes in (the location is then placed by
//! its postcode).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::domain::ids::{
    LocationId, OrganizationId, RecordId, ServiceAtLocationId, ServiceId, TaxonomyId,
    TaxonomyTermId,
};
use crate::domain::language::{Language, LanguageCode};
use crate::domain::location::{Accessibility, Address, LatLon, Location, LocationType};
use crate::domain::organization::{Organization, OrganizationIdentifier};
use crate::domain::phone::{Phone, PhoneType};
use crate::domain::schedule::{Frequency, Schedule, parse_byday, parse_bymonthday};
use crate::domain::service::{
    Contact, CostOption, Funding, ReferralRoute, Service, ServiceArea, ServiceAtLocation,
    ServiceStatus,
};
use crate::domain::taxonomy::{Attribute, Taxonomy, TaxonomyTerm};
use crate::domain::values::{
    AbsoluteUri, Age, Amount, ClockTime, Email, InvalidValue, PhoneNumber, WebUrl, clean_text,
};

/// A problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field inside the record, e.g. `contacts[1].email`.
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// A service record as a publisher sends it: the service plus the records nested in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceBundle {
    /// The service, with references (`organization_id`, `location_id`,
    /// `taxonomy_term_id`) in place of nested records.
    pub service: Service,
    /// The nested organization, if the record had one.
    pub organization: Option<Organization>,
    /// Locations nested in `service_at_locations`.
    pub locations: Vec<Location>,
    /// Taxonomy terms nested in attributes (of the service, its organization and locations).
    pub terms: Vec<TaxonomyTerm>,
    /// Taxonomies nested in those terms (`taxonomy_detail`).
    pub taxonomies: Vec<Taxonomy>,
}

/// The outcome of parsing one record: the value or its errors, plus warnings either way.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// The value, when the record had no errors.
    pub result: Result<T, Vec<FieldError>>,
    /// Problems that did not stop the record (e.g. dropped coordinates).
    pub warnings: Vec<FieldError>,
}

/// Parses an ORUK full service object.
pub fn parse_service(value: &Value) -> Parsed<ServiceBundle> {
    run(value, service_bundle)
}

/// Parses an ORUK taxonomy object.
pub fn parse_taxonomy(value: &Value) -> Parsed<Taxonomy> {
    run(value, taxonomy)
}

/// Parses an ORUK taxonomy term object (with an optional nested `taxonomy_detail`).
pub fn parse_taxonomy_term(value: &Value) -> Parsed<(TaxonomyTerm, Option<Taxonomy>)> {
    run(value, |cx, obj| {
        let mut nested = Vec::new();
        let term = taxonomy_term(cx, obj, &mut nested)?;
        Some((term, nested.pop()))
    })
}

/// The id of a record, if it has a readable one: used to name rejected records in reports.
pub fn record_id(value: &Value) -> Option<&str> {
    value.get("id").and_then(Value::as_str)
}

fn run<T>(
    value: &Value,
    parse: impl FnOnce(&mut Cx, &Map<String, Value>) -> Option<T>,
) -> Parsed<T> {
    let mut cx = Cx::default();
    let parsed = match value.as_object() {
        Some(obj) => parse(&mut cx, obj),
        None => {
            cx.error_here("the record must be a JSON object");
            None
        }
    };
    let result = match parsed {
        Some(value) if cx.errors.is_empty() => Ok(value),
        _ => {
            if cx.errors.is_empty() {
                cx.error_here("the record is invalid");
            }
            Err(cx.errors)
        }
    };
    Parsed {
        result,
        warnings: cx.warnings,
    }
}

/// Parsing context: where we are in the record, and what went wrong so far.
#[derive(Default)]
struct Cx {
    path: Vec<String>,
    errors: Vec<FieldError>,
    warnings: Vec<FieldError>,
}

impl Cx {
    fn field_path(&self, key: &str) -> String {
        let mut path = String::new();
        for segment in self
            .path
            .iter()
            .map(String::as_str)
            .chain((!key.is_empty()).then_some(key))
        {
            if !path.is_empty() && !segment.starts_with('[') {
                path.push('.');
            }
            path.push_str(segment);
        }
        path
    }

    fn error(&mut self, key: &str, message: impl Into<String>) {
        let field = self.field_path(key);
        self.errors.push(FieldError {
            field,
            message: message.into(),
        });
    }

    fn error_here(&mut self, message: impl Into<String>) {
        self.error("", message);
    }

    fn warn(&mut self, key: &str, message: impl Into<String>) {
        let field = self.field_path(key);
        self.warnings.push(FieldError {
            field,
            message: message.into(),
        });
    }

    fn nested<R>(&mut self, segment: String, parse: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(segment);
        let result = parse(self);
        self.path.pop();
        result
    }

    // ---- scalar fields ----

    /// A present, non-null, non-blank value.
    fn present<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::Array(items)) if items.is_empty() => None,
            Some(value) => Some(value),
        }
    }

    fn opt_text(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        match Self::present(obj, key)? {
            Value::String(text) => match clean_text(text) {
                Ok(cleaned) => cleaned,
                Err(problem) => {
                    self.error(key, problem.message());
                    None
                }
            },
            _ => {
                self.error(key, "must be text");
                None
            }
        }
    }

    fn req_text(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        if Self::present(obj, key).is_none() {
            self.error(key, "is required");
            return None;
        }
        self.opt_text(obj, key)
    }

    fn opt_parsed<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        let text = self.opt_text(obj, key)?;
        match parse(&text) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.error(
                    key,
                    format!("{} (found {})", problem.message(), quote(&text)),
                );
                None
            }
        }
    }

    fn req_parsed<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        if Self::present(obj, key).is_none() {
            self.error(key, "is required");
            return None;
        }
        self.opt_parsed(obj, key, parse)
    }

    fn opt_id<T: FromStr<Err = InvalidValue>>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
    ) -> Option<T> {
        self.opt_parsed(obj, key, T::from_str)
    }

    fn req_id<T: FromStr<Err = InvalidValue>>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
    ) -> Option<T> {
        self.req_parsed(obj, key, T::from_str)
    }

    fn opt_number(&mut self, obj: &Map<String, Value>, key: &str) -> Option<f64> {
        match Self::present(obj, key)? {
            Value::Number(number) => number.as_f64(),
            _ => {
                self.error(key, "must be a number");
                None
            }
        }
    }

    fn opt_checked_number<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        check: impl FnOnce(f64) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        let number = self.opt_number(obj, key)?;
        match check(number) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.error(key, format!("{} (found {number})", problem.message()));
                None
            }
        }
    }

    fn opt_bool(&mut self, obj: &Map<String, Value>, key: &str) -> Option<bool> {
        match Self::present(obj, key)? {
            Value::Bool(flag) => Some(*flag),
            _ => {
                self.error(key, "must be true or false");
                None
            }
        }
    }

    fn opt_date(&mut self, obj: &Map<String, Value>, key: &str) -> Option<NaiveDate> {
        self.opt_parsed(obj, key, parse_date)
    }

    fn opt_enum<T: Copy>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        self.opt_parsed(obj, key, |text| {
            parse(text)
                .ok_or_else(|| InvalidValue::new(format!("must be one of {}", allowed.join(", "))))
        })
    }

    // ---- arrays and objects ----

    fn array<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        mut parse: impl FnMut(&mut Self, &Map<String, Value>) -> Option<T>,
    ) -> Vec<T> {
        let items = match Self::present(obj, key) {
            None => return Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.error(key, "must be an array");
                return Vec::new();
            }
        };
        let mut parsed = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            self.nested(format!("{key}[{position}]"), |cx| match item.as_object() {
                Some(item_obj) => parsed.extend(parse(cx, item_obj)),
                None => cx.error_here("must be an object"),
            });
        }
        parsed
    }

    fn object<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        parse: impl FnOnce(&mut Self, &Map<String, Value>) -> Option<T>,
    ) -> Option<T> {
        match Self::present(obj, key)? {
            Value::Object(inner) => self.nested(key.to_owned(), |cx| parse(cx, inner)),
            _ => {
                self.error(key, "must be an object");
                None
            }
        }
    }

    /// Reports ids used twice among one record's child objects.
    fn check_unique_ids<'a>(&mut self, key: &str, ids: impl Iterator<Item = &'a RecordId>) {
        let mut seen = Vec::new();
        for id in ids {
            if seen.contains(id) {
                self.error(key, format!("contains the id {id} more than once"));
            }
            seen.push(*id);
        }
    }
}

fn quote(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() > SHOWN {
        format!("{:?}…", text.chars().take(SHOWN).collect::<String>())
    } else {
        format!("{text:?}")
    }
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<NaiveDate, InvalidValue> {
    let shaped = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| InvalidValue::new("is not a date (expected YYYY-MM-DD, e.g. 2026-03-31)"))
}

/// Parses an RFC 3339 date-time such as `2026-03-15T10:30:00Z`, in UTC.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, InvalidValue> {
    DateTime::parse_from_rfc3339(text)
        .map(|stamp| stamp.with_timezone(&Utc))
        .map_err(|_| {
            InvalidValue::new(
                "is not a date and time (expected RFC 3339, e.g. 2026-03-15T10:30:00Z)",
            )
        })
}

// ---- records ----

/// Records found nested inside a service record.
#[derive(Default)]
struct Nested {
    locations: Vec<Location>,
    terms: Vec<TaxonomyTerm>,
    taxonomies: Vec<Taxonomy>,
    /// Schedules nested in service_at_locations (HSDS 3.0), already linked to them.
    link_schedules: Vec<Schedule>,
}

fn service_bundle(cx: &mut Cx, obj: &Map<String, Value>) -> Option<ServiceBundle> {
    let mut nested_records = Nested::default();

    let id = cx.req_id::<ServiceId>(obj, "id");
    let name = cx.req_text(obj, "name");
    let status = if Cx::present(obj, "status").is_none() {
        cx.error(
            "status",
            "is required (active, inactive, defunct or temporarily closed)",
        );
        None
    } else {
        cx.opt_enum(
            obj,
            "status",
            ServiceStatus::parse,
            &ServiceStatus::ALL.map(ServiceStatus::as_str),
        )
    };
    let organization = cx.object(obj, "organization", |cx, org| {
        organization(cx, org, &mut nested_records)
    });
    let mut organization_id = cx.opt_id::<OrganizationId>(obj, "organization_id");
    if let Some(nested) = &organization {
        match organization_id {
            Some(given) if given != nested.id => cx.error(
                "organization_id",
                format!(
                    "does not match organization.id ({given} against {})",
                    nested.id
                ),
            ),
            _ => organization_id = Some(nested.id),
        }
    }
    let minimum_age = cx.opt_checked_number(obj, "minimum_age", Age::new);
    let maximum_age = cx.opt_checked_number(obj, "maximum_age", Age::new);
    if let (Some(min), Some(max)) = (minimum_age, maximum_age)
        && min.years() > max.years()
    {
        cx.error(
            "maximum_age",
            format!(
                "is smaller than minimum_age ({} < {})",
                max.years(),
                min.years()
            ),
        );
    }

    let service_at_locations = cx.array(obj, "service_at_locations", |cx, link| {
        service_at_location(cx, link, &mut nested_records)
    });
    let link_ids: Vec<ServiceAtLocationId> =
        service_at_locations.iter().map(|link| link.id).collect();
    let mut schedules = cx.array(obj, "schedules", |cx, item| {
        let parsed = schedule(cx, item)?;
        if let Some(link) = parsed.service_at_location_id
            && !link_ids.contains(&link)
        {
            cx.error(
                "service_at_location_id",
                format!(
                    "refers to {link}, which is not one of this service's service_at_locations"
                ),
            );
        }
        Some(parsed)
    });
    schedules.append(&mut nested_records.link_schedules);
    cx.check_unique_ids("schedules", schedules.iter().map(|s| &s.id));
    let attributes = cx.array(obj, "attributes", |cx, item| {
        attribute(cx, item, &mut nested_records)
    });
    cx.check_unique_ids("attributes", attributes.iter().map(|a| &a.id));

    let description = cx.opt_text(obj, "description");
    let url = cx.opt_parsed(obj, "url", WebUrl::parse);
    let email = cx.opt_parsed(obj, "email", Email::parse);
    let fees = cx.opt_text(obj, "fees");
    let accreditations = cx.opt_text(obj, "accreditations");
    let eligibility_description = cx.opt_text(obj, "eligibility_description");
    let assured_date = cx.opt_date(obj, "assured_date");
    let assurer_email = cx.opt_parsed(obj, "assurer_email", Email::parse);
    let alert = cx.opt_text(obj, "alert");
    let last_modified = cx.opt_parsed(obj, "last_modified", parse_timestamp);
    let referral_route = cx.opt_enum(
        obj,
        "referral_route",
        ReferralRoute::parse,
        &ReferralRoute::ALL.map(ReferralRoute::as_str),
    );
    let referral_email = cx.opt_parsed(obj, "referral_email", Email::parse);
    let referral_phone = cx.opt_parsed(obj, "referral_phone", PhoneNumber::parse);
    let referral_url = cx.opt_parsed(obj, "referral_url", WebUrl::parse);
    let referral_instructions = cx.opt_text(obj, "referral_instructions");
    let service_areas = cx.array(obj, "service_areas", service_area);
    let languages = cx.array(obj, "languages", language);
    let funding = cx.array(obj, "funding", |cx, item| {
        let id = cx.req_id(item, "id");
        let source = cx.opt_text(item, "source");
        Some(Funding { id: id?, source })
    });
    let cost_options = cx.array(obj, "cost_options", cost_option);
    let contacts = cx.array(obj, "contacts", contact);
    let phones = cx.array(obj, "phones", phone);

    let service = Service {
        id: id?,
        organization_id,
        name: name?,
        description,
        url,
        email,
        status: status?,
        fees,
        accreditations,
        eligibility_description,
        minimum_age,
        maximum_age,
        assured_date,
        assurer_email,
        alert,
        last_modified,
        referral_route,
        referral_email,
        referral_phone,
        referral_url,
        referral_instructions,
        schedules,
        service_areas,
        service_at_locations,
        languages,
        funding,
        cost_options,
        contacts,
        phones,
        attributes,
    };
    cx.check_unique_ids("languages", service.languages.iter().map(|l| &l.id));
    cx.check_unique_ids("cost_options", service.cost_options.iter().map(|c| &c.id));
    cx.check_unique_ids("contacts", service.contacts.iter().map(|c| &c.id));
    cx.check_unique_ids("phones", service.phones.iter().map(|p| &p.id));
    Some(ServiceBundle {
        service,
        organization,
        locations: nested_records.locations,
        terms: nested_records.terms,
        taxonomies: nested_records.taxonomies,
    })
}

fn organization(
    cx: &mut Cx,
    obj: &Map<String, Value>,
    nested: &mut Nested,
) -> Option<Organization> {
    let id = cx.req_id(obj, "id");
    let name = cx.req_text(obj, "name");
    let description = cx.req_text(obj, "description");
    let email = cx.opt_parsed(obj, "email", Email::parse);
    let website = cx.opt_parsed(obj, "website", WebUrl::parse);
    let logo = cx.opt_text(obj, "logo");
    let uri = cx.opt_parsed(obj, "uri", AbsoluteUri::parse);
    let parent_organization_id = cx.opt_id(obj, "parent_organization_id");
    let organization_identifiers = cx.array(obj, "organization_identifiers", |cx, item| {
        let id = cx.req_id(item, "id");
        let identifier_scheme = cx.opt_text(item, "identifier_scheme");
        let identifier_type = cx.req_text(item, "identifier_type");
        let identifier = cx.req_text(item, "identifier");
        Some(OrganizationIdentifier {
            id: id?,
            identifier_scheme,
            identifier_type: identifier_type?,
            identifier: identifier?,
        })
    });
    let attributes = cx.array(obj, "attributes", |cx, item| attribute(cx, item, nested));
    Some(Organization {
        id: id?,
        name: name?,
        description: description?,
        email,
        website,
        logo,
        uri,
        parent_organization_id,
        organization_identifiers,
        attributes,
    })
}

fn service_at_location(
    cx: &mut Cx,
    obj: &Map<String, Value>,
    nested_records: &mut Nested,
) -> Option<ServiceAtLocation> {
    let id = cx.req_id(obj, "id");
    let nested = cx.object(obj, "location", |cx, loc| location(cx, loc, nested_records));
    let given_location_id = cx.opt_id::<LocationId>(obj, "location_id");
    let location_id = match (&nested, given_location_id) {
        (Some(location), Some(given)) if location.id != given => {
            cx.error(
                "location_id",
                format!(
                    "does not match location.id ({given} against {})",
                    location.id
                ),
            );
            None
        }
        (Some(location), _) => Some(location.id),
        (None, Some(given)) => Some(given),
        (None, None) => {
            if Cx::present(obj, "location").is_none() {
                cx.error(
                    "location",
                    "is required (a nested location object, or a location_id)",
                );
            }
            None
        }
    };
    let description = cx.opt_text(obj, "description");
    // HSDS 3.0 lets a service_at_location carry its own schedules; they become the
    // service's schedules for this link.
    let link_schedules = cx.array(obj, "schedules", schedule);
    if let Some(link_id) = id {
        for mut link_schedule in link_schedules {
            match link_schedule.service_at_location_id {
                Some(other) if other != link_id => cx.error(
                    "schedules",
                    format!("a schedule of this service_at_location names another one ({other})"),
                ),
                _ => {
                    link_schedule.service_at_location_id = Some(link_id);
                    nested_records.link_schedules.push(link_schedule);
                }
            }
        }
    }
    nested_records.locations.extend(nested);
    Some(ServiceAtLocation {
        id: id?,
        location_id: location_id?,
        description,
    })
}

fn location(cx: &mut Cx, obj: &Map<String, Value>, nested: &mut Nested) -> Option<Location> {
    let id = cx.req_id(obj, "id");
    let location_type = required_location_type(cx, obj, "location_type");
    let name = cx.opt_text(obj, "name");
    let description = cx.opt_text(obj, "description");
    let point = lat_lon(cx, obj);
    let external_identifier = cx.opt_text(obj, "external_identifier");
    let external_identifier_type = cx.opt_text(obj, "external_identifier_type");
    let url = cx.opt_parsed(obj, "url", WebUrl::parse);
    let confidential = cx.opt_bool(obj, "confidential").unwrap_or(false);
    let addresses = cx.array(obj, "addresses", address);
    cx.check_unique_ids("addresses", addresses.iter().map(|a| &a.id));
    let accessibility = cx.array(obj, "accessibility", |cx, item| {
        let id = cx.req_id(item, "id");
        let description = cx.opt_text(item, "description");
        let details = cx.opt_text(item, "details");
        let url = cx.opt_parsed(item, "url", WebUrl::parse);
        let accessibility = cx.opt_text(item, "accessibility");
        Some(Accessibility {
            id: id?,
            description,
            details,
            url,
            accessibility,
        })
    });
    let phones = cx.array(obj, "phones", phone);
    let attributes = cx.array(obj, "attributes", |cx, item| attribute(cx, item, nested));
    Some(Location {
        id: id?,
        location_type: location_type?,
        name,
        description,
        point,
        external_identifier,
        external_identifier_type,
        url,
        confidential,
        addresses,
        accessibility,
        phones,
        attributes,
    })
}

fn required_location_type(
    cx: &mut Cx,
    obj: &Map<String, Value>,
    key: &str,
) -> Option<LocationType> {
    if Cx::present(obj, key).is_none() {
        cx.error(key, "is required (physical, postal or virtual)");
        return None;
    }
    cx.opt_enum(
        obj,
        key,
        parse_location_type,
        &["physical", "postal", "virtual"],
    )
}

fn parse_location_type(text: &str) -> Option<LocationType> {
    match text.trim().to_ascii_lowercase().as_str() {
        "physical" => Some(LocationType::Physical),
        "postal" => Some(LocationType::Postal),
        "virtual" => Some(LocationType::Virtual),
        _ => None,
    }
}

/// Coordinates are kept only as a valid pair; anything else is dropped with a warning.
fn lat_lon(cx: &mut Cx, obj: &Map<String, Value>) -> Option<LatLon> {
    let number = |key: &str| match Cx::present(obj, key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(()),
    };
    match (number("latitude"), number("longitude")) {
        (Ok(None), Ok(None)) => None,
        (Ok(Some(latitude)), Ok(Some(longitude))) => match LatLon::new(latitude, longitude) {
            Ok(point) => Some(point),
            Err(problem) => {
                cx.warn(
                    "latitude",
                    format!(
                        "{} (found {latitude}, {longitude}); the coordinates were dropped and the location will be placed by its postcode",
                        problem.message()
                    ),
                );
                None
            }
        },
        _ => {
            cx.warn(
                "latitude",
                "latitude and longitude must both be numbers; the coordinates were dropped",
            );
            None
        }
    }
}

fn address(cx: &mut Cx, obj: &Map<String, Value>) -> Option<Address> {
    let id = cx.req_id(obj, "id");
    let attention = cx.opt_text(obj, "attention");
    let address_1 = cx.req_text(obj, "address_1");
    let address_2 = cx.opt_text(obj, "address_2");
    let city = cx.req_text(obj, "city");
    let region = cx.opt_text(obj, "region");
    let state_province = cx.req_text(obj, "state_province");
    let postal_code = cx.req_text(obj, "postal_code");
    let country = cx.req_parsed(obj, "country", |text| {
        let upper = text.to_ascii_uppercase();
        if upper.len() == 2 && upper.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(upper)
        } else {
            Err(InvalidValue::new(
                "is not an ISO 3166-1 country code (expected two letters, e.g. GB)",
            ))
        }
    });
    let address_type = required_location_type(cx, obj, "address_type");
    Some(Address {
        id: id?,
        attention,
        address_1: address_1?,
        address_2,
        city: city?,
        region,
        state_province: state_province?,
        postal_code: postal_code?,
        country: country?,
        address_type: address_type?,
    })
}

fn schedule(cx: &mut Cx, obj: &Map<String, Value>) -> Option<Schedule> {
    let id = cx.req_id(obj, "id");
    let service_at_location_id = cx.opt_id(obj, "service_at_location_id");
    let freq = cx.opt_enum(
        obj,
        "freq",
        |text| match text.trim().to_ascii_uppercase().as_str() {
            "WEEKLY" => Some(Frequency::Weekly),
            "MONTHLY" => Some(Frequency::Monthly),
            _ => None,
        },
        &["WEEKLY", "MONTHLY"],
    );
    let interval = cx.opt_checked_number(obj, "interval", |n| {
        if n.fract() == 0.0 && (1.0..=366.0).contains(&n) {
            Ok(n as u32)
        } else {
            Err(InvalidValue::new("must be a whole number of 1 or more"))
        }
    });
    let byday = cx.opt_parsed(obj, "byday", |text| {
        parse_byday(text).map(|_| text.to_owned())
    });
    let bymonthday = cx.opt_parsed(obj, "bymonthday", |text| {
        parse_bymonthday(text).map(|_| text.to_owned())
    });
    let valid_from = cx.opt_date(obj, "valid_from");
    let valid_to = cx.opt_date(obj, "valid_to");
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && from > to
    {
        cx.error("valid_to", format!("is before valid_from ({to} < {from})"));
    }
    let dtstart = cx.opt_date(obj, "dtstart");
    let description = cx.opt_text(obj, "description");
    let opens_at = cx.opt_parsed(obj, "opens_at", ClockTime::parse);
    let closes_at = cx.opt_parsed(obj, "closes_at", ClockTime::parse);
    let schedule_link = cx.opt_parsed(obj, "schedule_link", WebUrl::parse);
    let attending_type = cx.opt_text(obj, "attending_type");
    let notes = cx.opt_text(obj, "notes");
    Some(Schedule {
        id: id?,
        service_at_location_id,
        valid_from,
        valid_to,
        dtstart,
        freq,
        interval,
        byday,
        bymonthday,
        description,
        opens_at,
        closes_at,
        schedule_link,
        attending_type,
        notes,
    })
}

fn service_area(cx: &mut Cx, obj: &Map<String, Value>) -> Option<ServiceArea> {
    let id = cx.req_id(obj, "id");
    let name = cx.opt_text(obj, "name");
    let extent = cx.opt_text(obj, "extent");
    let extent_type = cx.opt_text(obj, "extent_type");
    let uri = cx.opt_text(obj, "uri");
    let service_area = cx.opt_text(obj, "service_area");
    Some(ServiceArea {
        id: id?,
        name,
        extent,
        extent_type,
        uri,
        service_area,
    })
}

fn language(cx: &mut Cx, obj: &Map<String, Value>) -> Option<Language> {
    let id = cx.req_id(obj, "id");
    let name = cx.opt_text(obj, "name");
    let code = cx.opt_parsed(obj, "code", LanguageCode::parse);
    let note = cx.opt_text(obj, "note");
    Some(Language {
        id: id?,
        name,
        code,
        note,
    })
}

fn cost_option(cx: &mut Cx, obj: &Map<String, Value>) -> Option<CostOption> {
    let id = cx.req_id(obj, "id");
    let valid_from = cx.opt_date(obj, "valid_from");
    let valid_to = cx.opt_date(obj, "valid_to");
    let option = cx.opt_text(obj, "option");
    let amount = cx.opt_checked_number(obj, "amount", Amount::new);
    let amount_description = cx.opt_text(obj, "amount_description");
    Some(CostOption {
        id: id?,
        valid_from,
        valid_to,
        option,
        amount,
        amount_description,
    })
}

fn contact(cx: &mut Cx, obj: &Map<String, Value>) -> Option<Contact> {
    let id = cx.req_id(obj, "id");
    let name = cx.opt_text(obj, "name");
    let title = cx.opt_text(obj, "title");
    let department = cx.opt_text(obj, "department");
    let email = cx.opt_parsed(obj, "email", Email::parse);
    let phones = cx.array(obj, "phones", phone);
    Some(Contact {
        id: id?,
        name,
        title,
        department,
        email,
        phones,
    })
}

fn phone(cx: &mut Cx, obj: &Map<String, Value>) -> Option<Phone> {
    let id = cx.req_id(obj, "id");
    let number = cx.req_parsed(obj, "number", PhoneNumber::parse);
    let extension = cx.opt_checked_number(obj, "extension", |n| {
        if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
            Ok(n as u32)
        } else {
            Err(InvalidValue::new("must be a whole number"))
        }
    });
    let phone_type = cx.opt_enum(
        obj,
        "type",
        |text| {
            serde_json::from_value::<PhoneType>(Value::String(text.trim().to_ascii_lowercase()))
                .ok()
        },
        &PhoneType::ALL,
    );
    let description = cx.opt_text(obj, "description");
    let languages = cx.array(obj, "languages", language);
    Some(Phone {
        id: id?,
        number: number?,
        extension,
        phone_type,
        description,
        languages,
    })
}

fn attribute(
    cx: &mut Cx,
    obj: &Map<String, Value>,
    nested_records: &mut Nested,
) -> Option<Attribute> {
    let id = cx.req_id(obj, "id");
    let given_term_id = cx.opt_id::<TaxonomyTermId>(obj, "taxonomy_term_id");
    let nested = cx.object(obj, "taxonomy_term", |cx, term| {
        taxonomy_term(cx, term, &mut nested_records.taxonomies)
    });
    let term_id = match (&nested, given_term_id) {
        (Some(term), Some(given)) if term.id != given => {
            cx.error(
                "taxonomy_term_id",
                format!(
                    "does not match taxonomy_term.id ({given} against {})",
                    term.id
                ),
            );
            None
        }
        (Some(term), _) => Some(term.id),
        (None, Some(given)) => Some(given),
        (None, None) => {
            if Cx::present(obj, "taxonomy_term").is_none()
                && Cx::present(obj, "taxonomy_term_id").is_none()
            {
                cx.error(
                    "taxonomy_term_id",
                    "is required (or a nested taxonomy_term)",
                );
            }
            None
        }
    };
    let link_type = cx.opt_text(obj, "link_type");
    let value = cx.opt_text(obj, "value");
    nested_records.terms.extend(nested);
    Some(Attribute {
        id: id?,
        taxonomy_term_id: term_id?,
        link_type,
        value,
    })
}

fn taxonomy_term(
    cx: &mut Cx,
    obj: &Map<String, Value>,
    taxonomies: &mut Vec<Taxonomy>,
) -> Option<TaxonomyTerm> {
    let id = cx.req_id(obj, "id");
    let code = cx.opt_text(obj, "code");
    let name = cx.req_text(obj, "name");
    let description = cx.req_text(obj, "description");
    let parent_id = cx.opt_id(obj, "parent_id");
    let taxonomy_name = cx.opt_text(obj, "taxonomy");
    let detail = cx.object(obj, "taxonomy_detail", taxonomy);
    let mut taxonomy_id = cx.opt_id::<TaxonomyId>(obj, "taxonomy_id");
    if let Some(detail) = &detail {
        match taxonomy_id {
            Some(given) if given != detail.id => cx.error(
                "taxonomy_id",
                format!(
                    "does not match taxonomy_detail.id ({given} against {})",
                    detail.id
                ),
            ),
            _ => taxonomy_id = Some(detail.id),
        }
    }
    let term_uri = cx.opt_parsed(obj, "term_uri", AbsoluteUri::parse);
    let term = cx.opt_text(obj, "term");
    taxonomies.extend(detail);
    Some(TaxonomyTerm {
        id: id?,
        code,
        name: name?,
        description: description?,
        parent_id,
        taxonomy: taxonomy_name,
        taxonomy_id,
        term_uri,
        term,
    })
}

fn taxonomy(cx: &mut Cx, obj: &Map<String, Value>) -> Option<Taxonomy> {
    let id = cx.req_id(obj, "id");
    let name = cx.req_text(obj, "name");
    let description = cx.req_text(obj, "description");
    let uri = cx.opt_parsed(obj, "uri", AbsoluteUri::parse);
    let version = cx.opt_text(obj, "version");
    Some(Taxonomy {
        id: id?,
        name: name?,
        description: description?,
        uri,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({"id": "ac148810-d857-441c-9679-408f346de14b", "name": "Lunch club", "status": "active"})
    }

    fn errors_of(value: Value) -> Vec<String> {
        parse_service(&value)
            .result
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn minimal_service_parses() {
        let bundle = parse_service(&minimal()).result.unwrap();
        assert_eq!(bundle.service.name, "Lunch club");
        assert!(bundle.organization.is_none());
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut record = minimal();
        record["url"] = json!("example/counselling");
        record["email"] = json!("email-example_com");
        record["status"] = json!("open");
        record["contacts"] = json!([{"id": "not-a-uuid"}]);
        record["service_at_locations"] = json!([{"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
            "location": {"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "physical",
                "addresses": [{"id": "74706e55-df26-4b84-80fe-ecc30b5befb4", "address_1": "1 High St",
                    "city": "London", "state_province": "Greater London", "country": "GB", "address_type": "physical"}]}}]);
        let errors = errors_of(record);
        let joined = errors.join("\n");
        assert!(joined.contains("url: is not a web address"), "{joined}");
        assert!(
            joined.contains("email: is not a valid e-mail address"),
            "{joined}"
        );
        assert!(
            joined.contains("status: must be one of active, inactive, defunct, temporarily closed"),
            "{joined}"
        );
        assert!(joined.contains("contacts[0].id: is not a UUID"), "{joined}");
        assert!(
            joined
                .contains("service_at_locations[0].location.addresses[0].postal_code: is required"),
            "{joined}"
        );
        assert_eq!(errors.len(), 5, "{joined}");
    }

    #[test]
    fn out_of_range_coordinates_are_dropped_with_a_warning() {
        let mut record = minimal();
        record["service_at_locations"] = json!([{"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
            "location": {"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "physical",
                "latitude": 100, "longitude": 101}}]);
        let parsed = parse_service(&record);
        let bundle = parsed.result.unwrap();
        assert_eq!(bundle.locations[0].point, None);
        assert_eq!(
            parsed.warnings[0].field,
            "service_at_locations[0].location.latitude"
        );
    }

    #[test]
    fn nulls_blanks_and_empty_arrays_are_absent() {
        let mut record = minimal();
        record["description"] = json!("  ");
        record["url"] = Value::Null;
        record["schedules"] = json!([]);
        let service = parse_service(&record).result.unwrap().service;
        assert_eq!(service.description, None);
        assert_eq!(service.url, None);
        assert!(service.schedules.is_empty());
    }

    #[test]
    fn nested_terms_become_terms_and_references() {
        let mut record = minimal();
        record["attributes"] = json!([{"id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e",
            "taxonomy_term": {"id": "3f7b145d-84af-42d7-8fae-eaca714b02b2", "name": "Food", "description": "Food help"}}]);
        let bundle = parse_service(&record).result.unwrap();
        assert_eq!(bundle.terms.len(), 1);
        assert_eq!(
            bundle.service.attributes[0].taxonomy_term_id,
            bundle.terms[0].id
        );
    }

    #[test]
    fn schedules_nested_in_a_service_at_location_become_the_service_s() {
        let mut record = minimal();
        record["service_at_locations"] = json!([{"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
            "location_id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
            "schedules": [{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}]}]);
        let service = parse_service(&record).result.unwrap().service;
        assert_eq!(service.schedules.len(), 1);
        assert_eq!(
            service.schedules[0].service_at_location_id,
            Some(service.service_at_locations[0].id)
        );
    }

    #[test]
    fn free_text_is_kept_exactly_as_written() {
        let mut record = minimal();
        record["description"] = json!("  Two spaces in front, one behind. ");
        let service = parse_service(&record).result.unwrap().service;
        assert_eq!(
            service.description.as_deref(),
            Some("  Two spaces in front, one behind. ")
        );
    }

    #[test]
    fn ages_must_be_ordered() {
        let mut record = minimal();
        record["minimum_age"] = json!(18);
        record["maximum_age"] = json!(11);
        assert!(errors_of(record)[0].starts_with("maximum_age: is smaller"));
    }
}
