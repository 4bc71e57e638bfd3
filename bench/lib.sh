# shellcheck shell=bash
# Sourced by bench/run.sh and bench/sign_ins.sh: a temporary directory and
# the processes started in it, stopped and removed on exit (even on Ctrl-C),
# and the small helpers both scripts use. Needs `say` defined first.

work=$(mktemp -d "${TMPDIR:-/tmp}/memberd-bench.XXXXXX")
started_pids=()
current_job=  # the wrk run in progress, if any

# Stops what this script started (by pid, nothing else), then removes the
# temporary directory. TERM first so memberd drains; KILL after 10 s.
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local pid i
  [[ -n $current_job ]] && kill -TERM "$current_job" 2>/dev/null
  for pid in "${started_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints the end of a log, then fails: the log is gone after cleanup.
fail() {
  local message=$1 log=${2:-}
  if [[ -n $log && -f $log ]]; then
    say "last lines of $(basename "$log"):"
    tail -n 30 "$log" >&2
  fi
  say "$message"
  exit 1
}

# wait_http URL PID LOG: polls until URL answers 200, for at most 30 s.
wait_http() {
  local url=$1 pid=$2 log=$3 i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || fail "process $pid exited during start" "$log"
    [[ $(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url" || true) == 200 ]] && return 0
    sleep 0.1
  done
  fail "$url not ready after 30 s" "$log"
}

# json_field NAME: the string or number value of "NAME" in the JSON on
# stdin. Good enough for the flat replies read here; no jq dependency.
json_field() {
  sed -n -e "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" \
    -e "t" -e "s/.*\"$1\"[[:space:]]*:[[:space:]]*\\([-0-9.eE+]*\\).*/\\1/p" | head -n 1
}

rss_kib() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
# ratio A B: A/B with two decimals, three when small (0.004 is not 0.00).
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (b <= 0) { print "-"; exit }
    r = a / b; printf (r < 0.1 ? "%.3f" : "%.2f"), r }'
}
