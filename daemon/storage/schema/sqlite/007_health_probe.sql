-- /readyz's write probe (storage/write_probe.cpp): one row, updated in a
-- transaction at most every few seconds, so that a full disk or a read-only
-- database shows as "not ready" and not only as failed writes. An UPDATE of
-- this one row never grows the table.
CREATE TABLE health_probe (
  id        INTEGER PRIMARY KEY,
  probed_at BIGINT  NOT NULL
);
INSERT INTO health_probe (id, probed_at) VALUES (1, 0);
