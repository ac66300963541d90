//! Share links, their views, and what a link shows. Every query but [`link`] is scoped by
//! the company; [`link`] reads the share a token names, before its company is known.

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::link::VerifiedShare;
use crate::ids::{AnswerId, CandidateId, CompanyId, InterviewId, ShareId, UserId};
use crate::{audit, evaluation::model::StoredRecommendation, interviews::model::InterviewStatus};

/// What a share link shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "share_scope", rename_all = "snake_case")]
pub enum ShareScope {
    /// The interview it was created from.
    Interview,
    /// Every completed interview of that interview's job.
    Job,
}

impl ShareScope {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "interview" => Some(Self::Interview),
            "job" => Some(Self::Job),
            _ => None,
        }
    }
}

pub struct NewShare {
    pub interview_id: InterviewId,
    pub created_by: UserId,
    pub scope: ShareScope,
    pub include_contact: bool,
    pub days: i32,
}

/// Creates the share of one of the company's interviews, logged in the audit log; `None`
/// for an interview it does not have.
pub async fn create(pool: &PgPool, company_id: CompanyId, share: &NewShare) -> sqlx::Result<Option<Uuid>> {
    let mut tx = pool.begin().await?;
    let created = sqlx::query!(
        "insert into share_links (id, company_id, interview_id, scope, nonce, include_contact, expires_at, created_by)
         select $1, i.company_id, i.id, $4, $5, $6, now() + make_interval(days => $7), $8
           from interviews i where i.company_id = $2 and i.id = $3
         returning id, (select candidate_id from interviews where company_id = $2 and id = $3) as \"candidate_id!\"",
        Uuid::new_v4(),
        company_id as CompanyId,
        share.interview_id as InterviewId,
        share.scope as ShareScope,
        rules::link::new_nonce(),
        share.include_contact,
        share.days,
        share.created_by as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(created) = created else { return Ok(None) };
    let subject = audit::Subject::interview(created.candidate_id.into(), share.interview_id);
    let actor = audit::Actor::Member(share.created_by);
    audit::record(&mut tx, company_id, actor, audit::Action::InterviewShared, subject).await?;
    tx.commit().await?;
    Ok(Some(created.id))
}

/// Revokes a share of the interview (again is harmless); false when there is no such share.
pub async fn revoke(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    share_id: ShareId,
) -> sqlx::Result<bool> {
    let revoked = sqlx::query_scalar!(
        "update share_links set revoked_at = coalesce(revoked_at, now())
         where company_id = $1 and interview_id = $2 and id = $3 returning id",
        company_id as CompanyId,
        interview_id as InterviewId,
        share_id as ShareId,
    )
    .fetch_optional(pool)
    .await?;
    Ok(revoked.is_some())
}

pub struct ShareRow {
    pub id: Uuid,
    pub scope: ShareScope,
    pub nonce: Vec<u8>,
    pub include_contact: bool,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub created_by: Option<String>,
    pub created_at: OffsetDateTime,
}

/// The shares created from an interview, newest first.
pub async fn of_interview(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Vec<ShareRow>> {
    sqlx::query_as!(
        ShareRow,
        r#"select s.id, s.scope as "scope: _", s.nonce, s.include_contact, s.expires_at, s.revoked_at,
                  u.name as "created_by?", s.created_at
           from share_links s left join users u on u.id = s.created_by and u.company_id = s.company_id
           where s.company_id = $1 and s.interview_id = $2
           order by s.created_at desc, s.id"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_all(pool)
    .await
}

pub struct ViewRow {
    pub share_id: Uuid,
    pub viewed_at: OffsetDateTime,
    pub client_ip: String,
    /// The candidate whose interview was looked at; none for a job-wide link's list.
    pub candidate_name: Option<String>,
    /// The question (1-based) whose answer was played.
    pub question_number: Option<i32>,
}

/// The most views listed under one interview's shares.
const VIEWS_LISTED: i64 = 500;

/// The views of the shares created from an interview, newest first.
pub async fn views(pool: &PgPool, company_id: CompanyId, interview_id: InterviewId) -> sqlx::Result<Vec<ViewRow>> {
    sqlx::query_as!(
        ViewRow,
        r#"select v.share_id, v.viewed_at, v.client_ip, c.name as "candidate_name?", q.position + 1 as question_number
           from share_views v
           join share_links s on s.company_id = v.company_id and s.id = v.share_id
           left join interviews i on i.company_id = v.company_id and i.id = v.interview_id
           left join candidates c on c.company_id = i.company_id and c.id = i.candidate_id
           left join answers a on a.company_id = v.company_id and a.id = v.answer_id
           left join version_questions q on q.id = a.question_id
           where v.company_id = $1 and s.interview_id = $2
           order by v.viewed_at desc, v.id
           limit $3"#,
        company_id as CompanyId,
        interview_id as InterviewId,
        VIEWS_LISTED,
    )
    .fetch_all(pool)
    .await
}

/// A share as stored, before its token is verified.
pub struct StoredLink {
    pub id: Uuid,
    pub company_id: Uuid,
    pub interview_id: InterviewId,
    pub scope: ShareScope,
    pub nonce: Vec<u8>,
    pub include_contact: bool,
    pub revoked: bool,
    pub expired: bool,
}

/// The share a token names, whichever company's: verifying its token establishes the company.
pub async fn link(pool: &PgPool, share_id: Uuid) -> sqlx::Result<Option<StoredLink>> {
    sqlx::query_as!(
        StoredLink,
        r#"select id, company_id, interview_id, scope as "scope: _", nonce, include_contact,
                  revoked_at is not null as "revoked!", expires_at <= now() as "expired!"
           from share_links where id = $1"#,
        share_id,
    )
    .fetch_optional(pool)
    .await
}

/// Logs a view of the share: its page, an interview, or an answer played; a view of an
/// interview also goes into the company's audit log.
pub async fn record_view(
    pool: &PgPool,
    share: &VerifiedShare,
    interview_id: Option<InterviewId>,
    answer_id: Option<AnswerId>,
    client_ip: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let viewed = sqlx::query_scalar!(
        r#"with view as (
             insert into share_views (company_id, share_id, interview_id, answer_id, client_ip)
             values ($1, $2, $3, $4, $5) returning interview_id)
           select i.candidate_id as "candidate_id: CandidateId" from view join interviews i on i.company_id = $1 and i.id = view.interview_id"#,
        share.company_id() as CompanyId,
        share.id,
        interview_id as Option<InterviewId>,
        answer_id as Option<AnswerId>,
        client_ip,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let (Some(candidate_id), Some(interview_id)) = (viewed, interview_id) {
        let subject = audit::Subject::interview(candidate_id, interview_id);
        audit::record(&mut tx, share.company_id(), audit::Actor::ShareLink, audit::Action::ShareViewed, subject)
            .await?;
    }
    tx.commit().await
}

pub struct SharedInterview {
    pub id: InterviewId,
    pub company_name: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub candidate_phone: Option<String>,
    pub job_title: String,
    pub status: InterviewStatus,
    pub completed_at: Option<OffsetDateTime>,
}

/// The interview `interview_id` if the share shows it: its own interview, or a completed
/// interview of that interview's job.
pub async fn shared_interview(
    pool: &PgPool,
    share: &VerifiedShare,
    interview_id: InterviewId,
) -> sqlx::Result<Option<SharedInterview>> {
    sqlx::query_as!(
        SharedInterview,
        r#"select i.id, co.name as company_name, c.name as candidate_name, c.email::text as "candidate_email!",
                  c.phone as candidate_phone, j.title as job_title, i.status as "status: _", i.completed_at
           from interviews i
           join companies co on co.id = i.company_id
           join candidates c on c.company_id = i.company_id and c.id = i.candidate_id
           join jobs j on j.company_id = i.company_id and j.id = i.job_id
           where i.company_id = $1 and i.id = $2
             and (i.id = $3 or ($4 and i.status = 'completed'
                  and i.job_id = (select o.job_id from interviews o where o.company_id = $1 and o.id = $3)))"#,
        share.company_id() as CompanyId,
        interview_id as InterviewId,
        share.interview_id as InterviewId,
        share.scope == ShareScope::Job,
    )
    .fetch_optional(pool)
    .await
}

pub struct JobListing {
    pub company_name: String,
    pub job_title: String,
}

/// The job a job-wide share shows.
pub async fn shared_job(pool: &PgPool, share: &VerifiedShare) -> sqlx::Result<JobListing> {
    sqlx::query_as!(
        JobListing,
        "select co.name as company_name, j.title as job_title
           from interviews i join companies co on co.id = i.company_id
           join jobs j on j.company_id = i.company_id and j.id = i.job_id
          where i.company_id = $1 and i.id = $2",
        share.company_id() as CompanyId,
        share.interview_id as InterviewId,
    )
    .fetch_one(pool)
    .await
}

pub struct JobInterviewRow {
    pub id: InterviewId,
    pub candidate_name: String,
    pub completed_at: Option<OffsetDateTime>,
    pub score: Option<i32>,
    pub recommendation: Option<StoredRecommendation>,
}

/// The completed interviews of a job-wide share's job, latest completed first, with
/// their latest finished evaluation.
pub async fn job_interviews(pool: &PgPool, share: &VerifiedShare) -> sqlx::Result<Vec<JobInterviewRow>> {
    sqlx::query_as!(
        JobInterviewRow,
        r#"select i.id, c.name as candidate_name, i.completed_at,
                  done.overall_score as "score?", done.recommendation as "recommendation?: _"
           from interviews i
           join candidates c on c.company_id = i.company_id and c.id = i.candidate_id
           left join lateral (
             select e.overall_score, e.recommendation from evaluations e
             where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done'
             order by e.created_at desc, e.id desc limit 1) done on true
           where i.company_id = $1 and i.status = 'completed'
             and i.job_id = (select o.job_id from interviews o where o.company_id = $1 and o.id = $2)
           order by i.completed_at desc nulls last, i.id"#,
        share.company_id() as CompanyId,
        share.interview_id as InterviewId,
    )
    .fetch_all(pool)
    .await
}

pub struct AnswerMedia {
    pub media_key: String,
    pub media_type: String,
}

/// The recording of an answer of an interview the share shows.
pub async fn answer_media(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    answer_id: AnswerId,
) -> sqlx::Result<Option<AnswerMedia>> {
    sqlx::query_as!(
        AnswerMedia,
        r#"select media_key as "media_key!", media_type as "media_type!" from answers
           where company_id = $1 and interview_id = $2 and id = $3 and media_key is not null"#,
        company_id as CompanyId,
        interview_id as InterviewId,
        answer_id as AnswerId,
    )
    .fetch_optional(pool)
    .await
}
