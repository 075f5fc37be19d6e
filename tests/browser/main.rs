//! Real-browser tests: the pages in headless Chromium, driven through ChromeDriver as a new
//! visitor would use them, with JavaScript on and off, in English and Bengali, at phone width;
//! axe-core audits every page type (WCAG 2.0/2.1/2.2 A and AA) and the bytes of a first load
//! are counted. Screenshots go to `target/browser-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` and axe-core from npm (`.ci/install-browser`
//! installs them). Without them the test is skipped with a loud message; with
//! `SIGNPOST_REQUIRE_BROWSER=1` (set in CI) it fails instead.

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use thirtyfour::ChromiumLikeCapabilities;
use thirtyfour::prelude::*;

/// What the tests need from the machine.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe: String,
}

fn find_tools() -> Option<Tools> {
    let env_path = |name: &str, default: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let chromium = env_path("SIGNPOST_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = env_path("SIGNPOST_CHROMEDRIVER", "/usr/bin/chromedriver");
    let axe_path = env_path(
        "SIGNPOST_AXE",
        &format!(
            "{}/target/web-tools/node_modules/axe-core/axe.min.js",
            env!("CARGO_MANIFEST_DIR")
        ),
    );
    let missing: Vec<String> = [&chromium, &chromedriver, &axe_path]
        .into_iter()
        .filter(|path| !path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "browser tests need {} (run .ci/install-browser)",
            missing.join(", ")
        );
        if std::env::var_os("SIGNPOST_REQUIRE_BROWSER").is_some() {
            panic!("{message}");
        }
        eprintln!("SKIPPED browser tests: {message}");
        return None;
    }
    Some(Tools {
        axe: std::fs::read_to_string(&axe_path).unwrap(),
        chromium,
        chromedriver,
    })
}

/// A ChromeDriver process, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver(tools: &Tools) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&tools.chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    // Dropping the Driver kills and waits for the process, however this function ends.
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if reqwest::get(format!("{}/status", driver.url)).await.is_ok() {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(tools: &Tools, driver: &Driver, javascript: bool, width: u32) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(tools.chromium.to_str().unwrap()).unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--lang=en-GB",
        &format!("--window-size={width},900"),
    ] {
        caps.add_arg(arg).unwrap();
    }
    if !javascript {
        caps.add_experimental_option(
            "prefs",
            json!({"profile.managed_default_content_settings.javascript": 2}),
        )
        .unwrap();
    }
    let session = WebDriver::new(&driver.url, caps)
        .await
        .expect("a Chromium session");
    session.set_window_rect(0, 0, width, 900).await.unwrap();
    session
}

fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs axe-core on the page; panics listing every violation.
async fn audit(session: &WebDriver, tools: &Tools, what: &str) {
    session
        .execute(format!("{}\nreturn true;", tools.axe), Vec::<Value>::new())
        .await
        .expect("axe-core loads");
    let result = session
        .execute(
            r#"return axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})));"#,
            Vec::<Value>::new(),
        )
        .await
        .expect("axe-core runs");
    let violations = result.json().as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "{what}: accessibility violations: {}",
        serde_json::to_string_pretty(&violations).unwrap()
    );
}

async fn shot(session: &WebDriver, name: &str) {
    session
        .screenshot(&shots_dir().join(format!("{name}.png")))
        .await
        .unwrap();
}

async fn html_lang(session: &WebDriver) -> String {
    session
        .find(By::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Bytes transferred for the page and everything it loaded (Resource Timing).
async fn transferred(session: &WebDriver) -> u64 {
    let total = session
        .execute(
            "const n = performance.getEntriesByType('navigation')[0]; \
             return performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, n.transferSize);",
            Vec::<Value>::new(),
        )
        .await
        .unwrap();
    total.json().as_u64().unwrap_or(u64::MAX)
}

async fn no_sideways_scroll(session: &WebDriver, what: &str) {
    let fits = session
        .execute(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1;",
            Vec::<Value>::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        fits.json(),
        &json!(true),
        "{what}: the page scrolls sideways"
    );
}

async fn time_origin(session: &WebDriver) -> f64 {
    session
        .execute("return performance.timeOrigin;", Vec::<Value>::new())
        .await
        .unwrap()
        .json()
        .as_f64()
        .unwrap_or_default()
}

/// Clicks what `css` finds and waits for the page it leads to.
async fn click(session: &WebDriver, css: &str) {
    let before = time_origin(session).await;
    session
        .find(By::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    for _ in 0..100 {
        let loaded = session
            .execute(
                "return document.readyState === 'complete';",
                Vec::<Value>::new(),
            )
            .await
            .is_ok_and(|r| r.json() == &json!(true));
        if loaded && time_origin(session).await != before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css}: clicking it did not load a page");
}

async fn text_of(session: &WebDriver, css: &str) -> String {
    session
        .find(By::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_works_in_chromium_and_passes_axe() {
    let Some(tools) = find_tools() else {
        return;
    };
    let app = helpers::spawn_app().await;
    let base = app.address.clone();
    let driver = start_driver(&tools).await;

    // A resident on a phone, JavaScript on, English.
    let phone = browser(&tools, &driver, true, 390).await;
    phone.goto(format!("{base}/")).await.unwrap();
    let first_load = transferred(&phone).await;
    assert!(
        first_load <= 100 * 1024,
        "home page first load is {first_load} bytes"
    );
    audit(&phone, &tools, "home").await;
    shot(&phone, "home-phone").await;
    no_sideways_scroll(&phone, "home at 390px").await;

    // Keyboard: the first Tab reaches "Skip to main content".
    phone
        .active_element()
        .await
        .unwrap()
        .send_keys(Key::Tab)
        .await
        .unwrap();
    let focused = phone.active_element().await.unwrap().text().await.unwrap();
    assert_eq!(focused, "Skip to main content");

    phone
        .find(By::Id("search"))
        .await
        .unwrap()
        .send_keys("food bank")
        .await
        .unwrap();
    click(&phone, "form.search-box button[type=submit]").await;
    let url = phone.current_url().await.unwrap();
    assert_eq!(url.path(), "/search");
    assert!(text_of(&phone, "main h1").await.contains("food bank"));
    let count = text_of(&phone, "#result-count").await;
    assert!(count.contains("services found"), "{count}");
    audit(&phone, &tools, "results").await;
    shot(&phone, "results-phone").await;
    no_sideways_scroll(&phone, "results at 390px").await;

    // A filter applied, then removed.
    phone
        .find(By::Css("details.filters summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    phone
        .find(By::Id("cost"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&phone, "details.filters form button[type=submit]").await;
    assert!(
        phone
            .current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or_default()
            .contains("cost=free")
    );
    assert!(text_of(&phone, "ul.chosen a").await.contains("Free"));
    click(&phone, "ul.chosen a").await;
    assert!(
        !phone
            .current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or_default()
            .contains("cost=free")
    );

    // A service page, added to the shortlist.
    click(&phone, "ul.results li.result h3 a").await;
    assert!(
        phone
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/service/")
    );
    audit(&phone, &tools, "service").await;
    shot(&phone, "service-phone").await;
    click(&phone, "div.actions form button[value=add]").await;
    assert!(
        phone
            .find(By::Css("div.actions form button[value=remove]"))
            .await
            .is_ok()
    );

    // The shortlist: a note, the copy buttons (JavaScript), the print view.
    phone.goto(format!("{base}/shortlist")).await.unwrap();
    let note = phone.find(By::Css("textarea[id^=note-]")).await.unwrap();
    note.send_keys("Tuesday morning is best").await.unwrap();
    click(&phone, "button[value=notes]").await;
    let kept = phone.find(By::Css("textarea[id^=note-]")).await.unwrap();
    assert_eq!(
        kept.prop("value").await.unwrap().unwrap_or_default(),
        "Tuesday morning is best"
    );
    let copy = phone
        .find(By::Css("button[data-copy=share-link]"))
        .await
        .unwrap();
    assert!(
        copy.is_displayed().await.unwrap(),
        "JavaScript shows the copy buttons"
    );
    audit(&phone, &tools, "shortlist").await;
    shot(&phone, "shortlist-phone").await;
    phone.goto(format!("{base}/shortlist/print")).await.unwrap();
    assert!(phone.find(By::Css(".qr svg")).await.is_ok());
    audit(&phone, &tools, "print view").await;
    shot(&phone, "print-view").await;

    // Bengali, switched from the page.
    phone
        .goto(format!("{base}/search?search=food+bank"))
        .await
        .unwrap();
    click(&phone, "a[hreflang=bn]").await;
    assert_eq!(html_lang(&phone).await, "bn");
    assert!(
        phone
            .current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or_default()
            .contains("lang=bn")
    );
    audit(&phone, &tools, "results in Bengali").await;
    shot(&phone, "results-bengali").await;
    phone.goto(format!("{base}/?lang=bn")).await.unwrap();
    audit(&phone, &tools, "home in Bengali").await;

    // Other page types.
    for (path, name) in [
        ("/areas", "areas"),
        ("/areas/south-east", "area"),
        ("/search?search=dog+grooming", "no-results"),
        ("/search?postcode=ZZ99+9ZZ", "form-error"),
        ("/service/00000000-0000-4000-8000-000000000000", "not-found"),
    ] {
        phone.goto(format!("{base}{path}")).await.unwrap();
        audit(&phone, &tools, name).await;
        shot(&phone, name).await;
    }
    phone
        .goto(format!("{base}/search?search=food+bank"))
        .await
        .unwrap();
    click(&phone, "p.org a").await;
    assert!(
        phone
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/organisation/")
    );
    audit(&phone, &tools, "organisation").await;

    // 320 px wide (as 1280 px at 400% zoom).
    phone.set_window_rect(0, 0, 320, 800).await.unwrap();
    for path in ["/", "/search?search=advice", "/shortlist"] {
        phone.goto(format!("{base}{path}")).await.unwrap();
        no_sideways_scroll(&phone, &format!("{path} at 320px")).await;
    }
    phone.quit().await.unwrap();

    // JavaScript off: search, filter and shortlist still work.
    let plain = browser(&tools, &driver, false, 1024).await;
    plain.goto(format!("{base}/")).await.unwrap();
    plain
        .find(By::Id("search"))
        .await
        .unwrap()
        .send_keys("lunch club")
        .await
        .unwrap();
    click(&plain, "form.search-box button[type=submit]").await;
    assert!(
        text_of(&plain, "#result-count")
            .await
            .contains("services found")
    );
    click(&plain, "ul.results li.result form button[value=add]").await;
    let nav = text_of(&plain, "header.site").await;
    assert!(nav.contains("Shortlist (1)"), "{nav}");
    plain.goto(format!("{base}/shortlist")).await.unwrap();
    assert!(
        !plain
            .find(By::Css("button[data-copy=share-link]"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "without JavaScript the copy buttons stay hidden; the text can still be selected"
    );
    shot(&plain, "shortlist-no-javascript").await;
    plain.quit().await.unwrap();
}

/// The Nu HTML Checker (vnu.jar, from npm) on each page type, in English and Bengali.
#[tokio::test]
async fn every_page_type_is_valid_html() {
    let vnu = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/web-tools/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = which_java();
    if !vnu.exists() || java.is_none() {
        let message = format!(
            "HTML checks need java and {} (run .ci/install-browser)",
            vnu.display()
        );
        if std::env::var_os("SIGNPOST_REQUIRE_BROWSER").is_some() {
            panic!("{message}");
        }
        eprintln!("SKIPPED HTML checks: {message}");
        return;
    }
    let app = helpers::spawn_app().await;
    let food = app.get_json("/services?search=food+bank").await["contents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for lang in ["en", "bn"] {
        for (name, path) in [
            ("home", "/".to_owned()),
            (
                "results",
                "/search?search=food+bank&postcode=E3+3XU".to_owned(),
            ),
            ("no-results", "/search?search=dog+grooming".to_owned()),
            ("form-error", "/search?postcode=ZZ99+9ZZ".to_owned()),
            ("service", format!("/service/{food}")),
            ("shortlist", format!("/shortlist?ids={food}")),
            ("print", format!("/shortlist/print?ids={food}")),
            ("areas", "/areas".to_owned()),
            ("area", "/areas/north-west".to_owned()),
            ("not-found", "/nowhere".to_owned()),
        ] {
            let separator = if path.contains('?') { '&' } else { '?' };
            let html = app
                .client
                .get(format!("{}{path}{separator}lang={lang}", app.address))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let file = dir.path().join(format!("{name}-{lang}.html"));
            std::fs::write(&file, html).unwrap();
            files.push(file);
        }
    }
    let output = Command::new(java.unwrap())
        .arg("-jar")
        .arg(&vnu)
        .arg("--errors-only")
        .arg("--format")
        .arg("text")
        .args(&files)
        .output()
        .expect("java runs the Nu HTML Checker");
    let report = String::from_utf8_lossy(&output.stderr).to_string()
        + String::from_utf8_lossy(&output.stdout).as_ref();
    assert!(output.status.success(), "HTML errors:\n{report}");
}

fn which_java() -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join("java"))
        .find(|path| path.exists())
}
