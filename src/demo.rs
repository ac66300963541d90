//! `hifinity demo`: a demo company to explore the portal with.

use anyhow::Context;
use sqlx::PgPool;

use crate::auth::{self, password};

pub const EMAIL: &str = "demo@hifinity.test";
pub const PASSWORD: &str = "hifinity-demo-2026";

/// Seeds the demo company; with `if_empty`, does nothing when the demo account exists.
pub async fn seed(pool: &PgPool, if_empty: bool) -> anyhow::Result<()> {
    if exists(pool).await? {
        if !if_empty {
            anyhow::bail!("the demo account {EMAIL} already exists");
        }
    } else {
        let hash = password::hash(PASSWORD.into()).await?;
        auth::create_company_with_owner(pool, "Northwind Labs", "Dana Demo", EMAIL, &hash)
            .await
            .map_err(|_| anyhow::anyhow!("could not create the demo account"))
            .context("seeding the demo company")?;
    }
    println!("Demo account: sign in with {EMAIL} / {PASSWORD} (or create your own company at /sign-up).");
    Ok(())
}

pub async fn exists(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"select exists(select 1 from users where email = $1::text::citext) as "exists!""#, EMAIL)
        .fetch_one(pool)
        .await
}
