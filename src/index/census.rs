//! What a relaxed search needs to know about its words, in one pass over the index.
//!
//! When a search of several units (words, or phrases the synonyms know) finds too few
//! results, it looks for a level that requires fewer of them, and ranks its results with
//! the units that say little (matching a large share of the directory) set apart. That
//! needs how many documents of the kind match each unit, and how many documents that pass
//! the search's other conditions match at least `k` units, for each `k`. Counting these one
//! query at a time took a pass per unit and a pass per level, each building its query's
//! weights again: at a borough's size that was most of a relaxed search's time. Here the
//! units' documents are walked together once, each candidate checked against the other
//! conditions.

use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocSet, Searcher, TERMINATED};

use super::query::{self, Builder, TextPlan, Variant};
use crate::search::query::ServiceQuery;

/// The counts of one search's units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    /// Per unit of the plan: documents of the search's kind matching it, whatever else.
    pub per_unit: Vec<usize>,
    /// At `n`: documents passing the search's other conditions that match exactly `n`
    /// units (`n` from 1 to the number of units).
    exactly: Vec<usize>,
}

impl Census {
    /// Documents passing the search's other conditions that match at least `units` units.
    pub fn at_least(&self, units: usize) -> usize {
        self.exactly.iter().skip(units.max(1)).sum()
    }
}

/// Counts a search's units (see the module documentation).
pub fn take(
    searcher: &Searcher,
    builder: Builder<'_>,
    query: &ServiceQuery,
    plan: &TextPlan,
) -> tantivy::Result<Census> {
    let unscored = EnableScoring::disabled_from_searcher(searcher);
    let units = (0..plan.units.len())
        .map(|at| query::unit_query(builder.fields, query.target, plan, at).weight(unscored))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let others = builder
        .build(
            query,
            None,
            Variant {
                without_text: true,
                ..Variant::default()
            },
        )
        .weight(unscored)?;
    let mut census = Census {
        per_unit: vec![0; units.len()],
        exactly: vec![0; units.len() + 1],
    };
    for segment in searcher.segment_readers() {
        let mut scorers = units
            .iter()
            .map(|unit| unit.scorer(segment, 1.0))
            .collect::<tantivy::Result<Vec<Box<dyn Scorer>>>>()?;
        let mut passing = others.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        loop {
            let doc = scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
            if doc == TERMINATED {
                break;
            }
            let counted = alive.is_none_or(|alive| alive.is_alive(doc));
            let mut matched = 0;
            for (at, scorer) in scorers.iter_mut().enumerate() {
                if scorer.doc() == doc {
                    if counted {
                        census.per_unit[at] += 1;
                        matched += 1;
                    }
                    scorer.advance();
                }
            }
            if counted && matched > 0 {
                if passing.doc() < doc {
                    passing.seek(doc);
                }
                if passing.doc() == doc {
                    census.exactly[matched] += 1;
                }
            }
        }
    }
    Ok(census)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tantivy::collector::Count;

    use super::*;
    use crate::domain::language::LanguageCode;
    use crate::index::SearchIndex;
    use crate::search::assets::SearchAssets;
    use crate::search::query::{Filters, GeoFilter, PageRequest, Target};

    /// The census gives what counting each unit and each level with its own query gives:
    /// over several segments, with a filter, and with a deleted document.
    #[test]
    fn counts_as_a_query_per_unit_and_per_level_would() {
        let dir = tempfile::tempdir().unwrap();
        let (index, _) =
            SearchIndex::open(dir.path(), Arc::new(SearchAssets::built_in()), 0).unwrap();
        let fields = *index.fields();
        let mut writer = index.writer().unwrap();
        let mut analysis = index.index_analysis();
        let names = [
            ("knitting circle", "eng"),
            ("knitting and chess club", "eng"),
            ("chess club", "ben"),
            ("garden club", "eng"),
            ("knitting garden", "eng"),
            ("chess", "eng"),
            ("choir", "eng"),
            ("knitting chess garden club", "ben"),
            ("knitting chess garden club gone", "eng"),
        ];
        for (at, service) in names.into_iter().enumerate() {
            index.add_test_service(&mut writer, &mut analysis, service, |_| ());
            if at % 3 == 2 {
                writer.commit().unwrap();
            }
        }
        writer.delete_term(tantivy::Term::from_field_text(fields.name, "gone"));
        writer.commit().unwrap();
        index.reload().unwrap();
        let searcher = index.reader.searcher();
        assert!(searcher.segment_readers().len() > 1);

        for (text, languages) in [
            ("knitting chess garden", vec![]),
            ("knitting chess garden", vec!["eng"]),
            ("chess club choir swimming", vec!["eng"]),
        ] {
            let mut filters = Filters::new(chrono::NaiveDateTime::default());
            filters.languages = languages
                .iter()
                .map(|code| LanguageCode::parse(code).unwrap())
                .collect();
            let query = ServiceQuery {
                target: Target::Services,
                text: Some(text.to_owned()),
                filters,
                geo: GeoFilter::default(),
                facets: None,
                page: PageRequest::default(),
            };
            let plan = index.plan(text);
            let census = take(&searcher, index.builder(), &query, &plan).unwrap();
            let per_unit: Vec<usize> = (0..plan.units.len())
                .map(|at| {
                    let unit = query::unit_query(&fields, Target::Services, &plan, at);
                    searcher.search(&unit, &Count).unwrap()
                })
                .collect();
            assert_eq!(census.per_unit, per_unit, "{text} {languages:?}");
            for units in 1..=plan.units.len() {
                let level = index
                    .count(&searcher, &query, Some(&plan), Some(units))
                    .unwrap();
                assert_eq!(
                    census.at_least(units),
                    level,
                    "{text} {languages:?} {units}"
                );
            }
        }
        // The units are counted as meant: knitting and chess in four live listings each, garden in three.
        let plan = index.plan("knitting chess garden");
        let query = ServiceQuery {
            target: Target::Services,
            text: Some("knitting chess garden".to_owned()),
            filters: Filters::new(chrono::NaiveDateTime::default()),
            geo: GeoFilter::default(),
            facets: None,
            page: PageRequest::default(),
        };
        let census = take(&searcher, index.builder(), &query, &plan).unwrap();
        assert_eq!(census.per_unit, [4, 4, 3]);
        assert_eq!((census.at_least(1), census.at_least(3)), (7, 1));
    }
}
