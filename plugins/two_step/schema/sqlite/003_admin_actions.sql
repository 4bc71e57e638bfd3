-- What admins did to members' two-step verification (issue 31): removing a
-- member's factors after the member proved who they are some other way,
-- with the reason the admin gave. Kept for the member's page in the
-- console; never a secret.
CREATE TABLE two_step_admin_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id  VARCHAR(36)   NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  action     VARCHAR(32)   NOT NULL,  -- 'removed_factors'
  acted_by   VARCHAR(320)  NOT NULL,  -- the admin's email, or 'operator' on the socket
  reason     VARCHAR(500)  NOT NULL,
  at         BIGINT        NOT NULL
);
CREATE INDEX two_step_admin_actions_member ON two_step_admin_actions (member_id, at);
