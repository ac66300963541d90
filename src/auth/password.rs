//! Password policy and argon2id hashing (OWASP parameters: 19 MiB, 2 passes, 1 lane),
//! run on the blocking pool so a sign-in never stalls the async workers, and at most as
//! many at once as the machine has cores, so that a flood of sign-ups cannot exhaust the
//! memory or the threads: a request that cannot start within 2 seconds is answered
//! "busy" instead. The policy itself lives in the `rules` crate.
//!
//! Each permit owns its 19 MiB of argon2 memory, allocated once and reused. Left to the
//! allocator, blocks that large stay with the process after a burst (glibc raises its
//! mmap threshold at the first free and then keeps them on its heaps): 200 connections
//! signing up for 10 seconds on 2 cores left the server at 857 MiB; reused, it peaks
//! near 60 MiB.

use std::{
    sync::{LazyLock, Mutex},
    time::Duration,
};

use anyhow::Context;
use argon2::{
    ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::{Output, ParamsString, Salt, SaltString},
};
use tokio::sync::Semaphore;

pub use rules::password::{MAX_CHARS, MIN_CHARS, check_new};

use crate::error::AppError;

/// Memory cost in 1 KiB blocks.
const M_COST: u32 = 19 * 1024;

/// A hash of a random password, verified when the email is unknown so that a wrong
/// email and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random = SaltString::generate(&mut rand::rngs::OsRng);
    hash_with(random.as_str(), &mut new_memory()).expect("hashing a random password works")
});

fn params() -> Params {
    Params::new(M_COST, 2, 1, None).expect("valid argon2 parameters")
}

fn new_memory() -> Vec<Block> {
    vec![Block::default(); M_COST as usize]
}

fn argon2_error(err: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("argon2: {err}")
}

/// The raw bytes of a PHC salt, as argon2 hashes them.
fn salt_bytes<'b>(salt: Salt<'_>, buffer: &'b mut [u8; 64]) -> anyhow::Result<&'b [u8]> {
    salt.decode_b64(buffer).map_err(argon2_error)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of `password`, computed in `memory`.
fn hash_with(password: &str, memory: &mut [Block]) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut buffer = [0u8; 64];
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
        .hash_password_into_with_memory(password.as_bytes(), salt_bytes(salt.as_salt(), &mut buffer)?, &mut out, memory)
        .map_err(argon2_error)?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params()).map_err(argon2_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(argon2_error)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `stored`, with the parameters it names
/// (a hash made with more memory than a permit owns gets its own).
fn verify_with(password: &str, stored: &str, memory: &mut [Block]) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(argon2_error)?;
    let expected = parsed.hash.context("the stored hash has no output")?;
    let salt = parsed.salt.context("the stored hash has no salt")?;
    let params = Params::try_from(&parsed).map_err(argon2_error)?;
    let version = Version::try_from(parsed.version.unwrap_or(0x13)).map_err(argon2_error)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(argon2_error)?;
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut buffer = [0u8; 64];
    let salt = salt_bytes(salt, &mut buffer)?;
    let mut out = vec![0u8; expected.len()];
    if params.m_cost() as usize <= memory.len() {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
    } else {
        argon2.hash_password_into(password.as_bytes(), salt, &mut out)
    }
    .map_err(argon2_error)?;
    // `Output` compares in constant time.
    Ok(Output::new(&out).map_err(argon2_error)? == expected)
}

/// Hashing and verification, no more than `permits` at once, each in memory of its own.
struct Limiter {
    permits: Semaphore,
    /// Memory given back by finished work; there are never more than `permits` of them.
    memory: Mutex<Vec<Vec<Block>>>,
    wait: Duration,
}

static LIMITER: LazyLock<Limiter> =
    LazyLock::new(|| Limiter::new(std::thread::available_parallelism().map_or(1, |n| n.get()), Duration::from_secs(2)));

impl Limiter {
    fn new(permits: usize, wait: Duration) -> Self {
        Self { permits: Semaphore::new(permits), memory: Mutex::new(Vec::new()), wait }
    }

    /// Runs `work` on the blocking pool once a permit is free, in the permit's memory;
    /// `Busy` after `wait`.
    async fn run<T: Send + 'static>(
        &'static self,
        work: impl FnOnce(&mut [Block]) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(self.wait, self.permits.acquire())
            .await
            .map_err(|_| AppError::Busy)?
            .context("the password semaphore is never closed")?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut memory = self.take_memory();
            let result = work(&mut memory);
            self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(memory);
            result
        })
        .await
        .context("password hashing task")?;
        Ok(result?)
    }

    fn take_memory(&self) -> Vec<Block> {
        self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop().unwrap_or_else(new_memory)
    }
}

pub async fn hash(password: String) -> Result<String, AppError> {
    LIMITER.run(move |memory| hash_with(&password, memory)).await
}

/// Verifies against `stored`, or against a dummy hash when there is no account.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    LIMITER
        .run(move |memory| {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
            let matches = verify_with(&password, &stored, memory)?;
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

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_hasher_and_verifier() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let theirs = reference.hash_password(b"violet kettle harbour", &salt).unwrap().to_string();
        let mut memory = new_memory();
        assert!(verify_with("violet kettle harbour", &theirs, &mut memory).unwrap(), "hashes stored before");
        assert!(!verify_with("violet kettle harbor", &theirs, &mut memory).unwrap());
        let ours = hash_with("violet kettle harbour", &mut memory).unwrap();
        assert!(reference.verify_password(b"violet kettle harbour", &PasswordHash::new(&ours).unwrap()).is_ok());
        let bigger = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(2 * M_COST, 1, 1, None).unwrap());
        let bigger = bigger.hash_password(b"violet kettle harbour", &salt).unwrap().to_string();
        assert!(verify_with("violet kettle harbour", &bigger, &mut memory).unwrap(), "more memory than a permit's");
    }

    #[tokio::test]
    async fn each_permit_reuses_its_memory() {
        let limiter: &'static Limiter = Box::leak(Box::new(Limiter::new(2, Duration::from_secs(5))));
        for _ in 0..3 {
            let runs = (0..4).map(|_| limiter.run(|memory| Ok(memory.len())));
            for len in futures_util::future::join_all(runs).await {
                assert_eq!(len.unwrap(), M_COST as usize);
            }
        }
        assert!(limiter.memory.lock().unwrap().len() <= 2, "never more buffers than permits");
    }

    #[tokio::test]
    async fn when_every_permit_stays_taken_the_request_is_told_the_server_is_busy() {
        let full: &'static Limiter = Box::leak(Box::new(Limiter::new(0, Duration::from_millis(50))));
        let outcome = full.run(|_| Ok(())).await;
        assert!(matches!(outcome, Err(AppError::Busy)), "{outcome:?}");
    }
}
