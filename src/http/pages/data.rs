//! The spreadsheet template page: every column documented, and the template to download.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::{Chrome, PageContext};
use crate::i18n::Messages;
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
