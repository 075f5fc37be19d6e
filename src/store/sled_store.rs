//! [`Store`] on sled 0.34: the only module that touches sled.
//!
//! Layout: one sled tree per table, named in [`Table`]; values are the records' JSON,
//! zstd-compressed when long enough to gain ([`codec`]), services, organizations and
//! locations with a dictionary trained on their table's records (kept in the
//! `dictionaries` tree, see [`SledStore::train_due`]); keys are the 16 bytes of the
//! record's UUID. Secondary trees map organization and location ids to the ids of their
//! services (one entry a parent, its value the services' ids in order: [`ServiceList`];
//! before format 6 an entry a pair, `parent ++ service`), link ids to services, and
//! organization names to ids, and are updated in the same transaction as the records they
//! index; services by taxonomy term are found by reading the services
//! ([`Store::services_with_terms`]). The `meta` tree holds the format version, the
//! generation counter and record counts; the `changes` tree holds when and by whom each
//! generation's records were written, which their history entries refer to. A record's
//! creation has no entry: the generation that created it is kept at the start of its value
//! (its origin, [`codec::with_origin`]); records created before format 5 have one. Writes
//! are serialised by a mutex (one writer at a time) and flushed before [`Store::apply`]
//! returns.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};

use super::backup::{BackupError, BackupReader, BackupSummary, BackupWriter, Item};
use super::codec::{self, Dictionaries, Dictionary};
use super::seal::Seal;
use super::{
    Applied, ChangeSet, Counts, FORMAT_VERSION, OLDEST_FORMAT_READ, Store, StoreError, WriteOutcome,
};
use crate::domain::account::{Account, AccountId, ApiToken, AuditEntry, OneTimeToken, Session};
use crate::domain::capacity::Capacity;
use crate::domain::claim::ClaimRequest;
use crate::domain::feed::{CachedRecord, Feed, Source, StagedRecord};
use crate::domain::ids::{
    LocationId, OrganizationId, ProposalId, ServiceAtLocationId, ServiceId, TaxonomyId,
    TaxonomyTermId,
};
use crate::domain::location::CachedPostcode;
use crate::domain::location::Location;
use crate::domain::moderation::{
    HistoryEntry, Proposal, Provenance, Record, RecordKey, RecordKind,
};
use crate::domain::note::ProfessionalNote;
use crate::domain::organization::Organization;
use crate::domain::reminder::OutboxMessage;
use crate::domain::report::ProblemReport;
use crate::domain::service::Service;
use crate::domain::taxonomy::{Taxonomy, TaxonomyTerm};
use crate::domain::team_list::TeamList;
use crate::domain::values::Email;

/// The store's tables, in the order their trees are opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Table {
    Meta,
    Services,
    Organizations,
    OrganizationsByName,
    Locations,
    Taxonomies,
    TaxonomyTerms,
    /// An organization's services: a [`ServiceList`] under its id.
    ServicesByOrganization,
    /// A location's services: a [`ServiceList`] under its id.
    ServicesByLocation,
    /// Written before format 4; emptied when such a store is opened, kept for its backups.
    ServicesByTerm,
    ServiceAtLocations,
    Reports,
    Accounts,
    AccountEmails,
    Sessions,
    Tokens,
    Audit,
    Proposals,
    History,
    ApiTokens,
    Outbox,
    Claims,
    Feeds,
    Staged,
    Sources,
    PostcodeCache,
    FeedCache,
    Capacity,
    Notes,
    TeamLists,
    ReferralQuestions,
    Changes,
    Dictionaries,
}

impl Table {
    const ALL: [Table; 33] = [
        Table::Meta,
        Table::Services,
        Table::Organizations,
        Table::OrganizationsByName,
        Table::Locations,
        Table::Taxonomies,
        Table::TaxonomyTerms,
        Table::ServicesByOrganization,
        Table::ServicesByLocation,
        Table::ServicesByTerm,
        Table::ServiceAtLocations,
        Table::Reports,
        Table::Accounts,
        Table::AccountEmails,
        Table::Sessions,
        Table::Tokens,
        Table::Audit,
        Table::Proposals,
        Table::History,
        Table::ApiTokens,
        Table::Outbox,
        Table::Claims,
        Table::Feeds,
        Table::Staged,
        Table::Sources,
        Table::PostcodeCache,
        Table::FeedCache,
        Table::Capacity,
        Table::Notes,
        Table::TeamLists,
        Table::ReferralQuestions,
        Table::Changes,
        Table::Dictionaries,
    ];

    fn tree_name(self) -> &'static str {
        match self {
            Table::Meta => "meta",
            Table::Services => "services",
            Table::Organizations => "organizations",
            Table::OrganizationsByName => "organizations_by_name",
            Table::Locations => "locations",
            Table::Taxonomies => "taxonomies",
            Table::TaxonomyTerms => "taxonomy_terms",
            Table::ServicesByOrganization => "services_by_organization",
            Table::ServicesByLocation => "services_by_location",
            Table::ServicesByTerm => "services_by_term",
            Table::ServiceAtLocations => "service_at_locations",
            Table::Reports => "reports",
            Table::Accounts => "accounts",
            Table::AccountEmails => "account_emails",
            Table::Sessions => "sessions",
            Table::Tokens => "tokens",
            Table::Audit => "audit",
            Table::Proposals => "proposals",
            Table::History => "history",
            Table::ApiTokens => "api_tokens",
            Table::Outbox => "outbox",
            Table::Claims => "claims",
            Table::Feeds => "feeds",
            Table::Staged => "staged",
            Table::Sources => "sources",
            Table::PostcodeCache => "postcode_cache",
            Table::FeedCache => "feed_cache",
            Table::Capacity => "capacity",
            Table::Notes => "notes",
            Table::TeamLists => "team_lists",
            Table::ReferralQuestions => "referral_questions",
            Table::Changes => "changes",
            Table::Dictionaries => "dictionaries",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Whether the table holds the directory's vocabulary: a few dozen records, read for
    /// nearly every service joined or indexed. They are kept as JSON: compressing them
    /// saves nothing that matters and costs every read (a small frame's tables are rebuilt
    /// to read it).
    fn is_vocabulary(self) -> bool {
        matches!(self, Table::Taxonomies | Table::TaxonomyTerms)
    }

    /// The tables compressed with a dictionary of their own: the directory's records,
    /// nearly all of the store.
    const WITH_DICTIONARY: [Table; 3] = [Table::Organizations, Table::Locations, Table::Services];

    fn keeps_dictionary(self) -> bool {
        Self::WITH_DICTIONARY.contains(&self)
    }

    fn from_tree_name(name: &[u8]) -> Option<Table> {
        Table::ALL
            .into_iter()
            .find(|table| table.tree_name().as_bytes() == name)
    }
}

/// What [`SledStore::transact`] did: services written with their outcomes, what else
/// changed, and the generation after it.
type Transacted = (Vec<(ServiceId, WriteOutcome)>, Changed, u64);

const FORMAT_KEY: &[u8] = b"format_version";
/// How long a locked store is retried before it is reported as in use.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// sled's page cache. Its default (1 GiB) let a 100k-service directory hold about a
/// gigabyte resident; pages a search needs are few and the operating system caches the file
/// too (see BENCHMARKS.md).
const CACHE_BYTES: u64 = 64 * 1024 * 1024;
const GENERATION_KEY: &[u8] = b"generation";
/// Durable writes made (every kind, not only changes to records): compared with the seal.
const WRITES_KEY: &[u8] = b"writes";
const SAMPLE_DATA_KEY: &[u8] = b"sample_data";
/// A table's first dictionary is trained once it holds this many records (with those being
/// written): fewer are too few to learn from, and a table that small takes little room.
const TRAIN_AT: u64 = 500;
/// A table is trained again when it has grown this many times over since its newest
/// dictionary was trained: a directory imported 500 services at a time learns from its
/// first batch, then from 4,000 records, 32,000 and so on.
const RETRAIN_GROWTH: u64 = 8;
/// Records a dictionary learns from at most (the table's first in key order, which are
/// in no particular order of content, and those being written).
const TRAINING_SAMPLES: usize = 2_000;

/// The newest dictionary of each table with one (by [`Table::index`]): the one its
/// records are written with.
type Encoders = Vec<Option<Arc<Dictionary>>>;
/// A record's JSON, as serialised.
type Json = Vec<u8>;

/// The sled-backed store.
pub struct SledStore {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    /// Every dictionary the store holds, which reads every record written with one.
    dictionaries: Dictionaries,
    /// Changed only by the one writer, read by its transactions.
    encoders: Mutex<Encoders>,
    /// For each table whose training made no dictionary (its records too few or too short
    /// to compress): the size it is tried again at, not at every write. Not kept: tried
    /// again once after a restart.
    retry_at: Mutex<Vec<u64>>,
    writer: Mutex<()>,
    path: PathBuf,
    seal: Seal,
}

fn engine(error: sled::Error) -> StoreError {
    StoreError::Engine(error.to_string())
}

impl SledStore {
    /// Opens (creating if needed) the store in `dir`, checking its format version.
    ///
    /// The lock of a store closed an instant ago (by this process, or by one that just
    /// exited) is released asynchronously by sled's background threads, so a locked store
    /// is retried for up to [`LOCK_WAIT`] before it is reported as in use.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let path_text = dir.display().to_string();
        let started = std::time::Instant::now();
        let db = loop {
            // sled may panic on some damage rather than return an error: reported as damage.
            let opened = std::panic::catch_unwind(|| {
                sled::Config::new()
                    .path(dir)
                    .cache_capacity(CACHE_BYTES)
                    .open()
            })
            .map_err(|_| {
                StoreError::Engine(format!(
                    "cannot open the store in {path_text}: the storage engine failed reading it (damaged files?)"
                ))
            })?;
            match opened {
                Ok(db) => break db,
                Err(error) if error.to_string().contains("could not acquire lock") => {
                    if started.elapsed() >= LOCK_WAIT {
                        return Err(StoreError::Locked { path: path_text });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(error) => {
                    return Err(StoreError::Engine(format!(
                        "cannot open the store in {path_text}: {error}"
                    )));
                }
            }
        };
        let trees = Table::ALL
            .iter()
            .map(|table| db.open_tree(table.tree_name()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(engine)?;
        let store = Self {
            db,
            trees,
            dictionaries: Dictionaries::default(),
            encoders: Mutex::new(vec![None; Table::ALL.len()]),
            retry_at: Mutex::new(vec![0; Table::ALL.len()]),
            writer: Mutex::new(()),
            path: dir.to_path_buf(),
            seal: Seal::of(dir),
        };
        store.check_seal()?;
        store.check_format()?;
        if !store.tree(Table::ServicesByTerm).is_empty() {
            // Written before format 4, read by nothing since.
            store.durably(|| store.tree(Table::ServicesByTerm).clear().map_err(engine))?;
        }
        store.load_dictionaries()?;
        let empty = ChangeSet::default();
        if !store.due_for_training(&empty)?.is_empty() {
            // A store written before format 3, or by a build with other thresholds.
            store.durably(|| store.train_due(&empty))?;
        }
        Ok(store)
    }

    /// Reads the dictionaries kept in the store: every one reads records, the newest of
    /// each table writes them.
    fn load_dictionaries(&self) -> Result<(), StoreError> {
        let mut encoders = self.encoders();
        for entry in self.tree(Table::Dictionaries).iter() {
            let (key, value) = entry.map_err(engine)?;
            let corrupt = |detail: String| StoreError::Corrupt {
                kind: "dictionary",
                key: String::from_utf8_lossy(&key).into_owned(),
                detail,
            };
            let name = key.split(|byte| *byte == 0).next().unwrap_or_default();
            let table = Table::from_tree_name(name)
                .filter(|table| table.keeps_dictionary())
                .ok_or_else(|| corrupt("not a table with a dictionary".to_owned()))?;
            if value.len() < 8 {
                return Err(corrupt("too short".to_owned()));
            }
            let (trained_on, bytes) = value.split_at(8);
            let dictionary =
                Dictionary::new(bytes.to_vec(), read_u64(trained_on)).map_err(corrupt)?;
            let dictionary = Arc::new(dictionary);
            self.dictionaries.add(dictionary.clone()).map_err(corrupt)?;
            // Keys sort by table, then by when trained: the last one seen is the newest.
            encoders[table.index()] = Some(dictionary);
        }
        Ok(())
    }

    fn encoders(&self) -> std::sync::MutexGuard<'_, Encoders> {
        self.encoders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn retry_at(&self) -> std::sync::MutexGuard<'_, Vec<u64>> {
        self.retry_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The tables whose dictionary is due once `changes` are written, with the records of
    /// theirs the change writes.
    fn due_for_training(&self, changes: &ChangeSet) -> Result<Vec<(Table, Vec<Json>)>, StoreError> {
        let encoders = self.encoders().clone();
        let retry_at = self.retry_at().clone();
        let mut due = Vec::new();
        for table in Table::WITH_DICTIONARY {
            let pending = match table {
                Table::Organizations => changes.organizations.len(),
                Table::Locations => changes.locations.len(),
                _ => changes.services.len(),
            } as u64;
            let total = self.meta_u64(&count_key(table))? + pending;
            let threshold = encoders[table.index()]
                .as_ref()
                .map_or(TRAIN_AT, |newest| {
                    newest.trained_on().saturating_mul(RETRAIN_GROWTH)
                })
                .max(retry_at[table.index()]);
            if total < threshold {
                continue;
            }
            let written = match table {
                Table::Organizations => json_of(&changes.organizations),
                Table::Locations => json_of(&changes.locations),
                _ => json_of(&changes.services),
            };
            due.push((table, written));
        }
        Ok(due)
    }

    /// Trains the dictionaries due (see [`TRAIN_AT`], [`RETRAIN_GROWTH`]) before `changes`
    /// are written, and keeps them durably before any record is written with them. A
    /// table's first dictionary also rewrites the records it already holds with it. Called
    /// by the one writer.
    fn train_due(&self, changes: &ChangeSet) -> Result<(), StoreError> {
        for (table, written) in self.due_for_training(changes)? {
            let total = self.meta_u64(&count_key(table))? + written.len() as u64;
            // Half the samples at least from the records held, when there are so many.
            let from_held = TRAINING_SAMPLES - written.len().min(TRAINING_SAMPLES / 2);
            let mut samples: Vec<Json> = Vec::with_capacity(TRAINING_SAMPLES);
            for entry in self.tree(table).iter().values().take(from_held) {
                // A record that cannot be read is reported when it is read, not here: it
                // is only left out of the samples.
                if let Ok(json) = codec::unpack(&entry.map_err(engine)?, &self.dictionaries) {
                    samples.push(json.into_owned());
                }
            }
            samples.extend(written);
            samples.retain(|json| json.len() >= codec::SMALLEST_PACKED);
            samples.truncate(TRAINING_SAMPLES);
            let first = self.encoders()[table.index()].is_none();
            let started = std::time::Instant::now();
            let trained = (samples.len() as u64 >= TRAIN_AT / 2)
                .then(|| codec::train(&samples))
                .flatten()
                .and_then(|bytes| Dictionary::new(bytes, total).ok())
                .map(Arc::new)
                .filter(|dictionary| match self.dictionaries.add(dictionary.clone()) {
                    Ok(()) => true,
                    Err(clash) => {
                        tracing::warn!(store.table = table.tree_name(), %clash, "dictionary not kept");
                        false
                    }
                });
            let Some(dictionary) = trained else {
                // Too few records long enough to compress, or too alike: tried again when
                // the table has grown as much again.
                tracing::debug!(store.table = table.tree_name(), "no dictionary trained");
                self.retry_at()[table.index()] = total.saturating_mul(RETRAIN_GROWTH);
                continue;
            };
            let tree = self.tree(Table::Dictionaries);
            let mut key = table.tree_name().as_bytes().to_vec();
            key.push(0);
            let sequence = tree.scan_prefix(&key).count() as u32;
            key.extend_from_slice(&sequence.to_be_bytes());
            let mut value = dictionary.trained_on().to_be_bytes().to_vec();
            value.extend_from_slice(dictionary.bytes());
            tree.insert(key, value).map_err(engine)?;
            // Durable before any record names it.
            self.db.flush().map_err(engine)?;
            self.encoders()[table.index()] = Some(dictionary.clone());
            let rewritten = if first {
                self.repack(table, &dictionary)?
            } else {
                0
            };
            tracing::info!(
                store.table = table.tree_name(),
                store.dictionary = dictionary.id(),
                store.samples = samples.len(),
                store.rewritten = rewritten,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "dictionary trained"
            );
        }
        Ok(())
    }

    /// Rewrites the records of `table` written without a dictionary with `dictionary`
    /// (the same JSON, not a change: no history, no generation); returns how many.
    fn repack(&self, table: Table, dictionary: &Dictionary) -> Result<u64, StoreError> {
        /// Records rewritten in one batch.
        const BATCH: usize = 10_000;
        let tree = self.tree(table);
        let mut rewritten = 0;
        let mut batch = sled::Batch::default();
        let mut batched = 0;
        for entry in tree.iter() {
            let (key, bytes) = entry.map_err(engine)?;
            if codec::dictionary_of(&bytes).is_some() {
                continue;
            }
            let json = unpack(&self.dictionaries, "record", &key, &bytes)?;
            let packed = codec::pack(&json, Some(dictionary));
            let packed = match codec::origin(&bytes) {
                Some(generation) => codec::with_origin(generation, &packed),
                None => packed.into_owned(),
            };
            if packed.len() < bytes.len() {
                batch.insert(key, packed);
                batched += 1;
                rewritten += 1;
            }
            if batched >= BATCH {
                tree.apply_batch(std::mem::take(&mut batch))
                    .map_err(engine)?;
                batched = 0;
            }
        }
        tree.apply_batch(batch).map_err(engine)?;
        Ok(rewritten)
    }

    /// The transaction of [`Store::apply`]: the services written with their outcomes, what
    /// else changed, and the generation after it.
    ///
    /// Records are serialised and compressed before the transaction starts: sled holds one
    /// lock for the whole process while a transaction runs, and every read of the store (the
    /// indexer's, the server's) waits for it to end.
    fn transact(&self, changes: &ChangeSet, now: DateTime<Utc>) -> Result<Transacted, StoreError> {
        let encoders = self.encoders().clone();
        let prepared = Prepared::of(changes, now, &encoders)?;
        let outcome = self.trees.as_slice().transaction(|trees| {
            let tx = Tx::new(trees, &self.dictionaries);
            let mut changed = Changed::default();
            let mut wrote_anything = false;
            // The generation this change brings the store to, if it writes anything.
            let current = tx
                .get_raw(Table::Meta, GENERATION_KEY)?
                .map_or(0, |bytes| read_u64(&bytes));
            let next = current + 1;
            // (before, key) of every organization, location and service written.
            let mut history: Vec<(Option<Record>, RecordKey)> = Vec::new();
            for (organization, encoded) in changes.organizations.iter().zip(&prepared.organizations)
            {
                if let Some(before) =
                    tx.write_organization(organization, encoded, next, &mut changed)?
                {
                    wrote_anything = true;
                    history.push((
                        before.map(Record::Organization),
                        RecordKey::organization(organization.id),
                    ));
                }
            }
            for (location, encoded) in changes.locations.iter().zip(&prepared.locations) {
                let key = location.id.as_bytes();
                let (outcome, old) = tx.put(Table::Locations, key, encoded, Some(next))?;
                if outcome != WriteOutcome::Unchanged {
                    wrote_anything = true;
                    let before: Option<Location> = tx.decode_old("location", key, old)?;
                    if before.is_some() {
                        changed.locations.push(location.id);
                    }
                    history.push((
                        before.map(Record::Location),
                        RecordKey::location(location.id),
                    ));
                }
            }
            for (taxonomy, encoded) in changes.taxonomies.iter().zip(&prepared.taxonomies) {
                let (outcome, _) =
                    tx.put(Table::Taxonomies, taxonomy.id.as_bytes(), encoded, None)?;
                wrote_anything |= outcome != WriteOutcome::Unchanged;
            }
            for (term, encoded) in changes.taxonomy_terms.iter().zip(&prepared.terms) {
                let (outcome, _) =
                    tx.put(Table::TaxonomyTerms, term.id.as_bytes(), encoded, None)?;
                wrote_anything |= outcome != WriteOutcome::Unchanged;
                if outcome == WriteOutcome::Updated {
                    changed.terms.push(term.id);
                }
            }
            let mut services = Vec::with_capacity(changes.services.len());
            for (stamped, encoded) in &prepared.services {
                let (outcome, before) = tx.write_service(stamped, encoded, next)?;
                if outcome != WriteOutcome::Unchanged {
                    wrote_anything = true;
                    history.push((
                        before.map(|s| Record::Service(Box::new(s))),
                        RecordKey::service(stamped.id),
                    ));
                }
                services.push((stamped.id, outcome));
            }
            let generation = if wrote_anything {
                tx.insert(Table::Meta, GENERATION_KEY, &next.to_be_bytes())?;
                next
            } else {
                current
            };
            if !history.is_empty() {
                tx.insert(Table::Changes, &generation.to_be_bytes(), &prepared.change)?;
            }
            // A record created has no entry: its origin, kept with it, stands for one.
            for (before, key) in history.drain(..) {
                if let Some(before) = before {
                    let entry = StoredHistory {
                        before: Some(before),
                        ..StoredHistory::default()
                    };
                    let bytes = encode(&entry).map_err(ConflictableTransactionError::Abort)?;
                    tx.insert(Table::History, &history_key(key, generation), &bytes)?;
                }
            }
            for ((service, _), bytes) in changes.sources.iter().zip(&prepared.sources) {
                tx.insert(Table::Sources, service.as_bytes(), bytes)?;
            }
            for (proposal, bytes) in changes.proposals.iter().zip(&prepared.proposals) {
                tx.insert(Table::Proposals, proposal.id.as_bytes(), bytes)?;
            }
            tx.write_lists()?;
            Ok((services, changed, generation))
        });
        outcome.map_err(|error| match error {
            TransactionError::Abort(store_error) => store_error,
            TransactionError::Storage(engine_error) => engine(engine_error),
        })
    }

    /// Makes a store in `dir` (which must not hold one) from a backup, and seals it. Nothing
    /// is left in `dir` when the backup turns out damaged or of another format.
    pub fn restore(dir: &Path, input: impl std::io::Read) -> Result<BackupSummary, StoreError> {
        let seal = Seal::of(dir);
        let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
        if occupied || seal.read()?.is_some() {
            return Err(StoreError::Conflict(format!(
                "{} already holds a store; restore into an empty data directory",
                dir.display()
            )));
        }
        let restored = Self::restore_into(dir, input, &seal);
        if restored.is_err() {
            let _ = std::fs::remove_dir_all(dir);
            let _ = seal.remove();
        }
        restored
    }

    fn restore_into(
        dir: &Path,
        input: impl std::io::Read,
        seal: &Seal,
    ) -> Result<BackupSummary, StoreError> {
        /// Entries written to sled in one batch.
        const BATCH: usize = 10_000;
        let mut backup = BackupReader::new(input)?;
        if !(OLDEST_FORMAT_READ..=FORMAT_VERSION).contains(&backup.store_format()) {
            return Err(StoreError::IncompatibleFormat {
                path: "the backup".to_owned(),
                found: backup.store_format().to_string(),
                expected: FORMAT_VERSION,
            });
        }
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(engine)?;
        let mut tree: Option<sled::Tree> = None;
        let mut batch = sled::Batch::default();
        let mut batched = 0;
        let write = |tree: &Option<sled::Tree>, batch: &mut sled::Batch, batched: &mut usize| {
            if let Some(tree) = tree {
                tree.apply_batch(std::mem::take(batch)).map_err(engine)?;
            }
            *batched = 0;
            Ok::<_, StoreError>(())
        };
        while let Some(item) = backup.next_item()? {
            match item {
                Item::Table(name) => {
                    write(&tree, &mut batch, &mut batched)?;
                    if !Table::ALL.iter().any(|table| table.tree_name() == name) {
                        return Err(BackupError::Invalid(format!("unknown table {name}")).into());
                    }
                    tree = Some(db.open_tree(&name).map_err(engine)?);
                }
                Item::Record(key, value) => {
                    batch.insert(key, value);
                    batched += 1;
                    if batched >= BATCH {
                        write(&tree, &mut batch, &mut batched)?;
                    }
                }
            }
        }
        write(&tree, &mut batch, &mut batched)?;
        db.flush().map_err(engine)?;
        let writes = db
            .open_tree(Table::Meta.tree_name())
            .and_then(|meta| meta.get(WRITES_KEY))
            .map_err(engine)?
            .map_or(0, |bytes| read_u64(&bytes));
        seal.record(writes)?;
        Ok(backup.summary().clone())
    }

    /// A store behind its seal has lost acknowledged writes: refuse it.
    fn check_seal(&self) -> Result<(), StoreError> {
        let found = self.meta_u64(WRITES_KEY)?;
        match self.seal.read()? {
            Some(acknowledged) if found < acknowledged => Err(StoreError::Damaged {
                path: self.path.display().to_string(),
                found,
                acknowledged,
            }),
            // No seal yet (a new store, or one made before seals): start one.
            None if found > 0 => self.seal.record(found),
            _ => Ok(()),
        }
    }

    /// Runs `write` as the only writer, then counts it, flushes, and seals: when this
    /// returns `Ok`, the write is on disk and the seal records it.
    fn durably<T>(&self, write: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
        let _one_writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let value = write()?;
        let writes = self.meta_u64(WRITES_KEY)? + 1;
        self.tree(Table::Meta)
            .insert(WRITES_KEY, &writes.to_be_bytes())
            .map_err(engine)?;
        self.db.flush().map_err(engine)?;
        self.seal.record(writes)?;
        Ok(value)
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes what tests changed in the trees directly to disk.
    #[cfg(test)]
    pub(super) fn flush_for_test(&self) {
        self.db.flush().expect("flushed");
    }

    /// A kept value's JSON, read with the store's dictionaries.
    #[cfg(test)]
    pub(super) fn unpack_for_test(&self, value: &[u8]) -> Vec<u8> {
        codec::unpack(value, &self.dictionaries)
            .expect("readable")
            .into_owned()
    }

    pub(super) fn tree(&self, table: Table) -> &sled::Tree {
        &self.trees[table.index()]
    }

    fn check_format(&self) -> Result<(), StoreError> {
        let meta = self.tree(Table::Meta);
        match meta.get(FORMAT_KEY).map_err(engine)? {
            Some(bytes) => {
                let found = <[u8; 4]>::try_from(bytes.as_ref())
                    .map(u32::from_be_bytes)
                    .ok();
                match found {
                    Some(FORMAT_VERSION) => Ok(()),
                    Some(older) if (OLDEST_FORMAT_READ..FORMAT_VERSION).contains(&older) => {
                        if older < 6 {
                            self.regroup_lists()?;
                        }
                        tracing::info!(
                            store.format = older,
                            "store upgraded to format {FORMAT_VERSION}: its lists of services regrouped; its records are rewritten as they change, and with their table's dictionary once it is trained"
                        );
                        self.record_format()
                    }
                    _ => Err(StoreError::IncompatibleFormat {
                        path: self.path.display().to_string(),
                        found: found.map_or_else(|| "(unreadable)".to_owned(), |v| v.to_string()),
                        expected: FORMAT_VERSION,
                    }),
                }
            }
            None => {
                let has_data = self.trees.iter().any(|tree| !tree.is_empty());
                if has_data {
                    return Err(StoreError::IncompatibleFormat {
                        path: self.path.display().to_string(),
                        found: "(none recorded)".to_owned(),
                        expected: FORMAT_VERSION,
                    });
                }
                self.record_format()
            }
        }
    }

    fn record_format(&self) -> Result<(), StoreError> {
        self.tree(Table::Meta)
            .insert(FORMAT_KEY, &FORMAT_VERSION.to_be_bytes())
            .map_err(engine)?;
        self.db.flush().map_err(engine)?;
        Ok(())
    }

    fn get<T: DeserializeOwned>(
        &self,
        table: Table,
        kind: &'static str,
        key: &[u8; 16],
    ) -> Result<Option<T>, StoreError> {
        match self.tree(table).get(key).map_err(engine)? {
            Some(bytes) => decode(&self.dictionaries, kind, key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Every value kept under a feed's name in `table`.
    fn all_under<T: DeserializeOwned>(
        &self,
        table: Table,
        feed: &str,
        kind: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        self.tree(table)
            .scan_prefix(staged_prefix(feed))
            .map(|entry| {
                let (key, bytes) = entry.map_err(engine)?;
                decode(&self.dictionaries, kind, &key, &bytes)
            })
            .collect()
    }

    /// Replaces what is kept under a feed's name in `table` with `items` (key suffix,
    /// value), in one batch, flushed.
    fn replace_under<'a, T: Serialize + 'a>(
        &self,
        table: Table,
        feed: &str,
        items: impl Iterator<Item = (&'a [u8], &'a T)>,
    ) -> Result<(), StoreError> {
        let prefix = staged_prefix(feed);
        let tree = self.tree(table);
        let old: Vec<sled::IVec> = tree
            .scan_prefix(&prefix)
            .keys()
            .collect::<Result<_, _>>()
            .map_err(engine)?;
        let mut batch = sled::Batch::default();
        for key in old {
            batch.remove(key);
        }
        for (suffix, value) in items {
            let mut key = prefix.clone();
            key.extend_from_slice(suffix);
            batch.insert(key, encode(value)?);
        }
        self.durably(|| tree.apply_batch(batch).map_err(engine))
    }

    fn put_flushed(&self, table: Table, key: &[u8], bytes: &[u8]) -> Result<(), StoreError> {
        self.durably(|| {
            self.tree(table).insert(key, bytes).map_err(engine)?;
            Ok(())
        })
    }

    fn all<T: DeserializeOwned>(
        &self,
        table: Table,
        kind: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        self.tree(table)
            .iter()
            .map(|entry| {
                let (key, bytes) = entry.map_err(engine)?;
                decode(&self.dictionaries, kind, &key, &bytes)
            })
            .collect()
    }

    /// The services in an organization's or a location's list, in order of their ids.
    fn children(&self, table: Table, parent: &[u8; 16]) -> Result<Vec<ServiceId>, StoreError> {
        let Some(bytes) = self.tree(table).get(parent).map_err(engine)? else {
            return Ok(Vec::new());
        };
        Ok(ServiceList::read(parent, &bytes)?
            .into_iter()
            .map(|id| ServiceId::from_uuid(uuid::Uuid::from_bytes(id)))
            .collect())
    }

    /// Lists each organization's and location's services in one entry, as format 6 keeps
    /// them, where a store of an older format has an entry for each pair. A parent's pairs
    /// are replaced by its list in one batch (atomic in sled), so a store stopped midway
    /// holds each parent one way or the other, and is regrouped from where it stopped when
    /// it is opened again (its format is recorded only after this).
    fn regroup_lists(&self) -> Result<(), StoreError> {
        /// Parents regrouped in one batch.
        const BATCH: usize = 5_000;
        for table in [Table::ServicesByOrganization, Table::ServicesByLocation] {
            let tree = self.tree(table);
            let pairs = tree
                .iter()
                .keys()
                .filter(|key| key.as_ref().map_or(true, |key| key.len() == 32))
                .collect::<Result<Vec<_>, _>>()
                .map_err(engine)?;
            let mut batch = sled::Batch::default();
            let mut batched = 0;
            for group in pairs.chunk_by(|a, b| a[..16] == b[..16]) {
                let parent = &group[0][..16];
                let mut services = match tree.get(parent).map_err(engine)? {
                    Some(bytes) => ServiceList::read(parent, &bytes)?,
                    None => BTreeSet::new(),
                };
                for key in group {
                    services.insert(<[u8; 16]>::try_from(&key[16..]).expect("32-byte key"));
                    batch.remove(key);
                }
                batch.insert(parent, ServiceList::bytes(&services));
                batched += 1;
                if batched == BATCH {
                    tree.apply_batch(std::mem::take(&mut batch))
                        .map_err(engine)?;
                    batched = 0;
                }
            }
            tree.apply_batch(batch).map_err(engine)?;
        }
        self.db.flush().map_err(engine)?;
        Ok(())
    }

    /// The [`StoredChange`] under a generation's bytes, which a history entry of `record`
    /// refers to.
    fn change(&self, generation: &[u8], record: RecordKey) -> Result<StoredChange, StoreError> {
        let bytes = self
            .tree(Table::Changes)
            .get(generation)
            .map_err(engine)?
            .ok_or_else(|| StoreError::Corrupt {
                kind: "history entry",
                key: record.id.to_string(),
                detail: format!(
                    "the change of generation {} is missing",
                    read_u64(generation)
                ),
            })?;
        decode(&self.dictionaries, "change", generation, &bytes)
    }

    fn meta_u64(&self, key: &[u8]) -> Result<u64, StoreError> {
        Ok(self
            .tree(Table::Meta)
            .get(key)
            .map_err(engine)?
            .map_or(0, |bytes| read_u64(&bytes)))
    }

    /// Services whose indexed content depends on the changed records.
    fn dependants(&self, changed: &Changed) -> Result<BTreeSet<ServiceId>, StoreError> {
        let mut affected = BTreeSet::new();
        for id in &changed.organizations {
            affected.extend(self.services_of_organization(*id)?);
        }
        for id in &changed.locations {
            affected.extend(self.services_at_location(*id)?);
        }
        if !changed.terms.is_empty() {
            let terms = self.taxonomy_terms()?;
            let mut with_descendants: Vec<TaxonomyTermId> = changed.terms.clone();
            let mut grew = true;
            while grew {
                grew = false;
                for term in &terms {
                    let child_of_changed = term
                        .parent_id
                        .is_some_and(|parent| with_descendants.contains(&parent));
                    if child_of_changed && !with_descendants.contains(&term.id) {
                        with_descendants.push(term.id);
                        grew = true;
                    }
                }
            }
            affected.extend(self.services_with_terms(&with_descendants)?);
        }
        Ok(affected)
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_vec(value).map_err(|e| StoreError::Engine(e.to_string()))?;
    Ok(match codec::pack(&json, None) {
        std::borrow::Cow::Owned(packed) => packed,
        std::borrow::Cow::Borrowed(_) => json,
    })
}

fn decode<T: DeserializeOwned>(
    dictionaries: &Dictionaries,
    kind: &'static str,
    key: &[u8],
    bytes: &[u8],
) -> Result<T, StoreError> {
    parse(kind, key, &unpack(dictionaries, kind, key, bytes)?)
}

/// A kept value's JSON; an error names the record.
fn unpack<'a>(
    dictionaries: &Dictionaries,
    kind: &'static str,
    key: &[u8],
    bytes: &'a [u8],
) -> Result<std::borrow::Cow<'a, [u8]>, StoreError> {
    codec::unpack(bytes, dictionaries).map_err(|detail| corrupt(kind, key, detail))
}

/// A record from its JSON; an error names the record.
fn parse<T: DeserializeOwned>(
    kind: &'static str,
    key: &[u8],
    json: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(json).map_err(|error| corrupt(kind, key, error.to_string()))
}

fn corrupt(kind: &'static str, key: &[u8], detail: String) -> StoreError {
    StoreError::Corrupt {
        kind,
        key: uuid::Uuid::from_slice(key).map_or_else(|_| format!("{key:?}"), |id| id.to_string()),
        detail,
    }
}

/// A service's source; before sources kept the publisher's id they were the feed's name.
fn decode_source(
    dictionaries: &Dictionaries,
    service: ServiceId,
    bytes: &[u8],
) -> Result<Source, StoreError> {
    if bytes.first() == Some(&b'{') || codec::is_packed(bytes) {
        decode(dictionaries, "source", service.as_bytes(), bytes)
    } else {
        Ok(Source {
            feed: String::from_utf8_lossy(bytes).into_owned(),
            remote_id: service,
        })
    }
}

/// Records' JSON, to train a dictionary on.
fn json_of<T: Serialize>(records: &[T]) -> Vec<Json> {
    records
        .iter()
        .filter_map(|record| serde_json::to_vec(record).ok())
        .collect()
}

fn read_u64(bytes: &[u8]) -> u64 {
    <[u8; 8]>::try_from(bytes)
        .map(u64::from_be_bytes)
        .unwrap_or(0)
}

fn service_id_from(bytes: &[u8]) -> Result<ServiceId, StoreError> {
    uuid::Uuid::from_slice(bytes)
        .map(ServiceId::from_uuid)
        .map_err(|_| StoreError::Corrupt {
            kind: "index entry",
            key: format!("{bytes:?}"),
            detail: "not a UUID".to_owned(),
        })
}

fn name_key(name: &str, id: &[u8; 16]) -> Vec<u8> {
    let mut key = name.to_lowercase().into_bytes();
    key.push(0);
    key.extend_from_slice(id);
    key
}

/// Staged keys: the feed's name, a zero byte, then the service id.
fn staged_prefix(feed: &str) -> Vec<u8> {
    let mut prefix = feed.as_bytes().to_vec();
    prefix.push(0);
    prefix
}

/// A [`HistoryEntry`] as kept, under its [`history_key`]: the version replaced, if any.
///
/// The rest of the entry is kept once, not with every record the change wrote: the record
/// is in the entry's key, and when and by whom in the [`StoredChange`] of the key's
/// generation. The version written is not copied (an import would otherwise keep every
/// record twice): it is the next entry's `before` or, for the latest entry, the live
/// record. Entries written before format 2 hold their record's key, when and by whom;
/// before 2026-11-23, their `after` too. What an entry holds is used when present.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct StoredHistory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provenance: Option<Provenance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<Record>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Record>,
}

/// When and by whom the records of one transaction were written, under the generation it
/// brought the store to (big-endian).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredChange {
    at: DateTime<Utc>,
    provenance: Provenance,
}

/// History keys sort by record, then by the store generation of the change (oldest first).
fn history_key(key: RecordKey, generation: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(25);
    bytes.push(kind_byte(key.kind));
    bytes.extend_from_slice(key.id.as_bytes());
    bytes.extend_from_slice(&generation.to_be_bytes());
    bytes
}

pub(super) fn kind_byte(kind: RecordKind) -> u8 {
    match kind {
        RecordKind::Organization => b'o',
        RecordKind::Service => b's',
        RecordKind::Location => b'l',
    }
}

fn count_key(table: Table) -> Vec<u8> {
    format!("count.{}", table.tree_name()).into_bytes()
}

/// Records other than services whose change affects services' indexed content.
#[derive(Default)]
struct Changed {
    organizations: Vec<OrganizationId>,
    locations: Vec<LocationId>,
    terms: Vec<TaxonomyTermId>,
}

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

/// A record serialised for its table before a transaction: its JSON (to compare with what
/// is stored) and, when compressed, the bytes written.
struct Encoded {
    json: Json,
    packed: Option<Vec<u8>>,
}

impl Encoded {
    fn new<T: Serialize>(
        table: Table,
        record: &T,
        encoders: &Encoders,
    ) -> Result<Self, StoreError> {
        let json = serde_json::to_vec(record).map_err(|e| StoreError::Engine(e.to_string()))?;
        let packed = if table.is_vocabulary() {
            None
        } else {
            match codec::pack(&json, encoders[table.index()].as_deref()) {
                std::borrow::Cow::Owned(packed) => Some(packed),
                std::borrow::Cow::Borrowed(_) => None,
            }
        };
        Ok(Self { json, packed })
    }

    fn all<T: Serialize>(
        table: Table,
        records: &[T],
        encoders: &Encoders,
    ) -> Result<Vec<Self>, StoreError> {
        records
            .iter()
            .map(|record| Self::new(table, record, encoders))
            .collect()
    }

    /// The bytes stored.
    fn bytes(&self) -> &[u8] {
        self.packed.as_deref().unwrap_or(&self.json)
    }
}

/// Everything a [`ChangeSet`] writes that does not depend on what is stored, serialised
/// before its transaction (in the change set's order).
struct Prepared {
    organizations: Vec<Encoded>,
    locations: Vec<Encoded>,
    taxonomies: Vec<Encoded>,
    terms: Vec<Encoded>,
    /// Each service as written (stamped with `last_modified` when it has none).
    services: Vec<(Service, Encoded)>,
    /// The change's entry in the `changes` tree.
    change: Vec<u8>,
    sources: Vec<Vec<u8>>,
    proposals: Vec<Vec<u8>>,
}

impl Prepared {
    fn of(
        changes: &ChangeSet,
        now: DateTime<Utc>,
        encoders: &Encoders,
    ) -> Result<Self, StoreError> {
        let services = changes
            .services
            .iter()
            .map(|service| {
                let mut stamped = service.clone();
                stamped.last_modified.get_or_insert(now);
                let encoded = Encoded::new(Table::Services, &stamped, encoders)?;
                Ok((stamped, encoded))
            })
            .collect::<Result<_, StoreError>>()?;
        let change = StoredChange {
            at: now,
            provenance: changes
                .provenance
                .clone()
                .unwrap_or_else(|| Provenance::system("import", "imported")),
        };
        Ok(Self {
            organizations: Encoded::all(Table::Organizations, &changes.organizations, encoders)?,
            locations: Encoded::all(Table::Locations, &changes.locations, encoders)?,
            taxonomies: Encoded::all(Table::Taxonomies, &changes.taxonomies, encoders)?,
            terms: Encoded::all(Table::TaxonomyTerms, &changes.taxonomy_terms, encoders)?,
            services,
            change: encode(&change)?,
            sources: changes
                .sources
                .iter()
                .map(|(_, source)| encode(source))
                .collect::<Result<_, _>>()?,
            proposals: changes
                .proposals
                .iter()
                .map(encode)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// One transaction's view of the trees.
struct Tx<'a> {
    trees: &'a [TransactionalTree],
    dictionaries: &'a Dictionaries,
    /// The services this transaction adds to (`true`) or takes from (`false`) each list of
    /// an organization's or a location's services, the last word for each service kept:
    /// each list is then read and written once, by [`Tx::write_lists`], however many of its
    /// services the transaction writes (an import adds thousands to one list at a time).
    lists: RefCell<ListEdits>,
}

/// For each list (table, parent id), each service added (`true`) or taken away (`false`).
type ListEdits = BTreeMap<(Table, [u8; 16]), BTreeMap<[u8; 16], bool>>;

impl<'a> Tx<'a> {
    fn new(trees: &'a [TransactionalTree], dictionaries: &'a Dictionaries) -> Self {
        Self {
            trees,
            dictionaries,
            lists: RefCell::default(),
        }
    }

    fn tree(&self, table: Table) -> &TransactionalTree {
        &self.trees[table.index()]
    }

    fn get_raw(&self, table: Table, key: &[u8]) -> TxResult<Option<sled::IVec>> {
        Ok(self.tree(table).get(key)?)
    }

    fn insert(&self, table: Table, key: &[u8], value: &[u8]) -> TxResult<()> {
        self.tree(table).insert(key, value)?;
        Ok(())
    }

    fn remove(&self, table: Table, key: &[u8]) -> TxResult<()> {
        self.tree(table).remove(key)?;
        Ok(())
    }

    fn add_to_counter(&self, key: &[u8], delta: u64) -> TxResult<u64> {
        let current = self
            .get_raw(Table::Meta, key)?
            .map_or(0, |bytes| read_u64(&bytes));
        let next = current + delta;
        self.insert(Table::Meta, key, &next.to_be_bytes())?;
        Ok(next)
    }

    /// Writes a record unless an identical one is stored; returns the outcome and the bytes
    /// it replaced. `origin`: see [`Tx::replace`].
    fn put(
        &self,
        table: Table,
        key: &[u8; 16],
        record: &Encoded,
        origin: Option<u64>,
    ) -> TxResult<(WriteOutcome, Option<sled::IVec>)> {
        let old = self.get_raw(table, key)?;
        if let Some(existing) = &old
            && codec::holds(existing, record.bytes(), &record.json, self.dictionaries)
        {
            return Ok((WriteOutcome::Unchanged, old));
        }
        let outcome = self.replace(table, key, record, old.as_deref(), origin)?;
        Ok((outcome, old))
    }

    /// Writes a record over `old`, the bytes `table` holds under `key` (none: the record is
    /// created), which the caller knows differ from it. `origin`, for a table whose records
    /// have a history, is the generation this change brings the store to: a record created
    /// is kept with it as its origin (its creation's history entry, see
    /// [`codec::with_origin`]), a record replaced keeps the origin it had.
    fn replace(
        &self,
        table: Table,
        key: &[u8; 16],
        record: &Encoded,
        old: Option<&[u8]>,
        origin: Option<u64>,
    ) -> TxResult<WriteOutcome> {
        let origin = match old {
            // Written before format 5: its creation has an entry of its own.
            Some(existing) => origin.and_then(|_| codec::origin(existing)),
            None => {
                self.add_to_counter(&count_key(table), 1)?;
                origin
            }
        };
        match origin {
            Some(generation) => {
                self.insert(table, key, &codec::with_origin(generation, record.bytes()))?;
            }
            None => self.insert(table, key, record.bytes())?,
        }
        Ok(if old.is_some() {
            WriteOutcome::Updated
        } else {
            WriteOutcome::Created
        })
    }

    fn decode_old<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        key: &[u8; 16],
        old: Option<sled::IVec>,
    ) -> TxResult<Option<T>> {
        old.map(|bytes| {
            decode(self.dictionaries, kind, key, &bytes)
                .map_err(ConflictableTransactionError::Abort)
        })
        .transpose()
    }

    /// Writes an organization unless an identical one is stored; returns the version
    /// replaced (none: created) when it wrote.
    fn write_organization(
        &self,
        organization: &Organization,
        encoded: &Encoded,
        generation: u64,
        changed: &mut Changed,
    ) -> TxResult<Option<Option<Organization>>> {
        let key = organization.id.as_bytes();
        let (outcome, old) = self.put(Table::Organizations, key, encoded, Some(generation))?;
        if outcome == WriteOutcome::Unchanged {
            return Ok(None);
        }
        let old = self.decode_old::<Organization>("organization", key, old)?;
        let named = name_key(&organization.name, key);
        match &old {
            // Its name's entry stays as it is.
            Some(old) if old.name == organization.name => {}
            Some(old) => {
                self.remove(Table::OrganizationsByName, &name_key(&old.name, key))?;
                self.insert(Table::OrganizationsByName, &named, key)?;
            }
            None => self.insert(Table::OrganizationsByName, &named, key)?,
        }
        if old.is_some() {
            changed.organizations.push(organization.id);
        }
        Ok(Some(old))
    }

    /// Writes a service (`stamped`: as written, with its `last_modified`) unless only its
    /// `last_modified` differs from the one stored; returns the outcome and the version
    /// replaced.
    fn write_service(
        &self,
        stamped: &Service,
        encoded: &Encoded,
        generation: u64,
    ) -> TxResult<(WriteOutcome, Option<Service>)> {
        let key = stamped.id.as_bytes();
        let stored = self.get_raw(Table::Services, key)?;
        let old: Option<Service> = self.decode_old("service", key, stored.clone())?;
        if let Some(old) = &old
            && old.without_last_modified() == stamped.without_last_modified()
        {
            return Ok((WriteOutcome::Unchanged, None));
        }
        let outcome = self.replace(
            Table::Services,
            key,
            encoded,
            stored.as_deref(),
            Some(generation),
        )?;
        self.relink(old.as_ref(), stamped)?;
        Ok((outcome, old))
    }

    /// Keeps the entries a service is found by (in its organization's and its locations'
    /// lists, by its links to places) as `service` has them, where `old` had others: only
    /// what differs is written, so an edit that moves nothing rewrites none of them.
    fn relink(&self, old: Option<&Service>, service: &Service) -> TxResult<()> {
        let id = *service.id.as_bytes();
        let before = old.map(lists_of).unwrap_or_default();
        let after = lists_of(service);
        {
            let mut lists = self.lists.borrow_mut();
            for list in before.iter().filter(|list| !after.contains(list)) {
                lists.entry(*list).or_default().insert(id, false);
            }
            for list in after.iter().filter(|list| !before.contains(list)) {
                lists.entry(*list).or_default().insert(id, true);
            }
        }
        let before = old.map(links_of).unwrap_or_default();
        let after = links_of(service);
        for link in before.iter().filter(|link| !after.contains(link)) {
            self.remove(Table::ServiceAtLocations, link)?;
        }
        for link in after.iter().filter(|link| !before.contains(link)) {
            self.insert(Table::ServiceAtLocations, link, &id)?;
        }
        Ok(())
    }

    /// Writes the lists [`Tx::relink`] changed, each once; a list left empty is removed.
    fn write_lists(&self) -> TxResult<()> {
        let lists = std::mem::take(&mut *self.lists.borrow_mut());
        for ((table, parent), edits) in lists {
            let kept = self.get_raw(table, &parent)?;
            let mut services = match &kept {
                Some(bytes) => ServiceList::read(&parent, bytes)
                    .map_err(ConflictableTransactionError::Abort)?,
                None => BTreeSet::new(),
            };
            for (service, listed) in edits {
                if listed {
                    services.insert(service);
                } else {
                    services.remove(&service);
                }
            }
            let bytes = ServiceList::bytes(&services);
            if services.is_empty() {
                if kept.is_some() {
                    self.remove(table, &parent)?;
                }
            } else if kept.as_deref() != Some(bytes.as_slice()) {
                self.insert(table, &parent, &bytes)?;
            }
        }
        Ok(())
    }
}

/// The lists (table, organization or location id) a service is kept in.
fn lists_of(service: &Service) -> Vec<(Table, [u8; 16])> {
    let mut lists = Vec::with_capacity(1 + service.service_at_locations.len());
    if let Some(organization) = service.organization_id {
        lists.push((Table::ServicesByOrganization, *organization.as_bytes()));
    }
    for location in service.location_ids() {
        lists.push((Table::ServicesByLocation, *location.as_bytes()));
    }
    lists
}

/// The ids of a service's links to places, each a key of [`Table::ServiceAtLocations`].
fn links_of(service: &Service) -> Vec<[u8; 16]> {
    service
        .service_at_locations
        .iter()
        .map(|link| *link.id.as_bytes())
        .collect()
}

/// The services of one organization or location, as kept since format 6: one entry under
/// the parent's id, its value the services' ids (16 bytes each) in order. An entry a pair
/// (`parent ++ service`, as before) cost sled about 160 bytes of file whatever it held, and
/// most organizations and places have several services (BENCHMARKS.md, "Disk").
struct ServiceList;

impl ServiceList {
    const ID: usize = 16;

    fn bytes(services: &BTreeSet<[u8; 16]>) -> Vec<u8> {
        services.iter().flatten().copied().collect()
    }

    fn read(parent: &[u8], bytes: &[u8]) -> Result<BTreeSet<[u8; 16]>, StoreError> {
        let ids = bytes.chunks_exact(Self::ID);
        if !ids.remainder().is_empty() {
            return Err(corrupt(
                "list of services",
                parent,
                format!("{} bytes is not a list of ids", bytes.len()),
            ));
        }
        Ok(ids
            .map(|id| <[u8; 16]>::try_from(id).expect("chunks of 16 bytes"))
            .collect())
    }
}

impl Store for SledStore {
    fn apply(&self, changes: &ChangeSet, now: DateTime<Utc>) -> Result<Applied, StoreError> {
        let (services, changed, generation) = self.durably(|| {
            self.train_due(changes)?;
            self.transact(changes, now)
        })?;
        let mut affected = self.dependants(&changed)?;
        affected.extend(
            services
                .iter()
                .filter(|(_, outcome)| *outcome != WriteOutcome::Unchanged)
                .map(|(id, _)| *id),
        );
        Ok(Applied {
            services,
            affected_services: affected,
            generation,
        })
    }

    fn service(&self, id: ServiceId) -> Result<Option<Service>, StoreError> {
        self.get(Table::Services, "service", id.as_bytes())
    }

    fn organization(&self, id: OrganizationId) -> Result<Option<Organization>, StoreError> {
        self.get(Table::Organizations, "organization", id.as_bytes())
    }

    fn location(&self, id: LocationId) -> Result<Option<Location>, StoreError> {
        self.get(Table::Locations, "location", id.as_bytes())
    }

    fn taxonomy(&self, id: TaxonomyId) -> Result<Option<Taxonomy>, StoreError> {
        self.get(Table::Taxonomies, "taxonomy", id.as_bytes())
    }

    fn taxonomy_term(&self, id: TaxonomyTermId) -> Result<Option<TaxonomyTerm>, StoreError> {
        self.get(Table::TaxonomyTerms, "taxonomy term", id.as_bytes())
    }

    fn service_for_link(&self, id: ServiceAtLocationId) -> Result<Option<ServiceId>, StoreError> {
        self.tree(Table::ServiceAtLocations)
            .get(id.as_bytes())
            .map_err(engine)?
            .map(|bytes| service_id_from(&bytes))
            .transpose()
    }

    fn service_ids(&self) -> Result<Vec<ServiceId>, StoreError> {
        self.tree(Table::Services)
            .iter()
            .keys()
            .map(|key| service_id_from(&key.map_err(engine)?))
            .collect()
    }

    fn services_of_organization(&self, id: OrganizationId) -> Result<Vec<ServiceId>, StoreError> {
        self.children(Table::ServicesByOrganization, id.as_bytes())
    }

    fn services_at_location(&self, id: LocationId) -> Result<Vec<ServiceId>, StoreError> {
        self.children(Table::ServicesByLocation, id.as_bytes())
    }

    /// Every service is read: a term changes rarely (an edit of the vocabulary, which
    /// reindexes its services anyway), and an index of services by term cost the store an
    /// entry per service and term (27 of a 100k store's 166 MB; BENCHMARKS.md, "Disk"). A
    /// record is decoded only when its JSON holds one of the ids.
    fn services_with_terms(&self, ids: &[TaxonomyTermId]) -> Result<Vec<ServiceId>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let finders: Vec<memchr::memmem::Finder<'_>> = texts
            .iter()
            .map(|text| memchr::memmem::Finder::new(text.as_bytes()))
            .collect();
        let mut found = Vec::new();
        for entry in self.tree(Table::Services).iter() {
            let (key, bytes) = entry.map_err(engine)?;
            let json = unpack(&self.dictionaries, "service", &key, &bytes)?;
            if !finders.iter().any(|finder| finder.find(&json).is_some()) {
                continue;
            }
            let service: Service = parse("service", &key, &json)?;
            if service
                .attributes
                .iter()
                .any(|attribute| ids.contains(&attribute.taxonomy_term_id))
            {
                found.push(service.id);
            }
        }
        Ok(found)
    }

    fn organizations_by_name(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Organization>, StoreError> {
        let mut organizations = Vec::new();
        for entry in self
            .tree(Table::OrganizationsByName)
            .iter()
            .values()
            .skip(offset)
            .take(limit)
        {
            let id_bytes = entry.map_err(engine)?;
            let key = <[u8; 16]>::try_from(id_bytes.as_ref()).map_err(|_| StoreError::Corrupt {
                kind: "organization name index",
                key: format!("{id_bytes:?}"),
                detail: "not a UUID".to_owned(),
            })?;
            if let Some(organization) = self.get(Table::Organizations, "organization", &key)? {
                organizations.push(organization);
            }
        }
        Ok(organizations)
    }

    fn taxonomies(&self) -> Result<Vec<Taxonomy>, StoreError> {
        self.all(Table::Taxonomies, "taxonomy")
    }

    fn taxonomy_terms(&self) -> Result<Vec<TaxonomyTerm>, StoreError> {
        self.all(Table::TaxonomyTerms, "taxonomy term")
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        Ok(Counts {
            services: self.meta_u64(&count_key(Table::Services))?,
            organizations: self.meta_u64(&count_key(Table::Organizations))?,
            locations: self.meta_u64(&count_key(Table::Locations))?,
            taxonomies: self.meta_u64(&count_key(Table::Taxonomies))?,
            taxonomy_terms: self.meta_u64(&count_key(Table::TaxonomyTerms))?,
        })
    }

    fn generation(&self) -> Result<u64, StoreError> {
        self.meta_u64(GENERATION_KEY)
    }

    fn referral_questions(&self, service: ServiceId) -> Result<Vec<String>, StoreError> {
        Ok(self
            .get::<Vec<String>>(
                Table::ReferralQuestions,
                "referral questions",
                service.as_bytes(),
            )?
            .unwrap_or_default())
    }

    fn set_referral_questions(
        &self,
        service: ServiceId,
        questions: &[String],
    ) -> Result<(), StoreError> {
        self.put_flushed(
            Table::ReferralQuestions,
            service.as_bytes(),
            &encode(&questions)?,
        )
    }

    fn put_team_list(&self, list: &TeamList) -> Result<(), StoreError> {
        self.put_flushed(Table::TeamLists, list.id.as_bytes(), &encode(list)?)
    }

    fn team_lists(&self) -> Result<Vec<TeamList>, StoreError> {
        self.all(Table::TeamLists, "team list")
    }

    fn team_list(&self, id: uuid::Uuid) -> Result<Option<TeamList>, StoreError> {
        self.get(Table::TeamLists, "team list", id.as_bytes())
    }

    fn remove_team_list(&self, id: uuid::Uuid) -> Result<(), StoreError> {
        self.durably(|| {
            self.tree(Table::TeamLists)
                .remove(id.as_bytes())
                .map_err(engine)?;
            Ok(())
        })
    }

    fn put_note(&self, note: &ProfessionalNote) -> Result<(), StoreError> {
        let mut key = note.service.as_bytes().to_vec();
        key.extend_from_slice(note.id.as_bytes());
        self.put_flushed(Table::Notes, &key, &encode(note)?)
    }

    fn notes_of(&self, service: ServiceId) -> Result<Vec<ProfessionalNote>, StoreError> {
        self.tree(Table::Notes)
            .scan_prefix(service.as_bytes())
            .map(|entry| {
                let (key, bytes) = entry.map_err(engine)?;
                decode(&self.dictionaries, "professional note", &key, &bytes)
            })
            .collect()
    }

    fn capacity(&self, service: ServiceId) -> Result<Option<Capacity>, StoreError> {
        self.get(Table::Capacity, "capacity", service.as_bytes())
    }

    fn set_capacity(&self, service: ServiceId, capacity: &Capacity) -> Result<u64, StoreError> {
        let bytes = encode(capacity)?;
        self.durably(|| {
            self.trees
                .as_slice()
                .transaction(|trees| {
                    let tx = Tx::new(trees, &self.dictionaries);
                    tx.insert(Table::Capacity, service.as_bytes(), &bytes)?;
                    tx.add_to_counter(GENERATION_KEY, 1)
                })
                .map_err(|error| match error {
                    TransactionError::Abort(store_error) => store_error,
                    TransactionError::Storage(engine_error) => engine(engine_error),
                })
        })
    }

    fn backup(&self, out: &mut dyn std::io::Write) -> Result<BackupSummary, StoreError> {
        let _one_writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut backup = BackupWriter::new(out, FORMAT_VERSION)?;
        for table in Table::ALL {
            backup.table(table.tree_name())?;
            for entry in self.tree(table).iter() {
                let (key, value) = entry.map_err(engine)?;
                backup.record(&key, &value)?;
            }
        }
        Ok(backup.finish()?.0)
    }

    fn add_report(&self, report: &ProblemReport) -> Result<(), StoreError> {
        // Keys sort oldest first: the time received, then the report's id.
        let nanos = report
            .received
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .max(0) as u64;
        let mut key = nanos.to_be_bytes().to_vec();
        key.extend_from_slice(report.id.as_bytes());
        self.put_flushed(Table::Reports, &key, &encode(report)?)
    }

    fn reports(&self) -> Result<Vec<ProblemReport>, StoreError> {
        self.all(Table::Reports, "problem report")
    }

    fn update_report(&self, report: &ProblemReport) -> Result<(), StoreError> {
        let tree = self.tree(Table::Reports);
        let mut found = None;
        for entry in tree.iter() {
            let (key, _) = entry.map_err(engine)?;
            if key.ends_with(report.id.as_bytes()) {
                found = Some(key);
                break;
            }
        }
        let Some(key) = found else {
            return Err(StoreError::Conflict("no such problem report".to_owned()));
        };
        self.put_flushed(Table::Reports, &key, &encode(report)?)
    }

    fn put_proposal(&self, proposal: &Proposal) -> Result<(), StoreError> {
        self.put_flushed(Table::Proposals, proposal.id.as_bytes(), &encode(proposal)?)
    }

    fn proposal(&self, id: ProposalId) -> Result<Option<Proposal>, StoreError> {
        self.get(Table::Proposals, "proposal", id.as_bytes())
    }

    fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        self.all(Table::Proposals, "proposal")
    }

    fn history(&self, key: RecordKey) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut prefix = vec![kind_byte(key.kind)];
        prefix.extend_from_slice(key.id.as_bytes());
        let mut entries = self
            .tree(Table::History)
            .scan_prefix(prefix)
            .map(|entry| {
                let (entry_key, bytes) = entry.map_err(engine)?;
                let stored: StoredHistory =
                    decode(&self.dictionaries, "history entry", &entry_key, &bytes)?;
                Ok((read_u64(&entry_key[entry_key.len() - 8..]), stored))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // The creation of a record written since format 5 is its origin, not an entry.
        let (table, kind) = match key.kind {
            RecordKind::Service => (Table::Services, "service"),
            RecordKind::Organization => (Table::Organizations, "organization"),
            RecordKind::Location => (Table::Locations, "location"),
        };
        let live = self.tree(table).get(key.id.as_bytes()).map_err(engine)?;
        if let Some(created) = live.as_deref().and_then(codec::origin) {
            let at = entries.partition_point(|(generation, _)| *generation < created);
            if entries
                .get(at)
                .is_none_or(|(generation, _)| *generation != created)
            {
                entries.insert(at, (created, StoredHistory::default()));
            }
        }
        let stored = entries
            .into_iter()
            .map(|(generation, stored)| {
                let change = match (stored.at, stored.provenance) {
                    (Some(at), Some(provenance)) => StoredChange { at, provenance },
                    _ => self.change(&generation.to_be_bytes(), key)?,
                };
                Ok((change, stored.before, stored.after))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Each version written is the version the next change replaced; the last is live.
        let mut next_before = if stored.last().is_some_and(|(_, _, after)| after.is_none()) {
            let live = live.ok_or_else(|| StoreError::Corrupt {
                kind: "history entry",
                key: key.id.to_string(),
                detail: "the record it describes is missing".to_owned(),
            })?;
            let json = unpack(&self.dictionaries, kind, key.id.as_bytes(), &live)?;
            let id = key.id.as_bytes();
            Some(match key.kind {
                RecordKind::Service => Record::Service(Box::new(parse(kind, id, &json)?)),
                RecordKind::Organization => Record::Organization(parse(kind, id, &json)?),
                RecordKind::Location => Record::Location(parse(kind, id, &json)?),
            })
        } else {
            None
        };
        let mut history = Vec::with_capacity(stored.len());
        for (change, before, after) in stored.into_iter().rev() {
            let after = match (after, next_before.take()) {
                (Some(after), _) | (None, Some(after)) => after,
                (None, None) => {
                    return Err(StoreError::Corrupt {
                        kind: "history entry",
                        key: key.id.to_string(),
                        detail: "a version refers to a later one that is not there".to_owned(),
                    });
                }
            };
            next_before.clone_from(&before);
            history.push(HistoryEntry {
                key,
                at: change.at,
                provenance: change.provenance,
                before,
                after,
            });
        }
        history.reverse();
        Ok(history)
    }

    fn set_sample_data(&self, sample: bool) -> Result<(), StoreError> {
        self.put_flushed(Table::Meta, SAMPLE_DATA_KEY, &[u8::from(sample)])
    }

    fn is_sample_data(&self) -> Result<bool, StoreError> {
        Ok(self
            .tree(Table::Meta)
            .get(SAMPLE_DATA_KEY)
            .map_err(engine)?
            .is_some_and(|bytes| bytes.first() == Some(&1)))
    }

    fn put_account(&self, account: &Account) -> Result<(), StoreError> {
        let bytes = encode(account)?;
        let id = *account.id.0.as_bytes();
        let email = account.email.as_str().as_bytes().to_vec();
        let accounts = self.tree(Table::Accounts);
        let emails = self.tree(Table::AccountEmails);
        self.durably(|| {
            let result = (accounts, emails).transaction(|(accounts, emails)| {
                if let Some(owner) = emails.get(&email)?
                    && owner.as_ref() != id
                {
                    return Err(ConflictableTransactionError::Abort(StoreError::Conflict(
                        "another account has this e-mail address".to_owned(),
                    )));
                }
                if let Some(old) = accounts.get(id)? {
                    let old: Account = decode(&self.dictionaries, "account", &id, &old)
                        .map_err(ConflictableTransactionError::Abort)?;
                    if old.email != account.email {
                        emails.remove(old.email.as_str().as_bytes())?;
                    }
                }
                accounts.insert(&id, bytes.as_slice())?;
                emails.insert(email.as_slice(), &id)?;
                Ok(())
            });
            match result {
                Ok(()) => Ok(()),
                Err(TransactionError::Abort(error)) => Err(error),
                Err(TransactionError::Storage(error)) => Err(engine(error)),
            }
        })
    }

    fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        self.get(Table::Accounts, "account", id.0.as_bytes())
    }

    fn account_by_email(&self, email: &Email) -> Result<Option<Account>, StoreError> {
        match self
            .tree(Table::AccountEmails)
            .get(email.as_str().as_bytes())
            .map_err(engine)?
        {
            Some(id) => {
                let id = uuid::Uuid::from_slice(&id).map_err(|e| StoreError::Corrupt {
                    kind: "account e-mail index",
                    key: email.to_string(),
                    detail: e.to_string(),
                })?;
                self.account(AccountId(id))
            }
            None => Ok(None),
        }
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.all(Table::Accounts, "account")
    }

    fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        self.put_flushed(Table::Sessions, session.key.as_bytes(), &encode(session)?)
    }

    fn session(&self, key: &str) -> Result<Option<Session>, StoreError> {
        match self.tree(Table::Sessions).get(key).map_err(engine)? {
            Some(bytes) => decode(&self.dictionaries, "session", key.as_bytes(), &bytes).map(Some),
            None => Ok(None),
        }
    }

    fn remove_session(&self, key: &str) -> Result<(), StoreError> {
        self.durably(|| {
            self.tree(Table::Sessions).remove(key).map_err(engine)?;
            Ok(())
        })
    }

    fn remove_sessions_of(&self, account: AccountId) -> Result<usize, StoreError> {
        let sessions: Vec<Session> = self.all(Table::Sessions, "session")?;
        let tree = self.tree(Table::Sessions);
        self.durably(|| {
            let mut removed = 0;
            for session in sessions.iter().filter(|s| s.account == account) {
                tree.remove(session.key.as_bytes()).map_err(engine)?;
                removed += 1;
            }
            Ok(removed)
        })
    }

    fn put_token(&self, token: &OneTimeToken) -> Result<(), StoreError> {
        self.put_flushed(Table::Tokens, token.key.as_bytes(), &encode(token)?)
    }

    fn token(&self, key: &str) -> Result<Option<OneTimeToken>, StoreError> {
        match self.tree(Table::Tokens).get(key).map_err(engine)? {
            Some(bytes) => {
                decode(&self.dictionaries, "one-time token", key.as_bytes(), &bytes).map(Some)
            }
            None => Ok(None),
        }
    }

    fn take_token(&self, key: &str) -> Result<Option<OneTimeToken>, StoreError> {
        // `remove` is atomic: of two requests with the same token, one gets it.
        let taken = self.durably(|| self.tree(Table::Tokens).remove(key).map_err(engine))?;
        taken
            .map(|bytes| decode(&self.dictionaries, "one-time token", key.as_bytes(), &bytes))
            .transpose()
    }

    fn put_api_token(&self, token: &ApiToken) -> Result<(), StoreError> {
        self.put_flushed(Table::ApiTokens, token.key.as_bytes(), &encode(token)?)
    }

    fn api_token(&self, key: &str) -> Result<Option<ApiToken>, StoreError> {
        match self.tree(Table::ApiTokens).get(key).map_err(engine)? {
            Some(bytes) => {
                decode(&self.dictionaries, "API token", key.as_bytes(), &bytes).map(Some)
            }
            None => Ok(None),
        }
    }

    fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        self.all(Table::ApiTokens, "API token")
    }

    fn put_feed(&self, feed: &Feed) -> Result<(), StoreError> {
        self.put_flushed(Table::Feeds, feed.name.as_bytes(), &encode(feed)?)
    }

    fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        self.all(Table::Feeds, "feed")
    }

    fn stage(&self, feed: &str, records: &[StagedRecord]) -> Result<(), StoreError> {
        self.replace_under(
            Table::Staged,
            feed,
            records
                .iter()
                .map(|r| (r.service_id.as_bytes().as_slice(), r)),
        )
    }

    fn feed_cache(&self, feed: &str) -> Result<Vec<CachedRecord>, StoreError> {
        self.all_under(Table::FeedCache, feed, "cached feed record")
    }

    fn put_feed_cache(&self, feed: &str, records: &[CachedRecord]) -> Result<(), StoreError> {
        self.replace_under(
            Table::FeedCache,
            feed,
            records.iter().map(|r| (r.remote_id.as_bytes(), r)),
        )
    }

    fn staged(&self, feed: &str) -> Result<Vec<StagedRecord>, StoreError> {
        self.all_under(Table::Staged, feed, "staged record")
    }

    fn source_of(&self, service: ServiceId) -> Result<Option<Source>, StoreError> {
        self.tree(Table::Sources)
            .get(service.as_bytes())
            .map_err(engine)?
            .map(|bytes| decode_source(&self.dictionaries, service, &bytes))
            .transpose()
    }

    fn sources_from(&self, feed: &str) -> Result<Vec<(ServiceId, Source)>, StoreError> {
        let mut found = Vec::new();
        for entry in self.tree(Table::Sources).iter() {
            let (key, bytes) = entry.map_err(engine)?;
            let id = service_id_from(&key)?;
            let source = decode_source(&self.dictionaries, id, &bytes)?;
            if source.feed == feed {
                found.push((id, source));
            }
        }
        Ok(found)
    }

    fn put_claim(&self, claim: &ClaimRequest) -> Result<(), StoreError> {
        self.put_flushed(Table::Claims, claim.id.as_bytes(), &encode(claim)?)
    }

    fn claims(&self) -> Result<Vec<ClaimRequest>, StoreError> {
        self.all(Table::Claims, "claim request")
    }

    fn put_outbox(&self, message: &OutboxMessage) -> Result<(), StoreError> {
        self.put_flushed(Table::Outbox, message.key.as_bytes(), &encode(message)?)
    }

    fn cached_postcode(&self, postcode: &str) -> Result<Option<CachedPostcode>, StoreError> {
        match self
            .tree(Table::PostcodeCache)
            .get(postcode)
            .map_err(engine)?
        {
            Some(bytes) => decode(
                &self.dictionaries,
                "cached postcode",
                postcode.as_bytes(),
                &bytes,
            )
            .map(Some),
            None => Ok(None),
        }
    }

    fn cache_postcode(&self, entry: &CachedPostcode) -> Result<(), StoreError> {
        self.put_flushed(
            Table::PostcodeCache,
            entry.postcode.as_bytes(),
            &encode(entry)?,
        )
    }

    fn outbox_message(&self, key: &str) -> Result<Option<OutboxMessage>, StoreError> {
        match self.tree(Table::Outbox).get(key).map_err(engine)? {
            Some(bytes) => {
                decode(&self.dictionaries, "outbox message", key.as_bytes(), &bytes).map(Some)
            }
            None => Ok(None),
        }
    }

    fn outbox(&self) -> Result<Vec<OutboxMessage>, StoreError> {
        self.all(Table::Outbox, "outbox message")
    }

    fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        // Keys sort oldest first: the time, then a sequence number for entries of one instant.
        let nanos = entry.at.timestamp_nanos_opt().unwrap_or_default().max(0) as u64;
        let sequence = self.db.generate_id().map_err(engine)?;
        let mut key = nanos.to_be_bytes().to_vec();
        key.extend_from_slice(&sequence.to_be_bytes());
        self.put_flushed(Table::Audit, &key, &encode(entry)?)
    }

    fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.all(Table::Audit, "audit entry")
    }
}
