//! An interview's life has one owner: `src/interviews/lifecycle/` writes the
//! `interviews` table, and every other feature asks it to, so that no feature can
//! change an interview and forget its timeline event or the candidate's status.

use std::path::{Path, PathBuf};

/// SQL that writes the interviews table, in lower case with single spaces.
const WRITES: [&str; 3] = ["update interviews", "insert into interviews", "delete from interviews"];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn only_the_lifecycle_writes_interviews() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let owner = src.join("interviews").join("lifecycle");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.iter().any(|f| f.starts_with(&owner)), "the lifecycle module is where it should be");
    let mut writers = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&owner)) {
        let text = std::fs::read_to_string(file).unwrap().to_lowercase();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for write in WRITES.iter().filter(|write| text.contains(*write)) {
            writers.push(format!("{} ({write})", file.strip_prefix(&src).unwrap().display()));
        }
    }
    assert!(writers.is_empty(), "interviews written outside src/interviews/lifecycle/: {writers:?}");
}
