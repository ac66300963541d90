//! Who may use which route: one table of every route of the router with the least role
//! (or, for the JSON API, the least key scope) it needs, enforced by one middleware after
//! routing (the API's by its own, `api::authenticate`). A route missing from the table is
//! refused to everyone (and a test compares the table with the routers' source), so a new
//! route cannot be left open by forgetting a check in its handler.

use axum::{
    extract::{FromRequestParts, MatchedPath, Request},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::CurrentUser;
use crate::{api::keys::Scope, error::AppError};

/// A member's role. Ordered: each role may do everything the roles before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, sqlx::Type)]
#[sqlx(type_name = "user_role", rename_all = "snake_case")]
pub enum Role {
    /// A hiring manager: reads candidates, applications and interviews, plays and rates
    /// answers and leaves notes; never sends, edits or sees a candidate's link.
    Reviewer,
    /// Runs hiring: jobs, templates, candidates, applications, sending and decisions.
    Recruiter,
    /// Everything, plus the team, roles and company settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Recruiter, Role::Reviewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reviewer => "reviewer",
            Self::Recruiter => "recruiter",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Reviewer => "Reviewer",
            Self::Recruiter => "Recruiter",
            Self::Admin => "Admin",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::Reviewer => "reads candidates and interviews, plays, rates and notes answers",
            Self::Recruiter => "jobs, templates, candidates, sending and decisions",
            Self::Admin => "everything, plus the team and company settings",
        }
    }

    /// Where a member starts: a reviewer's work waits on My reviews, everyone else's
    /// starts from the candidates.
    pub fn home(self) -> &'static str {
        match self {
            Self::Reviewer => "/reviews",
            Self::Recruiter | Self::Admin => "/candidates",
        }
    }
}

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone: signing in and up, joining a team, the candidate's link, static files.
    Public,
    /// A signed-in member with at least this role.
    Member(Role),
    /// The JSON API: an API key with at least this scope; sessions do not count.
    ApiKey(Scope),
}

use Access::{ApiKey, Member, Public};
use Role::{Admin, Recruiter, Reviewer};
use Scope::{ReadOnly, ReadWrite};

/// Every route of the router: method, route template and who may use it.
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/", Public),
    ("GET", "/healthz", Public),
    ("GET", "/static/{name}", Public),
    ("GET", "/sign-up", Public),
    ("POST", "/sign-up", Public),
    ("GET", "/sign-in", Public),
    ("POST", "/sign-in", Public),
    ("POST", "/sign-out", Public),
    // Confirming an address and resetting a password: the emailed link is the key.
    ("GET", "/verify-email/{token}", Public),
    ("POST", "/verify-email", Public),
    ("GET", "/forgot-password", Public),
    ("POST", "/forgot-password", Public),
    ("GET", "/reset-password/{token}", Public),
    ("POST", "/reset-password/{token}", Public),
    ("GET", "/team/join/{token}", Public),
    ("POST", "/team/join/{token}", Public),
    ("GET", "/e/{pixel}", Public),
    // The candidate's pages: the link itself is the key.
    ("GET", "/i/{token}", Public),
    ("POST", "/i/{token}/consent", Public),
    ("POST", "/i/{token}/human-review", Public),
    ("POST", "/i/{token}/start", Public),
    ("GET", "/i/{token}/practice", Public),
    ("GET", "/i/{token}/q", Public),
    ("POST", "/i/{token}/answers/{question_id}", Public),
    ("POST", "/i/{token}/complete", Public),
    // Share links: the link itself is the key, and its pages only read.
    ("GET", "/s/{token}", Public),
    ("GET", "/s/{token}/interviews/{id}", Public),
    ("GET", "/s/{token}/interviews/{id}/answers/{answer_id}/media", Public),
    ("GET", "/i/{token}/erase", Public),
    ("POST", "/i/{token}/erase", Public),
    // Your own account.
    ("GET", "/account", Member(Reviewer)),
    ("POST", "/account/sessions/sign-out-others", Member(Reviewer)),
    ("POST", "/account/sessions/{id}/sign-out", Member(Reviewer)),
    ("GET", "/account/password", Member(Reviewer)),
    ("POST", "/account/password", Member(Reviewer)),
    // The team and the company's settings.
    ("GET", "/team", Member(Admin)),
    ("POST", "/team/invitations", Member(Admin)),
    ("POST", "/team/invitations/{id}/resend", Member(Admin)),
    ("POST", "/team/invitations/{id}/revoke", Member(Admin)),
    ("POST", "/team/members/{id}/role", Member(Admin)),
    ("POST", "/team/members/{id}/deactivate", Member(Admin)),
    ("POST", "/team/members/{id}/reactivate", Member(Admin)),
    ("GET", "/settings", Member(Admin)),
    ("POST", "/settings", Member(Admin)),
    ("POST", "/settings/blind-review", Member(Admin)),
    ("POST", "/settings/privacy", Member(Admin)),
    ("POST", "/settings/data", Member(Admin)),
    ("GET", "/settings/emails", Member(Admin)),
    ("GET", "/audit", Member(Admin)),
    ("POST", "/settings/emails", Member(Admin)),
    ("GET", "/settings/webhooks", Member(Admin)),
    ("POST", "/settings/webhooks", Member(Admin)),
    ("GET", "/settings/webhooks/{id}", Member(Admin)),
    ("POST", "/settings/webhooks/{id}/delete", Member(Admin)),
    ("POST", "/settings/webhooks/{id}/enable", Member(Admin)),
    ("POST", "/settings/webhooks/{id}/deliveries/{delivery_id}/redeliver", Member(Admin)),
    ("GET", "/settings/api-keys", Member(Admin)),
    ("POST", "/settings/api-keys", Member(Admin)),
    ("POST", "/settings/api-keys/{id}/revoke", Member(Admin)),
    // The funnel: read by everyone.
    ("GET", "/dashboard", Member(Reviewer)),
    // Jobs and templates: read by everyone, changed by recruiters.
    ("GET", "/jobs", Member(Reviewer)),
    ("GET", "/jobs/new", Member(Recruiter)),
    ("POST", "/jobs/new", Member(Recruiter)),
    ("GET", "/jobs/{id}", Member(Reviewer)),
    ("GET", "/jobs/{id}/edit", Member(Recruiter)),
    ("POST", "/jobs/{id}/edit", Member(Recruiter)),
    ("POST", "/jobs/{id}/close", Member(Recruiter)),
    ("POST", "/jobs/{id}/reopen", Member(Recruiter)),
    ("POST", "/jobs/{id}/reviewers", Member(Recruiter)),
    ("POST", "/jobs/{id}/reviewers/{user_id}/remove", Member(Recruiter)),
    ("GET", "/interview-templates", Member(Reviewer)),
    ("GET", "/interview-templates/new", Member(Recruiter)),
    ("POST", "/interview-templates/new", Member(Recruiter)),
    ("GET", "/interview-templates/{id}", Member(Reviewer)),
    ("GET", "/interview-templates/{id}/edit", Member(Recruiter)),
    ("POST", "/interview-templates/{id}/edit", Member(Recruiter)),
    ("GET", "/interview-templates/{id}/preview", Member(Reviewer)),
    ("POST", "/interview-templates/{id}/publish", Member(Recruiter)),
    ("POST", "/interview-templates/{id}/new-draft", Member(Recruiter)),
    ("POST", "/interview-templates/{id}/questions", Member(Recruiter)),
    ("GET", "/interview-templates/{id}/questions/{question_id}/edit", Member(Recruiter)),
    ("POST", "/interview-templates/{id}/questions/{question_id}/edit", Member(Recruiter)),
    ("POST", "/interview-templates/{id}/questions/{question_id}/remove", Member(Recruiter)),
    ("POST", "/interview-templates/{id}/questions/{question_id}/move-up", Member(Recruiter)),
    ("POST", "/interview-templates/{id}/questions/{question_id}/move-down", Member(Recruiter)),
    // Candidates and applications.
    ("GET", "/candidates", Member(Reviewer)),
    ("GET", "/candidates/new", Member(Recruiter)),
    ("POST", "/candidates/new", Member(Recruiter)),
    ("GET", "/candidates/{id}", Member(Reviewer)),
    ("GET", "/candidates/import", Member(Recruiter)),
    ("POST", "/candidates/import", Member(Recruiter)),
    ("GET", "/candidates/import/{id}", Member(Recruiter)),
    ("POST", "/candidates/import/{id}", Member(Recruiter)),
    ("GET", "/candidates/{id}/edit", Member(Recruiter)),
    ("POST", "/candidates/{id}/edit", Member(Recruiter)),
    ("POST", "/candidates/{id}/delete", Member(Recruiter)),
    ("POST", "/candidates/{id}/restore", Member(Recruiter)),
    ("POST", "/candidates/{id}/applications", Member(Recruiter)),
    // A person's data: erased now (or one interview of theirs), or a request recorded for
    // the company's deadline; the archive of it all that answers an access request.
    ("GET", "/candidates/{id}/erase", Member(Recruiter)),
    ("POST", "/candidates/{id}/erase", Member(Recruiter)),
    ("GET", "/interviews/{id}/erase", Member(Recruiter)),
    ("POST", "/interviews/{id}/erase", Member(Recruiter)),
    ("POST", "/candidates/{id}/erasure-request", Member(Recruiter)),
    ("GET", "/candidates/{id}/archive", Member(Recruiter)),
    ("GET", "/applications", Member(Reviewer)),
    ("GET", "/applications/{id}", Member(Reviewer)),
    ("POST", "/applications/{id}/stage", Member(Recruiter)),
    // Sending and the interviews' lifecycle; the Outbox shows working candidate links.
    ("GET", "/candidates/send-interview", Member(Recruiter)),
    ("POST", "/candidates/send-interview", Member(Recruiter)),
    ("GET", "/candidates/{id}/send-interview", Member(Recruiter)),
    ("POST", "/candidates/{id}/send-interview", Member(Recruiter)),
    ("GET", "/interviews", Member(Reviewer)),
    ("GET", "/interviews/{id}", Member(Reviewer)),
    // Exports carry every candidate's details out of the portal: recruiters'.
    ("GET", "/interviews/export", Member(Recruiter)),
    ("GET", "/jobs/{id}/export", Member(Recruiter)),
    ("POST", "/interviews/{id}/resend", Member(Recruiter)),
    ("POST", "/interviews/{id}/new-link", Member(Recruiter)),
    ("POST", "/interviews/{id}/cancel", Member(Recruiter)),
    ("POST", "/interviews/{id}/extend", Member(Recruiter)),
    ("POST", "/interviews/{id}/time-allowance", Member(Recruiter)),
    ("GET", "/outbox", Member(Recruiter)),
    ("GET", "/outbox/{id}", Member(Recruiter)),
    ("GET", "/outbox/{id}/html", Member(Recruiter)),
    // Reviewing: everyone plays, rates and notes answers; the team's decision and a new
    // evaluation run are recruiters'.
    ("GET", "/interviews/{id}/answers/{answer_id}/media", Member(Reviewer)),
    ("POST", "/interviews/{id}/answers/{answer_id}/review", Member(Reviewer)),
    ("POST", "/interviews/{id}/evaluation/rerun", Member(Recruiter)),
    ("POST", "/interviews/{id}/decision", Member(Recruiter)),
    // Reviewers: everyone has My reviews; recruiters assign.
    ("GET", "/reviews", Member(Reviewer)),
    ("POST", "/interviews/{id}/reviewers", Member(Recruiter)),
    ("POST", "/interviews/{id}/reviewers/{user_id}/remove", Member(Recruiter)),
    // Sharing outside the portal is a recruiter's; the interview page lists the shares to all.
    ("POST", "/interviews/{id}/shares", Member(Recruiter)),
    ("POST", "/interviews/{id}/shares/{share_id}/revoke", Member(Recruiter)),
    // The JSON API: its document is public; a key reads, and a read-write key (a
    // Recruiter's rights) creates candidates, sends, resends and cancels interviews, asks
    // for a new evaluation run and records the team's decision.
    ("GET", "/api/v1/openapi.json", Public),
    ("GET", "/api/v1/docs", Public),
    ("GET", "/api/v1/jobs", ApiKey(ReadOnly)),
    ("GET", "/api/v1/templates", ApiKey(ReadOnly)),
    ("GET", "/api/v1/candidates", ApiKey(ReadOnly)),
    ("POST", "/api/v1/candidates", ApiKey(ReadWrite)),
    ("GET", "/api/v1/candidates/{id}", ApiKey(ReadOnly)),
    ("POST", "/api/v1/candidates/{id}/interviews", ApiKey(ReadWrite)),
    ("GET", "/api/v1/interviews/{id}", ApiKey(ReadOnly)),
    ("POST", "/api/v1/interviews/{id}/resend", ApiKey(ReadWrite)),
    ("POST", "/api/v1/interviews/{id}/cancel", ApiKey(ReadWrite)),
    ("POST", "/api/v1/interviews/{id}/evaluation/rerun", ApiKey(ReadWrite)),
    ("POST", "/api/v1/interviews/{id}/decision", ApiKey(ReadWrite)),
];

/// Who may use `route` with `method` (HEAD as GET); `None` for a route not in the table.
pub fn access(method: &Method, route: &str) -> Option<Access> {
    let method = if method == Method::HEAD { "GET" } else { method.as_str() };
    ROUTES.iter().find(|(m, r, _)| *m == method && *r == route).map(|(_, _, access)| *access)
}

/// Whether `user` may use `route` with `method` ("GET", "POST"): what pages ask before
/// showing a link or a button.
pub fn may(user: &CurrentUser, method: &str, route: &str) -> bool {
    let Ok(method) = Method::from_bytes(method.as_bytes()) else { return false };
    match access(&method, route) {
        Some(Public) => true,
        Some(Member(least)) => user.role >= least,
        Some(ApiKey(_)) | None => false,
    }
}

/// The router's `route_layer`: refuses a request its route's entry does not allow, before
/// any handler runs. Someone signed out is sent to sign in, as a handler would.
pub async fn enforce(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    match access(request.method(), &route) {
        Some(Public) => next.run(request).await,
        Some(Member(least)) => {
            let (mut parts, body) = request.into_parts();
            let user = match CurrentUser::from_request_parts(&mut parts, &()).await {
                Ok(user) => user,
                Err(sign_in) => return sign_in,
            };
            if user.role < least {
                return AppError::Forbidden(format!(
                    "Your role ({}) does not allow this. Ask an admin of {} if you need it.",
                    user.role.label(),
                    user.company_name
                ))
                .into_response();
            }
            next.run(Request::from_parts(parts, body)).await
        }
        // The API's routes are outside this middleware: a key is never a session.
        Some(ApiKey(_)) => {
            tracing::error!(method = %request.method(), route, "an API route behind the session's middleware was refused");
            AppError::Forbidden("This page is not available.".into()).into_response()
        }
        None => {
            tracing::error!(method = %request.method(), route, "a route missing from the access table was refused");
            AppError::Forbidden("This page is not available.".into()).into_response()
        }
    }
}
