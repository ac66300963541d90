use askama::Template;

use crate::{dates::When, layout::Shell};

pub struct SessionRow {
    pub id: uuid::Uuid,
    pub device: String,
    pub address: String,
    pub last_seen: When,
    pub signed_in: When,
    pub is_this_one: bool,
}

#[derive(Template)]
#[template(path = "account/page.html")]
pub struct AccountPage {
    pub shell: Shell,
    pub sessions: Vec<SessionRow>,
}

impl AccountPage {
    pub fn has_others(&self) -> bool {
        self.sessions.iter().any(|s| !s.is_this_one)
    }
}
