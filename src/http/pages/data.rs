//! The spreadsheet template page: every column documented, and the template to download.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::account::{off_executor, private};
use super::moderation::require_moderator;
use super::{Chrome, PageContext, PageError};
use crate::catalog::import;
use crate::domain::account::Account;
use crate::domain::moderation::{Actor, Provenance};
use crate::http::AppState;
use crate::i18n::{Arg, Messages};
use crate::oruk::spreadsheet::{COLUMNS, Level, template};

/// A column as the page documents it.
pub struct ColumnRow {
    name: &'static str,
    required: bool,
    level: String,
    help: &'static str,
    example: &'static str,
}

#[derive(Template)]
#[template(path = "data_template.html")]
struct TemplatePage {
    c: Chrome,
    t: &'static Messages,
    columns: Vec<ColumnRow>,
}

/// `GET /data/template`.
pub async fn page(request: HttpRequest) -> HttpResponse {
    let context = PageContext::new(&request);
    let t = context.t();
    let columns = COLUMNS
        .iter()
        .map(|c| ColumnRow {
            name: c.name,
            required: c.required,
            level: t.get(match c.level {
                Level::Organisation => "template-level-organisation",
                Level::Service => "template-level-service",
                Level::Place => "template-level-place",
            }),
            help: c.help,
            example: c.example,
        })
        .collect();
    let page = TemplatePage {
        c: context.chrome(t.get("template-title")),
        t,
        columns,
    };
    context.respond(&request, &page)
}

/// `GET /data/template.csv`: the header and an example row.
pub async fn csv() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"signpost-listings-template.csv\"",
        ))
        .body(template())
}

/// The largest sheet accepted, in bytes.
const MAX_SHEET_BYTES: usize = 2 * 1024 * 1024;

/// A bad cell as the import page lists it.
pub struct CellRow {
    row: usize,
    column: String,
    why: String,
}

#[derive(Template)]
#[template(path = "import_sheet.html")]
struct ImportPage {
    c: Chrome,
    t: &'static Messages,
    /// What the import did, in words.
    outcome: Option<String>,
    errors: Vec<CellRow>,
}

fn import_page(context: &PageContext, outcome: Option<String>, errors: Vec<CellRow>) -> ImportPage {
    let t = context.t();
    ImportPage {
        c: context.chrome(t.get("import-title")),
        t,
        outcome,
        errors,
    }
}

/// `GET /moderation/import`: the upload form.
pub async fn import_form(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let moderator = require_moderator(&state, &request, &context).await?;
    borough_wide(&moderator, &context)?;
    Ok(private(
        &context,
        StatusCode::OK,
        &import_page(&context, None, Vec::new()),
    ))
}

/// Imports touch listings anywhere: borough-wide moderators only.
fn borough_wide(account: &Account, context: &PageContext) -> Result<(), PageError> {
    if account.can_moderate(None) {
        Ok(())
    } else {
        Err(PageError::Forbidden(context.locale))
    }
}

/// The parts of the upload form.
#[derive(Default)]
struct Upload {
    csrf: String,
    valid_rows: bool,
    file_name: String,
    bytes: Vec<u8>,
}

/// Reads the multipart form, refusing a file over [`MAX_SHEET_BYTES`].
async fn read_upload(
    mut payload: Multipart,
) -> Result<Result<Upload, &'static str>, actix_multipart::MultipartError> {
    let mut upload = Upload::default();
    while let Some(field) = payload.next().await {
        let mut field = field?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "sheet" {
            upload.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .to_owned();
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk?;
            if bytes.len() + chunk.len() > MAX_SHEET_BYTES {
                return Ok(Err("import-too-large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => upload.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "valid_rows" => upload.valid_rows = true,
            "sheet" => upload.bytes = bytes,
            _ => {}
        }
    }
    Ok(Ok(upload))
}

/// `POST /moderation/import`: imports an uploaded sheet (all or nothing, unless the valid
/// rows are asked for) as the moderator, and lists every bad cell.
pub async fn import(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let context = PageContext::new(&request);
    let locale = context.locale;
    let moderator = require_moderator(&state, &request, &context).await?;
    borough_wide(&moderator, &context)?;
    if !state.limits.writes.allow(&moderator.id.to_string()) {
        return Err(PageError::TooManyAttempts(locale));
    }
    let t = context.t();
    let upload = match read_upload(payload).await {
        Ok(Ok(upload)) => upload,
        Ok(Err(message)) => {
            let page = import_page(&context, Some(t.get(message)), Vec::new());
            return Ok(private(&context, StatusCode::PAYLOAD_TOO_LARGE, &page));
        }
        Err(_) => return Err(PageError::FormExpired(locale)),
    };
    if !context.csrf_ok(&upload.csrf) {
        return Err(PageError::FormExpired(locale));
    }
    if upload.bytes.is_empty() {
        let page = import_page(&context, Some(t.get("import-no-file")), Vec::new());
        return Ok(private(&context, StatusCode::BAD_REQUEST, &page));
    }
    let catalog = state.catalog.clone();
    let origin = import::Origin {
        provenance: Some(Provenance {
            actor: Actor::Account(moderator.id),
            why: "spreadsheet import".to_owned(),
            proposal: None,
        }),
        ..import::Origin::default()
    };
    let valid_rows = upload.valid_rows;
    let outcome = off_executor(locale, move || {
        let outcome = import::import_sheet(&catalog, &upload.bytes, valid_rows, &origin)?;
        catalog.wait_for_index()?;
        Ok::<_, crate::catalog::CatalogError>(outcome)
    })
    .await?
    .map_err(|e| PageError::Internal(locale, e.to_string()))?;
    tracing::info!(
        account_id = %moderator.id,
        bad_cells = outcome.errors.len(),
        imported = outcome.imported.is_some(),
        "spreadsheet import"
    );
    let summary = match &outcome.imported {
        None => t.format(
            "import-nothing",
            &[("errors", Arg::Number(outcome.errors.len() as i64))],
        ),
        Some(report) => t.format(
            "import-done",
            &[
                ("services", Arg::Number(outcome.services as i64)),
                ("created", Arg::Number(report.created as i64)),
                ("updated", Arg::Number(report.updated as i64)),
                ("unchanged", Arg::Number(report.unchanged as i64)),
                ("skipped", Arg::Number(outcome.skipped as i64)),
            ],
        ),
    };
    let errors = outcome
        .errors
        .into_iter()
        .map(|e| CellRow {
            row: e.row,
            column: e.column,
            why: e.why,
        })
        .collect();
    let status = if outcome.imported.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = import_page(&context, Some(summary), errors);
    Ok(private(&context, status, &page))
}
