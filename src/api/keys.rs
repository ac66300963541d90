//! API keys: 256 random bits shown once to the Admin who creates them; the table keeps
//! only their SHA-256, so a copy of it authenticates nobody. A key is named, scoped
//! (read-only, or read-write with a Recruiter's rights) and revoked on Settings.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit;
use crate::ids::{ApiKeyId, CompanyId, UserId};

/// What a key may do. Ordered: a read-write key may do everything a read-only one may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, sqlx::Type)]
#[sqlx(type_name = "api_key_scope", rename_all = "snake_case")]
pub enum Scope {
    /// Reads jobs, templates, candidates and interviews.
    ReadOnly,
    /// Also creates candidates and sends, resends and cancels interviews, as a Recruiter.
    ReadWrite,
}

impl Scope {
    pub const ALL: [Scope; 2] = [Scope::ReadOnly, Scope::ReadWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadOnly => "read_only",
            Self::ReadWrite => "read_write",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ReadOnly => "Read-only",
            Self::ReadWrite => "Read-write (a Recruiter's rights)",
        }
    }
}

/// The prefix says what the secret is when it turns up in a log or a repository.
const PREFIX: &str = "hfy_";

/// A new key: the prefix and 256 random bits.
fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", B64.encode(bytes))
}

fn hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

/// A key the request presented, found in force. Made only by [`authenticate`], so the
/// company it names is the one whose Admin created it.
#[derive(Clone, Debug)]
pub struct VerifiedKey {
    pub id: Uuid,
    company: Uuid,
    pub scope: Scope,
    /// The Admin who created the key: what it sends and cancels is recorded as theirs.
    pub created_by: UserId,
}

impl VerifiedKey {
    pub fn company_id(&self) -> CompanyId {
        CompanyId::of_api_key(self)
    }

    /// For [`CompanyId::of_api_key`] alone.
    pub(crate) fn company_uuid(&self) -> Uuid {
        self.company
    }
}

/// The key's rate-limit window after counting this request.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// Requests in the window, this one included.
    pub hits: i32,
    /// Seconds until the window ends.
    pub reset_seconds: i64,
}

/// The key in force whose hash matches `presented`, with this request counted in its
/// window (one minute from its first request) and its use noted, in one statement.
pub async fn authenticate(pool: &PgPool, presented: &str) -> sqlx::Result<Option<(VerifiedKey, Window)>> {
    let row = sqlx::query!(
        r#"update api_keys set
             last_used_at = now(),
             window_hits = case when window_started_at > now() - interval '1 minute' then window_hits + 1 else 1 end,
             window_started_at = case when window_started_at > now() - interval '1 minute'
                                      then window_started_at else now() end
           where key_hash = $1 and revoked_at is null
             -- A deactivated member's keys stop with their account.
             and exists (select 1 from users u
                         where u.company_id = api_keys.company_id and u.id = api_keys.created_by
                           and u.deactivated_at is null)
           returning id, company_id, scope as "scope: Scope", created_by as "created_by: UserId", window_hits,
                     ceil(extract(epoch from window_started_at + interval '1 minute' - now()))::int8 as "reset_seconds!""#,
        hash(presented),
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| {
        let key = VerifiedKey { id: row.id, company: row.company_id, scope: row.scope, created_by: row.created_by };
        (key, Window { hits: row.window_hits, reset_seconds: row.reset_seconds.max(0) })
    }))
}

/// A key as Settings lists it.
pub struct KeyRow {
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// The company's keys, in force first, newest first.
pub async fn list(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<KeyRow>> {
    sqlx::query_as!(
        KeyRow,
        r#"select k.id, k.name, k.scope as "scope: _", u.name as created_by, k.created_at, k.last_used_at, k.revoked_at
           from api_keys k join users u on u.company_id = k.company_id and u.id = k.created_by
           where k.company_id = $1
           order by k.revoked_at is not null, k.created_at desc, k.id desc"#,
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

/// Creates a key; returns the key itself, which is never shown again.
pub async fn create(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    name: &str,
    scope: Scope,
) -> sqlx::Result<String> {
    let key = generate();
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "insert into api_keys (id, company_id, name, scope, key_hash, created_by) values ($1, $2, $3, $4, $5, $6)",
        Uuid::new_v4(),
        company_id as CompanyId,
        name,
        scope as Scope,
        hash(&key),
        by as UserId,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, company_id, audit::Actor::Member(by), audit::Action::ApiKeyCreated, Default::default())
        .await?;
    tx.commit().await?;
    Ok(key)
}

/// Revokes a key in force; false if the company has no such key in force.
pub async fn revoke(pool: &PgPool, company_id: CompanyId, id: ApiKeyId, by: UserId) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query!(
        "update api_keys set revoked_at = now() where company_id = $1 and id = $2 and revoked_at is null",
        company_id as CompanyId,
        id as ApiKeyId,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if revoked {
        audit::record(&mut tx, company_id, audit::Actor::Member(by), audit::Action::ApiKeyRevoked, Default::default())
            .await?;
    }
    tx.commit().await?;
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_256_random_bits_and_its_hash_is_sha256() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        let bits = B64.decode(a.strip_prefix(PREFIX).unwrap()).unwrap();
        assert_eq!(bits.len(), 32);
        assert_eq!(hash(&a).len(), 32);
    }
}
