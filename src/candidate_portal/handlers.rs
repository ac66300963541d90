use askama::Template;
use axum::{
    body::Body,
    extract::{FromRequestParts, State},
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::{Html, IntoResponse, Redirect, Response},
};
use futures_util::StreamExt;
use serde::Deserialize;
use time::{OffsetDateTime, macros::format_description};
use uuid::Uuid;

use super::{notice::Notice, store, views::*};
use crate::{
    auth::ClientIp,
    error::{AppError, AppResult},
    extract::{PathId, PathText, Query},
    interview_templates::model::AnswerKind,
    interviews::{
        lifecycle::{self, AnswerContent, Error, Refused},
        link::ClaimedToken,
        model::InterviewStatus,
    },
    state::AppState,
    static_files,
    storage::{self, Upload},
};

/// The longest typed answer accepted.
pub const TEXT_ANSWER_MAX_CHARS: usize = 5000;

pub(super) fn page(status: StatusCode, view: &impl Template) -> AppResult<Response> {
    Ok((status, Html(view.render()?)).into_response())
}

/// A genuine link (unknown, tampered and replaced links are refused with the page that
/// says why), whatever became of its interview: what a candidate may still do at a closed
/// interview's link, such as asking for erasure.
pub struct VerifiedLink {
    pub token: String,
    pub interview: store::LinkedInterview,
}

impl FromRequestParts<AppState> for VerifiedLink {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = match PathText::from_request_parts(parts, state).await {
            Ok(PathText(token)) => token,
            Err(AppError::NotFound) => return Err(invalid_link()),
            Err(err) => return Err(err.into_response()),
        };
        let Some(claimed) = ClaimedToken::parse(&token) else { return Err(invalid_link()) };
        let key = &state.config.secret_key;
        match store::interview(&state.pool, claimed.interview_id).await {
            Ok(Some(interview)) if claimed.verify(key, &interview.link_nonce) => Ok(Self { token, interview }),
            Ok(Some(interview)) => Err(match store::retired_nonces(&state.pool, interview.id).await {
                Ok(retired) if retired.iter().any(|nonce| claimed.verify(key, nonce)) => replaced_link(),
                Ok(_) => invalid_link(),
                Err(err) => AppError::from(err).into_response(),
            }),
            // Never issued, or erased with its candidate.
            Ok(None) => Err(invalid_link()),
            Err(err) => Err(AppError::from(err).into_response()),
        }
    }
}

/// The interview the link in the path opens: one the candidate can still take. Any
/// other link is refused with the page that says why (unknown or tampered, replaced by a
/// newer link, cancelled, expired, or the thank-you page of a completed one) before the
/// handler runs.
pub struct OpenInterview {
    pub token: String,
    pub interview: store::LinkedInterview,
}

impl FromRequestParts<AppState> for OpenInterview {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let VerifiedLink { token, interview } = VerifiedLink::from_request_parts(parts, state).await?;
        match closed(&interview) {
            Some((status, view)) => {
                Err(page(status, &view.erasable(&token)).unwrap_or_else(IntoResponse::into_response))
            }
            None => Ok(Self { token, interview }),
        }
    }
}

fn invalid_link() -> Response {
    page(
        StatusCode::NOT_FOUND,
        &ClosedPage::new(
            "This interview link is not valid",
            "Check that you opened the whole link from your invitation email. If it still doesn't work, reply to that email to ask for a new one.",
        ),
    )
    .unwrap_or_else(IntoResponse::into_response)
}

/// A genuine link the interview no longer answers to: it says so and nothing else
/// about the interview, since whoever holds it may not be the candidate. Gone rather
/// than not found: the link was real and was retired on purpose.
fn replaced_link() -> Response {
    page(
        StatusCode::GONE,
        &ClosedPage::new(
            "This interview link was replaced",
            "A new link was sent for this interview. Use the link in the most recent email you received.",
        ),
    )
    .unwrap_or_else(IntoResponse::into_response)
}

/// Why a genuine link can no longer be used, if it can't.
fn closed(interview: &store::LinkedInterview) -> Option<(StatusCode, ClosedPage)> {
    let status = interview.status;
    match status {
        InterviewStatus::Completed => Some((
            StatusCode::OK,
            ClosedPage::new(
                "This interview is already completed",
                format!(
                    "Thank you, {}. Your answers were received and {} will be in touch.",
                    interview.candidate_name, interview.company_name
                ),
            ),
        )),
        InterviewStatus::Cancelled => Some((
            StatusCode::GONE,
            ClosedPage::new(
                "This interview was cancelled",
                format!(
                    "{} cancelled this interview. Reply to your invitation email if you have questions.",
                    interview.company_name
                ),
            ),
        )),
        _ if status == InterviewStatus::Expired || interview.expires_at <= OffsetDateTime::now_utc() => Some((
            StatusCode::GONE,
            ClosedPage::new(
                "This interview link has expired",
                format!(
                    "The deadline has passed. Reply to your invitation email to ask {} for more time.",
                    interview.company_name
                ),
            ),
        )),
        _ => None,
    }
}

pub async fn landing(
    State(state): State<AppState>,
    OpenInterview { token, interview }: OpenInterview,
) -> AppResult<Response> {
    if interview.link_opened_at.is_none() {
        lifecycle::link_opened(&state.pool, interview.company_id, interview.id).await?;
    }
    let deadline = interview
        .expires_at
        .format(format_description!("[month repr:long] [day padding:none], [year] at [hour]:[minute] UTC"))
        .unwrap_or_default();
    let answered = store::questions(&state.pool, &interview).await?.iter().filter(|q| q.answered).count();
    let notice = Notice::of(&interview, &state.config.evaluation);
    page(
        StatusCode::OK,
        &LandingPage {
            asset_version: static_files::version(),
            token,
            started: interview.status == InterviewStatus::InProgress,
            answered,
            candidate_name: interview.candidate_name,
            company_name: interview.company_name,
            job_title: interview.job_title,
            intro: interview.intro,
            duration_minutes: interview.duration_minutes,
            question_count: interview.question_count,
            video_questions: interview.video_questions,
            deadline,
            notice,
            consented: interview.consented_at.is_some(),
            human_review: interview.human_review_requested_at.is_some(),
            erasure_due: interview.erasure_due_at.map(super::erasure::due_text),
        },
    )
}

/// **I agree**: the agreement to the notice the candidate was shown, recorded with its
/// version and the address it came from; the landing page then offers the device check.
pub async fn consent(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    OpenInterview { token, interview }: OpenInterview,
) -> AppResult<Response> {
    let notice = Notice::of(&interview, &state.config.evaluation);
    match lifecycle::consent(&state.pool, interview.company_id, interview.id, &notice.version, client).await {
        Ok(()) | Err(Error::Refused(_)) => Ok(Redirect::to(&format!("/i/{token}")).into_response()),
        Err(err) => Err(err.into()),
    }
}

/// **Please have a person review my answers instead of AI**, before starting.
pub async fn human_review(
    State(state): State<AppState>,
    OpenInterview { token, interview }: OpenInterview,
) -> AppResult<Response> {
    match lifecycle::request_human_review(&state.pool, interview.company_id, interview.id).await {
        Ok(()) | Err(Error::Refused(_)) => Ok(Redirect::to(&format!("/i/{token}")).into_response()),
        Err(err) => Err(err.into()),
    }
}

/// **Start interview**: Pending → In Progress, then the first question (already
/// started, it resumes). Without the candidate's agreement to the notice, back to it.
pub async fn start(
    State(state): State<AppState>,
    OpenInterview { token, interview }: OpenInterview,
) -> AppResult<Response> {
    match lifecycle::start(&state.pool, interview.company_id, interview.id).await {
        Err(Error::Refused(Refused::NoConsent)) => Ok(Redirect::to(&format!("/i/{token}")).into_response()),
        Ok(()) | Err(Error::Refused(_)) => Ok(Redirect::to(&format!("/i/{token}/q")).into_response()),
        Err(err) => Err(err.into()),
    }
}

#[derive(Deserialize)]
pub struct QuestionQuery {
    /// With retakes allowed, an answered question can be chosen again.
    question: Option<Uuid>,
}

/// One question at a time: the first unanswered one (so reopening the link resumes),
/// or, when all are answered, the page with **Complete interview**.
pub async fn question(
    State(state): State<AppState>,
    OpenInterview { token, interview }: OpenInterview,
    Query(query): Query<QuestionQuery>,
) -> AppResult<Response> {
    if interview.status == InterviewStatus::Pending {
        return Ok(Redirect::to(&format!("/i/{token}")).into_response());
    }
    let questions = store::questions(&state.pool, &interview).await?;
    let total = questions.len();
    let chosen = query
        .question
        .filter(|_| interview.allow_retakes)
        .and_then(|id| questions.iter().position(|q| q.id == id))
        .or_else(|| questions.iter().position(|q| !q.answered));
    let Some(index) = chosen else {
        return page(
            StatusCode::OK,
            &ReviewPage {
                asset_version: static_files::version(),
                token,
                company_name: interview.company_name,
                job_title: interview.job_title,
                allow_retakes: interview.allow_retakes,
                questions: questions.into_iter().map(|q| (q.id, q.prompt)).collect(),
            },
        );
    };
    let q = &questions[index];
    page(
        StatusCode::OK,
        &QuestionPage {
            asset_version: static_files::version(),
            upload_url: format!("/i/{token}/answers/{}", q.id),
            next_url: format!("/i/{token}/q"),
            company_name: interview.company_name,
            job_title: interview.job_title,
            number: index + 1,
            total,
            prompt: q.prompt.clone(),
            is_video: q.answer_kind == AnswerKind::Video,
            thinking_seconds: q.thinking_seconds,
            answer_seconds: q.answer_seconds,
            max_chars: TEXT_ANSWER_MAX_CHARS,
            retake: q.answered,
            error: None,
            text: String::new(),
        },
    )
}

#[derive(Deserialize)]
pub struct TextAnswer {
    text: String,
}

/// What the candidate is told when the lifecycle refuses an answer.
fn refusal(refused: Refused) -> (StatusCode, &'static str) {
    match refused {
        Refused::Illegal { status: InterviewStatus::Pending, .. } => {
            (StatusCode::CONFLICT, "Start the interview before answering.")
        }
        Refused::NoConsent => {
            (StatusCode::FORBIDDEN, "Read the notice on your interview's page and choose I agree before answering.")
        }
        Refused::AlreadyAnswered => (StatusCode::CONFLICT, "This question already has a saved answer."),
        Refused::UnknownQuestion => (StatusCode::NOT_FOUND, "This question is not part of your interview."),
        Refused::WrongKind => (StatusCode::UNPROCESSABLE_ENTITY, "This question expects a different kind of answer."),
        _ => (StatusCode::CONFLICT, "This interview is no longer open for answers."),
    }
}

/// Saves an answer: a typed one from the form, or a recording streamed to storage.
pub async fn answer(
    State(state): State<AppState>,
    // The link first: a link that no longer works says so before anything else.
    OpenInterview { token, interview }: OpenInterview,
    PathId(question_id): PathId,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return text_answer(state, interview, token, question_id, body).await;
    }
    video_answer(state, interview, question_id, &content_type, &headers, body).await
}

async fn text_answer(
    state: AppState,
    interview: store::LinkedInterview,
    token: String,
    question_id: Uuid,
    body: Body,
) -> AppResult<Response> {
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| AppError::BadRequest("The answer is too long.".into()))?;
    let Ok(form) = serde_urlencoded::from_bytes::<TextAnswer>(&bytes) else {
        return Ok((StatusCode::BAD_REQUEST, "The answer could not be read.").into_response());
    };
    let text = form.text.trim();
    let problem = if text.is_empty() {
        Some("Write your answer before saving it.".to_owned())
    } else if text.chars().count() > TEXT_ANSWER_MAX_CHARS {
        Some(format!("Keep your answer under {TEXT_ANSWER_MAX_CHARS} characters."))
    } else {
        None
    };
    if let Some(problem) = problem {
        let questions = store::questions(&state.pool, &interview).await?;
        let Some(index) = questions.iter().position(|q| q.id == question_id) else {
            return Ok((StatusCode::NOT_FOUND, "This question is not part of your interview.").into_response());
        };
        let q = &questions[index];
        let mut response = page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &QuestionPage {
                asset_version: static_files::version(),
                upload_url: format!("/i/{token}/answers/{}", q.id),
                next_url: format!("/i/{token}/q"),
                company_name: interview.company_name,
                job_title: interview.job_title,
                number: index + 1,
                total: questions.len(),
                prompt: q.prompt.clone(),
                is_video: false,
                thinking_seconds: q.thinking_seconds,
                answer_seconds: q.answer_seconds,
                max_chars: TEXT_ANSWER_MAX_CHARS,
                retake: q.answered,
                error: Some(problem),
                text: form.text,
            },
        )?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let content = AnswerContent::Text(text);
    match lifecycle::answer(&state.pool, interview.company_id, interview.id, question_id, content).await {
        Ok(_) => Ok(Redirect::to(&format!("/i/{token}/q")).into_response()),
        Err(Error::Refused(refused)) => {
            let (status, message) = refusal(refused);
            page(status, &ClosedPage::new("Your answer was not saved", message))
        }
        Err(err) => Err(err.into()),
    }
}

/// The container formats browsers record: WebM/Matroska and MP4.
fn media_extension(content_type: &str) -> Option<&'static str> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    match essence {
        "video/webm" | "audio/webm" | "video/x-matroska" => Some("webm"),
        "video/mp4" | "audio/mp4" => Some("mp4"),
        _ => None,
    }
}

/// Does the file start like the declared container? (EBML header, or an `ftyp` box.)
fn starts_like(extension: &str, head: &[u8]) -> bool {
    match extension {
        "webm" => head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]),
        _ => head.len() >= 8 && &head[4..8] == b"ftyp",
    }
}

async fn video_answer(
    state: AppState,
    interview: store::LinkedInterview,
    question_id: Uuid,
    content_type: &str,
    headers: &HeaderMap,
    body: Body,
) -> AppResult<Response> {
    let max = state.config.max_answer_bytes;
    let too_large = || format!("This recording is larger than the {} MB limit.", max / (1024 * 1024));
    let Some(extension) = media_extension(content_type) else {
        return Ok((StatusCode::UNSUPPORTED_MEDIA_TYPE, "Upload a WebM or MP4 video recording.").into_response());
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max) {
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, too_large()).into_response());
    }
    // Refuse early what would be refused after the upload.
    if interview.status != InterviewStatus::InProgress {
        return Ok((StatusCode::CONFLICT, "Start the interview before answering.").into_response());
    }
    if interview.consented_at.is_none() {
        return Ok(refusal(Refused::NoConsent).into_response());
    }
    let questions = store::questions(&state.pool, &interview).await?;
    match questions.iter().find(|q| q.id == question_id) {
        None => return Ok((StatusCode::NOT_FOUND, "This question is not part of your interview.").into_response()),
        Some(q) if q.answered && !interview.allow_retakes => {
            return Ok((StatusCode::CONFLICT, "This question already has a saved answer.").into_response());
        }
        Some(q) if q.answer_kind != AnswerKind::Video => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, "This question expects a typed answer.").into_response());
        }
        Some(_) => {}
    }

    let key = format!("{}/{}-{}.{extension}", storage::interview_folder(interview.id), question_id, Uuid::new_v4());
    let mut stream = body.into_data_stream();
    // Bytes before the upload starts: enough to check the container's signature.
    let mut pending: Vec<u8> = Vec::new();
    let mut upload: Option<Upload> = None;
    let mut received: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let refused = match chunk {
            Err(err) => {
                tracing::info!(error = %err, "answer upload interrupted");
                Some((StatusCode::BAD_REQUEST, "The upload was interrupted. Please try again.".to_owned()))
            }
            Ok(chunk) => {
                received += chunk.len() as u64;
                if received > max {
                    Some((StatusCode::PAYLOAD_TOO_LARGE, too_large()))
                } else if let Some(writer) = upload.as_mut() {
                    writer.write(&chunk).await.err().map(|err| {
                        tracing::error!(error = ?err, "storing an answer failed");
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "Your recording could not be stored. Please try again.".to_owned(),
                        )
                    })
                } else {
                    pending.extend_from_slice(&chunk);
                    if pending.len() < 8 {
                        None
                    } else if !starts_like(extension, &pending) {
                        Some((
                            StatusCode::UNSUPPORTED_MEDIA_TYPE,
                            "This file is not a WebM or MP4 video recording.".to_owned(),
                        ))
                    } else {
                        let mut writer = state.media.begin(&key).await?;
                        match writer.write(&std::mem::take(&mut pending)).await {
                            Ok(()) => {
                                upload = Some(writer);
                                None
                            }
                            Err(err) => {
                                writer.abort().await;
                                return Err(err.into());
                            }
                        }
                    }
                }
            }
        };
        if let Some(refused) = refused {
            if let Some(upload) = upload {
                upload.abort().await;
            }
            return Ok(refused.into_response());
        }
    }
    let Some(upload) = upload else {
        return Ok(if pending.is_empty() {
            (StatusCode::BAD_REQUEST, "The recording is empty. Please record your answer again.").into_response()
        } else {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "This file is not a WebM or MP4 video recording.").into_response()
        });
    };
    upload.finish().await?;

    let media_type = content_type.split(';').next().unwrap_or_default().trim().to_owned();
    let content = AnswerContent::Video { key: &key, media_type: &media_type, bytes: received as i64 };
    match lifecycle::answer(&state.pool, interview.company_id, interview.id, question_id, content).await {
        Ok(replaced_media) => {
            if let Some(old) = replaced_media {
                let _ = state.media.delete(&old).await;
            }
            Ok((StatusCode::CREATED, "Saved").into_response())
        }
        // Nothing points at the recording unless the answer was saved.
        Err(err) => {
            let _ = state.media.delete(&key).await;
            match err {
                Error::Refused(refused) => Ok(refusal(refused).into_response()),
                Error::Database(err) => Err(err.into()),
            }
        }
    }
}

pub async fn complete(
    State(state): State<AppState>,
    OpenInterview { token, interview }: OpenInterview,
) -> AppResult<Response> {
    match lifecycle::complete(&state.pool, interview.company_id, interview.id).await {
        // Completed now, or already, or closed meanwhile: the link's page says which.
        Ok(()) | Err(Error::Refused(Refused::Illegal { .. })) => {
            Ok(Redirect::to(&format!("/i/{token}")).into_response())
        }
        Err(Error::Refused(Refused::Unanswered(count))) => {
            let plural = if count == 1 { "" } else { "s" };
            page(
                StatusCode::CONFLICT,
                &ClosedPage::new(
                    "Some questions are not answered yet",
                    format!("{count} question{plural} still need an answer. Open your link again to continue."),
                ),
            )
        }
        Err(err) => Err(err.into()),
    }
}
