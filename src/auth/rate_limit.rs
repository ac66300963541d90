//! Hourly limits on what anyone may do without an account (sign-ups per client
//! address), counted in Postgres so that every instance agrees.

use sqlx::PgPool;

/// Counts a hit against `key` in its hour and says whether it is within `per_hour`.
pub async fn allow(pool: &PgPool, key: &str, per_hour: i32) -> sqlx::Result<bool> {
    let hits = sqlx::query_scalar!(
        "insert into rate_limits (limit_key, hits) values ($1, 1)
         on conflict (limit_key) do update set
           hits = case when rate_limits.window_started_at <= now() - interval '1 hour' then 1 else rate_limits.hits + 1 end,
           window_started_at = case when rate_limits.window_started_at <= now() - interval '1 hour'
                                    then now() else rate_limits.window_started_at end
         returning hits",
        key,
    )
    .fetch_one(pool)
    .await?;
    Ok(hits <= per_hour)
}

/// Housekeeping: forgets hours that have ended.
pub async fn delete_expired(pool: &PgPool) -> sqlx::Result<u64> {
    let done = sqlx::query!("delete from rate_limits where window_started_at <= now() - interval '1 hour'")
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
