//! Rendering domain records as ORUK 3.0 JSON: the shapes of the public API and the export.
//!
//! Every view here follows two rules that the contract tests check on every endpoint:
//! - optional fields without a value are left out (no `null`, no empty strings or arrays);
//! - a confidential location publishes only its id, type, name, description, accessibility
//!   and `confidential: true`: never its addresses, coordinates, external identifiers or
//!   phone lines ([`LocationView`] is the only place that decides).
//!
//! List items carry one-to-one fields only (the validator's list schemas forbid nested
//! arrays there); `{id}` endpoints and the export carry the fully nested record.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::aggregate::FullService;
use crate::domain::capacity::{Capacity, CapacityState};
use crate::domain::ids::{
    LocationId, OrganizationId, RecordId, ServiceAtLocationId, ServiceId, TaxonomyId,
    TaxonomyTermId,
};
use crate::domain::language::Language;
use crate::domain::location::{Accessibility, Address, Location, LocationType};
use crate::domain::organization::{Organization, OrganizationIdentifier};
use crate::domain::phone::Phone;
use crate::domain::schedule::Schedule;
use crate::domain::service::{
    Contact, CostOption, Funding, ReferralRoute, Service, ServiceArea, ServiceAtLocation,
    ServiceStatus,
};
use crate::domain::taxonomy::{Attribute, Taxonomy, TaxonomyTerm};
use crate::domain::values::{AbsoluteUri, Age, Email, PhoneNumber, WebUrl};
use crate::geography::{Geography, PlacedService, Placement};
use crate::search::explain::MatchExplanation;

/// Terms and taxonomies available to expand attributes into nested `taxonomy_term` objects.
#[derive(Clone, Copy)]
pub struct TermLookup<'a> {
    /// Terms by id.
    pub terms: &'a BTreeMap<TaxonomyTermId, TaxonomyTerm>,
    /// Taxonomies by id.
    pub taxonomies: &'a BTreeMap<TaxonomyId, Taxonomy>,
}

impl<'a> TermLookup<'a> {
    /// The lookup of a joined service.
    pub fn of(full: &'a FullService) -> Self {
        Self {
            terms: &full.terms,
            taxonomies: &full.taxonomies,
        }
    }

    fn attributes(
        self,
        attributes: &'a [Attribute],
        link_id: uuid::Uuid,
    ) -> Vec<AttributeView<'a>> {
        attributes
            .iter()
            .map(|attribute| AttributeView {
                id: attribute.id,
                link_id,
                taxonomy_term_id: attribute.taxonomy_term_id,
                link_type: attribute.link_type.as_deref(),
                value: attribute.value.as_deref(),
                taxonomy_term: self
                    .terms
                    .get(&attribute.taxonomy_term_id)
                    .map(|term| self.term(term)),
            })
            .collect()
    }

    /// A term with its taxonomy nested as HSDS 3.0 `taxonomy_detail`.
    pub fn term(self, term: &'a TaxonomyTerm) -> TermView<'a> {
        TermView {
            term,
            taxonomy_detail: term.taxonomy_id.and_then(|id| self.taxonomies.get(&id)),
        }
    }
}

/// The record a child record belongs to, written into the child as HSDS does
/// (`service_id`, `location_id`, `organization_id`).
#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// Belongs to a service.
    ServiceId(ServiceId),
    /// Belongs to a location.
    LocationId(LocationId),
    /// Belongs to an organization.
    OrganizationId(OrganizationId),
}

/// A child record with its owner's id.
#[derive(Serialize)]
pub struct Owned<'a, T> {
    #[serde(flatten)]
    record: &'a T,
    #[serde(flatten)]
    owner: Owner,
}

fn owned<T>(records: &[T], owner: Owner) -> Vec<Owned<'_, T>> {
    records
        .iter()
        .map(|record| Owned { record, owner })
        .collect()
}

/// A taxonomy term, with its taxonomy nested when known.
#[derive(Serialize)]
pub struct TermView<'a> {
    #[serde(flatten)]
    term: &'a TaxonomyTerm,
    #[serde(skip_serializing_if = "Option::is_none")]
    taxonomy_detail: Option<&'a Taxonomy>,
}

/// An attribute with its term nested.
#[derive(Serialize)]
pub struct AttributeView<'a> {
    id: RecordId,
    link_id: uuid::Uuid,
    taxonomy_term_id: TaxonomyTermId,
    #[serde(skip_serializing_if = "Option::is_none")]
    link_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    taxonomy_term: Option<TermView<'a>>,
}

/// The one-to-one fields of an organization.
#[derive(Serialize)]
pub struct OrganizationSummary<'a> {
    id: OrganizationId,
    name: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a WebUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a AbsoluteUri>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_organization_id: Option<OrganizationId>,
}

impl<'a> OrganizationSummary<'a> {
    /// Summarises an organization.
    pub fn new(organization: &'a Organization) -> Self {
        Self {
            id: organization.id,
            name: &organization.name,
            description: &organization.description,
            email: organization.email.as_ref(),
            website: organization.website.as_ref(),
            logo: organization.logo.as_deref(),
            uri: organization.uri.as_ref(),
            parent_organization_id: organization.parent_organization_id,
        }
    }
}

/// An organization with its identifiers and attributes (and, for `/organizations/{id}`, its
/// services).
#[derive(Serialize)]
pub struct OrganizationView<'a> {
    #[serde(flatten)]
    summary: OrganizationSummary<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    organization_identifiers: Vec<Owned<'a, OrganizationIdentifier>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<AttributeView<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    services: Vec<ServiceView<'a>>,
}

impl<'a> OrganizationView<'a> {
    /// An organization without its services.
    pub fn new(organization: &'a Organization, lookup: TermLookup<'a>) -> Self {
        Self {
            summary: OrganizationSummary::new(organization),
            organization_identifiers: owned(
                &organization.organization_identifiers,
                Owner::OrganizationId(organization.id),
            ),
            attributes: lookup.attributes(&organization.attributes, *organization.id.as_uuid()),
            services: Vec::new(),
        }
    }

    /// Adds the organization's services.
    pub fn with_services(mut self, services: Vec<ServiceView<'a>>) -> Self {
        self.services = services;
        self
    }
}

/// A ward, as a location's placement names it.
#[derive(Serialize)]
pub struct WardRef<'a> {
    code: &'a str,
    name: &'a str,
}

/// A locality, as a location's placement names it.
#[derive(Serialize)]
pub struct LocalityRef<'a> {
    /// The locality's code (`south-east`): a slug, not an ORUK id.
    code: &'a str,
    name: &'a str,
}

/// Where a location is in the borough (Signpost extension): its ward and locality, or that
/// it is outside the borough. Shown for confidential locations too: it is coarse.
#[derive(Serialize, Default)]
pub struct AreaView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ward: Option<WardRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locality: Option<LocalityRef<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    outside_borough: bool,
}

impl<'a> AreaView<'a> {
    fn new(placement: Option<&Placement>, geography: &'a Geography) -> Self {
        let Some(placement) = placement else {
            return Self::default();
        };
        Self::of_ward(placement.ward, placement.point.is_some(), geography)
    }

    /// The area of a ward (by index), or outside the borough when a known point is in no
    /// ward.
    pub fn of_ward(ward: Option<usize>, point_known: bool, geography: &'a Geography) -> Self {
        match ward {
            Some(ward) => {
                let locality = geography.locality_of(ward);
                let ward = &geography.wards()[ward];
                Self {
                    ward: Some(WardRef {
                        code: &ward.code,
                        name: &ward.name,
                    }),
                    locality: Some(LocalityRef {
                        code: &locality.id,
                        name: &locality.name,
                    }),
                    outside_borough: false,
                }
            }
            None => Self {
                outside_borough: point_known,
                ..Self::default()
            },
        }
    }
}

/// What a location view needs besides the location: where it is.
#[derive(Clone, Copy)]
pub struct Places<'a> {
    /// The geography.
    pub geography: &'a Geography,
    /// Placements of the locations at hand.
    pub placements: &'a BTreeMap<LocationId, Placement>,
}

impl<'a> Places<'a> {
    /// The places of a placed service.
    pub fn of(placed: &'a PlacedService, geography: &'a Geography) -> Self {
        Self {
            geography,
            placements: &placed.placements,
        }
    }

    /// No placements: locations are rendered without the derived ward and locality (as the
    /// export does, which carries data, not what is derived from it).
    pub fn none(geography: &'a Geography) -> Self {
        static NONE: BTreeMap<LocationId, Placement> = BTreeMap::new();
        Self {
            geography,
            placements: &NONE,
        }
    }

    fn area(self, location: &Location) -> AreaView<'a> {
        AreaView::new(self.placements.get(&location.id), self.geography)
    }
}

/// The one-to-one fields of a location; coordinates and identifiers only when published.
#[derive(Serialize)]
pub struct LocationSummary<'a> {
    id: LocationId,
    location_type: LocationType,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_identifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_identifier_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a WebUrl>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    confidential: bool,
    #[serde(flatten)]
    area: AreaView<'a>,
}

impl<'a> LocationSummary<'a> {
    /// Summarises a location, withholding what a confidential location must not publish.
    pub fn new(location: &'a Location, places: Places<'a>) -> Self {
        let published = location.is_published_address();
        let point = location.point.filter(|_| published);
        Self {
            id: location.id,
            location_type: location.location_type,
            name: location.name.as_deref(),
            description: location.description.as_deref(),
            latitude: point.map(|p| p.latitude()),
            longitude: point.map(|p| p.longitude()),
            external_identifier: location
                .external_identifier
                .as_deref()
                .filter(|_| published),
            external_identifier_type: location
                .external_identifier_type
                .as_deref()
                .filter(|_| published),
            url: location.url.as_ref(),
            confidential: location.confidential,
            area: places.area(location),
        }
    }
}

/// A location with its addresses, accessibility, phones and attributes; a confidential
/// location's addresses and phones are withheld.
#[derive(Serialize)]
pub struct LocationView<'a> {
    #[serde(flatten)]
    summary: LocationSummary<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    addresses: Vec<Owned<'a, Address>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    accessibility: Vec<Owned<'a, Accessibility>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    phones: Vec<Owned<'a, Phone>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<AttributeView<'a>>,
}

impl<'a> LocationView<'a> {
    /// Renders a location for publication.
    pub fn new(location: &'a Location, places: Places<'a>, lookup: TermLookup<'a>) -> Self {
        let published = location.is_published_address();
        let owner = Owner::LocationId(location.id);
        Self {
            summary: LocationSummary::new(location, places),
            addresses: if published {
                owned(&location.addresses, owner)
            } else {
                Vec::new()
            },
            accessibility: owned(&location.accessibility, owner),
            phones: if published {
                owned(&location.phones, owner)
            } else {
                Vec::new()
            },
            attributes: lookup.attributes(&location.attributes, *location.id.as_uuid()),
        }
    }
}

/// The one-to-one fields of a service (with Signpost's one-to-one extensions).
#[derive(Serialize)]
pub struct ServiceCore<'a> {
    id: ServiceId,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<OrganizationId>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a WebUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a Email>,
    status: ServiceStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    fees: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accreditations: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eligibility_description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum_age: Option<Age>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_age: Option<Age>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assured_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assurer_email: Option<&'a Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    referral_route: Option<ReferralRoute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    referral_email: Option<&'a Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    referral_phone: Option<&'a PhoneNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    referral_url: Option<&'a WebUrl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    referral_instructions: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<CapacityView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    service_capacity: Vec<ServiceCapacityView>,
}

/// Signpost extension: whether the service takes referrals, as its organisation last said,
/// and from when that is out of date (time-independent: consumers compare with now).
#[derive(Serialize)]
pub struct CapacityView {
    #[serde(flatten)]
    capacity: Capacity,
    stale_from: DateTime<Utc>,
}

impl CapacityView {
    /// The capacity as published.
    pub fn new(capacity: Capacity) -> Self {
        Self {
            capacity,
            stale_from: capacity.updated
                + chrono::Duration::days(crate::domain::capacity::STALE_AFTER_DAYS),
        }
    }
}

/// The same as HSDS 3.1 `service_capacity` (one unit: referrals).
#[derive(Serialize)]
struct ServiceCapacityView {
    id: uuid::Uuid,
    service_id: ServiceId,
    unit: CapacityUnit,
    available: u8,
    description: String,
    updated: DateTime<Utc>,
}

#[derive(Serialize)]
struct CapacityUnit {
    id: uuid::Uuid,
    name: &'static str,
    scheme: &'static str,
    identifier: &'static str,
}

/// The one unit capacity is given in.
const REFERRALS_UNIT: uuid::Uuid = uuid::Uuid::from_u128(0x5a3c_0e2a_7d41_4b8e_9c1f_3b6a_2d90_c001);

fn capacity_views(
    service: ServiceId,
    capacity: Option<&Capacity>,
) -> (Option<CapacityView>, Vec<ServiceCapacityView>) {
    let Some(capacity) = capacity else {
        return (None, Vec::new());
    };
    let description = match capacity.state {
        CapacityState::Taking => "Taking referrals".to_owned(),
        CapacityState::WaitingList { wait_weeks: None } => "Waiting list".to_owned(),
        CapacityState::WaitingList {
            wait_weeks: Some(weeks),
        } => format!("Waiting list, about {weeks} weeks"),
        CapacityState::Paused { until: None } => "Not taking referrals".to_owned(),
        CapacityState::Paused { until: Some(date) } => {
            format!("Not taking referrals until {date}")
        }
    };
    let hsds = ServiceCapacityView {
        id: uuid::Uuid::new_v5(service.as_uuid(), b"service_capacity/referrals"),
        service_id: service,
        unit: CapacityUnit {
            id: REFERRALS_UNIT,
            name: "referrals",
            scheme: "Signpost",
            identifier: "referrals",
        },
        available: u8::from(!matches!(capacity.state, CapacityState::Paused { .. })),
        description,
        updated: capacity.updated,
    };
    (Some(CapacityView::new(*capacity)), vec![hsds])
}

impl<'a> ServiceCore<'a> {
    fn new(service: &'a Service, capacity: Option<&Capacity>) -> Self {
        let (capacity, service_capacity) = capacity_views(service.id, capacity);
        Self {
            id: service.id,
            organization_id: service.organization_id,
            name: &service.name,
            description: service.description.as_deref(),
            url: service.url.as_ref(),
            email: service.email.as_ref(),
            status: service.status,
            fees: service.fees.as_deref(),
            accreditations: service.accreditations.as_deref(),
            eligibility_description: service.eligibility_description.as_deref(),
            minimum_age: service.minimum_age,
            maximum_age: service.maximum_age,
            assured_date: service.assured_date,
            assurer_email: service.assurer_email.as_ref(),
            alert: service.alert.as_deref(),
            last_modified: service.last_modified,
            referral_route: service.referral_route,
            referral_email: service.referral_email.as_ref(),
            referral_phone: service.referral_phone.as_ref(),
            referral_url: service.referral_url.as_ref(),
            referral_instructions: service.referral_instructions.as_deref(),
            capacity,
            service_capacity,
        }
    }
}

/// A service list item: one-to-one fields, the organization's one-to-one fields, and (for a
/// geographic search) why it matched.
#[derive(Serialize)]
pub struct ServiceSummary<'a> {
    #[serde(flatten)]
    core: ServiceCore<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<OrganizationSummary<'a>>,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    explanation: Option<MatchExplanation>,
}

impl<'a> ServiceSummary<'a> {
    /// Summarises a joined service.
    pub fn new(full: &'a FullService) -> Self {
        Self {
            core: ServiceCore::new(&full.service, full.capacity.as_ref()),
            organization: full.organization.as_ref().map(OrganizationSummary::new),
            explanation: None,
        }
    }

    /// Adds why it matched.
    pub fn with_match(mut self, explanation: Option<MatchExplanation>) -> Self {
        self.explanation = explanation;
        self
    }
}

/// A service_at_location nested in a full service.
#[derive(Serialize)]
struct NestedServiceAtLocation<'a> {
    id: ServiceAtLocationId,
    service_id: ServiceId,
    location_id: LocationId,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationView<'a>>,
}

/// A fully nested service, as `/services/{id}` and the export publish it.
#[derive(Serialize)]
pub struct ServiceView<'a> {
    #[serde(flatten)]
    core: ServiceCore<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<OrganizationView<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    schedules: Vec<Owned<'a, Schedule>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    service_areas: Vec<Owned<'a, ServiceArea>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    service_at_locations: Vec<NestedServiceAtLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    languages: Vec<Owned<'a, Language>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    funding: Vec<Owned<'a, Funding>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cost_options: Vec<Owned<'a, CostOption>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contacts: Vec<Owned<'a, Contact>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    phones: Vec<Owned<'a, Phone>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<AttributeView<'a>>,
}

impl<'a> ServiceView<'a> {
    /// Renders a service in full, with its organization nested, its locations placed by
    /// `places`.
    pub fn new(full: &'a FullService, places: Places<'a>) -> Self {
        let mut view = Self::without_organization(full, places);
        let lookup = TermLookup::of(full);
        view.organization = full
            .organization
            .as_ref()
            .map(|org| OrganizationView::new(org, lookup));
        view
    }

    /// Renders a service in full without nesting its organization (for use inside an
    /// organization).
    pub fn without_organization(full: &'a FullService, places: Places<'a>) -> Self {
        let service = &full.service;
        let lookup = TermLookup::of(full);
        let owner = Owner::ServiceId(service.id);
        Self {
            core: ServiceCore::new(service, full.capacity.as_ref()),
            organization: None,
            schedules: owned(&service.schedules, owner),
            service_areas: owned(&service.service_areas, owner),
            service_at_locations: service
                .service_at_locations
                .iter()
                .map(|link| NestedServiceAtLocation {
                    id: link.id,
                    service_id: service.id,
                    location_id: link.location_id,
                    description: link.description.as_deref(),
                    location: full
                        .locations
                        .get(&link.location_id)
                        .map(|l| LocationView::new(l, places, lookup)),
                })
                .collect(),
            languages: owned(&service.languages, owner),
            funding: owned(&service.funding, owner),
            cost_options: owned(&service.cost_options, owner),
            contacts: owned(&service.contacts, owner),
            phones: owned(&service.phones, owner),
            attributes: lookup.attributes(&service.attributes, *service.id.as_uuid()),
        }
    }
}

/// A service_at_location list item: the link, the location's and the service's one-to-one
/// fields, and (for a geographic search) why this place matched.
#[derive(Serialize)]
pub struct ServiceAtLocationSummary<'a> {
    id: ServiceAtLocationId,
    service_id: ServiceId,
    location_id: LocationId,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationSummary<'a>>,
    service: ServiceSummary<'a>,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    explanation: Option<MatchExplanation>,
}

impl<'a> ServiceAtLocationSummary<'a> {
    /// Summarises one link of a placed service.
    pub fn new(
        placed: &'a PlacedService,
        link: &'a ServiceAtLocation,
        geography: &'a Geography,
        explanation: Option<MatchExplanation>,
    ) -> Self {
        let full = &placed.full;
        Self {
            id: link.id,
            service_id: full.service.id,
            location_id: link.location_id,
            description: link.description.as_deref(),
            location: full
                .locations
                .get(&link.location_id)
                .map(|l| LocationSummary::new(l, Places::of(placed, geography))),
            service: ServiceSummary::new(full),
            explanation,
        }
    }
}

/// A fully nested service_at_location (`/service_at_locations/{id}`): the location in full
/// and the service in full, with the schedules that apply at this location.
#[derive(Serialize)]
pub struct ServiceAtLocationView<'a> {
    id: ServiceAtLocationId,
    service_id: ServiceId,
    location_id: LocationId,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationView<'a>>,
    service: ServiceView<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    schedules: Vec<Owned<'a, Schedule>>,
}

impl<'a> ServiceAtLocationView<'a> {
    /// Renders one link of a placed service in full.
    pub fn new(
        placed: &'a PlacedService,
        link: &'a ServiceAtLocation,
        geography: &'a Geography,
    ) -> Self {
        let full = &placed.full;
        let lookup = TermLookup::of(full);
        let places = Places::of(placed, geography);
        Self {
            id: link.id,
            service_id: full.service.id,
            location_id: link.location_id,
            description: link.description.as_deref(),
            location: full
                .locations
                .get(&link.location_id)
                .map(|l| LocationView::new(l, places, lookup)),
            service: ServiceView::new(full, places),
            schedules: full
                .service
                .schedules_at(link.id)
                .map(|record| Owned {
                    record,
                    owner: Owner::ServiceId(full.service.id),
                })
                .collect(),
        }
    }
}
