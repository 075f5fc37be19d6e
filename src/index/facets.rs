//! Facet counts: for each dimension asked for, how many results each value would give, with
//! the search's other filters applied but not the dimension's own.
//!
//! A dimension the search does not filter on is counted in the search's own pass (the
//! [`InPass`] collector, beside the page and the total): one pass whatever the number of
//! dimensions. A dimension the search filters on needs a pass of its own, without its
//! filter: a terms aggregation for value dimensions, a count per area for localities and
//! wards (they match by place or coverage).

use std::collections::HashMap;

use serde_json::{Value, json};
use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::columnar::column_index::MultiValueIndex;
use tantivy::columnar::{Column, ColumnIndex, RowId, StrColumn};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::IndexError;
use super::query::{TextPlan, Variant, build};
use super::schema::{Fields, names};
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
#[derive(Debug, Clone, Default)]
pub struct InPass {
    dimensions: Vec<FacetDimension>,
    localities: Vec<String>,
    wards: Vec<String>,
}

impl InPass {
    /// What of `request` can be counted in `query`'s own pass.
    pub fn of(query: &ServiceQuery, request: &FacetRequest) -> Self {
        Self {
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

/// An area's ordinals in one segment: its value in the place column and in the coverage
/// column (absent when no document of the segment has it).
struct AreaOrds {
    place: Option<u64>,
    cover: Option<u64>,
}

/// Areas counted in one segment: the columns and each area's ordinals.
struct AreaCounter {
    place: Option<StrColumn>,
    cover: Option<StrColumn>,
    areas: Vec<AreaOrds>,
    counts: Vec<usize>,
    /// Per document: which areas it was found in (scratch, one per area).
    found: Vec<bool>,
}

impl AreaCounter {
    fn new(segment: &SegmentReader, fields: [&str; 2], ids: &[String]) -> tantivy::Result<Self> {
        let fast = segment.fast_fields();
        let (place, cover) = (fast.str(fields[0])?, fast.str(fields[1])?);
        let ord = |column: &Option<StrColumn>, id: &str| -> tantivy::Result<Option<u64>> {
            Ok(match column {
                Some(column) => column.dictionary().term_ord(id)?,
                None => None,
            })
        };
        let areas = ids
            .iter()
            .map(|id| {
                Ok(AreaOrds {
                    place: ord(&place, id)?,
                    cover: ord(&cover, id)?,
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        // A column no area is in need not be read.
        let place = place.filter(|_| areas.iter().any(|area| area.place.is_some()));
        let cover = cover.filter(|_| areas.iter().any(|area| area.cover.is_some()));
        Ok(Self {
            place,
            cover,
            counts: vec![0; areas.len()],
            found: vec![false; areas.len()],
            areas,
        })
    }

    /// Counts a batch of documents (ascending): each is in an area when it is national, or
    /// one of its place or coverage values is the area's. Each column is read once for the
    /// whole batch, whatever the number of areas counted.
    fn collect_batch(&mut self, docs: &[DocId], national: &[DocId], scratch: &mut Scratch) {
        let place = scratch
            .place
            .read(self.place.as_ref().map(|c| c.ords()), docs);
        let cover = scratch
            .cover
            .read(self.cover.as_ref().map(|c| c.ords()), docs);
        let (mut place, mut cover, mut national) = (
            place.iter().peekable(),
            cover.iter().peekable(),
            national.iter().peekable(),
        );
        for &doc in docs {
            let is_national = national.next_if(|&&d| d == doc).is_some();
            self.found.fill(false);
            while let Some(&(_, ord)) = place.next_if(|(d, _)| *d == doc) {
                mark(&mut self.found, &self.areas, ord, |area| area.place);
            }
            while let Some(&(_, ord)) = cover.next_if(|(d, _)| *d == doc) {
                mark(&mut self.found, &self.areas, ord, |area| area.cover);
            }
            for (found, count) in self.found.iter().zip(&mut self.counts) {
                *count += usize::from(is_national || *found);
            }
        }
    }
}

/// Marks the areas whose ordinal (`ord_of`) is `ord`.
fn mark(found: &mut [bool], areas: &[AreaOrds], ord: u64, ord_of: fn(&AreaOrds) -> Option<u64>) {
    for (area, found) in areas.iter().zip(found.iter_mut()) {
        *found |= ord_of(area) == Some(ord);
    }
}

/// How many matching documents are counted at a time.
const BATCH: usize = 256;
/// Up to this many values, a document's repeated values are found by comparing each with
/// those before it; more are sorted.
const SMALL_GROUP: usize = 8;

/// The values of a batch of documents in one column.
#[derive(Default)]
struct Values {
    ranked: Vec<DocId>,
    ranks: Vec<RowId>,
    docs: Vec<DocId>,
    rows: Vec<RowId>,
    ords: Vec<u64>,
    pairs: Vec<(DocId, u64)>,
}

impl Values {
    /// The values of `docs` (ascending) in `column`, as (document, value) pairs in document
    /// order. Reading a batch finds each document's rows block by block (one lookup per
    /// document cost a search through the column's blocks each time) and their values in
    /// one call.
    fn read(&mut self, column: Option<&Column<u64>>, docs: &[DocId]) -> &[(DocId, u64)] {
        self.pairs.clear();
        let Some(column) = column else {
            return &self.pairs;
        };
        self.docs.clear();
        self.rows.clear();
        match &column.index {
            ColumnIndex::Multivalued(MultiValueIndex::MultiValueIndexV2(index)) => {
                self.ranked.clear();
                self.ranks.clear();
                index
                    .optional_index
                    .rank_if_exists_batch(docs, &mut self.ranked, &mut self.ranks);
                for (&doc, &rank) in self.ranked.iter().zip(&self.ranks) {
                    let start = index.start_index_column.get_val(rank);
                    let end = index.start_index_column.get_val(rank + 1);
                    for row in start..end {
                        self.docs.push(doc);
                        self.rows.push(row);
                    }
                }
            }
            index => index.docids_to_rowids(docs, &mut self.docs, &mut self.rows),
        }
        self.ords.clear();
        self.ords.resize(self.rows.len(), 0);
        column.values.get_vals(&self.rows, &mut self.ords);
        self.pairs
            .extend(self.docs.iter().copied().zip(self.ords.iter().copied()));
        &self.pairs
    }
}

/// Reusable buffers for counting a batch.
#[derive(Default)]
struct Scratch {
    values: Values,
    place: Values,
    cover: Values,
    national: Vec<DocId>,
    seen: Vec<u64>,
}

/// [`InPass`] on one segment.
pub struct InPassSegment {
    dimensions: Vec<(FacetDimension, Option<StrColumn>, Vec<usize>)>,
    national: Option<StrColumn>,
    localities: (Vec<String>, Option<AreaCounter>),
    wards: (Vec<String>, Option<AreaCounter>),
    /// Matching documents not counted yet (see [`BATCH`]).
    pending: Vec<DocId>,
    scratch: Scratch,
}

impl InPassSegment {
    /// Counts the pending documents: each value of each dimension once per document that
    /// holds it (however many times it does), and each area.
    fn count_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let docs = &self.pending;
        let scratch = &mut self.scratch;
        for (_, column, counts) in &mut self.dimensions {
            let pairs = scratch.values.read(column.as_ref().map(|c| c.ords()), docs);
            for group in pairs.chunk_by(|a, b| a.0 == b.0) {
                if group.len() <= SMALL_GROUP {
                    // A document's few values: each counted unless an earlier one was it.
                    for (at, &(_, ord)) in group.iter().enumerate() {
                        if group[..at].iter().all(|&(_, earlier)| earlier != ord) {
                            counts[ord as usize] += 1;
                        }
                    }
                    continue;
                }
                scratch.seen.clear();
                scratch.seen.extend(group.iter().map(|(_, ord)| *ord));
                scratch.seen.sort_unstable();
                scratch.seen.dedup();
                for ord in &scratch.seen {
                    counts[*ord as usize] += 1;
                }
            }
        }
        if self.localities.1.is_some() || self.wards.1.is_some() {
            let pairs = scratch
                .values
                .read(self.national.as_ref().map(|c| c.ords()), docs);
            scratch.national.clear();
            scratch.national.extend(pairs.iter().map(|(doc, _)| *doc));
            scratch.national.dedup();
            let national = std::mem::take(&mut scratch.national);
            for counter in [&mut self.localities.1, &mut self.wards.1]
                .into_iter()
                .flatten()
            {
                counter.collect_batch(docs, &national, scratch);
            }
            scratch.national = national;
        }
        self.pending.clear();
    }
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
        let dimensions = self
            .dimensions
            .iter()
            .map(|dimension| {
                let column = fast.str(field_name(*dimension))?;
                let terms = column.as_ref().map_or(0, |c| c.num_terms());
                Ok((*dimension, column, vec![0; terms]))
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let areas = |ids: &[String], fields: [&str; 2]| -> tantivy::Result<_> {
            Ok((
                ids.to_vec(),
                if ids.is_empty() {
                    None
                } else {
                    Some(AreaCounter::new(segment, fields, ids)?)
                },
            ))
        };
        Ok(InPassSegment {
            dimensions,
            national: fast.str(names::NATIONAL)?,
            localities: areas(&self.localities, [names::LOCALITY, names::COVER_LOCALITY])?,
            wards: areas(&self.wards, [names::WARD, names::COVER_WARD])?,
            pending: Vec::with_capacity(BATCH),
            scratch: Scratch::default(),
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

    fn collect(&mut self, doc: DocId, _: Score) {
        self.pending.push(doc);
        if self.pending.len() == BATCH {
            self.count_pending();
        }
    }

    fn harvest(mut self) -> PassCounts {
        self.count_pending();
        let dimensions = self
            .dimensions
            .into_iter()
            .map(|(dimension, column, counts)| {
                let mut values = HashMap::new();
                if let Some(column) = column {
                    let mut text = String::new();
                    for (ord, count) in counts.into_iter().enumerate() {
                        if count > 0 && column.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                            values.insert(text.clone(), count);
                        }
                    }
                }
                (dimension, values)
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
    searcher: &Searcher,
    fields: &Fields,
    query: &ServiceQuery,
    plan: Option<&TextPlan>,
    required: Option<usize>,
    request: &FacetRequest,
    in_pass: PassCounts,
) -> Result<FacetCounts, IndexError> {
    let count_with = |query: &ServiceQuery, variant: Variant<'_>| -> Result<usize, IndexError> {
        Ok(searcher.search(
            &build(
                fields,
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
                searcher,
                &build(fields, query, plan, variant),
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
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    field: &str,
) -> Result<Vec<(String, usize)>, IndexError> {
    let request: Aggregations =
        serde_json::from_value(json!({"values": {"terms": {"field": field, "size": 500}}}))
            .map_err(|error| tantivy::TantivyError::InvalidArgument(error.to_string()))?;
    let results = searcher.search(
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
