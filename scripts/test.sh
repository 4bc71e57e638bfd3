#!/usr/bin/env bash
# Installs what is missing, builds (tests are on by default) and runs the
# whole test suite (README command two; CI runs it through .ci/run).
# Works as root on a clean clone with no stdin; exits with ctest's status.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

started=$SECONDS
# shellcheck disable=SC2317  # invoked by the EXIT trap
report_time() {
  local rc=$?
  echo "test.sh: total wall time $((SECONDS - started)) s (exit $rc)"
}
trap report_time EXIT

# shellcheck source=packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

ensure_packages "${MEMBERD_BUILD_PACKAGES[@]}" "${MEMBERD_TEST_PACKAGES[@]}" "${MEMBERD_FUZZ_PACKAGES[@]}"
ensure_e2e_modules
# shellcheck disable=SC2119  # (no extra cmake args)
build_project
# The fuzz targets, run by CTest (label fuzz) through scripts/fuzz.sh --smoke.
build_fuzzers

# A hung test must not hang CI: tests without their own TIMEOUT property get
# this one. stdin is closed so nothing can wait for a terminal.
rc=0
ctest --test-dir "$MEMBERD_BUILD_DIR" --output-on-failure -j2 \
  --timeout "${MEMBERD_TEST_TIMEOUT:-300}" </dev/null || rc=$?
exit "$rc"
