//! Reading the audit log.

use sqlx::PgPool;

use super::{Action, ActorKind};
use crate::ids::{CandidateId, CompanyId, InterviewId, JobId, UserId};

/// One entry as the page lists it.
pub struct Entry {
    pub created_at: time::OffsetDateTime,
    pub action: Action,
    /// The member's name, or who else acted.
    pub actor: String,
    pub user_id: Option<UserId>,
    pub candidate_id: Option<CandidateId>,
    /// The candidate's name while they exist; an erased candidate is shown by id.
    pub candidate_name: Option<String>,
    pub interview_id: Option<InterviewId>,
    pub interview_exists: bool,
    pub subject_user: Option<String>,
    pub job_id: Option<JobId>,
    /// The job's title while it exists.
    pub job_title: Option<String>,
    pub count: Option<i32>,
}

/// The latest entries, newest first, optionally of one candidate or one member.
pub async fn entries(
    pool: &PgPool,
    company_id: CompanyId,
    candidate_id: Option<CandidateId>,
    user_id: Option<UserId>,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    let rows = sqlx::query!(
        r#"select a.created_at, a.action as "action: Action", a.actor as "actor: ActorKind", a.user_id, u.name as "user_name?",
                  a.candidate_id, c.name as "candidate_name?", a.interview_id, i.id is not null as "interview_exists!",
                  s.name as "subject_user?", a.job_id as "job_id: JobId", j.title as "job_title?", a.count
           from audit_events a
           left join users u on u.company_id = a.company_id and u.id = a.user_id
           left join users s on s.company_id = a.company_id and s.id = a.subject_user_id
           left join candidates c on c.company_id = a.company_id and c.id = a.candidate_id
           left join interviews i on i.company_id = a.company_id and i.id = a.interview_id
           left join jobs j on j.company_id = a.company_id and j.id = a.job_id
           where a.company_id = $1 and ($2::uuid is null or a.candidate_id = $2) and ($3::uuid is null or a.user_id = $3)
           order by a.created_at desc, a.id desc
           limit $4"#,
        company_id as CompanyId,
        candidate_id as Option<CandidateId>,
        user_id as Option<UserId>,
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Entry {
            created_at: row.created_at,
            action: row.action,
            actor: match row.actor {
                ActorKind::Member => row.user_name.unwrap_or_default(),
                ActorKind::Candidate => "The candidate".into(),
                ActorKind::ShareLink => "A share link's viewer".into(),
                ActorKind::Housekeeping => "Hifinity (retention and deadlines)".into(),
            },
            user_id: row.user_id.map(UserId::from),
            candidate_id: row.candidate_id.map(CandidateId::from),
            candidate_name: row.candidate_name,
            interview_id: row.interview_id.map(InterviewId::from),
            interview_exists: row.interview_exists,
            subject_user: row.subject_user,
            job_id: row.job_id,
            job_title: row.job_title,
            count: row.count,
        })
        .collect())
}
