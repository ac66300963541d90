//! What a scorer is given and what it returns, shared by both scorers and the pipeline;
//! and the evaluation's states as the database stores them.

use sqlx::{
    Decode, Encode, Postgres, Type,
    encode::IsNull,
    error::BoxDynError,
    postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef},
};

pub use rules::evaluation::model::*;

const NOTE_MAX: usize = 4000;

/// A reviewer's note on an answer or the team's note on a decision: trimmed, empty as
/// none, at most 4,000 characters.
pub fn note(raw: Option<String>) -> Result<Option<String>, &'static str> {
    let note = raw.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    match note {
        Some(n) if n.chars().count() > NOTE_MAX => Err("The note is too long: keep it under 4,000 characters."),
        other => Ok(other),
    }
}

/// Where one run of the evaluation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "evaluation_status", rename_all = "snake_case")]
pub enum EvaluationStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl EvaluationStatus {
    /// The name the JSON API gives it, the same as the database's.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Done => "Done",
            Self::Failed => "Failed",
        }
    }

    /// Queued or running: a result is still to come.
    pub fn is_waiting(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

/// Where the words judged for one question came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "transcript_source", rename_all = "snake_case")]
pub enum TranscriptSource {
    Typed,
    Transcribed,
    /// A video answer without a transcript.
    Unavailable,
    Unanswered,
}

/// The team's decision on an interview.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "decision", rename_all = "snake_case")]
pub enum Decision {
    Advance,
    Hold,
    Reject,
}

impl Decision {
    pub const ALL: [Self; 3] = [Self::Advance, Self::Hold, Self::Reject];

    /// The value the decision form posts.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Advance => "advance",
            Self::Hold => "hold",
            Self::Reject => "reject",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Advance => "Advance",
            Self::Hold => "On hold",
            Self::Reject => "Reject",
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::Advance => "badge-green",
            Self::Hold => "badge-amber",
            Self::Reject => "badge-red",
        }
    }
}

/// A `Recommendation` as the `recommendation` column holds it. The rules crate, where
/// the scorers make recommendations, stays free of the database; this wrapper gives
/// sqlx the type's name and refuses a value the enum does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredRecommendation(pub Recommendation);

impl Type<Postgres> for StoredRecommendation {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("recommendation")
    }
}

impl Encode<'_, Postgres> for StoredRecommendation {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <&str as Encode<Postgres>>::encode(self.0.as_str(), buf)
    }
}

impl<'r> Decode<'r, Postgres> for StoredRecommendation {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let stored = <&str as Decode<Postgres>>::decode(value)?;
        Recommendation::parse(stored).map(Self).ok_or_else(|| format!("unknown recommendation {stored:?}").into())
    }
}
