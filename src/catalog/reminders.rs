//! Freshness reminders: planning them into the outbox, delivering what is due, and the
//! single-use "still correct" links they carry.
//!
//! Planning is idempotent (a message's key names the listing, the stage, the confirmation it
//! follows and the recipient), so it can run as often as wanted. Delivery takes what is due,
//! records success or failure on each message (durably) and backs off after failures; an
//! outage delays reminders and loses none.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{Catalog, CatalogError};
use crate::auth;
use crate::domain::account::{Account, OneTimeToken, Role, TokenPurpose};
use crate::domain::ids::{OrganizationId, ServiceId};
use crate::domain::reminder::{LINK_VALID, OutboxMessage, Stage};
use crate::domain::service::{Service, ServiceStatus};
use crate::outbound::mail::Mailer;

/// What a delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages delivered.
    pub sent: usize,
    /// Messages whose attempt failed (they wait for their next attempt).
    pub failed: usize,
}

/// Why a "still correct" link did not work.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Unknown, used, expired, or its account can no longer edit the listing.
    #[error("this link has expired or has been used")]
    Dead,
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

impl Catalog {
    /// Queues the reminders due on `now` for every running listing: one message per editor
    /// of its organisation, with a link under `base_url`. Returns how many were queued.
    pub fn plan_reminders(
        &self,
        base_url: &str,
        now: DateTime<Utc>,
    ) -> Result<usize, CatalogError> {
        let store = self.store();
        let today = crate::search::query::london_time(now).date();
        let editors: Vec<Account> = store
            .accounts()?
            .into_iter()
            .filter(|a| !a.disabled && a.password_hash.is_some())
            .collect();
        // Only the listings of organisations someone edits can be reminded about: they are
        // looked up through the organisations, not by reading every listing (which, every
        // round, filled the store's cache and a region's server memory with listings that
        // nobody would be sent).
        let edited: BTreeSet<OrganizationId> = editors
            .iter()
            .flat_map(|editor| &editor.roles)
            .filter_map(|role| match role {
                Role::OrganisationEditor { organisations } => Some(organisations),
                _ => None,
            })
            .flatten()
            .copied()
            .collect();
        let mut listings = Vec::new();
        for organisation in edited {
            listings.extend(store.services_of_organization(organisation)?);
        }
        let mut queued = 0;
        for id in listings {
            let Some(service) = store.service(id)? else {
                continue;
            };
            if !ServiceStatus::SHOWN_BY_DEFAULT.contains(&service.status) {
                continue;
            }
            let Some(stage) = Stage::reached(service.assured_date, today) else {
                continue;
            };
            let Some(organisation) = service.organization_id else {
                continue;
            };
            for editor in editors.iter().filter(|a| {
                a.roles.iter().any(|r| {
                    matches!(r, Role::OrganisationEditor { organisations } if organisations.contains(&organisation))
                })
            }) {
                let key = format!(
                    "{}:{}:{}:{}",
                    service.id,
                    stage.as_str(),
                    service
                        .assured_date
                        .map_or_else(|| "never".to_owned(), |d| d.to_string()),
                    editor.id
                );
                if store.outbox_message(&key)?.is_some() {
                    continue;
                }
                let (secret, token_key) = auth::new_secret();
                store.put_token(&OneTimeToken {
                    key: token_key,
                    purpose: TokenPurpose::AssureListing,
                    account: editor.id,
                    expires: now + LINK_VALID,
                    subject: Some(service.id.to_string()),
                })?;
                let link = format!("{base_url}/account/assure?token={secret}");
                store.put_outbox(&OutboxMessage {
                    key,
                    service: service.id,
                    stage,
                    to: editor.email.clone(),
                    subject: format!("Please check your listing: {}", service.name),
                    body: body(&service, stage, editor, &link, base_url),
                    created: now,
                    attempts: 0,
                    next_attempt: now,
                    sent: None,
                    last_error: None,
                })?;
                queued += 1;
            }
        }
        if queued > 0 {
            tracing::info!(queued, "freshness reminders queued");
        }
        Ok(queued)
    }

    /// Tries every message due on `now` once.
    pub fn deliver_reminders(
        &self,
        mailer: &dyn Mailer,
        now: DateTime<Utc>,
    ) -> Result<Delivery, CatalogError> {
        let store = self.store();
        let mut delivery = Delivery::default();
        for mut message in store.outbox()?.into_iter().filter(|m| m.is_due(now)) {
            match mailer.send(&message.to, &message.subject, &message.body) {
                Ok(()) => {
                    message.delivered(now);
                    delivery.sent += 1;
                }
                Err(error) => {
                    // The server's words may name the recipient: they go to the outbox page
                    // (for moderators), not to the log.
                    tracing::warn!(
                        attempts = message.attempts + 1,
                        "reminder not delivered; will retry"
                    );
                    message.failed(&error, now);
                    delivery.failed += 1;
                }
            }
            store.put_outbox(&message)?;
        }
        Ok(delivery)
    }

    /// The listing a live "still correct" link is for, without using the link up.
    pub fn link_service(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Service>, CatalogError> {
        if !auth::is_secret_shaped(secret) {
            return Ok(None);
        }
        let Some(token) = self.store().token(&auth::key_of(secret))? else {
            return Ok(None);
        };
        if token.purpose != TokenPurpose::AssureListing || token.expires <= now {
            return Ok(None);
        }
        let id = token
            .subject
            .as_deref()
            .and_then(|s| ServiceId::parse(s).ok());
        Ok(match id {
            Some(id) => self.store().service(id)?,
            None => None,
        })
    }

    /// Uses a "still correct" link: confirms its listing as its editor, once.
    pub fn assure_with_link(&self, secret: &str, now: DateTime<Utc>) -> Result<Service, LinkError> {
        if !auth::is_secret_shaped(secret) {
            return Err(LinkError::Dead);
        }
        let token = self
            .store()
            .take_token(&auth::key_of(secret))
            .map_err(CatalogError::from)?
            .filter(|t| t.purpose == TokenPurpose::AssureListing && t.expires > now)
            .ok_or(LinkError::Dead)?;
        let account = self
            .store()
            .account(token.account)
            .map_err(CatalogError::from)?
            .filter(|a| !a.disabled)
            .ok_or(LinkError::Dead)?;
        let id = token
            .subject
            .as_deref()
            .and_then(|s| ServiceId::parse(s).ok())
            .ok_or(LinkError::Dead)?;
        self.assure(&account, id, now).map_err(|e| match e {
            super::moderation::ModerationError::Catalog(e) => LinkError::Catalog(e),
            _ => LinkError::Dead,
        })
    }
}

fn body(service: &Service, stage: Stage, editor: &Account, link: &str, base_url: &str) -> String {
    let checked = service.assured_date.map_or_else(
        || "has not been confirmed yet".to_owned(),
        |d| format!("was last confirmed on {}", d.format("%-d %B %Y")),
    );
    let why = match stage {
        Stage::SixMonths => "Listings should be checked at least every 6 months.",
        Stage::ElevenMonths => "In a month it will be a year old and will rank lower in search.",
        Stage::TwelveMonths => {
            "It is more than a year old, so it now ranks lower in search and link workers see it as out of date."
        }
    };
    format!(
        "Hello {name},\n\nThe listing \"{service}\" on Signpost Tower Hamlets {checked}. {why}\n\nIf it is still correct, confirm it with this link (it works once, for 30 days):\n{link}\n\nIf something has changed, sign in and edit it:\n{base_url}/manage/services/{id}\n\nThank you for keeping the directory current.\n",
        name = editor.name,
        service = service.name,
        id = service.id,
    )
}
