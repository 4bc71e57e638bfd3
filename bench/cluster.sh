#!/usr/bin/env bash
# Several daemons as one service, on loopback (bench/README.md,
# "bench/cluster.sh"), in four parts (BENCH_CLUSTER_PARTS, default all):
#
#   me       one daemon, GET /api/v1/me on SQLite and then on PostgreSQL
#   idle     what three idle daemons cost PostgreSQL (transactions/s)
#   scale    HAProxy in front of 1, 2 and 3 daemons: GET /me and PUT profile
#   roll     rolling restarts under load, below
#
# roll: three daemons on one PostgreSQL behind HAProxy
# (etc/haproxy.cfg, its addresses rewritten to loopback), restarted one
# after another under a wrk load through the balancer (GET /api/v1/me,
# PUT /api/v1/me/profile and POST /api/v1/hello/greetings in turn: the
# example plugin, build/plugins/hello.so); every answer is counted. Then the same
# through nginx (an upstream with keep-alive connections and no active
# health checks, as an operator would first try). Each balancer twice in
# the same run: with shutdown.lame_duck=0s (a stop that closes at once, as
# before the lame duck) and with the default, so the difference is the
# lame duck's. The daemons are pinned to one core and HAProxy and wrk to
# the other (taskset), so the load does not starve the daemons it measures.
#
#   bench/cluster.sh                       build if needed, then measure
#   BENCH_CLUSTER_CONNECTIONS=32 bench/cluster.sh
#   BENCH_CLUSTER_PARTS="me idle" BENCH_DURATION=10 bench/cluster.sh
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

connections=${BENCH_CLUSTER_CONNECTIONS:-16}
[[ $connections =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_CLUSTER_CONNECTIONS must be a positive integer" >&2; exit 64; }
duration=${BENCH_DURATION:-10}  # seconds per wrk run of the me and scale parts
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_DURATION must be a positive integer" >&2; exit 64; }
parts=" ${BENCH_CLUSTER_PARTS:-me idle scale roll} "
part() { [[ $parts == *" $1 "* ]]; }
say() { echo "bench: $*" >&2; }

ensure_packages curl wrk haproxy nginx-light postgresql-15 "${MEMBERD_BUILD_PACKAGES[@]}"
# shellcheck source=prelude.sh
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"

# Two cores: the daemons on the last one, the balancer and the load on the rest.
last_core=$(($(nproc) - 1))
daemon_cores=$last_core
load_cores=0-$((last_core > 0 ? last_core - 1 : 0))

start_scratch_postgres
db_url=$(scratch_database cluster)

names=(a b c)
declare -A port pid_of
for name in "${names[@]}" solo; do port[$name]=$(pick_free_port); done

# start_daemon NAME LAME_DUCK [DATABASE_URL]: the daemon NAME on its own
# port (the cluster's database by default), stopping with that lame duck;
# sets pid_of[NAME].
start_daemon() {
  local name=$1 lame_duck=$2 url=${3:-$db_url}
  mkdir -p "$work/$name"
  (
    cd "$work/$name"
    export MEMBERD_ADMIN_PASSWORD=$admin_password
    exec taskset -c "$daemon_cores" "$memberd_bin" --config "$MEMBERD_REPO/etc/memberd.yaml" \
      --set "http.listen=127.0.0.1:${port[$name]}" --set "socket.path=$work/$name/memberd.sock" \
      --set "data_dir=$work/$name" --set "database.url=$url" \
      --set "plugins.dir=$MEMBERD_BUILD_DIR/plugins" --set "plugins.enabled=[credentials, profile, hello]" \
      --set "bootstrap.admin_email=$admin_email" --set "log.level=warn" \
      --set "http.trusted_proxies=[127.0.0.1]" --set "shutdown.lame_duck=$lame_duck"
  ) >>"$work/$name.log" 2>&1 &
  pid_of[$name]=$!
  started_pids+=("${pid_of[$name]}")
  wait_http "http://127.0.0.1:${port[$name]}/readyz" "${pid_of[$name]}" "$work/$name.log"
}

# stop_daemon NAME: SIGTERM, and the wait for its exit (the lame duck, the
# drain); its pid leaves the list cleanup signals, which may be reused.
stop_daemon() {
  local gone=${pid_of[$1]} kept=() p
  kill -TERM "$gone" 2>/dev/null || true
  wait "$gone" 2>/dev/null || true
  for p in "${started_pids[@]}"; do [[ $p == "$gone" ]] || kept+=("$p"); done
  started_pids=("${kept[@]}")
}

# haproxy_config PORT FILE NAME...: the shipped configuration on loopback
# (scripts/haproxy-loopback.sh), listening on PORT with the daemons NAME...
haproxy_config() {
  local lb=$1 file=$2 name ports=()
  shift 2
  for name in "$@"; do ports+=("${port[$name]}"); done
  bash "$MEMBERD_REPO/scripts/haproxy-loopback.sh" "$lb" "$file" "${ports[@]}" || fail "HAProxy refused the configuration" "$file"
}
lb_port=$(pick_free_port)
haproxy_config "$lb_port" "$work/haproxy.cfg" "${names[@]}"
haproxy_url=http://127.0.0.1:$lb_port

# nginx as the other balancer: keep-alive to the daemons (an idle one a
# stopping daemon closes is what a POST can meet), trying the next daemon
# as nginx does by default (on an error before a request was sent, any method).
nginx_dir=$work/nginx
nginx_port=$(pick_free_port)
mkdir -p "$nginx_dir/tmp"
{
  ((EUID == 0)) && echo "user root;"
  cat <<EOF
daemon off;
worker_processes 1;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $nginx_dir/tmp/body;
  proxy_temp_path $nginx_dir/tmp/proxy;
  fastcgi_temp_path $nginx_dir/tmp/fastcgi;
  uwsgi_temp_path $nginx_dir/tmp/uwsgi;
  scgi_temp_path $nginx_dir/tmp/scgi;
  upstream memberd {
EOF
  # max_fails=0: a daemon is never marked down for 10 s after one error.
  # With nginx's default (1 in 10 s) restarts closer together than that
  # mark all three down at once and everything is 502 for seconds: a
  # matter of pacing, which would drown what this compares.
  for name in "${names[@]}"; do echo "    server 127.0.0.1:${port[$name]} max_fails=0;"; done
  cat <<EOF
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://memberd;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
EOF
} >"$nginx_dir/nginx.conf"
nginx_url=http://127.0.0.1:$nginx_port

# The balancer's check: every daemon up again (two good checks, 1 s apart).
settle() { sleep 3; }

# start_balancers: HAProxy and nginx, once the daemons are up.
start_balancers() {
  taskset -c "$load_cores" /usr/sbin/haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  started_pids+=("$!")
  wait_http "$haproxy_url/readyz" "$!" "$work/haproxy.log"
  taskset -c "$load_cores" "$(command -v nginx || echo /usr/sbin/nginx)" -e "$nginx_dir/error.log" -p "$nginx_dir" \
    -c "$nginx_dir/nginx.conf" >"$nginx_dir/stdout.log" 2>&1 &
  started_pids+=("$!")
  wait_http "$nginx_url/readyz" "$!" "$nginx_dir/error.log"
  balancers_started=1
}

# roll BALANCER URL LAME_DUCK: starts the three daemons, restarts each in
# turn under load through URL, and prints one line of counts.
roll() {
  local balancer=$1 lb=$2 lame_duck=$3 name result=$work/roll-$1-$3 seconds
  for name in "${names[@]}"; do start_daemon "$name" "$lame_duck"; done
  [[ -n ${balancers_started:-} ]] || start_balancers
  settle
  if [[ -z ${token:-} ]]; then
    local password email=roll@example.com
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
      --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$password\",\"password_confirm\":\"$password\"}" \
      "$lb/api/v1/members"
    token=$(curl -sS -X POST -H 'Content-Type: application/json' \
      --data "{\"email\":\"$email\",\"password\":\"$password\"}" "$lb/api/v1/session" | json_field token)
    [[ -n $token ]] || fail "no member session through the balancer" "$work/a.log"
  fi
  # Long enough for three restarts: the lame duck, the drain, a start and
  # the balancer's two checks each, with a few seconds either side.
  seconds=$((6 + 3 * (${lame_duck%s} + 8)))
  BENCH_ROLL_TOKEN=$token BENCH_ROLL_RESULT=$result \
    taskset -c "$load_cores" wrk -t1 -c"$connections" -d"${seconds}s" \
    -s "$MEMBERD_REPO/bench/rolling.lua" "$lb" >"$work/wrk-$balancer-$lame_duck.out" 2>&1 &
  current_job=$!
  sleep 3
  for name in "${names[@]}"; do
    stop_daemon "$name"
    start_daemon "$name" "$lame_duck"
    settle
  done
  wait "$current_job" || fail "wrk failed" "$work/wrk-$balancer-$lame_duck.out"
  current_job=
  [[ -f $result ]] || fail "wrk wrote no counts" "$work/wrk-$balancer-$lame_duck.out"
  awk -v lame="$lame_duck" -v balancer="$balancer" '
    $1 == "status" { n[$2] += $3; total += $3; if ($2 >= 500) failed += $3; else if ($2 >= 400) refused += $3 }
    $1 == "socket" { sockets += $3 }
    END {
      line = ""
      for (s in n) line = line " " s ":" n[s]
      printf "%-7s lame_duck %-3s %7d answers, %d failed (5xx), %d socket errors, %d 4xx   [status:count%s]\n",
        balancer, lame, total, failed, sockets, refused, line
    }' "$result"
  for name in "${names[@]}"; do stop_daemon "$name"; done
}

# member_token BASE EMAIL: joins EMAIL through BASE and prints a session token.
member_token() {
  local base=$1 email=$2 password
  password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$password\",\"password_confirm\":\"$password\"}" \
    "$base/api/v1/members"
  curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token
}

# rps WRK_OUTPUT: the requests/s wrk printed, with its non-2xx count if any.
rps() {
  awk '/Requests\/sec/ { r = $2 } /Non-2xx/ { bad = " (" $NF " non-2xx)" } END { printf "%.0f%s", r, bad }' "$1"
}

# Part "me": one daemon, pinned, GET /api/v1/me on a cached session; the
# same daemon on SQLite and on PostgreSQL.
if part me; then
  echo "== GET /api/v1/me, one daemon (core $daemon_cores), wrk -c$connections on core $load_cores, ${duration}s each"
  declare -A me_rps
  for backend in sqlite postgresql; do
    url=$db_url
    [[ $backend == sqlite ]] && url=sqlite:$work/solo-me.db
    start_daemon solo 0s "$url"
    me_token=$(member_token "http://127.0.0.1:${port[solo]}" "me-$backend@example.com")
    [[ -n $me_token ]] || fail "no member session on $backend" "$work/solo.log"
    taskset -c "$load_cores" wrk -t1 -c"$connections" -d"${duration}s" -H "Authorization: Bearer $me_token" \
      "http://127.0.0.1:${port[solo]}/api/v1/me" >"$work/me-$backend.out"
    me_rps[$backend]=$(rps "$work/me-$backend.out")
    printf '%-11s %s req/s\n' "$backend" "${me_rps[$backend]}"
    stop_daemon solo
  done
  echo "PostgreSQL / SQLite: $(ratio "${me_rps[postgresql]%% *}" "${me_rps[sqlite]%% *}")"
fi

# Part "idle": three daemons that serve nothing, and the transactions
# PostgreSQL counts for the database meanwhile (pg_stat_database; its
# counters are flushed about once a second, so the window is long).
if part idle; then
  idle_seconds=${BENCH_IDLE_SECONDS:-30}
  echo "== idle: 3 daemons on PostgreSQL serving nothing, ${idle_seconds}s"
  for name in "${names[@]}"; do start_daemon "$name" 0s; done
  sleep 5
  db_name=${db_url##*/}
  xacts() {
    psql -Atq "$pg_admin" -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$db_name'"
  }
  first=$(xacts)
  sleep "$idle_seconds"
  last=$(xacts)
  awk -v a="$first" -v b="$last" -v s="$idle_seconds" 'BEGIN { printf "%.1f transactions/s for three idle daemons\n", (b - a) / s }'
  for name in "${names[@]}"; do stop_daemon "$name"; done
fi

# Part "scale": HAProxy in front of 1, 2 and 3 daemons (all pinned to the
# same core: on two cores this shows what the balancing costs, not a gain).
if part scale; then
  echo "== through HAProxy: 1, 2, 3 daemons (core $daemon_cores), wrk -c$connections on core $load_cores, ${duration}s each"
  for name in "${names[@]}"; do start_daemon "$name" 0s; done
  scale_token=$(member_token "http://127.0.0.1:${port[a]}" "scale@example.com")
  [[ -n $scale_token ]] || fail "no member session for the scale part" "$work/a.log"
  for n in 1 2 3; do
    scale_port=$(pick_free_port)
    haproxy_config "$scale_port" "$work/haproxy-$n.cfg" "${names[@]:0:n}"
    taskset -c "$load_cores" /usr/sbin/haproxy -db -f "$work/haproxy-$n.cfg" >"$work/haproxy-$n.log" 2>&1 &
    scale_pid=$!
    started_pids+=("$scale_pid")
    wait_http "http://127.0.0.1:$scale_port/readyz" "$scale_pid" "$work/haproxy-$n.log"
    sleep 2  # every server's first checks
    taskset -c "$load_cores" wrk -t1 -c"$connections" -d"${duration}s" -H "Authorization: Bearer $scale_token" \
      "http://127.0.0.1:$scale_port/api/v1/me" >"$work/scale-me-$n.out"
    BENCH_TOKEN=$scale_token taskset -c "$load_cores" wrk -t1 -c"$connections" -d"${duration}s" \
      -s "$MEMBERD_REPO/bench/profile_put.lua" "http://127.0.0.1:$scale_port" >"$work/scale-put-$n.out"
    printf '%s daemon(s): GET /api/v1/me %s req/s, PUT /api/v1/me/profile %s req/s\n' "$n" \
      "$(rps "$work/scale-me-$n.out")" "$(rps "$work/scale-put-$n.out")"
    kill -TERM "$scale_pid" 2>/dev/null || true
    wait "$scale_pid" 2>/dev/null || true
  done
  for name in "${names[@]}"; do stop_daemon "$name"; done
fi

if part roll; then
  echo "== rolling restart of 3 daemons on PostgreSQL, $connections connections through the balancer, GET /me + PUT /me/profile + POST /hello/greetings"
  for balancer in haproxy nginx; do
    url_var=${balancer}_url
    roll "$balancer" "${!url_var}" 0s
    roll "$balancer" "${!url_var}" 5s
  done
fi
