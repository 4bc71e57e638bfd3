#!/usr/bin/env bash
# Writes on loopback (issue 33; bench/README.md, "Writes"): PUT
# /api/v1/me/profile from as many members as connections, at 64 and at
# 1,000 connections, on SQLite; beside nginx serving a static file in the
# same run (the HTTP ceiling of this machine), and GET /api/v1/me alone and
# while the writes run. Then the fsyncs per PUT: the daemon run again under
# `strace -f --seccomp-bpf -c -e trace=fsync,fdatasync` (only those calls
# are stopped at, so the run is barely slowed).
#
#   bench/writes.sh                         build if needed, then measure
#   BENCH_MEMBERS=200 bench/writes.sh       fewer members (the 1,000-connection run uses them all)
#   BENCH_DURATION=10 bench/writes.sh       longer wrk runs (5 s each by default)
#
# Still to come (issue 33): PostgreSQL, sign-ins recorded per second, a
# category send of 100,000 messages, and Glewlwyd beside them.
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

members=${BENCH_MEMBERS:-1000}
duration=${BENCH_DURATION:-5}
for var in members duration; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer" >&2; exit 64; }
done
say() { echo "bench: $*" >&2; }

ensure_packages wrk curl nginx-light strace "${MEMBERD_BUILD_PACKAGES[@]}"
# shellcheck source=prelude.sh
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
here=$(dirname "${BASH_SOURCE[0]}")

start_nginx
printf '{"status":"ok"}\n' >"$nginx_dir/www/healthz.json"

# Members with a session each: joined and signed in through the API, two
# at a time (each costs two password hashes; more would only queue).
make_members() {
  local tokens=$1 password
  password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  export base password
  # shellcheck disable=SC2016  # expanded by the inner sh, from the exports
  seq 1 "$members" | xargs -P 2 -I{} sh -c '
    email="writer{}@example.com"
    curl -sS -o /dev/null -X POST -H "Content-Type: application/json" "$base/api/v1/members" \
      --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$password\",\"password_confirm\":\"$password\"}"
    curl -sS -X POST -H "Content-Type: application/json" "$base/api/v1/session" \
      --data "{\"email\":\"$email\",\"password\":\"$password\"}" | grep -o "\"token\":\"[^\"]*\"" | cut -d\" -f4
  ' >"$tokens"
  [[ $(wc -l <"$tokens") -eq $members ]] || fail "only $(wc -l <"$tokens") of $members members signed in" "$work/writes.log"
}

run_daemon() {
  start_memberd writes "sqlite:$work/writes/memberd.db" "[credentials, profile]" \
    --set "credentials.joins_per_network_per_hour=100000"
}

echo "== writes on SQLite, $(nproc) cores, ${duration} s a line"
run_daemon
say "making $members members with a session each"
make_members "$work/tokens"
reader=$(head -n 1 "$work/tokens")
export BENCH_TOKENS=$work/tokens

echo "-- nginx static file, 64 connections";               wrk_line "$nginx_base/healthz.json" 64
echo "-- GET /api/v1/me alone, 64 connections";            wrk_line "$base/api/v1/me" 64 -H "Authorization: Bearer $reader"
echo "-- PUT /api/v1/me/profile, 64 connections";           wrk_line "$base/api/v1/me/profile" 64 -s "$here/writes_put.lua"
echo "-- PUT /api/v1/me/profile, $members connections";     wrk_line "$base/api/v1/me/profile" "$members" -s "$here/writes_put.lua"
echo "-- GET /api/v1/me (8 connections) while 64 connections PUT"
wrk -t1 -c64 -d"$((duration + 2))s" -s "$here/writes_put.lua" "$base/api/v1/me/profile" >/dev/null &
writer=$!
sleep 1
wrk_line "$base/api/v1/me" 8 -H "Authorization: Bearer $reader"
wait "$writer"
echo "-- GET /api/v1/me (8 connections) alone"
wrk_line "$base/api/v1/me" 8 -H "Authorization: Bearer $reader"
stop_memberd

# The fsyncs: the same daemon and database under strace, one 64-connection run.
echo "-- fsyncs per PUT (64 connections, under strace)"
before=$(grep -c . "$work/tokens")
strace_out=$work/strace.txt
memberd_real=$memberd_bin
cat >"$work/traced-memberd" <<TRACED
#!/bin/sh
exec strace -f --seccomp-bpf -c -e trace=fsync,fdatasync -o "$strace_out" "$memberd_real" "\$@"
TRACED
chmod +x "$work/traced-memberd"
memberd_bin=$work/traced-memberd
run_daemon
out=$(wrk -t1 -c64 -d"${duration}s" -s "$here/writes_put.lua" "$base/api/v1/me/profile")
# strace detaches and lets its child run on if it is the one stopped: stop
# the daemon under it, and strace writes its count as it ends.
kill -TERM "$(pgrep -P "$pid" | head -n 1)" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
requests=$(awk '/requests in/ { print $1 }' <<<"$out")
fsyncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$strace_out")
awk -v r="$requests" -v f="$fsyncs" -v m="$before" \
  'BEGIN { printf "%d PUTs, %d fsync/fdatasync calls: %.3f a PUT (%d members)\n", r, f, (r ? f / r : 0), m }'
