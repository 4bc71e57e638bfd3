-- The security_level plugin's tables. Times are Unix seconds (UTC).

-- One row per sign-in attempt, successful or failed, recorded from the
-- session.created and signin.failed events with the place looked up when it
-- was recorded. event_id makes a redelivered event change nothing.
CREATE TABLE security_level_sign_ins (
  id                INTEGER      PRIMARY KEY AUTOINCREMENT,
  event_id          BIGINT       NOT NULL UNIQUE,
  member_id         VARCHAR(36),                    -- NULL: an email no member has
  session_id        VARCHAR(64)  NOT NULL DEFAULT '', -- the session a success opened (never shown)
  at                BIGINT       NOT NULL,
  ip                VARCHAR(45)  NOT NULL,
  ip_key            CHAR(32)     NOT NULL,          -- the address as 16 bytes in hex (IPv4 mapped): a CIDR is a range
  outcome           VARCHAR(8)   NOT NULL,          -- success | failure
  country_code      VARCHAR(2)   NOT NULL DEFAULT '',
  country           VARCHAR(128) NOT NULL DEFAULT '',
  city              VARCHAR(128) NOT NULL DEFAULT '',
  time_zone         VARCHAR(64)  NOT NULL DEFAULT '',
  label             VARCHAR(260) NOT NULL,
  anonymous         SMALLINT     NOT NULL DEFAULT 0,
  vpn               SMALLINT     NOT NULL DEFAULT 0,
  tor               SMALLINT     NOT NULL DEFAULT 0,
  public_proxy      SMALLINT     NOT NULL DEFAULT 0,
  hosting           SMALLINT     NOT NULL DEFAULT 0,
  residential_proxy SMALLINT     NOT NULL DEFAULT 0,
  user_agent        VARCHAR(512) NOT NULL DEFAULT '',
  new_location      SMALLINT     NOT NULL DEFAULT 0
);
-- Newest first, by member (the member's page), by time (the console), by
-- address and by country (the console's filters), and the retention sweep.
CREATE INDEX security_level_sign_ins_member ON security_level_sign_ins (member_id, at, id);
CREATE INDEX security_level_sign_ins_at ON security_level_sign_ins (at, id);
CREATE INDEX security_level_sign_ins_ip ON security_level_sign_ins (ip_key, at, id);
CREATE INDEX security_level_sign_ins_country ON security_level_sign_ins (country_code, at, id);
CREATE INDEX security_level_sign_ins_anonymous ON security_level_sign_ins (anonymous, at, id);

-- What a member's security level is judged on, kept from the credentials
-- events (security_question.set, email.changed, password.changed,
-- password.reset, member.created).
CREATE TABLE security_level_members (
  member_id       VARCHAR(36) PRIMARY KEY,
  question_set    SMALLINT    NOT NULL DEFAULT 0,
  email_confirmed SMALLINT    NOT NULL DEFAULT 0,
  password_set_at BIGINT      NOT NULL DEFAULT 0   -- joined, changed or reset
);
