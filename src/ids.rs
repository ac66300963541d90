//! The company a statement is scoped to, as a type: a store function cannot be called
//! with another id, or without a company, in its place.
//!
//! To the database it is a uuid (`#[sqlx(transparent)]`): queries read one with
//! `company_id as "company_id: CompanyId"` and bind one with `company_id as CompanyId`.
//!
//! A [`CompanyId`] has no constructor from a bare uuid. It is read from the database by
//! the few places that establish whose request or work this is — the signed-in user's
//! session, a verified candidate link, a claimed background job — taken from a verified
//! share link or API key, or made for a company being created. Everything else receives it from them.

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

    /// The company that created a share link whose token was verified.
    pub fn of_share_link(share: &crate::sharing::VerifiedShare) -> Self {
        Self(share.company_uuid())
    }

    /// The company whose Admin created an API key the request presented, found in force.
    pub fn of_api_key(key: &crate::api::keys::VerifiedKey) -> Self {
        Self(key.company_uuid())
    }
}

/// The id of one kind of record, so that an interview's id cannot be passed where a
/// candidate's goes. Unlike [`CompanyId`] it says nothing about whose record it is
/// (every statement that reads one is also scoped by the company), so it converts from
/// a uuid freely: a row's column (`query_as!` converts), a route's path
/// ([`crate::extract::PathId`]), a form or a queued job (serde).
macro_rules! record_ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type, serde::Serialize, serde::Deserialize)]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// The id of a record being inserted.
            pub fn generate() -> Self {
                Self(Uuid::new_v4())
            }

            /// The bare uuid, where an id is signed or names a file.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl crate::extract::PathUuid for $name {
            fn from_path(id: Uuid) -> Self {
                Self(id)
            }
        }
    )*};
}

record_ids! {
    /// A candidate: a person the company may interview.
    CandidateId;
    /// One interview sent to a candidate, with its link, answers and evaluation.
    InterviewId;
    /// A job the company hires for.
    JobId;
    /// An interview template: its questions, in versions.
    TemplateId;
    /// A question of an interview template.
    QuestionId;
    /// A candidate's application to a job.
    ApplicationId;
    /// A member of a company's team (a user account).
    UserId;
    /// A candidate's answer to one question of an interview.
    AnswerId;
    /// An email of the outbox.
    EmailId;
    /// A read-only share link.
    ShareId;
    /// An invitation to join a company's team.
    InvitationId;
    /// A signed-in session of a member.
    SessionId;
    /// An uploaded candidate import, between its preview and its import.
    ImportId;
    /// An API key.
    ApiKeyId;
    /// A webhook endpoint.
    EndpointId;
    /// One delivery of a webhook message to an endpoint.
    WebhookDeliveryId;
}
