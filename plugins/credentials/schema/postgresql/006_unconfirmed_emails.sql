-- Members whose address is not proven yet: joining through POST
-- /api/v1/members lists the member here until the link in the welcome mail
-- (or a password-reset link) is used. Until then the account cannot set a
-- security question or change its email, and a reset link alone reclaims it
-- (issue 27, M4: address squatting).
--
-- A member not listed counts as confirmed. That covers everyone who joined
-- before this table existed: they cannot be told apart from a squatter, but
-- treating them all as unconfirmed would let a reset link alone skip every
-- existing member's security question (a downgrade of the reset for the
-- real owners) and block their question and email changes overnight. It
-- also covers members an admin created.
CREATE TABLE credentials_unconfirmed_emails (
  member_id VARCHAR(36) PRIMARY KEY,
  since     BIGINT      NOT NULL
);
