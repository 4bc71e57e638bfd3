-- Guarded attempts (passwords, answers) per key for the RateLimits service:
-- confirmed failures, checks in flight (so concurrent guesses cannot outrun
-- the lock), the lock and how many locks in a row.
CREATE TABLE attempt_limits (
  limit_key     VARCHAR(255) PRIMARY KEY,
  failures      INTEGER      NOT NULL,
  pending       INTEGER      NOT NULL,
  pending_since BIGINT       NOT NULL,
  lock_level    INTEGER      NOT NULL,
  locked_until  BIGINT       NOT NULL,
  updated_at    BIGINT       NOT NULL
);
