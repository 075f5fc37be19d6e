//! Crash safety with the real binary: while clients write (urgent notices, which publish at
//! once, and proposals for moderators), the server is killed with SIGKILL at random moments,
//! many times. After every restart each acknowledged write is in the store and in search,
//! a write that was not acknowledged is either wholly there or not at all, and the index
//! agrees with the store.
//!
//! `SIGNPOST_CRASH_KILLS` sets the number of kills (default 12; run with more locally);
//! `SIGNPOST_CRASH_SEED` replays a run (the seed is printed).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use signpost::catalog::Catalog;
use signpost::domain::account::{Role, TokenScope};
use signpost::domain::ids::{OrganizationId, ServiceId};
use signpost::domain::moderation::ProposalStatus;
use signpost::store::{SledStore, Store};
use tokio::io::AsyncBufReadExt;

/// A running `signpost serve`.
pub(crate) struct Server {
    child: tokio::process::Child,
    pub(crate) base: String,
    client: reqwest::Client,
    /// Every line it has logged so far.
    pub(crate) logs: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the binary on a free port over `data_dir` and waits until it is ready.
    pub(crate) async fn start(data_dir: &Path) -> Self {
        let server = Self::launch(data_dir, "signpost is serving the ORUK API").await;
        let ready = server.get("/readyz").await;
        assert_eq!(ready["status"], "ready", "{ready}");
        server
    }

    /// Starts the binary on a free port over `data_dir` and returns once it has logged
    /// `message` with the port it listens on.
    async fn launch(data_dir: &Path, message: &str) -> Self {
        signpost::outbound::http::install_tls();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(["serve", "--addr", "127.0.0.1:0", "--no-seed", "--data-dir"])
            .arg(data_dir)
            .args(["--search-assets", "index"])
            .env("SIGNPOST_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        // The logs (JSON lines on standard error) say where it listens.
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let logs = Arc::new(Mutex::new(Vec::new()));
        // Standard output too (nothing is written there; kept to prove it).
        let mut out = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let kept_out = Arc::clone(&logs);
        tokio::spawn(async move {
            while let Ok(Some(line)) = out.next_line().await {
                kept_out.lock().unwrap().push(line);
            }
        });
        let port = loop {
            let line = tokio::time::timeout(Duration::from_secs(120), lines.next_line())
                .await
                .expect("the server says where it listens within two minutes")
                .unwrap()
                .expect("the server runs until it says where it listens");
            logs.lock().unwrap().push(line.clone());
            let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if entry["fields"]["message"] == message {
                break entry["fields"]["port"].as_u64().expect("port logged");
            }
        };
        // Keep reading its output, or the pipe fills and the server blocks.
        let kept = Arc::clone(&logs);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().unwrap().push(line);
            }
        });
        Self {
            logs,
            child,
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    pub(crate) async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }

    /// Stops it as an operator would (SIGTERM) and waits until it has exited and every
    /// line it wrote has been read; returns those lines.
    pub(crate) async fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().unwrap().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("it stops within a minute")
            .unwrap();
        assert!(exit.success(), "{exit:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.logs.lock().unwrap().clone()
    }
}

/// Clients writing at once, each with its own organisation and token (a token may make 120
/// changes in ten minutes).
const WRITERS: usize = 4;

/// The ORUK spelling of the status a closure notice sets.
const CLOSED: &str = "temporarily closed";

/// What a service looks like after a notice: (status, alert).
type Look = (String, Option<String>);

/// The notice of write `n` and what the service looks like after it, given how it looked.
fn notice(n: u64, before: &Look) -> (Value, Look) {
    let message = format!("Crash check notice {n}.");
    match n % 3 {
        0 => (
            json!({"kind": "reopened"}),
            (
                if before.0 == CLOSED {
                    "active".to_owned()
                } else {
                    before.0.clone()
                },
                None,
            ),
        ),
        1 => (
            json!({"kind": "temporarily_closed", "message": message}),
            (CLOSED.to_owned(), Some(message)),
        ),
        _ => (
            json!({"kind": "not_taking_referrals", "message": message}),
            (before.0.clone(), Some(message)),
        ),
    }
}

/// What the clients know: per service, the looks it may have (one once a write was
/// acknowledged; two while a write's fate is unknown), and the proposals acknowledged
/// (those since the last start with the token that made them, checked through the API;
/// all of them, checked in the store at the end).
#[derive(Default)]
struct Ledger {
    looks: BTreeMap<ServiceId, Vec<Look>>,
    proposals: BTreeSet<String>,
    fresh_proposals: Vec<(String, String)>,
    acknowledged: u64,
    unknown: u64,
    refused: u64,
}

/// A small deterministic random source (xorshift), so a failing run can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// One client: writes to its organisation's services in turn until the server dies.
async fn write_until_killed(
    base: String,
    token: String,
    services: Vec<ServiceId>,
    ledger: Arc<Mutex<Ledger>>,
    next: Arc<std::sync::atomic::AtomicU64>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    for service in services.iter().cycle() {
        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // One write in four is a proposal (waits for a moderator), the others notices.
        let proposal = n % 4 == 3;
        let (path, body, after) = if proposal {
            let Ok(response) = client
                .get(format!("{base}/services/{service}"))
                .send()
                .await
            else {
                return;
            };
            let Ok(mut record) = response.json::<Value>().await else {
                return;
            };
            record["name"] = json!(format!("Crash check proposal {n}"));
            (
                "/api/manage/proposals".to_owned(),
                json!({"service": record, "note": "crash check", "submit": true}),
                None,
            )
        } else {
            let before = ledger.lock().unwrap().looks[service]
                .last()
                .unwrap()
                .clone();
            let (body, after) = notice(n, &before);
            (
                format!("/api/manage/services/{service}/notice"),
                body,
                Some(after),
            )
        };
        let answer = client
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await;
        let answer = match answer {
            Ok(response) => {
                let status = response.status();
                response.json::<Value>().await.map(|body| (status, body))
            }
            Err(error) => Err(error),
        };
        let mut ledger = ledger.lock().unwrap();
        match answer {
            Ok((status, body)) if status.is_success() => {
                ledger.acknowledged += 1;
                match after {
                    Some(look) => {
                        ledger.looks.insert(*service, vec![look]);
                    }
                    None => {
                        let id = body["id"].as_str().unwrap().to_owned();
                        ledger.proposals.insert(id.clone());
                        ledger.fresh_proposals.push((id, token.clone()));
                    }
                }
            }
            Ok((status, body)) => {
                // An answer that is not a success changed nothing (checked after restart).
                assert!(status.is_client_error(), "{status}: {body}");
                ledger.refused += 1;
                if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                    // This token's share of writes is used up until the next start.
                    return;
                }
            }
            Err(_) => {
                // Killed while this write was in flight: it may or may not have happened.
                ledger.unknown += 1;
                if let Some(look) = after {
                    ledger.looks.get_mut(service).unwrap().push(look);
                }
                return;
            }
        }
    }
}

/// After a restart: every service looks as its last acknowledged write left it (or as the
/// write in flight at the kill would have), search agrees, and every acknowledged proposal
/// is there. Returns the records checked.
async fn verify(server: &Server, ledger: &mut Ledger) -> u64 {
    let closed: BTreeSet<String> = server
        .get("/services?status=temporarily_closed&per_page=1000")
        .await["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|service| service["id"].as_str().unwrap().to_owned())
        .collect();
    let mut checked = 0;
    for (service, looks) in &mut ledger.looks {
        let record = server.get(&format!("/services/{service}")).await;
        let look: Look = (
            record["status"].as_str().unwrap().to_owned(),
            record["alert"].as_str().map(str::to_owned),
        );
        assert!(
            looks.contains(&look),
            "service {service} looks like {look:?}, but the writes acknowledged say {looks:?}"
        );
        assert_eq!(
            closed.contains(&service.to_string()),
            look.0 == CLOSED,
            "search disagrees with the store about service {service}"
        );
        *looks = vec![look];
        checked += 1;
    }
    // (Reads through the write API count against the token's share of requests, so only
    // the proposals made since the last start are read here.)
    for (id, token) in std::mem::take(&mut ledger.fresh_proposals) {
        let response = server
            .client
            .get(format!("{}/api/manage/proposals/{id}", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "acknowledged proposal {id} is missing: {}",
            response.status()
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "submitted", "{body}");
        checked += 1;
    }
    checked
}

/// [`verify`] on the shared ledger (no writer runs meanwhile).
async fn verify_shared(server: &Server, ledger: &Mutex<Ledger>) -> u64 {
    let mut taken = std::mem::take(&mut *ledger.lock().unwrap());
    let checked = verify(server, &mut taken).await;
    *ledger.lock().unwrap() = taken;
    checked
}

/// Organisations (as many as there are writers) with at least two services each, and their
/// services.
fn organisations(store: &dyn Store) -> Vec<(OrganizationId, Vec<ServiceId>)> {
    let mut by_organisation: BTreeMap<OrganizationId, Vec<ServiceId>> = BTreeMap::new();
    for id in store.service_ids().unwrap() {
        let service = store.service(id).unwrap().unwrap();
        if let Some(organisation) = service.organization_id {
            by_organisation.entry(organisation).or_default().push(id);
        }
    }
    by_organisation
        .into_iter()
        .filter(|(_, services)| services.len() >= 2)
        .take(WRITERS)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_write_again_and_again_it_loses_no_acknowledged_write() {
    signpost::outbound::http::install_tls();
    let kills: u64 = std::env::var("SIGNPOST_CRASH_KILLS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(12);
    let seed: u64 = std::env::var("SIGNPOST_CRASH_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test: {kills} kills, SIGNPOST_CRASH_SEED={seed}");
    let mut random = Random(seed);

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (writers, ledger) = prepare(&data);
    let ledger = Arc::new(Mutex::new(ledger));
    let next = Arc::new(std::sync::atomic::AtomicU64::new(1));
    let mut checked = 0;
    for _ in 0..kills {
        let server = Server::start(&data).await;
        checked += verify_shared(&server, &ledger).await;
        let tasks: Vec<_> = writers
            .iter()
            .map(|(token, services)| {
                tokio::spawn(write_until_killed(
                    server.base.clone(),
                    token.clone(),
                    services.clone(),
                    Arc::clone(&ledger),
                    Arc::clone(&next),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(100 + random.below(1200))).await;
        server.kill().await;
        for task in tasks {
            task.await.unwrap();
        }
    }
    let server = Server::start(&data).await;
    checked += verify_shared(&server, &ledger).await;
    server.kill().await;

    // Nothing half-applied: every published notice (each has its own message, so each
    // changes its service) has its history entry: both or neither (one transaction).
    let store = SledStore::open(&data.join("store")).unwrap();
    let stored: BTreeSet<String> = store
        .proposals()
        .unwrap()
        .iter()
        .map(|proposal| proposal.id.to_string())
        .collect();
    let ledger = ledger.lock().unwrap();
    let missing: Vec<_> = ledger.proposals.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "acknowledged proposals missing: {missing:?}"
    );
    checked += ledger.proposals.len() as u64;
    let mut notices = 0;
    for proposal in store.proposals().unwrap() {
        if !proposal.urgent {
            assert_eq!(proposal.status, ProposalStatus::Submitted);
            continue;
        }
        assert_eq!(proposal.status, ProposalStatus::Approved);
        if proposal.note == "notice taken down" {
            // A reopening of a service that was open changes nothing, so leaves no history.
            continue;
        }
        let Some(signpost::domain::moderation::Record::Service(service)) = proposal.records.first()
        else {
            panic!("a notice changes a service");
        };
        let key = signpost::domain::moderation::Record::Service(service.clone()).key();
        let history = store.history(key).unwrap();
        assert!(
            history
                .iter()
                .any(|entry| entry.provenance.proposal == Some(proposal.id)),
            "notice {} published without its history entry",
            proposal.id
        );
        notices += 1;
    }
    eprintln!(
        "crash test: survived {kills} kills; {} writes acknowledged, {} refused, {} in flight at a kill; {checked} records checked after restarts; {notices} published notices each with its history",
        ledger.acknowledged, ledger.refused, ledger.unknown
    );
    assert!(
        ledger.acknowledged > kills,
        "the clients wrote between kills"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn told_to_stop_it_finishes_what_it_was_doing_and_leaves_the_index_whole() {
    signpost::outbound::http::install_tls();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (writers, _) = prepare(&data);
    let (token, services) = &writers[0];
    let server = Server::start(&data).await;
    // A change in flight when SIGTERM arrives.
    let client = server.client.clone();
    let url = format!("{}/api/manage/services/{}/notice", server.base, services[0]);
    let token = token.clone();
    let write = tokio::spawn(async move {
        client
            .post(url)
            .bearer_auth(token)
            .json(
                &json!({"kind": "temporarily_closed", "message": "Closed for the graceful test."}),
            )
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(5)).await;
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().unwrap().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let answer = write.await.unwrap();
    let mut server = server;
    let exit = tokio::time::timeout(Duration::from_secs(60), server.child.wait())
        .await
        .expect("it stops within a minute")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(
        server
            .logs
            .lock()
            .unwrap()
            .iter()
            .any(|line| line.contains("signpost stopped")),
        "it says it stopped"
    );
    // Whether the write made it in before the listener closed or not, it was answered
    // (never cut off), and what was acknowledged is there.
    let acknowledged = match answer {
        Ok(response) => {
            assert!(response.status().is_success(), "{}", response.status());
            true
        }
        Err(error) => {
            assert!(
                error.is_connect(),
                "an accepted request is answered: {error}"
            );
            false
        }
    };
    eprintln!("graceful stop: the write in flight was acknowledged: {acknowledged}");
    let again = Server::start(&data).await;
    let logs = again.logs.lock().unwrap().clone();
    assert!(
        !logs
            .iter()
            .any(|line| line.contains("rebuilding the search index")),
        "the index was committed at shutdown, so it is reused: {logs:?}"
    );
    let record = again.get(&format!("/services/{}", services[0])).await;
    if acknowledged {
        assert_eq!(record["status"], CLOSED);
        let closed = again
            .get("/services?status=temporarily_closed&per_page=1000")
            .await;
        assert!(
            closed["contents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|service| service["id"] == services[0].to_string())
        );
    }
    again.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_it_rebuilds_its_index_it_is_alive_but_never_serves_a_half_built_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    prepare(&data);
    let total = {
        let server = Server::start(&data).await;
        let total = server.get("/services?per_page=1").await["total_items"]
            .as_u64()
            .unwrap();
        server.kill().await;
        total
    };
    // A damaged index: it must be rebuilt from the store before anything is served.
    for entry in std::fs::read_dir(data.join("index")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "idx") {
            std::fs::write(&path, b"damaged").unwrap();
        }
    }
    let server = Server::launch(&data, "signpost is starting").await;
    let fetch = async |path: &str| match server
        .client
        .get(format!("{}{path}", server.base))
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let logs = server.logs.lock().unwrap().clone();
            panic!("GET {path}: {error:?}; the server logged {logs:#?}")
        }
    };
    let mut starting = 0;
    loop {
        let health = fetch("/healthz").await;
        assert_eq!(health.status(), 200, "alive while it starts");
        let search = fetch("/services?per_page=1").await;
        if search.status() == 503 {
            assert_eq!(search.headers()["retry-after"], "5");
            let problem: Value = search.json().await.unwrap();
            assert_eq!(
                problem["type"], "urn:signpost:problem:starting",
                "{problem}"
            );
            let ready = fetch("/readyz").await;
            // (The rebuild may finish between the two requests.)
            assert!(matches!(ready.status().as_u16(), 503 | 200));
            starting += 1;
            tokio::time::sleep(Duration::from_millis(2)).await;
            continue;
        }
        assert_eq!(search.status(), 200);
        let page: Value = search.json().await.unwrap();
        assert_eq!(
            page["total_items"], total,
            "the first search sees the whole index"
        );
        break;
    }
    let logs = server.logs.lock().unwrap().clone();
    assert!(
        logs.iter()
            .any(|line| line.contains("rebuilding the search index")),
        "the rebuild is logged with its reason"
    );
    eprintln!("answered 'starting' {starting} times before the rebuilt index was served");
    assert!(starting > 0, "the port answers while the index is rebuilt");
    server.kill().await;
}

/// The sample directory in `data`, an editor of [`WRITERS`] organisations and a token for
/// each (with the services of its organisation), and the ledger of how they look.
fn prepare(data: &Path) -> (Vec<(String, Vec<ServiceId>)>, Ledger) {
    let mut ledger = Ledger::default();
    let mut writers = Vec::new();
    let geography = Arc::new(signpost::geography::builtin::geography());
    let assets =
        Arc::new(signpost::search::assets::SearchAssets::load(Path::new("index")).unwrap());
    let (catalog, _) = Catalog::open(data, geography, assets).unwrap();
    signpost::seed::load(&catalog).unwrap();
    catalog.wait_for_index().unwrap();
    let store = catalog.store();
    let chosen = organisations(store);
    assert_eq!(chosen.len(), WRITERS);
    let invited = signpost::auth::create_account(
        store,
        None,
        "crash-test@charity.example.org",
        "Crash Test",
        vec![Role::OrganisationEditor {
            organisations: chosen.iter().map(|(o, _)| *o).collect(),
        }],
        signpost::auth::SETUP_VALID,
        chrono::Utc::now(),
    )
    .unwrap();
    for (organisation, services) in chosen {
        let (secret, _) = signpost::auth::tokens::create(
            store,
            &invited.account,
            organisation,
            "crash test",
            [TokenScope::Notices, TokenScope::Proposals].into(),
            chrono::Utc::now(),
        )
        .unwrap();
        for service in &services {
            let record = store.service(*service).unwrap().unwrap();
            let look = (record.status.as_str().to_owned(), record.alert.clone());
            ledger.looks.insert(*service, vec![look]);
        }
        writers.push((secret, services));
    }
    catalog.close();
    (writers, ledger)
}
