//! The write API for organisations' own systems: tokens made by an editor on the page,
//! shown once, scoped, revocable, acting only on their organisation; changes through it are
//! moderated like changes from the pages, and every use is audited.

use serde_json::{Value, json};
use signpost::domain::account::{AuditAction, Role, login_email};
use signpost::domain::ids::OrganizationId;

use crate::accounts::{PASSWORD, accept, create, sign_in};
use crate::contract::ours;
use crate::helpers::{TestApp, Visitor, form_fields, organisations_with_services, spawn_app};

pub(crate) struct Call {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

pub(crate) async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Call {
    let mut request = app
        .client
        .request(method.parse().unwrap(), format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Call {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// Makes a token on the page as the editor would; returns the secret shown once.
pub(crate) async fn make_token(
    editor: &mut Visitor<'_>,
    organisation: OrganizationId,
    scopes: &[&str],
) -> String {
    let path = format!("/manage/organisations/{organisation}/tokens");
    let page = editor.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let mut fields: Vec<(&str, &str)> = vec![("name", "Case management system")];
    let csrf = form_fields(&page.text, &path)
        .into_iter()
        .find(|(n, _)| n == "csrf")
        .unwrap()
        .1;
    fields.push(("csrf", &csrf));
    for scope in scopes {
        fields.push(("scope", scope));
    }
    let made = editor.post(&path, &fields).await;
    assert_eq!(made.status, 200, "{}", made.text);
    let start = made.text.find("<code id=\"token-secret\">").unwrap() + 24;
    let secret = made.text[start..start + 67].to_owned();
    assert!(secret.starts_with("sp_"));
    let again = editor.get(&path).await;
    assert!(!again.text.contains(&secret), "shown once only");
    secret
}

#[tokio::test]
async fn an_organisations_system_proposes_changes_with_a_scoped_revocable_token() {
    let app = spawn_app().await;
    let found = organisations_with_services(&app);
    let [(org_a, service), (_, other_service)] = [found[0], found[1]];
    let email = "systems@charity.example.org";
    let link = create(
        &app,
        email,
        Role::OrganisationEditor {
            organisations: [org_a].into(),
        },
    );
    let mut editor = Visitor::new(&app);
    accept(&mut editor, &link, PASSWORD).await;
    assert_eq!(sign_in(&mut editor, email, PASSWORD).await.status, 303);
    let token = make_token(&mut editor, org_a, &["proposals", "assure"]).await;
    assert!(
        app.catalog
            .store()
            .api_tokens()
            .unwrap()
            .iter()
            .all(|t| !t.key.contains(&token[3..])),
        "only a hash is stored"
    );

    // Without a token, or with a made-up one: 401 with a way forward.
    let none = call(&app, "POST", "/api/manage/proposals", None, Some(json!({}))).await;
    assert_eq!(none.status, 401);
    assert!(
        none.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert!(ours("Problem").is_valid(&none.body));
    let fake = format!("sp_{}", "ab".repeat(32));
    let guessed = call(
        &app,
        "POST",
        "/api/manage/proposals",
        Some(&fake),
        Some(json!({})),
    )
    .await;
    assert_eq!(guessed.status, 401);

    // The system proposes a new name; the public API keeps the old one until approval.
    let mut record = app.get_json(&format!("/services/{service}")).await;
    let old_name = record["name"].as_str().unwrap().to_owned();
    record["name"] = json!(format!("{old_name} (from our system)"));
    let proposed = call(
        &app,
        "POST",
        "/api/manage/proposals",
        Some(&token),
        Some(json!({"service": record, "note": "Synced from our CRM", "submit": true})),
    )
    .await;
    assert_eq!(proposed.status, 201, "{}", proposed.body);
    assert!(
        ours("Proposal").is_valid(&proposed.body),
        "{}",
        proposed.body
    );
    assert_eq!(proposed.body["status"], "submitted");
    let status_path = proposed.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(
        app.get_json(&format!("/services/{service}")).await["name"],
        json!(old_name)
    );
    let status = call(&app, "GET", &status_path, Some(&token), None).await;
    assert_eq!(status.status, 200);
    assert!(ours("Proposal").is_valid(&status.body));

    let moderator = signpost::domain::account::Account::new(
        login_email("mo@council.example.org").unwrap(),
        "Mo",
        vec![Role::Moderator {
            localities: Default::default(),
        }],
        None,
        chrono::Utc::now(),
    );
    app.catalog.store().put_account(&moderator).unwrap();
    let id =
        signpost::domain::ids::ProposalId::parse(proposed.body["id"].as_str().unwrap()).unwrap();
    app.catalog
        .approve(&moderator, id, chrono::Utc::now())
        .unwrap();
    assert_eq!(
        app.get_json(&format!("/services/{service}")).await["name"],
        json!(format!("{old_name} (from our system)"))
    );
    let status = call(&app, "GET", &status_path, Some(&token), None).await;
    assert_eq!(status.body["status"], "approved");

    // Scopes and organisations bound the token.
    let notice = call(
        &app,
        "POST",
        &format!("/api/manage/services/{service}/notice"),
        Some(&token),
        Some(json!({"kind": "temporarily_closed", "message": "Flooded"})),
    )
    .await;
    assert_eq!(notice.status, 403, "no notices scope");
    let mut theirs = app.get_json(&format!("/services/{other_service}")).await;
    theirs["name"] = json!("Taken over");
    let taken = call(
        &app,
        "POST",
        "/api/manage/proposals",
        Some(&token),
        Some(json!({"service": theirs, "submit": true})),
    )
    .await;
    assert_eq!(taken.status, 403, "{}", taken.body);
    let assured_elsewhere = call(
        &app,
        "POST",
        &format!("/api/manage/services/{other_service}/assure"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(assured_elsewhere.status, 404);
    let bad = call(
        &app,
        "POST",
        "/api/manage/proposals",
        Some(&token),
        Some(json!({"service": {"id": "not a uuid"}})),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(ours("Problem").is_valid(&bad.body));
    let wrong_method = call(&app, "GET", "/api/manage/proposals", Some(&token), None).await;
    assert_eq!(wrong_method.status, 405);

    let assured = call(
        &app,
        "POST",
        &format!("/api/manage/services/{service}/assure"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(assured.status, 200, "{}", assured.body);
    assert!(ours("Assured").is_valid(&assured.body));
    assert_eq!(assured.body["assurer_email"], email);

    // Revoked on the page: refused from then on.
    let tokens_path = format!("/manage/organisations/{org_a}/tokens");
    let page = editor.get(&tokens_path).await;
    let start = page.text.find(&format!("{tokens_path}/")).unwrap() + tokens_path.len() + 1;
    let token_id = page.text[start..start + 36].to_owned();
    let csrf = editor.csrf();
    let revoked = editor
        .post(
            &format!("{tokens_path}/{token_id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, 303);
    let after = call(&app, "GET", &status_path, Some(&token), None).await;
    assert_eq!(after.status, 401);

    // A token stops working when its editor stops editing the organisation.
    let second = make_token(&mut editor, org_a, &["proposals"]).await;
    assert_eq!(
        call(&app, "GET", &status_path, Some(&second), None)
            .await
            .status,
        200
    );
    let mut account = app
        .catalog
        .store()
        .account_by_email(&login_email(email).unwrap())
        .unwrap()
        .unwrap();
    account.roles = vec![Role::LinkWorker];
    app.catalog.store().put_account(&account).unwrap();
    assert_eq!(
        call(&app, "GET", &status_path, Some(&second), None)
            .await
            .status,
        401
    );

    // Every step is in the audit trail, and no secret is.
    let trail = app.catalog.store().audit_entries().unwrap();
    for action in [
        AuditAction::TokenCreated,
        AuditAction::TokenUsed,
        AuditAction::TokenRevoked,
    ] {
        assert!(trail.iter().any(|e| e.action == action), "{action:?}");
    }
    assert!(trail.iter().all(|e| !e.detail.contains(&token[3..])));
}
