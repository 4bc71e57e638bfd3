-- The marketplace's category sends and the keys of unsubscribe links.

-- One POST /api/v1/admin/messages. A send to every subscriber walks the
-- members in member_id order a page at a time (one event delivery per page),
-- so `next_after` is where it goes on after a restart.
CREATE TABLE email_service_sends (
  send_id      VARCHAR(32)  PRIMARY KEY,    -- also the outbox batch: email_service:<send_id>
  category_id  VARCHAR(40)  NOT NULL,
  subject      VARCHAR(200) NOT NULL,
  text_body    TEXT         NOT NULL,
  html_body    TEXT         NOT NULL,       -- '' for text only
  audience     VARCHAR(16)  NOT NULL,       -- members | subscribers
  status       VARCHAR(16)  NOT NULL,       -- running | done
  next_after   VARCHAR(36)  NOT NULL,       -- the last member_id handled ('' before the first page)
  queued       BIGINT       NOT NULL,
  skipped      BIGINT       NOT NULL,       -- not subscribed to the category
  expected     BIGINT       NOT NULL,       -- the audience counted when the send began
  created_at   BIGINT       NOT NULL,
  created_by   VARCHAR(64)  NOT NULL,       -- the admin's member_id, or operator
  finished_at  BIGINT
);
CREATE INDEX email_service_sends_created ON email_service_sends (created_at);

-- HMAC keys of unsubscribe links (RFC 8058). The newest is signed with; one
-- that was replaced (retired_at) still verifies links for
-- email_service.unsubscribe_keys_accepted_for, so mail already delivered
-- keeps working across a rotation.
CREATE TABLE email_service_unsubscribe_keys (
  version     INTEGER     PRIMARY KEY,
  secret      VARCHAR(64) NOT NULL,         -- 32 random bytes, base64url
  created_at  BIGINT      NOT NULL,
  retired_at  BIGINT
);
