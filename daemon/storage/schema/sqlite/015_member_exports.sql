-- Issue 32: "Download my data" for an archive larger than
-- accounts.export_at_once_bytes. It waits here until the link mailed to the
-- member expires (accounts.export_link_lifetime): in the database, so that
-- every daemon on it serves the link, and as base64 text, as photo
-- renditions are, so that both backends keep it alike. Only the SHA-256 of
-- the link's token names it.
CREATE TABLE member_exports (
  token_hash  CHAR(64)     PRIMARY KEY,
  member_id   VARCHAR(36)  NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  created_at  BIGINT       NOT NULL,
  expires_at  BIGINT       NOT NULL,
  bytes       BIGINT       NOT NULL,
  data        TEXT         NOT NULL
);
CREATE INDEX member_exports_member ON member_exports (member_id);
CREATE INDEX member_exports_expiry ON member_exports (expires_at);
