-- The review queue (SDK 2.6 Reviews): what members would publish, waiting
-- for an admin. One row per revision; at most one pending revision per
-- member and kind (the partial unique index), so two submissions at once
-- cannot both stay pending. `pending_fields` / `published_fields` are JSON
-- object text. Times are Unix seconds.
CREATE TABLE review_items (
  revision_id      VARCHAR(36)  PRIMARY KEY,
  kind             VARCHAR(64)  NOT NULL,
  member_id        VARCHAR(36)  NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  status           VARCHAR(16)  NOT NULL,
  pending_fields   TEXT         NOT NULL,
  published_fields TEXT         NOT NULL,
  submitted_at     BIGINT       NOT NULL,
  due_at           BIGINT       NOT NULL,
  claimed_by       VARCHAR(36),
  claimed_at       BIGINT,
  decided_by       VARCHAR(36),
  decided_at       BIGINT,
  reason           TEXT         NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX review_items_one_pending ON review_items (member_id, kind) WHERE status = 'pending';
CREATE INDEX review_items_queue ON review_items (status, submitted_at, revision_id);
CREATE INDEX review_items_due ON review_items (status, due_at);
CREATE INDEX review_items_member ON review_items (member_id, kind, decided_at);

-- Every step of an item: submitted, superseded, claimed, claim_taken_over,
-- approved, rejected; by whom (a member or admin id) and when.
CREATE TABLE review_history (
  id          BIGSERIAL    PRIMARY KEY,
  revision_id VARCHAR(36)  NOT NULL REFERENCES review_items (revision_id) ON DELETE CASCADE,
  step        VARCHAR(32)  NOT NULL,
  actor       VARCHAR(36)  NOT NULL,
  at          BIGINT       NOT NULL,
  detail      TEXT         NOT NULL DEFAULT ''
);
CREATE INDEX review_history_item ON review_history (revision_id, id);
