//! The sample directory shipped in `seed/` (built into the binary, so a fresh checkout runs
//! anywhere): the project's taxonomies, then the sample services, loaded through the same
//! parsing and import path as any other data. Any problem in it is a bug and stops start-up.

use crate::catalog::import::{self, ImportReport};
use crate::catalog::{Catalog, CatalogError};
use crate::oruk::parse::{parse_taxonomy, parse_taxonomy_term};
use crate::store::ChangeSet;

const TAXONOMIES: &str = include_str!("../seed/taxonomies.json");
const SERVICES: &str = include_str!("../seed/services.ndjson");

/// Why the seed could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The seed files are wrong (a bug in the project).
    #[error("the built-in sample data is invalid: {0}")]
    Invalid(String),
    /// Writing failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// Loads the taxonomies and sample services into `catalog`.
pub fn load(catalog: &Catalog) -> Result<ImportReport, SeedError> {
    load_taxonomies(catalog)?;
    let records = import::read_source(SERVICES)
        .map_err(|e| SeedError::Invalid(format!("seed/services.ndjson: {e}")))?;
    let report = import::import(catalog, records)?;
    if let Some(first) = report.rejected.first() {
        return Err(SeedError::Invalid(format!("seed/services.ndjson: {first}")));
    }
    catalog
        .store()
        .set_sample_data(true)
        .map_err(crate::catalog::CatalogError::from)?;
    Ok(report)
}

/// Loads Signpost's own taxonomies (needs, suitable for) into `catalog`.
pub fn load_taxonomies(catalog: &Catalog) -> Result<(), SeedError> {
    let document: serde_json::Value = serde_json::from_str(TAXONOMIES)
        .map_err(|e| SeedError::Invalid(format!("seed/taxonomies.json: {e}")))?;
    let mut changes = ChangeSet::default();
    let list = |key: &str| document[key].as_array().cloned().unwrap_or_default();
    for value in list("taxonomies") {
        let taxonomy = parse_taxonomy(&value).result.map_err(|errors| {
            SeedError::Invalid(format!("seed/taxonomies.json taxonomy: {errors:?}"))
        })?;
        changes.taxonomies.push(taxonomy);
    }
    for value in list("taxonomy_terms") {
        let (term, _) = parse_taxonomy_term(&value).result.map_err(|errors| {
            SeedError::Invalid(format!("seed/taxonomies.json term: {errors:?}"))
        })?;
        changes.taxonomy_terms.push(term);
    }
    catalog.apply(&changes)?;
    Ok(())
}
