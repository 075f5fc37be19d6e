//! Settings for `signpost serve`, from command-line flags and `SIGNPOST_*` environment
//! variables (see `main.rs`), validated into a [`ServeConfig`].

use std::path::PathBuf;

use crate::clock::Clock;

/// Everything `serve` needs to start.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free port).
    pub addr: String,
    /// Data directory (store and index inside).
    pub data_dir: PathBuf,
    /// Directory of geography files, if any.
    pub geo_dir: Option<PathBuf>,
    /// Whether to load the sample directory into an empty data directory.
    pub seed: bool,
    /// Public base URL of the API (used in links the API gives out), when behind a proxy.
    pub public_url: Option<url::Url>,
    /// HTTP worker threads (default: one per CPU).
    pub workers: Option<usize>,
    /// Directory of search assets (`stopwords.txt`, `synonyms.txt`, `features.txt`); the
    /// copies built into the binary when `None` or for any file missing.
    pub search_assets: Option<PathBuf>,
    /// Where "now" comes from (fixed in tests).
    pub clock: Clock,
    /// Whether cookies are marked `Secure` (browsers then send them over HTTPS and to
    /// `localhost` only); off for plain HTTP on another address.
    pub secure_cookies: bool,
    /// Where freshness reminders are sent (an `smtp://` or `smtps://` URL); none: they wait
    /// in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of reminders, e.g. `Signpost <directory@example.org>`.
    pub mail_from: String,
    /// How often reminders are planned and the outbox tried.
    pub reminder_every: std::time::Duration,
    /// How often feeds are checked for a scheduled pull.
    pub feed_check_every: std::time::Duration,
    /// A postcodes.io-compatible service to look up postcodes the geo pack does not list
    /// (off when `None`).
    pub postcode_lookup_url: Option<String>,
    /// How long a postcode lookup may take before the outward code stands in.
    pub postcode_lookup_timeout: std::time::Duration,
    /// Searches running or waiting for a thread at once; more are answered 503 at once.
    pub max_searches: usize,
    /// Services kept ready for answers (see [`crate::catalog::cache`]); 0: none.
    pub service_cache: usize,
}

/// Searches at once by default: 4 per CPU core (a search is CPU work; a few more than the
/// cores keep them busy while others render and send, without a queue that grows).
pub fn default_max_searches() -> usize {
    4 * std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

impl ServeConfig {
    /// Settings for a test or an embedded server: a data dir, port 0, no seed.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            addr: "127.0.0.1:0".to_owned(),
            data_dir: data_dir.into(),
            geo_dir: None,
            seed: false,
            public_url: None,
            workers: Some(2),
            search_assets: None,
            clock: Clock::system(),
            secure_cookies: true,
            smtp_url: None,
            mail_from: "Signpost <directory@localhost>".to_owned(),
            reminder_every: std::time::Duration::from_secs(15 * 60),
            feed_check_every: std::time::Duration::from_secs(60),
            postcode_lookup_url: None,
            postcode_lookup_timeout: std::time::Duration::from_secs(3),
            max_searches: default_max_searches(),
            service_cache: crate::catalog::cache::DEFAULT_SERVICES,
        }
    }
}
