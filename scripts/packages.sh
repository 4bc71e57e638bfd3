# shellcheck shell=bash
# Sourced by scripts/run.sh, scripts/test.sh, scripts/pg-fixture.sh and
# bench/run.sh: the package lists, an idempotent installer, the one way the
# project is configured and built, and a free-port picker.
#
# Everything here must work as root in CI on a clean clone (no stdin, no
# sudo) and as a developer with sudo, and must stay silent when there is
# nothing to do.

MEMBERD_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
MEMBERD_BUILD_DIR=${MEMBERD_BUILD_DIR:-$MEMBERD_REPO/build}
# The fuzz targets' own build (clang; tests/fuzz/CMakeLists.txt).
MEMBERD_FUZZ_BUILD_DIR=${MEMBERD_FUZZ_BUILD_DIR:-$MEMBERD_REPO/build-fuzz}

# What compiling the daemon, the SDK and the plugins needs (TOOLCHAIN.md).
# libpq-dev and libsqlite3-dev are listed because SOCI's headers include
# them without depending on them; the daemon also uses libpq itself (its
# LISTEN/NOTIFY connection, daemon/storage/postgres_listener.cpp). libicu-dev normalises security answers
# (NFKC, case folding); cracklib-runtime ships the common-password word list
# (/usr/share/dict/cracklib-small) the credentials plugin refuses;
# libphonenumber-dev checks profile phone numbers; libvips-dev does all of
# the photo plugin's image work; liboath-dev computes the two_step plugin's
# authenticator codes (RFC 6238) and libqrencode-dev draws their QR codes;
# libfido2-dev verifies its passkeys (WebAuthn) and libcbor-dev splits their
# attestation objects.
# shellcheck disable=SC2034 # used by the scripts that source this file
MEMBERD_BUILD_PACKAGES=(
  g++ cmake ninja-build pkgconf ccache
  libboost-dev libyaml-cpp-dev libsoci-dev libpq-dev libsqlite3-dev
  libcpp-httplib-dev catch2 libssl-dev nlohmann-json3-dev
  libmaxminddb-dev libargon2-dev libsystemd-dev libcurl4-openssl-dev
  libicu-dev cracklib-runtime libphonenumber-dev libvips-dev
  liboath-dev libqrencode-dev libfido2-dev libcbor-dev
)

# What the test suite needs on top: a PostgreSQL for the storage tests run
# on both backends (scripts/pg-fixture.sh), curl for the black-box tests,
# openssl for the TLS tests' certificates, python3-aiosmtpd for a real SMTP
# relay on loopback (STARTTLS, AUTH) in the mail tests, Chromium and Node.js for the
# console's browser tests (playwright-core comes from npm: ensure_e2e_modules),
# exiftool to check that served photos carry no metadata, python3-jsonschema
# (4.10, JSON Schema 2020-12) to check every response the tests receive
# against the served OpenAPI document (tests/contract/), and haproxy for a
# rolling restart of three daemons behind the shipped etc/haproxy.cfg
# (tests/integration/rolling_restart_test.cpp; Debian's default
# configuration that the package starts with listens on nothing), and
# oathtool, the member's authenticator app in the two_step tests (an
# implementation of RFC 6238 that is not ours).
# shellcheck disable=SC2034
MEMBERD_TEST_PACKAGES=(postgresql-15 curl openssl chromium python3-aiosmtpd libimage-exiftool-perl python3-jsonschema haproxy oathtool)

# What the fuzz targets (tests/fuzz, scripts/fuzz.sh) need on top of the
# build packages: clang 14, and libclang-rt-14-dev, the compiler-rt archives
# with libFuzzer's driver (libclang_rt.fuzzer) and the ASan/UBSan runtimes
# that -fsanitize=fuzzer,address,undefined links. clang only recommends it,
# and apt here installs no recommends. (libfuzzer-14-dev is not needed: it
# holds only libFuzzer.a, for linking a driver by hand.)
# shellcheck disable=SC2034
MEMBERD_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

# Installs tests/e2e's npm packages exactly as package-lock.json pins them,
# only when they are missing or the lock file changed since the last install.
ensure_e2e_modules() {
  local dir=$MEMBERD_REPO/tests/e2e
  # A machine may already have Node.js from elsewhere (with its own npm):
  # Debian's packages only when there is none, or they would conflict.
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
  # The lock file's engines fields say which Node.js its packages run on;
  # a mismatch fails here, in words, not deep inside a browser test.
  if ! node "$dir/node-engines.cjs" --lock "$dir/package-lock.json"; then
    echo "memberd: the Node.js found ($(command -v node), $(node --version)) cannot run the browser tests' pinned packages (tests/e2e/package-lock.json); Debian 12's nodejs package can" >&2
    return 1
  fi
  local stamp=$dir/node_modules/.memberd-lock
  if [[ -f $stamp ]] && cmp -s "$stamp" "$dir/package-lock.json"; then return 0; fi
  echo "memberd: installing the browser tests' npm packages" >&2
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/memberd-npm.XXXXXX")
  if ! (cd "$dir" && npm ci --no-audit --no-fund) >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "memberd: npm ci in tests/e2e failed" >&2
    return 1
  fi
  rm -f "$log"
  cp "$dir/package-lock.json" "$stamp"
}

_memberd_apt_updated=

# Prints the packages among "$@" that dpkg does not report as installed.
# One dpkg-query for all of them: a call per package costs ~40 ms each.
missing_packages() {
  local -A installed=()
  local name status pkg
  while IFS=$'\t' read -r name status; do
    # One line per installed architecture; any "installed" one will do.
    [[ $status == installed ]] && installed[$name]=1
  done < <(dpkg-query -W -f='${Package}\t${db:Status-Status}\n' "$@" 2>/dev/null)
  for pkg in "$@"; do
    [[ -n ${installed[$pkg]:-} ]] || printf '%s\n' "$pkg"
  done
}

# ensure_packages pkg...: installs only what is missing; apt-get update runs
# at most once per shell and only when something must be installed (it is the
# slow, network-bound part, and most runs need nothing).
ensure_packages() {
  local missing=()
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]} == 0)) && return 0

  local sudo=()
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "memberd: missing packages: ${missing[*]} (run as root or install sudo)" >&2
      return 1
    fi
    sudo=(sudo)
  fi

  echo "memberd: installing ${missing[*]}" >&2
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/memberd-apt.XXXXXX")
  # apt's chatter goes to a log, shown only when something goes wrong.
  if [[ -z $_memberd_apt_updated ]]; then
    if ! "${sudo[@]}" apt-get update -q >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "memberd: apt-get update failed" >&2
      return 1
    fi
    _memberd_apt_updated=1
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "memberd: installing ${missing[*]} failed" >&2
    return 1
  fi
  rm -f "$log"
}

# A CI clone lives at a different path each run: without these ccache
# would key on absolute paths and never hit (TOOLCHAIN.md).
_memberd_ccache_env() {
  export CCACHE_BASEDIR=$MEMBERD_REPO
  export CCACHE_NOHASHDIR=1
  export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros}
}

# build_project [extra cmake args]: configures build/ when it is not
# configured yet (or when extra arguments ask for a change), then builds.
# Output goes to build/build.log and is shown only when a step fails, so a
# no-op build prints nothing.
build_project() {
  local reconfigure=0
  (($# > 0)) && reconfigure=1
  _memberd_cmake_build "$MEMBERD_BUILD_DIR" "the project" "$MEMBERD_REPO" "$reconfigure" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
}

# build_fuzzers: the libFuzzer targets of tests/fuzz, with clang, in
# build-fuzz/ (a project of its own: the daemon stays GCC-built), the same
# quiet way as build_project. Only the parsers the targets reach are compiled.
build_fuzzers() {
  CC=clang CXX=clang++ _memberd_cmake_build "$MEMBERD_FUZZ_BUILD_DIR" "the fuzz targets" \
    "$MEMBERD_REPO/tests/fuzz" 0
}

# _memberd_cmake_build DIR WHAT SOURCE RECONFIGURE [cmake args]: the one way
# a build directory is made and built. Configures DIR from SOURCE (with
# ccache) when it has no build.ninja or RECONFIGURE is 1, then builds it;
# everything goes to DIR/build.log, shown only when a step fails.
_memberd_cmake_build() {
  local build=$1 what=$2 source=$3 reconfigure=$4
  shift 4
  local log=$build/build.log
  _memberd_ccache_env

  mkdir -p "$build"
  : >"$log"
  if [[ ! -f $build/build.ninja || $reconfigure == 1 ]]; then
    if ! cmake -S "$source" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@" >>"$log" 2>&1; then
      _memberd_show_log "$log" "configuring $what failed"
      return 1
    fi
  fi
  # MEMBERD_JOBS caps parallel compiles (ninja's default is cores + 2, which
  # can run a small machine out of memory on the json/asio-heavy files).
  local jobs=()
  [[ -n ${MEMBERD_JOBS:-} ]] && jobs=(--parallel "$MEMBERD_JOBS")
  if ! cmake --build "$build" "${jobs[@]}" >>"$log" 2>&1; then
    _memberd_show_log "$log" "building $what failed"
    return 1
  fi
}

# In CI the whole log is wanted (nobody can look at the file afterwards);
# on a terminal the end of it holds the first error often enough.
_memberd_show_log() {
  local log=$1 what=$2
  if [[ ${CI:-} == true ]]; then
    cat "$log" >&2
  else
    tail -n 60 "$log" >&2
  fi
  echo "memberd: $what (full log: $log)" >&2
}

# Prints a TCP port on 127.0.0.1 that nothing listens on. Starts at a random
# point below the kernel's ephemeral range (32768+) so that parallel test
# runs rarely collide and outgoing connections never take it meanwhile.
# There is still a window between this check and the caller's bind: callers
# retry on "address in use".
pick_free_port() {
  local port tries
  port=$((20000 + RANDOM % 12000))
  for ((tries = 0; tries < 200; tries++)); do
    if ! _memberd_port_listening "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
    port=$((port >= 31999 ? 20000 : port + 1))
  done
  echo "memberd: no free TCP port found" >&2
  return 1
}

# True when some socket listens on TCP port $1 (any address). ss comes with
# iproute2, which slim container images lack: then read /proc directly
# (state 0A is LISTEN; the local port is the hex after the colon).
_memberd_port_listening() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Hltn "sport = :$port") ]]
    return
  fi
  awk -v want="$(printf '%04X' "$port")" '
    $4 == "0A" { split($2, a, ":"); if (a[2] == want) found = 1 }
    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
