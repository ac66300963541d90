//! Password policy and argon2id hashing (OWASP parameters: 19 MiB, 2 passes, 1 lane),
//! run on the blocking pool so a sign-in never stalls the async workers, and at most as
//! many at once as the machine has cores, so that a flood of sign-ups cannot exhaust the
//! memory (19 MiB each) or the threads: a request that cannot start within 2 seconds is
//! answered "busy" instead. The policy itself lives in the `rules` crate.

use std::{sync::LazyLock, time::Duration};

use anyhow::Context;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version, password_hash::SaltString,
};
use tokio::sync::Semaphore;

pub use rules::password::{MAX_CHARS, MIN_CHARS, check_new};

use crate::error::AppError;

/// A hash of a random password, verified when the email is unknown so that a wrong
/// email and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random = SaltString::generate(&mut rand::rngs::OsRng);
    hash_now(random.as_str()).expect("hashing a random password works")
});

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(argon2().hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("argon2: {e}"))?.to_string())
}

/// Hashing and verification, no more than `permits` at once.
struct Limiter {
    permits: Semaphore,
    wait: Duration,
}

static LIMITER: LazyLock<Limiter> = LazyLock::new(|| Limiter {
    permits: Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())),
    wait: Duration::from_secs(2),
});

impl Limiter {
    /// Runs `work` on the blocking pool once a permit is free; `Busy` after `wait`.
    async fn run<T: Send + 'static>(
        &'static self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(self.wait, self.permits.acquire())
            .await
            .map_err(|_| AppError::Busy)?
            .context("the password semaphore is never closed")?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .context("password hashing task")?;
        Ok(result?)
    }
}

pub async fn hash(password: String) -> Result<String, AppError> {
    LIMITER.run(move || hash_now(&password)).await
}

/// Verifies against `stored`, or against a dummy hash when there is no account.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    LIMITER
        .run(move || {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
            let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            let matches = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
            Ok(known && matches)
        })
        .await
}

/// Builds the dummy hash ahead of the first sign-in so it does not slow that one down.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_and_verifies() {
        let stored = hash("violet kettle harbour".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("violet kettle harbour".into(), Some(stored.clone())).await.unwrap());
        assert!(!verify("violet kettle harbor".into(), Some(stored)).await.unwrap());
        assert!(!verify("violet kettle harbour".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn when_every_permit_stays_taken_the_request_is_told_the_server_is_busy() {
        let full: &'static Limiter =
            Box::leak(Box::new(Limiter { permits: Semaphore::new(0), wait: Duration::from_millis(50) }));
        let outcome = full.run(|| Ok(())).await;
        assert!(matches!(outcome, Err(AppError::Busy)), "{outcome:?}");
    }
}
