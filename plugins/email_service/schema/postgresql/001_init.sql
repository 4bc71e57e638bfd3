-- The email_service plugin's tables. Times are Unix seconds (UTC).

-- A member's choice per category; a category without a row for the member
-- takes its configured default (so a new category reaches nobody who did
-- not want it, unless its default says so).
CREATE TABLE email_service_subscriptions (
  member_id   VARCHAR(36) NOT NULL,
  category_id VARCHAR(40) NOT NULL,
  subscribed  SMALLINT    NOT NULL,
  changed_at  BIGINT      NOT NULL,
  changed_by  VARCHAR(16) NOT NULL,   -- member | unsubscribe_link | admin
  PRIMARY KEY (member_id, category_id)
);
-- Who gets a category's mail: its subscribers and its refusers, by category.
CREATE INDEX email_service_subscriptions_category ON email_service_subscriptions (category_id, subscribed, member_id);
