//! Typed record identifiers.
//!
//! Every ORUK record id is a UUID in its hyphenated form (RFC 9562, 36 characters). Ids are
//! parsed once at the edge; a typed id can never be confused with another record kind's id.
//! They always render in lower case, whatever case they arrived in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use super::values::InvalidValue;

/// Parses a hyphenated UUID (`8-4-4-4-12` hex digits), the only form ORUK allows.
pub fn parse_uuid(text: &str) -> Result<Uuid, InvalidValue> {
    let well_formed = text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4;
    match Uuid::try_parse(text) {
        Ok(uuid) if well_formed => Ok(uuid),
        _ => Err(InvalidValue::new(
            "is not a UUID (expected 36 characters like 3f7b145d-84af-42d7-8fae-eaca714b02b2)",
        )),
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A new random (version 4) id.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// Parses a hyphenated UUID.
            pub fn parse(text: &str) -> Result<Self, InvalidValue> {
                parse_uuid(text).map(Self)
            }

            /// Wraps an already-parsed UUID.
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            /// The 16 bytes of the UUID, for ordered storage keys.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = InvalidValue;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(&self.0.hyphenated())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// Identifies a service.
    ServiceId
);
id_type!(
    /// Identifies an organization.
    OrganizationId
);
id_type!(
    /// Identifies a location (shared by every service delivered there).
    LocationId
);
id_type!(
    /// Identifies a service_at_location link.
    ServiceAtLocationId
);
id_type!(
    /// Identifies a taxonomy (a vocabulary of terms).
    TaxonomyId
);
id_type!(
    /// Identifies a taxonomy term.
    TaxonomyTermId
);
id_type!(
    /// Identifies a proposed change to the directory (see [`super::moderation`]).
    ProposalId
);
id_type!(
    /// Identifies a child record that has no endpoint of its own (schedule, phone, address,
    /// contact, cost option, ...).
    RecordId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hyphenated_uuids_in_any_case_and_renders_lower_case() {
        let id = ServiceId::parse("AC148810-D857-441C-9679-408F346DE14B").unwrap();
        assert_eq!(id.to_string(), "ac148810-d857-441c-9679-408f346de14b");
    }

    #[test]
    fn rejects_other_uuid_spellings_and_garbage() {
        for bad in [
            "",
            "ac148810d857441c9679408f346de14b",
            "{ac148810-d857-441c-9679-408f346de14b}",
            "urn:uuid:ac148810-d857-441c-9679-408f346de14b",
            "reg-12345",
            "ac148810-d857-441c-9679-408f346de14",
            "zc148810-d857-441c-9679-408f346de14b",
        ] {
            assert!(ServiceId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
