//! Speech to text: the `Transcriber` interface and its OpenAI-compatible client
//! (`POST /v1/audio/transcriptions`, a multipart upload), which works with OpenAI and
//! with self-hosted servers that speak the same API.

use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use url::Url;

use super::{BoxFuture, ServiceError, openai};

pub trait Transcriber: Send + Sync {
    /// The model, recorded with each transcript.
    fn model(&self) -> &str;
    /// The text spoken in a recording of type `media_type` (e.g. `video/webm`).
    fn transcribe<'a>(&'a self, recording: Vec<u8>, media_type: &'a str)
    -> BoxFuture<'a, Result<String, ServiceError>>;
}

pub struct OpenAiTranscriber {
    client: reqwest::Client,
    endpoint: Url,
    api_key: Option<String>,
    model: String,
}

const SERVICE: &str = "The transcription service";

impl OpenAiTranscriber {
    pub fn new(base_url: &Url, api_key: Option<String>, model: String, timeout_secs: u64) -> anyhow::Result<Self> {
        Ok(Self {
            client: openai::client(timeout_secs)?,
            endpoint: openai::endpoint(base_url, "audio/transcriptions"),
            api_key,
            model,
        })
    }

    async fn call(&self, recording: Vec<u8>, media_type: &str) -> Result<String, ServiceError> {
        let essence = media_type.split(';').next().unwrap_or("").trim();
        let plain = essence.split('/').count() == 2
            && essence.chars().all(|c| c.is_ascii_alphanumeric() || "/.+-_".contains(c));
        let file = Part::bytes(recording)
            .file_name(format!("answer.{}", extension(media_type)))
            .mime_str(if plain { essence } else { "application/octet-stream" })
            .map_err(|err| ServiceError::Rejected(format!("could not prepare the upload: {err}")))?;
        let form = Form::new().text("model", self.model.clone()).text("response_format", "json").part("file", file);
        let mut request = self.client.post(self.endpoint.clone()).multipart(form);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.map_err(|err| openai::send_error(SERVICE, err))?;
        let response = openai::check(SERVICE, response).await?;
        #[derive(Deserialize)]
        struct Transcription {
            text: String,
        }
        let body = response.text().await.map_err(|err| openai::send_error(SERVICE, err))?;
        let parsed: Transcription = serde_json::from_str(&body)
            .map_err(|err| ServiceError::Permanent(format!("{SERVICE} sent a reply without text: {err}")))?;
        Ok(parsed.text.trim().to_owned())
    }
}

impl Transcriber for OpenAiTranscriber {
    fn model(&self) -> &str {
        &self.model
    }

    fn transcribe<'a>(
        &'a self,
        recording: Vec<u8>,
        media_type: &'a str,
    ) -> BoxFuture<'a, Result<String, ServiceError>> {
        Box::pin(self.call(recording, media_type))
    }
}

/// Services tell the format by the file name's extension.
fn extension(media_type: &str) -> &'static str {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    match essence {
        "video/mp4" | "audio/mp4" => "mp4",
        "audio/mpeg" => "mp3",
        "audio/wav" | "audio/x-wav" => "wav",
        "audio/ogg" | "video/ogg" => "ogg",
        "audio/m4a" | "audio/x-m4a" => "m4a",
        _ => "webm",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn extension_follows_the_media_type() {
        assert_eq!(super::extension("video/webm;codecs=vp8,opus"), "webm");
        assert_eq!(super::extension("video/mp4"), "mp4");
        assert_eq!(super::extension(""), "webm");
    }
}
