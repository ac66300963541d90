//! The candidate's interview link: `BASE_URL/i/<token>`.
//!
//! token = base64url(interview id ‖ first 16 bytes of HMAC-SHA256(SECRET_KEY, id, nonce)).
//! The database holds the id and the random per-interview nonce, never the token: a
//! working link cannot be made without the key. The 128-bit tag is checked in constant
//! time; a resend rebuilds the identical link.

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

fn tag(key: &SecretKey, interview_id: Uuid, nonce: &[u8]) -> [u8; TAG_LEN] {
    let mac = key.mac(&[b"interview-link", interview_id.as_bytes(), nonce]);
    mac[..TAG_LEN].try_into().expect("a MAC is longer than the tag")
}

pub fn token(key: &SecretKey, interview_id: Uuid, nonce: &[u8]) -> String {
    B64.encode([interview_id.as_bytes().as_slice(), &tag(key, interview_id, nonce)].concat())
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

    pub fn verify(&self, key: &SecretKey, nonce: &[u8]) -> bool {
        tag(key, self.interview_id, nonce).ct_eq(&self.tag).into()
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
