//! Sign-in throttling's rules: after too many failed attempts in 15 minutes, further
//! attempts for that account, or from that client address, are refused until the window
//! ends. The counting itself happens in Postgres (the app's `auth::throttle`).

use std::{fmt::Display, net::IpAddr};

use crate::domain::SecretKey;

pub const WINDOW_MINUTES: i32 = 15;
pub const PER_ACCOUNT: i32 = 5;
pub const PER_ADDRESS: i32 = 20;

/// The two counters one sign-in attempt counts against.
pub struct Keys {
    account: String,
    address: String,
}

impl Keys {
    /// An account is counted by its id; an email with no account by a keyed hash of the
    /// email, trimmed and lower-cased (so "Ann@X.com" cannot get five more tries than
    /// "ann@x.com"), so that the table holds no address anyone typed. Both get the same
    /// limit, so a refusal says nothing about which emails have accounts.
    pub fn new(account_id: Option<&dyn Display>, email: &str, client: IpAddr, secret: &SecretKey) -> Self {
        let account = match account_id {
            Some(id) => format!("user:{id}"),
            None => {
                let mac = secret.mac(&[b"sign-in-throttle", email.trim().to_lowercase().as_bytes()]);
                format!("unknown:{}", mac.iter().map(|b| format!("{b:02x}")).collect::<String>())
            }
        };
        Self { account, address: format!("ip:{client}") }
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// The minutes to wait, given each key's failures in its window and the minutes
    /// left in that window; `None` when neither key is over its limit. A window that
    /// is about to end still asks for a minute, so the message never says "0 minutes".
    pub fn minutes_to_wait<'a>(&self, counts: impl IntoIterator<Item = Count<'a>>) -> Option<i64> {
        counts
            .into_iter()
            .filter(|count| count.failures > if count.key == self.account { PER_ACCOUNT } else { PER_ADDRESS })
            .map(|count| count.minutes_left.max(1))
            .max()
    }
}

/// One key's counter after an attempt.
pub struct Count<'a> {
    pub key: &'a str,
    pub failures: i32,
    pub minutes_left: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(Some(&"4f7c"), "Ann@Example.com", "203.0.113.9".parse().unwrap(), &SecretKey::generate())
    }

    fn count(key: &str, failures: i32, minutes_left: i64) -> Count<'_> {
        Count { key, failures, minutes_left }
    }

    #[test]
    fn an_account_is_counted_by_its_id() {
        assert_eq!(keys().account(), "user:4f7c");
        assert_eq!(keys().address(), "ip:203.0.113.9");
    }

    #[test]
    fn an_unknown_email_is_counted_by_a_keyed_hash_whatever_its_case() {
        let secret = SecretKey::generate();
        let client = "203.0.113.9".parse().unwrap();
        let upper = Keys::new(None, " Ann@Example.COM ", client, &secret);
        let lower = Keys::new(None, "ann@example.com", client, &secret);
        assert_eq!(upper.account(), lower.account());
        assert!(upper.account().starts_with("unknown:") && !upper.account().contains("ann"), "{}", upper.account());
        let other_key = Keys::new(None, "ann@example.com", client, &SecretKey::generate());
        assert_ne!(other_key.account(), lower.account(), "keyed: nobody can compute it without the secret");
    }

    #[test]
    fn an_account_may_fail_five_times_in_a_window() {
        let keys = keys();
        let address = keys.address().to_owned();
        let at = |failures| keys.minutes_to_wait([count(keys.account(), failures, 12), count(&address, 1, 15)]);
        assert_eq!(at(5), None);
        assert_eq!(at(6), Some(12));
    }

    #[test]
    fn an_address_may_fail_twenty_times_in_a_window() {
        let keys = keys();
        let account = keys.account().to_owned();
        let at = |failures| keys.minutes_to_wait([count(&account, 1, 15), count(keys.address(), failures, 7)]);
        assert_eq!(at(20), None);
        assert_eq!(at(21), Some(7));
    }

    #[test]
    fn the_wait_is_the_longer_of_the_two_windows() {
        let keys = keys();
        assert_eq!(keys.minutes_to_wait([count(keys.account(), 6, 3), count(keys.address(), 21, 9)]), Some(9));
        assert_eq!(keys.minutes_to_wait([count(keys.account(), 6, 9), count(keys.address(), 21, 3)]), Some(9));
    }

    #[test]
    fn a_window_about_to_end_still_asks_for_a_minute() {
        let keys = keys();
        assert_eq!(keys.minutes_to_wait([count(keys.account(), 6, 0)]), Some(1));
    }
}
