use std::fmt;

/// An interview's status as the seed names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "interview_status", rename_all = "snake_case")]
pub enum InterviewStatus {
    Pending,
    InProgress,
    Completed,
    Expired,
    Cancelled,
}

impl InterviewStatus {
    pub const ALL: [Self; 5] = [Self::Pending, Self::InProgress, Self::Completed, Self::Expired, Self::Cancelled];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::InProgress => "In Progress",
            Self::Completed => "Completed",
            Self::Expired => "Expired",
            Self::Cancelled => "Cancelled",
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::Pending => "badge-amber",
            Self::InProgress => "badge-blue",
            Self::Completed => "badge-green",
            Self::Expired => "badge-grey",
            Self::Cancelled => "badge-red",
        }
    }

    /// Whether the candidate can still use the link (and a resend makes sense).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::InProgress)
    }
}

impl fmt::Display for InterviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The time a candidate is given for each question: the template's, stretched for a
/// candidate who asked for more, or no limit at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "time_allowance", rename_all = "snake_case")]
pub enum TimeAllowance {
    Standard,
    OneAndHalf,
    Double,
    Unlimited,
}

impl TimeAllowance {
    pub const ALL: [Self; 4] = [Self::Standard, Self::OneAndHalf, Self::Double, Self::Unlimited];

    /// The value the form posts.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::OneAndHalf => "one_and_half",
            Self::Double => "double",
            Self::Unlimited => "unlimited",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Standard => "The template's times",
            Self::OneAndHalf => "×1.5 time",
            Self::Double => "×2 time",
            Self::Unlimited => "No time limits",
        }
    }

    /// `seconds` of the template's time as this allowance gives it; `None`: no limit.
    pub fn stretch(self, seconds: i32) -> Option<i32> {
        match self {
            Self::Standard => Some(seconds),
            Self::OneAndHalf => Some(seconds + (seconds + 1) / 2),
            Self::Double => Some(seconds * 2),
            Self::Unlimited => None,
        }
    }
}

/// What an interview's timeline records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "interview_event_kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The invitation email was queued.
    Queued,
    Sent,
    Failed,
    Retrying,
    /// An email's data went out with no reply: it is sent once more and may arrive twice.
    OutcomeUnknown,
    /// The email's tracking pixel was loaded.
    Opened,
    LinkOpened,
    Started,
    AnswerSaved,
    Completed,
    Evaluated,
    EvaluationFailed,
    Resent,
    Reminded,
    Cancelled,
    Extended,
    Expired,
    /// The candidate agreed to the notice.
    Consented,
    /// The candidate asked for a person's review instead of AI.
    HumanReviewRequested,
    /// The interview got a new link; the old one now says it was replaced.
    LinkReplaced,
    /// A recruiter granted the candidate extra time, or took it back.
    TimeAllowanceChanged,
}

impl EventKind {
    /// What the timeline shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Invitation email queued",
            Self::Sent => "Email sent",
            Self::Failed => "Email failed",
            Self::Retrying => "Email delivery failed; will retry",
            Self::OutcomeUnknown => "Email outcome unknown; sent once more, may arrive twice",
            Self::Opened => "Email opened (may include automatic opens)",
            Self::LinkOpened => "Interview link opened",
            Self::Started => "Interview started",
            Self::AnswerSaved => "Answer saved",
            Self::Completed => "Interview completed",
            Self::Evaluated => "Evaluation finished",
            Self::EvaluationFailed => "Evaluation failed",
            Self::Resent => "Invitation resent",
            Self::Reminded => "Reminder sent automatically",
            Self::Cancelled => "Interview cancelled",
            Self::Extended => "Deadline extended",
            Self::Expired => "Interview expired",
            Self::Consented => "Candidate agreed to the notice",
            Self::HumanReviewRequested => "Candidate asked for a person's review instead of AI",
            Self::LinkReplaced => "Link replaced",
            Self::TimeAllowanceChanged => "Time allowance changed",
        }
    }

    /// Shown as a problem on the timeline.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            Self::Failed
                | Self::Retrying
                | Self::OutcomeUnknown
                | Self::Cancelled
                | Self::Expired
                | Self::EvaluationFailed
        )
    }
}
