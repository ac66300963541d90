//! Where the pipeline reads a video answer's recording from.

use std::path::PathBuf;

use anyhow::{Context, bail};

use super::BoxFuture;

/// Read access to stored answer media, by the answer's `media_key`.
pub trait MediaSource: Send + Sync {
    fn read<'a>(&'a self, media_key: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<u8>>>;
}

/// The local-disk layout of media storage: `DATA_DIR/media/<media_key>`.
pub struct LocalMedia {
    pub root: PathBuf,
}

impl LocalMedia {
    pub fn new(data_dir: &std::path::Path) -> Self {
        Self { root: data_dir.join("media") }
    }
}

impl MediaSource for LocalMedia {
    fn read<'a>(&'a self, media_key: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<u8>>> {
        Box::pin(async move {
            // Keys are ours, but a key must never reach outside the media folder.
            let safe = !media_key.is_empty()
                && !media_key.starts_with('/')
                && media_key.split(['/', '\\']).all(|part| !part.is_empty() && part != "." && part != "..");
            if !safe {
                bail!("media key {media_key:?} is not a plain relative path");
            }
            let path = self.root.join(media_key);
            tokio::fs::read(&path).await.with_context(|| format!("reading {}", path.display()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_inside_the_media_folder_only() {
        let dir = std::env::temp_dir().join(format!("hifinity-media-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("media/a")).unwrap();
        std::fs::write(dir.join("media/a/b.webm"), b"video").unwrap();
        let media = LocalMedia::new(&dir);
        assert_eq!(media.read("a/b.webm").await.unwrap(), b"video");
        assert!(media.read("../secret_key").await.is_err());
        assert!(media.read("/etc/passwd").await.is_err());
        assert!(media.read("a/missing.webm").await.is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
