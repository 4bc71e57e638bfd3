-- A member's motto as others see it: written only when an admin approves
-- one (the review queue holds what waits).
CREATE TABLE hello_mottos (member_id VARCHAR(36) PRIMARY KEY, text VARCHAR(200) NOT NULL,
  revision_id VARCHAR(64) NOT NULL, published_at BIGINT NOT NULL);
