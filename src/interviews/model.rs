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

/// What the timeline shows for each recorded event kind.
pub fn event_label(kind: &str) -> &'static str {
    match kind {
        "queued" => "Invitation email queued",
        "sent" => "Email sent",
        "failed" => "Email failed",
        "retrying" => "Email delivery failed; will retry",
        "opened" => "Email opened (may include automatic opens)",
        "link_opened" => "Interview link opened",
        "started" => "Interview started",
        "answer_saved" => "Answer saved",
        "completed" => "Interview completed",
        "evaluated" => "Evaluation finished",
        "evaluation_failed" => "Evaluation failed",
        "resent" => "Invitation resent",
        "reminded" => "Reminder sent automatically",
        "cancelled" => "Interview cancelled",
        "extended" => "Deadline extended",
        "expired" => "Interview expired",
        _ => "Activity",
    }
}
