//! The Dashboard page: the figures as an SVG funnel and a chart of completions per day,
//! drawn on the server (no script, prints as it shows), each beside a table of the same
//! numbers for screen readers.

use askama::Template;
use time::{Date, macros::format_description};

use super::model::{Cohort, Figures, Period, StopPoint};
use crate::ids::JobId;
use crate::layout::Shell;

#[derive(Template)]
#[template(path = "dashboard/page.html")]
pub struct DashboardPage {
    pub shell: Shell,
    pub jobs: Vec<JobChoice>,
    /// The chosen job's title; `None` for the whole company.
    pub job_title: Option<String>,
    pub presets: Vec<Preset>,
    /// The period's first and last day, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// "Last 30 days (Nov 7 – Dec 6, 2026, UTC)".
    pub period_label: String,
    /// Why the chosen dates were not used.
    pub period_error: Option<String>,
    pub funnel: Funnel,
    pub median: String,
    pub reminded: String,
    pub stops: Vec<StopRow>,
    pub chart: DayChart,
    /// "20:31 UTC".
    pub computed_at: String,
}

pub struct JobChoice {
    pub id: JobId,
    pub title: String,
    pub selected: bool,
}

/// A link to one of the usual periods, keeping the job.
pub struct Preset {
    pub label: String,
    pub href: String,
    pub current: bool,
}

pub struct Funnel {
    pub steps: Vec<FunnelStep>,
    pub height: i64,
}

pub struct FunnelStep {
    pub label: &'static str,
    pub count: i64,
    /// Of the invitations sent, and of the step before ("—" for the first).
    pub of_sent: String,
    pub of_previous: String,
    pub y: i64,
    pub bar_x: f64,
    pub bar_width: f64,
}

pub struct StopRow {
    pub number: i32,
    pub prompt: String,
    pub interviews: i64,
    pub share: String,
}

pub struct DayChart {
    pub bars: Vec<DayBar>,
    pub total: i64,
    pub max: i64,
    /// The first and last day under the axis.
    pub first_label: String,
    pub last_label: String,
}

pub struct DayBar {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub count: i64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The funnel's drawing: rows of [`ROW`] units, bars centred under [`BAR_CENTRE`].
const ROW: i64 = 44;
const BAR_AREA: f64 = 270.0;
const BAR_CENTRE: f64 = 405.0;

/// The day chart's plot area, in the SVG's units.
pub const PLOT_LEFT: f64 = 40.0;
pub const PLOT_WIDTH: f64 = 670.0;
pub const PLOT_TOP: f64 = 12.0;
pub const PLOT_HEIGHT: f64 = 180.0;

/// "62.5 %", or "—" when there is nothing to divide by.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 { "—".into() } else { format!("{:.1} %", part as f64 * 100.0 / whole as f64) }
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

pub fn funnel(cohort: &Cohort) -> Funnel {
    let steps = cohort.steps();
    let sent = cohort.sent;
    let steps: Vec<FunnelStep> = steps
        .iter()
        .enumerate()
        .map(|(n, &(label, count))| {
            let width = if sent == 0 { 0.0 } else { round(BAR_AREA * count as f64 / sent as f64) };
            FunnelStep {
                label,
                count,
                of_sent: percent(count, sent),
                of_previous: if n == 0 { "—".into() } else { percent(count, steps[n - 1].1) },
                y: n as i64 * ROW,
                bar_x: round(BAR_CENTRE - width / 2.0),
                bar_width: width,
            }
        })
        .collect();
    let height = steps.len() as i64 * ROW;
    Funnel { steps, height }
}

/// "2 days 4 h", "3 h 20 min", "12 min"; "—" with nothing completed.
pub fn duration(seconds: Option<f64>) -> String {
    let Some(seconds) = seconds else { return "—".into() };
    let minutes = (seconds / 60.0).round() as i64;
    let (days, hours, minutes) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, _) => format!("{hours} h {minutes} min"),
        (1, _) => format!("1 day {hours} h"),
        _ => format!("{days} days {hours} h"),
    }
}

pub fn stop_rows(stops: &[StopPoint]) -> Vec<StopRow> {
    let total: i64 = stops.iter().map(|s| s.interviews).sum();
    stops
        .iter()
        .map(|s| StopRow {
            number: s.number,
            prompt: s.prompt.clone(),
            interviews: s.interviews,
            share: percent(s.interviews, total),
        })
        .collect()
}

pub fn short_date(day: Date) -> String {
    day.format(format_description!("[month repr:short] [day padding:none], [year]")).unwrap_or_default()
}

pub fn iso_date(day: Date) -> String {
    day.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// One bar per day of the period, zero days included, scaled to the busiest day.
pub fn day_chart(period: &Period, figures: &Figures) -> DayChart {
    let count_on = |day: Date| figures.per_day.iter().find(|(d, _)| *d == day).map_or(0, |(_, n)| *n);
    let max = figures.per_day.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let slot = PLOT_WIDTH / period.days() as f64;
    // A hairline gap between bars while they are wide enough to show it.
    let gap = if slot >= 4.0 { 1.0 } else { 0.0 };
    let bars = period
        .each_day()
        .enumerate()
        .map(|(n, day)| {
            let count = count_on(day);
            let height = if max == 0 { 0.0 } else { round(PLOT_HEIGHT * count as f64 / max as f64) };
            DayBar {
                day: iso_date(day),
                count,
                x: round(PLOT_LEFT + n as f64 * slot + gap / 2.0),
                y: round(PLOT_TOP + PLOT_HEIGHT - height),
                width: round(slot - gap),
                height,
            }
        })
        .collect();
    DayChart {
        bars,
        total: figures.per_day.iter().map(|(_, n)| n).sum(),
        max,
        first_label: short_date(period.from),
        last_label: short_date(period.to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_largest_units_that_matter() {
        assert_eq!(duration(None), "—");
        assert_eq!(duration(Some(12.0 * 60.0)), "12 min");
        assert_eq!(duration(Some(200.0 * 60.0)), "3 h 20 min");
        assert_eq!(duration(Some(28.0 * 3600.0)), "1 day 4 h");
        assert_eq!(duration(Some(52.0 * 3600.0)), "2 days 4 h");
    }

    #[test]
    fn the_funnel_bars_shrink_with_the_counts_and_are_centred() {
        let cohort = Cohort { sent: 4, email_opened: 2, ..Cohort::default() };
        let funnel = funnel(&cohort);
        assert_eq!(funnel.steps[0].bar_width, BAR_AREA);
        assert_eq!(funnel.steps[1].bar_width, BAR_AREA / 2.0);
        assert_eq!(funnel.steps[1].bar_x, BAR_CENTRE - BAR_AREA / 4.0);
        assert_eq!((funnel.steps[1].of_sent.as_str(), funnel.steps[2].of_previous.as_str()), ("50.0 %", "0.0 %"));
    }
}
