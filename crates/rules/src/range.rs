//! The HTTP `Range` header of a media request (RFC 9110 §14.2): one byte range, or the
//! whole file.

use std::ops::Range;

#[derive(Debug, PartialEq, Eq)]
pub enum RangeRequest {
    Satisfiable(Range<u64>),
    Unsatisfiable,
    /// Several ranges or another unit: ignored, and the whole file is served (RFC 9110).
    Unsupported,
}

/// One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`, as a half-open range within `size`.
pub fn parse_range(header: &str, size: u64) -> RangeRequest {
    let Some(spec) = header.trim().strip_prefix("bytes=") else { return RangeRequest::Unsupported };
    if spec.contains(',') {
        return RangeRequest::Unsupported;
    }
    let Some((start, end)) = spec.split_once('-') else { return RangeRequest::Unsupported };
    let bounds = match (start.trim(), end.trim()) {
        ("", suffix) => suffix.parse::<u64>().ok().map(|n| (size.saturating_sub(n), size)),
        (start, "") => start.parse::<u64>().ok().map(|start| (start, size)),
        (start, end) => match (start.parse::<u64>(), end.parse::<u64>()) {
            (Ok(start), Ok(end)) => Some((start, end.saturating_add(1).min(size))),
            _ => None,
        },
    };
    // An empty range (`bytes=-0`, a last byte before the first, a start at or past the
    // end of the file) is unsatisfiable.
    match bounds {
        Some((start, end)) if start < end => RangeRequest::Satisfiable(start..end),
        _ => RangeRequest::Unsatisfiable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeRequest::*;
        assert_eq!(parse_range("bytes=0-99", 1000), Satisfiable(0..100));
        assert_eq!(parse_range("bytes=900-", 1000), Satisfiable(900..1000));
        assert_eq!(parse_range("bytes=-100", 1000), Satisfiable(900..1000));
        assert_eq!(parse_range("bytes=990-2000", 1000), Satisfiable(990..1000));
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-0", 0), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Unsupported);
        assert_eq!(parse_range("items=0-1", 1000), Unsupported);
    }

    #[test]
    fn a_single_byte_can_be_asked_for() {
        assert_eq!(parse_range("bytes=5-5", 1000), RangeRequest::Satisfiable(5..6));
        assert_eq!(parse_range("bytes=999-999", 1000), RangeRequest::Satisfiable(999..1000));
        assert_eq!(parse_range("bytes=-1", 1000), RangeRequest::Satisfiable(999..1000));
    }

    #[test]
    fn an_empty_range_is_unsatisfiable() {
        assert_eq!(parse_range("bytes=-0", 1000), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=-10", 0), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=1000-1000", 1000), RangeRequest::Unsatisfiable);
    }

    #[test]
    fn a_suffix_longer_than_the_file_is_the_whole_file() {
        assert_eq!(parse_range("bytes=-5000", 1000), RangeRequest::Satisfiable(0..1000));
    }

    #[test]
    fn a_malformed_range_is_unsatisfiable() {
        for header in ["bytes=a-b", "bytes=-", "bytes=1-x", "bytes=18446744073709551616-"] {
            assert_eq!(parse_range(header, 1000), RangeRequest::Unsatisfiable, "{header}");
        }
        assert_eq!(parse_range("bytes=100", 1000), RangeRequest::Unsupported, "no dash");
    }

    #[test]
    fn spaces_around_the_header_and_bounds_are_ignored() {
        assert_eq!(parse_range(" bytes= 10 - 19 ", 1000), RangeRequest::Satisfiable(10..20));
    }

    #[test]
    fn an_end_past_the_largest_size_is_clamped() {
        assert_eq!(parse_range("bytes=0-18446744073709551615", 1000), RangeRequest::Satisfiable(0..1000));
    }
}
