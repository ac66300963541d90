//! The password policy: what a new password must be (the hashing stays with the app).

use std::{collections::HashSet, sync::LazyLock};

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// Common passwords of 8+ characters from the zxcvbn frequency list (MIT licence).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

/// Checks a new password against the policy; the message is shown under the field.
pub fn check_new(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(format!("Use at least {MIN_CHARS} characters."));
    }
    if chars > MAX_CHARS {
        return Err(format!("Use at most {MAX_CHARS} characters."));
    }
    let lower = password.to_lowercase();
    // "password2024!" is as weak as "password": compare with trailing digits and symbols removed too.
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    if COMMON.contains(lower.as_str()) || COMMON.contains(stem) || is_repetitive(&lower) {
        return Err(
            "This password is too common. Choose something harder to guess, such as a few unrelated words.".into()
        );
    }
    let local_part = email.split('@').next().unwrap_or_default().to_lowercase();
    if local_part.len() >= 4 && lower.contains(&local_part) {
        return Err("Don't use your email address in your password.".into());
    }
    Ok(())
}

/// One character, or one short chunk, repeated ("aaaaaaaaaaaa", "abcabcabcabc").
fn is_repetitive(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    (1..=3).any(|period| chars.iter().enumerate().all(|(i, c)| *c == chars[i % period]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(check_new("short", "ann@x.com").is_err());
        assert!(check_new(&"x".repeat(129), "ann@x.com").is_err());
        assert!(check_new("password1234", "ann@x.com").is_err());
        assert!(check_new("Qwertyuiop123!", "ann@x.com").is_err());
        assert!(check_new("abcabcabcabc", "ann@x.com").is_err());
        assert!(check_new("annabelle-rocks-42", "annabelle@x.com").is_err());
        assert!(check_new("violet kettle harbour", "ann@x.com").is_ok());
    }

    #[test]
    fn a_password_has_12_to_128_characters() {
        assert_eq!(check_new("violetkettl", "ann@x.com"), Err("Use at least 12 characters.".into()));
        assert_eq!(check_new("violetkettle", "ann@x.com"), Ok(()));
        assert_eq!(check_new(&"violet kettle harbour ".repeat(6)[..128], "ann@x.com"), Ok(()));
        assert_eq!(
            check_new(&"violet kettle harbour ".repeat(6)[..129], "ann@x.com"),
            Err("Use at most 128 characters.".into())
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(check_new("Ødegård-søn", "ann@x.com").is_err(), "11 characters in 14 bytes");
        assert!(check_new("Ødegård-søns", "ann@x.com").is_ok(), "12 characters in 15 bytes");
    }

    #[test]
    fn a_common_password_is_refused_as_typed() {
        // The list holds it whole; without its trailing digits nothing is left to compare.
        assert!(check_new("123456654321", "ann@x.com").is_err());
    }

    #[test]
    fn a_common_password_is_refused_with_digits_or_symbols_appended() {
        assert!(check_new("Sunshine2024!", "ann@x.com").is_err());
    }

    #[test]
    fn a_repeated_character_or_short_chunk_is_refused() {
        for repeated in ["zzzzzzzzzzzz", "zqzqzqzqzqzq", "zqxzqxzqxzqx"] {
            assert!(check_new(repeated, "ann@x.com").is_err(), "{repeated}");
        }
        assert!(check_new("zqxvzqxvzqxv", "ann@x.com").is_ok(), "a chunk of four is not caught by this rule");
    }

    #[test]
    fn a_password_may_not_contain_the_email_name() {
        assert_eq!(
            check_new("my-anna-garden-42", "Anna@x.com"),
            Err("Don't use your email address in your password.".into())
        );
    }

    #[test]
    fn an_email_name_shorter_than_four_letters_is_not_checked() {
        assert_eq!(check_new("annual planning meeting", "ann@x.com"), Ok(()));
    }
}
