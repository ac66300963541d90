//! The "ready for your review" email: an account email to a reviewer, written at
//! delivery from the assignment, with a link to the interview's page (which needs their
//! own sign-in, so the email gives no access by itself).

use lettre::Message;
use sqlx::PgPool;

use super::store;
use crate::ids::InterviewId;
use crate::{
    config::Config,
    dates::long_date,
    mail::{
        account::{self, AccountEmail, AccountView},
        transport::DeliveryError,
    },
};

/// The message, or why it is not sent: the reviewer was unassigned since it was queued.
pub async fn build(
    pool: &PgPool,
    email: &AccountEmail,
    interview_id: InterviewId,
    config: &Config,
) -> sqlx::Result<Result<(Message, String), DeliveryError>> {
    let Some(user_id) = email.user_id else {
        return Ok(Err(DeliveryError::Permanent("Not sent: a review request names no reviewer".into())));
    };
    let Some(data) = store::email_data(pool, user_id, interview_id).await? else {
        return Ok(Err(DeliveryError::Permanent("Not sent: the reviewer is no longer assigned".into())));
    };
    let view = view(email, &data, interview_id, config);
    Ok(account::message(email, &view, config)
        .map_err(|err| DeliveryError::Permanent(format!("Could not build the message: {err:#}"))))
}

fn view(
    email: &AccountEmail,
    data: &store::ReviewEmailData,
    interview_id: InterviewId,
    config: &Config,
) -> AccountView {
    let base = config.base_url.as_str().trim_end_matches('/');
    let mut paragraphs = vec![format!(
        "{}'s interview for {} at {} is complete and evaluated, and you are one of its reviewers.",
        data.candidate_name, data.job_title, data.company_name
    )];
    if let Some(due) = data.due_on {
        paragraphs.push(format!("Please rate it by {}.", long_date(due)));
    }
    if data.blind_review {
        paragraphs.push(
            "Rate every answer first: the evaluation and your teammates' ratings appear once yours are in.".into(),
        );
    }
    paragraphs.push(format!("Everything waiting for you is on My reviews: {base}/reviews"));
    AccountView {
        subject: format!("Ready for your review: {} for {}", data.candidate_name, data.job_title),
        name: email.user_name.clone().unwrap_or_default(),
        paragraphs,
        link_label: "Review the interview",
        link: format!("{base}/interviews/{interview_id}"),
    }
}
