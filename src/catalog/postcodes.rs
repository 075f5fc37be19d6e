//! Postcodes the geo pack does not list (new builds), located through an online lookup
//! service when one is configured; answers are kept in the store, so each postcode is asked
//! about once (a postcode not found is asked again after a day).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Catalog;
use crate::domain::location::CachedPostcode;
use crate::domain::postcode::{Postcode, PostcodeQuery};
use crate::geography::{PostcodeError, PostcodeLocation};
use crate::outbound::postcodes::PostcodeLookup;

/// The online lookup, if configured.
#[derive(Default)]
pub struct OnlinePostcodes {
    lookup: Option<PostcodeLookup>,
}

impl OnlinePostcodes {
    /// With a lookup service, or none (`None`: off).
    pub fn new(lookup: Option<PostcodeLookup>) -> Self {
        Self { lookup }
    }

    /// Where `text` is, when it is a full postcode that the geo pack does not list: from
    /// the store's cache, or asked online. When the service fails (down, slow, garbage), the
    /// outward code's centroid stands in (approximate, and marked so). `None` when the
    /// lookup is off, the text is not such a postcode, or nobody knows the postcode.
    pub async fn locate(
        &self,
        catalog: &Arc<Catalog>,
        text: &str,
        now: DateTime<Utc>,
    ) -> Option<PostcodeLocation> {
        let lookup = self.lookup.as_ref()?;
        let Ok(PostcodeQuery::Full(postcode)) = PostcodeQuery::parse(text) else {
            return None;
        };
        let geography = catalog.geography();
        if !matches!(
            geography.locate_postcode(&PostcodeQuery::Full(postcode.clone())),
            Err(PostcodeError::UnknownPostcode(_))
        ) {
            return None;
        }
        let cached = {
            let catalog = Arc::clone(catalog);
            let key = postcode.as_str().to_owned();
            tokio::task::spawn_blocking(move || catalog.store().cached_postcode(&key))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
        };
        if let Some(entry) = cached.filter(|e| e.is_fresh(now)) {
            return entry
                .point()
                .map(|point| geography.located_online(&postcode, point));
        }
        match lookup.lookup(&postcode).await {
            Ok(point) => {
                remember(catalog, &postcode, point, now).await;
                point.map(|point| geography.located_online(&postcode, point))
            }
            Err(error) => {
                tracing::warn!(error = %error, "postcode lookup failed; using the outward code");
                geography.approximate(&postcode).ok()
            }
        }
    }
}

async fn remember(
    catalog: &Arc<Catalog>,
    postcode: &Postcode,
    point: Option<crate::domain::location::LatLon>,
    now: DateTime<Utc>,
) {
    let entry = CachedPostcode {
        postcode: postcode.as_str().to_owned(),
        latitude: point.map(|p| p.latitude()),
        longitude: point.map(|p| p.longitude()),
        fetched: now,
    };
    let catalog = Arc::clone(catalog);
    let saved = tokio::task::spawn_blocking(move || catalog.store().cache_postcode(&entry)).await;
    if !matches!(saved, Ok(Ok(()))) {
        tracing::warn!("a looked-up postcode could not be cached");
    }
}
