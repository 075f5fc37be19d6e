//! No dead ends: when a search finds nothing, say why and offer ways forward: the search
//! with its spelling corrected, the same search without its most restrictive filter, needs
//! related to the words typed, and the borough-wide helplines and online services for those
//! needs.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{Catalog, CatalogError};
use crate::domain::ids::TaxonomyTermId;
use crate::domain::taxonomy::TaxonomyTerm;
use crate::geography::PlacedService;
use crate::search::query::{AreaKind, PageRequest, ServiceQuery};

/// How many related needs and helplines are offered.
const OFFERED: usize = 3;

/// A way forward from an empty search.
#[derive(Debug, Clone, PartialEq)]
pub enum Suggestion {
    /// The search with its words respelled.
    Spelling {
        /// The respelled search text.
        search: String,
        /// How many results it gives.
        results: usize,
    },
    /// The same search without one filter.
    WithoutFilter {
        /// The query parameter(s) to drop.
        parameter: &'static str,
        /// How many results it gives.
        results: usize,
    },
    /// Nothing closer: browse the directory by need.
    BrowseNeeds {
        /// How many services the directory lists.
        results: usize,
    },
    /// A need related to the words typed.
    RelatedNeed {
        /// The taxonomy term.
        term_id: TaxonomyTermId,
        /// Its name.
        name: String,
        /// How many results it gives with the search's filters.
        results: usize,
    },
}

/// The answer to an empty search.
pub struct NoResults {
    /// Why nothing was found, in words.
    pub reason: String,
    /// Ways forward, most promising first.
    pub suggestions: Vec<Suggestion>,
    /// Borough-wide helplines and online services for the related needs.
    pub helplines: Vec<Arc<PlacedService>>,
}

/// The `parameter` of a suggestion to drop every filter and keep the words.
pub const EVERY_FILTER: &str = "every filter (keep search)";

type Removal = (&'static str, fn(&mut ServiceQuery) -> bool);

/// Filters that can be dropped, each with the parameter people would remove.
const REMOVALS: &[Removal] = &[
    ("open_now", |q| std::mem::take(&mut q.filters.open_now)),
    ("day, start_time, end_time", |q| {
        q.filters.opening.take().is_some()
    }),
    ("cost", |q| std::mem::take(&mut q.filters.free_only)),
    ("language", |q| {
        !std::mem::take(&mut q.filters.languages).is_empty()
    }),
    ("delivery", |q| {
        !std::mem::take(&mut q.filters.delivery).is_empty()
    }),
    ("referral_route", |q| {
        !std::mem::take(&mut q.filters.referral_routes).is_empty()
    }),
    ("accessibility", |q| {
        !std::mem::take(&mut q.filters.accessibility).is_empty()
    }),
    ("suitable_for", |q| {
        !std::mem::take(&mut q.filters.suitable_for).is_empty()
    }),
    ("taxonomy_term_id", |q| {
        !std::mem::take(&mut q.filters.taxonomy_term_ids).is_empty()
    }),
    ("minimum_age, maximum_age", |q| {
        q.filters.ages.take().is_some()
    }),
    ("proximity", |q| {
        q.geo
            .near
            .as_mut()
            .is_some_and(|near| near.radius_metres.take().is_some())
    }),
    ("locality, pcn", |q| {
        let before = q.geo.area_groups.len();
        q.geo
            .area_groups
            .retain(|g| !matches!(g.kind, AreaKind::Locality | AreaKind::Pcn));
        q.geo.area_groups.len() != before
    }),
    ("ward", |q| {
        let before = q.geo.area_groups.len();
        q.geo.area_groups.retain(|g| g.kind != AreaKind::Ward);
        q.geo.area_groups.len() != before
    }),
];

/// Why a search found nothing, and what might.
pub fn no_results(catalog: &Catalog, query: &ServiceQuery) -> Result<NoResults, CatalogError> {
    let index = catalog.index();
    let mut suggestions = Vec::new();
    let respelled = match &query.text {
        Some(text) => index.respell(text)?,
        None => None,
    };
    if let Some(search) = respelled {
        let mut respelled = query.clone();
        respelled.text = Some(search.clone());
        let results = index.total(&respelled)?;
        if results > 0 {
            suggestions.push(Suggestion::Spelling { search, results });
        }
    }
    let mut removals = Vec::new();
    for (parameter, remove) in REMOVALS {
        let mut wider = query.clone();
        if remove(&mut wider) {
            let results = index.total(&wider)?;
            if results > 0 {
                removals.push(Suggestion::WithoutFilter { parameter, results });
            }
        }
    }
    removals.sort_by_key(|s| match s {
        Suggestion::WithoutFilter { results, .. } => std::cmp::Reverse(*results),
        _ => std::cmp::Reverse(0),
    });
    if removals.is_empty() && query.text.is_some() {
        let mut text_only = query.clone();
        text_only.filters = crate::search::query::Filters::new(query.filters.now);
        text_only.geo = Default::default();
        if text_only != *query {
            let results = index.total(&text_only)?;
            if results > 0 {
                removals.push(Suggestion::WithoutFilter {
                    parameter: EVERY_FILTER,
                    results,
                });
            }
        }
    }
    suggestions.extend(removals.into_iter().take(OFFERED));
    let needs = related_needs(catalog, query)?;
    for term in &needs {
        let mut by_need = query.clone();
        by_need.text = None;
        by_need.filters.taxonomy_term_ids = vec![term.id];
        let results = index.total(&by_need)?;
        if results > 0 {
            suggestions.push(Suggestion::RelatedNeed {
                term_id: term.id,
                name: term.name.clone(),
                results,
            });
        }
    }
    let helplines = helplines(catalog, query, &needs)?;
    if suggestions.is_empty() {
        let mut everything = query.clone();
        everything.text = None;
        everything.filters = crate::search::query::Filters::new(query.filters.now);
        everything.geo = Default::default();
        suggestions.push(Suggestion::BrowseNeeds {
            results: index.total(&everything)?,
        });
    }
    Ok(NoResults {
        reason: reason(query),
        suggestions,
        helplines,
    })
}

fn reason(query: &ServiceQuery) -> String {
    let filtered = query.filters != crate::search::query::Filters::new(query.filters.now)
        || !query.geo.is_empty();
    match (&query.text, filtered) {
        (Some(text), true) => format!("No service matches “{text}” with the filters chosen."),
        (Some(text), false) => format!("No service matches “{text}”."),
        (None, _) => "No service matches all the filters chosen.".to_owned(),
    }
}

/// Needs terms whose name or description shares words (or their synonyms) with the search.
fn related_needs(
    catalog: &Catalog,
    query: &ServiceQuery,
) -> Result<Vec<TaxonomyTerm>, CatalogError> {
    let Some(text) = &query.text else {
        return Ok(Vec::new());
    };
    let index = catalog.index();
    let asked: BTreeSet<String> = index
        .plan(text)
        .units
        .into_iter()
        .flat_map(|unit| {
            let synonyms: Vec<String> = unit
                .synonyms
                .iter()
                .chain(&unit.reached)
                .flat_map(|p| p.words().map(str::to_owned))
                .collect();
            unit.original
                .words()
                .map(str::to_owned)
                .collect::<Vec<_>>()
                .into_iter()
                .chain(synonyms)
        })
        .collect();
    let mut scored: Vec<(usize, TaxonomyTerm)> = catalog
        .store()
        .taxonomy_terms()?
        .into_iter()
        .map(|term| {
            let words: BTreeSet<String> = index
                .plan(&format!("{} {}", term.name, term.description))
                .units
                .into_iter()
                .flat_map(|unit| unit.original.words().map(str::to_owned).collect::<Vec<_>>())
                .collect();
            (words.intersection(&asked).count(), term)
        })
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(scored
        .into_iter()
        .take(OFFERED)
        .map(|(_, term)| term)
        .collect())
}

/// Helplines and online services, borough-wide, for the related needs.
fn helplines(
    catalog: &Catalog,
    query: &ServiceQuery,
    needs: &[TaxonomyTerm],
) -> Result<Vec<Arc<PlacedService>>, CatalogError> {
    if needs.is_empty() {
        return Ok(Vec::new());
    }
    let mut remote = query.clone();
    remote.text = None;
    remote.geo = Default::default();
    remote.facets = None;
    remote.filters = crate::search::query::Filters::new(query.filters.now);
    remote.filters.taxonomy_term_ids = needs.iter().map(|term| term.id).collect();
    remote.filters.delivery = vec!["phone".to_owned(), "online".to_owned()];
    remote.page = PageRequest {
        number: 1,
        size: OFFERED,
    };
    Ok(catalog
        .search(&remote)?
        .found
        .into_iter()
        .map(|found| found.placed)
        .collect())
}
