//! Sending: a new Pending interview, alone or in bulk, with its queued invitation.

use sqlx::PgPool;
use uuid::Uuid;

use super::{EmailCap, Error, Refused, Result, record_event, refresh_candidate_status};
use crate::ids::{CandidateId, CompanyId, InterviewId, JobId, UserId};
use crate::{
    audit,
    interviews::{link, model::EventKind},
    mail::outbox::{self, EmailKind},
    webhooks::{self, Event},
};

pub struct SendRequest {
    pub company_id: CompanyId,
    pub user_id: UserId,
    pub candidate_id: CandidateId,
    pub job_id: JobId,
    pub version_id: Uuid,
    pub idempotency_key: Uuid,
    pub link_valid_days: i64,
    pub email_cap: EmailCap,
}

/// The interview sent; also the answer to the same form submitted again, which creates
/// nothing new.
pub struct Sent {
    pub interview_id: InterviewId,
    pub email: String,
}

/// Creates the application (if missing), the Pending interview, its first event and the
/// queued invitation in one transaction. The idempotency key makes a repeated POST, even
/// a concurrent one, find the interview the first one created.
pub async fn send(pool: &PgPool, req: &SendRequest) -> Result<Sent> {
    let mut tx = pool.begin().await?;
    let Some(candidate) = sqlx::query!(
        r#"select email::text as "email!", archived_at is not null as "archived!"
           from candidates where id = $1 and company_id = $2 for update"#,
        req.candidate_id as CandidateId,
        req.company_id as CompanyId,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(Refused::NotFound.into());
    };

    if let Some(existing) = sqlx::query_scalar!(
        r#"select id as "id: InterviewId" from interviews where company_id = $1 and idempotency_key = $2"#,
        req.company_id as CompanyId,
        req.idempotency_key,
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        return Ok(Sent { interview_id: existing, email: candidate.email });
    }
    if candidate.archived {
        return Err(Refused::CandidateArchived.into());
    }
    let available = sqlx::query_scalar!(
        r#"select exists(
             select 1 from interview_templates t join jobs j on j.id = t.job_id
             where t.published_version_id = $1 and t.status = 'published' and t.job_id = $2
               and t.company_id = $3 and j.status = 'open') as "ok!""#,
        req.version_id,
        req.job_id as JobId,
        req.company_id as CompanyId,
    )
    .fetch_one(&mut *tx)
    .await?;
    if !available {
        return Err(Refused::TemplateNotAvailable.into());
    }
    let application_id = sqlx::query_scalar!(
        "insert into applications (id, company_id, candidate_id, job_id, stage)
         values ($1, $2, $3, $4, 'interviewing')
         on conflict (candidate_id, job_id) do update
           set stage = case when applications.stage in ('applied', 'screening') then 'interviewing'
                            else applications.stage end,
               updated_at = now()
         returning id",
        Uuid::new_v4(),
        req.company_id as CompanyId,
        req.candidate_id as CandidateId,
        req.job_id as JobId,
    )
    .fetch_one(&mut *tx)
    .await?;

    let interview_id = InterviewId::generate();
    sqlx::query!(
        "insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id,
                                 link_nonce, idempotency_key, sent_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(days => $10::int8::int))",
        interview_id as InterviewId,
        req.company_id as CompanyId,
        application_id,
        req.candidate_id as CandidateId,
        req.job_id as JobId,
        req.version_id,
        link::new_nonce(),
        req.idempotency_key,
        req.user_id as UserId,
        req.link_valid_days,
    )
    .execute(&mut *tx)
    .await?;
    crate::reviews::store::assign_job_defaults(&mut tx, req.company_id, interview_id, req.job_id).await?;
    outbox::enqueue(&mut tx, req.company_id, interview_id, EmailKind::Invitation, &candidate.email).await?;
    record_event(
        &mut tx,
        req.company_id,
        interview_id,
        EventKind::Queued,
        Some(&format!("Invitation to {}", candidate.email)),
    )
    .await?;
    refresh_candidate_status(&mut tx, req.company_id, req.candidate_id).await?;
    let subject = audit::Subject::interview(req.candidate_id, interview_id);
    audit::record(&mut tx, req.company_id, audit::Actor::Member(req.user_id), audit::Action::InterviewSent, subject)
        .await?;
    webhooks::emit(&mut tx, req.company_id, Event::InterviewSent(interview_id)).await?;
    // Last before the commit, counting the invitation just queued: a new company's row
    // stays locked from here to the commit, so its sends wait on each other only for
    // this moment.
    req.email_cap.take(&mut tx, req.company_id, 1).await?;
    tx.commit().await?;
    Ok(Sent { interview_id, email: candidate.email })
}

/// One intent to send the same template to several candidates (bulk send).
pub struct BulkSendRequest {
    pub company_id: CompanyId,
    pub user_id: UserId,
    pub job_id: JobId,
    pub version_id: Uuid,
    /// The bulk form's key; each candidate's interview gets a key derived from it.
    pub idempotency_key: Uuid,
    pub link_valid_days: i64,
    pub email_cap: EmailCap,
}

/// The idempotency key of one candidate's interview in a bulk send: a name-based UUID
/// (version 8, SHA-256 of the form's key and the candidate's id), so that submitting
/// the same form again finds every interview the first submit created.
pub fn bulk_key(form_key: Uuid, candidate_id: CandidateId) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"hifinity bulk send\0")
        .chain_update(form_key.as_bytes())
        .chain_update(candidate_id.uuid().as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Sends the interview to each candidate through [`send`]: one transaction per
/// candidate (its interview and queued invitation together), each with its own derived
/// key. A failure part-way leaves the earlier invitations sent, and submitting the same
/// form again completes the rest without sending anyone a second one. Once the daily
/// cap is reached, the rest are refused for it without being tried.
pub async fn send_many(
    pool: &PgPool,
    req: &BulkSendRequest,
    candidate_ids: &[CandidateId],
) -> sqlx::Result<Vec<(CandidateId, std::result::Result<Sent, Refused>)>> {
    let mut outcomes = Vec::with_capacity(candidate_ids.len());
    for &candidate_id in candidate_ids {
        if let Some((_, Err(capped @ Refused::DailyEmailCap { .. }))) = outcomes.last() {
            let capped = *capped;
            outcomes.push((candidate_id, Err(capped)));
            continue;
        }
        let request = SendRequest {
            company_id: req.company_id,
            user_id: req.user_id,
            candidate_id,
            job_id: req.job_id,
            version_id: req.version_id,
            idempotency_key: bulk_key(req.idempotency_key, candidate_id),
            link_valid_days: req.link_valid_days,
            email_cap: req.email_cap,
        };
        let outcome = match send(pool, &request).await {
            Ok(sent) => Ok(sent),
            Err(Error::Refused(refused)) => Err(refused),
            Err(Error::Database(err)) => return Err(err),
        };
        outcomes.push((candidate_id, outcome));
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_keys_are_stable_and_distinct() {
        let form = Uuid::new_v4();
        let (ann, bo) = (CandidateId::generate(), CandidateId::generate());
        assert_eq!(bulk_key(form, ann), bulk_key(form, ann), "a repeated submit finds the same interview");
        assert_ne!(bulk_key(form, ann), bulk_key(form, bo));
        assert_ne!(bulk_key(form, ann), bulk_key(Uuid::new_v4(), ann), "a new form is a new intent");
        assert_ne!(bulk_key(form, ann), form);
        assert_eq!(bulk_key(form, ann).get_version_num(), 8);
    }
}
