//! Media storage (video answers) behind one interface: local disk under `DATA_DIR/media`
//! by default, S3-compatible object storage when `MEDIA_STORE=s3://bucket/prefix` (with
//! the usual AWS_* variables). Uploads stream through in parts, so memory stays
//! bounded whatever the size; reads serve byte ranges for video seeking.

use std::{ops::Range, path::Path, sync::Arc};

use anyhow::Context;
use bytes::Bytes;
use futures_util::{StreamExt, stream::BoxStream};
use object_store::{
    GetOptions, GetRange, ObjectStore, WriteMultipart, aws::AmazonS3Builder, local::LocalFileSystem,
    path::Path as ObjectPath, prefix::PrefixStore,
};

/// The folder of an interview's recordings: erasing the interview deletes all of it.
pub fn interview_folder(interview_id: uuid::Uuid) -> String {
    format!("interviews/{interview_id}")
}

#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
}

impl MediaStore {
    /// `media_store` is `MEDIA_STORE`; without it, files go under `data_dir/media`.
    pub fn from_config(media_store: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        let store: Arc<dyn ObjectStore> = match media_store {
            None => {
                let dir = data_dir.join("media");
                std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                Arc::new(LocalFileSystem::new_with_prefix(&dir).with_context(|| format!("opening {}", dir.display()))?)
            }
            Some(url) => {
                let rest = url.strip_prefix("s3://").context("MEDIA_STORE must look like s3://bucket/prefix")?;
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                let s3 =
                    AmazonS3Builder::from_env().with_bucket_name(bucket).build().context("MEDIA_STORE: S3 settings")?;
                if prefix.trim_matches('/').is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix.trim_matches('/')))
                }
            }
        };
        Ok(Self { store })
    }

    /// Starts a streamed upload to `key`; parts are sent as they fill.
    pub async fn begin(&self, key: &str) -> anyhow::Result<Upload> {
        let upload = self.store.put_multipart(&ObjectPath::from(key)).await.context("starting an upload")?;
        Ok(Upload { writer: WriteMultipart::new(upload) })
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
}

/// An upload in progress: `write` parts, then `finish`; `abort` leaves nothing behind.
pub struct Upload {
    writer: WriteMultipart,
}

impl Upload {
    pub async fn write(&mut self, chunk: &[u8]) -> anyhow::Result<()> {
        // Waits while too many parts are in flight, which bounds memory.
        self.writer.wait_for_capacity(2).await.context("uploading")?;
        self.writer.write(chunk);
        Ok(())
    }

    pub async fn finish(self) -> anyhow::Result<()> {
        self.writer.finish().await.context("finishing the upload")?;
        Ok(())
    }

    pub async fn abort(self) {
        if let Err(err) = self.writer.abort().await {
            tracing::warn!(error = ?err, "aborting an upload failed");
        }
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
