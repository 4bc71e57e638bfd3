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
# Warnings (on for every target) are errors here, so CI fails on a new one;
# a build/ that run.sh configures leaves them warnings (an operator's newer
# compiler may add some).
build_project -DMEMBERD_WARNINGS_AS_ERRORS=ON
# The fuzz targets, run by CTest (label fuzz) through scripts/fuzz.sh --smoke.
build_fuzzers

# A hung test must not hang CI: tests without their own TIMEOUT property get
# this one. stdin is closed so nothing can wait for a terminal.
rc=0
ctest --test-dir "$MEMBERD_BUILD_DIR" --output-on-failure -j2 \
  --timeout "${MEMBERD_TEST_TIMEOUT:-300}" </dev/null || rc=$?

# The unit, integration and plugin suites again, built with AddressSanitizer
# and UndefinedBehaviorSanitizer in a build directory of their own: a memory
# error or undefined behaviour anywhere (daemon, plugins, photo worker)
# fails its test. The browser suites and the out-of-tree SDK build are left
# out: they test the same code through Chromium and a compiler, not new
# paths; so are the fuzz targets, sanitized builds of their own already. MEMBERD_SKIP_SANITIZERS=1 skips this part.
if [[ ${MEMBERD_SKIP_SANITIZERS:-} != 1 ]]; then
  sanitize_started=$SECONDS
  # Warnings stay warnings in this build: with ASan's instrumentation GCC's
  # flow-based warnings (maybe-uninitialized, stringop-*) report code that
  # is fine, and the plain build above already holds every warning to zero.
  MEMBERD_BUILD_DIR=${MEMBERD_SANITIZE_BUILD_DIR:-$MEMBERD_REPO/build-sanitize} \
    build_project -DMEMBERD_SANITIZE=address,undefined -DMEMBERD_WARNINGS_AS_ERRORS=OFF
  # Leaks are not looked for: daemons the tests stop with SIGKILL, and
  # libraries' one-time allocations, would drown real findings.
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1 \
    UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "${MEMBERD_SANITIZE_BUILD_DIR:-$MEMBERD_REPO/build-sanitize}" --output-on-failure -j2 \
    -E '_e2e$|^e2e_|^sdk_out_of_tree$|^fuzz_' --timeout "${MEMBERD_TEST_TIMEOUT:-300}" </dev/null || rc=$?
  echo "test.sh: sanitizer build and run took $((SECONDS - sanitize_started)) s"
fi
exit "$rc"
