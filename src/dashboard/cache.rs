//! The Dashboard's figures, reused for a short while. Counting a period's cohort reads
//! every interview sent in it (tens of thousands in a busy quarter, ~10 ms or more),
//! while a team opening the page together asks for the same figures: each view of a
//! company, job and period is counted at most once per [`FRESH_FOR`], and concurrent
//! views wait for the one counting rather than count again. Each server keeps its own
//! copy; nothing else depends on it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sqlx::PgPool;

use super::{
    model::{Figures, Scope},
    store,
};
use crate::ids::CompanyId;

/// How old the figures on the page may be.
pub const FRESH_FOR: Duration = Duration::from_secs(30);

/// Views kept before stale ones are dropped.
const MAX_ENTRIES: usize = 10_000;

type Slot = Arc<tokio::sync::Mutex<Option<(Instant, Arc<Figures>)>>>;

#[derive(Clone, Default)]
pub struct FiguresCache {
    slots: Arc<Mutex<HashMap<(CompanyId, Scope), Slot>>>,
}

impl FiguresCache {
    pub async fn figures(&self, pool: &PgPool, company_id: CompanyId, scope: Scope) -> sqlx::Result<Arc<Figures>> {
        let slot = self.slot(company_id, scope);
        let mut kept = slot.lock().await;
        if let Some((at, figures)) = kept.as_ref()
            && at.elapsed() < FRESH_FOR
        {
            return Ok(figures.clone());
        }
        let figures = Arc::new(store::figures(pool, company_id, &scope).await?);
        *kept = Some((Instant::now(), figures.clone()));
        Ok(figures)
    }

    fn slot(&self, company_id: CompanyId, scope: Scope) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if slots.len() >= MAX_ENTRIES {
            // A slot being counted is locked and stays; so does any still fresh.
            slots.retain(|_, slot| {
                slot.try_lock().map_or(true, |kept| kept.as_ref().is_some_and(|(at, _)| at.elapsed() < FRESH_FOR))
            });
        }
        slots.entry((company_id, scope)).or_default().clone()
    }
}
