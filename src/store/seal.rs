//! The seal: a small file beside the store recording how many durable writes the store has
//! acknowledged, so that a damaged store is told apart from a young one.
//!
//! sled recovers from a torn write by discarding the log from the first damaged message on;
//! it cannot tell a crash mid-write from damage in the middle of the file, and treats both
//! as the end of the log. A damaged file therefore opens as an older (or empty) store and
//! would be served as if nothing were wrong, or even seeded with the sample directory. The
//! seal is written after every flushed write (atomically: a temporary file, fsync, rename);
//! at start-up a store holding fewer writes than its seal is reported as damaged instead of
//! served. A crash between the store's flush and the seal's write leaves the seal one
//! behind, which is fine: only a store *behind* its seal has lost acknowledged writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;

/// The seal file of the store in a directory.
#[derive(Debug, Clone)]
pub struct Seal {
    path: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Contents {
    /// Durable writes acknowledged so far.
    writes: u64,
}

impl Seal {
    /// The seal of the store in `store_dir` (a sibling file, `<store_dir>.seal`).
    pub fn of(store_dir: &Path) -> Self {
        let mut path = store_dir.as_os_str().to_owned();
        path.push(".seal");
        Self {
            path: PathBuf::from(path),
        }
    }

    /// The acknowledged writes the seal records; `None` when there is no seal (a new store,
    /// or one made before seals).
    pub fn read(&self) -> Result<Option<u64>, StoreError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(self.failure(&error.to_string())),
        };
        serde_json::from_slice::<Contents>(&bytes)
            .map(|contents| Some(contents.writes))
            .map_err(|error| {
                self.failure(&format!(
                    "unreadable ({error}); if the store is known to be good, delete this file"
                ))
            })
    }

    /// Records `writes` acknowledged writes, durably.
    pub fn record(&self, writes: u64) -> Result<(), StoreError> {
        let mut temporary = self.path.as_os_str().to_owned();
        temporary.push(".new");
        let temporary = PathBuf::from(temporary);
        let bytes = serde_json::to_vec(&Contents { writes }).expect("seal serialises");
        let written = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &self.path)?;
            if let Some(parent) = self.path.parent() {
                std::fs::File::open(parent)?.sync_all()?;
            }
            Ok::<_, std::io::Error>(())
        })();
        written.map_err(|error| self.failure(&error.to_string()))
    }

    /// Removes the seal (of a store that is being removed).
    pub fn remove(&self) -> std::io::Result<()> {
        std::fs::remove_file(&self.path)
    }

    fn failure(&self, detail: &str) -> StoreError {
        StoreError::Engine(format!(
            "the store's seal {}: {detail}",
            self.path.display()
        ))
    }
}
