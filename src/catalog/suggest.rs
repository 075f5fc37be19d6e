//! No dead ends: when a search finds nothing, say why and offer ways forward: the search
//! with its spelling corrected, the same search without its most restrictive filter, needs
//! related to the words typed, and the borough-wide helplines and online services for those
//! needs.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::{Catalog, CatalogError};
use crate::domain::ids::TaxonomyTermId;
use crate::domain::taxonomy::TaxonomyTerm;
use crate::geography::PlacedService;
use crate::index::SearchIndex;
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

/// The analysed words of each needs term's name and description, remembered with the text
/// they were analysed from: analysing every term again for each search that found nothing
/// took nine tenths of that answer's time (about 1.5 ms at 1,000 services). A term whose
/// name or description changed is analysed again; a deleted one is forgotten.
#[derive(Default)]
pub struct NeedWords {
    remembered: Mutex<HashMap<TaxonomyTermId, Analysed>>,
}

/// A term's text as analysed, and the words it gave.
type Analysed = (String, Arc<BTreeSet<String>>);

impl NeedWords {
    /// Each of `terms` with `score` of its words.
    fn score(
        &self,
        index: &SearchIndex,
        terms: Vec<TaxonomyTerm>,
        score: impl Fn(&BTreeSet<String>) -> usize,
    ) -> Vec<(usize, TaxonomyTerm)> {
        let mut remembered = self
            .remembered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let listed: HashSet<TaxonomyTermId> = terms.iter().map(|term| term.id).collect();
        remembered.retain(|id, _| listed.contains(id));
        terms
            .into_iter()
            .map(|term| {
                let text = format!("{} {}", term.name, term.description);
                let words = match remembered.get(&term.id) {
                    Some((analysed, words)) if *analysed == text => Arc::clone(words),
                    _ => {
                        let words: Arc<BTreeSet<String>> = Arc::new(
                            index
                                .plan(&text)
                                .units
                                .into_iter()
                                .flat_map(|unit| {
                                    unit.original.words().map(str::to_owned).collect::<Vec<_>>()
                                })
                                .collect(),
                        );
                        remembered.insert(term.id, (text, Arc::clone(&words)));
                        words
                    }
                };
                (score(&words), term)
            })
            .collect()
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
    let terms = catalog.taxonomy_terms()?.all().to_vec();
    let mut scored: Vec<(usize, TaxonomyTerm)> = catalog
        .need_words
        .score(index, terms, |words| words.intersection(&asked).count())
        .into_iter()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::assets::SearchAssets;

    fn term(name: &str, description: &str) -> TaxonomyTerm {
        TaxonomyTerm {
            id: TaxonomyTermId::random(),
            code: None,
            name: name.to_owned(),
            description: description.to_owned(),
            parent_id: None,
            taxonomy: None,
            taxonomy_id: None,
            term_uri: None,
            term: None,
        }
    }

    #[test]
    fn remembered_words_follow_each_terms_name_and_description() {
        let dir = tempfile::tempdir().unwrap();
        let (index, _) =
            SearchIndex::open(dir.path(), Arc::new(SearchAssets::built_in()), 0).unwrap();
        let asked: BTreeSet<String> = index
            .plan("allotment gardening")
            .units
            .into_iter()
            .flat_map(|unit| unit.original.words().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        let shared = |words: &BTreeSet<String>| words.intersection(&asked).count();
        let need_words = NeedWords::default();
        let mut garden = term("Gardening", "Allotments and growing food");
        let swimming = term("Swimming", "Pools and lessons");
        let scores = |terms: Vec<TaxonomyTerm>| -> Vec<(usize, String)> {
            need_words
                .score(&index, terms, shared)
                .into_iter()
                .map(|(score, term)| (score, term.name))
                .collect()
        };
        assert_eq!(
            scores(vec![garden.clone(), swimming.clone()]),
            vec![(2, "Gardening".to_owned()), (0, "Swimming".to_owned())]
        );
        // Renamed and described again: analysed again, not answered from memory.
        garden.name = "Growing".to_owned();
        garden.description = "Community orchards".to_owned();
        assert_eq!(
            scores(vec![garden.clone(), swimming.clone()]),
            vec![(0, "Growing".to_owned()), (0, "Swimming".to_owned())]
        );
        // A deleted term is forgotten.
        scores(vec![swimming]);
        let remembered = need_words.remembered.lock().unwrap();
        assert_eq!(remembered.len(), 1);
        assert!(!remembered.contains_key(&garden.id));
    }
}
