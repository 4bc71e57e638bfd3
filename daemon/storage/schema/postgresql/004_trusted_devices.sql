-- Devices a member signed in from (the "device cookie" pattern): their
-- failures count apart from the account's, so an attacker's guesses
-- elsewhere never lock the member out of them. Only the cookie's SHA-256 is
-- stored. Rows unused for the trusted-device lifetime are purged.
CREATE TABLE trusted_devices (
  device_hash  VARCHAR(64)  PRIMARY KEY,
  member_id    VARCHAR(36)  NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  created_at   BIGINT       NOT NULL,
  last_used_at BIGINT       NOT NULL
);
CREATE INDEX trusted_devices_member ON trusted_devices (member_id, last_used_at);
