//! Geography in the index: encoding places as points, and the radius filter.
//!
//! A radius search first narrows to the grid cells its bounding box overlaps, then checks
//! each place found there exactly. The grid halves the 32-bit coordinates of
//! [`encode_point`]: a place is indexed in its cell at every level of [`CELL_LEVELS`]
//! (level `n` keeps the top `n` bits of each coordinate: at level 13, cells of about
//! 2.4 by 3 km in England), and a search takes the finest level at which its box overlaps
//! at most [`MAX_CELLS`] cells. Looking up a few cells' posting lists skips straight to
//! the places near the point; a range filter on latitude and longitude columns read every
//! value of a block of documents to find the few in range (a fifth of a 3 km text search).

use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::{DocId, SegmentReader};

use super::schema::names;
use crate::domain::geo::{BoundingBox, Near, Radius};
use crate::domain::location::LatLon;

const SCALE: f64 = u32::MAX as f64;

/// Packs a point into 64 bits (32 per coordinate, about 4 mm of precision).
pub fn encode_point(point: LatLon) -> u64 {
    u64::from(latitude_bits(point.latitude())) << 32 | u64::from(longitude_bits(point.longitude()))
}

fn latitude_bits(latitude: f64) -> u32 {
    ((latitude.clamp(-90.0, 90.0) + 90.0) / 180.0 * SCALE).round() as u32
}

fn longitude_bits(longitude: f64) -> u32 {
    ((longitude.clamp(-180.0, 180.0) + 180.0) / 360.0 * SCALE).round() as u32
}

/// The grid levels a place is indexed at (see the module documentation).
pub const CELL_LEVELS: std::ops::RangeInclusive<u32> = 8..=16;
/// Most cells a radius search looks up (at the finest level where its box needs no more).
pub const MAX_CELLS: u64 = 16;

/// The term of the cell at `level` holding the coordinates' bits.
fn cell(level: u32, latitude: u32, longitude: u32) -> u64 {
    let shift = 32 - level;
    u64::from(level) << 48 | u64::from(latitude >> shift) << 24 | u64::from(longitude >> shift)
}

/// The cells a place is in, one per level of [`CELL_LEVELS`].
pub fn cells(point: LatLon) -> impl Iterator<Item = u64> {
    let latitude = latitude_bits(point.latitude());
    let longitude = longitude_bits(point.longitude());
    CELL_LEVELS.map(move |level| cell(level, latitude, longitude))
}

/// Cells that together hold every point of `bounds`, at the finest level needing no more
/// than [`MAX_CELLS`]; `None` when even the coarsest level needs more (a box hundreds of
/// kilometres wide, or around a pole).
pub fn covering_cells(bounds: &BoundingBox) -> Option<Vec<u64>> {
    let south = latitude_bits(bounds.min_latitude);
    let north = latitude_bits(bounds.max_latitude);
    let west = longitude_bits(bounds.min_longitude);
    let east = longitude_bits(bounds.max_longitude);
    CELL_LEVELS.rev().find_map(|level| {
        let shift = 32 - level;
        let rows = (south >> shift)..=(north >> shift);
        let columns = (west >> shift)..=(east >> shift);
        let count = rows.clone().count() as u64 * columns.clone().count() as u64;
        (count <= MAX_CELLS).then(|| {
            rows.flat_map(|row| {
                columns
                    .clone()
                    .map(move |column| cell(level, row << shift, column << shift))
            })
            .collect()
        })
    })
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
    let (near, radius) = (Near::new(centre), Radius::new(radius_metres));
    let predicate = FunctionPredicate::from(move |segment: &SegmentReader| {
        let column = sites(segment);
        Ok(move |doc: DocId| {
            column.as_ref().is_some_and(|column| {
                column
                    .values_for_doc(doc)
                    .map(decode_point)
                    .any(|point| bounds.contains(point) && near.within(point, &radius))
            })
        })
    });
    Box::new(DocPredicateQuery::from(predicate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::geo::distance_metres;
    use geo::Destination;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn points_survive_encoding(latitude in -90.0f64..=90.0, longitude in -180.0f64..=180.0) {
            let point = LatLon::new(latitude, longitude).unwrap();
            let back = decode_point(encode_point(point));
            prop_assert!(distance_metres(point, back) < 0.05, "{point:?} came back as {back:?}");
        }

        /// Every place within the radius is in one of the cells a radius search looks up.
        #[test]
        fn the_cells_looked_up_hold_every_place_within_the_radius(
            latitude in -80.0f64..=80.0,
            longitude in -179.0f64..=179.0,
            radius in 10.0f64..300_000.0,
            bearing in 0.0f64..360.0,
            fraction in 0.0f64..=1.0,
        ) {
            let centre = LatLon::new(latitude, longitude).unwrap();
            let bounds = BoundingBox::around(centre, radius);
            let place = geo::Haversine.destination(
                geo::Point::new(longitude, latitude),
                bearing,
                radius * fraction,
            );
            let place = LatLon::new(place.y(), place.x()).unwrap();
            prop_assume!(distance_metres(centre, place) <= radius);
            if let Some(looked_up) = covering_cells(&bounds) {
                prop_assert!(looked_up.len() as u64 <= MAX_CELLS);
                prop_assert!(
                    cells(place).any(|cell| looked_up.contains(&cell)),
                    "{place:?}, {radius} m from {centre:?}, is in none of {looked_up:?}"
                );
            } else {
                prop_assert!(radius > 50_000.0, "a {radius} m search found no cells");
            }
        }

    }
}
