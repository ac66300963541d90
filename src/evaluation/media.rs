//! Where the pipeline reads a video answer's recording from.

use super::BoxFuture;
use crate::storage::MediaStore;

/// Read access to stored answer media, by the answer's `media_key`.
pub trait MediaSource: Send + Sync {
    fn read<'a>(&'a self, media_key: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<u8>>>;
}

/// Transcription services take the whole file, so the recording is read into memory.
impl MediaSource for MediaStore {
    fn read<'a>(&'a self, media_key: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<u8>>> {
        Box::pin(async move { Ok(self.read_all(media_key).await?.to_vec()) })
    }
}
