//! The invitation and reminder emails as the company writes them: a subject and a body
//! in plain text with merge fields such as `{{job_title}}`, and no logic. The HTML part
//! is made from the text (paragraphs, the link as a button), with every merged value
//! escaped, so the company never writes HTML and a candidate's name can't inject any.

pub mod store;

use std::fmt::Write;

/// Which email a text is for: the first invitation, or a reminder (automatic or resent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "email_text_kind", rename_all = "snake_case")]
pub enum EmailTextKind {
    Invitation,
    Reminder,
}

impl EmailTextKind {
    pub const ALL: [Self; 2] = [Self::Invitation, Self::Reminder];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::Reminder => "reminder",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Invitation => "Invitation email",
            Self::Reminder => "Reminder email",
        }
    }

    /// The built-in text, used until the company writes its own.
    pub fn default_text(self) -> EmailText {
        let (subject, opening) = match self {
            Self::Invitation => (
                "Video interview invitation: {{job_title}} at {{company_name}}",
                "{{company_name}} invites you to a one-way video interview for the {{job_title}} position. You answer each question on camera, on your own schedule, and the hiring team reviews your answers afterwards.",
            ),
            Self::Reminder => (
                "Reminder: your video interview for {{job_title}} at {{company_name}}",
                "A reminder: {{company_name}} invited you to a one-way video interview for the {{job_title}} position, and it is still waiting for you. You answer each question on camera, on your own schedule.",
            ),
        };
        EmailText {
            subject: subject.into(),
            body: format!(
                "Hello {{{{candidate_name}}}},\n\n{opening}\n\n\
                 {{{{question_count}}}}, about {{{{duration}}}} in all, one at a time: you get a moment to think, then record your answer. Your answers are saved as you go; if you are interrupted, open the link again to continue where you left off. Please complete it by {{{{deadline}}}}.\n\n\
                 {{{{requirements}}}}\n\n\
                 {{{{interview_link}}}}\n\n\
                 This link is personal to you; please don't share it. Questions? Reply to this email."
            ),
        }
    }
}

/// A subject and body with merge fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailText {
    pub subject: String,
    pub body: String,
}

/// The merge fields a text may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    CandidateName,
    JobTitle,
    CompanyName,
    Deadline,
    Duration,
    QuestionCount,
    InterviewLink,
    Requirements,
}

impl Field {
    pub const ALL: [Self; 8] = [
        Self::CandidateName,
        Self::JobTitle,
        Self::CompanyName,
        Self::Deadline,
        Self::Duration,
        Self::QuestionCount,
        Self::InterviewLink,
        Self::Requirements,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::CandidateName => "candidate_name",
            Self::JobTitle => "job_title",
            Self::CompanyName => "company_name",
            Self::Deadline => "deadline",
            Self::Duration => "duration",
            Self::QuestionCount => "question_count",
            Self::InterviewLink => "interview_link",
            Self::Requirements => "requirements",
        }
    }

    /// What the field becomes, for the Settings page.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::CandidateName => "the candidate's name",
            Self::JobTitle => "the job's title",
            Self::CompanyName => "your company's name",
            Self::Deadline => "the date and time the link stops working",
            Self::Duration => "the interview's length, such as \"20 minutes\"",
            Self::QuestionCount => "the number of questions, such as \"3 questions\"",
            Self::InterviewLink => "the candidate's link (required; a button in the HTML version)",
            Self::Requirements => "the interview template's introduction and what the candidate needs",
        }
    }
}

/// A piece of a text: words as written, or a merge field.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Field(Field),
}

/// Splits `text` into its pieces; `Err` names the first unknown field. `{{` without a
/// closing `}}` is text.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        let name = rest[start + 2..start + 2 + len].trim();
        let field = Field::ALL.into_iter().find(|f| f.name() == name).ok_or_else(|| name.to_owned())?;
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        out.push(Piece::Field(field));
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// Why a text can't be saved, per field (`subject`, `body`).
pub fn validate(text: &EmailText) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    let unknown = |name: String| {
        let known: Vec<String> = Field::ALL.iter().map(|f| format!("{{{{{}}}}}", f.name())).collect();
        format!("{{{{{name}}}}} is not a merge field. Use {}.", known.join(", "))
    };
    match pieces(&text.subject) {
        _ if text.subject.trim().is_empty() => errors.push(("subject", "Enter a subject.".to_owned())),
        _ if text.subject.chars().count() > 200 => {
            errors.push(("subject", "Keep the subject within 200 characters.".to_owned()))
        }
        Err(name) => errors.push(("subject", unknown(name))),
        Ok(pieces) if pieces.iter().any(|p| matches!(p, Piece::Field(Field::InterviewLink | Field::Requirements))) => {
            errors.push(("subject", "The link and the requirements belong in the body.".to_owned()))
        }
        Ok(_) => {}
    }
    match pieces(&text.body) {
        _ if text.body.chars().count() > 10_000 => {
            errors.push(("body", "Keep the body within 10,000 characters.".to_owned()))
        }
        Err(name) => errors.push(("body", unknown(name))),
        Ok(pieces) if !pieces.contains(&Piece::Field(Field::InterviewLink)) => errors.push((
            "body",
            "The body must contain {{interview_link}}: without it the candidate has no way in.".to_owned(),
        )),
        Ok(_) => {}
    }
    errors
}

/// The values merged into a text.
pub struct Values {
    pub candidate_name: String,
    pub job_title: String,
    pub company_name: String,
    pub deadline: String,
    pub duration_minutes: i32,
    pub question_count: i64,
    pub link: String,
    /// The interview template's introduction, if it has one.
    pub intro: Option<String>,
}

impl Values {
    fn get(&self, field: Field) -> String {
        let plural = |n: i64, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
        match field {
            Field::CandidateName => self.candidate_name.clone(),
            Field::JobTitle => self.job_title.clone(),
            Field::CompanyName => self.company_name.clone(),
            Field::Deadline => self.deadline.clone(),
            Field::Duration => plural(self.duration_minutes.into(), "minute"),
            Field::QuestionCount => plural(self.question_count, "question"),
            Field::InterviewLink => self.link.clone(),
            Field::Requirements => {
                let needs = "Before you start, have:\n\
                             - a webcam and a microphone (a laptop or a phone works);\n\
                             - a current browser: Chrome, Edge, Firefox or Safari;\n\
                             - a quiet, well-lit place and a stable internet connection.";
                match self.intro.as_deref().map(str::trim).filter(|intro| !intro.is_empty()) {
                    Some(intro) => format!("{intro}\n\n{needs}"),
                    None => needs.to_owned(),
                }
            }
        }
    }
}

/// A text with its values merged: the subject (on one line), the plain-text body and the
/// inner HTML of the body.
pub struct Merged {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Merges `values` into `text`, which [`validate`] accepted (an unknown field, from a
/// text saved before a field was removed, is left as written).
pub fn merge(text: &EmailText, values: &Values) -> Merged {
    let plain = |source: &str| -> String {
        match pieces(source) {
            Ok(pieces) => pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Text(words) => (*words).to_owned(),
                    Piece::Field(field) => values.get(*field),
                })
                .collect(),
            Err(_) => source.to_owned(),
        }
    };
    let subject: String = plain(&text.subject).chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let body = text.body.replace("\r\n", "\n");
    Merged { subject, text: plain(&body), html: html(&body, values) }
}

/// Paragraphs at blank lines, line breaks within them; a paragraph that is only the link
/// is a button, a link among words is a link.
fn html(body: &str, values: &Values) -> String {
    let mut out = String::new();
    for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let Ok(pieces) = pieces(paragraph) else {
            let _ = write!(out, "{P}{}</p>", lines(&escape(paragraph)));
            continue;
        };
        if pieces == [Piece::Field(Field::InterviewLink)] {
            let _ = write!(
                out,
                r#"<p style="margin:20px 0;"><a href="{link}" style="display:inline-block;background:#3b4fd8;color:#ffffff;text-decoration:none;font-weight:600;font-size:16px;padding:12px 28px;border-radius:6px;">Start your interview</a></p><p style="margin:0 0 12px;font-size:14px;color:#596273;">If the button doesn't work, copy this link into your browser: <a href="{link}" style="color:#3b4fd8;word-break:break-all;">{link}</a></p>"#,
                link = escape(&values.link)
            );
            continue;
        }
        let inner: String = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(words) => escape(words),
                Piece::Field(Field::InterviewLink) => {
                    format!(r#"<a href="{link}" style="color:#3b4fd8;">{link}</a>"#, link = escape(&values.link))
                }
                Piece::Field(field) => escape(&values.get(*field)),
            })
            .collect();
        let _ = write!(out, "{P}{}</p>", lines(&inner));
    }
    out
}

const P: &str = r#"<p style="margin:0 0 12px;font-size:16px;line-height:1.5;">"#;

/// Line breaks within a paragraph (and a merged value's own blank lines).
fn lines(html: &str) -> String {
    html.replace('\n', "<br>")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Sample values for the Settings page's preview.
pub fn sample(company_name: &str, base_url: &str) -> Values {
    Values {
        candidate_name: "Ada Lovelace".into(),
        job_title: "Senior Backend Engineer".into(),
        company_name: company_name.into(),
        deadline: "Friday, December 11, 2026 at 17:00 UTC".into(),
        duration_minutes: 20,
        question_count: 3,
        link: format!("{}/i/sample-link", base_url.trim_end_matches('/')),
        intro: Some("Take your time and think aloud.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values { candidate_name: "<b>Bo</b> & \"Co\"".into(), ..sample("Acme", "https://x.test") }
    }

    #[test]
    fn merged_values_are_escaped_in_html_and_the_link_is_a_button() {
        let text = EmailText {
            subject: "Hi {{candidate_name}}\r\n".into(),
            body: "Hello {{ candidate_name }},\n\n{{interview_link}}".into(),
        };
        let merged = merge(&text, &values());
        assert_eq!(merged.subject, "Hi <b>Bo</b> & \"Co\"");
        assert!(merged.text.starts_with("Hello <b>Bo</b> & \"Co\",\n\nhttps://x.test/i/sample-link"));
        assert!(merged.html.contains("Hello &lt;b&gt;Bo&lt;/b&gt; &amp; &quot;Co&quot;,"), "{}", merged.html);
        assert!(merged.html.contains(r#"<a href="https://x.test/i/sample-link" style="display:inline-block"#));
    }

    #[test]
    fn unknown_fields_and_a_missing_link_are_refused_per_field() {
        let errors = validate(&EmailText { subject: "{{job}}".into(), body: "Hello".into() });
        assert_eq!(errors.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ["subject", "body"]);
        assert!(errors[0].1.starts_with("{{job}} is not a merge field"));
        assert!(validate(&EmailTextKind::Invitation.default_text()).is_empty());
        assert!(validate(&EmailTextKind::Reminder.default_text()).is_empty());
    }
}
