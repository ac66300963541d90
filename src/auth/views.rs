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

/// After sign-up, and for an unconfirmed account: the same page whether or not the
/// address has an account.
#[derive(Template)]
#[template(path = "auth/check_email.html")]
pub struct CheckEmailPage {
    pub shell: Shell,
    pub email: String,
    /// The link is for a new password rather than for confirming the address.
    pub for_reset: bool,
    /// Development without a mail server only: the link the email carries.
    pub dev_link: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/forgot_password.html")]
pub struct ForgotPasswordPage {
    pub shell: Shell,
    pub email: String,
}

/// Choosing a new password with the emailed link (`token` is `None`) or, signed in,
/// with the current one.
#[derive(Template)]
#[template(path = "auth/new_password.html")]
pub struct NewPasswordPage {
    pub shell: Shell,
    pub action: String,
    pub asks_current: bool,
    pub errors: FieldErrors,
}
