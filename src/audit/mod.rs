//! The audit log: who did what and when, for a company's admins. Each action is recorded
//! by [`record`] from the one place it happens (the interview lifecycle for interview
//! actions), in that place's transaction. Rows hold ids and action names only, never
//! names, addresses or text, so an erasure leaves them as they are; a trigger refuses
//! any update or delete of them (migration 0040).

use crate::ids::{CandidateId, CompanyId, InterviewId, InvitationId, JobId, UserId};
mod handlers;
pub mod store;
mod views;

use axum::{Router, routing::get};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(handlers::page))
}

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "audit_action", rename_all = "snake_case")]
pub enum Action {
    InterviewSent,
    InterviewResent,
    InterviewCancelled,
    InterviewExtended,
    LinkReplaced,
    RecordingPlayed,
    InterviewShared,
    ShareViewed,
    EvaluationRerun,
    DecisionMade,
    ErasureRequested,
    CandidateErased,
    InterviewErased,
    ArchiveDownloaded,
    SettingsChanged,
    RoleChanged,
    RecordingsExpired,
    InactiveCandidatesErased,
    WebhookCreated,
    WebhookDeleted,
    WebhookEnabled,
    WebhookDisabled,
    ApiKeyCreated,
    ApiKeyRevoked,
    BlindReviewTurnedOn,
    BlindReviewTurnedOff,
    MemberInvited,
    MemberInvitationResent,
    MemberInvitationRevoked,
    MemberJoined,
    MemberDeactivated,
    MemberReactivated,
    ReviewerAssigned,
    ReviewerUnassigned,
    JobReviewerAdded,
    JobReviewerRemoved,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Self::InterviewSent => "Interview sent",
            Self::InterviewResent => "Invitation resent",
            Self::InterviewCancelled => "Interview cancelled",
            Self::InterviewExtended => "Deadline extended",
            Self::LinkReplaced => "Link replaced",
            Self::RecordingPlayed => "Recording played",
            Self::InterviewShared => "Interview shared",
            Self::ShareViewed => "Share viewed",
            Self::EvaluationRerun => "Evaluation re-run",
            Self::DecisionMade => "Decision",
            Self::ErasureRequested => "Erasure requested",
            Self::CandidateErased => "Candidate erased",
            Self::InterviewErased => "Interview erased",
            Self::ArchiveDownloaded => "Data archive downloaded",
            Self::SettingsChanged => "Settings changed",
            Self::RoleChanged => "Role changed",
            Self::RecordingsExpired => "Recordings deleted by retention",
            Self::InactiveCandidatesErased => "Inactive candidates erased by retention",
            Self::WebhookCreated => "Webhook endpoint added",
            Self::WebhookDeleted => "Webhook endpoint deleted",
            Self::WebhookEnabled => "Webhook endpoint enabled",
            Self::WebhookDisabled => "Webhook endpoint disabled after failing",
            Self::ApiKeyCreated => "API key created",
            Self::ApiKeyRevoked => "API key revoked",
            Self::BlindReviewTurnedOn => "Blind review turned on",
            Self::BlindReviewTurnedOff => "Blind review turned off",
            Self::MemberInvited => "Teammate invited",
            Self::MemberInvitationResent => "Team invitation resent",
            Self::MemberInvitationRevoked => "Team invitation revoked",
            Self::MemberJoined => "Joined the team",
            Self::MemberDeactivated => "Member deactivated",
            Self::MemberReactivated => "Member reactivated",
            Self::ReviewerAssigned => "Reviewer assigned",
            Self::ReviewerUnassigned => "Reviewer unassigned",
            Self::JobReviewerAdded => "Default reviewer added to a job",
            Self::JobReviewerRemoved => "Default reviewer removed from a job",
        }
    }
}

/// Who did it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Member(UserId),
    /// The candidate, at their interview link.
    Candidate,
    /// Someone without an account, through a share link.
    ShareLink,
    Housekeeping,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "audit_actor", rename_all = "snake_case")]
pub(crate) enum ActorKind {
    Member,
    Candidate,
    ShareLink,
    Housekeeping,
}

/// What an action was done to: ids only.
#[derive(Clone, Copy, Debug, Default)]
pub struct Subject {
    pub candidate_id: Option<CandidateId>,
    pub interview_id: Option<InterviewId>,
    /// A member (whose role changed, who joined, who was assigned to review).
    pub user_id: Option<UserId>,
    /// A team invitation, before it has a member (its address is never recorded).
    pub invitation_id: Option<InvitationId>,
    /// A job (whose default reviewers changed).
    pub job_id: Option<JobId>,
    /// How many rows a housekeeping run changed.
    pub count: Option<i32>,
}

impl Subject {
    pub fn interview(candidate_id: CandidateId, interview_id: InterviewId) -> Self {
        Self { candidate_id: Some(candidate_id), interview_id: Some(interview_id), ..Self::default() }
    }

    pub fn candidate(candidate_id: CandidateId) -> Self {
        Self { candidate_id: Some(candidate_id), ..Self::default() }
    }

    pub fn member(user_id: UserId) -> Self {
        Self { user_id: Some(user_id), ..Self::default() }
    }

    pub fn invitation(invitation_id: InvitationId) -> Self {
        Self { invitation_id: Some(invitation_id), ..Self::default() }
    }

    /// A member assigned to (or removed from) reviewing an interview.
    pub fn reviewer(candidate_id: CandidateId, interview_id: InterviewId, user_id: UserId) -> Self {
        Self { user_id: Some(user_id), ..Self::interview(candidate_id, interview_id) }
    }

    /// A member made (or no longer) a default reviewer of a job's interviews.
    pub fn job_reviewer(job_id: JobId, user_id: UserId) -> Self {
        Self { job_id: Some(job_id), ..Self::member(user_id) }
    }

    pub fn count(count: i32) -> Self {
        Self { count: Some(count), ..Self::default() }
    }
}

/// Adds an entry to the company's audit log, in the caller's transaction so the entry
/// and the action commit together.
pub async fn record(
    conn: &mut PgConnection,
    company_id: CompanyId,
    actor: Actor,
    action: Action,
    subject: Subject,
) -> sqlx::Result<()> {
    let (kind, user_id) = match actor {
        Actor::Member(id) => (ActorKind::Member, Some(id)),
        Actor::Candidate => (ActorKind::Candidate, None),
        Actor::ShareLink => (ActorKind::ShareLink, None),
        Actor::Housekeeping => (ActorKind::Housekeeping, None),
    };
    sqlx::query!(
        "insert into audit_events (id, company_id, action, actor, user_id, candidate_id, interview_id, subject_user_id, invitation_id,
                                   job_id, count)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        Uuid::new_v4(),
        company_id as CompanyId,
        action as Action,
        kind as ActorKind,
        user_id as Option<UserId>,
        subject.candidate_id as Option<CandidateId>,
        subject.interview_id as Option<InterviewId>,
        subject.user_id as Option<UserId>,
        subject.invitation_id as Option<InvitationId>,
        subject.job_id as Option<JobId>,
        subject.count,
    )
    .execute(conn)
    .await?;
    Ok(())
}
