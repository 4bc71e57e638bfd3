-- The session that asked for an email change: when the new address is
-- confirmed, every other session of the member is signed out.
ALTER TABLE credentials_tokens ADD COLUMN session_id VARCHAR(36) NOT NULL DEFAULT '';
