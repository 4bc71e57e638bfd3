#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests that run storage on both backends.
#
#   scripts/pg-fixture.sh start DIR   initdb (first time), start, create the
#                                     database memberd_test, write DIR/url
#   scripts/pg-fixture.sh stop DIR    pg_ctl stop -m fast; deletes nothing
#
# DIR/url then holds postgresql://postgres@127.0.0.1:PORT/memberd_test.
# `start` on a running fixture only rewrites DIR/url. The server listens on
# 127.0.0.1 only, with trust authentication and fsync off: it is for tests on
# this machine and nothing else. Remove DIR yourself when done.
#
# initdb and postgres refuse to run as root (CI runs as root), so as root
# they run as the `postgres` OS user; otherwise as the current user.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB_NAME=memberd_test

die() {
  echo "pg-fixture: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 64
}

(($# == 2)) || usage
command=$1
[[ $command == start || $command == stop ]] || usage
[[ -x $PG_BIN/postgres ]] || die "no PostgreSQL 15 in $PG_BIN (install postgresql-15)"

# Stopping a fixture that was never made is not an error.
[[ $command == stop && ! -d $2 ]] && exit 0
mkdir -p "$2"
dir=$(cd "$2" && pwd -P)

if ((EUID == 0)); then
  id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (install postgresql-15)"
  pg_user=postgres
  # From / because the caller's working directory (say /root) may be closed
  # to postgres, and initdb and pg_ctl look up their current directory.
  as_pg() { (cd / && runuser -u postgres -- "$@") 9>&-; }
else
  pg_user=$(id -un)
  as_pg() { "$@" 9>&-; }
fi

# Two test runs starting the same fixture at once must not both initdb.
# (as_pg closes fd 9: a postmaster inheriting it would hold the lock for
# its whole life.)
exec 9>"$dir/.lock"
flock -w 30 9 || die "timed out waiting for the lock on $dir"

# Where the cluster lives: DIR itself when postgres can reach it. As root,
# DIR may sit under a directory postgres cannot enter (a clone under /root):
# then use a directory in /tmp named after DIR, linked from DIR/data.
base=$dir
if ((EUID == 0)); then
  chmod a+x "$dir"
  if ! as_pg test -x "$dir"; then
    base=${TMPDIR:-/tmp}/memberd-pg-$(printf '%s' "$dir" | sha256sum | cut -c1-16)
    mkdir -p "$base"
    chmod 0755 "$base"
    [[ -L $dir/data ]] || ln -sfn "$base/data" "$dir/data"
  fi
fi
data=$base/data
sockets=$base/sockets
log=$base/postgres.log

running() {
  [[ -f $data/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1
}

if [[ $command == stop ]]; then
  if running; then
    as_pg "$PG_BIN/pg_ctl" stop -D "$data" -m fast -w -t 30 >/dev/null ||
      die "pg_ctl stop failed (log: $log)"
  fi
  exit 0
fi

# Line 4 of postmaster.pid is the port the running server listens on.
running_port() {
  sed -n 4p "$data/postmaster.pid"
}

write_url() {
  printf 'postgresql://postgres@127.0.0.1:%s/%s\n' "$1" "$DB_NAME" >"$dir/url.tmp"
  mv -f "$dir/url.tmp" "$dir/url"
}

if running; then
  write_url "$(running_port)"
  exit 0
fi

own_dir() {
  mkdir -p "$1"
  chown "$pg_user" "$1"
  chmod 0700 "$1"
}

if [[ ! -f $data/PG_VERSION ]]; then
  # A half-made cluster (initdb interrupted) cannot be reused: start over.
  rm -rf "$data"
  own_dir "$data"
  own_dir "$sockets"
  : >"$log"
  chown "$pg_user" "$log"
  # -N: no fsync of the new files; this cluster never outlives a test run.
  as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 \
    --locale=C -N >>"$log" 2>&1 || die "initdb failed (log: $log)"
  cat >>"$data/postgresql.conf" <<EOF

# memberd test fixture: local, fast, disposable.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

# The port is chosen at each start; another process may grab it between
# the check and postgres' bind, so retry a few times on a new one.
port=
for attempt in 1 2 3 4 5; do
  candidate=$(pick_free_port)
  if as_pg "$PG_BIN/pg_ctl" start -D "$data" -l "$log" -w -t 20 \
    -o "-p $candidate" >/dev/null 2>&1; then
    port=$candidate
    break
  fi
  if ! tail -n 20 "$log" | grep -q 'could not bind\|already in use'; then
    tail -n 20 "$log" >&2
    die "postgres did not start (attempt $attempt; log: $log)"
  fi
done
[[ -n $port ]] || die "postgres found no free port (log: $log)"

ready=
for _ in $(seq 100); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
    ready=1
    break
  fi
  sleep 0.1
done
[[ -n $ready ]] || die "postgres on port $port is not ready after 10 s (log: $log)"

psql_admin() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}
if [[ $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") != 1 ]]; then
  psql_admin -c "CREATE DATABASE $DB_NAME" >/dev/null
fi

write_url "$port"
