-- Each member's latest successful sign-in, so POST /api/v1/session can say
-- which one came before (the security_level plugin keeps the full history;
-- plugins share no tables). The place is the one looked up at the time.
CREATE TABLE credentials_last_sign_ins (
  member_id    VARCHAR(36)  PRIMARY KEY,
  at           BIGINT       NOT NULL,
  ip           VARCHAR(45)  NOT NULL,
  user_agent   VARCHAR(512) NOT NULL DEFAULT '',
  country_code VARCHAR(2)   NOT NULL DEFAULT '',
  country      VARCHAR(128) NOT NULL DEFAULT '',
  city         VARCHAR(128) NOT NULL DEFAULT '',
  time_zone    VARCHAR(64)  NOT NULL DEFAULT '',
  label        VARCHAR(260) NOT NULL,
  anonymous    SMALLINT     NOT NULL DEFAULT 0
);
