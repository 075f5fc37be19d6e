//! Staff accounts over HTTP as a browser without JavaScript uses them: invitation links,
//! sign-in, sessions, roles, CSRF, lockout and rate limits; and the `admin create` command.

use signpost::auth;
use signpost::domain::account::Role;
use signpost::store::Store;

use crate::helpers::{Reply, TestApp, Visitor, location, spawn_app, unused_code};

pub const PASSWORD: &str = "lentil soup on tuesdays";

/// The path and query of the one-time link in `text`.
pub fn link_path(text: &str) -> String {
    let start = text
        .find("/account/password?token=")
        .expect("a set-password link");
    text[start..start + "/account/password?token=".len() + 64].to_owned()
}

fn token_of(path: &str) -> &str {
    path.rsplit('=').next().unwrap()
}

/// Sets the password behind a link, as its recipient would.
pub async fn accept(visitor: &mut Visitor<'_>, link: &str, password: &str) -> Reply {
    let form = visitor.get(link).await;
    assert_eq!(form.status, 200);
    assert_eq!(form.headers["cache-control"], "no-store");
    let csrf = visitor.csrf();
    visitor
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("token", token_of(link)),
                ("password", password),
                ("confirm", password),
            ],
        )
        .await
}

pub async fn sign_in(visitor: &mut Visitor<'_>, email: &str, password: &str) -> Reply {
    if !visitor.cookies.contains_key("signpost_csrf") {
        visitor.get("/account/login").await;
    }
    let csrf = visitor.csrf();
    visitor
        .post(
            "/account/login",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", password),
                ("next", "/account"),
            ],
        )
        .await
}

/// Sets up an authenticator app through its page, as a person would (reading the key off
/// the page, typing the code their app shows); returns the key.
pub async fn set_up_authenticator(visitor: &mut Visitor<'_>) -> String {
    let page = visitor.get("/account/two-factor").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let start = page
        .text
        .find("<code id=\"totp-key\">")
        .expect("the key is shown")
        + "<code id=\"totp-key\">".len();
    let end = start + page.text[start..].find("</code>").unwrap();
    let key = page.text[start..end].replace(' ', "");
    let code = auth::totp::code_now(&key, chrono::Utc::now()).unwrap();
    let csrf = visitor.csrf();
    let done = visitor
        .post(
            "/account/two-factor",
            &[("csrf", &csrf), ("code", &code), ("next", "/account")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    key
}

/// An account created directly in the store (as `signpost admin create` does), its link.
pub fn create(app: &TestApp, email: &str, role: Role) -> String {
    let invited = auth::create_account(
        app.catalog.store(),
        None,
        email,
        "Test person",
        vec![role],
        auth::INVITATION_VALID,
        chrono::Utc::now(),
    )
    .unwrap();
    format!("/account/password?token={}", invited.secret)
}

#[tokio::test]
async fn an_invited_editor_sets_a_password_signs_in_and_is_kept_to_their_role() {
    let app = spawn_app().await;
    let admin_link = create(&app, "admin@example.org", Role::Administrator);
    let mut admin = Visitor::new(&app);

    // Not signed in: account pages lead to the sign-in page and back.
    let away = admin.get("/account").await;
    assert_eq!(away.status, 303);
    assert_eq!(location(&away), "/account/login?next=%2Faccount");

    let set = accept(&mut admin, &admin_link, PASSWORD).await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert!(set.text.contains("Your password is set"));
    let again = accept(&mut admin, &admin_link, "another good passphrase").await;
    assert_eq!(again.status, 400, "a link works once");
    assert!(again.text.contains("has expired or has been used"));

    let wrong = sign_in(&mut admin, "admin@example.org", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert!(
        wrong
            .text
            .contains("The email address or password is wrong.")
    );
    let csrf_before = admin.csrf();
    let signed_in = sign_in(&mut admin, "Admin@Example.org", PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.text);
    assert_eq!(location(&signed_in), "/account");
    let cookie = signed_in
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("signpost_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert_ne!(
        admin.csrf(),
        csrf_before,
        "a new CSRF token with the session"
    );

    let page = admin.get("/account").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.text.contains("Administrator"));
    let sent = admin.get("/admin/accounts").await;
    assert_eq!(
        location(&sent),
        "/account/two-factor?next=%2Fadmin%2Faccounts",
        "administrators set up a second factor first"
    );
    set_up_authenticator(&mut admin).await;

    // Invitations need the CSRF token.
    let organisation = app.get_json("/organizations?per_page=1").await["contents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let forged = admin
        .post(
            "/admin/accounts",
            &[
                ("csrf", "0123456789abcdef0123456789abcdef"),
                ("name", "Forged"),
                ("email", "forged@example.org"),
                ("role", "administrator"),
            ],
        )
        .await;
    assert_eq!(forged.status, 400);
    assert!(forged.text.contains("The form has expired"));
    let exists = |email: &str| {
        app.catalog
            .store()
            .account_by_email(&signpost::domain::account::login_email(email).unwrap())
            .unwrap()
            .is_some()
    };
    assert!(
        !exists("forged@example.org"),
        "a forged form creates nothing"
    );
    let csrf = admin.csrf();
    let refused = admin
        .post(
            "/admin/accounts",
            &[
                ("csrf", &csrf),
                ("name", "Editor"),
                ("email", "editor@example.org"),
                ("role", "organisation_editor"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "an editor needs an organisation");
    assert!(
        refused
            .text
            .contains("at least one organisation for an organisation editor")
    );
    assert!(!exists("editor@example.org"));
    let invited = admin
        .post(
            "/admin/accounts",
            &[
                ("csrf", &csrf),
                ("name", "Editor"),
                ("email", "editor@example.org"),
                ("role", "organisation_editor"),
                ("organisation", &organisation),
            ],
        )
        .await;
    assert_eq!(invited.status, 200, "{}", invited.text);
    assert!(
        invited
            .text
            .contains("Send this link to editor@example.org")
    );
    let editor_link = link_path(&invited.text);
    let list = admin.get("/admin/accounts").await;
    assert!(list.text.contains("Invited (no password yet)"));

    // The editor: signs in, sees their role, and is refused the administrators' page.
    let mut editor = Visitor::new(&app);
    assert_eq!(
        accept(&mut editor, &editor_link, "tea at the idea store")
            .await
            .status,
        200
    );
    assert_eq!(
        sign_in(&mut editor, "editor@example.org", "tea at the idea store")
            .await
            .status,
        303
    );
    assert!(
        editor
            .get("/account")
            .await
            .text
            .contains("Organisation editor")
    );
    let forbidden = editor.get("/admin/accounts").await;
    assert_eq!(forbidden.status, 403);
    assert!(forbidden.text.contains("You cannot open this page"));
    assert!(
        !forbidden.text.contains("admin@example.org"),
        "no account list"
    );
    let csrf = editor.csrf();
    let escalate = editor
        .post(
            "/admin/accounts",
            &[
                ("csrf", &csrf),
                ("name", "Me again"),
                ("email", "me@example.org"),
                ("role", "administrator"),
            ],
        )
        .await;
    assert_eq!(escalate.status, 403);
    assert!(!exists("me@example.org"));

    // A stolen session cookie stops working once its owner signs out.
    let stolen = admin.cookies.clone();
    let csrf = admin.csrf();
    let out = admin.post("/account/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert!(!admin.cookies.contains_key("signpost_session"));
    let mut thief = Visitor::new(&app);
    thief.cookies = stolen;
    let refused = thief.get("/account").await;
    assert_eq!(location(&refused), "/account/login?next=%2Faccount");
    // A made-up one never worked.
    let mut guesser = Visitor::new(&app);
    guesser
        .cookies
        .insert("signpost_session".to_owned(), "ab".repeat(32));
    let refused = guesser.get("/admin/accounts").await;
    assert_eq!(
        location(&refused),
        "/account/login?next=%2Fadmin%2Faccounts"
    );
}

#[tokio::test]
async fn brute_force_sign_in_is_locked_out_and_rate_limited() {
    let app = spawn_app().await;
    let link = create(
        &app,
        "mod@example.org",
        Role::Moderator {
            localities: Default::default(),
        },
    );
    let mut visitor = Visitor::new(&app);
    accept(&mut visitor, &link, PASSWORD).await;
    for _ in 0..auth::FAILURES_BEFORE_LOCK {
        assert_eq!(
            sign_in(&mut visitor, "mod@example.org", "guess")
                .await
                .status,
            401
        );
    }
    let locked = sign_in(&mut visitor, "mod@example.org", PASSWORD).await;
    assert_eq!(locked.status, 401);
    assert!(
        locked
            .text
            .contains("Too many wrong attempts. Try again after")
    );

    // From one address, sign-in attempts are limited whatever the account.
    let mut statuses = Vec::new();
    for n in 0..25 {
        let reply = sign_in(&mut visitor, &format!("someone{n}@example.org"), "guess").await;
        statuses.push(reply.status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    let limited = sign_in(&mut visitor, "mod@example.org", PASSWORD).await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key("retry-after"));

    // The trail records the failures and the lock, never a password.
    let trail = app.catalog.store().audit_entries().unwrap();
    assert!(
        trail
            .iter()
            .any(|e| format!("{:?}", e.action) == "AccountLocked")
    );
    let files = walk(app.data_dir.path());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes
                .windows(PASSWORD.len())
                .any(|w| w == PASSWORD.as_bytes()),
            "{} holds the password",
            file.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn admin_create_prints_a_one_time_link_and_takes_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["admin", "create", "--data-dir"])
        .arg(dir.path())
        .args(["--email", "First.Admin@example.org"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let link = String::from_utf8(output.stdout).unwrap();
    assert!(
        link.trim()
            .starts_with("http://127.0.0.1:8080/account/password?token="),
        "{link}"
    );
    let token = link.trim().rsplit('=').next().unwrap();
    assert_eq!(token.len(), 64);
    let store = signpost::store::SledStore::open(&dir.path().join("store")).unwrap();
    let accounts = store.accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].email.as_str(), "first.admin@example.org");
    assert!(accounts[0].is_administrator());
    assert!(accounts[0].password_hash.is_none());
    drop(store);
    // The same address again is refused.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(["admin", "create", "--data-dir"])
        .arg(dir.path())
        .args(["--email", "first.admin@example.org"])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("another account has this e-mail address")
    );
}

#[tokio::test]
async fn administrators_and_moderators_sign_in_with_an_authenticator_app() {
    let app = spawn_app().await;
    let email = "mod@example.org";
    let link = create(
        &app,
        email,
        Role::Moderator {
            localities: Default::default(),
        },
    );
    let mut moderator = Visitor::new(&app);
    accept(&mut moderator, &link, PASSWORD).await;
    assert_eq!(sign_in(&mut moderator, email, PASSWORD).await.status, 303);

    // No moderation before an authenticator app is set up.
    let sent = moderator.get("/moderation").await;
    assert_eq!(sent.status, 303);
    assert_eq!(location(&sent), "/account/two-factor?next=%2Fmoderation");
    let page = moderator
        .get("/account/two-factor?next=%2Fmoderation")
        .await;
    assert!(page.text.contains("must set up an authenticator app"));
    assert!(page.text.contains("<svg"), "a QR code to scan");
    let csrf = moderator.csrf();
    let wrong = moderator
        .post(
            "/account/two-factor",
            &[("csrf", &csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.text.contains("That code is not right"));
    set_up_authenticator(&mut moderator).await;
    assert_eq!(moderator.get("/moderation").await.status, 200);

    // From now on the password alone is not enough.
    let csrf = moderator.csrf();
    moderator.post("/account/logout", &[("csrf", &csrf)]).await;
    let step = sign_in(&mut moderator, email, PASSWORD).await;
    assert_eq!(step.status, 200);
    assert!(
        step.text
            .contains("Enter the code from your authenticator app")
    );
    assert!(!moderator.cookies.contains_key("signpost_session"));
    assert_eq!(moderator.get("/moderation").await.status, 303);
    let csrf = moderator.csrf();
    let wrong = moderator
        .post(
            "/account/login/code",
            &[("csrf", &csrf), ("code", "000000"), ("next", "/moderation")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.text.contains("The code is wrong"));
    let code = unused_code(&app, email);
    let right = moderator
        .post(
            "/account/login/code",
            &[("csrf", &csrf), ("code", &code), ("next", "/moderation")],
        )
        .await;
    assert_eq!(right.status, 303, "{}", right.text);
    assert_eq!(location(&right), "/moderation");
    assert_eq!(moderator.get("/moderation").await.status, 200);

    // A code works once: replayed at another sign-in it is refused.
    let mut replay = Visitor::new(&app);
    assert_eq!(sign_in(&mut replay, email, PASSWORD).await.status, 200);
    let csrf = replay.csrf();
    let again = replay
        .post(
            "/account/login/code",
            &[("csrf", &csrf), ("code", &code), ("next", "/moderation")],
        )
        .await;
    assert_eq!(again.status, 401);
    // Without the ticket of a right password, a code alone opens nothing.
    let mut stranger = Visitor::new(&app);
    stranger.get("/account/login").await;
    let csrf = stranger.csrf();
    let alone = stranger
        .post(
            "/account/login/code",
            &[("csrf", &csrf), ("code", &unused_code(&app, email))],
        )
        .await;
    assert_eq!(alone.status, 401);
    assert!(alone.text.contains("Signing in took too long"));
    let trail = app.catalog.store().audit_entries().unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == signpost::domain::account::AuditAction::SecondFactorSet)
    );
}
