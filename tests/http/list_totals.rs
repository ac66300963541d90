//! The Interviews page and the Applications list say how many they select from running
//! totals kept beside the rows: the totals must match the rows through every kind of
//! change, and stay the same when housekeeping folds them.

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures::{self, Sendable},
    support::{TestApp, count},
};

const RECRUITER: &str = "riley@acme.com";

fn shown(page: &crate::support::Page) -> String {
    page.text(".pagination p")
}

/// Every group whose totals do not match its rows, in both tables (empty when all agree).
async fn mismatches(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "with kept as (
           select 'interviews' as list, company_id, job_id, status::text as state, sum(interviews) as n
           from interview_counts group by 1, 2, 3, 4
           union all
           select 'applications', company_id, job_id, stage::text, sum(applications)
           from application_counts group by 1, 2, 3, 4),
         held as (
           select 'interviews' as list, company_id, job_id, status::text as state, count(*) as n
           from interviews group by 1, 2, 3, 4
           union all
           select 'applications', company_id, job_id, stage::text, count(*) from applications group by 1, 2, 3, 4)
         select concat_ws(' ', list, state, kept.n, held.n)
         from kept full join held using (list, company_id, job_id, state)
         where coalesce(kept.n, 0) <> coalesce(held.n, 0)",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Each page's "Showing" line, `{job}` in a path standing for `job`.
async fn check(app: &TestApp, job: Uuid, expected: &[(&str, &str)]) {
    for (path, total) in expected {
        let path = path.replace("{job}", &job.to_string());
        assert_eq!(shown(&app.get(&path).await), *total, "{path}");
    }
}

#[sqlx::test]
async fn totals_follow_sends_moves_and_erasure_and_folding_keeps_them(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let s = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    let other_job = fixtures::job(&app.pool, s.company_id, "Support Lead").await;
    let (_, other_version) = fixtures::published_template(&app.pool, s.company_id, other_job, "Support screen").await;
    let mut sent = vec![s.candidate_id];
    for (name, email) in [("Grace Hopper", "grace@example.com"), ("Linus Pauling", "linus@example.com")] {
        sent.push(fixtures::candidate(&app.pool, s.company_id, name, email).await);
    }
    for candidate in &sent {
        app.send_interview(*candidate, s.job_id, s.version_id).await;
    }
    let margaret = fixtures::candidate(&app.pool, s.company_id, "Margaret Hamilton", "margaret@example.com").await;
    let support = Sendable { candidate_id: margaret, job_id: other_job, version_id: other_version, ..s };
    app.send_interview(support.candidate_id, support.job_id, support.version_id).await;
    assert_eq!(shown(&app.get("/interviews").await), "Showing 1–4 of 4");

    let grace: Uuid = sqlx::query_scalar("select id from interviews where candidate_id = $1")
        .bind(sent[1])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.post(&format!("/interviews/{grace}/cancel"), &[]).await;
    let erased = app.post(&format!("/candidates/{}/erase", sent[2]), &[("confirm", "erase")]).await;
    assert_eq!(erased.flash(), "The candidate and everything held about them were erased.");
    let ada_application: Uuid = sqlx::query_scalar("select application_id from interviews where candidate_id = $1")
        .bind(s.candidate_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.post(&format!("/applications/{ada_application}/stage"), &[("stage", "screening")]).await;

    let expected = [
        ("/interviews", "Showing 1–3 of 3"),
        ("/interviews?status=cancelled", "Showing 1–1 of 1"),
        ("/interviews?job={job}", "Showing 1–2 of 2"),
        ("/interviews?status=pending&job={job}", "Showing 1–1 of 1"),
        ("/applications", "Showing 1–3 of 3"),
        ("/applications?stage=screening&job={job}", "Showing 1–1 of 1"),
    ];
    check(&app, s.job_id, &expected).await;
    for list in ["interviews", "applications"] {
        let past_the_end = app.get(&format!("/{list}?page=9")).await;
        assert_eq!(past_the_end.text(".empty h2"), "This page is past the end of the list");
        assert_eq!(past_the_end.link(".empty a"), Some(format!("/{list}?page=1")), "still counted");
    }
    assert_eq!(mismatches(&app).await, Vec::<String>::new());
    assert!(count(&app, "select count(*) from interview_counts").await > 3, "the changes are appended");

    let folded = hifinity::counts::fold(&app.pool).await.unwrap();
    assert!(folded > 0);
    assert_eq!(mismatches(&app).await, Vec::<String>::new());
    check(&app, s.job_id, &expected).await;
    // One row per group that holds any, and none for a group that sums to nothing
    // (the erased candidate's job and status).
    let groups = "select count(*) from (select distinct company_id, job_id, status from interviews) g";
    assert_eq!(count(&app, "select count(*) from interview_counts").await, count(&app, groups).await);
    assert_eq!(count(&app, "select count(*) from interview_counts where interviews = 0").await, 0);
    assert_eq!(hifinity::counts::fold(&app.pool).await.unwrap(), 0, "a second fold has nothing to do");

    // Changes after a fold are added to the folded rows.
    let erased = app.post(&format!("/interviews/{grace}/erase"), &[("confirm", "erase")]).await;
    assert_eq!(erased.flash(), "The interview and everything it held were erased.");
    assert_eq!(shown(&app.get("/interviews").await), "Showing 1–2 of 2");
    assert_eq!(mismatches(&app).await, Vec::<String>::new());
}

#[sqlx::test]
async fn the_interviews_page_sorts_and_filters_by_the_latest_finished_score_kept_on_the_interview(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let s = fixtures::sendable(&app.pool, app.company_id(RECRUITER).await).await;
    let grace = fixtures::candidate(&app.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    for candidate in [s.candidate_id, grace] {
        app.send_interview(candidate, s.job_id, s.version_id).await;
    }
    let interview = |candidate: Uuid| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>("select id from interviews where candidate_id = $1")
                .bind(candidate)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (ada_id, grace_id) = (interview(s.candidate_id).await, interview(grace).await);
    let run = |interview: Uuid, score: Option<i32>, status: &'static str, age: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query(
                "insert into evaluations (id, company_id, interview_id, status, overall_score, recommendation, created_at)
                 select $1, company_id, id, $3::evaluation_status, $2,
                        case when $2 is null then null else 'yes'::recommendation end, now() - $4::interval
                 from interviews where id = $5",
            )
            .bind(Uuid::new_v4())
            .bind(score)
            .bind(status)
            .bind(age)
            .bind(interview)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    run(ada_id, Some(40), "done", "2 hours").await;
    run(grace_id, Some(70), "done", "2 hours").await;
    let names = |page: crate::support::Page| page.texts("tbody td:first-child a");
    assert_eq!(names(app.get("/interviews?sort=score").await), ["Grace Hopper", "Ada Lovelace"]);

    // A newer finished run replaces the score; a newer run still going does not.
    run(ada_id, Some(90), "done", "1 hour").await;
    run(grace_id, None, "running", "1 minute").await;
    assert_eq!(names(app.get("/interviews?sort=score").await), ["Ada Lovelace", "Grace Hopper"]);
    assert_eq!(names(app.get("/interviews?min_score=80").await), ["Ada Lovelace"]);
    let kept: Vec<(Option<i32>,)> = sqlx::query_as("select evaluation_score from interviews order by evaluation_score")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, [(Some(70),), (Some(90),)]);

    // Deleting the latest finished run brings back the one before it.
    sqlx::query("delete from evaluations where interview_id = $1 and overall_score = 90")
        .bind(ada_id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(names(app.get("/interviews?sort=score").await), ["Grace Hopper", "Ada Lovelace"]);
    assert_eq!(names(app.get("/interviews?min_score=80").await), Vec::<String>::new());
}

#[sqlx::test]
async fn a_search_counts_its_matches_even_past_the_last_page(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.sign_up("Acme Robotics", RECRUITER).await;
    let company_id = app.company_id(RECRUITER).await;
    let s = fixtures::sendable(&app.pool, company_id).await;
    // Ada Lovelace and 30 Ada Byrons are sent an interview (and so added to its job),
    // Grace Hopper too.
    let mut candidates = vec![s.candidate_id];
    for n in 1..=30 {
        let (name, email) = (format!("Ada Byron {n}"), format!("byron{n}@example.com"));
        candidates.push(fixtures::candidate(&app.pool, company_id, &name, &email).await);
    }
    candidates.push(fixtures::candidate(&app.pool, company_id, "Grace Hopper", "grace@example.com").await);
    for candidate in candidates {
        app.send_interview(candidate, s.job_id, s.version_id).await;
    }
    for (path, total, last) in [
        ("/interviews?candidate=ada", "Showing 26–31 of 31", "/interviews?candidate=ada&page=2"),
        ("/applications?q=ada", "Showing 26–31 of 31", "/applications?q=ada&page=2"),
    ] {
        assert_eq!(shown(&app.get(&format!("{path}&page=2")).await), total, "{path}");
        let past_the_end = app.get(&format!("{path}&page=9")).await;
        assert_eq!(past_the_end.text(".empty h2"), "This page is past the end of the list", "{path}");
        assert_eq!(past_the_end.link(".empty a").as_deref(), Some(last), "{path}: still counted");
    }
}
