//! Interview template and question fields, validated from their forms, and the small
//! vocabularies (difficulty, answer kind) with their labels.

use serde::Deserialize;

use crate::{
    domain::{RequiredText, optional_text},
    forms::{FieldErrors, whole_number},
};

/// A template holds at most this many questions: beyond it an interview stops being one.
pub const MAX_QUESTIONS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "difficulty", rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Self::Easy, Self::Medium, Self::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Easy => "easy",
            Self::Medium => "medium",
            Self::Hard => "hard",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Easy => "Easy",
            Self::Medium => "Medium",
            Self::Hard => "Hard",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "answer_kind", rename_all = "snake_case")]
pub enum AnswerKind {
    Video,
    Text,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 2] = [Self::Video, Self::Text];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Text => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Video => "Video answer",
            Self::Text => "Written answer",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "template_status", rename_all = "snake_case")]
pub enum TemplateStatus {
    Draft,
    Published,
}

impl TemplateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Draft, Self::Published].into_iter().find(|s| s.as_str() == raw)
    }
}

/// "45 seconds", "2 minutes", "1 min 30 s": how long a candidate has, said plainly.
pub fn seconds_text(seconds: i32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} second{}", if s == 1 { "" } else { "s" }),
        (m, 0) => format!("{m} minute{}", if m == 1 { "" } else { "s" }),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// The most retakes per question a template may grant.
pub const MAX_RETAKES: i32 = 5;

/// What the template form posts (create and edit). Missing fields are empty, so they
/// get messages on the form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub job_id: String,
    pub name: String,
    pub difficulty: String,
    pub focus_area: String,
    pub duration_minutes: String,
    pub intro: String,
    /// Retakes per question, 0–5; empty is none.
    pub retakes: String,
    /// An unscored question to try first; empty is none.
    pub practice_prompt: String,
    pub idempotency_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFields {
    pub name: String,
    pub difficulty: Difficulty,
    pub focus_area: Option<String>,
    pub duration_minutes: i32,
    pub intro: Option<String>,
    /// How many times a candidate may answer each question again, counted on the server.
    pub retakes: i32,
    /// An unscored practice question the candidate may try, as often as they like, first.
    pub practice_prompt: Option<String>,
}

impl TemplateForm {
    /// The fields, or a message per wrong field. The job is checked by the handler, which
    /// knows the company's jobs.
    pub fn parse(&self) -> Result<TemplateFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", RequiredText::parse(&self.name, "a name for the template", 120));
        let difficulty = errors.check("difficulty", Difficulty::parse(&self.difficulty).ok_or("Choose a difficulty."));
        let focus_area = errors.check("focus_area", optional_text(&self.focus_area, 120, false));
        let duration_minutes = errors.check(
            "duration_minutes",
            whole_number(
                &self.duration_minutes,
                1,
                600,
                "Enter the estimated duration in whole minutes, from 1 to 600.",
            ),
        );
        let intro = errors.check("intro", optional_text(&self.intro, 4_000, true));
        let retakes = match self.retakes.trim() {
            "" => Some(0),
            raw => errors.check(
                "retakes",
                whole_number(raw, 0, MAX_RETAKES, "Enter the retakes per question as a whole number from 0 to 5."),
            ),
        };
        let practice_prompt = errors.check("practice_prompt", optional_text(&self.practice_prompt, 1_000, true));
        match (name, difficulty, focus_area, duration_minutes, intro, retakes, practice_prompt) {
            (
                Some(name),
                Some(difficulty),
                Some(focus_area),
                Some(duration_minutes),
                Some(intro),
                Some(retakes),
                Some(practice_prompt),
            ) if errors.is_empty() => Ok(TemplateFields {
                name: name.into_inner(),
                difficulty,
                focus_area,
                duration_minutes,
                intro,
                retakes,
                practice_prompt,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct QuestionForm {
    pub prompt: String,
    pub answer_kind: String,
    pub thinking_seconds: String,
    pub answer_seconds: String,
    /// One key point per line.
    pub key_points: String,
    pub idempotency_key: String,
}

impl Default for QuestionForm {
    /// The blank "add a question" form starts from sensible times.
    fn default() -> Self {
        Self {
            prompt: String::new(),
            answer_kind: AnswerKind::Video.as_str().into(),
            thinking_seconds: "30".into(),
            answer_seconds: "120".into(),
            key_points: String::new(),
            idempotency_key: String::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionFields {
    pub prompt: String,
    pub answer_kind: AnswerKind,
    pub thinking_seconds: i32,
    pub answer_seconds: i32,
    pub key_points: Vec<String>,
}

const MAX_KEY_POINTS: usize = 15;

impl QuestionForm {
    pub fn parse(&self) -> Result<QuestionFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        let prompt = errors.check("prompt", parse_prompt(&self.prompt));
        let answer_kind = errors
            .check("answer_kind", AnswerKind::parse(&self.answer_kind).ok_or("Choose how the candidate answers."));
        let thinking_seconds = errors.check(
            "thinking_seconds",
            whole_number(&self.thinking_seconds, 0, 600, "Enter the thinking time in whole seconds, from 0 to 600."),
        );
        let answer_seconds = errors.check(
            "answer_seconds",
            whole_number(&self.answer_seconds, 10, 1800, "Enter the answer time in whole seconds, from 10 to 1800."),
        );
        let key_points = errors.check("key_points", parse_key_points(&self.key_points));
        match (prompt, answer_kind, thinking_seconds, answer_seconds, key_points) {
            (Some(prompt), Some(answer_kind), Some(thinking_seconds), Some(answer_seconds), Some(key_points))
                if errors.is_empty() =>
            {
                Ok(QuestionFields { prompt, answer_kind, thinking_seconds, answer_seconds, key_points })
            }
            _ => Err(errors),
        }
    }

    pub fn from_fields(q: &QuestionFields) -> Self {
        Self {
            prompt: q.prompt.clone(),
            answer_kind: q.answer_kind.as_str().into(),
            thinking_seconds: q.thinking_seconds.to_string(),
            answer_seconds: q.answer_seconds.to_string(),
            key_points: q.key_points.join("\n"),
            idempotency_key: String::new(),
        }
    }
}

fn parse_prompt(raw: &str) -> Result<String, String> {
    match optional_text(raw, 2_000, true)? {
        Some(prompt) => Ok(prompt),
        None => Err("Enter the question.".into()),
    }
}

/// One key point per non-blank line. At least one: the evaluation scores answers
/// against them, so a question without key points could not be scored fairly.
fn parse_key_points(raw: &str) -> Result<Vec<String>, String> {
    let mut points = Vec::new();
    for line in raw.lines() {
        if let Some(point) = optional_text(line, 300, false)? {
            points.push(point);
        }
    }
    if points.is_empty() {
        return Err("Add at least one key point, one per line: the evaluation scores answers against them.".into());
    }
    if points.len() > MAX_KEY_POINTS {
        return Err(format!("Use at most {MAX_KEY_POINTS} key points."));
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(key_points: &str) -> QuestionForm {
        QuestionForm {
            prompt: " Tell us about a project. ".into(),
            key_points: key_points.into(),
            ..Default::default()
        }
    }

    #[test]
    fn key_points_are_lines() {
        let q = question("  Ownership \n\n Trade-offs\r\nResult ").parse().unwrap();
        assert_eq!(q.prompt, "Tell us about a project.");
        assert_eq!(q.key_points, ["Ownership", "Trade-offs", "Result"]);
        assert_eq!(q.answer_kind, AnswerKind::Video);
        assert!(question(" \n ").parse().unwrap_err().has("key_points"));
    }

    #[test]
    fn times_are_bounded() {
        let form = QuestionForm { thinking_seconds: "-1".into(), answer_seconds: "5".into(), ..question("a") };
        let errors = form.parse().unwrap_err();
        assert!(errors.has("thinking_seconds") && errors.has("answer_seconds"));
    }

    #[test]
    fn template_fields() {
        let form = TemplateForm {
            name: "Backend screen".into(),
            difficulty: "hard".into(),
            duration_minutes: "25".into(),
            retakes: "2".into(),
            ..Default::default()
        };
        let fields = form.parse().unwrap();
        assert_eq!((fields.difficulty, fields.duration_minutes, fields.retakes), (Difficulty::Hard, 25, 2));
        let none = TemplateForm { retakes: String::new(), ..form.clone() }.parse().unwrap();
        assert_eq!(none.retakes, 0);
        assert!(TemplateForm { retakes: "6".into(), ..form }.parse().unwrap_err().has("retakes"));
        let errors = TemplateForm { difficulty: "extreme".into(), ..Default::default() }.parse().unwrap_err();
        assert_eq!(errors.get("difficulty"), Some("Choose a difficulty."));
        assert!(errors.has("name") && errors.has("duration_minutes"));
    }

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds_text(45), "45 seconds");
        assert_eq!(seconds_text(120), "2 minutes");
        assert_eq!(seconds_text(90), "1 min 30 s");
    }
}
