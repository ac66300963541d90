use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use rules::link::{ClaimedToken, Purpose};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{
    store::{self, JoinError, MemberChange, OpenInvitation},
    views::*,
};
use crate::ids::{InvitationId, UserId};
use crate::{
    auth::{CurrentUser, password, roles::Role, start_session},
    domain::{EmailAddress, RequiredText},
    error::{AppError, AppResult, error_response},
    extract::{Form, PathId, PathText},
    forms::FieldErrors,
    layout::{Flash, Section, Shell, render},
    state::AppState,
};

async fn team_page(
    state: &AppState,
    user: &CurrentUser,
    shell: Shell,
    values: InviteValues,
    errors: FieldErrors,
) -> AppResult<Response> {
    let members = store::members(&state.pool, user.company_id)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            is_you: m.id == user.user_id,
            id: m.id,
            name: m.name,
            email: m.email,
            role: m.role,
            joined: m.created_at.into(),
            deactivated: m.deactivated_at.map(Into::into),
        })
        .collect();
    let now = OffsetDateTime::now_utc();
    let invitations = store::pending(&state.pool, user.company_id)
        .await?
        .into_iter()
        .map(|i| InvitationRow {
            id: i.id,
            email: i.email,
            role: i.role,
            sent: i.last_sent_at.into(),
            expired: i.expires_at <= now,
            expires: i.expires_at.into(),
        })
        .collect();
    let page = TeamPage { shell: shell.at(Section::Team), members, invitations, values, errors, roles: Role::ALL };
    render(&page)
}

pub async fn page(State(state): State<AppState>, user: CurrentUser, shell: Shell) -> AppResult<Response> {
    team_page(&state, &user, shell, InviteValues::default(), FieldErrors::default()).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

/// Invites an address. The page says the same whether or not the address already has
/// an account: only its owner learns that, from the note they get instead.
pub async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose a role.");
    }
    let (Some(email), Some(role)) = (email, role) else {
        let values = InviteValues { email: form.email, role: role.unwrap_or(Role::Recruiter) };
        return team_page(&state, &user, shell, values, errors).await;
    };
    store::invite(&state.pool, user.company_id, user.user_id, email.as_str(), role).await?;
    Ok(Flash::success(format!("Invitation sent to {email}.")).redirect("/team"))
}

pub async fn resend(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InvitationId>,
) -> AppResult<Response> {
    let email = store::resend(&state.pool, user.company_id, user.user_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(Flash::success(format!("Invitation sent again to {email}. The previous link no longer works."))
        .redirect("/team"))
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InvitationId>,
) -> AppResult<Response> {
    let email = store::revoke(&state.pool, user.company_id, user.user_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(Flash::success(format!("The invitation to {email} is revoked: its link no longer works.")).redirect("/team"))
}

fn member_changed(
    change: MemberChange,
    company_name: &str,
    done: impl FnOnce(String) -> String,
) -> AppResult<Response> {
    match change {
        MemberChange::Done(name) => Ok(Flash::success(done(name)).redirect("/team")),
        MemberChange::NotFound => Err(AppError::NotFound),
        MemberChange::LastAdmin => Ok(Flash::error(format!(
            "{company_name} needs at least one active admin: make someone else an admin first."
        ))
        .redirect("/team")),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<UserId>,
    Form(form): Form<RoleForm>,
) -> AppResult<Response> {
    let role = Role::parse(&form.role).ok_or_else(|| AppError::BadRequest("Choose a role.".into()))?;
    let change = store::set_role(&state.pool, user.company_id, user.user_id, id, role).await?;
    let article = if role == Role::Admin { "an" } else { "a" };
    member_changed(change, &user.company_name, |name| format!("{name} is now {article} {}.", role.label()))
}

pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<UserId>,
) -> AppResult<Response> {
    if id == user.user_id {
        return Ok(Flash::error("You can't deactivate yourself: ask another admin.").redirect("/team"));
    }
    let change = store::deactivate(&state.pool, user.company_id, user.user_id, id).await?;
    member_changed(change, &user.company_name, |name| {
        format!("{name} is deactivated: their sessions have ended and they can no longer sign in.")
    })
}

pub async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<UserId>,
) -> AppResult<Response> {
    let change = store::reactivate(&state.pool, user.company_id, user.user_id, id).await?;
    member_changed(change, &user.company_name, |name| {
        format!("{name} is active again and can sign in with their password.")
    })
}

/// One page whatever the reason a link can't be used (unknown, tampered, expired, used,
/// revoked, or replaced by a resend).
fn unusable() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "This invitation can't be used",
        "The link has expired, was already used, or was replaced by a newer invitation. \
         Ask the person who invited you to send it again."
            .to_owned(),
    )
}

/// The invitation a link opens, or the page that says it can't be used.
async fn open(state: &AppState, token: &str) -> Result<OpenInvitation, Response> {
    let Some(claimed) = ClaimedToken::parse(token) else { return Err(unusable()) };
    let invitation = match store::open(&state.pool, claimed.interview_id.into()).await {
        Ok(Some(invitation)) => invitation,
        Ok(None) => return Err(unusable()),
        Err(err) => return Err(AppError::from(err).into_response()),
    };
    if !claimed.verify_for(Purpose::TeamInvitation, &state.config.secret_key, &invitation.link_nonce) {
        return Err(unusable());
    }
    Ok(invitation)
}

fn join_view(shell: Shell, token: String, invitation: OpenInvitation, name: String, errors: FieldErrors) -> JoinPage {
    JoinPage {
        shell,
        token,
        company_name: invitation.company_name,
        email: invitation.email,
        role: invitation.role,
        typed_name: name,
        errors,
    }
}

pub async fn join_page(State(state): State<AppState>, shell: Shell, PathText(token): PathText) -> AppResult<Response> {
    let invitation = match open(&state, &token).await {
        Ok(invitation) => invitation,
        Err(response) => return Ok(response),
    };
    render(&join_view(shell, token, invitation, String::new(), FieldErrors::default()))
}

#[derive(Deserialize)]
pub struct JoinForm {
    name: String,
    password: String,
}

/// The invitee chooses their name and password (the same rules as at sign-up), joins
/// with the invited role and is signed in.
pub async fn join(
    State(state): State<AppState>,
    shell: Shell,
    headers: HeaderMap,
    PathText(token): PathText,
    Form(form): Form<JoinForm>,
) -> AppResult<Response> {
    let invitation = match open(&state, &token).await {
        Ok(invitation) => invitation,
        Err(response) => return Ok(response),
    };
    let mut errors = FieldErrors::default();
    let name = errors.check("name", RequiredText::parse(&form.name, "your name", 120));
    if let Err(message) = password::check_new(&form.password, &invitation.email) {
        errors.add("password", message);
    }
    let (Some(name), true) = (name, errors.is_empty()) else {
        return render(&join_view(shell, token, invitation, form.name, errors));
    };
    let hash = password::hash(form.password).await?;
    match store::join(&state.pool, &invitation, name.as_str(), &hash).await {
        Ok(user_id) => {
            let welcome = format!("Welcome to {}, {}.", invitation.company_name, name.as_str());
            start_session(&state, &headers, user_id, Flash::success(welcome), invitation.role.home()).await
        }
        Err(JoinError::EmailTaken) => {
            errors
                .add("name", "This address already has an account, so it can't join another company. Sign in instead.");
            render(&join_view(shell, token, invitation, form.name, errors))
        }
        Err(JoinError::Gone) => Ok(unusable()),
        Err(JoinError::Database(err)) => Err(err.into()),
    }
}
