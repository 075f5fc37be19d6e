//! Building and running the application: one function used by `serve` and by the tests.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{NormalizePath, TrailingSlash, from_fn};
use actix_web::{App, HttpServer, web};

use crate::catalog::Catalog;
use crate::config::ServeConfig;
use crate::http::{self, AppState};
use crate::search::assets::SearchAssets;
use crate::seed;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The catalog could not be opened.
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    /// The sample data could not be loaded.
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    /// The geo pack is unusable; the service does not start on half a pack.
    #[error(transparent)]
    GeoPack(#[from] crate::geography::pack::PackError),
    /// A search asset file (synonyms, stop words, features) is malformed.
    #[error(transparent)]
    SearchAssets(#[from] crate::search::assets::AssetError),
    /// The mail settings are unusable.
    #[error("mail settings: {0}")]
    Mail(String),
    /// The postcode lookup settings are unusable.
    #[error("postcode lookup: {0}")]
    PostcodeLookup(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A built, bound application.
pub struct Application {
    server: Server,
    port: u16,
    catalog: Arc<Catalog>,
}

impl Application {
    /// Opens the data directory (loading the sample data into an empty one when asked),
    /// binds the listener and prepares the server.
    pub async fn build(config: ServeConfig) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(&config.addr).map_err(|source| StartupError::Bind {
            addr: config.addr.clone(),
            source,
        })?;
        let local_addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.addr.clone(),
            source,
        })?;
        let port = local_addr.port();
        // Until the store is open and the index whole (a rebuild can take minutes on a large
        // directory), the port answers "starting": /healthz 200, /readyz and everything else
        // 503 with Retry-After, so nothing is ever served from a half-built index.
        let starting =
            http::starting::Starting::serve(&listener).map_err(|source| StartupError::Bind {
                addr: config.addr.clone(),
                source,
            })?;
        tracing::info!(port, "signpost is starting");
        let opened = Self::open_catalog(&config).await;
        starting.stop().await;
        let catalog = Arc::new(opened?);

        let control = crate::catalog::backup::Control::new(local_addr);
        if let Err(error) = control.write(&config.data_dir) {
            // Backups of the running server are then unavailable; serving is not.
            tracing::warn!(error = %error, "cannot write the control file: `signpost backup` cannot reach this server");
        }
        let state = web::Data::new(AppState {
            catalog: Arc::clone(&catalog),
            public_url: config.public_url.clone(),
            clock: config.clock,
            limits: Default::default(),
            secure_cookies: config.secure_cookies,
            mail_enabled: config.smtp_url.is_some(),
            searches: Arc::new(tokio::sync::Semaphore::new(config.max_searches.max(1))),
            max_searches: config.max_searches.max(1),
            metrics: Default::default(),
            control: Some(Arc::new(control)),
            postcodes: Arc::new(crate::catalog::postcodes::OnlinePostcodes::new(
                match &config.postcode_lookup_url {
                    Some(url) => Some(
                        crate::outbound::postcodes::PostcodeLookup::new(
                            url,
                            config.postcode_lookup_timeout,
                        )
                        .map_err(StartupError::PostcodeLookup)?,
                    ),
                    None => None,
                },
            )),
        });
        let mailer: Option<Arc<dyn crate::outbound::mail::Mailer>> = match &config.smtp_url {
            Some(url) => Some(Arc::new(
                crate::outbound::mail::SmtpMailer::new(url, &config.mail_from)
                    .map_err(StartupError::Mail)?,
            )),
            None => None,
        };
        let base_url = match &config.public_url {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => format!("http://127.0.0.1:{port}"),
        };
        spawn_feed_pulls(Arc::clone(&catalog), config.clock, config.feed_check_every);
        spawn_reminders(
            Arc::clone(&catalog),
            mailer,
            base_url,
            config.clock,
            config.reminder_every,
        );
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(http::MAX_BODY_BYTES))
                .wrap(NormalizePath::new(TrailingSlash::Trim))
                .wrap(from_fn(http::observe))
                .wrap(from_fn(http::compress::compress))
                .configure(http::configure)
                .default_service(web::to(http::not_found))
        })
        // Answers go out at once: with Nagle's algorithm a kept-alive connection waited for
        // the client's delayed ACK (about 40 ms an answer; see BENCHMARKS.md).
        .tcp_nodelay(true)
        .worker_max_blocking_threads(blocking_threads(config.max_searches, config.workers))
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: config.addr.clone(),
            source,
        })?;
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        Ok(Self {
            server: server.run(),
            port,
            catalog,
        })
    }

    /// Opens the data directory's catalog (loading the sample directory into an empty one
    /// when asked), off the async executor.
    async fn open_catalog(config: &ServeConfig) -> Result<Catalog, StartupError> {
        let data_dir = config.data_dir.clone();
        let geo_dir = config.geo_dir.clone();
        let seed_wanted = config.seed;
        let assets_dir = config.search_assets.clone();
        let service_cache = config.service_cache;
        tokio::task::spawn_blocking(move || -> Result<Catalog, StartupError> {
            let geography = Arc::new(crate::geography::load(geo_dir.as_deref())?);
            tracing::info!(
                geography.precision = ?geography.precision(),
                geography.source = %geography.source(),
                "geography loaded"
            );
            let assets = Arc::new(match &assets_dir {
                Some(dir) => SearchAssets::load(dir)?,
                None => SearchAssets::built_in(),
            });
            tracing::info!(search_assets = %assets.source, "search assets loaded");
            let (catalog, report) = Catalog::open(&data_dir, geography, assets)?;
            let catalog = catalog.keep_services(service_cache);
            if let Some(reason) = report.rebuilt_index {
                tracing::info!(reason = %reason, "search index rebuilt");
            }
            let store = catalog.store();
            let empty = store
                .generation()
                .map_err(crate::catalog::CatalogError::from)?
                == 0;
            if empty && seed_wanted {
                let loaded = seed::load(&catalog)?;
                catalog.wait_for_index()?;
                tracing::info!(
                    services = loaded.created,
                    "loaded the sample directory into an empty data directory"
                );
            }
            Ok(catalog)
        })
        .await
        .expect("start-up task does not panic")
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The catalog the server uses.
    pub fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.catalog)
    }

    /// Serves until the process is told to stop (Ctrl-C / SIGTERM), then stops the indexer.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        let catalog = self.catalog;
        crate::catalog::backup::Control::remove(catalog.data_dir());
        tokio::task::spawn_blocking(move || catalog.close())
            .await
            .ok();
        result
    }
}

/// Plans freshness reminders and tries the outbox every `every`, off the async executor,
/// for as long as the server's runtime lives.
fn spawn_reminders(
    catalog: Arc<Catalog>,
    mailer: Option<Arc<dyn crate::outbound::mail::Mailer>>,
    base_url: String,
    clock: crate::clock::Clock,
    every: std::time::Duration,
) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let catalog = Arc::clone(&catalog);
            let mailer = mailer.clone();
            let base_url = base_url.clone();
            let round = tokio::task::spawn_blocking(move || {
                let now = clock.now();
                catalog.plan_reminders(&base_url, now)?;
                match mailer {
                    Some(mailer) => catalog.deliver_reminders(mailer.as_ref(), now).map(Some),
                    None => Ok(None),
                }
            })
            .await;
            match round {
                Ok(Ok(Some(delivery))) if delivery.sent + delivery.failed > 0 => {
                    tracing::info!(
                        sent = delivery.sent,
                        failed = delivery.failed,
                        "reminder round"
                    );
                }
                Ok(Ok(_)) => {}
                Ok(Err(error)) => tracing::error!(error = %error, "reminder round failed"),
                Err(error) => tracing::error!(error = %error, "reminder round panicked"),
            }
        }
    });
}

/// Pulls every feed that is due (see [`crate::domain::feed::Feed::is_due`]) into staging,
/// checking every `every`, for as long as the server's runtime lives. A failed pull is
/// recorded on the feed and changes nothing.
fn spawn_feed_pulls(catalog: Arc<Catalog>, clock: crate::clock::Clock, every: std::time::Duration) {
    tokio::spawn(async move {
        let fetcher = match crate::outbound::http::Fetcher::new(Default::default()) {
            Ok(fetcher) => fetcher,
            Err(error) => {
                tracing::error!(error = %error, "feeds will not be pulled");
                return;
            }
        };
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let listed = {
                let catalog = Arc::clone(&catalog);
                tokio::task::spawn_blocking(move || catalog.store().feeds()).await
            };
            let Ok(Ok(feeds)) = listed else {
                tracing::error!("feeds could not be read");
                continue;
            };
            for feed in feeds.into_iter().filter(|f| f.is_due(clock.now())) {
                match crate::catalog::feeds::pull(&catalog, &fetcher, &feed, clock.now()).await {
                    Ok(Ok(report)) => tracing::info!(
                        staged = report.staged.len(),
                        fetched = report.fetched,
                        not_modified = report.not_modified,
                        reused = report.reused,
                        "feed pulled"
                    ),
                    Ok(Err(error)) => {
                        tracing::warn!(error = %error, "feed pull failed; nothing changed");
                    }
                    Err(error) => tracing::error!(error = %error, "feed staging failed"),
                }
            }
        }
    });
}

/// Threads each worker keeps for blocking work (searches, store reads and writes): the
/// searches allowed at once, shared among the workers (the framework makes one per core
/// unless told). The framework's default (512 shared among the workers) let a 2-core
/// server under 8 connections grow to 40 threads, each holding memory of its own (at 100k
/// services, 15 MB more resident than with 4 a worker), for no more answers a second: a
/// search is CPU work, and the cores are two (BENCHMARKS.md).
fn blocking_threads(max_searches: usize, workers: Option<usize>) -> usize {
    let workers = workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    max_searches.div_ceil(workers.max(1)).max(2)
}
