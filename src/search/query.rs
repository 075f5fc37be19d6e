//! What a search asks for, independent of HTTP and of the search engine.
//!
//! The HTTP layer parses query parameters into a [`ServiceQuery`] (rejecting malformed ones
//! with a clear message); the index module turns it into an engine query. Different filters
//! combine with AND; the values inside one filter (several statuses, several terms, several
//! days) combine with OR.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::ids::{OrganizationId, TaxonomyId, TaxonomyTermId};
use crate::domain::language::LanguageCode;
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

/// A search for services (or services at locations).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceQuery {
    /// Services or services at locations.
    pub target: Target,
    /// Free text, if any; results are then ranked by relevance, otherwise by name.
    pub text: Option<String>,
    /// Filters.
    pub filters: Filters,
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
}

/// Today's date in London, against which schedule validity is checked.
pub fn london_today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}
