//! Geography as data: the borough, its localities, wards and PCNs, postcodes, and the rules
//! that place locations and decide what a service covers.
//!
//! Nothing here assumes how many localities, wards or PCNs there are, or what they are
//! called: they come from a geo pack ([`pack`]: ward polygons and the postcode file, exact)
//! or, without one, from the facts shipped in `seed/geography` ([`builtin`]: ward
//! centroids, approximate). The [`Precision`] says which, and callers report it.
//!
//! Rules:
//! - a location is placed by its coordinates, or by its postcode when it has none; its ward
//!   is the ward polygon containing it (exact) or the nearest ward centroid within
//!   [`APPROXIMATE_WARD_RADIUS_METRES`] (approximate); no ward means outside the borough;
//! - a service's coverage comes from its `service_areas` (a ward, a locality, the borough,
//!   London, or national, by code or name); a service with no physical location and no
//!   recognised area (a helpline, an online service) covers the whole borough.

pub mod builtin;
pub mod pack;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use geo::{BoundingRect, Intersects, MultiPolygon, Point, Rect};
use serde::Serialize;

use crate::domain::aggregate::FullService;
use crate::domain::geo::distance_metres;
use crate::domain::ids::LocationId;
use crate::domain::location::{LatLon, Location, LocationType};
use crate::domain::postcode::{Postcode, PostcodeQuery};
use crate::domain::service::ServiceAtLocation;

/// Without polygons, a location further than this from every ward centroid is outside.
pub const APPROXIMATE_WARD_RADIUS_METRES: f64 = 1_500.0;

/// How precise the geography is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Ward polygons and a postcode file: placements are exact.
    Exact,
    /// Ward centroids only: placements are to the nearest ward centroid.
    Approximate,
}

/// The local authority the directory serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Borough {
    /// ONS code, e.g. `E09000030`.
    pub code: String,
    /// Name, e.g. "Tower Hamlets".
    pub name: String,
}

/// A locality: a group of wards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Locality {
    /// Slug of the name, e.g. `south-east`.
    pub id: String,
    /// Name, e.g. "South East".
    pub name: String,
    /// Indexes of its wards in [`Geography::wards`].
    #[serde(skip)]
    pub wards: Vec<usize>,
}

/// An electoral ward.
#[derive(Debug, Clone)]
pub struct Ward {
    /// ONS code, e.g. `E05009323`.
    pub code: String,
    /// Current name.
    pub name: String,
    /// A former name, if it was renamed.
    pub former_name: Option<String>,
    /// Index of its locality in [`Geography::localities`].
    pub locality: usize,
    /// A central point (area-weighted centroid).
    pub centroid: LatLon,
    shape: Option<(MultiPolygon<f64>, Rect<f64>)>,
}

/// A Primary Care Network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pcn {
    /// ODS code, e.g. `U60865`.
    pub code: String,
    /// ODS name.
    pub name: String,
    /// The name people use.
    pub known_as: Option<String>,
    /// Index of its locality in [`Geography::localities`].
    #[serde(skip)]
    pub locality: usize,
}

#[derive(Debug, Clone, Copy)]
struct PostcodeEntry {
    point: LatLon,
    ward: Option<usize>,
}

/// How a point was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointSource {
    /// The record's own coordinates.
    Coordinates,
    /// The centroid of its postcode.
    Postcode,
    /// The centroid of its outward code (approximate).
    OutwardCode,
}

/// Where a location is, as far as the geography can tell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The point, if known.
    pub point: Option<LatLon>,
    /// How the point was found.
    pub point_source: Option<PointSource>,
    /// Index of its ward, `None` when outside the borough or unknown.
    pub ward: Option<usize>,
}

/// Where a searcher's postcode is.
#[derive(Debug, Clone, PartialEq)]
pub struct PostcodeLocation {
    /// The canonical postcode or outward code.
    pub label: String,
    /// Its centroid.
    pub point: LatLon,
    /// Index of its ward, `None` outside the borough.
    pub ward: Option<usize>,
    /// Whether it is a whole postcode's centroid or an outward code's.
    pub source: PointSource,
}

/// Why a postcode could not be located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    /// A well-formed postcode that the geography does not list.
    #[error(
        "we don't know the postcode {0}: it is not in our postcode list (it may be new, or mistyped)"
    )]
    UnknownPostcode(String),
    /// A well-formed outward code that the geography does not list.
    #[error("we don't know the postcode area {0}: none of our postcodes start with it")]
    UnknownOutward(String),
}

/// What a service covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Whether the service says (or is assumed to cover) an area at all.
    pub declared: bool,
    /// Whether it covers the whole country.
    pub national: bool,
    /// Indexes of the wards it covers.
    pub wards: BTreeSet<usize>,
}

/// The loaded geography.
#[derive(Debug, Clone)]
pub struct Geography {
    precision: Precision,
    source: String,
    attribution: String,
    borough: Borough,
    localities: Vec<Locality>,
    wards: Vec<Ward>,
    pcns: Vec<Pcn>,
    postcodes: HashMap<String, PostcodeEntry>,
    outward_centroids: HashMap<String, LatLon>,
    fingerprint: u64,
}

/// Lower-case, `&` as "and", apostrophes dropped, other punctuation as spaces, single
/// spaces; so "St Katharine's & Wapping" and "st katharines and wapping" are one key.
pub fn name_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\'' | '’' | '`' => {}
            '&' => key.push_str(" and "),
            c if c.is_alphanumeric() => key.extend(c.to_lowercase()),
            _ => key.push(' '),
        }
    }
    key.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `South East` → `south-east`.
pub fn slug(text: &str) -> String {
    name_key(text).replace(' ', "-")
}

const NATIONAL_KEYS: &[&str] = &[
    "national",
    "nationwide",
    "uk",
    "united kingdom",
    "great britain",
    "gb",
    "england",
    "e92000001",
    "k02000001",
    "k03000001",
    "uk wide",
    "uk-wide",
    "england and wales",
];
const LONDON_KEYS: &[&str] = &[
    "london",
    "greater london",
    "e12000007",
    "pan london",
    "london wide",
];

/// Everything needed to build a [`Geography`]; checked by [`Geography::new`].
pub struct Parts {
    /// Exact or approximate.
    pub precision: Precision,
    /// Where it came from, for people.
    pub source: String,
    /// Attribution text to show.
    pub attribution: String,
    /// The borough.
    pub borough: Borough,
    /// Localities (with ward indexes filled in by `new`).
    pub locality_names: Vec<String>,
    /// Wards.
    pub wards: Vec<WardPart>,
    /// PCNs: code, name, known as, locality name.
    pub pcns: Vec<(String, String, Option<String>, String)>,
    /// Postcodes: canonical postcode, point, ward code (for in-borough postcodes).
    pub postcodes: Vec<(String, LatLon, Option<String>)>,
    /// Outward code centroids given as facts (used when there is no postcode list).
    pub outward_centroids: Vec<(String, LatLon)>,
    /// Fingerprint of the source data.
    pub fingerprint: u64,
}

/// A ward, as loaded.
pub struct WardPart {
    /// ONS code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Former name.
    pub former_name: Option<String>,
    /// Locality name.
    pub locality: String,
    /// Centroid.
    pub centroid: LatLon,
    /// Boundary, when known.
    pub shape: Option<MultiPolygon<f64>>,
}

impl Geography {
    /// Assembles and cross-checks a geography; the error says what does not fit.
    pub fn new(parts: Parts) -> Result<Geography, String> {
        let mut localities: Vec<Locality> = Vec::new();
        for name in parts.locality_names {
            if localities.iter().any(|l| l.id == slug(&name)) {
                return Err(format!("locality {name:?} is listed twice"));
            }
            localities.push(Locality {
                id: slug(&name),
                name,
                wards: Vec::new(),
            });
        }
        let mut wards = Vec::new();
        for part in parts.wards {
            let locality = localities
                .iter()
                .position(|l| l.id == slug(&part.locality))
                .ok_or_else(|| {
                    format!(
                        "ward {} is in locality {:?}, which is not defined",
                        part.code, part.locality
                    )
                })?;
            if wards.iter().any(|w: &Ward| w.code == part.code) {
                return Err(format!("ward {} is listed twice", part.code));
            }
            localities[locality].wards.push(wards.len());
            let shape = part.shape.map(|polygons| {
                let bounds = polygons.bounding_rect().expect("a ward polygon has points");
                (polygons, bounds)
            });
            wards.push(Ward {
                code: part.code,
                name: part.name,
                former_name: part.former_name,
                locality,
                centroid: part.centroid,
                shape,
            });
        }
        if let Some(empty) = localities.iter().find(|l| l.wards.is_empty()) {
            return Err(format!("locality {:?} has no wards", empty.name));
        }
        let mut pcns = Vec::new();
        for (code, name, known_as, locality_name) in parts.pcns {
            let locality = localities
                .iter()
                .position(|l| l.id == slug(&locality_name))
                .ok_or_else(|| {
                    format!("PCN {code} is in locality {locality_name:?}, which is not defined")
                })?;
            pcns.push(Pcn {
                code,
                name,
                known_as,
                locality,
            });
        }
        let mut postcodes = HashMap::with_capacity(parts.postcodes.len());
        let mut outward_sums: HashMap<String, (f64, f64, usize)> = HashMap::new();
        for (postcode, point, ward_code) in parts.postcodes {
            let ward = match ward_code {
                Some(code) => Some(wards.iter().position(|w| w.code == code).ok_or_else(|| {
                    format!("postcode {postcode} is in ward {code}, which is not defined")
                })?),
                None => None,
            };
            let outward = postcode.split(' ').next().unwrap_or_default().to_owned();
            let sum = outward_sums.entry(outward).or_insert((0.0, 0.0, 0));
            *sum = (
                sum.0 + point.latitude(),
                sum.1 + point.longitude(),
                sum.2 + 1,
            );
            postcodes.insert(postcode, PostcodeEntry { point, ward });
        }
        let mut outward_centroids: HashMap<String, LatLon> =
            parts.outward_centroids.into_iter().collect();
        for (outward, (lat, lon, count)) in outward_sums {
            let centroid =
                LatLon::new(lat / count as f64, lon / count as f64).expect("mean of valid points");
            outward_centroids.insert(outward, centroid);
        }
        Ok(Geography {
            precision: parts.precision,
            source: parts.source,
            attribution: parts.attribution,
            borough: parts.borough,
            localities,
            wards,
            pcns,
            postcodes,
            outward_centroids,
            fingerprint: parts.fingerprint,
        })
    }

    /// Exact or approximate.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Where the geography came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The attribution text the data requires.
    pub fn attribution(&self) -> &str {
        &self.attribution
    }

    /// The borough.
    pub fn borough(&self) -> &Borough {
        &self.borough
    }

    /// Localities, in the order the data gives them.
    pub fn localities(&self) -> &[Locality] {
        &self.localities
    }

    /// Wards, in the order the data gives them.
    pub fn wards(&self) -> &[Ward] {
        &self.wards
    }

    /// PCNs.
    pub fn pcns(&self) -> &[Pcn] {
        &self.pcns
    }

    /// Number of postcodes known.
    pub fn postcode_count(&self) -> usize {
        self.postcodes.len()
    }

    /// Fingerprint of the data, recorded by the search index (which derives placements).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The locality of a ward.
    pub fn locality_of(&self, ward: usize) -> &Locality {
        &self.localities[self.wards[ward].locality]
    }

    /// A locality by its id (`south-east`) or name (`South East`), in any case.
    pub fn locality_by_key(&self, key: &str) -> Option<usize> {
        let wanted = slug(key.trim().trim_end_matches(" locality"));
        self.localities.iter().position(|l| l.id == wanted)
    }

    /// A ward by its code (`E05009323`) or name, in any case.
    pub fn ward_by_key(&self, key: &str) -> Option<usize> {
        let code = key.trim().to_ascii_uppercase();
        let wanted = name_key(key);
        self.wards.iter().position(|w| {
            w.code == code
                || name_key(&w.name) == wanted
                || w.former_name
                    .as_deref()
                    .is_some_and(|f| name_key(f) == wanted)
        })
    }

    /// A PCN by its ODS code, in any case.
    pub fn pcn_by_code(&self, code: &str) -> Option<usize> {
        let wanted = code.trim().to_ascii_uppercase();
        self.pcns.iter().position(|p| p.code == wanted)
    }

    /// The ward containing a point, if any.
    pub fn ward_at(&self, point: LatLon) -> Option<usize> {
        match self.precision {
            Precision::Exact => {
                let here = Point::new(point.longitude(), point.latitude());
                self.wards.iter().position(|ward| {
                    ward.shape.as_ref().is_some_and(|(shape, bounds)| {
                        bounds.intersects(&here) && shape.intersects(&here)
                    })
                })
            }
            Precision::Approximate => self
                .wards
                .iter()
                .enumerate()
                .map(|(at, ward)| (at, distance_metres(point, ward.centroid)))
                .filter(|(_, metres)| *metres <= APPROXIMATE_WARD_RADIUS_METRES)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(at, _)| at),
        }
    }

    /// Locates a searcher's postcode or outward code.
    pub fn locate_postcode(
        &self,
        query: &PostcodeQuery,
    ) -> Result<PostcodeLocation, PostcodeError> {
        match query {
            PostcodeQuery::Full(postcode) => {
                if let Some(entry) = self.postcodes.get(postcode.as_str()) {
                    return Ok(PostcodeLocation {
                        label: postcode.to_string(),
                        point: entry.point,
                        ward: entry.ward,
                        source: PointSource::Postcode,
                    });
                }
                if self.postcodes.is_empty() {
                    return self.locate_outward(postcode.outward().as_str(), postcode.as_str());
                }
                Err(PostcodeError::UnknownPostcode(postcode.to_string()))
            }
            PostcodeQuery::Outward(outward) => {
                self.locate_outward(outward.as_str(), outward.as_str())
            }
        }
    }

    fn locate_outward(
        &self,
        outward: &str,
        label: &str,
    ) -> Result<PostcodeLocation, PostcodeError> {
        let point = *self
            .outward_centroids
            .get(outward)
            .ok_or_else(|| PostcodeError::UnknownOutward(outward.to_owned()))?;
        Ok(PostcodeLocation {
            label: label.to_owned(),
            point,
            ward: self.ward_at(point),
            source: PointSource::OutwardCode,
        })
    }

    /// Places a location: by its coordinates, else by its postcode.
    pub fn place(&self, location: &Location) -> Placement {
        let (point, point_source) = match location.point {
            Some(point) => (Some(point), Some(PointSource::Coordinates)),
            None => match location
                .postcode()
                .and_then(|text| PostcodeQuery::parse(text).ok())
            {
                Some(query) => match self.locate_postcode(&query) {
                    Ok(found) => (Some(found.point), Some(found.source)),
                    Err(_) => (None, None),
                },
                None => (None, None),
            },
        };
        Placement {
            point,
            point_source,
            ward: point.and_then(|p| self.ward_at(p)),
        }
    }

    /// Whether the geography knows this postcode exactly (for tests and diagnostics).
    pub fn knows_postcode(&self, postcode: &Postcode) -> bool {
        self.postcodes.contains_key(postcode.as_str())
    }

    /// What a service covers (see the module rules).
    pub fn coverage(&self, full: &FullService) -> Coverage {
        let mut coverage = Coverage::default();
        for area in &full.service.service_areas {
            let candidates = [&area.name, &area.service_area, &area.extent, &area.uri];
            for text in candidates.into_iter().flatten() {
                self.add_area(text, &mut coverage);
            }
        }
        let has_physical = full
            .locations
            .values()
            .any(|l| l.location_type == LocationType::Physical);
        if !coverage.declared && !has_physical {
            coverage.declared = true;
            coverage.wards.extend(0..self.wards.len());
        }
        coverage
    }

    fn add_area(&self, text: &str, coverage: &mut Coverage) {
        let last_segment = text
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(text);
        let mut keys = vec![name_key(text), name_key(last_segment)];
        for part in text.split([',', ';']) {
            keys.push(name_key(part));
        }
        for key in keys.into_iter().filter(|k| !k.is_empty()) {
            let key = key
                .trim_end_matches(" locality")
                .trim_end_matches(" ward")
                .to_owned();
            if NATIONAL_KEYS.contains(&key.as_str()) {
                coverage.declared = true;
                coverage.national = true;
                coverage.wards.extend(0..self.wards.len());
            } else if LONDON_KEYS.contains(&key.as_str()) || self.is_borough_key(&key) {
                coverage.declared = true;
                coverage.wards.extend(0..self.wards.len());
            } else if let Some(locality) = self
                .localities
                .iter()
                .find(|l| name_key(&l.name) == key || l.id == key.replace(' ', "-"))
            {
                coverage.declared = true;
                coverage.wards.extend(locality.wards.iter().copied());
            } else if let Some(ward) = self.ward_by_key(&key) {
                coverage.declared = true;
                coverage.wards.insert(ward);
            }
        }
    }

    fn is_borough_key(&self, key: &str) -> bool {
        let name = name_key(&self.borough.name);
        key == self.borough.code.to_ascii_lowercase()
            || key == name
            || key == format!("london borough of {name}")
            || key == format!("{name} council")
            || key == format!("{name} borough")
    }
}

impl Coverage {
    /// Whether it covers every ward of a locality.
    pub fn covers_locality(&self, locality: &Locality) -> bool {
        self.national || locality.wards.iter().all(|ward| self.wards.contains(ward))
    }

    /// Whether it covers a ward.
    pub fn covers_ward(&self, ward: usize) -> bool {
        self.national || self.wards.contains(&ward)
    }

    /// Whether it covers a searcher's point (in ward `ward`, or outside the borough).
    pub fn covers_point(&self, ward: Option<usize>) -> bool {
        match ward {
            Some(ward) => self.covers_ward(ward),
            None => self.national,
        }
    }
}

/// A service placed on the map: where each of its locations is, and what it covers.
#[derive(Debug, Clone)]
pub struct PlacedService {
    /// The joined service.
    pub full: FullService,
    /// Placement of each of its locations.
    pub placements: BTreeMap<LocationId, Placement>,
    /// What it covers.
    pub coverage: Coverage,
}

/// A place where a service can be visited: the link, the location and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// The service_at_location link.
    pub link: &'a ServiceAtLocation,
    /// The location.
    pub location: &'a Location,
    /// Where it is.
    pub placement: Placement,
}

impl PlacedService {
    /// The service's physical locations (places people can visit), in link order.
    pub fn sites(&self) -> impl Iterator<Item = Site<'_>> {
        self.full
            .service
            .service_at_locations
            .iter()
            .filter_map(|link| {
                let location = self.full.locations.get(&link.location_id)?;
                let placement = *self.placements.get(&link.location_id)?;
                (location.location_type == LocationType::Physical).then_some(Site {
                    link,
                    location,
                    placement,
                })
            })
    }

    /// Whether the service has a place people can visit.
    pub fn has_site(&self) -> bool {
        self.sites().next().is_some()
    }
}

impl Geography {
    /// Places every location of a service and works out its coverage.
    pub fn place_service(&self, full: FullService) -> PlacedService {
        let placements = full
            .locations
            .iter()
            .map(|(id, location)| (*id, self.place(location)))
            .collect();
        let coverage = self.coverage(&full);
        PlacedService {
            full,
            placements,
            coverage,
        }
    }
}

/// The geography to use: the geo pack in `dir` when given (exact), otherwise the built-in
/// ward facts (approximate).
pub fn load(dir: Option<&std::path::Path>) -> Result<Geography, pack::PackError> {
    match dir {
        Some(dir) => pack::load(dir),
        None => Ok(builtin::geography()),
    }
}

/// FNV-1a, 64 bits: a stable fingerprint of loaded files.
pub fn fingerprint(chunks: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for chunk in chunks {
        for byte in chunk.iter().chain(b"\x00") {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs() {
        assert_eq!(
            name_key("St Katharine's & Wapping"),
            "st katharines and wapping"
        );
        assert_eq!(
            name_key("  ST. KATHARINE’S  and wapping "),
            "st katharines and wapping"
        );
        assert_eq!(slug("South East"), "south-east");
    }
}
