//! Several instances: two web processes (`serve --no-workers`) and two `worker`
//! processes share one database and one DATA_DIR. Invitations go through both web
//! processes while one worker is killed with SIGKILL mid-DATA and restarted: every email
//! arrives exactly once, except those whose outcome became unknown (at most one per
//! session the killed worker had open), which arrive at most twice with the same
//! Message-ID; every interview opens on either web process. `scripts/instances` runs it
//! with 2,000 invitations (`HIFINITY_INSTANCES_INVITATIONS`); 500 by default.

use std::{
    collections::{HashMap, HashSet},
    time::{Duration, Instant},
};

use futures_util::{StreamExt, stream};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    fixtures,
    flows::{RECRUITER, send_interview_to, sign_up},
    process::{Server, Worker, own_folder},
    smtp::{Behaviour, SmtpServer},
    support::{PASSWORD, path_in_message},
};

/// Each worker's `SMTP_MAX_CONNECTIONS`: the most messages a crash can catch in DATA.
const MAX_CONNECTIONS: usize = 4;
/// How long the SMTP server keeps every sender in DATA before accepting its message.
const IN_DATA: Duration = Duration::from_millis(100);
/// Interview pages opened at once.
const CONCURRENT: usize = 8;
/// The killed worker's claims come back when their lease (two minutes) ends; the rest is
/// for a busy machine.
const SETTLING: Duration = Duration::from_secs(600);
/// One key for every process: links signed by one are opened by another.
const SECRET_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
/// The reason an email is failed after its second send whose outcome was unknown too.
const NOT_A_THIRD_TIME: &str = "it is not sent a third time";

#[sqlx::test]
async fn invitations_through_two_web_processes_arrive_once_while_a_worker_is_killed_in_data(pool: PgPool) {
    let invitations: usize = std::env::var("HIFINITY_INSTANCES_INVITATIONS")
        .map(|n| n.parse().expect("HIFINITY_INSTANCES_INVITATIONS is a number"))
        .unwrap_or(500);
    let smtp = SmtpServer::start(Behaviour::AcceptAfter(IN_DATA)).await;
    let data_dir = own_folder();
    let (smtp_url, max_connections) = (smtp.url(), MAX_CONNECTIONS.to_string());
    let shared = [("SECRET_KEY", SECRET_KEY), ("SMTP_URL", &smtp_url), ("SMTP_MAX_CONNECTIONS", &max_connections)];
    let web_a = Server::start_web(&pool, &data_dir.0, &shared).await;
    // Behind a load balancer every instance has the one public address: the first's.
    let settings: Vec<_> = shared.iter().copied().chain([("BASE_URL", web_a.base.as_str())]).collect();
    let web_b = Server::start_web(&pool, &data_dir.0, &settings).await;
    let mut killed = Worker::start(&pool, &data_dir.0, &settings).await;
    let _other = Worker::start(&pool, &data_dir.0, &settings).await;

    // A verified company (its verification email delivered by the workers), signed in on
    // both web processes, with a cap raised for the campaign and its candidates.
    let s = sign_up(&web_a, &pool, Some(&smtp)).await;
    let signed_in = web_b.post("/sign-in", &[("email", RECRUITER), ("password", PASSWORD)]).await;
    assert!(signed_in.url.ends_with("/candidates"), "signed in on the second web process: {}", signed_in.url);
    fixtures::raise_email_cap(&pool, s.company_id, invitations as i32 + 1).await;
    let candidates: Vec<(Uuid, String, String)> = sqlx::query_as(
        "insert into candidates (id, company_id, name, email)
         select gen_random_uuid(), $1, 'Candidate ' || lpad(n::text, 5, '0'), 'candidate-' || n || '@example.com'
         from generate_series(1, $2) n
         returning id, email::text, name",
    )
    .bind(s.company_id)
    .bind(invitations as i32)
    .fetch_all(&pool)
    .await
    .unwrap();
    let names: HashMap<&str, &str> =
        candidates.iter().map(|(_, email, name)| (email.as_str(), name.as_str())).collect();
    let arrived_before = smtp.arrived();

    let started = Instant::now();
    // The recruiter's browser on each web process, taking every other candidate.
    let sending = async {
        let (a, b) = tokio::join!(
            send_every_other(&web_a, &pool, &s, &candidates, 0),
            send_every_other(&web_b, &pool, &s, &candidates, 1)
        );
        [a, b].concat()
    };
    // Once a quarter arrived, while senders are in DATA: SIGKILL, then a restart.
    let crash = async {
        while smtp.arrived() < arrived_before + invitations / 4 || smtp.sessions_in_data() == 0 {
            assert!(started.elapsed() < SETTLING, "{} messages arrived", smtp.arrived() - arrived_before);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let in_data = smtp.sessions_in_data();
        killed.kill();
        tokio::time::sleep(Duration::from_secs(1)).await;
        killed = Worker::start(&pool, &data_dir.0, &settings).await;
        in_data
    };
    let (interviews, in_data_at_kill) = tokio::join!(sending, crash);
    let sent_in = started.elapsed();
    assert_eq!(interviews.iter().collect::<HashSet<_>>().len(), invitations, "one interview per candidate");

    let queued = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from emails where status = 'queued'")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    while queued().await > 0 {
        assert!(
            started.elapsed() < SETTLING,
            "{} emails still queued; the restarted worker printed:\n{}",
            queued().await,
            killed.output()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let settled_in = started.elapsed();

    // What the database holds.
    let emails: Vec<Email> = sqlx::query_as(
        "select e.interview_id, e.to_address::text, e.status::text, e.message_id, e.last_error,
                exists (select 1 from interview_events ev
                        where ev.interview_id = e.interview_id and ev.kind = 'outcome_unknown') as outcome_unknown
         from emails e where e.company_id = $1",
    )
    .bind(s.company_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(emails.len(), invitations, "one email per invitation");

    // What the SMTP server holds: each candidate message's Message-ID, recipient and link.
    let mut received: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut received_count = 0;
    for message in smtp.messages() {
        let parsed = mail_parser::MessageParser::default().parse(&message).unwrap();
        let to = parsed.to().and_then(|to| to.first()).and_then(|to| to.address()).unwrap().to_lowercase();
        if to == RECRUITER {
            continue;
        }
        let message_id = parsed.message_id().expect("every message has a Message-ID").to_owned();
        received.entry(message_id).or_default().push((to, path_in_message(&message, "/i/")));
        received_count += 1;
    }

    let mut unknown = 0;
    for Email { interview_id, to_address: to, status, message_id, last_error, outcome_unknown } in &emails {
        let message_id = message_id.as_deref().expect("the Message-ID is recorded").trim_matches(['<', '>']);
        let copies = received.get(message_id).map(Vec::as_slice).unwrap_or_default();
        assert!(copies.iter().all(|(recipient, _)| recipient == to), "{message_id} went to {to} only: {copies:?}");
        if *outcome_unknown {
            unknown += 1;
            assert!((1..=2).contains(&copies.len()), "{message_id} (outcome unknown) arrived {} times", copies.len());
            let reason = last_error.as_deref().unwrap_or_default();
            assert!(
                status == "sent" || (status == "failed" && reason.contains(NOT_A_THIRD_TIME)),
                "interview {interview_id}: {status} {reason}"
            );
        } else {
            assert_eq!(copies.len(), 1, "{message_id} arrived once");
            assert_eq!(status, "sent", "interview {interview_id}: {last_error:?}");
        }
    }
    assert_eq!(received.len(), invitations, "every message received is one of the invitations");
    assert!(unknown <= MAX_CONNECTIONS, "{unknown} outcomes unknown, more than the killed worker's sessions");

    // Every interview, from its emailed link, on either web process.
    let candidate = reqwest::Client::new();
    let links: Vec<(String, String)> = received.values().map(|copies| copies[0].clone()).collect();
    let opened = stream::iter(links.iter().flat_map(|link| [(&web_a, link), (&web_b, link)]))
        .map(|(server, (to, path))| {
            let candidate = candidate.clone();
            async move {
                let page = candidate.get(server.url(path)).send().await.unwrap();
                assert_eq!(page.status(), StatusCode::OK, "{path} on {}", server.base);
                let body = page.text().await.unwrap();
                (to.clone(), body)
            }
        })
        .buffer_unordered(CONCURRENT)
        .collect::<Vec<_>>()
        .await;
    assert_eq!(opened.len(), 2 * invitations);
    for (to, body) in &opened {
        assert!(body.contains(names[to.as_str()]), "the landing page of {to} names them");
    }

    // The emails the killed worker held come back only when their lease ends: the rate
    // is that of the others, delivered at their first claim.
    let (first_claims, first_claims_in): (i64, f64) = sqlx::query_as(
        "select count(*) filter (where attempts = 1),
                extract(epoch from max(sent_at) filter (where attempts = 1) - min(created_at))::float8
         from emails where company_id = $1",
    )
    .bind(s.company_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    println!(
        "several instances: {invitations} invitations sent through 2 web processes in {:.1} s; \
         {first_claims} delivered at their first claim in {first_claims_in:.1} s ({:.1} emails/s), \
         the rest once the killed worker's leases ended: all settled in {:.1} s; \
         {received_count} messages received, {} duplicates; {unknown} outcome unknown \
         ({in_data_at_kill} session(s) of both workers in DATA at the kill); at most {} SMTP sessions at once",
        sent_in.as_secs_f64(),
        first_claims as f64 / first_claims_in,
        settled_in.as_secs_f64(),
        received_count - received.len(),
        smtp.most_sessions(),
    );
}

/// An invitation's email as the database holds it, and whether its interview's timeline
/// says its outcome became unknown.
#[derive(sqlx::FromRow)]
struct Email {
    interview_id: Uuid,
    to_address: String,
    status: String,
    message_id: Option<String>,
    last_error: Option<String>,
    outcome_unknown: bool,
}

/// Sends an interview to every other candidate from the `first`, one after another, from
/// the recruiter's browser on `server`; returns the interviews.
async fn send_every_other(
    server: &Server,
    pool: &PgPool,
    s: &fixtures::Sendable,
    candidates: &[(Uuid, String, String)],
    first: usize,
) -> Vec<Uuid> {
    let mut interviews = Vec::new();
    for (candidate, ..) in candidates.iter().skip(first).step_by(2) {
        interviews.push(send_interview_to(server, pool, s, *candidate).await);
    }
    interviews
}
