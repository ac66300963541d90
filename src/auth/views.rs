use askama::Template;

use crate::{forms::FieldErrors, layout::Shell};

#[derive(Default)]
pub struct SignUpValues {
    pub company_name: String,
    pub name: String,
    pub email: String,
}

#[derive(Template)]
#[template(path = "auth/sign_up.html")]
pub struct SignUpPage {
    pub shell: Shell,
    pub values: SignUpValues,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
pub struct SignInPage {
    pub shell: Shell,
    pub email: String,
    pub next: String,
    /// One message for every failure, so it never tells which accounts exist.
    pub error: Option<String>,
}
