//! Form plumbing shared by every feature: per-field error messages shown under the
//! fields, and the hidden idempotency key of forms that create or send.

/// Messages for the fields of one submitted form, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// Records the error of a parse, returning the value when it succeeded.
    pub fn check<T, E: Into<String>>(&mut self, field: &'static str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(name, _)| *name == field).map(|(_, message)| message.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each field's message, for a client that reads them as data (the JSON API).
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(field, message)| (*field, message.as_str()))
    }
}

/// The hidden `idempotency_key` of a form that creates something. The page puts a fresh
/// uuid in the form; the store uses it as the new row's id (`on conflict do nothing`), so
/// a double click or a retried POST lands on the same row instead of making two.
/// A missing or malformed key just gets a fresh one (no protection, but no failure).
pub fn idempotency_key<Id: From<uuid::Uuid>>(raw: &str) -> Id {
    Id::from(uuid::Uuid::parse_str(raw.trim()).unwrap_or_else(|_| uuid::Uuid::new_v4()))
}

/// A whole number typed into a form, within `min..=max`; `message` says what is expected.
pub fn whole_number(raw: &str, min: i32, max: i32, message: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(message.to_owned()),
    }
}

/// A path of this site to go back to after an action (`next`, `return_to`), or `None`.
/// Refuses anything a browser could read as another site: `//host`, a backslash, and
/// whitespace or control characters, which browsers strip (a tab in `/<tab>/host`).
pub fn local_path(candidate: Option<&str>) -> Option<&str> {
    candidate.filter(|path| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && path.bytes().all(|b| b.is_ascii_graphic())
    })
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths() {
        assert_eq!(local_path(Some("/candidates?page=2")), Some("/candidates?page=2"));
        for bad in ["//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example", "/a b", ""] {
            assert_eq!(local_path(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(local_path(None), None);
    }
}
