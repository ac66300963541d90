//! DKIM: with a domain, selector and key, every message that reaches the SMTP server
//! carries a signature that an independent verifier (the `mail-auth` crate, its DNS
//! answered from the test with the record the README tells an operator to publish)
//! accepts, for RSA and Ed25519 keys; a message changed after signing fails.

use std::{
    borrow::Borrow,
    collections::HashMap,
    hash::Hash,
    path::{Path, PathBuf},
    process::Command,
    sync::Mutex,
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use hifinity::mail::dkim::Dkim;
use mail_auth::{
    AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt,
    common::{parse::TxtRecordParser, verify::DomainKey},
};
use sqlx::PgPool;

use crate::{
    fixtures,
    smtp::{Behaviour, SmtpServer},
    support::{ScratchDir, TestApp},
};

const DOMAIN: &str = "hifinity.test";
const SELECTOR: &str = "hifinity2026";

/// A key made by `openssl genpkey` as an operator would, with the TXT record to publish.
struct Key {
    path: PathBuf,
    record: String,
    _dir: ScratchDir,
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn key(algorithm: &str) -> Key {
    let dir = ScratchDir::new("hifinity-dkim");
    let path = dir.0.join("dkim.pem");
    let file = path.to_str().unwrap();
    match algorithm {
        "rsa" => openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file]),
        _ => openssl(&["genpkey", "-algorithm", "ed25519", "-out", file]),
    };
    let public = openssl(&["pkey", "-in", file, "-pubout", "-outform", "DER"]);
    // RSA publishes the whole SubjectPublicKeyInfo; Ed25519 only the 32 key bytes (RFC 8463).
    let p = match algorithm {
        "rsa" => BASE64.encode(&public),
        _ => BASE64.encode(&public[public.len() - 32..]),
    };
    Key { path, record: format!("v=DKIM1; k={algorithm}; p={p}"), _dir: dir }
}

/// The test's DNS: the one TXT record of the selector.
struct Dns(Mutex<HashMap<String, Txt>>);

impl ResolverCache<String, Txt> for Dns {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().unwrap().get(name).cloned()
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        String: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.lock().unwrap().remove(name)
    }

    fn insert(&self, key: String, value: Txt, _: Instant) {
        self.0.lock().unwrap().insert(key, value);
    }
}

/// What the verifier says of each signature of `message`.
async fn verify(message: &[u8], key: &Key) -> Vec<DkimResult> {
    let dns = Dns(Mutex::default());
    let record = DomainKey::parse(key.record.as_bytes()).expect("a valid DKIM record");
    dns.insert(format!("{SELECTOR}._domainkey.{DOMAIN}."), Txt::from(record), Instant::now() + Duration::from_secs(60));
    let authenticator = MessageAuthenticator::new_cloudflare().unwrap();
    let message = AuthenticatedMessage::parse(message).expect("a message");
    let results = authenticator.verify_dkim(Parameters::new(&message).with_txt_cache(&dns)).await;
    results.into_iter().map(|output| output.result().clone()).collect()
}

fn dkim(key: &Path) -> Dkim {
    Dkim::from_settings(Some(DOMAIN.into()), Some(SELECTOR.into()), Some(key.to_str().unwrap().into()))
        .unwrap()
        .expect("signing is configured")
}

/// An invitation and an account email, both received over SMTP.
async fn received(pool: PgPool, key: &Key) -> (Vec<u8>, Vec<u8>) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let signer = dkim(&key.path);
    let app = TestApp::spawn_with(pool, |config| {
        config.smtp_url = Some(smtp.url());
        config.dkim = Some(signer);
    })
    .await;
    app.sign_up("Acme Robotics", "riley@acme.com").await;
    let account = app.account_email_to("riley@acme.com").await;
    let s = fixtures::sendable(&app.pool, app.company_id("riley@acme.com").await).await;
    app.send_interview(s.candidate_id, s.job_id, s.version_id).await;
    app.deliver_mail().await;
    let invitation = smtp.messages().pop().expect("the invitation");
    (invitation, account)
}

async fn signed_messages_verify(pool: PgPool, algorithm: &str) {
    let key = key(algorithm);
    let (invitation, account) = received(pool, &key).await;
    let header = String::from_utf8_lossy(&invitation).to_lowercase();
    assert!(header.contains(&format!("a={algorithm}-sha256")), "signed with the {algorithm} key");
    assert_eq!(verify(&invitation, &key).await, vec![DkimResult::Pass], "the invitation's signature");
    assert_eq!(verify(&account, &key).await, vec![DkimResult::Pass], "the account email's signature");

    // One word of the body changed on the way.
    let text = String::from_utf8(invitation).unwrap();
    assert!(text.contains("one-way video interview"));
    let altered = text.replacen("one-way video interview", "one-way audio interview", 1);
    let results = verify(altered.as_bytes(), &key).await;
    assert!(
        matches!(results.as_slice(), [DkimResult::Neutral(mail_auth::Error::FailedBodyHashMatch)]),
        "an altered body does not verify: {results:?}"
    );
}

#[sqlx::test]
async fn every_message_is_signed_with_an_rsa_key_and_verifies_until_its_body_changes(pool: PgPool) {
    signed_messages_verify(pool, "rsa").await;
}

#[sqlx::test]
async fn every_message_is_signed_with_an_ed25519_key_and_verifies_until_its_body_changes(pool: PgPool) {
    signed_messages_verify(pool, "ed25519").await;
}

#[sqlx::test]
async fn without_dkim_settings_messages_are_not_signed(pool: PgPool) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = TestApp::spawn_with_smtp(pool, Some(smtp.url())).await;
    app.sign_up("Acme Robotics", "riley@acme.com").await;
    let account = app.account_email_to("riley@acme.com").await;
    assert!(!String::from_utf8_lossy(&account).to_lowercase().contains("dkim-signature"));
}

/// The program stops at start with one line naming the setting.
fn start_up_error(settings: &[(&str, &str)]) -> String {
    let data_dir = ScratchDir::new("hifinity-dkim");
    let out = Command::new(env!("CARGO_BIN_EXE_hifinity"))
        .arg("serve")
        .env_clear()
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("DATA_DIR", &data_dir.0)
        .envs(settings.iter().copied())
        .output()
        .unwrap();
    assert!(!out.status.success(), "the program must not start with {settings:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_dkim_setting_that_is_missing_or_a_key_that_cannot_be_read_stops_the_start() {
    let rsa = key("rsa");
    let path = rsa.path.to_str().unwrap();
    let missing = start_up_error(&[("DKIM_DOMAIN", DOMAIN), ("DKIM_PRIVATE_KEY", path)]);
    assert!(missing.contains("DKIM_SELECTOR not set"), "{missing}");
    let unreadable =
        start_up_error(&[("DKIM_DOMAIN", DOMAIN), ("DKIM_SELECTOR", SELECTOR), ("DKIM_PRIVATE_KEY", "/nowhere.pem")]);
    assert!(unreadable.contains("DKIM_PRIVATE_KEY: cannot read the key file /nowhere.pem"), "{unreadable}");
    let public = rsa.path.with_file_name("public.pem");
    std::fs::write(&public, openssl(&["pkey", "-in", path, "-pubout"])).unwrap();
    let not_private = start_up_error(&[
        ("DKIM_DOMAIN", DOMAIN),
        ("DKIM_SELECTOR", SELECTOR),
        ("DKIM_PRIVATE_KEY", public.to_str().unwrap()),
    ]);
    assert!(not_private.contains("DKIM_PRIVATE_KEY: not an RSA or Ed25519 private key"), "{not_private}");
    let bad_domain =
        start_up_error(&[("DKIM_DOMAIN", "acme com"), ("DKIM_SELECTOR", SELECTOR), ("DKIM_PRIVATE_KEY", path)]);
    assert!(bad_domain.contains("DKIM_DOMAIN must be a domain name"), "{bad_domain}");
}
