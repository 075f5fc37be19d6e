//! A page of search results, for `/services` and `/service_at_locations`: ORUK summaries
//! with Signpost's extension properties.
//!
//! On each item: `match` (why it matched a geographic search), `highlight` (the matching part
//! of the description, HTML-safe) and `opening` ("Open now, closes 17:00"). On the page:
//! `geography` and `search_area` (for geographic searches), `facets` (when asked for),
//! `relaxed_match` (when too few results have enough of the words, and more have some of
//! them) with `unmatched_words` (words nothing in the directory matches), and
//! `no_results` (why nothing was found, and ways forward).

use chrono::{NaiveDateTime, TimeZone};
use serde::Serialize;

use super::{ApiError, Page, to_json};
use crate::catalog::cache::Terms;
use crate::catalog::suggest::{NoResults, Suggestion, no_results};
use crate::catalog::{Catalog, Found};
use crate::domain::ids::{ServiceAtLocationId, TaxonomyTermId};
use crate::domain::language::LanguageCode;
use crate::domain::opening::{Availability, OpeningStatus, availability};
use crate::geography::{Geography, Precision};
use crate::oruk::render::{AreaView, ServiceAtLocationSummary, ServiceSummary};
use crate::search::explain::explain;
use crate::search::query::{FacetCounts, FacetDimension, ServiceQuery, Target};

#[derive(Serialize)]
struct GeographyNote<'a> {
    precision: Precision,
    attribution: &'a str,
}

#[derive(Serialize)]
struct SearchArea<'a> {
    postcode: &'a str,
    latitude: f64,
    longitude: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    proximity_metres: Option<f64>,
    #[serde(flatten)]
    area: AreaView<'a>,
}

#[derive(Serialize)]
struct LocalityCount<'a> {
    /// The locality's code (`north-west`): a slug, not an ORUK id.
    code: &'a str,
    name: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct WardCount<'a> {
    code: &'a str,
    name: &'a str,
    locality: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct ValueCount {
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    count: usize,
}

#[derive(Serialize)]
struct Facets<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locality: Vec<LocalityCount<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ward: Vec<WardCount<'a>>,
    #[serde(flatten)]
    dimensions: std::collections::BTreeMap<&'static str, Vec<ValueCount>>,
}

/// How a person can use a listed service now.
#[derive(Serialize)]
struct OpeningView {
    /// `open`, `closed` or `temporarily_closed`.
    state: &'static str,
    /// In words: "Open now, closes 17:00", "Opens Tuesday 10:00", "Temporarily closed".
    text: String,
    /// When it closes (London time, with its UTC offset).
    #[serde(skip_serializing_if = "Option::is_none")]
    closes_at: Option<String>,
    /// When it next opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    opens_at: Option<String>,
}

fn london_rfc3339(moment: NaiveDateTime) -> String {
    match chrono_tz::Europe::London
        .from_local_datetime(&moment)
        .earliest()
    {
        Some(zoned) => zoned.to_rfc3339(),
        None => moment.format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}

impl OpeningView {
    fn new(availability: Availability, now: NaiveDateTime) -> Self {
        match availability {
            Availability::TemporarilyClosed => Self {
                state: "temporarily_closed",
                text: "Temporarily closed".to_owned(),
                closes_at: None,
                opens_at: None,
            },
            Availability::Hours(status) => Self {
                state: if status.is_open() { "open" } else { "closed" },
                text: status.describe(now),
                closes_at: match status {
                    OpeningStatus::OpenNow { until } => until.map(london_rfc3339),
                    _ => None,
                },
                opens_at: match status {
                    OpeningStatus::Opens { at } => Some(london_rfc3339(at)),
                    _ => None,
                },
            },
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Summary<'a> {
    Service(Box<ServiceSummary<'a>>),
    Link(Box<ServiceAtLocationSummary<'a>>),
}

/// One listed result.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    summary: Summary<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    highlight: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opening: Option<OpeningView>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SuggestionView<'a> {
    /// Search for this instead (a typo corrected).
    Spelling { search: &'a str, results: usize },
    /// Remove these parameters.
    WithoutFilter {
        parameter: &'static str,
        results: usize,
    },
    /// Nothing closer: browse by need (`/taxonomy_terms`).
    BrowseNeeds { results: usize },
    /// Browse this need.
    RelatedNeed {
        taxonomy_term_id: TaxonomyTermId,
        name: &'a str,
        results: usize,
    },
}

#[derive(Serialize)]
struct NoResultsView<'a> {
    reason: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<SuggestionView<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    helplines: Vec<ServiceSummary<'a>>,
}

impl<'a> NoResultsView<'a> {
    fn new(answer: &'a NoResults) -> Self {
        Self {
            reason: &answer.reason,
            suggestions: answer
                .suggestions
                .iter()
                .map(|suggestion| match suggestion {
                    Suggestion::Spelling { search, results } => SuggestionView::Spelling {
                        search,
                        results: *results,
                    },
                    Suggestion::WithoutFilter { parameter, results } => {
                        SuggestionView::WithoutFilter {
                            parameter,
                            results: *results,
                        }
                    }
                    Suggestion::BrowseNeeds { results } => {
                        SuggestionView::BrowseNeeds { results: *results }
                    }
                    Suggestion::RelatedNeed {
                        term_id,
                        name,
                        results,
                    } => SuggestionView::RelatedNeed {
                        taxonomy_term_id: *term_id,
                        name,
                        results: *results,
                    },
                })
                .collect(),
            helplines: answer
                .helplines
                .iter()
                .map(|placed| ServiceSummary::new(&placed.full))
                .collect(),
        }
    }
}

/// The extension fields of a search page.
#[derive(Serialize)]
pub struct SearchMeta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    geography: Option<GeographyNote<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    search_area: Option<SearchArea<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<Facets<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    relaxed_match: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unmatched_words: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    no_results: Option<NoResultsView<'a>>,
}

fn search_area<'a>(query: &'a ServiceQuery, geography: &'a Geography) -> Option<SearchArea<'a>> {
    query.geo.near.as_ref().map(|near| SearchArea {
        postcode: &near.label,
        latitude: near.point.latitude(),
        longitude: near.point.longitude(),
        proximity_metres: near.radius_metres,
        area: AreaView::of_ward(
            near.ward_code
                .as_deref()
                .and_then(|code| geography.ward_by_key(code)),
            true,
            geography,
        ),
    })
}

fn value_name(terms: &Terms, dimension: FacetDimension, value: &str) -> Option<String> {
    match dimension {
        FacetDimension::Need => TaxonomyTermId::parse(value)
            .ok()
            .and_then(|id| terms.get(id))
            .map(|term| term.name.clone()),
        FacetDimension::Language => LanguageCode::parse(value)
            .ok()
            .and_then(|code| code.english_name())
            .map(str::to_owned),
        _ => None,
    }
}

fn facets<'a>(
    catalog: &Catalog,
    counts: &FacetCounts,
    geography: &'a Geography,
) -> Result<Facets<'a>, ApiError> {
    let terms = catalog.taxonomy_terms()?;
    let mut dimensions = std::collections::BTreeMap::new();
    for (dimension, values) in &counts.dimensions {
        let mut listed = Vec::with_capacity(values.len());
        for (value, count) in values {
            listed.push(ValueCount {
                value: value.clone(),
                name: value_name(&terms, *dimension, value),
                count: *count,
            });
        }
        if !listed.is_empty() {
            dimensions.insert(dimension.name(), listed);
        }
    }
    Ok(Facets {
        locality: counts
            .localities
            .iter()
            .filter_map(|(id, count)| {
                let locality = &geography.localities()[geography.locality_by_key(id)?];
                Some(LocalityCount {
                    code: &locality.id,
                    name: &locality.name,
                    count: *count,
                })
            })
            .collect(),
        ward: counts
            .wards
            .iter()
            .filter_map(|(code, count)| {
                let at = geography.ward_by_key(code)?;
                let ward = &geography.wards()[at];
                Some(WardCount {
                    code: &ward.code,
                    name: &ward.name,
                    locality: &geography.locality_of(at).id,
                    count: *count,
                })
            })
            .collect(),
        dimensions,
    })
}

fn summary<'a>(
    found: &'a Found,
    query: &ServiceQuery,
    geography: &'a Geography,
) -> Option<Summary<'a>> {
    let placed = &found.placed;
    match (query.target, found.link) {
        (Target::ServiceAtLocations, Some(link_id)) => {
            let link = placed
                .full
                .service
                .service_at_locations
                .iter()
                .find(|link| link.id == link_id)?;
            let why = explain(placed, Some(link_id), &query.geo, geography);
            Some(Summary::Link(Box::new(ServiceAtLocationSummary::new(
                placed, link, geography, why,
            ))))
        }
        _ => Some(Summary::Service(Box::new(
            ServiceSummary::new(&placed.full)
                .with_match(explain(placed, None, &query.geo, geography)),
        ))),
    }
}

/// Runs `query` and renders the page as JSON. Blocking.
pub fn render(catalog: &Catalog, query: &ServiceQuery) -> Result<Vec<u8>, ApiError> {
    let page = catalog.search(query)?;
    let geography = catalog.geography();
    let now = query.filters.now;
    let items: Vec<Listed<'_>> = page
        .found
        .iter()
        .filter_map(|found| {
            let link: Option<ServiceAtLocationId> = found.link;
            Some(Listed {
                summary: summary(found, query, geography)?,
                highlight: found.highlight.as_deref(),
                opening: availability(&found.placed.full.service, link, now)
                    .map(|availability| OpeningView::new(availability, now)),
            })
        })
        .collect();
    let answer = if page.total == 0 && query.page.number == 1 {
        Some(no_results(catalog, query)?)
    } else {
        None
    };
    let facets = page
        .facets
        .as_ref()
        .map(|counts| facets(catalog, counts, geography))
        .transpose()?;
    let geographic = !query.geo.is_empty()
        || facets
            .as_ref()
            .is_some_and(|f| !f.locality.is_empty() || !f.ward.is_empty());
    let meta = SearchMeta {
        geography: geographic.then(|| GeographyNote {
            precision: geography.precision(),
            attribution: geography.attribution(),
        }),
        search_area: search_area(query, geography),
        facets,
        relaxed_match: page.relaxed,
        unmatched_words: &page.unmatched,
        no_results: answer.as_ref().map(NoResultsView::new),
    };
    to_json(&Page::new(query.page, page.total, &items).with_meta(Some(meta)))
}
