//! The notice a candidate reads, and agrees to, before the device check: who asks, what
//! is recorded, how answers are evaluated, who sees them, how long they are kept and how
//! to have one's data erased or ask for a person's review. The evaluation paragraph is written from the
//! running configuration (a model or the built-in rubric, a transcription service or
//! none), so it is always true; the version is a digest of the whole text, so a
//! recorded agreement names exactly what was read.

use askama::{Template, filters::HtmlSafe};
use sha2::{Digest, Sha256};

use super::store::LinkedInterview;
use crate::config::EvaluationConfig;

/// What the notice is written from.
pub struct NoticeFacts<'a> {
    pub company_name: &'a str,
    pub has_video: bool,
    /// The chat model that scores answers; `None`: the built-in rubric.
    pub evaluator_model: Option<&'a str>,
    /// Whether spoken answers are transcribed.
    pub transcribed: bool,
    /// The company's own words (Settings); may be empty.
    pub privacy_text: &'a str,
    /// Where to write about one's data (Settings); may be empty.
    pub privacy_contact: &'a str,
    /// Days the company takes to carry out an erasure request; 0: at once.
    pub erasure_deadline_days: i32,
    /// Recordings are deleted this many days after the interview is completed or decided.
    pub recording_retention_days: Option<i32>,
}

pub struct NoticePart {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "candidate_portal/notice.html")]
pub struct Notice {
    pub parts: Vec<NoticePart>,
    /// A digest of the text above, recorded with the candidate's agreement.
    pub version: String,
}

/// Its template escapes every value, so the landing page writes its output as it is.
impl HtmlSafe for Notice {}

impl Notice {
    /// The notice of this interview under the running configuration.
    pub fn of(interview: &LinkedInterview, config: &EvaluationConfig) -> Self {
        Self::new(&NoticeFacts {
            company_name: &interview.company_name,
            has_video: interview.video_questions > 0,
            evaluator_model: config.evaluator_url.as_ref().map(|_| config.evaluator_model.as_str()),
            transcribed: config.transcribe_url.is_some(),
            privacy_text: &interview.privacy_text,
            privacy_contact: &interview.privacy_contact,
            erasure_deadline_days: interview.erasure_deadline_days,
            recording_retention_days: interview.recording_retention_days,
        })
    }

    pub fn new(facts: &NoticeFacts<'_>) -> Self {
        let company = facts.company_name;
        let part = |heading: String, paragraphs: Vec<String>| NoticePart { heading, paragraphs };
        let mut parts = vec![
            part(
                "Who is asking".into(),
                vec![format!(
                    "{company} invites you to this interview and decides about your application. Hifinity runs the interview for {company}."
                )],
            ),
            part(
                "What is recorded".into(),
                vec![if facts.has_video {
                    "Your answers are recorded: the video and sound of your spoken answers, and the text of typed ones. The camera check on this page records nothing.".into()
                } else {
                    "Your typed answers are saved.".into()
                }],
            ),
        ];
        let mut evaluation = vec![match facts.evaluator_model {
            Some(model) => format!(
                "When you finish, an AI model ({model}) scores the content of each answer against points {company} chose for the question, and writes a short summary."
            ),
            None => format!(
                "When you finish, Hifinity's built-in rubric scores the content of each answer by matching its words against points {company} chose for the question. It counts words; it is not AI."
            ),
        }];
        if facts.has_video {
            evaluation.push(if facts.transcribed {
                "To score spoken answers, a speech-to-text service turns your recordings into text.".into()
            } else {
                format!("Spoken answers are not transcribed or scored automatically: people at {company} watch them.")
            });
        }
        evaluation.push(format!(
            "Only what you say or write is scored. Your accent, appearance, voice, background and any other personal characteristic are never scored. The scores help people at {company}, who make every decision."
        ));
        parts.push(part("How your answers are evaluated".into(), evaluation));
        parts.push(part(
            "Who sees your answers".into(),
            vec![format!(
                "Members of {company}'s hiring team, signed in to Hifinity, see and play your answers, and so do \
                 people they share them with through a private read-only link that expires and can be withdrawn."
            )],
        ));
        let kept = match facts.recording_retention_days {
            Some(days) => format!(
                "{company} keeps your answers while it considers your application. Your recordings are deleted {days} day{} after your interview is completed or decided.",
                if days == 1 { "" } else { "s" }
            ),
            None => format!("{company} keeps your answers while it considers your application."),
        };
        let when = match facts.erasure_deadline_days {
            0 => "at once".to_owned(),
            1 => "within 1 day".to_owned(),
            days => format!("within {days} days"),
        };
        parts.push(part(
            "How long they are kept".into(),
            vec![kept, format!(
                "You can have your recordings, answers and everything {company} holds about you erased at any time, even after the interview: choose Erase my data at this link. It is done {when}."
            )],
        ));
        let write_to = if facts.privacy_contact.is_empty() {
            "reply to your invitation email".to_owned()
        } else {
            format!("write to {}", facts.privacy_contact)
        };
        parts.push(part(
            "Your choices".into(),
            vec![format!(
                "For a copy of your data, or any question about it, {write_to}."
            ), "Before you start, you can choose on this page to have a person review your answers instead of AI: they are then not transcribed or scored automatically.".into()],
        ));
        if !facts.privacy_text.is_empty() {
            parts.push(part(
                format!("Privacy notice of {company}"),
                facts.privacy_text.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect(),
            ));
        }
        let mut digest = Sha256::new();
        for part in &parts {
            digest.update(part.heading.as_bytes());
            for paragraph in &part.paragraphs {
                digest.update(b"\n");
                digest.update(paragraph.as_bytes());
            }
            digest.update(b"\n\n");
        }
        let version = digest.finalize()[..6].iter().map(|b| format!("{b:02x}")).collect();
        Self { parts, version }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>() -> NoticeFacts<'a> {
        NoticeFacts {
            company_name: "Acme",
            has_video: true,
            evaluator_model: None,
            transcribed: false,
            privacy_text: "",
            privacy_contact: "",
            erasure_deadline_days: 0,
            recording_retention_days: None,
        }
    }

    fn text(notice: &Notice) -> String {
        notice.parts.iter().flat_map(|p| p.paragraphs.iter().cloned()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn the_evaluation_paragraph_follows_the_configuration() {
        let rubric = Notice::new(&facts());
        assert!(text(&rubric).contains("built-in rubric"));
        assert!(text(&rubric).contains("not transcribed or scored automatically"));
        let model = Notice::new(&NoticeFacts { evaluator_model: Some("gpt-4o-mini"), transcribed: true, ..facts() });
        assert!(text(&model).contains("an AI model (gpt-4o-mini)"));
        assert!(text(&model).contains("speech-to-text service"));
        assert!(!text(&model).contains("built-in rubric"));
        let typed = Notice::new(&NoticeFacts { has_video: false, ..facts() });
        assert!(!text(&typed).contains("speech-to-text") && !text(&typed).contains("Spoken answers"));
    }

    #[test]
    fn the_version_changes_with_any_word_of_the_text() {
        let plain = Notice::new(&facts());
        assert_eq!(plain.version, Notice::new(&facts()).version);
        assert_eq!(plain.version.len(), 12);
        let with_contact = Notice::new(&NoticeFacts { privacy_contact: "privacy@acme.com", ..facts() });
        assert!(text(&with_contact).contains("write to privacy@acme.com"));
        assert_ne!(plain.version, with_contact.version);
        let with_model = Notice::new(&NoticeFacts { evaluator_model: Some("m"), ..facts() });
        assert_ne!(plain.version, with_model.version);
    }

    #[test]
    fn the_notice_tells_how_erasure_and_retention_work() {
        let plain = Notice::new(&facts());
        assert!(text(&plain).contains("choose Erase my data at this link. It is done at once."));
        assert!(!text(&plain).contains("are deleted"));
        let limited =
            Notice::new(&NoticeFacts { erasure_deadline_days: 30, recording_retention_days: Some(90), ..facts() });
        assert!(text(&limited).contains("It is done within 30 days."));
        assert!(
            text(&limited)
                .contains("Your recordings are deleted 90 days after your interview is completed or decided.")
        );
    }
}
