-- The daemons serving from this database (issue 30). Each enrols at start
-- and rewrites its row when its plugins change; none writes a heartbeat.
-- On PostgreSQL a daemon is alive while its listening connection holds the
-- advisory lock (727277, daemon_id) (pg_locks): a killed daemon is gone the
-- moment its connection ends, and an idle cluster writes nothing.
CREATE TABLE cluster_daemons (
  daemon_id   INTEGER      PRIMARY KEY AUTOINCREMENT,
  host        VARCHAR(255) NOT NULL,
  pid         BIGINT       NOT NULL,
  version     VARCHAR(64)  NOT NULL,
  started_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL,
  plugins     TEXT         NOT NULL DEFAULT '[]',
  stopped_at  BIGINT       NOT NULL DEFAULT 0
);

-- Which daemon claimed a message: a dead daemon's claims go back to the
-- queue at once instead of after the claim lease.
ALTER TABLE mail_outbox ADD COLUMN claimed_daemon BIGINT NOT NULL DEFAULT 0;
