#!/usr/bin/env bash
# Two-step verification at speed, on loopback (bench/README.md): password
# sign-ins (Argon2id) beside TOTP second steps and passkey sign-ins in the
# same run, and what two-step adds to a password sign-in (p50/p99).
#
#   bench/two_step.sh                              build if needed, then measure
#   BENCH_MEMBERS=200 BENCH_DURATION=10 bench/two_step.sh
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

members=${BENCH_MEMBERS:-100}
duration=${BENCH_DURATION:-5}
threads=${BENCH_THREADS:-4}
for var in members duration threads; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer" >&2; exit 64; }
done
say() { echo "bench: $*" >&2; }

ensure_packages curl "${MEMBERD_BUILD_PACKAGES[@]}"
say "building (log: $MEMBERD_BUILD_DIR/build.log)"
# shellcheck disable=SC2119
build_project
memberd_bin=$MEMBERD_BUILD_DIR/daemon/memberd
tool=$MEMBERD_BUILD_DIR/bench/memberd-bench-two-step

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
admin_email=bench-admin@memberd.local
admin_password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
# shellcheck source=daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"

MEMBERD_TWO_STEP_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export MEMBERD_TWO_STEP_KEY
echo "== two-step verification: $members members, ${duration} s a flow, $threads client threads, SQLite, $(nproc) cores"
start_memberd two-step "sqlite:$work/two-step/memberd.db" "[credentials, two_step]" \
  --set "http.public_url=https://bench.example" --set "two_step.secret_key_file=" \
  --set "credentials.joins_per_network_per_hour=100000" --set "credentials.address_failures_per_minute=100000" \
  --set "sign_in.lock_after_failures=100" --set "two_step.passkey_sign_ins_per_network_per_minute=100000"
"$tool" "$base" "$members" "$duration" "$threads"
stop_memberd
