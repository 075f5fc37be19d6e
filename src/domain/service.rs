//! Services: what people can get help with, and everything needed to decide and to get it.
//!
//! A service belongs to an organization and is delivered at zero or more locations (through
//! [`ServiceAtLocation`] links to shared [`Location`](super::location::Location) records).
//! Field names follow ORUK 3.0; Signpost's extensions are documented on each field.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{LocationId, OrganizationId, RecordId, ServiceAtLocationId, ServiceId};
use super::language::{Language, LanguageCode};
use super::phone::Phone;
use super::schedule::Schedule;
use super::taxonomy::Attribute;
use super::values::{Age, Amount, Email, PhoneNumber, WebUrl};

/// Whether a service is running (ORUK's closed list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceStatus {
    /// Running.
    #[serde(rename = "active")]
    Active,
    /// Not running at present, may return.
    #[serde(rename = "inactive")]
    Inactive,
    /// Closed for good.
    #[serde(rename = "defunct")]
    Defunct,
    /// Paused for a while; `alert` says why and until when.
    #[serde(rename = "temporarily closed")]
    TemporarilyClosed,
}

impl ServiceStatus {
    /// Every status.
    pub const ALL: [ServiceStatus; 4] = [
        ServiceStatus::Active,
        ServiceStatus::Inactive,
        ServiceStatus::Defunct,
        ServiceStatus::TemporarilyClosed,
    ];

    /// Statuses shown when a search does not ask for others.
    pub const SHOWN_BY_DEFAULT: [ServiceStatus; 2] =
        [ServiceStatus::Active, ServiceStatus::TemporarilyClosed];

    /// The ORUK spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::Inactive => "inactive",
            ServiceStatus::Defunct => "defunct",
            ServiceStatus::TemporarilyClosed => "temporarily closed",
        }
    }

    /// Parses the ORUK spelling (also accepting `temporarily_closed`).
    pub fn parse(text: &str) -> Option<ServiceStatus> {
        let normal = text.trim().to_ascii_lowercase().replace('_', " ");
        ServiceStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == normal)
    }
}

/// How a person gets the service (Signpost extension `referral_route`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralRoute {
    /// People can contact the service themselves.
    SelfReferral,
    /// A professional (GP, link worker, social worker) must refer.
    ProfessionalReferral,
    /// Turn up during opening hours.
    DropIn,
    /// The directory can only point people to it (e.g. information, national helplines).
    SignpostOnly,
}

impl ReferralRoute {
    /// Every route.
    pub const ALL: [ReferralRoute; 4] = [
        ReferralRoute::SelfReferral,
        ReferralRoute::ProfessionalReferral,
        ReferralRoute::DropIn,
        ReferralRoute::SignpostOnly,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralRoute::SelfReferral => "self_referral",
            ReferralRoute::ProfessionalReferral => "professional_referral",
            ReferralRoute::DropIn => "drop_in",
            ReferralRoute::SignpostOnly => "signpost_only",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(text: &str) -> Option<ReferralRoute> {
        ReferralRoute::ALL
            .into_iter()
            .find(|route| route.as_str() == text.trim())
    }
}

/// A service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Identifier.
    pub id: ServiceId,
    /// The organization that runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<OrganizationId>,
    /// Name.
    pub name: String,
    /// What it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Whether it is running.
    pub status: ServiceStatus,
    /// Charges, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<String>,
    /// Accreditations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditations: Option<String>,
    /// Who it is for, in words (HSDS 3.0 field kept by Signpost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    /// Youngest age served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<Age>,
    /// Oldest age served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<Age>,
    /// When a person last checked this record. Set only by that check, never derived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assured_date: Option<NaiveDate>,
    /// Who checked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurer_email: Option<Email>,
    /// A notice to show prominently (temporary closure, changed hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// When the record last changed; maintained by the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<DateTime<Utc>>,
    /// Signpost extension: how to get the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_route: Option<ReferralRoute>,
    /// Signpost extension: where referrals are e-mailed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_email: Option<Email>,
    /// Signpost extension: where referrals are phoned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_phone: Option<PhoneNumber>,
    /// Signpost extension: an online referral form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_url: Option<WebUrl>,
    /// Signpost extension: what the service needs to accept a referral, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_instructions: Option<String>,
    /// Opening times.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<Schedule>,
    /// Areas covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_areas: Vec<ServiceArea>,
    /// Where it is delivered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_at_locations: Vec<ServiceAtLocation>,
    /// Languages spoken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
    /// Funding sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
    /// Costs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cost_options: Vec<CostOption>,
    /// Named contacts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Phone lines (HSDS 3.0 `phones`, kept by Signpost).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    /// Classifications: needs, "suitable for", ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// A listing last checked longer ago than this (or never) is out of date: it ranks lower
/// and its pages say so.
pub const STALE_AFTER_DAYS: i64 = 365;

/// A listing last checked longer ago than this (or never) is flagged to its organisation.
pub const CHECK_AFTER_DAYS: i64 = 183;

impl Service {
    /// Whether the listing is out of date on `today`: not checked (`assured_date`) within
    /// [`STALE_AFTER_DAYS`].
    pub fn is_stale(&self, today: NaiveDate) -> bool {
        self.assured_date
            .is_none_or(|checked| (today - checked).num_days() > STALE_AFTER_DAYS)
    }

    /// Whether the organisation should check the listing on `today`: not checked within
    /// [`CHECK_AFTER_DAYS`].
    pub fn needs_check(&self, today: NaiveDate) -> bool {
        self.assured_date
            .is_none_or(|checked| (today - checked).num_days() > CHECK_AFTER_DAYS)
    }

    /// Whether the service is free to use: no cost option charges anything, and either a
    /// cost option of 0 or the `fees` text says so. A service that says nothing about cost
    /// is not counted as free: a link worker could not promise it.
    pub fn is_free(&self) -> bool {
        let charges = self
            .cost_options
            .iter()
            .any(|option| option.amount.is_some_and(|amount| amount.value() > 0.0));
        let says_free = self
            .cost_options
            .iter()
            .any(|option| option.amount.is_some_and(|amount| amount.value() == 0.0))
            || self.fees.as_deref().is_some_and(mentions_free);
        !charges && says_free
    }

    /// Language codes offered, without duplicates.
    pub fn language_codes(&self) -> Vec<&LanguageCode> {
        let mut codes: Vec<&LanguageCode> = self
            .languages
            .iter()
            .filter_map(|language| language.code.as_ref())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// Ids of the locations this service is delivered at.
    pub fn location_ids(&self) -> Vec<LocationId> {
        let mut ids: Vec<LocationId> = self
            .service_at_locations
            .iter()
            .map(|link| link.location_id)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Schedules that apply at one service_at_location: those for the whole service and
    /// those specific to that link.
    pub fn schedules_at(&self, link: ServiceAtLocationId) -> impl Iterator<Item = &Schedule> {
        self.schedules
            .iter()
            .filter(move |schedule| schedule.service_at_location_id.is_none_or(|id| id == link))
    }

    /// The same record without `last_modified`, to tell a real change from a re-import.
    pub fn without_last_modified(&self) -> Service {
        Service {
            last_modified: None,
            ..self.clone()
        }
    }
}

fn mentions_free(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("free"))
}

/// An area a service covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceArea {
    /// Identifier.
    pub id: RecordId,
    /// Name, e.g. "Tower Hamlets".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Extent (e.g. GeoJSON), as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent: Option<String>,
    /// Format of `extent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent_type: Option<String>,
    /// URI of the area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The UK profile's description of the area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_area: Option<String>,
}

/// Links a service to a location where it is delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAtLocation {
    /// Identifier.
    pub id: ServiceAtLocationId,
    /// The location.
    pub location_id: LocationId,
    /// What happens at this location, if it differs from the service description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A source of funding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funding {
    /// Identifier.
    pub id: RecordId,
    /// The funder, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostOption {
    /// Identifier.
    pub id: RecordId,
    /// First date the price applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last date the price applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// What the price is for, e.g. "Under 18s".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// Amount in pounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// The unit, e.g. "per session".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_description: Option<String>,
}

/// A named contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Identifier.
    pub id: RecordId,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Department (HSDS 3.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// E-mail (HSDS 3.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Phone lines (HSDS 3.0 `phones`, kept by Signpost).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_with(costs: &[Option<f64>], fees: Option<&str>) -> Service {
        let json = serde_json::json!({
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "Test",
            "status": "active",
        });
        let mut service: Service = serde_json::from_value(json).unwrap();
        service.cost_options = costs
            .iter()
            .map(|amount| CostOption {
                id: RecordId::random(),
                valid_from: None,
                valid_to: None,
                option: None,
                amount: amount.map(|a| Amount::new(a).unwrap()),
                amount_description: None,
            })
            .collect();
        service.fees = fees.map(str::to_owned);
        service
    }

    #[test]
    fn free_means_stated_free_and_nothing_charged() {
        assert!(service_with(&[Some(0.0)], None).is_free());
        assert!(service_with(&[], Some("Free for residents")).is_free());
        assert!(!service_with(&[], None).is_free(), "silence is not free");
        assert!(!service_with(&[Some(0.0), Some(3.0)], None).is_free());
        assert!(!service_with(&[], Some("£3 per class, carers go freely")).is_free());
    }

    #[test]
    fn statuses_parse_both_spellings() {
        assert_eq!(
            ServiceStatus::parse("temporarily_closed"),
            Some(ServiceStatus::TemporarilyClosed)
        );
        assert_eq!(ServiceStatus::parse("Active"), Some(ServiceStatus::Active));
        assert_eq!(ServiceStatus::parse("open"), None);
    }
}
