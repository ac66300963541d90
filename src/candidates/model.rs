//! Candidate values: status, phone number, and the list's search and filter.

use crate::domain::{EmailAddress, RequiredText, clean_optional};
use crate::forms::FieldErrors;

/// Follows the candidate's most recently sent interview; stored on the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "candidate_status", rename_all = "snake_case")]
pub enum CandidateStatus {
    New,
    Invited,
    Active,
    Completed,
}

impl CandidateStatus {
    pub const ALL: [CandidateStatus; 4] = [Self::New, Self::Invited, Self::Active, Self::Completed];

    /// The name in the list's `?status=` filter, the same as the database's.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Invited => "Invited",
            Self::Active => "Active",
            Self::Completed => "Completed",
        }
    }

    /// One colour per status (PRODUCT.md, "Look and feel"); the label carries the meaning.
    pub fn badge(self) -> &'static str {
        match self {
            Self::New => "badge-grey",
            Self::Invited => "badge-amber",
            Self::Active => "badge-blue",
            Self::Completed => "badge-green",
        }
    }
}

/// A phone number checked loosely: people write them in many ways, and it is only
/// read by a recruiter, never dialled by the system.
pub fn parse_phone(raw: &str) -> Result<Option<String>, &'static str> {
    let Some(phone) = clean_optional(raw) else { return Ok(None) };
    if phone.chars().count() > 30 {
        return Err("Use at most 30 characters.");
    }
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.');
    if !phone.chars().all(allowed) || !phone.chars().any(|c| c.is_ascii_digit()) {
        return Err("Enter a phone number using digits, spaces and + - ( ) . only.");
    }
    Ok(Some(phone))
}

pub const NOTES_MAX_CHARS: usize = 5_000;

/// What the create and edit forms send.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct CandidateForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub notes: String,
    /// Only on the create form: a random id chosen when the form was shown.
    #[serde(default)]
    pub idempotency_key: String,
}

/// A candidate's details once every field is valid.
pub struct NewCandidate {
    pub name: RequiredText,
    pub email: EmailAddress,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

impl CandidateForm {
    /// The valid details, or the message for each invalid field.
    pub fn validate(&self) -> Result<NewCandidate, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", RequiredText::parse(&self.name, "the candidate's name", 120));
        let email = errors.check("email", EmailAddress::parse(&self.email));
        let phone = errors.check("phone", parse_phone(&self.phone));
        let notes = clean_optional(&self.notes);
        if notes.as_ref().is_some_and(|n| n.chars().count() > NOTES_MAX_CHARS) {
            errors.add("notes", format!("Use at most {NOTES_MAX_CHARS} characters."));
        }
        match (name, email, phone, errors.is_empty()) {
            (Some(name), Some(email), Some(phone), true) => Ok(NewCandidate { name, email, phone, notes }),
            _ => Err(errors),
        }
    }
}

/// Which candidates the list shows: everyone current, one status, or the archived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    Only(CandidateStatus),
    Archived,
}

impl StatusFilter {
    /// Unknown values show everyone rather than an error: the URL may be hand-edited.
    pub fn parse(raw: Option<&str>) -> Self {
        match raw.map(str::trim).unwrap_or("") {
            "archived" => Self::Archived,
            "" | "all" => Self::All,
            other => CandidateStatus::ALL.into_iter().find(|s| s.as_str() == other).map_or(Self::All, Self::Only),
        }
    }

    pub fn as_param(self) -> &'static str {
        match self {
            Self::All => "",
            Self::Only(status) => status.as_str(),
            Self::Archived => "archived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Only(status) => status.label(),
            Self::Archived => "Archived",
        }
    }

    pub fn options() -> [StatusFilter; 6] {
        let [new, invited, active, completed] = CandidateStatus::ALL;
        [Self::All, Self::Only(new), Self::Only(invited), Self::Only(active), Self::Only(completed), Self::Archived]
    }

    pub fn status(self) -> Option<CandidateStatus> {
        match self {
            Self::Only(status) => Some(status),
            _ => None,
        }
    }

    pub fn archived(self) -> bool {
        self == Self::Archived
    }
}

pub const MIN_SEARCH_CHARS: usize = 2;

/// The search box: at least two characters, matched as a case-insensitive substring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    None,
    /// Too short to search; the list is not filtered and a hint says why.
    TooShort(String),
    Term(String),
}

impl Search {
    /// Control characters (a pasted line break) are dropped: no name or email holds one,
    /// and the stored search text separates name from email with one.
    pub fn parse(raw: Option<&str>) -> Self {
        let cleaned: String = raw.unwrap_or("").chars().filter(|c| !c.is_control()).collect();
        let term = cleaned.trim();
        match term.chars().count() {
            0 => Self::None,
            n if n < MIN_SEARCH_CHARS => Self::TooShort(term.to_owned()),
            // Long pastes are cut rather than refused; 100 characters finds anyone.
            _ => Self::Term(term.chars().take(100).collect()),
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Self::None => "",
            Self::TooShort(term) | Self::Term(term) => term,
        }
    }

    /// A full name, an address or a number: a term that names few people.
    pub fn looks_specific(&self) -> bool {
        matches!(self, Self::Term(term) if term.chars().any(|c| c.is_whitespace() || c == '@' || c.is_ascii_digit()))
    }

    /// The pattern the trigram index is asked for: the term with every character between
    /// its words a wildcard, so that the index is not asked for the trigrams that begin
    /// and end words ("  s" for every word starting with s), which each hold most of the
    /// table. Its matches are a superset: they are tested against the term itself. Kept
    /// as the term's own pattern when a word is too short to have a trigram of its own.
    pub fn trigram_pattern(&self) -> Option<String> {
        let Self::Term(term) = self else { return None };
        let words_have_trigrams =
            term.split(|c: char| !c.is_alphanumeric()).all(|w| w.is_empty() || w.chars().count() >= 3);
        if !words_have_trigrams {
            return self.pattern();
        }
        let loose: String = term.chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
        Some(format!("%{loose}%"))
    }

    /// The LIKE pattern, with the user's `%`, `_` and `\` matched literally; the store
    /// lowercases it to match the lowercased name and email.
    pub fn pattern(&self) -> Option<String> {
        match self {
            Self::Term(term) => Some(crate::db::like_pattern(term)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_checked_loosely() {
        assert_eq!(parse_phone("  ").unwrap(), None);
        assert_eq!(parse_phone(" +44 (20) 7946-0958 ").unwrap().as_deref(), Some("+44 (20) 7946-0958"));
        assert_eq!(parse_phone("555.123.4567").unwrap().as_deref(), Some("555.123.4567"));
        assert!(parse_phone("call me maybe").is_err());
        assert!(parse_phone("+-()").is_err(), "needs a digit");
        assert!(parse_phone(&"1".repeat(31)).is_err());
    }

    #[test]
    fn search_needs_two_characters_and_escapes_wildcards() {
        assert_eq!(Search::parse(Some(" ")), Search::None);
        assert_eq!(Search::parse(Some("a")), Search::TooShort("a".into()));
        assert_eq!(Search::parse(Some(" An ")).pattern().as_deref(), Some("%An%"));
        assert_eq!(Search::parse(Some("ann\nlee")).pattern().as_deref(), Some("%annlee%"), "no line break");
        // Typed wildcards match themselves: "50%" finds "50%", not "500"; "%_" is not everyone.
        assert_eq!(Search::parse(Some("50%")).pattern().as_deref(), Some(r"%50\%%"));
        assert_eq!(Search::parse(Some("a_b")).pattern().as_deref(), Some(r"%a\_b%"));
        assert_eq!(Search::parse(Some(r"a\b")).pattern().as_deref(), Some(r"%a\\b%"));
        assert_eq!(Search::parse(Some("%_")).pattern().as_deref(), Some(r"%\%\_%"));
    }

    #[test]
    fn names_addresses_and_numbers_look_specific() {
        for term in ["ava smith", "ava@example", "555 01", "c2999"] {
            assert!(Search::parse(Some(term)).looks_specific(), "{term}");
        }
        for term in ["nguyen", "example.com", ""] {
            assert!(!Search::parse(Some(term)).looks_specific(), "{term}");
        }
    }

    #[test]
    fn the_trigram_index_is_asked_for_whole_words_only() {
        assert_eq!(Search::parse(Some("Ava Smith")).trigram_pattern().as_deref(), Some("%Ava_Smith%"));
        assert_eq!(Search::parse(Some("c2999@example")).trigram_pattern().as_deref(), Some("%c2999_example%"));
        assert_eq!(
            Search::parse(Some("50%")).trigram_pattern().as_deref(),
            Some(r"%50\%%"),
            "a short word keeps its pattern"
        );
        assert_eq!(Search::parse(Some("jo li")).trigram_pattern().as_deref(), Some("%jo li%"));
        assert_eq!(Search::parse(Some("nguyen")).trigram_pattern().as_deref(), Some("%nguyen%"));
    }

    #[test]
    fn unknown_filters_show_everyone() {
        assert_eq!(StatusFilter::parse(Some("invited")), StatusFilter::Only(CandidateStatus::Invited));
        assert_eq!(StatusFilter::parse(Some("archived")), StatusFilter::Archived);
        assert_eq!(StatusFilter::parse(Some("bogus")), StatusFilter::All);
        assert_eq!(StatusFilter::parse(None), StatusFilter::All);
    }
}
