-- What admins asked of every daemon for a plugin (issue 30): one row per
-- plugin, its newest request, which is that plugin's desired state across
-- the cluster. Each daemon applies a request newer than the one it applied
-- last (plugin_host/cluster_convergence.hpp) and reports the outcome in its
-- cluster_daemons row; a daemon that starts later meets it too.
CREATE TABLE cluster_plugin_requests (
  plugin        VARCHAR(64)  PRIMARY KEY,
  request_id    BIGINT       NOT NULL,  -- 1, 2, 3... per plugin
  action        VARCHAR(16)  NOT NULL,  -- 'reload' or 'unload'
  requested_at  BIGINT       NOT NULL,
  requested_by  VARCHAR(64)  NOT NULL   -- the admin's member id, or 'operator'
);
