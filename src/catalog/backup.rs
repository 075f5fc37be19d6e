//! Backups of a data directory and restoring them. A backup holds the store (records,
//! accounts, pending changes, audit entries, everything); the search index is derived, so a
//! restored directory rebuilds it when it is first opened.
//!
//! A running server holds its data directory's lock, so `signpost backup` reaches it
//! through the server instead: at start-up the server writes [`CONTROL_FILE`] into the data
//! directory (owner-only), with its loopback address and a random secret that opens its
//! backup endpoint. Whoever can read that file can read the store's files anyway, so it
//! grants nothing new; it is removed when the server stops.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::CatalogError;
use crate::store::backup::BackupSummary;
use crate::store::{SledStore, StoreError};

/// The file through which commands reach the server running on a data directory.
pub const CONTROL_FILE: &str = "control.json";
/// The server's backup endpoint (POST, with the control secret as a bearer token).
pub const BACKUP_PATH: &str = "/internal/backup";

/// Restores a backup into `data_dir`, which must be empty or absent.
pub fn restore(data_dir: &Path, input: impl Read) -> Result<BackupSummary, CatalogError> {
    let occupied = std::fs::read_dir(data_dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(StoreError::Conflict(format!(
            "{} is not empty; restore into an empty or new data directory",
            data_dir.display()
        ))
        .into());
    }
    std::fs::create_dir_all(data_dir).map_err(|error| {
        CatalogError::Internal(format!("cannot create {}: {error}", data_dir.display()))
    })?;
    Ok(SledStore::restore(&data_dir.join("store"), input)?)
}

/// How a command reaches the server running on a data directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Control {
    /// The server's base URL on loopback.
    pub url: String,
    /// The secret that opens the backup endpoint.
    pub secret: String,
}

impl Control {
    /// A new control for a server listening on `addr`, with a fresh secret.
    pub fn new(addr: std::net::SocketAddr) -> Self {
        let ip = match addr.ip() {
            ip if ip.is_unspecified() && ip.is_ipv4() => std::net::Ipv4Addr::LOCALHOST.into(),
            ip if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
            ip => ip,
        };
        Self {
            url: format!("http://{}", std::net::SocketAddr::new(ip, addr.port())),
            secret: crate::auth::new_secret().0,
        }
    }

    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(CONTROL_FILE)
    }

    /// Writes the control file, readable by its owner only.
    pub fn write(&self, data_dir: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let path = Self::path(data_dir);
        let _ = std::fs::remove_file(&path);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path)?;
        file.write_all(&serde_json::to_vec(self).expect("control serialises"))?;
        file.sync_all()
    }

    /// The control file of a data directory, if a server wrote one.
    pub fn read(data_dir: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read(Self::path(data_dir)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(std::io::Error::other),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Removes the control file (when the server stops).
    pub fn remove(data_dir: &Path) {
        let _ = std::fs::remove_file(Self::path(data_dir));
    }

    /// Whether a presented secret is this control's.
    pub fn admits(&self, presented: &str) -> bool {
        crate::auth::constant_time_eq(
            crate::auth::key_of(presented).as_bytes(),
            crate::auth::key_of(&self.secret).as_bytes(),
        )
    }
}
