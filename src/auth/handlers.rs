use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    ClientIp, CurrentUser, password, safe_next, session,
    store::{self, CreateError},
    throttle,
    views::*,
};
use crate::{
    domain::{EmailAddress, RequiredText},
    error::AppResult,
    extract::Form,
    forms::FieldErrors,
    layout::{Flash, Shell, append_cookie, render},
    state::AppState,
};

pub async fn home(user: Option<CurrentUser>) -> Redirect {
    Redirect::to(if user.is_some() { "/candidates" } else { "/sign-in" })
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
    headers: HeaderMap,
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

    let hash = password::hash(form.password).await?;
    match store::create_company_with_owner(&state.pool, company.as_str(), name.as_str(), email.as_str(), &hash).await {
        Ok((_, user_id)) => {
            let welcome = format!("Welcome to Hifinity, {}. Start by adding a job.", name.as_str());
            start_session(&state, &headers, user_id, Flash::success(welcome), "/jobs").await
        }
        Err(CreateError::EmailTaken) => {
            errors.add("email", "An account with this email already exists. Sign in instead.");
            render(&SignUpPage { shell, values, errors })
        }
        Err(CreateError::Database(err)) => Err(err.into()),
    }
}

/// Starts a fresh session (ending the browser's previous one) and redirects.
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user_id: uuid::Uuid,
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
    let keys = throttle::Keys::new(&email, client);
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

    let credentials = store::credentials(&state.pool, &email).await?;
    let user_id = credentials.as_ref().map(|c| c.user_id);
    let verified = password::verify(form.password, credentials.map(|c| c.password_hash)).await?;
    match user_id {
        Some(user_id) if verified => {
            throttle::forgive(&state.pool, &keys).await?;
            start_session(&state, &headers, user_id, Flash::success("You are signed in."), &next).await
        }
        _ => render(&page("The email or password is incorrect.".into())),
    }
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
