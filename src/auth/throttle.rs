//! Sign-in throttling: after too many failures in 15 minutes, further attempts for that
//! account, or from that client address, are refused until the window ends. Counts live
//! in Postgres so that every instance behind a load balancer agrees.

use std::net::IpAddr;

use sqlx::PgPool;

const WINDOW_MINUTES: i32 = 15;
const PER_ACCOUNT: i32 = 5;
const PER_ADDRESS: i32 = 20;

pub struct Keys {
    account: String,
    address: String,
}

impl Keys {
    pub fn new(email: &str, client: IpAddr) -> Self {
        Self { account: format!("email:{}", email.to_lowercase()), address: format!("ip:{client}") }
    }
}

/// Minutes until sign-in is allowed again, if either key is over its limit.
pub async fn blocked_for(pool: &PgPool, keys: &Keys) -> sqlx::Result<Option<i64>> {
    let minutes = sqlx::query_scalar!(
        r#"select max(ceil(extract(epoch from window_started_at + make_interval(mins => $3) - now()) / 60))::int8
           from sign_in_failures
           where window_started_at > now() - make_interval(mins => $3)
             and ((throttle_key = $1 and failures >= $4) or (throttle_key = $2 and failures >= $5))"#,
        keys.account,
        keys.address,
        WINDOW_MINUTES,
        PER_ACCOUNT,
        PER_ADDRESS,
    )
    .fetch_one(pool)
    .await?;
    Ok(minutes.map(|m| m.max(1)))
}

pub async fn record_failure(pool: &PgPool, keys: &Keys) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into sign_in_failures (throttle_key, failures)
         select unnest(array[$1, $2]::text[]), 1
         on conflict (throttle_key) do update set
           failures = case when sign_in_failures.window_started_at <= now() - make_interval(mins => $3)
                           then 1 else sign_in_failures.failures + 1 end,
           window_started_at = case when sign_in_failures.window_started_at <= now() - make_interval(mins => $3)
                                    then now() else sign_in_failures.window_started_at end",
        keys.account,
        keys.address,
        WINDOW_MINUTES,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A successful sign-in clears the account's count (not the address's).
pub async fn clear_account(pool: &PgPool, keys: &Keys) -> sqlx::Result<()> {
    sqlx::query!("delete from sign_in_failures where throttle_key = $1", keys.account).execute(pool).await?;
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
