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
use crate::ids::QuestionId;
use crate::{
    auth::ClientIp,
    error::{AppError, AppResult},
    extract::{PathId, PathText, Query},
    interview_templates::model::AnswerKind,
    interviews::{
        lifecycle::{self, AnswerContent, Error, Refused},
        link::ClaimedToken,
        model::{InterviewStatus, TimeAllowance},
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
        match store::interview(&state.pool, claimed.interview_id.into()).await {
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
            unlimited_time: interview.time_allowance == TimeAllowance::Unlimited,
            practice: interview.practice_prompt.is_some(),
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

/// The template's practice question, before the real ones, as often as the candidate
/// likes: nothing of it reaches the server. Offered once the candidate agreed to the
/// notice and until they start.
pub async fn practice(OpenInterview { token, interview }: OpenInterview) -> AppResult<Response> {
    let prompt = match interview.practice_prompt {
        Some(prompt) if interview.consented_at.is_some() && interview.status == InterviewStatus::Pending => prompt,
        _ => return Ok(Redirect::to(&format!("/i/{token}")).into_response()),
    };
    page(
        StatusCode::OK,
        &PracticePage {
            asset_version: static_files::version(),
            token,
            company_name: interview.company_name,
            job_title: interview.job_title,
            prompt,
        },
    )
}

#[derive(Deserialize)]
pub struct QuestionQuery {
    /// A chosen question: a retake when it was answered or ran out of time (when the
    /// template grants one).
    question: Option<QuestionId>,
}

/// One question at a time: the first one neither answered nor out of time (so reopening
/// the link resumes, with the time that is left), a chosen one, or, when none is left,
/// the page with **Complete interview**. Showing a question starts its time.
pub async fn question(
    State(state): State<AppState>,
    OpenInterview { token, interview }: OpenInterview,
    Query(query): Query<QuestionQuery>,
) -> AppResult<Response> {
    if interview.status == InterviewStatus::Pending {
        return Ok(Redirect::to(&format!("/i/{token}")).into_response());
    }
    let now = OffsetDateTime::now_utc();
    let questions = store::questions(&state.pool, &interview).await?;
    let chosen = query.question.and_then(|id| questions.iter().position(|q| q.id == id));
    let next = || questions.iter().position(|q| !q.answered && !q.missed(now));
    let Some(index) = chosen.or_else(next) else {
        return page(
            StatusCode::OK,
            &ReviewPage {
                asset_version: static_files::version(),
                token,
                company_name: interview.company_name,
                job_title: interview.job_title,
                questions: questions
                    .iter()
                    .map(|q| ReviewItem {
                        id: q.id,
                        prompt: q.prompt.clone(),
                        missed: q.missed(now),
                        retakes_left: q.retakes_left(interview.retakes),
                    })
                    .collect(),
            },
        );
    };
    let window = match lifecycle::show_question(
        &state.pool,
        interview.company_id,
        interview.id,
        questions[index].id,
        questions[index].answered || questions[index].missed(now),
    )
    .await
    {
        Ok(window) => window,
        Err(Error::Refused(refused)) => {
            let (status, message) = refusal(refused);
            return page(status, &ClosedPage::new("This question can't be shown", message));
        }
        Err(err) => return Err(err.into()),
    };
    // No retake left, or its time ran out meanwhile: on to what is next.
    if !window.is_open(now) {
        return Ok(Redirect::to(&format!("/i/{token}/q")).into_response());
    }
    page(StatusCode::OK, &question_page(&token, &interview, &questions, index, &window, now, None, String::new()))
}

/// The page of the question at `index`, with the time its window has left at `now`.
#[allow(clippy::too_many_arguments)]
fn question_page(
    token: &str,
    interview: &store::LinkedInterview,
    questions: &[store::QuestionState],
    index: usize,
    window: &lifecycle::Window,
    now: OffsetDateTime,
    error: Option<String>,
    text: String,
) -> QuestionPage {
    let q = &questions[index];
    QuestionPage {
        asset_version: static_files::version(),
        upload_url: format!("/i/{token}/answers/{}", q.id),
        next_url: format!("/i/{token}/q"),
        company_name: interview.company_name.clone(),
        job_title: interview.job_title.clone(),
        number: index + 1,
        total: questions.len(),
        prompt: q.prompt.clone(),
        is_video: q.answer_kind == AnswerKind::Video,
        timing: window.thinking_seconds.zip(window.answer_seconds).zip(window.remaining(now)).map(
            |((thinking, answer), (thinking_left, answer_left))| Timing {
                thinking,
                answer,
                thinking_left,
                answer_left,
            },
        ),
        max_chars: TEXT_ANSWER_MAX_CHARS,
        attempt: window.attempt,
        retakes_left: window.retakes_left,
        error,
        text,
    }
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
        Refused::NotShown => (
            StatusCode::CONFLICT,
            "This question was not shown to you yet. Open your interview link to continue with your next question.",
        ),
        Refused::TooLate => {
            (StatusCode::CONFLICT, "The time for this question ended before your answer arrived, so it was not saved.")
        }
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
    PathId(question_id): PathId<QuestionId>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    // The answer's time is when its request arrived, however long the upload then takes.
    let received_at = OffsetDateTime::now_utc();
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return text_answer(state, interview, token, question_id, received_at, body).await;
    }
    video_answer(state, interview, question_id, received_at, &content_type, &headers, body).await
}

async fn text_answer(
    state: AppState,
    interview: store::LinkedInterview,
    token: String,
    question_id: QuestionId,
    received_at: OffsetDateTime,
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
            return Ok(refusal(Refused::UnknownQuestion).into_response());
        };
        let window =
            match lifecycle::show_question(&state.pool, interview.company_id, interview.id, question_id, false).await {
                Ok(window) => window,
                Err(Error::Refused(refused)) => return Ok(refusal(refused).into_response()),
                Err(err) => return Err(err.into()),
            };
        let now = OffsetDateTime::now_utc();
        let view = question_page(&token, &interview, &questions, index, &window, now, Some(problem), form.text);
        return page(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let content = AnswerContent::Text(text);
    let grace = state.config.answer_grace;
    match lifecycle::answer(&state.pool, interview.company_id, interview.id, question_id, content, received_at, grace)
        .await
    {
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
    question_id: QuestionId,
    received_at: OffsetDateTime,
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
    let grace = state.config.answer_grace;
    match questions.iter().find(|q| q.id == question_id) {
        None => return Ok((StatusCode::NOT_FOUND, "This question is not part of your interview.").into_response()),
        Some(q) if q.answer_kind != AnswerKind::Video => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, "This question expects a typed answer.").into_response());
        }
        Some(q) if q.attempt.is_none() => return Ok(refusal(Refused::NotShown).into_response()),
        Some(q) if q.answered_now => return Ok(refusal(Refused::AlreadyAnswered).into_response()),
        Some(q) if q.answer_by.is_some_and(|by| received_at > by + grace) => {
            return Ok(refusal(Refused::TooLate).into_response());
        }
        Some(_) => {}
    }

    let key =
        format!("{}/{}-{}.{extension}", storage::interview_folder(interview.id.uuid()), question_id, Uuid::new_v4());
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
    match lifecycle::answer(&state.pool, interview.company_id, interview.id, question_id, content, received_at, grace)
        .await
    {
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
