//! Reading what the candidate's link opens. What the candidate does with it is a
//! transition of the interview's [`lifecycle`](crate::interviews::lifecycle).

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::{CandidateId, CompanyId, InterviewId, QuestionId};
use crate::{
    interview_templates::model::AnswerKind,
    interviews::model::{InterviewStatus, TimeAllowance},
};

pub struct LinkedInterview {
    pub id: InterviewId,
    pub company_id: CompanyId,
    pub candidate_id: CandidateId,
    pub template_version_id: Uuid,
    /// Retakes per question the template grants.
    pub retakes: i32,
    pub time_allowance: TimeAllowance,
    /// The template's unscored practice question, if it offers one.
    pub practice_prompt: Option<String>,
    pub link_nonce: Vec<u8>,
    pub status: InterviewStatus,
    pub expires_at: OffsetDateTime,
    pub link_opened_at: Option<OffsetDateTime>,
    pub consented_at: Option<OffsetDateTime>,
    pub human_review_requested_at: Option<OffsetDateTime>,
    pub candidate_name: String,
    pub company_name: String,
    pub job_title: String,
    pub intro: Option<String>,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub video_questions: i64,
    pub privacy_text: String,
    pub privacy_contact: String,
    /// The candidate asked for their data to be erased; it will be by then.
    pub erasure_due_at: Option<OffsetDateTime>,
    pub erasure_deadline_days: i32,
    pub recording_retention_days: Option<i32>,
}

pub async fn interview(pool: &PgPool, id: InterviewId) -> sqlx::Result<Option<LinkedInterview>> {
    sqlx::query_as!(
        LinkedInterview,
        r#"select i.id, i.company_id as "company_id: CompanyId", i.candidate_id, i.template_version_id, v.retakes,
                  i.link_nonce, i.time_allowance as "time_allowance: _", v.practice_prompt,
                  i.status as "status: _", i.expires_at, i.link_opened_at, i.consented_at, i.human_review_requested_at,
                  c.name as candidate_name, co.name as company_name, j.title as job_title,
                  v.intro, v.duration_minutes,
                  (select count(*) from version_questions q where q.version_id = v.id) as "question_count!",
                  (select count(*) from version_questions q where q.version_id = v.id and q.answer_kind = 'video') as "video_questions!",
                  co.privacy_text, co.privacy_contact, c.erasure_due_at,
                  co.erasure_deadline_days, co.recording_retention_days
           from interviews i
           join candidates c on c.id = i.candidate_id
           join companies co on co.id = i.company_id
           join jobs j on j.id = i.job_id
           join template_versions v on v.id = i.template_version_id
           where i.id = $1"#,
        id as InterviewId,
    )
    .fetch_optional(pool)
    .await
}

/// The nonces of the interview's replaced links, to tell an old link from a made-up one.
pub async fn retired_nonces(pool: &PgPool, interview_id: InterviewId) -> sqlx::Result<Vec<Vec<u8>>> {
    sqlx::query_scalar!(
        "select link_nonce from retired_interview_links where interview_id = $1",
        interview_id as InterviewId
    )
    .fetch_all(pool)
    .await
}

pub struct QuestionState {
    pub id: QuestionId,
    pub prompt: String,
    pub answer_kind: AnswerKind,
    pub answered: bool,
    /// The current attempt has its answer.
    pub answered_now: bool,
    /// The current attempt's window, once the question was shown.
    pub answer_by: Option<OffsetDateTime>,
    pub attempt: Option<i32>,
}

impl QuestionState {
    /// Shown, unanswered, and its recording time is over: the candidate moves on.
    pub fn missed(&self, now: OffsetDateTime) -> bool {
        !self.answered && self.answer_by.is_some_and(|by| by <= now)
    }

    /// Retakes of this question still granted.
    pub fn retakes_left(&self, retakes: i32) -> i32 {
        (retakes - (self.attempt.unwrap_or(1) - 1)).max(0)
    }
}

/// The interview's questions in order, each marked answered or not, with its window.
pub async fn questions(pool: &PgPool, interview: &LinkedInterview) -> sqlx::Result<Vec<QuestionState>> {
    sqlx::query_as!(
        QuestionState,
        r#"select q.id, q.prompt, q.answer_kind as "answer_kind: _",
                  exists(select 1 from answers a where a.interview_id = $1 and a.question_id = q.id) as "answered!",
                  exists(select 1 from answers a where a.interview_id = $1 and a.question_id = q.id
                           and a.shown_at = w.opened_at) as "answered_now!",
                  w.answer_by as "answer_by?", w.attempt as "attempt?"
           from version_questions q
           left join question_windows w on w.interview_id = $1 and w.question_id = q.id
           where q.version_id = $2 order by q.position"#,
        interview.id as InterviewId,
        interview.template_version_id,
    )
    .fetch_all(pool)
    .await
}
