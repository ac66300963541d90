//! The time the server gives each answer: a question's window opens when it is first
//! shown, recordings arriving after its thinking and answer time and the grace are
//! refused, retakes are counted, a reload resumes with the time left, and a recruiter's
//! extra time stretches the window (and is never mentioned in an email).

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::candidate_portal::{Sent, sent_interview, webm};

/// Moves the question's window `seconds` into the past, as if it had been shown then.
async fn shown_ago(s: &Sent, question: Uuid, seconds: i64) {
    sqlx::query(
        "update question_windows set opened_at = opened_at - make_interval(secs => $2),
                first_shown_at = first_shown_at - make_interval(secs => $2),
                answer_by = answer_by - make_interval(secs => $2)
         where question_id = $1",
    )
    .bind(question)
    .bind(seconds as f64)
    .execute(&s.app.pool)
    .await
    .unwrap();
}

/// The recorder's times on the question page: (thinking left, answer left), or `None`
/// without time limits.
async fn recorder_times(s: &Sent, question: Uuid) -> Option<(i64, i64)> {
    let page = s.show(question).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let number = |attr| page.attrs("[data-recorder]", attr).first().map(|v| v.parse::<i64>().unwrap());
    number("data-thinking").zip(number("data-answer"))
}

const TOO_LATE: &str = "The time for this question ended before your answer arrived, so it was not saved.";

#[sqlx::test]
async fn a_recording_arriving_after_its_time_and_the_grace_is_refused(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.start().await;
    // Thinking 30 s and answer 120 s, then a grace of 120 s: 270 s in all.
    s.show(s.questions[0]).await;
    shown_ago(&s, s.questions[0], 275).await;
    let (status, message) = s.upload_unshown(s.questions[0], "video/webm", webm(1000)).await;
    assert_eq!((status, message.as_str()), (StatusCode::CONFLICT, TOO_LATE));
    assert_eq!(s.count("select count(*) from answers").await, 0);

    // Within the grace, a slow upload is still taken.
    s.show(s.questions[1]).await;
    shown_ago(&s, s.questions[1], 260).await;
    assert_eq!(s.upload_unshown(s.questions[1], "video/webm", webm(1000)).await.0, StatusCode::CREATED);

    // The question whose time ran out is passed over, and the interview can complete without it.
    let next = s.candidate.get(&format!("{}/q", s.path)).await;
    assert_eq!(next.text(".question-progress span"), "Question 3 of 3");
    s.candidate.post(&format!("{}/answers/{}", s.path, s.questions[2]), &[("text", "Kindly.")]).await;
    let review = s.candidate.get(&format!("{}/q", s.path)).await;
    assert_eq!(review.texts("[data-missed]"), ["Not answered: the time ran out."]);
    let done = s.candidate.post(&format!("{}/complete", s.path), &[]).await;
    assert_eq!(done.text("h1"), "This interview is already completed");

    // The recruiter sees when each question was shown and when its answer arrived.
    let page = s.app.get(&format!("/interviews/{}", s.interview_id)).await;
    let timings = page.texts(".answer-timing");
    assert_eq!(timings.len(), 3, "{timings:?}");
    assert!(timings[0].ends_with("no answer arrived in time"), "{timings:?}");
    assert!(timings[1].contains("answer arrived 26"), "{timings:?}");
    assert!(timings[2].contains("answer arrived"), "{timings:?}");
}

#[sqlx::test]
async fn an_answer_to_a_question_never_shown_is_refused(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.start().await;
    let (status, message) = s.upload_unshown(s.questions[1], "video/webm", webm(1000)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        message,
        "This question was not shown to you yet. Open your interview link to continue with your next question."
    );
    let typed = s.candidate.post(&format!("{}/answers/{}", s.path, s.questions[2]), &[("text", "Early.")]).await;
    assert_eq!(typed.status, StatusCode::CONFLICT);
    assert!(typed.text("p").starts_with("This question was not shown to you yet."), "{}", typed.body);
    assert_eq!(s.count("select count(*) from answers").await, 0);
    assert_eq!(s.count("select count(*) from question_windows").await, 1, "only the first question was shown");
}

#[sqlx::test]
async fn retakes_are_counted_on_the_server(pool: PgPool) {
    let s = sent_interview(pool).await;
    sqlx::query("update template_versions set retakes = 1").execute(&s.app.pool).await.unwrap();
    let first = s.start().await;
    assert_eq!(first.text("[data-retakes-left]"), "After saving, you may answer this question again 1 more time.");
    assert_eq!(s.upload(s.questions[0], "video/webm", webm(1000)).await.0, StatusCode::CREATED);
    // Uploading again without a new attempt is refused: the saved answer stands.
    let (status, _) = s.upload_unshown(s.questions[0], "video/webm", webm(1500)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let retake = s.show(s.questions[0]).await;
    assert!(retake.text("[data-retake]").contains("take 2"), "{}", retake.body);
    assert_eq!(s.upload_unshown(s.questions[0], "video/webm", webm(2000)).await.0, StatusCode::CREATED);

    // No retake left: choosing the question again shows the next one instead.
    let again = s.show(s.questions[0]).await;
    assert_eq!(again.text(".question-progress span"), "Question 2 of 3");
    let (status, message) = s.upload_unshown(s.questions[0], "video/webm", webm(3000)).await;
    assert_eq!((status, message.as_str()), (StatusCode::CONFLICT, "This question already has a saved answer."));
    assert_eq!(s.count("select count(*) from answers where media_bytes = 2000 and attempt = 2").await, 1);
    assert_eq!(s.count("select count(*) from answers").await, 1);

    let page = s.app.get(&format!("/interviews/{}", s.interview_id)).await;
    assert!(page.texts(".answer-timing")[0].ends_with(" · take 2"), "{:?}", page.texts(".answer-timing"));
}

#[sqlx::test]
async fn a_reload_resumes_with_the_time_left_not_a_fresh_clock(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.start().await;
    let (thinking, answer) = recorder_times(&s, s.questions[0]).await.unwrap();
    assert!((29..=30).contains(&thinking) && answer == 120, "{thinking} {answer}");
    // Reloaded 10 s into the thinking time, then 100 s in (70 s into recording).
    shown_ago(&s, s.questions[0], 10).await;
    let (thinking, answer) = recorder_times(&s, s.questions[0]).await.unwrap();
    assert!((19..=20).contains(&thinking) && answer == 120, "{thinking} {answer}");
    shown_ago(&s, s.questions[0], 90).await;
    let (thinking, answer) = recorder_times(&s, s.questions[0]).await.unwrap();
    assert!(thinking == 0 && (49..=50).contains(&answer), "{thinking} {answer}");
    let page = s.show(s.questions[0]).await;
    assert!(page.text("[data-resumed]").starts_with("You reopened this question: the time kept running"));
    assert_eq!(s.count("select count(*) from question_windows where attempt = 1").await, 1, "one window");
}

#[sqlx::test]
async fn extra_time_stretches_the_window_and_the_email_says_nothing_of_it(pool: PgPool) {
    let s = sent_interview(pool).await;
    let granted =
        s.app.post(&format!("/interviews/{}/time-allowance", s.interview_id), &[("allowance", "double")]).await;
    assert_eq!(granted.flash(), "Time allowance saved: ×2 time.");
    assert_eq!(granted.text("[data-time-allowance]"), "×2 time");

    s.start().await;
    let (thinking, answer) = recorder_times(&s, s.questions[0]).await.unwrap();
    assert!((59..=60).contains(&thinking) && answer == 240, "{thinking} {answer}");
    assert!(
        s.show(s.questions[0]).await.text("[data-times]").starts_with("You have 60 seconds to think and up to 240")
    );
    // 300 s would be past the template's time and the grace (270 s), not past twice the time.
    shown_ago(&s, s.questions[0], 300).await;
    assert_eq!(s.upload_unshown(s.questions[0], "video/webm", webm(1000)).await.0, StatusCode::CREATED);

    // No time limits: no countdown, and an answer a day later is taken.
    s.app.post(&format!("/interviews/{}/time-allowance", s.interview_id), &[("allowance", "unlimited")]).await;
    assert_eq!(recorder_times(&s, s.questions[1]).await, None);
    let page = s.show(s.questions[1]).await;
    assert_eq!(page.attrs("[data-recorder]", "data-unlimited").len(), 1);
    shown_ago(&s, s.questions[1], 86_400).await;
    assert_eq!(s.upload_unshown(s.questions[1], "video/webm", webm(1000)).await.0, StatusCode::CREATED);

    // A new invitation after the grant says nothing about it.
    s.app.post(&format!("/interviews/{}/new-link", s.interview_id), &[]).await;
    s.app.deliver_mail().await;
    let messages = s.smtp.messages();
    assert_eq!(messages.len(), 2);
    let email = String::from_utf8_lossy(&messages[1]).replace("=\r\n", "").to_lowercase();
    for word in ["extra time", "×2", "=c3=972", "no time limit", "accommodation", "allowance"] {
        assert!(!email.contains(word), "the email mentions {word}");
    }
}

#[sqlx::test]
async fn only_an_open_interview_gets_extra_time(pool: PgPool) {
    let s = sent_interview(pool).await;
    s.app.post(&format!("/interviews/{}/cancel", s.interview_id), &[]).await;
    let refused =
        s.app.post(&format!("/interviews/{}/time-allowance", s.interview_id), &[("allowance", "double")]).await;
    assert_eq!(refused.flash(), "Only a Pending or In Progress interview can be given extra time.");
    let unknown =
        s.app.post(&format!("/interviews/{}/time-allowance", s.interview_id), &[("allowance", "triple")]).await;
    assert!(unknown.flash().starts_with("Choose the candidate's time"));
    assert_eq!(s.count("select count(*) from interviews where time_allowance = 'standard'").await, 1);
}
