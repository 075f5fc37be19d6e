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

/// tantivy's list of the files it made (for deleting those no commit uses any more),
/// rewritten every time a file is made: some ten times a commit. Only opening the index
/// reads it, so it is overwritten in place ([`overwrite_in_place`]) instead of renamed over.
const MANAGED_LIST: &str = ".managed.json";

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
    /// new, never half of it. (Except tantivy's list of its files: see [`MANAGED_LIST`].)
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let target = self.root.join(path);
        if path == Path::new(MANAGED_LIST) && overwrite_in_place(&target, data)? {
            return Ok(());
        }
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

/// Writes JSON `data` over the start of the file at `path` in one write, padded with spaces
/// to the file's length (JSON allows them after the value), so that the file keeps its
/// blocks: replacing it by a rename freed the old file's blocks (and discarded them on the
/// disk) at every write, the costliest part of writing it. Returns `false`, writing
/// nothing, when the file is missing or more than twice the length needed (then it is
/// replaced as any other file is). A process killed at any point leaves the old list or
/// the new; a power cut may leave neither, which the index's checks find at the next start
/// (the index is then rebuilt from the store, see the module documentation).
fn overwrite_in_place(path: &Path, data: &[u8]) -> io::Result<bool> {
    use std::os::unix::fs::FileExt;
    let file = match OpenOptions::new().write(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error),
    };
    let length = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    if length > data.len().saturating_mul(2) {
        return Ok(false);
    }
    let mut padded = Vec::with_capacity(length.max(data.len()));
    padded.extend_from_slice(data);
    padded.resize(length.max(data.len()), b' ');
    file.write_all_at(&padded, 0)?;
    Ok(true)
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

    /// tantivy's list of its files is overwritten in place: what it reads back is the last
    /// list written (JSON, with the spaces padding it to the longest list written since the
    /// file was last replaced), and the file is the same file until a list under half its
    /// length replaces it.
    #[test]
    fn the_list_of_managed_files_is_overwritten_in_place_and_reads_back_as_written() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let directory = DerivedDirectory::open(dir.path()).unwrap();
        let path = Path::new(MANAGED_LIST);
        let lists: [&[u8]; 4] = [
            b"[\"meta.json\"]",
            b"[\"a.idx\",\"a.term\",\"meta.json\"]",
            b"[\"a.idx\",\"meta.json\"]",
            b"[]",
        ];
        // The third list is padded to the second's length; the fourth, under half of that,
        // replaces the file.
        let lengths = [13, 30, 30, 2];
        let mut inodes = Vec::new();
        for (list, length) in lists.into_iter().zip(lengths) {
            directory.atomic_write(path, list).unwrap();
            let read = directory.atomic_read(path).unwrap();
            let parsed: serde_json::Value = serde_json::from_slice(&read).unwrap();
            let expected: serde_json::Value = serde_json::from_slice(list).unwrap();
            assert_eq!(parsed, expected);
            let metadata = std::fs::metadata(dir.path().join(path)).unwrap();
            assert_eq!(metadata.len(), length);
            inodes.push(metadata.ino());
        }
        assert_eq!(inodes[0], inodes[1], "overwritten in place");
        assert_eq!(inodes[1], inodes[2], "overwritten in place");
        assert_ne!(inodes[2], inodes[3], "replaced");
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
