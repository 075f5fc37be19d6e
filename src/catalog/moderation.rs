//! Editing and moderation: organisation editors propose changes, moderators decide, and
//! every change to a live record is kept with who, when, what and why.
//!
//! The rules of who may do what live here, next to the operations, so that pages and the
//! JSON API cannot forget one: an editor proposes changes only to records of organisations
//! they edit (a service of another organisation, or a location another organisation's
//! services use, is refused even if its id is guessed); a moderator decides only changes to
//! records in their localities, and never their own; approval re-checks that the live
//! records are still the versions the editor started from, then writes the records, the
//! decision and the history in one transaction and waits until search shows the change.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{Catalog, CatalogError};
use crate::domain::account::{Account, AuditAction, AuditEntry};
use crate::domain::ids::{OrganizationId, ProposalId, RecordId, ServiceId};
use crate::domain::moderation::{
    Actor, Decision, HistoryEntry, Proposal, ProposalStatus, Provenance, Record, RecordKey,
};
use crate::domain::report::ProblemReport;
use crate::domain::service::{Service, ServiceStatus};
use crate::store::{ChangeSet, StoreError};

/// Why an editing or moderation step was refused.
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    /// The thing asked for does not exist (or is not visible to the account).
    #[error("there is no such {0}")]
    NotFound(&'static str),
    /// The account may not do this.
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// The proposal is not waiting for a decision (or no longer editable).
    #[error("this change is {0}, so it cannot be changed or decided now")]
    WrongStatus(&'static str),
    /// The live records changed since the editor began.
    #[error("the listing changed after this proposal was started")]
    Stale(Vec<RecordKey>),
    /// Something given is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

impl From<StoreError> for ModerationError {
    fn from(error: StoreError) -> Self {
        Self::Catalog(CatalogError::Store(error))
    }
}

/// An urgent notice an editor publishes at once, without waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrgentNotice {
    /// The service is closed for now; the message says why and until when.
    TemporarilyClosed(String),
    /// The service is running but takes no new referrals for now.
    NotTakingReferrals(String),
    /// The service is running normally again: the notice is taken down.
    Reopened,
}

/// How current the listings a moderator looks after are, by locality.
pub struct Freshness {
    /// One row per locality the moderator looks after (and one for services with no place
    /// in the borough, id `None`), in the geography's order.
    pub rows: Vec<FreshnessRow>,
}

/// Counts for one locality.
pub struct FreshnessRow {
    /// The locality's id and name; none for services with no place in a locality.
    pub locality: Option<(String, String)>,
    /// Running services (active or temporarily closed).
    pub services: usize,
    /// Of those, not checked for 6 months (flagged to their organisation).
    pub due: usize,
    /// Of those, not checked for 12 months (ranked lower), oldest check first.
    pub stale: Vec<Service>,
}

/// What approving a request to manage a listing did.
pub enum ClaimOutcome {
    /// A new editor account, with its one-time link to send.
    Invited(crate::auth::Invited),
    /// An existing account now also edits the organisation.
    Extended(Account),
}

/// What waits for the moderators.
pub struct Queue {
    /// Submitted proposals the moderator may decide, oldest first.
    pub proposals: Vec<Proposal>,
    /// Open problem reports about services the moderator looks after, oldest first.
    pub reports: Vec<ProblemReport>,
}

impl Catalog {
    /// The live version of a record.
    pub fn live_record(&self, key: RecordKey) -> Result<Option<Record>, CatalogError> {
        Ok(self.store().record(key)?)
    }

    /// The localities (ids) where the services touched by `records` are delivered.
    fn localities_of(&self, records: &[Record]) -> Result<BTreeSet<String>, CatalogError> {
        let store = self.store();
        let mut services: BTreeSet<ServiceId> = BTreeSet::new();
        let mut extra_locations = Vec::new();
        for record in records {
            match record {
                Record::Service(service) => {
                    services.insert(service.id);
                    extra_locations.extend(service.location_ids());
                }
                Record::Organization(o) => services.extend(store.services_of_organization(o.id)?),
                Record::Location(l) => {
                    services.extend(store.services_at_location(l.id)?);
                    extra_locations.push(l.id);
                }
            }
        }
        for id in services {
            if let Some(service) = store.service(id)? {
                extra_locations.extend(service.location_ids());
            }
        }
        let geography = self.geography();
        let mut localities = BTreeSet::new();
        for id in extra_locations {
            let location = records
                .iter()
                .find_map(|r| match r {
                    Record::Location(l) if l.id == id => Some(l.clone()),
                    _ => None,
                })
                .map_or_else(|| store.location(id), |l| Ok(Some(l)))?;
            if let Some(ward) = location.and_then(|l| geography.place(&l).ward) {
                localities.insert(geography.locality_of(ward).id.clone());
            }
        }
        Ok(localities)
    }

    /// Whether `moderator` may decide about these records: a borough-wide moderator always;
    /// a moderator of some localities when a record is in one of them.
    fn may_moderate_records(
        &self,
        moderator: &Account,
        records: &[Record],
    ) -> Result<bool, CatalogError> {
        if !moderator.is_moderator() {
            return Ok(false);
        }
        if moderator.can_moderate(None) {
            return Ok(true);
        }
        Ok(self
            .localities_of(records)?
            .iter()
            .any(|locality| moderator.can_moderate(Some(locality))))
    }

    /// Whether `moderator` may decide `proposal` (never their own).
    pub fn may_moderate(
        &self,
        moderator: &Account,
        proposal: &Proposal,
    ) -> Result<bool, CatalogError> {
        Ok(proposal.author != moderator.id
            && self.may_moderate_records(moderator, &proposal.records)?)
    }

    /// Checks that `account` may propose `records` for `organization`.
    pub fn check_edit(
        &self,
        account: &Account,
        organization: OrganizationId,
        records: &[Record],
    ) -> Result<(), ModerationError> {
        if !account.can_edit(organization) {
            return Err(ModerationError::Forbidden(
                "you do not edit this organisation's listings",
            ));
        }
        if records.is_empty() {
            return Err(ModerationError::Invalid("nothing to change".to_owned()));
        }
        let store = self.store();
        for record in records {
            match record {
                Record::Organization(o) if o.id != organization => {
                    return Err(ModerationError::Forbidden("another organisation's record"));
                }
                Record::Organization(_) => {}
                Record::Service(service) => {
                    let live_owner = store.service(service.id)?.map(|s| s.organization_id);
                    if service.organization_id != Some(organization)
                        || live_owner.is_some_and(|owner| owner != Some(organization))
                    {
                        return Err(ModerationError::Forbidden("another organisation's service"));
                    }
                    for location in service.location_ids() {
                        let proposed = records
                            .iter()
                            .any(|r| r.key() == RecordKey::location(location));
                        if !proposed && store.location(location)?.is_none() {
                            return Err(ModerationError::Invalid(format!(
                                "the service refers to location {location}, which does not exist"
                            )));
                        }
                    }
                }
                Record::Location(location) => {
                    for id in store.services_at_location(location.id)? {
                        let owner = store.service(id)?.and_then(|s| s.organization_id);
                        if !owner.is_some_and(|o| account.can_edit(o)) {
                            return Err(ModerationError::Forbidden(
                                "a location other organisations' services use",
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The live versions of `records` (none for new ones), in the same order.
    pub fn live_versions(&self, records: &[Record]) -> Result<Vec<Option<Record>>, CatalogError> {
        records.iter().map(|r| self.live_record(r.key())).collect()
    }

    /// A proposal the account may see: its author, or a moderator who may decide it.
    pub fn proposal_for(
        &self,
        account: &Account,
        id: ProposalId,
    ) -> Result<Proposal, ModerationError> {
        let proposal = self
            .store()
            .proposal(id)?
            .ok_or(ModerationError::NotFound("proposal"))?;
        let author_may = proposal.author == account.id && account.can_edit(proposal.organization);
        if author_may || self.may_moderate_records(account, &proposal.records)? {
            Ok(proposal)
        } else {
            Err(ModerationError::NotFound("proposal"))
        }
    }

    /// Saves an editor's proposal as a draft, or submits it for moderation. A proposal
    /// already saved may be changed only by its author and while it is not yet decided
    /// (a rejected one may be revised and submitted again).
    pub fn save_proposal(
        &self,
        author: &Account,
        mut proposal: Proposal,
        submit: bool,
        now: DateTime<Utc>,
    ) -> Result<Proposal, ModerationError> {
        self.check_edit(author, proposal.organization, &proposal.records)?;
        if let Some(saved) = self.store().proposal(proposal.id)? {
            if saved.author != author.id || saved.organization != proposal.organization {
                return Err(ModerationError::Forbidden("another person's proposal"));
            }
            if !saved.is_editable() {
                return Err(ModerationError::WrongStatus(saved.status.as_str()));
            }
        }
        if proposal.author != author.id {
            return Err(ModerationError::Forbidden("another person's proposal"));
        }
        proposal.note = crate::domain::moderation::note(&proposal.note, false)
            .map_err(|e| ModerationError::Invalid(format!("the note {e}")))?;
        proposal.updated = now;
        proposal.decision = None;
        proposal.urgent = false;
        if submit {
            proposal.status = ProposalStatus::Submitted;
            proposal.submitted = Some(now);
        } else {
            proposal.status = ProposalStatus::Draft;
        }
        self.store().put_proposal(&proposal)?;
        Ok(proposal)
    }

    /// Proposals written by `author`, newest first.
    pub fn proposals_by(&self, author: &Account) -> Result<Vec<Proposal>, CatalogError> {
        let mut mine: Vec<Proposal> = self
            .store()
            .proposals()?
            .into_iter()
            .filter(|p| p.author == author.id)
            .collect();
        mine.sort_by_key(|p| std::cmp::Reverse(p.updated));
        Ok(mine)
    }

    /// The author's unfinished proposal (draft, submitted or rejected) about `key`, if any.
    pub fn open_proposal_about(
        &self,
        author: &Account,
        key: RecordKey,
    ) -> Result<Option<Proposal>, CatalogError> {
        Ok(self
            .proposals_by(author)?
            .into_iter()
            .find(|p| p.is_editable() && p.keys().contains(&key)))
    }

    /// What waits for `moderator`: submitted proposals and open problem reports.
    pub fn queue(&self, moderator: &Account) -> Result<Queue, CatalogError> {
        let mut proposals = Vec::new();
        for proposal in self.store().proposals()? {
            if proposal.is_pending() && self.may_moderate_records(moderator, &proposal.records)? {
                proposals.push(proposal);
            }
        }
        proposals.sort_by_key(|p| p.submitted.unwrap_or(p.updated));
        let mut reports = Vec::new();
        for report in self.store().reports()? {
            if report.resolved.is_some() {
                continue;
            }
            let records: Vec<Record> = self
                .store()
                .service(report.service_id)?
                .map(|s| Record::Service(Box::new(s)))
                .into_iter()
                .collect();
            if self.may_moderate_records(moderator, &records)? {
                reports.push(report);
            }
        }
        Ok(Queue { proposals, reports })
    }

    /// Requests to manage an organisation's listings that `moderator` may decide, oldest
    /// first.
    pub fn claims_for(
        &self,
        moderator: &Account,
    ) -> Result<Vec<crate::domain::claim::ClaimRequest>, CatalogError> {
        let mut claims = Vec::new();
        for claim in self.store().claims()? {
            if !claim.is_pending() {
                continue;
            }
            let Some(organisation) = self.store().organization(claim.organisation)? else {
                continue;
            };
            if self.may_moderate_records(moderator, &[Record::Organization(organisation)])? {
                claims.push(claim);
            }
        }
        claims.sort_by_key(|c| c.received);
        Ok(claims)
    }

    /// Approves a request: the person becomes an editor of the organisation (a new account
    /// with a one-time link to set a password, or a role added to their existing account).
    pub fn approve_claim(
        &self,
        moderator: &Account,
        id: RecordId,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, ModerationError> {
        let mut claim = self
            .claims_for(moderator)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(ModerationError::NotFound("request"))?;
        let store = self.store();
        let outcome = match store.account_by_email(&claim.email)? {
            Some(mut account) => {
                let mut added = false;
                for role in &mut account.roles {
                    if let crate::domain::account::Role::OrganisationEditor { organisations } = role
                    {
                        organisations.insert(claim.organisation);
                        added = true;
                    }
                }
                if !added {
                    account
                        .roles
                        .push(crate::domain::account::Role::OrganisationEditor {
                            organisations: [claim.organisation].into(),
                        });
                }
                store.put_account(&account)?;
                store.append_audit(&AuditEntry {
                    at: now,
                    actor: Some(moderator.id),
                    action: AuditAction::RolesChanged,
                    subject: Some(account.id.to_string()),
                    detail: format!(
                        "now edits organisation {} (request approved)",
                        claim.organisation
                    ),
                })?;
                ClaimOutcome::Extended(account)
            }
            None => {
                let invited = crate::auth::create_account(
                    store,
                    Some(moderator.id),
                    claim.email.as_str(),
                    &claim.name,
                    vec![crate::domain::account::Role::OrganisationEditor {
                        organisations: [claim.organisation].into(),
                    }],
                    crate::auth::INVITATION_VALID,
                    now,
                )
                .map_err(|e| ModerationError::Invalid(e.to_string()))?;
                ClaimOutcome::Invited(invited)
            }
        };
        claim.approved = true;
        claim.decision = Some(Decision {
            by: moderator.id,
            at: now,
            reason: None,
        });
        store.put_claim(&claim)?;
        tracing::info!(claim_id = %claim.id, "request to manage a listing approved");
        Ok(outcome)
    }

    /// Declines a request, with a reason kept with it.
    pub fn reject_claim(
        &self,
        moderator: &Account,
        id: RecordId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ModerationError> {
        let reason = crate::domain::moderation::note(reason, true)
            .map_err(|e| ModerationError::Invalid(format!("the reason {e}")))?;
        let mut claim = self
            .claims_for(moderator)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(ModerationError::NotFound("request"))?;
        claim.decision = Some(Decision {
            by: moderator.id,
            at: now,
            reason: Some(reason),
        });
        self.store().put_claim(&claim)?;
        Ok(())
    }

    /// Freshness of the running services `moderator` looks after, by locality, on `today`.
    pub fn freshness(
        &self,
        moderator: &Account,
        today: chrono::NaiveDate,
    ) -> Result<Freshness, CatalogError> {
        let geography = self.geography();
        let mut rows: Vec<FreshnessRow> = geography
            .localities()
            .iter()
            .filter(|l| moderator.can_moderate(Some(&l.id)))
            .map(|l| FreshnessRow {
                locality: Some((l.id.clone(), l.name.clone())),
                services: 0,
                due: 0,
                stale: Vec::new(),
            })
            .collect();
        if moderator.can_moderate(None) {
            rows.push(FreshnessRow {
                locality: None,
                services: 0,
                due: 0,
                stale: Vec::new(),
            });
        }
        for id in self.store().service_ids()? {
            let Some(placed) = self.placed_service(id)? else {
                continue;
            };
            let service = &placed.full.service;
            if !ServiceStatus::SHOWN_BY_DEFAULT.contains(&service.status) {
                continue;
            }
            let mut localities: BTreeSet<Option<String>> = placed
                .placements
                .values()
                .filter_map(|p| p.ward)
                .map(|ward| Some(geography.locality_of(ward).id.clone()))
                .collect();
            if localities.is_empty() {
                localities.insert(None);
            }
            for row in rows
                .iter_mut()
                .filter(|row| localities.contains(&row.locality.as_ref().map(|(id, _)| id.clone())))
            {
                row.services += 1;
                if service.needs_check(today) {
                    row.due += 1;
                }
                if service.is_stale(today) {
                    row.stale.push(service.clone());
                }
            }
        }
        for row in &mut rows {
            row.stale.sort_by_key(|s| s.assured_date);
        }
        Ok(Freshness { rows })
    }

    /// Approves a submitted proposal: its records, its decision and their history are
    /// written in one transaction, and search shows the change before this returns.
    pub fn approve(
        &self,
        moderator: &Account,
        id: ProposalId,
        now: DateTime<Utc>,
    ) -> Result<Proposal, ModerationError> {
        let proposal = {
            let held = self.lock_writes();
            let mut proposal = self.decidable(moderator, id)?;
            let author = self
                .store()
                .account(proposal.author)?
                .filter(|a| !a.disabled)
                .ok_or(ModerationError::Forbidden("the author's account is closed"))?;
            self.check_edit(&author, proposal.organization, &proposal.records)?;
            let live: Vec<(RecordKey, Option<String>)> = proposal
                .records
                .iter()
                .map(|r| {
                    self.live_record(r.key())
                        .map(|live| (r.key(), live.as_ref().map(Record::fingerprint)))
                })
                .collect::<Result<_, _>>()?;
            let stale = proposal.is_stale_against(&live);
            if !stale.is_empty() {
                return Err(ModerationError::Stale(stale));
            }
            proposal.status = ProposalStatus::Approved;
            proposal.updated = now;
            proposal.decision = Some(Decision {
                by: moderator.id,
                at: now,
                reason: None,
            });
            let changes = changes_of(
                &proposal,
                Provenance {
                    actor: Actor::Account(moderator.id),
                    why: why_of(&proposal),
                    proposal: Some(proposal.id),
                },
            );
            self.apply_locked(&held, &changes)?;
            proposal
        };
        self.wait_for_index()?;
        self.audit(moderator, AuditAction::ChangeApproved, &proposal, "")?;
        tracing::info!(proposal_id = %proposal.id, "change approved and published");
        Ok(proposal)
    }

    /// Turns a submitted proposal down, with a reason the editor sees.
    pub fn reject(
        &self,
        moderator: &Account,
        id: ProposalId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Proposal, ModerationError> {
        let reason = crate::domain::moderation::note(reason, true)
            .map_err(|e| ModerationError::Invalid(format!("the reason {e}")))?;
        let proposal = {
            let _held = self.lock_writes();
            let mut proposal = self.decidable(moderator, id)?;
            proposal.status = ProposalStatus::Rejected;
            proposal.updated = now;
            proposal.decision = Some(Decision {
                by: moderator.id,
                at: now,
                reason: Some(reason.clone()),
            });
            self.store().put_proposal(&proposal)?;
            proposal
        };
        self.audit(moderator, AuditAction::ChangeRejected, &proposal, &reason)?;
        tracing::info!(proposal_id = %proposal.id, "change rejected");
        Ok(proposal)
    }

    /// A submitted proposal `moderator` may decide.
    fn decidable(&self, moderator: &Account, id: ProposalId) -> Result<Proposal, ModerationError> {
        let proposal = self
            .store()
            .proposal(id)?
            .ok_or(ModerationError::NotFound("proposal"))?;
        if !self.may_moderate_records(moderator, &proposal.records)? {
            return Err(ModerationError::NotFound("proposal"));
        }
        if proposal.author == moderator.id {
            return Err(ModerationError::Forbidden(
                "a change is decided by someone other than its author",
            ));
        }
        if !proposal.is_pending() {
            return Err(ModerationError::WrongStatus(proposal.status.as_str()));
        }
        Ok(proposal)
    }

    /// Publishes an urgent notice on a service at once: kept as an approved, urgent
    /// proposal by its editor, in the service's history and in the audit trail.
    pub fn publish_notice(
        &self,
        editor: &Account,
        service: ServiceId,
        notice: &UrgentNotice,
        now: DateTime<Utc>,
    ) -> Result<Proposal, ModerationError> {
        let proposal = {
            let held = self.lock_writes();
            let live = self
                .store()
                .service(service)?
                .ok_or(ModerationError::NotFound("service"))?;
            let organization = live.organization_id.ok_or(ModerationError::Forbidden(
                "a service without an organisation",
            ))?;
            let mut changed = live.clone();
            let why = match notice {
                UrgentNotice::TemporarilyClosed(message)
                | UrgentNotice::NotTakingReferrals(message) => {
                    let message = crate::domain::moderation::note(message, true)
                        .map_err(|e| ModerationError::Invalid(format!("the message {e}")))?;
                    if matches!(notice, UrgentNotice::TemporarilyClosed(_)) {
                        changed.status = ServiceStatus::TemporarilyClosed;
                    }
                    changed.alert = Some(message.clone());
                    message
                }
                UrgentNotice::Reopened => {
                    if changed.status == ServiceStatus::TemporarilyClosed {
                        changed.status = ServiceStatus::Active;
                    }
                    changed.alert = None;
                    "notice taken down".to_owned()
                }
            };
            let live = Record::Service(Box::new(live));
            let records = vec![Record::Service(Box::new(changed))];
            self.check_edit(editor, organization, &records)?;
            let mut proposal =
                Proposal::draft(organization, editor.id, records, &[Some(live)], now);
            proposal.note = why.clone();
            proposal.urgent = true;
            proposal.status = ProposalStatus::Approved;
            proposal.submitted = Some(now);
            proposal.decision = Some(Decision {
                by: editor.id,
                at: now,
                reason: None,
            });
            let changes = changes_of(
                &proposal,
                Provenance {
                    actor: Actor::Account(editor.id),
                    why: format!("urgent notice: {why}"),
                    proposal: Some(proposal.id),
                },
            );
            self.apply_locked(&held, &changes)?;
            proposal
        };
        self.wait_for_index()?;
        self.audit(editor, AuditAction::UrgentNotice, &proposal, &proposal.note)?;
        tracing::info!(proposal_id = %proposal.id, "urgent notice published");
        Ok(proposal)
    }

    /// Confirms a listing is still correct: sets `assured_date` (today) and `assurer_email`
    /// (the account's address) at once. Editors of the organisation and its moderators may.
    pub fn assure(
        &self,
        account: &Account,
        service: ServiceId,
        now: DateTime<Utc>,
    ) -> Result<Service, ModerationError> {
        let updated = {
            let held = self.lock_writes();
            let live = self
                .store()
                .service(service)?
                .ok_or(ModerationError::NotFound("service"))?;
            let record = [Record::Service(Box::new(live.clone()))];
            let editor = live.organization_id.is_some_and(|o| account.can_edit(o));
            if !editor && !self.may_moderate_records(account, &record)? {
                return Err(ModerationError::Forbidden(
                    "you neither edit nor moderate this listing",
                ));
            }
            let mut updated = live;
            updated.assured_date = Some(crate::search::query::london_time(now).date());
            updated.assurer_email = Some(account.email.clone());
            updated.last_modified = None;
            let changes = ChangeSet {
                services: vec![updated.clone()],
                provenance: Some(Provenance {
                    actor: Actor::Account(account.id),
                    why: "confirmed still correct".to_owned(),
                    proposal: None,
                }),
                ..ChangeSet::default()
            };
            self.apply_locked(&held, &changes)?;
            updated
        };
        self.wait_for_index()?;
        tracing::info!(service_id = %service, "listing confirmed still correct");
        Ok(updated)
    }

    /// Says whether a service takes referrals now: published at once (no moderation, it is
    /// the service's state of the day), searchable when this returns, and audited. Editors
    /// of the organisation and its moderators may.
    pub fn set_capacity(
        &self,
        account: &Account,
        service: ServiceId,
        state: crate::domain::capacity::CapacityState,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::capacity::Capacity, ModerationError> {
        let capacity = crate::domain::capacity::Capacity {
            state,
            updated: now,
        };
        {
            let held = self.lock_writes();
            let live = self
                .store()
                .service(service)?
                .ok_or(ModerationError::NotFound("service"))?;
            let editor = live.organization_id.is_some_and(|o| account.can_edit(o));
            let record = [Record::Service(Box::new(live))];
            if !editor && !self.may_moderate_records(account, &record)? {
                return Err(ModerationError::Forbidden(
                    "you neither edit nor moderate this listing",
                ));
            }
            let generation = self.store().set_capacity(service, &capacity)?;
            self.queue_index(&held, service, generation);
        }
        self.wait_for_index()?;
        self.store().append_audit(&AuditEntry {
            at: now,
            actor: Some(account.id),
            action: AuditAction::CapacitySet,
            subject: Some(format!("service/{service}")),
            detail: state.name().to_owned(),
        })?;
        tracing::info!(service_id = %service, capacity = state.name(), "capacity published");
        Ok(capacity)
    }

    /// Replaces the questions a service's organisation asks with every referral (published
    /// at once, audited). Editors of the organisation and its moderators may.
    pub fn set_referral_questions(
        &self,
        account: &Account,
        service: ServiceId,
        questions: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), ModerationError> {
        let live = self
            .store()
            .service(service)?
            .ok_or(ModerationError::NotFound("service"))?;
        let editor = live.organization_id.is_some_and(|o| account.can_edit(o));
        if !editor && !self.may_moderate_records(account, &[Record::Service(Box::new(live))])? {
            return Err(ModerationError::Forbidden(
                "you neither edit nor moderate this listing",
            ));
        }
        self.store().set_referral_questions(service, questions)?;
        self.store().append_audit(&AuditEntry {
            at: now,
            actor: Some(account.id),
            action: AuditAction::ReferralQuestionsSet,
            subject: Some(format!("service/{service}")),
            detail: format!("{} questions", questions.len()),
        })?;
        Ok(())
    }

    /// A record's history, oldest first, for a moderator who looks after it.
    pub fn history_for(
        &self,
        moderator: &Account,
        key: RecordKey,
    ) -> Result<Vec<HistoryEntry>, ModerationError> {
        let history = self.store().history(key)?;
        let records: Vec<Record> = history.iter().map(|h| h.after.clone()).collect();
        if history.is_empty() || !self.may_moderate_records(moderator, &records)? {
            return Err(ModerationError::NotFound("record"));
        }
        Ok(history)
    }

    /// Makes version `index` (0: the first in the history) of a record live again.
    pub fn restore(
        &self,
        moderator: &Account,
        key: RecordKey,
        index: usize,
        why: &str,
    ) -> Result<(), ModerationError> {
        let why = crate::domain::moderation::note(why, true)
            .map_err(|e| ModerationError::Invalid(format!("the reason {e}")))?;
        {
            let held = self.lock_writes();
            let history = self.history_for(moderator, key)?;
            let version = history
                .get(index)
                .ok_or(ModerationError::NotFound("version"))?
                .after
                .clone();
            let mut changes = ChangeSet {
                provenance: Some(Provenance {
                    actor: Actor::Account(moderator.id),
                    why: format!("restored an earlier version: {why}"),
                    proposal: None,
                }),
                ..ChangeSet::default()
            };
            push_record(&mut changes, version);
            self.apply_locked(&held, &changes)?;
        }
        self.wait_for_index()?;
        self.store().append_audit(&AuditEntry {
            at: Utc::now(),
            actor: Some(moderator.id),
            action: AuditAction::RecordRestored,
            subject: Some(format!("{}/{}", key.kind.as_str(), key.id)),
            detail: why,
        })?;
        Ok(())
    }

    /// Closes a problem report, saying what was done.
    pub fn resolve_report(
        &self,
        moderator: &Account,
        id: RecordId,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<ProblemReport, ModerationError> {
        let note = crate::domain::moderation::note(note, true)
            .map_err(|e| ModerationError::Invalid(format!("the note {e}")))?;
        let mut report = self
            .store()
            .reports()?
            .into_iter()
            .find(|r| r.id == id && r.resolved.is_none())
            .ok_or(ModerationError::NotFound("report"))?;
        let about: Vec<Record> = self
            .store()
            .service(report.service_id)?
            .map(|s| Record::Service(Box::new(s)))
            .into_iter()
            .collect();
        if !self.may_moderate_records(moderator, &about)? {
            return Err(ModerationError::NotFound("report"));
        }
        report.resolved = Some(Decision {
            by: moderator.id,
            at: now,
            reason: Some(note.clone()),
        });
        self.store().update_report(&report)?;
        self.store().append_audit(&AuditEntry {
            at: now,
            actor: Some(moderator.id),
            action: AuditAction::ReportResolved,
            subject: Some(format!("report/{id}")),
            detail: note,
        })?;
        Ok(report)
    }

    fn audit(
        &self,
        actor: &Account,
        action: AuditAction,
        proposal: &Proposal,
        detail: &str,
    ) -> Result<(), CatalogError> {
        Ok(self.store().append_audit(&AuditEntry {
            at: Utc::now(),
            actor: Some(actor.id),
            action,
            subject: Some(format!("proposal/{}", proposal.id)),
            detail: detail.to_owned(),
        })?)
    }
}

fn why_of(proposal: &Proposal) -> String {
    if proposal.note.is_empty() {
        "approved change".to_owned()
    } else {
        proposal.note.clone()
    }
}

/// The change set that publishes `proposal` (with the proposal itself, as decided).
fn changes_of(proposal: &Proposal, provenance: Provenance) -> ChangeSet {
    let mut changes = ChangeSet {
        provenance: Some(provenance),
        proposals: vec![proposal.clone()],
        ..ChangeSet::default()
    };
    for record in &proposal.records {
        push_record(&mut changes, record.clone());
    }
    changes
}

fn push_record(changes: &mut ChangeSet, record: Record) {
    match record {
        Record::Organization(o) => changes.organizations.push(o),
        Record::Location(l) => changes.locations.push(l),
        Record::Service(mut s) => {
            // The store stamps the time of this write.
            s.last_modified = None;
            changes.services.push(*s);
        }
    }
}
