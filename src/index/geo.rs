//! Geography in the index: encoding places as points, and the radius filter.

use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::{DocId, SegmentReader};

use super::schema::names;
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

/// The places column of a segment.
pub fn sites(segment: &SegmentReader) -> Option<Column<u64>> {
    segment.fast_fields().u64(names::SITE_POINT).ok()
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

    }
}
