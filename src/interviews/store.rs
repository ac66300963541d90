//! All SQL of interviews: sending, listing, tracking, resend, cancel and expiry.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    link,
    model::{EventKind, InterviewStatus},
};
use crate::{
    evaluation::model::{EvaluationStatus, StoredRecommendation},
    mail::outbox::{self, EmailKind, EmailStatus},
    pagination::PageNumber,
};

pub struct CandidateToInvite {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub archived: bool,
}

pub async fn candidate(pool: &PgPool, company_id: Uuid, candidate_id: Uuid) -> sqlx::Result<Option<CandidateToInvite>> {
    sqlx::query_as!(
        CandidateToInvite,
        r#"select id, name, email::text as "email!", archived_at is not null as "archived!"
           from candidates where id = $1 and company_id = $2"#,
        candidate_id,
        company_id,
    )
    .fetch_optional(pool)
    .await
}

/// The company's candidates among `ids`, by name; ids of other companies' candidates
/// (and unknown ids) are left out.
pub async fn candidates_to_invite(
    pool: &PgPool,
    company_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Vec<CandidateToInvite>> {
    sqlx::query_as!(
        CandidateToInvite,
        r#"select id, name, email::text as "email!", archived_at is not null as "archived!"
           from candidates where company_id = $1 and id = any($2)
           order by name, id"#,
        company_id,
        ids,
    )
    .fetch_all(pool)
    .await
}

pub struct SendRequest {
    pub company_id: Uuid,
    pub user_id: Uuid,
    pub candidate_id: Uuid,
    pub job_id: Uuid,
    pub version_id: Uuid,
    pub idempotency_key: Uuid,
    pub link_valid_days: i64,
}

pub enum SendOutcome {
    Sent {
        interview_id: Uuid,
        email: String,
    },
    /// The same form was submitted before: nothing new was created.
    AlreadySent {
        interview_id: Uuid,
        email: String,
    },
    CandidateNotFound,
    CandidateArchived,
    TemplateNotAvailable,
}

/// Creates the application (if missing), the Pending interview, its first event and the
/// queued invitation in one transaction. The idempotency key makes a repeated POST, even
/// a concurrent one, find the interview the first one created.
pub async fn send(pool: &PgPool, req: &SendRequest) -> sqlx::Result<SendOutcome> {
    let mut tx = pool.begin().await?;
    let Some(candidate) = sqlx::query!(
        r#"select email::text as "email!", archived_at is not null as "archived!"
           from candidates where id = $1 and company_id = $2 for update"#,
        req.candidate_id,
        req.company_id,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(SendOutcome::CandidateNotFound);
    };

    if let Some(existing) = sqlx::query_scalar!(
        "select id from interviews where company_id = $1 and idempotency_key = $2",
        req.company_id,
        req.idempotency_key,
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        return Ok(SendOutcome::AlreadySent { interview_id: existing, email: candidate.email });
    }
    if candidate.archived {
        return Ok(SendOutcome::CandidateArchived);
    }
    let available = sqlx::query_scalar!(
        r#"select exists(
             select 1 from interview_templates t join jobs j on j.id = t.job_id
             where t.published_version_id = $1 and t.status = 'published' and t.job_id = $2
               and t.company_id = $3 and j.status = 'open') as "ok!""#,
        req.version_id,
        req.job_id,
        req.company_id,
    )
    .fetch_one(&mut *tx)
    .await?;
    if !available {
        return Ok(SendOutcome::TemplateNotAvailable);
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
        req.company_id,
        req.candidate_id,
        req.job_id,
    )
    .fetch_one(&mut *tx)
    .await?;

    let interview_id = Uuid::new_v4();
    sqlx::query!(
        "insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id,
                                 link_nonce, idempotency_key, sent_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(days => $10::int8::int))",
        interview_id,
        req.company_id,
        application_id,
        req.candidate_id,
        req.job_id,
        req.version_id,
        link::new_nonce(),
        req.idempotency_key,
        req.user_id,
        req.link_valid_days,
    )
    .execute(&mut *tx)
    .await?;
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
    tx.commit().await?;
    Ok(SendOutcome::Sent { interview_id, email: candidate.email })
}

/// One intent to send the same template to several candidates (bulk send).
pub struct BulkSendRequest {
    pub company_id: Uuid,
    pub user_id: Uuid,
    pub job_id: Uuid,
    pub version_id: Uuid,
    /// The bulk form's key; each candidate's interview gets a key derived from it.
    pub idempotency_key: Uuid,
    pub link_valid_days: i64,
}

/// The idempotency key of one candidate's interview in a bulk send: a name-based UUID
/// (version 8, SHA-256 of the form's key and the candidate's id), so that submitting
/// the same form again finds every interview the first submit created.
pub fn bulk_key(form_key: Uuid, candidate_id: Uuid) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"hifinity bulk send\0")
        .chain_update(form_key.as_bytes())
        .chain_update(candidate_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Sends the interview to each candidate through [`send`]: one transaction per
/// candidate (its interview and queued invitation together), each with its own derived
/// key. A failure part-way leaves the earlier invitations sent, and submitting the same
/// form again completes the rest without sending anyone a second one.
pub async fn send_many(
    pool: &PgPool,
    req: &BulkSendRequest,
    candidate_ids: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, SendOutcome)>> {
    let mut outcomes = Vec::with_capacity(candidate_ids.len());
    for &candidate_id in candidate_ids {
        let request = SendRequest {
            company_id: req.company_id,
            user_id: req.user_id,
            candidate_id,
            job_id: req.job_id,
            version_id: req.version_id,
            idempotency_key: bulk_key(req.idempotency_key, candidate_id),
            link_valid_days: req.link_valid_days,
        };
        outcomes.push((candidate_id, send(pool, &request).await?));
    }
    Ok(outcomes)
}

pub async fn record_event(
    conn: &mut PgConnection,
    company_id: Uuid,
    interview_id: Uuid,
    kind: EventKind,
    detail: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into interview_events (id, interview_id, company_id, kind, detail) values ($1, $2, $3, $4, $5)",
        Uuid::new_v4(),
        interview_id,
        company_id,
        kind as EventKind,
        detail,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A candidate's status follows their most recently sent interview that is still
/// Pending, In Progress or Completed; with none, they are New.
pub async fn refresh_candidate_status(
    conn: &mut PgConnection,
    company_id: Uuid,
    candidate_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update candidates c set
           status = coalesce((
             select case i.status when 'pending' then 'invited'::candidate_status when 'in_progress' then 'active'
                                  else 'completed' end
             from interviews i
             where i.company_id = c.company_id and i.candidate_id = c.id
               and i.status in ('pending', 'in_progress', 'completed')
             order by i.created_at desc limit 1), 'new'),
           last_activity_at = now(),
           updated_at = now()
         where c.company_id = $1 and c.id = $2",
        company_id,
        candidate_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Default)]
pub struct ListFilter {
    pub status: Option<InterviewStatus>,
    pub job_id: Option<Uuid>,
    /// Candidate name or email, substring.
    pub candidate: Option<String>,
    /// Only interviews whose latest evaluation scored at least this (0–100).
    pub min_score: Option<i32>,
    /// `score` (highest first) or `score_asc`; otherwise newest first.
    pub sort: Option<String>,
    pub application_id: Option<Uuid>,
}

pub struct InterviewRow {
    pub id: Uuid,
    pub status: InterviewStatus,
    pub candidate_id: Uuid,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub template_name: String,
    pub version_number: i32,
    pub application_id: Uuid,
    pub created_at: OffsetDateTime,
    pub email_sent_at: Option<OffsetDateTime>,
    pub email_opened_at: Option<OffsetDateTime>,
    pub expires_at: OffsetDateTime,
    pub last_email_status: Option<EmailStatus>,
    /// The latest evaluation's state, if any (a task waiting for a worker counts as queued).
    pub evaluation_state: Option<EvaluationStatus>,
    /// The overall score and recommendation of the latest finished evaluation.
    pub evaluation_score: Option<i32>,
    pub evaluation_recommendation: Option<StoredRecommendation>,
}

pub async fn list(
    pool: &PgPool,
    company_id: Uuid,
    filter: &ListFilter,
    page: PageNumber,
) -> sqlx::Result<(Vec<InterviewRow>, i64)> {
    let pattern = filter.candidate.as_deref().map(crate::db::like_pattern);
    let rows = sqlx::query_as!(
        InterviewRow,
        r#"select i.id, i.status as "status: _", c.id as candidate_id, c.name as candidate_name, c.email::text as "candidate_email!",
                  j.title as job_title, v.name as template_name, v.number as version_number,
                  i.application_id, i.created_at, i.email_sent_at, i.email_opened_at, i.expires_at,
                  (select e.status from emails e where e.interview_id = i.id order by e.created_at desc limit 1)
                    as "last_email_status: _",
                  coalesce(latest.status, case when exists(
                    select 1 from tasks t where t.company_id = i.company_id and t.kind = 'evaluate_interview'
                      and t.payload ->> 'interview_id' = i.id::text and t.status in ('queued', 'running')) then 'queued'::evaluation_status end)
                    as "evaluation_state: _",
                  done.overall_score as "evaluation_score?", done.recommendation as "evaluation_recommendation?: _"
           from interviews i
           join candidates c on c.id = i.candidate_id
           join jobs j on j.id = i.job_id
           join template_versions v on v.id = i.template_version_id
           left join lateral (
             select e.status from evaluations e where e.company_id = i.company_id and e.interview_id = i.id
             order by e.created_at desc, e.id desc limit 1) latest on true
           left join lateral (
             select e.overall_score, e.recommendation from evaluations e
             where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done'
             order by e.created_at desc, e.id desc limit 1) done on true
           where i.company_id = $1
             and ($2::interview_status is null or i.status = $2)
             and ($3::uuid is null or i.job_id = $3)
             and ($4::text is null or c.name ilike $4 or c.email::text ilike $4)
             and ($7::int4 is null or done.overall_score >= $7)
             and ($9::uuid is null or i.application_id = $9)
           order by case when $8::text = 'score' then done.overall_score end desc nulls last,
                    case when $8::text = 'score_asc' then done.overall_score end asc nulls last,
                    i.created_at desc, i.id desc
           limit $5 offset $6"#,
        company_id,
        filter.status as Option<InterviewStatus>,
        filter.job_id,
        pattern,
        page.limit(),
        page.offset(),
        filter.min_score,
        filter.sort,
        filter.application_id,
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from interviews i join candidates c on c.id = i.candidate_id
           left join lateral (
             select e.overall_score from evaluations e
             where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done'
             order by e.created_at desc, e.id desc limit 1) done on true
           where i.company_id = $1
             and ($2::interview_status is null or i.status = $2)
             and ($3::uuid is null or i.job_id = $3)
             and ($4::text is null or c.name ilike $4 or c.email::text ilike $4)
             and ($5::int4 is null or done.overall_score >= $5)
             and ($6::uuid is null or i.application_id = $6)"#,
        company_id,
        filter.status as Option<InterviewStatus>,
        filter.job_id,
        pattern,
        filter.min_score,
        filter.application_id,
    )
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// An application's interviews, newest first (the first page: an application rarely has
/// more than a handful).
pub async fn for_application(pool: &PgPool, company_id: Uuid, application_id: Uuid) -> sqlx::Result<Vec<InterviewRow>> {
    let filter = ListFilter { application_id: Some(application_id), ..Default::default() };
    Ok(list(pool, company_id, &filter, PageNumber::default()).await?.0)
}

pub struct InterviewDetail {
    pub id: Uuid,
    pub status: InterviewStatus,
    pub candidate_id: Uuid,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_id: Uuid,
    pub job_title: String,
    pub application_id: Uuid,
    pub template_name: String,
    pub version_number: i32,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub sent_by: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub email_sent_at: Option<OffsetDateTime>,
    pub email_opened_at: Option<OffsetDateTime>,
    pub link_opened_at: Option<OffsetDateTime>,
    pub started_at: Option<OffsetDateTime>,
    pub completed_at: Option<OffsetDateTime>,
}

pub async fn detail(pool: &PgPool, company_id: Uuid, id: Uuid) -> sqlx::Result<Option<InterviewDetail>> {
    sqlx::query_as!(
        InterviewDetail,
        r#"select i.id, i.status as "status: _", c.id as candidate_id, c.name as candidate_name, c.email::text as "candidate_email!",
                  j.id as job_id, j.title as job_title, i.application_id, v.name as template_name,
                  v.number as version_number, v.duration_minutes,
                  (select count(*) from version_questions q where q.version_id = v.id) as "question_count!",
                  u.name as "sent_by?", i.created_at, i.expires_at, i.email_sent_at, i.email_opened_at,
                  i.link_opened_at, i.started_at, i.completed_at
           from interviews i
           join candidates c on c.id = i.candidate_id
           join jobs j on j.id = i.job_id
           join template_versions v on v.id = i.template_version_id
           left join users u on u.id = i.sent_by
           where i.company_id = $1 and i.id = $2"#,
        company_id,
        id,
    )
    .fetch_optional(pool)
    .await
}

pub struct Event {
    pub kind: EventKind,
    pub detail: Option<String>,
    pub created_at: OffsetDateTime,
}

pub async fn events(pool: &PgPool, company_id: Uuid, interview_id: Uuid) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as!(
        Event,
        r#"select kind as "kind: _", detail, created_at from interview_events
           where company_id = $1 and interview_id = $2 order by created_at, id"#,
        company_id,
        interview_id,
    )
    .fetch_all(pool)
    .await
}

/// The least time between two invitations of one interview.
pub const RESEND_GAP_MINUTES: i64 = 5;

pub enum ResendOutcome {
    Queued { email: String },
    NotFound,
    Closed(String),
    TooSoon { minutes: i64 },
}

/// Queues a new email with the same link; creates no interview and changes no progress.
pub async fn resend(pool: &PgPool, company_id: Uuid, id: Uuid) -> sqlx::Result<ResendOutcome> {
    let mut tx = pool.begin().await?;
    let Some(row) = sqlx::query!(
        r#"select i.status as "status: InterviewStatus", c.email::text as "email!", i.expires_at <= now() as "expired!",
                  ceil(extract(epoch from i.last_invited_at + make_interval(mins => $3::int8::int) - now()) / 60)::int8 as "wait_minutes!"
           from interviews i join candidates c on c.id = i.candidate_id
           where i.company_id = $1 and i.id = $2 for update of i"#,
        company_id,
        id,
        RESEND_GAP_MINUTES,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(ResendOutcome::NotFound);
    };
    let status = row.status;
    if !status.is_open() || row.expired {
        let label = if row.expired && status.is_open() { "Expired" } else { status.label() };
        return Ok(ResendOutcome::Closed(format!(
            "This interview is {label}, so its invitation can't be resent.{}",
            if label == "Expired" { " Extend the deadline first." } else { "" }
        )));
    }
    if row.wait_minutes > 0 {
        return Ok(ResendOutcome::TooSoon { minutes: row.wait_minutes });
    }
    sqlx::query!(
        "update interviews set last_invited_at = now(), updated_at = now() where company_id = $1 and id = $2",
        company_id,
        id
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue(&mut tx, company_id, id, EmailKind::Resend, &row.email).await?;
    record_event(&mut tx, company_id, id, EventKind::Resent, Some(&format!("Invitation resent to {}", row.email)))
        .await?;
    tx.commit().await?;
    Ok(ResendOutcome::Queued { email: row.email })
}

/// Cancels an open interview: its link stops working.
pub async fn cancel(pool: &PgPool, company_id: Uuid, id: Uuid) -> sqlx::Result<Option<bool>> {
    let mut tx = pool.begin().await?;
    let Some(candidate_id) = sqlx::query_scalar!(
        "select candidate_id from interviews where company_id = $1 and id = $2 for update",
        company_id,
        id,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let cancelled = sqlx::query!(
        "update interviews set status = 'cancelled', updated_at = now()
         where company_id = $1 and id = $2 and status in ('pending', 'in_progress')",
        company_id,
        id,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if cancelled {
        record_event(&mut tx, company_id, id, EventKind::Cancelled, None).await?;
        refresh_candidate_status(&mut tx, company_id, candidate_id).await?;
    }
    tx.commit().await?;
    Ok(Some(cancelled))
}

/// Moves the deadline to `days` from now (also reopening an expired interview).
pub async fn extend(pool: &PgPool, company_id: Uuid, id: Uuid, days: i64) -> sqlx::Result<Option<bool>> {
    let mut tx = pool.begin().await?;
    let Some(row) = sqlx::query!(
        r#"select candidate_id, status as "status: InterviewStatus" from interviews
           where company_id = $1 and id = $2 for update"#,
        company_id,
        id,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    if !(row.status.is_open() || row.status == InterviewStatus::Expired) {
        return Ok(Some(false));
    }
    sqlx::query!(
        "update interviews set expires_at = now() + make_interval(days => $2::int8::int), updated_at = now(),
           status = case when status = 'expired'
                         then case when started_at is null then 'pending'::interview_status else 'in_progress' end
                         else status end
         where company_id = $3 and id = $1",
        id,
        days,
        company_id,
    )
    .execute(&mut *tx)
    .await?;
    record_event(&mut tx, company_id, id, EventKind::Extended, Some(&format!("New deadline in {days} days"))).await?;
    refresh_candidate_status(&mut tx, company_id, row.candidate_id).await?;
    tx.commit().await?;
    Ok(Some(true))
}

/// Housekeeping: open interviews past their deadline become Expired.
pub async fn expire_overdue(pool: &PgPool) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let expired = sqlx::query!(
        "update interviews set status = 'expired', updated_at = now()
         where status in ('pending', 'in_progress') and expires_at <= now()
         returning id, company_id, candidate_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for row in &expired {
        record_event(&mut tx, row.company_id, row.id, EventKind::Expired, None).await?;
        refresh_candidate_status(&mut tx, row.company_id, row.candidate_id).await?;
    }
    tx.commit().await?;
    Ok(expired.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_keys_are_stable_and_distinct() {
        let form = Uuid::new_v4();
        let (ann, bo) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(bulk_key(form, ann), bulk_key(form, ann), "a repeated submit finds the same interview");
        assert_ne!(bulk_key(form, ann), bulk_key(form, bo));
        assert_ne!(bulk_key(form, ann), bulk_key(Uuid::new_v4(), ann), "a new form is a new intent");
        assert_ne!(bulk_key(form, ann), form);
        assert_eq!(bulk_key(form, ann).get_version_num(), 8);
    }
}
