//! Media storage (video answers) behind one interface: local disk under `DATA_DIR/media`
//! by default, S3-compatible object storage when `MEDIA_STORE=s3://bucket/prefix` (with
//! the usual AWS_* variables). Uploads stream through in parts, so memory stays
//! bounded whatever the size; reads serve byte ranges for video seeking. An upload
//! that is not finished is aborted, and housekeeping aborts those a killed process left.

mod s3;
mod staged;

use std::{
    ops::Range,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use bytes::Bytes;
use futures_util::{StreamExt, stream::BoxStream};
use object_store::{
    GetOptions, GetRange, ObjectStore, WriteMultipart, aws::AmazonS3Builder, local::LocalFileSystem,
    path::Path as ObjectPath, prefix::PrefixStore,
};
use time::OffsetDateTime;

/// The folder of an interview's recordings: erasing the interview deletes all of it.
pub fn interview_folder(interview_id: uuid::Uuid) -> String {
    format!("interviews/{interview_id}")
}

#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    /// Where unfinished uploads are found.
    unfinished: Unfinished,
}

#[derive(Clone)]
enum Unfinished {
    /// Staged files beside their destination, under this folder.
    Staged(PathBuf),
    /// Incomplete multipart uploads in this bucket, under this key prefix.
    Multipart(Arc<s3::Bucket>, String),
}

impl MediaStore {
    /// `media_store` is `MEDIA_STORE`; without it, files go under `data_dir/media`.
    pub fn from_config(media_store: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        match media_store {
            None => Self::local(&data_dir.join("media")),
            Some(url) => {
                let rest = url.strip_prefix("s3://").context("MEDIA_STORE must look like s3://bucket/prefix")?;
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                Self::s3(AmazonS3Builder::from_env().with_bucket_name(bucket), prefix)
            }
        }
    }

    /// Files under `dir`.
    pub fn local(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir).with_context(|| format!("opening {}", dir.display()))?;
        Ok(Self { store: Arc::new(store), unfinished: Unfinished::Staged(dir.to_owned()) })
    }

    /// Objects under `prefix` in the bucket `builder` names (with its endpoint,
    /// region and credentials).
    pub fn s3(builder: AmazonS3Builder, prefix: &str) -> anyhow::Result<Self> {
        let (s3, bucket) = s3::Bucket::open(builder).context("MEDIA_STORE: S3 settings")?;
        let prefix = prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> =
            if prefix.is_empty() { Arc::new(s3) } else { Arc::new(PrefixStore::new(s3, prefix)) };
        let key_prefix = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
        Ok(Self { store, unfinished: Unfinished::Multipart(Arc::new(bucket), key_prefix) })
    }

    /// Starts a streamed upload to `key`; parts are sent as they fill.
    pub async fn begin(&self, key: &str) -> anyhow::Result<Upload> {
        let upload = self.store.put_multipart(&ObjectPath::from(key)).await.context("starting an upload")?;
        Ok(Upload { writer: Some(WriteMultipart::new(upload)) })
    }

    pub async fn size(&self, key: &str) -> anyhow::Result<u64> {
        Ok(self.store.head(&ObjectPath::from(key)).await.context("reading media size")?.size)
    }

    /// The bytes of `range` (or all) of `key`, as a stream.
    pub async fn read(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> anyhow::Result<BoxStream<'static, anyhow::Result<Bytes>>> {
        let options = GetOptions { range: range.map(GetRange::Bounded), ..Default::default() };
        let result = self.store.get_opts(&ObjectPath::from(key), options).await.context("reading media")?;
        Ok(result.into_stream().map(|chunk| chunk.map_err(anyhow::Error::from)).boxed())
    }

    /// Everything of `key` in memory: for services that need the whole file (transcription).
    pub async fn read_all(&self, key: &str) -> anyhow::Result<Bytes> {
        Ok(self.store.get(&ObjectPath::from(key)).await.context("reading media")?.bytes().await?)
    }

    /// Deleting what is already gone succeeds, so an interrupted deletion can run again.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err).context("deleting media"),
        }
    }

    /// Deletes every object under `prefix` (a folder such as an interview's), including
    /// any that no row points at (an upload interrupted before it was saved); returns
    /// how many.
    pub async fn delete_under(&self, prefix: &str) -> anyhow::Result<usize> {
        let prefix = ObjectPath::from(prefix);
        let mut listed = self.store.list(Some(&prefix));
        let mut deleted = 0;
        while let Some(meta) = listed.next().await {
            let meta = meta.context("listing media")?;
            self.delete(meta.location.as_ref()).await?;
            deleted += 1;
        }
        Ok(deleted)
    }

    /// Aborts the uploads started more than `older_than` ago and never finished: what a
    /// killed process or a lost abort left behind. Returns how many. Housekeeping passes
    /// an hour ([`STALE_UPLOAD_AGE`]), far beyond any upload still streaming.
    pub async fn abort_stale_uploads(&self, older_than: Duration) -> anyhow::Result<usize> {
        let cutoff = OffsetDateTime::now_utc() - older_than;
        match &self.unfinished {
            Unfinished::Staged(dir) => {
                let dir = dir.clone();
                let cutoff = std::time::SystemTime::from(cutoff);
                tokio::task::spawn_blocking(move || staged::remove_older(&dir, cutoff)).await?
            }
            Unfinished::Multipart(bucket, prefix) => {
                let mut aborted = 0;
                for upload in bucket.incomplete_uploads(prefix).await? {
                    if upload.initiated <= cutoff {
                        bucket.abort(&upload).await?;
                        aborted += 1;
                    }
                }
                Ok(aborted)
            }
        }
    }
}

/// How old an unfinished upload must be before housekeeping aborts it.
pub const STALE_UPLOAD_AGE: Duration = Duration::from_secs(60 * 60);

/// An upload in progress: `write` parts, then `finish`; `abort` leaves nothing behind,
/// and so does dropping it unfinished (a request cancelled when its client went away).
pub struct Upload {
    /// Taken by `finish` or `abort`.
    writer: Option<WriteMultipart>,
}

impl Upload {
    fn writer(&mut self) -> &mut WriteMultipart {
        self.writer.as_mut().expect("an upload is written only before it ends")
    }

    pub async fn write(&mut self, chunk: &[u8]) -> anyhow::Result<()> {
        // Waits while too many parts are in flight, which bounds memory.
        self.writer().wait_for_capacity(2).await.context("uploading")?;
        self.writer().write(chunk);
        Ok(())
    }

    pub async fn finish(mut self) -> anyhow::Result<()> {
        // The parts in flight first: should one fail, dropping `self` aborts the upload.
        self.writer().wait_for_capacity(0).await.context("uploading")?;
        // object_store aborts the upload if completing it fails; should the last part
        // fail, housekeeping aborts it later.
        let writer = self.writer.take().expect("an upload ends once");
        writer.finish().await.context("finishing the upload")?;
        Ok(())
    }

    pub async fn abort(mut self) {
        abort(self.writer.take().expect("an upload ends once")).await;
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => drop(runtime.spawn(abort(writer))),
                // Outside a runtime nothing can be sent: housekeeping aborts it later.
                Err(_) => tracing::warn!("an upload was dropped unfinished outside the runtime"),
            }
        }
    }
}

async fn abort(writer: WriteMultipart) {
    if let Err(err) = writer.abort().await {
        tracing::warn!(error = ?err, "aborting an upload failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn streams_in_and_reads_ranges() {
        let dir = std::env::temp_dir().join(format!("hifinity-media-{}", uuid::Uuid::new_v4()));
        let media = MediaStore::from_config(None, &dir).unwrap();
        let mut upload = media.begin("a/b.webm").await.unwrap();
        for _ in 0..3 {
            upload.write(&[7u8; 1000]).await.unwrap();
        }
        upload.finish().await.unwrap();
        assert_eq!(media.size("a/b.webm").await.unwrap(), 3000);
        let mut part = Vec::new();
        let mut stream = media.read("a/b.webm", Some(10..20)).await.unwrap();
        while let Some(chunk) = stream.next().await {
            part.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(part, [7u8; 10]);
        media.delete("a/b.webm").await.unwrap();
        assert!(media.size("a/b.webm").await.is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
