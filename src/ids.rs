//! Typed ids, so that a store function cannot be handed a candidate's id where it wants an
//! interview's, or be called without the company whose rows it may touch.
//!
//! Every id is a uuid to the database (`#[sqlx(transparent)]`): queries read one with
//! `id as "id: InterviewId"` and bind one with `id as InterviewId`.
//!
//! A [`CompanyId`] has no constructor from a bare uuid. It is read from the database by
//! the few places that establish whose request or work this is — the signed-in user's
//! session, a verified candidate link, a claimed background job — or made for a company
//! being created. Everything else receives it from them.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The company whose rows a request or a piece of background work may read and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct CompanyId(Uuid);

impl CompanyId {
    /// The id of a company being created (sign-up, the demo company).
    pub fn for_new_company() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for CompanyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The id of one kind of record of a company. It says which record, never whose: every
/// store function also takes the [`CompanyId`] it is scoped to.
pub trait RecordId: Copy + From<Uuid> {
    fn uuid(self) -> Uuid;
}

macro_rules! record_ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type, Serialize, Deserialize)]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// The id of a record being created.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl RecordId for $name {
            fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

record_ids! {
    /// A member of a company's team.
    UserId,
    JobId,
    /// An interview template (its editable draft and its published versions).
    TemplateId,
    /// One published, immutable version of a template.
    VersionId,
    CandidateId,
    ApplicationId,
    InterviewId,
    AnswerId,
    /// A question of a published version.
    QuestionId,
    EvaluationId,
    EmailId,
}
