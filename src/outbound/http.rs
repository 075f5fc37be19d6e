//! The one configured HTTP client for what Signpost fetches (ORUK feeds; later postcode
//! lookups): connect and total timeouts, a user agent, a cap on response size, a limit on
//! redirects, retries with back-off on server errors and timeouts, and a pause between
//! requests so that a publisher is never hammered. JSON only: an HTML error page or any other
//! body is reported, not parsed.

use std::time::Duration;

use serde_json::Value;

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Time to open a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, body included.
    pub total_timeout: Duration,
    /// The largest body read, in bytes.
    pub max_body_bytes: usize,
    /// Attempts after the first on a 5xx, 429 or timeout.
    pub retries: u32,
    /// The first wait before a retry (doubling after each).
    pub first_backoff: Duration,
    /// The pause before each request (politeness).
    pub delay: Duration,
    /// Requests in flight at once, at most (politeness).
    pub max_concurrent: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 20 * 1024 * 1024,
            retries: 3,
            first_backoff: Duration::from_millis(500),
            delay: Duration::from_millis(200),
            max_concurrent: 4,
        }
    }
}

/// Why a fetch failed, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No answer in time (after retries).
    #[error("{url}: no answer within the time limit")]
    Timeout {
        /// What was asked for.
        url: String,
    },
    /// The server answered with an error status (after retries for 5xx).
    #[error("{url}: the server answered {status}")]
    Status {
        /// What was asked for.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The body is not JSON (an HTML error page, for example).
    #[error("{url}: the answer is not JSON (content type {content_type:?})")]
    NotJson {
        /// What was asked for.
        url: String,
        /// What the server said it sent.
        content_type: String,
    },
    /// The body is larger than allowed.
    #[error("{url}: the answer is larger than {limit} bytes")]
    TooLarge {
        /// What was asked for.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// JSON that does not parse.
    #[error("{url}: the JSON does not parse: {detail}")]
    BadJson {
        /// What was asked for.
        url: String,
        /// The parser's message.
        detail: String,
    },
    /// Anything else on the way (DNS, refused connection, TLS, too many redirects).
    #[error("{url}: {detail}")]
    Transport {
        /// What was asked for.
        url: String,
        /// What happened.
        detail: String,
    },
}

/// Installs the process's TLS provider (ring) for every HTTP client in the process (ours,
/// and any other built on the same reqwest); harmless when already installed.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The configured client (cheap to clone: clones share the connection pool and the cap
/// on requests in flight).
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: HttpSettings,
    permits: std::sync::Arc<tokio::sync::Semaphore>,
}

/// What a conditional request can get back.
#[derive(Debug, Clone)]
pub enum Conditional {
    /// A new body.
    Fresh(Fetched),
    /// 304: what the caller holds is still current.
    NotModified,
}

/// The validators of an earlier answer, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// Its `ETag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Its `Last-Modified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether there is anything to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

impl Fetcher {
    /// A client with `settings`.
    pub fn new(settings: HttpSettings) -> Result<Self, String> {
        install_tls();
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "Signpost/",
                env!("CARGO_PKG_VERSION"),
                " (ORUK feed reader; Tower Hamlets community directory)"
            ))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.total_timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| format!("the HTTP client cannot be built: {e}"))?;
        let permits =
            std::sync::Arc::new(tokio::sync::Semaphore::new(settings.max_concurrent.max(1)));
        Ok(Self {
            client,
            settings,
            permits,
        })
    }

    /// GETs `url` and parses its JSON body, retrying server errors and timeouts.
    pub async fn get_json(&self, url: &url::Url) -> Result<Value, FetchError> {
        self.get(url).await.map(|fetched| fetched.body)
    }

    /// [`Fetcher::get_json`], with the response headers a publisher is judged by.
    pub async fn get(&self, url: &url::Url) -> Result<Fetched, FetchError> {
        match self.get_if_changed(url, &Validators::default()).await? {
            Conditional::Fresh(fetched) => Ok(fetched),
            Conditional::NotModified => Err(FetchError::Status {
                url: url.to_string(),
                status: 304,
            }),
        }
    }

    /// A conditional GET: `If-None-Match` / `If-Modified-Since` from `validators`.
    pub async fn get_if_changed(
        &self,
        url: &url::Url,
        validators: &Validators,
    ) -> Result<Conditional, FetchError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| FetchError::Transport {
                url: url.to_string(),
                detail: "the client is shutting down".to_owned(),
            })?;
        let mut wait = self.settings.first_backoff;
        let mut attempt = 0;
        loop {
            tokio::time::sleep(self.settings.delay).await;
            match self.once(url, validators).await {
                Err(error) if attempt < self.settings.retries && retryable(&error) => {
                    attempt += 1;
                    tracing::warn!(attempt, "feed request failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                other => return other,
            }
        }
    }

    async fn once(
        &self,
        url: &url::Url,
        validators: &Validators,
    ) -> Result<Conditional, FetchError> {
        let shown = url.to_string();
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                FetchError::Timeout { url: shown.clone() }
            } else {
                FetchError::Transport {
                    url: shown.clone(),
                    detail: e.to_string(),
                }
            }
        };
        let mut request = self
            .client
            .get(url.clone())
            .header("accept", "application/json");
        if let Some(etag) = &validators.etag {
            request = request.header("if-none-match", etag);
        }
        if let Some(stamp) = &validators.last_modified {
            request = request.header("if-modified-since", stamp);
        }
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED && !validators.is_empty() {
            return Ok(Conditional::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: shown,
                status: status.as_u16(),
            });
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let allow_origin = header("access-control-allow-origin");
        let kept = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        if !content_type.contains("json") {
            return Err(FetchError::NotJson {
                url: shown,
                content_type,
            });
        }
        let limit = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|n| n as usize > limit)
        {
            return Err(FetchError::TooLarge { url: shown, limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { url: shown, limit });
            }
            body.extend_from_slice(&chunk);
        }
        let body = serde_json::from_slice(&body).map_err(|e| FetchError::BadJson {
            url: shown,
            detail: e.to_string(),
        })?;
        Ok(Conditional::Fresh(Fetched {
            body,
            allow_origin,
            validators: kept,
        }))
    }
}

/// A JSON answer and the headers kept from it.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The parsed body.
    pub body: Value,
    /// `Access-Control-Allow-Origin`, if sent.
    pub allow_origin: Option<String>,
    /// Its `ETag` and `Last-Modified`, for asking again conditionally.
    pub validators: Validators,
}

fn retryable(error: &FetchError) -> bool {
    match error {
        FetchError::Timeout { .. } => true,
        FetchError::Status { status, .. } => *status >= 500 || *status == 429,
        _ => false,
    }
}
