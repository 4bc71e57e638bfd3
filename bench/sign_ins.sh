#!/usr/bin/env bash
# The security_level plugin at scale, on loopback (bench/README.md):
#   1. GeoIP lookups per second through the host's Geo service;
#   2. what recording costs a sign-in: a sign-in flood with and without the
#      plugin, and how soon after it every sign-in is recorded;
#   3. the admin's sign-in query on BENCH_RECORDS records (1,000,000) on
#      SQLite and on PostgreSQL: each filter's latency (one admin, p50/p99)
#      and its query plan.
#
#   bench/sign_ins.sh                          build if needed, then measure
#   BENCH_RECORDS=200000 bench/sign_ins.sh     a smaller table
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

records=${BENCH_RECORDS:-1000000}
members=${BENCH_MEMBERS:-5000}
duration=${BENCH_DURATION:-5}
for var in records members duration; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer" >&2; exit 64; }
done
say() { echo "bench: $*" >&2; }

ensure_packages wrk curl postgresql-15 "${MEMBERD_BUILD_PACKAGES[@]}"
say "building (log: $MEMBERD_BUILD_DIR/build.log)"
# shellcheck disable=SC2119
build_project
memberd_bin=$MEMBERD_BUILD_DIR/daemon/memberd
tool=$MEMBERD_BUILD_DIR/bench/memberd-bench-sign-ins
geo=$MEMBERD_REPO/tests/data/geoip

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
admin_email=bench-admin@memberd.local
admin_password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')

# start_memberd, stop_memberd, admin_token, wrk_line.
# shellcheck source=daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"

# --- 1. GeoIP lookups ----------------------------------------------------------
echo "== GeoIP lookups (City + Anonymous IP test databases, one thread)"
"$tool" geo "$geo/GeoIP2-City-Test.mmdb" "$geo/GeoIP2-Anonymous-IP-Test.mmdb" 2000000

# --- 2. what recording costs a sign-in -----------------------------------------
echo
echo "== sign-in flood (4 connections, ${duration} s, 20 members) without and with security_level"
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
for plugins in "[credentials]" "[credentials, security_level]"; do
  name=flood-$([[ $plugins == *security_level* ]] && echo with || echo without)
  start_memberd "$name" "sqlite:$work/$name/memberd.db" "$plugins" \
    --set "geo.city_db=$geo/GeoIP2-City-Test.mmdb" --set "geo.anonymous_db=$geo/GeoIP2-Anonymous-IP-Test.mmdb" \
    --set "credentials.joins_per_network_per_hour=1000" --set "credentials.address_failures_per_minute=100000"
  emails=""
  for i in $(seq 1 20); do
    email=flood-$i@example.com
    curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
      --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$password\",\"password_confirm\":\"$password\"}" \
      "$base/api/v1/members"
    emails+="$email "
  done
  line=$(BENCH_SIGNIN_EMAILS=$emails BENCH_SIGNIN_PASSWORD=$password \
    wrk_line "$base/api/v1/session" 4 -s "$MEMBERD_REPO/bench/signin.lua")
  printf '%-40s %s\n' "$plugins" "$line"
  if [[ $plugins == *security_level* ]]; then
    token=$(admin_token)
    # How long after the flood every sign-in is on record.
    flood_end=$(date +%s%N)
    expected=$(curl -s -H "Authorization: Bearer $token" "$base/metrics" |
      awk '/^memberd_credentials_sign_ins_total/ { print $2 }' | head -n1)
    for ((i = 0; i < 600; i++)); do
      recorded=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/admin/sign-ins/summary?bucket=hour" |
        grep -o '"success":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }')
      # +1: the admin's own sign-in above.
      [[ -n $expected && -n $recorded && $recorded -ge $((${expected%.*} + 1)) ]] && break
      sleep 0.05
    done
    printf '%-40s %s sign-ins on record %s ms after the flood ended\n' "" "$recorded" \
      "$((($(date +%s%N) - flood_end) / 1000000))"
  fi
  stop_memberd
done

# --- 3. the admin's query on a large table --------------------------------------
start_scratch_postgres
pg_bench_url=$(scratch_database bench)

for backend in sqlite postgresql; do
  url=$([[ $backend == sqlite ]] && echo "sqlite:$work/large/memberd.db" || echo "$pg_bench_url")
  start_memberd "large-$backend" "$url" "[credentials, security_level]"
  mkdir -p "$work/large"
  echo
  echo "== admin sign-in query, $backend, $records records"
  "$tool" fill "$url" "$records" "$members"
  token=$(admin_token)
  for query in "" "?member_id=bench-member-7" "?ip=10.7.0.7" "?ip=10.7.0.0/16" "?country=JP" \
    "?country=JP&outcome=failure" "?anonymous=true" "?outcome=failure&since=$(date -u -d '-10 days' +%FT%TZ)" \
    "?email=bench-admin@memberd.local"; do
    printf '%-46s %s\n' "${query:-(newest)}" \
      "$(wrk_line "$base/api/v1/admin/sign-ins$query" 1 -H "Authorization: Bearer $token")"
  done
  echo "-- query plans"
  "$tool" explain "$url" bench-member-7
  stop_memberd
done
