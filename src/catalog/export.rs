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
    let written = each_service(catalog, |view| {
        serde_json::to_writer(&mut *out, view).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        Ok(())
    })?;
    out.flush()?;
    Ok(written)
}

/// Writes every service to `out` as CSV in the spreadsheet template's columns, one row per
/// place (see [`crate::oruk::spreadsheet`]); returns how many services.
pub fn export_csv(catalog: &Catalog, out: &mut dyn Write) -> Result<usize, ExportError> {
    let terms = super::import::term_choices(catalog)?;
    let mut sheet =
        crate::oruk::spreadsheet::SheetWriter::new(&mut *out, &terms).map_err(csv_error)?;
    let written = each_service(catalog, |view| {
        let value = serde_json::to_value(view).map_err(std::io::Error::from)?;
        sheet.write(&value).map_err(csv_error)
    })?;
    sheet.finish().map_err(csv_error)?.flush()?;
    Ok(written)
}

fn csv_error(error: csv::Error) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

/// Calls `write` with every service as `/services/{id}` publishes it (without derived
/// geography), all statuses, in id order; returns how many.
fn each_service(
    catalog: &Catalog,
    mut write: impl FnMut(&ServiceView<'_>) -> Result<(), std::io::Error>,
) -> Result<usize, ExportError> {
    let ids = catalog.store().service_ids().map_err(CatalogError::from)?;
    let mut written = 0;
    for id in ids {
        let Some(full) = catalog.full_service(id)? else {
            continue;
        };
        write(&ServiceView::new(&full, Places::none(catalog.geography())))?;
        written += 1;
    }
    Ok(written)
}
