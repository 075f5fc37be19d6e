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
//!   London, or national, by code or name, or the borough and wards mentioned in free
//!   text); a service that says nothing about its area and is delivered remotely (a
//!   helpline with no location, or a service with a virtual location) covers the whole
//!   borough, while one that names only areas we do not know covers none of ours;
//! - a confidential location's distances are measured from its ward's centroid
//!   ([`Placement::public_point`]).

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
    /// Looked up online (a postcode the geo pack does not list).
    OnlineLookup,
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
    /// The point every distance is measured from (filtering, ranking, display). The true
    /// point, except for a confidential location: then the centroid of its ward (public
    /// anyway), or outside the borough its point snapped to a grid of about a kilometre, so
    /// that no series of searches can narrow down where it is.
    pub public_point: Option<LatLon>,
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
    /// The borough's name and code as free text mentions them (normalised, padded).
    borough_keys: Vec<String>,
    /// Each ward's name, code and former name as free text mentions them.
    ward_keys: Vec<Vec<String>>,
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
    "east london",
];
/// Phrases that, anywhere in a free-text area, mean the whole country.
const NATIONAL_PHRASES: &[&str] = &[
    "national",
    "nationwide",
    "uk wide",
    "united kingdom",
    "england",
    "great britain",
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
        let padded = |key: String| (!key.is_empty()).then(|| format!(" {key} "));
        let borough_keys = [
            name_key(&parts.borough.name),
            parts.borough.code.to_ascii_lowercase(),
        ]
        .into_iter()
        .filter_map(padded)
        .collect();
        let ward_keys = wards
            .iter()
            .map(|ward: &Ward| {
                [
                    Some(name_key(&ward.name)),
                    Some(ward.code.to_ascii_lowercase()),
                    ward.former_name.as_deref().map(name_key),
                ]
                .into_iter()
                .flatten()
                .filter_map(padded)
                .collect()
            })
            .collect();
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
            borough_keys,
            ward_keys,
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

    /// Teams link workers belong to, as (key, name): each PCN (`pcn:CODE`), then each
    /// locality (`locality:ID`).
    pub fn teams(&self) -> Vec<(String, String)> {
        let pcns = self.pcns.iter().map(|pcn| {
            (
                format!("pcn:{}", pcn.code),
                pcn.known_as.clone().unwrap_or_else(|| pcn.name.clone()),
            )
        });
        let localities = self
            .localities
            .iter()
            .map(|locality| (format!("locality:{}", locality.id), locality.name.clone()));
        pcns.chain(localities).collect()
    }

    /// The name of a team key (see [`Geography::teams`]).
    pub fn team_name(&self, key: &str) -> Option<String> {
        self.teams()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, name)| name)
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

    /// A postcode's approximate place: its outward code's centroid.
    pub fn approximate(&self, postcode: &Postcode) -> Result<PostcodeLocation, PostcodeError> {
        self.locate_outward(postcode.outward().as_str(), postcode.as_str())
    }

    /// A postcode located online, placed in the borough's wards.
    pub fn located_online(&self, postcode: &Postcode, point: LatLon) -> PostcodeLocation {
        PostcodeLocation {
            label: postcode.to_string(),
            point,
            ward: self.ward_at(point),
            source: PointSource::OnlineLookup,
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
        let ward = point.and_then(|p| self.ward_at(p));
        let public_point = if location.confidential {
            match ward {
                Some(ward) => Some(self.wards[ward].centroid),
                None => point.map(snap_to_grid),
            }
        } else {
            point
        };
        Placement {
            point,
            point_source,
            ward,
            public_point,
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
            let texts: Vec<&str> = [&area.name, &area.service_area, &area.extent, &area.uri]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if !texts
                .iter()
                .any(|text| self.add_named_area(text, &mut coverage))
            {
                for text in &texts {
                    self.add_areas_mentioned(text, &mut coverage);
                }
            }
        }
        let stated = !full.service.service_areas.is_empty();
        let types: Vec<LocationType> = full.locations.values().map(|l| l.location_type).collect();
        let delivered_remotely =
            !types.contains(&LocationType::Physical) || types.contains(&LocationType::Virtual);
        if !stated && delivered_remotely {
            coverage.declared = true;
            coverage.wards.extend(0..self.wards.len());
        }
        coverage
    }

    /// A service area that names one area (or a list of them, comma-separated); returns
    /// whether it named anything known.
    fn add_named_area(&self, text: &str, coverage: &mut Coverage) -> bool {
        let last_segment = text
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(text);
        let mut keys = vec![name_key(text), name_key(last_segment)];
        keys.extend(text.split([',', ';']).map(name_key));
        let mut found = false;
        for key in keys.into_iter().filter(|k| !k.is_empty()) {
            let key = key
                .trim_end_matches(" locality")
                .trim_end_matches(" ward")
                .to_owned();
            if NATIONAL_KEYS.contains(&key.as_str()) {
                coverage.national = true;
                coverage.wards.extend(0..self.wards.len());
            } else if LONDON_KEYS.contains(&key.as_str()) || self.is_borough_key(&key) {
                coverage.wards.extend(0..self.wards.len());
            } else if let Some(locality) = self
                .localities
                .iter()
                .find(|l| name_key(&l.name) == key || l.id == key.replace(' ', "-"))
            {
                coverage.wards.extend(locality.wards.iter().copied());
            } else if let Some(ward) = self.ward_by_key(&key) {
                coverage.wards.insert(ward);
            } else {
                continue;
            }
            found = true;
        }
        coverage.declared |= found;
        found
    }

    /// Free text describing an area ("all residents of Tower Hamlets", "Whitechapel and
    /// Shadwell"): the borough, wards (by name or code) and the whole country are recognised
    /// where they appear as whole words.
    fn add_areas_mentioned(&self, text: &str, coverage: &mut Coverage) {
        let padded = format!(" {} ", name_key(text));
        let mentions = |phrase: &str| !phrase.is_empty() && padded.contains(&format!(" {phrase} "));
        if NATIONAL_PHRASES.iter().any(|phrase| mentions(phrase)) {
            coverage.declared = true;
            coverage.national = true;
            coverage.wards.extend(0..self.wards.len());
            return;
        }
        let mentioned = |keys: &[String]| keys.iter().any(|key| padded.contains(key.as_str()));
        if mentioned(&self.borough_keys) {
            coverage.declared = true;
            coverage.wards.extend(0..self.wards.len());
            return;
        }
        for (at, keys) in self.ward_keys.iter().enumerate() {
            if mentioned(keys) {
                coverage.declared = true;
                coverage.wards.insert(at);
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

/// Snaps a point to a grid of 0.01° of latitude by 0.015° of longitude (about 1.1 km by
/// 1 km in London).
fn snap_to_grid(point: LatLon) -> LatLon {
    let snap = |value: f64, step: f64| (value / step).round() * step;
    LatLon::new(
        snap(point.latitude(), 0.01).clamp(-90.0, 90.0),
        snap(point.longitude(), 0.015).clamp(-180.0, 180.0),
    )
    .expect("a snapped valid point is valid")
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

    use crate::domain::aggregate::FullService;
    use serde_json::json;

    fn coverage_of(areas: &[&str], location_types: &[&str]) -> (Coverage, Geography) {
        let geography = builtin::geography();
        let areas: Vec<_> = areas
            .iter()
            .enumerate()
            .map(|(at, name)| json!({"id": format!("00000000-0000-4000-8000-0000000001{at:02}"), "name": name}))
            .collect();
        let links: Vec<_> = location_types
            .iter()
            .enumerate()
            .map(|(at, _)| json!({"id": format!("00000000-0000-4000-8000-0000000002{at:02}"), "location_id": format!("00000000-0000-4000-8000-0000000003{at:02}")}))
            .collect();
        let service = serde_json::from_value(json!({
            "id": "00000000-0000-4000-8000-000000000001", "name": "Test", "status": "active",
            "service_areas": areas, "service_at_locations": links,
        }))
        .unwrap();
        let locations = location_types
            .iter()
            .enumerate()
            .map(|(at, kind)| {
                let location: Location = serde_json::from_value(json!({
                    "id": format!("00000000-0000-4000-8000-0000000003{at:02}"), "location_type": kind}))
                .unwrap();
                (location.id, location)
            })
            .collect();
        let full = FullService {
            service,
            organization: None,
            locations,
            terms: BTreeMap::new(),
            taxonomies: BTreeMap::new(),
            capacity: None,
        };
        (geography.coverage(&full), geography)
    }

    #[test]
    fn remote_services_that_say_nothing_cover_the_borough() {
        let (helpline, geography) = coverage_of(&[], &[]);
        assert!(helpline.declared && helpline.wards.len() == geography.wards().len());
        let (online, _) = coverage_of(&[], &["virtual"]);
        assert_eq!(online.wards.len(), geography.wards().len());
        let (also_online, _) = coverage_of(&[], &["physical", "virtual"]);
        assert_eq!(
            also_online.wards.len(),
            geography.wards().len(),
            "a virtual location covers the borough too"
        );
        let (place_only, _) = coverage_of(&[], &["physical"]);
        assert_eq!(
            place_only,
            Coverage::default(),
            "a place alone covers no area"
        );
    }

    #[test]
    fn a_remote_service_that_names_somewhere_else_covers_none_of_ours() {
        let (elsewhere, _) = coverage_of(&["Hackney"], &[]);
        assert_eq!(elsewhere, Coverage::default());
        let (also_elsewhere, _) = coverage_of(&["Hackney and Islington"], &["virtual"]);
        assert!(also_elsewhere.wards.is_empty());
    }

    #[test]
    fn areas_are_recognised_by_code_name_and_mention() {
        let (geography_wards, geography) = coverage_of(&["E09000030"], &[]);
        assert_eq!(geography_wards.wards.len(), geography.wards().len());
        let ward = |code: &str| geography.ward_by_key(code).unwrap();
        let (one, _) = coverage_of(&["E05009323"], &["physical"]);
        assert_eq!(one.wards, BTreeSet::from([ward("E05009323")]));
        let (by_uri, _) = coverage_of(
            &["http://statistics.data.gov.uk/id/statistical-geography/E05009323"],
            &["physical"],
        );
        assert_eq!(by_uri.wards, one.wards);
        let (two, _) = coverage_of(&["Whitechapel and Shadwell"], &["physical"]);
        assert_eq!(
            two.wards,
            BTreeSet::from([ward("Whitechapel"), ward("Shadwell")])
        );
        let (free_text, _) =
            coverage_of(&["Open to all residents of Tower Hamlets"], &["physical"]);
        assert_eq!(free_text.wards.len(), geography.wards().len());
        let (locality, _) = coverage_of(&["South East"], &["physical"]);
        assert!(locality.covers_locality(
            &geography.localities()[geography.locality_by_key("south-east").unwrap()]
        ));
        let (country, _) = coverage_of(&["England"], &[]);
        assert!(country.national && country.covers_point(None));
        let (east, _) = coverage_of(&["East London"], &["physical"]);
        assert_eq!(east.wards.len(), geography.wards().len());
        let (unknown, _) = coverage_of(&["Isle of Dogs"], &["physical"]);
        assert!(
            !unknown.declared,
            "an area we cannot place is not a declared coverage"
        );
    }

    #[test]
    fn a_confidential_location_is_measured_from_its_ward_centroid() {
        let geography = builtin::geography();
        let ward = &geography.wards()[0];
        let near_centroid =
            LatLon::new(ward.centroid.latitude() + 0.001, ward.centroid.longitude()).unwrap();
        let location = |confidential: bool| -> Location {
            serde_json::from_value(json!({"id": "00000000-0000-4000-8000-000000000009", "location_type": "physical",
                "latitude": near_centroid.latitude(), "longitude": near_centroid.longitude(), "confidential": confidential}))
            .unwrap()
        };
        assert_eq!(
            geography.place(&location(true)).public_point,
            Some(ward.centroid)
        );
        assert_eq!(
            geography.place(&location(false)).public_point,
            Some(near_centroid)
        );
    }

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
