//! Pulling other publishers' ORUK 3.0 feeds into staging.
//!
//! A pull reads the publisher's `/` (its `version` must be `HSDS-UK-3.0`), walks
//! `/services` page by page until `last_page`, fetches each `/services/{id}` and checks it as
//! an import would. Only when every request succeeded are the valid records staged, replacing
//! what was staged from the feed before, in one write: a feed that fails halfway (an error
//! page, a 500, a timeout, a huge body, a redirect loop, pages that never end) is reported
//! and changes nothing. Staged records never touch the live directory.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Catalog, CatalogError};
use crate::domain::feed::{
    CachedRecord, Feed, Match, PullSummary, StagedRecord, StagedStatus, adopt_ids, name_similarity,
    similar_names,
};
use crate::domain::ids::{OrganizationId, ServiceId};
use crate::domain::service::ServiceStatus;
use crate::oruk::parse::ServiceBundle;
use crate::outbound::http::{Conditional, FetchError, Fetcher, Validators};

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
    /// Records fetched with a body.
    pub fetched: usize,
    /// Records the publisher said had not changed (304).
    pub not_modified: usize,
    /// Records not asked for (unchanged by `modified_after`).
    pub reused: usize,
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

/// Pulls `feed` into staging: reads what the last pull kept, fetches (incrementally when it
/// may), and stages the records, or records on the feed that the pull failed (changing
/// nothing else). Store work runs off the async executor.
pub async fn pull(
    catalog: &std::sync::Arc<Catalog>,
    fetcher: &Fetcher,
    feed: &Feed,
    now: DateTime<Utc>,
) -> Result<Result<PullReport, PullError>, CatalogError> {
    let cache = {
        let catalog = std::sync::Arc::clone(catalog);
        let name = feed.name.clone();
        tokio::task::spawn_blocking(move || catalog.store().feed_cache(&name))
            .await
            .map_err(|e| CatalogError::Internal(format!("reading the feed cache: {e}")))??
    };
    let fetched = fetch(fetcher, feed, &cache, now).await;
    let catalog = std::sync::Arc::clone(catalog);
    let feed = feed.clone();
    tokio::task::spawn_blocking(move || match fetched {
        Ok(fetched) => catalog.stage_feed(&feed, fetched, now).map(Ok),
        Err(error) => catalog
            .record_failed_pull(&feed, &error, now)
            .map(|()| Err(error)),
    })
    .await
    .map_err(|e| CatalogError::Internal(format!("staging a feed: {e}")))?
}

/// What a pull fetched.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// Services the feed lists.
    pub listed: usize,
    /// Every listed record (fetched now, or kept from before when unchanged).
    pub records: Vec<Value>,
    /// The records to keep for the next pull.
    pub cache: Vec<CachedRecord>,
    /// Whether every record was asked for (not only what changed).
    pub full: bool,
    /// Records fetched with a body.
    pub fetched: usize,
    /// Records the publisher said had not changed (304).
    pub not_modified: usize,
    /// Records not asked for: unchanged since the last pull by `modified_after`.
    pub reused: usize,
}

/// Reads the feed. Nothing is written. With `cache` (what the last pull kept) and
/// [`Feed::incremental_since`], it asks only for records listed as changed by
/// `modified_after`, and asks for the others conditionally (`If-None-Match`,
/// `If-Modified-Since`); every [`crate::domain::feed::FULL_PULL_EVERY_HOURS`] it asks for
/// everything again.
pub async fn fetch(
    fetcher: &Fetcher,
    feed: &Feed,
    cache: &[CachedRecord],
    now: DateTime<Utc>,
) -> Result<Fetched, PullError> {
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
    let ids = list_ids(fetcher, &base, None).await?;
    let since = feed.incremental_since(now);
    let changed = match since {
        Some(since) => Some(list_ids(fetcher, &base, Some(since)).await?),
        None => None,
    };
    let kept: BTreeMap<&str, &CachedRecord> =
        cache.iter().map(|c| (c.remote_id.as_str(), c)).collect();
    let mut outcome = Fetched {
        listed: ids.len(),
        full: since.is_none(),
        ..Fetched::default()
    };
    let mut tasks = tokio::task::JoinSet::new();
    let mut slots: Vec<Option<CachedRecord>> = vec![None; ids.len()];
    for (at, id) in ids.iter().enumerate() {
        let known = kept.get(id.as_str()).copied();
        let unchanged = changed.as_ref().is_some_and(|c| !c.contains(id));
        if let (true, Some(known)) = (unchanged, known) {
            slots[at] = Some(known.clone());
            outcome.reused += 1;
            continue;
        }
        let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        let url = endpoint(&base, &format!("services/{encoded}"))?;
        let validators = known.map_or_else(Validators::default, |k| Validators {
            etag: k.etag.clone(),
            last_modified: k.last_modified.clone(),
        });
        let fetcher = fetcher.clone();
        tasks.spawn(async move { (at, fetcher.get_if_changed(&url, &validators).await) });
    }
    while let Some(joined) = tasks.join_next().await {
        let (at, answer) =
            joined.map_err(|e| PullError::NotAFeed(format!("a request failed: {e}")))?;
        let id = &ids[at];
        slots[at] = Some(match answer? {
            Conditional::Fresh(fetched) => {
                outcome.fetched += 1;
                CachedRecord {
                    remote_id: id.clone(),
                    etag: fetched.validators.etag,
                    last_modified: fetched.validators.last_modified,
                    record: fetched.body,
                }
            }
            Conditional::NotModified => {
                outcome.not_modified += 1;
                match kept.get(id.as_str()) {
                    Some(known) => (*known).clone(),
                    None => {
                        return Err(PullError::NotAFeed(format!(
                            "/services/{id} answered 304 to a request that was not conditional"
                        )));
                    }
                }
            }
        });
    }
    for slot in slots.into_iter().flatten() {
        outcome.records.push(slot.record.clone());
        outcome.cache.push(slot);
    }
    Ok(outcome)
}

/// The ids `/services` lists, page by page until `last_page`; with `since`, only those
/// modified after it (`modified_after`).
async fn list_ids(
    fetcher: &Fetcher,
    base: &url::Url,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<String>, PullError> {
    let mut ids: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for page in 1..=MAX_PAGES {
        let mut url = endpoint(base, "services")?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("page", &page.to_string())
                .append_pair("per_page", &PER_PAGE.to_string());
            if let Some(since) = since {
                query.append_pair(
                    "modified_after",
                    &since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                );
            }
        }
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
            return Ok(ids);
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

/// A listing in the directory that a feed's record might describe.
struct Candidate {
    id: ServiceId,
    organization: Option<OrganizationId>,
    organization_name: Option<String>,
    name: String,
    postcodes: BTreeSet<String>,
}

/// An existing listing a feed's record was matched to.
struct Found {
    id: ServiceId,
    organization: Option<OrganizationId>,
}

/// Finds existing listings by organisation, name and postcode; reads the directory once,
/// the first time it is asked.
#[derive(Default)]
struct Matcher {
    candidates: Option<Vec<Candidate>>,
}

/// A postcode or organisation name as compared: upper case, letters and digits only.
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

impl Matcher {
    fn candidates(&mut self, catalog: &Catalog) -> Result<&[Candidate], CatalogError> {
        if self.candidates.is_none() {
            let store = catalog.store();
            let mut organizations: BTreeMap<OrganizationId, Option<String>> = BTreeMap::new();
            let mut locations: BTreeMap<crate::domain::ids::LocationId, Option<String>> =
                BTreeMap::new();
            let mut found = Vec::new();
            for id in store.service_ids()? {
                let Some(service) = store.service(id)? else {
                    continue;
                };
                let organization_name = match service.organization_id {
                    None => None,
                    Some(org) => match organizations.entry(org) {
                        Entry::Occupied(known) => known.get().clone(),
                        Entry::Vacant(new) => new
                            .insert(store.organization(org)?.map(|o| plain(&o.name)))
                            .clone(),
                    },
                };
                let mut postcodes = BTreeSet::new();
                for link in &service.service_at_locations {
                    let postcode = match locations.entry(link.location_id) {
                        Entry::Occupied(known) => known.get().clone(),
                        Entry::Vacant(new) => new
                            .insert(
                                store
                                    .location(link.location_id)?
                                    .and_then(|l| l.postcode().map(plain)),
                            )
                            .clone(),
                    };
                    postcodes.extend(postcode);
                }
                found.push(Candidate {
                    id,
                    organization: service.organization_id,
                    organization_name,
                    name: service.name,
                    postcodes,
                });
            }
            self.candidates = Some(found);
        }
        Ok(self.candidates.as_deref().unwrap_or_default())
    }

    /// The listing most like `bundle`'s service: same organisation (id or name), a similar
    /// name and a postcode in common; not one published from the feed already or matched
    /// earlier in this pull.
    fn best(
        &mut self,
        catalog: &Catalog,
        bundle: &ServiceBundle,
        published: &BTreeMap<ServiceId, ServiceId>,
        taken: &BTreeSet<ServiceId>,
    ) -> Result<Option<Found>, CatalogError> {
        let postcodes: BTreeSet<String> = bundle
            .locations
            .iter()
            .filter_map(|l| l.postcode().map(plain))
            .collect();
        if postcodes.is_empty() {
            return Ok(None);
        }
        let organization_id = bundle.service.organization_id;
        let organization_name = bundle.organization.as_ref().map(|o| plain(&o.name));
        let already: BTreeSet<&ServiceId> = published.values().collect();
        let best = self
            .candidates(catalog)?
            .iter()
            .filter(|c| !already.contains(&c.id) && !taken.contains(&c.id))
            .filter(|c| {
                (organization_id.is_some() && c.organization == organization_id)
                    || (organization_name.is_some() && c.organization_name == organization_name)
            })
            .filter(|c| !c.postcodes.is_disjoint(&postcodes))
            .filter(|c| similar_names(&c.name, &bundle.service.name))
            .max_by(|a, b| {
                name_similarity(&a.name, &bundle.service.name)
                    .total_cmp(&name_similarity(&b.name, &bundle.service.name))
            });
        Ok(best.map(|c| Found {
            id: c.id,
            organization: c.organization,
        }))
    }
}

impl Catalog {
    /// Checks fetched records and stages the valid ones from `feed` (replacing what was
    /// staged from it before), recording the pull on the feed.
    pub fn stage_feed(
        &self,
        feed: &Feed,
        fetched: Fetched,
        now: DateTime<Utc>,
    ) -> Result<PullReport, CatalogError> {
        let store = self.store();
        let mut report = PullReport {
            listed: fetched.listed,
            fetched: fetched.fetched,
            not_modified: fetched.not_modified,
            reused: fetched.reused,
            ..PullReport::default()
        };
        let records = fetched.records;
        // Publisher's id -> directory id, for what was published from this feed before.
        let published: BTreeMap<ServiceId, ServiceId> = store
            .sources_from(&feed.name)?
            .into_iter()
            .map(|(ours, source)| (source.remote_id, ours))
            .collect();
        let mut matcher = Matcher::default();
        let mut taken: BTreeSet<ServiceId> = BTreeSet::new();
        let mut listed_ids: BTreeSet<String> = BTreeSet::new();
        let mut staged = Vec::new();
        for mut record in records {
            let shown_id = record
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("(no id)")
                .to_owned();
            listed_ids.insert(shown_id.clone());
            let bundle = match crate::oruk::parse::parse_service(&record).result {
                Ok(bundle) => bundle,
                Err(errors) => {
                    report
                        .rejected
                        .push((shown_id, errors.iter().map(ToString::to_string).collect()));
                    continue;
                }
            };
            let remote = bundle.service.id;
            let (ours, matched, organization) = if let Some(&ours) = published.get(&remote) {
                // Matched by name when first published: keep the directory's organisation.
                let organization = match ours == remote {
                    true => None,
                    false => store.service(ours)?.and_then(|s| s.organization_id),
                };
                (ours, Match::Source, organization)
            } else if store.service(remote)?.is_some() {
                (remote, Match::SameId, None)
            } else if let Some(found) = matcher.best(self, &bundle, &published, &taken)? {
                (found.id, Match::NameAndPostcode, found.organization)
            } else {
                (remote, Match::SameId, None)
            };
            taken.insert(ours);
            let mut service = bundle.service;
            if ours != remote {
                adopt_ids(&mut record, ours, organization);
                service.id = ours;
                if organization.is_some() {
                    service.organization_id = organization;
                }
            }
            let status = match store.service(ours)? {
                None => StagedStatus::New,
                Some(live) if live.without_last_modified() == service.without_last_modified() => {
                    StagedStatus::Unchanged
                }
                Some(_) => StagedStatus::Changed,
            };
            report.staged.push((ours, status));
            staged.push(StagedRecord {
                feed: feed.name.clone(),
                service_id: ours,
                remote_id: (ours != remote).then_some(remote),
                matched,
                fetched: now,
                status,
                record,
            });
        }
        // Listings published from the feed that it no longer lists.
        for (remote, ours) in &published {
            if listed_ids.contains(&remote.to_string()) {
                continue;
            }
            let Some(live) = store.service(*ours)? else {
                continue;
            };
            if matches!(
                live.status,
                ServiceStatus::Inactive | ServiceStatus::Defunct
            ) {
                continue;
            }
            report.staged.push((*ours, StagedStatus::Withdrawn));
            staged.push(StagedRecord {
                feed: feed.name.clone(),
                service_id: *ours,
                remote_id: (ours != remote).then_some(*remote),
                matched: Match::Source,
                fetched: now,
                status: StagedStatus::Withdrawn,
                record: Value::Null,
            });
        }
        store.put_feed_cache(&feed.name, &fetched.cache)?;
        store.stage(&feed.name, &staged)?;
        let mut feed = feed.clone();
        feed.last_pull = Some(PullSummary {
            at: now,
            staged: staged.len(),
            rejected: report.rejected.len(),
            error: None,
        });
        if fetched.full {
            feed.full_pull_at = Some(now);
        }
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
        let (withdrawn, chosen): (Vec<StagedRecord>, Vec<StagedRecord>) = chosen
            .into_iter()
            .partition(|r| r.status == StagedStatus::Withdrawn);
        let provenance = crate::domain::moderation::Provenance {
            actor: crate::domain::moderation::Actor::Account(moderator.id),
            why: format!("published from feed {feed}"),
            proposal: None,
        };
        let mut inactive = Vec::new();
        for record in &withdrawn {
            if let Some(mut live) = store.service(record.service_id)? {
                live.status = ServiceStatus::Inactive;
                inactive.push(live);
            }
        }
        let withdrawn_count = inactive.len();
        if !inactive.is_empty() {
            self.apply(&crate::store::ChangeSet {
                services: inactive,
                provenance: Some(crate::domain::moderation::Provenance {
                    why: format!("withdrawn by feed {feed}"),
                    ..provenance.clone()
                }),
                ..crate::store::ChangeSet::default()
            })?;
        }
        let records: Vec<_> = chosen
            .iter()
            .enumerate()
            .map(|(n, r)| {
                super::import::SourceRecord::parsed(
                    super::import::Position::Item(n + 1),
                    r.record.clone(),
                )
            })
            .collect();
        let origin = super::import::Origin {
            provenance: Some(provenance),
            source: Some(feed.to_owned()),
            remote_ids: chosen
                .iter()
                .filter_map(|r| r.remote_id.map(|remote| (r.service_id, remote)))
                .collect(),
        };
        let mut report = super::import::import_with(self, records, &origin)?;
        report.updated += withdrawn_count;
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
