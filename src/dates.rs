//! Times as people read them: "3 hours ago", with the exact time (turned into the
//! viewer's time zone by app.js) on hover.

use time::{Date, OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description};

#[derive(Clone, Debug)]
pub struct When {
    /// RFC 3339 in UTC, for `<time datetime>`.
    pub iso: String,
    /// Relative to now, e.g. "2 days ago".
    pub ago: String,
}

impl From<OffsetDateTime> for When {
    fn from(at: OffsetDateTime) -> Self {
        Self { iso: at.format(&Rfc3339).unwrap_or_default(), ago: ago(at, OffsetDateTime::now_utc()) }
    }
}

/// A calendar day as people write it: "Monday, December 7, 2026".
pub fn long_date(day: Date) -> String {
    day.format(format_description!("[weekday], [month repr:long] [day padding:none], [year]")).unwrap_or_default()
}

fn ago(at: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (now - at).whole_seconds();
    let (future, seconds) = (seconds < 0, seconds.unsigned_abs());
    let (count, unit) = match seconds {
        // A few seconds ahead is clock skew between the database and us, not the future.
        0..60 if !future || seconds < 5 => return "just now".into(),
        0..60 => return "in under a minute".into(),
        60..3_600 => (seconds / 60, "minute"),
        3_600..86_400 => (seconds / 3_600, "hour"),
        86_400..2_592_000 => (seconds / 86_400, "day"),
        2_592_000..31_536_000 => (seconds / 2_592_000, "month"),
        _ => (seconds / 31_536_000, "year"),
    };
    let plural = if count == 1 { "" } else { "s" };
    if future { format!("in {count} {unit}{plural}") } else { format!("{count} {unit}{plural} ago") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn a_day_is_written_out() {
        assert_eq!(long_date(time::macros::date!(2026 - 12 - 07)), "Monday, December 7, 2026");
    }

    #[test]
    fn reads_naturally() {
        let now = OffsetDateTime::now_utc();
        assert_eq!(ago(now - Duration::seconds(5), now), "just now");
        assert_eq!(ago(now - Duration::minutes(1), now), "1 minute ago");
        assert_eq!(ago(now - Duration::hours(3), now), "3 hours ago");
        assert_eq!(ago(now - Duration::days(2), now), "2 days ago");
        assert_eq!(ago(now + Duration::days(14), now), "in 14 days");
    }

    #[test]
    fn a_moment_ahead_is_in_under_a_minute_unless_it_is_clock_skew() {
        let now = OffsetDateTime::now_utc();
        assert_eq!(ago(now + Duration::seconds(30), now), "in under a minute");
        assert_eq!(ago(now + Duration::seconds(5), now), "in under a minute");
        assert_eq!(ago(now + Duration::seconds(4), now), "just now");
        assert_eq!(ago(now + Duration::seconds(60), now), "in 1 minute");
    }
}
