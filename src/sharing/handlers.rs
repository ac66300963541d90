use std::collections::HashMap;

use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    link::{self, OpenShare, VerifiedShare},
    store::{self, NewShare, ShareScope},
    views::*,
};
use crate::ids::{AnswerId, InterviewId, QuestionId, ShareId};
use crate::{
    auth::{ClientIp, CurrentUser, roles},
    error::{AppError, AppResult},
    evaluation::{model::TranscriptSource, store as evaluation_store},
    extract::{Form, PathId},
    interview_templates::model::AnswerKind,
    interviews::media,
    layout::{Flash, render},
    state::AppState,
    static_files,
};

/// How long a new share link works unless the sharer chooses otherwise.
const DEFAULT_DAYS: i32 = 14;
/// The longest a share link may work.
const MAX_DAYS: i32 = 90;

/// The Share section of the interview page.
pub async fn interview_section(
    state: &AppState,
    user: &CurrentUser,
    interview_id: InterviewId,
) -> AppResult<SharesSection> {
    let may_share = roles::may(user, "POST", "/interviews/{id}/shares");
    let shares = store::of_interview(&state.pool, user.company_id, interview_id).await?;
    let mut views: HashMap<Uuid, Vec<ViewLine>> = HashMap::new();
    for view in store::views(&state.pool, user.company_id, interview_id).await? {
        let what = match (view.candidate_name, view.question_number) {
            (Some(name), Some(number)) => format!("Played {name}'s answer to question {number}"),
            (Some(name), None) => format!("Opened {name}'s interview"),
            (None, _) => "Opened the list of the job's interviews".to_owned(),
        };
        views.entry(view.share_id).or_default().push(ViewLine {
            at: view.viewed_at.into(),
            client_ip: view.client_ip,
            what,
        });
    }
    let now = OffsetDateTime::now_utc();
    let shares = shares
        .into_iter()
        .map(|share| {
            let (state_label, badge, active) = match (share.revoked_at, share.expires_at <= now) {
                (Some(_), _) => ("Revoked", "badge-grey", false),
                (None, true) => ("Expired", "badge-grey", false),
                (None, false) => ("Active", "badge-green", true),
            };
            let token = link::token(&state.config.secret_key, share.id, &share.nonce);
            ShareView {
                id: share.id,
                link: (active && may_share).then(|| link::url(&state.config.base_url, &token)),
                scope: match share.scope {
                    ShareScope::Interview => "This interview",
                    ShareScope::Job => "All completed interviews of this job",
                },
                include_contact: share.include_contact,
                by: share.created_by,
                created: share.created_at.into(),
                expires: share.expires_at.into(),
                state: state_label,
                badge,
                active,
                views: views.remove(&share.id).unwrap_or_default(),
            }
        })
        .collect();
    Ok(SharesSection { interview_id, may_share, default_days: DEFAULT_DAYS, max_days: MAX_DAYS, shares })
}

#[derive(Deserialize)]
pub struct ShareInput {
    days: Option<String>,
    scope: Option<String>,
    include_contact: Option<String>,
}

/// **Share**: a new read-only link, listed (with its address) under the interview.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId<InterviewId>,
    Form(input): Form<ShareInput>,
) -> AppResult<Response> {
    let to = format!("/interviews/{id}#shares");
    let days = match input.days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Some(DEFAULT_DAYS),
        Some(days) => days.parse().ok().filter(|d| (1..=MAX_DAYS).contains(d)),
    };
    let Some(days) = days else {
        return Ok(Flash::error(format!("Choose how long the link works: 1 to {MAX_DAYS} days.")).redirect(&to));
    };
    let Some(scope) = ShareScope::parse(input.scope.as_deref().unwrap_or("interview")) else {
        return Ok(Flash::error("Choose what the link shows.").redirect(&to));
    };
    let share = NewShare {
        interview_id: id,
        created_by: user.user_id,
        scope,
        include_contact: input.include_contact.is_some(),
        days,
    };
    store::create(&state.pool, user.company_id, &share).await?.ok_or(AppError::NotFound)?;
    let plural = if days == 1 { "" } else { "s" };
    Ok(Flash::success(format!("Share link created. It works for {days} day{plural}: copy it from Shared links below."))
        .redirect(&to))
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId((id, share_id)): PathId<(InterviewId, ShareId)>,
) -> AppResult<Response> {
    if !store::revoke(&state.pool, user.company_id, id, share_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(Flash::success("Share link revoked. Whoever opens it now is told it was withdrawn.")
        .redirect(&format!("/interviews/{id}#shares")))
}

/// The link itself: the interview it shares, or the list of its job's completed interviews.
pub async fn shared(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    OpenShare { token, share }: OpenShare,
) -> AppResult<Response> {
    match share.scope {
        ShareScope::Interview => interview_page(&state, &client.to_string(), &token, &share, share.interview_id).await,
        ShareScope::Job => {
            store::record_view(&state.pool, &share, None, None, &client.to_string()).await?;
            let job = store::shared_job(&state.pool, &share).await?;
            let interviews = store::job_interviews(&state.pool, &share)
                .await?
                .into_iter()
                .map(|row| SharedJobRow {
                    href: format!("/s/{token}/interviews/{}", row.id),
                    candidate_name: row.candidate_name,
                    completed: row.completed_at.map(Into::into),
                    score: row.score,
                    recommendation: row.recommendation.map(|stored| stored.0),
                })
                .collect();
            render(&SharedJobPage {
                asset_version: static_files::version(),
                company_name: job.company_name,
                job_title: job.job_title,
                interviews,
            })
        }
    }
}

/// One interview of a job-wide share (or a share's own interview).
pub async fn shared_interview(
    State(state): State<AppState>,
    PathId(id): PathId<InterviewId>,
    ClientIp(client): ClientIp,
    OpenShare { token, share }: OpenShare,
) -> AppResult<Response> {
    interview_page(&state, &client.to_string(), &token, &share, id).await
}

async fn interview_page(
    state: &AppState,
    client: &str,
    token: &str,
    share: &VerifiedShare,
    interview_id: InterviewId,
) -> AppResult<Response> {
    let interview = store::shared_interview(&state.pool, share, interview_id).await?.ok_or(AppError::NotFound)?;
    store::record_view(&state.pool, share, Some(interview.id), None, client).await?;
    let company_id = share.company_id();
    let questions = evaluation_store::questions_with_answers(&state.pool, company_id, interview.id).await?;
    let run = evaluation_store::latest_done_run(&state.pool, company_id, interview.id).await?;
    let results = match &run {
        Some(run) => evaluation_store::answer_results(&state.pool, company_id, run.id).await?,
        None => Vec::new(),
    };
    let mut results: HashMap<QuestionId, _> = results.into_iter().map(|r| (r.question_id, r)).collect();
    let answers = questions
        .into_iter()
        .enumerate()
        .map(|(index, question)| {
            let result = results.remove(&question.question_id);
            let is_video = question.answer_id.is_some() && question.answer_kind == Some(AnswerKind::Video);
            SharedAnswer {
                number: index + 1,
                prompt: question.prompt,
                media_src: question
                    .answer_id
                    .filter(|_| is_video && question.media_key.is_some())
                    .map(|answer| format!("/s/{token}/interviews/{}/answers/{answer}/media", interview.id)),
                text_answer: question.text_answer.filter(|_| question.answer_kind == Some(AnswerKind::Text)),
                answered: question.answer_id.is_some(),
                transcript: result
                    .as_ref()
                    .filter(|r| is_video && r.transcript_source == TranscriptSource::Transcribed)
                    .and_then(|r| r.transcript.clone()),
                score: result.as_ref().and_then(|r| r.score),
                reason: result.as_ref().map(|r| r.reason.clone()).unwrap_or_default(),
                covered: result.as_ref().map(|r| r.key_points_covered.clone()).unwrap_or_default(),
                missed: result.map(|r| r.key_points_missed).unwrap_or_default(),
            }
        })
        .collect();
    render(&SharedInterviewPage {
        asset_version: static_files::version(),
        company_name: interview.company_name,
        candidate_name: interview.candidate_name,
        contact: share
            .include_contact
            .then_some(Contact { email: interview.candidate_email, phone: interview.candidate_phone }),
        job_title: interview.job_title,
        status: interview.status.label(),
        completed: interview.completed_at.map(Into::into),
        back_href: (share.scope == ShareScope::Job).then(|| format!("/s/{token}")),
        evaluation: run.map(|run| SharedEvaluation {
            score: run.overall_score,
            recommendation: run.recommendation.map(|stored| stored.0),
            summary: run.summary.unwrap_or_default(),
            strengths: run.strengths,
            concerns: run.concerns,
        }),
        answers,
    })
}

/// A recording of an interview the share shows; a play from the start is logged.
pub async fn shared_media(
    State(state): State<AppState>,
    PathId((id, answer_id)): PathId<(InterviewId, AnswerId)>,
    ClientIp(client): ClientIp,
    OpenShare { share, .. }: OpenShare,
    headers: HeaderMap,
) -> AppResult<Response> {
    let interview = store::shared_interview(&state.pool, &share, id).await?.ok_or(AppError::NotFound)?;
    let recording = store::answer_media(&state.pool, share.company_id(), interview.id, answer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if media::from_the_start(&headers) {
        store::record_view(&state.pool, &share, Some(interview.id), Some(answer_id), &client.to_string()).await?;
    }
    Ok(media::recording(&state, &recording.media_key, &recording.media_type, &headers).await?.into_response())
}
