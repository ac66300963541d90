//! The two S3 calls object_store does not offer: ListMultipartUploads and
//! AbortMultipartUpload of an upload this process no longer holds (it was killed, or
//! lost the request mid-upload). Signed with object_store's own SigV4 signer and
//! credentials, so they reach the bucket exactly as the uploads did.

use anyhow::Context;
use axum::http::{Method, Request, StatusCode};
use object_store::{
    aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey, AwsAuthorizer},
    client::{HttpClient, HttpRequestBody},
};
use serde::Deserialize;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use url::Url;

/// One bucket's multipart uploads, reached like object_store reaches the objects.
pub struct Bucket {
    s3: AmazonS3,
    /// `https://s3.region.amazonaws.com/bucket`, or the endpoint's equivalent.
    url: Url,
    region: String,
    http: HttpClient,
}

/// A multipart upload that was started and neither completed nor aborted.
#[derive(Debug)]
pub struct Incomplete {
    pub key: String,
    pub upload_id: String,
    pub initiated: OffsetDateTime,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListMultipartUploadsResult {
    #[serde(default, rename = "Upload")]
    uploads: Vec<ListedUpload>,
    #[serde(default)]
    is_truncated: bool,
    next_key_marker: Option<String>,
    next_upload_id_marker: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListedUpload {
    key: String,
    upload_id: String,
    initiated: String,
}

impl Bucket {
    /// The bucket `builder` (already given its bucket name) opens, and its store.
    pub fn open(builder: AmazonS3Builder) -> anyhow::Result<(AmazonS3, Self)> {
        let setting = |key| builder.get_config_value(&key);
        let bucket = setting(AmazonS3ConfigKey::Bucket).context("no bucket name")?;
        let region = setting(AmazonS3ConfigKey::Region).unwrap_or_else(|| "us-east-1".to_owned());
        let virtual_hosted = setting(AmazonS3ConfigKey::VirtualHostedStyleRequest).is_some_and(|v| v == "true");
        // As object_store addresses the bucket: an endpoint names it already when
        // virtual-hosted, otherwise the bucket follows as the first path segment.
        let url = match (setting(AmazonS3ConfigKey::Endpoint), virtual_hosted) {
            (Some(endpoint), true) => endpoint,
            (Some(endpoint), false) => format!("{}/{bucket}", endpoint.trim_end_matches('/')),
            (None, true) => format!("https://{bucket}.s3.{region}.amazonaws.com"),
            (None, false) => format!("https://s3.{region}.amazonaws.com/{bucket}"),
        };
        let url = Url::parse(&url).with_context(|| format!("the bucket's address {url}"))?;
        let s3 = builder.build().context("S3 settings")?;
        Ok((s3.clone(), Self { s3, url, region, http: HttpClient::new(reqwest::Client::new()) }))
    }

    /// Every incomplete upload whose key starts with `prefix`, page after page.
    pub async fn incomplete_uploads(&self, prefix: &str) -> anyhow::Result<Vec<Incomplete>> {
        let mut found = Vec::new();
        let mut markers: Option<(String, String)> = None;
        loop {
            let mut url = self.url.clone();
            url.query_pairs_mut().append_key_only("uploads").append_pair("prefix", prefix);
            if let Some((key, upload_id)) = &markers {
                url.query_pairs_mut().append_pair("key-marker", key).append_pair("upload-id-marker", upload_id);
            }
            let (status, body) = self.send(Method::GET, url).await?;
            anyhow::ensure!(status.is_success(), "listing multipart uploads: S3 answered {status}: {body}");
            let page: ListMultipartUploadsResult =
                quick_xml::de::from_str(&body).context("reading the multipart uploads listed")?;
            for upload in page.uploads {
                let initiated = OffsetDateTime::parse(&upload.initiated, &Rfc3339)
                    .with_context(|| format!("the start of upload {}", upload.upload_id))?;
                found.push(Incomplete { key: upload.key, upload_id: upload.upload_id, initiated });
            }
            match (page.is_truncated, page.next_key_marker, page.next_upload_id_marker) {
                (true, Some(key), Some(upload_id)) => markers = Some((key, upload_id)),
                _ => return Ok(found),
            }
        }
    }

    /// Aborts `upload`, discarding the parts it stored. One already gone (another
    /// instance's housekeeping aborted it, or it finished meanwhile) is no error.
    pub async fn abort(&self, upload: &Incomplete) -> anyhow::Result<()> {
        let mut url = self.url.clone();
        url.path_segments_mut()
            .map_err(|()| anyhow::anyhow!("the bucket's address has no path"))?
            .pop_if_empty()
            .extend(upload.key.split('/'));
        url.query_pairs_mut().append_pair("uploadId", &upload.upload_id);
        let (status, body) = self.send(Method::DELETE, url).await?;
        anyhow::ensure!(
            status.is_success() || status == StatusCode::NOT_FOUND,
            "aborting the upload of {}: S3 answered {status}: {body}",
            upload.key
        );
        Ok(())
    }

    /// Sends a signed request without a body; the answer's status and text.
    async fn send(&self, method: Method, url: Url) -> anyhow::Result<(StatusCode, String)> {
        let credential = self.s3.credentials().get_credential().await?;
        let mut request = Request::builder().method(method).uri(url.as_str()).body(HttpRequestBody::empty())?;
        AwsAuthorizer::new(&credential, "s3", &self.region).authorize(&mut request, None);
        let response = self.http.execute(request).await?;
        let status = response.status();
        let body = response.into_body().bytes().await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}
