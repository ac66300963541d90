use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    ClientIp, CurrentUser, password, rate_limit, safe_next, session,
    store::{self, CreateError},
    throttle,
    tokens::{self, Purpose},
    views::*,
};
use crate::ids::UserId;
use crate::{
    domain::{EmailAddress, RequiredText},
    error::{AppError, AppResult},
    extract::{Form, PathText, Query},
    forms::FieldErrors,
    layout::{Flash, Shell, append_cookie, render},
    mail::account::{self, AccountEmailKind},
    state::AppState,
};

pub async fn home(user: Option<CurrentUser>) -> Redirect {
    Redirect::to(user.map_or("/sign-in", |user| user.role.home()))
}

pub async fn sign_up_page(shell: Shell) -> AppResult<Response> {
    render(&SignUpPage { shell, values: SignUpValues::default(), errors: FieldErrors::default() })
}

#[derive(Deserialize)]
pub struct SignUpForm {
    company_name: String,
    name: String,
    email: String,
    password: String,
}

pub async fn sign_up(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(client): ClientIp,
    Form(form): Form<SignUpForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let company = errors.check("company_name", RequiredText::parse(&form.company_name, "your company's name", 120));
    let name = errors.check("name", RequiredText::parse(&form.name, "your name", 120));
    let email = errors.check("email", EmailAddress::parse(&form.email));
    if let Err(message) = password::check_new(&form.password, &form.email) {
        errors.add("password", message);
    }
    let values = SignUpValues { company_name: form.company_name, name: form.name, email: form.email };
    let (Some(company), Some(name), Some(email), true) = (company, name, email, errors.is_empty()) else {
        return render(&SignUpPage { shell, values, errors });
    };
    if !rate_limit::allow(&state.pool, &format!("sign-up:{client}"), state.config.sign_ups_per_hour).await? {
        return Err(AppError::TooManyRequests(
            "Too many companies were created from your network in the last hour. Try again later.".into(),
        ));
    }

    // Hashed whether or not the address is taken, so that both take the same time.
    let hash = password::hash(form.password).await?;
    let mut tx = state.pool.begin().await?;
    let created = store::create_company_with_owner(
        &mut tx,
        company.as_str(),
        name.as_str(),
        email.as_str(),
        &hash,
        store::Verified::No,
    )
    .await;
    let link = match created {
        Ok((_, user_id)) => {
            let link = queue_verification(&state, &mut tx, user_id, email.as_str()).await?;
            tx.commit().await?;
            Some(link)
        }
        Err(CreateError::EmailTaken) => {
            // The page is the same as for a new address; only the owner of the address
            // learns, by email, that it already has an account.
            drop(tx);
            if let Some(owner) = store::credentials(&state.pool, email.as_str()).await?
                && within_email_limit(&state, email.as_str(), AccountEmailKind::AlreadyRegistered).await?
            {
                let mut conn = state.pool.acquire().await?;
                account::enqueue(&mut conn, AccountEmailKind::AlreadyRegistered, owner.user_id, email.as_str(), None)
                    .await?;
            }
            None
        }
        Err(CreateError::Database(err)) => return Err(err.into()),
    };
    check_email_page(&state, shell, email.as_str(), link, false)
}

/// Whether `to` may get one more `kind` email this hour.
async fn within_email_limit(state: &AppState, to: &str, kind: AccountEmailKind) -> AppResult<bool> {
    let sent = account::sent_within_the_hour(&state.pool, to, kind).await?;
    Ok(sent < i64::from(state.config.account_emails_per_hour))
}

/// Issues a verification link for `user_id` and queues the email carrying it; returns the link.
async fn queue_verification(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    user_id: UserId,
    to: &str,
) -> AppResult<String> {
    queue_link(state, conn, AccountEmailKind::VerifyEmail, Purpose::VerifyEmail, user_id, to).await
}

/// Issues a one-time link for `user_id` and queues the `kind` email carrying it; returns the link.
async fn queue_link(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    kind: AccountEmailKind,
    purpose: Purpose,
    user_id: UserId,
    to: &str,
) -> AppResult<String> {
    let token_id = tokens::issue(conn, &state.config.secret_key, user_id, purpose).await?;
    account::enqueue(conn, kind, user_id, to, Some(token_id)).await?;
    Ok(tokens::url(&state.config.base_url, &state.config.secret_key, purpose, token_id))
}

/// "Check your email": the same page whether or not the address has an account. On a
/// development machine without a mail server the link is shown (and logged) too.
fn check_email_page(
    state: &AppState,
    shell: Shell,
    email: &str,
    link: Option<String>,
    for_reset: bool,
) -> AppResult<Response> {
    let dev_link = link.filter(|_| state.config.shows_account_links());
    if let Some(link) = &dev_link {
        tracing::info!(to = ?email, %link, "no SMTP server: the emailed link, for development");
    }
    render(&CheckEmailPage { shell, email: email.to_owned(), for_reset, dev_link })
}

/// The link of the verification email: confirms the address and signs the user in.
pub async fn verify_email(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathText(token): PathText,
) -> AppResult<Response> {
    let Some(user_id) = tokens::consume(&state.pool, Purpose::VerifyEmail, &token).await? else {
        return Err(AppError::BadRequest(
            "This link has expired or was already used. Sign in to get a new one, or sign in as usual if your address is confirmed.".into(),
        ));
    };
    let name = store::mark_verified(&state.pool, user_id).await?;
    let welcome = format!("Welcome to Hifinity, {name}. Your email address is confirmed. Start by adding a job.");
    start_session(&state, &headers, user_id, Flash::success(welcome), "/jobs").await
}

#[derive(Deserialize)]
pub struct ResendForm {
    email: String,
}

/// "Send the link again": a fresh link when the address has an unconfirmed account, and
/// the same page in every case.
pub async fn resend_verification(
    State(state): State<AppState>,
    shell: Shell,
    Form(form): Form<ResendForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_owned();
    let mut link = None;
    if let Some(user) = store::credentials(&state.pool, &email).await?
        && !user.verified
        && within_email_limit(&state, &email, AccountEmailKind::VerifyEmail).await?
    {
        let mut tx = state.pool.begin().await?;
        link = Some(queue_verification(&state, &mut tx, user.user_id, &email).await?);
        tx.commit().await?;
    }
    check_email_page(&state, shell, &email, link, false)
}

/// Starts a fresh session (ending the browser's previous one) and redirects.
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user_id: UserId,
    flash: Flash,
    to: &str,
) -> AppResult<Response> {
    let https = state.config.https();
    let previous = session::token(headers, https);
    let token = session::create(&state.pool, user_id, previous.as_deref()).await?;
    let mut response = flash.redirect(to);
    append_cookie(&mut response, &session::set_cookie(&token, https));
    Ok(response)
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn sign_in_page(
    user: Option<CurrentUser>,
    shell: Shell,
    Query(query): Query<NextQuery>,
) -> AppResult<Response> {
    if user.is_some() {
        return Ok(Redirect::to(safe_next(query.next.as_deref())).into_response());
    }
    let next = safe_next(query.next.as_deref()).to_owned();
    render(&SignInPage { shell, email: String::new(), next, error: None })
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref()).to_owned();
    let email = form.email.trim().to_owned();
    let credentials = store::credentials(&state.pool, &email).await?;
    let user_id = credentials.as_ref().map(|c| c.user_id);
    let keys = throttle::Keys::new(
        user_id.as_ref().map(|id| id as &dyn std::fmt::Display),
        &email,
        client,
        &state.config.secret_key,
    );
    let page = |error: String| SignInPage {
        shell: shell.clone(),
        email: email.clone(),
        next: next.clone(),
        error: Some(error),
    };

    // Counted before the password is checked, so that parallel attempts can't slip past
    // the limit; a successful sign-in takes its attempt back.
    if let Some(minutes) = throttle::count_attempt(&state.pool, &keys).await? {
        let plural = if minutes == 1 { "" } else { "s" };
        let message = format!("Too many failed sign-in attempts. Try again in {minutes} minute{plural}.");
        let mut response = render(&page(message))?;
        *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
        return Ok(response);
    }

    let unconfirmed = credentials.as_ref().is_some_and(|c| !c.verified);
    let verified = password::verify(form.password, credentials.map(|c| c.password_hash)).await?;
    match (user_id, unconfirmed) {
        (Some(_), true) if verified => {
            // Only whoever knows the password learns that the account exists.
            throttle::forgive(&state.pool, &keys).await?;
            check_email_page(&state, shell.clone(), &email, None, false)
        }
        (Some(user_id), false) if verified => {
            throttle::forgive(&state.pool, &keys).await?;
            start_session(&state, &headers, user_id, Flash::success("You are signed in."), &next).await
        }
        _ => render(&page("The email or password is incorrect.".into())),
    }
}

pub async fn forgot_password_page(shell: Shell) -> AppResult<Response> {
    render(&ForgotPasswordPage { shell, email: String::new() })
}

/// Emails a reset link when the address has an account; the same page in every case.
/// Where the link is not shown on the page, the lookup and the email happen after the
/// answer, so the answer takes the same time whether or not the address has an account.
/// (A restart at that moment loses the email; asking again sends it.)
pub async fn forgot_password(
    State(state): State<AppState>,
    shell: Shell,
    Form(form): Form<ResendForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_owned();
    if state.config.shows_account_links() {
        let link = queue_reset(&state, &email).await?;
        return check_email_page(&state, shell, &email, link, true);
    }
    let (background, to) = (state.clone(), email.clone());
    tokio::spawn(async move {
        if let Err(err) = queue_reset(&background, &to).await {
            tracing::warn!(error = ?err, "password reset: the email could not be queued");
        }
    });
    check_email_page(&state, shell, &email, None, true)
}

/// Queues a reset link for `email` if it has an account and may get one more this hour;
/// returns the link.
async fn queue_reset(state: &AppState, email: &str) -> AppResult<Option<String>> {
    let Some(user) = store::credentials(&state.pool, email).await? else { return Ok(None) };
    if !within_email_limit(state, email, AccountEmailKind::ResetPassword).await? {
        return Ok(None);
    }
    let mut tx = state.pool.begin().await?;
    let link = queue_link(state, &mut tx, AccountEmailKind::ResetPassword, Purpose::ResetPassword, user.user_id, email)
        .await?;
    tx.commit().await?;
    Ok(Some(link))
}

fn expired_link() -> AppError {
    AppError::BadRequest(
        "This link has expired or was already used. Ask for a new one with \"Forgot password?\" on the sign-in page."
            .into(),
    )
}

pub async fn reset_password_page(
    State(state): State<AppState>,
    shell: Shell,
    PathText(token): PathText,
) -> AppResult<Response> {
    tokens::holder(&state.pool, Purpose::ResetPassword, &token).await?.ok_or_else(expired_link)?;
    let action = format!("{}/{token}", Purpose::ResetPassword.path());
    render(&NewPasswordPage { shell, action, asks_current: false, errors: FieldErrors::default() })
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    current_password: String,
    password: String,
}

/// A new password with the emailed link: every session of the account ends, and the
/// address counts as confirmed (the link reached it).
pub async fn reset_password(
    State(state): State<AppState>,
    shell: Shell,
    PathText(token): PathText,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let user_id = tokens::holder(&state.pool, Purpose::ResetPassword, &token).await?.ok_or_else(expired_link)?;
    let email = store::email_of(&state.pool, user_id).await?;
    if let Err(message) = password::check_new(&form.password, &email) {
        let mut errors = FieldErrors::default();
        errors.add("password", message);
        let action = format!("{}/{token}", Purpose::ResetPassword.path());
        return render(&NewPasswordPage { shell, action, asks_current: false, errors });
    }
    let hash = password::hash(form.password).await?;
    if tokens::consume(&state.pool, Purpose::ResetPassword, &token).await? != Some(user_id) {
        return Err(expired_link());
    }
    let mut tx = state.pool.begin().await?;
    store::set_password(&mut tx, user_id, &hash, None).await?;
    tx.commit().await?;
    store::mark_verified(&state.pool, user_id).await?;
    Ok(Flash::success("Your password is changed and every session has ended. Sign in with the new password.")
        .redirect("/sign-in"))
}

pub async fn change_password_page(_: CurrentUser, shell: Shell) -> AppResult<Response> {
    render(&NewPasswordPage {
        shell,
        action: "/account/password".into(),
        asks_current: true,
        errors: FieldErrors::default(),
    })
}

/// A new password, proven with the current one; the user's other sessions end.
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    headers: HeaderMap,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let stored = store::credentials(&state.pool, &user.email).await?.map(|c| c.password_hash);
    if !password::verify(form.current_password, stored).await? {
        errors.add("current_password", "This is not your current password.");
    }
    if let Err(message) = password::check_new(&form.password, &user.email) {
        errors.add("password", message);
    }
    if !errors.is_empty() {
        return render(&NewPasswordPage { shell, action: "/account/password".into(), asks_current: true, errors });
    }
    let hash = password::hash(form.password).await?;
    let current = session::token(&headers, state.config.https()).map(|token| session::hash(&token));
    let mut tx = state.pool.begin().await?;
    store::set_password(&mut tx, user.user_id, &hash, current.as_deref()).await?;
    tx.commit().await?;
    Ok(Flash::success("Your password is changed. Your other sessions have ended.").redirect("/account/password"))
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let https = state.config.https();
    if let Some(token) = session::token(&headers, https) {
        session::delete(&state.pool, &token).await?;
    }
    let mut response = Flash::success("You have signed out.").redirect("/sign-in");
    append_cookie(&mut response, &session::clear_cookie(https));
    Ok(response)
}
