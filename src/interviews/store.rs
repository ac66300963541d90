//! Reading interviews: the candidates to invite, the Interviews page, one interview and
//! its timeline. Every change to an interview is the [`lifecycle`](super::lifecycle)'s.

use futures_util::{TryStreamExt, stream::BoxStream};
use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;

use super::model::{EventKind, InterviewStatus, TimeAllowance};
use crate::ids::{ApplicationId, CandidateId, CompanyId, InterviewId, JobId, UserId};
use crate::{
    evaluation::model::{Decision, EvaluationStatus, StoredRecommendation},
    mail::outbox::EmailStatus,
    pagination::{self, PageNumber},
};

pub struct CandidateToInvite {
    pub id: CandidateId,
    pub name: String,
    pub email: String,
    pub archived: bool,
}

pub async fn candidate(
    pool: &PgPool,
    company_id: CompanyId,
    candidate_id: CandidateId,
) -> sqlx::Result<Option<CandidateToInvite>> {
    sqlx::query_as!(
        CandidateToInvite,
        r#"select id, name, email::text as "email!", archived_at is not null as "archived!"
           from candidates where id = $1 and company_id = $2"#,
        candidate_id as CandidateId,
        company_id as CompanyId,
    )
    .fetch_optional(pool)
    .await
}

/// The company's candidates among `ids`, by name; ids of other companies' candidates
/// (and unknown ids) are left out.
pub async fn candidates_to_invite(
    pool: &PgPool,
    company_id: CompanyId,
    ids: &[CandidateId],
) -> sqlx::Result<Vec<CandidateToInvite>> {
    sqlx::query_as!(
        CandidateToInvite,
        r#"select id, name, email::text as "email!", archived_at is not null as "archived!"
           from candidates where company_id = $1 and id = any($2)
           order by name, id"#,
        company_id as CompanyId,
        ids as &[CandidateId],
    )
    .fetch_all(pool)
    .await
}

pub struct ListFilter {
    pub status: Option<InterviewStatus>,
    pub job_id: Option<JobId>,
    /// Candidate name or email, substring.
    pub candidate: Option<String>,
    /// Only interviews whose latest evaluation scored at least this (0–100).
    pub min_score: Option<i32>,
    /// `score` (highest first), `score_asc`, `rating` (team rating, highest first) or
    /// `rating_asc`; otherwise newest first.
    pub sort: Option<String>,
    pub application_id: Option<ApplicationId>,
    /// Who is looking: their ratings decide what blind review hides from them.
    pub viewer: Viewer,
    /// Only the interviews ready for the viewer's review (completed and evaluated) that
    /// they have not rated every answer of.
    pub waiting_for_my_review: bool,
}

impl ListFilter {
    /// Whether how many interviews it selects is kept in `interview_counts`: it filters
    /// by status and job alone.
    pub fn total_is_kept(&self) -> bool {
        self.candidate.is_none()
            && self.min_score.is_none()
            && self.application_id.is_none()
            && !self.waiting_for_my_review
    }

    /// Every interview the viewer may see, newest first.
    pub fn for_viewer(viewer: Viewer) -> Self {
        Self {
            status: None,
            job_id: None,
            candidate: None,
            min_score: None,
            sort: None,
            application_id: None,
            viewer,
            waiting_for_my_review: false,
        }
    }
}

/// The user a list is shown to.
#[derive(Clone, Copy)]
pub struct Viewer {
    pub user_id: UserId,
    /// Their role is Reviewer: blind review applies to every interview, not only those
    /// they are assigned to.
    pub is_reviewer: bool,
}

pub struct InterviewRow {
    pub id: InterviewId,
    pub status: InterviewStatus,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_title: String,
    pub template_name: String,
    pub version_number: i32,
    pub application_id: ApplicationId,
    pub created_at: OffsetDateTime,
    pub email_sent_at: Option<OffsetDateTime>,
    pub email_opened_at: Option<OffsetDateTime>,
    pub completed_at: Option<OffsetDateTime>,
    pub expires_at: OffsetDateTime,
    pub last_email_status: Option<EmailStatus>,
    /// The latest evaluation's state, if any (a task waiting for a worker counts as queued).
    pub evaluation_state: Option<EvaluationStatus>,
    /// The overall score and recommendation of the latest finished evaluation.
    pub evaluation_score: Option<i32>,
    pub evaluation_recommendation: Option<StoredRecommendation>,
    pub team_rating: Option<f64>,
    pub team_raters: i32,
    pub decision: Option<Decision>,
    /// Blind review hides the scores and ratings from the viewer until they rated every answer.
    pub rate_first: bool,
}

/// One page of the Interviews page, and how many interviews its filter selects in all.
pub async fn list(
    pool: &PgPool,
    company_id: CompanyId,
    filter: &ListFilter,
    page: PageNumber,
) -> sqlx::Result<(Vec<InterviewRow>, i64)> {
    let selected: Vec<Selected> =
        select(pool, company_id, filter, Some(page.limit()), page.offset()).try_collect().await?;
    let total = match pagination::known_total(selected.first().map(|first| first.total), page) {
        Some(total) => total,
        // A page past the last one still says how many there are.
        None => select(pool, company_id, filter, Some(1), 0)
            .try_next()
            .await?
            .and_then(|first| first.total)
            .unwrap_or_default(),
    };
    let ids: Vec<InterviewId> = selected.into_iter().map(|s| s.id).collect();
    Ok((rows(pool, company_id, &ids, filter.viewer).await?, total))
}

/// An interview the filter selects, and, on a page, how many it selects in all (the same
/// on every row).
pub struct Selected {
    pub id: InterviewId,
    pub total: Option<i64>,
}

/// The interviews `filter` selects, in its order, `limit` of them (all with `None`) from
/// `offset`, as the database sends them: the one statement behind the Interviews page, its
/// count and the CSV exports, so that a filter is written once. [`rows`] reads what is shown.
///
/// Postgres plans it for each request's values, so the orders and filters not asked for
/// drop out: the page walks an index in its order and stops after its rows. So does the
/// count that is not needed (each `case` branch folds away when its condition is false):
/// a filter of status and job alone takes its total from `interview_counts`' running
/// totals, any other filter counts the rows it selects, and an export, which reads every
/// row anyway, counts nothing. The kept total is read here rather than by a statement of
/// its own: one round trip less for every page.
pub fn select<'c>(
    conn: impl PgExecutor<'c> + 'c,
    company_id: CompanyId,
    filter: &ListFilter,
    limit: Option<i64>,
    offset: i64,
) -> BoxStream<'c, sqlx::Result<Selected>> {
    sqlx::query_as!(
        Selected,
        r#"select i.id as "id: InterviewId",
                  case when $12 then count(*) over ()
                       when $13 then (select coalesce(sum(n.interviews), 0)::int8 from interview_counts n
                                      where n.company_id = $1 and ($2::interview_status is null or n.status = $2)
                                        and ($3::uuid is null or n.job_id = $3))
                  end as total
           from interviews i
           where i.company_id = $1
             and ($2::interview_status is null or i.status = $2)
             and ($3::uuid is null or i.job_id = $3)
             and ($4::text is null or exists(select 1 from candidates c
                                             where c.id = i.candidate_id and c.search_text like lower($4)))
             and ($7::int4 is null or i.evaluation_score >= $7)
             and ($9::uuid is null or i.application_id = $9)
             and (not $11 or (i.status = 'completed'
                  and exists(select 1 from interview_reviewers r where r.interview_id = i.id and r.user_id = $10)
                  and exists(select 1 from evaluations e
                             where e.company_id = i.company_id and e.interview_id = i.id and e.status = 'done')
                  and (select count(*) from answer_reviews v join answers a on a.id = v.answer_id
                       where a.interview_id = i.id and v.user_id = $10)
                    < (select count(*) from answers a where a.interview_id = i.id)))
           order by case when $8::text = 'score' then i.evaluation_score end desc nulls last,
                    case when $8::text = 'score_asc' then i.evaluation_score end asc nulls last,
                    case when $8::text = 'rating' then i.team_rating end desc nulls last,
                    case when $8::text = 'rating_asc' then i.team_rating end asc nulls last,
                    i.created_at desc, i.id desc
           limit $5 offset $6"#,
        company_id as CompanyId,
        filter.status as Option<InterviewStatus>,
        filter.job_id as Option<JobId>,
        filter.candidate.as_deref().map(crate::db::like_pattern),
        limit,
        offset,
        filter.min_score,
        filter.sort,
        filter.application_id as Option<ApplicationId>,
        filter.viewer.user_id as UserId,
        filter.waiting_for_my_review,
        limit.is_some() && !filter.total_is_kept(),
        limit.is_some() && filter.total_is_kept(),
    )
    .fetch(conn)
}

/// The rows shown for `ids`, in their order; ids of other companies' interviews are left out.
/// Its plan does not depend on the filter, so Postgres plans it once per connection.
pub async fn rows<'c>(
    conn: impl PgExecutor<'c>,
    company_id: CompanyId,
    ids: &[InterviewId],
    viewer: Viewer,
) -> sqlx::Result<Vec<InterviewRow>> {
    sqlx::query_as!(
        InterviewRow,
        r#"select i.id, i.status as "status: _", c.id as candidate_id, c.name as candidate_name, c.email::text as "candidate_email!",
                  j.title as job_title, v.name as template_name, v.number as version_number,
                  i.application_id, i.created_at, i.email_sent_at, i.email_opened_at, i.completed_at, i.expires_at,
                  (select e.status from emails e where e.interview_id = i.id order by e.created_at desc limit 1)
                    as "last_email_status: _",
                  coalesce(i.evaluation_status, case when exists(
                    select 1 from tasks t where t.company_id = i.company_id and t.kind = 'evaluate_interview'
                      and t.payload ->> 'interview_id' = i.id::text and t.status in ('queued', 'running')) then 'queued'::evaluation_status end)
                    as "evaluation_state: _",
                  i.evaluation_score, i.evaluation_recommendation as "evaluation_recommendation: _",
                  i.team_rating, i.team_raters, d.decision as "decision?: _",
                  (co.blind_review and ($4 or exists(
                     select 1 from interview_reviewers r where r.interview_id = i.id and r.user_id = $3))
                   and (select count(*) from answer_reviews v join answers a on a.id = v.answer_id
                        where a.interview_id = i.id and v.user_id = $3)
                     < (select count(*) from answers a where a.interview_id = i.id)) as "rate_first!"
           from unnest($2::uuid[]) with ordinality as page (id, position)
           join interviews i on i.id = page.id and i.company_id = $1
           join companies co on co.id = i.company_id
           join candidates c on c.id = i.candidate_id
           join jobs j on j.id = i.job_id
           join template_versions v on v.id = i.template_version_id
           left join interview_decisions d on d.interview_id = i.id and d.company_id = i.company_id
           order by page.position"#,
        company_id as CompanyId,
        ids as &[InterviewId],
        viewer.user_id as UserId,
        viewer.is_reviewer,
    )
    .fetch_all(conn)
    .await
}

/// An application's interviews, newest first (the first page: an application rarely has
/// more than a handful).
pub async fn for_application(
    pool: &PgPool,
    company_id: CompanyId,
    application_id: ApplicationId,
    viewer: Viewer,
) -> sqlx::Result<Vec<InterviewRow>> {
    let filter = ListFilter { application_id: Some(application_id), ..ListFilter::for_viewer(viewer) };
    Ok(list(pool, company_id, &filter, PageNumber::default()).await?.0)
}

pub struct InterviewDetail {
    pub id: InterviewId,
    pub status: InterviewStatus,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub candidate_email: String,
    pub job_id: JobId,
    pub job_title: String,
    pub application_id: ApplicationId,
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
    pub consented_at: Option<OffsetDateTime>,
    pub consent_notice_version: Option<String>,
    pub consent_ip: Option<String>,
    pub human_review_requested_at: Option<OffsetDateTime>,
    pub time_allowance: TimeAllowance,
}

pub async fn detail(pool: &PgPool, company_id: CompanyId, id: InterviewId) -> sqlx::Result<Option<InterviewDetail>> {
    sqlx::query_as!(
        InterviewDetail,
        r#"select i.id, i.status as "status: _", c.id as candidate_id, c.name as candidate_name, c.email::text as "candidate_email!",
                  j.id as job_id, j.title as job_title, i.application_id, v.name as template_name,
                  v.number as version_number, v.duration_minutes,
                  (select count(*) from version_questions q where q.version_id = v.id) as "question_count!",
                  u.name as "sent_by?", i.created_at, i.expires_at, i.email_sent_at, i.email_opened_at,
                  i.link_opened_at, i.started_at, i.completed_at,
                  i.consented_at, i.consent_notice_version, i.consent_ip, i.human_review_requested_at,
                  i.time_allowance as "time_allowance: _"
           from interviews i
           join candidates c on c.id = i.candidate_id
           join jobs j on j.id = i.job_id
           join template_versions v on v.id = i.template_version_id
           left join users u on u.id = i.sent_by
           where i.company_id = $1 and i.id = $2"#,
        company_id as CompanyId,
        id as InterviewId,
    )
    .fetch_optional(pool)
    .await
}

pub struct Event {
    pub kind: EventKind,
    pub detail: Option<String>,
    pub created_at: OffsetDateTime,
}

pub async fn events(pool: &PgPool, company_id: CompanyId, interview_id: InterviewId) -> sqlx::Result<Vec<Event>> {
    sqlx::query_as!(
        Event,
        r#"select kind as "kind: _", detail, created_at from interview_events
           where company_id = $1 and interview_id = $2 order by created_at, id"#,
        company_id as CompanyId,
        interview_id as InterviewId,
    )
    .fetch_all(pool)
    .await
}
