#!/usr/bin/env bash
# Mail at scale, on loopback (bench/README.md, "bench/mail.sh"):
#   1. a Trade Alerts send to BENCH_MAIL_MESSAGES (10,000) subscribers through
#      a real SMTP relay on 127.0.0.1 (Debian's aiosmtpd, tests/support/
#      smtp_relay.py): messages queued per second and delivered per second,
#      on SQLite and on PostgreSQL;
#   2. a send to BENCH_MAIL_SUBSCRIBERS (100,000) subscribers: the time to
#      queue them all and the daemon's peak RSS, on both backends.
#
#   bench/mail.sh                                   build if needed, then measure
#   BENCH_MAIL_SUBSCRIBERS=20000 bench/mail.sh      a smaller second run
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

messages=${BENCH_MAIL_MESSAGES:-10000}
subscribers=${BENCH_MAIL_SUBSCRIBERS:-100000}
lane_counts=${BENCH_MAIL_CONNECTIONS:-1 4}   # mail.connections of the delivery runs
for var in messages subscribers; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer" >&2; exit 64; }
done
say() { echo "bench: $*" >&2; }

ensure_packages curl postgresql-15 python3-aiosmtpd "${MEMBERD_BUILD_PACKAGES[@]}"
# shellcheck source=prelude.sh
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
tool=$MEMBERD_BUILD_DIR/bench/memberd-bench-mail
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The relay: one process for the whole run, a fresh directory per daemon.
relay_port=$(pick_free_port)
relay_dir=$work/relay
mkdir -p "$relay_dir"
/usr/bin/python3 "$MEMBERD_REPO/tests/support/smtp_relay.py" --port "$relay_port" --dir "$relay_dir" \
  >"$work/relay.log" 2>&1 &
relay_pid=$!
started_pids+=("$relay_pid")
for ((i = 0; i < 100; i++)); do [[ -f $relay_dir/ready ]] && break; sleep 0.1; done
[[ -f $relay_dir/ready ]] || fail "the SMTP relay did not start" "$work/relay.log"

# start_mailer NAME DATABASE_URL [CONNECTIONS]: a daemon mailing through
# the relay with CONNECTIONS lanes; sets $base, $pid and the admin's $token.
start_mailer() {
  start_memberd "$1" "$2" "[credentials, email_service]" \
    --set "mail.transport=smtp://127.0.0.1:$relay_port" --set "mail.connections=${3:-4}"
  token=$(admin_token)
  [[ -n $token ]] || fail "no admin session" "$work/$1.log"
}

api() { curl -sS -H "Authorization: Bearer $token" "$@"; }

# send_to_subscribers: starts a Trade Alerts send to every subscriber; sets $send_id, $send_started.
send_to_subscribers() {
  send_started=$(now_ms)
  local reply
  reply=$(api -X POST -H 'Content-Type: application/json' "$base/api/v1/admin/messages" \
    --data '{"category":"trade_alerts","subscribers":true,"subject":"Weekly leads","text":"Hello {{email}}: 12 new requests for quotation."}')
  send_id=$(json_field id <<<"$reply")
  [[ -n $send_id ]] || fail "the send was refused: $reply"
}

# wait_queued: until the send is done queuing; sets $queued, $queued_ms.
wait_queued() {
  local reply
  for ((i = 0; i < 36000; i++)); do
    reply=$(api "$base/api/v1/admin/messages/$send_id")
    if [[ $(json_field status <<<"$reply") == done ]]; then
      queued_ms=$(($(now_ms) - send_started))
      queued=$(json_field queued <<<"$reply")
      return 0
    fi
    sleep 0.05
  done
  fail "the send did not finish queuing" "$work/$name.log"
}

# wait_delivered: until every message of the send is sent or failed; sets $delivered_ms, $sent, $failed.
wait_delivered() {
  local reply
  for ((i = 0; i < 72000; i++)); do
    reply=$(api "$base/api/v1/admin/outbox/summary?hours=1&batch=email_service:send.$send_id")
    sent=$(grep -o '"sent":[0-9]*' <<<"$reply" | head -n1 | cut -d: -f2)
    failed=$(grep -o '"failed":[0-9]*' <<<"$reply" | head -n1 | cut -d: -f2)
    if ((${sent:-0} + ${failed:-0} >= queued)); then
      delivered_ms=$(($(now_ms) - send_started))
      return 0
    fi
    sleep 0.1
  done
  fail "the send was not delivered" "$work/$name.log"
}

# cpu_s PID: the process's user + system CPU so far, in seconds.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

per_second() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }'; }

start_scratch_postgres
scratch_database mail_b >/dev/null

url_for() { # BACKEND RUN
  if [[ $1 == sqlite ]]; then echo "sqlite:$work/$2-sqlite.db"; else echo "${pg_url%/*}/memberd_mail_$2_$$"; fi
}

echo "memberd mail benchmark on loopback, $(nproc) cores, $(date -u +%FT%TZ)"
# Every tenth member has switched Trade Alerts off; with the admin, this
# many members make `messages` subscribers.
members=$(((messages - 1) * 10 / 9))
echo
echo "== a send to ~$messages subscribers, delivered through aiosmtpd on loopback (xN: mail.connections)"
printf '%-16s %10s %12s %14s %12s %14s\n' backend messages "queue s" "queued/s" "deliver s" "delivered/s"
for backend in sqlite postgresql; do
 for lanes in $lane_counts; do
  name=deliver-$backend-$lanes
  url=$(url_for "$backend" "a$lanes")
  [[ $backend == postgresql ]] && scratch_database "mail_a$lanes" >/dev/null
  start_mailer "$name" "$url" "$lanes"
  "$tool" fill "$url" "$members" 2>>"$work/$name.log"
  daemon_cpu=$(cpu_s "$pid") relay_cpu=$(cpu_s "$relay_pid")
  send_to_subscribers
  wait_queued
  wait_delivered
  # Who was busy while it ran: a relay near 1 CPU-second per second is the
  # bottleneck, not memberd.
  printf '%-16s %10s %12.1f %14s %12.1f %14s   (%s sent, %s failed; CPU s: memberd %s, relay %s)\n' "$backend x$lanes" \
    "$queued" "$(awk -v ms="$queued_ms" 'BEGIN { print ms / 1000 }')" "$(per_second "$queued" "$queued_ms")" \
    "$(awk -v ms="$delivered_ms" 'BEGIN { print ms / 1000 }')" "$(per_second "$queued" "$delivered_ms")" "$sent" \
    "$failed" "$(seconds_between "$daemon_cpu" "$(cpu_s "$pid")")" "$(seconds_between "$relay_cpu" "$(cpu_s "$relay_pid")")"
  stop_memberd
 done
done

members=$(((subscribers - 1) * 10 / 9))
echo
echo "== a send to ~$subscribers subscribers: time to queue, peak RSS"
printf '%-12s %10s %12s %14s %14s %14s\n' backend messages "queue s" "queued/s" "RSS before" "peak RSS"
for backend in sqlite postgresql; do
  name=queue-$backend
  start_mailer "$name" "$(url_for "$backend" b)"
  "$tool" fill "$(url_for "$backend" b)" "$members" 2>>"$work/$name.log"
  rss_before=$(rss_kib "$pid" VmRSS)
  send_to_subscribers
  wait_queued
  printf '%-12s %10s %12.1f %14s %14s %14s\n' "$backend" "$queued" \
    "$(awk -v ms="$queued_ms" 'BEGIN { print ms / 1000 }')" "$(per_second "$queued" "$queued_ms")" \
    "$(mib "$rss_before")" "$(mib "$(rss_kib "$pid" VmHWM)")"
  stop_memberd
done
