-- Browsers a member asked to remember after a second step (issue 31): the
-- password alone signs in there until the row expires, is forgotten from
-- the member's page, two-step is turned off, or the password changes. Only
-- the cookie's SHA-256 is kept.
CREATE TABLE two_step_remembered_devices (
  token_hash    CHAR(64)      PRIMARY KEY,
  member_id     VARCHAR(36)   NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  user_agent    VARCHAR(512)  NOT NULL,
  created_at    BIGINT        NOT NULL,
  expires_at    BIGINT        NOT NULL,
  last_used_at  BIGINT
);
CREATE INDEX two_step_remembered_devices_member ON two_step_remembered_devices (member_id, expires_at);
