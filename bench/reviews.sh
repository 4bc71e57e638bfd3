#!/usr/bin/env bash
# The review queue at scale, on loopback (bench/README.md):
#   1. the admin's queue with BENCH_REVIEWS (100,000) pending profiles, on
#      SQLite and on PostgreSQL: the first page, the overdue filter, the
#      kind filter and the summary (one admin, p50/p99);
#   2. profile submissions per second (validation, supersede, insert,
#      history) from 4 members at once.
#
#   bench/reviews.sh                          build if needed, then measure
#   BENCH_REVIEWS=20000 bench/reviews.sh      a smaller queue
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

reviews=${BENCH_REVIEWS:-100000}
duration=${BENCH_DURATION:-5}
for var in reviews duration; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer" >&2; exit 64; }
done
say() { echo "bench: $*" >&2; }

ensure_packages wrk curl postgresql-15 "${MEMBERD_BUILD_PACKAGES[@]}"
# shellcheck source=prelude.sh
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
tool=$MEMBERD_BUILD_DIR/bench/memberd-bench-reviews

start_scratch_postgres
pg_bench_url=$(scratch_database bench)

password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
body='{"fields":{"company_name":"Ningbo Bright Lamps Co., Ltd.","contact_name":"Li Wei","business_type":"Manufacturer","country":"CN","phone":"010 1234 5678","website":"https://bright-lamps.example.com","time_zone":"Asia/Shanghai"}}'
lua=$work/submit.lua
cat >"$lua" <<LUA
-- Each connection submits as its own member (tokens from BENCH_TOKENS).
local tokens, n = {}, 0
for t in string.gmatch(os.getenv("BENCH_TOKENS"), "%S+") do tokens[#tokens + 1] = t end
function setup(thread) end
init = function() n = n + 1 end
request = function()
  n = n + 1
  local token = tokens[(n % #tokens) + 1]
  return wrk.format("PUT", nil, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, '$body')
end
LUA

for backend in sqlite postgresql; do
  url=$([[ $backend == sqlite ]] && echo "sqlite:$work/queue-sqlite/memberd.db" || echo "$pg_bench_url")
  start_memberd "queue-$backend" "$url" "[credentials, profile]"
  echo
  echo "== review queue, $backend, $reviews pending profiles"
  "$tool" fill "$url" "$reviews"
  token=$(admin_token)
  for query in "" "?overdue=true" "?kind=profile,photo" "?limit=500" "/summary"; do
    path=/api/v1/admin/reviews$query
    printf '%-46s %s\n' "${query:-(first page of 50)}" "$(wrk_line "$base$path" 1 -H "Authorization: Bearer $token")"
  done

  tokens=""
  for i in 1 2 3 4; do
    email=submitter-$i@example.com
    curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
      --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$password\",\"password_confirm\":\"$password\"}" \
      "$base/api/v1/members"
    tokens+="$(curl -sS -X POST -H 'Content-Type: application/json' \
      --data "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token) "
  done
  printf '%-46s %s\n' "PUT /api/v1/me/profile (4 members)" \
    "$(BENCH_TOKENS=$tokens wrk_line "$base/api/v1/me/profile" 4 -s "$lua")"
  stop_memberd
done
