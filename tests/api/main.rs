//! Integration tests: the real application on port 0 with temporary data directories.

mod accounts;
mod backup;
mod claims;
mod confidential;
mod conformance;
mod contract;
mod editing;
mod errors;
mod feeds;
mod fixtures;
mod geo_search;
mod geography;
mod health;
mod helpers;
mod import_export;
mod index_lifecycle;
mod moderation;
mod open_data;
mod pages;
mod postcode_lookup;
mod reminders;
mod roles;
mod search_quality;
mod services;
mod spreadsheets;
mod write_api;
