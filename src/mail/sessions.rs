//! The SMTP sessions delivery owns: at most `SMTP_MAX_CONNECTIONS` open at once, each a
//! lettre [`AsyncSmtpConnection`] over a socket with `TCP_NODELAY` (without it, the end
//! of every message waits for the server's delayed acknowledgement, tens of
//! milliseconds). A connection goes back for the next message only when its last
//! exchange ended with a reply; one whose send failed or ran out of time mid-conversation
//! is closed, so a late reply is never read as the answer to another message.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use anyhow::Context;
use lettre::{
    Address,
    address::Envelope,
    transport::smtp::{
        SMTP_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT,
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, Tls, TlsParameters},
        commands::{Data, Mail, Rcpt},
        extension::{ClientId, Extension, MailBodyParameter, MailParameter},
        response::Response,
    },
};
use tokio::{
    net::TcpStream,
    sync::{Semaphore, SemaphorePermit},
    time::timeout_at,
};

/// An idle connection this long may have been closed by the server: it is checked
/// (`NOOP`) before it carries a message.
const CHECK_AFTER: Duration = Duration::from_secs(10);

/// The SMTP server of `SMTP_URL` and the connections open to it.
pub struct Sessions {
    server: Server,
    /// Connections waiting for a message, with when each last finished one.
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    /// One permit per message in flight. A connection is opened only when none is idle,
    /// so the connections open never outnumber the permits.
    permits: Semaphore,
    /// The longest one message may take, from waiting for a connection to the reply.
    timeout: Duration,
}

/// `SMTP_URL` read the way lettre reads it: `smtp://` (optionally `?tls=required` or
/// `?tls=opportunistic` for STARTTLS) or `smtps://`, credentials as the URL's user and
/// password, and the EHLO name as its path.
struct Server {
    host: String,
    port: u16,
    tls: Tls,
    hello: ClientId,
    credentials: Option<Credentials>,
}

/// Why a message was not confirmed.
#[derive(Debug)]
pub struct Failure {
    /// The server's refusal, or what broke the conversation.
    pub reason: String,
    /// The server's reply code when it refused the message.
    pub code: Option<u16>,
    /// The message's data went out: with no reply (`code` is `None`) it may have been
    /// delivered.
    pub data_sent: bool,
}

impl Sessions {
    pub fn new(url: &str, max_connections: usize, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            server: Server::parse(url)?,
            idle: Mutex::default(),
            permits: Semaphore::new(max_connections),
            timeout,
        })
    }

    /// Room for one more message, waited for within the send timeout (which then goes on
    /// bounding the message's exchange).
    pub async fn slot(&self) -> Result<Slot<'_>, Failure> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        match timeout_at(deadline, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(Slot { sessions: self, _permit: permit, deadline }),
            _ => Err(self.no_reply(false)),
        }
    }

    fn no_reply(&self, data_sent: bool) -> Failure {
        Failure {
            reason: format!("No answer from the SMTP server within {} s", self.timeout.as_secs()),
            code: None,
            data_sent,
        }
    }

    /// The most recently used idle connection that still answers.
    async fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut connection, since) = self.idle.lock().unwrap().pop()?;
            if since.elapsed() < CHECK_AFTER || connection.test_connected().await {
                return Some(connection);
            }
        }
    }
}

/// Room for one message on a session: taken before the message's attempt is recorded,
/// so only messages that hold one can be caught mid-conversation by a crash.
pub struct Slot<'a> {
    sessions: &'a Sessions,
    _permit: SemaphorePermit<'a>,
    deadline: tokio::time::Instant,
}

impl Slot<'_> {
    /// Sends `email` to the envelope's recipients; the server's reply to its data.
    pub async fn send(&self, envelope: &Envelope, email: &[u8]) -> Result<Response, Failure> {
        let sessions = self.sessions;
        let mut data_sent = false;
        let result = timeout_at(self.deadline, async {
            // A connection closed while idle fails before any of the message goes out:
            // a fresh one takes over.
            if let Some(mut reused) = sessions.take_idle().await {
                match converse(&mut reused, envelope, email, &mut data_sent).await {
                    Err(err) if !data_sent && err.code.is_none() => {}
                    done => return (Some(reused), done),
                }
            }
            let mut fresh = match sessions.server.connect().await {
                Ok(fresh) => fresh,
                Err(err) => return (None, Err(Failure { reason: err, code: None, data_sent: false })),
            };
            let done = converse(&mut fresh, envelope, email, &mut data_sent).await;
            (Some(fresh), done)
        })
        .await;
        match result {
            Err(_) => Err(sessions.no_reply(data_sent)),
            Ok((connection, Ok(reply))) => {
                if let Some(connection) = connection {
                    sessions.idle.lock().unwrap().push((connection, Instant::now()));
                }
                Ok(reply)
            }
            // Refused or broken: the connection is dropped (closed), never reused.
            Ok((_, Err(failure))) => Err(failure),
        }
    }
}

impl Server {
    fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(url).context("SMTP_URL is not a valid SMTP address")?;
        let host = url.host_str().context("SMTP_URL names no host")?.to_owned();
        let tls_mode = url.query_pairs().find(|(key, _)| key == "tls").map(|(_, value)| value.into_owned());
        let tls_parameters = || TlsParameters::new(host.clone()).context("SMTP_URL's TLS settings");
        let (default_port, tls) = match (url.scheme(), tls_mode.as_deref()) {
            ("smtp", None) => (SMTP_PORT, Tls::None),
            ("smtp", Some("required")) => (SUBMISSION_PORT, Tls::Required(tls_parameters()?)),
            ("smtp", Some("opportunistic")) => (SUBMISSION_PORT, Tls::Opportunistic(tls_parameters()?)),
            ("smtps", _) => (SUBMISSIONS_PORT, Tls::Wrapper(tls_parameters()?)),
            (scheme, tls) => anyhow::bail!("SMTP_URL: unknown scheme {scheme:?} or tls={tls:?}"),
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text).decode_utf8().map(|text| text.into_owned()).context("SMTP_URL")
        };
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
            None => None,
        };
        Ok(Self { port: url.port().unwrap_or(default_port), host, tls, hello, credentials })
    }

    /// Opens a session: greeting, EHLO, STARTTLS or TLS as configured, and AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let describe = |err: lettre::transport::smtp::Error| describe(&err);
        let mut connection = match &self.tls {
            // Implicit TLS: lettre opens the socket and wraps it itself.
            Tls::Wrapper(tls) => AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                None,
                &self.hello,
                Some(tls.clone()),
                None,
            )
            .await
            .map_err(describe)?,
            _ => {
                let socket = TcpStream::connect((self.host.as_str(), self.port))
                    .await
                    .map_err(|err| format!("Could not connect to the SMTP server: {err}"))?;
                socket.set_nodelay(true).map_err(|err| format!("Could not set TCP_NODELAY: {err}"))?;
                AsyncSmtpConnection::connect_with_transport(Box::new(socket), &self.hello).await.map_err(describe)?
            }
        };
        match &self.tls {
            Tls::Required(tls) => connection.starttls(tls.clone(), &self.hello).await.map_err(describe)?,
            Tls::Opportunistic(tls) if connection.can_starttls() => {
                connection.starttls(tls.clone(), &self.hello).await.map_err(describe)?
            }
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            connection.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(describe)?;
        }
        Ok(connection)
    }
}

/// One message's exchange: MAIL, RCPT for each recipient, DATA, the message. Sets
/// `data_sent` once the message's data starts going out.
async fn converse(
    connection: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    email: &[u8],
    data_sent: &mut bool,
) -> Result<Response, Failure> {
    let refused = |data_sent| {
        move |err: lettre::transport::smtp::Error| Failure {
            reason: describe(&err),
            code: err.status().map(|code| code.to_string().parse().unwrap_or_default()),
            data_sent,
        }
    };
    let utf8_addresses = !envelope.from().into_iter().chain(envelope.to()).map(Address::as_ref).all(str::is_ascii);
    let eight_bit = !email.is_ascii();
    let info = connection.server_info();
    if utf8_addresses && !info.supports_feature(Extension::SmtpUtfEight)
        || eight_bit && !info.supports_feature(Extension::EightBitMime)
    {
        return Err(Failure {
            reason: "The SMTP server accepts neither non-ASCII addresses nor 8-bit messages".into(),
            code: None,
            data_sent: false,
        });
    }
    let mut parameters = Vec::new();
    if utf8_addresses {
        parameters.push(MailParameter::SmtpUtfEight);
    }
    if eight_bit {
        parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    connection.command(Mail::new(envelope.from().cloned(), parameters)).await.map_err(refused(false))?;
    for to in envelope.to() {
        connection.command(Rcpt::new(to.clone(), Vec::new())).await.map_err(refused(false))?;
    }
    connection.command(Data).await.map_err(refused(false))?;
    *data_sent = true;
    connection.message(email).await.map_err(refused(true))
}

/// The whole error chain: lettre's top level says little ("network error").
pub fn describe(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
