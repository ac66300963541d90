//! All SQL of reviewers: assignments to interviews and jobs, "ready for your review"
//! emails, My reviews, and the company's blind-review setting. Every statement is scoped
//! by company; the team rating itself is kept on the interview by a trigger on ratings.

use sqlx::{PgConnection, PgPool};
use time::{Date, OffsetDateTime};

use crate::audit::{self, Action, Actor, Subject};
use crate::ids::{CandidateId, CompanyId, InterviewId, JobId, UserId};
use crate::mail::account;

/// An active member who may be assigned.
pub struct Member {
    pub id: UserId,
    pub name: String,
}

pub async fn members(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as!(
        Member,
        "select id, name from users where company_id = $1 and deactivated_at is null order by name, id",
        company_id as CompanyId,
    )
    .fetch_all(pool)
    .await
}

/// A reviewer of an interview and how far they got.
pub struct Assignee {
    pub user_id: UserId,
    pub name: String,
    pub due_on: Option<Date>,
    /// They rated every answer.
    pub rated: bool,
}

pub async fn of_interview(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
) -> sqlx::Result<Vec<Assignee>> {
    sqlx::query_as!(
        Assignee,
        r#"select r.user_id, u.name, r.due_on,
                  (select count(*) from answer_reviews v join answers a on a.id = v.answer_id
                    where a.interview_id = r.interview_id and v.user_id = r.user_id)
                  = (select count(*) from answers a where a.interview_id = r.interview_id) as "rated!"
           from interview_reviewers r join users u on u.id = r.user_id
           where r.company_id = $1 and r.interview_id = $2
           order by u.name, r.user_id"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_all(pool)
    .await
}

pub async fn of_job(pool: &PgPool, company_id: CompanyId, job_id: JobId) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as!(
        Member,
        "select u.id, u.name from job_reviewers r join users u on u.id = r.user_id
         where r.company_id = $1 and r.job_id = $2 order by u.name, u.id",
        company_id as CompanyId,
        job_id as JobId,
    )
    .fetch_all(pool)
    .await
}

/// Assigns an active member to the interview (changing the due date if they already
/// are) and emails them at once when the interview is ready; false when the interview
/// or the member is not the company's.
pub async fn assign(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    interview_id: InterviewId,
    user_id: UserId,
    due_on: Option<Date>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let saved = sqlx::query!(
        "insert into interview_reviewers (company_id, interview_id, user_id, due_on)
         select i.company_id, i.id, u.id, $4 from interviews i join users u on u.company_id = i.company_id
         where i.company_id = $1 and i.id = $2 and u.id = $3 and u.deactivated_at is null
         on conflict (interview_id, user_id) do update set due_on = excluded.due_on",
        company_id as CompanyId,
        interview_id as InterviewId,
        user_id as UserId,
        due_on,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if saved == 1 {
        record(&mut tx, company_id, by, Action::ReviewerAssigned, &[interview_id], user_id).await?;
    }
    notify_ready(&mut tx, company_id, &[interview_id]).await?;
    tx.commit().await?;
    Ok(saved == 1)
}

pub async fn unassign(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    interview_id: InterviewId,
    user_id: UserId,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query!(
        "delete from interview_reviewers where company_id = $1 and interview_id = $2 and user_id = $3",
        company_id as CompanyId,
        interview_id as InterviewId,
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 1 {
        record(&mut tx, company_id, by, Action::ReviewerUnassigned, &[interview_id], user_id).await?;
    }
    tx.commit().await
}

/// Audits a member's assignment to (or removal from) reviewing these interviews: one
/// entry each, naming the interview's candidate by id.
async fn record(
    conn: &mut PgConnection,
    company_id: CompanyId,
    by: UserId,
    action: Action,
    interview_ids: &[InterviewId],
    user_id: UserId,
) -> sqlx::Result<()> {
    let interviews = sqlx::query!(
        r#"select id as "id: InterviewId", candidate_id as "candidate_id: CandidateId" from interviews
           where company_id = $1 and id = any($2) order by id"#,
        company_id as CompanyId,
        interview_ids as &[InterviewId],
    )
    .fetch_all(&mut *conn)
    .await?;
    for i in interviews {
        audit::record(conn, company_id, Actor::Member(by), action, Subject::reviewer(i.candidate_id, i.id, user_id))
            .await?;
    }
    Ok(())
}

/// Makes an active member a default reviewer of the job: assigned to its interviews that
/// are not cancelled or expired, and to every one sent from now on. False when the job
/// or the member is not the company's.
pub async fn assign_to_job(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    job_id: JobId,
    user_id: UserId,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let saved = sqlx::query!(
        "insert into job_reviewers (company_id, job_id, user_id)
         select j.company_id, j.id, u.id from jobs j join users u on u.company_id = j.company_id
         where j.company_id = $1 and j.id = $2 and u.id = $3 and u.deactivated_at is null
         on conflict (job_id, user_id) do nothing",
        company_id as CompanyId,
        job_id as JobId,
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let assigned = sqlx::query_scalar!(
        "insert into interview_reviewers (company_id, interview_id, user_id)
         select i.company_id, i.id, r.user_id from interviews i
         join job_reviewers r on r.company_id = i.company_id and r.job_id = i.job_id
         where i.company_id = $1 and i.job_id = $2 and r.user_id = $3 and i.status not in ('cancelled', 'expired')
         on conflict (interview_id, user_id) do nothing
         returning interview_id as \"interview_id: InterviewId\"",
        company_id as CompanyId,
        job_id as JobId,
        user_id as UserId,
    )
    .fetch_all(&mut *tx)
    .await?;
    if saved == 1 {
        let subject = Subject::job_reviewer(job_id, user_id);
        audit::record(&mut tx, company_id, Actor::Member(by), Action::JobReviewerAdded, subject).await?;
    }
    record(&mut tx, company_id, by, Action::ReviewerAssigned, &assigned, user_id).await?;
    notify_ready(&mut tx, company_id, &assigned).await?;
    tx.commit().await?;
    Ok(saved == 1 || !assigned.is_empty())
}

/// Stops assigning the member to the job's new interviews; the interviews they were
/// given keep them.
pub async fn unassign_from_job(
    pool: &PgPool,
    company_id: CompanyId,
    by: UserId,
    job_id: JobId,
    user_id: UserId,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query!(
        "delete from job_reviewers where company_id = $1 and job_id = $2 and user_id = $3",
        company_id as CompanyId,
        job_id as JobId,
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 1 {
        let subject = Subject::job_reviewer(job_id, user_id);
        audit::record(&mut tx, company_id, Actor::Member(by), Action::JobReviewerRemoved, subject).await?;
    }
    tx.commit().await
}

/// Assigns the job's default reviewers to a new interview, in the transaction that sends it.
pub async fn assign_job_defaults(
    conn: &mut PgConnection,
    company_id: CompanyId,
    interview_id: InterviewId,
    job_id: JobId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into interview_reviewers (company_id, interview_id, user_id)
         select r.company_id, $2, r.user_id from job_reviewers r join users u on u.id = r.user_id
         where r.company_id = $1 and r.job_id = $3 and u.deactivated_at is null
         on conflict (interview_id, user_id) do nothing",
        company_id as CompanyId,
        interview_id as InterviewId,
        job_id as JobId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Queues the "ready for your review" email to every active reviewer of these interviews
/// not emailed yet, for those that are ready: completed, with a finished evaluation.
/// Called in the transaction that makes an interview ready or assigns a reviewer, so
/// each reviewer is emailed once.
pub async fn notify_ready(
    conn: &mut PgConnection,
    company_id: CompanyId,
    interview_ids: &[InterviewId],
) -> sqlx::Result<()> {
    let due = sqlx::query!(
        r#"update interview_reviewers r set notified_at = now()
           from users u, interviews i
           where r.company_id = $1 and r.interview_id = any($2) and r.notified_at is null
             and u.id = r.user_id and u.deactivated_at is null
             and i.company_id = r.company_id and i.id = r.interview_id and i.status = 'completed'
             and exists(select 1 from evaluations e
                        where e.company_id = r.company_id and e.interview_id = r.interview_id and e.status = 'done')
           returning r.user_id as "user_id: UserId", r.interview_id as "interview_id: InterviewId", u.email::text as "email!""#,
        company_id as CompanyId,
        interview_ids as &[InterviewId],
    )
    .fetch_all(&mut *conn)
    .await?;
    for reviewer in due {
        account::enqueue_review(&mut *conn, reviewer.user_id, &reviewer.email, reviewer.interview_id).await?;
    }
    Ok(())
}

/// What a review email says, read when it is delivered; `None` once the reviewer is no
/// longer assigned.
pub struct ReviewEmailData {
    pub company_name: String,
    pub candidate_name: String,
    pub job_title: String,
    pub due_on: Option<Date>,
    pub blind_review: bool,
}

pub async fn email_data(
    pool: &PgPool,
    user_id: UserId,
    interview_id: InterviewId,
) -> sqlx::Result<Option<ReviewEmailData>> {
    sqlx::query_as!(
        ReviewEmailData,
        "select co.name as company_name, c.name as candidate_name, j.title as job_title, r.due_on, co.blind_review
         from interview_reviewers r
         join interviews i on i.company_id = r.company_id and i.id = r.interview_id
         join candidates c on c.id = i.candidate_id
         join jobs j on j.id = i.job_id
         join companies co on co.id = r.company_id
         where r.interview_id = $1 and r.user_id = $2",
        interview_id as InterviewId,
        user_id as UserId,
    )
    .fetch_optional(pool)
    .await
}

/// One interview on My reviews.
pub struct MyReview {
    pub interview_id: InterviewId,
    pub candidate_name: String,
    pub job_title: String,
    pub completed_at: Option<OffsetDateTime>,
    pub due_on: Option<Date>,
    pub answers: i64,
    pub rated: i64,
    /// When they last changed a rating of it.
    pub rated_at: Option<OffsetDateTime>,
}

impl MyReview {
    pub fn is_done(&self) -> bool {
        self.rated >= self.answers
    }
}

/// The interviews the user is assigned to that are ready for review (completed and
/// evaluated, as the email says), newest first.
pub async fn mine(pool: &PgPool, company_id: CompanyId, user_id: UserId) -> sqlx::Result<Vec<MyReview>> {
    sqlx::query_as!(
        MyReview,
        r#"select i.id as interview_id, c.name as candidate_name, j.title as job_title, i.completed_at, r.due_on,
                  (select count(*) from answers a where a.interview_id = i.id) as "answers!",
                  coalesce(mine.rated, 0) as "rated!", mine.rated_at
           from interview_reviewers r
           join interviews i on i.company_id = r.company_id and i.id = r.interview_id
           join candidates c on c.id = i.candidate_id
           join jobs j on j.id = i.job_id
           left join lateral (
             select count(*) as rated, max(v.updated_at) as rated_at
             from answer_reviews v join answers a on a.id = v.answer_id
             where a.interview_id = i.id and v.user_id = r.user_id) mine on true
           where r.company_id = $1 and r.user_id = $2 and i.status = 'completed'
             and exists(select 1 from evaluations e
                        where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done')
           order by i.completed_at desc nulls last, i.id desc"#,
        company_id as CompanyId,
        user_id as UserId,
    )
    .fetch_all(pool)
    .await
}

/// Where the user stands on an interview: whether they review it, and whether they
/// rated every answer.
pub struct Standing {
    pub blind_review: bool,
    pub assigned: bool,
    pub rated_every_answer: bool,
    pub team_rating: Option<f64>,
    pub team_rating_spread: Option<f64>,
    pub team_raters: i32,
    /// Everyone assigned or who rated an answer.
    pub reviewers: i64,
}

pub async fn standing(
    pool: &PgPool,
    company_id: CompanyId,
    interview_id: InterviewId,
    user_id: UserId,
) -> sqlx::Result<Option<Standing>> {
    sqlx::query_as!(
        Standing,
        r#"select co.blind_review,
                  exists(select 1 from interview_reviewers r where r.interview_id = i.id and r.user_id = $3) as "assigned!",
                  (select count(*) from answer_reviews v join answers a on a.id = v.answer_id
                    where a.interview_id = i.id and v.user_id = $3)
                  >= (select count(*) from answers a where a.interview_id = i.id) as "rated_every_answer!",
                  i.team_rating, i.team_rating_spread, i.team_raters,
                  (select count(*) from (
                     select r.user_id from interview_reviewers r where r.interview_id = i.id
                     union select v.user_id from answer_reviews v join answers a on a.id = v.answer_id
                     where a.interview_id = i.id) people) as "reviewers!"
           from interviews i join companies co on co.id = i.company_id
           where i.company_id = $1 and i.id = $2"#,
        company_id as CompanyId,
        interview_id as InterviewId,
        user_id as UserId,
    )
    .fetch_optional(pool)
    .await
}

pub async fn set_blind_review(pool: &PgPool, company_id: CompanyId, by: UserId, on: bool) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!("update companies set blind_review = $2 where id = $1", company_id as CompanyId, on)
        .execute(&mut *tx)
        .await?;
    let action = if on { Action::BlindReviewTurnedOn } else { Action::BlindReviewTurnedOff };
    audit::record(&mut tx, company_id, Actor::Member(by), action, Subject::default()).await?;
    tx.commit().await
}

pub async fn blind_review(pool: &PgPool, company_id: CompanyId) -> sqlx::Result<bool> {
    sqlx::query_scalar!("select blind_review from companies where id = $1", company_id as CompanyId)
        .fetch_one(pool)
        .await
}
