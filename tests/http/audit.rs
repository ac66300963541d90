//! The audit log: who did what and when, for admins. Entries are written where each action
//! happens, hold ids and action names only (never names, addresses or text, so they stay
//! as they were after an erasure), can be filtered by candidate and by member, and the
//! database refuses to change or delete them.

use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    consent::invited,
    erasure::{completed, rows_holding},
    support::TestApp,
};

async fn actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("select action::text from audit_events order by created_at, id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn each_action_is_logged_once_with_who_did_it_and_the_page_filters_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, _) = invited(&app).await;
    app.post(&format!("/interviews/{id}/extend"), &[]).await;
    app.post(&format!("/interviews/{id}/new-link"), &[]).await;
    sqlx::query("update interviews set last_invited_at = now() - interval '1 hour'").execute(&app.pool).await.unwrap();
    app.post(&format!("/interviews/{id}/resend"), &[]).await;
    app.post(&format!("/interviews/{id}/cancel"), &[]).await;
    app.post("/settings", &[("reminder_after_days", "3"), ("max_reminders", "1")]).await;
    let reviewer = app.join_team("pat@acme.com", "Pat Reviewer", "reviewer").await;
    drop(reviewer);
    let pat: Uuid =
        sqlx::query_scalar("select id from users where email = 'pat@acme.com'").fetch_one(&app.pool).await.unwrap();
    app.post(&format!("/team/members/{pat}/role"), &[("role", "recruiter")]).await;
    assert_eq!(
        actions(&app).await,
        [
            "interview_sent",
            "interview_extended",
            "link_replaced",
            "interview_resent",
            "interview_cancelled",
            "settings_changed",
            "member_invited",
            "member_joined",
            "role_changed"
        ]
    );

    let page = app.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = page.texts("[data-audit-entry] [data-action]");
    assert_eq!(rows.first().map(String::as_str), Some("Role changed"));
    assert_eq!(rows.len(), 9);
    let actors = page.texts("[data-audit-entry] [data-actor]");
    assert_eq!(actors[1], "Pat Reviewer", "who joined is who accepted the invitation");
    assert!(actors.iter().enumerate().all(|(i, who)| i == 1 || who == "Riley Recruiter"), "{actors:?}");

    let of_candidate = app.get(&format!("/audit?candidate={}", s.candidate_id)).await;
    assert_eq!(
        of_candidate.texts("[data-audit-entry] [data-action]"),
        ["Interview cancelled", "Invitation resent", "Link replaced", "Deadline extended", "Interview sent"]
    );
    assert!(of_candidate.texts("[data-audit-entry] [data-candidate]").iter().all(|c| c == "Ada Lovelace"));
    let of_pat = app.get(&format!("/audit?user={pat}")).await;
    assert_eq!(of_pat.texts("[data-audit-entry] [data-action]"), ["Joined the team"], "Pat only joined");
}

#[sqlx::test]
async fn plays_reruns_decisions_and_erasure_are_logged_and_entries_survive_erasure_naming_nobody(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, id, _) = completed(&app).await;
    let answer: Uuid = sqlx::query_scalar("select id from answers where media_key is not null limit 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let played = app.client.get(app.url(&format!("/interviews/{id}/answers/{answer}/media"))).send().await.unwrap();
    assert_eq!(played.status(), StatusCode::OK);
    // The player's later ranges are the same play.
    app.client
        .get(app.url(&format!("/interviews/{id}/answers/{answer}/media")))
        .header("range", "bytes=100-")
        .send()
        .await
        .unwrap();
    app.post(&format!("/interviews/{id}/evaluation/rerun"), &[]).await;
    app.post(&format!("/candidates/{}/erase", s.candidate_id), &[("confirm", "erase")]).await;
    assert_eq!(
        actions(&app).await,
        ["interview_sent", "decision_made", "recording_played", "evaluation_rerun", "candidate_erased"]
    );
    assert_eq!(
        rows_holding(&app, &["Ada Lovelace", "ada@example.com", "Riley Recruiter", "riley@acme.com"])
            .await
            .into_iter()
            .filter(|row| row.starts_with("audit_events"))
            .collect::<Vec<_>>(),
        Vec::<String>::new()
    );

    let page = app.get(&format!("/audit?candidate={}", s.candidate_id)).await;
    assert_eq!(page.texts("[data-audit-entry]").len(), 5);
    assert!(page.texts("[data-audit-entry] [data-candidate]").iter().all(|c| c == "Erased candidate"));
}

#[sqlx::test]
async fn the_database_refuses_to_change_or_delete_an_entry_and_only_admins_see_the_log(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    invited(&app).await;
    let update = sqlx::query("update audit_events set action = 'interview_cancelled'").execute(&app.pool).await;
    assert!(update.unwrap_err().to_string().contains("the audit log is append-only: UPDATE is refused"));
    let delete = sqlx::query("delete from audit_events").execute(&app.pool).await;
    assert!(delete.unwrap_err().to_string().contains("the audit log is append-only: DELETE is refused"));
    let truncate = sqlx::query("truncate audit_events").execute(&app.pool).await;
    assert!(truncate.is_err());
    assert_eq!(actions(&app).await, ["interview_sent"]);

    let recruiter = app.join_team("sam@acme.com", "Sam Recruiter", "recruiter").await;
    assert_eq!(recruiter.get("/audit").await.status, StatusCode::FORBIDDEN);
    let reviewer = app.join_team("pat@acme.com", "Pat Reviewer", "reviewer").await;
    assert_eq!(reviewer.get("/audit").await.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn blind_review_invitations_members_and_reviewer_assignments_are_logged_by_id_without_addresses(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, interview, _) = invited(&app).await;
    app.post("/settings/blind-review", &[]).await;
    app.post("/settings/blind-review", &[("blind_review", "on")]).await;
    app.post("/team/invitations", &[("email", "sam@acme.com"), ("role", "recruiter")]).await;
    let sams: Uuid = sqlx::query_scalar("select id from team_invitations where email = 'sam@acme.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.post(&format!("/team/invitations/{sams}/resend"), &[]).await;
    app.post(&format!("/team/invitations/{sams}/revoke"), &[]).await;
    app.join_team("pat@acme.com", "Pat Reviewer", "reviewer").await;
    let pat: Uuid =
        sqlx::query_scalar("select id from users where email = 'pat@acme.com'").fetch_one(&app.pool).await.unwrap();
    app.post(&format!("/team/members/{pat}/deactivate"), &[]).await;
    app.post(&format!("/team/members/{pat}/reactivate"), &[]).await;
    app.post(&format!("/interviews/{interview}/reviewers"), &[("user_id", &pat.to_string())]).await;
    app.post(&format!("/interviews/{interview}/reviewers/{pat}/remove"), &[]).await;

    let page = app.get("/audit").await;
    let mut actions = page.texts("[data-audit-entry] [data-action]");
    let mut actors = page.texts("[data-audit-entry] [data-actor]");
    actions.reverse();
    actors.reverse();
    assert_eq!(
        actions.iter().zip(&actors).map(|(a, who)| format!("{a} by {who}")).collect::<Vec<_>>(),
        [
            "Interview sent by Riley Recruiter",
            "Blind review turned off by Riley Recruiter",
            "Blind review turned on by Riley Recruiter",
            "Teammate invited by Riley Recruiter",
            "Team invitation resent by Riley Recruiter",
            "Team invitation revoked by Riley Recruiter",
            "Teammate invited by Riley Recruiter",
            "Joined the team by Pat Reviewer",
            "Member deactivated by Riley Recruiter",
            "Member reactivated by Riley Recruiter",
            "Reviewer assigned by Riley Recruiter",
            "Reviewer unassigned by Riley Recruiter",
        ]
    );

    // The subject is the member when there is one, the invitation's id otherwise:
    // (action, invitation, member, interview).
    type Subject = (String, Option<Uuid>, Option<Uuid>, Option<Uuid>);
    let subjects: Vec<Subject> = sqlx::query_as(
        "select action::text, invitation_id, subject_user_id, interview_id from audit_events
         where action not in ('interview_sent', 'blind_review_turned_off', 'blind_review_turned_on')
         order by created_at, id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let pats: Uuid = sqlx::query_scalar("select id from team_invitations where email = 'pat@acme.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (pat, interview) = (Some(pat), Some(interview));
    assert_eq!(
        subjects,
        [
            ("member_invited".into(), Some(sams), None, None),
            ("member_invitation_resent".into(), Some(sams), None, None),
            ("member_invitation_revoked".into(), Some(sams), None, None),
            ("member_invited".into(), Some(pats), None, None),
            ("member_joined".into(), Some(pats), pat, None),
            ("member_deactivated".into(), None, pat, None),
            ("member_reactivated".into(), None, pat, None),
            ("reviewer_assigned".into(), None, pat, interview),
            ("reviewer_unassigned".into(), None, pat, interview),
        ]
    );
    let of_candidate = app.get(&format!("/audit?candidate={}", s.candidate_id)).await;
    assert_eq!(
        of_candidate.texts("[data-audit-entry] [data-action]"),
        ["Reviewer unassigned", "Reviewer assigned", "Interview sent"]
    );
    assert_eq!(
        rows_holding(&app, &["sam@acme.com", "pat@acme.com"])
            .await
            .into_iter()
            .filter(|row| row.starts_with("audit_events"))
            .collect::<Vec<_>>(),
        Vec::<String>::new()
    );
}

#[sqlx::test]
async fn a_jobs_default_reviewers_added_and_removed_are_logged_with_the_job_and_the_member(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (s, _, _) = invited(&app).await;
    app.join_team("pat@acme.com", "Pat Reviewer", "reviewer").await;
    let pat: Uuid =
        sqlx::query_scalar("select id from users where email = 'pat@acme.com'").fetch_one(&app.pool).await.unwrap();
    let job = s.job_id;
    app.post(&format!("/jobs/{job}/reviewers"), &[("user_id", &pat.to_string())]).await;
    // Adding someone already there changes nothing, so it is not logged again.
    app.post(&format!("/jobs/{job}/reviewers"), &[("user_id", &pat.to_string())]).await;
    app.post(&format!("/jobs/{job}/reviewers/{pat}/remove"), &[]).await;
    app.post(&format!("/jobs/{job}/reviewers/{pat}/remove"), &[]).await;

    let page = app.get("/audit").await;
    let entries = page.texts("[data-audit-entry]");
    let job_entries: Vec<&String> = entries.iter().filter(|e| e.contains("Default reviewer")).collect();
    assert_eq!(job_entries.len(), 2, "{entries:?}");
    assert!(job_entries[0].contains("Default reviewer removed from a job"), "{}", job_entries[0]);
    assert!(job_entries[1].contains("Default reviewer added to a job"), "{}", job_entries[1]);
    for entry in &job_entries {
        assert!(entry.contains("Senior Backend Engineer") && entry.contains("Pat Reviewer"), "{entry}");
    }
    assert_eq!(page.attrs("[data-audit-entry] a[data-job]", "href"), [format!("/jobs/{job}"), format!("/jobs/{job}")]);

    let rows: Vec<(String, Option<Uuid>, Option<Uuid>)> = sqlx::query_as(
        "select action::text, job_id, subject_user_id from audit_events
         where action in ('job_reviewer_added', 'job_reviewer_removed') order by created_at, id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [("job_reviewer_added".into(), Some(job), Some(pat)), ("job_reviewer_removed".into(), Some(job), Some(pat))]
    );
}
