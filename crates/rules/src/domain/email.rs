use std::fmt;

/// An email address checked by the `email_address` crate (RFC 5322 addr-spec), trimmed
/// and with its domain lower-cased, so equal addresses compare equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("Enter an email address.");
        }
        if trimmed.len() > 254 || trimmed.chars().any(char::is_control) {
            return Err("Enter a valid email address, like name@example.com.");
        }
        let parsed: email_address::EmailAddress =
            trimmed.parse().map_err(|_| "Enter a valid email address, like name@example.com.")?;
        // Display names ("Ann <ann@x.com>") parse too; only a bare address is accepted.
        if parsed.email() != trimmed || !parsed.domain().contains('.') {
            return Err("Enter a valid email address, like name@example.com.");
        }
        Ok(Self(format!("{}@{}", parsed.local_part(), parsed.domain().to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let email = EmailAddress::parse("  Ann.Lee@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ann.Lee@example.com");
    }

    /// An address of `len` characters: the longest local part, then labels of at most 63.
    fn address_of(len: usize) -> String {
        let domain_len = len - 65;
        let last = domain_len - 2 * 64 - 4;
        format!("{}@{}.{}.{}.com", "a".repeat(64), "b".repeat(63), "c".repeat(63), "d".repeat(last))
    }

    #[test]
    fn an_address_is_at_most_254_characters() {
        assert_eq!(EmailAddress::parse(&address_of(254)).unwrap().as_str().len(), 254);
        assert!(EmailAddress::parse(&address_of(255)).is_err());
    }

    #[test]
    fn displays_as_the_normalised_address() {
        assert_eq!(EmailAddress::parse("ann@Example.com").unwrap().to_string(), "ann@example.com");
    }

    #[test]
    fn refuses_bad_addresses() {
        for bad in ["", "ann", "ann@", "@x.com", "ann@localhost", "Ann <ann@x.com>", "a\r\nb@x.com"] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
