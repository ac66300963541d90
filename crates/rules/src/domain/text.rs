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
    fn optional_text_may_have_exactly_its_maximum() {
        assert_eq!(optional_text("abcde", 5, false), Ok(Some("abcde".into())));
        assert_eq!(optional_text("abcdef", 5, false), Err("Use at most 5 characters.".into()));
    }

    #[test]
    fn only_multiline_text_may_hold_line_breaks_and_tabs() {
        assert_eq!(optional_text("a\tb\nc", 10, true), Ok(Some("a\tb\nc".into())));
        assert!(optional_text("a\tb", 10, false).is_err());
        assert!(optional_text("a\u{7}b", 10, true).is_err(), "other control characters stay refused");
    }

    #[test]
    fn clean_optional_is_none_only_when_blank() {
        assert_eq!(clean_optional(" \t "), None);
        assert_eq!(clean_optional(" Berlin "), Some("Berlin".into()));
    }

    #[test]
    fn required_text_may_have_exactly_its_maximum() {
        assert_eq!(RequiredText::parse("Annabelle", "a name", 9).unwrap().into_inner(), "Annabelle");
        assert_eq!(RequiredText::parse("Annabelle", "a name", 8), Err("Use at most 8 characters.".into()));
    }

    #[test]
    fn required_text_counts_characters_not_bytes() {
        assert_eq!(RequiredText::parse("Zoë Ødegård", "a name", 11).unwrap().as_str(), "Zoë Ødegård");
    }

    #[test]
    fn required_text_names_the_missing_field() {
        assert_eq!(RequiredText::parse(" ", "a job title", 10), Err("Enter a job title.".into()));
    }

    #[test]
    fn trims_and_refuses_control_characters() {
        assert_eq!(RequiredText::parse("  Ann  ", "a name", 10).unwrap().as_str(), "Ann");
        assert!(RequiredText::parse("   ", "a name", 10).is_err());
        assert!(RequiredText::parse("Ann\r\nBcc: x", "a name", 100).is_err());
        assert!(RequiredText::parse("Annabelle Lee", "a name", 5).is_err());
    }
}
