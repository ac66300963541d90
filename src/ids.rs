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
