//! The spreadsheet template: importing a sheet reports every bad cell and imports nothing
//! unless asked for the valid rows; the CSV export of the sample directory imports into an
//! empty Signpost and exports again the same, with no confidential address in it.

use signpost::catalog::{export, import};
use signpost::oruk::spreadsheet::{COLUMNS, template};

use crate::helpers::{spawn_app, spawn_empty_app};

/// The template with `rows` added, each given as (column, value) pairs.
fn sheet(rows: &[Vec<(&str, &str)>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS.iter().map(|c| c.name)).unwrap();
    for row in rows {
        writer
            .write_record(COLUMNS.iter().map(|c| {
                row.iter()
                    .find(|(name, _)| *name == c.name)
                    .map_or("", |(_, v)| *v)
            }))
            .unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn good(name: &str) -> Vec<(&str, &str)> {
    vec![
        ("organisation_name", "Poplar Knitters"),
        ("organisation_description", "A knitting circle."),
        ("service_name", name),
        ("service_description", "Knitting and a chat, all welcome."),
        ("address_1", "1 Chrisp Street"),
        ("postcode", "E14 6AQ"),
        ("opening_hours", "Wed 10:00-12:00"),
        ("languages", "English; Bengali"),
        // A term of Signpost's own vocabulary, which a new data directory is given.
        ("needs", "Loneliness and social isolation"),
    ]
}

#[test]
fn a_sheet_with_a_bad_cell_imports_nothing_unless_the_valid_rows_are_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = good("Knit and natter");
    bad[5] = ("postcode", "E14 XXX");
    bad.push(("service_email", "knit at example.org"));
    let path = dir.path().join("listings.csv");
    std::fs::write(&path, sheet(&[good("Knitting circle"), bad])).unwrap();
    let data = dir.path().join("data");
    let run = |extra: &[&str]| {
        let mut args = vec!["import", "--data-dir", data.to_str().unwrap()];
        args.extend(extra);
        args.push(path.to_str().unwrap());
        std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let count = || {
        let out = dir.path().join("out.ndjson");
        let done = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(["export", "--data-dir", data.to_str().unwrap(), "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(done.status.success());
        std::fs::read_to_string(&out).unwrap().lines().count()
    };

    let output = run(&[]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("row 3, postcode: \"E14 XXX\" is not a UK postcode"),
        "{said}"
    );
    assert!(said.contains("row 3, service_email:"), "{said}");
    assert!(said.contains("2 bad cells; nothing imported"), "{said}");
    assert_eq!(count(), 0, "nothing imported");

    let output = run(&["--valid-rows"]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("2 services, 1 left out for bad cells, 1 created"),
        "{said}"
    );
    assert_eq!(count(), 1, "the good service only");

    // The same sheet again updates instead of duplicating (ids are made from names).
    let output = run(&["--valid-rows"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("0 created, 0 updated, 1 unchanged"));
}

#[tokio::test]
async fn the_csv_export_imports_into_an_empty_signpost_and_exports_the_same() {
    let app = spawn_app().await;
    let mut first = Vec::new();
    let written = export::export_csv(&app.catalog, &mut first).unwrap();
    assert!(written > 40, "{written} services");
    let first = String::from_utf8(first).unwrap();
    // Confidential addresses (the refuges') are not in it.
    for hidden in [
        "Cephas Avenue",
        "Medway Road",
        "Glengarnock Avenue",
        "Repton Street",
    ] {
        assert!(!first.contains(hidden), "{hidden} is exported");
    }
    assert!(
        first.contains(",yes\n") || first.contains(",yes\r\n"),
        "confidential places are marked"
    );

    let copy = spawn_empty_app().await;
    signpost::seed::load_taxonomies(&copy.catalog).unwrap();
    let outcome = import::import_sheet(
        &copy.catalog,
        first.as_bytes(),
        false,
        &import::Origin::default(),
    )
    .unwrap();
    assert!(
        outcome.errors.is_empty(),
        "{:?}",
        &outcome.errors[..outcome.errors.len().min(5)]
    );
    let report = outcome.imported.expect("imported");
    assert_eq!(report.created, written);
    copy.catalog.wait_for_index().unwrap();
    let mut second = Vec::new();
    export::export_csv(&copy.catalog, &mut second).unwrap();
    assert_eq!(String::from_utf8(second).unwrap(), first);

    // Imported into the directory it came from, it changes nothing, and the confidential
    // addresses it does not carry stay where they were.
    let again = import::import_sheet(
        &app.catalog,
        first.as_bytes(),
        false,
        &import::Origin::default(),
    )
    .unwrap();
    assert!(again.errors.is_empty(), "{:?}", again.errors.first());
    let report = again.imported.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 0, written),
        "an unedited export changes nothing"
    );
    let refuge = app
        .catalog
        .store()
        .service_ids()
        .unwrap()
        .into_iter()
        .filter_map(|id| app.catalog.full_service(id).unwrap())
        .flat_map(|full| full.locations.values().cloned().collect::<Vec<_>>())
        .find(|l| l.confidential)
        .expect("a confidential place");
    assert!(!refuge.addresses.is_empty(), "its address is kept");
}

#[tokio::test]
async fn the_template_is_downloadable_and_its_columns_are_documented() {
    let app = spawn_empty_app().await;
    let reply = app.get("/data/template.csv").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.content_type.starts_with("text/csv"),
        "{}",
        reply.content_type
    );
    assert_eq!(reply.text, template());
    let page = app.get("/data/template").await;
    assert_eq!(page.status, 200);
    for column in COLUMNS {
        assert!(
            page.text.contains(column.name),
            "{} is documented",
            column.name
        );
    }
}

#[tokio::test]
async fn editing_one_cell_of_an_exported_sheet_changes_that_and_keeps_what_a_sheet_cannot_say() {
    let app = spawn_app().await;
    // A listing with contacts (which a sheet does not carry).
    let (id, full) = app
        .catalog
        .store()
        .service_ids()
        .unwrap()
        .into_iter()
        .filter_map(|id| app.catalog.full_service(id).unwrap().map(|f| (id, f)))
        .find(|(_, f)| !f.service.contacts.is_empty() && f.service.service_at_locations.len() == 1)
        .expect("a listing with contacts at one place");
    let mut exported = Vec::new();
    export::export_csv(&app.catalog, &mut exported).unwrap();
    let mut reader = csv::Reader::from_reader(exported.as_slice());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).unwrap();
    let mut edited = 0;
    for row in reader.records() {
        let mut row: Vec<String> = row.unwrap().iter().map(str::to_owned).collect();
        if row[at("service_id")] == id.to_string() {
            row[at("opening_hours")] = "Mon-Fri 09:00-17:00".to_owned();
            row[at("service_name")] = format!("{} (new name)", full.service.name);
            edited += 1;
        }
        writer.write_record(&row).unwrap();
    }
    assert_eq!(edited, 1);
    let sheet = writer.into_inner().unwrap();
    let outcome =
        import::import_sheet(&app.catalog, &sheet, false, &import::Origin::default()).unwrap();
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors.first());
    let report = outcome.imported.unwrap();
    assert_eq!((report.created, report.updated), (0, 1));

    let after = app.catalog.full_service(id).unwrap().unwrap();
    assert_eq!(
        after.service.name,
        format!("{} (new name)", full.service.name)
    );
    assert_eq!(
        after.service.contacts, full.service.contacts,
        "contacts kept"
    );
    assert_eq!(
        after.service.service_at_locations[0].id, full.service.service_at_locations[0].id,
        "the place keeps its link"
    );
    assert_eq!(after.locations, full.locations, "the place is as it was");
    let (hours, _) =
        signpost::domain::weekly::WeeklyHours::from_schedules(&after.service.schedules);
    assert_eq!(hours.to_text(), "Mon-Fri 09:00-17:00");
    assert_eq!(after.service.languages, full.service.languages);
    assert_eq!(after.service.attributes, full.service.attributes);
}

#[tokio::test]
async fn a_moderator_uploads_a_sheet_sees_every_bad_cell_and_imports_the_good_rows_when_asked() {
    let app = spawn_app().await;
    let mut bad = good("Knit and natter");
    bad[5] = ("postcode", "E14 XXX");
    let sheet = sheet(&[good("Knitting circle"), bad]);
    let before = app.catalog.store().counts().unwrap().services;

    // Not for the public, nor for a locality's moderator.
    let mut visitor = crate::helpers::Visitor::new(&app);
    let page = visitor.get("/moderation/import").await;
    assert_eq!(page.status, 303, "sign in first");
    let mut local = crate::editing::local_moderator(&app).await;
    assert_eq!(local.get("/moderation/import").await.status, 403);

    let mut moderator = crate::editing::borough_moderator(&app).await;
    let form = moderator.get("/moderation/import").await;
    assert_eq!(form.status, 200);
    let csrf = moderator.csrf();

    // A forged upload (no CSRF token) does nothing.
    let forged = moderator
        .post_multipart(
            "/moderation/import",
            &[],
            &[("sheet", "l.csv", sheet.as_bytes())],
        )
        .await;
    assert_ne!(forged.status, 200);
    assert_eq!(app.catalog.store().counts().unwrap().services, before);

    let refused = moderator
        .post_multipart(
            "/moderation/import",
            &[("csrf", &csrf)],
            &[("sheet", "listings.csv", sheet.as_bytes())],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.text.contains("One bad cell: nothing was imported"),
        "{}",
        refused.text
    );
    assert!(
        refused
            .text
            .contains("<td>3</td><td><code>postcode</code></td>"),
        "{}",
        refused.text
    );
    assert_eq!(app.catalog.store().counts().unwrap().services, before);

    let imported = moderator
        .post_multipart(
            "/moderation/import",
            &[("csrf", &csrf), ("valid_rows", "yes")],
            &[("sheet", "listings.csv", sheet.as_bytes())],
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    assert!(
        imported.text.contains(
            "2 services in the file: 1 new, 0 changed, 0 unchanged, 1 left out for bad cells."
        ),
        "{}",
        imported.text
    );
    assert_eq!(app.catalog.store().counts().unwrap().services, before + 1);
    let found = app.names("/services?search=knitting").await;
    assert!(
        found.iter().any(|n| n == "Knitting circle"),
        "searchable at once: {found:?}"
    );
    // The import is in the listing's history, as the moderator's.
    let id = app.get_json("/services?search=knitting").await["contents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let history = app
        .catalog
        .store()
        .history(signpost::domain::moderation::RecordKey::service(
            signpost::domain::ids::ServiceId::parse(&id).unwrap(),
        ))
        .unwrap();
    assert_eq!(history.last().unwrap().provenance.why, "spreadsheet import");

    let too_big = vec![b'a'; 3 * 1024 * 1024];
    let refused = moderator
        .post_multipart(
            "/moderation/import",
            &[("csrf", &csrf)],
            &[("sheet", "huge.csv", &too_big)],
        )
        .await;
    assert_eq!(refused.status, 413);
}

/// A minimal XLSX workbook of `rows` (the first is the header): numbers as numbers, the rest
/// as inline strings, as a spreadsheet program would save them.
fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    use std::io::Write;
    let column = |n: usize| {
        let mut name = String::new();
        let mut n = n + 1;
        while n > 0 {
            name.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
            n = (n - 1) / 26;
        }
        name
    };
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            if cell.is_empty() {
                continue;
            }
            if r > 0 && cell.parse::<u32>().is_ok() {
                sheet.push_str(&format!(r#"<c r="{at}"><v>{cell}</v></c>"#));
            } else {
                sheet.push_str(&format!(
                    r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#,
                    escape(cell)
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Listings" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in files {
        writer.start_file(name, options).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[tokio::test]
async fn an_xlsx_workbook_is_read_like_a_csv_sheet() {
    let app = spawn_empty_app().await;
    let header = vec![
        "organisation_name",
        "organisation_description",
        "service_name",
        "service_description",
        "minimum_age",
        "address_1",
        "postcode",
        "opening_hours",
    ];
    let good = vec![
        "Poplar Knitters",
        "A knitting circle.",
        "Knitting circle",
        "Knit and chat.",
        "18",
        "1 Chrisp Street",
        "E14 6AQ",
        "Wed 10:00-12:00",
    ];
    let mut bad = good.clone();
    bad[2] = "Knit and natter";
    bad[6] = "E14 XXX";
    let workbook = xlsx(&[header, good, bad]);
    let refused =
        import::import_sheet(&app.catalog, &workbook, false, &import::Origin::default()).unwrap();
    assert!(refused.imported.is_none());
    assert_eq!(refused.errors.len(), 1, "{:?}", refused.errors);
    assert_eq!(
        (refused.errors[0].row, refused.errors[0].column.as_str()),
        (3, "postcode")
    );
    let imported =
        import::import_sheet(&app.catalog, &workbook, true, &import::Origin::default()).unwrap();
    assert_eq!(imported.imported.unwrap().created, 1);
    app.catalog.wait_for_index().unwrap();
    let found = app.get_json("/services?search=knitting").await;
    assert_eq!(found["contents"][0]["name"], "Knitting circle");
    let id = found["contents"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get_json(&format!("/services/{id}")).await["minimum_age"],
        18,
        "a number cell reads as 18, not 18.0"
    );

    // Not a workbook after all: reported, never a panic.
    let mut broken = workbook.clone();
    broken.truncate(200);
    let report =
        import::import_sheet(&app.catalog, &broken, false, &import::Origin::default()).unwrap();
    assert_eq!(report.errors[0].row, 1);
    assert!(report.errors[0].why.contains("XLSX"), "{:?}", report.errors);
}
