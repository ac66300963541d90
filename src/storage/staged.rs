//! Local disk's unfinished uploads: object_store stages each upload in a file named
//! after its destination plus `#` and a number, renamed into place when it finishes.

use std::{io::ErrorKind, path::Path, time::SystemTime};

/// Removes the staged files under `dir` last written before `cutoff`; returns how many.
pub fn remove_older(dir: &Path, cutoff: SystemTime) -> anyhow::Result<usize> {
    let mut removed = 0;
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        // A folder or file may go meanwhile (an erasure, an upload finishing): skipped.
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == ErrorKind::NotFound => continue,
            Err(err) => return Err(err.into()),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(entry.path());
            } else if kind.is_file()
                && is_staged(&entry.file_name().to_string_lossy())
                && entry.metadata().and_then(|meta| meta.modified()).is_ok_and(|written| written < cutoff)
            {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(err) if err.kind() == ErrorKind::NotFound => {}
                    Err(err) => return Err(err.into()),
                }
            }
        }
    }
    Ok(removed)
}

fn is_staged(file_name: &str) -> bool {
    file_name
        .rsplit_once('#')
        .is_some_and(|(_, suffix)| !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::is_staged;

    #[test]
    fn only_numbered_suffixes_are_staged() {
        assert!(is_staged("answer.webm#1"));
        assert!(is_staged("answer.webm#12"));
        assert!(!is_staged("answer.webm"));
        assert!(!is_staged("answer.webm#"));
        assert!(!is_staged("a#b.webm"));
    }
}
