//! The one owner of an interview's life. Every change to an interview goes through a
//! transition here, which checks that the interview's state allows it and then, in one
//! transaction, writes the new state, records the timeline event, refreshes the
//! candidate's status and queues the work that follows (an email, an evaluation, the
//! webhooks' deliveries). No other module writes the `interviews` table (a test reads
//! `src/` to keep it so).
//!
//! Adding a transition (choosing a person's review instead of AI,
//! recording consent, erasing): a [`Transition`] variant, the states it may leave in
//! [`Transition::allowed_from`], and a function that locks the interview with
//! [`lock`], checks it and writes; its refusals are [`Refused`] values the callers
//! turn into what the user sees.
//!
//! - [`send`]: a new Pending interview (alone or in bulk) with its queued invitation.
//! - [`recruiter`]: resend, a new link (issued, or for a corrected address), cancel, extend,
//!   extra time.
//! - [`candidate`]: the link opened, consent to the notice, a person's review instead of
//!   AI, start, answer, complete (queues the evaluation unless a person reviews).
//! - [`timing`]: each question's window (shown when, until when), the retakes counted,
//!   and the refusal of answers outside it.
//! - [`email`]: the invitation sent and opened, recorded by the outbox.
//! - [`housekeeping`]: expiry and automatic reminders.
//! - [`erasure`]: an interview erased with its recordings, for its candidate's erasure.
//! - [`seed`]: demo and benchmark data only (`hifinity demo`).
//! - [`quota`]: the daily cap on a new company's candidate emails, taken by every
//!   transition that queues one.

use crate::ids::{CandidateId, CompanyId, InterviewId, UserId};
mod candidate;
mod email;
mod erasure;
mod housekeeping;
mod quota;
mod recruiter;
pub mod seed;
mod send;
mod timing;

pub use candidate::{AnswerContent, answer, complete, consent, link_opened, request_human_review, start};
pub use email::{email_opened, email_sent};
pub use erasure::erase;
pub use housekeeping::{expire_overdue, remind_due};
pub use quota::{EmailCap, NEW_COMPANY_DAYS};
pub use recruiter::{RESEND_GAP_MINUTES, address_corrected, cancel, extend, new_link, resend, set_time_allowance};
pub use send::{BulkSendRequest, SendRequest, Sent, bulk_key, send, send_many};
pub use timing::{Window, show_question};

use std::fmt;

use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{EventKind, InterviewStatus};
use crate::{audit, error::AppError};

/// What can happen to an existing interview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Resend,
    ReplaceLink,
    Remind,
    Cancel,
    Extend,
    SetTimeAllowance,
    Expire,
    Consent,
    HumanReview,
    Start,
    Answer,
    Complete,
    Erase,
}

impl Transition {
    /// The states this transition may leave. Facts that no state can undo (an email
    /// sent or opened, the link opened) are recorded in any state and are not
    /// transitions.
    pub fn allowed_from(self) -> &'static [InterviewStatus] {
        use InterviewStatus::*;
        match self {
            Self::Resend | Self::ReplaceLink | Self::Cancel | Self::Expire => &[Pending, InProgress],
            // Chosen before starting, so no answer is given under the other promise.
            Self::Remind | Self::HumanReview | Self::Start => &[Pending],
            // An interview started before consent existed may still be agreed to.
            Self::Consent => &[Pending, InProgress],
            Self::Extend => &[Pending, InProgress, Expired],
            Self::SetTimeAllowance => &[Pending, InProgress],
            Self::Answer | Self::Complete => &[InProgress],
            // A person's data is erased whatever became of the interview.
            Self::Erase => &[Pending, InProgress, Completed, Expired, Cancelled],
        }
    }

    /// Whether the deadline must not have passed. Housekeeping marks an interview
    /// Expired only every minute; until then these count it as Expired already, while a
    /// recruiter can still cancel it or extend it.
    pub fn needs_time_left(self) -> bool {
        matches!(
            self,
            Self::Resend
                | Self::ReplaceLink
                | Self::Remind
                | Self::Consent
                | Self::HumanReview
                | Self::Start
                | Self::Answer
                | Self::Complete
        )
    }

    fn check(self, status: InterviewStatus, past_deadline: bool) -> std::result::Result<(), Refused> {
        let status =
            if past_deadline && status.is_open() && self.needs_time_left() { InterviewStatus::Expired } else { status };
        if self.allowed_from().contains(&status) { Ok(()) } else { Err(Refused::Illegal { transition: self, status }) }
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Resend => "resent",
            Self::ReplaceLink => "given a new link",
            Self::Remind => "reminded",
            Self::Cancel => "cancelled",
            Self::Extend => "extended",
            Self::SetTimeAllowance => "given extra time",
            Self::Expire => "expired",
            Self::Consent => "agreed to",
            Self::HumanReview => "given a person's review instead of AI",
            Self::Start => "started",
            Self::Answer => "answered",
            Self::Complete => "completed",
            Self::Erase => "erased",
        })
    }
}

/// Why the lifecycle refused a change; nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// No such interview (or candidate) in this company.
    #[error("not found")]
    NotFound,
    /// The interview's state does not allow the transition.
    #[error("a {status} interview can't be {transition}")]
    Illegal { transition: Transition, status: InterviewStatus },
    #[error("the candidate is archived")]
    CandidateArchived,
    #[error("the template is no longer published for this open job")]
    TemplateNotAvailable,
    /// An invitation went out less than [`RESEND_GAP_MINUTES`] ago.
    #[error("resend possible in {minutes} minutes")]
    TooSoon { minutes: i64 },
    /// The candidate has not agreed to the notice: nothing is recorded before they do.
    #[error("the candidate has not agreed to the notice")]
    NoConsent,
    #[error("the question is not part of this interview")]
    UnknownQuestion,
    #[error("the question expects the other kind of answer")]
    WrongKind,
    /// This attempt at the question has its answer already.
    #[error("the question is already answered")]
    AlreadyAnswered,
    /// The candidate was never shown the question.
    #[error("the question was not shown to the candidate")]
    NotShown,
    /// The answer arrived after the question's time and the grace.
    #[error("the answer arrived after the question's time")]
    TooLate,
    #[error("{0} questions are not answered")]
    Unanswered(i64),
    /// A company in its first week has queued its day's candidate emails.
    #[error("a company in its first week sends at most {cap} candidate emails a day")]
    DailyEmailCap { cap: i64 },
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// For callers with nothing better to show: an unknown interview is the 404 page, any
/// other refusal a conflict.
impl From<Error> for AppError {
    fn from(err: Error) -> Self {
        match err {
            Error::Refused(Refused::NotFound) => AppError::NotFound,
            Error::Refused(refused) => AppError::Conflict(refused.to_string()),
            Error::Database(err) => err.into(),
        }
    }
}

/// An interview locked for the rest of the transaction.
struct Locked {
    id: InterviewId,
    company_id: CompanyId,
    candidate_id: CandidateId,
    status: InterviewStatus,
    past_deadline: bool,
    consented: bool,
    /// The candidate asked for a person's review instead of AI.
    human_review: bool,
}

impl Locked {
    fn check(&self, transition: Transition) -> std::result::Result<(), Refused> {
        transition.check(self.status, self.past_deadline)
    }

    /// What the candidate does once past the notice needs their agreement to it.
    fn check_consented(&self) -> std::result::Result<(), Refused> {
        if self.consented { Ok(()) } else { Err(Refused::NoConsent) }
    }

    async fn record(&self, conn: &mut PgConnection, kind: EventKind, detail: Option<&str>) -> sqlx::Result<()> {
        record_event(conn, self.company_id, self.id, kind, detail).await
    }

    /// A member's action on the interview, in the audit log.
    async fn audit(&self, conn: &mut PgConnection, by: UserId, action: audit::Action) -> sqlx::Result<()> {
        let subject = audit::Subject::interview(self.candidate_id, self.id);
        audit::record(conn, self.company_id, audit::Actor::Member(by), action, subject).await
    }

    /// The candidate's status follows their interviews: called after every change of state.
    async fn refresh_candidate(&self, conn: &mut PgConnection) -> sqlx::Result<()> {
        refresh_candidate_status(conn, self.company_id, self.candidate_id).await
    }
}

/// Locks the interview's candidate, then the interview, for the rest of the transaction.
///
/// Row locks are taken in one order, the candidate's before any of their interviews':
/// erasing a candidate locks the candidate and then each interview, and a transition
/// ends by updating the candidate's status; a transition holding its interview first
/// and an erasure holding the candidate would each wait for the other (a deadlock).
async fn lock(conn: &mut PgConnection, company_id: CompanyId, id: InterviewId) -> Result<Locked> {
    sqlx::query!(
        "select c.id from candidates c join interviews i on i.company_id = c.company_id and i.candidate_id = c.id
         where i.company_id = $1 and i.id = $2 for no key update of c",
        company_id as CompanyId,
        id as InterviewId,
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query_as!(
        Locked,
        r#"select id, company_id as "company_id: CompanyId", candidate_id, status as "status: _", expires_at <= now() as "past_deadline!",
                  consented_at is not null as "consented!",
                  human_review_requested_at is not null as "human_review!"
           from interviews where company_id = $1 and id = $2 for update"#,
        company_id as CompanyId,
        id as InterviewId,
    )
    .fetch_optional(conn)
    .await?
    .ok_or(Error::Refused(Refused::NotFound))
}

/// Adds to an interview's timeline. Evaluation records its runs here too; they change
/// nothing on the interview itself.
pub async fn record_event(
    conn: &mut PgConnection,
    company_id: CompanyId,
    interview_id: InterviewId,
    kind: EventKind,
    detail: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into interview_events (id, interview_id, company_id, kind, detail) values ($1, $2, $3, $4, $5)",
        Uuid::new_v4(),
        interview_id as InterviewId,
        company_id as CompanyId,
        kind as EventKind,
        detail,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A candidate's status follows their most recently sent interview that is still
/// Pending, In Progress or Completed; with none, they are New.
async fn refresh_candidate_status(
    conn: &mut PgConnection,
    company_id: CompanyId,
    candidate_id: CandidateId,
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
        company_id as CompanyId,
        candidate_id as CandidateId,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_interview_allows_no_transition_and_only_extend_reopens_an_expired_one() {
        for transition in [
            Transition::Resend,
            Transition::ReplaceLink,
            Transition::Remind,
            Transition::Cancel,
            Transition::Extend,
            Transition::SetTimeAllowance,
            Transition::Expire,
            Transition::Consent,
            Transition::HumanReview,
            Transition::Start,
            Transition::Answer,
            Transition::Complete,
        ] {
            assert!(transition.check(InterviewStatus::Completed, false).is_err(), "{transition}");
            assert!(transition.check(InterviewStatus::Cancelled, false).is_err(), "{transition}");
            assert_eq!(transition.check(InterviewStatus::Expired, false).is_ok(), transition == Transition::Extend);
        }
    }

    #[test]
    fn past_its_deadline_an_open_interview_is_expired_for_the_candidate_and_resend_only() {
        let refused = Transition::Start.check(InterviewStatus::Pending, true);
        assert_eq!(refused, Err(Refused::Illegal { transition: Transition::Start, status: InterviewStatus::Expired }));
        assert!(Transition::Resend.check(InterviewStatus::InProgress, true).is_err());
        assert!(Transition::Answer.check(InterviewStatus::InProgress, true).is_err());
        assert!(Transition::Cancel.check(InterviewStatus::Pending, true).is_ok());
        assert!(Transition::Extend.check(InterviewStatus::InProgress, true).is_ok());
    }
}
