-- The admin audit log (issue 32): one append-only row per admin action,
-- who, what, whom, when, from where, why and how it ended. No route
-- changes or deletes a row; only the retention sweep (retention.audit)
-- removes rows past their age. The id orders rows as they were written.
CREATE TABLE admin_audit (
  id         BIGSERIAL    PRIMARY KEY,
  at         BIGINT       NOT NULL,
  admin_id   VARCHAR(36)  NOT NULL,  -- '' for the operator on the local socket
  admin      VARCHAR(320) NOT NULL,  -- the admin's email then, or 'operator'
  action     VARCHAR(100) NOT NULL,  -- 'member.sessions_revoke', 'plugin.reload', ...
  member_id  VARCHAR(36),            -- the member acted on, if any
  ip         VARCHAR(64)  NOT NULL,
  reason     TEXT         NOT NULL,
  result     VARCHAR(16)  NOT NULL,  -- 'done', 'refused' (answered 4xx) or 'failed' (5xx)
  detail     TEXT         NOT NULL   -- a JSON object: what else it names (a refusal's status and problem)
);
CREATE INDEX admin_audit_at ON admin_audit (at, id);
CREATE INDEX admin_audit_admin ON admin_audit (admin_id, id);
CREATE INDEX admin_audit_member ON admin_audit (member_id, id);
CREATE INDEX admin_audit_action ON admin_audit (action, id);
