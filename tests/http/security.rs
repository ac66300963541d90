//! Promises of the README's Security and Configuration sections that hold for the whole
//! app: every form refuses a cross-site post, every kind of page carries the security
//! headers, and a malformed setting stops start-up with one line naming it.

use std::{
    collections::BTreeSet,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures,
    support::{MULTIPART_CONTENT_TYPE, PASSWORD, Page, ScratchDir, TestApp, multipart_file, path_in_message},
};

const RECRUITER: &str = "riley@acme.com";

/// A small file that starts like a WebM recording (an EBML header).
fn webm(len: usize) -> Vec<u8> {
    let mut bytes = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
    bytes.resize(len, 0x42);
    bytes
}

/// Everything the database holds, as one digest per table: equal digests mean a request
/// changed nothing.
pub async fn database_digest(app: &TestApp) -> Vec<(String, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables where schemaname = 'public' and tablename <> '_sqlx_migrations'
         order by tablename",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let sql = tables
        .iter()
        .map(|t| {
            format!("select '{t}'::text, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from \"{t}\" x")
        })
        .collect::<Vec<_>>()
        .join(" union all ");
    sqlx::query_as(&sql).fetch_all(&app.pool).await.unwrap()
}

enum Body {
    Form(Vec<(&'static str, String)>),
    Raw(&'static str, Vec<u8>),
}

/// One POST route of the router, with a request that changes something when sent from
/// the site itself.
struct Post<'a> {
    route: &'static str,
    path: String,
    body: Body,
    /// The browser that sends it (its cookies): the recruiter's, a visitor's or the candidate's.
    by: &'a TestApp,
}

impl<'a> Post<'a> {
    fn new(by: &'a TestApp, route: &'static str, path: impl Into<String>, body: Body) -> Self {
        Self { route, path: path.into(), body, by }
    }

    async fn send(&self, header: (&str, &str)) -> Page {
        let request = self.by.client.post(self.by.url(&self.path)).header(header.0, header.1);
        let request = match &self.body {
            Body::Form(fields) => request.form(fields),
            Body::Raw(content_type, bytes) => request.header("content-type", *content_type).body(bytes.clone()),
        };
        Page::from(request.send().await.unwrap()).await
    }
}

/// The route templates of every route answering `method` (`"get"`, `"post"`), read from
/// the router's source (src/app.rs and each feature's router()), so that a new route
/// cannot be left out of a table of cases.
pub fn routes_in_source(method: &str) -> BTreeSet<String> {
    let handler = format!("{method}(");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join("app.rs")];
    for entry in std::fs::read_dir(&src).unwrap() {
        let module = entry.unwrap().path().join("mod.rs");
        if module.exists() {
            files.push(module);
        }
    }
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (start, _) in text.match_indices(".route(") {
            // The arguments of this .route(…) call: up to its closing parenthesis.
            let rest = &text[start + ".route(".len()..];
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let args = &rest[..end];
            let path = args.split('"').nth(1).unwrap().to_owned();
            let answers = args
                .match_indices(&handler)
                .any(|(i, _)| !args[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'));
            if answers {
                routes.insert(path);
            }
        }
    }
    routes
}

/// Posts `post` from another site, once said by `Sec-Fetch-Site` and once by `Origin`
/// alone: both refused with nothing changed. Then from the site itself, where the same
/// request changes something (so the refusal is what kept the database as it was).
async fn refused_from_another_site(app: &TestApp, post: Post<'_>, covered: &mut BTreeSet<String>) {
    let route = post.route;
    let before = database_digest(app).await;
    for header in [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")] {
        let page = post.send(header).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "POST {route} with {header:?}: {}", page.body);
        assert!(page.body.contains("This form was sent from another website"), "POST {route}: {}", page.body);
        assert_eq!(database_digest(app).await, before, "POST {route} with {header:?} changed the database");
    }
    let page = post.send(("sec-fetch-site", "same-origin")).await;
    assert!(page.status.is_success(), "POST {route} from the site itself: {} {}", page.status, page.body);
    assert_ne!(database_digest(app).await, before, "POST {route} from the site itself changed nothing");
    covered.insert(route.to_owned());
}

fn form(fields: &[(&'static str, &str)]) -> Body {
    Body::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

async fn id(app: &TestApp, sql: &str) -> Uuid {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[sqlx::test]
async fn every_form_refuses_a_post_from_another_site(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", RECRUITER).await;
    let company = app.company_id(RECRUITER).await;
    let s = fixtures::sendable(&app.pool, company).await;
    let (job, version, candidate) = (s.job_id.to_string(), s.version_id.to_string(), s.candidate_id.to_string());
    let key = || Uuid::new_v4().to_string();
    let mut covered = BTreeSet::new();
    let c = &mut covered;

    // Accounts: a stranger signing up, a visitor signing in and out.
    let stranger = app.other_browser();
    let sign_up =
        form(&[("company_name", "Globex"), ("name", "Gina"), ("email", "gina@globex.com"), ("password", PASSWORD)]);
    refused_from_another_site(&app, Post::new(&stranger, "/sign-up", "/sign-up", sign_up), c).await;
    let visitor = app.other_browser();
    let sign_in = form(&[("email", RECRUITER), ("password", PASSWORD)]);
    refused_from_another_site(&app, Post::new(&visitor, "/sign-in", "/sign-in", sign_in), c).await;
    refused_from_another_site(&app, Post::new(&visitor, "/sign-out", "/sign-out", form(&[])), c).await;
    let resend = form(&[("email", "gina@globex.com")]);
    refused_from_another_site(&app, Post::new(&stranger, "/verify-email", "/verify-email", resend), c).await;

    // The team: inviting, resending and revoking; joining by the link; a role; one's
    // other sessions, one or all; deactivating and reactivating.
    let invite = |email: &str| form(&[("email", email), ("role", "reviewer")]);
    let post = Post::new(&app, "/team/invitations", "/team/invitations", invite("sam@acme.com"));
    refused_from_another_site(&app, post, c).await;
    let sams = id(&app, "select id from team_invitations where email = 'sam@acme.com'").await;
    let resend = format!("/team/invitations/{sams}/resend");
    refused_from_another_site(&app, Post::new(&app, "/team/invitations/{id}/resend", resend, form(&[])), c).await;
    let sam = app.other_browser();
    let link = app.invitation_link("sam@acme.com").await.replace(&app.base, "");
    let join = form(&[("name", "Sam Reviewer"), ("password", PASSWORD)]);
    refused_from_another_site(&app, Post::new(&sam, "/team/join/{token}", link, join), c).await;
    assert_eq!(app.post("/team/invitations", &[("email", "tess@acme.com"), ("role", "admin")]).await.status, 200);
    let tess = id(&app, "select id from team_invitations where email = 'tess@acme.com'").await;
    let revoke = format!("/team/invitations/{tess}/revoke");
    refused_from_another_site(&app, Post::new(&app, "/team/invitations/{id}/revoke", revoke, form(&[])), c).await;
    let sam_id = id(&app, "select id from users where email = 'sam@acme.com'").await;
    let role = Post::new(
        &app,
        "/team/members/{id}/role",
        format!("/team/members/{sam_id}/role"),
        form(&[("role", "recruiter")]),
    );
    refused_from_another_site(&app, role, c).await;
    assert_eq!(app.other_browser().sign_in("sam@acme.com", PASSWORD).await.status, 200);
    let others = "/account/sessions/sign-out-others";
    refused_from_another_site(&app, Post::new(&sam, others, others, form(&[])), c).await;
    let session = id(&app, &format!("select id from sessions where user_id = '{sam_id}' limit 1")).await;
    let one = format!("/account/sessions/{session}/sign-out");
    refused_from_another_site(&app, Post::new(&sam, "/account/sessions/{id}/sign-out", one, form(&[])), c).await;
    let deactivate = format!("/team/members/{sam_id}/deactivate");
    refused_from_another_site(&app, Post::new(&app, "/team/members/{id}/deactivate", deactivate, form(&[])), c).await;
    let reactivate = format!("/team/members/{sam_id}/reactivate");
    refused_from_another_site(&app, Post::new(&app, "/team/members/{id}/reactivate", reactivate, form(&[])), c).await;
    let settings = form(&[("reminder_after_days", "3"), ("max_reminders", "1")]);
    refused_from_another_site(&app, Post::new(&app, "/settings", "/settings", settings), c).await;
    let privacy =
        form(&[("privacy_text", "We keep applications for a year."), ("privacy_contact", "privacy@acme.com")]);
    refused_from_another_site(&app, Post::new(&app, "/settings/privacy", "/settings/privacy", privacy), c).await;
    let text = form(&[("kind", "invitation"), ("subject", "Hi"), ("body", "{{interview_link}}"), ("action", "save")]);
    refused_from_another_site(&app, Post::new(&app, "/settings/emails", "/settings/emails", text), c).await;
    let new_key = form(&[("name", "ATS sync"), ("scope", "read_write")]);
    refused_from_another_site(&app, Post::new(&app, "/settings/api-keys", "/settings/api-keys", new_key), c).await;
    let api_key = id(&app, "select id from api_keys").await;
    let revoke =
        Post::new(&app, "/settings/api-keys/{id}/revoke", format!("/settings/api-keys/{api_key}/revoke"), form(&[]));
    refused_from_another_site(&app, revoke, c).await;

    // Jobs.
    let new_job = form(&[("title", "Data Engineer"), ("idempotency_key", &key())]);
    refused_from_another_site(&app, Post::new(&app, "/jobs/new", "/jobs/new", new_job), c).await;
    let job2 = id(&app, "select id from jobs where title = 'Data Engineer'").await;
    let edit_job = form(&[("title", "Staff Data Engineer")]);
    refused_from_another_site(&app, Post::new(&app, "/jobs/{id}/edit", format!("/jobs/{job2}/edit"), edit_job), c)
        .await;
    refused_from_another_site(&app, Post::new(&app, "/jobs/{id}/close", format!("/jobs/{job2}/close"), form(&[])), c)
        .await;
    let reopen = Post::new(&app, "/jobs/{id}/reopen", format!("/jobs/{job2}/reopen"), form(&[]));
    refused_from_another_site(&app, reopen, c).await;

    // Interview templates and their questions.
    let template = |name: &str| {
        form(&[
            ("job_id", &job),
            ("name", name),
            ("difficulty", "medium"),
            ("focus_area", "SQL"),
            ("duration_minutes", "20"),
            ("intro", "Welcome."),
            ("idempotency_key", &key()),
        ])
    };
    let new_template = Post::new(&app, "/interview-templates/new", "/interview-templates/new", template("Data screen"));
    refused_from_another_site(&app, new_template, c).await;
    let draft = id(&app, "select id from interview_templates where name = 'Data screen'").await;
    let t = format!("/interview-templates/{draft}");
    let edit = Post::new(&app, "/interview-templates/{id}/edit", format!("{t}/edit"), template("Data screen 2"));
    refused_from_another_site(&app, edit, c).await;
    let question = |prompt: &str| {
        form(&[
            ("prompt", prompt),
            ("answer_kind", "video"),
            ("thinking_seconds", "30"),
            ("answer_seconds", "120"),
            ("key_points", "b-tree"),
            ("idempotency_key", &key()),
        ])
    };
    let add = Post::new(&app, "/interview-templates/{id}/questions", format!("{t}/questions"), question("Indexes?"));
    refused_from_another_site(&app, add, c).await;
    let first = id(&app, "select id from template_questions where prompt = 'Indexes?'").await;
    let Body::Form(second) = question("Joins?") else { unreachable!() };
    assert_eq!(app.client.post(app.url(&format!("{t}/questions"))).form(&second).send().await.unwrap().status(), 200);
    let second = id(&app, "select id from template_questions where prompt = 'Joins?'").await;
    let q = |question: Uuid, action: &str| format!("{t}/questions/{question}/{action}");
    let edit_question = Post::new(
        &app,
        "/interview-templates/{id}/questions/{question_id}/edit",
        q(first, "edit"),
        question("Which indexes?"),
    );
    refused_from_another_site(&app, edit_question, c).await;
    let route = "/interview-templates/{id}/questions/{question_id}/move-up";
    refused_from_another_site(&app, Post::new(&app, route, q(second, "move-up"), form(&[])), c).await;
    let route = "/interview-templates/{id}/questions/{question_id}/move-down";
    refused_from_another_site(&app, Post::new(&app, route, q(second, "move-down"), form(&[])), c).await;
    let route = "/interview-templates/{id}/questions/{question_id}/remove";
    refused_from_another_site(&app, Post::new(&app, route, q(first, "remove"), form(&[])), c).await;
    let publish = Post::new(&app, "/interview-templates/{id}/publish", format!("{t}/publish"), form(&[]));
    refused_from_another_site(&app, publish, c).await;
    let new_draft = Post::new(&app, "/interview-templates/{id}/new-draft", format!("{t}/new-draft"), form(&[]));
    refused_from_another_site(&app, new_draft, c).await;

    // Candidates and applications.
    let new_candidate = form(&[("name", "Grace Hopper"), ("email", "grace@example.com"), ("idempotency_key", &key())]);
    refused_from_another_site(&app, Post::new(&app, "/candidates/new", "/candidates/new", new_candidate), c).await;
    let grace = id(&app, "select id from candidates where email = 'grace@example.com'").await;
    let edit_candidate = form(&[("name", "Grace B. Hopper"), ("email", "grace@example.com")]);
    let edit = Post::new(&app, "/candidates/{id}/edit", format!("/candidates/{grace}/edit"), edit_candidate);
    refused_from_another_site(&app, edit, c).await;
    let to_job = form(&[("job_id", &job), ("idempotency_key", &key())]);
    let add = Post::new(&app, "/candidates/{id}/applications", format!("/candidates/{grace}/applications"), to_job);
    refused_from_another_site(&app, add, c).await;
    let application = id(&app, &format!("select id from applications where candidate_id = '{grace}'")).await;
    let stage = Post::new(
        &app,
        "/applications/{id}/stage",
        format!("/applications/{application}/stage"),
        form(&[("stage", "screening")]),
    );
    refused_from_another_site(&app, stage, c).await;

    // Sending interviews, one and in bulk, then deleting (archiving) and restoring.
    let send = form(&[("job_id", &job), ("version_id", &version), ("idempotency_key", &key())]);
    let send =
        Post::new(&app, "/candidates/{id}/send-interview", format!("/candidates/{candidate}/send-interview"), send);
    refused_from_another_site(&app, send, c).await;
    let interview = id(&app, &format!("select id from interviews where candidate_id = '{candidate}'")).await;
    let bulk =
        form(&[("ids", &grace.to_string()), ("job_id", &job), ("version_id", &version), ("idempotency_key", &key())]);
    refused_from_another_site(
        &app,
        Post::new(&app, "/candidates/send-interview", "/candidates/send-interview", bulk),
        c,
    )
    .await;
    let graces = id(&app, &format!("select id from interviews where candidate_id = '{grace}'")).await;
    let delete = Post::new(&app, "/candidates/{id}/delete", format!("/candidates/{grace}/delete"), form(&[]));
    refused_from_another_site(&app, delete, c).await;
    let restore = Post::new(&app, "/candidates/{id}/restore", format!("/candidates/{grace}/restore"), form(&[]));
    refused_from_another_site(&app, restore, c).await;

    // The recruiter's actions on an interview (a resend is refused within minutes of the last).
    sqlx::query("update interviews set last_invited_at = last_invited_at - interval '1 day'")
        .execute(&app.pool)
        .await
        .unwrap();
    let i = format!("/interviews/{interview}");
    refused_from_another_site(&app, Post::new(&app, "/interviews/{id}/resend", format!("{i}/resend"), form(&[])), c)
        .await;
    let new_link = Post::new(&app, "/interviews/{id}/new-link", format!("{i}/new-link"), form(&[]));
    refused_from_another_site(&app, new_link, c).await;
    refused_from_another_site(&app, Post::new(&app, "/interviews/{id}/extend", format!("{i}/extend"), form(&[])), c)
        .await;
    let double = form(&[("allowance", "double")]);
    let time = Post::new(&app, "/interviews/{id}/time-allowance", format!("{i}/time-allowance"), double);
    refused_from_another_site(&app, time, c).await;
    // A candidate's choice of a person's review instead of AI, on Grace's interview.
    let grace_browser = app.other_browser();
    let grace_nonce: Vec<u8> = sqlx::query_scalar("select link_nonce from interviews where id = $1")
        .bind(graces)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let grace_link =
        format!("/i/{}", hifinity::interviews::link::token(&app.state.config.secret_key, graces, &grace_nonce));
    let human_review =
        Post::new(&grace_browser, "/i/{token}/human-review", format!("{grace_link}/human-review"), form(&[]));
    refused_from_another_site(&app, human_review, c).await;
    let cancel = Post::new(&app, "/interviews/{id}/cancel", format!("/interviews/{graces}/cancel"), form(&[]));
    refused_from_another_site(&app, cancel, c).await;

    // The candidate's link: start, answer, complete.
    let candidate_browser = app.other_browser();
    let nonce: Vec<u8> = sqlx::query_scalar("select link_nonce from interviews where id = $1")
        .bind(interview)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let link = format!("/i/{}", hifinity::interviews::link::token(&app.state.config.secret_key, interview, &nonce));
    let questions: Vec<Uuid> =
        sqlx::query_scalar("select id from version_questions where version_id = $1 order by position")
            .bind(s.version_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let consent = Post::new(&candidate_browser, "/i/{token}/consent", format!("{link}/consent"), form(&[]));
    refused_from_another_site(&app, consent, c).await;
    let start = Post::new(&candidate_browser, "/i/{token}/start", format!("{link}/start"), form(&[]));
    refused_from_another_site(&app, start, c).await;
    let video = Body::Raw("video/webm", webm(2000));
    let answer = |q: Uuid| format!("{link}/answers/{q}");
    let first_answer = Post::new(&candidate_browser, "/i/{token}/answers/{question_id}", answer(questions[0]), video);
    refused_from_another_site(&app, first_answer, c).await;
    candidate_browser.get(&format!("{link}/q?question={}", questions[1])).await;
    let upload = candidate_browser.client.post(app.url(&answer(questions[1]))).header("content-type", "video/webm");
    assert_eq!(upload.body(webm(2000)).send().await.unwrap().status(), StatusCode::CREATED);
    candidate_browser.get(&format!("{link}/q?question={}", questions[2])).await;
    let typed = candidate_browser.post(&answer(questions[2]), &[("text", "Correctness first, kindly.")]).await;
    assert_eq!(typed.status, StatusCode::OK, "{}", typed.body);
    let complete = Post::new(&candidate_browser, "/i/{token}/complete", format!("{link}/complete"), form(&[]));
    refused_from_another_site(&app, complete, c).await;

    // The evaluation and the team's review of the completed interview.
    sqlx::query("update tasks set status = 'failed'").execute(&app.pool).await.unwrap();
    let rerun = Post::new(&app, "/interviews/{id}/evaluation/rerun", format!("{i}/evaluation/rerun"), form(&[]));
    refused_from_another_site(&app, rerun, c).await;
    let answer_id = id(&app, &format!("select id from answers where question_id = '{}'", questions[0])).await;
    let review = form(&[("rating", "4"), ("note", "Clear.")]);
    let route = "/interviews/{id}/answers/{answer_id}/review";
    refused_from_another_site(&app, Post::new(&app, route, format!("{i}/answers/{answer_id}/review"), review), c).await;
    let decision = form(&[("decision", "advance"), ("note", "Strong answers.")]);
    refused_from_another_site(&app, Post::new(&app, "/interviews/{id}/decision", format!("{i}/decision"), decision), c)
        .await;

    // Reviewers of the job and of the interview, and blind review.
    let me = id(&app, &format!("select id from users where email = '{RECRUITER}'")).await.to_string();
    let j = format!("/jobs/{job}/reviewers");
    let to_job = Post::new(&app, "/jobs/{id}/reviewers", j.clone(), form(&[("user_id", &me)]));
    refused_from_another_site(&app, to_job, c).await;
    let assign = form(&[("user_id", &me), ("due_on", "2026-12-07")]);
    refused_from_another_site(&app, Post::new(&app, "/interviews/{id}/reviewers", format!("{i}/reviewers"), assign), c)
        .await;
    let route = "/interviews/{id}/reviewers/{user_id}/remove";
    refused_from_another_site(&app, Post::new(&app, route, format!("{i}/reviewers/{me}/remove"), form(&[])), c).await;
    let route = "/jobs/{id}/reviewers/{user_id}/remove";
    refused_from_another_site(&app, Post::new(&app, route, format!("{j}/{me}/remove"), form(&[])), c).await;
    let blind = Post::new(&app, "/settings/blind-review", "/settings/blind-review", form(&[]));
    refused_from_another_site(&app, blind, c).await;

    // A share link of the interview, then its revocation.
    let share = form(&[("days", "7"), ("scope", "interview")]);
    refused_from_another_site(&app, Post::new(&app, "/interviews/{id}/shares", format!("{i}/shares"), share), c).await;
    let share_id = id(&app, "select id from share_links").await;
    let route = "/interviews/{id}/shares/{share_id}/revoke";
    refused_from_another_site(&app, Post::new(&app, route, format!("{i}/shares/{share_id}/revoke"), form(&[])), c)
        .await;

    // Candidates from a CSV file: its preview, then the import.
    let file = Body::Raw(MULTIPART_CONTENT_TYPE, multipart_file("new.csv", b"name,email\nNew Person,new@acme.com\n"));
    refused_from_another_site(&app, Post::new(&app, "/candidates/import", "/candidates/import", file), c).await;
    let import = id(&app, "select id from candidate_imports").await;
    let route = "/candidates/import/{id}";
    refused_from_another_site(&app, Post::new(&app, route, format!("/candidates/import/{import}"), form(&[])), c).await;
    // A webhook endpoint (its events start with the erasures below).
    let hook = form(&[("url", "https://hooks.acme.example/in"), ("events", "candidate.erased")]);
    refused_from_another_site(&app, Post::new(&app, "/settings/webhooks", "/settings/webhooks", hook), c).await;
    let endpoint = id(&app, "select id from webhook_endpoints").await;
    // The candidates' data: the deadline and retention, a request received otherwise (it
    // waits for the deadline), a recruiter's erasure, and Grace's own request at her link.
    let data =
        form(&[("erasure_deadline_days", "5"), ("recording_retention_days", "90"), ("inactive_candidate_months", "")]);
    refused_from_another_site(&app, Post::new(&app, "/settings/data", "/settings/data", data), c).await;
    let confirmed = || form(&[("confirm", "erase")]);
    let route = "/candidates/{id}/erasure-request";
    let request = Post::new(&app, route, format!("/candidates/{candidate}/erasure-request"), confirmed());
    refused_from_another_site(&app, request, c).await;
    let one = Post::new(&app, "/interviews/{id}/erase", format!("{i}/erase"), confirmed());
    refused_from_another_site(&app, one, c).await;
    let erase = Post::new(&app, "/candidates/{id}/erase", format!("/candidates/{candidate}/erase"), confirmed());
    refused_from_another_site(&app, erase, c).await;
    let own = Post::new(&grace_browser, "/i/{token}/erase", format!("{grace_link}/erase"), form(&[]));
    refused_from_another_site(&app, own, c).await;
    // The erasure's delivery sent again; the endpoint enabled after it was disabled, then deleted.
    let delivery = id(&app, "select id from webhook_deliveries limit 1").await;
    let hook = format!("/settings/webhooks/{endpoint}");
    let again = format!("{hook}/deliveries/{delivery}/redeliver");
    let redeliver = Post::new(&app, "/settings/webhooks/{id}/deliveries/{delivery_id}/redeliver", again, form(&[]));
    refused_from_another_site(&app, redeliver, c).await;
    sqlx::query("update webhook_endpoints set disabled_at = now()").execute(&app.pool).await.unwrap();
    let enable = Post::new(&app, "/settings/webhooks/{id}/enable", format!("{hook}/enable"), form(&[]));
    refused_from_another_site(&app, enable, c).await;
    let delete = Post::new(&app, "/settings/webhooks/{id}/delete", format!("{hook}/delete"), form(&[]));
    refused_from_another_site(&app, delete, c).await;

    // Passwords: changed by the recruiter, then reset by whoever gets the emailed link
    // (last, as a reset ends every session).
    let change = form(&[("current_password", PASSWORD), ("password", "a brand new passphrase")]);
    refused_from_another_site(&app, Post::new(&app, "/account/password", "/account/password", change), c).await;
    let forgot = form(&[("email", RECRUITER)]);
    refused_from_another_site(&app, Post::new(&stranger, "/forgot-password", "/forgot-password", forgot), c).await;
    let reset_link = path_in_message(&app.account_email_to(RECRUITER).await, "/reset-password/");
    let reset = form(&[("password", "yet another passphrase")]);
    refused_from_another_site(&app, Post::new(&stranger, "/reset-password/{token}", reset_link, reset), c).await;

    // The API's posts ignore cookies, so another site gets no further (tests/http/api.rs).
    let pages: BTreeSet<String> = routes_in_source("post").into_iter().filter(|r| !r.starts_with("/api/")).collect();
    assert_eq!(covered, pages, "every POST route of the pages has a case here");
}

/// Headers every kind of page carries, and the one that differs: only the candidate's
/// pages may use the camera and microphone.
#[sqlx::test]
async fn portal_candidate_and_error_pages_carry_the_security_headers(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme", RECRUITER).await;
    let s = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    let sent = app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert_eq!(sent.flash(), "Interview invitation sent to ada@example.com");
    let (interview, nonce): (Uuid, Vec<u8>) =
        sqlx::query_as("select id, link_nonce from interviews").fetch_one(&app.pool).await.unwrap();
    let token = hifinity::interviews::link::token(&app.state.config.secret_key, interview, &nonce);

    let portal = app.get("/candidates").await;
    assert_eq!((portal.status, portal.text("h1").as_str()), (StatusCode::OK, "Candidates"));
    let candidate = app.other_browser().get(&format!("/i/{token}")).await;
    assert_eq!(candidate.status, StatusCode::OK);
    assert_eq!(candidate.text("h1"), "Video interview: Senior Backend Engineer");
    let missing = app.get("/no-such-page").await;
    assert_eq!((missing.status, missing.text("h1").as_str()), (StatusCode::NOT_FOUND, "Page not found"));

    let no_devices = "camera=(), microphone=(), geolocation=()";
    let own_devices = "camera=(self), microphone=(self), geolocation=()";
    for (name, page, permissions) in [
        ("portal page", &portal, no_devices),
        ("candidate page", &candidate, own_devices),
        ("error page", &missing, no_devices),
    ] {
        let header = |h: &str| {
            page.headers.get(h).unwrap_or_else(|| panic!("{name}: no {h} header")).to_str().unwrap().to_owned()
        };
        let csp = header("content-security-policy");
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        assert!(directives.contains(&"script-src 'self'"), "{name}: scripts only from the site: {csp}");
        assert!(!csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"), "{name}: no inline script: {csp}");
        assert!(directives.contains(&"frame-ancestors 'none'"), "{name}: never framed: {csp}");
        assert_eq!(header("x-frame-options"), "DENY", "{name}");
        assert_eq!(header("cross-origin-opener-policy"), "same-origin", "{name}");
        assert_eq!(header("permissions-policy"), permissions, "{name}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{name}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{name}");
    }
}

/// Runs `hifinity serve` with one malformed setting; returns its exit status and stderr.
fn serve_with(variable: &str, value: &str) -> (std::process::ExitStatus, String) {
    run_with(&["serve"], &[(variable, value)])
}

/// Runs `hifinity <args>` with `settings` only; returns its exit status and stderr.
pub fn run_with(args: &[&str], settings: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    // An empty folder: no .env is read.
    let dir = ScratchDir::new("hifinity-settings");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hifinity"))
        .args(args)
        .env_clear()
        .current_dir(&dir.0)
        // Every setting is read before the database is reached, so it needs no server.
        .env("DATABASE_URL", "postgres://hifinity@127.0.0.1:1/hifinity")
        .env("DATA_DIR", &dir.0)
        .envs(settings.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} with {settings:?}: hifinity did not stop within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status, stderr)
}

#[test]
fn a_malformed_setting_stops_start_up_with_one_line_naming_it() {
    let cases = [
        ("APP_ENV", "staging"),
        ("BIND_ADDR", "nonsense"),
        ("BASE_URL", "ftp://hire.example.com"),
        ("SECRET_KEY", "not-hex"),
        ("TRUST_FORWARDED_FOR", "sometimes"),
        ("SMTP_URL", "http://x"),
        ("SMTP_MAX_CONNECTIONS", "0"),
        ("MAIL_FROM", "nobody"),
        ("INTERVIEW_LINK_DAYS", "0"),
        ("MEDIA_STORE", "/var/media"),
        ("MAX_ANSWER_MB", "0"),
        ("TRANSCRIBE_URL", "ftp://speech.example.com"),
        ("EVALUATOR_URL", "not a url"),
        ("EVALUATION_TIMEOUT_SECS", "0"),
        ("WORKER_POLL_SECS", "0"),
        ("HOUSEKEEPING_SECS", "an hour"),
        ("TRUSTED_PROXY_HOPS", "-1"),
        ("MAILBOX_ONLY", "sometimes"),
        ("SIGN_UPS_PER_HOUR", "0"),
        ("ACCOUNT_EMAILS_PER_HOUR", "many"),
    ];
    for (variable, value) in cases {
        let (status, stderr) = serve_with(variable, value);
        assert!(!status.success(), "{variable}={value}: start-up went on ({status})");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{variable}={value}: one line, not:\n{stderr}");
        assert!(lines[0].starts_with(&format!("error: {variable} ")), "{variable}={value}: {stderr}");
    }
    // APP_ENV=production demands a key instead of generating one.
    let (status, stderr) = serve_with("APP_ENV", "production");
    assert!(!status.success());
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        ["error: SECRET_KEY is required when APP_ENV=production (64 hex characters)"]
    );
}

#[test]
fn production_needs_a_mail_server_unless_the_built_in_mailbox_is_intended() {
    let key = ("SECRET_KEY", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    let (status, stderr) = run_with(&["serve"], &[("APP_ENV", "production"), key]);
    assert!(!status.success());
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("error: SMTP_URL is required when APP_ENV=production"), "{stderr}");
    assert!(lines[0].contains("MAILBOX_ONLY=true"), "{stderr}");

    // Intended: start-up goes on to the database (which this test does not run).
    let (_, stderr) = run_with(&["serve"], &[("APP_ENV", "production"), key, ("MAILBOX_ONLY", "true")]);
    assert!(!stderr.contains("SMTP_URL"), "{stderr}");
}

#[test]
fn the_demo_company_is_refused_in_production() {
    let key = ("SECRET_KEY", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    let settings = [("APP_ENV", "production"), key, ("SMTP_URL", "smtp://127.0.0.1:1")];
    let (status, stderr) = run_with(&["demo"], &settings);
    assert!(!status.success());
    assert!(stderr.starts_with("error: hifinity demo is refused when APP_ENV=production"), "{stderr}");
}

#[sqlx::test]
async fn signed_in_pages_are_never_cached_and_https_is_remembered(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let public = app.get("/sign-in").await;
    assert!(public.headers.get("strict-transport-security").is_none(), "not over plain HTTP");
    app.sign_up("Acme", RECRUITER).await;
    for path in ["/candidates", "/jobs", "/team", "/settings", "/account/password", "/no-such-page"] {
        let page = app.get(path).await;
        assert_eq!(page.headers.get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
    }

    let https = TestApp::spawn_with(app.pool.clone(), |config| {
        config.base_url = hifinity::config::parse_base_url("https://hire.example.com").unwrap();
    })
    .await;
    let page = https.get("/sign-in").await;
    assert_eq!(page.headers["strict-transport-security"], "max-age=31536000");
}
