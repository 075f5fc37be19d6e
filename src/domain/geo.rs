//! The one place for distance maths: great-circle distance (haversine, on the GRS80 mean
//! radius, through the `geo` crate) and the bounding box that safely pre-filters a radius
//! search (no point inside the radius is ever outside the box).

use geo::{Distance, Haversine, Point};

use super::location::LatLon;

/// Metres between two points along the earth's surface (haversine).
pub fn distance_metres(from: LatLon, to: LatLon) -> f64 {
    Haversine.distance(
        Point::new(from.longitude(), from.latitude()),
        Point::new(to.longitude(), to.latitude()),
    )
}

/// A latitude/longitude box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Southern edge.
    pub min_latitude: f64,
    /// Northern edge.
    pub max_latitude: f64,
    /// Western edge.
    pub min_longitude: f64,
    /// Eastern edge.
    pub max_longitude: f64,
}

impl BoundingBox {
    /// A box holding every point within `radius_metres` of `centre` (slightly generous, never
    /// too small). Near the poles or across the antimeridian it widens to all longitudes.
    pub fn around(centre: LatLon, radius_metres: f64) -> BoundingBox {
        let earth = Haversine.radius();
        let margin = 1.001;
        let latitude_span = (radius_metres * margin / earth).to_degrees();
        let min_latitude = (centre.latitude() - latitude_span).max(-90.0);
        let max_latitude = (centre.latitude() + latitude_span).min(90.0);
        let widest = centre.latitude().abs() + latitude_span;
        let (min_longitude, max_longitude) = if widest >= 89.0 {
            (-180.0, 180.0)
        } else {
            let cos = widest.to_radians().cos();
            let longitude_span = (radius_metres * margin / (earth * cos)).to_degrees();
            let west = centre.longitude() - longitude_span;
            let east = centre.longitude() + longitude_span;
            if west < -180.0 || east > 180.0 {
                (-180.0, 180.0)
            } else {
                (west, east)
            }
        };
        BoundingBox {
            min_latitude,
            max_latitude,
            min_longitude,
            max_longitude,
        }
    }

    /// Whether the box holds a point.
    pub fn contains(&self, point: LatLon) -> bool {
        (self.min_latitude..=self.max_latitude).contains(&point.latitude())
            && (self.min_longitude..=self.max_longitude).contains(&point.longitude())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Destination;
    use proptest::prelude::*;

    fn at(latitude: f64, longitude: f64) -> LatLon {
        LatLon::new(latitude, longitude).unwrap()
    }

    #[test]
    fn known_distances() {
        let whitechapel = at(51.5195, -0.0593);
        let canary_wharf = at(51.5054, -0.0235);
        let metres = distance_metres(whitechapel, canary_wharf);
        assert!((2800.0..2950.0).contains(&metres), "{metres}");
        assert_eq!(distance_metres(whitechapel, whitechapel), 0.0);
    }

    proptest! {
        #[test]
        fn the_prefilter_box_never_loses_a_point_inside_the_radius(
            latitude in -85.0f64..85.0, longitude in -179.0f64..179.0,
            radius in 1.0f64..100_000.0, bearing in 0.0f64..360.0, fraction in 0.0f64..=1.0,
        ) {
            let centre = at(latitude, longitude);
            let target = Haversine.destination(Point::new(longitude, latitude), bearing, radius * fraction);
            let Ok(point) = LatLon::new(target.y(), target.x()) else { return Ok(()) };
            prop_assume!(distance_metres(centre, point) <= radius);
            prop_assert!(BoundingBox::around(centre, radius).contains(point),
                "{point:?} is {} m from {centre:?} but outside the box", distance_metres(centre, point));
        }
    }
}
