//! What a scorer is given and what it returns, shared by both scorers and the pipeline.

use uuid::Uuid;

/// The answer to one question as a scorer sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerContent {
    /// A text answer, used as typed.
    Typed(String),
    /// A video answer's transcript.
    Transcribed(String),
    /// A video answer without a transcript; the text says why.
    NoTranscript(String),
    /// The candidate gave no answer.
    Unanswered,
}

impl AnswerContent {
    /// The words to judge, when there are any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Typed(text) | Self::Transcribed(text) => Some(text),
            Self::NoTranscript(_) | Self::Unanswered => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct QuestionForScoring {
    pub question_id: Uuid,
    /// 1-based, in the order the candidate saw them.
    pub number: usize,
    pub prompt: String,
    pub key_points: Vec<String>,
    /// "video" or "text".
    pub answer_kind: String,
    pub answer_seconds: i32,
    pub content: AnswerContent,
}

#[derive(Clone, Debug)]
pub struct InterviewForScoring {
    pub job_title: String,
    pub questions: Vec<QuestionForScoring>,
}

impl InterviewForScoring {
    /// The same interview with the candidate's name, email and any contact details taken
    /// out of the answers: what a scorer is given.
    pub fn without_personal_details(&self, name: &str, email: &str) -> Self {
        let redact = |text: &str| super::redact::redact(text, name, email);
        let questions = self
            .questions
            .iter()
            .map(|q| QuestionForScoring {
                content: match &q.content {
                    AnswerContent::Typed(text) => AnswerContent::Typed(redact(text)),
                    AnswerContent::Transcribed(text) => AnswerContent::Transcribed(redact(text)),
                    other => other.clone(),
                },
                ..q.clone()
            })
            .collect();
        Self { job_title: self.job_title.clone(), questions }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerScore {
    /// 1–5; `None` when the answer could not be judged (a video without transcript).
    pub score: Option<i32>,
    pub reason: String,
    pub covered: Vec<String>,
    pub missed: Vec<String>,
}

impl AnswerScore {
    /// The score of an answer that has no words to judge, the same for every scorer:
    /// an unanswered question gets the lowest score; a video without transcript none.
    pub fn without_words(question: &QuestionForScoring) -> Option<Self> {
        match &question.content {
            AnswerContent::Unanswered => Some(Self {
                score: Some(1),
                reason: "Not answered.".into(),
                covered: Vec::new(),
                missed: question.key_points.clone(),
            }),
            AnswerContent::NoTranscript(why) => Some(Self {
                score: None,
                reason: format!("Not scored: no transcript ({why}). Watch the video to judge it."),
                covered: Vec::new(),
                missed: Vec::new(),
            }),
            AnswerContent::Typed(_) | AnswerContent::Transcribed(_) => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recommendation {
    StrongYes,
    Yes,
    Maybe,
    No,
}

impl Recommendation {
    pub const ALL: [Self; 4] = [Self::StrongYes, Self::Yes, Self::Maybe, Self::No];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StrongYes => "strong_yes",
            Self::Yes => "yes",
            Self::Maybe => "maybe",
            Self::No => "no",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::StrongYes => "Strong yes",
            Self::Yes => "Yes",
            Self::Maybe => "Maybe",
            Self::No => "No",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.label().eq_ignore_ascii_case(label.trim()))
    }

    /// Hifinity's verdict on an overall score of 0–100.
    pub fn for_score(score: i32) -> Self {
        match score {
            80.. => Self::StrongYes,
            60..80 => Self::Yes,
            40..60 => Self::Maybe,
            _ => Self::No,
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::StrongYes | Self::Yes => "badge-green",
            Self::Maybe => "badge-amber",
            Self::No => "badge-red",
        }
    }
}

/// A score of 1–5 as a value of 0–1.
pub fn score_value(score: i32) -> f64 {
    f64::from(score - 1) / 4.0
}

/// The overall score Hifinity concludes from the answers' values of 0–1: their mean in
/// percent, and nothing unless every answer was scored, since nothing is concluded from
/// what was not evaluated.
pub fn overall_score(values: &[Option<f64>]) -> Option<i32> {
    let scored: Vec<f64> = values.iter().copied().collect::<Option<_>>()?;
    (!scored.is_empty()).then(|| (100.0 * scored.iter().sum::<f64>() / scored.len() as f64).round() as i32)
}

/// A scorer's verdict on one interview; `answers` follow the order of the questions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scorecard {
    /// 0–100; `None` unless every answer could be judged.
    pub overall_score: Option<i32>,
    pub recommendation: Option<Recommendation>,
    pub summary: String,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
    pub answers: Vec<AnswerScore>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(content: AnswerContent) -> QuestionForScoring {
        QuestionForScoring {
            question_id: Uuid::nil(),
            number: 1,
            prompt: "Why?".into(),
            key_points: vec!["tests".into(), "kindness".into()],
            answer_kind: "video".into(),
            answer_seconds: 60,
            content,
        }
    }

    #[test]
    fn recommendations_are_stored_by_name_and_read_back() {
        let names: Vec<&str> = Recommendation::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(names, ["strong_yes", "yes", "maybe", "no"]);
        for recommendation in Recommendation::ALL {
            assert_eq!(Recommendation::parse(recommendation.as_str()), Some(recommendation));
        }
        assert_eq!(Recommendation::parse("Strong yes"), None, "a label is not a stored name");
    }

    #[test]
    fn recommendations_are_read_from_their_labels_in_any_case() {
        let labels: Vec<&str> = Recommendation::ALL.iter().map(|r| r.label()).collect();
        assert_eq!(labels, ["Strong yes", "Yes", "Maybe", "No"]);
        assert_eq!(Recommendation::from_label(" strong YES "), Some(Recommendation::StrongYes));
        assert_eq!(Recommendation::from_label("maybe"), Some(Recommendation::Maybe));
        assert_eq!(Recommendation::from_label("definitely"), None);
    }

    #[test]
    fn strong_yes_from_80_yes_from_60_maybe_from_40() {
        use Recommendation::*;
        for (score, expected) in [(100, StrongYes), (80, StrongYes), (79, Yes), (60, Yes), (59, Maybe), (40, Maybe)] {
            assert_eq!(Recommendation::for_score(score), expected, "{score}");
        }
        assert_eq!((Recommendation::for_score(39), Recommendation::for_score(0)), (No, No));
    }

    #[test]
    fn the_overall_score_is_the_mean_value_in_percent_of_answers_all_scored() {
        assert_eq!(overall_score(&[Some(0.5), Some(1.0), Some(0.0)]), Some(50));
        assert_eq!(overall_score(&[Some(0.333)]), Some(33));
        assert_eq!(overall_score(&[Some(0.5), None]), None, "nothing concluded from an unscored answer");
        assert_eq!(overall_score(&[]), None);
        assert_eq!([1, 2, 3, 5].map(score_value), [0.0, 0.25, 0.5, 1.0]);
    }

    #[test]
    fn yes_is_green_maybe_amber_and_no_red() {
        let badges: Vec<&str> = Recommendation::ALL.iter().map(|r| r.badge()).collect();
        assert_eq!(badges, ["badge-green", "badge-green", "badge-amber", "badge-red"]);
    }

    #[test]
    fn only_typed_and_transcribed_answers_have_words_to_judge() {
        assert_eq!(AnswerContent::Typed("typed".into()).text(), Some("typed"));
        assert_eq!(AnswerContent::Transcribed("spoken".into()).text(), Some("spoken"));
        assert_eq!(AnswerContent::NoTranscript("no service".into()).text(), None);
        assert_eq!(AnswerContent::Unanswered.text(), None);
    }

    #[test]
    fn an_unanswered_question_gets_the_lowest_score_and_misses_every_key_point() {
        let score = AnswerScore::without_words(&question(AnswerContent::Unanswered)).unwrap();
        assert_eq!(score.score, Some(1));
        assert_eq!(score.reason, "Not answered.");
        assert_eq!(score.missed, ["tests", "kindness"]);
        assert!(score.covered.is_empty());
    }

    #[test]
    fn a_video_without_transcript_gets_no_score_and_says_why() {
        let score = AnswerScore::without_words(&question(AnswerContent::NoTranscript("no service".into()))).unwrap();
        assert_eq!(score.score, None);
        assert_eq!(score.reason, "Not scored: no transcript (no service). Watch the video to judge it.");
        assert!(score.missed.is_empty() && score.covered.is_empty());
    }

    #[test]
    fn an_answer_with_words_is_left_to_the_scorer() {
        assert_eq!(AnswerScore::without_words(&question(AnswerContent::Typed("I test".into()))), None);
    }
}
