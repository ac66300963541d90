//! The new endpoint form: a URL the guard allows and at least one event.

use super::{events::EventKind, guard};
use crate::forms::FieldErrors;

/// The longest URL an endpoint may have.
pub const MAX_URL_CHARS: usize = 2000;

pub struct NewEndpoint {
    pub url: String,
    pub events: Vec<EventKind>,
}

/// The form's fields as posted: `url` and any number of `events`.
#[derive(Default)]
pub struct NewEndpointInput {
    pub url: String,
    pub events: Vec<EventKind>,
}

impl NewEndpointInput {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut input = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "url" => input.url = value.trim().to_owned(),
                "events" => input.events.extend(EventKind::parse(&value).filter(|kind| !input.events.contains(kind))),
                _ => {}
            }
        }
        input
    }

    /// The endpoint, or the messages the form shows. Private addresses written into the
    /// URL are refused here; names are checked again at every connection.
    pub fn validate(&self, allow_private: bool) -> Result<NewEndpoint, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Err(message) = check_url(&self.url, allow_private) {
            errors.add("url", message);
        }
        if self.events.is_empty() {
            errors.add("events", "Choose at least one event.");
        }
        if errors.is_empty() {
            Ok(NewEndpoint { url: self.url.clone(), events: self.events.clone() })
        } else {
            Err(errors)
        }
    }
}

fn check_url(raw: &str, allow_private: bool) -> Result<(), String> {
    if raw.is_empty() {
        return Err("Enter the URL that receives the events.".into());
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!("Keep the URL under {MAX_URL_CHARS} characters."));
    }
    let url = url::Url::parse(raw).map_err(|_| "Enter a full URL, such as https://example.com/hooks.".to_owned())?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err("Enter an http:// or https:// URL, such as https://example.com/hooks.".into());
    }
    let local_name = url.host_str().is_some_and(|host| host == "localhost" || host.ends_with(".localhost"));
    if guard::check_literal(&url, allow_private).is_err() || (local_name && !allow_private) {
        return Err(
            "This URL points to a private, loopback or link-local address, which webhooks may not reach.".into()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, events: &[&str]) -> NewEndpointInput {
        let mut pairs = vec![("url".to_owned(), url.to_owned())];
        pairs.extend(events.iter().map(|e| ("events".to_owned(), (*e).to_owned())));
        NewEndpointInput::from_pairs(pairs)
    }

    #[test]
    fn a_public_https_url_with_events_is_accepted() {
        let endpoint = input(" https://hooks.example.com/in ", &["interview.sent", "candidate.erased"]).validate(false);
        let endpoint = endpoint.ok().unwrap();
        assert_eq!(endpoint.url, "https://hooks.example.com/in");
        assert_eq!(endpoint.events, [EventKind::InterviewSent, EventKind::CandidateErased]);
    }

    #[test]
    fn private_addresses_in_the_url_are_refused_unless_allowed() {
        for url in
            ["http://127.0.0.1:9000/", "http://10.0.0.1/", "http://[::1]/", "http://0.0.0.0/", "http://localhost/"]
        {
            assert!(input(url, &["interview.sent"]).validate(false).is_err(), "{url}");
            assert!(input(url, &["interview.sent"]).validate(true).is_ok(), "{url}");
        }
    }

    #[test]
    fn other_schemes_unknown_events_and_no_events_are_refused() {
        assert!(input("ftp://example.com/", &["interview.sent"]).validate(false).is_err());
        let errors = input("https://example.com/", &["interview.nothing"]).validate(false).err().unwrap();
        assert!(errors.has("events"));
    }
}
