//! Hifinity: recruiters invite candidates to AI-evaluated video interviews.
//!
//! A tour of the modules:
//! - [`config`]: typed settings from the environment.
//! - [`state`]: `AppState`, what every handler and worker shares (pool, settings, media storage).
//! - [`app`]: the router, middleware, graceful shutdown.
//! - [`error`]: the handlers' error type and its friendly pages.
//! - [`extract`]: the HTTP edge: ids in paths, other path text, query strings and forms, refused with the product's pages.
//! - [`dashboard`]: the funnel of a period's interviews (company or job), where candidates stop,
//!   completions per day, drawn as server-rendered SVG.
//! - [`layout`]: the portal layout: navigation, flash messages, error pages.
//! - [`auth`]: sign-up confirmed by email, sign-in, sessions, passwords (reset, change), cross-site
//!   refusal, and roles: one table of every route with the least role it needs, enforced before
//!   any handler runs.
//! - [`team`]: members and roles, deactivation, invitations by email that the invitee accepts
//!   by choosing their own password.
//! - [`account`]: your own account and the sessions that sign you in.
//! - [`jobs`]: job openings: list (open first), create, edit, close and reopen; the job options of every select box.
//! - [`interview_templates`]: templates and their ordered questions, publish into immutable versions.
//! - [`interviews`]: Send Interview, the secure link, tracking, resend, the Interviews page; its
//!   `lifecycle` is the one writer of an interview (transition, event, candidate status, queued work).
//! - [`candidate_portal`]: what the candidate sees at the link (the notice they agree to first), opened by its
//!   `OpenInterview` extractor.
//! - [`mail`]: invitation emails, the outbox and its delivery job (at most `SMTP_MAX_CONNECTIONS` at once);
//!   account emails (verification, reset, team invitations), never on an Outbox page.
//! - [`candidate_import`]: candidates from a CSV file, previewed row by row (kept in Postgres), then imported in one transaction.
//! - [`candidates`]: the Candidates page (search, status filter, pages), create, edit, delete or archive.
//! - [`applications`]: a candidate for a job, its stage, and the application page with its Interviews tab.
//! - [`evaluation`]: transcription, scoring (AI or the built-in rubric) as a job, and the recruiters' review.
//! - [`domain`]: validated values shared by features (email address, required text, secret key).
//! - [`ids`]: `CompanyId`, the company a statement is scoped to; made only from a session, a candidate link, a share link,
//!   an API key or claimed work. And one id type per kind of record (`CandidateId`, `InterviewId`, …).
//! - [`forms`]: per-field error messages, idempotency keys, safe return paths.
//! - [`dates`]: "2 days ago" rendering.
//! - [`counts`]: the running totals of interviews and applications behind their lists, folded by housekeeping.
//! - [`db`]: the pool and migrations.
//! - [`workers`]: starts the background work: the delivery and evaluation workers, housekeeping.
//! - [`pagination`]: page numbers and links for list pages.
//! - [`queue`]: the one job mechanism: typed jobs (`Job`: a `KIND` and a serde payload) in the
//!   `tasks` table, claim, lease, attempt fencing, backoff, give-back at shutdown, and the worker
//!   that runs a kind's jobs as capacity frees up (`queue::worker::Handler`).
//! - [`storage`]: media storage: local disk or S3-compatible.
//! - [`reviews`]: reviewers of an interview or a job, their emails, My reviews, blind review, the team rating.
//! - [`sharing`]: read-only share links of an interview or a job's completed interviews, for
//!   people without an account: expiry, revocation, and a log of every view.
//! - [`audit`]: the audit log: who did what and when, ids and action names only, append-only.
//! - [`privacy`]: the candidate's data: erasure (on request, within the company's deadline), retention, the access archive.
//! - [`api`]: the JSON API under `/api/v1`: per-company API keys (scoped, rate limited, revocable), idempotent
//!   writes, problem details, cursor pagination, and its OpenAPI document generated from the code.
//! - [`settings`]: company settings (automatic reminders, the privacy text of the candidates' notice, API keys), for admins.
//! - [`webhooks`]: Settings → Webhooks: signed (Standard Webhooks) event deliveries through the queue,
//!   retried, listed with Redeliver, refused private addresses.
//! - [`static_files`]: CSS and JavaScript compiled into the binary.
//! - [`demo`]: the demo company.

pub mod account;
pub mod api;
pub mod app;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod candidate_import;
pub mod candidate_portal;
pub mod candidates;
pub mod config;
pub mod counts;
pub mod dashboard;
pub mod dates;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod evaluation;
pub mod extract;
pub mod forms;
pub mod ids;
pub mod interview_templates;
pub mod interviews;
pub mod jobs;
pub mod layout;
pub mod mail;
pub mod pagination;
pub mod privacy;
pub mod queue;
pub mod reviews;
pub mod settings;
pub mod sharing;
pub mod state;
pub mod static_files;
pub mod storage;
pub mod team;
pub mod webhooks;
pub mod workers;
