-- The credentials plugin's tables. Times are Unix seconds.

-- One security question per member: the catalogue id and the Argon2id hash
-- of the normalised answer.
CREATE TABLE credentials_answers (
  member_id   VARCHAR(36)  PRIMARY KEY,
  question_id VARCHAR(64)  NOT NULL,
  answer_hash TEXT         NOT NULL,
  updated_at  BIGINT       NOT NULL
);

-- Single-use tokens sent by mail, stored as SHA-256.
CREATE TABLE credentials_tokens (
  token_hash CHAR(64)     PRIMARY KEY,
  kind       VARCHAR(16)  NOT NULL,
  member_id  VARCHAR(36)  NOT NULL,
  new_email  VARCHAR(320) NOT NULL DEFAULT '',
  created_at BIGINT       NOT NULL,
  expires_at BIGINT       NOT NULL,
  used_at    BIGINT
);
CREATE INDEX credentials_tokens_member ON credentials_tokens(member_id, kind);

-- Failure counters for accounts ("account:<member_id>") and client networks
-- ("address:<ip or /64>"), with the escalating lock.
CREATE TABLE credentials_failures (
  subject      VARCHAR(200) PRIMARY KEY,
  failures     INTEGER      NOT NULL,
  lock_level   INTEGER      NOT NULL,
  locked_until BIGINT       NOT NULL,
  window_start BIGINT       NOT NULL,
  updated_at   BIGINT       NOT NULL
);
