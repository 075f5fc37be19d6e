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
use super::schema::{Fields, KIND_SERVICE, KIND_SERVICE_AT_LOCATION, OPENING_FIELD};
use crate::domain::schedule::OpeningQuery;
use crate::search::query::{Filters, ServiceQuery, Target};

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

/// Builds the engine query; `None` when the text has no searchable words at all (then
/// nothing can match).
pub fn build(
    index: &Index,
    fields: &Fields,
    query: &ServiceQuery,
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
