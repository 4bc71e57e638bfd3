-- Failure counters moved to the host's RateLimits service (attempt_limits,
-- rate_limits) in SDK 2.0; counts in flight start over once.
DROP TABLE credentials_failures;
