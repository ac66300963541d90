//! The Dashboard: a period's cohort (the interviews first sent in it) through the funnel,
//! the median time to completion, the share reminded, where candidates stop and the
//! completions per day; for the company or one job, never counting another company's.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    evaluation::evaluate,
    fixtures,
    support::{Page, TestApp},
};

/// Where an interview of the data set got to; times are hours after it was sent.
#[derive(Default)]
struct Story {
    sent_days_ago: i32,
    email_opened: bool,
    link_opened: bool,
    started: bool,
    /// Questions answered, in order, before it stopped.
    answered: usize,
    completed_after_hours: Option<i32>,
    evaluated: bool,
    person_review: bool,
    reminded: bool,
    /// Set for a started interview that did not complete: 'expired' or 'cancelled'.
    ended: Option<&'static str>,
}

/// Writes an interview with the history `story` tells, as the lifecycle would have left it.
async fn interview(pool: &PgPool, company: Uuid, job: Uuid, version: Uuid, story: Story) -> Uuid {
    let candidate = fixtures::candidate(pool, company, "Cand Idate", &format!("{}@example.com", Uuid::new_v4())).await;
    let application: Uuid = sqlx::query_scalar(
        "insert into applications (id, company_id, candidate_id, job_id) values (gen_random_uuid(), $1, $2, $3) returning id",
    )
    .bind(company)
    .bind(candidate)
    .bind(job)
    .fetch_one(pool)
    .await
    .unwrap();
    let status = match (story.completed_after_hours, story.ended, story.started) {
        (Some(_), _, _) => "completed",
        (None, Some(ended), _) => ended,
        (None, None, true) => "in_progress",
        (None, None, false) => "pending",
    };
    let id: Uuid = sqlx::query_scalar(
        "insert into interviews (id, company_id, application_id, candidate_id, job_id, template_version_id, status,
             link_nonce, idempotency_key, expires_at, created_at, last_invited_at, email_sent_at, email_opened_at,
             link_opened_at, consented_at, consent_notice_version, started_at, completed_at, human_review_requested_at,
             reminders_sent)
         select gen_random_uuid(), $1, $2, $3, $4, $5, $6::interview_status, '\\x00', gen_random_uuid(),
                sent + interval '14 days', sent, sent, sent,
                case when $7 then sent + interval '10 minutes' end,
                case when $8 or $9 then sent + interval '20 minutes' end,
                case when $9 then sent + interval '25 minutes' end, case when $9 then 'v1' end,
                case when $9 then sent + interval '30 minutes' end,
                sent + make_interval(hours => $10),
                case when $11 then sent + interval '25 minutes' end,
                $12
         from (select now() - make_interval(days => $13) as sent) t
         returning id",
    )
    .bind(company)
    .bind(application)
    .bind(candidate)
    .bind(job)
    .bind(version)
    .bind(status)
    .bind(story.email_opened)
    .bind(story.link_opened)
    .bind(story.started || story.completed_after_hours.is_some())
    .bind(story.completed_after_hours)
    .bind(story.person_review)
    .bind(i32::from(story.reminded))
    .bind(story.sent_days_ago)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into answers (id, interview_id, company_id, question_id, answer_kind, text_answer, media_key)
         select gen_random_uuid(), $1, $2, q.id, q.answer_kind, 'An answer.', 'recording.webm'
         from version_questions q where q.version_id = $3
         order by q.position limit $4",
    )
    .bind(id)
    .bind(company)
    .bind(version)
    .bind(story.answered as i64)
    .execute(pool)
    .await
    .unwrap();
    if story.evaluated {
        sqlx::query(
            "insert into evaluations (id, company_id, interview_id, status, overall_score)
             values (gen_random_uuid(), $1, $2, 'done', 70)",
        )
        .bind(company)
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    }
    id
}

struct DataSet {
    backend_job: Uuid,
    design_job: Uuid,
}

/// Nine interviews sent in the last 30 days (eight for the backend job, one for design),
/// one sent 40 days ago, and another company's completed interview.
async fn data_set(app: &TestApp) -> DataSet {
    let s = crate::evaluation::ready(app).await;
    let (pool, company) = (&app.pool, s.company_id);
    let design_job = fixtures::job(pool, company, "Product Designer").await;
    let (_, design_version) = fixtures::published_template(pool, company, design_job, "Design screen").await;
    let backend = |story| interview(pool, company, s.job_id, s.version_id, story);
    backend(Story { sent_days_ago: 10, ..Story::default() }).await;
    backend(Story { sent_days_ago: 9, email_opened: true, ..Story::default() }).await;
    // The tracking image was blocked, but the link was opened: the email was opened.
    backend(Story { sent_days_ago: 8, link_opened: true, ..Story::default() }).await;
    backend(Story {
        sent_days_ago: 7,
        email_opened: true,
        started: true,
        answered: 1,
        ended: Some("expired"),
        ..Story::default()
    })
    .await;
    backend(Story {
        sent_days_ago: 6,
        email_opened: true,
        started: true,
        ended: Some("cancelled"),
        ..Story::default()
    })
    .await;
    backend(Story {
        sent_days_ago: 5,
        email_opened: true,
        completed_after_hours: Some(2),
        answered: 3,
        evaluated: true,
        reminded: true,
        ..Story::default()
    })
    .await;
    backend(Story {
        sent_days_ago: 4,
        email_opened: true,
        completed_after_hours: Some(4),
        answered: 3,
        person_review: true,
        ..Story::default()
    })
    .await;
    // Completed, its evaluation not finished yet.
    backend(Story {
        sent_days_ago: 3,
        email_opened: true,
        completed_after_hours: Some(6),
        answered: 3,
        ..Story::default()
    })
    .await;
    interview(
        pool,
        company,
        design_job,
        design_version,
        Story {
            sent_days_ago: 2,
            email_opened: true,
            completed_after_hours: Some(1),
            answered: 3,
            evaluated: true,
            ..Story::default()
        },
    )
    .await;
    // Sent before the period: neither in the cohort nor among its completions.
    backend(Story {
        sent_days_ago: 40,
        email_opened: true,
        completed_after_hours: Some(24 * 5),
        answered: 3,
        evaluated: true,
        ..Story::default()
    })
    .await;

    // Another company, with a completed interview sent yesterday.
    let globex = app.other_browser();
    globex.sign_up("Globex", "gus@globex.com").await;
    let other = fixtures::sendable(pool, app.company_id("gus@globex.com").await).await;
    interview(
        pool,
        other.company_id,
        other.job_id,
        other.version_id,
        Story {
            sent_days_ago: 1,
            email_opened: true,
            completed_after_hours: Some(1),
            answered: 3,
            evaluated: true,
            ..Story::default()
        },
    )
    .await;
    DataSet { backend_job: s.job_id, design_job }
}

fn column(page: &Page, table: &str, n: usize) -> Vec<String> {
    page.texts(&format!("{table} tbody td:nth-of-type({n})"))
}

#[sqlx::test]
async fn the_funnel_counts_the_cohort_sent_in_the_period_and_no_other_company(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    data_set(&app).await;
    let page = app.get("/dashboard?days=30").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.texts("#funnel-table tbody th"),
        [
            "Invitations sent",
            "Email opened",
            "Link opened",
            "Started",
            "Completed",
            "Evaluated or set for a person's review"
        ]
    );
    assert_eq!(column(&page, "#funnel-table", 1), ["9", "8", "7", "6", "4", "3"]);
    assert_eq!(column(&page, "#funnel-table", 2), ["100.0 %", "88.9 %", "77.8 %", "66.7 %", "44.4 %", "33.3 %"]);
    assert_eq!(column(&page, "#funnel-table", 3), ["—", "88.9 %", "87.5 %", "85.7 %", "66.7 %", "75.0 %"]);
    // Completed after 1, 2, 4 and 6 hours.
    assert_eq!(page.text("#median-time"), "3 h 0 min");
    assert_eq!(page.text("#reminded"), "11.1 % (1 of 9)");
}

#[sqlx::test]
async fn a_job_shows_only_its_own_interviews(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let data = data_set(&app).await;
    let backend = app.get(&format!("/dashboard?days=30&job={}", data.backend_job)).await;
    assert_eq!(column(&backend, "#funnel-table", 1), ["8", "7", "6", "5", "3", "2"]);
    assert_eq!(backend.text("#median-time"), "4 h 0 min");
    assert_eq!(backend.text("h1"), "Dashboard: Senior Backend Engineer");
    let design = app.get(&format!("/dashboard?days=30&job={}", data.design_job)).await;
    assert_eq!(column(&design, "#funnel-table", 1), ["1", "1", "1", "1", "1", "1"]);
    assert!(design.texts("#stops-table").is_empty());
}

#[sqlx::test]
async fn candidates_stop_at_the_first_question_they_did_not_answer(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    data_set(&app).await;
    let page = app.get("/dashboard").await;
    // The expired interview answered the first question; the cancelled one none.
    assert_eq!(
        page.texts("#stops-table tbody th"),
        [
            "1. Tell us about a system you designed and the trade-offs you made.",
            "2. How would you find the cause of a slow database query?"
        ]
    );
    assert_eq!(column(&page, "#stops-table", 1), ["1", "1"]);
}

#[sqlx::test]
async fn the_charts_are_svg_beside_tables_and_completions_are_counted_per_utc_day(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    data_set(&app).await;
    let page = app.get("/dashboard?days=7").await;
    assert_eq!(page.attrs("svg.funnel-chart rect", "width").len(), 6);
    assert_eq!(page.text("#days-title"), "Completions per day (UTC)");
    let days = page.texts("#days-table tbody th");
    assert_eq!(days.len(), 7);
    let counts: Vec<i64> = column(&page, "#days-table", 1).iter().map(|n| n.parse().unwrap()).collect();
    // Sent 5, 4, 3 and 2 days ago and completed within hours: four days of one each.
    assert_eq!(counts.iter().sum::<i64>(), 4);
    // One bar per day with a completion (two of them may share a UTC day).
    assert_eq!(page.attrs("svg.day-chart rect", "height").len(), counts.iter().filter(|n| **n > 0).count());
}

#[sqlx::test]
async fn a_chosen_period_selects_its_own_cohort(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    data_set(&app).await;
    let today = time::OffsetDateTime::now_utc().date();
    let day = |n: i64| (today - time::Duration::days(n)).to_string();
    // From 45 to 35 days ago: only the interview sent 40 days ago.
    let page = app.get(&format!("/dashboard?from={}&to={}", day(45), day(35))).await;
    assert_eq!(column(&page, "#funnel-table", 1), ["1", "1", "1", "1", "1", "1"]);
    assert_eq!(page.text("#days-title"), "Completions per day (UTC)");
    assert_eq!(column(&page, "#days-table", 1).iter().filter(|n| *n == "1").count(), 1);
    let reversed = app.get(&format!("/dashboard?from={}&to={}", day(1), day(5))).await;
    assert_eq!(reversed.text("[role=alert]"), "The period ends before it starts. Showing the last 30 days instead.");
}

#[sqlx::test]
async fn a_reviewer_reads_the_dashboard(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    data_set(&app).await;
    let reviewer = app.join_team("vic@acme.com", "Vic Reviewer", "reviewer").await;
    let page = reviewer.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(column(&page, "#funnel-table", 1)[0], "9");
    assert_eq!(page.texts(".mainnav a")[0], "Dashboard");
}

#[sqlx::test]
async fn the_demo_shows_an_interview_in_every_state_with_evaluations_and_ratings(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    hifinity::demo::seed(&app.pool, &app.state.media, false).await.unwrap();
    let states: Vec<String> = sqlx::query_scalar("select distinct status::text from interviews order by 1")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(states, ["cancelled", "completed", "expired", "in_progress", "pending"]);
    evaluate(&app, &app.state.config).await;
    let evaluated: i64 =
        sqlx::query_scalar("select count(*) from evaluations where status = 'done' and overall_score is not null")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(evaluated >= 5, "{evaluated} evaluated");
    let raters: i64 =
        sqlx::query_scalar("select count(distinct user_id) from answer_reviews").fetch_one(&app.pool).await.unwrap();
    assert_eq!(raters, 2);

    app.sign_in(hifinity::demo::EMAIL, hifinity::demo::PASSWORD).await;
    // A completed interview answered on video: its recordings play, and with no
    // transcription service its evaluation says what it could not score.
    let (interview, answer): (Uuid, Uuid) = sqlx::query_as(
        "select a.interview_id, a.id from answers a join interviews i on i.id = a.interview_id
         where a.media_key is not null and i.status = 'completed' order by a.created_at limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let played =
        app.client.get(app.url(&format!("/interviews/{interview}/answers/{answer}/media"))).send().await.unwrap();
    assert_eq!(played.status(), StatusCode::OK);
    assert_eq!(played.headers()["content-type"], "video/webm");
    let recording = played.bytes().await.unwrap();
    assert_eq!(recording.as_ref(), std::fs::read("src/demo/answer.webm").unwrap(), "the demo's recording");
    let shown = app.get(&format!("/interviews/{interview}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    let sources = shown.attrs("video", "src");
    assert!(sources.len() >= 2 && sources.iter().all(|src| src.ends_with("/media")), "{sources:?}");

    let page = app.get("/dashboard").await;
    let counts: Vec<i64> = column(&page, "#funnel-table", 1).iter().map(|n| n.parse().unwrap()).collect();
    assert_eq!(counts[0], 21);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]) && counts[5] > 0, "{counts:?}");
    assert!(!page.texts("#stops-table tbody th").is_empty());
}

#[sqlx::test]
async fn the_seeder_writes_interviews_with_a_funnel(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    hifinity::demo::seed_funnel(&app.pool, &app.state.media, 2_000).await.unwrap();
    let seeded: i64 = sqlx::query_scalar("select count(*) from interviews").fetch_one(&app.pool).await.unwrap();
    assert_eq!(seeded, 2_000 + 21);
    // Every seeded interview has its invitation, sent, and opened when the interview
    // says so; none has two.
    let invited: i64 = sqlx::query_scalar(
        "select count(*) from interviews i
         where exists(select 1 from emails e
                      where e.interview_id = i.id and e.kind = 'invitation' and e.status = 'sent'
                        and e.sent_at = i.email_sent_at and e.opened_at is not distinct from i.email_opened_at)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(invited >= 2_000, "{invited} seeded interviews have their invitation");
    let twice: i64 = sqlx::query_scalar(
        "select count(*) from (select from emails where kind = 'invitation' group by interview_id having count(*) > 1) t",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(twice, 0);
    app.sign_in(hifinity::demo::EMAIL, hifinity::demo::PASSWORD).await;
    let page = app.get("/dashboard?days=90").await;
    let counts: Vec<i64> = column(&page, "#funnel-table", 1).iter().map(|n| n.parse().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(counts[0] > 1_000 && counts[4] > counts[0] / 5 && counts[5] > 0, "{counts:?}");
    assert!(!page.texts("#stops-table tbody th").is_empty());
}
