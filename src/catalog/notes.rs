//! Professional notes: written by link workers, read by link workers and moderators,
//! hidden by moderators. Never public, never in the API or exports.

use chrono::{DateTime, Utc};

use super::Catalog;
use super::moderation::ModerationError;
use crate::domain::account::{Account, AuditAction, AuditEntry, Role};
use crate::domain::ids::ServiceId;
use crate::domain::note::{NoteProblem, ProfessionalNote, check_note};

/// Why a note could not be added.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    /// The note was refused (resident data, empty, too long).
    #[error("{0}")]
    Refused(NoteProblem),
    /// Not found, not allowed, or the store failed.
    #[error(transparent)]
    Moderation(#[from] ModerationError),
}

impl From<crate::store::StoreError> for NoteError {
    fn from(error: crate::store::StoreError) -> Self {
        NoteError::Moderation(error.into())
    }
}

/// Whether an account reads professional notes: link workers and moderators.
pub fn reads_notes(account: &Account) -> bool {
    account.roles.contains(&Role::LinkWorker) || account.is_moderator()
}

impl Catalog {
    /// A service's notes for `account`, newest first (hidden ones only for moderators).
    pub fn notes_for(
        &self,
        account: &Account,
        service: ServiceId,
    ) -> Result<Vec<ProfessionalNote>, ModerationError> {
        if !reads_notes(account) {
            return Err(ModerationError::Forbidden("notes are for link workers"));
        }
        let mut notes: Vec<ProfessionalNote> = self
            .store()
            .notes_of(service)?
            .into_iter()
            .filter(|note| note.hidden.is_none() || account.is_moderator())
            .collect();
        notes.sort_by_key(|note| std::cmp::Reverse(note.created));
        Ok(notes)
    }

    /// Adds a link worker's note to a service, refusing anything that looks like a
    /// resident's details (the service's own numbers and addresses are fine).
    pub fn add_note(
        &self,
        account: &Account,
        service: ServiceId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<ProfessionalNote, NoteError> {
        if !account.roles.contains(&Role::LinkWorker) {
            return Err(ModerationError::Forbidden("notes are written by link workers").into());
        }
        let live = self
            .store()
            .service(service)?
            .ok_or(ModerationError::NotFound("service"))?;
        let mut own: Vec<String> = Vec::new();
        own.extend(live.email.iter().map(|e| e.as_str().to_owned()));
        own.extend(live.referral_email.iter().map(|e| e.as_str().to_owned()));
        own.extend(live.referral_phone.iter().map(|p| p.as_str().to_owned()));
        own.extend(live.phones.iter().map(|p| p.number.as_str().to_owned()));
        for contact in &live.contacts {
            own.extend(contact.email.iter().map(|e| e.as_str().to_owned()));
            own.extend(contact.phones.iter().map(|p| p.number.as_str().to_owned()));
        }
        let text = check_note(text, &own).map_err(NoteError::Refused)?;
        let note = ProfessionalNote {
            id: uuid::Uuid::new_v4(),
            service,
            author: account.id,
            author_name: account.name.clone(),
            text,
            created: now,
            hidden: None,
        };
        self.store().put_note(&note)?;
        self.store().append_audit(&AuditEntry {
            at: now,
            actor: Some(account.id),
            action: AuditAction::NoteAdded,
            subject: Some(format!("service/{service}")),
            detail: format!("note {}", note.id),
        })?;
        Ok(note)
    }

    /// Hides a note (moderators); it stays in the store, shown to no one but moderators.
    pub fn hide_note(
        &self,
        moderator: &Account,
        service: ServiceId,
        note: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), ModerationError> {
        if !moderator.is_moderator() {
            return Err(ModerationError::Forbidden("only moderators hide notes"));
        }
        let mut found = self
            .store()
            .notes_of(service)?
            .into_iter()
            .find(|n| n.id == note)
            .ok_or(ModerationError::NotFound("note"))?;
        found.hidden = Some((moderator.id, now));
        self.store().put_note(&found)?;
        self.store().append_audit(&AuditEntry {
            at: now,
            actor: Some(moderator.id),
            action: AuditAction::NoteHidden,
            subject: Some(format!("service/{service}")),
            detail: format!("note {note}"),
        })?;
        Ok(())
    }
}
