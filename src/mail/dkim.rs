//! DKIM signing of every message Hifinity sends (invitations, reminders and account
//! emails), so receiving servers can check that it comes from the domain in
//! `DKIM_DOMAIN` and was not changed on the way. The key is read once at start-up, so a
//! wrong setting stops the program instead of sending unsigned mail.

use std::sync::Arc;

use anyhow::{Context, bail};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use lettre::{
    Message,
    message::{
        dkim::{DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm, DkimSigningKey},
        header::HeaderName,
    },
};

/// The signer: `DKIM_DOMAIN`, `DKIM_SELECTOR` and the key of `DKIM_PRIVATE_KEY`.
#[derive(Clone, Debug)]
pub struct Dkim(Arc<DkimConfig>);

/// The headers a signature covers: who it is from and to, what it says, when, and its
/// identity, so none of them can be changed or added on the way. Not Content-Type: lettre
/// signs it as stored but writes the multipart boundary folded, which no verifier accepts;
/// the body hash covers the parts anyway.
const SIGNED_HEADERS: [&str; 7] = ["From", "Reply-To", "To", "Subject", "Date", "Message-ID", "MIME-Version"];

impl Dkim {
    /// The three settings together, or none of them (no signing).
    pub fn from_settings(
        domain: Option<String>,
        selector: Option<String>,
        key_path: Option<String>,
    ) -> anyhow::Result<Option<Self>> {
        match (domain, selector, key_path) {
            (None, None, None) => Ok(None),
            (Some(domain), Some(selector), Some(path)) => {
                let pem = std::fs::read_to_string(&path)
                    .with_context(|| format!("DKIM_PRIVATE_KEY: cannot read the key file {path}"))?;
                Self::new(&domain, &selector, &pem).map(Some)
            }
            (domain, selector, key) => {
                let missing: Vec<&str> = [("DKIM_DOMAIN", domain.is_none()), ("DKIM_SELECTOR", selector.is_none())]
                    .into_iter()
                    .chain([("DKIM_PRIVATE_KEY", key.is_none())])
                    .filter_map(|(name, missing)| missing.then_some(name))
                    .collect();
                bail!(
                    "DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together; {} not set",
                    missing.join(" and ")
                )
            }
        }
    }

    /// A signer for `domain` with the key published at `selector`; `pem` is an RSA
    /// (PKCS #1 or #8) or Ed25519 (PKCS #8) private key.
    pub fn new(domain: &str, selector: &str, pem: &str) -> anyhow::Result<Self> {
        if !is_dns_name(domain) {
            bail!("DKIM_DOMAIN must be a domain name such as example.com, not {domain:?}");
        }
        if !is_dns_name(selector) {
            bail!("DKIM_SELECTOR must be a DNS label such as hifinity2026, not {selector:?}");
        }
        let key = signing_key(pem).context("DKIM_PRIVATE_KEY")?;
        let headers = SIGNED_HEADERS.iter().map(|name| HeaderName::new_from_ascii_str(name)).collect();
        // Relaxed on both: a relay that re-folds headers or trims trailing spaces keeps the
        // signature valid, while any change of words still breaks it.
        let canonicalization =
            DkimCanonicalization { header: DkimCanonicalizationType::Relaxed, body: DkimCanonicalizationType::Relaxed };
        Ok(Self(Arc::new(DkimConfig::new(selector.to_owned(), domain.to_owned(), key, headers, canonicalization))))
    }

    /// Adds the `DKIM-Signature` header; the message must not change afterwards.
    pub fn sign(&self, message: &mut Message) {
        message.sign(&self.0);
    }
}

/// lettre's signer takes RSA keys as PKCS #1 PEM and Ed25519 keys as their base64 seed;
/// `openssl genpkey` writes PKCS #8 for both.
fn signing_key(pem: &str) -> anyhow::Result<DkimSigningKey> {
    use rsa::{
        pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey},
        pkcs8::{DecodePrivateKey, LineEnding},
        traits::PublicKeyParts,
    };
    if let Ok(key) = rsa::RsaPrivateKey::from_pkcs1_pem(pem).or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(pem)) {
        if key.size() * 8 < 1024 {
            bail!("an RSA key of {} bits is refused by receiving servers; use 2048 bits", key.size() * 8);
        }
        let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).context("re-encoding the RSA key")?;
        return DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa).context("reading the RSA key");
    }
    if let Ok(key) = <ed25519_dalek::SigningKey as ed25519_dalek::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem) {
        return DkimSigningKey::new(&BASE64.encode(key.to_bytes()), DkimSigningAlgorithm::Ed25519)
            .context("reading the Ed25519 key");
    }
    bail!("not an RSA or Ed25519 private key in PEM form (openssl genpkey -algorithm RSA or ed25519 writes one)")
}

/// Dot-separated labels of letters, digits and hyphens.
fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}
