//! How long to wait before trying again after a transient failure: an email the SMTP
//! server deferred, an evaluation whose service was busy.

use std::time::Duration;

use rand::Rng;

/// 30 s, 1 min, 2 min … up to 1 hour, each ±20 % so that retries spread out.
pub fn backoff(attempts: i32) -> Duration {
    backoff_with_jitter(attempts, rand::thread_rng().gen_range(0.8..1.2))
}

/// [`backoff`] with its random factor given.
pub fn backoff_with_jitter(attempts: i32, jitter: f64) -> Duration {
    let base = 30.0 * 2f64.powi(attempts.clamp(1, 12) - 1);
    Duration::from_secs_f64(base.min(3600.0) * jitter)
}

/// After a transient failure of a service: the backoff, or the service's own
/// `Retry-After` when it asks for longer, but never more than an hour.
pub fn retry_wait(attempts: i32, retry_after_secs: Option<u64>) -> Duration {
    backoff(attempts).max(Duration::from_secs(retry_after_secs.unwrap_or(0).min(3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let first = backoff(1).as_secs_f64();
        assert!((24.0..=36.0).contains(&first));
        let fourth = backoff(4).as_secs_f64();
        assert!((192.0..=288.0).contains(&fourth));
        assert!(backoff(30).as_secs_f64() <= 3600.0 * 1.2);
    }

    #[test]
    fn the_wait_doubles_from_30_seconds_up_to_an_hour() {
        let secs = |attempts| backoff_with_jitter(attempts, 1.0).as_secs();
        assert_eq!([secs(1), secs(2), secs(3), secs(7), secs(8), secs(30)], [30, 60, 120, 1920, 3600, 3600]);
    }

    #[test]
    fn a_count_below_one_waits_as_after_the_first_attempt() {
        assert_eq!(backoff_with_jitter(0, 1.0), Duration::from_secs(30));
        assert_eq!(backoff_with_jitter(-3, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn jitter_scales_the_wait() {
        assert_eq!(backoff_with_jitter(2, 0.8), Duration::from_secs(48));
        assert_eq!(backoff_with_jitter(2, 1.2), Duration::from_secs(72));
    }

    #[test]
    fn a_service_may_ask_for_a_longer_wait_up_to_an_hour() {
        assert_eq!(retry_wait(1, Some(600)), Duration::from_secs(600));
        assert_eq!(retry_wait(1, Some(86_400)), Duration::from_secs(3600));
    }

    #[test]
    fn a_shorter_retry_after_does_not_shorten_the_backoff() {
        let wait = retry_wait(3, Some(5)).as_secs_f64();
        assert!((96.0..=144.0).contains(&wait), "{wait}");
        let wait = retry_wait(1, None).as_secs_f64();
        assert!((24.0..=36.0).contains(&wait), "{wait}");
    }
}
