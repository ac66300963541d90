/// Required single-line text such as a name or a title: trimmed, not empty, no control
/// characters (which would also make it unsafe in an email header), bounded in length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredText(String);

impl RequiredText {
    /// `what` names the field in the message, e.g. "a name".
    pub fn parse(raw: &str, what: &str, max_chars: usize) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(format!("Enter {what}."));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("Use letters, numbers and punctuation only (no line breaks or control characters).".into());
        }
        if trimmed.chars().count() > max_chars {
            return Err(format!("Use at most {max_chars} characters."));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Optional free text: trimmed, `None` when blank.
pub fn clean_optional(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Optional free text: trimmed, `None` when blank, at most `max_chars`. `multiline`
/// allows line breaks and tabs (descriptions); otherwise no control characters at all.
pub fn optional_text(raw: &str, max_chars: usize, multiline: bool) -> Result<Option<String>, String> {
    let Some(text) = clean_optional(raw) else { return Ok(None) };
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(if multiline {
            "Use letters, numbers and punctuation only (no control characters).".into()
        } else {
            "Use letters, numbers and punctuation only (no line breaks or control characters).".into()
        });
    }
    if text.chars().count() > max_chars {
        return Err(format!("Use at most {max_chars} characters."));
    }
    Ok(Some(text.replace("\r\n", "\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_text_is_trimmed_and_bounded() {
        assert_eq!(optional_text("  ", 10, false), Ok(None));
        assert_eq!(optional_text(" Berlin ", 10, false), Ok(Some("Berlin".into())));
        assert!(optional_text("a\nb", 10, false).is_err());
        assert_eq!(optional_text("a\r\nb", 10, true), Ok(Some("a\nb".into())));
        assert!(optional_text("abcdef", 5, true).is_err());
    }

    #[test]
    fn trims_and_refuses_control_characters() {
        assert_eq!(RequiredText::parse("  Ann  ", "a name", 10).unwrap().as_str(), "Ann");
        assert!(RequiredText::parse("   ", "a name", 10).is_err());
        assert!(RequiredText::parse("Ann\r\nBcc: x", "a name", 100).is_err());
        assert!(RequiredText::parse("Annabelle Lee", "a name", 5).is_err());
    }
}
