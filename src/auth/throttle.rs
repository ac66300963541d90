//! Sign-in throttling: after too many failed attempts in 15 minutes, further attempts
//! for that account, or from that client address, are refused until the window ends. Counts live
//! in Postgres so that every instance behind a load balancer agrees; the limits and the
//! arithmetic on the counts live in the `rules` crate.

use rules::throttle::{Count, WINDOW_MINUTES};
use sqlx::PgPool;

pub use rules::throttle::Keys;

/// Counts an attempt against both keys in one statement (so concurrent attempts each
/// see their own count) and returns the minutes to wait when either is over its limit.
pub async fn count_attempt(pool: &PgPool, keys: &Keys) -> sqlx::Result<Option<i64>> {
    let counts = sqlx::query!(
        r#"insert into sign_in_failures (throttle_key, failures)
           select unnest(array[$1, $2]::text[]), 1
           on conflict (throttle_key) do update set
             failures = case when sign_in_failures.window_started_at <= now() - make_interval(mins => $3)
                             then 1 else sign_in_failures.failures + 1 end,
             window_started_at = case when sign_in_failures.window_started_at <= now() - make_interval(mins => $3)
                                      then now() else sign_in_failures.window_started_at end
           returning throttle_key, failures,
                     ceil(extract(epoch from window_started_at + make_interval(mins => $3) - now()) / 60)::int8
                       as "minutes!""#,
        keys.account(),
        keys.address(),
        WINDOW_MINUTES,
    )
    .fetch_all(pool)
    .await?;
    Ok(keys.minutes_to_wait(counts.iter().map(|row| Count {
        key: &row.throttle_key,
        failures: row.failures,
        minutes_left: row.minutes,
    })))
}

/// A successful sign-in: the account starts afresh, and the address gets its attempt back.
pub async fn forgive(pool: &PgPool, keys: &Keys) -> sqlx::Result<()> {
    sqlx::query!(
        "with account as (delete from sign_in_failures where throttle_key = $1)
         update sign_in_failures set failures = greatest(failures - 1, 0) where throttle_key = $2",
        keys.account(),
        keys.address(),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Housekeeping: forgets windows that have ended.
pub async fn delete_expired(pool: &PgPool) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from sign_in_failures where window_started_at <= now() - make_interval(mins => $1)",
        WINDOW_MINUTES,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
