//! Lists are paged by an opaque cursor: where the last page ended, as base64 of JSON.
//! Clients pass back `next_cursor` unchanged; a cursor they made up is a 400 problem.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use serde::{Serialize, de::DeserializeOwned};

use super::problem::Problem;

/// Rows a page holds unless the client asks for fewer or more.
pub const DEFAULT_LIMIT: i64 = 25;
/// The most rows a page holds.
pub const MAX_LIMIT: i64 = 100;

/// The `limit` asked for, within 1..=[`MAX_LIMIT`].
pub fn limit(asked: Option<i64>) -> i64 {
    asked.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

pub fn encode<T: Serialize>(position: &T) -> String {
    B64.encode(serde_json::to_vec(position).unwrap_or_default())
}

pub fn decode<T: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<T>, Problem> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else { return Ok(None) };
    B64.decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .map(Some)
        .ok_or_else(|| Problem::bad_request("The cursor is not one this API gave: pass `next_cursor` back unchanged."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_a_made_up_one_is_refused() {
        let cursor = encode(&(1_700_000_000_123_456i64, "x"));
        assert_eq!(decode::<(i64, String)>(Some(&cursor)).unwrap(), Some((1_700_000_000_123_456, "x".into())));
        assert_eq!(decode::<(i64, String)>(None).unwrap(), None);
        assert!(decode::<(i64, String)>(Some("not a cursor")).is_err());
        assert_eq!(limit(None), DEFAULT_LIMIT);
        assert_eq!(limit(Some(1000)), MAX_LIMIT);
        assert_eq!(limit(Some(0)), 1);
    }
}
