//! Ranking: one sort key per document, higher first (ties then go by name and id).
//!
//! - With text (or an area filter): tiers first (a place in the area asked for; in a
//!   relaxed search, more of the words matched), then BM25 relevance times the record's
//!   quality.
//! - Near a postcode: documents with places first, by relevance times quality times a
//!   distance decay that halves every [`HALF_RELEVANCE_METRES`] (nearest first without
//!   text or when sorting by distance: distance alone, so that distances never go down
//!   the list); then area-wide documents by relevance times quality.
//! - Browsing (no text, no area): by quality alone.
//!
//! Quality puts an equally relevant fresh, open service first: a record last checked more
//! than [`STALE_AFTER_DAYS`] ago (or never) is multiplied by [`STALE_FACTOR`], a temporarily
//! closed service by [`CLOSED_FACTOR`].

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::sort_key::{Comparator, NaturalComparator};
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer, TopNComputer};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::{DocId, Score, Searcher, SearcherGeneration, SegmentReader, Warmer};

use super::facets::ValueOrds;
use super::geo::{decode_point, sites};
use super::listed;
use super::query::TIER;
use super::schema::names;
use super::typos::SegmentWords;
use crate::domain::geo::Near;

/// Distance over which relevance halves when ranking text results near a postcode.
pub const HALF_RELEVANCE_METRES: f64 = 1_500.0;
/// A record last checked longer ago than this is stale.
pub use crate::domain::service::STALE_AFTER_DAYS;
/// Quality of a stale record.
pub const STALE_FACTOR: f64 = 0.85;
/// Quality of a temporarily closed service.
pub const CLOSED_FACTOR: f64 = 0.7;
const LOCAL_TIER: f64 = 4.0e9;
const FURTHEST_METRES: f64 = 2.1e7;

/// How results are ordered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// By relevance (text, area tiers).
    Relevance,
    /// Near a point, with or without text.
    Nearby {
        /// The searcher's point.
        centre: Near,
        /// Whether there is text to be relevant to (and tiers to score).
        text: bool,
        /// Nearest first, whatever the relevance.
        by_distance: bool,
    },
    /// By quality alone.
    Browse,
}

/// The sort key computer.
#[derive(Clone)]
pub struct Rank {
    mode: Arc<Mode>,
    today: i64,
    cache: Arc<ColumnCache>,
}

impl Rank {
    /// A ranking in `mode`, judging freshness against day `today` (days since 1970-01-01),
    /// taking each segment's columns from `cache`.
    pub fn new(mode: Mode, today: i64, cache: Arc<ColumnCache>) -> Self {
        Self {
            mode: Arc::new(mode),
            today,
            cache,
        }
    }
}

/// The columns a ranking reads (and a page's ids), opened in one segment.
pub struct RankColumns {
    sites: Option<Column<u64>>,
    assured: Option<Column<i64>>,
    closed: Option<Column<u64>>,
    name_order: [Option<Column<u64>>; 2],
    /// The id's first 8 bytes.
    pub tiebreak: Option<Column<u64>>,
    /// The id's last 8 bytes.
    pub id_low: Option<Column<u64>>,
    /// The document's kind, as a number.
    pub kind_order: Option<Column<u64>>,
}

impl RankColumns {
    /// Opens them in `segment` (a column a segment lacks is `None`).
    fn open(segment: &SegmentReader) -> Self {
        let fast = segment.fast_fields();
        Self {
            sites: sites(segment),
            assured: fast.i64(names::ASSURED_DAY).ok(),
            closed: fast.u64(names::CLOSED).ok(),
            name_order: [
                fast.u64(names::NAME_ORDER[0]).ok(),
                fast.u64(names::NAME_ORDER[1]).ok(),
            ],
            tiebreak: fast.u64(names::TIEBREAK).ok(),
            id_low: fast.u64(names::ID_LOW).ok(),
            kind_order: fast.u64(names::KIND_ORDER).ok(),
        }
    }
}

/// What is read from each searched segment, opened once and shared by every search (a
/// segment never changes): its [`RankColumns`] (opening a column reads its header and its
/// blocks' index: for the seven columns of a ranked page, 4-9 % of a search), the value
/// ordinals of the facet columns counted in it ([`ValueOrds`]), the words of its
/// searched text for typos and prefixes ([`SegmentWords`]), and its documents of each kind
/// and statuses searched ([`listed::Kept`]).
///
/// It is the index reader's [`Warmer`]: when a commit or a merge brings new segments, their
/// columns are opened, and the facet columns counted so far (and the words, once a search
/// has looked for a typo or a prefix, and the documents listed) are made for them, before the
/// new searcher is searched (made by the first faceted search instead, a merged segment's
/// values cost that search 20 ms at 100k services, 270 ms at 1M). What no searcher still
/// open holds is forgotten: merged-away segments' files can go.
#[derive(Default)]
pub struct ColumnCache {
    segments: Mutex<HashMap<SegmentId, Arc<RankColumns>>>,
    listed: Arc<listed::Kept>,
    facets: Mutex<HashMap<(SegmentId, &'static str), KeptValues>>,
    words: Mutex<KeptWords>,
}

/// The words of the searched text fields per segment ([`super::typos::SegmentWords`]), and
/// those fields (the same for every search; set by the first that asks).
#[derive(Default)]
struct KeptWords {
    fields: Vec<Field>,
    segments: HashMap<SegmentId, Arc<SegmentWords>>,
}

/// A facet column's values in one segment, or `None` when the segment lacks the column.
type KeptValues = Option<Arc<ValueOrds>>;

impl ColumnCache {
    /// The columns of `segment`, opened now if they were not yet.
    pub fn columns(&self, segment: &SegmentReader) -> Arc<RankColumns> {
        let mut segments = lock(&self.segments);
        Arc::clone(
            segments
                .entry(segment.segment_id())
                .or_insert_with(|| Arc::new(RankColumns::open(segment))),
        )
    }

    /// The value ordinals of the string column `field` in `segment` (`None` when the
    /// segment has no such column), made now if they were not yet.
    pub fn value_ords(
        &self,
        segment: &SegmentReader,
        field: &'static str,
    ) -> tantivy::Result<Option<Arc<ValueOrds>>> {
        let key = (segment.segment_id(), field);
        if let Some(kept) = lock(&self.facets).get(&key) {
            return Ok(kept.clone());
        }
        // Made outside the lock: another search may make the same meanwhile, harmlessly.
        let made = segment
            .fast_fields()
            .str(field)?
            .map(|column| Arc::new(ValueOrds::of(&column, segment.max_doc())));
        lock(&self.facets).insert(key, made.clone());
        Ok(made)
    }

    /// The words of the searched text `fields` in `segment`, each once, made now if they
    /// were not yet. Every search asks with the same fields.
    pub fn words(
        &self,
        segment: &SegmentReader,
        fields: &[Field],
    ) -> tantivy::Result<Arc<SegmentWords>> {
        {
            let mut kept = lock(&self.words);
            if kept.fields.is_empty() {
                kept.fields = fields.to_vec();
            }
            debug_assert_eq!(kept.fields, fields, "words are kept for one set of fields");
            if let Some(words) = kept.segments.get(&segment.segment_id()) {
                return Ok(Arc::clone(words));
            }
        }
        // Made outside the lock, as the facet values are.
        let made = Arc::new(SegmentWords::of(segment, fields)?);
        lock(&self.words)
            .segments
            .insert(segment.segment_id(), Arc::clone(&made));
        Ok(made)
    }

    /// The documents each segment lists ([`listed::Kept`]).
    pub fn listed(&self) -> &Arc<listed::Kept> {
        &self.listed
    }

    /// Forgets the segments for which `searched` is false.
    fn keep_only(&self, searched: impl Fn(&SegmentId) -> bool) {
        lock(&self.segments).retain(|id, _| searched(id));
        self.listed.keep_only(&searched);
        lock(&self.facets).retain(|(id, _), _| searched(id));
        lock(&self.words).segments.retain(|id, _| searched(id));
    }
}

#[cfg(test)]
impl ColumnCache {
    /// Whether the values of `field` in `segment` are kept.
    pub(super) fn holds_values(&self, segment: SegmentId, field: &'static str) -> bool {
        lock(&self.facets).contains_key(&(segment, field))
    }

    /// A reader of `index`, reloaded by hand, that this cache warms.
    pub(super) fn warming(self: &Arc<Self>, index: &tantivy::Index) -> tantivy::IndexReader {
        let warmer: std::sync::Weak<dyn Warmer> = Arc::downgrade(self) as _;
        index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .warmers(vec![warmer])
            .try_into()
            .unwrap()
    }
}

/// The segment `searcher` holds other than `old`.
#[cfg(test)]
pub(super) fn segment_besides(searcher: &Searcher, old: SegmentId) -> SegmentId {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.segment_id())
        .find(|id| *id != old)
        .unwrap()
}

impl Warmer for ColumnCache {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let counted: BTreeSet<&'static str> =
            lock(&self.facets).keys().map(|(_, field)| *field).collect();
        let worded = lock(&self.words).fields.clone();
        for segment in searcher.segment_readers() {
            self.columns(segment);
            for field in &counted {
                self.value_ords(segment, field)?;
            }
            if !worded.is_empty() {
                self.words(segment, &worded)?;
            }
        }
        self.listed.warm(searcher)
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        self.keep_only(|id| {
            live.iter()
                .any(|generation| generation.segments().contains_key(id))
        });
    }
}

/// The mutex's guard, also after a panic elsewhere (what it guards stays whole).
pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// [`Rank`] on one segment.
pub struct RankSegment {
    mode: Mode,
    today: i64,
    columns: Arc<RankColumns>,
    /// The highest score whose [`bound`] fell below the page's threshold: every score up to
    /// it falls below it too (the bound never falls as the score rises, and the threshold
    /// only rises), and is dropped without working out its bound.
    rejected: Score,
}

/// The full sort key, descending: the rank, then name order and the id, its first 8 bytes
/// then its last (inverted, so that they ascend). With the whole id last, no two documents
/// of a kind tie, and a page follows the one before it whatever the segments (ids whose
/// first 8 bytes are the same, as a feed numbering its records may make, used to go by
/// where their documents were in the index).
pub type RankKey = (f64, u64, u64, u64, u64);

impl SortKeyComputer for Rank {
    type SortKey = RankKey;
    type Child = RankSegment;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        matches!(
            *self.mode,
            Mode::Relevance
                | Mode::Nearby {
                    text: true,
                    by_distance: false,
                    ..
                }
        )
    }

    fn segment_sort_key_computer(&self, segment: &SegmentReader) -> tantivy::Result<RankSegment> {
        Ok(RankSegment {
            mode: *self.mode,
            today: self.today,
            columns: self.cache.columns(segment),
            rejected: Score::NEG_INFINITY,
        })
    }
}

impl RankSegment {
    fn quality(&self, doc: DocId) -> f64 {
        let assured = self
            .columns
            .assured
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(0);
        let closed = self
            .columns
            .closed
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or(0)
            == 1;
        quality(assured, closed, self.today)
    }
}

impl SegmentSortKeyComputer for RankSegment {
    type SortKey = RankKey;
    type SegmentSortKey = RankKey;
    type SegmentComparator = NaturalComparator;

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> RankKey {
        let rank = self.rank(doc, score);
        self.key(doc, rank)
    }

    /// A document whose key cannot reach the page's current threshold is dropped from its
    /// score alone, without reading its columns (most matches of a broad search); one whose
    /// rank falls below it, without reading the name and id columns that only break ties
    /// (most matches of a browse, whose rank is a few quality levels).
    #[inline]
    fn compute_sort_key_and_collect<C: Comparator<RankKey>>(
        &mut self,
        doc: DocId,
        score: Score,
        top_n: &mut TopNComputer<RankKey, DocId, C>,
    ) {
        let threshold = top_n.threshold.as_ref().map(|threshold| threshold.0);
        if let Some(threshold) = threshold {
            // Most matches of a broad search: a comparison instead of a division.
            if score <= self.rejected {
                return;
            }
            if bound(self.mode, score).is_some_and(|bound| bound < threshold) {
                self.rejected = score;
                return;
            }
        }
        let rank = self.rank(doc, score);
        if threshold.is_some_and(|threshold| rank < threshold) {
            return;
        }
        let key = self.key(doc, rank);
        top_n.push(key, doc);
    }

    fn convert_segment_sort_key(&self, key: RankKey) -> RankKey {
        key
    }
}

impl RankSegment {
    /// The full key of a document of rank `rank`: ties go by name, then id.
    fn key(&self, doc: DocId, rank: f64) -> RankKey {
        let ascending = |column: &Option<Column<u64>>| {
            u64::MAX - column.as_ref().and_then(|c| c.first(doc)).unwrap_or(0)
        };
        (
            rank,
            ascending(&self.columns.name_order[0]),
            ascending(&self.columns.name_order[1]),
            ascending(&self.columns.tiebreak),
            ascending(&self.columns.id_low),
        )
    }

    fn rank(&self, doc: DocId, score: Score) -> f64 {
        let quality = self.quality(doc);
        let (tiers, text) = split(score);
        match self.mode {
            Mode::Relevance => tiers * TIER_KEY + text * quality,
            Mode::Browse => quality,
            Mode::Nearby {
                centre,
                text: has_text,
                by_distance,
            } => {
                let nearest = self.columns.sites.as_ref().and_then(|column| {
                    column
                        .values_for_doc(doc)
                        .map(|bits| centre.closeness(decode_point(bits)))
                        .min_by(f64::total_cmp)
                        .map(Near::metres)
                });
                let relevance = (has_text && !by_distance).then_some(text * quality);
                // Nearest first is distance alone: a quality bonus here would put an open
                // service a fraction of a metre further before a closed one.
                // Area-wide services without text go open and fresh first.
                let area_wide = if nearest.is_none() && relevance.is_none() {
                    quality
                } else {
                    0.0
                };
                // By distance, a relaxed search's results are not tiered by words matched
                // either: nearest first means nearest first.
                let tiers = if by_distance { 0.0 } else { tiers * TIER_KEY };
                rank_key(nearest, relevance) + tiers + area_wide
            }
        }
    }
}

/// The most [`RankSegment::rank`] can be in `mode` for a document with this score, when the
/// score says (quality and distance decay are at most 1, and they only multiply text
/// relevance): computed with the same additions in the same order, so rounding keeps it an
/// upper bound, and never lower for a higher score. `None` when the rank is not bounded by
/// the score (browsing, nearest first).
fn bound(mode: Mode, score: Score) -> Option<f64> {
    let (tiers, text) = split(score);
    match mode {
        Mode::Relevance => Some(tiers * TIER_KEY + text),
        Mode::Nearby {
            text: true,
            by_distance: false,
            ..
        } => Some(rank_key(Some(0.0), Some(text)) + tiers * TIER_KEY),
        Mode::Nearby { .. } | Mode::Browse => None,
    }
}

/// A score's tiers (whole [`TIER`]s: places in the area asked for, words matched in a
/// relaxed search) and its text relevance (the rest, clamped below one tier).
pub fn split(score: Score) -> (f64, f64) {
    let score = f64::from(score.max(0.0));
    let tier = f64::from(TIER);
    let tiers = (score / tier).floor();
    (tiers, (score - tiers * tier).min(tier))
}

/// The key of one tier: above any text relevance times quality and decay.
const TIER_KEY: f64 = 1.0e4;

/// The quality factor of a record: last checked on day `assured` (0: never), closed or not.
pub fn quality(assured: i64, closed: bool, today: i64) -> f64 {
    let stale = assured == 0 || today - assured > STALE_AFTER_DAYS;
    (if stale { STALE_FACTOR } else { 1.0 }) * (if closed { CLOSED_FACTOR } else { 1.0 })
}

/// The key near a point, descending: local first (relevance times decay, or nearest), then
/// area-wide (relevance, or all equal).
pub fn rank_key(nearest_metres: Option<f64>, relevance: Option<f64>) -> f64 {
    match (nearest_metres, relevance) {
        (Some(metres), Some(score)) => {
            LOCAL_TIER + score * 0.5f64.powf(metres / HALF_RELEVANCE_METRES)
        }
        (Some(metres), None) => LOCAL_TIER + (FURTHEST_METRES - metres.min(FURTHEST_METRES)),
        (None, Some(score)) => score,
        (None, None) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::location::LatLon;
    use proptest::prelude::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{FAST, IndexRecordOption, STRING, Schema, TEXT, Term};
    use tantivy::{DocAddress, Index, TantivyDocument};

    /// An index of `count` matching documents whose scores, freshness, closure, names and
    /// places vary (a small linear congruential sequence: the same every run), and its term.
    fn varied_index(count: u64) -> (Index, Term) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let kind = schema.add_text_field("kind", STRING);
        let assured = schema.add_i64_field(names::ASSURED_DAY, FAST);
        let closed = schema.add_u64_field(names::CLOSED, FAST);
        let order = names::NAME_ORDER.map(|name| schema.add_u64_field(name, FAST));
        let tiebreak = schema.add_u64_field(names::TIEBREAK, FAST);
        let site = schema.add_u64_field(names::SITE_POINT, FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut seed = 20_261_206u64;
        let mut next = |modulo: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % modulo
        };
        for n in 0..count {
            let mut doc = TantivyDocument::new();
            let words = "food ".repeat(1 + next(4) as usize) + &"other ".repeat(next(30) as usize);
            doc.add_text(body, &words);
            doc.add_text(kind, "service");
            doc.add_i64(assured, [0, 20_000, 19_000][next(3) as usize]);
            doc.add_u64(closed, u64::from(next(5) == 0));
            // Few distinct names, so that equal ranks fall to names and the tie-break.
            doc.add_u64(order[0], next(3));
            doc.add_u64(order[1], next(2));
            doc.add_u64(tiebreak, n);
            let point = LatLon::new(51.5 + next(100) as f64 / 1_000.0, -0.05).unwrap();
            doc.add_u64(site, super::super::geo::encode_point(point));
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, Term::from_field_text(body, "food"))
    }

    #[test]
    fn the_column_cache_forgets_segments_no_longer_searched() {
        let (index, _) = varied_index(10);
        let searcher = index.reader().unwrap().searcher();
        let cache = ColumnCache::default();
        let segment = &searcher.segment_readers()[0];
        let first = cache.columns(segment);
        assert!(Arc::ptr_eq(&first, &cache.columns(segment)), "opened once");
        cache.garbage_collect(&[searcher.generation()]);
        assert_eq!(cache.segments.lock().unwrap().len(), 1);
        let (other, _) = varied_index(10);
        cache.garbage_collect(&[other.reader().unwrap().searcher().generation()]);
        assert!(cache.segments.lock().unwrap().is_empty());
    }

    #[test]
    fn a_page_is_the_head_of_the_whole_order_in_every_mode() {
        let count = 600;
        let (index, term) = varied_index(count);
        let searcher = index.reader().unwrap().searcher();
        let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
        let centre = Near::new(LatLon::new(51.55, -0.05).unwrap());
        let modes = [
            Mode::Relevance,
            Mode::Nearby {
                centre,
                text: true,
                by_distance: false,
            },
            Mode::Nearby {
                centre,
                text: true,
                by_distance: true,
            },
            Mode::Browse,
        ];
        // Pages take their columns from a cache, as searches do; the whole order opens them.
        let cache = Arc::new(ColumnCache::default());
        for mode in modes {
            // A fresh cache opens every column again.
            let rank = || Rank::new(mode, 20_010, Arc::default());
            let cached = || Rank::new(mode, 20_010, Arc::clone(&cache));
            // Every match at once: the page never fills, so no threshold ever drops one.
            let all: Vec<DocAddress> = searcher
                .search(
                    &query,
                    &TopDocs::with_limit(count as usize).order_by(rank()),
                )
                .unwrap()
                .into_iter()
                .map(|(_, address)| address)
                .collect();
            assert_eq!(all.len(), count as usize);
            for (size, offset) in [(1, 0), (3, 0), (5, 7), (20, 0), (20, 40)] {
                let page: Vec<DocAddress> = searcher
                    .search(
                        &query,
                        &TopDocs::with_limit(size)
                            .and_offset(offset)
                            .order_by(cached()),
                    )
                    .unwrap()
                    .into_iter()
                    .map(|(_, address)| address)
                    .collect();
                assert_eq!(
                    page,
                    all[offset..offset + size],
                    "{mode:?}: a page of {size} from {offset}"
                );
            }
        }
    }

    /// Services alike in everything the rank reads, named alike, whose ids differ only in
    /// their last 8 bytes (as a feed numbering its records makes them), list in id order,
    /// however their documents were written: whichever segment or place a document is in.
    #[test]
    fn services_alike_but_for_their_ids_list_in_id_order() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let tiebreak = schema.add_u64_field(names::TIEBREAK, FAST);
        let id_low = schema.add_u64_field(names::ID_LOW, FAST);
        let order = names::NAME_ORDER.map(|name| schema.add_u64_field(name, FAST));
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // Written last id first, over three commits (three segments).
        for batch in [[9u64, 8, 7], [6, 5, 4], [3, 2, 1]] {
            for low in batch {
                let mut doc = TantivyDocument::new();
                doc.add_text(body, "food bank");
                doc.add_u64(tiebreak, 0x5e00_0001_0000_4000);
                doc.add_u64(id_low, low);
                doc.add_u64(order[0], 7);
                doc.add_u64(order[1], 7);
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let column = |address: DocAddress| {
            searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64(names::ID_LOW)
                .unwrap()
                .first(address.doc_id)
                .unwrap()
        };
        let query = TermQuery::new(
            Term::from_field_text(body, "food"),
            IndexRecordOption::WithFreqs,
        );
        for mode in [Mode::Relevance, Mode::Browse] {
            for (size, offset) in [(9, 0), (4, 0), (4, 4)] {
                let page: Vec<u64> = searcher
                    .search(
                        &query,
                        &TopDocs::with_limit(size)
                            .and_offset(offset)
                            .order_by(Rank::new(mode, 20_010, Arc::default())),
                    )
                    .unwrap()
                    .into_iter()
                    .map(|(_, address)| column(address))
                    .collect();
                let expected: Vec<u64> = (1..=9).skip(offset).take(size).collect();
                assert_eq!(page, expected, "{mode:?}: {size} from {offset}");
            }
        }
    }

    #[test]
    fn tiers_and_text_relevance_are_told_apart() {
        assert_eq!(split(2.0 * TIER + 12.5), (2.0, 12.5));
        assert_eq!(split(7.25), (0.0, 7.25));
        assert_eq!(split(-1.0), (0.0, 0.0));
    }

    #[test]
    fn fresh_and_open_rank_above_stale_or_closed() {
        let today = 20_000;
        assert_eq!(quality(today - 10, false, today), 1.0);
        assert!(quality(today - 400, false, today) < 1.0);
        assert!(quality(0, false, today) < 1.0, "never checked is stale");
        assert!(quality(today - 10, true, today) < quality(today - 400, false, today));
    }

    proptest! {
        #[test]
        fn local_always_ranks_above_area_wide(metres in 0.0f64..2.0e7, score in 0.0f64..1.0e4, other in 0.0f64..1.0e6) {
            prop_assert!(rank_key(Some(metres), Some(score)) > rank_key(None, Some(other)));
            prop_assert!(rank_key(Some(metres), None) > rank_key(None, None));
        }

        #[test]
        // (b is a plus a gap of at least a centimetre: drawn apart, half the cases were
        // rejected, and long runs with PROPTEST_CASES gave up.)
        fn nearer_ranks_higher_at_equal_relevance(a in 0.0f64..50_000.0, gap in 0.01f64..50_000.0, score in 0.1f64..100.0) {
            let b = a + gap;
            prop_assert!(rank_key(Some(a), Some(score)) >= rank_key(Some(b), Some(score)));
            prop_assert!(rank_key(Some(a), None) > rank_key(Some(b), None));
        }

        /// What the collector's shortcut rests on: a higher score never has a lower bound.
        /// Scores are drawn from the whole range a search gives (tiers up to a place in
        /// several areas), their neighbours included.
        #[test]
        fn the_bound_never_falls_as_the_score_rises(
            low in 0.0f32..400_000.0,
            gap in prop_oneof![Just(0.0f32), 0.0f32..0.01, 0.0f32..2_000.0],
        ) {
            let high = low + gap;
            let next = f32::from_bits(low.to_bits() + 1);
            let centre = Near::new(LatLon::new(51.5, 0.0).unwrap());
            for mode in [
                Mode::Relevance,
                Mode::Nearby { centre, text: true, by_distance: false },
            ] {
                let at = |score| bound(mode, score).unwrap();
                prop_assert!(at(low) <= at(high), "{mode:?} {low} {high}");
                prop_assert!(at(low) <= at(next), "{mode:?} {low} {next}");
            }
        }
    }
}
