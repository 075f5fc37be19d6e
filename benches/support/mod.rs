//! Shared by the benchmarks.

pub mod synth;

/// The binary's allocator (src/main.rs), so that what is measured here is what serves.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::sync::Arc;

use signpost::catalog::Catalog;
use signpost::http::params::{Params, SearchContext};
use signpost::search::assets::SearchAssets;
use signpost::search::query::{ServiceQuery, Target, london_now};

/// Opens a data directory with the built-in search assets and the geography of `geo_dir`
/// (the built-in one without it).
pub fn open(dir: &Path, geo_dir: Option<&Path>) -> Catalog {
    let geography = Arc::new(signpost::geography::load(geo_dir).unwrap());
    let (catalog, _) = Catalog::open(dir, geography, Arc::new(SearchAssets::built_in())).unwrap();
    catalog
}

/// A `/services` query string as the handler parses it.
pub fn parse(catalog: &Catalog, query_string: &str) -> ServiceQuery {
    let context = SearchContext {
        now: london_now(),
        geography: catalog.geography(),
        features: &catalog.index().assets().features,
        online: None,
    };
    Params::new(query_string)
        .service_query(Target::Services, &context)
        .unwrap_or_else(|e| panic!("{query_string}: {e:?}"))
}
