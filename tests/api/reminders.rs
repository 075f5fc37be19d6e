//! Freshness reminders end to end: planned into the outbox once, delivered through the SMTP
//! adapter to a local SMTP sink, retried with back-off when the server refuses, and their
//! single-use "still correct" link confirms the listing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use signpost::domain::account::Role;
use signpost::domain::reminder::Stage;
use signpost::outbound::mail::SmtpMailer;
use signpost::store::ChangeSet;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::helpers::{Visitor, organisations_with_services, spawn_app};

/// A local SMTP server that keeps what it is sent, and refuses the first `refuse` messages
/// with a temporary failure.
struct Sink {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    refuse: Arc<AtomicUsize>,
}

async fn sink(refuse: usize) -> Sink {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let refuse = Arc::new(AtomicUsize::new(refuse));
    let (kept, refusing) = (Arc::clone(&messages), Arc::clone(&refuse));
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (kept, refusing) = (Arc::clone(&kept), Arc::clone(&refusing));
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO")
                    {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("MAIL FROM") {
                        let refused = refusing
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                        if refused {
                            b"451 4.3.0 try again later\r\n"
                        } else {
                            b"250 OK\r\n"
                        }
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut message = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            message.push_str(&line);
                            message.push('\n');
                        }
                        kept.lock().unwrap().push(message);
                        b"250 queued\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Sink {
        port,
        messages,
        refuse,
    }
}

/// The message text with quoted-printable soft breaks and escapes undone.
fn readable(message: &str) -> String {
    message.replace("=\n", "").replace("=3D", "=")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_wait_in_the_outbox_survive_refusals_and_their_link_confirms_the_listing() {
    let app = spawn_app().await;
    let (organisation, service_id) = organisations_with_services(&app)[0];
    let store = app.catalog.store();

    // The listing was last confirmed 200 days ago; its organisation has one editor.
    let now = Utc::now();
    let mut service = store.service(service_id).unwrap().unwrap();
    service.assured_date = Some((now - Duration::days(200)).date_naive());
    service.last_modified = None;
    app.catalog
        .apply(&ChangeSet {
            services: vec![service.clone()],
            ..ChangeSet::default()
        })
        .unwrap();
    let invited = signpost::auth::create_account(
        store,
        None,
        "editor@charity.example.org",
        "Nasrin",
        vec![Role::OrganisationEditor {
            organisations: [organisation].into(),
        }],
        signpost::auth::INVITATION_VALID,
        now,
    )
    .unwrap();
    let password = "a long enough passphrase";
    signpost::auth::set_password_with_link(store, &invited.secret, password, password, now)
        .unwrap();

    // Planned once, whatever how often planning runs.
    let queued = app.catalog.plan_reminders(&app.address, now).unwrap();
    assert!(queued >= 1);
    assert_eq!(app.catalog.plan_reminders(&app.address, now).unwrap(), 0);
    let outbox = store.outbox().unwrap();
    // Only the listings of the organisation the editor edits.
    assert!(outbox.iter().all(|m| {
        store.service(m.service).unwrap().unwrap().organization_id == Some(organisation)
    }));
    let ours = outbox.iter().find(|m| m.service == service_id).unwrap();
    assert_eq!(ours.stage, Stage::SixMonths);
    assert_eq!(ours.to.as_str(), "editor@charity.example.org");

    // The server refuses every first attempt: nothing is lost, each waits for its retry.
    let sink = sink(queued).await;
    let mailer = Arc::new(
        SmtpMailer::new(
            &format!("smtp://127.0.0.1:{}", sink.port),
            "Signpost <directory@example.org>",
        )
        .unwrap(),
    );
    let deliver = |at| {
        let catalog = Arc::clone(&app.catalog);
        let mailer = Arc::clone(&mailer);
        tokio::task::spawn_blocking(move || catalog.deliver_reminders(mailer.as_ref(), at).unwrap())
    };
    let first = deliver(now).await.unwrap();
    assert_eq!((first.sent, first.failed), (0, queued));
    let waiting = store.outbox().unwrap();
    assert!(waiting.iter().all(|m| m.sent.is_none() && m.attempts == 1));
    assert!(
        waiting
            .iter()
            .all(|m| m.next_attempt > now && m.last_error.is_some())
    );
    let too_soon = deliver(now + Duration::seconds(30)).await.unwrap();
    assert_eq!(
        (too_soon.sent, too_soon.failed),
        (0, 0),
        "not before the back-off"
    );
    let later = deliver(now + Duration::minutes(2)).await.unwrap();
    assert_eq!((later.sent, later.failed), (queued, 0));
    assert_eq!(sink.refuse.load(Ordering::SeqCst), 0);
    let delivered = store.outbox().unwrap();
    assert!(
        delivered
            .iter()
            .all(|m| m.sent.is_some() && !m.body.contains("token="))
    );

    // The editor's message carries a link that confirms the listing, once.
    let message = sink
        .messages
        .lock()
        .unwrap()
        .iter()
        .map(|m| readable(m))
        .find(|m| m.contains(&service.name))
        .expect("the listing's reminder was delivered");
    assert!(message.contains("To: editor@charity.example.org"));
    let start = message.find("/account/assure?token=").unwrap();
    let link = message[start..start + "/account/assure?token=".len() + 64].to_owned();
    let mut editor = Visitor::new(&app);
    let page = editor.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Is this listing still correct?"));
    assert_eq!(
        store.service(service_id).unwrap().unwrap().assured_date,
        service.assured_date,
        "looking at the link changes nothing"
    );
    let csrf = editor.csrf();
    let token = link.rsplit('=').next().unwrap().to_owned();
    let confirmed = editor
        .post("/account/assure", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert!(confirmed.text.contains("is marked as checked today"));
    let record = app.get_json(&format!("/services/{service_id}")).await;
    assert_eq!(record["assurer_email"], "editor@charity.example.org");
    assert_eq!(
        record["assured_date"],
        signpost::search::query::london_now().date().to_string()
    );
    let again = editor
        .post("/account/assure", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(again.status, 410, "a link works once");
    assert_eq!(editor.get(&link).await.status, 410);
}
