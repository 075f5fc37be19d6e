//! Test harness: the real application on port 0 with its own temporary data directory, and
//! access to the shared ORUK and geography material in `../shared`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use signpost::catalog::Catalog;
use signpost::catalog::import::{self, ImportReport};
use signpost::config::ServeConfig;
use signpost::startup::Application;
use tempfile::TempDir;

/// A running application.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub catalog: Arc<Catalog>,
    pub data_dir: TempDir,
}

/// A response, read whole.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Reply {
        let response = self
            .client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await.unwrap();
        Reply {
            status,
            content_type,
            headers,
            text,
        }
    }

    /// GETs a path that must answer 200 with JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.text);
        reply.json()
    }

    /// Names of the services a list path returns (one page).
    pub async fn names(&self, path: &str) -> Vec<String> {
        self.get_json(path).await["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                item["name"]
                    .as_str()
                    .or(item["service"]["name"].as_str())
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    /// Imports records through the catalog and waits until they are searchable.
    pub fn import(&self, records: &[Value]) -> ImportReport {
        let text = serde_json::to_string(records).unwrap();
        let report = import::import(&self.catalog, import::read_source(&text).unwrap()).unwrap();
        self.catalog.wait_for_index().unwrap();
        report
    }
}

/// The application over an empty data directory, with the built-in (approximate) geography.
pub async fn spawn_empty_app() -> TestApp {
    spawn_in(tempfile::tempdir().unwrap(), None).await
}

/// The application over an empty data directory, its clock stopped at `instant` (an RFC
/// 3339 time): opening hours and freshness are judged then.
pub async fn spawn_empty_app_at(instant: &str) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = ServeConfig::for_data_dir(data_dir.path());
    config.clock = signpost::clock::Clock::fixed(instant.parse().expect("an RFC 3339 time"));
    start(config, data_dir).await
}

/// The application over an empty data directory, with settings changed by `edit`.
pub async fn spawn_empty_app_with(edit: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = ServeConfig::for_data_dir(data_dir.path());
    edit(&mut config);
    start(config, data_dir).await
}

/// The application over a copy of a data directory holding the sample directory, with the
/// built-in (approximate) geography.
pub async fn spawn_app() -> TestApp {
    static TEMPLATE: OnceLock<TempDir> = OnceLock::new();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(seeded_template(&TEMPLATE, None), dir.path());
    spawn_in(dir, None).await
}

/// The sample directory served with the real geo pack.
pub async fn spawn_app_with_pack(geo_dir: &Path) -> TestApp {
    spawn_app_with_pack_and(geo_dir, |_| {}).await
}

/// The sample directory served with the real geo pack, with settings changed by `edit`.
pub async fn spawn_app_with_pack_and(
    geo_dir: &Path,
    edit: impl FnOnce(&mut ServeConfig),
) -> TestApp {
    static TEMPLATE: OnceLock<TempDir> = OnceLock::new();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(seeded_template(&TEMPLATE, Some(geo_dir)), dir.path());
    let mut config = ServeConfig::for_data_dir(dir.path());
    config.geo_dir = Some(geo_dir.to_path_buf());
    edit(&mut config);
    start(config, dir).await
}

/// The application over a data directory made beforehand (e.g. restored from a backup).
pub async fn spawn_app_over(data_dir: TempDir) -> TestApp {
    spawn_in(data_dir, None).await
}

async fn spawn_in(data_dir: TempDir, geo_dir: Option<&Path>) -> TestApp {
    let mut config = ServeConfig::for_data_dir(data_dir.path());
    config.geo_dir = geo_dir.map(Path::to_path_buf);
    start(config, data_dir).await
}

async fn start(config: ServeConfig, data_dir: TempDir) -> TestApp {
    init_logs();
    signpost::outbound::http::install_tls();
    let application = Application::build(config)
        .await
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let catalog = application.catalog();
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        catalog,
        data_dir,
    }
}

fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        signpost::telemetry::init();
    }
}

/// A data directory with the sample directory loaded, built once per test run and geography.
fn seeded_template(template: &'static OnceLock<TempDir>, geo_dir: Option<&Path>) -> &'static Path {
    template
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let geography = signpost::geography::load(geo_dir).unwrap();
            let assets = Arc::new(signpost::search::assets::SearchAssets::built_in());
            let (catalog, _) = Catalog::open(dir.path(), Arc::new(geography), assets).unwrap();
            signpost::seed::load(&catalog).expect("the sample directory loads cleanly");
            catalog.wait_for_index().unwrap();
            catalog.close();
            drop(catalog);
            dir
        })
        .path()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The shared ORUK and geography material (`SIGNPOST_SHARED_DIR`, default `../shared`).
///
/// When it is missing the test is skipped loudly; with `SIGNPOST_REQUIRE_SHARED=1` (set in
/// CI) a missing directory fails the test instead, so CI never passes on skipped tests.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SIGNPOST_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if dir.join("oruk").is_dir() {
        return Some(dir);
    }
    if std::env::var_os("SIGNPOST_REQUIRE_SHARED").is_some() {
        panic!(
            "{test}: the shared material is required but {} is missing",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED {test}: {} is missing; set SIGNPOST_SHARED_DIR",
        dir.display()
    );
    None
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A minimal valid service record for tests to adjust.
pub fn service_record(id: &str, name: &str) -> Value {
    serde_json::json!({"id": id, "name": name, "status": "active"})
}

/// A browser without JavaScript: keeps cookies, does not follow redirects by itself.
pub struct Visitor<'a> {
    address: String,
    _app: std::marker::PhantomData<&'a TestApp>,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

impl<'a> Visitor<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Visitor::at(&app.address)
    }

    /// A visitor of a server at `address` (e.g. the real binary).
    pub fn at(address: &str) -> Self {
        signpost::outbound::http::install_tls();
        Self {
            address: address.to_owned(),
            _app: std::marker::PhantomData,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, response: reqwest::Response) -> Reply {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        Reply {
            status,
            content_type,
            headers,
            text: response.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .header("accept", "text/html,application/xhtml+xml")
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.send_post(path, "application/x-www-form-urlencoded", body.into_bytes())
            .await
    }

    /// POSTs `body` as `content_type`, with the visitor's cookies.
    async fn send_post(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .header("accept", "text/html")
            .header("content-type", content_type)
            .header("cookie", self.cookie_header())
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// Posts a `multipart/form-data` form: text fields, then files (field, file name, bytes).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        let boundary = "signpost-test-boundary-7c1e";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\ncontent-type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send_post(
            path,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .get("signpost_csrf")
            .expect("a page has set the CSRF cookie")
            .clone()
    }
}

pub fn location(reply: &Reply) -> &str {
    reply.headers["location"].to_str().unwrap()
}

/// The fields a browser would send with the form posting to `action` on `html`: text,
/// hidden and time inputs, ticked boxes and chosen radios, and text areas (submit buttons
/// are left to the caller, as they depend on which is pressed).
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let marker = format!("action=\"{}\"", escape_attribute(action));
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let end = start + html[start..].find("</form>").expect("the form ends");
    let form = &html[start..end];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag_end = rest.find('>').expect("tags close");
        let tag = &rest[..tag_end];
        if let Some(attributes) = tag.strip_prefix("<input") {
            let kind = attribute(attributes, "type").unwrap_or_else(|| "text".to_owned());
            let name = attribute(attributes, "name");
            let value = attribute(attributes, "value").unwrap_or_default();
            let chosen =
                !matches!(kind.as_str(), "checkbox" | "radio") || attributes.contains(" checked");
            if let Some(name) = name.filter(|_| chosen && kind != "submit") {
                fields.push((name, value));
            }
        } else if let Some(attributes) = tag.strip_prefix("<textarea") {
            let close = rest.find("</textarea>").expect("text areas close");
            let content = unescape(&rest[tag_end + 1..close]);
            if let Some(name) = attribute(attributes, "name") {
                fields.push((name, content));
            }
        }
        rest = &rest[tag_end..];
    }
    fields
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&#38;")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

/// Undoes HTML escaping (numeric references and the common named ones).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix('#')
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces (or adds) a field's value.
pub fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(n, _)| n != name);
    fields.push((name.to_owned(), value.to_owned()));
}

/// The next code `email`'s authenticator shows that has not been used yet.
pub fn unused_code(app: &TestApp, email: &str) -> String {
    let account = app
        .catalog
        .store()
        .account_by_email(&signpost::domain::account::login_email(email).unwrap())
        .unwrap()
        .unwrap();
    let totp = account.totp.expect("an authenticator is set up");
    let step = signpost::auth::totp::step_of(chrono::Utc::now()).max(totp.last_step + 1);
    signpost::auth::totp::code_at(
        &signpost::auth::totp::base32_decode(&totp.secret).unwrap(),
        step,
    )
}

/// The first two organisations (by name) with a service, and a service of each.
pub fn organisations_with_services(
    app: &TestApp,
) -> Vec<(
    signpost::domain::ids::OrganizationId,
    signpost::domain::ids::ServiceId,
)> {
    let store = app.catalog.store();
    store
        .organizations_by_name(0, 1_000)
        .unwrap()
        .into_iter()
        .filter_map(|o| {
            store
                .services_of_organization(o.id)
                .unwrap()
                .first()
                .map(|s| (o.id, *s))
        })
        .take(2)
        .collect()
}

/// Every file under `dir` that holds any of `planted` (ASCII, any case), as "path holds X":
/// for proving that details typed into a form were not kept.
pub fn files_holding(dir: &Path, planted: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for detail in planted {
                if bytes
                    .windows(detail.len())
                    .any(|window| window.eq_ignore_ascii_case(detail.as_bytes()))
                {
                    found.push(format!("{} holds {detail}", path.display()));
                }
            }
        }
    }
    found
}
