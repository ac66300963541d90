//! Reviewers: assigned to an interview or a job, emailed when the interview is ready,
//! listed on My reviews; blind review until one's own ratings are in; the team rating
//! and its place on the Interviews page.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    evaluation::{evaluate, evaluated_text_interview, make_all_questions_text, queued_good_text_interview, ready},
    fixtures::Sendable,
    support::{PASSWORD, Page, TestApp, answers, count, path_in_message},
};

const REVIEWER: &str = "vic@acme.com";

async fn rate(browser: &TestApp, interview: Uuid, answer: Uuid, rating: i32, note: &str) -> Page {
    let page = browser
        .post(
            &format!("/interviews/{interview}/answers/{answer}/review"),
            &[("rating", &rating.to_string()), ("note", note)],
        )
        .await;
    assert_eq!(page.flash(), format!("Your rating ({rating}/5) is saved."));
    page
}

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar("select id from users where email = $1::citext").bind(email).fetch_one(&app.pool).await.unwrap()
}

async fn assign(admin: &TestApp, interview: Uuid, email: &str, due_on: &str) -> Page {
    let member = user_id(admin, email).await;
    admin
        .post(&format!("/interviews/{interview}/reviewers"), &[("user_id", &member.to_string()), ("due_on", due_on)])
        .await
}

#[sqlx::test]
async fn a_reviewer_sees_the_evaluation_and_the_others_ratings_only_after_rating_every_answer(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    let reviewer = admin.join_team(REVIEWER, "Vic Reviewer", "reviewer").await;
    let interview = evaluated_text_interview(&admin, &s).await;
    let answers = answers(&admin, interview).await;
    for &answer in &answers {
        rate(&admin, interview, answer, 4, "Clear and concrete.").await;
    }
    let path = format!("/interviews/{interview}");

    let page = reviewer.get(&path).await;
    assert_eq!(
        page.text(".evaluation-rate-first"),
        "Rate every answer first: the evaluation's scores and your teammates' ratings appear once yours are in."
    );
    assert!(page.texts(".evaluation-score-value").is_empty(), "no overall score");
    assert!(page.texts(".answer-score").is_empty(), "no score per answer");
    assert!(page.texts(".review").is_empty(), "no teammate's rating");
    assert_eq!(page.text(".team-rating"), "Team rating: shown once you have rated every answer. 1 of 1 have rated");
    let list = reviewer.get("/interviews").await;
    assert_eq!(list.text("td.evaluation-cell"), "DoneRate it to see the score");
    assert_eq!(list.text("td.team-rating-cell"), "—");

    // Two of three answers rated: still only their own.
    rate(&reviewer, interview, answers[0], 2, "").await;
    let page = rate(&reviewer, interview, answers[1], 3, "").await;
    assert!(page.texts(".evaluation-score-value").is_empty());
    assert_eq!(page.texts(".review strong"), ["Vic Reviewer (you)", "Vic Reviewer (you)"]);

    let page = rate(&reviewer, interview, answers[2], 1, "Missed correctness.").await;
    assert!(page.texts(".evaluation-rate-first").is_empty());
    assert!(!page.text(".evaluation-score-value").is_empty(), "the overall score appears");
    assert_eq!(page.texts(".answer-score").len(), 3, "each answer's score and evidence");
    assert_eq!(page.texts(".key-point-missed"), ["correctness"]);
    let third = format!("#answer-{} .review strong", answers[2]);
    assert_eq!(page.texts(&third), ["Riley Recruiter", "Vic Reviewer (you)"]);
    assert_eq!(page.text(".team-rating"), "Team rating 3.0 / 5 · spread 2.0 2 of 2 have rated");
}

#[sqlx::test]
async fn an_admin_can_let_reviewers_see_everything_at_once(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    let reviewer = admin.join_team(REVIEWER, "Vic Reviewer", "reviewer").await;
    let interview = evaluated_text_interview(&admin, &s).await;
    let settings = admin.get("/settings").await;
    assert_eq!(settings.texts("input[name=blind_review][checked]").len(), 1, "on by default");

    let refused = reviewer.post("/settings/blind-review", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let saved = admin.post("/settings/blind-review", &[]).await;
    assert_eq!(saved.flash(), "Saved. Reviewers see the evaluation and each other's ratings at once.");
    assert!(saved.texts("input[name=blind_review][checked]").is_empty());

    let page = reviewer.get(&format!("/interviews/{interview}")).await;
    assert!(page.texts(".evaluation-rate-first").is_empty());
    assert!(!page.text(".evaluation-score-value").is_empty());

    admin.post("/settings/blind-review", &[("blind_review", "on")]).await;
    let page = reviewer.get(&format!("/interviews/{interview}")).await;
    assert!(page.texts(".evaluation-score-value").is_empty());
}

#[sqlx::test]
async fn the_team_rating_is_the_mean_of_each_complete_reviewers_mean_with_its_spread(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    let recruiter = admin.join_team("rita@acme.com", "Rita Recruiter", "recruiter").await;
    let reviewer = admin.join_team(REVIEWER, "Vic Reviewer", "reviewer").await;
    let interview = evaluated_text_interview(&admin, &s).await;
    let answers = answers(&admin, interview).await;
    for (&answer, rating) in answers.iter().zip([5, 4, 4]) {
        rate(&admin, interview, answer, rating, "").await;
    }
    for &answer in &answers {
        rate(&recruiter, interview, answer, 2, "").await;
    }
    // Rated one answer of three: not counted in the rating, counted among the reviewers.
    rate(&reviewer, interview, answers[0], 1, "").await;

    let stored: (Option<f64>, Option<f64>, i32) =
        sqlx::query_as("select team_rating, team_rating_spread, team_raters from interviews where id = $1")
            .bind(interview)
            .fetch_one(&admin.pool)
            .await
            .unwrap();
    let (rating, spread, raters) = stored;
    assert!((rating.unwrap() - (13.0 / 3.0 + 2.0) / 2.0).abs() < 1e-9, "{rating:?}");
    assert!((spread.unwrap() - (13.0 / 3.0 - 2.0)).abs() < 1e-9, "{spread:?}");
    assert_eq!(raters, 2);
    let page = admin.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".team-rating"), "Team rating 3.2 / 5 · spread 2.3 2 of 3 have rated");
    assert_eq!(admin.get("/interviews").await.text("td.team-rating-cell"), "3.2 / 5 (2)");

    // Changing a rating keeps the stored rating current.
    rate(&recruiter, interview, answers[0], 5, "").await;
    let page = admin.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.text(".team-rating-value"), "3.7 / 5");
}

#[sqlx::test]
async fn assigned_reviewers_are_emailed_once_the_interview_is_evaluated_and_find_it_on_my_reviews(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    let reviewer = admin.join_team(REVIEWER, "Vic Reviewer", "reviewer").await;
    make_all_questions_text(&admin, &s).await;
    let (interview, _) = queued_good_text_interview(&admin, &s).await;
    let review_requests = "select count(*) from account_emails where kind = 'review_request'";

    // Reviewers cannot assign; recruiters and admins can, with a due date.
    let vic = user_id(&admin, REVIEWER).await.to_string();
    let refused = reviewer.post(&format!("/interviews/{interview}/reviewers"), &[("user_id", &vic)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad_date = assign(&admin, interview, REVIEWER, "next friday").await;
    assert_eq!(bad_date.flash(), "Enter the due date as a day, such as 2026-12-07.");
    let page = assign(&admin, interview, REVIEWER, "2020-12-07").await;
    assert_eq!(page.flash(), "Reviewer assigned.");
    assert_eq!(page.texts(".reviewer"), ["Vic Reviewer Not rated yet due Monday, December 7, 2020 Remove"]);
    assert_eq!(count(&admin, review_requests).await, 0, "not evaluated yet: no email");
    assert_eq!(reviewer.get("/reviews").await.text("#to-do h2"), "To do (0)");

    assert_eq!(evaluate(&admin, &admin.state.config).await, 1);
    assert_eq!(count(&admin, review_requests).await, 1);
    let email = admin.account_email_to(REVIEWER).await;
    let parsed = mail_parser::MessageParser::default().parse(&email).unwrap();
    assert_eq!(parsed.subject(), Some("Ready for your review: Ada Lovelace for Senior Backend Engineer"));
    let text = parsed.body_text(0).unwrap();
    assert!(text.contains("Please rate it by Monday, December 7, 2020."), "{text}");
    assert_eq!(path_in_message(&email, "/interviews/"), format!("/interviews/{interview}"));
    // Assigning again (a new due date) emails no one a second time.
    assign(&admin, interview, REVIEWER, "").await;
    assert_eq!(count(&admin, review_requests).await, 1);

    let mine = reviewer.get("/reviews").await;
    assert_eq!(mine.texts("nav.mainnav a[aria-current=\"page\"]"), ["My reviews"]);
    assert_eq!(mine.text("#to-do h2"), "To do (1)");
    assert_eq!(mine.text("#to-do td:nth-child(1)"), "Ada Lovelace");
    assert_eq!(mine.text("#to-do td:nth-child(4)"), "—", "the due date was cleared");
    assert_eq!(mine.text("#to-do td:nth-child(5)"), "0 of 3 answers rated");
    let waiting = reviewer.get("/interviews?review=mine").await;
    assert_eq!(waiting.texts("tbody tr").len(), 1);

    for answer in answers(&admin, interview).await {
        rate(&reviewer, interview, answer, 3, "").await;
    }
    let mine = reviewer.get("/reviews").await;
    assert_eq!(mine.text("#to-do h2"), "To do (0)");
    assert_eq!(mine.text("#done h2"), "Done (1)");
    assert!(mine.text("#done td:nth-child(5)").starts_with("3 of 3 answers rated"));
    let waiting = reviewer.get("/interviews?review=mine").await;
    assert_eq!(waiting.text("h2"), "No interviews match these filters");
}

#[sqlx::test]
async fn an_assignment_to_an_interview_already_evaluated_emails_at_once_and_removal_stops_the_email(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    admin.join_team(REVIEWER, "Vic Reviewer", "reviewer").await;
    admin.join_team("rita@acme.com", "Rita Recruiter", "recruiter").await;
    let interview = evaluated_text_interview(&admin, &s).await;
    assign(&admin, interview, REVIEWER, "").await;
    assign(&admin, interview, "rita@acme.com", "").await;
    let rita = user_id(&admin, "rita@acme.com").await;
    let removed = admin.post(&format!("/interviews/{interview}/reviewers/{rita}/remove"), &[]).await;
    assert_eq!(removed.flash(), "Reviewer removed.");
    admin.deliver_account_mail().await;
    let outcomes: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "select to_address, status::text, last_error from account_emails where kind = 'review_request' order by to_address",
    )
    .fetch_all(&admin.pool)
    .await
    .unwrap();
    assert_eq!(
        outcomes,
        [
            ("rita@acme.com".into(), "failed".into(), Some("Not sent: the reviewer is no longer assigned".into())),
            (REVIEWER.into(), "sent".into(), None),
        ]
    );
}

#[sqlx::test]
async fn a_jobs_default_reviewers_are_assigned_to_its_interviews(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    admin.join_team(REVIEWER, "Vic Reviewer", "reviewer").await;
    let vic = user_id(&admin, REVIEWER).await;
    let page = admin.post(&format!("/jobs/{}/reviewers", s.job_id), &[("user_id", &vic.to_string())]).await;
    assert_eq!(page.flash(), "Default reviewer added: assigned to this job's interviews.");
    assert_eq!(page.texts("#reviewers .reviewer-name"), ["Vic Reviewer"]);

    let sent = admin.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    assert!(sent.flash().starts_with("Interview invitation sent"), "{}", sent.flash());
    let interview: Uuid = sqlx::query_scalar("select id from interviews").fetch_one(&admin.pool).await.unwrap();
    let page = admin.get(&format!("/interviews/{interview}")).await;
    assert_eq!(page.texts("#reviewers .reviewer-name"), ["Vic Reviewer"]);

    // Removed from the job: new interviews no longer get them; the first one keeps them.
    let removed = admin.post(&format!("/jobs/{}/reviewers/{vic}/remove", s.job_id), &[]).await;
    assert_eq!(removed.flash(), "Default reviewer removed. The interviews already assigned keep them.");
    let other = crate::fixtures::candidate(&admin.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    admin.send_interview(other, s.job_id, s.version_id).await;
    assert_eq!(count(&admin, "select count(*) from interview_reviewers").await, 1);
}

#[sqlx::test]
async fn the_interviews_page_sorts_by_team_rating(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    let s = ready(&admin).await;
    let first = evaluated_text_interview(&admin, &s).await;
    let other = crate::fixtures::candidate(&admin.pool, s.company_id, "Grace Hopper", "grace@example.com").await;
    let second = evaluated_text_interview(&admin, &Sendable { candidate_id: other, ..s }).await;
    let unrated = crate::fixtures::candidate(&admin.pool, s.company_id, "Alan Turing", "alan@example.com").await;
    evaluated_text_interview(&admin, &Sendable { candidate_id: unrated, ..s }).await;
    for (interview, rating) in [(first, 2), (second, 5)] {
        for answer in answers(&admin, interview).await {
            rate(&admin, interview, answer, rating, "").await;
        }
    }
    let names = |page: Page| page.texts("tbody td:first-child a");
    assert_eq!(names(admin.get("/interviews?sort=rating").await), ["Grace Hopper", "Ada Lovelace", "Alan Turing"]);
    assert_eq!(names(admin.get("/interviews?sort=rating_asc").await), ["Ada Lovelace", "Grace Hopper", "Alan Turing"]);
}

#[sqlx::test]
async fn a_reviewer_starts_on_my_reviews_and_everyone_else_on_candidates(pool: PgPool) {
    let admin = TestApp::spawn(pool).await;
    admin.sign_up("Acme Robotics", "riley@acme.com").await;
    let reviewer = admin.join_team(REVIEWER, "Vic Reviewer", "reviewer").await;
    let recruiter = admin.join_team("rita@acme.com", "Rita Recruiter", "recruiter").await;

    assert!(reviewer.get("/").await.url.ends_with("/reviews"));
    assert!(recruiter.get("/").await.url.ends_with("/candidates"));
    assert!(admin.get("/").await.url.ends_with("/candidates"));
    let signed_in = admin.other_browser().sign_in(REVIEWER, PASSWORD).await;
    assert!(signed_in.url.ends_with("/reviews"), "{}", signed_in.url);
    assert_eq!(signed_in.flash(), "You are signed in.");
    let to_interviews = admin
        .other_browser()
        .post("/sign-in", &[("email", REVIEWER), ("password", PASSWORD), ("next", "/interviews")])
        .await;
    assert!(to_interviews.url.ends_with("/interviews"), "the page asked for first");
}
