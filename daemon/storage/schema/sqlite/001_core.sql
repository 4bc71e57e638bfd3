-- The core's tables: members and their sessions and roles, durable events,
-- the mail outbox and rate-limit counters. Times are Unix seconds (BIGINT).
CREATE TABLE members (
  member_id     VARCHAR(36)  PRIMARY KEY,
  email         VARCHAR(320) NOT NULL UNIQUE,
  password_hash TEXT         NOT NULL,
  created_at    BIGINT       NOT NULL,
  updated_at    BIGINT       NOT NULL,
  locked_until  BIGINT
);

CREATE TABLE roles (
  member_id VARCHAR(36) NOT NULL REFERENCES members(member_id) ON DELETE CASCADE,
  role      VARCHAR(32) NOT NULL,
  PRIMARY KEY (member_id, role)
);

CREATE TABLE sessions (
  session_id       VARCHAR(36)  PRIMARY KEY,
  token_hash       CHAR(64)     NOT NULL UNIQUE,
  csrf_hash        CHAR(64)     NOT NULL,
  member_id        VARCHAR(36)  NOT NULL REFERENCES members(member_id) ON DELETE CASCADE,
  created_at       BIGINT       NOT NULL,
  last_seen_at     BIGINT       NOT NULL,
  expires_at       BIGINT       NOT NULL,
  privileged_until BIGINT       NOT NULL DEFAULT 0,
  ip               VARCHAR(64)  NOT NULL,
  user_agent       VARCHAR(512) NOT NULL
);
CREATE INDEX sessions_member ON sessions(member_id);

CREATE TABLE events (
  id          INTEGER      PRIMARY KEY AUTOINCREMENT,
  type        VARCHAR(100) NOT NULL,
  payload     TEXT         NOT NULL,
  occurred_at BIGINT       NOT NULL
);
CREATE INDEX events_type ON events(type, id);

CREATE TABLE event_cursors (
  subscriber VARCHAR(100) PRIMARY KEY,
  last_id    BIGINT       NOT NULL,
  updated_at BIGINT       NOT NULL
);

CREATE TABLE mail_outbox (
  id              INTEGER      PRIMARY KEY AUTOINCREMENT,
  recipient       VARCHAR(320) NOT NULL,
  subject         TEXT         NOT NULL,
  body_text       TEXT         NOT NULL,
  body_html       TEXT         NOT NULL,
  category        VARCHAR(64)  NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  attempts        INTEGER      NOT NULL DEFAULT 0,
  last_error      TEXT         NOT NULL DEFAULT '',
  next_attempt_at BIGINT       NOT NULL,
  created_at      BIGINT       NOT NULL,
  sent_at         BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);

CREATE TABLE rate_limits (
  bucket       VARCHAR(200) PRIMARY KEY,
  window_start BIGINT       NOT NULL,
  hits         INTEGER      NOT NULL
);
