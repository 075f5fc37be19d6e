//! The directory's domain: the Open Referral UK (ORUK) 3.0 data model as validated Rust types.
//!
//! Everything here is pure: no HTTP, no storage, no search engine. Values are parsed once at
//! the edge ([`crate::oruk::parse`] for JSON records, the HTTP layer for query parameters) and
//! trusted afterwards, so a [`service::Service`] in hand always has UUID ids, valid e-mails,
//! web links, dates, ages and coordinates.
//!
//! Field names follow ORUK 3.0 so that the stored form of a record is an ORUK record.
//! Signpost's extensions (phones, language codes, confidential locations, referral routes,
//! eligibility) are documented where they are declared and in the README.

pub mod account;
pub mod aggregate;
pub mod capacity;
pub mod claim;
pub mod feed;
pub mod geo;
pub mod ids;
pub mod language;
pub mod location;
pub mod moderation;
pub mod note;
pub mod opening;
pub mod organization;
pub mod phone;
pub mod postcode;
pub mod referral;
pub mod reminder;
pub mod report;
pub mod schedule;
pub mod service;
pub mod taxonomy;
pub mod team_list;
pub mod values;
pub mod weekly;
