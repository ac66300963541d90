use axum::{extract::State, response::Response};
use serde::Deserialize;
use time::{Date, OffsetDateTime, macros::format_description};
use uuid::Uuid;

use super::{
    model::{Period, Scope},
    views::{self, DashboardPage, JobChoice, Preset},
};
use crate::ids::JobId;
use crate::{
    auth::CurrentUser,
    error::AppResult,
    extract::Query,
    jobs,
    layout::{Section, Shell, render},
    state::AppState,
};

/// The periods offered as links, in days; the first view shows the middle one.
const PRESETS: [i64; 3] = [7, 30, 90];
const DEFAULT_DAYS: i64 = 30;

#[derive(Deserialize)]
pub struct DashboardQuery {
    job: Option<String>,
    /// One of [`PRESETS`]: the last so many days, today included.
    days: Option<String>,
    /// A chosen period, `YYYY-MM-DD`, both days included; wins over `days`.
    from: Option<String>,
    to: Option<String>,
}

fn parse_date(raw: Option<&str>) -> Option<Date> {
    Date::parse(raw?.trim(), format_description!("[year]-[month]-[day]")).ok()
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    shell: Shell,
    Query(query): Query<DashboardQuery>,
) -> AppResult<Response> {
    let today = OffsetDateTime::now_utc().date();
    let jobs = jobs::options::all(&state.pool, user.company_id).await?;
    // Only the company's own jobs filter; any other id shows the whole company.
    let job = query
        .job
        .as_deref()
        .and_then(|raw| Uuid::parse_str(raw).ok())
        .and_then(|id| jobs.iter().find(|job| job.id == JobId::from(id)));
    let preset = query.days.as_deref().and_then(|raw| raw.parse().ok()).filter(|days| PRESETS.contains(days));
    let chosen = match (parse_date(query.from.as_deref()), parse_date(query.to.as_deref())) {
        (Some(from), Some(to)) => Some(Period::between(from, to)),
        _ => None,
    };
    let (period, period_label, period_error) = match chosen {
        Some(Ok(period)) => (period, String::new(), None),
        Some(Err(err)) => {
            (Period::last(DEFAULT_DAYS, today), format!("Last {DEFAULT_DAYS} days"), Some(err.to_string()))
        }
        None => {
            let days = preset.unwrap_or(DEFAULT_DAYS);
            (Period::last(days, today), format!("Last {days} days"), None)
        }
    };
    let range = format!("{} – {}, UTC", views::short_date(period.from), views::short_date(period.to));
    let period_label = if period_label.is_empty() { range } else { format!("{period_label} ({range})") };
    let current_days = if chosen.is_some_and(|c| c.is_ok()) { None } else { Some(preset.unwrap_or(DEFAULT_DAYS)) };

    let scope = Scope { job_id: job.map(|job| job.id), period };
    let figures = state.dashboard.figures(&state.pool, user.company_id, scope).await?;
    let job_param = job.map(|job| format!("&job={}", job.id)).unwrap_or_default();
    render(&DashboardPage {
        shell: shell.at(Section::Dashboard),
        job_title: job.map(|job| job.title.clone()),
        jobs: jobs
            .iter()
            .map(|j| JobChoice { id: j.id, title: j.title.clone(), selected: job.is_some_and(|job| job.id == j.id) })
            .collect(),
        presets: PRESETS
            .iter()
            .map(|&days| Preset {
                label: format!("Last {days} days"),
                href: format!("/dashboard?days={days}{job_param}"),
                current: current_days == Some(days),
            })
            .collect(),
        from: views::iso_date(period.from),
        to: views::iso_date(period.to),
        period_label,
        period_error,
        funnel: views::funnel(&figures.cohort),
        median: views::duration(figures.cohort.median_seconds),
        reminded: format!(
            "{} ({} of {})",
            views::percent(figures.cohort.reminded, figures.cohort.sent),
            figures.cohort.reminded,
            figures.cohort.sent
        ),
        stops: views::stop_rows(&figures.stops),
        chart: views::day_chart(&period, &figures),
        computed_at: figures.computed_at.format(format_description!("[hour]:[minute] UTC")).unwrap_or_default(),
    })
}
