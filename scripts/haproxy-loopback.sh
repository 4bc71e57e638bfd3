#!/usr/bin/env bash
# The shipped HAProxy configuration (etc/haproxy.cfg) on loopback, for a
# foreground HAProxy of a test or benchmark run: without syslog, the chroot
# and the switch to the haproxy user, listening on 127.0.0.1:LISTEN_PORT,
# with one server per daemon port. Written to FILE and checked by HAProxy.
#
#   scripts/haproxy-loopback.sh LISTEN_PORT FILE DAEMON_PORT...
#
# Used by bench/cluster.sh and tests/integration/rolling_restart_test.cpp,
# so both measure the configuration operators are given, not a copy.
set -euo pipefail

(($# >= 3)) || { echo "usage: $0 LISTEN_PORT FILE DAEMON_PORT..." >&2; exit 64; }
listen=$1 file=$2
shift 2
for port in "$listen" "$@"; do
  [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || { echo "haproxy-loopback: not a port: $port" >&2; exit 64; }
done
shipped=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)/etc/haproxy.cfg
{
  sed -e '/^    log \/dev\/log/d' -e '/^    chroot /d' -e '/^    user /d' -e '/^    group /d' \
    -e "s|^    bind :80|    bind 127.0.0.1:$listen|" -e '/^    server /d' "$shipped"
  n=0
  for port in "$@"; do
    n=$((n + 1))
    echo "    server d$n 127.0.0.1:$port check"
  done
} >"$file"
/usr/sbin/haproxy -c -q -f "$file" || { echo "haproxy-loopback: HAProxy refused $file" >&2; exit 1; }
