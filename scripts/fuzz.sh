#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang, build-fuzz/) and runs them.
#
#   scripts/fuzz.sh [target...]          each target for MEMBERD_FUZZ_SECONDS (600) in turn
#   scripts/fuzz.sh --seconds 60 config  a shorter long run of one target
#   scripts/fuzz.sh --merge ...          then merge new inputs that add coverage into
#                                        tests/fuzz/corpus/<target>/ (minimised by libFuzzer)
#   scripts/fuzz.sh --smoke [target...]  each target over its corpus, then for
#                                        MEMBERD_FUZZ_SMOKE_SECONDS (10) more: what the
#                                        test command runs (one CTest test per target)
#   --no-build                           use build-fuzz/ as it is (CTest passes it)
#
# New inputs go to a scratch copy, never into the repository unless --merge
# asks. Exits non-zero when any target crashes, leaks, times out or runs out
# of memory, naming the reproducer; prints each target's executions at the
# end. Reproduce a finding with: build-fuzz/<target>_fuzz <file>
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

smoke=0 merge=0 build=1 seconds=
targets=()
while (($#)); do
  case $1 in
    --smoke) smoke=1 ;;
    --merge) merge=1 ;;
    --no-build) build=0 ;;
    --seconds)
      seconds=${2:?--seconds needs a number}
      shift
      ;;
    -h | --help)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "fuzz.sh: unknown option $1" >&2
      exit 2
      ;;
    *) targets+=("$1") ;;
  esac
  shift
done
if [[ -z $seconds ]]; then
  if ((smoke)); then seconds=${MEMBERD_FUZZ_SMOKE_SECONDS:-10}; else seconds=${MEMBERD_FUZZ_SECONDS:-600}; fi
fi

fuzz_dir=$MEMBERD_REPO/tests/fuzz
if ((${#targets[@]} == 0)); then
  for source in "$fuzz_dir"/*_fuzz.cpp; do
    name=$(basename "$source" _fuzz.cpp)
    targets+=("$name")
  done
fi

if ((build)); then
  ensure_packages "${MEMBERD_BUILD_PACKAGES[@]}" "${MEMBERD_FUZZ_PACKAGES[@]}"
  build_fuzzers
fi

# libFuzzer's options for each target: one input may take 10 s; HTTP
# inputs may pass the 8 KiB header limit.
options_for() {
  local common=(-timeout=10 -rss_limit_mb=0)
  case $1 in
    http_request) echo "${common[*]} -max_len=12288" ;;
    multipart_form) echo "${common[*]} -max_len=20000" ;;
    *) echo "${common[*]}" ;;
  esac
}

# Memory is capped by ASan, not by libFuzzer's -rss_limit_mb (off above):
# at that limit libFuzzer first prints a heap profile, which on a heap of
# millions of yaml-cpp nodes ran for more than 8 minutes before it wrote
# the input. ASan's hard limit stops at once and leaves a crash file. The
# config loader gets less: input that makes it grow without bound (issue
# 26, F2) must be a finding in seconds, not fill the machine.
asan_options_for() {
  local limit=2048
  [[ $1 == config ]] && limit=1024
  echo "hard_rss_limit_mb=$limit:${ASAN_OPTIONS:-}"
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/memberd-fuzz.XXXXXX")
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT
artifacts=$MEMBERD_FUZZ_BUILD_DIR/artifacts
mkdir -p "$artifacts"

failed=()
report=()
for target in "${targets[@]}"; do
  fuzzer=$MEMBERD_FUZZ_BUILD_DIR/${target}_fuzz
  corpus=$fuzz_dir/corpus/$target
  if [[ ! -x $fuzzer ]]; then
    echo "fuzz.sh: $fuzzer is not built (scripts/fuzz.sh --smoke builds it; scripts/test.sh does too)" >&2
    failed+=("$target")
    continue
  fi
  if [[ ! -d $corpus ]]; then
    echo "fuzz.sh: no seed corpus $corpus" >&2
    failed+=("$target")
    continue
  fi
  found=$scratch/$target
  mkdir -p "$found" "$artifacts/$target"
  args=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/$target/")
  # shellcheck disable=SC2207  # the options are single words
  args+=($(options_for "$target"))
  [[ -f $fuzz_dir/dict/$target.dict ]] && args+=(-dict="$fuzz_dir/dict/$target.dict")
  log=$scratch/$target.log
  started=$SECONDS
  # The first directory receives new inputs; the seeds are only read.
  rc=0
  ASAN_OPTIONS=$(asan_options_for "$target") "$fuzzer" "${args[@]}" "$found" "$corpus" >"$log" 2>&1 </dev/null || rc=$?
  took=$((SECONDS - started))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  runs=${runs:-0}
  rate=$((took > 0 ? runs / took : runs))
  if ((rc != 0)); then
    failed+=("$target")
    # The report from its first line (the sanitizer's, libFuzzer's or the
    # broken invariant's), without the memory map ASan adds to some.
    # (One awk reading to the end: a pipe into head would end in SIGPIPE,
    # which pipefail and set -e turn into a silent exit.)
    awk '/ERROR|invariant broken|ALARM|hard rss limit/ { on = 1 } on && !/^\t0x/ && shown++ < 80' "$log" >&2
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz.sh: $target FAILED (exit $rc) after $runs executions; reproduce with: $fuzzer ${reproducer:-<see the log above>}" >&2
    report+=("$(printf '%-18s %12s %6s s %9s/s  FAILED' "$target" "$runs" "$took" "$rate")")
    continue
  fi
  report+=("$(printf '%-18s %12s %6s s %9s/s  ok' "$target" "$runs" "$took" "$rate")")
  if ((merge)) && [[ -n $(ls -A "$found") ]]; then
    # Only inputs that add coverage to the seeds, as few and small as libFuzzer can.
    # shellcheck disable=SC2046  # the options are single words
    if ! ASAN_OPTIONS=$(asan_options_for "$target") "$fuzzer" -merge=1 $(options_for "$target") "$corpus" "$found" \
      >"$log" 2>&1 </dev/null; then
      tail -n 20 "$log" >&2
      echo "fuzz.sh: merging $target's new inputs failed" >&2
      failed+=("$target")
    else
      echo "fuzz.sh: $target: $(sed -n 's/.*MERGE-OUTER: \([0-9]*\) new files.*/\1/p' "$log") new inputs merged into tests/fuzz/corpus/$target" >&2
    fi
  fi
done

printf '%-18s %12s %8s %11s  %s\n' target executions time rate result
printf '%s\n' "${report[@]}"
if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
