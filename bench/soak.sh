#!/usr/bin/env bash
# A soak on loopback (bench/README.md): a bounded mixed load for
# BENCH_SOAK_SECONDS (600) from BENCH_SOAK_CONNECTIONS (32) connections —
# 80 % GET /api/v1/me, 10 % profile PUTs, 5 % sign-ins, 5 % photo uploads,
# by request count (bench/soak.lua) — while the daemon's RSS, its
# photo-workers' RSS, its descriptors and threads, the database's size and
# the answers by status are sampled every BENCH_SOAK_SAMPLE (10) seconds.
# Then a verdict: after a warm-up (the first 10 %), the second half of the
# samples against the first; RSS, descriptors or threads growing beyond a
# tolerance, or any error, fail the run.
#
#   bench/soak.sh                                 build if needed, soak 10 min
#   BENCH_SOAK_SECONDS=120 bench/soak.sh          a short one
#   BENCH_BACKEND=postgresql bench/soak.sh        on a scratch PostgreSQL 15
#
# Exit status: 0 flat, 1 GROWS or errors (or the daemon died), 3 too few
# samples after the warm-up to judge, 64 a bad variable.
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

seconds=${BENCH_SOAK_SECONDS:-600}
connections=${BENCH_SOAK_CONNECTIONS:-32}
interval=${BENCH_SOAK_SAMPLE:-10}
members=${BENCH_SOAK_MEMBERS:-64}
tolerance=${BENCH_SOAK_TOLERANCE:-5}
photo_size=${BENCH_SOAK_PHOTO:-640x480}
backend=${BENCH_BACKEND:-sqlite}
for var in seconds connections interval members tolerance; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer, got '${!var}'" >&2; exit 64; }
done
[[ $photo_size =~ ^([1-9][0-9]*)x([1-9][0-9]*)$ ]] || { echo "bench: BENCH_SOAK_PHOTO must be WxH, got '$photo_size'" >&2; exit 64; }
[[ $backend == sqlite || $backend == postgresql ]] || { echo "bench: BENCH_BACKEND must be sqlite or postgresql" >&2; exit 64; }
((interval < seconds)) || { echo "bench: BENCH_SOAK_SAMPLE must be shorter than BENCH_SOAK_SECONDS" >&2; exit 64; }
# Extra daemon settings, e.g. BENCH_SOAK_SET='profile.review_window=1h photo.queue=16'.
read -r -a extra_settings <<<"${BENCH_SOAK_SET:-}"
wrk_threads=$((connections < 2 ? connections : 2))
say() { echo "bench: $*" >&2; }

packages=(wrk curl sqlite3 "${MEMBERD_BUILD_PACKAGES[@]}")
[[ $backend == postgresql ]] && packages+=(postgresql-15)
ensure_packages "${packages[@]}"
# shellcheck source=prelude.sh
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
tool=$MEMBERD_BUILD_DIR/bench/memberd-bench-photo

if [[ $backend == postgresql ]]; then
  start_scratch_postgres
  db_url=$(scratch_database soak)
  db_name=${db_url##*/}
else
  db_url=sqlite:$work/soak/memberd.db
fi

photo=$work/photo.jpg
"$tool" jpeg "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "$photo" >/dev/null
# The shipped plugins. Successful sign-ins count toward no limit (only
# failures do, per network and per account), but joins do: 20 per network
# an hour, and every member here joins from 127.0.0.1.
settings=(--set "credentials.joins_per_network_per_hour=$((members + 20))")
for setting in "${extra_settings[@]}"; do settings+=(--set "$setting"); done
start_memberd soak "$db_url" "[credentials, profile, photo, security_level, email_service]" "${settings[@]}"
socket=$work/soak/memberd.sock

# --- the members: join and sign in, one token each ------------------------------

password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
members_file=$work/members
: >"$members_file"
say "joining and signing in $members members"
for ((i = 1; i <= members; i++)); do
  email=soak-$i@example.com
  code=$(curl -sS -o "$work/join.out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$password\",\"password_confirm\":\"$password\"}" \
    "$base/api/v1/members")
  [[ $code == 201 ]] || fail "join of $email answered $code: $(cat "$work/join.out")" "$work/soak.log"
  token=$(curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token)
  [[ -n $token ]] || fail "sign-in of $email gave no token" "$work/soak.log"
  printf '%s %s\n' "$email" "$token" >>"$members_file"
done
# One of each request by hand first: the load must not measure 4xx.
token=$(awk 'NR == 1 { print $2 }' "$members_file")
check() {
  local want=$1 code
  shift
  code=$(curl -sS -o "$work/check.out" -w '%{http_code}' -H "Authorization: Bearer $token" "$@")
  [[ $code == "$want" ]] || fail "$* answered $code, not $want: $(head -c 400 "$work/check.out")" "$work/soak.log"
}
check 200 "$base/api/v1/me"
check 202 -X PUT -H 'Content-Type: application/json' "$base/api/v1/me/profile" --data \
  '{"fields":{"company_name":"Ningbo Bright Lamps Co., Ltd.","contact_name":"Li Wei","business_type":"Manufacturer","country":"CN","phone":"010 1234 5678","website":"https://bright-lamps.example.com","time_zone":"Asia/Shanghai"}}'
check 202 -X PUT -H 'Content-Type: image/jpeg' --data-binary "@$photo" "$base/api/v1/me/photo"

# --- sampling ---------------------------------------------------------------------

# metrics: per kind of request, "KIND ok refused errors other" from the
# daemon's own counters (memberd_http_requests_total by route and status),
# read through the Unix socket, where the caller is an operator.
metrics() {
  curl -sS --max-time 5 --unix-socket "$socket" http://memberd/metrics | awk '
    /^memberd_http_requests_total\{/ {
      method = route = status = ""
      if (match($0, /method="[^"]*"/)) method = substr($0, RSTART + 8, RLENGTH - 9)
      if (match($0, /route="[^"]*"/)) route = substr($0, RSTART + 7, RLENGTH - 8)
      if (match($0, /status="[^"]*"/)) status = substr($0, RSTART + 8, RLENGTH - 9) + 0
      kind = method " " route
      if (kind == "GET /api/v1/me") kind = "me"
      else if (kind == "PUT /api/v1/me/profile") kind = "profile"
      else if (kind == "POST /api/v1/session") kind = "signin"
      else if (kind == "PUT /api/v1/me/photo") kind = "photo"
      else next
      n = $NF + 0
      if (status >= 200 && status < 300) ok[kind] += n
      else if (status == 429 || status == 503) refused[kind] += n
      else if (status >= 500) errors[kind] += n
      else other[kind] += n
    }
    END {
      split("me profile signin photo", kinds, " ")
      for (i = 1; i <= 4; i++) { k = kinds[i]; printf "%s %d %d %d %d\n", k, ok[k], refused[k], errors[k], other[k] }
    }'
}

db_bytes() {
  if [[ $backend == postgresql ]]; then
    psql -Atq "$pg_admin" -c "SELECT pg_database_size('$db_name')"
  else
    local total=0 file
    for file in "$work/soak/memberd.db" "$work/soak/memberd.db-wal"; do
      [[ -f $file ]] && total=$((total + $(stat -c %s "$file")))
    done
    echo "$total"
  fi
}

# The daemon's children are its photo-workers (plugins/photo/README.md):
# sets worker_count and worker_kib (their RSS together) and remembers
# every pid seen, so that a replaced worker shows in the summary.
declare -A workers_seen=()
workers() {
  local child children=() rss
  worker_count=0 worker_kib=0
  mapfile -t children < <(photo_workers "$pid")
  for child in "${children[@]}"; do
    [[ -n $child ]] || continue
    rss=$(rss_kib "$child" VmRSS 2>/dev/null || true)
    [[ -n $rss ]] || continue
    worker_count=$((worker_count + 1))
    worker_kib=$((worker_kib + rss))
    workers_seen[$child]=1
  done
}

# sample T: one line of $work/samples, "t rss_kib workers workers_kib fds
# threads db_bytes requests writes refused errors", and its table row.
samples=$work/samples
: >"$samples"
previous_requests=0
previous_t=0
sample() {
  local t=$1 label=${2:-} fds rss threads db requests writes refused errors
  kill -0 "$pid" 2>/dev/null || fail "memberd exited during the soak" "$work/soak.log"
  local fd_list=(/proc/"$pid"/fd/*)
  fds=${#fd_list[@]}
  rss=$(rss_kib "$pid" VmRSS)
  threads=$(rss_kib "$pid" Threads)
  workers
  db=$(db_bytes)
  read -r requests writes refused errors < <(metrics | awk '
    { requests += $2 + $3 + $4 + $5; refused += $3; errors += $4 }
    $1 == "profile" || $1 == "photo" { writes += $2 }
    END { print requests + 0, writes + 0, refused + 0, errors + 0 }')
  local rate=-
  if [[ -z $label ]]; then
    echo "$t $rss $worker_count $worker_kib $fds $threads $db $requests $writes $refused $errors" >>"$samples"
    rate=$(awk -v a="$previous_requests" -v b="$requests" -v s="$previous_t" -v e="$t" \
      'BEGIN { printf "%.0f", (b - a) / (e - s) }')
  fi
  previous_requests=$requests
  previous_t=$t
  printf '%7s %7s %8s %7s %9s %12s %5s %8s %9s\n' "${label:-$t}" "$rate" "$refused" "$errors" \
    "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "$worker_count / $(awk -v k="$worker_kib" 'BEGIN { printf "%.1f", k / 1024 }')" "$fds" "$threads" \
    "$(awk -v b="$db" 'BEGIN { printf "%.2f", b / 1048576 }')"
}

# table_rows: "table rows bytes" for every table, indexes counted with their table.
table_rows() {
  if [[ $backend == postgresql ]]; then
    psql -Atq -F ' ' "$db_url" -c "
      SELECT c.relname,
             (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text,
             pg_total_relation_size(c.oid)
      FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
      WHERE c.relkind = 'r' AND s.nspname = 'public' ORDER BY 1"
  else
    local db=$work/soak/memberd.db query="" name
    for name in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"); do
      query+="SELECT '$name', (SELECT count(*) FROM \"$name\"), (SELECT coalesce(sum(d.pgsize), 0) FROM dbstat d JOIN sqlite_master m ON m.name = d.name WHERE m.tbl_name = '$name');"
    done
    sqlite3 -separator ' ' "$db" "$query"
  fi
}

# --- the soak ---------------------------------------------------------------------

echo
echo "== soak: $seconds s, $connections connections (wrk -t$wrk_threads), $members members, $backend," \
  "a $(du -k "$photo" | cut -f1) KiB ${photo_size} JPEG, sampled every $interval s, $(date -u '+%F %H:%M UTC')"
echo "   80 % GET /api/v1/me, 10 % PUT /api/v1/me/profile, 5 % POST /api/v1/session, 5 % PUT /api/v1/me/photo"
((${#extra_settings[@]} > 0)) && echo "   settings: ${extra_settings[*]}"
printf '%7s %7s %8s %7s %9s %12s %5s %8s %9s\n' "t (s)" "req/s" "refused" "errors" "RSS MiB" "workers MiB" "fds" "threads" "db MiB"
sleep 2
table_rows >"$work/tables.before"
metrics >"$work/metrics.before"
sample 0 "idle"

result=$work/wrk.result
BENCH_SOAK_MEMBERS=$members_file BENCH_SOAK_PASSWORD=$password BENCH_SOAK_PHOTO=$photo BENCH_SOAK_RESULT=$result \
  wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --timeout 30s -s "$MEMBERD_REPO/bench/soak.lua" "$base" \
  >"$work/wrk.out" 2>&1 &
current_job=$!
started=$(date +%s.%N)
previous_t=0
for ((k = 1; k * interval < seconds; k++)); do
  delay=$(awk -v s="$started" -v k="$k" -v i="$interval" -v now="$(date +%s.%N)" 'BEGIN { d = s + k * i - now; print (d > 0 ? d : 0) }')
  sleep "$delay"
  sample $((k * interval))
done
wait "$current_job" || fail "wrk failed: $(cat "$work/wrk.out")"
current_job=
[[ -s $result ]] || fail "wrk wrote no counts: $(cat "$work/wrk.out")"
sleep 3
sample "$seconds" "idle"
metrics >"$work/metrics.after"
table_rows >"$work/tables.after"
stop_memberd

# --- the summary and the verdict -------------------------------------------------

echo
echo "== requests, by kind (the daemon's counters; refused = 429/503 with Retry-After)"
duration_s=$(awk '$1 == "duration_us" { printf "%.3f", $2 / 1e6 }' "$result")
join -j1 <(sort "$work/metrics.before") <(sort "$work/metrics.after") | awk -v d="$duration_s" '
  BEGIN { order["me"] = 1; order["profile"] = 2; order["signin"] = 3; order["photo"] = 4
          name["me"] = "GET /api/v1/me"; name["profile"] = "PUT /api/v1/me/profile"
          name["signin"] = "POST /api/v1/session"; name["photo"] = "PUT /api/v1/me/photo" }
  { ok = $6 - $2; refused = $7 - $3; errors = $8 - $4; other = $9 - $5
    row[order[$1]] = sprintf("%-24s %9d %8.1f %8d %7d %7d", name[$1], ok, ok / d, refused, errors, other)
    t_ok += ok; t_refused += refused; t_errors += errors; t_other += other }
  END {
    printf "%-24s %9s %8s %8s %7s %7s\n", "kind", "2xx", "2xx/s", "refused", "5xx", "other"
    for (i = 1; i <= 4; i++) print row[i]
    printf "%-24s %9d %8.1f %8d %7d %7d\n", "all", t_ok, t_ok / d, t_refused, t_errors, t_other }'

echo
echo "== answers seen by wrk"
awk '
  $1 == "status" { s = s sprintf(" %s: %d", $2, $3) }
  $1 == "problem" { p = p sprintf(" %s %s: %d", $2, $3, $4) }
  $1 == "sent" { sent[$2] = $3 }
  $1 == "socket" { sock = sock sprintf(" %s %d", $2, $3) }
  $1 == "latency" { lat[$2] = $3 / 1000 }
  $1 == "no_retry_after" { nra = $2 }
  $1 == "requests" { n = $2 } $1 == "duration_us" { d = $2 / 1e6 }
  END {
    printf "%d answers in %.1f s (%.1f/s); sent: me %d, profile %d, signin %d, photo %d\n", n, d, n / d, sent["me"], sent["profile"], sent["signin"], sent["photo"]
    printf "statuses:%s\n", s
    if (p != "") printf "not 2xx:%s\n", p
    printf "socket errors:%s; 429/503 without Retry-After: %d\n", sock, nra
    printf "latency (all kinds): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", lat["p50"], lat["p99"], lat["max"] }' "$result"
# Errors: anything not 2xx and not a refusal with Retry-After, and socket errors.
errors=$(awk '
  $1 == "status" && !($2 >= 200 && $2 < 300) && $2 != 429 && $2 != 503 { e += $3 }
  $1 == "no_retry_after" || $1 == "socket" { e += $NF }
  END { print e + 0 }' "$result")
refused=$(awk '$1 == "status" && ($2 == 429 || $2 == 503) { r += $3 } END { print r + 0 }' "$result")

echo
echo "== database: rows and bytes by table, before and after the load"
profile_puts=$(join -j1 <(sort "$work/metrics.before") <(sort "$work/metrics.after") | awk '$1 == "profile" { print $6 - $2 }')
photos=$(join -j1 <(sort "$work/metrics.before") <(sort "$work/metrics.after") | awk '$1 == "photo" { print $6 - $2 }')
sign_ins=$(join -j1 <(sort "$work/metrics.before") <(sort "$work/metrics.after") | awk '$1 == "signin" { print $6 - $2 }')
join -j1 <(sort "$work/tables.before") <(sort "$work/tables.after") | awk -v w=$((profile_puts + photos)) '
  BEGIN { printf "%-28s %10s %10s %12s %10s\n", "table (grown only)", "rows", "+rows", "+bytes", "rows/write" }
  $4 != $2 || $5 != $3 {
    printf "%-28s %10d %10d %12d %10.2f\n", $1, $4, $4 - $2, $5 - $3, w ? ($4 - $2) / w : 0 }'
if [[ $backend == postgresql ]]; then
  # Deleted and updated rows (a replaced photo's renditions, with their
  # TOAST) keep their space until autovacuum marks it reusable.
  psql -Atq -F ' ' "$db_url" -c "
    SELECT t.relname, t.n_dead_tup + coalesce(toast.n_dead_tup, 0)
    FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
    LEFT JOIN pg_stat_all_tables toast ON toast.relid = c.reltoastrelid
    WHERE t.n_dead_tup + coalesce(toast.n_dead_tup, 0) > 0 ORDER BY 2 DESC" |
    awk '{ d = d sprintf(" %s %d,", $1, $2) } END { if (d != "") print "dead rows not yet vacuumed (TOAST included):" substr(d, 1, length(d) - 1) }'
fi
review_rows=$(join -j1 <(sort "$work/tables.before") <(sort "$work/tables.after") | awk '$1 == "review_items" { print $4 - $2 }')

# The verdict over the load samples after the warm-up: medians of the first
# and second halves. Floors keep noise (an allocator arena, a reconnecting
# wrk connection, a worker replaced) from reading as growth.
warmup=$(((seconds + 9) / 10))
echo
echo "== verdict: samples after the first $warmup s, first half against second half (medians; tolerance $tolerance %)"
verdict=$(awk -v warmup="$warmup" -v tol="$tolerance" '
  function median(col, from, to,   i, n, v, j, x) {
    n = 0
    for (i = from; i <= to; i++) v[++n] = s[i, col]
    for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  $1 >= warmup { n++; for (c = 1; c <= NF; c++) s[n, c] = $c }
  END {
    if (n < 4) { printf "too short: %d samples after the warm-up, 4 needed\n", n; print "VERDICT too_short"; exit }
    half = int(n / 2)
    split("2 4 5 6", cols, " "); split("daemon RSS MiB|workers RSS MiB|descriptors|threads", names, "|")
    split("4096 6144 8 4", floors, " "); split("1024 1024 1 1", scale, " ")
    # The halves lie this many hours apart (their middles): growth an hour.
    hours = (median(1, n - half + 1, n) - median(1, 1, half)) / 3600
    grows = 0
    for (i = 1; i <= 4; i++) {
      a = median(cols[i], 1, half); b = median(cols[i], n - half + 1, n)
      limit = a * tol / 100; if (limit < floors[i]) limit = floors[i]
      bad = b - a > limit
      grows += bad
      k = scale[i]
      printf "%-16s %8.1f -> %8.1f  (%+.1f, limit +%.1f; %+.1f an hour at this rate)  %s\n", names[i], a / k, b / k,
        (b - a) / k, limit / k, (b - a) / k / hours, bad ? "GROWS" : "flat"
    }
    # Bytes per write between the first sample after the warm-up and the last.
    dw = s[n, 9] - s[1, 9]; db = s[n, 7] - s[1, 7]
    if (dw > 0) printf "database: %+.2f MiB over %d writes (profile PUTs + photos) from t=%d to t=%d: %.0f bytes a write\n", db / 1048576, dw, s[1, 1], s[n, 1], db / dw
    print "VERDICT " (grows ? "grows" : "flat") }' "$samples")
grep -v '^VERDICT' <<<"$verdict"
state=$(awk '/^VERDICT/ { print $2 }' <<<"$verdict")

echo
echo "== summary"
awk -v d="$duration_s" -v e="$errors" -v r="$refused" '$1 == "requests" { printf "requests: %d in %.0f s (%.1f/s), errors %d, refused %d\n", $2, d, $2 / d, e, r }' "$result"
awk 'NR == 1 { f = $0 } { l = $0 } END {
  split(f, a, " "); split(l, b, " ")
  printf "daemon RSS %.1f -> %.1f MiB, workers %d / %.1f MiB -> %d / %.1f MiB, fds %d -> %d, threads %d -> %d (first -> last load sample)\n",
    a[2] / 1024, b[2] / 1024, a[3], a[4] / 1024, b[3], b[4] / 1024, a[5], b[5], a[6], b[6] }' "$samples"
echo "photo-workers: ${#workers_seen[@]} processes seen in all (one at start, one more on demand; a worker is replaced when it crashes, hangs or nears its CPU-time limit)"
echo "writes: $profile_puts profile PUTs, $photos photos, $sign_ins sign-ins; review_items +${review_rows:-0} rows for $members members" \
  "$( ((${review_rows:-0} > 2 * members)) && echo "(superseded revisions are kept: at most $((2 * members)) can be pending)" || echo "(no more than one pending per member and kind)")"
exit_code=0
case $state in
  flat) verdict_text=flat ;;
  grows) verdict_text=GROWS exit_code=1 ;;
  *) verdict_text="too short to judge" exit_code=3 ;;
esac
if ((errors > 0)); then
  verdict_text+=", $errors errors"
  exit_code=1
fi
echo "verdict: $verdict_text"
exit "$exit_code"
