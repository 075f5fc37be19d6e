//! Importing ORUK 3.0 service records: from a JSON array, a `Page` envelope or NDJSON.
//!
//! Each record is parsed on its own ([`crate::oruk::parse`]) and checked against what the
//! directory already knows (a record may refer to a taxonomy term, location or organization
//! by id only if that record exists, or is described in the same import). Invalid records
//! are reported with their position, id and the fields at fault; valid ones still go in, in
//! batches, each batch one atomic write. Importing the same records again changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::hash::Hash;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use super::{Catalog, CatalogError};
use crate::domain::feed::Source;
use crate::domain::ids::{LocationId, OrganizationId, ServiceId, TaxonomyId, TaxonomyTermId};
use crate::domain::service::Service;
use crate::domain::taxonomy::{Taxonomy, TaxonomyTerm};
use crate::oruk::parse::{FieldError, ServiceBundle, parse_service, record_id};
use crate::store::{ChangeSet, WriteOutcome};

/// Services written per atomic batch.
const BATCH_SIZE: usize = 500;
/// Organizations and locations written in one change of an import (each, at most).
const SHARED_BATCH_SIZE: usize = 2_000;

/// Where a record was in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The n-th item (from 1) of a JSON array or a Page's `contents`.
    Item(usize),
    /// Line n (from 1) of an NDJSON file.
    Line(usize),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Item(n) => write!(f, "record {n}"),
            Position::Line(n) => write!(f, "line {n}"),
        }
    }
}

/// One record read from a file: its JSON, or why the JSON could not be read.
#[derive(Debug)]
pub struct SourceRecord {
    /// Where it was.
    pub position: Position,
    json: RecordJson,
}

/// A record's JSON as read: parsed, or an NDJSON line parsed when the import takes it (on
/// as many threads as there are cores: parsing is most of an import's first seconds).
#[derive(Debug)]
enum RecordJson {
    Parsed(Value),
    Line(String),
    /// Why the record could not be read from the file at all.
    Unreadable(String),
}

impl SourceRecord {
    /// A record already parsed, found at `position`.
    pub fn parsed(position: Position, value: Value) -> Self {
        Self {
            position,
            json: RecordJson::Parsed(value),
        }
    }

    /// Its JSON value, or a syntax error message.
    pub fn into_value(self) -> Result<Value, String> {
        match self.json {
            RecordJson::Parsed(value) => Ok(value),
            RecordJson::Line(line) => {
                serde_json::from_str(&line).map_err(|error| format!("not valid JSON: {error}"))
            }
            RecordJson::Unreadable(why) => Err(why),
        }
    }
}

/// A file that cannot be read as records at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Nothing in it.
    #[error("the file is empty")]
    Empty,
    /// Not JSON in any accepted shape.
    #[error("{0}")]
    Unreadable(String),
}

/// Problems with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblems {
    /// Where the record was.
    pub position: Position,
    /// Its id, when readable.
    pub id: Option<String>,
    /// The problems, each naming a field.
    pub problems: Vec<FieldError>,
}

impl fmt::Display for RecordProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.position)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Records read.
    pub read: usize,
    /// New services.
    pub created: usize,
    /// Services that changed.
    pub updated: usize,
    /// Services identical to the stored ones.
    pub unchanged: usize,
    /// Records not imported, with why.
    pub rejected: Vec<RecordProblems>,
    /// Records imported with something dropped, with what.
    pub warnings: Vec<RecordProblems>,
}

impl ImportReport {
    /// Whether every record went in.
    pub fn all_imported(&self) -> bool {
        self.rejected.is_empty()
    }
}

/// Splits a file's text into records: a JSON array, a `Page` envelope (`contents`), a single
/// record, or NDJSON (one record per line; a bad line is reported and the others still read).
pub fn read_source(text: &str) -> Result<Vec<SourceRecord>, SourceError> {
    Ok(source_records(text)?.collect())
}

/// The records of a file's text as [`read_source`] finds them, NDJSON's lines parsed as
/// an import takes them (a chunk at a time, on every core): a national directory's export
/// is a million lines, and their parsed JSON all at once took nine times the file's size
/// (18 GB for 1M services).
pub fn source_records(
    text: &str,
) -> Result<Box<dyn Iterator<Item = SourceRecord> + '_>, SourceError> {
    let text = text.trim_start_matches('\u{feff}');
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(SourceError::Empty);
    }
    let items = |values: Vec<Value>| -> Box<dyn Iterator<Item = SourceRecord>> {
        Box::new(
            values
                .into_iter()
                .enumerate()
                .map(|(at, value)| SourceRecord::parsed(Position::Item(at + 1), value)),
        )
    };
    match trimmed.as_bytes()[0] {
        b'[' => match serde_json::from_str::<Vec<Value>>(text) {
            Ok(values) => Ok(items(values)),
            Err(error) => Err(SourceError::Unreadable(format!("the file is not a valid JSON array: {error}"))),
        },
        b'{' => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(mut object)) => match object.remove("contents") {
                Some(Value::Array(contents)) => Ok(items(contents)),
                Some(_) => Err(SourceError::Unreadable("the Page envelope's contents is not an array".to_owned())),
                None => Ok(items(vec![Value::Object(object)])),
            },
            Ok(_) => unreachable!("a text starting with an object parses as an object"),
            Err(_) => Ok(Box::new(ndjson(text))),
        },
        _ => Err(SourceError::Unreadable(
            "expected ORUK service records as a JSON array, a Page envelope ({\"contents\": [...]}) or NDJSON (one JSON object per line)".to_owned(),
        )),
    }
}

fn ndjson(text: &str) -> impl Iterator<Item = SourceRecord> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| SourceRecord {
            position: Position::Line(at + 1),
            json: RecordJson::Line(line.to_owned()),
        })
}

/// The records of the file at `path`, as [`source_records`] finds them in its text. NDJSON
/// (a first line that is a JSON object, and more lines) is read a line at a time as the
/// import takes its records: a national directory's export is gigabytes, and read whole it
/// was held to the end of the import. Any other file is read whole.
pub fn file_records(path: &Path) -> Result<Box<dyn Iterator<Item = SourceRecord>>, SourceError> {
    let unreadable =
        |error: std::io::Error| SourceError::Unreadable(format!("cannot read it: {error}"));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut lines = FileLines {
        reader: BufReader::with_capacity(1 << 20, file),
        number: 0,
        ended: false,
    };
    let first = lines
        .next_filled()
        .map_err(unreadable)?
        .map(|(number, mut line)| {
            if line.starts_with("\u{feff}".as_bytes()) {
                line.drain(.."\u{feff}".len());
            }
            (number, line)
        });
    if let Some((_, line)) = &first {
        let object = line.trim_ascii_start().starts_with(b"{")
            && serde_json::from_slice::<Value>(line).is_ok_and(|value| value.is_object());
        if object && let Some(second) = lines.next_filled().map_err(unreadable)? {
            let read = first.into_iter().chain([second]).map(Ok).chain(lines);
            return Ok(Box::new(read.map(|line| match line {
                Ok((number, bytes)) => SourceRecord {
                    position: Position::Line(number),
                    json: match String::from_utf8(bytes) {
                        Ok(text) => RecordJson::Line(text),
                        Err(_) => RecordJson::Unreadable("not UTF-8 text".to_owned()),
                    },
                },
                Err((number, error)) => SourceRecord {
                    position: Position::Line(number),
                    json: RecordJson::Unreadable(format!(
                        "the file could not be read from here on: {error}"
                    )),
                },
            })));
        }
    }
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    Ok(Box::new(
        source_records(&text)?.collect::<Vec<_>>().into_iter(),
    ))
}

/// The lines of a file with anything on them, each with its number (from 1), without its
/// line ending; a read that fails ends them.
struct FileLines<R> {
    reader: R,
    /// Lines read so far.
    number: usize,
    ended: bool,
}

impl<R: BufRead> FileLines<R> {
    fn next_filled(&mut self) -> std::io::Result<Option<(usize, Vec<u8>)>> {
        while !self.ended {
            let mut line = Vec::new();
            if self.reader.read_until(b'\n', &mut line)? == 0 {
                self.ended = true;
                break;
            }
            self.number += 1;
            while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                line.pop();
            }
            if !line.trim_ascii().is_empty() {
                return Ok(Some((self.number, line)));
            }
        }
        Ok(None)
    }
}

impl<R: BufRead> Iterator for FileLines<R> {
    type Item = Result<(usize, Vec<u8>), (usize, std::io::Error)>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_filled() {
            Ok(line) => line.map(Ok),
            Err(error) => {
                self.ended = true;
                Some(Err((self.number + 1, error)))
            }
        }
    }
}

/// A record that parsed, waiting for its references to be checked.
struct Candidate {
    position: Position,
    /// Its place among the import's records (from 0): which of two descriptions of one
    /// shared record is the later.
    ordinal: usize,
    id: Option<String>,
    bundle: ServiceBundle,
    /// Its service was described by a later record, already written: only what it nests
    /// is written (counted as unchanged).
    superseded: bool,
}

/// Imports records into the catalog.
///
/// Records are taken a chunk at a time ([`WRITE_CHUNK`]), parsed (each record's JSON
/// dropped once it is a typed bundle) and checked: a record whose references are all in the
/// store, in records written earlier in this import or nested in the chunk's records that
/// go in is written with the chunk (the vocabulary, then organizations and locations, then
/// services in batches, so no written service ever refers to a record not yet written). A
/// record that refers to something nobody has described yet waits; at the end the waiting
/// records are checked against everything nested in *valid* records of this import, in any
/// order (a record may refer to a location that a later record describes), repeating until
/// no more records fall out (a record whose only source for a reference was rejected is
/// rejected too), and the rest are written. When two records describe the same
/// organization, location, term or taxonomy, the later description is the one kept.
///
/// Memory holds a chunk, the records waiting and the ids written, not the file: a national
/// directory's million records, parsed all at once, held 4.5 GB besides the file's text.
pub fn import(
    catalog: &Catalog,
    records: impl IntoIterator<Item = SourceRecord>,
) -> Result<ImportReport, CatalogError> {
    import_with(catalog, records, &Origin::default())
}

/// Who brings an import and from where, for the records' history and source.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// Who, and why (none: a command-line import).
    pub provenance: Option<crate::domain::moderation::Provenance>,
    /// The feed the services came from, recorded as their source.
    pub source: Option<String>,
    /// The publisher's ids of services whose directory ids differ (matched to existing
    /// listings): directory id to publisher's id.
    pub remote_ids: BTreeMap<ServiceId, ServiceId>,
}

/// What importing a spreadsheet did.
#[derive(Debug, Clone, Default)]
pub struct SheetImport {
    /// Every bad cell (row, column, why), including records the import refused.
    pub errors: Vec<crate::oruk::spreadsheet::CellError>,
    /// Services in the sheet.
    pub services: usize,
    /// Services left out because a row of theirs has a bad cell.
    pub skipped: usize,
    /// The import, when anything was imported: nothing is when the sheet has errors and
    /// valid rows were not asked for.
    pub imported: Option<ImportReport>,
}

/// The terms a spreadsheet's `needs` and `suitable_for` cells may name.
pub fn term_choices(
    catalog: &Catalog,
) -> Result<Vec<crate::oruk::spreadsheet::TermChoice>, CatalogError> {
    Ok(catalog
        .store()
        .taxonomy_terms()?
        .into_iter()
        .map(|t| crate::oruk::spreadsheet::TermChoice {
            id: t.id.to_string(),
            code: t.code,
            name: t.name,
        })
        .collect())
}

/// Imports a CSV sheet in the template's columns: nothing when a cell is bad, unless
/// `valid_rows` asks for the services whose rows are all good.
pub fn import_sheet(
    catalog: &Catalog,
    bytes: &[u8],
    valid_rows: bool,
    origin: &Origin,
) -> Result<SheetImport, CatalogError> {
    use crate::oruk::spreadsheet::{self, CellError};
    let sheet = spreadsheet::read(bytes, &term_choices(catalog)?);
    let mut outcome = SheetImport {
        services: sheet.records.len(),
        errors: sheet.errors.clone(),
        ..SheetImport::default()
    };
    let header_broken = sheet.errors.iter().any(|e| e.row == 1);
    if (!sheet.errors.is_empty() && !valid_rows) || header_broken {
        return Ok(outcome);
    }
    let (good, bad): (Vec<_>, Vec<_>) = sheet
        .records
        .into_iter()
        .partition(|r| !r.has_errors(&sheet.errors));
    outcome.skipped = bad.len();
    let store = catalog.store();
    let terms = term_choices(catalog)?;
    let mut sources = Vec::with_capacity(good.len());
    for (n, sheet_record) in good.iter().enumerate() {
        let mut record = sheet_record.record.clone();
        // A listing Signpost holds changes only where the sheet changes it.
        let existing = record["id"]
            .as_str()
            .and_then(|id| ServiceId::parse(id).ok())
            .map(|id| catalog.full_service(id))
            .transpose()?
            .flatten();
        if let Some(full) = existing {
            let view = crate::oruk::render::ServiceView::new(
                &full,
                crate::oruk::render::Places::none(catalog.geography()),
            );
            let current = serde_json::to_value(&view)
                .map_err(|e| CatalogError::Internal(format!("rendering a listing: {e}")))?;
            record = spreadsheet::merge(&current, sheet_record, &sheet.columns, &terms);
        } else if let Some(organization) = record["organization"]["id"]
            .as_str()
            .and_then(|id| OrganizationId::parse(id).ok())
            .map(|id| store.organization(id))
            .transpose()?
            .flatten()
        {
            // A new listing of a known organisation: the organisation changes only where
            // the sheet changes it (its identifiers and the rest are kept).
            let mut current =
                serde_json::to_value(crate::oruk::render::OrganizationSummary::new(&organization))
                    .map_err(|e| {
                        CatalogError::Internal(format!("rendering an organisation: {e}"))
                    })?;
            let mut changed = false;
            for key in ["name", "description", "website", "email"] {
                let given = record["organization"].get(key).cloned();
                if given.is_some() && current.get(key) != given.as_ref() {
                    current[key] = given.unwrap_or_default();
                    changed = true;
                }
            }
            if changed {
                let identifiers = serde_json::to_value(&organization.organization_identifiers)
                    .unwrap_or_default();
                if identifiers.as_array().is_some_and(|a| !a.is_empty()) {
                    current["organization_identifiers"] = identifiers;
                }
                record["organization"] = current;
            } else if let Some(object) = record.as_object_mut() {
                object.remove("organization");
            }
        }
        // A place given without an address (a confidential one, as exported) that Signpost
        // already holds is referred to, never overwritten.
        if let Some(links) = record["service_at_locations"].as_array_mut() {
            for link in links {
                let addressless = link["location"]["addresses"].is_null();
                let known = link["location_id"]
                    .as_str()
                    .and_then(|id| LocationId::parse(id).ok())
                    .map(|id| store.location(id))
                    .transpose()?
                    .flatten()
                    .is_some();
                if addressless
                    && known
                    && let Some(link) = link.as_object_mut()
                {
                    link.remove("location");
                }
            }
        }
        sources.push(SourceRecord::parsed(Position::Item(n + 1), record));
    }
    let report = import_with(catalog, sources, origin)?;
    for rejected in &report.rejected {
        let (Position::Item(n) | Position::Line(n)) = rejected.position;
        let row = good.get(n - 1).map_or(0, |r| r.rows[0]);
        for problem in &rejected.problems {
            outcome.errors.push(CellError {
                row,
                column: problem.field.clone(),
                why: problem.message.clone(),
            });
        }
    }
    outcome.errors.sort_by_key(|e| e.row);
    outcome.imported = Some(report);
    Ok(outcome)
}

/// [`import`], recording who brought the records and from which feed.
pub fn import_with(
    catalog: &Catalog,
    records: impl IntoIterator<Item = SourceRecord>,
    origin: &Origin,
) -> Result<ImportReport, CatalogError> {
    import_chunked(catalog, records, origin, WRITE_CHUNK)
}

/// [`import`], taking `chunk` records at a time instead of [`WRITE_CHUNK`] (what is written
/// is the same; tests use small chunks to cross their edges).
pub fn import_in_chunks(
    catalog: &Catalog,
    records: impl IntoIterator<Item = SourceRecord>,
    chunk: usize,
) -> Result<ImportReport, CatalogError> {
    import_chunked(catalog, records, &Origin::default(), chunk.max(1))
}

fn import_chunked(
    catalog: &Catalog,
    records: impl IntoIterator<Item = SourceRecord>,
    origin: &Origin,
    chunk: usize,
) -> Result<ImportReport, CatalogError> {
    let mut report = ImportReport::default();
    let mut records = records.into_iter().peekable();
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut written = Written::default();
    let mut waiting: Vec<Candidate> = Vec::new();
    // Services of waiting records, and the latest record to describe each that was written
    // meanwhile: a later description of a service stands, as of any record.
    let mut waiting_services: HashMap<ServiceId, Option<usize>> = HashMap::new();
    while records.peek().is_some() {
        let mut candidates = Vec::new();
        while candidates.len() < chunk && records.peek().is_some() {
            // A part at a time, on every core, so the chunk's parsed JSON is never all in memory.
            let take = PARSE_CHUNK.min(chunk - candidates.len());
            let part: Vec<SourceRecord> = records.by_ref().take(take).collect();
            read_into(part, workers, &mut report, &mut candidates);
        }
        let (ready, unresolved) = resolvable(catalog, &written, candidates)?;
        for candidate in &ready {
            if let Some(latest) = waiting_services.get_mut(&candidate.bundle.service.id) {
                *latest = Some(candidate.ordinal);
            }
        }
        for (candidate, _) in unresolved {
            waiting_services.insert(candidate.bundle.service.id, None);
            waiting.push(candidate);
        }
        write(catalog, ready, origin, &mut report, &mut written)?;
    }
    if !waiting.is_empty() {
        let (ready, unresolved) = resolvable(catalog, &written, waiting)?;
        for (candidate, missing) in unresolved {
            report.rejected.push(RecordProblems {
                position: candidate.position,
                id: candidate.id,
                problems: missing,
            });
        }
        // A record whose service a later record described (and was written) leaves the
        // service as it is; what it nests is written as any earlier description is.
        let mut ready = ready;
        for candidate in &mut ready {
            candidate.superseded = waiting_services
                .get(&candidate.bundle.service.id)
                .copied()
                .flatten()
                .is_some_and(|latest| latest > candidate.ordinal);
        }
        write(catalog, ready, origin, &mut report, &mut written)?;
    }
    report
        .rejected
        .sort_by_key(|problems| match problems.position {
            Position::Item(n) | Position::Line(n) => n,
        });
    Ok(report)
}

/// Records taken, checked and written together: enough that a national file's chunks
/// are few, few enough that their parsed records take tens of megabytes.
const WRITE_CHUNK: usize = 10_000;

/// Parses `part` on up to `workers` threads into `candidates`, counting and reporting in
/// `report`.
fn read_into(
    part: Vec<SourceRecord>,
    workers: usize,
    report: &mut ImportReport,
    candidates: &mut Vec<Candidate>,
) {
    for read in read_all(part, workers) {
        let ordinal = report.read;
        report.read += 1;
        let (position, id) = (read.position, read.id);
        let parsed = match read.parsed {
            Ok(parsed) => parsed,
            Err(message) => {
                let problems = vec![FieldError {
                    field: String::new(),
                    message,
                }];
                report.rejected.push(RecordProblems {
                    position,
                    id: None,
                    problems,
                });
                continue;
            }
        };
        if !parsed.warnings.is_empty() {
            report.warnings.push(RecordProblems {
                position,
                id: id.clone(),
                problems: parsed.warnings,
            });
        }
        match parsed.result {
            Ok(bundle) => candidates.push(Candidate {
                position,
                ordinal,
                id,
                bundle,
                superseded: false,
            }),
            Err(problems) => report.rejected.push(RecordProblems {
                position,
                id,
                problems,
            }),
        }
    }
}

/// Splits `candidates` into those whose references are all in the store, written earlier
/// in the import or nested in another of those kept (repeating until none falls out), and
/// the rest, each with what it misses.
#[allow(clippy::type_complexity)]
fn resolvable(
    catalog: &Catalog,
    written: &Written,
    candidates: Vec<Candidate>,
) -> Result<(Vec<Candidate>, Vec<(Candidate, Vec<FieldError>)>), CatalogError> {
    let mut kept = candidates;
    let mut unresolved = Vec::new();
    loop {
        let nested = Nested::of(&kept);
        let mut next = Vec::with_capacity(kept.len());
        let mut dropped = false;
        for candidate in kept {
            let missing = missing_references(catalog, written, &nested, &candidate.bundle)?;
            if missing.is_empty() {
                next.push(candidate);
            } else {
                dropped = true;
                unresolved.push((candidate, missing));
            }
        }
        kept = next;
        if !dropped {
            return Ok((kept, unresolved));
        }
    }
}

/// Records parsed together, split between the cores.
const PARSE_CHUNK: usize = 2_048;

/// One record parsed from its JSON text into a service bundle (or its problems); the JSON
/// itself is dropped.
struct Read {
    position: Position,
    id: Option<String>,
    /// The parse, or why the record's JSON could not be read.
    parsed: Result<crate::oruk::parse::Parsed<ServiceBundle>, String>,
}

fn read_one(record: SourceRecord) -> Read {
    let position = record.position;
    match record.into_value() {
        Ok(value) => Read {
            position,
            id: record_id(&value).map(str::to_owned),
            parsed: Ok(parse_service(&value)),
        },
        Err(message) => Read {
            position,
            id: None,
            parsed: Err(message),
        },
    }
}

/// Reads a chunk of records on up to `workers` threads (this one among them), in order.
fn read_all(mut chunk: Vec<SourceRecord>, workers: usize) -> Vec<Read> {
    /// Fewer records than this a thread are read on this one: a thread costs more.
    const LEAST_PER_THREAD: usize = 64;
    let threads = workers.min(chunk.len() / LEAST_PER_THREAD).max(1);
    if threads == 1 {
        return chunk.into_iter().map(read_one).collect();
    }
    let per_thread = chunk.len().div_ceil(threads);
    let mut parts = Vec::with_capacity(threads);
    while chunk.len() > per_thread {
        parts.push(chunk.split_off(chunk.len() - per_thread));
    }
    // `parts` holds the later records, last first; `chunk` the first ones.
    std::thread::scope(|scope| {
        let others: Vec<_> = parts
            .into_iter()
            .rev()
            .map(|part| scope.spawn(|| part.into_iter().map(read_one).collect::<Vec<_>>()))
            .collect();
        let mut read: Vec<Read> = chunk.into_iter().map(read_one).collect();
        for other in others {
            match other.join() {
                Ok(part) => read.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        read
    })
}

/// Ids of the records nested in a set of candidates.
#[derive(Default)]
struct Nested {
    organizations: BTreeSet<OrganizationId>,
    locations: BTreeSet<LocationId>,
    terms: BTreeSet<TaxonomyTermId>,
}

impl Nested {
    fn of(candidates: &[Candidate]) -> Nested {
        let mut nested = Nested::default();
        for candidate in candidates {
            let bundle = &candidate.bundle;
            nested
                .organizations
                .extend(bundle.organization.iter().map(|o| o.id));
            nested
                .locations
                .extend(bundle.locations.iter().map(|l| l.id));
            nested.terms.extend(bundle.terms.iter().map(|t| t.id));
        }
        nested
    }
}

/// References to records that are neither nested in `nested`, written earlier in this
/// import, nor in the store.
fn missing_references(
    catalog: &Catalog,
    written: &Written,
    nested: &Nested,
    bundle: &ServiceBundle,
) -> Result<Vec<FieldError>, CatalogError> {
    let store = catalog.store();
    let mut missing = Vec::new();
    let service = &bundle.service;
    if let Some(org_id) = service.organization_id
        && !nested.organizations.contains(&org_id)
        && !written.organizations.contains_key(&org_id)
        && store.organization(org_id)?.is_none()
    {
        missing.push(FieldError {
            field: "organization_id".to_owned(),
            message: format!("refers to organization {org_id}, which is neither in the directory nor described in this import; include the organization object"),
        });
    }
    for (at, link) in service.service_at_locations.iter().enumerate() {
        if !nested.locations.contains(&link.location_id)
            && !written.locations.contains_key(&link.location_id)
            && store.location(link.location_id)?.is_none()
        {
            missing.push(FieldError {
                field: format!("service_at_locations[{at}].location_id"),
                message: format!("refers to location {}, which is neither in the directory nor described in this import; include the location object", link.location_id),
            });
        }
    }
    let terms = catalog.taxonomy_terms()?;
    for (at, attribute) in service.attributes.iter().enumerate() {
        let term_id = attribute.taxonomy_term_id;
        if !nested.terms.contains(&term_id)
            && !written.terms.contains_key(&term_id)
            && terms.get(term_id).is_none()
        {
            missing.push(FieldError {
                field: format!("attributes[{at}].taxonomy_term_id"),
                message: format!("refers to taxonomy term {term_id}, which is neither in the directory nor described in this import; include the taxonomy_term object"),
            });
        }
    }
    Ok(missing)
}

/// The organizations, locations, terms and taxonomies an import has written, each with
/// the ordinal of the record whose description was written.
#[derive(Default)]
struct Written {
    organizations: HashMap<OrganizationId, usize>,
    locations: HashMap<LocationId, usize>,
    terms: HashMap<TaxonomyTermId, usize>,
    taxonomies: HashMap<TaxonomyId, usize>,
}

/// The latest description of each shared record among some candidates, with its ordinal.
type Latest<K, V> = BTreeMap<K, (usize, V)>;

/// Keeps `record`, described by record `ordinal`, in `latest` unless a later description is
/// there or has been written.
fn keep_later<K: Ord + Hash + Copy, V>(
    latest: &mut Latest<K, V>,
    written: &HashMap<K, usize>,
    id: K,
    ordinal: usize,
    record: V,
) {
    let later_written = written.get(&id).is_some_and(|&at| at > ordinal);
    let later_kept = latest.get(&id).is_some_and(|(at, _)| *at > ordinal);
    if !later_written && !later_kept {
        latest.insert(id, (ordinal, record));
    }
}

/// The records of `latest`, noting in `written` whose description each is.
fn noting<K: Ord + Hash + Copy, V>(
    latest: Latest<K, V>,
    written: &mut HashMap<K, usize>,
) -> Vec<V> {
    latest
        .into_iter()
        .map(|(id, (ordinal, record))| {
            written.insert(id, ordinal);
            record
        })
        .collect()
}

/// Writes the accepted candidates: the vocabulary first, then organizations and locations
/// in batches, then services in batches. A shared record is written in its latest
/// description, and not at all when a later one has been written already.
fn write(
    catalog: &Catalog,
    candidates: Vec<Candidate>,
    origin: &Origin,
    report: &mut ImportReport,
    written: &mut Written,
) -> Result<(), CatalogError> {
    let mut organizations = Latest::new();
    let mut locations = Latest::new();
    let mut terms = Latest::new();
    let mut taxonomies = Latest::new();
    let mut services = Vec::with_capacity(candidates.len());
    for Candidate {
        ordinal,
        bundle,
        superseded,
        ..
    } in candidates
    {
        if let Some(o) = bundle.organization {
            keep_later(&mut organizations, &written.organizations, o.id, ordinal, o);
        }
        for l in bundle.locations {
            keep_later(&mut locations, &written.locations, l.id, ordinal, l);
        }
        for t in bundle.terms {
            keep_later(&mut terms, &written.terms, t.id, ordinal, t);
        }
        for t in bundle.taxonomies {
            keep_later(&mut taxonomies, &written.taxonomies, t.id, ordinal, t);
        }
        if superseded {
            report.unchanged += 1;
        } else {
            services.push(bundle.service);
        }
    }
    let mut shared = ChangeSet {
        provenance: origin.provenance.clone(),
        ..ChangeSet::default()
    };
    shared.taxonomy_terms = noting(terms, &mut written.terms);
    let mut taxonomies = noting(taxonomies, &mut written.taxonomies);
    taxonomies.extend(taxonomies_known_only_by_id(
        catalog,
        &shared.taxonomy_terms,
        &taxonomies,
    )?);
    shared.taxonomies = taxonomies;
    // The vocabulary first, then organizations and locations a batch at a time: one
    // transaction of a national directory's places held gigabytes.
    if !shared.is_empty() {
        catalog.apply(&shared)?;
    }
    let mut organizations = noting(organizations, &mut written.organizations)
        .into_iter()
        .peekable();
    let mut locations = noting(locations, &mut written.locations)
        .into_iter()
        .peekable();
    while organizations.peek().is_some() || locations.peek().is_some() {
        let batch = ChangeSet {
            organizations: organizations.by_ref().take(SHARED_BATCH_SIZE).collect(),
            locations: locations.by_ref().take(SHARED_BATCH_SIZE).collect(),
            provenance: origin.provenance.clone(),
            ..ChangeSet::default()
        };
        catalog.apply(&batch)?;
    }
    let mut remaining = services.into_iter().peekable();
    while remaining.peek().is_some() {
        let services: Vec<Service> = remaining.by_ref().take(BATCH_SIZE).collect();
        let sources = match &origin.source {
            None => Vec::new(),
            Some(feed) => services
                .iter()
                .map(|s| {
                    let remote_id = origin.remote_ids.get(&s.id).copied().unwrap_or(s.id);
                    (
                        s.id,
                        Source {
                            feed: feed.clone(),
                            remote_id,
                        },
                    )
                })
                .collect(),
        };
        let batch = ChangeSet {
            services,
            provenance: origin.provenance.clone(),
            sources,
            ..ChangeSet::default()
        };
        for (_, outcome) in catalog.apply(&batch)?.services {
            match outcome {
                WriteOutcome::Created => report.created += 1,
                WriteOutcome::Updated => report.updated += 1,
                WriteOutcome::Unchanged => report.unchanged += 1,
            }
        }
    }
    Ok(())
}

/// Taxonomies that terms name by `taxonomy_id` (and perhaps by `taxonomy` name) without
/// describing, and that the directory does not know: they are recorded from what the terms
/// say, so that `/taxonomies/{id}` answers for every id the API hands out.
fn taxonomies_known_only_by_id(
    catalog: &Catalog,
    terms: &[TaxonomyTerm],
    described: &[Taxonomy],
) -> Result<Vec<Taxonomy>, CatalogError> {
    let mut found: BTreeMap<TaxonomyId, Taxonomy> = BTreeMap::new();
    for term in terms {
        let Some(taxonomy_id) = term.taxonomy_id else {
            continue;
        };
        if described.iter().any(|taxonomy| taxonomy.id == taxonomy_id)
            || found.contains_key(&taxonomy_id)
            || catalog.store().taxonomy(taxonomy_id)?.is_some()
        {
            continue;
        }
        let name = term
            .taxonomy
            .clone()
            .unwrap_or_else(|| format!("Taxonomy {taxonomy_id}"));
        found.insert(
            taxonomy_id,
            Taxonomy {
                id: taxonomy_id,
                description: format!("{name}: recorded from the taxonomy terms that belong to it; its publisher did not describe it."),
                name,
                uri: None,
                version: None,
            },
        );
    }
    Ok(found.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_arrays_pages_single_records_and_ndjson() {
        assert_eq!(read_source(r#"[{"id":1},{"id":2}]"#).unwrap().len(), 2);
        let page = read_source(r#"{"total_items":1,"contents":[{"id":"x"}]}"#).unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].position, Position::Item(1));
        assert_eq!(read_source(r#"{"id":"x","name":"y"}"#).unwrap().len(), 1);
        let lines = read_source("{\"id\":1}\n\n{broken\n{\"id\":3}\n").unwrap();
        assert_eq!(
            lines.iter().map(|r| r.position).collect::<Vec<_>>(),
            [Position::Line(1), Position::Line(3), Position::Line(4)]
        );
        let second = lines.into_iter().nth(1).unwrap();
        assert!(second.into_value().is_err());
    }

    #[test]
    fn files_are_read_as_their_text_is_and_ndjson_a_line_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let read = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            file_records(&path).map(|records| {
                records
                    .map(|r| (r.position, r.into_value().map(|v| v["id"].clone())))
                    .collect::<Vec<_>>()
            })
        };
        let ok = |position, id: i64| (position, Ok(serde_json::json!(id)));
        // NDJSON with a byte-order mark, Windows line ends, a blank line, a line that is not
        // UTF-8 and a broken one: each bad line reported where it is, the rest read.
        let lines = read(
            "a.ndjson",
            b"\xef\xbb\xbf{\"id\":1}\r\n\r\n{\"id\":3}\r\n\xff\xfe\n{broken\n{\"id\":6}",
        )
        .unwrap();
        assert_eq!(lines[0], ok(Position::Line(1), 1));
        assert_eq!(lines[1], ok(Position::Line(3), 3));
        assert_eq!(
            lines[2],
            (Position::Line(4), Err("not UTF-8 text".to_owned()))
        );
        assert_eq!(lines[3].0, Position::Line(5));
        assert!(
            lines[3]
                .1
                .as_ref()
                .is_err_and(|e| e.starts_with("not valid JSON"))
        );
        assert_eq!(lines[4], ok(Position::Line(6), 6));
        assert_eq!(lines.len(), 5);
        // One line, or JSON over several lines: the file is one value, as its text says.
        let page = br#"{"total_items":2,"contents":[{"id":1},{"id":2}]}"#;
        assert_eq!(
            read("page.json", page).unwrap(),
            [ok(Position::Item(1), 1), ok(Position::Item(2), 2)]
        );
        assert_eq!(
            read(
                "pretty.json",
                b"{\n  \"contents\": [\n    {\"id\": 7}\n  ]\n}\n"
            )
            .unwrap(),
            [ok(Position::Item(1), 7)]
        );
        assert_eq!(
            read("array.json", b"[{\"id\":8},\n{\"id\":9}]")
                .unwrap()
                .len(),
            2
        );
        assert!(matches!(
            read("empty.ndjson", b"\n \n"),
            Err(SourceError::Empty)
        ));
        assert!(matches!(
            file_records(&dir.path().join("missing.ndjson")),
            Err(SourceError::Unreadable(_))
        ));
    }

    #[test]
    fn records_read_on_several_threads_keep_their_order_and_problems() {
        // Lines 1..=300: every 7th is not JSON, every 11th is JSON but not a service.
        let text: String = (1..=300)
            .map(|n| match n {
                n if n % 7 == 0 => format!("{{broken {n}\n"),
                n if n % 11 == 0 => format!("{{\"id\":\"record-{n}\"}}\n"),
                n => format!(
                    "{{\"id\":\"00000000-0000-4000-8000-{n:012}\",\"name\":\"Service {n}\",\"status\":\"active\"}}\n"
                ),
            })
            .collect();
        let alone: Vec<Read> = source_records(&text).unwrap().map(read_one).collect();
        for workers in [2, 3, 4] {
            let read = read_all(source_records(&text).unwrap().collect(), workers);
            assert_eq!(read.len(), 300);
            for (n, (read, alone)) in (1..).zip(read.iter().zip(&alone)) {
                assert_eq!(read.position, Position::Line(n));
                assert_eq!(read.id, alone.id);
                assert_eq!(read.parsed.is_err(), n % 7 == 0, "line {n}");
                let valid = read.parsed.as_ref().is_ok_and(|p| p.result.is_ok());
                assert_eq!(valid, n % 7 != 0 && n % 11 != 0, "line {n}");
            }
        }
    }

    #[test]
    fn unreadable_files_are_explained() {
        assert!(matches!(read_source("  \n"), Err(SourceError::Empty)));
        assert!(
            read_source("<html>")
                .unwrap_err()
                .to_string()
                .contains("NDJSON")
        );
        assert!(
            read_source("[{\"id\": 1}")
                .unwrap_err()
                .to_string()
                .contains("not a valid JSON array")
        );
    }

    #[test]
    fn json_nested_past_any_record_is_refused_not_overflowing_the_stack() {
        for text in [
            "[".repeat(100_000),
            format!("[{}]", "{\"a\":".repeat(50_000)),
            format!("{{\"contents\":{}", "[".repeat(100_000)),
        ] {
            match read_source(&text) {
                Err(error) => assert!(!error.to_string().is_empty()),
                // Read as NDJSON: the line is reported as unreadable.
                Ok(records) => assert!(records.into_iter().all(|r| r.into_value().is_err())),
            }
        }
    }

    /// JSON values shaped like ORUK records: known keys, nested objects and arrays, and
    /// leaves of every JSON type, in any combination.
    fn oruk_like() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let keys = prop::sample::select(vec![
            "id",
            "name",
            "description",
            "organization",
            "organization_id",
            "status",
            "service_at_locations",
            "location",
            "location_id",
            "latitude",
            "longitude",
            "postal_code",
            "address_1",
            "postal_addresses",
            "phones",
            "number",
            "schedules",
            "byday",
            "opens_at",
            "closes_at",
            "valid_from",
            "languages",
            "code",
            "attributes",
            "taxonomy_term",
            "taxonomy_term_id",
            "taxonomy",
            "cost_options",
            "amount",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "url",
            "email",
            "last_modified",
            "alert",
            "service_areas",
            "extent",
            "contacts",
            "fundings",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "\\PC{0,30}".prop_map(Value::String),
            prop::sample::select(vec![
                "00000000-0000-4000-8000-000000000001",
                "E1 6AN",
                "09:00",
                "2026-11-23",
                "active",
                "MO",
                "51.5",
                "-0.03",
                "ben",
                "en",
                "https://example.org",
                "x@y.org",
            ])
            .prop_map(|s| Value::String(s.to_owned())),
        ];
        leaf.prop_recursive(5, 64, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|pairs| {
                    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    proptest::proptest! {
        /// Any text gives records or a reason, never a panic.
        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,200}") {
            let _ = read_source(&text);
        }

        /// Any ORUK-shaped JSON is parsed into a service or refused with problems, never a
        /// panic.
        #[test]
        fn any_oruk_shaped_record_is_parsed_or_refused_without_panicking(value in oruk_like()) {
            let _ = crate::oruk::parse::parse_service(&value);
            let text = serde_json::to_string(&value).unwrap();
            let _ = read_source(&text);
        }
    }
}
