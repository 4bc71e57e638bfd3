-- The photo plugin's tables. A member has at most one published and one
-- pending photo (the unique index); each photo's renditions are its only
-- bytes: the upload itself is never stored. Renditions are base64 text so
-- that both backends keep them the same way (they are tens of kilobytes),
-- in the database so that every daemon on one PostgreSQL serves them.
CREATE TABLE photo_images (
  photo_id      VARCHAR(36)  PRIMARY KEY,
  member_id     VARCHAR(36)  NOT NULL REFERENCES members (member_id) ON DELETE CASCADE,
  status        VARCHAR(16)  NOT NULL,  -- pending | published
  revision_id   VARCHAR(36)  NOT NULL DEFAULT '',  -- its review, '' without approval
  source_format VARCHAR(8)   NOT NULL,
  source_width  INTEGER      NOT NULL,
  source_height INTEGER      NOT NULL,
  source_bytes  BIGINT       NOT NULL,
  created_at    BIGINT       NOT NULL,
  published_at  BIGINT
);
CREATE UNIQUE INDEX photo_images_member_status ON photo_images (member_id, status);

CREATE TABLE photo_renditions (
  photo_id   VARCHAR(36)  NOT NULL REFERENCES photo_images (photo_id) ON DELETE CASCADE,
  size       VARCHAR(16)  NOT NULL,
  format     VARCHAR(8)   NOT NULL,  -- jpeg | webp
  sha256     CHAR(64)     NOT NULL,
  byte_count INTEGER      NOT NULL,
  data       TEXT         NOT NULL,  -- base64
  PRIMARY KEY (photo_id, size, format)
);
