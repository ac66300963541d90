//! A minimal SMTP receiver for `scripts/bench-send`: accepts every message on loopback,
//! keeps nothing, and prints how many it has received (every 1,000 and once a second
//! while the count changes).
//!
//! cargo run --release --example smtp_sink -- 127.0.0.1:2525

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter},
    net::{TcpListener, TcpStream},
};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:2525".into());
    let listener = TcpListener::bind(&addr).await?;
    println!("smtp_sink listening on {}", listener.local_addr()?);
    let received = Arc::new(AtomicU64::new(0));
    let report = received.clone();
    tokio::spawn(async move {
        let mut last = 0;
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let now = report.load(Ordering::Relaxed);
            if now != last {
                println!("received {now}");
                last = now;
            }
        }
    });
    loop {
        let (socket, _) = listener.accept().await?;
        let received = received.clone();
        tokio::spawn(async move {
            let _ = session(socket, &received).await;
        });
    }
}

async fn session(socket: TcpStream, received: &AtomicU64) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let (read, write) = socket.into_split();
    let mut reader = BufReader::new(read);
    let mut writer = BufWriter::new(write);
    writer.write_all(b"220 sink.local ESMTP\r\n").await?;
    writer.flush().await?;
    let mut line = Vec::with_capacity(1024);
    let mut in_data = false;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        if in_data {
            if line == b".\r\n" {
                in_data = false;
                let n = received.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_multiple_of(1000) {
                    println!("received {n}");
                }
                writer.write_all(b"250 2.0.0 Ok: queued\r\n").await?;
            } else {
                continue;
            }
        } else {
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with(b"EHLO") {
                b"250-sink.local\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if upper.starts_with(b"DATA") {
                in_data = true;
                b"354 End data with <CR><LF>.<CR><LF>\r\n"
            } else if upper.starts_with(b"QUIT") {
                writer.write_all(b"221 Bye\r\n").await?;
                writer.flush().await?;
                return Ok(());
            } else {
                // HELO, MAIL, RCPT, RSET, NOOP: all accepted.
                b"250 OK\r\n"
            };
            writer.write_all(reply).await?;
        }
        // Answer once the client has sent everything it pipelined.
        if reader.buffer().is_empty() {
            writer.flush().await?;
        }
    }
}
