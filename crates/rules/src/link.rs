//! The candidate's interview link: `BASE_URL/i/<token>`.
//!
//! token = base64url(interview id ‖ first 16 bytes of HMAC-SHA256(SECRET_KEY, id, nonce)).
//! The database holds the id and the random per-interview nonce, never the token: a
//! working link cannot be made without the key. The 128-bit tag is checked in constant
//! time; a resend rebuilds the identical link.
//!
//! A teammate's invitation to join a company and a read-only share link are the same
//! kind of token, each under its own purpose, so no kind of link ever opens another.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use rand::RngCore;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::domain::SecretKey;

const TAG_LEN: usize = 16;

pub fn new_nonce() -> Vec<u8> {
    let mut nonce = vec![0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    nonce
}

/// What a token opens: part of its MAC's input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Interview,
    TeamInvitation,
    ShareLink,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Interview => b"interview-link",
            Self::TeamInvitation => b"team-invitation",
            Self::ShareLink => b"share-link",
        }
    }
}

fn tag(purpose: Purpose, key: &SecretKey, id: Uuid, nonce: &[u8]) -> [u8; TAG_LEN] {
    let mac = key.mac(&[purpose.label(), id.as_bytes(), nonce]);
    mac[..TAG_LEN].try_into().expect("a MAC is longer than the tag")
}

/// The token of the interview `interview_id`.
pub fn token(key: &SecretKey, interview_id: Uuid, nonce: &[u8]) -> String {
    token_for(Purpose::Interview, key, interview_id, nonce)
}

/// The token of the row `id` (an interview, an invitation) for `purpose`.
pub fn token_for(purpose: Purpose, key: &SecretKey, id: Uuid, nonce: &[u8]) -> String {
    B64.encode([id.as_bytes().as_slice(), &tag(purpose, key, id, nonce)].concat())
}

pub fn url(base_url: &url::Url, token: &str) -> String {
    format!("{}/i/{token}", base_url.as_str().trim_end_matches('/'))
}

/// A token that has the right shape; `verify` it against the interview's nonce.
pub struct ClaimedToken {
    pub interview_id: Uuid,
    tag: [u8; TAG_LEN],
}

impl ClaimedToken {
    pub fn parse(token: &str) -> Option<Self> {
        if token.len() != 43 {
            return None;
        }
        let raw = B64.decode(token).ok()?;
        let interview_id = Uuid::from_slice(&raw[..16]).ok()?;
        Some(Self { interview_id, tag: raw[16..].try_into().ok()? })
    }

    /// Whether this is the interview's token.
    pub fn verify(&self, key: &SecretKey, nonce: &[u8]) -> bool {
        self.verify_for(Purpose::Interview, key, nonce)
    }

    /// Whether this is the token of its id (which `interview_id` holds, whatever the
    /// row) for `purpose`.
    pub fn verify_for(&self, purpose: Purpose, key: &SecretKey, nonce: &[u8]) -> bool {
        tag(purpose, key, self.interview_id, nonce).ct_eq(&self.tag).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_tampering() {
        let key = SecretKey::generate();
        let id = Uuid::new_v4();
        let nonce = new_nonce();
        let token = token(&key, id, &nonce);
        assert_eq!(token.len(), 43);
        assert_eq!(token, super::token(&key, id, &nonce), "rebuilt identically");

        let claimed = ClaimedToken::parse(&token).unwrap();
        assert_eq!(claimed.interview_id, id);
        assert!(claimed.verify(&key, &nonce));
        assert!(!claimed.verify(&SecretKey::generate(), &nonce), "another key");
        assert!(!claimed.verify(&key, &new_nonce()), "another nonce");

        let mut tampered = token.into_bytes();
        tampered[40] = if tampered[40] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(!ClaimedToken::parse(&tampered).is_some_and(|t| t.verify(&key, &nonce)));
        assert!(ClaimedToken::parse("short").is_none());
    }

    #[test]
    fn a_token_opens_only_what_it_was_made_for() {
        let (key, id, nonce) = (SecretKey::generate(), Uuid::new_v4(), new_nonce());
        let invitation = token_for(Purpose::TeamInvitation, &key, id, &nonce);
        assert_ne!(invitation, token(&key, id, &nonce));
        let claimed = ClaimedToken::parse(&invitation).unwrap();
        assert!(claimed.verify_for(Purpose::TeamInvitation, &key, &nonce));
        assert!(!claimed.verify(&key, &nonce), "not an interview's link");
        assert!(!claimed.verify_for(Purpose::TeamInvitation, &key, &new_nonce()), "another nonce");
        let share = token_for(Purpose::ShareLink, &key, id, &nonce);
        let claimed = ClaimedToken::parse(&share).unwrap();
        assert!(claimed.verify_for(Purpose::ShareLink, &key, &nonce));
        assert!(!claimed.verify(&key, &nonce), "a share link is not an interview's link");
        assert!(!claimed.verify_for(Purpose::TeamInvitation, &key, &nonce));
    }

    #[test]
    fn each_interview_gets_its_own_random_nonce() {
        let (first, second) = (new_nonce(), new_nonce());
        assert_eq!(first.len(), 16);
        assert_ne!(first, second);
    }

    #[test]
    fn the_link_is_the_token_under_the_base_url() {
        let base = url::Url::parse("https://jobs.example.com/").unwrap();
        assert_eq!(url(&base, "tok"), "https://jobs.example.com/i/tok");
        let under_a_path = url::Url::parse("https://example.com/hiring/").unwrap();
        assert_eq!(url(&under_a_path, "tok"), "https://example.com/hiring/i/tok");
    }

    #[test]
    fn a_token_of_the_wrong_length_is_refused() {
        let token = token(&SecretKey::generate(), Uuid::new_v4(), &new_nonce());
        assert!(ClaimedToken::parse(&token[..42]).is_none());
        assert!(ClaimedToken::parse(&format!("{token}A")).is_none());
        assert!(ClaimedToken::parse(&"*".repeat(43)).is_none(), "not base64url");
    }
}
