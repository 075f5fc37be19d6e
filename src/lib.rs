//! Signpost: a community asset and voluntary-sector directory for social prescribing in
//! Tower Hamlets, published over the Open Referral UK (ORUK) 3.0 API.
//!
//! Architecture (dependencies point downwards):
//! - [`http`]: thin actix-web handlers; parse parameters, call the catalog, render.
//! - [`catalog`]: the use-cases (search, read, import, export) over store and index; the one
//!   write path, which keeps the index in step with the store.
//! - [`search`]: what a search asks for ([`search::query::ServiceQuery`]), engine-free.
//! - [`index`]: the only module that uses tantivy; derived from the store, rebuildable.
//! - [`store`]: the source of truth behind the [`store::Store`] trait; the only module
//!   that uses sled.
//! - [`oruk`]: the ORUK 3.0 wire format: parsing records in, rendering them out.
//! - [`outbound`]: what leaves the process (e-mail through SMTP), behind small traits.
//! - [`domain`]: validated types of the data model; no I/O, no frameworks.
//!
//! [`startup::Application`] wires them together for `signpost serve` and for the tests.

#![warn(missing_docs)]

pub mod auth;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod domain;
pub mod geography;
pub mod http;
pub mod i18n;
pub mod index;
pub mod metrics;
pub mod oruk;
pub mod outbound;
pub mod search;
pub mod seed;
pub mod startup;
pub mod store;
pub mod telemetry;
