//! Where the index's files live: tantivy's memory-mapped directory, without `fsync`.
//!
//! The index is derived data: the store (sled) is the durable copy, and every acknowledged
//! write is flushed there before it is answered. tantivy's own directory syncs every file
//! of every new segment, the segment list and the commit record at each commit, which was
//! about half of the time from an acknowledged write to its change being searchable. Here
//! files are written and renamed into place in the same order but not synced: a process
//! that dies (even by `SIGKILL`) loses nothing, since the kernel still writes its pages;
//! only a power cut or a kernel crash can lose the last commits' files. Start-up then finds
//! an older commit (and the indexer catches up from the store, by generation) or damaged
//! files (checksums, see `check_files`), and rebuilds the index from the store.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// Ending of the temporary files an atomic write renames into place.
const TEMPORARY: &str = ".signpost-tmp";

/// The index's directory (see the module documentation).
#[derive(Clone, Debug)]
pub struct DerivedDirectory {
    files: MmapDirectory,
    root: PathBuf,
}

impl DerivedDirectory {
    /// The directory at `root`, which must exist; temporary files a killed process left
    /// behind are removed.
    pub fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        let files = MmapDirectory::open(root)?;
        if let Ok(entries) = std::fs::read_dir(root) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().ends_with(TEMPORARY) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        Ok(Self {
            files,
            root: root.to_path_buf(),
        })
    }
}

/// A file written without syncing it when it is finished.
struct Unsynced(File);

impl Write for Unsynced {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TerminatingWrite for Unsynced {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

impl Directory for DerivedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.files.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.files.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.files.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|error| {
                if error.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(error, path.to_path_buf())
                }
            })?;
        Ok(BufWriter::new(Box::new(Unsynced(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.files.atomic_read(path)
    }

    /// Written beside the file, then renamed over it: readers see the old content or the
    /// new, never half of it.
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let target = self.root.join(path);
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
        let temporary = self.root.join(format!(
            ".{}.{}-{}{TEMPORARY}",
            name.to_string_lossy(),
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        let written = File::create(&temporary)
            .and_then(|mut file| file.write_all(data))
            .and_then(|()| std::fs::rename(&temporary, &target));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.files.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.files.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(directory: &DerivedDirectory, path: &str) -> Vec<u8> {
        directory
            .open_read(Path::new(path))
            .unwrap()
            .read_bytes()
            .unwrap()
            .as_slice()
            .to_vec()
    }

    #[test]
    fn files_written_read_back_whole_and_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let directory = DerivedDirectory::open(dir.path()).unwrap();
        let mut file = directory.open_write(Path::new("a.idx")).unwrap();
        file.write_all(b"postings").unwrap();
        file.terminate().unwrap();
        assert_eq!(read(&directory, "a.idx"), b"postings");
        assert!(matches!(
            directory.open_write(Path::new("a.idx")),
            Err(OpenWriteError::FileAlreadyExists(_))
        ));
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let directory = DerivedDirectory::open(dir.path()).unwrap();
        directory
            .atomic_write(Path::new("meta.json"), b"first")
            .unwrap();
        directory
            .atomic_write(Path::new("meta.json"), b"second")
            .unwrap();
        assert_eq!(
            directory.atomic_read(Path::new("meta.json")).unwrap(),
            b"second"
        );
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["meta.json"]);
    }

    #[test]
    fn temporary_files_a_killed_process_left_are_removed_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let left = dir.path().join(format!(".meta.json.1-0{TEMPORARY}"));
        std::fs::write(&left, b"half").unwrap();
        std::fs::write(dir.path().join("meta.json"), b"whole").unwrap();
        let directory = DerivedDirectory::open(dir.path()).unwrap();
        assert!(!left.exists());
        assert_eq!(
            directory.atomic_read(Path::new("meta.json")).unwrap(),
            b"whole"
        );
    }
}
