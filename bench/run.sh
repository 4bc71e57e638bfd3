#!/usr/bin/env bash
# Loopback benchmark of memberd against an nginx baseline; prints a table.
# See bench/README.md for what is measured and how to read it.
#
#   bench/run.sh                      build if needed, then measure
#   BENCH_DURATION=30 bench/run.sh    longer wrk runs
#
# Everything it starts (nginx, memberd) listens on 127.0.0.1 only, lives in
# a temporary directory and is stopped and removed on exit, even on Ctrl-C.
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

duration=${BENCH_DURATION:-10}        # seconds per wrk run
connections=${BENCH_CONNECTIONS:-64}  # concurrent keep-alive connections
threads=${BENCH_THREADS:-2}           # wrk threads
reloads=${BENCH_RELOADS:-20}          # hot swaps timed
# An already built or installed daemon can be measured as it is.
memberd_bin=${MEMBERD_BIN:-}
plugins_dir=${BENCH_PLUGINS_DIR:-$MEMBERD_BUILD_DIR/plugins}

for var in duration connections threads reloads; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || {
    echo "bench: $var must be a positive integer, got '${!var}'" >&2
    exit 64
  }
done
((threads > connections)) && threads=$connections

say() { echo "bench: $*" >&2; }

# --- setup -----------------------------------------------------------------

ensure_packages wrk nginx-light curl
if [[ -z $memberd_bin ]]; then
  ensure_packages "${MEMBERD_BUILD_PACKAGES[@]}"
  say "building (log: $MEMBERD_BUILD_DIR/build.log)"
  # shellcheck disable=SC2119  # (no extra cmake args)
  build_project
  memberd_bin=$MEMBERD_BUILD_DIR/daemon/memberd
fi
[[ -x $memberd_bin ]] || { say "no memberd at $memberd_bin"; exit 1; }
[[ -f $plugins_dir/hello.so ]] || { say "no hello plugin in $plugins_dir"; exit 1; }

# The temporary directory, cleanup on exit, fail, wait_http, json_field, ratio.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"

# --- nginx: the baseline -----------------------------------------------------

start_nginx
printf '{"status":"ok"}\n' >"$nginx_dir/www/healthz.json"
nginx_url=$nginx_base/healthz.json

# --- memberd ----------------------------------------------------------------

memberd_port=$(pick_free_port)
while [[ $memberd_port == "$nginx_port" ]]; do memberd_port=$(pick_free_port); done
socket=$work/memberd.sock
data=$work/var
mkdir -p "$data"
admin_email=bench-admin@memberd.local
# Hex from the kernel's CSPRNG: no quoting trouble in JSON or the shell.
admin_password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
memberd_log=$work/memberd.log
repo=$MEMBERD_REPO

say "starting memberd on 127.0.0.1:$memberd_port"
(
  cd "$work"
  export MEMBERD_ADMIN_PASSWORD=$admin_password
  exec "$memberd_bin" --config "$repo/etc/memberd.yaml" \
    --set "http.listen=127.0.0.1:$memberd_port" \
    --set "socket.path=$socket" \
    --set "data_dir=$data" \
    --set "database.url=sqlite:$data/memberd.db" \
    --set "plugins.dir=$plugins_dir" \
    --set "plugins.enabled=[hello, credentials]" \
    --set "shutdown.lame_duck=0s" \
    --set "bootstrap.admin_email=$admin_email" \
    --set "log.level=warn"
) >"$memberd_log" 2>&1 &
memberd_pid=$!
started_pids+=("$memberd_pid")
base=http://127.0.0.1:$memberd_port
wait_http "$base/readyz" "$memberd_pid" "$memberd_log"

# --- sign in -------------------------------------------------------------------

reply=$(curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' \
  --data "{\"email\":\"$admin_email\",\"password\":\"$admin_password\"}" \
  -w '\n%{http_code}' "$base/api/v1/admin/session") || fail "sign-in request failed" "$memberd_log"
[[ ${reply##*$'\n'} == 201 ]] || fail "sign-in answered ${reply##*$'\n'}: ${reply%$'\n'*}" "$memberd_log"
token=$(json_field token <<<"${reply%$'\n'*}")
[[ -n $token ]] || fail "no token in the sign-in reply" "$memberd_log"
auth_header="Authorization: Bearer $token"
# Benchmarking a stream of 401s would look fast and mean nothing.
code=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' -H "$auth_header" "$base/api/v1/session")
[[ $code == 200 ]] || fail "GET /api/v1/session with the token answered $code" "$memberd_log"

# A member of the credentials plugin, for sign-in and GET /api/v1/me.
member_email=bench-member@example.com
member_password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
signin_body="{\"email\":\"$member_email\",\"password\":\"$member_password\"}"
code=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data "{\"email\":\"$member_email\",\"email_confirm\":\"$member_email\",\"password\":\"$member_password\",\"password_confirm\":\"$member_password\"}" \
  "$base/api/v1/members")
[[ $code == 201 ]] || fail "joining the bench member answered $code" "$memberd_log"
reply=$(curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' --data "$signin_body" "$base/api/v1/session")
member_token=$(json_field token <<<"$reply")
[[ -n $member_token ]] || fail "the bench member could not sign in: $reply" "$memberd_log"
member_header="Authorization: Bearer $member_token"

# More members for the sign-in floods: 16 accounts for 64 connections, so
# each account sees about as many sign-ins at once as one person's devices.
signin_emails=$member_email
for ((i = 1; i < 16; i++)); do
  email=bench-member-$i@example.com
  code=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$member_password\",\"password_confirm\":\"$member_password\"}" \
    "$base/api/v1/members")
  [[ $code == 201 ]] || fail "joining bench member $i answered $code" "$memberd_log"
  signin_emails+=" $email"
done

# One sign-in's wall time, alone on an idle daemon (mostly Argon2id).
signin_times=()
for ((i = 0; i < 10; i++)); do
  signin_times+=("$(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/json' \
    --data "$signin_body" "$base/api/v1/session")")
done
signin_ms=$(printf '%s\n' "${signin_times[@]}" | sort -g | awk '{ t[NR] = $1 } END { printf "%.1f", t[int((NR + 1) / 2)] * 1000 }')

# The hashing pool returns Argon2id's memory after 5 s without work.
sleep 7
rss_idle=$(rss_kib "$memberd_pid" VmRSS)

# --- load ---------------------------------------------------------------------

declare -A rps p50 p99 errors requests
targets=()

# run_wrk LABEL URL [wrk args]: one wrk run; keeps requests/s, p50, p99 and
# the error count (non-2xx replies plus socket errors).
run_wrk() {
  local label=$1 url=$2 out
  shift 2
  say "wrk -t$threads -c$connections -d${duration}s: $label"
  # In the background and waited for, so that Ctrl-C is handled at once
  # rather than after the run (bash runs traps between commands).
  timeout $((duration + 30)) wrk "-t$threads" "-c$connections" "-d${duration}s" \
    --latency "$@" "$url" >"$work/wrk.out" 2>&1 &
  current_job=$!
  wait "$current_job" || fail "wrk failed for $label: $(cat "$work/wrk.out")"
  current_job=
  out=$(<"$work/wrk.out")
  [[ -n ${BENCH_VERBOSE:-} ]] && printf '%s\n' "$out" >&2
  targets+=("$label")
  rps[$label]=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
  p50[$label]=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99[$label]=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  requests[$label]=$(awk '$2 == "requests" && $3 == "in" { print $1 }' <<<"$out")
  errors[$label]=$(awk '
    /Non-2xx or 3xx responses:/ { n += $NF }
    /Socket errors:/ { gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) n += $i }
    END { print n + 0 }' <<<"$out")
}

run_wrk "nginx static file" "$nginx_url"
run_wrk "memberd /healthz" "$base/healthz"
run_wrk "memberd GET /api/v1/session" "$base/api/v1/session" -H "$auth_header"
run_wrk "memberd GET /api/v1/me" "$base/api/v1/me" -H "$member_header"
export BENCH_SIGNIN_EMAILS=$signin_emails BENCH_SIGNIN_PASSWORD=$member_password
run_wrk "memberd POST /api/v1/session" "$base/api/v1/session" -s "$MEMBERD_REPO/bench/signin.lua"

# A sign-in flood on 64 connections while 16 others read /api/v1/me: the
# bounded, low-priority hashing pool must keep the reads fast. (The previous
# run's abandoned sign-ins drain first. wrk ignores Retry-After, so refused
# sign-ins come straight back: count the 201s, not the requests.)
sleep 3
say "sign-in flood (-c$connections) with GET /api/v1/me (-c16) at the same time"
timeout $((duration + 30)) wrk -t1 "-c$connections" "-d${duration}s" -s "$MEMBERD_REPO/bench/signin.lua" \
  "$base/api/v1/session" >"$work/flood.out" 2>&1 &
flood_job=$!
sleep 1
saved_connections=$connections
connections=16
run_wrk "  GET /api/v1/me during flood" "$base/api/v1/me" -H "$member_header"
connections=$saved_connections
wait "$flood_job" || true
flood_requests=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$work/flood.out")
flood_rejected=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$work/flood.out")

rss_loaded=$(rss_kib "$memberd_pid" VmRSS)

# Many connections: where a thread-per-connection server falls over. Each
# count runs nginx and memberd back to back; at the largest the daemon's RSS
# is sampled halfway through. (wrk needs the descriptors too.)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
saved_connections=$connections
rss_many=
for many in ${BENCH_MANY_CONNECTIONS:-1000 10000}; do
  connections=$many
  run_wrk "nginx static file -c$many" "$nginx_url"
  (sleep $((duration / 2 + 1)); rss_kib "$memberd_pid" VmRSS >"$work/rss_many") &
  run_wrk "memberd /healthz -c$many" "$base/healthz"
  wait $! 2>/dev/null || true
  rss_many="$rss_many $many:$(cat "$work/rss_many" 2>/dev/null || echo 0)"
  run_wrk "memberd GET /api/v1/me -c$many" "$base/api/v1/me" -H "$member_header"
done
connections=$saved_connections

# Idle connections: BENCH_IDLE_CONNECTIONS kept-alive connections that sent
# one request each and then wait, held open while 64 others read
# /api/v1/me; the daemon's RSS is sampled halfway through. An event-driven
# server pays a few KB per idle connection and nothing in latency.
idle_count=${BENCH_IDLE_CONNECTIONS:-5000}
rss_idle_many=
if ((idle_count > 0)); then
  say "holding $idle_count idle keep-alive connections"
  timeout $((duration + 40)) wrk -t1 "-c$idle_count" "-d$((duration + 8))s" -s "$MEMBERD_REPO/bench/idle.lua" \
    "$base/healthz" >"$work/idle.out" 2>&1 &
  idle_job=$!
  # Opening thousands of connections takes wrk a moment.
  sleep 3
  (
    sleep $((duration / 2 + 1))
    rss_kib "$memberd_pid" VmRSS >"$work/rss_idle_many"
    curl -s --max-time 10 --unix-socket "$socket" http://localhost/metrics |
      awk '/^memberd_http_connections\{door="tcp"\}/ { print $NF }' >"$work/open_while_idle"
  ) &
  sampler=$!
  run_wrk "  GET /api/v1/me beside idle" "$base/api/v1/me" -H "$member_header"
  wait "$sampler" 2>/dev/null || true
  rss_idle_many=$(cat "$work/rss_idle_many" 2>/dev/null || echo 0)
  open_while_idle=$(cat "$work/open_while_idle" 2>/dev/null || true)
  wait "$idle_job" || true
fi

# Database leases per request, from the daemon's own counters (SDK 2's
# request units; a daemon before them has no memberd_db_leases_total).
metrics=$(curl -s --max-time 10 --unix-socket "$socket" http://localhost/metrics || true)
# leases_per_request METHOD ROUTE: leases / requests over the whole run.
leases_per_request() {
  awk -v m="method=\"$1\"" -v r="route=\"$2\"" '
    index($0, m) && index($0, r) && /^memberd_db_leases_total\{/ { leases += $NF; seen = 1 }
    index($0, m) && index($0, r) && /^memberd_http_requests_total\{/ { requests += $NF }
    END { if (!seen || !requests) print "n/a"; else printf "%.2f", leases / requests }' <<<"$metrics"
}
leases_me=$(leases_per_request GET /api/v1/me)
leases_signin=$(leases_per_request POST /api/v1/session)
rss_peak=$(rss_kib "$memberd_pid" VmHWM)

# --- hot swap -------------------------------------------------------------------

say "timing $reloads hot swaps of hello over the socket"
swap_times=()
swap_failures=0
first_failure=
for ((i = 0; i < reloads; i++)); do
  reply=$(curl -sS --max-time 30 --unix-socket "$socket" -X POST -H "Content-Length: 0" -w '\n%{http_code}' \
    http://localhost/api/v1/admin/plugins/hello/reload 2>&1) || reply=$'\n000'
  ms=$(json_field swap_ms <<<"${reply%$'\n'*}")
  if [[ ${reply##*$'\n'} == 200 && -n $ms ]]; then
    swap_times+=("$ms")
  else
    swap_failures=$((swap_failures + 1))
    [[ -n $first_failure ]] || first_failure="${reply##*$'\n'}: ${reply%$'\n'*}"
  fi
done
rss_after_swaps=$(rss_kib "$memberd_pid" VmRSS)

# --- report -----------------------------------------------------------------------

echo
echo "memberd benchmark: wrk -t$threads -c$connections -d${duration}s on loopback," \
  "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
baseline=${rps["nginx static file"]}
printf '%-32s %12s %10s %10s %8s %9s\n' target requests/s p50 p99 errors vs-nginx
for label in "${targets[@]}"; do
  # A run at another connection count is compared with nginx at that count.
  against=$baseline
  [[ $label =~ -c([0-9]+)$ ]] && against=${rps["nginx static file -c${BASH_REMATCH[1]}"]:-$baseline}
  printf '%-32s %12s %10s %10s %8s %9s\n' "$label" "${rps[$label]}" "${p50[$label]}" \
    "${p99[$label]}" "${errors[$label]}" \
    "$(ratio "${rps[$label]}" "$against")"
done
echo
signin_label="memberd POST /api/v1/session"
signin_ok=$(( ${requests[$signin_label]:-0} - ${errors[$signin_label]:-0} ))
echo "sign-in: one alone ${signin_ms} ms (Argon2id m=19456 KiB, t=2, p=1, on the low-priority pool);" \
  "flood: $(awk -v n="$signin_ok" -v d="$duration" 'BEGIN { printf "%.1f", n / d }') sign-ins/s," \
  "${errors[$signin_label]:-0} errors (503 + Retry-After past the hashing queue, or wrk's 2 s timeout)"
echo "during a second flood ($(awk -v n="${flood_requests:-0}" -v r="${flood_rejected:-0}" -v d="$duration" \
  'BEGIN { printf "%.1f", (n - r) / d }') sign-ins/s, ${flood_rejected:-0} refused): GET /api/v1/me p99 ${p99["  GET /api/v1/me during flood"]}"
echo "database leases per request: GET /api/v1/me ${leases_me}, POST /api/v1/session ${leases_signin}" \
  "(all of the run's requests, refused ones included)"
for pair in $rss_many; do
  echo "memberd RSS halfway through /healthz at ${pair%%:*} connections: $(mib "${pair#*:}")"
done
if ((idle_count > 0)); then
  echo "beside $idle_count idle connections (the daemon counted ${open_while_idle:-?} open):" \
    "GET /api/v1/me p99 ${p99["  GET /api/v1/me beside idle"]}, RSS $(mib "$rss_idle_many")"
fi
echo "memberd RSS: idle $(mib "$rss_idle") (VmRSS after 7 s idle), after load $(mib "$rss_loaded")," \
  "peak $(mib "$rss_peak"), after $reloads reloads $(mib "$rss_after_swaps")"
if ((${#swap_times[@]} > 0)); then
  printf '%s\n' "${swap_times[@]}" | sort -g | awk -v n="$reloads" -v ok="${#swap_times[@]}" '
    { t[NR] = $1 }
    END {
      median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "hot swap of hello: median %.2f ms, max %.2f ms (%d of %d reloads)\n", median, t[NR], ok, n
    }'
fi
if ((swap_failures > 0)); then
  echo "hot swap: $swap_failures of $reloads reloads failed; first: $first_failure"
  exit 1
fi
