//! Browser tests: the real app, a real Postgres database per test and a real SMTP
//! conversation (the HTTP tests' harness), driven through headless Chromium with a fake
//! camera and microphone.

mod accessibility;
mod candidate_interview;
mod reviewer;
mod send_interview_modal;
mod webdriver;

#[allow(dead_code)]
#[path = "../common/fixtures.rs"]
mod fixtures;
#[allow(dead_code)]
#[path = "../common/smtp.rs"]
mod smtp;
#[allow(dead_code)]
#[path = "../common/support.rs"]
mod support;
