//! Exporting every service as NDJSON: one fully nested ORUK service per line, as
//! `/services/{id}` publishes it (so confidential addresses are withheld here too), without
//! what is derived from the geography (ward, locality): an export carries data.
//! Exporting, importing into an empty directory and exporting again gives the same lines.

use std::io::Write;

use super::{Catalog, CatalogError};
use crate::oruk::render::{Places, ServiceView};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the directory failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// Writing the output failed.
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
}

/// Writes every service (all statuses, in id order) to `out`; returns how many.
pub fn export(catalog: &Catalog, out: &mut dyn Write) -> Result<usize, ExportError> {
    let ids = catalog.store().service_ids().map_err(CatalogError::from)?;
    let mut written = 0;
    for id in ids {
        let Some(full) = catalog.full_service(id)? else {
            continue;
        };
        let view = ServiceView::new(&full, Places::none(catalog.geography()));
        serde_json::to_writer(&mut *out, &view).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}
