//! What every handler and worker shares: the database pool, the settings, media
//! storage and the Dashboard's recent figures. A leaf module, so features can name it without depending on the router that
//! assembles them.

use std::sync::Arc;

use sqlx::PgPool;

use crate::{config::Config, dashboard::FiguresCache, storage::MediaStore};

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub media: MediaStore,
    /// The Dashboard's recently counted figures.
    pub dashboard: FiguresCache,
}

impl AppState {
    pub fn new(pool: PgPool, config: Config) -> anyhow::Result<Self> {
        let media = MediaStore::from_config(config.media_store.as_deref(), &config.data_dir)?;
        Ok(Self::with_media(pool, config, media))
    }

    /// With media storage chosen by the caller rather than `MEDIA_STORE` (the tests'
    /// own S3 bucket, without touching the process's environment).
    pub fn with_media(pool: PgPool, config: Config, media: MediaStore) -> Self {
        Self { pool, config: Arc::new(config), media, dashboard: FiguresCache::default() }
    }
}
