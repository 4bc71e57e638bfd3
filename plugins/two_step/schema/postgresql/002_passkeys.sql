-- Passkeys (WebAuthn, issue 31): each member's credentials, by their id
-- (base64url). The public key is kept in the form libfido2 reads back; the
-- signature counter catches a cloned authenticator.
CREATE TABLE two_step_passkeys (
  credential_id  VARCHAR(1400) PRIMARY KEY,
  member_id      VARCHAR(36)   NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  name           VARCHAR(64)   NOT NULL,
  public_key     TEXT          NOT NULL,
  cose_alg       INTEGER       NOT NULL,
  sign_count     BIGINT        NOT NULL,
  created_at     BIGINT        NOT NULL,
  last_used_at   BIGINT
);
CREATE INDEX two_step_passkeys_member ON two_step_passkeys (member_id);

-- The challenges of WebAuthn ceremonies: one use (deleted when used),
-- minutes long, bound to the client that asked; only their SHA-256 is kept.
-- purpose: 'register' (member_id: whose), 'sign_in' (a passkey alone) or
-- 'second_step' (member_id: the one signing in).
CREATE TABLE two_step_webauthn_challenges (
  challenge_hash  CHAR(64)     PRIMARY KEY,
  purpose         VARCHAR(16)  NOT NULL,
  member_id       VARCHAR(36),
  client_hash     CHAR(64)     NOT NULL,
  expires_at      BIGINT       NOT NULL
);
CREATE INDEX two_step_webauthn_challenges_expiry ON two_step_webauthn_challenges (expires_at);
