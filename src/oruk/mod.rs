//! The Open Referral UK 3.0 wire format: parsing records in ([`parse`]) and rendering them
//! out ([`render`]). Nothing else in the crate reads or writes ORUK JSON shapes.

pub mod conformance;
pub mod parse;
pub mod render;
pub mod spreadsheet;

/// The `version` the API root reports; the official validator selects the 3.0 rules by it.
pub const HSDS_VERSION: &str = "HSDS-UK-3.0";

/// Where the UK profile is documented.
pub const PROFILE_URL: &str =
    "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md";
