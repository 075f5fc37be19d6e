//! Looking postcodes up online, for postcodes the geo pack does not list (new builds): a
//! postcodes.io-compatible service (`GET {base}/postcodes/{postcode}` answering
//! `{"status": 200, "result": {"latitude": .., "longitude": ..}}`, or 404 when it does not
//! know the postcode). Off unless configured; a short timeout and no retries, because a
//! person is waiting for the answer.

use std::time::Duration;

use super::http::{FetchError, Fetcher, HttpSettings};
use crate::domain::location::LatLon;
use crate::domain::postcode::Postcode;

/// A configured lookup service.
pub struct PostcodeLookup {
    fetcher: Fetcher,
    base: url::Url,
}

impl PostcodeLookup {
    /// A lookup against `base` (e.g. `https://api.postcodes.io`), giving up after `timeout`.
    pub fn new(base: &str, timeout: Duration) -> Result<Self, String> {
        let base = url::Url::parse(&if base.ends_with('/') {
            base.to_owned()
        } else {
            format!("{base}/")
        })
        .map_err(|e| format!("the postcode lookup URL {base:?}: {e}"))?;
        let fetcher = Fetcher::new(HttpSettings {
            connect_timeout: timeout,
            total_timeout: timeout,
            max_body_bytes: 64 * 1024,
            retries: 0,
            first_backoff: Duration::ZERO,
            delay: Duration::ZERO,
            max_concurrent: 8,
        })?;
        Ok(Self { fetcher, base })
    }

    /// Where `postcode` is: `Ok(None)` when the service does not know it.
    pub async fn lookup(&self, postcode: &Postcode) -> Result<Option<LatLon>, FetchError> {
        let encoded: String =
            url::form_urlencoded::byte_serialize(postcode.as_str().as_bytes()).collect();
        let url = self
            .base
            .join(&format!("postcodes/{encoded}"))
            .map_err(|e| FetchError::Transport {
                url: self.base.to_string(),
                detail: e.to_string(),
            })?;
        let body = match self.fetcher.get_json(&url).await {
            Ok(body) => body,
            Err(FetchError::Status { status: 404, .. }) => return Ok(None),
            Err(other) => return Err(other),
        };
        let result = &body["result"];
        match (result["latitude"].as_f64(), result["longitude"].as_f64()) {
            (Some(latitude), Some(longitude)) => Ok(LatLon::new(latitude, longitude).ok()),
            // Known but without a position (some terminated postcodes): no use to us.
            _ if result.is_object() => Ok(None),
            _ => Err(FetchError::BadJson {
                url: url.to_string(),
                detail: "no result with latitude and longitude".to_owned(),
            }),
        }
    }
}
