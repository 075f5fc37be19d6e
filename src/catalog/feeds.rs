//! Pulling other publishers' ORUK 3.0 feeds into staging.
//!
//! A pull reads the publisher's `/` (its `version` must be `HSDS-UK-3.0`), walks
//! `/services` page by page until `last_page`, fetches each `/services/{id}` and checks it as
//! an import would. Only when every request succeeded are the valid records staged, replacing
//! what was staged from the feed before, in one write: a feed that fails halfway (an error
//! page, a 500, a timeout, a huge body, a redirect loop, pages that never end) is reported
//! and changes nothing. Staged records never touch the live directory.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Catalog, CatalogError};
use crate::domain::feed::{Feed, PullSummary, StagedRecord, StagedStatus};
use crate::domain::ids::ServiceId;
use crate::outbound::http::{FetchError, Fetcher};

/// Pages read at most from one feed (50 services each).
const MAX_PAGES: u32 = 2_000;
/// Services asked for per page.
const PER_PAGE: u32 = 50;

/// What a pull found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullReport {
    /// Services listed by the feed.
    pub listed: usize,
    /// Records staged, with how they compare with the live directory.
    pub staged: Vec<(ServiceId, StagedStatus)>,
    /// Records refused: the publisher's id (as sent) and what is wrong.
    pub rejected: Vec<(String, Vec<String>)>,
}

/// Why a pull changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    /// A request failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The answers are not an ORUK 3.0 feed.
    #[error("not an ORUK 3.0 feed: {0}")]
    NotAFeed(String),
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

fn endpoint(base: &url::Url, path: &str) -> Result<url::Url, PullError> {
    base.join(path)
        .map_err(|e| PullError::NotAFeed(format!("cannot form the URL of {path}: {e}")))
}

/// The feed's base URL, ending with `/` so that paths join under it.
fn base_of(feed: &Feed) -> Result<url::Url, PullError> {
    let text = if feed.url.ends_with('/') {
        feed.url.clone()
    } else {
        format!("{}/", feed.url)
    };
    url::Url::parse(&text).map_err(|e| PullError::NotAFeed(format!("the feed URL: {e}")))
}

/// Reads the whole feed. Nothing is written.
pub async fn fetch(fetcher: &Fetcher, feed: &Feed) -> Result<(usize, Vec<Value>), PullError> {
    let base = base_of(feed)?;
    let details = fetcher.get_json(&base).await?;
    match details.get("version").and_then(Value::as_str) {
        Some("HSDS-UK-3.0") => {}
        other => {
            return Err(PullError::NotAFeed(format!(
                "its / says version {other:?}, not \"HSDS-UK-3.0\""
            )));
        }
    }
    let mut ids: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for page in 1..=MAX_PAGES {
        let mut url = endpoint(&base, "services")?;
        url.query_pairs_mut()
            .append_pair("page", &page.to_string())
            .append_pair("per_page", &PER_PAGE.to_string());
        let answer = fetcher.get_json(&url).await?;
        let contents = answer
            .get("contents")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                PullError::NotAFeed(format!("page {page} of /services has no contents list"))
            })?;
        let mut new_on_page = 0;
        for item in contents {
            let id = item.get("id").and_then(Value::as_str).ok_or_else(|| {
                PullError::NotAFeed(format!("a service on page {page} has no id"))
            })?;
            if seen.insert(id.to_owned()) {
                ids.push(id.to_owned());
                new_on_page += 1;
            }
        }
        let last = answer.get("last_page").and_then(Value::as_bool) == Some(true)
            || contents.is_empty()
            || answer
                .get("total_pages")
                .and_then(Value::as_u64)
                .is_some_and(|total| u64::from(page) >= total);
        if last {
            return fetch_records(fetcher, &base, ids).await;
        }
        if new_on_page == 0 {
            return Err(PullError::NotAFeed(format!(
                "page {page} of /services repeats earlier pages and does not end"
            )));
        }
    }
    Err(PullError::NotAFeed(format!(
        "/services has more than {MAX_PAGES} pages"
    )))
}

async fn fetch_records(
    fetcher: &Fetcher,
    base: &url::Url,
    ids: Vec<String>,
) -> Result<(usize, Vec<Value>), PullError> {
    let mut records = Vec::with_capacity(ids.len());
    for id in &ids {
        let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        records.push(
            fetcher
                .get_json(&endpoint(base, &format!("services/{encoded}"))?)
                .await?,
        );
    }
    Ok((ids.len(), records))
}

impl Catalog {
    /// Checks fetched records and stages the valid ones from `feed` (replacing what was
    /// staged from it before), recording the pull on the feed.
    pub fn stage_feed(
        &self,
        feed: &Feed,
        listed: usize,
        records: Vec<Value>,
        now: DateTime<Utc>,
    ) -> Result<PullReport, CatalogError> {
        let store = self.store();
        let mut report = PullReport {
            listed,
            ..PullReport::default()
        };
        let mut staged = Vec::new();
        for record in records {
            let shown_id = record
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("(no id)")
                .to_owned();
            match crate::oruk::parse::parse_service(&record).result {
                Ok(bundle) => {
                    let id = bundle.service.id;
                    let status = match store.service(id)? {
                        None => StagedStatus::New,
                        Some(live)
                            if live.without_last_modified()
                                == bundle.service.without_last_modified() =>
                        {
                            StagedStatus::Unchanged
                        }
                        Some(_) => StagedStatus::Changed,
                    };
                    report.staged.push((id, status));
                    staged.push(StagedRecord {
                        feed: feed.name.clone(),
                        service_id: id,
                        fetched: now,
                        status,
                        record,
                    });
                }
                Err(errors) => report
                    .rejected
                    .push((shown_id, errors.iter().map(ToString::to_string).collect())),
            }
        }
        store.stage(&feed.name, &staged)?;
        let mut feed = feed.clone();
        feed.last_pull = Some(PullSummary {
            at: now,
            staged: staged.len(),
            rejected: report.rejected.len(),
            error: None,
        });
        store.put_feed(&feed)?;
        Ok(report)
    }

    /// Records on the feed that its last pull failed (staging is left as it was).
    pub fn record_failed_pull(
        &self,
        feed: &Feed,
        error: &PullError,
        now: DateTime<Utc>,
    ) -> Result<(), CatalogError> {
        let mut feed = feed.clone();
        feed.last_pull = Some(PullSummary {
            at: now,
            staged: 0,
            rejected: 0,
            error: Some(error.to_string()),
        });
        Ok(self.store().put_feed(&feed)?)
    }
}

impl Catalog {
    /// Publishes staged records of `feed` (those with ids in `ids`) into the live directory,
    /// as an import by `moderator` from the feed: checked again, written with history and
    /// their source, and taken out of staging. Borough-wide moderators only (a feed's records
    /// may be anywhere).
    pub fn publish_staged(
        &self,
        moderator: &crate::domain::account::Account,
        feed: &str,
        ids: &[ServiceId],
    ) -> Result<super::import::ImportReport, super::moderation::ModerationError> {
        use super::moderation::ModerationError;
        if !moderator.can_moderate(None) {
            return Err(ModerationError::Forbidden(
                "feeds are moderated by borough-wide moderators",
            ));
        }
        let store = self.store();
        if !store.feeds()?.iter().any(|f| f.name == feed) {
            return Err(ModerationError::NotFound("feed"));
        }
        let (chosen, mut kept): (Vec<StagedRecord>, Vec<StagedRecord>) = store
            .staged(feed)?
            .into_iter()
            .partition(|r| ids.contains(&r.service_id));
        let records = chosen
            .iter()
            .enumerate()
            .map(|(n, r)| super::import::SourceRecord {
                position: super::import::Position::Item(n + 1),
                value: Ok(r.record.clone()),
            })
            .collect();
        let origin = super::import::Origin {
            provenance: Some(crate::domain::moderation::Provenance {
                actor: crate::domain::moderation::Actor::Account(moderator.id),
                why: format!("published from feed {feed}"),
                proposal: None,
            }),
            source: Some(feed.to_owned()),
        };
        let report = super::import::import_with(self, records, &origin)?;
        // Records the import refused stay staged, with the rest.
        for problems in &report.rejected {
            let (super::import::Position::Item(n) | super::import::Position::Line(n)) =
                problems.position;
            if let Some(record) = chosen.get(n - 1) {
                kept.push(record.clone());
            }
        }
        store.stage(feed, &kept)?;
        self.wait_for_index()?;
        tracing::info!(
            published = report.created + report.updated,
            "staged feed records published"
        );
        Ok(report)
    }
}
