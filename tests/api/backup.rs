//! `signpost backup` and `signpost restore`, end to end with the real binary: a backup
//! taken through a running server gives back, in a new data directory, every record,
//! account, API token, pending change and audit entry, and the restored directory serves.

use std::path::Path;

use serde_json::json;
use signpost::domain::account::Role;

use crate::accounts::{PASSWORD, sign_in};
use crate::editing::staff;
use crate::helpers::{Visitor, organisations_with_services, spawn_app, spawn_app_over};
use crate::write_api::{call, make_token};

/// Runs the `signpost` binary (without blocking the runtime the server under test runs
/// on); returns its exit code and standard error.
async fn signpost(args: &[&str]) -> (i32, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .await
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Everything but the records: accounts, tokens, proposals and the audit trail, as JSON.
fn people_and_process(store: &dyn signpost::store::Store) -> serde_json::Value {
    json!({
        "accounts": serde_json::to_value(store.accounts().unwrap()).unwrap(),
        "api_tokens": serde_json::to_value(store.api_tokens().unwrap()).unwrap(),
        "proposals": serde_json::to_value(store.proposals().unwrap()).unwrap(),
        "audit": serde_json::to_value(store.audit_entries().unwrap()).unwrap(),
    })
}

#[tokio::test]
async fn a_backup_of_a_running_server_restores_everything_elsewhere() {
    let app = spawn_app().await;
    // An editor, an API token, and a change waiting for a moderator.
    let (organisation, service) = organisations_with_services(&app)[0];
    let email = "volunteer@charity.example.org";
    let mut editor = staff(
        &app,
        email,
        Role::OrganisationEditor {
            organisations: [organisation].into(),
        },
    )
    .await;
    let token = make_token(&mut editor, organisation, &["proposals"]).await;
    let mut record = app.get_json(&format!("/services/{service}")).await;
    record["name"] = json!("Renamed, waiting for a moderator");
    let proposed = call(
        &app,
        "POST",
        "/api/manage/proposals",
        Some(&token),
        Some(json!({"service": record, "note": "new name", "submit": true})),
    )
    .await;
    assert_eq!(proposed.status, 201, "{}", proposed.body);
    let proposal = proposed.body["id"].as_str().unwrap().to_owned();

    // The data directory is in use: the backup goes through the server.
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("directory.backup");
    let (code, said) = signpost(&[
        "backup",
        "--data-dir",
        text(app.data_dir.path()),
        "--out",
        text(&file),
    ])
    .await;
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("from the server at"), "{said}");
    assert!(said.contains("accounts 1"), "{said}");
    assert!(!work.path().join("directory.backup.partial").exists());
    let before = people_and_process(app.catalog.store());
    let counts = app.catalog.store().counts().unwrap();

    // Restored into a new directory, and served there.
    let restored_dir = tempfile::tempdir().unwrap();
    let target = restored_dir.path().join("data");
    let (code, said) = signpost(&["restore", "--data-dir", text(&target), text(&file)]).await;
    assert_eq!(code, 0, "{said}");
    // Into a directory that is not empty: refused, and nothing changes there.
    let (code, said) = signpost(&["restore", "--data-dir", text(&target), text(&file)]).await;
    assert_eq!(code, 1);
    assert!(said.contains("not empty"), "{said}");

    let data = tempfile::tempdir().unwrap();
    std::fs::remove_dir(data.path()).unwrap();
    std::fs::rename(&target, data.path()).unwrap();
    let restored = spawn_app_over(data).await;
    assert_eq!(restored.catalog.store().counts().unwrap(), counts);
    assert_eq!(people_and_process(restored.catalog.store()), before);
    // The index was rebuilt from the restored store: the directory searches as before.
    assert_eq!(
        restored.names("/services?text=food+bank").await,
        app.names("/services?text=food+bank").await
    );
    // The pending change still waits, with the old name live.
    let waiting = call(
        &restored,
        "GET",
        &format!("/api/manage/proposals/{proposal}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(waiting.status, 200, "the token works: {}", waiting.body);
    assert_eq!(waiting.body["status"], "submitted", "{}", waiting.body);
    assert_eq!(
        restored.get_json(&format!("/services/{service}")).await["name"],
        app.get_json(&format!("/services/{service}")).await["name"]
    );
    // The account signs in with its password.
    let mut again = Visitor::new(&restored);
    assert_eq!(sign_in(&mut again, email, PASSWORD).await.status, 303);
}

#[tokio::test]
async fn a_damaged_backup_is_refused_and_restores_nothing() {
    let app = spawn_app().await;
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("b");
    let (code, said) = signpost(&[
        "backup",
        "--data-dir",
        text(app.data_dir.path()),
        "--out",
        text(&file),
    ])
    .await;
    assert_eq!(code, 0, "{said}");
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&file, &bytes).unwrap();
    let target = work.path().join("restored");
    let (code, said) = signpost(&["restore", "--data-dir", text(&target), text(&file)]).await;
    assert_eq!(code, 1);
    assert!(said.contains("not a usable Signpost backup"), "{said}");
    assert!(
        std::fs::read_dir(&target).map_or(true, |mut entries| entries.next().is_none()),
        "nothing restored"
    );
}
