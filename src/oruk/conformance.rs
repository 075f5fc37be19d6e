//! Validator parity: checks an ORUK 3.0 API the way the official ORUK validator does, so a
//! publisher (Signpost itself, or a feed before it is added) can see where it stands.
//!
//! It reads `version` from `/` (only `HSDS-UK-3.0` is judged by these rules), calls every
//! endpoint of the ORUK 3.0 OpenAPI file with representative parameters (taken from the
//! API's own data: a word of a service name, a postcode, a taxonomy term), validates each
//! answer against the schema the OpenAPI file references for it (the UK profile schemas, read
//! from a local copy), and checks the publishing rules: `Access-Control-Allow-Origin: *`, no
//! `null`s, empty strings or empty arrays, UUID ids, and page arithmetic. As in the
//! validator, `/`, `/services` and `/services/{id}` must pass; problems elsewhere warn.
//!
//! The specification files are not part of Signpost: [`Spec::load`] reads them from a folder
//! laid out as `spec-3.0/openapi.json` and `uk-profile/schema/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::outbound::http::{FetchError, Fetched, Fetcher};

/// Where the OpenAPI file says the UK profile schemas are.
const PROFILE_PREFIX: &str =
    "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/";

/// Endpoints whose problems fail a feed; problems elsewhere warn.
const MUST_PASS: [&str; 3] = ["/", "/services", "/services/{id}"];

/// Known mistakes of the OpenAPI file, corrected: the endpoint, the UK profile schema its
/// answer is checked against instead, and why.
pub const CORRECTIONS: [(&str, &str, &str); 1] = [(
    "/service_at_locations/{id}",
    "compiled/service_at_location.json",
    "the OpenAPI file references the service schema for a service_at_location; like the \
     official validator, this checks it against service_at_location.json",
)];

/// Schema errors reported per answer at most.
const MAX_SCHEMA_ERRORS: usize = 8;

/// The ORUK 3.0 OpenAPI file and the UK profile schemas it references.
pub struct Spec {
    openapi: Value,
    profile_dir: PathBuf,
}

impl Spec {
    /// Reads the specification from `dir` (`spec-3.0/openapi.json`, `uk-profile/schema/`).
    pub fn load(dir: &Path) -> Result<Self, String> {
        let path = dir.join("spec-3.0/openapi.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let openapi = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        let profile_dir = dir.join("uk-profile/schema");
        if !profile_dir.is_dir() {
            return Err(format!("{} is missing", profile_dir.display()));
        }
        Ok(Self {
            openapi,
            profile_dir,
        })
    }

    /// The GET paths of the OpenAPI file, with the names of their query parameters.
    fn endpoints(&self) -> Vec<(String, Vec<String>)> {
        let Some(paths) = self.openapi["paths"].as_object() else {
            return Vec::new();
        };
        paths
            .iter()
            .filter_map(|(path, item)| {
                let get = item.get("get")?;
                let parameters = get["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| match p["$ref"].as_str() {
                        Some(reference) => reference.rsplit('/').next().map(str::to_owned),
                        None => p["name"].as_str().map(str::to_owned),
                    })
                    .collect();
                Some((path.clone(), parameters))
            })
            .collect()
    }

    /// A validator for the 200 answer of `path`, as the OpenAPI file describes it.
    fn validator(&self, path: &str) -> Result<jsonschema::Validator, String> {
        let schema = &self.openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        if schema.is_null() {
            return Err(format!("the OpenAPI file gives no schema for {path}"));
        }
        let mut document = match CORRECTIONS.iter().find(|(p, _, _)| *p == path) {
            Some((_, file, _)) => json!({"$ref": format!("{PROFILE_PREFIX}{file}")}),
            None => schema.clone(),
        };
        if let Some(object) = document.as_object_mut() {
            object.insert("components".to_owned(), self.openapi["components"].clone());
        }
        jsonschema::options()
            .with_retriever(LocalProfile {
                dir: self.profile_dir.clone(),
            })
            .build(&document)
            .map_err(|e| format!("the schema for {path} does not compile: {e}"))
    }
}

/// Serves the UK profile schemas from the local copy instead of GitHub.
struct LocalProfile {
    dir: PathBuf,
}

impl jsonschema::Retrieve for LocalProfile {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        let relative = text
            .strip_prefix(PROFILE_PREFIX)
            .filter(|rest| !rest.split('/').any(|part| part == ".."))
            .ok_or_else(|| format!("{text} is not a UK profile schema"))?;
        let bytes = std::fs::read(self.dir.join(relative))?;
        Ok(serde_json::from_slice(&bytes)?)
    }
}

/// How an endpoint or a request fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Nothing wrong.
    Pass,
    /// Something wrong where the validator only warns.
    Warn,
    /// Something wrong where the validator fails the feed.
    Fail,
}

impl Verdict {
    /// Upper-case, for tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }
}

/// One request and what was wrong with its answer.
#[derive(Debug, Clone)]
pub struct Check {
    /// The endpoint, as the OpenAPI file names it (`/services/{id}`).
    pub endpoint: String,
    /// The request made (path and query).
    pub request: String,
    /// Pass, or how bad the problems are.
    pub verdict: Verdict,
    /// What was wrong.
    pub problems: Vec<String>,
}

/// Everything checked.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The `version` the API's `/` reported.
    pub version: Option<String>,
    /// Every request, in the order made.
    pub checks: Vec<Check>,
}

impl Report {
    /// The worst verdict of all.
    pub fn worst(&self) -> Verdict {
        self.checks
            .iter()
            .map(|c| c.verdict)
            .max()
            .unwrap_or(Verdict::Fail)
    }

    /// Per endpoint: the worst verdict and the number of requests.
    pub fn by_endpoint(&self) -> BTreeMap<String, (Verdict, usize)> {
        let mut endpoints: BTreeMap<String, (Verdict, usize)> = BTreeMap::new();
        for check in &self.checks {
            let entry = endpoints
                .entry(check.endpoint.clone())
                .or_insert((Verdict::Pass, 0));
            entry.0 = entry.0.max(check.verdict);
            entry.1 += 1;
        }
        endpoints
    }

    /// A table per endpoint, then every problem with its request.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "ORUK validator parity (version reported: {})",
            self.version.as_deref().unwrap_or("none")
        );
        let _ = writeln!(out, "{:<6} {:>8}  endpoint", "result", "requests");
        for (endpoint, (verdict, requests)) in self.by_endpoint() {
            let _ = writeln!(out, "{:<6} {requests:>8}  {endpoint}", verdict.as_str());
        }
        for check in self.checks.iter().filter(|c| c.verdict != Verdict::Pass) {
            let _ = writeln!(out, "{} GET {}", check.verdict.as_str(), check.request);
            for problem in &check.problems {
                let _ = writeln!(out, "    {problem}");
            }
        }
        for (endpoint, _, why) in CORRECTIONS {
            let _ = writeln!(out, "note: {endpoint}: {why}");
        }
        let _ = writeln!(out, "overall: {}", self.worst().as_str());
        out
    }
}

/// Values to try as query parameters, found in the API's own answers.
#[derive(Debug, Default)]
struct Samples {
    search: Option<String>,
    postcode: Option<String>,
    taxonomy_term_id: Option<String>,
    taxonomy_id: Option<String>,
    organization_id: Option<String>,
}

impl Samples {
    fn value(&self, parameter: &str) -> Option<String> {
        match parameter {
            "search" => self.search.clone(),
            "postcode" => self.postcode.clone(),
            "proximity" => self.postcode.as_ref().map(|_| "2000".to_owned()),
            "taxonomy_term_id" => self.taxonomy_term_id.clone(),
            "taxonomy_id" => self.taxonomy_id.clone(),
            "organization_id" => self.organization_id.clone(),
            "minimum_age" => Some("18".to_owned()),
            "maximum_age" => Some("65".to_owned()),
            "start_time" => Some("09:00".to_owned()),
            "end_time" => Some("17:00".to_owned()),
            "day" => Some("MO".to_owned()),
            "modified_after" => Some("2020-01-01T00:00:00Z".to_owned()),
            _ => None,
        }
    }

    /// Picks up values from a full service record.
    fn learn(&mut self, service: &Value) {
        if self.search.is_none() {
            self.search = service["name"].as_str().and_then(|name| {
                name.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.chars().count() >= 4)
                    .max_by_key(|w| w.chars().count())
                    .map(str::to_lowercase)
            });
        }
        if self.postcode.is_none() {
            self.postcode = service["service_at_locations"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(std::iter::once(service))
                .flat_map(|link| {
                    link["location"]["addresses"]
                        .as_array()
                        .into_iter()
                        .flatten()
                })
                .find_map(|address| address["postal_code"].as_str().map(str::to_owned));
        }
        if self.organization_id.is_none() {
            self.organization_id = service["organization"]["id"]
                .as_str()
                .or(service["organization_id"].as_str())
                .map(str::to_owned);
        }
        if self.taxonomy_term_id.is_none() {
            self.taxonomy_term_id = service["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|a| {
                    a["taxonomy_term"]["id"]
                        .as_str()
                        .or(a["taxonomy_term_id"].as_str())
                })
                .map(str::to_owned);
        }
    }
}

/// Whether `text` is a UUID in its usual written form.
fn is_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::parse_str(text).is_ok()
}

/// The publishing rules every answer is held to (besides its schema): no nulls, empty
/// strings or empty arrays (but `contents`), and ids that are UUIDs. Problems are added to
/// `found`, each naming its path from `path`.
pub fn rule_problems(value: &Value, path: &str, found: &mut Vec<String>) {
    check_rules(value, path, true, found);
}

/// [`rule_problems`] without the rule on ids, for answers that are not ORUK records
/// (Signpost's own endpoints name localities by slug).
pub fn empty_value_problems(value: &Value, path: &str, found: &mut Vec<String>) {
    check_rules(value, path, false, found);
}

fn check_rules(value: &Value, path: &str, ids: bool, found: &mut Vec<String>) {
    match value {
        Value::Null => found.push(format!("{path} is null (leave the field out)")),
        Value::String(text) if text.trim().is_empty() => {
            found.push(format!("{path} is an empty string (leave the field out)"))
        }
        Value::Array(items) if items.is_empty() && !path.ends_with(".contents") => {
            found.push(format!("{path} is an empty array (leave the field out)"))
        }
        Value::Array(items) => {
            for (at, item) in items.iter().enumerate() {
                check_rules(item, &format!("{path}[{at}]"), ids, found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let at = format!("{path}.{key}");
                if ids
                    && (key == "id" || key.ends_with("_id"))
                    && let Value::String(id) = item
                    && !is_uuid(id)
                {
                    found.push(format!("{at} is {id:?}, not a UUID"));
                }
                check_rules(item, &at, ids, found);
            }
        }
        _ => {}
    }
}

/// The page envelope's arithmetic, for a page asked as `page`/`per_page` (when given).
fn paging_problems(body: &Value, page: Option<u64>, per_page: Option<u64>) -> Vec<String> {
    let mut found = Vec::new();
    let number = |key: &str| body[key].as_u64();
    let (Some(total_items), Some(total_pages), Some(page_number), Some(size)) = (
        number("total_items"),
        number("total_pages"),
        number("page_number"),
        number("size"),
    ) else {
        return vec![
            "the page envelope lacks total_items, total_pages, page_number or size".to_owned(),
        ];
    };
    let listed = body["contents"].as_array().map_or(0, Vec::len) as u64;
    if size != listed {
        found.push(format!("size is {size} but the page lists {listed} items"));
    }
    if listed > total_items {
        found.push(format!(
            "the page lists {listed} items of total_items {total_items}"
        ));
    }
    if let Some(per_page) = per_page.filter(|n| *n > 0) {
        if listed > per_page {
            found.push(format!(
                "{listed} items listed though per_page is {per_page}"
            ));
        }
        let expected = total_items.div_ceil(per_page);
        if total_pages != expected && !(total_items == 0 && total_pages <= 1) {
            found.push(format!(
                "total_pages is {total_pages}; {total_items} items at {per_page} a page make {expected}"
            ));
        }
    }
    if let Some(page) = page
        && page_number != page
    {
        found.push(format!("page_number is {page_number} for page {page}"));
    }
    let flag = |key: &str| body[key].as_bool();
    if flag("first_page") != Some(page_number <= 1) {
        found.push(format!(
            "first_page is {} on page {page_number}",
            body["first_page"]
        ));
    }
    if flag("last_page") != Some(page_number >= total_pages) {
        found.push(format!(
            "last_page is {} on page {page_number} of {total_pages}",
            body["last_page"]
        ));
    }
    if flag("empty") != Some(listed == 0) {
        found.push(format!(
            "empty is {} with {listed} items listed",
            body["empty"]
        ));
    }
    found
}

/// Checks the API at `base` against `spec`.
pub async fn run(fetcher: &Fetcher, base: &url::Url, spec: &Spec) -> Report {
    let mut run = Run {
        fetcher,
        base: base.clone(),
        spec,
        report: Report::default(),
        validators: BTreeMap::new(),
    };
    let Some(root) = run.check("/", "/", None).await else {
        return run.report;
    };
    let version = root["version"].as_str().map(str::to_owned);
    run.report.version = version.clone();
    if version.as_deref() != Some(super::HSDS_VERSION) {
        run.fail(
            "/",
            "/",
            format!(
                "version is {version:?}: the validator judges a 3.0 feed only by \"{}\"",
                super::HSDS_VERSION
            ),
        );
        return run.report;
    }
    let endpoints = spec.endpoints();
    let mut samples = Samples::default();
    let mut lists: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    // Every list, plainly and page by page; a few of its records.
    for (path, parameters) in &endpoints {
        if path == "/" || path.contains('{') {
            continue;
        }
        let request = format!("{path}?page=1&per_page=5");
        let Some(first) = run.check(path, &request, Some((1, 5))).await else {
            continue;
        };
        let ids: Vec<String> = first["contents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["id"].as_str().map(str::to_owned))
            .collect();
        if first["total_items"].as_u64().unwrap_or(0) >= 2 {
            run.check(path, &format!("{path}?page=2&per_page=1"), Some((2, 1)))
                .await;
        }
        if path == "/taxonomies" {
            samples.taxonomy_id = ids.first().cloned();
        }
        if path == "/taxonomy_terms" && samples.taxonomy_term_id.is_none() {
            samples.taxonomy_term_id = ids.first().cloned();
        }
        lists.push((path.clone(), parameters.clone(), ids));
    }
    for (path, _, ids) in &lists {
        let item = format!("{path}/{{id}}");
        if !endpoints.iter().any(|(p, _)| *p == item) {
            continue;
        }
        for id in ids.iter().take(3) {
            let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
            if let Some(record) = run.check(&item, &format!("{path}/{encoded}"), None).await {
                if record["id"].as_str() != Some(id.as_str()) {
                    run.flag(
                        &item,
                        &format!("{path}/{encoded}"),
                        format!("the record's id is {}, not {id}", record["id"]),
                    );
                }
                samples.learn(&record);
            }
        }
        run.expect_not_found(&item, &format!("{path}/{}", uuid::Uuid::nil()))
            .await;
    }
    // Each list's parameters, one at a time, with values from the API's own data.
    for (path, parameters, _) in &lists {
        for parameter in parameters {
            if matches!(parameter.as_str(), "page" | "per_page") {
                continue;
            }
            let Some(value) = samples.value(parameter) else {
                continue;
            };
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair(parameter, &value);
            if parameter == "proximity"
                && let Some(postcode) = &samples.postcode
            {
                query.append_pair("postcode", postcode);
            }
            run.check(path, &format!("{path}?{}", query.finish()), None)
                .await;
        }
    }
    run.report
}

/// One conformance run in progress.
struct Run<'a> {
    fetcher: &'a Fetcher,
    base: url::Url,
    spec: &'a Spec,
    report: Report,
    validators: BTreeMap<String, Result<jsonschema::Validator, String>>,
}

impl Run<'_> {
    fn severity(endpoint: &str) -> Verdict {
        if MUST_PASS.contains(&endpoint) {
            Verdict::Fail
        } else {
            Verdict::Warn
        }
    }

    fn record(&mut self, endpoint: &str, request: &str, problems: Vec<String>) {
        let verdict = if problems.is_empty() {
            Verdict::Pass
        } else {
            Self::severity(endpoint)
        };
        self.report.checks.push(Check {
            endpoint: endpoint.to_owned(),
            request: request.to_owned(),
            verdict,
            problems,
        });
    }

    /// Adds a problem to the request just checked.
    fn flag(&mut self, endpoint: &str, request: &str, problem: String) {
        match self.report.checks.last_mut() {
            Some(last) if last.request == request => {
                last.verdict = last.verdict.max(Self::severity(endpoint));
                last.problems.push(problem);
            }
            _ => self.record(endpoint, request, vec![problem]),
        }
    }

    fn fail(&mut self, endpoint: &str, request: &str, problem: String) {
        self.flag(endpoint, request, problem);
        if let Some(last) = self.report.checks.last_mut() {
            last.verdict = Verdict::Fail;
        }
    }

    async fn fetch(&self, request: &str) -> Result<Fetched, FetchError> {
        let url = self
            .base
            .join(request.trim_start_matches('/'))
            .map_err(|e| FetchError::Transport {
                url: request.to_owned(),
                detail: e.to_string(),
            })?;
        self.fetcher.get(&url).await
    }

    /// GETs `request`, checks the answer, and returns its body when there was one.
    async fn check(
        &mut self,
        endpoint: &str,
        request: &str,
        paging: Option<(u64, u64)>,
    ) -> Option<Value> {
        let fetched = match self.fetch(request).await {
            Ok(fetched) => fetched,
            Err(error) => {
                self.record(endpoint, request, vec![error.to_string()]);
                return None;
            }
        };
        let mut problems = Vec::new();
        let validator = self
            .validators
            .entry(endpoint.to_owned())
            .or_insert_with(|| self.spec.validator(endpoint));
        match validator {
            Ok(validator) => problems.extend(
                validator
                    .iter_errors(&fetched.body)
                    .take(MAX_SCHEMA_ERRORS)
                    .map(|e| format!("schema: {e} at {}", e.instance_path())),
            ),
            Err(error) => problems.push(error.clone()),
        }
        if fetched.allow_origin.as_deref() != Some("*") {
            problems.push(format!(
                "Access-Control-Allow-Origin is {:?}, not \"*\"",
                fetched.allow_origin
            ));
        }
        rule_problems(&fetched.body, "$", &mut problems);
        if fetched.body.get("contents").is_some() {
            let (page, per_page) = paging.map_or((None, None), |(p, n)| (Some(p), Some(n)));
            problems.extend(paging_problems(&fetched.body, page, per_page));
        }
        self.record(endpoint, request, problems);
        Some(fetched.body)
    }

    /// An id that does not exist must be answered 404.
    async fn expect_not_found(&mut self, endpoint: &str, request: &str) {
        let problems = match self.fetch(request).await {
            Err(FetchError::Status { status: 404, .. }) => Vec::new(),
            Err(error) => vec![format!("an unknown id should be 404: {error}")],
            Ok(_) => vec!["an unknown id was answered with a record".to_owned()],
        };
        self.record(endpoint, request, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_arithmetic_is_checked() {
        let good = json!({"total_items": 7, "total_pages": 4, "page_number": 2, "size": 2,
            "first_page": false, "last_page": false, "empty": false, "contents": [{}, {}]});
        assert!(paging_problems(&good, Some(2), Some(2)).is_empty());
        let bad = json!({"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1,
            "first_page": true, "last_page": true, "empty": false,
            "contents": [{}, {}, {}, {}]});
        let found = paging_problems(&bad, Some(1), Some(5));
        assert!(
            found
                .iter()
                .any(|p| p.contains("size is 1 but the page lists 4")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("4 items of total_items 1")),
            "{found:?}"
        );
        let wrong_flags = json!({"total_items": 3, "total_pages": 2, "page_number": 2, "size": 1,
            "first_page": true, "last_page": false, "empty": true, "contents": [{}]});
        let found = paging_problems(&wrong_flags, Some(2), Some(2));
        assert_eq!(found.len(), 3, "{found:?}");
    }

    #[test]
    fn publishing_rules_find_nulls_empties_and_ids_that_are_not_uuids() {
        let body = json!({"id": "abc", "name": "", "contents": [], "x": {"organization_id": null,
            "service_id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "tags": []}});
        let mut found = Vec::new();
        rule_problems(&body, "$", &mut found);
        found.sort();
        assert_eq!(
            found,
            [
                "$.id is \"abc\", not a UUID",
                "$.name is an empty string (leave the field out)",
                "$.x.organization_id is null (leave the field out)",
                "$.x.tags is an empty array (leave the field out)",
            ]
        );
    }

    #[test]
    fn the_worst_verdict_of_an_endpoint_stands_for_it() {
        let check = |endpoint: &str, verdict| Check {
            endpoint: endpoint.to_owned(),
            request: endpoint.to_owned(),
            verdict,
            problems: Vec::new(),
        };
        let report = Report {
            version: Some("HSDS-UK-3.0".to_owned()),
            checks: vec![
                check("/services", Verdict::Pass),
                check("/services", Verdict::Fail),
                check("/taxonomies", Verdict::Warn),
            ],
        };
        assert_eq!(report.by_endpoint()["/services"], (Verdict::Fail, 2));
        assert_eq!(report.worst(), Verdict::Fail);
        assert!(report.table().contains("FAIL          2  /services"));
        assert_eq!(
            Report::default().worst(),
            Verdict::Fail,
            "nothing checked passes nothing"
        );
    }
}
