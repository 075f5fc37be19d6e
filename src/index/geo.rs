//! Geography in the index: encoding places as points, the radius filter, and the ranking
//! that puts nearby services first.

use std::sync::Arc;

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::{DocId, Score, SegmentReader};

use super::schema::SITE_POINT_FIELD;
use crate::domain::geo::{BoundingBox, distance_metres};
use crate::domain::location::LatLon;

const SCALE: f64 = u32::MAX as f64;

/// Packs a point into 64 bits (32 per coordinate, about 4 mm of precision).
pub fn encode_point(point: LatLon) -> u64 {
    let latitude = ((point.latitude() + 90.0) / 180.0 * SCALE).round() as u64;
    let longitude = ((point.longitude() + 180.0) / 360.0 * SCALE).round() as u64;
    latitude << 32 | longitude
}

/// Unpacks [`encode_point`].
pub fn decode_point(bits: u64) -> LatLon {
    let latitude = (bits >> 32) as f64 / SCALE * 180.0 - 90.0;
    let longitude = (bits & 0xffff_ffff) as f64 / SCALE * 360.0 - 180.0;
    LatLon::new(latitude.clamp(-90.0, 90.0), longitude.clamp(-180.0, 180.0)).expect("clamped")
}

fn sites(segment: &SegmentReader) -> Option<Column<u64>> {
    segment.fast_fields().u64(SITE_POINT_FIELD).ok()
}

/// Documents with a place within `radius_metres` of `centre` (a bounding box first, then the
/// exact distance).
pub fn within(centre: LatLon, radius_metres: f64) -> Box<dyn Query> {
    let bounds = BoundingBox::around(centre, radius_metres);
    let predicate = FunctionPredicate::from(move |segment: &SegmentReader| {
        let column = sites(segment);
        Ok(move |doc: DocId| {
            column.as_ref().is_some_and(|column| {
                column.values_for_doc(doc).map(decode_point).any(|point| {
                    bounds.contains(point) && distance_metres(centre, point) <= radius_metres
                })
            })
        })
    });
    Box::new(DocPredicateQuery::from(predicate))
}

/// Distance over which relevance halves when ranking text results near a postcode.
pub const HALF_RELEVANCE_METRES: f64 = 1_500.0;
const LOCAL_TIER: f64 = 4.0e9;
const FURTHEST_METRES: f64 = 2.1e7;

/// Ranks documents for a search near a point: documents with places first (blended text
/// relevance and distance decay, or nearest first without text), then area-wide documents
/// (by relevance, or all equal without text).
#[derive(Clone)]
pub struct NearbyRank {
    centre: Arc<LatLon>,
    text: bool,
}

impl NearbyRank {
    /// The ranking for a search near `centre`, with or without text.
    pub fn new(centre: LatLon, text: bool) -> Self {
        Self {
            centre: Arc::new(centre),
            text,
        }
    }
}

/// [`NearbyRank`] on one segment.
pub struct NearbyRankSegment {
    column: Option<Column<u64>>,
    centre: LatLon,
    text: bool,
}

impl SortKeyComputer for NearbyRank {
    type SortKey = f64;
    type Child = NearbyRankSegment;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        self.text
    }

    fn segment_sort_key_computer(
        &self,
        segment: &SegmentReader,
    ) -> tantivy::Result<NearbyRankSegment> {
        Ok(NearbyRankSegment {
            column: sites(segment),
            centre: *self.centre,
            text: self.text,
        })
    }
}

impl SegmentSortKeyComputer for NearbyRankSegment {
    type SortKey = f64;
    type SegmentSortKey = f64;
    type SegmentComparator = NaturalComparator;

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> f64 {
        let nearest = self.column.as_ref().and_then(|column| {
            column
                .values_for_doc(doc)
                .map(|bits| distance_metres(self.centre, decode_point(bits)))
                .min_by(f64::total_cmp)
        });
        rank_key(nearest, self.text.then_some(f64::from(score)))
    }

    fn convert_segment_sort_key(&self, key: f64) -> f64 {
        key
    }
}

/// The key [`NearbyRank`] sorts by, descending.
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
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn points_survive_encoding(latitude in -90.0f64..=90.0, longitude in -180.0f64..=180.0) {
            let point = LatLon::new(latitude, longitude).unwrap();
            let back = decode_point(encode_point(point));
            prop_assert!(distance_metres(point, back) < 0.05, "{point:?} came back as {back:?}");
        }

        #[test]
        fn local_always_ranks_above_area_wide(metres in 0.0f64..2.0e7, score in 0.0f64..1.0e4, other in 0.0f64..1.0e6) {
            prop_assert!(rank_key(Some(metres), Some(score)) > rank_key(None, Some(other)));
            prop_assert!(rank_key(Some(metres), None) > rank_key(None, None));
        }

        #[test]
        fn nearer_ranks_higher_at_equal_relevance(a in 0.0f64..50_000.0, b in 0.0f64..50_000.0, score in 0.1f64..100.0) {
            prop_assume!(a < b);
            prop_assert!(rank_key(Some(a), Some(score)) >= rank_key(Some(b), Some(score)));
            prop_assert!(rank_key(Some(a), None) > rank_key(Some(b), None));
        }
    }
}
