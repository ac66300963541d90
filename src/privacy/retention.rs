//! The company's retention limits, applied by housekeeping in bounded batches: a
//! recording is deleted once its interview was completed or decided the company's number
//! of days ago, and a candidate with no activity for the company's number of months is
//! erased. Running again changes nothing that was done; each run that changed something
//! leaves its counts in the company's audit log.

use std::collections::HashMap;

use sqlx::PgPool;

use super::erasure::{ERASURE_BATCH, erase};
use crate::ids::CompanyId;
use crate::{
    audit::{self, Action, Actor, Subject},
    storage::MediaStore,
};

/// Recordings deleted per transaction.
const RECORDING_BATCH: i64 = 200;

/// What one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub recordings: u64,
    pub candidates: u64,
}

pub async fn apply(pool: &PgPool, media: &MediaStore) -> anyhow::Result<Applied> {
    Ok(Applied { recordings: expire_recordings(pool, media).await?, candidates: erase_inactive(pool, media).await? })
}

/// Deletes the recordings past their company's retention. Each batch locks its answers
/// (`SKIP LOCKED`, so another instance takes others), deletes the files, and marks the
/// answers' media gone in the same transaction.
async fn expire_recordings(pool: &PgPool, media: &MediaStore) -> anyhow::Result<u64> {
    let mut total = 0;
    loop {
        let mut tx = pool.begin().await?;
        let due = sqlx::query!(
            r#"select a.id, a.company_id as "company_id: CompanyId", a.media_key as "media_key!"
               from answers a
               join interviews i on i.company_id = a.company_id and i.id = a.interview_id
               join companies co on co.id = a.company_id
               left join interview_decisions d on d.company_id = i.company_id and d.interview_id = i.id
               where a.media_key is not null and co.recording_retention_days is not null
                 and least(i.completed_at, d.created_at) <= now() - make_interval(days => co.recording_retention_days)
               limit $1
               for update of a skip locked"#,
            RECORDING_BATCH,
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut per_company: HashMap<CompanyId, i32> = HashMap::new();
        for row in &due {
            media.delete(&row.media_key).await?;
            sqlx::query!(
                "update answers set media_key = null, media_type = null, media_deleted_at = now()
                 where company_id = $1 and id = $2",
                row.company_id as CompanyId,
                row.id,
            )
            .execute(&mut *tx)
            .await?;
            *per_company.entry(row.company_id).or_default() += 1;
        }
        for (company_id, count) in per_company {
            audit::record(&mut tx, company_id, Actor::Housekeeping, Action::RecordingsExpired, Subject::count(count))
                .await?;
        }
        tx.commit().await?;
        total += due.len() as u64;
        if due.len() < RECORDING_BATCH as usize {
            return Ok(total);
        }
    }
}

/// Erases the candidates with no activity for their company's number of months, except
/// those with an interview they can still take.
async fn erase_inactive(pool: &PgPool, media: &MediaStore) -> anyhow::Result<u64> {
    let mut per_company: HashMap<CompanyId, i32> = HashMap::new();
    let mut total = 0;
    loop {
        let due = sqlx::query!(
            r#"select c.id, c.company_id as "company_id: CompanyId"
               from candidates c join companies co on co.id = c.company_id
               where co.inactive_candidate_months is not null
                 and c.last_activity_at <= now() - make_interval(months => co.inactive_candidate_months)
                 and not exists (select 1 from interviews i
                                 where i.company_id = c.company_id and i.candidate_id = c.id
                                   and i.status in ('pending', 'in_progress') and i.expires_at > now())
               order by c.last_activity_at, c.id
               limit $1"#,
            ERASURE_BATCH,
        )
        .fetch_all(pool)
        .await?;
        for row in &due {
            if erase(pool, media, row.company_id, row.id.into(), Actor::Housekeeping).await? {
                *per_company.entry(row.company_id).or_default() += 1;
                total += 1;
            }
        }
        if due.len() < ERASURE_BATCH as usize {
            break;
        }
    }
    for (company_id, count) in per_company {
        let mut conn = pool.acquire().await?;
        audit::record(
            &mut conn,
            company_id,
            Actor::Housekeeping,
            Action::InactiveCandidatesErased,
            Subject::count(count),
        )
        .await?;
    }
    Ok(total)
}
