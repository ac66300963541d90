//! A small SMTP server on loopback that keeps what it receives, or refuses it with a
//! chosen reply, so delivery is tested against a real SMTP conversation.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::watch,
};

/// Where in the SMTP conversation [`Behaviour::RefuseAt`] refuses.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Mail,
    Rcpt,
    Data,
    /// The reply to the message's data.
    EndOfData,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Accept,
    /// Refuse every message with 451: try again later.
    RefuseForNow,
    /// Refuse the first `n` messages with 451, then accept.
    RefuseForNowTimes(usize),
    /// Refuse every message with 550: the mailbox does not exist.
    RefuseForGood,
    /// Refuse every message with 535: our credentials are wrong.
    RefuseCredentials,
    /// Keep the sender waiting after its message until [`SmtpServer::release`], then accept.
    HoldUntilReleased,
    /// Keep every message (it is in [`SmtpServer::messages`] at once), then wait this long
    /// before accepting it: senders spend a while in DATA, where a crash can catch them.
    #[allow(dead_code)]
    AcceptAfter(std::time::Duration),
    /// Keep the message (it is in [`SmtpServer::messages`]) and never answer it.
    // The stalls serve the tests of the real binary, not every binary that shares this file.
    #[allow(dead_code)]
    Stall,
    /// [`Behaviour::Stall`] for the first message to this address; accept every other.
    #[allow(dead_code)]
    StallFirstTo(&'static str),
    /// Close the connection with no reply after the data of the first message to this
    /// address (it is in [`SmtpServer::messages`]); accept every other.
    #[allow(dead_code)]
    DropAfterDataFirstTo(&'static str),
    /// Answer `reply` (a 4xx or 5xx line) at `step` of every message to `to` (at
    /// [`Step::Mail`], before any recipient is named, of every message); accept the rest.
    #[allow(dead_code)]
    RefuseAt {
        step: Step,
        to: &'static str,
        reply: &'static str,
    },
}

#[derive(Clone)]
struct Shared {
    behaviour: Behaviour,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
    /// Messages whose data arrived, whatever the reply.
    arrived: Arc<AtomicUsize>,
    released: watch::Receiver<bool>,
    /// SMTP sessions open now, and the most that were ever open at once.
    sessions: Arc<AtomicUsize>,
    most_sessions: Arc<AtomicUsize>,
    /// Sessions between DATA and the reply to the message's end.
    in_data: Arc<AtomicUsize>,
}

/// Counts a session in DATA while it lives.
struct InData(Arc<AtomicUsize>);

impl InData {
    fn new(in_data: &Arc<AtomicUsize>) -> Self {
        in_data.fetch_add(1, Ordering::SeqCst);
        Self(in_data.clone())
    }
}

impl Drop for InData {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub struct SmtpServer {
    pub port: u16,
    shared: Shared,
    release: watch::Sender<bool>,
}

impl SmtpServer {
    pub async fn start(behaviour: Behaviour) -> Self {
        Self::start_on(0, behaviour).await
    }

    pub async fn start_on(port: u16, behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (release, released) = watch::channel(false);
        let shared = Shared {
            behaviour,
            received: Default::default(),
            arrived: Default::default(),
            released,
            sessions: Default::default(),
            most_sessions: Default::default(),
            in_data: Default::default(),
        };
        let keep = shared.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let keep = keep.clone();
                tokio::spawn(async move {
                    let open = keep.sessions.fetch_add(1, Ordering::SeqCst) + 1;
                    keep.most_sessions.fetch_max(open, Ordering::SeqCst);
                    let _ = session(socket, keep.clone()).await;
                    keep.sessions.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Self { port, shared, release }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages accepted (and, with [`Behaviour::Stall`], those left unanswered).
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.shared.received.lock().unwrap().clone()
    }

    /// The messages accepted for `address` (compared without case), oldest first.
    pub fn messages_to(&self, address: &str) -> Vec<Vec<u8>> {
        self.messages().into_iter().filter(|message| addressed_to(message, address)).collect()
    }

    /// How many messages were sent to this server, accepted or refused.
    pub fn arrived(&self) -> usize {
        self.shared.arrived.load(Ordering::SeqCst)
    }

    /// The SMTP sessions open now.
    #[allow(dead_code)]
    pub fn sessions(&self) -> usize {
        self.shared.sessions.load(Ordering::SeqCst)
    }

    /// The SMTP sessions between DATA and the reply to the message's end now.
    #[allow(dead_code)]
    pub fn sessions_in_data(&self) -> usize {
        self.shared.in_data.load(Ordering::SeqCst)
    }

    /// The most SMTP sessions that were open at once.
    pub fn most_sessions(&self) -> usize {
        self.shared.most_sessions.load(Ordering::SeqCst)
    }

    /// Lets held messages (and later ones) through.
    pub fn release(&self) {
        self.release.send_replace(true);
    }

    /// Waits until `n` messages have arrived, for at most 10 seconds.
    pub async fn wait_for_arrivals(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.arrived() < n {
            assert!(tokio::time::Instant::now() < deadline, "{} of {n} messages arrived", self.arrived());
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

async fn session(socket: tokio::net::TcpStream, shared: Shared) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test.local ESMTP ready\r\n").await?;
    let mut line = String::new();
    // The recipient of the message in progress.
    let mut recipient = String::new();
    let mut in_data = None;
    let refusal = |step: Step, recipient: &str| match shared.behaviour {
        Behaviour::RefuseAt { step: at, to, reply } if at == step && (step == Step::Mail || to == recipient) => {
            Some(format!("{reply}\r\n"))
        }
        _ => None,
    };
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: String = if command.starts_with("EHLO") {
            "250-test.local\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".into()
        } else if command.starts_with("MAIL") {
            recipient.clear();
            refusal(Step::Mail, &recipient).unwrap_or_else(|| "250 OK\r\n".into())
        } else if command.starts_with("RCPT") {
            recipient = line.trim_end().split(['<', '>']).nth(1).unwrap_or_default().to_lowercase();
            refusal(Step::Rcpt, &recipient).unwrap_or_else(|| "250 OK\r\n".into())
        } else if command.starts_with("HELO") || command.starts_with("RSET") || command.starts_with("NOOP") {
            "250 OK\r\n".into()
        } else if command == "DATA" {
            if let Some(refused) = refusal(Step::Data, &recipient) {
                write.write_all(refused.as_bytes()).await?;
                continue;
            }
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            in_data = Some(InData::new(&shared.in_data));
            let mut message = Vec::new();
            loop {
                let mut data = String::new();
                if lines.read_line(&mut data).await? == 0 {
                    return Ok(());
                }
                if data == ".\r\n" {
                    break;
                }
                // Undo dot-stuffing.
                let data = data.strip_prefix('.').map(str::to_owned).unwrap_or(data);
                message.extend_from_slice(data.as_bytes());
            }
            let earlier = shared.arrived.fetch_add(1, Ordering::SeqCst);
            let first_to = |address: &str| {
                addressed_to(&message, address)
                    && !shared.received.lock().unwrap().iter().any(|earlier| addressed_to(earlier, address))
            };
            let stall = match shared.behaviour {
                Behaviour::Stall => true,
                Behaviour::StallFirstTo(address) => first_to(address),
                _ => false,
            };
            let drop_connection =
                matches!(shared.behaviour, Behaviour::DropAfterDataFirstTo(address) if first_to(address));
            if stall {
                // Never answers; the session ends when the sender closes it.
                shared.received.lock().unwrap().push(message);
                while lines.read_line(&mut line).await? > 0 {}
                return Ok(());
            }
            if drop_connection {
                shared.received.lock().unwrap().push(message);
                return Ok(());
            }
            if let Some(refused) = refusal(Step::EndOfData, &recipient) {
                refused
            } else {
                let accept = match shared.behaviour {
                    Behaviour::Accept
                    | Behaviour::AcceptAfter(_)
                    | Behaviour::StallFirstTo(_)
                    | Behaviour::DropAfterDataFirstTo(_)
                    | Behaviour::RefuseAt { .. } => true,
                    Behaviour::RefuseForNowTimes(n) => earlier >= n,
                    Behaviour::HoldUntilReleased => {
                        let mut released = shared.released.clone();
                        let _ = released.wait_for(|released| *released).await;
                        true
                    }
                    Behaviour::RefuseForNow
                    | Behaviour::RefuseForGood
                    | Behaviour::RefuseCredentials
                    | Behaviour::Stall => false,
                };
                if accept {
                    shared.received.lock().unwrap().push(message);
                    if let Behaviour::AcceptAfter(pause) = shared.behaviour {
                        tokio::time::sleep(pause).await;
                    }
                    // Names the message, so that a reply recorded for another is told apart.
                    format!("250 2.0.0 Ok: queued as {} for <{recipient}>\r\n", earlier + 1)
                } else {
                    match shared.behaviour {
                        Behaviour::RefuseForGood => "550 5.1.1 Mailbox unavailable\r\n",
                        Behaviour::RefuseCredentials => "535 5.7.8 Authentication credentials invalid\r\n",
                        _ => "451 4.3.0 Try again later\r\n",
                    }
                    .into()
                }
            }
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            "502 Command not implemented\r\n".into()
        };
        write.write_all(reply.as_bytes()).await?;
        // The message's end is answered: this session is out of DATA.
        drop(in_data.take());
    }
}

/// Whether the message's `To:` header names `address`.
fn addressed_to(message: &[u8], address: &str) -> bool {
    let wanted = address.to_lowercase();
    let text = String::from_utf8_lossy(message).to_lowercase();
    text.lines().any(|line| line.starts_with("to:") && line.contains(&wanted))
}
