//! The Postgres pool and the migrations embedded in the binary.

use anyhow::Context;
use sqlx::{
    ConnectOptions, Connection, PgConnection, PgPool, Postgres,
    migrate::MigrateDatabase,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use std::{str::FromStr, time::Duration};

/// A connection idle for longer than this is checked with a round trip before use.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(30);

pub async fn connect(database_url: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(database_url).context("DATABASE_URL is malformed")?;
    PgPoolOptions::new()
        // A few connections per database core: more backends than the server can run at
        // once only take turns. At 100,000 interviews on 2 cores, 10 rather than 20 served
        // the Interviews page about 15 % faster, with a shorter tail.
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(5))
        // Checking every connection on every acquire costs a round trip per statement,
        // as much as the statement itself for most pages. Connections in steady use prove
        // themselves; one that sat idle, across a database restart or a dropped network
        // path, is checked first.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > CHECK_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .context("could not connect to the database at DATABASE_URL")
}

/// Creates the database when missing, then applies pending migrations.
pub async fn migrate(database_url: &str) -> anyhow::Result<PgPool> {
    if !Postgres::database_exists(database_url).await.context("could not reach the database server at DATABASE_URL")? {
        // Another process starting at the same moment may have created it first.
        if let Err(err) = Postgres::create_database(database_url).await
            && !Postgres::database_exists(database_url).await.unwrap_or(false)
        {
            return Err(err).context("creating the database");
        }
    }
    // A migration filling a table from a large one takes seconds by design: on its own
    // connection, without the warning that would print its whole SQL as a slow statement.
    let options =
        PgConnectOptions::from_str(database_url).context("DATABASE_URL is malformed")?.disable_statement_logging();
    let mut conn =
        PgConnection::connect_with(&options).await.context("could not connect to the database at DATABASE_URL")?;
    sqlx::migrate!().run(&mut conn).await.context("applying migrations")?;
    conn.close().await?;
    connect(database_url).await
}

/// `%term%` for ILIKE, escaping its wildcards (backslash is ILIKE's default escape).
pub fn like_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_match_the_term_anywhere_with_wildcards_and_the_escape_taken_literally() {
        assert_eq!(like_pattern("ada"), "%ada%");
        assert_eq!(like_pattern(r"50%_a\b"), r"%50\%\_a\\b%");
    }
}
