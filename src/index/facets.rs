//! Facet counts: for each dimension asked for, how many results each value would give, with
//! the search's other filters applied but not the dimension's own.
//!
//! A dimension the search does not filter on is counted in the search's own pass (the
//! [`InPass`] collector, beside the page and the total): one pass whatever the number of
//! dimensions. A dimension the search filters on needs a pass of its own, without its
//! filter: a terms aggregation for value dimensions, a count per area for localities and
//! wards (they match by place or coverage).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};
use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::IndexError;
use super::lanes::Entered;
use super::query::{Builder, TextPlan, Variant};
use super::rank::ColumnCache;
use super::schema::names;
use crate::search::query::{
    Area, AreaKind, FacetCounts, FacetDimension, FacetRequest, ServiceQuery,
};

fn field_name(dimension: FacetDimension) -> &'static str {
    match dimension {
        FacetDimension::Need => names::TERM_ID,
        FacetDimension::Cost => names::COST,
        FacetDimension::Language => names::LANGUAGE,
        FacetDimension::Delivery => names::DELIVERY,
        FacetDimension::ReferralRoute => names::REFERRAL_ROUTE,
        FacetDimension::Accessibility => names::ACCESSIBILITY,
        FacetDimension::SuitableFor => names::SUITABLE_FOR,
        FacetDimension::OpenNow => "",
    }
}

/// Whether `query` filters on `dimension` (its facet then needs a pass without the filter).
fn filters_on(query: &ServiceQuery, dimension: FacetDimension) -> bool {
    let filters = &query.filters;
    match dimension {
        FacetDimension::Need => !filters.taxonomy_term_ids.is_empty(),
        FacetDimension::Language => !filters.languages.is_empty(),
        FacetDimension::Accessibility => !filters.accessibility.is_empty(),
        FacetDimension::SuitableFor => !filters.suitable_for.is_empty(),
        FacetDimension::Delivery => !filters.delivery.is_empty(),
        FacetDimension::ReferralRoute => !filters.referral_routes.is_empty(),
        FacetDimension::Cost => filters.free_only,
        // Counted with the filter added, in a pass of its own.
        FacetDimension::OpenNow => true,
    }
}

fn filters_on_areas(query: &ServiceQuery, kinds: &[AreaKind]) -> bool {
    query
        .geo
        .area_groups
        .iter()
        .any(|group| kinds.contains(&group.kind))
}

const LOCALITY_KINDS: [AreaKind; 2] = [AreaKind::Locality, AreaKind::Pcn];
const WARD_KINDS: [AreaKind; 1] = [AreaKind::Ward];

/// The facets of a request that the search's own pass can count.
#[derive(Clone)]
pub struct InPass {
    dimensions: Vec<FacetDimension>,
    localities: Vec<String>,
    wards: Vec<String>,
    /// Where the segments' facet values are kept.
    columns: Arc<ColumnCache>,
}

impl InPass {
    /// What of `request` can be counted in `query`'s own pass, reading the values kept in
    /// `columns`.
    pub fn of(query: &ServiceQuery, request: &FacetRequest, columns: Arc<ColumnCache>) -> Self {
        Self {
            columns,
            dimensions: request
                .dimensions
                .iter()
                .copied()
                .filter(|dimension| !filters_on(query, *dimension))
                .collect(),
            localities: if filters_on_areas(query, &LOCALITY_KINDS) {
                Vec::new()
            } else {
                request.localities.clone()
            },
            wards: if filters_on_areas(query, &WARD_KINDS) {
                Vec::new()
            } else {
                request.wards.clone()
            },
        }
    }
}

/// Counts of an [`InPass`]: documents per value of each dimension, and per area.
#[derive(Debug, Default)]
pub struct PassCounts {
    dimensions: Vec<(FacetDimension, HashMap<String, usize>)>,
    localities: Vec<(String, usize)>,
    wards: Vec<(String, usize)>,
}

/// A string column's value ordinals, document by document, held in memory: what facet
/// counting reads for every match. Reading them from the column instead took three lookups
/// a match and a value (the document's rank among those with values, its first row, the
/// rows' values): half of a faceted search's time. About 4 bytes a document and a value
/// (0.8 MB a column for the 190,000 documents of 100k services), made once per segment
/// and column counted ([`super::rank::ColumnCache::value_ords`]).
pub struct ValueOrds {
    /// Where each document's values start in `ords`; one more than the documents.
    starts: Vec<u32>,
    /// Each document's distinct values, in the column's order.
    ords: Vec<u32>,
}

impl ValueOrds {
    /// The values of the `max_doc` documents of `column`'s segment.
    pub fn of(column: &StrColumn, max_doc: DocId) -> Self {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords: Vec<u32> = Vec::new();
        starts.push(0);
        for doc in 0..max_doc {
            let first = ords.len();
            for ord in column.term_ords(doc) {
                let ord = u32::try_from(ord).expect("fewer than 2^32 values");
                if !ords[first..].contains(&ord) {
                    ords.push(ord);
                }
            }
            starts.push(u32::try_from(ords.len()).expect("fewer than 2^32 values"));
        }
        Self { starts, ords }
    }

    /// The distinct values of `doc`.
    fn of_doc(&self, doc: DocId) -> &[u32] {
        let at = doc as usize;
        &self.ords[self.starts[at] as usize..self.starts[at + 1] as usize]
    }
}

/// Areas counted in one segment: for each column (place, coverage), its values and which
/// area each value is (area ids are distinct, so a value is at most one area).
struct AreaCounter {
    columns: Vec<(Arc<ValueOrds>, Vec<Option<u32>>)>,
    counts: Vec<usize>,
    /// Per area: one more than the last document counted in it (a document in an area by
    /// its place and its coverage counts once).
    counted: Vec<DocId>,
}

impl AreaCounter {
    fn new(
        segment: &SegmentReader,
        cache: &ColumnCache,
        fields: [&'static str; 2],
        ids: &[String],
    ) -> tantivy::Result<Self> {
        let fast = segment.fast_fields();
        let mut columns = Vec::new();
        for field in fields {
            let Some(column) = fast.str(field)? else {
                continue;
            };
            let mut area_of = vec![None; column.num_terms()];
            for (area, id) in ids.iter().enumerate() {
                if let Some(ord) = column.dictionary().term_ord(id)? {
                    area_of[ord as usize] = u32::try_from(area).ok();
                }
            }
            // A column no area is in need not be read.
            if area_of.iter().any(Option::is_some)
                && let Some(values) = cache.value_ords(segment, field)?
            {
                columns.push((values, area_of));
            }
        }
        Ok(Self {
            columns,
            counts: vec![0; ids.len()],
            counted: vec![0; ids.len()],
        })
    }

    /// Counts a document: it is in an area when it is national, or one of its place or
    /// coverage values is the area's.
    fn collect(&mut self, doc: DocId, national: bool) {
        if national {
            self.counts.iter_mut().for_each(|count| *count += 1);
            return;
        }
        for (values, area_of) in &self.columns {
            for &ord in values.of_doc(doc) {
                if let Some(area) = area_of[ord as usize] {
                    let area = area as usize;
                    if self.counted[area] != doc + 1 {
                        self.counted[area] = doc + 1;
                        self.counts[area] += 1;
                    }
                }
            }
        }
    }
}

/// A dimension counted in one segment: its column (for the values' names), their ordinals,
/// and documents per ordinal.
struct DimensionCounter {
    dimension: FacetDimension,
    column: Option<StrColumn>,
    values: Option<Arc<ValueOrds>>,
    counts: Vec<usize>,
}

/// [`InPass`] on one segment.
pub struct InPassSegment {
    dimensions: Vec<DimensionCounter>,
    /// Documents with a national value: in every area.
    national: Option<Arc<ValueOrds>>,
    localities: (Vec<String>, Option<AreaCounter>),
    wards: (Vec<String>, Option<AreaCounter>),
}

impl Collector for InPass {
    type Fruit = PassCounts;
    type Child = InPassSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<InPassSegment> {
        let fast = segment.fast_fields();
        let cache = &self.columns;
        let dimensions = self
            .dimensions
            .iter()
            .map(|dimension| {
                let field = field_name(*dimension);
                let column = fast.str(field)?;
                let terms = column.as_ref().map_or(0, |c| c.num_terms());
                Ok(DimensionCounter {
                    dimension: *dimension,
                    values: cache.value_ords(segment, field)?,
                    column,
                    counts: vec![0; terms],
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let areas = |ids: &[String], fields: [&'static str; 2]| -> tantivy::Result<_> {
            Ok((
                ids.to_vec(),
                if ids.is_empty() {
                    None
                } else {
                    Some(AreaCounter::new(segment, cache, fields, ids)?)
                },
            ))
        };
        let localities = areas(&self.localities, [names::LOCALITY, names::COVER_LOCALITY])?;
        let wards = areas(&self.wards, [names::WARD, names::COVER_WARD])?;
        let national = if localities.1.is_some() || wards.1.is_some() {
            cache.value_ords(segment, names::NATIONAL)?
        } else {
            None
        };
        Ok(InPassSegment {
            dimensions,
            national,
            localities,
            wards,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<PassCounts>) -> tantivy::Result<PassCounts> {
        let mut merged = PassCounts {
            dimensions: self
                .dimensions
                .iter()
                .map(|dimension| (*dimension, HashMap::new()))
                .collect(),
            localities: self.localities.iter().map(|id| (id.clone(), 0)).collect(),
            wards: self.wards.iter().map(|code| (code.clone(), 0)).collect(),
        };
        for fruit in fruits {
            for ((_, into), (_, from)) in merged.dimensions.iter_mut().zip(fruit.dimensions) {
                for (value, count) in from {
                    *into.entry(value).or_default() += count;
                }
            }
            for (into, from) in merged
                .localities
                .iter_mut()
                .chain(merged.wards.iter_mut())
                .zip(fruit.localities.iter().chain(&fruit.wards))
            {
                into.1 += from.1;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for InPassSegment {
    type Fruit = PassCounts;

    /// Counts each value of each dimension once for the document, and each area.
    fn collect(&mut self, doc: DocId, _: Score) {
        for dimension in &mut self.dimensions {
            if let Some(values) = &dimension.values {
                for &ord in values.of_doc(doc) {
                    dimension.counts[ord as usize] += 1;
                }
            }
        }
        if self.localities.1.is_some() || self.wards.1.is_some() {
            let national = self
                .national
                .as_ref()
                .is_some_and(|values| !values.of_doc(doc).is_empty());
            for counter in [&mut self.localities.1, &mut self.wards.1]
                .into_iter()
                .flatten()
            {
                counter.collect(doc, national);
            }
        }
    }

    fn harvest(self) -> PassCounts {
        let dimensions = self
            .dimensions
            .into_iter()
            .map(|counter| {
                let mut values = HashMap::new();
                if let Some(column) = counter.column {
                    let mut text = String::new();
                    for (ord, count) in counter.counts.into_iter().enumerate() {
                        if count > 0 && column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                            values.insert(text.clone(), count);
                        }
                    }
                }
                (counter.dimension, values)
            })
            .collect();
        let areas = |(ids, counter): (Vec<String>, Option<AreaCounter>)| -> Vec<(String, usize)> {
            let counts = counter.map(|c| c.counts).unwrap_or_default();
            ids.into_iter()
                .zip(counts.into_iter().chain(std::iter::repeat(0)))
                .collect()
        };
        PassCounts {
            dimensions,
            localities: areas(self.localities),
            wards: areas(self.wards),
        }
    }
}

/// Counts the facets of `request` for `query`: those of `in_pass` are taken from it, the
/// rest counted in passes of their own.
pub fn count(
    entered: &Entered<'_>,
    builder: Builder<'_>,
    query: &ServiceQuery,
    plan: Option<&TextPlan>,
    required: Option<usize>,
    request: &FacetRequest,
    in_pass: PassCounts,
) -> Result<FacetCounts, IndexError> {
    let count_with = |query: &ServiceQuery, variant: Variant<'_>| -> Result<usize, IndexError> {
        Ok(entered.search(
            &builder.build(
                query,
                plan,
                Variant {
                    required,
                    ..variant
                },
            ),
            &Count,
        )?)
    };
    // Areas counted in the pass come back as asked for; the others need a pass each.
    let mut counts = FacetCounts {
        localities: in_pass.localities,
        wards: in_pass.wards,
        dimensions: Vec::new(),
    };
    let localities = if counts.localities.is_empty() {
        request.localities.as_slice()
    } else {
        &[]
    };
    for id in localities {
        let area = Area::Locality(id.clone());
        let variant = Variant {
            without_areas: &LOCALITY_KINDS,
            with_area: Some(&area),
            ..Variant::default()
        };
        counts
            .localities
            .push((id.clone(), count_with(query, variant)?));
    }
    let wards = if counts.wards.is_empty() {
        request.wards.as_slice()
    } else {
        &[]
    };
    for code in wards {
        let area = Area::Ward(code.clone());
        let variant = Variant {
            without_areas: &WARD_KINDS,
            with_area: Some(&area),
            ..Variant::default()
        };
        counts
            .wards
            .push((code.clone(), count_with(query, variant)?));
    }
    let mut counted_dimensions = in_pass.dimensions;
    for dimension in &request.dimensions {
        let values = if *dimension == FacetDimension::OpenNow {
            let mut open = query.clone();
            open.filters.open_now = true;
            vec![("true".to_owned(), count_with(&open, Variant::default())?)]
        } else if let Some(at) = counted_dimensions.iter().position(|(d, _)| d == dimension) {
            let (_, values) = counted_dimensions.swap_remove(at);
            largest_first(values.into_iter().collect())
        } else {
            let variant = Variant {
                without_dimension: Some(*dimension),
                required,
                ..Variant::default()
            };
            terms(
                entered,
                &builder.build(query, plan, variant),
                field_name(*dimension),
            )?
        };
        counts.dimensions.push((*dimension, values));
    }
    Ok(counts)
}

/// Values largest count first, then by value.
fn largest_first(mut buckets: Vec<(String, usize)>) -> Vec<(String, usize)> {
    buckets.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    buckets
}

/// Documents per value of a fast string field, largest first (then by value).
fn terms(
    entered: &Entered<'_>,
    query: &dyn tantivy::query::Query,
    field: &str,
) -> Result<Vec<(String, usize)>, IndexError> {
    let request: Aggregations =
        serde_json::from_value(json!({"values": {"terms": {"field": field, "size": 500}}}))
            .map_err(|error| tantivy::TantivyError::InvalidArgument(error.to_string()))?;
    let results = entered.search(
        query,
        &AggregationCollector::from_aggs(request, Default::default()),
    )?;
    let value = serde_json::to_value(results)
        .map_err(|error| tantivy::TantivyError::InvalidArgument(error.to_string()))?;
    let buckets: Vec<(String, usize)> = value["values"]["buckets"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|bucket: &Value| {
            Some((
                bucket["key"].as_str()?.to_owned(),
                bucket["doc_count"].as_u64()? as usize,
            ))
        })
        .collect();
    Ok(largest_first(buckets))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{FAST, Field, STRING, Schema};
    use tantivy::{Index, TantivyDocument, Warmer};

    /// A document is counted once in an area, whether its place, its coverage or both are
    /// there; areas no document is in count 0.
    #[test]
    fn area_counts_take_a_document_once_per_area() {
        let mut schema = Schema::builder();
        let place = schema.add_text_field(names::LOCALITY, STRING | FAST);
        let cover = schema.add_text_field(names::COVER_LOCALITY, STRING | FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let documents: [(&[&str], &[&str]); 5] = [
            (&["east"], &["east"]),
            (&["east"], &["west", "east"]),
            (&[], &["west"]),
            (&["elsewhere"], &[]),
            (&[], &[]),
        ];
        for (places, covers) in documents {
            let mut doc = TantivyDocument::new();
            places.iter().for_each(|value| doc.add_text(place, value));
            covers.iter().for_each(|value| doc.add_text(cover, value));
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let ids = ["west", "north", "east"].map(str::to_owned);
        let mut counter = AreaCounter::new(
            segment,
            &ColumnCache::default(),
            [names::LOCALITY, names::COVER_LOCALITY],
            &ids,
        )
        .unwrap();
        for doc in 0..5 {
            counter.collect(doc, false);
        }
        assert_eq!(counter.counts, [2, 0, 2]);
        counter.collect(4, true);
        assert_eq!(
            counter.counts,
            [3, 1, 3],
            "a national service is in every area"
        );
    }

    /// Each document's distinct values, as the column names them, whatever the segment.
    #[test]
    fn value_ords_hold_each_documents_distinct_values_and_are_forgotten_with_their_segment() {
        let mut schema = Schema::builder();
        let language = schema.add_text_field(names::LANGUAGE, STRING | FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let documents: [&[&str]; 5] = [&["som"], &[], &["ben", "eng", "ben"], &["eng"], &[]];
        for values in documents {
            let mut doc = TantivyDocument::new();
            for value in values {
                doc.add_text(language, value);
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let cache = ColumnCache::default();
        let ords = cache.value_ords(segment, names::LANGUAGE).unwrap().unwrap();
        assert!(Arc::ptr_eq(
            &ords,
            &cache.value_ords(segment, names::LANGUAGE).unwrap().unwrap()
        ));
        let column = segment.fast_fields().str(names::LANGUAGE).unwrap().unwrap();
        let named = |doc: DocId| -> Vec<String> {
            let mut names: Vec<String> = ords
                .of_doc(doc)
                .iter()
                .map(|&ord| {
                    let mut text = String::new();
                    assert!(column.ord_to_str(u64::from(ord), &mut text).unwrap());
                    text
                })
                .collect();
            names.sort();
            names
        };
        for (doc, values) in documents.iter().enumerate() {
            let mut expected: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            expected.sort();
            expected.dedup();
            assert_eq!(named(doc as DocId), expected, "document {doc}");
        }
        assert!(
            cache
                .value_ords(segment, "no_such_column")
                .unwrap()
                .is_none()
        );
        // Another index's searcher has none of these segments.
        let other = Index::create_in_ram(index.schema());
        cache.garbage_collect(&[other.reader().unwrap().searcher().generation()]);
        let again = cache.value_ords(segment, names::LANGUAGE).unwrap().unwrap();
        assert!(
            !Arc::ptr_eq(&ords, &again),
            "made again after being forgotten"
        );
    }

    fn add(writer: &mut tantivy::IndexWriter, field: Field, values: &[&str]) {
        let mut doc = TantivyDocument::new();
        for value in values {
            doc.add_text(field, value);
        }
        writer.add_document(doc).unwrap();
    }

    /// A commit's new segment has the facet values counted so far before it is searched;
    /// the segments no open searcher holds any longer are forgotten.
    #[test]
    fn new_segments_are_warmed_with_the_facet_values_in_use() {
        let mut schema = Schema::builder();
        let language = schema.add_text_field(names::LANGUAGE, STRING | FAST);
        let cost = schema.add_text_field(names::COST, STRING | FAST);
        let index = Index::create_in_ram(schema.build());
        let cache = Arc::new(ColumnCache::default());
        let reader = cache.warming(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        add(&mut writer, language, &["ben"]);
        add(&mut writer, cost, &["free"]);
        writer.commit().unwrap();
        reader.reload().unwrap();
        let first = reader.searcher();
        let old = first.segment_readers()[0].segment_id();
        assert!(
            !cache.holds_values(old, names::LANGUAGE),
            "nothing counted yet"
        );
        // A faceted search counts languages.
        cache
            .value_ords(&first.segment_readers()[0], names::LANGUAGE)
            .unwrap();
        add(&mut writer, language, &["eng", "syl"]);
        writer.commit().unwrap();
        reader.reload().unwrap();
        let second = reader.searcher();
        let new = crate::index::rank::segment_besides(&second, old);
        assert!(
            cache.holds_values(new, names::LANGUAGE),
            "warmed for languages"
        );
        assert!(
            !cache.holds_values(new, names::COST),
            "costs were never counted"
        );
        // Both searchers' segments are kept while either is open; then only the second's.
        cache.garbage_collect(&[first.generation(), second.generation()]);
        assert!(cache.holds_values(old, names::LANGUAGE));
        writer.delete_all_documents().unwrap();
        writer.commit().unwrap();
        reader.reload().unwrap();
        let third = reader.searcher();
        cache.garbage_collect(&[third.generation()]);
        assert!(
            !cache.holds_values(old, names::LANGUAGE),
            "forgotten with its segment"
        );
        assert!(
            !cache.holds_values(new, names::LANGUAGE),
            "forgotten with its segment"
        );
    }
}
