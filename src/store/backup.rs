//! The backup file format: every table of the store, key by key, with a checksum, written
//! and read as a stream (a national directory's store does not fit in memory).
//!
//! ```text
//! SIGNPOST-BACKUP\n                      magic
//! {"format":1,"store_format":2}\n        header (JSON, one line)
//! T <u16 length> <table name>            a table starts
//! R <u32 length> <key> <u32 length> <value>   one entry of the current table
//! E <32 bytes>                           the end: SHA-256 of every byte before the E
//! ```
//!
//! Integers are big-endian. Nothing in a backup depends on when it was made, so the backup
//! of a restored store is byte for byte the backup it was restored from.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const MAGIC: &[u8] = b"SIGNPOST-BACKUP\n";
/// Version of this file format.
pub const BACKUP_FORMAT: u32 = 1;
const TABLE: u8 = b'T';
const RECORD: u8 = b'R';
const END: u8 = b'E';
/// Longest header line read (it is a few dozen bytes).
const MAX_HEADER: usize = 4096;

/// Why a backup could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The file is not a Signpost backup, is of another format, or is damaged.
    #[error("not a usable Signpost backup: {0}")]
    Invalid(String),
}

/// What a backup holds: entries per table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    /// Format of the store the backup was taken from.
    pub store_format: u32,
    /// Entries per table.
    pub tables: BTreeMap<String, u64>,
    /// Size of the backup in bytes.
    pub bytes: u64,
}

impl BackupSummary {
    /// Entries in all tables.
    pub fn entries(&self) -> u64 {
        self.tables.values().sum()
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    store_format: u32,
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
        self.inner.write_all(bytes)
    }
}

/// Writes a backup, table by table.
pub struct BackupWriter<W: Write> {
    out: Hashing<W>,
    summary: BackupSummary,
    current: Option<String>,
}

impl<W: Write> BackupWriter<W> {
    /// Starts a backup of a store of `store_format`.
    pub fn new(out: W, store_format: u32) -> Result<Self, BackupError> {
        let mut out = Hashing {
            inner: out,
            hasher: Sha256::new(),
            bytes: 0,
        };
        out.put(MAGIC)?;
        let mut header = serde_json::to_vec(&Header {
            format: BACKUP_FORMAT,
            store_format,
        })
        .expect("header serialises");
        header.push(b'\n');
        out.put(&header)?;
        Ok(Self {
            out,
            summary: BackupSummary {
                store_format,
                ..BackupSummary::default()
            },
            current: None,
        })
    }

    /// Starts a table; the records that follow belong to it.
    pub fn table(&mut self, name: &str) -> Result<(), BackupError> {
        let length = u16::try_from(name.len())
            .map_err(|_| BackupError::Invalid(format!("table name too long: {name}")))?;
        self.out.put(&[TABLE])?;
        self.out.put(&length.to_be_bytes())?;
        self.out.put(name.as_bytes())?;
        self.summary.tables.insert(name.to_owned(), 0);
        self.current = Some(name.to_owned());
        Ok(())
    }

    /// One entry of the current table.
    pub fn record(&mut self, key: &[u8], value: &[u8]) -> Result<(), BackupError> {
        let Some(table) = &self.current else {
            return Err(BackupError::Invalid("a record before any table".to_owned()));
        };
        *self.summary.tables.entry(table.clone()).or_default() += 1;
        self.out.put(&[RECORD])?;
        for part in [key, value] {
            let length = u32::try_from(part.len())
                .map_err(|_| BackupError::Invalid("an entry over 4 GiB".to_owned()))?;
            self.out.put(&length.to_be_bytes())?;
            self.out.put(part)?;
        }
        Ok(())
    }

    /// Ends the backup with its checksum and flushes it.
    pub fn finish(mut self) -> Result<(BackupSummary, W), BackupError> {
        self.out.put(&[END])?;
        let digest = self.out.hasher.clone().finalize();
        self.out.inner.write_all(&digest)?;
        self.out.inner.flush()?;
        self.summary.bytes = self.out.bytes + digest.len() as u64;
        Ok((self.summary, self.out.inner))
    }
}

/// One item of a backup.
#[derive(Debug, PartialEq, Eq)]
pub enum Item {
    /// A table starts.
    Table(String),
    /// An entry of the current table.
    Record(Vec<u8>, Vec<u8>),
}

/// Reads a backup item by item; the checksum is verified when the end is reached, so a
/// consumer must not treat what it read as good until [`BackupReader::next_item`] returned
/// `Ok(None)`.
pub struct BackupReader<R: Read> {
    input: R,
    hasher: Sha256,
    summary: BackupSummary,
    current: Option<String>,
    ended: bool,
}

impl<R: Read> BackupReader<R> {
    /// Opens a backup, checking its magic and header.
    pub fn new(input: R) -> Result<Self, BackupError> {
        let mut reader = Self {
            input,
            hasher: Sha256::new(),
            summary: BackupSummary::default(),
            current: None,
            ended: false,
        };
        let magic = reader.take(MAGIC.len())?;
        if magic != MAGIC {
            return Err(BackupError::Invalid(
                "it does not start as a Signpost backup does".to_owned(),
            ));
        }
        let mut line = Vec::new();
        loop {
            let byte = reader.take(1)?[0];
            if byte == b'\n' {
                break;
            }
            line.push(byte);
            if line.len() > MAX_HEADER {
                return Err(BackupError::Invalid("its header is too long".to_owned()));
            }
        }
        let header: Header = serde_json::from_slice(&line)
            .map_err(|error| BackupError::Invalid(format!("its header is unreadable ({error})")))?;
        if header.format != BACKUP_FORMAT {
            return Err(BackupError::Invalid(format!(
                "backup format {} (this build reads {BACKUP_FORMAT})",
                header.format
            )));
        }
        reader.summary.store_format = header.store_format;
        Ok(reader)
    }

    /// Format of the store the backup was taken from.
    pub fn store_format(&self) -> u32 {
        self.summary.store_format
    }

    /// The next item; `Ok(None)` at the end, once the checksum matched.
    pub fn next_item(&mut self) -> Result<Option<Item>, BackupError> {
        if self.ended {
            return Ok(None);
        }
        let tag = self.take(1)?[0];
        match tag {
            TABLE => {
                let length = u16::from_be_bytes(self.take(2)?.try_into().expect("2 bytes"));
                let name = String::from_utf8(self.take(usize::from(length))?)
                    .map_err(|_| BackupError::Invalid("a table name is not UTF-8".to_owned()))?;
                self.summary.tables.insert(name.clone(), 0);
                self.current = Some(name.clone());
                Ok(Some(Item::Table(name)))
            }
            RECORD => {
                let Some(table) = &self.current else {
                    return Err(BackupError::Invalid("a record before any table".to_owned()));
                };
                *self.summary.tables.entry(table.clone()).or_default() += 1;
                let key = self.take_part()?;
                let value = self.take_part()?;
                Ok(Some(Item::Record(key, value)))
            }
            END => {
                let expected = self.hasher.clone().finalize();
                let mut found = [0u8; 32];
                self.input.read_exact(&mut found).map_err(truncated)?;
                self.summary.bytes += 32;
                if found[..] != expected[..] {
                    return Err(BackupError::Invalid(
                        "its checksum does not match (the file is damaged)".to_owned(),
                    ));
                }
                let mut extra = [0u8; 1];
                if self.input.read(&mut extra)? != 0 {
                    return Err(BackupError::Invalid(
                        "bytes follow its end (the file is damaged)".to_owned(),
                    ));
                }
                self.ended = true;
                Ok(None)
            }
            other => Err(BackupError::Invalid(format!(
                "unexpected byte {other:#04x} at offset {} (the file is damaged)",
                self.summary.bytes - 1
            ))),
        }
    }

    /// What was read (complete once [`BackupReader::next_item`] returned `Ok(None)`).
    pub fn summary(&self) -> &BackupSummary {
        &self.summary
    }

    fn take_part(&mut self) -> Result<Vec<u8>, BackupError> {
        let length = u32::from_be_bytes(self.take(4)?.try_into().expect("4 bytes"));
        self.take(length as usize)
    }

    fn take(&mut self, length: usize) -> Result<Vec<u8>, BackupError> {
        // Read in bounded steps: a damaged length must not allocate gigabytes up front.
        let mut bytes = Vec::with_capacity(length.min(1 << 20));
        let read = (&mut self.input)
            .take(length as u64)
            .read_to_end(&mut bytes)?;
        if read != length {
            return Err(truncated(io::ErrorKind::UnexpectedEof.into()));
        }
        self.hasher.update(&bytes);
        self.summary.bytes += length as u64;
        Ok(bytes)
    }
}

fn truncated(error: io::Error) -> BackupError {
    if error.kind() == io::ErrorKind::UnexpectedEof {
        BackupError::Invalid("it ends early (the file is truncated)".to_owned())
    } else {
        BackupError::Io(error)
    }
}

/// Reads a whole backup, checking it, without restoring anything.
pub fn verify(input: impl Read) -> Result<BackupSummary, BackupError> {
    let mut reader = BackupReader::new(input)?;
    while reader.next_item()?.is_some() {}
    Ok(reader.summary().clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<u8> {
        let mut writer = BackupWriter::new(Vec::new(), 1).unwrap();
        writer.table("services").unwrap();
        writer.record(b"k1", b"{\"name\":\"a\"}").unwrap();
        writer.record(b"k2", b"").unwrap();
        writer.table("empty").unwrap();
        writer.table("audit").unwrap();
        writer.record(&[0, 1, 2], &[255; 300]).unwrap();
        writer.finish().unwrap().1
    }

    #[test]
    fn what_is_written_reads_back_item_by_item() {
        let bytes = sample();
        let mut reader = BackupReader::new(bytes.as_slice()).unwrap();
        let mut items = Vec::new();
        while let Some(item) = reader.next_item().unwrap() {
            items.push(item);
        }
        assert_eq!(items.len(), 6);
        assert_eq!(items[0], Item::Table("services".to_owned()));
        assert_eq!(items[5], Item::Record(vec![0, 1, 2], vec![255; 300]));
        let summary = reader.summary();
        assert_eq!(summary.entries(), 3);
        assert_eq!(summary.tables["empty"], 0);
        assert_eq!(summary.bytes, bytes.len() as u64);
    }

    #[test]
    fn a_truncated_backup_is_refused() {
        let bytes = sample();
        for cut in [0, 5, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(verify(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    proptest! {
        /// Any single changed byte is caught (by the structure or by the checksum), and
        /// reading never panics.
        #[test]
        fn any_damaged_byte_is_caught(position in 0usize..10_000, flip in 1u8..=255) {
            let mut bytes = sample();
            let position = position % bytes.len();
            bytes[position] ^= flip;
            prop_assert!(verify(bytes.as_slice()).is_err());
        }

        /// Arbitrary bytes after the magic never panic or allocate wildly.
        #[test]
        fn garbage_is_refused_without_panicking(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut bytes = MAGIC.to_vec();
            bytes.extend_from_slice(b"{\"format\":1,\"store_format\":1}\n");
            bytes.extend_from_slice(&tail);
            prop_assert!(verify(bytes.as_slice()).is_err());
        }
    }
}
