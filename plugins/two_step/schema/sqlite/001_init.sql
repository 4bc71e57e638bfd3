-- The two_step plugin's tables (issue 31). Times are Unix seconds (UTC).
-- Whether a member must pass a second step at sign-in is the core's
-- (second_step_members): it fails closed when this plugin is not loaded.

-- A member's authenticator app (TOTP, RFC 6238): the shared secret sealed
-- with AES-256-GCM under the operator's key (two_step.secret_key_file), bound
-- to the member. Unconfirmed (confirmed_at NULL) until a code from the app
-- proved it was set up; last_counter is the newest time step used, so a
-- code is never accepted twice.
CREATE TABLE two_step_totp (
  member_id     VARCHAR(36)  PRIMARY KEY REFERENCES members (member_id) ON DELETE CASCADE,
  secret_sealed TEXT         NOT NULL,
  created_at    BIGINT       NOT NULL,
  confirmed_at  BIGINT,
  last_counter  BIGINT       NOT NULL DEFAULT -1,
  last_used_at  BIGINT
);

-- Single-use recovery codes, ten at a time, kept as an HMAC-SHA-256 under a
-- key derived from the operator's key: a copy of the database alone cannot
-- test guesses.
CREATE TABLE two_step_recovery_codes (
  member_id   VARCHAR(36)  NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  code_hash   CHAR(64)     NOT NULL,
  created_at  BIGINT       NOT NULL,
  used_at     BIGINT,
  PRIMARY KEY (member_id, code_hash)
);
