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

/// Distances from one point to many, as a radius search and nearest-first ranking need
/// them: the centre's share of the haversine is worked out once, and points are compared
/// by the haversine's `a` term (the square of half the chord), which grows with distance,
/// so the arc sine is taken only for the distance kept, not for every point looked at.
/// The metres are [`distance_metres`]'s to the bit: the same operations in the same order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    centre: LatLon,
    cos_latitude: f64,
}

impl Near {
    /// Distances from `centre`.
    pub fn new(centre: LatLon) -> Self {
        Self {
            centre,
            cos_latitude: centre.latitude().to_radians().cos(),
        }
    }

    /// The haversine's `a` for `point`: orders points as their distance from the centre does.
    pub fn closeness(&self, point: LatLon) -> f64 {
        let delta_theta = (point.latitude() - self.centre.latitude()).to_radians();
        let delta_lambda = (point.longitude() - self.centre.longitude()).to_radians();
        (delta_theta / 2.0).sin().powi(2)
            + self.cos_latitude
                * point.latitude().to_radians().cos()
                * (delta_lambda / 2.0).sin().powi(2)
    }

    /// Metres for a [`Self::closeness`].
    pub fn metres(closeness: f64) -> f64 {
        Haversine.radius() * (2.0 * closeness.sqrt().asin())
    }

    /// Whether `point` is within `radius` metres ([`Radius`] worked out once per search).
    pub fn within(&self, point: LatLon, radius: &Radius) -> bool {
        let closeness = self.closeness(point);
        // Only a point within rounding of the edge pays for its exact metres.
        closeness <= radius.surely_inside
            || (closeness <= radius.surely_outside && Self::metres(closeness) <= radius.metres)
    }
}

/// A radius as [`Near::within`] compares it: metres, and the closeness either side of the
/// edge beyond which rounding cannot change the answer.
#[derive(Debug, Clone, Copy)]
pub struct Radius {
    metres: f64,
    surely_inside: f64,
    surely_outside: f64,
}

impl Radius {
    /// A radius of `metres`.
    pub fn new(metres: f64) -> Self {
        let half_angle = (metres / Haversine.radius() / 2.0).min(std::f64::consts::FRAC_PI_2);
        let edge = half_angle.sin().powi(2);
        Self {
            metres,
            surely_inside: edge * (1.0 - 1e-9),
            surely_outside: edge * (1.0 + 1e-9),
        }
    }
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

        /// Distances from a centre worked out once are the haversine's to the bit, and a
        /// radius holds exactly the points the haversine puts within it.
        #[test]
        fn distances_from_a_centre_are_the_haversines(
            latitude in -89.0f64..89.0, longitude in -180.0f64..180.0,
            other_latitude in -89.0f64..89.0, other_longitude in -180.0f64..180.0,
            near in 0.0f64..1.0, radius in 1.0f64..300_000.0,
        ) {
            let centre = at(latitude, longitude);
            // Half the cases close by, where radius searches are.
            let point = at(
                latitude + (other_latitude - latitude) * near.powi(4),
                longitude + (other_longitude - longitude) * near.powi(4),
            );
            let from = Near::new(centre);
            let metres = distance_metres(centre, point);
            prop_assert_eq!(Near::metres(from.closeness(point)).to_bits(), metres.to_bits());
            prop_assert_eq!(from.within(point, &Radius::new(radius)), metres <= radius);
            // At the edge itself, either side of it.
            prop_assert!(from.within(point, &Radius::new(metres)));
            if metres > 1.0 {
                prop_assert!(!from.within(point, &Radius::new(metres * (1.0 - 1e-6))));
            }
        }
    }
}
