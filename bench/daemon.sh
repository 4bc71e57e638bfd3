# shellcheck shell=bash
# What the plugin benchmarks share (sourced after lib.sh, which gives
# $work, pick_free_port, wait_http, json_field and started_pids): a daemon
# on loopback, an admin token and one wrk line. The caller sets
# $memberd_bin, $admin_email, $admin_password and $duration.

# photo_workers PID: the daemon's children, one pid a line: its photo-worker
# processes (plugins/photo/README.md), which decode the uploads.
photo_workers() {
  cat /proc/"$1"/task/*/children 2>/dev/null | tr -s ' ' '\n' | grep -v '^$' || true
}

# start_memberd NAME DATABASE_URL PLUGINS [--set ...]: starts a daemon, sets $base, $pid.
start_memberd() {
  local name=$1 url=$2 plugins=$3 port
  shift 3
  port=$(pick_free_port)
  mkdir -p "$work/$name"
  (
    cd "$work/$name"
    export MEMBERD_ADMIN_PASSWORD=$admin_password
    exec "$memberd_bin" --config "$MEMBERD_REPO/etc/memberd.yaml" --set "http.listen=127.0.0.1:$port" \
      --set "socket.path=$work/$name/memberd.sock" --set "data_dir=$work/$name" --set "database.url=$url" \
      --set "plugins.dir=$MEMBERD_BUILD_DIR/plugins" --set "plugins.enabled=$plugins" \
      --set "bootstrap.admin_email=$admin_email" --set "log.level=warn" --set "shutdown.lame_duck=0s" "$@"
  ) >"$work/$name.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  base=http://127.0.0.1:$port
  wait_http "$base/readyz" "$pid" "$work/$name.log"
}

stop_memberd() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

admin_token() {
  curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" "$base/api/v1/admin/session" | json_field token
}

# wrk_line URL CONNECTIONS [wrk args]: "req/s p50 p99 errors".
wrk_line() {
  local url=$1 connections=$2 out
  shift 2
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$@" "$url")
  awk '/Requests\/sec/ { rps = $2 } / 50%/ { p50 = $2 } / 99%/ { p99 = $2 }
       /Non-2xx|Socket errors/ { err = err $0 }
       END { printf "%8.0f req/s  p50 %-9s p99 %-9s %s\n", rps, p50, p99, err }' <<<"$out"
}

# start_scratch_postgres: a throwaway PostgreSQL server under $work
# (scripts/pg-fixture.sh); sets $pg_url (its test database) and $pg_admin.
# Every database named memberd_*_<this shell's pid> is dropped and the
# server stopped when the script exits, however it exits.
start_scratch_postgres() {
  pg_dir=$work/pg
  "$MEMBERD_REPO/scripts/pg-fixture.sh" start "$pg_dir" >/dev/null
  pg_url=$(cat "$pg_dir/url")
  pg_admin=${pg_url%/*}/postgres
  trap 'drop_scratch_postgres; cleanup' EXIT
}

# scratch_database NAME: creates memberd_NAME_<pid> and prints its URL.
scratch_database() {
  local db=memberd_$1_$$
  psql -q "$pg_admin" -c "CREATE DATABASE $db" >/dev/null
  echo "${pg_url%/*}/$db"
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
drop_scratch_postgres() {
  local db
  for db in $(psql -Atq "$pg_admin" -c "SELECT datname FROM pg_database WHERE datname LIKE 'memberd\_%\_$$'" 2>/dev/null); do
    psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  done
  "$MEMBERD_REPO/scripts/pg-fixture.sh" stop "$pg_dir" >/dev/null 2>&1 || true
}

# nginx on a free loopback port, serving $nginx_dir/www (put the files there
# after it started): the baseline beside memberd in the same run. Sets
# nginx_dir, nginx_port and nginx_base; stopped with everything started.
start_nginx() {
  nginx_dir=$work/nginx
  mkdir -p "$nginx_dir/www" "$nginx_dir/tmp"
  nginx_port=$(pick_free_port)
  {
    # As root, nginx would switch its workers to nobody, who cannot enter
    # the private temporary directory.
    ((EUID == 0)) && echo "user root;"
    cat <<EOF
daemon off;
worker_processes auto;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log warn;
worker_rlimit_nofile 30000;
events { worker_connections 20000; }
http {
  access_log off;
  # Like memberd's keep-alive: measure serving, not reconnecting.
  keepalive_requests 1000000;
  types { application/json json; image/webp webp; image/jpeg jpg; text/plain txt; }
  client_body_temp_path $nginx_dir/tmp/body;
  proxy_temp_path $nginx_dir/tmp/proxy;
  fastcgi_temp_path $nginx_dir/tmp/fastcgi;
  uwsgi_temp_path $nginx_dir/tmp/uwsgi;
  scgi_temp_path $nginx_dir/tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $nginx_dir/www;
  }
}
EOF
  } >"$nginx_dir/nginx.conf"
  printf 'ok\n' >"$nginx_dir/www/ready.txt"
  local nginx_bin
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx_bin" -e "$nginx_dir/error.log" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" >"$nginx_dir/stdout.log" 2>&1 &
  started_pids+=("$!")
  nginx_base=http://127.0.0.1:$nginx_port
  wait_http "$nginx_base/ready.txt" "${started_pids[-1]}" "$nginx_dir/error.log"
}
