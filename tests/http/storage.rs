//! Media storage on both stores it runs on: local disk, and a real S3-compatible server
//! (moto, which scripts/test starts and names in HIFINITY_TEST_S3_ENDPOINT; each test
//! gets its own bucket). Recordings stream in through the candidate's upload route and
//! play back in ranges; a refused, dropped or abandoned upload leaves no unfinished
//! upload behind (the test looks with the server's own ListMultipartUploads, or at the
//! staged files on disk), and erasure leaves no object.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use hifinity::storage::MediaStore;
use object_store::aws::AmazonS3Builder;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::candidate_portal::{Sent, sent_interview_with, webm};

#[derive(Clone, Copy)]
enum Store {
    Local,
    S3,
}

/// Runs the rule `$name` against each store, as `$name::on_local_disk` and `$name::on_s3`.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[sqlx::test]
            async fn on_local_disk(pool: sqlx::PgPool) {
                super::$name(pool, super::Store::Local).await;
            }

            #[sqlx::test]
            async fn on_s3(pool: sqlx::PgPool) {
                super::$name(pool, super::Store::S3).await;
            }
        }
    )*};
}

on_both_stores!(
    a_multi_megabyte_recording_streams_in_plays_in_ranges_and_is_erased,
    an_upload_over_the_limit_leaves_no_object_and_no_unfinished_upload,
    a_recording_of_the_wrong_type_is_refused_before_anything_is_stored,
    a_dropped_connection_aborts_the_upload,
    an_upload_dropped_unfinished_is_aborted,
    housekeeping_aborts_uploads_left_unfinished_for_long,
);

/// What a store holds, looked at without the app's code: the files on disk, or the
/// S3 server's own listings.
enum Holdings {
    Disk(PathBuf),
    Bucket(String),
}

impl Holdings {
    /// The keys of the finished objects.
    async fn objects(&self) -> Vec<String> {
        match self {
            Holdings::Disk(dir) => files(dir).into_iter().filter(|f| !is_staged(f)).collect(),
            Holdings::Bucket(url) => tags(&s3_get(&format!("{url}?list-type=2")).await, "Key"),
        }
    }

    /// How many uploads were started and neither finished nor aborted.
    async fn unfinished_uploads(&self) -> usize {
        match self {
            Holdings::Disk(dir) => files(dir).into_iter().filter(|f| is_staged(f)).count(),
            Holdings::Bucket(url) => tags(&s3_get(&format!("{url}?uploads")).await, "UploadId").len(),
        }
    }

    async fn wait_for_unfinished_uploads(&self, expected: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.unfinished_uploads().await != expected {
            assert!(Instant::now() < deadline, "timed out waiting for {expected} unfinished uploads");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn s3_endpoint() -> String {
    std::env::var("HIFINITY_TEST_S3_ENDPOINT").expect(
        "HIFINITY_TEST_S3_ENDPOINT: run the tests with scripts/test, which starts an S3-compatible server (moto)",
    )
}

async fn s3_get(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert!(response.status().is_success(), "{url}: {}", response.status());
    response.text().await.unwrap()
}

/// The texts of every `<tag>` in an S3 listing.
fn tags(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open).skip(1).map(|rest| rest.split(&close).next().unwrap().to_owned()).collect()
}

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    found
}

/// A file the local store writes while an upload is unfinished: `<destination>#<n>`.
fn is_staged(file: &str) -> bool {
    file.rsplit_once('#').is_some_and(|(_, n)| n.parse::<u32>().is_ok())
}

/// An interview sent to a candidate by an app storing media in `store`, and a look at
/// what that store holds.
async fn sent_on(pool: PgPool, store: Store, max_answer_bytes: u64) -> (Sent, Holdings) {
    let adjust = |config: &mut hifinity::config::Config| config.max_answer_bytes = max_answer_bytes;
    match store {
        Store::Local => {
            let s = sent_interview_with(pool, adjust, None).await;
            let dir = s.app.state.config.data_dir.join("media");
            (s, Holdings::Disk(dir))
        }
        Store::S3 => {
            let endpoint = s3_endpoint();
            let bucket = format!("hifinity-{}", Uuid::new_v4());
            let url = format!("{endpoint}/{bucket}");
            let created = reqwest::Client::new().put(&url).send().await.unwrap();
            assert!(created.status().is_success(), "creating the bucket: {}", created.status());
            let builder = AmazonS3Builder::new()
                .with_endpoint(&endpoint)
                .with_allow_http(true)
                .with_region("us-east-1")
                .with_bucket_name(&bucket)
                .with_access_key_id("test")
                .with_secret_access_key("test");
            // Under a prefix, as MEDIA_STORE=s3://bucket/media would have it.
            let media = MediaStore::s3(builder, "media").unwrap();
            (sent_interview_with(pool, adjust, Some(media)).await, Holdings::Bucket(url))
        }
    }
}

/// `len` bytes that start like a WebM recording and differ from place to place, so a
/// range read shows it came from the right offset.
fn recording(len: usize) -> Vec<u8> {
    let mut bytes = webm(8);
    bytes.extend((8..len).map(|i| (i % 251) as u8));
    bytes
}

const MB: usize = 1024 * 1024;

async fn a_multi_megabyte_recording_streams_in_plays_in_ranges_and_is_erased(pool: PgPool, store: Store) {
    let (s, holdings) = sent_on(pool, store, 16 * MB as u64).await;
    s.start().await;
    s.show(s.questions[0]).await;
    // Three S3 parts of at most 5 MB, fed in chunks as a browser sends them.
    let recording = recording(11 * MB + 123);
    let (chunks, response) = s.streamed_upload(s.questions[0]);
    for chunk in recording.chunks(256 * 1024) {
        chunks.send(chunk.to_vec()).await.unwrap();
    }
    drop(chunks);
    assert_eq!(response.await.unwrap().unwrap().status(), StatusCode::CREATED);
    let (answer, key): (Uuid, String) =
        sqlx::query_as("select id, media_key from answers").fetch_one(&s.app.pool).await.unwrap();
    let stored = holdings.objects().await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].ends_with(&key), "{stored:?} holds {key}");
    assert_eq!(holdings.unfinished_uploads().await, 0);

    let media = s.app.url(&format!("/interviews/{}/answers/{answer}/media", s.interview_id));
    let full = s.app.client.get(&media).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.bytes().await.unwrap(), recording);
    // Across the first part's end, as a player seeks.
    let (start, end) = (5 * MB - 100, 5 * MB + 99);
    let part = s.app.client.get(&media).header("range", format!("bytes={start}-{end}")).send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], format!("bytes {start}-{end}/{}", recording.len()));
    assert_eq!(part.bytes().await.unwrap(), recording[start..=end]);

    let candidate: Uuid =
        sqlx::query_scalar("select candidate_id from interviews").fetch_one(&s.app.pool).await.unwrap();
    let erased = s.app.post(&format!("/candidates/{candidate}/erase"), &[("confirm", "erase")]).await;
    assert_eq!(erased.flash(), "The candidate and everything held about them were erased.");
    assert_eq!(holdings.objects().await, Vec::<String>::new());
}

async fn an_upload_over_the_limit_leaves_no_object_and_no_unfinished_upload(pool: PgPool, store: Store) {
    let (s, holdings) = sent_on(pool, store, 5 * MB as u64).await;
    s.start().await;
    s.show(s.questions[0]).await;
    let (chunks, response) = s.streamed_upload(s.questions[0]);
    chunks.send(webm(64 * 1024)).await.unwrap();
    // A valid start opens the upload, so the refusal has one to abort.
    holdings.wait_for_unfinished_uploads(1).await;
    let mut sent = 64 * 1024;
    while sent <= 5 * MB {
        // The server stops reading once it refuses.
        if chunks.send(vec![0x42; 256 * 1024]).await.is_err() {
            break;
        }
        sent += 256 * 1024;
    }
    let response = tokio::time::timeout(Duration::from_secs(30), response).await.unwrap().unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(holdings.unfinished_uploads().await, 0, "the upload was aborted");
    assert_eq!(holdings.objects().await, Vec::<String>::new());
    assert_eq!(s.count("select count(*) from answers").await, 0);
}

async fn a_recording_of_the_wrong_type_is_refused_before_anything_is_stored(pool: PgPool, store: Store) {
    let (s, holdings) = sent_on(pool, store, 5 * MB as u64).await;
    s.start().await;
    let (status, _) = s.upload(s.questions[0], "text/plain", webm(1000)).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, message) = s.upload(s.questions[0], "video/webm", b"#!/bin/sh\necho not a video\n".to_vec()).await;
    assert_eq!(
        (status, message.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "This file is not a WebM or MP4 video recording.")
    );
    assert_eq!(holdings.unfinished_uploads().await, 0);
    assert_eq!(holdings.objects().await, Vec::<String>::new());
}

async fn a_dropped_connection_aborts_the_upload(pool: PgPool, store: Store) {
    let (s, holdings) = sent_on(pool, store, 5 * MB as u64).await;
    s.start().await;
    s.show(s.questions[0]).await;
    let (chunks, response) = s.streamed_upload(s.questions[0]);
    chunks.send(webm(64 * 1024)).await.unwrap();
    holdings.wait_for_unfinished_uploads(1).await;
    // The candidate's browser goes away mid-upload: the connection closes.
    response.abort();
    drop(chunks);
    holdings.wait_for_unfinished_uploads(0).await;
    assert_eq!(holdings.objects().await, Vec::<String>::new());
    assert_eq!(s.count("select count(*) from answers").await, 0);
}

/// Whatever path a request leaves by, even cancelled mid-write, its upload goes.
async fn an_upload_dropped_unfinished_is_aborted(pool: PgPool, store: Store) {
    let (s, holdings) = sent_on(pool, store, 5 * MB as u64).await;
    let mut upload = s.app.state.media.begin(&format!("interviews/{}/dropped.webm", s.interview_id)).await.unwrap();
    upload.write(&webm(1000)).await.unwrap();
    assert_eq!(holdings.unfinished_uploads().await, 1);
    drop(upload);
    holdings.wait_for_unfinished_uploads(0).await;
    assert_eq!(holdings.objects().await, Vec::<String>::new());
}

async fn housekeeping_aborts_uploads_left_unfinished_for_long(pool: PgPool, store: Store) {
    let (s, holdings) = sent_on(pool, store, 5 * MB as u64).await;
    let media = &s.app.state.media;
    let mut upload = media.begin(&format!("interviews/{}/left.webm", s.interview_id)).await.unwrap();
    upload.write(&webm(1000)).await.unwrap();
    // A killed process cleans nothing up.
    std::mem::forget(upload);
    assert_eq!(holdings.unfinished_uploads().await, 1);

    // Younger than the age given, it may still be going. (moto reports one fixed start
    // in 2010 for every upload, so the age here reaches back further than that.)
    let century = Duration::from_secs(100 * 365 * 24 * 60 * 60);
    assert_eq!(media.abort_stale_uploads(century).await.unwrap(), 0);
    assert_eq!(holdings.unfinished_uploads().await, 1);
    // No server can backdate an upload: an age of zero makes this one old enough.
    assert_eq!(media.abort_stale_uploads(Duration::ZERO).await.unwrap(), 1);
    assert_eq!(holdings.unfinished_uploads().await, 0);
    assert_eq!(holdings.objects().await, Vec::<String>::new());
}
