//! Turning a [`ServiceQuery`] into a tantivy query.
//!
//! Filters become non-scoring clauses. The text becomes a plan of *units* (a word, or a
//! phrase a synonym rule starts with); each unit matches its own words in any text field
//! (boosted by field: name, then needs, then description and languages, then organization
//! and place), or one of its synonyms (weighted lower), or, for single words, a typo of
//! them (an edit of 1 from 5 letters, 2 from 9, never with digits; weighted lower still) or,
//! for the last word of a short search, a word it begins. An exact match therefore always
//! outscores a fuzzy one in the same field. Short searches require every unit; longer ones
//! two thirds of them (rounded up), so a natural sentence is not defeated by one word the
//! listings do not use. A short search's words as a phrase earn a bonus.

use std::ops::Bound;
use std::sync::Arc;

use tantivy::columnar::Column;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Term};
use tantivy::{DateTime, DocId, SegmentReader};

use super::analysis::pair_text;
use super::document::decode_window;
use super::geo::{covering_cells, within};
use super::listed::{Kept, Key, Listed};
use super::schema::{Fields, KIND_SERVICE, KIND_SERVICE_AT_LOCATION, Keyword, names};
use super::synonyms::{Phrase, Unit};
use super::union::{Alternatives, Clause, Combine, LazyUnion};
use crate::domain::geo::BoundingBox;
use crate::domain::opening::{OpeningQuery, OpeningWindow};
use crate::domain::service::ServiceStatus;
use crate::search::query::{
    Area, AreaGroup, AreaKind, FacetDimension, Filters, Near, ServiceQuery, Target,
};

/// Weight of a synonym's match relative to the words typed.
pub const SYNONYM_WEIGHT: f32 = 0.7;
/// Score added to a service delivered in the language a search is written in.
pub const LANGUAGE_BONUS: f32 = 6.0;
/// The shortest word the last word of a short search may be the start of.
pub const PREFIX_MIN_CHARS: usize = 3;
/// Weight of an equivalent reached through a one-way rule (khabar => food bank, pantry).
pub const REACHED_WEIGHT: f32 = 0.5;
/// Constant score weight of a typo's match (relative to field boosts).
pub const FUZZY_WEIGHT: f32 = 0.35;
/// Constant score weight of a prefix's match.
pub const PREFIX_WEIGHT: f32 = 0.3;
/// How much the other ways a unit matches add to its best one (words typed, a synonym, a
/// typo): a little, so one unit matched many ways does not outweigh two units.
pub const ALTERNATIVES_TIE_BREAKER: f32 = 0.1;
/// Weight of the phrase bonus.
pub const PHRASE_BONUS: f32 = 1.5;
/// The quantum of tier scores: text relevance stays below it, and tiers are whole multiples
/// of it, so the ranking can tell them apart (see `index::rank`).
pub const TIER: f32 = 1_000.0;
/// Score per unit matched beyond the minimum, in a relaxed search: results matching more of
/// the words come first.
pub const RELAXED_TIER_SCORE: f32 = TIER;
/// Score given to a result with a place inside each requested area, so that places in the
/// area rank above services that only cover it, whatever else.
pub const IN_AREA_SCORE: f32 = 100.0 * TIER;

/// The analysed text of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPlan {
    /// Its units.
    pub units: Vec<Unit>,
    /// Languages (ISO 639-3) the search seems to be written in: services delivered in them
    /// rank first among equally relevant results.
    pub languages: Vec<String>,
}

impl TextPlan {
    /// How many units must match: all of one or two, two thirds (rounded up) of more.
    pub fn required(&self) -> usize {
        let units = self.units.len();
        if units <= 2 {
            units
        } else {
            (2 * units).div_ceil(3)
        }
    }
}

/// What to leave out or add when building a variant of a query.
#[derive(Debug, Clone, Copy, Default)]
pub struct Variant<'a> {
    /// Leave out this facet dimension's own filter.
    pub without_dimension: Option<FacetDimension>,
    /// Leave out area groups of these kinds.
    pub without_areas: &'a [AreaKind],
    /// Require this area too.
    pub with_area: Option<&'a Area>,
    /// Require this many units of the text instead of [`TextPlan::required`].
    pub required: Option<usize>,
    /// Leave the text out: every other condition of the search.
    pub without_text: bool,
}

/// Text fields searched, with their boosts; those that say what a service is first (see
/// [`SYNONYM_PHRASE_FIELDS`]).
fn text_fields(fields: &Fields) -> [(Field, f32); 7] {
    [
        (fields.name, 3.0),
        (fields.taxonomy, 2.0),
        (fields.description, 1.0),
        (fields.taxonomy_description, 0.5),
        (fields.languages_text, 1.0),
        (fields.organization, 0.75),
        (fields.place, 0.5),
    ]
}

/// What a search's engine queries are built from: the schema's fields, and the documents
/// of each kind and statuses kept per segment ([`Listed`]).
#[derive(Clone, Copy)]
pub struct Builder<'a> {
    /// The schema's fields.
    pub fields: &'a Fields,
    /// The documents listed in each segment.
    pub kept: &'a Arc<Kept>,
}

impl Builder<'_> {
    /// Builds the engine query for a search (or a variant of it).
    pub fn build(
        &self,
        query: &ServiceQuery,
        plan: Option<&TextPlan>,
        variant: Variant<'_>,
    ) -> Box<dyn Query> {
        build(self.fields, self.kept, query, plan, variant)
    }
}

fn build(
    fields: &Fields,
    kept: &Arc<Kept>,
    query: &ServiceQuery,
    plan: Option<&TextPlan>,
    variant: Variant<'_>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        listed(fields, kept, query.target, &query.filters.statuses),
    )];
    clauses.extend(
        filters(fields, &query.filters, variant.without_dimension)
            .into_iter()
            .map(|q| (Occur::Must, q)),
    );
    let groups: Vec<&AreaGroup> = query
        .geo
        .area_groups
        .iter()
        .filter(|g| !variant.without_areas.contains(&g.kind))
        .collect();
    clauses.extend(
        geo_clauses(fields, &groups, query.geo.near.as_ref())
            .into_iter()
            .map(|q| (Occur::Must, q)),
    );
    if let Some(area) = variant.with_area {
        clauses.push((Occur::Must, area_clause(fields, area)));
    }
    if query.geo.near.is_none() {
        clauses.extend(
            in_area_tier(fields, &groups)
                .into_iter()
                .map(|q| (Occur::Should, q)),
        );
    }
    // A place narrows a search far more than its words do (an area holds a few per cent of
    // a region's listings, a radius fewer): the place leads, and the words are only asked
    // about its documents, which lazy unions answer without reading ahead (the 100k
    // locality mix in process 0.58 -> 0.43 ms). Where the words lead, buffered unions are
    // faster (the text mix 1.7 -> 2.2 ms had it been lazy too; BENCHMARKS.md).
    let narrowed = !groups.is_empty()
        || variant.with_area.is_some()
        || query
            .geo
            .near
            .as_ref()
            .is_some_and(|near| near.radius_metres.is_some());
    let walk = if narrowed { Walk::Lazy } else { Walk::Buffered };
    if query.text.is_some() && !variant.without_text {
        match plan {
            Some(plan) if !plan.units.is_empty() => {
                clauses.push((
                    Occur::Must,
                    text_clause(fields, plan, variant.required, walk),
                ));
                if let Some(in_language) = any_of(fields.language, &plan.languages) {
                    let bonus = ConstScoreQuery::new(in_language, LANGUAGE_BONUS);
                    clauses.push((Occur::Should, Box::new(bonus)));
                }
            }
            _ => return Box::new(EmptyQuery),
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

fn text_term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn non_scoring(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn term(keyword: Keyword, value: &str) -> Box<dyn Query> {
    non_scoring(Box::new(TermQuery::new(
        keyword.term(value),
        IndexRecordOption::Basic,
    )))
}

fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    let clauses = queries
        .into_iter()
        .map(|query| (Occur::Should, query))
        .collect();
    non_scoring(Box::new(BooleanQuery::new(clauses)))
}

fn any_of<T: AsRef<str>>(keyword: Keyword, values: &[T]) -> Option<Box<dyn Query>> {
    if values.is_empty() {
        return None;
    }
    let terms = values.iter().map(|value| keyword.term(value.as_ref()));
    Some(non_scoring(any_term(terms)))
}

/// Documents with any of the terms. (A term set query would build a dictionary of the terms
/// for every query built; for the few terms of a filter or a typo this is much cheaper.)
fn any_term(terms: impl Iterator<Item = Term>) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .map(|term| {
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            (Occur::Should, Box::new(query) as Box<dyn Query>)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

fn range(field: Field, lower: Bound<f64>, upper: Bound<f64>) -> Box<dyn Query> {
    let term = |value: f64| Term::from_field_f64(field, value);
    non_scoring(Box::new(RangeQuery::new(lower.map(term), upper.map(term))))
}

fn strings(values: &[impl ToString]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

fn filters(
    fields: &Fields,
    filters: &Filters,
    without: Option<FacetDimension>,
) -> Vec<Box<dyn Query>> {
    let keep = |dimension: FacetDimension| without != Some(dimension);
    let routes: Vec<&str> = filters
        .referral_routes
        .iter()
        .map(|route| route.as_str())
        .collect();
    let languages: Vec<&str> = filters.languages.iter().map(|code| code.as_str()).collect();
    let mut queries: Vec<Box<dyn Query>> = [
        any_of(fields.taxonomy_id, &strings(&filters.taxonomy_ids)),
        any_of(fields.organization_id, &strings(&filters.organization_ids)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let by_dimension = [
        (
            FacetDimension::Need,
            any_of(fields.term_id, &strings(&filters.taxonomy_term_ids)),
        ),
        (
            FacetDimension::Language,
            any_of(fields.language, &languages),
        ),
        (
            FacetDimension::Accessibility,
            any_of(fields.accessibility, &filters.accessibility),
        ),
        (
            FacetDimension::SuitableFor,
            any_of(fields.suitable_for, &filters.suitable_for),
        ),
        (
            FacetDimension::Delivery,
            any_of(fields.delivery, &filters.delivery),
        ),
        (
            FacetDimension::ReferralRoute,
            any_of(fields.referral_route, &routes),
        ),
        (
            FacetDimension::Cost,
            filters.free_only.then(|| term(fields.cost, "free")),
        ),
        (
            FacetDimension::OpenNow,
            filters.open_now.then(|| open_now(filters)),
        ),
    ];
    queries.extend(
        by_dimension
            .into_iter()
            .filter(|(dimension, _)| keep(*dimension))
            .filter_map(|(_, query)| query),
    );
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
    if filters.accepting_referrals {
        queries.push(range(
            fields.accepting_until,
            Bound::Included(super::document::days_since_epoch(filters.today()) as f64),
            Bound::Unbounded,
        ));
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
        queries.push(opening_filter(opening.clone(), filters.today()));
    }
    queries
}

/// Documents of `target`'s kind with one of `statuses` (none: any status), from the sets
/// kept per segment ([`Listed`]).
fn listed(
    fields: &Fields,
    kept: &Arc<Kept>,
    target: Target,
    statuses: &[ServiceStatus],
) -> Box<dyn Query> {
    let key = Key {
        kind: match target {
            Target::Services => 0,
            Target::ServiceAtLocations => 1,
        },
        statuses: ServiceStatus::ALL
            .iter()
            .enumerate()
            .filter(|(_, status)| statuses.contains(status))
            .fold(0, |bits, (at, _)| bits | 1 << at),
    };
    let mut conditions = vec![(Occur::Must, kind_query(fields, target))];
    conditions.extend(status_filter(fields, statuses).map(|status| (Occur::Must, status)));
    Box::new(Listed::new(
        key,
        Box::new(BooleanQuery::new(conditions)),
        Arc::clone(kept),
    ))
}

/// Listings with one of `statuses` (none: no filter). A set with `active` in it, like the
/// default (active and temporarily closed), is looked up as the other statuses left out:
/// nearly every listing is active, and a filter that is a union of terms walks the
/// postings of every document it matches whenever a search skips ahead through it (a fifth
/// of a search's time at 100k services), while leaving out the few inactive and defunct
/// listings skips through short postings.
fn status_filter(fields: &Fields, statuses: &[ServiceStatus]) -> Option<Box<dyn Query>> {
    if !statuses.contains(&ServiceStatus::Active) {
        let wanted: Vec<&str> = statuses.iter().map(|status| status.as_str()).collect();
        return any_of(fields.status, &wanted);
    }
    let others: Vec<Term> = ServiceStatus::ALL
        .iter()
        .filter(|status| !statuses.contains(status))
        .map(|status| fields.status.term(status.as_str()))
        .collect();
    if others.is_empty() {
        return None;
    }
    Some(non_scoring(Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
        (Occur::MustNot, any_term(others.into_iter())),
    ]))))
}

/// Open at the search's London time (exactly: monthly windows open only in their week).
pub fn open_now(filters: &Filters) -> Box<dyn Query> {
    let now = filters.now;
    window_filter(move |window| window.is_open_at(now))
}

/// Keeps documents with at least one opening window that answers the query.
fn opening_filter(opening: OpeningQuery, today: chrono::NaiveDate) -> Box<dyn Query> {
    window_filter(move |window| window.matches(&opening, today))
}

/// Keeps documents with at least one opening window for which `keep` holds.
fn window_filter(keep: impl Fn(&OpeningWindow) -> bool + Send + Sync + 'static) -> Box<dyn Query> {
    let keep = Arc::new(keep);
    let predicate = FunctionPredicate::from(move |segment: &SegmentReader| {
        let column: Option<Column<u64>> = segment.fast_fields().u64(names::OPENING).ok();
        let keep = Arc::clone(&keep);
        Ok(move |doc: DocId| {
            column.as_ref().is_some_and(|column| {
                column
                    .values_for_doc(doc)
                    .any(|bits| keep(&decode_window(bits)))
            })
        })
    });
    non_scoring(Box::new(DocPredicateQuery::from(predicate)))
}

/// Geographic conditions: each area group, and the searcher's point (see
/// [`crate::search::query::GeoFilter`]).
fn geo_clauses(fields: &Fields, groups: &[&AreaGroup], near: Option<&Near>) -> Vec<Box<dyn Query>> {
    let mut clauses: Vec<Box<dyn Query>> = groups
        .iter()
        .map(|group| {
            any(group
                .areas
                .iter()
                .map(|area| area_clause(fields, area))
                .collect())
        })
        .collect();
    if let Some(near) = near {
        clauses.push(near_clause(fields, near));
    }
    clauses
}

/// Optional, scoring clauses: a place inside each requested area.
fn in_area_tier(fields: &Fields, groups: &[&AreaGroup]) -> Vec<Box<dyn Query>> {
    groups
        .iter()
        .map(|group| {
            let inside = group
                .areas
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
            let mut nearby: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(2);
            if let Some(cells) = covering_cells(&bounds) {
                let terms = cells
                    .into_iter()
                    .map(|cell| fields.geo_cell.term(&cell.to_string()));
                nearby.push((Occur::Must, non_scoring(any_term(terms))));
            }
            nearby.push((Occur::Must, within(near.point, radius)));
            let nearby = BooleanQuery::new(nearby);
            any(vec![Box::new(nearby), covers_point(fields, near)])
        }
        None => any(vec![
            term(fields.coverage, "none"),
            covers_point(fields, near),
        ]),
    }
}

/// How the unions of a search's words (a word in any field, any of its synonyms) are
/// walked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Walk {
    /// Read ahead a window at a time, scoring everything passed ([`Alternatives`], as
    /// tantivy's own unions do): the fastest when the words lead the search.
    Buffered,
    /// Unions moved only as far as asked ([`LazyUnion`]): when something else leads (a
    /// place), and the words are asked about its documents alone. A union's scores are
    /// the same to the bit; a sum of a search's parts may differ in its last bits (see
    /// [`LazyUnion`]).
    Lazy,
}

/// Text fields a synonym of several words is looked for in: the first of
/// [`text_fields`], those that say what a service is (name, needs, description, needs'
/// descriptions). A phrase query reads word positions, the costliest part of a search (a
/// need like "food bank" has a dozen phrase synonyms); in organisation, place and language
/// text a synonym phrase adds little (the words typed are still looked for there).
/// Measured on the judged queries: NDCG@10 0.815 -> 0.818, recall@20 0.902 -> 0.898.
const SYNONYM_PHRASE_FIELDS: usize = 4;

/// The words (or phrase) in any text field, each field at its boost times `weight`;
/// `synonym` phrases of several words only in the first [`SYNONYM_PHRASE_FIELDS`]: a
/// clause per field, whose scores add up.
fn words_in_fields(fields: &Fields, phrase: &Phrase, weight: f32, synonym: bool) -> Vec<Clause> {
    let searched = if synonym && phrase.single().is_none() {
        SYNONYM_PHRASE_FIELDS
    } else {
        usize::MAX
    };
    text_fields(fields)
        .into_iter()
        .take(searched)
        .map(|(field, boost)| {
            let boost = boost * weight;
            let terms = match phrase.single() {
                Some(word) => vec![text_term(field, word)],
                None => phrase_terms(fields, field, &phrase.0),
            };
            match <[Term; 1]>::try_from(terms) {
                Ok([term]) => Clause::Term { term, boost },
                Err(terms) => Clause::Other(Box::new(BoostQuery::new(all_terms(terms), boost))),
            }
        })
        .collect()
}

/// Words at relative positions in `field`: each adjacent pair of them, as one term of the
/// field's word pairs (positions are not kept). A phrase of three words or more requires
/// all its pairs, which is all but always the phrase itself.
fn phrase_query(fields: &Fields, field: Field, words: &[(usize, String)]) -> Box<dyn Query> {
    all_terms(phrase_terms(fields, field, words))
}

/// The word-pair terms of a phrase in `field` (see [`phrase_query`]).
fn phrase_terms(fields: &Fields, field: Field, words: &[(usize, String)]) -> Vec<Term> {
    let pairs = fields
        .pairs_of(field)
        .expect("phrases are looked for in searchable text, which keeps word pairs");
    words
        .windows(2)
        .map(|pair| {
            let [(at, first), (next, second)] = pair else {
                unreachable!("windows of two")
            };
            let text = pair_text(first, next.saturating_sub(*at), second);
            Term::from_field_text(pairs, &text)
        })
        .collect()
}

/// Documents with every one of `terms`, each scored by BM25 (word pairs keep no
/// frequencies, so each counts once: [`super::schema::build`]).
fn all_terms(mut terms: Vec<Term>) -> Box<dyn Query> {
    let scored = |term: Term| -> Box<dyn Query> {
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    };
    match terms.len() {
        0 => Box::new(EmptyQuery),
        1 => scored(terms.pop().expect("one")),
        _ => Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|term| (Occur::Must, scored(term)))
                .collect(),
        )),
    }
}

/// How many edits a typo of this (analysed) word may have, by its length as typed.
/// The edit applies to the stem, which must keep enough letters for an edit to be safe:
/// "boxing" (stem "box") gets none, or it would find "bow".
pub fn typo_distance(word: &str, typed_chars: usize) -> u8 {
    if word.chars().any(|c| c.is_numeric()) {
        return 0;
    }
    let stem_chars = word.chars().count();
    match typed_chars {
        9.. if stem_chars >= 6 => 2,
        5.. if stem_chars >= 4 => 1,
        _ => 0,
    }
}

/// Any of `words` in any text field, at a constant score of the field's boost times
/// `weight` (typos and prefixes: how well they match is not measured, only that they do):
/// a clause per field, whose scores add up.
fn any_word_in_fields(fields: &Fields, words: &[String], weight: f32) -> Vec<Clause> {
    text_fields(fields)
        .into_iter()
        .map(|(field, boost)| {
            let terms = words.iter().map(|word| text_term(field, word));
            Clause::Other(Box::new(ConstScoreQuery::new(
                any_term(terms),
                boost * weight,
            )))
        })
        .collect()
}

/// The text fields searched (typos and prefixes are looked up in their dictionaries).
pub fn searched_fields(fields: &Fields) -> Vec<Field> {
    text_fields(fields)
        .into_iter()
        .map(|(field, _)| field)
        .collect()
}

/// A unit of the text: the best of its alternatives (the words typed, each synonym and
/// each word it reaches, its typos, its completions), each in any text field.
fn unit_clause(fields: &Fields, unit: &Unit, walk: Walk) -> Box<dyn Query> {
    let mut alternatives = vec![words_in_fields(fields, &unit.original, 1.0, false)];
    for synonym in &unit.synonyms {
        let weight = per_word(SYNONYM_WEIGHT, synonym, &unit.original);
        alternatives.push(words_in_fields(fields, synonym, weight, true));
    }
    for reached in &unit.reached {
        let weight = per_word(REACHED_WEIGHT, reached, &unit.original);
        alternatives.push(words_in_fields(fields, reached, weight, true));
    }
    if !unit.typos.is_empty() {
        alternatives.push(any_word_in_fields(fields, &unit.typos, FUZZY_WEIGHT));
    }
    if !unit.completions.is_empty() {
        alternatives.push(any_word_in_fields(fields, &unit.completions, PREFIX_WEIGHT));
    }
    let tie_breaker = ALTERNATIVES_TIE_BREAKER;
    match walk {
        Walk::Buffered => Box::new(Alternatives::new(alternatives, tie_breaker)),
        Walk::Lazy => {
            let alternatives = alternatives
                .into_iter()
                .map(|clauses| {
                    let clauses = clauses.into_iter().map(Clause::into_query).collect();
                    LazyUnion::new(clauses, Combine::Sum)
                })
                .map(|union| Box::new(union) as Box<dyn Query>)
                .collect();
            Box::new(LazyUnion::new(alternatives, Combine::Max { tie_breaker }))
        }
    }
}

/// A synonym's weight, scaled so that a phrase of more words than were typed does not
/// outscore a single word by summing more matches ("coffee morning" for "company").
fn per_word(weight: f32, synonym: &Phrase, typed: &Phrase) -> f32 {
    let (synonym_words, typed_words) = (synonym.0.len().max(1), typed.0.len().max(1));
    if synonym_words > typed_words {
        weight * typed_words as f32 / synonym_words as f32
    } else {
        weight
    }
}

/// Every document of the target's kind.
pub fn kind_query(fields: &Fields, target: Target) -> Box<dyn Query> {
    let kind = match target {
        Target::Services => KIND_SERVICE,
        Target::ServiceAtLocations => KIND_SERVICE_AT_LOCATION,
    };
    term(fields.kind, kind)
}

/// Which units of a relaxed search say what is wanted: words of the needs vocabulary (they
/// have synonyms) that are not common; failing those, the words that are not common;
/// failing those, all.
fn telling_units(plan: &TextPlan) -> impl Fn(&Unit) -> bool {
    let in_vocabulary = |unit: &Unit| !unit.synonyms.is_empty() || !unit.reached.is_empty();
    let needs = move |unit: &Unit| !unit.common && in_vocabulary(unit);
    let any_needs = plan.units.iter().any(needs);
    let any_uncommon = plan.units.iter().any(|unit| !unit.common);
    move |unit: &Unit| {
        if any_needs {
            needs(unit)
        } else {
            !any_uncommon || !unit.common
        }
    }
}

/// Documents of the target's kind that match unit `at` of the plan.
pub fn unit_query(fields: &Fields, target: Target, plan: &TextPlan, at: usize) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, kind_query(fields, target)),
        (
            Occur::Must,
            unit_clause(fields, &plan.units[at], Walk::Buffered),
        ),
    ]))
}

/// The text's clause: units, at least [`TextPlan::required`] of them (or `required`),
/// plus the phrase bonus for short searches.
fn text_clause(
    fields: &Fields,
    plan: &TextPlan,
    required: Option<usize>,
    walk: Walk,
) -> Box<dyn Query> {
    let count = plan.units.len();
    let units: Vec<(Occur, Box<dyn Query>)> = plan
        .units
        .iter()
        .map(|unit| (Occur::Should, unit_clause(fields, unit, walk)))
        .collect();
    let wanted = plan.required();
    let required = required.unwrap_or(wanted).clamp(1, count.max(1));
    let at_least = |n: usize| -> Box<dyn Query> {
        let clauses = units
            .iter()
            .map(|(occur, query)| (*occur, query.box_clone()))
            .collect();
        Box::new(BooleanQuery::with_minimum_required_clauses(clauses, n))
    };
    let mut matched = at_least(required);
    if required < wanted {
        // Relaxed: results matching more of the telling units come first, a tier per unit.
        let telling = telling_units(plan);
        let mut tiered = vec![(Occur::Must, matched)];
        for ((_, unit_query), unit) in units.iter().zip(&plan.units) {
            if !telling(unit) {
                continue;
            }
            let tier = ConstScoreQuery::new(unit_query.box_clone(), RELAXED_TIER_SCORE);
            tiered.push((Occur::Should, Box::new(tier) as Box<dyn Query>));
        }
        matched = Box::new(BooleanQuery::new(tiered));
    }
    let words: Vec<(usize, String)> = plan
        .units
        .iter()
        .flat_map(|unit| {
            unit.original
                .0
                .iter()
                .map(|(offset, word)| (unit.position + offset, word.clone()))
        })
        .collect();
    if !(2..=4).contains(&words.len()) {
        return matched;
    }
    let phrase = |field: Field| phrase_query(fields, field, &Phrase::from_absolute(&words).0);
    let bonus = BooleanQuery::new(vec![
        (
            Occur::Should,
            Box::new(BoostQuery::new(phrase(fields.name), PHRASE_BONUS * 2.0)) as Box<dyn Query>,
        ),
        (
            Occur::Should,
            Box::new(BoostQuery::new(phrase(fields.description), PHRASE_BONUS)) as Box<dyn Query>,
        ),
    ]);
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, matched),
        (Occur::Should, Box::new(bonus)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_allowed_by_word_length_never_with_digits() {
        assert_eq!(typo_distance("food", 4), 0);
        assert_eq!(typo_distance("advic", 6), 1);
        assert_eq!(
            typo_distance("alot", 8),
            1,
            "by the word as typed (alotment), not its stem"
        );
        assert_eq!(typo_distance("counsel", 11), 2);
        assert_eq!(
            typo_distance("box", 6),
            0,
            "boxing: too short a stem to edit"
        );
        assert_eq!(typo_distance("e143by", 6), 0);
        assert_eq!(typo_distance("over60s", 7), 0);
    }

    #[test]
    fn longer_searches_need_two_thirds_of_their_units() {
        let plan = |n: usize| TextPlan {
            languages: vec![],
            units: (0..n)
                .map(|i| Unit {
                    position: i,
                    original: Phrase(vec![(0, i.to_string())]),
                    synonyms: vec![],
                    reached: vec![],
                    typed: i.to_string(),
                    common: false,
                    unknown: false,
                    typos: vec![],
                    completions: vec![],
                })
                .collect(),
        };
        assert_eq!(
            [1, 2, 3, 4, 5, 6].map(|n| plan(n).required()),
            [1, 2, 2, 3, 4, 4]
        );
    }
}
