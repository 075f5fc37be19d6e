//! The spreadsheet template: one row per service at each place it is delivered, in the
//! columns of [`COLUMNS`], read into ORUK 3.0 service records (to import) and written from
//! them (to export).
//!
//! Reading checks every cell and reports each bad one with its row (as a spreadsheet numbers
//! it: the header is row 1), its column and why; nothing is guessed. Rows of one service
//! (same `service_id`, or the same organisation and service name) are one record: service
//! columns may be repeated on each row or left blank after the first, but may not disagree.
//! Ids left blank are made from names, so importing the same sheet twice updates the
//! listings instead of duplicating them.
//!
//! The CSV export carries what a spreadsheet can: weekly opening hours, not monthly or
//! seasonal schedules, contacts or accessibility notes (the ORUK JSON export has everything).
//! Confidential addresses are never written: such a row says `yes` under
//! `confidential_address` and leaves the address empty.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::domain::language::LanguageCode;
use crate::domain::postcode::Postcode;
use crate::domain::schedule::Schedule;
use crate::domain::service::{ReferralRoute, ServiceStatus};
use crate::domain::values::{Age, Email, PhoneNumber, WebUrl};
use crate::domain::weekly::WeeklyHours;

/// What a column describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The organisation running the service.
    Organisation,
    /// The service (the same on every row of the service).
    Service,
    /// One place the service is delivered at (this row only).
    Place,
}

/// A column of the template.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header.
    pub name: &'static str,
    /// Whether every row needs a value (or, for service columns, the service's first row).
    pub required: bool,
    /// What it describes.
    pub level: Level,
    /// What goes in it.
    pub help: &'static str,
    /// An example value.
    pub example: &'static str,
}

const fn column(
    name: &'static str,
    required: bool,
    level: Level,
    help: &'static str,
    example: &'static str,
) -> Column {
    Column {
        name,
        required,
        level,
        help,
        example,
    }
}

/// The template's columns, in order.
pub const COLUMNS: &[Column] = &[
    column(
        "organisation_id",
        false,
        Level::Organisation,
        "The organisation's id (a UUID) if it already has one in Signpost; leave blank to have one made from its name.",
        "",
    ),
    column(
        "organisation_name",
        true,
        Level::Organisation,
        "The organisation's name.",
        "Bow Common Food Hub",
    ),
    column(
        "organisation_description",
        true,
        Level::Organisation,
        "What the organisation is and does (ORUK requires it).",
        "Volunteer-run food project in Bow Common.",
    ),
    column(
        "organisation_website",
        false,
        Level::Organisation,
        "Its website (https://...).",
        "https://bowfoodhub.example.org/",
    ),
    column(
        "organisation_email",
        false,
        Level::Organisation,
        "Its general e-mail address.",
        "hello@bowfoodhub.example.org",
    ),
    column(
        "service_id",
        false,
        Level::Service,
        "The service's id (a UUID) if it already has one; leave blank to have one made from the organisation and service names.",
        "",
    ),
    column(
        "service_name",
        true,
        Level::Service,
        "The service's name, as residents know it.",
        "Bow Common Food Bank",
    ),
    column(
        "service_description",
        true,
        Level::Service,
        "What happens, for whom, and what to bring, in plain English.",
        "Emergency food parcels with three days of food.",
    ),
    column(
        "status",
        false,
        Level::Service,
        "active (the default), inactive, defunct or temporarily closed.",
        "active",
    ),
    column(
        "service_website",
        false,
        Level::Service,
        "The service's web page (https://...).",
        "https://bowfoodhub.example.org/food-bank",
    ),
    column(
        "service_email",
        false,
        Level::Service,
        "An e-mail address for the service.",
        "foodbank@bowfoodhub.example.org",
    ),
    column(
        "service_phone",
        false,
        Level::Service,
        "A phone number for the service.",
        "020 7946 0100",
    ),
    column(
        "cost",
        false,
        Level::Service,
        "free, or what it costs in words.",
        "free",
    ),
    column(
        "minimum_age",
        false,
        Level::Service,
        "The youngest age served, in whole years.",
        "18",
    ),
    column(
        "maximum_age",
        false,
        Level::Service,
        "The oldest age served, in whole years.",
        "",
    ),
    column(
        "eligibility",
        false,
        Level::Service,
        "Who can use it, in words.",
        "Anyone living in Tower Hamlets who cannot afford food.",
    ),
    column(
        "languages",
        false,
        Level::Service,
        "Languages spoken, separated by ; (names such as Bengali, or ISO 639-3 codes such as syl).",
        "English; Bengali; Sylheti",
    ),
    column(
        "referral_route",
        false,
        Level::Service,
        "How people get to it: self_referral, professional_referral, drop_in or signpost.",
        "professional_referral",
    ),
    column(
        "referral_email",
        false,
        Level::Service,
        "Where referrals are sent by e-mail.",
        "referrals@bowfoodhub.example.org",
    ),
    column(
        "referral_phone",
        false,
        Level::Service,
        "The number to call to refer someone.",
        "",
    ),
    column(
        "referral_url",
        false,
        Level::Service,
        "A referral form on the web (https://...).",
        "https://bowfoodhub.example.org/refer/",
    ),
    column(
        "referral_instructions",
        false,
        Level::Service,
        "How to refer, in words.",
        "Professionals can request e-vouchers online.",
    ),
    column(
        "needs",
        false,
        Level::Service,
        "Needs it meets, separated by ;: names or codes of Signpost's needs (see /taxonomy_terms), e.g. Food banks or food.food-bank.",
        "Food banks",
    ),
    column(
        "suitable_for",
        false,
        Level::Service,
        "Who it is particularly for, separated by ;: names or codes of Signpost's 'suitable for' terms.",
        "",
    ),
    column(
        "opening_hours",
        false,
        Level::Place,
        "Weekly hours at this place: days then times, entries separated by ; (Mon-Fri 09:00-17:00; Sat 10:00-12:00, 13:00-15:00). Up to two sessions a day.",
        "Tue, Fri 10:00-13:00",
    ),
    column(
        "location_id",
        false,
        Level::Place,
        "The place's id (a UUID) if it already has one; leave blank to have one made from its address.",
        "",
    ),
    column(
        "location_name",
        false,
        Level::Place,
        "The building or venue.",
        "Devons Road Community Centre",
    ),
    column(
        "online_url",
        false,
        Level::Place,
        "For a service delivered online: where (https://...); leave the address empty.",
        "",
    ),
    column(
        "address_1",
        false,
        Level::Place,
        "First line of the address; leave the address empty for a service by phone or online only.",
        "240 Devons Road",
    ),
    column(
        "address_2",
        false,
        Level::Place,
        "Second line of the address.",
        "",
    ),
    column(
        "city",
        false,
        Level::Place,
        "Town or city (London when left blank).",
        "London",
    ),
    column(
        "postcode",
        false,
        Level::Place,
        "The postcode (needed with an address).",
        "E3 3XU",
    ),
    column(
        "confidential_address",
        false,
        Level::Place,
        "yes to keep the address out of every page, API answer and export (a refuge, for example); no or blank otherwise.",
        "no",
    ),
];

/// A bad cell: the row as a spreadsheet numbers it, the column, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// Row number (the header is row 1).
    pub row: usize,
    /// The column's header.
    pub column: String,
    /// What is wrong, and what would be right.
    pub why: String,
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, {}: {}", self.row, self.column, self.why)
    }
}

/// The rows of one service, as an ORUK service record.
#[derive(Debug, Clone)]
pub struct SheetRecord {
    /// Its rows' numbers.
    pub rows: Vec<usize>,
    /// The ORUK 3.0 service object (with its organisation and places nested).
    pub record: Value,
    /// Its rows' cells, as written.
    pub cells: Vec<Cells>,
}

impl SheetRecord {
    /// Whether any of its rows has a bad cell in `errors`.
    pub fn has_errors(&self, errors: &[CellError]) -> bool {
        errors.iter().any(|e| self.rows.contains(&e.row))
    }
}

/// A sheet read: its services, and every bad cell.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Services, in the order of their first row.
    pub records: Vec<SheetRecord>,
    /// Bad cells, by row.
    pub errors: Vec<CellError>,
    /// The template's columns the sheet has.
    pub columns: Vec<&'static str>,
}

/// A taxonomy term a `needs` or `suitable_for` cell may name.
#[derive(Debug, Clone)]
pub struct TermChoice {
    /// The term's id.
    pub id: String,
    /// Its code, if any.
    pub code: Option<String>,
    /// Its name.
    pub name: String,
}

/// The namespace of ids made from names.
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5d1c_7a2e_93f4_4b6a_8e0d_2c4b_6f1a_9e37);

fn made_id(parts: &[&str]) -> String {
    let key = parts
        .iter()
        .map(|p| p.trim().to_lowercase())
        .collect::<Vec<_>>()
        .join("\u{1f}");
    uuid::Uuid::new_v5(&NAMESPACE, key.as_bytes()).to_string()
}

/// One data row, by column name.
struct Row {
    number: usize,
    cells: BTreeMap<&'static str, String>,
    /// For a service's combined row: the row each cell came from.
    origins: BTreeMap<&'static str, usize>,
}

impl Row {
    /// The row a cell came from.
    fn row_of(&self, column: &str) -> usize {
        self.origins.get(column).copied().unwrap_or(self.number)
    }

    fn get(&self, column: &str) -> Option<&str> {
        self.cells
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Collects bad cells while values are checked.
struct Checker {
    errors: Vec<CellError>,
}

impl Checker {
    fn bad(&mut self, row: usize, column: &str, why: impl Into<String>) {
        self.errors.push(CellError {
            row,
            column: column.to_owned(),
            why: why.into(),
        });
    }

    /// A cell checked by `parse`; its error, if any, recorded.
    fn checked<T, E: std::fmt::Display>(
        &mut self,
        row: &Row,
        column: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let text = row.get(column)?;
        match parse(text) {
            Ok(value) => Some(value),
            Err(error) => {
                self.bad(row.row_of(column), column, format!("{text:?} {error}"));
                None
            }
        }
    }
}

fn uuid_cell(text: &str) -> Result<String, &'static str> {
    uuid::Uuid::parse_str(text)
        .map(|id| id.to_string())
        .map_err(|_| "is not a UUID (leave it blank to have one made)")
}

fn whole_age(text: &str) -> Result<u32, String> {
    let years: u32 = text
        .parse()
        .map_err(|_| "is not a whole number of years".to_owned())?;
    Age::new(f64::from(years)).map_err(|e| e.to_string())?;
    Ok(years)
}

fn yes_no(text: &str) -> Result<bool, &'static str> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err("is not yes or no"),
    }
}

fn language(text: &str) -> Result<(String, String), String> {
    let code = LanguageCode::from_english_name(text)
        .map_or_else(|| LanguageCode::parse(text), Ok)
        .map_err(|_| {
            "is neither a language name Signpost knows (such as Bengali) nor an ISO 639-3 code (such as syl)".to_owned()
        })?;
    let name = code
        .english_name()
        .map_or_else(|| text.to_owned(), str::to_owned);
    Ok((code.as_str().to_owned(), name))
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a CSV sheet in the template's columns.
/// A sheet's cells as text: the header row, then each row (or why it cannot be read).
struct Table {
    headers: Vec<String>,
    rows: Vec<Result<Vec<String>, String>>,
}

/// Whether `bytes` are an XLSX workbook (a zip file).
fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn csv_table(bytes: &[u8]) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let headers = reader
        .headers()
        .map_err(|error| format!("the file is not CSV: {error}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            record
                .map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|error| format!("cannot be read: {error}"))
        })
        .collect();
    Ok(Table { headers, rows })
}

/// The first worksheet of an XLSX workbook, its cells as text (whole numbers without a
/// decimal point: spreadsheets store ages as numbers).
fn xlsx_table(bytes: &[u8]) -> Result<Table, String> {
    use calamine::{Data, Reader};
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|error| format!("the file is not a readable XLSX workbook: {error}"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or("the workbook has no worksheet")?
        .map_err(|error| format!("the first worksheet cannot be read: {error}"))?;
    let text = |cell: &Data| match cell {
        Data::Float(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Data::Empty => String::new(),
        other => other.to_string().trim().to_owned(),
    };
    let mut rows = range.rows();
    let headers = rows
        .next()
        .ok_or("the first worksheet is empty")?
        .iter()
        .map(text)
        .collect();
    let rows = rows.map(|row| Ok(row.iter().map(text).collect())).collect();
    Ok(Table { headers, rows })
}

/// Reads a sheet in the template's columns: CSV (UTF-8), or an XLSX workbook's first
/// worksheet.
pub fn read(bytes: &[u8], terms: &[TermChoice]) -> Sheet {
    let mut checker = Checker { errors: Vec::new() };
    let table = if is_xlsx(bytes) {
        xlsx_table(bytes)
    } else {
        csv_table(bytes)
    };
    let table = match table {
        Ok(table) => table,
        Err(why) => {
            checker.bad(1, "(header)", why);
            return Sheet {
                records: Vec::new(),
                errors: checker.errors,
                columns: Vec::new(),
            };
        }
    };
    let headers = table.headers;
    let mut positions: Vec<Option<&'static str>> = Vec::new();
    for header in headers.iter() {
        let name = header.trim().to_lowercase().replace(' ', "_");
        match COLUMNS.iter().find(|c| c.name == name) {
            Some(column) if positions.contains(&Some(column.name)) => {
                checker.bad(1, header, "appears twice");
                positions.push(None);
            }
            Some(column) => positions.push(Some(column.name)),
            None if name.is_empty() => positions.push(None),
            None => {
                checker.bad(
                    1,
                    header,
                    "is not a column of the template (see the template for the column names)",
                );
                positions.push(None);
            }
        }
    }
    for column in COLUMNS.iter().filter(|c| c.required) {
        if !positions.contains(&Some(column.name)) {
            checker.bad(1, column.name, "is missing: the template needs this column");
        }
    }
    let mut rows = Vec::new();
    for (at, record) in table.rows.into_iter().enumerate() {
        let number = at + 2;
        let record = match record {
            Ok(record) => record,
            Err(why) => {
                checker.bad(number, "(row)", why);
                continue;
            }
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() > positions.len() {
            checker.bad(
                number,
                "(row)",
                format!(
                    "has {} cells but the header has {} columns",
                    record.len(),
                    positions.len()
                ),
            );
        }
        let cells = positions
            .iter()
            .zip(record.iter())
            .filter_map(|(column, cell)| column.map(|c| (c, cell.to_owned())))
            .collect();
        rows.push(Row {
            number,
            cells,
            origins: BTreeMap::new(),
        });
    }
    let mut groups: Vec<(String, Vec<Row>)> = Vec::new();
    for row in rows {
        let key = match row.get("service_id") {
            Some(id) => id.to_lowercase(),
            None => format!(
                "{}\u{1f}{}",
                row.get("organisation_name")
                    .unwrap_or_default()
                    .to_lowercase(),
                row.get("service_name").unwrap_or_default().to_lowercase()
            ),
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((key, vec![row])),
        }
    }
    let records = groups
        .into_iter()
        .map(|(_, rows)| service_record(&rows, terms, &mut checker))
        .collect();
    let mut errors = checker.errors;
    errors.sort_by_key(|e| e.row);
    Sheet {
        records,
        errors,
        columns: positions.into_iter().flatten().collect(),
    }
}

/// The value of a service or organisation column for a service's rows, and its row: the
/// first given; a later row giving another value (more than a difference of case or
/// spacing) is an error.
fn shared<'r>(rows: &'r [Row], column: &str, checker: &mut Checker) -> Option<(&'r str, usize)> {
    let plain = |text: &str| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut first: Option<(&str, usize)> = None;
    for row in rows {
        if let Some(value) = row.get(column) {
            match first {
                None => first = Some((value, row.number)),
                Some((seen, at)) if plain(seen) != plain(value) => checker.bad(
                    row.number,
                    column,
                    format!("{value:?} differs from {seen:?} on row {at} for the same service"),
                ),
                Some(_) => {}
            }
        }
    }
    first
}

fn term_ids(
    text: &str,
    terms: &[TermChoice],
    row: usize,
    column: &str,
    checker: &mut Checker,
) -> Vec<String> {
    let mut ids = Vec::new();
    for wanted in split_list(text) {
        let lower = wanted.to_lowercase();
        match terms.iter().find(|t| {
            t.name.to_lowercase() == lower || t.code.as_deref().map(str::to_lowercase) == Some(lower.clone())
        }) {
            Some(term) if !ids.contains(&term.id) => ids.push(term.id.clone()),
            Some(_) => {}
            None => checker.bad(
                row,
                column,
                format!("{wanted:?} is not a term Signpost knows (see /taxonomy_terms for names and codes)"),
            ),
        }
    }
    ids
}

fn service_record(rows: &[Row], terms: &[TermChoice], checker: &mut Checker) -> SheetRecord {
    let first = rows[0].number;
    let numbers: Vec<usize> = rows.iter().map(|r| r.number).collect();
    let mut origins: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut text = |column: &'static str| {
        shared(rows, column, checker).map(|(value, at)| {
            origins.insert(column, at);
            value.to_owned()
        })
    };
    let organisation_name = text("organisation_name");
    let service_name = text("service_name");
    let description = text("service_description");
    let organisation_description = text("organisation_description");
    let organisation_website = text("organisation_website");
    let organisation_email = text("organisation_email");
    let organisation_id = text("organisation_id");
    let service_id = text("service_id");
    let status = text("status");
    let service_website = text("service_website");
    let service_email = text("service_email");
    let service_phone = text("service_phone");
    let cost = text("cost");
    let minimum_age = text("minimum_age");
    let maximum_age = text("maximum_age");
    let eligibility = text("eligibility");
    let languages = text("languages");
    let referral_route = text("referral_route");
    let referral_email = text("referral_email");
    let referral_phone = text("referral_phone");
    let referral_url = text("referral_url");
    let referral_instructions = text("referral_instructions");
    let needs = text("needs");
    let suitable_for = text("suitable_for");
    for (column, value) in [
        ("organisation_name", &organisation_name),
        ("organisation_description", &organisation_description),
        ("service_name", &service_name),
        ("service_description", &description),
    ] {
        if value.is_none() {
            checker.bad(first, column, "is empty: every service needs one");
        }
    }
    // The first row of the service stands for its service-level cells.
    let head = Row {
        number: first,
        cells: [
            ("organisation_id", &organisation_id),
            ("service_id", &service_id),
            ("status", &status),
            ("organisation_website", &organisation_website),
            ("organisation_email", &organisation_email),
            ("service_website", &service_website),
            ("service_email", &service_email),
            ("service_phone", &service_phone),
            ("minimum_age", &minimum_age),
            ("maximum_age", &maximum_age),
            ("referral_route", &referral_route),
            ("referral_email", &referral_email),
            ("referral_phone", &referral_phone),
            ("referral_url", &referral_url),
        ]
        .into_iter()
        .filter_map(|(c, v)| v.clone().map(|v| (c, v)))
        .collect(),
        origins: origins.clone(),
    };
    let at = |column: &str| origins.get(column).copied().unwrap_or(first);
    let organisation_name = organisation_name.unwrap_or_default();
    let service_name = service_name.unwrap_or_default();
    let organisation_id = checker
        .checked(&head, "organisation_id", uuid_cell)
        .unwrap_or_else(|| made_id(&["organisation", &organisation_name]));
    let service_id = checker
        .checked(&head, "service_id", uuid_cell)
        .unwrap_or_else(|| made_id(&["service", &organisation_name, &service_name]));
    let mut organisation = Map::new();
    organisation.insert("id".into(), json!(organisation_id));
    organisation.insert("name".into(), json!(organisation_name));
    if let Some(d) = organisation_description {
        organisation.insert("description".into(), json!(d));
    }
    if let Some(url) = checker.checked(&head, "organisation_website", WebUrl::parse) {
        organisation.insert("website".into(), json!(url.as_str()));
    }
    if let Some(email) = checker.checked(&head, "organisation_email", Email::parse) {
        organisation.insert("email".into(), json!(email.as_str()));
    }
    let mut service = Map::new();
    service.insert("id".into(), json!(service_id));
    service.insert("organization_id".into(), json!(organisation_id));
    service.insert("name".into(), json!(service_name));
    if let Some(d) = description {
        service.insert("description".into(), json!(d));
    }
    let status = checker
        .checked(&head, "status", |t| {
            ServiceStatus::ALL
                .into_iter()
                .find(|s| s.as_str().eq_ignore_ascii_case(t))
                .ok_or("is not a status (active, inactive, defunct or temporarily closed)")
        })
        .unwrap_or(ServiceStatus::Active);
    service.insert("status".into(), json!(status.as_str()));
    if let Some(url) = checker.checked(&head, "service_website", WebUrl::parse) {
        service.insert("url".into(), json!(url.as_str()));
    }
    if let Some(email) = checker.checked(&head, "service_email", Email::parse) {
        service.insert("email".into(), json!(email.as_str()));
    }
    if let Some(phone) = checker.checked(&head, "service_phone", PhoneNumber::parse) {
        service.insert(
            "phones".into(),
            json!([{"id": made_id(&["phone", &service_id]), "number": phone.as_str(), "type": "voice"}]),
        );
    }
    match cost.as_deref() {
        Some(free) if free.eq_ignore_ascii_case("free") => {
            service.insert(
                "cost_options".into(),
                json!([{"id": made_id(&["cost", &service_id]), "option": "Free", "amount": 0}]),
            );
        }
        Some(fees) => {
            service.insert("fees".into(), json!(fees));
        }
        None => {}
    }
    let minimum = checker.checked(&head, "minimum_age", whole_age);
    let maximum = checker.checked(&head, "maximum_age", whole_age);
    if let (Some(low), Some(high)) = (minimum, maximum)
        && low > high
    {
        checker.bad(
            at("maximum_age"),
            "maximum_age",
            format!("{high} is below the minimum age {low}"),
        );
    }
    if let Some(low) = minimum {
        service.insert("minimum_age".into(), json!(low));
    }
    if let Some(high) = maximum {
        service.insert("maximum_age".into(), json!(high));
    }
    if let Some(e) = eligibility {
        service.insert("eligibility_description".into(), json!(e));
    }
    if let Some(list) = &languages {
        let mut items = Vec::new();
        for wanted in split_list(list) {
            match language(wanted) {
                Ok((code, name)) => items.push(json!({
                    "id": made_id(&["language", &service_id, &code]), "name": name, "code": code
                })),
                Err(why) => checker.bad(at("languages"), "languages", format!("{wanted:?} {why}")),
            }
        }
        if !items.is_empty() {
            service.insert("languages".into(), Value::Array(items));
        }
    }
    if let Some(route) = checker.checked(&head, "referral_route", |t| {
        ReferralRoute::parse(t).ok_or(
            "is not a referral route (self_referral, professional_referral, drop_in or signpost)",
        )
    }) {
        service.insert("referral_route".into(), json!(route.as_str()));
    }
    if let Some(email) = checker.checked(&head, "referral_email", Email::parse) {
        service.insert("referral_email".into(), json!(email.as_str()));
    }
    if let Some(phone) = checker.checked(&head, "referral_phone", PhoneNumber::parse) {
        service.insert("referral_phone".into(), json!(phone.as_str()));
    }
    if let Some(url) = checker.checked(&head, "referral_url", WebUrl::parse) {
        service.insert("referral_url".into(), json!(url.as_str()));
    }
    if let Some(text) = referral_instructions {
        service.insert("referral_instructions".into(), json!(text));
    }
    let mut attributes = Vec::new();
    for (column, link_type, cell) in [
        ("needs", "need", &needs),
        ("suitable_for", "suitable_for", &suitable_for),
    ] {
        if let Some(cell) = cell {
            for term in term_ids(cell, terms, at(column), column, checker) {
                attributes.push(json!({
                    "id": made_id(&["attribute", &service_id, link_type, &term]),
                    "taxonomy_term_id": term,
                    "link_type": link_type,
                }));
            }
        }
    }
    if !attributes.is_empty() {
        service.insert("attributes".into(), Value::Array(attributes));
    }
    let (links, schedules) = places(rows, &service_id, checker);
    if !links.is_empty() {
        service.insert("service_at_locations".into(), Value::Array(links));
    }
    if !schedules.is_empty() {
        service.insert("schedules".into(), Value::Array(schedules));
    }
    service.insert("organization".into(), Value::Object(organisation));
    SheetRecord {
        rows: numbers,
        record: Value::Object(service),
        cells: rows.iter().map(|r| r.cells.clone()).collect(),
    }
}

/// The places of a service's rows, and its weekly schedules: for the whole service when
/// every row gives the same hours, otherwise for each place.
fn places(rows: &[Row], service_id: &str, checker: &mut Checker) -> (Vec<Value>, Vec<Value>) {
    let mut links = Vec::new();
    let mut hours_by_link: Vec<(Option<String>, WeeklyHours)> = Vec::new();
    for row in rows {
        let hours = checker
            .checked(row, "opening_hours", WeeklyHours::parse_text)
            .unwrap_or_default();
        let address_1 = row.get("address_1");
        let postcode = checker.checked(row, "postcode", Postcode::parse);
        let has_address = address_1.is_some() || row.get("postcode").is_some();
        let online = checker.checked(row, "online_url", WebUrl::parse);
        let has_place = has_address
            || row.get("location_name").is_some()
            || row.get("location_id").is_some()
            || row.get("online_url").is_some();
        if !has_place {
            hours_by_link.push((None, hours));
            continue;
        }
        let confidential = checker
            .checked(row, "confidential_address", yes_no)
            .unwrap_or(false);
        // A confidential place is exported without its address; given without one, it
        // stands for the place as Signpost already holds it (see `import_sheet`).
        let address_needed = has_address || !(confidential || row.get("online_url").is_some());
        if address_needed && address_1.is_none() {
            checker.bad(
                row.number,
                "address_1",
                "is empty: a place needs its first address line",
            );
        }
        if address_needed && row.get("postcode").is_none() {
            checker.bad(
                row.number,
                "postcode",
                "is empty: a place needs its postcode",
            );
        }
        let postcode_text = postcode
            .as_ref()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let location_id = checker
            .checked(row, "location_id", uuid_cell)
            .unwrap_or_else(|| {
                made_id(&[
                    "location",
                    address_1.or(row.get("location_name")).unwrap_or_default(),
                    &postcode_text,
                ])
            });
        let link_id = made_id(&["service_at_location", service_id, &location_id]);
        if links.iter().any(|l: &Value| l["id"] == json!(link_id)) {
            checker.bad(
                row.number,
                "address_1",
                "repeats a place already given for this service",
            );
            continue;
        }
        let mut address = Map::new();
        address.insert("id".into(), json!(made_id(&["address", &location_id])));
        address.insert("location_id".into(), json!(location_id));
        address.insert("address_1".into(), json!(address_1.unwrap_or_default()));
        if let Some(line) = row.get("address_2") {
            address.insert("address_2".into(), json!(line));
        }
        let city = row.get("city").unwrap_or("London");
        address.insert("city".into(), json!(city));
        // The UK profile requires a county or region.
        let region = if city.eq_ignore_ascii_case("london") {
            "Greater London"
        } else {
            city
        };
        address.insert("state_province".into(), json!(region));
        address.insert("postal_code".into(), json!(postcode_text));
        address.insert("country".into(), json!("GB"));
        address.insert("address_type".into(), json!("physical"));
        let mut location = Map::new();
        location.insert("id".into(), json!(location_id));
        let virtual_place = online.is_some() && !has_address;
        location.insert(
            "location_type".into(),
            json!(if virtual_place { "virtual" } else { "physical" }),
        );
        if let Some(url) = &online {
            location.insert("url".into(), json!(url.as_str()));
        }
        if let Some(name) = row.get("location_name") {
            location.insert("name".into(), json!(name));
        }
        if address_needed {
            location.insert("addresses".into(), json!([Value::Object(address)]));
        }
        if confidential {
            location.insert("confidential".into(), json!(true));
        }
        links.push(json!({
            "id": link_id,
            "service_id": service_id,
            "location_id": location_id,
            "location": Value::Object(location),
        }));
        hours_by_link.push((Some(link_id), hours));
    }
    let all_same = hours_by_link.windows(2).all(|pair| pair[0].1 == pair[1].1);
    let mut schedules = Vec::new();
    let mut add = |hours: &WeeklyHours, link: Option<&str>| {
        for schedule in hours.to_schedules() {
            let Ok(mut value) = serde_json::to_value(&schedule) else {
                continue;
            };
            let key = format!(
                "{}{}",
                link.unwrap_or(""),
                schedule.byday.as_deref().unwrap_or("")
            );
            let opens = value["opens_at"].as_str().unwrap_or_default().to_owned();
            value["id"] = json!(made_id(&["schedule", service_id, &key, &opens]));
            value["service_id"] = json!(service_id);
            if let Some(link) = link {
                value["service_at_location_id"] = json!(link);
            }
            schedules.push(value);
        }
    };
    if all_same {
        if let Some((_, hours)) = hours_by_link.first() {
            add(hours, None);
        }
    } else {
        for (link, hours) in &hours_by_link {
            add(hours, link.as_deref());
        }
    }
    (links, schedules)
}

/// Service columns and the keys of the ORUK service object they write.
const SERVICE_KEYS: &[(&str, &[&str])] = &[
    ("service_name", &["name"]),
    ("service_description", &["description"]),
    ("status", &["status"]),
    ("service_website", &["url"]),
    ("service_email", &["email"]),
    ("cost", &["cost_options", "fees"]),
    ("minimum_age", &["minimum_age"]),
    ("maximum_age", &["maximum_age"]),
    ("eligibility", &["eligibility_description"]),
    ("languages", &["languages"]),
    ("referral_route", &["referral_route"]),
    ("referral_email", &["referral_email"]),
    ("referral_phone", &["referral_phone"]),
    ("referral_url", &["referral_url"]),
    ("referral_instructions", &["referral_instructions"]),
];

/// Organisation columns and the keys they write.
const ORGANISATION_KEYS: &[(&str, &str)] = &[
    ("organisation_name", "name"),
    ("organisation_description", "description"),
    ("organisation_website", "website"),
    ("organisation_email", "email"),
];

/// Sets `key` of `object` to `value`, or removes it.
fn set_or_remove(object: &mut Value, key: &str, value: Option<&Value>) {
    if let Some(map) = object.as_object_mut() {
        match value {
            Some(value) => {
                map.insert(key.to_owned(), value.clone());
            }
            None => {
                map.remove(key);
            }
        }
    }
}

/// A place's key for matching rows with places: its address, or its id or name.
fn place_key(location: &Value) -> String {
    let address = &location["addresses"][0];
    match (
        address["address_1"].as_str(),
        address["postal_code"].as_str(),
    ) {
        (Some(line), Some(postcode)) => format!(
            "{}|{}",
            line.to_lowercase().split_whitespace().collect::<String>(),
            postcode.to_uppercase().replace(' ', "")
        ),
        _ => location["id"].as_str().unwrap_or_default().to_owned(),
    }
}

/// The term ids of a service's attributes of one link type, sorted.
fn linked_terms(service: &Value, link_type: &str) -> Vec<String> {
    let mut ids: Vec<String> = service["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["link_type"].as_str() == Some(link_type))
        .filter_map(|a| a["taxonomy_term_id"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

/// Weekly hours by place, as a sheet gives them (for comparing).
fn hours_by_place(rows: &[Cells]) -> BTreeMap<String, String> {
    rows.iter()
        .map(|row| {
            let get = |c: &str| row.get(c).map(|v| v.trim()).unwrap_or_default();
            let place = format!(
                "{}|{}",
                get("address_1")
                    .to_lowercase()
                    .split_whitespace()
                    .collect::<String>(),
                get("postcode").to_uppercase().replace(' ', "")
            );
            let hours = WeeklyHours::parse_text(get("opening_hours"))
                .map(|h| h.to_text())
                .unwrap_or_default();
            (place, hours)
        })
        .collect()
}

/// A listing Signpost holds (`existing`, as `/services/{id}` publishes it) updated from a
/// sheet's rows for it: only what the sheet changes is changed, judged column by column
/// against what Signpost would write for the listing itself. What a sheet cannot say
/// (contacts, accessibility, monthly schedules, a place's phones and coordinates, other
/// attributes, a confidential address) is kept, and places the sheet still lists keep their
/// ids.
pub fn merge(
    existing: &Value,
    incoming: &SheetRecord,
    columns: &[&'static str],
    terms: &[TermChoice],
) -> Value {
    let old_rows = Flattener::new(terms).rows(existing);
    let mut text = COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",");
    {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for row in &old_rows {
            let _ = writer.write_record(
                COLUMNS
                    .iter()
                    .map(|c| row.get(c.name).map(String::as_str).unwrap_or_default()),
            );
        }
        text.push('\n');
        text.push_str(&String::from_utf8_lossy(
            &writer.into_inner().unwrap_or_default(),
        ));
    }
    let Some(old) = read(text.as_bytes(), terms)
        .records
        .into_iter()
        .next()
        .map(|r| r.record)
    else {
        return incoming.record.clone();
    };
    let new = &incoming.record;
    let present = |column: &str| columns.contains(&column);
    let mut merged = existing.clone();
    for (column, keys) in SERVICE_KEYS {
        if present(column) && keys.iter().any(|k| new.get(*k) != old.get(*k)) {
            for key in *keys {
                set_or_remove(&mut merged, key, new.get(*key));
            }
        }
    }
    if present("service_phone") && new["phones"][0]["number"] != old["phones"][0]["number"] {
        let has_phones = merged["phones"].as_array().is_some_and(|p| !p.is_empty());
        match (new["phones"][0]["number"].as_str(), has_phones) {
            (Some(number), true) => merged["phones"][0]["number"] = json!(number),
            (Some(_), false) => set_or_remove(&mut merged, "phones", new.get("phones")),
            (None, true) => {
                if let Some(phones) = merged["phones"].as_array_mut() {
                    phones.remove(0);
                    if phones.is_empty() {
                        set_or_remove(&mut merged, "phones", None);
                    }
                }
            }
            (None, false) => {}
        }
    }
    for (column, link_type) in [("needs", "need"), ("suitable_for", "suitable_for")] {
        if present(column) && linked_terms(new, link_type) != linked_terms(&old, link_type) {
            let mut attributes: Vec<Value> = merged["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| a["link_type"].as_str() != Some(link_type))
                .cloned()
                .collect();
            attributes.extend(
                new["attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|a| a["link_type"].as_str() == Some(link_type))
                    .cloned(),
            );
            let attributes = (!attributes.is_empty()).then(|| Value::Array(attributes));
            set_or_remove(&mut merged, "attributes", attributes.as_ref());
        }
    }
    for (column, key) in ORGANISATION_KEYS {
        if present(column) && new["organization"].get(*key) != old["organization"].get(*key) {
            set_or_remove(
                &mut merged["organization"],
                key,
                new["organization"].get(*key),
            );
        }
    }
    // Places: matched by id or address; a matched place keeps its id, its link's id and all
    // a sheet cannot say, and takes what the sheet changed.
    let mut links_remapped: BTreeMap<String, String> = BTreeMap::new();
    let place_columns = [
        "location_id",
        "location_name",
        "online_url",
        "address_1",
        "address_2",
        "city",
        "postcode",
        "confidential_address",
    ];
    if place_columns.iter().any(|c| present(c)) {
        let existing_links: Vec<Value> = existing["service_at_locations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let old_links: Vec<Value> = old["service_at_locations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut links = Vec::new();
        for link in new["service_at_locations"].as_array().into_iter().flatten() {
            let location = &link["location"];
            let matched = existing_links.iter().find(|e| {
                e["location_id"] == link["location_id"]
                    || place_key(&e["location"]) == place_key(location)
            });
            let Some(kept) = matched else {
                links.push(link.clone());
                continue;
            };
            let mut kept = kept.clone();
            let before = old_links
                .iter()
                .find(|o| o["location_id"] == kept["location_id"])
                .map(|o| o["location"].clone())
                .unwrap_or(Value::Null);
            for key in ["name", "addresses", "url", "location_type", "confidential"] {
                if location.get(key) != before.get(key) {
                    let mut value = location.get(key).cloned();
                    if let (Some(Value::Array(addresses)), Some(id)) =
                        (&mut value, kept["location_id"].as_str())
                    {
                        for address in addresses.iter_mut() {
                            address["location_id"] = json!(id);
                        }
                    }
                    set_or_remove(&mut kept["location"], key, value.as_ref());
                }
            }
            if let (Some(from), Some(to)) = (link["id"].as_str(), kept["id"].as_str()) {
                links_remapped.insert(from.to_owned(), to.to_owned());
            }
            links.push(kept);
        }
        let links = (!links.is_empty()).then(|| Value::Array(links));
        set_or_remove(&mut merged, "service_at_locations", links.as_ref());
    }
    // Weekly hours: when the sheet changes them, the weekly schedules are replaced; other
    // schedules (monthly, seasonal, with notes) stay.
    if present("opening_hours") && hours_by_place(&incoming.cells) != hours_by_place(&old_rows) {
        let mut schedules: Vec<Value> = merged["schedules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| {
                serde_json::from_value::<Schedule>((*s).clone()).is_ok_and(|schedule| {
                    !crate::domain::weekly::is_simple(&Schedule {
                        service_at_location_id: None,
                        ..schedule
                    })
                })
            })
            .cloned()
            .collect();
        let link_ids: Vec<Value> = merged["service_at_locations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| l["id"].clone())
            .collect();
        for schedule in new["schedules"].as_array().into_iter().flatten() {
            let mut schedule = schedule.clone();
            if let Some(to) = schedule["service_at_location_id"]
                .as_str()
                .and_then(|from| links_remapped.get(from))
            {
                schedule["service_at_location_id"] = json!(to);
            }
            if schedule.get("service_at_location_id").is_some()
                && !link_ids.contains(&schedule["service_at_location_id"])
            {
                set_or_remove(&mut schedule, "service_at_location_id", None);
            }
            schedule["service_id"] = merged["id"].clone();
            schedules.push(schedule);
        }
        let schedules = (!schedules.is_empty()).then(|| Value::Array(schedules));
        set_or_remove(&mut merged, "schedules", schedules.as_ref());
    }
    merged
}

/// The template: the header and one example row.
pub fn template() -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS.iter().map(|c| c.name));
    let _ = writer.write_record(COLUMNS.iter().map(|c| c.example));
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A CSV writer in the template's columns, fed ORUK service records (as `/services/{id}`
/// publishes them).
pub struct SheetWriter<W: std::io::Write> {
    writer: csv::Writer<W>,
    flattener: Flattener,
}

impl<W: std::io::Write> SheetWriter<W> {
    /// Writes the header; `terms` give term ids their codes (or names).
    pub fn new(out: W, terms: &[TermChoice]) -> Result<Self, csv::Error> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(COLUMNS.iter().map(|c| c.name))?;
        Ok(Self {
            writer,
            flattener: Flattener::new(terms),
        })
    }

    /// Writes a service's rows (one per place, or one without a place).
    pub fn write(&mut self, service: &Value) -> Result<(), csv::Error> {
        for row in self.flattener.rows(service) {
            self.writer.write_record(
                COLUMNS
                    .iter()
                    .map(|c| row.get(c.name).map(String::as_str).unwrap_or_default()),
            )?;
        }
        Ok(())
    }

    /// Flushes and gives back the output.
    pub fn finish(self) -> Result<W, csv::Error> {
        self.writer
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}

/// One row's cells, by column.
pub type Cells = BTreeMap<&'static str, String>;

/// Turns ORUK service records into the template's rows.
pub struct Flattener {
    terms: BTreeMap<String, String>,
}

impl Flattener {
    /// `terms` give term ids their codes (or names).
    pub fn new(terms: &[TermChoice]) -> Self {
        Self {
            terms: terms
                .iter()
                .map(|t| {
                    (
                        t.id.clone(),
                        t.code.clone().unwrap_or_else(|| t.name.clone()),
                    )
                })
                .collect(),
        }
    }

    /// A service's rows: one per place, or one without a place.
    pub fn rows(&self, service: &Value) -> Vec<Cells> {
        let text = |v: &Value| v.as_str().map(str::to_owned).unwrap_or_default();
        let mut cells: Cells = BTreeMap::new();
        let organisation = &service["organization"];
        cells.insert("organisation_id", text(&organisation["id"]));
        cells.insert("organisation_name", text(&organisation["name"]));
        cells.insert(
            "organisation_description",
            text(&organisation["description"]),
        );
        cells.insert("organisation_website", text(&organisation["website"]));
        cells.insert("organisation_email", text(&organisation["email"]));
        cells.insert("service_id", text(&service["id"]));
        cells.insert("service_name", text(&service["name"]));
        cells.insert("service_description", text(&service["description"]));
        cells.insert("status", text(&service["status"]));
        cells.insert("service_website", text(&service["url"]));
        cells.insert("service_email", text(&service["email"]));
        cells.insert("service_phone", text(&service["phones"][0]["number"]));
        let free = service["cost_options"]
            .as_array()
            .is_some_and(|options| options.iter().any(|o| o["amount"].as_f64() == Some(0.0)));
        cells.insert(
            "cost",
            if free {
                "free".to_owned()
            } else {
                text(&service["fees"])
            },
        );
        for (column, field) in [
            ("minimum_age", "minimum_age"),
            ("maximum_age", "maximum_age"),
        ] {
            cells.insert(
                column,
                service[field]
                    .as_f64()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            );
        }
        cells.insert("eligibility", text(&service["eligibility_description"]));
        let languages: Vec<String> = service["languages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l["code"].as_str().or(l["name"].as_str()).map(str::to_owned))
            .collect();
        cells.insert("languages", languages.join("; "));
        for field in [
            "referral_route",
            "referral_email",
            "referral_phone",
            "referral_url",
            "referral_instructions",
        ] {
            cells.insert(field, text(&service[field]));
        }
        for (column, link_type) in [("needs", "need"), ("suitable_for", "suitable_for")] {
            let listed: Vec<String> = service["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| a["link_type"].as_str() == Some(link_type))
                .filter_map(|a| {
                    let id = a["taxonomy_term_id"]
                        .as_str()
                        .or(a["taxonomy_term"]["id"].as_str())?;
                    self.terms.get(id).cloned()
                })
                .collect();
            cells.insert(column, listed.join("; "));
        }
        let schedules: Vec<Schedule> = service["schedules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| serde_json::from_value(s.clone()).ok())
            .collect();
        let hours_at = |link: Option<&str>| {
            let applying: Vec<Schedule> = schedules
                .iter()
                .filter(|s| {
                    s.service_at_location_id.is_none()
                        || s.service_at_location_id.map(|id| id.to_string()).as_deref() == link
                })
                .map(|s| Schedule {
                    service_at_location_id: None,
                    ..s.clone()
                })
                .collect();
            WeeklyHours::from_schedules(&applying).0.to_text()
        };
        let links = service["service_at_locations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if links.is_empty() {
            cells.insert("opening_hours", hours_at(None));
            return vec![cells];
        }
        let mut rows = Vec::with_capacity(links.len());
        for link in &links {
            let mut row = cells.clone();
            let location = &link["location"];
            row.insert("opening_hours", hours_at(link["id"].as_str()));
            row.insert("location_id", text(&location["id"]));
            row.insert("location_name", text(&location["name"]));
            row.insert("online_url", text(&location["url"]));
            let address = &location["addresses"][0];
            row.insert("address_1", text(&address["address_1"]));
            row.insert("address_2", text(&address["address_2"]));
            row.insert("city", text(&address["city"]));
            row.insert("postcode", text(&address["postal_code"]));
            let confidential = location["confidential"].as_bool() == Some(true);
            row.insert(
                "confidential_address",
                if confidential { "yes" } else { "no" }.to_owned(),
            );
            rows.push(row);
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> Vec<TermChoice> {
        vec![TermChoice {
            id: "8eb3121b-1fb9-55b4-b56f-01f047a88373".to_owned(),
            code: Some("food.food-bank".to_owned()),
            name: "Food banks".to_owned(),
        }]
    }

    fn sheet(rows: &[&str]) -> Sheet {
        let mut text = COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",");
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        read(text.as_bytes(), &terms())
    }

    /// A row with `cells` (column, value) set and the rest blank.
    fn row(cells: &[(&str, &str)]) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(COLUMNS.iter().map(|c| {
                cells
                    .iter()
                    .find(|(name, _)| *name == c.name)
                    .map_or("", |(_, v)| *v)
            }))
            .unwrap();
        String::from_utf8(writer.into_inner().unwrap())
            .unwrap()
            .trim_end()
            .to_owned()
    }

    const BASICS: [(&str, &str); 4] = [
        ("organisation_name", "Bow Common Food Hub"),
        ("organisation_description", "A food project."),
        ("service_name", "Food bank"),
        ("service_description", "Food parcels."),
    ];

    #[test]
    fn the_template_reads_back_as_one_valid_service() {
        let read = read(template().as_bytes(), &terms());
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(read.records.len(), 1);
        let record = &read.records[0].record;
        let parsed = crate::oruk::parse::parse_service(record).result;
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        assert_eq!(record["attributes"][0]["taxonomy_term_id"], terms()[0].id);
        assert_eq!(record["schedules"][0]["byday"], "TU,FR");
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_row_and_column() {
        let mut bad = BASICS.to_vec();
        bad[2] = ("service_name", "Advice");
        bad.extend([
            ("service_email", "not-an-email"),
            ("minimum_age", "eighteen"),
            ("postcode", "NOT A POSTCODE"),
            ("address_1", "1 High Street"),
            ("opening_hours", "Mon 9-5"),
            ("languages", "Klingon"),
            ("needs", "Unicorns"),
            ("status", "open"),
            ("confidential_address", "maybe"),
        ]);
        let read = sheet(&[&row(&BASICS), &row(&bad), &row(&[("service_name", "x")])]);
        let found: Vec<(usize, &str)> = read
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        for expected in [
            (3, "service_email"),
            (3, "minimum_age"),
            (3, "postcode"),
            (3, "opening_hours"),
            (3, "languages"),
            (3, "needs"),
            (3, "status"),
            (3, "confidential_address"),
            (4, "organisation_name"),
            (4, "service_description"),
        ] {
            assert!(
                found.contains(&expected),
                "{expected:?} in {:?}",
                read.errors
            );
        }
        assert!(
            !found.iter().any(|(row, _)| *row == 2),
            "row 2 is good: {:?}",
            read.errors
        );
        assert!(!read.records[0].has_errors(&read.errors));
    }

    #[test]
    fn rows_of_one_service_are_its_places_and_may_not_disagree() {
        let mut first = BASICS.to_vec();
        first.extend([
            ("address_1", "1 High St"),
            ("postcode", "E1 6AN"),
            ("opening_hours", "Mon 10:00-12:00"),
        ]);
        let second = [
            ("organisation_name", "Bow Common Food Hub"),
            ("service_name", "food bank"),
            ("address_1", "2 Low St"),
            ("postcode", "E3 3XU"),
            ("opening_hours", "Tue 10:00-12:00"),
            ("confidential_address", "yes"),
        ];
        let read = sheet(&[&row(&first), &row(&second)]);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(read.records.len(), 1);
        let record = &read.records[0].record;
        assert_eq!(record["service_at_locations"].as_array().unwrap().len(), 2);
        assert_eq!(
            record["service_at_locations"][1]["location"]["confidential"],
            true
        );
        let schedules = record["schedules"].as_array().unwrap();
        assert_eq!(schedules.len(), 2, "hours differ by place: {schedules:?}");
        assert!(
            schedules
                .iter()
                .all(|s| s["service_at_location_id"].is_string())
        );
        let parsed = crate::oruk::parse::parse_service(record).result;
        assert!(parsed.is_ok(), "{:?}", parsed.err());

        let mut disagreeing = second.to_vec();
        disagreeing.push(("service_description", "Something else."));
        let read = sheet(&[&row(&first), &row(&disagreeing)]);
        assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
        assert_eq!(
            (read.errors[0].row, read.errors[0].column.as_str()),
            (3, "service_description")
        );
    }

    #[test]
    fn ids_made_from_names_are_the_same_each_time() {
        let once = sheet(&[&row(&BASICS)]);
        let again = sheet(&[&row(&BASICS)]);
        assert_eq!(once.records[0].record["id"], again.records[0].record["id"]);
    }

    #[test]
    fn unknown_and_missing_columns_are_reported_on_the_header_row() {
        let read = read(b"organisation_name,colour\nA,red\n", &terms());
        let found: Vec<(usize, &str)> = read
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert!(found.contains(&(1, "colour")));
        assert!(found.contains(&(1, "service_name")));
        assert!(found.contains(&(1, "service_description")));
    }

    #[test]
    fn a_written_service_reads_back_the_same() {
        let read1 = read(template().as_bytes(), &terms());
        let mut writer = SheetWriter::new(Vec::new(), &terms()).unwrap();
        writer.write(&read1.records[0].record).unwrap();
        let written = writer.finish().unwrap();
        let read2 = read(&written, &terms());
        assert!(read2.errors.is_empty(), "{:?}", read2.errors);
        assert_eq!(read1.records[0].record, read2.records[0].record);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_give_a_report_never_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = read(&bytes, &terms());
        }

        #[test]
        fn any_bytes_that_look_like_a_workbook_give_a_report_never_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let mut workbook = b"PK\x03\x04".to_vec();
            workbook.extend(bytes);
            let read = read(&workbook, &terms());
            proptest::prop_assert!(read.records.is_empty());
            proptest::prop_assert_eq!(read.errors[0].row, 1);
        }
    }
}
