use askama::Template;
use uuid::Uuid;

use crate::ids::UserId;
use crate::{auth::roles::Role, dates::When, forms::FieldErrors, layout::Shell};

pub struct MemberRow {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub joined: When,
    pub deactivated: Option<When>,
    pub is_you: bool,
}

pub struct InvitationRow {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub sent: When,
    pub expires: When,
    pub expired: bool,
}

pub struct InviteValues {
    pub email: String,
    pub role: Role,
}

impl Default for InviteValues {
    fn default() -> Self {
        Self { email: String::new(), role: Role::Recruiter }
    }
}

#[derive(Template)]
#[template(path = "team/page.html")]
pub struct TeamPage {
    pub shell: Shell,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
    pub values: InviteValues,
    pub errors: FieldErrors,
    pub roles: [Role; 3],
}

#[derive(Template)]
#[template(path = "team/join.html")]
pub struct JoinPage {
    pub shell: Shell,
    pub token: String,
    pub company_name: String,
    pub email: String,
    pub role: Role,
    /// What the invitee typed as their name.
    pub typed_name: String,
    pub errors: FieldErrors,
}
