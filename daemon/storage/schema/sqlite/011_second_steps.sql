-- The second step of sign-in (issue 31, sdk/include/memberd/sign_in_factors.hpp).
-- Which members turned one on, and through which plugin: kept by the core,
-- so that a member whose provider is not loaded is refused, never let in on
-- the password alone.
CREATE TABLE second_step_members (
  member_id  VARCHAR(36)  PRIMARY KEY REFERENCES members (member_id) ON DELETE CASCADE,
  provider   VARCHAR(64)  NOT NULL,  -- the plugin's name
  since      BIGINT       NOT NULL
);

-- Challenges between a right password and the second step: one use, minutes
-- long, bound to the client that asked (the SHA-256 of its address and
-- User-Agent). Only the token's SHA-256 is stored.
CREATE TABLE sign_in_challenges (
  challenge_hash  CHAR(64)     PRIMARY KEY,
  member_id       VARCHAR(36)  NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  client_hash     CHAR(64)     NOT NULL,
  created_at      BIGINT       NOT NULL,
  expires_at      BIGINT       NOT NULL,
  used_at         BIGINT
);
CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at);

-- How each session was made: 'password', 'second_step' or 'passkey'.
ALTER TABLE sessions ADD COLUMN method VARCHAR(16) NOT NULL DEFAULT 'password';
