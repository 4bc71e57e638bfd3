#!/usr/bin/env bash
# The SDK as a third party meets it: install it with `cmake --install`, build
# the example plugin and its tests in a separate tree with
# find_package(memberd_sdk) (the tests through the installed test kit,
# memberd::testing), run those tests against this build's daemon, then load
# the plugin into a daemon by hand and call its route.
set -euo pipefail
source_dir=$1 build_dir=$2 memberd=$3
work=$(mktemp -d /tmp/memberd-sdk-XXXXXX)
daemon_pid=
cleanup() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build_dir" --component sdk --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/memberd/plugin.hpp"
# With the warnings the project builds with, as errors: the SDK's headers
# must not fill a plugin's build with warnings of their own. CMake would
# include an imported target's headers with -isystem, which silences them;
# CMAKE_NO_SYSTEM_FROM_IMPORTED keeps them checked.
# missing-field-initializers is left out as in-tree: filling the first
# members of an SDK struct and leaving the rest to their defaults is meant.
cmake -S "$source_dir/sdk/examples/hello" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wno-missing-field-initializers -Werror" \
  -DCMAKE_NO_SYSTEM_FROM_IMPORTED=ON -DHELLO_TESTS=ON >/dev/null
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
test -f "$work/build/hello.so"
test -f "$work/prefix/include/memberd/testing/test_daemon.hpp"
# hello's own tests: the daemon and the credentials plugin of this build
# stand in for installed ones.
MEMBERD_BINARY="$memberd" MEMBERD_PLUGINS_DIR="$build_dir/plugins" \
  ctest --test-dir "$work/build" --output-on-failure --no-tests=error -j2 >"$work/ctest.log" 2>&1 \
  || { cat "$work/ctest.log"; exit 1; }
grep -E "tests passed" "$work/ctest.log"
# Only the two MEMBERD_PLUGIN exports are visible.
exports=$(nm -D --defined-only "$work/build/hello.so" | awk '{print $3}' | grep -c '^memberd_' || true)
[[ $exports == 2 ]] || { echo "expected 2 memberd_ exports, found $exports"; exit 1; }

mkdir -p "$work/plugins" "$work/data"
# Made here: the daemon's redirection opens it in the child, which the loop
# below may outrun.
: >"$work/daemon.log"
cp "$work/build/hello.so" "$work/plugins/"
MEMBERD_ADMIN_PASSWORD='out of tree password' "$memberd" --set http.listen=127.0.0.1:0 \
  --set data_dir="$work/data" --set socket.path="$work/data/memberd.sock" \
  --set database.url="sqlite:$work/data/memberd.db" --set plugins.dir="$work/plugins" \
  --set 'plugins.enabled=[hello]' --set hello.greeting=out-of-tree --set shutdown.lame_duck=0s >"$work/daemon.log" 2>&1 &
daemon_pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/daemon.log" | head -n1)
  [[ -n $port ]] && break
  sleep 0.05
done
[[ -n $port ]] || { cat "$work/daemon.log"; exit 1; }
body=$(curl -sf "http://127.0.0.1:$port/api/v1/hello")
echo "$body"
[[ $body == *'"message":"out-of-tree"'* ]] || { cat "$work/daemon.log"; exit 1; }
echo "out-of-tree example plugin built against the installed SDK and served"
