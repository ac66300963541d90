//! Personal details taken out of answers before they are scored: the candidate's name
//! (whole or any part of it), their email address, and any email address or phone
//! number. The evaluator judges what was said, never who said it.

pub const NAME: &str = "[candidate]";
pub const EMAIL: &str = "[email]";
pub const PHONE: &str = "[phone]";

/// Digits a run needs to be taken for a phone number.
const PHONE_DIGITS: usize = 7;

/// `text` without the candidate's `name` and `email`, nor any email address or phone number.
pub fn redact(text: &str, name: &str, email: &str) -> String {
    let mut names: Vec<String> = name
        .split_whitespace()
        .map(|part| part.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|part| part.chars().count() >= 2)
        .collect();
    names.push(email.trim().to_lowercase());
    // Longer first, so the whole email goes before any name in it.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut out = String::with_capacity(text.len());
    for token in tokens(text) {
        let lower = token.to_lowercase();
        let replaced = if token.chars().all(char::is_whitespace) {
            None
        } else if lower.contains('@') && lower.contains('.') && lower.chars().any(char::is_alphanumeric) {
            Some(EMAIL)
        } else if token.chars().filter(char::is_ascii_digit).count() >= PHONE_DIGITS
            && token.chars().all(|c| c.is_ascii_digit() || "+-.()/ ".contains(c))
        {
            Some(PHONE)
        } else {
            None
        };
        match replaced {
            Some(marker) => {
                // Keep the sentence's punctuation around the detail.
                let end = token.trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
                out.push_str(marker);
                out.push_str(&token[end.len()..]);
            }
            None => out.push_str(&replace_names(token, &names)),
        }
    }
    out
}

/// Splits `text` into runs of whitespace and runs of anything else, keeping both. A
/// phone number written with single spaces ("+44 20 7946 0958") stays one run.
fn tokens(text: &str) -> Vec<&str> {
    let mut runs = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if i == 0 {
            continue;
        }
        let previous = chars[i - 1].1;
        let joins_number = c == ' '
            && previous.is_ascii_digit()
            && chars.get(i + 1).is_some_and(|&(_, next)| next.is_ascii_digit() || next == '(');
        let joined_after_space =
            previous == ' ' && i >= 2 && chars[i - 2].1.is_ascii_digit() && (c.is_ascii_digit() || c == '(');
        if c.is_whitespace() != previous.is_whitespace() && !joins_number && !joined_after_space {
            runs.push(&text[start..at]);
            start = at;
        }
    }
    if start < text.len() {
        runs.push(&text[start..]);
    }
    runs
}

/// `word` with each of `names` that stands as a whole word in it replaced.
fn replace_names(word: &str, names: &[String]) -> String {
    let mut out = String::new();
    let mut rest = word;
    'scan: while !rest.is_empty() {
        let lower = rest.to_lowercase();
        for name in names {
            if !name.is_empty()
                && lower.starts_with(name.as_str())
                && lower.len() == rest.len()
                && !rest[name.len()..].starts_with(char::is_alphanumeric)
                && !out.ends_with(char::is_alphanumeric)
            {
                out.push_str(NAME);
                rest = &rest[name.len()..];
                continue 'scan;
            }
        }
        let c = rest.chars().next().expect("not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME_: &str = "Ada Lovelace";
    const EMAIL_: &str = "ada@example.com";

    #[test]
    fn the_candidates_name_and_its_parts_are_replaced_in_any_case() {
        assert_eq!(redact("Hi, I'm Ada Lovelace.", NAME_, EMAIL_), "Hi, I'm [candidate] [candidate].");
        assert_eq!(redact("LOVELACE here; ada's plan", NAME_, EMAIL_), "[candidate] here; [candidate]'s plan");
    }

    #[test]
    fn words_that_only_contain_a_name_stay() {
        assert_eq!(redact("Adapting the cadastre", NAME_, EMAIL_), "Adapting the cadastre");
    }

    #[test]
    fn email_addresses_and_phone_numbers_are_replaced() {
        assert_eq!(redact("Write to ada@example.com.", NAME_, EMAIL_), "Write to [email].");
        assert_eq!(redact("or a.l@work.org, thanks", NAME_, EMAIL_), "or [email], thanks");
        assert_eq!(redact("Call +44 20 7946 0958 today", NAME_, EMAIL_), "Call [phone] today");
        assert_eq!(redact("call 555-123-4567.", NAME_, EMAIL_), "call [phone].");
    }

    #[test]
    fn numbers_that_are_not_phone_numbers_stay() {
        assert_eq!(
            redact("We cut p99 from 250 ms to 40 ms in 2023", NAME_, EMAIL_),
            "We cut p99 from 250 ms to 40 ms in 2023"
        );
    }

    #[test]
    fn initials_and_empty_names_change_nothing_else() {
        assert_eq!(redact("A plan", "A", ""), "A plan");
        assert_eq!(redact("", NAME_, EMAIL_), "");
    }
}
