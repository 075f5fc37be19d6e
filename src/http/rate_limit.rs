//! Rate limits for write endpoints (and, later, logins): a sliding window of recent hits per
//! client, in memory only. Client addresses are kept only as long as the window and never
//! logged.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many clients are tracked before expired entries are swept.
const SWEEP_AT: usize = 10_000;

/// At most `limit` hits per `window` per key.
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `limit` hits per `window`.
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Records a hit for `key` now; whether it is within the limit.
    pub fn allow(&self, key: &str) -> bool {
        self.allow_at(key, Instant::now())
    }

    fn allow_at(&self, key: &str, now: Instant) -> bool {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() >= SWEEP_AT {
            hits.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < self.window)
            });
        }
        let times = hits.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.limit {
            return false;
        }
        times.push_back(now);
        true
    }
}

/// The limits the server applies.
pub struct Limits {
    /// "Report a problem" submissions per client address.
    pub reports: RateLimiter,
    /// Sign-in and set-password attempts per client address (accounts also lock themselves
    /// after repeated failures).
    pub logins: RateLimiter,
    /// Writes per signed-in account.
    pub writes: RateLimiter,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            reports: RateLimiter::new(5, Duration::from_secs(600)),
            logins: RateLimiter::new(20, Duration::from_secs(600)),
            writes: RateLimiter::new(120, Duration::from_secs(600)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_per_window_and_per_key() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert!(limiter.allow_at("a", start));
        assert!(limiter.allow_at("a", start + Duration::from_secs(1)));
        assert!(!limiter.allow_at("a", start + Duration::from_secs(2)));
        assert!(
            limiter.allow_at("b", start + Duration::from_secs(2)),
            "other clients are not affected"
        );
        assert!(
            limiter.allow_at("a", start + Duration::from_secs(61)),
            "the window slides"
        );
    }
}
