//! The time the server gives each answer. A question's window opens the first time the
//! candidate is shown it, and again for each retake the template grants; a video
//! question's window lasts its thinking and answer time, stretched by the interview's
//! time allowance. [`super::answer`] refuses an answer to a question never shown, and a
//! recording whose upload arrives after its window and the grace for slow connections.
//! Typed answers have no countdown on the candidate's page, so their windows set no
//! limit: they only record when the question was shown.

use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

use super::{Refused, Result, Transition, lock};
use crate::ids::{CompanyId, InterviewId, QuestionId};
use crate::{interview_templates::model::AnswerKind, interviews::model::TimeAllowance};

/// One attempt at a question, as the server keeps it.
#[derive(Clone, Debug)]
pub struct Window {
    pub opened_at: OffsetDateTime,
    /// Recording must end by then; `None`: no limit.
    pub answer_by: Option<OffsetDateTime>,
    /// 1 for the first attempt, one more per retake.
    pub attempt: i32,
    /// This attempt's answer is saved.
    pub answered: bool,
    pub thinking_seconds: Option<i32>,
    pub answer_seconds: Option<i32>,
    pub retakes_left: i32,
}

impl Window {
    /// Can the candidate still record (or type) this attempt's answer?
    pub fn is_open(&self, now: OffsetDateTime) -> bool {
        !self.answered && self.answer_by.is_none_or(|by| now < by)
    }

    /// The thinking and answer time left at `now`: the thinking time still to run (or
    /// 0), then the answer time, shortened by what ran of it. `None`: no time limits.
    pub fn remaining(&self, now: OffsetDateTime) -> Option<(i32, i32)> {
        let (thinking, answer) = (self.thinking_seconds?, self.answer_seconds?);
        let elapsed = i32::try_from((now - self.opened_at).whole_seconds()).unwrap_or(i32::MAX).max(0);
        if elapsed < thinking {
            Some((thinking - elapsed, answer))
        } else {
            Some((0, (thinking + answer).saturating_sub(elapsed).max(0)))
        }
    }
}

/// When an attempt opened at `opened_at` must be recorded by; `None` for typed answers
/// and for an interview without time limits.
fn answer_by(
    opened_at: OffsetDateTime,
    kind: AnswerKind,
    thinking: Option<i32>,
    answer: Option<i32>,
) -> Option<OffsetDateTime> {
    match (kind, thinking, answer) {
        (AnswerKind::Video, Some(thinking), Some(answer)) => {
            Some(opened_at + Duration::seconds(i64::from(thinking) + i64::from(answer)))
        }
        _ => None,
    }
}

/// Shows the candidate a question: opens its window the first time; with `retake`,
/// opens a new attempt when the last one is over (answered or out of time) and the
/// template grants a retake left; otherwise returns the current attempt as it stands, so
/// a reload resumes with the time that is left.
pub async fn show_question(
    pool: &PgPool,
    company_id: CompanyId,
    id: InterviewId,
    question_id: QuestionId,
    retake: bool,
) -> Result<Window> {
    let mut tx = pool.begin().await?;
    let interview = lock(&mut tx, company_id, id).await?;
    interview.check(Transition::Answer)?;
    interview.check_consented()?;
    let Some(question) = sqlx::query!(
        r#"select q.answer_kind as "answer_kind: AnswerKind", q.thinking_seconds, q.answer_seconds, v.retakes,
                  i.time_allowance as "time_allowance: TimeAllowance", now() as "now!"
           from interviews i
           join template_versions v on v.id = i.template_version_id
           join version_questions q on q.version_id = v.id
           where i.company_id = $1 and i.id = $2 and q.id = $3"#,
        company_id as CompanyId,
        id as InterviewId,
        question_id as QuestionId,
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(Refused::UnknownQuestion.into());
    };
    let thinking = question.time_allowance.stretch(question.thinking_seconds);
    let answer = question.time_allowance.stretch(question.answer_seconds);
    let current = sqlx::query!(
        r#"select w.opened_at, w.answer_by, w.attempt,
                  exists(select 1 from answers a where a.interview_id = w.interview_id and a.question_id = w.question_id
                           and a.shown_at = w.opened_at) as "answered!"
           from question_windows w where w.company_id = $1 and w.interview_id = $2 and w.question_id = $3"#,
        company_id as CompanyId,
        id as InterviewId,
        question_id as QuestionId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let now = question.now;
    let window = |opened_at, answer_by, attempt, answered| Window {
        opened_at,
        answer_by,
        attempt,
        answered,
        thinking_seconds: thinking,
        answer_seconds: answer,
        retakes_left: (question.retakes - (attempt - 1)).max(0),
    };
    let opened = match current {
        None => {
            let by = answer_by(now, question.answer_kind, thinking, answer);
            sqlx::query!(
                "insert into question_windows (interview_id, company_id, question_id, first_shown_at, opened_at, answer_by)
                 values ($1, $2, $3, $4, $4, $5)",
                id as InterviewId,
                company_id as CompanyId,
                question_id as QuestionId,
                now,
                by,
            )
            .execute(&mut *tx)
            .await?;
            window(now, by, 1, false)
        }
        Some(w) => {
            let current = window(w.opened_at, w.answer_by, w.attempt, w.answered);
            if !retake || current.is_open(now) || current.retakes_left == 0 {
                return Ok(current);
            }
            let by = answer_by(now, question.answer_kind, thinking, answer);
            sqlx::query!(
                "update question_windows set opened_at = $4, answer_by = $5, attempt = attempt + 1
                 where company_id = $1 and interview_id = $2 and question_id = $3",
                company_id as CompanyId,
                id as InterviewId,
                question_id as QuestionId,
                now,
                by,
            )
            .execute(&mut *tx)
            .await?;
            window(now, by, w.attempt + 1, false)
        }
    };
    tx.commit().await?;
    Ok(opened)
}

/// The attempt an answer is given in.
pub(super) struct Given {
    pub opened_at: OffsetDateTime,
    pub attempt: i32,
}

/// The window an answer is given in, locked for the answer's transaction: refused when
/// the question was never shown, when this attempt is answered already, or when the
/// upload arrived after the window and the grace.
pub(super) async fn check_window(
    conn: &mut sqlx::PgConnection,
    company_id: CompanyId,
    id: InterviewId,
    question_id: QuestionId,
    received_at: OffsetDateTime,
    grace: std::time::Duration,
) -> Result<Given> {
    let Some(window) = sqlx::query!(
        r#"select w.opened_at, w.answer_by, w.attempt,
                  exists(select 1 from answers a where a.interview_id = w.interview_id and a.question_id = w.question_id
                           and a.shown_at = w.opened_at) as "answered!"
           from question_windows w where w.company_id = $1 and w.interview_id = $2 and w.question_id = $3
           for update of w"#,
        company_id as CompanyId,
        id as InterviewId,
        question_id as QuestionId,
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Err(Refused::NotShown.into());
    };
    if window.answered {
        return Err(Refused::AlreadyAnswered.into());
    }
    let grace = Duration::try_from(grace).unwrap_or(Duration::MAX);
    if window.answer_by.is_some_and(|by| received_at > by + grace) {
        return Err(Refused::TooLate.into());
    }
    Ok(Given { opened_at: window.opened_at, attempt: window.attempt })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(thinking: Option<i32>, answer: Option<i32>) -> Window {
        let opened_at = OffsetDateTime::UNIX_EPOCH;
        Window {
            opened_at,
            answer_by: answer_by(opened_at, AnswerKind::Video, thinking, answer),
            attempt: 1,
            answered: false,
            thinking_seconds: thinking,
            answer_seconds: answer,
            retakes_left: 0,
        }
    }

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::seconds(seconds)
    }

    #[test]
    fn a_reload_while_thinking_keeps_the_whole_answer_time() {
        assert_eq!(window(Some(30), Some(120)).remaining(at(0)), Some((30, 120)));
        assert_eq!(window(Some(30), Some(120)).remaining(at(12)), Some((18, 120)));
    }

    #[test]
    fn a_reload_while_recording_resumes_with_the_answer_time_left() {
        assert_eq!(window(Some(30), Some(120)).remaining(at(30)), Some((0, 120)));
        assert_eq!(window(Some(30), Some(120)).remaining(at(100)), Some((0, 50)));
        assert_eq!(window(Some(30), Some(120)).remaining(at(500)), Some((0, 0)));
        assert!(!window(Some(30), Some(120)).is_open(at(150)));
        assert!(window(Some(30), Some(120)).is_open(at(149)));
    }

    #[test]
    fn without_time_limits_nothing_runs_out() {
        assert_eq!(window(None, None).remaining(at(1_000_000)), None);
        assert!(window(None, None).is_open(at(1_000_000)));
    }

    #[test]
    fn typed_answers_have_no_deadline() {
        assert_eq!(answer_by(at(0), AnswerKind::Text, Some(30), Some(120)), None);
        assert_eq!(answer_by(at(0), AnswerKind::Video, Some(30), Some(120)), Some(at(150)));
    }
}
