//! Turning a [`ServiceQuery`] into a tantivy query.
//!
//! Filters become non-scoring clauses; the free text becomes, for each analysed word, a
//! disjunction over the text fields with their boosts, and all words are required. Ranking
//! is BM25 with field boosts: name, then needs (taxonomy), then description, then
//! organization and place. (Synonyms and typo tolerance are meant to slot in here, as more
//! alternatives per word.)

use std::ops::Bound;
use std::sync::Arc;

use tantivy::columnar::Column;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DateTime, DocId, Index, SegmentReader};

use super::document::decode_window;
use super::geo::within;
use super::schema::{Fields, KIND_SERVICE, KIND_SERVICE_AT_LOCATION, OPENING_FIELD};
use crate::domain::geo::BoundingBox;
use crate::domain::schedule::OpeningQuery;
use crate::search::query::{Area, Filters, GeoFilter, Near, ServiceQuery, Target};

/// Text fields searched, with their boosts.
fn text_fields(fields: &Fields) -> [(Field, f32); 5] {
    [
        (fields.name, 3.0),
        (fields.taxonomy, 2.0),
        (fields.description, 1.0),
        (fields.organization, 0.75),
        (fields.place, 0.5),
    ]
}

/// Builds the engine query, with one more area condition when counting a facet. Text with no
/// searchable words at all matches nothing.
pub fn build(
    index: &Index,
    fields: &Fields,
    query: &ServiceQuery,
    facet: Option<&Area>,
) -> tantivy::Result<Box<dyn Query>> {
    let kind = match query.target {
        Target::Services => KIND_SERVICE,
        Target::ServiceAtLocations => KIND_SERVICE_AT_LOCATION,
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![filter(text_term(fields.kind, kind))];
    clauses.extend(
        filters(fields, &query.filters)
            .into_iter()
            .map(|q| (Occur::Must, q)),
    );
    clauses.extend(
        geo_clauses(fields, &query.geo)
            .into_iter()
            .map(|q| (Occur::Must, q)),
    );
    if query.geo.near.is_none() {
        clauses.extend(
            in_area_tier(fields, &query.geo)
                .into_iter()
                .map(|q| (Occur::Should, q)),
        );
    }
    if let Some(area) = facet {
        clauses.push((Occur::Must, area_clause(fields, area)));
    }
    if let Some(text) = &query.text {
        match text_query(index, fields, text)? {
            Some(text_query) => clauses.push((Occur::Must, text_query)),
            None => return Ok(Box::new(EmptyQuery)),
        }
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

fn text_term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn filter(term: Term) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        non_scoring(Box::new(TermQuery::new(term, IndexRecordOption::Basic))),
    )
}

fn non_scoring(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn any_of<T: ToString>(field: Field, values: &[T]) -> Option<Box<dyn Query>> {
    if values.is_empty() {
        return None;
    }
    let terms = values
        .iter()
        .map(|value| text_term(field, &value.to_string()));
    Some(non_scoring(Box::new(TermSetQuery::new(terms))))
}

fn filters(fields: &Fields, filters: &Filters) -> Vec<Box<dyn Query>> {
    let statuses: Vec<&str> = filters
        .statuses
        .iter()
        .map(|status| status.as_str())
        .collect();
    let mut queries: Vec<Box<dyn Query>> = [
        any_of(fields.status, &statuses),
        any_of(fields.term_id, &filters.taxonomy_term_ids),
        any_of(fields.taxonomy_id, &filters.taxonomy_ids),
        any_of(fields.organization_id, &filters.organization_ids),
        any_of(
            fields.language,
            &filters
                .languages
                .iter()
                .map(|code| code.as_str())
                .collect::<Vec<_>>(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if filters.free_only {
        queries.push(non_scoring(Box::new(TermQuery::new(
            text_term(fields.cost, "free"),
            IndexRecordOption::Basic,
        ))));
    }
    if let Some(ages) = filters.ages {
        if let Some(minimum) = ages.minimum {
            queries.push(range(
                fields.max_age,
                Bound::Included(minimum),
                Bound::Unbounded,
            ));
        }
        if let Some(maximum) = ages.maximum {
            queries.push(range(
                fields.min_age,
                Bound::Unbounded,
                Bound::Included(maximum),
            ));
        }
    }
    if let Some(after) = filters.modified_after {
        let lower = Term::from_field_date_for_search(
            fields.modified,
            DateTime::from_timestamp_micros(after.timestamp_micros()),
        );
        queries.push(non_scoring(Box::new(RangeQuery::new(
            Bound::Included(lower),
            Bound::Unbounded,
        ))));
    }
    if let Some(opening) = &filters.opening {
        queries.push(opening_filter(opening.clone(), filters.today));
    }
    queries
}

fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let clauses = queries
        .into_iter()
        .map(|query| (Occur::Should, query))
        .collect();
    non_scoring(Box::new(BooleanQuery::new(clauses)))
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        text_term(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Geographic conditions: each area group, and the searcher's point (see [`GeoFilter`]).
fn geo_clauses(fields: &Fields, geo: &GeoFilter) -> Vec<Box<dyn Query>> {
    let mut clauses: Vec<Box<dyn Query>> = geo
        .area_groups
        .iter()
        .map(|group| any(group.iter().map(|area| area_clause(fields, area)).collect()))
        .collect();
    if let Some(near) = &geo.near {
        clauses.push(near_clause(fields, near));
    }
    clauses
}

/// Score given to a result with a place inside each requested area, so that places in the
/// area rank above services that only cover it. Far above any BM25 score, yet small enough
/// that an f32 sum keeps relevance differences of a thousandth.
pub const IN_AREA_SCORE: f32 = 1.0e4;

/// Optional, scoring clauses: a place inside each requested area.
fn in_area_tier(fields: &Fields, geo: &GeoFilter) -> Vec<Box<dyn Query>> {
    geo.area_groups
        .iter()
        .map(|group| {
            let inside = group
                .iter()
                .map(|area| match area {
                    Area::Locality(id) => term(fields.locality, id),
                    Area::Ward(code) => term(fields.ward, code),
                })
                .collect();
            Box::new(ConstScoreQuery::new(any(inside), IN_AREA_SCORE)) as Box<dyn Query>
        })
        .collect()
}

/// A place in the area, or coverage of all of it.
fn area_clause(fields: &Fields, area: &Area) -> Box<dyn Query> {
    match area {
        Area::Locality(id) => any(vec![
            term(fields.locality, id),
            term(fields.cover_locality, id),
            term(fields.national, "national"),
        ]),
        Area::Ward(code) => any(vec![
            term(fields.ward, code),
            term(fields.cover_ward, code),
            term(fields.national, "national"),
        ]),
    }
}

fn covers_point(fields: &Fields, near: &Near) -> Box<dyn Query> {
    let mut covering = vec![term(fields.national, "national")];
    if let Some(ward) = &near.ward_code {
        covering.push(term(fields.cover_ward, ward));
    }
    any(covering)
}

/// With a radius: a place within it, or coverage of the point. Without: anything except
/// services whose declared coverage leaves the point out.
fn near_clause(fields: &Fields, near: &Near) -> Box<dyn Query> {
    match near.radius_metres {
        Some(radius) => {
            let bounds = BoundingBox::around(near.point, radius);
            let nearby = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    range(
                        fields.latitude,
                        Bound::Included(bounds.min_latitude),
                        Bound::Included(bounds.max_latitude),
                    ),
                ),
                (
                    Occur::Must,
                    range(
                        fields.longitude,
                        Bound::Included(bounds.min_longitude),
                        Bound::Included(bounds.max_longitude),
                    ),
                ),
                (Occur::Must, within(near.point, radius)),
            ]);
            any(vec![Box::new(nearby), covers_point(fields, near)])
        }
        None => any(vec![
            term(fields.coverage, "none"),
            covers_point(fields, near),
        ]),
    }
}

fn range(field: Field, lower: Bound<f64>, upper: Bound<f64>) -> Box<dyn Query> {
    let term = |value: f64| Term::from_field_f64(field, value);
    non_scoring(Box::new(RangeQuery::new(lower.map(term), upper.map(term))))
}

/// Keeps documents with at least one opening window that answers the query.
fn opening_filter(opening: OpeningQuery, today: chrono::NaiveDate) -> Box<dyn Query> {
    let opening = Arc::new(opening);
    let predicate = FunctionPredicate::from(move |segment: &SegmentReader| {
        let column: Option<Column<u64>> = segment.fast_fields().u64(OPENING_FIELD).ok();
        let opening = Arc::clone(&opening);
        Ok(move |doc: DocId| {
            column.as_ref().is_some_and(|column| {
                column
                    .values_for_doc(doc)
                    .any(|bits| decode_window(bits).matches(&opening, today))
            })
        })
    });
    non_scoring(Box::new(DocPredicateQuery::from(predicate)))
}

/// Every analysed word must match one of the text fields; `None` when there is no word.
fn text_query(
    index: &Index,
    fields: &Fields,
    text: &str,
) -> tantivy::Result<Option<Box<dyn Query>>> {
    let mut analyzer = index.tokenizer_for_field(fields.name)?;
    let mut words: Vec<String> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let word = stream.token().text.clone();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    if words.is_empty() {
        return Ok(None);
    }
    let per_word: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|word| {
            let alternatives: Vec<(Occur, Box<dyn Query>)> = text_fields(fields)
                .into_iter()
                .map(|(field, boost)| {
                    let term_query =
                        TermQuery::new(text_term(field, word), IndexRecordOption::WithFreqs);
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(term_query), boost)) as Box<dyn Query>,
                    )
                })
                .collect();
            (
                Occur::Must,
                Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>,
            )
        })
        .collect();
    Ok(Some(Box::new(BooleanQuery::new(per_word))))
}
