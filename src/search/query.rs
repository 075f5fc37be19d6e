//! What a search asks for, independent of HTTP and of the search engine.
//!
//! The HTTP layer parses query parameters into a [`ServiceQuery`] (rejecting malformed ones
//! with a clear message); the index module turns it into an engine query. Different filters
//! combine with AND; the values inside one filter (several statuses, several terms, several
//! days) combine with OR.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::domain::ids::{OrganizationId, TaxonomyId, TaxonomyTermId};
use crate::domain::language::LanguageCode;
use crate::domain::location::LatLon;
use crate::domain::opening::OpeningQuery;
use crate::domain::service::{ReferralRoute, ServiceStatus};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: usize = 1_000;
/// Page size when the client does not say.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// Longest accepted search text, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// What is listed: services, or each service at each of its locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One result per service.
    Services,
    /// One result per service_at_location.
    ServiceAtLocations,
}

/// A 1-based page of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Page number, from 1.
    pub number: usize,
    /// Results per page, 1 to [`MAX_PAGE_SIZE`].
    pub size: usize,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            number: 1,
            size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    /// Results to skip.
    pub fn offset(self) -> usize {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// An age range asked for; a service matches when its own range overlaps it (a service
/// without a minimum starts at 0, without a maximum has no upper limit).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AgeRange {
    /// Youngest age asked for.
    pub minimum: Option<f64>,
    /// Oldest age asked for.
    pub maximum: Option<f64>,
}

/// Filters on services.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    /// Statuses to include (default: active and temporarily closed).
    pub statuses: Vec<ServiceStatus>,
    /// Tagged with any of these terms (or a narrower term of one of them).
    pub taxonomy_term_ids: Vec<TaxonomyTermId>,
    /// Tagged with any term of any of these taxonomies.
    pub taxonomy_ids: Vec<TaxonomyId>,
    /// Run by any of these organizations.
    pub organization_ids: Vec<OrganizationId>,
    /// Delivered in any of these languages.
    pub languages: Vec<LanguageCode>,
    /// Only free services (see [`crate::domain::service::Service::is_free`]).
    pub free_only: bool,
    /// Age range to overlap.
    pub ages: Option<AgeRange>,
    /// Open on a day / at a time.
    pub opening: Option<OpeningQuery>,
    /// Only records modified at or after this time.
    pub modified_after: Option<DateTime<Utc>>,
    /// A place with any of these accessibility features (`step_free`, ...).
    pub accessibility: Vec<String>,
    /// Suitable for any of these groups (`women`, `carers`, ...).
    pub suitable_for: Vec<String>,
    /// Delivered in any of these ways (`in_person`, `phone`, `online`).
    pub delivery: Vec<String>,
    /// Reached by any of these referral routes.
    pub referral_routes: Vec<ReferralRoute>,
    /// Open at [`Filters::now`].
    pub open_now: bool,
    /// Only services whose organisation said, in the last 30 days, that they take referrals
    /// (now, or onto a waiting list).
    pub accepting_referrals: bool,
    /// The London wall-clock time of the search: `open_now`, schedule validity and freshness
    /// are judged against it.
    pub now: NaiveDateTime,
}

impl Filters {
    /// No filters beyond the default statuses, at London time `now`.
    pub fn new(now: NaiveDateTime) -> Self {
        Self {
            statuses: ServiceStatus::SHOWN_BY_DEFAULT.to_vec(),
            taxonomy_term_ids: Vec::new(),
            taxonomy_ids: Vec::new(),
            organization_ids: Vec::new(),
            languages: Vec::new(),
            free_only: false,
            ages: None,
            opening: None,
            modified_after: None,
            accessibility: Vec::new(),
            suitable_for: Vec::new(),
            delivery: Vec::new(),
            referral_routes: Vec::new(),
            open_now: false,
            accepting_referrals: false,
            now,
        }
    }

    /// The London date of the search.
    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }
}

/// Which parameter an area group came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    /// `locality`.
    Locality,
    /// `ward`.
    Ward,
    /// `pcn` (standing for localities).
    Pcn,
}

/// The areas of one parameter; any of them will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaGroup {
    /// The parameter.
    pub kind: AreaKind,
    /// The areas.
    pub areas: Vec<Area>,
}

/// An area of the borough asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Area {
    /// A locality, by id (`south-east`).
    Locality(String),
    /// A ward, by ONS code.
    Ward(String),
}

/// A searcher's point: a postcode's centroid, and how far they will travel.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    /// The postcode (or outward code) as understood, e.g. `E14 3BY`.
    pub label: String,
    /// Its centroid.
    pub point: LatLon,
    /// The ward it is in (`None` outside the borough).
    pub ward_code: Option<String>,
    /// Only places within this many metres (ORUK `proximity`), when given.
    pub radius_metres: Option<f64>,
    /// Nearest first even with text (`sort=distance`); otherwise text results near a
    /// postcode rank by relevance decaying with distance.
    pub by_distance: bool,
}

/// Where the searcher is interested in.
///
/// A service matches an area when it has a place inside it, or its coverage includes the
/// whole area. With a postcode and a radius, it matches when it has a place within the
/// radius, or its coverage includes the postcode; with a postcode alone, only services whose
/// declared coverage leaves the postcode out are dropped, and results are ranked by
/// distance (local services first, area-wide ones after).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeoFilter {
    /// One group per parameter (`locality`, `ward`, `pcn`); groups combine with AND, the
    /// areas within a group with OR.
    pub area_groups: Vec<AreaGroup>,
    /// The searcher's postcode, if given.
    pub near: Option<Near>,
}

impl GeoFilter {
    /// Whether any geographic condition is set.
    pub fn is_empty(&self) -> bool {
        self.area_groups.is_empty() && self.near.is_none()
    }
}

/// A facet counted by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetDimension {
    /// Taxonomy terms (needs, and who services are suitable for).
    Need,
    /// `free`, `paid` or `not_stated`.
    Cost,
    /// ISO 639-3 codes.
    Language,
    /// `in_person`, `phone`, `online`.
    Delivery,
    /// Referral routes.
    ReferralRoute,
    /// Accessibility features.
    Accessibility,
    /// Groups a service is suitable for.
    SuitableFor,
    /// Open now or not.
    OpenNow,
}

impl FacetDimension {
    /// Every dimension.
    pub const ALL: [FacetDimension; 8] = [
        FacetDimension::Need,
        FacetDimension::Cost,
        FacetDimension::Language,
        FacetDimension::Delivery,
        FacetDimension::ReferralRoute,
        FacetDimension::Accessibility,
        FacetDimension::SuitableFor,
        FacetDimension::OpenNow,
    ];

    /// The name used in requests and responses.
    pub fn name(self) -> &'static str {
        match self {
            FacetDimension::Need => "need",
            FacetDimension::Cost => "cost",
            FacetDimension::Language => "language",
            FacetDimension::Delivery => "delivery",
            FacetDimension::ReferralRoute => "referral_route",
            FacetDimension::Accessibility => "accessibility",
            FacetDimension::SuitableFor => "suitable_for",
            FacetDimension::OpenNow => "open_now",
        }
    }
}

/// Counts asked for with `facets`: each with the search's other filters applied, but not its
/// own (so every value shows how many results choosing it would give).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FacetRequest {
    /// Locality ids to count.
    pub localities: Vec<String>,
    /// Ward codes to count.
    pub wards: Vec<String>,
    /// Dimensions counted by value.
    pub dimensions: Vec<FacetDimension>,
}

/// How many results each value would give.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FacetCounts {
    /// (locality id, count), in the order asked.
    pub localities: Vec<(String, usize)>,
    /// (ward code, count), in the order asked.
    pub wards: Vec<(String, usize)>,
    /// (dimension, [(value, count)] with the largest counts first).
    pub dimensions: Vec<(FacetDimension, Vec<(String, usize)>)>,
}

/// A search for services (or services at locations).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceQuery {
    /// Services or services at locations.
    pub target: Target,
    /// Free text, if any; results are then ranked by relevance, otherwise by name.
    pub text: Option<String>,
    /// Filters.
    pub filters: Filters,
    /// Geography.
    pub geo: GeoFilter,
    /// Facet counts to compute, if any.
    pub facets: Option<FacetRequest>,
    /// Which page.
    pub page: PageRequest,
}

/// A search's result as the index finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// The record searched for: a service, or a service_at_location.
    Own(uuid::Uuid),
    /// In a search for service_at_locations: a service with one place, whose document stands
    /// for its only service_at_location (the service's id).
    SoleLinkOf(uuid::Uuid),
}

impl Hit {
    /// The id the index holds.
    pub fn id(self) -> uuid::Uuid {
        match self {
            Hit::Own(id) | Hit::SoleLinkOf(id) => id,
        }
    }
}

/// One page of matching ids and the total number of matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits<Id> {
    /// Total matches over all pages.
    pub total: usize,
    /// Ids on the requested page, in rank order.
    pub ids: Vec<Id>,
    /// Facet counts, when asked for.
    pub facets: Option<FacetCounts>,
    /// Whether the text matched only partly: too few results matched enough of its words,
    /// so results match fewer of them.
    pub relaxed: bool,
    /// In a relaxed search, the words (as typed) that nothing in the directory matches.
    pub unmatched: Vec<String>,
}

/// The London wall-clock time of an instant (BST or GMT as it falls).
pub fn london_time(instant: DateTime<Utc>) -> NaiveDateTime {
    instant
        .with_timezone(&chrono_tz::Europe::London)
        .naive_local()
}

/// The London wall-clock time now.
pub fn london_now() -> NaiveDateTime {
    london_time(Utc::now())
}
