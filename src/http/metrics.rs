//! `GET /metrics`: the service's figures in the Prometheus text format. Requests and their
//! latency by route pattern (never by path or query, which could hold what people searched
//! for), search latency and refusals, index size and lag, store size, feeds and the outbox.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

use actix_web::{HttpResponse, web};

use super::AppState;
use super::api::blocking;
use super::error::ApiError;
use crate::metrics::{Histogram, escape, header};

/// Request figures, owned by the application state.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    /// Requests by (route pattern, method, status).
    requests: Mutex<BTreeMap<(String, &'static str, u16), u64>>,
    /// Latency by route pattern.
    durations: Mutex<BTreeMap<String, Arc<Histogram>>>,
    /// Time a search takes once it has a slot (the engine's work, off the executor).
    pub searches: Histogram,
}

impl HttpMetrics {
    /// Counts one answered request.
    pub fn record(&self, route: &str, method: &str, status: u16, elapsed: std::time::Duration) {
        let method = match method {
            "GET" => "GET",
            "HEAD" => "HEAD",
            "POST" => "POST",
            "OPTIONS" => "OPTIONS",
            _ => "other",
        };
        *self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry((route.to_owned(), method, status))
            .or_default() += 1;
        let histogram = Arc::clone(
            self.durations
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(route.to_owned())
                .or_default(),
        );
        histogram.observe(elapsed);
    }

    fn render(&self, out: &mut String) {
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        header(
            out,
            "signpost_http_requests_total",
            "counter",
            "Requests answered, by route pattern, method and status.",
        );
        let mut rejected: BTreeMap<&str, u64> = BTreeMap::new();
        for ((route, method, status), count) in &requests {
            let _ = writeln!(
                out,
                "signpost_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {count}",
                escape(route)
            );
            let reason = match status {
                503 => Some("busy"),
                429 => Some("rate_limited"),
                413 => Some("too_large"),
                _ => None,
            };
            if let Some(reason) = reason {
                *rejected.entry(reason).or_default() += count;
            }
        }
        header(
            out,
            "signpost_rejected_requests_total",
            "counter",
            "Requests refused to protect the service: busy (all search slots taken), rate_limited, too_large.",
        );
        for reason in ["busy", "rate_limited", "too_large"] {
            let count = rejected.get(reason).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "signpost_rejected_requests_total{{reason=\"{reason}\"}} {count}"
            );
        }
        header(
            out,
            "signpost_http_request_duration_seconds",
            "histogram",
            "Time to answer a request, by route pattern.",
        );
        let durations = self
            .durations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for (route, histogram) in &durations {
            histogram.render(
                out,
                "signpost_http_request_duration_seconds",
                &format!("route=\"{}\"", escape(route)),
            );
        }
        header(
            out,
            "signpost_search_duration_seconds",
            "histogram",
            "Time a search takes in the engine (API and results page).",
        );
        self.searches
            .render(out, "signpost_search_duration_seconds", "");
    }
}

fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    header(out, name, "gauge", help);
    let _ = writeln!(out, "{name} {value}");
}

/// Size in bytes of the files under `dir`.
fn size_of_dir(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| match entry.file_type() {
                    Ok(kind) if kind.is_dir() => size_of_dir(&entry.path()),
                    _ => entry.metadata().map_or(0, |meta| meta.len()),
                })
                .sum()
        })
        .unwrap_or(0)
}

/// `GET /metrics`.
pub async fn get(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let mut out = String::with_capacity(16 * 1024);
    state.metrics.render(&mut out);
    let limit = state.max_searches;
    let in_flight = limit.saturating_sub(state.searches.available_permits());
    gauge(
        &mut out,
        "signpost_searches_in_flight",
        "Searches holding a slot now.",
        in_flight,
    );
    gauge(
        &mut out,
        "signpost_searches_limit",
        "Search slots; past them a search gets 503 with Retry-After.",
        limit,
    );
    let catalog = state.catalog.clone();
    let now = state.clock.now();
    let stored = blocking(move || {
        let mut out = String::with_capacity(4 * 1024);
        let store = catalog.store();
        let counts = store.counts()?;
        header(
            &mut out,
            "signpost_store_records",
            "gauge",
            "Records in the store, by kind.",
        );
        for (kind, count) in [
            ("service", counts.services),
            ("organization", counts.organizations),
            ("location", counts.locations),
            ("taxonomy", counts.taxonomies),
            ("taxonomy_term", counts.taxonomy_terms),
        ] {
            let _ = writeln!(out, "signpost_store_records{{kind=\"{kind}\"}} {count}");
        }
        gauge(
            &mut out,
            "signpost_store_generation",
            "Changes applied to the store since it was made.",
            store.generation()?,
        );
        gauge(
            &mut out,
            "signpost_store_size_bytes",
            "Size of the store's files.",
            size_of_dir(&catalog.data_dir().join("store")),
        );
        let index = catalog.index();
        gauge(
            &mut out,
            "signpost_index_documents",
            "Searchable documents (services and services at locations).",
            index.num_docs(),
        );
        gauge(
            &mut out,
            "signpost_index_segments",
            "Index segments searched now.",
            index.num_segments(),
        );
        gauge(
            &mut out,
            "signpost_index_size_bytes",
            "Size of the index's files.",
            size_of_dir(index.path()),
        );
        gauge(
            &mut out,
            "signpost_index_merging",
            "1 while segments are merged in the background.",
            u8::from(catalog.index_merging()),
        );
        header(
            &mut out,
            "signpost_index_lag_seconds",
            "histogram",
            "Time from an acknowledged write to its change being searchable.",
        );
        catalog
            .index_lag()
            .render(&mut out, "signpost_index_lag_seconds", "");
        let outbox = store.outbox()?;
        header(
            &mut out,
            "signpost_outbox_messages",
            "gauge",
            "Reminder e-mails: waiting to be sent (backlog), of which due now, and sent.",
        );
        let waiting = outbox.iter().filter(|m| m.sent.is_none()).count();
        let due = outbox.iter().filter(|m| m.is_due(now)).count();
        let sent = outbox.len() - waiting;
        for (state, count) in [("waiting", waiting), ("due", due), ("sent", sent)] {
            let _ = writeln!(out, "signpost_outbox_messages{{state=\"{state}\"}} {count}");
        }
        let feeds = store.feeds()?;
        header(
            &mut out,
            "signpost_feed_last_pull_success",
            "gauge",
            "1 if the feed's last pull worked, 0 if it failed (absent: never pulled).",
        );
        for feed in &feeds {
            if let Some(pull) = &feed.last_pull {
                let _ = writeln!(
                    out,
                    "signpost_feed_last_pull_success{{feed=\"{}\"}} {}",
                    escape(&feed.name),
                    u8::from(pull.error.is_none())
                );
            }
        }
        header(
            &mut out,
            "signpost_feed_last_pull_timestamp_seconds",
            "gauge",
            "When the feed was last pulled (Unix time).",
        );
        for feed in &feeds {
            if let Some(pull) = &feed.last_pull {
                let _ = writeln!(
                    out,
                    "signpost_feed_last_pull_timestamp_seconds{{feed=\"{}\"}} {}",
                    escape(&feed.name),
                    pull.at.timestamp()
                );
            }
        }
        header(
            &mut out,
            "signpost_feed_records_staged",
            "gauge",
            "Records the feed's last pull staged for moderators, and refused.",
        );
        for feed in &feeds {
            if let Some(pull) = &feed.last_pull {
                let name = escape(&feed.name);
                let _ = writeln!(
                    out,
                    "signpost_feed_records_staged{{feed=\"{name}\",outcome=\"staged\"}} {}\nsignpost_feed_records_staged{{feed=\"{name}\",outcome=\"refused\"}} {}",
                    pull.staged, pull.rejected
                );
            }
        }
        Ok::<_, ApiError>(out)
    })
    .await?;
    out.push_str(&stored);
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(out))
}
