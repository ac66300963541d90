//! Evaluation: the pipeline against a local server that speaks the
//! OpenAI-compatible API, the built-in rubric end to end, the review, and isolation.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use hifinity::{
    config::Config,
    evaluation::{EvaluateInterview, Evaluator},
};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    support::{TestApp, count},
};

pub(crate) const RECRUITER: &str = "riley@acme.com";

// ---- A local OpenAI-compatible server ----

#[derive(Clone)]
pub(crate) struct Recorded {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Recorded {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Clone)]
pub(crate) struct Reply {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Reply {
    fn json(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    /// A chat completion whose message content is `content`.
    pub(crate) fn chat(content: &str) -> Self {
        Self::json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-test",
            "choices": [{ "index": 0, "finish_reason": "stop", "message": { "role": "assistant", "content": content } }]
        }))
    }

    fn status(status: u16, body: &str) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Clone, Default)]
struct MockState {
    requests: Arc<Mutex<Vec<Recorded>>>,
    replies: Arc<Mutex<HashMap<String, VecDeque<Reply>>>>,
}

pub(crate) struct MockApi {
    pub(crate) url: String,
    state: MockState,
}

impl MockApi {
    pub(crate) async fn start() -> Self {
        let state = MockState::default();
        let app = axum::Router::new().fallback(mock_handler).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, state }
    }

    /// Queues the replies of `path`, one per request, in order.
    pub(crate) fn reply(&self, path: &str, replies: impl IntoIterator<Item = Reply>) {
        self.state.replies.lock().unwrap().entry(path.into()).or_default().extend(replies);
    }

    pub(crate) fn requests(&self, path: &str) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().iter().filter(|r| r.path == path).cloned().collect()
    }
}

async fn mock_handler(State(state): State<MockState>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    state.requests.lock().unwrap().push(Recorded { path: path.clone(), headers, body: body.to_vec() });
    let reply = state.replies.lock().unwrap().get_mut(&path).and_then(VecDeque::pop_front);
    let Some(reply) = reply else {
        return (StatusCode::NOT_FOUND, "no reply queued").into_response();
    };
    tokio::time::sleep(reply.delay).await;
    let mut response = (reply.status, reply.body).into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

const TRANSCRIPTIONS: &str = "/v1/audio/transcriptions";
pub(crate) const CHAT: &str = "/v1/chat/completions";

// ---- Interviews to evaluate ----

pub(crate) async fn ready(app: &TestApp) -> Sendable {
    app.sign_up("Acme Robotics", RECRUITER).await;
    fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await
}

/// The fixture template's questions, in order: (id, prompt).
pub(crate) async fn questions(app: &TestApp, s: &Sendable) -> Vec<Uuid> {
    sqlx::query_scalar("select id from version_questions where version_id = $1 order by position")
        .bind(s.version_id)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

pub(crate) enum Given<'a> {
    Text(&'a str),
    Video(&'a [u8]),
    Nothing,
}

/// A completed interview with these answers (one per question, in order).
pub(crate) async fn completed_interview(app: &TestApp, s: &Sendable, answers: &[Given<'_>]) -> Uuid {
    let application_id = Uuid::new_v4();
    sqlx::query(
        "insert into applications (id, company_id, candidate_id, job_id, stage) values ($1, $2, $3, $4, 'interviewing')
         on conflict (candidate_id, job_id) do nothing",
    )
    .bind(application_id)
    .bind(s.company_id)
    .bind(s.candidate_id)
    .bind(s.job_id)
    .execute(&app.pool)
    .await
    .unwrap();
    let application_id: Uuid =
        sqlx::query_scalar("select id from applications where candidate_id = $1 and job_id = $2")
            .bind(s.candidate_id)
            .bind(s.job_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let interview_id = Uuid::new_v4();
    sqlx::query(
        "insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id, status,
                                 link_nonce, idempotency_key, expires_at, started_at, completed_at)
         values ($1, $2, $3, $4, $5, $6, 'completed', '\\x00', $7, now() + interval '14 days', now(), now())",
    )
    .bind(interview_id)
    .bind(s.company_id)
    .bind(application_id)
    .bind(s.candidate_id)
    .bind(s.job_id)
    .bind(s.version_id)
    .bind(Uuid::new_v4())
    .execute(&app.pool)
    .await
    .unwrap();
    for (question_id, given) in questions(app, s).await.into_iter().zip(answers) {
        let answer_id = Uuid::new_v4();
        let (kind, text, media_key) = match given {
            Given::Text(text) => ("text", Some(text.to_string()), None),
            Given::Video(bytes) => {
                let key = format!("{interview_id}/{answer_id}.webm");
                let path = app.state.config.data_dir.join("media").join(&key);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, bytes).unwrap();
                ("video", None, Some(key))
            }
            Given::Nothing => continue,
        };
        sqlx::query(
            "insert into answers (id, interview_id, company_id, question_id, answer_kind, text_answer, media_key, media_type, media_bytes)
             values ($1, $2, $3, $4, $5::answer_kind, $6, $7, $8, $9)",
        )
        .bind(answer_id)
        .bind(interview_id)
        .bind(s.company_id)
        .bind(question_id)
        .bind(kind)
        .bind(text)
        .bind(media_key.as_ref())
        .bind(media_key.as_ref().map(|_| "video/webm"))
        .bind(media_key.as_ref().map(|_| 5_i64))
        .execute(&app.pool)
        .await
        .unwrap();
    }
    interview_id
}

/// A completed interview of three good typed answers, queued for evaluation: (interview, task).
pub(crate) async fn queued_good_text_interview(app: &TestApp, s: &Sendable) -> (Uuid, Uuid) {
    let interview =
        completed_interview(app, s, &[Given::Text(GOOD_DESIGN), Given::Text(GOOD_QUERY), Given::Text(REVIEW)]).await;
    (interview, enqueue_evaluation(app, s.company_id, interview).await)
}

/// What the candidate's completion does in its transaction.
pub(crate) async fn enqueue_evaluation(app: &TestApp, company_id: Uuid, interview_id: Uuid) -> Uuid {
    let mut conn = app.pool.acquire().await.unwrap();
    hifinity::queue::enqueue(
        &mut conn,
        Some(app.scope(company_id).await),
        &EvaluateInterview { interview_id: interview_id.into() },
    )
    .await
    .unwrap()
}

pub(crate) async fn make_all_questions_text(app: &TestApp, s: &Sendable) {
    sqlx::query("update version_questions set answer_kind = 'text' where version_id = $1")
        .bind(s.version_id)
        .execute(&app.pool)
        .await
        .unwrap();
}

pub(crate) fn config_with(app: &TestApp, change: impl FnOnce(&mut Config)) -> Config {
    let mut config = (*app.state.config).clone();
    change(&mut config);
    config
}

/// Runs the evaluation worker until nothing is due; returns how many tasks it took.
pub(crate) async fn evaluate(app: &TestApp, config: &Config) -> usize {
    let evaluator = Arc::new(Evaluator::from_config(config, app.state.media.clone()).unwrap());
    hifinity::evaluation::pipeline::run_due(&app.pool, &evaluator).await.unwrap()
}

async fn evaluation_rows(app: &TestApp, interview_id: Uuid) -> Vec<(String, Option<String>, Option<i32>)> {
    sqlx::query_as(
        "select status::text, error, overall_score from evaluations where interview_id = $1 order by created_at",
    )
    .bind(interview_id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn task_row(app: &TestApp, task_id: Uuid) -> (String, i32, Option<String>, f64) {
    sqlx::query_as(
        "select status::text, attempts, last_error, extract(epoch from run_at - now())::float8 from tasks where id = $1",
    )
    .bind(task_id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The interview page, and the whole minutes until the run's stored retry time as they
/// were when the request left and when the page arrived: the page says one of them.
async fn page_with_minutes_until_retry(
    app: &TestApp,
    interview_id: Uuid,
) -> (crate::support::Page, std::ops::RangeInclusive<i64>) {
    let retry_at: time::OffsetDateTime =
        sqlx::query_scalar("select retry_at from evaluations where interview_id = $1 and retry_at is not null")
            .bind(interview_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let minutes_left = || (retry_at - time::OffsetDateTime::now_utc()).whole_seconds() / 60;
    let before = minutes_left();
    let page = app.get(&format!("/interviews/{interview_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    (page, minutes_left()..=before)
}

async fn make_due(app: &TestApp, task_id: Uuid) {
    sqlx::query("update tasks set run_at = now() where id = $1").bind(task_id).execute(&app.pool).await.unwrap();
}

pub(crate) const GOOD_DESIGN: &str = "I designed our billing pipeline. The main trade-offs were consistency against latency; \
    we chose Postgres with a queue so that it could scale horizontally, and scalability came from partitioning by customer.";
pub(crate) const GOOD_QUERY: &str = "I start with EXPLAIN ANALYZE to read the query plan, look for sequential scans and add the \
    missing indexes, then measure again.";
pub(crate) const REVIEW: &str = "I read the whole change, run the tests and point out edge cases. I keep comments respectful and \
    ask questions rather than give orders.";

pub(crate) fn good_llm_reply() -> String {
    json!({
        "answers": [
            { "question_number": 1, "score": 5, "reason": "Names the consistency/latency trade-off and partitioning.", "key_points_covered": ["trade-offs", "scalability"], "key_points_missed": [] },
            { "question_number": 2, "score": 4, "reason": "Uses EXPLAIN ANALYZE and indexes.", "key_points_covered": ["explain plan", "indexes"], "key_points_missed": [] },
            { "question_number": 3, "score": 3, "reason": "Respectful comments, but says little about correctness.", "key_points_covered": ["kindness"], "key_points_missed": ["correctness"] }
        ],
        "overall_score": 82,
        "recommendation": "Strong yes",
        "summary": "Clear, structured answers with concrete techniques.",
        "strengths": ["Concrete query tuning steps"],
        "concerns": ["Little on review correctness"]
    })
    .to_string()
}

// ---- The LLM and transcription paths ----

#[sqlx::test]
async fn video_answers_are_transcribed_and_scored_by_the_model(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let api = MockApi::start().await;
    api.reply(
        TRANSCRIPTIONS,
        [Reply::json(json!({ "text": GOOD_DESIGN })), Reply::json(json!({ "text": GOOD_QUERY }))],
    );
    api.reply(CHAT, [Reply::chat(&good_llm_reply())]);
    let config = config_with(&app, |c| {
        c.evaluation.transcribe_url = Some(format!("{}/v1", api.url).parse().unwrap());
        c.evaluation.transcribe_api_key = Some("stt-key".into());
        c.evaluation.transcribe_model = "whisper-1".into();
        c.evaluation.evaluator_url = Some(api.url.parse().unwrap());
        c.evaluation.evaluator_api_key = Some("llm-key".into());
        c.evaluation.evaluator_model = "gpt-test".into();
    });
    let interview =
        completed_interview(&app, &s, &[Given::Video(b"VIDEO-ONE"), Given::Video(b"VIDEO-TWO"), Given::Text(REVIEW)])
            .await;
    let task = enqueue_evaluation(&app, s.company_id, interview).await;

    assert_eq!(evaluate(&app, &config).await, 1);
    assert_eq!(task_row(&app, task).await.0, "done");
    assert_eq!(evaluation_rows(&app, interview).await, [("done".to_owned(), None, Some(75))]);

    // The audio went up as a multipart upload with the model, and the key as a bearer token.
    let uploads = api.requests(TRANSCRIPTIONS);
    assert_eq!(uploads.len(), 2);
    let first = &uploads[0];
    assert_eq!(first.headers["authorization"], "Bearer stt-key");
    assert!(first.headers["content-type"].to_str().unwrap().starts_with("multipart/form-data; boundary="));
    let body = first.text();
    assert!(body.contains("name=\"model\"\r\n\r\nwhisper-1"), "{body}");
    assert!(body.contains("name=\"file\"; filename=\"answer.webm\""), "{body}");
    assert!(body.contains("Content-Type: video/webm"), "{body}");
    assert!(body.contains("VIDEO-ONE"));
    assert!(uploads[1].text().contains("VIDEO-TWO"));

    // The chat request: the model, the JSON schema, the transcripts, and no judging of the person.
    let chats = api.requests(CHAT);
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].headers["authorization"], "Bearer llm-key");
    let request = chats[0].json();
    assert_eq!(request["model"], "gpt-test");
    assert_eq!(request["response_format"]["type"], "json_schema");
    assert_eq!(request["response_format"]["json_schema"]["strict"], true);
    let schema = &request["response_format"]["json_schema"]["schema"];
    assert!(schema["properties"]["recommendation"].is_null(), "the recommendation is Hifinity's, not the model's");
    assert_eq!(schema["properties"]["answers"]["items"]["properties"]["score"]["enum"], json!([1, 2, 3, 4, 5]));
    let schema_text = schema.to_string().to_lowercase();
    for criterion in ["accent", "appearance", "filler", "confidence", "fluency"] {
        assert!(!schema_text.contains(criterion), "the schema must not ask about {criterion}");
    }
    let system = request["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("Do not judge accent, pronunciation, grammar of speech, filler words"), "{system}");
    assert!(system.contains("appearance"));
    let user: Value = serde_json::from_str(request["messages"][1]["content"].as_str().unwrap()).unwrap();
    assert_eq!(user["role"], "Senior Backend Engineer");
    assert_eq!(user["questions"][0]["answer"], GOOD_DESIGN);
    assert_eq!(user["questions"][0]["key_points"], json!(["trade-offs", "scalability"]));
    assert_eq!(user["questions"][2]["answer"], REVIEW);
    assert_eq!(user["questions"][2]["answer_status"], "typed answer");

    // The page: who produced it, the transcripts, the scores and key points.
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Done");
    // Scores 5, 4 and 3 make 75: the model's own 82 and Strong yes are not taken.
    assert_eq!(page.text(".evaluation-score-value"), "75");
    assert!(page.text(".evaluation-verdict").contains("Recommendation: Yes"));
    assert!(
        page.text(".evaluation-producer")
            .starts_with("Produced by AI model gpt-test (OpenAI-compatible API), prompt v2")
    );
    assert_eq!(page.texts(".transcript-text"), [GOOD_DESIGN, GOOD_QUERY]);
    assert_eq!(page.texts(".answer-score .score-pill"), ["5 / 5", "4 / 5", "3 / 5"]);
    assert_eq!(page.texts(".key-point-missed"), ["correctness"]);
    let videos = page.texts("video.answer-video");
    assert_eq!(videos.len(), 2);
    assert!(page.body.contains(&format!("src=\"/interviews/{interview}/answers/")));
    assert!(page.body.contains("controls preload=\"metadata\""));
    assert!(page.texts(".timeline-label").contains(&"Evaluation finished".to_owned()));

    // A re-run does not pay for the same recordings twice.
    api.reply(CHAT, [Reply::chat(&good_llm_reply())]);
    let rerun = app.post(&format!("/interviews/{interview}/evaluation/rerun"), &[]).await;
    assert_eq!(rerun.flash(), "Evaluation queued. The result appears here when it is done.");
    assert_eq!(evaluate(&app, &config).await, 1);
    assert_eq!(api.requests(TRANSCRIPTIONS).len(), 2, "transcripts are kept per answer and model");
    assert_eq!(api.requests(CHAT).len(), 2);
}

#[sqlx::test]
async fn a_malformed_reply_is_asked_again_once_then_fails_with_the_reason(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    let api = MockApi::start().await;
    let config = config_with(&app, |c| {
        c.evaluation.evaluator_url = Some(format!("{}/v1", api.url).parse().unwrap());
        c.evaluation.evaluator_model = "gpt-test".into();
    });

    // One bad reply, then a good one: done.
    api.reply(CHAT, [Reply::chat("Here is my evaluation: the candidate is great!"), Reply::chat(&good_llm_reply())]);
    let first =
        completed_interview(&app, &s, &[Given::Text(GOOD_DESIGN), Given::Text(GOOD_QUERY), Given::Text(REVIEW)]).await;
    enqueue_evaluation(&app, s.company_id, first).await;
    evaluate(&app, &config).await;
    assert_eq!(evaluation_rows(&app, first).await, [("done".to_owned(), None, Some(75))]);
    let chats = api.requests(CHAT);
    assert_eq!(chats.len(), 2);
    let correction = chats[1].json()["messages"][2]["content"].as_str().unwrap().to_owned();
    assert!(correction.starts_with("Your previous reply could not be used: not valid JSON"), "{correction}");

    // Two bad replies (the second one the wrong shape): failed, with the reason, and no third try.
    let candidate = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    let s2 = Sendable { candidate_id: candidate, ..s };
    let wrong_shape = json!({ "answers": [], "overall_score": 250, "recommendation": "Hire", "summary": "", "strengths": [], "concerns": [] });
    api.reply(CHAT, [Reply::chat("{\"answers\": [tru"), Reply::chat(&wrong_shape.to_string())]);
    let second =
        completed_interview(&app, &s2, &[Given::Text(GOOD_DESIGN), Given::Text(GOOD_QUERY), Given::Text(REVIEW)]).await;
    let task = enqueue_evaluation(&app, s.company_id, second).await;
    evaluate(&app, &config).await;
    assert_eq!(api.requests(CHAT).len(), 4);
    let rows = evaluation_rows(&app, second).await;
    assert_eq!(rows[0].0, "failed");
    let reason = rows[0].1.clone().unwrap();
    assert!(reason.contains("twice sent a reply that is not the expected JSON: the summary is empty"), "{reason}");
    let (status, _, last_error, _) = task_row(&app, task).await;
    assert_eq!((status.as_str(), last_error.as_deref()), ("failed", Some(reason.as_str())));

    let page = app.get(&format!("/interviews/{second}")).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Failed");
    assert!(page.text(".evaluation-state").contains("the summary is empty"));
    assert_eq!(page.text("#evaluation form button"), "Re-run evaluation");
    assert!(page.texts(".timeline-label").contains(&"Evaluation failed".to_owned()));
}

#[sqlx::test]
async fn rate_limits_and_server_errors_are_retried_later_with_the_reason(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    let api = MockApi::start().await;
    let config = config_with(&app, |c| c.evaluation.evaluator_url = Some(api.url.parse().unwrap()));
    let (interview, task) = queued_good_text_interview(&app, &s).await;

    // 429 with Retry-After: back in the queue, not before the service asked.
    api.reply(
        CHAT,
        [Reply::status(429, r#"{"error":{"message":"Rate limit reached for requests"}}"#)
            .with_header("retry-after", "600")],
    );
    assert_eq!(evaluate(&app, &config).await, 1);
    let (status, attempts, error, due_in) = task_row(&app, task).await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert_eq!(error.as_deref(), Some("The evaluation model answered HTTP 429: Rate limit reached for requests"));
    assert!((590.0..=610.0).contains(&due_in), "due in {due_in} s");
    assert_eq!(evaluation_rows(&app, interview).await[0].0, "queued");
    let (page, minutes) = page_with_minutes_until_retry(&app, interview).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Queued");
    assert!(page.text(".evaluation-state").contains("HTTP 429: Rate limit reached"));
    let state = page.text(".evaluation-state");
    assert!(
        minutes.clone().any(|m| state.contains(&format!("Next attempt in {m} minutes."))),
        "{state} (expected in {minutes:?} minutes)"
    );
    assert!(minutes.start() >= &8 && minutes.end() <= &10, "about 10 minutes, as the service asked: {minutes:?}");
    assert_eq!(evaluate(&app, &config).await, 0, "not due yet");

    // 503: backoff grows (about 1 minute for the second attempt, ±20 %).
    make_due(&app, task).await;
    api.reply(CHAT, [Reply::status(503, "upstream unavailable")]);
    evaluate(&app, &config).await;
    let (status, attempts, error, due_in) = task_row(&app, task).await;
    assert_eq!((status.as_str(), attempts), ("queued", 2));
    assert_eq!(error.as_deref(), Some("The evaluation model answered HTTP 503: upstream unavailable"));
    assert!((45.0..=75.0).contains(&due_in), "due in {due_in} s");

    // Then it works: the same run finishes, once.
    make_due(&app, task).await;
    api.reply(CHAT, [Reply::chat(&good_llm_reply())]);
    evaluate(&app, &config).await;
    assert_eq!(task_row(&app, task).await.0, "done");
    assert_eq!(evaluation_rows(&app, interview).await, [("done".to_owned(), None, Some(75))]);
    let evaluated: i64 = sqlx::query_scalar("select count(*) from interview_events where kind = 'evaluated'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(evaluated, 1);
}

#[sqlx::test]
async fn a_refused_model_key_fails_the_run_at_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    let api = MockApi::start().await;
    let config = config_with(&app, |c| c.evaluation.evaluator_url = Some(api.url.parse().unwrap()));
    let (interview, task) = queued_good_text_interview(&app, &s).await;
    api.reply(CHAT, [Reply::status(401, r#"{"error":{"message":"Incorrect API key provided"}}"#)]);
    evaluate(&app, &config).await;
    let reason = "The evaluation model answered HTTP 401: Incorrect API key provided";
    assert_eq!(evaluation_rows(&app, interview).await, [("failed".to_owned(), Some(reason.to_owned()), None)]);
    let (status, attempts, _, _) = task_row(&app, task).await;
    assert_eq!((status.as_str(), attempts), ("failed", 1), "not retried");
    assert_eq!(api.requests(CHAT).len(), 1);
}

#[sqlx::test]
async fn a_service_that_does_not_answer_in_time_is_retried_on_a_later_run(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let api = MockApi::start().await;
    api.reply(TRANSCRIPTIONS, [Reply::json(json!({ "text": "late" })).after(Duration::from_secs(5))]);
    let config = config_with(&app, |c| {
        c.evaluation.transcribe_url = Some(api.url.parse().unwrap());
        c.evaluation.timeout_secs = 1;
    });
    let interview = completed_interview(&app, &s, &[Given::Video(b"VIDEO"), Given::Nothing, Given::Text(REVIEW)]).await;
    let task = enqueue_evaluation(&app, s.company_id, interview).await;
    evaluate(&app, &config).await;
    let (status, attempts, error, due_in) = task_row(&app, task).await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert_eq!(error.as_deref(), Some("The transcription service did not answer in time"));
    assert!((20.0..=40.0).contains(&due_in), "due in {due_in} s");
    assert_eq!(evaluate(&app, &config).await, 0, "not before its next attempt");

    make_due(&app, task).await;
    api.reply(TRANSCRIPTIONS, [Reply::json(json!({ "text": GOOD_DESIGN }))]);
    assert_eq!(evaluate(&app, &config).await, 1);
    let (status, attempts, _, _) = task_row(&app, task).await;
    assert_eq!((status.as_str(), attempts), ("done", 2));
    assert_eq!(api.requests(TRANSCRIPTIONS).len(), 2);
    let rows = evaluation_rows(&app, interview).await;
    assert_eq!(rows.len(), 1, "the retry continues the same run");
    assert_eq!(rows[0].0, "done");
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.texts(".transcript-text"), [GOOD_DESIGN]);
}

#[sqlx::test]
async fn a_transient_failure_on_the_last_attempt_fails_the_run_with_the_reason(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let api = MockApi::start().await;
    let config = config_with(&app, |c| c.evaluation.transcribe_url = Some(api.url.parse().unwrap()));
    let interview = completed_interview(&app, &s, &[Given::Video(b"VIDEO"), Given::Nothing, Given::Text(REVIEW)]).await;
    let task = enqueue_evaluation(&app, s.company_id, interview).await;
    api.reply(TRANSCRIPTIONS, [Reply::status(500, "boom")]);
    evaluate(&app, &config).await;
    assert_eq!(task_row(&app, task).await.0, "queued", "retried while attempts are left");

    sqlx::query("update tasks set attempts = $2, run_at = now() where id = $1")
        .bind(task)
        .bind(hifinity::evaluation::pipeline::MAX_ATTEMPTS - 1)
        .execute(&app.pool)
        .await
        .unwrap();
    api.reply(TRANSCRIPTIONS, [Reply::status(500, "boom")]);
    evaluate(&app, &config).await;
    let reason = "The transcription service answered HTTP 500: boom (gave up after 8 attempts)";
    assert_eq!(task_row(&app, task).await.0, "failed");
    assert_eq!(evaluation_rows(&app, interview).await, [("failed".to_owned(), Some(reason.to_owned()), None)]);
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Failed");
    assert!(page.text(".evaluation-state").contains(reason));
    let list = app.get("/interviews").await;
    assert_eq!(list.text("td.evaluation-cell"), "Failed");
}

#[sqlx::test]
async fn a_recording_the_service_cannot_read_is_left_without_transcript(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let api = MockApi::start().await;
    let config = config_with(&app, |c| c.evaluation.transcribe_url = Some(api.url.parse().unwrap()));
    api.reply(TRANSCRIPTIONS, [Reply::status(415, r#"{"error":{"message":"Unsupported file format"}}"#)]);
    let interview = completed_interview(&app, &s, &[Given::Video(b"VIDEO"), Given::Nothing, Given::Text(REVIEW)]).await;
    enqueue_evaluation(&app, s.company_id, interview).await;
    evaluate(&app, &config).await;
    assert_eq!(evaluation_rows(&app, interview).await[0].0, "done");
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Done");
    assert!(page.text(".transcript-note").starts_with("No transcript: the transcription service refused it"));
}

#[sqlx::test]
async fn a_refused_transcription_key_fails_the_run_with_the_reason(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let api = MockApi::start().await;
    let config = config_with(&app, |c| c.evaluation.transcribe_url = Some(api.url.parse().unwrap()));
    // A wrong key concerns every recording: the run fails and says why.
    api.reply(TRANSCRIPTIONS, [Reply::status(401, r#"{"error":{"message":"Incorrect API key provided"}}"#)]);
    let interview = completed_interview(&app, &s, &[Given::Video(b"VIDEO"), Given::Nothing, Given::Text(REVIEW)]).await;
    enqueue_evaluation(&app, s.company_id, interview).await;
    evaluate(&app, &config).await;
    assert_eq!(
        evaluation_rows(&app, interview).await,
        [(
            "failed".to_owned(),
            Some("The transcription service answered HTTP 401: Incorrect API key provided".to_owned()),
            None
        )]
    );
}

#[sqlx::test]
async fn a_task_that_keeps_dying_fails_its_run_with_the_reason(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let config = config_with(&app, |_| {});
    let interview =
        completed_interview(&app, &s, &[Given::Text(REVIEW), Given::Text(REVIEW), Given::Text(REVIEW)]).await;
    let task = enqueue_evaluation(&app, s.company_id, interview).await;
    // A worker started the run and died, again and again: the lease ran out each time.
    sqlx::query(
        "insert into evaluations (id, company_id, interview_id, task_id, status) values ($1, $2, $3, $4, 'running')",
    )
    .bind(Uuid::new_v4())
    .bind(s.company_id)
    .bind(interview)
    .bind(task)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update tasks set status = 'running', attempts = $2 where id = $1")
        .bind(task)
        .bind(hifinity::evaluation::pipeline::MAX_ATTEMPTS)
        .execute(&app.pool)
        .await
        .unwrap();
    evaluate(&app, &config).await;
    assert_eq!(task_row(&app, task).await.0, "failed");
    assert_eq!(
        evaluation_rows(&app, interview).await,
        [("failed".to_owned(), Some("The evaluation stopped unexpectedly too many times".to_owned()), None)]
    );
}

#[sqlx::test]
async fn an_evaluation_whose_worker_crashed_is_taken_again_after_its_lease_and_written_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    let (interview, task) = queued_good_text_interview(&app, &s).await;
    // A worker claims the task, starts its run and dies.
    let crashed =
        hifinity::queue::claim::<EvaluateInterview>(&app.pool, Duration::from_secs(3600), 1).await.unwrap().pop();
    assert_eq!(crashed.unwrap().claim.id, task);
    hifinity::evaluation::store::start_run(&app.pool, app.scope(s.company_id).await, interview.into(), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(evaluate(&app, &app.state.config).await, 0, "not taken again while its lease lasts");

    sqlx::query("update tasks set run_at = now() - interval '1 second' where id = $1")
        .bind(task)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(evaluate(&app, &app.state.config).await, 1);

    let (status, attempts, _, _) = task_row(&app, task).await;
    assert_eq!((status.as_str(), attempts), ("done", 2));
    let rows = evaluation_rows(&app, interview).await;
    assert_eq!(rows.len(), 1, "the crashed run is continued, not doubled: {rows:?}");
    let (status, error, score) = rows[0].clone();
    assert_eq!((status.as_str(), error), ("done", None));
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(".evaluation-state .badge"), "Done");
    assert_eq!(page.text(".evaluation-score-value"), score.unwrap().to_string());
    let finished = page.texts(".timeline-label").into_iter().filter(|l| l == "Evaluation finished").count();
    assert_eq!(finished, 1);
}

#[sqlx::test]
async fn two_evaluation_workers_at_once_evaluate_each_completion_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    const COMPLETIONS: usize = 12;
    let mut interviews = Vec::new();
    for _ in 0..COMPLETIONS {
        let (interview, _) = queued_good_text_interview(&app, &s).await;
        interviews.push(interview);
    }

    let (first, second) = tokio::join!(evaluate(&app, &app.state.config), evaluate(&app, &app.state.config));

    assert_eq!(first + second, COMPLETIONS, "each task taken by one worker");
    assert_eq!(
        count(
            &app,
            "select count(*) from tasks where kind = 'evaluate_interview' and status = 'done' and attempts = 1"
        )
        .await,
        COMPLETIONS as i64
    );
    for interview in interviews {
        assert_eq!(evaluation_rows(&app, interview).await.len(), 1, "one evaluation of {interview}");
    }
    assert_eq!(count(&app, "select count(*) from evaluations where status = 'done'").await, COMPLETIONS as i64);
    assert_eq!(count(&app, "select count(*) from interview_events where kind = 'evaluated'").await, COMPLETIONS as i64);
    let list = app.get("/interviews").await;
    assert_eq!(list.status, StatusCode::OK);
    let scores = list.texts("td.evaluation-cell .badge");
    assert_eq!(scores.len(), COMPLETIONS, "{scores:?}");
    assert!(scores.iter().all(|b| b.ends_with("/ 100")), "{scores:?}");
}

// ---- The built-in rubric, end to end ----

#[sqlx::test]
async fn without_transcription_video_answers_say_so_and_are_not_scored(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview = completed_interview(&app, &s, &[Given::Video(b"VIDEO"), Given::Nothing, Given::Text(REVIEW)]).await;
    enqueue_evaluation(&app, s.company_id, interview).await;
    evaluate(&app, &app.state.config).await;

    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Done");
    assert_eq!(page.text(".transcript-note"), "No transcript: no transcription service is configured");
    assert_eq!(page.texts(".answer-score .score-pill"), ["Not scored", "1 / 5", "3 / 5"]);
    assert_eq!(page.text(".answer-missing"), "Not answered");
    assert!(page.text(".evaluation-producer").starts_with("Produced by Rubric match (built-in, not AI)"));
}

/// A completed interview with three good text answers, evaluated by the built-in rubric.
pub(crate) async fn evaluated_text_interview(app: &TestApp, s: &Sendable) -> Uuid {
    make_all_questions_text(app, s).await;
    let interview =
        completed_interview(app, s, &[Given::Text(GOOD_DESIGN), Given::Text(GOOD_QUERY), Given::Text(REVIEW)]).await;
    enqueue_evaluation(app, s.company_id, interview).await;
    assert_eq!(evaluate(app, &app.state.config).await, 1);
    interview
}

#[sqlx::test]
async fn text_answers_are_scored_by_the_built_in_rubric_as_typed(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    let (interview, _) = queued_good_text_interview(&app, &s).await;

    // Queued until a worker takes it, on the page and on the Interviews list.
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Queued");
    assert!(page.texts("#evaluation form button").is_empty(), "no re-run while one is queued");
    let list = app.get("/interviews").await;
    assert_eq!(list.text("td.evaluation-cell"), "Queued");

    assert_eq!(evaluate(&app, &app.state.config).await, 1);
    let page = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".evaluation-state .badge"), "Done");
    assert!(page.text(".evaluation-producer").starts_with("Produced by Rubric match (built-in, not AI), rubric v1"));
    let score: i32 = page.text(".evaluation-score-value").parse().unwrap();
    assert!((50..=100).contains(&score), "{score}");
    assert_eq!(page.texts(".answer-text"), [GOOD_DESIGN, GOOD_QUERY, REVIEW]);
    assert_eq!(page.texts(".key-point-covered"), ["trade-offs", "scalability", "explain plan", "indexes", "kindness"]);
    assert_eq!(page.texts(".key-point-missed"), ["correctness"]);
    assert!(
        page.text(".answer:nth-child(3) .answer-reason")
            .starts_with("Mentions 1 of 2 key points (kindness). Not mentioned: correctness.")
    );
    assert!(page.texts(".transcript-note").is_empty(), "text answers are used as typed");
    let list = app.get("/interviews").await;
    assert_eq!(list.text("td.evaluation-cell .badge"), format!("{score} / 100"));
}

#[sqlx::test]
async fn a_recruiters_rating_sits_beside_the_evaluations_score_one_per_recruiter(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview = evaluated_text_interview(&app, &s).await;
    let answer_id: Uuid = sqlx::query_scalar(
        "select a.id from answers a join version_questions q on q.id = a.question_id where a.interview_id = $1 order by q.position desc limit 1",
    )
    .bind(interview)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let review_path = format!("/interviews/{interview}/answers/{answer_id}/review");
    let page = app.post(&review_path, &[("rating", "9"), ("note", "x")]).await;
    assert_eq!(page.flash(), "Choose a rating from 1 to 5.");
    let page =
        app.post(&review_path, &[("rating", "4"), ("note", "Good instincts; ask about testing next round.")]).await;
    assert_eq!(page.flash(), "Your rating (4/5) is saved.");
    assert!(page.url.ends_with(&format!("/interviews/{interview}")));
    let answer = format!("#answer-{answer_id}");
    assert_eq!(page.text(&format!("{answer} .answer-score .score-pill")), "3 / 5", "the evaluation's score stays");
    let review = page.text(&format!("{answer} .review"));
    assert!(review.starts_with("4 / 5 Riley Recruiter (you)"), "{review}");
    assert!(review.ends_with("Good instincts; ask about testing next round."), "{review}");
    assert_eq!(page.value_of("rating"), None, "a select keeps its value in an option");
    assert!(page.body.contains("<option value=\"4\" selected>4 – Good</option>"));
    // Changing it keeps one rating per recruiter.
    app.post(&review_path, &[("rating", "3"), ("note", "")]).await;
    let ratings: Vec<(i32, Option<String>)> =
        sqlx::query_as("select rating, note from answer_reviews").fetch_all(&app.pool).await.unwrap();
    assert_eq!(ratings, [(3, None)]);
}

#[sqlx::test]
async fn the_team_decision_is_saved_with_who_made_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview = evaluated_text_interview(&app, &s).await;
    let page = app
        .post(
            &format!("/interviews/{interview}/decision"),
            &[("decision", "advance"), ("note", "Strong system design.")],
        )
        .await;
    assert_eq!(page.flash(), "Decision saved: Advance.");
    assert!(page.text(".decision-current").starts_with("Advance by Riley Recruiter"));
}

#[sqlx::test]
async fn the_interviews_page_sorts_and_filters_by_the_latest_score(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    evaluated_text_interview(&app, &s).await;
    let other = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    let weak = completed_interview(
        &app,
        &Sendable { candidate_id: other, ..s },
        &[Given::Text("No idea."), Given::Nothing, Given::Nothing],
    )
    .await;
    enqueue_evaluation(&app, s.company_id, weak).await;
    evaluate(&app, &app.state.config).await;
    let by_score = app.get("/interviews?sort=score").await;
    assert_eq!(by_score.texts("tbody td:first-child a"), ["Ada Lovelace", "Grace Hopper"]);
    let ascending = app.get("/interviews?sort=score_asc").await;
    assert_eq!(ascending.texts("tbody td:first-child a"), ["Grace Hopper", "Ada Lovelace"]);
    let filtered = app.get("/interviews?min_score=50&sort=score").await;
    assert_eq!(filtered.texts("tbody td:first-child a"), ["Ada Lovelace"]);
    assert_eq!(filtered.value_of("min_score").as_deref(), Some("50"));
}

#[sqlx::test]
async fn re_running_replaces_the_shown_result(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    let interview = completed_interview(
        &app,
        &s,
        &[Given::Text("I don't know."), Given::Text("Not sure."), Given::Text("I approve it.")],
    )
    .await;
    enqueue_evaluation(&app, s.company_id, interview).await;
    evaluate(&app, &app.state.config).await;
    let before: i32 =
        app.get(&format!("/interviews/{interview}")).await.text(".evaluation-score-value").parse().unwrap();

    // A better rubric match after the answers are corrected (as a stand-in for a new scorer version).
    sqlx::query("update answers set text_answer = $2 where interview_id = $1 and text_answer = 'I don''t know.'")
        .bind(interview)
        .bind(GOOD_DESIGN)
        .execute(&app.pool)
        .await
        .unwrap();
    let page = app.post(&format!("/interviews/{interview}/evaluation/rerun"), &[]).await;
    assert_eq!(page.flash(), "Evaluation queued. The result appears here when it is done.");
    assert_eq!(page.text(".evaluation-state .badge"), "Queued");
    assert_eq!(page.text(".evaluation-previous"), "Showing the previous result until the new run is done.");
    assert_eq!(page.text(".evaluation-score-value"), before.to_string());
    assert!(page.text(".evaluation-state").contains("Requested by Riley Recruiter"));
    let again = app.post(&format!("/interviews/{interview}/evaluation/rerun"), &[]).await;
    assert_eq!(again.flash(), "An evaluation of this interview is already queued or running.");
    // The list keeps the previous score and says a re-run is waiting.
    let list = app.get("/interviews").await;
    assert_eq!(list.text("td.evaluation-cell .badge"), format!("{before} / 100"));
    assert!(list.text("td.evaluation-cell").ends_with("re-run queued"), "{}", list.text("td.evaluation-cell"));

    assert_eq!(evaluate(&app, &app.state.config).await, 1);
    let page = app.get(&format!("/interviews/{interview}")).await;
    let after: i32 = page.text(".evaluation-score-value").parse().unwrap();
    assert!(after > before, "{after} > {before}");
    assert!(page.texts(".evaluation-previous").is_empty());
    assert_eq!(page.texts(".key-point-covered")[..2], ["trade-offs", "scalability"]);
    let rows = evaluation_rows(&app, interview).await;
    assert_eq!(rows.len(), 2, "each run is kept");
    assert_eq!(rows[1].2, Some(after));
    let list = app.get("/interviews").await;
    assert_eq!(list.text("td.evaluation-cell .badge"), format!("{after} / 100"));
}

#[sqlx::test]
async fn another_company_cannot_see_or_review_an_evaluation(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    make_all_questions_text(&app, &s).await;
    let (interview, _) = queued_good_text_interview(&app, &s).await;
    evaluate(&app, &app.state.config).await;
    let answer_id: Uuid = sqlx::query_scalar("select id from answers limit 1").fetch_one(&app.pool).await.unwrap();

    let other = app.other_browser();
    other.sign_up("Globex", "hank@globex.com").await;
    assert_eq!(other.get(&format!("/interviews/{interview}")).await.status, StatusCode::NOT_FOUND);
    let rerun = other.post(&format!("/interviews/{interview}/evaluation/rerun"), &[]).await;
    assert_eq!(rerun.status, StatusCode::NOT_FOUND);
    let review = other
        .post(&format!("/interviews/{interview}/answers/{answer_id}/review"), &[("rating", "1"), ("note", "x")])
        .await;
    assert_eq!(review.status, StatusCode::NOT_FOUND);
    let decision = other.post(&format!("/interviews/{interview}/decision"), &[("decision", "reject")]).await;
    assert_eq!(decision.status, StatusCode::NOT_FOUND);
    let their_list = other.get("/interviews").await;
    assert_eq!(their_list.status, StatusCode::OK);
    assert!(their_list.texts("td.evaluation-cell").is_empty());

    // An answer of another interview of the same company can't be rated through this one.
    let mine = completed_interview(&app, &s, &[Given::Text("x"), Given::Nothing, Given::Nothing]).await;
    let wrong = app.post(&format!("/interviews/{mine}/answers/{answer_id}/review"), &[("rating", "2")]).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    let counts: (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from answer_reviews), (select count(*) from interview_decisions),
                (select count(*) from evaluations)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(counts, (0, 0, 1));
}

#[sqlx::test]
async fn a_job_whose_payload_cannot_be_read_fails_with_the_reason_instead_of_running(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let s = ready(&app).await;
    let interview =
        completed_interview(&app, &s, &[Given::Text(REVIEW), Given::Text(REVIEW), Given::Text(REVIEW)]).await;
    // Written by another tool, or an older release, in a shape this one can't read.
    let task = Uuid::new_v4();
    sqlx::query("insert into tasks (id, company_id, kind, payload) values ($1, $2, 'evaluate_interview', $3)")
        .bind(task)
        .bind(s.company_id)
        .bind(json!({ "interview": interview.to_string() }))
        .execute(&app.pool)
        .await
        .unwrap();

    assert_eq!(evaluate(&app, &app.state.config).await, 1);

    let (status, attempts, error, _) = task_row(&app, task).await;
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    let error = error.unwrap_or_default();
    assert!(
        error.starts_with("The evaluate_interview job's payload could not be read: missing field `interview_id`"),
        "{error}"
    );
    assert_eq!(evaluation_rows(&app, interview).await, [], "nothing was evaluated");
}
