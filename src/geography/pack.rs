//! Loading a geo pack: a directory of files in the formats of `../shared/data/geo`, so a
//! deployment can drop in newer ONS/OS releases or another borough's files.
//!
//! Files are found by the end of their name (exactly one each):
//! - `*wards.geojson`: ward polygons (`ward_code`, `ward_name`, optional `former_name`,
//!   `lad_code`, `lad_name`; Polygon or MultiPolygon, WGS84 lon/lat);
//! - `*postcodes.csv`: `postcode`, `latitude`, `longitude`, `in_tower_hamlets` (or
//!   `in_borough`), `ward_code`;
//! - `*ward-localities.csv`: `ward_code`, `tht_locality` (or `locality`);
//! - `*pcns.csv`: `pcn_code`, `pcn_name`, `known_as`, `tht_locality` (or `locality`);
//! - the attribution: `ATTRIBUTION.txt`, or the fenced block under an "Attribution" heading
//!   of `SOURCES.md`.
//!
//! Everything is validated before anything is used: a malformed file is an error naming the
//! file and line, and the service does not start on half a pack.

use std::fmt;
use std::path::{Path, PathBuf};

use geo::{Centroid, Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;

use super::{Borough, Geography, Parts, Precision, WardPart, fingerprint};
use crate::domain::location::LatLon;
use crate::domain::postcode::Postcode;

/// A problem with a geo pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    /// The file at fault (or the directory).
    pub file: PathBuf,
    /// The line, when known.
    pub line: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "geo pack: {}:{line}: {}",
                self.file.display(),
                self.message
            ),
            None => write!(f, "geo pack: {}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for PackError {}

fn error(file: &Path, line: Option<u64>, message: impl Into<String>) -> PackError {
    PackError {
        file: file.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Loads and validates the geo pack in `dir`.
pub fn load(dir: &Path) -> Result<Geography, PackError> {
    let listing = std::fs::read_dir(dir)
        .map_err(|e| error(dir, None, format!("cannot read the directory: {e}")))?;
    let mut names: Vec<PathBuf> = listing
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    names.sort();
    let find = |suffix: &str| -> Result<PathBuf, PackError> {
        let found: Vec<&PathBuf> = names
            .iter()
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(suffix))
            })
            .collect();
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(error(dir, None, format!("no file named *{suffix}"))),
            many => Err(error(
                dir,
                None,
                format!("several files named *{suffix}: {many:?}"),
            )),
        }
    };
    let wards_path = find("wards.geojson")?;
    let localities_path = find("ward-localities.csv")?;
    let postcodes_path = find("postcodes.csv")?;
    let pcns_path = find("pcns.csv")?;
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| error(path, None, format!("cannot read: {e}")))
    };
    let wards_bytes = read(&wards_path)?;
    let localities_bytes = read(&localities_path)?;
    let postcodes_bytes = read(&postcodes_path)?;
    let pcns_bytes = read(&pcns_path)?;
    let (attribution, attribution_bytes) = attribution(dir)?;

    let (borough, ward_shapes) = parse_wards(&wards_path, &wards_bytes)?;
    let ward_localities = parse_ward_localities(&localities_path, &localities_bytes)?;
    let mut locality_names: Vec<String> = Vec::new();
    let mut wards = Vec::new();
    for (code, name, former_name, shape, line) in ward_shapes {
        let Some((_, locality)) = ward_localities.iter().find(|(ward, _)| *ward == code) else {
            return Err(error(
                &localities_path,
                None,
                format!(
                    "ward {code} ({name}, line {line} of {}) has no locality",
                    wards_path.display()
                ),
            ));
        };
        if !locality_names.contains(locality) {
            locality_names.push(locality.clone());
        }
        let centroid = shape
            .centroid()
            .and_then(|c| LatLon::new(c.y(), c.x()).ok())
            .ok_or_else(|| error(&wards_path, Some(line), format!("ward {code} has no area")))?;
        wards.push(WardPart {
            code,
            name,
            former_name,
            locality: locality.clone(),
            centroid,
            shape: Some(shape),
        });
    }
    for (code, _) in &ward_localities {
        if !wards.iter().any(|w| &w.code == code) {
            return Err(error(
                &localities_path,
                None,
                format!("ward {code} is not in {}", wards_path.display()),
            ));
        }
    }
    let ward_codes: Vec<String> = wards.iter().map(|w| w.code.clone()).collect();
    let postcodes = parse_postcodes(&postcodes_path, &postcodes_bytes, &ward_codes)?;
    let pcns = parse_pcns(&pcns_path, &pcns_bytes, &locality_names)?;
    let parts = Parts {
        precision: Precision::Exact,
        source: format!("the geo pack in {}", dir.display()),
        attribution,
        borough,
        locality_names,
        wards,
        pcns,
        postcodes,
        outward_centroids: Vec::new(),
        fingerprint: fingerprint(&[
            &wards_bytes,
            &localities_bytes,
            &postcodes_bytes,
            &pcns_bytes,
            &attribution_bytes,
        ]),
    };
    Geography::new(parts).map_err(|message| error(dir, None, message))
}

fn attribution(dir: &Path) -> Result<(String, Vec<u8>), PackError> {
    let plain = dir.join("ATTRIBUTION.txt");
    if plain.is_file() {
        let text = std::fs::read_to_string(&plain)
            .map_err(|e| error(&plain, None, format!("cannot read: {e}")))?;
        return Ok((text.trim().to_owned(), text.into_bytes()));
    }
    let sources = dir.join("SOURCES.md");
    let text = std::fs::read_to_string(&sources)
        .map_err(|_| error(dir, None, "no ATTRIBUTION.txt, and no SOURCES.md with an attribution section: the data's licence requires attribution"))?;
    let mut lines = text
        .lines()
        .skip_while(|line| !(line.starts_with('#') && line.to_lowercase().contains("attribution")));
    let block: Vec<&str> = lines
        .by_ref()
        .skip_while(|line| !line.trim_start().starts_with("```"))
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with("```"))
        .collect();
    let attribution = block.join("\n").trim().to_owned();
    if attribution.is_empty() {
        return Err(error(
            &sources,
            None,
            "no fenced attribution block under an \"Attribution\" heading",
        ));
    }
    Ok((attribution.clone(), attribution.into_bytes()))
}

/// Line of the first occurrence of `needle` in `text` (1-based), to point people at a feature.
fn line_of(text: &str, needle: &str) -> u64 {
    text.find(needle)
        .map_or(1, |at| text[..at].lines().count().max(1) as u64)
}

type WardShape = (String, String, Option<String>, MultiPolygon<f64>, u64);

fn parse_wards(path: &Path, bytes: &[u8]) -> Result<(Borough, Vec<WardShape>), PackError> {
    let text = std::str::from_utf8(bytes).map_err(|_| error(path, None, "is not UTF-8 text"))?;
    let document: Value = serde_json::from_str(text).map_err(|e| {
        error(
            path,
            Some(e.line() as u64),
            format!("is not valid JSON: {e}"),
        )
    })?;
    let features = document["features"].as_array().ok_or_else(|| {
        error(
            path,
            Some(1),
            "is not a GeoJSON FeatureCollection (no \"features\" array)",
        )
    })?;
    if features.is_empty() {
        return Err(error(path, Some(1), "has no features"));
    }
    let mut borough: Option<Borough> = None;
    let mut wards = Vec::new();
    for (at, feature) in features.iter().enumerate() {
        let properties = &feature["properties"];
        let string = |key: &str| {
            properties[key]
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let code = string("ward_code").or_else(|| feature["id"].as_str().map(str::to_owned));
        let line = code.as_deref().map_or(1, |c| line_of(text, c));
        let feature_error = |message: String| {
            error(
                path,
                Some(line),
                format!(
                    "feature {} ({}): {message}",
                    at + 1,
                    code.as_deref().unwrap_or("no ward_code")
                ),
            )
        };
        let code = code
            .clone()
            .ok_or_else(|| feature_error("has no ward_code".to_owned()))?;
        let name =
            string("ward_name").ok_or_else(|| feature_error("has no ward_name".to_owned()))?;
        let lad = match (string("lad_code"), string("lad_name")) {
            (Some(code), Some(name)) => Borough { code, name },
            _ => {
                return Err(feature_error(
                    "has no lad_code and lad_name (the local authority)".to_owned(),
                ));
            }
        };
        match &borough {
            None => borough = Some(lad),
            Some(known) if *known != lad => {
                return Err(feature_error(format!(
                    "is in {} ({}), but earlier wards are in {} ({})",
                    lad.name, lad.code, known.name, known.code
                )));
            }
            Some(_) => {}
        }
        let shape = geometry(&feature["geometry"]).map_err(feature_error)?;
        wards.push((code, name, string("former_name"), shape, line));
    }
    Ok((borough.expect("at least one feature"), wards))
}

fn geometry(value: &Value) -> Result<MultiPolygon<f64>, String> {
    let coordinates = &value["coordinates"];
    match value["type"].as_str() {
        Some("Polygon") => Ok(MultiPolygon::new(vec![polygon(coordinates)?])),
        Some("MultiPolygon") => {
            let parts = coordinates
                .as_array()
                .ok_or("MultiPolygon coordinates must be an array")?;
            Ok(MultiPolygon::new(
                parts.iter().map(polygon).collect::<Result<_, _>>()?,
            ))
        }
        other => Err(format!(
            "geometry must be a Polygon or MultiPolygon (found {other:?})"
        )),
    }
}

fn polygon(value: &Value) -> Result<Polygon<f64>, String> {
    let rings = value
        .as_array()
        .filter(|r| !r.is_empty())
        .ok_or("a polygon needs at least one ring")?;
    let mut rings = rings.iter().map(ring).collect::<Result<Vec<_>, _>>()?;
    let exterior = rings.remove(0);
    Ok(Polygon::new(exterior, rings))
}

fn ring(value: &Value) -> Result<LineString<f64>, String> {
    let positions = value
        .as_array()
        .ok_or("a ring must be an array of positions")?;
    if positions.len() < 4 {
        return Err(format!(
            "a ring needs at least 4 positions (found {})",
            positions.len()
        ));
    }
    let coords = positions
        .iter()
        .map(|position| {
            let lon = position[0]
                .as_f64()
                .filter(|x| (-180.0..=180.0).contains(x));
            let lat = position[1].as_f64().filter(|y| (-90.0..=90.0).contains(y));
            match (lon, lat) {
                (Some(x), Some(y)) => Ok(Coord { x, y }),
                _ => Err(format!(
                    "{position} is not a [longitude, latitude] position"
                )),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if coords.first() != coords.last() {
        return Err("a ring must end where it starts".to_owned());
    }
    Ok(LineString::new(coords))
}

/// The 1-based line of a record starting at a byte offset. (On CRLF files, which the real
/// pack uses, the csv crate's own line count is one short and its offsets point at the end
/// of the previous line, so line breaks at the offset are skipped first.)
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// A CSV file with named columns; rows carry their line numbers.
struct Table<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    headers: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

impl<'a> Table<'a> {
    fn read(path: &'a Path, bytes: &'a [u8]) -> Result<Self, PackError> {
        let mut reader = csv::Reader::from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| error(path, Some(1), format!("unreadable header: {e}")))?
            .clone();
        let rows = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                error(
                    path,
                    e.position().map(|p| line_at(bytes, p.byte())),
                    format!("malformed CSV: {e}"),
                )
            })?;
        if rows.is_empty() {
            return Err(error(path, Some(2), "has no rows"));
        }
        Ok(Self {
            path,
            bytes,
            headers,
            rows,
        })
    }

    fn column(&self, names: &[&str]) -> Result<usize, PackError> {
        self.headers
            .iter()
            .position(|header| names.contains(&header.trim()))
            .ok_or_else(|| {
                error(
                    self.path,
                    Some(1),
                    format!("has no {} column", names.join(" or ")),
                )
            })
    }

    fn cell<'r>(
        &self,
        row: &'r csv::StringRecord,
        column: usize,
        name: &str,
    ) -> Result<&'r str, PackError> {
        row.get(column)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| self.row_error(row, format!("{name} is empty")))
    }

    fn row_error(&self, row: &csv::StringRecord, message: String) -> PackError {
        error(
            self.path,
            row.position().map(|p| line_at(self.bytes, p.byte())),
            message,
        )
    }
}

fn parse_ward_localities(path: &Path, bytes: &[u8]) -> Result<Vec<(String, String)>, PackError> {
    let table = Table::read(path, bytes)?;
    let ward = table.column(&["ward_code"])?;
    let locality = table.column(&["tht_locality", "locality"])?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for row in &table.rows {
        let code = table.cell(row, ward, "ward_code")?.to_owned();
        if pairs.iter().any(|(known, _)| *known == code) {
            return Err(table.row_error(row, format!("ward {code} is listed twice")));
        }
        pairs.push((code, table.cell(row, locality, "locality")?.to_owned()));
    }
    Ok(pairs)
}

fn parse_postcodes(
    path: &Path,
    bytes: &[u8],
    wards: &[String],
) -> Result<Vec<(String, LatLon, Option<String>)>, PackError> {
    let table = Table::read(path, bytes)?;
    let postcode = table.column(&["postcode"])?;
    let latitude = table.column(&["latitude"])?;
    let longitude = table.column(&["longitude"])?;
    let inside = table.column(&["in_borough", "in_tower_hamlets"])?;
    let ward = table.column(&["ward_code"])?;
    let mut postcodes = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let text = table.cell(row, postcode, "postcode")?;
        let canonical = Postcode::parse(text)
            .map_err(|e| table.row_error(row, format!("postcode {text:?} {e}")))?;
        let number = |column: usize, name: &str| -> Result<f64, PackError> {
            let cell = table.cell(row, column, name)?;
            cell.parse::<f64>()
                .map_err(|_| table.row_error(row, format!("{name} {cell:?} is not a number")))
        };
        let point = LatLon::new(
            number(latitude, "latitude")?,
            number(longitude, "longitude")?,
        )
        .map_err(|e| table.row_error(row, e.to_string()))?;
        let in_borough = match table
            .cell(row, inside, "in_borough")?
            .to_ascii_lowercase()
            .as_str()
        {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            other => {
                return Err(table.row_error(
                    row,
                    format!("in_borough must be true or false (found {other:?})"),
                ));
            }
        };
        let ward_code = if in_borough {
            let code = table.cell(row, ward, "ward_code")?;
            if !wards.iter().any(|known| known == code) {
                return Err(
                    table.row_error(row, format!("ward_code {code} is not a ward of the pack"))
                );
            }
            Some(code.to_owned())
        } else {
            None
        };
        postcodes.push((canonical.to_string(), point, ward_code));
    }
    Ok(postcodes)
}

type PcnRow = (String, String, Option<String>, String);

fn parse_pcns(path: &Path, bytes: &[u8], localities: &[String]) -> Result<Vec<PcnRow>, PackError> {
    let table = Table::read(path, bytes)?;
    let code = table.column(&["pcn_code"])?;
    let name = table.column(&["pcn_name"])?;
    let known_as = table.column(&["known_as"]).ok();
    let locality = table.column(&["tht_locality", "locality"])?;
    let mut pcns = Vec::new();
    for row in &table.rows {
        let locality_name = table.cell(row, locality, "locality")?.to_owned();
        if !localities
            .iter()
            .any(|l| super::slug(l) == super::slug(&locality_name))
        {
            return Err(table.row_error(
                row,
                format!("locality {locality_name:?} is not a locality of the wards"),
            ));
        }
        pcns.push((
            table.cell(row, code, "pcn_code")?.to_ascii_uppercase(),
            table.cell(row, name, "pcn_name")?.to_owned(),
            known_as
                .and_then(|column| row.get(column))
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned),
            locality_name,
        ));
    }
    Ok(pcns)
}
