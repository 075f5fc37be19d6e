//! What a search asks for, independent of HTTP and of the search engine.
//!
//! The HTTP layer parses query parameters into a [`ServiceQuery`] (rejecting malformed ones
//! with a clear message); the index module turns it into an engine query. Different filters
//! combine with AND; the values inside one filter (several statuses, several terms, several
//! days) combine with OR.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::ids::{OrganizationId, TaxonomyId, TaxonomyTermId};
use crate::domain::language::LanguageCode;
use crate::domain::location::LatLon;
use crate::domain::schedule::OpeningQuery;
use crate::domain::service::ServiceStatus;

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
    /// The date against which schedules' `valid_from`/`valid_to` are checked.
    pub today: NaiveDate,
}

impl Filters {
    /// No filters beyond the default statuses.
    pub fn new(today: NaiveDate) -> Self {
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
            today,
        }
    }
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
    pub area_groups: Vec<Vec<Area>>,
    /// The searcher's postcode, if given.
    pub near: Option<Near>,
}

impl GeoFilter {
    /// Whether any geographic condition is set.
    pub fn is_empty(&self) -> bool {
        self.area_groups.is_empty() && self.near.is_none()
    }
}

/// Counts of matches per area, asked for with `facets`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FacetRequest {
    /// Locality ids to count.
    pub localities: Vec<String>,
    /// Ward codes to count.
    pub wards: Vec<String>,
}

/// How many results each area would give.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FacetCounts {
    /// (locality id, count), in the order asked.
    pub localities: Vec<(String, usize)>,
    /// (ward code, count), in the order asked.
    pub wards: Vec<(String, usize)>,
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

/// One page of matching ids and the total number of matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits<Id> {
    /// Total matches over all pages.
    pub total: usize,
    /// Ids on the requested page, in rank order.
    pub ids: Vec<Id>,
    /// Facet counts, when asked for.
    pub facets: Option<FacetCounts>,
}

/// Today's date in London, against which schedule validity is checked.
pub fn london_today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}
