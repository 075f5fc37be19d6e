//! Locations: places (and virtual or postal points) where services are delivered.
//!
//! A location marked `confidential` (a refuge, a safe house) keeps its address and
//! coordinates inside the server: they are used to place the service on the map of
//! localities, and are never published. [`Location::is_published_address`] is the one rule
//! every renderer follows.

use serde::{Deserialize, Serialize};

use super::ids::{LocationId, RecordId};
use super::phone::Phone;
use super::taxonomy::Attribute;
use super::values::{InvalidValue, WebUrl};

/// Kind of location or address (ORUK `location_type` and `address_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationType {
    /// A place people can visit.
    Physical,
    /// A postal address only.
    Postal,
    /// Online or by phone.
    Virtual,
}

/// A postcode an online lookup service was asked about, and its answer: where it is, or
/// that the service does not know it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedPostcode {
    /// The canonical postcode (`E14 9ZZ`).
    pub postcode: String,
    /// Its centroid's latitude, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Its centroid's longitude, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// When the service answered.
    pub fetched: chrono::DateTime<chrono::Utc>,
}

impl CachedPostcode {
    /// Where the postcode is, if the service found it.
    pub fn point(&self) -> Option<LatLon> {
        LatLon::new(self.latitude?, self.longitude?).ok()
    }

    /// Whether the answer is still good at `now`: a found postcode for 90 days, a postcode
    /// not found for a day (it may be about to be published).
    pub fn is_fresh(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        let days = if self.point().is_some() { 90 } else { 1 };
        now - self.fetched < chrono::Duration::days(days)
    }
}

/// A validated WGS84 point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    latitude: f64,
    longitude: f64,
}

impl LatLon {
    /// Validates a latitude (-90 to 90) and longitude (-180 to 180).
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, InvalidValue> {
        if !latitude.is_finite() || !(-90.0..=90.0).contains(&latitude) {
            return Err(InvalidValue::new(
                "latitude must be a number from -90 to 90",
            ));
        }
        if !longitude.is_finite() || !(-180.0..=180.0).contains(&longitude) {
            return Err(InvalidValue::new(
                "longitude must be a number from -180 to 180",
            ));
        }
        Ok(Self {
            latitude,
            longitude,
        })
    }

    /// Latitude in degrees.
    pub fn latitude(self) -> f64 {
        self.latitude
    }

    /// Longitude in degrees.
    pub fn longitude(self) -> f64 {
        self.longitude
    }
}

/// A location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Identifier.
    pub id: LocationId,
    /// Kind of location.
    pub location_type: LocationType,
    /// Name, e.g. "Chrisp Street Community Centre".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it is (stored as the two ORUK fields).
    #[serde(flatten, with = "lat_lon_fields")]
    pub point: Option<LatLon>,
    /// An external identifier such as a UPRN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier: Option<String>,
    /// The scheme of `external_identifier`, e.g. `UPRN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_identifier_type: Option<String>,
    /// A web page about the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// Signpost extension: never publish this location's address or coordinates.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confidential: bool,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Accessibility information.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accessibility: Vec<Accessibility>,
    /// Phone lines at this location (Signpost keeps HSDS 3.0 `phones`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    /// Classifications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

impl Location {
    /// Whether the address, coordinates and identifiers of this location may leave the
    /// server. False for confidential locations.
    pub fn is_published_address(&self) -> bool {
        !self.confidential
    }

    /// The postcode of the first address that has one.
    pub fn postcode(&self) -> Option<&str> {
        self.addresses
            .first()
            .map(|address| address.postal_code.as_str())
    }
}

/// An address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// Identifier.
    pub id: RecordId,
    /// Person or office to address post to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
    /// First line.
    pub address_1: String,
    /// Second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_2: Option<String>,
    /// Town or city.
    pub city: String,
    /// Region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// County or state.
    pub state_province: String,
    /// Postcode.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Kind of address.
    pub address_type: LocationType,
}

/// Accessibility of a location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accessibility {
    /// Identifier.
    pub id: RecordId,
    /// Summary, e.g. "Step-free access; accessible toilet".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// More information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// The UK profile's free-text accessibility field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<String>,
}

/// Stores an optional [`LatLon`] as ORUK's two top-level `latitude`/`longitude` numbers.
mod lat_lon_fields {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::LatLon;

    #[derive(Serialize, Deserialize)]
    struct Fields {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latitude: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        longitude: Option<f64>,
    }

    pub fn serialize<S: Serializer>(
        point: &Option<LatLon>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        Fields {
            latitude: point.map(LatLon::latitude),
            longitude: point.map(LatLon::longitude),
        }
        .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<LatLon>, D::Error> {
        let fields = Fields::deserialize(deserializer)?;
        match (fields.latitude, fields.longitude) {
            (Some(lat), Some(lon)) => LatLon::new(lat, lon)
                .map(Some)
                .map_err(serde::de::Error::custom),
            _ => Ok(None),
        }
    }
}
