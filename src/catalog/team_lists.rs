//! Team lists: saved by link workers, shared with their team (a PCN or a locality), reused.

use chrono::{DateTime, Utc};

use super::Catalog;
use super::moderation::ModerationError;
use crate::domain::account::{Account, Role};
use crate::domain::ids::ServiceId;
use crate::domain::team_list::{ListProblem, TeamList, check_list};

/// Why a list could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The list was refused (no name, empty, resident details).
    #[error("{0}")]
    Refused(ListProblem),
    /// Not allowed, or the store failed.
    #[error(transparent)]
    Moderation(#[from] ModerationError),
}

impl From<crate::store::StoreError> for ListError {
    fn from(error: crate::store::StoreError) -> Self {
        ListError::Moderation(error.into())
    }
}

/// Whether an account keeps team lists: link workers.
pub fn keeps_lists(account: &Account) -> bool {
    account.roles.contains(&Role::LinkWorker)
}

fn may_read(account: &Account, list: &TeamList) -> bool {
    list.owner == account.id || (list.shared_with.is_some() && list.shared_with == account.team)
}

impl Catalog {
    /// The lists `account` may use: its own, and those shared with its team; newest first.
    pub fn team_lists_for(&self, account: &Account) -> Result<Vec<TeamList>, ModerationError> {
        if !keeps_lists(account) {
            return Err(ModerationError::Forbidden(
                "team lists are for link workers",
            ));
        }
        let mut lists: Vec<TeamList> = self
            .store()
            .team_lists()?
            .into_iter()
            .filter(|list| may_read(account, list))
            .collect();
        lists.sort_by_key(|list| std::cmp::Reverse(list.saved));
        Ok(lists)
    }

    /// One list, if `account` may use it (otherwise "not found": a list another team keeps
    /// is not even said to exist).
    pub fn team_list_for(
        &self,
        account: &Account,
        id: uuid::Uuid,
    ) -> Result<TeamList, ModerationError> {
        if !keeps_lists(account) {
            return Err(ModerationError::Forbidden(
                "team lists are for link workers",
            ));
        }
        self.store()
            .team_list(id)?
            .filter(|list| may_read(account, list))
            .ok_or(ModerationError::NotFound("list"))
    }

    /// Saves `services` as a list of `account`'s, shared with its team when `share`.
    pub fn save_team_list(
        &self,
        account: &Account,
        name: &str,
        note: &str,
        services: Vec<ServiceId>,
        share: bool,
        now: DateTime<Utc>,
    ) -> Result<TeamList, ListError> {
        if !keeps_lists(account) {
            return Err(ModerationError::Forbidden("team lists are for link workers").into());
        }
        let (name, note) = check_list(name, note, &services).map_err(ListError::Refused)?;
        let list = TeamList {
            id: uuid::Uuid::new_v4(),
            name,
            note,
            services: services
                .into_iter()
                .take(crate::domain::team_list::MOST_SERVICES)
                .collect(),
            owner: account.id,
            owner_name: account.name.clone(),
            shared_with: if share { account.team.clone() } else { None },
            saved: now,
        };
        self.store().put_team_list(&list)?;
        tracing::info!(list_id = %list.id, shared = list.shared_with.is_some(), "team list saved");
        Ok(list)
    }

    /// Deletes a list (its owner only).
    pub fn delete_team_list(
        &self,
        account: &Account,
        id: uuid::Uuid,
    ) -> Result<(), ModerationError> {
        let list = self.team_list_for(account, id)?;
        if list.owner != account.id {
            return Err(ModerationError::Forbidden("only its owner deletes a list"));
        }
        Ok(self.store().remove_team_list(id)?)
    }
}
