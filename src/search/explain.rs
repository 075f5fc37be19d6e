//! Why a result matched a geographic search: a place nearby (with its distance), a place in
//! the area, an area the service covers, or a service delivered online or by phone.
//!
//! Distances to confidential places are measured from their ward's centroid (see
//! [`crate::geography::Placement::public_point`]) and rounded to the nearest 500 m (never
//! shown as less than 500 m), so a refuge cannot be located by searching from different
//! postcodes.

use serde::Serialize;

use crate::domain::geo::distance_metres;
use crate::domain::ids::ServiceAtLocationId;
use crate::geography::{Geography, PlacedService, Site};
use crate::search::query::{Area, GeoFilter};

/// Rounding for distances to confidential places.
pub const CONFIDENTIAL_DISTANCE_STEP_METRES: f64 = 500.0;

/// The reason a result matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// It has a place near the searcher's postcode (within `proximity`, when given).
    Nearby,
    /// It has a place inside the locality or ward asked for.
    InArea,
    /// Its coverage includes the searcher's area.
    CoversYourArea,
    /// It has no place to visit: it is delivered online or by phone, and covers the area.
    OnlineOrPhone,
}

/// The reason, with the distance to the nearest place when a postcode was given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MatchExplanation {
    /// Why it matched.
    pub reason: MatchReason,
    /// Metres from the searcher's postcode to the nearest place, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_metres: Option<u64>,
}

fn shown_distance(metres: f64, confidential: bool) -> u64 {
    if confidential {
        let step = CONFIDENTIAL_DISTANCE_STEP_METRES;
        ((metres / step).round() * step).max(step) as u64
    } else {
        metres.round() as u64
    }
}

fn in_area(site: &Site<'_>, area: &Area, geography: &Geography) -> bool {
    let Some(ward) = site.placement.ward else {
        return false;
    };
    match area {
        Area::Ward(code) => geography.wards()[ward].code == *code,
        Area::Locality(id) => geography.locality_of(ward).id == *id,
    }
}

/// Explains a result of a geographic search; `None` when the search was not geographic.
/// With `link`, only that place of the service counts (a `/service_at_locations` row).
pub fn explain(
    placed: &PlacedService,
    link: Option<ServiceAtLocationId>,
    geo: &GeoFilter,
    geography: &Geography,
) -> Option<MatchExplanation> {
    if geo.is_empty() {
        return None;
    }
    let sites: Vec<Site<'_>> = placed
        .sites()
        .filter(|site| link.is_none_or(|id| site.link.id == id))
        .collect();
    let nearest = geo.near.as_ref().and_then(|near| {
        sites
            .iter()
            .filter_map(|site| {
                site.placement.public_point.map(|point| {
                    (
                        distance_metres(near.point, point),
                        site.location.confidential,
                    )
                })
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
    });
    let distance_metres =
        nearest.map(|(metres, confidential)| shown_distance(metres, confidential));
    let covering = if placed.has_site() {
        MatchReason::CoversYourArea
    } else {
        MatchReason::OnlineOrPhone
    };
    let reason = if let Some(near) = &geo.near {
        let within = match (nearest, near.radius_metres) {
            (Some((metres, _)), Some(radius)) => metres <= radius,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if within {
            MatchReason::Nearby
        } else {
            covering
        }
    } else {
        let inside = sites.iter().any(|site| {
            geo.area_groups.iter().all(|group| {
                group
                    .areas
                    .iter()
                    .any(|area| in_area(site, area, geography))
            })
        });
        if inside {
            MatchReason::InArea
        } else {
            covering
        }
    };
    Some(MatchExplanation {
        reason,
        distance_metres,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidential_distances_are_coarse() {
        assert_eq!(shown_distance(123.4, false), 123);
        assert_eq!(shown_distance(123.4, true), 500);
        assert_eq!(shown_distance(1_240.0, true), 1_000);
        assert_eq!(shown_distance(1_260.0, true), 1_500);
    }
}
