#!/usr/bin/env bash
# Closing accounts at scale, on loopback (issue 32; bench/README.md):
#   1. BENCH_MEMBERS members (10,000), each with a photo (three renditions),
#      a published profile, 100 sign-in records and three email choices,
#      fall due for closure at once: how long until every one is erased
#      (each plugin's part, then the core's), and GET /api/v1/me's p99 for
#      another member meanwhile, beside the same run without the closures;
#   2. "Download my data" for one such account: time and size.
#
#   bench/closure.sh                        build if needed, then measure
#   BENCH_MEMBERS=2000 bench/closure.sh     fewer accounts
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

members=${BENCH_MEMBERS:-10000}
duration=${BENCH_DURATION:-5}
for var in members duration; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer" >&2; exit 64; }
done
say() { echo "bench: $*" >&2; }

ensure_packages wrk curl "${MEMBERD_BUILD_PACKAGES[@]}"
# shellcheck source=prelude.sh
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
tool=$MEMBERD_BUILD_DIR/bench/memberd-bench-closure

MEMBERD_TWO_STEP_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export MEMBERD_TWO_STEP_KEY
db=sqlite:$work/closure/memberd.db
echo "== closing $members accounts (photo, profile, 100 sign-ins, 3 email choices each), SQLite, $(nproc) cores"
start_memberd closure "$db" "[credentials, photo, profile, security_level, email_service, two_step]" \
  --set "retention.interval=1s" --set "accounts.exports_per_day=100" --set "two_step.secret_key_file=" \
  --set "credentials.joins_per_network_per_hour=1000"

# The reader: a member of their own, signed in, whose /api/v1/me is timed;
# confirmed, with a question and a step-up, so that they may download.
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
reader=bench-reader@example.com
call() { curl -sS -X "$1" -H 'Content-Type: application/json' "${@:3}" "$base$2"; }
call POST /api/v1/members --data "{\"email\":\"$reader\",\"email_confirm\":\"$reader\",\"password\":\"$password\",\"password_confirm\":\"$password\"}" >/dev/null
confirm=""
for _ in $(seq 1 100); do
  confirm=$(grep -rhoa 'confirm-email?token=[A-Za-z0-9_-]*' "$work/closure/mail" 2>/dev/null | head -n 1 | cut -d= -f2 || true)
  [[ -n $confirm ]] && break
  sleep 0.1
done
[[ -n $confirm ]] || fail "no confirmation mail" "$work/closure.log"
call POST "/api/v1/email-confirmations/$confirm" >/dev/null
token=$(call POST /api/v1/session --data "{\"email\":\"$reader\",\"password\":\"$password\"}" | json_field token)
member_id=$(call GET /api/v1/me -H "Authorization: Bearer $token" | json_field member_id)
question=$(call GET /api/v1/security-questions | json_field id)
token=$(call PUT /api/v1/me/security-question -H "Authorization: Bearer $token" \
  --data "{\"question_id\":\"$question\",\"answer\":\"Grandma Ruth\",\"current_password\":\"$password\"}" | json_field token)
[[ -n $token ]] || fail "the reader has no session" "$work/closure.log"

"$tool" seed "$db" "$members" $(( $(date +%s) + 86400 ))
echo "-- GET /api/v1/me (4 connections, ${duration} s): no closure due"
wrk_line "$base/api/v1/me" 4 -H "Authorization: Bearer $token"

"$tool" due "$db"
started=$(date +%s.%N)
echo "-- GET /api/v1/me (4 connections, ${duration} s a line) while the $members accounts close"
left=$members
while (( left > 0 )); do
  wrk_line "$base/api/v1/me" 4 -H "Authorization: Bearer $token"
  left=$("$tool" count "$db")
  say "$left accounts left"
done
finished=$(date +%s.%N)
awk -v a="$started" -v b="$finished" -v n="$members" \
  'BEGIN { printf "closed %d accounts in %.1f s: %.0f accounts/s\n", n, b - a, n / (b - a) }'

echo "-- Download my data: one account with the same data"
"$tool" data "$db" "$member_id"
# The step-up again: the closures may have outlasted its window.
token=$(call POST /api/v1/me/step-up -H "Authorization: Bearer $token" \
  --data "{\"current_password\":\"$password\",\"answer\":\"Grandma Ruth\"}" | json_field token)
for _ in 1 2 3; do
  curl -sS -o "$work/export.tar" -w '%{http_code} %{time_total} s %{size_download} bytes\n' -X POST \
    -H "Authorization: Bearer $token" "$base/api/v1/me/data-export"
done
stop_memberd
