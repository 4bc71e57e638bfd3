-- The profile plugin's table: each member's published profile, the fields
-- of the revision an admin approved last (JSON object text). Pending
-- revisions live in the host's review queue, never here, so nothing
-- unapproved can be read from this table.
CREATE TABLE profile_published (
  member_id    VARCHAR(36)  PRIMARY KEY REFERENCES members (member_id) ON DELETE CASCADE,
  fields       TEXT         NOT NULL,
  revision_id  VARCHAR(36)  NOT NULL,
  published_at BIGINT       NOT NULL
);
