//! What the Dashboard counts: a period of UTC days, the cohort's funnel, where candidates
//! stop and the completions per day.

use crate::ids::JobId;
use time::{Date, Duration, OffsetDateTime};

/// Whole UTC days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// The longest period one may choose: a year's cohort is still one index range.
pub const MAX_DAYS: i64 = 366;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("The period ends before it starts.")]
    Reversed,
    #[error("Choose a period of at most {MAX_DAYS} days.")]
    TooLong,
}

impl Period {
    /// The last `days` days, today (UTC) included.
    pub fn last(days: i64, today: Date) -> Self {
        Self { from: today - Duration::days(days - 1), to: today }
    }

    pub fn between(from: Date, to: Date) -> Result<Self, PeriodError> {
        let period = Self { from, to };
        match period.days() {
            ..1 => Err(PeriodError::Reversed),
            1..=MAX_DAYS => Ok(period),
            _ => Err(PeriodError::TooLong),
        }
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// Every day of the period, in order.
    pub fn each_day(&self) -> impl Iterator<Item = Date> {
        let from = self.from;
        (0..self.days()).map(move |n| from + Duration::days(n))
    }
}

/// What one view of the Dashboard counts: the company's interviews, or one job's, in a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    pub job_id: Option<JobId>,
    pub period: Period,
}

/// The interviews first sent in the period and how far they got. Each count includes
/// the interviews that went further, so each is at most the one before.
#[derive(Clone, Debug, Default)]
pub struct Cohort {
    pub sent: i64,
    pub email_opened: i64,
    pub link_opened: i64,
    pub started: i64,
    pub completed: i64,
    /// Completed and evaluated, or set for a person's review at the candidate's request.
    pub reviewed: i64,
    /// Sent at least one automatic reminder.
    pub reminded: i64,
    /// From the invitation to completion, over the completed ones.
    pub median_seconds: Option<f64>,
}

impl Cohort {
    /// The funnel's steps in order, with their counts.
    pub fn steps(&self) -> [(&'static str, i64); 6] {
        [
            ("Invitations sent", self.sent),
            ("Email opened", self.email_opened),
            ("Link opened", self.link_opened),
            ("Started", self.started),
            ("Completed", self.completed),
            ("Evaluated or set for a person's review", self.reviewed),
        ]
    }
}

/// A question where started interviews that expired or were cancelled stopped: their
/// first unanswered one.
#[derive(Clone, Debug)]
pub struct StopPoint {
    /// The question's place in its template, from 1.
    pub number: i32,
    pub prompt: String,
    pub interviews: i64,
}

#[derive(Clone, Debug)]
pub struct Figures {
    pub cohort: Cohort,
    pub stops: Vec<StopPoint>,
    /// Completions per UTC day of the period; days without any are absent.
    pub per_day: Vec<(Date, i64)>,
    pub computed_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_last_seven_days_end_today_and_hold_seven_days() {
        let period = Period::last(7, date!(2026 - 12 - 06));
        assert_eq!((period.from, period.to, period.days()), (date!(2026 - 11 - 30), date!(2026 - 12 - 06), 7));
        assert_eq!(period.each_day().count(), 7);
    }

    #[test]
    fn a_chosen_period_must_run_forward_and_last_at_most_a_year() {
        assert_eq!(Period::between(date!(2026 - 12 - 06), date!(2026 - 12 - 05)), Err(PeriodError::Reversed));
        assert_eq!(Period::between(date!(2025 - 01 - 01), date!(2026 - 01 - 02)), Err(PeriodError::TooLong));
        assert_eq!(Period::between(date!(2026 - 12 - 06), date!(2026 - 12 - 06)).map(|p| p.days()), Ok(1));
    }
}
